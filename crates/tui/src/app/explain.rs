//! Opening the "explain this score" card: the story is loaded through the workbench once, when
//! the card opens (the workbench, walk mode and the audit queue open it).

use super::*;
use crate::state::explain::ExplainState;
use api::story::load_story;

impl App {
    /// The card for the selected item.
    pub(super) fn open_explain(&mut self) {
        let Some((key, _, _)) = self.selected_item() else {
            self.info(Msg::NothingSelected);
            return;
        };
        self.open_explain_for(key);
    }

    /// The card for any item of the year (the audit queue opens it on its rows).
    pub fn open_explain_for(&mut self, key: ItemKey) {
        let state = match load_story(self.wb.as_ref(), &key) {
            Ok(story) => ExplainState::new(key, story),
            Err(e) => ExplainState::failed(key, e.message(self.lang)),
        };
        self.overlays.push(Overlay::Explain(Box::new(state)));
    }
}
