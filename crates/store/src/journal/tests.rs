//! The journal on its own: round trips, segments, torn tails and damage, unsafe files.

use super::*;

fn body(seq: u64) -> Vec<u8> {
    format!("sự kiện {seq} {}", "x".repeat((seq % 7) as usize * 10)).into_bytes()
}

/// Commits of `sizes` records each, chained from the journal's head.
fn commits(j: &Journal, sizes: &[usize]) -> Vec<Vec<Entry>> {
    let (mut seq, mut prev) = j.head();
    sizes
        .iter()
        .map(|&n| {
            (0..n)
                .map(|_| {
                    seq += 1;
                    let b = body(seq);
                    let h = chain_hash(&prev, &b);
                    prev = h;
                    (seq, h, b)
                })
                .collect()
        })
        .collect()
}

fn write(dir: &Path, sizes: &[usize], segment_bytes: u64) -> Journal {
    let mut j = Journal::create(dir).unwrap();
    j.set_segment_bytes(segment_bytes);
    for c in commits(&j, sizes) {
        j.append(&c).unwrap();
    }
    j
}

fn all(j: &Journal) -> Vec<u64> {
    j.records_from(1).map(|r| r.unwrap().seq).collect()
}

fn seg_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

#[test]
fn records_round_trip_across_segments() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("journal");
    let j = write(&dir, &[1, 3, 40, 2, 100, 1], 600);
    assert_eq!(j.head().0, 147);
    assert!(seg_files(&dir).len() >= 3, "segments rolled");
    assert_eq!(all(&j), (1..=147).collect::<Vec<_>>());
    for seq in [1, 2, 31, 32, 33, 64, 100, 147] {
        let r = j.read(seq).unwrap();
        assert_eq!(r.seq, seq);
        assert_eq!(r.body, body(seq));
    }
    assert!(j.read(148).is_err());
    let head = j.head();
    drop(j);
    let (j, opened) = Journal::open(&dir, OpenMode::ReadOnly).unwrap();
    assert_eq!(j.head(), head);
    assert!(opened.torn.is_none());
    assert_eq!(all(&j), (1..=147).collect::<Vec<_>>());
    assert_eq!(j.records_from(100).next().unwrap().unwrap().seq, 100);
}

#[test]
fn append_refuses_what_does_not_continue_the_chain() {
    let t = tempfile::tempdir().unwrap();
    let mut j = write(&t.path().join("j"), &[2], SEGMENT_BYTES);
    let c = commits(&j, &[1]);
    let mut wrong_seq = c[0].clone();
    wrong_seq[0].0 = 9;
    assert!(j.append(&wrong_seq).is_err());
    let mut wrong_hash = c[0].clone();
    wrong_hash[0].1[0] ^= 1;
    assert!(j.append(&wrong_hash).is_err());
    j.append(&c[0]).unwrap();
    assert_eq!(all(&j), vec![1, 2, 3]);
}

#[test]
fn files_are_private_whatever_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("j");
    // SAFETY: umask only changes this process's creation mask; restored below. Other tests
    // create files too, but with modes of their own.
    let old = unsafe { libc::umask(0) };
    let j = write(&dir, &[1], SEGMENT_BYTES);
    unsafe { libc::umask(old) };
    drop(j);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir), 0o700);
    for f in seg_files(&dir) {
        assert_eq!(mode(&f), 0o600);
    }
}

#[test]
fn a_torn_tail_is_reported_and_cut_only_when_asked() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("j");
    let j = write(&dir, &[3, 2], SEGMENT_BYTES);
    let c = commits(&j, &[3]);
    drop(j);
    let seg = seg_files(&dir).pop().unwrap();
    let good = std::fs::metadata(&seg).unwrap().len();
    let torn_variants: Vec<Vec<u8>> = {
        let full = frame(&c[0]);
        vec![
            full[..5].to_vec(),              // inside a length
            full[..full.len() - 3].to_vec(), // inside the last payload
            vec![0; 4096],                   // a page never written
            {
                // Records without their commit end: the last one cut off.
                let two = frame(&c[0][..2]);
                let mut v = full.clone();
                v.truncate(two.len());
                v
            },
        ]
    };
    for (i, tail) in torn_variants.into_iter().enumerate() {
        let mut b = std::fs::read(&seg).unwrap();
        b.truncate(good as usize);
        b.extend_from_slice(&tail);
        std::fs::write(&seg, &b).unwrap();
        let (j, opened) = Journal::open(&dir, OpenMode::ReadOnly).unwrap();
        assert_eq!(j.head().0, 5, "variant {i}");
        let torn = opened.torn.expect("reported");
        assert_eq!(
            std::fs::metadata(&seg).unwrap().len(),
            b.len() as u64,
            "untouched"
        );
        drop(j);
        let (mut j, _) = Journal::open(&dir, OpenMode::Repair).unwrap();
        j.cut_torn_tail(&torn).unwrap();
        assert_eq!(std::fs::metadata(&seg).unwrap().len(), good, "variant {i}");
        // And the journal goes on.
        let next = commits(&j, &[1]);
        j.append(&next[0]).unwrap();
        assert_eq!(all(&j), (1..=6).collect::<Vec<_>>());
        drop(j);
        let f = std::fs::OpenOptions::new().write(true).open(&seg).unwrap();
        f.set_len(good).unwrap();
    }
}

