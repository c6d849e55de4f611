//! Reading one sheet of a workbook (.xlsx, .xlsm, .xlsb, .xls, .ods — whatever `calamine` opens)
//! into a [`Table`] of text cells, so the importers validate it exactly as they validate a CSV
//! file. Only decoding happens here:
//!
//! - The header row is the first row with at least two cells the caller recognises as headers,
//!   so title rows above the table (often merged across it) are passed over; without such a row,
//!   the first non-blank row is the header and the importer reports its unknown columns.
//! - A header merged down over several rows (.xlsx, .xls) makes the header several rows high:
//!   a column's header is its cells from top to bottom joined ("Điểm" merged over two columns
//!   above "Tự chấm" and "Thẩm định" gives "Điểm Tự chấm" and "Điểm Thẩm định"); data starts
//!   below the merge.
//! - A data cell merged down over several rows repeats its value in each of them (a unit code
//!   merged beside its criteria).
//! - Number cells become the text a person would type: `44`, `0.75`; a number that is on
//!   hundredths once the binary noise of floating point is removed (0.1 + 0.2 from a formula)
//!   becomes that hundredth; any other number is written in full (`0.333`), so the importer
//!   refuses it with the same message as typed text. Dates become `YYYY-MM-DD`, error cells
//!   their code (`#DIV/0!`).

use std::io::Cursor;

use calamine::{Data, Dimensions, Reader, SheetType, SheetVisible, Sheets};

use crate::problem::{ImportProblem, ProblemKind};
use crate::table::{Table, TableRow, column_letter};

/// The first bytes of a zip archive (.xlsx, .xlsm, .ods) and of an OLE compound file (.xls).
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// File name endings read as workbooks.
pub const WORKBOOK_EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xlsb", "xls", "ods"];

/// Is the file a workbook, by its name or (for a workbook saved under another name) by its
/// first bytes?
pub fn is_workbook(path: &std::path::Path, bytes: &[u8]) -> bool {
    let by_name = path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        WORKBOOK_EXTENSIONS
            .iter()
            .any(|w| w.eq_ignore_ascii_case(e))
    });
    by_name || bytes.starts_with(ZIP_MAGIC) || bytes.starts_with(OLE_MAGIC)
}

/// The worksheet names of a workbook, in order (hidden ones included).
pub fn sheet_names(bytes: &[u8]) -> Result<Vec<String>, ImportProblem> {
    guarded(|| {
        let wb = open(bytes)?;
        Ok(worksheets(&wb).into_iter().map(|(n, _)| n).collect())
    })
    .map_err(|kind| ImportProblem::new(0, None, kind))?
}

/// The visible worksheet names of a workbook, in order: the sheets a person sees.
pub fn visible_sheet_names(bytes: &[u8]) -> Result<Vec<String>, ImportProblem> {
    guarded(|| {
        let wb = open(bytes)?;
        Ok(worksheets(&wb)
            .into_iter()
            .filter(|(_, visible)| *visible)
            .map(|(n, _)| n)
            .collect())
    })
    .map_err(|kind| ImportProblem::new(0, None, kind))?
}

/// Run calamine on an untrusted file: a panic inside it (its cell-reference parser overflows
/// on absurd references, for one) becomes `SheetUnreadable`, not the end of the program.
fn guarded<T>(read: impl FnOnce() -> T) -> Result<T, ProblemKind> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).map_err(|payload| {
        let why = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        ProblemKind::SheetUnreadable {
            detail: format!("the workbook reader failed ({why})"),
        }
    })
}

fn open(bytes: &[u8]) -> Result<Sheets<Cursor<&[u8]>>, ImportProblem> {
    calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        let text = !bytes.starts_with(ZIP_MAGIC)
            && !bytes.starts_with(OLE_MAGIC)
            && std::str::from_utf8(&bytes[..bytes.len().min(4096)]).is_ok();
        ImportProblem::new(
            0,
            None,
            ProblemKind::NotAWorkbook {
                plain_text: text,
                detail: e.to_string(),
            },
        )
    })
}

