//! Explanation rounds, disputes and council referrals (SPEC D5): every transition
//! allowed and refused by role, state and round, the late flag, and replay after all of them.

mod common;

use api::Workbench;
use api::{NotOpenReason, WorkbenchError};
use common::*;
use domain::{Command, Outcome, Points, RoundScope, Status};

fn adjust(wb: &dyn Workbench, unit: &str, leaf: &str, score: &str) {
    let k = key(unit, leaf);
    wb.apply(Command::Adjust {
        key: k.clone(),
        score: p(score),
        justification: "Tài liệu kiểm chứng chưa đầy đủ".into(),
        expected: version(wb, &k),
    })
    .expect("adjust");
}

fn explain(
    wb: &dyn Workbench,
    unit: &str,
    leaf: &str,
    received: &str,
    round: Option<u32>,
) -> Result<(), WorkbenchError> {
    let k = key(unit, leaf);
    wb.apply(Command::RecordDispute {
        key: k.clone(),
        explanation: "Tỉnh đã ban hành kế hoạch đúng hạn, gửi kèm văn bản".into(),
        document: "215/UBND-NC".into(),
        claimed: None,
        received: date(received),
        round,
        expected: version(wb, &k),
    })
    .map(|_| ())
}

fn resolve(
    wb: &dyn Workbench,
    unit: &str,
    leaf: &str,
    outcome: Outcome,
    score: Option<&str>,
) -> Result<(), WorkbenchError> {
    let k = key(unit, leaf);
    wb.apply(Command::ResolveDispute {
        key: k.clone(),
        outcome,
        score: score.map(p),
        response: "Đã xem xét tài liệu bổ sung".into(),
        expected: version(wb, &k),
    })
    .map(|_| ())
}

fn item(wb: &dyn Workbench, unit: &str, leaf: &str) -> domain::Item {
    wb.item(&key(unit, leaf)).unwrap().unwrap()
}

#[test]
fn rounds_are_opened_and_closed_by_leads_only() {
    let dir = tempfile::tempdir().unwrap();
    let lead = setup(dir.path());
    let an = lead.session("an");
    let open = |wb: &dyn Workbench, opens: &str, closes: &str| {
        wb.apply(Command::OpenRound {
            year: YEAR,
            opens: date(opens),
            closes: date(closes),
            scope: RoundScope::Lowered,
            units: Vec::new(),
            note: String::new(),
        })
    };
    assert!(matches!(
        open(&an, "2025-03-01", "2025-03-15"),
        Err(WorkbenchError::LeadOnly { .. })
    ));
    assert!(matches!(
        open(&lead.session("kiemtra"), "2025-03-01", "2025-03-15"),
        Err(WorkbenchError::ReadOnly { .. })
    ));
    assert!(matches!(
        open(&lead, "2025-03-15", "2025-03-01"),
        Err(WorkbenchError::BadRoundDates { .. })
    ));
    assert!(matches!(
        lead.apply(Command::OpenRound {
            year: YEAR,
            opens: date("2025-03-01"),
            closes: date("2025-03-15"),
            scope: RoundScope::Lowered,
            units: vec!["99".into()],
            note: String::new(),
        }),
        Err(WorkbenchError::UnknownUnit { .. })
    ));
    open(&lead, "2025-03-01", "2025-03-15").unwrap();
    open(&lead, "2025-04-01", "2025-04-15").unwrap();
    let rounds = an.rounds(YEAR).unwrap();
    assert_eq!(
        rounds.iter().map(|r| r.number).collect::<Vec<_>>(),
        vec![1, 2]
    );
    assert!(matches!(
        an.apply(Command::CloseRound {
            year: YEAR,
            number: 1,
            reason: String::new()
        }),
        Err(WorkbenchError::LeadOnly { .. })
    ));
    lead.apply(Command::CloseRound {
        year: YEAR,
        number: 1,
        reason: "Hết hạn".into(),
    })
    .unwrap();
    assert!(matches!(
        lead.apply(Command::CloseRound {
            year: YEAR,
            number: 1,
            reason: String::new()
        }),
        Err(WorkbenchError::RoundClosed { number: 1, .. })
    ));
    assert!(matches!(
        lead.apply(Command::CloseRound {
            year: YEAR,
            number: 7,
            reason: String::new()
        }),
        Err(WorkbenchError::UnknownRound { number: 7, .. })
    ));
    assert!(an.rounds(YEAR).unwrap()[0].closed);
    assert!(!an.rounds(YEAR).unwrap()[1].closed);
}

