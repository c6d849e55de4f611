//! SPEC R4 through a pseudo-terminal, with the real binary: the `TERM` × `NO_COLOR` matrix
//! (linux, screen, xterm-256color; monochrome or not) renders the overview and a workbench with
//! the selection visible and the right marks, and quits giving the terminal back; and terminal
//! injection — escape sequences, C1 controls and bidi overrides in an imported note or a
//! bracketed paste — never reaches the terminal: the bytes the program wrote are inspected, not
//! only the screen model.

mod common;

use std::path::Path;

use common::pty::{Term, keys};
use domain::{ItemKey, Role};

const SIZE: (u16, u16) = (80, 24);

/// The environment of a run: its own HOME and config, the given TERM, and NO_COLOR only when
/// asked for (removed from the inherited environment otherwise).
fn start(args: &[&str], home: &Path, term: &str, mono: bool, size: (u16, u16)) -> Term {
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
    Term::start_without(args, size.0, size.1, &env, &["NO_COLOR", "COLORTERM"])
}

fn me() -> String {
    uzers::get_current_username()
        .expect("passwd entry")
        .to_string_lossy()
        .into_owned()
}

fn assert_terminal_restored(t: &Term, what: &str) {
    assert!(!t.alternate_screen(), "{what}: alternate screen left");
    assert!(!t.cursor_hidden(), "{what}: cursor shown again");
    assert!(!t.bracketed_paste(), "{what}: bracketed paste off");
    assert!(t.cooked_mode(), "{what}: raw mode off");
}

/// Rows between the title (row 0) and the hint bar (last row) that are drawn as selected:
/// reversed, or on a background colour.
fn highlighted_rows(t: &Term) -> Vec<String> {
    t.with_screen(|s| {
        let (rows, cols) = s.size();
        (1..rows - 1)
            .filter(|&r| {
                s.cell(r, 0)
                    .is_some_and(|c| c.inverse() || !matches!(c.bgcolor(), vt100::Color::Default))
            })
            .map(|r| s.contents_between(r, 0, r, cols))
            .collect()
    })
    .unwrap_or_default()
}

/// Every foreground and background colour on the screen.
fn colours(t: &Term) -> Vec<vt100::Color> {
    t.with_screen(|s| {
        let (rows, cols) = s.size();
        let mut out = Vec::new();
        for r in 0..rows {
            for c in 0..cols {
                if let Some(cell) = s.cell(r, c) {
                    out.push(cell.fgcolor());
                    out.push(cell.bgcolor());
                }
            }
        }
        out
    })
    .unwrap_or_default()
}

/// The parameters of every SGR sequence (`ESC [ … m`) in the output.
fn sgr_params(raw: &[u8]) -> Vec<String> {
    csi_sequences(raw)
        .into_iter()
        .filter_map(|(params, fin)| (fin == b'm').then_some(params))
        .collect()
}

/// Every control sequence introduced by ESC [, as (parameter and intermediate bytes, final byte).
fn csi_sequences(raw: &[u8]) -> Vec<(String, u8)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < raw.len() {
        if raw[i] == 0x1b && raw[i + 1] == b'[' {
            let start = i + 2;
            let mut j = start;
            while j < raw.len() && !(0x40..=0x7e).contains(&raw[j]) {
                j += 1;
            }
            if j < raw.len() {
                out.push((String::from_utf8_lossy(&raw[start..j]).into_owned(), raw[j]));
            }
            i = j;
        }
        i += 1;
    }
    out
}

/// Does an SGR parameter list set a colour (other than back to the default)?
fn sets_colour(params: &str) -> bool {
    params.split(';').any(|p| {
        p.parse::<u16>().is_ok_and(|n| {
            matches!(n, 30..=38 | 40..=48 | 90..=97 | 100..=107) && n != 39 && n != 49
        })
    })
}

const UNICODE_MARKS: &[char] = &['✓', '▾', '▸', '≈', '█', '▒', '✎', '■', '▶', '◆', '⚑', '§'];

