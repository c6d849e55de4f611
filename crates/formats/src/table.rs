//! A file read as a table of text cells with their row numbers — the common shape of CSV and
//! XLSX imports. Readers only decode; the importers validate (see `self_import.rs`).

use super::csv_cell::read_back;
use super::problem::{ImportProblem, ProblemKind, Problems, quote_cell};

/// Bytes of a CSV cell the table keeps: more than any column may hold (a note 16 KiB, an
/// evidence cell 100 references). A longer cell is not copied: it is kept empty and its length
/// recorded in [`Table::long_cells`], for the importer to report with its row and column.
pub const CELL_KEEP: usize = 1 << 20;

/// A cell longer than [`CELL_KEEP`], kept empty in its row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LongCell {
    /// The row's line (as [`TableRow::row`]).
    pub row: usize,
    /// The cell's index in its row.
    pub cell: usize,
    /// Its length in bytes.
    pub bytes: usize,
}

/// One data row: the 1-based line of the file where it starts, and its cells as written.
/// The cells share one buffer (two allocations per row, however many cells).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableRow {
    pub row: usize,
    text: String,
    /// End offset of each cell in `text`.
    ends: Vec<usize>,
}

impl TableRow {
    pub fn new<'a>(row: usize, cells: impl IntoIterator<Item = &'a str>) -> TableRow {
        let mut text = String::new();
        let mut ends = Vec::new();
        for c in cells {
            text.push_str(c);
            ends.push(text.len());
        }
        TableRow { row, text, ends }
    }

    /// Make this the row on line `row` with `cells`, keeping its buffers.
    fn set<'a>(&mut self, row: usize, cells: impl IntoIterator<Item = &'a str>) {
        self.row = row;
        self.text.clear();
        self.ends.clear();
        for c in cells {
            self.text.push_str(c);
            self.ends.push(self.text.len());
        }
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)?;
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        self.text.get(start..end)
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// Every cell from `from` on is empty or whitespace.
    pub fn is_blank_from(&self, from: usize) -> bool {
        let start = match from {
            0 => 0,
            f => self.ends.get(f - 1).copied().unwrap_or(self.text.len()),
        };
        self.text.get(start..).is_none_or(|t| t.trim().is_empty())
    }
}

/// A header row and the data rows below it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// 1-based line of the header (1 unless the file starts with blank lines); in a workbook,
    /// the sheet's row number.
    pub header_row: usize,
    pub header: Vec<String>,
    pub rows: Vec<TableRow>,
    /// Workbooks: the sheet the table was read from.
    pub sheet: Option<String>,
    /// Workbooks: the 0-based sheet column of the table's first cell, so that columns are named
    /// by their letter. `None` for CSV.
    pub first_column: Option<u32>,
    /// CSV: the data cells longer than [`CELL_KEEP`], in file order.
    pub long_cells: Vec<LongCell>,
}

impl Table {
    /// How problems name column `i`: in a workbook its letter and header, `C (Điểm tự đánh
    /// giá)` (or just `C` without a header); in CSV the header as written, or `#N` without one.
    /// A header is quoted as a cell is ([`quote_cell`]).
    pub fn column_label(&self, i: usize) -> String {
        let header = self
            .header
            .get(i)
            .map(|h| quote_cell(&h.split_whitespace().collect::<Vec<_>>().join(" ")))
            .unwrap_or_default();
        match self.first_column {
            Some(first) => {
                let letter = column_letter(first.saturating_add(i as u32));
                if header.is_empty() {
                    letter
                } else {
                    format!("{letter} ({header})")
                }
            }
            None if header.is_empty() => format!("#{}", i + 1),
            None => self.header.get(i).map_or(header, |h| quote_cell(h.trim())),
        }
    }

    /// The length in bytes of cell `cell` of `row` as the file holds it (a [`LongCell`] is kept
    /// empty in the row).
    pub fn cell_bytes(&self, row: &TableRow, cell: usize) -> usize {
        self.long_cell(row.row, cell)
            .map_or_else(|| row.get(cell).map_or(0, str::len), |l| l.bytes)
    }

