//! XLSX export (SPEC I4, W10): the appraisal workbook and the ranking, opened with calamine
//! (a real spreadsheet reader) and checked cell by cell; export → re-import as self-scores gives
//! the same numbers, notes and evidence; the import template re-imports once filled in.

mod common;
#[path = "common/xlsx_fill.rs"]
mod xlsx_fill;

use api::Workbench;
use calamine::{Data, Reader};
use common::{YEAR, date, key, open_round, p, setup, version};
use domain::{Command, Framework, Item, Outcome, UnitSet};
use formats::ranking_report::{ranking_report, tie_rule};
use formats::xlsx::{
    TemplateKind, appraisal_workbook, ranking_workbook, template_workbook, write_ranking_xlsx,
};
use formats::{FileFormat, parse_self, parse_survey};
use l10n::Lang;

/// The common store with decisions: 44/1.1.1 adjusted 2 → 1.5; 67/2.1.1 adjusted 4 → 3, then
/// disputed and partly upheld at 3.75. Totals: 44 self 9.00, proposed 8.50 (85 %); 67 self
/// 9.00, proposed 8.75 (87.5 %).
fn data() -> (tempfile::TempDir, Framework, UnitSet, Vec<Item>) {
    let tmp = tempfile::tempdir().unwrap();
    let wb = setup(tmp.path());
    let k = key("44", "1.1.1");
    wb.apply(Command::Adjust {
        key: k.clone(),
        score: p("1.5"),
        justification: "Kế hoạch ban hành chậm, sau ngày 31/01".into(),
        expected: version(&wb, &k),
    })
    .unwrap();
    let k = key("67", "2.1.1");
    wb.apply(Command::Adjust {
        key: k.clone(),
        score: p("3"),
        justification: "Tỷ lệ hồ sơ đúng hạn 91 %".into(),
        expected: version(&wb, &k),
    })
    .unwrap();
    open_round(&wb, "2025-03-01", "2025-03-15");
    wb.apply(Command::RecordDispute {
        key: k.clone(),
        explanation: "Đã bổ sung số liệu từ hệ thống một cửa".into(),
        document: "Công văn 123/UBND-NC".into(),
        claimed: Some(p("4")),
        received: date("2025-03-05"),
        round: None,
        expected: version(&wb, &k),
    })
    .unwrap();
    wb.apply(Command::ResolveDispute {
        key: k.clone(),
        outcome: Outcome::PartlyUpheld,
        score: Some(p("3.75")),
        response: "Chấp nhận một phần số liệu bổ sung".into(),
        expected: version(&wb, &k),
    })
    .unwrap();
    let y = wb.year(YEAR).unwrap();
    let items = wb.items(YEAR, None).unwrap();
    (tmp, y.framework.clone(), y.units.clone(), items)
}

type Sheet = calamine::Range<Data>;

fn open(bytes: &[u8]) -> calamine::Sheets<std::io::Cursor<&[u8]>> {
    calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).unwrap()
}

fn sheet(bytes: &[u8], name: &str) -> Sheet {
    open(bytes).worksheet_range(name).unwrap()
}

/// The cell at a 0-based (row, column) of the sheet.
fn at(s: &Sheet, row: u32, col: u32) -> Data {
    s.get_value((row, col)).cloned().unwrap_or(Data::Empty)
}

fn text(s: &Sheet, row: u32, col: u32) -> String {
    match at(s, row, col) {
        Data::String(t) => t,
        other => panic!("({row}, {col}) is {other:?}, not text"),
    }
}

fn num(s: &Sheet, row: u32, col: u32) -> f64 {
    match at(s, row, col) {
        Data::Float(f) => f,
        Data::Int(i) => i as f64,
        other => panic!("({row}, {col}) is {other:?}, not a number"),
    }
}

fn row_texts(s: &Sheet, row: u32, cols: u32) -> Vec<String> {
    (0..cols)
        .map(|c| match at(s, row, c) {
            Data::String(t) => t,
            Data::Empty => String::new(),
            other => format!("{other}"),
        })
        .collect()
}

