//! Walk mode (SPEC W2): a guided pass through a unit's pending items one at a time, like
//! `git add -p`. The list is fixed when the walk starts; answered items stay in it (so "back"
//! can revisit them) but no longer count as remaining.

use crate::model::Model;
use domain::{Method, Status};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WalkState {
    pub unit_idx: usize,
    /// Framework node indexes of the items to walk, in tree order.
    pub list: Vec<usize>,
    /// Position in `list`; `list.len()` means the walk is through.
    pub pos: usize,
}

/// A leaf an appraiser still has to decide: appraised (not survey), self-scored, pending.
pub(crate) fn is_pending(model: &Model, unit_idx: usize, node: usize) -> bool {
    let fw = model.fw();
    fw.nodes[node].is_leaf()
        && fw.nodes[node].method == Method::Appraised
        && model.unit_at(unit_idx).items[node]
            .as_ref()
            .is_some_and(|it| it.self_assessment.is_some() && it.status() == Status::Pending)
}

impl WalkState {
    /// Start on the unit's pending items; resume at the first one at or after `resume` (the node
    /// the appraiser was on when they left).
    pub fn start(model: &Model, unit_idx: usize, resume: Option<usize>) -> WalkState {
        let list: Vec<usize> = (0..model.fw().nodes.len())
            .filter(|&n| is_pending(model, unit_idx, n))
            .collect();
        let pos = resume
            .and_then(|r| list.iter().position(|&n| n >= r))
            .unwrap_or(0);
        WalkState {
            unit_idx,
            list,
            pos,
        }
    }

    pub fn current(&self) -> Option<usize> {
        self.list.get(self.pos).copied()
    }

    pub fn total(&self) -> usize {
        self.list.len()
    }

    /// Items of the list still pending.
    pub fn remaining(&self, model: &Model) -> usize {
        self.list
            .iter()
            .filter(|&&n| is_pending(model, self.unit_idx, n))
            .count()
    }

    /// On to the next item still pending; after the last, wrap to the first one skipped; when
    /// none is left, the walk is through.
    pub fn advance(&mut self, model: &Model) {
        let n = self.list.len();
        let next = (self.pos + 1..n)
            .chain(0..self.pos.min(n))
            .find(|&p| is_pending(model, self.unit_idx, self.list[p]));
        self.pos = next.unwrap_or(n);
    }

    /// Back to the previous item of the list (answered or not).
    pub fn back(&mut self) {
        self.pos = self
            .pos
            .saturating_sub(1)
            .min(self.list.len().saturating_sub(1));
    }
}
