//! The TUI's cached copy of one assessment year: every unit's items, scores and state, and the
//! national ranks. Loaded once; afterwards changed only by applying committed events, so a
//! cursor move never recomputes anything (SPEC P2). An edit recomputes the touched units' scores
//! and the ranks, with the domain's own functions.
//!
//! Start-up loads only what the first screen shows (SPEC P1): each unit's totals and counts
//! ([`UnitTotals`]), enough for the overview, the ranking and the national summary — 2,000 rows
//! at the large scale instead of 200,000 items. A unit's items with their texts (notes,
//! evidence, justifications) are loaded when it is opened ([`Model::load_unit`]); the items of
//! every unit without their texts ([`Item::without_text`]) when the queue, which lists items
//! of every unit, is first shown ([`Model::load_summaries`]). An event about a unit whose
//! items are not loaded asks for that unit's new totals ([`Model::refresh_totals`]).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use api::Workbench;
use api::WorkbenchError;
use domain::aggregate::{Both, UnitScores, competition_ranks};
use domain::event::Change;
use domain::state::{apply_to_item, apply_to_unit};
use domain::{Assignments, YearContext};
use domain::{Event, Framework, Item, ItemKey, Round, Touch, UnitSet, UnitState, UnitTotals};

/// How much of a unit's data the model holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Level {
    /// Its totals and counts only: no items (`UnitData::items` is empty).
    Totals,
    /// Every item without its texts.
    Summaries,
    /// Every item with its texts (the unit was opened).
    Detailed,
}

/// One unit's data.
#[derive(Clone, Debug)]
pub struct UnitData {
    /// Indexed like `Framework::nodes`; `Some` only on leaves that have an item. Empty while
    /// only the unit's totals are loaded (a unit not opened yet).
    pub items: Vec<Option<Item>>,
    pub scores: UnitScores,
    pub state: UnitState,
    /// Rank by self and by proposed index (competition ranking, the domain's tie rule).
    pub rank: Both<u32>,
    pub group: Both<Option<String>>,
    /// Sequence number of the last unit-level event applied (finalize / reopen).
    unit_seq: u64,
    level: Level,
    /// The unit has an item (a self-assessment or survey score).
    any: bool,
}

impl UnitData {
    fn new(
        items: Vec<Option<Item>>,
        scores: UnitScores,
        state: UnitState,
        level: Level,
        any: bool,
    ) -> UnitData {
        let unit_seq = state.finalized.as_ref().map_or(0, |t| t.seq);
        UnitData {
            items,
            scores,
            state,
            rank: Both::default(),
            group: Both::default(),
            unit_seq,
            level,
            any,
        }
    }

    /// Has the unit any item yet (a self-assessment or survey score)?
    pub fn has_items(&self) -> bool {
        self.any
    }
}

/// What applying events changed, so the app can refresh only what depends on it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changed {
    pub items: Vec<ItemKey>,
    pub units: HashSet<String>,
    pub members: bool,
    /// An explanation round opened or closed.
    pub rounds: bool,
    /// The year's official result changed stage.
    pub official: bool,
    /// An assignment or the year's enforcement of them changed.
    pub assignments: bool,
    /// Who made the item changes (for "X just updated 3.2.1").
    pub actors: Vec<String>,
}

impl Changed {
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
            && self.units.is_empty()
            && !self.members
            && !self.rounds
            && !self.official
            && !self.assignments
    }
}

pub struct Model {
    pub year: u16,
    pub ctx: Arc<YearContext>,
    units: Vec<UnitData>,
    index: HashMap<String, usize>,
    /// The year's explanation rounds, by number.
    pub rounds: Vec<Round>,
    /// The year's official result: approved (frozen), published, or reopened after approval.
    pub official: Option<domain::official::Official>,
    /// The year's assignments (who appraises which unit or area) and their enforcement.
    pub assignments: Assignments,
    /// Units at `Level::Totals` an event changed: their totals are asked for again.
    stale: HashSet<usize>,
    /// The items of every unit were asked for (the queue was shown): a reload asks again.
    all_items: bool,
}

