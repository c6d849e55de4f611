//! The yes/no questions' keys: asking (bulk agree on an area, finalize a unit) and, on yes,
//! sending the command the question holds.

use crate::app::App;
use crate::dialogs::Overlay;
use crate::dialogs::confirm::ConfirmState;
use crate::i18n::{self, Msg};
use domain::{Command, CommandKind, Method, Status};

impl App {
    /// Finalize the unit being looked at: ask first (leads only).
    pub(crate) fn ask_finalize(&mut self) {
        let Some(u) = self.current_unit() else { return };
        if !self.may(CommandKind::Finalize) {
            self.info(Msg::LeadOnly);
            return;
        }
        let unit = &self.model.unit_set().units[u];
        self.overlays.push(Overlay::Confirm(ConfirmState::Finalize {
            year: self.model.year,
            unit: unit.code.clone(),
            name: unit.name.clone(),
        }));
    }

    /// Bulk agree: list the area's pending items with the versions seen, then ask.
    pub(crate) fn ask_bulk_agree(&mut self) {
        if self.role.is_none_or(|r| !r.can_write()) {
            self.info(Msg::ReadOnly);
            return;
        }
        let Some(b) = &self.bench else { return };
        let Some(area) = b.selected_area(&self.model) else {
            return;
        };
        let fw = self.model.fw();
        let area_node = &fw.nodes[area];
        let data = self.model.unit_at(b.unit_idx);
        let items: Vec<(String, u64)> = fw
            .leaves_under(&area_node.code)
            .into_iter()
            .filter(|n| n.method == Method::Appraised)
            .filter_map(|n| {
                let i = data.items[fw.position(&n.code)?].as_ref()?;
                (i.status() == Status::Pending && i.self_assessment.is_some())
                    .then(|| (n.code.clone(), i.version))
            })
            .collect();
        if items.is_empty() {
            self.info(Msg::NoPendingInArea);
            return;
        }
        self.overlays
            .push(Overlay::Confirm(ConfirmState::BulkAgree {
                year: self.model.year,
                unit: b.unit.clone(),
                area: area_node.code.clone(),
                area_name: area_node.name.clone(),
                items,
            }));
    }

    /// Enter / y in a yes-no question: send what it asked about.
    pub(crate) fn confirm(&mut self) {
        match self.overlays.pop() {
            Some(Overlay::Confirm(ConfirmState::BulkAgree {
                year,
                unit,
                area,
                items,
                ..
            })) => {
                let n = items.len();
                match self.run(Command::BulkAgree {
                    year,
                    unit,
                    area,
                    items,
                }) {
                    Ok(_) => {
                        let text = format!(
                            "{} {}",
                            self.theme.marks.saved,
                            i18n::bulk_agreed(self.lang, n)
                        );
                        self.ok(text);
                    }
                    Err(e) => self.refused(e),
                }
            }
            Some(Overlay::Confirm(ConfirmState::Finalize { year, unit, .. })) => {
                match self.run(Command::Finalize { year, unit }) {
                    Ok(_) => self.saved(),
                    Err(e) => self.refused(e),
                }
            }
            // The score stays: save the editor under the question as it is.
            Some(Overlay::Confirm(ConfirmState::KeepAgreedScore { .. })) => {
                if let Some(Overlay::Editor(ed)) = self.overlays.last_mut() {
                    ed.score_kept = true;
                }
                self.save_editor();
            }
            Some(other) => self.overlays.push(other),
            None => {}
        }
    }
}
