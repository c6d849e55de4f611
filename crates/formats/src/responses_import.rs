//! Reading a file of survey responses (`import responses`, issue 16): one row per response with
//! the respondent, the unit, the channel, the date and one column per question of the survey
//! definition. Every problem is listed with its row and column (`problem`); nothing is recorded
//! from a file with one. What is kept is the tallies per unit × question × level and the
//! channels; the respondents' ids go to the engine, which keeps only their keyed hashes. A
//! respondent's id is never quoted in a problem. Columns and rules: docs/DATA_FORMATS.md,
//! "Survey responses".

use std::collections::{BTreeMap, HashMap};

use domain::sipas::{Channel, ResponseBatch, ResponseUpload, UnitTally};
use domain::{SurveyDef, UnitSet};

use super::problem::{ImportProblem, ProblemKind, Problems, quote_cell};
use super::self_import::{FileFormat, header_key};
use super::table::{Table, read_csv};

const RESPONDENT: (&str, &[&str]) = (
    "nguoi_tra_loi",
    &[
        "respondent",
        "người trả lời",
        "mã người trả lời",
        "ma_phieu",
        "mã phiếu",
    ],
);
const UNIT: (&str, &[&str]) = (
    "don_vi",
    &["unit", "đơn vị", "mã đơn vị", "tỉnh", "province"],
);
const CHANNEL: (&str, &[&str]) = ("kenh", &["channel", "kênh", "hình thức"]);
const DATE: (&str, &[&str]) = ("ngay", &["date", "ngày", "ngày trả lời"]);

fn is(key: &str, (name, aliases): (&str, &[&str])) -> bool {
    std::iter::once(name)
        .chain(aliases.iter().copied())
        .any(|h| header_key(h) == key)
}

/// Whether a header cell is one of this file's fixed columns (to find the header row of a sheet).
pub fn is_responses_header(text: &str) -> bool {
    let k = header_key(text);
    [RESPONDENT, UNIT, CHANNEL, DATE].iter().any(|c| is(&k, *c))
}

/// Decode a responses file (CSV or a workbook's sheet) and check it against the survey and the
/// year's units. `file` and `sha256` name the file in the record.
pub fn parse_responses(
    bytes: &[u8],
    format: FileFormat<'_>,
    def: &SurveyDef,
    units: &UnitSet,
    file: &str,
    sha256: &str,
) -> Result<ResponseUpload, Problems> {
    let table = match format {
        FileFormat::Csv => read_csv(bytes)?,
        FileFormat::Workbook { sheet } => {
            super::xlsx::read_sheet(bytes, sheet, &is_responses_header).map_err(Problems::from)?
        }
    };
    validate_responses(&table, def, units, file, sha256)
}

/// A unit named by its code (a number typed for "01" too) or its name.
fn lookup<'u>(text: &str, units: &'u UnitSet) -> Option<&'u str> {
    crate::unit_cell::named_unit(text, units).map(|u| u.code.as_str())
}

/// dd/mm/yyyy (d/m/yyyy too), or yyyy-mm-dd as a workbook's date cell reads.
fn valid_date(text: &str) -> bool {
    let t = text.trim();
    let parts: Vec<&str> = t.split('/').collect();
    let (y, m, d) = if parts.len() == 3 {
        (parts[2], parts[1], parts[0])
    } else {
        let p: Vec<&str> = t.split('-').collect();
        if p.len() != 3 || p[0].len() != 4 {
            return false;
        }
        (p[0], p[1], p[2])
    };
    let num = |s: &str, max: usize| {
        (!s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<i16>().ok())
            .flatten()
    };
    match (num(y, 4), num(m, 2), num(d, 2)) {
        (Some(y), Some(m), Some(d)) if y >= 1900 => i8::try_from(m)
            .is_ok_and(|m| i8::try_from(d).is_ok_and(|d| jiff::civil::Date::new(y, m, d).is_ok())),
        _ => false,
    }
}

