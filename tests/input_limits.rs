//! SPEC S5 (hostile co-users), R7 and C4 through the engine: a draft needs a write role, an
//! existing item, a bounded size and a bounded count; every text a command carries has a limit;
//! a member name is an OS user name; a round's note is one line. Every refusal is the same for a
//! dry run (`plan`) and for real, and leaves the store as it was.

mod common;

use api::{TextOf, Workbench, WorkbenchError};
use common::*;
use domain::limits::{DRAFTS_PER_USER, EVIDENCE_ENTRIES, LONG_TEXT, SHORT_TEXT, TextField};
use domain::{Change, Command, Draft, Evidence, ItemKey, NewEvent, Outcome, Role, SelfRow};
use l10n::Lang;

/// One byte over the field's limit.
fn over(field: TextField) -> String {
    "x".repeat(field.limit() + 1)
}

/// `cmd` is refused, as a dry run and for real, because its `field` of `at` is `length` bytes
/// long; the message names the field, the length and the limit in both languages; nothing is
/// written.
fn too_long(wb: &dyn Workbench, cmd: Command, field: TextField, at: TextOf, length: usize) {
    let before = wb.last_seq().expect("last seq");
    let want = WorkbenchError::TooLong {
        at,
        field,
        limit: field.limit(),
        length,
    };
    assert_eq!(wb.plan(cmd.clone()).map(|_| ()), Err(want.clone()), "plan");
    assert_eq!(wb.apply(cmd).map(|_| ()), Err(want.clone()), "apply");
    assert_eq!(wb.last_seq().expect("last seq"), before, "nothing written");
    let (vi, en) = (want.message(Lang::Vi), want.message(Lang::En));
    for (msg, lang) in [(&vi, Lang::Vi), (&en, Lang::En)] {
        assert!(
            msg.contains(field.label(lang))
                && msg.contains(&length.to_string())
                && msg.contains(&field.limit().to_string()),
            "{msg}"
        );
    }
}

/// `cmd` is refused with `want`, as a dry run and for real, and nothing is written.
fn refused(wb: &dyn Workbench, cmd: Command, want: &WorkbenchError) {
    let before = wb.last_seq().expect("last seq");
    assert_eq!(wb.plan(cmd.clone()).map(|_| ()).as_ref(), Err(want), "plan");
    assert_eq!(wb.apply(cmd).map(|_| ()).as_ref(), Err(want), "apply");
    assert_eq!(wb.last_seq().expect("last seq"), before, "nothing written");
}

fn adjust(wb: &dyn Workbench, k: &ItemKey, score: &str, justification: String) -> Command {
    Command::Adjust {
        key: k.clone(),
        score: p(score),
        justification,
        expected: version(wb, k),
    }
}

fn of(k: &ItemKey) -> TextOf {
    TextOf::Item { key: k.clone() }
}

