//! Lists scrolled by the terminal (a scroll region with lines deleted or inserted, SPEC P2)
//! leave the screen exactly as a full repaint draws it: the real binary in a pseudo-terminal,
//! TERM xterm-256color, screen and linux, in colour and with NO_COLOR, at 80×24 and 120×40,
//! scrolling the overview and a unit's criteria tree one line and a page at a time, and after a
//! resize. After each burst of moves the vt100 screen is compared, cell by cell with colours and
//! attributes, with the screen after Ctrl-L (which clears and repaints everything).

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::pty::{Term, keys};

const CTRL_L: &[u8] = b"\x0c";
const PAGE_DOWN: &[u8] = b"\x1b[6~";
const PAGE_UP: &[u8] = b"\x1b[5~";
/// A region's sequences: set (`CSI t;b r`), delete or insert lines, reset (`CSI r`).
const REGION_RESET: &[u8] = b"\x1b[r";

fn start(home: &Path, term: &str, mono: bool, (cols, rows): (u16, u16)) -> Term {
    let dir = home.join("demo");
    let h = home.to_str().expect("utf-8 temp path");
    let mut env = vec![
        ("HOME", h),
        ("XDG_CONFIG_HOME", h),
        ("XDG_DATA_HOME", h),
        ("TERM", term),
    ];
    if mono {
        env.push(("NO_COLOR", "1"));
    }
    let t = Term::start_without(
        &["demo", "--dir", dir.to_str().expect("utf-8 temp path")],
        cols,
        rows,
        &env,
        &["NO_COLOR", "COLORTERM"],
    );
    t.wait_for("PAR INDEX", 60);
    settle(&t);
    t
}

/// Wait until the program has written nothing for a while (its frames are all in).
fn settle(t: &Term) {
    let end = Instant::now() + Duration::from_secs(10);
    let mut len = t.raw_bytes().len();
    let mut quiet_since = Instant::now();
    while Instant::now() < end {
        std::thread::sleep(Duration::from_millis(20));
        let now = t.raw_bytes().len();
        if now != len {
            len = now;
            quiet_since = Instant::now();
        } else if quiet_since.elapsed() >= Duration::from_millis(250) {
            return;
        }
    }
}

/// Every cell as the terminal shows it, row by row: text, colours, attributes.
fn cells(t: &Term) -> Vec<Vec<String>> {
    t.with_screen(|s| {
        let (rows, cols) = s.size();
        let mut v = Vec::new();
        for y in 0..rows {
            let mut line = Vec::new();
            for x in 0..cols {
                let Some(c) = s.cell(y, x) else { continue };
                // A written space and a cell never written look the same.
                let text = match c.contents() {
                    "" => " ".to_string(),
                    t => t.to_string(),
                };
                line.push(format!(
                    "[{text}|{:?}|{:?}|{}{}{}]",
                    c.fgcolor(),
                    c.bgcolor(),
                    u8::from(c.bold()),
                    u8::from(c.inverse()),
                    u8::from(c.underline())
                ));
            }
            v.push(line);
        }
        v
    })
    .unwrap_or_default()
}

/// Keys one at a time, as a user presses them, then wait for the frames.
fn press(t: &mut Term, key: &[u8], times: usize) {
    for _ in 0..times {
        t.send(key);
        std::thread::sleep(Duration::from_millis(15));
    }
    settle(t);
}

/// The screen now equals the screen after a full repaint.
fn same_as_repaint(t: &mut Term, what: &str) {
    let shown = cells(t);
    let text = t.screen();
    t.send(CTRL_L);
    settle(t);
    let fresh = cells(t);
    if let Some(y) = (0..shown.len().max(fresh.len())).find(|&y| shown.get(y) != fresh.get(y)) {
        let cells = |v: &[Vec<String>]| v.get(y).cloned().unwrap_or_default();
        let (a, b) = (cells(&shown), cells(&fresh));
        let diff: Vec<String> = (0..a.len().max(b.len()))
            .filter(|&x| a.get(x) != b.get(x))
            .take(4)
            .map(|x| format!("column {x}: {:?} → {:?}", a.get(x), b.get(x)))
            .collect();
        panic!(
            "{what}: row {y} differs from a full repaint ({})\nshown:\n{text}\nrepainted:\n{}",
            diff.join("; "),
            t.screen()
        );
    }
}

fn resize(t: &mut Term, (cols, rows): (u16, u16)) {
    t.master
        .resize(portable_pty::PtySize {
            rows,
            cols,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("resize the pty");
    t.resize_parser(rows, cols);
    settle(t);
}

fn scroll_everywhere(term: &str, mono: bool, size: (u16, u16)) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut t = start(tmp.path(), term, mono, size);
    let what = |s: &str| format!("TERM={term} mono={mono} {}×{}: {s}", size.0, size.1);
    let shifted_before = t
        .raw_bytes()
        .windows(3)
        .filter(|w| *w == REGION_RESET)
        .count();

    // The overview: past the bottom one line at a time, a page down, and back up.
    press(&mut t, keys::DOWN, size.1 as usize + 6);
    same_as_repaint(&mut t, &what("overview, down past the bottom"));
    press(&mut t, PAGE_DOWN, 2);
    press(&mut t, keys::UP, 5);
    same_as_repaint(&mut t, &what("overview, page down then up"));
    press(&mut t, PAGE_UP, 3);
    press(&mut t, keys::DOWN, 3);
    same_as_repaint(&mut t, &what("overview, back at the top"));

    // A unit's tree: down through it, a page, and up past the top.
    press(&mut t, keys::ENTER, 1);
    press(&mut t, keys::DOWN, size.1 as usize + 4);
    same_as_repaint(&mut t, &what("tree, down past the bottom"));
    press(&mut t, PAGE_DOWN, 1);
    press(&mut t, keys::UP, size.1 as usize + 8);
    same_as_repaint(&mut t, &what("tree, up past the top"));

    // The other size while scrolling, then scrolling on.
    let other = if size.0 >= 120 { (80, 24) } else { (120, 40) };
    press(&mut t, keys::DOWN, 30);
    resize(&mut t, other);
    press(&mut t, keys::DOWN, 20);
    press(&mut t, keys::UP, 3);
    same_as_repaint(&mut t, &what("tree, after a resize"));

    let shifted = t
        .raw_bytes()
        .windows(3)
        .filter(|w| *w == REGION_RESET)
        .count();
    assert!(
        shifted > shifted_before + 5,
        "{}",
        what(&format!(
            "the lists were not scrolled by the terminal ({} regions)",
            shifted - shifted_before
        ))
    );
    t.send(keys::F10);
    t.wait_exit(10);
}

#[test]
fn xterm_scrolled_lists_equal_a_full_repaint() {
    // Each run also resizes to the other size, so colour starts small and mono starts large.
    for (mono, size) in [(false, (80, 24)), (true, (120, 40))] {
        scroll_everywhere("xterm-256color", mono, size);
    }
}

#[test]
fn screen_scrolled_lists_equal_a_full_repaint() {
    // Each run also resizes to the other size, so colour starts small and mono starts large.
    for (mono, size) in [(false, (80, 24)), (true, (120, 40))] {
        scroll_everywhere("screen", mono, size);
    }
}

#[test]
fn linux_console_scrolled_lists_equal_a_full_repaint() {
    // Each run also resizes to the other size, so colour starts small and mono starts large.
    for (mono, size) in [(false, (80, 24)), (true, (120, 40))] {
        scroll_everywhere("linux", mono, size);
    }
}