/// (name, visible) of every worksheet.
fn worksheets(wb: &Sheets<Cursor<&[u8]>>) -> Vec<(String, bool)> {
    wb.sheets_metadata()
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .map(|s| (s.name.clone(), s.visible == SheetVisible::Visible))
        .collect()
}

/// Read sheet `sheet` (default: the first visible worksheet) as a table. `is_header` tells
/// whether a cell's text is a column header the importer knows (used to find the header row).
pub fn read_sheet(
    bytes: &[u8],
    sheet: Option<&str>,
    is_header: &dyn Fn(&str) -> bool,
) -> Result<Table, Vec<ImportProblem>> {
    guarded(|| read_sheet_unguarded(bytes, sheet, is_header))
        .map_err(|kind| vec![ImportProblem::new(0, None, kind).on_sheet(sheet)])?
}

fn read_sheet_unguarded(
    bytes: &[u8],
    sheet: Option<&str>,
    is_header: &dyn Fn(&str) -> bool,
) -> Result<Table, Vec<ImportProblem>> {
    let mut wb = open(bytes).map_err(|p| vec![p])?;
    let sheets = worksheets(&wb);
    let name = match sheet {
        Some(wanted) => {
            let exact = sheets.iter().find(|(n, _)| n == wanted);
            // Sheet names are case-insensitive in Excel; spaces around are a typing slip.
            let loose = || {
                sheets
                    .iter()
                    .find(|(n, _)| n.trim().to_lowercase() == wanted.trim().to_lowercase())
            };
            // "44" or "Quảng Bình" for the sheet "44 Quảng Bình" of an exported workbook, when
            // only one sheet fits.
            let by_code = || {
                let w = wanted.trim().to_lowercase();
                let mut fits = sheets.iter().filter(|(n, _)| {
                    let n = n.to_lowercase();
                    n.starts_with(&format!("{w} ")) || n.ends_with(&format!(" {w}"))
                });
                match (fits.next(), fits.next()) {
                    (Some(one), None) => Some(one),
                    _ => None,
                }
            };
            match exact.or_else(loose).or_else(by_code) {
                Some((n, _)) => n.clone(),
                None => {
                    return Err(vec![ImportProblem::new(
                        0,
                        None,
                        ProblemKind::UnknownSheet {
                            name: wanted.to_string(),
                            sheets: sheets.into_iter().map(|(n, _)| n).collect(),
                        },
                    )]);
                }
            }
        }
        None => match sheets.iter().find(|(_, visible)| *visible) {
            Some((n, _)) => n.clone(),
            None => return Err(vec![ImportProblem::new(0, None, ProblemKind::NoWorksheet)]),
        },
    };
    let on_sheet =
        |kind: ProblemKind| vec![ImportProblem::new(0, None, kind).on_sheet(Some(&name))];
    // calamine holds a sheet as a dense grid from its first to its last cell: measure first.
    if let Some(kind) = streamed_extent(&mut wb, &name).and_then(|e| e.problem()) {
        return Err(on_sheet(kind));
    }
    let range = wb.worksheet_range(&name).map_err(|e| {
        on_sheet(ProblemKind::SheetUnreadable {
            detail: e.to_string(),
        })
    })?;
    if let (Some(first), Some(last)) = (range.start(), range.end())
        && let Some(kind) = (Extent { first, last }).problem()
    {
        return Err(on_sheet(kind));
    }
    let merges = match &mut wb {
        Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(&name).unwrap_or_default(),
        Sheets::Xls(x) => x.merge_cells_by_sheet_name(&name).unwrap_or_default(),
        _ => Vec::new(),
    };
    let grid = Grid {
        range: &range,
        merges: &merges,
    };
    let (Some(start), Some(end)) = (range.start(), range.end()) else {
        return Err(on_sheet(ProblemKind::EmptySheet));
    };
    let cols: Vec<u32> = (start.1..=end.1).collect();
    let row_texts = |r: u32| -> Vec<String> { cols.iter().map(|&c| grid.text(r, c)).collect() };
    let blank = |cells: &[String]| cells.iter().all(|c| c.trim().is_empty());

    // The header: the first row naming at least two known columns; else the first row with
    // two values or more (not a title); else the first non-blank row.
    let mut first_nonblank = None;
    let mut first_wide = None;
    let mut header_at = None;
    for r in start.0..=end.0 {
        let cells = row_texts(r);
        if blank(&cells) {
            continue;
        }
        first_nonblank.get_or_insert(r);
        if cells.iter().filter(|c| !c.trim().is_empty()).count() >= 2 {
            first_wide.get_or_insert(r);
        }
        if cells.iter().filter(|c| is_header(c)).count() >= 2 {
            header_at = Some(r);
            break;
        }
    }
    let Some(h) = header_at.or(first_wide).or(first_nonblank) else {
        return Err(on_sheet(ProblemKind::EmptySheet));
    };
    // A header cell merged downwards makes the header that many rows high.
    let h_end = merges
        .iter()
        .filter(|m| m.start.0 == h && m.end.0 > h)
        .map(|m| m.end.0)
        .max()
        .unwrap_or(h)
        .min(end.0);
    let header: Vec<String> = cols
        .iter()
        .map(|&c| grid.header_text(h, h_end, c))
        .collect();
    let mut rows = Vec::new();
    if h_end < end.0 {
        for r in h_end + 1..=end.0 {
            let cells: Vec<String> = cols.iter().map(|&c| grid.data_text(r, c, h_end)).collect();
            rows.push(TableRow::new(
                r as usize + 1,
                cells.iter().map(String::as_str),
            ));
        }
    }
    Ok(Table {
        header_row: h as usize + 1,
        header,
        rows,
        sheet: Some(name.clone()),
        first_column: Some(start.1),
        long_cells: Vec::new(),
        comma_separated: false,
    })
}

