//! Totals, percentages, groups, ranking and regional averages (SPEC D7), each computed twice:
//! from self scores and from proposed scores.

use std::collections::HashMap;

use super::framework::{Framework, Method};
use super::item::Item;
use super::points::Points;
use super::status::Status;
use super::units::UnitSet;

/// A pair of values computed from self scores and from proposed scores.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Both<T> {
    pub self_: T,
    pub proposed: T,
}

/// Scores of one unit, per framework node and in total.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitScores {
    /// Indexed like `Framework::nodes`: the sum of the leaves under each node.
    pub nodes: Vec<Both<Points>>,
    pub total: Both<Points>,
    /// Index in hundredths of a percent of the framework total.
    pub percent: Both<i64>,
    /// Appraised leaves an appraiser has taken a position on (survey leaves are not appraised).
    pub reviewed: usize,
    /// Appraised leaves of the framework: the denominator of progress.
    pub leaves: usize,
    pub adjusted: usize,
    pub open_disputes: usize,
    pub needs_info: usize,
}

/// What a unit's totals need of one item: its leaf, the scores it counts with and its status.
/// An [`Item`] has them, and so has the compact summary a store keeps of it, so both total by
/// the same function ([`UnitScores::compute`]).
pub trait Scored {
    fn leaf(&self) -> &str;
    /// The score counted in the self total ([`Item::self_score`]).
    fn self_score(&self) -> Option<Points>;
    /// The score counted in the proposed total ([`Item::proposed_score`]).
    fn proposed_score(&self) -> Option<Points>;
    fn status(&self) -> Status;
}

impl Scored for Item {
    fn leaf(&self) -> &str {
        &self.key.leaf
    }
    fn self_score(&self) -> Option<Points> {
        Item::self_score(self)
    }
    fn proposed_score(&self) -> Option<Points> {
        Item::proposed_score(self)
    }
    fn status(&self) -> Status {
        Item::status(self)
    }
}

impl<T: Scored + ?Sized> Scored for &T {
    fn leaf(&self) -> &str {
        (**self).leaf()
    }
    fn self_score(&self) -> Option<Points> {
        (**self).self_score()
    }
    fn proposed_score(&self) -> Option<Points> {
        (**self).proposed_score()
    }
    fn status(&self) -> Status {
        (**self).status()
    }
}

impl UnitScores {
    /// Compute from the unit's items (any order; items of other leaves are ignored).
    pub fn compute<'a, T: Scored + 'a>(
        fw: &Framework,
        items: impl IntoIterator<Item = &'a T>,
    ) -> UnitScores {
        let by_leaf: HashMap<&str, &T> = items.into_iter().map(|i| (i.leaf(), i)).collect();
        let mut nodes = vec![Both::<Points>::default(); fw.nodes.len()];
        let (mut reviewed, mut adjusted, mut open_disputes, mut needs_info) = (0, 0, 0, 0);
        for (i, node) in fw.nodes.iter().enumerate() {
            if !node.is_leaf() {
                continue;
            }
            let Some(item) = by_leaf.get(node.code.as_str()) else {
                continue;
            };
            let s = item.self_score().unwrap_or_default();
            let p = item.proposed_score().unwrap_or_default();
            if node.method == Method::Appraised && item.status().is_reviewed() {
                reviewed += 1;
            }
            match item.status() {
                Status::Adjusted => adjusted += 1,
                Status::Disputed | Status::Escalated => open_disputes += 1,
                Status::NeedsInfo => needs_info += 1,
                _ => {}
            }
            // Add to the leaf and every ancestor.
            let mut at = Some(i);
            while let Some(k) = at {
                nodes[k].self_ += s;
                nodes[k].proposed += p;
                at = fw.nodes[k].parent;
            }
        }
        let mut total = Both::<Points>::default();
        for (k, n) in fw.nodes.iter().enumerate() {
            if n.parent.is_none() {
                total.self_ += nodes[k].self_;
                total.proposed += nodes[k].proposed;
            }
        }
        let percent = Both {
            self_: total.self_.percent_of(fw.total),
            proposed: total.proposed.percent_of(fw.total),
        };
        UnitScores {
            nodes,
            total,
            percent,
            reviewed,
            leaves: fw
                .leaves()
                .filter(|n| n.method == Method::Appraised)
                .count(),
            adjusted,
            open_disputes,
            needs_info,
        }
    }

