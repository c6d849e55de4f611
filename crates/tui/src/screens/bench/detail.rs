//! The detail pane of the selected item (SPEC W2): full name, scores, decision and its
//! justification, the unit's note, evidence, guidance, dispute, last change. All text from the
//! store is shown with control characters escaped (SPEC W12, R4).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};

use crate::action::{Action, Context};
use crate::app::App;
use crate::i18n::{self, Msg};
use crate::text;
use crate::views::layout;
use crate::widgets::{fmt_time, scrolled_text, wrap_spans, wrapped};
use domain::story::labels::reference_parts;
use domain::{Method, Status};

#[allow(clippy::too_many_arguments)]
pub fn render(
    app: &App,
    f: &mut Frame,
    r: Rect,
    side: bool,
    unit_idx: usize,
    node: Option<usize>,
    scroll: u16,
    focused: bool,
) {
    let th = &app.theme;
    let border = if focused { th.border_focus } else { th.border };
    let block = if side {
        Block::default().borders(Borders::LEFT).border_style(border)
    } else {
        Block::default().borders(Borders::TOP).border_style(border)
    };
    f.render_widget(block, r);
    let inner = layout::detail_text(r, side);
    let Some(node) = node else { return };
    let lines = lines(app, unit_idx, node, inner.width as usize);
    // Not focused: say how to get to the rest.
    let how = (!focused)
        .then(|| app.keymap.hint(Context::Workbench, Action::SwitchPane))
        .flatten()
        .map(|k| i18n::scroll_how(app.lang, &k));
    scrolled_text(f, app, lines, inner, scroll, how);
}

/// How far the detail pane of the workbench can scroll.
pub fn max_scroll(app: &App) -> u16 {
    let (_, pane, side) = layout::bench(layout::body(app), app.split);
    let r = layout::detail_text(pane, side);
    let n = app
        .bench
        .as_ref()
        .and_then(|b| Some((b.unit_idx, b.selected()?)))
        .map_or(0, |(u, n)| lines(app, u, n, r.width as usize).len());
    layout::max_scroll(n, r.height)
}

