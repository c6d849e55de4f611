//! What a user asks the engine to do. The engine turns a command into events or refuses it.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::framework::Method;
use super::item::{Evidence, ItemKey};
use super::member::Role;
use super::points::Points;
use super::round::RoundScope;
use super::status::{Outcome, Status};

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

/// Which import a stream of rows is (`ImportSelf` or `ImportSurvey` sent in pieces).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ImportKind {
    SelfScores,
    Survey,
}

impl ImportKind {
    /// The command it is a piece of.
    pub fn command(self) -> CommandKind {
        match self {
            ImportKind::SelfScores => CommandKind::ImportSelf,
            ImportKind::Survey => CommandKind::ImportSurvey,
        }
    }
}

/// The start of an import sent in pieces: `ImportSelf` / `ImportSurvey` whose rows come as
/// [`ImportRows`], all committed at once at the end (or none).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportHead {
    pub year: u16,
    pub kind: ImportKind,
    /// About how many rows will come (0: not known), to check the free space first.
    #[serde(default)]
    pub rows: u64,
}

/// A piece of the rows of an import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ImportRows {
    SelfScores(Vec<SelfRow>),
    Survey(Vec<SurveyRow>),
}

impl ImportRows {
    pub fn kind(&self) -> ImportKind {
        match self {
            ImportRows::SelfScores(_) => ImportKind::SelfScores,
            ImportRows::Survey(_) => ImportKind::Survey,
        }
    }

