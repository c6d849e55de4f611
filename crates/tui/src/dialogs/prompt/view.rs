//! A one-line prompt (SPEC W4): what it is about, the text typed, the engine's refusal in place
//! and the keys that send or cancel it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::action::Context;
use crate::app::App;
use crate::dialogs::editor::view::keys_help;
use crate::dialogs::prompt::{PromptKind, PromptState};
use crate::i18n::Msg;
use crate::text;
use crate::views::layout;
use crate::widgets::popup;

pub fn render(app: &App, f: &mut Frame, body: Rect, p: &PromptState) {
    let th = &app.theme;
    let (title, label, subject) = match &p.kind {
        PromptKind::RequestEvidence { key, .. } => (
            app.tr(Msg::RequestTitle),
            app.tr(Msg::RequestLabel),
            app.model
                .fw()
                .node(&key.leaf)
                .map(|n| format!("{} {}", n.code, n.name))
                .unwrap_or_default(),
        ),
        PromptKind::Reopen { unit, .. } => (
            app.tr(Msg::ReopenTitle),
            app.tr(Msg::ReopenLabel),
            app.model
                .unit(unit)
                .map(|_| {
                    let u = app.model.unit_set().unit(unit);
                    u.map(|u| format!("{} {}", u.code, u.name))
                        .unwrap_or_default()
                })
                .unwrap_or_default(),
        ),
    };
    let r = layout::centered(body, body.width.saturating_sub(4).min(76), 8);
    let inner = popup(f, app, r, title);
    let w = inner.width as usize;
    let mut input = p.input.line(w, th.input, th.selected, true);
    input.spans.insert(0, Span::raw(""));
    let err = p
        .error
        .as_ref()
        .map(|e| {
            Line::styled(
                text::truncate(&text::escape_line(e), w).into_owned(),
                th.error,
            )
        })
        .unwrap_or_else(|| Line::raw(""));
    let lines = vec![
        Line::styled(
            text::truncate(&text::escape_line(&subject), w).into_owned(),
            th.area,
        ),
        Line::styled(format!("{label}:"), th.header),
        input,
        err,
        Line::styled(keys_help(app, Context::ScoreInput), th.dim),
    ];
    f.render_widget(Paragraph::new(lines), inner);
}