/// Everything known about one node of one unit, wrapped to `w` columns.
pub fn lines(app: &App, unit_idx: usize, node: usize, w: usize) -> Vec<Line<'static>> {
    let th = &app.theme;
    let m = &app.model;
    let fw = m.fw();
    let n = &fw.nodes[node];
    let data = m.unit_at(unit_idx);
    let mut out: Vec<Line<'static>> = Vec::new();
    out.extend(wrapped(&format!("{} {}", n.code, n.name), w, th.area));
    let heading = |m: Msg| Line::styled(format!("{}:", app.tr(m)), th.header);

    if !n.is_leaf() {
        let sub = data.scores.nodes[node];
        let d = sub.proposed - sub.self_;
        let mut spans = vec![
            Span::styled(
                format!("{} {} · ", app.tr(Msg::ColMax), n.max.show(app.lang)),
                th.dim,
            ),
            Span::styled(
                format!("{} {} · ", app.tr(Msg::SelfScore), sub.self_.show(app.lang)),
                th.base,
            ),
            Span::styled(
                format!(
                    "{} {}",
                    app.tr(Msg::ProposedScore),
                    sub.proposed.show(app.lang)
                ),
                th.total,
            ),
        ];
        if !d.is_zero() {
            spans.push(Span::styled(
                format!(" ({})", d.show_signed(app.lang)),
                th.delta_style(d.hundredths()),
            ));
        }
        out.extend(flow(spans, w));
        out.push(Line::styled(app.tr(Msg::AreaRowHint), th.dim));
        if !n.guidance.is_empty() {
            out.push(heading(Msg::Guidance));
            out.extend(wrapped(&n.guidance, w, th.base));
        }
        return out;
    }

    let item = data.items[node].as_ref();
    // Scores.
    let mut spans = vec![Span::styled(
        format!("{} {} · ", app.tr(Msg::ColMax), n.max.show(app.lang)),
        th.dim,
    )];
    match item.and_then(|i| i.self_score()) {
        Some(s) => spans.push(Span::styled(
            format!("{} {}", app.tr(Msg::SelfScore), s.show(app.lang)),
            th.base,
        )),
        None => spans.push(Span::styled(app.tr(Msg::NotSelfScored), th.warn)),
    }
    if let Some(p) = item.and_then(|i| i.appraisal.proposed) {
        spans.push(Span::styled(
            format!(" · {} {}", app.tr(Msg::ProposedScore), p.show(app.lang)),
            th.total,
        ));
        if let Some(d) = item.and_then(|i| i.delta()).filter(|d| !d.is_zero()) {
            spans.push(Span::styled(
                format!(" ({})", d.show_signed(app.lang)),
                th.delta_style(d.hundredths()),
            ));
        }
    }
    out.extend(flow(spans, w));
    if n.method == Method::Survey {
        out.push(Line::styled(
            format!("{} {}", th.marks.survey, app.tr(Msg::SurveyItem)),
            th.dim,
        ));
    } else {
        let st = item.map_or(Status::Pending, |i| i.status());
        out.extend(flow(
            vec![
                Span::styled(format!("{}: ", app.tr(Msg::ColStatus)), th.header),
                Span::styled(
                    format!("{} {}", th.status_mark(st), st.label(app.lang)),
                    th.status_style(st),
                ),
            ],
            w,
        ));
    }
    let key = domain::ItemKey::new(
        app.model.year,
        app.model.unit_set().units[unit_idx].code.clone(),
        n.code.clone(),
    );
    if app.drafts.contains(&key) {
        out.push(Line::styled(
            format!("{} {}", th.marks.draft, app.tr(Msg::HasDraft)),
            th.warn,
        ));
    }
    let editors = app.others_editing(&key);
    if !editors.is_empty() {
        out.push(Line::styled(
            format!(
                "{} {} {}",
                th.marks.editing,
                text::escape_line(&editors.join(", ")),
                app.tr(Msg::EditingNow)
            ),
            th.warn,
        ));
    }
    if let Some(it) = item {
        let a = &it.appraisal;
        if !a.justification.is_empty() {
            out.push(heading(Msg::Justification));
            out.extend(wrapped(&a.justification, w, th.base));
        }
        if a.status == Status::NeedsInfo && !a.request.is_empty() {
            out.push(heading(Msg::EvidenceRequest));
            out.extend(wrapped(&a.request, w, th.warn));
        }
        if let Some(dp) = &a.dispute {
            out.push(heading(Msg::Dispute));
            let mut head = format!(
                "{} {} · {} {}",
                app.tr(Msg::RoundShort),
                dp.round,
                app.tr(Msg::DisputeReceivedShort),
                domain::round::format_date(dp.received)
            );
            if dp.late {
                head = format!("{head} ({})", app.tr(Msg::Late));
            }
            if !dp.document.is_empty() {
                head = format!("{head} · {}", dp.document);
            }
            if let Some(c) = dp.claimed {
                head = format!(
                    "{head} · {} {}",
                    app.tr(Msg::DisputeClaimed),
                    c.show(app.lang)
                );
            }
            out.extend(wrapped(&head, w, if dp.late { th.warn } else { th.dim }));
            out.extend(wrapped(&dp.explanation, w, th.base));
            if let Some(o) = dp.outcome {
                out.push(Line::styled(
                    format!("{}: {}", app.tr(Msg::DisputeResponse), o.label(app.lang)),
                    th.header,
                ));
                out.extend(wrapped(&dp.response, w, th.base));
            }
        }
        if let Some(c) = &a.council {
            out.push(heading(Msg::Council));
            out.extend(wrapped(&c.reason, w, th.dim));
            if let Some(d) = &c.decision {
                let mut head = format!("{}: {}", app.tr(Msg::CouncilScore), d.score.show(app.lang));
                if !d.minutes.is_empty() {
                    head = format!("{head} · {}", d.minutes);
                }
                out.push(Line::styled(head, th.header));
                out.extend(wrapped(&d.text, w, th.base));
            }
        }
    }
    // Last year's decision on the same criterion text: a reference, never this year's decision.
    for r in app.references.get(&app.model.ctx, &key.unit, &key.leaf) {
        let (head, quote, tail) = reference_parts(app.lang, &r, &key.leaf);
        let mut pieces = vec![(head, th.dim)];
        if let Some(q) = quote {
            pieces.push((format!("«{q}»"), th.base));
        }
        pieces.push((tail, th.dim));
        out.extend(wrap_spans(pieces, w, ""));
    }
    if let Some(sa) = item.and_then(|it| it.self_assessment.as_ref()) {
        if !sa.note.is_empty() {
            out.push(heading(Msg::UnitNote));
            out.extend(wrapped(&sa.note, w, th.base));
        }
        out.push(heading(Msg::Evidence));
        if sa.evidence.is_empty() {
            out.push(Line::styled(
                format!("  {}", app.tr(Msg::NoEvidence)),
                th.dim,
            ));
        }
        for e in &sa.evidence {
            let s = format!("• {}", domain::story::labels::evidence_line(e));
            out.extend(
                text::wrap(&text::escape_line(&s), w.saturating_sub(2))
                    .into_iter()
                    .enumerate()
                    .map(|(k, l)| Line::styled(if k == 0 { l } else { format!("  {l}") }, th.base)),
            );
        }
    }
    if !n.guidance.is_empty() {
        out.push(heading(Msg::Guidance));
        out.extend(wrapped(&n.guidance, w, th.dim));
    }
    let last = item
        .and_then(|i| i.last.as_ref())
        .map(|t| i18n::changed_by(app.lang, &t.actor, &fmt_time(t.at)))
        .unwrap_or_else(|| app.tr(Msg::NeverChanged).to_string());
    out.extend(flow(
        vec![
            Span::styled(format!("{}: ", app.tr(Msg::LastChange)), th.header),
            Span::styled(last, th.dim),
        ],
        w,
    ));
    out
}

/// Styled pieces wrapped to `w` columns (text is escaped on the way).
fn flow(spans: Vec<Span<'static>>, w: usize) -> Vec<Line<'static>> {
    wrap_spans(
        spans
            .into_iter()
            .map(|s| (s.content.into_owned(), s.style))
            .collect(),
        w,
        "",
    )
}
