//! The event loop: wait on terminal input, committed-event notices and signals at once; handle
//! everything queued; then draw one frame. Nothing wakes it while idle except a pending draft
//! save (SPEC W12, P7).

use std::io;
use std::time::Instant;

use crossbeam_channel::{Receiver, at, never, select};
use ratatui::crossterm::event::Event;

use crate::app::App;
use crate::term::{Signal, Term};
use crate::views;
use api::Notice;

/// Why the loop ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// The user quit, or SIGTERM.
    Quit,
    /// SIGHUP or the terminal went away: drafts were saved, the terminal may be gone.
    HangUp,
}

pub fn run(
    app: &mut App,
    term: &mut Term,
    input: Receiver<io::Result<Event>>,
    notices: Receiver<Notice>,
    signals: Receiver<Signal>,
) -> io::Result<Exit> {
    let size = term.size()?;
    app.resize(size.width, size.height);
    term.draw(|f| views::render(app, f))?;
    let mut notices = Some(notices);
    loop {
        let timer = match app.deadline() {
            Some(d) => at(d),
            None => never(),
        };
        let notice_rx = notices.clone().unwrap_or_else(never);
        let mut exit = None;
        select! {
            recv(input) -> ev => match ev {
                Ok(Ok(ev)) => app.handle_event(ev),
                // The terminal is gone (read error or the input thread ended).
                _ => exit = Some(Exit::HangUp),
            },
            recv(notice_rx) -> n => match n {
                Ok(n) => app.handle_notice(n),
                // The workbench stopped sending; keep working with what we have.
                Err(_) => notices = None,
            },
            recv(signals) -> s => exit = Some(match s {
                Ok(Signal::HangUp) => Exit::HangUp,
                _ => Exit::Quit,
            }),
            recv(timer) -> _ => app.tick(Instant::now()),
        }
        // Drain everything already queued before drawing once.
        while exit.is_none() {
            match input.try_recv() {
                Ok(Ok(ev)) => app.handle_event(ev),
                Ok(Err(_)) => exit = Some(Exit::HangUp),
                Err(_) => break,
            }
        }
        if let Some(rx) = &notices {
            while let Ok(n) = rx.try_recv() {
                app.handle_notice(n);
            }
        }
        if let Ok(s) = signals.try_recv() {
            exit = Some(if s == Signal::HangUp {
                Exit::HangUp
            } else {
                Exit::Quit
            });
        }
        if let Some(e) = exit {
            // SPEC W5: the open draft is saved before leaving.
            app.save_drafts_now();
            return Ok(e);
        }
        if app.should_quit() {
            return Ok(Exit::Quit);
        }
        app.tick(Instant::now());
        app.sync_presence();
        if std::mem::take(&mut app.repaint) {
            term.resized()?;
        }
        term.draw(|f| views::render(app, f))?;
    }
}
