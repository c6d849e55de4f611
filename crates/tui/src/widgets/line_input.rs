//! A one-line text field (score, evidence request, search query): typing, editing keys, paste,
//! NFC normalisation, and a rendering that keeps the cursor in view.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthChar;

use crate::text;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineInput {
    text: String,
    /// Cursor position in chars.
    cursor: usize,
    /// The prefilled text is "selected": the first character typed replaces it (as in the
    /// input fields people know from office software); any editing key keeps it.
    selected: bool,
}

impl LineInput {
    pub fn new(s: &str) -> LineInput {
        let text = text::nfc(s);
        let cursor = text.chars().count();
        LineInput {
            text,
            cursor,
            selected: false,
        }
    }

    /// A prefilled field whose text the first typed character replaces.
    pub fn prefilled(s: &str) -> LineInput {
        LineInput {
            selected: !s.is_empty(),
            ..LineInput::new(s)
        }
    }

    pub fn is_selected(&self) -> bool {
        self.selected
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    fn byte_at(&self, char_idx: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_idx)
            .map_or(self.text.len(), |(b, _)| b)
    }

    /// Insert text at the cursor; line breaks become spaces, control characters are dropped,
    /// and the text before the cursor is NFC-normalised (a typed combining mark joins its letter).
    pub fn insert(&mut self, s: &str) {
        if std::mem::take(&mut self.selected) {
            self.clear();
        }
        let clean: String = text::clean_paste(s)
            .chars()
            .map(|c| if c == '\n' { ' ' } else { c })
            .collect();
        let at = self.byte_at(self.cursor);
        let mut before = self.text[..at].to_string();
        before.push_str(&clean);
        let before = text::nfc(&before);
        self.cursor = before.chars().count();
        let after = &self.text[at..];
        self.text = format!("{before}{after}");
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.cursor = 0;
    }

    /// Handle an editing key. Returns true if the text changed.
    pub fn handle_key(&mut self, key: KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if !matches!(key.code, KeyCode::Char(_)) || ctrl {
            // Editing or moving keeps the prefilled text.
            self.selected = false;
        }
        let len = self.text.chars().count();
        match key.code {
            KeyCode::Char('u') if ctrl => {
                let changed = !self.text.is_empty();
                self.clear();
                changed
            }
            KeyCode::Char('w') if ctrl => self.delete_word_back(),
            KeyCode::Char('a') if ctrl => {
                self.cursor = 0;
                false
            }
            KeyCode::Char('e') if ctrl => {
                self.cursor = len;
                false
            }
            KeyCode::Char(c) if !ctrl => {
                let mut b = [0u8; 4];
                self.insert(c.encode_utf8(&mut b));
                true
            }
            KeyCode::Backspace if self.cursor > 0 => {
                let at = self.byte_at(self.cursor - 1);
                self.text.remove(at);
                self.cursor -= 1;
                true
            }
            KeyCode::Delete if self.cursor < len => {
                let at = self.byte_at(self.cursor);
                self.text.remove(at);
                true
            }
            KeyCode::Left => {
                self.cursor = self.cursor.saturating_sub(1);
                false
            }
            KeyCode::Right => {
                self.cursor = (self.cursor + 1).min(len);
                false
            }
            KeyCode::Home => {
                self.cursor = 0;
                false
            }
            KeyCode::End => {
                self.cursor = len;
                false
            }
            _ => false,
        }
    }

    fn delete_word_back(&mut self) -> bool {
        let chars: Vec<char> = self.text.chars().collect();
        let mut i = self.cursor;
        while i > 0 && chars[i - 1] == ' ' {
            i -= 1;
        }
        while i > 0 && chars[i - 1] != ' ' {
            i -= 1;
        }
        if i == self.cursor {
            return false;
        }
        let from = self.byte_at(i);
        let to = self.byte_at(self.cursor);
        self.text.replace_range(from..to, "");
        self.cursor = i;
        true
    }

