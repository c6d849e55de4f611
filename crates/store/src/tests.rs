//! Store tests that need the trees directly: tampering with stored bytes, schema checks.

use jiff::Timestamp;
use sha2::{Digest, Sha256};

use super::*;
use domain::{Appraisal, Change, SelfAssessment, Status};

fn at(n: i64) -> Timestamp {
    Timestamp::from_second(1_717_000_000 + n).unwrap()
}

fn key(leaf: &str) -> ItemKey {
    ItemKey::new(2024, "44", leaf)
}

fn ev(actor: &str, change: Change) -> NewEvent {
    NewEvent {
        actor: actor.into(),
        command: "test".into(),
        change,
        reason: String::new(),
    }
}

fn adjusted(just: &str, score: i64) -> Appraisal {
    Appraisal {
        proposed: Some(domain::Points::from_hundredths(score)),
        justification: just.into(),
        status: Status::Adjusted,
        ..Appraisal::default()
    }
}

/// A store with a year, a member, two self-assessed items, three appraisals of one of them
/// (versions 2..4) and a finalized unit: 9 events.
fn populated() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(&dir.path().join("s")).unwrap();
    store
        .commit(
            at(0),
            vec![
                ev(
                    "lan",
                    Change::YearOpened {
                        year: 2024,
                        framework_toml: "[framework]".into(),
                        framework_file: "fw.toml".into(),
                        units_toml: "[units]".into(),
                        units_file: "u.toml".into(),
                        from_year: None,
                    },
                ),
                ev(
                    "lan",
                    Change::MemberChanged {
                        user: "minh".into(),
                        before: None,
                        after: Some(Role::Appraiser),
                    },
                ),
            ],
        )
        .unwrap();
    let sa = |s: i64| SelfAssessment {
        score: domain::Points::from_hundredths(s),
        note: "ghi chú".into(),
        evidence: vec![],
    };
    store
        .commit(
            at(1),
            vec![
                ev(
                    "lan",
                    Change::SelfAssessed {
                        key: key("3.2.1"),
                        version: 1,
                        before: None,
                        after: sa(100),
                    },
                ),
                ev(
                    "lan",
                    Change::SelfAssessed {
                        key: key("3.2.2"),
                        version: 1,
                        before: None,
                        after: sa(50),
                    },
                ),
            ],
        )
        .unwrap();
    let mut before = Appraisal::default();
    for (v, just) in [(2, "Thiếu văn bản"), (3, "Thiếu quyết định"), (4, "Đủ")] {
        let after = adjusted(just, 25 * v as i64);
        store
            .commit(
                at(v as i64),
                vec![ev(
                    "minh",
                    Change::Appraised {
                        key: key("3.2.1"),
                        version: v,
                        before: before.clone(),
                        after: after.clone(),
                    },
                )],
            )
            .unwrap();
        before = after;
    }
    store
        .commit(
            at(9),
            vec![ev(
                "lan",
                Change::UnitFinalized {
                    year: 2024,
                    unit: "44".into(),
                },
            )],
        )
        .unwrap();
    (dir, store)
}

/// The block holding `seq`: (its key, its value).
fn block_of(store: &Store, seq: u64) -> (sled::IVec, Vec<u8>) {
    let (k, v) = store
        .t
        .events
        .range(..=layout::seq_key(seq))
        .next_back()
        .unwrap()
        .unwrap();
    (k, v.to_vec())
}

/// One stored event as the tests see it: a version byte (1), its 32 hash bytes, its body.
fn raw_event(store: &Store, seq: u64) -> Vec<u8> {
    let (_, block) = block_of(store, seq);
    let rec = codec::records(&block)
        .map(Result::unwrap)
        .find(|r| r.seq == seq)
        .unwrap();
    let mut out = vec![1];
    out.extend_from_slice(&rec.hash);
    out.extend_from_slice(rec.body);
    out
}

