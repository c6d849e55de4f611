//! The unit workbench (SPEC W2, W3): the criteria tree as a table with subtotals, the unit
//! total always visible, and the detail pane beside or below.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::App;
use crate::i18n::{self, Msg};
use crate::screens::bench::BenchState;
use crate::screens::bench::{areas, detail};
use crate::text;
use crate::views::bars;
use crate::views::layout::{self, Frame as Bands};
use crate::widgets::{cell, delta, percent};
use domain::Method;

pub fn render(app: &App, f: &mut Frame, fr: &Bands) {
    let Some(b) = &app.bench else { return };
    title(app, f, fr.title, b.unit_idx);
    totals(app, f, fr.sub, b);
    if b.area_view {
        areas::render(app, f, fr.body, b);
        return;
    }
    let (table, pane, side) = layout::bench(fr.body, app.split);
    tree(app, f, table, b);
    detail::render(
        app,
        f,
        pane,
        side,
        b.unit_idx,
        b.selected(),
        b.detail_scroll,
        app.detail_focus,
    );
}

pub fn title(app: &App, f: &mut Frame, r: Rect, unit_idx: usize) {
    let m = &app.model;
    let u = &m.unit_set().units[unit_idx];
    let region = crate::widgets::region_name(app, &u.region);
    let t = format!(
        "{} {} · {} {} · {}",
        u.code,
        text::escape_line(&u.name),
        app.tr(Msg::Year),
        m.year,
        region
    );
    bars::title(app, f, r, t);
}

/// "Tự chấm 90,00 · Tổng đề xuất 89,50 (89,50%) · Nhóm B · Hạng 12 → 15"
pub fn totals(app: &App, f: &mut Frame, r: Rect, b: &BenchState) {
    let th = &app.theme;
    let d = app.model.unit_at(b.unit_idx);
    let s = &d.scores;
    let dlt = s.total.proposed - s.total.self_;
    let group = d.group.proposed.clone().unwrap_or_else(|| "—".to_string());
    let mut left = vec![
        Span::styled(format!(" {} ", app.tr(Msg::TotalSelf)), th.dim),
        Span::styled(s.total.self_.show(app.lang), th.base),
        Span::styled(" · ", th.dim),
        Span::styled(format!("{} ", app.tr(Msg::TotalProposed)), th.total),
        Span::styled(
            format!(
                "{} ({})",
                s.total.proposed.show(app.lang),
                percent(s.percent.proposed, app.lang)
            ),
            th.total,
        ),
    ];
    if !dlt.is_zero() {
        left.push(Span::styled(
            format!(" {}", dlt.show_signed(app.lang)),
            th.delta_style(dlt.hundredths()),
        ));
    }
    left.extend([
        Span::styled(format!(" · {} ", app.tr(Msg::Group)), th.dim),
        Span::styled(group, th.total),
        Span::styled(format!(" · {} ", app.tr(Msg::Rank)), th.dim),
        Span::styled(format!("{} → {}", d.rank.self_, d.rank.proposed), th.total),
    ]);
    let mut right = Vec::new();
    if d.state.finalized.is_some() {
        right.push(Span::styled(
            format!("{} {} ", th.marks.finalized, app.tr(Msg::UnitFinalized)),
            th.ok,
        ));
    }
    bars::split_bar(f, r, left, right, th.base);
}

/// The workbench's status line: how many differences, and whether only they are shown.
pub fn status(app: &App, b: &BenchState) -> Vec<Span<'static>> {
    let th = &app.theme;
    let n = b.difference_count(&app.model);
    let mut v = vec![Span::styled(
        format!(" {}", i18n::differences_count(app.lang, n)),
        th.dim,
    )];
    if b.diffs_only {
        v.push(Span::styled(
            format!(" · [{}]", app.tr(Msg::DiffsOnly)),
            th.warn,
        ));
    }
    let others = app.others_on_unit(&b.unit);
    if !others.is_empty() {
        v.push(Span::styled(
            format!(
                " · {}: {}",
                app.tr(Msg::AlsoHere),
                text::escape_line(&others.join(", "))
            ),
            th.warn,
        ));
    }
    v
}

