//! Fixed-point scores in hundredths of a point (SPEC D3). Never `f64`.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub};
use std::str::FromStr;

use l10n::Lang;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::number;

/// A number of points, stored as hundredths: `Points(75)` is 0.75 points.
/// Serialised as a decimal string ("0.75") so stored and exported data stay exact and readable.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Points(i64);

/// Why a piece of text is not a number of points.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PointsError {
    #[error("empty value")]
    Empty,
    #[error("\"{0}\" is not a number")]
    NotANumber(String),
    #[error("\"{0}\" has more than two decimals")]
    TooManyDecimals(String),
    #[error("\"{0}\" is too large")]
    TooLarge(String),
    /// A number written in a form that is refused (a leading `+`, no digit before or after the
    /// separator, a negative zero); `expected` is the same number as it should be written, with
    /// '.' ("0.5", "3", "0").
    #[error("\"{text}\" is not written as a score; write {expected}")]
    Form { text: String, expected: String },
}

impl PointsError {
    /// `expected` of [`PointsError::Form`] in both ways it may be written, the user's language's
    /// first: "0,5 hoặc 0.5" (vi), "0.5 or 0,5" (en); a whole number alone: "3".
    pub fn both_forms(expected: &str, vi: bool) -> String {
        if !expected.contains('.') {
            return expected.to_string();
        }
        let comma = expected.replace('.', ",");
        if vi {
            format!("{comma} hoặc {expected}")
        } else {
            format!("{expected} or {comma}")
        }
    }
}

/// Why a valid number is not an allowed score for an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ScoreError {
    #[error("score {} is negative", score.show(Lang::En))]
    Negative { score: Points },
    #[error("score {} is over the maximum {}", score.show(Lang::En), max.show(Lang::En))]
    OverMax { score: Points, max: Points },
    #[error("score {} is not a multiple of the step {}", score.show(Lang::En), step.show(Lang::En))]
    OffStep { score: Points, step: Points },
}

impl Points {
    pub const ZERO: Points = Points(0);

    pub const fn from_hundredths(h: i64) -> Points {
        Points(h)
    }

    pub const fn whole(p: i64) -> Points {
        Points(p * 100)
    }

    pub const fn hundredths(self) -> i64 {
        self.0
    }

