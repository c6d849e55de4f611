//! One connected client: the handshake (protocol version, identity from the peer credentials,
//! membership), then its requests, answered in order by this thread; a writer thread sends the
//! answers and the notices the hub queues.
//!
//! What a connection can make the server hold is bounded (SPEC S5; the limits are in
//! `crate::protocol`): a few connections of a user may wait for their hello ([`HelloGate`]), the
//! hello is small and has one deadline; a request is small unless its author may write; large
//! requests are read one at a time; answers go out in frames cut by size through a queue bounded
//! in bytes (`hub::outbox`); a catch-up is read from the store as the client reads it.

use std::collections::HashMap;
use std::io::{BufReader, Write};
use std::os::unix::net::UnixStream;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde::Serialize;
use tracing::{debug, info, warn};

use crate::protocol::frame::{self, DeadlineReader, FrameError, SocketWriter};
use crate::protocol::list::{self, ListKind};
use crate::protocol::{
    BACKUP_CHUNK, CHUNK, ClientRequest, HELLO_DEADLINE, HELLO_MAX, Hello, HelloReply,
    IMPORT_DEADLINE, LARGE_REQUEST_DEADLINE, PAGE_BYTES, PART_BYTES, PENDING_HELLOS,
    PENDING_HELLOS_ALL, PROTOCOL_VERSION, Part, READER_REQUEST_MAX, REQUESTS_IN_FLIGHT, Refusal,
    Reply, Request, SERVER_FRAME_MAX, SESSIONS_PER_USER, SMALL_REQUEST, ServerMsg, ServerStatus,
    WRITER_REQUEST_MAX, Welcome,
};
use api::Workbench;
use api::{Feed, WorkbenchError};
use domain::{Command, ImportHead, ItemKey, Role};
use engine::LocalWorkbench;

use super::hub::outbox::STALL;
use super::hub::{CatchUp, Frame, FrameBuf, Outbox, Refused, RegisterError, Wants};
use super::{Control, Shared};

/// How long a session that ends waits for its last frames to be read.
const LAST_WRITES: Duration = Duration::from_secs(10);

/// Connections waiting for their hello: at most `PENDING_HELLOS` of one user (by the peer
/// credentials' uid) and `PENDING_HELLOS_ALL` of everyone. Held by `accept_loop`.
pub(crate) struct HelloGate {
    counts: Arc<Mutex<Waiting>>,
}

#[derive(Default)]
struct Waiting {
    all: usize,
    by_uid: HashMap<u32, usize>,
}

/// A place among the connections waiting for their hello; given back when dropped.
pub(crate) struct Ticket {
    counts: Arc<Mutex<Waiting>>,
    uid: u32,
}

/// A connection turned away because too many wait for their hello.
pub(crate) struct Crowded {
    pub uid: u32,
    pub waiting: usize,
}

fn lock_waiting(m: &Mutex<Waiting>) -> MutexGuard<'_, Waiting> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl HelloGate {
    pub(crate) fn new() -> HelloGate {
        HelloGate {
            counts: Arc::new(Mutex::new(Waiting::default())),
        }
    }

    /// A place for a new connection, or `Crowded` when its user (or everyone) has too many
    /// connections waiting for their hello.
    pub(crate) fn enter(&self, stream: &UnixStream) -> Result<Ticket, Crowded> {
        let uid = rustix::net::sockopt::socket_peercred(stream)
            .map(|c| c.uid.as_raw())
            .unwrap_or(u32::MAX);
        let mut w = lock_waiting(&self.counts);
        let mine = w.by_uid.get(&uid).copied().unwrap_or(0);
        if mine >= PENDING_HELLOS || w.all >= PENDING_HELLOS_ALL {
            return Err(Crowded {
                uid,
                waiting: w.all,
            });
        }
        w.all += 1;
        *w.by_uid.entry(uid).or_insert(0) += 1;
        Ok(Ticket {
            counts: self.counts.clone(),
            uid,
        })
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut w = lock_waiting(&self.counts);
        w.all = w.all.saturating_sub(1);
        if let Some(n) = w.by_uid.get_mut(&self.uid) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                w.by_uid.remove(&self.uid);
            }
        }
    }
}

/// Sessions (connections past their hello): at most `SESSIONS_PER_USER` of one user (by uid) and
/// `max_all` of everyone, so one member cannot take every file descriptor of the server (each
/// session holds a few) and lock the others out. Held in `Shared`.
pub(crate) struct SessionGate {
    counts: Arc<Mutex<Waiting>>,
    max_all: usize,
    /// When a refusal was last logged, and how many since.
    logged: Mutex<(Option<Instant>, u64)>,
}

/// Why a session was not let in.
pub(crate) enum Full {
    /// The user has `open` sessions already.
    User { open: usize },
    /// Everyone together has `max` sessions.
    All { max: usize },
}

impl SessionGate {
    pub(crate) fn new(max_all: usize) -> SessionGate {
        SessionGate {
            counts: Arc::new(Mutex::new(Waiting::default())),
            max_all,
            logged: Mutex::new((None, 0)),
        }
    }

    /// The most sessions of all users this server takes.
    pub(crate) fn max_all(&self) -> usize {
        self.max_all
    }

    /// A place for a session of `uid`, held until the session ends.
    pub(crate) fn enter(&self, uid: u32) -> Result<Ticket, Full> {
        let mut w = lock_waiting(&self.counts);
        let open = w.by_uid.get(&uid).copied().unwrap_or(0);
        if open >= SESSIONS_PER_USER {
            return Err(Full::User { open });
        }
        if w.all >= self.max_all {
            return Err(Full::All { max: self.max_all });
        }
        w.all += 1;
        *w.by_uid.entry(uid).or_insert(0) += 1;
        Ok(Ticket {
            counts: self.counts.clone(),
            uid,
        })
    }

    /// Log a refused session: the first, then at most one line every `CrowdLog::EVERY`.
    fn note(&self, line: impl FnOnce(u64) -> String) {
        let mut l = self.logged.lock().unwrap_or_else(|p| p.into_inner());
        l.1 += 1;
        if l.0.is_none_or(|t| t.elapsed() >= CrowdLog::EVERY) {
            warn!("{}", line(l.1));
            *l = (Some(Instant::now()), 0);
        }
    }
}

/// The bytes of requests over `SMALL_REQUEST` (and up to `READER_REQUEST_MAX`) being received,
/// all sessions together, at most `REQUESTS_IN_FLIGHT` (re-test E2: 201 sessions each holding
/// a 1 MiB request but for its last byte made the server hold 1.9 GB). Held in `Shared`.
pub(crate) struct RequestBudget {
    used: Mutex<usize>,
    freed: std::sync::Condvar,
    max: usize,
}

/// Room for one request in the `RequestBudget`, given back when dropped (once the request is
/// read and decoded, or not).
pub(crate) struct Room<'a> {
    budget: &'a RequestBudget,
    len: usize,
}

impl RequestBudget {
    pub(crate) fn new(max: usize) -> RequestBudget {
        RequestBudget {
            used: Mutex::new(0),
            freed: std::sync::Condvar::new(),
            max,
        }
    }

    /// Room for `len` bytes, waiting until `deadline` for others to be read; `None` if there is
    /// still none then.
    pub(crate) fn room(&self, len: usize, deadline: Instant) -> Option<Room<'_>> {
        let len = len.min(self.max);
        let mut used = self.used.lock().unwrap_or_else(|p| p.into_inner());
        while *used + len > self.max {
            let left = deadline.checked_duration_since(Instant::now())?;
            used = self
                .freed
                .wait_timeout(used, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        *used += len;
        Some(Room { budget: self, len })
    }
}

impl Drop for Room<'_> {
    fn drop(&mut self) {
        let mut used = self.budget.used.lock().unwrap_or_else(|p| p.into_inner());
        *used = used.saturating_sub(self.len);
        drop(used);
        self.budget.freed.notify_all();
    }
}

