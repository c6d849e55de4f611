//! The store's public API: opening rules, the process lock, backup/restore and drafts.

use std::io::{BufReader, Cursor};
use std::process::Command;

use domain::Draft;
use domain::NewEvent;
use domain::{Appraisal, Change, Event, ItemKey, Points, Role, SelfAssessment, Status};
use jiff::Timestamp;
use l10n::Lang;
use store::{Store, StoreError};

fn at(n: i64) -> Timestamp {
    Timestamp::from_second(1_717_000_000 + n).unwrap()
}

fn ev(actor: &str, change: Change) -> NewEvent {
    NewEvent {
        actor: actor.into(),
        command: "test".into(),
        change,
        reason: String::new(),
    }
}

/// A year, a member, a self assessment and a few appraisals with Vietnamese text, quotes and a
/// control character (canonical JSON must survive the round trip), and a finalize/reopen.
fn fill(store: &Store) {
    let k = ItemKey::new(2024, "44", "3.2.1");
    store
        .commit(
            at(0),
            vec![
                ev(
                    "lan",
                    Change::YearOpened {
                        year: 2024,
                        framework_toml: "[framework]\nname = \"Bộ chỉ số\"".into(),
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
                ev(
                    "lan",
                    Change::SelfAssessed {
                        key: k.clone(),
                        version: 1,
                        before: None,
                        after: SelfAssessment {
                            score: Points::from_hundredths(100),
                            note: "Đã ban hành \"Kế hoạch\"\tsố 12".into(),
                            evidence: vec![],
                        },
                    },
                ),
            ],
        )
        .unwrap();
    let mut before = Appraisal::default();
    for v in 2..6u64 {
        let after = Appraisal {
            proposed: Some(Points::from_hundredths(25 * v as i64)),
            justification: format!("Lần {v}: thiếu tài liệu kiểm chứng \u{1b}[31m"),
            status: Status::Adjusted,
            ..Appraisal::default()
        };
        store
            .commit(
                at(v as i64),
                vec![ev(
                    "minh",
                    Change::Appraised {
                        key: k.clone(),
                        version: v,
                        before: before.clone(),
                        after: after.clone(),
                    },
                )],
            )
            .unwrap();
        before = after;
    }
    for (i, change) in [
        Change::UnitFinalized {
            year: 2024,
            unit: "44".into(),
        },
        Change::UnitReopened {
            year: 2024,
            unit: "44".into(),
        },
        Change::UnitFinalized {
            year: 2024,
            unit: "01".into(),
        },
    ]
    .into_iter()
    .enumerate()
    {
        let mut e = ev("lan", change);
        e.reason = format!("lý do {i}");
        store.commit(at(10 + i as i64), vec![e]).unwrap();
    }
}

fn all_events(store: &Store) -> Vec<Event> {
    store.events(1).collect::<Result<_, _>>().unwrap()
}

#[test]
fn open_and_create_refuse_the_wrong_folder() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kho");
    assert!(matches!(
        Store::open(&path),
        Err(StoreError::NotAStore { .. })
    ));
    drop(Store::create(&path).unwrap());
    match Store::create(&path) {
        Err(e @ StoreError::AlreadyExists { .. }) => {
            assert!(e.message(Lang::En).contains("already holds a store"))
        }
        other => panic!("expected AlreadyExists, got {:?}", other.err()),
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.path(), path);
    assert_eq!(store.last_seq(), 0);
    assert!(store.verify().unwrap().ok());
}

#[test]
fn events_and_state_survive_reopen_and_the_chain_continues() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kho");
    let first = {
        let store = Store::create(&path).unwrap();
        fill(&store);
        all_events(&store)
    };
    let store = Store::open(&path).unwrap();
    assert_eq!(store.last_seq(), first.len() as u64);
    assert_eq!(all_events(&store), first);
    let more = store
        .commit(
            at(100),
            vec![ev(
                "lan",
                Change::UnitReopened {
                    year: 2024,
                    unit: "01".into(),
                },
            )],
        )
        .unwrap();
    assert_eq!(more[0].body.seq, first.len() as u64 + 1);
    let r = store.verify().unwrap();
    assert!(r.ok(), "{r:?}");
    assert_eq!(r.events, first.len() as u64 + 1);
}

#[test]
fn a_second_open_in_the_same_process_is_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kho");
    let _store = Store::create(&path).unwrap();
    match Store::open(&path) {
        Err(e @ StoreError::InUse { .. }) => {
            assert_eq!(
                e.message(Lang::En),
                format!(
                    "store {} is in use by another process (another thamdinh command or its \
                     server). Close it and try again.",
                    path.display()
                )
            );
            assert!(
                e.message(Lang::Vi)
                    .contains("đang được một tiến trình khác sử dụng")
            );
        }
        other => panic!("expected InUse, got {:?}", other.err()),
    }
}

