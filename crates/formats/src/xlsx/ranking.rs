//! The national ranking sheet (SPEC W10, I4), from the same `RankingReport` as the Markdown and
//! CSV reports: every unit with its rank by self and by proposed score, the change, totals,
//! index and group, by proposed rank (units without scores last, unranked); below it the
//! regional and national averages and the tie rule.

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::style::{Styles, percent_value, points_value};
use crate::ranking_report::{
    RankingReport, RegionAverage, group_counts_text, groups_text, tie_rule,
};
use domain::aggregate::Both;
use l10n::Lang;

/// (Vietnamese header, English header, width) of each column.
pub const COLUMNS: [(&str, &str, f64); 12] = [
    ("Hạng theo tự đánh giá", "Rank by self", 10.0),
    ("Hạng theo thẩm định", "Rank by proposed", 10.0),
    ("Thay đổi hạng", "Rank change", 9.0),
    ("Mã", "Code", 6.0),
    ("Đơn vị", "Name", 20.0),
    ("Vùng", "Region", 30.0),
    ("Tổng điểm tự đánh giá", "Self total", 11.0),
    ("Tổng điểm thẩm định", "Proposed total", 11.0),
    ("Chỉ số tự đánh giá (%)", "Self index (%)", 11.0),
    ("Chỉ số thẩm định (%)", "Proposed index (%)", 11.0),
    ("Nhóm theo tự đánh giá", "Group by self", 9.0),
    ("Nhóm theo thẩm định", "Group by proposed", 9.0),
];
const LAST_COL: u16 = COLUMNS.len() as u16 - 1;

/// The row (0-based) of the header.
pub const HEADER_ROW: u32 = 2;

fn region_name(r: &RankingReport, code: &str, lang: Lang) -> String {
    r.region(code)
        .map(|a| a.display_name(lang).to_string())
        .unwrap_or_else(|| code.to_string())
}

