//! XLSX import fixtures (SPEC I2, I3, R3): each case reads a workbook of `tests/fixtures/xlsx/`
//! (with a sheet, for some) through the self-assessment or survey import; the problems, as
//! English display lines, must equal `CASE.expected` (empty when the file imports).
//!
//! The workbooks are made by the builders below (rust_xlsxwriter), so what each holds is
//! written down here; `every_fixture_file_is_what_its_builder_makes` checks the committed files
//! still hold exactly that. `THAMDINH_BLESS=1 cargo test --test xlsx_import` rewrites the
//! workbooks and the `.expected` files (review the diff before committing). The framework and
//! units are those of `tests/fixtures/import/`.

use std::fs;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader};
use domain::{Framework, SelfRow, UnitSet, parse_framework, parse_units};
use formats::{FileFormat, ImportProblem, Problems, parse_self, parse_self_csv, parse_survey};
use l10n::Lang;
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook, Worksheet};

fn import_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import")
}

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/xlsx")
}

fn framework() -> Framework {
    let text = fs::read_to_string(import_dir().join("framework.toml")).unwrap();
    parse_framework(&text, "framework.toml").expect("fixture framework")
}

fn units() -> UnitSet {
    let text = fs::read_to_string(import_dir().join("units.toml")).unwrap();
    parse_units(&text, "units.toml").expect("fixture units")
}

// ---------------------------------------------------------------------------------------------
// Builders

/// A cell as a spreadsheet program stores it.
#[derive(Clone)]
enum V {
    /// Nothing written.
    Nil,
    /// A text cell.
    S(&'static str),
    /// A number cell.
    N(f64),
    B(bool),
    /// A date cell (y, m, d).
    D(u16, u8, u8),
    /// A formula with its cached result.
    F(&'static str, &'static str),
    /// A cell with a format and no value (what Excel leaves after clearing a formatted cell).
    Blank,
}

use V::{B, Blank, D, F, N, Nil, S};

fn put(ws: &mut Worksheet, row: u32, col: u16, v: &V) {
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let fill = Format::new().set_background_color(0xFFF2CC);
    match v {
        Nil => {}
        S(s) => {
            ws.write_string(row, col, *s).unwrap();
        }
        N(n) => {
            ws.write_number(row, col, *n).unwrap();
        }
        B(b) => {
            ws.write_boolean(row, col, *b).unwrap();
        }
        D(y, m, d) => {
            let dt = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
            ws.write_datetime_with_format(row, col, dt, &date).unwrap();
        }
        F(f, result) => {
            ws.write_formula(row, col, Formula::new(*f).set_result(*result))
                .unwrap();
        }
        Blank => {
            ws.write_blank(row, col, &fill).unwrap();
        }
    }
}

/// Write rows from the sheet's top-left cell.
fn rows(ws: &mut Worksheet, first_row: u32, rows: &[Vec<V>]) {
    for (r, cells) in rows.iter().enumerate() {
        for (c, v) in cells.iter().enumerate() {
            put(ws, first_row + r as u32, c as u16, v);
        }
    }
}

fn sheet<'a>(wb: &'a mut Workbook, name: &str) -> &'a mut Worksheet {
    let ws = wb.add_worksheet();
    ws.set_name(name).unwrap();
    ws
}

const NOTE_1: &str = "Đã ban hành Kế hoạch CCHC năm 2024 trong quý I.";
const EV_1: &str = "45/KH-UBND|Kế hoạch cải cách hành chính năm 2024 của UBND tỉnh|2024-01-12";
const NOTE_2: &str = "Hoàn thành 92% nhiệm vụ, còn 2 nhiệm vụ chuyển sang năm 2025.";
const EV_2: &str = "12/BC-SNV|Báo cáo kết quả thực hiện kế hoạch CCHC năm 2024|2024-12-10|tlkc/2024/44/1.1.2/1.pdf";
const NOTE_4: &str = "Công bố đúng hạn, đầy đủ.";
const EV_4: &str = "125/QĐ-UBND|Quyết định công bố danh mục TTHC|15/3/2024; 130/QĐ-UBND|Quyết định công bố bổ sung|2024-04-02";
const NOTE_6: &str = "Kế hoạch ban hành ngày 05/4/2024, sau quý I.";
const EV_6: &str = "88/KH-UBND|Kế hoạch cải cách hành chính năm 2024|2024-04-05";

