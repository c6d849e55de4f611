//! Reaching the store's server: connect and say hello; if nobody answers, clean up a stale
//! socket (only while holding the store's lock, so a live server's socket is never removed),
//! start `thamdinh serve --store DIR` detached (its own session, stdio on /dev/null) and wait
//! for it, with backoff, within a bound.

use std::io::Write;
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::protocol::frame::{self, FrameError, SocketWriter};
use crate::protocol::{Hello, HelloReply, PROTOCOL_VERSION, Refusal, Welcome};
use store::{LockProbe, Store};

use crate::server::paths;

use super::ClientError;

/// How a client reaches its server.
#[derive(Clone, Debug)]
pub struct ConnectOptions {
    /// Start a server when none answers (the normal case); `false` only connects.
    pub start_server: bool,
    /// The program to run as `PROGRAM serve --store DIR`; default: this executable.
    pub server_exe: Option<PathBuf>,
    /// How long to wait for a started server to answer.
    pub start_wait: Duration,
    /// `--idle-exit` for a server this client starts (default: the server's default).
    pub server_idle_exit: Option<Duration>,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            start_server: true,
            server_exe: None,
            start_wait: Duration::from_secs(5),
            server_idle_exit: None,
        }
    }
}

/// How long the store's lock may be held with no live server named in `server.pid` before the
/// holder is taken for another program rather than a server that is starting.
const NOT_A_SERVER_AFTER: Duration = Duration::from_millis(500);
/// Servers started by one attempt before giving up (a start can lose a race and exit).
const MAX_SPAWNS: u32 = 3;
/// How long to wait for the server's hello.
const HELLO_WAIT: Duration = Duration::from_secs(10);

/// A connected, welcomed stream.
pub(crate) struct Established {
    pub stream: UnixStream,
    pub welcome: Welcome,
    /// This call started the server.
    pub started: bool,
}

enum Handshake {
    Welcome(Welcome),
    /// The server is stopping or closed the connection: try again.
    Retry,
    Fail(ClientError),
}

