//! Areas compared (SPEC W3): each area's self and proposed subtotals side by side with bars.
//! Self and proposed bars use different characters, so they read without colour.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::App;
use crate::i18n::Msg;
use crate::screens::bench::BenchState;
use crate::text;
use crate::widgets::cell;
use domain::Points;

/// A bar of `w` cells filled in proportion to `value / max`, rounded to the nearest cell.
pub fn bar(value: Points, max: Points, w: usize, fill: char, empty: char) -> String {
    let filled = if max.hundredths() <= 0 {
        0
    } else {
        let v = value.hundredths().clamp(0, max.hundredths()) as i128;
        ((v * w as i128 * 2 + max.hundredths() as i128) / (max.hundredths() as i128 * 2)) as usize
    };
    let mut s: String = std::iter::repeat_n(fill, filled.min(w)).collect();
    s.extend(std::iter::repeat_n(empty, w - filled.min(w)));
    s
}

pub fn render(app: &App, f: &mut Frame, r: Rect, b: &BenchState) {
    let lines = lines(app, b.unit_idx, Some(b.area_cursor), r.width as usize);
    f.render_widget(Paragraph::new(lines), r);
}

/// The comparison for a unit in `w` columns: a legend line, then per area two lines (the name
/// beside the self bar, the proposed bar under it) — or, narrower than 60 columns, three (the
/// name on a line of its own). `selected` is the highlighted area (its position among areas).
pub fn lines(app: &App, unit_idx: usize, selected: Option<usize>, w: usize) -> Vec<Line<'static>> {
    let th = &app.theme;
    let fw = app.model.fw();
    let data = app.model.unit_at(unit_idx);
    let narrow = w < 60;
    let label_w = text::width(app.tr(Msg::ColSelf)).max(text::width(app.tr(Msg::ColProposed)));
    let nums_w = 15;
    let name_w = if narrow { 0 } else { (w / 3).clamp(20, 40) };
    let indent = if narrow { 2 } else { name_w + 2 };
    let bar_w = w.saturating_sub(indent + label_w + nums_w + 2).max(6);
    // Narrow, the legend goes without the title (the pane around it says what it is).
    let title = if narrow {
        String::from(" ")
    } else {
        format!(" {}  ", app.tr(Msg::AreaCompare))
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(title, th.header),
        Span::styled(
            format!("{} {}  ", th.marks.bar_self, app.tr(Msg::ColSelf)),
            th.bar_self,
        ),
        Span::styled(
            format!("{} {}  ", th.marks.bar_full, app.tr(Msg::ColProposed)),
            th.bar_proposed,
        ),
        Span::styled(format!("({})", app.tr(Msg::AreaCompareHint)), th.dim),
    ])];
    for (k, (i, n)) in fw
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.parent.is_none())
        .enumerate()
    {
        let sub = data.scores.nodes[i];
        let d = sub.proposed - sub.self_;
        let is_selected = selected == Some(k);
        let sel = |s: Style| if is_selected { s.patch(th.selected) } else { s };
        let name = format!("{} {}", n.code, text::escape_line(&n.name));
        let lead = if narrow {
            lines.push(Line::from(Span::styled(
                format!(" {}", cell(&name, w.saturating_sub(1), false)),
                sel(th.area),
            )));
            (" ".repeat(indent), " ".repeat(indent))
        } else {
            (
                format!(" {} ", cell(&name, name_w, false)),
                format!(" {} ", cell("", name_w, false)),
            )
        };
        lines.push(Line::from(vec![
            Span::styled(lead.0, sel(if narrow { th.base } else { th.area })),
            Span::styled(
                format!("{} ", cell(app.tr(Msg::ColSelf), label_w, false)),
                th.dim,
            ),
            Span::styled(
                bar(
                    sub.self_,
                    n.max,
                    bar_w,
                    th.marks.bar_self,
                    th.marks.bar_empty,
                ),
                th.bar_self,
            ),
            Span::styled(
                format!(
                    " {} / {}",
                    cell(&sub.self_.show(app.lang), 6, true),
                    n.max.show(app.lang)
                ),
                th.base,
            ),
        ]));
        let mut second = vec![
            Span::styled(lead.1, sel(th.base)),
            Span::styled(
                format!("{} ", cell(app.tr(Msg::ColProposed), label_w, false)),
                th.dim,
            ),
            Span::styled(
                bar(
                    sub.proposed,
                    n.max,
                    bar_w,
                    th.marks.bar_full,
                    th.marks.bar_empty,
                ),
                th.bar_proposed,
            ),
            Span::styled(
                format!(" {}", cell(&sub.proposed.show(app.lang), 6, true)),
                th.total,
            ),
        ];
        if !d.is_zero() {
            second.push(Span::styled(
                format!(" {}", d.show_signed(app.lang)),
                th.delta_style(d.hundredths()),
            ));
        }
        lines.push(Line::from(second));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_proportional() {
        let p = |h| Points::from_hundredths(h);
        assert_eq!(bar(p(500), p(1000), 10, '#', '.'), "#####.....");
        assert_eq!(bar(p(1000), p(1000), 4, '#', '.'), "####");
        assert_eq!(bar(p(0), p(1000), 4, '#', '.'), "....");
        assert_eq!(bar(p(2000), p(1000), 4, '#', '.'), "####");
        assert_eq!(bar(p(100), p(0), 3, '#', '.'), "...");
    }
}
