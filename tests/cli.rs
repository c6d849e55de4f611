//! The command line as a newcomer uses it (README): sample → init → import → export → audit →
//! verify → backup → restore, and the failures a user must understand.

use std::path::Path;
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_thamdinh"))
}

fn run(args: &[&str], dir: &Path) -> Output {
    bin()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run thamdinh")
}

fn ok(args: &[&str], dir: &Path) -> String {
    let out = run(args, dir);
    assert!(
        out.status.success(),
        "thamdinh {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

#[test]
fn the_readme_flow_works_end_to_end() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let csv = ok(&["sample", "--units", "63", "--year", "2023"], d);
    assert_eq!(
        csv.lines().count(),
        1 + 63 * 64,
        "63 units × 64 appraised leaves + header"
    );
    std::fs::write(d.join("s.csv"), &csv).unwrap();
    // Same seed, same bytes.
    assert_eq!(csv, ok(&["sample", "--units", "63", "--year", "2023"], d));

    let init = ok(
        &["--lang", "en", "--store", "st", "init", "--year", "2023"],
        d,
    );
    assert!(
        init.contains("63 units") && init.contains("88 sub-criteria"),
        "{init}"
    );

    let preview = ok(
        &[
            "--lang",
            "en",
            "--store",
            "st",
            "import",
            "self",
            "s.csv",
            "--dry-run",
        ],
        d,
    );
    assert!(preview.contains("4032 new"), "{preview}");
    let export_empty = ok(
        &[
            "--store",
            "st",
            "export",
            "--format",
            "csv",
            "-o",
            "empty.csv",
        ],
        d,
    );
    assert!(export_empty.contains("5544"));
    let before = std::fs::read_to_string(d.join("empty.csv")).unwrap();
    assert!(
        before.lines().nth(1).unwrap().contains(",pending,"),
        "dry run imported nothing"
    );

    let imported = ok(
        &["--lang", "en", "--store", "st", "import", "self", "s.csv"],
        d,
    );
    assert!(imported.contains("Imported 4032 rows"), "{imported}");
    let sv = ok(
        &[
            "sample", "--units", "63", "--year", "2023", "--kind", "survey",
        ],
        d,
    );
    std::fs::write(d.join("sv.csv"), sv).unwrap();
    ok(&["--store", "st", "import", "survey", "sv.csv"], d);
    // Importing the same file again changes nothing.
    let again = ok(
        &["--lang", "en", "--store", "st", "import", "self", "s.csv"],
        d,
    );
    assert!(again.contains("0 changes"), "{again}");

    ok(
        &[
            "--store", "st", "export", "--format", "csv", "-o", "out.csv",
        ],
        d,
    );
    let out = std::fs::read_to_string(d.join("out.csv")).unwrap();
    let first_self = csv
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(2)
        .unwrap()
        .to_string();
    assert!(
        out.lines()
            .nth(1)
            .unwrap()
            .contains(&format!(",{first_self},"))
    );
    ok(
        &[
            "--store", "st", "export", "--format", "json", "-o", "out.json",
        ],
        d,
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("out.json")).unwrap()).unwrap();
    assert_eq!(json["units"].as_array().unwrap().len(), 63);

    let audit = ok(
        &[
            "--lang", "en", "--store", "st", "audit", "--unit", "44", "--item", "3.2.1", "--events",
        ],
        d,
    );
    assert_eq!(audit.lines().count(), 1, "{audit}");
    assert!(audit.contains("2023/44/3.2.1") && audit.contains("import-self"));
    // Without --events: the item's story ("explain this score").
    let story = ok(
        &[
            "--lang", "en", "--store", "st", "audit", "--unit", "44", "--item", "3.2.1",
        ],
        d,
    );
    assert!(
        story.starts_with("Explain this score") && story.contains("1. Self-assessment"),
        "{story}"
    );
    let md = ok(
        &["--store", "st", "audit", "--unit", "44", "--format", "md"],
        d,
    );
    assert!(md.starts_with("| # |"));
    let json_lines = ok(
        &["--store", "st", "audit", "--unit", "44", "--format", "json"],
        d,
    );
    for line in json_lines.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["hash"].as_str().unwrap().len(), 64);
    }

    let verify = ok(&["--lang", "en", "--store", "st", "verify"], d);
    assert!(verify.starts_with("OK:"), "{verify}");
    ok(&["--store", "st", "backup", "-o", "b.jsonl"], d);
    let restored = ok(&["--lang", "en", "--store", "st2", "restore", "b.jsonl"], d);
    assert!(restored.contains("verify: OK"), "{restored}");
    ok(
        &[
            "--store", "st2", "export", "--format", "csv", "-o", "out2.csv",
        ],
        d,
    );
    assert_eq!(out, std::fs::read_to_string(d.join("out2.csv")).unwrap());
}

