//! Typed or pasted text never becomes a command (SPEC W14, issue 14), at the level of the app:
//! what a paste does in each place (a burst of typed keys arrives as a paste too, see
//! `thamdinh_tui::input`), an Alt key that nothing is bound to (Esc then the key, as terminals
//! send them alike), and F2 / `r` on a group row of the criteria tree. The terminal side (bytes
//! into keys and pastes) is tested in `input`, and with the real binary in tests/pty_input.rs.

use std::sync::Arc;

use api::Workbench;
use domain::{Command, SelfRow};
use engine::LocalWorkbench;
use l10n::Lang;
use ratatui::crossterm::event::Event;
use thamdinh_tui::app::{App, Screen};
use thamdinh_tui::dialogs::Overlay;
use thamdinh_tui::dialogs::prompt::PromptKind;
use thamdinh_tui::theme::ColorLevel;
use thamdinh_tui::{Context, TuiOptions};

struct Demo {
    _dir: tempfile::TempDir,
    wb: Arc<LocalWorkbench>,
}

fn demo() -> Demo {
    let dir = tempfile::tempdir().expect("temp dir");
    let wb = sample::demo::build(dir.path(), "lead", Some(5)).expect("demo store");
    Demo {
        _dir: dir,
        wb: Arc::new(wb),
    }
}

fn app(d: &Demo) -> App {
    let wb: Arc<dyn Workbench> = d.wb.clone();
    let opts = TuiOptions {
        lang: Lang::Vi,
        theme: Some(ColorLevel::Mono),
        ..TuiOptions::default()
    };
    let mut app = thamdinh_tui::build_app(wb, &opts).expect("app");
    app.resize(80, 24);
    app
}

/// The workbench of Quảng Bình, on the tree row `down` rows below the first.
fn bench_44(d: &Demo, down: usize) -> App {
    let mut a = app(d);
    a.feed("quang binh<enter>");
    assert_eq!(a.screen, Screen::Bench);
    for _ in 0..down {
        a.feed("<down>");
    }
    a
}

fn paste(a: &mut App, s: &str) {
    a.handle_event(Event::Paste(s.to_string()));
}

fn flash(a: &App) -> String {
    a.flash.as_ref().map(|f| f.text.clone()).unwrap_or_default()
}

/// The code of the tree row under the cursor.
fn row_code(a: &App) -> String {
    let b = a.bench.as_ref().expect("workbench");
    let n = b.selected().expect("a row");
    a.model.fw().nodes[n].code.clone()
}

const THREE_LINES: &str =
    "Bổ sung quyết định của cơ quan\rkèm biên bản họp\rvà danh sách quy trình";

#[test]
fn a_paste_into_the_request_keeps_its_lines_and_nothing_runs() {
    let d = demo();
    let mut a = bench_44(&d, 2);
    assert_eq!(row_code(&a), "1.1.1");
    a.feed("r");
    paste(&mut a, THREE_LINES);
    assert!(!a.should_quit());
    let Some(Overlay::Prompt(p)) = a.overlays.last() else {
        panic!("the request is still open")
    };
    assert!(matches!(p.kind, PromptKind::RequestEvidence { .. }));
    // The request is the wrapping multi-line editor: the lines stay.
    assert_eq!(
        p.value(),
        "Bổ sung quyết định của cơ quan\nkèm biên bản họp\nvà danh sách quy trình"
    );
    // Enter is a new line there; F2 sends it, whole.
    a.feed("<enter>");
    assert!(!a.overlays.is_empty(), "Enter does not send");
    a.feed("<backspace><f2>");
    assert!(a.overlays.is_empty(), "{}", flash(&a));
    let item =
        d.wb.items(2024, Some("44"))
            .unwrap()
            .into_iter()
            .find(|i| i.key.leaf == "1.1.1")
            .unwrap();
    assert_eq!(
        item.appraisal.request,
        "Bổ sung quyết định của cơ quan\nkèm biên bản họp\nvà danh sách quy trình"
    );
}

#[test]
fn the_request_wraps_and_recomposes_a_mark_typed_after_its_letter() {
    let d = demo();
    let mut a = bench_44(&d, 2);
    // "hồ sơ" typed as a terminal with a dead-key layout sends it: letter, then the mark.
    a.feed("rBổ sung ho\u{302}\u{300} so\u{31b}");
    let Some(Overlay::Prompt(p)) = a.overlays.last() else {
        panic!("the request is open")
    };
    assert_eq!(p.value(), "Bổ sung hồ sơ");
    // Recomposed as typed, so the field shows (and the cursor counts) whole letters.
    let shown = p.text.as_ref().expect("multi-line").lines().join("\n");
    assert_eq!(shown, "Bổ sung hồ sơ");
}

#[test]
fn a_paste_into_the_justification_keeps_its_lines() {
    let d = demo();
    let mut a = bench_44(&d, 2);
    a.feed("e");
    paste(&mut a, "dòng một\r\ndòng hai\rq");
    let Some(Overlay::Editor(ed)) = a.overlays.last() else {
        panic!("the editor is open")
    };
    assert!(ed.justification().ends_with("dòng một\ndòng hai\nq"));
    assert!(!a.should_quit());
}

