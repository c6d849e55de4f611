//! A question answered yes or no, holding exactly what is sent on yes.

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
    /// Lock a unit's results.
    Finalize {
        year: u16,
        unit: String,
        name: String,
    },
}
