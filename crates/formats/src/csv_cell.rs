//! Cells of the CSV files thamdinh writes, made safe for spreadsheets (SPEC R7), and read back.
//!
//! A spreadsheet opening a CSV file runs a cell that starts with `=`, `+`, `-` or `@` as a
//! formula (`=HYPERLINK("http://…")`, `@SUM(1+1)*cmd|' /C calc'!A0`); OWASP lists a leading
//! tab and carriage return too. OWASP's rule: such a cell gets a leading `'`, which makes the
//! spreadsheet read it as text. Text columns (names, codes, notes, justifications, evidence) are
//! neutralised; numbers thamdinh writes itself (`-0.50` in a Δ column) are data and stay numbers.
//! A text cell holding `;` is also quoted, so that a spreadsheet splitting lines on `;` (Excel
//! in a Vietnamese locale) cannot start a cell inside it.
//!
//! The `'` is reversible: a cell that is `'`s followed by a formula character gets one more `'`
//! (so `'=x` is written `''=x`), and the CSV reader of the imports takes one away
//! ([`read_back`]): an export imports again with its texts exactly as they were.

use std::borrow::Cow;

/// How text cells are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CsvCells {
    /// Neutralised for spreadsheets (the default).
    #[default]
    Safe,
    /// As they are, for programs (`--raw`).
    Raw,
}

impl CsvCells {
    /// A text cell as written in this mode.
    pub fn text<'a>(self, s: &'a str) -> Cow<'a, str> {
        match self {
            CsvCells::Safe => neutralise(s),
            CsvCells::Raw => Cow::Borrowed(s),
        }
    }

    /// A CSV writer for this mode: in `Safe` mode a field holding `;` is quoted.
    pub fn writer<W: std::io::Write>(self, out: W) -> csv::Writer<W> {
        let mut b = csv::WriterBuilder::new();
        if self == CsvCells::Safe {
            // The csv crate quotes every field that holds the comment character.
            b.comment(Some(b';'));
        }
        b.from_writer(out)
    }
}

/// The characters that make a spreadsheet read a cell as a formula when the cell starts with
/// them (OWASP, "CSV injection").
pub const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

fn needs_mark(s: &str) -> bool {
    s.trim_start_matches('\'')
        .starts_with(|c: char| FORMULA_STARTS.contains(&c))
}

/// `s` with a leading `'` when it starts with a formula character (or is `'`s followed by
/// one); unchanged otherwise.
pub fn neutralise(s: &str) -> Cow<'_, str> {
    if needs_mark(s) {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    }
}

/// The inverse of [`neutralise`]: one leading `'` taken away from a cell that is `'`s followed
/// by a formula character; any other cell unchanged.
pub fn read_back(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if needs_mark(rest) => rest,
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_get_a_quote_mark() {
        for (s, want) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            (
                "@SUM(1+1)*cmd|' /C calc'!A0",
                "'@SUM(1+1)*cmd|' /C calc'!A0",
            ),
            ("+1+1", "'+1+1"),
            ("-2+3", "'-2+3"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("'=1", "''=1"),
            ("Quảng Bình", "Quảng Bình"),
            ("a=1", "a=1"),
            (" =1", " =1"),
            ("'abc", "'abc"),
            ("''", "''"),
            ("", ""),
        ] {
            assert_eq!(neutralise(s), want, "{s:?}");
            assert_eq!(read_back(&neutralise(s)), s, "{s:?}");
        }
        assert_eq!(CsvCells::Raw.text("=1"), "=1");
        assert_eq!(CsvCells::Safe.text("=1"), "'=1");
    }

    #[test]
    fn safe_writer_quotes_semicolons() {
        let mut buf = Vec::new();
        {
            let mut w = CsvCells::Safe.writer(&mut buf);
            w.write_record(["a;=1", "b"]).unwrap();
        }
        assert_eq!(String::from_utf8(buf).unwrap(), "\"a;=1\",b\n");
        let mut buf = Vec::new();
        {
            let mut w = CsvCells::Raw.writer(&mut buf);
            w.write_record(["a;=1", "b"]).unwrap();
        }
        assert_eq!(String::from_utf8(buf).unwrap(), "a;=1,b\n");
    }
}
