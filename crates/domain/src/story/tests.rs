//! The story of an item built from hand-made events: order, kinds, diffs of revised
//! justifications, the explanation and the council, undo.

use jiff::Timestamp;

use super::*;
use crate::item::{Council, CouncilDecision, Dispute, SelfAssessment, Touch};
use crate::state::apply_to_item;
use crate::{EventBody, parse_framework};

const FW: &str = r#"
[framework]
id = "t"
name = "t"
status = "illustrative"
step = "0.25"
total = "2"

[[group]]
name = "A"
min_percent = "90"

[[item]]
code = "1"
name = "Công tác chỉ đạo"
max = "2"

[[item]]
code = "1.1"
name = "Kế hoạch"
max = "2"

[[item]]
code = "1.1.1"
name = "Ban hành kế hoạch CCHC năm"
max = "1"
method = "appraised"
guidance = "Ban hành trước 31/12 năm trước."

[[item]]
code = "1.1.2"
name = "Báo cáo CCHC"
max = "1"
method = "appraised"
"#;

fn pts(h: i64) -> Points {
    Points::from_hundredths(h)
}

/// Builds an item's events one command at a time, keeping the item as the store would.
struct Log {
    item: Item,
    events: Vec<Event>,
}

impl Log {
    fn new(leaf: &str) -> Log {
        Log {
            item: Item::new(ItemKey::new(2024, "44", leaf)),
            events: Vec::new(),
        }
    }

    fn push(&mut self, actor: &str, command: &str, reason: &str, change: Change) -> u64 {
        let seq = self.events.len() as u64 * 10 + 10;
        let at = Timestamp::from_second(1_735_700_000 + seq as i64 * 60).unwrap();
        let touch = Touch {
            actor: actor.into(),
            at,
            seq,
        };
        apply_to_item(&mut self.item, &change, &touch);
        self.events.push(Event {
            body: EventBody {
                seq,
                at,
                actor: actor.into(),
                command: command.into(),
                change,
                reason: reason.into(),
            },
            hash: String::new(),
        });
        seq
    }

    fn self_assess(&mut self, score: i64, note: &str) -> u64 {
        let before = self.item.self_assessment.clone();
        let after = SelfAssessment {
            score: pts(score),
            note: note.into(),
            evidence: vec![Evidence {
                number: "12/KH-UBND".into(),
                title: "Kế hoạch CCHC năm 2024".into(),
                date: "2024-01-10".into(),
                link: String::new(),
            }],
        };
        let change = Change::SelfAssessed {
            key: self.item.key.clone(),
            version: self.item.version + 1,
            before,
            after,
        };
        self.push("lead", "import-self", "", change)
    }

    fn appraise(
        &mut self,
        actor: &str,
        command: &str,
        reason: &str,
        f: impl FnOnce(&mut Appraisal),
    ) -> u64 {
        let before = self.item.appraisal.clone();
        let mut after = before.clone();
        f(&mut after);
        let change = Change::Appraised {
            key: self.item.key.clone(),
            version: self.item.version + 1,
            before,
            after,
        };
        self.push(actor, command, reason, change)
    }

    fn story(&self, leaf: &str) -> Option<Story> {
        let fw = parse_framework(FW, "t.toml").unwrap();
        let unit = Unit {
            code: "44".into(),
            name: "Quảng Bình".into(),
            region: "BTB".into(),
            centrally_run: false,
            absorbed: Vec::new(),
            predecessors: None,
            difficult: false,
        };
        Story::build(StoryInput {
            year: 2024,
            framework: &fw,
            leaf,
            unit: &unit,
            item: Some(&self.item),
            events: &self.events,
            references: Vec::new(),
        })
    }
}

fn adjust(score: i64, why: &str) -> impl FnOnce(&mut Appraisal) {
    let why = why.to_string();
    move |a: &mut Appraisal| {
        a.proposed = Some(pts(score));
        a.justification = why;
        a.status = Status::Adjusted;
    }
}

