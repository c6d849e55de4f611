//! Loading "explain this score" through any workbench: the year's framework and units, the item,
//! its events and — when the year was opened `--from-year` — last year's decision on the same
//! criterion text. The CLI (`audit --unit --item`) and the TUI card both load it here.

use std::collections::HashMap;
use std::sync::Arc;

use domain::YearContext;
use domain::carry::carry_map;
use domain::story::{Reference, Story, StoryInput};
use domain::{Item, ItemKey};
use l10n::Lang;

use super::{HistoryQuery, Workbench, WorkbenchError};

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
    })
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
    check_key(&ctx, key)?;
    let item = wb.item(key)?;
    let events = wb.history(&HistoryQuery {
        year: Some(key.year),
        unit: Some(key.unit.clone()),
        item: Some(key.leaf.clone()),
        ..HistoryQuery::default()
    })?;
    let reference = match PrevYear::load(wb, &ctx)? {
        Some(prev) => match prev.leaf_for(&key.leaf) {
            Some(old) => wb
                .item(&ItemKey::new(prev.year, key.unit.clone(), old))?
                .and_then(|it| prev.reference(&it)),
            None => None,
        },
        None => None,
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
        reference,
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
}
