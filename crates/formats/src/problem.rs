//! What can be wrong with an import file (SPEC I2), and how to say it in Vietnamese and English.
//! Every problem names its row (the 1-based line of the file, header = 1; 0 = the whole file),
//! its column when it has one, and the reason; in a workbook also its sheet, and the column by its
//! letter and header ("C (Điểm tự đánh giá)").

use std::fmt;

use domain::Points;
use l10n::Lang;

/// One problem found in an import file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportProblem {
    /// Workbooks: the sheet the problem is on.
    pub sheet: Option<String>,
    /// 1-based line of the file where the row starts (header = 1); 0 for the whole file.
    pub row: usize,
    /// Header as written in the file (in a workbook: "C (header)"), or the canonical name for a
    /// missing column.
    pub column: Option<String>,
    pub kind: ProblemKind,
}

/// Why a reference in the evidence column is not usable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EvidenceProblem {
    /// More than the four parts `number|title|date|link`.
    TooManyParts { parts: usize },
    /// Neither a document number nor a title.
    NoNumberOrTitle,
    /// A date that is not `YYYY-MM-DD` or `D/M/YYYY`.
    BadDate { date: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// The file is not UTF-8; `offset` is the byte offset of the first invalid byte.
    NotUtf8 {
        offset: usize,
    },
    EmptyFile,
    /// A header row but no data rows.
    NoDataRows,
    /// A required column is missing; `accepted` lists the header names that would do.
    MissingColumn {
        accepted: Vec<String>,
    },
    /// A header that is none of the allowed names.
    UnknownColumn {
        allowed: Vec<String>,
    },
    /// Two headers name the same column.
    DuplicateColumn {
        first: String,
    },
    /// A column without a header that holds values; the problem's column is "#N".
    UnnamedColumn,
    WrongFieldCount {
        expected: usize,
        found: usize,
    },
    /// A required cell is empty.
    EmptyCell,
    UnknownUnit {
        unit: String,
    },
    UnknownCriterion {
        code: String,
    },
    /// A criterion with sub-criteria; `example` is one of its leaves.
    NotALeaf {
        code: String,
        example: String,
    },
    /// A survey leaf in a self-assessment file.
    SurveyCriterion {
        code: String,
    },
    /// An appraised leaf in a survey file.
    NotSurveyCriterion {
        code: String,
    },
    NotANumber {
        text: String,
    },
    TooManyDecimals {
        text: String,
    },
    NumberTooLarge {
        text: String,
    },
    Negative {
        score: Points,
    },
    OverMax {
        score: Points,
        max: Points,
        code: String,
    },
    OffStep {
        score: Points,
        step: Points,
        code: String,
    },
    /// The same unit and criterion appear on an earlier row.
    DuplicateRow {
        unit: String,
        code: String,
        first_row: usize,
    },
    /// Reference number `reference` (1-based) of the evidence cell is bad.
    BadEvidence {
        reference: usize,
        problem: EvidenceProblem,
    },
    /// The CSV reader itself refused the file.
    Csv {
        message: String,
    },
    /// The file was taken for a workbook (by its name or content) but no reader could open it:
    /// it holds plain text (a CSV file named .xlsx), or the reader's `detail`.
    NotAWorkbook {
        plain_text: bool,
        detail: String,
    },
    /// `--sheet` names no sheet of the workbook; `sheets` are the ones it has.
    UnknownSheet {
        name: String,
        sheets: Vec<String>,
    },
    /// The workbook has no visible worksheet.
    NoWorksheet,
    /// The sheet has no cell with a value.
    EmptySheet,
    /// The sheet exists but could not be read.
    SheetUnreadable {
        detail: String,
    },
    /// The sheet's cells reach beyond Excel's limits, or span more cells than are read: `last`
    /// is the farthest cell ("XFD1048577"), `rows` × `columns` the area from the first cell.
    SheetTooLarge {
        last: String,
        rows: u64,
        columns: u64,
    },
}

impl ImportProblem {
    pub fn new(row: usize, column: Option<&str>, kind: ProblemKind) -> ImportProblem {
        ImportProblem {
            sheet: None,
            row,
            column: column.map(str::to_string),
            kind,
        }
    }

