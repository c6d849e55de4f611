//! The queue's keys (SPEC W9): opening it, moving, its sort and filter keys, and jumping from a
//! row to the item in the workbench. The rows themselves are `state`'s.
//!
//! On the queue screen `App::selected_leaf` (and so `selected_item`) is the row under the
//! cursor, so every action that works on "the selected item" — history, recording and answering
//! an explanation, and any later one such as explaining a score — works from the queue once the
//! action lists `Context::Queue` among its contexts and `[queue]` in the keymap binds it.

use jiff::civil::Date;

use crate::action::Action;
use crate::app::{App, Screen};
use crate::screens::queue::QueueState;
use crate::screens::step;

impl QueueState {
    pub fn move_by(&mut self, delta: isize) {
        self.cursor = step(self.cursor, self.rows.len(), delta);
    }
}

impl App {
    /// Today in Vietnam by the app's clock: what "overdue" and "days left" are measured against.
    pub(crate) fn today(&self) -> Date {
        domain::round::today_in_vietnam((self.clock)())
    }

    /// Show the queue. Its rows are collected again for today's date (a session left open
    /// overnight sees what became overdue); sort, filters and the cursor's item are kept. The
    /// first time, the items of every unit are loaded (without their texts): the workbench
    /// started with each unit's totals only.
    pub(crate) fn open_queue(&mut self) {
        if let Err(e) = self.model.load_summaries(&*self.wb) {
            self.error(e.message(self.lang));
        }
        self.leave_walk();
        let today = self.today();
        self.queue.rebuild(&self.model, today);
        self.detail_focus = false;
        self.screen = Screen::Queue;
    }

    pub(crate) fn queue_action(&mut self, action: Action) {
        let (q, m) = (&mut self.queue, &self.model);
        match action {
            Action::SortNext => q.next_sort(m),
            Action::SortReverse => q.toggle_reverse(m),
            Action::FilterStatus => q.next_kind(m),
            Action::FilterArea => q.next_area(m),
            Action::FilterRegion => q.next_region(m),
            Action::FilterAppraiser => q.next_appraiser(m),
            Action::FilterMine => {
                q.mine = match q.mine {
                    Some(_) => None,
                    None => Some(self.user.clone()),
                };
                q.refresh(m);
            }
            Action::ClearFilters => q.clear_filters(m),
            _ => {}
        }
    }

    /// Enter on a row: the item in its unit's workbench, selected, with its detail shown. Esc
    /// there comes back to this row.
    pub(crate) fn open_from_queue(&mut self) {
        let Some((unit, node)) = self.queue.selected() else {
            return;
        };
        self.open_unit(unit);
        if let Some(b) = self.bench.as_mut() {
            b.area_view = false;
            b.select_node(&self.model, node);
        }
    }
}
