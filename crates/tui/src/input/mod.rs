//! Terminal input: the bytes a terminal sends, read into keys and pastes by one rule, so that
//! typed or pasted text never becomes a command by accident (SPEC W14; the rule for people is in
//! docs/KEYS.md).
//!
//! - **Chunks.** Bytes are read as they come; while what was read so far ends in text (or in an
//!   unfinished sequence), bytes arriving within [`GATHER`] belong to the same chunk — one write
//!   of the terminal that was split on the way.
//! - **Bursts.** The keys of one chunk that are all text (printable characters, Enter, Ctrl-J,
//!   Tab), at least two, not all the same key and with at least one visible character, are a
//!   paste: they arrive as one [`Event::Paste`] with their text, exactly like a bracketed paste.
//!   A chunk of text arriving within [`PASTE_GAP`] of such a paste that ended a line continues
//!   it, even a lone Enter (a paste sent line by line). A person cannot type two different keys within a couple of milliseconds; a held key
//!   repeats the same key, and a key with an escape sequence (an arrow, a function key) is never
//!   text, so navigation is never mistaken for a paste.
//! - **Esc.** `ESC` is the start of a sequence or the Esc key. Followed by another `ESC` or a
//!   control byte it is the Esc key (`ESC ESC [ B` is Esc, then Down, however the bytes were
//!   grouped); followed by a printable character it is Alt and that character (the app reads an
//!   Alt key that nothing is bound to as Esc, then the key); alone at the end of what was read it
//!   waits [`ESC_WAIT`] for the rest of a sequence split on the way, then is the Esc key.
//! - **Mouse.** An SGR mouse report is a mouse event, never text: it ends the run of keys
//!   before it (which is judged on its own) and does not continue a paste.
//! - **Garbage.** A sequence that breaks off, is too long, or is not a key (other mouse
//!   encodings, a malformed mouse report, focus, answers) is dropped whole: its bytes never become
//!   typed characters.
//!
//! [`Decoder`] is the rule, without a clock or a terminal (tested below); [`reader`] is the thread
//! that reads the terminal and times the chunks.

pub mod parse;
pub mod reader;

use std::time::{Duration, Instant};

use ratatui::crossterm::event::{Event, KeyEvent, MouseEvent};

use parse::{Step, Token};

/// Bytes arriving this soon after text belong to the same chunk (one write split on the way).
pub const GATHER: Duration = Duration::from_millis(2);

/// How long a lone `ESC` waits for the rest of a sequence before it is the Esc key.
pub const ESC_WAIT: Duration = Duration::from_millis(50);

/// Text arriving this soon after a paste that ended a line continues it (a terminal or an SSH
/// client that sends a paste line by line).
pub const PASTE_GAP: Duration = Duration::from_millis(100);

/// The most of one paste kept (more than any field takes; the rest is dropped).
pub const MAX_PASTE: usize = 256 * 1024;

const PASTE_END: &[u8] = b"\x1b[201~";

/// What a chunk holds, in order.
#[derive(Debug)]
enum Piece {
    Key(KeyEvent, Option<char>),
    /// A bracketed paste.
    Paste(String),
    /// A mouse report (not text).
    Mouse(MouseEvent),
}

/// Bytes in, keys and pastes out (see the module's rule).
#[derive(Debug, Default)]
pub struct Decoder {
    /// Bytes not read yet: the beginning of a sequence or of a character.
    bytes: Vec<u8>,
    /// Inside a bracketed paste: its bytes so far.
    paste: Option<Vec<u8>>,
    /// The chunk being read.
    chunk: Vec<Piece>,
    /// Text arriving until then continues the last paste.
    paste_until: Option<Instant>,
}

impl Decoder {
    pub fn new() -> Decoder {
        Decoder::default()
    }

    /// Bytes just read, part of the current chunk.
    pub fn feed(&mut self, bytes: &[u8]) {
        self.bytes.extend_from_slice(bytes);
        self.decode(false);
    }