/// Connect to the server of `dir`, starting it if needed (see the module comment).
pub(crate) fn establish(
    dir: &Path,
    opts: &ConnectOptions,
    since: Option<u64>,
    notices: bool,
) -> Result<Established, ClientError> {
    check_store(dir)?;
    let owner = paths::folder_owner(dir).map_err(|e| ClientError::Io {
        path: dir.to_path_buf(),
        source: e,
    })?;
    let mine = owner == rustix::process::geteuid().as_raw();
    let sock = paths::socket_path(dir);
    let deadline = Instant::now() + opts.start_wait;
    let mut spawned: Option<Child> = None;
    let mut spawns = 0;
    let mut held_since: Option<Instant> = None;
    let mut delay = Duration::from_millis(2);
    let mut last_problem = String::new();
    loop {
        match paths::connect(dir) {
            Ok(stream) => match check_peer(dir, &stream, owner).map_or_else(Handshake::Fail, |()| {
                handshake(dir, &stream, since, notices)
            }) {
                Handshake::Welcome(welcome) => {
                    let started = spawned.is_some();
                    if let Some(mut child) = spawned {
                        // Reap it when it exits, so it never lingers as a zombie.
                        let _ = std::thread::Builder::new()
                            .name("server-reaper".into())
                            .spawn(move || child.wait());
                    }
                    return Ok(Established {
                        stream,
                        welcome,
                        started,
                    });
                }
                Handshake::Retry => last_problem = "the server was stopping".into(),
                Handshake::Fail(e) => return Err(e),
            },
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                return Err(ClientError::Access {
                    path: sock,
                    source: e,
                });
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::ConnectionRefused
                ) =>
            {
                if !opts.start_server {
                    return Err(ClientError::NotRunning {
                        dir: dir.to_path_buf(),
                    });
                }
                if !mine {
                    // Another account's store (a service): only it can start the server. Wait
                    // while one it named is opening the store.
                    if !paths::read_pid(dir).is_some_and(paths::process_alive) {
                        return Err(ClientError::ServiceDown {
                            dir: dir.to_path_buf(),
                            owner,
                            personal: paths::personal_store(dir, owner),
                        });
                    }
                    last_problem = "a server is starting".into();
                } else {
                    match &mut spawned {
                        None => match Store::probe_lock(dir) {
                            LockProbe::Free(guard) => {
                                // Nobody serves the store: any socket file is stale.
                                match std::fs::remove_file(&sock) {
                                    Ok(()) => {}
                                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                                    Err(e) => {
                                        return Err(ClientError::Access {
                                            path: sock,
                                            source: e,
                                        });
                                    }
                                }
                                drop(guard);
                                spawns += 1;
                                spawned = Some(spawn_server(dir, opts).map_err(|e| {
                                    ClientError::Start {
                                        dir: dir.to_path_buf(),
                                        reason: e.to_string(),
                                    }
                                })?);
                            }
                            LockProbe::Held => {
                                let server_named =
                                    paths::read_pid(dir).is_some_and(paths::process_alive);
                                let since_held = *held_since.get_or_insert_with(Instant::now);
                                if !server_named && since_held.elapsed() >= NOT_A_SERVER_AFTER {
                                    return Err(ClientError::InUse {
                                        dir: dir.to_path_buf(),
                                        holder: paths::lock_holder(dir),
                                    });
                                }
                                last_problem = "a server is starting".into();
                            }
                            LockProbe::Unknown(e) => {
                                return Err(if e.kind() == std::io::ErrorKind::PermissionDenied {
                                    ClientError::Access {
                                        path: dir.to_path_buf(),
                                        source: e,
                                    }
                                } else {
                                    ClientError::Io {
                                        path: dir.to_path_buf(),
                                        source: e,
                                    }
                                });
                            }
                        },
                        Some(child) => {
                            if let Ok(Some(status)) = child.try_wait() {
                                // It may have lost a start race to another server, which then
                                // died too: start another; after a few, it really fails.
                                if !matches!(Store::probe_lock(dir), LockProbe::Held) {
                                    // A server that refused the store says why: show it.
                                    if let Some((vi, en)) = failure_of(child) {
                                        return Err(ClientError::ServerFailed {
                                            dir: dir.to_path_buf(),
                                            vi,
                                            en,
                                        });
                                    }
                                    // 101: the server stopped on an internal error (a
                                    // panic, in its log) before it could say why.
                                    if spawns >= MAX_SPAWNS && status.code() == Some(101) {
                                        let (vi, en) = internal_failure(dir);
                                        return Err(ClientError::ServerFailed {
                                            dir: dir.to_path_buf(),
                                            vi,
                                            en,
                                        });
                                    }
                                    if spawns >= MAX_SPAWNS {
                                        return Err(ClientError::Start {
                                            dir: dir.to_path_buf(),
                                            reason: format!("the server exited ({status})"),
                                        });
                                    }
                                    spawned = None;
                                }
                            }
                            last_problem = format!("no answer on {}", sock.display());
                        }
                    }
                }
            }
            Err(e) => {
                return Err(ClientError::Io {
                    path: sock,
                    source: e,
                });
            }
        }
        if Instant::now() >= deadline {
            // A server named in the pid file holds the store but does not answer yet.
            if let Some(pid) = paths::read_pid(dir).filter(|p| paths::process_alive(*p))
                && !matches!(Store::probe_lock(dir), LockProbe::Free(_))
            {
                return Err(ClientError::Starting {
                    dir: dir.to_path_buf(),
                    pid,
                });
            }
            return Err(ClientError::Start {
                dir: dir.to_path_buf(),
                reason: format!(
                    "{last_problem} after {:.1} s",
                    opts.start_wait.as_secs_f64()
                ),
            });
        }
        std::thread::sleep(delay.min(deadline.saturating_duration_since(Instant::now())));
        delay = (delay * 2).min(Duration::from_millis(100));
    }
}

