//! The import template (`thamdinh template`): a workbook a province (or the survey team) fills in
//! and sends back, which `import self` / `import survey` read as it is.
//!
//! The first sheet holds one row per unit and criterion to score (appraised leaves for a
//! self-assessment, survey leaves for survey points) with the unit's code and name, the
//! criterion's code, name and maximum already written, and empty score (and note, evidence)
//! cells to fill, checked by Excel's data validation (a number from 0 to the maximum, a
//! multiple of the step). Headers are in the chosen language; every header cell carries a note
//! with its English name and what goes in it in both languages. A second sheet explains the
//! rules.

use std::io;
use std::path::Path;

use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, Formula, Note, Workbook, Worksheet, XlsxError,
};

use super::style::{SheetNames, Styles, io_err, points_value};
use crate::atomic::write_atomic;
use domain::{Framework, Method, Node, Points, Unit, UnitSet};
use l10n::Lang;

/// What the template collects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TemplateKind {
    /// A province's self-assessment: appraised leaves, with note and evidence.
    SelfAssessment,
    /// Survey points: survey leaves.
    Survey,
}

/// One column: Vietnamese header, English header, width, and what goes in it (en, vi).
struct Column {
    vi: &'static str,
    en: &'static str,
    width: f64,
    help_en: &'static str,
    help_vi: &'static str,
}

const UNIT: Column = Column {
    vi: "Mã đơn vị",
    en: "Unit",
    width: 8.0,
    help_en: "the unit's code (44 = Quảng Bình). Already filled in: do not change it.",
    help_vi: "mã đơn vị (44 = Quảng Bình). Đã điền sẵn: không sửa.",
};
const UNIT_NAME: Column = Column {
    vi: "Tên đơn vị",
    en: "Unit name",
    width: 16.0,
    help_en: "for reading only; the import ignores it.",
    help_vi: "chỉ để đọc; khi nhập không dùng cột này.",
};
const CODE: Column = Column {
    vi: "Mã tiêu chí",
    en: "Code",
    width: 9.0,
    help_en: "the criterion's code in the framework. Already filled in: do not change it.",
    help_vi: "mã tiêu chí trong bộ chỉ số. Đã điền sẵn: không sửa.",
};
const CRITERION: Column = Column {
    vi: "Tiêu chí",
    en: "Criterion",
    width: 55.0,
    help_en: "the criterion's name, for reading only.",
    help_vi: "tên tiêu chí, chỉ để đọc.",
};
const MAX: Column = Column {
    vi: "Điểm tối đa",
    en: "Max",
    width: 8.0,
    help_en: "the criterion's maximum, for reading only.",
    help_vi: "điểm tối đa của tiêu chí, chỉ để đọc.",
};
const SELF_SCORE: Column = Column {
    vi: "Điểm tự đánh giá",
    en: "Self score",
    width: 11.0,
    help_en: "the score the unit gives itself: from 0 to the maximum, a multiple of the step \
              (0.75 or 0,75). Required on every row.",
    help_vi: "điểm đơn vị tự chấm: từ 0 đến điểm tối đa, là bội số của bước chấm (0,75 hoặc \
              0.75). Bắt buộc ở mọi dòng.",
};
const NOTE: Column = Column {
    vi: "Ghi chú",
    en: "Note",
    width: 40.0,
    help_en: "the unit's explanation of its score (optional).",
    help_vi: "giải trình của đơn vị về điểm tự chấm (không bắt buộc).",
};
const EVIDENCE: Column = Column {
    vi: "Tài liệu kiểm chứng",
    en: "Evidence",
    width: 45.0,
    help_en: "documents, separated by ';', each number|title|date|link, e.g. \
              125/QĐ-UBND|Quyết định công bố TTHC|15/3/2024 (optional).",
    help_vi: "các tài liệu, ngăn cách bởi ';', mỗi tài liệu số hiệu|tên|ngày|liên kết, ví dụ \
              125/QĐ-UBND|Quyết định công bố TTHC|15/3/2024 (không bắt buộc).",
};
const SURVEY_SCORE: Column = Column {
    vi: "Điểm điều tra",
    en: "Survey score",
    width: 11.0,
    help_en: "the survey points: from 0 to the maximum, at most two decimals. Required on \
              every row.",
    help_vi: "điểm điều tra xã hội học: từ 0 đến điểm tối đa, tối đa hai chữ số thập phân. \
              Bắt buộc ở mọi dòng.",
};

