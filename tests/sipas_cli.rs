//! Survey responses through the real binary (issue 16): `import responses`, `survey compute`
//! and `report sipas` on a hand-computed fixture (tests/fixtures/sipas/), the bad files, and
//! the respondents' ids that never reach the store.

mod common;

use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sipas")
        .join(name)
}

fn st(dir: &Path) -> PathBuf {
    dir.join("st")
}

fn ok(dir: &Path, args: &[&str]) -> String {
    common::cli::ok(&st(dir), args)
}

/// A store with the year 2024 (bundled framework and the 63 provinces) and the fixture imported.
fn imported(dir: &Path) -> String {
    ok(dir, &["init", "--year", "2024"]);
    let survey = fixture("small-survey.toml");
    let file = fixture("responses.csv");
    ok(
        dir,
        &[
            "import",
            "responses",
            file.to_str().unwrap(),
            "--survey",
            survey.to_str().unwrap(),
            "--year",
            "2024",
        ],
    )
}

fn survey_arg() -> String {
    fixture("small-survey.toml").to_str().unwrap().to_string()
}

/// The CSV line of `code` in the report (unit rows start "unit,2024,thu-nghiem,").
fn csv_line<'a>(csv: &'a str, kind: &str, code: &str) -> &'a str {
    csv.lines()
        .find(|l| {
            let c: Vec<&str> = l.split(',').collect();
            c[0] == kind && (c[4] == code || (kind != "unit" && c[6] == code))
        })
        .unwrap_or_else(|| panic!("no {kind} {code} in:\n{csv}"))
}

