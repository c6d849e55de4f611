//! Issue 13 through the real binary and the real socket: what a second account on the shared
//! server tried, tried again. Only the store's account writes its files; a planted link, a
//! group-writable store or a socket of someone else's is refused and named; what the server
//! creates is private whatever the umask; a locked store is described by what is known.
//!
//! Tests that need a second OS account create a throwaway one when run as root (and remove it,
//! with everything they made, even when they fail); otherwise they report themselves ignored.

mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};
use std::time::{Duration, Instant};

use api::Workbench;
use common::setup;
use domain::{Command as Cmd, Role};
use net::server::paths;

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_thamdinh"))
}

fn me() -> String {
    uzers::get_current_username()
        .expect("passwd entry")
        .to_string_lossy()
        .into_owned()
}

fn store_with_me(dir: &Path) {
    let lead = setup(dir);
    lead.apply(Cmd::SetMember {
        user: me(),
        role: Role::Lead,
    })
    .expect("add this user");
}

fn cli(dir: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .args(["--lang", "en", "--store"])
        .arg(dir)
        .args(args)
        .output()
        .expect("run thamdinh")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn chmod(p: &Path, mode: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

fn mode(p: &Path) -> u32 {
    std::fs::symlink_metadata(p).expect("stat").mode() & 0o7777
}

/// Stop the store's server, if one runs, and wait until it is gone.
fn stop_server(dir: &Path) {
    drop(common::open_after_server(dir));
}

/// Every entry under `dir`, depth first.
fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("list").flatten() {
        let p = e.path();
        out.push(p.clone());
        if std::fs::symlink_metadata(&p).is_ok_and(|m| m.is_dir()) {
            out.extend(entries(&p));
        }
    }
    out
}

#[test]
fn what_a_store_and_its_server_create_is_private_whatever_the_umask() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("st");
    // `init` and the server it starts, both under the loosest umask.
    let run = |args: &[&str]| {
        let mut cmd = Command::new(bin());
        cmd.args(["--lang", "en", "--store"]).arg(&dir).args(args);
        // SAFETY: umask is async-signal-safe; it only sets the child's creation mask.
        unsafe {
            cmd.pre_exec(|| {
                libc::umask(0);
                Ok(())
            });
        }
        cmd.output().expect("run thamdinh")
    };
    let out = run(&["init", "--year", "2024"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = run(&["member", "list"]);
    assert!(out.status.success(), "{}", text(&out));
    let log = paths::log_path(&dir);
    assert!(log.exists(), "the server logged");
    assert_eq!(mode(&dir), 0o700);
    // While it runs: the socket of a private store is the owner's alone.
    assert_eq!(mode(&paths::socket_path(&dir)), 0o600);
    stop_server(&dir);
    for p in entries(&dir) {
        let m = mode(&p);
        if p == paths::pid_path(&dir) {
            assert_eq!(m & 0o022, 0, "{} is {m:o}", p.display());
        } else {
            assert_eq!(m & 0o077, 0, "{} is {m:o}", p.display());
        }
    }
}

#[test]
fn a_planted_log_link_stops_the_server_and_nothing_is_written_through_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("st");
    store_with_me(&dir);
    let victim = tmp.path().join("victim.pth");
    std::fs::write(&victim, "# the lead's file\n").unwrap();
    std::os::unix::fs::symlink(&victim, paths::log_path(&dir)).unwrap();
    let out = cli(&dir, &["member", "list"]);
    assert!(!out.status.success());
    let msg = text(&out);
    assert!(
        msg.contains(&format!(
            "{} is a symbolic link",
            paths::log_path(&dir).display()
        )),
        "{msg}"
    );
    assert_eq!(
        std::fs::read_to_string(&victim).unwrap(),
        "# the lead's file\n"
    );
    // Once the link is gone, the store serves again.
    std::fs::remove_file(paths::log_path(&dir)).unwrap();
    let out = cli(&dir, &["member", "list"]);
    assert!(out.status.success(), "{}", text(&out));
    stop_server(&dir);
}

#[test]
fn a_group_writable_store_is_refused_with_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("st");
    store_with_me(&dir);
    chmod(&dir, 0o2770);
    let out = cli(&dir, &["verify"]);
    assert!(!out.status.success());
    let msg = text(&out);
    assert!(
        msg.contains(&format!(
            "{} can be written by its group or by everyone (mode 2770)",
            dir.display()
        )) && msg.contains("chmod go-w"),
        "{msg}"
    );
    assert!(!paths::socket_path(&dir).exists(), "no server was started");
    chmod(&dir, 0o750);
    chmod(&dir.join("sled"), 0o755);
    let msg = text(&cli(&dir, &["verify"]));
    assert!(
        msg.contains(&format!(
            "{} can be read by its group or by everyone (mode 0755)",
            dir.join("sled").display()
        )),
        "{msg}"
    );
    chmod(&dir.join("sled"), 0o700);
    let out = cli(&dir, &["verify"]);
    assert!(out.status.success(), "{}", text(&out));
    stop_server(&dir);
}