    pub fn len(&self) -> usize {
        match self {
            ImportRows::SelfScores(r) => r.len(),
            ImportRows::Survey(r) => r.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Command {
    /// An import command as its head and its rows in one piece; any other command back.
    pub fn into_import(self) -> Result<(ImportHead, ImportRows), Box<Command>> {
        match self {
            Command::ImportSelf { year, rows } => Ok((
                ImportHead {
                    year,
                    kind: ImportKind::SelfScores,
                    rows: rows.len() as u64,
                },
                ImportRows::SelfScores(rows),
            )),
            Command::ImportSurvey { year, rows } => Ok((
                ImportHead {
                    year,
                    kind: ImportKind::Survey,
                    rows: rows.len() as u64,
                },
                ImportRows::Survey(rows),
            )),
            other => Err(Box::new(other)),
        }
    }

    /// The import command of a head and all its rows.
    pub fn import(year: u16, rows: ImportRows) -> Command {
        match rows {
            ImportRows::SelfScores(rows) => Command::ImportSelf { year, rows },
            ImportRows::Survey(rows) => Command::ImportSurvey { year, rows },
        }
    }
}

/// Every change goes through one of these. Item commands carry the item version the user saw
/// (`expected`); the engine answers a mismatch with a conflict, never a silent overwrite.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
// Externally tagged: an internally tagged enum is decoded through a buffered copy of the whole
// value, which for a 200,000-row import doubled the time and the memory of decoding it.
#[serde(rename_all = "kebab-case")]
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
        /// The one-line reference of the letter that opens the round (at most
        /// [`SHORT_TEXT`](crate::limits::SHORT_TEXT) bytes): the engine keeps each line break
        /// in it, with the blanks around it, as one space ([`crate::limits::one_line_note`]).
        note: String,
    },
    /// Record the published results of a year that has no appraised items (lead). Refused
    /// when the year has results already, unless `replace` with a reason.
    ImportResults {
        year: u16,
        results: crate::published::Published,
        #[serde(default)]
        replace: bool,
        #[serde(default)]
        reason: String,
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
    /// Record the appraisal council's approval of a year's national results (lead): the
    /// reference of its minutes and the day. Every unit must be finalized; the year is frozen.
    ApproveResults {
        year: u16,
        minutes: String,
        date: Date,
    },
    /// Record the day the approved results were published (lead).
    PublishResults {
        year: u16,
        date: Date,
    },
    /// Reopen approved results to correct them (lead), with the reason.
    ReopenResults {
        year: u16,
        reason: String,
    },
    /// Undo the actor's own last change to an appraisal, as a compensating event.
    Undo,
    /// [`Command::Undo`] within one unit: the actor's last change among that unit's items (what
    /// `u` does in the unit's workbench).
    UndoIn {
        year: u16,
        unit: String,
    },
    /// Take back the actor's last undo within a unit, as a new event; possible while the actor
    /// has made no other decision in the unit since that undo.
    Redo {
        year: u16,
        unit: String,
    },
    /// Add a member or change their role (lead). `user` must be an OS user name
    /// ([`crate::limits::is_user_name`]).
    SetMember {
        user: String,
        role: Role,
    },
    /// Remove a member (lead). A name that is not an OS user name is refused unless it is a
    /// member's (one added before names were checked can still be removed).
    RemoveMember {
        user: String,
    },
    /// Assign a unit, or one area of it, to a member who appraises (lead); `to` `None` clears
    /// the assignment.
    Assign {
        year: u16,
        unit: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        area: Option<String>,
        to: Option<String>,
    },
    /// Turn the enforcement of a year's assignments on or off (lead).
    EnforceAssignments {
        year: u16,
        on: bool,
    },
    /// Record a file of survey responses (`import responses`, issue 16): its tallies, with the
    /// respondents' ids, which the engine turns into keyed hashes and does not keep.
    ImportResponses {
        year: u16,
        upload: super::sipas::ResponseUpload,
    },
    /// Compute a year's survey points from its responses by a survey definition (its TOML, as
    /// `OpenYear` sends the framework's) and write those that changed (`survey compute`).
    ComputeSurvey {
        year: u16,
        survey_toml: String,
        survey_file: String,
    },
}

/// What a command does, without its data: what the roles allow is decided on this, so the
/// workbench can tell before it builds a command (before opening a dialog) exactly what the
/// engine will refuse.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CommandKind {
    OpenYear,
    ImportSelf,
    ImportSurvey,
    Agree,
    Adjust,
    RequestEvidence,
    BulkAgree,
    RecordDispute,
    ResolveDispute,
    Escalate,
    CouncilDecide,
    OpenRound,
    CloseRound,
    Finalize,
    Reopen,
    Undo,
    Redo,
    SetMember,
    RemoveMember,
    ApproveResults,
    PublishResults,
    ReopenResults,
    Assign,
    EnforceAssignments,
    ImportResults,
    ImportResponses,
    ComputeSurvey,
}

impl CommandKind {
    /// Machine name, as recorded in events.
    pub fn name(self) -> &'static str {
        match self {
            CommandKind::OpenYear => "open-year",
            CommandKind::ImportSelf => "import-self",
            CommandKind::ImportSurvey => "import-survey",
            CommandKind::Agree => "agree",
            CommandKind::Adjust => "adjust",
            CommandKind::RequestEvidence => "request-evidence",
            CommandKind::BulkAgree => "bulk-agree",
            CommandKind::RecordDispute => "record-dispute",
            CommandKind::ResolveDispute => "resolve-dispute",
            CommandKind::Escalate => "escalate",
            CommandKind::CouncilDecide => "council-decide",
            CommandKind::OpenRound => "open-round",
            CommandKind::CloseRound => "close-round",
            CommandKind::Finalize => "finalize",
            CommandKind::Reopen => "reopen",
            CommandKind::Undo => "undo",
            CommandKind::Redo => "redo",
            CommandKind::SetMember => "set-member",
            CommandKind::RemoveMember => "remove-member",
            CommandKind::ApproveResults => "approve-results",
            CommandKind::PublishResults => "publish-results",
            CommandKind::ReopenResults => "reopen-results",
            CommandKind::Assign => "assign",
            CommandKind::EnforceAssignments => "enforce-assignments",
            CommandKind::ImportResults => "import-results",
            CommandKind::ImportResponses => "import-responses",
            CommandKind::ComputeSurvey => "compute-survey",
        }
    }

    /// Every kind, in declaration order.
    pub const ALL: [CommandKind; 27] = [
        CommandKind::OpenYear,
        CommandKind::ImportSelf,
        CommandKind::ImportSurvey,
        CommandKind::Agree,
        CommandKind::Adjust,
        CommandKind::RequestEvidence,
        CommandKind::BulkAgree,
        CommandKind::RecordDispute,
        CommandKind::ResolveDispute,
        CommandKind::Escalate,
        CommandKind::CouncilDecide,
        CommandKind::OpenRound,
        CommandKind::CloseRound,
        CommandKind::Finalize,
        CommandKind::Reopen,
        CommandKind::Undo,
        CommandKind::Redo,
        CommandKind::SetMember,
        CommandKind::RemoveMember,
        CommandKind::ApproveResults,
        CommandKind::PublishResults,
        CommandKind::ReopenResults,
        CommandKind::Assign,
        CommandKind::EnforceAssignments,
        CommandKind::ImportResults,
        CommandKind::ImportResponses,
        CommandKind::ComputeSurvey,
    ];