// The expected numbers, computed by hand from tests/fixtures/sipas/responses.csv (answers of
// level 4 or 5 count as satisfied; Wilson: z = 1.959964, z² = 3.841459,
// centre = (p + z²/2n) / (1 + z²/n), half = z / (1 + z²/n) × √(p(1−p)/n + z²/4n²)):
//
// unit 01, 10 responses: A1 7/10 = 70 %, A2 8/10 = 80 %, B1 9/10 = 90 %.
//   factor A = (70 + 80) / 2 = 75 %, n = min(10, 10) = 10; factor B = 90 %, n = 10.
//   index = (75 + 90) / 2 = 82,50 %, n = 10: 1 + 0.3841459 = 1.3841459;
//   centre = (0.825 + 0.19207295) / 1.3841459 = 0.734889; half = 1.416027 × √(0.01443750 +
//   0.00960365) = 1.416027 × 0.155052 = 0.219558 → 51,52 %–95,44 %.
//   8.5.1 = 2,5 × 0,825 = 2,0625 → 2,06; 8.2.2 = 1,5 × 0,90 = 1,35. 10 < 11: few responses.
// unit 02 (named "Hà Giang"), 12 responses: A1 6/12 = 50 %, A2 9/11 = 81,818 % (one blank),
//   B1 3/12 = 25 %. A = 65,909 %, n = min(12, 11) = 11; B = 25 %, n = 12.
//   index = (65,909 + 25) / 2 = 45,4545 % → 45,45 %, n = min(11, 12) = 11:
//   1 + 3.841459/11 = 1.349224; centre = (0.454545 + 0.174612) / 1.349224 = 0.466309;
//   half = 1.452647 × √(0.02253944 + 0.00793690) = 1.452647 × 0.174575 = 0.253596
//   → 21,27 %–71,99 %. 8.5.1 = 2,5 × 0,454545 = 1,1364 → 1,14; 8.2.2 = 1,5 × 0,25 = 0,375 → 0,38
//   (half up). 12 ≥ 11: no warning.
// unit 04 (written "4"), 8 responses: A1 8/8, A2 4/8, B1 6/8. A = 75 %, B = 75 %, index 75 %,
//   n = 8: 1 + 0.4801824 = 1.4801824; centre = (0.75 + 0.24009119) / 1.4801824 = 0.668890;
//   half = 1.324137 × √(0.0234375 + 0.01500570) = 1.324137 × 0.196071 = 0.259625
//   → 40,93 %–92,85 %. 8.5.1 = 2,5 × 0,75 = 1,875 → 1,88; 8.2.2 = 1,125 → 1,13.
// Ranks: 01 (82,50) 1, 04 (75,00) 2, 02 (45,45) 3.
// National: (82,5 + 45,4545 + 75) / 3 = 67,65 %; Trung du và miền núi phía Bắc (02, 04):
// (45,4545 + 75) / 2 = 60,23 %; Đồng bằng sông Hồng (01): 82,50 %.
#[test]
fn the_hand_computed_fixture_gives_the_expected_indices_intervals_and_points() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let said = imported(dir);
    assert!(
        said.starts_with("Đã nhập 30 phiếu khảo sát thu-nghiem năm 2024: 3 đơn vị (trực tuyến 12, tại quầy 12, phiếu giấy 6)."),
        "{said}"
    );
    let s = survey_arg();
    let csv = ok(dir, &["report", "sipas", "--survey", &s, "--format", "csv"]);
    assert_eq!(
        csv.lines().next().unwrap(),
        "row_kind,year,survey,rank,unit,name,region,responses,index_percent,n,ci_low_percent,ci_high_percent,factor_a_percent,factor_b_percent,last_year_index_percent,last_year_rank,rank_change,few_responses"
    );
    assert_eq!(
        csv_line(&csv, "unit", "01"),
        "unit,2024,thu-nghiem,1,01,Hà Nội,DBSH,10,82.50,10,51.52,95.44,75.00,90.00,,,,yes"
    );
    assert_eq!(
        csv_line(&csv, "unit", "04"),
        "unit,2024,thu-nghiem,2,04,Cao Bằng,TDMNPB,8,75.00,8,40.93,92.85,75.00,75.00,,,,yes"
    );
    assert_eq!(
        csv_line(&csv, "unit", "02"),
        "unit,2024,thu-nghiem,3,02,Hà Giang,TDMNPB,12,45.45,11,21.27,71.99,65.91,25.00,,,,no"
    );
    assert_eq!(
        csv_line(&csv, "unit", "06"),
        "unit,2024,thu-nghiem,,06,Bắc Kạn,TDMNPB,0,,,,,,,,,,no"
    );
    assert_eq!(
        csv_line(&csv, "national", ""),
        "national,2024,thu-nghiem,,,Cả nước,,,67.65,3,,,71.97,63.33,,,,"
    );
    assert!(
        csv_line(&csv, "region", "TDMNPB").contains(",60.23,2,"),
        "{csv}"
    );

    // The preview: every point old → new, nothing written yet.
    let preview = ok(dir, &["survey", "compute", "--survey", &s]);
    for line in [
        "  01/8.5.1: — → 2,06   (tính từ 10 phiếu, công thức thu-nghiem v1: chỉ số 82,50% × 2,50 = 2,06 (yếu tố Yếu tố A 75,00%, Yếu tố B 90,00%; KTC 95%: 51,52–95,44%, n = 10))",
        "  01/8.2.2: — → 1,35   (tính từ 10 phiếu, công thức thu-nghiem v1: yếu tố Yếu tố B 90,00% × 1,50 = 1,35 (KTC 95%: 59,58–98,21%, n = 10))",
        "  02/8.5.1: — → 1,14   (tính từ 12 phiếu, công thức thu-nghiem v1: chỉ số 45,45% × 2,50 = 1,14 (yếu tố Yếu tố A 65,91%, Yếu tố B 25,00%; KTC 95%: 21,27–71,99%, n = 11))",
        "  02/8.2.2: — → 0,38   (tính từ 12 phiếu, công thức thu-nghiem v1: yếu tố Yếu tố B 25,00% × 1,50 = 0,38 (KTC 95%: 8,89–53,23%, n = 12))",
        "  04/8.5.1: — → 1,88   (tính từ 8 phiếu, công thức thu-nghiem v1: chỉ số 75,00% × 2,50 = 1,88 (yếu tố Yếu tố A 75,00%, Yếu tố B 75,00%; KTC 95%: 40,93–92,85%, n = 8))",
        "  04/8.2.2: — → 1,13   (tính từ 8 phiếu, công thức thu-nghiem v1: yếu tố Yếu tố B 75,00% × 1,50 = 1,13 (KTC 95%: 40,93–92,85%, n = 8))",
    ] {
        assert!(preview.contains(line), "{line}\nnot in:\n{preview}");
    }
    assert!(preview.contains("Chưa ghi gì."), "{preview}");
    let audit = ok(dir, &["audit", "--year", "2024", "--unit", "01"]);
    assert!(!audit.contains("8.5.1"), "nothing written yet:\n{audit}");

    let applied = ok(dir, &["survey", "compute", "--survey", &s, "--apply"]);
    assert!(applied.contains("Đã ghi 6 điểm khảo sát"), "{applied}");
    // The audit trail explains every survey point.
    let audit = ok(
        dir,
        &[
            "audit", "--year", "2024", "--unit", "02", "--item", "8.2.2", "--events",
        ],
    );
    assert!(
        audit.contains("điểm điều tra — → 0,38")
            && audit.contains(
                "tính từ 12 phiếu, công thức thu-nghiem v1: yếu tố Yếu tố B 25,00% × 1,50 = 0,38"
            ),
        "{audit}"
    );
    // The item's story (what the explain card F12/E shows) says how the points were computed.
    let story = ok(
        dir,
        &["audit", "--year", "2024", "--unit", "01", "--item", "8.5.1"],
    );
    // Its texts are wrapped: compare the words.
    let story = story.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        story.contains("Tính điểm điều tra từ phiếu khảo sát")
            && story.contains("Cách tính:")
            && story.contains(
                "tính từ 10 phiếu, công thức thu-nghiem v1: chỉ số 82,50% × 2,50 = 2,06 (yếu tố Yếu tố A 75,00%, Yếu tố B 90,00%; KTC 95%: 51,52–95,44%, n = 10)"
            ),
        "{story}"
    );
    // Computing again changes nothing.
    let again = ok(dir, &["survey", "compute", "--survey", &s, "--apply"]);
    assert!(
        again.contains("đã khớp với các phiếu đã nhập; không có gì thay đổi"),
        "{again}"
    );
    let v = ok(dir, &["verify"]);
    assert!(v.starts_with("OK"), "{v}");
}