    /// The long cell `cell` of the row on line `row`, if it is one.
    pub fn long_cell(&self, row: usize, cell: usize) -> Option<&LongCell> {
        self.long_cells_of(row).iter().find(|l| l.cell == cell)
    }

    /// The long cells of the row on line `row`.
    pub fn long_cells_of(&self, row: usize) -> &[LongCell] {
        if self.long_cells.is_empty() {
            return &[];
        }
        let from = self.long_cells.partition_point(|l| l.row < row);
        let to = from + self.long_cells[from..].partition_point(|l| l.row == row);
        &self.long_cells[from..to]
    }
}

/// Spreadsheet column letters for a 0-based column: 0 → A, 25 → Z, 26 → AA.
pub fn column_letter(col: u32) -> String {
    let mut n = u64::from(col) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        out.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decode CSV bytes into a table. Strips a UTF-8 byte-order mark; the delimiter is ',' unless
/// the header line has ';' and no ',' (Excel in a Vietnamese locale), or only tabs.
/// Rows may have any number of fields: the importer reports a wrong count with its row.
///
/// Refused here: a file that is not UTF-8, an empty file, a quoted value still open at the end
/// of the file (read as it is, the rest of the file would be that one cell), and a NUL byte
/// in any cell (each with its row and column). A cell neutralised by a CSV writer (`'=…`, see
/// `csv_cell`) is read back as it was written; a cell longer than [`CELL_KEEP`] is kept empty and
/// listed in [`Table::long_cells`].
pub fn read_csv(bytes: &[u8]) -> Result<Table, Problems> {
    let (mut table, mut rows) = open_csv(bytes)?;
    while let Some((row, long)) = rows.next_row() {
        // (A refused file's rows are not kept.)
        if !rows.has_problems() {
            table.long_cells.extend(long);
            table.rows.push(row);
        }
    }
    rows.finish()?;
    Ok(table)
}

/// Open CSV bytes to be read row by row ([`CsvRows`]): the checks of the whole file that come
/// first ([`read_csv`]: UTF-8, not empty) and the header, as a [`Table`] with no rows yet.
pub fn open_csv(bytes: &[u8]) -> Result<(Table, CsvRows<'_>), Problems> {
    let bom = if bytes.starts_with(BOM) { BOM.len() } else { 0 };
    let bytes = &bytes[bom..];
    let text = match simdutf8::basic::from_utf8(bytes) {
        Ok(t) => t,
        Err(_) => {
            // (The fast check only says whether; the standard one says where.)
            let valid = std::str::from_utf8(bytes).map_or_else(|e| e.valid_up_to(), str::len);
            let line = 1 + bytes[..valid].iter().filter(|&&b| b == b'\n').count();
            // Offsets count from the start of the file, BOM included.
            let offset = bom + valid;
            return Err(ImportProblem::new(line, None, ProblemKind::NotUtf8 { offset }).into());
        }
    };
    if text.trim().is_empty() {
        return Err(ImportProblem::new(0, None, ProblemKind::EmptyFile).into());
    }
    let delimiter = detect_delimiter(text);
    let mut rows = CsvRows {
        text,
        delimiter,
        has_nul: text.as_bytes().contains(&0),
        records: Records::new(text, delimiter),
        rec: Record::default(),
        lines: LineCounter::default(),
        last: (0, 1),
        header: None,
        problems: Problems::new(),
        ended: None,
    };
    // The header: the first record that is not blank.
    while rows.read() {
        if rows.rec.long.is_empty() && rows.rec.cells().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cells = rows.rec.cells().enumerate().map(|(i, c)| {
            match rows.rec.long.iter().find(|l| l.cell == i) {
                // Too long to be any header: kept short, and it matches no column.
                Some(l) => format!("{}…", l.prefix),
                None => read_back(c).to_string(),
            }
        });
        let header = cells.collect();
        rows.header = Some((rows.last.1, header));
        break;
    }
    let Some((header_row, header)) = rows.header.clone() else {
        rows.finish()?;
        return Err(ImportProblem::new(0, None, ProblemKind::EmptyFile).into());
    };
    let table = Table {
        header_row,
        header,
        rows: Vec::new(),
        sheet: None,
        first_column: None,
        long_cells: Vec::new(),
    };
    Ok((table, rows))
}

/// The data rows of a CSV file, read one at a time after its header ([`open_csv`]), so a large
/// file is checked and imported as it is read, never held as a table. A problem of the file
/// itself — a NUL byte in a cell, a quoted value still open at the end — makes the file
/// refused whatever its rows hold ([`CsvRows::finish`]).
pub struct CsvRows<'t> {
    text: &'t str,
    delimiter: u8,
    has_nul: bool,
    records: Records<'t>,
    rec: Record,
    lines: LineCounter,
    /// Where the last record starts, and its row.
    last: (usize, usize),
    /// The header's row and cells, once read.
    header: Option<(usize, Vec<String>)>,
    /// NUL bytes found so far.
    problems: Problems,
    /// The end was read: a quoted value still open there, if so.
    ended: Option<Option<ImportProblem>>,
}