/// Logs connections closed at once by the `HelloGate`: the first, then at most one line every
/// `EVERY` with how many, so a flood of connections does not flood the log.
pub(crate) struct CrowdLog {
    last: Option<Instant>,
    since: u64,
}

impl CrowdLog {
    const EVERY: Duration = Duration::from_secs(10);

    pub(crate) fn new() -> CrowdLog {
        CrowdLog {
            last: None,
            since: 0,
        }
    }

    pub(crate) fn note(&mut self, c: &Crowded) {
        self.since += 1;
        if self.last.is_none_or(|t| t.elapsed() >= Self::EVERY) {
            warn!(
                "closed {} connection(s) at once: too many connections wait for their hello \
                 (the last from uid {}; {} waiting; at most {PENDING_HELLOS} per user and \
                 {PENDING_HELLOS_ALL} in all)",
                self.since, c.uid, c.waiting
            );
            self.last = Some(Instant::now());
            self.since = 0;
        }
    }
}

/// Serve one connection until it closes or the server stops. `ticket` is its place among the
/// connections waiting for their hello, given back once the hello is read.
pub(crate) fn run(shared: Arc<Shared>, stream: UnixStream, ticket: Ticket) {
    let hello = handshake(&shared, &stream);
    drop(ticket);
    // `_place`: this session's place among the sessions (see `SessionGate`), until it ends.
    let Some((user, hello, _place)) = hello else {
        return;
    };
    let out = shared.hub.outbox();
    let writer = match (stream.try_clone(), stream.try_clone()) {
        (Ok(w), Ok(s)) => {
            let out = out.clone();
            std::thread::Builder::new()
                .name("session-writer".into())
                .spawn(move || write_loop(w, s, out))
        }
        (Err(e), _) | (_, Err(e)) => {
            warn!("cannot clone a client socket: {e}");
            return;
        }
    };
    let writer = match writer {
        Ok(w) => w,
        Err(e) => {
            warn!("cannot start a writer thread: {e}");
            return;
        }
    };
    let (socket, own) = match (stream.try_clone(), stream.try_clone()) {
        (Ok(s), Ok(o)) => (s, o),
        (Err(e), _) | (_, Err(e)) => {
            warn!("cannot clone a client socket: {e}");
            out.cut();
            let _ = writer.join();
            return;
        }
    };
    let role = shared.root.engine().role_of(&user).ok().flatten();
    let registered = shared.hub.register(
        &user,
        out.clone(),
        socket,
        Wants {
            since: hello.since,
            notices: hello.notices,
        },
        |session, last_seq, catch_up| {
            let w = HelloReply::Welcome(Welcome {
                protocol: PROTOCOL_VERSION,
                program: crate::protocol::program(),
                session,
                user: user.clone(),
                role,
                server_pid: shared.pid,
                started: shared.started,
                store: shared.dir.clone(),
                last_seq,
                catch_up,
            });
            frame::encode(&w).ok().map(|b| Arc::new(FrameBuf::from(b)))
        },
    );
    let registered = match registered {
        Ok(r) => r,
        Err(RegisterError::Closed) => {
            let _ = send_now(&stream, &HelloReply::Refused(Refusal::ShuttingDown));
            out.finish();
            let _ = writer.join();
            return;
        }
    };
    let session = registered.session;
    let _ = shared.control.send(Control::SessionStarted);
    info!(
        "session {session}: {user} connected ({})",
        if hello.program.is_empty() {
            "unknown client"
        } else {
            &hello.program
        }
    );
    let s = Session {
        shared: shared.clone(),
        wb: shared.root.session(user.clone()),
        user,
        session,
        out: out.clone(),
        socket: own,
    };
    let why = match registered.catch_up_from {
        Some(from) => match s.catch_up(from) {
            Ok(()) => s.serve(&stream),
            Err(Gone) => "it did not read the events it missed".into(),
        },
        None => s.serve(&stream),
    };
    shared.hub.remove(session);
    info!("session {session}: {} left ({why})", s.user);
    drop(s);
    // The last frames go out to a client that reads them; one that does not is not waited for.
    let _ = stream.set_write_timeout(Some(LAST_WRITES));
    out.finish();
    let _ = writer.join();
    drop(out);
    // Give back what the session freed: its queue, a large request, a catch-up; and what threads
    // that ended before it left to the allocator (the start-up's reading of the summaries).
    crate::server::release_memory();
    // Let go of the engine before saying so: a stopping server releases the store once the
    // last session has ended.
    let control = shared.control.clone();
    drop(shared);
    let _ = control.send(Control::SessionEnded);
}

/// Read the hello, find out who the peer is and whether they may connect. Refusals are sent
/// here; `None` means the connection is done.
fn handshake(shared: &Shared, stream: &UnixStream) -> Option<(String, Hello, Ticket)> {
    let deadline = Instant::now() + HELLO_DEADLINE;
    let hello: Hello = match frame::read_frame_by(stream, HELLO_MAX, deadline, HELLO_DEADLINE)
        .and_then(|body| frame::decode(&body))
    {
        Ok(h) => h,
        Err(e) => {
            debug!("a connection did not say hello: {e}");
            if !e.is_disconnect() {
                let _ = send_now(
                    stream,
                    &HelloReply::Refused(Refusal::BadHello {
                        reason: e.message(l10n::Lang::En),
                    }),
                );
            }
            return None;
        }
    };
    let refuse = |r: Refusal| {
        let _ = send_now(stream, &HelloReply::Refused(r));
        None
    };
    let cred = match rustix::net::sockopt::socket_peercred(stream) {
        Ok(c) => c,
        Err(e) => {
            warn!("cannot read the peer credentials of a connection: {e}");
            return None;
        }
    };
    let uid = cred.uid.as_raw();
    // A place among the sessions first: a user over their limit costs no lookup.
    let place = match shared.sessions.enter(uid) {
        Ok(p) => p,
        Err(full) => {
            let name = super::identity::user_name(uid).ok().flatten();
            let shown = name.clone().unwrap_or_else(|| format!("uid {uid}"));
            let max_all = shared.sessions.max_all();
            shared.sessions.note(|n| match &full {
                Full::User { open } => format!(
                    "refused {n} session(s): {shown} already has {open} sessions, the most one \
                     user may have ({SESSIONS_PER_USER})"
                ),
                Full::All { max } => format!(
                    "refused {n} session(s) (the last of {shown}): the server holds {max} \
                     sessions, the most it takes"
                ),
            });
            return refuse(match full {
                Full::User { open } => Refusal::TooManySessions {
                    user: name.unwrap_or_else(|| uid.to_string()),
                    open,
                    max: SESSIONS_PER_USER,
                },
                Full::All { .. } => Refusal::ServerFull { max: max_all },
            });
        }
    };
    let user = match super::identity::user_name(uid) {
        Ok(Some(user)) => user,
        Ok(None) => {
            info!("refused uid {uid}: no entry in the user database");
            return refuse(Refusal::UnknownUser { uid });
        }
        Err(e) => {
            warn!("refused uid {uid}: cannot read the user database: {e}");
            return refuse(Refusal::UserLookupFailed {
                uid,
                reason: e.to_string(),
            });
        }
    };
    if hello.protocol != PROTOCOL_VERSION {
        info!(
            "refused {user}: protocol {} (ours is {PROTOCOL_VERSION}), client {}",
            hello.protocol, hello.program
        );
        return refuse(Refusal::Version {
            server: PROTOCOL_VERSION,
            client: hello.protocol,
            server_program: crate::protocol::program(),
            server_pid: shared.pid,
        });
    }
    if let Err(e) = check_member(&shared.root, &user) {
        info!("refused {user}: not a member");
        return refuse(Refusal::NotMember(e));
    }
    if shared.stopping.load(Ordering::Acquire) {
        return refuse(Refusal::ShuttingDown);
    }
    Some((user, hello, place))
}