#[test]
fn every_bad_file_lists_its_problems_and_imports_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    ok(dir, &["init", "--year", "2024"]);
    let s = survey_arg();
    let bad = fixture("bad");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&bad)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 6);
    for file in names {
        let f = file.to_str().unwrap();
        let err = common::cli::refused(&st(dir), &["import", "responses", f, "--survey", &s]);
        let shown: String = err
            .lines()
            .map(|l| l.strip_prefix(&format!("{f}: ")).unwrap_or(l).to_string() + "\n")
            .collect();
        let expected = std::fs::read_to_string(file.with_extension("expected")).unwrap();
        assert_eq!(shown, expected, "{f}");
    }
    let report = common::cli::refused(&st(dir), &["report", "sipas", "--survey", &s]);
    assert!(
        report.contains("năm 2024 chưa có phiếu khảo sát thu-nghiem nào"),
        "{report}"
    );
}

#[test]
fn a_respondent_imported_again_is_refused_and_ids_never_reach_the_store() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    imported(dir);
    let s = survey_arg();
    // The same file again: named as such (by its SHA-256).
    let file = fixture("responses.csv");
    let err = common::cli::refused(
        &st(dir),
        &[
            "import",
            "responses",
            file.to_str().unwrap(),
            "--survey",
            &s,
        ],
    );
    assert!(
        err.contains(
            "đã được nhập cho thu-nghiem năm 2024 với tên responses.csv; không có gì được ghi"
        ),
        "{err}"
    );
    // The same answers in another file (a blank line more): every respondent is already there
    // (compared by keyed hash).
    let copy = tmp.path().join("ban-sao.csv");
    let mut bytes = std::fs::read(&file).unwrap();
    bytes.extend_from_slice(b"\n");
    std::fs::write(&copy, bytes).unwrap();
    let err = common::cli::refused(
        &st(dir),
        &[
            "import",
            "responses",
            copy.to_str().unwrap(),
            "--survey",
            &s,
            "--dry-run",
        ],
    );
    assert!(
        err.contains("0 trùng trong chính tệp, 30 đã có trong các lần nhập trước của thu-nghiem năm 2024; không có gì được ghi"),
        "{err}"
    );
    // A new file whose one respondent repeats an earlier one (written in another case).
    let again = tmp.path().join("dot-2.csv");
    std::fs::write(
        &again,
        "nguoi_tra_loi,don_vi,kenh,ngay,A1,A2,B1\nMOI-1,01,online,05/04/2024,5,5,5\ncccd-1001,01,online,05/04/2024,1,1,1\n",
    )
    .unwrap();
    let err = common::cli::refused(
        &st(dir),
        &[
            "import",
            "responses",
            again.to_str().unwrap(),
            "--survey",
            &s,
        ],
    );
    assert!(err.contains("1 đã có trong các lần nhập trước"), "{err}");
    // Nothing of it was recorded: still the 30 responses.
    let csv = ok(dir, &["report", "sipas", "--survey", &s, "--format", "csv"]);
    assert!(csv_line(&csv, "unit", "01").contains(",10,82.50,"), "{csv}");
    // No respondent id anywhere in the store's files (journal, sled, key, log).
    ok(dir, &["verify"]);
    let mut found = Vec::new();
    let mut stack = vec![st(dir)];
    let mut files = 0;
    while let Some(p) = stack.pop() {
        for e in std::fs::read_dir(&p).unwrap() {
            let e = e.unwrap();
            let path = e.path();
            let kind = e.file_type().unwrap();
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file() {
                files += 1;
                let bytes = std::fs::read(&path).unwrap();
                for id in ["CCCD-10", "cccd-10", "MOI-1"] {
                    if bytes.windows(id.len()).any(|w| w == id.as_bytes()) {
                        found.push(format!("{} holds {id}", path.display()));
                    }
                }
            }
        }
    }
    assert!(files > 3, "the store has files");
    assert!(found.is_empty(), "{found:?}");
    assert!(st(dir).join("respondents.key").is_file());
}