#[test]
fn national_workbook_has_the_ranking_then_one_sheet_per_unit() {
    let (_tmp, fw, units, items) = data();
    let bytes = appraisal_workbook(&fw, &units, YEAR, &items, None, 0, Lang::Vi).unwrap();
    assert_eq!(
        open(&bytes).sheet_names(),
        vec!["Xếp hạng", "44 Quảng Bình", "67 Đắk Nông"]
    );
    // A unit's sheet by its code or its name.
    for wanted in ["44", "quảng bình", "44 Quảng Bình"] {
        let rows = parse_self(
            &bytes,
            FileFormat::Workbook {
                sheet: Some(wanted),
            },
            YEAR,
            &fw,
            &units,
        )
        .unwrap();
        assert!(rows.iter().all(|r| r.unit == "44"), "{wanted}");
    }
    let one = appraisal_workbook(&fw, &units, YEAR, &items, Some("67"), 0, Lang::En).unwrap();
    assert_eq!(open(&one).sheet_names(), vec!["67 Đắk Nông"]);
    assert!(appraisal_workbook(&fw, &units, YEAR, &items, Some("99"), 0, Lang::En).is_err());
}

#[test]
fn ranking_sheet_cells() {
    let (_tmp, fw, units, items) = data();
    let report = ranking_report(&fw, &units, YEAR, &items, 1);
    let bytes = ranking_workbook(&report, Lang::Vi).unwrap();
    assert_eq!(open(&bytes).sheet_names(), vec!["Xếp hạng"]);
    let s = sheet(&bytes, "Xếp hạng");
    assert_eq!(
        text(&s, 0, 0),
        "Xếp hạng Chỉ số CCHC năm 2024, theo điểm thẩm định"
    );
    assert!(
        text(&s, 1, 0).ends_with("0 giải trình đang mở · 1/2 đơn vị đã chốt."),
        "{}",
        text(&s, 1, 0)
    );
    assert_eq!(
        row_texts(&s, 2, 12),
        vec![
            "Hạng theo tự đánh giá",
            "Hạng theo thẩm định",
            "Thay đổi hạng",
            "Mã",
            "Đơn vị",
            "Vùng",
            "Tổng điểm tự đánh giá",
            "Tổng điểm thẩm định",
            "Chỉ số tự đánh giá (%)",
            "Chỉ số thẩm định (%)",
            "Nhóm theo tự đánh giá",
            "Nhóm theo thẩm định",
        ]
    );
    // Sorted by proposed rank: 67 (87.50 %) before 44 (85.00 %); both 90 % by self: a tie.
    assert_eq!(text(&s, 3, 3), "67");
    assert_eq!(text(&s, 3, 4), "Đắk Nông");
    assert_eq!(text(&s, 3, 5), "Tây Nguyên");
    assert_eq!(
        (num(&s, 3, 0), num(&s, 3, 1), num(&s, 3, 2)),
        (1.0, 1.0, 0.0)
    );
    assert_eq!((num(&s, 3, 6), num(&s, 3, 7)), (9.0, 8.75));
    assert_eq!((num(&s, 3, 8), num(&s, 3, 9)), (90.0, 87.5));
    assert_eq!((text(&s, 3, 10), text(&s, 3, 11)), ("A".into(), "B".into()));
    assert_eq!(text(&s, 4, 3), "44");
    assert_eq!(
        (num(&s, 4, 0), num(&s, 4, 1), num(&s, 4, 2)),
        (1.0, 2.0, -1.0)
    );
    assert_eq!((num(&s, 4, 7), num(&s, 4, 9)), (8.5, 85.0));
    // Averages below: title, header, two regions, the nation.
    assert!(text(&s, 6, 0).starts_with("Chỉ số bình quân theo vùng"));
    assert_eq!(text(&s, 7, 0), "Vùng");
    let avg = |r: u32| (text(&s, r, 0), num(&s, r, 6), num(&s, r, 7), num(&s, r, 8));
    assert_eq!(
        avg(8),
        (
            "Bắc Trung Bộ và Duyên hải miền Trung".into(),
            1.0,
            90.0,
            85.0
        )
    );
    assert_eq!(avg(9), ("Tây Nguyên".into(), 1.0, 90.0, 87.5));
    assert_eq!(avg(10), ("Cả nước".into(), 2.0, 90.0, 86.25));
    assert_eq!(num(&s, 10, 9), -3.75);
    assert!(text(&s, 12, 0).starts_with(tie_rule(Lang::Vi)));
}

