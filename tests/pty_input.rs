//! Typed text never becomes a command (SPEC W14, issue 14), with the real binary in a
//! pseudo-terminal: every case below is written to the terminal in ONE write, as a terminal that
//! does not bracket pastes (PuTTY, an old xterm, tmux `paste-buffer` without `-p`) or a busy SSH
//! link delivers it.
//!
//! - a three-line paste into the evidence request (the multi-line editor) ends up whole in the
//!   field, its lines kept, and the `q` of "cơ quan" quits nothing;
//! - the same burst with no field open runs nothing and the screen says how many keys it left out;
//! - Esc followed at once by ↓, F12 or F9 is Esc, then that key: no "Đến: …" garbage.

mod common;

use std::time::Duration;

use common::pty::{Term, keys, me};
use domain::ItemKey;

/// Open Quảng Bình by typing its name and put the cursor on 1.1.1.
fn open_quang_binh_1_1_1(t: &mut Term) {
    t.wait_for("Thẩm định PAR INDEX", 60);
    t.send_str("quang binh");
    t.send(keys::ENTER);
    t.wait_for("44 Quảng Bình", 10);
    t.send(keys::DOWN);
    t.send(keys::DOWN);
    t.wait_for("1.1.1 Ban hành", 5);
}

fn running(t: &mut Term) -> bool {
    matches!(t.child.try_wait(), Ok(None))
}

/// The rows drawn as selected (reversed in the monochrome theme), between the title and the
/// hint bar.
fn selected_rows(t: &Term) -> Vec<String> {
    t.with_screen(|s| {
        let (rows, cols) = s.size();
        (1..rows - 1)
            .filter(|&r| s.cell(r, 0).is_some_and(|c| c.inverse()))
            .map(|r| s.contents_between(r, 0, r, cols))
            .collect()
    })
    .unwrap_or_default()
}

/// Wait until `cond` holds on the screen; panic with the screen if it never does.
fn wait_until(t: &Term, what: &str, secs: u64, cond: impl Fn(&str) -> bool) {
    let end = std::time::Instant::now() + Duration::from_secs(secs);
    while std::time::Instant::now() < end {
        if cond(&t.screen()) {
            return;
        }
        std::thread::sleep(Duration::from_millis(30));
    }
    panic!("{what}: not after {secs}s\n---\n{}\n---", t.screen());
}

fn assert_no_jump_garbage(t: &Term) {
    let screen = t.screen();
    assert!(
        !screen.contains("Đến:"),
        "escape-sequence bytes reached the jump:\n{screen}"
    );
}

const THREE_LINES: &str =
    "Bổ sung quyết định của cơ quan\rkèm biên bản họp\rvà danh sách quy trình";
const SENT: &str = "Bổ sung quyết định của cơ quan\nkèm biên bản họp\nvà danh sách quy trình";

#[test]
fn a_three_line_paste_without_brackets_goes_whole_into_the_request() {
    let tmp = tempfile::tempdir().unwrap();
    let mut t = Term::start_demo(tmp.path());
    open_quang_binh_1_1_1(&mut t);
    t.send_str("r");
    t.wait_for("Yêu cầu bổ sung tài liệu", 5);
    // The paste, in one write, without ESC [ 200 ~ around it.
    t.send_str(THREE_LINES);
    t.wait_for("và danh sách quy trình", 5);
    // Nothing was sent by the first line break: the request is still open, and running.
    assert!(
        t.screen().contains("Yêu cầu bổ sung tài liệu"),
        "{}",
        t.screen()
    );
    assert!(running(&mut t), "the q of \"cơ quan\" quit the workbench");
    // F2, pressed by the person afterwards, sends it (Enter is a new line there).
    std::thread::sleep(Duration::from_millis(200));
    t.send(keys::F2);
    t.wait_for("Đã lưu", 5);
    assert!(running(&mut t));
    t.send(keys::F10);
    assert!(t.wait_exit(10), "exit status 0");

    let store = common::open_after_server(&tmp.path().join("demo"));
    let item = store
        .item(&ItemKey::new(2024, "44", "1.1.1"))
        .unwrap()
        .expect("item");
    assert_eq!(item.appraisal.request, SENT);
    assert_eq!(item.last.as_ref().map(|l| l.actor.clone()), Some(me()));
}

