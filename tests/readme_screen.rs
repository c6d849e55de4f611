//! The README opens with a real screen of the workbench (issue 14 item 13): a unit of the demo at
//! 100×30, on an item the appraiser adjusted with a justification and the province disputed.
//! This test renders it on ratatui's `TestBackend` from the demo data, exactly as
//! `thamdinh demo` builds it, and checks that the README's block is that screen.
//! `THAMDINH_UPDATE_README=1 cargo test --test readme_screen` rewrites the block.
//!
//! The demo dates its explanation rounds from the day it is built (so a session always looks
//! current): dates (dd/mm/yyyy) and times (HH:MM) are compared as placeholders; everything else
//! must be the same, character for character.

use std::sync::Arc;

use api::Workbench;
use domain::Status;
use l10n::Lang;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tui::TuiOptions;
use tui::app::App;
use tui::theme::ColorLevel;

const START: &str = "<!-- screen: written by tests/readme_screen.rs -->";
const END: &str = "<!-- /screen -->";
const W: u16 = 100;
const H: u16 = 30;

/// The screen as text, one line per row, trailing spaces kept off.
fn capture(app: &mut App) -> String {
    app.resize(W, H);
    let mut t = Terminal::new(TestBackend::new(W, H)).expect("terminal");
    t.draw(|f| tui::views::render(app, f)).expect("draw");
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..H {
        let line: String = (0..W).map(|x| buf[(x, y)].symbol()).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[test]
fn the_readme_opens_with_a_real_screen() {
    let dir = tempfile::tempdir().expect("temp dir");
    let wb = Arc::new(sample::demo::build(dir.path(), "ngoc.anh", None).expect("demo store"));
    // The first disputed item of the demo: adjusted with a justification, then explained.
    let items = wb.items(2024, None).expect("items");
    let disputed: Vec<_> = items
        .iter()
        .filter(|i| i.status() == Status::Disputed)
        .collect();
    let item = disputed.first().expect("a disputed item in the demo");
    let dynwb: Arc<dyn Workbench> = wb.clone();
    let opts = TuiOptions {
        lang: Lang::Vi,
        theme: Some(ColorLevel::Mono),
        ..TuiOptions::default()
    };
    let mut app = tui::build_app(dynwb, &opts).expect("app");
    let u = app
        .model
        .unit_set()
        .units
        .iter()
        .position(|x| x.code == item.key.unit)
        .expect("unit");
    app.open_unit(u);
    let n = app.model.fw().position(&item.key.leaf).expect("leaf");
    let model = &app.model;
    app.bench.as_mut().expect("bench").select_node(model, n);
    let screen = capture(&mut app);
    // What the screen must show to be worth opening the README with.
    for what in [
        "Lý do điều chỉnh:",
        "Giải trình của đơn vị:",
        "T Trả lời",
        "F1 Thêm",
    ] {
        assert!(
            screen.contains(what),
            "{what} is not on the screen:\n{screen}"
        );
    }

    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let block = format!("{START}\n```text\n{screen}```\n{END}");
    let (start, end) = match (readme.find(START), readme.find(END)) {
        (Some(s), Some(e)) if s < e => (s, e + END.len()),
        _ => panic!("README.md has no block between {START} and {END}"),
    };
    if std::env::var_os("THAMDINH_UPDATE_README").is_some() {
        let updated = format!("{}{block}{}", &readme[..start], &readme[end..]);
        std::fs::write(&path, updated).expect("write README.md");
        return;
    }
    let current = &readme[start..end];
    assert_eq!(
        undated(current),
        undated(&block),
        "the README's screen is not the workbench's any more: \
         run THAMDINH_UPDATE_README=1 cargo test --test readme_screen"
    );
}

/// Dates (dd/mm/yyyy, dd/mm) and times (HH:MM) as placeholders.
fn undated(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let fits = |i: usize, pat: &str| {
        pat.chars().enumerate().all(|(k, p)| {
            chars
                .get(i + k)
                .is_some_and(|&c| if p == '9' { c.is_ascii_digit() } else { c == p })
        })
    };
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let mut done = false;
        for (pat, placeholder) in [
            ("99/99/9999", "DD/MM/YYYY"),
            ("99/99", "DD/MM"),
            ("99:99", "hh:mm"),
        ] {
            if fits(i, pat) {
                out.push_str(placeholder);
                i += pat.chars().count();
                done = true;
                break;
            }
        }
        if !done {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

#[test]
fn dates_and_times_are_the_only_placeholders() {
    assert_eq!(
        undated("nhận 05/12/2026 lúc 08:55, đợt 01/12–15/12"),
        "nhận DD/MM/YYYY lúc hh:mm, đợt DD/MM–DD/MM"
    );
    assert_eq!(undated("0,25 · 91,80 · 1.1.1"), "0,25 · 91,80 · 1.1.1");
}
