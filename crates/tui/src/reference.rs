//! Year over year (`init --from-year`): last year's decisions on the open unit's criteria whose
//! text is unchanged, shown in the detail pane as references — one per unit of last year the unit
//! continues (a merged province has several; `domain::lineage`). Last year's framework is matched
//! once when the app starts and the predecessors' items are read once when the unit opens — never
//! per frame.

use std::collections::HashMap;

use api::Workbench;
use api::WorkbenchError;
use api::story::PrevYear;
use domain::Item;
use domain::YearContext;
use domain::story::Reference;

#[derive(Default)]
pub struct References {
    prev: Option<PrevYear>,
    /// The unit whose items are loaded.
    unit: Option<String>,
    /// Last year's items of its predecessors, by (unit code, last year's leaf code).
    items: HashMap<(String, String), Item>,
}

impl References {
    /// Match last year's framework, if the year was opened from one.
    pub fn new(wb: &dyn Workbench, ctx: &YearContext) -> Result<References, WorkbenchError> {
        Ok(References {
            prev: PrevYear::load(wb, ctx)?,
            unit: None,
            items: HashMap::new(),
        })
    }

    /// The year references come from, if any.
    pub fn year(&self) -> Option<u16> {
        self.prev.as_ref().map(|p| p.year)
    }

    /// Read last year's items of the predecessors of `unit` (once per unit opened).
    pub fn load_unit(
        &mut self,
        wb: &dyn Workbench,
        ctx: &YearContext,
        unit: &str,
    ) -> Result<(), WorkbenchError> {
        let Some(prev) = &self.prev else {
            return Ok(());
        };
        if self.unit.as_deref() == Some(unit) {
            return Ok(());
        }
        self.items.clear();
        self.unit = None;
        for p in prev.predecessors(ctx, unit) {
            for i in wb.items(prev.year, Some(&p.code))? {
                self.items
                    .insert((i.key.unit.clone(), i.key.leaf.clone()), i);
            }
        }
        self.unit = Some(unit.to_string());
        Ok(())
    }

    /// Last year's decisions on this year's `leaf` of `unit`, when its text is unchanged: one
    /// per predecessor that took a position.
    pub fn get(&self, ctx: &YearContext, unit: &str, leaf: &str) -> Vec<Reference> {
        let Some(prev) = self.prev.as_ref() else {
            return Vec::new();
        };
        if self.unit.as_deref() != Some(unit) {
            return Vec::new();
        }
        prev.references_from(ctx, unit, leaf, |code, old| {
            self.items
                .get(&(code.to_string(), old.to_string()))
                .cloned()
        })
    }
}