/// Rewrite the block holding `seq` with `value` (as `raw_event` shows it) in place of that
/// event, or with `value` as the whole block when it is not in that shape.
fn put_raw_event(store: &Store, seq: u64, value: Vec<u8>) {
    let (k, block) = block_of(store, seq);
    let new = if value.len() > 33 && value[0] == 1 {
        let mut out = vec![codec::BLOCK];
        for r in codec::records(&block).map(Result::unwrap) {
            if r.seq == seq {
                let hash: [u8; 32] = value[1..33].try_into().unwrap();
                codec::push_record(&mut out, seq, &hash, &value[33..]);
            } else {
                codec::push_record(&mut out, r.seq, &r.hash, r.body);
            }
        }
        out
    } else {
        value
    };
    store.t.events.insert(k, new).unwrap();
}

/// Remove one event from its block.
fn remove_raw_event(store: &Store, seq: u64) {
    let (k, block) = block_of(store, seq);
    let mut out = vec![codec::BLOCK];
    for r in codec::records(&block).map(Result::unwrap) {
        if r.seq != seq {
            codec::push_record(&mut out, r.seq, &r.hash, r.body);
        }
    }
    if out.len() == 1 {
        store.t.events.remove(k).unwrap();
    } else {
        store.t.events.insert(k, out).unwrap();
    }
}

/// Replace (or with `None` remove) one item in its stored group, history kept.
fn put_raw_item(store: &Store, key: &ItemKey, item: Option<Item>) {
    let gk = layout::item_group_key(key);
    let mut group = store
        .t
        .items
        .get(gk.as_bytes())
        .unwrap()
        .map(|v| codec::decode_group(&v, "test").unwrap())
        .unwrap_or_default();
    match item {
        Some(item) => {
            let history = group
                .get(key.leaf.as_str())
                .map(|s| s.history.clone())
                .unwrap_or_default();
            group.insert(key.leaf.clone(), codec::StoredItem { item, history });
        }
        None => {
            group.remove(key.leaf.as_str());
        }
    }
    store
        .t
        .items
        .insert(gk.as_bytes(), codec::encode_group(&group).unwrap())
        .unwrap();
}

#[test]
fn commit_assigns_seq_time_and_a_sha256_chain() {
    let (_d, store) = populated();
    assert_eq!(store.last_seq(), 8);
    let events: Vec<Event> = store.events(1).collect::<Result<_, _>>().unwrap();
    assert_eq!(
        events.iter().map(|e| e.body.seq).collect::<Vec<_>>(),
        (1..=8).collect::<Vec<_>>()
    );
    let mut prev = [0u8; 32];
    for e in &events {
        let raw = raw_event(&store, e.body.seq);
        assert_eq!(raw[0], 1, "version byte");
        let body = serde_json::to_vec(&e.body).unwrap();
        assert_eq!(&raw[33..], &body[..], "stored body is the canonical JSON");
        let mut h = Sha256::new();
        h.update(prev);
        h.update(&body);
        let hash: [u8; 32] = h.finalize().into();
        assert_eq!(e.hash, hex::encode(hash));
        assert_eq!(&raw[1..33], &hash[..]);
        prev = hash;
    }
    // One time for a whole batch.
    assert_eq!(events[0].body.at, events[1].body.at);
    assert_eq!(events[7].body.at, at(9));
}

