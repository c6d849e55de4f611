//! The national ranking (SPEC W10): every unit ranked by proposed and by self index with the
//! change between them (↑/↓ and a sign, so it reads without colour), its totals, index and
//! group; under it the regional and national averages and the tie rule; and the selected
//! unit's areas as bars — beside the table on a wide screen, in its place on a narrow one (`b`).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout as Split, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::app::App;
use crate::i18n::{self, Msg};
use crate::screens::bench::areas;
use crate::screens::ranking::{RankSort, RankingState};
use crate::text;
use crate::views::bars;
use crate::views::layout::{self, Frame as Bands};
use crate::widgets::{cell, region_abbr, region_name, wrap_spans};
use domain::number;

/// From this body width and height the bars sit beside the table.
const BESIDE_MIN_HEIGHT: u16 = 20;

/// Where the parts of the ranking screen go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Parts {
    /// The table (its header row included); empty when the bars replace it.
    pub table: Rect,
    /// The selected unit's bars, if shown.
    pub bars: Option<Rect>,
    /// Averages and the tie rule.
    pub footer: Rect,
}

/// Is the screen wide enough for the bars beside the table?
fn beside(body: Rect) -> bool {
    body.width >= layout::SIDE_BY_SIDE && body.height >= BESIDE_MIN_HEIGHT
}

pub fn parts(app: &App, body: Rect) -> Parts {
    let rs = &app.ranking;
    let wide = beside(body);
    let show_bars = wide != rs.bars_toggled;
    if show_bars && !wide {
        return Parts {
            table: Rect { height: 0, ..body },
            bars: Some(body),
            footer: Rect { height: 0, ..body },
        };
    }
    let footer_h =
        (footer_lines(app, body.width as usize).len() as u16).min(body.height.saturating_sub(4));
    let [main, footer] =
        Split::vertical([Constraint::Min(3), Constraint::Length(footer_h)]).areas(body);
    if show_bars {
        // The table keeps 76 columns (names of up to 17) before the pane grows past 44.
        let pane_w = main.width.saturating_sub(76).clamp(44, 64);
        let [table, pane] =
            Split::horizontal([Constraint::Min(60), Constraint::Length(pane_w)]).areas(main);
        Parts {
            table,
            bars: Some(pane),
            footer,
        }
    } else {
        Parts {
            table: main,
            bars: None,
            footer,
        }
    }
}

/// Rows of units the table shows at once.
pub fn table_rows(app: &App, body: Rect) -> usize {
    parts(app, body).table.height.saturating_sub(1) as usize
}

pub fn render(app: &App, f: &mut Frame, fr: &Bands) {
    let rs = &app.ranking;
    let m = &app.model;
    let title = format!(
        "{} · {} {} · {}",
        app.tr(Msg::RankingTitle),
        app.tr(Msg::Year),
        m.year,
        i18n::units_count(app.lang, rs.rows.len(), m.unit_count())
    );
    bars::title(app, f, fr.title, title);
    sub_bar(app, f, fr.sub);
    let p = parts(app, fr.body);
    if p.table.height > 0 {
        table(app, f, p.table);
    }
    if let Some(r) = p.bars {
        unit_bars(app, f, r, p.table.height > 0);
    }
    if p.footer.height > 0 {
        let lines = footer_lines(app, p.footer.width as usize);
        f.render_widget(Paragraph::new(lines), p.footer);
    }
}

/// One column: header, width, right-aligned.
struct Col {
    title: &'static str,
    width: usize,
    right: bool,
}

