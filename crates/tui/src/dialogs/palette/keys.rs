//! The palette's keys: opening it on its actions, searching as the query changes, moving among
//! the hits, and Enter — run the action, or open the unit and criterion found.

use ratatui::crossterm::event::KeyEvent;

use crate::action::Action;
use crate::app::{App, Screen};
use crate::dialogs::Overlay;
use crate::dialogs::palette::PaletteState;
use crate::screens::step;
use search::fuzzy::{EntryKind, Hit};

/// Number of palette results kept.
const PALETTE_LIMIT: usize = 50;

impl App {
    pub(crate) fn open_palette(&mut self) {
        if !matches!(self.overlays.last(), Some(Overlay::Palette(_))) {
            let p = PaletteState {
                hits: self.default_hits(),
                ..PaletteState::default()
            };
            self.overlays.push(Overlay::Palette(p));
        }
    }

    /// Whether the palette offers an action to this user: one that sends a command only when
    /// the role may run it (`CommandKind::allowed_for`, the engine's rule, asked through
    /// `App::may` as the hint bar does). Asked at every search, so a role changed by a lead
    /// while the workbench is open is followed.
    fn palette_offers(&self, hit: &Hit) -> bool {
        let base = self.searcher.index().len() - self.palette_actions.len();
        let Some(i) = hit.action else { return true };
        let Some(a) = i
            .checked_sub(base)
            .and_then(|k| self.palette_actions.get(k))
        else {
            return true;
        };
        a.command().is_none_or(|k| self.may(k))
    }

    /// With an empty query the palette lists its actions (those this user may run).
    fn default_hits(&self) -> Vec<Hit> {
        let base = self.searcher.index().len() - self.palette_actions.len();
        (0..self.palette_actions.len())
            .map(|i| Hit {
                unit: None,
                criterion: None,
                action: Some(base + i),
                score: 0,
                highlights: Vec::new(),
            })
            .filter(|h| self.palette_offers(h))
            .collect()
    }

    /// A key the keymap leaves to the query; the hits follow what it changed.
    pub(crate) fn palette_text_key(&mut self, key: KeyEvent) {
        let Some(Overlay::Palette(p)) = self.overlays.last_mut() else {
            return;
        };
        if p.input.handle_key(key) {
            self.search();
        }
    }

    /// Pasted text goes into the query.
    pub(crate) fn palette_paste(&mut self, s: &str) {
        let Some(Overlay::Palette(p)) = self.overlays.last_mut() else {
            return;
        };
        p.input.insert(s);
        self.search();
    }

    fn search(&mut self) {
        let Some(Overlay::Palette(p)) = self.overlays.last_mut() else {
            return;
        };
        let q = p.input.text().to_string();
        let mut hits = if q.trim().is_empty() {
            Vec::new()
        } else {
            self.searcher.search(&q, PALETTE_LIMIT)
        };
        hits.retain(|h| self.palette_offers(h));
        let Some(Overlay::Palette(p)) = self.overlays.last_mut() else {
            return;
        };
        p.hits = hits;
        p.cursor = 0;
        p.offset = 0;
        if q.trim().is_empty() {
            let hits = self.default_hits();
            if let Some(Overlay::Palette(p)) = self.overlays.last_mut() {
                p.hits = hits;
            }
        }
    }

    pub(crate) fn palette_move_by(&mut self, delta: isize) {
        if let Some(Overlay::Palette(p)) = self.overlays.last_mut() {
            p.cursor = step(p.cursor, p.hits.len(), delta);
        }
    }

    /// Enter: run the action found, or open the unit (and select the criterion) found.
    pub(crate) fn palette_open(&mut self) {
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