/// The rows of `tests/fixtures/import/good.csv`, with the unit and score cells given.
fn good_rows(unit: [V; 7], score: [V; 7]) -> Vec<Vec<V>> {
    let code = [
        S("1.1.1"),
        S("1.1.2"),
        N(1.2), // "1.2" typed into Excel becomes a number
        S("3.2.1"),
        S("3.2.2"),
        S("1.1.1"),
        S("3.2.1"),
    ];
    let note = [S(NOTE_1), S(NOTE_2), Nil, S(NOTE_4), Nil, S(NOTE_6), Nil];
    let ev = [S(EV_1), S(EV_2), Nil, S(EV_4), Nil, S(EV_6), Nil];
    (0..7)
        .map(|i| {
            vec![
                unit[i].clone(),
                code[i].clone(),
                score[i].clone(),
                note[i].clone(),
                ev[i].clone(),
            ]
        })
        .collect()
}

fn english_header() -> Vec<V> {
    vec![
        S("unit"),
        S("code"),
        S("self_score"),
        S("note"),
        S("evidence"),
    ]
}

/// Unit cells as numbers, as Excel stores typed codes ("01" loses its zero).
fn numeric_units() -> [V; 7] {
    [N(44.0), N(44.0), N(44.0), N(44.0), N(44.0), N(45.0), N(1.0)]
}

fn text_units() -> [V; 7] {
    [
        S("44"),
        S("44"),
        S("44"),
        S("44"),
        S("44"),
        S("45"),
        S("01"),
    ]
}

fn numeric_scores() -> [V; 7] {
    [N(1.0), N(0.75), N(1.0), N(1.5), N(1.25), N(0.0), N(1.5)]
}

fn instructions(wb: &mut Workbook) {
    let ws = sheet(wb, "Hướng dẫn");
    rows(ws, 0, &[vec![S("Điền điểm vào trang Tự đánh giá.")]]);
}