/// Self score 0.75, adjusted to 0.25, revised to 0.50, explained, rejected, referred, decided.
fn disputed_log() -> Log {
    let mut log = Log::new("1.1.1");
    log.self_assess(75, "Đã ban hành kế hoạch đúng hạn.");
    log.appraise(
        "an",
        "adjust",
        "",
        adjust(25, "Thiếu quyết định ban hành kế hoạch"),
    );
    log.appraise(
        "an",
        "adjust",
        "",
        adjust(50, "Thiếu văn bản ban hành kế hoạch năm"),
    );
    log.appraise("an", "record-dispute", "", |a| {
        a.status = Status::Disputed;
        a.dispute = Some(Dispute {
            explanation: "Kế hoạch ban hành ngày 28/12/2023.".into(),
            document: "882/UBND-NC".into(),
            claimed: Some(pts(75)),
            received: "2025-03-20".parse().unwrap(),
            round: 1,
            late: true,
            outcome: None,
            response: String::new(),
        });
    });
    log.appraise("an", "resolve-dispute", "", |a| {
        a.status = Status::Resolved;
        let d = a.dispute.as_mut().unwrap();
        d.outcome = Some(Outcome::Rejected);
        d.response = "Văn bản ban hành sau thời điểm chốt số liệu.".into();
    });
    log.appraise("lead", "escalate", "", |a| {
        a.status = Status::Escalated;
        a.council = Some(Council {
            reason: "Đơn vị tiếp tục kiến nghị.".into(),
            decision: None,
        });
    });
    log.appraise("lead", "council-decide", "", |a| {
        a.status = Status::Decided;
        a.proposed = Some(pts(50));
        a.council = Some(Council {
            reason: "Đơn vị tiếp tục kiến nghị.".into(),
            decision: Some(CouncilDecision {
                score: pts(50),
                text: "Giữ nguyên 0,50 điểm.".into(),
                minutes: "Biên bản số 03/BB-HĐTĐ".into(),
            }),
        });
    });
    log
}

#[test]
fn the_story_follows_the_events_in_order() {
    let s = disputed_log().story("1.1.1").unwrap();
    let kinds: Vec<StepKind> = s.steps.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds,
        [
            StepKind::SelfAssessed,
            StepKind::Adjusted,
            StepKind::Adjusted,
            StepKind::Explained,
            StepKind::Answered,
            StepKind::Referred,
            StepKind::CouncilDecided,
        ]
    );
    assert!(s.steps.windows(2).all(|w| w[0].seq < w[1].seq));
    assert_eq!(s.criterion.code, "1.1.1");
    assert_eq!(s.criterion.guidance, "Ban hành trước 31/12 năm trước.");
    let parents: Vec<&str> = s
        .criterion
        .parents
        .iter()
        .map(|p| p.code.as_str())
        .collect();
    assert_eq!(parents, ["1", "1.1"]);
    let first = &s.steps[0];
    assert_eq!(
        first.score,
        Some(Transition {
            before: None,
            after: Some(pts(75))
        })
    );
    assert_eq!(first.texts[0].field, TextField::Note);
    assert_eq!(first.evidence.len(), 1);
    let adj = &s.steps[1];
    assert_eq!(adj.delta, Some(pts(-50)));
    assert_eq!(adj.actor, "an");
    assert_eq!(
        adj.status.map(|t| (t.before, t.after)),
        Some((Status::Pending, Status::Adjusted))
    );
}

#[test]
fn a_revised_justification_is_a_word_diff_from_the_last_one() {
    let s = disputed_log().story("1.1.1").unwrap();
    assert_eq!(s.steps[1].texts[0].diff, None, "a first text is plain");
    let revised = &s.steps[2].texts[0];
    assert_eq!(revised.field, TextField::Justification);
    let diff = revised.diff.as_ref().expect("a diff");
    assert_eq!(
        crate::worddiff::marked(diff),
        "Thiếu [-quyết định-]{+văn bản+} ban hành kế hoạch{+ năm+}"
    );
    assert_eq!(s.steps[2].delta, Some(pts(-25)));
}

#[test]
fn the_explanation_answer_and_council_are_told_with_their_facts() {
    let s = disputed_log().story("1.1.1").unwrap();
    let ex = &s.steps[3];
    let info = ex.explanation.as_ref().expect("facts");
    assert_eq!(
        (info.round, info.late, info.claimed, info.document.as_str()),
        (1, true, Some(pts(75)), "882/UBND-NC")
    );
    assert_eq!(ex.texts[0].field, TextField::Explanation);
    let ans = &s.steps[4];
    assert_eq!(ans.outcome, Some(Outcome::Rejected));
    assert_eq!(ans.score, None, "rejected: the score stands");
    assert_eq!(s.steps[5].texts[0].field, TextField::Referral);
    let dec = &s.steps[6];
    assert_eq!(dec.minutes.as_deref(), Some("Biên bản số 03/BB-HĐTĐ"));
    assert_eq!(dec.texts[0].text, "Giữ nguyên 0,50 điểm.");
    assert!(dec.score.is_none(), "the council kept 0.50");
    let f = &s.final_score;
    assert_eq!(f.status, Status::Decided);
    assert_eq!(
        (f.self_score, f.proposed, f.delta),
        (Some(pts(75)), Some(pts(50)), Some(pts(-25)))
    );
    assert_eq!(f.outcome, Some(Outcome::Rejected));
    assert_eq!(f.council, Some(pts(50)));
}