#[test]
fn the_same_burst_with_no_field_open_runs_nothing_and_says_how_many_keys() {
    let tmp = tempfile::tempdir().unwrap();
    let mut t = Term::start_demo(tmp.path());
    open_quang_binh_1_1_1(&mut t);
    t.send_str(THREE_LINES);
    let n = THREE_LINES.chars().count();
    t.wait_for(&format!("Đã bỏ qua {n} phím gõ liền (dán?)"), 5);
    let screen = t.screen();
    assert!(running(&mut t), "a q of the text quit:\n{screen}");
    // Still the workbench on the same row: no areas view (b), no palette (/), no dialog.
    assert!(screen.contains("44 Quảng Bình"), "{screen}");
    assert!(
        selected_rows(&t).iter().any(|r| r.contains("1.1.1")),
        "{screen}"
    );
    assert!(
        !screen.contains("Tìm kiếm"),
        "the palette opened:\n{screen}"
    );
    t.send(keys::F10);
    assert!(t.wait_exit(10), "exit status 0");

    // No command ran: nothing in the store was changed by this session.
    let store = common::open_after_server(&tmp.path().join("demo"));
    for leaf in ["1.1.1", "1.1.2", "1.2.1", "1.5.1"] {
        let item = store.item(&ItemKey::new(2024, "44", leaf)).unwrap();
        assert!(
            item.as_ref()
                .and_then(|i| i.last.as_ref())
                .is_none_or(|l| l.actor != me()),
            "{leaf} was changed: {item:?}"
        );
    }
    assert!(store.drafts(&me()).unwrap().is_empty());
}

#[test]
fn esc_and_down_in_one_write_close_help_and_move_the_cursor() {
    let tmp = tempfile::tempdir().unwrap();
    let mut t = Term::start_demo(tmp.path());
    t.wait_for("Thẩm định PAR INDEX", 60);
    let before = selected_rows(&t);
    assert_eq!(before.len(), 1, "{}", t.screen());
    t.send(keys::F1);
    t.wait_for("Trợ giúp — phím tắt", 5);
    t.send(b"\x1b\x1b[B");
    wait_until(&t, "help closes and the cursor moves", 5, |s| {
        !s.contains("Trợ giúp — phím tắt")
    });
    std::thread::sleep(Duration::from_millis(150));
    let after = selected_rows(&t);
    assert_eq!(after.len(), 1, "{}", t.screen());
    assert_ne!(after, before, "the cursor did not move:\n{}", t.screen());
    assert_no_jump_garbage(&t);
    // And ↓ alone moves on again: the cursor is where the keys put it.
    t.send(keys::UP);
    std::thread::sleep(Duration::from_millis(150));
    assert_eq!(selected_rows(&t), before, "{}", t.screen());
    t.send(keys::F10);
    assert!(t.wait_exit(10));
}

#[test]
fn esc_and_f12_in_one_write_close_the_history_and_explain_the_score() {
    let tmp = tempfile::tempdir().unwrap();
    let mut t = Term::start_demo(tmp.path());
    open_quang_binh_1_1_1(&mut t);
    t.send(b"\x1bOR"); // F3
    t.wait_for("Lịch sử", 5);
    t.send(b"\x1b\x1b[24~");
    t.wait_for("Giải thích điểm", 5);
    assert_no_jump_garbage(&t);
    // Still over the workbench of Quảng Bình, not thrown out to the list of units.
    t.send(keys::ESC);
    wait_until(&t, "the card closes", 5, |s| !s.contains("Giải thích điểm"));
    assert!(t.screen().contains("44 Quảng Bình"), "{}", t.screen());
    assert!(
        selected_rows(&t).iter().any(|r| r.contains("1.1.1")),
        "{}",
        t.screen()
    );
    assert_no_jump_garbage(&t);
    t.send(keys::F10);
    assert!(t.wait_exit(10));
}

#[test]
fn esc_and_f9_in_one_write_close_help_and_open_the_ranking() {
    let tmp = tempfile::tempdir().unwrap();
    let mut t = Term::start_demo(tmp.path());
    open_quang_binh_1_1_1(&mut t);
    t.send(keys::F1);
    t.wait_for("Trợ giúp — phím tắt", 5);
    t.send(b"\x1b\x1b[20~");
    t.wait_for("Xếp hạng", 5);
    assert!(
        !t.screen().contains("Trợ giúp — phím tắt"),
        "{}",
        t.screen()
    );
    assert_no_jump_garbage(&t);
    t.send(keys::F10);
    assert!(t.wait_exit(10));
}