impl Model {
    /// Read a year's framework, units, unit states and each unit's totals (no items).
    pub fn load(wb: &dyn Workbench, year: u16) -> Result<Model, WorkbenchError> {
        let ctx = wb.year(year)?;
        let totals = wb.unit_totals(year, None)?;
        let mut states: HashMap<String, UnitState> = wb.unit_states(year)?.into_iter().collect();
        let mut by_unit: HashMap<String, UnitTotals> =
            totals.into_iter().map(|t| (t.unit.clone(), t)).collect();
        let fw = &ctx.framework;
        let units = ctx
            .units
            .units
            .iter()
            .map(|u| {
                let (scores, any) = match by_unit.remove(&u.code) {
                    Some(t) => (t.scores(fw), t.items > 0),
                    None => (UnitScores::compute::<Item>(fw, []), false),
                };
                UnitData::new(
                    Vec::new(),
                    scores,
                    states.remove(&u.code).unwrap_or_default(),
                    Level::Totals,
                    any,
                )
            })
            .collect();
        let mut m = Model::with_units(ctx, units);
        m.rounds = wb.rounds(year)?;
        m.official = wb.official(year)?;
        m.assignments = wb.assignments(year)?;
        Ok(m)
    }

    /// Has unit `u` its items with their texts?
    pub fn is_detailed(&self, u: usize) -> bool {
        self.units[u].level == Level::Detailed
    }

    /// Has unit `u` its items (with or without their texts), not only its totals?
    pub fn has_item_slots(&self, u: usize) -> bool {
        self.units[u].level != Level::Totals
    }

    /// Load every unit's items without their texts, for lists of items across units (the
    /// queue); units already loaded keep theirs. Once; later changes come as events, and a
    /// reload of the model loads them again.
    pub fn load_summaries(&mut self, wb: &dyn Workbench) -> Result<(), WorkbenchError> {
        self.all_items = true;
        if self.units.iter().all(|d| d.level != Level::Totals) {
            return Ok(());
        }
        let items = wb.item_summaries(self.year)?;
        let mut loaded = HashSet::new();
        for item in items {
            let (Some(&u), Some(n)) = (
                self.index.get(&item.key.unit),
                self.ctx.framework.position(&item.key.leaf),
            ) else {
                continue;
            };
            if self.units[u].level != Level::Totals && !loaded.contains(&u) {
                continue;
            }
            if loaded.insert(u) {
                self.units[u].items = vec![None; self.ctx.framework.nodes.len()];
            }
            self.units[u].items[n] = Some(item);
        }
        for d in &mut self.units {
            if d.level == Level::Totals {
                d.level = Level::Summaries;
                if d.items.is_empty() {
                    d.items = vec![None; self.ctx.framework.nodes.len()];
                }
            }
        }
        for &u in &loaded {
            self.stale.remove(&u);
            self.rescore(u);
        }
        self.rerank();
        Ok(())
    }

    /// Were every unit's items asked for ([`Model::load_summaries`])?
    pub fn wants_all_items(&self) -> bool {
        self.all_items
    }

    /// Ask for the totals of the units whose items are not loaded and that events changed since
    /// the last call; `true` if there were any (their scores and every rank are then current).
    pub fn refresh_totals(&mut self, wb: &dyn Workbench) -> Result<bool, WorkbenchError> {
        if self.stale.is_empty() {
            return Ok(false);
        }
        let mut us: Vec<usize> = self.stale.iter().copied().collect();
        us.sort_unstable();
        let codes: Vec<String> = us
            .iter()
            .map(|&u| self.ctx.units.units[u].code.clone())
            .collect();
        let totals = wb.unit_totals(self.year, Some(&codes))?;
        self.stale.clear();
        for t in totals {
            let Some(&u) = self.index.get(&t.unit) else {
                continue;
            };
            let data = &mut self.units[u];
            if data.level != Level::Totals {
                continue;
            }
            data.scores = t.scores(&self.ctx.framework);
            data.any = t.items > 0;
        }
        self.rerank();
        Ok(true)
    }