    /// The kind whose machine name (as recorded in events) is `name`.
    pub fn from_name(name: &str) -> Option<CommandKind> {
        CommandKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Only a lead may run it (SPEC S2): the year's setup, members, rounds, finalizing and
    /// reopening units, and the council's referral and decision.
    pub fn needs_lead(self) -> bool {
        matches!(
            self,
            CommandKind::OpenYear
                | CommandKind::Finalize
                | CommandKind::Reopen
                | CommandKind::SetMember
                | CommandKind::RemoveMember
                | CommandKind::Escalate
                | CommandKind::CouncilDecide
                | CommandKind::OpenRound
                | CommandKind::CloseRound
                | CommandKind::ApproveResults
                | CommandKind::PublishResults
                | CommandKind::ReopenResults
                | CommandKind::Assign
                | CommandKind::EnforceAssignments
                | CommandKind::ImportResults
        )
    }

    /// Whether this command may act on an item in `status` (the workflow, SPEC D5): the engine
    /// refuses it otherwise (`WrongStatus`), and the workbench asks the same before it offers
    /// a key. `true` for a command that is not about one item.
    pub fn allowed_in(self, status: Status) -> bool {
        match self {
            CommandKind::Agree | CommandKind::Adjust | CommandKind::RequestEvidence => {
                status.can_appraise()
            }
            // Bulk agreement takes only what nobody has decided yet.
            CommandKind::BulkAgree => status == Status::Pending,
            CommandKind::RecordDispute => status.can_dispute(),
            CommandKind::ResolveDispute => status.can_resolve(),
            CommandKind::Escalate => status.can_escalate(),
            CommandKind::CouncilDecide => status.can_decide(),
            _ => true,
        }
    }

    /// Whether this is an appraiser's decision on one item, which a survey leaf never takes
    /// ([`Method::takes_decisions`]).
    pub fn is_item_decision(self) -> bool {
        matches!(
            self,
            CommandKind::Agree
                | CommandKind::Adjust
                | CommandKind::RequestEvidence
                | CommandKind::BulkAgree
                | CommandKind::RecordDispute
                | CommandKind::ResolveDispute
                | CommandKind::Escalate
                | CommandKind::CouncilDecide
        )
    }

    /// What the workflow (SPEC D5) expects next on an item in `status`, most likely first: the
    /// commands a person looking at such an item reaches for (the hint bar shows their keys
    /// first). Each is allowed in that status ([`CommandKind::allowed_in`]); the role still
    /// decides whether it is offered ([`CommandKind::allowed_for`]).
    pub fn next_steps(status: Status) -> &'static [CommandKind] {
        use CommandKind as K;
        match status {
            Status::Pending | Status::NeedsInfo => &[K::Agree, K::Adjust, K::RequestEvidence],
            Status::Agreed => &[K::Adjust, K::RequestEvidence],
            Status::Adjusted => &[K::RecordDispute, K::Adjust],
            Status::Disputed => &[K::ResolveDispute, K::Escalate],
            Status::Resolved => &[K::Escalate, K::RecordDispute],
            Status::Escalated => &[K::CouncilDecide],
            Status::Decided => &[],
        }
    }

    /// The item rules together: whether this command may act on a leaf of `method` whose item
    /// is in `status` — what the engine checks after the role (`allowed_for`).
    pub fn applies_to(self, method: Method, status: Status) -> bool {
        (!self.is_item_decision() || method.takes_decisions()) && self.allowed_in(status)
    }

    /// Whether a member with this role may run it: an auditor runs nothing, an appraiser what
    /// does not need a lead, a lead everything.
    pub fn allowed_for(self, role: Role) -> bool {
        match role {
            Role::Lead => true,
            Role::Appraiser => !self.needs_lead(),
            Role::Auditor => false,
        }
    }
}