#[test]
fn units_without_scores_come_last_unranked() {
    let (_tmp, fw, units, mut items) = data();
    items.retain(|i| i.key.unit != "67");
    let report = ranking_report(&fw, &units, YEAR, &items, 0);
    let s = sheet(&ranking_workbook(&report, Lang::En).unwrap(), "Ranking");
    assert_eq!(text(&s, 3, 3), "44");
    assert_eq!((num(&s, 3, 0), num(&s, 3, 1)), (1.0, 1.0));
    assert_eq!(text(&s, 4, 3), "67");
    assert_eq!(at(&s, 4, 0), Data::Empty);
    assert_eq!(at(&s, 4, 7), Data::Empty);
    assert_eq!(text(&s, 4, 11), "no scores");
    // The average leaves it out: Central Highlands has no scored unit.
    assert_eq!(num(&s, 9, 6), 0.0);
    assert_eq!(at(&s, 9, 7), Data::Empty);
    assert_eq!((num(&s, 10, 6), num(&s, 10, 8)), (1.0, 85.0));
}

#[test]
fn unit_sheet_cells_with_subtotals() {
    let (_tmp, fw, units, items) = data();
    let bytes = appraisal_workbook(&fw, &units, YEAR, &items, None, 0, Lang::Vi).unwrap();
    let s = sheet(&bytes, "44 Quảng Bình");
    assert_eq!(
        text(&s, 0, 0),
        "Bảng thẩm định Chỉ số CCHC năm 2024 — 44 Quảng Bình"
    );
    assert!(
        text(&s, 1, 0).starts_with(
            "Tự đánh giá: 9,00 điểm (90,00 %, nhóm A, hạng 1) · Thẩm định: 8,50 điểm (85,00 %, nhóm B, hạng 2)"
        ),
        "{}",
        text(&s, 1, 0)
    );
    assert_eq!(
        row_texts(&s, 2, 15),
        vec![
            "Mã đơn vị",
            "Mã tiêu chí",
            "Tiêu chí",
            "Điểm tối đa",
            "Phương thức",
            "Điểm tự đánh giá",
            "Điểm thẩm định",
            "Chênh lệch",
            "Trạng thái",
            "Lý do thẩm định",
            "Kết quả giải trình",
            "Ghi chú",
            "Tài liệu kiểm chứng",
            "Người thẩm định",
            "Ngày cập nhật",
        ]
    );
    // 1.1.1, adjusted.
    assert_eq!(
        row_texts(&s, 3, 5),
        vec![
            "44",
            "1.1.1",
            "Ban hành kế hoạch cải cách hành chính",
            "2",
            "thẩm định"
        ]
    );
    assert_eq!(
        (num(&s, 3, 5), num(&s, 3, 6), num(&s, 3, 7)),
        (2.0, 1.5, -0.5)
    );
    assert_eq!(text(&s, 3, 8), "Điều chỉnh");
    assert_eq!(text(&s, 3, 9), "Kế hoạch ban hành chậm, sau ngày 31/01");
    assert_eq!(text(&s, 3, 11), "Ghi chú của tỉnh cho 1.1.1");
    assert_eq!(
        text(&s, 3, 12),
        "12/KH-UBND|Kế hoạch CCHC năm 2024|2024-01-10"
    );
    assert_eq!(text(&s, 3, 13), "lead");
    assert!(matches!(at(&s, 3, 14), Data::DateTime(_)));
    // 1.1.3: survey.
    assert_eq!(text(&s, 5, 1), "1.1.3");
    assert_eq!(text(&s, 5, 4), "điều tra");
    // Area 1 subtotal: cached results of the SUM formulas.
    assert_eq!(text(&s, 6, 2), "Cộng lĩnh vực 1: Lĩnh vực một");
    assert_eq!(text(&s, 6, 4), "cộng");
    assert_eq!(
        (num(&s, 6, 3), num(&s, 6, 5), num(&s, 6, 6), num(&s, 6, 7)),
        (6.0, 5.0, 4.5, -0.5)
    );
    let formulas = open(&bytes).worksheet_formula("44 Quảng Bình").unwrap();
    assert_eq!(
        formulas.get_value((6, 5)).map(String::as_str),
        Some("SUM(F4:F6)")
    );
    // Area 2 and the total.
    assert_eq!(text(&s, 7, 1), "2.1.1");
    assert_eq!((num(&s, 8, 5), num(&s, 8, 6)), (4.0, 4.0));
    assert_eq!(text(&s, 9, 2), "Tổng cộng");
    assert_eq!(
        (num(&s, 9, 3), num(&s, 9, 5), num(&s, 9, 6), num(&s, 9, 7)),
        (10.0, 9.0, 8.5, -0.5)
    );
    // The dispute of 67.
    let s = sheet(&bytes, "67 Đắk Nông");
    assert_eq!(text(&s, 7, 1), "2.1.1");
    assert_eq!(text(&s, 7, 8), "Đã xử lý giải trình");
    assert_eq!(
        text(&s, 7, 10),
        "Chấp nhận một phần: Chấp nhận một phần số liệu bổ sung"
    );
    assert_eq!(text(&s, 7, 9), "Tỷ lệ hồ sơ đúng hạn 91 %");
    assert_eq!((num(&s, 7, 6), num(&s, 7, 7)), (3.75, -0.25));
}

