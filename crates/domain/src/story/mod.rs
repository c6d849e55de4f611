//! "Explain this score" (SPEC W6, I5): the whole story of one item, in order — the
//! criterion, the province's self score with its note and evidence, each decision with who, when
//! and why (justification revisions as word diffs), evidence requests, the province's
//! explanation and the answer, the referral to the council and its decision, the final score —
//! built from the item's events. Pure: the CLI renders it as text, Markdown or JSON
//! (`io::story`), the TUI draws it as a card; both read the same model.
//!
//! Texts are kept as stored (renderers escape them for their medium).

pub mod labels;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use super::Event;
use super::event::Change;
use super::framework::{Framework, Method};
use super::item::{Appraisal, Evidence, Item, ItemKey};
use super::points::Points;
use super::status::{Outcome, Status};
use super::units::Unit;
use super::worddiff::{Seg, word_diff};

/// Everything the story is built from.
pub struct StoryInput<'a> {
    pub year: u16,
    pub framework: &'a Framework,
    /// The leaf's code.
    pub leaf: &'a str,
    pub unit: &'a Unit,
    /// The item as stored now (`None` when the province sent nothing for it yet).
    pub item: Option<&'a Item>,
    /// The item's events, oldest first. Events of other items are ignored.
    pub events: &'a [Event],
    /// Last year's decisions on the same criterion text (`init --from-year`): one per
    /// predecessor of the unit that has one (see `lineage.rs`).
    pub references: Vec<Reference>,
}

