//! Reading a segment from start to end, fast: large sequential reads into reused buffers, and
//! the per-record work that does not depend on what came before — framing, the CRC and the
//! record's link in the hash chain (`SHA-256(previous record's hash ‖ body) == hash`, which
//! needs only the previous record's *stored* hash) — done on a second thread while the caller
//! looks at the records already read (seq contiguity, commits, replay).
//!
//! The checks and their order are those of `read_record`: a frame that does not fit is
//! `Short`, an impossible length, a wrong CRC, unknown flags or an impossible place are `Bad`
//! (the scan stops there: what follows cannot be framed). The caller sees every record before
//! the stop, in file order, then the stop.
//!
//! Memory is bounded: at most [`DEPTH`] + 2 buffers of [`CHUNK`] bytes (one record larger than
//! that is read whole into one buffer). The buffers go back to a [`Buffers`] the caller keeps
//! from one segment to the next, and are never cleared: a buffer's pages are faulted in and
//! zeroed once per scan of the whole journal, not once per piece read.

use std::fs::File;
use std::io;
use std::ops::ControlFlow;
use std::os::unix::fs::FileExt;

use l10n::Said;

use super::{COMMIT_END, FRAME, MAX_PAYLOAD, PAYLOAD_HEAD, why};
use crate::commit::chain_hash;

/// Bytes read at once.
pub(crate) const CHUNK: usize = 2 << 20;
/// Chunks read ahead of the caller.
const DEPTH: usize = 2;
/// A scan of fewer bytes than this runs on the caller's thread: a thread is not worth it.
const THREAD_FROM: u64 = 4 << 20;

/// One record, borrowed from the scan's buffer.
pub(crate) struct Rec<'a> {
    pub seq: u64,
    pub flags: u8,
    /// Place in its commit (0 for the first record).
    pub place: u32,
    pub hash: [u8; 32],
    pub body: &'a [u8],
    /// Offset of the record's frame in the file, and of the next frame.
    pub at: u64,
    pub next: u64,
    /// `SHA-256(previous hash ‖ body) == hash`, the previous hash being the stored hash of the
    /// record before it in this scan (for the first, the `prev` the scan started with).
    pub chained: bool,
}

/// Where a scan stopped (unless the caller stopped it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Stop {
    /// Not enough bytes before the end for a whole record at `at`; `at == end` is a clean end.
    Short { at: u64 },
    /// The bytes at `at` are not a record.
    Bad { at: u64, why: Said },
    /// The caller asked to stop.
    Visitor,
}

/// How to scan (tests use small chunks and force the thread on small files).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Opts {
    pub chunk: usize,
    pub thread: Option<bool>,
}

impl Default for Opts {
    fn default() -> Self {
        Opts {
            chunk: CHUNK,
            thread: None,
        }
    }
}

/// A record's place in its chunk, with what was read of its head.
struct Meta {
    /// Offset of the payload in the chunk's buffer.
    off: usize,
    len: usize,
    seq: u64,
    flags: u8,
    place: u32,
    chained: bool,
}

/// Buffers kept from one scan to the next (see the module's documentation).
#[derive(Default)]
pub(crate) struct Buffers {
    free: Vec<(Vec<u8>, Vec<Meta>)>,
}

impl Buffers {
    fn take(&mut self) -> (Vec<u8>, Vec<Meta>) {
        self.free.pop().unwrap_or_default()
    }

    fn give(&mut self, b: (Vec<u8>, Vec<Meta>)) {
        if self.free.len() < DEPTH + 2 {
            self.free.push(b);
        }
    }
}

/// Records read and checked, in a buffer that goes back to the reader when done.
struct Chunk {
    /// `buf[..len]` was read; what follows is left from earlier reads.
    buf: Vec<u8>,
    len: usize,
    /// File offset of `buf[0]`.
    base: u64,
    recs: Vec<Meta>,
    /// Set on the last chunk.
    stop: Option<io::Result<Stop>>,
}

