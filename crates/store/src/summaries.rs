//! The item summaries the store keeps for the years asked for ([`ItemSummary`]: what a list of
//! every unit shows), current with every commit. Kept compact — the leaf, scores, status and
//! version inline, the rare dispute and last change boxed — since a year of the large scale has
//! 200,000 items and they stay in the server's memory (about 100 bytes an item instead of 400
//! as `ItemSummary`s in a map).

use std::collections::BTreeMap;

use domain::aggregate::Scored;
use domain::item::{Dispute, Touch};
use domain::{Framework, Item, ItemSummary, Points, Status, UnitSummaries, UnitTotals};

/// One item's summary.
#[derive(Clone, Debug)]
struct Compact {
    leaf: Box<str>,
    self_score: Option<Points>,
    survey: Option<Points>,
    proposed: Option<Points>,
    status: Status,
    version: u64,
    dispute: Option<Box<Dispute>>,
    last: Option<Box<Touch>>,
}

impl Compact {
    fn of(item: &Item) -> Compact {
        let s = ItemSummary::of(item);
        Compact {
            leaf: s.leaf.into_boxed_str(),
            self_score: s.self_score,
            survey: s.survey,
            proposed: s.proposed,
            status: s.status,
            version: s.version,
            dispute: s.dispute.map(Box::new),
            last: s.last.map(Box::new),
        }
    }

    fn summary(&self) -> ItemSummary {
        ItemSummary {
            leaf: self.leaf.to_string(),
            self_score: self.self_score,
            survey: self.survey,
            proposed: self.proposed,
            status: self.status,
            version: self.version,
            dispute: self.dispute.as_deref().cloned(),
            last: self.last.as_deref().cloned(),
        }
    }
}

/// The same scores as the item it summarises ([`Item::self_score`], [`Item::proposed_score`]).
impl Scored for Compact {
    fn leaf(&self) -> &str {
        &self.leaf
    }
    fn self_score(&self) -> Option<Points> {
        self.survey.or(self.self_score)
    }
    fn proposed_score(&self) -> Option<Points> {
        if self.survey.is_some() {
            return self.survey;
        }
        self.proposed.or_else(|| Scored::self_score(self))
    }
    fn status(&self) -> Status {
        self.status
    }
}

/// A year's summaries: by unit, each unit's by leaf.
#[derive(Default)]
pub(crate) struct YearSummaries {
    units: BTreeMap<String, Vec<Compact>>,
}

impl YearSummaries {
    /// Set the summary of `item` (a new one, or one that changed).
    pub fn put(&mut self, item: &Item) {
        let unit = match self.units.get_mut(item.key.unit.as_str()) {
            Some(u) => u,
            None => self.units.entry(item.key.unit.clone()).or_default(),
        };
        let leaf = item.key.leaf.as_str();
        let c = Compact::of(item);
        // Items of a unit mostly come in leaf order: the last place is tried first.
        if unit.last().is_none_or(|l| &*l.leaf < leaf) {
            unit.push(c);
            return;
        }
        match unit.binary_search_by(|s| (*s.leaf).cmp(leaf)) {
            Ok(i) => unit[i] = c,
            Err(i) => unit.insert(i, c),
        }
    }

    /// Every unit's summaries, units in code order, items in leaf order.
    pub fn unit_summaries(&self) -> Vec<UnitSummaries> {
        self.units
            .iter()
            .map(|(unit, items)| UnitSummaries {
                unit: unit.clone(),
                items: items.iter().map(Compact::summary).collect(),
            })
            .collect()
    }

    /// The totals of every unit (units in code order), or of the units named, computed from the
    /// summaries in place: nothing of them is copied.
    pub fn totals(&self, fw: &Framework, units: Option<&[String]>) -> Vec<UnitTotals> {
        match units {
            None => self
                .units
                .iter()
                .map(|(unit, items)| UnitTotals::compute(fw, unit, items))
                .collect(),
            Some(names) => names
                .iter()
                .map(|unit| match self.units.get(unit.as_str()) {
                    Some(items) => UnitTotals::compute(fw, unit, items),
                    None => UnitTotals::compute::<Compact>(fw, unit, []),
                })
                .collect(),
        }
    }
}