#[test]
fn damage_is_an_error_naming_file_offset_and_seq() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("j");
    drop(write(&dir, &[2, 2, 2, 2], 200));
    let files = seg_files(&dir);
    assert!(files.len() >= 3);
    // A flipped byte in a middle segment.
    let mid = &files[1];
    let saved = std::fs::read(mid).unwrap();
    let mut b = saved.clone();
    b[20] ^= 0x40;
    std::fs::write(mid, &b).unwrap();
    match Journal::open(&dir, OpenMode::ReadOnly) {
        Err(JournalError::Damaged { file, offset, .. }) => {
            assert!(file.ends_with(&*mid.file_name().unwrap().to_string_lossy()));
            assert_eq!(offset, 13);
        }
        other => panic!("{:?}", other.map(|_| ())),
    }
    std::fs::write(mid, &saved).unwrap();
    // A deleted middle segment.
    std::fs::rename(mid, t.path().join("aside")).unwrap();
    let e = Journal::open(&dir, OpenMode::ReadOnly)
        .err()
        .expect("damage");
    assert!(e.to_string().contains("a segment is missing"), "{e}");
    std::fs::rename(t.path().join("aside"), mid).unwrap();
    // A renamed segment.
    let renamed = dir.join(segment_name(999));
    std::fs::rename(&files[2], &renamed).unwrap();
    assert!(Journal::open(&dir, OpenMode::ReadOnly).is_err());
    std::fs::rename(&renamed, &files[2]).unwrap();
    // A stranger in the folder.
    std::fs::write(dir.join("notes.txt"), b"x").unwrap();
    assert!(Journal::open(&dir, OpenMode::ReadOnly).is_err());
    std::fs::remove_file(dir.join("notes.txt")).unwrap();
    // A segment replaced by a link.
    let target = t.path().join("target");
    std::fs::rename(&files[0], &target).unwrap();
    std::os::unix::fs::symlink(&target, &files[0]).unwrap();
    match Journal::open(&dir, OpenMode::ReadOnly) {
        Err(JournalError::Unsafe { what, .. }) => {
            assert!(what.en.contains("link"), "{what}");
            assert!(what.vi.contains("liên kết"), "{}", what.vi);
        }
        other => panic!("{:?}", other.map(|_| ())),
    }
    std::fs::remove_file(&files[0]).unwrap();
    std::fs::rename(&target, &files[0]).unwrap();
    assert_eq!(
        all(&Journal::open(&dir, OpenMode::ReadOnly).unwrap().0).len(),
        8
    );
}

#[test]
fn a_bad_record_followed_by_a_good_one_is_damage_not_a_torn_tail() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("j");
    drop(write(&dir, &[3, 3], SEGMENT_BYTES));
    let seg = seg_files(&dir).pop().unwrap();
    let mut b = std::fs::read(&seg).unwrap();
    b[13 + 8 + 2] ^= 1; // inside record 1's payload
    std::fs::write(&seg, &b).unwrap();
    assert!(matches!(
        Journal::open(&dir, OpenMode::ReadOnly),
        Err(JournalError::Damaged { seq: 1, .. })
    ));
}

