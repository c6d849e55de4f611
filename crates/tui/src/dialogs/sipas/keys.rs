//! Opening the SIPAS card and choosing a unit in it.

use crate::app::App;
use crate::dialogs::Overlay;
use crate::dialogs::sipas::SipasState;
use crate::screens::step;

impl App {
    /// Open the card on the unit being looked at.
    pub(crate) fn open_sipas(&mut self) {
        let year = self.model.year;
        let units = &self.model.ctx.units;
        let unit = self
            .current_unit()
            .and_then(|i| units.units.get(i))
            .map(|u| u.code.clone());
        let state = match self.wb.responses(year) {
            Ok(batches) => SipasState::new(year, units, &batches, unit.as_deref()),
            Err(e) => SipasState::failed(year, e.message(self.lang)),
        };
        self.overlays.push(Overlay::Sipas(Box::new(state)));
    }

    pub(crate) fn sipas_move_by(&mut self, delta: isize) {
        if let Some(Overlay::Sipas(s)) = self.overlays.last_mut() {
            s.cursor = step(s.cursor, s.order.len(), delta);
        }
    }
}
