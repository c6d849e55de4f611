//! Reading a data file's TOML with positions: the spanned document from `toml`, typed field access that
//! records every problem as a `FileError` (with line and column) instead of stopping at the first.
//! Shared by `framework_file` and `units_file`.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};
use unicode_normalization::UnicodeNormalization;

use super::file_error::{FileError, FileErrorKind, Section, ValueKind};
use super::points::{Points, PointsError};

/// The largest number of points a framework file may give anywhere (1,000,000).
const MAX_FILE_POINTS: Points = Points::whole(1_000_000);

/// A value and the byte offset where it starts in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Field<T> {
    pub value: T,
    pub offset: usize,
}

/// 1-based (line, column) of a byte offset; the column counts characters, not bytes.
/// An offset past the end, or inside a multi-byte character, is clamped to the nearest boundary before it.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut at = offset.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Collects the problems of one file.
pub(crate) struct Reader<'t> {
    text: &'t str,
    file: &'t str,
    errors: Vec<(usize, FileError)>,
    /// Byte offset where each line starts, found once when first needed (a units file of 2,000
    /// units asks for the line of every unit).
    line_starts: std::cell::OnceCell<Vec<usize>>,
}

impl<'t> Reader<'t> {
    pub fn new(text: &'t str, file: &'t str) -> Reader<'t> {
        Reader {
            text,
            file,
            errors: Vec::new(),
            line_starts: std::cell::OnceCell::new(),
        }
    }

    /// 1-based line of a byte offset (as `line_col` counts it).
    pub fn line(&self, offset: usize) -> usize {
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        // The number of lines that start at or before the offset.
        starts.partition_point(|&s| s <= offset.min(self.text.len()))
    }

    /// Remember the line of a code in `lines`; report it if already used (naming the line of
    /// its first use). True when this is the first use.
    pub fn first_use(
        &mut self,
        lines: &mut std::collections::HashMap<String, usize>,
        code: &Field<String>,
        section: Section,
    ) -> bool {
        if let Some(&first_line) = lines.get(&code.value) {
            self.error(
                code.offset,
                Some(&code.value),
                FileErrorKind::DuplicateEntry {
                    section,
                    code: code.value.clone(),
                    first_line,
                },
            );
            false
        } else {
            lines.insert(code.value.clone(), self.line(code.offset));
            true
        }
    }

    pub fn error(&mut self, offset: usize, item: Option<&str>, kind: FileErrorKind) {
        let (line, column) = line_col(self.text, offset);
        self.errors.push((
            offset,
            FileError {
                file: self.file.to_string(),
                line: Some(line),
                column: Some(column),
                item: item.map(str::to_string),
                kind,
            },
        ));
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// The problems in file order.
    pub fn into_errors(self) -> Vec<FileError> {
        let mut errors = self.errors;
        errors.sort_by_key(|(offset, _)| *offset);
        errors.into_iter().map(|(_, e)| e).collect()
    }

    /// Parse the document. On syntax errors record the first one in the file and return `None`: the
    /// parser's recovery after a syntax error produces follow-on errors that would only mislead.
    pub fn parse(&mut self) -> Option<DeTable<'t>> {
        let (doc, errors) = DeTable::parse_recoverable(self.text);
        let first = errors
            .iter()
            .min_by_key(|e| e.span().map_or(0, |s| s.start));
        match first {
            None => Some(doc.into_inner()),
            Some(e) => {
                let offset = e.span().map_or(0, |s| s.start);
                let message = e.message().to_string();
                self.error(offset, None, FileErrorKind::Syntax { message });
                None
            }
        }
    }
}

pub(crate) fn kind_of(v: &DeValue<'_>) -> ValueKind {
    match v {
        DeValue::String(_) => ValueKind::String,
        DeValue::Integer(_) => ValueKind::Integer,
        DeValue::Float(_) => ValueKind::Float,
        DeValue::Boolean(_) => ValueKind::Boolean,
        DeValue::Datetime(_) => ValueKind::Datetime,
        DeValue::Array(_) => ValueKind::Array,
        DeValue::Table(_) => ValueKind::Table,
    }
}

