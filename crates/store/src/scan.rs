//! Reading the whole log fast on two cores: a helper thread walks sled in seq order, checks the
//! sequence and each event's hash (against the stored hash of the event before it, so one
//! altered event is named alone), and hands chunks to the calling thread, which decodes the
//! bodies and applies them in order. Decoding and applying on one thread keeps every decoded
//! value allocated and freed by the same thread.

use crossbeam_channel::bounded;
use sled::IVec;

use l10n::Lang;

use super::Store;
use super::codec::{self, HASH_LEN, Head, ZERO_HASH};
use super::error::StoreError;
use super::fastdecode::{self, ReplayBody};
use super::layout;

/// Events per chunk handed from the walker to the decoder.
const CHUNK: usize = 2048;

/// What a scan of the log found.
pub(crate) struct Scan {
    /// Events examined.
    pub count: u64,
    /// Seq and stored hash of the last event.
    pub last_seq: u64,
    pub last_hash: [u8; HASH_LEN],
    /// The first problem by seq: a gap, an unreadable value, a hash mismatch, an unreadable
    /// body, or a last event that is not the one recorded at the last commit.
    pub first_bad: Option<(u64, String)>,
}

/// Keep the problem with the lowest seq.
fn keep_first(slot: &mut Option<(u64, String)>, seq: u64, why: String) {
    if slot.as_ref().is_none_or(|(s, _)| seq < *s) {
        *slot = Some((seq, why));
    }
}

/// A stored event as the walker saw it: its body is `block[body]`; `problem` if its hash does
/// not match.
struct Walked {
    seq: u64,
    block: IVec,
    body: std::ops::Range<usize>,
    problem: Option<String>,
}

/// What the sled walker saw.
struct Walk {
    count: u64,
    last_seq: u64,
    last_hash: [u8; HASH_LEN],
    first_bad: Option<(u64, String)>,
}

