//! Import of self-assessments and survey scores (SPEC I2, I3). A file is decoded into a
//! [`Table`] (CSV by `table::read_csv`, a workbook sheet by `xlsx::read_sheet`) and then
//! validated here as a whole, the same way for both: either every row is good and the rows are
//! returned, or every problem is listed — nothing is imported from a bad file.
//!
//! Self-assessment columns (headers matched without diacritics or case, in any order; `_`, `-`
//! and spaces are the same):
//!
//! | column       | accepted headers                                        | required |
//! |--------------|---------------------------------------------------------|----------|
//! | `unit`       | unit, unit_code, mã đơn vị, mã tỉnh                      | yes      |
//! | `code`       | code, criterion, mã tiêu chí                             | yes      |
//! | `self_score` | self_score, score, điểm tự đánh giá, điểm tự chấm        | yes      |
//! | `note`       | note, ghi chú, giải trình                                | no       |
//! | `evidence`   | evidence, tài liệu kiểm chứng                            | no       |
//!
//! Evidence: references separated by `;`, each `number|title|date|link` (trailing parts may be
//! left out; dates `2024-03-15` or `15/3/2024`, stored as ISO).
//!
//! The descriptive columns of a template or an export ([`DESCRIPTIVE_COLUMNS`], and the
//! criterion's name beside a code column) are accepted and ignored by both imports; the other
//! columns of a thamdinh export ([`EXPORT_ONLY_COLUMNS`]) by the self-assessment import, so an
//! export can be imported again: its survey rows and subtotal rows (by the `method` column, see
//! [`METHOD_SURVEY`], [`METHOD_SUBTOTAL`], [`METHOD_TOTAL`]) are skipped. Any other column is an
//! error, to catch typos.
//!
//! Survey columns: `unit`, `code` as above and `score` (score, survey_score, điểm, điểm điều tra).
//!
//! Text limits (`domain::limits`, SPEC S5): a note holds at most `LONG_TEXT` bytes, an evidence
//! cell at most `EVIDENCE_ENTRIES` references, each part at most `SHORT_TEXT` bytes; a longer text
//! is a problem with its row and column, measured before anything is copied.
//!
//! Problems are collected in [`Problems`]: the first thousand are listed, the others counted.

use std::borrow::Cow;
use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization;

use super::problem::quote_cell;
pub use super::problem::{EvidencePart, EvidenceProblem, ImportProblem, ProblemKind, Problems};
use super::table::{
    CELL_KEEP, CsvRows, LongCell, Table, TableRow, open_csv, open_csv_from, read_csv,
};
use domain::limits::{EVIDENCE_ENTRIES, LONG_TEXT, SHORT_TEXT};
use domain::points::PointsError;
use domain::points::ScoreError;
use domain::{
    Evidence, Framework, ImportKind, ImportRows, Method, Node, Points, SelfRow, SurveyRow, UnitSet,
};
use search::fold::fold;

/// One importable column: its canonical (English, machine) name and the headers that mean it.
#[derive(Clone, Copy, Debug)]
pub struct ColumnSpec {
    pub name: &'static str,
    /// Other accepted headers, as shown to users (with diacritics; matched folded).
    pub aliases: &'static [&'static str],
    pub required: bool,
}

/// Columns of a self-assessment file.
pub const SELF_COLUMNS: &[ColumnSpec] = &[
    ColumnSpec {
        name: "unit",
        aliases: &["unit_code", "mã đơn vị", "mã tỉnh"],
        required: true,
    },
    ColumnSpec {
        name: "code",
        aliases: &["criterion", "mã tiêu chí"],
        required: true,
    },
    ColumnSpec {
        name: "self_score",
        aliases: &["score", "điểm tự đánh giá", "điểm tự chấm"],
        required: true,
    },
    ColumnSpec {
        name: "note",
        aliases: &["ghi chú", "giải trình"],
        required: false,
    },
    ColumnSpec {
        name: "evidence",
        aliases: &["tài liệu kiểm chứng"],
        required: false,
    },
];

/// Columns of a survey file.
pub const SURVEY_COLUMNS: &[ColumnSpec] = &[
    SELF_COLUMNS[0],
    SELF_COLUMNS[1],
    ColumnSpec {
        name: "score",
        aliases: &["survey_score", "điểm", "điểm điều tra"],
        required: true,
    },
];

/// Headers naming the criterion's name (not its code): ignored when the file also has a code
/// column. Alone, `criterion` is read as the code (an alias of `code`).
pub const CRITERION_NAME_COLUMNS: &[&str] = &["criterion", "tiêu chí", "nội dung"];

/// Descriptive columns of a template or an export: accepted and ignored by both imports.
pub const DESCRIPTIVE_COLUMNS: &[&str] = &["unit_name", "tên đơn vị", "max", "điểm tối đa"];

/// Columns that only a thamdinh export has (CSV machine names and the workbook's Vietnamese
/// headers): accepted and ignored by the self-assessment import.
pub const EXPORT_ONLY_COLUMNS: &[&str] = &[
    "year",
    "năm",
    "region",
    "vùng",
    "method",
    "phương thức",
    "proposed",
    "điểm thẩm định",
    "delta",
    "chênh lệch",
    "status",
    "trạng thái",
    "justification",
    "lý do thẩm định",
    "dispute",
    "kết quả giải trình",
    "appraiser",
    "người thẩm định",
    "updated",
    "ngày cập nhật",
];

/// Values of an export's `method` column (Vietnamese, English), matched without diacritics or
/// case. A survey leaf's row is skipped by the self-assessment import.
pub const METHOD_SURVEY: [&str; 2] = ["điều tra", "survey"];
/// An appraised leaf's row.
pub const METHOD_APPRAISED: [&str; 2] = ["thẩm định", "appraised"];
/// An area's subtotal row: skipped.
pub const METHOD_SUBTOTAL: [&str; 2] = ["cộng", "subtotal"];
/// The unit's total row: skipped.
pub const METHOD_TOTAL: [&str; 2] = ["tổng cộng", "total"];

/// Is `text` a header either import knows (a column, an alias, a descriptive or export column)?
/// Used to find the header row below a workbook's title rows.
pub fn is_known_header(text: &str) -> bool {
    let k = header_key(text);
    !k.is_empty()
        && SELF_COLUMNS
            .iter()
            .chain(SURVEY_COLUMNS)
            .flat_map(|s| std::iter::once(s.name).chain(s.aliases.iter().copied()))
            .chain(CRITERION_NAME_COLUMNS.iter().copied())
            .chain(DESCRIPTIVE_COLUMNS.iter().copied())
            .chain(EXPORT_ONLY_COLUMNS.iter().copied())
            .any(|h| header_key(h) == k)
}

fn is_one_of(value: &str, names: &[&str]) -> bool {
    let k = header_key(value);
    names.iter().any(|n| header_key(n) == k)
}

/// How an import file is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFormat<'a> {
    Csv,
    /// A workbook: the named sheet, or the first visible worksheet.
    Workbook {
        sheet: Option<&'a str>,
    },
}

/// Decode an import file into a table (not yet validated).
pub fn read_table(bytes: &[u8], format: FileFormat<'_>) -> Result<Table, Problems> {
    match format {
        FileFormat::Csv => read_csv(bytes),
        FileFormat::Workbook { sheet } => {
            super::xlsx::read_sheet(bytes, sheet, &is_known_header).map_err(Problems::from)
        }
    }
}

/// What a sheet must have to be read for an import of `kind` (used to pick a workbook's sheets).
struct SheetTest(ImportKind);

impl SheetTest {
    fn columns(&self) -> &'static [ColumnSpec] {
        match self.0 {
            ImportKind::SelfScores => SELF_COLUMNS,
            ImportKind::Survey => SURVEY_COLUMNS,
        }
    }

    /// Where a header row names `spec`'s column.
    fn position(header: &[String], spec: &ColumnSpec) -> Option<usize> {
        let names: Vec<String> = std::iter::once(spec.name)
            .chain(spec.aliases.iter().copied())
            .map(header_key)
            .collect();
        header.iter().position(|h| names.contains(&header_key(h)))
    }

    /// Whether a header row names every column this import requires.
    fn fits(&self, header: &[String]) -> bool {
        self.columns()
            .iter()
            .filter(|c| c.required)
            .all(|c| Self::position(header, c).is_some())
    }

    /// Whether a table has a score in any row (the self score, or the survey score).
    fn has_scores(&self, table: &Table) -> bool {
        let Some(spec) = self.columns().iter().find(|c| c.name.ends_with("score")) else {
            return true;
        };
        let Some(col) = Self::position(&table.header, spec) else {
            return false;
        };
        // An export's subtotal, total and survey rows carry figures of their own; only the
        // rows the import reads count.
        let method = table
            .header
            .iter()
            .position(|h| is_one_of(h, &["method", "phương thức"]));
        let derived = |m: &str| {
            is_one_of(m, &METHOD_SUBTOTAL)
                || is_one_of(m, &METHOD_TOTAL)
                || is_one_of(m, &METHOD_SURVEY)
        };
        table.rows.iter().any(|r| {
            let read = method.and_then(|i| r.get(i)).is_none_or(|m| !derived(m));
            read && r.get(col).is_some_and(|c| !c.trim().is_empty())
        })
    }
}