/// One run of the matrix: overview, move, open Quảng Bình's workbench on 1.1.1, quit.
fn overview_and_workbench(demo: &Path, home: &Path, term: &str, mono: bool) {
    let what = format!("TERM={term} NO_COLOR={}", if mono { "1" } else { "unset" });
    let mut t = start(
        &["demo", "--dir", demo.to_str().expect("utf-8 path")],
        home,
        term,
        mono,
        SIZE,
    );
    // Overview: title, the unit list, the hint bar; the first unit is selected.
    t.wait_for("Thẩm định PAR INDEX", 60);
    t.wait_for("F10 Thoát", 10);
    let first = highlighted_rows(&t);
    assert_eq!(first.len(), 1, "{what}: one selected row\n{}", t.screen());
    // The selection follows the cursor and is visible in every theme.
    t.send(keys::DOWN);
    let mut moved = highlighted_rows(&t);
    for _ in 0..50 {
        if moved != first {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(30));
        moved = highlighted_rows(&t);
    }
    assert_eq!(moved.len(), 1, "{what}: one selected row after a move");
    assert_ne!(moved, first, "{what}: the selection moved\n{}", t.screen());
    let overview = t.screen();

    // Workbench of Quảng Bình, on sub-criterion 1.1.1.
    t.send_str("quang binh");
    t.send(keys::ENTER);
    t.wait_for("44 Quảng Bình", 10);
    t.send(keys::DOWN);
    t.send(keys::DOWN);
    t.wait_for("Trạng thái:", 10);
    t.wait_for("1.1.1 Ban hành", 10);
    let mut sel = highlighted_rows(&t);
    for _ in 0..50 {
        if sel.iter().any(|r| r.contains("1.1.1")) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(30));
        sel = highlighted_rows(&t);
    }
    assert_eq!(
        sel.len(),
        1,
        "{what}: one selected tree row\n{}",
        t.screen()
    );
    assert!(sel[0].contains("1.1.1 Ban hành"), "{what}: {sel:?}");
    let bench = t.screen();
    let palette = colours(&t);

    // Marks: plain ASCII on the Linux console (its font lacks the symbols), else Unicode.
    for screen in [&overview, &bench] {
        if term == "linux" {
            assert!(
                !screen.contains(UNICODE_MARKS),
                "{what}: ASCII marks only\n{screen}"
            );
        }
    }
    if term == "linux" {
        assert!(
            bench.lines().any(|l| l.starts_with("- 1 ")),
            "{what}: an expanded area is marked '-'\n{bench}"
        );
    } else {
        assert!(
            bench.lines().any(|l| l.starts_with("▾ 1 ")),
            "{what}: an expanded area is marked '▾'\n{bench}"
        );
    }

    t.send(keys::F10);
    assert!(t.wait_exit(10), "{what}: exit status 0");
    assert_terminal_restored(&t, &what);

    // Colours, on the screen and in the bytes written.
    let raw = t.raw_bytes();
    let sgr = sgr_params(&raw);
    if mono {
        assert!(
            palette.iter().all(|c| matches!(c, vt100::Color::Default)),
            "{what}: no colour on screen"
        );
        let coloured: Vec<_> = sgr.iter().filter(|p| sets_colour(p)).collect();
        assert!(coloured.is_empty(), "{what}: colour sequences {coloured:?}");
    } else if term == "linux" {
        assert!(
            palette
                .iter()
                .all(|c| matches!(c, vt100::Color::Default | vt100::Color::Idx(0..=15))),
            "{what}: only the 16 console colours"
        );
        assert!(
            palette.iter().any(|c| matches!(c, vt100::Color::Idx(_))),
            "{what}: colours are used"
        );
    } else {
        assert!(
            palette.iter().any(|c| matches!(c, vt100::Color::Idx(16..))),
            "{what}: the 256-colour palette is used"
        );
    }
    assert!(
        !palette.iter().any(|c| matches!(c, vt100::Color::Rgb(..))),
        "{what}: never true colour"
    );
}

