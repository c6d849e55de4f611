//! State of the unit workbench (SPEC W2, W3): which tree nodes are collapsed, the visible rows,
//! the cursor, the differences-only toggle and the detail pane.

use std::collections::HashSet;

use crate::model::{Model, UnitData};
use domain::Framework;

#[derive(Clone, Debug)]
pub struct BenchState {
    pub unit: String,
    /// Position of the unit in the unit set.
    pub unit_idx: usize,
    /// Framework node indexes whose children are hidden.
    pub collapsed: HashSet<usize>,
    /// Visible node indexes, in tree order.
    pub rows: Vec<usize>,
    pub cursor: usize,
    pub offset: usize,
    pub diffs_only: bool,
    pub detail_scroll: u16,
    /// The per-area comparison of self and proposed subtotals replaces the table.
    pub area_view: bool,
    /// The area under the cursor in that comparison.
    pub area_cursor: usize,
}

impl BenchState {
    pub fn new(model: &Model, unit_idx: usize) -> BenchState {
        let unit = model.unit_set().units[unit_idx].code.clone();
        let mut s = BenchState {
            unit,
            unit_idx,
            collapsed: HashSet::new(),
            rows: Vec::new(),
            cursor: 0,
            offset: 0,
            diffs_only: false,
            detail_scroll: 0,
            area_view: false,
            area_cursor: 0,
        };
        s.rebuild(model);
        s
    }

    pub fn data<'m>(&self, model: &'m Model) -> &'m UnitData {
        model.unit_at(self.unit_idx)
    }

    /// The framework node under the cursor.
    pub fn selected(&self) -> Option<usize> {
        self.rows.get(self.cursor).copied()
    }

    /// Recompute the visible rows; the cursor stays on its node if still visible, else on the
    /// nearest visible node before it.
    pub fn rebuild(&mut self, model: &Model) {
        let fw = model.fw();
        let data = self.data(model);
        let keep = self.selected();
        let relevant: Option<HashSet<usize>> = self.diffs_only.then(|| differences(fw, data));
        let mut rows = Vec::new();
        for (i, n) in fw.nodes.iter().enumerate() {
            if let Some(rel) = &relevant
                && !rel.contains(&i)
            {
                continue;
            }
            // Hidden when an ancestor is collapsed.
            let mut p = n.parent;
            let mut hidden = false;
            while let Some(k) = p {
                if self.collapsed.contains(&k) {
                    hidden = true;
                    break;
                }
                p = fw.nodes[k].parent;
            }
            if !hidden {
                rows.push(i);
            }
        }
        self.rows = rows;
        self.cursor = match keep {
            Some(k) => self
                .rows
                .iter()
                .position(|&r| r == k)
                .or_else(|| self.rows.iter().rposition(|&r| r < k))
                .unwrap_or(0),
            None => 0,
        }
        .min(self.rows.len().saturating_sub(1));
    }

    /// Collapse or expand the node under the cursor (a leaf toggles its parent).
    pub fn toggle(&mut self, model: &Model) {
        let Some(i) = self.selected() else { return };
        let fw = model.fw();
        let target = if fw.nodes[i].is_leaf() {
            match fw.nodes[i].parent {
                Some(p) => p,
                None => return,
            }
        } else {
            i
        };
        if !self.collapsed.remove(&target) {
            self.collapsed.insert(target);
        }
        self.select_node(model, target);
    }

    /// Collapse the node (or go to the parent of a leaf or a collapsed node).
    pub fn collapse(&mut self, model: &Model) {
        let Some(i) = self.selected() else { return };
        let fw = model.fw();
        if !fw.nodes[i].is_leaf() && !self.collapsed.contains(&i) {
            self.collapsed.insert(i);
            self.rebuild(model);
        } else if let Some(p) = fw.nodes[i].parent {
            self.select_node(model, p);
        }
    }

    /// Expand the node (or step onto its first child when already open).
    pub fn expand(&mut self, model: &Model) {
        let Some(i) = self.selected() else { return };
        let fw = model.fw();
        if fw.nodes[i].is_leaf() {
            return;
        }
        if self.collapsed.remove(&i) {
            self.rebuild(model);
        } else if self.cursor + 1 < self.rows.len() {
            self.cursor += 1;
        }
    }

    /// Make a node visible (expanding its ancestors) and put the cursor on it.
    pub fn select_node(&mut self, model: &Model, node: usize) {
        let fw = model.fw();
        let mut p = fw.nodes.get(node).and_then(|n| n.parent);
        while let Some(k) = p {
            self.collapsed.remove(&k);
            p = fw.nodes[k].parent;
        }
        if self.diffs_only && !differences(fw, self.data(model)).contains(&node) {
            self.diffs_only = false;
        }
        self.rebuild(model);
        if let Some(pos) = self.rows.iter().position(|&r| r == node) {
            self.cursor = pos;
        }
        self.detail_scroll = 0;
    }

    /// Move to the next appraised leaf in tree order (after an agreement, the next item to look
    /// at), opening its branch. Stays put at the last one.
    pub fn next_appraised_leaf(&mut self, model: &Model) {
        let fw = model.fw();
        let from = self.selected().map_or(0, |c| c + 1);
        let next = (from..fw.nodes.len())
            .find(|&i| fw.nodes[i].is_leaf() && fw.nodes[i].method == domain::Method::Appraised);
        if let Some(i) = next {
            self.select_node(model, i);
        }
    }

    /// Jump to the next (or previous) leaf that differs or is disputed, in tree order, like
    /// jumping between diff hunks. Returns false when there is none that way.
    pub fn jump_difference(&mut self, model: &Model, forward: bool) -> bool {
        let fw = model.fw();
        let data = self.data(model);
        let current = self.selected();
        let is_diff = |i: usize| {
            fw.nodes[i].is_leaf() && data.items[i].as_ref().is_some_and(|it| it.is_difference())
        };
        let found = if forward {
            let from = current.map_or(0, |c| c + 1);
            (from..fw.nodes.len()).find(|&i| is_diff(i))
        } else {
            let to = current.unwrap_or(0);
            (0..to).rev().find(|&i| is_diff(i))
        };
        match found {
            Some(i) => {
                self.select_node(model, i);
                true
            }
            None => false,
        }
    }

    /// Number of leaves that differ or are disputed.
    pub fn difference_count(&self, model: &Model) -> usize {
        let data = self.data(model);
        data.items
            .iter()
            .flatten()
            .filter(|it| it.is_difference())
            .count()
    }

    /// The area (top-level node) of the selected row.
    pub fn selected_area(&self, model: &Model) -> Option<usize> {
        let fw = model.fw();
        let mut i = self.selected()?;
        while let Some(p) = fw.nodes[i].parent {
            i = p;
        }
        Some(i)
    }
}

/// Leaves that differ or are disputed, and all their ancestors (the context rows of a hunk).
fn differences(fw: &Framework, data: &UnitData) -> HashSet<usize> {
    let mut out = HashSet::new();
    for (i, n) in fw.nodes.iter().enumerate() {
        if !n.is_leaf() || !data.items[i].as_ref().is_some_and(|it| it.is_difference()) {
            continue;
        }
        let mut at = Some(i);
        while let Some(k) = at {
            if !out.insert(k) {
                break;
            }
            at = fw.nodes[k].parent;
        }
    }
    out
}