    /// The visible part of the field, `width` columns wide, with the cursor cell in
    /// `cursor_style` when focused. Text before the cursor scrolls out to the left.
    pub fn line(
        &self,
        width: usize,
        style: Style,
        cursor_style: Style,
        focused: bool,
    ) -> Line<'static> {
        let shown = text::escape_line(&self.text).into_owned();
        let chars: Vec<char> = shown.chars().collect();
        let cursor = self.cursor.min(chars.len());
        // Start so that the cursor (one cell) fits.
        let mut start = cursor;
        let mut w = 1;
        while start > 0 {
            let cw = chars[start - 1].width().unwrap_or(0);
            if w + cw > width.max(1) {
                break;
            }
            w += cw;
            start -= 1;
        }
        let before: String = chars[start..cursor].iter().collect();
        let at: String = chars.get(cursor).map_or(" ".to_string(), |c| c.to_string());
        let mut used = text::width(&before) + text::width(&at);
        let mut after = String::new();
        for c in chars.iter().skip(cursor + 1) {
            let cw = c.width().unwrap_or(0);
            if used + cw > width {
                break;
            }
            used += cw;
            after.push(*c);
        }
        let pad = " ".repeat(width.saturating_sub(used));
        let cur_style = if focused { cursor_style } else { style };
        if self.selected && focused {
            // The whole prefilled text is shown selected.
            return Line::from(vec![
                Span::styled(
                    format!("{before}{at}{after}").trim_end().to_string(),
                    cursor_style,
                ),
                Span::styled(
                    " ".repeat(
                        width
                            .saturating_sub(text::width(format!("{before}{at}{after}").trim_end())),
                    ),
                    style,
                ),
            ]);
        }
        Line::from(vec![
            Span::styled(before, style),
            Span::styled(at, cur_style),
            Span::styled(format!("{after}{pad}"), style),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn edits_at_the_cursor() {
        let mut f = LineInput::new("0,5");
        assert!(f.handle_key(key(KeyCode::Backspace)));
        assert_eq!(f.text(), "0,");
        f.handle_key(key(KeyCode::Char('7')));
        f.handle_key(key(KeyCode::Char('5')));
        assert_eq!(f.text(), "0,75");
        f.handle_key(key(KeyCode::Home));
        f.handle_key(key(KeyCode::Delete));
        assert_eq!(f.text(), ",75");
        assert!(f.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL)));
        assert!(f.is_empty());
    }

    #[test]
    fn combining_marks_join_and_pastes_are_cleaned() {
        let mut f = LineInput::new("");
        f.insert("Qua");
        f.insert("\u{309}");
        f.insert("ng");
        assert_eq!(f.text(), "Quảng");
        assert_eq!(f.cursor(), 5);
        f.insert(" B\x1b[2Jình\r\nx");
        assert_eq!(f.text(), "Quảng B[2Jình x");
        f.handle_key(KeyEvent::new(KeyCode::Char('w'), KeyModifiers::CONTROL));
        assert_eq!(f.text(), "Quảng B[2Jình ");
    }

    #[test]
    fn typing_replaces_a_prefilled_value_but_editing_keeps_it() {
        let mut f = LineInput::prefilled("1,00");
        assert!(f.is_selected());
        f.handle_key(key(KeyCode::Char('0')));
        assert_eq!(f.text(), "0");
        let mut g = LineInput::prefilled("1,00");
        g.handle_key(key(KeyCode::Backspace));
        assert_eq!(g.text(), "1,0");
        g.handle_key(key(KeyCode::Char('5')));
        assert_eq!(g.text(), "1,05");
    }

    #[test]
    fn long_text_scrolls_to_keep_the_cursor_visible() {
        let f = LineInput::new("abcdefghij");
        let line = f.line(5, Style::new(), Style::new(), true);
        let s: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(s, "ghij ");
    }
}
