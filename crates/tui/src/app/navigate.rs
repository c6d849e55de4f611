//! Moving around: which list or text a movement key or Enter goes to, how long a page is, and
//! keeping every cursor inside its window.

use super::{App, Screen};
use crate::action::Context;
use crate::dialogs::Overlay;
use crate::screens::keep_visible;
use crate::views::layout;

impl App {
    /// Rows of one page in the current list.
    pub(crate) fn page(&self, ctx: Context) -> usize {
        let l = layout::compute(self);
        match ctx {
            Context::Overview | Context::Queue => l.list_rows,
            Context::Ranking => l.ranking_rows,
            Context::Workbench if self.detail_focus => l.detail_rows,
            Context::Workbench | Context::Areas => l.list_rows,
            Context::Palette => l.palette_rows,
            _ => l.text_rows,
        }
        .max(1)
    }

    /// Move the cursor (or scroll the text) of the list the keys are in by `delta` rows.
    pub(crate) fn move_by(&mut self, ctx: Context, delta: isize) {
        match ctx {
            Context::Overview => self.overview.move_by(delta),
            Context::Ranking => self.ranking.move_by(delta),
            Context::Queue => self.queue.move_by(delta),
            Context::Workbench => self.bench_move_by(delta),
            Context::Areas => self.areas_move_by(delta),
            Context::Walk => self.walk_move_by(delta),
            Context::Palette => self.palette_move_by(delta),
            Context::History => match self.overlays.last() {
                Some(Overlay::History(_)) => self.history_move_by(delta),
                Some(Overlay::Explain(_)) => self.explain_move_by(delta),
                Some(Overlay::Sipas(_)) => self.sipas_move_by(delta),
                _ => {}
            },
            Context::Help => self.help_move_by(delta),
            _ => {}
        }
    }

    /// Enter on a row: what it opens depends on the list.
    pub(crate) fn open(&mut self, ctx: Context) {
        match ctx {
            Context::Overview => self.overview_open(),
            Context::Ranking => self.ranking_open(),
            Context::Areas => self.areas_open(),
            Context::Palette => self.palette_open(),
            Context::Queue => self.open_from_queue(),
            _ => {}
        }
    }

    /// Keep every cursor inside its window after a move or a resize.
    pub(crate) fn scroll_into_view(&mut self) {
        let l = layout::compute(self);
        self.overview.offset = keep_visible(
            self.overview.cursor,
            self.overview.offset,
            l.list_rows,
            self.overview.rows.len(),
        );
        // While the bars replace the ranking table, its window stays where it was.
        if l.ranking_rows > 0 {
            self.ranking.offset = keep_visible(
                self.ranking.cursor,
                self.ranking.offset,
                l.ranking_rows,
                self.ranking.rows.len(),
            );
        }
        if let Some(b) = self.bench.as_mut() {
            b.offset = keep_visible(b.cursor, b.offset, l.list_rows, b.rows.len());
        }
        if self.screen == Screen::Queue {
            let q = &mut self.queue;
            q.offset = keep_visible(q.cursor, q.offset, l.list_rows, q.rows.len());
        }
        if let Some(Overlay::Palette(p)) = self.overlays.last_mut() {
            p.offset = keep_visible(p.cursor, p.offset, l.palette_rows, p.hits.len());
        }
    }
}
