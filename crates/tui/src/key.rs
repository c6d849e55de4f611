//! Keys as written in keymap files ("F5", "Ctrl-s", "g g") and as shown on screen ("Ctrl-S",
//! "↑"). A [`Key`] is normalized so that what a terminal sends and what a file says compare equal.
//!
//! File syntax: a single character ("a", "A", "?", "-"), or a name — Enter, Esc, Tab, BackTab,
//! Up, Down, Left, Right, PageUp, PageDown, Home, End, Space, Backspace, Delete, Insert, F1…F12 —
//! with any of the prefixes `Ctrl-`, `Alt-`, `Shift-`. Names and prefixes are case-insensitive;
//! the on-screen forms (↑ ↓ ← →, PgUp, PgDn, Del, Ins, Shift-Tab) are read too. A sequence is
//! keys separated by spaces: "g g".

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use thiserror::Error;

use l10n::Lang;

/// One key press: code plus modifiers, normalized.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

/// Why a key could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum KeyParseError {
    #[error("the key is empty")]
    Empty,
    #[error(
        "\"{0}\" is not a key name (use one character, or Enter, Esc, Tab, BackTab, Up, Down, \
         Left, Right, PageUp, PageDown, Home, End, Space, Backspace, Delete, Insert, F1 to F12, \
         with Ctrl-, Alt- or Shift- in front)"
    )]
    UnknownName(String),
    #[error("Shift- goes only with letters and named keys; write the character itself instead")]
    ShiftWithSymbol,
    #[error("function keys go from F1 to F12")]
    FunctionRange,
}

impl KeyParseError {
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Vi => match self {
                KeyParseError::Empty => "phím để trống".to_string(),
                KeyParseError::UnknownName(n) => format!(
                    "\"{n}\" không phải tên phím (hãy dùng một ký tự, hoặc Enter, Esc, Tab, \
                     BackTab, Up, Down, Left, Right, PageUp, PageDown, Home, End, Space, \
                     Backspace, Delete, Insert, F1 đến F12, có thể thêm Ctrl-, Alt- hoặc Shift- \
                     phía trước)"
                ),
                KeyParseError::ShiftWithSymbol => {
                    "Shift- chỉ đi với chữ cái và phím có tên; hãy viết thẳng ký tự cần dùng"
                        .to_string()
                }
                KeyParseError::FunctionRange => "phím chức năng chỉ từ F1 đến F12".to_string(),
            },
        }
    }
}

