//! The real binary in a pseudo-terminal, as an appraiser uses it over SSH: open the demo, move,
//! set a score with a justification, quit — and the terminal is given back as it was. And an SSH
//! drop (SIGHUP) in the middle of typing a justification keeps the draft.

mod common;

use common::pty::{Term, keys, me};
use domain::ItemKey;

/// Open Quảng Bình by typing its name, then move to its first sub-criterion and open the editor.
fn open_editor_on_quang_binh(t: &mut Term) {
    t.wait_for("Thẩm định PAR INDEX", 60);
    t.send_str("quang binh");
    t.send(keys::ENTER);
    t.wait_for("44 Quảng Bình", 10);
    t.send(keys::DOWN);
    t.send(keys::DOWN);
    t.wait_for("1.1.1 Ban hành", 5);
    t.send(keys::F2);
    t.wait_for("Điểm đề xuất", 5);
}

fn assert_terminal_restored(t: &Term) {
    assert!(!t.alternate_screen(), "alternate screen left");
    assert!(!t.cursor_hidden(), "cursor shown again");
    assert!(!t.bracketed_paste(), "bracketed paste off");
    assert!(
        t.cooked_mode(),
        "raw mode off: canonical input and echo are back"
    );
}

#[test]
fn edit_a_score_with_a_justification_then_quit() {
    let tmp = tempfile::tempdir().unwrap();
    let mut t = Term::start_demo(tmp.path());
    open_editor_on_quang_binh(&mut t);
    assert!(
        t.alternate_screen(),
        "the workbench runs on the alternate screen"
    );
    t.send_str("0");
    t.send(keys::TAB);
    t.send_str(" Kiểm tra qua PTY: chưa có văn bản ban hành kế hoạch.");
    t.send(keys::F2);
    t.wait_for("Đã lưu", 5);
    t.send(keys::F10);
    assert!(t.wait_exit(10), "exit status 0");
    assert_terminal_restored(&t);

    let store = common::open_after_server(&tmp.path().join("demo"));
    let item = store
        .item(&ItemKey::new(2024, "44", "1.1.1"))
        .unwrap()
        .expect("item");
    assert_eq!(item.appraisal.proposed.map(|p| p.hundredths()), Some(0));
    assert!(
        item.appraisal.justification.contains("Kiểm tra qua PTY"),
        "{:?}",
        item.appraisal.justification
    );
    assert_eq!(item.last.as_ref().map(|l| l.actor.clone()), Some(me()));
    assert!(store.verify().unwrap().ok());
}

#[test]
fn a_hangup_while_typing_keeps_the_draft() {
    let tmp = tempfile::tempdir().unwrap();
    let mut t = Term::start_demo(tmp.path());
    open_editor_on_quang_binh(&mut t);
    t.send(keys::TAB);
    t.send_str(" Đang soạn dở thì mất kết nối SSH");
    // The hangup comes once the text is on the screen (the draft is what the editor holds).
    t.wait_for("mất kết nối SSH", 10);
    let pid = t.pid().expect("pid") as i32;
    // SAFETY: sending a signal to the child we started.
    unsafe {
        libc::kill(pid, libc::SIGHUP);
    }
    t.wait_exit(10);
    assert_terminal_restored(&t);

    let store = common::open_after_server(&tmp.path().join("demo"));
    let drafts = store.drafts(&me()).unwrap();
    let (key, draft) = drafts
        .iter()
        .find(|(k, _)| k.unit == "44" && k.leaf == "1.1.1")
        .unwrap_or_else(|| panic!("no draft kept: {drafts:?}"));
    assert_eq!(key.year, 2024);
    assert!(draft.text.contains("mất kết nối SSH"), "{:?}", draft.text);
    // Nothing was committed as a decision.
    let item = store
        .item(&ItemKey::new(2024, "44", "1.1.1"))
        .unwrap()
        .unwrap();
    assert!(!item.appraisal.justification.contains("mất kết nối"));
}

#[test]
fn sigterm_restores_the_terminal_too() {
    let tmp = tempfile::tempdir().unwrap();
    let t = Term::start_demo(tmp.path());
    t.wait_for("Thẩm định PAR INDEX", 60);
    let pid = t.pid().expect("pid") as i32;
    // SAFETY: sending a signal to the child we started.
    unsafe {
        libc::kill(pid, libc::SIGTERM);
    }
    let mut t = t;
    t.wait_exit(10);
    assert_terminal_restored(&t);
}

#[test]
fn a_small_window_is_told_so_and_a_resize_brings_the_workbench_back() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    let h = tmp.path().to_str().unwrap();
    let mut t = Term::start(
        &["--lang", "en", "demo", "--dir", dir.to_str().unwrap()],
        60,
        20,
        &[
            ("NO_COLOR", "1"),
            ("HOME", h),
            ("XDG_CONFIG_HOME", h),
            ("XDG_DATA_HOME", h),
        ],
    );
    t.wait_for("Needs at least 80×24", 60);
    t.master
        .resize(portable_pty::PtySize {
            rows: 24,
            cols: 80,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    t.resize_parser(24, 80);
    t.wait_for("PAR INDEX", 10);
    t.send(keys::F10);
    t.wait_exit(10);
    assert_terminal_restored(&t);
}
