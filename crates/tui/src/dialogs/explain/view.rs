//! The "explain this score" card: the item's story (`domain::story`) in the same words as
//! `thamdinh audit --unit --item`, scrollable. Revised texts are word diffs, removals
//! struck through and additions underlined (`~~removed~~ __added__` without colour,
//! `Theme::diff_piece`); stored text is escaped on the way.

use ratatui::Frame;
use ratatui::layout::{Margin, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::app::App;
use crate::dialogs::explain::ExplainState;
use crate::i18n::Msg;
use crate::text;
use crate::views::layout;
use crate::widgets::{popup, wrap_spans};
use domain::story::labels::{
    Label, criterion_path, evidence_line, final_rows, final_sentence, label, reference_parts,
    score, step_facts, step_title, text_label, when, zone_note,
};
use domain::story::{StepText, Story};

/// Indent of a step's facts and of its texts.
const FACTS: &str = "   ";
const TEXTS: &str = "     ";

pub fn lines(app: &App, x: &ExplainState, w: usize) -> Vec<Line<'static>> {
    let th = &app.theme;
    let mut out = Vec::new();
    if let Some(e) = &x.error {
        out.push(Line::styled(
            app.tr(Msg::ExplainLoadFailed).to_string(),
            th.error,
        ));
        out.extend(wrap_spans(vec![(e.clone(), th.base)], w, ""));
        return out;
    }
    if let Some(s) = &x.story {
        story_lines(app, s, w, &mut out);
    }
    out
}

/// Text that may hold line breaks: each paragraph wrapped under `indent`.
fn paragraphs(s: &str, style: Style, w: usize, indent: &str) -> Vec<Line<'static>> {
    text::escape_multiline(s)
        .split('\n')
        .flat_map(|p| {
            if p.trim().is_empty() {
                vec![Line::raw("")]
            } else {
                wrap_spans(vec![(p.to_string(), style)], w, indent)
            }
        })
        .collect()
}

fn text_lines(app: &App, t: &StepText, w: usize, out: &mut Vec<Line<'static>>) {
    let th = &app.theme;
    let lang = app.lang;
    let name = text_label(lang, t.field);
    if t.text.is_empty() {
        out.push(Line::from(vec![
            Span::styled(format!("{FACTS}{name}: "), th.dim),
            Span::styled(label(lang, Label::Cleared).to_string(), th.dim),
        ]));
        return;
    }
    match &t.diff {
        Some(segs) => {
            let mut head = vec![Span::styled(format!("{FACTS}{name} ("), th.dim)];
            head.extend(crate::widgets::diff_legend(app));
            head.push(Span::styled(
                format!(" {}):", app.tr(crate::i18n::Msg::DiffSinceLast)),
                th.dim,
            ));
            out.push(Line::from(head));
            let pieces: Vec<(String, Style)> = segs.iter().map(|seg| th.diff_piece(seg)).collect();
            out.extend(wrap_spans(pieces, w, TEXTS));
        }
        None => {
            out.push(Line::styled(format!("{FACTS}{name}:"), th.dim));
            out.extend(paragraphs(&t.text, th.base, w, TEXTS));
        }
    }
}

fn story_lines(app: &App, s: &Story, w: usize, out: &mut Vec<Line<'static>>) {
    let th = &app.theme;
    let lang = app.lang;
    let c = &s.criterion;
    out.extend(wrap_spans(
        vec![(format!("{} {}", c.code, c.name), th.area)],
        w,
        "",
    ));
    let path = criterion_path(s);
    if !path.is_empty() {
        out.extend(wrap_spans(vec![(path, th.dim)], w, "  "));
    }
    out.extend(wrap_spans(
        vec![(
            format!(
                "{} ({}) · {} {} · {} {}",
                s.unit.name,
                s.unit.code,
                label(lang, Label::Year),
                s.year,
                label(lang, Label::Max),
                score(lang, Some(c.max))
            ),
            th.dim,
        )],
        w,
        "",
    ));
    out.extend(wrap_spans(vec![(final_sentence(lang, s), th.total)], w, ""));
    for r in &s.references {
        let (head, quote, tail) = reference_parts(lang, r, &c.code);
        let mut pieces = vec![(head, th.dim)];
        if let Some(q) = quote {
            pieces.push((format!("«{q}»"), th.base));
        }
        pieces.push((tail, th.dim));
        out.extend(wrap_spans(pieces, w, ""));
    }

    out.push(Line::raw(""));
    out.push(Line::styled(
        format!("{} ({})", label(lang, Label::Timeline), zone_note(lang)),
        th.header,
    ));
    if s.steps.is_empty() {
        out.push(Line::styled(
            format!("{FACTS}{}", label(lang, Label::NoSteps)),
            th.dim,
        ));
    }
    for (i, step) in s.steps.iter().enumerate() {
        if i > 0 {
            out.push(Line::raw(""));
        }
        out.extend(wrap_spans(
            vec![
                (format!("{}. ", i + 1), th.dim),
                (step_title(lang, step.kind).to_string(), th.header),
                (format!(" — {}, ", when(step.at)), th.dim),
                (step.actor.clone(), th.total),
            ],
            w,
            "",
        ));
        for f in step_facts(lang, step) {
            out.extend(wrap_spans(vec![(f, th.base)], w, FACTS));
        }
        for t in &step.texts {
            text_lines(app, t, w, out);
        }
        if !step.evidence.is_empty() {
            out.push(Line::styled(
                format!("{FACTS}{}:", label(lang, Label::Evidence)),
                th.dim,
            ));
            for e in &step.evidence {
                out.extend(wrap_spans(
                    vec![(format!("• {}", evidence_line(e)), th.base)],
                    w,
                    TEXTS,
                ));
            }
        }
    }

    out.push(Line::raw(""));
    out.push(Line::styled(
        label(lang, Label::Final).to_string(),
        th.header,
    ));
    let rows = final_rows(lang, s);
    let lw = rows.iter().map(|(l, _)| text::width(l)).max().unwrap_or(0);
    for (l, v) in rows {
        let pad = " ".repeat(lw - text::width(l));
        let style = if l == label(lang, Label::Status) {
            th.status_style(s.final_score.status)
        } else {
            th.total
        };
        out.extend(wrap_spans(
            vec![(format!("{l}{pad}  "), th.dim), (v, style)],
            w,
            FACTS,
        ));
    }
}

/// How far the card can scroll.
pub fn max_scroll(app: &App, x: &ExplainState) -> u16 {
    let inner = layout::body(app).inner(Margin::new(1, 1));
    layout::max_scroll(lines(app, x, inner.width as usize).len(), inner.height)
}

pub fn render(app: &App, f: &mut Frame, body: Rect, x: &ExplainState) {
    let title = format!(
        "{} — {} {}",
        app.tr(Msg::ExplainTitle),
        x.key.unit,
        x.key.leaf
    );
    let inner = popup(f, app, body, &title);
    let all = lines(app, x, inner.width as usize);
    crate::widgets::scrolled_text(f, app, all, inner, x.scroll, None);
}
