//! Survey responses (issue 16): recording an import's tallies with the respondents' keyed hashes
//! (`import responses`), and computing the year's survey points from them (`survey compute`),
//! written as `SurveyScored` events whose reason says how each was computed.

use std::collections::HashSet;

use domain::sipas::{self, RespondentHash};
use domain::survey::parse_survey;
use domain::{Change, ItemKey, Method, ResponseUpload};

use super::{Ctx, OrStore, WorkbenchError};

fn refused(vi: String, en: String) -> WorkbenchError {
    WorkbenchError::Survey { vi, en }
}

pub(crate) fn import_responses(
    ctx: &mut Ctx,
    year: u16,
    upload: ResponseUpload,
) -> Result<(), WorkbenchError> {
    let y = ctx.engine.year(year)?;
    super::official::check_year_open(&ctx.engine.store, year)?;
    let ResponseUpload {
        mut batch,
        respondents,
    } = upload;
    // The importer checked all this row by row; this is the last line of defence.
    batch.units.sort_by(|a, b| a.unit.cmp(&b.unit));
    batch.check().map_err(|e| {
        refused(
            format!("tệp phiếu khảo sát không hợp lệ: {e}; không có gì được ghi"),
            format!("the responses are not valid: {e}; nothing was written"),
        )
    })?;
    if batch.units.is_empty() {
        return Err(refused(
            "tệp không có phiếu khảo sát nào; không có gì được ghi".into(),
            "the file holds no responses; nothing was written".into(),
        ));
    }
    if let Some(u) = batch.units.iter().find(|u| y.units.unit(&u.unit).is_none()) {
        return Err(WorkbenchError::UnknownUnit {
            year,
            unit: u.unit.clone(),
        });
    }
    let total: u64 = batch.responses();
    if total != respondents.len() as u64 {
        return Err(refused(
            format!(
                "số phiếu ({total}) khác số người trả lời ({}); không có gì được ghi",
                respondents.len()
            ),
            format!(
                "{total} responses but {} respondents; nothing was written",
                respondents.len()
            ),
        ));
    }
    if respondents.iter().any(|r| r.trim().is_empty()) {
        return Err(refused(
            "có phiếu không có mã người trả lời; không có gì được ghi".into(),
            "a response has no respondent id; nothing was written".into(),
        ));
    }
    let earlier_batches: Vec<domain::ResponseBatch> = ctx
        .engine
        .store
        .responses(year)
        .or_store()?
        .into_iter()
        .filter(|b| b.survey == batch.survey)
        .collect();
    // The same file again is named as such (and refused even where the hashes could not tell:
    // a store restored into another folder has a new key).
    if let Some(b) = earlier_batches
        .iter()
        .find(|b| !batch.sha256.is_empty() && b.sha256 == batch.sha256)
    {
        return Err(refused(
            format!(
                "tệp này (SHA-256 {}…) đã được nhập cho {} năm {year} với tên {}; không có gì được ghi",
                batch.sha256.get(..12).unwrap_or(&batch.sha256),
                batch.survey,
                b.file
            ),
            format!(
                "this file (SHA-256 {}…) was already imported for {} {year} as {}; nothing was written",
                batch.sha256.get(..12).unwrap_or(&batch.sha256),
                batch.survey,
                b.file
            ),
        ));
    }
    let key = ctx.engine.store.respondent_key().or_store()?;
    let mut hashes: Vec<RespondentHash> = respondents
        .iter()
        .map(|r| sipas::respondent_hash(&key, &batch.survey, year, r))
        .collect();
    drop(respondents);
    hashes.sort_unstable();
    let before = hashes.len();
    hashes.dedup();
    let in_file = before - hashes.len();
    let earlier_set: HashSet<RespondentHash> = earlier_batches
        .into_iter()
        .flat_map(|b| b.respondents)
        .collect();
    let earlier = hashes.iter().filter(|h| earlier_set.contains(*h)).count();
    if in_file > 0 || earlier > 0 {
        return Err(WorkbenchError::DuplicateRespondents {
            year,
            survey: batch.survey.clone(),
            in_file,
            earlier,
        });
    }
    batch.respondents = hashes;
    ctx.push(Change::ResponsesImported { year, batch }, String::new());
    Ok(())
}

pub(crate) fn compute_survey(
    ctx: &mut Ctx,
    year: u16,
    survey_toml: String,
    survey_file: String,
) -> Result<(), WorkbenchError> {
    let y = ctx.engine.year(year)?;
    super::official::check_year_open(&ctx.engine.store, year)?;
    let def = parse_survey(&survey_toml, &survey_file).map_err(|problems| {
        WorkbenchError::from(domain::YearFileError {
            file: survey_file.clone(),
            problems,
        })
    })?;
    let link_problems = def.check_links(&y.framework);
    if !link_problems.is_empty() {
        return Err(WorkbenchError::from(domain::YearFileError {
            file: survey_file,
            problems: link_problems,
        }));
    }
    let batches = ctx.engine.store.responses(year).or_store()?;
    if !batches.iter().any(|b| b.survey == def.id) {
        return Err(refused(
            format!(
                "năm {year} chưa có phiếu khảo sát {} nào; hãy nhập trước: thamdinh import responses TỆP --year {year} --survey {}",
                def.id, def.id
            ),
            format!(
                "{year} has no responses of {} yet; import them first: thamdinh import responses FILE --year {year} --survey {}",
                def.id, def.id
            ),
        ));
    }
    let results = sipas::compute(&def, &y.units, &batches);
    let (points, _missing) = sipas::survey_points(&def, &results);
    for p in points {
        let key = ItemKey::new(year, p.unit, p.item);
        let Some(node) = y.framework.node(&key.leaf) else {
            continue;
        };
        if node.method != Method::Survey {
            return Err(WorkbenchError::NotSurvey { key });
        }
        ctx.check_open(year, &key.unit)?;
        let item = ctx.item_or_new(&key)?;
        if item.survey == Some(p.points) {
            continue;
        }
        ctx.push(
            Change::SurveyScored {
                key,
                version: item.version + 1,
                before: item.survey,
                after: p.points,
            },
            p.reason,
        );
    }
    Ok(())
}
