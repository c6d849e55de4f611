//! The demo store (SPEC I6): the bundled framework, the 63 provinces, deterministic sample
//! self-assessments and survey points, and some appraisals and disputes already recorded by a
//! few appraisers, so a newcomer sees a realistic session at once.

use std::path::Path;

use crate as sample;
use crate::{SampleDecisionKind, SampleOptions};
use api::Workbench;
use api::WorkbenchError;
use domain::bundled;
use domain::round;
use domain::{Command, ItemKey, Outcome, Points, Role, RoundScope};
use engine::LocalWorkbench;
use store::{Store, StoreError};

/// The year the demo appraises: the last year of the 63 provinces.
pub const DEMO_YEAR: u16 = 2024;
pub const DEMO_SEED: u64 = 2024;

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    Engine(#[from] WorkbenchError),
    #[error("no bundled framework or units for {0}")]
    NoBundledData(u16),
}

/// Respondents per province in the demo's SIPAS responses: 63 × 600 = 37,800, about the
/// 37,000 citizens a year the real survey asks.
pub const DEMO_RESPONSES_PER_UNIT: u32 = 600;

/// Add the SIPAS survey to a demo store (issue 16): deterministic responses of every province
/// (`import responses`), and the survey points computed from them (`survey compute --apply`),
/// so that the SIPAS screen has data and the audit trail says how those points were computed.
/// `thamdinh demo` builds the store with it; the tests' demo (`build`) stays without it, so
/// their figures do not move. Returns the number of survey points written.
pub fn add_survey(wb: &LocalWorkbench) -> Result<usize, DemoError> {
    let year = DEMO_YEAR;
    let src = bundled::surveys()
        .iter()
        .find(|f| {
            domain::parse_survey(f.text, f.name).is_ok_and(|s| s.id == bundled::DEFAULT_SURVEY)
        })
        .ok_or(DemoError::NoBundledData(year))?;
    let def =
        domain::parse_survey(src.text, src.name).map_err(|_| DemoError::NoBundledData(year))?;
    let y = wb.year(year)?;
    let opt = SampleOptions {
        year,
        seed: DEMO_SEED,
        units: None,
    };
    let rows = sample::responses::responses(&def, &y.units, &opt, DEMO_RESPONSES_PER_UNIT);
    let mut upload = sample::responses::upload(&def, rows, "phieu-sipas-mau.csv");
    upload.batch.sha256 = "0".repeat(64);
    wb.apply(Command::ImportResponses { year, upload })?;
    let n = wb.apply_count(Command::ComputeSurvey {
        year,
        survey_toml: src.text.to_string(),
        survey_file: src.name.to_string(),
    })?;
    Ok(n)
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
        units_toml: demo_units(us_src.text),
        units_file: us_src.name.to_string(),
        from_year: None,
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
    let mut disputes = Vec::new();
    for d in decisions {
        let who = d.appraiser;
        let session = wb.session(who);
        let key = ItemKey::new(year, d.unit.clone(), d.leaf.clone());
        let version = |wb: &LocalWorkbench| -> Result<u64, WorkbenchError> {
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
                document,
                days_after_opening,
            } => {
                session.apply(Command::Adjust {
                    key: key.clone(),
                    score,
                    justification,
                    expected: version(&session)?,
                })?;
                disputes.push(DemoDispute {
                    key,
                    appraiser: who,
                    explanation,
                    claimed,
                    document,
                    days_after_opening,
                });
            }
        }
    }
    explanation_rounds(&wb, year, disputes)?;
    Ok(wb)
}

/// Units the demo marks `difficult = true`, so that the ranking's what-if (issue 15.7) has
/// something to weigh: northern border provinces and one of the Central Highlands, commonly
/// described as mountainous and remote. The bundled units files mark none: no official list of
/// "provinces in difficult conditions" for the PAR INDEX was found to justify one.
pub const DEMO_DIFFICULT: [&str; 6] = ["02", "04", "06", "11", "12", "62"];

/// The bundled units file with the demo's difficult units marked, and a comment saying so.
fn demo_units(text: &str) -> String {
    let mut out = String::from(
        "# Demo store: units marked `difficult = true` below are marked for the what-if demo only\n\
         # (crates/sample/src/demo.rs, DEMO_DIFFICULT); this is not an official list.\n",
    );
    out.push_str(text);
    for code in DEMO_DIFFICULT {
        let line = format!("code = \"{code}\"\n");
        out = out.replacen(&line, &format!("{line}difficult = true\n"), 1);
    }
    out
}

/// A sample explanation waiting to be recorded once the rounds are open.
struct DemoDispute {
    key: ItemKey,
    appraiser: &'static str,
    explanation: String,
    claimed: Option<Points>,
    document: String,
    days_after_opening: u32,
}

