//! The rules of appraisal, each transition allowed and refused (SPEC D5, S2).

mod common;

use api::Workbench;
use api::WorkbenchError;
use common::*;
use domain::{Command, Outcome, Role, Status};

fn adjust(
    wb: &dyn Workbench,
    unit: &str,
    leaf: &str,
    score: &str,
    why: &str,
) -> Result<(), WorkbenchError> {
    let k = key(unit, leaf);
    wb.apply(Command::Adjust {
        key: k.clone(),
        score: p(score),
        justification: why.into(),
        expected: version(wb, &k),
    })
    .map(|_| ())
}

fn status(wb: &dyn Workbench, unit: &str, leaf: &str) -> Status {
    wb.item(&key(unit, leaf)).unwrap().unwrap().status()
}

#[test]
fn membership_and_roles() {
    let dir = tempfile::tempdir().unwrap();
    let lead = setup(dir.path());
    let stranger = lead.session("nguoila");
    match adjust(&stranger, "44", "1.1.1", "1", "x") {
        Err(WorkbenchError::NotMember { user, leads }) => {
            assert_eq!(user, "nguoila");
            assert_eq!(leads, vec!["lead".to_string()]);
        }
        other => panic!("expected NotMember, got {other:?}"),
    }
    let auditor = lead.session("kiemtra");
    assert!(matches!(
        adjust(&auditor, "44", "1.1.1", "1", "x"),
        Err(WorkbenchError::ReadOnly { .. })
    ));
    let an = lead.session("an");
    assert!(matches!(
        an.apply(Command::Finalize {
            year: YEAR,
            unit: "44".into()
        }),
        Err(WorkbenchError::LeadOnly { .. })
    ));
    assert!(matches!(
        an.apply(Command::SetMember {
            user: "an".into(),
            role: Role::Lead
        }),
        Err(WorkbenchError::LeadOnly { .. })
    ));
    assert!(matches!(
        lead.apply(Command::RemoveMember {
            user: "lead".into()
        }),
        Err(WorkbenchError::LastLead { .. })
    ));
    // Nothing above changed anything.
    assert_eq!(status(&lead, "44", "1.1.1"), Status::Pending);
}

#[test]
fn agree_and_adjust() {
    let dir = tempfile::tempdir().unwrap();
    let lead = setup(dir.path());
    let an = lead.session("an");
    let k = key("44", "1.1.1");
    an.apply(Command::Agree {
        key: k.clone(),
        expected: version(&an, &k),
    })
    .unwrap();
    let it = an.item(&k).unwrap().unwrap();
    assert_eq!(
        (it.status(), it.appraisal.proposed),
        (Status::Agreed, Some(p("2")))
    );

    // An adjusted score needs a justification; whitespace is not one.
    let k2 = key("44", "1.1.2");
    assert!(matches!(
        adjust(&an, "44", "1.1.2", "1", "   \n"),
        Err(WorkbenchError::JustificationRequired { .. })
    ));
    assert!(matches!(
        adjust(&an, "44", "1.1.2", "1,3", "lý do"),
        Err(WorkbenchError::BadScore { .. })
    ));
    assert!(matches!(
        adjust(&an, "44", "1.1.2", "2.25", "lý do"),
        Err(WorkbenchError::BadScore { .. })
    ));
    assert_eq!(status(&an, "44", "1.1.2"), Status::Pending);
    // A justification is a reason, not a mark: "x" or punctuation is refused, with the count.
    for short in ["x", "........................", "Thiếu báo cáo"] {
        match adjust(&an, "44", "1.1.2", "1", short) {
            Err(WorkbenchError::JustificationTooShort { has, min: 20, .. }) => {
                assert_eq!(has, domain::framework::justification_chars(short));
            }
            other => panic!("{short:?}: {other:?}"),
        }
    }
    assert_eq!(status(&an, "44", "1.1.2"), Status::Pending);
    adjust(&an, "44", "1.1.2", "1", "Chưa có báo cáo quý IV").unwrap();
    let it = an.item(&k2).unwrap().unwrap();
    assert_eq!(it.status(), Status::Adjusted);
    assert_eq!(it.delta(), Some(p("-0.5")));
    // Setting the self score again is an agreement, justification optional.
    adjust(&an, "44", "1.1.2", "1.5", "").unwrap();
    assert_eq!(status(&an, "44", "1.1.2"), Status::Agreed);

    // Survey items are not editable.
    assert!(matches!(
        adjust(&an, "44", "1.1.3", "1", "x"),
        Err(WorkbenchError::SurveyNotEditable { .. })
    ));
    // Unknown unit / criterion / a parent.
    assert!(matches!(
        adjust(&an, "99", "1.1.1", "1", "x"),
        Err(WorkbenchError::UnknownUnit { .. })
    ));
    assert!(matches!(
        adjust(&an, "44", "9.9.9", "1", "x"),
        Err(WorkbenchError::UnknownCriterion { .. })
    ));
    assert!(matches!(
        adjust(&an, "44", "1.1", "1", "x"),
        Err(WorkbenchError::NotALeaf { .. })
    ));
}

