//! A file read as a table of text cells with their row numbers — the common shape of CSV and
//! XLSX imports. Readers only decode; the importers validate (see `self_import.rs`).

use std::io::Read;

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
    /// CSV with ',' between cells: a decimal comma written without quotes splits a score in two.
    pub comma_separated: bool,
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

/// Bytes of a CSV file read at a time (in this crate's tests, a few: every test of a CSV file
/// then reads it with characters, lines and records cut between reads).
const READ_STEP: usize = if cfg!(test) { 5 } else { 1 << 20 };

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

/// Open CSV bytes to be read row by row ([`CsvRows`]): the header, as a [`Table`] with no rows
/// yet. The file is refused here as [`read_csv`] refuses it when that is known from its start
/// (not UTF-8 there, empty); what shows later is found as the rows are read.
pub fn open_csv(bytes: &[u8]) -> Result<(Table, CsvRows<'_>), Problems> {
    open_csv_from(Box::new(bytes), bytes.len())
}

/// [`open_csv`] of a file read as it is needed, a piece at a time (`len`: its size, for the
/// estimate of its rows): an import file is never held whole.
pub fn open_csv_from<'t>(
    src: Box<dyn Read + 't>,
    len: usize,
) -> Result<(Table, CsvRows<'t>), Problems> {
    let mut rows = CsvRows {
        src,
        len,
        win: Vec::new(),
        win_start: 0,
        eof: false,
        bom: 0,
        checked: 0,
        newlines: 0,
        carry: 0,
        delimiter: b',',
        has_nul: false,
        records: Records::new(b','),
        rec: Record::default(),
        lines: LineCounter::default(),
        last: (0, 1),
        header: None,
        problems: Problems::new(),
        not_utf8: None,
        failed: None,
        ended: None,
        rec_line: None,
        scan_cur: None,
        scan_last: None,
    };
    // The byte-order mark.
    while rows.win.len() < BOM.len() && rows.fill_raw() {}
    if rows.win.starts_with(BOM) {
        rows.win.drain(..BOM.len());
        rows.bom = BOM.len();
    }
    rows.check_utf8();
    // The delimiter, from the first line that is not blank.
    let delimiter = loop {
        if let Some(p) = rows.start_problem() {
            return Err(p.into());
        }
        let text = std::str::from_utf8(&rows.win[..rows.checked]).unwrap_or_default();
        let mut complete = text.split_inclusive('\n').filter(|l| l.ends_with('\n'));
        if let Some(first) = complete.find(|l| !l.trim().is_empty()) {
            break detect_delimiter(first);
        }
        if rows.eof {
            if text.trim().is_empty() {
                return Err(ImportProblem::new(0, None, ProblemKind::EmptyFile).into());
            }
            break detect_delimiter(text);
        }
        rows.fill();
    };
    rows.delimiter = delimiter;
    rows.records = Records::new(delimiter);
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
        comma_separated: rows.delimiter == b',',
    };
    Ok((table, rows))
}

