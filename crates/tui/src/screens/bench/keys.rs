//! The workbench's keys: opening a unit, moving in the tree or scrolling the detail pane, opening
//! and closing branches, the next or previous unit, differences, the areas compared, and back to
//! the list the unit was opened from.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use crate::action::Action;
use crate::app::{App, Screen, is_plain};
use crate::i18n::Msg;
use crate::model::Model;
use crate::screens::bench::{BenchState, detail};
use crate::screens::{scroll, step};
use crate::views::layout;

impl App {
    /// Show a unit's workbench (loading its texts the first time). Esc goes back to the list it
    /// was opened from (the overview, the ranking or the queue — a row, or the palette over it);
    /// from another unit, where that one went.
    pub fn open_unit(&mut self, unit_idx: usize) {
        if let Err(e) = self.model.load_unit(&*self.wb, unit_idx) {
            self.error(e.message(self.lang));
        }
        let keep = self
            .bench
            .as_ref()
            .map(|b| (b.diffs_only, b.collapsed.clone()));
        let mut b = BenchState::new(&self.model, unit_idx);
        if let Some((diffs, collapsed)) = keep {
            b.diffs_only = diffs;
            b.collapsed = collapsed;
            b.rebuild(&self.model);
        }
        let unit = b.unit.clone();
        self.bench = Some(b);
        self.detail_focus = false;
        if matches!(
            self.screen,
            Screen::Overview | Screen::Ranking | Screen::Queue
        ) {
            self.bench_return = self.screen;
        }
        self.screen = Screen::Bench;
        self.overview.select_unit(unit_idx);
        self.ranking.select_unit(unit_idx);
        self.load_drafts(&unit);
        // Last year's decisions for the detail pane: read once per unit opened.
        if let Err(e) = self
            .references
            .load_unit(self.wb.as_ref(), &self.model.ctx, &unit)
        {
            self.error(format!(
                "{}: {}",
                self.tr(Msg::ReferenceFailed),
                e.message(self.lang)
            ));
        }
    }

    /// The workbench's own actions. They act on the open unit's workbench, also when chosen in
    /// the palette over another screen.
    pub(crate) fn bench_action(&mut self, action: Action) {
        match action {
            Action::Expand => self.with_bench(|b, m| b.expand(m)),
            Action::Collapse => self.with_bench(|b, m| b.collapse(m)),
            Action::SwitchPane if self.screen == Screen::Bench => {
                self.detail_focus = !self.detail_focus;
            }
            Action::DetailGrow => self.resize_detail(1),
            Action::DetailShrink => self.resize_detail(-1),
            Action::NextUnit => self.step_unit(1),
            Action::PrevUnit => self.step_unit(-1),
            Action::ToggleDiffs => self.toggle_diffs(),
            Action::NextDiff => self.jump_diff(true),
            Action::PrevDiff => self.jump_diff(false),
            Action::AreaBars => {
                if let Some(b) = self.bench.as_mut() {
                    b.area_view = !b.area_view;
                    self.detail_focus = false;
                }
            }
            Action::Walk => self.start_walk(),
            Action::BulkAgreeArea => self.ask_bulk_agree(),
            _ => {}
        }
    }

    /// Which of the unit's items have this user's draft (one question per appraised item; a
    /// failed read leaves the item unmarked: the mark is a help, the draft itself is safe).
    fn load_drafts(&mut self, unit: &str) {
        if self.role.is_none_or(|r| !r.can_write()) {
            return;
        }
        let year = self.model.year;
        self.drafts.retain(|k| k.unit != unit || k.year != year);
        let leaves: Vec<String> = self
            .model
            .fw()
            .nodes
            .iter()
            .filter(|n| n.is_leaf() && n.method == domain::Method::Appraised)
            .map(|n| n.code.clone())
            .collect();
        for leaf in leaves {
            let key = domain::ItemKey::new(year, unit.to_string(), leaf);
            if let Ok(Some(_)) = self.wb.draft(&key) {
                self.drafts.insert(key);
            }
        }
    }

