//! The store's server (SPEC S1–S4; docs/REQUIREMENTS.md "Server and protocol"): one process owns the sled
//! database of a store directory and serves every TUI and CLI command of every user over the
//! Unix socket `DIR/thamdinh.sock`.
//!
//! - One thread per client answers its requests in order; the engine serialises commits.
//! - Identity comes from the socket's peer credentials; non-members are refused at the handshake.
//! - Every committed event and every presence change is pushed to every client.
//! - `DIR/server.pid` names the serving process; a second server on the same store is refused
//!   (sled's lock guarantees it) with that pid. A socket left by a dead server is replaced.
//! - The server stops after `idle_exit` with no clients, on SIGTERM/SIGINT/SIGHUP, or when its
//!   socket is removed or replaced: it stops accepting, lets in-flight commits finish and be
//!   answered, then removes the socket and the pid file.
//! - It logs to `DIR/server.log` (`tracing`), never to a terminal.

mod error;
mod files;
mod hub;
mod identity;
pub mod paths;
mod session;

use std::os::unix::fs::MetadataExt;
use std::os::unix::net::UnixListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, unbounded};
use jiff::Timestamp;
use tracing::{info, warn};

use engine::LocalWorkbench;
use store::{Store, StoreError};

pub use error::ServerError;
pub use files::private_umask;

use hub::Hub;

/// Default time a server with no clients stays up.
pub const DEFAULT_IDLE_EXIT: Duration = Duration::from_secs(600);

/// How long a starting server waits for the store's lock (a client checking for a stale socket
/// holds it for a moment).
const LOCK_WAIT: Duration = Duration::from_secs(1);
/// How often the server checks that its socket is still its own.
const WATCH_EVERY: Duration = Duration::from_secs(2);
/// How long a stopping server waits for sessions to finish their requests.
const DRAIN_WAIT: Duration = Duration::from_secs(10);

#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// Stop after this long with no clients; `None` = never.
    pub idle_exit: Option<Duration>,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            idle_exit: Some(DEFAULT_IDLE_EXIT),
        }
    }
}

/// How the program gives freed memory back to the system (its allocator's call), set once by
/// the binary; called after a request that allocated much (an import, a verify, a backup, an
/// export), so the server's memory goes back down (SPEC P6).
static RELEASE_MEMORY: std::sync::OnceLock<fn()> = std::sync::OnceLock::new();

/// Set how freed memory is given back (see `RELEASE_MEMORY`). The first call wins.
pub fn set_memory_release(f: fn()) {
    let _ = RELEASE_MEMORY.set(f);
}

pub(crate) fn release_memory() {
    if let Some(f) = RELEASE_MEMORY.get() {
        f();
    }
}

/// Messages to the supervisor thread.
pub(crate) enum Control {
    SessionStarted,
    SessionEnded,
    Stop(String),
}

/// What every session shares.
pub(crate) struct Shared {
    /// The engine, as a workbench; sessions act through `root.session(user)`.
    pub(crate) root: LocalWorkbench,
    pub(crate) hub: Hub,
    pub(crate) dir: PathBuf,
    pub(crate) pid: u32,
    pub(crate) started: Timestamp,
    pub(crate) stopping: AtomicBool,
    pub(crate) control: Sender<Control>,
    /// Sessions per user and in all (E1: one member cannot take every file descriptor).
    pub(crate) sessions: session::SessionGate,
    /// Bytes of requests being received (E2).
    pub(crate) requests: session::RequestBudget,
}

/// A running server (in this process).
pub struct Server {
    control: Sender<Control>,
    supervisor: Option<JoinHandle<String>>,
    dir: PathBuf,
}

impl Server {
    /// Ask the server to stop (it finishes in-flight requests first).
    pub fn stop(&self, reason: &str) {
        let _ = self.control.send(Control::Stop(reason.to_string()));
    }

    /// Wait until the server has stopped and released the store; returns why it stopped.
    pub fn wait(mut self) -> String {
        self.supervisor
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_else(|| "the supervisor thread panicked".into())
    }

    /// The store directory served.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(h) = self.supervisor.take() {
            let _ = self.control.send(Control::Stop("dropped".into()));
            let _ = h.join();
        }
    }
}

