//! `thamdinh import results` (SPEC I8) and what it gives the reports: a year known only by its published
//! results (the 2021 and 2023 figures of the domain notes, tests/fixtures/results/) is the base
//! the next year is compared with; a bad file is refused whole, every problem listed.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::cli::me;

/// `thamdinh --store DIR/st ARGS…`.
fn run(dir: &Path, args: &[&str]) -> Output {
    common::cli::run(&dir.join("st"), args)
}

fn ok(dir: &Path, args: &[&str]) -> String {
    common::cli::ok(&dir.join("st"), args)
}

fn refused(dir: &Path, args: &[&str]) -> String {
    common::cli::refused(&dir.join("st"), args)
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/results")
        .join(name)
}

/// The demo store: year 2024, five provinces appraised (Hà Nội among them).
fn demo(dir: &Path) {
    sample::demo::build(&dir.join("st"), &me(), Some(5)).expect("demo store");
}

fn import(dir: &Path, file: &str, year: &str) -> String {
    ok(
        dir,
        &[
            "import",
            "results",
            fixture(file).to_str().unwrap(),
            "--year",
            year,
        ],
    )
}

/// The row of the Markdown table whose code cell is `code`.
fn row_of<'a>(md: &'a str, code: &str) -> &'a str {
    md.lines()
        .find(|l| l.starts_with('|') && l.split('|').nth(4).map(str::trim) == Some(code))
        .unwrap_or_else(|| panic!("no row {code} in:\n{md}"))
}

/// "793/b4c43649329a84a8" from what `verify` prints.
fn seal_of(verify: &str) -> String {
    verify
        .split("niêm phong của kho: ")
        .nth(1)
        .and_then(|r| r.split('.').next())
        .unwrap_or_else(|| panic!("no seal in {verify}"))
        .to_string()
}

fn cells(row: &str) -> Vec<String> {
    row.split('|').map(|c| c.trim().to_string()).collect()
}

#[test]
fn ranking_2024_is_compared_with_the_published_2023_results() {
    let tmp = tempfile::tempdir().unwrap();
    demo(tmp.path());
    let before = ok(tmp.path(), &["report", "ranking", "--year", "2024"]);
    assert!(!before.contains("Hạng 2023"), "no base yet:\n{before}");
    let said = import(tmp.path(), "2023.csv", "2023");
    assert!(
        said.contains("Đã ghi kết quả công bố năm 2023: 2 tỉnh, 7 điểm trung bình"),
        "{said}"
    );
    assert!(said.contains("61 đơn vị không có số liệu"), "{said}");
    let md = ok(tmp.path(), &["report", "ranking", "--year", "2024"]);
    assert!(
        md.contains("| Năm 2023 (%) | Hạng 2023 | So với 2023 |"),
        "{md}"
    );
    assert!(
        md.contains("kết quả đã công bố (nhập từ tệp 2023.csv)"),
        "{md}"
    );
    // Hà Nội: published 91,43%, 3rd in 2023 (the published rank, not its place among the two
    // provinces of the file); this year's rank gives the change.
    let hn = cells(row_of(&md, "01"));
    assert_eq!((hn[11].as_str(), hn[12].as_str()), ("91,43", "3"), "{hn:?}");
    let now: i64 = hn[1].parse().expect("Hà Nội is ranked in 2024");
    let want = match 3 - now {
        0 => "=".to_string(),
        d if d > 0 => format!("↑ {d} bậc"),
        d => format!("↓ {} bậc", -d),
    };
    assert_eq!(hn[13], want, "{hn:?}");
    // Quảng Ninh: 1st in 2023.
    let qn = cells(row_of(&md, "22"));
    assert_eq!((qn[11].as_str(), qn[12].as_str()), ("92,18", "1"), "{qn:?}");
    // A province the file does not name has no figure, never 0.
    let ls = cells(row_of(&md, "20"));
    assert_eq!((ls[11].as_str(), ls[12].as_str()), ("—", "—"), "{ls:?}");
    assert!(
        md.contains("- Không có số liệu năm 2023 (61 đơn vị):"),
        "{md}"
    );
    assert!(!md.contains("| 0,00 |"), "{md}");
    // The scorecard says the same.
    let card = ok(tmp.path(), &["report", "unit", "01", "--year", "2024"]);
    assert!(card.contains("2023"), "{card}");
    assert!(card.contains("91,43"), "{card}");
    // Everything recorded is in the chain.
    ok(tmp.path(), &["verify"]);
}