const CHILD_ENV: &str = "THAMDINH_TEST_OPEN_STORE";

/// Run as a child (the test binary re-invoked with `CHILD_ENV` set), this test only tries to
/// open the store and prints what happened; as the parent it holds the store open meanwhile.
#[test]
fn a_second_process_gets_in_use_with_a_clear_message() {
    if let Ok(path) = std::env::var(CHILD_ENV) {
        match Store::open(std::path::Path::new(&path)) {
            Err(e @ StoreError::InUse { .. }) => println!("CHILD InUse: {}", e.message(Lang::En)),
            Err(e) => println!("CHILD other error: {e}"),
            Ok(_) => println!("CHILD opened"),
        }
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kho");
    let child = |path: &std::path::Path| {
        let out = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "a_second_process_gets_in_use_with_a_clear_message",
                "--nocapture",
            ])
            .env(CHILD_ENV, path)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let store = Store::create(&path).unwrap();
    let out = child(&path);
    assert!(
        out.contains(&format!(
            "CHILD InUse: store {} is in use by another process",
            path.display()
        )),
        "{out}"
    );
    drop(store);
    // Once the holder is gone the store opens again from another process.
    let out = child(&path);
    assert!(out.contains("CHILD opened"), "{out}");
}

#[test]
fn backup_then_restore_gives_identical_events_and_state() {
    let dir = tempfile::tempdir().unwrap();
    let src = Store::create(&dir.path().join("a")).unwrap();
    fill(&src);
    let mut backup = Vec::new();
    let summary = src.backup(&mut backup).unwrap();
    let n = summary.events;
    assert_eq!(n, src.last_seq());
    let text = String::from_utf8(backup.clone()).unwrap();
    // A header, one line per event, a trailer with the count and the seal.
    assert_eq!(text.lines().count() as u64, n + 2);
    assert!(text.lines().next().unwrap().contains("thamdinh_backup"));
    assert!(text.lines().nth(1).unwrap().contains("\"hash\":\""));
    assert!(
        text.lines()
            .last()
            .unwrap()
            .contains(&summary.seal.hash_hex())
    );

    let dst = Store::restore(&dir.path().join("b"), &mut Cursor::new(&backup)).unwrap();
    assert_eq!(all_events(&dst), all_events(&src));
    assert_eq!(dst.last_seq(), src.last_seq());
    assert_eq!(
        dst.items(2024, None).unwrap(),
        src.items(2024, None).unwrap()
    );
    assert_eq!(
        dst.unit_states(2024).unwrap(),
        src.unit_states(2024).unwrap()
    );
    assert_eq!(dst.members().unwrap(), src.members().unwrap());
    assert_eq!(dst.years().unwrap(), src.years().unwrap());
    assert_eq!(dst.year_data(2024).unwrap(), src.year_data(2024).unwrap());
    let k = ItemKey::new(2024, "44", "3.2.1");
    assert_eq!(dst.item_history(&k).unwrap(), src.item_history(&k).unwrap());
    assert_eq!(
        dst.unit_history(2024, "44").unwrap(),
        src.unit_history(2024, "44").unwrap()
    );
    assert_eq!(
        dst.user_history("lan").unwrap(),
        src.user_history("lan").unwrap()
    );
    assert!(dst.verify().unwrap().ok());

    // The restored store carries on the same chain, and backs up to the same bytes.
    let mut again = Vec::new();
    dst.backup(&mut again).unwrap();
    assert_eq!(again, backup);
    dst.commit(
        at(50),
        vec![ev(
            "lan",
            Change::UnitReopened {
                year: 2024,
                unit: "01".into(),
            },
        )],
    )
    .unwrap();
    assert!(dst.verify().unwrap().ok());
}

fn backup_lines(store: &Store) -> Vec<String> {
    let mut out = Vec::new();
    store.backup(&mut out).unwrap();
    String::from_utf8(out)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

fn restore_err(dir: &std::path::Path, lines: &[String]) -> (usize, String) {
    let text = lines.join("\n");
    let target = dir.join("restored").join("nested");
    let err = Store::restore(&target, &mut BufReader::new(text.as_bytes()))
        .err()
        .expect("restore must fail");
    assert!(
        !dir.join("restored").exists(),
        "a failed restore leaves nothing behind"
    );
    match err {
        StoreError::Restore { line, reason } => (line, reason.en),
        other => panic!("expected a Restore error, got {other:?}"),
    }
}

#[test]
fn restore_refuses_an_altered_line_and_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let src = Store::create(&dir.path().join("a")).unwrap();
    fill(&src);
    let mut lines = backup_lines(&src);
    // Change a word inside event 4's exact bytes, keeping its line well formed.
    let mut line4: serde_json::Value = serde_json::from_str(&lines[4]).unwrap();
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut body = base64::Engine::decode(&b64, line4["body"].as_str().unwrap()).unwrap();
    let word = "Lần 2".as_bytes();
    let at = body
        .windows(word.len())
        .position(|w| w == word)
        .expect("event 4 holds its justification");
    body[at..at + word.len()].copy_from_slice("Lần 9".as_bytes());
    line4["body"] = base64::Engine::encode(&b64, &body).into();
    lines[4] = line4.to_string();
    let (line, reason) = restore_err(dir.path(), &lines);
    assert_eq!(line, 5, "{reason}");
    assert!(reason.contains("hash"), "{reason}");
}