    /// Load the items of every unit one of whose areas is assigned (its totals do not say how
    /// far each area is): what [`Model::assignment_progress`] needs. Few units, once each.
    pub fn load_area_assigned(&mut self, wb: &dyn Workbench) -> Result<(), WorkbenchError> {
        let units: Vec<usize> = self
            .assignments
            .list
            .iter()
            .filter(|a| a.area.is_some())
            .filter_map(|a| self.unit_index(&a.unit))
            .filter(|&u| self.units[u].level == Level::Totals)
            .collect();
        for u in units {
            self.load_unit(wb, u)?;
        }
        Ok(())
    }

    /// Progress per appraiser (SPEC S6): each assignment's appraised leaves reviewed, of all,
    /// summed per person in the order they first appear. A unit whose items are here is counted
    /// from them (`Assignments::progress`), one with only its totals from those (whole-unit
    /// assignments only); `None` while a unit with an area assigned has only its totals.
    pub fn assignment_progress(&self) -> Option<Vec<(String, domain::assignment::Progress)>> {
        let a = &self.assignments;
        let loaded = |code: &str| {
            self.unit_index(code)
                .is_some_and(|u| self.units[u].level != Level::Totals)
        };
        let items = a
            .list
            .iter()
            .map(|x| x.unit.as_str())
            .filter(|c| loaded(c))
            .collect::<HashSet<&str>>()
            .into_iter()
            .filter_map(|c| self.unit_index(c))
            .flat_map(|u| self.units[u].items.iter().flatten());
        let mut per = a.progress(&self.ctx.framework, items);
        for (i, x) in a.list.iter().enumerate() {
            let Some(u) = self.unit_index(&x.unit) else {
                continue;
            };
            if self.units[u].level != Level::Totals {
                continue;
            }
            if a.list.iter().any(|y| y.unit == x.unit && y.area.is_some()) {
                return None;
            }
            let s = &self.units[u].scores;
            per[i] = domain::assignment::Progress {
                done: s.reviewed,
                total: s.leaves,
            };
        }
        Some(a.progress_by_user(&per))
    }

    /// Load the texts of unit `u`'s items (once; later changes come as events).
    pub fn load_unit(&mut self, wb: &dyn Workbench, u: usize) -> Result<(), WorkbenchError> {
        if self.units[u].level == Level::Detailed {
            return Ok(());
        }
        let code = self.ctx.units.units[u].code.clone();
        // The slots first: a unit shown after a failed load has its places, empty.
        if self.units[u].items.is_empty() {
            self.units[u].items = vec![None; self.ctx.framework.nodes.len()];
        }
        let items = wb.items(self.year, Some(&code))?;
        let mut rescore = self.units[u].level == Level::Totals;
        if rescore {
            self.stale.remove(&u);
        }
        for item in items {
            let Some(n) = self.ctx.framework.position(&item.key.leaf) else {
                continue;
            };
            let slot = &mut self.units[u].items[n];
            let item = match slot {
                // An event newer than this answer arrived meanwhile: ask for the item as it is
                // now, so its texts are whole.
                Some(old) if old.version > item.version => match wb.item(&item.key)? {
                    Some(fresh) => fresh,
                    None => continue,
                },
                _ => item,
            };
            rescore |= slot.as_ref().is_none_or(|old| old.version != item.version);
            *slot = Some(item);
        }
        self.units[u].level = Level::Detailed;
        if rescore {
            self.rescore(u);
            self.rerank();
        }
        Ok(())
    }

    pub fn from_parts(
        ctx: Arc<YearContext>,
        items: Vec<Item>,
        mut states: HashMap<String, UnitState>,
    ) -> Model {
        let fw = &ctx.framework;
        let index: HashMap<String, usize> = ctx
            .units
            .units
            .iter()
            .enumerate()
            .map(|(i, u)| (u.code.clone(), i))
            .collect();
        let mut slots: Vec<Vec<Option<Item>>> = vec![vec![None; fw.nodes.len()]; index.len()];
        for item in items {
            let (Some(&u), Some(n)) = (index.get(&item.key.unit), fw.position(&item.key.leaf))
            else {
                continue;
            };
            slots[u][n] = Some(item);
        }
        let units = ctx
            .units
            .units
            .iter()
            .zip(slots)
            .map(|(u, items)| {
                let scores = UnitScores::compute(fw, items.iter().flatten());
                let any = items.iter().any(Option::is_some);
                let state = states.remove(&u.code).unwrap_or_default();
                UnitData::new(items, scores, state, Level::Detailed, any)
            })
            .collect();
        Model::with_units(ctx, units)
    }

