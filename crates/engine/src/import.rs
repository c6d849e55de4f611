//! Imports: the self-assessments or survey points of many items in one command (SPEC I2, I3).
//!
//! An import's rows may come in pieces (`Engine::import`, `Engine::plan_import`: a client
//! streams them to the server) or all at once (`Command::ImportSelf`, `Command::ImportSurvey`):
//! either way each row goes through [`Importer`], the one place the import's rules are, and
//! the events it makes are committed together — or, in a dry run, returned — so a dry run shows
//! exactly what the import does.

use std::collections::HashMap;
use std::sync::Arc;

use domain::limits::{EVIDENCE_ENTRIES, TextField};
use domain::{
    Appraisal, Change, Evidence, ImportKind, ImportRows, Item, ItemKey, Method, Points,
    SelfAssessment, SelfRow, Status, SurveyRow, UnitState, YearContext,
};
use store::{Store, StoreError, Txn};

use super::appraisal::{check_score, leaf_in, push_appraisal};
use super::{Ctx, OrStore, WorkbenchError, limited_owned, of_item};

/// What an import reads of the state: the store, or the commit it is being written in (which
/// sees the state before the commit).
pub(crate) trait ReadState {
    fn unit_items(&self, year: u16, unit: &str) -> Result<Vec<Item>, StoreError>;
    fn unit_state(&self, year: u16, unit: &str) -> Result<UnitState, StoreError>;
}

impl ReadState for Store {
    fn unit_items(&self, year: u16, unit: &str) -> Result<Vec<Item>, StoreError> {
        self.items(year, Some(unit))
    }

    fn unit_state(&self, year: u16, unit: &str) -> Result<UnitState, StoreError> {
        Store::unit_state(self, year, unit)
    }
}

impl ReadState for Txn<'_, '_> {
    fn unit_items(&self, year: u16, unit: &str) -> Result<Vec<Item>, StoreError> {
        self.items(year, unit)
    }

    fn unit_state(&self, year: u16, unit: &str) -> Result<UnitState, StoreError> {
        Txn::unit_state(self, year, unit)
    }
}

/// The unit an import is working through: its items, read once, and whether it is open.
/// Rows usually come unit by unit; rows in any order are still right, only slower.
struct ImportUnit {
    unit: String,
    items: HashMap<String, Item>,
}

/// An import in progress: the rows seen so far (a repeated row is skipped) and the unit being
/// worked through.
pub(crate) struct Importer {
    year: u16,
    kind: ImportKind,
    /// The year's framework and units, read at the first row.
    y: Option<Arc<YearContext>>,
    /// Every item a row was taken for: a bit per (unit, framework node) of the year.
    seen: Vec<u64>,
    unit: Option<ImportUnit>,
}

impl Importer {
    pub fn new(year: u16, kind: ImportKind) -> Importer {
        Importer {
            year,
            kind,
            y: None,
            seen: Vec::new(),
            unit: None,
        }
    }

    /// Check a piece of rows and add the events they make to `ctx`.
    pub fn rows(
        &mut self,
        ctx: &mut Ctx,
        read: &dyn ReadState,
        rows: ImportRows,
    ) -> Result<(), WorkbenchError> {
        match (self.kind, rows) {
            (ImportKind::SelfScores, ImportRows::SelfScores(rows)) => rows
                .into_iter()
                .try_for_each(|r| self.self_row(ctx, read, r)),
            (ImportKind::Survey, ImportRows::Survey(rows)) => rows
                .into_iter()
                .try_for_each(|r| self.survey_row(ctx, read, r)),
            (kind, _) => Err(WorkbenchError::Unavailable {
                vi: format!(
                    "một lệnh nhập {} nhận được dòng của loại khác; không có gì được ghi",
                    kind.command().name()
                ),
                en: format!(
                    "an {} import was sent rows of another kind; nothing was written",
                    kind.command().name()
                ),
            }),
        }
    }

    fn year_context(&mut self, ctx: &Ctx) -> Result<Arc<YearContext>, WorkbenchError> {
        if let Some(y) = &self.y {
            return Ok(y.clone());
        }
        let y = ctx.engine.year(self.year)?;
        let bits = y.units.units.len() * y.framework.nodes.len();
        self.seen = vec![0; bits.div_ceil(64)];
        self.y = Some(y.clone());
        Ok(y)
    }

    /// Whether the row of `key` (a known unit and leaf of the year) is the first of its item:
    /// a repeated row is skipped.
    fn first_of(&mut self, y: &YearContext, key: &ItemKey) -> bool {
        let (Some(unit), Some(leaf)) =
            (y.units.position(&key.unit), y.framework.position(&key.leaf))
        else {
            return true;
        };
        let bit = unit * y.framework.nodes.len() + leaf;
        let Some(word) = self.seen.get_mut(bit / 64) else {
            return true;
        };
        let mask = 1u64 << (bit % 64);
        let first = *word & mask == 0;
        *word |= mask;
        first
    }