/// Open the store, write the pid file, listen on the socket and serve in background threads.
/// Returns once clients can connect.
pub fn start(dir: &Path, opts: &ServeOptions) -> Result<Server, ServerError> {
    let dir = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
    let pid = std::process::id();
    let store = open_store(&dir, pid)?;
    log_open_report(&store);
    let sock = paths::socket_path(&dir);
    match std::fs::remove_file(&sock) {
        Ok(()) => info!("removed a stale socket {}", sock.display()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(ServerError::Socket {
                path: sock,
                source: e,
            });
        }
    }
    let listener = paths::bind(&dir).map_err(|e| ServerError::Socket {
        path: sock.clone(),
        source: e,
    })?;
    match files::open_socket_to_group(&dir) {
        Ok(0o660) => info!("members of the store folder's group can connect"),
        Ok(_) => info!("only this account can connect (the store folder is private)"),
        Err(e) => {
            let _ = std::fs::remove_file(&sock);
            remove_pid_file(&dir, pid);
            return Err(e);
        }
    }
    let identity = socket_identity(&sock);
    let (control, control_rx) = unbounded();
    let last_seq = store.last_seq();
    let shared = Arc::new(Shared {
        root: LocalWorkbench::new(store, "thamdinh-server"),
        hub: Hub::new(last_seq),
        dir: dir.clone(),
        pid,
        started: Timestamp::now(),
        stopping: AtomicBool::new(false),
        control: control.clone(),
        sessions: session::SessionGate::new(session_cap()),
        requests: session::RequestBudget::new(crate::protocol::REQUESTS_IN_FLIGHT),
    });
    // Read the newest year's item summaries now, so the first workbench opens without waiting
    // for every item of the year to be read (SPEC P1); and its framework and units, which the
    // engine checks every command of the year against (an import of 200,000 rows waited for
    // them first).
    {
        let shared = shared.clone();
        let _ = std::thread::Builder::new()
            .name("warm-up".into())
            .spawn(move || {
                let engine = shared.root.engine();
                let store = engine.store();
                let Some(year) = store.years().ok().and_then(|y| y.last().copied()) else {
                    return;
                };
                if let Err(e) = engine.year(year) {
                    warn!(
                        "cannot read the framework and units of {year}: {}",
                        e.message(l10n::Lang::En)
                    );
                }
                if let Err(e) = store.unit_summaries(year) {
                    warn!("cannot read the item summaries of {year}: {e}");
                }
            });
    }
    let wake = listener.try_clone().map_err(|e| ServerError::Socket {
        path: sock.clone(),
        source: e,
    })?;
    let acceptor = {
        let shared = shared.clone();
        std::thread::Builder::new()
            .name("accept".into())
            .spawn(move || accept_loop(listener, shared))
            .map_err(|e| ServerError::Socket {
                path: sock.clone(),
                source: e,
            })?
    };
    let supervisor = {
        let opts = opts.clone();
        std::thread::Builder::new()
            .name("supervisor".into())
            .spawn(move || supervise(shared, control_rx, opts, wake, acceptor, identity))
            .map_err(|e| ServerError::Socket {
                path: sock.clone(),
                source: e,
            })?
    };
    info!(
        "serving {} as process {pid} ({}), idle exit {}",
        dir.display(),
        crate::protocol::program(),
        opts.idle_exit
            .map(|d| format!("{} s", d.as_secs()))
            .unwrap_or_else(|| "never".into())
    );
    Ok(Server {
        control,
        supervisor: Some(supervisor),
        dir,
    })
}

/// Turn off transparent huge pages for this process. The allocator (mimalloc) asks for them on
/// its arenas, and each session's thread touches its own part of them: a request read into a
/// few hundred KB then held 2 MiB pages, so 64 sessions each holding 1 MiB of a request cost
/// 600 MB (re-test E2), 200 KB requests 4 MB each. With 4 KiB pages a session costs what it
/// holds.
fn no_huge_pages() {
    // SAFETY: PR_SET_THP_DISABLE only sets a flag of this process.
    let r = unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
    if r != 0 {
        warn!(
            "cannot turn off transparent huge pages: {}",
            std::io::Error::last_os_error()
        );
    }
}

