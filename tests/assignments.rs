//! Assignments (SPEC S6): a lead gives units, or areas of units, to appraisers; an edit
//! of an item assigned to someone else is warned about, or refused when the year enforces its
//! assignments; everything is an event that `verify` replays.

mod common;

use api::Workbench;
use api::WorkbenchError;
use common::*;
use domain::{Command, Role};
use l10n::Lang;

fn assign(
    wb: &dyn Workbench,
    unit: &str,
    area: Option<&str>,
    to: Option<&str>,
) -> Result<(), WorkbenchError> {
    wb.apply(Command::Assign {
        year: YEAR,
        unit: unit.into(),
        area: area.map(str::to_string),
        to: to.map(str::to_string),
    })
    .map(|_| ())
}

fn enforce(wb: &dyn Workbench, on: bool) -> Result<(), WorkbenchError> {
    wb.apply(Command::EnforceAssignments { year: YEAR, on })
        .map(|_| ())
}

fn agree(wb: &dyn Workbench, unit: &str, leaf: &str) -> Result<(), WorkbenchError> {
    let k = key(unit, leaf);
    wb.apply(Command::Agree {
        key: k.clone(),
        expected: version(wb, &k),
    })
    .map(|_| ())
}

/// A store with a second appraiser, "binh".
fn setup_two(dir: &std::path::Path) -> engine::LocalWorkbench {
    let lead = setup(dir);
    lead.apply(Command::SetMember {
        user: "binh".into(),
        role: Role::Appraiser,
    })
    .expect("add binh");
    lead
}

#[test]
fn only_a_lead_assigns_and_the_refusal_names_the_role() {
    let dir = tempfile::tempdir().unwrap();
    let lead = setup_two(dir.path());
    let an = lead.session("an");
    let e = assign(&an, "44", None, Some("an")).unwrap_err();
    assert!(matches!(e, WorkbenchError::LeadOnly { .. }), "{e:?}");
    assert!(
        e.message(Lang::Vi).contains("chỉ dành cho trưởng nhóm"),
        "{}",
        e.message(Lang::Vi)
    );
    let e = enforce(&an, true).unwrap_err();
    assert!(matches!(e, WorkbenchError::LeadOnly { .. }), "{e:?}");
    assert!(
        matches!(
            assign(&lead.session("kiemtra"), "44", None, Some("an")),
            Err(WorkbenchError::ReadOnly { .. })
        ),
        "an auditor changes nothing"
    );
    assert!(lead.assignments(YEAR).unwrap().list.is_empty());
}

#[test]
fn unknown_unit_area_or_user_is_refused_in_vietnamese_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let lead = setup_two(dir.path());
    let before = lead.last_seq().unwrap();
    let e = assign(&lead, "99", None, Some("an")).unwrap_err();
    assert!(matches!(e, WorkbenchError::UnknownUnit { .. }), "{e:?}");
    let e = assign(&lead, "44", Some("9"), Some("an")).unwrap_err();
    assert!(matches!(e, WorkbenchError::UnknownArea { .. }), "{e:?}");
    assert!(
        e.message(Lang::Vi)
            .contains("không có lĩnh vực \"9\" trong bộ tiêu chí năm 2024"),
        "{}",
        e.message(Lang::Vi)
    );
    // A criterion is not an area.
    let e = assign(&lead, "44", Some("1.1"), Some("an")).unwrap_err();
    assert!(matches!(e, WorkbenchError::UnknownArea { .. }), "{e:?}");
    let e = assign(&lead, "44", None, Some("lan")).unwrap_err();
    assert_eq!(
        e.message(Lang::Vi),
        "không phân công được cho lan: lan chưa là thành viên; chỉ phân công cho thẩm định viên \
         hoặc trưởng nhóm. Trưởng nhóm thêm bằng: thamdinh member add lan --role appraiser"
    );
    let e = assign(&lead, "44", None, Some("kiemtra")).unwrap_err();
    assert!(
        matches!(
            e,
            WorkbenchError::NotAnAppraiser {
                role: Some(Role::Auditor),
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(lead.last_seq().unwrap(), before, "nothing was recorded");
}

#[test]
fn assignments_are_kept_changed_and_cleared_as_events() {
    let dir = tempfile::tempdir().unwrap();
    let lead = setup_two(dir.path());
    assign(&lead, "44", None, Some("an")).unwrap();
    assign(&lead, "44", Some("2"), Some("binh")).unwrap();
    assign(&lead, "67", None, Some("lead")).unwrap();
    let seq = lead.last_seq().unwrap();
    // The same assignment again records nothing.
    assign(&lead, "44", None, Some("an")).unwrap();
    assert_eq!(lead.last_seq().unwrap(), seq);
    let a = lead.assignments(YEAR).unwrap();
    let rows: Vec<(String, Option<String>, String)> = a
        .list
        .iter()
        .map(|x| (x.unit.clone(), x.area.clone(), x.user.clone()))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("44".into(), None, "an".into()),
            ("44".into(), Some("2".into()), "binh".into()),
            ("67".into(), None, "lead".into()),
        ]
    );
    assert!(!a.enforced, "off by default");
    assign(&lead, "67", None, None).unwrap();
    enforce(&lead, true).unwrap();
    let a = lead.assignments(YEAR).unwrap();
    assert_eq!(a.list.len(), 2);
    assert!(a.enforced);
    let report = lead.verify().unwrap();
    assert!(report.ok(), "{}", report.message(Lang::En));
    // The record says who assigned what.
    let history = lead.history(&api::HistoryQuery::default()).unwrap();
    let last = &history[history.len() - 1].body;
    assert_eq!(last.command, "enforce-assignments");
    assert_eq!(
        formats::audit::describe(&history[history.len() - 2].body.change, Lang::Vi),
        "phân công 67: lead → —"
    );
}

