//! The assign dialog's keys: opening it on the province under the cursor (leads only) and
//! sending the assignment, with the engine's refusal in place.

use crate::app::App;
use crate::dialogs::Overlay;
use crate::dialogs::assign::AssignState;
use crate::i18n::Msg;
use domain::{Command, CommandKind};

impl App {
    /// `P` in the list of provinces: assign the selected one (a lead's command).
    pub(crate) fn open_assign(&mut self) {
        if !self.may(CommandKind::Assign) {
            self.info(Msg::LeadOnly);
            return;
        }
        let Some(u) = self.overview.selected() else {
            self.info(Msg::NothingSelected);
            return;
        };
        let members = match self.wb.members() {
            Ok(m) => m,
            Err(e) => {
                self.error(e.message(self.lang));
                return;
            }
        };
        let unit = &self.model.unit_set().units[u];
        let state = AssignState::new(
            self.model.year,
            &unit.code,
            &unit.name,
            self.model.fw(),
            &members,
            &self.model.assignments,
        );
        self.overlays.push(Overlay::Assign(Box::new(state)));
    }

    /// Enter / F2: send the assignment; a refusal stays in the dialog.
    pub(crate) fn submit_assign(&mut self) {
        let Some(Overlay::Assign(s)) = self.overlays.last() else {
            return;
        };
        let cmd = Command::Assign {
            year: s.year,
            unit: s.unit.clone(),
            area: s.area_code().map(str::to_string),
            to: s.user_name().map(str::to_string),
        };
        match self.run(cmd) {
            Ok(_) => {
                self.overlays.pop();
                self.saved();
            }
            Err(e) => {
                let msg = e.message(self.lang);
                if let Some(Overlay::Assign(s)) = self.overlays.last_mut() {
                    s.error = Some(msg);
                }
            }
        }
    }
}
