//! The selected item and unit, whichever screen shows them; running a command and refreshing
//! what depends on its events; refusals; and the commands that need no dialog (agree, undo).
//! The commands sent from a dialog are in that dialog's `keys.rs`.

use super::{App, Screen};
use crate::dialogs::Overlay;
use crate::dialogs::conflict::ConflictState;
use crate::i18n::Msg;
use crate::model::Changed;
use crate::screens::walk::state::is_pending;
use api::WorkbenchError;
use domain::{Command, Event as DomainEvent, Item, ItemKey};

impl App {
    // ----- the selected item -------------------------------------------------------------

    /// The leaf the current screen is about: the walk's item, or the tree row under the cursor.
    pub fn selected_leaf(&self) -> Option<(usize, usize)> {
        match self.screen {
            Screen::Walk => {
                let w = self.walk.as_ref()?;
                Some((w.unit_idx, w.current()?))
            }
            Screen::Bench => {
                let b = self.bench.as_ref()?;
                let n = b.selected()?;
                self.model.fw().nodes[n]
                    .is_leaf()
                    .then_some((b.unit_idx, n))
            }
            // Every row of the queue is a leaf with an item: the workbench's item keys (history,
            // disputes) act on it.
            Screen::Queue => self.queue.selected(),
            Screen::Overview | Screen::Ranking => None,
        }
    }

    pub(crate) fn selected_item(&self) -> Option<(ItemKey, Option<&Item>, usize)> {
        let (u, n) = self.selected_leaf()?;
        let key = ItemKey::new(
            self.model.year,
            self.model.unit_set().units[u].code.clone(),
            self.model.fw().nodes[n].code.clone(),
        );
        let item = self.model.unit_at(u).items.get(n).and_then(Option::as_ref);
        Some((key, item, n))
    }

    /// On a group row of the workbench, put the cursor on the group's first pending item (else
    /// its first item that is appraised, not surveyed), so that the editor or the request opens
    /// there: refusing would leave the justification typed next to run as commands.
    pub(crate) fn onto_item_for_typing(&mut self) {
        if self.screen != Screen::Bench || self.role.is_none_or(|r| !r.can_write()) {
            return;
        }
        let Some(b) = self.bench.as_ref() else { return };
        let Some(group) = b.selected() else { return };
        let fw = self.model.fw();
        if fw.nodes[group].is_leaf() {
            return;
        }
        let under = |i: usize| {
            let mut p = fw.nodes[i].parent;
            while let Some(k) = p {
                if k == group {
                    return true;
                }
                p = fw.nodes[k].parent;
            }
            false
        };
        let leaves: Vec<usize> = (0..fw.nodes.len())
            .filter(|&i| fw.nodes[i].is_leaf() && under(i))
            .collect();
        let target = leaves
            .iter()
            .copied()
            .find(|&i| is_pending(&self.model, b.unit_idx, i))
            .or_else(|| {
                leaves
                    .iter()
                    .copied()
                    .find(|&i| fw.nodes[i].method == domain::Method::Appraised)
            });
        if let (Some(t), Some(b)) = (target, self.bench.as_mut()) {
            b.select_node(&self.model, t);
        }
    }

    /// The selected item if it can be appraised here, else a message saying why not.
    pub(crate) fn appraisable(&mut self) -> Option<(ItemKey, u64, usize)> {
        if self.role.is_none_or(|r| !r.can_write()) {
            self.info(Msg::ReadOnly);
            return None;
        }
        let Some((key, item, n)) = self.selected_item() else {
            self.info(Msg::NothingSelected);
            return None;
        };
        if !self.model.fw().nodes[n].method.takes_decisions() {
            self.info(Msg::SurveyNotEditable);
            return None;
        }
        let version = item.map_or(0, |i| i.version);
        Some((key, version, n))
    }

    // ----- commands ----------------------------------------------------------------------

    /// Run a command; on success apply its events to the cache at once (the notice that
    /// follows is then recognised as already applied).
    pub(crate) fn run(&mut self, cmd: Command) -> Result<Vec<DomainEvent>, WorkbenchError> {
        let warning = self.assignment_warning(&cmd);
        let events = self.wb.apply(cmd)?;
        self.assign_warning = warning;
        let changed = self.model.apply_events(&events);
        self.refresh_totals();
        self.after_change(&changed);
        Ok(events)
    }

    /// Ask for the new totals of the units whose items are not loaded and that events changed
    /// (their items come when they are opened).
    pub(crate) fn refresh_totals(&mut self) {
        if let Err(e) = self.model.refresh_totals(&*self.wb) {
            self.error(e.message(self.lang));
        }
    }

    /// Refresh what depends on the data after events were applied.
    pub(crate) fn after_change(&mut self, changed: &Changed) {
        if changed.members
            && let Ok(r) = self.wb.role()
        {
            self.role = r;
        }
        if changed.assignments {
            // The progress per appraiser needs the items of a unit with an area assigned.
            if let Err(e) = self.model.load_area_assigned(&*self.wb) {
                self.error(e.message(self.lang));
            }
            // Marks and the "mine" filters follow the assignments.
            self.overview.rebuild(&self.model);
            self.queue.refresh(&self.model);
        }
        if changed.units.is_empty() && !changed.rounds {
            return;
        }
        if !changed.units.is_empty() {
            self.overview.rebuild(&self.model);
            // Scores changed: the ranking's order and averages follow (ranks are the model's).
            self.ranking.rebuild(&self.model);
            if let Some(b) = self.bench.as_mut() {
                b.rebuild(&self.model);
            }
        }
        // Items or rounds changed: the queue's rows are collected again (a cursor move never
        // does this).
        let today = self.today();
        self.queue.rebuild(&self.model, today);
    }