/// File descriptors a session holds (its socket and the clones its reader and writer use), with
/// a margin.
const FDS_PER_SESSION: usize = 6;
/// File descriptors kept for everything but sessions: the store's files (sled, the journal),
/// the log, the listener, the user database read at each hello, a backup or verify.
const FDS_RESERVED: usize = 128;

/// The soft limit of open files of this process (`None` if unknown or unlimited).
fn open_files_limit() -> Option<usize> {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes only `lim`.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0
        || lim.rlim_cur == libc::RLIM_INFINITY
    {
        return None;
    }
    usize::try_from(lim.rlim_cur).ok()
}

/// Raise this process's soft limit of open files to its hard limit (`thamdinh serve`): the
/// server holds a few descriptors per session. Returns (before, after).
pub fn raise_open_files_limit() -> std::io::Result<(u64, u64)> {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit read and write only `lim`.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
        return Err(std::io::Error::last_os_error());
    }
    let before = lim.rlim_cur;
    if lim.rlim_cur < lim.rlim_max {
        lim.rlim_cur = lim.rlim_max;
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) } != 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok((before, lim.rlim_cur))
}

/// The most sessions this server takes: `SESSIONS_ALL`, or fewer when its file-descriptor limit
/// would not leave room for them, the connections waiting for their hello and `FDS_RESERVED`.
fn session_cap() -> usize {
    let by_fds = open_files_limit().map_or(usize::MAX, |n| {
        n.saturating_sub(FDS_RESERVED + crate::protocol::PENDING_HELLOS_ALL) / FDS_PER_SESSION
    });
    let cap = crate::protocol::SESSIONS_ALL.min(by_fds).max(1);
    if cap < crate::protocol::SESSIONS_ALL {
        warn!(
            "the open-files limit ({}) allows {cap} sessions, not {}: raise LimitNOFILE",
            open_files_limit().unwrap_or(0),
            crate::protocol::SESSIONS_ALL
        );
    }
    cap
}

/// Log what opening the store did besides opening it.
fn log_open_report(store: &Store) {
    let r = store.open_report();
    if let Some(m) = &r.migrated {
        info!("{m}");
    }
    if let Some(cut) = &r.torn_tail_cut {
        warn!(
            "cut the journal's torn end, a write that was never acknowledged: {}",
            log_line(cut)
        );
    }
    if let Some(why) = &r.rebuilt {
        warn!(
            "the state was rebuilt from the journal's {} events: {}",
            r.events,
            log_line(why)
        );
    } else if r.replayed > 0 {
        info!(
            "applied {} event(s) of the journal the state had not recorded",
            r.replayed
        );
    }
}

/// A text for one log line: control and format characters shown escaped, so that one record
/// is one line whatever a user sent.
pub(crate) fn log_line(s: &str) -> String {
    text::one_line(s).into_owned()
}

