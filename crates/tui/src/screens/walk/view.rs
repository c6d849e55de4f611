//! Walk mode (SPEC W2): one pending item at a time with its full text, the unit's note,
//! evidence and guidance, and one-key answers shown in the hint bar.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::app::App;
use crate::i18n::{self, Msg};
use crate::screens::bench::{detail, view as workbench};
use crate::views::bars;
use crate::views::layout::{self, Frame as Bands};

/// How far the item's text can scroll.
pub fn max_scroll(app: &App) -> u16 {
    let r = layout::walk_text(layout::body(app));
    let n = app
        .walk
        .as_ref()
        .and_then(|w| Some((w.unit_idx, w.current()?)))
        .map_or(0, |(u, n)| detail::lines(app, u, n, r.width as usize).len());
    layout::max_scroll(n, r.height)
}

pub fn render(app: &App, f: &mut Frame, fr: &Bands) {
    let th = &app.theme;
    let Some(w) = &app.walk else { return };
    let unit = &app.model.unit_set().units[w.unit_idx];
    let remaining = w.remaining(&app.model);
    let title = format!(
        "{} · {} {} · {}",
        app.tr(Msg::WalkTitle),
        unit.code,
        unit.name,
        i18n::walk_progress(app.lang, remaining, w.total())
    );
    bars::title(app, f, fr.title, title);
    if let Some(b) = &app.bench {
        workbench::totals(app, f, fr.sub, b);
    }
    let [head, _] = Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(fr.body);
    let Some(node) = w.current() else {
        let msg = if remaining == 0 {
            app.tr(Msg::WalkDone)
        } else {
            app.tr(Msg::WalkNothing)
        };
        f.render_widget(
            Paragraph::new(vec![Line::raw(""), Line::styled(format!(" {msg}"), th.ok)]),
            fr.body,
        );
        return;
    };
    // Position and a progress bar.
    let done = w.total() - remaining;
    let bar_w = (head.width as usize).saturating_sub(30).min(40);
    let filled = (done * bar_w).checked_div(w.total()).unwrap_or(0);
    let bar: String = std::iter::repeat_n(th.marks.bar_full, filled)
        .chain(std::iter::repeat_n(th.marks.bar_empty, bar_w - filled))
        .collect();
    let progress = Line::from(vec![
        Span::styled(
            format!(" {} ", i18n::walk_position(app.lang, w.pos + 1, w.total())),
            th.header,
        ),
        Span::styled(bar, th.bar_proposed),
        Span::styled(
            format!(" {} ", i18n::walk_done(app.lang, done, w.total())),
            th.dim,
        ),
    ]);
    f.render_widget(
        Paragraph::new(progress).block(
            Block::default()
                .borders(Borders::BOTTOM)
                .border_style(th.border),
        ),
        head,
    );
    let inner = layout::walk_text(fr.body);
    let lines = detail::lines(app, w.unit_idx, node, inner.width as usize);
    crate::widgets::scrolled_text(f, app, lines, inner, app.walk_scroll, None);
}
