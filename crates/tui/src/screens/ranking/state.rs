//! State of the ranking screen (SPEC W10): sort order, region filter, the rows they leave, the
//! cursor, the regional and national averages, and whether the area bars are toggled.
//!
//! Rows and averages are recomputed by `rebuild` — when the screen opens, when the sort or the
//! filter changes, and when committed events change scores — never on a cursor move. Ranks
//! themselves come from the model, which keeps them current (`Model::apply_events`).

use crate::model::Model;
use std::collections::HashMap;

use api::last_year::LastYearRanks;
use domain::aggregate::{Both, RankRow, regional_averages};
use domain::whatif::{Simulated, Weight, simulate};

/// What the ranking is sorted by. `next` cycles through them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RankSort {
    /// Rank by proposed index (best first); ties by code.
    Proposed,
    /// Rank by self index.
    SelfRank,
    /// Places gained from the self ranking to the proposed one, the largest rise first.
    Change,
    /// Regions in the unit set's order, by proposed rank within each.
    Region,
}

impl RankSort {
    pub fn next(self) -> RankSort {
        match self {
            RankSort::Proposed => RankSort::SelfRank,
            RankSort::SelfRank => RankSort::Change,
            RankSort::Change => RankSort::Region,
            RankSort::Region => RankSort::Proposed,
        }
    }
}

/// The mean index of a region's units with data (or of all of them: `region` empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Average {
    pub region: String,
    /// Units with data averaged.
    pub units: usize,
    /// Hundredths of a percent.
    pub percent: Both<i64>,
}

#[derive(Clone, Debug)]
pub struct RankingState {
    pub sort: RankSort,
    pub reverse: bool,
    /// Region code, or all regions.
    pub region: Option<String>,
    /// Unit positions (in the unit set) after filter and sort: units with data first, then
    /// those without, by code.
    pub rows: Vec<usize>,
    pub cursor: usize,
    pub offset: usize,
    /// One per region in the unit set's order, then the national average (region "").
    pub averages: Vec<Average>,
    /// `b` pressed: on a wide screen the bars beside the table are hidden, on a narrow one the
    /// bars replace the table.
    pub bars_toggled: bool,
    /// Last year's index and rank of each unit through its predecessors, read once when the
    /// app starts (`api::last_year`); `None` when the store has no year to compare with.
    pub last: Option<LastYearRanks>,
    /// The what-if view ("Mô phỏng", issue 15.7) when it is on. Shown only: nothing of it is
    /// written to the store or to a report.
    pub whatif: Option<WhatIf>,
    /// The weight typed last (the prompt starts with it).
    pub weight: Weight,
}

/// The what-if view: the weight and what it gives each scored unit.
#[derive(Clone, Debug)]
pub struct WhatIf {
    pub weight: Weight,
    /// By unit position in the unit set; units without data have none.
    pub rows: HashMap<usize, Simulated>,
}

impl WhatIf {
    /// The difficult units of the unit set (scored or not).
    pub fn difficult(model: &Model) -> usize {
        model
            .unit_set()
            .units
            .iter()
            .filter(|u| u.difficult)
            .count()
    }
}

impl RankingState {
    pub fn new(model: &Model) -> RankingState {
        let mut s = RankingState {
            sort: RankSort::Proposed,
            reverse: false,
            region: None,
            rows: Vec::new(),
            cursor: 0,
            offset: 0,
            averages: Vec::new(),
            bars_toggled: false,
            last: None,
            whatif: None,
            weight: Weight::DEFAULT,
        };
        s.rebuild(model);
        s
    }

    /// The unit under the cursor (position in the unit set).
    pub fn selected(&self) -> Option<usize> {
        self.rows.get(self.cursor).copied()
    }

    /// Put the cursor on the unit at this position in the unit set, if it is shown.
    pub fn select_unit(&mut self, unit: usize) -> bool {
        match self.rows.iter().position(|&r| r == unit) {
            Some(p) => {
                self.cursor = p;
                true
            }
            None => false,
        }
    }

    /// Scored units per group by proposed index, best group first, then those under every
    /// group (name ""): what the footer counts.
    pub fn group_counts(&self, model: &Model) -> Vec<(String, usize)> {
        let scored: Vec<&Option<String>> = (0..model.unit_count())
            .map(|i| model.unit_at(i))
            .filter(|d| d.has_items())
            .map(|d| &d.group.proposed)
            .collect();
        let mut out: Vec<(String, usize)> = model
            .fw()
            .groups
            .iter()
            .map(|g| {
                let n = scored
                    .iter()
                    .filter(|p| p.as_deref() == Some(g.name.as_str()))
                    .count();
                (g.name.clone(), n)
            })
            .collect();
        out.push((String::new(), scored.iter().filter(|p| p.is_none()).count()));
        out
    }

