//! The memory attacks of SPEC S5 against a real server, measured (run by `scripts/attack-memory`,
//! never by the tests: it takes a minute and needs a large store).
//!
//! It starts `BIN serve --store DIR`, then:
//! 1. opens `--pre-hello` connections that never finish their hello: each announces a frame of
//!    128 MiB, sends all of it but the last bytes as fast as the server takes them, then a byte
//!    now and then; a connection the server closes is opened again;
//! 2. closes them, then opens `--members` connections that say hello asking for every event
//!    since 0 as notices, and never read anything;
//! 3. closes them.
//!
//! It samples the server's VmRSS every 200 ms and prints the peak of each phase, VmHWM, and
//! VmRSS once the connections are gone, against the budget of SPEC P6 (300 MB). Exit status 1
//! when over it.
//!
//! ```text
//! cargo run --release -p thamdinh-net --example attack_memory -- \
//!     --bin target/release/thamdinh --store DIR [--pre-hello 40] [--members 6] [--hold 15]
//! ```

use std::io::Write;
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use thamdinh_net::protocol::frame;
use thamdinh_net::protocol::{Hello, HelloReply, PROTOCOL_VERSION};

/// SPEC P6: the server's memory under hostile connections.
const TARGET_MB: u64 = 300;
/// What the pre-hello connections announce: the old limit of every frame.
const ANNOUNCED: usize = 128 * 1024 * 1024;

struct Args {
    bin: PathBuf,
    store: PathBuf,
    pre_hello: usize,
    members: usize,
    hold: Duration,
}

fn usage() -> ExitCode {
    eprintln!(
        "usage: attack_memory --bin PATH --store DIR [--pre-hello N] [--members N] [--hold SECS]"
    );
    ExitCode::from(2)
}

fn parse() -> Option<Args> {
    let mut a = Args {
        bin: PathBuf::from("target/release/thamdinh"),
        store: PathBuf::new(),
        pre_hello: 40,
        members: 6,
        hold: Duration::from_secs(15),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next()?;
        match flag.as_str() {
            "--bin" => a.bin = value.into(),
            "--store" => a.store = value.into(),
            "--pre-hello" => a.pre_hello = value.parse().ok()?,
            "--members" => a.members = value.parse().ok()?,
            "--hold" => a.hold = Duration::from_secs(value.parse().ok()?),
            _ => return None,
        }
    }
    (!a.store.as_os_str().is_empty()).then_some(a)
}

/// VmRSS and VmHWM of a process, in MB.
fn memory(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|kb| kb.parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// RssAnon and RssFile of a process, in MB (what VmRSS is made of).
fn detail(pid: u32) -> String {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|kb| kb.parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    };
    format!(
        "anonymous {} MB, files {} MB, {} threads",
        field("RssAnon:"),
        field("RssFile:"),
        status
            .lines()
            .find_map(|l| l.strip_prefix("Threads:"))
            .map_or("?", str::trim)
    )
}

/// Sample VmRSS every 200 ms for `hold`; returns the highest seen.
fn sample(pid: u32, hold: Duration) -> u64 {
    let start = Instant::now();
    let mut peak = 0;
    while start.elapsed() < hold {
        peak = peak.max(memory(pid).0);
        std::thread::sleep(Duration::from_millis(200));
    }
    peak.max(memory(pid).0)
}

fn hello(since: Option<u64>, notices: bool) -> Vec<u8> {
    frame::encode(&Hello {
        protocol: PROTOCOL_VERSION,
        program: "attack_memory".into(),
        since,
        notices,
    })
    .unwrap_or_default()
}