/// The data rows of a CSV file, read one at a time after its header ([`open_csv`]), so a large
/// file is checked and imported as it is read, never held whole. The file is read a piece at a
/// time into a window that keeps only the last records. A problem of the file itself — bytes
/// that are not UTF-8, a NUL byte in a cell, a quoted value still open at the end — makes the
/// file refused whatever its rows hold ([`CsvRows::finish`]).
pub struct CsvRows<'t> {
    src: Box<dyn Read + 't>,
    /// The file's size.
    len: usize,
    /// The bytes read and still kept: the file's from `win_start` on (after the BOM).
    win: Vec<u8>,
    win_start: usize,
    eof: bool,
    /// The BOM's length, for the offset of a byte that is not UTF-8.
    bom: usize,
    /// Bytes of `win` checked as UTF-8 (the rest is the end of a character cut by a read).
    checked: usize,
    /// Line feeds before `win_start + checked`.
    newlines: usize,
    /// Bytes at the end of `win` after `checked` that may start a character.
    carry: usize,
    delimiter: u8,
    has_nul: bool,
    records: Records,
    rec: Record,
    lines: LineCounter,
    /// Where the last record starts (in the file), and its row.
    last: (usize, usize),
    /// The header's row and cells, once read.
    header: Option<(usize, Vec<String>)>,
    /// NUL bytes found so far.
    problems: Problems,
    /// The first byte that is not UTF-8.
    not_utf8: Option<ImportProblem>,
    /// Reading the file failed.
    failed: Option<ImportProblem>,
    /// The end was read: a quoted value still open there, if so.
    ended: Option<Option<ImportProblem>>,
    /// A record longer than the window may keep (a cell of megabytes) is not kept whole: its
    /// line is found before its start is dropped, and the quotes of what is dropped are
    /// followed here — from the start of the record being read, and from the start of the
    /// last one read (for a quote still open at the end).
    rec_line: Option<usize>,
    scan_cur: Option<QuoteScan>,
    scan_last: Option<QuoteScan>,
}

/// Bytes the window of a CSV file keeps at most before it drops the start of a long record.
const KEEP_MAX: usize = 4 * READ_STEP;

