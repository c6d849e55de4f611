//! The terminal: setup, the one restore routine, signals and the input thread.
//!
//! Restore is reached three ways (docs/REQUIREMENTS.md, "Terminal"): normal exit (`Term::leave`), the
//! `Drop` of `Term` (early return, unwinding), and a panic hook installed before the terminal is
//! touched. It undoes only what was enabled and is idempotent, so reaching it twice is harmless.
//! The mouse (SGR reports of clicks and the wheel: modes 1000 and 1006, not 1002/1003, which would
//! send every motion over SSH) is on unless `--no-mouse`; restore turns it off with the rest, so
//! the shell after a crash, a signal or a normal exit never receives mouse reports.

use std::io::{self, Stdout, Write};
use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

use crossbeam_channel::{Receiver, unbounded};
use ratatui::Frame;
use ratatui::Terminal;
use ratatui::crossterm::event::{
    DisableBracketedPaste, EnableBracketedPaste, Event, KeyboardEnhancementFlags,
    PopKeyboardEnhancementFlags, PushKeyboardEnhancementFlags,
};
use ratatui::crossterm::terminal::{
    BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen, LeaveAlternateScreen,
    disable_raw_mode, enable_raw_mode,
};
use ratatui::crossterm::{cursor, execute, queue};
use ratatui::layout::Size;

use super::backend::{SparingBackend, shifts_lines};

/// What was switched on, so restore switches off exactly that.
static RAW: AtomicBool = AtomicBool::new(false);
static ALT_SCREEN: AtomicBool = AtomicBool::new(false);
static PASTE: AtomicBool = AtomicBool::new(false);
static KEYBOARD: AtomicBool = AtomicBool::new(false);
static CURSOR_HIDDEN: AtomicBool = AtomicBool::new(false);
static MOUSE: AtomicBool = AtomicBool::new(false);

/// Report button presses and releases and the wheel (1000), in the SGR encoding (1006), which has
/// no limit on the column and cannot be mistaken for typed bytes.
const MOUSE_ON: &str = "\x1b[?1000h\x1b[?1006h";
const MOUSE_OFF: &str = "\x1b[?1006l\x1b[?1000l";
static HOOK: Once = Once::new();

/// Put the terminal back as it was. Safe to call any number of times, from any path.
/// Every step is tried even if an earlier one fails (the terminal may already be gone after a
/// hang-up); the first error is returned.
pub fn restore() -> io::Result<()> {
    let mut out = io::stdout();
    let mut first: Option<io::Error> = None;
    let mut keep = |r: io::Result<()>| {
        if let Err(e) = r
            && first.is_none()
        {
            first = Some(e);
        }
    };
    if MOUSE.swap(false, Ordering::SeqCst) {
        keep(out.write_all(MOUSE_OFF.as_bytes()));
    }
    if KEYBOARD.swap(false, Ordering::SeqCst) {
        keep(execute!(out, PopKeyboardEnhancementFlags));
    }
    if PASTE.swap(false, Ordering::SeqCst) {
        keep(execute!(out, DisableBracketedPaste));
    }
    if ALT_SCREEN.swap(false, Ordering::SeqCst) {
        // End any synchronized update a panic may have left open, then leave.
        keep(execute!(out, EndSynchronizedUpdate, LeaveAlternateScreen));
    }
    if CURSOR_HIDDEN.swap(false, Ordering::SeqCst) {
        keep(execute!(out, cursor::Show));
    }
    if RAW.swap(false, Ordering::SeqCst) {
        keep(disable_raw_mode());
    }
    keep(out.flush());
    match first {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Restore the terminal before the default hook prints the panic message, so the message lands
/// on a normal screen. Installed once, before any terminal mode is changed.
pub fn install_panic_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = restore();
            previous(info);
        }));
    });
}

/// Terminal options the user can set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TermOptions {
    /// Ask for the kitty keyboard protocol (disambiguated escape codes) when supported.
    pub keyboard_enhancement: bool,
    /// Ask for mouse reports (clicks and the wheel).
    pub mouse: bool,
}

/// The terminal in full-screen mode. Dropping it restores the terminal.
pub struct Term {
    terminal: Terminal<SparingBackend<Stdout>>,
}

impl Term {
    /// Enter raw mode and the alternate screen, enable bracketed paste, hide the cursor.
    pub fn enter(opts: TermOptions) -> io::Result<Term> {
        install_panic_hook();
        // Ignore NO_COLOR inside crossterm: the theme already resolved the palette, and
        // crossterm's own handling would emit a bare reset that erases bold and reverse.
        ratatui::crossterm::style::force_color_output(true);
        let result = Term::enter_inner(opts);
        if result.is_err() {
            let _ = restore();
        }
        result
    }

