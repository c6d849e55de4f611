//! The dispute dialogs: labelled fields, the focused one highlighted, the engine's refusal in
//! place.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::app::App;
use crate::dialogs::form::state::{FormKind, FormState, Input};
use crate::i18n::Msg;
use crate::text;
use crate::views::layout;
use crate::widgets::popup;

pub fn render(app: &App, f: &mut Frame, body: Rect, form: &FormState) {
    let th = &app.theme;
    let title = match form.kind {
        FormKind::RecordDispute { .. } => app.tr(Msg::RecordDisputeTitle),
        FormKind::ResolveDispute { .. } => app.tr(Msg::ResolveDisputeTitle),
        FormKind::Escalate { .. } => app.tr(Msg::EscalateTitle),
        FormKind::CouncilDecide { .. } => app.tr(Msg::CouncilDecideTitle),
    };
    let key = form.key();
    let r = layout::centered(
        body,
        body.width.saturating_sub(4).min(86),
        body.height.min(20),
    );
    let inner = popup(f, app, r, &format!("{title} — {}", key.leaf));
    let w = inner.width as usize;
    let mut y = inner.y;
    let bottom = inner.y + inner.height;
    let row = |y: u16| Rect::new(inner.x, y, inner.width, 1);
    if let Some(n) = app.model.fw().node(&key.leaf) {
        let s = text::truncate(&text::escape_line(&n.name), w).into_owned();
        f.render_widget(Paragraph::new(Span::styled(s, th.area)), row(y));
        y += 1;
    }
    // One-line fields first take their rows; the text field gets what is left.
    // A row per field (label or one-line value) and two for the error.
    let fixed = form.fields.len() as u16 + 2;
    let text_h = bottom.saturating_sub(y + fixed).max(3);
    for (i, fl) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let label = format!("{}: ", app.tr(fl.label));
        let label_style = if focused { th.header } else { th.dim };
        match &fl.input {
            Input::Line(l) => {
                let lw = text::width(&label);
                let mut spans = vec![Span::styled(label, label_style)];
                spans.extend(
                    l.line(w.saturating_sub(lw).min(24), th.input, th.selected, focused)
                        .spans,
                );
                f.render_widget(Paragraph::new(Line::from(spans)), row(y));
                y += 1;
            }
            Input::Choice { options, index } => {
                let mut spans = vec![Span::styled(label, label_style)];
                for (k, o) in options.iter().enumerate() {
                    let name = o.label(app.lang);
                    let chosen = k == *index;
                    let style = match (chosen, focused) {
                        (true, true) => th.selected,
                        (true, false) => th.total.add_modifier(Modifier::UNDERLINED),
                        _ => th.dim,
                    };
                    let mark = if chosen { "●" } else { "○" };
                    spans.push(Span::styled(format!("{mark} {name}"), style));
                    spans.push(Span::raw("  "));
                }
                if focused {
                    spans.push(Span::styled(app.tr(Msg::ChoiceHint), th.dim));
                }
                f.render_widget(Paragraph::new(Line::from(spans)), row(y));
                y += 1;
            }
            Input::Text(t) => {
                f.render_widget(Paragraph::new(Span::styled(label, label_style)), row(y));
                y += 1;
                let area = Rect::new(
                    inner.x,
                    y,
                    inner.width,
                    text_h.min(bottom.saturating_sub(y + 2)),
                );
                let mut ta = (**t).clone();
                ta.set_block(
                    Block::default()
                        .borders(Borders::ALL)
                        .border_style(if focused { th.border_focus } else { th.border }),
                );
                ta.set_style(th.base);
                ta.set_cursor_line_style(Style::default());
                ta.set_cursor_style(if focused {
                    th.selected
                } else {
                    Style::default()
                });
                f.render_widget(&ta, area);
                y += area.height;
            }
        }
        if y >= bottom {
            break;
        }
    }
    if let Some(e) = &form.error {
        let r = Rect::new(
            inner.x,
            y.min(bottom.saturating_sub(2)),
            inner.width,
            2.min(bottom.saturating_sub(y)),
        );
        f.render_widget(
            Paragraph::new(Span::styled(text::escape_line(e).into_owned(), th.error))
                .wrap(Wrap { trim: true }),
            r,
        );
    }
}