/// Columns for a table `width` wide; the region is a code unless there is room for names.
fn columns(app: &App, width: u16) -> (Vec<Col>, bool) {
    let tr = |m| app.tr(m);
    let col = |title, width, right| Col {
        title,
        width,
        right,
    };
    let region_codes = app
        .model
        .unit_set()
        .regions
        .iter()
        .map(|r| text::width(&r.abbr()))
        .max()
        .unwrap_or(4);
    let long_regions = width >= layout::WIDE;
    let mut cols = vec![
        col(tr(Msg::ColRankProposed), 3, true),
        col(tr(Msg::ColRankSelf), 3, true),
        col(tr(Msg::ColChange), 4, false),
        col(tr(Msg::ColCode), 3, false),
        col(tr(Msg::ColUnit), 0, false),
        col(
            tr(Msg::ColRegion),
            if long_regions { 0 } else { region_codes },
            false,
        ),
        col(tr(Msg::ColSelf), 6, true),
        col(tr(Msg::ColProposed), 6, true),
        col(tr(Msg::ColIndex), 6, true),
        col(tr(Msg::Group), 5, false),
    ];
    for c in cols.iter_mut().filter(|c| c.width > 0) {
        c.width = c.width.max(text::width(c.title));
    }
    let fixed: usize = cols.iter().map(|c| c.width).sum::<usize>() + cols.len();
    let rest = (width as usize).saturating_sub(fixed + 1);
    if long_regions {
        // Names and regions as wide as the longest of each when there is room; what is left
        // stays at the right end rather than padding a column.
        let set = app.model.unit_set();
        let longest_name = set
            .units
            .iter()
            .map(|u| text::width(&u.name))
            .max()
            .unwrap_or(10);
        let longest_region = set
            .regions
            .iter()
            .map(|r| text::width(&region_name(app, &r.code)))
            .max()
            .unwrap_or(region_codes);
        let name = longest_name.clamp(10, rest.saturating_sub(region_codes).max(10));
        cols[4].width = name;
        cols[5].width = rest
            .saturating_sub(name)
            .min(longest_region)
            .max(region_codes);
    } else {
        cols[4].width = rest.max(6);
    }
    (cols, long_regions)
}

/// "↑+2", "↓-3", "=": the direction is a character, so it reads without colour.
pub fn change_text(change: i64) -> String {
    match change.signum() {
        1 => format!("↑+{change}"),
        -1 => format!("↓{change}"),
        _ => "=".into(),
    }
}

/// "B", or "A→B" when the group by self index differs.
fn group_text(g: &domain::aggregate::Both<Option<String>>) -> String {
    let name = |g: &Option<String>| g.clone().unwrap_or_else(|| "—".into());
    if g.self_ == g.proposed {
        name(&g.proposed)
    } else {
        format!("{}→{}", name(&g.self_), name(&g.proposed))
    }
}

fn table(app: &App, f: &mut Frame, r: Rect) {
    let th = &app.theme;
    let rs = &app.ranking;
    let m = &app.model;
    let (cols, long_regions) = columns(app, r.width);
    let header: Vec<Span> = cols
        .iter()
        .map(|c| Span::styled(format!("{} ", cell(c.title, c.width, c.right)), th.header))
        .collect();
    let mut lines = vec![Line::from(header)];
    if rs.rows.is_empty() {
        lines.push(Line::styled(format!(" {}", app.tr(Msg::NoUnits)), th.dim));
    }
    let rows = r.height.saturating_sub(1) as usize;
    for (pos, &u) in rs.rows.iter().enumerate().skip(rs.offset).take(rows) {
        let unit = &m.unit_set().units[u];
        let d = m.unit_at(u);
        let region = if long_regions {
            region_name(app, &unit.region)
        } else {
            region_abbr(app, &unit.region)
        };
        let name = text::escape_line(&unit.name).into_owned();
        let code = text::escape_line(&unit.code).into_owned();
        let cells: Vec<(String, Style)> = if d.has_items() {
            let change = i64::from(d.rank.self_) - i64::from(d.rank.proposed);
            vec![
                (d.rank.proposed.to_string(), th.total),
                (d.rank.self_.to_string(), th.base),
                (change_text(change), th.delta_style(change)),
                (code, th.base),
                (name, th.base),
                (region, th.dim),
                (d.scores.total.self_.show(app.lang), th.base),
                (d.scores.total.proposed.show(app.lang), th.total),
                (
                    number::percent(d.scores.percent.proposed, app.lang),
                    th.base,
                ),
                (group_text(&d.group), th.base),
            ]
        } else {
            let dash = || ("—".to_string(), th.dim);
            vec![
                dash(),
                dash(),
                (String::new(), th.dim),
                (code, th.dim),
                (name, th.dim),
                (region, th.dim),
                dash(),
                dash(),
                dash(),
                dash(),
            ]
        };
        let selected = pos == rs.cursor;
        lines.push(crate::widgets::table_row(
            cells,
            cols.iter().map(|c| (c.width, c.right)),
            selected,
            th,
        ));
    }
    f.render_widget(Paragraph::new(lines), r);
}

