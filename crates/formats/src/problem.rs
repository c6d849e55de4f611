//! What can be wrong with an import file (SPEC I2), and how to say it in Vietnamese and English.
//! Every problem names its row (the 1-based line of the file, header = 1; 0 = the whole file),
//! its column when it has one, and the reason; in a workbook also its sheet, and the column by its
//! letter and header ("C (Điểm tự đánh giá)").
//!
//! A bad file is described by [`Problems`]: the first [`MAX_LISTED`] problems in file order and
//! the number of the others, so that a file of a million bad rows is neither printed nor held in
//! memory problem by problem. Cell texts quoted in a problem are cut to [`QUOTE_CHARS`].

use std::fmt;
use std::ops::Deref;

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

/// Problems listed, at most: the others are only counted ([`Problems::more`]).
pub const MAX_LISTED: usize = 1000;

/// Characters of a cell's text quoted in a problem ("unknown unit \"…\""); a longer text is cut
/// and ends with "…".
pub const QUOTE_CHARS: usize = 80;

/// A cell's text as a problem quotes it: cut to [`QUOTE_CHARS`] characters.
pub fn quote_cell(text: &str) -> String {
    match text.char_indices().nth(QUOTE_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// The problems of one file: the first [`MAX_LISTED`] in the order they were found, and how
/// many more there are. It reads as the slice of the listed ones (`len()` counts those;
/// [`Problems::total`] counts all).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Problems {
    listed: Vec<ImportProblem>,
    more: usize,
}

impl Problems {
    pub fn new() -> Problems {
        Problems::default()
    }

    /// Record a problem: listed while fewer than [`MAX_LISTED`] are, counted after.
    pub fn push(&mut self, p: ImportProblem) {
        if self.listed.len() < MAX_LISTED {
            self.listed.push(p);
        } else {
            self.more += 1;
        }
    }

    /// Problems found beyond the listed ones.
    pub fn more(&self) -> usize {
        self.more
    }

    /// Every problem found, listed or not.
    pub fn total(&self) -> usize {
        self.listed.len() + self.more
    }

    /// Forget the problems found after the first `total` (a row that turned out to be skipped).
    pub fn truncate_total(&mut self, total: usize) {
        let mut drop = self.total().saturating_sub(total);
        let from_more = drop.min(self.more);
        self.more -= from_more;
        drop -= from_more;
        let keep = self.listed.len().saturating_sub(drop);
        self.listed.truncate(keep);
    }

    /// Add `other`'s problems, listed and counted, after these.
    pub fn append(&mut self, other: Problems) {
        let more = other.more;
        for p in other.listed {
            self.push(p);
        }
        self.more += more;
    }

    /// Place every problem on a workbook's sheet.
    pub fn on_sheet(mut self, sheet: Option<&str>) -> Problems {
        for p in &mut self.listed {
            p.sheet = sheet.map(str::to_string);
        }
        self
    }

    /// The listed problems.
    pub fn into_listed(self) -> Vec<ImportProblem> {
        self.listed
    }

    /// "… và 4.000 lỗi khác" / "… and 4,000 more" when problems were left out of the list.
    pub fn more_message(&self, lang: Lang) -> Option<String> {
        (self.more > 0).then(|| match lang {
            Lang::Vi => format!("… và {} lỗi khác", count(self.more, lang)),
            Lang::En => format!("… and {} more", count(self.more, lang)),
        })
    }
}

impl Deref for Problems {
    type Target = [ImportProblem];
    fn deref(&self) -> &[ImportProblem] {
        &self.listed
    }
}

impl From<ImportProblem> for Problems {
    fn from(p: ImportProblem) -> Problems {
        Problems {
            listed: vec![p],
            more: 0,
        }
    }
}

impl From<Vec<ImportProblem>> for Problems {
    fn from(v: Vec<ImportProblem>) -> Problems {
        let mut out = Problems::new();
        for p in v {
            out.push(p);
        }
        out
    }
}

impl IntoIterator for Problems {
    type Item = ImportProblem;
    type IntoIter = std::vec::IntoIter<ImportProblem>;
    fn into_iter(self) -> Self::IntoIter {
        self.listed.into_iter()
    }
}

impl<'a> IntoIterator for &'a Problems {
    type Item = &'a ImportProblem;
    type IntoIter = std::slice::Iter<'a, ImportProblem>;
    fn into_iter(self) -> Self::IntoIter {
        self.listed.iter()
    }
}

/// A count with the thousands separator of `lang`: "4.000" (vi), "4,000" (en).
pub fn count(n: usize, lang: Lang) -> String {
    let sep = match lang {
        Lang::Vi => '.',
        Lang::En => ',',
    };
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// Which part of an evidence reference `number|title|date|link`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EvidencePart {
    Number,
    Title,
    Date,
    Link,
}

impl EvidencePart {
    pub const ALL: [EvidencePart; 4] = [
        EvidencePart::Number,
        EvidencePart::Title,
        EvidencePart::Date,
        EvidencePart::Link,
    ];

    pub fn name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (EvidencePart::Number, Lang::Vi) => "số hiệu",
            (EvidencePart::Number, Lang::En) => "document number",
            (EvidencePart::Title, Lang::Vi) => "tên tài liệu",
            (EvidencePart::Title, Lang::En) => "title",
            (EvidencePart::Date, Lang::Vi) => "ngày",
            (EvidencePart::Date, Lang::En) => "date",
            (EvidencePart::Link, Lang::Vi) => "liên kết",
            (EvidencePart::Link, Lang::En) => "link",
        }
    }
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
    /// A part longer than `domain::limits::SHORT_TEXT` bytes.
    PartTooLong {
        part: EvidencePart,
        bytes: usize,
        limit: usize,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// The file is not UTF-8; `offset` is the byte offset of the first invalid byte.
    NotUtf8 {
        offset: usize,
    },
    EmptyFile,
    /// The file could not be read to its end (an error of the disk or the file system).
    Unreadable {
        reason: String,
    },
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
    /// In a comma-separated file, a whole-number score followed by a note of one or two digits
    /// only: `0,5` written without quotes, read as the score 0 and the note "5".
    SplitDecimal {
        whole: String,
        fraction: String,
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
    /// A quoted value opened on this row is still open at the end of the file.
    UnterminatedQuote,
    /// A cell holds a NUL byte.
    NulByte,
    /// A number written in a refused form ("+1", ".5", "0.", "-0"); `expected` is how to write
    /// it, with '.' (see `domain::PointsError::Form`).
    NumberForm {
        text: String,
        expected: String,
    },
    /// A cell's text is longer than its column may hold (`domain::limits`).
    TextTooLong {
        bytes: usize,
        limit: usize,
    },
    /// The evidence cell lists more references than an item may have.
    TooManyReferences {
        count: usize,
        limit: usize,
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
    /// Several sheets of a workbook read without `--sheet` hold rows for the same item
    /// (`unit`, `leaf`): which one counts is not clear.
    SheetsOverlap {
        sheets: Vec<String>,
        /// (unit, leaf), boxed so that this rare variant does not make every problem larger.
        item: Box<(String, String)>,
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
    /// Published results: the unit cell names no unit, region or "Cả nước" of the unit set
    /// (`units`: its id).
    NotAResultsUnit {
        text: String,
        units: String,
    },
    /// Published results: an index or an area's points outside 0–100.
    IndexOutOfRange {
        text: String,
    },
    /// Published results: a rank that is not a whole number from 1 to the number of units.
    BadRank {
        text: String,
        units: usize,
    },
    /// Published results: an average row with a rank.
    RankOnAverage,
    /// Published results: a province without a rank while others have one.
    RanksPartly,
    /// Published results: the same province or average on an earlier row.
    DuplicateResult {
        what: String,
        first_row: usize,
    },
    /// Survey responses: an answer that is not a level of the scale (its number or its words).
    BadLevel {
        text: String,
        levels: Vec<String>,
    },
    /// Survey responses: a channel other than online, counter or paper.
    BadChannel {
        text: String,
    },
    /// Survey responses: a date that is not dd/mm/yyyy.
    BadDate {
        text: String,
    },
    /// Survey responses: the same respondent on an earlier row.
    DuplicateRespondent {
        first_row: usize,
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
    p.show(lang)
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
            (EvidenceProblem::PartTooLong { part, bytes, limit }, Lang::En) => format!(
                "has a {} of {} bytes, more than the {} allowed; shorten it",
                part.name(lang),
                count(*bytes, lang),
                count(*limit, lang)
            ),
            (EvidenceProblem::PartTooLong { part, bytes, limit }, Lang::Vi) => format!(
                "có {} dài {} byte, vượt quá {} byte cho phép; hãy rút gọn",
                part.name(lang),
                count(*bytes, lang),
                count(*limit, lang)
            ),
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
            Unreadable { reason } => {
                if en {
                    format!("the file could not be read to its end: {reason}")
                } else {
                    format!("không đọc được hết tệp: {reason}")
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
                    let comma = if found > expected {
                        ", and a score with a decimal comma too (\"0,5\"), or write it 0.5"
                    } else {
                        ""
                    };
                    format!(
                        "has {found} fields but the header has {expected}; put text containing \
                         the separator in double quotes{comma}"
                    )
                } else {
                    let comma = if found > expected {
                        ", kể cả điểm viết bằng dấu phẩy thập phân (\"0,5\"), hoặc viết điểm là 0.5"
                    } else {
                        ""
                    };
                    format!(
                        "có {found} ô nhưng dòng tiêu đề có {expected} cột; hãy đặt văn bản có \
                         chứa dấu phân cách trong dấu ngoặc kép{comma}"
                    )
                }
            }
            SplitDecimal { whole, fraction } => {
                if en {
                    format!(
                        "the score {whole} is followed by the note \"{fraction}\": is this the \
                         score {whole},{fraction} written with a decimal comma and no quotes? \
                         Write \"{whole},{fraction}\" in quotes or {whole}.{fraction}; a note \
                         is written in words"
                    )
                } else {
                    format!(
                        "điểm {whole} đi liền ghi chú \"{fraction}\": có phải là điểm \
                         {whole},{fraction} viết bằng dấu phẩy thập phân mà không đặt trong ngoặc \
                         kép? Hãy viết \"{whole},{fraction}\" (trong ngoặc kép) hoặc \
                         {whole}.{fraction}; ghi chú thì viết bằng chữ"
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
            UnterminatedQuote => {
                if en {
                    "a double quote (\") opens a value here that is never closed, so the rest of \
                     the file would be read as this one cell; add the closing double quote or \
                     remove the opening one, then save the file again"
                        .to_string()
                } else {
                    "dấu ngoặc kép (\") mở một giá trị ở đây nhưng không được đóng, nên toàn bộ \
                     phần còn lại của tệp sẽ bị đọc thành một ô; hãy thêm dấu ngoặc kép đóng \
                     hoặc xoá dấu mở rồi lưu lại tệp"
                        .to_string()
                }
            }
            NulByte => {
                if en {
                    "the cell holds a NUL character (byte 0), which text never contains: the \
                     file is damaged or was not saved as text; in Excel save it again as \
                     \"CSV UTF-8\", or delete the character"
                        .to_string()
                } else {
                    "ô chứa ký tự NUL (byte 0), văn bản bình thường không bao giờ có: tệp bị \
                     hỏng hoặc không được lưu dạng văn bản; trong Excel hãy lưu lại dưới dạng \
                     \"CSV UTF-8\", hoặc xoá ký tự đó"
                        .to_string()
                }
            }
            NumberForm { text, expected } => {
                let forms = domain::points::PointsError::both_forms(expected, !en);
                if en {
                    format!(
                        "\"{text}\" is not how a score is written (no '+', no '-0', a digit on \
                         both sides of the decimal separator); write {forms}"
                    )
                } else {
                    format!(
                        "\"{text}\" không đúng cách viết điểm (không dùng dấu '+', không viết \
                         '-0', phải có chữ số ở cả hai bên dấu thập phân); hãy viết {forms}"
                    )
                }
            }
            TextTooLong { bytes, limit } => {
                let kib = if limit.is_multiple_of(1024) {
                    format!(" ({} KiB)", limit / 1024)
                } else {
                    String::new()
                };
                if en {
                    format!(
                        "the text has {} bytes, more than the {} bytes{kib} this column may hold; \
                         shorten it, or put the details in an evidence document and cite it",
                        count(*bytes, lang),
                        count(*limit, lang)
                    )
                } else {
                    format!(
                        "văn bản dài {} byte, vượt quá {} byte{kib} cho phép ở cột này; hãy rút \
                         gọn, hoặc đưa nội dung chi tiết vào tài liệu kiểm chứng và dẫn chiếu",
                        count(*bytes, lang),
                        count(*limit, lang)
                    )
                }
            }
            TooManyReferences { count: n, limit } => {
                if en {
                    format!(
                        "the cell lists {} evidence references, more than the {} an item may \
                         have; keep the {} that matter most, or cite one document that lists \
                         the others",
                        count(*n, lang),
                        count(*limit, lang),
                        count(*limit, lang)
                    )
                } else {
                    format!(
                        "ô có {} tài liệu kiểm chứng, vượt quá {} tài liệu cho mỗi tiêu chí; \
                         hãy giữ lại {} tài liệu quan trọng nhất, hoặc dẫn chiếu một văn bản \
                         liệt kê các tài liệu còn lại",
                        count(*n, lang),
                        count(*limit, lang),
                        count(*limit, lang)
                    )
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
            SheetsOverlap { sheets, item } => {
                let (unit, leaf) = item.as_ref();
                let list = sheets
                    .iter()
                    .map(|s| format!("\"{s}\""))
                    .collect::<Vec<_>>()
                    .join(", ");
                let first = sheets.first().map(String::as_str).unwrap_or_default();
                if en {
                    format!(
                        "the sheets {list} all hold a row for unit {unit}, criterion {leaf}, so \
                         which one counts is not clear; import one sheet with --sheet, e.g. \
                         --sheet \"{first}\""
                    )
                } else {
                    format!(
                        "các trang tính {list} cùng có dòng cho đơn vị {unit}, tiêu chí {leaf}, \
                         nên không rõ trang nào là đúng; hãy nhập từng trang bằng --sheet, ví dụ \
                         --sheet \"{first}\""
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
            NotAResultsUnit { text, units } => {
                if en {
                    format!(
                        "\"{text}\" is not a unit code or name, a region or \"Cả nước\" (national average) of the unit set {units}; write the province's code, e.g. 22"
                    )
                } else {
                    format!(
                        "\"{text}\" không phải mã hay tên đơn vị, tên vùng hay \"Cả nước\" (trung bình cả nước) của bộ đơn vị {units}; hãy ghi mã tỉnh, ví dụ 22"
                    )
                }
            }
            IndexOutOfRange { text } => {
                if en {
                    format!(
                        "{text} is not between 0 and 100; write the points out of 100, e.g. 91.80"
                    )
                } else {
                    format!(
                        "{text} không nằm trong khoảng 0 đến 100; hãy ghi số điểm trên 100, ví dụ 91,80"
                    )
                }
            }
            BadRank { text, units } => {
                if en {
                    format!(
                        "rank \"{text}\" is not a whole number from 1 to {units}; write the published rank, e.g. 3"
                    )
                } else {
                    format!(
                        "hạng \"{text}\" không phải số nguyên từ 1 đến {units}; hãy ghi hạng đã công bố, ví dụ 3"
                    )
                }
            }
            RankOnAverage => {
                if en {
                    "an average has no rank; leave this cell empty".to_string()
                } else {
                    "dòng điểm trung bình không có hạng; để trống ô này".to_string()
                }
            }
            RanksPartly => {
                if en {
                    "no rank while other provinces have one; give every province its published rank, or leave the rank column out".to_string()
                } else {
                    "thiếu hạng trong khi các tỉnh khác có hạng; ghi hạng đã công bố cho mọi tỉnh, hoặc bỏ cột hạng".to_string()
                }
            }
            DuplicateResult { what, first_row } => {
                if en {
                    format!("{what} already appears on row {first_row}; keep one row")
                } else {
                    format!("{what} đã có ở dòng {first_row}; chỉ giữ một dòng")
                }
            }
            BadLevel { text, levels } => {
                let list = levels
                    .iter()
                    .enumerate()
                    .map(|(i, l)| format!("{} = {l}", i + 1))
                    .collect::<Vec<_>>()
                    .join(", ");
                if en {
                    format!(
                        "\"{text}\" is not an answer on the scale; write the level's number or its words ({list}), or leave the cell empty for no answer"
                    )
                } else {
                    format!(
                        "\"{text}\" không phải là một mức của thang đo; hãy ghi số hoặc tên mức ({list}), hoặc để trống nếu không trả lời"
                    )
                }
            }
            BadChannel { text } => {
                if en {
                    format!(
                        "unknown channel \"{text}\"; write online, counter or paper (trực tuyến, quầy, giấy)"
                    )
                } else {
                    format!(
                        "kênh \"{text}\" không hợp lệ; hãy ghi trực tuyến, quầy hoặc giấy (online, counter, paper)"
                    )
                }
            }
            BadDate { text } => {
                if en {
                    format!("\"{text}\" is not a date; write it as dd/mm/yyyy, like 15/03/2024")
                } else {
                    format!(
                        "\"{text}\" không phải là ngày; hãy ghi theo dạng dd/mm/yyyy, như 15/03/2024"
                    )
                }
            }
            DuplicateRespondent { first_row } => {
                if en {
                    format!(
                        "the same respondent already answered on row {first_row}; keep one response per respondent"
                    )
                } else {
                    format!(
                        "người trả lời này đã có phiếu ở dòng {first_row}; mỗi người chỉ giữ một phiếu"
                    )
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

    #[test]
    fn problems_list_the_first_thousand_and_count_the_rest() {
        let mut ps = Problems::new();
        for row in 1..=MAX_LISTED + 2500 {
            ps.push(ImportProblem::new(row, None, ProblemKind::EmptyCell));
        }
        assert_eq!(ps.len(), MAX_LISTED);
        assert_eq!(ps.more(), 2500);
        assert_eq!(ps.total(), MAX_LISTED + 2500);
        assert_eq!(ps[0].row, 1);
        assert_eq!(ps[MAX_LISTED - 1].row, MAX_LISTED);
        assert_eq!(
            ps.more_message(Lang::Vi).as_deref(),
            Some("… và 2.500 lỗi khác")
        );
        assert_eq!(
            ps.more_message(Lang::En).as_deref(),
            Some("… and 2,500 more")
        );
        // Forgetting the last problems takes the counted ones first.
        ps.truncate_total(MAX_LISTED + 10);
        assert_eq!((ps.len(), ps.more()), (MAX_LISTED, 10));
        ps.truncate_total(5);
        assert_eq!((ps.len(), ps.more()), (5, 0));
        assert_eq!(ps.more_message(Lang::En), None);
        assert_eq!(Problems::from(vec![ps[0].clone(); 1500]).total(), 1500);
    }

    #[test]
    fn counts_and_quotes() {
        assert_eq!(count(0, Lang::Vi), "0");
        assert_eq!(count(999, Lang::En), "999");
        assert_eq!(count(1000, Lang::Vi), "1.000");
        assert_eq!(count(16384, Lang::En), "16,384");
        assert_eq!(count(73_400_320, Lang::Vi), "73.400.320");
        assert_eq!(quote_cell("44"), "44");
        let long = "đ".repeat(QUOTE_CHARS + 5);
        let q = quote_cell(&long);
        assert_eq!(q.chars().count(), QUOTE_CHARS + 1);
        assert!(q.ends_with('…'));
    }

    #[test]
    fn new_problems_say_what_where_and_what_to_do() {
        let msg = |kind: ProblemKind, lang| ImportProblem::new(7, Some("note"), kind).message(lang);
        assert_eq!(
            msg(
                ProblemKind::TextTooLong {
                    bytes: 20_000,
                    limit: 16_384
                },
                Lang::En
            ),
            "row 7, column note: the text has 20,000 bytes, more than the 16,384 bytes (16 KiB) \
             this column may hold; shorten it, or put the details in an evidence document and \
             cite it"
        );
        assert_eq!(
            msg(
                ProblemKind::TextTooLong {
                    bytes: 20_000,
                    limit: 16_384
                },
                Lang::Vi
            ),
            "dòng 7, cột note: văn bản dài 20.000 byte, vượt quá 16.384 byte (16 KiB) cho phép \
             ở cột này; hãy rút gọn, hoặc đưa nội dung chi tiết vào tài liệu kiểm chứng và dẫn \
             chiếu"
        );
        let form = ProblemKind::NumberForm {
            text: ".5".into(),
            expected: "0.5".into(),
        };
        assert!(msg(form.clone(), Lang::Vi).ends_with("hãy viết 0,5 hoặc 0.5"));
        assert!(msg(form, Lang::En).ends_with("write 0.5 or 0,5"));
        for kind in [
            ProblemKind::UnterminatedQuote,
            ProblemKind::NulByte,
            ProblemKind::TooManyReferences {
                count: 101,
                limit: 100,
            },
            ProblemKind::BadEvidence {
                reference: 2,
                problem: EvidenceProblem::PartTooLong {
                    part: EvidencePart::Title,
                    bytes: 2000,
                    limit: 1024,
                },
            },
        ] {
            let vi = msg(kind.clone(), Lang::Vi);
            let en = msg(kind, Lang::En);
            assert!(vi.starts_with("dòng 7, cột note: ") && en.starts_with("row 7, column note: "));
            assert!(vi.contains("hãy") && en.contains(';'), "{vi} / {en}");
        }
    }
}