fn build(name: &str) -> Vec<u8> {
    let mut wb = Workbook::new();
    match name {
        "good" => {
            let ws = sheet(&mut wb, "Tự đánh giá");
            rows(ws, 0, &[english_header()]);
            rows(ws, 1, &good_rows(numeric_units(), numeric_scores()));
            instructions(&mut wb);
        }
        "good_vietnamese" => {
            let ws = sheet(&mut wb, "Tự đánh giá");
            let title = Format::new().set_bold();
            ws.merge_range(
                0,
                0,
                0,
                4,
                "BẢNG TỰ ĐÁNH GIÁ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2024",
                &title,
            )
            .unwrap();
            rows(ws, 1, &[vec![S("(Kèm theo Báo cáo số 15/BC-UBND)")]]);
            rows(
                ws,
                3,
                &[vec![
                    S("Mã tiêu chí"),
                    S("Điểm tự chấm"),
                    S("Mã đơn vị"),
                    S("Tài liệu kiểm chứng"),
                    S("Giải trình"),
                ]],
            );
            let good = good_rows(text_units(), numeric_scores());
            let reordered: Vec<Vec<V>> = good
                .into_iter()
                .map(|r| {
                    vec![
                        r[1].clone(),
                        r[2].clone(),
                        r[0].clone(),
                        r[4].clone(),
                        r[3].clone(),
                    ]
                })
                .collect();
            rows(ws, 4, &reordered);
        }
        "decimal_commas" => {
            let ws = sheet(&mut wb, "Sheet1");
            rows(ws, 0, &[english_header()]);
            let scores = [
                S("1"),
                S("0,75"),
                S("1"),
                S("1,5"),
                S("1,25"),
                S("0"),
                S("1,50"),
            ];
            rows(ws, 1, &good_rows(numeric_units(), scores));
        }
        "text_numbers" => {
            let ws = sheet(&mut wb, "Sheet1");
            rows(ws, 0, &[english_header()]);
            let scores = [
                S("1"),
                S("0.75"),
                S(" 1.00 "),
                S("1.5"),
                S("1.25"),
                S("0"),
                S("1.5"),
            ];
            rows(ws, 1, &good_rows(text_units(), scores));
        }
        "float_noise" => {
            // Scores computed by formulas or pasted from other programs carry binary noise.
            let ws = sheet(&mut wb, "Sheet1");
            rows(ws, 0, &[english_header()]);
            let scores = [
                N(0.9999999999999999),
                N(0.7500000000000001),
                N(1.0000000000000002),
                N(1.4999999999999998),
                F("=0.5+0.75", "1.25"),
                N(0.0),
                N(1.5),
            ];
            rows(ws, 1, &good_rows(numeric_units(), scores));
        }
        "wrong_headers" => {
            let ws = sheet(&mut wb, "Sheet1");
            rows(
                ws,
                0,
                &[
                    vec![S("Tỉnh"), S("Tiêu chí số"), S("Điểm số"), S("Ghi chú")],
                    vec![N(44.0), S("1.1.1"), N(1.0), S("x")],
                ],
            );
        }
        "bad_rows" => {
            let ws = sheet(&mut wb, "Tự đánh giá");
            let mut header = english_header();
            header.push(Nil);
            rows(ws, 0, &[header]);
            rows(
                ws,
                1,
                &[
                    vec![N(99.0), S("1.1.1"), N(1.0)],
                    vec![N(44.0), S("1.2"), S("abc")],
                    vec![N(44.0), S("3.2.1"), N(2.0)],
                    vec![N(44.0), S("3.2.2"), N(0.3)],
                    vec![N(44.0), S("1.1.2"), N(0.333)],
                    vec![N(44.0), S("8.1.2"), N(1.0)],
                    vec![N(44.0), S("1.1.1"), N(1.0)],
                    vec![N(44.0), S("1.1.1"), N(1.0)],
                    vec![N(44.0), Nil, N(1.0)],
                    vec![N(45.0), S("1.2"), B(true)],
                    vec![N(45.0), S("1.1.2"), F("=1/0", "#DIV/0!")],
                    // "1.5" typed in a locale where it reads as a date.
                    vec![N(45.0), S("3.2.1"), D(2024, 5, 1)],
                    vec![N(45.0), S("1.1.1"), N(-0.25)],
                    vec![N(45.0), S("3.2.2"), N(1.0), S("x"), S("a|b|c|d|e")],
                    vec![N(1.0), S("1.2"), N(1.0), Nil, Nil, S("oops")],
                ],
            );
        }
        "merged_header" => {
            let ws = sheet(&mut wb, "Tự đánh giá");
            let f = Format::new().set_bold();
            ws.merge_range(0, 0, 0, 4, "TỰ ĐÁNH GIÁ CHỈ SỐ CCHC NĂM 2024", &f)
                .unwrap();
            ws.merge_range(1, 0, 2, 0, "Mã tỉnh", &f).unwrap();
            ws.merge_range(1, 1, 2, 1, "Mã tiêu chí", &f).unwrap();
            ws.merge_range(1, 2, 1, 3, "Điểm", &f).unwrap();
            ws.merge_range(1, 4, 2, 4, "Ghi chú", &f).unwrap();
            rows(ws, 2, &[vec![Nil, Nil, S("tự chấm"), S("tối đa")]]);
            // The unit's code merged down beside its criteria.
            ws.merge_range(3, 0, 5, 0, "44", &Format::new()).unwrap();
            rows(
                ws,
                3,
                &[
                    vec![Nil, S("1.1.1"), N(1.0), N(1.0), S("Đúng hạn")],
                    vec![Nil, S("1.1.2"), N(0.75), N(1.0)],
                    vec![Nil, N(1.2), N(1.0), N(1.0)],
                    vec![N(45.0), S("1.1.1"), N(0.0), N(1.0)],
                ],
            );
        }
        "merged_header_bad" => {
            let ws = sheet(&mut wb, "Tự đánh giá");
            let f = Format::new().set_bold();
            ws.merge_range(0, 0, 1, 0, "Mã tỉnh", &f).unwrap();
            ws.merge_range(0, 1, 1, 1, "Mã tiêu chí", &f).unwrap();
            ws.merge_range(0, 2, 0, 3, "Điểm", &f).unwrap();
            rows(ws, 1, &[vec![Nil, Nil, S("tự chấm"), S("đề nghị")]]);
            rows(
                ws,
                2,
                &[
                    vec![N(44.0), S("1.1.1"), N(1.5), N(1.0)],
                    vec![N(44.0), S("1.2"), N(1.0), N(1.0)],
                ],
            );
        }
        "trailing_blank_rows" => {
            let ws = sheet(&mut wb, "Sheet1");
            rows(ws, 0, &[english_header()]);
            rows(
                ws,
                1,
                &[
                    vec![N(44.0), S("1.1.1"), N(1.0)],
                    vec![N(44.0), S("1.2"), N(0.5)],
                    vec![Blank, Blank, Blank, Blank, Blank],
                    vec![S(""), S("  "), Nil, Nil, Blank],
                ],
            );
            for r in 5..40 {
                put(ws, r, 2, &Blank);
            }
        }
        "hidden_first_sheet" => {
            let ws = sheet(&mut wb, "Ẩn");
            rows(ws, 0, &[vec![S("không phải dữ liệu"), S("x")]]);
            ws.set_hidden(true);
            let ws = sheet(&mut wb, "Dữ liệu");
            // A hidden sheet cannot be the active one.
            ws.set_active(true);
            rows(
                ws,
                0,
                &[english_header(), vec![S("44"), S("1.2"), S("0,5")]],
            );
        }
        "header_only" => {
            let ws = sheet(&mut wb, "Sheet1");
            rows(ws, 0, &[english_header()]);
        }
        "empty_sheet" => {
            sheet(&mut wb, "Trống");
        }
        "survey_good" => {
            let ws = sheet(&mut wb, "Điểm điều tra");
            rows(
                ws,
                0,
                &[
                    vec![
                        S("Mã đơn vị"),
                        S("Tên đơn vị"),
                        S("Mã tiêu chí"),
                        S("Tiêu chí"),
                        S("Điểm tối đa"),
                        S("Điểm điều tra"),
                    ],
                    vec![
                        S("44"),
                        S("Quảng Bình"),
                        S("8.1.1"),
                        S("Hài lòng"),
                        N(2.0),
                        N(1.75),
                    ],
                    vec![
                        S("44"),
                        S("Quảng Bình"),
                        S("8.1.2"),
                        S("Hài lòng"),
                        N(2.0),
                        N(1.37),
                    ],
                    vec![
                        S("45"),
                        S("Quảng Trị"),
                        S("8.1.1"),
                        S("Hài lòng"),
                        N(2.0),
                        S("1,25"),
                    ],
                ],
            );
        }
        "survey_bad" => {
            let ws = sheet(&mut wb, "Sheet1");
            rows(
                ws,
                0,
                &[
                    vec![S("mã tỉnh"), S("mã tiêu chí"), S("điểm"), S("trạng thái")],
                    vec![N(44.0), S("1.1.1"), N(1.0)],
                    vec![N(44.0), S("8.1.1"), N(2.25)],
                    vec![N(44.0), S("8.1.2"), N(1.375)],
                ],
            );
        }
        other => panic!("no builder for {other}"),
    }
    wb.save_to_buffer().unwrap()
}