/// The tables an import reads from a file, and the sheets it passed over.
#[derive(Debug)]
pub struct ImportTables {
    pub tables: Vec<Table>,
    /// Visible sheets without the import's columns (a ranking sheet, a cover page), read past.
    pub skipped: Vec<String>,
    /// Sheets with the import's columns but not one score (the sheet of a unit that has not
    /// assessed itself yet, in an exported workbook), read past.
    pub empty: Vec<String>,
}

/// Decode an import file into its tables (not yet validated). A CSV file, or a workbook with
/// `--sheet`, is one table. A workbook without `--sheet` is every visible sheet whose header
/// has the import's required columns and that holds at least one score — the national workbook
/// `export --format xlsx` writes is read whole: its unit sheets in, its ranking sheet and the
/// sheets of units without scores out. When no sheet qualifies, the first visible sheet is read,
/// so that its problems say what is missing (a template sent out blank is refused, not skipped).
pub fn read_import(
    bytes: &[u8],
    format: FileFormat<'_>,
    kind: ImportKind,
) -> Result<ImportTables, Problems> {
    let one = |t: Table| ImportTables {
        tables: vec![t],
        skipped: Vec::new(),
        empty: Vec::new(),
    };
    let FileFormat::Workbook { sheet: None } = format else {
        return read_table(bytes, format).map(one);
    };
    let names = super::xlsx::visible_sheet_names(bytes).map_err(Problems::from)?;
    let kind = SheetTest(kind);
    if names.len() > 1 {
        let mut tables = Vec::new();
        let mut skipped = Vec::new();
        let mut empty = Vec::new();
        for name in names {
            match super::xlsx::read_sheet(bytes, Some(&name), &is_known_header) {
                Ok(t) if kind.fits(&t.header) && kind.has_scores(&t) => tables.push(t),
                Ok(t) if kind.fits(&t.header) => empty.push(name),
                _ => skipped.push(name),
            }
        }
        if !tables.is_empty() {
            return Ok(ImportTables {
                tables,
                skipped,
                empty,
            });
        }
    }
    read_table(bytes, format).map(one)
}

/// Validate the tables of an import file, each as [`validate_self`] or [`validate_survey`]
/// does: every problem of every sheet is listed, and two sheets with a row for the same item
/// are a problem (which one counts would be a guess).
pub fn validate_tables<R>(
    tables: &ImportTables,
    validate: impl Fn(&Table) -> Result<Vec<R>, Problems>,
    item_of: impl Fn(&R) -> (&str, &str),
) -> Result<Vec<R>, Problems> {
    let mut problems = Problems::new();
    let mut rows = Vec::new();
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    let mut overlap: Option<(Vec<usize>, String, String)> = None;
    for (i, table) in tables.tables.iter().enumerate() {
        match validate(table) {
            Ok(rs) => {
                for r in &rs {
                    let (unit, leaf) = item_of(r);
                    let key = (unit.to_string(), leaf.to_string());
                    match seen.get(&key) {
                        Some(&j) if j != i => match &mut overlap {
                            Some((sheets, u, l)) if (u.as_str(), l.as_str()) == (unit, leaf) => {
                                if !sheets.contains(&i) {
                                    sheets.push(i);
                                }
                            }
                            Some(_) => {}
                            None => overlap = Some((vec![j, i], key.0, key.1)),
                        },
                        _ => {
                            seen.insert(key, i);
                        }
                    }
                }
                rows.extend(rs);
            }
            Err(p) => problems.append(p),
        }
    }
    if let Some((sheets, unit, leaf)) = overlap {
        let sheets = sheets
            .into_iter()
            .map(|i| tables.tables[i].sheet.clone().unwrap_or_default())
            .collect();
        problems.push(ImportProblem::new(
            0,
            None,
            ProblemKind::SheetsOverlap {
                sheets,
                item: Box::new((unit, leaf)),
            },
        ));
    }
    if problems.total() > 0 {
        Err(problems)
    } else {
        Ok(rows)
    }
}

/// Parse and validate a self-assessment file (CSV or a workbook's sheet).
pub fn parse_self(
    bytes: &[u8],
    format: FileFormat<'_>,
    _year: u16,
    fw: &Framework,
    units: &UnitSet,
) -> Result<Vec<SelfRow>, Problems> {
    let (table, csv) = open_table(bytes, format)?;
    let mut c = RowChecker::new(&table, csv, fw, units, ImportKind::SelfScores)?;
    let mut out = Vec::new();
    while let Some(ImportRows::SelfScores(rows)) = c.next_rows(usize::MAX) {
        out.extend(rows);
    }
    c.finish().map(|()| out)
}

/// Parse and validate a survey file (CSV or a workbook's sheet).
pub fn parse_survey(
    bytes: &[u8],
    format: FileFormat<'_>,
    _year: u16,
    fw: &Framework,
    units: &UnitSet,
) -> Result<Vec<SurveyRow>, Problems> {
    let (table, csv) = open_table(bytes, format)?;
    let mut c = RowChecker::new(&table, csv, fw, units, ImportKind::Survey)?;
    let mut out = Vec::new();
    while let Some(ImportRows::Survey(rows)) = c.next_rows(usize::MAX) {
        out.extend(rows);
    }
    c.finish().map(|()| out)
}

/// Parse and validate a self-assessment CSV against a framework and a unit set.
/// `year` is the assessment year the rows are for (kept for callers' messages).
pub fn parse_self_csv(
    bytes: &[u8],
    year: u16,
    fw: &Framework,
    units: &UnitSet,
) -> Result<Vec<SelfRow>, Problems> {
    parse_self(bytes, FileFormat::Csv, year, fw, units)
}

/// Parse and validate a survey CSV: only survey leaves are allowed.
pub fn parse_survey_csv(
    bytes: &[u8],
    year: u16,
    fw: &Framework,
    units: &UnitSet,
) -> Result<Vec<SurveyRow>, Problems> {
    parse_survey(bytes, FileFormat::Csv, year, fw, units)
}

/// Validate a decoded table as a self-assessment file.
pub fn validate_self(
    table: &Table,
    _year: u16,
    fw: &Framework,
    units: &UnitSet,
) -> Result<Vec<SelfRow>, Problems> {
    self_rows(table, fw, units).map_err(|ps| ps.on_sheet(table.sheet.as_deref()))
}

fn self_rows(table: &Table, fw: &Framework, units: &UnitSet) -> Result<Vec<SelfRow>, Problems> {
    let mut c = RowChecker::new(table, None, fw, units, ImportKind::SelfScores)?;
    let mut out = Vec::with_capacity(table.rows.len());
    while let Some(ImportRows::SelfScores(rows)) = c.next_rows(usize::MAX) {
        out.extend(rows);
    }
    c.finish().map(|()| out)
}

/// An import file opened to be checked: its header (and, read whole, its rows) as a table,
/// and for a CSV file the rows still to read ([`CsvRows`]): a large file is checked as it is
/// read and never held as a table. A workbook is read whole, and so is a CSV file whose header
/// has a column without a name (a problem only if a row has a value in it).
pub fn open_table<'b>(
    bytes: &'b [u8],
    format: FileFormat<'_>,
) -> Result<(Table, Option<CsvRows<'b>>), Problems> {
    match format {
        FileFormat::Csv => {
            let (table, rows) = open_csv(bytes)?;
            if table.header.iter().any(|h| header_key(h).is_empty()) {
                drop((table, rows));
                return read_csv(bytes).map(|t| (t, None));
            }
            Ok((table, Some(rows)))
        }
        FileFormat::Workbook { .. } => read_table(bytes, format).map(|t| (t, None)),
    }
}