#[test]
fn exported_sheets_reimport_as_the_same_self_scores() {
    let (_tmp, fw, units, items) = data();
    for lang in [Lang::Vi, Lang::En] {
        let bytes = appraisal_workbook(&fw, &units, YEAR, &items, None, 0, lang).unwrap();
        for unit in ["44", "67"] {
            // The unit's code picks its sheet in a national workbook.
            let rows = parse_self(
                &bytes,
                FileFormat::Workbook { sheet: Some(unit) },
                YEAR,
                &fw,
                &units,
            )
            .unwrap_or_else(|e| panic!("{lang:?} {unit}: {e:#?}"));
            let got: Vec<_> = rows
                .into_iter()
                .map(|r| (r.unit, r.leaf, r.score, r.note, r.evidence))
                .collect();
            let expected: Vec<_> = items
                .iter()
                .filter(|i| i.key.unit == unit)
                .filter_map(|i| {
                    let s = i.self_assessment.as_ref()?;
                    Some((
                        i.key.unit.clone(),
                        i.key.leaf.clone(),
                        s.score,
                        s.note.clone(),
                        s.evidence.clone(),
                    ))
                })
                .collect();
            assert_eq!(got.len(), 3);
            assert_eq!(got, expected, "{lang:?} {unit}");
        }
    }
}

/// Fill the score column with `scores`, in order.
fn fill(template: &[u8], scores: &[&str]) -> Vec<u8> {
    xlsx_fill::fill(template, |i, _max| scores.get(i).map(|s| s.to_string()))
}