/// A member may use the store; so may anyone while it has no members at all (the first
/// `OpenYear` makes its author the lead).
fn check_member(root: &LocalWorkbench, user: &str) -> Result<(), WorkbenchError> {
    let engine = root.engine();
    if engine.role_of(user)?.is_some() {
        return Ok(());
    }
    let members = engine.store().members().map_err(engine::store_error)?;
    if members.is_empty() {
        return Ok(());
    }
    Err(WorkbenchError::NotMember {
        user: user.to_string(),
        leads: members
            .into_iter()
            .filter(|m| m.role == domain::Role::Lead)
            .map(|m| m.user)
            .collect(),
    })
}

/// Write one message directly (before the writer thread exists).
fn send_now<T: serde::Serialize>(stream: &UnixStream, msg: &T) -> Result<(), FrameError> {
    let bytes = frame::encode(msg)?;
    SocketWriter(stream).write_all(&bytes)?;
    Ok(())
}

fn write_loop(stream: UnixStream, socket: UnixStream, out: Arc<Outbox>) {
    let mut w = SocketWriter(stream);
    while let Some(f) = out.take() {
        if let Err(e) = w.write_all(f.bytes()) {
            debug!("a client stopped reading: {e}");
            break;
        }
    }
    // Whatever is still queued will not be sent: drop it, and stop an answer waiting for room.
    out.cut();
    // Unblock the reading side too if the client is gone.
    let _ = socket.shutdown(std::net::Shutdown::Both);
}

struct Session {
    shared: Arc<Shared>,
    wb: LocalWorkbench,
    user: String,
    session: u64,
    out: Arc<Outbox>,
    /// The connection, to close it when the client does not read.
    socket: UnixStream,
}

/// The client is gone (its writer ended, or it was disconnected).
struct Gone;

/// A request read from the socket, with the right to answer it when it is large.
struct Incoming<'a> {
    request: ClientRequest,
    _large: Option<MutexGuard<'a, ()>>,
}

/// `{"id":123,` at the start of a request: the id of a request too large to read, so the
/// refusal can be its answer.
fn request_id(head: &[u8]) -> Option<u64> {
    let rest = head.strip_prefix(b"{\"id\":")?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || rest.get(digits) != Some(&b',') {
        return None;
    }
    std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()
}

impl Session {
    /// Answer requests until the connection ends; returns why it ended.
    fn serve(&self, stream: &UnixStream) -> String {
        let mut reader = BufReader::new(DeadlineReader::new(stream));
        // A request that came in the middle of an import (which it ended): answered next.
        let mut next: Option<ClientRequest> = None;
        loop {
            let request = match next.take() {
                Some(r) => r,
                None => match self.read_request(&mut reader, None) {
                    Ok(Some(r)) => r.request,
                    Ok(None) => continue,
                    Err(why) => return why,
                },
            };
            let ClientRequest { id, request } = request;
            let handled = match request {
                Request::ImportBegin { head, plan } => {
                    self.import(id, head, plan, &mut reader, &mut next)
                }
                request => self
                    .handle(id, request)
                    .map_err(|Gone| "stopped reading".to_string()),
            };
            if let Err(why) = handled {
                return why;
            }
        }
    }

    /// The largest request this member may send: small unless they may write (an auditor
    /// cannot; see `protocol::READER_REQUEST_MAX`).
    fn request_max(&self) -> usize {
        match self.shared.root.engine().role_of(&self.user) {
            Ok(Some(Role::Auditor)) | Err(_) => READER_REQUEST_MAX,
            Ok(_) => WRITER_REQUEST_MAX,
        }
    }