#[test]
fn a_store_held_by_a_server_still_opening_it_is_described_as_such() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("st");
    store_with_me(&dir);
    // This process holds the store and names itself in server.pid, as a server does from the
    // moment it takes the lock until the store is checked (or rebuilt) and its socket is up.
    // The setup's own handle lets go of the lock when its last thread has stopped: on a busy
    // machine that can take a moment, so the open is tried again for a few seconds.
    let open = || {
        store::Store::open_with(&dir, || {
            std::fs::write(paths::pid_path(&dir), format!("{}\n", std::process::id())).unwrap()
        })
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let held = loop {
        match open() {
            Err(store::StoreError::InUse { .. }) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(50))
            }
            r => break r.expect("open"),
        }
    };
    let out = cli(&dir, &["verify"]);
    assert!(!out.status.success());
    let msg = text(&out);
    assert!(
        msg.contains(&format!(
            "(process {}) is still opening it",
            std::process::id()
        )),
        "{msg}"
    );
    assert!(!msg.contains("not a thamdinh server"), "{msg}");
    drop(held);
}

// ---------------------------------------------------------------------------------------------
// With a second OS account (root only).

/// A throwaway account and its group, removed (with every process of it) when dropped.
struct TempUser {
    name: String,
    uid: u32,
    gid: u32,
}

impl TempUser {
    fn new(tag: &str) -> TempUser {
        let name = format!("td-{tag}-{}", std::process::id() % 100_000);
        let _ = Command::new("userdel").arg(&name).output();
        let _ = Command::new("groupdel").arg(&name).output();
        let ok = |cmd: &mut Command| {
            let out = cmd.output().expect("run a system command");
            assert!(out.status.success(), "{cmd:?}: {}", text(&out));
        };
        ok(Command::new("groupadd").arg(&name));
        ok(Command::new("useradd").args([
            "-M",
            "-N",
            "-g",
            &name,
            "-s",
            "/usr/sbin/nologin",
            &name,
        ]));
        let uid = uzers::get_user_by_name(&name).expect("user").uid();
        let gid = uzers::get_group_by_name(&name).expect("group").gid();
        TempUser { name, uid, gid }
    }

    /// A command run as this account.
    fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = Command::new(program);
        cmd.uid(self.uid).gid(self.gid).env("HOME", "/");
        cmd
    }

    /// `sh -c script` as this account.
    fn sh(&self, script: &str) -> Output {
        self.command("sh")
            .args(["-c", script])
            .output()
            .expect("run sh")
    }
}

impl Drop for TempUser {
    fn drop(&mut self) {
        let _ = Command::new("pkill")
            .args(["-KILL", "-u", &self.name])
            .output();
        let _ = Command::new("userdel").arg(&self.name).output();
        let _ = Command::new("groupdel").arg(&self.name).output();
    }
}

