//! The prompts' keys: asking for an evidence request or the reason to reopen a unit, typing, and
//! sending the command.

use crate::app::{App, Screen};
use crate::dialogs::Overlay;
use crate::dialogs::editor::Origin;
use crate::dialogs::prompt::{PromptKind, PromptState};
use crate::i18n::Msg;
use domain::whatif::Weight;
use domain::{Command, CommandKind};

impl App {
    /// Ask what evidence the unit must add for the selected item (on a group row: the group's
    /// first pending item).
    pub(crate) fn open_request(&mut self) {
        self.onto_item_for_typing();
        let Some((key, expected, _)) = self.appraisable() else {
            return;
        };
        let origin = if self.screen == Screen::Walk {
            Origin::Walk
        } else {
            Origin::Bench
        };
        self.overlays.push(Overlay::Prompt(PromptState::new(
            PromptKind::RequestEvidence { key, expected },
            origin,
        )));
    }

    /// Ask why the unit being looked at is reopened (leads only).
    pub(crate) fn open_reopen(&mut self) {
        let Some(u) = self.current_unit() else { return };
        if !self.may(CommandKind::Reopen) {
            self.info(Msg::LeadOnly);
            return;
        }
        let unit = self.model.unit_set().units[u].code.clone();
        self.overlays.push(Overlay::Prompt(PromptState::new(
            PromptKind::Reopen {
                year: self.model.year,
                unit,
            },
            Origin::Bench,
        )));
    }

    /// The what-if weight typed: the view turns on, or the prompt says what is wrong with it.
    fn start_whatif(&mut self, typed: &str) {
        match Weight::parse(typed) {
            Ok(w) => {
                self.overlays.pop();
                self.ranking.set_whatif(&self.model, Some(w));
            }
            Err(e) => {
                let msg = e.message(self.lang);
                if let Some(Overlay::Prompt(p)) = self.overlays.last_mut() {
                    p.error = Some(msg);
                }
            }
        }
    }

    /// F2 / Enter: send the command with the text typed; a refusal stays in the prompt.
    pub(crate) fn send_prompt(&mut self) {
        let Some(Overlay::Prompt(p)) = self.overlays.last() else {
            return;
        };
        let text = p.value();
        let origin = p.origin;
        if p.kind == PromptKind::WhatIfWeight {
            return self.start_whatif(&text);
        }
        let cmd = match &p.kind {
            PromptKind::WhatIfWeight => return,
            PromptKind::RequestEvidence { key, expected } => Command::RequestEvidence {
                key: key.clone(),
                request: text,
                expected: *expected,
            },
            PromptKind::Reopen { year, unit } => Command::Reopen {
                year: *year,
                unit: unit.clone(),
                reason: text,
            },
        };
        match self.run(cmd) {
            Ok(_) => {
                self.overlays.pop();
                self.saved();
                if origin == Origin::Walk && self.screen == Screen::Walk {
                    self.walk_next();
                }
            }
            Err(e) if e.is_conflict() => self.refused(e),
            Err(e) => {
                let msg = e.message(self.lang);
                if let Some(Overlay::Prompt(p)) = self.overlays.last_mut() {
                    p.error = Some(msg);
                }
            }
        }
    }
}