#[test]
fn a_bad_import_lists_every_problem_and_imports_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    ok(&["--store", "st", "init", "--year", "2024"], d);
    std::fs::write(
        d.join("bad.csv"),
        "unit,code,self_score\n44,1.1.1,0.5\n99,1.1.1,0.5\n44,9.9.9,1\n44,1.1.2,abc\n44,1.1.1,0.5\n44,1.1.2,0.3\n",
    )
    .unwrap();
    let out = run(
        &["--lang", "en", "--store", "st", "import", "self", "bad.csv"],
        d,
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    for needle in [
        "row 3",
        "99",
        "row 4",
        "9.9.9",
        "row 5",
        "abc",
        "row 6",
        "already appears on row 2",
        "row 7",
        "0.30",
        "nothing was imported",
    ] {
        assert!(err.contains(needle), "missing {needle:?} in:\n{err}");
    }
    let audit = ok(&["--store", "st", "audit", "--unit", "44"], d);
    assert!(audit.is_empty(), "nothing imported: {audit}");

    // Vietnamese by default.
    let out = run(&["--store", "st", "import", "self", "bad.csv"], d);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("không nhập dòng nào"), "{err}");

    std::fs::write(
        d.join("latin1.csv"),
        b"unit,code,self_score,note\n44,1.1.1,0.5,Qu\xe1ng\n",
    )
    .unwrap();
    let out = run(
        &[
            "--lang",
            "en",
            "--store",
            "st",
            "import",
            "self",
            "latin1.csv",
        ],
        d,
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("UTF-8"));
}

#[test]
fn a_problem_past_the_rows_already_sent_still_imports_nothing() {
    // The rows go to the server a batch at a time as they are checked: a bad last row, a quote
    // never closed at the end, a NUL byte near the end — each found after thousands of good
    // rows were sent — import nothing, and the problem is listed as for a small file.
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    ok(&["--store", "st", "init", "--year", "2024"], d);
    let sample = ok(&["sample", "--units", "63", "--year", "2024"], d);
    let lines: Vec<&str> = sample.lines().collect();
    // More than two batches of rows (2,000 each) before the last.
    assert!(lines.len() > 4_000, "{}", lines.len());
    let n = lines.len();
    let good = format!("{}\n", lines.join("\n"));
    let cases = [
        (
            "last-row.csv",
            format!("{good}99,1.1.1,0.5,,\n"),
            format!("row {}", n + 1),
        ),
        (
            "open-quote.csv",
            format!("{good}44,1.1.1,0.5,\"chưa đóng,\n"),
            "never closed".to_string(),
        ),
        (
            "nul.csv",
            format!("{good}{}\0\n", lines[n - 1]),
            format!("row {}", n + 1),
        ),
    ];
    for (name, text, needle) in cases {
        std::fs::write(d.join(name), text).unwrap();
        let out = run(
            &["--lang", "en", "--store", "st", "import", "self", name],
            d,
        );
        assert!(!out.status.success(), "{name}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&needle),
            "{name}: missing {needle:?} in:\n{err}"
        );
        assert!(err.contains("nothing was imported"), "{name}: {err}");
        let audit = ok(&["--store", "st", "audit", "--unit", "44"], d);
        assert!(audit.is_empty(), "{name}: nothing imported: {audit}");
    }
    // The good file imports, and its dry run shows every row first.
    std::fs::write(d.join("good.csv"), &good).unwrap();
    let plan = ok(
        &[
            "--lang",
            "en",
            "--store",
            "st",
            "import",
            "self",
            "good.csv",
            "--dry-run",
        ],
        d,
    );
    assert!(plan.contains(&format!("{} new (+)", n - 1)), "{plan}");
    let done = ok(
        &[
            "--lang", "en", "--store", "st", "import", "self", "good.csv",
        ],
        d,
    );
    assert!(done.contains(&format!("Imported {} rows", n - 1)), "{done}");
    assert!(ok(&["--lang", "en", "--store", "st", "verify"], d).contains("OK"));
}