#[test]
fn an_explanation_needs_an_open_round_that_covers_the_item() {
    let dir = tempfile::tempdir().unwrap();
    let lead = setup(dir.path());
    let an = lead.session("an");
    adjust(&an, "44", "1.1.1", "1");
    assert!(matches!(
        explain(&an, "44", "1.1.1", "2025-03-05", None),
        Err(WorkbenchError::NoOpenRound { .. })
    ));
    // A round for unit 67 only.
    lead.apply(Command::OpenRound {
        year: YEAR,
        opens: date("2025-03-01"),
        closes: date("2025-03-15"),
        scope: RoundScope::Lowered,
        units: vec!["67".into()],
        note: String::new(),
    })
    .unwrap();
    assert!(matches!(
        explain(&an, "44", "1.1.1", "2025-03-05", None),
        Err(WorkbenchError::NoOpenRound { .. })
    ));
    assert!(matches!(
        explain(&an, "44", "1.1.1", "2025-03-05", Some(1)),
        Err(WorkbenchError::NotInRound {
            why: NotOpenReason::OtherUnit,
            ..
        })
    ));
    open_round(&lead, "2025-03-01", "2025-03-15");
    // Raised scores are not in the default scope.
    adjust(&an, "44", "1.1.2", "2");
    assert!(matches!(
        explain(&an, "44", "1.1.2", "2025-03-05", None),
        Err(WorkbenchError::NotInRound {
            why: NotOpenReason::OutOfScope,
            ..
        })
    ));
    // A pending item cannot be disputed at all; an auditor cannot record.
    assert!(matches!(
        explain(&an, "44", "2.1.1", "2025-03-05", None),
        Err(WorkbenchError::WrongStatus {
            status: Status::Pending,
            ..
        })
    ));
    assert!(matches!(
        explain(&lead.session("kiemtra"), "44", "1.1.1", "2025-03-05", None),
        Err(WorkbenchError::ReadOnly { .. })
    ));
    // A date far in the future is a typing error.
    assert!(matches!(
        explain(&an, "44", "1.1.1", "2999-01-01", None),
        Err(WorkbenchError::ReceivedInFuture { .. })
    ));
    explain(&an, "44", "1.1.1", "2025-03-05", None).unwrap();
    let it = item(&an, "44", "1.1.1");
    assert_eq!(it.status(), Status::Disputed);
    let d = it.appraisal.dispute.unwrap();
    assert_eq!(
        (d.round, d.late, d.document.as_str()),
        (2, false, "215/UBND-NC")
    );
    // Nothing changed on a refused command.
    assert_eq!(item(&an, "44", "1.1.2").status(), Status::Adjusted);
}

#[test]
fn late_explanations_are_flagged_and_closed_rounds_refuse() {
    let dir = tempfile::tempdir().unwrap();
    let lead = setup(dir.path());
    let an = lead.session("an");
    open_round(&lead, "2025-03-01", "2025-03-15");
    adjust(&an, "44", "1.1.1", "1");
    adjust(&an, "67", "1.1.1", "1");
    explain(&an, "44", "1.1.1", "2025-03-15", None).unwrap();
    explain(&an, "67", "1.1.1", "2025-03-16", None).unwrap();
    assert!(!item(&an, "44", "1.1.1").appraisal.dispute.unwrap().late);
    assert!(item(&an, "67", "1.1.1").appraisal.dispute.unwrap().late);
    // Closed: no more explanations, but answers still go in.
    adjust(&an, "44", "2.1.1", "3");
    lead.apply(Command::CloseRound {
        year: YEAR,
        number: 1,
        reason: "Hết hạn".into(),
    })
    .unwrap();
    assert!(matches!(
        explain(&an, "44", "2.1.1", "2025-03-10", None),
        Err(WorkbenchError::NoOpenRound { .. })
    ));
    assert!(matches!(
        explain(&an, "44", "2.1.1", "2025-03-10", Some(1)),
        Err(WorkbenchError::RoundClosed { number: 1, .. })
    ));
    resolve(&an, "44", "1.1.1", Outcome::Rejected, None).unwrap();
    assert_eq!(item(&an, "44", "1.1.1").status(), Status::Resolved);
}