impl Command {
    pub fn kind(&self) -> CommandKind {
        match self {
            Command::OpenYear { .. } => CommandKind::OpenYear,
            Command::ImportSelf { .. } => CommandKind::ImportSelf,
            Command::ImportSurvey { .. } => CommandKind::ImportSurvey,
            Command::Agree { .. } => CommandKind::Agree,
            Command::Adjust { .. } => CommandKind::Adjust,
            Command::RequestEvidence { .. } => CommandKind::RequestEvidence,
            Command::BulkAgree { .. } => CommandKind::BulkAgree,
            Command::RecordDispute { .. } => CommandKind::RecordDispute,
            Command::ResolveDispute { .. } => CommandKind::ResolveDispute,
            Command::Escalate { .. } => CommandKind::Escalate,
            Command::CouncilDecide { .. } => CommandKind::CouncilDecide,
            Command::OpenRound { .. } => CommandKind::OpenRound,
            Command::CloseRound { .. } => CommandKind::CloseRound,
            Command::Finalize { .. } => CommandKind::Finalize,
            Command::Reopen { .. } => CommandKind::Reopen,
            Command::Undo | Command::UndoIn { .. } => CommandKind::Undo,
            Command::Redo { .. } => CommandKind::Redo,
            Command::SetMember { .. } => CommandKind::SetMember,
            Command::RemoveMember { .. } => CommandKind::RemoveMember,
            Command::ApproveResults { .. } => CommandKind::ApproveResults,
            Command::PublishResults { .. } => CommandKind::PublishResults,
            Command::ReopenResults { .. } => CommandKind::ReopenResults,
            Command::Assign { .. } => CommandKind::Assign,
            Command::EnforceAssignments { .. } => CommandKind::EnforceAssignments,
            Command::ImportResults { .. } => CommandKind::ImportResults,
            Command::ImportResponses { .. } => CommandKind::ImportResponses,
            Command::ComputeSurvey { .. } => CommandKind::ComputeSurvey,
        }
    }

    /// Machine name, as recorded in events.
    pub fn name(&self) -> &'static str {
        self.kind().name()
    }

    /// Only a lead may run it.
    pub fn needs_lead(&self) -> bool {
        self.kind().needs_lead()
    }
}

l10n::catalogue! {
    /// What a command does, for people (the audit trail's command column): a short verb phrase
    /// in Vietnamese; in English the machine name, which is an English verb already.
    CommandKind => label {
        CommandKind::OpenYear => ("mở năm", "open-year"),
        CommandKind::ImportSelf => ("nhập tự chấm", "import-self"),
        CommandKind::ImportSurvey => ("nhập điều tra", "import-survey"),
        CommandKind::Agree => ("đồng ý", "agree"),
        CommandKind::Adjust => ("điều chỉnh", "adjust"),
        CommandKind::RequestEvidence => ("yêu cầu bổ sung", "request-evidence"),
        CommandKind::BulkAgree => ("đồng ý cả lĩnh vực", "bulk-agree"),
        CommandKind::RecordDispute => ("ghi giải trình", "record-dispute"),
        CommandKind::ResolveDispute => ("trả lời giải trình", "resolve-dispute"),
        CommandKind::Escalate => ("trình Hội đồng", "escalate"),
        CommandKind::CouncilDecide => ("Hội đồng quyết định", "council-decide"),
        CommandKind::OpenRound => ("mở đợt giải trình", "open-round"),
        CommandKind::CloseRound => ("đóng đợt giải trình", "close-round"),
        CommandKind::Finalize => ("chốt kết quả", "finalize"),
        CommandKind::Reopen => ("mở lại", "reopen"),
        CommandKind::Undo => ("hoàn tác", "undo"),
        CommandKind::Redo => ("làm lại", "redo"),
        CommandKind::SetMember => ("đặt thành viên", "set-member"),
        CommandKind::RemoveMember => ("xóa thành viên", "remove-member"),
        CommandKind::ApproveResults => ("Hội đồng thông qua kết quả", "approve-results"),
        CommandKind::PublishResults => ("công bố kết quả", "publish-results"),
        CommandKind::ReopenResults => ("mở lại kết quả đã thông qua", "reopen-results"),
        CommandKind::Assign => ("phân công", "assign"),
        CommandKind::EnforceAssignments => ("bắt buộc theo phân công", "enforce-assignments"),
        CommandKind::ImportResults => ("ghi kết quả công bố", "import-results"),
        CommandKind::ImportResponses => ("nhập phiếu khảo sát", "import-responses"),
        CommandKind::ComputeSurvey => ("tính điểm khảo sát", "compute-survey"),
    }
}