const SELF_COLUMNS: [&Column; 8] = [
    &UNIT,
    &UNIT_NAME,
    &CODE,
    &CRITERION,
    &MAX,
    &SELF_SCORE,
    &NOTE,
    &EVIDENCE,
];
const SURVEY_COLUMNS: [&Column; 6] = [&UNIT, &UNIT_NAME, &CODE, &CRITERION, &MAX, &SURVEY_SCORE];
const C_MAX: u16 = 4;
const C_SCORE: u16 = 5;

/// The row (0-based) of the header; rows to fill start below it.
pub const HEADER_ROW: u32 = 2;

/// The template as bytes: for `unit` only, or for every unit of `units`. Fails if `unit` is not
/// one of them.
pub fn template_workbook(
    fw: &Framework,
    units: &UnitSet,
    year: u16,
    kind: TemplateKind,
    unit: Option<&str>,
    lang: Lang,
) -> Result<Vec<u8>, XlsxError> {
    let chosen: Vec<&Unit> = match unit {
        Some(code) => vec![units.unit(code).ok_or_else(|| {
            XlsxError::ParameterError(format!("unit {code} is not in the year's units"))
        })?],
        None => units.units.iter().collect(),
    };
    let method = match kind {
        TemplateKind::SelfAssessment => Method::Appraised,
        TemplateKind::Survey => Method::Survey,
    };
    let leaves: Vec<&Node> = fw.leaves().filter(|n| n.method == method).collect();
    let st = Styles::new();
    let mut wb = Workbook::new();
    let mut names = SheetNames::default();
    let sheet = names.take(match kind {
        TemplateKind::SelfAssessment => lang.pick("Tự đánh giá", "Self-assessment"),
        TemplateKind::Survey => lang.pick("Điểm điều tra", "Survey"),
    });
    let ws = wb.add_worksheet();
    ws.set_name(&sheet)?;
    fill_sheet(ws, &st, fw, year, kind, &chosen, &leaves, lang)?;
    let help = names.take(lang.pick("Hướng dẫn", "Instructions"));
    let ws = wb.add_worksheet();
    ws.set_name(&help)?;
    instructions(ws, &st, fw, kind, &sheet, lang)?;
    wb.save_to_buffer()
}

/// Write the template (see [`template_workbook`]) to `path`, atomically.
pub fn write_template(
    path: &Path,
    fw: &Framework,
    units: &UnitSet,
    year: u16,
    kind: TemplateKind,
    unit: Option<&str>,
    lang: Lang,
) -> io::Result<()> {
    let bytes = template_workbook(fw, units, year, kind, unit, lang).map_err(io_err)?;
    write_atomic(path, &bytes)
}

