//! The conflict dialog (SPEC W4, S3): the other person's score and justification, yours as a
//! word diff against theirs, and the choice to re-apply yours on their version, keep theirs, or
//! go back to editing — never a silent overwrite.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::action::{Action, Context};
use crate::app::App;
use crate::dialogs::confirm::view::answer_keys;
use crate::dialogs::conflict::ConflictState;
use crate::i18n::{self, Msg};
use crate::views::layout;
use crate::widgets::{diff_legend, fmt_time, popup, pts, wrap_spans, wrapped};
use crate::worddiff::word_diff;

pub fn render(app: &App, f: &mut Frame, body: Rect, c: &ConflictState) {
    let th = &app.theme;
    let cur = &c.current;
    let who = cur.last.as_ref().map_or("?", |t| t.actor.as_str());
    let when = cur
        .last
        .as_ref()
        .map(|t| fmt_time(t.at))
        .unwrap_or_default();
    let w = body.width.saturating_sub(4).min(76);
    let tw = w.saturating_sub(2) as usize;
    let mut lines = wrapped(
        &i18n::conflict(app.lang, who, &c.key.leaf, &when),
        tw,
        th.warn,
    );
    lines.push(Line::from(vec![
        Span::styled(format!("{}: ", app.tr(Msg::ColStatus)), th.header),
        Span::styled(
            cur.status().label(app.lang).to_string(),
            th.status_style(cur.status()),
        ),
        Span::styled(
            format!(" · {}: ", app.tr(Msg::ConflictTheirScore)),
            th.header,
        ),
        Span::styled(pts(cur.appraisal.proposed, app.lang), th.total),
    ]));
    if !cur.appraisal.justification.is_empty() {
        lines.push(Line::styled(
            format!("{}:", app.tr(Msg::ConflictTheirJustification)),
            th.header,
        ));
        let mut j = wrapped(&cur.appraisal.justification, tw, th.base);
        j.truncate(6);
        lines.extend(j);
    }
    if let Some((score, text)) = &c.mine {
        lines.push(Line::raw(""));
        let mut head = vec![Span::styled(
            format!("{} ", app.tr(Msg::ConflictYours)),
            th.header,
        )];
        head.extend(diff_legend(app));
        head.extend([
            Span::styled("): ", th.header),
            Span::styled(score.clone(), th.total),
        ]);
        lines.push(Line::from(head));
        let pieces: Vec<(String, ratatui::style::Style)> =
            word_diff(&cur.appraisal.justification, text)
                .into_iter()
                .map(|seg| th.diff_piece(&seg))
                .collect();
        let mut diff = wrap_spans(pieces, tw, "");
        diff.truncate(6);
        lines.extend(diff);
    }
    lines.push(Line::raw(""));
    let k = |a| app.keymap.hint(Context::Confirm, a).unwrap_or_default();
    if c.mine.is_some() {
        let answers = vec![
            (format!(" {} ", k(Action::Confirm)), th.key),
            (format!(" {}   ", app.tr(Msg::ReapplyMine)), th.base),
            (format!(" {} ", k(Action::KeepTheirs)), th.key),
            (format!(" {}   ", app.tr(Msg::KeepTheirs)), th.base),
            (format!(" {} ", k(Action::Cancel)), th.key),
            (format!(" {}", app.tr(Msg::BackToEditing)), th.base),
        ];
        lines.extend(wrap_spans(answers, tw, ""));
    } else {
        lines.push(answer_keys(
            app,
            app.tr(Msg::ReloadTheirs),
            app.tr(Msg::KeepEditing),
        ));
    }
    let h = (lines.len() as u16 + 2).min(body.height);
    let r = layout::centered(body, w, h);
    let inner = popup(f, app, r, app.tr(Msg::ConflictTitle));
    f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}