    pub fn abs(self) -> Points {
        Points(self.0.abs())
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// Parse a number of points (SPEC D3, C2): digits, then optionally '.' or ',' and at most
    /// two decimals (trailing zeros beyond them are harmless: "0.750"), surrounding spaces
    /// allowed: "0.75", "0,75", "1", "12.5", and negative numbers such as "-0.25" (which every
    /// score check then refuses as negative, with its own message).
    ///
    /// Refused with [`PointsError::Form`], which says how to write the number: a leading '+'
    /// ("+1.5"), no digit before the separator (".5", ",5"), none after it ("0.", "3,"), and a
    /// negative zero ("-0", "-0,00").
    pub fn parse(text: &str) -> Result<Points, PointsError> {
        let t = text.trim();
        if t.is_empty() {
            return Err(PointsError::Empty);
        }
        let bad = || PointsError::NotANumber(t.to_string());
        let (sign, body) = match t.as_bytes()[0] {
            b'-' => (Some(b'-'), &t[1..]),
            b'+' => (Some(b'+'), &t[1..]),
            _ => (None, t),
        };
        let mut parts = body.splitn(2, ['.', ',']);
        let int_part = parts.next().unwrap_or("");
        let frac_part = parts.next();
        if int_part.is_empty() && frac_part.is_none_or(str::is_empty) {
            return Err(bad());
        }
        if !int_part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let frac = frac_part.unwrap_or("");
        if !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        // Trailing zeros beyond two decimals are harmless ("0.750").
        let frac_trim = frac.trim_end_matches('0');
        if frac_trim.len() > 2 {
            return Err(PointsError::TooManyDecimals(t.to_string()));
        }
        let whole: i64 = if int_part.is_empty() {
            0
        } else {
            int_part
                .parse::<i64>()
                .map_err(|_| PointsError::TooLarge(t.to_string()))?
        };
        let mut h: i64 = 0;
        for (i, b) in frac_trim.bytes().enumerate() {
            let d = i64::from(b - b'0');
            h += if i == 0 { d * 10 } else { d };
        }
        let total = whole
            .checked_mul(100)
            .and_then(|w| w.checked_add(h))
            .ok_or_else(|| PointsError::TooLarge(t.to_string()))?;
        let value = Points(if sign == Some(b'-') { -total } else { total });
        // A number, but written in a form that is refused: say how to write it.
        let refused = sign == Some(b'+')
            || (sign == Some(b'-') && total == 0)
            || int_part.is_empty()
            || frac_part.is_some_and(str::is_empty);
        if refused {
            return Err(PointsError::Form {
                text: t.to_string(),
                expected: value.plain(),
            });
        }
        Ok(value)
    }

    /// The shortest way to write this number with '.': "0.5", "3", "-0.25", "12.05".
    pub fn plain(self) -> String {
        let s = self.machine();
        match s.strip_suffix(".00") {
            Some(whole) => whole.to_string(),
            None => s
                .strip_suffix('0')
                .map_or_else(|| s.clone(), str::to_string),
        }
    }

    /// Check that this is an allowed score: 0 ≤ score ≤ max and a multiple of `step`.
    pub fn check_score(self, max: Points, step: Points) -> Result<(), ScoreError> {
        if self.0 < 0 {
            return Err(ScoreError::Negative { score: self });
        }
        if self > max {
            return Err(ScoreError::OverMax { score: self, max });
        }
        if step.0 > 0 && self.0 % step.0 != 0 {
            return Err(ScoreError::OffStep { score: self, step });
        }
        Ok(())
    }

    pub fn is_multiple_of(self, step: Points) -> bool {
        step.0 > 0 && self.0 % step.0 == 0
    }

    /// `self` as a percentage of `total`, in hundredths of a percent, rounded half away from zero.
    /// 91.80 points of 100 → 9180 (91.80 %).
    pub fn percent_of(self, total: Points) -> i64 {
        if total.0 == 0 {
            return 0;
        }
        let num = i128::from(self.0) * 10_000;
        let den = i128::from(total.0);
        let q = num / den;
        let r = num % den;
        let adj = if (r.abs() * 2) >= den.abs() {
            num.signum() * den.signum()
        } else {
            0
        };
        (q + adj) as i64
    }

    /// How a person reads this score (SPEC W15, C2): two decimals with the separator of `lang`,
    /// "0,25" in Vietnamese and "0.25" in English. Every screen, message and report uses this.
    pub fn show(self, lang: Lang) -> String {
        number::hundredths(self.0, lang)
    }

    /// [`Points::show`] with a sign: "+0,50", "-1,25", "0,00" (a difference, Δ).
    pub fn show_signed(self, lang: Lang) -> String {
        number::signed_hundredths(self.0, lang)
    }

    /// The form for machines (CSV columns, JSON, the journal, XLSX number cells), with a
    /// decimal point whatever the language: "0.25" (docs/DATA_FORMATS.md).
    pub fn machine(self) -> String {
        number::machine_hundredths(self.0)
    }
}

impl FromStr for Points {
    type Err = PointsError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Points::parse(s)
    }
}

impl Add for Points {
    type Output = Points;
    fn add(self, o: Points) -> Points {
        Points(self.0 + o.0)
    }
}

impl AddAssign for Points {
    fn add_assign(&mut self, o: Points) {
        self.0 += o.0;
    }
}

impl Sub for Points {
    type Output = Points;
    fn sub(self, o: Points) -> Points {
        Points(self.0 - o.0)
    }
}

impl Neg for Points {
    type Output = Points;
    fn neg(self) -> Points {
        Points(-self.0)
    }
}

impl Sum for Points {
    fn sum<I: Iterator<Item = Points>>(iter: I) -> Points {
        Points(iter.map(|p| p.0).sum())
    }
}

impl<'a> Sum<&'a Points> for Points {
    fn sum<I: Iterator<Item = &'a Points>>(iter: I) -> Points {
        Points(iter.map(|p| p.0).sum())
    }
}

impl Serialize for Points {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.machine())
    }
}