/// Both colour settings of one `TERM`, on one demo store (built by the first run).
fn matrix_for(term: &str) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let demo = tmp.path().join("demo");
    for mono in [true, false] {
        overview_and_workbench(&demo, tmp.path(), term, mono);
    }
    drop(common::open_after_server(&demo));
}

#[test]
fn linux_console_in_colour_and_monochrome() {
    matrix_for("linux");
}

#[test]
fn screen_in_colour_and_monochrome() {
    matrix_for("screen");
}

#[test]
fn xterm_256color_in_colour_and_monochrome() {
    matrix_for("xterm-256color");
}

// ----- terminal injection ---------------------------------------------------------------------

/// Each hostile piece starts with a marker (`M1`…) so its place in the output can be found.
/// OSC 52 (write the clipboard), clear screen, a C1 CSI with SGR red, a right-to-left override,
/// a cursor-position report request (makes the terminal type an answer), and DCS.
const NOTE: &str = "Ghi chú M1\x1b]52;c;SGFja2Vk\x07 M2\x1b[2J M3\u{9b}31m M4\u{202e}đảo \
                    M5\x1b[6n M6\x1bP+q544e\x1b\\ hết";
/// How the note must be shown: every dangerous character visible as a picture or a code.
const NOTE_SHOWN: &[&str] = &[
    "M1␛]52;c;SGFja2Vk␇",
    "M2␛[2J",
    "M3<U+009B>31m",
    "M4<U+202E>đảo",
    "M5␛[6n",
    "M6␛P+q544e␛\\",
];
const EVIDENCE_TITLE: &str = "Kế hoạch E1\x1b[31m đỏ";

const PASTE: &str = "Dán P1\x1b]52;c;UGFzdGU=\x07 P2\x1b[2J P3\u{9b}0m P4\u{202e}ngược \
                     P5\x1b[6n hết";
/// A paste keeps its printable text and drops every control and bidi character.
const PASTE_STORED: &str = "Dán P1]52;c;UGFzdGU= P2[2J P30m P4ngược P5[6n hết";

/// Byte strings no part of the program writes, so none may appear in its output.
const FORBIDDEN: &[(&str, &[u8])] = &[
    ("OSC", b"\x1b]"),
    ("DCS", b"\x1bP"),
    ("APC", b"\x1b_"),
    ("PM", b"\x1b^"),
    ("SOS", b"\x1bX"),
    ("ST", b"\x1b\\"),
    ("BEL", b"\x07"),
    ("C1 CSI in UTF-8", "\u{9b}".as_bytes()),
    ("RLO", "\u{202e}".as_bytes()),
];

/// The final bytes of the CSI sequences the program itself writes: colours and attributes (m),
/// cursor moves (H, C, G), clearing (J, K), private modes (h, l: alternate screen, bracketed
/// paste, cursor visibility, synchronized update), and the scroll region with its line deletes
/// and inserts that scroll lists (r, M, L).
const CSI_FINALS: &[u8] = b"mHCGJKhlrML";

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn assert_inert_output(raw: &[u8], markers: &[&str]) {
    for (name, bytes) in FORBIDDEN {
        assert!(!contains(raw, bytes), "{name} written to the terminal");
    }
    for b in raw {
        assert!(
            !matches!(b, 0x00..=0x08 | 0x0b | 0x0c | 0x0e..=0x1a | 0x1c..=0x1f | 0x7f),
            "control byte {b:#04x} written to the terminal"
        );
    }
    for (params, fin) in csi_sequences(raw) {
        assert!(
            CSI_FINALS.contains(&fin),
            "unexpected sequence ESC [{params}{}",
            fin as char
        );
        if fin == b'J' {
            assert!(
                matches!(params.as_str(), "" | "0" | "1" | "2"),
                "ESC [{params}J"
            );
        }
        // A region is set as `top;bottom` or reset; lines are deleted or inserted by count.
        let number = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        if fin == b'r' {
            let ok = params.is_empty()
                || params
                    .split_once(';')
                    .is_some_and(|(t, b)| number(t) && number(b));
            assert!(ok, "ESC [{params}r");
        }
        if fin == b'M' || fin == b'L' {
            assert!(number(&params), "ESC [{params}{}", fin as char);
        }
    }
    // Right after each marker comes its visible escape, never the raw control.
    for m in markers {
        let mut raw_control = m.as_bytes().to_vec();
        raw_control.push(0x1b);
        assert!(
            !contains(raw, &raw_control),
            "{m} followed by a raw ESC in the output"
        );
    }
}