/// A temporary folder other accounts can traverse (tempdir makes it 0700).
fn open_tempdir() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    chmod(tmp.path(), 0o755);
    tmp
}

/// The store's seal, read offline (its server stopped).
fn seal(dir: &Path) -> String {
    let store = common::open_after_server(dir);
    let r = store.verify().expect("verify");
    assert!(r.ok(), "{r:?}");
    format!("{}:{:?}", r.events, store.seal().hash)
}

#[test]
#[cfg_attr(
    not(thamdinh_root),
    ignore = "needs root to create a second OS account (.ci/run runs as root)"
)]
fn a_member_can_use_the_server_but_not_touch_a_file_of_the_store() {
    let auditor = TempUser::new("aud");
    let tmp = open_tempdir();
    let dir = tmp.path().join("st");
    store_with_me(&dir);
    {
        let lead = common::open_after_server(&dir);
        let lead = engine::LocalWorkbench::new(lead, me());
        lead.apply(Cmd::SetMember {
            user: auditor.name.clone(),
            role: Role::Auditor,
        })
        .unwrap();
    }
    // The shared layout: the members' group may list the folder and reach the socket.
    let out = Command::new("chgrp")
        .arg(auditor.gid.to_string())
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success());
    chmod(&dir, 0o2750);
    let before = seal(&dir);
    let server = net::server::start(&dir, &net::server::ServeOptions { idle_exit: None })
        .expect("start the server");
    assert_eq!(mode(&paths::socket_path(&dir)), 0o660);

    // Through the server: reads work, writes are refused.
    let as_auditor = |args: &[&str]| {
        auditor
            .command(bin())
            .args(["--lang", "en", "--store"])
            .arg(&dir)
            .args(args)
            .output()
            .expect("run thamdinh as the auditor")
    };
    let out = as_auditor(&["member", "list"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = as_auditor(&["member", "add", &auditor.name, "--role", "lead"]);
    assert!(!out.status.success());

    // On the files: every way to plant, replace or read is refused by the kernel.
    let d = dir.display();
    let victim = tmp.path().join("victim");
    std::fs::write(&victim, "precious").unwrap();
    for script in [
        format!("ln -s {} {d}/server.log.1", victim.display()),
        format!("ln -s {} {d}/.server.pid.1.0", victim.display()),
        format!("touch {d}/planted"),
        format!("mv {d}/sled {d}/sled.old"),
        format!("rm -f {d}/thamdinh.sock"),
        format!("ls {d}/journal"),
        format!("cat {d}/journal/*"),
        format!("grep -ra appraiser {d}/sled"),
    ] {
        let out = auditor.sh(&script);
        assert!(!out.status.success(), "`{script}` worked as the auditor");
    }
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    server.stop("test");
    drop(server.wait());
    assert_eq!(seal(&dir), before, "the record did not change");
}

/// Run by `a_fake_server_on_the_socket_is_not_believed` as the second account: bind the
/// socket named in THAMDINH_FAKE_SOCKET and answer every connection with nothing.
#[test]
fn fake_server_process() {
    let Ok(sock) = std::env::var("THAMDINH_FAKE_SOCKET") else {
        return;
    };
    let listener = std::os::unix::net::UnixListener::bind(&sock).expect("bind the fake socket");
    chmod(Path::new(&sock), 0o777);
    for conn in listener.incoming().take(8) {
        let Ok(mut conn) = conn else { continue };
        use std::io::Read;
        let mut got = Vec::new();
        let _ = conn.set_read_timeout(Some(Duration::from_secs(2)));
        let _ = conn.read_to_end(&mut got);
        if !got.is_empty() {
            std::fs::write(format!("{sock}.heard"), &got).expect("note what the client sent");
        }
    }
}

#[test]
#[cfg_attr(
    not(thamdinh_root),
    ignore = "needs root to create a second OS account (.ci/run runs as root)"
)]
fn a_fake_server_on_the_socket_is_not_believed() {
    let attacker = TempUser::new("fake");
    let tmp = open_tempdir();
    let dir = tmp.path().join("st");
    store_with_me(&dir);
    stop_server(&dir);
    // The old "Setup A": a folder the group can write in, so a member can replace the socket.
    let out = Command::new("chgrp")
        .arg(attacker.gid.to_string())
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success());
    chmod(&dir, 0o2770);
    let sock = paths::socket_path(&dir);
    let mut fake: Child = attacker
        .command(std::env::current_exe().unwrap())
        .args(["--exact", "fake_server_process", "--nocapture"])
        .env("THAMDINH_FAKE_SOCKET", &sock)
        .spawn()
        .expect("start the fake server");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !sock.exists() {
        assert!(Instant::now() < deadline, "the fake server did not bind");
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = cli(&dir, &["member", "list"]);
    let _ = fake.kill();
    let _ = fake.wait();
    assert!(!out.status.success(), "believed: {}", text(&out));
    let msg = text(&out);
    let root = format!("{} (uid 0)", me());
    let them = format!("{} (uid {})", attacker.name, attacker.uid);
    assert!(
        msg.contains("is not trusted")
            && msg.contains(&format!("belongs to the account {root}"))
            && msg.contains(&format!("the socket belongs to {them}"))
            && msg.contains(&format!("runs as {them}")),
        "{msg}"
    );
    assert!(
        !PathBuf::from(format!("{}.heard", sock.display())).exists(),
        "nothing was sent to the fake server"
    );
}