/// Every workbook file and how it is made (`not_a_workbook` and `broken` are not workbooks).
const FILES: &[&str] = &[
    "good",
    "good_vietnamese",
    "decimal_commas",
    "text_numbers",
    "float_noise",
    "wrong_headers",
    "bad_rows",
    "merged_header",
    "merged_header_bad",
    "trailing_blank_rows",
    "hidden_first_sheet",
    "header_only",
    "empty_sheet",
    "survey_good",
    "survey_bad",
];

fn file_bytes(name: &str) -> Vec<u8> {
    match name {
        // A CSV file saved under a workbook's name.
        "not_a_workbook" => fs::read(import_dir().join("good.csv")).unwrap(),
        // A zip header and then nothing a workbook has.
        "broken" => b"PK\x03\x04\x14\x00\x00\x00this is not a workbook".to_vec(),
        _ => fs::read(dir().join(format!("{name}.xlsx")))
            .unwrap_or_else(|e| panic!("{name}.xlsx: {e} (make it with THAMDINH_BLESS=1)")),
    }
}

// ---------------------------------------------------------------------------------------------
// Cases

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    SelfScores,
    Survey,
}

/// (case, file, import, sheet)
const CASES: &[(&str, &str, Kind, Option<&str>)] = &[
    ("good", "good", Kind::SelfScores, None),
    (
        "good_second_sheet_by_name",
        "good",
        Kind::SelfScores,
        Some("hướng dẫn"),
    ),
    ("good_vietnamese", "good_vietnamese", Kind::SelfScores, None),
    ("decimal_commas", "decimal_commas", Kind::SelfScores, None),
    ("text_numbers", "text_numbers", Kind::SelfScores, None),
    ("float_noise", "float_noise", Kind::SelfScores, None),
    ("wrong_headers", "wrong_headers", Kind::SelfScores, None),
    ("bad_rows", "bad_rows", Kind::SelfScores, None),
    ("merged_header", "merged_header", Kind::SelfScores, None),
    (
        "merged_header_bad",
        "merged_header_bad",
        Kind::SelfScores,
        None,
    ),
    (
        "trailing_blank_rows",
        "trailing_blank_rows",
        Kind::SelfScores,
        None,
    ),
    (
        "hidden_first_sheet",
        "hidden_first_sheet",
        Kind::SelfScores,
        None,
    ),
    ("unknown_sheet", "good", Kind::SelfScores, Some("Sheet9")),
    ("header_only", "header_only", Kind::SelfScores, None),
    ("empty_sheet", "empty_sheet", Kind::SelfScores, None),
    ("not_a_workbook", "not_a_workbook", Kind::SelfScores, None),
    ("broken", "broken", Kind::SelfScores, None),
    ("survey_good", "survey_good", Kind::Survey, None),
    ("survey_bad", "survey_bad", Kind::Survey, None),
];

