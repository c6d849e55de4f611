//! SPEC R4 for the command line: whatever a province, a file or a user wrote — escape sequences,
//! C1 controls, bidi overrides — every command that prints it to a terminal shows it inert
//! (audit, reports, rounds, members, and the error messages that quote a file).

mod common;

use std::path::Path;
use std::process::{Command, Output};

use api::Workbench;
use common::{YEAR, key, p, setup, terminal_controls};
use domain::{Command as Cmd, Role};

/// OSC 52 (write the clipboard), clear screen, a C1 CSI, a right-to-left override, a
/// cursor-position report request.
const HOSTILE: &str = "H1\x1b]52;c;SGFja2Vk\x07 H2\x1b[2J H3\u{9b}31m H4\u{202e}đảo H5\x1b[6n";

fn me() -> String {
    uzers::get_current_username()
        .expect("passwd entry")
        .to_string_lossy()
        .into_owned()
}

fn cli(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_thamdinh"))
        .args(["--lang", "en", "--store"])
        .arg(dir)
        .args(args)
        .output()
        .expect("run thamdinh")
}

/// Both streams of `out` hold nothing a terminal would act on; returns them as text.
fn inert(what: &str, out: &Output) -> String {
    for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let found = terminal_controls(bytes);
        assert!(
            found.is_empty(),
            "{what}: {stream} would drive the terminal: {found:?}\n{}",
            String::from_utf8_lossy(bytes)
        );
    }
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A store with this OS user as lead; 44/1.1.1 adjusted with a hostile justification, and its
/// self-assessment note (with the same text) imported through the command line.
fn hostile_store(tmp: &Path) -> std::path::PathBuf {
    let dir = tmp.join("store");
    let lead = setup(&dir);
    lead.apply(Cmd::SetMember {
        user: me(),
        role: Role::Lead,
    })
    .expect("add this user");
    let k = key("44", "1.1.2");
    lead.apply(Cmd::Adjust {
        key: k.clone(),
        score: p("1"),
        justification: format!("Thiếu văn bản {HOSTILE}"),
        expected: common::version(&lead, &k),
    })
    .expect("adjust");
    drop(lead);
    let csv = tmp.join("hostile.csv");
    let mut w = csv::Writer::from_path(&csv).expect("csv");
    w.write_record(["unit", "code", "self_score", "note", "evidence"])
        .expect("header");
    w.write_record(["44", "1.1.1", "2", HOSTILE, "12/KH|Kế hoạch|2024-01-10"])
        .expect("row");
    w.flush().expect("flush");
    let out = cli(&dir, &["import", "self", csv.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", inert("import", &out));
    dir
}

#[test]
fn audit_reports_rounds_and_members_print_hostile_text_inert() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = hostile_store(tmp.path());

    let text = inert("audit", &cli(&dir, &["audit", "--unit", "44"]));
    assert!(
        text.contains(r"H1\u{1b}]52;c;SGFja2Vk\u{7}") && text.contains(r"H4\u{202e}đảo"),
        "the note is shown with its controls escaped:\n{text}"
    );
    let md = inert(
        "audit md",
        &cli(&dir, &["audit", "--unit", "44", "--format", "md"]),
    );
    assert!(md.contains("H2"), "{md}");
    let card = inert("report unit", &cli(&dir, &["report", "unit", "44"]));
    assert!(card.contains("Thiếu văn bản H1"), "{card}");
    let year = YEAR.to_string();
    let opened = cli(
        &dir,
        &[
            "round",
            "open",
            "--year",
            &year,
            "--closes",
            "2099-12-31",
            "--note",
            HOSTILE,
        ],
    );
    assert!(opened.status.success(), "{}", inert("round open", &opened));
    let rounds = inert("round list", &cli(&dir, &["round", "list"]));
    assert!(rounds.contains("H2␛[2J"), "{rounds}");

    // A member name is whatever the lead typed; printed inert.
    let added = cli(&dir, &["member", "add", "x\x1b[2Jy", "--role", "auditor"]);
    inert("member add", &added);
    let members = inert("member list", &cli(&dir, &["member", "list"]));
    assert!(members.contains(&me()), "{members}");
}

#[test]
fn error_messages_quoting_a_hostile_file_are_inert() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = hostile_store(tmp.path());

    // Import problems quote the cells.
    let bad = tmp.path().join("bad.csv");
    std::fs::write(
        &bad,
        "unit,code,self_score,note,evidence\n\
         4\x1b[2J4,1.1.1,1,x,\n\
         44,1.1.\u{202e}2,1,x,\n\
         44,2.1.1,\x1b]0;x\x07,x,\n\
         44,1.1.2,1,x,12/KH|T|\u{9b}2024\n",
    )
    .expect("write");
    let out = cli(&dir, &["import", "self", bad.to_str().expect("utf-8")]);
    assert!(!out.status.success());
    let err = inert("import problems", &out);
    for row in ["row 2", "row 3", "row 4", "row 5"] {
        assert!(err.contains(row), "{row} named:\n{err}");
    }
    assert!(err.contains("nothing was imported"), "{err}");

    // Keymap check quotes the keys and actions.
    let km = tmp.path().join("keys.toml");
    std::fs::write(
        &km,
        "[global]\n\"\\u001b[2J\" = \"quit\"\nquit = [\"\\u001b]0;x\\u0007\"]\n",
    )
    .expect("write");
    let out = cli(&dir, &["keys", "check", km.to_str().expect("utf-8")]);
    let msg = inert("keys check", &out);
    assert!(msg.contains("keys.toml"), "{msg}");

    // A framework file whose code and name carry sequences: the error goes through main.
    let fw = tmp.path().join("fw.toml");
    std::fs::write(
        &fw,
        common::FRAMEWORK.replace("code = \"2.1.1\"", "code = \"2.1.\\u001b[2J\\u202e1\""),
    )
    .expect("write");
    let units = tmp.path().join("units.toml");
    std::fs::write(&units, common::UNITS).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_thamdinh"))
        .args(["--lang", "en", "--store"])
        .arg(tmp.path().join("new"))
        .args(["init", "--year", "2024", "--framework"])
        .arg(&fw)
        .arg("--units")
        .arg(&units)
        .output()
        .expect("run init");
    assert!(!out.status.success());
    let msg = inert("init with a hostile framework", &out);
    assert!(msg.contains("fw.toml"), "{msg}");
}