    /// Read the next request. `Ok(None)`: a request over this member's limit was skipped and
    /// refused; `Err(why)`: the connection ends. With `deadline` (a piece of an import), the
    /// whole request must arrive by then, and a large one does not wait for its turn (the
    /// import already holds the commit, which orders imports).
    fn read_request<'a>(
        &'a self,
        reader: &mut BufReader<DeadlineReader<'_>>,
        deadline: Option<Instant>,
    ) -> Result<Option<Incoming<'a>>, String> {
        reader.get_mut().set_deadline(deadline);
        let read = self.read_request_by(reader, deadline);
        reader.get_mut().set_deadline(None);
        read
    }

    fn read_request_by<'a>(
        &'a self,
        reader: &mut BufReader<DeadlineReader<'_>>,
        deadline: Option<Instant>,
    ) -> Result<Option<Incoming<'a>>, String> {
        let bad = |e: FrameError| {
            if !e.is_disconnect() || matches!(e, FrameError::TimedOut { .. }) {
                warn!(
                    "session {}: {} sent a bad request, closing: {e}",
                    self.session, self.user
                );
            }
            e.message(l10n::Lang::En)
        };
        let limit = deadline.map_or(LARGE_REQUEST_DEADLINE, |_| IMPORT_DEADLINE);
        let len = match frame::read_len(reader) {
            Ok(n) => n,
            Err(FrameError::Closed) => return Err("closed".into()),
            Err(e) => {
                let got = reader.get_ref().got();
                return Err(bad(reader.get_ref().timed_out(e, got, limit)));
            }
        };
        let mut permit = None;
        let mut room = None;
        let mut limit = limit;
        if len > SMALL_REQUEST && len <= READER_REQUEST_MAX {
            // Read once it fits with the others being received, and then whole in time.
            let by = Instant::now() + LARGE_REQUEST_DEADLINE;
            let by = deadline.map_or(by, |d| d.min(by));
            match self.shared.requests.room(len, by) {
                Some(r) => room = Some(r),
                None => {
                    warn!(
                        "session {}: {} sent a request of {len} bytes and the server could not \
                         take it within {} s (requests of {} bytes in all are being received); \
                         closing",
                        self.session,
                        self.user,
                        LARGE_REQUEST_DEADLINE.as_secs(),
                        REQUESTS_IN_FLIGHT
                    );
                    return Err("no room for its request".into());
                }
            }
            if deadline.is_none_or(|d| by < d) {
                limit = LARGE_REQUEST_DEADLINE;
                reader.get_mut().set_deadline(Some(by));
            }
        } else if len > READER_REQUEST_MAX {
            let max = self.request_max();
            if len > max {
                return self.skip_request(reader, len, max).map(|()| None);
            }
            // One large request at a time, and it must arrive whole in time.
            let by = Instant::now() + LARGE_REQUEST_DEADLINE;
            if deadline.is_none() {
                permit = Some(self.shared.hub.large_request());
            }
            if deadline.is_none_or(|d| by < d) {
                limit = LARGE_REQUEST_DEADLINE;
                reader.get_mut().set_deadline(Some(by));
            }
        }
        let body = if room.is_some() {
            frame::read_body_exact(reader, len)
        } else {
            frame::read_body(reader, len)
        };
        let got = reader.get_ref().got();
        let body = body.map_err(|e| bad(reader.get_ref().timed_out(e, got, limit)))?;
        let request: ClientRequest = frame::decode(&body).map_err(bad)?;
        drop(body);
        drop(room);
        Ok(Some(Incoming {
            request,
            _large: permit,
        }))
    }

    /// A request over this member's limit: when it is one a member who may write could send
    /// (an auditor's import), read it through without keeping it and answer that this member
    /// only reads; otherwise close the connection.
    fn skip_request(
        &self,
        reader: &mut BufReader<DeadlineReader<'_>>,
        len: usize,
        max: usize,
    ) -> Result<(), String> {
        let too_large = FrameError::TooLarge {
            len: len as u64,
            max,
        };
        warn!(
            "session {}: {} sent a request of {len} bytes, over their limit of {max}",
            self.session, self.user
        );
        if len > WRITER_REQUEST_MAX {
            return Err(too_large.message(l10n::Lang::En));
        }
        reader
            .get_mut()
            .set_deadline(Some(Instant::now() + LARGE_REQUEST_DEADLINE));
        let head = frame::read_body(reader, 32.min(len));
        let skipped = head
            .as_ref()
            .ok()
            .map(|h| frame::skip_body(reader, len - h.len()));
        let got = reader.get_ref().got();
        reader.get_mut().set_deadline(None);
        let closed = |e: FrameError| {
            reader
                .get_ref()
                .timed_out(e, got, LARGE_REQUEST_DEADLINE)
                .message(l10n::Lang::En)
        };
        let head = head.map_err(closed)?;
        if let Some(Err(e)) = skipped {
            return Err(closed(e));
        }
        let Some(id) = request_id(&head) else {
            return Err(too_large.message(l10n::Lang::En));
        };
        self.reply(
            id,
            Err(WorkbenchError::ReadOnly {
                user: self.user.clone(),
            }),
        )
        .map_err(|Gone| "stopped reading".to_string())
    }

    /// Queue a frame of an answer, waiting while the client reads; a client that reads nothing
    /// for `STALL` is disconnected.
    fn put(&self, f: Frame) -> Result<(), Gone> {
        self.put_within(f, STALL)
    }

    /// [`Session::put`], with a client that reads nothing cut after `stall`.
    fn put_within(&self, f: Frame, stall: Duration) -> Result<(), Gone> {
        let put = self.out.put(f, stall);
        self.stalled(put, stall)
    }

    /// Wait until the outbox has room for a page, before the page is read from the store.
    fn room_for_page(&self, stall: Duration) -> Result<(), Gone> {
        let room = self.out.room_for(PAGE_BYTES, stall);
        self.stalled(room, stall)
    }

    /// What a wait for room came to: a client that read nothing for `stall` is disconnected.
    fn stalled(&self, waited: Result<(), Refused>, stall: Duration) -> Result<(), Gone> {
        match waited {
            Ok(()) => Ok(()),
            Err(Refused::Full) => {
                warn!(
                    "session {}: {} read nothing of its answers for {} s: disconnecting it",
                    self.session,
                    self.user,
                    stall.as_secs()
                );
                self.out.cut();
                let _ = self.socket.shutdown(std::net::Shutdown::Both);
                Err(Gone)
            }
            Err(Refused::Closed) => Err(Gone),
        }
    }

    fn send(&self, msg: &ServerMsg) -> Result<(), Gone> {
        let bytes = frame::encode_up_to(msg, SERVER_FRAME_MAX).map_err(|e| {
            warn!("cannot encode an answer: {e}");
            Gone
        })?;
        self.put(Arc::new(FrameBuf::from(bytes)))
    }

    fn reply(&self, id: u64, result: Result<Reply, WorkbenchError>) -> Result<(), Gone> {
        let msg = ServerMsg::Reply { id, result };
        match frame::encode_up_to(&msg, SERVER_FRAME_MAX) {
            Ok(bytes) => self.put(Arc::new(FrameBuf::from(bytes))),
            Err(e) => self.send(&ServerMsg::Reply {
                id,
                result: Err(unsendable(&e)),
            }),
        }
    }

    /// Send a long list as frames of about `PART_BYTES` (`Part`s, then the `Reply` with the
    /// last of them), whatever the size of its elements; each element is dropped once sent.
    fn send_list<T: Serialize>(&self, id: u64, kind: ListKind, items: Vec<T>) -> Result<(), Gone> {
        let mut it = items.into_iter().peekable();
        loop {
            match list::next_frame(kind, id, &mut it, PART_BYTES, CHUNK, SERVER_FRAME_MAX) {
                Ok(f) => {
                    let last = f.last;
                    self.put(Arc::new(FrameBuf::from(f)))?;
                    if last {
                        return Ok(());
                    }
                }
                Err(e) => {
                    warn!("session {}: cannot send an answer: {e}", self.session);
                    return self.reply(id, Err(unsendable(&e)));
                }
            }
        }
    }

    /// Send a history as it is read from the store: each page goes out as `Part`s (waiting
    /// while the client reads: the outbox is bounded), then an empty `Reply::Events` ends it.
    /// The server holds a page and the frames queued for the client, never the whole trail
    /// (finding 7 of the re-test: 1.14 GB for one whole-trail audit of a 246k-event store).
    fn send_history(&self, id: u64, q: &api::HistoryQuery) -> Result<(), Gone> {
        // A user's history or the whole trail comes in pages: one of `LONG_STREAMS` at a time.
        let turn = (q.unit.is_none() || q.year.is_none()).then(|| LONG_TURNS.take(&self.user));
        let stall = if turn.is_some() { LONG_STALL } else { STALL };
        let mut gone = false;
        let mut unsent = None;
        let r = self.wb.history_pages(q, &mut |page| {
            let mut it = page.into_iter().peekable();
            while it.peek().is_some() {
                let f = match list::next_part(
                    ListKind::History,
                    id,
                    &mut it,
                    PART_BYTES,
                    CHUNK,
                    SERVER_FRAME_MAX,
                ) {
                    Ok(f) => f,
                    Err(e) => {
                        warn!("session {}: cannot send an answer: {e}", self.session);
                        let err = unsendable(&e);
                        unsent = Some(err.clone());
                        return Err(err);
                    }
                };
                if self.put_within(Arc::new(FrameBuf::from(f)), stall).is_err() {
                    gone = true;
                    return Err(WorkbenchError::Unavailable {
                        vi: "máy khách không đọc câu trả lời".into(),
                        en: "the client does not read the answer".into(),
                    });
                }
            }
            Ok(())
        });
        if gone {
            return Err(Gone);
        }
        drop(turn);
        match (r, unsent) {
            (_, Some(e)) | (Err(e), None) => self.reply(id, Err(e)),
            (Ok(()), None) => self.reply(id, Ok(Reply::Events(Vec::new()))),
        }
    }

    /// Send the events from `next` on that were broadcast before this session went live, read
    /// from the store a page at a time as the client reads them. Each page is read afresh from
    /// the store, so nothing the store's reading keeps (its cache of texts) outlives a page.
    fn catch_up(&self, mut next: u64) -> Result<(), Gone> {
        let store = self.shared.root.engine().store();
        let mut turn = None;
        loop {
            let upto = match self.shared.hub.catch_up_step(self.session, next) {
                CatchUp::Send { upto } => upto,
                CatchUp::Done => return Ok(()),
                CatchUp::Gone => return Err(Gone),
            };
            // A long catch-up (a client far behind, or one asking from the start) waits for a
            // turn among the long streams and keeps it to the end.
            if turn.is_none() && upto.saturating_sub(next) >= crate::protocol::CATCH_UP_FREE {
                turn = Some(LONG_TURNS.take(&self.user));
            }
            while next <= upto {
                // Room first, then the page: a client that does not read makes the server
                // hold its bounded queue, not a page of decoded events as well (the issue 13
                // re-test: 5 members × 16 sessions catching up from 0 took 417 MB).
                let stall = if turn.is_some() { LONG_STALL } else { STALL };
                self.room_for_page(stall)?;
                let mut failed = None;
                let page = {
                    let mut events = store
                        .events(next)
                        .map_while(|ev| match ev {
                            Ok(ev) if ev.body.seq <= upto => Some(ev),
                            Ok(_) => None,
                            Err(e) => {
                                failed = Some(e.to_string());
                                None
                            }
                        })
                        .peekable();
                    list::next_frame(
                        ListKind::Committed,
                        0,
                        &mut events,
                        PAGE_BYTES,
                        CHUNK,
                        SERVER_FRAME_MAX,
                    )
                };
                let why = match page {
                    // Events are numbered without gaps: the page holds `next` onwards.
                    Ok(f) if f.count > 0 => {
                        next += f.count as u64;
                        self.put_within(Arc::new(FrameBuf::from(f)), stall)?;
                        continue;
                    }
                    Ok(_) => failed.unwrap_or_else(|| format!("the events end before {upto}")),
                    Err(e) => e.message(l10n::Lang::En),
                };
                warn!(
                    "session {}: the catch-up of {} stopped at event {next}: {why}; it reloads \
                     instead",
                    self.session, self.user
                );
                return match self.shared.hub.catch_up_abandon(self.session) {
                    CatchUp::Gone => Err(Gone),
                    _ => Ok(()),
                };
            }
        }
    }

    /// Answer one request. A panic while answering is caught here: it is logged with the
    /// request and the user, the client is told what happened and which command checks the
    /// store, and the session goes on.
    fn handle(&self, id: u64, req: Request) -> Result<(), Gone> {
        let name = req.name();
        let large = matches!(
            req,
            Request::Apply(_)
                | Request::ApplySummary(_)
                | Request::Plan(_)
                | Request::Items { .. }
                | Request::History(_)
                | Request::Verify
                | Request::Backup
        );
        self.guarded(id, &name, large, || self.answer(id, req))
            .map(|_| ())
    }

    /// An import sent in pieces (`Request::ImportBegin`, then `ImportRows` … `ImportEnd` or
    /// `ImportAbandon` with the same id): the engine takes each piece as it comes and writes
    /// its events as it goes (nothing durable before the end), so the server holds a few
    /// pieces of it at a time. A second thread reads and decodes the pieces a few ahead of the
    /// engine ([`read_import`]). The whole import must arrive within `IMPORT_DEADLINE` of the
    /// engine starting on it. A refusal is answered at once and the rest of the import read
    /// and dropped; another request in between ends the import (nothing written) and is
    /// answered next. `Err(why)`: the connection ends (nothing of the import written).
    fn import(
        &self,
        id: u64,
        head: ImportHead,
        plan: bool,
        reader: &mut BufReader<DeadlineReader<'_>>,
        next: &mut Option<ClientRequest>,
    ) -> Result<(), String> {
        let name = Request::ImportBegin { head, plan }.name();
        let gone = |Gone| "stopped reading".to_string();
        let (start_tx, start_rx) = crossbeam_channel::bounded::<Instant>(1);
        let (pieces_tx, pieces_rx) = crossbeam_channel::bounded::<Piece>(READ_AHEAD);
        std::thread::scope(|scope| {
            let reading = std::thread::Builder::new()
                .name("import-reader".into())
                .spawn_scoped(scope, move || {
                    // Nothing is read before the engine starts on the import.
                    match start_rx.recv() {
                        Ok(deadline) => self.read_import(id, reader, deadline, &pieces_tx),
                        Err(_) => Tail::Closed("the import was not read".into()),
                    }
                });
            let reading = match reading {
                Ok(r) => r,
                Err(e) => return Err(format!("cannot start the import's reader: {e}")),
            };
            let mut feed = Pieces {
                start: Some(start_tx),
                rx: pieces_rx,
                rows: 0,
            };
            let answered = self.guarded(id, &name, true, || {
                let result = if plan {
                    self.plan_import(id, head, &mut feed)
                } else {
                    self.apply_import(head, &mut feed)
                };
                Ok(result)
            });
            // The engine is done: the reader goes on to the import's end, dropping the rest.
            let Pieces { start, rx, .. } = feed;
            if let Some(start) = start {
                let _ = start.send(Instant::now() + IMPORT_DEADLINE);
            }
            drop(rx);
            let replied = match answered {
                Ok(Some(result)) => self.reply(id, result),
                // A panic, answered already.
                Ok(None) => Ok(()),
                Err(Gone) => Err(Gone),
            };
            let tail = reading
                .join()
                .unwrap_or_else(|_| Tail::Closed("the import's reader failed".into()));
            match tail {
                Tail::Closed(why) => return Err(why),
                Tail::Other(r) => *next = Some(r),
                Tail::Ended => {}
            }
            replied.map_err(gone)
        })
    }

    /// Read the requests of the import `id` (begun already) up to its end, by `deadline`,
    /// decoded, into `pieces` — while the engine takes them; once it has stopped taking them,
    /// they are read and dropped. Ends at the import's end, at a request of something else
    /// (which the session answers next), or when the connection does.
    fn read_import(
        &self,
        id: u64,
        reader: &mut BufReader<DeadlineReader<'_>>,
        deadline: Instant,
        pieces: &crossbeam_channel::Sender<Piece>,
    ) -> Tail {
        loop {
            let request = match self.read_request(reader, Some(deadline)) {
                Ok(Some(incoming)) => incoming.request,
                Ok(None) => {
                    let _ = pieces.send(Piece::Stopped(stopped(
                        "một phần của lệnh nhập vượt giới hạn kích thước",
                        "a piece of the import is over the size limit",
                    )));
                    // (Refused already as a request of its own; the import ends here.)
                    return Tail::Ended;
                }
                Err(why) => {
                    let _ = pieces.send(Piece::Stopped(stopped(
                        &format!("kết nối bị ngắt giữa lệnh nhập ({why})"),
                        &format!("the connection ended in the middle of the import ({why})"),
                    )));
                    return Tail::Closed(why);
                }
            };
            let ClientRequest { id: rid, request } = request;
            let (piece, end) = match request {
                Request::ImportRows(rows) if rid == id => (Piece::Rows(rows), false),
                Request::ImportEnd { rows } if rid == id => (Piece::End { rows }, true),
                Request::ImportAbandon if rid == id => (Piece::Abandon, true),
                request => {
                    let _ = pieces.send(Piece::Stopped(stopped(
                        "một yêu cầu khác đến giữa lệnh nhập",
                        "another request came in the middle of the import",
                    )));
                    return Tail::Other(ClientRequest { id: rid, request });
                }
            };
            // (Once the engine has stopped, the piece is dropped.)
            let _ = pieces.send(piece);
            if end {
                return Tail::Ended;
            }
        }
    }

    /// Commit an import read from `feed`, then tell the other sessions (see `apply_summarized`).
    fn apply_import(&self, head: ImportHead, feed: &mut Pieces) -> Result<Reply, WorkbenchError> {
        let name = head.kind.command().name();
        let r = self.wb.import_summarized(head, &mut || feed.next());
        match &r {
            Ok(Some(c)) => {
                let store = self.shared.root.engine().store();
                match &c.events {
                    Some(events) => self.shared.hub.publish(events, store),
                    None if c.count > 0 => self.shared.hub.publish_resync(c.last_seq),
                    None => {}
                }
                info!(
                    "session {}: {} {name} ({} rows in pieces): {} event(s), last seq {}",
                    self.session, self.user, feed.rows, c.count, c.last_seq
                );
            }
            Ok(None) => info!(
                "session {}: {} abandoned an {name} after {} rows; nothing written",
                self.session, self.user, feed.rows
            ),
            Err(e) => info!(
                "session {}: {} {name} refused after {} rows: {}",
                self.session,
                self.user,
                feed.rows,
                e.message(l10n::Lang::En)
            ),
        }
        r.map(|c| match c {
            Some(c) => Reply::AppliedSummary {
                events: c.count as u64,
                last_seq: c.last_seq,
            },
            None => Reply::Done,
        })
    }

    /// A dry run of an import read from `feed`: the events each piece would write go out as
    /// `Part::Planned` as they are made.
    fn plan_import(
        &self,
        id: u64,
        head: ImportHead,
        feed: &mut Pieces,
    ) -> Result<Reply, WorkbenchError> {
        let gone = || WorkbenchError::Unavailable {
            vi: "máy khách không đọc câu trả lời".into(),
            en: "the client does not read the answer".into(),
        };
        let mut out = |events: Vec<domain::NewEvent>| -> Result<(), WorkbenchError> {
            let mut it = events.into_iter().peekable();
            while it.peek().is_some() {
                let f = list::next_part(
                    ListKind::Planned,
                    id,
                    &mut it,
                    PART_BYTES,
                    CHUNK,
                    SERVER_FRAME_MAX,
                )
                .map_err(|e| unsendable(&e))?;
                self.put(Arc::new(FrameBuf::from(f)))
                    .map_err(|Gone| gone())?;
            }
            Ok(())
        };
        let engine = self.shared.root.engine();
        match engine.plan_import(&self.user, head, &mut || feed.next(), &mut out)? {
            Some(()) => Ok(Reply::Planned(Vec::new())),
            None => Ok(Reply::Done),
        }
    }

    /// Run `f`, the answer to request `id`; a panic is logged and answered (see `handle`).
    /// `large`: give memory back afterwards.
    fn guarded<T>(
        &self,
        id: u64,
        name: &str,
        large: bool,
        f: impl FnOnce() -> Result<T, Gone>,
    ) -> Result<Option<T>, Gone> {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
            Ok(r) => {
                if large {
                    crate::server::release_memory();
                }
                r.map(Some)
            }
            Err(panic) => {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "an unknown failure".into());
                tracing::error!(
                    "session {}: {} ran {name} and the server failed: {}",
                    self.session,
                    self.user,
                    crate::server::log_line(&what)
                );
                // The state may have missed a commit the journal holds: bring it up again.
                if let Err(e) = self.shared.root.engine().store().resync() {
                    tracing::error!("the state could not follow the journal: {e}");
                }
                self.reply(
                    id,
                    Err(WorkbenchError::Store {
                        vi: format!(
                            "máy chủ gặp lỗi khi chạy lệnh {name} (chi tiết trong server.log của \
                             kho). Thay đổi nào đã được xác nhận thì vẫn còn; hãy chạy \
                             `thamdinh verify` để kiểm tra kho"
                        ),
                        en: format!(
                            "the server failed while running {name} (details in the store's \
                             server.log). Every acknowledged change is kept; run `thamdinh \
                             verify` to check the store"
                        ),
                    }),
                )
                .map(|()| None)
            }
        }
    }

    fn answer(&self, id: u64, req: Request) -> Result<(), Gone> {
        if let Err(e) = check_member(&self.shared.root, &self.user) {
            return self.reply(id, Err(e));
        }
        let wb = &self.wb;
        let result = match req {
            Request::Role => wb.role().map(Reply::Role),
            Request::Members => wb.members().map(Reply::Members),
            Request::Years => wb.years().map(Reply::Years),
            Request::YearData { year } => self
                .shared
                .root
                .engine()
                .store()
                .year_data(year)
                .map_err(engine::store_error)
                .and_then(|d| d.ok_or(WorkbenchError::UnknownYear { year }))
                .map(Reply::YearData),
            Request::Items { year, unit } => match wb.items(year, unit.as_deref()) {
                Ok(items) => return self.send_list(id, ListKind::Items, items),
                Err(e) => Err(e),
            },
            Request::Item { key } => wb.item(&key).map(|i| Reply::Item(i.map(Box::new))),
            Request::ItemSummaries { year } => {
                match self.shared.root.engine().store().unit_summaries(year) {
                    Ok(units) => return self.send_list(id, ListKind::UnitSummaries, units),
                    Err(e) => Err(engine::store_error(e)),
                }
            }
            Request::UnitTotals { year, units } => wb
                .unit_totals(year, units.as_deref())
                .map(Reply::UnitTotals),
            Request::UnitStates { year } => wb.unit_states(year).map(Reply::UnitStates),
            Request::Rounds { year } => wb.rounds(year).map(Reply::Rounds),
            Request::Official { year } => wb.official(year).map(Reply::Official),
            Request::Assignments { year } => wb.assignments(year).map(Reply::Assignments),
            Request::Published { year } => wb
                .published(year)
                .map(|p| Reply::Published(p.map(Box::new))),
            Request::PublishedYears => wb.published_years().map(Reply::PublishedYears),
            Request::Responses { year } => wb.responses(year).map(Reply::Responses),
            Request::History(q) => return self.send_history(id, &q),
            // A large import commits many events: they go back in parts like any long list.
            Request::Apply(cmd) => match self.apply(cmd) {
                Ok(events) => return self.send_list(id, ListKind::Applied, events),
                Err(e) => Err(e),
            },
            Request::ApplySummary(cmd) => {
                self.apply_summarized(cmd).map(|c| Reply::AppliedSummary {
                    events: c.count as u64,
                    last_seq: c.last_seq,
                })
            }
            Request::Plan(cmd) => match wb.plan(cmd) {
                Ok(events) => return self.send_list(id, ListKind::Planned, events),
                Err(e) => Err(e),
            },
            Request::ImportBegin { .. }
            | Request::ImportRows(_)
            | Request::ImportEnd { .. }
            | Request::ImportAbandon => Err(stopped(
                "không có lệnh nhập nào đang mở với yêu cầu này",
                "no import is open for this request",
            )),
            Request::Subscribe => Ok(Reply::LastSeq(self.shared.hub.subscribe(self.session))),
            Request::Draft { key } => wb.draft(&key).map(Reply::Draft),
            Request::PutDraft { key, draft } => wb.put_draft(&key, &draft).map(|()| Reply::Done),
            Request::DeleteDraft { key } => wb.delete_draft(&key).map(|()| Reply::Done),
            Request::LastSeq => wb.last_seq().map(Reply::LastSeq),
            Request::Presence { unit, editing } => {
                presence_problem(wb, unit.as_ref(), editing.as_ref()).map(|()| {
                    self.shared.hub.set_presence(self.session, unit, editing);
                    Reply::Done
                })
            }
            Request::Verify => {
                info!("session {}: {} runs verify", self.session, self.user);
                wb.verify().map(Reply::Verify)
            }
            Request::Seal => wb.seal().map(Reply::Seal),
            Request::Backup => {
                info!("session {}: {} runs a backup", self.session, self.user);
                let mut out = PartWriter {
                    session: self,
                    id,
                    buf: Vec::new(),
                };
                let r = wb.backup(&mut out);
                if out.flush().is_err() {
                    return Err(Gone);
                }
                r.map(Reply::BackupDone)
            }
            Request::Status => wb.last_seq().map(|last_seq| {
                Reply::Status(ServerStatus {
                    pid: self.shared.pid,
                    program: crate::protocol::program(),
                    started: self.shared.started,
                    store: self.shared.dir.clone(),
                    last_seq,
                    sessions: self.shared.hub.presence(),
                })
            }),
        };
        self.reply(id, result)
    }

    /// An import: its events are not kept when there are many (see `api::KEEP_EVENTS`).
    fn apply_summarized(&self, cmd: Command) -> Result<domain::Committed, WorkbenchError> {
        let name = cmd.name();
        let r = self.wb.apply_summarized(cmd);
        match &r {
            Ok(c) => {
                let store = self.shared.root.engine().store();
                match &c.events {
                    Some(events) => self.shared.hub.publish(events, store),
                    None if c.count > 0 => self.shared.hub.publish_resync(c.last_seq),
                    None => {}
                }
                info!(
                    "session {}: {} {name}: {} event(s), last seq {}",
                    self.session, self.user, c.count, c.last_seq
                );
            }
            Err(e) => info!(
                "session {}: {} {name} refused: {}",
                self.session,
                self.user,
                e.message(l10n::Lang::En)
            ),
        }
        r
    }

    fn apply(&self, cmd: Command) -> Result<Vec<domain::Event>, WorkbenchError> {
        let name = cmd.name();
        let r = self.wb.apply(cmd);
        match &r {
            Ok(events) => {
                self.shared
                    .hub
                    .publish(events, self.shared.root.engine().store());
                info!(
                    "session {}: {} {name}: {} event(s){}",
                    self.session,
                    self.user,
                    events.len(),
                    events
                        .last()
                        .map(|e| format!(", last seq {}", e.body.seq))
                        .unwrap_or_default()
                );
            }
            Err(e) => info!(
                "session {}: {} {name} refused: {}",
                self.session,
                self.user,
                e.message(l10n::Lang::En)
            ),
        }
        r
    }
}

