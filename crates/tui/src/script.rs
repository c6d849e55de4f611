//! Key scripts for tests and demos: "<down><down><enter>0,5<tab>Lý do<f2>" — names in angle
//! brackets, any other character typed as itself. Names: up down left right enter esc tab
//! backtab bs del home end pgup pgdn space lt f1…f12; "c-" (Ctrl), "a-" (Alt) and "s-" (Shift)
//! prefixes, e.g. "<c-s>", "<s-f8>".

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Parse a script into key presses, or say which name is unknown.
pub fn parse(script: &str) -> Result<Vec<KeyEvent>, String> {
    let mut out = Vec::new();
    let mut chars = script.chars();
    while let Some(c) = chars.next() {
        if c != '<' {
            let mods = if c.is_uppercase() {
                KeyModifiers::SHIFT
            } else {
                KeyModifiers::NONE
            };
            out.push(KeyEvent::new(KeyCode::Char(c), mods));
            continue;
        }
        let name: String = chars.by_ref().take_while(|&c| c != '>').collect();
        out.push(named(&name).ok_or_else(|| format!("unknown key <{name}>"))?);
    }
    Ok(out)
}

fn named(name: &str) -> Option<KeyEvent> {
    let lower = name.to_ascii_lowercase();
    let mut rest = lower.as_str();
    let mut mods = KeyModifiers::NONE;
    loop {
        if let Some(r) = rest.strip_prefix("c-") {
            mods |= KeyModifiers::CONTROL;
            rest = r;
        } else if let Some(r) = rest.strip_prefix("a-") {
            mods |= KeyModifiers::ALT;
            rest = r;
        } else if let Some(r) = rest.strip_prefix("s-") {
            mods |= KeyModifiers::SHIFT;
            rest = r;
        } else {
            break;
        }
    }
    let code = match rest {
        "up" => KeyCode::Up,
        "down" => KeyCode::Down,
        "left" => KeyCode::Left,
        "right" => KeyCode::Right,
        "enter" => KeyCode::Enter,
        "esc" => KeyCode::Esc,
        "tab" => KeyCode::Tab,
        "backtab" => KeyCode::BackTab,
        "bs" | "backspace" => KeyCode::Backspace,
        "del" | "delete" => KeyCode::Delete,
        "home" => KeyCode::Home,
        "end" => KeyCode::End,
        "pgup" => KeyCode::PageUp,
        "pgdn" => KeyCode::PageDown,
        "space" => KeyCode::Char(' '),
        "lt" => KeyCode::Char('<'),
        f if f.starts_with('f') && f.len() > 1 => KeyCode::F(f[1..].parse().ok()?),
        c if c.chars().count() == 1 => {
            // Keep the case the script used ("<c-S>").
            let orig = name.chars().last()?;
            KeyCode::Char(if c.len() == 1 {
                orig
            } else {
                c.chars().next()?
            })
        }
        _ => return None,
    };
    Some(KeyEvent::new(code, mods))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_and_text() {
        let k = parse("<down>a<F2><c-s><s-f8>Đ<lt>").unwrap();
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
        assert!(parse("<nope>").is_err());
    }
}
