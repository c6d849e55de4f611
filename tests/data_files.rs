//! The framework and units loaders against the fixture folders: every `X.toml` with an `X.expected` must
//! fail with exactly those English messages (one per line, in file order); every other `X.toml` must load.

use std::fs;
use std::path::{Path, PathBuf};

use domain::{FileError, Method, Points, parse_framework, parse_units};
use l10n::Lang;

const FRAMEWORKS: &str = "tests/fixtures/frameworks";
const UNITS: &str = "tests/fixtures/units";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `.toml` files of a fixture folder, sorted, as (name relative to the crate, text).
fn fixtures(dir: &str) -> Vec<(String, String)> {
    let mut names: Vec<String> = fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|n| {
            let rel = format!("{dir}/{n}");
            let text = fs::read_to_string(root().join(&rel)).unwrap();
            (rel, text)
        })
        .collect()
}

fn expected_for(rel: &str) -> Option<Vec<String>> {
    let path = root().join(Path::new(rel).with_extension("expected"));
    fs::read_to_string(path)
        .ok()
        .map(|s| s.lines().map(str::to_string).collect())
}

/// Run every fixture of `dir`; returns (good, bad) counts.
fn check_dir(
    dir: &str,
    parse: impl Fn(&str, &str) -> Result<(), Vec<FileError>>,
) -> (usize, usize) {
    let mut good = 0;
    let mut bad = 0;
    let mut failures = Vec::new();
    for (rel, text) in fixtures(dir) {
        let result = parse(&text, &rel);
        match (expected_for(&rel), result) {
            (None, Ok(())) => {
                assert!(
                    rel.contains("/good-"),
                    "{rel} loads but has no .expected file and is not named good-*"
                );
                good += 1;
            }
            (None, Err(errors)) => failures.push(format!(
                "{rel} should load but failed:\n{}",
                lines(&errors).join("\n")
            )),
            (Some(expected), Ok(())) => {
                failures.push(format!("{rel} should fail with {expected:?} but loaded"))
            }
            (Some(expected), Err(errors)) => {
                assert!(!expected.is_empty(), "{rel}: empty .expected file");
                let actual = lines(&errors);
                if actual != expected {
                    failures.push(format!(
                        "{rel}:\n  expected:\n    {}\n  actual:\n    {}",
                        expected.join("\n    "),
                        actual.join("\n    ")
                    ));
                }
                bad += 1;
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    // No orphan .expected files.
    for e in fs::read_dir(root().join(dir)).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "expected") {
            assert!(p.with_extension("toml").exists(), "{p:?} has no .toml");
        }
    }
    (good, bad)
}

fn lines(errors: &[FileError]) -> Vec<String> {
    errors.iter().map(ToString::to_string).collect()
}

fn load_framework(rel: &str) -> Result<domain::Framework, Vec<FileError>> {
    parse_framework(&fs::read_to_string(root().join(rel)).unwrap(), rel)
}

fn load_units(rel: &str) -> Result<domain::UnitSet, Vec<FileError>> {
    parse_units(&fs::read_to_string(root().join(rel)).unwrap(), rel)
}

#[test]
fn framework_fixtures() {
    let (good, bad) = check_dir(FRAMEWORKS, |t, f| parse_framework(t, f).map(|_| ()));
    assert!(good >= 2, "{good} good framework fixtures");
    assert!(bad >= 30, "{bad} bad framework fixtures");
}

#[test]
fn units_fixtures() {
    let (good, bad) = check_dir(UNITS, |t, f| parse_units(t, f).map(|_| ()));
    assert!(good >= 2, "{good} good unit fixtures");
    assert!(bad >= 15, "{bad} bad unit fixtures");
}

#[test]
fn several_problems_are_all_reported() {
    for rel in [
        "tests/fixtures/frameworks/several.toml",
        "tests/fixtures/units/several.toml",
    ] {
        let errors = expected_for(rel).unwrap();
        assert!(errors.len() >= 5, "{rel}: {errors:?}");
    }
}

#[test]
fn every_error_has_a_line_and_column() {
    for (dir, is_fw) in [(FRAMEWORKS, true), (UNITS, false)] {
        for (rel, text) in fixtures(dir) {
            let errors = if is_fw {
                parse_framework(&text, &rel).err()
            } else {
                parse_units(&text, &rel).err()
            };
            for e in errors.unwrap_or_default() {
                assert_eq!(e.file, rel);
                assert!(e.line.is_some() && e.column.is_some(), "{e}");
            }
        }
    }
}

#[test]
fn vietnamese_messages() {
    let errors = load_framework("tests/fixtures/frameworks/children-sum.toml").unwrap_err();
    assert_eq!(
        errors[0].message(Lang::Vi),
        "tests/fixtures/frameworks/children-sum.toml:31:7: [mục 1.1] tổng điểm tối đa của các mục con \
         của \"1.1\" là 4,25, nhưng điểm tối đa của nó là 4,00"
    );
    let errors = load_units("tests/fixtures/units/unknown-region.toml").unwrap_err();
    assert_eq!(
        errors[0].message(Lang::Vi),
        "tests/fixtures/units/unknown-region.toml:38:10: [đơn vị 48] vùng \"NTB\" chưa được khai báo; \
         hãy thêm [[region]] có mã này hoặc sửa vùng của đơn vị"
    );
    let errors = load_framework("tests/fixtures/frameworks/missing-step.toml").unwrap_err();
    assert_eq!(
        errors[0].message(Lang::Vi),
        "tests/fixtures/frameworks/missing-step.toml:2:1: [framework] thiếu khóa bắt buộc `step`"
    );
}

#[test]
fn good_small_framework_model() {
    let fw = load_framework("tests/fixtures/frameworks/good-small.toml").unwrap();
    assert_eq!(fw.meta.id, "fixture-small");
    assert_eq!(fw.meta.status, "illustrative");
    assert_eq!(
        (fw.meta.year_from, fw.meta.year_to),
        (Some(2022), Some(2030))
    );
    assert_eq!(fw.areas().count(), 2);
    assert_eq!(fw.nodes.len(), 8);
    assert_eq!(fw.leaf_count(), 5);
    assert_eq!(fw.total, Points::whole(10));
    assert_eq!(fw.survey_points(), Points::whole(3));
    assert_eq!(fw.node("1.1").unwrap().method, Method::Appraised);
    assert_eq!(fw.node("1").unwrap().method, Method::Mixed);
    assert_eq!(
        fw.node("1.1.1").unwrap().evidence,
        ["Quyết định ban hành kế hoạch"]
    );
    let groups: Vec<i64> = fw.groups.iter().map(|g| g.min_percent).collect();
    assert_eq!(groups, [9000, 8000]);
}

#[test]
fn good_numbers_framework_model() {
    let fw = load_framework("tests/fixtures/frameworks/good-numbers-and-commas.toml").unwrap();
    assert_eq!(fw.step, Points::from_hundredths(25));
    assert_eq!(fw.total, Points::from_hundredths(350));
    assert_eq!(fw.node("1.1").unwrap().max, Points::from_hundredths(125));
    assert_eq!(fw.node("1.2").unwrap().max, Points::from_hundredths(75));
    assert_eq!(fw.groups[0].min_percent, 9050);
    // An area with no children is itself a leaf.
    assert!(fw.node("2").unwrap().is_leaf());
    assert_eq!(fw.node("2").unwrap().depth, 0);
}

#[test]
fn good_units_model() {
    let set = load_units("tests/fixtures/units/good-small.toml").unwrap();
    assert_eq!(set.units.len(), 4);
    assert_eq!(set.regions.len(), 2);
    let qt = set.unit("44").unwrap();
    assert_eq!(qt.name, "Quảng Trị");
    assert_eq!(qt.absorbed, ["45"]);
    assert!(set.unit("01").unwrap().centrally_run);
    assert!(!qt.centrally_run);
    assert!(set.covers(2025) && !set.covers(2024));
    let minimal = load_units("tests/fixtures/units/good-minimal.toml").unwrap();
    assert!(minimal.covers(1990) && minimal.covers(2090));
}