/// How many pieces of an import are read and decoded ahead of the engine.
const READ_AHEAD: usize = 4;

/// A request of an import, read and decoded (see `Session::read_import`).
enum Piece {
    Rows(domain::ImportRows),
    End {
        rows: u64,
    },
    Abandon,
    /// The import cannot go on (the connection ended, another request came).
    Stopped(WorkbenchError),
}

/// How the reading of an import ended.
enum Tail {
    /// At its end (or a piece over the size limit, refused as a request of its own).
    Ended,
    /// At a request of something else, answered next.
    Other(ClientRequest),
    /// The connection ended, and why.
    Closed(String),
}

/// The rows of an import as the engine takes them (see `Session::import`).
struct Pieces {
    /// Starts the reader, with the import's deadline, when the engine first asks.
    start: Option<crossbeam_channel::Sender<Instant>>,
    rx: crossbeam_channel::Receiver<Piece>,
    /// Rows taken so far.
    rows: u64,
}

/// Why an import read in pieces stopped before its end (nothing of it is written).
fn stopped(vi: &str, en: &str) -> WorkbenchError {
    WorkbenchError::Unavailable {
        vi: format!("{vi}; không có gì được ghi"),
        en: format!("{en}; nothing was written"),
    }
}

impl Pieces {
    /// The next piece of the import.
    fn next(&mut self) -> Result<Feed, WorkbenchError> {
        if let Some(start) = self.start.take() {
            let _ = start.send(Instant::now() + IMPORT_DEADLINE);
        }
        let Ok(piece) = self.rx.recv() else {
            return Err(stopped(
                "lệnh nhập đã kết thúc",
                "the import has already ended",
            ));
        };
        match piece {
            Piece::Rows(rows) => {
                self.rows += rows.len() as u64;
                Ok(Feed::Rows(rows))
            }
            Piece::End { rows } if rows == self.rows => Ok(Feed::End),
            Piece::End { rows } => Err(stopped(
                &format!(
                    "lệnh nhập báo đã gửi {rows} dòng nhưng máy chủ nhận được {}",
                    self.rows
                ),
                &format!(
                    "the import says it sent {rows} rows but the server read {}",
                    self.rows
                ),
            )),
            Piece::Abandon => Ok(Feed::Abandon),
            Piece::Stopped(e) => Err(e),
        }
    }
}

