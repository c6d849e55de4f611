//! The ranking's keys: opening it on the unit being looked at, moving, opening a unit, sorting,
//! the region filter, the area bars, the what-if view, and back to the overview on the same unit.

use crate::action::Action;
use crate::app::{App, Screen};
use crate::dialogs::Overlay;
use crate::dialogs::editor::Origin;
use crate::dialogs::prompt::{PromptKind, PromptState};
use crate::screens::ranking::RankingState;
use crate::screens::step;
use crate::widgets::line_input::LineInput;

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
            Action::WhatIf => {
                if r.whatif.is_some() {
                    r.set_whatif(m, None);
                } else {
                    // The weight is asked for first; Enter turns the view on (`send_prompt`).
                    let weight = r.weight.show(self.lang);
                    let mut p = PromptState::new(PromptKind::WhatIfWeight, Origin::Bench);
                    p.input = LineInput::prefilled(&weight);
                    self.overlays.push(Overlay::Prompt(p));
                }
            }
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
