//! The adjust editor (SPEC W4): the score checked as you type, the justification, the draft state
//! and the engine's refusal, in place.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::action::{Action, Context};
use crate::app::App;
use crate::dialogs::editor::{EditorState, Field, ScoreCheck};
use crate::i18n::{self, Msg};
use crate::text;
use crate::views::layout;
use crate::widgets::{popup, pts};

/// "F2 Lưu · Esc Hủy" from the live keymap (the prompts show it too).
pub(crate) fn keys_help(app: &App, ctx: Context) -> String {
    let mut parts: Vec<String> = Vec::new();
    for a in [Action::Save, Action::Cancel] {
        if let Some(k) = app.keymap.hint(ctx, a) {
            parts.push(format!("{k} {}", a.hint_label(app.lang)));
        }
    }
    parts.join(" · ")
}

pub fn render(app: &App, f: &mut Frame, body: Rect, ed: &EditorState) {
    let th = &app.theme;
    let m = &app.model;
    let node = m.fw().node(&ed.key.leaf);
    let r = layout::centered(
        body,
        body.width.saturating_sub(4).min(86),
        body.height.min(20),
    );
    let title = format!("{} — {}", app.tr(Msg::EditScoreTitle), ed.key.leaf);
    let inner = popup(f, app, r, &title);
    let [name, info, score, check, label, area, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(2),
    ])
    .areas(inner);
    let w = inner.width as usize;
    if let Some(n) = node {
        let s = text::truncate(&text::escape_line(&n.name), w).into_owned();
        f.render_widget(Paragraph::new(Span::styled(s, th.area)), name);
    }
    let item = m.item(&ed.key.unit, &ed.key.leaf);
    let self_score = item.and_then(|i| i.self_score());
    let info_line = format!(
        "{} {} · {} {} · {} {}",
        app.tr(Msg::SelfScore),
        pts(self_score, app.lang),
        app.tr(Msg::ColMax),
        ed.max.show(app.lang),
        app.tr(Msg::Step),
        ed.step.show(app.lang)
    );
    f.render_widget(Paragraph::new(Span::styled(info_line, th.dim)), info);

    // The score field and what the domain says about it.
    let focus_score = ed.focus == Field::Score;
    let label_s = format!("{}: ", app.tr(Msg::ScoreLabel));
    let field_w = 10usize;
    let mut spans = vec![Span::styled(
        label_s.clone(),
        if focus_score { th.header } else { th.dim },
    )];
    spans.extend(
        ed.score
            .line(field_w, th.input, th.selected, focus_score)
            .spans,
    );
    let (mark, msg, style) = match &ed.check {
        ScoreCheck::Ok(p) => {
            let same = self_score == Some(*p);
            let note = if same {
                app.tr(Msg::SameAsSelf).to_string()
            } else {
                match self_score {
                    Some(s) => format!("Δ {}", (*p - s).show_signed(app.lang)),
                    None => String::new(),
                }
            };
            (th.marks.saved, note, th.ok)
        }
        ScoreCheck::NotANumber(e) => ("✗", i18n::points_error(app.lang, e), th.error),
        ScoreCheck::NotAllowed(e) => ("✗", i18n::score_error(app.lang, e), th.error),
    };
    f.render_widget(Paragraph::new(Line::from(spans)), score);
    // What the domain says about the score, under the field.
    let indent = " ".repeat(text::width(&label_s));
    let room = w.saturating_sub(indent.len());
    f.render_widget(
        Paragraph::new(Line::from(vec![
            Span::raw(indent),
            Span::styled(
                text::truncate(&format!("{mark} {msg}"), room).into_owned(),
                style,
            ),
        ])),
        check,
    );

    let focus_text = ed.focus == Field::Text;
    f.render_widget(
        Paragraph::new(Span::styled(
            format!("{}:", app.tr(Msg::JustificationLabel)),
            if focus_text { th.header } else { th.dim },
        )),
        label,
    );
    let mut ta = ed.text.clone();
    ta.set_block(
        Block::default()
            .borders(Borders::ALL)
            .border_style(if focus_text {
                th.border_focus
            } else {
                th.border
            }),
    );
    ta.set_style(th.base);
    ta.set_cursor_line_style(Style::default());
    ta.set_cursor_style(if focus_text {
        th.selected
    } else {
        Style::default().remove_modifier(Modifier::REVERSED)
    });
    f.render_widget(&ta, area);

    // The engine's refusal, else the draft state.
    let status_line = if let Some(e) = &ed.error {
        Span::styled(text::escape_line(e).into_owned(), th.error)
    } else if let Some(at) = ed.draft_saved {
        Span::styled(
            i18n::draft_saved_at(app.lang, &domain::clock::date_time(at)),
            th.dim,
        )
    } else if ed.restored {
        Span::styled(app.tr(Msg::DraftRestored), th.warn)
    } else {
        Span::raw("")
    };
    f.render_widget(
        Paragraph::new(status_line).wrap(Wrap { trim: true }),
        status,
    );
}
