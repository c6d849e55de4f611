//! Reading a sled tree in bounded pieces. A sled iterator pins sled's epoch while it lives, so
//! every page it has read stays in memory until it is dropped: a scan of a whole year's items,
//! or of the whole log, would hold all of them (SPEC P6: the server must not hold the log in
//! memory). This iterator opens a new sled iterator every [`CHUNK`] entries, after the last key
//! it returned.

use std::collections::VecDeque;
use std::ops::Bound;

use sled::IVec;

/// Entries read under one sled iterator.
const CHUNK: usize = 256;

pub(crate) struct Chunked<'a> {
    tree: &'a sled::Tree,
    /// Where the next piece starts.
    start: Bound<Vec<u8>>,
    /// Only keys with this prefix (the scan ends at the first other key).
    prefix: Vec<u8>,
    buf: VecDeque<(IVec, IVec)>,
    done: bool,
}

impl<'a> Chunked<'a> {
    /// Every entry whose key starts with `prefix`, in key order.
    pub fn prefix(tree: &'a sled::Tree, prefix: &[u8]) -> Chunked<'a> {
        Chunked {
            tree,
            start: Bound::Included(prefix.to_vec()),
            prefix: prefix.to_vec(),
            buf: VecDeque::new(),
            done: false,
        }
    }

    fn refill(&mut self) -> sled::Result<()> {
        let range = (self.start.clone(), Bound::<Vec<u8>>::Unbounded);
        let mut n = 0;
        for r in self.tree.range::<Vec<u8>, _>(range).take(CHUNK) {
            let (k, v) = r?;
            n += 1;
            if !k.starts_with(&self.prefix) {
                self.done = true;
                break;
            }
            self.start = Bound::Excluded(k.to_vec());
            self.buf.push_back((k, v));
        }
        if n < CHUNK {
            self.done = true;
        }
        Ok(())
    }
}

impl Iterator for Chunked<'_> {
    type Item = sled::Result<(IVec, IVec)>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.buf.is_empty()
            && !self.done
            && let Err(e) = self.refill()
        {
            self.done = true;
            return Some(Err(e));
        }
        self.buf.pop_front().map(Ok)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_entry_across_pieces_and_stops_at_the_prefix() {
        let dir = tempfile::tempdir().unwrap();
        let db = sled::open(dir.path()).unwrap();
        let t = db.open_tree("t").unwrap();
        for i in 0..1000u32 {
            t.insert(format!("a/{i:04}"), &[1][..]).unwrap();
        }
        t.insert("b/0", &[2][..]).unwrap();
        let keys: Vec<IVec> = Chunked::prefix(&t, b"a/").map(|r| r.unwrap().0).collect();
        assert_eq!(keys.len(), 1000);
        assert!(keys.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(Chunked::prefix(&t, b"a/099").count(), 10);
        assert_eq!(Chunked::prefix(&t, b"c/").count(), 0);
        assert_eq!(Chunked::prefix(&t, b"").count(), 1001);
    }
}
