//! The exported workbook read by a real spreadsheet program: LibreOffice converts every sheet to
//! CSV headless, "as shown" (number formats applied), and the CSV must hold the ranking and the
//! appraisal rows with two decimals. Skipped, with a printed reason, where LibreOffice is not
//! installed (Debian: `apt-get install libreoffice-calc-nogui`; `.ci/run` installs it when it
//! can).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use api::Workbench;
use common::{YEAR, key, p, setup, version};
use domain::Command as Cmd;
use formats::xlsx::write_appraisal_xlsx;
use l10n::Lang;

/// The LibreOffice program, if one is installed.
fn soffice() -> Option<PathBuf> {
    ["soffice", "libreoffice"].iter().find_map(|name| {
        Command::new(name)
            .arg("--version")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|_| PathBuf::from(name))
    })
}

/// Convert every sheet of `xlsx` to CSV in `out` (UTF-8, ',' separated, values as shown in the
/// en-US locale); returns the files written.
fn convert(soffice: &Path, xlsx: &Path, out: &Path, profile: &Path) -> Vec<PathBuf> {
    // Filter options: separator 44 (','), quote 34, charset 76 (UTF-8), from line 1, no cell
    // formats, language 1033 (en-US), …, "save cell contents as shown", …, sheet -1 (all).
    let filter = "csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,true,false,false,-1";
    let result = Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", filter, "--outdir"])
        .arg(out)
        .arg(xlsx)
        .output()
        .expect("run LibreOffice");
    assert!(
        result.status.success(),
        "LibreOffice failed: {}{}",
        String::from_utf8_lossy(&result.stdout),
        String::from_utf8_lossy(&result.stderr)
    );
    let mut files: Vec<PathBuf> = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    files
}

#[test]
#[cfg_attr(
    not(thamdinh_soffice),
    ignore = "LibreOffice is not installed (.ci/run installs it)"
)]
fn libreoffice_reads_the_exported_workbook() {
    let soffice = soffice().expect("LibreOffice was on the PATH when the tests were built");
    let tmp = tempfile::tempdir().unwrap();
    let wb = setup(&tmp.path().join("store"));
    let k = key("44", "1.1.1");
    wb.apply(Cmd::Adjust {
        key: k.clone(),
        score: p("1.5"),
        justification: "Kế hoạch ban hành chậm, sau ngày 31/01".into(),
        expected: version(&wb, &k),
    })
    .unwrap();
    let y = wb.year(YEAR).unwrap();
    let items = wb.items(YEAR, None).unwrap();
    let xlsx = tmp.path().join("tham-dinh.xlsx");
    write_appraisal_xlsx(
        &xlsx,
        &y.framework,
        &y.units,
        YEAR,
        &items,
        None,
        0,
        Lang::Vi,
    )
    .unwrap();
    let out = tmp.path().join("csv");
    std::fs::create_dir(&out).unwrap();
    let files = convert(&soffice, &xlsx, &out, &tmp.path().join("profile"));
    let read = |suffix: &str| -> String {
        let f = files
            .iter()
            .find(|f| f.to_string_lossy().ends_with(suffix))
            .unwrap_or_else(|| panic!("no {suffix} among {files:?}"));
        std::fs::read_to_string(f).unwrap()
    };
    // LibreOffice before 7.2 writes the first sheet only, under the workbook's name.
    let ranking = if files.len() == 1 {
        read("tham-dinh.csv")
    } else {
        assert_eq!(files.len(), 3, "{files:?}");
        read("Xếp hạng.csv")
    };
    let lines: Vec<&str> = ranking.lines().collect();
    assert!(
        lines[0].starts_with("\"Xếp hạng Chỉ số CCHC năm 2024"),
        "{ranking}"
    );
    assert!(
        lines[2].starts_with("Hạng theo tự đánh giá,Hạng theo thẩm định,Thay đổi hạng,Mã,Đơn vị")
    );
    // 67 keeps 90 %; 44 drops to 85 %: rank 1 by self for both, 2 by proposed for 44.
    assert_eq!(
        lines[3],
        "1,1,=,67,Đắk Nông,Tây Nguyên,9.00,9.00,90.00,90.00,A,A"
    );
    assert_eq!(
        lines[4],
        "1,2,↓ -1,44,Quảng Bình,Bắc Trung Bộ và Duyên hải miền Trung,9.00,8.50,90.00,85.00,A,B"
    );
    assert!(
        ranking.contains("\nCả nước,,,,,,2,90.00,87.50,-2.50,,\n"),
        "{ranking}"
    );
    assert!(ranking.contains("Đồng hạng: các đơn vị có chỉ số bằng nhau"));
    if files.len() == 1 {
        println!("LibreOffice wrote the first sheet only; the unit sheets were not checked");
        return;
    }
    let unit = read("44 Quảng Bình.csv");
    let lines: Vec<&str> = unit.lines().collect();
    assert!(lines[2].starts_with("Mã đơn vị,Mã tiêu chí,Tiêu chí,Điểm tối đa,Phương thức,Điểm tự đánh giá,Điểm thẩm định,Chênh lệch,Trạng thái,Lý do thẩm định"));
    assert!(
        lines[3].starts_with(
            "44,1.1.1,Ban hành kế hoạch cải cách hành chính,2.00,thẩm định,2.00,1.50,-0.50,Điều chỉnh,\"Kế hoạch ban hành chậm, sau ngày 31/01\""
        ),
        "{}",
        lines[3]
    );
    // The subtotals LibreOffice computes from the formulas agree with thamdinh's.
    assert_eq!(
        lines[6],
        "44,1,Cộng lĩnh vực 1: Lĩnh vực một,6.00,cộng,5.00,4.50,-0.50,,,,,,,"
    );
    assert_eq!(
        lines[9],
        "44,,Tổng cộng,10.00,tổng cộng,9.00,8.50,-0.50,,,,,,,"
    );
}