/// Excel's limits: cells beyond them are not from Excel, whatever the file claims.
const MAX_ROWS: u64 = 1_048_576;
const MAX_COLUMNS: u64 = 16_384;
/// The most cells of a sheet's area (first to last cell) that are read into memory: far more
/// than an import needs (200,000 rows of 25 columns), far less than a stray cell at the end of
/// the sheet would cost (17 billion).
const MAX_CELLS: u64 = 5_000_000;

/// The 0-based (row, column) of a sheet's first and last cells.
#[derive(Clone, Copy, Debug)]
struct Extent {
    first: (u32, u32),
    last: (u32, u32),
}

impl Extent {
    fn add(e: Option<Extent>, (r, c): (u32, u32)) -> Extent {
        match e {
            None => Extent {
                first: (r, c),
                last: (r, c),
            },
            Some(e) => Extent {
                first: (e.first.0.min(r), e.first.1.min(c)),
                last: (e.last.0.max(r), e.last.1.max(c)),
            },
        }
    }

    fn rows(&self) -> u64 {
        u64::from(self.last.0) - u64::from(self.first.0) + 1
    }

    fn columns(&self) -> u64 {
        u64::from(self.last.1) - u64::from(self.first.1) + 1
    }

    /// `SheetTooLarge` when a cell lies beyond Excel's limits or the area is over MAX_CELLS.
    fn problem(&self) -> Option<ProblemKind> {
        let beyond = u64::from(self.last.0) >= MAX_ROWS || u64::from(self.last.1) >= MAX_COLUMNS;
        (beyond || self.rows() * self.columns() > MAX_CELLS).then(|| ProblemKind::SheetTooLarge {
            last: format!(
                "{}{}",
                column_letter(self.last.1),
                u64::from(self.last.0) + 1
            ),
            rows: self.rows(),
            columns: self.columns(),
        })
    }
}

