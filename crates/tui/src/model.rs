//! The TUI's cached copy of one assessment year: every unit's items, scores and state, and the
//! national ranks. Loaded once; afterwards changed only by applying committed events, so a
//! cursor move never recomputes anything (SPEC P2). An edit recomputes the touched units' scores
//! and the ranks, with the domain's own functions.
//!
//! Start-up loads only what the first screen shows (SPEC P1): every item without its texts
//! ([`Item::without_text`]), enough for totals, statuses and ranks. A unit's texts (notes,
//! evidence, justifications) are loaded when it is opened ([`Model::load_unit`]).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use api::Workbench;
use api::WorkbenchError;
use domain::YearContext;
use domain::aggregate::{Both, UnitScores, competition_ranks};
use domain::event::Change;
use domain::state::{apply_to_item, apply_to_unit};
use domain::{Event, Framework, Item, ItemKey, Round, Touch, UnitSet, UnitState};

/// One unit's data.
#[derive(Clone, Debug)]
pub struct UnitData {
    /// Indexed like `Framework::nodes`; `Some` only on leaves that have an item.
    pub items: Vec<Option<Item>>,
    pub scores: UnitScores,
    pub state: UnitState,
    /// Rank by self and by proposed index (competition ranking, the domain's tie rule).
    pub rank: Both<u32>,
    pub group: Both<Option<String>>,
    /// Sequence number of the last unit-level event applied (finalize / reopen).
    unit_seq: u64,
    /// The items carry their texts (the unit was opened), not just their scores.
    detailed: bool,
}

impl UnitData {
    /// Has the unit any item yet (a self-assessment or survey score)?
    pub fn has_items(&self) -> bool {
        self.items.iter().any(Option::is_some)
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
    /// Who made the item changes (for "X just updated 3.2.1").
    pub actors: Vec<String>,
}

impl Changed {
    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && self.units.is_empty() && !self.members && !self.rounds
    }
}

pub struct Model {
    pub year: u16,
    pub ctx: Arc<YearContext>,
    units: Vec<UnitData>,
    index: HashMap<String, usize>,
    /// The year's explanation rounds, by number.
    pub rounds: Vec<Round>,
}

impl Model {
    /// Read a year's framework, units, unit states and items without their texts.
    pub fn load(wb: &dyn Workbench, year: u16) -> Result<Model, WorkbenchError> {
        let ctx = wb.year(year)?;
        let items = wb.item_summaries(year)?;
        let states: HashMap<String, UnitState> = wb.unit_states(year)?.into_iter().collect();
        let mut m = Model::from_parts(ctx, items, states);
        for u in &mut m.units {
            u.detailed = false;
        }
        m.rounds = wb.rounds(year)?;
        Ok(m)
    }

    /// Has unit `u` its items with their texts?
    pub fn is_detailed(&self, u: usize) -> bool {
        self.units[u].detailed
    }

    /// Load the texts of unit `u`'s items (once; later changes come as events).
    pub fn load_unit(&mut self, wb: &dyn Workbench, u: usize) -> Result<(), WorkbenchError> {
        if self.units[u].detailed {
            return Ok(());
        }
        let code = self.ctx.units.units[u].code.clone();
        let mut rescore = false;
        for item in wb.items(self.year, Some(&code))? {
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
        self.units[u].detailed = true;
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
                let state = states.remove(&u.code).unwrap_or_default();
                let unit_seq = state.finalized.as_ref().map_or(0, |t| t.seq);
                UnitData {
                    items,
                    scores,
                    state,
                    rank: Both::default(),
                    group: Both::default(),
                    unit_seq,
                    detailed: true,
                }
            })
            .collect();
        let year = ctx.year;
        let mut m = Model {
            year,
            ctx,
            units,
            index,
            rounds: Vec::new(),
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
                    let slot = &mut self.units[u].items[n];
                    let item = slot.get_or_insert_with(|| Item::new(key.clone()));
                    if *version <= item.version {
                        continue;
                    }
                    apply_to_item(item, &ev.body.change, &touch);
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
                Change::YearOpened { .. } => {}
            }
        }
        if !changed.items.is_empty() {
            let touched: Vec<usize> = changed
                .units
                .iter()
                .filter_map(|c| self.index.get(c).copied())
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
        if item.key.year != self.year {
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

    fn rescore(&mut self, u: usize) {
        let fw = &self.ctx.framework;
        let data = &mut self.units[u];
        data.scores = UnitScores::compute(fw, data.items.iter().flatten());
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
        // The first screen is the same either way: totals, statuses, ranks.
        for u in 0..m.unit_count() {
            assert_eq!(m.unit_at(u).scores, full.unit_at(u).scores);
            assert_eq!(m.unit_at(u).rank, full.unit_at(u).rank);
        }
        m.load_unit(&wb, 0).unwrap();
        assert!(m.is_detailed(0) && !m.is_detailed(1));
        assert!(has_text(&m, 0));
        assert_eq!(m.unit_at(0).items, full.unit_at(0).items);
    }
}