    /// The national average (the last of `averages`).
    pub fn national(&self) -> Option<&Average> {
        self.averages.last().filter(|a| a.region.is_empty())
    }

    /// Recompute rows and averages after data, sort or filter changed; the cursor stays on its
    /// unit when that unit is still shown.
    pub fn rebuild(&mut self, model: &Model) {
        let keep = self.selected();
        let units = &model.unit_set().units;
        let code = |i: usize| units[i].code.as_str();
        let (mut rows, mut unscored): (Vec<usize>, Vec<usize>) = (0..units.len())
            .filter(|&i| self.region.as_ref().is_none_or(|r| &units[i].region == r))
            .partition(|&i| model.unit_at(i).has_items());
        if let Some(w) = self.whatif.as_mut() {
            w.rows = simulated(model, w.weight);
        }
        let sim_rank = |i: usize| {
            self.whatif
                .as_ref()
                .and_then(|w| w.rows.get(&i))
                .map_or(u32::MAX, |s| s.rank)
        };
        let rank = |i: usize| model.unit_at(i).rank;
        let change = |i: usize| {
            let r = rank(i);
            i64::from(r.self_) - i64::from(r.proposed)
        };
        let region_pos = |i: usize| {
            model
                .unit_set()
                .regions
                .iter()
                .position(|r| r.code == units[i].region)
                .unwrap_or(usize::MAX)
        };
        match self.sort {
            // In the what-if view, by the rank the weight gives.
            RankSort::Proposed if self.whatif.is_some() => {
                rows.sort_by_key(|&i| (sim_rank(i), rank(i).proposed, code(i)))
            }
            RankSort::Proposed => rows.sort_by_key(|&i| (rank(i).proposed, code(i))),
            RankSort::SelfRank => rows.sort_by_key(|&i| (rank(i).self_, code(i))),
            RankSort::Change => rows.sort_by(|&a, &b| {
                change(b)
                    .cmp(&change(a))
                    .then(rank(a).proposed.cmp(&rank(b).proposed))
                    .then(code(a).cmp(code(b)))
            }),
            RankSort::Region => {
                rows.sort_by_key(|&i| (region_pos(i), rank(i).proposed, code(i)));
            }
        }
        if self.reverse {
            rows.reverse();
        }
        unscored.sort_by_key(|&i| code(i));
        rows.extend(unscored);
        self.rows = rows;
        self.cursor = keep
            .and_then(|k| self.rows.iter().position(|&r| r == k))
            .unwrap_or(0)
            .min(self.rows.len().saturating_sub(1));
        self.averages = averages(model);
    }

    /// Cycle the region filter: all → each region in file order → all.
    pub fn next_region(&mut self, model: &Model) {
        let regions = &model.unit_set().regions;
        self.region = match &self.region {
            None => regions.first().map(|r| r.code.clone()),
            Some(cur) => {
                let i = regions.iter().position(|r| &r.code == cur);
                i.and_then(|i| regions.get(i + 1)).map(|r| r.code.clone())
            }
        };
        self.rebuild(model);
    }

    pub fn next_sort(&mut self, model: &Model) {
        self.sort = self.sort.next();
        self.rebuild(model);
    }

    pub fn toggle_reverse(&mut self, model: &Model) {
        self.reverse = !self.reverse;
        self.rebuild(model);
    }

    /// Turn the what-if view on with `weight`, or off.
    pub fn set_whatif(&mut self, model: &Model, weight: Option<Weight>) {
        self.whatif = weight.map(|weight| {
            self.weight = weight;
            WhatIf {
                weight,
                rows: HashMap::new(),
            }
        });
        self.rebuild(model);
    }

    pub fn clear_filters(&mut self, model: &Model) {
        self.region = None;
        self.rebuild(model);
    }
}

/// The what-if of every unit with data (`domain::whatif`), by position in the unit set.
fn simulated(model: &Model, weight: Weight) -> HashMap<usize, Simulated> {
    let units = &model.unit_set().units;
    let scored: Vec<usize> = (0..units.len())
        .filter(|&i| model.unit_at(i).has_items())
        .collect();
    let input: Vec<(String, i64, bool)> = scored
        .iter()
        .map(|&i| {
            (
                units[i].code.clone(),
                model.unit_at(i).scores.percent.proposed,
                units[i].difficult,
            )
        })
        .collect();
    scored.into_iter().zip(simulate(&input, weight)).collect()
}

