//! State of the units overview (SPEC W1): sort order, filters, the rows they leave, the cursor
//! and the type-ahead jump.

use crate::model::Model;
use search::fold::fold;

/// What the overview is sorted by. `next` cycles through them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortKey {
    /// Rank by proposed index (best first); ties by code.
    Rank,
    Code,
    Name,
    SelfTotal,
    Proposed,
    /// Largest |Δ| first.
    Delta,
    /// Least reviewed first.
    Progress,
}

impl SortKey {
    pub fn next(self) -> SortKey {
        match self {
            SortKey::Rank => SortKey::Code,
            SortKey::Code => SortKey::Name,
            SortKey::Name => SortKey::SelfTotal,
            SortKey::SelfTotal => SortKey::Proposed,
            SortKey::Proposed => SortKey::Delta,
            SortKey::Delta => SortKey::Progress,
            SortKey::Progress => SortKey::Rank,
        }
    }
}

/// Which units to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusFilter {
    All,
    /// Not every leaf reviewed yet, or not finalized.
    Unfinished,
    /// At least one open dispute.
    Disputes,
    Finalized,
}

impl StatusFilter {
    pub fn next(self) -> StatusFilter {
        match self {
            StatusFilter::All => StatusFilter::Unfinished,
            StatusFilter::Unfinished => StatusFilter::Disputes,
            StatusFilter::Disputes => StatusFilter::Finalized,
            StatusFilter::Finalized => StatusFilter::All,
        }
    }
}

#[derive(Clone, Debug)]
pub struct OverviewState {
    pub sort: SortKey,
    /// Show the sort order backwards.
    pub reverse: bool,
    /// Region code, or all regions.
    pub region: Option<String>,
    pub status: StatusFilter,
    /// "Của tôi": only the units with an assignment (whole or one area) to this user.
    pub mine: Option<String>,
    /// Unit positions (in the unit set) after filter and sort.
    pub rows: Vec<usize>,
    pub cursor: usize,
    pub offset: usize,
    /// Folded text typed to jump to a unit by name.
    pub typeahead: String,
    /// The type-ahead found nothing.
    pub typeahead_missed: bool,
    /// A jump was started with its key (`jump-to-unit`): typed letters are the name even while
    /// none has been typed yet, whatever they are bound to.
    pub jumping: bool,
    /// Folded unit names, computed once.
    folded: Vec<String>,
}

impl OverviewState {
    pub fn new(model: &Model) -> OverviewState {
        let folded = model
            .unit_set()
            .units
            .iter()
            .map(|u| fold(&u.name))
            .collect();
        let mut s = OverviewState {
            sort: SortKey::Rank,
            reverse: false,
            region: None,
            status: StatusFilter::All,
            mine: None,
            rows: Vec::new(),
            cursor: 0,
            offset: 0,
            typeahead: String::new(),
            typeahead_missed: false,
            jumping: false,
            folded,
        };
        s.rebuild(model);
        s
    }

    /// The unit under the cursor (position in the unit set).
    pub fn selected(&self) -> Option<usize> {
        self.rows.get(self.cursor).copied()
    }

