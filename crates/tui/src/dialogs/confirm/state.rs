//! A question answered yes or no, holding exactly what is sent on yes (or, for a question
//! over the editor, what the editor then does).

/// A question answered yes or no.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfirmState {
    /// Agree with the listed pending items of one area (leaf, version seen).
    BulkAgree {
        year: u16,
        unit: String,
        area: String,
        area_name: String,
        items: Vec<(String, u64)>,
    },
    /// The justification of an agreed item was changed and its score kept: save it so (yes),
    /// or go back to the editor's score (no). The editor stays open under the question.
    KeepAgreedScore { leaf: String, score: String },
    /// Lock a unit's results.
    Finalize {
        year: u16,
        unit: String,
        name: String,
    },
}
