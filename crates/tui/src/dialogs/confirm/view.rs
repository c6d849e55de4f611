//! A yes/no question (bulk agree, finalize) with the keys that answer it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::action::{Action, Context};
use crate::app::App;
use crate::dialogs::confirm::ConfirmState;
use crate::i18n::{self, Msg};
use crate::views::layout;
use crate::widgets::{popup, wrapped};

/// The line of answer keys: yes, then no (the conflict dialog uses it too).
pub(crate) fn answer_keys(app: &App, yes: &str, no: &str) -> Line<'static> {
    let th = &app.theme;
    let k = |a| app.keymap.hint(Context::Confirm, a).unwrap_or_default();
    Line::from(vec![
        Span::styled(format!(" {} ", k(Action::Confirm)), th.key),
        Span::styled(format!(" {yes}   "), th.base),
        Span::styled(format!(" {} ", k(Action::Cancel)), th.key),
        Span::styled(format!(" {no}"), th.base),
    ])
}

pub fn render(app: &App, f: &mut Frame, body: Rect, c: &ConfirmState) {
    let th = &app.theme;
    let (yes, no) = match c {
        ConfirmState::KeepAgreedScore { .. } => (Msg::KeepAgreedYes, Msg::KeepAgreedNo),
        _ => (Msg::Yes, Msg::No),
    };
    let (title, question) = match c {
        ConfirmState::KeepAgreedScore { leaf, score } => (
            app.tr(Msg::KeepAgreedTitle),
            i18n::keep_agreed_question(app.lang, leaf, score),
        ),
        ConfirmState::BulkAgree {
            area,
            area_name,
            items,
            ..
        } => (
            app.tr(Msg::BulkAgreeTitle),
            i18n::bulk_agree_question(app.lang, items.len(), area, area_name),
        ),
        ConfirmState::Finalize { unit, name, .. } => (
            app.tr(Msg::FinalizeTitle),
            i18n::finalize_question(app.lang, unit, name),
        ),
    };
    let w = body.width.saturating_sub(4).min(70);
    let q = wrapped(&question, w.saturating_sub(2) as usize, th.base);
    let h = q.len() as u16 + 4;
    let r = layout::centered(body, w, h);
    let inner = popup(f, app, r, title);
    let mut lines = q;
    lines.push(Line::raw(""));
    lines.push(answer_keys(app, app.tr(yes), app.tr(no)));
    f.render_widget(Paragraph::new(lines), inner);
}