#[test]
fn stale_version_is_a_conflict_not_an_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let lead = setup(dir.path());
    let an = lead.session("an");
    let k = key("44", "2.1.1");
    let seen = version(&an, &k);
    lead.apply(Command::Adjust {
        key: k.clone(),
        score: p("3"),
        justification: "Trưởng nhóm điều chỉnh".into(),
        expected: seen,
    })
    .unwrap();
    match an.apply(Command::Adjust {
        key: k.clone(),
        score: p("3.5"),
        justification: "Của tôi".into(),
        expected: seen,
    }) {
        Err(WorkbenchError::Conflict {
            current, expected, ..
        }) => {
            assert_eq!(expected, seen);
            assert_eq!(current.appraisal.proposed, Some(p("3")));
            assert_eq!(current.last.as_ref().unwrap().actor, "lead");
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(
        an.item(&k).unwrap().unwrap().appraisal.justification,
        "Trưởng nhóm điều chỉnh"
    );
}

#[test]
fn evidence_requests_and_disputes() {
    let dir = tempfile::tempdir().unwrap();
    let lead = setup(dir.path());
    open_round(&lead, "2025-03-01", "2025-03-31");
    let an = lead.session("an");
    let k = key("67", "2.1.1");
    assert!(matches!(
        an.apply(Command::RequestEvidence {
            key: k.clone(),
            request: " ".into(),
            expected: version(&an, &k)
        }),
        Err(WorkbenchError::TextRequired { .. })
    ));
    an.apply(Command::RequestEvidence {
        key: k.clone(),
        request: "Bổ sung báo cáo tỷ lệ hồ sơ đúng hạn".into(),
        expected: version(&an, &k),
    })
    .unwrap();
    assert_eq!(status(&an, "67", "2.1.1"), Status::NeedsInfo);

    // A pending item cannot be disputed.
    let k2 = key("67", "1.1.1");
    assert!(matches!(
        an.apply(Command::RecordDispute {
            key: k2.clone(),
            explanation: "x".into(),
            document: String::new(),
            claimed: None,
            received: date("2025-03-01"),
            round: None,
            expected: version(&an, &k2)
        }),
        Err(WorkbenchError::WrongStatus {
            status: Status::Pending,
            ..
        })
    ));
    adjust(&an, "67", "1.1.1", "1", "Kế hoạch ban hành muộn").unwrap();
    an.apply(Command::RecordDispute {
        key: k2.clone(),
        explanation: "Kế hoạch ban hành đúng hạn, có văn bản kèm theo".into(),
        document: "215/UBND-NC".into(),
        claimed: Some(p("2")),
        received: date("2025-03-01"),
        round: None,
        expected: version(&an, &k2),
    })
    .unwrap();
    assert_eq!(status(&an, "67", "1.1.1"), Status::Disputed);
    // While disputed, only the resolution moves it.
    assert!(matches!(
        adjust(&an, "67", "1.1.1", "1.5", "x"),
        Err(WorkbenchError::WrongStatus { .. })
    ));
    assert!(matches!(
        an.apply(Command::ResolveDispute {
            key: k2.clone(),
            outcome: Outcome::PartlyUpheld,
            score: None,
            response: "x".into(),
            expected: version(&an, &k2)
        }),
        Err(WorkbenchError::TextRequired { .. })
    ));
    an.apply(Command::ResolveDispute {
        key: k2.clone(),
        outcome: Outcome::Upheld,
        score: None,
        response: "Chấp nhận giải trình".into(),
        expected: version(&an, &k2),
    })
    .unwrap();
    let it = an.item(&k2).unwrap().unwrap();
    assert_eq!(it.status(), Status::Resolved);
    assert_eq!(
        it.appraisal.proposed,
        Some(p("2")),
        "upheld goes to the claimed score"
    );

    // Rejected keeps the proposed score.
    let k3 = key("44", "2.1.1");
    adjust(&an, "44", "2.1.1", "3", "Thiếu số liệu minh chứng năm 2024").unwrap();
    an.apply(Command::RecordDispute {
        key: k3.clone(),
        explanation: "Đã đủ".into(),
        document: String::new(),
        claimed: None,
        received: date("2025-03-20"),
        round: Some(1),
        expected: version(&an, &k3),
    })
    .unwrap();
    an.apply(Command::ResolveDispute {
        key: k3.clone(),
        outcome: Outcome::Rejected,
        score: None,
        response: "Không có số liệu mới".into(),
        expected: version(&an, &k3),
    })
    .unwrap();
    assert_eq!(
        an.item(&k3).unwrap().unwrap().appraisal.proposed,
        Some(p("3"))
    );
}

#[test]
fn finalize_locks_and_reopen_needs_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let lead = setup(dir.path());
    match lead.apply(Command::Finalize {
        year: YEAR,
        unit: "44".into(),
    }) {
        Err(WorkbenchError::Unfinished { open, .. }) => assert_eq!(open, 3),
        other => panic!("expected Unfinished, got {other:?}"),
    }
    for leaf in ["1.1.1", "1.1.2", "2.1.1"] {
        let k = key("44", leaf);
        lead.apply(Command::Agree {
            key: k.clone(),
            expected: version(&lead, &k),
        })
        .unwrap();
    }
    lead.apply(Command::Finalize {
        year: YEAR,
        unit: "44".into(),
    })
    .unwrap();
    assert!(matches!(
        adjust(&lead, "44", "1.1.1", "1", "x"),
        Err(WorkbenchError::Finalized { .. })
    ));
    assert!(matches!(
        lead.apply(Command::Reopen {
            year: YEAR,
            unit: "44".into(),
            reason: "".into()
        }),
        Err(WorkbenchError::TextRequired { .. })
    ));
    lead.apply(Command::Reopen {
        year: YEAR,
        unit: "44".into(),
        reason: "Hội đồng yêu cầu xem lại 1.1.1".into(),
    })
    .unwrap();
    adjust(&lead, "44", "1.1.1", "1", "Xem lại theo ý kiến hội đồng").unwrap();
    assert!(matches!(
        lead.apply(Command::Reopen {
            year: YEAR,
            unit: "44".into(),
            reason: "x".into()
        }),
        Err(WorkbenchError::NotFinalized { .. })
    ));
}

