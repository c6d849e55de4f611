//! The engine's rules for survey responses and the points computed from them (issue 16):
//! who may import and compute, the freeze of an approved year, a finalized unit, and the
//! respondents' keyed hashes.

mod common;

use api::{Workbench, WorkbenchError};
use common::{YEAR, key, p, setup};
use domain::sipas::{ResponseBatch, ResponseUpload, UnitTally};
use domain::{Change, Command};
use engine::LocalWorkbench;

/// One factor, one question, linked to the survey item 1.1.3 (max 2) of the test framework.
const SURVEY: &str = r#"
[survey]
id = "mini"
version = 3
name = "Khảo sát nhỏ"
min_answers = 2

[[factor]]
code = "f"
name = "F"

[[question]]
id = "Q"
factor = "f"
aspect = "satisfaction"
text = "Hài lòng không?"

[[link]]
item = "1.1.3"
source = "index"
max = "2"
"#;

/// `ids` answered Q at `levels` (one each) for unit 44.
fn upload(ids: &[&str], levels: &[u8]) -> ResponseUpload {
    let mut counts = vec![0u32; 5];
    for l in levels {
        counts[usize::from(*l) - 1] += 1;
    }
    ResponseUpload {
        batch: ResponseBatch {
            survey: "mini".into(),
            version: 3,
            file: "phieu.csv".into(),
            // A file of these ids: its own SHA-256.
            sha256: {
                use sha2::Digest;
                sha2::Sha256::digest(ids.join("\n").as_bytes())
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect()
            },
            questions: vec!["Q".into()],
            levels: 5,
            units: vec![UnitTally {
                unit: "44".into(),
                responses: ids.len() as u32,
                channels: [ids.len() as u32, 0, 0],
                counts,
            }],
            respondents: Vec::new(),
        },
        respondents: ids.iter().map(|s| s.to_string()).collect(),
    }
}

fn import(wb: &LocalWorkbench, up: ResponseUpload) -> Result<Vec<domain::Event>, WorkbenchError> {
    wb.apply(Command::ImportResponses {
        year: YEAR,
        upload: up,
    })
}

fn compute(wb: &LocalWorkbench) -> Result<Vec<domain::Event>, WorkbenchError> {
    wb.apply(Command::ComputeSurvey {
        year: YEAR,
        survey_toml: SURVEY.into(),
        survey_file: "mini.toml".into(),
    })
}

#[test]
fn an_appraiser_imports_and_computes_an_auditor_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let lead = setup(&tmp.path().join("st"));
    let auditor = lead.session("kiemtra");
    assert!(matches!(
        import(&auditor, upload(&["a", "b", "c"], &[5, 4, 1])),
        Err(WorkbenchError::ReadOnly { .. })
    ));
    let an = lead.session("an");
    let ev = import(&an, upload(&["a", "b", "c"], &[5, 4, 1])).expect("appraiser imports");
    assert_eq!(ev.len(), 1);
    let Change::ResponsesImported { batch, .. } = &ev[0].body.change else {
        panic!("{ev:?}")
    };
    // Hashes, sorted, never the ids.
    assert_eq!(batch.respondents.len(), 3);
    assert!(batch.respondents.windows(2).all(|w| w[0] < w[1]));
    let stored = an.responses(YEAR).unwrap();
    assert_eq!(stored.len(), 1);
    assert!(stored[0].respondents.is_empty(), "readers get no hashes");
    assert!(matches!(
        compute(&auditor),
        Err(WorkbenchError::ReadOnly { .. })
    ));
    // 2 of 3 satisfied: 2 × 0,6667 = 1,3333 → 1,33 (the test framework had 1,5 imported);
    // unit 67 has no responses: its point stays.
    let ev = compute(&an).expect("appraiser computes");
    assert_eq!(ev.len(), 1, "{ev:?}");
    for e in &ev {
        let Change::SurveyScored { before, after, .. } = &e.body.change else {
            panic!("{e:?}")
        };
        assert_eq!((*before, *after), (Some(p("1.5")), p("1.33")));
    }
    let e44 = ev
        .iter()
        .find(|e| e.body.change.item_key() == Some(&key("44", "1.1.3")))
        .unwrap();
    assert_eq!(
        e44.body.reason,
        "tính từ 3 phiếu, công thức mini v3: chỉ số 66,67% × 2,00 = 1,33 (yếu tố F 66,67%; KTC 95%: 20,77–93,85%, n = 3)"
    );
    assert_eq!(e44.body.command, "compute-survey");
}

