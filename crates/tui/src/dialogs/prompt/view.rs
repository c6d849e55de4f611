//! A prompt (SPEC W4): what it is about, the text typed (the evidence request in the wrapping
//! multi-line editor, the reason to reopen on one line), the engine's refusal in place and the
//! keys that send or cancel it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui_textarea::TextArea;

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
        PromptKind::WhatIfWeight => (
            app.tr(Msg::WhatIfTitle),
            app.tr(Msg::WhatIfLabel),
            app.tr(Msg::WhatIfBanner).to_string(),
        ),
    };
    let w = body.width.saturating_sub(4).min(76);
    if let Some(ta) = &p.text {
        return multiline(app, f, body, p, ta, (title, label, &subject), w);
    }
    let r = layout::centered(body, w, 8);
    let inner = popup(f, app, r, title);
    let w = inner.width as usize;
    let mut input = p.input.line(w, th.input, th.selected, true);
    input.spans.insert(0, Span::raw(""));
    let lines = vec![
        Line::styled(
            text::truncate(&text::escape_line(&subject), w).into_owned(),
            th.area,
        ),
        Line::styled(format!("{label}:"), th.header),
        input,
        error_line(app, p, w),
        Line::styled(keys_help(app, Context::ScoreInput), th.dim),
    ];
    f.render_widget(Paragraph::new(lines), inner);
}

fn error_line(app: &App, p: &PromptState, w: usize) -> Line<'static> {
    p.error
        .as_ref()
        .map(|e| {
            Line::styled(
                text::truncate(&text::escape_line(e), w).into_owned(),
                app.theme.error,
            )
        })
        .unwrap_or_else(|| Line::raw(""))
}

/// The evidence request: the subject, then the wrapping editor (as the justification's), the
/// refusal and the keys (F2 sends, Enter is a new line).
fn multiline(
    app: &App,
    f: &mut Frame,
    body: Rect,
    p: &PromptState,
    ta: &TextArea<'static>,
    (title, label, subject): (&str, &str, &str),
    w: u16,
) {
    let th = &app.theme;
    let h = body.height.saturating_sub(2).min(14);
    let r = layout::centered(body, w, h);
    let inner = popup(f, app, r, title);
    let tw = inner.width as usize;
    let [head, area, foot] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(3),
        Constraint::Length(2),
    ])
    .areas(inner);
    f.render_widget(
        Paragraph::new(vec![
            Line::styled(
                text::truncate(&text::escape_line(subject), tw).into_owned(),
                th.area,
            ),
            Line::styled(format!("{label}:"), th.header),
        ]),
        head,
    );
    let mut ta = ta.clone();
    ta.set_block(
        Block::default()
            .borders(Borders::ALL)
            .border_style(th.border_focus),
    );
    ta.set_style(th.base);
    ta.set_cursor_line_style(Style::default());
    ta.set_cursor_style(th.selected);
    f.render_widget(&ta, area);
    f.render_widget(
        Paragraph::new(vec![
            error_line(app, p, tw),
            Line::styled(keys_help(app, Context::Editor), th.dim),
        ]),
        foot,
    );
}