#[test]
fn undo_is_a_compensating_event_and_walks_back() {
    let dir = tempfile::tempdir().unwrap();
    let lead = setup(dir.path());
    let an = lead.session("an");
    assert!(matches!(
        an.apply(Command::Undo),
        Err(WorkbenchError::NothingToUndo { .. })
    ));
    adjust(&an, "44", "2.1.1", "3", "Một lý do đủ dài để điều chỉnh").unwrap();
    adjust(
        &an,
        "44",
        "2.1.1",
        "2.5",
        "Hai lý do: thiếu văn bản, chậm hạn",
    )
    .unwrap();
    let before = an.history(&Default::default()).unwrap().len();
    an.apply(Command::Undo).unwrap();
    let it = an.item(&key("44", "2.1.1")).unwrap().unwrap();
    assert_eq!(
        (it.appraisal.proposed, it.appraisal.justification.as_str()),
        (Some(p("3")), "Một lý do đủ dài để điều chỉnh")
    );
    an.apply(Command::Undo).unwrap();
    assert_eq!(status(&an, "44", "2.1.1"), Status::Pending);
    assert_eq!(
        an.history(&Default::default()).unwrap().len(),
        before + 2,
        "undo adds events, never removes"
    );
    assert!(matches!(
        an.apply(Command::Undo),
        Err(WorkbenchError::NothingToUndo { .. })
    ));

    // Someone else changed the item since: undo would overwrite them, so it is a conflict.
    adjust(&an, "67", "2.1.1", "3", "Của An: thiếu quyết định ban hành").unwrap();
    adjust(
        &lead,
        "67",
        "2.1.1",
        "3.5",
        "Của trưởng nhóm: chậm 10 ngày so với hạn",
    )
    .unwrap();
    assert!(matches!(
        an.apply(Command::Undo),
        Err(WorkbenchError::Conflict { .. })
    ));
}