#[test]
fn every_item_command_refuses_a_text_over_its_limit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let lead = setup(dir.path());
    let an = lead.session("an");
    let k = key("44", "1.1.1");

    let j = TextField::Justification;
    too_long(&an, adjust(&an, &k, "1", over(j)), j, of(&k), LONG_TEXT + 1);
    // Bytes as kept: 5462 three-byte letters are over 16 KiB, 5461 fit; a CRLF is kept as one
    // byte, so 8192 "a\r\n" (24 576 bytes sent) fit.
    too_long(
        &an,
        adjust(&an, &k, "1", "ể".repeat(5462)),
        j,
        of(&k),
        16386,
    );
    an.apply(adjust(&an, &k, "1", "ể".repeat(5461)))
        .expect("16 383 bytes fit");
    let k2 = key("44", "1.1.2");
    an.apply(adjust(&an, &k2, "1", "a\r\n".repeat(LONG_TEXT / 2)))
        .expect("measured as kept");
    assert_eq!(
        an.item(&k2).unwrap().unwrap().appraisal.justification.len(),
        LONG_TEXT - 1
    );

    let k3 = key("67", "1.1.1");
    let r = TextField::Request;
    too_long(
        &an,
        Command::RequestEvidence {
            key: k3.clone(),
            request: over(r),
            expected: version(&an, &k3),
        },
        r,
        of(&k3),
        LONG_TEXT + 1,
    );

    // Disputes: 44/1.1.1 was lowered, so a round takes its explanation.
    open_round(&lead, "2024-01-01", "2099-12-31");
    let explain = |explanation: String, document: String| Command::RecordDispute {
        key: k.clone(),
        explanation,
        document,
        claimed: None,
        received: date("2024-06-01"),
        round: None,
        expected: version(&an, &k),
    };
    let f = TextField::Explanation;
    too_long(
        &an,
        explain(over(f), "215/UBND".into()),
        f,
        of(&k),
        LONG_TEXT + 1,
    );
    let f = TextField::Document;
    too_long(
        &an,
        explain("Đã ban hành".into(), over(f)),
        f,
        of(&k),
        SHORT_TEXT + 1,
    );
    an.apply(explain("Đã ban hành".into(), "215/UBND".into()))
        .expect("explanation within limits");
    let f = TextField::Response;
    too_long(
        &an,
        Command::ResolveDispute {
            key: k.clone(),
            outcome: Outcome::Rejected,
            score: None,
            response: over(f),
            expected: version(&an, &k),
        },
        f,
        of(&k),
        LONG_TEXT + 1,
    );
    let escalate = |reason: String| Command::Escalate {
        key: k.clone(),
        reason,
        expected: version(&lead, &k),
    };
    let f = TextField::EscalateReason;
    too_long(&lead, escalate(over(f)), f, of(&k), LONG_TEXT + 1);
    lead.apply(escalate("Hai bên chưa thống nhất".into()))
        .expect("escalate");
    let decide = |decision: String, minutes: String| Command::CouncilDecide {
        key: k.clone(),
        score: p("1.5"),
        decision,
        minutes,
        expected: version(&lead, &k),
    };
    let f = TextField::Decision;
    too_long(
        &lead,
        decide(over(f), "BB 03".into()),
        f,
        of(&k),
        LONG_TEXT + 1,
    );
    let f = TextField::Minutes;
    too_long(
        &lead,
        decide("Chấp nhận một phần".into(), over(f)),
        f,
        of(&k),
        SHORT_TEXT + 1,
    );
    lead.apply(decide("Chấp nhận một phần".into(), "BB 03".into()))
        .expect("decide within limits");
}

fn row(unit: &str, leaf: &str, note: &str, evidence: Vec<Evidence>) -> SelfRow {
    SelfRow {
        unit: unit.into(),
        leaf: leaf.into(),
        score: p("1"),
        note: note.into(),
        evidence,
    }
}

fn evidence(number: &str, title: &str, date: &str, link: &str) -> Evidence {
    Evidence {
        number: number.into(),
        title: title.into(),
        date: date.into(),
        link: link.into(),
    }
}

