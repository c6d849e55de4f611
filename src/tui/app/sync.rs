//! What arrives without a key: committed events from others, and the timer of draft saves.

use super::*;

impl App {
    // ----- notices, drafts, time ---------------------------------------------------------

    /// Events committed by anyone reach every client (SPEC S3).
    pub fn handle_notice(&mut self, notice: Notice) {
        // Presence, connection state and resync are for the status bar (not shown yet).
        let Notice::Committed(events) = notice else {
            return;
        };
        let changed = self.model.apply_events(&events);
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

    pub(super) fn save_draft(&mut self, ed: &EditorState) {
        if ed.dirty_since.is_none() {
            return;
        }
        if let Err(e) = self.wb.put_draft(&ed.key, &ed.draft()) {
            self.error(e.message(self.lang));
        } else {
            self.info(Msg::DraftSaved);
        }
    }
}
