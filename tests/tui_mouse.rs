//! The mouse on the app itself (SPEC W12): where a click lands on each screen at 80×24, the
//! wheel, the hint bar. `tests/pty_mouse.rs` drives the same through the real terminal.

mod common;

use std::sync::Arc;

use api::Workbench;
use l10n::Lang;
use ratatui::crossterm::event::{Event, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use tui::TuiOptions;
use tui::app::{App, Screen};
use tui::dialogs::Overlay;
use tui::theme::ColorLevel;

fn app() -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().expect("temp dir");
    let wb: Arc<dyn Workbench> =
        Arc::new(sample::demo::build(dir.path(), "lead", Some(5)).expect("demo store"));
    let opts = TuiOptions {
        lang: Lang::Vi,
        theme: Some(ColorLevel::Mono),
        ..TuiOptions::default()
    };
    let mut a = tui::build_app(wb, &opts).expect("app");
    a.resize(80, 24);
    (dir, a)
}

fn mouse(a: &mut App, kind: MouseEventKind, x: u16, y: u16) {
    a.handle_event(Event::Mouse(MouseEvent {
        kind,
        column: x,
        row: y,
        modifiers: KeyModifiers::NONE,
    }));
}

fn click(a: &mut App, x: u16, y: u16) {
    mouse(a, MouseEventKind::Down(MouseButton::Left), x, y);
    mouse(a, MouseEventKind::Up(MouseButton::Left), x, y);
}

#[test]
fn clicks_select_rows_and_a_second_click_opens() {
    let (_d, mut a) = app();
    // The list of provinces: rows start at screen row 3, under the header.
    click(&mut a, 10, 5);
    assert_eq!(a.overview.cursor, 2);
    assert_eq!(a.screen, Screen::Overview);
    // The header and the title are not rows.
    click(&mut a, 10, 2);
    click(&mut a, 10, 0);
    assert_eq!(a.overview.cursor, 2);
    mouse(&mut a, MouseEventKind::ScrollDown, 10, 10);
    assert_eq!(a.overview.cursor, 5);
    mouse(&mut a, MouseEventKind::ScrollUp, 10, 10);
    assert_eq!(a.overview.cursor, 2);
    click(&mut a, 10, 5);
    assert_eq!(a.screen, Screen::Bench);
    let unit = a.model.unit_set().units[a.overview.rows[2]].code.clone();
    assert_eq!(a.bench.as_ref().expect("bench").unit, unit);

    // The tree: a row, then the detail pane (stacked under the tree at 80 columns).
    click(&mut a, 10, 6);
    assert_eq!(a.bench.as_ref().expect("bench").cursor, 3);
    assert!(!a.detail_focus);
    click(&mut a, 10, 20);
    assert!(
        a.detail_focus,
        "a click in the detail pane gives it the keys"
    );
    click(&mut a, 10, 4);
    assert!(!a.detail_focus);
    assert_eq!(a.bench.as_ref().expect("bench").cursor, 1);

    // The ranking and the queue start their rows at screen rows 3 and 4.
    a.feed("<f9>");
    click(&mut a, 10, 4);
    assert_eq!(a.ranking.cursor, 1);
    a.feed("<esc><f7>");
    assert_eq!(a.screen, Screen::Queue);
    click(&mut a, 10, 6);
    assert_eq!(a.queue.cursor, 2);
    click(&mut a, 10, 6);
    assert_eq!(
        a.screen,
        Screen::Bench,
        "the queue's row opens in its workbench"
    );
}

#[test]
fn the_hint_bar_runs_what_is_clicked_and_nothing_between() {
    let (_d, mut a) = app();
    a.feed("<enter><down><down>");
    let s = common::render_screen(&mut a, 80, 24);
    let bar = s.lines().nth(23).expect("hint bar")[1..].to_string();
    let col = |label: &str| bar[..bar.find(label).expect(label)].chars().count() as u16;
    // A click on the label of "F3 Lịch sử" runs it.
    click(&mut a, col("Lịch sử"), 23);
    assert!(
        matches!(a.overlays.last(), Some(Overlay::History(_))),
        "{bar}"
    );
    a.feed("<esc>");
    // Past the last entry: nothing.
    click(&mut a, 79, 23);
    assert!(a.overlays.is_empty(), "{bar}");
    // Over a dialog, a click outside the hint bar does nothing.
    a.feed("<f1>");
    click(&mut a, 10, 5);
    assert!(matches!(a.overlays.last(), Some(Overlay::Help { .. })));
}