#[test]
fn one_explanation_per_round_and_a_second_round_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let lead = setup(dir.path());
    let an = lead.session("an");
    open_round(&lead, "2025-03-01", "2025-03-15");
    adjust(&an, "44", "1.1.1", "1");
    explain(&an, "44", "1.1.1", "2025-03-05", None).unwrap();
    // While disputed, a second explanation is a wrong status.
    assert!(matches!(
        explain(&an, "44", "1.1.1", "2025-03-06", None),
        Err(WorkbenchError::WrongStatus {
            status: Status::Disputed,
            ..
        })
    ));
    resolve(&an, "44", "1.1.1", Outcome::Rejected, None).unwrap();
    assert!(matches!(
        explain(&an, "44", "1.1.1", "2025-03-07", None),
        Err(WorkbenchError::NotInRound {
            why: NotOpenReason::AlreadyAnswered,
            ..
        })
    ));
    open_round(&lead, "2025-04-01", "2025-04-15");
    explain(&an, "44", "1.1.1", "2025-04-02", None).unwrap();
    assert_eq!(item(&an, "44", "1.1.1").appraisal.dispute.unwrap().round, 2);
}

#[test]
fn answers_upheld_partly_and_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let lead = setup(dir.path());
    let an = lead.session("an");
    open_round(&lead, "2025-03-01", "2025-03-15");
    for u in ["44", "67"] {
        adjust(&an, u, "1.1.1", "1");
        adjust(&an, u, "2.1.1", "2");
    }
    adjust(&an, "44", "1.1.2", "0.5");
    for (u, l) in [
        ("44", "1.1.1"),
        ("67", "1.1.1"),
        ("44", "2.1.1"),
        ("44", "1.1.2"),
    ] {
        explain(&an, u, l, "2025-03-05", None).unwrap();
    }
    // Answering is not the auditor's.
    assert!(matches!(
        resolve(
            &lead.session("kiemtra"),
            "44",
            "1.1.1",
            Outcome::Upheld,
            None
        ),
        Err(WorkbenchError::ReadOnly { .. })
    ));
    // Upheld goes back to the self score.
    resolve(&an, "44", "1.1.1", Outcome::Upheld, None).unwrap();
    assert_eq!(item(&an, "44", "1.1.1").appraisal.proposed, Some(p("2")));
    // Partly upheld needs a score strictly between ours (2) and theirs (self 4).
    for bad in ["2", "4", "1", "4.5"] {
        let r = resolve(&an, "44", "2.1.1", Outcome::PartlyUpheld, Some(bad));
        assert!(
            matches!(
                r,
                Err(WorkbenchError::PartlyOutOfRange { .. }) | Err(WorkbenchError::BadScore { .. })
            ),
            "{bad}: {r:?}"
        );
    }
    assert!(matches!(
        resolve(&an, "44", "2.1.1", Outcome::PartlyUpheld, None),
        Err(WorkbenchError::TextRequired { .. })
    ));
    resolve(&an, "44", "2.1.1", Outcome::PartlyUpheld, Some("3")).unwrap();
    let it = item(&an, "44", "2.1.1");
    assert_eq!(it.appraisal.proposed, Some(p("3")));
    assert_eq!(
        it.appraisal.dispute.unwrap().outcome,
        Some(Outcome::PartlyUpheld)
    );
    // Rejected keeps the proposed score and needs a response.
    let k = key("67", "1.1.1");
    assert!(matches!(
        an.apply(Command::ResolveDispute {
            key: k.clone(),
            outcome: Outcome::Rejected,
            score: None,
            response: "  ".into(),
            expected: version(&an, &k),
        }),
        Err(WorkbenchError::TextRequired { .. })
    ));
    resolve(&an, "67", "1.1.1", Outcome::Rejected, None).unwrap();
    assert_eq!(item(&an, "67", "1.1.1").appraisal.proposed, Some(p("1")));
    // A resolved item cannot be answered again.
    assert!(matches!(
        resolve(&an, "67", "1.1.1", Outcome::Upheld, None),
        Err(WorkbenchError::WrongStatus {
            status: Status::Resolved,
            ..
        })
    ));
}