/// [`open_table`] of a CSV file on disk, read as it is checked (never held whole; a file whose
/// header has a column without a name is read whole, see `open_table`). The outer error: the
/// file cannot be opened.
pub fn open_csv_file(
    path: &std::path::Path,
) -> std::io::Result<Result<(Table, Option<CsvRows<'static>>), Problems>> {
    let file = std::fs::File::open(path)?;
    let len = usize::try_from(file.metadata()?.len()).unwrap_or(usize::MAX);
    Ok(match open_csv_from(Box::new(file), len) {
        Ok((table, rows)) if table.header.iter().any(|h| header_key(h).is_empty()) => {
            drop((table, rows));
            let bytes = std::fs::read(path)?;
            read_csv(&bytes).map(|t| (t, None))
        }
        Ok((table, rows)) => Ok((table, Some(rows))),
        Err(problems) => Err(problems),
    })
}

/// A file checked row by row as an import file (self-assessments or survey points), handing
/// out the good rows a batch at a time, so they can be sent while the rest is checked. Once a
/// row has a problem no more rows are handed out (a refused file imports nothing);
/// [`RowChecker::finish`] checks the rest and lists every problem — or, when the file itself
/// is refused (a NUL byte, a quote never closed), only that, as reading it whole would.
pub struct RowChecker<'a> {
    /// The file's rows, at most.
    rows_hint: usize,
    v: Validator<'a>,
    src: Source<'a>,
    /// The row being checked, when read from a CSV file (its buffers reused row after row).
    row: TableRow,
    long: Vec<LongCell>,
}

/// Where a checker's rows come from.
enum Source<'a> {
    /// The table's rows, from this one on.
    Table(usize),
    /// A CSV file's rows, read as they are checked (boxed: its reader and buffers are large
    /// next to a row index, and a checker holds one source).
    Csv(Box<CsvRows<'a>>),
}

/// One checked row.
enum Row {
    SelfScores(SelfRow),
    Survey(SurveyRow),
}

impl<'a> RowChecker<'a> {
    /// Check the header of `table` (whose rows are `csv`'s, or its own: see [`open_table`]);
    /// problems there that leave no row readable (a missing column) are returned at once —
    /// after the file's own problems, which come first.
    pub fn new(
        table: &'a Table,
        csv: Option<CsvRows<'a>>,
        fw: &'a Framework,
        units: &'a UnitSet,
        kind: ImportKind,
    ) -> Result<RowChecker<'a>, Problems> {
        let kind = match kind {
            ImportKind::SelfScores => Kind::SelfAssessment,
            ImportKind::Survey => Kind::Survey,
        };
        let rows_hint = csv
            .as_ref()
            .map_or(table.rows.len(), CsvRows::rows_left_estimate);
        let v = match Validator::new(table, fw, units, kind, rows_hint) {
            Ok(v) => v,
            Err(ps) => {
                if let Some(rows) = csv {
                    rows.finish()?;
                }
                return Err(ps.on_sheet(table.sheet.as_deref()));
            }
        };
        let src = csv.map_or(Source::Table(0), |c| Source::Csv(Box::new(c)));
        Ok(RowChecker {
            rows_hint,
            v,
            src,
            row: TableRow::new(0, []),
            long: Vec::new(),
        })
    }

    /// How many rows the file has: for a CSV file read as it is checked, an estimate from its
    /// size (for sizes, not a count).
    pub fn rows_expected(&self) -> usize {
        self.rows_hint
    }

    /// Whether a problem was found so far.
    pub fn has_problems(&self) -> bool {
        self.v.problems.total() > 0 || matches!(&self.src, Source::Csv(r) if r.has_problems())
    }

    /// Check the next row: `None` at the end of the file, `Some(None)` for a row not handed
    /// out (blank, skipped, with problems, or after a problem).
    fn step(&mut self) -> Option<Option<Row>> {
        let (r, long): (&TableRow, &[LongCell]) = match &mut self.src {
            Source::Table(next) => {
                let table = self.v.table;
                let row = table.rows.get(*next)?;
                *next += 1;
                (row, table.long_cells_of(row.row))
            }
            Source::Csv(rows) => {
                if !rows.next_row_into(&mut self.row, &mut self.long) {
                    return None;
                }
                if rows.has_problems() {
                    // The file is refused whatever its rows hold: they are only read.
                    return Some(None);
                }
                (&self.row, &self.long)
            }
        };
        Some(match self.v.kind {
            Kind::SelfAssessment => self.v.self_row(r, long).map(Row::SelfScores),
            Kind::Survey => self.v.survey_row(r, long).map(Row::Survey),
        })
    }

    /// The next good rows, at most `max` of them; `None` when the file is done or a problem
    /// was found (see [`RowChecker::has_problems`]). `None` without a problem means the whole
    /// file is good and every row of it was handed out.
    pub fn next_rows(&mut self, max: usize) -> Option<ImportRows> {
        let mut out = match self.v.kind {
            Kind::SelfAssessment => ImportRows::SelfScores(Vec::new()),
            Kind::Survey => ImportRows::Survey(Vec::new()),
        };
        while out.len() < max.max(1) && !self.has_problems() {
            let Some(row) = self.step() else {
                // The end: what only the end can tell (a file without data rows; a CSV quote
                // never closed) is known before the end is reported.
                self.v.end();
                break;
            };
            match (&mut out, row) {
                (ImportRows::SelfScores(rows), Some(Row::SelfScores(r))) => rows.push(r),
                (ImportRows::Survey(rows), Some(Row::Survey(r))) => rows.push(r),
                _ => {}
            }
        }
        if self.has_problems() || out.is_empty() {
            return None;
        }
        Some(out)
    }

    /// Check the rows not checked yet: `Ok` if the whole file is good (every row was handed
    /// out), else every problem.
    pub fn finish(mut self) -> Result<(), Problems> {
        while self.step().is_some() {}
        let sheet = self.v.table.sheet.as_deref();
        if let Source::Csv(rows) = self.src {
            rows.finish()?;
        }
        self.v
            .finish(Vec::<()>::new())
            .map(|_| ())
            .map_err(|ps| ps.on_sheet(sheet))
    }
}

/// Validate a decoded table as a survey file.
pub fn validate_survey(
    table: &Table,
    _year: u16,
    fw: &Framework,
    units: &UnitSet,
) -> Result<Vec<SurveyRow>, Problems> {
    survey_rows(table, fw, units).map_err(|ps| ps.on_sheet(table.sheet.as_deref()))
}

fn survey_rows(table: &Table, fw: &Framework, units: &UnitSet) -> Result<Vec<SurveyRow>, Problems> {
    let mut c = RowChecker::new(table, None, fw, units, ImportKind::Survey)?;
    let mut out = Vec::with_capacity(table.rows.len());
    while let Some(ImportRows::Survey(rows)) = c.next_rows(usize::MAX) {
        out.extend(rows);
    }
    c.finish().map(|()| out)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    SelfAssessment,
    Survey,
}

/// The checked unit, leaf and score of a row.
struct Common {
    unit: String,
    leaf: String,
    score: Points,
}

/// Normalize a header for matching: folded, `_`/`-` as spaces, single spaces.
pub(crate) fn header_key(h: &str) -> String {
    let f = fold(h);
    f.split(|c: char| c.is_whitespace() || c == '_' || c == '-')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Cell text as stored: NFC, line breaks as `\n`, surrounding whitespace trimmed.
fn clean(text: &str) -> Cow<'_, str> {
    let t = text.trim();
    if domain::nfc::is_clean(t) {
        return Cow::Borrowed(t);
    }
    let nfc = domain::nfc::is_nfc(t);
    let s: String = if nfc {
        t.to_string()
    } else {
        t.nfc().collect()
    };
    Cow::Owned(s.replace("\r\n", "\n").replace('\r', "\n"))
}

/// Whether `s` is `min..=max` ASCII digits and nothing else.
fn is_digits(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

struct Validator<'a> {
    table: &'a Table,
    fw: &'a Framework,
    units: &'a UnitSet,
    kind: Kind,
    specs: &'static [ColumnSpec],
    /// For each spec, the index of its cell in a row.
    col: Vec<Option<usize>>,
    /// Header text as written, per spec.
    header: Vec<String>,
    /// Index of an export's `method` column, if any.
    method_col: Option<usize>,
    width: usize,
    /// Numeric value of digit-only unit codes → the code, when unique ("1" finds "01").
    by_number: HashMap<u64, Option<&'a str>>,
    seen: HashMap<(&'a str, &'a str), usize>,
    problems: Problems,
    data_rows: usize,
    header_row: usize,
}