impl CsvRows<'_> {
    /// Read the next piece of the file into the window (without checking it); `false` at its
    /// end or when reading fails.
    fn fill_raw(&mut self) -> bool {
        if self.eof {
            return false;
        }
        let got = match (&mut self.src)
            .take(READ_STEP as u64)
            .read_to_end(&mut self.win)
        {
            Ok(n) => n,
            Err(e) => {
                self.failed = Some(ImportProblem::new(
                    0,
                    None,
                    ProblemKind::Unreadable {
                        reason: e.to_string(),
                    },
                ));
                0
            }
        };
        if got == 0 {
            self.eof = true;
        }
        got > 0
    }

    /// Check the bytes read since the last check as UTF-8, and look for NUL bytes in them.
    fn check_utf8(&mut self) {
        if self.not_utf8.is_some() {
            return;
        }
        let fresh = &self.win[self.checked..];
        let valid = match simdutf8::compat::from_utf8(fresh) {
            Ok(_) => fresh.len(),
            // The end of a character cut by the read: checked with the next piece.
            Err(e) if e.error_len().is_none() && !self.eof => e.valid_up_to(),
            Err(e) => {
                let valid = e.valid_up_to();
                let at = self.win_start + self.checked + valid;
                let line =
                    1 + self.newlines + fresh[..valid].iter().filter(|&&b| b == b'\n').count();
                self.not_utf8 = Some(ImportProblem::new(
                    line,
                    None,
                    ProblemKind::NotUtf8 {
                        offset: self.bom + at,
                    },
                ));
                valid
            }
        };
        let good = &fresh[..valid];
        self.newlines += good.iter().filter(|&&b| b == b'\n').count();
        self.has_nul |= good.contains(&0);
        self.checked += valid;
        self.carry = self.win.len() - self.checked;
    }

    /// A problem of the file that makes every other one moot: not UTF-8, unreadable.
    fn start_problem(&self) -> Option<ImportProblem> {
        self.not_utf8.clone().or_else(|| self.failed.clone())
    }

    /// Read and check the next piece, first dropping what no record needs any more (what is
    /// before the last record read); `false` at the end of the file.
    fn fill(&mut self) -> bool {
        let mut keep = self.last.0.min(self.records.pos).max(self.win_start);
        if self.win.len() - (keep - self.win_start) > KEEP_MAX {
            keep = self.cut(keep);
        }
        let drop = keep - self.win_start;
        if drop > 0 {
            self.win.drain(..drop);
            self.win_start = keep;
            self.checked -= drop;
        }
        let more = self.fill_raw();
        self.check_utf8();
        more || self.carry > 0
    }

    /// Where the window can be cut inside a long record (instead of at `keep`): what csv_core
    /// has read, once the record's line is known; the line breaks and quotes of what is cut are
    /// counted first.
    fn cut(&mut self, keep: usize) -> usize {
        let w = self.win_start;
        let mut cut = self.records.pos;
        let start = self.rec.start.max(w);
        if self.records.reading && self.rec_line.is_none() && start < cut {
            let first = self.win[start - w..cut - w]
                .iter()
                .position(|b| !matches!(b, b'\n' | b'\r'));
            match first {
                Some(_) => {
                    self.rec_line = Some(self.lines.line_of(&self.win, w, self.rec.start));
                }
                // Only line ends so far: the record's line is not known yet.
                None => cut = cut.min(start),
            }
        }
        // Not between the CR and the LF of a line end (they count as one).
        while cut > keep && self.win[cut - 1 - w] == b'\r' {
            cut -= 1;
        }
        if cut <= keep {
            return keep;
        }
        // The line breaks before the cut.
        if self.lines.byte < cut {
            let from = self.lines.byte.max(w);
            self.lines.line += count_line_breaks(&self.win[from - w..cut - w]);
            self.lines.byte = cut;
        }
        // The quotes: from the last record's start, and from this record's.
        let last_from = self.last.0.max(w);
        let scan = self.scan_last.get_or_insert_default();
        if last_from < cut {
            scan.feed(&self.win[last_from - w..cut - w], self.delimiter);
        }
        if self.records.reading {
            let cur_from = self.rec.start.max(w);
            let scan = self.scan_cur.get_or_insert_default();
            if cur_from < cut {
                scan.feed(&self.win[cur_from - w..cut - w], self.delimiter);
            }
        }
        cut
    }

    /// Read the next record into `rec`, noting NUL bytes; `false` at the end (where a quoted
    /// value still open is noted) or at a problem of the file that stops the reading.
    fn read(&mut self) -> bool {
        if self.ended.is_some() || self.start_problem().is_some() {
            return false;
        }
        loop {
            let from = self.records.pos - self.win_start;
            let input = &self.win[from..self.checked];
            let at_end = self.eof && self.checked == self.win.len();
            match self.records.read(input, at_end, &mut self.rec) {
                Step::Record => break,
                Step::More => {
                    self.fill();
                    if self.start_problem().is_some() {
                        return false;
                    }
                }
                Step::End => {
                    self.ended = Some(self.open_quote());
                    return false;
                }
            }
        }
        let row = match self.rec_line.take() {
            Some(row) => row,
            None => self
                .lines
                .line_of(&self.win, self.win_start, self.rec.start),
        };
        self.last = (self.rec.start, row);
        // (What was cut of this record, now the last one read, is in its scan.)
        self.scan_last = self.scan_cur.take();
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

    /// About how many rows are left, from the bytes left (for sizes, not a count).
    pub fn rows_left_estimate(&self) -> usize {
        let left = self.len.saturating_sub(self.bom + self.records.pos);
        left / 256 + 1
    }

    /// Whether the file has a problem of its own so far (bytes that are not UTF-8, a NUL byte;
    /// at the end, a quoted value never closed): it is refused whatever its rows hold. Once
    /// `next_row` has said the file ended, `false` means the file itself is good.
    pub fn has_problems(&self) -> bool {
        self.problems.total() > 0
            || matches!(self.ended, Some(Some(_)))
            || self.start_problem().is_some()
    }

    /// The last record ends inside a quoted value: that problem.
    fn open_quote(&self) -> Option<ImportProblem> {
        let last = self.last;
        let from = last.0.saturating_sub(self.win_start).min(self.win.len());
        let field = match self.scan_last {
            // The start of the last record was cut: go on from what was scanned of it.
            Some(mut scan) => {
                scan.feed(&self.win[from..], self.delimiter);
                scan.open()?
            }
            None => open_quote(&self.win[from..], self.delimiter)?,
        };
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

    /// Read what is left and give the file's own problems: bytes that are not UTF-8 or a file
    /// that cannot be read (alone); a quoted value still open at the end (alone: the rest of the
    /// file was that one cell); or every NUL byte.
    pub fn finish(mut self) -> Result<(), Problems> {
        while self.read() {}
        if let Some(p) = self.start_problem() {
            return Err(p.into());
        }
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

/// What reading a record gave.
enum Step {
    Record,
    /// The bytes given ran out inside a record: give more.
    More,
    End,
}

/// The records of a CSV text given a piece at a time, read by `csv_core` exactly as the csv
/// crate reads them (quotes, `""`, CR, LF or CRLF line ends, blank lines skipped), but with
/// bounded memory: a field is copied only up to [`CELL_KEEP`] bytes, a longer one is measured
/// and left out.
struct Records {
    /// Where the next byte to read is in the file.
    pos: usize,
    reader: csv_core::Reader,
    /// The current field's bytes (grows up to `CELL_KEEP + 1`).
    buf: Vec<u8>,
    /// Bytes of the current field in `buf`, and those already measured and dropped.
    len: usize,
    dropped: usize,
    /// A long field's first bytes.
    prefix: Option<String>,
    /// A record is being read (`rec` holds its first cells).
    reading: bool,
    done: bool,
}

impl Records {
    fn new(delimiter: u8) -> Records {
        Records {
            pos: 0,
            reader: csv_core::ReaderBuilder::new().delimiter(delimiter).build(),
            buf: vec![0; 4096],
            len: 0,
            dropped: 0,
            prefix: None,
            reading: false,
            done: false,
        }
    }

    /// Read on in `input` (the file's bytes from `pos`; `at_end`: nothing follows them) into
    /// `rec` (its buffers are reused).
    fn read(&mut self, input: &[u8], at_end: bool, rec: &mut Record) -> Step {
        use csv_core::ReadFieldResult as R;
        if self.done {
            return Step::End;
        }
        if !self.reading {
            self.reading = true;
            rec.start = self.pos;
            rec.text.clear();
            rec.ends.clear();
            rec.long.clear();
            (self.len, self.dropped, self.prefix) = (0, 0, None);
        }
        let mut at = 0;
        loop {
            // An empty input tells csv_core the data ended: only at the end of the file.
            if at == input.len() && !at_end {
                return Step::More;
            }
            let (res, nin, nout) = self
                .reader
                .read_field(&input[at..], &mut self.buf[self.len..]);
            at += nin;
            self.pos += nin;
            self.len += nout;
            match res {
                R::InputEmpty => {}
                R::OutputFull if self.buf.len() <= CELL_KEEP => {
                    let grown = (self.buf.len() * 2).min(CELL_KEEP + 1);
                    self.buf.resize(grown, 0);
                }
                R::OutputFull => {
                    // A long field: keep its first bytes for a header's label, measure the rest.
                    if self.prefix.is_none() {
                        self.prefix = Some(utf8_prefix(&self.buf[..self.len], 256));
                    }
                    self.dropped += self.len;
                    self.len = 0;
                }
                R::Field { record_end } => {
                    let cell = rec.ends.len();
                    let len = self.len;
                    match self.prefix.take() {
                        Some(prefix) => rec.long.push(LongField {
                            cell,
                            bytes: self.dropped + len,
                            prefix,
                        }),
                        // (A field of checked text is UTF-8: it is its bytes without some of
                        // its quotes.)
                        None => match simdutf8::basic::from_utf8(&self.buf[..len]) {
                            Ok(field) => rec.text.push_str(field),
                            Err(_) => rec
                                .text
                                .push_str(&String::from_utf8_lossy(&self.buf[..len])),
                        },
                    }
                    rec.ends.push(rec.text.len());
                    (self.len, self.dropped) = (0, 0);
                    if record_end {
                        self.reading = false;
                        return Step::Record;
                    }
                }
                R::End => {
                    self.done = true;
                    self.reading = false;
                    return Step::End;
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
    let mut scan = QuoteScan::default();
    scan.feed(bytes, delimiter);
    scan.open()
}

/// [`open_quote`] read a piece at a time.
#[derive(Clone, Copy, Default)]
struct QuoteScan {
    state: QuoteState,
    field: usize,
}

#[derive(Clone, Copy, Default, PartialEq)]
enum QuoteState {
    #[default]
    FieldStart,
    Field,
    Quoted,
    /// A quote inside a quoted value: the end of it, or the first of `""`.
    QuoteInQuoted,
}

impl QuoteScan {
    fn feed(&mut self, bytes: &[u8], delimiter: u8) {
        use QuoteState as S;
        let (mut state, mut field) = (self.state, self.field);
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
        (self.state, self.field) = (state, field);
    }

    /// The field still open in a quoted value, if the text ends inside one.
    fn open(&self) -> Option<usize> {
        (self.state == QuoteState::Quoted).then_some(self.field)
    }
}

/// A record read after blank lines starts at the first blank line; find the line where its
/// text really starts, counting newlines incrementally (records come in order).
#[derive(Default)]
struct LineCounter {
    byte: usize,
    line: usize,
}

impl LineCounter {
    /// The line where the record at `start` (in the file) begins; `window` holds the file's
    /// bytes from `window_start`, from the last record asked for on.
    fn line_of(&mut self, window: &[u8], window_start: usize, start: usize) -> usize {
        let end = window_start + window.len();
        let mut start = start.clamp(window_start, end);
        while start < end && matches!(window[start - window_start], b'\n' | b'\r') {
            start += 1;
        }
        let from = self.byte.clamp(window_start, start);
        self.line += count_line_breaks(&window[from - window_start..start - window_start]);
        self.byte = start;
        self.line + 1
    }
}

/// Line breaks: "\n", "\r\n" or a lone "\r".
fn count_line_breaks(bytes: &[u8]) -> usize {
    // (Counted a whole slice at a time: the text between two records is mostly a note.)
    let lf = bytes.iter().filter(|&&b| b == b'\n').count();
    if !bytes.contains(&b'\r') {
        return lf;
    }
    let lone_cr = bytes
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
        .count();
    lf + lone_cr
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
            step in 1usize..8,
        ) {
            // Given a few bytes at a time, as a file is read.
            let bytes = text.as_bytes();
            let mut avail = step.min(bytes.len());
            let mut ours: Vec<Vec<String>> = Vec::new();
            let mut records = Records::new(d);
            let mut rec = Record::default();
            loop {
                match records.read(&bytes[records.pos..avail], avail == bytes.len(), &mut rec) {
                    Step::Record => ours.push(rec.cells().map(str::to_string).collect()),
                    Step::More => avail = (avail + step).min(bytes.len()),
                    Step::End => break,
                }
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

    /// Read in pieces of a few bytes (in tests), long records are cut out of the window: these
    /// once went wrong there (a panic; a CR and its LF counted as two line ends).
    #[test]
    fn records_cut_between_reads_keep_their_lines() {
        let text = "x\"|2024-01-0144-1|\"\"\"\n\"đ\r1.28.1.1|;44,\"8.1.1\r";
        let _ = read_csv(text.as_bytes());
        let mut bytes = BOM.to_vec();
        bytes.extend("x'\0x;,a\r'\tx x'\0,  é;x \0'é,,\t\0 \0\"\r\n\r\0".as_bytes());
        let rows: Vec<usize> = read_csv(&bytes)
            .unwrap_err()
            .iter()
            .map(|p| p.row)
            .collect();
        // Line ends: a lone CR after row 1, CRLF after row 2, a lone CR on row 3.
        assert_eq!(rows, [1, 2, 2, 2, 4]);
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