/// An answer that cannot be sent (a frame over what the length prefix can say).
fn unsendable(e: &FrameError) -> WorkbenchError {
    WorkbenchError::Store {
        vi: format!(
            "máy chủ không gửi được câu trả lời: {}",
            e.message(l10n::Lang::Vi)
        ),
        en: format!(
            "the server cannot send the answer: {}",
            e.message(l10n::Lang::En)
        ),
    }
}

/// Sends backup text as `Part::Backup` pieces cut at line ends (each piece is valid UTF-8).
struct PartWriter<'a> {
    session: &'a Session,
    id: u64,
    buf: Vec<u8>,
}

impl PartWriter<'_> {
    fn send(&mut self, upto: usize) -> std::io::Result<()> {
        let rest = self.buf.split_off(upto);
        let piece = std::mem::replace(&mut self.buf, rest);
        let text = String::from_utf8(piece).map_err(std::io::Error::other)?;
        self.session
            .send(&ServerMsg::Part {
                id: self.id,
                part: Part::Backup(text),
            })
            .map_err(|Gone| std::io::Error::other("the client went away"))
    }
}

impl Write for PartWriter<'_> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= BACKUP_CHUNK
            && let Some(nl) = self.buf.iter().rposition(|b| *b == b'\n')
        {
            self.send(nl + 1)?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.buf.is_empty() {
            self.send(self.buf.len())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_being_received_stay_within_the_budget_and_give_room_back() {
        let budget = RequestBudget::new(3 * 1024 * 1024);
        let now = Instant::now;
        let a = budget.room(1024 * 1024, now()).expect("room for the first");
        let b = budget
            .room(1024 * 1024, now())
            .expect("room for the second");
        let c = budget.room(1024 * 1024, now()).expect("room for the third");
        // Full: one more gets no room by its deadline.
        assert!(budget.room(1, now()).is_none());
        drop(b);
        let d = budget
            .room(1024 * 1024, now())
            .expect("room given back by a request read");
        assert!(budget.room(1, now()).is_none());
        // A request waiting for room gets it as soon as another is read.
        std::thread::scope(|s| {
            let waiting = s.spawn(|| {
                budget
                    .room(512 * 1024, Instant::now() + Duration::from_secs(60))
                    .is_some()
            });
            drop(a);
            assert!(waiting.join().unwrap());
        });
        drop((c, d));
        assert_eq!(*budget.used.lock().unwrap(), 0);
    }

    #[test]
    fn sessions_are_limited_per_user_and_in_all() {
        let gate = SessionGate::new(SESSIONS_PER_USER + 2);
        let mine: Vec<Ticket> = (0..SESSIONS_PER_USER)
            .map(|_| gate.enter(1000).ok().expect("a place"))
            .collect();
        assert!(matches!(gate.enter(1000), Err(Full::User { open }) if open == SESSIONS_PER_USER));
        let other = (gate.enter(1001).ok(), gate.enter(1002).ok());
        assert!(other.0.is_some() && other.1.is_some());
        assert!(matches!(gate.enter(1003), Err(Full::All { max }) if max == SESSIONS_PER_USER + 2));
        drop(mine);
        assert!(gate.enter(1000).is_ok());
    }
}

/// Presence is shown to every workbench connected: it names a unit by a plain code and an item
/// that exists, never a long or invisible text (the issue 13 re-test: an auditor "edited" an
/// item that does not exist, and a 60 KB unit name was sent to everyone).
fn presence_problem(
    wb: &LocalWorkbench,
    unit: Option<&(u16, String)>,
    editing: Option<&ItemKey>,
) -> Result<(), WorkbenchError> {
    let plain = |s: &str| {
        !s.is_empty()
            && s.chars().count() <= domain::limits::NAME_CHARS
            && !s
                .chars()
                .any(|c| c.is_whitespace() || text::is_dangerous(c))
    };
    let shown =
        |s: &str| text::one_line(&text::truncate(s, domain::limits::NAME_CHARS)).into_owned();
    if let Some((year, code)) = unit
        && !plain(code)
    {
        return Err(WorkbenchError::UnknownUnit {
            year: *year,
            unit: shown(code),
        });
    }
    if let Some(key) = editing {
        if !plain(&key.unit) {
            return Err(WorkbenchError::UnknownUnit {
                year: key.year,
                unit: shown(&key.unit),
            });
        }
        if !plain(&key.leaf) || wb.item(key)?.is_none() {
            return Err(WorkbenchError::UnknownCriterion {
                year: key.year,
                code: shown(&key.leaf),
            });
        }
    }
    Ok(())
}

/// How long a long stream that holds one of the `LONG_STREAMS` turns waits for a client that
/// reads nothing before it is cut, so that the turn goes to someone who reads (a client that
/// reads, reads continuously; the re-test's lead waited 57 s behind four members' streams cut
/// after `STALL`).
const LONG_STALL: Duration = Duration::from_secs(15);

/// Turns to stream a long answer: a whole history or a long catch-up (`protocol::LONG_STREAMS`).
static LONG_TURNS: std::sync::LazyLock<Turns> =
    std::sync::LazyLock::new(|| Turns::new(crate::protocol::LONG_STREAMS));

/// A counting semaphore, fair between users: at most one turn per user, and a freed turn goes
/// to the waiting user served least recently (then to the earliest request). One member's many
/// sessions that ask and never read hold one turn, not all of them, and a user who has not had
/// a turn goes before those who keep asking (the issue 13 re-test: one member's 16 sessions made
/// a lead's `audit --user` wait 96 s, four members' 67 s).
struct Turns {
    state: Mutex<TurnsState>,
    freed: std::sync::Condvar,
}

struct TurnsState {
    free: usize,
    holders: Vec<String>,
    /// (ticket, user) of every session waiting, in the order they came.
    waiting: Vec<(u64, String)>,
    next_ticket: u64,
    /// When each user last got a turn (a count of turns given).
    served: HashMap<String, u64>,
    given: u64,
}

impl TurnsState {
    /// The waiting session that gets the next free turn.
    fn next(&self) -> Option<u64> {
        self.waiting
            .iter()
            .filter(|(_, u)| !self.holders.contains(u))
            .min_by_key(|(t, u)| (self.served.get(u).copied().unwrap_or(0), *t))
            .map(|(t, _)| *t)
    }
}

impl Turns {
    fn new(n: usize) -> Turns {
        Turns {
            state: Mutex::new(TurnsState {
                free: n,
                holders: Vec::new(),
                waiting: Vec::new(),
                next_ticket: 0,
                served: HashMap::new(),
                given: 0,
            }),
            freed: std::sync::Condvar::new(),
        }
    }

    fn take(&self, user: &str) -> Turn<'_> {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let ticket = s.next_ticket;
        s.next_ticket += 1;
        s.waiting.push((ticket, user.to_string()));
        while s.free == 0 || s.next() != Some(ticket) {
            s = self.freed.wait(s).unwrap_or_else(|p| p.into_inner());
        }
        s.waiting.retain(|(t, _)| *t != ticket);
        s.free -= 1;
        s.holders.push(user.to_string());
        s.given += 1;
        let given = s.given;
        s.served.insert(user.to_string(), given);
        // Another turn may be free for someone else.
        self.freed.notify_all();
        Turn {
            turns: self,
            user: user.to_string(),
        }
    }
}