impl<'a> Validator<'a> {
    /// `rows_hint`: how many rows the file has at most.
    fn new(
        table: &'a Table,
        fw: &'a Framework,
        units: &'a UnitSet,
        kind: Kind,
        rows_hint: usize,
    ) -> Result<Validator<'a>, Problems> {
        let specs = match kind {
            Kind::SelfAssessment => SELF_COLUMNS,
            Kind::Survey => SURVEY_COLUMNS,
        };
        let mut problems = Problems::new();
        let mut col: Vec<Option<usize>> = vec![None; specs.len()];
        let mut header = vec![String::new(); specs.len()];
        let mut method_col = None;
        // Aliases may collide with an export column or with another spec's alias ("criterion"
        // means the code column unless a `code` column exists), so match exact canonical names
        // first, then export columns, then aliases.
        let keys: Vec<String> = table.header.iter().map(|h| header_key(h)).collect();
        let mut claimed = vec![false; keys.len()];
        let assign = |spec: usize,
                      i: usize,
                      col: &mut Vec<Option<usize>>,
                      header: &mut Vec<String>,
                      problems: &mut Problems| {
            let written = table.column_label(i);
            if let Some(first) = col[spec] {
                problems.push(ImportProblem::new(
                    table.header_row,
                    Some(&written),
                    ProblemKind::DuplicateColumn {
                        first: table.column_label(first),
                    },
                ));
            } else {
                col[spec] = Some(i);
                header[spec] = written;
            }
        };
        for (i, k) in keys.iter().enumerate() {
            if let Some(s) = specs.iter().position(|s| header_key(s.name) == *k) {
                claimed[i] = true;
                assign(s, i, &mut col, &mut header, &mut problems);
            }
        }
        // A code column other than one of the criterion-name headers: then those headers name
        // the criterion's name and are ignored.
        let has_code = keys.iter().any(|k| {
            std::iter::once(specs[1].name)
                .chain(specs[1].aliases.iter().copied())
                .filter(|h| !CRITERION_NAME_COLUMNS.contains(h))
                .any(|h| header_key(h) == *k)
        });
        for (i, k) in keys.iter().enumerate() {
            if claimed[i] || k.is_empty() {
                continue;
            }
            let listed = |list: &[&str]| list.iter().any(|e| header_key(e) == *k);
            let ignored = listed(DESCRIPTIVE_COLUMNS)
                || (has_code && listed(CRITERION_NAME_COLUMNS))
                || (kind == Kind::SelfAssessment && listed(EXPORT_ONLY_COLUMNS));
            if ignored {
                claimed[i] = true;
                if kind == Kind::SelfAssessment && is_one_of(k, &["method", "phương thức"]) {
                    method_col = Some(i);
                }
                continue;
            }
            if let Some(s) = specs
                .iter()
                .position(|s| s.aliases.iter().any(|a| header_key(a) == *k))
            {
                claimed[i] = true;
                assign(s, i, &mut col, &mut header, &mut problems);
            }
        }
        for (i, k) in keys.iter().enumerate() {
            if claimed[i] {
                continue;
            }
            if k.is_empty() {
                // Excel often leaves empty trailing columns; only a named-less column with
                // values is a problem.
                let used = table
                    .rows
                    .iter()
                    .any(|r| r.get(i).is_some_and(|c| !c.trim().is_empty()));
                if used {
                    problems.push(ImportProblem::new(
                        table.header_row,
                        Some(&table.column_label(i)),
                        ProblemKind::UnnamedColumn,
                    ));
                }
                continue;
            }
            problems.push(ImportProblem::new(
                table.header_row,
                Some(&table.column_label(i)),
                ProblemKind::UnknownColumn {
                    allowed: allowed_list(specs),
                },
            ));
        }
        let mut missing = false;
        for (s, spec) in specs.iter().enumerate() {
            if spec.required && col[s].is_none() {
                missing = true;
                problems.push(ImportProblem::new(
                    table.header_row,
                    Some(spec.name),
                    ProblemKind::MissingColumn {
                        accepted: std::iter::once(spec.name)
                            .chain(spec.aliases.iter().copied())
                            .map(str::to_string)
                            .collect(),
                    },
                ));
            }
        }
        // Without the required columns no row can be read.
        if missing {
            return Err(problems);
        }
        let mut by_number: HashMap<u64, Option<&'a str>> = HashMap::new();
        for u in &units.units {
            if !u.code.is_empty()
                && u.code.bytes().all(|b| b.is_ascii_digit())
                && let Ok(n) = u.code.parse::<u64>()
            {
                by_number
                    .entry(n)
                    .and_modify(|e| *e = None)
                    .or_insert(Some(u.code.as_str()));
            }
        }
        Ok(Validator {
            table,
            fw,
            units,
            kind,
            specs,
            col,
            header,
            method_col,
            width: table.header.len(),
            by_number,
            // Sized for the file's rows at once: growing a map of 200,000 rows rehashes it
            // again and again.
            seen: HashMap::with_capacity(rows_hint),
            problems,
            data_rows: 0,
            header_row: table.header_row,
        })
    }

    /// Check one row of a self-assessment file: the row to import, if it is good and no
    /// problem was found before it (a refused file's rows are not kept).
    fn self_row(&mut self, r: &TableRow, long: &[LongCell]) -> Option<SelfRow> {
        let common = self.common(r, long)?;
        // The texts are checked even when the rest of the row has problems: all are listed.
        let note = self.note(r);
        let evidence = self.evidence(r);
        match (common, note, evidence) {
            (Some(c), Some(note), Some(evidence)) if self.problems.total() == 0 => Some(SelfRow {
                unit: c.unit,
                leaf: c.leaf,
                score: c.score,
                note,
                evidence,
            }),
            _ => None,
        }
    }

    /// Check one row of a survey file (see [`Validator::self_row`]).
    fn survey_row(&mut self, r: &TableRow, long: &[LongCell]) -> Option<SurveyRow> {
        match self.common(r, long) {
            Some(Some(c)) if self.problems.total() == 0 => Some(SurveyRow {
                unit: c.unit,
                leaf: c.leaf,
                score: c.score,
            }),
            _ => None,
        }
    }

    fn push(&mut self, row: usize, column: Option<String>, kind: ProblemKind) {
        self.problems.push(ImportProblem {
            sheet: None,
            row,
            column,
            kind,
        });
    }

    fn header_of(&self, spec: usize) -> Option<String> {
        Some(if self.header[spec].is_empty() {
            self.specs[spec].name.to_string()
        } else {
            self.header[spec].clone()
        })
    }

    /// The raw text of a spec's cell, if the column exists and the cell is not blank.
    fn cell<'c>(&self, cells: &'c TableRow, spec: usize) -> Option<&'c str> {
        let i = (*self.col.get(spec)?)?;
        cells.get(i).filter(|c| !c.trim().is_empty())
    }

    fn find_unit(&self, code: &str) -> Option<&'a str> {
        if let Some(u) = self.units.unit(code) {
            return Some(u.code.as_str());
        }
        // Excel turns "01" into 1: accept a number that names exactly one digit-only code.
        if !code.is_empty() && code.bytes().all(|b| b.is_ascii_digit()) {
            return code
                .parse::<u64>()
                .ok()
                .and_then(|n| self.by_number.get(&n).copied().flatten());
        }
        None
    }

    /// Check the shape, unit, criterion, score and uniqueness of a row. `None` when the row is
    /// not read (blank, skipped, or too broken to read further: a wrong number of fields, a cell
    /// too long to keep); `Some(None)` when it has problems (which are recorded).
    fn common(&mut self, cells: &TableRow, long: &[LongCell]) -> Option<Option<Common>> {
        // Cells too long to be kept (CSV): each is a problem, and the row is not read further.
        if !long.is_empty() {
            self.data_rows += 1;
            for l in long {
                let limit = if self.col.get(3).copied().flatten() == Some(l.cell) {
                    LONG_TEXT
                } else {
                    CELL_KEEP
                };
                let column = Some(self.table.column_label(l.cell));
                self.push(
                    cells.row,
                    column,
                    ProblemKind::TextTooLong {
                        bytes: l.bytes,
                        limit,
                    },
                );
            }
            return None;
        }
        if cells.is_blank_from(0) {
            return None;
        }
        // An export's subtotal and total rows.
        if self
            .method_col
            .and_then(|i| cells.get(i))
            .is_some_and(|m| is_one_of(m, &METHOD_SUBTOTAL) || is_one_of(m, &METHOD_TOTAL))
        {
            return None;
        }
        let row = cells.row;
        self.data_rows += 1;
        if cells.len() != self.width {
            // A workbook's row may run past the header with empty cells (formatting). In a CSV
            // file an extra cell, even an empty one, means a separator the header does not
            // have: `01,1.1.1,0,5,Đã hoàn thành,` is the score 0,5 written with an unquoted
            // decimal comma, and reading it as score 0 with the note "5" would be silently wrong.
            let extra_blank = self.table.sheet.is_some()
                && cells.len() > self.width
                && cells.is_blank_from(self.width);
            if !extra_blank {
                self.push(
                    row,
                    None,
                    ProblemKind::WrongFieldCount {
                        expected: self.width,
                        found: cells.len(),
                    },
                );
                return None;
            }
        }
        let before = self.problems.total();
        let mut texts: [Option<Cow<'_, str>>; 3] = [None, None, None];
        for (s, slot) in texts.iter_mut().enumerate() {
            match self.cell(cells, s) {
                Some(t) => *slot = Some(clean(t)),
                None => {
                    let col = self.header_of(s);
                    self.push(row, col, ProblemKind::EmptyCell);
                }
            }
        }
        let [unit_t, code_t, score_t] = texts;

        let unit = unit_t.as_deref().and_then(|u| {
            let found = self.find_unit(u);
            if found.is_none() {
                let col = self.header_of(0);
                self.push(
                    row,
                    col,
                    ProblemKind::UnknownUnit {
                        unit: quote_cell(u),
                    },
                );
            }
            found
        });

        let node = code_t
            .as_deref()
            .and_then(|c| self.check_code(row, c, cells));
        let node = match node {
            Some(Ok(n)) => Some(n),
            // An export's survey row: skipped, not an error.
            Some(Err(Skip)) => {
                self.data_rows -= 1;
                self.problems.truncate_total(before);
                return None;
            }
            None => None,
        };

        let score = score_t
            .as_deref()
            .and_then(|t| self.check_score(row, t, node));
        // `0,5` without quotes in a comma-separated file: the score 0 and the note "5".
        if let (true, Some(whole), Some(note)) = (
            self.table.comma_separated,
            score_t.as_deref(),
            self.col
                .get(3)
                .copied()
                .flatten()
                .and_then(|i| cells.get(i)),
        ) && is_digits(whole.trim(), 1, 2)
            && is_digits(note.trim(), 1, 2)
        {
            let col = self.header_of(2);
            self.push(
                row,
                col,
                ProblemKind::SplitDecimal {
                    whole: whole.trim().to_string(),
                    fraction: note.trim().to_string(),
                },
            );
        }

        if let (Some(u), Some(n)) = (unit, node) {
            let key = (u, n.code.as_str());
            if let Some(&first_row) = self.seen.get(&key) {
                let col = self.header_of(1);
                self.push(
                    row,
                    col,
                    ProblemKind::DuplicateRow {
                        unit: u.to_string(),
                        code: n.code.clone(),
                        first_row,
                    },
                );
            } else {
                self.seen.insert(key, row);
            }
        }
        if self.problems.total() > before {
            return Some(None);
        }
        Some(match (unit, node, score) {
            (Some(u), Some(n), Some(score)) => Some(Common {
                unit: u.to_string(),
                leaf: n.code.clone(),
                score,
            }),
            _ => None,
        })
    }

    /// The leaf a code names, if it may be scored in this kind of file.
    fn check_code(
        &mut self,
        row: usize,
        code: &str,
        cells: &TableRow,
    ) -> Option<Result<&'a Node, Skip>> {
        let fw = self.fw;
        // "3.2.1." as written in many Vietnamese documents.
        let trimmed = code.trim_end_matches('.');
        let col = self.header_of(1);
        let Some(node) = fw.node(trimmed).or_else(|| fw.node(code)) else {
            self.push(
                row,
                col,
                ProblemKind::UnknownCriterion {
                    code: quote_cell(code),
                },
            );
            return None;
        };
        if !node.is_leaf() {
            let example = fw
                .leaves_under(&node.code)
                .first()
                .map(|n| n.code.clone())
                .unwrap_or_default();
            self.push(
                row,
                col,
                ProblemKind::NotALeaf {
                    code: node.code.clone(),
                    example,
                },
            );
            return None;
        }
        match (self.kind, node.method) {
            (Kind::SelfAssessment, Method::Survey) => {
                let from_export = self
                    .method_col
                    .and_then(|i| cells.get(i))
                    .is_some_and(|m| is_one_of(m, &METHOD_SURVEY));
                if from_export {
                    return Some(Err(Skip));
                }
                self.push(
                    row,
                    col,
                    ProblemKind::SurveyCriterion {
                        code: node.code.clone(),
                    },
                );
                None
            }
            (Kind::Survey, m) if m != Method::Survey => {
                self.push(
                    row,
                    col,
                    ProblemKind::NotSurveyCriterion {
                        code: node.code.clone(),
                    },
                );
                None
            }
            _ => Some(Ok(node)),
        }
    }

    fn check_score(&mut self, row: usize, text: &str, node: Option<&Node>) -> Option<Points> {
        let col = self.header_of(2);
        let score = match Points::parse(text) {
            Ok(p) => p,
            Err(e) => {
                let t = quote_cell(text);
                let kind = match e {
                    PointsError::Empty => ProblemKind::EmptyCell,
                    PointsError::NotANumber(_) => ProblemKind::NotANumber { text: t },
                    PointsError::TooManyDecimals(_) => ProblemKind::TooManyDecimals { text: t },
                    PointsError::TooLarge(_) => ProblemKind::NumberTooLarge { text: t },
                    PointsError::Form { expected, .. } => {
                        ProblemKind::NumberForm { text: t, expected }
                    }
                };
                self.push(row, col, kind);
                return None;
            }
        };
        let Some(node) = node else {
            if score < Points::ZERO {
                self.push(row, col, ProblemKind::Negative { score });
            }
            return None;
        };
        match score.check_score(node.max, node.score_step(self.fw.step)) {
            Ok(()) => Some(score),
            Err(e) => {
                let kind = match e {
                    ScoreError::Negative { score } => ProblemKind::Negative { score },
                    ScoreError::OverMax { score, max } => ProblemKind::OverMax {
                        score,
                        max,
                        code: node.code.clone(),
                    },
                    ScoreError::OffStep { score, step } => ProblemKind::OffStep {
                        score,
                        step,
                        code: node.code.clone(),
                    },
                };
                self.push(row, col, kind);
                None
            }
        }
    }

    /// The note of a row, cleaned; `None` (and a problem) when it is too long.
    fn note(&mut self, cells: &TableRow) -> Option<String> {
        let Some(text) = self.cell(cells, 3) else {
            return Some(String::new());
        };
        // Measured before it is copied (a note may be a whole file), then once cleaned: NFC
        // may change the length a little.
        let raw = text.trim().len();
        let too_long = if raw > LONG_TEXT {
            Some(raw)
        } else {
            let note = clean(text);
            if note.len() <= LONG_TEXT {
                return Some(note.into_owned());
            }
            Some(note.len())
        };
        if let Some(bytes) = too_long {
            let col = self.header_of(3);
            self.push(
                cells.row,
                col,
                ProblemKind::TextTooLong {
                    bytes,
                    limit: LONG_TEXT,
                },
            );
        }
        None
    }

    /// The evidence references of a row; `None` (and a problem) when the cell is not usable.
    fn evidence(&mut self, cells: &TableRow) -> Option<Vec<Evidence>> {
        let Some(text) = self.cell(cells, 4) else {
            return Some(Vec::new());
        };
        let col = self.header_of(4);
        let count = references(text).count();
        if count > EVIDENCE_ENTRIES {
            self.push(
                cells.row,
                col,
                ProblemKind::TooManyReferences {
                    count,
                    limit: EVIDENCE_ENTRIES,
                },
            );
            return None;
        }
        match parse_evidence(&clean(text)) {
            Ok(e) => Some(e),
            Err((reference, problem)) => {
                self.push(
                    cells.row,
                    col,
                    ProblemKind::BadEvidence { reference, problem },
                );
                None
            }
        }
    }

    /// The end of the rows: a file without data rows is a problem (noted once).
    fn end(&mut self) {
        if self.data_rows == 0 && self.problems.total() == 0 {
            let row = self.header_row;
            self.push(row, None, ProblemKind::NoDataRows);
        }
    }

    fn finish<T>(mut self, out: Vec<T>) -> Result<Vec<T>, Problems> {
        self.end();
        if self.problems.total() == 0 {
            Ok(out)
        } else {
            Err(self.problems)
        }
    }
}

