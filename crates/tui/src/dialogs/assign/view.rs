//! The assign dialog: the province, the area and the person chosen (←/→), who has it now.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::App;
use crate::dialogs::assign::AssignState;
use crate::i18n::Msg;
use crate::text;
use crate::views::layout;
use crate::widgets::{popup, wrapped};

pub fn render(app: &App, f: &mut Frame, body: Rect, s: &AssignState) {
    let th = &app.theme;
    let title = format!("{} — {} ({})", app.tr(Msg::AssignTitle), s.name, s.unit);
    let w = body.width.saturating_sub(4).min(72);
    let inner_w = w.saturating_sub(2) as usize;
    let area = match s.areas.get(s.area) {
        Some((Some(code), name)) => format!("{code} {name}"),
        _ => app.tr(Msg::WholeUnit).to_string(),
    };
    let user = match s.user_name() {
        Some(u) => u.to_string(),
        None => app.tr(Msg::ClearAssignment).to_string(),
    };
    let field = |i: usize, label: Msg, value: String| -> Line<'static> {
        let style = if s.focus == i { th.input } else { th.base };
        let marker = if s.focus == i { "›" } else { " " };
        let label = format!("{marker} {}: ", app.tr(label));
        let room = inner_w.saturating_sub(text::width(&label) + 4);
        Line::from(vec![
            Span::styled(label, th.dim),
            Span::styled(
                format!("‹ {} ›", text::truncate(&text::escape_line(&value), room)),
                style,
            ),
        ])
    };
    let mut lines = vec![
        field(0, Msg::AssignArea, area),
        field(1, Msg::AssignPerson, user),
    ];
    let now = s
        .assignee_now()
        .map(|u| text::escape_line(u).into_owned())
        .unwrap_or_else(|| "—".to_string());
    lines.push(Line::styled(
        format!("  {}: {now}", app.tr(Msg::AssignedNow)),
        th.dim,
    ));
    lines.push(Line::raw(""));
    if let Some(e) = &s.error {
        lines.extend(wrapped(e, inner_w, th.error));
    }
    lines.push(Line::styled(app.tr(Msg::AssignHint).to_string(), th.dim));
    let h = lines.len() as u16 + 2;
    let r = layout::centered(body, w, h);
    let inner = popup(f, app, r, &title);
    f.render_widget(Paragraph::new(lines), inner);
}
