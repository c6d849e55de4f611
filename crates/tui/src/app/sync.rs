//! What arrives without a key: committed events from others, and the timer of draft saves.

use std::time::Instant;

use super::{App, Flash, FlashKind, Screen};
use crate::dialogs::Overlay;
use crate::dialogs::editor::EditorState;
use crate::i18n::{self, Msg};
use crate::model::Model;
use api::{ConnectionState, Notice};
use domain::{Event as DomainEvent, ItemKey};

impl App {
    // ----- notices, drafts, time ---------------------------------------------------------

    /// Events committed by anyone reach every client (SPEC S3).
    pub fn handle_notice(&mut self, notice: Notice) {
        match notice {
            Notice::Committed(events) => self.committed(&events),
            Notice::Presence(list) => {
                let me = self.wb.session();
                self.presence = list
                    .into_iter()
                    .filter(|p| me.is_none_or(|s| s != p.session))
                    .collect();
            }
            Notice::Connection(state) => {
                let back = !matches!(self.connection, ConnectionState::Connected)
                    && matches!(state, ConnectionState::Connected);
                self.connection = state;
                if back {
                    // A new server knows nothing of us yet: say where we are again.
                    self.sent_presence = None;
                    self.sync_presence();
                    self.info(Msg::Reconnected);
                }
            }
            Notice::Resync => self.reload(),
        }
    }

    /// Too much was missed to catch up event by event: load the year again.
    fn reload(&mut self) {
        match Model::load(&*self.wb, self.model.year) {
            Ok(m) => {
                let all_items = self.model.wants_all_items();
                self.model = m;
                if let Some(u) = self.bench.as_ref().map(|b| b.unit_idx)
                    && let Err(e) = self.model.load_unit(&*self.wb, u)
                {
                    self.error(e.message(self.lang));
                }
                // The queue was shown: it lists items of every unit.
                if all_items && let Err(e) = self.model.load_summaries(&*self.wb) {
                    self.error(e.message(self.lang));
                }
                self.overview.rebuild(&self.model);
                self.ranking.rebuild(&self.model);
                if let Some(b) = self.bench.as_mut() {
                    b.rebuild(&self.model);
                }
                let today = self.today();
                self.queue.rebuild(&self.model, today);
            }
            Err(e) => self.error(e.message(self.lang)),
        }
    }

    /// Tell the others which unit this session is on and which item it edits, when that
    /// changed since the last time (called once per batch of input).
    pub fn sync_presence(&mut self) {
        let unit = match self.screen {
            Screen::Bench | Screen::Walk => self
                .bench
                .as_ref()
                .map(|b| (self.model.year, b.unit.clone())),
            Screen::Overview | Screen::Ranking | Screen::Queue => None,
        };
        let editing = self.overlays.iter().rev().find_map(|o| match o {
            Overlay::Editor(ed) => Some(ed.key.clone()),
            Overlay::Form(f) => Some(f.key().clone()),
            _ => None,
        });
        let now = (unit, editing);
        if self.sent_presence.as_ref() != Some(&now) {
            // Presence is a courtesy: a failure shows as the connection state, not here.
            let _ = self.wb.set_presence(now.0.clone(), now.1.clone());
            self.sent_presence = Some(now);
        }
    }

    /// Other sessions on a unit (user names, each once).
    pub fn others_on_unit(&self, unit: &str) -> Vec<&str> {
        let mut users: Vec<&str> = self
            .presence
            .iter()
            .filter(|p| {
                p.unit
                    .as_ref()
                    .is_some_and(|(y, u)| *y == self.model.year && u == unit)
            })
            .map(|p| p.user.as_str())
            .collect();
        users.sort_unstable();
        users.dedup();
        users
    }

    /// Who else is editing this item, if anyone.
    pub fn others_editing(&self, key: &ItemKey) -> Vec<&str> {
        self.presence
            .iter()
            .filter(|p| p.editing.as_ref() == Some(key))
            .map(|p| p.user.as_str())
            .collect()
    }

    fn committed(&mut self, events: &[DomainEvent]) {
        let changed = self.model.apply_events(events);
        self.refresh_totals();
        if changed.is_empty() {
            return;
        }
        self.after_change(&changed);
        // Tell the user when someone else changed the item they are looking at.
        let others: Vec<&DomainEvent> = events
            .iter()
            .filter(|e| e.body.actor != self.user)
            .collect();
        if let Some((key, _, _)) = self.selected_item()
            && let Some(ev) = others
                .iter()
                .find(|e| e.body.change.item_key() == Some(&key))
        {
            let text = i18n::item_changed_by_other(self.lang, &ev.body.actor, &key.leaf);
            self.flash = Some(Flash {
                text,
                kind: FlashKind::Info,
            });
        }
    }

    /// The next moment something must happen without input (a draft save), if any.
    pub fn deadline(&self) -> Option<Instant> {
        self.overlays.iter().find_map(|o| match o {
            Overlay::Editor(ed) => ed.draft_deadline(),
            _ => None,
        })
    }

    /// Time passed: save drafts that are due.
    pub fn tick(&mut self, now: Instant) {
        let due = self
            .overlays
            .iter()
            .any(|o| matches!(o, Overlay::Editor(ed) if ed.draft_due(now)));
        if due {
            self.save_drafts_now();
        }
    }

    /// Write every unsaved draft now (on a timer, on quit and on SIGHUP).
    pub fn save_drafts_now(&mut self) {
        let mut result = Ok(());
        let mut saved_at = None;
        for o in &self.overlays {
            if let Overlay::Editor(ed) = o
                && ed.dirty_since.is_some()
            {
                let draft = ed.draft();
                saved_at = Some(draft.updated);
                result = result.and(self.wb.put_draft(&ed.key, &draft));
            }
        }
        match result {
            Ok(()) => {
                for o in &self.overlays {
                    if let Overlay::Editor(ed) = o
                        && ed.dirty_since.is_some()
                    {
                        self.drafts.insert(ed.key.clone());
                    }
                }
                if let Some(at) = saved_at {
                    for o in &mut self.overlays {
                        if let Overlay::Editor(ed) = o {
                            ed.mark_draft_saved(at);
                        }
                    }
                }
            }
            Err(e) => self.error(e.message(self.lang)),
        }
    }

    pub(crate) fn save_draft(&mut self, ed: &EditorState) {
        if ed.dirty_since.is_none() {
            return;
        }
        if let Err(e) = self.wb.put_draft(&ed.key, &ed.draft()) {
            self.error(e.message(self.lang));
        } else {
            self.drafts.insert(ed.key.clone());
            self.info(Msg::DraftSaved);
        }
    }
}