// Last year by hand: 2023 has two responses per unit — 01 all "bình thường" (0 %), 02 all
// "rất hài lòng" (100 %), 04 all "hài lòng" (100 %) — so 02 and 04 share rank 1 and 01 is 3rd.
// 2024 (the fixture): 01 1st, 04 2nd, 02 3rd. Changes: 01 3 → 1 (↑ 2), 04 1 → 2 (↓ 1),
// 02 1 → 3 (↓ 2).
#[test]
fn the_report_compares_with_last_year_through_the_predecessors() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    imported(dir);
    ok(dir, &["init", "--year", "2023"]);
    let last = dir.join("2023.csv");
    std::fs::write(
        &last,
        "nguoi_tra_loi,don_vi,kenh,ngay,A1,A2,B1\n\
         a1,01,online,01/03/2023,3,3,3\na2,01,online,01/03/2023,3,3,3\n\
         b1,02,online,01/03/2023,5,5,5\nb2,02,online,01/03/2023,5,5,5\n\
         c1,04,online,01/03/2023,4,4,4\nc2,04,online,01/03/2023,4,4,4\n",
    )
    .unwrap();
    let s = survey_arg();
    ok(
        dir,
        &[
            "import",
            "responses",
            last.to_str().unwrap(),
            "--survey",
            &s,
            "--year",
            "2023",
        ],
    );
    let csv = ok(
        dir,
        &[
            "report", "sipas", "--survey", &s, "--format", "csv", "--year", "2024",
        ],
    );
    assert!(
        csv_line(&csv, "unit", "01").ends_with(",0.00,3,2,yes"),
        "{csv}"
    );
    assert!(
        csv_line(&csv, "unit", "04").ends_with(",100.00,1,-1,yes"),
        "{csv}"
    );
    assert!(
        csv_line(&csv, "unit", "02").ends_with(",100.00,1,-2,no"),
        "{csv}"
    );
    let md = ok(dir, &["report", "sipas", "--survey", &s, "--year", "2024"]);
    assert!(
        md.contains("| Chỉ số 2023 | Hạng 2023 | Thay đổi hạng |"),
        "{md}"
    );
    assert!(md.contains("| 0,00% | 3 | ↑ 2 bậc |"), "{md}");
    let en = ok(
        dir,
        &[
            "--lang", "en", "report", "sipas", "--survey", &s, "--year", "2024",
        ],
    );
    assert!(en.contains("| 100.00% | 1 | ↓ 2 places |"), "{en}");
    assert!(en.contains("Regional and national averages"), "{en}");
}