    /// The chunk so far ends in text or in an unfinished sequence: the rest of the same write may
    /// still be on its way (wait [`GATHER`] for it).
    pub fn may_go_on(&self) -> bool {
        self.paste.is_none()
            && (!self.bytes.is_empty() || matches!(self.chunk.last(), Some(Piece::Key(_, Some(_)))))
    }

    /// The chunk is complete (read at `at`): its keys, or its text as a paste.
    pub fn end_chunk(&mut self, at: Instant) -> Vec<Event> {
        let mut out = Vec::new();
        let mut run = Vec::new();
        for piece in std::mem::take(&mut self.chunk) {
            match piece {
                Piece::Key(k, t) => run.push((k, t)),
                Piece::Paste(s) => {
                    self.close_run(&mut run, at, &mut out);
                    self.paste_until = None;
                    out.push(Event::Paste(s));
                }
                Piece::Mouse(m) => {
                    self.close_run(&mut run, at, &mut out);
                    self.paste_until = None;
                    out.push(Event::Mouse(m));
                }
            }
        }
        self.close_run(&mut run, at, &mut out);
        out
    }

    /// An unfinished sequence waits for more bytes: if none come within [`ESC_WAIT`], call
    /// [`Decoder::settle`].
    pub fn waiting(&self) -> bool {
        self.paste.is_none() && !self.bytes.is_empty()
    }

    /// Nothing more came: the unfinished sequence is settled (a lone `ESC` is the Esc key).
    pub fn settle(&mut self, at: Instant) -> Vec<Event> {
        self.decode(true);
        self.end_chunk(at)
    }

    fn decode(&mut self, last: bool) {
        let mut at = 0;
        loop {
            if let Some(p) = self.paste.as_mut() {
                let rest = &self.bytes[at..];
                match find(rest, PASTE_END) {
                    Some(i) => {
                        keep_some(p, &rest[..i]);
                        at += i + PASTE_END.len();
                        let text = String::from_utf8_lossy(p).into_owned();
                        self.paste = None;
                        self.chunk.push(Piece::Paste(text));
                        continue;
                    }
                    None => {
                        // Keep what may be the beginning of the end marker.
                        let hold = (1..PASTE_END.len())
                            .rev()
                            .find(|&n| rest.ends_with(&PASTE_END[..n]))
                            .unwrap_or(0);
                        keep_some(p, &rest[..rest.len() - hold]);
                        at = self.bytes.len() - hold;
                        break;
                    }
                }
            }
            if at >= self.bytes.len() {
                break;
            }
            match parse::next(&self.bytes[at..], last) {
                Step::Incomplete => break,
                Step::Read(token, n) => {
                    at += n.max(1);
                    match token {
                        Token::Key { key, text } => self.chunk.push(Piece::Key(key, text)),
                        Token::PasteStart => self.paste = Some(Vec::new()),
                        Token::Mouse(m) => self.chunk.push(Piece::Mouse(m)),
                        Token::Nothing => {}
                    }
                }
            }
        }
        self.bytes.drain(..at.min(self.bytes.len()));
    }

    /// A run of keys between pastes: a burst of text is a paste, anything else is keys.
    fn close_run(
        &mut self,
        run: &mut Vec<(KeyEvent, Option<char>)>,
        at: Instant,
        out: &mut Vec<Event>,
    ) {
        if run.is_empty() {
            return;
        }
        let text: Option<String> = run.iter().map(|(_, t)| *t).collect();
        let continues = self.paste_until.is_some_and(|until| at <= until);
        match text {
            Some(text) if continues || is_burst(run) => {
                // Only a paste that ended a line goes on: terminals that send a paste line by
                // line send the next line after it. After text without a line break, Enter is the
                // person's (a name typed quickly over a slow link, then Enter).
                self.paste_until = text.ends_with(['\r', '\n']).then(|| at + PASTE_GAP);
                out.push(Event::Paste(text));
            }
            _ => {
                out.extend(run.iter().map(|(k, _)| Event::Key(*k)));
                self.paste_until = None;
            }
        }
        run.clear();
    }
}

