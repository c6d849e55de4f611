//! F1 help (issue 14 item 5): it opens at the current screen's section, `?` opens it where `?`
//! is not text being typed, and typing filters it without diacritics.

mod common;

use std::sync::Arc;

use api::Workbench;
use l10n::Lang;
use tui::TuiOptions;
use tui::app::App;
use tui::dialogs::Overlay;
use tui::theme::ColorLevel;

fn app(lang: Lang) -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().expect("temp dir");
    let wb: Arc<dyn Workbench> =
        Arc::new(sample::demo::build(dir.path(), "lead", Some(5)).expect("demo store"));
    let opts = TuiOptions {
        lang,
        theme: Some(ColorLevel::Mono),
        ..TuiOptions::default()
    };
    (dir, tui::build_app(wb, &opts).expect("app"))
}

/// The help popup's lines, without the frame and the screen around it.
fn help_text(app: &mut App) -> Vec<String> {
    common::render_screen(app, 120, 40)
        .lines()
        .filter_map(|l| {
            let start = l.find('│')?;
            let rest = &l[start + '│'.len_utf8()..];
            let end = rest.find('│')?;
            Some(rest[..end].trim_end().to_string())
        })
        .collect()
}

fn first_heading(app: &mut App) -> String {
    help_text(app)
        .into_iter()
        .find(|l| !l.trim().is_empty())
        .expect("a first line")
}

#[test]
fn help_opens_at_the_current_screens_section() {
    let (_d, mut a) = app(Lang::Vi);
    a.feed("<f1>");
    assert_eq!(first_heading(&mut a), "Danh sách đơn vị");
    a.feed("<f1><enter><f1>");
    assert_eq!(first_heading(&mut a), "Bàn thẩm định");
    a.feed("<esc><f7><f1>");
    assert_eq!(first_heading(&mut a), "Hàng đợi giải trình");
}

#[test]
fn question_mark_opens_help_where_it_is_not_text() {
    let (_d, mut a) = app(Lang::Vi);
    // The list of provinces: `?` is not a name.
    a.feed("?");
    assert!(matches!(a.overlays.last(), Some(Overlay::Help { .. })));
    a.feed("<esc><enter>?");
    assert!(matches!(a.overlays.last(), Some(Overlay::Help { .. })));
    assert_eq!(first_heading(&mut a), "Bàn thẩm định");
    // In the justification editor `?` is text.
    a.feed("<esc><down><down>e?");
    assert!(matches!(a.overlays.last(), Some(Overlay::Editor(_))));
}

#[test]
fn typing_filters_the_help_without_diacritics() {
    let (_d, mut a) = app(Lang::Vi);
    a.feed("<enter><f1>");
    let all = help_text(&mut a);
    a.feed("tra loi");
    let Some(Overlay::Help { filter, .. }) = a.overlays.last() else {
        panic!("help is open");
    };
    assert_eq!(filter, "tra loi");
    let lines = help_text(&mut a);
    let keys: Vec<&String> = lines.iter().filter(|l| l.starts_with("  ")).collect();
    assert!(!keys.is_empty(), "{lines:#?}");
    for l in &keys {
        assert!(l.contains("Trả lời"), "{l} does not match: {lines:#?}");
    }
    assert!(
        keys.iter().any(|l| l.trim_start().starts_with("T ")),
        "{lines:#?}"
    );
    let filled = |v: &[String]| v.iter().filter(|l| !l.trim().is_empty()).count();
    assert!(filled(&lines) < filled(&all), "{lines:#?}");
    // `q` is text here: it filters and does not quit; nothing matches "tra loiq".
    a.feed("q");
    assert!(!a.should_quit());
    let none = help_text(&mut a).join("\n");
    assert!(none.contains("Không có phím nào khớp"), "{none}");
    // Backspace takes it back; Esc closes.
    a.feed("<backspace>");
    assert_eq!(help_text(&mut a), lines);
    a.feed("<esc>");
    assert!(a.overlays.is_empty());
}
