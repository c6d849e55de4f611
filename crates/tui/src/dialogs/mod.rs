//! Dialogs drawn over a screen, each with its state, its view and its keys in one folder. They
//! stack: a conflict can open over the editor, help over anything. The top one receives the keys.

pub mod assign;
pub mod confirm;
pub mod conflict;
pub mod editor;
pub mod explain;
pub mod form;
pub mod help;
pub mod history;
pub mod palette;
pub mod prompt;
pub mod sipas;

use assign::AssignState;
use confirm::ConfirmState;
use conflict::ConflictState;
use editor::EditorState;
use explain::ExplainState;
use form::FormState;
use history::HistoryState;
use palette::PaletteState;
use prompt::PromptState;

pub enum Overlay {
    /// The key help: its scroll and the text typed to filter it.
    Help {
        scroll: u16,
        filter: String,
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
    /// A lead assigns the selected province, or an area of it (SPEC S6).
    Assign(Box<AssignState>),
    /// The SIPAS card (issue 16).
    Sipas(Box<sipas::SipasState>),
}
