//! One number format on every screen (SPEC W15, C2): the workbench drawn on ratatui's
//! `TestBackend` in Vietnamese shows no score-like number with a decimal point (91.80, 0.25), and
//! in English none with a decimal comma — the overview, the unit's tree, detail and area bars,
//! the walk, the ranking, the queue, and the dialogs (editor, history, explain, conflict, the
//! dispute form, the bulk-agree question, help), each at 80×24 and 120×40.
//!
//! Criterion codes are not numbers ("1.10", "3.2.1"), and what provinces and appraisers wrote is
//! shown as written (SPEC C3): a number found in a code of the framework or inside a text of the
//! store is not counted.

mod common;

use std::collections::HashSet;
use std::sync::Arc;

use api::Workbench;
use domain::{Command, ItemKey, Role};
use engine::LocalWorkbench;
use l10n::Lang;
use tui::app::{App, Screen};
use tui::dialogs::Overlay;
use tui::theme::ColorLevel;
use tui::{self, TuiOptions};

use common::two_decimal_numbers;

const YEAR: u16 = 2024;
/// A unit the demo leaves without data; the test imports pending self-scores for it.
const PENDING_UNIT: &str = "10";

fn app_for(wb: &Arc<LocalWorkbench>, lang: Lang) -> App {
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

/// Unit 08's self-assessment copied to `PENDING_UNIT`: every item pending.
fn add_pending_unit(wb: &LocalWorkbench) {
    let rows: Vec<domain::SelfRow> = wb
        .items(YEAR, Some("08"))
        .expect("items")
        .into_iter()
        .filter_map(|i| {
            let s = i.self_assessment?;
            Some(domain::SelfRow {
                unit: PENDING_UNIT.into(),
                leaf: i.key.leaf,
                score: s.score,
                note: s.note,
                evidence: s.evidence,
            })
        })
        .collect();
    wb.apply(Command::ImportSelf { year: YEAR, rows })
        .expect("import");
}

/// Every screen the test looks at, by name, at both sizes, with what was typed into a field
/// on it (shown as typed).
struct Screens(Vec<(String, String, &'static str)>);

impl Screens {
    fn take(&mut self, name: &str, app: &mut App) {
        self.take_typed(name, app, "");
    }

    fn take_typed(&mut self, name: &str, app: &mut App, typed: &'static str) {
        for (w, h) in [(80, 24), (120, 40)] {
            let text = common::render_screen(app, w, h);
            self.0.push((format!("{name} {w}x{h}"), text, typed));
        }
    }
}

fn top(app: &App) -> Option<&Overlay> {
    app.overlays.last()
}

/// Drive the workbench through its screens and dialogs in `lang`.
fn screens(wb: &Arc<LocalWorkbench>, lang: Lang) -> Screens {
    let mut s = Screens(Vec::new());
    let mut app = app_for(wb, lang);
    s.take("overview", &mut app);

    // The first unit, on its second difference (an adjusted item): tree, totals and detail.
    app.feed("<enter>nn");
    assert_eq!(app.screen, Screen::Bench);
    s.take("workbench", &mut app);
    app.feed("<f3>");
    assert!(matches!(top(&app), Some(Overlay::History(_))));
    s.take("history", &mut app);
    app.feed("<esc><f12>");
    assert!(matches!(top(&app), Some(Overlay::Explain(_))));
    s.take("explain", &mut app);
    app.feed("<esc><f2>");
    assert!(matches!(top(&app), Some(Overlay::Editor(_))));
    s.take("editor", &mut app);
    // A score typed with the other separator is read the same; the dialog still writes its own.
    app.feed("<c-u>0.25");
    s.take_typed("editor typed", &mut app, "0.25");
    app.feed("<esc>");
    while !app.overlays.is_empty() {
        app.feed("<esc>");
    }
    app.feed("t");
    assert!(matches!(top(&app), Some(Overlay::Form(_))));
    s.take("dispute form", &mut app);
    app.feed("<esc>");
    app.overlays.clear();
    app.feed("b");
    assert!(app.bench.as_ref().is_some_and(|b| b.area_view));
    s.take("areas", &mut app);
    app.feed("b<f1>");
    assert!(matches!(top(&app), Some(Overlay::Help { .. })));
    s.take("help", &mut app);
    app.overlays.clear();

    // The ranking and the queue, from the overview.
    let mut app = app_for(wb, lang);
    app.feed("<f9>");
    assert_eq!(app.screen, Screen::Ranking);
    s.take("ranking", &mut app);
    app.feed("b");
    s.take("ranking bars", &mut app);
    let mut app = app_for(wb, lang);
    app.feed("<f7>");
    assert_eq!(app.screen, Screen::Queue);
    s.take("queue", &mut app);

    // A conflict: "an" adjusts the item I am editing in the pending unit.
    let mut mine = app_for(wb, lang);
    mine.feed("lao cai<enter><down><down>");
    assert_eq!(
        mine.bench.as_ref().map(|b| b.unit.as_str()),
        Some(PENDING_UNIT)
    );
    mine.feed("A");
    assert!(matches!(top(&mine), Some(Overlay::Confirm(_))));
    s.take("confirm bulk agree", &mut mine);
    mine.overlays.clear();
    mine.feed("<f2><c-u>0<tab>Lý do của tôi: chậm báo cáo quý");
    let an = wb.session("an");
    let key = ItemKey::new(YEAR, PENDING_UNIT, "1.1.1");
    let v = an.item(&key).expect("read").map_or(0, |i| i.version);
    an.apply(Command::Adjust {
        key,
        score: domain::Points::from_hundredths(25),
        justification: "Lý do của An: chậm báo cáo quý".into(),
        expected: v,
    })
    .expect("their change");
    mine.feed("<f2>");
    assert!(matches!(top(&mine), Some(Overlay::Conflict(_))));
    s.take("conflict", &mut mine);
    mine.overlays.clear();
    // The walk through the pending unit's items.
    mine.feed("w");
    assert_eq!(mine.screen, Screen::Walk);
    s.take("walk", &mut mine);
    s
}

/// What may be written with either separator on a screen: the framework's codes, and numbers
/// inside texts that people wrote (notes, justifications, explanations, answers, evidence).
fn exempt(wb: &LocalWorkbench, sep: char) -> HashSet<String> {
    let ctx = wb.year(YEAR).expect("year");
    let mut out: HashSet<String> = ctx.framework.nodes.iter().map(|n| n.code.clone()).collect();
    for it in wb.items(YEAR, None).expect("items") {
        let mut texts = vec![
            it.appraisal.justification.clone(),
            it.appraisal.request.clone(),
        ];
        if let Some(s) = &it.self_assessment {
            texts.push(s.note.clone());
            texts.extend(s.evidence.iter().map(|e| format!("{e:?}")));
        }
        if let Some(d) = &it.appraisal.dispute {
            texts.extend([
                d.explanation.clone(),
                d.response.clone(),
                d.document.clone(),
            ]);
        }
        if let Some(c) = &it.appraisal.council {
            texts.push(c.reason.clone());
            if let Some(d) = &c.decision {
                texts.extend([d.text.clone(), d.minutes.clone()]);
            }
        }
        for t in texts {
            out.extend(two_decimal_numbers(&t, sep));
        }
    }
    out
}

fn check(lang: Lang, wrong: char, right: char) {
    let dir = tempfile::tempdir().expect("temp dir");
    let wb = Arc::new(sample::demo::build(dir.path(), "lead", Some(5)).expect("demo store"));
    add_pending_unit(&wb);
    wb.apply(Command::SetMember {
        user: "an".into(),
        role: Role::Appraiser,
    })
    .expect("add member");
    let shots = screens(&wb, lang);
    let exempt = exempt(&wb, wrong);
    let mut problems = Vec::new();
    let mut right_seen = 0;
    for (name, text, typed) in &shots.0 {
        right_seen += two_decimal_numbers(text, right).len();
        for line in text.lines() {
            let bad: Vec<String> = two_decimal_numbers(line, wrong)
                .into_iter()
                .filter(|n| !exempt.contains(n) && n != typed)
                .collect();
            if !bad.is_empty() {
                problems.push(format!("{name}: {bad:?} in «{}»", line.trim_end()));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{lang:?}: numbers written with '{wrong}':\n{}",
        problems.join("\n")
    );
    // The screens did show numbers, written the right way.
    assert!(right_seen > 100, "only {right_seen} numbers with '{right}'");
}

#[test]
fn vietnamese_screens_write_numbers_with_a_decimal_comma() {
    check(Lang::Vi, '.', ',');
}

#[test]
fn english_screens_write_numbers_with_a_decimal_point() {
    check(Lang::En, ',', '.');
}

#[test]
fn the_scanner_finds_numbers_and_not_codes() {
    assert_eq!(
        two_decimal_numbers("Tự chấm 91.80 (91.80%) · 1.10.2 · 3.2.1 · 0.5 · -0.25", '.'),
        ["91.80", "91.80", "0.25"]
    );
    assert_eq!(
        two_decimal_numbers("12,345,678 · 0,75 → 1,00", ','),
        ["0,75", "1,00"]
    );
}