#[allow(clippy::too_many_arguments)]
fn fill_sheet(
    ws: &mut Worksheet,
    st: &Styles,
    fw: &Framework,
    year: u16,
    kind: TemplateKind,
    units: &[&Unit],
    leaves: &[&Node],
    lang: Lang,
) -> Result<(), XlsxError> {
    let columns: &[&Column] = match kind {
        TemplateKind::SelfAssessment => &SELF_COLUMNS,
        TemplateKind::Survey => &SURVEY_COLUMNS,
    };
    let last_col = columns.len() as u16 - 1;
    let whom = match units {
        [u] => format!(" — {} {}", u.code, u.name),
        _ => String::new(),
    };
    let title = match (kind, lang) {
        (TemplateKind::SelfAssessment, Lang::Vi) => {
            format!("Mẫu tự đánh giá Chỉ số CCHC năm {year}{whom}")
        }
        (TemplateKind::SelfAssessment, Lang::En) => {
            format!("PAR INDEX {year} self-assessment form{whom}")
        }
        (TemplateKind::Survey, Lang::Vi) => {
            format!("Mẫu nhập điểm điều tra xã hội học Chỉ số CCHC năm {year}{whom}")
        }
        (TemplateKind::Survey, Lang::En) => format!("PAR INDEX {year} survey points form{whom}"),
    };
    let step = step_of(fw, kind);
    let hint = match lang {
        Lang::Vi => format!(
            "Điền điểm vào cột tô vàng (từ 0 đến điểm tối đa, bội số của {}). Không đổi tên cột, \
             không sửa mã. Xem trang Hướng dẫn.",
            step.show(lang)
        ),
        Lang::En => format!(
            "Fill in the yellow column (from 0 to the maximum, a multiple of {}). Do not \
             rename the columns or change the codes. See the Instructions sheet.",
            step.show(lang)
        ),
    };
    ws.merge_range(0, 0, 0, last_col, &title, &st.title)?;
    ws.merge_range(1, 0, 1, last_col, &hint, &st.subtitle)?;
    for (c, col) in columns.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(HEADER_ROW, c, lang.pick(col.vi, col.en), &st.header)?;
        ws.set_column_width(c, col.width)?;
        let note = Note::new(format!(
            "{} / {}: {}\n{}",
            col.vi, col.en, col.help_en, col.help_vi
        ))
        .set_author("thamdinh")
        .add_author_prefix(false)
        .set_width(320)
        .set_height(120);
        ws.insert_note(HEADER_ROW, c, &note)?;
    }
    ws.set_row_height(HEADER_ROW, 30)?;
    let mut row = HEADER_ROW + 1;
    for u in units {
        for leaf in leaves {
            ws.write_string_with_format(row, 0, &u.code, &st.code)?;
            ws.write_string_with_format(row, 1, &u.name, &st.text)?;
            ws.write_string_with_format(row, 2, &leaf.code, &st.code)?;
            let name = match lang {
                Lang::En => leaf.name_en.as_deref().unwrap_or(&leaf.name),
                Lang::Vi => &leaf.name,
            };
            ws.write_string_with_format(row, 3, name, &st.wrap)?;
            ws.write_number_with_format(row, C_MAX, points_value(leaf.max), &st.points)?;
            ws.write_blank(row, C_SCORE, &st.input_points)?;
            for c in C_SCORE + 1..=last_col {
                ws.write_blank(row, c, &st.input_text)?;
            }
            row += 1;
        }
    }
    let last_row = row.saturating_sub(1).max(HEADER_ROW + 1);
    ws.add_data_validation(
        HEADER_ROW + 1,
        C_SCORE,
        last_row,
        C_SCORE,
        &score_validation(step, lang)?,
    )?;
    ws.set_freeze_panes(HEADER_ROW + 1, 3)?;
    ws.autofilter(HEADER_ROW, 0, last_row, last_col)?;
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
    Ok(())
}

fn step_of(fw: &Framework, kind: TemplateKind) -> Points {
    match kind {
        TemplateKind::SelfAssessment => fw.step,
        // Survey points are published with two decimals.
        TemplateKind::Survey => Points::from_hundredths(1),
    }
}

/// Excel's check of a score cell: a number from 0 to the row's maximum, a multiple of `step`.
/// The formula is written for the first row; Excel moves it down the column.
fn score_validation(step: Points, lang: Lang) -> Result<DataValidation, XlsxError> {
    let letter = rust_xlsxwriter::utility::column_number_to_name;
    let cell = format!("{}{}", letter(C_SCORE), HEADER_ROW + 2);
    let max = format!("${}{}", letter(C_MAX), HEADER_ROW + 2);
    let mut rule = format!("AND(ISNUMBER({cell}),{cell}>=0,{cell}<={max}");
    if step.hundredths() > 1 {
        rule.push_str(&format!(
            ",MOD(ROUND({cell}*100,0),{})=0",
            step.hundredths()
        ));
    }
    rule.push(')');
    let s = step.show(lang);
    let (title, input, error) = match lang {
        Lang::Vi => (
            "Điểm",
            format!("Số từ 0 đến điểm tối đa (cột E), bội số của {s}."),
            format!(
                "Điểm phải là một số từ 0 đến điểm tối đa của tiêu chí (cột E) và là bội số \
                 của {s}, ví dụ 0,75."
            ),
        ),
        Lang::En => (
            "Score",
            format!("A number from 0 to the maximum (column E), a multiple of {s}."),
            format!(
                "The score must be a number from 0 to the criterion's maximum (column E) and \
                 a multiple of {s}, such as 0.75."
            ),
        ),
    };
    DataValidation::new()
        .allow_custom(Formula::new(rule))
        .set_input_title(title)?
        .set_input_message(input)?
        .set_error_title(title)?
        .set_error_message(error)
        .map(|v| v.set_error_style(DataValidationErrorStyle::Stop))
}

