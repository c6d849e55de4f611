//! A small form of labelled fields (one-line inputs, a multi-line text, a choice), for the
//! dispute dialogs: recording a unit's explanation and answering it (SPEC D5).

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui_textarea::{TextArea, WrapMode};

use crate::i18n::Msg;
use crate::text;
use crate::widgets::line_input::LineInput;
use domain::{ItemKey, Outcome};

/// What the form sends when saved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormKind {
    /// The unit's explanation against a decision.
    RecordDispute { key: ItemKey, expected: u64 },
    /// The answer to an explanation.
    ResolveDispute { key: ItemKey, expected: u64 },
    /// A lead refers the item to the council.
    Escalate { key: ItemKey, expected: u64 },
    /// A lead records the council's decision.
    CouncilDecide { key: ItemKey, expected: u64 },
}

pub enum Input {
    Line(LineInput),
    Text(Box<TextArea<'static>>),
    Choice { options: Vec<Outcome>, index: usize },
}

pub struct Field {
    pub label: Msg,
    pub input: Input,
}

pub struct FormState {
    pub kind: FormKind,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// The engine's refusal or a parse error, until the next change.
    pub error: Option<String>,
}

fn textarea() -> Box<TextArea<'static>> {
    let mut ta = TextArea::new(vec![String::new()]);
    ta.set_wrap_mode(WrapMode::WordOrGlyph);
    Box::new(ta)
}

impl FormState {
    /// Record a dispute: the explanation, the reference of the province's document, the score
    /// the unit claims (optional) and the date the explanation was received (today by default).
    pub fn record_dispute(key: ItemKey, expected: u64, today: &str) -> FormState {
        FormState {
            kind: FormKind::RecordDispute { key, expected },
            fields: vec![
                Field {
                    label: Msg::DisputeExplanation,
                    input: Input::Text(textarea()),
                },
                Field {
                    label: Msg::DisputeDocument,
                    input: Input::Line(LineInput::default()),
                },
                Field {
                    label: Msg::DisputeClaimedOptional,
                    input: Input::Line(LineInput::default()),
                },
                Field {
                    label: Msg::DisputeReceived,
                    input: Input::Line(LineInput::prefilled(today)),
                },
            ],
            focus: 0,
            error: None,
        }
    }

    /// Resolve a dispute: the outcome, the new score (for a partly upheld dispute, or an upheld
    /// one whose unit claimed a score) and the response.
    pub fn resolve_dispute(key: ItemKey, expected: u64) -> FormState {
        FormState {
            kind: FormKind::ResolveDispute { key, expected },
            fields: vec![
                Field {
                    label: Msg::DisputeOutcome,
                    input: Input::Choice {
                        options: vec![Outcome::Rejected, Outcome::Upheld, Outcome::PartlyUpheld],
                        index: 0,
                    },
                },
                Field {
                    label: Msg::DisputeNewScore,
                    input: Input::Line(LineInput::default()),
                },
                Field {
                    label: Msg::DisputeResponse,
                    input: Input::Text(textarea()),
                },
            ],
            focus: 0,
            error: None,
        }
    }

    /// Refer to the council: why.
    pub fn escalate(key: ItemKey, expected: u64) -> FormState {
        FormState {
            kind: FormKind::Escalate { key, expected },
            fields: vec![Field {
                label: Msg::EscalateReason,
                input: Input::Text(textarea()),
            }],
            focus: 0,
            error: None,
        }
    }

    /// The council's decision: the final score, the minutes it is in, and what it concluded.
    pub fn council_decide(key: ItemKey, expected: u64) -> FormState {
        FormState {
            kind: FormKind::CouncilDecide { key, expected },
            fields: vec![
                Field {
                    label: Msg::CouncilScore,
                    input: Input::Line(LineInput::default()),
                },
                Field {
                    label: Msg::CouncilMinutes,
                    input: Input::Line(LineInput::default()),
                },
                Field {
                    label: Msg::CouncilDecisionText,
                    input: Input::Text(textarea()),
                },
            ],
            focus: 0,
            error: None,
        }
    }

    pub fn key(&self) -> &ItemKey {
        match &self.kind {
            FormKind::RecordDispute { key, .. }
            | FormKind::ResolveDispute { key, .. }
            | FormKind::Escalate { key, .. }
            | FormKind::CouncilDecide { key, .. } => key,
        }
    }

    pub fn set_expected(&mut self, version: u64) {
        match &mut self.kind {
            FormKind::RecordDispute { expected, .. }
            | FormKind::ResolveDispute { expected, .. }
            | FormKind::Escalate { expected, .. }
            | FormKind::CouncilDecide { expected, .. } => *expected = version,
        }
    }

    /// Is the focused field a multi-line text (keys resolve in the editor context)?
    pub fn focus_is_text(&self) -> bool {
        matches!(
            self.fields.get(self.focus).map(|f| &f.input),
            Some(Input::Text(_))
        )
    }

    /// Is the focused field a choice (←/→ pick the option)?
    pub fn focus_is_choice(&self) -> bool {
        matches!(
            self.fields.get(self.focus).map(|f| &f.input),
            Some(Input::Choice { .. })
        )
    }

    /// A key for the focused field; Tab and Shift-Tab move between fields.
    pub fn input(&mut self, key: KeyEvent) {
        let n = self.fields.len();
        match key.code {
            KeyCode::Tab => {
                self.focus = (self.focus + 1) % n;
                return;
            }
            KeyCode::BackTab => {
                self.focus = (self.focus + n - 1) % n;
                return;
            }
            _ => {}
        }
        let Some(f) = self.fields.get_mut(self.focus) else {
            return;
        };
        let changed = match &mut f.input {
            Input::Line(l) => l.handle_key(key),
            Input::Text(t) => t.input(key),
            Input::Choice { options, index } => match key.code {
                KeyCode::Right | KeyCode::Char(' ') => {
                    *index = (*index + 1) % options.len();
                    true
                }
                KeyCode::Left => {
                    *index = (*index + options.len() - 1) % options.len();
                    true
                }
                _ => false,
            },
        };
        if changed {
            self.error = None;
        }
    }

    /// Pasted text (or keys that came at once) into the focused field. Returns false when the
    /// focused field takes no text (the choice).
    pub fn paste(&mut self, s: &str) -> bool {
        let clean = text::clean_paste(s);
        match self.fields.get_mut(self.focus).map(|f| &mut f.input) {
            Some(Input::Line(l)) => l.insert(&clean),
            Some(Input::Text(t)) => {
                t.insert_str(&clean);
            }
            _ => return false,
        }
        self.error = None;
        true
    }

    /// The text of a field (NFC), or the chosen outcome.
    pub fn text(&self, i: usize) -> String {
        match self.fields.get(i).map(|f| &f.input) {
            Some(Input::Line(l)) => l.text().trim().to_string(),
            Some(Input::Text(t)) => text::nfc(&t.lines().join("\n")),
            _ => String::new(),
        }
    }

    pub fn outcome(&self) -> Option<Outcome> {
        self.fields.iter().find_map(|f| match &f.input {
            Input::Choice { options, index } => options.get(*index).copied(),
            _ => None,
        })
    }
}
