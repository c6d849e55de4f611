//! The one way a number is written for a person (SPEC W15, C2): a decimal comma in Vietnamese
//! (0,25; 91,80; 91,80%), a decimal point in English (0.25; 91.80; 91.80%). Scores go through
//! [`crate::Points::show`]; percentages, hundredths and measured quantities (seconds) through the
//! functions here. The language is always passed in: there is no global locale.
//!
//! Machine formats (CSV columns, JSON, the journal, XLSX number cells) are not for people and
//! keep the decimal point: they use [`crate::Points::machine`] and [`machine_hundredths`], as
//! `docs/DATA_FORMATS.md` documents.

use l10n::Lang;

/// The decimal separator people read in this language.
pub const fn decimal_separator(lang: Lang) -> char {
    match lang {
        Lang::Vi => ',',
        Lang::En => '.',
    }
}

/// Hundredths written with a decimal point, for machines: 9180 → "91.80", -5 → "-0.05".
pub fn machine_hundredths(h: i64) -> String {
    let sign = if h < 0 { "-" } else { "" };
    let a = h.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

/// Hundredths (of a point or of a percent) for a person: 9180 → "91,80" (vi), "91.80" (en).
pub fn hundredths(h: i64, lang: Lang) -> String {
    localize(machine_hundredths(h), lang)
}

/// Hundredths with a sign: "+0,50", "-1,25", "0,00".
pub fn signed_hundredths(h: i64, lang: Lang) -> String {
    let s = hundredths(h, lang);
    if h > 0 { format!("+{s}") } else { s }
}

/// A percentage given in hundredths of a percent, for a person: 9180 → "91,80%" (vi), "91.80%" (en).
pub fn percent(h: i64, lang: Lang) -> String {
    format!("{}%", hundredths(h, lang))
}

/// A measured quantity with `places` decimals, for a person: (0.125, 2) → "0,13" (vi), "0.13" (en).
pub fn decimal(x: f64, places: usize, lang: Lang) -> String {
    localize(format!("{x:.places$}"), lang)
}

/// A number written with a decimal point (as Rust and the machine formats write it), with the
/// separator of `lang`. Only for text that is a number: it replaces every '.'.
pub fn localize(machine: String, lang: Lang) -> String {
    match decimal_separator(lang) {
        '.' => machine,
        sep => machine.replace('.', sep.encode_utf8(&mut [0u8; 4])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_writes_a_comma_english_a_point() {
        assert_eq!(hundredths(9180, Lang::Vi), "91,80");
        assert_eq!(hundredths(9180, Lang::En), "91.80");
        assert_eq!(hundredths(-5, Lang::Vi), "-0,05");
        assert_eq!(percent(9180, Lang::Vi), "91,80%");
        assert_eq!(percent(9180, Lang::En), "91.80%");
        assert_eq!(signed_hundredths(50, Lang::Vi), "+0,50");
        assert_eq!(signed_hundredths(-125, Lang::En), "-1.25");
        assert_eq!(signed_hundredths(0, Lang::Vi), "0,00");
        assert_eq!(decimal(0.125_f64 + 0.001, 2, Lang::Vi), "0,13");
        assert_eq!(decimal(3.0, 0, Lang::Vi), "3");
        assert_eq!(machine_hundredths(9180), "91.80");
    }
}