/// Marker: the row is an export's survey row and is skipped.
struct Skip;

/// "unit (unit_code, mã đơn vị, mã tỉnh)" for each column.
fn allowed_list(specs: &[ColumnSpec]) -> Vec<String> {
    specs
        .iter()
        .map(|s| format!("{} ({})", s.name, s.aliases.join(", ")))
        .collect()
}

/// The references of an evidence cell: its non-blank parts between ';', trimmed.
fn references(text: &str) -> impl Iterator<Item = &str> {
    text.split(';').map(str::trim).filter(|p| !p.is_empty())
}

/// Parse an evidence cell: references separated by ';', each `number|title|date|link`, each
/// part at most `SHORT_TEXT` bytes. On failure: the 1-based reference number and what is wrong
/// with it.
pub fn parse_evidence(text: &str) -> Result<Vec<Evidence>, (usize, EvidenceProblem)> {
    let mut out = Vec::new();
    for (i, part) in references(text).enumerate() {
        let reference = i + 1;
        // Its parts, read once (a file of 200,000 rows has ~700,000 references).
        let mut fields = [""; 4];
        let mut parts = 0;
        for (k, f) in part.split('|').enumerate() {
            if let Some(slot) = fields.get_mut(k) {
                *slot = f.trim();
            }
            parts += 1;
        }
        if parts > 4 {
            return Err((reference, EvidenceProblem::TooManyParts { parts }));
        }
        let get = |k: usize| fields[k];
        for (k, which) in EvidencePart::ALL.into_iter().enumerate() {
            let bytes = get(k).len();
            if bytes > SHORT_TEXT {
                return Err((
                    reference,
                    EvidenceProblem::PartTooLong {
                        part: which,
                        bytes,
                        limit: SHORT_TEXT,
                    },
                ));
            }
        }
        let (number, title, date, link) = (get(0), get(1), get(2), get(3));
        if number.is_empty() && title.is_empty() {
            return Err((reference, EvidenceProblem::NoNumberOrTitle));
        }
        let date = if date.is_empty() {
            String::new()
        } else {
            match parse_date(date) {
                Some(d) => d,
                None => {
                    return Err((
                        reference,
                        EvidenceProblem::BadDate {
                            date: quote_cell(date),
                        },
                    ));
                }
            }
        };
        out.push(Evidence {
            number: number.to_string(),
            title: title.to_string(),
            date,
            link: link.to_string(),
        });
    }
    Ok(out)
}

