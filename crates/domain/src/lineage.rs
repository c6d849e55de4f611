//! Which units of the previous year a unit continues — its predecessors — and the one rule by
//! which a unit is compared with them year over year. From 1/7/2025 the 63 provinces became 34,
//! each formed from one or more of the old ones, so "last year" means the predecessors.
//!
//! **Predecessors.** The units file may name them (`predecessors = ["27", "24"]`). Otherwise:
//! when both years use the same set of units, a unit continues the unit with its code; when the
//! set changed (a reorganisation), it continues the unit with its code and every unit it absorbed
//! (`absorbed`). Only units the previous year has count. So Bắc Ninh 2025 (code 24, absorbed 27)
//! continues Bắc Giang 2024 (24) and Bắc Ninh 2024 (27).
//!
//! **Comparing.** A value of last year (an index, an area's points) is the mean of the values of
//! the predecessors that have one ("tham chiếu gộp" when there are two or more), rounded to the
//! hundredth, half away from zero; predecessors without a value are left out and named. A unit
//! whose predecessors have no value has no reference ("không có số liệu"), never 0.

use std::collections::HashMap;

use crate::points::Points;
use crate::units::{Unit, UnitSet};

/// The units of `prev` that `unit` (of the set `this`) continues, in the order the rule gives
/// them: the units file's list, or its own code first and then what it absorbed.
pub fn predecessors<'p>(unit: &Unit, this: &UnitSet, prev: &'p UnitSet) -> Vec<&'p Unit> {
    codes(unit, this, prev)
        .into_iter()
        .filter_map(|c| prev.unit(c))
        .fold(Vec::new(), |mut out, u| {
            if !out.iter().any(|o: &&Unit| o.code == u.code) {
                out.push(u);
            }
            out
        })
}

/// The codes the rule names for `unit`, whether `prev` has them or not.
fn codes<'u>(unit: &'u Unit, this: &UnitSet, prev: &UnitSet) -> Vec<&'u str> {
    if let Some(list) = &unit.predecessors {
        return list.iter().map(String::as_str).collect();
    }
    let mut out = vec![unit.code.as_str()];
    if this.meta.id != prev.meta.id {
        out.extend(unit.absorbed.iter().map(String::as_str));
    }
    out
}

/// The unit of `this` that continues `old` (a unit of `prev`), if one does.
pub fn successor<'t>(old: &str, this: &'t UnitSet, prev: &UnitSet) -> Option<&'t Unit> {
    this.units
        .iter()
        .find(|u| predecessors(u, this, prev).iter().any(|p| p.code == old))
}

/// Whether `unit` is compared with anything other than itself last year (a different code, a
/// different name, or several units): then every reference names the unit it comes from.
pub fn is_changed(unit: &Unit, preds: &[&Unit]) -> bool {
    !matches!(preds, [p] if p.code == unit.code && p.name == unit.name)
}

/// What is wrong or worth saying about how two years' units connect (for `init --from-year`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineageCheck {
    /// (unit, code): a unit names a predecessor the previous year does not have.
    pub unknown: Vec<(String, String)>,
    /// (old code, units): a unit of the previous year continued by more than one unit.
    pub shared: Vec<(String, Vec<String>)>,
    /// Units of the previous year that no unit continues (their history ends there).
    pub ended: Vec<String>,
    /// Units formed from two or more units of the previous year.
    pub merged: usize,
}

/// Check how `this` continues `prev`.
pub fn check(this: &UnitSet, prev: &UnitSet) -> LineageCheck {
    let mut out = LineageCheck::default();
    let mut by_old: HashMap<&str, Vec<String>> = HashMap::new();
    for u in &this.units {
        for c in codes(u, this, prev) {
            if prev.unit(c).is_none() {
                // A unit the previous set never had (a new unit keeps its own code) is not a
                // problem; a code the file names explicitly, or absorbed, is.
                if c != u.code || u.predecessors.is_some() {
                    out.unknown.push((u.code.clone(), c.to_string()));
                }
            }
        }
        let preds = predecessors(u, this, prev);
        if preds.len() > 1 {
            out.merged += 1;
        }
        for p in preds {
            by_old
                .entry(p.code.as_str())
                .or_default()
                .push(u.code.clone());
        }
    }
    for old in &prev.units {
        match by_old.get(old.code.as_str()) {
            None => out.ended.push(old.code.clone()),
            Some(units) if units.len() > 1 => out.shared.push((old.code.clone(), units.clone())),
            Some(_) => {}
        }
    }
    out
}

