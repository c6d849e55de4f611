//! What a user asks the engine to do. The engine turns a command into events or refuses it.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::item::{Evidence, ItemKey};
use super::member::Role;
use super::points::Points;
use super::round::RoundScope;
use super::status::Outcome;

/// One row of a self-assessment import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelfRow {
    pub unit: String,
    pub leaf: String,
    pub score: Points,
    pub note: String,
    pub evidence: Vec<Evidence>,
}

/// One row of a survey import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyRow {
    pub unit: String,
    pub leaf: String,
    pub score: Points,
}

/// Every change goes through one of these. Item commands carry the item version the user saw
/// (`expected`); the engine answers a mismatch with a conflict, never a silent overwrite.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "kebab-case")]
pub enum Command {
    /// Open an assessment year with its framework and units (the TOML sources are kept in the log).
    OpenYear {
        year: u16,
        framework_toml: String,
        framework_file: String,
        units_toml: String,
        units_file: String,
        /// The previous year whose justifications are shown as references where a criterion's
        /// text is unchanged (nothing is carried forward as a decision).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from_year: Option<u16>,
    },
    ImportSelf {
        year: u16,
        rows: Vec<SelfRow>,
    },
    ImportSurvey {
        year: u16,
        rows: Vec<SurveyRow>,
    },
    /// Proposed = self.
    Agree {
        key: ItemKey,
        expected: u64,
    },
    /// Set the proposed score; a score other than the self score needs a justification.
    Adjust {
        key: ItemKey,
        score: Points,
        justification: String,
        expected: u64,
    },
    RequestEvidence {
        key: ItemKey,
        request: String,
        expected: u64,
    },
    /// Agree with every listed pending item of one area of a unit; one event per item.
    BulkAgree {
        year: u16,
        unit: String,
        area: String,
        /// (leaf, version seen) for each item the user confirmed.
        items: Vec<(String, u64)>,
    },
    /// Record a province's explanation (giải trình) in an explanation round: opens a dispute.
    RecordDispute {
        key: ItemKey,
        explanation: String,
        /// Reference of the province's document.
        #[serde(default)]
        document: String,
        claimed: Option<Points>,
        received: Date,
        /// The round; `None` = the latest open round covering the unit.
        #[serde(default)]
        round: Option<u32>,
        expected: u64,
    },
    ResolveDispute {
        key: ItemKey,
        outcome: Outcome,
        /// The new score for `PartlyUpheld`, or for `Upheld` when the unit claimed one.
        score: Option<Points>,
        response: String,
        expected: u64,
    },
    /// Refer a contested item to the appraisal council (lead).
    Escalate {
        key: ItemKey,
        reason: String,
        expected: u64,
    },
    /// Record the council's decision on an escalated item (lead): the final score.
    CouncilDecide {
        key: ItemKey,
        score: Points,
        decision: String,
        minutes: String,
        expected: u64,
    },
    /// Open an explanation round for a year (lead).
    OpenRound {
        year: u16,
        opens: Date,
        closes: Date,
        scope: RoundScope,
        /// Units the round is for; empty = all.
        units: Vec<String>,
        note: String,
    },
    /// Close a round: no more explanations are recorded in it (lead).
    CloseRound {
        year: u16,
        number: u32,
        reason: String,
    },
    Finalize {
        year: u16,
        unit: String,
    },
    Reopen {
        year: u16,
        unit: String,
        reason: String,
    },
    /// Undo the actor's own last change to an appraisal, as a compensating event.
    Undo,
    SetMember {
        user: String,
        role: Role,
    },
    RemoveMember {
        user: String,
    },
}

impl Command {
    /// Machine name, as recorded in events.
    pub fn name(&self) -> &'static str {
        match self {
            Command::OpenYear { .. } => "open-year",
            Command::ImportSelf { .. } => "import-self",
            Command::ImportSurvey { .. } => "import-survey",
            Command::Agree { .. } => "agree",
            Command::Adjust { .. } => "adjust",
            Command::RequestEvidence { .. } => "request-evidence",
            Command::BulkAgree { .. } => "bulk-agree",
            Command::RecordDispute { .. } => "record-dispute",
            Command::ResolveDispute { .. } => "resolve-dispute",
            Command::Escalate { .. } => "escalate",
            Command::CouncilDecide { .. } => "council-decide",
            Command::OpenRound { .. } => "open-round",
            Command::CloseRound { .. } => "close-round",
            Command::Finalize { .. } => "finalize",
            Command::Reopen { .. } => "reopen",
            Command::Undo => "undo",
            Command::SetMember { .. } => "set-member",
            Command::RemoveMember { .. } => "remove-member",
        }
    }
}
