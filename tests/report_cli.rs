//! `thamdinh report ranking` and `thamdinh report unit` run as a user runs them, on a demo store
//! (five provinces appraised, with adjustments and disputes), through the store's server.

use std::path::Path;
use std::process::{Command, Output};

use api::Workbench;
use domain::Method;

const YEAR: u16 = 2024;

fn me() -> String {
    uzers::get_current_username()
        .expect("passwd entry")
        .to_string_lossy()
        .into_owned()
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_thamdinh"))
        .arg("--store")
        .arg(dir.join("st"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run thamdinh")
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = run(dir, args);
    assert!(
        out.status.success(),
        "thamdinh {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// A demo store of five appraised provinces; returns, for unit 08, the appraised leaves whose
/// proposed score differs from the self score.
fn demo(dir: &Path) -> Vec<String> {
    let wb = sample::demo::build(&dir.join("st"), &me(), Some(5)).expect("demo store");
    let y = wb.year(YEAR).expect("year");
    let items = wb.items(YEAR, Some("08")).expect("items");
    y.framework
        .leaves()
        .filter(|n| n.method == Method::Appraised)
        .filter(|n| {
            items
                .iter()
                .any(|i| i.key.leaf == n.code && i.delta().is_some_and(|d| !d.is_zero()))
        })
        .map(|n| n.code.clone())
        .collect()
}

/// "87.25" → 8725.
fn hundredths(s: &str) -> i64 {
    let (a, b) = s.split_once('.').expect("two decimals");
    a.parse::<i64>().expect("int") * 100 + b.parse::<i64>().expect("cents")
}

#[test]
fn ranking_csv_is_consistent_and_its_averages_check_out() {
    let tmp = tempfile::tempdir().unwrap();
    demo(tmp.path());
    let csv = ok(tmp.path(), &["report", "ranking", "--format", "csv"]);
    let mut rd = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = rd.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[0], "kind");
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.unwrap()).collect();
    let units: Vec<&csv::StringRecord> = rows.iter().filter(|r| &r[0] == "unit").collect();
    let regions: Vec<&csv::StringRecord> = rows.iter().filter(|r| &r[0] == "region").collect();
    let nation: Vec<&csv::StringRecord> = rows.iter().filter(|r| &r[0] == "national").collect();
    assert_eq!((units.len(), regions.len(), nation.len()), (63, 6, 1));
    let scored: Vec<&&csv::StringRecord> = units
        .iter()
        .filter(|r| !r[col("rank_proposed")].is_empty())
        .collect();
    assert_eq!(scored.len(), 5, "the demo appraises five provinces");
    // Scored units first, by proposed rank; the change is self rank − proposed rank.
    let ranks: Vec<u32> = scored
        .iter()
        .map(|r| r[col("rank_proposed")].parse().unwrap())
        .collect();
    assert_eq!(ranks[0], 1);
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]), "{ranks:?}");
    for r in &scored {
        let s: i64 = r[col("rank_self")].parse().unwrap();
        let p: i64 = r[col("rank_proposed")].parse().unwrap();
        assert_eq!(r[col("rank_change")].parse::<i64>().unwrap(), s - p);
    }
    // The national average is the mean of the scored units' indexes, rounded half up.
    let pcts: Vec<i64> = scored
        .iter()
        .map(|r| hundredths(&r[col("percent_proposed")]))
        .collect();
    let n = pcts.len() as i64;
    let mean = (2 * pcts.iter().sum::<i64>() + n).div_euclid(2 * n);
    assert_eq!(hundredths(&nation[0][col("percent_proposed")]), mean);
    assert_eq!(&nation[0][col("units")], "5");
}

#[test]
fn ranking_markdown_to_stdout_or_a_file_in_either_language() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    demo(d);
    let md = ok(d, &["report", "ranking"]);
    assert!(md.starts_with("# Xếp hạng Chỉ số cải cách hành chính (PAR INDEX) năm 2024"));
    assert!(
        md.contains("| Hạng (đề xuất) | Hạng (tự chấm) | Thay đổi |"),
        "{md}"
    );
    assert!(
        md.contains("Đồng hạng: các đơn vị có chỉ số bằng nhau"),
        "{md}"
    );
    assert!(md.contains("| **Cả nước** | 5 |"), "{md}");
    assert!(md.contains("58 đơn vị chưa có số liệu"), "{md}");
    let en = ok(d, &["--lang", "en", "report", "ranking", "--year", "2024"]);
    assert!(en.contains("Ties: units with the same index"), "{en}");
    assert!(en.contains("| **National** | 5 |"), "{en}");

    let out = run(d, &["report", "ranking", "-o", "xep-hang.md"]);
    assert!(out.status.success());
    assert!(out.stdout.is_empty(), "the report went to the file");
    assert!(String::from_utf8_lossy(&out.stderr).contains("xep-hang.md"));
    assert_eq!(std::fs::read_to_string(d.join("xep-hang.md")).unwrap(), md);
    // No temporary file is left beside it.
    let names: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("xep-hang"))
        .collect();
    assert_eq!(names, vec!["xep-hang.md"]);
}