/// E1 of the re-test: one member opening hundreds of sessions took every file descriptor of the
/// server, and everyone else was refused as an "unknown user". Now that member is refused past
/// `SESSIONS_PER_USER`, with the limit named, and the others get in.
#[test]
#[cfg_attr(
    not(thamdinh_root),
    ignore = "needs root to create a second OS account (.ci/run runs as root)"
)]
fn a_member_holding_many_sessions_does_not_lock_the_others_out() {
    use net::protocol::{Hello, HelloReply, PROTOCOL_VERSION, Refusal, SESSIONS_PER_USER, frame};
    use std::io::Write;
    use std::os::unix::net::UnixStream;
    let other = TempUser::new("e1");
    let tmp = open_tempdir();
    let dir = tmp.path().join("st");
    store_with_me(&dir);
    {
        let lead = engine::LocalWorkbench::new(common::open_after_server(&dir), me());
        lead.apply(Cmd::SetMember {
            user: other.name.clone(),
            role: Role::Appraiser,
        })
        .unwrap();
    }
    let out = Command::new("chgrp")
        .arg(other.gid.to_string())
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success());
    chmod(&dir, 0o2750);
    let server = net::server::start(&dir, &net::server::ServeOptions { idle_exit: None })
        .expect("start the server");
    let hello = frame::encode(&Hello {
        protocol: PROTOCOL_VERSION,
        program: "e1 test".into(),
        since: None,
        notices: false,
    })
    .unwrap();
    // This account opens sessions until the server refuses one (three times the limit at most).
    let mut held = Vec::new();
    let refusal = loop {
        assert!(held.len() <= 3 * SESSIONS_PER_USER, "never refused");
        let mut s = UnixStream::connect(paths::socket_path(&dir)).unwrap();
        s.write_all(&hello).unwrap();
        let body = frame::read_frame(&mut s, frame::LENGTH_MAX).unwrap();
        match frame::decode::<HelloReply>(&body).unwrap() {
            HelloReply::Welcome(_) => held.push(s),
            HelloReply::Refused(r) => break r,
        }
    };
    assert_eq!(held.len(), SESSIONS_PER_USER);
    assert!(
        matches!(&refusal, Refusal::TooManySessions { user, .. } if *user == me()),
        "{refusal:?}"
    );
    // The other member is served meanwhile.
    let out = other
        .command(bin())
        .args(["--lang", "en", "--store"])
        .arg(&dir)
        .args(["member", "list"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains(&other.name), "{}", text(&out));
    drop(held);
    server.stop("test");
    drop(server.wait());
}