    /// The same problem, placed on a workbook's sheet.
    pub fn on_sheet(mut self, sheet: Option<&str>) -> ImportProblem {
        self.sheet = sheet.map(str::to_string);
        self
    }

    /// "row 5, column self_score: score 2.50 is over the maximum 1.50 of 3.2.1" in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let mut s = String::new();
        let (row_w, col_w, file_w, sheet_w) = match lang {
            Lang::Vi => ("dòng", "cột", "tệp", "trang tính"),
            Lang::En => ("row", "column", "file", "sheet"),
        };
        match (&self.sheet, self.row) {
            (Some(sh), 0) => s.push_str(&format!("{sheet_w} \"{sh}\"")),
            (Some(sh), r) => s.push_str(&format!("{sheet_w} \"{sh}\", {row_w} {r}")),
            (None, 0) => s.push_str(file_w),
            (None, r) => s.push_str(&format!("{row_w} {r}")),
        }
        if let Some(c) = &self.column {
            s.push_str(&format!(", {col_w} {c}"));
        }
        s.push_str(": ");
        s.push_str(&self.kind.message(lang));
        s
    }
}

impl fmt::Display for ImportProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for ImportProblem {}

fn pts(p: Points, lang: Lang) -> String {
    p.display_with(lang == Lang::Vi)
}

impl EvidenceProblem {
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (EvidenceProblem::TooManyParts { parts }, Lang::En) => format!(
                "has {parts} parts separated by '|'; write at most number|title|date|link \
                 and separate references with ';'"
            ),
            (EvidenceProblem::TooManyParts { parts }, Lang::Vi) => format!(
                "có {parts} phần ngăn cách bởi '|'; chỉ ghi tối đa số hiệu|tên|ngày|liên kết \
                 và ngăn cách các tài liệu bằng ';'"
            ),
            (EvidenceProblem::NoNumberOrTitle, Lang::En) => {
                "has neither a document number nor a title".to_string()
            }
            (EvidenceProblem::NoNumberOrTitle, Lang::Vi) => {
                "không có số hiệu văn bản cũng không có tên tài liệu".to_string()
            }
            (EvidenceProblem::BadDate { date }, Lang::En) => format!(
                "has the date \"{date}\", which is not a date; write 2024-03-15 or 15/3/2024"
            ),
            (EvidenceProblem::BadDate { date }, Lang::Vi) => {
                format!("có ngày \"{date}\" không hợp lệ; hãy ghi dạng 2024-03-15 hoặc 15/3/2024")
            }
        }
    }
}