    pub fn node(&self, fw: &Framework, code: &str) -> Option<Both<Points>> {
        fw.position(code).map(|i| self.nodes[i])
    }
}

/// Competition ranking ("1, 2, 2, 4"): units with the same index in hundredths of a percent share
/// a rank, and the next rank skips as many places as were shared. This is the tie rule; within a
/// tie, lists show units by code. Returns ranks in the order of `values`.
pub fn competition_ranks(values: &[i64]) -> Vec<u32> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[b].cmp(&values[a]).then(a.cmp(&b)));
    let mut ranks = vec![0u32; values.len()];
    let mut prev: Option<i64> = None;
    let mut rank = 0u32;
    for (pos, &i) in order.iter().enumerate() {
        if prev != Some(values[i]) {
            rank = pos as u32 + 1;
            prev = Some(values[i]);
        }
        ranks[i] = rank;
    }
    ranks
}

/// One unit's line in the national ranking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RankRow {
    pub unit: String,
    pub total: Both<Points>,
    pub percent: Both<i64>,
    pub rank: Both<u32>,
    pub group: Both<Option<String>>,
}

/// Rank every unit by self and by proposed index. `scores` maps unit code → scores; units
/// without scores rank with 0. Rows come in the order of the unit set.
pub fn ranking(
    fw: &Framework,
    units: &UnitSet,
    scores: &HashMap<String, UnitScores>,
) -> Vec<RankRow> {
    let pct: Vec<Both<i64>> = units
        .units
        .iter()
        .map(|u| scores.get(&u.code).map(|s| s.percent).unwrap_or_default())
        .collect();
    let self_ranks = competition_ranks(&pct.iter().map(|p| p.self_).collect::<Vec<_>>());
    let prop_ranks = competition_ranks(&pct.iter().map(|p| p.proposed).collect::<Vec<_>>());
    units
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let total = scores.get(&u.code).map(|s| s.total).unwrap_or_default();
            RankRow {
                unit: u.code.clone(),
                total,
                percent: pct[i],
                rank: Both {
                    self_: self_ranks[i],
                    proposed: prop_ranks[i],
                },
                group: Both {
                    self_: fw.group_for(pct[i].self_).map(|g| g.name.clone()),
                    proposed: fw.group_for(pct[i].proposed).map(|g| g.name.clone()),
                },
            }
        })
        .collect()
}

/// Mean index per region (hundredths of a percent, rounded half up), in the unit set's region
/// order, plus the national mean as the last element with region code "".
pub fn regional_averages(units: &UnitSet, rows: &[RankRow]) -> Vec<(String, Both<i64>)> {
    let mean = |xs: &[i64]| -> i64 {
        if xs.is_empty() {
            return 0;
        }
        let n = xs.len() as i64;
        let s: i64 = xs.iter().sum();
        (2 * s + n).div_euclid(2 * n)
    };
    let by_code: HashMap<&str, &RankRow> = rows.iter().map(|r| (r.unit.as_str(), r)).collect();
    let mut out = Vec::new();
    let mut collect = |code: String, pred: &dyn Fn(&str) -> bool| {
        let members: Vec<&RankRow> = units
            .units
            .iter()
            .filter(|u| pred(&u.region))
            .filter_map(|u| by_code.get(u.code.as_str()).copied())
            .collect();
        let s: Vec<i64> = members.iter().map(|r| r.percent.self_).collect();
        let p: Vec<i64> = members.iter().map(|r| r.percent.proposed).collect();
        out.push((
            code,
            Both {
                self_: mean(&s),
                proposed: mean(&p),
            },
        ));
    };
    for r in &units.regions {
        let code = r.code.clone();
        collect(code.clone(), &|reg| reg == code);
    }
    collect(String::new(), &|_| true);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_share_a_rank_and_skip() {
        assert_eq!(
            competition_ranks(&[9000, 9180, 9000, 8000]),
            vec![2, 1, 2, 4]
        );
        assert_eq!(competition_ranks(&[]), Vec::<u32>::new());
        assert_eq!(competition_ranks(&[5, 5, 5]), vec![1, 1, 1]);
    }
}

