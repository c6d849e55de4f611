//! The engine's rules for published results (SPEC I8) (`Command::ImportResults`): lead only, never over
//! an appraised year, replaced only with a reason, checked against the unit set, and kept as
//! one event that `verify` replays.

mod common;

use api::{Workbench, WorkbenchError};
use common::{UNITS, setup};
use domain::{
    Change, Command, Points, Published, PublishedAverage, PublishedRow, ResultsFault, Role,
};
use engine::LocalWorkbench;

fn results(file: &str, rows: &[(&str, i64)]) -> Published {
    Published {
        units_toml: UNITS.into(),
        units_file: "test-units.toml".into(),
        source_file: file.into(),
        source_sha256: "0".repeat(64),
        rows: rows
            .iter()
            .map(|(u, h)| PublishedRow {
                unit: u.to_string(),
                index: Points::from_hundredths(*h),
                rank: None,
                areas: Vec::new(),
            })
            .collect(),
        averages: vec![PublishedAverage {
            region: String::new(),
            index: Points::from_hundredths(8637),
        }],
    }
}

fn import(
    wb: &LocalWorkbench,
    year: u16,
    p: Published,
    replace: bool,
    reason: &str,
) -> Result<Vec<domain::Event>, WorkbenchError> {
    wb.apply(Command::ImportResults {
        year,
        results: p,
        replace,
        reason: reason.into(),
    })
}

#[test]
fn results_are_one_event_and_replacing_them_needs_a_reason() {
    let tmp = tempfile::tempdir().unwrap();
    let lead = setup(tmp.path());
    let first = results("kq-2023.csv", &[("44", 9180), ("67", 8600)]);
    let ev = import(&lead, 2023, first.clone(), false, "").expect("recorded");
    assert_eq!(ev.len(), 1);
    assert!(matches!(
        &ev[0].body.change,
        Change::ResultsPublished {
            year: 2023,
            before: None,
            ..
        }
    ));
    assert_eq!(lead.published(2023).unwrap(), Some(first.clone()));
    assert_eq!(lead.published_years().unwrap(), [2023]);
    // Again without --replace: refused, naming the file already recorded.
    let second = results("kq-2023-sua.csv", &[("44", 9100)]);
    let err = import(&lead, 2023, second.clone(), false, "").unwrap_err();
    assert_eq!(
        err,
        WorkbenchError::ResultsExist {
            year: 2023,
            file: "kq-2023.csv".into()
        }
    );
    // --replace without a reason: refused too.
    assert!(matches!(
        import(&lead, 2023, second.clone(), true, "  ").unwrap_err(),
        WorkbenchError::TextRequired { .. }
    ));
    let ev = import(
        &lead,
        2023,
        second.clone(),
        true,
        "bản công bố chính thức thay bản dự thảo",
    )
    .expect("replaced");
    assert_eq!(ev[0].body.reason, "bản công bố chính thức thay bản dự thảo");
    assert!(matches!(
        &ev[0].body.change,
        Change::ResultsPublished { before: Some(b), .. } if *b == first
    ));
    assert_eq!(lead.published(2023).unwrap(), Some(second));
    let report = lead.verify().expect("verify");
    assert!(report.ok(), "{}", report.message(l10n::Lang::En));
}

#[test]
fn an_appraised_year_never_receives_published_results() {
    let tmp = tempfile::tempdir().unwrap();
    let lead = setup(tmp.path());
    let err = import(&lead, 2024, results("kq.csv", &[("44", 9000)]), false, "").unwrap_err();
    assert!(matches!(err, WorkbenchError::YearHasItems { year: 2024, items } if items > 0));
    let msg = err.message(l10n::Lang::Vi);
    assert!(
        msg.contains("năm 2024 đang được thẩm định trong kho này"),
        "{msg}"
    );
    assert!(msg.contains("Không có gì thay đổi"), "{msg}");
    assert_eq!(lead.published_years().unwrap(), Vec::<u16>::new());
}

#[test]
fn results_that_do_not_fit_the_unit_set_and_other_roles_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let lead = setup(tmp.path());
    let err = import(
        &lead,
        2023,
        results("kq.csv", &[("44", 9000), ("99", 8000), ("44", 8100)]),
        false,
        "",
    )
    .unwrap_err();
    assert_eq!(
        err,
        WorkbenchError::BadResults {
            year: 2023,
            faults: vec![
                ResultsFault::UnknownUnit { unit: "99".into() },
                ResultsFault::DuplicateUnit { unit: "44".into() },
            ]
        }
    );
    assert!(
        err.message(l10n::Lang::Vi)
            .contains("không có đơn vị mã \"99\"")
    );
    let an = lead.session("an");
    assert_eq!(an.role().unwrap(), Some(Role::Appraiser));
    assert!(matches!(
        import(&an, 2023, results("kq.csv", &[("44", 9000)]), false, "").unwrap_err(),
        WorkbenchError::LeadOnly { .. }
    ));
    assert_eq!(lead.published_years().unwrap(), Vec::<u16>::new());
}
