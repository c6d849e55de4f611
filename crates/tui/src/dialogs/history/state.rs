//! The history of one item (SPEC W6): a timeline of who did what and when, with the score and
//! status changes and word-level diffs of text revisions, computed once when opened.

use jiff::Timestamp;

use crate::i18n::Msg;
use crate::worddiff::{Seg, word_diff};
use domain::event::Change;
use domain::{Appraisal, Event, ItemKey, Points, Status};

/// One change inside an event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Detail {
    Score {
        label: Msg,
        before: Option<Points>,
        after: Option<Points>,
    },
    Status {
        before: Status,
        after: Status,
    },
    Text {
        label: Msg,
        segs: Vec<Seg>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub at: Timestamp,
    pub actor: String,
    /// What happened, as a message of the catalogue.
    pub what: Msg,
    pub reason: String,
    pub details: Vec<Detail>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryState {
    pub key: ItemKey,
    /// Newest first.
    pub entries: Vec<Entry>,
    pub scroll: u16,
    pub error: Option<String>,
}

impl HistoryState {
    pub fn new(key: ItemKey, events: &[Event]) -> HistoryState {
        let mut entries: Vec<Entry> = events
            .iter()
            .filter(|e| e.body.change.item_key() == Some(&key))
            .map(entry)
            .collect();
        entries.reverse();
        HistoryState {
            key,
            entries,
            scroll: 0,
            error: None,
        }
    }

    pub fn failed(key: ItemKey, message: String) -> HistoryState {
        HistoryState {
            key,
            entries: Vec::new(),
            scroll: 0,
            error: Some(message),
        }
    }
}

fn what(command: &str) -> Msg {
    match command {
        "import-self" => Msg::EvSelfAssessed,
        "import-survey" => Msg::EvSurveyScored,
        "agree" | "bulk-agree" => Msg::EvAgreed,
        "adjust" => Msg::EvAdjusted,
        "request-evidence" => Msg::EvRequested,
        "record-dispute" => Msg::EvDisputed,
        "resolve-dispute" => Msg::EvResolved,
        "undo" => Msg::EvUndone,
        "redo" => Msg::EvRedone,
        "finalize" => Msg::EvFinalized,
        "reopen" => Msg::EvReopened,
        _ => Msg::EvChanged,
    }
}

fn text_change(out: &mut Vec<Detail>, label: Msg, before: &str, after: &str) {
    if before != after {
        out.push(Detail::Text {
            label,
            segs: word_diff(before, after),
        });
    }
}

fn appraisal_details(before: &Appraisal, after: &Appraisal) -> Vec<Detail> {
    let mut d = Vec::new();
    if before.status != after.status {
        d.push(Detail::Status {
            before: before.status,
            after: after.status,
        });
    }
    if before.proposed != after.proposed {
        d.push(Detail::Score {
            label: Msg::ProposedScore,
            before: before.proposed,
            after: after.proposed,
        });
    }
    text_change(
        &mut d,
        Msg::Justification,
        &before.justification,
        &after.justification,
    );
    text_change(
        &mut d,
        Msg::EvidenceRequest,
        &before.request,
        &after.request,
    );
    let empty = String::new();
    let expl = |a: &Appraisal| {
        a.dispute
            .as_ref()
            .map_or(&empty, |x| &x.explanation)
            .clone()
    };
    let resp = |a: &Appraisal| a.dispute.as_ref().map_or(&empty, |x| &x.response).clone();
    text_change(&mut d, Msg::Dispute, &expl(before), &expl(after));
    text_change(&mut d, Msg::DisputeResponse, &resp(before), &resp(after));
    d
}

fn entry(ev: &Event) -> Entry {
    let details = match &ev.body.change {
        Change::Appraised { before, after, .. } => appraisal_details(before, after),
        Change::SelfAssessed { before, after, .. } => {
            let mut d = Vec::new();
            let b = before.as_ref().map(|s| s.score);
            if b != Some(after.score) {
                d.push(Detail::Score {
                    label: Msg::SelfScore,
                    before: b,
                    after: Some(after.score),
                });
            }
            let note = before.as_ref().map_or("", |s| s.note.as_str());
            text_change(&mut d, Msg::UnitNote, note, &after.note);
            d
        }
        Change::SurveyScored { before, after, .. } => vec![Detail::Score {
            label: Msg::SelfScore,
            before: *before,
            after: Some(*after),
        }],
        _ => Vec::new(),
    };
    Entry {
        at: ev.body.at,
        actor: ev.body.actor.clone(),
        what: what(&ev.body.command),
        reason: ev.body.reason.clone(),
        details,
    }
}