impl CsvRows<'_> {
    /// Read the next record into `rec`, noting NUL bytes; `false` at the end (where a quoted
    /// value still open is noted).
    fn read(&mut self) -> bool {
        if self.ended.is_some() {
            return false;
        }
        if !self.records.read(&mut self.rec) {
            self.ended = Some(self.open_quote());
            return false;
        }
        let row = self.lines.line_of(self.text, self.rec.start);
        self.last = (self.rec.start, row);
        if self.has_nul {
            for (i, c) in self.rec.cells().enumerate() {
                if c.contains('\0') {
                    let column = csv_column_label(self.header.as_ref().map(|h| &h.1), i);
                    self.problems.push(ImportProblem::new(
                        row,
                        Some(&column),
                        ProblemKind::NulByte,
                    ));
                }
            }
        }
        true
    }

    /// The next data row (its cells as written, a cell longer than [`CELL_KEEP`] empty) and its
    /// cells too long to keep; `None` at the end of the file.
    pub fn next_row(&mut self) -> Option<(TableRow, Vec<LongCell>)> {
        let mut row = TableRow::new(0, []);
        let mut long = Vec::new();
        self.next_row_into(&mut row, &mut long)
            .then_some((row, long))
    }

    /// [`CsvRows::next_row`] into `row` and `long`, whose buffers are reused; `false` at the
    /// end of the file.
    pub fn next_row_into(&mut self, row: &mut TableRow, long: &mut Vec<LongCell>) -> bool {
        if !self.read() {
            return false;
        }
        let line = self.last.1;
        long.clear();
        long.extend(self.rec.long.iter().map(|l| LongCell {
            row: line,
            cell: l.cell,
            bytes: l.bytes,
        }));
        row.set(line, self.rec.cells().map(read_back));
        true
    }

    /// Lines of the file after what was read: at most as many rows are left.
    pub fn lines_left(&self) -> usize {
        let rest = &self.text.as_bytes()[self.records.pos.min(self.text.len())..];
        rest.iter().filter(|&&b| b == b'\n').count() + 1
    }

    /// Whether the file has a problem of its own so far (a NUL byte; at the end, a quoted
    /// value never closed): it is refused whatever its rows hold. Once `next_row` has said the
    /// file ended, `false` means the file itself is good.
    pub fn has_problems(&self) -> bool {
        self.problems.total() > 0 || matches!(self.ended, Some(Some(_)))
    }

    /// The last record ends inside a quoted value: that problem.
    fn open_quote(&self) -> Option<ImportProblem> {
        let last = self.last;
        let field = open_quote(&self.text.as_bytes()[last.0..], self.delimiter)?;
        let column = match &self.header {
            Some((header_row, h)) if *header_row != last.1 => csv_column_label(Some(h), field),
            _ => format!("#{}", field + 1),
        };
        Some(ImportProblem::new(
            last.1,
            Some(&column),
            ProblemKind::UnterminatedQuote,
        ))
    }

    /// Read what is left and give the file's own problems: a quoted value still open at the
    /// end (alone: the rest of the file was that one cell), or every NUL byte.
    pub fn finish(mut self) -> Result<(), Problems> {
        while self.read() {}
        if let Some(Some(open)) = self.ended.take() {
            return Err(open.into());
        }
        if self.problems.total() > 0 {
            return Err(self.problems);
        }
        Ok(())
    }
}