/// Format evidence references as an evidence cell (the inverse of [`parse_evidence`]).
/// Trailing empty parts are left out. Fails if a part contains `;` or `|`, which the cell
/// format cannot carry.
pub fn format_evidence(evidence: &[Evidence]) -> Result<String, String> {
    let mut out = String::new();
    for (i, e) in evidence.iter().enumerate() {
        let mut parts = [
            e.number.as_str(),
            e.title.as_str(),
            e.date.as_str(),
            e.link.as_str(),
        ]
        .to_vec();
        if let Some(bad) = parts.iter().find(|p| p.contains([';', '|'])) {
            return Err(format!(
                "evidence reference {} contains ';' or '|': \"{bad}\"",
                i + 1
            ));
        }
        while parts.last().is_some_and(|p| p.is_empty()) {
            parts.pop();
        }
        if i > 0 {
            out.push_str("; ");
        }
        out.push_str(&parts.join("|"));
    }
    Ok(out)
}

/// `YYYY-MM-DD`, or day first with '/', '-' or '.' (`15/3/2024`), as ISO `YYYY-MM-DD`.
fn parse_date(text: &str) -> Option<String> {
    // Most dates are already ISO (what the exports and the sample files write): checked as a
    // date and kept as they are, which is how they would be written back.
    if let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = *text.as_bytes()
        && [y1, y2, y3, y4, m1, m2, d1, d2]
            .iter()
            .all(u8::is_ascii_digit)
    {
        let n = |ds: &[u8]| ds.iter().fold(0i32, |n, d| n * 10 + i32::from(d - b'0'));
        let (y, m, d) = (n(&[y1, y2, y3, y4]), n(&[m1, m2]), n(&[d1, d2]));
        let date = jiff::civil::Date::new(
            i16::try_from(y).ok()?,
            i8::try_from(m).ok()?,
            i8::try_from(d).ok()?,
        )
        .ok()?;
        debug_assert_eq!(date.to_string(), text);
        return Some(text.to_string());
    }
    let nums: Vec<&str> = text.split(['/', '-', '.']).map(str::trim).collect();
    if nums.len() != 3
        || nums
            .iter()
            .any(|n| n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let n = |s: &str| s.parse::<i32>().ok();
    let (y, m, d) = if nums[0].len() == 4 && text.contains('-') {
        (n(nums[0])?, n(nums[1])?, n(nums[2])?)
    } else if nums[2].len() == 4 {
        (n(nums[2])?, n(nums[1])?, n(nums[0])?)
    } else {
        return None;
    };
    let date = jiff::civil::Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()?;
    Some(date.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::testutil::{fixture_framework, fixture_units};

    fn ok(csv: &str) -> Vec<SelfRow> {
        parse_self_csv(csv.as_bytes(), 2024, &fixture_framework(), &fixture_units())
            .unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn bad(csv: &str) -> Vec<String> {
        parse_self_csv(csv.as_bytes(), 2024, &fixture_framework(), &fixture_units())
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn reads_a_good_file() {
        let rows = ok("unit,code,self_score,note,evidence\n\
                       44,1.1.1,1,Đã ban hành,125/QĐ-UBND|Kế hoạch CCHC|15/1/2024\n\
                       44,3.2.1,\"1,25\",,\n");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].unit, "44");
        assert_eq!(rows[0].leaf, "1.1.1");
        assert_eq!(rows[0].score, Points::from_hundredths(100));
        assert_eq!(rows[0].note, "Đã ban hành");
        assert_eq!(
            rows[0].evidence,
            vec![Evidence {
                number: "125/QĐ-UBND".into(),
                title: "Kế hoạch CCHC".into(),
                date: "2024-01-15".into(),
                link: String::new(),
            }]
        );
        assert_eq!(rows[1].score, Points::from_hundredths(125));
        assert!(rows[1].evidence.is_empty());
    }

    #[test]
    fn an_unquoted_decimal_comma_is_refused_even_when_the_shifted_cell_is_empty() {
        // The user meant score 0,5, note "Đã hoàn thành", no evidence.
        let problems = bad("unit,code,self_score,note,evidence\n44,1.1.1,0,5,Đã hoàn thành,\n");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(
            problems[0].starts_with("row 2: has 6 fields but the header has 5;"),
            "{problems:?}"
        );
        assert!(
            problems[0].contains("decimal comma too (\"0,5\")"),
            "{problems:?}"
        );
        // Quoted, it is read as meant.
        let rows = ok("unit,code,self_score,note,evidence\n44,1.1.1,\"0,5\",Đã hoàn thành,\n");
        assert_eq!(rows[0].score, Points::from_hundredths(50));
        assert_eq!(rows[0].note, "Đã hoàn thành");
    }

    #[test]
    fn headers_in_any_order_and_language() {
        let rows = ok("Điểm tự chấm; Mã tiêu chí ;MÃ TỈNH;Giải trình\n0,5;1.2;45;ghi chú\n");
        assert_eq!(rows[0].unit, "45");
        assert_eq!(rows[0].leaf, "1.2");
        assert_eq!(rows[0].score, Points::from_hundredths(50));
        assert_eq!(rows[0].note, "ghi chú");
        // Decomposed (NFD) headers match too.
        let rows = ok("unit,code,self_score,Ghi chu\u{301}\n44,1.2,0,x\n");
        assert_eq!(rows[0].note, "x");
    }

    #[test]
    fn text_is_nfc_and_line_breaks_are_unified() {
        let rows = ok("unit,code,self_score,note\n44,1.2,1,\"Qua\u{309}ng\r\nBi\u{300}nh\rx\"\n");
        assert_eq!(rows[0].note, "Quảng\nBình\nx");
    }

    #[test]
    fn unit_codes_lose_leading_zeros_in_excel() {
        let rows = ok("unit,code,self_score\n1,1.2,1\n");
        assert_eq!(rows[0].unit, "01");
    }

    #[test]
    fn code_with_trailing_dot() {
        let rows = ok("unit,code,self_score\n44,3.2.1.,1\n");
        assert_eq!(rows[0].leaf, "3.2.1");
    }

    #[test]
    fn lists_every_problem() {
        let e = bad("unit,code,self_score\n\
                     99,1.1.1,1\n\
                     44,9.9,1\n\
                     44,1.1,1\n\
                     44,8.1.1,1\n\
                     44,1.2,abc\n\
                     44,3.2.1,2.5\n\
                     44,3.2.2,0.3\n\
                     45,3.2.2,-0.25\n\
                     44,1.1.2,1\n\
                     44,1.1.2,1\n\
                     44,,\n\
                     44,1.1.1\n");
        assert_eq!(
            e,
            vec![
                "row 2, column unit: unknown unit \"99\"; use a unit code from the units file",
                "row 3, column code: unknown criterion \"9.9\"; use a code from the framework",
                "row 4, column code: criterion 1.1 has sub-criteria; score each of them (such as 1.1.1) instead",
                "row 5, column code: criterion 8.1.1 is scored by the survey and cannot be self-scored; import it with the survey import",
                "row 6, column self_score: \"abc\" is not a number; write a score such as 0.75 or 0,75",
                "row 7, column self_score: score 2.50 is over the maximum 1.50 of 3.2.1",
                "row 8, column self_score: score 0.30 of 3.2.2 is not a multiple of the step 0.25",
                "row 9, column self_score: score -0.25 is negative",
                "row 11, column code: unit 44, criterion 1.1.2 already appears on row 10; keep one row",
                "row 12, column code: required value is empty",
                "row 12, column self_score: required value is empty",
                "row 13: has 2 fields but the header has 3; put text containing the separator in double quotes",
            ]
        );
    }

    #[test]
    fn header_problems() {
        let e = bad("unit,ghichu,diem\n44,x,1\n");
        assert_eq!(e.len(), 4, "{e:#?}");
        assert!(e[0].starts_with("row 1, column ghichu: unknown column; allowed columns: unit (unit_code, mã đơn vị, mã tỉnh), code"));
        assert!(e[1].starts_with("row 1, column diem: unknown column"));
        assert!(e[2].starts_with("row 1, column code: required column is missing; name it one of: code, criterion, mã tiêu chí"));
        assert!(e[3].starts_with("row 1, column self_score: required column is missing"));
        let e = bad("unit,mã tỉnh,code,self_score\n44,44,1.2,1\n");
        assert_eq!(
            e,
            vec!["row 1, column mã tỉnh: names the same column as \"unit\"; keep only one of them"]
        );
        let e = bad("unit,code,self_score\n");
        assert_eq!(e, vec!["row 1: the file has a header row but no data rows"]);
    }

    #[test]
    fn empty_trailing_columns_and_rows_are_ignored() {
        let rows = ok("unit;code;self_score;;\n44;1.2;1;;\n;;;;\n;;\n");
        assert_eq!(rows.len(), 1);
        let e = bad("unit,code,self_score,\n44,1.2,1,oops\n");
        assert_eq!(
            e,
            vec![
                "row 1, column #4: a column without a header holds values; give it a header or delete it"
            ]
        );
    }

    #[test]
    fn survey_import_accepts_only_survey_leaves() {
        let fw = fixture_framework();
        let units = fixture_units();
        let rows = parse_survey_csv(
            "mã tỉnh,mã tiêu chí,điểm\n44,8.1.1,\"1,75\"\n".as_bytes(),
            2024,
            &fw,
            &units,
        )
        .unwrap();
        assert_eq!(
            rows,
            vec![SurveyRow {
                unit: "44".into(),
                leaf: "8.1.1".into(),
                score: Points::from_hundredths(175)
            }]
        );
        let e = parse_survey_csv(b"unit,code,score\n44,1.2,1\n", 2024, &fw, &units).unwrap_err();
        assert_eq!(
            e[0].kind,
            ProblemKind::NotSurveyCriterion { code: "1.2".into() }
        );
        // Export columns are not part of the survey format.
        let e = parse_survey_csv(b"unit,code,score,status\n44,8.1.1,1,x\n", 2024, &fw, &units)
            .unwrap_err();
        assert!(matches!(e[0].kind, ProblemKind::UnknownColumn { .. }));
    }

    #[test]
    fn evidence_cells() {
        let e = parse_evidence(
            " 125/QĐ-UBND | Kế hoạch | 2024-01-15 | https://x/y ; 12/BC-SNV|Báo cáo ;; |Chỉ tên",
        )
        .unwrap();
        assert_eq!(e.len(), 3);
        assert_eq!(e[0].link, "https://x/y");
        assert_eq!(e[1].number, "12/BC-SNV");
        assert_eq!(e[1].date, "");
        assert_eq!(e[2].title, "Chỉ tên");
        assert_eq!(
            parse_evidence("a|b|c|d|e"),
            Err((1, EvidenceProblem::TooManyParts { parts: 5 }))
        );
        assert_eq!(
            parse_evidence("a; |  | 2024-01-01"),
            Err((2, EvidenceProblem::NoNumberOrTitle))
        );
        assert_eq!(
            parse_evidence("a|b|31/2/2024"),
            Err((
                1,
                EvidenceProblem::BadDate {
                    date: "31/2/2024".into()
                }
            ))
        );
        assert_eq!(
            parse_evidence("a|b|1.3.2024").unwrap()[0].date,
            "2024-03-01"
        );
        assert_eq!(parse_evidence("").unwrap(), vec![]);
        let back = format_evidence(&e).unwrap();
        assert_eq!(parse_evidence(&back).unwrap(), e);
        assert!(
            format_evidence(&[Evidence {
                title: "a;b".into(),
                ..Default::default()
            }])
            .is_err()
        );
    }

    #[test]
    fn bad_evidence_is_reported_with_its_column() {
        let e = bad("unit,code,self_score,tài liệu kiểm chứng\n44,1.2,1,a|b|hôm qua\n");
        assert_eq!(
            e,
            vec![
                "row 2, column tài liệu kiểm chứng: evidence reference 1 has the date \"hôm qua\", which is not a date; write 2024-03-15 or 15/3/2024"
            ]
        );
    }

    #[test]
    fn export_columns_are_ignored_and_export_survey_rows_skipped() {
        let rows = ok(
            "year,unit,unit_name,code,criterion,method,self_score,proposed,status\n\
                       2024,44,Quảng Bình,1.2,Kiểm tra,appraised,1,0.75,adjusted\n\
                       2024,44,Quảng Bình,8.1.1,Hài lòng,survey,1.5,1.5,pending\n",
        );
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].leaf, "1.2");
        // Without the method column a survey leaf is still an error.
        let e = bad("unit,code,self_score,status\n44,8.1.1,1,x\n");
        assert!(e[0].contains("scored by the survey"));
    }

    proptest::proptest! {
        /// R3: no input makes the importers panic; a refused file always says why.
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
            let fw = fixture_framework();
            let units = fixture_units();
            if let Err(e) = parse_self_csv(&bytes, 2024, &fw, &units) {
                proptest::prop_assert!(!e.is_empty());
            }
            let _ = parse_survey_csv(&bytes, 2024, &fw, &units);
        }

        #[test]
        fn csv_like_text_never_panics(
            text in "(unit|code|self_score|note|evidence|ghi chú|x)?([,;\"|\r\n]|44|1\\.2|8\\.1\\.1|0,5|-1|\\||2024-01-01|đ| ){0,60}"
        ) {
            let fw = fixture_framework();
            let units = fixture_units();
            let header = "unit,code,self_score,note,evidence\n";
            for input in [text.clone(), format!("{header}{text}")] {
                if let Err(e) = parse_self_csv(input.as_bytes(), 2024, &fw, &units) {
                    proptest::prop_assert!(!e.is_empty());
                    for p in &e {
                        let _ = p.message(l10n::Lang::Vi);
                    }
                }
            }
        }
    }

    #[test]
    fn scores_in_a_refused_form_say_how_to_write_them() {
        let e = bad("unit,code,self_score\n\
                     44,1.1.1,+1\n\
                     44,1.1.2,.5\n\
                     44,1.2,\"0,\"\n\
                     44,3.2.1,-0\n");
        assert_eq!(
            e,
            vec![
                "row 2, column self_score: \"+1\" is not how a score is written (no '+', no '-0', a digit on both sides of the decimal separator); write 1",
                "row 3, column self_score: \".5\" is not how a score is written (no '+', no '-0', a digit on both sides of the decimal separator); write 0.5 or 0,5",
                "row 4, column self_score: \"0,\" is not how a score is written (no '+', no '-0', a digit on both sides of the decimal separator); write 0",
                "row 5, column self_score: \"-0\" is not how a score is written (no '+', no '-0', a digit on both sides of the decimal separator); write 0",
            ]
        );
        let e = parse_self_csv(
            b"unit,code,self_score\n44,1.1.2,.5\n",
            2024,
            &fixture_framework(),
            &fixture_units(),
        )
        .unwrap_err();
        assert!(
            e[0].message(l10n::Lang::Vi)
                .ends_with("hãy viết 0,5 hoặc 0.5")
        );
        let rows = ok("unit,code,self_score\n44,1.1.1,1\n44,1.1.2,\"0,75\"\n44,1.2,0.75\n");
        assert_eq!(rows.len(), 3);
    }

    #[test]
    fn texts_over_their_limit_are_refused_with_row_and_column() {
        let fw = fixture_framework();
        let units = fixture_units();
        let long_note = "ê".repeat(LONG_TEXT / 2 + 1);
        let at_limit = "x".repeat(LONG_TEXT);
        let long_part = "T".repeat(SHORT_TEXT + 1);
        let many = (1..=EVIDENCE_ENTRIES + 1)
            .map(|i| format!("{i}/QĐ"))
            .collect::<Vec<_>>()
            .join(";");
        let csv = format!(
            "unit,code,self_score,note,evidence\n\
             44,1.1.1,1,{long_note},\n\
             44,1.1.2,1,{at_limit},\n\
             44,1.2,1,,1/QĐ|{long_part}\n\
             44,3.2.1,1,,\"{many}\"\n\
             99,3.2.2,1,{long_note},\n"
        );
        let e: Vec<String> = parse_self_csv(csv.as_bytes(), 2024, &fw, &units)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            e,
            vec![
                "row 2, column note: the text has 16,386 bytes, more than the 16,384 bytes (16 KiB) this column may hold; shorten it, or put the details in an evidence document and cite it",
                "row 4, column evidence: evidence reference 1 has a title of 1,025 bytes, more than the 1,024 allowed; shorten it",
                "row 5, column evidence: the cell lists 101 evidence references, more than the 100 an item may have; keep the 100 that matter most, or cite one document that lists the others",
                // A row with other problems has its texts checked too.
                "row 6, column unit: unknown unit \"99\"; use a unit code from the units file",
                "row 6, column note: the text has 16,386 bytes, more than the 16,384 bytes (16 KiB) this column may hold; shorten it, or put the details in an evidence document and cite it",
            ]
        );
        // At the limit: accepted.
        let rows = ok(&format!(
            "unit,code,self_score,note,evidence\n44,1.1.2,1,{at_limit},\"{}\"\n",
            many.rsplit_once(';').unwrap().0
        ));
        assert_eq!(rows[0].note.len(), LONG_TEXT);
        assert_eq!(rows[0].evidence.len(), EVIDENCE_ENTRIES);
    }

    #[test]
    fn a_cell_too_long_to_keep_is_reported_not_copied() {
        let mut csv = b"unit,code,self_score,note\n44,1.1.1,1,".to_vec();
        csv.extend(std::iter::repeat_n(b'n', CELL_KEEP + 10));
        csv.extend(b"\n44,1.1.2,abc,x\n,,,");
        csv.extend(std::iter::repeat_n(b'n', CELL_KEEP + 1));
        csv.push(b'\n');
        let e = parse_self_csv(&csv, 2024, &fixture_framework(), &fixture_units()).unwrap_err();
        let got: Vec<(usize, Option<&str>, &ProblemKind)> = e
            .iter()
            .map(|p| (p.row, p.column.as_deref(), &p.kind))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    2,
                    Some("note"),
                    &ProblemKind::TextTooLong {
                        bytes: CELL_KEEP + 10,
                        limit: LONG_TEXT
                    }
                ),
                (
                    3,
                    Some("self_score"),
                    &ProblemKind::NotANumber { text: "abc".into() }
                ),
                (
                    4,
                    Some("note"),
                    &ProblemKind::TextTooLong {
                        bytes: CELL_KEEP + 1,
                        limit: LONG_TEXT
                    }
                ),
            ]
        );
    }

    /// Every batch a checker hands out of `csv`, and whether it then said the file was good.
    fn batches(csv: &str, max: usize) -> (Vec<usize>, bool) {
        let (fw, units) = (fixture_framework(), fixture_units());
        let (table, rows) = open_table(csv.as_bytes(), FileFormat::Csv).unwrap();
        let mut c = RowChecker::new(&table, rows, &fw, &units, ImportKind::SelfScores).unwrap();
        let mut sizes = Vec::new();
        while let Some(b) = c.next_rows(max) {
            sizes.push(b.len());
        }
        let good = !c.has_problems();
        assert_eq!(good, c.finish().is_ok());
        (sizes, good)
    }

    #[test]
    fn a_file_checked_as_it_is_read_is_good_only_once_its_end_is() {
        let rows = "44,1.1.1,0.5,a\n44,1.2,1,b\n45,1.1.1,0,c\n";
        let good = format!("unit,code,self_score,note\n{rows}");
        assert_eq!(batches(&good, 2), (vec![2, 1], true));
        // A quote never closed is known only at the end: no clean end is reported.
        let open = format!("{good}45,1.2,1,\"mở\n");
        let (_, good) = batches(&open, 2);
        assert!(!good);
        // A NUL byte: nothing from its row on is handed out.
        let nul = format!("unit,code,self_score,note\n44,1.1.1,0.5,a\n44,1.2,1,b\0\n{rows}");
        assert_eq!(batches(&nul, 1), (vec![1], false));
        // A bad row: nothing from it on.
        let bad = format!("unit,code,self_score,note\n44,1.1.1,0.5,a\n99,1.2,1,b\n{rows}");
        assert_eq!(batches(&bad, 1), (vec![1], false));
        // No data rows.
        assert_eq!(batches("unit,code,self_score,note\n", 5), (vec![], false));
    }

    #[test]
    fn a_long_cell_is_quoted_short() {
        let unit = "9".repeat(5000);
        let e = bad(&format!("unit,code,self_score\n{unit},1.1.1,1\n"));
        assert_eq!(
            e,
            vec![format!(
                "row 2, column unit: unknown unit \"{}…\"; use a unit code from the units file",
                "9".repeat(crate::problem::QUOTE_CHARS)
            )]
        );
    }

    #[test]
    fn a_file_of_thousands_of_bad_rows_lists_a_thousand_and_counts_the_rest() {
        let mut csv = String::from("unit,code,self_score\n");
        for i in 0..5000 {
            csv.push_str(&format!("99,1.1.1,{}\n", i % 2));
        }
        let e = parse_self_csv(csv.as_bytes(), 2024, &fixture_framework(), &fixture_units())
            .unwrap_err();
        assert_eq!((e.len(), e.more(), e.total()), (1000, 4000, 5000));
        assert_eq!(e[0].row, 2);
        assert_eq!(e[999].row, 1001);
        assert_eq!(
            e.more_message(l10n::Lang::Vi).as_deref(),
            Some("… và 4.000 lỗi khác")
        );
        // Skipped export rows take back their problems even beyond the list.
        let mut csv = String::from("unit,code,self_score,method\n");
        for _ in 0..1000 {
            csv.push_str("99,1.1.1,1,appraised\n");
        }
        for _ in 0..500 {
            csv.push_str("99,8.1.1,x,survey\n");
        }
        for _ in 0..10 {
            csv.push_str("99,1.1.1,1,appraised\n");
        }
        let e = parse_self_csv(csv.as_bytes(), 2024, &fixture_framework(), &fixture_units())
            .unwrap_err();
        assert_eq!((e.total(), e.more()), (1010, 10));
    }

    #[test]
    fn messages_in_vietnamese() {
        let e = parse_self_csv(
            b"unit,code,self_score\n44,3.2.1,\"2,5\"\n",
            2024,
            &fixture_framework(),
            &fixture_units(),
        )
        .unwrap_err();
        assert_eq!(
            e[0].message(l10n::Lang::Vi),
            "dòng 2, cột self_score: điểm 2,50 vượt điểm tối đa 1,50 của tiêu chí 3.2.1"
        );
    }
}