/// One line of the national table: the unit, its scores and its ranks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NationalRow {
    pub unit: String,
    pub name: String,
    pub region: String,
    pub scores: UnitScores,
    pub total: Both<Points>,
    pub percent: Both<i64>,
    pub rank: Both<u32>,
    pub group: Both<Option<String>>,
}

/// Every unit of a year with its scores and ranks, sorted by proposed rank (ties by unit code),
/// plus the counts across units.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct National {
    pub rows: Vec<NationalRow>,
    pub reviewed: usize,
    pub leaves: usize,
    pub adjusted: usize,
    pub disputes: usize,
}

pub fn national(fw: &Framework, units: &UnitSet, items: &[Item]) -> National {
    let mut by_unit: HashMap<&str, Vec<&Item>> = HashMap::new();
    for it in items {
        by_unit.entry(it.key.unit.as_str()).or_default().push(it);
    }
    let scores: HashMap<String, UnitScores> = units
        .units
        .iter()
        .map(|u| {
            let its = by_unit
                .get(u.code.as_str())
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            (u.code.clone(), UnitScores::compute(fw, its.iter().copied()))
        })
        .collect();
    let ranks = ranking(fw, units, &scores);
    let mut rows: Vec<NationalRow> = units
        .units
        .iter()
        .zip(ranks)
        .map(|(u, r)| NationalRow {
            unit: u.code.clone(),
            name: u.name.clone(),
            region: u.region.clone(),
            scores: scores
                .get(&u.code)
                .cloned()
                .unwrap_or_else(|| UnitScores::compute::<Item>(fw, [])),
            total: r.total,
            percent: r.percent,
            rank: r.rank,
            group: r.group,
        })
        .collect();
    rows.sort_by(|a, b| {
        a.rank
            .proposed
            .cmp(&b.rank.proposed)
            .then(a.unit.cmp(&b.unit))
    });
    National {
        reviewed: rows.iter().map(|r| r.scores.reviewed).sum(),
        leaves: rows.iter().map(|r| r.scores.leaves).sum(),
        adjusted: rows.iter().map(|r| r.scores.adjusted).sum(),
        disputes: rows.iter().map(|r| r.scores.open_disputes).sum(),
        rows,
    }
}

#[cfg(test)]
mod national_tests {
    use super::*;
    use crate::units::{Region, Unit, UnitSetMeta};

    fn units() -> UnitSet {
        let unit = |code: &str, region: &str| Unit {
            code: code.into(),
            name: format!("Tỉnh {code}"),
            region: region.into(),
            centrally_run: false,
            absorbed: vec![],
            predecessors: None,
            difficult: false,
        };
        UnitSet::from_parts(
            UnitSetMeta::default(),
            vec![
                Region {
                    code: "R1".into(),
                    name: "Một".into(),
                    name_en: None,
                },
                Region {
                    code: "R2".into(),
                    name: "Hai".into(),
                    name_en: None,
                },
            ],
            vec![unit("01", "R1"), unit("02", "R1"), unit("03", "R2")],
        )
    }

    #[test]
    fn regional_averages_are_means_of_percentages_rounded_half_up() {
        let u = units();
        let row = |code: &str, s: i64, p: i64| RankRow {
            unit: code.into(),
            total: Both::default(),
            percent: Both {
                self_: s,
                proposed: p,
            },
            rank: Both::default(),
            group: Both {
                self_: None,
                proposed: None,
            },
        };
        // R1: (9180 + 8725) / 2 = 8952.5 → 8953; proposed (9000 + 8700) / 2 = 8850.
        let rows = vec![
            row("01", 9180, 9000),
            row("02", 8725, 8700),
            row("03", 8542, 8542),
        ];
        let avg = regional_averages(&u, &rows);
        assert_eq!(
            avg[0],
            (
                "R1".to_string(),
                Both {
                    self_: 8953,
                    proposed: 8850
                }
            )
        );
        assert_eq!(
            avg[1],
            (
                "R2".to_string(),
                Both {
                    self_: 8542,
                    proposed: 8542
                }
            )
        );
        // National: (9180 + 8725 + 8542) / 3 = 8815.67 → 8816.
        assert_eq!(
            avg[2],
            (
                String::new(),
                Both {
                    self_: 8816,
                    proposed: 8747
                }
            )
        );
    }
}
