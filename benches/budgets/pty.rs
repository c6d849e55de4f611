//! The real binary in a pseudo-terminal, timed: every chunk of output is stamped when it
//! arrives, and frames are counted by the end of the synchronized update each frame is drawn
//! in (`ESC [ ? 2026 l`). Built on the same portable-pty + vt100 pair as tests/common/pty.rs.

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, unbounded};
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

/// The end of a synchronized update: one per frame.
pub const FRAME_END: &[u8] = b"\x1b[?2026l";

pub struct Pty {
    _master: Box<dyn MasterPty + Send>,
    _slave: Box<dyn portable_pty::SlavePty + Send>,
    writer: Box<dyn Write + Send>,
    pub child: Box<dyn Child + Send + Sync>,
    rx: Receiver<(Instant, Vec<u8>)>,
    pub parser: vt100::Parser,
    /// Every byte received.
    pub raw: Vec<u8>,
    /// Frames seen (ends of synchronized updates).
    pub frames: usize,
    pub started: Instant,
}

impl Pty {
    /// Start `thamdinh ARGS` in a `cols`×`rows` terminal.
    pub fn start(args: &[&str], cols: u16, rows: u16, env: &[(&str, &str)]) -> Pty {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(crate::data::EXE);
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let (tx, rx) = unbounded();
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 || tx.send((Instant::now(), buf[..n].to_vec())).is_err() {
                    break;
                }
            }
        });
        let started = Instant::now();
        let child = pair.slave.spawn_command(cmd).expect("spawn thamdinh");
        Pty {
            _master: pair.master,
            _slave: pair.slave,
            writer,
            child,
            rx,
            parser: vt100::Parser::new(rows, cols, 0),
            raw: Vec::new(),
            frames: 0,
            started,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("child pid")
    }

    fn take(&mut self, chunk: &[u8]) {
        // Count frame ends, including one split across two chunks.
        let tail = self.raw.len().saturating_sub(FRAME_END.len() - 1);
        self.raw.extend_from_slice(chunk);
        self.frames += self.raw[tail..]
            .windows(FRAME_END.len())
            .filter(|w| *w == FRAME_END)
            .count();
        self.parser.process(chunk);
    }

    /// Read until `frames` frames have been seen in total; the time the last one arrived.
    pub fn wait_frames(&mut self, frames: usize, timeout: Duration) -> Option<Instant> {
        let end = Instant::now() + timeout;
        let mut last = None;
        while self.frames < frames {
            let left = end.checked_duration_since(Instant::now())?;
            match self.rx.recv_timeout(left) {
                Ok((at, chunk)) => {
                    self.take(&chunk);
                    last = Some(at);
                }
                Err(RecvTimeoutError::Timeout) => return None,
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
        last
    }

    /// Take in whatever arrives until nothing has come for `quiet`.
    pub fn drain(&mut self, quiet: Duration) {
        while let Ok((_, chunk)) = self.rx.recv_timeout(quiet) {
            self.take(&chunk);
        }
    }

    /// Send bytes as typed keys; returns when they were written.
    pub fn send(&mut self, bytes: &[u8]) -> Instant {
        self.writer.write_all(bytes).expect("write to pty");
        self.writer.flush().expect("flush pty");
        Instant::now()
    }

    pub fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    /// Press a key and wait for the frame it causes: (bytes written for it, key → frame time).
    pub fn key(&mut self, bytes: &[u8]) -> (usize, Duration) {
        let before = self.raw.len();
        let frames = self.frames + 1;
        let sent = self.send(bytes);
        let at = self
            .wait_frames(frames, Duration::from_secs(10))
            .unwrap_or_else(|| panic!("no frame after a key\n{}", self.screen()));
        (self.raw.len() - before, at.saturating_duration_since(sent))
    }

    /// Quit with F10 and wait (bounded) for the process to end.
    pub fn quit(mut self) {
        let _ = self.send(b"\x1b[21~");
        let end = Instant::now() + Duration::from_secs(10);
        while Instant::now() < end {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            self.drain(Duration::from_millis(20));
        }
        let _ = self.child.kill();
    }
}

pub mod keys {
    pub const DOWN: &[u8] = b"\x1b[B";
    pub const UP: &[u8] = b"\x1b[A";
    pub const ENTER: &[u8] = b"\r";
    pub const CTRL_L: &[u8] = b"\x0c";
}

/// Peak resident memory of a process (`VmHWM`), in bytes.
pub fn vm_hwm(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Resident memory of a process now (`VmRSS`), in bytes.
pub fn vm_rss(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// CPU time a process has used (user + system), in clock ticks.
pub fn cpu_ticks(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses and may contain spaces.
    let rest = &s[s.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of stat; f[0] is field 3.
    Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
}

/// Clock ticks per second.
pub fn ticks_per_second() -> u64 {
    // SAFETY: sysconf has no preconditions.
    let t = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if t > 0 { t as u64 } else { 100 }
}