    /// A model of these units (in the unit set's order), ranked.
    fn with_units(ctx: Arc<YearContext>, units: Vec<UnitData>) -> Model {
        let index: HashMap<String, usize> = ctx
            .units
            .units
            .iter()
            .enumerate()
            .map(|(i, u)| (u.code.clone(), i))
            .collect();
        let mut m = Model {
            year: ctx.year,
            ctx,
            units,
            index,
            rounds: Vec::new(),
            official: None,
            assignments: Assignments::default(),
            stale: HashSet::new(),
            all_items: false,
        };
        m.rerank();
        m
    }

    pub fn fw(&self) -> &Framework {
        &self.ctx.framework
    }

    pub fn unit_set(&self) -> &UnitSet {
        &self.ctx.units
    }

    pub fn unit_count(&self) -> usize {
        self.units.len()
    }

    pub fn unit_index(&self, code: &str) -> Option<usize> {
        self.index.get(code).copied()
    }

    /// Unit data by position in the unit set.
    pub fn unit_at(&self, i: usize) -> &UnitData {
        &self.units[i]
    }

    pub fn unit(&self, code: &str) -> Option<&UnitData> {
        self.unit_index(code).map(|i| &self.units[i])
    }

    pub fn item(&self, unit: &str, leaf: &str) -> Option<&Item> {
        let u = self.unit(unit)?;
        u.items.get(self.fw().position(leaf)?)?.as_ref()
    }

    /// Apply committed events (from our own `apply` or from a notice). Each item change is
    /// applied only if it is newer than the cached item, and each unit change only if newer than
    /// the last one applied, so hearing an event twice, or late, is harmless.
    pub fn apply_events(&mut self, events: &[Event]) -> Changed {
        let mut changed = Changed::default();
        for ev in events {
            let touch = Touch {
                actor: ev.body.actor.clone(),
                at: ev.body.at,
                seq: ev.body.seq,
            };
            match &ev.body.change {
                Change::SelfAssessed { key, version, .. }
                | Change::SurveyScored { key, version, .. }
                | Change::Appraised { key, version, .. } => {
                    if key.year != self.year {
                        continue;
                    }
                    let (Some(&u), Some(n)) = (
                        self.index.get(&key.unit),
                        self.ctx.framework.position(&key.leaf),
                    ) else {
                        continue;
                    };
                    if self.units[u].level == Level::Totals {
                        // Its items are not here: its new totals are asked for.
                        self.stale.insert(u);
                    } else {
                        let slot = &mut self.units[u].items[n];
                        let item = slot.get_or_insert_with(|| Item::new(key.clone()));
                        if *version <= item.version {
                            continue;
                        }
                        apply_to_item(item, &ev.body.change, &touch);
                    }
                    changed.items.push(key.clone());
                    changed.units.insert(key.unit.clone());
                    if !changed.actors.contains(&ev.body.actor) {
                        changed.actors.push(ev.body.actor.clone());
                    }
                }
                Change::UnitFinalized { year, unit } | Change::UnitReopened { year, unit } => {
                    if *year != self.year {
                        continue;
                    }
                    let Some(&u) = self.index.get(unit) else {
                        continue;
                    };
                    let data = &mut self.units[u];
                    if ev.body.seq <= data.unit_seq {
                        continue;
                    }
                    data.unit_seq = ev.body.seq;
                    apply_to_unit(&mut data.state, &ev.body.change, &touch);
                    changed.units.insert(unit.clone());
                }
                Change::MemberChanged { .. } => changed.members = true,
                Change::RoundChanged { year, after, .. } => {
                    if *year != self.year {
                        continue;
                    }
                    match self.rounds.iter_mut().find(|r| r.number == after.number) {
                        Some(r) => *r = after.clone(),
                        None => {
                            self.rounds.push(after.clone());
                            self.rounds.sort_by_key(|r| r.number);
                        }
                    }
                    changed.rounds = true;
                }
                Change::OfficialChanged { year, after, .. } => {
                    if *year == self.year {
                        self.official = Some(after.clone());
                        changed.official = true;
                    }
                }
                Change::AssignmentChanged {
                    year,
                    unit,
                    area,
                    after,
                    ..
                } => {
                    if *year != self.year {
                        continue;
                    }
                    self.assignments
                        .set(*year, unit, area.as_deref(), after.as_deref());
                    changed.assignments = true;
                }
                Change::AssignmentsEnforced { year, after, .. } => {
                    if *year != self.year {
                        continue;
                    }
                    self.assignments.enforced = *after;
                    changed.assignments = true;
                }
                // The workbench shows appraised years; published results of another year do
                // not change what it shows.
                Change::YearOpened { .. }
                | Change::ResultsPublished { .. }
                | Change::ResponsesImported { .. } => {}
            }
        }
        if !changed.items.is_empty() {
            let touched: Vec<usize> = changed
                .units
                .iter()
                .filter_map(|c| self.index.get(c).copied())
                .filter(|&u| self.units[u].level != Level::Totals)
                .collect();
            for u in touched {
                self.rescore(u);
            }
            self.rerank();
        }
        changed
    }