/// Last year's value of a unit, from its predecessors' values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Combined {
    /// The mean of the values that exist (`None`: no predecessor has one).
    pub value: Option<Points>,
    /// How many predecessors' values it is the mean of.
    pub of: usize,
    /// Predecessors without a value (left out of the mean).
    pub missing: Vec<String>,
}

impl Combined {
    /// Whether it is the mean of two or more values ("tham chiếu gộp").
    pub fn is_combined(&self) -> bool {
        self.of > 1
    }
}

/// Combine the predecessors' values by the rule above: (code, value) in predecessor order.
pub fn combine<'a>(values: impl IntoIterator<Item = (&'a str, Option<Points>)>) -> Combined {
    let mut sum = 0i64;
    let mut of = 0usize;
    let mut missing = Vec::new();
    for (code, v) in values {
        match v {
            Some(p) => {
                sum += p.hundredths();
                of += 1;
            }
            None => missing.push(code.to_string()),
        }
    }
    let value = (of > 0).then(|| {
        let n = of as i64;
        // Half away from zero.
        let q = (2 * sum + sum.signum() * n) / (2 * n);
        Points::from_hundredths(q)
    });
    Combined { value, of, missing }
}

/// A unit's place last year, through its predecessors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LastYear {
    /// Last year's index (hundredths of a percent): the combined value of the predecessors'.
    pub percent: Option<i64>,
    /// The rank of that index among this year's units that have one (competition ranking):
    /// last year's ranking on this year's units. Within one unit set it is last year's rank.
    pub rank: Option<u32>,
    /// The predecessors, with their indices: (code, name, index).
    pub sources: Vec<(String, String, Option<i64>)>,
}

impl LastYear {
    /// Whether last year's index is the mean of two or more predecessors ("tham chiếu gộp").
    pub fn is_combined(&self) -> bool {
        self.sources.iter().filter(|s| s.2.is_some()).count() > 1
    }

    /// Places gained since last year (positive: moved up), when both ranks are known.
    pub fn change(&self, rank_now: u32) -> Option<i64> {
        self.rank.map(|r| i64::from(r) - i64::from(rank_now))
    }
}

/// A change of rank since last year as the ministry writes it: "↑ 3 bậc", "↓ 28 bậc", "=".
pub fn places_text(change: i64, lang: l10n::Lang) -> String {
    use l10n::Lang;
    let n = change.abs();
    match (change.signum(), lang) {
        (0, _) => "=".into(),
        (1, Lang::Vi) => format!("↑ {n} bậc"),
        (_, Lang::Vi) => format!("↓ {n} bậc"),
        (1, Lang::En) => format!("↑ {n} {}", if n == 1 { "place" } else { "places" }),
        (_, Lang::En) => format!("↓ {n} {}", if n == 1 { "place" } else { "places" }),
    }
}