/// The reading side: where it is in the file and the last stored hash.
struct Framer<'f> {
    file: &'f File,
    /// File offset of the next record's frame.
    pos: u64,
    end: u64,
    prev: [u8; 32],
    chunk: usize,
    /// The bytes of an incomplete record at the end of the last chunk (they start at `pos`).
    carry: Vec<u8>,
    /// Bytes the next chunk must hold at least (a record longer than a chunk).
    need: usize,
    done: bool,
}

impl<'f> Framer<'f> {
    fn new(file: &'f File, from: u64, end: u64, prev: [u8; 32], chunk: usize) -> Framer<'f> {
        Framer {
            file,
            pos: from,
            end,
            prev,
            chunk: chunk.max(FRAME as usize),
            carry: Vec::new(),
            need: 0,
            done: false,
        }
    }

    /// Read the next chunk into `buf` (reused, its old bytes overwritten, never cleared) and
    /// frame its records.
    fn next(&mut self, mut buf: Vec<u8>, mut recs: Vec<Meta>) -> Chunk {
        recs.clear();
        let base = self.pos;
        let have = self.carry.len();
        let more = (self.chunk.max(self.need) as u64)
            .saturating_sub(have as u64)
            .min(self.end.saturating_sub(base + have as u64)) as usize;
        let mut len = have + more;
        if buf.len() < len {
            // Zeroed once, when the buffer grows.
            buf.resize(len, 0);
        }
        buf[..have].copy_from_slice(&self.carry);
        self.carry.clear();
        let stop = if more > 0 {
            self.file
                .read_exact_at(&mut buf[have..len], base + have as u64)
                .err()
                .map(Err)
        } else {
            None
        };
        let stop = match stop {
            Some(e) => Some(e),
            None => self.frame(&buf[..len], base, &mut recs).map(Ok),
        };
        match stop {
            Some(_) => self.done = true,
            None => {
                // The incomplete record at the end starts the next chunk.
                let off = (self.pos - base) as usize;
                self.carry.extend_from_slice(&buf[off..len]);
                len = off;
            }
        }
        Chunk {
            buf,
            len,
            base,
            recs,
            stop,
        }
    }

    /// Frame and check the records of `buf` (which starts at file offset `base`); moves `pos`
    /// past the last whole record. `None`: the rest is an incomplete record, more to read.
    fn frame(&mut self, buf: &[u8], base: u64, recs: &mut Vec<Meta>) -> Option<Stop> {
        let at_end = base + buf.len() as u64 >= self.end;
        let mut off = 0usize;
        let stop = loop {
            let rest = &buf[off..];
            let at = base + off as u64;
            if rest.len() < FRAME as usize {
                if at_end {
                    break Some(Stop::Short { at });
                }
                self.need = FRAME as usize;
                break None;
            }
            let len = u32::from_le_bytes([rest[0], rest[1], rest[2], rest[3]]);
            let crc = u32::from_le_bytes([rest[4], rest[5], rest[6], rest[7]]);
            if (len as usize) < PAYLOAD_HEAD || len > MAX_PAYLOAD {
                break Some(Stop::Bad {
                    at,
                    why: why::impossible_length(len),
                });
            }
            let total = FRAME as usize + len as usize;
            if rest.len() < total {
                if at_end {
                    break Some(Stop::Short { at });
                }
                self.need = total;
                break None;
            }
            let p = &rest[FRAME as usize..total];
            if crc32c::crc32c(p) != crc {
                break Some(Stop::Bad {
                    at,
                    why: why::checksum(),
                });
            }
            let seq = u64::from_le_bytes(p[..8].try_into().unwrap_or_default());
            let flags = p[8];
            if flags & !COMMIT_END != 0 {
                break Some(Stop::Bad {
                    at,
                    why: why::unknown_flags(flags),
                });
            }
            let place = u32::from_le_bytes([p[9], p[10], p[11], p[12]]);
            if u64::from(place) >= seq {
                break Some(Stop::Bad {
                    at,
                    why: why::out_of_place(seq, place),
                });
            }
            let hash: [u8; 32] = p[13..45].try_into().unwrap_or_default();
            let chained = chain_hash(&self.prev, &p[PAYLOAD_HEAD..]) == hash;
            self.prev = hash;
            recs.push(Meta {
                off: off + FRAME as usize,
                len: len as usize,
                seq,
                flags,
                place,
                chained,
            });
            off += total;
        };
        self.pos = base + off as u64;
        stop
    }
}

/// Hand a chunk's records to `visit`; `Break` if it asked to stop.
fn deliver(c: &Chunk, visit: &mut dyn FnMut(&Rec<'_>) -> ControlFlow<()>) -> ControlFlow<()> {
    let buf = &c.buf[..c.len];
    for m in &c.recs {
        let p = &buf[m.off..m.off + m.len];
        let at = c.base + (m.off - FRAME as usize) as u64;
        let rec = Rec {
            seq: m.seq,
            flags: m.flags,
            place: m.place,
            hash: p[13..45].try_into().unwrap_or_default(),
            body: &p[PAYLOAD_HEAD..],
            at,
            next: at + FRAME + m.len as u64,
            chained: m.chained,
        };
        visit(&rec)?;
    }
    ControlFlow::Continue(())
}

/// Scan `[from, end)` of `file`: every record to `visit` in order, then where it stopped.
/// `prev` is the stored hash of the record before `from` (zeros before the first event).
/// `bufs` lends the buffers and gets them back.
pub(crate) fn scan(
    file: &File,
    from: u64,
    end: u64,
    prev: [u8; 32],
    opts: Opts,
    bufs: &mut Buffers,
    visit: &mut dyn FnMut(&Rec<'_>) -> ControlFlow<()>,
) -> io::Result<Stop> {
    let mut framer = Framer::new(file, from, end, prev, opts.chunk);
    let threaded = opts
        .thread
        .unwrap_or(end.saturating_sub(from) >= THREAD_FROM);
    if !threaded {
        let (mut buf, mut recs) = bufs.take();
        loop {
            let mut c = framer.next(buf, recs);
            let stop = if deliver(&c, visit).is_break() {
                Some(Ok(Stop::Visitor))
            } else {
                c.stop.take()
            };
            if let Some(stop) = stop {
                bufs.give((c.buf, c.recs));
                return stop;
            }
            (buf, recs) = (c.buf, c.recs);
        }
    }
    let (free_tx, free_rx) = crossbeam_channel::bounded::<(Vec<u8>, Vec<Meta>)>(DEPTH + 2);
    while let Some(b) = bufs.free.pop() {
        let _ = free_tx.try_send(b);
    }
    let given_back = free_rx.clone();
    let result = std::thread::scope(|s| {
        let (full_tx, full_rx) = crossbeam_channel::bounded::<Chunk>(DEPTH);
        std::thread::Builder::new()
            .name("journal-scan".into())
            .spawn_scoped(s, move || {
                while !framer.done {
                    // A buffer given back, or a new one while fewer are in flight.
                    let (buf, recs) = free_rx.try_recv().unwrap_or_default();
                    let c = framer.next(buf, recs);
                    if full_tx.send(c).is_err() {
                        // The caller stopped.
                        break;
                    }
                }
            })?;
        let mut result = None;
        for mut c in &full_rx {
            if deliver(&c, visit).is_break() {
                result = Some(Ok(Stop::Visitor));
            } else if let Some(stop) = c.stop.take() {
                result = Some(stop);
            }
            let _ = free_tx.try_send((c.buf, c.recs));
            if result.is_some() {
                break;
            }
        }
        // Dropping the receiver stops the reader if it is still reading.
        drop(full_rx);
        result.unwrap_or_else(|| Err(io::Error::other("the journal reader stopped")))
    });
    // The reader has ended: the buffers given back are there for the next scan.
    bufs.free.extend(given_back.try_iter().take(DEPTH + 2));
    result
}

#[cfg(test)]
mod tests {
    use super::super::{Cursor, HEADER, Read, read_record};
    use super::*;

    /// A segment's bytes after its header: `n` records of growing bodies, chained.
    fn records(n: u64, big_every: u64) -> Vec<u8> {
        let mut out = Vec::new();
        let mut prev = [0u8; 32];
        for seq in 1..=n {
            let size = if big_every > 0 && seq % big_every == 0 {
                5000
            } else {
                (seq as usize * 37) % 300
            };
            let body: Vec<u8> = (0..size).map(|i| (i as u8) ^ (seq as u8)).collect();
            let hash = chain_hash(&prev, &body);
            prev = hash;
            let len = (PAYLOAD_HEAD + body.len()) as u32;
            let mut p = Vec::new();
            p.extend_from_slice(&seq.to_le_bytes());
            p.push(if seq % 3 == 0 { COMMIT_END } else { 0 });
            p.extend_from_slice(&((seq - 1) % 3).to_le_bytes()[..4]);
            p.extend_from_slice(&hash);
            p.extend_from_slice(&body);
            out.extend_from_slice(&len.to_le_bytes());
            out.extend_from_slice(&crc32c::crc32c(&p).to_le_bytes());
            out.extend_from_slice(&p);
        }
        out
    }

    #[derive(Debug, PartialEq, Eq)]
    enum Seen {
        Rec(u64, u8, u32, [u8; 32], Vec<u8>, u64, u64, bool),
        Stop(String),
    }

    /// What `read_record` says, record by record, with the chain checked as the scan does.
    fn reference(file: &File, from: u64, end: u64) -> Vec<Seen> {
        let mut c = Cursor::new(file, from, end);
        let (mut at, mut prev, mut out) = (from, [0u8; 32], Vec::new());
        loop {
            match read_record(&mut c, at) {
                Err(e) => {
                    out.push(Seen::Stop(format!("io {}", e.kind())));
                    return out;
                }
                Ok(Read::Ok {
                    seq,
                    flags,
                    place,
                    hash,
                    body,
                    next,
                }) => {
                    let chained = chain_hash(&prev, &body) == hash;
                    prev = hash;
                    out.push(Seen::Rec(seq, flags, place, hash, body, at, next, chained));
                    at = next;
                }
                Ok(Read::Short) => {
                    out.push(Seen::Stop(format!("{:?}", Stop::Short { at })));
                    return out;
                }
                Ok(Read::Bad(why)) => {
                    out.push(Seen::Stop(format!("{:?}", Stop::Bad { at, why })));
                    return out;
                }
            }
        }
    }

    fn scanned(file: &File, from: u64, end: u64, opts: Opts, stop_at: Option<u64>) -> Vec<Seen> {
        scanned_with(file, from, end, opts, stop_at, &mut Buffers::default())
    }

    /// [`scanned`] with buffers lent by the caller (left from other scans: what they hold
    /// must never be read as records).
    fn scanned_with(
        file: &File,
        from: u64,
        end: u64,
        opts: Opts,
        stop_at: Option<u64>,
        bufs: &mut Buffers,
    ) -> Vec<Seen> {
        let mut out = Vec::new();
        let r = scan(file, from, end, [0; 32], opts, bufs, &mut |r| {
            out.push(Seen::Rec(
                r.seq,
                r.flags,
                r.place,
                r.hash,
                r.body.to_vec(),
                r.at,
                r.next,
                r.chained,
            ));
            if Some(r.seq) == stop_at {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        });
        out.push(Seen::Stop(match r {
            Ok(s) => format!("{s:?}"),
            Err(e) => format!("io {}", e.kind()),
        }));
        out
    }

    fn file_of(bytes: &[u8]) -> (tempfile::TempDir, File) {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("s");
        let mut all = vec![0u8; HEADER as usize];
        all.extend_from_slice(bytes);
        std::fs::write(&p, all).unwrap();
        let f = File::open(&p).unwrap();
        (t, f)
    }

    /// Every chunk size, with and without the thread, with `bufs` lent to every scan (so they
    /// hold the bytes of earlier scans of other files and other chunk sizes).
    fn every_way(bytes: &[u8], bufs: &mut Buffers, check: impl Fn(&str, Vec<Seen>, Vec<Seen>)) {
        let (_t, f) = file_of(bytes);
        let end = HEADER + bytes.len() as u64;
        let want = reference(&f, HEADER, end);
        for chunk in [8, 9, 61, 500, 4096, CHUNK] {
            for thread in [false, true] {
                let opts = Opts {
                    chunk,
                    thread: Some(thread),
                };
                let got = scanned_with(&f, HEADER, end, opts, None, bufs);
                check(
                    &format!("chunk {chunk}, thread {thread}"),
                    want_clone(&want),
                    got,
                );
            }
        }
    }

    fn want_clone(v: &[Seen]) -> Vec<Seen> {
        v.iter()
            .map(|s| match s {
                Seen::Rec(a, b, c, d, e, f, g, h) => {
                    Seen::Rec(*a, *b, *c, *d, e.clone(), *f, *g, *h)
                }
                Seen::Stop(s) => Seen::Stop(s.clone()),
            })
            .collect()
    }

    #[test]
    fn a_scan_sees_what_reading_record_by_record_sees() {
        let bytes = records(300, 50);
        let mut bufs = Buffers::default();
        every_way(&bytes, &mut bufs, |how, want, got| {
            assert_eq!(want, got, "{how}")
        });
        // Cut anywhere, flipped anywhere: the same records, the same stop.
        for cut in (0..bytes.len()).step_by(97) {
            every_way(&bytes[..cut], &mut bufs, |how, want, got| {
                assert_eq!(want, got, "cut at {cut}, {how}")
            });
        }
        for i in (0..bytes.len()).step_by(89) {
            let mut b = bytes.clone();
            b[i] ^= 0x41;
            every_way(&b, &mut bufs, |how, want, got| {
                assert_eq!(want, got, "flipped byte {i}, {how}")
            });
        }
    }

    #[test]
    fn a_broken_link_is_flagged_and_the_next_record_chains_from_the_stored_hash() {
        // Record 5's stored hash altered (and its CRC made right): 5 does not follow from 4,
        // and 6, hashed from 5's true hash, does not follow from the altered one; 7 does.
        let mut bytes = records(10, 0);
        let mut bufs = Buffers::default();
        let (_t, f) = file_of(&bytes);
        let got = scanned(
            &f,
            HEADER,
            HEADER + bytes.len() as u64,
            Opts::default(),
            None,
        );
        assert!(got.iter().all(|s| !matches!(s, Seen::Rec(.., false))));
        // Rewrite record 5 with another hash.
        let mut off = 0;
        for _ in 1..5 {
            let len = u32::from_le_bytes(bytes[off..off + 4].try_into().unwrap()) as usize;
            off += 8 + len;
        }
        let len = u32::from_le_bytes(bytes[off..off + 4].try_into().unwrap()) as usize;
        bytes[off + 8 + 13] ^= 1;
        let crc = crc32c::crc32c(&bytes[off + 8..off + 8 + len]);
        bytes[off + 4..off + 8].copy_from_slice(&crc.to_le_bytes());
        every_way(&bytes, &mut bufs, |how, want, got| {
            assert_eq!(want, got, "{how}");
            let chained: Vec<bool> = got
                .iter()
                .filter_map(|s| match s {
                    Seen::Rec(.., c) => Some(*c),
                    Seen::Stop(_) => None,
                })
                .collect();
            assert_eq!(
                chained,
                (1..=10).map(|s| s != 5 && s != 6).collect::<Vec<_>>(),
                "{how}"
            );
        });
    }

    #[test]
    fn the_caller_may_stop_a_scan() {
        let bytes = records(2000, 0);
        let (_t, f) = file_of(&bytes);
        for thread in [false, true] {
            let got = scanned(
                &f,
                HEADER,
                HEADER + bytes.len() as u64,
                Opts {
                    chunk: 1000,
                    thread: Some(thread),
                },
                Some(777),
            );
            assert_eq!(got.len(), 778);
            assert_eq!(got.last(), Some(&Seen::Stop("Visitor".into())));
        }
    }

    #[test]
    fn a_file_shorter_than_its_end_is_an_error() {
        let bytes = records(100, 0);
        let (_t, f) = file_of(&bytes);
        let end = HEADER + bytes.len() as u64 + 50;
        for thread in [false, true] {
            let got = scanned(
                &f,
                HEADER,
                end,
                Opts {
                    chunk: 1000,
                    thread: Some(thread),
                },
                None,
            );
            assert_eq!(
                got.last(),
                Some(&Seen::Stop("io unexpected end of file".into()))
            );
        }
    }
}