/// Start the server and wait until it welcomes a client (opening a large store takes a while).
fn start_server(a: &Args, sock: &Path) -> Result<(Child, u64), String> {
    let child = Command::new(&a.bin)
        .arg("serve")
        .arg("--store")
        .arg(&a.store)
        .arg("--idle-exit")
        .arg("0")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", a.bin.display()))?;
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(300) {
        if let Ok(mut s) = UnixStream::connect(sock)
            && s.write_all(&hello(None, false)).is_ok()
            && let Ok(body) = frame::read_frame(&mut s, frame::LENGTH_MAX)
        {
            return match frame::decode::<HelloReply>(&body) {
                Ok(HelloReply::Welcome(w)) => Ok((child, w.last_seq)),
                Ok(HelloReply::Refused(r)) => Err(r.message(l10n::Lang::En)),
                Err(e) => Err(e.to_string()),
            };
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err("the server did not answer within 300 s".into())
}

/// One pre-hello attacker: announce a huge hello, send all but its last bytes, then trickle;
/// when the server closes the connection, open another.
fn pre_hello(sock: PathBuf, stop: Arc<AtomicBool>, closed: Arc<AtomicU64>) {
    let chunk = vec![b' '; 1024 * 1024];
    // Left for the trickle, one byte a second: more than the attack lasts.
    let keep = 120;
    while !stop.load(Ordering::Relaxed) {
        let Ok(mut s) = UnixStream::connect(&sock) else {
            std::thread::sleep(Duration::from_millis(10));
            continue;
        };
        let _ = s.set_write_timeout(Some(Duration::from_secs(1)));
        let mut ok = s.write_all(&(ANNOUNCED as u32).to_be_bytes()).is_ok();
        let mut sent = 0;
        while ok && sent < ANNOUNCED - keep && !stop.load(Ordering::Relaxed) {
            let n = (ANNOUNCED - keep - sent).min(chunk.len());
            match s.write(&chunk[..n]) {
                Ok(w) => sent += w,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
                Err(_) => ok = false,
            }
        }
        while ok && !stop.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_secs(1));
            ok = s.write_all(b" ").is_ok();
        }
        if !ok {
            closed.fetch_add(1, Ordering::Relaxed);
            // A refused attacker comes straight back, but not in a busy loop.
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

/// Whether the server has closed `s` (without reading what is still in it).
fn hung_up(s: &UnixStream) -> bool {
    let mut p = libc::pollfd {
        fd: s.as_raw_fd(),
        events: libc::POLLRDHUP,
        revents: 0,
    };
    // SAFETY: one valid pollfd, for a descriptor `s` keeps open; no wait.
    let n = unsafe { libc::poll(&mut p, 1, 0) };
    n > 0 && p.revents & (libc::POLLRDHUP | libc::POLLHUP | libc::POLLERR) != 0
}

fn stop_server(child: &mut Child) {
    // SAFETY: a signal to the child we started.
    unsafe {
        libc::kill(child.id() as i32, libc::SIGTERM);
    }
    let _ = child.wait();
}

fn main() -> ExitCode {
    let Some(a) = parse() else {
        return usage();
    };
    let sock = a.store.join("thamdinh.sock");
    let (mut child, last_seq) = match start_server(&a, &sock) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let pid = child.id();
    println!(
        "server {} (pid {pid}) on {} with {last_seq} events",
        a.bin.display(),
        a.store.display()
    );
    std::thread::sleep(Duration::from_secs(1));
    let (rss, _) = memory(pid);
    println!("baseline: VmRSS {rss} MB ({})", detail(pid));

    // 1. Connections that never say hello.
    let stop = Arc::new(AtomicBool::new(false));
    let closed = Arc::new(AtomicU64::new(0));
    let attackers: Vec<_> = (0..a.pre_hello)
        .map(|_| {
            let (sock, stop, closed) = (sock.clone(), stop.clone(), closed.clone());
            std::thread::spawn(move || pre_hello(sock, stop, closed))
        })
        .collect();
    let peak1 = sample(pid, a.hold);
    let (_, hwm1) = memory(pid);
    stop.store(true, Ordering::Relaxed);
    for t in attackers {
        let _ = t.join();
    }
    println!(
        "{} pre-hello connections (128 MiB announced, trickled): VmRSS peak {peak1} MB, \
         VmHWM {hwm1} MB; the server closed {} of them (each opened again at once)",
        a.pre_hello,
        closed.load(Ordering::Relaxed)
    );
    std::thread::sleep(Duration::from_secs(3));
    let (after1, _) = memory(pid);
    println!("  after they closed: VmRSS {after1} MB ({})", detail(pid));

    // 2. Members asking for every event since 0, never reading.
    let mut members = Vec::new();
    for _ in 0..a.members {
        match UnixStream::connect(&sock) {
            Ok(mut s) => {
                if s.write_all(&hello(Some(0), true)).is_ok() {
                    members.push(s);
                }
            }
            Err(e) => eprintln!("cannot connect: {e}"),
        }
    }
    let peak2 = sample(pid, a.hold);
    let (_, hwm2) = memory(pid);
    let during = detail(pid);
    let cut = members.iter().filter(|s| hung_up(s)).count();
    println!(
        "{} members catching up from 0, never reading: VmRSS peak {peak2} MB, VmHWM {hwm2} MB \
         ({during}); disconnected by the server so far: {cut}",
        members.len()
    );
    drop(members);
    std::thread::sleep(Duration::from_secs(3));
    let (after2, hwm) = memory(pid);
    println!("  after they closed: VmRSS {after2} MB ({})", detail(pid));

    stop_server(&mut child);
    let peak = peak1.max(peak2);
    let verdict = |mb: u64| if mb <= TARGET_MB { "ok" } else { "OVER" };
    println!(
        "measured vs target (≤ {TARGET_MB} MB): peak VmRSS {peak} MB ({}), VmHWM {hwm} MB ({}), \
         VmRSS after the connections closed {after2} MB ({})",
        verdict(peak),
        verdict(hwm),
        verdict(after2)
    );
    if peak <= TARGET_MB && hwm <= TARGET_MB && after2 <= TARGET_MB {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
