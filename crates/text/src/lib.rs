//! Text for the terminal, in the TUI and in the CLI's text outputs: escape control characters in
//! stored text before display (SPEC W12, R4), normalise typed and pasted input (NFC, line
//! endings), and measure, cut and pad by display width so Vietnamese names line up in columns.

use std::borrow::Cow;

use unicode_normalization::UnicodeNormalization;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// A character that must not reach a reader as is (SPEC R7): a control character (Cc: C0, DEL,
/// C1; it may start an escape sequence), a format character (Cf: bidirectional controls that
/// reorder what a reader sees, zero-width characters, the BOM …), or a line or paragraph
/// separator (U+2028, U+2029), which ends a line for some readers and not for others.
pub fn is_dangerous(c: char) -> bool {
    c.is_control() || is_format(c)
}

/// Unicode's format characters (general category Cf) and the two separators.
fn is_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{0600}'..='\u{0605}' | '\u{061C}' | '\u{06DD}' | '\u{070F}'
        | '\u{0890}'..='\u{0891}' | '\u{08E2}' | '\u{180E}' | '\u{200B}'..='\u{200F}'
        | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}' | '\u{110BD}' | '\u{110CD}'
        | '\u{13430}'..='\u{1343F}' | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0001}' | '\u{E0020}'..='\u{E007F}')
}