const NAMED: &[(&str, KeyCode)] = &[
    ("enter", KeyCode::Enter),
    ("return", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("escape", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("up", KeyCode::Up),
    ("↑", KeyCode::Up),
    ("down", KeyCode::Down),
    ("↓", KeyCode::Down),
    ("left", KeyCode::Left),
    ("←", KeyCode::Left),
    ("right", KeyCode::Right),
    ("→", KeyCode::Right),
    ("pageup", KeyCode::PageUp),
    ("pgup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
    ("pgdn", KeyCode::PageDown),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("space", KeyCode::Char(' ')),
    ("backspace", KeyCode::Backspace),
    ("delete", KeyCode::Delete),
    ("del", KeyCode::Delete),
    ("insert", KeyCode::Insert),
    ("ins", KeyCode::Insert),
];

impl Key {
    /// A normalized key: only Ctrl, Alt and Shift are kept; for characters Shift is folded into
    /// the character ('a' + Shift → 'A') and Ctrl ignores letter case (terminals send the same
    /// byte for Ctrl-s and Ctrl-S); Shift-Tab is BackTab.
    pub fn new(code: KeyCode, mods: KeyModifiers) -> Key {
        let mut mods = mods & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match code {
            KeyCode::Char(c) => {
                let shifted = mods.contains(KeyModifiers::SHIFT);
                mods.remove(KeyModifiers::SHIFT);
                let c = if shifted && c.is_lowercase() {
                    c.to_uppercase().next().unwrap_or(c)
                } else {
                    c
                };
                if mods.contains(KeyModifiers::CONTROL) && c.is_ascii_uppercase() {
                    KeyCode::Char(c.to_ascii_lowercase())
                } else {
                    KeyCode::Char(c)
                }
            }
            KeyCode::Tab if mods.contains(KeyModifiers::SHIFT) => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            other => other,
        };
        Key { code, mods }
    }

    pub fn plain(code: KeyCode) -> Key {
        Key::new(code, KeyModifiers::NONE)
    }

    /// Read one key in file syntax.
    pub fn parse(text: &str) -> Result<Key, KeyParseError> {
        let mut rest = text.trim();
        if rest.is_empty() {
            return Err(KeyParseError::Empty);
        }
        let mut mods = KeyModifiers::NONE;
        // A prefix needs something after it: "Ctrl-" alone is not a key, "-" is.
        while let Some((head, tail)) = rest.split_once('-') {
            if tail.is_empty() {
                break;
            }
            let m = match head.to_ascii_lowercase().as_str() {
                "ctrl" | "control" => KeyModifiers::CONTROL,
                "alt" => KeyModifiers::ALT,
                "shift" => KeyModifiers::SHIFT,
                _ => break,
            };
            mods |= m;
            rest = tail;
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_whitespace() && !matches!(c, '↑' | '↓' | '←' | '→') => {
                if mods.contains(KeyModifiers::SHIFT) && !c.is_alphabetic() {
                    return Err(KeyParseError::ShiftWithSymbol);
                }
                KeyCode::Char(c)
            }
            (None, _) => return Err(KeyParseError::Empty),
            _ => {
                let lower = rest.to_lowercase();
                if let Some(&(_, code)) = NAMED.iter().find(|(n, _)| *n == lower) {
                    code
                } else if let Some(n) = lower
                    .strip_prefix('f')
                    .filter(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()))
                {
                    match n.parse::<u8>() {
                        Ok(n @ 1..=12) => KeyCode::F(n),
                        _ => return Err(KeyParseError::FunctionRange),
                    }
                } else {
                    return Err(KeyParseError::UnknownName(rest.to_string()));
                }
            }
        };
        Ok(Key::new(code, mods))
    }

    /// A character typed without Ctrl or Alt (including Space): text in an input field.
    pub fn is_printable(&self) -> bool {
        matches!(self.code, KeyCode::Char(_))
            && !self
                .mods
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    }

    fn prefix(&self, out: &mut String) {
        if self.mods.contains(KeyModifiers::CONTROL) {
            out.push_str("Ctrl-");
        }
        if self.mods.contains(KeyModifiers::ALT) {
            out.push_str("Alt-");
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            out.push_str("Shift-");
        }
    }

    /// File syntax: "Ctrl-s", "PageDown", "Space", "F5".
    pub fn canonical(&self) -> String {
        let mut out = String::new();
        self.prefix(&mut out);
        out.push_str(&match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::F(n) => format!("F{n}"),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "BackTab".into(),
            KeyCode::Up => "Up".into(),
            KeyCode::Down => "Down".into(),
            KeyCode::Left => "Left".into(),
            KeyCode::Right => "Right".into(),
            KeyCode::PageUp => "PageUp".into(),
            KeyCode::PageDown => "PageDown".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::Delete => "Delete".into(),
            KeyCode::Insert => "Insert".into(),
            other => format!("{other:?}"),
        });
        out
    }

    /// On-screen form for help and the hint bar: "Ctrl-S", "↑", "PgDn", "Shift-Tab".
    pub fn display(&self) -> String {
        let mut out = String::new();
        if self.code == KeyCode::BackTab {
            self.prefix(&mut out);
            out.push_str("Shift-Tab");
            return out;
        }
        self.prefix(&mut out);
        out.push_str(&match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) if self.mods.contains(KeyModifiers::CONTROL) => {
                c.to_uppercase().to_string()
            }
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Delete => "Del".into(),
            KeyCode::Insert => "Ins".into(),
            _ => return self.canonical(),
        });
        out
    }
}

impl From<KeyEvent> for Key {
    fn from(ev: KeyEvent) -> Key {
        Key::new(ev.code, ev.modifiers)
    }
}