#[test]
fn commit_writes_state_and_indexes() {
    let (_d, store) = populated();
    let item = store.item(&key("3.2.1")).unwrap().unwrap();
    assert_eq!(item.version, 4);
    assert_eq!(item.appraisal.justification, "Đủ");
    assert_eq!(
        item.last.as_ref().map(|t| (t.actor.as_str(), t.seq)),
        Some(("minh", 7))
    );
    assert_eq!(
        store
            .items(2024, Some("44"))
            .unwrap()
            .iter()
            .map(|i| i.key.leaf.as_str())
            .collect::<Vec<_>>(),
        ["3.2.1", "3.2.2"]
    );
    assert!(store.items(2024, Some("4")).unwrap().is_empty());
    assert!(store.items(2025, None).unwrap().is_empty());
    assert_eq!(
        store
            .unit_state(2024, "44")
            .unwrap()
            .finalized
            .map(|t| t.seq),
        Some(8)
    );
    assert_eq!(store.unit_state(2024, "01").unwrap(), UnitState::default());
    assert_eq!(store.unit_states(2024).unwrap().len(), 1);
    assert_eq!(store.unit_states(2024).unwrap()[0].0, "44");
    assert_eq!(store.years().unwrap(), [2024]);
    assert_eq!(
        store.year_data(2024).unwrap().map(|y| y.units_file),
        Some("u.toml".to_string())
    );
    assert_eq!(store.member("minh").unwrap(), Some(Role::Appraiser));
    assert_eq!(store.member("lan").unwrap(), None);

    let seqs = |v: Vec<Event>| v.iter().map(|e| e.body.seq).collect::<Vec<_>>();
    assert_eq!(
        seqs(store.item_history(&key("3.2.1")).unwrap()),
        [3, 5, 6, 7]
    );
    assert_eq!(seqs(store.item_history(&key("3.2.2")).unwrap()), [4]);
    assert_eq!(
        seqs(store.item_history(&key("3.2")).unwrap()),
        Vec::<u64>::new()
    );
    assert_eq!(
        seqs(store.unit_history(2024, "44").unwrap()),
        [3, 4, 5, 6, 7, 8]
    );
    assert_eq!(seqs(store.user_history("minh").unwrap()), [5, 6, 7]);
    assert_eq!(seqs(store.user_history("lan").unwrap()), [1, 2, 3, 4, 8]);
    assert_eq!(store.event(5).unwrap().unwrap().body.actor, "minh");
    assert_eq!(store.event(99).unwrap(), None);
    assert_eq!(
        seqs(store.events(7).collect::<Result<_, _>>().unwrap()),
        [7, 8]
    );
}

#[test]
fn one_batch_may_change_an_item_twice_and_remove_a_member() {
    let (_d, store) = populated();
    let a = adjusted("x", 25);
    let b = adjusted("y", 50);
    let out = store
        .commit(
            at(20),
            vec![
                ev(
                    "minh",
                    Change::Appraised {
                        key: key("3.2.2"),
                        version: 2,
                        before: Appraisal::default(),
                        after: a.clone(),
                    },
                ),
                ev(
                    "minh",
                    Change::Appraised {
                        key: key("3.2.2"),
                        version: 3,
                        before: a,
                        after: b.clone(),
                    },
                ),
                ev(
                    "lan",
                    Change::MemberChanged {
                        user: "minh".into(),
                        before: Some(Role::Appraiser),
                        after: None,
                    },
                ),
            ],
        )
        .unwrap();
    assert_eq!(out.len(), 3);
    assert_eq!(out[2].body.seq, 11);
    let item = store.item(&key("3.2.2")).unwrap().unwrap();
    assert_eq!((item.version, item.appraisal), (3, b));
    assert_eq!(item.self_assessment.map(|s| s.score.hundredths()), Some(50));
    assert_eq!(store.member("minh").unwrap(), None);
    assert!(store.members().unwrap().is_empty());
    assert!(store.verify().unwrap().ok());
}

#[test]
fn commit_refuses_what_it_cannot_lay_out() {
    let (_d, store) = populated();
    let bad = Change::UnitFinalized {
        year: 2024,
        unit: "4/4".into(),
    };
    assert!(matches!(
        store.commit(at(30), vec![ev("lan", bad)]),
        Err(StoreError::BadKey { .. })
    ));
    let ok = Change::UnitReopened {
        year: 2024,
        unit: "44".into(),
    };
    assert!(matches!(
        store.commit(at(30), vec![ev("", ok)]),
        Err(StoreError::BadKey { .. })
    ));
    assert_eq!(store.commit(at(30), vec![]).unwrap(), vec![]);
    assert_eq!(store.last_seq(), 8);
}

#[test]
fn replay_equals_stored_state() {
    let (_d, store) = populated();
    let r = store.verify().unwrap();
    assert!(r.ok(), "{r:?}");
    assert_eq!(r.events, 8);
    assert_eq!(r.items_checked, 2);
}

#[test]
fn an_altered_byte_in_an_event_body_is_named() {
    let (_d, store) = populated();
    let mut raw = raw_event(&store, 6);
    // Change one letter of the justification: the JSON still reads, the hash does not match.
    let pos = raw
        .windows(4)
        .position(|w| w == b"quy\xe1")
        .expect("justification text in event 6");
    raw[pos] = b'Q';
    put_raw_event(&store, 6, raw);
    let r = store.verify().unwrap();
    let (seq, why) = r.first_bad_event.clone().unwrap();
    assert_eq!(seq, 6, "{why}");
    assert!(why.contains("hash"), "{why}");
    assert_eq!(r.events, 8);
    assert!(!r.ok());
    assert!(r.message(l10n::Lang::En).contains("from event 6"));
}