#[test]
fn a_repeated_respondent_is_refused_in_the_file_and_across_imports() {
    let tmp = tempfile::tempdir().unwrap();
    let lead = setup(&tmp.path().join("st"));
    let e = import(&lead, upload(&["x1", "X1 "], &[5, 5])).unwrap_err();
    assert_eq!(
        e,
        WorkbenchError::DuplicateRespondents {
            year: YEAR,
            survey: "mini".into(),
            in_file: 1,
            earlier: 0
        }
    );
    import(&lead, upload(&["x1", "x2"], &[5, 5])).expect("first");
    let e = import(&lead, upload(&["x3", "x2"], &[5, 5])).unwrap_err();
    assert!(matches!(
        e,
        WorkbenchError::DuplicateRespondents {
            in_file: 0,
            earlier: 1,
            ..
        }
    ));
    assert_eq!(lead.responses(YEAR).unwrap().len(), 1);
    // The same file again is named as such.
    let e = import(&lead, upload(&["x1", "x2"], &[5, 5])).unwrap_err();
    assert!(
        e.message(l10n::Lang::Vi)
            .contains("đã được nhập cho mini năm 2024 với tên phieu.csv"),
        "{e}"
    );
    // Tallies that do not match the respondents are refused too.
    let mut bad = upload(&["y1"], &[5]);
    bad.batch.units[0].counts.push(1);
    assert!(matches!(
        import(&lead, bad),
        Err(WorkbenchError::Survey { .. })
    ));
    let mut bad = upload(&["y1"], &[5]);
    bad.batch.units[0].unit = "99".into();
    assert!(matches!(
        import(&lead, bad),
        Err(WorkbenchError::UnknownUnit { .. })
    ));
}

#[test]
fn a_bad_definition_or_link_is_refused_with_its_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let lead = setup(&tmp.path().join("st"));
    import(&lead, upload(&["a"], &[5])).expect("import");
    let e = lead
        .apply(Command::ComputeSurvey {
            year: YEAR,
            survey_toml: SURVEY.replace("item = \"1.1.3\"", "item = \"1.1.1\""),
            survey_file: "mini.toml".into(),
        })
        .unwrap_err();
    let shown = e.to_string();
    assert!(
        shown.contains(
            "mini.toml:18: [link 1.1.1] item \"1.1.1\" is not a survey item (≈) of the framework"
        ),
        "{shown}"
    );
}

#[test]
fn an_approved_year_or_a_finalized_unit_gets_no_survey_points() {
    let tmp = tempfile::tempdir().unwrap();
    let lead = setup(&tmp.path().join("st"));
    // 1 of 2 satisfied: 1.1.3 of unit 44 would go from 1,5 to 1,00.
    import(&lead, upload(&["a", "b"], &[5, 1])).expect("import");
    for unit in ["44", "67"] {
        for leaf in ["1.1.1", "1.1.2", "2.1.1"] {
            let k = key(unit, leaf);
            let v = lead.item(&k).unwrap().unwrap().version;
            lead.apply(Command::Agree {
                key: k,
                expected: v,
            })
            .expect("agree");
        }
        lead.apply(Command::Finalize {
            year: YEAR,
            unit: unit.into(),
        })
        .expect("finalize");
        if unit == "44" {
            assert!(matches!(
                compute(&lead),
                Err(WorkbenchError::Finalized { .. })
            ));
        }
    }
    lead.apply(Command::ApproveResults {
        year: YEAR,
        minutes: "15/BB-HĐTĐ".into(),
        date: jiff::civil::date(2025, 3, 20),
    })
    .expect("approve");
    assert!(matches!(
        compute(&lead),
        Err(WorkbenchError::ResultsApproved { .. })
    ));
    assert!(matches!(
        import(&lead, upload(&["c"], &[5])),
        Err(WorkbenchError::ResultsApproved { .. })
    ));
}
