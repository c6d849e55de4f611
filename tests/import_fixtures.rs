//! Import fixtures (SPEC I2, R3): every `tests/fixtures/import/X.csv` is imported and the
//! problems, as English display lines, must equal `X.expected` (empty for a good file).
//! Files named `survey_*.csv` go through the survey import, the others through the
//! self-assessment import. Set `THAMDINH_BLESS=1` to rewrite the `.expected` files (review the
//! diff before committing).
//!
//! The framework and units are `framework.toml` and `units.toml` of the same folder, built
//! here with `from_parts` until the TOML loaders are merged.

use std::fs;
use std::path::{Path, PathBuf};

use thamdinh::domain::framework::{FrameworkMeta, Group};
use thamdinh::domain::units::{Region, UnitSetMeta};
use thamdinh::domain::{Framework, Method, Node, Points, SelfRow, Unit, UnitSet};
use thamdinh::io::{parse_self_csv, parse_survey_csv};

fn p(s: &str) -> Points {
    Points::parse(s).unwrap()
}

/// The framework of `framework.toml`.
fn fixture_framework() -> Framework {
    use Method::{Appraised as A, Survey as S};
    let items: &[(&str, &str, &str, Method)] = &[
        (
            "1",
            "Công tác chỉ đạo, điều hành cải cách hành chính",
            "3",
            A,
        ),
        ("1.1", "Kế hoạch cải cách hành chính", "2", A),
        ("1.1.1", "Ban hành kế hoạch cải cách hành chính năm", "1", A),
        (
            "1.1.2",
            "Mức độ thực hiện kế hoạch cải cách hành chính",
            "1",
            A,
        ),
        ("1.2", "Công tác kiểm tra cải cách hành chính", "1", A),
        ("3", "Cải cách thủ tục hành chính", "3", A),
        ("3.2", "Công bố, công khai thủ tục hành chính", "3", A),
        (
            "3.2.1",
            "Công bố danh mục thủ tục hành chính đúng thời hạn",
            "1.5",
            A,
        ),
        (
            "3.2.2",
            "Công khai thủ tục hành chính trên Cổng Dịch vụ công",
            "1.5",
            A,
        ),
        ("8", "Tác động của cải cách hành chính", "4", S),
        ("8.1", "Sự hài lòng của người dân", "4", S),
        ("8.1.1", "Mức độ hài lòng về tiếp cận dịch vụ", "2", S),
        ("8.1.2", "Mức độ hài lòng về thủ tục hành chính", "2", S),
    ];
    let mut nodes: Vec<Node> = Vec::new();
    for (code, name, max, method) in items {
        let parent = code
            .rsplit_once('.')
            .and_then(|(pc, _)| nodes.iter().position(|n| n.code == pc));
        nodes.push(Node {
            code: code.to_string(),
            name: name.to_string(),
            name_en: None,
            max: p(max),
            method: *method,
            guidance: String::new(),
            evidence: Vec::new(),
            parent,
            children: Vec::new(),
            depth: code.matches('.').count() as u8,
        });
        if let Some(pi) = parent {
            let i = nodes.len() - 1;
            nodes[pi].children.push(i);
        }
    }
    let groups = [("A", 9000), ("B", 8000), ("C", 7000)]
        .iter()
        .map(|(n, m)| Group {
            name: n.to_string(),
            min_percent: *m,
        })
        .collect();
    Framework::from_parts(
        FrameworkMeta {
            id: "fixture-import".into(),
            name: "Bộ chỉ số thử nghiệm cho kiểm thử nhập liệu".into(),
            status: "illustrative".into(),
            ..Default::default()
        },
        p("0.25"),
        p("10"),
        groups,
        nodes,
    )
}

/// The units of `units.toml`.
fn fixture_units() -> UnitSet {
    let region = |code: &str, name: &str| Region {
        code: code.into(),
        name: name.into(),
        name_en: None,
    };
    let unit = |code: &str, name: &str, region: &str, centrally_run: bool| Unit {
        code: code.into(),
        name: name.into(),
        region: region.into(),
        centrally_run,
        absorbed: Vec::new(),
    };
    UnitSet::from_parts(
        UnitSetMeta {
            id: "fixture-import".into(),
            name: "Đơn vị thử nghiệm".into(),
            ..Default::default()
        },
        vec![
            region("DBSH", "Đồng bằng sông Hồng"),
            region("BTB", "Bắc Trung Bộ và Duyên hải miền Trung"),
        ],
        vec![
            unit("01", "Hà Nội", "DBSH", true),
            unit("44", "Quảng Bình", "BTB", false),
            unit("45", "Quảng Trị", "BTB", false),
            unit("46", "Thừa Thiên Huế", "BTB", false),
        ],
    )
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
        "bad_evidence",
        "several_problems",
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
                let vi = p.message(thamdinh::i18n::Lang::Vi);
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