#[test]
fn a_burst_with_no_field_open_runs_nothing_and_says_how_many_keys() {
    let d = demo();
    let mut a = bench_44(&d, 2);
    let before = d.wb.items(2024, Some("44")).unwrap();
    paste(&mut a, THREE_LINES);
    let n = THREE_LINES.chars().count();
    assert_eq!(
        flash(&a),
        format!("Đã bỏ qua {n} phím gõ liền (dán?) — không có ô nhập nào đang mở")
    );
    // Nothing ran: no quit, no dialog, no areas view, the same row, nothing changed.
    assert!(!a.should_quit());
    assert!(a.overlays.is_empty());
    assert_eq!(a.context(), Context::Workbench);
    assert_eq!(row_code(&a), "1.1.1");
    assert_eq!(d.wb.items(2024, Some("44")).unwrap(), before);
    // A paste that goes on in a second piece adds up; the next key starts again.
    paste(&mut a, "abc");
    assert!(
        flash(&a).contains(&format!("{} phím", n + 3)),
        "{}",
        flash(&a)
    );
    a.feed("<down>");
    paste(&mut a, "xy");
    assert!(flash(&a).contains("Đã bỏ qua 2 phím"), "{}", flash(&a));
    // Over the help, a paste filters it and runs nothing.
    a.feed("<f1>");
    paste(&mut a, "q/b");
    assert!(matches!(a.overlays.last(), Some(Overlay::Help { filter, .. }) if filter == "q/b"));
    assert!(!a.should_quit());
    // Over a dialog without a text field (history): nothing either.
    a.feed("<esc><f3>");
    paste(&mut a, "q/b");
    assert!(matches!(a.overlays.last(), Some(Overlay::History(_))));
    assert!(!a.should_quit());
}

#[test]
fn in_the_list_of_provinces_a_one_line_burst_is_a_name_to_jump_to() {
    let d = demo();
    let mut a = app(&d);
    paste(&mut a, "quang binh\r");
    let u = a.overview.selected().expect("a unit");
    assert_eq!(a.model.unit_set().units[u].code, "44");
    assert_eq!(a.screen, Screen::Overview, "Enter is not pressed for you");
    // Several lines are not a name: nothing runs.
    a.feed("<esc>");
    paste(&mut a, THREE_LINES);
    assert!(flash(&a).starts_with("Đã bỏ qua"), "{}", flash(&a));
    assert!(!a.should_quit());
    assert!(a.overview.typeahead.is_empty());
}

#[test]
fn an_alt_key_nothing_is_bound_to_is_esc_then_the_key() {
    let d = demo();
    // ESC b arriving together over help: help closes, `b` opens the areas compared.
    let mut a = bench_44(&d, 2);
    a.feed("<f1>");
    a.feed("<a-b>");
    assert!(a.overlays.is_empty());
    assert_eq!(a.context(), Context::Areas);
    // ESC q in the request: the request closes, then q quits (as Esc, q would).
    let mut a = bench_44(&d, 2);
    a.feed("r<a-q>");
    assert!(a.should_quit());
    // In the list of provinces, Esc then a letter starts a jump: nothing quits.
    let mut a = app(&d);
    a.feed("<a-q>");
    assert!(!a.should_quit());
    assert_eq!(a.overview.typeahead, "q");
}

/// Give unit 44 the self-assessment of unit 08 (one of the demo's five sampled units): all its
/// items pending.
fn pending_44(d: &Demo) {
    let rows: Vec<SelfRow> =
        d.wb.items(2024, Some("08"))
            .expect("items")
            .into_iter()
            .filter_map(|i| {
                let s = i.self_assessment?;
                Some(SelfRow {
                    unit: "44".into(),
                    leaf: i.key.leaf,
                    score: s.score,
                    note: s.note,
                    evidence: s.evidence,
                })
            })
            .collect();
    d.wb.apply(Command::ImportSelf { year: 2024, rows })
        .expect("import");
}

/// The leaf a key opened a dialog on, if it opened the editor or the request.
fn opened_on(a: &App) -> Option<String> {
    match a.overlays.last() {
        Some(Overlay::Editor(ed)) => Some(ed.key.leaf.clone()),
        Some(Overlay::Prompt(p)) => match &p.kind {
            PromptKind::RequestEvidence { key, .. } => Some(key.leaf.clone()),
            _ => None,
        },
        _ => None,
    }
}

#[test]
fn f2_on_a_group_row_opens_the_groups_first_pending_item() {
    let d = demo();
    pending_44(&d);
    // Decide 1.1.1 first, so the first pending item of 1.1 is not simply its first item.
    let mut a = bench_44(&d, 2);
    assert_eq!(row_code(&a), "1.1.1");
    a.feed("a");
    assert!(flash(&a).contains("Đã lưu"), "{}", flash(&a));
    for (down, key) in [(1, "<f2>"), (1, "s"), (1, "e"), (1, "r"), (0, "<f2>")] {
        let mut a = bench_44(&d, down);
        let group = row_code(&a);
        let fw = a.model.fw();
        let n = a.bench.as_ref().unwrap().selected().unwrap();
        assert!(!fw.nodes[n].is_leaf(), "{group} is a group");
        let first_pending = fw
            .nodes
            .iter()
            .filter(|n| n.is_leaf() && n.code.starts_with(&format!("{group}.")))
            .map(|n| n.code.clone())
            .find(|code| code != "1.1.1")
            .expect("a second item");
        a.feed(key);
        let leaf = opened_on(&a)
            .unwrap_or_else(|| panic!("{key} on {group} opened nothing: {}", flash(&a)));
        assert_eq!(leaf, first_pending, "{key} on {group}");
        assert_eq!(row_code(&a), first_pending, "the cursor follows");
        // What is typed next goes into the field.
        a.feed("q/b");
        assert!(!a.should_quit());
        assert_eq!(opened_on(&a), Some(first_pending));
    }
}

#[test]
fn f2_on_a_group_with_nothing_pending_opens_its_first_item() {
    // Unit 44 has no self-assessment in the demo: nothing pending, the first item opens.
    let d = demo();
    let mut a = bench_44(&d, 1);
    assert_eq!(row_code(&a), "1.1");
    a.feed("<f2>");
    assert_eq!(opened_on(&a).as_deref(), Some("1.1.1"), "{}", flash(&a));
}
