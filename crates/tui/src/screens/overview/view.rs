//! The units overview (SPEC W1): one row per unit, sortable and filterable, with the national
//! rank by self → by proposed.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::App;
use crate::i18n::{self, Msg};
use crate::screens::overview::{SortKey, StatusFilter};
use crate::text;
use crate::views::bars;
use crate::views::layout::Frame as Bands;
use crate::widgets::{cell, delta};

/// One column: header, width, right-aligned.
struct Col {
    title: &'static str,
    width: usize,
    right: bool,
}

/// What the overview shows at a width: the columns, and which optional forms fitted.
struct Shape {
    cols: Vec<Col>,
    /// The region column: `Some(true)` full names, `Some(false)` abbreviations ("ĐBSCL").
    region: Option<bool>,
    group: bool,
    long_status: bool,
}

/// The columns for a width, sized by their content (SPEC W12): every fixed column as wide as
/// its widest value or its short header; the unit's name as wide as the longest name; then,
/// while room is left, in this order: the region (abbreviated), the group, the region in
/// full, the long headers. Whatever is left after that widens the last text column (region or name).
fn shape(app: &App, width: u16) -> Shape {
    let m = &app.model;
    let tr = |m| app.tr(m);
    let hw = |m| text::width(app.tr(m));
    let units = &m.unit_set().units;
    let n = m.unit_count();
    let (mut code_w, mut name_w, mut abbr_w, mut region_w, mut group_w) = (0, 0, 0, 0, 0);
    let (mut self_w, mut prop_w, mut delta_w, mut prog_w, mut adj_w, mut disp_w) =
        (0, 0, 0, 0, 0, 0);
    for (i, u) in units.iter().enumerate().take(n) {
        let d = m.unit_at(i);
        let s = &d.scores;
        code_w = code_w.max(text::width(&u.code));
        // Room for " ◂an" after a unit someone else is on, and " @binh" after an assigned one.
        let others = app.others_on_unit(&u.code);
        let tag = if others.is_empty() {
            0
        } else {
            2 + others.iter().map(|o| text::width(o) + 1).sum::<usize>()
        } + assigned_tag(app, &u.code).map_or(0, |t| text::width(&t));
        name_w = name_w.max(text::width(&u.name) + tag);
        abbr_w = abbr_w.max(text::width(&crate::widgets::region_abbr(app, &u.region)));
        region_w = region_w.max(text::width(&crate::widgets::region_name(app, &u.region)));
        group_w = group_w.max(d.group.proposed.as_deref().map_or(1, text::width));
        self_w = self_w.max(text::width(&s.total.self_.show(app.lang)));
        prop_w = prop_w.max(text::width(&s.total.proposed.show(app.lang)));
        delta_w = delta_w.max(text::width(&delta(
            s.total.proposed - s.total.self_,
            app.lang,
        )));
        prog_w = prog_w.max(text::width(&format!("{}/{}", s.reviewed, s.leaves)));
        adj_w = adj_w.max(count(s.adjusted).len());
        disp_w = disp_w.max(count(s.open_disputes).len());
    }
    let status_w = [
        Msg::UnitNotStarted,
        Msg::UnitOpen,
        Msg::UnitReviewed,
        Msg::UnitFinalized,
    ]
    .iter()
    .map(|&s| hw(s))
    .max()
    .unwrap_or(8)
    .max(hw(Msg::UnitFinalized) + 1 + text::width(app.theme.marks.finalized));
    // "12→15": two ranks as wide as the number of units.
    let digits = n.max(1).to_string().len();
    let col = |title: Msg, w: usize, right: bool| Col {
        title: tr(title),
        width: w.max(hw(title)),
        right,
    };
    let mut cols = vec![
        col(Msg::ColCode, code_w, false),
        // Sized below, from what is left.
        Col {
            title: tr(Msg::ColUnit),
            width: 0,
            right: false,
        },
        col(Msg::ColSelf, self_w, true),
        col(Msg::ColProposed, prop_w, true),
        col(Msg::ColDelta, delta_w, true),
        col(Msg::ColProgress, prog_w, true),
        col(Msg::ColAdjustedShort, adj_w, true),
        col(Msg::ColDisputesShort, disp_w, true),
        col(Msg::ColStatusShort, status_w, false),
        col(Msg::ColRank, 2 * digits + 1, true),
    ];
    const NAME: usize = 1;
    let used = |cols: &[Col]| cols.iter().map(|c| c.width + 1).sum::<usize>();
    let total = width as usize;
    let name_min = hw(Msg::ColUnit).max(10);
    let mut spare = total.saturating_sub(used(&cols) + name_min);
    let name_extra = name_w.saturating_sub(name_min).min(spare);
    cols[NAME].width = name_min + name_extra;
    spare -= name_extra;
    let mut shape = Shape {
        cols,
        region: None,
        group: false,
        long_status: false,
    };
    // The region, abbreviated.
    let abbr = abbr_w.max(hw(Msg::ColRegion)) + 1;
    if name_extra == name_w.saturating_sub(name_min) && abbr <= spare {
        spare -= abbr;
        shape.region = Some(false);
        shape.cols.insert(2, col(Msg::ColRegion, abbr_w, false));
    }
    // The group, after the rank.
    let gw = group_w.max(hw(Msg::Group)) + 1;
    if shape.region.is_some() && gw <= spare {
        spare -= gw;
        shape.group = true;
        shape.cols.push(col(Msg::Group, group_w, true));
    }
    // The region's full names.
    if shape.region.is_some() {
        let more = region_w.max(hw(Msg::ColRegion)) - shape.cols[2].width;
        if more <= spare {
            spare -= more;
            shape.cols[2].width += more;
            shape.region = Some(true);
        }
    }
    // Long headers where they fit.
    for (short, long) in [
        (Msg::ColAdjustedShort, Msg::ColAdjusted),
        (Msg::ColDisputesShort, Msg::ColDisputes),
        (Msg::ColStatusShort, Msg::ColStatus),
    ] {
        if let Some(c) = shape.cols.iter_mut().find(|c| c.title == tr(short)) {
            let extra = hw(long).saturating_sub(c.width);
            if extra <= spare {
                spare -= extra;
                c.width += extra;
                c.title = tr(long);
                if long == Msg::ColStatus {
                    shape.long_status = true;
                }
            }
        }
    }
    // The rest widens the last text column, so the line is filled.
    let last_text = if shape.region.is_some() { 2 } else { NAME };
    shape.cols[last_text].width += spare;
    shape
}