    /// The current item of `key` (a new one if it has none), after checking its unit is open.
    fn item(&mut self, read: &dyn ReadState, key: &ItemKey) -> Result<Item, WorkbenchError> {
        if self.unit.as_ref().is_none_or(|u| u.unit != key.unit) {
            if let Some(t) = read.unit_state(key.year, &key.unit).or_store()?.finalized {
                return Err(WorkbenchError::Finalized {
                    year: key.year,
                    unit: key.unit.clone(),
                    by: t.actor,
                });
            }
            let items = read
                .unit_items(key.year, &key.unit)
                .or_store()?
                .into_iter()
                .map(|i| (i.key.leaf.clone(), i))
                .collect();
            self.unit = Some(ImportUnit {
                unit: key.unit.clone(),
                items,
            });
        }
        // Each item is taken once (a repeated row is skipped before its item is used).
        Ok(self
            .unit
            .as_mut()
            .and_then(|u| u.items.remove(key.leaf.as_str()))
            .unwrap_or_else(|| Item::new(key.clone())))
    }

    fn self_row(
        &mut self,
        ctx: &mut Ctx,
        read: &dyn ReadState,
        row: SelfRow,
    ) -> Result<(), WorkbenchError> {
        let y = self.year_context(ctx)?;
        let key = ItemKey::new(self.year, row.unit, row.leaf);
        let (max, method) = leaf_in(&y, &key)?;
        if method == Method::Survey {
            return Err(WorkbenchError::SurveyNotEditable { key });
        }
        check_score(&y, &key, row.score, max)?;
        // The texts are checked on every row, a repeated one too: the importer names row and
        // column first, this is the last line of defence (SPEC S5).
        let after = self_assessment(&key, row.score, row.note, row.evidence)?;
        if !self.first_of(&y, &key) {
            return Ok(());
        }
        let item = self.item(read, &key)?;
        if item.self_assessment.as_ref() == Some(&after) {
            return Ok(());
        }
        let score_changed = item.self_assessment.as_ref().map(|s| s.score) != Some(after.score);
        // An agreement was with the old self score: it no longer holds, so the item goes back to
        // pending for a fresh look. Adjustments and disputes stand (their Δ simply changes).
        let reset = (score_changed && item.status() == Status::Agreed).then(|| {
            let mut reset = item.clone();
            reset.version += 1;
            reset
        });
        ctx.push(
            Change::SelfAssessed {
                key,
                version: item.version + 1,
                before: item.self_assessment,
                after,
            },
            String::new(),
        );
        if let Some(reset) = reset {
            push_appraisal(
                ctx,
                &reset,
                Appraisal::default(),
                "self score re-imported".to_string(),
            );
        }
        Ok(())
    }

    fn survey_row(
        &mut self,
        ctx: &mut Ctx,
        read: &dyn ReadState,
        row: SurveyRow,
    ) -> Result<(), WorkbenchError> {
        let y = self.year_context(ctx)?;
        let key = ItemKey::new(self.year, row.unit, row.leaf);
        let (max, method) = leaf_in(&y, &key)?;
        if method != Method::Survey {
            return Err(WorkbenchError::NotSurvey { key });
        }
        check_score(&y, &key, row.score, max)?;
        if !self.first_of(&y, &key) {
            return Ok(());
        }
        let item = self.item(read, &key)?;
        if item.survey == Some(row.score) {
            return Ok(());
        }
        ctx.push(
            Change::SurveyScored {
                key,
                version: item.version + 1,
                before: item.survey,
                after: row.score,
            },
            String::new(),
        );
        Ok(())
    }
}

/// An imported row's self-assessment, its texts cleaned and each within its limit.
fn self_assessment(
    key: &ItemKey,
    score: Points,
    note: String,
    evidence: Vec<Evidence>,
) -> Result<SelfAssessment, WorkbenchError> {
    if evidence.len() > EVIDENCE_ENTRIES {
        return Err(WorkbenchError::TooManyEvidence {
            key: key.clone(),
            count: evidence.len(),
            limit: EVIDENCE_ENTRIES,
        });
    }
    let short = |text: String, field: TextField| limited_owned(text, field, of_item(key));
    Ok(SelfAssessment {
        score,
        note: limited_owned(note, TextField::Note, of_item(key))?,
        evidence: evidence
            .into_iter()
            .map(|e| {
                Ok(Evidence {
                    number: short(e.number, TextField::EvidenceNumber)?,
                    title: short(e.title, TextField::EvidenceTitle)?,
                    date: short(e.date, TextField::EvidenceDate)?,
                    link: short(e.link, TextField::EvidenceLink)?,
                })
            })
            .collect::<Result<_, WorkbenchError>>()?,
    })
}
