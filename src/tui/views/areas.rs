//! Areas compared (SPEC W3): each area's self and proposed subtotals side by side with bars.
//! Self and proposed bars use different characters, so they read without colour.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::domain::Points;
use crate::tui::app::App;
use crate::tui::i18n::Msg;
use crate::tui::state::bench::BenchState;
use crate::tui::text;
use crate::tui::views::cell;

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
    let th = &app.theme;
    let fw = app.model.fw();
    let data = b.data(&app.model);
    let w = r.width as usize;
    let name_w = (w / 3).clamp(20, 40);
    let label_w = text::width(app.tr(Msg::ColSelf)).max(text::width(app.tr(Msg::ColProposed)));
    let nums_w = 15;
    let bar_w = w.saturating_sub(name_w + label_w + nums_w + 4).max(10);
    let mut lines = vec![Line::from(vec![
        Span::styled(format!(" {}  ", app.tr(Msg::AreaCompare)), th.header),
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
        let selected = k == b.area_cursor;
        let sel = |s: Style| if selected { s.patch(th.selected) } else { s };
        let name = format!("{} {}", n.code, text::escape_line(&n.name));
        lines.push(Line::from(vec![
            Span::styled(format!(" {} ", cell(&name, name_w, false)), sel(th.area)),
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
                format!(" {} / {}", cell(&sub.self_.to_string(), 6, true), n.max),
                th.base,
            ),
        ]));
        let mut second = vec![
            Span::styled(format!(" {} ", cell("", name_w, false)), sel(th.base)),
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
                format!(" {}", cell(&sub.proposed.to_string(), 6, true)),
                th.total,
            ),
        ];
        if !d.is_zero() {
            second.push(Span::styled(
                format!(" {}", d.signed()),
                th.delta_style(d.hundredths()),
            ));
        }
        lines.push(Line::from(second));
    }
    f.render_widget(Paragraph::new(lines), r);
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