/// The selected unit's areas as bars: in a pane beside the table, or alone with a line saying
/// which unit and where it ranks.
fn unit_bars(app: &App, f: &mut Frame, r: Rect, in_pane: bool) {
    let th = &app.theme;
    let inner = if in_pane {
        f.render_widget(
            Block::default()
                .borders(Borders::LEFT)
                .border_style(th.border),
            r,
        );
        Rect {
            x: r.x + 2,
            width: r.width.saturating_sub(2),
            ..r
        }
    } else {
        r
    };
    let Some(u) = app.ranking.selected() else {
        return;
    };
    let unit = &app.model.unit_set().units[u];
    let d = app.model.unit_at(u);
    let w = inner.width as usize;
    // The unit on one line, where it stands on the next.
    let mut lines = wrap_spans(
        vec![(format!("{} {}", unit.code, unit.name), th.area)],
        w,
        "",
    );
    let mut pieces: Vec<(String, Style)> = Vec::new();
    if d.has_items() {
        let change = i64::from(d.rank.self_) - i64::from(d.rank.proposed);
        pieces.extend([
            (
                format!(
                    "{} {}→{} ",
                    app.tr(Msg::Rank),
                    d.rank.self_,
                    d.rank.proposed
                ),
                th.base,
            ),
            (change_text(change), th.delta_style(change)),
            (
                format!(
                    " · {}→{} · {} {}",
                    d.scores.total.self_.show(app.lang),
                    d.scores.total.proposed.show(app.lang),
                    app.tr(Msg::Group),
                    group_text(&d.group)
                ),
                th.base,
            ),
        ]);
    } else {
        pieces.push((app.tr(Msg::NoDataYet).to_string(), th.dim));
    }
    lines.extend(wrap_spans(pieces, w, ""));
    lines.extend(areas::lines(app, u, None, w));
    f.render_widget(Paragraph::new(lines), inner);
}

/// The averages (regions in file order, then the nation) and the tie rule, wrapped to `w`.
/// Region names when they fit in two lines, else their codes.
pub fn footer_lines(app: &App, w: usize) -> Vec<Line<'static>> {
    let th = &app.theme;
    let rs: &RankingState = &app.ranking;
    let entries = |long: bool| -> Vec<(String, Style)> {
        let mut v = vec![(format!("{}: ", app.tr(Msg::Averages)), th.header)];
        let n = rs.averages.len();
        for (k, a) in rs.averages.iter().enumerate() {
            let name = if a.region.is_empty() {
                app.tr(Msg::National).to_string()
            } else if long {
                region_name(app, &a.region)
            } else {
                region_abbr(app, &a.region)
            };
            let value = if a.units == 0 {
                "—".to_string()
            } else {
                format!(
                    "{}→{}",
                    number::hundredths(a.percent.self_, app.lang),
                    number::hundredths(a.percent.proposed, app.lang)
                )
            };
            let strong = a.region.is_empty() || rs.region.as_deref() == Some(a.region.as_str());
            let style = if strong { th.total } else { th.base };
            // A no-break space keeps a name with its numbers when the line wraps.
            v.push((format!("{name}\u{a0}{value}"), style));
            if k + 1 < n {
                v.push((" · ".into(), th.dim));
            }
        }
        v
    };
    let mut lines = wrap_spans(entries(true), w, "");
    if lines.len() > 2 {
        lines = wrap_spans(entries(false), w, "");
    }
    lines.extend(wrap_spans(
        vec![(app.tr(Msg::TieRule).to_string(), th.dim)],
        w,
        "",
    ));
    lines
}

fn sort_name(app: &App, k: RankSort) -> &'static str {
    app.tr(match k {
        RankSort::Proposed => Msg::SortRank,
        RankSort::SelfRank => Msg::SortRankSelf,
        RankSort::Change => Msg::SortChange,
        RankSort::Region => Msg::SortRegion,
    })
}

fn sub_bar(app: &App, f: &mut Frame, r: Rect) {
    let th = &app.theme;
    let rs = &app.ranking;
    let region = rs
        .region
        .as_ref()
        .map(|c| region_name(app, c))
        .unwrap_or_else(|| app.tr(Msg::AllRegions).to_string());
    let arrow = if rs.reverse { " ↑" } else { "" };
    let left = vec![
        Span::styled(format!(" {}: ", app.tr(Msg::SortBy)), th.dim),
        Span::styled(format!("{}{arrow}", sort_name(app, rs.sort)), th.base),
        Span::styled(format!(" · {}: ", app.tr(Msg::FilterRegion)), th.dim),
        Span::styled(region, th.base),
    ];
    let right = vec![Span::styled(
        format!("{} ", app.tr(Msg::RankColumns)),
        th.dim,
    )];
    bars::split_bar(f, r, left, right, th.base);
}

#[cfg(test)]
mod tests {
    use super::change_text;

    #[test]
    fn change_has_a_direction_and_a_sign() {
        assert_eq!(change_text(3), "↑+3");
        assert_eq!(change_text(-12), "↓-12");
        assert_eq!(change_text(0), "=");
    }
}