#[test]
fn a_store_held_by_another_process_is_named_clearly() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    ok(&["--store", "st", "init", "--year", "2024"], d);
    let held = store::Store::open(&d.join("st")).unwrap();
    let out = run(&["--lang", "en", "--store", "st", "verify"], d);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("is open in process {}", std::process::id())),
        "{err}"
    );
    assert!(
        !err.contains("could not acquire lock"),
        "no raw sled text: {err}"
    );
    drop(held);
    ok(&["--store", "st", "verify"], d);
}

#[test]
fn unknown_units_and_years_are_explained() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let out = run(
        &["--lang", "en", "--store", "st", "init", "--year", "1999"],
        d,
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--framework FILE"));
    ok(&["--store", "st", "init", "--year", "2025"], d);
    let out = run(
        &["--lang", "en", "--store", "st", "audit", "--unit", "44x"],
        d,
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("no unit \"44x\""));
    let out = run(
        &["--lang", "en", "--store", "st", "init", "--year", "2025"],
        d,
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
}

#[test]
fn keys_check_reports_problems_with_file_and_key() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(
        d.join("k.toml"),
        "[workbench]\nagree = { keys = [\"a\"], desc = \"Đồng ý\" }\nundo = { keys = [\"a\"], desc = \"Hoàn tác\" }\n",
    )
    .unwrap();
    let out = run(&["--lang", "en", "keys", "check", "k.toml"], d);
    assert!(!out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("k.toml:") && text.contains("agree") && text.contains("undo"),
        "{text}"
    );
    let vim = Path::new(env!("CARGO_MANIFEST_DIR")).join("keymaps/vim.toml");
    let out = run(&["keys", "check", vim.to_str().unwrap()], d);
    assert!(out.status.success());
}

/// After `thamdinh demo`, a newcomer's next command names no store: the default store does not
/// exist, and the message says how to reach the demo (`--store demo`), which then works.
#[test]
fn store_demo_names_the_demo_store_and_a_missing_default_store_suggests_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let home = tmp.path();
    let with_home = |args: &[&str]| {
        bin()
            .args(args)
            .current_dir(home)
            .env("HOME", home)
            .env_remove("XDG_DATA_HOME")
            .output()
            .expect("run thamdinh")
    };
    let audit = ["audit", "--unit", "44", "--item", "1.3.1", "--format", "md"];
    // Before the demo was ever built, --store demo says how to build it.
    let mut args = vec!["--store", "demo"];
    args.extend(audit);
    let early = with_home(&args);
    let err = String::from_utf8_lossy(&early.stderr);
    assert!(!early.status.success());
    assert!(
        err.contains("kho minh họa chưa được tạo") && err.contains("Chạy `thamdinh demo` một lần"),
        "{err}"
    );
    let built = with_home(&["demo"]);
    assert!(built.status.success(), "{built:?}");
    let out = with_home(&audit);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("không phải là kho dữ liệu"), "{err}");
    assert!(err.contains("--store demo"), "{err}");
    let mut args = vec!["--store", "demo"];
    args.extend(audit);
    let out = with_home(&args);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{out:?}");
    assert!(text.contains("1.3.1"), "{text}");
    // Stop the demo's server.
    let demo = home.join(".local/share/thamdinh/demo");
    if let Ok(pid) = std::fs::read_to_string(demo.join("server.pid")) {
        let _ = Command::new("kill").arg(pid.trim()).status();
    }
}