/// Text for one line of a log or a list, whatever it holds: every dangerous character, line
/// breaks and tabs included, shown visibly, so one record is one line.
pub fn one_line(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_dangerous) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_dangerous(c) {
            push_visible(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// How a dangerous character is shown: C0 controls as their Unicode control picture
/// (ESC → "␛", BEL → "␇"), DEL as "␡", anything else as "<U+XXXX>".
fn push_visible(out: &mut String, c: char) {
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

/// Text safe to print on a terminal as it is (messages, command output): line breaks and tabs
/// kept, every other dangerous character shown visibly.
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

/// Escape control characters for display, keeping line breaks; a tab becomes four spaces.
/// Use for multi-line text (notes, justifications) shown in a paragraph.
pub fn escape_multiline(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| is_dangerous(c) && c != '\n') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push('\n'),
            '\t' => out.push_str("    "),
            '\r' => {}
            c if is_dangerous(c) => push_visible(&mut out, c),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Escape control characters for display on one line: line breaks and tabs become spaces.
pub fn escape_line(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_dangerous) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' | '\t' => out.push(' '),
            '\r' => {}
            c if is_dangerous(c) => push_visible(&mut out, c),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// NFC-normalise typed text.
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// Clean pasted text: `\r\n` and `\r` become `\n`, a tab becomes four spaces, other control
/// characters are dropped (a paste cannot carry terminal sequences into the store), then NFC.
pub fn clean_paste(s: &str) -> String {
    let unified = s.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(unified.len());
    for c in unified.chars() {
        match c {
            '\n' => out.push('\n'),
            '\t' => out.push_str("    "),
            c if is_dangerous(c) => {}
            c => out.push(c),
        }
    }
    out.nfc().collect()
}

/// Display width in terminal columns.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Cut to at most `max` columns; a cut string ends with "…".
pub fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    if width(s) <= max {
        return Cow::Borrowed(s);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw > max - 1 {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    Cow::Owned(out)
}

/// Cut or pad with spaces on the right to exactly `cols` columns.
pub fn fit(s: &str, cols: usize) -> String {
    let t = truncate(s, cols);
    let w = width(&t);
    let mut out = t.into_owned();
    out.extend(std::iter::repeat_n(' ', cols.saturating_sub(w)));
    out
}

/// Cut or pad with spaces on the left (right-aligned) to exactly `cols` columns.
pub fn fit_right(s: &str, cols: usize) -> String {
    let t = truncate(s, cols);
    let w = width(&t);
    let mut out: String = std::iter::repeat_n(' ', cols.saturating_sub(w)).collect();
    out.push_str(&t);
    out
}

/// Wrap text into lines of at most `cols` columns, breaking at spaces where possible.
/// Existing line breaks are kept. Control characters must be escaped before.
pub fn wrap(s: &str, cols: usize) -> Vec<String> {
    let cols = cols.max(1);
    let mut lines = Vec::new();
    for para in s.split('\n') {
        let mut line = String::new();
        let mut w = 0;
        for word in para.split(' ') {
            let ww = width(word);
            let sep = usize::from(!line.is_empty());
            if w + sep + ww <= cols {
                if sep == 1 {
                    line.push(' ');
                }
                line.push_str(word);
                w += sep + ww;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                w = 0;
            }
            // A word longer than a line is cut by characters.
            for c in word.chars() {
                let cw = c.width().unwrap_or(0);
                if w + cw > cols {
                    lines.push(std::mem::take(&mut line));
                    w = 0;
                }
                line.push(c);
                w += cw;
            }
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_characters_and_separators_are_shown_not_obeyed() {
        for c in [
            '\u{2028}',
            '\u{2029}',
            '\u{200B}',
            '\u{FEFF}',
            '\u{061C}',
            '\u{202E}',
            '\u{E0041}',
        ] {
            assert!(is_dangerous(c), "{:04X}", c as u32);
            let s = format!("a{c}b");
            assert_eq!(inert(&s), format!("a<U+{:04X}>b", c as u32));
        }
        assert!(!is_dangerous('ạ') && !is_dangerous('Đ'));
        assert_eq!(one_line("tên\nmới\tx"), "tên␊mới␉x");
        assert_eq!(one_line("Quảng Bình"), "Quảng Bình");
    }

    #[test]
    fn terminal_sequences_become_visible_and_inert() {
        let note = "Xem QĐ\x1b[2J số 5\x1b]0;x\x07 hết";
        let shown = escape_line(note);
        assert!(!shown.contains('\x1b') && !shown.contains('\x07'));
        assert_eq!(shown, "Xem QĐ␛[2J số 5␛]0;x␇ hết");
        let multi = escape_multiline("a\x1b[31m\nb\tc\u{9b}2J\u{202e}");
        assert_eq!(multi, "a␛[31m\nb    c<U+009B>2J<U+202E>");
        // Clean text is not copied.
        assert!(matches!(escape_line("Quảng Bình"), Cow::Borrowed(_)));
        assert_eq!(escape_line("a\nb\x7f"), "a b␡");
    }

    #[test]
    fn output_keeps_lines_and_shows_controls_c1_and_bidi() {
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

    #[test]
    fn paste_is_normalised() {
        assert_eq!(
            clean_paste("dòng 1\r\ndòng 2\rdòng 3"),
            "dòng 1\ndòng 2\ndòng 3"
        );
        assert_eq!(clean_paste("a\x1b[2Jb\x07"), "a[2Jb");
        // Decomposed "ả" (a + combining hook) becomes the precomposed character.
        assert_eq!(clean_paste("Qua\u{309}ng"), "Quảng");
        assert_eq!(nfc("Qua\u{309}ng"), "Quảng");
    }

    #[test]
    fn widths_and_cuts_follow_display_columns() {
        assert_eq!(width("Đắk Nông"), 8);
        assert_eq!(width("Qua\u{309}ng"), 5);
        assert_eq!(width("漢字"), 4);
        assert_eq!(truncate("Thừa Thiên Huế", 8), "Thừa Th…");
        assert_eq!(width(&truncate("Thừa Thiên Huế", 8)), 8);
        assert_eq!(truncate("Huế", 3), "Huế");
        assert_eq!(truncate("Huế", 0), "");
        assert_eq!(fit("Huế", 6), "Huế   ");
        assert_eq!(fit_right("1.50", 6), "  1.50");
        // A wide character that does not fit is not split.
        assert_eq!(truncate("漢字漢字", 4), "漢…");
        assert_eq!(fit("漢字漢字", 4), "漢… ");
    }

    #[test]
    fn wraps_at_spaces() {
        assert_eq!(
            wrap("Tự chấm điểm theo hướng dẫn", 10),
            vec!["Tự chấm", "điểm theo", "hướng dẫn"]
        );
        assert_eq!(wrap("a\n\nb", 5), vec!["a", "", "b"]);
        assert_eq!(wrap("abcdefgh", 3), vec!["abc", "def", "gh"]);
    }
}
