//! A prompt: the text sent with a command (an evidence request, in the wrapping multi-line
//! editor; the reason to reopen a unit, one line), the engine's refusal in place, and where it
//! was opened from.

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui_textarea::TextArea;
use unicode_normalization::char::is_combining_mark;

use crate::dialogs::editor::Origin;
use crate::dialogs::editor::state::{new_textarea, recompose_cursor_line};
use crate::text;
use crate::widgets::line_input::LineInput;
use domain::ItemKey;

/// What a prompt asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PromptKind {
    /// The text of an evidence request for an item (several lines).
    RequestEvidence { key: ItemKey, expected: u64 },
    /// Why a finalized unit is reopened (one line).
    Reopen { year: u16, unit: String },
    /// The weight of the ranking's what-if view (one line; nothing is sent to the store).
    WhatIfWeight,
}

/// The text to send with a command.
pub struct PromptState {
    pub kind: PromptKind,
    /// The one-line field (the reason to reopen).
    pub input: LineInput,
    /// The multi-line field (the evidence request): it wraps, Enter starts a new line, F2 sends.
    pub text: Option<Box<TextArea<'static>>>,
    pub error: Option<String>,
    pub origin: Origin,
}

impl PromptState {
    pub fn new(kind: PromptKind, origin: Origin) -> PromptState {
        let multiline = matches!(kind, PromptKind::RequestEvidence { .. });
        PromptState {
            kind,
            input: LineInput::default(),
            text: multiline.then(|| Box::new(new_textarea(""))),
            error: None,
            origin,
        }
    }

    /// What was typed, NFC, without blank lines around it.
    pub fn value(&self) -> String {
        match &self.text {
            Some(t) => text::nfc(t.lines().join("\n").trim()),
            None => self.input.text().trim().to_string(),
        }
    }

    /// A key the keymap leaves to the text; an edit clears the last refusal.
    pub fn text_key(&mut self, key: KeyEvent) {
        let changed = match &mut self.text {
            Some(t) => {
                let mark = matches!(key.code, KeyCode::Char(c) if is_combining_mark(c));
                let changed = t.input(key);
                if changed && mark {
                    recompose_cursor_line(t);
                }
                changed
            }
            None => self.input.handle_key(key),
        };
        if changed {
            self.error = None;
        }
    }

    /// Pasted text: its lines kept in the multi-line field, joined by spaces in one line.
    pub fn paste(&mut self, s: &str) {
        match &mut self.text {
            Some(t) => {
                let clean = text::clean_paste(s);
                t.insert_str(&clean);
                if clean.starts_with(is_combining_mark) && !clean.contains('\n') {
                    recompose_cursor_line(t);
                }
            }
            None => self.input.insert(s),
        }
        self.error = None;
    }
}
