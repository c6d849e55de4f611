//! A connection's outgoing queue, bounded in bytes (SPEC S5): what the server holds for a client
//! that reads slowly, or not at all, is bounded whatever it asks.
//!
//! - The session's own answers (and a catch-up) wait for room: at most [`ANSWER_ROOM`] bytes
//!   queued, so a long answer is produced as fast as the client reads it. A client that reads
//!   nothing for [`STALL`] while an answer waits is disconnected.
//! - Notices (committed events, presence) never wait, since they are queued by whoever commits:
//!   a connection whose queue would pass [`QUEUE_BYTES`] is disconnected (it reconnects and
//!   catches up).
//! - All the queues of a server together: answers also wait while they hold [`ALL_QUEUES`]
//!   bytes, and a connection holding more than [`NOTICE_SLACK`] of unread notices while they hold
//!   [`ALL_QUEUES`] + [`ALL_NOTICES_SLACK`] is disconnected.
//!
//! A connection always has room for one frame, whatever its size: a frame larger than the bounds
//! (one element with very long texts) goes out alone.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::protocol::list::ListFrame;

/// Bytes of answers a connection may have queued before its answers wait: about one part
/// (`protocol::PART_BYTES`) waiting while the writer sends another.
pub(crate) const ANSWER_ROOM: usize = 4 * 1024 * 1024;
/// Bytes a connection may have queued in all: a notice that would pass it disconnects the client.
pub(crate) const QUEUE_BYTES: usize = 16 * 1024 * 1024;
/// Bytes all the connections of a server may have queued before answers wait for each other.
pub(crate) const ALL_QUEUES: usize = 64 * 1024 * 1024;
/// More bytes of notices the queues together may hold beyond `ALL_QUEUES`.
pub(crate) const ALL_NOTICES_SLACK: usize = 32 * 1024 * 1024;
/// Unread notices a connection may hold when the queues together are over their bound.
pub(crate) const NOTICE_SLACK: usize = 1024 * 1024;
/// How long an answer waits for a client that reads nothing before it is disconnected.
pub(crate) const STALL: Duration = Duration::from_secs(60);
/// How often a waiting answer looks again (room freed by other connections wakes nobody).
const RECHECK: Duration = Duration::from_millis(100);
/// A client that read nothing for this long while an answer waits may be gone for a while: the
/// waiting thread gives its freed memory back to the system first.
const QUIET: Duration = Duration::from_millis(20);

/// One encoded frame; the frame is `buf[start..]` (a list frame keeps room at its front).
#[derive(Debug)]
pub(crate) struct FrameBuf {
    buf: Vec<u8>,
    start: usize,
}

/// A frame, shared by every queue a notice is sent to.
pub(crate) type Frame = Arc<FrameBuf>;

impl FrameBuf {
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.buf[self.start..]
    }

    pub(crate) fn len(&self) -> usize {
        self.buf.len() - self.start
    }
}

impl FrameBuf {
    /// A frame kept in a queue holds no more memory than its bytes: a buffer that grew by
    /// doubling may have nearly twice their room.
    fn new(mut buf: Vec<u8>, start: usize) -> FrameBuf {
        if buf.capacity() - buf.len() > buf.len() / 8 + 4096 {
            buf.shrink_to_fit();
        }
        FrameBuf { buf, start }
    }
}

impl From<Vec<u8>> for FrameBuf {
    fn from(buf: Vec<u8>) -> FrameBuf {
        FrameBuf::new(buf, 0)
    }
}

impl From<ListFrame> for FrameBuf {
    fn from(f: ListFrame) -> FrameBuf {
        let (buf, start) = f.into_parts();
        FrameBuf::new(buf, start)
    }
}

/// Why a frame was not queued.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Refused {
    /// The client does not read: its queue is full (a notice), or it read nothing for the
    /// whole stall time (an answer).
    Full,
    /// The queue is closed: the connection is ending.
    Closed,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum End {
    Open,
    /// No more frames: the writer sends what is queued, then stops.
    Finish,
    /// Everything queued was dropped: the writer stops at once.
    Cut,
}

struct State {
    /// The frames, each marked when it is a notice.
    frames: VecDeque<(Frame, bool)>,
    bytes: usize,
    notice_bytes: usize,
    /// Frames the writer took (progress of a client that reads).
    taken: u64,
    end: End,
}

