//! The disputes and audit queue (SPEC W9): one row per item that needs attention across every
//! unit of the year, with counts per kind and the current explanation round above, and the
//! sort and filters on the first line of the body. Columns are dropped or shortened to fit 80
//! columns; the status line shows the selected row in full.

use jiff::civil::Date;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::App;
use crate::i18n::{self, Msg};
use crate::screens::queue::state::header_round;
use crate::screens::queue::{Flag, Kind, KindFilter, Row, SortKey};
use crate::text;
use crate::theme::Theme;
use crate::views::bars;
use crate::views::layout::Frame as Bands;
use crate::widgets::{cell, delta, pts, region_name};
use domain::round::format_date;
use domain::{Round, Status};

pub fn render(app: &App, f: &mut Frame, fr: &Bands) {
    let q = &app.queue;
    let total = q.total();
    let title = format!(
        "{} · {} {} · {}",
        app.tr(Msg::QueueTitle),
        app.tr(Msg::Year),
        app.model.year,
        i18n::queue_count(app.lang, q.rows.len(), total)
    );
    bars::title(app, f, fr.title, title);
    header(app, f, fr.sub);
    let body = fr.body;
    if body.height == 0 {
        return;
    }
    filters(app, f, Rect { height: 1, ..body });
    let table = Rect {
        y: body.y + 1,
        height: body.height - 1,
        ..body
    };
    rows(app, f, table);
}

/// The mark of a kind: the status marks where they mean the same, and the overdue mark.
pub fn kind_mark(th: &Theme, k: Kind) -> &'static str {
    match k {
        Kind::Disputed => th.marks.disputed,
        Kind::Escalated => th.marks.escalated,
        Kind::Overdue => th.marks.overdue,
        Kind::NeedsInfo => th.marks.needs_info,
        Kind::Adjusted => th.marks.adjusted,
    }
}

fn kind_style(th: &Theme, k: Kind) -> Style {
    match k {
        Kind::Disputed => th.status_style(Status::Disputed),
        Kind::Escalated => th.status_style(Status::Escalated),
        Kind::Overdue => th.warn,
        Kind::NeedsInfo => th.status_style(Status::NeedsInfo),
        Kind::Adjusted => th.status_style(Status::Adjusted),
    }
}

fn kind_name(app: &App, k: Kind) -> &'static str {
    app.tr(match k {
        Kind::Disputed => Msg::KindDisputed,
        Kind::Escalated => Msg::KindEscalated,
        Kind::Overdue => Msg::KindOverdue,
        Kind::NeedsInfo => Msg::KindNeedsInfo,
        Kind::Adjusted => Msg::KindAdjusted,
    })
}

/// "10/11–01/12/2026": the year once when both dates are in the same year.
fn period(r: &Round) -> String {
    if r.opens.year() == r.closes.year() {
        format!(
            "{:02}/{:02}–{}",
            r.opens.day(),
            r.opens.month(),
            format_date(r.closes)
        )
    } else {
        format!("{}–{}", format_date(r.opens), format_date(r.closes))
    }
}

/// The round line for the header, or that there is none.
pub fn round_text(app: &App, rounds: &[Round], today: Date) -> String {
    match header_round(rounds) {
        Some(r) => i18n::round_line(app.lang, r.number, &period(r), r.days_left(today), r.closed),
        None => app.tr(Msg::NoRound).to_string(),
    }
}

/// Counts per kind on the left ("! 12 giải trình · ⚑ 1 trình HĐ …", or just "!12 ⚑1 …" when
/// narrow), the current round on the right.
fn header(app: &App, f: &mut Frame, r: Rect) {
    let th = &app.theme;
    let q = &app.queue;
    let right_text = format!("{} ", round_text(app, &app.model.rounds, q.today));
    let right = vec![Span::styled(right_text.clone(), th.base)];
    let spans = |long: bool| -> Vec<Span<'static>> {
        let mut v = vec![Span::raw(" ")];
        for (i, k) in Kind::ALL.into_iter().enumerate() {
            if i > 0 {
                v.push(Span::styled(if long { " · " } else { " " }, th.dim));
            }
            let n = q.count(k);
            let style = if n > 0 && k.is_open() {
                kind_style(th, k)
            } else {
                th.base
            };
            v.push(Span::styled(kind_mark(th, k), style));
            let text = if long {
                format!(" {n} {}", kind_name(app, k))
            } else {
                n.to_string()
            };
            v.push(Span::styled(text, th.base));
        }
        v
    };
    let long = spans(true);
    let long_w: usize = long.iter().map(|s| text::width(&s.content)).sum();
    let left = if long_w + text::width(&right_text) < r.width as usize {
        long
    } else {
        spans(false)
    };
    bars::split_bar(f, r, left, right, th.base);
}