#[test]
fn bulk_agree_writes_one_event_per_item() {
    let dir = tempfile::tempdir().unwrap();
    let lead = setup(dir.path());
    let an = lead.session("an");
    let items: Vec<(String, u64)> = ["1.1.1", "1.1.2"]
        .iter()
        .map(|l| (l.to_string(), version(&an, &key("44", l))))
        .collect();
    assert!(matches!(
        an.apply(Command::BulkAgree {
            year: YEAR,
            unit: "44".into(),
            area: "2".into(),
            items: items.clone()
        }),
        Err(WorkbenchError::NotInArea { .. })
    ));
    let events = an
        .apply(Command::BulkAgree {
            year: YEAR,
            unit: "44".into(),
            area: "1".into(),
            items: items.clone(),
        })
        .unwrap();
    assert_eq!(events.len(), 2);
    assert!(events.iter().all(|e| e.body.command == "bulk-agree"));
    // The same list again: those items are no longer pending (and their versions moved).
    assert!(
        an.apply(Command::BulkAgree {
            year: YEAR,
            unit: "44".into(),
            area: "1".into(),
            items
        })
        .is_err()
    );
}

#[test]
fn reimport_resets_an_agreement_and_keeps_an_adjustment() {
    let dir = tempfile::tempdir().unwrap();
    let lead = setup(dir.path());
    let k1 = key("44", "1.1.1");
    lead.apply(Command::Agree {
        key: k1.clone(),
        expected: version(&lead, &k1),
    })
    .unwrap();
    adjust(&lead, "44", "1.1.2", "1", "Thiếu báo cáo quý IV năm 2024").unwrap();
    let rows = [("1.1.1", "1.5"), ("1.1.2", "1.25")]
        .iter()
        .map(|(l, s)| domain::SelfRow {
            unit: "44".into(),
            leaf: l.to_string(),
            score: p(s),
            note: String::new(),
            evidence: vec![],
        })
        .collect();
    lead.apply(Command::ImportSelf { year: YEAR, rows })
        .unwrap();
    assert_eq!(status(&lead, "44", "1.1.1"), Status::Pending);
    let it = lead.item(&key("44", "1.1.2")).unwrap().unwrap();
    assert_eq!(
        (it.status(), it.delta()),
        (Status::Adjusted, Some(p("-0.25")))
    );
}

#[test]
fn replay_equals_stored_state_after_a_session() {
    let dir = tempfile::tempdir().unwrap();
    let lead = setup(dir.path());
    let an = lead.session("an");
    adjust(&an, "44", "2.1.1", "3", "Một lý do đủ dài để điều chỉnh").unwrap();
    an.apply(Command::Undo).unwrap();
    adjust(
        &an,
        "67",
        "1.1.2",
        "1",
        "Hai lý do: thiếu văn bản, chậm hạn",
    )
    .unwrap();
    let report = lead.engine().store().verify().unwrap();
    assert!(report.ok(), "{report:?}");
    assert!(report.events > 10);
}

#[test]
fn undo_never_brings_back_an_agreement_with_an_old_self_score() {
    let dir = tempfile::tempdir().unwrap();
    let lead = setup(dir.path());
    let k = key("44", "1.1.1");
    lead.apply(Command::Agree {
        key: k.clone(),
        expected: version(&lead, &k),
    })
    .unwrap();
    // The province re-submits a lower self score: the agreement is reset to pending.
    lead.apply(Command::ImportSelf {
        year: YEAR,
        rows: vec![domain::SelfRow {
            unit: "44".into(),
            leaf: "1.1.1".into(),
            score: p("1"),
            note: String::new(),
            evidence: vec![],
        }],
    })
    .unwrap();
    assert_eq!(status(&lead, "44", "1.1.1"), Status::Pending);
    // Undo must not restore "agreed at 2.00" against a self score of 1.00.
    assert!(matches!(
        lead.apply(Command::Undo),
        Err(WorkbenchError::Conflict { .. })
    ));
    let it = lead.item(&k).unwrap().unwrap();
    assert_eq!(it.status(), Status::Pending);
}

