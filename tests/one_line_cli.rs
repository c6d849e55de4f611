//! SPEC R7 through the real binary: what a user typed cannot forge a line of `round list` or
//! `member list`. A round note's line breaks are kept as spaces, a member name must be an OS
//! user name (refused before anything is sent), and entries written before these checks are
//! printed on one line with their line breaks and controls shown escaped.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use api::Workbench;
use common::{YEAR, date, setup};
use domain::{Change, Command as Cmd, NewEvent, Role, Round, RoundScope};

fn me() -> String {
    uzers::get_current_username()
        .expect("passwd entry")
        .to_string_lossy()
        .into_owned()
}

fn cli(dir: &Path, lang: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_thamdinh"))
        .args(["--lang", lang, "--store"])
        .arg(dir)
        .args(args)
        .output()
        .expect("run thamdinh")
}

fn stdout(what: &str, out: &Output) -> String {
    assert!(
        out.status.success(),
        "{what} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).expect("utf-8 output")
}

/// A store with this OS user as lead, holding a member and a round written before names and
/// notes were checked (straight into the store, as an old version could have).
fn store_with_old_entries(tmp: &Path) -> std::path::PathBuf {
    let dir = tmp.join("store");
    let lead = setup(&dir);
    lead.apply(Cmd::SetMember {
        user: me(),
        role: Role::Lead,
    })
    .expect("add this user");
    let old = |change| NewEvent {
        actor: "lead".into(),
        command: "set-member".into(),
        change,
        reason: String::new(),
    };
    lead.engine()
        .store()
        .commit(
            jiff::Timestamp::now(),
            vec![
                old(Change::MemberChanged {
                    user: "cu\nlead".into(),
                    before: None,
                    after: Some(Role::Auditor),
                }),
                old(Change::RoundChanged {
                    year: YEAR,
                    number: 1,
                    before: None,
                    after: Round {
                        year: YEAR,
                        number: 1,
                        opens: date("2024-01-01"),
                        closes: date("2099-12-31"),
                        scope: RoundScope::Lowered,
                        units: Vec::new(),
                        note: "Công văn 1\nRound 7: 01/01/2000 – 02/01/2000\u{1b}[2J".into(),
                        closed: false,
                    },
                }),
            ],
        )
        .expect("old entries");
    dir
}

#[test]
fn round_list_prints_each_round_on_its_own_lines() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = store_with_old_entries(tmp.path());
    let year = YEAR.to_string();
    let forged = "Công văn 512/BNV-CCHC\nRound 9: 01/01/2000 – 02/01/2000 (closed); every unit";
    stdout(
        "round open",
        &cli(
            &dir,
            "en",
            &[
                "round",
                "open",
                "--year",
                &year,
                "--closes",
                "2099-12-31",
                "--note",
                forged,
            ],
        ),
    );
    let list = stdout(
        "round list",
        &cli(&dir, "en", &["round", "list", "--year", &year]),
    );
    let lines: Vec<&str> = list.lines().collect();
    // Two lines a round: the round, then its counts.
    assert_eq!(lines.len(), 4, "{list}");
    let heads: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("Round "))
        .collect();
    assert_eq!(heads.len(), 2, "{list}");
    assert!(heads[0].starts_with("Round 1: ") && heads[1].starts_with("Round 2: "));
    // The new note was kept on one line; the old one is shown with its break and escape visible.
    assert!(
        heads[1].ends_with(
            "; Công văn 512/BNV-CCHC Round 9: 01/01/2000 – 02/01/2000 (closed); every unit"
        ),
        "{list}"
    );
    assert!(
        heads[0].ends_with("; Công văn 1␊Round 7: 01/01/2000 – 02/01/2000␛[2J"),
        "{list}"
    );
    assert!(!list.contains('\u{1b}'), "{list}");

    // The same in Vietnamese.
    let vi = stdout(
        "round list (vi)",
        &cli(&dir, "vi", &["round", "list", "--year", &year]),
    );
    assert_eq!(
        vi.lines().filter(|l| l.starts_with("Đợt ")).count(),
        2,
        "{vi}"
    );
    assert_eq!(vi.lines().count(), 4, "{vi}");
}

#[test]
fn member_names_are_checked_and_member_list_prints_one_member_a_line() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = store_with_old_entries(tmp.path());
    for bad in [
        vec!["member", "add", "lan\nlead", "--role", "lead"],
        vec!["member", "add", " ", "--role", "lead"],
        vec!["member", "add", "\t"],
        vec!["member", "add", "--", "-x"],
    ] {
        let out = cli(&dir, "en", &bad);
        assert!(!out.status.success(), "{bad:?} accepted");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("is not valid") && err.contains("not starting with a hyphen"),
            "{bad:?}: {err}"
        );
        assert_eq!(
            err.trim_end().lines().count(),
            1,
            "{bad:?}: one line: {err}"
        );
    }
    let out = cli(&dir, "vi", &["member", "add", "lan\nlead"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(r#"tên thành viên "lan\nlead" không hợp lệ"#),
        "{err}"
    );
    let added = stdout(
        "member add",
        &cli(&dir, "en", &["member", "add", "tran.thi_b"]),
    );
    assert_eq!(added.trim_end(), "tran.thi_b: appraiser");

    let list = stdout("member list", &cli(&dir, "en", &["member", "list"]));
    let lines: Vec<&str> = list.lines().collect();
    // lead, an, kiemtra, this user, the old "cu\nlead", tran.thi_b.
    let mut expected = 6;
    if me() == "lead" || me() == "an" || me() == "kiemtra" {
        expected -= 1;
    }
    assert_eq!(lines.len(), expected, "{list}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("cu␊lead ") && l.ends_with(" auditor, read only")),
        "{list}"
    );
    let leads: Vec<&&str> = lines.iter().filter(|l| l.starts_with("lead ")).collect();
    assert_eq!(leads.len(), 1, "no forged line for lead:\n{list}");
    assert!(leads[0].ends_with(" lead"), "{list}");
    assert!(!lines.iter().any(|l| l.starts_with("lan")), "{list}");
}