#[test]
fn unit_scorecard_lists_every_adjusted_item_with_its_justification() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let adjusted = demo(d);
    assert!(!adjusted.is_empty(), "the demo adjusts some of 08's items");
    let md = ok(d, &["report", "unit", "08"]);
    assert!(
        md.starts_with("# Phiếu kết quả thẩm định — 08 Tuyên Quang (năm 2024)"),
        "{md}"
    );
    let heading = format!("## Tiêu chí được điều chỉnh ({})", adjusted.len());
    assert!(md.contains(&heading), "{md}");
    let section: Vec<&str> = md
        .split(&heading)
        .nth(1)
        .unwrap()
        .split("## ")
        .next()
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Mã"))
        .collect();
    let codes: Vec<String> = section
        .iter()
        .map(|l| {
            l.split(" | ")
                .next()
                .unwrap()
                .trim_start_matches("| ")
                .to_string()
        })
        .collect();
    assert_eq!(codes, adjusted);
    for l in &section {
        // Code, criterion, self → proposed, Δ, justification, appraiser and date.
        let cells: Vec<&str> = l.trim_matches('|').split(" | ").collect();
        assert_eq!(cells.len(), 6, "{l}");
        assert!(cells[2].contains(" → "), "{l}");
        assert!(
            cells[3].starts_with('-') || cells[3].starts_with('+'),
            "{l}"
        );
        assert!(!cells[5].trim().is_empty(), "an appraiser is named: {l}");
    }
    assert!(md.contains("**Chưa chốt kết quả**"), "{md}");
    assert!(md.contains("## Giải trình ("), "{md}");

    let out = run(d, &["--lang", "en", "report", "unit", "99"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("there is no unit \"99\" in 2024"), "{err}");
}

/// The 2025 ranking compares each of the 34 provinces with the old provinces it continues: old
/// Bắc Giang (24) and old Bắc Ninh (27) make Bắc Ninh 2025's combined reference.
#[test]
fn the_ranking_after_the_merger_compares_with_the_predecessors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let csv = |name: &str, rows: &str| {
        let f = d.join(name);
        std::fs::write(&f, format!("unit,code,self_score,note,evidence\n{rows}")).unwrap();
        f.to_str().unwrap().to_string()
    };
    ok(d, &["init", "--year", "2024"]);
    // 2024: Hà Nội 1.50, Bắc Giang 1.00, Bắc Ninh 0.50, Lạng Sơn 0.25.
    let f = csv(
        "2024.csv",
        "01,1.1.1,0.5,,\n01,1.1.2,1,,\n24,1.1.1,0.5,,\n24,1.1.2,0.5,,\n27,1.1.1,0.5,,\n20,1.1.1,0.25,,\n",
    );
    ok(d, &["import", "self", &f, "--year", "2024"]);
    let init = ok(d, &["init", "--year", "2025", "--from-year", "2024"]);
    assert!(
        init.contains("34 đơn vị năm 2025 kế thừa 63 đơn vị năm 2024; 23 đơn vị được hợp nhất"),
        "{init}"
    );
    // 2025: Bắc Ninh 1.50 (first), Hà Nội and Lạng Sơn 0.50 (second, tied).
    let f = csv(
        "2025.csv",
        "01,1.1.1,0.5,,\n24,1.1.1,0.5,,\n24,1.1.2,1,,\n20,1.1.1,0.5,,\n",
    );
    ok(d, &["import", "self", &f, "--year", "2025"]);
    let md = ok(d, &["report", "ranking", "--year", "2025"]);
    let line = |code: &str| {
        md.lines()
            .find(|l| l.contains(&format!("| {code} |")))
            .unwrap_or_else(|| panic!("no row for {code}:\n{md}"))
            .to_string()
    };
    // Last year: Hà Nội 1.50 (1st), Bắc Ninh (0.50 + 1.00) / 2 = 0.75 (2nd), Lạng Sơn 0.25 (3rd).
    assert!(
        line("24").ends_with("| 0,75* | 2 | ↑ 1 bậc |"),
        "{}",
        line("24")
    );
    assert!(
        line("01").ends_with("| 1,50 | 1 | ↓ 1 bậc |"),
        "{}",
        line("01")
    );
    assert!(
        line("20").ends_with("| 0,25 | 3 | ↑ 1 bậc |"),
        "{}",
        line("20")
    );
    assert!(line("04").ends_with("| — | — |  |"), "{}", line("04"));
    assert!(
        md.contains(
            "- Bắc Ninh (24): tham chiếu gộp của Bắc Giang (24) 1,00% và Bắc Ninh (27) 0,50%"
        ),
        "{md}"
    );
    assert!(
        md.contains("Số đơn vị theo nhóm (điểm đề xuất): A 0 · B 0 · C 0 · dưới 70,00%: 3"),
        "{md}"
    );
    // The component indices: area 1 ranked among the scored units.
    assert!(md.contains("| 1 | 24 | Bắc Ninh | 1,50 (1) |"), "{md}");
    let csv_out = ok(
        d,
        &["report", "ranking", "--year", "2025", "--format", "csv"],
    );
    assert!(
        csv_out
            .lines()
            .any(|l| l.starts_with("unit,2025,1,1,0,24,Bắc Ninh,") && l.ends_with(",,0.75,2,1")),
        "{csv_out}"
    );
}