impl ProblemKind {
    pub fn message(&self, lang: Lang) -> String {
        use ProblemKind::*;
        let en = lang == Lang::En;
        match self {
            NotUtf8 { offset } => {
                if en {
                    format!(
                        "the file is not UTF-8 text (first invalid byte at offset {offset}); \
                         in Excel save it as \"CSV UTF-8\""
                    )
                } else {
                    format!(
                        "tệp không phải văn bản UTF-8 (byte không hợp lệ đầu tiên ở vị trí \
                         {offset}); trong Excel hãy lưu dưới dạng \"CSV UTF-8\""
                    )
                }
            }
            EmptyFile => {
                if en {
                    "the file is empty; it needs a header row and one row per unit and criterion"
                        .to_string()
                } else {
                    "tệp rỗng; cần một dòng tiêu đề và mỗi dòng một đơn vị, một tiêu chí"
                        .to_string()
                }
            }
            NoDataRows => {
                if en {
                    "the file has a header row but no data rows".to_string()
                } else {
                    "tệp có dòng tiêu đề nhưng không có dòng dữ liệu nào".to_string()
                }
            }
            MissingColumn { accepted } => {
                let list = accepted.join(", ");
                if en {
                    format!("required column is missing; name it one of: {list}")
                } else {
                    format!("thiếu cột bắt buộc; hãy đặt tên cột là một trong: {list}")
                }
            }
            UnknownColumn { allowed } => {
                let list = allowed.join(", ");
                if en {
                    format!("unknown column; allowed columns: {list}")
                } else {
                    format!("cột không hợp lệ; các cột được phép: {list}")
                }
            }
            DuplicateColumn { first } => {
                if en {
                    format!("names the same column as \"{first}\"; keep only one of them")
                } else {
                    format!("trùng nội dung với cột \"{first}\"; chỉ giữ lại một cột")
                }
            }
            UnnamedColumn => {
                if en {
                    "a column without a header holds values; give it a header or delete it"
                        .to_string()
                } else {
                    "một cột không có tiêu đề nhưng có dữ liệu; hãy đặt tiêu đề hoặc xóa cột"
                        .to_string()
                }
            }
            WrongFieldCount { expected, found } => {
                if en {
                    format!(
                        "has {found} fields but the header has {expected}; put text containing \
                         the separator in double quotes"
                    )
                } else {
                    format!(
                        "có {found} ô nhưng dòng tiêu đề có {expected} cột; hãy đặt văn bản có \
                         chứa dấu phân cách trong dấu ngoặc kép"
                    )
                }
            }
            EmptyCell => {
                if en {
                    "required value is empty".to_string()
                } else {
                    "ô bắt buộc đang để trống".to_string()
                }
            }
            UnknownUnit { unit } => {
                if en {
                    format!("unknown unit \"{unit}\"; use a unit code from the units file")
                } else {
                    format!("không có đơn vị \"{unit}\"; hãy dùng mã đơn vị trong danh mục đơn vị")
                }
            }
            UnknownCriterion { code } => {
                if en {
                    format!("unknown criterion \"{code}\"; use a code from the framework")
                } else {
                    format!("không có tiêu chí \"{code}\"; hãy dùng mã trong bộ tiêu chí")
                }
            }
            NotALeaf { code, example } => {
                if en {
                    format!(
                        "criterion {code} has sub-criteria; score each of them (such as \
                         {example}) instead"
                    )
                } else {
                    format!(
                        "tiêu chí {code} có tiêu chí thành phần; hãy chấm từng tiêu chí thành \
                         phần (ví dụ {example})"
                    )
                }
            }
            SurveyCriterion { code } => {
                if en {
                    format!(
                        "criterion {code} is scored by the survey and cannot be self-scored; \
                         import it with the survey import"
                    )
                } else {
                    format!(
                        "tiêu chí {code} được chấm qua điều tra xã hội học, đơn vị không tự \
                         chấm; hãy nhập bằng chức năng nhập điểm điều tra"
                    )
                }
            }
            NotSurveyCriterion { code } => {
                if en {
                    format!(
                        "criterion {code} is not scored by the survey; a survey file may only \
                         hold survey criteria"
                    )
                } else {
                    format!(
                        "tiêu chí {code} không chấm qua điều tra xã hội học; tệp điểm điều tra \
                         chỉ được chứa các tiêu chí điều tra"
                    )
                }
            }
            NotANumber { text } => {
                if en {
                    format!("\"{text}\" is not a number; write a score such as 0.75 or 0,75")
                } else {
                    format!("\"{text}\" không phải là số; hãy ghi điểm dạng 0,75 hoặc 0.75")
                }
            }
            TooManyDecimals { text } => {
                if en {
                    format!("\"{text}\" has more than two decimals")
                } else {
                    format!("\"{text}\" có quá hai chữ số thập phân")
                }
            }
            NumberTooLarge { text } => {
                if en {
                    format!("\"{text}\" is too large to be a score")
                } else {
                    format!("\"{text}\" quá lớn, không thể là điểm")
                }
            }
            Negative { score } => {
                if en {
                    format!("score {} is negative", pts(*score, lang))
                } else {
                    format!("điểm {} là số âm", pts(*score, lang))
                }
            }
            OverMax { score, max, code } => {
                if en {
                    format!(
                        "score {} is over the maximum {} of {code}",
                        pts(*score, lang),
                        pts(*max, lang)
                    )
                } else {
                    format!(
                        "điểm {} vượt điểm tối đa {} của tiêu chí {code}",
                        pts(*score, lang),
                        pts(*max, lang)
                    )
                }
            }
            OffStep { score, step, code } => {
                if en {
                    format!(
                        "score {} of {code} is not a multiple of the step {}",
                        pts(*score, lang),
                        pts(*step, lang)
                    )
                } else {
                    format!(
                        "điểm {} của tiêu chí {code} không phải bội số của bước chấm {}",
                        pts(*score, lang),
                        pts(*step, lang)
                    )
                }
            }
            DuplicateRow {
                unit,
                code,
                first_row,
            } => {
                if en {
                    format!(
                        "unit {unit}, criterion {code} already appears on row {first_row}; \
                         keep one row"
                    )
                } else {
                    format!(
                        "đơn vị {unit}, tiêu chí {code} đã có ở dòng {first_row}; chỉ giữ một dòng"
                    )
                }
            }
            BadEvidence { reference, problem } => {
                if en {
                    format!("evidence reference {reference} {}", problem.message(lang))
                } else {
                    format!(
                        "tài liệu kiểm chứng thứ {reference} {}",
                        problem.message(lang)
                    )
                }
            }
            Csv { message } => {
                if en {
                    format!("the CSV reader refused the file: {message}")
                } else {
                    format!("không đọc được tệp CSV: {message}")
                }
            }
            NotAWorkbook {
                plain_text: true, ..
            } => {
                if en {
                    "the file holds plain text, not a workbook; if it is CSV, name it .csv"
                        .to_string()
                } else {
                    "tệp chứa văn bản thuần, không phải sổ tính; nếu là tệp CSV hãy đặt tên có \
                     đuôi .csv"
                        .to_string()
                }
            }
            NotAWorkbook { detail, .. } => {
                if en {
                    format!(
                        "the file is not a workbook that can be read ({detail}); save it from \
                         Excel as \"Excel Workbook (.xlsx)\""
                    )
                } else {
                    format!(
                        "tệp không phải sổ tính đọc được ({detail}); hãy lưu lại từ Excel dưới \
                         dạng \"Excel Workbook (.xlsx)\""
                    )
                }
            }
            UnknownSheet { name, sheets } => {
                let list = sheets
                    .iter()
                    .map(|s| format!("\"{s}\""))
                    .collect::<Vec<_>>()
                    .join(", ");
                if en {
                    format!("the workbook has no sheet \"{name}\"; its sheets are: {list}")
                } else {
                    format!(
                        "sổ tính không có trang tính \"{name}\"; các trang tính hiện có: {list}"
                    )
                }
            }
            NoWorksheet => {
                if en {
                    "the workbook has no visible worksheet".to_string()
                } else {
                    "sổ tính không có trang tính nào đang hiển thị".to_string()
                }
            }
            EmptySheet => {
                if en {
                    "the sheet is empty; it needs a header row and one row per unit and criterion"
                        .to_string()
                } else {
                    "trang tính trống; cần một dòng tiêu đề và mỗi dòng một đơn vị, một tiêu chí"
                        .to_string()
                }
            }
            SheetUnreadable { detail } => {
                if en {
                    format!("the sheet could not be read: {detail}")
                } else {
                    format!("không đọc được trang tính: {detail}")
                }
            }
            SheetTooLarge {
                last,
                rows,
                columns,
            } => {
                if en {
                    format!(
                        "the sheet's cells reach {last} ({rows} rows × {columns} columns), more \
                         than can be read (Excel's limits, and at most 5,000,000 cells); delete \
                         the cells outside the table and save the file again"
                    )
                } else {
                    format!(
                        "các ô của trang tính kéo tới {last} ({rows} dòng × {columns} cột), vượt \
                         quá mức đọc được (giới hạn của Excel, và tối đa 5.000.000 ô); hãy xoá \
                         các ô nằm ngoài bảng rồi lưu lại tệp"
                    )
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_row_column_and_reason_in_both_languages() {
        let p = ImportProblem::new(
            5,
            Some("self_score"),
            ProblemKind::OverMax {
                score: Points::from_hundredths(250),
                max: Points::from_hundredths(150),
                code: "3.2.1".into(),
            },
        );
        assert_eq!(
            p.to_string(),
            "row 5, column self_score: score 2.50 is over the maximum 1.50 of 3.2.1"
        );
        assert_eq!(
            p.message(Lang::Vi),
            "dòng 5, cột self_score: điểm 2,50 vượt điểm tối đa 1,50 của tiêu chí 3.2.1"
        );
        let f = ImportProblem::new(0, None, ProblemKind::EmptyFile);
        assert!(f.to_string().starts_with("file: the file is empty"));
        assert!(f.message(Lang::Vi).starts_with("tệp: tệp rỗng"));
    }
}
