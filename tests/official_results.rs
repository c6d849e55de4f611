//! The year's official result (SPEC D8, I9, issue 15.4), as a lead and the others run it: the
//! council's approval freezes the year, reports are titled "Kết quả chính thức", an edit is
//! refused with the approval and the command to reopen named, the publication and a reopening
//! are recorded, and a second approval says the results changed after the first. `verify`
//! covers all of it.

mod common;

use api::{Workbench, WorkbenchError};
use common::cli::{me, ok, refused, run};
use common::{key, p};
use domain::Command;
use engine::LocalWorkbench;
use l10n::Lang;

/// Agree every appraised item of both units.
fn agree_all(wb: &LocalWorkbench) {
    for unit in ["44", "67"] {
        for leaf in ["1.1.1", "1.1.2", "2.1.1"] {
            let k = key(unit, leaf);
            let v = wb.item(&k).expect("item").expect("imported").version;
            wb.apply(Command::Agree {
                key: k,
                expected: v,
            })
            .expect("agree");
        }
    }
}

fn finalize(wb: &dyn Workbench, unit: &str) {
    wb.apply(Command::Finalize {
        year: common::YEAR,
        unit: unit.into(),
    })
    .expect("finalize");
}

#[test]
fn an_approved_year_is_official_frozen_published_and_reopened_on_record() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("st");
    let lead = common::setup(&dir);
    agree_all(&lead);

    // Not before every unit is finalized: the refusal names them.
    let approve = |wb: &dyn Workbench, minutes: &str, date: (i16, i8, i8)| {
        wb.apply(Command::ApproveResults {
            year: common::YEAR,
            minutes: minutes.into(),
            date: jiff::civil::date(date.0, date.1, date.2),
        })
    };
    let e = approve(&lead, "15/BB-HĐTĐ", (2025, 3, 20)).expect_err("units open");
    assert_eq!(
        e.message(Lang::Vi),
        "chưa thể thông qua kết quả năm 2024: còn 2 đơn vị chưa chốt (44 Quảng Bình, 67 Đắk Nông). Chốt từng đơn vị trước (phím F trong danh sách đơn vị)."
    );
    finalize(&lead, "44");
    finalize(&lead, "67");
    // Only a lead; never a date to come; never without minutes.
    let an = lead.session("an");
    assert!(matches!(
        approve(&an, "15/BB-HĐTĐ", (2025, 3, 20)),
        Err(WorkbenchError::LeadOnly { .. })
    ));
    let auditor = lead.session("kiemtra");
    assert!(approve(&auditor, "15/BB-HĐTĐ", (2025, 3, 20)).is_err());
    let e = approve(&lead, "15/BB-HĐTĐ", (2099, 1, 1)).expect_err("future");
    assert!(
        e.message(Lang::Vi).starts_with("ngày 01/01/2099 chưa đến"),
        "{e}"
    );
    let e = approve(&lead, "  \n ", (2025, 3, 20)).expect_err("no minutes");
    assert!(
        e.message(Lang::Vi)
            .contains("cần nhập số, ký hiệu biên bản"),
        "{}",
        e.message(Lang::Vi)
    );
    lead.apply(Command::SetMember {
        user: me(),
        role: domain::Role::Lead,
    })
    .expect("this user leads");
    drop((lead, an, auditor));

    // Before approval the ranking is the proposed one.
    let md = ok(&dir, &["report", "ranking"]);
    assert!(md.starts_with("# Xếp hạng Chỉ số"), "{md}");
    assert!(md.contains("Số đơn vị theo nhóm (điểm đề xuất)"), "{md}");

    let said = ok(
        &dir,
        &[
            "year",
            "approve",
            "--minutes",
            "15/BB-HĐTĐ",
            "--date",
            "20/03/2025",
        ],
    );
    assert!(
        said.contains("thông qua kết quả năm 2024 ngày 20/03/2025"),
        "{said}"
    );
    let md = ok(&dir, &["report", "ranking"]);
    assert!(
        md.starts_with(
            "# Kết quả chính thức: Xếp hạng Chỉ số cải cách hành chính (PAR INDEX) năm 2024"
        ),
        "{md}"
    );
    assert!(
        md.contains("> Hội đồng thẩm định thông qua ngày 20/03/2025 (biên bản 15/BB-HĐTĐ); niêm phong kho dữ liệu "),
        "{md}"
    );
    assert!(md.contains("Xếp hạng theo điểm đã được Hội đồng thẩm định thông qua"));
    assert!(
        md.contains("Số đơn vị theo nhóm (kết quả chính thức)"),
        "{md}"
    );
    let card = ok(&dir, &["report", "unit", "44"]);
    assert!(
        card.starts_with("# Kết quả chính thức: Phiếu kết quả thẩm định — 44 Quảng Bình"),
        "{card}"
    );

    // Frozen: an import, a unit's reopening, a round are refused, naming the approval.
    let csv = tmp.path().join("self.csv");
    std::fs::write(&csv, "unit,code,self_score\n44,1.1.1,1.5\n").expect("csv");
    let e = refused(&dir, &["import", "self", csv.to_str().expect("utf-8")]);
    assert!(
        e.contains("kết quả năm 2024 đã được Hội đồng thẩm định thông qua ngày 20/03/2025 (biên bản 15/BB-HĐTĐ)")
            && e.contains("thamdinh year reopen --year 2024 --reason"),
        "{e}"
    );
    let e = refused(&dir, &["round", "open", "--closes", "30/12/2026"]);
    assert!(e.contains("đã được Hội đồng thẩm định thông qua"), "{e}");
    let e = refused(&dir, &["year", "approve", "--minutes", "16/BB-HĐTĐ"]);
    assert!(
        e.contains("đã được Hội đồng thông qua ngày 20/03/2025"),
        "{e}"
    );

    // Published: once, and not before the approval.
    let e = refused(&dir, &["year", "publish", "--date", "19/03/2025"]);
    assert!(
        e.contains("ngày công bố (19/03/2025) trước ngày Hội đồng thông qua (20/03/2025)"),
        "{e}"
    );
    ok(&dir, &["year", "publish", "--date", "25/03/2025"]);
    let e = refused(&dir, &["year", "publish", "--date", "26/03/2025"]);
    assert!(e.contains("đã công bố ngày 25/03/2025"), "{e}");
    let status = ok(&dir, &["year", "status"]);
    assert!(
        status.contains("đã thông qua và công bố, điểm đã khóa"),
        "{status}"
    );
    assert!(status.contains("Công bố ngày 25/03/2025."), "{status}");

    // Reopened with a reason: no longer official, and the reports say why.
    let e = refused(&dir, &["year", "reopen", "--reason", " "]);
    assert!(e.contains("cần nhập lý do mở lại"), "{e}");
    ok(
        &dir,
        &[
            "year",
            "reopen",
            "--reason",
            "Sai sót điểm tiêu chí 1.1.2 của Quảng Bình",
        ],
    );
    let md = ok(&dir, &["report", "ranking"]);
    assert!(md.starts_with("# Xếp hạng Chỉ số"), "{md}");
    assert!(md.contains("chưa phải kết quả chính thức"), "{md}");
    assert!(
        md.contains("Sai sót điểm tiêu chí 1.1.2 của Quảng Bình"),
        "{md}"
    );

    // Corrected and approved again: official, marked as changed after approval.
    // Through the store's server, which the commands above started.
    let lead = net::client::connect_or_start(&dir).expect("connect");
    lead.apply(Command::Reopen {
        year: common::YEAR,
        unit: "44".into(),
        reason: "Sửa điểm tiêu chí 1.1.2 theo kết luận".into(),
    })
    .expect("reopen the unit");
    let k = key("44", "1.1.2");
    let v = lead.item(&k).expect("item").expect("there").version;
    lead.apply(Command::Adjust {
        key: k,
        score: p("1.25"),
        justification: "Thiếu báo cáo quý IV, trừ 0,25 điểm theo kết luận của Hội đồng".into(),
        expected: v,
    })
    .expect("adjust");
    finalize(&lead, "44");
    approve(&lead, "21/BB-HĐTĐ", (2025, 5, 10)).expect("approved again");
    drop(lead);
    let md = ok(&dir, &["report", "ranking"]);
    assert!(
        md.starts_with("# Kết quả chính thức (đã sửa sau khi thông qua): Xếp hạng"),
        "{md}"
    );
    assert!(md.contains("thông qua lần đầu ngày 20/03/2025"), "{md}");
    assert!(md.contains("10/05/2025 (biên bản 21/BB-HĐTĐ)"), "{md}");

    // Every step is in the record, and the record checks out.
    let audit = ok(&dir, &["audit", "--year", "2024", "--format", "md"]);
    assert!(
        audit.contains("Hội đồng thông qua kết quả năm 2024"),
        "{audit}"
    );
    assert!(
        audit.contains("mở lại kết quả đã thông qua năm 2024"),
        "{audit}"
    );
    let verify = run(&dir, &["verify"]);
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
}