/// Normalise text read from a file to NFC, so names compare and search the same however they were typed.
pub(crate) fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// One TOML table of the file (the document itself, `[framework]`, or one `[[item]]`), with the
/// section it belongs to and the item label used in its errors.
pub(crate) struct Table<'a, 'i> {
    pub table: &'a DeTable<'i>,
    /// Where the table's header starts (offset 0 for the document).
    pub offset: usize,
    pub section: Section,
    /// The code or name that labels errors in this table, once known.
    pub item: Option<String>,
}

impl<'a, 'i> Table<'a, 'i> {
    pub fn new(table: &'a DeTable<'i>, span: Range<usize>, section: Section) -> Table<'a, 'i> {
        Table {
            table,
            offset: span.start,
            section,
            item: None,
        }
    }

    fn err(&self, r: &mut Reader<'_>, offset: usize, kind: FileErrorKind) {
        r.error(offset, self.item.as_deref(), kind);
    }

    fn get(&self, key: &str) -> Option<&'a Spanned<DeValue<'i>>> {
        self.table.get(key)
    }

    /// Whether the table has `key` at all (whatever its type).
    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// True when `key` is absent or an empty array (any other type is reported by `table_list`).
    pub fn is_empty_list(&self, key: &str) -> bool {
        match self.get(key).map(Spanned::get_ref) {
            None => true,
            Some(DeValue::Array(a)) => a.is_empty(),
            Some(_) => false,
        }
    }

    /// Record every key not in `allowed`.
    pub fn check_keys(&self, r: &mut Reader<'_>, allowed: &[&str]) {
        for key in self.table.keys() {
            if !allowed.contains(&key.get_ref().as_ref()) {
                self.err(
                    r,
                    key.span().start,
                    FileErrorKind::UnknownKey {
                        section: self.section,
                        key: key.get_ref().to_string(),
                    },
                );
            }
        }
    }

    fn wrong_type(
        &self,
        r: &mut Reader<'_>,
        key: &str,
        v: &Spanned<DeValue<'_>>,
        expected: ValueKind,
    ) {
        self.err(
            r,
            v.span().start,
            FileErrorKind::WrongType {
                section: self.section,
                key: key.to_string(),
                expected,
                found: kind_of(v.get_ref()),
            },
        );
    }

    fn wrong_element(
        &self,
        r: &mut Reader<'_>,
        key: &str,
        v: &Spanned<DeValue<'_>>,
        expected: ValueKind,
    ) {
        self.err(
            r,
            v.span().start,
            FileErrorKind::WrongElementType {
                section: self.section,
                key: key.to_string(),
                expected,
                found: kind_of(v.get_ref()),
            },
        );
    }

    fn missing(&self, r: &mut Reader<'_>, key: &'static str) {
        self.err(
            r,
            self.offset,
            FileErrorKind::MissingKey {
                section: self.section,
                key,
            },
        );
    }

    /// A string exactly as written (codes, ids); `None` if absent or not a string (recorded).
    pub fn raw_str(
        &self,
        r: &mut Reader<'_>,
        key: &'static str,
        required: bool,
    ) -> Option<Field<String>> {
        let Some(v) = self.get(key) else {
            if required {
                self.missing(r, key);
            }
            return None;
        };
        match v.get_ref() {
            DeValue::String(s) => Some(Field {
                value: s.to_string(),
                offset: v.span().start,
            }),
            _ => {
                self.wrong_type(r, key, v, ValueKind::String);
                None
            }
        }
    }

    /// A human text (names, guidance): NFC-normalised; when `required`, also non-blank.
    pub fn text(
        &self,
        r: &mut Reader<'_>,
        key: &'static str,
        required: bool,
    ) -> Option<Field<String>> {
        let f = self.raw_str(r, key, required)?;
        if required && f.value.trim().is_empty() {
            self.err(
                r,
                f.offset,
                FileErrorKind::EmptyText {
                    section: self.section,
                    key: key.to_string(),
                },
            );
            return None;
        }
        Some(Field {
            value: nfc(&f.value),
            offset: f.offset,
        })
    }

