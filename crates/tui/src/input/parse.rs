//! Bytes from the terminal, read one key at a time: the legacy encodings of xterm, PuTTY, the
//! Linux console, rxvt and tmux (control bytes, UTF-8, `CSI …`, `SS3 …`, the Esc prefix that
//! terminals send for Alt), xterm's modified keys, the kitty keyboard protocol's `CSI … u`, and
//! the bracketed-paste markers, and SGR mouse reports (`CSI < b ; x ; y M|m`, what the terminal
//! sends once the workbench asks for modes 1000 and 1006). Other mouse encodings, focus events
//! and terminal answers are read whole and dropped, and so is any sequence that breaks off or a
//! mouse report that does not read: none of their bytes ever becomes a typed character.
//!
//! The rule for Esc (docs/KEYS.md): `ESC ESC …` is the Esc key, then whatever the second `ESC`
//! starts; `ESC` and a printable character is Alt and that character (the app reads it as Esc
//! and the character when nothing is bound to the Alt key); `ESC` and a control byte is Esc,
//! then that key. A lone `ESC` at the end of the bytes read waits for more (`Step::Incomplete`)
//! until the caller says nothing more is coming (`last`).

use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers, MouseButton, MouseEvent,
    MouseEventKind,
};

const ESC: u8 = 0x1b;

/// The longest escape sequence held while waiting for its end; a longer one is garbage.
const MAX_SEQUENCE: usize = 64;

/// One thing read from the terminal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Token {
    /// A key. `text` is what it types when it is text — a printable character, or CR, LF or Tab
    /// as sent by a plain key press — so a burst of such keys can be read back as the text it
    /// carries.
    Key { key: KeyEvent, text: Option<char> },
    /// `CSI 200 ~`: a bracketed paste begins.
    PasteStart,
    /// An SGR mouse report: a click, a release, a drag or the wheel. Never text.
    Mouse(MouseEvent),
    /// Read and dropped (a mouse report, a focus event, a terminal's answer, an unknown or broken
    /// sequence, a byte that is not UTF-8).
    Nothing,
}

/// The result of reading at the start of a buffer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// A token and how many bytes it took.
    Read(Token, usize),
    /// The bytes are the beginning of something longer: wait for more.
    Incomplete,
}

fn key(code: KeyCode, mods: KeyModifiers) -> Token {
    Token::Key {
        key: KeyEvent::new(code, mods),
        text: None,
    }
}

fn key_with(code: KeyCode, mods: KeyModifiers, kind: KeyEventKind) -> Token {
    Token::Key {
        key: KeyEvent {
            code,
            modifiers: mods,
            kind,
            state: KeyEventState::NONE,
        },
        text: None,
    }
}

/// A typed character: its key (upper case comes with Shift, as terminals report it) and its text.
fn typed(c: char) -> Token {
    let mods = if c.is_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    Token::Key {
        key: KeyEvent::new(KeyCode::Char(c), mods),
        text: Some(c),
    }
}

/// Read one token at the start of `buf` (not empty). With `last`, no more bytes are coming:
/// an unfinished sequence is settled now (a lone `ESC` is the Esc key) instead of waiting.
pub fn next(buf: &[u8], last: bool) -> Step {
    match buf.first() {
        None => Step::Incomplete,
        Some(&ESC) => escape(buf, last),
        Some(_) => plain(buf, last),
    }
}

/// A byte that is not `ESC`: a control key, or a character (UTF-8).
fn plain(buf: &[u8], last: bool) -> Step {
    let b = buf[0];
    let ctrl = KeyModifiers::CONTROL;
    let t = match b {
        b'\r' => Token::Key {
            key: KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
            text: Some('\r'),
        },
        // In raw mode a terminal sends LF only for Ctrl-J (or inside a paste).
        b'\n' => Token::Key {
            key: KeyEvent::new(KeyCode::Char('j'), ctrl),
            text: Some('\n'),
        },
        b'\t' => Token::Key {
            key: KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE),
            text: Some('\t'),
        },
        0x7f => key(KeyCode::Backspace, KeyModifiers::NONE),
        0x00 => key(KeyCode::Char(' '), ctrl),
        0x01..=0x1a => key(KeyCode::Char((b - 1 + b'a') as char), ctrl),
        0x1c..=0x1f => key(KeyCode::Char((b - 0x1c + b'4') as char), ctrl),
        0x20..=0x7e => typed(b as char),
        _ => return utf8(buf, last),
    };
    Step::Read(t, 1)
}

