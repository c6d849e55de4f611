//! The frame every screen shares: `render` draws the current screen, the message line, the hint
//! bar and the open dialogs, reading the app and never changing it; `layout` says where things go.

pub mod bars;
pub mod hintbar;
pub mod layout;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::{App, Screen};
use crate::dialogs::{self, Overlay};
use crate::i18n::{self, Msg};
use crate::screens;

/// Draw the whole screen.
pub fn render(app: &App, f: &mut Frame) {
    let area = f.area();
    if layout::too_small(area) {
        too_small(app, f, area);
        return;
    }
    let fr = layout::frame(area);
    match app.screen {
        Screen::Overview => screens::overview::view::render(app, f, &fr),
        Screen::Bench => screens::bench::view::render(app, f, &fr),
        Screen::Walk => screens::walk::view::render(app, f, &fr),
        Screen::Ranking => screens::ranking::view::render(app, f, &fr),
        Screen::Queue => screens::queue::view::render(app, f, &fr),
    }
    bars::message(app, f, fr.message);
    hintbar::render(app, f, fr.hints);
    for o in &app.overlays {
        match o {
            Overlay::Help { scroll, filter } => {
                dialogs::help::view::render(app, f, fr.body, *scroll, filter)
            }
            Overlay::Palette(p) => dialogs::palette::view::render(app, f, area, p),
            Overlay::Editor(ed) => dialogs::editor::view::render(app, f, fr.body, ed),
            Overlay::Prompt(p) => dialogs::prompt::view::render(app, f, fr.body, p),
            Overlay::Confirm(c) => dialogs::confirm::view::render(app, f, fr.body, c),
            Overlay::Conflict(c) => dialogs::conflict::view::render(app, f, fr.body, c),
            Overlay::History(h) => dialogs::history::view::render(app, f, fr.body, h),
            Overlay::Explain(x) => dialogs::explain::view::render(app, f, fr.body, x),
            Overlay::Form(form) => dialogs::form::view::render(app, f, fr.body, form),
            Overlay::Assign(s) => dialogs::assign::view::render(app, f, fr.body, s),
            Overlay::Sipas(s) => dialogs::sipas::view::render(app, f, fr.body, s),
        }
    }
}

fn too_small(app: &App, f: &mut Frame, area: Rect) {
    let th = &app.theme;
    let lines = vec![
        Line::styled(app.tr(Msg::TooSmallTitle), th.error),
        Line::raw(""),
        Line::raw(i18n::too_small(app.lang, area.width, area.height)),
    ];
    let h = (lines.len() as u16 + 2).min(area.height);
    let r = Rect {
        y: area.y + area.height.saturating_sub(h) / 2,
        height: h,
        ..area
    };
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: true }).centered(),
        r,
    );
}
