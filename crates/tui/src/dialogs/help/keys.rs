//! The help screen's keys: the help key opens and closes it; the movement keys scroll it; what
//! is typed filters it (Backspace takes the last character back).

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use crate::app::{App, is_plain};
use crate::dialogs::Overlay;
use crate::dialogs::help::view;
use crate::screens::scroll;

impl App {
    pub(crate) fn toggle_help(&mut self) {
        if matches!(self.overlays.last(), Some(Overlay::Help { .. })) {
            self.overlays.pop();
        } else {
            self.overlays.push(Overlay::Help {
                scroll: 0,
                filter: String::new(),
            });
        }
    }

    pub(crate) fn help_move_by(&mut self, delta: isize) {
        let max = view::max_scroll(self);
        if let Some(Overlay::Help { scroll: s, .. }) = self.overlays.last_mut() {
            *s = scroll(*s, delta, max);
        }
    }

    /// A key the keymap leaves to the text: a character filters, Backspace unfilters.
    pub(crate) fn help_text_key(&mut self, key: KeyEvent) {
        let Some(Overlay::Help { scroll, filter }) = self.overlays.last_mut() else {
            return;
        };
        match key.code {
            KeyCode::Char(c) if is_plain(&key) && !c.is_control() => filter.push(c),
            KeyCode::Backspace => {
                filter.pop();
            }
            _ => return,
        }
        *scroll = 0;
    }

    /// Pasted text filters too, on one line.
    pub(crate) fn help_filter_paste(&mut self, s: &str) {
        if let Some(Overlay::Help { scroll, filter }) = self.overlays.last_mut() {
            filter.extend(s.chars().map(|c| if c.is_control() { ' ' } else { c }));
            *scroll = 0;
        }
    }
}