/// A character of two to four bytes. A byte that cannot start one, or a sequence that breaks
/// off, is dropped; a C1 control character is dropped too.
fn utf8(buf: &[u8], last: bool) -> Step {
    let need = match buf[0] {
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return Step::Read(Token::Nothing, 1),
    };
    let have = buf.len().min(need);
    if let Some(i) = (1..have).find(|&i| !(0x80..=0xbf).contains(&buf[i])) {
        return Step::Read(Token::Nothing, i);
    }
    if buf.len() < need {
        return if last {
            Step::Read(Token::Nothing, buf.len())
        } else {
            Step::Incomplete
        };
    }
    match std::str::from_utf8(&buf[..need])
        .ok()
        .and_then(|s| s.chars().next())
    {
        Some(c) if !c.is_control() => Step::Read(typed(c), need),
        _ => Step::Read(Token::Nothing, need),
    }
}

/// Bytes starting with `ESC`.
fn escape(buf: &[u8], last: bool) -> Step {
    let Some(&second) = buf.get(1) else {
        return if last {
            Step::Read(key(KeyCode::Esc, KeyModifiers::NONE), 1)
        } else {
            Step::Incomplete
        };
    };
    match second {
        b'[' => csi(buf, last),
        b'O' => ss3(buf, last),
        // Alt and a printable character (or Esc, then that character: the app decides).
        0x20..=0x7e => Step::Read(alt(typed(second as char)), 2),
        0x80..=0xff => match utf8(&buf[1..], last) {
            Step::Read(t @ Token::Key { .. }, n) => Step::Read(alt(t), 1 + n),
            Step::Incomplete => Step::Incomplete,
            // Not a character: Esc, and the bad bytes are dropped next.
            Step::Read(_, _) => Step::Read(key(KeyCode::Esc, KeyModifiers::NONE), 1),
        },
        // `ESC ESC`, or `ESC` and a control byte: the Esc key; the next byte starts the next key.
        _ => Step::Read(key(KeyCode::Esc, KeyModifiers::NONE), 1),
    }
}

/// A character key with Alt added; it is no longer plain text.
fn alt(t: Token) -> Token {
    match t {
        Token::Key { mut key, .. } => {
            key.modifiers |= KeyModifiers::ALT;
            Token::Key { key, text: None }
        }
        other => other,
    }
}

/// Where an escape sequence's final byte is, scanning from `from`: parameter bytes
/// (0x30–0x3F) and intermediate bytes (0x20–0x2F) lead to a final byte (0x40–0x7E).
enum Scan {
    Final(usize),
    /// A byte that cannot be part of the sequence, at this index.
    Broken(usize),
    Unfinished,
}

fn scan(buf: &[u8], from: usize) -> Scan {
    for (i, &b) in buf.iter().enumerate().skip(from) {
        match b {
            0x20..=0x3f => {}
            0x40..=0x7e => return Scan::Final(i),
            _ => return Scan::Broken(i),
        }
    }
    Scan::Unfinished
}

/// What to do with a sequence that has not ended: wait, unless it is too long or nothing more
/// is coming (then it is dropped).
fn unfinished(buf: &[u8], last: bool) -> Step {
    if last || buf.len() > MAX_SEQUENCE {
        Step::Read(Token::Nothing, buf.len())
    } else {
        Step::Incomplete
    }
}

