//! The adjust editor (SPEC W4, W5): the proposed score field, checked as you type with the
//! domain's own rules, and the multi-line justification, kept as a draft on the server.

use std::time::{Duration, Instant};

use jiff::Timestamp;
use ratatui::crossterm::event::KeyEvent;
use ratatui_textarea::{CursorMove, DataCursor, TextArea, WrapMode};
use unicode_normalization::char::is_combining_mark;

use crate::text;
use crate::widgets::line_input::LineInput;
use domain::Draft;
use domain::points::{PointsError, ScoreError};
use domain::{ItemKey, Points};

/// How long typed text may stay unsaved before the draft is written (SPEC W5: at most the
/// last second of typing is lost).
pub const DRAFT_DELAY: Duration = Duration::from_millis(800);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    Score,
    Text,
}

/// What the score field holds, by the domain's rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScoreCheck {
    Ok(Points),
    NotANumber(PointsError),
    NotAllowed(ScoreError),
}

/// Where the editor was opened from: after saving, walk mode moves on to the next item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    Bench,
    Walk,
}

pub struct EditorState {
    pub key: ItemKey,
    /// The item version the user saw when opening the editor.
    pub expected: u64,
    pub max: Points,
    pub step: Points,
    pub score: LineInput,
    pub text: TextArea<'static>,
    pub focus: Field,
    pub check: ScoreCheck,
    /// When the first unsaved change was made.
    pub dirty_since: Option<Instant>,
    pub draft_saved: Option<Timestamp>,
    /// The content came from a draft.
    pub restored: bool,
    /// The engine's refusal, shown until the next change.
    pub error: Option<String>,
    pub origin: Origin,
    /// The user answered that the score of this agreed item stays although its text changed
    /// (`Item::text_edit_asks_score`): do not ask again on this save.
    pub score_kept: bool,
}

impl EditorState {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        key: ItemKey,
        expected: u64,
        max: Points,
        step: Points,
        score: &str,
        justification: &str,
        origin: Origin,
        restored: bool,
    ) -> EditorState {
        let mut ed = EditorState {
            key,
            expected,
            max,
            step,
            score: LineInput::prefilled(score),
            text: new_textarea(justification),
            focus: Field::Score,
            check: ScoreCheck::Ok(Points::ZERO),
            dirty_since: None,
            draft_saved: None,
            restored,
            error: None,
            origin,
            score_kept: false,
        };
        ed.recheck();
        ed
    }

    pub fn justification(&self) -> String {
        text::nfc(&self.text.lines().join("\n"))
    }

    /// Check the score field with the domain: a number (`Points::parse`), then an allowed score
    /// for this item (`check_score`).
    pub fn recheck(&mut self) {
        self.check = match Points::parse(self.score.text()) {
            Err(e) => ScoreCheck::NotANumber(e),
            Ok(p) => match p.check_score(self.max, self.step) {
                Ok(()) => ScoreCheck::Ok(p),
                Err(e) => ScoreCheck::NotAllowed(e),
            },
        };
    }

    fn changed(&mut self) {
        self.error = None;
        if self.dirty_since.is_none() {
            self.dirty_since = Some(Instant::now());
        }
    }

    pub fn switch_field(&mut self) {
        self.focus = match self.focus {
            Field::Score => Field::Text,
            Field::Text => Field::Score,
        };
    }

    /// A key for the focused field.
    pub fn input(&mut self, key: KeyEvent) {
        match self.focus {
            Field::Score => {
                if self.score.handle_key(key) {
                    self.recheck();
                    self.changed();
                }
            }
            Field::Text => {
                let typed_mark = matches!(key.code, ratatui::crossterm::event::KeyCode::Char(c) if is_combining_mark(c));
                if self.text.input(key) {
                    if typed_mark {
                        self.normalize_current_line();
                    }
                    self.changed();
                }
            }
        }
    }

    /// Pasted text (bracketed or not, or keys that came at once): cleaned, then inserted into
    /// the focused field.
    pub fn paste(&mut self, s: &str) {
        let clean = text::clean_paste(s);
        match self.focus {
            Field::Score => {
                self.score.insert(&clean);
                self.recheck();
            }
            Field::Text => {
                self.text.insert_str(&clean);
                // Text typed quickly arrives as a paste too: a combining mark at its start joins
                // the letter before it, as when typed.
                if clean.starts_with(is_combining_mark) && !clean.contains('\n') {
                    self.normalize_current_line();
                }
            }
        }
        self.changed();
    }

    /// A combining mark typed after its letter: recompose the line so stored text is NFC.
    fn normalize_current_line(&mut self) {
        recompose_cursor_line(&mut self.text);
    }

    /// Is a draft save due at `now`?
    pub fn draft_due(&self, now: Instant) -> bool {
        self.dirty_since.is_some_and(|t| now >= t + DRAFT_DELAY)
    }

    /// When the draft must be saved, if there are unsaved changes.
    pub fn draft_deadline(&self) -> Option<Instant> {
        self.dirty_since.map(|t| t + DRAFT_DELAY)
    }

    pub fn draft(&self) -> Draft {
        Draft {
            text: self.justification(),
            score: self.score.text().to_string(),
            updated: Timestamp::now(),
        }
    }

    pub fn mark_draft_saved(&mut self, at: Timestamp) {
        self.dirty_since = None;
        self.draft_saved = Some(at);
    }
}

/// A combining mark typed after its letter in `ta`: recompose the cursor's line (NFC), the
/// cursor staying after the recomposed letter. The evidence request uses it too.
pub(crate) fn recompose_cursor_line(ta: &mut TextArea<'static>) {
    let DataCursor(row, col) = ta.cursor();
    let lines: Vec<String> = ta.lines().to_vec();
    let Some(line) = lines.get(row) else { return };
    let before: String = line.chars().take(col).collect();
    let after: String = line.chars().skip(col).collect();
    let before = text::nfc(&before);
    let new_col = before.chars().count();
    let mut new_lines = lines.clone();
    new_lines[row] = format!("{before}{after}");
    let mut fresh = new_textarea(&new_lines.join("\n"));
    fresh.move_cursor(CursorMove::Jump(row as u16, new_col as u16));
    *ta = fresh;
}

/// A wrapping multi-line text area holding `s`, the cursor at its end.
pub(crate) fn new_textarea(s: &str) -> TextArea<'static> {
    let lines: Vec<String> = if s.is_empty() {
        vec![String::new()]
    } else {
        s.split('\n').map(str::to_string).collect()
    };
    let mut ta = TextArea::new(lines);
    ta.set_wrap_mode(WrapMode::WordOrGlyph);
    ta.move_cursor(CursorMove::Bottom);
    ta.move_cursor(CursorMove::End);
    ta
}