impl Store {
    /// Walk the whole log; `on_event` gets every readable body in seq order (including bodies
    /// whose hash is wrong: they are reported, and replay still uses what is there), as the fast
    /// decoder gives it.
    pub(crate) fn scan_events(
        &self,
        on_event: &mut dyn FnMut(&ReplayBody<'_>),
    ) -> Result<Scan, StoreError> {
        let (tx, rx) = bounded::<Vec<Walked>>(4);
        let (walk, decode_bad) = std::thread::scope(|s| {
            let walker = s.spawn(move || self.walk(tx));
            let mut first_bad = None;
            for chunk in rx {
                for w in chunk {
                    if let Some(why) = w.problem {
                        keep_first(&mut first_bad, w.seq, why);
                    }
                    let Some(bytes) = w.block.get(w.body.clone()) else {
                        continue;
                    };
                    match fastdecode::decode_for_replay(bytes) {
                        Ok(b) if b.seq == w.seq => on_event(&b),
                        Ok(b) => keep_first(
                            &mut first_bad,
                            w.seq,
                            format!("its content says it is event {}", b.seq),
                        ),
                        Err(e) => keep_first(
                            &mut first_bad,
                            w.seq,
                            format!("its content cannot be read: {e}"),
                        ),
                    }
                }
            }
            let walk = walker.join().unwrap_or_else(|_| {
                Err(StoreError::corrupt("the log reader stopped unexpectedly"))
            });
            (walk, first_bad)
        });
        let walk = walk?;
        let mut first_bad = walk.first_bad;
        if let Some((seq, why)) = decode_bad {
            keep_first(&mut first_bad, seq, why);
        }
        if first_bad.is_none() {
            first_bad = self.check_head(walk.count, walk.last_seq, &walk.last_hash)?;
        }
        Ok(Scan {
            count: walk.count,
            last_seq: walk.last_seq,
            last_hash: walk.last_hash,
            first_bad,
        })
    }

    /// Walk `events` in key order, checking that seqs run from 1 without gaps and the hash
    /// chain, and hand out chunks.
    fn walk(&self, tx: crossbeam_channel::Sender<Vec<Walked>>) -> Result<Walk, StoreError> {
        let mut w = Walk {
            count: 0,
            last_seq: 0,
            last_hash: ZERO_HASH,
            first_bad: None,
        };
        let mut expected = 1u64;
        let mut chunk = Vec::with_capacity(CHUNK);
        for r in super::chunked::Chunked::from(&self.t.events, &[]) {
            let (k, v) = r.map_err(|e| self.sled_err(e))?;
            let Some(first) = layout::seq_suffix(&k).filter(|_| k.len() == 8) else {
                keep_first(
                    &mut w.first_bad,
                    expected,
                    "an events key is not a sequence number".into(),
                );
                continue;
            };
            let mut position = first;
            for rec in codec::records(&v) {
                let rec = match rec {
                    Ok(rec) => rec,
                    Err(why) => {
                        // The rest of the block cannot be located.
                        w.count += 1;
                        keep_first(&mut w.first_bad, position.max(expected), why);
                        break;
                    }
                };
                w.count += 1;
                let seq = rec.seq;
                if seq != expected {
                    let why = if seq > expected {
                        format!(
                            "event {expected} is missing (the log goes from {} to {seq})",
                            expected.saturating_sub(1)
                        )
                    } else {
                        format!("event {seq} is stored again after event {}", expected - 1)
                    };
                    keep_first(&mut w.first_bad, expected.min(seq), why);
                }
                if rec.seq < position {
                    keep_first(&mut w.first_bad, seq, "it is stored out of order".into());
                }
                position = seq.saturating_add(1);
                expected = seq.saturating_add(1);
                let problem = (codec::chain_hash(&w.last_hash, rec.body) != rec.hash).then(|| {
                    "its hash does not match its content and the previous event's hash \
                     (the event was altered)"
                        .to_string()
                });
                // Continue the chain from the stored hash.
                w.last_hash = rec.hash;
                let start = rec.body.as_ptr() as usize - v.as_ptr() as usize;
                chunk.push(Walked {
                    seq,
                    block: v.clone(),
                    body: start..start + rec.body.len(),
                    problem,
                });
                w.last_seq = seq;
                if chunk.len() == CHUNK {
                    let events = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
                    if tx.send(events).is_err() {
                        return Err(StoreError::corrupt("the log scan stopped unexpectedly"));
                    }
                }
            }
        }
        if !chunk.is_empty() && tx.send(chunk).is_err() {
            return Err(StoreError::corrupt("the log scan stopped unexpectedly"));
        }
        Ok(w)
    }

    /// Is the last event the one recorded at the last commit (`meta/head`)? Catches events
    /// removed from the end of the log.
    fn check_head(
        &self,
        count: u64,
        last_seq: u64,
        last_hash: &[u8; HASH_LEN],
    ) -> Result<Option<(u64, String)>, StoreError> {
        let head = self
            .t
            .meta
            .get(layout::HEAD_KEY)
            .map_err(|e| self.sled_err(e))?;
        Ok(
            match head.map(|v| codec::decode::<Head>(&v, "the head record")) {
                None if count > 0 => Some((
                    last_seq,
                    "the record of the last commit (meta/head) is missing".into(),
                )),
                None => None,
                Some(Err(e)) => Some((last_seq, e.message(Lang::En))),
                Some(Ok(head)) if head.seq > last_seq => Some((
                    last_seq + 1,
                    format!(
                        "event {} is missing: the log ends at {last_seq}, the last commit was {}",
                        last_seq + 1,
                        head.seq
                    ),
                )),
                Some(Ok(head)) if head.seq < last_seq => Some((
                    head.seq + 1,
                    format!("events after {} were added outside a commit", head.seq),
                )),
                Some(Ok(head)) if head.hash != hex::encode(last_hash) => Some((
                    last_seq,
                    "its hash differs from the one recorded when it was committed".into(),
                )),
                Some(Ok(_)) => None,
            },
        )
    }
}