/// `ESC [ …`.
fn csi(buf: &[u8], last: bool) -> Step {
    if buf.len() == 2 {
        return if last {
            // Nothing follows: it was Alt-[ (or Esc, then '[').
            Step::Read(alt(typed('[')), 2)
        } else {
            Step::Incomplete
        };
    }
    match buf[2] {
        // The Linux console's F1–F5: `ESC [ [ A` … `ESC [ [ E`.
        b'[' => match buf.get(3) {
            None => unfinished(buf, last),
            Some(&b @ b'A'..=b'E') => {
                Step::Read(key(KeyCode::F(1 + b - b'A'), KeyModifiers::NONE), 4)
            }
            Some(_) => Step::Read(Token::Nothing, 3),
        },
        // An X10 mouse report: `ESC [ M` and three bytes of any value.
        b'M' => {
            if buf.len() >= 6 {
                Step::Read(Token::Nothing, 6)
            } else {
                unfinished(buf, last)
            }
        }
        // An SGR mouse report: `ESC [ < b ; x ; y M` (press, wheel, drag) or `… m` (release).
        b'<' => match scan(buf, 3) {
            Scan::Final(i) => Step::Read(sgr_mouse(&buf[3..i], buf[i]), i + 1),
            Scan::Broken(i) => Step::Read(Token::Nothing, i),
            Scan::Unfinished => unfinished(buf, last),
        },
        _ => match scan(buf, 2) {
            Scan::Final(i) => Step::Read(csi_token(&buf[2..i], buf[i]), i + 1),
            // The sequence broke off: drop what came of it; the byte that broke it is read next.
            Scan::Broken(i) => Step::Read(Token::Nothing, i),
            Scan::Unfinished => unfinished(buf, last),
        },
    }
}

/// An SGR mouse report's parameters `b;x;y` and final byte (`M` pressed, `m` released): the
/// button code `b` (0 left, 1 middle, 2 right, +4 Shift, +8 Alt, +16 Ctrl, +32 motion, 64/65
/// wheel up/down) and the 1-based column and row. Anything else is dropped.
fn sgr_mouse(params: &[u8], fin: u8) -> Token {
    let Some(fields) = numbers(params) else {
        return Token::Nothing;
    };
    let num = |i: usize| -> Option<u32> {
        match fields.get(i).map(Vec::as_slice) {
            Some([Some(n)]) => Some(*n),
            _ => None,
        }
    };
    let (Some(b), Some(x), Some(y)) = (num(0), num(1), num(2)) else {
        return Token::Nothing;
    };
    if fields.len() != 3 || x == 0 || y == 0 || x > u32::from(u16::MAX) || y > u32::from(u16::MAX) {
        return Token::Nothing;
    }
    let mut modifiers = KeyModifiers::NONE;
    for (bit, m) in [
        (4, KeyModifiers::SHIFT),
        (8, KeyModifiers::ALT),
        (16, KeyModifiers::CONTROL),
    ] {
        if b & bit != 0 {
            modifiers |= m;
        }
    }
    let button = match b & 3 {
        0 => MouseButton::Left,
        1 => MouseButton::Middle,
        2 => MouseButton::Right,
        _ => MouseButton::Left,
    };
    let kind = match (fin, b & 64 != 0, b & 32 != 0) {
        (b'M', true, _) => match b & 3 {
            0 => MouseEventKind::ScrollUp,
            1 => MouseEventKind::ScrollDown,
            2 => MouseEventKind::ScrollLeft,
            _ => MouseEventKind::ScrollRight,
        },
        (b'M', false, true) if b & 3 == 3 => MouseEventKind::Moved,
        (b'M', false, true) => MouseEventKind::Drag(button),
        (b'M', false, false) if b & 3 == 3 => return Token::Nothing,
        (b'M', false, false) => MouseEventKind::Down(button),
        (b'm', false, _) => MouseEventKind::Up(button),
        _ => return Token::Nothing,
    };
    Token::Mouse(MouseEvent {
        kind,
        column: (x - 1) as u16,
        row: (y - 1) as u16,
        modifiers,
    })
}

/// The numbers of a sequence's parameters: `1;5` → [[1], [5]]; `97:65;2` → [[97, 65], [2]].
/// An empty number is `None`. `None` overall when the parameters are not numbers (a private
/// marker such as `<` or `?`: mouse reports and terminal answers).
fn numbers(params: &[u8]) -> Option<Vec<Vec<Option<u32>>>> {
    if params.is_empty() {
        return Some(Vec::new());
    }
    let text = std::str::from_utf8(params).ok()?;
    text.split(';')
        .map(|field| {
            field
                .split(':')
                .map(|n| {
                    if n.is_empty() {
                        Some(None)
                    } else if n.bytes().all(|b| b.is_ascii_digit()) && n.len() <= 9 {
                        n.parse().ok().map(Some)
                    } else {
                        None
                    }
                })
                .collect::<Option<Vec<_>>>()
        })
        .collect()
}