/// A command's machine name (as recorded in an event) for people: its label in `lang`, or the
/// name itself for a name this version does not know.
pub fn command_label(name: &str, lang: l10n::Lang) -> &str {
    CommandKind::from_name(name).map_or(name, |k| k.label(lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_found_by_its_name_and_has_a_label() {
        for k in CommandKind::ALL {
            assert_eq!(CommandKind::from_name(k.name()), Some(k));
            assert_eq!(k.label(l10n::Lang::En), k.name());
            assert!(!k.label(l10n::Lang::Vi).is_ascii(), "{k:?}");
        }
        assert_eq!(command_label("adjust", l10n::Lang::Vi), "điều chỉnh");
        assert_eq!(command_label("redo", l10n::Lang::Vi), "làm lại");
    }

    #[test]
    fn all_lists_every_kind_once() {
        use CommandKind as K;
        // A new kind does not compile here until it is given a place: then add it to ALL.
        let place = |k: K| match k {
            K::OpenYear => 0,
            K::ImportSelf => 1,
            K::ImportSurvey => 2,
            K::Agree => 3,
            K::Adjust => 4,
            K::RequestEvidence => 5,
            K::BulkAgree => 6,
            K::RecordDispute => 7,
            K::ResolveDispute => 8,
            K::Escalate => 9,
            K::CouncilDecide => 10,
            K::OpenRound => 11,
            K::CloseRound => 12,
            K::Finalize => 13,
            K::Reopen => 14,
            K::Undo => 15,
            K::Redo => 16,
            K::SetMember => 17,
            K::RemoveMember => 18,
            K::ApproveResults => 19,
            K::PublishResults => 20,
            K::ReopenResults => 21,
            K::Assign => 22,
            K::EnforceAssignments => 23,
            K::ImportResults => 24,
            K::ImportResponses => 25,
            K::ComputeSurvey => 26,
        };
        let places: Vec<usize> = K::ALL.iter().map(|&k| place(k)).collect();
        assert_eq!(places, (0..K::ALL.len()).collect::<Vec<_>>());
    }

    #[test]
    fn item_rules_by_method_and_status() {
        use CommandKind as K;
        for s in Status::ALL {
            assert!(!K::Agree.applies_to(Method::Survey, s), "{s:?}");
            assert!(!K::Adjust.applies_to(Method::Survey, s), "{s:?}");
            assert!(!K::ResolveDispute.applies_to(Method::Survey, s), "{s:?}");
            assert_eq!(K::Agree.applies_to(Method::Appraised, s), s.can_appraise());
            assert_eq!(
                K::ResolveDispute.applies_to(Method::Appraised, s),
                s.can_resolve()
            );
            assert_eq!(
                K::CouncilDecide.applies_to(Method::Appraised, s),
                s.can_decide()
            );
            // Not about one item's decision: the item does not matter.
            assert!(K::Undo.applies_to(Method::Survey, s));
            assert!(K::Finalize.applies_to(Method::Survey, s));
        }
        assert!(K::BulkAgree.allowed_in(Status::Pending));
        assert!(!K::BulkAgree.allowed_in(Status::Agreed));
        assert_eq!(
            command_label("something-new", l10n::Lang::Vi),
            "something-new"
        );
    }

    #[test]
    fn next_steps_are_allowed_where_they_are_suggested() {
        for s in Status::ALL {
            for k in CommandKind::next_steps(s) {
                assert!(k.allowed_in(s), "{k:?} suggested but refused in {s:?}");
            }
        }
        assert_eq!(
            CommandKind::next_steps(Status::Disputed)[0],
            CommandKind::ResolveDispute
        );
        assert_eq!(
            CommandKind::next_steps(Status::Pending)[0],
            CommandKind::Agree
        );
        assert!(CommandKind::next_steps(Status::Decided).is_empty());
    }
}
