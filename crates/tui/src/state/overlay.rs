//! Dialogs drawn over a screen. They stack: a conflict can open over the editor, help over
//! anything. The top one receives the keys.

use crate::state::editor::{EditorState, Origin};
use crate::state::explain::ExplainState;
use crate::state::form::FormState;
use crate::state::history::HistoryState;
use crate::state::palette::PaletteState;
use crate::widgets::line_input::LineInput;
use domain::{Item, ItemKey};

pub enum Overlay {
    Help {
        scroll: u16,
    },
    Palette(PaletteState),
    Editor(Box<EditorState>),
    Prompt(PromptState),
    Confirm(ConfirmState),
    History(HistoryState),
    /// "Explain this score": the item's story as a card.
    Explain(Box<ExplainState>),
    Conflict(ConflictState),
    Form(Box<FormState>),
}

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

/// Someone else changed the item first: their version, as the engine reported it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConflictState {
    pub key: ItemKey,
    pub current: Box<Item>,
    /// What the user was saving when the conflict came: (score as typed, justification).
    pub mine: Option<(String, String)>,
}
