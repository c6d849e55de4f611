//! The overview's keys: moving, opening a unit, sorting and filtering, and the type-ahead that
//! jumps to a unit by name (typed before the keymap sees the key).

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use crate::action::{Action, Context};
use crate::app::{App, is_plain};
use crate::key::Key;
use crate::screens::overview::{OverviewState, StatusFilter};
use crate::screens::step;

/// The longest text taken at once as a name to jump to (a unit's name is far shorter).
const MAX_JUMP: usize = 100;

impl OverviewState {
    pub fn move_by(&mut self, delta: isize) {
        self.cursor = step(self.cursor, self.rows.len(), delta);
    }
}

impl App {
    /// Sorting and filtering the units.
    pub(crate) fn overview_action(&mut self, action: Action) {
        let (o, m) = (&mut self.overview, &self.model);
        match action {
            Action::FilterMine => {
                o.mine = match o.mine {
                    Some(_) => None,
                    None => Some(self.user.clone()),
                };
                o.rebuild(m);
            }
            Action::SortNext => o.next_sort(m),
            Action::SortReverse => {
                o.reverse = !o.reverse;
                o.rebuild(m);
            }
            Action::FilterRegion => o.next_region(m),
            Action::FilterStatus => o.next_status(m),
            Action::ClearFilters => {
                o.region = None;
                o.status = StatusFilter::All;
                o.mine = None;
                o.clear_type_ahead();
                o.rebuild(m);
            }
            _ => {}
        }
    }

    /// Enter: the unit's workbench.
    pub(crate) fn overview_open(&mut self) {
        if let Some(u) = self.overview.selected() {
            self.open_unit(u);
        }
    }

    /// The type-ahead, before the keymap: once started, printable keys extend it; a letter or
    /// digit that only a global binding would take starts it (so typing "quang" does not quit).
    /// True when the key was taken.
    pub(crate) fn overview_type_ahead(&mut self, key: KeyEvent) -> bool {
        if !self.overview.typeahead.is_empty() || self.overview.jumping {
            match key.code {
                KeyCode::Char(c) if is_plain(&key) => {
                    let mut b = [0u8; 4];
                    let s = c.encode_utf8(&mut b).to_string();
                    self.overview.type_ahead(&self.model, &s);
                    self.scroll_into_view();
                    return true;
                }
                KeyCode::Backspace => {
                    self.overview.type_ahead_backspace(&self.model);
                    self.scroll_into_view();
                    return true;
                }
                KeyCode::Esc => {
                    self.overview.clear_type_ahead();
                    return true;
                }
                _ => self.overview.clear_type_ahead(),
            }
        }
        let k = Key::from(key);
        if self.keys.pending().is_empty()
            && matches!(key.code, KeyCode::Char(c) if c.is_alphanumeric())
            && is_plain(&key)
            && !self.binds_in(Context::Overview, &k)
        {
            if let KeyCode::Char(c) = key.code {
                self.overview.type_ahead(&self.model, &c.to_string());
                self.scroll_into_view();
            }
            return true;
        }
        false
    }

    /// Text that arrived at once (a fast typist over a slow link, or a paste) is a name to jump
    /// to when it is one short line (a line break at its end is dropped) and starts with a letter
    /// or digit, or extends a jump already started. True when it was taken.
    pub(crate) fn overview_paste(&mut self, s: &str) -> bool {
        let clean = crate::text::clean_paste(s);
        let line = clean.trim_end_matches('\n');
        if line.contains('\n') || line.trim().is_empty() || line.chars().count() > MAX_JUMP {
            return false;
        }
        let starts_name = line.chars().next().is_some_and(char::is_alphanumeric);
        if self.overview.typeahead.is_empty() && !starts_name {
            return false;
        }
        self.overview.type_ahead(&self.model, line);
        true
    }

    /// Does `ctx` itself (not the global table) bind a sequence starting with `k`?
    fn binds_in(&self, ctx: Context, k: &Key) -> bool {
        let d = k.display();
        let prefix = format!("{d} ");
        self.keymap
            .bindings(ctx, self.lang)
            .iter()
            .any(|b| b.keys.iter().any(|s| *s == d || s.starts_with(&prefix)))
    }
}