/// The modifiers and the kind of press in a parameter such as `5` or `5:3` (xterm and kitty:
/// 1 + a bit mask of Shift 1, Alt 2, Ctrl 4, Super 8, Hyper 16, Meta 32; kitty adds the event
/// type: 1 press, 2 repeat, 3 release).
fn modifiers(field: Option<&Vec<Option<u32>>>) -> (KeyModifiers, KeyEventKind) {
    let Some(field) = field else {
        return (KeyModifiers::NONE, KeyEventKind::Press);
    };
    let mask = field
        .first()
        .copied()
        .flatten()
        .unwrap_or(1)
        .saturating_sub(1);
    let mut m = KeyModifiers::NONE;
    for (bit, flag) in [
        (1, KeyModifiers::SHIFT),
        (2, KeyModifiers::ALT),
        (4, KeyModifiers::CONTROL),
        (8, KeyModifiers::SUPER),
        (16, KeyModifiers::HYPER),
        (32, KeyModifiers::META),
    ] {
        if mask & bit != 0 {
            m |= flag;
        }
    }
    let kind = match field.get(1).copied().flatten() {
        Some(2) => KeyEventKind::Repeat,
        Some(3) => KeyEventKind::Release,
        _ => KeyEventKind::Press,
    };
    (m, kind)
}

/// A complete `CSI params final`.
fn csi_token(params: &[u8], fin: u8) -> Token {
    let Some(fields) = numbers(params) else {
        return Token::Nothing;
    };
    let first = fields.first().and_then(|f| f.first().copied().flatten());
    let (mods, kind) = modifiers(fields.get(1));
    let code = match fin {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
        b'P' => KeyCode::F(1),
        b'Q' => KeyCode::F(2),
        // `CSI row ; col R` answers a cursor query (never asked); `CSI 1 ; m R` is F3.
        b'R' if first.is_none_or(|n| n == 1) => KeyCode::F(3),
        b'S' => KeyCode::F(4),
        b'Z' => return key_with(KeyCode::BackTab, mods | KeyModifiers::SHIFT, kind),
        b'~' => match first {
            Some(200) => return Token::PasteStart,
            // xterm's modifyOtherKeys: `CSI 27 ; m ; code ~`.
            Some(27) => {
                let code = fields
                    .get(2)
                    .and_then(|f| f.first().copied().flatten())
                    .and_then(code_point);
                return match code {
                    Some(code) => key_with(code, mods, kind),
                    None => Token::Nothing,
                };
            }
            Some(n) => match tilde_key(n) {
                Some(code) => code,
                None => return Token::Nothing,
            },
            None => return Token::Nothing,
        },
        // The kitty keyboard protocol: `CSI code[:alternates] ; mods[:event] [; text] u`.
        b'u' => {
            return match first.and_then(code_point) {
                Some(code) => key_with(code, mods, kind),
                None => Token::Nothing,
            };
        }
        _ => return Token::Nothing,
    };
    key_with(code, mods, kind)
}

/// The keys of `CSI n ~`.
fn tilde_key(n: u32) -> Option<KeyCode> {
    Some(match n {
        1 | 7 => KeyCode::Home,
        2 => KeyCode::Insert,
        3 => KeyCode::Delete,
        4 | 8 => KeyCode::End,
        5 => KeyCode::PageUp,
        6 => KeyCode::PageDown,
        11..=15 => KeyCode::F((n - 10) as u8),
        17..=21 => KeyCode::F((n - 11) as u8),
        23..=26 => KeyCode::F((n - 12) as u8),
        28 | 29 => KeyCode::F((n - 13) as u8),
        31..=34 => KeyCode::F((n - 14) as u8),
        _ => return None,
    })
}

