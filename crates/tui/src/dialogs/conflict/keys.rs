//! The conflict dialog's keys: re-apply mine on their version, keep theirs, or back to editing
//! (Esc) with their version as the new base.

use crate::app::App;
use crate::dialogs::Overlay;
use crate::dialogs::conflict::ConflictState;
use crate::dialogs::prompt::{PromptKind, PromptState};
use crate::i18n::Msg;
use crate::model::Changed;

impl App {
    /// Enter / y: re-apply mine — their version becomes the base, then my edit is saved on it.
    pub(crate) fn reapply_mine(&mut self) {
        let Some(Overlay::Conflict(c)) = self.overlays.pop() else {
            return;
        };
        let key = c.key.clone();
        self.reload_after_conflict(c);
        if matches!(self.overlays.last(), Some(Overlay::Editor(ed)) if ed.key == key) {
            self.save_editor();
        }
    }

    /// In the conflict dialog: keep the other person's change and drop mine (editor and draft).
    pub(crate) fn keep_theirs(&mut self) {
        let Some(Overlay::Conflict(c)) = self.overlays.last() else {
            return;
        };
        let key = c.key.clone();
        if let Some(Overlay::Conflict(c)) = self.overlays.pop() {
            self.reload_after_conflict(c);
        }
        self.overlays.retain(|o| {
            !matches!(o, Overlay::Editor(ed) if ed.key == key)
                && !matches!(o, Overlay::Form(f) if *f.key() == key)
        });
        let _ = self.wb.delete_draft(&key);
        self.drafts.remove(&key);
        self.info(Msg::KeptTheirs);
    }

    /// Take the other person's version as the base: the cache gets it and an open editor on
    /// the item now saves over that version (the user has seen it).
    pub(crate) fn reload_after_conflict(&mut self, c: ConflictState) {
        let version = c.current.version;
        let key = c.key.clone();
        if self.model.refresh_item(*c.current) {
            let changed = Changed {
                items: vec![key.clone()],
                units: [key.unit.clone()].into_iter().collect(),
                ..Changed::default()
            };
            self.after_change(&changed);
        }
        for o in &mut self.overlays {
            match o {
                Overlay::Editor(ed) if ed.key == key => ed.expected = version,
                Overlay::Form(f) if *f.key() == key => f.set_expected(version),
                Overlay::Prompt(PromptState {
                    kind: PromptKind::RequestEvidence { key: k, expected },
                    ..
                }) if *k == key => *expected = version,
                _ => {}
            }
        }
        self.info(Msg::Reloaded);
    }
}