/// `report ranking --what-if-weight`: the demo's difficult provinces (02, 04, 06 have data)
/// weighted ×1,05, labelled as a simulation, with nothing recorded; a bad weight or a CSV what-if
/// is refused with a message that says what to type.
#[test]
fn the_what_if_is_printed_as_a_simulation_and_records_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    demo(d);
    // The store's seal (seq and hash of the last event), from `verify`.
    let seal = |d: &Path| {
        let v = ok(d, &["verify"]);
        v.split(". ")
            .find(|p| p.starts_with("Dấu niêm phong"))
            .unwrap_or_else(|| panic!("no seal in: {v}"))
            .to_string()
    };
    let seal_before = seal(d);
    let md = ok(d, &["report", "ranking", "--what-if-weight", "1,05"]);
    assert!(
        md.starts_with("# MÔ PHỎNG — không phải kết quả chính thức\n"),
        "{md}"
    );
    assert!(
        md.trim_end()
            .ends_with("**MÔ PHỎNG — không phải kết quả chính thức**"),
        "{md}"
    );
    // Official: 08 88,25 (1), 01 87,25 (2), 02 86,25 (3), 04 85,00 (4), 06 84,50 (5).
    // ×1,05: 02 90,56 (1), 04 89,25 (2), 06 88,73 (3), then 08 and 01 unchanged.
    let rows: Vec<&str> = md.lines().filter(|l| l.starts_with("| ")).skip(1).collect();
    assert_eq!(
        rows,
        [
            "| 1 | 3 | ↑ +2 | 02 | Hà Giang | ● | 86,25 | 90,56 |",
            "| 2 | 4 | ↑ +2 | 04 | Cao Bằng | ● | 85,00 | 89,25 |",
            "| 3 | 5 | ↑ +2 | 06 | Bắc Kạn | ● | 84,50 | 88,73 |",
            "| 4 | 1 | ↓ -3 | 08 | Tuyên Quang |  | 88,25 | 88,25 |",
            "| 5 | 2 | ↓ -3 | 01 | Hà Nội |  | 87,25 | 87,25 |",
        ],
        "{md}"
    );
    assert!(
        md.contains("Đơn vị khó khăn: 6, trong đó 3 có số liệu."),
        "{md}"
    );
    // The official ranking is unchanged, and nothing was recorded.
    let official = ok(d, &["report", "ranking"]);
    assert!(!official.contains("MÔ PHỎNG"), "{official}");
    assert!(
        official.contains("| 1 | 2 | ↑ +1 | 08 | Tuyên Quang |"),
        "{official}"
    );
    assert_eq!(seal(d), seal_before, "the what-if wrote nothing");
    // English, with a decimal point.
    let en = ok(
        d,
        &[
            "--lang",
            "en",
            "report",
            "ranking",
            "--what-if-weight",
            "1.1",
        ],
    );
    assert!(
        en.starts_with("# SIMULATION — not the official result\n"),
        "{en}"
    );
    // Bad input: said plainly, exit non-zero, nothing printed to standard output.
    for (args, says) in [
        (
            vec!["report", "ranking", "--what-if-weight", "1,5x"],
            "trọng số mô phỏng \"1,5x\" không phải là số",
        ),
        (
            vec!["report", "ranking", "--what-if-weight", "0,9"],
            "nằm ngoài khoảng 1,00 → 2,00",
        ),
        (
            vec![
                "report",
                "ranking",
                "--what-if-weight",
                "1,05",
                "--format",
                "csv",
            ],
            "--what-if-weight chỉ in được dạng Markdown",
        ),
    ] {
        let out = run(d, &args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} must fail");
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?} printed something");
    }
}
