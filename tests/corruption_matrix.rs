//! SPEC R1, R6, D6 through the real binary: damage every file a store is made of — a flipped
//! byte, a cut, a deletion — and replace the folder under a running server, kill it while it
//! rebuilds its state. After each, either the store recovers every acknowledged event (and
//! `verify` says OK with the same seal), or it refuses with a message that names the damage
//! and the command that repairs it. It never reports OK with fewer events.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use domain::Seal;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_thamdinh"))
}

fn run(dir: &Path, args: &[&str]) -> Output {
    bin()
        .args(["--lang", "en", "--store"])
        .arg(dir)
        .args(args)
        .output()
        .expect("run thamdinh")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let o = run(dir, args);
    assert!(o.status.success(), "thamdinh {args:?}:\n{}", text(&o));
    text(&o)
}

/// Stop the store's server, if one runs, and wait until it has let the store go.
fn stop_server(dir: &Path) {
    use net::server::paths;
    if let Some(pid) = paths::read_pid(dir).filter(|p| paths::process_alive(*p))
        && let Some(pid) = rustix::process::Pid::from_raw(pid as i32)
    {
        let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
        let deadline = Instant::now() + Duration::from_secs(20);
        while paths::process_alive(pid.as_raw_nonzero().get() as u32) {
            assert!(Instant::now() < deadline, "the server did not stop");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// A store built through the binary: the bundled framework, 12 provinces' self-assessments
/// and survey points, two commits more. Returns its acknowledged event count and seal.
fn build(dir: &Path, work: &Path) -> (u64, Seal) {
    ok(dir, &["init", "--year", "2024"]);
    let sample = bin()
        .args(["sample", "--units", "12", "--year", "2024"])
        .output()
        .unwrap();
    std::fs::write(work.join("self.csv"), &sample.stdout).unwrap();
    let survey = bin()
        .args([
            "sample", "--units", "12", "--year", "2024", "--kind", "survey",
        ])
        .output()
        .unwrap();
    std::fs::write(work.join("survey.csv"), &survey.stdout).unwrap();
    ok(
        dir,
        &["import", "self", work.join("self.csv").to_str().unwrap()],
    );
    ok(
        dir,
        &[
            "import",
            "survey",
            work.join("survey.csv").to_str().unwrap(),
        ],
    );
    ok(dir, &["member", "add", "an", "--role", "appraiser"]);
    stop_server(dir);
    let store = store::Store::open(dir).unwrap();
    let r = store.verify().unwrap();
    assert!(r.ok());
    (r.events, r.seal)
}

/// A copy of a store folder, private as the store requires (folders 0700).
fn copy_dir(from: &Path, to: &Path) {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(to)
        .unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let ty = e.file_type().unwrap();
        let target = to.join(e.file_name());
        if ty.is_dir() {
            copy_dir(&e.path(), &target);
        } else if ty.is_file() {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// Every file of the store that holds data: journal segments and sled's files.
fn data_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.join("journal"), dir.join("sled")];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

enum Damage {
    Flip(f64),
    Truncate,
    Delete,
}

fn damage(file: &Path, how: &Damage) -> String {
    match how {
        Damage::Flip(at) => {
            let mut b = std::fs::read(file).unwrap();
            if b.is_empty() {
                return "empty".into();
            }
            let i = ((b.len() - 1) as f64 * at) as usize;
            b[i] ^= 0xff;
            std::fs::write(file, b).unwrap();
            format!("flip byte {i}")
        }
        Damage::Truncate => {
            let len = std::fs::metadata(file).unwrap().len();
            let f = std::fs::OpenOptions::new().write(true).open(file).unwrap();
            f.set_len(len / 2).unwrap();
            format!("truncate {len} → {}", len / 2)
        }
        Damage::Delete => {
            std::fs::remove_file(file).unwrap();
            "delete".into()
        }
    }
}

/// The one rule: OK only with every acknowledged event and the same seal; otherwise a message
/// that names the damage and a repair.
fn check(case: &str, out: &Output, events: u64, seal: &Seal) {
    let t = text(out);
    if out.status.success() {
        assert!(
            t.contains(&format!("{events} events")) && t.contains(&seal.short()),
            "{case}: OK without every acknowledged event or with another seal:\n{t}"
        );
    } else {
        let names = ["journal", "state", "sled", "damaged"]
            .iter()
            .any(|w| t.contains(w));
        let repair = ["thamdinh restore", "thamdinh rebuild"]
            .iter()
            .any(|w| t.contains(w));
        assert!(
            names && repair,
            "{case}: refused without naming the damage and a repair:\n{t}"
        );
    }
}

#[test]
fn every_damaged_file_is_recovered_or_refused_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    let pristine = tmp.path().join("pristine");
    let (events, seal) = build(&pristine, tmp.path());
    assert!(events > 1000, "{events}");
    let files: Vec<PathBuf> = data_files(&pristine)
        .into_iter()
        .map(|p| p.strip_prefix(&pristine).unwrap().to_path_buf())
        .collect();
    assert!(files.iter().any(|f| f.starts_with("journal")));
    assert!(files.iter().any(|f| f.ends_with("db")));
    let mut cases = 0;
    for rel in &files {
        for how in [
            Damage::Flip(0.0),
            Damage::Flip(0.5),
            Damage::Flip(1.0),
            Damage::Truncate,
            Damage::Delete,
        ] {
            let dir = tmp.path().join(format!("case{cases}"));
            cases += 1;
            copy_dir(&pristine, &dir);
            let what = damage(&dir.join(rel), &how);
            let case = format!("{} ({what})", rel.display());
            // Verify without a server: the journal is read directly.
            let v = run(&dir, &["verify"]);
            check(&format!("{case}, verify"), &v, events, &seal);
            // A command that starts a server: it serves everything or refuses.
            let m = run(&dir, &["member", "list"]);
            // One line per case (visible with --nocapture): what verify said, what serving did.
            let first = |o: &Output| {
                text(o)
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .chars()
                    .take(150)
                    .collect::<String>()
            };
            eprintln!(
                "{case}\n  verify: {}\n  serve: {}",
                first(&v),
                if m.status.success() {
                    "served".into()
                } else {
                    first(&m)
                }
            );
            if m.status.success() {
                // Served: then every acknowledged event is there.
                let v = run(&dir, &["verify"]);
                assert!(
                    v.status.success(),
                    "{case}: served, then verify failed:\n{}",
                    text(&v)
                );
                check(&format!("{case}, verify after serving"), &v, events, &seal);
            } else {
                check(&format!("{case}, member list"), &m, events, &seal);
            }
            stop_server(&dir);
            std::fs::remove_dir_all(&dir).unwrap();
        }
    }
    assert!(cases >= 10, "{cases} cases");
    // Whole folders gone.
    for gone in ["journal", "sled"] {
        let dir = tmp.path().join(format!("no-{gone}"));
        copy_dir(&pristine, &dir);
        std::fs::remove_dir_all(dir.join(gone)).unwrap();
        let v = run(&dir, &["verify"]);
        check(&format!("{gone}/ deleted, verify"), &v, events, &seal);
        let m = run(&dir, &["member", "list"]);
        eprintln!(
            "{gone}/ deleted\n  verify: {}\n  serve: {}",
            text(&v).lines().next().unwrap_or_default(),
            text(&m).lines().next().unwrap_or_default()
        );
        if m.status.success() {
            let v = run(&dir, &["verify"]);
            check(
                &format!("{gone}/ deleted, verify after serving"),
                &v,
                events,
                &seal,
            );
            assert!(v.status.success());
        } else {
            check(&format!("{gone}/ deleted, member list"), &m, events, &seal);
        }
        stop_server(&dir);
    }
}

#[test]
fn a_folder_replaced_under_its_server_gets_no_write() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("kho");
    let (events, seal) = build(&dir, tmp.path());
    // A client connected to the running server.
    ok(&dir, &["member", "list"]);
    let wb = net::client::RemoteWorkbench::connect(&dir, &net::client::ConnectOptions::default())
        .unwrap();
    // The folder moved away and a copy put in its place.
    let moved = tmp.path().join("kho.old");
    std::fs::rename(&dir, &moved).unwrap();
    copy_dir(&moved, &dir);
    let refused = api::Workbench::apply(
        &wb,
        domain::Command::SetMember {
            user: "binh".into(),
            role: domain::Role::Auditor,
        },
    );
    let e = refused.expect_err("no write is acknowledged in a moved folder");
    assert!(
        e.message(l10n::Lang::En)
            .contains("moved, replaced or deleted"),
        "{}",
        e.message(l10n::Lang::En)
    );
    drop(wb);
    // The old server stops by itself; the folder in place is served and intact.
    let deadline = Instant::now() + Duration::from_secs(20);
    while net::server::paths::read_pid(&moved).is_some_and(net::server::paths::process_alive) {
        assert!(Instant::now() < deadline, "the old server did not stop");
        std::thread::sleep(Duration::from_millis(50));
    }
    let v = ok(&dir, &["verify"]);
    assert!(
        v.contains(&format!("{events} events")) && v.contains(&seal.short()),
        "{v}"
    );
    stop_server(&dir);
}

#[test]
fn kill9_while_the_state_is_rebuilt_loses_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("kho");
    let (events, seal) = build(&dir, tmp.path());
    for delay_ms in [5u64, 30, 80, 200] {
        // sled gone: the next server builds the state again from the journal.
        let _ = std::fs::remove_dir_all(dir.join("sled"));
        let mut child = bin()
            .args(["serve", "--store"])
            .arg(&dir)
            .spawn()
            .expect("start a server");
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let v = run(&dir, &["verify"]);
        check(&format!("killed after {delay_ms} ms"), &v, events, &seal);
        let m = ok(&dir, &["member", "list"]);
        assert!(m.contains("an"), "{m}");
        let v = ok(&dir, &["verify"]);
        assert!(v.contains(&format!("{events} events")), "{v}");
        stop_server(&dir);
    }
}
