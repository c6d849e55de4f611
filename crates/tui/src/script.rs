//! Key scripts for tests and demos: "<down><down><enter>0,5<tab>Lý do<f2>" — key names in angle
//! brackets, any other character typed as itself. A name is read by [`Key::parse`], as in keymap
//! files ("<F2>", "<PageDown>", "<Ctrl-s>"), with the script's short forms: the prefixes "c-"
//! (Ctrl), "a-" (Alt) and "s-" (Shift), "bs" for Backspace and "lt" for "<" — e.g. "<c-s>",
//! "<s-f8>", "<pgdn>".

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use crate::key::{Key, KeyParseError};

/// Parse a script into key presses, or say which name is unknown.
pub fn parse(script: &str) -> Result<Vec<KeyEvent>, String> {
    let mut out = Vec::new();
    let mut chars = script.chars();
    while let Some(c) = chars.next() {
        if c != '<' {
            out.push(Key::plain(KeyCode::Char(c)).into());
            continue;
        }
        let name: String = chars.by_ref().take_while(|&c| c != '>').collect();
        let key = named(&name).map_err(|e| format!("unknown key <{name}>: {e}"))?;
        out.push(key.into());
    }
    Ok(out)
}

/// A name in brackets: the short forms written out, then read as in a keymap file.
fn named(name: &str) -> Result<Key, KeyParseError> {
    let mut rest = name;
    let mut written = String::new();
    while let Some(head) = rest.get(..2) {
        let prefix = match head.to_ascii_lowercase().as_str() {
            "c-" => "Ctrl-",
            "a-" => "Alt-",
            "s-" => "Shift-",
            _ => break,
        };
        written.push_str(prefix);
        rest = &rest[2..];
    }
    written.push_str(match rest.to_ascii_lowercase().as_str() {
        "bs" => "Backspace",
        "lt" => "<",
        _ => rest,
    });
    Key::parse(&written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyModifiers;

    #[test]
    fn parses_names_and_text() {
        let k = parse("<down>a<F2><c-s><s-f8>Đ<lt><bs><PageDown><Ctrl-p>").unwrap();
        assert_eq!(k[0], KeyEvent::new(KeyCode::Down, KeyModifiers::NONE));
        assert_eq!(k[1], KeyEvent::new(KeyCode::Char('a'), KeyModifiers::NONE));
        assert_eq!(k[2], KeyEvent::new(KeyCode::F(2), KeyModifiers::NONE));
        assert_eq!(
            k[3],
            KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)
        );
        assert_eq!(k[4], KeyEvent::new(KeyCode::F(8), KeyModifiers::SHIFT));
        assert_eq!(k[5], KeyEvent::new(KeyCode::Char('Đ'), KeyModifiers::SHIFT));
        assert_eq!(k[6], KeyEvent::new(KeyCode::Char('<'), KeyModifiers::NONE));
        assert_eq!(k[7], KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE));
        assert_eq!(k[8], KeyEvent::new(KeyCode::PageDown, KeyModifiers::NONE));
        assert_eq!(
            k[9],
            KeyEvent::new(KeyCode::Char('p'), KeyModifiers::CONTROL)
        );
        assert!(parse("<nope>").is_err());
        assert!(parse("<f13>").is_err());
    }
}