impl<'de> Deserialize<'de> for Points {
    /// Accepts a decimal string ("0.75", "0,75") or an integer. TOML floats are accepted through
    /// their shortest decimal form, which is exact for any value written with ≤ 2 decimals.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Points;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number of points such as \"0.75\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Points, E> {
                Points::parse(v).map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Points, E> {
                v.checked_mul(100)
                    .map(Points)
                    .ok_or_else(|| E::custom("number too large"))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Points, E> {
                i64::try_from(v)
                    .ok()
                    .and_then(|v| v.checked_mul(100))
                    .map(Points)
                    .ok_or_else(|| E::custom("number too large"))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Points, E> {
                Points::parse(&format!("{v}")).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn p(s: &str) -> Points {
        Points::parse(s).unwrap()
    }

    #[test]
    fn parses_dot_and_comma() {
        assert_eq!(p("0.75"), Points(75));
        assert_eq!(p("0,75"), Points(75));
        assert_eq!(p(" 2 "), Points(200));
        assert_eq!(p("1.5"), Points(150));
        assert_eq!(p("-0.25"), Points(-25));
        assert_eq!(p("0.750"), Points(75));
    }

    /// The forms docs/DATA_FORMATS.md lists as accepted.
    #[test]
    fn accepted_forms() {
        for (text, h) in [
            ("0.75", 75),
            ("0,75", 75),
            ("1", 100),
            ("12.5", 1250),
            ("12,5", 1250),
            ("0", 0),
            ("0.0", 0),
            ("0,00", 0),
            ("0.5", 50),
            ("0.750", 75),
            ("  1,25 ", 125),
            ("-0.25", -25),
            ("-1", -100),
            ("007", 700),
        ] {
            assert_eq!(Points::parse(text), Ok(Points(h)), "{text:?}");
        }
    }

    /// The forms docs/DATA_FORMATS.md lists as refused, each with the form to write instead.
    #[test]
    fn refused_forms_say_how_to_write_the_number() {
        for (text, expected) in [
            ("+1.5", "1.5"),
            ("+1", "1"),
            ("+0", "0"),
            (".5", "0.5"),
            (",5", "0.5"),
            (",25", "0.25"),
            ("0.", "0"),
            ("3,", "3"),
            ("-0", "0"),
            ("-0.0", "0"),
            ("-0,00", "0"),
            ("-.5", "-0.5"),
            ("+.5", "0.5"),
            ("-3.", "-3"),
        ] {
            assert_eq!(
                Points::parse(text),
                Err(PointsError::Form {
                    text: text.to_string(),
                    expected: expected.to_string()
                }),
                "{text:?}"
            );
        }
        assert_eq!(
            Points::parse(".5").unwrap_err().to_string(),
            "\".5\" is not written as a score; write 0.5"
        );
        assert_eq!(PointsError::both_forms("0.5", true), "0,5 hoặc 0.5");
        assert_eq!(PointsError::both_forms("0.5", false), "0.5 or 0,5");
        assert_eq!(PointsError::both_forms("3", true), "3");
        // A form problem is only reported for what is otherwise a good number.
        assert!(matches!(
            Points::parse("+abc"),
            Err(PointsError::NotANumber(_))
        ));
        assert!(matches!(
            Points::parse("+0.125"),
            Err(PointsError::TooManyDecimals(_))
        ));
        assert!(matches!(
            Points::parse("-"),
            Err(PointsError::NotANumber(_))
        ));
    }

    #[test]
    fn plain_is_the_shortest_form() {
        assert_eq!(p("0.5").plain(), "0.5");
        assert_eq!(p("3").plain(), "3");
        assert_eq!(p("12.05").plain(), "12.05");
        assert_eq!(p("-0.25").plain(), "-0.25");
        assert_eq!(Points::ZERO.plain(), "0");
    }

    #[test]
    fn refuses_garbage() {
        assert_eq!(Points::parse(""), Err(PointsError::Empty));
        assert!(matches!(
            Points::parse("abc"),
            Err(PointsError::NotANumber(_))
        ));
        assert!(matches!(
            Points::parse("1.2.3"),
            Err(PointsError::NotANumber(_))
        ));
        assert!(matches!(
            Points::parse("1,5,0"),
            Err(PointsError::NotANumber(_))
        ));
        assert!(matches!(
            Points::parse("."),
            Err(PointsError::NotANumber(_))
        ));
        assert!(matches!(
            Points::parse("1e3"),
            Err(PointsError::NotANumber(_))
        ));
        assert!(matches!(
            Points::parse("0.125"),
            Err(PointsError::TooManyDecimals(_))
        ));
        assert!(matches!(
            Points::parse("99999999999999999999"),
            Err(PointsError::TooLarge(_))
        ));
    }

    #[test]
    fn checks_step_and_range() {
        let max = p("1.5");
        let step = p("0.25");
        assert!(p("0.75").check_score(max, step).is_ok());
        assert!(p("0").check_score(max, step).is_ok());
        assert!(p("1.5").check_score(max, step).is_ok());
        assert_eq!(
            p("1.75").check_score(max, step),
            Err(ScoreError::OverMax {
                score: p("1.75"),
                max
            })
        );
        assert_eq!(
            p("0.3").check_score(max, step),
            Err(ScoreError::OffStep {
                score: p("0.3"),
                step
            })
        );
        assert!(matches!(
            p("-0.25").check_score(max, step),
            Err(ScoreError::Negative { .. })
        ));
    }

    #[test]
    fn formats_and_sums_exactly() {
        assert_eq!(p("0.1").machine(), "0.10");
        assert_eq!(p("-1.05").machine(), "-1.05");
        assert_eq!(p("0.5").show_signed(Lang::En), "+0.50");
        assert_eq!(p("0.5").show_signed(Lang::Vi), "+0,50");
        assert_eq!(p("0,5").show(Lang::Vi), "0,50");
        assert_eq!(p("0.5").show(Lang::En), "0.50");
        // 0.1 + 0.2 is exactly 0.3 here, unlike f64.
        assert_eq!(p("0.1") + p("0.2"), p("0.3"));
        let total: Points = ["0.25", "0.25", "0.5"].iter().map(|s| p(s)).sum();
        assert_eq!(total, p("1"));
    }

    #[test]
    fn percent_rounds_half_up() {
        assert_eq!(p("91.8").percent_of(p("100")), 9180);
        assert_eq!(p("2").percent_of(p("3")), 6667);
        assert_eq!(p("1").percent_of(p("3")), 3333);
        assert_eq!(p("1").percent_of(Points::ZERO), 0);
        assert_eq!(number::percent(9180, Lang::Vi), "91,80%");
    }

    #[test]
    fn serde_round_trip_and_toml_numbers() {
        let j = serde_json::to_string(&p("0.75")).unwrap();
        assert_eq!(j, "\"0.75\"");
        assert_eq!(serde_json::from_str::<Points>(&j).unwrap(), p("0.75"));
        #[derive(Deserialize)]
        struct T {
            a: Points,
            b: Points,
            c: Points,
        }
        let t: T = toml::from_str("a = 2.5\nb = 3\nc = \"0,25\"").unwrap();
        assert_eq!((t.a, t.b, t.c), (p("2.5"), p("3"), p("0.25")));
    }

    proptest! {
        #[test]
        fn display_parse_round_trip(h in -1_000_000_000i64..1_000_000_000) {
            let x = Points(h);
            prop_assert_eq!(Points::parse(&x.machine()).unwrap(), x);
            prop_assert_eq!(Points::parse(&x.show(Lang::Vi)).unwrap(), x);
            prop_assert_eq!(Points::parse(&x.show(Lang::En)).unwrap(), x);
            prop_assert_eq!(Points::parse(&x.plain()).unwrap(), x);
        }

        #[test]
        fn sum_is_exact(v in proptest::collection::vec(0i64..10_000, 0..200)) {
            let s: Points = v.iter().map(|&h| Points(h)).sum();
            prop_assert_eq!(s.hundredths(), v.iter().sum::<i64>());
        }

        #[test]
        fn step_multiples_are_accepted(k in 0i64..40) {
            let step = Points(25);
            let max = Points(1000);
            prop_assert!(Points(k * 25).check_score(max, step).is_ok());
            prop_assert!(Points(k * 25 + 1).check_score(max, step).is_err());
        }
    }
}