#[test]
fn an_unreadable_event_is_named_and_the_scan_goes_on() {
    let (_d, store) = populated();
    let mut raw = raw_event(&store, 4);
    raw[33] = b'['; // the body no longer starts as an object
    put_raw_event(&store, 4, raw);
    let r = store.verify().unwrap();
    assert_eq!(r.first_bad_event.as_ref().map(|b| b.0), Some(4));
    assert_eq!(r.events, 8, "every event is still examined");
    // The unreadable event created item 3.2.2, so replay no longer produces it.
    assert_eq!(
        r.first_state_mismatch.as_deref(),
        Some("item 2024/44/3.2.2: stored (version 1) but no event produces it")
    );
}

#[test]
fn an_altered_hash_is_named() {
    let (_d, store) = populated();
    let mut raw = raw_event(&store, 3);
    raw[10] ^= 0x01;
    put_raw_event(&store, 3, raw);
    let r = store.verify().unwrap();
    assert_eq!(r.first_bad_event.map(|b| b.0), Some(3));
    assert_eq!(r.first_state_mismatch, None);
}

#[test]
fn a_deleted_event_is_named() {
    let (_d, store) = populated();
    remove_raw_event(&store, 5);
    let r = store.verify().unwrap();
    let (seq, why) = r.first_bad_event.unwrap();
    assert_eq!(seq, 5);
    assert!(why.contains("missing"), "{why}");
    assert_eq!(r.events, 7);
}

#[test]
fn a_deleted_last_event_is_named() {
    let (_d, store) = populated();
    remove_raw_event(&store, 8);
    let r = store.verify().unwrap();
    let (seq, why) = r.first_bad_event.unwrap();
    assert_eq!(seq, 8, "{why}");
    assert!(why.contains("missing"), "{why}");
}

#[test]
fn a_tampered_item_is_named() {
    let (_d, store) = populated();
    let mut item = store.item(&key("3.2.1")).unwrap().unwrap();
    item.version = 3;
    put_raw_item(&store, &key("3.2.1"), Some(item.clone()));
    let r = store.verify().unwrap();
    assert_eq!(r.first_bad_event, None);
    assert_eq!(
        r.first_state_mismatch.as_deref(),
        Some("item 2024/44/3.2.1: stored version 3, replay version 4")
    );

    item.version = 4;
    item.appraisal.proposed = None;
    put_raw_item(&store, &key("3.2.1"), Some(item));
    let r = store.verify().unwrap();
    assert_eq!(
        r.first_state_mismatch.as_deref(),
        Some("item 2024/44/3.2.1: stored state differs from replay (version 4)")
    );
}

#[test]
fn missing_and_extra_state_are_named() {
    let (_d, store) = populated();
    put_raw_item(&store, &key("3.2.2"), None);
    let r = store.verify().unwrap();
    assert_eq!(
        r.first_state_mismatch.as_deref(),
        Some("item 2024/44/3.2.2: missing from the store (replay gives version 1)")
    );

    let (_d, store) = populated();
    store.t.meta.remove(b"member/minh").unwrap();
    store.t.units.remove(b"2024/44").unwrap();
    let r = store.verify().unwrap();
    assert!(
        r.first_state_mismatch
            .as_deref()
            .is_some_and(|m| m.starts_with("unit 2024/44: missing")),
        "{r:?}"
    );
}

#[test]
fn rebuild_recomputes_state_and_indexes_from_the_log() {
    let (_d, store) = populated();
    let before = store.items(2024, None).unwrap();
    put_raw_item(&store, &key("3.2.2"), None);
    let mut item = before[0].clone();
    item.version = 99;
    put_raw_item(&store, &key("3.2.1"), Some(item));
    store.t.meta.remove(b"member/minh").unwrap();
    store.t.by_user.clear().unwrap();
    assert!(!store.verify().unwrap().ok());

    assert_eq!(store.rebuild().unwrap(), 8);
    assert!(store.verify().unwrap().ok());
    assert_eq!(store.items(2024, None).unwrap(), before);
    assert_eq!(store.member("minh").unwrap(), Some(Role::Appraiser));
    assert_eq!(store.item_history(&key("3.2.1")).unwrap().len(), 4);
}

