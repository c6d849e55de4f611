//! Immutable events (SPEC D6). Current state is derived from them; `verify` replays them.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::item::{Appraisal, ItemKey, SelfAssessment};
use super::member::Role;
use super::official::Official;
use super::points::Points;
use super::published::Published;
use super::round::Round;
use super::sipas::ResponseBatch;

/// What one event changed, with the values before and after.
// Variants differ in size (an appraisal before/after vs. a unit code); events are built one at a
// time and written out at once, so boxing would only add indirection.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum Change {
    YearOpened {
        year: u16,
        framework_toml: String,
        framework_file: String,
        units_toml: String,
        units_file: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from_year: Option<u16>,
    },
    SelfAssessed {
        key: ItemKey,
        /// Item version after this event.
        version: u64,
        before: Option<SelfAssessment>,
        after: SelfAssessment,
    },
    SurveyScored {
        key: ItemKey,
        version: u64,
        before: Option<Points>,
        after: Points,
    },
    Appraised {
        key: ItemKey,
        version: u64,
        before: Appraisal,
        after: Appraisal,
    },
    UnitFinalized {
        year: u16,
        unit: String,
    },
    UnitReopened {
        year: u16,
        unit: String,
    },
    MemberChanged {
        user: String,
        before: Option<Role>,
        after: Option<Role>,
    },
    /// An explanation round opened (`before` is `None`) or changed (closed).
    RoundChanged {
        year: u16,
        number: u32,
        before: Option<Round>,
        after: Round,
    },
    /// The year's official result changed stage: approved by the council, published, or
    /// reopened after approval (the reason is the event's).
    OfficialChanged {
        year: u16,
        before: Option<Official>,
        after: Official,
    },
    /// A unit, or one area of it, assigned to a member (`after`), reassigned, or cleared
    /// (`after` is `None`).
    AssignmentChanged {
        year: u16,
        unit: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        area: Option<String>,
        before: Option<String>,
        after: Option<String>,
    },
    /// Whether the year's assignments are enforced (an edit by someone else is refused) or only
    /// warned about.
    AssignmentsEnforced {
        year: u16,
        before: bool,
        after: bool,
    },
    /// The published results of a year were recorded (`import results`; `before` is `None`)
    /// or replaced (`--replace`, the reason in the event's reason).
    ResultsPublished {
        year: u16,
        before: Option<Published>,
        after: Published,
    },
    /// Survey responses were imported (`import responses`, issue 16): their tallies per unit,
    /// question and level, and the respondents' keyed hashes (never their ids).
    ResponsesImported {
        year: u16,
        batch: ResponseBatch,
    },
}

impl Change {
    pub fn item_key(&self) -> Option<&ItemKey> {
        match self {
            Change::SelfAssessed { key, .. }
            | Change::SurveyScored { key, .. }
            | Change::Appraised { key, .. } => Some(key),
            _ => None,
        }
    }

    /// The year the change concerns, if any (a member's role concerns none).
    pub fn year(&self) -> Option<u16> {
        match self {
            Change::SelfAssessed { key, .. }
            | Change::SurveyScored { key, .. }
            | Change::Appraised { key, .. } => Some(key.year),
            Change::YearOpened { year, .. }
            | Change::UnitFinalized { year, .. }
            | Change::UnitReopened { year, .. }
            | Change::RoundChanged { year, .. }
            | Change::OfficialChanged { year, .. }
            | Change::AssignmentChanged { year, .. }
            | Change::AssignmentsEnforced { year, .. }
            | Change::ResultsPublished { year, .. }
            | Change::ResponsesImported { year, .. } => Some(*year),
            Change::MemberChanged { .. } => None,
        }
    }

    /// (year, unit) the change concerns, if any.
    pub fn unit(&self) -> Option<(u16, &str)> {
        match self {
            Change::SelfAssessed { key, .. }
            | Change::SurveyScored { key, .. }
            | Change::Appraised { key, .. } => Some((key.year, key.unit.as_str())),
            Change::UnitFinalized { year, unit } | Change::UnitReopened { year, unit } => {
                Some((*year, unit.as_str()))
            }
            _ => None,
        }
    }
}

/// An event to commit: everything but seq, time and hash, which the store assigns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewEvent {
    /// OS user name of whoever issued the command.
    pub actor: String,
    /// Machine name of the command (`Command::name`).
    pub command: String,
    pub change: Change,
    /// Free-text reason, empty when the command has none.
    pub reason: String,
}

/// What a commit wrote: how many events, the last seq, and the events themselves when they
/// were kept (a commit of many events, a large import, keeps none: it is announced to the
/// workbenches as a whole instead).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Committed {
    pub count: usize,
    pub last_seq: u64,
    pub events: Option<Vec<Event>>,
}

/// The hashed content of an event. Its canonical bytes are its JSON encoding as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventBody {
    pub seq: u64,
    pub at: Timestamp,
    /// OS user name of whoever issued the command.
    pub actor: String,
    /// Machine name of the command (see `Command::name`).
    pub command: String,
    pub change: Change,
    /// Free-text reason where the command has one (reopen, undo).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

/// A committed event: its body and `hash = SHA-256(previous hash ‖ canonical body bytes)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    #[serde(flatten)]
    pub body: EventBody,
    /// Lower-case hex.
    pub hash: String,
}