    /// Move the split between the tree and the detail pane by `dir` steps (two columns side by
    /// side, a row stacked); kept for the session. The text keeps its place when it still can.
    fn resize_detail(&mut self, dir: i16) {
        let body = layout::body(self);
        let before = layout::bench(body, self.split);
        self.split = layout::clamp_split(body, self.split.saturating_add(dir));
        if layout::bench(body, self.split) == before {
            self.info(if dir > 0 {
                Msg::DetailLargest
            } else {
                Msg::DetailSmallest
            });
        }
        let max = detail::max_scroll(self);
        if let Some(b) = self.bench.as_mut() {
            b.detail_scroll = b.detail_scroll.min(max);
        }
        self.scroll_into_view();
    }

    /// Up and down: the tree's cursor, or the detail pane's text when it has the focus.
    pub(crate) fn bench_move_by(&mut self, delta: isize) {
        let max = detail::max_scroll(self);
        if let Some(b) = self.bench.as_mut() {
            if self.detail_focus {
                b.detail_scroll = scroll(b.detail_scroll, delta, max);
            } else {
                b.cursor = step(b.cursor, b.rows.len(), delta);
                b.detail_scroll = 0;
            }
        }
    }

    /// Up and down in the areas compared.
    pub(crate) fn areas_move_by(&mut self, delta: isize) {
        let areas = self.model.fw().areas().count();
        if let Some(b) = self.bench.as_mut() {
            b.area_cursor = step(b.area_cursor, areas, delta);
        }
    }

    /// Enter on an area: back to the tree, on that area.
    pub(crate) fn areas_open(&mut self) {
        let Some(b) = self.bench.as_mut() else { return };
        let area = self
            .model
            .fw()
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.parent.is_none())
            .nth(b.area_cursor)
            .map(|(i, _)| i);
        if let Some(a) = area {
            b.area_view = false;
            b.select_node(&self.model, a);
        }
    }

    /// Enter and Space open or close a branch of the tree when the keymap does not give them
    /// another meaning.
    pub(crate) fn bench_unbound_key(&mut self, key: KeyEvent) {
        if matches!(key.code, KeyCode::Enter | KeyCode::Char(' ')) && is_plain(&key) {
            self.with_bench(|b, m| b.toggle(m));
        }
    }

    /// Esc: out of the detail pane, out of the areas compared, else back to the list the unit
    /// was opened from.
    pub(crate) fn bench_back(&mut self) {
        if self.detail_focus {
            self.detail_focus = false;
        } else if let Some(b) = self.bench.as_mut().filter(|b| b.area_view) {
            b.area_view = false;
        } else if self.bench_return == Screen::Queue {
            // Back to the queue, on the same row with the same sort and filters.
            self.screen = Screen::Queue;
        } else {
            self.screen = self.bench_return;
            if let Some(b) = &self.bench {
                self.overview.select_unit(b.unit_idx);
                self.ranking.select_unit(b.unit_idx);
            }
        }
    }

    /// Next or previous unit in the order of the list the workbench was opened from.
    fn step_unit(&mut self, delta: isize) {
        let Some(b) = &self.bench else { return };
        let rows = match self.bench_return {
            Screen::Ranking => &self.ranking.rows,
            _ => &self.overview.rows,
        };
        if rows.is_empty() {
            return;
        }
        let pos = rows.iter().position(|&u| u == b.unit_idx).unwrap_or(0) as isize;
        let next = (pos + delta).rem_euclid(rows.len() as isize) as usize;
        let unit = rows[next];
        self.open_unit(unit);
    }

    fn toggle_diffs(&mut self) {
        let Some(b) = self.bench.as_mut() else { return };
        b.diffs_only = !b.diffs_only;
        b.rebuild(&self.model);
        if b.diffs_only && b.difference_count(&self.model) == 0 {
            self.info(Msg::NoDifferences);
        }
    }

    fn jump_diff(&mut self, forward: bool) {
        let Some(b) = self.bench.as_mut() else { return };
        b.area_view = false;
        if !b.jump_difference(&self.model, forward) {
            let m = if b.difference_count(&self.model) == 0 {
                Msg::NoDifferences
            } else {
                Msg::NoMoreDifferences
            };
            self.info(m);
        }
    }

    fn with_bench(&mut self, f: impl FnOnce(&mut BenchState, &Model)) {
        if let Some(b) = self.bench.as_mut() {
            f(b, &self.model);
            b.detail_scroll = 0;
        }
    }
}