#[test]
fn council_referral_and_decision_are_for_leads_and_final() {
    let dir = tempfile::tempdir().unwrap();
    let lead = setup(dir.path());
    let an = lead.session("an");
    open_round(&lead, "2025-03-01", "2025-03-15");
    adjust(&an, "44", "1.1.1", "1");
    let k = key("44", "1.1.1");
    let escalate = |wb: &dyn Workbench| {
        wb.apply(Command::Escalate {
            key: k.clone(),
            reason: "Tỉnh không đồng ý với kết quả trả lời".into(),
            expected: version(wb, &k),
        })
    };
    // Not before there is a dispute.
    assert!(matches!(
        escalate(&lead),
        Err(WorkbenchError::WrongStatus {
            status: Status::Adjusted,
            ..
        })
    ));
    explain(&an, "44", "1.1.1", "2025-03-05", None).unwrap();
    resolve(&an, "44", "1.1.1", Outcome::Rejected, None).unwrap();
    assert!(matches!(
        escalate(&an),
        Err(WorkbenchError::LeadOnly { .. })
    ));
    escalate(&lead).unwrap();
    assert_eq!(item(&an, "44", "1.1.1").status(), Status::Escalated);
    // While escalated nobody appraises it, and the unit cannot be finalized.
    let adjust_again = an.apply(Command::Adjust {
        key: k.clone(),
        score: p("1.5"),
        justification: "x".into(),
        expected: version(&an, &k),
    });
    assert!(matches!(
        adjust_again,
        Err(WorkbenchError::WrongStatus { .. })
    ));
    let decide = |wb: &dyn Workbench, score: &str| {
        wb.apply(Command::CouncilDecide {
            key: k.clone(),
            score: p(score),
            decision: "Hội đồng thống nhất giữ nguyên điểm thẩm định".into(),
            minutes: "Biên bản số 02/BB-HĐTĐ".into(),
            expected: version(wb, &k),
        })
    };
    assert!(matches!(
        decide(&an, "1"),
        Err(WorkbenchError::LeadOnly { .. })
    ));
    assert!(matches!(
        decide(&lead, "1.3"),
        Err(WorkbenchError::BadScore { .. })
    ));
    decide(&lead, "1.5").unwrap();
    let it = item(&an, "44", "1.1.1");
    assert_eq!(it.status(), Status::Decided);
    assert_eq!(it.appraisal.proposed, Some(p("1.5")));
    let c = it.appraisal.council.unwrap();
    assert_eq!(c.reason, "Tỉnh không đồng ý với kết quả trả lời");
    let d = c.decision.unwrap();
    assert_eq!(
        (d.score, d.minutes.as_str()),
        (p("1.5"), "Biên bản số 02/BB-HĐTĐ")
    );
    // Final: no new explanation, no second decision.
    assert!(matches!(
        explain(&an, "44", "1.1.1", "2025-03-06", None),
        Err(WorkbenchError::WrongStatus {
            status: Status::Decided,
            ..
        })
    ));
    assert!(matches!(
        decide(&lead, "1"),
        Err(WorkbenchError::WrongStatus { .. })
    ));
    assert_eq!(
        item(&an, "44", "1.1.1").appraisal.proposed,
        Some(Points::from_hundredths(150))
    );
}

