//! Loading "explain this score" through any workbench: the year's framework and units, the item,
//! its events and — when the year was opened `--from-year` — last year's decision on the same
//! criterion text. The CLI (`audit --unit --item`) and the TUI card both load it here.

use std::collections::HashMap;
use std::sync::Arc;

use domain::YearContext;
use domain::carry::carry_map;
use domain::lineage;
use domain::story::{Reference, Story, StoryInput, UnitRef};
use domain::units::Unit;
use domain::{Item, ItemKey};
use l10n::Lang;

use super::{HistoryQuery, Workbench, WorkbenchError};

/// A unit of last year that a unit of this year continues (`domain::lineage`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Successor {
    pub prev_year: u16,
    /// The old unit's name.
    pub old_name: String,
    /// The unit that continues it.
    pub code: String,
    pub name: String,
}

/// Why a story cannot be told.
#[derive(Debug, thiserror::Error)]
pub enum StoryError {
    #[error("{}", .0.message(Lang::En))]
    Engine(#[from] WorkbenchError),
    #[error("{}", self.message(Lang::En))]
    UnknownUnit {
        year: u16,
        unit: String,
        /// A few codes of the year, to show what a code looks like.
        examples: Vec<String>,
        count: usize,
        /// The unit of the year that continues a unit of that code of the year before (a
        /// province merged in the 2025 reorganisation).
        successor: Option<Box<Successor>>,
    },
    #[error("{}", self.message(Lang::En))]
    UnknownCriterion {
        year: u16,
        code: String,
        /// Sub-criteria under the nearest existing parent of the code.
        nearby: Vec<String>,
    },
    #[error("{}", self.message(Lang::En))]
    NotALeaf {
        year: u16,
        code: String,
        leaves: Vec<String>,
    },
}

impl StoryError {
    pub fn message(&self, lang: Lang) -> String {
        let vi = lang == Lang::Vi;
        match self {
            StoryError::Engine(e) => e.message(lang),
            StoryError::UnknownUnit {
                year,
                unit,
                examples,
                count,
                successor: Some(s),
            } => {
                let _ = (examples, count);
                let Successor {
                    prev_year,
                    old_name,
                    code,
                    name,
                } = &**s;
                if vi {
                    format!(
                        "không có đơn vị mã \"{unit}\" trong năm {year}: {old_name} ({unit}) năm {prev_year} nay thuộc {name} ({code}). Xem --unit {code}, hoặc --year {prev_year} --unit {unit} cho năm {prev_year}."
                    )
                } else {
                    format!(
                        "there is no unit \"{unit}\" in {year}: {old_name} ({unit}) of {prev_year} is now part of {name} ({code}). See --unit {code}, or --year {prev_year} --unit {unit} for {prev_year}."
                    )
                }
            }
            StoryError::UnknownUnit {
                year,
                unit,
                examples,
                count,
                successor: None,
            } => {
                let ex = examples.join(", ");
                if vi {
                    format!(
                        "không có đơn vị mã \"{unit}\" trong năm {year} ({count} đơn vị, mã như {ex}). Kiểm tra lại --unit."
                    )
                } else {
                    format!(
                        "there is no unit \"{unit}\" in {year} ({count} units, with codes like {ex}). Check --unit."
                    )
                }
            }
            StoryError::UnknownCriterion { year, code, nearby } => {
                let hint = if nearby.is_empty() {
                    lang.pick(
                        " Tiêu chí thành phần có mã dạng 3.2.1.",
                        " Sub-criteria have codes like 3.2.1.",
                    )
                    .to_string()
                } else if vi {
                    format!(" Các tiêu chí thành phần gần nhất: {}.", nearby.join(", "))
                } else {
                    format!(" The nearest sub-criteria: {}.", nearby.join(", "))
                };
                if vi {
                    format!("không có tiêu chí \"{code}\" trong bộ tiêu chí năm {year}.{hint}")
                } else {
                    format!("there is no criterion \"{code}\" in the framework of {year}.{hint}")
                }
            }
            StoryError::NotALeaf { year, code, leaves } => {
                let list = leaves.join(", ");
                if vi {
                    format!(
                        "tiêu chí \"{code}\" (năm {year}) có tiêu chí thành phần; điểm được chấm ở từng tiêu chí thành phần: {list}. Chọn một bằng --item."
                    )
                } else {
                    format!(
                        "criterion \"{code}\" ({year}) has sub-criteria; scores are given on each of them: {list}. Pick one with --item."
                    )
                }
            }
        }
    }
}

/// Check that `key` names a unit of its year and a leaf of its framework.
pub fn check_key(ctx: &YearContext, key: &ItemKey) -> Result<(), StoryError> {
    check_unit(ctx, key.year, &key.unit)?;
    check_criterion(ctx, key.year, &key.leaf)
}

/// Check that `unit` is a unit of the year.
pub fn check_unit(ctx: &YearContext, year: u16, unit: &str) -> Result<(), StoryError> {
    if ctx.units.unit(unit).is_some() {
        return Ok(());
    }
    Err(StoryError::UnknownUnit {
        year,
        unit: unit.to_string(),
        examples: ctx
            .units
            .units
            .iter()
            .take(3)
            .map(|u| u.code.clone())
            .collect(),
        count: ctx.units.units.len(),
        successor: None,
    })
}

/// [`check_unit`], naming the unit that now continues a unit of last year with that code.
pub fn check_unit_in(
    wb: &dyn Workbench,
    ctx: &YearContext,
    year: u16,
    unit: &str,
) -> Result<(), StoryError> {
    match check_unit(ctx, year, unit) {
        Err(StoryError::UnknownUnit {
            year,
            unit,
            examples,
            count,
            successor: None,
        }) => {
            let successor = match PrevYear::load(wb, ctx)? {
                Some(prev) => prev.successor(ctx, &unit).map(Box::new),
                None => None,
            };
            Err(StoryError::UnknownUnit {
                year,
                unit,
                examples,
                count,
                successor,
            })
        }
        other => other,
    }
}

/// Check that `code` is a leaf of the year's framework.
pub fn check_criterion(ctx: &YearContext, year: u16, code: &str) -> Result<(), StoryError> {
    let fw = &ctx.framework;
    match fw.node(code) {
        Some(n) if n.is_leaf() => Ok(()),
        Some(_) => Err(StoryError::NotALeaf {
            year,
            code: code.to_string(),
            leaves: fw
                .leaves_under(code)
                .iter()
                .map(|n| n.code.clone())
                .collect(),
        }),
        None => {
            // The nearest existing parent: "3.2.9" → the leaves of "3.2".
            let mut prefix = code;
            let nearby = loop {
                match prefix.rfind('.') {
                    Some(i) => prefix = &prefix[..i],
                    None => break Vec::new(),
                }
                if fw.node(prefix).is_some() {
                    break fw
                        .leaves_under(prefix)
                        .iter()
                        .take(12)
                        .map(|n| n.code.clone())
                        .collect();
                }
            };
            Err(StoryError::UnknownCriterion {
                year,
                code: code.to_string(),
                nearby,
            })
        }
    }
}

/// The story of one item.
pub fn load_story(wb: &dyn Workbench, key: &ItemKey) -> Result<Story, StoryError> {
    let ctx = wb.year(key.year)?;
    check_unit_in(wb, &ctx, key.year, &key.unit)?;
    check_criterion(&ctx, key.year, &key.leaf)?;
    let item = wb.item(key)?;
    let events = wb.history(&HistoryQuery {
        year: Some(key.year),
        unit: Some(key.unit.clone()),
        item: Some(key.leaf.clone()),
        ..HistoryQuery::default()
    })?;
    let references = match PrevYear::load(wb, &ctx)? {
        Some(prev) => prev.references_for(wb, &ctx, &key.unit, &key.leaf)?,
        None => Vec::new(),
    };
    let unit = ctx
        .units
        .unit(&key.unit)
        .ok_or_else(|| WorkbenchError::UnknownUnit {
            year: key.year,
            unit: key.unit.clone(),
        })?;
    Story::build(StoryInput {
        year: key.year,
        framework: &ctx.framework,
        leaf: &key.leaf,
        unit,
        item: item.as_ref(),
        events: &events,
        references,
    })
    .ok_or_else(|| {
        StoryError::Engine(WorkbenchError::UnknownCriterion {
            year: key.year,
            code: key.leaf.clone(),
        })
    })
}

/// The year a year was opened from (`init --from-year`): its framework and which of this year's
/// criteria have the same text there.
pub struct PrevYear {
    pub year: u16,
    ctx: Arc<YearContext>,
    /// This year's leaf code → last year's.
    map: HashMap<String, String>,
}

impl PrevYear {
    /// `None` when the year was not opened from another, or that year is not in the store.
    pub fn load(wb: &dyn Workbench, ctx: &YearContext) -> Result<Option<PrevYear>, WorkbenchError> {
        let Some(prev) = ctx.from_year else {
            return Ok(None);
        };
        if !wb.years()?.contains(&prev) {
            return Ok(None);
        }
        let pctx = wb.year(prev)?;
        let map = carry_map(&pctx.framework, &ctx.framework);
        Ok(Some(PrevYear {
            year: prev,
            ctx: pctx,
            map,
        }))
    }