/// Check a decoded table: every problem, in file order.
pub fn validate_responses(
    table: &Table,
    def: &SurveyDef,
    units: &UnitSet,
    file: &str,
    sha256: &str,
) -> Result<ResponseUpload, Problems> {
    let mut problems = Problems::new();
    let mut fixed: [Option<usize>; 4] = [None; 4];
    let mut questions: Vec<Option<usize>> = vec![None; def.questions.len()];
    let qkeys: Vec<String> = def.questions.iter().map(|q| header_key(&q.id)).collect();
    let allowed = || {
        [RESPONDENT.0, UNIT.0, CHANNEL.0, DATE.0]
            .iter()
            .map(|s| s.to_string())
            .chain(def.questions.iter().map(|q| q.id.clone()))
            .collect::<Vec<_>>()
    };
    for (i, h) in table.header.iter().enumerate() {
        let k = header_key(h);
        let slot = if let Some(f) = [RESPONDENT, UNIT, CHANNEL, DATE]
            .iter()
            .position(|c| is(&k, *c))
        {
            Some(&mut fixed[f])
        } else {
            qkeys
                .iter()
                .position(|q| *q == k)
                .map(|q| &mut questions[q])
        };
        match slot {
            Some(Some(first)) => problems.push(ImportProblem::new(
                table.header_row,
                Some(&table.column_label(i)),
                ProblemKind::DuplicateColumn {
                    first: table.column_label(*first),
                },
            )),
            Some(s) => *s = Some(i),
            None if k.is_empty() => {}
            None => problems.push(ImportProblem::new(
                table.header_row,
                Some(&table.column_label(i)),
                ProblemKind::UnknownColumn { allowed: allowed() },
            )),
        }
    }
    for (col, (name, aliases)) in fixed.iter().zip([RESPONDENT, UNIT, CHANNEL, DATE]) {
        if col.is_none() {
            problems.push(ImportProblem::new(
                table.header_row,
                Some(name),
                ProblemKind::MissingColumn {
                    accepted: std::iter::once(name)
                        .chain(aliases.iter().copied())
                        .map(str::to_string)
                        .collect(),
                },
            ));
        }
    }
    for (col, q) in questions.iter().zip(&def.questions) {
        if col.is_none() {
            problems.push(ImportProblem::new(
                table.header_row,
                Some(&q.id),
                ProblemKind::MissingColumn {
                    accepted: vec![q.id.clone()],
                },
            ));
        }
    }
    let (
        [
            Some(resp_col),
            Some(unit_col),
            Some(chan_col),
            Some(date_col),
        ],
        true,
    ) = (fixed, questions.iter().all(Option::is_some))
    else {
        return Err(problems);
    };
    let qcols: Vec<usize> = questions.into_iter().flatten().collect();
    let levels = def.levels.len();
    let label = |i: usize| table.column_label(i);
    let mut tallies: BTreeMap<String, UnitTally> = BTreeMap::new();
    let mut respondents: Vec<String> = Vec::with_capacity(table.rows.len());
    // The row each respondent first answered on (the id itself is never quoted).
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(table.rows.len());
    let mut answers = vec![0u8; qcols.len()];
    for r in &table.rows {
        if r.is_blank_from(0) {
            continue;
        }
        let cell = |i: usize| r.get(i).unwrap_or("").trim();
        let mut ok = true;
        let respondent = cell(resp_col);
        if respondent.is_empty() {
            problems.push(ImportProblem::new(
                r.row,
                Some(&label(resp_col)),
                ProblemKind::EmptyCell,
            ));
            ok = false;
        } else {
            let id = domain::survey::fold_words(respondent);
            match seen.get(&id) {
                Some(&first_row) => {
                    problems.push(ImportProblem::new(
                        r.row,
                        Some(&label(resp_col)),
                        ProblemKind::DuplicateRespondent { first_row },
                    ));
                    ok = false;
                }
                None => {
                    seen.insert(id, r.row);
                }
            }
        }
        let unit = match cell(unit_col) {
            "" => {
                problems.push(ImportProblem::new(
                    r.row,
                    Some(&label(unit_col)),
                    ProblemKind::EmptyCell,
                ));
                None
            }
            text => match lookup(text, units) {
                Some(u) => Some(u),
                None => {
                    problems.push(ImportProblem::new(
                        r.row,
                        Some(&label(unit_col)),
                        ProblemKind::UnknownUnit {
                            unit: quote_cell(text),
                        },
                    ));
                    None
                }
            },
        };
        let channel = match Channel::parse(cell(chan_col)) {
            Some(c) => Some(c),
            None => {
                problems.push(ImportProblem::new(
                    r.row,
                    Some(&label(chan_col)),
                    if cell(chan_col).is_empty() {
                        ProblemKind::EmptyCell
                    } else {
                        ProblemKind::BadChannel {
                            text: quote_cell(cell(chan_col)),
                        }
                    },
                ));
                None
            }
        };
        if !valid_date(cell(date_col)) {
            problems.push(ImportProblem::new(
                r.row,
                Some(&label(date_col)),
                if cell(date_col).is_empty() {
                    ProblemKind::EmptyCell
                } else {
                    ProblemKind::BadDate {
                        text: quote_cell(cell(date_col)),
                    }
                },
            ));
            ok = false;
        }
        for (a, &c) in answers.iter_mut().zip(&qcols) {
            let text = cell(c);
            *a = 0;
            if text.is_empty() {
                continue;
            }
            match def.level_of(text) {
                Some(l) => *a = l,
                None => {
                    problems.push(ImportProblem::new(
                        r.row,
                        Some(&label(c)),
                        ProblemKind::BadLevel {
                            text: quote_cell(text),
                            levels: def.levels.clone(),
                        },
                    ));
                    ok = false;
                }
            }
        }
        let (Some(unit), Some(channel), true) = (unit, channel, ok) else {
            continue;
        };
        if problems.total() > 0 {
            // Nothing is recorded from a file with a problem: only keep checking.
            continue;
        }
        let t = tallies
            .entry(unit.to_string())
            .or_insert_with(|| UnitTally {
                unit: unit.to_string(),
                responses: 0,
                channels: [0; 3],
                counts: vec![0; qcols.len() * levels],
            });
        t.responses += 1;
        let ch = Channel::ALL.iter().position(|c| *c == channel).unwrap_or(0);
        t.channels[ch] += 1;
        for (q, &a) in answers.iter().enumerate() {
            if a > 0 {
                t.counts[q * levels + usize::from(a) - 1] += 1;
            }
        }
        respondents.push(respondent.to_string());
    }
    if problems.total() > 0 {
        return Err(problems);
    }
    if respondents.is_empty() {
        problems.push(ImportProblem::new(0, None, ProblemKind::NoDataRows));
        return Err(problems);
    }
    Ok(ResponseUpload {
        batch: ResponseBatch {
            survey: def.id.clone(),
            version: def.version,
            file: file.to_string(),
            sha256: sha256.to_string(),
            questions: def.questions.iter().map(|q| q.id.clone()).collect(),
            levels: levels as u8,
            units: tallies.into_values().collect(),
            respondents: Vec::new(),
        },
        respondents,
    })
}