#[test]
fn off_an_edit_by_someone_else_is_done_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let lead = setup_two(dir.path());
    assign(&lead, "44", None, Some("an")).unwrap();
    assign(&lead, "44", Some("2"), Some("binh")).unwrap();
    let binh = lead.session("binh");
    // Area 1 of unit 44 is an's (the unit's assignment): binh is warned but it is done.
    assert_eq!(
        binh.assignment_warning(&key("44", "1.1.1"), Lang::Vi)
            .as_deref(),
        Some("Tiêu chí này được phân công cho an (đơn vị 44).")
    );
    agree(&binh, "44", "1.1.1").expect("off: done");
    assert_eq!(
        binh.item(&key("44", "1.1.1")).unwrap().unwrap().status(),
        domain::Status::Agreed
    );
    // Area 2 is binh's own; an lead is never warned; a unit nobody has is nobody's.
    assert_eq!(binh.assignment_warning(&key("44", "2.1.1"), Lang::Vi), None);
    assert_eq!(lead.assignment_warning(&key("44", "1.1.2"), Lang::Vi), None);
    assert_eq!(binh.assignment_warning(&key("67", "1.1.1"), Lang::Vi), None);
    assert_eq!(
        lead.session("an")
            .assignment_warning(&key("44", "2.1.1"), Lang::En)
            .as_deref(),
        Some("This item is assigned to binh (area 2 of unit 44).")
    );
}

#[test]
fn on_an_edit_by_someone_else_is_refused_but_never_the_lead() {
    let dir = tempfile::tempdir().unwrap();
    let lead = setup_two(dir.path());
    assign(&lead, "44", Some("1"), Some("an")).unwrap();
    enforce(&lead, true).unwrap();
    let binh = lead.session("binh");
    let before = lead.last_seq().unwrap();
    let e = agree(&binh, "44", "1.1.1").unwrap_err();
    assert!(
        matches!(&e, WorkbenchError::AssignedToOther { assignee, .. } if assignee == "an"),
        "{e:?}"
    );
    assert_eq!(
        e.message(Lang::Vi),
        "tiêu chí 1.1.1 được phân công cho an (lĩnh vực 1 của đơn vị 44) và năm 2024 bắt buộc \
         làm theo phân công: chỉ an hoặc trưởng nhóm được sửa; không có gì thay đổi. Trưởng \
         nhóm đổi phân công bằng: thamdinh assign --year 2024 --unit 44 --area 1 --to TÊN \
         (hoặc tắt: thamdinh assign enforce off --year 2024)"
    );
    // Every item decision is refused the same way, not only agreement.
    let k = key("44", "1.1.2");
    let e = binh
        .apply(Command::RequestEvidence {
            key: k.clone(),
            request: "Bổ sung quyết định ban hành kế hoạch".into(),
            expected: version(&binh, &k),
        })
        .unwrap_err();
    assert!(matches!(e, WorkbenchError::AssignedToOther { .. }), "{e:?}");
    assert_eq!(lead.last_seq().unwrap(), before, "nothing was recorded");
    // The assignee, the lead, and items outside the assignment go through.
    agree(&lead.session("an"), "44", "1.1.1").expect("the assignee");
    agree(&lead, "44", "1.1.2").expect("a lead is never refused");
    agree(&binh, "44", "2.1.1").expect("area 2 is nobody's");
    agree(&binh, "67", "1.1.1").expect("unit 67 is nobody's");
    // Turned off, binh may edit again (with the warning).
    enforce(&lead, false).unwrap();
    let k = key("44", "1.1.1");
    binh.apply(Command::Adjust {
        key: k.clone(),
        score: p("1.5"),
        justification: "Kế hoạch ban hành chậm so với quy định".into(),
        expected: version(&binh, &k),
    })
    .expect("off again: done");
    assert!(lead.verify().unwrap().ok());
}