/// One record of a CSV text: where it starts and its cells; a cell longer than [`CELL_KEEP`]
/// is empty, its length and first bytes in `long`.
#[derive(Default)]
struct Record {
    start: usize,
    text: String,
    ends: Vec<usize>,
    long: Vec<LongField>,
}

struct LongField {
    cell: usize,
    bytes: usize,
    /// Its first bytes (at most 256, whole characters).
    prefix: String,
}

impl Record {
    fn cells(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.ends.len()).map(|i| {
            let from = if i == 0 { 0 } else { self.ends[i - 1] };
            &self.text[from..self.ends[i]]
        })
    }
}

/// The records of a CSV text, read by `csv_core` exactly as the csv crate reads them (quotes,
/// `""`, CR, LF or CRLF line ends, blank lines skipped), but with bounded memory: a field is
/// copied only up to [`CELL_KEEP`] bytes, a longer one is measured and left out.
struct Records<'t> {
    input: &'t [u8],
    pos: usize,
    reader: csv_core::Reader,
    /// The current field's bytes (grows up to `CELL_KEEP + 1`).
    buf: Vec<u8>,
    done: bool,
}

impl<'t> Records<'t> {
    fn new(text: &'t str, delimiter: u8) -> Records<'t> {
        Records {
            input: text.as_bytes(),
            pos: 0,
            reader: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            buf: vec![0; 4096],
            done: false,
        }
    }
}

impl Records<'_> {
    /// Read the next record into `rec` (its buffers are reused); `false` at the end.
    fn read(&mut self, rec: &mut Record) -> bool {
        use csv_core::ReadFieldResult as R;
        if self.done {
            return false;
        }
        rec.start = self.pos;
        rec.text.clear();
        rec.ends.clear();
        rec.long.clear();
        // Bytes of the current field in `buf`, and those already measured and dropped.
        let (mut len, mut dropped) = (0, 0);
        let mut prefix: Option<String> = None;
        loop {
            let (res, nin, nout) = self
                .reader
                .read_field(&self.input[self.pos..], &mut self.buf[len..]);
            self.pos += nin;
            len += nout;
            match res {
                R::InputEmpty => {}
                R::OutputFull if self.buf.len() <= CELL_KEEP => {
                    let grown = (self.buf.len() * 2).min(CELL_KEEP + 1);
                    self.buf.resize(grown, 0);
                }
                R::OutputFull => {
                    // A long field: keep its first bytes for a header's label, measure the rest.
                    if prefix.is_none() {
                        prefix = Some(utf8_prefix(&self.buf[..len], 256));
                    }
                    dropped += len;
                    len = 0;
                }
                R::Field { record_end } => {
                    let cell = rec.ends.len();
                    match prefix.take() {
                        Some(prefix) => rec.long.push(LongField {
                            cell,
                            bytes: dropped + len,
                            prefix,
                        }),
                        // (A field of a text checked whole is UTF-8: a field is its bytes
                        // without some of its quotes.)
                        None => match simdutf8::basic::from_utf8(&self.buf[..len]) {
                            Ok(field) => rec.text.push_str(field),
                            Err(_) => rec
                                .text
                                .push_str(&String::from_utf8_lossy(&self.buf[..len])),
                        },
                    }
                    rec.ends.push(rec.text.len());
                    (len, dropped) = (0, 0);
                    if record_end {
                        return true;
                    }
                }
                R::End => {
                    self.done = true;
                    return false;
                }
            }
        }
    }
}

/// The longest prefix of `bytes` of at most `max` bytes that is whole UTF-8 characters.
fn utf8_prefix(bytes: &[u8], max: usize) -> String {
    let b = &bytes[..bytes.len().min(max)];
    match std::str::from_utf8(b) {
        Ok(s) => s.to_string(),
        Err(e) => String::from_utf8_lossy(&b[..e.valid_up_to()]).into_owned(),
    }
}