/// `thamdinh serve`: log to `DIR/server.log`, start, and stop on SIGTERM, SIGINT or SIGHUP.
pub fn run(dir: &Path, opts: &ServeOptions) -> Result<(), ServerError> {
    if !Store::exists(dir) {
        return Err(ServerError::Store(Store::not_found(dir)));
    }
    // Whatever the server creates (the log, the socket, sled's files) is private to its
    // account unless it opens it up itself.
    files::private_umask();
    // Nothing is opened (the log included) in a store another account could change.
    let problems = store::access::refusals(dir);
    if !problems.is_empty() {
        return Err(ServerError::Store(StoreError::Access {
            path: dir.to_path_buf(),
            problems,
        }));
    }
    init_log(dir)?;
    no_huge_pages();
    match raise_open_files_limit() {
        Ok((before, after)) if after > before => {
            info!("raised the open-files limit from {before} to {after}")
        }
        Ok(_) => {}
        Err(e) => warn!("cannot raise the open-files limit: {e}"),
    }
    // A panic anywhere (a writer thread, the hub) is written to the log with its thread; a
    // panic while answering a request is also caught by the session, with the request.
    std::panic::set_hook(Box::new(|info| {
        let thread = std::thread::current();
        tracing::error!(
            "panic in thread {}: {}",
            thread.name().unwrap_or("?"),
            log_line(&info.to_string())
        );
    }));
    // A daemon must not die of a write to a closed pipe or socket (the binary restores
    // SIGPIPE's default for pipelines); sockets are written with MSG_NOSIGNAL anyway.
    // SAFETY: SIG_IGN is a valid disposition; no handler code runs.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
    let server = match start(dir, opts) {
        Ok(s) => s,
        Err(e) => {
            match &e {
                ServerError::AlreadyServed { .. } => info!("not started: {e}"),
                _ => tracing::error!("not started: {e}"),
            }
            return Err(e);
        }
    };
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals =
        signal_hook::iterator::Signals::new([SIGTERM, SIGINT, SIGHUP]).map_err(|e| {
            ServerError::File {
                path: PathBuf::from("(signal handlers)"),
                source: e,
            }
        })?;
    let handle = signals.handle();
    let control = server.control.clone();
    let watcher = std::thread::spawn(move || {
        if let Some(sig) = signals.forever().next() {
            let name = match sig {
                SIGTERM => "SIGTERM",
                SIGINT => "SIGINT",
                _ => "SIGHUP",
            };
            let _ = control.send(Control::Stop(format!("received {name}")));
        }
    });
    let why = server.wait();
    if !watcher.is_finished() {
        handle.close();
    }
    let _ = watcher.join();
    info!("stopped: {why}");
    if RESTART_NEEDED.load(Ordering::Acquire) {
        return Err(ServerError::MustRestart {
            dir: dir.to_path_buf(),
        });
    }
    Ok(())
}

