//! The demo store (SPEC I6): the bundled framework, the 63 provinces, deterministic sample
//! self-assessments and survey points, and some appraisals and disputes already recorded by a
//! few appraisers, so a newcomer sees a realistic session at once.

use std::path::Path;

use crate::api::{LocalWorkbench, Workbench};
use crate::bundled;
use crate::domain::{Command, ItemKey, Role};
use crate::engine::EngineError;
use crate::sample::{self, SampleDecisionKind, SampleOptions};
use crate::store::{Store, StoreError};

/// The year the demo appraises: the last year of the 63 provinces.
pub const DEMO_YEAR: u16 = 2024;
pub const DEMO_SEED: u64 = 2024;

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Engine(#[from] EngineError),
    #[error("no bundled framework or units for {0}")]
    NoBundledData(u16),
}

/// Build a demo store in `dir` (which must not hold a store yet) with `lead` as its lead.
/// `units` limits the number of provinces (None = all 63).
pub fn build(dir: &Path, lead: &str, units: Option<usize>) -> Result<LocalWorkbench, DemoError> {
    let year = DEMO_YEAR;
    let fw_src = bundled::framework_for(year).ok_or(DemoError::NoBundledData(year))?;
    let us_src = bundled::units_for(year).ok_or(DemoError::NoBundledData(year))?;
    let store = Store::create(dir)?;
    let wb = LocalWorkbench::new(store, lead);
    wb.apply(Command::OpenYear {
        year,
        framework_toml: fw_src.text.to_string(),
        framework_file: fw_src.name.to_string(),
        units_toml: us_src.text.to_string(),
        units_file: us_src.name.to_string(),
    })?;
    let y = wb.year(year)?;
    let opt = SampleOptions {
        year,
        seed: DEMO_SEED,
        units,
    };
    let self_rows = sample::self_rows(&y.framework, &y.units, &opt);
    let survey_rows = sample::survey_rows(&y.framework, &y.units, &opt);
    let decisions = sample::decisions(&y.framework, &y.units, &self_rows, &opt);
    wb.apply(Command::ImportSelf {
        year,
        rows: self_rows,
    })?;
    wb.apply(Command::ImportSurvey {
        year,
        rows: survey_rows,
    })?;
    let appraisers = sample::appraisers(DEMO_SEED);
    for a in &appraisers {
        wb.apply(Command::SetMember {
            user: a.to_string(),
            role: Role::Appraiser,
        })?;
    }
    for d in decisions {
        let who = d.appraiser;
        let session = wb.session(who);
        let key = ItemKey::new(year, d.unit.clone(), d.leaf.clone());
        let version = |wb: &LocalWorkbench| -> Result<u64, EngineError> {
            Ok(wb.item(&key)?.map(|i| i.version).unwrap_or(0))
        };
        match d.kind {
            SampleDecisionKind::Agree => {
                session.apply(Command::Agree {
                    key: key.clone(),
                    expected: version(&session)?,
                })?;
            }
            SampleDecisionKind::Adjust {
                score,
                justification,
            } => {
                session.apply(Command::Adjust {
                    key: key.clone(),
                    score,
                    justification,
                    expected: version(&session)?,
                })?;
            }
            SampleDecisionKind::RequestEvidence { request } => {
                session.apply(Command::RequestEvidence {
                    key: key.clone(),
                    request,
                    expected: version(&session)?,
                })?;
            }
            SampleDecisionKind::Dispute {
                score,
                justification,
                explanation,
                claimed,
                received,
            } => {
                session.apply(Command::Adjust {
                    key: key.clone(),
                    score,
                    justification,
                    expected: version(&session)?,
                })?;
                session.apply(Command::RecordDispute {
                    key: key.clone(),
                    explanation,
                    claimed,
                    received,
                    expected: version(&session)?,
                })?;
            }
        }
    }
    Ok(wb)
}
