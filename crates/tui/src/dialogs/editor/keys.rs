//! The editor's keys: opening it on the selected item (from its draft if there is one), typing
//! and Tab between the fields, and saving the adjusted score with its justification.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use crate::app::{App, Screen};
use crate::dialogs::Overlay;
use crate::dialogs::confirm::ConfirmState;
use crate::dialogs::editor::{EditorState, Field, Origin};
use crate::i18n;
use api::WorkbenchError;
use domain::{Command, Points};

impl EditorState {
    /// A key the keymap leaves to the text: Tab and Shift-Tab switch fields, the rest is typed.
    pub fn text_key(&mut self, key: KeyEvent) {
        if matches!(key.code, KeyCode::Tab | KeyCode::BackTab) {
            self.switch_field();
        } else {
            self.input(key);
        }
    }
}

impl App {
    /// The editor on the selected item (on a group row: the group's first pending item),
    /// focused on `focus`: its draft if there is one, else its current score and justification.
    pub(crate) fn open_editor(&mut self, focus: Field) {
        self.onto_item_for_typing();
        let Some((key, expected, n)) = self.appraisable() else {
            return;
        };
        let node = &self.model.fw().nodes[n];
        let (max, step) = (node.max, node.score_step(self.model.fw().step));
        let item = self.model.item(&key.unit, &key.leaf).cloned();
        let origin = if self.screen == Screen::Walk {
            Origin::Walk
        } else {
            Origin::Bench
        };
        let mut ed = match self.wb.draft(&key) {
            Ok(Some(d)) => {
                EditorState::new(key, expected, max, step, &d.score, &d.text, origin, true)
            }
            other => {
                if let Err(e) = other {
                    self.error(e.message(self.lang));
                }
                let score = item
                    .as_ref()
                    .and_then(|i| i.appraisal.proposed.or_else(|| i.self_score()))
                    .map(|p| p.show(self.lang))
                    .unwrap_or_default();
                let text = item
                    .as_ref()
                    .map_or("", |i| i.appraisal.justification.as_str());
                EditorState::new(key, expected, max, step, &score, text, origin, false)
            }
        };
        ed.focus = focus;
        self.overlays.push(Overlay::Editor(Box::new(ed)));
    }

    /// F2: send the adjusted score with its justification; a refusal stays in the editor.
    pub(crate) fn save_editor(&mut self) {
        let Some(Overlay::Editor(ed)) = self.overlays.last_mut() else {
            return;
        };
        let score = match Points::parse(ed.score.text()) {
            Ok(p) => p,
            Err(e) => {
                ed.error = Some(i18n::points_error(self.lang, &e));
                ed.focus = Field::Score;
                return;
            }
        };
        // An agreed item whose text changed while its score stayed: ask whether the score
        // stays (the rule is the domain's); "no" goes back to the score field.
        let text = ed.justification();
        if !ed.score_kept
            && self
                .model
                .item(&ed.key.unit, &ed.key.leaf)
                .is_some_and(|it| it.text_edit_asks_score(score, &text))
        {
            ed.focus = Field::Score;
            let (leaf, score) = (ed.key.leaf.clone(), score.show(self.lang));
            self.overlays
                .push(Overlay::Confirm(ConfirmState::KeepAgreedScore {
                    leaf,
                    score,
                }));
            return;
        }
        ed.score_kept = false;
        let cmd = Command::Adjust {
            key: ed.key.clone(),
            score,
            justification: text,
            expected: ed.expected,
        };
        let key = ed.key.clone();
        let origin = ed.origin;
        match self.run(cmd) {
            Ok(_) => {
                self.overlays.pop();
                self.drafts.remove(&key);
                if let Err(e) = self.wb.delete_draft(&key) {
                    self.error(e.message(self.lang));
                } else {
                    self.saved();
                }
                if origin == Origin::Walk {
                    self.walk_next();
                }
            }
            Err(e) if e.is_conflict() => self.refused(e),
            Err(e) => {
                let msg = e.message(self.lang);
                if let Some(Overlay::Editor(ed)) = self.overlays.last_mut() {
                    if matches!(e, WorkbenchError::JustificationRequired { .. }) {
                        ed.focus = Field::Text;
                    }
                    ed.error = Some(msg);
                }
            }
        }
    }
}
