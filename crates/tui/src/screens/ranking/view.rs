//! The national ranking (SPEC W10): every unit ranked by proposed and by self index with the
//! change between them (↑/↓ and a sign, so it reads without colour), its totals, index and
//! group; under it the regional and national averages and the tie rule; and the selected
//! unit's areas as bars — beside the table on a wide screen, in its place on a narrow one (`b`).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout as Split, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::action::{Action, Context};
use crate::app::App;
use crate::i18n::{self, Msg};
use crate::screens::bench::areas;
use crate::screens::ranking::{RankSort, RankingState, WhatIf};
use crate::text;
use crate::views::bars;
use crate::views::layout::{self, Frame as Bands};
use crate::widgets::{cell, region_abbr, region_name, wrap_spans};
use domain::{lineage, number};

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
    // An approved year's ranking is the official one (SPEC D8): the title says so.
    let official = m
        .official
        .as_ref()
        .map(|o| format!(" · {}", o.badge(app.lang)))
        .unwrap_or_default();
    let mut title = format!(
        "{} · {} {}{official} · {}",
        app.tr(Msg::RankingTitle),
        app.tr(Msg::Year),
        m.year,
        i18n::units_count(app.lang, rs.rows.len(), m.unit_count())
    );
    if let Some(w) = &rs.whatif {
        // The label comes first, so a narrow title never cuts it.
        title = format!(
            "{} · ×{} · {title}",
            app.tr(Msg::WhatIfBanner),
            w.weight.show(app.lang)
        );
    }
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

/// What a column of the table shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ColId {
    RankProposed,
    RankSelf,
    Change,
    Code,
    Name,
    Region,
    SelfTotal,
    ProposedTotal,
    Index,
    Group,
    /// Last year's index ("*": a combined reference).
    LastIndex,
    LastRank,
    /// Places gained since last year ("↑ 3 bậc").
    LastChange,
    /// What-if: the rank the weight gives, the places gained over the official rank, the
    /// difficult mark and the simulated index.
    SimRank,
    SimChange,
    Difficult,
    SimIndex,
}

impl ColId {
    /// Which columns go first when the table is too narrow (0: never). Columns of the same
    /// number go together: the self totals, then the self rank and its change, then the
    /// region, then last year's rank and index — the change since last year stays.
    fn drop_order(self) -> u8 {
        match self {
            ColId::SelfTotal | ColId::ProposedTotal => 1,
            ColId::RankSelf | ColId::Change => 2,
            ColId::Region => 3,
            ColId::LastRank => 4,
            ColId::LastIndex => 5,
            _ => 0,
        }
    }
}

/// One column: what it shows, its header, width, right-aligned.
struct Col {
    id: ColId,
    title: String,
    width: usize,
    right: bool,
}

/// Unit names are not cut shorter than this before columns are dropped.
const NAME_MIN: usize = 16;