/// A key by its Unicode code point (kitty, modifyOtherKeys), with kitty's private-use codes
/// for the keypad and F13–F35; the other private-use keys (locks, media, modifiers) are none.
fn code_point(n: u32) -> Option<KeyCode> {
    Some(match n {
        9 => KeyCode::Tab,
        13 => KeyCode::Enter,
        27 => KeyCode::Esc,
        8 | 127 => KeyCode::Backspace,
        57376..=57398 => KeyCode::F((n - 57376 + 13) as u8),
        57399..=57408 => KeyCode::Char(char::from(b'0' + (n - 57399) as u8)),
        57409 => KeyCode::Char('.'),
        57410 => KeyCode::Char('/'),
        57411 => KeyCode::Char('*'),
        57412 => KeyCode::Char('-'),
        57413 => KeyCode::Char('+'),
        57414 => KeyCode::Enter,
        57415 => KeyCode::Char('='),
        57417 => KeyCode::Left,
        57418 => KeyCode::Right,
        57419 => KeyCode::Up,
        57420 => KeyCode::Down,
        57421 => KeyCode::PageUp,
        57422 => KeyCode::PageDown,
        57423 => KeyCode::Home,
        57424 => KeyCode::End,
        57425 => KeyCode::Insert,
        57426 => KeyCode::Delete,
        57344..=63743 => return None,
        _ => match char::from_u32(n) {
            Some(c) if !c.is_control() => KeyCode::Char(c),
            _ => return None,
        },
    })
}

