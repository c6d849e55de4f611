//! Year over year (`init --from-year`): last year's decisions on the open unit's criteria whose
//! text is unchanged, shown in the detail pane as references. Last year's framework is matched
//! once when the app starts and the unit's items are read once when the unit opens — never per
//! frame.

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
    /// Last year's items of that unit, by last year's leaf code.
    items: HashMap<String, Item>,
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

    /// Read last year's items of `unit` (once per unit opened).
    pub fn load_unit(&mut self, wb: &dyn Workbench, unit: &str) -> Result<(), WorkbenchError> {
        let Some(prev) = &self.prev else {
            return Ok(());
        };
        if self.unit.as_deref() == Some(unit) {
            return Ok(());
        }
        self.items.clear();
        self.unit = None;
        let items = wb.items(prev.year, Some(unit))?;
        self.items = items.into_iter().map(|i| (i.key.leaf.clone(), i)).collect();
        self.unit = Some(unit.to_string());
        Ok(())
    }

    /// Last year's decision on this year's `leaf` of `unit`, when its text is unchanged.
    pub fn get(&self, unit: &str, leaf: &str) -> Option<Reference> {
        let prev = self.prev.as_ref()?;
        if self.unit.as_deref() != Some(unit) {
            return None;
        }
        let old = prev.leaf_for(leaf)?;
        prev.reference(self.items.get(old)?)
    }
}