#[test]
fn finalize_waits_for_escalations_and_takes_decided_items() {
    let dir = tempfile::tempdir().unwrap();
    let lead = setup(dir.path());
    let an = lead.session("an");
    open_round(&lead, "2025-03-01", "2025-03-15");
    adjust(&an, "44", "1.1.1", "1");
    for leaf in ["1.1.2", "2.1.1"] {
        let k = key("44", leaf);
        an.apply(Command::Agree {
            key: k.clone(),
            expected: version(&an, &k),
        })
        .unwrap();
    }
    explain(&an, "44", "1.1.1", "2025-03-05", None).unwrap();
    let k = key("44", "1.1.1");
    lead.apply(Command::Escalate {
        key: k.clone(),
        reason: "Trình Hội đồng".into(),
        expected: version(&lead, &k),
    })
    .unwrap();
    let finalize = || {
        lead.apply(Command::Finalize {
            year: YEAR,
            unit: "44".into(),
        })
    };
    assert!(matches!(
        finalize(),
        Err(WorkbenchError::Unfinished { open: 1, .. })
    ));
    lead.apply(Command::CouncilDecide {
        key: k.clone(),
        score: p("1"),
        decision: "Giữ nguyên".into(),
        minutes: String::new(),
        expected: version(&lead, &k),
    })
    .unwrap();
    finalize().unwrap();
}

#[test]
fn replay_equals_state_after_rounds_and_referrals() {
    let dir = tempfile::tempdir().unwrap();
    let lead = setup(dir.path());
    let an = lead.session("an");
    open_round(&lead, "2025-03-01", "2025-03-15");
    adjust(&an, "44", "1.1.1", "1");
    explain(&an, "44", "1.1.1", "2025-03-20", None).unwrap();
    resolve(&an, "44", "1.1.1", Outcome::Rejected, None).unwrap();
    let k = key("44", "1.1.1");
    lead.apply(Command::Escalate {
        key: k.clone(),
        reason: "Trình Hội đồng".into(),
        expected: version(&lead, &k),
    })
    .unwrap();
    lead.apply(Command::CloseRound {
        year: YEAR,
        number: 1,
        reason: "Hết hạn".into(),
    })
    .unwrap();
    let report = lead.verify().unwrap();
    assert!(report.ok(), "{}", report.message(l10n::Lang::En));
    // Undo takes back the lead's own referral.
    lead.apply(Command::Undo).unwrap();
    assert_eq!(item(&an, "44", "1.1.1").status(), Status::Resolved);
    assert!(item(&an, "44", "1.1.1").appraisal.council.is_none());
    assert!(lead.verify().unwrap().ok());
}

/// "Received in the future" and "late" are judged by the engine's clock, in Vietnam time.
#[test]
fn the_engine_judges_dates_by_its_clock_in_vietnam_time() {
    use domain::clock;
    let dir = tempfile::tempdir().unwrap();
    drop(common::setup(dir.path()));
    // The same store, served by an engine whose clock says 15/03/2025 23:59 in Vietnam.
    let store = store::Store::open(dir.path()).unwrap();
    let at = |utc: &str| clock::fixed(utc.parse().expect("a time"));
    let engine = engine::Engine::with_clock(store, at("2025-03-15T16:59:00Z"));
    let lead = engine::LocalWorkbench::with_engine(engine, "lead");
    let an = lead.session("an");
    open_round(&lead, "2025-03-01", "2025-03-15");
    adjust(&an, "44", "1.1.1", "1");
    // 17/03 is more than a day ahead of 15/03 in Vietnam: a typing error.
    assert!(matches!(
        explain(&an, "44", "1.1.1", "2025-03-17", None),
        Err(WorkbenchError::ReceivedInFuture { .. })
    ));
    // Received on the closing day: on time. The event is dated by the clock, but never before
    // the events already recorded (times never go backwards).
    explain(&an, "44", "1.1.1", "2025-03-15", None).unwrap();
    let it = item(&an, "44", "1.1.1");
    assert!(!it.appraisal.dispute.unwrap().late);
    assert!(it.last.is_some());
    // A letter dated the day after the closing date is late.
    adjust(&an, "67", "1.1.1", "1");
    explain(&an, "67", "1.1.1", "2025-03-16", None).unwrap();
    assert!(item(&an, "67", "1.1.1").appraisal.dispute.unwrap().late);
}