    /// Show an engine refusal: a conflict opens the conflict dialog, anything else a message.
    pub(crate) fn refused(&mut self, e: WorkbenchError) {
        match e {
            WorkbenchError::Conflict { key, current, .. } => {
                let mine = self.overlays.iter().rev().find_map(|o| match o {
                    Overlay::Editor(ed) if ed.key == key => {
                        Some((ed.score.text().to_string(), ed.text.lines().join("\n")))
                    }
                    _ => None,
                });
                self.overlays
                    .push(Overlay::Conflict(ConflictState { key, current, mine }));
            }
            other => self.error(other.message(self.lang)),
        }
    }

    pub(crate) fn agree(&mut self) {
        let Some((key, expected, _)) = self.appraisable() else {
            return;
        };
        match self.run(Command::Agree {
            key: key.clone(),
            expected,
        }) {
            Ok(_) => {
                let _ = self.wb.delete_draft(&key);
                self.drafts.remove(&key);
                self.saved();
                if self.screen == Screen::Walk {
                    self.walk_next();
                } else if self.screen == Screen::Bench
                    && let Some(b) = self.bench.as_mut()
                {
                    // Agreeing is the quick path through a unit: on to the next item.
                    b.next_appraised_leaf(&self.model);
                }
            }
            Err(e) => self.refused(e),
        }
    }

    pub(crate) fn saved(&mut self) {
        let text = format!("{} {}", self.theme.marks.saved, self.tr(Msg::Saved));
        match self.assign_warning.take() {
            // Done, but on someone else's item: said where the eye is (the engine would have
            // refused it if the year enforced its assignments).
            Some(w) => {
                self.flash = Some(super::Flash {
                    text: format!("{text} · {w}"),
                    kind: super::FlashKind::Info,
                });
            }
            None => self.ok(text),
        }
    }

    /// The warning a decision on someone else's item deserves, by the domain's rule
    /// (`Assignments::other_assignee`) on the assignments the model holds.
    fn assignment_warning(&self, cmd: &Command) -> Option<String> {
        let a = &self.model.assignments;
        if a.list.is_empty() {
            return None;
        }
        let (unit, leaf) = match cmd {
            Command::Agree { key, .. }
            | Command::Adjust { key, .. }
            | Command::RequestEvidence { key, .. }
            | Command::RecordDispute { key, .. }
            | Command::ResolveDispute { key, .. }
            | Command::Escalate { key, .. }
            | Command::CouncilDecide { key, .. } => (key.unit.as_str(), key.leaf.as_str()),
            Command::BulkAgree { unit, area, .. } => (unit.as_str(), area.as_str()),
            _ => return None,
        };
        let area = self.model.fw().area_of(leaf)?;
        a.other_assignee(&self.user, self.role, unit, &area.code)
            .map(|x| domain::assignment::assigned_to_message(x, self.lang))
    }

    pub(crate) fn undo(&mut self) {
        self.undo_or_redo(false);
    }

    pub(crate) fn redo(&mut self) {
        self.undo_or_redo(true);
    }

    /// Undo (or redo) within the open unit, then follow the item it changed and say what it
    /// did: "Hoàn tác: 1.3.1 Kon Tum — Đồng ý → Chờ thẩm định".
    fn undo_or_redo(&mut self, redo: bool) {
        if self.role.is_none_or(|r| !r.can_write()) {
            self.info(Msg::ReadOnly);
            return;
        }
        let Some(unit) = self.bench.as_ref().map(|b| b.unit.clone()) else {
            return;
        };
        let year = self.model.year;
        let command = if redo {
            Command::Redo { year, unit }
        } else {
            Command::UndoIn { year, unit }
        };
        match self.run(command) {
            Ok(events) => {
                let changed = events.iter().find_map(|e| match &e.body.change {
                    domain::Change::Appraised {
                        key, before, after, ..
                    } => Some((key.clone(), before.status, after.status)),
                    _ => None,
                });
                let Some((key, from, to)) = changed else {
                    return;
                };
                self.follow(&key);
                let name = self
                    .model
                    .unit_set()
                    .units
                    .iter()
                    .find(|u| u.code == key.unit)
                    .map(|u| crate::text::escape_line(&u.name).into_owned())
                    .unwrap_or_default();
                let what = if redo { Msg::Redone } else { Msg::Undone };
                let text = format!(
                    "{}: {} {name} — {} → {}",
                    self.tr(what),
                    key.leaf,
                    from.label(self.lang),
                    to.label(self.lang)
                );
                self.ok(text);
            }
            Err(e) => self.refused(e),
        }
    }

    /// Put the workbench cursor on an item of the open unit.
    pub(crate) fn follow(&mut self, key: &ItemKey) {
        let Some(n) = self.model.fw().position(&key.leaf) else {
            return;
        };
        if let Some(b) = self.bench.as_mut()
            && b.unit == key.unit
            && self.screen == Screen::Bench
        {
            b.select_node(&self.model, n);
        }
    }

    /// The unit the current screen is about.
    pub(crate) fn current_unit(&self) -> Option<usize> {
        match self.screen {
            Screen::Overview => self.overview.selected(),
            Screen::Ranking => self.ranking.selected(),
            Screen::Bench => self.bench.as_ref().map(|b| b.unit_idx),
            Screen::Walk => self.walk.as_ref().map(|w| w.unit_idx),
            Screen::Queue => self.queue.selected().map(|(u, _)| u),
        }
    }
}
