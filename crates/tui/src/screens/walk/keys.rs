//! Walk mode's keys: starting a walk where the appraiser left off, skipping and going back,
//! scrolling the item's text, and leaving with the tree cursor on the item.

use crate::action::Action;
use crate::app::{App, Screen};
use crate::i18n::Msg;
use crate::screens::scroll;
use crate::screens::walk::{WalkState, view};

impl App {
    pub(crate) fn start_walk(&mut self) {
        let Some(b) = &self.bench else { return };
        let resume = self.walk_resume.get(&b.unit).copied().or_else(|| {
            // First walk of this session (also after a restart or a reconnect): continue after
            // the item this appraiser last decided in this unit.
            self.model
                .unit_at(b.unit_idx)
                .items
                .iter()
                .enumerate()
                .filter_map(|(n, it)| {
                    let t = it.as_ref()?.last.as_ref()?;
                    (t.actor == self.user).then_some((t.seq, n))
                })
                .max()
                .map(|(_, n)| n + 1)
        });
        let w = WalkState::start(&self.model, b.unit_idx, resume);
        if w.total() == 0 {
            self.info(Msg::WalkNothing);
            return;
        }
        self.walk = Some(w);
        self.walk_scroll = 0;
        self.screen = Screen::Walk;
    }

    /// Leave walk mode, remembering where, with the tree cursor on the item.
    pub(crate) fn leave_walk(&mut self) {
        let Some(w) = self.walk.take() else { return };
        let unit = self.model.unit_set().units[w.unit_idx].code.clone();
        if let Some(n) = w.current() {
            self.walk_resume.insert(unit, n);
            if let Some(b) = self.bench.as_mut() {
                b.select_node(&self.model, n);
            }
        } else {
            self.walk_resume.remove(&unit);
        }
        self.screen = Screen::Bench;
    }

    /// Skip to the next item, or back to the previous one.
    pub(crate) fn walk_action(&mut self, action: Action) {
        match action {
            Action::WalkSkip => self.walk_next(),
            Action::WalkBack => {
                if let Some(w) = self.walk.as_mut() {
                    w.back();
                    self.walk_scroll = 0;
                }
            }
            _ => {}
        }
    }

    /// On to the next pending item (after skipping, or after an answer saved in walk mode).
    pub(crate) fn walk_next(&mut self) {
        if let Some(w) = self.walk.as_mut() {
            w.advance(&self.model);
            self.walk_scroll = 0;
        }
    }

    /// Up and down scroll the item's text.
    pub(crate) fn walk_move_by(&mut self, delta: isize) {
        self.walk_scroll = scroll(self.walk_scroll, delta, view::max_scroll(self));
    }
}