struct Turn<'a> {
    turns: &'a Turns,
    user: String,
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        let mut s = self.turns.state.lock().unwrap_or_else(|p| p.into_inner());
        s.free += 1;
        if let Some(i) = s.holders.iter().position(|h| *h == self.user) {
            s.holders.swap_remove(i);
        }
        // Every waiter looks again: the freed turn may be for another user than the next.
        self.turns.freed.notify_all();
    }
}

#[cfg(test)]
mod turns_tests {
    use super::Turns;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn no_more_than_n_turns_are_out_at_once_one_per_user_and_every_taker_gets_one() {
        static T: std::sync::LazyLock<Turns> = std::sync::LazyLock::new(|| Turns::new(2));
        let out = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let per_user: Arc<[AtomicUsize; 3]> = Arc::new(Default::default());
        let threads: Vec<_> = (0..9)
            .map(|i| {
                let (out, most, per_user) = (out.clone(), most.clone(), per_user.clone());
                std::thread::spawn(move || {
                    let user = ["an", "binh", "chi"][i % 3];
                    for _ in 0..50 {
                        let _t = T.take(user);
                        let now = out.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        let mine = per_user[i % 3].fetch_add(1, Ordering::SeqCst);
                        assert_eq!(mine, 0, "{user} held two turns at once");
                        std::thread::yield_now();
                        per_user[i % 3].fetch_sub(1, Ordering::SeqCst);
                        out.fetch_sub(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().expect("thread");
        }
        assert!(most.load(Ordering::SeqCst) <= 2);
        let s = T.state.lock().unwrap();
        assert_eq!(s.free, 2);
        assert!(s.holders.is_empty() && s.waiting.is_empty());
    }

    /// A freed turn goes to the user who has not had one, before the sessions of a user who
    /// keeps asking (each never-reading session holds its turn until it is cut).
    #[test]
    fn a_freed_turn_goes_to_the_user_served_least_recently() {
        let t = Arc::new(Turns::new(1));
        let first = t.take("attacker");
        // The attacker's next sessions queue first, then the lead's.
        let (tx, rx) = std::sync::mpsc::channel();
        let mut waiters = Vec::new();
        for who in ["attacker", "attacker", "lead"] {
            let (mine, tx) = (t.clone(), tx.clone());
            waiters.push(std::thread::spawn(move || {
                let _turn = mine.take(who);
                tx.send(who).expect("send");
                std::thread::sleep(std::time::Duration::from_millis(20));
            }));
            // Queue in this order.
            while t.state.lock().unwrap().waiting.len() < waiters.len() {
                std::thread::yield_now();
            }
        }
        drop(first);
        assert_eq!(rx.recv().expect("a turn"), "lead");
        for w in waiters {
            w.join().expect("thread");
        }
    }

    /// One user's sessions waiting for a turn do not keep another user from a free one.
    #[test]
    fn a_user_holding_a_turn_does_not_block_another_user() {
        static T: std::sync::LazyLock<Turns> = std::sync::LazyLock::new(|| Turns::new(2));
        let held = T.take("an");
        let (tx, rx) = std::sync::mpsc::channel();
        let an_again = std::thread::spawn(move || {
            let _t = T.take("an");
            tx.send("an").expect("send");
        });
        let binh = T.take("binh");
        assert!(
            rx.recv_timeout(std::time::Duration::from_millis(100))
                .is_err(),
            "an's second session got a turn while an held one"
        );
        drop(binh);
        drop(held);
        an_again.join().expect("thread");
    }
}
