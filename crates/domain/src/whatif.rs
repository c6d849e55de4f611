//! What-if for units in difficult conditions (issue 15.7): one briefing document proposes to
//! weight the index of provinces in difficult economic conditions (mountainous, remote; the
//! units file's `difficult = true`). This computes the ranking such a weight would give — a
//! simulation only: nothing here is recorded, and the official index and rank never change.
//!
//! **Rule.** A difficult unit's simulated index is its official (proposed) index × the weight,
//! rounded to the hundredth of a percent (half up) and capped at 100 %; every other unit keeps its
//! index. Simulated ranks are competition ranks ("1, 2, 2, 4") of the simulated indices, as the
//! official ones are of the official indices.

use l10n::Lang;

use crate::aggregate::competition_ranks;

/// Hundredths of a percent: 100 %.
const FULL: i64 = 10_000;

/// A weight in thousandths: 1,05 is 1050.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Weight(i64);

impl Weight {
    /// ×1,05: what the briefing document's example uses.
    pub const DEFAULT: Weight = Weight(1050);
    /// The smallest weight accepted (×1: nothing changes).
    pub const MIN: Weight = Weight(1000);
    /// The largest weight accepted (×2).
    pub const MAX: Weight = Weight(2000);

    /// Read a weight as a person types it: "1,05" or "1.05", up to three decimals, from 1 to 2.
    pub fn parse(s: &str) -> Result<Weight, WeightError> {
        let t = s.trim();
        if t.is_empty() {
            return Err(WeightError::Empty);
        }
        let bad = || WeightError::NotANumber(t.to_string());
        let (whole, frac) = match t.find([',', '.']) {
            Some(i) => (&t[..i], &t[i + 1..]),
            None => (t, ""),
        };
        let digits = |x: &str| x.chars().all(|c| c.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(frac) || whole.len() > 3 {
            return Err(bad());
        }
        if frac.len() > 3 {
            return Err(WeightError::TooManyDecimals(t.to_string()));
        }
        let whole: i64 = whole.parse().map_err(|_| bad())?;
        let frac_value: i64 = format!("{frac:0<3}").parse().map_err(|_| bad())?;
        let w = Weight(whole * 1000 + frac_value);
        if w < Weight::MIN || w > Weight::MAX {
            return Err(WeightError::OutOfRange(t.to_string()));
        }
        Ok(w)
    }

    pub fn thousandths(self) -> i64 {
        self.0
    }

    /// "1,05" (vi), "1.05" (en); a third decimal only when there is one: "1,025".
    pub fn show(self, lang: Lang) -> String {
        let machine = if self.0 % 10 == 0 {
            format!("{}.{:02}", self.0 / 1000, (self.0 % 1000) / 10)
        } else {
            format!("{}.{:03}", self.0 / 1000, self.0 % 1000)
        };
        crate::number::localize(machine, lang)
    }

    /// `percent` (hundredths of a percent) × the weight, rounded half up, capped at 100 %.
    pub fn apply(self, percent: i64) -> i64 {
        let w = (i128::from(percent) * i128::from(self.0) + 500).div_euclid(1000);
        i64::try_from(w).unwrap_or(i64::MAX).min(FULL.max(percent))
    }
}

impl PartialOrd for Weight {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Weight {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.cmp(&other.0)
    }
}

/// Why a typed weight is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WeightError {
    Empty,
    NotANumber(String),
    TooManyDecimals(String),
    OutOfRange(String),
}

impl WeightError {
    /// What is wrong and what to type instead.
    pub fn message(&self, lang: Lang) -> String {
        let range = format!("{} → {}", Weight::MIN.show(lang), Weight::MAX.show(lang));
        let example = Weight::DEFAULT.show(lang);
        match (self, lang) {
            (WeightError::Empty, Lang::Vi) => {
                format!("chưa nhập trọng số mô phỏng; nhập một số từ {range}, ví dụ {example}")
            }
            (WeightError::Empty, Lang::En) => {
                format!("no simulation weight given; type a number from {range}, e.g. {example}")
            }
            (WeightError::NotANumber(s), Lang::Vi) => format!(
                "trọng số mô phỏng \"{s}\" không phải là số; nhập một số từ {range}, ví dụ {example}"
            ),
            (WeightError::NotANumber(s), Lang::En) => format!(
                "the simulation weight \"{s}\" is not a number; type a number from {range}, e.g. {example}"
            ),
            (WeightError::TooManyDecimals(s), Lang::Vi) => {
                format!("trọng số mô phỏng \"{s}\" có quá 3 chữ số thập phân; ví dụ {example}")
            }
            (WeightError::TooManyDecimals(s), Lang::En) => {
                format!("the simulation weight \"{s}\" has more than 3 decimals; e.g. {example}")
            }
            (WeightError::OutOfRange(s), Lang::Vi) => {
                format!("trọng số mô phỏng \"{s}\" nằm ngoài khoảng {range}; ví dụ {example}")
            }
            (WeightError::OutOfRange(s), Lang::En) => {
                format!("the simulation weight \"{s}\" is outside {range}; e.g. {example}")
            }
        }
    }
}

