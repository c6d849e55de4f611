//! The thread that reads the terminal: it times the bytes (what arrives together is one chunk,
//! a lone `ESC` waits a moment for the rest of its sequence) and hands them to the [`Decoder`].
//! Window resizes (SIGWINCH) come on the same channel, from a thread of their own.
//!
//! It reads the terminal itself instead of through crossterm's event reader, because crossterm
//! reads `ESC ESC [ B` as Esc, '[', 'B' and has no notion of a burst (docs/KEYS.md).

use std::fs::File;
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::Sender;
use ratatui::crossterm::event::Event;
use rustix::event::{PollFd, PollFlags, Timespec, poll};
use rustix::io::Errno;

use super::{Decoder, ESC_WAIT, GATHER};

/// The most read into one chunk before it is handed on (a long paste goes on in the next one).
const MAX_CHUNK: usize = 64 * 1024;

/// Where keys come from: standard input when it is a terminal, else `/dev/tty` (as crossterm).
enum Tty {
    Stdin,
    Dev(OwnedFd),
}

impl Tty {
    fn open() -> io::Result<Tty> {
        if rustix::termios::isatty(rustix::stdio::stdin()) {
            Ok(Tty::Stdin)
        } else {
            let f = File::options().read(true).write(true).open("/dev/tty")?;
            Ok(Tty::Dev(f.into()))
        }
    }

    fn fd(&self) -> BorrowedFd<'_> {
        match self {
            Tty::Stdin => rustix::stdio::stdin(),
            Tty::Dev(fd) => fd.as_fd(),
        }
    }
}

/// Is there something to read within `wait` (`None`: as long as it takes)?
fn readable(fd: BorrowedFd<'_>, wait: Option<Duration>) -> io::Result<bool> {
    let timeout = wait.map(|d| Timespec {
        tv_sec: d.as_secs() as _,
        tv_nsec: d.subsec_nanos() as _,
    });
    loop {
        let mut fds = [PollFd::new(&fd, PollFlags::IN)];
        match poll(&mut fds, timeout.as_ref()) {
            Ok(n) => return Ok(n > 0),
            Err(Errno::INTR) => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

/// Read what is there. `Ok(None)`: the terminal is gone.
fn read(fd: BorrowedFd<'_>, buf: &mut [u8]) -> io::Result<Option<usize>> {
    loop {
        match rustix::io::read(fd, &mut *buf) {
            Ok(0) => return Ok(None),
            Ok(n) => return Ok(Some(n)),
            Err(Errno::INTR) => continue,
            Err(Errno::AGAIN) => return Ok(Some(0)),
            Err(e) => return Err(e.into()),
        }
    }
}

fn send_all(tx: &Sender<io::Result<Event>>, events: Vec<Event>) -> bool {
    events.into_iter().all(|ev| tx.send(Ok(ev)).is_ok())
}

/// Start reading the terminal into `tx`. The thread stops at the first read error or when the
/// terminal is gone (then it sends the error), or when nobody listens any more.
pub fn spawn(tx: Sender<io::Result<Event>>) -> io::Result<()> {
    let tty = Tty::open()?;
    resizes(tx.clone())?;
    thread::Builder::new()
        .name("thamdinh-input".into())
        .spawn(move || {
            if let Err(e) = read_loop(&tty, &tx) {
                let _ = tx.send(Err(e));
            }
        })?;
    Ok(())
}

fn read_loop(tty: &Tty, tx: &Sender<io::Result<Event>>) -> io::Result<()> {
    let fd = tty.fd();
    let mut dec = Decoder::new();
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let wait = dec.waiting().then_some(ESC_WAIT);
        if !readable(fd, wait)? {
            // Nothing came after a lone ESC (or an unfinished sequence): settle it.
            if !send_all(tx, dec.settle(Instant::now())) {
                return Ok(());
            }
            continue;
        }
        let mut total = 0;
        loop {
            let Some(n) = read(fd, &mut buf)? else {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "the terminal is gone",
                ));
            };
            dec.feed(&buf[..n]);
            total += n;
            // The rest of a write split on the way comes within GATHER.
            if total >= MAX_CHUNK || !dec.may_go_on() || !readable(fd, Some(GATHER))? {
                break;
            }
        }
        if !send_all(tx, dec.end_chunk(Instant::now())) {
            return Ok(());
        }
    }
}

/// Window resizes: SIGWINCH, answered with the new size.
fn resizes(tx: Sender<io::Result<Event>>) -> io::Result<()> {
    let mut sigs = signal_hook::iterator::Signals::new([signal_hook::consts::SIGWINCH])?;
    thread::Builder::new()
        .name("thamdinh-winch".into())
        .spawn(move || {
            for _ in sigs.forever() {
                let Ok((w, h)) = ratatui::crossterm::terminal::size() else {
                    continue;
                };
                if tx.send(Ok(Event::Resize(w, h))).is_err() {
                    break;
                }
            }
        })?;
    Ok(())
}
