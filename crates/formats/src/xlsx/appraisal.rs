//! A unit's appraisal sheet: one row per leaf (code, criterion, max, self, proposed, Δ, status,
//! justification, dispute outcome, the unit's note and evidence, appraiser, date), a subtotal
//! row after each area and a total row, under a title and a one-line summary.
//!
//! The sheet re-imports as self-scores (`import self FILE --sheet NAME`): its header row has the
//! self-assessment import's columns (unit, code, self score, note, evidence), the others are
//! export columns the import ignores, and the `method` column marks the survey, subtotal and
//! total rows it skips.

use std::collections::HashMap;

use rust_xlsxwriter::{Formula, Workbook, Worksheet, XlsxError};

use super::style::{Styles, points_value, vietnam_time};
use crate::export::ExportRow;
use crate::self_import::{
    METHOD_APPRAISED, METHOD_SUBTOTAL, METHOD_SURVEY, METHOD_TOTAL, format_evidence,
};
use domain::aggregate::NationalRow;
use domain::number;
use domain::{Council, Dispute, Framework, Method, Points, Unit};
use l10n::Lang;

/// (Vietnamese header, English header, width in characters) of each column.
pub const COLUMNS: [(&str, &str, f64); 15] = [
    ("Mã đơn vị", "Unit", 8.0),
    ("Mã tiêu chí", "Code", 9.0),
    ("Tiêu chí", "Criterion", 48.0),
    ("Điểm tối đa", "Max", 8.0),
    ("Phương thức", "Method", 11.0),
    ("Điểm tự đánh giá", "Self score", 10.0),
    ("Điểm thẩm định", "Proposed", 10.0),
    ("Chênh lệch", "Delta", 9.0),
    ("Trạng thái", "Status", 16.0),
    ("Lý do thẩm định", "Justification", 48.0),
    ("Kết quả giải trình", "Dispute", 32.0),
    ("Ghi chú", "Note", 36.0),
    ("Tài liệu kiểm chứng", "Evidence", 36.0),
    ("Người thẩm định", "Appraiser", 14.0),
    ("Ngày cập nhật", "Updated", 16.0),
];

const C_UNIT: u16 = 0;
const C_CODE: u16 = 1;
const C_NAME: u16 = 2;
const C_MAX: u16 = 3;
const C_METHOD: u16 = 4;
const C_SELF: u16 = 5;
const C_PROPOSED: u16 = 6;
const C_DELTA: u16 = 7;
const C_STATUS: u16 = 8;
const C_JUSTIFICATION: u16 = 9;
const C_DISPUTE: u16 = 10;
const C_NOTE: u16 = 11;
const C_EVIDENCE: u16 = 12;
const C_APPRAISER: u16 = 13;
const C_UPDATED: u16 = 14;
const LAST_COL: u16 = C_UPDATED;

/// The row (0-based) of the header; data starts below it.
pub const HEADER_ROW: u32 = 2;

/// The dispute column: the open explanation (with the province's document, a late flag and
/// the score it claims), or the outcome and the response; then the council's referral or
/// decision, if any.
pub fn dispute_text(d: Option<&Dispute>, council: Option<&Council>, lang: Lang) -> String {
    let pts = |p: Points| p.show(lang);
    let mut parts = Vec::new();
    if let Some(d) = d {
        parts.push(match d.outcome {
            None => {
                let mut what = Vec::new();
                if !d.document.trim().is_empty() {
                    what.push(d.document.trim().to_string());
                }
                if d.late {
                    what.push(lang.pick("nộp muộn", "late").to_string());
                }
                if let Some(c) = d.claimed {
                    what.push(match lang {
                        Lang::Vi => format!("đề nghị {}", pts(c)),
                        Lang::En => format!("claims {}", pts(c)),
                    });
                }
                let mut head = lang.pick("Đang giải trình", "Open").to_string();
                if !what.is_empty() {
                    head.push_str(&format!(" ({})", what.join(", ")));
                }
                join_nonempty(&head, &d.explanation)
            }
            Some(o) => {
                let head = o.label(lang);
                let mut first = head.chars();
                let head: String = first
                    .next()
                    .map(|c| c.to_uppercase().chain(first).collect())
                    .unwrap_or_default();
                join_nonempty(&head, &d.response)
            }
        });
    }
    if let Some(c) = council {
        parts.push(match &c.decision {
            None => join_nonempty(
                lang.pick("Trình Hội đồng", "Referred to the council"),
                &c.reason,
            ),
            Some(dec) => {
                let mut head = match lang {
                    Lang::Vi => format!("Hội đồng quyết định {}", pts(dec.score)),
                    Lang::En => format!("Council decided {}", pts(dec.score)),
                };
                if !dec.minutes.trim().is_empty() {
                    head.push_str(&format!(" ({})", dec.minutes.trim()));
                }
                join_nonempty(&head, &dec.text)
            }
        });
    }
    parts.join("\n")
}