    /// Recompute the rows after data, sort or filter changed; the cursor stays on its unit
    /// when that unit is still shown.
    pub fn rebuild(&mut self, model: &Model) {
        let keep = self.selected();
        let units = &model.unit_set().units;
        let mut rows: Vec<usize> = (0..units.len())
            .filter(|&i| {
                let u = &units[i];
                let d = model.unit_at(i);
                let region_ok = self.region.as_ref().is_none_or(|r| &u.region == r);
                let status_ok = match self.status {
                    StatusFilter::All => true,
                    StatusFilter::Unfinished => {
                        d.state.finalized.is_none() || d.scores.reviewed < d.scores.leaves
                    }
                    StatusFilter::Disputes => d.scores.open_disputes > 0,
                    StatusFilter::Finalized => d.state.finalized.is_some(),
                };
                let mine_ok = self
                    .mine
                    .as_ref()
                    .is_none_or(|me| model.assignments.unit_is_mine(me, &u.code));
                region_ok && status_ok && mine_ok
            })
            .collect();
        let code = |i: usize| units[i].code.as_str();
        match self.sort {
            SortKey::Rank => rows.sort_by(|&a, &b| {
                model
                    .unit_at(a)
                    .rank
                    .proposed
                    .cmp(&model.unit_at(b).rank.proposed)
                    .then(code(a).cmp(code(b)))
            }),
            SortKey::Code => rows.sort_by(|&a, &b| code(a).cmp(code(b))),
            SortKey::Name => rows.sort_by(|&a, &b| {
                self.folded[a]
                    .cmp(&self.folded[b])
                    .then(code(a).cmp(code(b)))
            }),
            SortKey::SelfTotal => rows.sort_by(|&a, &b| {
                let (x, y) = (model.unit_at(a), model.unit_at(b));
                y.scores
                    .total
                    .self_
                    .cmp(&x.scores.total.self_)
                    .then(code(a).cmp(code(b)))
            }),
            SortKey::Proposed => rows.sort_by(|&a, &b| {
                let (x, y) = (model.unit_at(a), model.unit_at(b));
                y.scores
                    .total
                    .proposed
                    .cmp(&x.scores.total.proposed)
                    .then(code(a).cmp(code(b)))
            }),
            SortKey::Delta => rows.sort_by(|&a, &b| {
                let d = |i: usize| {
                    let t = model.unit_at(i).scores.total;
                    (t.proposed - t.self_).abs()
                };
                d(b).cmp(&d(a)).then(code(a).cmp(code(b)))
            }),
            SortKey::Progress => rows.sort_by(|&a, &b| {
                let p = |i: usize| {
                    let s = &model.unit_at(i).scores;
                    // reviewed / leaves compared without division.
                    (s.reviewed as u64, s.leaves.max(1) as u64)
                };
                let ((ra, la), (rb, lb)) = (p(a), p(b));
                (ra * lb).cmp(&(rb * la)).then(code(a).cmp(code(b)))
            }),
        }
        if self.reverse {
            rows.reverse();
        }
        self.rows = rows;
        self.cursor = keep
            .and_then(|k| self.rows.iter().position(|&r| r == k))
            .unwrap_or(0)
            .min(self.rows.len().saturating_sub(1));
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

    /// Add typed text to the type-ahead and jump to the first shown unit whose folded name (or
    /// code) starts with it, else contains it.
    pub fn type_ahead(&mut self, model: &Model, typed: &str) {
        self.typeahead.push_str(&fold(typed));
        self.jump(model);
    }

    pub fn type_ahead_backspace(&mut self, model: &Model) {
        self.typeahead.pop();
        if !self.typeahead.is_empty() {
            self.jump(model);
        } else {
            self.typeahead_missed = false;
        }
    }

    pub fn clear_type_ahead(&mut self) {
        self.typeahead.clear();
        self.typeahead_missed = false;
        self.jumping = false;
    }

    /// `jump-to-unit`: what is typed next is a unit's name.
    pub fn start_jump(&mut self) {
        self.clear_type_ahead();
        self.jumping = true;
    }

    fn jump(&mut self, model: &Model) {
        let q = self.typeahead.trim_start();
        let units = &model.unit_set().units;
        let starts = self
            .rows
            .iter()
            .position(|&i| self.folded[i].starts_with(q) || units[i].code.starts_with(q));
        let found = starts.or_else(|| self.rows.iter().position(|&i| self.folded[i].contains(q)));
        self.typeahead_missed = found.is_none();
        if let Some(p) = found {
            self.cursor = p;
        }
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

    pub fn next_status(&mut self, model: &Model) {
        self.status = self.status.next();
        self.rebuild(model);
    }

    pub fn next_sort(&mut self, model: &Model) {
        self.sort = self.sort.next();
        self.rebuild(model);
    }
}
