//! The "explain this score" card's keys: opening it (the story is loaded through the workbench
//! once, when the card opens — from the workbench, walk mode or the audit queue) and scrolling.

use crate::app::App;
use crate::dialogs::Overlay;
use crate::dialogs::explain::{ExplainState, view};
use crate::i18n::Msg;
use crate::screens::scroll;
use api::story::load_story;

impl App {
    /// The card for the selected item.
    pub(crate) fn open_explain(&mut self) {
        let Some((key, _, _)) = self.selected_item() else {
            self.info(Msg::NothingSelected);
            return;
        };
        let state = match load_story(self.wb.as_ref(), &key) {
            Ok(story) => ExplainState::new(key, story),
            Err(e) => ExplainState::failed(key, e.message(self.lang)),
        };
        self.overlays.push(Overlay::Explain(Box::new(state)));
    }

    pub(crate) fn explain_move_by(&mut self, delta: isize) {
        let max = match self.overlays.last() {
            Some(Overlay::Explain(x)) => view::max_scroll(self, x),
            _ => return,
        };
        if let Some(Overlay::Explain(x)) = self.overlays.last_mut() {
            x.scroll = scroll(x.scroll, delta, max);
        }
    }
}