fn import(file: &str, kind: Kind, sheet: Option<&str>) -> Result<usize, Problems> {
    let (fw, units) = (framework(), units());
    let bytes = file_bytes(file);
    let format = FileFormat::Workbook { sheet };
    match kind {
        Kind::SelfScores => parse_self(&bytes, format, 2024, &fw, &units).map(|r| r.len()),
        Kind::Survey => parse_survey(&bytes, format, 2024, &fw, &units).map(|r| r.len()),
    }
}

fn self_rows(file: &str) -> Vec<SelfRow> {
    let bytes = file_bytes(file);
    parse_self(
        &bytes,
        FileFormat::Workbook { sheet: None },
        2024,
        &framework(),
        &units(),
    )
    .unwrap_or_else(|e| panic!("{file}: {e:#?}"))
}

fn bless() -> bool {
    std::env::var_os("THAMDINH_BLESS").is_some()
}

#[test]
fn every_case_gives_its_expected_problems() {
    if bless() {
        fs::create_dir_all(dir()).unwrap();
        for name in FILES {
            fs::write(dir().join(format!("{name}.xlsx")), build(name)).unwrap();
        }
    }
    let mut failures = Vec::new();
    for (case, file, kind, sheet) in CASES {
        let got: String = match import(file, *kind, *sheet) {
            Ok(_) => String::new(),
            Err(ps) => ps.iter().map(|p| format!("{p}\n")).collect(),
        };
        let path = dir().join(format!("{case}.expected"));
        if bless() {
            fs::write(&path, &got).unwrap();
            continue;
        }
        let expected =
            fs::read_to_string(&path).unwrap_or_else(|_| panic!("{} is missing", path.display()));
        if got != expected {
            failures.push(format!("{case}:\n--- expected\n{expected}--- got\n{got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A sheet's name, its cells (absolute row, column, value) and merged regions.
type SheetContents = (String, Vec<(u32, u32, Data)>, Vec<calamine::Dimensions>);

/// Every cell and merged region of every sheet, as calamine reads them.
fn contents(bytes: &[u8]) -> Vec<SheetContents> {
    let mut wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let names = wb.sheet_names();
    names
        .into_iter()
        .map(|n| {
            let range = wb.worksheet_range(&n).unwrap();
            let cells = range
                .used_cells()
                .map(|(r, c, d)| {
                    let (r0, c0) = range.start().unwrap_or((0, 0));
                    (r as u32 + r0, c as u32 + c0, d.clone())
                })
                .collect();
            let merges = match &mut wb {
                calamine::Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(&n).unwrap(),
                _ => Vec::new(),
            };
            (n, cells, merges)
        })
        .collect()
}

#[test]
fn every_fixture_file_is_what_its_builder_makes() {
    for name in FILES {
        assert_eq!(
            contents(&file_bytes(name)),
            contents(&build(name)),
            "{name}.xlsx differs from its builder; rebuild with THAMDINH_BLESS=1"
        );
    }
}

#[test]
fn good_workbooks_give_the_rows_of_the_good_csv() {
    let csv = fs::read(import_dir().join("good.csv")).unwrap();
    let expected = parse_self_csv(&csv, 2024, &framework(), &units()).unwrap();
    assert_eq!(expected.len(), 7);
    for file in [
        "good",
        "good_vietnamese",
        "decimal_commas",
        "text_numbers",
        "float_noise",
    ] {
        assert_eq!(self_rows(file), expected, "{file}");
    }
}

#[test]
fn merged_headers_and_merged_unit_cells_are_read() {
    let rows: Vec<(String, String, i64, String)> = self_rows("merged_header")
        .into_iter()
        .map(|r| (r.unit, r.leaf, r.score.hundredths(), r.note))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("44".into(), "1.1.1".into(), 100, "Đúng hạn".into()),
            ("44".into(), "1.1.2".into(), 75, String::new()),
            ("44".into(), "1.2".into(), 100, String::new()),
            ("45".into(), "1.1.1".into(), 0, String::new()),
        ]
    );
}

#[test]
fn blank_rows_and_hidden_sheets_are_passed_over() {
    assert_eq!(self_rows("trailing_blank_rows").len(), 2);
    let rows = self_rows("hidden_first_sheet");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].score.hundredths(), 50);
}

#[test]
fn survey_workbook_reads_two_decimal_points() {
    let bytes = file_bytes("survey_good");
    let rows = parse_survey(
        &bytes,
        FileFormat::Workbook { sheet: None },
        2024,
        &framework(),
        &units(),
    )
    .unwrap();
    let got: Vec<i64> = rows.iter().map(|r| r.score.hundredths()).collect();
    assert_eq!(got, vec![175, 137, 125]);
}

#[test]
fn vietnamese_messages_name_the_sheet() {
    let e = import("bad_rows", Kind::SelfScores, None).unwrap_err();
    let vi: Vec<String> = e.iter().map(|p| p.message(Lang::Vi)).collect();
    assert!(
        vi.iter()
            .all(|m| m.starts_with("trang tính \"Tự đánh giá\"")),
        "{vi:#?}"
    );
    assert!(
        vi.contains(
            &"trang tính \"Tự đánh giá\", dòng 4, cột C (self_score): điểm 2,00 vượt điểm tối đa 1,50 của tiêu chí 3.2.1"
                .to_string()
        ),
        "{vi:#?}"
    );
    let e = import("good", Kind::SelfScores, Some("Sheet9")).unwrap_err();
    assert_eq!(
        e[0].message(Lang::Vi),
        "tệp: sổ tính không có trang tính \"Sheet9\"; các trang tính hiện có: \"Tự đánh giá\", \"Hướng dẫn\""
    );
    let e = import("not_a_workbook", Kind::SelfScores, None).unwrap_err();
    assert!(
        e[0].message(Lang::Vi)
            .starts_with("tệp: tệp chứa văn bản thuần, không phải sổ tính"),
        "{}",
        e[0].message(Lang::Vi)
    );
}

#[test]
fn csv_and_xlsx_give_the_same_problems_for_the_same_rows() {
    // The same bad rows as text in both formats: the messages differ only in where they point.
    let csv = "unit,code,self_score\n99,1.1.1,1\n44,1.2,abc\n44,3.2.1,2\n44,3.2.2,0.3\n";
    let mut wb = Workbook::new();
    let ws = sheet(&mut wb, "S");
    rows(
        ws,
        0,
        &[
            vec![S("unit"), S("code"), S("self_score")],
            vec![S("99"), S("1.1.1"), S("1")],
            vec![S("44"), S("1.2"), S("abc")],
            vec![S("44"), S("3.2.1"), S("2")],
            vec![S("44"), S("3.2.2"), S("0.3")],
        ],
    );
    let xlsx = wb.save_to_buffer().unwrap();
    let (fw, units) = (framework(), units());
    let a = parse_self(csv.as_bytes(), FileFormat::Csv, 2024, &fw, &units).unwrap_err();
    let b = parse_self(
        &xlsx,
        FileFormat::Workbook { sheet: None },
        2024,
        &fw,
        &units,
    )
    .unwrap_err();
    let kinds = |v: &[ImportProblem]| {
        v.iter()
            .map(|p| (p.row, p.kind.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(kinds(&a), kinds(&b));
    assert_eq!(a.len(), 4);
    assert_eq!(a[0].column.as_deref(), Some("unit"));
    assert_eq!(b[0].column.as_deref(), Some("A (unit)"));
    assert_eq!(b[0].sheet.as_deref(), Some("S"));
}