fn sort_name(app: &App, k: SortKey) -> &'static str {
    app.tr(match k {
        SortKey::Delta => Msg::SortAbsDelta,
        SortKey::Age => Msg::SortAge,
        SortKey::Area => Msg::SortArea,
        SortKey::Unit => Msg::SortUnit,
    })
}

/// "Sắp xếp: |Δ| lớn nhất · Loại: tất cả · Lĩnh vực: … · Vùng: … · Người TĐ: …"; when that
/// does not fit, the filters left at "all" are not named, and then areas and regions are
/// named by their codes.
fn filters(app: &App, f: &mut Frame, r: Rect) {
    let th = &app.theme;
    let q = &app.queue;
    let fw = app.model.fw();
    let kind = match q.kind {
        KindFilter::All => app.tr(Msg::FilterAll).to_string(),
        KindFilter::Open => app.tr(Msg::KindOpen).to_string(),
        KindFilter::Only(k) => format!("{} {}", kind_mark(th, k), kind_name(app, k)),
    };
    let area = |short: bool| {
        q.area.map(|a| {
            let n = &fw.nodes[a];
            let name = match app.lang {
                l10n::Lang::Vi => n.name.as_str(),
                l10n::Lang::En => n.name_en.as_deref().unwrap_or(&n.name),
            };
            if short {
                n.code.clone()
            } else {
                format!("{} {}", n.code, text::escape_line(name))
            }
        })
    };
    let region = |short: bool| {
        q.region.as_ref().map(|c| {
            if short {
                crate::widgets::region_abbr(app, c)
            } else {
                region_name(app, c)
            }
        })
    };
    let who = q
        .appraiser
        .as_ref()
        .map(|a| text::escape_line(a).into_owned());
    let arrow = if q.reverse { " ↑" } else { "" };
    let all = app.tr(Msg::FilterAll);
    let everyone = app.tr(Msg::Everyone);
    let parts = |every: bool, short: bool| -> Vec<Span<'static>> {
        let mut v = vec![
            Span::styled(format!(" {}: ", app.tr(Msg::SortBy)), th.dim),
            Span::styled(format!("{}{arrow}", sort_name(app, q.sort)), th.base),
            Span::styled(format!(" · {}: ", app.tr(Msg::FilterKind)), th.dim),
            Span::styled(kind.clone(), th.base),
        ];
        for (label, value, none) in [
            (Msg::FilterArea, area(short), all),
            (Msg::FilterRegion, region(short), all),
            (Msg::FilterAppraiser, who.clone(), everyone),
        ] {
            if value.is_none() && !every {
                continue;
            }
            let style = if value.is_some() { th.total } else { th.base };
            v.push(Span::styled(format!(" · {}: ", app.tr(label)), th.dim));
            v.push(Span::styled(
                value.unwrap_or_else(|| none.to_string()),
                style,
            ));
        }
        if q.mine.is_some() {
            v.push(Span::styled(" · ".to_string(), th.dim));
            v.push(Span::styled(app.tr(Msg::FilterMine).to_string(), th.total));
        }
        v
    };
    let width = |v: &[Span]| v.iter().map(|s| text::width(&s.content)).sum::<usize>();
    let left = [(true, false), (false, false)]
        .into_iter()
        .map(|(every, short)| parts(every, short))
        .find(|v| width(v) <= r.width as usize)
        .unwrap_or_else(|| parts(false, true));
    bars::split_bar(f, r, left, Vec::new(), th.base);
}