/// Columns for a table `width` wide; the region is a code unless there is room for names.
/// With last year to compare with, its index, rank and the change are added; in the what-if
/// view the simulated rank, change and index take their place. The less important columns are
/// dropped when they do not all fit.
fn columns(app: &App, width: u16) -> (Vec<Col>, bool) {
    let tr = |m| app.tr(m).to_string();
    let col = |id, title: String, width, right| Col {
        id,
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
    let region = col(
        ColId::Region,
        tr(Msg::ColRegion),
        if long_regions { 0 } else { region_codes },
        false,
    );
    let mut cols = if app.ranking.whatif.is_some() {
        // The official rank and index beside the simulated ones.
        vec![
            col(ColId::RankProposed, tr(Msg::ColRankProposed), 3, true),
            col(ColId::SimRank, tr(Msg::ColSimRank), 3, true),
            col(ColId::SimChange, tr(Msg::ColSimChange), 4, false),
            col(ColId::Code, tr(Msg::ColCode), 3, false),
            col(ColId::Name, tr(Msg::ColUnit), 0, false),
            region,
            col(ColId::Difficult, tr(Msg::ColDifficult), 1, false),
            col(ColId::Index, tr(Msg::ColIndex), 6, true),
            col(ColId::SimIndex, tr(Msg::ColSimIndex), 6, true),
            col(ColId::Group, tr(Msg::Group), 5, false),
        ]
    } else {
        vec![
            col(ColId::RankProposed, tr(Msg::ColRankProposed), 3, true),
            col(ColId::RankSelf, tr(Msg::ColRankSelf), 3, true),
            col(ColId::Change, tr(Msg::ColChange), 4, false),
            col(ColId::Code, tr(Msg::ColCode), 3, false),
            col(ColId::Name, tr(Msg::ColUnit), 0, false),
            region,
            col(ColId::SelfTotal, tr(Msg::ColSelf), 6, true),
            col(ColId::ProposedTotal, tr(Msg::ColProposed), 6, true),
            col(ColId::Index, tr(Msg::ColIndex), 6, true),
            col(ColId::Group, tr(Msg::Group), 5, false),
        ]
    };
    if app.ranking.whatif.is_none()
        && let Some(last) = &app.ranking.last
    {
        let (index, rank, change) = last_year_widths(app);
        let y = last.year;
        cols.extend([
            col(
                ColId::LastIndex,
                last_title(app, Msg::ColIndex, y),
                index,
                true,
            ),
            col(
                ColId::LastRank,
                last_title(app, Msg::ColRank, y),
                rank,
                true,
            ),
            col(ColId::LastChange, format!("± {y}"), change, false),
        ]);
    }
    fit_columns(app, cols, width, long_regions, region_codes)
}

/// Drop the less important columns until the names have room, then size names and regions.
fn fit_columns(
    app: &App,
    mut cols: Vec<Col>,
    width: u16,
    long_regions: bool,
    region_codes: usize,
) -> (Vec<Col>, bool) {
    let fixed = |cols: &[Col]| -> usize {
        cols.iter()
            .map(|c| match c.id {
                ColId::Name => 0,
                ColId::Region if long_regions => region_codes,
                _ => c.width.max(text::width(&c.title)),
            })
            .sum::<usize>()
            + cols.len()
            + 1
    };
    let mut order = 1;
    while fixed(&cols) + NAME_MIN > width as usize && order <= 5 {
        cols.retain(|c| c.id.drop_order() != order);
        order += 1;
    }
    for c in cols.iter_mut().filter(|c| c.width > 0) {
        c.width = c.width.max(text::width(&c.title));
    }
    let fixed: usize = cols.iter().map(|c| c.width).sum::<usize>() + cols.len();
    let rest = (width as usize).saturating_sub(fixed + 1);
    let name_at = cols.iter().position(|c| c.id == ColId::Name);
    let region_at = cols.iter().position(|c| c.id == ColId::Region);
    match (long_regions, name_at, region_at) {
        (true, Some(n), Some(reg)) => {
            // Names and regions as wide as the longest of each when there is room; what is
            // left stays at the right end rather than padding a column.
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
            cols[n].width = name;
            cols[reg].width = rest
                .saturating_sub(name)
                .min(longest_region)
                .max(region_codes);
        }
        (_, Some(n), _) => cols[n].width = rest.max(6),
        _ => {}
    }
    (cols, long_regions && region_at.is_some())
}

/// "CS 2024", "H.2024": a column of last year.
fn last_title(app: &App, m: Msg, year: u16) -> String {
    match app.lang {
        l10n::Lang::Vi if m == Msg::ColIndex => format!("CS {year}"),
        l10n::Lang::Vi => format!("H.{year}"),
        l10n::Lang::En if m == Msg::ColIndex => format!("Idx {year}"),
        l10n::Lang::En => format!("#{year}"),
    }
}

/// The widest of last year's index, rank and change cells over every unit.
fn last_year_widths(app: &App) -> (usize, usize, usize) {
    let (mut a, mut b, mut c) = (1, 1, 1);
    for u in 0..app.model.unit_count() {
        let [i, r, ch] = last_year_cells(app, u);
        a = a.max(text::width(&i));
        b = b.max(text::width(&r));
        c = c.max(text::width(&ch));
    }
    (a, b, c)
}

/// Last year's index ("87,20*" for a combined reference), rank and the change since ("↑ 3
/// bậc"; nothing without a rank this year or last), "—" when there is no figure.
fn last_year_cells(app: &App, u: usize) -> [String; 3] {
    let dash = || "—".to_string();
    let code = &app.model.unit_set().units[u].code;
    let Some(ly) = app.ranking.last.as_ref().and_then(|l| l.get(code)) else {
        return [dash(), dash(), dash()];
    };
    let index = match ly.percent {
        Some(p) if ly.is_combined() => format!("{}*", number::hundredths(p, app.lang)),
        Some(p) => number::hundredths(p, app.lang),
        None => dash(),
    };
    let rank = ly.rank.map_or_else(dash, |r| r.to_string());
    let d = app.model.unit_at(u);
    let change = if d.has_items() {
        ly.change(d.rank.proposed)
            .map_or_else(dash, |c| lineage::places_text(c, app.lang))
    } else {
        dash()
    };
    [index, rank, change]
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
    let (cols, long_regions) = columns(app, r.width);
    let header: Vec<Span> = cols
        .iter()
        .map(|c| Span::styled(format!("{} ", cell(&c.title, c.width, c.right)), th.header))
        .collect();
    let mut lines = vec![Line::from(header)];
    if rs.rows.is_empty() {
        lines.push(Line::styled(format!(" {}", app.tr(Msg::NoUnits)), th.dim));
    }
    let rows = r.height.saturating_sub(1) as usize;
    for (pos, &u) in rs.rows.iter().enumerate().skip(rs.offset).take(rows) {
        let cells: Vec<(String, Style)> = cols
            .iter()
            .map(|c| cell_of(app, c.id, u, long_regions))
            .collect();
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

/// What unit `u` shows in a column: "—" where a unit without data has no figure.
fn cell_of(app: &App, id: ColId, u: usize, long_regions: bool) -> (String, Style) {
    let th = &app.theme;
    let unit = &app.model.unit_set().units[u];
    let d = app.model.unit_at(u);
    let scored = d.has_items();
    let dash = || ("—".to_string(), th.dim);
    let change = i64::from(d.rank.self_) - i64::from(d.rank.proposed);
    match id {
        ColId::Code => (
            text::escape_line(&unit.code).into_owned(),
            if scored { th.base } else { th.dim },
        ),
        ColId::Name => (
            text::escape_line(&unit.name).into_owned(),
            if scored { th.base } else { th.dim },
        ),
        ColId::Region if long_regions => (region_name(app, &unit.region), th.dim),
        ColId::Region => (region_abbr(app, &unit.region), th.dim),
        ColId::LastIndex | ColId::LastRank | ColId::LastChange => {
            let [index, rank, ch] = last_year_cells(app, u);
            match id {
                ColId::LastIndex => (index, th.dim),
                ColId::LastRank => (rank, th.dim),
                _ => {
                    let style = match app.ranking.last.as_ref().and_then(|l| l.get(&unit.code)) {
                        Some(ly) if scored => ly
                            .change(d.rank.proposed)
                            .map_or(th.dim, |c| th.delta_style(c)),
                        _ => th.dim,
                    };
                    (ch, style)
                }
            }
        }
        ColId::Difficult if unit.difficult => ("●".to_string(), th.base),
        ColId::Difficult => (String::new(), th.dim),
        ColId::SimChange if !scored => (String::new(), th.dim),
        ColId::SimRank | ColId::SimChange | ColId::SimIndex => {
            let Some(sim) = app.ranking.whatif.as_ref().and_then(|w| w.rows.get(&u)) else {
                return dash();
            };
            match id {
                ColId::SimRank => (sim.rank.to_string(), th.total),
                ColId::SimChange => (change_text(sim.change()), th.delta_style(sim.change())),
                _ => (number::percent(sim.percent, app.lang), th.total),
            }
        }
        ColId::Change if !scored => (String::new(), th.dim),
        _ if !scored => dash(),
        ColId::RankProposed => (d.rank.proposed.to_string(), th.total),
        ColId::RankSelf => (d.rank.self_.to_string(), th.base),
        ColId::Change => (change_text(change), th.delta_style(change)),
        ColId::SelfTotal => (d.scores.total.self_.show(app.lang), th.base),
        ColId::ProposedTotal => (d.scores.total.proposed.show(app.lang), th.total),
        ColId::Index => (
            number::percent(d.scores.percent.proposed, app.lang),
            th.base,
        ),
        ColId::Group => (group_text(&d.group), th.base),
    }
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
    let mut lines = match &rs.whatif {
        Some(wi) => whatif_lines(app, wi, w),
        None => group_count_lines(app, w),
    };
    let mut averages = wrap_spans(entries(true), w, "");
    if averages.len() > 2 {
        averages = wrap_spans(entries(false), w, "");
    }
    lines.extend(averages);
    lines.extend(combined_note(app, w));
    lines.extend(wrap_spans(
        vec![(app.tr(Msg::TieRule).to_string(), th.dim)],
        w,
        "",
    ));
    lines
}

/// What the what-if does, under the table: the rule, how many units it weights, that nothing is
/// recorded, and the key that turns it off.
fn whatif_lines(app: &App, wi: &WhatIf, w: usize) -> Vec<Line<'static>> {
    let th = &app.theme;
    let weight = wi.weight.show(app.lang);
    let n = WhatIf::difficult(&app.model);
    let key = app
        .keymap
        .hint(Context::Ranking, Action::WhatIf)
        .unwrap_or_else(|| "m".into());
    let text = match app.lang {
        l10n::Lang::Vi => format!(
            "{}: chỉ số đề xuất của {n} đơn vị khó khăn (KK ●, tệp đơn vị: difficult = true) × \
             {weight}, tối đa 100%; đơn vị khác giữ nguyên. Không ghi vào kho, không đổi báo cáo. \
             {key}: tắt mô phỏng.",
            app.tr(Msg::WhatIfBanner)
        ),
        l10n::Lang::En => format!(
            "{}: the proposed index of the {n} units in difficult conditions (Dif ●, units file: \
             difficult = true) × {weight}, at most 100%; other units unchanged. Nothing is \
             recorded, no report changes. {key}: turn the simulation off.",
            app.tr(Msg::WhatIfBanner)
        ),
    };
    wrap_spans(vec![(text, th.header)], w, "")
}

/// "Số đơn vị theo nhóm: A 0 · B 5 · C 0 · dưới 70,00%: 1" (by proposed index).
fn group_count_lines(app: &App, w: usize) -> Vec<Line<'static>> {
    let th = &app.theme;
    let floor = app
        .model
        .fw()
        .groups
        .last()
        .map(|g| g.min_percent)
        .unwrap_or_default();
    let mut v = vec![(format!("{}: ", app.tr(Msg::GroupCounts)), th.header)];
    let counts = app.ranking.group_counts(&app.model);
    let n = counts.len();
    for (k, (g, count)) in counts.into_iter().enumerate() {
        let text = if g.is_empty() {
            let under = app.lang.pick("dưới", "under");
            format!(
                "{under}\u{a0}{}:\u{a0}{count}",
                number::percent(floor, app.lang)
            )
        } else {
            format!("{g}\u{a0}{count}")
        };
        v.push((text, th.total));
        if k + 1 < n {
            v.push((" · ".into(), th.dim));
        }
    }
    wrap_spans(v, w, "")
}

/// Two lines under the averages when last year has combined references ("*"): the selected
/// unit's predecessors with their indices when its reference is combined, else what "*" means.
fn combined_note(app: &App, w: usize) -> Vec<Line<'static>> {
    let th = &app.theme;
    let Some(last) = &app.ranking.last else {
        return Vec::new();
    };
    if !last.units.values().any(|l| l.is_combined()) {
        return Vec::new();
    }
    let y = last.year;
    let selected = app.ranking.selected().and_then(|u| {
        let unit = &app.model.unit_set().units[u];
        last.get(&unit.code)
            .filter(|l| l.is_combined())
            .map(|l| (unit, l))
    });
    let pieces = match selected {
        Some((unit, ly)) => {
            let with: Vec<String> = ly
                .sources
                .iter()
                .filter_map(|(code, name, v)| {
                    let v = number::percent((*v)?, app.lang);
                    Some(format!("{} ({code})\u{a0}{v}", text::escape_line(name)))
                })
                .collect();
            let mut t = format!(
                "* {y} · {} ({}): {} {}",
                text::escape_line(&unit.name),
                text::escape_line(&unit.code),
                app.tr(Msg::CombinedOf),
                with.join(app.lang.pick(" và ", " and "))
            );
            let without: Vec<String> = ly
                .sources
                .iter()
                .filter(|s| s.2.is_none())
                .map(|(code, name, _)| format!("{} ({code})", text::escape_line(name)))
                .collect();
            if !without.is_empty() {
                t.push_str(&format!(
                    "; {}: {}",
                    app.lang.pick("không có số liệu", "no data"),
                    without.join(", ")
                ));
            }
            vec![(t, th.base)]
        }
        None => vec![(format!("* {y}: {}", app.tr(Msg::CombinedNote)), th.dim)],
    };
    let mut lines = wrap_spans(pieces, w, "");
    lines.truncate(2);
    while lines.len() < 2 {
        lines.push(Line::default());
    }
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
    let legend = if rs.whatif.is_some() {
        Msg::WhatIfColumns
    } else {
        Msg::RankColumns
    };
    let right = vec![Span::styled(format!("{} ", app.tr(legend)), th.dim)];
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