    /// A number of points: "0.25", "0,25", 2, 2.5.
    pub fn points(
        &self,
        r: &mut Reader<'_>,
        key: &'static str,
        required: bool,
    ) -> Option<Field<Points>> {
        let Some(v) = self.get(key) else {
            if required {
                self.missing(r, key);
            }
            return None;
        };
        let text = match v.get_ref() {
            DeValue::String(s) => s.to_string(),
            DeValue::Integer(i) if i.radix() == 10 => i.as_str().to_string(),
            DeValue::Float(f) => f.as_str().to_string(),
            _ => {
                self.wrong_type(r, key, v, ValueKind::Points);
                return None;
            }
        };
        // A framework counts in tens of points; a cap keeps every sum of maxima far from overflow.
        let parsed = Points::parse(&text.replace('_', "")).and_then(|p| {
            if p.abs() > MAX_FILE_POINTS {
                Err(PointsError::TooLarge(text.clone()))
            } else {
                Ok(p)
            }
        });
        match parsed {
            Ok(p) => Some(Field {
                value: p,
                offset: v.span().start,
            }),
            Err(reason) => {
                self.err(
                    r,
                    v.span().start,
                    FileErrorKind::BadPoints {
                        section: self.section,
                        key,
                        text,
                        reason,
                    },
                );
                None
            }
        }
    }

    /// A year (0..=65535).
    pub fn year(&self, r: &mut Reader<'_>, key: &'static str) -> Option<Field<u16>> {
        let v = self.get(key)?;
        let DeValue::Integer(i) = v.get_ref() else {
            self.wrong_type(r, key, v, ValueKind::Year);
            return None;
        };
        let year = i64::from_str_radix(i.as_str(), i.radix())
            .ok()
            .and_then(|n| u16::try_from(n).ok());
        if year.is_none() {
            self.err(
                r,
                v.span().start,
                FileErrorKind::BadYear {
                    section: self.section,
                    key,
                    value: i.to_string(),
                },
            );
        }
        year.map(|value| Field {
            value,
            offset: v.span().start,
        })
    }

