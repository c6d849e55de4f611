//! The national ranking sheet (SPEC W10, I4): every unit with its rank by self and by proposed
//! score, the change, totals, index and group, sorted by proposed rank; below it the regional
//! and national averages and the tie rule.

use rust_xlsxwriter::{Workbook, XlsxError};

use super::style::{Styles, percent_value, points_value};
use crate::domain::aggregate::{Both, National, RankRow, regional_averages};
use crate::domain::{Framework, UnitSet};
use crate::i18n::Lang;

/// (Vietnamese header, English header, width) of each column.
pub const COLUMNS: [(&str, &str, f64); 13] = [
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
    ("Đã thẩm định", "Reviewed", 10.0),
];
const LAST_COL: u16 = 12;

/// The row (0-based) of the header.
pub const HEADER_ROW: u32 = 2;

/// The tie rule printed under every ranking (`domain::aggregate::competition_ranks`).
pub fn tie_rule(lang: Lang) -> &'static str {
    lang.pick(
        "Quy tắc xếp hạng: đơn vị có chỉ số bằng nhau (tính đến 0,01 %) cùng hạng; hạng kế tiếp \
         bỏ qua số vị trí đã dùng chung (1, 2, 2, 4). Trong cùng hạng, đơn vị xếp theo mã. \
         Thay đổi hạng = hạng theo tự đánh giá − hạng theo thẩm định (▲ tăng, ▼ giảm).",
        "Tie rule: units with the same index (to 0.01 %) share a rank, and the next rank skips \
         the places shared (1, 2, 2, 4). Within a rank, units are listed by code. Rank change = \
         rank by self − rank by proposed (▲ up, ▼ down).",
    )
}

fn region_name(units: &UnitSet, code: &str, lang: Lang) -> String {
    match units.region(code) {
        Some(r) => match lang {
            Lang::En => r.name_en.clone().unwrap_or_else(|| r.name.clone()),
            Lang::Vi => r.name.clone(),
        },
        None => code.to_string(),
    }
}