/// A workbook is read like the CSV file: numbers typed as numbers (the unit 1 for "01", the
/// answers 1–5), a level in words, the header found below a title row.
#[test]
fn a_workbook_of_responses_is_read_like_a_csv_file() {
    use rust_xlsxwriter::Workbook;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    ok(dir, &["init", "--year", "2024"]);
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "Phiếu khảo sát SIPAS — tỉnh thử")
        .unwrap();
    for (c, h) in ["nguoi_tra_loi", "don_vi", "kenh", "ngay", "A1", "A2", "B1"]
        .iter()
        .enumerate()
    {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    let rows: [(&str, f64, &str, &str, f64, &str, f64); 3] = [
        ("X-1", 1.0, "trực tuyến", "01/03/2024", 5.0, "hài lòng", 2.0),
        ("X-2", 1.0, "quầy", "02/03/2024", 3.0, "4", 4.0),
        ("X-3", 4.0, "giấy", "03/03/2024", 4.0, "", 5.0),
    ];
    for (r, (id, unit, ch, date, a1, a2, b1)) in rows.iter().enumerate() {
        let r = 3 + r as u32;
        ws.write_string(r, 0, *id).unwrap();
        ws.write_number(r, 1, *unit).unwrap();
        ws.write_string(r, 2, *ch).unwrap();
        ws.write_string(r, 3, *date).unwrap();
        ws.write_number(r, 4, *a1).unwrap();
        if !a2.is_empty() {
            ws.write_string(r, 5, *a2).unwrap();
        }
        ws.write_number(r, 6, *b1).unwrap();
    }
    let file = dir.join("phieu.xlsx");
    wb.save(&file).unwrap();
    let s = survey_arg();
    let said = ok(
        dir,
        &[
            "import",
            "responses",
            file.to_str().unwrap(),
            "--survey",
            &s,
        ],
    );
    assert!(
        said.starts_with("Đã nhập 3 phiếu khảo sát thu-nghiem năm 2024: 2 đơn vị"),
        "{said}"
    );
    // 01: A1 1/2, A2 2/2, B1 1/2 → A 75 %, B 50 %, index 62,50 %, n = 2; 04: A1 1/1, A2 none, B1 1/1
    // → A 100 %, B 100 %, index 100 %.
    let csv = ok(dir, &["report", "sipas", "--survey", &s, "--format", "csv"]);
    assert!(
        csv_line(&csv, "unit", "01").contains(",2,62.50,2,"),
        "{csv}"
    );
    assert!(
        csv_line(&csv, "unit", "04").contains(",1,100.00,1,"),
        "{csv}"
    );
}