/// Finding 11 / 1b of the re-test: a member running `verify` on a shared store whose server is
/// stopped (or still opening the store) was told that other accounts could change or read it.
/// Now: the server is not running and who can start it, or that it is starting.
#[test]
#[cfg_attr(
    not(thamdinh_root),
    ignore = "needs root to create a second OS account (.ci/run runs as root)"
)]
fn a_member_verifying_a_stopped_shared_store_is_told_the_server_is_not_running() {
    let member = TempUser::new("ver");
    let tmp = open_tempdir();
    let dir = tmp.path().join("st");
    store_with_me(&dir);
    {
        let lead = engine::LocalWorkbench::new(common::open_after_server(&dir), me());
        lead.apply(Cmd::SetMember {
            user: member.name.clone(),
            role: Role::Lead,
        })
        .unwrap();
    }
    let out = Command::new("chgrp")
        .arg(member.gid.to_string())
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success());
    chmod(&dir, 0o2750);
    let verify = || {
        member
            .command(bin())
            .args(["--lang", "en", "--store"])
            .arg(&dir)
            .arg("verify")
            .output()
            .unwrap()
    };
    // Stopped.
    let out = verify();
    let msg = text(&out);
    assert!(!out.status.success());
    assert!(
        msg.contains("is not running") && msg.contains(&format!("{} (uid 0)", me())),
        "{msg}"
    );
    assert!(!msg.contains("could change or read"), "{msg}");
    // Starting: this process holds the store and names itself in server.pid.
    let held = store::Store::open_with(&dir, || {
        std::fs::write(paths::pid_path(&dir), format!("{}\n", std::process::id())).unwrap()
    })
    .expect("open");
    let out = verify();
    let msg = text(&out);
    assert!(!out.status.success());
    assert!(
        msg.contains(&format!(
            "(process {}) is still opening it",
            std::process::id()
        )),
        "{msg}"
    );
    assert!(!msg.contains("could change or read"), "{msg}");
    drop(held);
}

/// Finding 11 and E3: the store's owner (here root, never made a member) running `verify`
/// while the server runs was told to have itself added as an appraiser; root's `doctor` too.
#[test]
fn the_owner_who_is_no_member_is_told_the_server_runs_and_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("st");
    drop(setup(&dir)); // "lead" and others are members; this account is not.
    let server = net::server::start(&dir, &net::server::ServeOptions { idle_exit: None })
        .expect("start the server");
    let out = cli(&dir, &["verify"]);
    let msg = text(&out);
    assert!(!out.status.success());
    assert!(
        msg.contains(&format!("is running (process {})", std::process::id()))
            && msg.contains("as a lead"),
        "{msg}"
    );
    assert!(!msg.contains("--role appraiser"), "{msg}");
    let out = cli(&dir, &["doctor"]);
    let msg = text(&out);
    assert!(!msg.contains("--role appraiser"), "{msg}");
    assert!(
        msg.contains(&format!("process {}, answering", std::process::id())),
        "{msg}"
    );
    assert!(msg.contains("not expected to be"), "{msg}");
    server.stop("test");
    drop(server.wait());
}