#[test]
fn rebuild_refuses_a_damaged_log() {
    let (_d, store) = populated();
    let mut raw = raw_event(&store, 2);
    raw[40] ^= 0x20;
    put_raw_event(&store, 2, raw);
    match store.rebuild() {
        Err(StoreError::Corrupt { what }) => assert!(what.starts_with("event 2:"), "{what}"),
        other => panic!("expected Corrupt, got {other:?}"),
    }
}

#[test]
fn open_checks_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s");
    {
        let store = Store::create(&path).unwrap();
        store
            .t
            .meta
            .insert(layout::SCHEMA_KEY, codec::encode(&7u32).unwrap())
            .unwrap();
        store.db.flush().unwrap();
    }
    match Store::open(&path) {
        Err(StoreError::SchemaMismatch {
            found: 7,
            expected: SCHEMA_VERSION,
            ..
        }) => {}
        other => panic!("expected SchemaMismatch, got {:?}", other.err()),
    }
}

#[test]
fn a_store_with_an_unreadable_last_event_opens_but_refuses_commits() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s");
    {
        let store = Store::create(&path).unwrap();
        store
            .commit(
                at(0),
                vec![ev(
                    "lan",
                    Change::UnitFinalized {
                        year: 2024,
                        unit: "44".into(),
                    },
                )],
            )
            .unwrap();
        put_raw_event(&store, 1, vec![1, 2, 3]);
        store.db.flush().unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(
        store.verify().unwrap().first_bad_event.map(|b| b.0),
        Some(1)
    );
    let reopen = Change::UnitReopened {
        year: 2024,
        unit: "44".into(),
    };
    assert!(matches!(
        store.commit(at(1), vec![ev("lan", reopen)]),
        Err(StoreError::Corrupt { .. })
    ));
}

#[test]
fn verify_names_events_across_scan_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(&dir.path().join("s")).unwrap();
    let mut before = Appraisal::default();
    for batch in 0..5u64 {
        let events = (0..1000u64)
            .map(|i| {
                let v = batch * 1000 + i + 1;
                let after = adjusted(&format!("lần {v}"), 25);
                ev(
                    "minh",
                    Change::Appraised {
                        key: key("3.2.1"),
                        version: v,
                        before: std::mem::replace(&mut before, after.clone()),
                        after,
                    },
                )
            })
            .collect();
        store.commit(at(batch as i64), events).unwrap();
    }
    let r = store.verify().unwrap();
    assert!(r.ok(), "{r:?}");
    assert_eq!(r.events, 5000);

    // The first event of the second chunk the scanner hands over.
    let good = raw_event(&store, 2049);
    let mut bad = good.clone();
    bad[1] ^= 0x80;
    put_raw_event(&store, 2049, bad);
    assert_eq!(
        store.verify().unwrap().first_bad_event.map(|b| b.0),
        Some(2049)
    );
    put_raw_event(&store, 2049, good);
    assert!(store.verify().unwrap().ok());

    remove_raw_event(&store, 4097);
    let r = store.verify().unwrap();
    assert_eq!(r.first_bad_event.map(|b| b.0), Some(4097));
    assert_eq!(r.events, 4999);
}