/// A store with this OS user as lead, whose note and evidence on 44/1.1.1 were imported from a
/// hostile CSV through the real binary.
fn store_with_hostile_note(dir: &Path, csv: &Path) {
    let lead = common::setup(dir);
    api::Workbench::apply(
        &lead,
        domain::Command::SetMember {
            user: me(),
            role: Role::Lead,
        },
    )
    .expect("add this user");
    drop(lead);
    let mut w = csv::Writer::from_path(csv).expect("csv");
    w.write_record(["unit", "code", "self_score", "note", "evidence"])
        .expect("header");
    w.write_record([
        "44",
        "1.1.1",
        "2",
        NOTE,
        &format!("12/KH-UBND|{EVIDENCE_TITLE}|2024-01-10"),
    ])
    .expect("row");
    w.flush().expect("flush");
    drop(w);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_thamdinh"))
        .args(["--lang", "en", "--store"])
        .arg(dir)
        .args(["import", "self"])
        .arg(csv)
        .output()
        .expect("run import");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn injected_sequences_in_an_imported_note_and_a_paste_never_reach_the_terminal() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("store");
    store_with_hostile_note(&dir, &tmp.path().join("hostile.csv"));

    let mut t = start(
        &["--store", dir.to_str().expect("utf-8 path")],
        tmp.path(),
        "xterm-256color",
        false,
        (120, 40),
    );
    t.wait_for("Thẩm định PAR INDEX", 60);
    t.send_str("quang binh");
    t.send(keys::ENTER);
    t.wait_for("44 Quảng Bình", 10);
    t.send(keys::DOWN);
    t.send(keys::DOWN);
    // The note, shown with every control visible; the screen was not cleared by it.
    t.wait_for("M6␛P+q544e␛\\", 10);
    let screen = t.screen();
    for shown in NOTE_SHOWN {
        assert!(screen.contains(shown), "{shown} not shown\n{screen}");
    }
    // The evidence title, its escape shown as a visible symbol (the pane may wrap it).
    assert!(screen.contains("E1␛[31m đỏ"), "{screen}");
    assert!(screen.contains("44 Quảng Bình"), "title still there");

    // Bracketed paste of the same kind of text into the justification, then save.
    t.send(keys::F2);
    t.wait_for("Điểm đề xuất", 10);
    t.send_str("1");
    t.send(keys::TAB);
    let mut paste = b"\x1b[200~".to_vec();
    paste.extend_from_slice(PASTE.as_bytes());
    paste.extend_from_slice(b"\x1b[201~");
    t.send(&paste);
    t.wait_for("P4ngược", 10);
    t.send(keys::F2);
    t.wait_for("Đã lưu", 10);
    t.send(keys::F10);
    assert!(t.wait_exit(10), "exit status 0");
    assert_terminal_restored(&t, "injection run");

    let raw = t.raw_bytes();
    assert_inert_output(
        &raw,
        &["M1", "M2", "M3", "M4", "M5", "M6", "E1", "P1", "P2"],
    );
    // The visible forms were written as text.
    assert!(contains(&raw, "M2␛[2J".as_bytes()));
    assert!(contains(&raw, "M4<U+202E>".as_bytes()));

    // The paste was stored cleaned; the imported note as it was (it is data, shown escaped).
    let store = common::open_after_server(&dir);
    let item = store
        .item(&ItemKey::new(common::YEAR, "44", "1.1.1"))
        .expect("read")
        .expect("item");
    assert_eq!(item.appraisal.justification, PASTE_STORED);
    assert_eq!(item.self_assessment.map(|s| s.note).as_deref(), Some(NOTE));
}
