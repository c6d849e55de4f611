//! One unit's totals and counts, without its items (SPEC P1): what the overview, the ranking and
//! the national summary line show of a unit that has not been opened. A workbench's start
//! carries these — 2,000 rows at the large scale instead of 200,000 item summaries — and a
//! unit's items come when it is opened.

use serde::{Deserialize, Serialize};

use crate::aggregate::{Both, Scored, UnitScores};
use crate::framework::Framework;
use crate::points::Points;

/// A unit's totals by self and proposed scores and its counts, as [`UnitScores::compute`] gives
/// them; short names on the wire (one per unit of the year).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitTotals {
    #[serde(rename = "u")]
    pub unit: String,
    /// The self total.
    #[serde(rename = "s")]
    pub self_total: Points,
    /// The proposed total.
    #[serde(rename = "p")]
    pub proposed_total: Points,
    /// Appraised leaves an appraiser has taken a position on.
    #[serde(rename = "r")]
    pub reviewed: u32,
    #[serde(rename = "a")]
    pub adjusted: u32,
    #[serde(rename = "d")]
    pub open_disputes: u32,
    #[serde(rename = "n")]
    pub needs_info: u32,
    /// Items the unit has (a self-assessment or survey score): none shows as "—".
    #[serde(rename = "i")]
    pub items: u32,
    /// Each area's (top-level node's) self and proposed sums, in framework order: the area
    /// comparison beside the ranking.
    #[serde(rename = "g")]
    pub areas: Vec<(Points, Points)>,
}

impl UnitTotals {
    /// The totals of `unit` from its items (any order; items of other leaves are ignored).
    pub fn compute<'a, T: Scored + 'a>(
        fw: &Framework,
        unit: &str,
        items: impl IntoIterator<Item = &'a T>,
    ) -> UnitTotals {
        let mut count = 0u32;
        let scores = UnitScores::compute(
            fw,
            items
                .into_iter()
                .inspect(|_| count = count.saturating_add(1)),
        );
        UnitTotals::of(fw, unit, &scores, count)
    }

    /// The totals of computed scores (of `fw`); `items` is how many items the unit has.
    pub fn of(fw: &Framework, unit: &str, scores: &UnitScores, items: u32) -> UnitTotals {
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        UnitTotals {
            unit: unit.to_string(),
            self_total: scores.total.self_,
            proposed_total: scores.total.proposed,
            reviewed: count(scores.reviewed),
            adjusted: count(scores.adjusted),
            open_disputes: count(scores.open_disputes),
            needs_info: count(scores.needs_info),
            items,
            areas: areas(fw)
                .filter_map(|i| scores.nodes.get(i))
                .map(|b| (b.self_, b.proposed))
                .collect(),
        }
    }

    /// Scores with these totals and counts: the percentages and the number of appraised leaves
    /// from the framework, the areas' sums; the sums of the nodes below the areas zero (they
    /// are shown only for an opened unit, whose items are there to sum).
    pub fn scores(&self, fw: &Framework) -> UnitScores {
        let none: [&crate::item::Item; 0] = [];
        let mut s = UnitScores::compute(fw, none);
        s.total = Both {
            self_: self.self_total,
            proposed: self.proposed_total,
        };
        s.percent = Both {
            self_: self.self_total.percent_of(fw.total),
            proposed: self.proposed_total.percent_of(fw.total),
        };
        s.reviewed = self.reviewed as usize;
        s.adjusted = self.adjusted as usize;
        s.open_disputes = self.open_disputes as usize;
        s.needs_info = self.needs_info as usize;
        for (i, &(self_, proposed)) in areas(fw).zip(&self.areas) {
            s.nodes[i] = Both { self_, proposed };
        }
        s
    }
}

/// The positions of the framework's areas (its top-level nodes) in `Framework::nodes`.
fn areas(fw: &Framework) -> impl Iterator<Item = usize> + '_ {
    fw.nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.parent.is_none())
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::item::{Item, ItemKey, SelfAssessment};
    use crate::status::Status;
    use crate::testutil;

    fn item(leaf: &str, score: &str, proposed: Option<&str>, status: Status) -> Item {
        let mut i = Item::new(ItemKey::new(2024, "01", leaf));
        i.self_assessment = Some(SelfAssessment {
            score: score.parse().unwrap(),
            ..SelfAssessment::default()
        });
        i.appraisal.proposed = proposed.map(|p| p.parse().unwrap());
        i.appraisal.status = status;
        i
    }

    #[test]
    fn totals_give_back_the_scores_they_were_computed_from() {
        let fw = testutil::fixture_framework();
        let leaves: Vec<&str> = fw.leaves().map(|n| n.code.as_str()).collect();
        let statuses = [
            Status::Agreed,
            Status::Adjusted,
            Status::NeedsInfo,
            Status::Disputed,
            Status::Pending,
        ];
        let items: Vec<Item> = leaves
            .iter()
            .zip(statuses.iter().cycle())
            .map(|(l, st)| item(l, "0.5", (*st == Status::Adjusted).then_some("0.25"), *st))
            .collect();
        let full = UnitScores::compute(&fw, &items);
        let t = UnitTotals::compute(&fw, "01", &items);
        assert_eq!(t.items as usize, items.len());
        assert!(t.adjusted > 0 && t.open_disputes > 0 && t.needs_info > 0 && t.reviewed > 0);
        assert_ne!(t.self_total, t.proposed_total);
        let back = t.scores(&fw);
        assert_eq!(back.total, full.total);
        assert_eq!(back.percent, full.percent);
        for (i, n) in fw.nodes.iter().enumerate() {
            if n.parent.is_none() {
                assert_eq!(back.nodes[i], full.nodes[i], "area {}", n.code);
            }
        }
        assert!(t.areas.iter().any(|a| a.0 != a.1));
        assert_eq!(
            (
                back.reviewed,
                back.leaves,
                back.adjusted,
                back.open_disputes,
                back.needs_info
            ),
            (
                full.reviewed,
                full.leaves,
                full.adjusted,
                full.open_disputes,
                full.needs_info
            )
        );
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(serde_json::from_str::<UnitTotals>(&json).unwrap(), t);
    }
}
