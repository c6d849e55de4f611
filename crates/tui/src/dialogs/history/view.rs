//! The history of an item (SPEC W6): who, when, what — score and status changes, and word
//! diffs of text revisions marked `[-deleted-]{+inserted+}` so they read without colour.

use ratatui::Frame;
use ratatui::layout::{Margin, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::app::App;
use crate::dialogs::history::state::{Detail, HistoryState};
use crate::i18n::Msg;
use crate::text;
use crate::views::layout;
use crate::widgets::{fmt_time, popup, pts, wrap_spans};
use crate::worddiff::Seg;

pub fn lines(app: &App, h: &HistoryState, w: usize) -> Vec<Line<'static>> {
    let th = &app.theme;
    let mut out = Vec::new();
    if let Some(e) = &h.error {
        out.push(Line::styled(
            app.tr(Msg::HistoryLoadFailed).to_string(),
            th.error,
        ));
        out.extend(wrap_spans(vec![(e.clone(), th.base)], w, ""));
        return out;
    }
    if h.entries.is_empty() {
        out.push(Line::styled(app.tr(Msg::NoHistory).to_string(), th.dim));
    }
    for (k, e) in h.entries.iter().enumerate() {
        if k > 0 {
            out.push(Line::raw(""));
        }
        out.push(Line::from(vec![
            Span::styled(fmt_time(e.at), th.dim),
            Span::raw("  "),
            Span::styled(text::escape_line(&e.actor).into_owned(), th.total),
            Span::raw("  "),
            Span::styled(app.tr(e.what).to_string(), th.header),
        ]));
        if !e.reason.is_empty() {
            out.extend(wrap_spans(vec![(e.reason.clone(), th.dim)], w, "  "));
        }
        for d in &e.details {
            match d {
                Detail::Status { before, after } => out.push(Line::from(vec![
                    Span::styled(format!("  {}: ", app.tr(Msg::ColStatus)), th.dim),
                    Span::styled(before.label(app.lang).to_string(), th.base),
                    Span::styled(" → ", th.dim),
                    Span::styled(after.label(app.lang).to_string(), th.status_style(*after)),
                ])),
                Detail::Score {
                    label,
                    before,
                    after,
                } => {
                    let mut spans = vec![
                        Span::styled(format!("  {}: ", app.tr(*label)), th.dim),
                        Span::styled(pts(*before, app.lang), th.base),
                        Span::styled(" → ", th.dim),
                        Span::styled(pts(*after, app.lang), th.total),
                    ];
                    if let (Some(b), Some(a)) = (before, after) {
                        let dlt = *a - *b;
                        if !dlt.is_zero() {
                            spans.push(Span::styled(
                                format!(" ({})", dlt.show_signed(app.lang)),
                                th.delta_style(dlt.hundredths()),
                            ));
                        }
                    }
                    out.push(Line::from(spans));
                }
                Detail::Text { label, segs } => {
                    out.push(Line::styled(format!("  {}:", app.tr(*label)), th.dim));
                    // A first text is shown as it is; a revision with its changes marked.
                    let fresh = segs.iter().all(|s| matches!(s, Seg::Ins(_)));
                    let pieces: Vec<(String, Style)> = segs
                        .iter()
                        .map(|s| match s {
                            Seg::Ins(t) if fresh => Seg::Same(t.clone()),
                            other => other.clone(),
                        })
                        .collect::<Vec<_>>()
                        .iter()
                        .map(|seg| th.diff_piece(seg))
                        .collect();
                    out.extend(wrap_spans(pieces, w, "    "));
                }
            }
        }
    }
    out
}

/// How far the timeline can scroll.
pub fn max_scroll(app: &App, h: &HistoryState) -> u16 {
    let inner = layout::body(app).inner(Margin::new(1, 1));
    layout::max_scroll(lines(app, h, inner.width as usize).len(), inner.height)
}

pub fn render(app: &App, f: &mut Frame, body: Rect, h: &HistoryState) {
    let name = app
        .model
        .fw()
        .node(&h.key.leaf)
        .map(|n| n.name.clone())
        .unwrap_or_default();
    let title = format!(
        "{} {} {} — {}",
        app.tr(Msg::HistoryTitle),
        h.key.unit,
        h.key.leaf,
        name
    );
    let inner = popup(f, app, body, &title);
    let all = lines(app, h, inner.width as usize);
    crate::widgets::scrolled_text(f, app, all, inner, h.scroll, None);
}