/// One column: header, width, right-aligned.
struct Col {
    id: ColId,
    title: &'static str,
    width: usize,
    right: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ColId {
    Kind,
    Unit,
    Criterion,
    SelfScore,
    Proposed,
    Delta,
    Status,
    Age,
    Round,
    Due,
    Appraiser,
}

/// The columns for a width: the richest set whose unit and criterion columns still get
/// enough room (full status names and the appraiser first go; then short headers).
fn columns(app: &App, width: usize) -> Vec<Col> {
    let q = &app.queue;
    let m = &app.model;
    let units = &m.unit_set().units;
    let hw = |msg: Msg, min: usize| text::width(app.tr(msg)).max(min);
    let status_w = [
        Status::Disputed,
        Status::Escalated,
        Status::NeedsInfo,
        Status::Adjusted,
        Status::Resolved,
        Status::Decided,
    ]
    .iter()
    .map(|&s| text::width(s.label(app.lang)))
    .max()
    .unwrap_or(10);
    let actor_w = q
        .appraisers
        .iter()
        .map(|a| text::width(a))
        .max()
        .unwrap_or(4)
        .clamp(4, 12);
    // What the unit column would like: "44 Quảng Bình" for the longest name shown.
    let unit_want = q
        .rows
        .iter()
        .map(|r| text::width(&units[r.unit].code) + 1 + text::width(&units[r.unit].name))
        .max()
        .unwrap_or(10)
        .min(28);
    let col = |id, title: &'static str, width: usize, right| Col {
        id,
        title,
        width: width.max(text::width(title)),
        right,
    };
    // (full status names, appraiser, long score headers)
    let tries = [
        (true, true, true),
        (false, true, true),
        (false, true, false),
        (false, false, false),
    ];
    let mut chosen = Vec::new();
    for (i, &(full_status, appraiser, long)) in tries.iter().enumerate() {
        let (self_t, prop_t) = if long {
            (Msg::ColSelf, Msg::ColProposed)
        } else {
            (Msg::ColSelfShort, Msg::ColProposedShort)
        };
        let mut cols = vec![
            col(ColId::Kind, "", 1, false),
            col(ColId::Unit, app.tr(Msg::ColUnit), 0, false),
            col(ColId::Criterion, app.tr(Msg::ColCriterion), 0, false),
            col(ColId::SelfScore, app.tr(self_t), 5, true),
            col(ColId::Proposed, app.tr(prop_t), 5, true),
            col(ColId::Delta, app.tr(Msg::ColDelta), 6, true),
            if full_status {
                col(ColId::Status, app.tr(Msg::ColStatus), status_w, false)
            } else {
                col(ColId::Status, app.tr(Msg::ColMark), 2, false)
            },
            col(ColId::Age, app.tr(Msg::ColAge), hw(Msg::ColAge, 3), true),
            col(ColId::Round, app.tr(Msg::ColRound), 1, true),
            col(
                ColId::Due,
                app.tr(Msg::ColDue),
                hw(Msg::FlagOverdue, 4).max(hw(Msg::FlagLate, 4)),
                false,
            ),
        ];
        if appraiser {
            cols.push(col(
                ColId::Appraiser,
                app.tr(Msg::ColAppraiser),
                actor_w,
                false,
            ));
        }
        // Everything but the unit and criterion columns, each with its space.
        let fixed: usize = cols
            .iter()
            .filter(|c| !matches!(c.id, ColId::Unit | ColId::Criterion))
            .map(|c| c.width + 1)
            .sum::<usize>()
            + 2;
        let rest = width.saturating_sub(fixed);
        // The unit column gets what its longest name needs, up to a third of the room.
        let unit_w = unit_want.min(rest / 3).max(10);
        let crit_w = rest.saturating_sub(unit_w);
        let (unit_min, crit_min) = if full_status { (16, 32) } else { (12, 16) };
        let last = i + 1 == tries.len();
        if (unit_w >= unit_min.min(unit_want) && crit_w >= crit_min) || last {
            cols[1].width = unit_w;
            cols[2].width = crit_w.max(8);
            chosen = cols;
            break;
        }
    }
    chosen
}

