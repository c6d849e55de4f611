//! Workflow status of an appraisal item (SPEC D5), kept apart from the score.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Not yet reviewed.
    Pending,
    /// Proposed = self.
    Agreed,
    /// Proposed ≠ self, with a justification.
    Adjusted,
    /// Evidence requested from the unit.
    NeedsInfo,
    /// The unit's explanation (giải trình) is recorded and awaits a response.
    Disputed,
    /// The dispute was answered.
    Resolved,
    /// A lead referred the item to the appraisal council (Hội đồng thẩm định).
    Escalated,
    /// The council decided the score; final.
    Decided,
}

/// How a dispute ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The unit was right: the score goes back to the self score or to the score it argued for.
    Upheld,
    /// Partly right: a new score between.
    PartlyUpheld,
    /// The proposed score stands.
    Rejected,
}

impl Status {
    pub const ALL: [Status; 8] = [
        Status::Pending,
        Status::Agreed,
        Status::Adjusted,
        Status::NeedsInfo,
        Status::Disputed,
        Status::Resolved,
        Status::Escalated,
        Status::Decided,
    ];

    /// Machine name, as in exports and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Agreed => "agreed",
            Status::Adjusted => "adjusted",
            Status::NeedsInfo => "needs-info",
            Status::Disputed => "disputed",
            Status::Resolved => "resolved",
            Status::Escalated => "escalated",
            Status::Decided => "decided",
        }
    }

    /// Has an appraiser taken a position on the item?
    pub fn is_reviewed(self) -> bool {
        !matches!(self, Status::Pending | Status::NeedsInfo)
    }

    /// The appraisal decisions (agree / adjust / request evidence) may be taken from these states.
    /// Once a dispute is open, only its resolution moves the item on.
    pub fn can_appraise(self) -> bool {
        matches!(
            self,
            Status::Pending | Status::Agreed | Status::Adjusted | Status::NeedsInfo
        )
    }

    /// A unit's explanation may be recorded against a decision it can contest.
    pub fn can_dispute(self) -> bool {
        matches!(
            self,
            Status::Adjusted | Status::NeedsInfo | Status::Resolved
        )
    }

    pub fn can_resolve(self) -> bool {
        self == Status::Disputed
    }

    /// A lead may refer a contested item to the council: while the explanation is open, or after
    /// the answer when the unit still contests it.
    pub fn can_escalate(self) -> bool {
        matches!(self, Status::Disputed | Status::Resolved)
    }

    /// Only the council's decision moves an escalated item on.
    pub fn can_decide(self) -> bool {
        self == Status::Escalated
    }

    /// Still open: a unit with such an item cannot be finalized.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            Status::Pending | Status::NeedsInfo | Status::Disputed | Status::Escalated
        )
    }
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Upheld => "upheld",
            Outcome::PartlyUpheld => "partly-upheld",
            Outcome::Rejected => "rejected",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transitions_table() {
        use Status::*;
        let appraise: Vec<_> = Status::ALL.iter().filter(|s| s.can_appraise()).collect();
        assert_eq!(appraise, [&Pending, &Agreed, &Adjusted, &NeedsInfo]);
        let dispute: Vec<_> = Status::ALL.iter().filter(|s| s.can_dispute()).collect();
        assert_eq!(dispute, [&Adjusted, &NeedsInfo, &Resolved]);
        let resolve: Vec<_> = Status::ALL.iter().filter(|s| s.can_resolve()).collect();
        assert_eq!(resolve, [&Disputed]);
        let escalate: Vec<_> = Status::ALL.iter().filter(|s| s.can_escalate()).collect();
        assert_eq!(escalate, [&Disputed, &Resolved]);
        let decide: Vec<_> = Status::ALL.iter().filter(|s| s.can_decide()).collect();
        assert_eq!(decide, [&Escalated]);
        let open: Vec<_> = Status::ALL.iter().filter(|s| s.is_open()).collect();
        assert_eq!(open, [&Pending, &NeedsInfo, &Disputed, &Escalated]);
        assert!(Decided.is_reviewed() && !Decided.can_appraise() && !Decided.can_dispute());
        assert!(!Pending.is_reviewed() && !NeedsInfo.is_reviewed() && Agreed.is_reviewed());
    }
}

l10n::catalogue! {
    /// The status's name for people: the workbench, the reports, the exports, the messages.
    Status => label {
        Status::Pending => ("Chờ thẩm định", "Pending"),
        Status::Agreed => ("Đồng ý", "Agreed"),
        Status::Adjusted => ("Điều chỉnh", "Adjusted"),
        Status::NeedsInfo => ("Cần bổ sung", "Needs information"),
        Status::Disputed => ("Đang giải trình", "Disputed"),
        Status::Resolved => ("Đã xử lý giải trình", "Dispute resolved"),
        Status::Escalated => ("Trình Hội đồng", "Referred to council"),
        Status::Decided => ("Hội đồng đã quyết", "Council decided"),
    }
}

l10n::catalogue! {
    /// How a dispute ended, for people (written to be read inside a sentence).
    Outcome => label {
        Outcome::Upheld => ("chấp nhận giải trình", "upheld"),
        Outcome::PartlyUpheld => ("chấp nhận một phần", "partly upheld"),
        Outcome::Rejected => ("không chấp nhận", "rejected"),
    }
}