#[test]
fn an_import_with_one_row_over_a_limit_imports_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let lead = setup(dir.path());
    let good = row("44", "1.1.1", "Ghi chú mới", Vec::new());
    let import = |bad: SelfRow| Command::ImportSelf {
        year: YEAR,
        rows: vec![good.clone(), bad],
    };
    let k = key("67", "1.1.2");
    let f = TextField::Note;
    too_long(
        &lead,
        import(row("67", "1.1.2", &over(f), Vec::new())),
        f,
        of(&k),
        LONG_TEXT + 1,
    );
    // A repeated row is checked too (the first of a key is the one kept).
    let k1 = key("44", "1.1.1");
    too_long(
        &lead,
        import(row("44", "1.1.1", &over(f), Vec::new())),
        f,
        of(&k1),
        LONG_TEXT + 1,
    );
    let long = "x".repeat(SHORT_TEXT + 1);
    for (field, entry) in [
        (TextField::EvidenceNumber, evidence(&long, "", "", "")),
        (TextField::EvidenceTitle, evidence("1/KH", &long, "", "")),
        (TextField::EvidenceDate, evidence("1/KH", "", &long, "")),
        (TextField::EvidenceLink, evidence("1/KH", "", "", &long)),
    ] {
        too_long(
            &lead,
            import(row("67", "1.1.2", "", vec![entry])),
            field,
            of(&k),
            SHORT_TEXT + 1,
        );
    }
    let many = vec![evidence("1/KH", "Kế hoạch", "", ""); EVIDENCE_ENTRIES + 1];
    let want = WorkbenchError::TooManyEvidence {
        key: k.clone(),
        count: EVIDENCE_ENTRIES + 1,
        limit: EVIDENCE_ENTRIES,
    };
    refused(&lead, import(row("67", "1.1.2", "", many)), &want);
    assert!(want.message(Lang::Vi).contains("101 tài liệu kiểm chứng"));
    // Nothing of the good row was written either; the limits themselves are accepted.
    assert_eq!(
        lead.item(&k1)
            .unwrap()
            .unwrap()
            .self_assessment
            .unwrap()
            .note,
        "Ghi chú của tỉnh cho 1.1.1"
    );
    let full = vec![
        evidence(
            &"n".repeat(SHORT_TEXT),
            &"t".repeat(SHORT_TEXT),
            &"d".repeat(SHORT_TEXT),
            &"l".repeat(SHORT_TEXT)
        );
        EVIDENCE_ENTRIES
    ];
    lead.apply(import(row("67", "1.1.2", &"n".repeat(LONG_TEXT), full)))
        .expect("every limit reached, none passed");
}

#[test]
fn units_rounds_and_years_refuse_a_text_over_its_limit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let lead = setup(dir.path());
    let an = lead.session("an");
    for leaf in ["1.1.1", "1.1.2", "2.1.1"] {
        let k = key("44", leaf);
        an.apply(Command::Agree {
            expected: version(&an, &k),
            key: k,
        })
        .expect("agree");
    }
    lead.apply(Command::Finalize {
        year: YEAR,
        unit: "44".into(),
    })
    .expect("finalize");
    let f = TextField::ReopenReason;
    too_long(
        &lead,
        Command::Reopen {
            year: YEAR,
            unit: "44".into(),
            reason: over(f),
        },
        f,
        TextOf::Unit {
            year: YEAR,
            unit: "44".into(),
        },
        LONG_TEXT + 1,
    );

    let open = |note: String| Command::OpenRound {
        year: YEAR,
        opens: date("2024-01-01"),
        closes: date("2099-12-31"),
        scope: domain::RoundScope::Lowered,
        units: Vec::new(),
        note,
    };
    let f = TextField::RoundNote;
    let new_round = TextOf::Round {
        year: YEAR,
        number: None,
    };
    too_long(&lead, open(over(f)), f, new_round.clone(), SHORT_TEXT + 1);
    // Measured as kept: the line breaks of a pasted reference become one space.
    let pasted = format!("{}\n\n\r\n   \n{}", "a".repeat(1000), "b".repeat(20));
    lead.apply(open(pasted)).expect("1021 bytes as kept");
    let rounds = lead.rounds(YEAR).expect("rounds");
    assert_eq!(
        rounds[0].note,
        format!("{} {}", "a".repeat(1000), "b".repeat(20))
    );
    // A forged line is not a line.
    lead.apply(open(
        "Công văn 512/BNV-CCHC\r\n  ngày 01/3/2025\nĐợt 9: 01/01/2000 – 02/01/2000 (đã đóng)"
            .into(),
    ))
    .expect("open");
    let rounds = lead.rounds(YEAR).expect("rounds");
    assert_eq!(
        rounds[1].note,
        "Công văn 512/BNV-CCHC ngày 01/3/2025 Đợt 9: 01/01/2000 – 02/01/2000 (đã đóng)"
    );
    let f = TextField::CloseReason;
    too_long(
        &lead,
        Command::CloseRound {
            year: YEAR,
            number: 2,
            reason: over(f),
        },
        f,
        TextOf::Round {
            year: YEAR,
            number: Some(2),
        },
        LONG_TEXT + 1,
    );

    let year = |framework_file: String, units_file: String| Command::OpenYear {
        year: 2025,
        framework_toml: FRAMEWORK.into(),
        framework_file,
        units_toml: UNITS.into(),
        units_file,
        from_year: None,
    };
    let at = TextOf::Year { year: 2025 };
    let f = TextField::FrameworkFile;
    too_long(
        &lead,
        year(over(f), "u.toml".into()),
        f,
        at.clone(),
        SHORT_TEXT + 1,
    );
    let f = TextField::UnitsFile;
    too_long(&lead, year("f.toml".into(), over(f)), f, at, SHORT_TEXT + 1);
}