/// Add the ranking sheet named `name` to `wb`.
pub fn add_ranking_sheet(
    wb: &mut Workbook,
    st: &Styles,
    name: &str,
    report: &RankingReport,
    lang: Lang,
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    let r = report;
    let title = match (r.official.as_ref().and_then(|o| o.title(lang)), lang) {
        (Some(t), Lang::Vi) => format!("{t}: Xếp hạng Chỉ số CCHC năm {}", r.year),
        (Some(t), Lang::En) => format!("{t}: PAR INDEX {} ranking", r.year),
        (None, Lang::Vi) => format!("Xếp hạng Chỉ số CCHC năm {}, theo điểm thẩm định", r.year),
        (None, Lang::En) => format!("PAR INDEX {} ranking, by proposed score", r.year),
    };
    ws.merge_range(0, 0, 0, LAST_COL, &title, &st.title)?;
    let n = r.lines.len();
    let sub = match lang {
        Lang::Vi => format!(
            "Chỉ số = tổng điểm / {} điểm tối đa. Nhóm: {}. Tiến độ: đã thẩm định {}/{} tiêu chí · \
             {} giải trình đang mở · {}/{n} đơn vị đã chốt.",
            r.framework_total.show(lang),
            groups_text(&r.groups, lang),
            r.reviewed,
            r.leaves,
            r.open_disputes,
            r.finalized
        ),
        Lang::En => format!(
            "Index = total / {} points. Groups: {}. Progress: {}/{} items appraised · {} open \
             disputes · {}/{n} units finalized.",
            r.framework_total.show(lang),
            groups_text(&r.groups, lang),
            r.reviewed,
            r.leaves,
            r.open_disputes,
            r.finalized
        ),
    };
    let sub = match &r.seal {
        Some(seal) => format!("{sub} {}.", seal.line(lang)),
        None => sub,
    };
    ws.merge_range(1, 0, 1, LAST_COL, &sub, &st.subtitle)?;
    for (c, (vi, en, width)) in COLUMNS.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(HEADER_ROW, c, lang.pick(vi, en), &st.header)?;
        ws.set_column_width(c, *width)?;
    }
    // Last year, through the predecessors (see RankingReport::compare_with).
    let last_col = match &r.previous {
        Some(p) => {
            let py = p.year;
            // Last year known by its published results says so in its heading.
            let (pub_vi, pub_en) = match p.published {
                Some(_) => (", công bố", ", published"),
                None => ("", ""),
            };
            let heads = match lang {
                Lang::Vi => [
                    format!("Chỉ số năm {py} (%{pub_vi})"),
                    format!("Hạng năm {py}"),
                    format!("Thay đổi hạng so với {py}"),
                ],
                Lang::En => [
                    format!("{py} index (%{pub_en})"),
                    format!("{py} rank"),
                    format!("Rank change since {py}"),
                ],
            };
            for (i, h) in heads.iter().enumerate() {
                let c = LAST_COL + 1 + i as u16;
                ws.write_string_with_format(HEADER_ROW, c, h, &st.header)?;
                ws.set_column_width(c, 11.0)?;
            }
            LAST_COL + 3
        }
        None => LAST_COL,
    };
    ws.set_row_height(HEADER_ROW, 45)?;
    let mut row = HEADER_ROW + 1;
    for l in &r.lines {
        ws.write_string_with_format(row, 3, &l.unit, &st.code)?;
        ws.write_string_with_format(row, 4, &l.name, &st.text)?;
        ws.write_string_with_format(row, 5, region_name(r, &l.region, lang), &st.text)?;
        if l.scored {
            ws.write_number_with_format(row, 0, l.rank.self_, &st.int)?;
            ws.write_number_with_format(row, 1, l.rank.proposed, &st.int)?;
            ws.write_number_with_format(row, 2, l.rank_change() as f64, &st.rank_change)?;
            ws.write_number_with_format(row, 6, points_value(l.total.self_), &st.points)?;
            ws.write_number_with_format(row, 7, points_value(l.total.proposed), &st.points)?;
            ws.write_number_with_format(row, 8, percent_value(l.percent.self_), &st.points)?;
            ws.write_number_with_format(row, 9, percent_value(l.percent.proposed), &st.points)?;
            let group = |g: &Option<String>| g.clone().unwrap_or_else(|| "—".to_string());
            ws.write_string_with_format(row, 10, group(&l.group.self_), &st.text)?;
            ws.write_string_with_format(row, 11, group(&l.group.proposed), &st.text)?;
        } else {
            for c in [0, 1, 2, 6, 7, 8, 9] {
                ws.write_blank(row, c, &st.text)?;
            }
            let none = lang.pick("chưa có điểm", "no scores");
            ws.write_string_with_format(row, 10, none, &st.text)?;
            ws.write_string_with_format(row, 11, none, &st.text)?;
        }
        if let Some(ly) = r.last_year(&l.unit) {
            let c = LAST_COL + 1;
            match ly.percent {
                Some(p) => ws.write_number_with_format(row, c, percent_value(p), &st.points)?,
                None => ws.write_string_with_format(row, c, "—", &st.text)?,
            };
            match ly.rank {
                Some(k) => ws.write_number_with_format(row, c + 1, k, &st.int)?,
                None => ws.write_string_with_format(row, c + 1, "—", &st.text)?,
            };
            match ly.change(l.rank.proposed).filter(|_| l.scored) {
                Some(d) => ws.write_number_with_format(row, c + 2, d as f64, &st.rank_change)?,
                None => ws.write_blank(row, c + 2, &st.text)?,
            };
        }
        row += 1;
    }
    let last_unit_row = row.saturating_sub(1).max(HEADER_ROW);
    ws.autofilter(HEADER_ROW, 0, last_unit_row, last_col)?;
    ws.set_freeze_panes(HEADER_ROW + 1, 5)?;

    row += 1;
    ws.merge_range(
        row,
        0,
        row,
        LAST_COL,
        lang.pick(
            "Chỉ số bình quân theo vùng và cả nước (bình quân chỉ số của các đơn vị đã có điểm)",
            "Average index by region and nationally (mean index of the units with scores)",
        ),
        &st.title,
    )?;
    row += 1;
    let avg_header = [
        lang.pick("Vùng", "Region"),
        lang.pick("Số đơn vị", "Units"),
        lang.pick("Chỉ số tự đánh giá bình quân (%)", "Mean self index (%)"),
        lang.pick("Chỉ số thẩm định bình quân (%)", "Mean proposed index (%)"),
        lang.pick("Chênh lệch (điểm %)", "Difference (points of %)"),
    ];
    // The region's name spans the rank columns and the unit; figures go under the totals.
    ws.merge_range(row, 0, row, 5, avg_header[0], &st.header)?;
    for (i, h) in avg_header[1..].iter().enumerate() {
        ws.write_string_with_format(row, 6 + i as u16, *h, &st.header)?;
    }
    ws.set_row_height(row, 45)?;
    row += 1;
    for a in &r.regions {
        write_average(ws, row, a, lang, (&st.text, &st.points, &st.delta))?;
        row += 1;
    }
    write_average(
        ws,
        row,
        &r.national,
        lang,
        (&st.total_text, &st.total_points, &st.total_delta),
    )?;
    row += 2;
    let rule = format!(
        "{} {} {}.",
        tie_rule(lang),
        lang.pick(
            "Thay đổi hạng = hạng theo tự đánh giá − hạng theo thẩm định (↑ lên, ↓ xuống).",
            "Rank change = rank by self − rank by proposed (↑ up, ↓ down).",
        ),
        group_counts_text(r, lang)
    );
    ws.merge_range(row, 0, row, LAST_COL, &rule, &st.note)?;
    ws.set_row_height(row, 45)?;
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    Ok(())
}

fn write_average(
    ws: &mut Worksheet,
    row: u32,
    a: &RegionAverage,
    lang: Lang,
    (text, points, delta): (&Format, &Format, &Format),
) -> Result<(), XlsxError> {
    ws.merge_range(row, 0, row, 5, a.display_name(lang), text)?;
    ws.write_number_with_format(row, 6, a.units as f64, text)?;
    if a.units == 0 {
        for c in 7..=9 {
            ws.write_blank(row, c, points)?;
        }
        return Ok(());
    }
    let Both { self_, proposed } = a.percent;
    ws.write_number_with_format(row, 7, percent_value(self_), points)?;
    ws.write_number_with_format(row, 8, percent_value(proposed), points)?;
    ws.write_number_with_format(row, 9, percent_value(proposed - self_), delta)?;
    Ok(())
}