#[test]
fn a_results_only_year_prints_its_published_ranking() {
    let tmp = tempfile::tempdir().unwrap();
    demo(tmp.path());
    import(tmp.path(), "2021.csv", "2021");
    let md = ok(tmp.path(), &["report", "ranking", "--year", "2021"]);
    assert!(
        md.starts_with("# Kết quả đã công bố — Chỉ số cải cách hành chính (PAR INDEX) năm 2021\n"),
        "{md}"
    );
    let lines: Vec<Vec<String>> = ["31", "22", "48", "46", "26", "91"]
        .iter()
        .map(|c| {
            md.lines()
                .find(|l| l.split('|').nth(2).map(str::trim) == Some(*c))
                .map(cells)
                .unwrap_or_else(|| panic!("no {c}:\n{md}"))
        })
        .collect();
    let got: Vec<(&str, &str, &str)> = lines
        .iter()
        .map(|c| (c[1].as_str(), c[3].as_str(), c[5].as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("1", "Hải Phòng", "91,80"),
            ("2", "Quảng Ninh", "91,14"),
            ("3", "Đà Nẵng", "90,25"),
            ("4", "Thừa Thiên Huế", "89,32"),
            ("5", "Vĩnh Phúc", "89,28"),
            ("63", "Kiên Giang", "79,97"),
        ]
    );
    assert!(md.contains("| **Cả nước** | 86,37 |"), "{md}");
    // A results-only year has no scorecards: the refusal says where its results are.
    let card = refused(tmp.path(), &["report", "unit", "31", "--year", "2021"]);
    assert!(
        card.contains("thamdinh report ranking --year 2021"),
        "{card}"
    );
    assert!(md.contains("Không có số liệu (57 đơn vị)"), "{md}");
    let en = ok(
        tmp.path(),
        &["--lang", "en", "report", "ranking", "--year", "2021"],
    );
    assert!(
        en.starts_with("# Published results — PAR INDEX 2021\n"),
        "{en}"
    );
    assert!(
        en.contains("| 1 | 31 | Hải Phòng | Red River Delta | 91.80 |"),
        "{en}"
    );
}

#[test]
fn the_2023_regional_averages_are_kept_as_published() {
    let tmp = tempfile::tempdir().unwrap();
    demo(tmp.path());
    import(tmp.path(), "2023.csv", "2023");
    let md = ok(tmp.path(), &["report", "ranking", "--year", "2023"]);
    for (region, v) in [
        ("Đồng bằng sông Hồng", "88,33"),
        ("Đông Nam Bộ", "87,79"),
        ("Trung du và miền núi phía Bắc", "87,72"),
        ("Bắc Trung Bộ và Duyên hải miền Trung", "86,82"),
        ("Đồng bằng sông Cửu Long", "85,42"),
        ("Tây Nguyên", "85,42"),
        ("**Cả nước**", "86,98"),
    ] {
        assert!(
            md.contains(&format!("| {region} | {v} |")),
            "{region}:\n{md}"
        );
    }
    // Hà Nội keeps its published rank 3 although the file names no 2nd.
    assert!(md.contains("| 3 | 01 | Hà Nội |"), "{md}");
}

#[test]
fn a_bad_file_lists_every_problem_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    demo(tmp.path());
    let seal = seal_of(&ok(tmp.path(), &["verify"]));
    let bad = fixture("bad.csv");
    let err = refused(
        tmp.path(),
        &[
            "--lang",
            "en",
            "import",
            "results",
            bad.to_str().unwrap(),
            "--year",
            "2023",
        ],
    );
    let prefix = format!("{}: ", bad.display());
    let got: String = err
        .lines()
        .filter_map(|l| l.strip_prefix(&prefix))
        .map(|l| format!("{l}\n"))
        .collect();
    let expected_path = fixture("bad.expected");
    if std::env::var_os("THAMDINH_BLESS").is_some() {
        std::fs::write(&expected_path, &got).unwrap();
    }
    let expected = std::fs::read_to_string(&expected_path).expect("bad.expected");
    assert_eq!(got, expected);
    assert!(err.contains("nothing was imported"), "{err}");
    // In Vietnamese too, with the row and the column.
    let vi = refused(
        tmp.path(),
        &["import", "results", bad.to_str().unwrap(), "--year", "2023"],
    );
    assert!(
        vi.contains("dòng 3, cột don_vi: \"Quảng Ninhh\" không phải mã hay tên đơn vị"),
        "{vi}"
    );
    assert!(vi.contains("không nhập dòng nào"), "{vi}");
    // Nothing was recorded: the seal is the same, and 2023 is still unknown.
    assert_eq!(seal_of(&ok(tmp.path(), &["verify"])), seal);
    let none = refused(tmp.path(), &["report", "ranking", "--year", "2023"]);
    assert!(none.contains("2023"), "{none}");
}