fn rows(app: &App, f: &mut Frame, r: Rect) {
    let th = &app.theme;
    let q = &app.queue;
    let cols = columns(app, r.width as usize);
    let header: Vec<Span> = cols
        .iter()
        .map(|c| Span::styled(format!("{} ", cell(c.title, c.width, c.right)), th.header))
        .collect();
    let mut lines = vec![Line::from(header)];
    let n = r.height.saturating_sub(1) as usize;
    if q.rows.is_empty() {
        lines.push(Line::styled(
            format!(" {}", app.tr(Msg::QueueEmpty)),
            th.dim,
        ));
    }
    for (pos, row) in q.rows.iter().enumerate().skip(q.offset).take(n) {
        let selected = pos == q.cursor;
        let cells = row_cells(app, row, &cols);
        lines.push(crate::widgets::table_row(
            cells,
            cols.iter().map(|c| (c.width, c.right)),
            selected,
            th,
        ));
    }
    f.render_widget(Paragraph::new(lines), r);
}

fn row_cells(app: &App, row: &Row, cols: &[Col]) -> Vec<(String, Style)> {
    let th = &app.theme;
    let m = &app.model;
    let unit = &m.unit_set().units[row.unit];
    let node = &m.fw().nodes[row.node];
    let item = m
        .unit_at(row.unit)
        .items
        .get(row.node)
        .and_then(Option::as_ref);
    let status = item.map_or(Status::Pending, |i| i.status());
    cols.iter()
        .map(|c| match c.id {
            ColId::Kind => (
                kind_mark(th, row.kind).to_string(),
                kind_style(th, row.kind),
            ),
            ColId::Unit => (
                format!("{} {}", unit.code, text::escape_line(&unit.name)),
                th.base,
            ),
            ColId::Criterion => (
                format!("{} {}", node.code, text::escape_line(&node.name)),
                th.base,
            ),
            ColId::SelfScore => (pts(item.and_then(|i| i.self_score()), app.lang), th.base),
            ColId::Proposed => (
                pts(item.and_then(|i| i.appraisal.proposed), app.lang),
                th.base,
            ),
            ColId::Delta => (
                delta(row.delta, app.lang),
                th.delta_style(row.delta.hundredths()),
            ),
            ColId::Status if c.width > 2 => {
                (status.label(app.lang).to_string(), th.status_style(status))
            }
            ColId::Status => (th.status_mark(status).to_string(), th.status_style(status)),
            ColId::Age => (
                row.age.map_or_else(|| "—".into(), |d| d.to_string()),
                th.base,
            ),
            ColId::Round => (
                row.round.map(|n| n.to_string()).unwrap_or_default(),
                th.base,
            ),
            ColId::Due => match row.flag {
                Some(Flag::Late) => (app.tr(Msg::FlagLate).to_string(), th.warn),
                Some(Flag::Overdue) => (app.tr(Msg::FlagOverdue).to_string(), th.warn),
                None => (String::new(), th.base),
            },
            ColId::Appraiser => (
                row.actor
                    .as_deref()
                    .map(|a| text::escape_line(a).into_owned())
                    .unwrap_or_default(),
                th.dim,
            ),
        })
        .collect()
}

/// The status line: the selected row in full — unit and criterion on the left, its status
/// and who changed it last on the right — since the columns cut names and statuses short.
pub fn status_line(app: &App, f: &mut Frame, r: Rect) {
    let th = &app.theme;
    let Some(row) = app.queue.selected_row() else {
        return;
    };
    let m = &app.model;
    let unit = &m.unit_set().units[row.unit];
    let node = &m.fw().nodes[row.node];
    let left = vec![
        Span::styled(
            format!(" {} {}", unit.code, text::escape_line(&unit.name)),
            th.base,
        ),
        Span::styled(" · ", th.dim),
        Span::styled(
            format!("{} {}", node.code, text::escape_line(&node.name)),
            th.base,
        ),
    ];
    let status = m
        .unit_at(row.unit)
        .items
        .get(row.node)
        .and_then(Option::as_ref)
        .map_or(Status::Pending, |i| i.status());
    let mut right = vec![Span::styled(
        status.label(app.lang).to_string(),
        th.status_style(status),
    )];
    if let Some(a) = &row.actor {
        right.push(Span::styled(format!(" · {}", text::escape_line(a)), th.dim));
    }
    right.push(Span::raw(" "));
    bars::split_bar(f, r, left, right, th.base);
}