fn join_nonempty(head: &str, rest: &str) -> String {
    if rest.trim().is_empty() {
        head.to_string()
    } else {
        format!("{head}: {}", rest.trim())
    }
}

fn method_label(m: Method, lang: Lang) -> &'static str {
    let [vi, en] = if m == Method::Survey {
        METHOD_SURVEY
    } else {
        METHOD_APPRAISED
    };
    lang.pick(vi, en)
}

/// "91,80" or "91.80".
fn pct(h: i64, lang: Lang) -> String {
    number::hundredths(h, lang)
}

/// The line under the title: totals, index, group and rank from self and from proposed scores.
pub fn summary_line(n: &NationalRow, lang: Lang) -> String {
    let pts = |p: Points| p.show(lang);
    let group = |g: &Option<String>| match (g, lang) {
        (Some(g), Lang::Vi) => format!("nhóm {g}"),
        (Some(g), Lang::En) => format!("group {g}"),
        (None, Lang::Vi) => "chưa đạt nhóm".to_string(),
        (None, Lang::En) => "no group".to_string(),
    };
    let s = &n.scores;
    match lang {
        Lang::Vi => format!(
            "Tự đánh giá: {} điểm ({} %, {}, hạng {}) · Thẩm định: {} điểm ({} %, {}, hạng {}) · \
             Đã thẩm định {}/{} tiêu chí · {} điều chỉnh · {} đang giải trình",
            pts(n.total.self_),
            pct(n.percent.self_, lang),
            group(&n.group.self_),
            n.rank.self_,
            pts(n.total.proposed),
            pct(n.percent.proposed, lang),
            group(&n.group.proposed),
            n.rank.proposed,
            s.reviewed,
            s.leaves,
            s.adjusted,
            s.open_disputes
        ),
        Lang::En => format!(
            "Self-assessed: {} points ({} %, {}, rank {}) · Proposed: {} points ({} %, {}, rank \
             {}) · Reviewed {}/{} items · {} adjusted · {} disputed",
            pts(n.total.self_),
            pct(n.percent.self_, lang),
            group(&n.group.self_),
            n.rank.self_,
            pts(n.total.proposed),
            pct(n.percent.proposed, lang),
            group(&n.group.proposed),
            n.rank.proposed,
            s.reviewed,
            s.leaves,
            s.adjusted,
            s.open_disputes
        ),
    }
}

/// Everything one unit's sheet shows.
pub struct UnitSheet<'a> {
    pub fw: &'a Framework,
    pub year: u16,
    pub unit: &'a Unit,
    /// The unit's export rows (any order; looked up by code).
    pub rows: &'a [&'a ExportRow],
    /// Its scores and ranks.
    pub national: &'a NationalRow,
    /// Council referrals and decisions of its items, by criterion code.
    pub councils: &'a HashMap<&'a str, &'a Council>,
}

/// Add the unit's appraisal sheet named `name` to `wb`.
pub fn add_unit_sheet(
    wb: &mut Workbook,
    styles: &Styles,
    name: &str,
    u: &UnitSheet<'_>,
    lang: Lang,
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    write_unit_sheet(ws, styles, u, lang)
}