/// The explanation rounds of the demo, dated from today so the session looks current: round 1
/// (two months ago, closed) with its explanations answered — rejected, partly upheld, upheld,
/// some still awaiting an answer, one referred to the council and decided, one referred and
/// waiting — and round 2 (open until next week) with fresh explanations to answer.
fn explanation_rounds(
    wb: &LocalWorkbench,
    year: u16,
    disputes: Vec<DemoDispute>,
) -> Result<(), DemoError> {
    let today = round::today_in_vietnam(jiff::Timestamp::now());
    let r1 = (round::add_days(today, -60), round::add_days(today, -32));
    let r2 = (round::add_days(today, -12), round::add_days(today, 9));
    let open = |opens, closes, note: &str| {
        wb.apply(Command::OpenRound {
            year,
            opens,
            closes,
            scope: RoundScope::Lowered,
            units: Vec::new(),
            note: note.to_string(),
        })
    };
    let version = |key: &ItemKey| -> Result<u64, WorkbenchError> {
        Ok(wb.item(key)?.map(|i| i.version).unwrap_or(0))
    };
    let record = |d: &DemoDispute, received| -> Result<(), WorkbenchError> {
        wb.session(d.appraiser).apply(Command::RecordDispute {
            key: d.key.clone(),
            explanation: d.explanation.clone(),
            document: d.document.clone(),
            claimed: d.claimed,
            received,
            round: None,
            expected: version(&d.key)?,
        })?;
        Ok(())
    };
    let (first, second): (Vec<_>, Vec<_>) = disputes
        .into_iter()
        .enumerate()
        .partition(|(i, _)| i % 3 != 2);

    open(r1.0, r1.1, "Công văn 512/BNV-CCHC")?;
    let mut rejected = 0;
    for (i, d) in &first {
        record(d, round::add_days(r1.0, i64::from(d.days_after_opening)))?;
        let item = wb.item(&d.key)?.ok_or(WorkbenchError::UnknownCriterion {
            year,
            code: d.key.leaf.clone(),
        })?;
        let proposed = item.appraisal.proposed.unwrap_or(Points::ZERO);
        let target = d
            .claimed
            .or(item.self_assessment.as_ref().map(|s| s.score))
            .unwrap_or(proposed);
        let session = wb.session(d.appraiser);
        let answer = |outcome, score, response: String| {
            session.apply(Command::ResolveDispute {
                key: d.key.clone(),
                outcome,
                score,
                response,
                expected: item.version,
            })
        };
        // A score halfway, on the step, when there is room for one.
        let half =
            Points::from_hundredths((proposed.hundredths() + target.hundredths()) / 2 / 25 * 25);
        match i % 4 {
            0 | 2 if i % 8 != 2 => {
                answer(
                    Outcome::Rejected,
                    None,
                    format!(
                        "Văn bản giải trình {} và tài liệu kèm theo được ban hành sau thời điểm chốt số liệu đánh giá (31/12/{year}), không đủ căn cứ công nhận điểm tự đánh giá; giữ nguyên điểm thẩm định.",
                        d.document
                    ),
                )?;
                rejected += 1;
                if rejected <= 2 {
                    wb.apply(Command::Escalate {
                        key: d.key.clone(),
                        reason: "Đơn vị tiếp tục không đồng ý với kết quả trả lời giải trình; trình Hội đồng thẩm định xem xét tại phiên họp định kỳ.".into(),
                        expected: version(&d.key)?,
                    })?;
                }
                if rejected == 1 {
                    wb.apply(Command::CouncilDecide {
                        key: d.key.clone(),
                        score: proposed,
                        decision: "Hội đồng thẩm định thống nhất giữ nguyên điểm thẩm định: tài liệu kiểm chứng không đáp ứng yêu cầu của tiêu chí trong năm đánh giá.".into(),
                        minutes: "Biên bản số 02/BB-HĐTĐ".into(),
                        expected: version(&d.key)?,
                    })?;
                }
            }
            1 if half > proposed.min(target) && half < proposed.max(target) => {
                answer(
                    Outcome::PartlyUpheld,
                    Some(half),
                    format!(
                        "Đơn vị đã bổ sung được một phần tài liệu kiểm chứng theo văn bản {}; chấp nhận một phần giải trình, điều chỉnh điểm thẩm định lên {}.",
                        d.document,
                        half.show(l10n::Lang::Vi)
                    ),
                )?;
            }
            1 | 3 => {
                answer(
                    Outcome::Upheld,
                    None,
                    format!(
                        "Văn bản giải trình {} kèm tài liệu kiểm chứng chứng minh đơn vị hoàn thành nhiệm vụ đúng thời hạn; chấp nhận giải trình.",
                        d.document
                    ),
                )?;
            }
            // Still awaiting the appraiser's answer.
            _ => {}
        }
    }
    wb.apply(Command::CloseRound {
        year,
        number: 1,
        reason: "Hết hạn nhận giải trình đợt 1.".into(),
    })?;

    open(r2.0, r2.1, "Công văn 688/BNV-CCHC")?;
    for (_, d) in &second {
        record(
            d,
            round::add_days(r2.0, i64::from(d.days_after_opening.min(12))),
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::units_file::parse_units;

    #[test]
    fn the_demo_marks_its_difficult_units_and_no_other() {
        let src = bundled::units_for(DEMO_YEAR).expect("bundled units");
        let set = parse_units(&demo_units(src.text), src.name).expect("the demo's units parse");
        let marked: Vec<&str> = set
            .units
            .iter()
            .filter(|u| u.difficult)
            .map(|u| u.code.as_str())
            .collect();
        assert_eq!(marked, DEMO_DIFFICULT);
        let bundled = parse_units(src.text, src.name).expect("bundled units parse");
        assert!(
            bundled.units.iter().all(|u| !u.difficult),
            "the bundled file marks no unit difficult"
        );
    }
}