    fn enter_inner(opts: TermOptions) -> io::Result<Term> {
        let mut out = io::stdout();
        enable_raw_mode()?;
        RAW.store(true, Ordering::SeqCst);
        execute!(out, EnterAlternateScreen)?;
        ALT_SCREEN.store(true, Ordering::SeqCst);
        execute!(out, EnableBracketedPaste)?;
        PASTE.store(true, Ordering::SeqCst);
        execute!(out, cursor::Hide)?;
        CURSOR_HIDDEN.store(true, Ordering::SeqCst);
        if opts.mouse {
            // Marked first: a failed write may still have reached the terminal.
            MOUSE.store(true, Ordering::SeqCst);
            out.write_all(MOUSE_ON.as_bytes())?;
            out.flush()?;
        }
        // Asking the terminal reads its answer from stdin: do it before the input thread runs.
        if opts.keyboard_enhancement
            && ratatui::crossterm::terminal::supports_keyboard_enhancement().unwrap_or(false)
        {
            execute!(
                out,
                PushKeyboardEnhancementFlags(KeyboardEnhancementFlags::DISAMBIGUATE_ESCAPE_CODES)
            )?;
            KEYBOARD.store(true, Ordering::SeqCst);
        }
        // Lists scroll with the terminal's scroll region where TERM says it has one.
        let shifts = shifts_lines(std::env::var("TERM").ok().as_deref());
        let terminal = Terminal::new(SparingBackend::new(out).with_shifts(shifts))?;
        let mut term = Term { terminal };
        term.repaint_all()?;
        Ok(term)
    }

    pub fn size(&self) -> io::Result<Size> {
        self.terminal.size()
    }

    /// Draw one frame inside a synchronized update, so the terminal shows it all at once.
    pub fn draw(&mut self, render: impl FnOnce(&mut Frame)) -> io::Result<()> {
        self.measure()?;
        queue!(self.terminal.backend_mut(), BeginSynchronizedUpdate)?;
        let drawn = self.terminal.draw(render).map(|_| ());
        // Always end the update, even when drawing failed.
        let ended = execute!(self.terminal.backend_mut(), EndSynchronizedUpdate);
        drawn.and(ended)
    }

    /// After a resize: forget the previous frame so the next draw repaints everything.
    pub fn resized(&mut self) -> io::Result<()> {
        self.repaint_all()
    }

    /// Clear the screen at the current size and forget the previous frame. Unlike
    /// `Terminal::clear`, this never asks the terminal for its cursor position: over a slow SSH
    /// link, or in a terminal that does not answer, that query times out and would end the app.
    fn repaint_all(&mut self) -> io::Result<()> {
        let size = self.measure()?;
        self.terminal
            .resize(ratatui::layout::Rect::new(0, 0, size.width, size.height))
    }

    /// Ask the terminal its size and tell the backend, once per frame: ratatui's resize check
    /// and the backend's line shifts then use the same size.
    fn measure(&mut self) -> io::Result<Size> {
        let (width, height) = ratatui::crossterm::terminal::size()?;
        let size = Size { width, height };
        self.terminal.backend_mut().set_size(size);
        Ok(size)
    }

    /// Leave full-screen mode and report any error restoring the terminal.
    pub fn leave(self) -> io::Result<()> {
        drop(self);
        restore()
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        let _ = restore();
    }
}

/// A signal the application treats like a request to quit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    /// SIGTERM: quit as if the user asked.
    Terminate,
    /// SIGHUP: the connection dropped; save the open draft, restore, exit.
    HangUp,
}

/// Deliver SIGTERM and SIGHUP on a channel the event loop waits on. A second SIGTERM while the
/// first is still being handled ends the process at once (a stuck app can still be stopped).
pub fn signals() -> io::Result<Receiver<Signal>> {
    use signal_hook::consts::{SIGHUP, SIGTERM};
    use std::sync::Arc;
    let term_seen = Arc::new(AtomicBool::new(false));
    signal_hook::flag::register_conditional_shutdown(SIGTERM, 1, term_seen.clone())?;
    signal_hook::flag::register(SIGTERM, term_seen)?;
    let mut sigs = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP])?;
    let (tx, rx) = unbounded();
    thread::Builder::new()
        .name("thamdinh-signals".into())
        .spawn(move || {
            for s in sigs.forever() {
                let sig = if s == SIGHUP {
                    Signal::HangUp
                } else {
                    Signal::Terminate
                };
                if tx.send(sig).is_err() {
                    break;
                }
            }
        })?;
    Ok(rx)
}

/// Read terminal input on its own thread, so the event loop can wait on input, notices and
/// signals at once: keys, pastes (bracketed or not) and resizes, by the rule in `input`
/// (docs/KEYS.md). The thread stops at the first read error (the terminal is gone).
pub fn input() -> io::Result<Receiver<io::Result<Event>>> {
    let (tx, rx) = unbounded();
    crate::input::reader::spawn(tx)?;
    Ok(rx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restore_without_setup_does_nothing_and_is_idempotent() {
        // Nothing was enabled: restore must not touch the modes (and must not fail on them).
        assert!(!RAW.load(Ordering::SeqCst));
        let _ = restore();
        let _ = restore();
        assert!(!RAW.load(Ordering::SeqCst) && !ALT_SCREEN.load(Ordering::SeqCst));
    }

    #[test]
    fn panic_hook_installs_once() {
        install_panic_hook();
        install_panic_hook();
        assert!(HOOK.is_completed());
    }
}