/// The extent of a sheet's cells read as a stream (.xlsx, .xlsb), stopping at the first cell
/// that makes it too large; `None` for other formats or a sheet the stream cannot read (the
/// full read then says why).
fn streamed_extent(wb: &mut Sheets<Cursor<&[u8]>>, name: &str) -> Option<Extent> {
    let mut extent = None;
    macro_rules! scan {
        ($reader:expr) => {{
            let mut reader = $reader.ok()?;
            while let Ok(Some(cell)) = reader.next_cell() {
                let e = Extent::add(extent, cell.get_position());
                extent = Some(e);
                if e.problem().is_some() {
                    break;
                }
            }
        }};
    }
    match wb {
        Sheets::Xlsx(x) => scan!(x.worksheet_cells_reader(name)),
        Sheets::Xlsb(x) => scan!(x.worksheet_cells_reader(name)),
        _ => return None,
    }
    extent
}

/// A sheet's cells with its merged regions.
struct Grid<'a> {
    range: &'a calamine::Range<Data>,
    merges: &'a [Dimensions],
}

impl Grid<'_> {
    fn text(&self, r: u32, c: u32) -> String {
        self.range
            .get_value((r, c))
            .map(cell_text)
            .unwrap_or_default()
    }

    /// The merged region covering (r, c) other than at its top-left cell.
    fn covering(&self, r: u32, c: u32) -> Option<&Dimensions> {
        self.merges
            .iter()
            .find(|m| m.contains(r, c) && m.start != (r, c))
    }

    /// Column `c`'s header over rows `h..=h_end`: its parts top to bottom, repeats dropped.
    fn header_text(&self, h: u32, h_end: u32, c: u32) -> String {
        let mut parts: Vec<String> = Vec::new();
        for r in h..=h_end {
            let mut t = self.text(r, c);
            if t.trim().is_empty()
                && let Some(m) = self.covering(r, c)
            {
                // Down a merged column, or (in a header of several rows) across a merged
                // group heading: the merged value names this cell too.
                if m.start.1 == c || h_end > h {
                    t = self.text(m.start.0, m.start.1);
                }
            }
            let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
            if !t.is_empty() && parts.last() != Some(&t) {
                parts.push(t);
            }
        }
        parts.join(" ")
    }

    /// A data cell: its value, or the value of a region merged down over it from a data row.
    fn data_text(&self, r: u32, c: u32, h_end: u32) -> String {
        let t = self.text(r, c);
        if !t.trim().is_empty() {
            return t;
        }
        match self.covering(r, c) {
            Some(m) if m.start.1 == c && m.start.0 > h_end => self.text(m.start.0, c),
            _ => t,
        }
    }
}

/// A cell as the text a person would have typed (see the module documentation).
pub fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(dt) if dt.is_duration() => number_text(dt.as_f64()),
        Data::DateTime(dt) => {
            let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
            }
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

