//! One connection to the server: requests are written under a lock (whole frames, so threads
//! never interleave); a reader thread routes each answer to the request with its id and hands
//! notices to the workbench.

use std::collections::HashMap;
use std::io::{BufReader, Write};
use std::os::unix::net::UnixStream;
use std::sync::{Mutex, MutexGuard};

use crossbeam_channel::{Receiver, Sender, unbounded};

use crate::protocol::frame::{self, FrameError, SocketWriter};
use crate::protocol::{
    ClientRequest, Part, Reply, Request, SERVER_FRAME_MAX, ServerMsg, WRITER_REQUEST_MAX,
    WireNotice,
};
use api::WorkbenchError;

/// What a waiting request receives.
pub(crate) enum Incoming {
    Part(Part),
    Reply(Result<Reply, WorkbenchError>),
    /// The connection ended before the reply (English reason).
    Lost(String),
}

pub(crate) struct Conn {
    stream: UnixStream,
    write: Mutex<()>,
    pending: Mutex<Pending>,
}

struct Pending {
    waiting: HashMap<u64, Sender<Incoming>>,
    /// Set once the connection is gone, with the reason.
    dead: Option<String>,
}

/// Requests sent one after another under one id, the connection's writing held meanwhile.
pub(crate) struct Streaming<'c> {
    conn: &'c Conn,
    _write: MutexGuard<'c, ()>,
    id: u64,
    /// The frame being sent (one buffer for every request of the stream).
    buf: Vec<u8>,
}

impl Streaming<'_> {
    /// Send the next request of the stream. On failure the connection is dead.
    pub(crate) fn send(&mut self, request: Request) -> Result<(), NotSent> {
        let msg = ClientRequest {
            id: self.id,
            request,
        };
        match frame::encode_into(&mut self.buf, &msg, WRITER_REQUEST_MAX) {
            Ok(()) => {}
            Err(FrameError::TooLarge { len, max }) => return Err(NotSent::TooLarge { len, max }),
            Err(_) => return Err(NotSent::Failed),
        }
        drop(msg);
        if let Err(e) = SocketWriter(&self.conn.stream).write_all(&self.buf) {
            self.conn.kill(&format!("sending failed: {e}"));
            return Err(NotSent::Failed);
        }
        Ok(())
    }
}

/// Why a request was not sent.
pub(crate) enum NotSent {
    /// Sending failed before the server could have read all of it, so the server did nothing
    /// with it: it is safe to send again on a new connection.
    Failed,
    /// The request is larger than a request may be (`protocol::WRITER_REQUEST_MAX`): nothing
    /// was sent.
    TooLarge { len: u64, max: usize },
}

impl Conn {
    pub(crate) fn new(stream: UnixStream) -> Conn {
        Conn {
            stream,
            write: Mutex::new(()),
            pending: Mutex::new(Pending {
                waiting: HashMap::new(),
                dead: None,
            }),
        }
    }

    fn pending(&self) -> MutexGuard<'_, Pending> {
        self.pending.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn is_alive(&self) -> bool {
        self.pending().dead.is_none()
    }

    /// Send a request; its answers arrive on the returned channel.
    pub(crate) fn send(&self, id: u64, request: Request) -> Result<Receiver<Incoming>, NotSent> {
        let bytes = match frame::encode_up_to(&ClientRequest { id, request }, WRITER_REQUEST_MAX) {
            Ok(b) => b,
            Err(FrameError::TooLarge { len, max }) => return Err(NotSent::TooLarge { len, max }),
            Err(_) => return Err(NotSent::Failed),
        };
        let (tx, rx) = unbounded();
        {
            let mut p = self.pending();
            if p.dead.is_some() {
                return Err(NotSent::Failed);
            }
            p.waiting.insert(id, tx);
        }
        let written = {
            let _g = self.write.lock().unwrap_or_else(|p| p.into_inner());
            SocketWriter(&self.stream).write_all(&bytes)
        };
        if let Err(e) = written {
            self.pending().waiting.remove(&id);
            self.kill(&format!("sending failed: {e}"));
            return Err(NotSent::Failed);
        }
        Ok(rx)
    }

    /// Send `first` and then more requests with the same id (an import in pieces, see
    /// [`Streaming`]); its answers arrive on the returned channel. No other request is written
    /// on this connection until the `Streaming` is dropped.
    pub(crate) fn stream(
        &self,
        id: u64,
        first: Request,
    ) -> Result<(Streaming<'_>, Receiver<Incoming>), NotSent> {
        let (tx, rx) = unbounded();
        {
            let mut p = self.pending();
            if p.dead.is_some() {
                return Err(NotSent::Failed);
            }
            p.waiting.insert(id, tx);
        }
        let mut s = Streaming {
            conn: self,
            _write: self.write.lock().unwrap_or_else(|p| p.into_inner()),
            id,
            buf: Vec::new(),
        };
        if let Err(e) = s.send(first) {
            self.pending().waiting.remove(&id);
            return Err(e);
        }
        Ok((s, rx))
    }

    /// Mark the connection dead: every waiting request gets `Lost`, the socket is shut.
    pub(crate) fn kill(&self, reason: &str) {
        let waiting = {
            let mut p = self.pending();
            if p.dead.is_none() {
                p.dead = Some(reason.to_string());
            }
            std::mem::take(&mut p.waiting)
        };
        for (_, tx) in waiting {
            let _ = tx.send(Incoming::Lost(reason.to_string()));
        }
        let _ = self.stream.shutdown(std::net::Shutdown::Both);
    }

    /// Read frames until the connection ends; `notice` gets every notice. Returns why it ended.
    /// Long answers come as `Part`s (each about `protocol::PART_BYTES`, or one large element)
    /// before their `Reply`; they go to the waiting request, which puts them together. A frame
    /// from the server may be as large as its length prefix says (`SERVER_FRAME_MAX`).
    pub(crate) fn read_loop(&self, mut notice: impl FnMut(WireNotice)) -> String {
        let stream = match self.stream.try_clone() {
            Ok(s) => s,
            Err(e) => return format!("cannot read the socket: {e}"),
        };
        let mut reader = BufReader::new(stream);
        loop {
            let msg = frame::read_frame(&mut reader, SERVER_FRAME_MAX)
                .and_then(|body| frame::decode::<ServerMsg>(&body));
            match msg {
                Ok(ServerMsg::Reply { id, result }) => {
                    if let Some(tx) = self.pending().waiting.remove(&id) {
                        let _ = tx.send(Incoming::Reply(result));
                    }
                }
                Ok(ServerMsg::Part { id, part }) => {
                    if let Some(tx) = self.pending().waiting.get(&id) {
                        let _ = tx.send(Incoming::Part(part));
                    }
                }
                Ok(ServerMsg::Notice(n)) => notice(n),
                Err(FrameError::Closed) => return "the server closed the connection".into(),
                Err(e) => return e.message(l10n::Lang::En),
            }
        }
    }
}