#[test]
fn member_names_are_os_user_names() {
    let dir = tempfile::tempdir().expect("temp dir");
    let lead = setup(dir.path());
    let members = lead.members().expect("members");
    for bad in [
        "lan\nlead",
        " ",
        "\t",
        "-x",
        " an",
        "lan lead",
        "nguyễn",
        "",
    ] {
        let want = WorkbenchError::BadUserName { user: bad.into() };
        refused(
            &lead,
            Command::SetMember {
                user: bad.into(),
                role: Role::Appraiser,
            },
            &want,
        );
        refused(&lead, Command::RemoveMember { user: bad.into() }, &want);
        let vi = want.message(Lang::Vi);
        assert!(!vi.contains('\n') && !vi.contains('\t'), "{vi}");
        assert!(vi.contains("không bắt đầu bằng gạch ngang"), "{vi}");
        assert!(
            want.message(Lang::En)
                .contains("not starting with a hyphen")
        );
    }
    assert_eq!(lead.members().expect("members"), members, "nobody added");
    lead.apply(Command::SetMember {
        user: "tran.thi_b".into(),
        role: Role::Appraiser,
    })
    .expect("a user name");
    assert!(
        lead.members()
            .expect("members")
            .iter()
            .any(|m| m.user == "tran.thi_b" && m.role == Role::Appraiser)
    );
    // A member added before names were checked can still be removed.
    lead.engine()
        .store()
        .commit(
            jiff::Timestamp::now(),
            vec![NewEvent {
                actor: "lead".into(),
                command: "set-member".into(),
                change: Change::MemberChanged {
                    user: "cu\nlead".into(),
                    before: None,
                    after: Some(Role::Auditor),
                },
                reason: String::new(),
            }],
        )
        .expect("an old member");
    lead.apply(Command::RemoveMember {
        user: "cu\nlead".into(),
    })
    .expect("removed");
    assert!(
        !lead
            .members()
            .unwrap()
            .iter()
            .any(|m| m.user.contains('\n'))
    );
}

fn draft(text: &str, score: &str) -> Draft {
    Draft {
        text: text.into(),
        score: score.into(),
        updated: jiff::Timestamp::now(),
    }
}

