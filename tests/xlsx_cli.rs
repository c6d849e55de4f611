//! Workbooks through the command line, as a ministry appraiser and a province use them:
//! template → filled in → import --dry-run → import → export --format xlsx → re-import; sheets
//! chosen with --sheet, and the messages when the sheet or the file is wrong.

#[path = "common/xlsx_fill.rs"]
mod xlsx_fill;

use std::path::Path;
use std::process::{Command, Output};

fn run(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_thamdinh"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run thamdinh")
}

fn ok(args: &[&str], dir: &Path) -> String {
    let out = run(args, dir);
    assert!(
        out.status.success(),
        "thamdinh {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

fn fails(args: &[&str], dir: &Path) -> String {
    let out = run(args, dir);
    assert!(!out.status.success(), "thamdinh {args:?} succeeded");
    String::from_utf8(out.stderr).expect("utf-8 output")
}

#[test]
fn a_province_fills_its_template_and_the_export_round_trips() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let en = |args: &[&str]| -> Vec<String> {
        ["--lang", "en", "--store", "st"]
            .iter()
            .chain(args)
            .map(|s| s.to_string())
            .collect()
    };
    let call = |args: &[&str]| ok(&en(args).iter().map(String::as_str).collect::<Vec<_>>(), d);
    let call_fails =
        |args: &[&str]| fails(&en(args).iter().map(String::as_str).collect::<Vec<_>>(), d);

    call(&["init", "--year", "2024"]);
    let out = call(&["template", "--unit", "44", "-o", "mau-44.xlsx"]);
    assert!(out.contains("1 units × 64 criteria = 64 rows"), "{out}");

    // As sent out: every score is missing, nothing is imported.
    let err = call_fails(&["import", "self", "mau-44.xlsx", "--dry-run"]);
    assert!(
        err.contains(
            "mau-44.xlsx: sheet \"Self-assessment\", row 4, column F (Self score): required value is empty"
        ),
        "{err}"
    );
    assert!(err.contains("64 problem(s); nothing was imported"), "{err}");

    // The province writes its scores (the maximum, with a decimal comma) and sends it back.
    let template = std::fs::read(d.join("mau-44.xlsx")).unwrap();
    let filled = xlsx_fill::fill(&template, |_, max| {
        Some(format!("{max:.2}").replace('.', ","))
    });
    std::fs::write(d.join("44-da-dien.xlsx"), filled).unwrap();
    let preview = call(&["import", "self", "44-da-dien.xlsx", "--dry-run"]);
    let lines: Vec<&str> = preview.lines().collect();
    assert_eq!(lines[0], "Sheet \"Self-assessment\", header on row 3.");
    assert!(lines[1].starts_with("Unit"), "{preview}");
    assert!(
        preview.contains(
            "Preview: 64 new (+), 0 score changed (*), 0 note or evidence changed only (~), \
             0 unchanged; 0 agreed item(s) would go back to pending. Nothing was written."
        ),
        "{preview}"
    );
    let out = call(&["import", "self", "44-da-dien.xlsx"]);
    assert!(out.contains("Imported 64 rows"), "{out}");

    // The unit's appraisal workbook re-imports as the same self scores.
    call(&[
        "export", "--format", "xlsx", "--unit", "44", "-o", "44.xlsx",
    ]);
    let again = call(&["import", "self", "44.xlsx", "--dry-run"]);
    assert!(
        again.starts_with("Sheet \"44 Quảng Bình\", header on row 3."),
        "{again}"
    );
    assert!(
        again.contains(
            "0 new (+), 0 score changed (*), 0 note or evidence changed only (~), 64 unchanged"
        ),
        "{again}"
    );

    // The national workbook: the ranking comes first, the unit's sheet by its code.
    call(&["export", "--format", "xlsx", "-o", "ca-nuoc.xlsx"]);
    let again = call(&[
        "import",
        "self",
        "ca-nuoc.xlsx",
        "--sheet",
        "44",
        "--dry-run",
    ]);
    assert!(again.contains("64 unchanged"), "{again}");
    // Without --sheet, the national workbook is read whole: the unit sheets with scores in,
    // the ranking sheet and the sheets of units without scores out, each said.
    let whole = call(&["import", "self", "ca-nuoc.xlsx", "--dry-run"]);
    assert!(
        whole.starts_with("Sheet \"44 Quảng Bình\", header on row 3."),
        "{whole}"
    );
    assert!(
        whole.contains("Skipped 1 sheet(s) without the import's columns: \"Ranking\"."),
        "{whole}"
    );
    assert!(
        whole.contains("Skipped 62 sheet(s) without any score: \"01 Hà Nội\", \"02 Hà Giang\""),
        "{whole}"
    );
    assert!(whole.contains("64 unchanged"), "{whole}");
    // Two sheets with rows for the same items: which counts is not guessed.
    let mut book = rust_xlsxwriter::Workbook::new();
    for name in ["Bản nháp", "Bản chính"] {
        let ws = book.add_worksheet().set_name(name).unwrap();
        for (c, h) in ["unit", "code", "self_score"].iter().enumerate() {
            ws.write(0, c as u16, *h).unwrap();
        }
        ws.write(1, 0, "44").unwrap();
        ws.write(1, 1, "1.1.1").unwrap();
        ws.write(1, 2, "0,5").unwrap();
    }
    book.save(d.join("hai-ban.xlsx")).unwrap();
    let err = call_fails(&["import", "self", "hai-ban.xlsx", "--dry-run"]);
    assert!(
        err.contains(
            "the sheets \"Bản nháp\", \"Bản chính\" all hold a row for unit 44, criterion 1.1.1, \
             so which one counts is not clear; import one sheet with --sheet, e.g. --sheet \"Bản nháp\""
        ),
        "{err}"
    );
    let one = call(&[
        "import",
        "self",
        "hai-ban.xlsx",
        "--sheet",
        "Bản chính",
        "--dry-run",
    ]);
    assert!(one.contains("Sheet \"Bản chính\""), "{one}");
    let err = call_fails(&["import", "self", "ca-nuoc.xlsx", "--sheet", "Tỉnh 99"]);
    assert!(
        err.contains("file: the workbook has no sheet \"Tỉnh 99\"; its sheets are: \"Ranking\", \"01 Hà Nội\""),
        "{err}"
    );

    // The ranking alone, for the council.
    let out = run(
        &en(&[
            "report",
            "ranking",
            "--format",
            "xlsx",
            "-o",
            "xep-hang.xlsx",
        ])
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>(),
        d,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(d.join("xep-hang.xlsx")).unwrap();
    let mut wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(&bytes[..])).unwrap();
    use calamine::Reader;
    assert_eq!(wb.sheet_names(), vec!["Ranking"]);
    let s = wb.worksheet_range("Ranking").unwrap();
    assert_eq!(
        s.get_value((2, 1)),
        Some(&calamine::Data::String("Rank by proposed".into()))
    );
    // 44 is the only unit with scores: first, ranked 1.
    assert_eq!(
        s.get_value((3, 3)),
        Some(&calamine::Data::String("44".into()))
    );
    let err = call_fails(&["report", "ranking", "--format", "xlsx"]);
    assert!(err.contains("--format xlsx needs -o FILE.xlsx"), "{err}");

    // A CSV file named .xlsx, and --sheet on a CSV file.
    std::fs::write(d.join("sai.xlsx"), "unit,code,self_score\n44,1.1.1,0.5\n").unwrap();
    let err = call_fails(&["import", "self", "sai.xlsx"]);
    assert!(
        err.contains(
            "sai.xlsx: file: the file holds plain text, not a workbook; if it is CSV, name it .csv"
        ),
        "{err}"
    );
    std::fs::write(d.join("dung.csv"), "unit,code,self_score\n44,1.1.1,0.5\n").unwrap();
    let err = call_fails(&["import", "self", "dung.csv", "--sheet", "x"]);
    assert!(err.contains("--sheet is for workbooks"), "{err}");
}

#[test]
fn templates_without_a_store_use_the_bundled_framework() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let out = ok(
        &[
            "--store", "none", "template", "--year", "2025", "--kind", "survey", "-o", "dt.xlsx",
        ],
        d,
    );
    assert!(out.contains("34 đơn vị × "), "{out}");
    assert!(d.join("dt.xlsx").exists());
    assert!(!d.join("none").exists(), "no store is created");
    let err = fails(&["--store", "none", "template", "-o", "x.xlsx"], d);
    assert!(err.contains("--year"), "{err}");
    let err = fails(
        &[
            "--store", "none", "template", "--year", "2024", "--unit", "99", "-o", "x.xlsx",
        ],
        d,
    );
    assert!(err.contains("không có đơn vị mã \"99\""), "{err}");
}
