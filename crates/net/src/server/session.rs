//! One connected client: the handshake (protocol version, identity from the peer credentials,
//! membership), then its requests, answered in order by this thread; a writer thread sends the
//! answers and the notices the hub queues.

use std::io::{BufReader, Write};
use std::os::unix::net::UnixStream;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender, bounded};
use tracing::{debug, info, warn};

use crate::protocol::frame::{self, FrameError, SocketWriter};
use crate::protocol::{
    BACKUP_CHUNK, CHUNK, ClientRequest, Hello, HelloReply, PROTOCOL_VERSION, Part, Refusal, Reply,
    Request, ServerMsg, ServerStatus, Welcome,
};
use api::Workbench;
use api::WorkbenchError;
use domain::Command;
use engine::LocalWorkbench;

use super::hub::{Frame, QUEUE, RegisterError, Wants};
use super::{Control, Shared};

/// How long a new connection may take to say hello.
const HELLO_TIMEOUT: Duration = Duration::from_secs(5);

/// Serve one connection until it closes or the server stops.
pub(crate) fn run(shared: Arc<Shared>, stream: UnixStream) {
    let Some((user, hello)) = handshake(&shared, &stream) else {
        return;
    };
    let (tx, rx) = bounded::<Frame>(QUEUE);
    let writer = match (stream.try_clone(), stream.try_clone()) {
        (Ok(w), Ok(s)) => std::thread::Builder::new()
            .name("session-writer".into())
            .spawn(move || write_loop(w, s, rx)),
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
    let socket = match stream.try_clone() {
        Ok(s) => s,
        Err(e) => {
            warn!("cannot clone a client socket: {e}");
            return;
        }
    };
    let store = shared.root.engine().store();
    let role = shared.root.engine().role_of(&user).ok().flatten();
    let registered = shared.hub.register(
        &user,
        tx.clone(),
        socket,
        Wants {
            since: hello.since,
            notices: hello.notices,
        },
        store,
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
            frame::encode(&w).ok().map(Frame::from)
        },
    );
    let session = match registered {
        Ok(s) => s,
        Err(e) => {
            if matches!(e, RegisterError::Closed) {
                let _ = send_now(&stream, &HelloReply::Refused(Refusal::ShuttingDown));
            }
            drop(tx);
            let _ = writer.join();
            return;
        }
    };
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
        tx,
    };
    let why = s.serve(&stream);
    shared.hub.remove(session);
    info!("session {session}: {} left ({why})", s.user);
    drop(s);
    let _ = writer.join();
    // Let go of the engine before saying so: a stopping server releases the store once the
    // last session has ended.
    let control = shared.control.clone();
    drop(shared);
    let _ = control.send(Control::SessionEnded);
}

