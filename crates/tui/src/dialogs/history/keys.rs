//! The history's keys: opening it on the selected item (its events are read through the
//! workbench once, when it opens) and scrolling it.

use crate::app::App;
use crate::dialogs::Overlay;
use crate::dialogs::history::{HistoryState, view};
use crate::i18n::Msg;
use crate::screens::scroll;
use api::HistoryQuery;

impl App {
    /// The timeline of the selected item.
    pub(crate) fn open_history(&mut self) {
        let Some((key, _, _)) = self.selected_item() else {
            self.info(Msg::NothingSelected);
            return;
        };
        let q = HistoryQuery {
            year: Some(key.year),
            unit: Some(key.unit.clone()),
            item: Some(key.leaf.clone()),
            ..HistoryQuery::default()
        };
        let h = match self.wb.history(&q) {
            Ok(events) => HistoryState::new(key, &events),
            Err(e) => HistoryState::failed(key, e.message(self.lang)),
        };
        self.overlays.push(Overlay::History(h));
    }

    pub(crate) fn history_move_by(&mut self, delta: isize) {
        let max = match self.overlays.last() {
            Some(Overlay::History(h)) => view::max_scroll(self, h),
            _ => return,
        };
        if let Some(Overlay::History(h)) = self.overlays.last_mut() {
            h.scroll = scroll(h.scroll, delta, max);
        }
    }
}