#[test]
fn every_flipped_byte_and_every_cut_is_caught_without_a_panic() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("j");
    drop(write(&dir, &[2, 1, 3], SEGMENT_BYTES));
    let seg = seg_files(&dir).pop().unwrap();
    let good = std::fs::read(&seg).unwrap();
    for i in 0..good.len() {
        let mut b = good.clone();
        b[i] ^= 0x10;
        std::fs::write(&seg, &b).unwrap();
        if let Ok((j, opened)) = Journal::open(&dir, OpenMode::ReadOnly) {
            // Only a torn tail may hide records, and then it is reported.
            if j.head().0 < 6 {
                assert!(
                    opened.torn.is_some(),
                    "byte {i}: fewer records and no report"
                );
            }
            assert_eq!(
                std::fs::read(&seg).unwrap(),
                b,
                "read-only changed the file"
            );
        }
    }
    // A cut exactly at a commit boundary leaves a shorter journal the journal alone cannot
    // tell from a younger one (the store's applied seq does: see the store's tests); any other
    // cut is reported.
    let c = commits(
        &Journal::create(&t.path().join("scratch")).unwrap(),
        &[2, 1, 3],
    );
    let mut boundaries = vec![HEADER as usize];
    for commit in &c {
        boundaries.push(boundaries.last().unwrap() + frame(commit).len());
    }
    for n in 0..good.len() {
        std::fs::write(&seg, &good[..n]).unwrap();
        if let Ok((j, opened)) = Journal::open(&dir, OpenMode::ReadOnly)
            && j.head().0 < 6
        {
            assert!(
                opened.torn.is_some() || boundaries.contains(&n),
                "cut at {n}: fewer records, no report"
            );
        }
    }
    std::fs::write(&seg, &good).unwrap();
}

#[test]
fn a_replaced_or_removed_directory_is_noticed() {
    let t = tempfile::tempdir().unwrap();
    let store = t.path().join("store");
    std::fs::create_dir(&store).unwrap();
    let dir = store.join("journal");
    let j = write(&dir, &[1], SEGMENT_BYTES);
    assert!(j.still_in_place().unwrap());
    // The store folder renamed and another put in its place.
    std::fs::rename(&store, t.path().join("moved")).unwrap();
    assert!(!j.still_in_place().unwrap());
    std::fs::create_dir_all(&dir).unwrap();
    assert!(!j.still_in_place().unwrap());
    std::fs::remove_dir_all(&store).unwrap();
    std::fs::rename(t.path().join("moved"), &store).unwrap();
    assert!(j.still_in_place().unwrap());
    std::fs::remove_dir_all(&store).unwrap();
    assert!(!j.still_in_place().unwrap());
}

/// `cargo test --release -p thamdinh-store -- --ignored --nocapture journal_scan_speed`
#[test]
#[ignore = "a benchmark: run in release with --ignored; it prints records per second"]
fn journal_scan_speed() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("j");
    let mut j = Journal::create(&dir).unwrap();
    let n = 1_000_000u64;
    let (mut prev, mut batch) = ([0u8; 32], Vec::new());
    for seq in 1..=n {
        let b = vec![b'a'; 200];
        let h = chain_hash(&prev, &b);
        prev = h;
        batch.push((seq, h, b));
        if batch.len() == 50_000 {
            j.append(&batch).unwrap();
            batch.clear();
        }
    }
    drop(j);
    let start = std::time::Instant::now();
    let (j, _) = Journal::open(&dir, OpenMode::ReadOnly).unwrap();
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(j.head().0, n);
    println!("open (CRC + chain): {:.0} records/s", n as f64 / secs);
}

#[test]
fn good_records_after_garbage_are_torn_only_if_they_belong_to_the_unfinished_commit() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("j");
    let j = write(&dir, &[2], SEGMENT_BYTES);
    let next = commits(&j, &[3, 1]);
    drop(j);
    let seg = seg_files(&dir).pop().unwrap();
    let good = std::fs::read(&seg).unwrap();
    // The unfinished commit's second page reached the disk before its first: garbage where
    // record 3 should be, then records 4 and 5 of the same commit.
    let unfinished = frame(&next[0]);
    let first = frame(&next[0][..1]).len();
    let mut b = good.clone();
    b.extend(std::iter::repeat_n(0xAB, first));
    b.extend_from_slice(&unfinished[first..]);
    std::fs::write(&seg, &b).unwrap();
    let (j, opened) = Journal::open(&dir, OpenMode::ReadOnly).unwrap();
    assert_eq!(j.head().0, 2);
    assert!(opened.torn.is_some(), "a torn write, not damage");
    drop(j);
    // The same garbage followed by a record of a later commit: that commit was written, so the
    // one before it was complete: damage.
    let mut b = good.clone();
    b.extend(std::iter::repeat_n(0xAB, unfinished.len()));
    b.extend_from_slice(&frame(&next[1]));
    std::fs::write(&seg, &b).unwrap();
    assert!(matches!(
        Journal::open(&dir, OpenMode::ReadOnly),
        Err(JournalError::Damaged { seq: 3, .. })
    ));
}