/// Last year's index and rank of every unit of `this`, from the indices of `prev`'s units
/// (`prev_percent`: code → index, for the units that have one).
pub fn last_year(
    this: &UnitSet,
    prev: &UnitSet,
    prev_percent: &HashMap<String, i64>,
) -> HashMap<String, LastYear> {
    let mut rows: Vec<(String, LastYear)> = this
        .units
        .iter()
        .map(|u| {
            let sources: Vec<(String, String, Option<i64>)> = predecessors(u, this, prev)
                .into_iter()
                .map(|p| {
                    (
                        p.code.clone(),
                        p.name.clone(),
                        prev_percent.get(&p.code).copied(),
                    )
                })
                .collect();
            let combined = combine(
                sources
                    .iter()
                    .map(|(c, _, v)| (c.as_str(), v.map(Points::from_hundredths))),
            );
            (
                u.code.clone(),
                LastYear {
                    percent: combined.value.map(Points::hundredths),
                    rank: None,
                    sources,
                },
            )
        })
        .collect();
    let known: Vec<usize> = (0..rows.len())
        .filter(|&i| rows[i].1.percent.is_some())
        .collect();
    let values: Vec<i64> = known.iter().filter_map(|&i| rows[i].1.percent).collect();
    let ranks = crate::aggregate::competition_ranks(&values);
    for (k, &i) in known.iter().enumerate() {
        rows[i].1.rank = Some(ranks[k]);
    }
    rows.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundled::units_for;
    use crate::units_file::parse_units;

    fn set(year: u16) -> UnitSet {
        let f = units_for(year).unwrap();
        parse_units(f.text, f.name).unwrap()
    }

    fn names(units: &[&Unit]) -> Vec<String> {
        units
            .iter()
            .map(|u| format!("{} ({})", u.name, u.code))
            .collect()
    }

    #[test]
    fn bac_ninh_2025_continues_bac_giang_and_bac_ninh_2024() {
        let (new, old) = (set(2025), set(2024));
        let bn = new.unit("24").unwrap();
        assert_eq!(bn.name, "Bắc Ninh");
        assert_eq!(
            names(&predecessors(bn, &new, &old)),
            ["Bắc Giang (24)", "Bắc Ninh (27)"]
        );
        assert!(is_changed(bn, &predecessors(bn, &new, &old)));
        assert_eq!(
            successor("27", &new, &old).map(|u| u.code.as_str()),
            Some("24")
        );
        let qt = new.unit("44").unwrap();
        assert_eq!(
            names(&predecessors(qt, &new, &old)),
            ["Quảng Bình (44)", "Quảng Trị (45)"]
        );
        let hn = new.unit("01").unwrap();
        let preds = predecessors(hn, &new, &old);
        assert_eq!(names(&preds), ["Hà Nội (01)"]);
        assert!(!is_changed(hn, &preds));
    }

    #[test]
    fn the_bundled_map_connects_every_old_province_once() {
        let c = check(&set(2025), &set(2024));
        assert_eq!(c.unknown, Vec::<(String, String)>::new());
        assert_eq!(c.shared, Vec::<(String, Vec<String>)>::new());
        assert_eq!(c.ended, Vec::<String>::new());
        assert_eq!(c.merged, 23);
    }

    #[test]
    fn within_one_set_a_unit_continues_itself_only() {
        let new = set(2025);
        let bn = new.unit("24").unwrap();
        assert_eq!(names(&predecessors(bn, &new, &new)), ["Bắc Ninh (24)"]);
        let old = set(2024);
        let c = check(&old, &old);
        assert_eq!(c, LineageCheck::default());
    }

    #[test]
    fn an_explicit_list_wins_and_unknown_codes_are_named() {
        let (mut new, old) = (set(2025), set(2024));
        let i = new.position("24").unwrap();
        new.units[i].predecessors = Some(vec!["27".into(), "99".into()]);
        let bn = new.unit("24").unwrap();
        assert_eq!(names(&predecessors(bn, &new, &old)), ["Bắc Ninh (27)"]);
        let c = check(&new, &old);
        assert_eq!(c.unknown, [("24".to_string(), "99".to_string())]);
        // Old Bắc Giang (24) is now continued by nobody.
        assert_eq!(c.ended, ["24"]);
    }

    #[test]
    fn last_years_rank_is_ranked_on_this_years_units() {
        let (new, old) = (set(2025), set(2024));
        // Old Bắc Ninh 88.30 and old Bắc Giang 86.10 → Bắc Ninh 2025: 87.20; Hà Nội 91.43;
        // Lạng Sơn has no figure last year.
        let prev: HashMap<String, i64> = [("27", 8830), ("24", 8610), ("01", 9143)]
            .into_iter()
            .map(|(c, v)| (c.to_string(), v))
            .collect();
        let ly = last_year(&new, &old, &prev);
        let bn = &ly["24"];
        assert_eq!(bn.percent, Some(8720));
        assert!(bn.is_combined());
        assert_eq!(bn.rank, Some(2));
        assert_eq!(bn.change(5), Some(-3));
        assert_eq!((ly["01"].percent, ly["01"].rank), (Some(9143), Some(1)));
        assert!(!ly["01"].is_combined());
        assert_eq!((ly["20"].percent, ly["20"].rank), (None, None));
        assert_eq!(ly["20"].change(1), None);
        // Within one unit set, last year's rank is the rank it had.
        let same = last_year(&old, &old, &prev);
        assert_eq!(
            (same["01"].rank, same["27"].rank, same["24"].rank),
            (Some(1), Some(2), Some(3))
        );
    }

    #[test]
    fn the_combined_value_is_the_rounded_mean_of_those_that_exist() {
        let p = Points::from_hundredths;
        let c = combine([("27", Some(p(8833))), ("24", Some(p(8712)))]);
        assert_eq!(c.value, Some(p(8773))); // 87.725 → 87.73
        assert!(c.is_combined());
        let c = combine([("27", Some(p(9000))), ("24", None)]);
        assert_eq!((c.value, c.of), (Some(p(9000)), 1));
        assert_eq!(c.missing, ["24"]);
        assert!(!c.is_combined());
        let c = combine([("27", None)]);
        assert_eq!(c.value, None);
    }
}