/// A CSV column's name before the table exists: as [`Table::column_label`] names it.
fn csv_column_label(header: Option<&Vec<String>>, i: usize) -> String {
    match header.and_then(|h| h.get(i)).map(|h| h.trim()) {
        Some(h) if !h.is_empty() && !h.contains('\0') => quote_cell(h),
        _ => format!("#{}", i + 1),
    }
}

/// Whether the CSV text `bytes`, from the start of a record to the end of the file, ends inside
/// a quoted value, read as the csv crate reads quotes: a quote opens a quoted value only as the
/// first character of a field, `""` inside one is a quote, and the value ends at the next lone
/// quote. `Some(field)`: the 0-based field of the last record that is still open.
fn open_quote(bytes: &[u8], delimiter: u8) -> Option<usize> {
    #[derive(Clone, Copy, PartialEq)]
    enum S {
        FieldStart,
        Field,
        Quoted,
        /// A quote inside a quoted value: the end of it, or the first of `""`.
        QuoteInQuoted,
    }
    let mut state = S::FieldStart;
    let mut field = 0;
    for &b in bytes {
        state = match (state, b) {
            (S::Quoted, b'"') => S::QuoteInQuoted,
            (S::Quoted, _) => S::Quoted,
            (S::QuoteInQuoted, b'"') => S::Quoted,
            (S::FieldStart, b'"') => S::Quoted,
            (_, b'\n' | b'\r') => {
                field = 0;
                S::FieldStart
            }
            (_, d) if d == delimiter => {
                field += 1;
                S::FieldStart
            }
            _ => S::Field,
        };
    }
    (state == S::Quoted).then_some(field)
}

/// A record read after blank lines starts at the first blank line; find the line where its
/// text really starts, counting newlines incrementally (records come in order).
#[derive(Default)]
struct LineCounter {
    byte: usize,
    line: usize,
}

impl LineCounter {
    fn line_of(&mut self, text: &str, start: usize) -> usize {
        let bytes = text.as_bytes();
        let mut start = start.min(bytes.len());
        while start < bytes.len() && matches!(bytes[start], b'\n' | b'\r') {
            start += 1;
        }
        if start < self.byte {
            // Not expected; recount from the top rather than report a wrong line.
            *self = LineCounter::default();
        }
        let from = self.byte;
        self.line += count_line_breaks(&bytes[from..start]);
        self.byte = start;
        self.line + 1
    }
}

/// Line breaks: "\n", "\r\n" or a lone "\r".
fn count_line_breaks(bytes: &[u8]) -> usize {
    let mut n = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            n += 1;
        }
    }
    n
}