#[test]
fn bulk_agree_counts_a_repeated_leaf_once() {
    let dir = tempfile::tempdir().unwrap();
    let lead = setup(dir.path());
    let v = version(&lead, &key("44", "1.1.1"));
    let events = lead
        .apply(Command::BulkAgree {
            year: YEAR,
            unit: "44".into(),
            area: "1".into(),
            items: vec![("1.1.1".into(), v), ("1.1.1".into(), v)],
        })
        .unwrap();
    assert_eq!(events.len(), 1);
}

/// `plan` is the dry run `import --dry-run` shows: the events `apply` would write, by the same
/// rules, and nothing written. A re-import that changes only a note, or the score of an agreed
/// item (which resets the agreement), is planned exactly as it is then applied.
#[test]
fn plan_is_what_apply_writes_and_writes_nothing() {
    use domain::{Change, Evidence, SelfRow};
    let dir = tempfile::tempdir().unwrap();
    let lead = setup(dir.path());
    let an = lead.session("an");
    let k = key("44", "1.1.1");
    an.apply(Command::Agree {
        key: k.clone(),
        expected: version(&an, &k),
    })
    .unwrap();
    let row = |leaf: &str, score: &str, note: &str| SelfRow {
        unit: "44".into(),
        leaf: leaf.into(),
        score: p(score),
        note: note.into(),
        evidence: vec![Evidence {
            number: "12/KH-UBND".into(),
            title: "Kế hoạch CCHC năm 2024".into(),
            date: "2024-01-10".into(),
            link: String::new(),
        }],
    };
    let cmd = Command::ImportSelf {
        year: YEAR,
        rows: vec![
            // Agreed at 2: a new score resets the agreement.
            row("1.1.1", "1.75", "Ghi chú của tỉnh cho 1.1.1"),
            // Only the note changes.
            row("1.1.2", "1.5", "Ghi chú đã sửa"),
            // Unchanged.
            row("2.1.1", "4", "Ghi chú của tỉnh cho 2.1.1"),
        ],
    };
    let seq_before = lead.last_seq().unwrap();
    let planned = lead.plan(cmd.clone()).unwrap();
    assert_eq!(
        lead.last_seq().unwrap(),
        seq_before,
        "a plan writes nothing"
    );
    let kinds: Vec<(String, &str)> = planned
        .iter()
        .map(|e| match &e.change {
            Change::SelfAssessed { key, .. } => (key.leaf.clone(), "self"),
            Change::Appraised { key, after, .. } => {
                assert_eq!(after.status, Status::Pending);
                (key.leaf.clone(), "reset")
            }
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("1.1.1".to_string(), "self"),
            ("1.1.1".to_string(), "reset"),
            ("1.1.2".to_string(), "self"),
        ]
    );
    let applied = lead.apply(cmd).unwrap();
    let applied: Vec<_> = applied.iter().map(|e| &e.body.change).collect();
    let planned: Vec<_> = planned.iter().map(|e| &e.change).collect();
    assert_eq!(applied, planned);
    // The auditor may not even plan a change.
    let auditor = lead.session("kiemtra");
    assert!(matches!(
        auditor.plan(Command::Agree {
            key: k.clone(),
            expected: version(&auditor, &k),
        }),
        Err(WorkbenchError::ReadOnly { .. })
    ));
}

/// The roles the workbench asks about before it opens a dialog are the engine's.
#[test]
fn command_kinds_allow_what_the_engine_allows() {
    use domain::CommandKind;
    let dir = tempfile::tempdir().unwrap();
    let lead = setup(dir.path());
    let an = lead.session("an");
    assert!(!CommandKind::Finalize.allowed_for(Role::Appraiser));
    assert!(CommandKind::Agree.allowed_for(Role::Appraiser));
    assert!(!CommandKind::Agree.allowed_for(Role::Auditor));
    assert!(CommandKind::Finalize.allowed_for(Role::Lead));
    let finalize = Command::Finalize {
        year: YEAR,
        unit: "44".into(),
    };
    assert!(finalize.needs_lead());
    assert!(matches!(
        an.apply(finalize),
        Err(WorkbenchError::LeadOnly { .. })
    ));
}