#[test]
fn store_can_be_shared_between_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<Store>();
    let (_d, store) = populated();
    let store = std::sync::Arc::new(store);
    let handles: Vec<_> = (0..4)
        .map(|t| {
            let store = store.clone();
            std::thread::spawn(move || {
                for i in 0..5 {
                    store
                        .commit(
                            at(100 + i),
                            vec![ev(
                                "lan",
                                Change::UnitFinalized {
                                    year: 2024,
                                    unit: format!("u{t}"),
                                },
                            )],
                        )
                        .unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(store.last_seq(), 8 + 20);
    assert!(store.verify().unwrap().ok());
}

#[test]
fn a_tampered_history_is_named_and_rebuild_restores_it() {
    let (_d, store) = populated();
    let gk = layout::item_group_key(&key("3.2.1"));
    let mut group =
        codec::decode_group(&store.t.items.get(gk.as_bytes()).unwrap().unwrap(), "t").unwrap();
    group.get_mut("3.2.1").unwrap().history.retain(|&s| s != 5);
    store
        .t
        .items
        .insert(gk.as_bytes(), codec::encode_group(&group).unwrap())
        .unwrap();
    assert_eq!(
        store.verify().unwrap().first_state_mismatch.as_deref(),
        Some("item 2024/44/3.2.1: its stored history (3 events) differs from the log (4 events)")
    );
    store.rebuild().unwrap();
    assert!(store.verify().unwrap().ok());
    assert_eq!(store.item_history(&key("3.2.1")).unwrap().len(), 4);
}

#[test]
fn events_are_read_from_inside_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::create(&dir.path().join("s")).unwrap();
    let mut before = Appraisal::default();
    let events: Vec<NewEvent> = (1..=300u64)
        .map(|v| {
            let after = adjusted(&format!("lần {v} — một lý do đủ dài để lấp đầy khối"), 25);
            ev(
                if v % 100 == 0 { "lan" } else { "minh" },
                Change::Appraised {
                    key: key(&format!("3.{}.1", v % 7)),
                    version: 1 + v / 7,
                    before: std::mem::replace(&mut before, after.clone()),
                    after,
                },
            )
        })
        .collect();
    store.commit(at(0), events).unwrap();
    // More than one block, fewer blocks than events.
    let blocks = store.t.events.len();
    assert!(blocks > 1 && blocks < 300, "{blocks} blocks");
    let seqs = |v: Vec<Event>| v.iter().map(|e| e.body.seq).collect::<Vec<_>>();
    assert_eq!(
        seqs(store.events(150).collect::<Result<_, _>>().unwrap()),
        (150..=300).collect::<Vec<_>>()
    );
    for seq in [1, 77, 150, 300] {
        assert_eq!(store.event(seq).unwrap().unwrap().body.seq, seq);
    }
    assert_eq!(store.event(301).unwrap(), None);
    assert_eq!(seqs(store.user_history("lan").unwrap()), [100, 200, 300]);
    assert_eq!(store.user_history("minh").unwrap().len(), 297);
    // Runs, not one entry per event: minh's 297 events are 3 runs, lan's 3 events 3.
    assert_eq!(store.t.by_user.len(), 6);
    assert_eq!(
        seqs(store.item_history(&key("3.3.1")).unwrap()),
        (1..=300).filter(|v| v % 7 == 3).collect::<Vec<_>>()
    );
    assert_eq!(store.unit_history(2024, "44").unwrap().len(), 300);
    let r = store.verify().unwrap();
    assert!(r.ok(), "{r:?}");
    assert_eq!(r.items_checked, 7);
}

#[test]
fn item_summaries_follow_commits_and_equal_the_items() {
    let (_d, store) = populated();
    let summary = |store: &Store| store.item_summaries(2024).unwrap();
    let full: Vec<Item> = store.items(2024, None).unwrap();
    let stripped = |items: &[Item]| -> Vec<domain::ItemSummary> {
        items.iter().map(domain::ItemSummary::of).collect()
    };
    assert_eq!(stripped(&summary(&store)), stripped(&full));
    // Cached now: a commit keeps it current.
    let before = store.item(&key("3.2.2")).unwrap().unwrap().appraisal;
    store
        .commit(
            at(50),
            vec![ev(
                "minh",
                Change::Appraised {
                    key: key("3.2.2"),
                    version: 2,
                    before,
                    after: adjusted("mới", 25),
                },
            )],
        )
        .unwrap();
    let now = summary(&store);
    assert_eq!(now[1].key, key("3.2.2"));
    assert_eq!(now[1].version, 2);
    assert_eq!(now[1].appraisal.status, Status::Adjusted);
    assert_eq!(stripped(&now), stripped(&store.items(2024, None).unwrap()));
    // The summaries total and rank like the items.
    assert_eq!(
        now[1].proposed_score(),
        store.item(&key("3.2.2")).unwrap().unwrap().proposed_score()
    );
    store.rebuild().unwrap();
    assert_eq!(
        stripped(&summary(&store)),
        stripped(&store.items(2024, None).unwrap())
    );
}