fn tree(app: &App, f: &mut Frame, r: Rect, b: &BenchState) {
    let th = &app.theme;
    let fw = app.model.fw();
    let data = b.data(&app.model);
    let code_w = fw
        .nodes
        .iter()
        .map(|n| usize::from(n.depth) * 2 + 2 + text::width(&n.code))
        .max()
        .unwrap_or(8)
        .min(14);
    // Fixed columns: wide enough for their values and their header.
    let hw = |m: Msg, min: usize| text::width(app.tr(m)).max(min);
    let max_w = hw(Msg::ColMax, 6);
    let self_w = hw(Msg::ColSelf, 7);
    let prop_w = hw(Msg::ColProposed, 7);
    let delta_w = hw(Msg::ColDelta, 6);
    let mark_w = hw(Msg::ColMark, 2);
    let fixed = code_w + max_w + self_w + prop_w + delta_w + mark_w + 6;
    let name_w = (r.width as usize).saturating_sub(fixed).max(8);
    let header = format!(
        "{} {} {} {} {} {} {}",
        cell(app.tr(Msg::ColCode), code_w, false),
        cell(app.tr(Msg::ColCriterion), name_w, false),
        cell(app.tr(Msg::ColMax), max_w, true),
        cell(app.tr(Msg::ColSelf), self_w, true),
        cell(app.tr(Msg::ColProposed), prop_w, true),
        cell(app.tr(Msg::ColDelta), delta_w, true),
        cell(app.tr(Msg::ColMark), mark_w, false),
    );
    let mut lines = vec![Line::styled(header, th.header)];
    let rows = r.height.saturating_sub(1) as usize;
    if b.rows.is_empty() {
        lines.push(Line::styled(
            format!(" {}", app.tr(Msg::NoDifferences)),
            th.dim,
        ));
    }
    for (pos, &i) in b.rows.iter().enumerate().skip(b.offset).take(rows) {
        let n = &fw.nodes[i];
        let sub = data.scores.nodes[i];
        let selected = pos == b.cursor;
        let marker = if n.is_leaf() {
            th.marks.leaf
        } else if b.collapsed.contains(&i) {
            th.marks.collapsed
        } else {
            th.marks.expanded
        };
        let indent = " ".repeat(usize::from(n.depth) * 2);
        let code = format!("{indent}{marker} {}", n.code);
        let row_style = match n.depth {
            0 => th.area,
            _ if !n.is_leaf() => th.base,
            _ => th.base,
        };
        let item = data.items[i].as_ref();
        let (self_s, prop_s, prop_style, mark, mark_style) = if n.is_leaf() {
            let self_s = item
                .and_then(|it| it.self_score())
                .map_or_else(|| "—".to_string(), |p| p.show(app.lang));
            let decided =
                item.is_some_and(|it| it.appraisal.proposed.is_some() || it.survey.is_some());
            let prop_s = item
                .and_then(|it| it.proposed_score())
                .map_or_else(|| "—".to_string(), |p| p.show(app.lang));
            let key = domain::ItemKey::new(app.model.year, b.unit.clone(), n.code.clone());
            let (mark, ms) = if n.method == Method::Survey {
                (th.marks.survey, th.dim)
            } else if !app.others_editing(&key).is_empty() {
                // Someone else has this item open in their editor.
                (th.marks.editing, th.warn)
            } else {
                let st = item
                    .map(|it| it.status())
                    .unwrap_or(domain::Status::Pending);
                (th.status_mark(st), th.status_style(st))
            };
            // This user's unsaved draft: a second mark beside the status.
            let mark = if app.drafts.contains(&key) {
                format!("{mark}{}", th.marks.draft)
            } else {
                mark.to_string()
            };
            (
                self_s,
                prop_s,
                if decided { row_style } else { th.dim },
                mark,
                ms,
            )
        } else {
            (
                sub.self_.show(app.lang),
                sub.proposed.show(app.lang),
                row_style,
                String::new(),
                th.base,
            )
        };
        let d = sub.proposed - sub.self_;
        let mut spans = vec![
            Span::styled(format!("{} ", cell(&code, code_w, false)), row_style),
            Span::styled(
                format!("{} ", cell(&text::escape_line(&n.name), name_w, false)),
                row_style,
            ),
            Span::styled(
                format!("{} ", cell(&n.max.show(app.lang), max_w, true)),
                th.dim,
            ),
            Span::styled(format!("{} ", cell(&self_s, self_w, true)), row_style),
            Span::styled(format!("{} ", cell(&prop_s, prop_w, true)), prop_style),
            Span::styled(
                format!("{} ", cell(&delta(d, app.lang), delta_w, true)),
                th.delta_style(d.hundredths()),
            ),
            Span::styled(cell(&mark, mark_w, false), mark_style),
        ];
        if selected {
            let sel = if app.detail_focus {
                th.border_focus
            } else {
                th.selected
            };
            for s in &mut spans {
                s.style = s.style.patch(sel);
            }
        }
        let mut line = Line::from(spans);
        if selected && !app.detail_focus {
            line = line.style(th.selected);
        }
        lines.push(line);
    }
    f.render_widget(Paragraph::new(lines), r);
}