/// The story of one item. Field names are part of the JSON format (docs/DATA_FORMATS.md).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Story {
    pub year: u16,
    pub unit: UnitRef,
    pub criterion: Criterion,
    /// The province's self-assessment as it stands now.
    pub self_assessment: Option<SelfPart>,
    /// Survey leaves: the imported score.
    pub survey: Option<Points>,
    /// What happened, oldest first.
    pub steps: Vec<Step>,
    /// Where the item stands now.
    #[serde(rename = "final")]
    pub final_score: FinalScore,
    /// Last year's decisions where the criterion's text is unchanged, one per predecessor of
    /// the unit (a merged province has several); shown for reference only.
    pub references: Vec<Reference>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UnitRef {
    pub code: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Criterion {
    pub code: String,
    pub name: String,
    pub max: Points,
    /// "appraised" or "survey".
    pub method: Method,
    pub guidance: String,
    /// Evidence the framework asks for.
    pub evidence_expected: Vec<String>,
    /// The area and criterion above the leaf, outermost first.
    pub parents: Vec<NodeRef>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NodeRef {
    pub code: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SelfPart {
    pub score: Points,
    pub note: String,
    pub evidence: Vec<Evidence>,
}

/// What kind of step an event is, from the command that made it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepKind {
    /// The province's self score arrived (or changed on re-import).
    SelfAssessed,
    SurveyScored,
    /// Survey points computed from the responses (`survey compute`, issue 16): the reason says
    /// how (responses, formula, value × max).
    SurveyComputed,
    Agreed,
    Adjusted,
    EvidenceRequested,
    /// The province's explanation (giải trình) was recorded.
    Explained,
    /// The appraiser answered the explanation.
    Answered,
    /// A lead referred the item to the appraisal council.
    Referred,
    CouncilDecided,
    /// A compensating event that took an earlier step back.
    Undone,
    /// A redo: a compensating event that took an undo back.
    Redone,
    /// A re-import of a changed self score set an agreed item back to pending.
    Reset,
    /// Anything else that changed the appraisal.
    Changed,
}

/// A value before and after a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Transition<T> {
    pub before: T,
    pub after: T,
}

/// Which text of the item a step wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextField {
    /// The province's note (thuyết minh) with its self score.
    Note,
    Justification,
    Request,
    Explanation,
    Response,
    /// Why a lead referred the item to the council.
    Referral,
    /// How survey points were computed from the responses (issue 16).
    Computation,
    /// The council's decision text.
    Decision,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StepText {
    pub field: TextField,
    /// The text as written by this step (empty: the step cleared it).
    pub text: String,
    /// When the text revises an earlier one of the same field: the word diff from it.
    pub diff: Option<Vec<Seg>>,
}

/// The facts of a recorded explanation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExplanationInfo {
    pub round: u32,
    pub document: String,
    pub received: Date,
    pub late: bool,
    pub claimed: Option<Points>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Step {
    pub seq: u64,
    pub at: Timestamp,
    pub actor: String,
    /// The command's machine name, as in the event.
    pub command: String,
    pub kind: StepKind,
    /// For an undo: the seq of the event it took back.
    pub undoes: Option<u64>,
    pub status: Option<Transition<Status>>,
    /// The score the step changed: the self score for self-assessment steps, the proposed score
    /// otherwise (`None` = no score).
    pub score: Option<Transition<Option<Points>>>,
    /// Proposed − self after the step, when the step set a proposed score.
    pub delta: Option<Points>,
    pub texts: Vec<StepText>,
    /// Self-assessment steps: the evidence list, when it is new or changed.
    pub evidence: Vec<Evidence>,
    pub explanation: Option<ExplanationInfo>,
    pub outcome: Option<Outcome>,
    /// Council decisions: the reference of the minutes.
    pub minutes: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FinalScore {
    pub self_score: Option<Points>,
    /// The appraiser's (or the council's) score; `None` while undecided.
    pub proposed: Option<Points>,
    /// What counts in the proposed total: the proposed score, else the self score.
    pub counted: Option<Points>,
    /// counted − self.
    pub delta: Option<Points>,
    pub status: Status,
    /// How the last explanation ended, if answered.
    pub outcome: Option<Outcome>,
    /// The council's score, if it decided.
    pub council: Option<Points>,
    pub minutes: Option<String>,
}

/// Last year's decision on a criterion whose text is unchanged (SPEC D8: years are linked). Shown as
/// a reference; never this year's decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reference {
    pub year: u16,
    /// The unit of that year it comes from, when that is not simply this unit (a merged
    /// province's predecessors): every such reference names its unit.
    pub from: Option<UnitRef>,
    /// The criterion's code last year (codes are renumbered between frameworks).
    pub leaf: String,
    pub max: Points,
    pub self_score: Option<Points>,
    pub proposed: Option<Points>,
    pub status: Status,
    pub justification: String,
}

impl Reference {
    /// Last year's item as a reference, when an appraiser took a position on it.
    pub fn from_item(item: &Item, max: Points) -> Option<Reference> {
        if item.status() == Status::Pending {
            return None;
        }
        Some(Reference {
            year: item.key.year,
            from: None,
            leaf: item.key.leaf.clone(),
            max,
            self_score: item.self_score(),
            proposed: item.appraisal.proposed,
            status: item.status(),
            justification: item.appraisal.justification.clone(),
        })
    }
}

impl Story {
    /// Build the story; `None` when the leaf is not in the framework.
    pub fn build(input: StoryInput<'_>) -> Option<Story> {
        let fw = input.framework;
        let node = fw.node(input.leaf)?;
        let key = ItemKey::new(input.year, input.unit.code.clone(), node.code.clone());
        let mut parents = Vec::new();
        let mut up = node.parent;
        while let Some(i) = up {
            let p = &fw.nodes[i];
            parents.push(NodeRef {
                code: p.code.clone(),
                name: p.name.clone(),
            });
            up = p.parent;
        }
        parents.reverse();
        let criterion = Criterion {
            code: node.code.clone(),
            name: node.name.clone(),
            max: node.max,
            method: node.method,
            guidance: node.guidance.clone(),
            evidence_expected: node.evidence.clone(),
            parents,
        };
        let mut walk = Walk::default();
        let steps = input
            .events
            .iter()
            .filter(|e| e.body.change.item_key() == Some(&key))
            .filter_map(|e| walk.step(e))
            .collect();
        let item = input.item;
        let final_score = match item {
            Some(it) => FinalScore {
                self_score: it.self_score(),
                proposed: it.appraisal.proposed,
                counted: it.proposed_score(),
                delta: it.delta(),
                status: it.status(),
                outcome: it.appraisal.dispute.as_ref().and_then(|d| d.outcome),
                council: it
                    .appraisal
                    .council
                    .as_ref()
                    .and_then(|c| c.decision.as_ref())
                    .map(|d| d.score),
                minutes: it
                    .appraisal
                    .council
                    .as_ref()
                    .and_then(|c| c.decision.as_ref())
                    .map(|d| d.minutes.clone()),
            },
            None => FinalScore {
                self_score: None,
                proposed: None,
                counted: None,
                delta: None,
                status: Status::Pending,
                outcome: None,
                council: None,
                minutes: None,
            },
        };
        Some(Story {
            year: input.year,
            unit: UnitRef {
                code: input.unit.code.clone(),
                name: input.unit.name.clone(),
            },
            criterion,
            self_assessment: item
                .and_then(|i| i.self_assessment.as_ref())
                .map(|s| SelfPart {
                    score: s.score,
                    note: s.note.clone(),
                    evidence: s.evidence.clone(),
                }),
            survey: item.and_then(|i| i.survey),
            steps,
            final_score,
            references: input.references,
        })
    }
}

/// What the walk through the events remembers: the self score in force (for Δ) and the last
/// non-empty text of each revisable field (a later one is shown as a diff from it).
#[derive(Default)]
struct Walk {
    self_score: Option<Points>,
    note: String,
    justification: String,
    request: String,
}

fn kind_of(command: &str) -> StepKind {
    match command {
        "agree" | "bulk-agree" => StepKind::Agreed,
        "adjust" => StepKind::Adjusted,
        "request-evidence" => StepKind::EvidenceRequested,
        "record-dispute" => StepKind::Explained,
        "resolve-dispute" => StepKind::Answered,
        "escalate" => StepKind::Referred,
        "council-decide" => StepKind::CouncilDecided,
        "undo" => StepKind::Undone,
        "redo" => StepKind::Redone,
        "import-self" => StepKind::Reset,
        _ => StepKind::Changed,
    }
}

/// "undo #5559" / "redo #5560" → 5559 / 5560 (the engine writes this reason on every undo and
/// redo: the event it takes back).
fn undone_seq(reason: &str) -> Option<u64> {
    reason
        .strip_prefix("undo #")
        .or_else(|| reason.strip_prefix("redo #"))?
        .trim()
        .parse()
        .ok()
}

/// A text written by a step, as a diff when it revises the last one of its field.
fn revised(field: TextField, last: &mut String, text: &str) -> StepText {
    let diff =
        (!last.is_empty() && !text.is_empty() && *last != text).then(|| word_diff(last, text));
    if !text.is_empty() {
        *last = text.to_string();
    }
    StepText {
        field,
        text: text.to_string(),
        diff,
    }
}

fn plain(field: TextField, text: &str) -> StepText {
    StepText {
        field,
        text: text.to_string(),
        diff: None,
    }
}

impl Walk {
    fn step(&mut self, ev: &Event) -> Option<Step> {
        let b = &ev.body;
        let mut step = Step {
            seq: b.seq,
            at: b.at,
            actor: b.actor.clone(),
            command: b.command.clone(),
            kind: StepKind::Changed,
            undoes: None,
            status: None,
            score: None,
            delta: None,
            texts: Vec::new(),
            evidence: Vec::new(),
            explanation: None,
            outcome: None,
            minutes: None,
        };
        match &b.change {
            Change::SelfAssessed { before, after, .. } => {
                step.kind = StepKind::SelfAssessed;
                let was = before.as_ref().map(|s| s.score);
                if was != Some(after.score) {
                    step.score = Some(Transition {
                        before: was,
                        after: Some(after.score),
                    });
                }
                self.self_score = Some(after.score);
                if before.as_ref().map_or("", |s| s.note.as_str()) != after.note {
                    step.texts
                        .push(revised(TextField::Note, &mut self.note, &after.note));
                }
                if before.as_ref().map(|s| &s.evidence) != Some(&after.evidence) {
                    step.evidence = after.evidence.clone();
                }
            }
            Change::SurveyScored { before, after, .. } => {
                step.kind = if b.command == crate::CommandKind::ComputeSurvey.name() {
                    step.texts.push(plain(TextField::Computation, &b.reason));
                    StepKind::SurveyComputed
                } else {
                    StepKind::SurveyScored
                };
                step.score = Some(Transition {
                    before: *before,
                    after: Some(*after),
                });
                self.self_score = Some(*after);
            }
            Change::Appraised { before, after, .. } => {
                step.kind = kind_of(&b.command);
                if matches!(step.kind, StepKind::Undone | StepKind::Redone) {
                    step.undoes = undone_seq(&b.reason);
                }
                self.appraisal(&mut step, before, after);
            }
            _ => return None,
        }
        Some(step)
    }

    fn appraisal(&mut self, step: &mut Step, before: &Appraisal, after: &Appraisal) {
        if before.status != after.status {
            step.status = Some(Transition {
                before: before.status,
                after: after.status,
            });
        }
        if before.proposed != after.proposed {
            step.score = Some(Transition {
                before: before.proposed,
                after: after.proposed,
            });
            step.delta = after.proposed.zip(self.self_score).map(|(p, s)| p - s);
        }
        if before.justification != after.justification {
            step.texts.push(revised(
                TextField::Justification,
                &mut self.justification,
                &after.justification,
            ));
        }
        if before.request != after.request && !after.request.is_empty() {
            step.texts.push(revised(
                TextField::Request,
                &mut self.request,
                &after.request,
            ));
        }
        // The explanation: a new one (or one restored by an undo) is shown with its facts.
        if let Some(d) = &after.dispute
            && before
                .dispute
                .as_ref()
                .map(|x| (&x.explanation, x.round, x.received))
                != Some((&d.explanation, d.round, d.received))
        {
            step.explanation = Some(ExplanationInfo {
                round: d.round,
                document: d.document.clone(),
                received: d.received,
                late: d.late,
                claimed: d.claimed,
            });
            step.texts
                .push(plain(TextField::Explanation, &d.explanation));
        }
        // The answer.
        if let Some(d) = &after.dispute
            && d.outcome.is_some()
            && before.dispute.as_ref().map(|x| (x.outcome, &x.response))
                != Some((d.outcome, &d.response))
        {
            step.outcome = d.outcome;
            step.texts.push(plain(TextField::Response, &d.response));
        }
        // The referral and the council's decision.
        let reason = |a: &Appraisal| a.council.as_ref().map(|c| c.reason.clone());
        if let Some(r) = reason(after)
            && reason(before).as_ref() != Some(&r)
        {
            step.texts.push(plain(TextField::Referral, &r));
        }
        let decision = |a: &Appraisal| {
            a.council
                .as_ref()
                .and_then(|c| c.decision.as_ref())
                .cloned()
        };
        if let Some(d) = decision(after)
            && decision(before).as_ref() != Some(&d)
        {
            step.texts.push(plain(TextField::Decision, &d.text));
            step.minutes = Some(d.minutes.clone());
        }
    }
}

#[cfg(test)]
mod tests;