/// Regional and national means of the units with data, by the domain's rule.
fn averages(model: &Model) -> Vec<Average> {
    let units = model.unit_set();
    let rows: Vec<RankRow> = (0..model.unit_count())
        .filter(|&i| model.unit_at(i).has_items())
        .map(|i| {
            let d = model.unit_at(i);
            RankRow {
                unit: units.units[i].code.clone(),
                total: d.scores.total,
                percent: d.scores.percent,
                rank: d.rank,
                group: d.group.clone(),
            }
        })
        .collect();
    regional_averages(units, &rows)
        .into_iter()
        .map(|(region, percent)| {
            let n = (0..model.unit_count())
                .filter(|&i| {
                    model.unit_at(i).has_items()
                        && (region.is_empty() || units.units[i].region == region)
                })
                .count();
            Average {
                region,
                units: n,
                percent,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Arc;

    use super::*;
    use domain::YearContext;
    use domain::testutil::{fixture_framework, fixture_units};
    use domain::{Item, ItemKey, Points, SelfAssessment};

    /// Units 01 (DBSH), 44, 45 (BTB) with self and proposed totals on leaf 3.2.1 only (the
    /// framework total is 10, so 1 point = 10 %); 46 has no data.
    fn model(scores: &[(&str, &str, Option<&str>)]) -> Model {
        let ctx = Arc::new(YearContext {
            year: 2024,
            framework: fixture_framework(),
            units: fixture_units(),
            framework_file: String::new(),
            units_file: String::new(),
            from_year: None,
        });
        let items = scores
            .iter()
            .map(|(unit, s, p)| {
                let mut it = Item::new(ItemKey::new(2024, *unit, "3.2.1"));
                it.self_assessment = Some(SelfAssessment {
                    score: Points::parse(s).unwrap(),
                    ..Default::default()
                });
                it.appraisal.proposed = p.map(|p| Points::parse(p).unwrap());
                it
            })
            .collect();
        Model::from_parts(ctx, items, HashMap::new())
    }

    fn codes(m: &Model, s: &RankingState) -> Vec<String> {
        s.rows
            .iter()
            .map(|&i| m.unit_set().units[i].code.clone())
            .collect()
    }

    #[test]
    fn sorts_by_either_rank_change_and_region_with_unscored_last() {
        // Self: 01 1.50 (1st), 44 1.00 (2nd), 45 0.75 (3rd).
        // Proposed: 45 1.25 (1st), 44 1.00 and 01 1.00 tie (2nd, by code 01 then 44).
        let m = model(&[
            ("01", "1.5", Some("1")),
            ("44", "1", None),
            ("45", "0.75", Some("1.25")),
        ]);
        let mut s = RankingState::new(&m);
        assert_eq!(codes(&m, &s), ["45", "01", "44", "46"]);
        s.next_sort(&m);
        assert_eq!(s.sort, RankSort::SelfRank);
        assert_eq!(codes(&m, &s), ["01", "44", "45", "46"]);
        s.next_sort(&m);
        // Changes: 45 +2, 44 0, 01 -1.
        assert_eq!(codes(&m, &s), ["45", "44", "01", "46"]);
        s.toggle_reverse(&m);
        assert_eq!(
            codes(&m, &s),
            ["01", "44", "45", "46"],
            "unscored stay last"
        );
        s.toggle_reverse(&m);
        s.next_sort(&m);
        assert_eq!(s.sort, RankSort::Region);
        assert_eq!(codes(&m, &s), ["01", "45", "44", "46"]);
        s.next_region(&m);
        s.next_region(&m);
        assert_eq!(s.region.as_deref(), Some("BTB"));
        assert_eq!(codes(&m, &s), ["45", "44", "46"]);
        s.next_region(&m);
        assert_eq!(s.region, None);
    }

    #[test]
    fn averages_by_hand_and_cursor_keeps_its_unit() {
        let m = model(&[
            ("01", "1.5", Some("1")),
            ("44", "1", None),
            ("45", "0.75", Some("1.25")),
        ]);
        let mut s = RankingState::new(&m);
        // DBSH: 01 only: 15.00 % / 10.00 %. BTB: 44 and 45 (46 has no data):
        // self (1000 + 750) / 2 = 875, proposed (1000 + 1250) / 2 = 1125.
        // National: self (1500 + 1000 + 750) / 3 = 1083.33 → 1083, proposed (1000 + 1000 +
        // 1250) / 3 = 1083.33 → 1083.
        let got: Vec<(&str, usize, i64, i64)> = s
            .averages
            .iter()
            .map(|a| {
                (
                    a.region.as_str(),
                    a.units,
                    a.percent.self_,
                    a.percent.proposed,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("DBSH", 1, 1500, 1000),
                ("BTB", 2, 875, 1125),
                ("", 3, 1083, 1083)
            ]
        );
        assert_eq!(s.national().map(|a| a.units), Some(3));
        s.select_unit(2); // 45
        s.next_sort(&m);
        assert_eq!(s.selected(), Some(2));
    }
}