#[test]
fn an_undo_is_shown_as_such_and_a_later_text_diffs_from_the_last_written() {
    let mut log = Log::new("1.1.1");
    log.self_assess(100, "");
    let adj = log.appraise("an", "adjust", "", adjust(50, "Chưa đủ căn cứ"));
    log.appraise("an", "undo", &format!("undo #{adj}"), |a| {
        *a = Appraisal::default()
    });
    log.appraise("an", "adjust", "", adjust(75, "Chưa đủ căn cứ pháp lý"));
    let s = log.story("1.1.1").unwrap();
    let undo = &s.steps[2];
    assert_eq!(undo.kind, StepKind::Undone);
    assert_eq!(undo.undoes, Some(adj));
    assert_eq!(
        undo.status.map(|t| t.after),
        Some(Status::Pending),
        "back to where it was"
    );
    assert_eq!(
        undo.score,
        Some(Transition {
            before: Some(pts(50)),
            after: None
        })
    );
    assert_eq!(undo.texts[0].text, "", "the justification was cleared");
    let again = &s.steps[3].texts[0];
    assert_eq!(
        crate::worddiff::marked(again.diff.as_ref().unwrap()),
        "Chưa đủ căn cứ{+ pháp lý+}"
    );
    assert!(s.steps[0].texts.is_empty(), "an empty note is not a text");
}

#[test]
fn other_items_events_are_ignored_and_an_unknown_leaf_has_no_story() {
    let mut log = disputed_log();
    let mut other = Log::new("1.1.2");
    other.self_assess(100, "khác");
    log.events.extend(other.events);
    let s = log.story("1.1.1").unwrap();
    assert_eq!(s.steps.len(), 7);
    assert!(log.story("9.9.9").is_none());
}

#[test]
fn a_reference_needs_a_position_taken_last_year() {
    let mut it = Item::new(ItemKey::new(2023, "44", "1.1.2"));
    assert_eq!(Reference::from_item(&it, pts(100)), None);
    it.appraisal = Appraisal {
        proposed: Some(pts(50)),
        justification: "Thiếu báo cáo quý".into(),
        status: Status::Adjusted,
        ..Appraisal::default()
    };
    let r = Reference::from_item(&it, pts(100)).unwrap();
    assert_eq!((r.year, r.leaf.as_str()), (2023, "1.1.2"));
    assert_eq!(r.justification, "Thiếu báo cáo quý");
}

#[test]
fn computed_survey_points_say_how_they_were_computed() {
    let mut b = Log::new("1.1.1");
    let k = b.item.key.clone();
    b.push(
        "lead",
        "import-survey",
        "",
        Change::SurveyScored {
            key: k.clone(),
            version: 1,
            before: None,
            after: pts(200),
        },
    );
    b.push(
        "an",
        "compute-survey",
        "tính từ 600 phiếu, công thức sipas-2024 v1: chỉ số 86,64% × 2,50 = 2,17",
        Change::SurveyScored {
            key: k,
            version: 2,
            before: Some(pts(200)),
            after: pts(217),
        },
    );
    let s = b.story("1.1.1").unwrap();
    assert_eq!(s.steps[0].kind, StepKind::SurveyScored);
    assert!(s.steps[0].texts.is_empty());
    assert_eq!(s.steps[1].kind, StepKind::SurveyComputed);
    assert_eq!(s.steps[1].texts[0].field, TextField::Computation);
    assert_eq!(
        s.steps[1].texts[0].text,
        "tính từ 600 phiếu, công thức sipas-2024 v1: chỉ số 86,64% × 2,50 = 2,17"
    );
    assert_eq!(
        labels::step_title(l10n::Lang::Vi, s.steps[1].kind),
        "Tính điểm điều tra từ phiếu khảo sát"
    );
}