    /// Last year's code of this year's leaf, when its text is unchanged.
    pub fn leaf_for(&self, leaf: &str) -> Option<&str> {
        self.map.get(leaf).map(String::as_str)
    }

    /// Last year's item as a reference (with last year's maximum).
    pub fn reference(&self, item: &Item) -> Option<Reference> {
        let max = self.ctx.framework.node(&item.key.leaf)?.max;
        Reference::from_item(item, max)
    }

    /// The unit of `this` year that continues last year's unit `old`.
    pub fn successor(&self, this: &YearContext, old: &str) -> Option<Successor> {
        let was = self.ctx.units.unit(old)?;
        let now = lineage::successor(old, &this.units, &self.ctx.units)?;
        Some(Successor {
            prev_year: self.year,
            old_name: was.name.clone(),
            code: now.code.clone(),
            name: now.name.clone(),
        })
    }

    /// The units of last year that `unit` (of `this` year) continues (`domain::lineage`).
    pub fn predecessors(&self, this: &YearContext, unit: &str) -> Vec<Unit> {
        let Some(u) = this.units.unit(unit) else {
            return Vec::new();
        };
        lineage::predecessors(u, &this.units, &self.ctx.units)
            .into_iter()
            .cloned()
            .collect()
    }

    /// Last year's references for this year's `leaf` of `unit`, from `items` (last year's item
    /// of each predecessor, by its code): one per predecessor that took a position, each naming
    /// its unit when the unit changed (a merged province).
    pub fn references_from(
        &self,
        this: &YearContext,
        unit: &str,
        leaf: &str,
        item_of: impl Fn(&str, &str) -> Option<Item>,
    ) -> Vec<Reference> {
        let Some(old) = self.leaf_for(leaf) else {
            return Vec::new();
        };
        let Some(u) = this.units.unit(unit) else {
            return Vec::new();
        };
        let preds = lineage::predecessors(u, &this.units, &self.ctx.units);
        let changed = lineage::is_changed(u, &preds);
        preds
            .iter()
            .filter_map(|p| {
                let mut r = self.reference(&item_of(&p.code, old)?)?;
                r.from = changed.then(|| UnitRef {
                    code: p.code.clone(),
                    name: p.name.clone(),
                });
                Some(r)
            })
            .collect()
    }

    /// [`PrevYear::references_from`], reading each predecessor's item from the workbench.
    pub fn references_for(
        &self,
        wb: &dyn Workbench,
        this: &YearContext,
        unit: &str,
        leaf: &str,
    ) -> Result<Vec<Reference>, WorkbenchError> {
        let Some(old) = self.leaf_for(leaf) else {
            return Ok(Vec::new());
        };
        let mut items = HashMap::new();
        for p in self.predecessors(this, unit) {
            if let Some(it) = wb.item(&ItemKey::new(self.year, p.code.clone(), old))? {
                items.insert(p.code, it);
            }
        }
        Ok(self.references_from(this, unit, leaf, |code, _| items.get(code).cloned()))
    }
}