/// For a command that would open the store itself when no server answers (`verify`): why it
/// must not, when the store belongs to another account — its server is starting, or is not
/// running and only its owner can start it. `None` when this account owns the store (or is
/// root, whom the store's own checks answer).
pub fn not_served(dir: &Path) -> Option<ClientError> {
    let owner = paths::folder_owner(dir).ok()?;
    let me = rustix::process::geteuid().as_raw();
    if owner == me || me == 0 {
        return None;
    }
    Some(
        match paths::read_pid(dir).filter(|p| paths::process_alive(*p)) {
            Some(pid) => ClientError::Starting {
                dir: dir.to_path_buf(),
                pid,
            },
            None => ClientError::ServiceDown {
                dir: dir.to_path_buf(),
                owner,
                personal: paths::personal_store(dir, owner),
            },
        },
    )
}

/// The owner of the store in `dir` refused as a non-member by its running server (the service
/// account): say that, not that a lead should add it.
pub fn owner_refused(dir: &Path, e: ClientError) -> ClientError {
    let me = rustix::process::geteuid().as_raw();
    match (&e, paths::folder_owner(dir)) {
        (
            ClientError::Refused {
                refusal: crate::protocol::Refusal::NotMember(_),
                ..
            },
            Ok(owner),
        ) if owner == me => match paths::read_pid(dir).filter(|p| paths::process_alive(*p)) {
            Some(pid) => ClientError::OwnerNotMember {
                dir: dir.to_path_buf(),
                pid,
            },
            None => e,
        },
        _ => e,
    }
}

/// Why the store in `dir` is locked when its lock is found held, saying only what is known: a
/// server named in `server.pid` that is still opening the store, or the process the kernel
/// says holds the lock (if it says).
pub fn why_locked(dir: &Path) -> ClientError {
    match paths::read_pid(dir).filter(|p| paths::process_alive(*p)) {
        Some(pid) => ClientError::Starting {
            dir: dir.to_path_buf(),
            pid,
        },
        None => ClientError::InUse {
            dir: dir.to_path_buf(),
            holder: paths::lock_holder(dir),
        },
    }
}

/// Trust the process on the socket only if it, and the socket file, belong to the account
/// that owns the store folder: a socket planted by someone else (in a folder they could write,
/// or by a process of theirs) is refused before anything is sent to it.
fn check_peer(dir: &Path, stream: &UnixStream, owner: u32) -> Result<(), ClientError> {
    let peer = rustix::net::sockopt::socket_peercred(stream)
        .map_err(|e| ClientError::Io {
            path: paths::socket_path(dir),
            source: e.into(),
        })?
        .uid
        .as_raw();
    let socket_owner = {
        use std::os::unix::fs::MetadataExt;
        std::fs::symlink_metadata(paths::socket_path(dir))
            .ok()
            .map(|m| m.uid())
    };
    if peer == owner && socket_owner == Some(owner) {
        return Ok(());
    }
    Err(ClientError::NotTheStoresServer {
        dir: dir.to_path_buf(),
        store_owner: owner,
        socket_owner,
        peer,
    })
}

fn check_store(dir: &Path) -> Result<(), ClientError> {
    if Store::exists(dir) {
        return Ok(());
    }
    // A member outside the store's group cannot look inside: say that, not "no store".
    let inside = std::fs::symlink_metadata(dir.join("journal"));
    if let Err(e) = inside
        && e.kind() == std::io::ErrorKind::PermissionDenied
    {
        return Err(ClientError::Access {
            path: dir.to_path_buf(),
            source: e,
        });
    }
    match std::fs::metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => Err(ClientError::Access {
            path: dir.to_path_buf(),
            source: e,
        }),
        _ => Err(ClientError::NotAStore {
            dir: dir.to_path_buf(),
        }),
    }
}