fn write_unit_sheet(
    ws: &mut Worksheet,
    st: &Styles,
    u: &UnitSheet<'_>,
    lang: Lang,
) -> Result<(), XlsxError> {
    let title = match lang {
        Lang::Vi => format!(
            "Bảng thẩm định Chỉ số CCHC năm {} — {} {}",
            u.year, u.unit.code, u.unit.name
        ),
        Lang::En => format!(
            "PAR INDEX {} appraisal — {} {}",
            u.year, u.unit.code, u.unit.name
        ),
    };
    ws.merge_range(0, 0, 0, LAST_COL, &title, &st.title)?;
    ws.merge_range(
        1,
        0,
        1,
        LAST_COL,
        &summary_line(u.national, lang),
        &st.subtitle,
    )?;
    for (c, (vi, en, width)) in COLUMNS.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(HEADER_ROW, c, lang.pick(vi, en), &st.header)?;
        ws.set_column_width(c, *width)?;
    }
    ws.set_row_height(HEADER_ROW, 30)?;

    let by_code: HashMap<&str, &ExportRow> = u.rows.iter().map(|r| (r.code.as_str(), *r)).collect();
    let mut row = HEADER_ROW + 1;
    let mut subtotal_rows = Vec::new();
    for area in u.fw.areas() {
        let first = row;
        for leaf in u.fw.leaves_under(&area.code) {
            let Some(r) = by_code.get(leaf.code.as_str()) else {
                continue;
            };
            let name = match lang {
                Lang::En => leaf.name_en.as_deref().unwrap_or(&r.criterion),
                Lang::Vi => &r.criterion,
            };
            let council = u.councils.get(leaf.code.as_str()).copied();
            write_leaf(ws, st, row, r, name, council, lang)?;
            row += 1;
        }
        let sums =
            u.fw.position(&area.code)
                .and_then(|i| u.national.scores.nodes.get(i))
                .copied()
                .unwrap_or_default();
        let label = match lang {
            Lang::Vi => format!("Cộng lĩnh vực {}: {}", area.code, area.name),
            Lang::En => format!(
                "Area {} subtotal: {}",
                area.code,
                area.name_en.as_deref().unwrap_or(&area.name)
            ),
        };
        let sum = |c: u16| {
            let col = rust_xlsxwriter::utility::column_number_to_name(c);
            if row > first {
                format!("=SUM({col}{}:{col}{})", first + 1, row)
            } else {
                "=0".to_string()
            }
        };
        let [sub_vi, sub_en] = METHOD_SUBTOTAL;
        write_sum_row(
            ws,
            row,
            SumRow {
                unit: &u.unit.code,
                code: &area.code,
                label: &label,
                method: lang.pick(sub_vi, sub_en),
                max: (sum(C_MAX), area.max),
                self_: (sum(C_SELF), sums.self_),
                proposed: (sum(C_PROPOSED), sums.proposed),
            },
            (&st.subtotal_text, &st.subtotal_points, &st.subtotal_delta),
        )?;
        subtotal_rows.push(row);
        row += 1;
    }
    let add = |c: u16| {
        let col = rust_xlsxwriter::utility::column_number_to_name(c);
        let cells: Vec<String> = subtotal_rows
            .iter()
            .map(|r| format!("{col}{}", r + 1))
            .collect();
        if cells.is_empty() {
            "=0".to_string()
        } else {
            format!("={}", cells.join("+"))
        }
    };
    let [tot_vi, tot_en] = METHOD_TOTAL;
    write_sum_row(
        ws,
        row,
        SumRow {
            unit: &u.unit.code,
            code: "",
            label: lang.pick("Tổng cộng", "Total"),
            method: lang.pick(tot_vi, tot_en),
            max: (add(C_MAX), u.fw.total),
            self_: (add(C_SELF), u.national.total.self_),
            proposed: (add(C_PROPOSED), u.national.total.proposed),
        },
        (&st.total_text, &st.total_points, &st.total_delta),
    )?;

    ws.set_freeze_panes(HEADER_ROW + 1, 2)?;
    ws.autofilter(HEADER_ROW, 0, row, LAST_COL)?;
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    Ok(())
}

fn write_leaf(
    ws: &mut Worksheet,
    st: &Styles,
    row: u32,
    r: &ExportRow,
    name: &str,
    council: Option<&Council>,
    lang: Lang,
) -> Result<(), XlsxError> {
    ws.write_string_with_format(row, C_UNIT, &r.unit, &st.code)?;
    ws.write_string_with_format(row, C_CODE, &r.code, &st.code)?;
    ws.write_string_with_format(row, C_NAME, name, &st.wrap)?;
    ws.write_number_with_format(row, C_MAX, points_value(r.max), &st.points)?;
    ws.write_string_with_format(row, C_METHOD, method_label(r.method, lang), &st.text)?;
    let num = |ws: &mut Worksheet, c: u16, v: Option<Points>, f| -> Result<(), XlsxError> {
        match v {
            Some(p) => ws.write_number_with_format(row, c, points_value(p), f)?,
            None => ws.write_blank(row, c, f)?,
        };
        Ok(())
    };
    num(ws, C_SELF, r.self_score, &st.points)?;
    num(ws, C_PROPOSED, r.proposed, &st.points)?;
    num(ws, C_DELTA, r.delta, &st.delta)?;
    ws.write_string_with_format(row, C_STATUS, r.status.label(lang), &st.text)?;
    ws.write_string_with_format(row, C_JUSTIFICATION, &r.justification, &st.wrap)?;
    let dispute = dispute_text(r.dispute.as_ref(), council, lang);
    ws.write_string_with_format(row, C_DISPUTE, &dispute, &st.wrap)?;
    ws.write_string_with_format(row, C_NOTE, &r.note, &st.wrap)?;
    let evidence = format_evidence(&r.evidence).map_err(|e| {
        XlsxError::ParameterError(format!("unit {}, criterion {}: {e}", r.unit, r.code))
    })?;
    ws.write_string_with_format(row, C_EVIDENCE, &evidence, &st.wrap)?;
    ws.write_string_with_format(row, C_APPRAISER, &r.appraiser, &st.text)?;
    match r.updated {
        Some(t) => ws.write_datetime_with_format(row, C_UPDATED, vietnam_time(t)?, &st.date)?,
        None => ws.write_blank(row, C_UPDATED, &st.date)?,
    };
    Ok(())
}