pub fn render(app: &App, f: &mut Frame, fr: &Bands) {
    let th = &app.theme;
    let ov = &app.overview;
    let m = &app.model;
    // An approved year says so: its scores are locked (SPEC D8).
    let official = m
        .official
        .as_ref()
        .map(|o| format!(" · {}", o.badge(app.lang)))
        .unwrap_or_default();
    let title = format!(
        "{} · {} {}{official} · {}",
        app.tr(Msg::AppName),
        app.tr(Msg::Year),
        m.year,
        i18n::units_count(app.lang, ov.rows.len(), m.unit_count())
    );
    bars::title(app, f, fr.title, title);
    sub_bar(app, f, fr.sub);

    let body = fr.body;
    let Shape {
        cols,
        region: region_form,
        group,
        long_status,
    } = shape(app, body.width);
    let header: Vec<Span> = cols
        .iter()
        .map(|c| Span::styled(format!("{} ", cell(c.title, c.width, c.right)), th.header))
        .collect();
    let mut lines = vec![Line::from(header)];
    let rows = body.height.saturating_sub(1) as usize;
    if ov.rows.is_empty() {
        lines.push(Line::styled(format!(" {}", app.tr(Msg::NoUnits)), th.dim));
    }
    let digits = m.unit_count().max(1).to_string().len();
    for (pos, &u) in ov.rows.iter().enumerate().skip(ov.offset).take(rows) {
        let unit = &m.unit_set().units[u];
        let d = m.unit_at(u);
        let s = &d.scores;
        let dlt = s.total.proposed - s.total.self_;
        let status = if d.state.finalized.is_some() && long_status {
            format!("{} {}", th.marks.finalized, app.tr(Msg::UnitFinalized))
        } else if d.state.finalized.is_some() {
            app.tr(Msg::UnitFinalized).to_string()
        } else if s.reviewed == 0 {
            app.tr(Msg::UnitNotStarted).to_string()
        } else if s.reviewed == s.leaves {
            app.tr(Msg::UnitReviewed).to_string()
        } else {
            app.tr(Msg::UnitOpen).to_string()
        };
        let any = d.has_items();
        // The arrows in one column: " 5→3 " and "11→10".
        let rank = if any {
            format!("{:>digits$}→{:<digits$}", d.rank.self_, d.rank.proposed)
        } else {
            "—".to_string()
        };
        let total = |p: domain::Points| {
            if any {
                p.show(app.lang)
            } else {
                "—".to_string()
            }
        };
        // Someone else on this unit: their name after the unit's (SPEC W11).
        let others = app.others_on_unit(&unit.code);
        let mut name = if others.is_empty() {
            text::escape_line(&unit.name).into_owned()
        } else {
            format!(
                "{} ◂{}",
                text::escape_line(&unit.name),
                text::escape_line(&others.join(","))
            )
        };
        // Who the unit (or an area of it) is assigned to (SPEC S6).
        if let Some(t) = assigned_tag(app, &unit.code) {
            name.push_str(&t);
        }
        let mut cells: Vec<(String, Style)> = vec![(unit.code.clone(), th.base), (name, th.base)];
        match region_form {
            Some(true) => cells.push((crate::widgets::region_name(app, &unit.region), th.dim)),
            Some(false) => cells.push((crate::widgets::region_abbr(app, &unit.region), th.dim)),
            None => {}
        }
        cells.extend([
            (total(s.total.self_), if any { th.base } else { th.dim }),
            (total(s.total.proposed), if any { th.base } else { th.dim }),
            (delta(dlt, app.lang), th.delta_style(dlt.hundredths())),
            (
                format!("{}/{}", s.reviewed, s.leaves),
                if s.reviewed == s.leaves {
                    th.ok
                } else {
                    th.base
                },
            ),
            (count(s.adjusted), th.base),
            (
                count(s.open_disputes),
                if s.open_disputes > 0 {
                    th.warn
                } else {
                    th.base
                },
            ),
            (
                status,
                if d.state.finalized.is_some() {
                    th.ok
                } else {
                    th.dim
                },
            ),
            (rank, th.base),
        ]);
        if group {
            cells.push((
                d.group.proposed.clone().unwrap_or_else(|| "—".into()),
                th.base,
            ));
        }
        let selected = pos == ov.cursor;
        lines.push(crate::widgets::table_row(
            cells,
            cols.iter().map(|c| (c.width, c.right)),
            selected,
            th,
        ));
    }
    f.render_widget(Paragraph::new(lines), body);
}