/// `u` in a unit's workbench undoes the last change in that unit, not one made elsewhere since;
/// redo takes an undo back while nothing new was decided in the unit.
#[test]
fn undo_in_a_unit_stays_in_it_and_redo_takes_it_back() {
    let dir = tempfile::tempdir().unwrap();
    let lead = setup(dir.path());
    let an = lead.session("an");
    let undo_in = |unit: &str| Command::UndoIn {
        year: YEAR,
        unit: unit.into(),
    };
    let redo_in = |unit: &str| Command::Redo {
        year: YEAR,
        unit: unit.into(),
    };
    adjust(
        &an,
        "44",
        "2.1.1",
        "3",
        "Thiếu quyết định ban hành kế hoạch",
    )
    .unwrap();
    adjust(&an, "67", "1.1.1", "1", "Kế hoạch ban hành muộn 10 ngày").unwrap();
    // In 44, undo takes back the change in 44, although the last change was in 67.
    an.apply(undo_in("44")).unwrap();
    assert_eq!(status(&an, "44", "2.1.1"), Status::Pending);
    assert_eq!(status(&an, "67", "1.1.1"), Status::Adjusted);
    assert!(matches!(
        an.apply(undo_in("44")),
        Err(WorkbenchError::NothingToUndo { .. })
    ));
    // Redo brings it back, once.
    an.apply(redo_in("44")).unwrap();
    let it = an.item(&key("44", "2.1.1")).unwrap().unwrap();
    assert_eq!(it.status(), Status::Adjusted);
    assert_eq!(it.appraisal.proposed, Some(p("3")));
    assert_eq!(
        it.appraisal.justification,
        "Thiếu quyết định ban hành kế hoạch"
    );
    assert!(matches!(
        an.apply(redo_in("44")),
        Err(WorkbenchError::NothingToRedo { .. })
    ));
    // A redo is a change of its own: undo takes it back, and redo again restores it.
    an.apply(undo_in("44")).unwrap();
    assert_eq!(status(&an, "44", "2.1.1"), Status::Pending);
    an.apply(redo_in("44")).unwrap();
    assert_eq!(status(&an, "44", "2.1.1"), Status::Adjusted);
    // Two undos, two redos, in order.
    adjust(&an, "44", "1.1.2", "1", "Chưa có báo cáo quý IV năm 2024").unwrap();
    an.apply(undo_in("44")).unwrap();
    an.apply(undo_in("44")).unwrap();
    assert_eq!(status(&an, "44", "1.1.2"), Status::Pending);
    assert_eq!(status(&an, "44", "2.1.1"), Status::Pending);
    an.apply(redo_in("44")).unwrap();
    assert_eq!(status(&an, "44", "2.1.1"), Status::Adjusted);
    assert_eq!(status(&an, "44", "1.1.2"), Status::Pending);
    an.apply(redo_in("44")).unwrap();
    assert_eq!(status(&an, "44", "1.1.2"), Status::Adjusted);
    // A new decision after an undo ends what can be redone.
    an.apply(undo_in("44")).unwrap();
    an.apply(Command::Agree {
        key: key("44", "1.1.1"),
        expected: version(&an, &key("44", "1.1.1")),
    })
    .unwrap();
    assert!(matches!(
        an.apply(redo_in("44")),
        Err(WorkbenchError::NothingToRedo { .. })
    ));
    // Someone else changing the item since the undo makes redo a conflict, not an overwrite.
    an.apply(undo_in("67")).unwrap();
    adjust(
        &lead,
        "67",
        "1.1.1",
        "0.5",
        "Trưởng nhóm: thiếu biên bản kiểm tra",
    )
    .unwrap();
    assert!(matches!(
        an.apply(redo_in("67")),
        Err(WorkbenchError::Conflict { .. })
    ));
    let report = lead.engine().store().verify().unwrap();
    assert!(report.ok(), "{report:?}");
}