/// Read the hello, find out who the peer is and whether they may connect. Refusals are sent
/// here; `None` means the connection is done.
fn handshake(shared: &Shared, stream: &UnixStream) -> Option<(String, Hello)> {
    let _ = stream.set_read_timeout(Some(HELLO_TIMEOUT));
    let hello: Hello = match frame::read_msg(&mut &*stream) {
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
    let _ = stream.set_read_timeout(None);
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
    let Some(user) = super::identity::user_name(uid) else {
        info!("refused uid {uid}: no entry in the user database");
        return refuse(Refusal::UnknownUser { uid });
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
    Some((user, hello))
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

fn write_loop(stream: UnixStream, socket: UnixStream, rx: Receiver<Frame>) {
    let mut w = SocketWriter(stream);
    for f in rx {
        if let Err(e) = w.write_all(&f) {
            debug!("a client stopped reading: {e}");
            break;
        }
    }
    // Unblock the reading side too if the client is gone.
    let _ = socket.shutdown(std::net::Shutdown::Both);
}

struct Session {
    shared: Arc<Shared>,
    wb: LocalWorkbench,
    user: String,
    session: u64,
    tx: Sender<Frame>,
}

/// The client is gone (its writer ended).
struct Gone;

impl Session {
    /// Answer requests until the connection ends; returns why it ended.
    fn serve(&self, stream: &UnixStream) -> String {
        let mut reader = BufReader::new(stream);
        loop {
            let req: ClientRequest = match frame::read_msg(&mut reader) {
                Ok(r) => r,
                Err(FrameError::Closed) => return "closed".into(),
                Err(e) => {
                    if !e.is_disconnect() {
                        warn!(
                            "session {}: {} sent a bad request, closing: {e}",
                            self.session, self.user
                        );
                    }
                    return e.message(l10n::Lang::En);
                }
            };
            if self.handle(req.id, req.request).is_err() {
                return "stopped reading".into();
            }
        }
    }

    fn send(&self, msg: &ServerMsg) -> Result<(), Gone> {
        let bytes = frame::encode(msg).map_err(|e| {
            warn!("cannot encode an answer: {e}");
            Gone
        })?;
        self.tx.send(bytes.into()).map_err(|_| Gone)
    }

    fn reply(&self, id: u64, result: Result<Reply, WorkbenchError>) -> Result<(), Gone> {
        self.send(&ServerMsg::Reply { id, result })
    }

    /// Send all but the last `CHUNK` of a long list as parts; return the rest for the reply.
    fn parts<T>(&self, id: u64, v: Vec<T>, wrap: fn(Vec<T>) -> Part) -> Result<Vec<T>, Gone> {
        if v.len() <= CHUNK {
            return Ok(v);
        }
        // Take the parts from the front without moving the rest each time (a 200,000-event
        // import would otherwise move the list a hundred times).
        let parts = (v.len() - 1) / CHUNK;
        let mut it = v.into_iter();
        for _ in 0..parts {
            let head: Vec<T> = it.by_ref().take(CHUNK).collect();
            self.send(&ServerMsg::Part {
                id,
                part: wrap(head),
            })?;
        }
        Ok(it.collect())
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
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.answer(id, req))) {
            Ok(r) => {
                if large {
                    crate::server::release_memory();
                }
                r
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
                Ok(items) => Ok(Reply::Items(self.parts(id, items, Part::Items)?)),
                Err(e) => Err(e),
            },
            Request::Item { key } => wb.item(&key).map(|i| Reply::Item(i.map(Box::new))),
            Request::ItemSummaries { year } => {
                match self.shared.root.engine().store().unit_summaries(year) {
                    Ok(units) => Ok(Reply::UnitSummaries(self.parts(
                        id,
                        units,
                        Part::UnitSummaries,
                    )?)),
                    Err(e) => Err(engine::store_error(e)),
                }
            }
            Request::UnitStates { year } => wb.unit_states(year).map(Reply::UnitStates),
            Request::Rounds { year } => wb.rounds(year).map(Reply::Rounds),
            Request::History(q) => match wb.history(&q) {
                Ok(events) => Ok(Reply::Events(self.parts(id, events, Part::Events)?)),
                Err(e) => Err(e),
            },
            // A large import commits many events: they go back in parts like any long list.
            Request::Apply(cmd) => match self.apply(cmd) {
                Ok(events) => Ok(Reply::Applied(self.parts(id, events, Part::Events)?)),
                Err(e) => Err(e),
            },
            Request::ApplySummary(cmd) => {
                self.apply_summarized(cmd).map(|c| Reply::AppliedSummary {
                    events: c.count as u64,
                    last_seq: c.last_seq,
                })
            }
            Request::Plan(cmd) => match wb.plan(cmd) {
                Ok(events) => Ok(Reply::Planned(self.parts(id, events, Part::Planned)?)),
                Err(e) => Err(e),
            },
            Request::Subscribe => Ok(Reply::LastSeq(self.shared.hub.subscribe(self.session))),
            Request::Draft { key } => wb.draft(&key).map(Reply::Draft),
            Request::PutDraft { key, draft } => wb.put_draft(&key, &draft).map(|()| Reply::Done),
            Request::DeleteDraft { key } => wb.delete_draft(&key).map(|()| Reply::Done),
            Request::LastSeq => wb.last_seq().map(Reply::LastSeq),
            Request::Presence { unit, editing } => {
                self.shared.hub.set_presence(self.session, unit, editing);
                Ok(Reply::Done)
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