#[test]
fn restore_refuses_gaps_garbage_and_bad_hashes() {
    let dir = tempfile::tempdir().unwrap();
    let src = Store::create(&dir.path().join("a")).unwrap();
    fill(&src);
    let lines = backup_lines(&src);

    let mut gap = lines.clone();
    gap.remove(2);
    let (line, reason) = restore_err(dir.path(), &gap);
    assert_eq!(line, 3);
    assert!(
        reason.contains("event 3 where event 2 was expected"),
        "{reason}"
    );

    let mut garbage = lines.clone();
    garbage[6] = "{not json".into();
    assert_eq!(restore_err(dir.path(), &garbage).0, 7);

    let mut short = lines.clone();
    let h = short[1].rfind("\"hash\":\"").unwrap() + 8;
    short[1].replace_range(h..h + 2, "");
    assert_eq!(restore_err(dir.path(), &short).0, 2);

    // Existing folders are kept, only the store inside goes.
    let keep = dir.path().join("keep");
    std::fs::create_dir(&keep).unwrap();
    let text = garbage.join("\n");
    assert!(Store::restore(&keep, &mut BufReader::new(text.as_bytes())).is_err());
    assert!(keep.exists() && !keep.join("sled").exists() && !keep.join("journal").exists());

    // Refused outright when a store is there already.
    assert!(matches!(
        Store::restore(&dir.path().join("a"), &mut BufReader::new(&b""[..])),
        Err(StoreError::AlreadyExists { .. })
    ));
}

#[test]
fn drafts_are_kept_per_user_and_item() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kho");
    let k1 = ItemKey::new(2024, "44", "3.2.1");
    let k2 = ItemKey::new(2024, "44", "1.1");
    let d = |t: &str| Draft {
        text: t.into(),
        score: "0,".into(),
        updated: at(1),
    };
    {
        let store = Store::create(&path).unwrap();
        assert_eq!(store.draft("lan", &k1).unwrap(), None);
        store.put_draft("lan", &k1, &d("Thiếu")).unwrap();
        store.put_draft("lan", &k1, &d("Thiếu văn bản")).unwrap();
        store.put_draft("lan", &k2, &d("Đủ")).unwrap();
        store.put_draft("minh", &k1, &d("khác")).unwrap();
        assert!(store.put_draft("a/b", &k1, &d("x")).is_err());
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.draft("lan", &k1).unwrap(), Some(d("Thiếu văn bản")));
    assert_eq!(
        store.drafts("lan").unwrap(),
        vec![(k2.clone(), d("Đủ")), (k1.clone(), d("Thiếu văn bản"))]
    );
    store.delete_draft("lan", &k1).unwrap();
    store.delete_draft("lan", &k1).unwrap();
    assert_eq!(store.draft("lan", &k1).unwrap(), None);
    assert_eq!(store.draft("minh", &k1).unwrap(), Some(d("khác")));
    assert_eq!(store.drafts("lan").unwrap().len(), 1);
    // Drafts are not events.
    assert_eq!(store.last_seq(), 0);
}

#[test]
fn a_year_larger_than_a_sled_page_is_stored_and_verified() {
    // sled writes values over ~128 KiB to separate blob files, which the store syncs itself.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kho");
    let big = "# khung chỉ số\n".repeat(20_000);
    {
        let store = Store::create(&path).unwrap();
        store
            .commit(
                at(0),
                vec![ev(
                    "lan",
                    Change::YearOpened {
                        year: 2025,
                        framework_toml: big.clone(),
                        framework_file: "fw.toml".into(),
                        units_toml: big.clone(),
                        units_file: "u.toml".into(),
                        from_year: None,
                    },
                )],
            )
            .unwrap();
    }
    let blobs = std::fs::read_dir(path.join("sled").join("blobs"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert!(
        blobs > 0,
        "the test value should be large enough for sled to use a blob"
    );
    let store = Store::open(&path).unwrap();
    assert_eq!(
        store
            .year_data(2025)
            .unwrap()
            .map(|y| y.framework_toml.len()),
        Some(big.len())
    );
    assert!(store.verify().unwrap().ok());
}