    /// Put a fresher copy of an item in the cache (after a conflict, the engine sends the current
    /// item). Older copies are ignored.
    pub fn refresh_item(&mut self, item: Item) -> bool {
        let (Some(&u), Some(n)) = (
            self.index.get(&item.key.unit),
            self.ctx.framework.position(&item.key.leaf),
        ) else {
            return false;
        };
        if item.key.year != self.year || self.units[u].level == Level::Totals {
            return false;
        }
        let slot = &mut self.units[u].items[n];
        if slot.as_ref().is_some_and(|old| old.version >= item.version) {
            return false;
        }
        *slot = Some(item);
        self.rescore(u);
        self.rerank();
        true
    }

    /// Sum unit `u`'s items again (not for a unit with only its totals: they come from the
    /// workbench).
    fn rescore(&mut self, u: usize) {
        let fw = &self.ctx.framework;
        let data = &mut self.units[u];
        data.scores = UnitScores::compute(fw, data.items.iter().flatten());
        data.any = data.items.iter().any(Option::is_some);
    }

    /// Ranks and groups of every unit, by self and by proposed index.
    fn rerank(&mut self) {
        let fw = &self.ctx.framework;
        let self_pct: Vec<i64> = self.units.iter().map(|d| d.scores.percent.self_).collect();
        let prop_pct: Vec<i64> = self
            .units
            .iter()
            .map(|d| d.scores.percent.proposed)
            .collect();
        let rs = competition_ranks(&self_pct);
        let rp = competition_ranks(&prop_pct);
        for (i, d) in self.units.iter_mut().enumerate() {
            d.rank = Both {
                self_: rs[i],
                proposed: rp[i],
            };
            d.group = Both {
                self_: fw.group_for(self_pct[i]).map(|g| g.name.clone()),
                proposed: fw.group_for(prop_pct[i]).map(|g| g.name.clone()),
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_up_loads_scores_without_texts_and_opening_a_unit_loads_them() {
        let dir = tempfile::tempdir().unwrap();
        let wb = sample::demo::build(&dir.path().join("s"), "lead", Some(3)).unwrap();
        let year = sample::demo::DEMO_YEAR;
        let full = Model::from_parts(
            wb.year(year).unwrap(),
            wb.items(year, None).unwrap(),
            wb.unit_states(year).unwrap().into_iter().collect(),
        );
        let mut m = Model::load(&wb, year).unwrap();
        assert!(!m.is_detailed(0));
        let has_text = |m: &Model, u: usize| {
            m.unit_at(u).items.iter().flatten().any(|i| {
                i.self_assessment
                    .as_ref()
                    .is_some_and(|s| !s.note.is_empty() || !s.evidence.is_empty())
            })
        };
        assert!(!has_text(&m, 0));
        assert!(!m.has_item_slots(0) && m.unit_at(0).items.is_empty());
        // The first screen is the same either way: totals, counts, statuses, ranks, groups.
        let same_totals = |m: &Model, u: usize| {
            let (a, b) = (m.unit_at(u), full.unit_at(u));
            assert_eq!(a.scores.total, b.scores.total, "unit {u}");
            assert_eq!(a.scores.percent, b.scores.percent);
            assert_eq!(
                (a.scores.reviewed, a.scores.leaves, a.scores.adjusted),
                (b.scores.reviewed, b.scores.leaves, b.scores.adjusted)
            );
            assert_eq!(
                (a.scores.open_disputes, a.scores.needs_info),
                (b.scores.open_disputes, b.scores.needs_info)
            );
            assert_eq!((a.rank, &a.group), (b.rank, &b.group));
            assert_eq!(a.has_items(), b.has_items());
            assert_eq!(a.state, b.state);
            // The areas' sums: the comparison beside the ranking.
            for (i, n) in full.fw().nodes.iter().enumerate() {
                if n.parent.is_none() {
                    assert_eq!(
                        a.scores.nodes[i], b.scores.nodes[i],
                        "unit {u} area {}",
                        n.code
                    );
                }
            }
        };
        for u in 0..m.unit_count() {
            same_totals(&m, u);
        }
        m.load_unit(&wb, 0).unwrap();
        assert!(m.is_detailed(0) && !m.is_detailed(1));
        assert!(has_text(&m, 0));
        assert_eq!(m.unit_at(0).items, full.unit_at(0).items);
        assert_eq!(m.unit_at(0).scores, full.unit_at(0).scores);
        // The queue's items: every unit's, without texts; the opened unit keeps its texts.
        m.load_summaries(&wb).unwrap();
        assert!(has_text(&m, 0) && !has_text(&m, 1));
        for u in 0..m.unit_count() {
            assert!(m.has_item_slots(u));
            assert_eq!(m.unit_at(u).scores, full.unit_at(u).scores);
            same_totals(&m, u);
        }
    }

    #[test]
    fn an_event_about_a_unit_not_opened_asks_for_its_new_totals() {
        use domain::{Command, Points};
        let dir = tempfile::tempdir().unwrap();
        let wb = sample::demo::build(&dir.path().join("s"), "lead", Some(3)).unwrap();
        let year = sample::demo::DEMO_YEAR;
        let mut m = Model::load(&wb, year).unwrap();
        // An item of a unit not opened that an appraiser can still adjust.
        let items = wb.items(year, None).unwrap();
        let item = items
            .iter()
            .find(|i| {
                i.self_score().is_some_and(|s| !s.is_zero())
                    && matches!(i.status(), domain::Status::Pending | domain::Status::Agreed)
                    && m.fw()
                        .node(&i.key.leaf)
                        .is_some_and(|n| n.method == domain::Method::Appraised)
            })
            .expect("an item to adjust")
            .clone();
        let u = m.unit_index(&item.key.unit).unwrap();
        let unit1 = &item.key.unit;
        let before = m.unit_at(u).scores.total.proposed;
        let events = wb
            .apply(Command::Adjust {
                key: item.key.clone(),
                score: Points::ZERO,
                justification: "Minh chứng chưa đủ theo hướng dẫn chấm điểm của Bộ".into(),
                expected: item.version,
            })
            .unwrap();
        let changed = m.apply_events(&events);
        assert!(changed.units.contains(unit1));
        assert!(!m.has_item_slots(u));
        assert!(m.refresh_totals(&wb).unwrap());
        assert!(!m.refresh_totals(&wb).unwrap(), "asked once");
        let fresh = Model::from_parts(
            wb.year(year).unwrap(),
            wb.items(year, None).unwrap(),
            wb.unit_states(year).unwrap().into_iter().collect(),
        );
        assert_ne!(m.unit_at(u).scores.total.proposed, before);
        for u in 0..m.unit_count() {
            assert_eq!(m.unit_at(u).scores.total, fresh.unit_at(u).scores.total);
            assert_eq!(
                m.unit_at(u).scores.adjusted,
                fresh.unit_at(u).scores.adjusted
            );
            assert_eq!(m.unit_at(u).rank, fresh.unit_at(u).rank);
        }
    }
}