/// " @an" (or " @an,binh" when areas of the unit are someone else's) after an assigned unit's
/// name; `None` for a unit nobody is assigned.
fn assigned_tag(app: &App, unit: &str) -> Option<String> {
    let mut users: Vec<&str> = Vec::new();
    for a in app.model.assignments.list.iter().filter(|a| a.unit == unit) {
        if !users.contains(&a.user.as_str()) {
            users.push(&a.user);
        }
    }
    (!users.is_empty()).then(|| format!(" @{}", text::escape_line(&users.join(","))))
}

fn count(n: usize) -> String {
    if n == 0 { String::new() } else { n.to_string() }
}

fn sort_name(app: &App, k: SortKey) -> &'static str {
    app.tr(match k {
        SortKey::Rank => Msg::SortRank,
        SortKey::Code => Msg::SortCode,
        SortKey::Name => Msg::SortName,
        SortKey::SelfTotal => Msg::SortSelf,
        SortKey::Proposed => Msg::SortProposed,
        SortKey::Delta => Msg::SortDelta,
        SortKey::Progress => Msg::SortProgress,
    })
}

fn sub_bar(app: &App, f: &mut Frame, r: Rect) {
    let th = &app.theme;
    let ov = &app.overview;
    let region = ov
        .region
        .as_ref()
        .map(|c| crate::widgets::region_name(app, c))
        .unwrap_or_else(|| app.tr(Msg::AllRegions).to_string());
    let status = app.tr(match ov.status {
        StatusFilter::All => Msg::FilterAll,
        StatusFilter::Unfinished => Msg::FilterUnfinished,
        StatusFilter::Disputes => Msg::FilterDisputes,
        StatusFilter::Finalized => Msg::FilterFinalized,
    });
    let arrow = if ov.reverse { " ↑" } else { "" };
    let left = |region: String| {
        let mut v = vec![
            Span::styled(format!(" {}: ", app.tr(Msg::SortBy)), th.dim),
            Span::styled(format!("{}{arrow}", sort_name(app, ov.sort)), th.base),
            Span::styled(format!(" · {}: ", app.tr(Msg::FilterRegion)), th.dim),
            Span::styled(region, th.base),
            Span::styled(format!(" · {}: ", app.tr(Msg::FilterStatus)), th.dim),
            Span::styled(status.to_string(), th.base),
        ];
        if ov.mine.is_some() {
            v.push(Span::styled(" · ".to_string(), th.dim));
            v.push(Span::styled(app.tr(Msg::FilterMine).to_string(), th.total));
        }
        v
    };
    let right = if ov.typeahead.is_empty() && !ov.jumping {
        // With a jump key (the vim preset's "/"), the hint names it.
        let text = match app.keymap.hint(
            crate::action::Context::Overview,
            crate::action::Action::JumpToUnit,
        ) {
            Some(k) if k.chars().count() == 1 => i18n::jump_with_key(app.lang, &k),
            _ => app.tr(Msg::TypeToJump).to_string(),
        };
        vec![Span::styled(format!("{text} "), th.dim)]
    } else {
        let style = if ov.typeahead_missed {
            th.error
        } else {
            th.input
        };
        let mut v = vec![
            Span::styled(format!("{}: ", app.tr(Msg::JumpTo)), th.header),
            Span::styled(format!("{}▏", ov.typeahead), style),
        ];
        if ov.typeahead_missed {
            v.push(Span::styled(
                format!(" {}", app.tr(Msg::NoUnitMatches)),
                th.error,
            ));
        }
        v.push(Span::raw(" "));
        v
    };
    // A region's name that does not fit is written as its abbreviation ("TDMNPB").
    let width = |v: &[Span]| v.iter().map(|s| text::width(&s.content)).sum::<usize>();
    let mut l = left(region);
    if let Some(c) = &ov.region
        && width(&l) + width(&right) + 1 > r.width as usize
    {
        l = left(crate::widgets::region_abbr(app, c));
    }
    bars::split_bar(f, r, l, right, th.base);
}