/// A subtotal or total row: formulas, with the exact sums as their cached results.
struct SumRow<'a> {
    unit: &'a str,
    code: &'a str,
    label: &'a str,
    method: &'a str,
    max: (String, Points),
    self_: (String, Points),
    proposed: (String, Points),
}

fn write_sum_row(
    ws: &mut Worksheet,
    row: u32,
    s: SumRow<'_>,
    (text, points, delta): (
        &rust_xlsxwriter::Format,
        &rust_xlsxwriter::Format,
        &rust_xlsxwriter::Format,
    ),
) -> Result<(), XlsxError> {
    let formula = |(f, v): &(String, Points)| Formula::new(f).set_result(v.machine());
    ws.write_string_with_format(row, C_UNIT, s.unit, text)?;
    ws.write_string_with_format(row, C_CODE, s.code, text)?;
    ws.write_string_with_format(row, C_NAME, s.label, text)?;
    ws.write_formula_with_format(row, C_MAX, formula(&s.max), points)?;
    ws.write_string_with_format(row, C_METHOD, s.method, text)?;
    ws.write_formula_with_format(row, C_SELF, formula(&s.self_), points)?;
    ws.write_formula_with_format(row, C_PROPOSED, formula(&s.proposed), points)?;
    let d = |c: u16| rust_xlsxwriter::utility::column_number_to_name(c);
    let delta_formula = format!("={}{r}-{}{r}", d(C_PROPOSED), d(C_SELF), r = row + 1);
    ws.write_formula_with_format(
        row,
        C_DELTA,
        Formula::new(delta_formula).set_result((s.proposed.1 - s.self_.1).machine()),
        delta,
    )?;
    for c in C_STATUS..=LAST_COL {
        ws.write_blank(row, c, text)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::Outcome;

    #[test]
    fn dispute_texts() {
        let open = Dispute {
            explanation: "Đã gửi bổ sung quyết định".into(),
            document: "Công văn 123/UBND-NC".into(),
            claimed: Some(Points::from_hundredths(150)),
            received: jiff::civil::date(2025, 3, 5),
            round: 1,
            late: true,
            outcome: None,
            response: String::new(),
        };
        assert_eq!(
            dispute_text(Some(&open), None, Lang::Vi),
            "Đang giải trình (Công văn 123/UBND-NC, nộp muộn, đề nghị 1,50): Đã gửi bổ sung quyết định"
        );
        let bare = Dispute {
            document: String::new(),
            late: false,
            claimed: None,
            ..open.clone()
        };
        assert_eq!(
            dispute_text(Some(&bare), None, Lang::En),
            "Open: Đã gửi bổ sung quyết định"
        );
        let done = Dispute {
            outcome: Some(Outcome::PartlyUpheld),
            response: "Chấp nhận 1,25 điểm".into(),
            ..open
        };
        assert_eq!(
            dispute_text(Some(&done), None, Lang::Vi),
            "Chấp nhận một phần: Chấp nhận 1,25 điểm"
        );
        let referred = Council {
            reason: "Hai bên chưa thống nhất".into(),
            decision: None,
        };
        assert_eq!(
            dispute_text(Some(&done), Some(&referred), Lang::Vi),
            "Chấp nhận một phần: Chấp nhận 1,25 điểm\nTrình Hội đồng: Hai bên chưa thống nhất"
        );
        let decided = Council {
            decision: Some(domain::CouncilDecision {
                score: Points::from_hundredths(125),
                text: "Giữ điểm thẩm định".into(),
                minutes: "Biên bản 03/BB-HĐTĐ".into(),
            }),
            ..referred
        };
        assert_eq!(
            dispute_text(None, Some(&decided), Lang::En),
            "Council decided 1.25 (Biên bản 03/BB-HĐTĐ): Giữ điểm thẩm định"
        );
        assert_eq!(dispute_text(None, None, Lang::Vi), "");
    }
}