/// Add the ranking sheet named `name` to `wb`.
#[allow(clippy::too_many_arguments)]
pub fn add_ranking_sheet(
    wb: &mut Workbook,
    st: &Styles,
    name: &str,
    fw: &Framework,
    units: &UnitSet,
    year: u16,
    nat: &National,
    lang: Lang,
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    let title = match lang {
        Lang::Vi => format!("Xếp hạng Chỉ số CCHC năm {year}, theo điểm thẩm định"),
        Lang::En => format!("PAR INDEX {year} ranking, by proposed score"),
    };
    ws.merge_range(0, 0, 0, LAST_COL, &title, &st.title)?;
    let groups: Vec<String> = fw
        .groups
        .iter()
        .map(|g| {
            let p = crate::domain::points::fmt_hundredths(g.min_percent);
            let p = p.trim_end_matches('0').trim_end_matches('.');
            let p = if lang == Lang::Vi {
                p.replace('.', ",")
            } else {
                p.to_string()
            };
            format!("{} ≥ {p} %", g.name)
        })
        .collect();
    let sub = match lang {
        Lang::Vi => format!(
            "{} — tổng {} điểm; nhóm: {}. Tiến độ: đã thẩm định {}/{} tiêu chí, {} điều chỉnh, {} đang giải trình.",
            fw.meta.name,
            fw.total.display_with(true),
            groups.join(", "),
            nat.reviewed,
            nat.leaves,
            nat.adjusted,
            nat.disputes
        ),
        Lang::En => format!(
            "{} — out of {} points; groups: {}. Progress: {}/{} items reviewed, {} adjusted, {} disputed.",
            fw.meta.name_en.as_deref().unwrap_or(&fw.meta.name),
            fw.total,
            groups.join(", "),
            nat.reviewed,
            nat.leaves,
            nat.adjusted,
            nat.disputes
        ),
    };
    ws.merge_range(1, 0, 1, LAST_COL, &sub, &st.subtitle)?;
    for (c, (vi, en, width)) in COLUMNS.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(HEADER_ROW, c, lang.pick(vi, en), &st.header)?;
        ws.set_column_width(c, *width)?;
    }
    ws.set_row_height(HEADER_ROW, 45)?;
    let mut row = HEADER_ROW + 1;
    for n in &nat.rows {
        let change = i64::from(n.rank.self_) - i64::from(n.rank.proposed);
        ws.write_number_with_format(row, 0, n.rank.self_, &st.int)?;
        ws.write_number_with_format(row, 1, n.rank.proposed, &st.int)?;
        ws.write_number_with_format(row, 2, change as f64, &st.rank_change)?;
        ws.write_string_with_format(row, 3, &n.unit, &st.code)?;
        ws.write_string_with_format(row, 4, &n.name, &st.text)?;
        ws.write_string_with_format(row, 5, region_name(units, &n.region, lang), &st.text)?;
        ws.write_number_with_format(row, 6, points_value(n.total.self_), &st.points)?;
        ws.write_number_with_format(row, 7, points_value(n.total.proposed), &st.points)?;
        ws.write_number_with_format(row, 8, percent_value(n.percent.self_), &st.points)?;
        ws.write_number_with_format(row, 9, percent_value(n.percent.proposed), &st.points)?;
        let group = |g: &Option<String>| g.clone().unwrap_or_else(|| "—".to_string());
        ws.write_string_with_format(row, 10, group(&n.group.self_), &st.text)?;
        ws.write_string_with_format(row, 11, group(&n.group.proposed), &st.text)?;
        ws.write_string_with_format(
            row,
            12,
            format!("{}/{}", n.scores.reviewed, n.scores.leaves),
            &st.text,
        )?;
        row += 1;
    }
    let last_unit_row = row.saturating_sub(1).max(HEADER_ROW);
    ws.autofilter(HEADER_ROW, 0, last_unit_row, LAST_COL)?;
    ws.set_freeze_panes(HEADER_ROW + 1, 5)?;

    // Regional and national averages.
    row += 1;
    let rank_rows: Vec<RankRow> = nat
        .rows
        .iter()
        .map(|n| RankRow {
            unit: n.unit.clone(),
            total: n.total,
            percent: n.percent,
            rank: n.rank,
            group: n.group.clone(),
        })
        .collect();
    let averages = regional_averages(units, &rank_rows);
    ws.merge_range(
        row,
        0,
        row,
        LAST_COL,
        lang.pick(
            "Chỉ số bình quân theo vùng và cả nước (bình quân các chỉ số %, làm tròn 0,01)",
            "Average index by region and nationally (mean of the units' indexes, to 0.01)",
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
    // The region's name spans the rank columns and the code; figures go under the totals.
    ws.merge_range(row, 0, row, 5, avg_header[0], &st.header)?;
    for (i, h) in avg_header[1..].iter().enumerate() {
        ws.write_string_with_format(row, 6 + i as u16, *h, &st.header)?;
    }
    ws.set_row_height(row, 45)?;
    row += 1;
    for (code, avg) in &averages {
        let (label, count) = if code.is_empty() {
            (
                lang.pick("Cả nước", "National").to_string(),
                units.units.len(),
            )
        } else {
            (
                region_name(units, code, lang),
                units.units.iter().filter(|u| &u.region == code).count(),
            )
        };
        let (t, p) = if code.is_empty() {
            (&st.total_text, &st.total_points)
        } else {
            (&st.text, &st.points)
        };
        ws.merge_range(row, 0, row, 5, &label, t)?;
        ws.write_number_with_format(row, 6, count as f64, t)?;
        write_both(
            ws,
            row,
            7,
            avg,
            p,
            if code.is_empty() {
                &st.total_delta
            } else {
                &st.delta
            },
        )?;
        row += 1;
    }
    row += 1;
    ws.merge_range(row, 0, row, LAST_COL, tie_rule(lang), &st.note)?;
    ws.set_row_height(row, 45)?;
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    Ok(())
}

fn write_both(
    ws: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    col: u16,
    v: &Both<i64>,
    fmt: &rust_xlsxwriter::Format,
    delta: &rust_xlsxwriter::Format,
) -> Result<(), XlsxError> {
    ws.write_number_with_format(row, col, percent_value(v.self_), fmt)?;
    ws.write_number_with_format(row, col + 1, percent_value(v.proposed), fmt)?;
    ws.write_number_with_format(row, col + 2, percent_value(v.proposed - v.self_), delta)?;
    Ok(())
}