/// Text keys (checked by the caller) that no person types within one chunk: at least two, not
/// all the same key (a held key repeats), at least one of them a visible character.
fn is_burst(run: &[(KeyEvent, Option<char>)]) -> bool {
    run.len() >= 2
        && run
            .iter()
            .any(|(_, t)| t.is_some_and(|c| !c.is_whitespace()))
        && run.iter().any(|(k, _)| *k != run[0].0)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Add to a paste, up to [`MAX_PASTE`].
fn keep_some(paste: &mut Vec<u8>, bytes: &[u8]) {
    let room = MAX_PASTE.saturating_sub(paste.len());
    paste.extend_from_slice(&bytes[..bytes.len().min(room)]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};

    /// What one chunk read at `at` gives.
    fn chunk(d: &mut Decoder, bytes: &[u8], at: Instant) -> Vec<Event> {
        d.feed(bytes);
        d.end_chunk(at)
    }

    fn once(bytes: &[u8]) -> Vec<Event> {
        let mut d = Decoder::new();
        let mut out = chunk(&mut d, bytes, Instant::now());
        if d.waiting() {
            out.extend(d.settle(Instant::now()));
        }
        out
    }

    fn k(code: KeyCode) -> Event {
        Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn paste(s: &str) -> Event {
        Event::Paste(s.to_string())
    }

    #[test]
    fn a_paste_without_brackets_is_a_paste() {
        let text = "Bổ sung quyết định của cơ quan\rkèm biên bản họp\rvà danh sách quy trình";
        assert_eq!(once(text.as_bytes()), vec![paste(text)]);
        // LF and Tab are text too.
        assert_eq!(once(b"a\tb\nc"), vec![paste("a\tb\nc")]);
        // Two different characters at once are already a burst (no field: nothing runs).
        assert_eq!(once(b"qa"), vec![paste("qa")]);
    }

    #[test]
    fn what_a_person_types_stays_keys() {
        // One key per chunk.
        assert_eq!(once(b"q"), vec![k(KeyCode::Char('q'))]);
        assert_eq!(once(b"\r"), vec![k(KeyCode::Enter)]);
        // A held key repeats the same key.
        assert_eq!(once(b"jjjj"), vec![k(KeyCode::Char('j')); 4]);
        assert_eq!(once(b"\r\r"), vec![k(KeyCode::Enter); 2]);
        // Enter then Ctrl-J (a terminal sending CR LF): no visible character.
        assert_eq!(
            once(b"\r\n"),
            vec![
                k(KeyCode::Enter),
                Event::Key(KeyEvent::new(KeyCode::Char('j'), KeyModifiers::CONTROL))
            ]
        );
        // Navigation is never text.
        assert_eq!(
            once(b"\x1b[B\x1b[B\x1b[A"),
            vec![k(KeyCode::Down), k(KeyCode::Down), k(KeyCode::Up)]
        );
        // Text mixed with a key that is not text: keys (a person's keys, queued while busy).
        assert_eq!(
            once(b"ab\x7f"),
            vec![
                k(KeyCode::Char('a')),
                k(KeyCode::Char('b')),
                k(KeyCode::Backspace)
            ]
        );
    }

    #[test]
    fn esc_then_a_key_in_one_read_is_esc_then_that_key() {
        assert_eq!(once(b"\x1b\x1b[B"), vec![k(KeyCode::Esc), k(KeyCode::Down)]);
        assert_eq!(
            once(b"\x1b\x1b[24~"),
            vec![k(KeyCode::Esc), k(KeyCode::F(12))]
        );
        assert_eq!(
            once(b"\x1b\x1b[20~"),
            vec![k(KeyCode::Esc), k(KeyCode::F(9))]
        );
        assert_eq!(once(b"\x1b\x1bOP"), vec![k(KeyCode::Esc), k(KeyCode::F(1))]);
        assert_eq!(once(b"\x1b\x1b"), vec![k(KeyCode::Esc), k(KeyCode::Esc)]);
        assert_eq!(
            once(b"\x1bq"),
            vec![Event::Key(KeyEvent::new(
                KeyCode::Char('q'),
                KeyModifiers::ALT
            ))]
        );
    }

    #[test]
    fn a_sequence_split_on_the_way_is_joined() {
        let t0 = Instant::now();
        let mut d = Decoder::new();
        // The Esc key alone waits…
        assert_eq!(chunk(&mut d, b"\x1b", t0), vec![]);
        assert!(d.waiting());
        // …for the rest of Down, which came within the wait.
        assert_eq!(chunk(&mut d, b"[B", t0), vec![k(KeyCode::Down)]);
        assert!(!d.waiting());
        // Esc, then nothing: Esc.
        assert_eq!(chunk(&mut d, b"\x1b", t0), vec![]);
        assert_eq!(d.settle(t0), vec![k(KeyCode::Esc)]);
        // Esc and F12 in three pieces.
        let mut out = chunk(&mut d, b"\x1b\x1b", t0);
        out.extend(chunk(&mut d, b"[2", t0));
        out.extend(chunk(&mut d, b"4~", t0));
        assert_eq!(out, vec![k(KeyCode::Esc), k(KeyCode::F(12))]);
        // A character split in the middle of its bytes.
        let bytes = "ơ".as_bytes();
        assert_eq!(chunk(&mut d, &bytes[..1], t0), vec![]);
        assert!(d.may_go_on());
        assert_eq!(chunk(&mut d, &bytes[1..], t0), vec![k(KeyCode::Char('ơ'))]);
    }

    #[test]
    fn a_paste_sent_line_by_line_stays_one_paste() {
        let t0 = Instant::now();
        let mut d = Decoder::new();
        assert_eq!(chunk(&mut d, b"dong mot\r", t0), vec![paste("dong mot\r")]);
        // A lone Enter soon after is still the paste's, not "save".
        let t1 = t0 + Duration::from_millis(30);
        assert_eq!(chunk(&mut d, b"\r", t1), vec![paste("\r")]);
        let t2 = t1 + Duration::from_millis(30);
        assert_eq!(chunk(&mut d, b"q", t2), vec![paste("q")]);
        // Long after, a key is a key again.
        let t3 = t2 + PASTE_GAP + Duration::from_millis(1);
        assert_eq!(chunk(&mut d, b"\r", t3), vec![k(KeyCode::Enter)]);
        // Enter soon after text that did not end a line is the person's: "quang binh", Enter.
        assert_eq!(chunk(&mut d, b"quang binh", t3), vec![paste("quang binh")]);
        let t4 = t3 + Duration::from_millis(30);
        assert_eq!(chunk(&mut d, b"\r", t4), vec![k(KeyCode::Enter)]);
    }

    #[test]
    fn bracketed_pastes_across_reads() {
        let t0 = Instant::now();
        let mut d = Decoder::new();
        let mut out = chunk(&mut d, b"x\x1b[200~dong 1\r\x1b[B", t0);
        out.extend(chunk(&mut d, b"dong 2\x1b[20", t0));
        assert!(!d.may_go_on() && !d.waiting());
        out.extend(chunk(&mut d, b"1~\x1b[A", t0));
        assert_eq!(
            out,
            vec![
                k(KeyCode::Char('x')),
                paste("dong 1\r\x1b[Bdong 2"),
                k(KeyCode::Up)
            ]
        );
        // A paste larger than MAX_PASTE is cut, and what follows its end is read.
        let mut big = b"\x1b[200~".to_vec();
        big.extend(std::iter::repeat_n(b'a', MAX_PASTE + 10));
        big.extend(b"\x1b[201~\x1b[B");
        let out = once(&big);
        assert!(matches!(&out[0], Event::Paste(s) if s.len() == MAX_PASTE));
        assert_eq!(out[1], k(KeyCode::Down));
    }

    #[test]
    fn keys_are_the_same_however_the_bytes_are_split() {
        // Esc+Down, F12, F1 (SS3), Esc+F9, Ctrl-→, Esc+Esc, Alt-b, and a Vietnamese letter.
        let stream = "\x1b\x1b[B\x1b[24~\x1bOP\x1b\x1b[20~\x1b[1;5C\x1b\x1b\x1bbơ".as_bytes();
        let whole = once(stream);
        assert_eq!(whole.len(), 11, "{whole:?}");
        let t0 = Instant::now();
        // Every split into three pieces, each read on its own (sooner than ESC_WAIT apart).
        for i in 0..=stream.len() {
            for j in i..=stream.len() {
                let mut d = Decoder::new();
                let mut out = Vec::new();
                for piece in [&stream[..i], &stream[i..j], &stream[j..]] {
                    d.feed(piece);
                    out.extend(d.end_chunk(t0));
                }
                out.extend(d.settle(t0));
                assert_eq!(out, whole, "split at {i} and {j}");
            }
        }
    }

    proptest::proptest! {
        /// Any bytes, read in any pieces: no panic, and nothing is held back once settled
        /// outside a bracketed paste.
        #[test]
        fn any_bytes_in_any_pieces(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200),
            cuts in proptest::collection::vec(0usize..200, 0..6),
        ) {
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(bytes.len())).collect();
            cuts.push(bytes.len());
            cuts.sort_unstable();
            let t0 = Instant::now();
            let mut d = Decoder::new();
            let mut from = 0;
            for c in cuts {
                d.feed(&bytes[from..c]);
                let _ = d.end_chunk(t0);
                from = c;
            }
            let _ = d.settle(t0);
            proptest::prop_assert!(!d.waiting());
        }
    }

    #[test]
    fn garbage_never_becomes_typed_text() {
        // A broken sequence, then an X10 mouse report, a malformed SGR one, then a focus event:
        // nothing at all.
        assert_eq!(once(b"\x1b[2\x1b[M !!\x1b[<0;3M\x1b[<0;0;4M\x1b[I"), vec![]);
        // Broken off at the end: nothing once settled.
        assert_eq!(once(b"\x1b[24"), vec![]);
    }

    #[test]
    fn mouse_reports_are_events_not_text() {
        use ratatui::crossterm::event::{KeyModifiers, MouseButton, MouseEventKind};
        let click = |x: u16, y: u16| {
            Event::Mouse(MouseEvent {
                kind: MouseEventKind::Down(MouseButton::Left),
                column: x,
                row: y,
                modifiers: KeyModifiers::NONE,
            })
        };
        assert_eq!(once(b"\x1b[<0;3;4M"), vec![click(2, 3)]);
        // A key on each side: keys, not a paste of "xy".
        let got = once(b"x\x1b[<0;3;4My");
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(matches!(got[0], Event::Key(_)) && matches!(got[2], Event::Key(_)));
        assert_eq!(got[1], click(2, 3));
        // Inside a burst, the report splits it; its bytes are in neither piece.
        let got = once(b"hello\x1b[<64;1;1Mworld");
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[0], Event::Paste("hello".into()));
        assert!(matches!(
            got[1],
            Event::Mouse(MouseEvent {
                kind: MouseEventKind::ScrollUp,
                ..
            })
        ));
        assert_eq!(got[2], Event::Paste("world".into()));
        // Split anywhere on the way, the same events.
        let bytes = b"\x1b[<0;3;4M";
        for i in 1..bytes.len() {
            let t0 = Instant::now();
            let mut d = Decoder::new();
            d.feed(&bytes[..i]);
            let mut out = d.end_chunk(t0);
            d.feed(&bytes[i..]);
            out.extend(d.end_chunk(t0));
            out.extend(d.settle(t0));
            assert_eq!(out, vec![click(2, 3)], "split at {i}");
        }
    }
}