#[test]
fn filled_template_imports() {
    let (_tmp, fw, units, _items) = data();
    let tpl = template_workbook(
        &fw,
        &units,
        YEAR,
        TemplateKind::SelfAssessment,
        Some("44"),
        Lang::Vi,
    )
    .unwrap();
    assert_eq!(open(&tpl).sheet_names(), vec!["Tự đánh giá", "Hướng dẫn"]);
    let s = sheet(&tpl, "Tự đánh giá");
    assert_eq!(
        row_texts(&s, 2, 8),
        vec![
            "Mã đơn vị",
            "Tên đơn vị",
            "Mã tiêu chí",
            "Tiêu chí",
            "Điểm tối đa",
            "Điểm tự đánh giá",
            "Ghi chú",
            "Tài liệu kiểm chứng",
        ]
    );
    // One row per appraised leaf of unit 44, scores empty.
    let codes: Vec<String> = (3..6).map(|r| text(&s, r, 2)).collect();
    assert_eq!(codes, vec!["1.1.1", "1.1.2", "2.1.1"]);
    assert_eq!((text(&s, 3, 0), num(&s, 5, 4)), ("44".into(), 4.0));
    assert_eq!(at(&s, 3, 5), Data::Empty);
    assert_eq!(at(&s, 6, 0), Data::Empty);
    // As sent out, it reports every missing score.
    let e = parse_self(
        &tpl,
        FileFormat::Workbook { sheet: None },
        YEAR,
        &fw,
        &units,
    )
    .unwrap_err();
    assert_eq!(e.len(), 3);
    assert_eq!(
        e[0].to_string(),
        "sheet \"Tự đánh giá\", row 4, column F (Điểm tự đánh giá): required value is empty"
    );
    // Filled in, it imports.
    let filled = fill(&tpl, &["1,75", "2", "3.5"]);
    let rows = parse_self(
        &filled,
        FileFormat::Workbook { sheet: None },
        YEAR,
        &fw,
        &units,
    )
    .unwrap();
    let got: Vec<_> = rows
        .iter()
        .map(|r| (r.unit.as_str(), r.leaf.as_str(), r.score.hundredths()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("44", "1.1.1", 175),
            ("44", "1.1.2", 200),
            ("44", "2.1.1", 350)
        ]
    );
    // English headers import the same.
    let en = template_workbook(
        &fw,
        &units,
        YEAR,
        TemplateKind::SelfAssessment,
        Some("44"),
        Lang::En,
    )
    .unwrap();
    let rows_en = parse_self(
        &fill(&en, &["1,75", "2", "3.5"]),
        FileFormat::Workbook { sheet: None },
        YEAR,
        &fw,
        &units,
    )
    .unwrap();
    assert_eq!(rows_en, rows);
}

#[test]
fn survey_template_for_every_unit_imports_once_filled() {
    let (_tmp, fw, units, _items) = data();
    let tpl = template_workbook(&fw, &units, YEAR, TemplateKind::Survey, None, Lang::Vi).unwrap();
    let s = sheet(&tpl, "Điểm điều tra");
    assert_eq!(text(&s, 2, 5), "Điểm điều tra");
    assert_eq!(
        (text(&s, 3, 0), text(&s, 3, 2)),
        ("44".into(), "1.1.3".into())
    );
    assert_eq!(
        (text(&s, 4, 0), text(&s, 4, 2)),
        ("67".into(), "1.1.3".into())
    );
    let rows = parse_survey(
        &fill(&tpl, &["1,37", "2"]),
        FileFormat::Workbook { sheet: None },
        YEAR,
        &fw,
        &units,
    )
    .unwrap();
    let got: Vec<i64> = rows.iter().map(|r| r.score.hundredths()).collect();
    assert_eq!(got, vec![137, 200]);
}

#[test]
fn ranking_file_is_written_atomically_and_opens() {
    let (tmp, fw, units, items) = data();
    let path = tmp.path().join("xep-hang.xlsx");
    std::fs::write(&path, b"old").unwrap();
    let report = ranking_report(&fw, &units, YEAR, &items, 0);
    write_ranking_xlsx(&path, &report, Lang::En).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let s = sheet(&bytes, "Ranking");
    assert_eq!(text(&s, 2, 0), "Rank by self");
    assert!(text(&s, 12, 0).starts_with(tie_rule(Lang::En)));
    // No temporary file is left beside it.
    let names: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("xep-hang"))
        .collect();
    assert_eq!(names, vec!["xep-hang.xlsx"]);
}
