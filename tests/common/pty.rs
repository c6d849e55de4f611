//! Drive the real binary in a pseudo-terminal and read its screen with a vt100 parser.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

pub struct Term {
    pub master: Box<dyn MasterPty + Send>,
    // Kept open so the terminal modes can still be read after the child exits.
    _slave: Box<dyn portable_pty::SlavePty + Send>,
    writer: Box<dyn Write + Send>,
    pub child: Box<dyn Child + Send + Sync>,
    parser: Arc<Mutex<vt100::Parser>>,
    /// Every byte the program wrote.
    pub raw: Arc<Mutex<Vec<u8>>>,
}

impl Term {
    /// `thamdinh demo` at 80×24 without colour, with `home` as its home, config and data
    /// directories (the demo store is built in `home/demo`).
    pub fn start_demo(home: &std::path::Path) -> Term {
        let dir = home.join("demo");
        let h = home.to_str().expect("utf-8 path");
        Term::start(
            &["demo", "--dir", dir.to_str().expect("utf-8 path")],
            80,
            24,
            &[
                ("NO_COLOR", "1"),
                ("HOME", h),
                ("XDG_CONFIG_HOME", h),
                ("XDG_DATA_HOME", h),
            ],
        )
    }

    /// Start `thamdinh ARGS` in a `cols`×`rows` terminal with the given environment.
    pub fn start(args: &[&str], cols: u16, rows: u16, env: &[(&str, &str)]) -> Term {
        Term::start_without(args, cols, rows, env, &[])
    }

    /// As [`Term::start`], with the variables in `unset` removed from the inherited environment
    /// (so a `NO_COLOR` in the environment of the test run cannot turn a colour run monochrome).
    pub fn start_without(
        args: &[&str],
        cols: u16,
        rows: u16,
        env: &[(&str, &str)],
        unset: &[&str],
    ) -> Term {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_thamdinh"));
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        for k in unset {
            cmd.env_remove(k);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn thamdinh");
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (p2, r2) = (parser.clone(), raw.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut p) = p2.lock() {
                    p.process(&buf[..n]);
                }
                if let Ok(mut r) = r2.lock() {
                    r.extend_from_slice(&buf[..n]);
                }
            }
        });
        Term {
            master: pair.master,
            _slave: pair.slave,
            writer,
            child,
            parser,
            raw,
        }
    }

    /// Follow a window resize in the screen model (the program repaints at the new size).
    pub fn resize_parser(&self, rows: u16, cols: u16) {
        if let Ok(mut p) = self.parser.lock() {
            p.screen_mut().set_size(rows, cols);
        }
    }

    pub fn screen(&self) -> String {
        self.parser
            .lock()
            .map(|p| p.screen().contents())
            .unwrap_or_default()
    }

    /// Look at the screen model: cells, their colours and attributes.
    pub fn with_screen<R>(&self, f: impl FnOnce(&vt100::Screen) -> R) -> Option<R> {
        self.parser.lock().ok().map(|p| f(p.screen()))
    }

    /// A copy of every byte the program wrote so far.
    pub fn raw_bytes(&self) -> Vec<u8> {
        self.raw.lock().map(|r| r.clone()).unwrap_or_default()
    }

    pub fn alternate_screen(&self) -> bool {
        self.parser
            .lock()
            .map(|p| p.screen().alternate_screen())
            .unwrap_or(false)
    }

    pub fn cursor_hidden(&self) -> bool {
        self.parser
            .lock()
            .map(|p| p.screen().hide_cursor())
            .unwrap_or(false)
    }

    pub fn bracketed_paste(&self) -> bool {
        self.parser
            .lock()
            .map(|p| p.screen().bracketed_paste())
            .unwrap_or(false)
    }

    /// Wait until `text` is on the screen; panic with the screen if it never shows.
    pub fn wait_for(&self, text: &str, secs: u64) {
        let end = Instant::now() + Duration::from_secs(secs);
        while Instant::now() < end {
            if self.screen().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(30));
        }
        panic!(
            "not on screen after {secs}s: {text:?}\n---\n{}\n---",
            self.screen()
        );
    }

    /// Send raw bytes (keys as the terminal would send them).
    pub fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("write to pty");
        self.writer.flush().expect("flush pty");
        std::thread::sleep(Duration::from_millis(60));
    }

    pub fn send_str(&mut self, s: &str) {
        self.send(s.as_bytes());
    }

    /// Wait for the program to exit (bounded); returns whether it exited successfully.
    pub fn wait_exit(&mut self, secs: u64) -> bool {
        let end = Instant::now() + Duration::from_secs(secs);
        while Instant::now() < end {
            if let Ok(Some(status)) = self.child.try_wait() {
                // Let the reader thread take in the last bytes.
                std::thread::sleep(Duration::from_millis(100));
                return status.success();
            }
            std::thread::sleep(Duration::from_millis(30));
        }
        let _ = self.child.kill();
        panic!("thamdinh did not exit within {secs}s\n{}", self.screen());
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.process_id()
    }

    /// Is the terminal back in cooked mode (canonical input and echo on)?
    pub fn cooked_mode(&self) -> bool {
        let Some(fd) = self.master.as_raw_fd() else {
            return false;
        };
        // SAFETY: tcgetattr writes into the zeroed struct we own; fd is the open pty master.
        unsafe {
            let mut t: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(fd, &mut t) != 0 {
                return false;
            }
            (t.c_lflag & libc::ICANON) != 0 && (t.c_lflag & libc::ECHO) != 0
        }
    }
}

pub mod keys {
    pub const DOWN: &[u8] = b"\x1b[B";
    pub const UP: &[u8] = b"\x1b[A";
    pub const RIGHT: &[u8] = b"\x1b[C";
    pub const LEFT: &[u8] = b"\x1b[D";
    pub const ENTER: &[u8] = b"\r";
    pub const ESC: &[u8] = b"\x1b";
    pub const TAB: &[u8] = b"\t";
    pub const F1: &[u8] = b"\x1bOP";
    pub const F2: &[u8] = b"\x1bOQ";
    pub const F10: &[u8] = b"\x1b[21~";
    pub const CTRL_P: &[u8] = b"\x10";
    pub const CTRL_S: &[u8] = b"\x13";
}

/// The OS user running the tests: the demo's lead.
pub fn me() -> String {
    uzers::get_current_username()
        .expect("passwd entry")
        .to_string_lossy()
        .into_owned()
}