/// A number cell as text: `44`, `1.5`, `0.75`; on hundredths after removing floating-point
/// noise (within a millionth of a hundredth); anything else in full, e.g. `0.333`.
pub fn number_text(f: f64) -> String {
    if f.is_finite() && f.abs() < 1e13 {
        let scaled = f * 100.0;
        let h = scaled.round();
        if (scaled - h).abs() <= 1e-6 {
            let h = h as i64;
            let sign = if h < 0 { "-" } else { "" };
            let (whole, frac) = (h.abs() / 100, h.abs() % 100);
            return match frac {
                0 => format!("{sign}{whole}"),
                f if f % 10 == 0 => format!("{sign}{whole}.{}", f / 10),
                f => format!("{sign}{whole}.{f:02}"),
            };
        }
    }
    format!("{f}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_become_the_text_a_person_types() {
        assert_eq!(number_text(44.0), "44");
        assert_eq!(number_text(0.75), "0.75");
        assert_eq!(number_text(1.5), "1.5");
        assert_eq!(number_text(0.29), "0.29");
        assert_eq!(number_text(0.1 + 0.2), "0.3");
        assert_eq!(number_text(0.07 * 3.0), "0.21");
        assert_eq!(number_text(-0.25), "-0.25");
        assert_eq!(number_text(-0.0), "0");
        assert_eq!(number_text(0.333), "0.333");
        assert_eq!(number_text(0.755), "0.755");
        assert_eq!(number_text(1e-7), "0.0000001");
        assert_eq!(number_text(1e20), "100000000000000000000");
        // Every hundredth from 0 to 100 survives the trip through a float.
        for h in 0..=10_000i64 {
            let text = number_text(h as f64 / 100.0);
            assert_eq!(
                domain::Points::parse(&text).map(|p| p.hundredths()),
                Ok(h),
                "{h}"
            );
        }
    }

    #[test]
    fn cells_of_every_kind() {
        assert_eq!(cell_text(&Data::Empty), "");
        assert_eq!(cell_text(&Data::Int(7)), "7");
        assert_eq!(cell_text(&Data::String("0,75".into())), "0,75");
        assert_eq!(cell_text(&Data::Bool(true)), "TRUE");
        assert_eq!(
            cell_text(&Data::Error(calamine::CellErrorType::Div0)),
            "#DIV/0!"
        );
        let date =
            calamine::ExcelDateTime::new(45366.0, calamine::ExcelDateTimeType::DateTime, false);
        assert_eq!(cell_text(&Data::DateTime(date)), "2024-03-15");
    }

    #[test]
    fn workbooks_by_name_or_content() {
        use std::path::Path;
        assert!(is_workbook(Path::new("a.XLSX"), b""));
        assert!(is_workbook(Path::new("a.ods"), b""));
        assert!(is_workbook(Path::new("a.csv"), b"PK\x03\x04rest"));
        assert!(!is_workbook(Path::new("a.csv"), b"unit,code"));
        assert!(!is_workbook(Path::new("xlsx"), b"unit,code"));
    }

    proptest::proptest! {
        /// R3: no file makes the workbook reader panic; a refused file always says why.
        #[test]
        fn arbitrary_bytes_never_panic(
            zip in proptest::bool::ANY,
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300),
        ) {
            let mut input = if zip { ZIP_MAGIC.to_vec() } else { Vec::new() };
            input.extend_from_slice(&bytes);
            if let Err(e) = read_sheet(&input, None, &|_| true) {
                proptest::prop_assert!(!e.is_empty());
            }
        }

        /// A real workbook cut short or with bytes changed.
        #[test]
        fn damaged_workbooks_never_panic(
            cut in 0usize..8000,
            flips in proptest::collection::vec((0usize..8000, proptest::prelude::any::<u8>()), 0..8),
        ) {
            let mut wb = rust_xlsxwriter::Workbook::new();
            let ws = wb.add_worksheet();
            for (r, row) in [["unit", "code", "self_score"], ["44", "1.2", "0,5"]].iter().enumerate() {
                for (c, v) in row.iter().enumerate() {
                    ws.write_string(r as u32, c as u16, *v).unwrap();
                }
            }
            ws.merge_range(3, 0, 4, 1, "x", &rust_xlsxwriter::Format::new()).unwrap();
            let mut bytes = wb.save_to_buffer().unwrap();
            for (at, b) in flips {
                let n = bytes.len();
                bytes[at % n] = b;
            }
            bytes.truncate(cut.max(4));
            if let Err(e) = read_sheet(&bytes, None, &|_| true) {
                proptest::prop_assert!(!e.is_empty());
            }
        }
    }

    #[test]
    fn text_and_garbage_are_not_workbooks() {
        let e = read_sheet(b"unit,code,self_score\n44,1.2,1\n", None, &|_| false).unwrap_err();
        assert!(matches!(
            e[0].kind,
            ProblemKind::NotAWorkbook {
                plain_text: true,
                ..
            }
        ));
        let e = read_sheet(b"PK\x03\x04\x00\x01broken", None, &|_| false).unwrap_err();
        assert!(matches!(
            e[0].kind,
            ProblemKind::NotAWorkbook {
                plain_text: false,
                ..
            }
        ));
        assert_eq!(e[0].row, 0);
    }
}