/// One scored unit in the simulation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Simulated {
    pub unit: String,
    pub difficult: bool,
    /// The official (proposed) index and its rank.
    pub official: i64,
    pub official_rank: u32,
    /// The index and rank the weight would give.
    pub percent: i64,
    pub rank: u32,
}

impl Simulated {
    /// Places gained over the official rank (positive: higher in the simulation).
    pub fn change(&self) -> i64 {
        i64::from(self.official_rank) - i64::from(self.rank)
    }
}

/// Simulate `weight` on the scored units: (code, official index in hundredths of a percent,
/// difficult). Rows come back in the order given.
pub fn simulate(units: &[(String, i64, bool)], weight: Weight) -> Vec<Simulated> {
    let official: Vec<i64> = units.iter().map(|u| u.1).collect();
    let weighted: Vec<i64> = units
        .iter()
        .map(|(_, p, d)| if *d { weight.apply(*p) } else { *p })
        .collect();
    let official_ranks = competition_ranks(&official);
    let ranks = competition_ranks(&weighted);
    units
        .iter()
        .enumerate()
        .map(|(i, (code, p, d))| Simulated {
            unit: code.clone(),
            difficult: *d,
            official: *p,
            official_rank: official_ranks[i],
            percent: weighted[i],
            rank: ranks[i],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Weight {
        Weight::parse(s).unwrap()
    }

    fn rows(v: &[(&str, i64, bool)]) -> Vec<(String, i64, bool)> {
        v.iter().map(|(c, p, d)| (c.to_string(), *p, *d)).collect()
    }

    #[test]
    fn the_weight_is_typed_with_a_comma_or_a_point() {
        assert_eq!(w("1,05"), Weight::DEFAULT);
        assert_eq!(w(" 1.05 "), Weight::DEFAULT);
        assert_eq!(w("1"), Weight::MIN);
        assert_eq!(w("1,025").thousandths(), 1025);
        assert_eq!(w("2,0"), Weight::MAX);
        assert_eq!(Weight::DEFAULT.show(Lang::Vi), "1,05");
        assert_eq!(w("1,025").show(Lang::En), "1.025");
        assert_eq!(Weight::parse(""), Err(WeightError::Empty));
        assert_eq!(
            Weight::parse("1,0a"),
            Err(WeightError::NotANumber("1,0a".into()))
        );
        assert_eq!(
            Weight::parse(",5"),
            Err(WeightError::NotANumber(",5".into()))
        );
        assert_eq!(
            Weight::parse("1,0525"),
            Err(WeightError::TooManyDecimals("1,0525".into()))
        );
        assert_eq!(
            Weight::parse("0,95"),
            Err(WeightError::OutOfRange("0,95".into()))
        );
        assert_eq!(
            Weight::parse("2,01"),
            Err(WeightError::OutOfRange("2,01".into()))
        );
        let m = Weight::parse("abc").unwrap_err().message(Lang::Vi);
        assert!(
            m.contains("\"abc\"") && m.contains("1,00 → 2,00") && m.contains("1,05"),
            "{m}"
        );
    }

    #[test]
    fn a_difficult_unit_is_weighted_rounded_half_up_and_capped_at_100() {
        // 80,00 × 1,05 = 84,00; 85,10 × 1,05 = 89,355 → 89,36; 97,00 × 1,05 = 101,85 → 100,00.
        assert_eq!(Weight::DEFAULT.apply(8000), 8400);
        assert_eq!(Weight::DEFAULT.apply(8510), 8936);
        assert_eq!(Weight::DEFAULT.apply(9700), 10_000);
        assert_eq!(Weight::MIN.apply(8510), 8510);
    }

    #[test]
    fn only_difficult_units_move_and_ties_share_a_rank() {
        // Official: A 90,00 (1), B 88,00 (2), C 86,00 (3), D 84,00 (4).
        // C is difficult: 86,00 × 1,05 = 90,30 → first; D is difficult: 84,00 × 1,05 = 88,20.
        let got = simulate(
            &rows(&[
                ("A", 9000, false),
                ("B", 8800, false),
                ("C", 8600, true),
                ("D", 8400, true),
            ]),
            Weight::DEFAULT,
        );
        let view: Vec<(&str, i64, u32, u32, i64)> = got
            .iter()
            .map(|s| {
                (
                    s.unit.as_str(),
                    s.percent,
                    s.official_rank,
                    s.rank,
                    s.change(),
                )
            })
            .collect();
        assert_eq!(
            view,
            [
                ("A", 9000, 1, 2, -1),
                ("B", 8800, 2, 4, -2),
                ("C", 9030, 3, 1, 2),
                ("D", 8820, 4, 3, 1),
            ]
        );
        // Units without the attribute keep their index exactly.
        assert!(
            got.iter()
                .filter(|s| !s.difficult)
                .all(|s| s.percent == s.official)
        );
        // A tie the weight creates: 80,00 × 1,10 = 88,00 = B's index; both rank 1.
        let tie = simulate(&rows(&[("B", 8800, false), ("E", 8000, true)]), w("1,1"));
        assert_eq!((tie[0].rank, tie[1].rank), (1, 1));
        assert_eq!((tie[0].change(), tie[1].change()), (0, 1));
    }
}
