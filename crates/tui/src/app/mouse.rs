//! The mouse (SPEC W12), as in htop and Midnight Commander: a click selects a row (a click on the
//! row already selected opens it, as Enter does; on a group of the criteria tree it folds or
//! unfolds it), a click in the workbench's tree or detail pane gives that pane the keys, the wheel
//! scrolls whatever the arrow keys move, and a click on an entry of the hint bar runs its action.
//! Everything goes through `dispatch` or the movement the keys use, so a click is refused or
//! allowed exactly as its key would be. Where things are comes from `views::layout`, as for
//! drawing.

use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use super::App;
use crate::action::{Action, Context};
use crate::views::{hintbar, layout};

/// Rows one notch of the wheel scrolls.
pub const WHEEL_ROWS: isize = 3;

impl App {
    /// One mouse report from the terminal.
    pub fn handle_mouse(&mut self, m: MouseEvent) {
        let area = Rect::new(0, 0, self.size.width, self.size.height);
        if layout::too_small(area) {
            return;
        }
        let fr = layout::frame(area);
        let ctx = self.context();
        match m.kind {
            MouseEventKind::ScrollUp => self.move_by(ctx, -WHEEL_ROWS),
            MouseEventKind::ScrollDown => self.move_by(ctx, WHEEL_ROWS),
            MouseEventKind::Down(MouseButton::Left) => {
                self.flash = None;
                let at = Position::new(m.column, m.row);
                if fr.hints.contains(at) {
                    let entry = hintbar::entry_at(self, fr.hints.width, m.column - fr.hints.x);
                    if let Some(a) = entry.and_then(|e| e.action) {
                        self.keys.clear();
                        self.dispatch(a);
                    }
                } else if self.overlays.is_empty() && fr.body.contains(at) {
                    self.click_body(fr.body, at);
                }
            }
            _ => return,
        }
        self.scroll_into_view();
    }

    /// A click in the body of the current screen (no dialog open).
    fn click_body(&mut self, body: Rect, at: Position) {
        // The row of the list under the click: lists start under their header line.
        let row_in = |r: Rect, first: u16| -> Option<usize> {
            (r.contains(at) && at.y >= r.y + first).then(|| (at.y - r.y - first) as usize)
        };
        match self.context() {
            Context::Overview => {
                if let Some(i) = row_in(body, 1) {
                    let s = &self.overview;
                    self.select_or_open(Context::Overview, s.offset + i, s.cursor, s.rows.len());
                }
            }
            Context::Queue => {
                if let Some(i) = row_in(body, 2) {
                    let q = &self.queue;
                    self.select_or_open(Context::Queue, q.offset + i, q.cursor, q.rows.len());
                }
            }
            Context::Ranking => {
                let table = crate::screens::ranking::view::parts(self, body).table;
                if table.height > 0
                    && let Some(i) = row_in(table, 1)
                {
                    let r = &self.ranking;
                    self.select_or_open(Context::Ranking, r.offset + i, r.cursor, r.rows.len());
                }
            }
            Context::Workbench => {
                let (table, detail, _) = layout::bench(body, self.split);
                if detail.contains(at) {
                    self.detail_focus = true;
                    return;
                }
                self.detail_focus = false;
                let Some(i) = row_in(table, 1) else { return };
                let Some(b) = self.bench.as_mut() else { return };
                let target = b.offset + i;
                if target >= b.rows.len() {
                    return;
                }
                if target == b.cursor {
                    let group = b
                        .selected()
                        .is_some_and(|n| !self.model.fw().nodes[n].is_leaf());
                    if group {
                        b.toggle(&self.model);
                        b.detail_scroll = 0;
                    }
                } else {
                    let delta = target as isize - b.cursor as isize;
                    self.move_by(Context::Workbench, delta);
                }
            }
            _ => {}
        }
    }

    /// Move the cursor of a list to the clicked row; a click on the selected row opens it.
    fn select_or_open(&mut self, ctx: Context, target: usize, cursor: usize, len: usize) {
        if target >= len {
            return;
        }
        if target == cursor {
            self.dispatch(Action::Open);
        } else {
            self.move_by(ctx, target as isize - cursor as isize);
        }
    }
}