fn instructions(
    ws: &mut Worksheet,
    st: &Styles,
    fw: &Framework,
    kind: TemplateKind,
    sheet: &str,
    lang: Lang,
) -> Result<(), XlsxError> {
    let step_vi = step_of(fw, kind).show(Lang::Vi);
    let step_en = step_of(fw, kind).show(Lang::En);
    let (cmd, what_vi, what_en) = match kind {
        TemplateKind::SelfAssessment => ("import self", "điểm tự đánh giá", "self-assessed scores"),
        TemplateKind::Survey => ("import survey", "điểm điều tra", "survey points"),
    };
    let mut lines: Vec<String> = vec![
        format!("Cách điền trang \"{sheet}\""),
        format!(
            "1. Mỗi dòng là một tiêu chí của một đơn vị. Ghi {what_vi} vào cột tô vàng: một số từ 0 \
             đến điểm tối đa, là bội số của {step_vi} (ghi 0,75 hoặc 0.75 đều được)."
        ),
        "2. Không đổi tên, không xóa các cột Mã đơn vị, Mã tiêu chí và cột điểm; không sửa mã. \
         Có thể xóa những dòng không dùng, thêm cột hay dòng tiêu đề khác thì không."
            .to_string(),
        "3. Mọi dòng còn lại phải có điểm: dòng thiếu điểm được báo lỗi và cả tệp chưa được nhập."
            .to_string(),
    ];
    if kind == TemplateKind::SelfAssessment {
        lines.push(
            "4. Tài liệu kiểm chứng: các tài liệu ngăn cách bởi dấu ;, mỗi tài liệu ghi \
             số hiệu|tên|ngày|liên kết, ví dụ 125/QĐ-UBND|Quyết định công bố TTHC|15/3/2024."
                .to_string(),
        );
    }
    lines.push(format!(
        "Nhập: thamdinh {cmd} TỆP.xlsx --dry-run (xem trước), rồi bỏ --dry-run để nhập. Tệp có \
         lỗi thì không dòng nào được nhập; mỗi lỗi ghi rõ trang tính, dòng, cột và lý do."
    ));
    lines.push(String::new());
    lines.push(format!("How to fill in the sheet \"{sheet}\""));
    lines.push(format!(
        "1. Each row is one criterion of one unit. Write the {what_en} in the yellow column: a \
         number from 0 to the maximum, a multiple of {step_en} (0.75 or 0,75)."
    ));
    lines.push(
        "2. Do not rename or delete the Unit, Code and score columns, and do not change the \
         codes. Rows you do not need may be deleted."
            .to_string(),
    );
    lines.push(
        "3. Every remaining row needs a score: a row without one is reported and nothing is \
         imported until the file is complete."
            .to_string(),
    );
    if kind == TemplateKind::SelfAssessment {
        lines.push(
            "4. Evidence: documents separated by ';', each number|title|date|link, e.g. \
             125/QĐ-UBND|Quyết định công bố TTHC|15/3/2024."
                .to_string(),
        );
    }
    lines.push(format!(
        "Import: thamdinh {cmd} FILE.xlsx --dry-run (preview), then without --dry-run. A file \
         with any problem imports nothing; each problem names its sheet, row, column and reason."
    ));
    // Vietnamese first unless the template is in English.
    if lang == Lang::En {
        let split = lines.iter().position(String::is_empty).unwrap_or(0);
        let mut en: Vec<String> = lines[split + 1..].to_vec();
        en.push(String::new());
        en.extend_from_slice(&lines[..split]);
        lines = en;
    }
    ws.set_column_width(0, 110)?;
    for (i, line) in lines.iter().enumerate() {
        let first_of_block = i == 0 || lines.get(i.wrapping_sub(1)).is_some_and(String::is_empty);
        let fmt = if first_of_block { &st.title } else { &st.note };
        ws.write_string_with_format(i as u32, 0, line, fmt)?;
    }
    Ok(())
}
