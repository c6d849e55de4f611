//! Text that cannot drive a terminal (SPEC R4): whatever a file, a province or a user wrote,
//! control characters (C0, DEL, C1) and bidirectional overrides are shown as visible codes, never
//! written as they are. Used by the workbench and by every command that prints such text.

use std::borrow::Cow;

/// A character that must not reach the terminal as is: a control character (which may start an
/// escape sequence), or a bidirectional override, isolate or mark (which can reorder what a
/// reader sees).
pub fn is_dangerous(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// How a dangerous character is shown: C0 controls as their Unicode control picture
/// (ESC → "␛", BEL → "␇"), DEL as "␡", anything else as "<U+XXXX>".
pub fn push_visible(out: &mut String, c: char) {
    let u = c as u32;
    if u < 0x20 {
        // U+2400..U+241F are the control pictures for U+0000..U+001F.
        out.push(char::from_u32(0x2400 + u).unwrap_or('?'));
    } else if u == 0x7F {
        out.push('␡');
    } else {
        out.push_str(&format!("<U+{u:04X}>"));
    }
}

/// `s` safe to print on a terminal: line breaks and tabs kept, every other dangerous character
/// shown visibly.
pub fn inert(s: &str) -> Cow<'_, str> {
    let keep = |c: char| c == '\n' || c == '\t';
    if !s.chars().any(|c| is_dangerous(c) && !keep(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_dangerous(c) && !keep(c) {
            push_visible(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_c1_and_bidi_and_keeps_lines() {
        assert_eq!(inert("a\x1b[2Jb"), "a␛[2Jb");
        assert_eq!(inert("x\x07\x7f"), "x␇␡");
        assert_eq!(inert("\u{9b}31m"), "<U+009B>31m");
        assert_eq!(
            inert("tên\u{202E}ngược\u{2066}"),
            "tên<U+202E>ngược<U+2066>"
        );
        assert_eq!(inert("dòng 1\n\tdòng 2"), "dòng 1\n\tdòng 2");
        assert!(matches!(inert("Quảng Bình"), Cow::Borrowed(_)));
    }
}
