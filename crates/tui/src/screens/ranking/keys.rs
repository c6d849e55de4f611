//! The ranking's keys: opening it on the unit being looked at, moving, opening a unit, sorting,
//! the region filter, the area bars, and back to the overview on the same unit.

use crate::action::Action;
use crate::app::{App, Screen};
use crate::screens::ranking::RankingState;
use crate::screens::step;

impl RankingState {
    pub fn move_by(&mut self, delta: isize) {
        self.cursor = step(self.cursor, self.rows.len(), delta);
    }
}

impl App {
    /// Show the national ranking, on the unit being looked at.
    pub(crate) fn open_ranking(&mut self) {
        if !self.overlays.is_empty() {
            return;
        }
        let current = self.current_unit();
        self.leave_walk();
        if let Some(u) = current {
            self.ranking.select_unit(u);
        }
        self.screen = Screen::Ranking;
    }

    /// Sorting, the region filter and the area bars.
    pub(crate) fn ranking_action(&mut self, action: Action) {
        let (r, m) = (&mut self.ranking, &self.model);
        match action {
            Action::AreaBars => r.bars_toggled = !r.bars_toggled,
            Action::SortNext => r.next_sort(m),
            Action::SortReverse => r.toggle_reverse(m),
            Action::FilterRegion => r.next_region(m),
            Action::ClearFilters => r.clear_filters(m),
            _ => {}
        }
    }

    /// Enter: the unit's workbench.
    pub(crate) fn ranking_open(&mut self) {
        if let Some(u) = self.ranking.selected() {
            self.open_unit(u);
        }
    }

    /// Esc: the overview, on the same unit.
    pub(crate) fn ranking_back(&mut self) {
        if let Some(u) = self.ranking.selected() {
            self.overview.select_unit(u);
        }
        self.screen = Screen::Overview;
    }
}