pub(crate) struct Outbox {
    state: Mutex<State>,
    /// The writer waits here for frames.
    ready: Condvar,
    /// Answers wait here for room.
    room: Condvar,
    /// Bytes queued by every connection of the server.
    all: Arc<AtomicUsize>,
}

impl Outbox {
    pub(crate) fn new(all: Arc<AtomicUsize>) -> Outbox {
        Outbox {
            state: Mutex::new(State {
                frames: VecDeque::new(),
                bytes: 0,
                notice_bytes: 0,
                taken: 0,
                end: End::Open,
            }),
            ready: Condvar::new(),
            room: Condvar::new(),
            all,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Queue a notice without waiting; `Full` when the client does not read (see the module).
    pub(crate) fn offer(&self, f: Frame) -> Result<(), Refused> {
        let mut s = self.lock();
        if s.end != End::Open {
            return Err(Refused::Closed);
        }
        let len = f.len();
        if s.bytes > 0 {
            let all = self.all.load(Ordering::Relaxed);
            if s.bytes + len > QUEUE_BYTES
                || (all + len > ALL_QUEUES + ALL_NOTICES_SLACK && s.notice_bytes >= NOTICE_SLACK)
            {
                return Err(Refused::Full);
            }
        }
        self.push(&mut s, f, true);
        Ok(())
    }

    /// Queue a frame of an answer, waiting while the queue (or all of them) is full and the
    /// client reads; `Full` when it read nothing for `stall`.
    pub(crate) fn put(&self, f: Frame, stall: Duration) -> Result<(), Refused> {
        let s = self.lock();
        let mut s = self.wait_room(s, f.len(), stall)?;
        self.push(&mut s, f, false);
        Ok(())
    }

    /// Wait, as [`Outbox::put`] would, until a frame of `len` bytes has room, without queuing
    /// anything: a long answer waits here before it reads its next page from the store, so a
    /// client that does not read makes the server hold its queue, never a page as well.
    pub(crate) fn room_for(&self, len: usize, stall: Duration) -> Result<(), Refused> {
        let s = self.lock();
        self.wait_room(s, len, stall).map(drop)
    }

    fn wait_room<'a>(
        &'a self,
        mut s: MutexGuard<'a, State>,
        len: usize,
        stall: Duration,
    ) -> Result<MutexGuard<'a, State>, Refused> {
        let mut seen = s.taken;
        let mut since = Instant::now();
        let mut collected = false;
        loop {
            if s.end != End::Open {
                return Err(Refused::Closed);
            }
            let all = self.all.load(Ordering::Relaxed);
            if s.bytes == 0 || (s.bytes + len <= ANSWER_ROOM && all + len <= ALL_QUEUES) {
                break;
            }
            if s.taken != seen {
                seen = s.taken;
                since = Instant::now();
            } else if since.elapsed() >= stall {
                return Err(Refused::Full);
            } else if !collected && since.elapsed() >= QUIET {
                // The client is not reading: this thread may wait long. The allocator gives
                // back what it freed lazily (on its next allocation), so give it back now.
                collected = true;
                drop(s);
                crate::server::release_memory();
                s = self.lock();
                continue;
            }
            let wait =
                stall
                    .saturating_sub(since.elapsed())
                    .min(if collected { RECHECK } else { QUIET });
            s = self
                .room
                .wait_timeout(s, wait)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        Ok(s)
    }

    fn push(&self, s: &mut State, f: Frame, notice: bool) {
        let len = f.len();
        s.bytes += len;
        if notice {
            s.notice_bytes += len;
        }
        self.all.fetch_add(len, Ordering::Relaxed);
        s.frames.push_back((f, notice));
        self.ready.notify_one();
    }

    /// The writer's next frame, waiting for one; `None` once finished and sent, or cut.
    pub(crate) fn take(&self) -> Option<Frame> {
        let mut s = self.lock();
        loop {
            if s.end == End::Cut {
                return None;
            }
            if let Some((f, notice)) = s.frames.pop_front() {
                let len = f.len();
                s.bytes -= len;
                if notice {
                    s.notice_bytes -= len;
                }
                s.taken += 1;
                self.all.fetch_sub(len, Ordering::Relaxed);
                self.room.notify_all();
                return Some(f);
            }
            if s.end == End::Finish {
                return None;
            }
            s = self.ready.wait(s).unwrap_or_else(|p| p.into_inner());
        }
    }

    /// No more frames will come: the writer sends what is queued, then stops.
    pub(crate) fn finish(&self) {
        let mut s = self.lock();
        if s.end == End::Open {
            s.end = End::Finish;
        }
        self.ready.notify_all();
        self.room.notify_all();
    }

    /// Drop everything queued and stop the writer (the client is disconnected). Returns whether
    /// it was still open.
    pub(crate) fn cut(&self) -> bool {
        let mut s = self.lock();
        let was_open = s.end == End::Open;
        s.end = End::Cut;
        self.release(&mut s);
        self.ready.notify_all();
        self.room.notify_all();
        was_open
    }

    fn release(&self, s: &mut State) {
        self.all.fetch_sub(s.bytes, Ordering::Relaxed);
        s.frames.clear();
        s.bytes = 0;
        s.notice_bytes = 0;
    }

    /// The frames queued now, taken out (tests).
    #[cfg(test)]
    pub(crate) fn drain(&self) -> Vec<Frame> {
        let mut s = self.lock();
        let out: Vec<Frame> = s.frames.iter().map(|(f, _)| f.clone()).collect();
        s.taken += out.len() as u64;
        self.release(&mut s);
        self.room.notify_all();
        out
    }
}

impl Drop for Outbox {
    fn drop(&mut self) {
        let mut s = self.lock();
        if s.bytes > 0 {
            let bytes = s.bytes;
            self.all.fetch_sub(bytes, Ordering::Relaxed);
            s.bytes = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(len: usize) -> Frame {
        Arc::new(FrameBuf::from(vec![0u8; len]))
    }

    #[test]
    fn a_notice_that_would_pass_the_bound_is_refused_but_one_frame_always_fits() {
        let all = Arc::new(AtomicUsize::new(0));
        let out = Outbox::new(all.clone());
        // Larger than every bound, into an empty queue: taken.
        assert_eq!(out.offer(frame(QUEUE_BYTES * 2)), Ok(()));
        assert_eq!(out.offer(frame(10)), Err(Refused::Full));
        assert_eq!(all.load(Ordering::Relaxed), QUEUE_BYTES * 2);
        assert_eq!(out.take().map(|f| f.len()), Some(QUEUE_BYTES * 2));
        assert_eq!(all.load(Ordering::Relaxed), 0);
        for _ in 0..16 {
            assert_eq!(out.offer(frame(1024 * 1024)), Ok(()));
        }
        assert_eq!(out.offer(frame(1)), Err(Refused::Full));
        assert!(out.cut());
        assert_eq!(all.load(Ordering::Relaxed), 0);
        assert_eq!(out.offer(frame(1)), Err(Refused::Closed));
        assert!(out.take().is_none());
    }

    #[test]
    fn an_answer_waits_for_the_reader_and_gives_up_on_one_that_reads_nothing() {
        let all = Arc::new(AtomicUsize::new(0));
        let out = Arc::new(Outbox::new(all.clone()));
        assert_eq!(out.put(frame(ANSWER_ROOM), STALL), Ok(()));
        // Nobody reads: it gives up after the stall time.
        assert_eq!(
            out.put(frame(1), Duration::from_millis(50)),
            Err(Refused::Full)
        );
        // Someone reads: the answer goes in.
        let reader = {
            let out = out.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(50));
                out.take().map(|f| f.len())
            })
        };
        assert_eq!(out.put(frame(1), STALL), Ok(()));
        assert_eq!(reader.join().unwrap(), Some(ANSWER_ROOM));
        // Finished: what is queued is still sent, then the writer stops.
        out.finish();
        assert_eq!(out.take().map(|f| f.len()), Some(1));
        assert!(out.take().is_none());
        assert_eq!(all.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn unread_notices_are_refused_when_all_queues_are_full() {
        let all = Arc::new(AtomicUsize::new(ALL_QUEUES + ALL_NOTICES_SLACK));
        let out = Outbox::new(all.clone());
        let mb = 1024 * 1024;
        // A connection that holds little still gets its notices.
        assert_eq!(out.offer(frame(mb / 2)), Ok(()));
        assert_eq!(out.offer(frame(mb / 2)), Ok(()));
        // One holding more than NOTICE_SLACK does not.
        assert_eq!(out.offer(frame(10)), Err(Refused::Full));
        drop(out);
        assert_eq!(all.load(Ordering::Relaxed), ALL_QUEUES + ALL_NOTICES_SLACK);
    }
}
