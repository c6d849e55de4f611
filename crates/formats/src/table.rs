//! A file read as a table of text cells with their row numbers — the common shape of CSV and
//! XLSX imports. Readers only decode; the importers validate (see `self_import.rs`).

use super::problem::{ImportProblem, ProblemKind};

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
}

impl Table {
    /// How problems name column `i`: in a workbook its letter and header, `C (Điểm tự đánh
    /// giá)` (or just `C` without a header); in CSV the header as written, or `#N` without one.
    pub fn column_label(&self, i: usize) -> String {
        let header = self
            .header
            .get(i)
            .map(|h| h.split_whitespace().collect::<Vec<_>>().join(" "))
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
            None => self.header.get(i).map_or(header, |h| h.trim().to_string()),
        }
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
pub fn read_csv(bytes: &[u8]) -> Result<Table, Vec<ImportProblem>> {
    let bom = if bytes.starts_with(BOM) { BOM.len() } else { 0 };
    let bytes = &bytes[bom..];
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = e.valid_up_to();
            let line = 1 + bytes[..valid].iter().filter(|&&b| b == b'\n').count();
            // Offsets count from the start of the file, BOM included.
            let offset = bom + valid;
            return Err(vec![ImportProblem::new(
                line,
                None,
                ProblemKind::NotUtf8 { offset },
            )]);
        }
    };
    if text.trim().is_empty() {
        return Err(vec![ImportProblem::new(0, None, ProblemKind::EmptyFile)]);
    }
    let delimiter = detect_delimiter(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut header: Option<(usize, Vec<String>)> = None;
    let mut rows = Vec::new();
    let mut lines = LineCounter::default();
    let mut rec = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let row = e.position().map_or(0, |p| p.line() as usize);
                return Err(vec![ImportProblem::new(
                    row,
                    None,
                    ProblemKind::Csv {
                        message: e.to_string(),
                    },
                )]);
            }
        };
        let row = rec
            .position()
            .map_or(0, |p| lines.line_of(text, p.byte() as usize));
        if header.is_none() {
            if rec.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            header = Some((row, rec.iter().map(str::to_string).collect()));
        } else {
            rows.push(TableRow::new(row, rec.iter()));
        }
    }
    let Some((header_row, header)) = header else {
        return Err(vec![ImportProblem::new(0, None, ProblemKind::EmptyFile)]);
    };
    Ok(Table {
        header_row,
        header,
        rows,
        sheet: None,
        first_column: None,
    })
}

/// The csv reader places a record after blank lines at the first blank line; find the line
/// where its text really starts, counting newlines incrementally (records come in order).
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
    fn not_utf8_names_line_and_offset() {
        // "Quảng" in Windows-1258 style single bytes on line 3.
        let bytes = b"unit,code\n44,1.1\n45,Qu\xe1ng\n";
        let e = read_csv(bytes).unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].row, 3);
        assert_eq!(e[0].kind, ProblemKind::NotUtf8 { offset: 22 });
    }
}