/// `ESC O …`: the keys xterm sends in application mode, and F1–F4.
fn ss3(buf: &[u8], last: bool) -> Step {
    let Some(&third) = buf.get(2) else {
        return if last {
            Step::Read(alt(typed('O')), 2)
        } else {
            Step::Incomplete
        };
    };
    if !(0x30..=0x7e).contains(&third) {
        // Not a sequence: Alt-O (or Esc, then 'O'); the byte after is read next.
        return Step::Read(alt(typed('O')), 2);
    }
    let end = match scan(buf, 2) {
        Scan::Final(i) => i,
        Scan::Broken(i) => return Step::Read(Token::Nothing, i),
        Scan::Unfinished => return unfinished(buf, last),
    };
    let Some(fields) = numbers(&buf[2..end]) else {
        return Step::Read(Token::Nothing, end + 1);
    };
    // A modifier, when there is one, is the last number (`ESC O 5 P`, `ESC O 1 ; 5 P`).
    let (mods, kind) = modifiers(fields.last());
    let code = match buf[end] {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
        b @ b'P'..=b'S' => KeyCode::F(1 + b - b'P'),
        b'M' => KeyCode::Enter,
        b'X' => KeyCode::Char('='),
        b'j' => KeyCode::Char('*'),
        b'k' => KeyCode::Char('+'),
        b'l' => KeyCode::Char(','),
        b'm' => KeyCode::Char('-'),
        b'n' => KeyCode::Char('.'),
        b'o' => KeyCode::Char('/'),
        b @ b'p'..=b'y' => KeyCode::Char(char::from(b'0' + (b - b'p'))),
        _ => return Step::Read(Token::Nothing, end + 1),
    };
    Step::Read(key_with(code, mods, kind), end + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every token of `bytes`, with nothing more coming at the end.
    fn all(bytes: &[u8]) -> Vec<Token> {
        let mut out = Vec::new();
        let mut at = 0;
        while at < bytes.len() {
            match next(&bytes[at..], true) {
                Step::Read(t, n) => {
                    assert!(n > 0, "no progress at {at} in {bytes:?}");
                    out.push(t);
                    at += n;
                }
                Step::Incomplete => panic!("incomplete with last=true: {bytes:?}"),
            }
        }
        out
    }

    /// The keys among the tokens, as (code, modifiers).
    fn keys(bytes: &[u8]) -> Vec<(KeyCode, KeyModifiers)> {
        all(bytes)
            .into_iter()
            .filter_map(|t| match t {
                Token::Key { key, .. } => Some((key.code, key.modifiers)),
                _ => None,
            })
            .collect()
    }

    const NONE: KeyModifiers = KeyModifiers::NONE;

    #[test]
    fn esc_then_another_key_is_two_keys() {
        let esc = (KeyCode::Esc, NONE);
        assert_eq!(keys(b"\x1b\x1b[B"), vec![esc, (KeyCode::Down, NONE)]);
        assert_eq!(keys(b"\x1b\x1b[24~"), vec![esc, (KeyCode::F(12), NONE)]);
        assert_eq!(keys(b"\x1b\x1b[20~"), vec![esc, (KeyCode::F(9), NONE)]);
        assert_eq!(keys(b"\x1b\x1bOP"), vec![esc, (KeyCode::F(1), NONE)]);
        assert_eq!(keys(b"\x1b\x1b"), vec![esc, esc]);
        assert_eq!(keys(b"\x1b\x1b\x1b"), vec![esc, esc, esc]);
        assert_eq!(keys(b"\x1b\r"), vec![esc, (KeyCode::Enter, NONE)]);
        assert_eq!(keys(b"\x1b\x7f"), vec![esc, (KeyCode::Backspace, NONE)]);
        // Esc and a character: Alt and the character (the app reads an unbound one as Esc, key).
        assert_eq!(
            keys(b"\x1bq"),
            vec![(KeyCode::Char('q'), KeyModifiers::ALT)]
        );
        assert_eq!(
            keys("\x1bơ".as_bytes()),
            vec![(KeyCode::Char('ơ'), KeyModifiers::ALT)]
        );
    }

    #[test]
    fn a_lone_esc_waits_for_what_may_follow() {
        assert_eq!(next(b"\x1b", false), Step::Incomplete);
        assert_eq!(next(b"\x1b[", false), Step::Incomplete);
        assert_eq!(next(b"\x1b[2", false), Step::Incomplete);
        assert_eq!(next(b"\x1bO", false), Step::Incomplete);
        assert_eq!(next("ơ".as_bytes().split_at(1).0, false), Step::Incomplete);
        // Nothing more came: settled.
        assert_eq!(keys(b"\x1b"), vec![(KeyCode::Esc, NONE)]);
        assert_eq!(
            keys(b"\x1b["),
            vec![(KeyCode::Char('['), KeyModifiers::ALT)]
        );
        assert_eq!(keys(b"\x1b[2"), vec![]);
    }

    #[test]
    fn the_usual_encodings() {
        let ctrl = KeyModifiers::CONTROL;
        let cases: &[(&[u8], KeyCode, KeyModifiers)] = &[
            (b"\x1b[A", KeyCode::Up, NONE),
            (b"\x1bOB", KeyCode::Down, NONE),
            (b"\x1b[1;5C", KeyCode::Right, ctrl),
            (b"\x1b[1;3D", KeyCode::Left, KeyModifiers::ALT),
            (b"\x1b[H", KeyCode::Home, NONE),
            (b"\x1b[4~", KeyCode::End, NONE),
            (b"\x1b[7~", KeyCode::Home, NONE),
            (b"\x1b[5~", KeyCode::PageUp, NONE),
            (b"\x1b[6~", KeyCode::PageDown, NONE),
            (b"\x1b[3~", KeyCode::Delete, NONE),
            (b"\x1b[2~", KeyCode::Insert, NONE),
            (b"\x1bOP", KeyCode::F(1), NONE),
            (b"\x1b[11~", KeyCode::F(1), NONE),
            (b"\x1b[[A", KeyCode::F(1), NONE),
            (b"\x1bOQ", KeyCode::F(2), NONE),
            (b"\x1b[13~", KeyCode::F(3), NONE),
            (b"\x1b[15~", KeyCode::F(5), NONE),
            (b"\x1b[19;2~", KeyCode::F(8), KeyModifiers::SHIFT),
            (b"\x1b[1;2Q", KeyCode::F(2), KeyModifiers::SHIFT),
            (b"\x1b[21~", KeyCode::F(10), NONE),
            (b"\x1b[24~", KeyCode::F(12), NONE),
            (b"\x1b[34~", KeyCode::F(20), NONE),
            (b"\x1b[Z", KeyCode::BackTab, KeyModifiers::SHIFT),
            (b"\x1b[27u", KeyCode::Esc, NONE),
            (b"\x1b[115;5u", KeyCode::Char('s'), ctrl),
            (b"\x1b[27;5;115~", KeyCode::Char('s'), ctrl),
            (b"\x1b[57419u", KeyCode::Up, NONE),
            (b"\r", KeyCode::Enter, NONE),
            (b"\t", KeyCode::Tab, NONE),
            (b"\x7f", KeyCode::Backspace, NONE),
            (b"\x10", KeyCode::Char('p'), ctrl),
            (b"\x1f", KeyCode::Char('7'), ctrl),
            (b"\x00", KeyCode::Char(' '), ctrl),
            (b"G", KeyCode::Char('G'), KeyModifiers::SHIFT),
        ];
        for (bytes, code, mods) in cases {
            assert_eq!(keys(bytes), vec![(*code, *mods)], "{bytes:?}");
        }
        assert_eq!(
            keys("Quảng".as_bytes())
                .into_iter()
                .map(|(c, _)| c)
                .collect::<Vec<_>>(),
            "Quảng".chars().map(KeyCode::Char).collect::<Vec<_>>()
        );
    }

    #[test]
    fn reports_and_broken_sequences_type_nothing() {
        for bytes in [
            &b"\x1b[<0;10;5M"[..],
            b"\x1b[M !!",
            b"\x1b[I",
            b"\x1b[O",
            b"\x1b[?1u",
            b"\x1b[?62;22c",
            b"\x1b[12;40R",
            b"\x1b[99~",
            b"\x1b[201~",
            b"\x80",
            b"\xff",
            "\u{85}".as_bytes(),
        ] {
            assert_eq!(keys(bytes), vec![], "{bytes:?}");
        }
        // A sequence broken by another: the broken one is dropped, the next one read.
        assert_eq!(keys(b"\x1b[2\x1b[B"), vec![(KeyCode::Down, NONE)]);
        // Too long to be a key.
        let long = [b"\x1b[".as_slice(), &[b'1'; 100]].concat();
        assert_eq!(keys(&long), vec![]);
        assert!(matches!(
            next(&long, false),
            Step::Read(Token::Nothing, n) if n == long.len()
        ));
        assert_eq!(next(b"\x1b[200~", false), Step::Read(Token::PasteStart, 6));
    }

    #[test]
    fn text_keys_carry_their_text() {
        let texts: Vec<Option<char>> = all(b"a \r\n\t\x1b[A\x7f")
            .into_iter()
            .map(|t| match t {
                Token::Key { text, .. } => text,
                _ => None,
            })
            .collect();
        assert_eq!(
            texts,
            vec![
                Some('a'),
                Some(' '),
                Some('\r'),
                Some('\n'),
                Some('\t'),
                None,
                None
            ]
        );
    }

    #[test]
    fn sgr_mouse_reports_are_read_and_malformed_ones_dropped() {
        use ratatui::crossterm::event::{MouseButton, MouseEventKind};
        let mouse = |b: &[u8]| match next(b, true) {
            Step::Read(Token::Mouse(m), n) if n == b.len() => Some((m.kind, m.column, m.row)),
            _ => None,
        };
        let left = MouseButton::Left;
        assert_eq!(
            mouse(b"\x1b[<0;10;5M"),
            Some((MouseEventKind::Down(left), 9, 4))
        );
        assert_eq!(
            mouse(b"\x1b[<0;10;5m"),
            Some((MouseEventKind::Up(left), 9, 4))
        );
        assert_eq!(
            mouse(b"\x1b[<64;1;1M"),
            Some((MouseEventKind::ScrollUp, 0, 0))
        );
        assert_eq!(
            mouse(b"\x1b[<65;1;1M"),
            Some((MouseEventKind::ScrollDown, 0, 0))
        );
        assert_eq!(
            mouse(b"\x1b[<32;2;2M"),
            Some((MouseEventKind::Drag(left), 1, 1))
        );
        assert_eq!(
            mouse(b"\x1b[<2;300;200M"),
            Some((MouseEventKind::Down(MouseButton::Right), 299, 199))
        );
        for bad in [
            &b"\x1b[<0;10M"[..],
            b"\x1b[<0;0;5M",
            b"\x1b[<0;1;1;1M",
            b"\x1b[<;1;1M",
            b"\x1b[<0;1;99999999M",
            b"\x1b[<0:1;1;1M",
            b"\x1b[<3;1;1M",
            b"\x1b[<0;1;1X",
        ] {
            assert!(
                matches!(next(bad, true), Step::Read(Token::Nothing, n) if n == bad.len()),
                "{bad:?}"
            );
        }
        // Unfinished: wait for the rest, then drop it if nothing more comes.
        assert_eq!(next(b"\x1b[<0;10", false), Step::Incomplete);
        assert!(matches!(
            next(b"\x1b[<0;10", true),
            Step::Read(Token::Nothing, 7)
        ));
    }
}
