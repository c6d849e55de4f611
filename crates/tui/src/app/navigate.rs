//! Moving around: lists, pages, scrolling, units, differences, walk mode and the palette.

use super::*;

impl App {
    /// Rows of one page in the current list.
    pub(super) fn page(&self, ctx: Context) -> usize {
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

    pub(super) fn move_by(&mut self, ctx: Context, delta: isize) {
        let step = |cur: usize, len: usize| -> usize {
            if len == 0 {
                return 0;
            }
            (cur as isize)
                .saturating_add(delta)
                .clamp(0, len as isize - 1) as usize
        };
        let max = self.max_scroll(ctx) as isize;
        let scroll =
            |cur: u16| -> u16 { (cur as isize).saturating_add(delta).clamp(0, max) as u16 };
        match ctx {
            Context::Overview => {
                self.overview.cursor = step(self.overview.cursor, self.overview.rows.len());
            }
            Context::Ranking => {
                self.ranking.cursor = step(self.ranking.cursor, self.ranking.rows.len());
            }
            Context::Queue => {
                self.queue.cursor = step(self.queue.cursor, self.queue.rows.len());
            }
            Context::Workbench => {
                if let Some(b) = self.bench.as_mut() {
                    if self.detail_focus {
                        b.detail_scroll = scroll(b.detail_scroll);
                    } else {
                        b.cursor = step(b.cursor, b.rows.len());
                        b.detail_scroll = 0;
                    }
                }
            }
            Context::Areas => {
                let areas = self.model.fw().areas().count();
                if let Some(b) = self.bench.as_mut() {
                    b.area_cursor = step(b.area_cursor, areas);
                }
            }
            Context::Walk => self.walk_scroll = scroll(self.walk_scroll),
            Context::Palette => {
                if let Some(Overlay::Palette(p)) = self.overlays.last_mut() {
                    p.cursor = step(p.cursor, p.hits.len());
                }
            }
            Context::History => match self.overlays.last_mut() {
                Some(Overlay::History(h)) => h.scroll = scroll(h.scroll),
                Some(Overlay::Explain(x)) => x.scroll = scroll(x.scroll),
                _ => {}
            },
            Context::Help => {
                if let Some(Overlay::Help { scroll: s }) = self.overlays.last_mut() {
                    *s = scroll(*s);
                }
            }
            _ => {}
        }
    }

    /// How far the text of a scrolling view can scroll: its lines beyond one window.
    pub(super) fn max_scroll(&self, ctx: Context) -> u16 {
        use crate::views;
        let area = ratatui::layout::Rect::new(0, 0, self.size.width, self.size.height);
        let body = layout::frame(area).body;
        let (lines, rows) = match ctx {
            Context::Help => {
                let inner = layout::help(body).inner(ratatui::layout::Margin::new(1, 1));
                (
                    views::help::lines(self, inner.width as usize).len(),
                    inner.height,
                )
            }
            Context::History => {
                let inner = body.inner(ratatui::layout::Margin::new(1, 1));
                let n = match self.overlays.last() {
                    Some(Overlay::History(h)) => {
                        views::history::lines(self, h, inner.width as usize).len()
                    }
                    Some(Overlay::Explain(x)) => {
                        views::explain::lines(self, x, inner.width as usize).len()
                    }
                    _ => 0,
                };
                (n, inner.height)
            }
            Context::Walk => {
                let r = layout::walk_text(body);
                let n = self
                    .walk
                    .as_ref()
                    .and_then(|w| Some((w.unit_idx, w.current()?)))
                    .map_or(0, |(u, n)| {
                        views::detail::lines(self, u, n, r.width as usize).len()
                    });
                (n, r.height)
            }
            Context::Workbench => {
                let (_, pane, side) = layout::bench(body);
                let r = layout::detail_text(pane, side);
                let n = self
                    .bench
                    .as_ref()
                    .and_then(|b| Some((b.unit_idx, b.selected()?)))
                    .map_or(0, |(u, n)| {
                        views::detail::lines(self, u, n, r.width as usize).len()
                    });
                (n, r.height)
            }
            _ => (0, 0),
        };
        lines.saturating_sub(rows as usize).min(u16::MAX as usize) as u16
    }

    /// Keep every cursor inside its window after a move or a resize.
    pub(super) fn scroll_into_view(&mut self) {
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

    pub(super) fn open(&mut self, ctx: Context) {
        match ctx {
            Context::Overview => {
                if let Some(u) = self.overview.selected() {
                    self.open_unit(u);
                }
            }
            Context::Ranking => {
                if let Some(u) = self.ranking.selected() {
                    self.open_unit(u);
                }
            }
            Context::Areas => {
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
            Context::Palette => self.palette_open(),
            Context::Queue => self.open_from_queue(),
            _ => {}
        }
    }

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
        // Last year's decisions for the detail pane: read once per unit opened.
        if let Err(e) = self.references.load_unit(self.wb.as_ref(), &unit) {
            self.error(format!(
                "{}: {}",
                self.tr(Msg::ReferenceFailed),
                e.message(self.lang)
            ));
        }
    }

    /// Show the national ranking, on the unit being looked at.
    pub(super) fn open_ranking(&mut self) {
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

    /// Next or previous unit in the order of the list the workbench was opened from.
    pub(super) fn step_unit(&mut self, delta: isize) {
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

    pub(super) fn toggle_diffs(&mut self) {
        let Some(b) = self.bench.as_mut() else { return };
        b.diffs_only = !b.diffs_only;
        b.rebuild(&self.model);
        if b.diffs_only && b.difference_count(&self.model) == 0 {
            self.info(Msg::NoDifferences);
        }
    }

    pub(super) fn jump_diff(&mut self, forward: bool) {
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

    // ----- walk mode ---------------------------------------------------------------------

    pub(super) fn start_walk(&mut self) {
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
    pub(super) fn leave_walk(&mut self) {
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

    // ----- palette -----------------------------------------------------------------------

    /// With an empty query the palette lists its actions.
    pub(super) fn default_hits(&self) -> Vec<Hit> {
        let base = self.searcher.index().len() - self.palette_actions.len();
        (0..self.palette_actions.len())
            .map(|i| Hit {
                unit: None,
                criterion: None,
                action: Some(base + i),
                score: 0,
                highlights: Vec::new(),
            })
            .collect()
    }

    pub(super) fn search(&mut self) {
        let Some(Overlay::Palette(p)) = self.overlays.last_mut() else {
            return;
        };
        let q = p.input.text().to_string();
        p.hits = if q.trim().is_empty() {
            Vec::new()
        } else {
            self.searcher.search(&q, PALETTE_LIMIT)
        };
        p.cursor = 0;
        p.offset = 0;
        if q.trim().is_empty() {
            let hits = self.default_hits();
            if let Some(Overlay::Palette(p)) = self.overlays.last_mut() {
                p.hits = hits;
            }
        }
    }

    pub fn palette_index(&self) -> &SearchIndex {
        self.searcher.index()
    }

    pub(super) fn palette_open(&mut self) {
        let Some(Overlay::Palette(p)) = self.overlays.pop() else {
            return;
        };
        let Some(hit) = p.hits.get(p.cursor).cloned() else {
            return;
        };
        let index = self.searcher.index();
        let target = |i: Option<usize>, kind: EntryKind| {
            i.and_then(|i| index.entry(i))
                .filter(|e| e.kind == kind)
                .map(|e| e.target.clone())
        };
        let unit = target(hit.unit, EntryKind::Unit);
        let criterion = target(hit.criterion, EntryKind::Criterion);
        let action = target(hit.action, EntryKind::Action).and_then(|n| Action::parse(&n));
        if let Some(a) = action {
            self.dispatch(a);
            return;
        }
        let unit_idx = unit
            .and_then(|c| self.model.unit_index(&c))
            .or_else(|| self.current_unit());
        let Some(u) = unit_idx else { return };
        self.leave_walk();
        if self.bench.as_ref().is_none_or(|b| b.unit_idx != u) || self.screen != Screen::Bench {
            self.open_unit(u);
        }
        if let Some(n) = criterion.and_then(|c| self.model.fw().position(&c))
            && let Some(b) = self.bench.as_mut()
        {
            b.area_view = false;
            b.select_node(&self.model, n);
        }
    }
}
