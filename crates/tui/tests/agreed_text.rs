//! An agreed item whose justification is edited is not saved as "Đồng ý" without a question
//! (issue 14, item 3): the rule is `Item::text_edit_asks_score`; the workbench only asks.

use std::sync::Arc;

use api::Workbench;
use domain::{ItemKey, Points, Status};
use engine::LocalWorkbench;
use l10n::Lang;
use thamdinh_tui::TuiOptions;
use thamdinh_tui::app::{App, Screen};
use thamdinh_tui::dialogs::Overlay;
use thamdinh_tui::dialogs::confirm::ConfirmState;
use thamdinh_tui::dialogs::editor::Field;
use thamdinh_tui::theme::ColorLevel;

struct Demo {
    _dir: tempfile::TempDir,
    wb: Arc<LocalWorkbench>,
}

/// The workbench of Tuyên Quang (08) on its first agreed item, and that item's code.
fn on_agreed_item() -> (Demo, App, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let wb = Arc::new(sample::demo::build(dir.path(), "lead", Some(5)).expect("demo store"));
    let d = Demo { _dir: dir, wb };
    let dynwb: Arc<dyn Workbench> = d.wb.clone();
    let opts = TuiOptions {
        lang: Lang::Vi,
        theme: Some(ColorLevel::Mono),
        ..TuiOptions::default()
    };
    let mut a = thamdinh_tui::build_app(dynwb, &opts).expect("app");
    a.resize(80, 24);
    a.feed("tuyen quang<enter>");
    assert_eq!(a.screen, Screen::Bench);
    let fw = a.model.fw();
    let (n, leaf) = fw
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.is_leaf())
        .find(|(_, n)| {
            a.model
                .item("08", &n.code)
                .is_some_and(|i| i.status() == Status::Agreed)
        })
        .map(|(i, n)| (i, n.code.clone()))
        .expect("an agreed item");
    let model = &a.model;
    a.bench.as_mut().expect("bench").select_node(model, n);
    (d, a, leaf)
}

fn stored(d: &Demo, leaf: &str) -> domain::Item {
    d.wb.item(&ItemKey::new(2024, "08", leaf))
        .expect("read")
        .expect("item")
}

fn top(a: &App) -> Option<&Overlay> {
    a.overlays.last()
}

#[test]
fn a_new_text_on_an_agreed_item_asks_and_no_goes_back_to_the_score() {
    let (d, mut a, leaf) = on_agreed_item();
    let before = stored(&d, &leaf);
    a.feed("e");
    assert!(matches!(top(&a), Some(Overlay::Editor(_))));
    a.feed("<c-a><c-k>Thiếu quyết định; trừ 0,25 điểm<f2>");
    assert!(
        matches!(
            top(&a),
            Some(Overlay::Confirm(ConfirmState::KeepAgreedScore { .. }))
        ),
        "asked"
    );
    assert_eq!(stored(&d, &leaf), before, "nothing saved while asking");
    // No: back in the editor, on the score; still nothing saved.
    a.feed("<esc>");
    match top(&a) {
        Some(Overlay::Editor(ed)) => assert_eq!(ed.focus, Field::Score),
        _ => panic!("the editor is not on top"),
    }
    assert_eq!(stored(&d, &leaf), before);
    // A lower score is an adjustment: saved without the question.
    let lower = before
        .self_score()
        .expect("self score")
        .hundredths()
        .saturating_sub(25);
    let lower = Points::from_hundredths(lower);
    a.feed(&format!("<c-u>{}<f2>", lower.show(Lang::Vi)));
    let after = stored(&d, &leaf);
    assert_eq!(after.status(), Status::Adjusted, "{:?}", a.flash);
    assert_eq!(after.appraisal.proposed, Some(lower));
    assert!(after.appraisal.justification.contains("trừ 0,25"));
}

#[test]
fn yes_keeps_the_agreement_with_the_new_text() {
    let (d, mut a, leaf) = on_agreed_item();
    a.feed("e<c-a><c-k>Đủ hồ sơ, đã kiểm tra lại<f2>");
    assert!(matches!(
        top(&a),
        Some(Overlay::Confirm(ConfirmState::KeepAgreedScore { .. }))
    ));
    a.feed("<enter>");
    assert!(top(&a).is_none(), "{:?}", a.flash);
    let after = stored(&d, &leaf);
    assert_eq!(after.status(), Status::Agreed);
    assert_eq!(after.appraisal.justification, "Đủ hồ sơ, đã kiểm tra lại");
}