/// The server stopped because the store cannot bring its state back in this process
/// (`store::Store::must_restart`): `serve` then exits with an error.
static RESTART_NEEDED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Open the store, naming this process in `DIR/server.pid` as soon as it holds the lock (so a
/// client that finds the store locked while a large store is checked or rebuilt knows a server
/// is starting). If the lock is held by a live server named in the pid file, say so at once;
/// otherwise wait a moment (a client checking for a stale socket holds the lock briefly, and a
/// server that just took it writes its pid file right after) before giving up.
fn open_store(dir: &Path, pid: u32) -> Result<Store, ServerError> {
    let deadline = Instant::now() + LOCK_WAIT;
    loop {
        let mut named = Ok(());
        match Store::open_with(dir, || named = files::write_pid_file(dir, pid)) {
            Ok(s) => {
                named?;
                return Ok(s);
            }
            Err(StoreError::InUse { .. }) => {
                let named = paths::read_pid(dir)
                    .filter(|p| *p != std::process::id() && paths::process_alive(*p));
                if named.is_some() || Instant::now() >= deadline {
                    return Err(ServerError::AlreadyServed {
                        dir: dir.to_path_buf(),
                        pid: named,
                        holder: paths::lock_holder(dir),
                    });
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(e) => {
                if named.is_ok() {
                    remove_pid_file(dir, pid);
                }
                return Err(ServerError::Store(e));
            }
        }
    }
}

/// Remove the pid file if it still names this process.
fn remove_pid_file(dir: &Path, pid: u32) {
    if paths::read_pid(dir) == Some(pid) {
        let _ = std::fs::remove_file(paths::pid_path(dir));
    }
}

/// (device, inode) of the socket file: a different one means someone replaced it.
fn socket_identity(sock: &Path) -> Option<(u64, u64)> {
    std::fs::symlink_metadata(sock)
        .ok()
        .map(|m| (m.dev(), m.ino()))
}

fn accept_loop(listener: UnixListener, shared: Arc<Shared>) {
    // A few connections of each user may wait for their hello; more are closed at once, with a
    // line in the log now and then (SPEC S5).
    let gate = session::HelloGate::new();
    let mut crowd = session::CrowdLog::new();
    for conn in listener.incoming() {
        if shared.stopping.load(Ordering::Acquire) {
            break;
        }
        match conn {
            Ok(stream) => match gate.enter(&stream) {
                Ok(ticket) => {
                    let s = shared.clone();
                    if let Err(e) = std::thread::Builder::new()
                        .name("session".into())
                        .spawn(move || session::run(s, stream, ticket))
                    {
                        warn!("cannot start a session thread: {e}");
                    }
                }
                Err(crowded) => {
                    crowd.note(&crowded);
                    drop(stream);
                }
            },
            Err(e) => {
                warn!("accept failed: {e}");
                // Out of descriptors or similar: do not spin.
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
}

/// Count clients, stop when idle, when asked or when the socket is no longer ours; then shut
/// down in order.
fn supervise(
    shared: Arc<Shared>,
    rx: Receiver<Control>,
    opts: ServeOptions,
    listener: UnixListener,
    acceptor: JoinHandle<()>,
    identity: Option<(u64, u64)>,
) -> String {
    let sock = paths::socket_path(&shared.dir);
    let mut clients: usize = 0;
    let mut idle_since = Some(Instant::now());
    let mut last_watch = Instant::now();
    let why = loop {
        let mut wait = WATCH_EVERY.saturating_sub(last_watch.elapsed());
        if let (Some(idle), Some(since)) = (opts.idle_exit, idle_since) {
            wait = wait.min(idle.saturating_sub(since.elapsed()));
        }
        match rx.recv_timeout(wait) {
            Ok(Control::SessionStarted) => {
                clients += 1;
                idle_since = None;
            }
            Ok(Control::SessionEnded) => {
                clients = clients.saturating_sub(1);
                if clients == 0 {
                    idle_since = Some(Instant::now());
                }
            }
            Ok(Control::Stop(why)) => break why,
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break "no more control messages".into(),
        }
        if let (Some(idle), Some(since)) = (opts.idle_exit, idle_since)
            && since.elapsed() >= idle
        {
            break format!("no clients for {} s", idle.as_secs());
        }
        if last_watch.elapsed() >= WATCH_EVERY {
            last_watch = Instant::now();
            if socket_identity(&sock) != identity {
                break format!("the socket {} was removed or replaced", sock.display());
            }
            if shared.root.engine().store().must_restart() {
                // Logged by the store; a non-zero exit has the service manager start it again
                // (a personal store's next command starts it).
                RESTART_NEEDED.store(true, Ordering::Release);
                break "the state must be built again from the journal by a new process".into();
            }
            if !shared.root.engine().store().still_in_place() {
                // Commits are refused from the moment it happened (the store checks before
                // every write); stop, so nothing more is served from a folder not there.
                tracing::error!(
                    "the store folder {} or its journal was moved, replaced or deleted: no more \
                     changes are accepted; stopping",
                    shared.dir.display()
                );
                break "the store folder was moved, replaced or deleted".into();
            }
        }
    };
    info!("stopping: {why}");
    // 1. No new connections; sessions stop reading after their current request.
    shared.stopping.store(true, Ordering::Release);
    let _ = rustix::net::shutdown(&listener, rustix::net::Shutdown::Both);
    let _ = acceptor.join();
    drop(listener);
    if socket_identity(&sock) == identity {
        let _ = std::fs::remove_file(&sock);
    }
    shared.hub.close();
    // 2. Let in-flight requests (commits) finish and be answered.
    let deadline = Instant::now() + DRAIN_WAIT;
    while clients > 0 {
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(Control::SessionEnded) => clients -= 1,
            Ok(Control::SessionStarted) => clients += 1,
            Ok(Control::Stop(_)) => {}
            Err(_) => {
                warn!("{clients} session(s) did not finish in time");
                break;
            }
        }
    }
    // 3. Release the store (its state flushed, so the next start applies nothing again), then
    // the pid file.
    // (A store that must restart has no state to flush: the next start builds it.)
    if !shared.root.engine().store().must_restart()
        && let Err(e) = shared.root.engine().store().flush()
    {
        warn!("cannot flush the state: {e}");
    }
    let dir = shared.dir.clone();
    let pid = shared.pid;
    drop(shared);
    remove_pid_file(&dir, pid);
    why
}

/// Send `tracing` output to `DIR/server.log` (0600, appended, never through a link; moved to
/// `server.log.1` when it grows large), one line per record. Never to a terminal.
fn init_log(dir: &Path) -> Result<(), ServerError> {
    let file = files::open_log(dir)?;
    let _ = tracing_subscriber::fmt()
        .with_writer(std::sync::Mutex::new(files::OneLine(file)))
        .with_ansi(false)
        .with_target(false)
        .with_thread_names(false)
        .try_init();
    Ok(())
}