    /// A whole number from 0 to `max`.
    pub fn count(&self, r: &mut Reader<'_>, key: &'static str, max: u32) -> Option<Field<u32>> {
        let v = self.get(key)?;
        let DeValue::Integer(i) = v.get_ref() else {
            self.wrong_type(r, key, v, ValueKind::Count);
            return None;
        };
        let n = i64::from_str_radix(i.as_str(), i.radix())
            .ok()
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| *n <= max);
        if n.is_none() {
            self.err(
                r,
                v.span().start,
                FileErrorKind::BadCount {
                    section: self.section,
                    key,
                    value: i.to_string(),
                    max,
                },
            );
        }
        n.map(|value| Field {
            value,
            offset: v.span().start,
        })
    }

    pub fn boolean(&self, r: &mut Reader<'_>, key: &'static str) -> Option<Field<bool>> {
        let v = self.get(key)?;
        match v.get_ref() {
            DeValue::Boolean(b) => Some(Field {
                value: *b,
                offset: v.span().start,
            }),
            _ => {
                self.wrong_type(r, key, v, ValueKind::Boolean);
                None
            }
        }
    }

    /// An optional array of strings, each NFC-normalised. Absent → empty.
    pub fn string_list(&self, r: &mut Reader<'_>, key: &'static str) -> Vec<String> {
        let Some(v) = self.get(key) else {
            return Vec::new();
        };
        let DeValue::Array(a) = v.get_ref() else {
            self.wrong_type(r, key, v, ValueKind::StringList);
            return Vec::new();
        };
        let mut out = Vec::new();
        for e in a.iter() {
            match e.get_ref() {
                DeValue::String(s) => out.push(nfc(s)),
                _ => self.wrong_element(r, key, e, ValueKind::String),
            }
        }
        out
    }

    /// A sub-table (`[framework]` in the document); records a missing table at the top of the file.
    pub fn sub_table(
        &self,
        r: &mut Reader<'_>,
        key: &'static str,
        section: Section,
    ) -> Option<Table<'a, 'i>> {
        let Some(v) = self.get(key) else {
            self.err(r, self.offset, FileErrorKind::MissingTable { section });
            return None;
        };
        match v.get_ref() {
            DeValue::Table(t) => Some(Table::new(t, v.span(), section)),
            _ => {
                self.wrong_type(r, key, v, ValueKind::Table);
                None
            }
        }
    }

    /// The tables of an array of tables (`[[item]]`). Absent → empty; elements that are not tables are recorded.
    pub fn table_list(
        &self,
        r: &mut Reader<'_>,
        key: &'static str,
        section: Section,
    ) -> Vec<Table<'a, 'i>> {
        let Some(v) = self.get(key) else {
            return Vec::new();
        };
        let DeValue::Array(a) = v.get_ref() else {
            self.wrong_type(r, key, v, ValueKind::TableList);
            return Vec::new();
        };
        let mut out = Vec::new();
        for e in a.iter() {
            match e.get_ref() {
                DeValue::Table(t) => out.push(Table::new(t, e.span(), section)),
                _ => self.wrong_element(r, key, e, ValueKind::Table),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_lines_and_characters() {
        let text = "a = 1\nname = \"Quảng Bình\"\nx";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 4), (1, 5));
        // The newline itself is the last column of its line.
        assert_eq!(line_col(text, 5), (1, 6));
        assert_eq!(line_col(text, 6), (2, 1));
        // "ả" is 3 bytes in UTF-8 but one column.
        let after = text.find("Bình").unwrap();
        assert_eq!(line_col(text, after), (2, 15));
        let last = text.rfind('x').unwrap();
        assert_eq!(line_col(text, last), (3, 1));
    }

    #[test]
    fn reader_line_agrees_with_line_col() {
        let text = "a = 1\nname = \"Quảng Bình\"\r\n\nx\n";
        let r = Reader::new(text, "t.toml");
        for offset in 0..=text.len() + 3 {
            assert_eq!(r.line(offset), line_col(text, offset).0, "offset {offset}");
        }
    }

    #[test]
    fn line_col_with_crlf_line_ends() {
        let text = "a = 1\r\nb = 2\r\n";
        assert_eq!(line_col(text, text.find('b').unwrap()), (2, 1));
        assert_eq!(line_col(text, text.rfind('2').unwrap()), (2, 5));
    }

    #[test]
    fn line_col_clamps_out_of_range_and_mid_character_offsets() {
        let text = "ab\nđc";
        assert_eq!(line_col(text, 100), (2, 3));
        // Offset 4 is inside "đ" (bytes 3..5): it counts as the start of that character.
        assert_eq!(line_col(text, 4), (2, 1));
        assert_eq!(line_col("", 0), (1, 1));
    }

    #[test]
    fn collects_type_and_key_problems_sorted_by_position() {
        let text = "z = 1\nname = 3\nmax = \"0.125\"\nok = \"\"\n";
        let mut r = Reader::new(text, "t.toml");
        let doc = r.parse().unwrap();
        let t = Table::new(&doc, 0..0, Section::Item);
        t.check_keys(&mut r, &["name", "max", "ok"]);
        assert!(t.text(&mut r, "name", true).is_none());
        assert!(t.points(&mut r, "max", true).is_none());
        assert!(t.text(&mut r, "ok", true).is_none());
        assert!(t.raw_str(&mut r, "code", true).is_none());
        let shown: Vec<String> = r.into_errors().iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "t.toml:1:1: unknown key `z` in [[item]]; check its spelling or remove it",
                "t.toml:1:1: [[item]] is missing the required key `code`",
                "t.toml:2:8: `name` in [[item]] must be a string, not an integer",
                "t.toml:3:7: `max` = \"0.125\" is not a valid number of points (\"0.125\" has more than two decimals); write it like \"0.25\"",
                "t.toml:4:6: `ok` in [[item]] must not be empty",
            ]
        );
    }

    #[test]
    fn text_is_nfc_normalised() {
        // "ả" written decomposed: a + combining hook above.
        let text = "name = \"Qua\u{309}ng\"\n";
        let mut r = Reader::new(text, "t.toml");
        let doc = r.parse().unwrap();
        let t = Table::new(&doc, 0..0, Section::Unit);
        let name = t.text(&mut r, "name", true).unwrap().value;
        assert_eq!(name, "Quảng");
        assert_eq!(name.chars().count(), 5);
    }

    #[test]
    fn syntax_errors_are_reported_with_position() {
        let text = "a = 1\nb = \n";
        let mut r = Reader::new(text, "t.toml");
        assert!(r.parse().is_none());
        let errors = r.into_errors();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, Some(2));
        assert!(matches!(errors[0].kind, FileErrorKind::Syntax { .. }));
    }
}