/// 1a of the re-test: a `sled/` of another account put into the store; the refusal told the
/// administrator to run the store as that account.
#[test]
#[cfg_attr(
    not(thamdinh_root),
    ignore = "needs root to create a second OS account (.ci/run runs as root)"
)]
fn a_foreign_entry_is_named_with_its_owner_and_never_as_the_account_to_run_as() {
    let other = TempUser::new("sled");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("st");
    store_with_me(&dir);
    let sled = dir.join("sled");
    let out = Command::new("chown")
        .args(["-R", &other.name])
        .arg(&sled)
        .output()
        .unwrap();
    assert!(out.status.success());
    let foreign: Vec<_> = store::access::refusals(&dir)
        .into_iter()
        .filter(|p| p.path() == sled)
        .collect();
    assert!(
        matches!(
            &foreign[..],
            [store::access::AccessProblem::ForeignEntry { .. }]
        ),
        "{foreign:?}"
    );
    let out = cli(&dir, &["serve"]);
    let msg = text(&out);
    assert!(!out.status.success());
    assert!(
        msg.contains(&format!("chown -R {} {}", me(), dir.display())),
        "{msg}"
    );
    assert!(!msg.contains(&format!("sudo -u {}", other.name)), "{msg}");
    let _ = Command::new("chown").args(["-R", "0"]).arg(&sled).output();
}

/// 3a of the re-test: another user's personal store with its server stopped; the message named
/// a systemd service that cannot exist.
#[test]
#[cfg_attr(
    not(thamdinh_root),
    ignore = "needs root to create a second OS account (.ci/run runs as root)"
)]
fn another_users_stopped_personal_store_is_said_to_be_theirs() {
    let owner = TempUser::new("home");
    let home = PathBuf::from("/home").join(&owner.name);
    std::fs::create_dir_all(&home).unwrap();
    let _ = Command::new("chown").arg(&owner.name).arg(&home).output();
    chmod(&home, 0o755);
    struct Gone(PathBuf);
    impl Drop for Gone {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
    let _gone = Gone(home.clone());
    let dir = home.join("st");
    let out = owner
        .command(bin())
        .args(["--lang", "en", "--store"])
        .arg(&dir)
        .args(["init", "--year", "2024"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    // A server `init` may have left running (it is that account's): stopped by its pid.
    if let Some(pid) = paths::read_pid(&dir).filter(|p| paths::process_alive(*p)) {
        let _ = Command::new("kill").arg(pid.to_string()).output();
        let deadline = Instant::now() + Duration::from_secs(30);
        while paths::process_alive(pid) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    let out = cli(&dir, &["member", "list"]);
    let msg = text(&out);
    assert!(!out.status.success());
    assert!(msg.contains("personal store of the account"), "{msg}");
    assert!(!msg.contains("systemctl"), "{msg}");
}

/// A member running `serve` (or `rebuild`) on a store they may not look into was told it was
/// "not a thamdinh store (no sled/ folder inside)": it is another account's store, and the
/// message says whose (the review of this stop, by hand as a second account).
#[test]
#[cfg_attr(
    not(thamdinh_root),
    ignore = "needs root to create a second OS account (.ci/run runs as root)"
)]
fn a_store_another_account_may_not_look_into_is_named_as_theirs_not_as_no_store() {
    let other = TempUser::new("peek");
    let tmp = open_tempdir();
    let dir = tmp.path().join("st");
    store_with_me(&dir);
    stop_server(&dir);
    assert_eq!(mode(&dir) & 0o077, 0, "the store folder is private");
    let root = format!("{} (uid 0)", me());
    for cmd in ["serve", "rebuild"] {
        let out = other
            .command(bin())
            .args(["--lang", "en", "--store"])
            .arg(&dir)
            .arg(cmd)
            .output()
            .unwrap();
        let msg = text(&out);
        assert!(!out.status.success(), "{cmd}: {msg}");
        assert!(!msg.contains("not a thamdinh store"), "{cmd}: {msg}");
        assert!(
            msg.contains("belongs to another account") && msg.contains(&root),
            "{cmd}: {msg}"
        );
    }
    // A folder with no store in it is still "not a thamdinh store".
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    chmod(&empty, 0o755);
    let out = other
        .command(bin())
        .args(["--lang", "en", "--store"])
        .arg(&empty)
        .arg("serve")
        .output()
        .unwrap();
    assert!(
        text(&out).contains("not a thamdinh store"),
        "{}",
        text(&out)
    );
}
