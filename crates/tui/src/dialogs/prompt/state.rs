//! A one-line prompt: the text sent with a command (an evidence request, the reason to reopen a
//! unit), the engine's refusal in place, and where it was opened from.

use crate::dialogs::editor::Origin;
use crate::widgets::line_input::LineInput;
use domain::ItemKey;

/// What a one-line prompt asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PromptKind {
    /// The text of an evidence request for an item.
    RequestEvidence { key: ItemKey, expected: u64 },
    /// Why a finalized unit is reopened.
    Reopen { year: u16, unit: String },
}

/// One line of text to send with a command.
pub struct PromptState {
    pub kind: PromptKind,
    pub input: LineInput,
    pub error: Option<String>,
    pub origin: Origin,
}
