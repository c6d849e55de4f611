//! The mouse with the real binary in a pseudo-terminal (SPEC W12, issue 14 item 5): the
//! workbench asks for SGR mouse reports (modes 1000 and 1006) and turns them off on exit; a
//! click selects a row of the list of provinces and a second click on it opens the province; a
//! click on the hint bar runs that entry; the wheel moves the cursor; `--no-mouse` asks for
//! nothing, and neither does `mouse = false` in the user's keymap file.

mod common;

use std::time::Duration;

use common::pty::{Term, keys};

/// An SGR left click (press and release) at a 0-based column and row.
fn click(t: &mut Term, col: u16, row: u16) {
    let (x, y) = (col + 1, row + 1);
    t.send(format!("\x1b[<0;{x};{y}M\x1b[<0;{x};{y}m").as_bytes());
}

fn line(t: &Term, row: u16) -> String {
    t.with_screen(|s| s.contents_between(row, 0, row, s.size().1))
        .unwrap_or_default()
}

fn selected_row(t: &Term) -> Option<u16> {
    t.with_screen(|s| (1..s.size().0 - 1).find(|&r| s.cell(r, 0).is_some_and(|c| c.inverse())))
        .flatten()
}

fn wait_until(t: &Term, what: &str, secs: u64, cond: impl Fn(&Term) -> bool) {
    let end = std::time::Instant::now() + Duration::from_secs(secs);
    while std::time::Instant::now() < end {
        if cond(t) {
            return;
        }
        std::thread::sleep(Duration::from_millis(30));
    }
    panic!("{what}: not after {secs}s\n---\n{}\n---", t.screen());
}

fn contains(raw: &[u8], what: &[u8]) -> bool {
    raw.windows(what.len()).any(|w| w == what)
}

#[test]
fn a_click_selects_a_row_a_second_opens_it_and_the_hint_bar_is_clickable() {
    let tmp = tempfile::tempdir().unwrap();
    let mut t = Term::start_demo(tmp.path());
    t.wait_for("Thẩm định PAR INDEX", 60);
    assert!(contains(&t.raw_bytes(), b"\x1b[?1000h\x1b[?1006h"));
    // The list starts under its header (row 2): click the third province (row 5).
    assert_eq!(selected_row(&t), Some(3), "{}", t.screen());
    let row = line(&t, 5);
    let code = row.split_whitespace().next().expect("a code").to_string();
    click(&mut t, 10, 5);
    wait_until(&t, "the clicked row is selected", 5, |t| {
        selected_row(t) == Some(5)
    });
    // Nothing opened yet; the second click on the selected row opens the province.
    assert!(
        line(&t, 0).contains("Thẩm định PAR INDEX"),
        "{}",
        t.screen()
    );
    click(&mut t, 10, 5);
    wait_until(&t, "the province opens", 5, |t| {
        line(t, 0).trim_start().starts_with(&format!("{code} "))
    });
    // The hint bar's "F1 Thêm" opens the help.
    let bar = line(&t, 23);
    let at = bar.find("F1 Thêm").expect("F1 Thêm in the hint bar");
    let col = bar[..at].chars().count() as u16;
    click(&mut t, col + 1, 23);
    t.wait_for("Trợ giúp — phím tắt", 5);
    t.send(keys::ESC);
    wait_until(&t, "help closes", 5, |t| {
        !t.screen().contains("Trợ giúp — phím tắt")
    });
    // The wheel moves the cursor down the tree.
    let before = selected_row(&t).expect("a selected row");
    t.send(b"\x1b[<65;10;8M");
    wait_until(&t, "the wheel moves the cursor", 5, |t| {
        selected_row(t).is_some_and(|r| r > before)
    });
    // Nothing clicked or scrolled was typed: no jump, no ignored keys.
    let screen = t.screen();
    assert!(
        !screen.contains("Đến:") && !screen.contains("Đã bỏ qua"),
        "{screen}"
    );
    t.send(keys::F10);
    assert!(t.wait_exit(10));
    assert!(
        contains(&t.raw_bytes(), b"\x1b[?1006l\x1b[?1000l"),
        "mouse reports are turned off on exit"
    );
}

#[test]
fn no_mouse_leaves_the_mouse_to_the_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    let h = tmp.path().to_str().unwrap();
    let mut t = Term::start(
        &["demo", "--dir", dir.to_str().unwrap(), "--no-mouse"],
        80,
        24,
        &[
            ("NO_COLOR", "1"),
            ("HOME", h),
            ("XDG_CONFIG_HOME", h),
            ("XDG_DATA_HOME", h),
        ],
    );
    t.wait_for("Thẩm định PAR INDEX", 60);
    t.send(keys::F10);
    assert!(t.wait_exit(10));
    assert!(!contains(&t.raw_bytes(), b"\x1b[?1000h"));

    // The same from the user's keymap file (the demo store is built now: a quick start).
    let conf = tmp.path().join("thamdinh");
    std::fs::create_dir_all(&conf).unwrap();
    std::fs::write(conf.join("keymap.toml"), "mouse = false\n").unwrap();
    let mut t = Term::start(
        &["demo", "--dir", dir.to_str().unwrap()],
        80,
        24,
        &[
            ("NO_COLOR", "1"),
            ("HOME", h),
            ("XDG_CONFIG_HOME", h),
            ("XDG_DATA_HOME", h),
        ],
    );
    t.wait_for("Thẩm định PAR INDEX", 60);
    t.send(keys::F10);
    assert!(t.wait_exit(10));
    assert!(!contains(&t.raw_bytes(), b"\x1b[?1000h"));
}
