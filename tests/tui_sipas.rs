//! The SIPAS card of the workbench (issue 16) on ratatui's `TestBackend`, monochrome: the demo
//! with its SIPAS answers, opened with Shift-F9 (or `K`, or the palette) on the unit being looked
//! at, at 80×24 and 120×40; the explain card of a computed survey item says how it was computed.

mod common;

use std::sync::Arc;

use api::Workbench;
use engine::LocalWorkbench;
use l10n::Lang;
use tui::dialogs::Overlay;
use tui::theme::ColorLevel;
use tui::{self, TuiOptions};

fn demo() -> (tempfile::TempDir, Arc<LocalWorkbench>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let wb = sample::demo::build(dir.path(), "lead", Some(5)).expect("demo store");
    sample::demo::add_survey(&wb).expect("SIPAS answers");
    (dir, Arc::new(wb))
}

fn app_for(wb: &Arc<LocalWorkbench>, lang: Lang) -> tui::app::App {
    let dynwb: Arc<dyn Workbench> = wb.clone();
    let opts = TuiOptions {
        lang,
        theme: Some(ColorLevel::Mono),
        ..TuiOptions::default()
    };
    let mut app = tui::build_app(dynwb, &opts).expect("app");
    app.resize(80, 24);
    app
}

fn sipas_cursor(app: &tui::app::App) -> (usize, String) {
    match app.overlays.last() {
        Some(Overlay::Sipas(s)) => (
            s.cursor,
            s.selected().map(|u| u.unit.clone()).unwrap_or_default(),
        ),
        _ => panic!("the SIPAS card is not open"),
    }
}

#[test]
fn the_sipas_card_at_both_sizes() {
    let (_dir, wb) = demo();
    let mut app = app_for(&wb, Lang::Vi);
    let looked_at = app
        .overview
        .selected()
        .map(|i| app.model.ctx.units.units[i].code.clone())
        .expect("a unit selected");
    app.feed("<s-f9>");
    // On the unit the overview had selected, wherever it ranks.
    assert_eq!(sipas_cursor(&app).1, looked_at);
    insta::assert_snapshot!("sipas_vi_80x24", common::render_screen(&mut app, 80, 24));
    app.feed("<down>");
    let (cursor, unit) = sipas_cursor(&app);
    assert_ne!(unit, looked_at);
    insta::assert_snapshot!("sipas_vi_120x40", common::render_screen(&mut app, 120, 40));
    app.feed("<esc>");
    assert!(app.overlays.is_empty(), "Esc closes the card");
    assert!(cursor < 63);
    // In a unit's workbench `K` opens it too, on that unit (in the overview letters jump to
    // units instead, as for `x`).
    let mut en = app_for(&wb, Lang::En);
    en.feed("<down><enter>");
    let code = en.bench.as_ref().map(|b| b.unit.clone()).expect("bench");
    en.feed("K");
    assert_eq!(sipas_cursor(&en).1, code, "K opens it on the unit");
    insta::assert_snapshot!("sipas_en_80x24", common::render_screen(&mut en, 80, 24));
}

#[test]
fn without_responses_the_card_says_how_to_import_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let wb = Arc::new(sample::demo::build(dir.path(), "lead", Some(2)).expect("demo"));
    let mut app = app_for(&wb, Lang::Vi);
    app.feed("<s-f9>");
    let s = common::render_screen(&mut app, 80, 24);
    assert!(s.contains("Năm này chưa có phiếu khảo sát SIPAS"), "{s}");
}

#[test]
fn the_explain_card_of_a_computed_survey_item_tells_how() {
    let (_dir, wb) = demo();
    let mut app = app_for(&wb, Lang::Vi);
    // Unit 01, area 8 down to 8.5.1 with the palette, then F12.
    app.feed("<c-p>01 8.5.1<enter>");
    app.feed("<f12>");
    let s = common::render_screen(&mut app, 120, 40);
    let words = s
        .lines()
        .map(|l| {
            l.trim_start_matches('▶')
                .trim_matches(|c| c == '│' || c == ' ')
        })
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        words.contains("Tính điểm điều tra từ phiếu khảo sát") && words.contains("Cách tính"),
        "{s}"
    );
    assert!(words.contains("công thức sipas-2024 v1"), "{s}");
}