#[test]
fn results_are_replaced_only_with_a_reason_and_never_on_an_appraised_year() {
    let tmp = tempfile::tempdir().unwrap();
    demo(tmp.path());
    import(tmp.path(), "2023.csv", "2023");
    let again = refused(
        tmp.path(),
        &[
            "import",
            "results",
            fixture("2021.csv").to_str().unwrap(),
            "--year",
            "2023",
        ],
    );
    assert!(
        again.contains("năm 2023 đã có kết quả công bố (nhập từ tệp 2023.csv)"),
        "{again}"
    );
    assert!(again.contains("--replace --reason"), "{again}");
    let no_reason = refused(
        tmp.path(),
        &[
            "import",
            "results",
            fixture("2021.csv").to_str().unwrap(),
            "--year",
            "2023",
            "--replace",
        ],
    );
    assert!(no_reason.contains("--reason"), "{no_reason}");
    ok(
        tmp.path(),
        &[
            "import",
            "results",
            fixture("2021.csv").to_str().unwrap(),
            "--year",
            "2023",
            "--replace",
            "--reason",
            "tệp trước nhầm năm, thay bằng tệp đúng",
        ],
    );
    let md = ok(tmp.path(), &["report", "ranking", "--year", "2023"]);
    assert!(md.contains("2021.csv"), "{md}");
    // The replacement and its reason are in the record.
    let audit = ok(tmp.path(), &["audit"]);
    assert!(audit.contains("thay kết quả công bố năm 2023"), "{audit}");
    assert!(audit.contains("tệp trước nhầm năm"), "{audit}");
    // The year's own audit trail lists both, under the year.
    let year = ok(tmp.path(), &["audit", "--year", "2023"]);
    assert_eq!(
        year.lines()
            .filter(|l| l.contains("kết quả công bố năm 2023"))
            .count(),
        2,
        "{year}"
    );
    // 2024 is appraised here: it is compared by its own scores, not given published ones.
    let appraised = refused(
        tmp.path(),
        &[
            "import",
            "results",
            fixture("2023.csv").to_str().unwrap(),
            "--year",
            "2024",
        ],
    );
    assert!(
        appraised.contains("năm 2024 đang được thẩm định trong kho này"),
        "{appraised}"
    );
    ok(tmp.path(), &["verify"]);
}

#[test]
fn the_ranking_workbook_and_csv_carry_the_published_base() {
    use calamine::Reader;
    let tmp = tempfile::tempdir().unwrap();
    demo(tmp.path());
    import(tmp.path(), "2023.csv", "2023");
    let path = tmp.path().join("xh.xlsx");
    run(
        tmp.path(),
        &[
            "report",
            "ranking",
            "--year",
            "2024",
            "--format",
            "xlsx",
            "-o",
            path.to_str().unwrap(),
        ],
    );
    let bytes = std::fs::read(&path).expect("workbook written");
    let mut wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(&bytes[..])).unwrap();
    let name = wb.sheet_names()[0].clone();
    let sheet = wb.worksheet_range(&name).unwrap();
    let text: Vec<String> = sheet.rows().flatten().map(|c| c.to_string()).collect();
    assert!(
        text.iter().any(|c| c == "Chỉ số năm 2023 (%, công bố)"),
        "{text:?}"
    );
    // Hà Nội's row: 91.43 and the published rank 3.
    let hn = sheet
        .rows()
        .find(|r| r.get(3).is_some_and(|c| c.to_string().as_str() == "01"))
        .expect("Hà Nội's row");
    let tail: Vec<String> = hn.iter().rev().take(3).map(|c| c.to_string()).collect();
    assert!(tail.contains(&"91.43".to_string()), "{tail:?}");
    assert!(tail.contains(&"3".to_string()), "{tail:?}");
    // The CSV for programs: last year's index and rank in their columns, empty when absent.
    let csv = ok(
        tmp.path(),
        &["report", "ranking", "--year", "2024", "--format", "csv"],
    );
    let mut rd = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = rd.headers().unwrap().iter().map(String::from).collect();
    let col = |n: &str| header.iter().position(|h| h == n).expect(n);
    let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.unwrap()).collect();
    let unit = |code: &str| {
        rows.iter()
            .find(|r| &r[0] == "unit" && &r[col("unit")] == code)
            .unwrap_or_else(|| panic!("unit {code}"))
    };
    let hn = unit("01");
    assert_eq!(
        (&hn[col("percent_last_year")], &hn[col("rank_last_year")]),
        ("91.43", "3")
    );
    let ls = unit("20");
    assert_eq!(
        (&ls[col("percent_last_year")], &ls[col("rank_last_year")]),
        ("", "")
    );
}

#[test]
fn a_backup_restores_the_published_results() {
    let tmp = tempfile::tempdir().unwrap();
    demo(tmp.path());
    import(tmp.path(), "2021.csv", "2021");
    let file = tmp.path().join("b.jsonl");
    ok(tmp.path(), &["backup", "-o", file.to_str().unwrap()]);
    let out = Command::new(env!("CARGO_BIN_EXE_thamdinh"))
        .arg("--store")
        .arg(tmp.path().join("st2"))
        .args(["restore", file.to_str().unwrap()])
        .current_dir(tmp.path())
        .output()
        .expect("run thamdinh");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let restored = Command::new(env!("CARGO_BIN_EXE_thamdinh"))
        .arg("--store")
        .arg(tmp.path().join("st2"))
        .args(["report", "ranking", "--year", "2021"])
        .current_dir(tmp.path())
        .output()
        .expect("run thamdinh");
    let md = String::from_utf8(restored.stdout).unwrap();
    assert!(md.contains("| 63 | 91 | Kiên Giang |"), "{md}");
    assert_eq!(
        md.lines().skip(3).collect::<Vec<_>>(),
        ok(tmp.path(), &["report", "ranking", "--year", "2021"])
            .lines()
            .skip(3)
            .collect::<Vec<_>>()
    );
}