fn detect_delimiter(text: &str) -> u8 {
    let first = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    let has = |c: char| first.contains(c);
    if has(';') && !has(',') {
        b';'
    } else if has('\t') && !has(',') && !has(';') {
        b'\t'
    } else {
        b','
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(t: &Table) -> Vec<(usize, Vec<&str>)> {
        t.rows.iter().map(|r| (r.row, r.iter().collect())).collect()
    }

    #[test]
    fn reads_rows_with_their_file_lines() {
        let t = read_csv(b"unit,code\n44,\"1.1\"\n\n45,\"multi\nline\"\n46,x\n").unwrap();
        let t2 =
            read_csv(b"\r\nunit,code\r\n44,\"1.1\"\r\n\r\n45,\"multi\r\nline\"\r\n46,x").unwrap();
        assert_eq!(t2.header_row, 2);
        assert_eq!(
            t2.rows.iter().map(|r| r.row).collect::<Vec<_>>(),
            vec![3, 5, 7]
        );
        assert_eq!(t.header_row, 1);
        assert_eq!(t.header, vec!["unit", "code"]);
        assert_eq!(
            cells(&t),
            vec![
                (2, vec!["44", "1.1"]),
                (4, vec!["45", "multi\nline"]),
                (6, vec!["46", "x"]),
            ]
        );
    }

    #[test]
    fn strips_bom_and_detects_semicolon_and_tab() {
        let t = read_csv("\u{feff}unit;code;self_score\n44;1.1;0,75\n".as_bytes()).unwrap();
        assert_eq!(t.header, vec!["unit", "code", "self_score"]);
        assert_eq!(cells(&t), vec![(2, vec!["44", "1.1", "0,75"])]);
        // A comma in the header keeps ',' even when ';' appears too.
        let t = read_csv(b"unit,note\n44,a;b\n").unwrap();
        assert_eq!(cells(&t), vec![(2, vec!["44", "a;b"])]);
        let t = read_csv(b"unit\tcode\n44\t1.1\n").unwrap();
        assert_eq!(cells(&t), vec![(2, vec!["44", "1.1"])]);
    }

    #[test]
    fn keeps_ragged_rows_for_the_validator() {
        let t = read_csv(b"a,b,c\n1,2\n1,2,3,4\n").unwrap();
        assert_eq!(
            cells(&t),
            vec![(2, vec!["1", "2"]), (3, vec!["1", "2", "3", "4"])]
        );
    }

    #[test]
    fn rows_give_back_their_cells() {
        let r = TableRow::new(4, ["a", "", " b ", ""]);
        assert_eq!(r.len(), 4);
        assert_eq!(r.get(0), Some("a"));
        assert_eq!(r.get(1), Some(""));
        assert_eq!(r.get(2), Some(" b "));
        assert_eq!(r.get(4), None);
        assert!(!r.is_blank_from(2));
        assert!(r.is_blank_from(3));
        assert!(r.is_blank_from(9));
        assert!(TableRow::new(1, [" ", ""]).is_blank_from(0));
    }

    #[test]
    fn column_labels() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
        let mut t = read_csv(b" unit ,,self\n").unwrap();
        assert_eq!(t.column_label(0), "unit");
        assert_eq!(t.column_label(1), "#2");
        t.first_column = Some(1);
        t.header[2] = "Điểm tự\nđánh giá".into();
        assert_eq!(t.column_label(0), "B (unit)");
        assert_eq!(t.column_label(1), "C");
        assert_eq!(t.column_label(2), "D (Điểm tự đánh giá)");
    }

    #[test]
    fn empty_and_blank_files() {
        for input in [&b""[..], b"\xEF\xBB\xBF", b"\n\n  \n", b",,\n"] {
            let e = read_csv(input).unwrap_err();
            assert_eq!(e[0].kind, ProblemKind::EmptyFile, "{input:?}");
        }
    }

    #[test]
    fn an_open_quote_at_the_end_of_the_file_is_refused_with_its_row() {
        for (input, row, column) in [
            (&b"unit,code,note\n44,1.2,\"open\n45,1.2,x\n"[..], 2, "note"),
            (b"unit,code,note\r\n44,1.2,ok\r\n45,\"1.2,x", 3, "code"),
            (b"unit,code,note\n44,1.2,\"a \"\"quoted\"\" word", 2, "note"),
            (b"unit,\"code,note\n44,1.2,x\n", 1, "#2"),
            (b"\"", 1, "#1"),
        ] {
            let e = read_csv(input).unwrap_err();
            assert_eq!(e.len(), 1, "{input:?}");
            assert_eq!(e[0].kind, ProblemKind::UnterminatedQuote, "{input:?}");
            assert_eq!(e[0].row, row, "{input:?}");
            assert_eq!(e[0].column.as_deref(), Some(column), "{input:?}");
        }
        // Closed quotes, quotes inside a value and a quote after the value's end are fine.
        for input in [
            &b"unit,code,note\n44,1.2,\"a,b\"\n"[..],
            b"unit,code,note\n44,1.2,\"a \"\"b\"\"\"",
            b"unit,code,note\n44,1.2,5\" screen\n",
            b"unit,code,note\n44,1.2,\"a\"b\n",
            b"unit;code;note\n44;1.2;\"a;b\"\n",
        ] {
            assert!(read_csv(input).is_ok(), "{input:?}");
        }
    }

    #[test]
    fn a_nul_byte_is_refused_with_its_row_and_column() {
        let e = read_csv(b"unit,code,note\n44,1.2,ok\n45,1\x002,a\x00b\n").unwrap_err();
        let got: Vec<String> = e.iter().map(ToString::to_string).collect();
        assert_eq!(got.len(), 2);
        assert!(got[0].starts_with("row 3, column code: the cell holds a NUL character"));
        assert!(got[1].starts_with("row 3, column note: the cell holds a NUL character"));
        let e = read_csv(b"unit,co\x00de\n44,1.2\n").unwrap_err();
        assert_eq!((e[0].row, e[0].column.as_deref()), (1, Some("#2")));
        // A file of NULs (UTF-16 without its mark) lists a thousand and counts the rest.
        let e = read_csv(&b"a\x00,b\x00\n".repeat(800)).unwrap_err();
        assert_eq!((e.len(), e.more()), (1000, 600));
    }

    #[test]
    fn neutralised_cells_are_read_back_and_long_cells_kept_empty() {
        let t = read_csv(b"unit,note\n44,'=1+1\n45,'abc\n46,''-x\n").unwrap();
        assert_eq!(
            cells(&t),
            vec![
                (2, vec!["44", "=1+1"]),
                (3, vec!["45", "'abc"]),
                (4, vec!["46", "'-x"])
            ]
        );
        let mut csv = b"unit,note\n44,x\n45,".to_vec();
        csv.extend(std::iter::repeat_n(b'y', CELL_KEEP + 1));
        csv.extend(b"\n46,z\n");
        let t = read_csv(&csv).unwrap();
        assert_eq!(cells(&t)[1], (3, vec!["45", ""]));
        assert_eq!(
            t.long_cells,
            vec![LongCell {
                row: 3,
                cell: 1,
                bytes: CELL_KEEP + 1
            }]
        );
        assert_eq!(t.cell_bytes(&t.rows[1], 1), CELL_KEEP + 1);
        assert_eq!(t.cell_bytes(&t.rows[2], 1), 1);
        assert_eq!(t.long_cell(4, 1), None);
    }

    #[test]
    fn a_long_header_cell_is_kept_short_and_names_no_column() {
        let mut csv = b"unit,".to_vec();
        csv.extend(std::iter::repeat_n(b'h', CELL_KEEP + 1));
        csv.extend(b"\n44,x\n");
        let t = read_csv(&csv).unwrap();
        assert_eq!(t.header[0], "unit");
        assert_eq!(t.header[1], format!("{}…", "h".repeat(256)));
        assert!(t.column_label(1).ends_with('…'));
        assert!(t.column_label(1).chars().count() <= crate::problem::QUOTE_CHARS + 1);
    }

    proptest::proptest! {
        /// The bounded reader gives the records the csv crate gives, in every dialect.
        #[test]
        fn records_are_the_csv_crates(
            text in "[a,;\"\r\n \t'é]{0,60}",
            d in proptest::sample::select(vec![b',', b';', b'\t']),
        ) {
            let mut ours: Vec<Vec<String>> = Vec::new();
            let mut records = Records::new(&text, d);
            let mut rec = Record::default();
            while records.read(&mut rec) {
                ours.push(rec.cells().map(str::to_string).collect());
            }
            let mut rd = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .delimiter(d)
                .from_reader(text.as_bytes());
            let theirs: Vec<Vec<String>> = rd
                .records()
                .map(|r| r.unwrap().iter().map(str::to_string).collect())
                .collect();
            proptest::prop_assert_eq!(ours, theirs);
        }
    }

    #[test]
    fn not_utf8_names_line_and_offset() {
        // "Quảng" in Windows-1258 style single bytes on line 3.
        let bytes = b"unit,code\n44,1.1\n45,Qu\xe1ng\n";
        let e = read_csv(bytes).unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].row, 3);
        assert_eq!(e[0].kind, ProblemKind::NotUtf8 { offset: 22 });
    }
}
