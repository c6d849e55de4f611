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
use crate::views::layout::{self, Frame as Bands};
use crate::widgets::{cell, delta};

/// One column: header, width, right-aligned.
struct Col {
    title: &'static str,
    width: usize,
    right: bool,
}

/// Column set for a width: the region column and long headers only when there is room.
fn columns(app: &App, width: u16) -> (Vec<Col>, bool, bool) {
    let wide = width >= layout::WIDE;
    let very_wide = width >= layout::SIDE_BY_SIDE;
    let tr = |m| app.tr(m);
    let mut cols = vec![
        Col {
            title: tr(Msg::ColCode),
            width: 3,
            right: false,
        },
        Col {
            title: tr(Msg::ColUnit),
            width: 0,
            right: false,
        },
    ];
    if wide {
        cols.push(Col {
            title: tr(Msg::ColRegion),
            width: 0,
            right: false,
        });
    }
    cols.extend([
        Col {
            title: tr(Msg::ColSelf),
            width: 7,
            right: true,
        },
        Col {
            title: tr(Msg::ColProposed),
            width: 7,
            right: true,
        },
        Col {
            title: tr(Msg::ColDelta),
            width: 6,
            right: true,
        },
        Col {
            title: tr(Msg::ColProgress),
            width: 7,
            right: true,
        },
    ]);
    if very_wide {
        cols.extend([
            Col {
                title: tr(Msg::ColAdjusted),
                width: 10,
                right: true,
            },
            Col {
                title: tr(Msg::ColDisputes),
                width: 10,
                right: true,
            },
        ]);
    } else {
        cols.extend([
            Col {
                title: tr(Msg::ColAdjustedShort),
                width: 3,
                right: true,
            },
            Col {
                title: tr(Msg::ColDisputesShort),
                width: 3,
                right: true,
            },
        ]);
    }
    cols.push(if wide {
        Col {
            title: tr(Msg::ColStatus),
            width: 10,
            right: false,
        }
    } else {
        Col {
            title: tr(Msg::ColStatusShort),
            width: 8,
            right: false,
        }
    });
    // "12→15": two ranks as wide as the number of units.
    let digits = app.model.unit_count().max(1).to_string().len();
    cols.push(Col {
        title: tr(Msg::ColRank),
        width: (2 * digits + 1).max(4),
        right: true,
    });
    if very_wide {
        cols.push(Col {
            title: tr(Msg::Group),
            width: 4,
            right: true,
        });
    }
    // A fixed column is never narrower than its header.
    for c in cols.iter_mut().filter(|c| c.width > 0) {
        c.width = c.width.max(text::width(c.title));
    }
    // Share what is left between the name (and region) columns: the name gets what the
    // longest name needs (when it can), the region the rest.
    let fixed: usize = cols.iter().map(|c| c.width).sum::<usize>() + cols.len() - 1;
    let rest = (width as usize).saturating_sub(fixed + 1);
    if wide {
        let longest = app
            .model
            .unit_set()
            .units
            .iter()
            .map(|u| {
                // Room for " ◂an" after a unit someone else is on.
                let others = app.others_on_unit(&u.code);
                let tag = if others.is_empty() {
                    0
                } else {
                    2 + others.iter().map(|o| text::width(o) + 1).sum::<usize>()
                };
                text::width(&u.name) + tag
            })
            .max()
            .unwrap_or(10);
        let name = longest.clamp(10, rest.saturating_sub(12).max(10));
        cols[1].width = name;
        cols[2].width = rest.saturating_sub(name);
    } else {
        cols[1].width = rest;
    }
    (cols, wide, very_wide)
}

pub fn render(app: &App, f: &mut Frame, fr: &Bands) {
    let th = &app.theme;
    let ov = &app.overview;
    let m = &app.model;
    let title = format!(
        "{} · {} {} · {}",
        app.tr(Msg::AppName),
        app.tr(Msg::Year),
        m.year,
        i18n::units_count(app.lang, ov.rows.len(), m.unit_count())
    );
    bars::title(app, f, fr.title, title);
    sub_bar(app, f, fr.sub);

    let body = fr.body;
    let (cols, wide, very_wide) = columns(app, body.width);
    let header: Vec<Span> = cols
        .iter()
        .map(|c| Span::styled(format!("{} ", cell(c.title, c.width, c.right)), th.header))
        .collect();
    let mut lines = vec![Line::from(header)];
    let rows = body.height.saturating_sub(1) as usize;
    if ov.rows.is_empty() {
        lines.push(Line::styled(format!(" {}", app.tr(Msg::NoUnits)), th.dim));
    }
    for (pos, &u) in ov.rows.iter().enumerate().skip(ov.offset).take(rows) {
        let unit = &m.unit_set().units[u];
        let d = m.unit_at(u);
        let s = &d.scores;
        let dlt = s.total.proposed - s.total.self_;
        let region = crate::widgets::region_name(app, &unit.region);
        let status = if d.state.finalized.is_some() && wide {
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
        let rank = if any {
            format!("{}→{}", d.rank.self_, d.rank.proposed)
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
        let name = if others.is_empty() {
            text::escape_line(&unit.name).into_owned()
        } else {
            format!(
                "{} ◂{}",
                text::escape_line(&unit.name),
                text::escape_line(&others.join(","))
            )
        };
        let mut cells: Vec<(String, Style)> = vec![(unit.code.clone(), th.base), (name, th.base)];
        if wide {
            cells.push((region, th.dim));
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
        if very_wide {
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
    let left = vec![
        Span::styled(format!(" {}: ", app.tr(Msg::SortBy)), th.dim),
        Span::styled(format!("{}{arrow}", sort_name(app, ov.sort)), th.base),
        Span::styled(format!(" · {}: ", app.tr(Msg::FilterRegion)), th.dim),
        Span::styled(region, th.base),
        Span::styled(format!(" · {}: ", app.tr(Msg::FilterStatus)), th.dim),
        Span::styled(status.to_string(), th.base),
    ];
    let right = if ov.typeahead.is_empty() {
        vec![Span::styled(
            format!("{} ", app.tr(Msg::TypeToJump)),
            th.dim,
        )]
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
    bars::split_bar(f, r, left, right, th.base);
}
