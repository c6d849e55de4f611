//! Import fixtures (SPEC I2, R3): every `tests/fixtures/import/X.csv` is imported and the
//! problems, as English display lines, must equal `X.expected` (empty for a good file).
//! Files named `survey_*.csv` go through the survey import, the others through the
//! self-assessment import. Set `THAMDINH_BLESS=1` to rewrite the `.expected` files (review the
//! diff before committing).
//!
//! The framework and units are `framework.toml` and `units.toml` of the same folder.

use std::fs;
use std::path::{Path, PathBuf};

use domain::{Framework, SelfRow, UnitSet, parse_framework, parse_units};
use formats::{parse_self_csv, parse_survey_csv};

/// The framework of `framework.toml`, through the real loader.
fn fixture_framework() -> Framework {
    let path = dir().join("framework.toml");
    let text = fs::read_to_string(&path).expect("fixture framework");
    parse_framework(&text, "tests/fixtures/import/framework.toml")
        .expect("fixture framework is valid")
}

/// The units of `units.toml`, through the real loader.
fn fixture_units() -> UnitSet {
    let path = dir().join("units.toml");
    let text = fs::read_to_string(&path).expect("fixture units");
    parse_units(&text, "tests/fixtures/import/units.toml").expect("fixture units are valid")
}

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import")
}

fn fixtures() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    v.sort();
    v
}

/// The problems of one file as display lines (empty when it imports).
fn problems(path: &Path) -> String {
    let fw = fixture_framework();
    let units = fixture_units();
    let bytes = fs::read(path).unwrap();
    let name = path.file_name().unwrap().to_string_lossy();
    let result = if name.starts_with("survey_") {
        parse_survey_csv(&bytes, 2024, &fw, &units).map(|_| ())
    } else {
        parse_self_csv(&bytes, 2024, &fw, &units).map(|_| ())
    };
    match result {
        Ok(()) => String::new(),
        Err(ps) => ps.iter().map(|p| format!("{p}\n")).collect(),
    }
}

#[test]
fn every_fixture_gives_its_expected_problems() {
    let bless = std::env::var_os("THAMDINH_BLESS").is_some();
    let mut failures = Vec::new();
    for csv in fixtures() {
        let expected_path = csv.with_extension("expected");
        let got = problems(&csv);
        if bless {
            fs::write(&expected_path, &got).unwrap();
            continue;
        }
        let expected = fs::read_to_string(&expected_path)
            .unwrap_or_else(|_| panic!("{} has no .expected file", csv.display()));
        if got != expected {
            failures.push(format!(
                "{}:\n--- expected\n{expected}--- got\n{got}",
                csv.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_problem_kind_has_a_fixture() {
    let names: Vec<String> = fixtures()
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    for wanted in [
        "good",
        "good_semicolon",
        "good_vietnamese",
        "unknown_unit",
        "unknown_criterion",
        "not_a_leaf",
        "criterion_is_survey",
        "over_max",
        "off_step",
        "negative",
        "not_a_number",
        "duplicate_row",
        "missing_column",
        "unknown_column",
        "not_utf8",
        "empty",
        "header_only",
        "empty_cell",
        "wrong_field_count",
        "split_decimal",
        "bad_evidence",
        "several_problems",
        "unterminated_quote",
        "nul_byte",
        "number_form",
        "text_too_long",
        "survey_good",
        "survey_bad",
    ] {
        assert!(
            names.iter().any(|n| n == wanted),
            "missing fixture {wanted}.csv"
        );
    }
}

#[test]
fn good_files_in_every_dialect_give_the_same_rows() {
    let fw = fixture_framework();
    let units = fixture_units();
    let read = |name: &str| -> Vec<SelfRow> {
        let bytes = fs::read(dir().join(name)).unwrap();
        parse_self_csv(&bytes, 2024, &fw, &units).unwrap()
    };
    let good = read("good.csv");
    assert_eq!(good.len(), 7);
    assert_eq!(good[3].evidence.len(), 2);
    assert_eq!(good[3].evidence[0].date, "2024-03-15");
    assert_eq!(read("good_semicolon.csv"), good);
    assert_eq!(read("good_vietnamese.csv"), good);
}

#[test]
fn vietnamese_messages_exist_for_every_fixture_problem() {
    let fw = fixture_framework();
    let units = fixture_units();
    for csv in fixtures() {
        let bytes = fs::read(&csv).unwrap();
        if let Err(ps) = parse_self_csv(&bytes, 2024, &fw, &units) {
            for p in ps {
                let vi = p.message(l10n::Lang::Vi);
                assert!(
                    vi.starts_with("dòng ") || vi.starts_with("tệp"),
                    "{}: {vi}",
                    csv.display()
                );
                assert_ne!(vi, p.to_string());
            }
        }
    }
}
