//! The help screen's keys: the help key opens and closes it; the movement keys scroll it.

use crate::app::App;
use crate::dialogs::Overlay;
use crate::dialogs::help::view;
use crate::screens::scroll;

impl App {
    pub(crate) fn toggle_help(&mut self) {
        if matches!(self.overlays.last(), Some(Overlay::Help { .. })) {
            self.overlays.pop();
        } else {
            self.overlays.push(Overlay::Help { scroll: 0 });
        }
    }

    pub(crate) fn help_move_by(&mut self, delta: isize) {
        let max = view::max_scroll(self);
        if let Some(Overlay::Help { scroll: s }) = self.overlays.last_mut() {
            *s = scroll(*s, delta, max);
        }
    }
}