#[test]
fn a_draft_needs_a_write_role_an_item_and_a_bounded_size() {
    let dir = tempfile::tempdir().expect("temp dir");
    let lead = setup(dir.path());
    let store = lead.engine().store();
    let k = key("44", "1.1.1");
    let mega = draft(&"x".repeat(1 << 20), "1");
    let seq = lead.last_seq().unwrap();

    let auditor = lead.session("kiemtra");
    assert_eq!(
        auditor.put_draft(&k, &draft("x", "1")),
        Err(WorkbenchError::ReadOnly {
            user: "kiemtra".into()
        })
    );
    assert!(auditor.put_draft(&k, &mega).is_err());
    let stranger = lead.session("nguoila");
    assert_eq!(
        stranger.put_draft(&k, &draft("x", "1")),
        Err(WorkbenchError::NotMember {
            user: "nguoila".into(),
            leads: vec!["lead".into()]
        })
    );
    for who in ["kiemtra", "nguoila"] {
        assert!(store.drafts(who).unwrap().is_empty(), "{who} kept nothing");
    }

    let an = lead.session("an");
    for (k, want) in [
        (
            ItemKey::new(1999, "44", "1.1.1"),
            WorkbenchError::UnknownYear { year: 1999 },
        ),
        (
            key("99", "1.1.1"),
            WorkbenchError::UnknownUnit {
                year: YEAR,
                unit: "99".into(),
            },
        ),
        (
            key("44", "9.9.9"),
            WorkbenchError::UnknownCriterion {
                year: YEAR,
                code: "9.9.9".into(),
            },
        ),
        (
            key("44", "1.1"),
            WorkbenchError::NotALeaf { code: "1.1".into() },
        ),
        (
            key("44", "1.1.3"),
            WorkbenchError::SurveyNotEditable {
                key: key("44", "1.1.3"),
            },
        ),
    ] {
        assert_eq!(an.put_draft(&k, &draft("x", "1")), Err(want));
    }
    assert_eq!(
        an.put_draft(&k, &mega),
        Err(WorkbenchError::TooLong {
            at: of(&k),
            field: TextField::DraftText,
            limit: LONG_TEXT,
            length: 1 << 20,
        })
    );
    assert_eq!(
        an.put_draft(&k, &draft("x", &"9".repeat(33))),
        Err(WorkbenchError::TooLong {
            at: of(&k),
            field: TextField::DraftScore,
            limit: 32,
            length: 33,
        })
    );
    assert!(store.drafts("an").unwrap().is_empty(), "nothing kept");
    let full = draft(&"ể".repeat(LONG_TEXT / 3), &"9".repeat(32));
    an.put_draft(&k, &full).expect("at the limits");
    assert_eq!(an.draft(&k).unwrap(), Some(full));
    assert_eq!(lead.last_seq().unwrap(), seq, "drafts are not events");
}

#[test]
fn a_user_keeps_at_most_so_many_drafts() {
    let dir = tempfile::tempdir().expect("temp dir");
    let lead = setup(dir.path());
    // A year with 70 units: 210 appraised items.
    let mut units = String::from(
        "[unit_set]\nid = \"many\"\nname = \"Nhiều tỉnh\"\n\n[[region]]\ncode = \"BTB\"\nname = \"Bắc Trung Bộ\"\n",
    );
    for n in 1..=70 {
        units.push_str(&format!(
            "\n[[unit]]\ncode = \"{n:02}\"\nname = \"Tỉnh {n}\"\nregion = \"BTB\"\n"
        ));
    }
    lead.apply(Command::OpenYear {
        year: 2025,
        framework_toml: FRAMEWORK.into(),
        framework_file: "f.toml".into(),
        units_toml: units,
        units_file: "u.toml".into(),
        from_year: None,
    })
    .expect("open 2025");
    let keys: Vec<ItemKey> = (1..=70)
        .flat_map(|n| {
            ["1.1.1", "1.1.2", "2.1.1"].map(|leaf| ItemKey::new(2025, format!("{n:02}"), leaf))
        })
        .collect();
    let an = lead.session("an");
    for k in &keys[..DRAFTS_PER_USER] {
        an.put_draft(k, &draft("Đang soạn", "1,")).expect("a draft");
    }
    let next = &keys[DRAFTS_PER_USER];
    let want = WorkbenchError::TooManyDrafts {
        user: "an".into(),
        key: next.clone(),
        limit: DRAFTS_PER_USER,
    };
    assert_eq!(an.put_draft(next, &draft("x", "1")), Err(want.clone()));
    assert_eq!(an.draft(next).unwrap(), None, "not kept");
    assert_eq!(
        lead.engine().store().drafts("an").unwrap().len(),
        DRAFTS_PER_USER
    );
    assert!(want.message(Lang::Vi).contains("200 bản nháp"));
    // Replacing one keeps the count; another user has their own; saving one makes room.
    an.put_draft(&keys[0], &draft("Đang soạn tiếp", "1,2"))
        .expect("replace");
    lead.put_draft(next, &draft("Của trưởng nhóm", "1"))
        .expect("the lead's own drafts");
    an.delete_draft(&keys[0]).expect("delete");
    an.put_draft(next, &draft("x", "1")).expect("room again");
}