impl From<&KeyEvent> for Key {
    fn from(ev: &KeyEvent) -> Key {
        Key::new(ev.code, ev.modifiers)
    }
}

impl From<Key> for KeyEvent {
    /// The event a terminal sends for the key: an upper-case character comes with Shift.
    fn from(key: Key) -> KeyEvent {
        let mut mods = key.mods;
        if matches!(key.code, KeyCode::Char(c) if c.is_uppercase()) {
            mods |= KeyModifiers::SHIFT;
        }
        KeyEvent::new(key.code, mods)
    }
}

/// Read a sequence of keys separated by spaces ("g g"). The error names the bad key.
pub fn parse_sequence(text: &str) -> Result<Vec<Key>, (String, KeyParseError)> {
    let parts: Vec<&str> = text.split_whitespace().collect();
    if parts.is_empty() {
        return Err((text.to_string(), KeyParseError::Empty));
    }
    parts
        .iter()
        .map(|p| Key::parse(p).map_err(|e| (p.to_string(), e)))
        .collect()
}

/// On-screen form of a sequence: "g g", "Ctrl-S".
pub fn display_sequence(keys: &[Key]) -> String {
    keys.iter().map(Key::display).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(code: KeyCode, mods: KeyModifiers) -> Key {
        Key::new(code, mods)
    }

    #[test]
    fn parses_the_documented_syntax() {
        let none = KeyModifiers::NONE;
        let cases = [
            ("a", k(KeyCode::Char('a'), none)),
            ("A", k(KeyCode::Char('A'), none)),
            ("?", k(KeyCode::Char('?'), none)),
            ("-", k(KeyCode::Char('-'), none)),
            ("Enter", k(KeyCode::Enter, none)),
            ("esc", k(KeyCode::Esc, none)),
            ("Tab", k(KeyCode::Tab, none)),
            ("BackTab", k(KeyCode::BackTab, none)),
            ("Shift-Tab", k(KeyCode::BackTab, none)),
            ("Up", k(KeyCode::Up, none)),
            ("PageDown", k(KeyCode::PageDown, none)),
            ("PgUp", k(KeyCode::PageUp, none)),
            ("Space", k(KeyCode::Char(' '), none)),
            ("Backspace", k(KeyCode::Backspace, none)),
            ("Delete", k(KeyCode::Delete, none)),
            ("F1", k(KeyCode::F(1), none)),
            ("f12", k(KeyCode::F(12), none)),
            ("Ctrl-s", k(KeyCode::Char('s'), KeyModifiers::CONTROL)),
            ("Ctrl-S", k(KeyCode::Char('s'), KeyModifiers::CONTROL)),
            ("ctrl-p", k(KeyCode::Char('p'), KeyModifiers::CONTROL)),
            ("Alt-x", k(KeyCode::Char('x'), KeyModifiers::ALT)),
            ("Shift-Up", k(KeyCode::Up, KeyModifiers::SHIFT)),
            ("Shift-F8", k(KeyCode::F(8), KeyModifiers::SHIFT)),
            ("Shift-a", k(KeyCode::Char('A'), none)),
            ("Ctrl--", k(KeyCode::Char('-'), KeyModifiers::CONTROL)),
            (
                "Ctrl-Alt-Delete",
                k(KeyCode::Delete, KeyModifiers::CONTROL | KeyModifiers::ALT),
            ),
            ("↓", k(KeyCode::Down, none)),
        ];
        for (text, want) in cases {
            assert_eq!(Key::parse(text), Ok(want), "{text}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_key() {
        assert_eq!(Key::parse(""), Err(KeyParseError::Empty));
        assert_eq!(
            Key::parse("Ctrl-"),
            Err(KeyParseError::UnknownName("Ctrl-".into()))
        );
        assert_eq!(
            Key::parse("Enterr"),
            Err(KeyParseError::UnknownName("Enterr".into()))
        );
        assert_eq!(
            Key::parse("Hyper-x"),
            Err(KeyParseError::UnknownName("Hyper-x".into()))
        );
        assert_eq!(Key::parse("F13"), Err(KeyParseError::FunctionRange));
        assert_eq!(Key::parse("F0"), Err(KeyParseError::FunctionRange));
        assert_eq!(Key::parse("Shift-1"), Err(KeyParseError::ShiftWithSymbol));
        assert!(parse_sequence("g  ").is_ok());
        assert_eq!(
            parse_sequence("  ").map_err(|e| e.1),
            Err(KeyParseError::Empty)
        );
        assert_eq!(
            parse_sequence("g Nope").map_err(|e| e.0),
            Err("Nope".to_string())
        );
    }

    #[test]
    fn terminal_events_match_file_keys() {
        // Terminals report an upper-case letter with Shift, and Ctrl-letter in lower case.
        let ev = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(Key::from(ev), Key::parse("G").unwrap());
        let ev = KeyEvent::new(KeyCode::Char('g'), KeyModifiers::SHIFT);
        assert_eq!(Key::from(ev), Key::parse("G").unwrap());
        let ev = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(Key::from(ev), Key::parse("BackTab").unwrap());
        let ev = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
        assert_eq!(Key::from(&ev), Key::parse("Ctrl-S").unwrap());
        let ev = KeyEvent::new(KeyCode::Char('?'), KeyModifiers::SHIFT);
        assert_eq!(Key::from(ev), Key::parse("?").unwrap());
        assert_ne!(Key::parse("a").unwrap(), Key::parse("A").unwrap());
        // And back: what a terminal would send for a file key.
        for text in ["G", "g", "Ctrl-s", "F5", "Shift-F8", "BackTab", "Alt-x"] {
            let key = Key::parse(text).unwrap();
            assert_eq!(Key::from(KeyEvent::from(key)), key, "{text}");
        }
        assert_eq!(
            KeyEvent::from(Key::parse("G").unwrap()),
            KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT)
        );
    }

    #[test]
    fn display_and_canonical_forms_parse_back() {
        let texts = [
            "a",
            "A",
            "?",
            "Space",
            "Enter",
            "Esc",
            "Tab",
            "BackTab",
            "Up",
            "Down",
            "Left",
            "Right",
            "PageUp",
            "PageDown",
            "Home",
            "End",
            "Backspace",
            "Delete",
            "Insert",
            "F1",
            "F10",
            "F12",
            "Ctrl-s",
            "Alt-x",
            "Alt-X",
            "Shift-Up",
            "Shift-F8",
            "Ctrl-Alt-Left",
            "Ctrl--",
            "Ctrl-Space",
            "-",
            "đ",
        ];
        for text in texts {
            let key = Key::parse(text).unwrap();
            assert_eq!(Key::parse(&key.display()), Ok(key), "display of {text}");
            assert_eq!(Key::parse(&key.canonical()), Ok(key), "canonical of {text}");
        }
        for text in ["g g", "Ctrl-x Ctrl-s", "Z Z"] {
            let seq = parse_sequence(text).unwrap();
            assert_eq!(parse_sequence(&display_sequence(&seq)), Ok(seq));
        }
    }

    #[test]
    fn display_is_for_people() {
        let d = |t: &str| Key::parse(t).unwrap().display();
        assert_eq!(d("Ctrl-s"), "Ctrl-S");
        assert_eq!(d("Up"), "↑");
        assert_eq!(d("Shift-Up"), "Shift-↑");
        assert_eq!(d("PageDown"), "PgDn");
        assert_eq!(d("BackTab"), "Shift-Tab");
        assert_eq!(d("F5"), "F5");
        assert_eq!(d("Space"), "Space");
        assert_eq!(d("d"), "d");
        assert_eq!(display_sequence(&parse_sequence("g g").unwrap()), "g g");
    }

    #[test]
    fn printable_keys_are_text() {
        assert!(Key::parse("a").unwrap().is_printable());
        assert!(Key::parse("Space").unwrap().is_printable());
        assert!(Key::parse("?").unwrap().is_printable());
        assert!(!Key::parse("Ctrl-a").unwrap().is_printable());
        assert!(!Key::parse("Alt-a").unwrap().is_printable());
        assert!(!Key::parse("F2").unwrap().is_printable());
        assert!(!Key::parse("Enter").unwrap().is_printable());
    }
}
