//! `thamdinh assign` (SPEC S6) run as a user runs it, on a demo store, through the store's
//! server: assign a unit and an area, list them with their progress, enforce them, and the refusals.

mod common;

use std::path::Path;
use std::process::Command;

use common::cli::me;

fn ok(dir: &Path, args: &[&str]) -> String {
    common::cli::ok(&dir.join("st"), args)
}

fn refused(dir: &Path, args: &[&str]) -> String {
    common::cli::refused(&dir.join("st"), args)
}

#[test]
fn a_lead_assigns_lists_with_progress_and_enforces() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let me = me();
    sample::demo::build(&dir.join("st"), &me, Some(5)).expect("demo store");
    let empty = ok(dir, &["assign", "list", "--year", "2024"]);
    assert!(empty.contains("Năm 2024 chưa có phân công nào"), "{empty}");
    ok(dir, &["member", "add", "binh", "--role", "appraiser"]);
    let out = ok(
        dir,
        &["assign", "--year", "2024", "--unit", "08", "--to", "binh"],
    );
    assert_eq!(out, "Năm 2024: đơn vị 08 được phân công cho binh.\n");
    let out = ok(
        dir,
        &[
            "assign", "--year", "2024", "--unit", "08", "--area", "3", "--to", &me,
        ],
    );
    assert_eq!(
        out,
        format!("Năm 2024: lĩnh vực 3 của đơn vị 08 được phân công cho {me}.\n")
    );
    ok(
        dir,
        &["assign", "--year", "2024", "--unit", "01", "--to", "binh"],
    );
    ok(
        dir,
        &["assign", "--year", "2024", "--unit", "01", "--clear"],
    );
    let list = ok(dir, &["assign", "list", "--year", "2024"]);
    let lines: Vec<&str> = list.lines().collect();
    assert!(
        lines[0].starts_with("Đơn vị") && lines[0].ends_with("Tiến độ"),
        "{list}"
    );
    assert_eq!(
        lines.len(),
        6,
        "header, two assignments, a blank, two summary lines:\n{list}"
    );
    assert!(
        lines[1].contains("(cả đơn vị)") && lines[1].contains("binh"),
        "{list}"
    );
    assert!(lines[2].contains("3 Cải cách thủ tục hành chính"), "{list}");
    // The demo appraised unit 08: each row's progress is "done/total", done ≤ total, total > 0.
    let fraction = |line: &str| -> (u32, u32) {
        let last = line.split_whitespace().last().expect("a progress");
        let (d, t) = last.split_once('/').expect("done/total");
        (d.parse().expect("done"), t.parse().expect("total"))
    };
    let (d1, t1) = fraction(lines[1]);
    let (d2, t2) = fraction(lines[2]);
    assert!(t1 > 0 && t2 > 0 && d1 <= t1 && d2 <= t2, "{list}");
    assert_eq!(
        lines[4],
        format!("Tiến độ theo người: binh {d1}/{t1} · {me} {d2}/{t2}")
    );
    assert!(
        lines[5].starts_with("Bắt buộc theo phân công: tắt"),
        "{list}"
    );
    let out = ok(dir, &["assign", "enforce", "on", "--year", "2024"]);
    assert!(
        out.starts_with("Năm 2024: bắt buộc theo phân công"),
        "{out}"
    );
    let list = ok(dir, &["--lang", "en", "assign", "list", "--year", "2024"]);
    assert!(list.contains("Assignments enforced: on"), "{list}");
    // The record shows who assigned what, and verify replays it.
    let audit = ok(dir, &["audit", "--user", &me]);
    assert!(audit.contains("phân công 08: — → binh"), "{audit}");
    ok(dir, &["verify"]);
    // A backup restored elsewhere has the same assignments and enforcement.
    ok(dir, &["backup", "-o", "b.jsonl"]);
    let restored = Command::new(env!("CARGO_BIN_EXE_thamdinh"))
        .args(["--lang", "en", "--store"])
        .arg(dir.join("st2"))
        .args(["restore", "b.jsonl"])
        .current_dir(dir)
        .output()
        .expect("restore");
    let text = String::from_utf8_lossy(&restored.stdout);
    assert!(
        restored.status.success() && text.contains("verify: OK"),
        "{text}"
    );
    let again = Command::new(env!("CARGO_BIN_EXE_thamdinh"))
        .arg("--store")
        .arg(dir.join("st2"))
        .args(["assign", "list", "--year", "2024"])
        .current_dir(dir)
        .output()
        .expect("list restored");
    let again = String::from_utf8_lossy(&again.stdout).into_owned();
    let list_now = ok(dir, &["assign", "list", "--year", "2024"]);
    assert_eq!(again, list_now, "the restored store lists the same");
    assert!(again.contains("Bắt buộc theo phân công: bật"), "{again}");
}

#[test]
fn bad_assignments_are_refused_with_what_to_do_and_change_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    sample::demo::build(&dir.join("st"), &me(), Some(3)).expect("demo store");
    let err = refused(dir, &["assign", "--unit", "999", "--to", &me()]);
    assert!(
        err.contains("không có đơn vị mã \"999\" trong danh sách đơn vị năm 2024"),
        "{err}"
    );
    let err = refused(
        dir,
        &["assign", "--unit", "08", "--area", "3.1", "--to", &me()],
    );
    assert!(err.contains("không có lĩnh vực \"3.1\""), "{err}");
    let err = refused(dir, &["assign", "--unit", "08", "--to", "khongco"]);
    assert!(
        err.contains("khongco chưa là thành viên")
            && err.contains("thamdinh member add khongco --role appraiser"),
        "{err}"
    );
    // Neither --to nor --clear: clap says what is missing, in Vietnamese.
    let err = refused(dir, &["assign", "--unit", "08"]);
    assert!(err.contains("--to"), "{err}");
    let err = refused(dir, &["assign", "enforce", "maybe"]);
    assert!(err.contains("maybe"), "{err}");
    let list = ok(dir, &["assign", "list"]);
    assert!(list.contains("chưa có phân công nào"), "{list}");
}