/// Say hello and read the answer.
fn handshake(dir: &Path, stream: &UnixStream, since: Option<u64>, notices: bool) -> Handshake {
    let protocol = |reason: String| {
        Handshake::Fail(ClientError::Protocol {
            dir: dir.to_path_buf(),
            reason,
        })
    };
    let hello = Hello {
        protocol: PROTOCOL_VERSION,
        program: crate::protocol::program(),
        since,
        notices,
    };
    let sent = frame::encode(&hello)
        .and_then(|b| SocketWriter(stream).write_all(&b).map_err(FrameError::Io));
    if let Err(e) = sent {
        return if e.is_disconnect() {
            Handshake::Retry
        } else {
            protocol(e.message(l10n::Lang::En))
        };
    }
    let _ = stream.set_read_timeout(Some(HELLO_WAIT));
    let reply: Result<HelloReply, FrameError> = frame::read_msg(&mut &*stream);
    let _ = stream.set_read_timeout(None);
    match reply {
        Ok(HelloReply::Welcome(w)) if w.protocol == PROTOCOL_VERSION => Handshake::Welcome(w),
        Ok(HelloReply::Welcome(w)) => Handshake::Fail(ClientError::Refused {
            dir: dir.to_path_buf(),
            refusal: Refusal::Version {
                server: w.protocol,
                client: PROTOCOL_VERSION,
                server_program: w.program,
                server_pid: w.server_pid,
            },
        }),
        Ok(HelloReply::Refused(Refusal::ShuttingDown)) => Handshake::Retry,
        Ok(HelloReply::Refused(refusal)) => Handshake::Fail(ClientError::Refused {
            dir: dir.to_path_buf(),
            refusal,
        }),
        Err(FrameError::Io(e))
            if matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ) =>
        {
            protocol(format!(
                "no hello from the server within {} s",
                HELLO_WAIT.as_secs()
            ))
        }
        Err(e) if e.is_disconnect() => Handshake::Retry,
        Err(e) => protocol(e.message(l10n::Lang::En)),
    }
}

/// Start `PROGRAM serve --store DIR` in its own session, detached from this terminal.
/// Why a server this client started could not start, as it said it (both languages).
fn failure_of(child: &mut Child) -> Option<(String, String)> {
    use std::io::Read;
    let mut text = String::new();
    child
        .stdout
        .take()?
        .take(64 * 1024)
        .read_to_string(&mut text)
        .ok()?;
    let v: serde_json::Value = serde_json::from_str(text.lines().last()?).ok()?;
    Some((v["vi"].as_str()?.to_string(), v["en"].as_str()?.to_string()))
}

/// What to tell the user when the server stopped on an internal error while it opened the
/// store (both languages: what happened, where it is written, and what repairs it).
fn internal_failure(dir: &Path) -> (String, String) {
    let log = paths::log_path(dir);
    (
        format!(
            "máy chủ dừng vì một lỗi nội bộ khi mở kho (chi tiết ghi trong {}). Chưa thay đổi \
             gì. Hãy chạy `thamdinh verify`: nếu nó báo không đọc được trạng thái lưu trữ, chạy \
             `thamdinh rebuild` (dựng lại trạng thái từ nhật ký); nếu nó báo nhật ký bị hỏng, \
             khôi phục kho từ bản sao lưu (thamdinh restore TỆP --store THƯ_MỤC_MỚI).",
            log.display()
        ),
        format!(
            "the server stopped on an internal error while opening the store (details in {}). \
             Nothing was changed. Run `thamdinh verify`: if it says the stored state cannot be \
             read, run `thamdinh rebuild` (the state is built again from the journal); if it \
             says the journal is damaged, restore the store from a backup (thamdinh restore \
             FILE --store NEW_FOLDER).",
            log.display()
        ),
    )
}

fn spawn_server(dir: &Path, opts: &ConnectOptions) -> std::io::Result<Child> {
    let exe = match &opts.server_exe {
        Some(p) => p.clone(),
        None => std::env::current_exe()?,
    };
    let dir = std::path::absolute(dir)?;
    let mut cmd = Command::new(exe);
    cmd.arg("serve")
        .arg("--store")
        .arg(&dir)
        .arg("--report-failure");
    if let Some(idle) = opts.server_idle_exit {
        cmd.arg("--idle-exit").arg(idle.as_secs().to_string());
    }
    // Standard output carries only the reason the server could not start (read by
    // `failure_of`); once it runs, it writes nothing there.
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .current_dir("/");
    // SAFETY: setsid is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            rustix::process::setsid()?;
            Ok(())
        });
    }
    cmd.spawn()
}
