//! The one supported shared setup (docs/SHARED_STORE.md) through the real binary: `setup-shared`
//! makes a service account the only one that writes the store, its server serves the members'
//! group, members reach it and write nothing in the folder, a second run changes nothing, and
//! an old group-writable store is refused until `setup-shared` takes it over. `doctor` names
//! what is wrong with a store's layout.
//!
//! The tests that create OS users and groups need root (reported as ignored otherwise, with the
//! reason); each removes every user, group, process and folder it made, also when it fails.

mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::os_user::{Throwaway, is_root, run_ok};
use uzers::os::unix::UserExt;

const BIN: &str = env!("CARGO_BIN_EXE_thamdinh");

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `thamdinh --lang en ARGS` as root (this process).
fn root_cli(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(["--lang", "en"])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run thamdinh")
}

/// `thamdinh --lang en --store DIR ARGS` as the account `uid` with the group `gid` (and no
/// other group).
fn cli_as(uid: u32, gid: u32, dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(["--lang", "en", "--store"])
        .arg(dir)
        .args(args)
        .env("HOME", "/nonexistent")
        .env_remove("XDG_CONFIG_HOME")
        .current_dir("/")
        .uid(uid)
        .gid(gid)
        .stdin(Stdio::null())
        .output()
        .expect("run thamdinh as another account")
}

fn uid_of(name: &str) -> u32 {
    uzers::get_user_by_name(name).expect("user").uid()
}

fn gid_of(name: &str) -> u32 {
    uzers::get_group_by_name(name).expect("group").gid()
}

/// A folder for the test's stores that every account can pass through (a temporary folder is
/// private to root), removed by `guard`.
fn base(guard: &mut Throwaway) -> PathBuf {
    let tmp = tempfile::Builder::new()
        .prefix("thamdinh-shared-")
        .tempdir()
        .expect("temp dir")
        .keep();
    std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    guard.adopt_path(&tmp);
    tmp
}

/// (path, uid, gid, mode) of DIR and everything in it, without following links.
fn layout(dir: &Path) -> Vec<(PathBuf, u32, u32, u32, bool)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(p) = todo.pop() {
        let m = std::fs::symlink_metadata(&p).expect("lstat");
        assert!(!m.file_type().is_symlink(), "{} is a link", p.display());
        out.push((p.clone(), m.uid(), m.gid(), m.mode() & 0o7777, m.is_dir()));
        if m.is_dir() {
            for e in std::fs::read_dir(&p).expect("read_dir") {
                todo.push(e.expect("entry").path());
            }
        }
    }
    out.sort();
    out
}

/// The store is the service account's alone: DIR `U:G 2750`, folders 0700, files 0600, the
/// socket `U:G 0660`, server.pid 0644.
fn assert_service_layout(dir: &Path, uid: u32, gid: u32) {
    for (p, u, g, mode, is_dir) in layout(dir) {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let top = p.parent() == Some(dir);
        assert_eq!(u, uid, "{} belongs to uid {u}", p.display());
        let want = if p == dir {
            0o2750
        } else if is_dir {
            0o700
        } else if top && name == "thamdinh.sock" {
            assert_eq!(g, gid, "the socket has the members' group");
            0o660
        } else if top && name == "server.pid" {
            0o644
        } else {
            0o600
        };
        assert_eq!(mode, want, "{} has mode {mode:04o}", p.display());
        if p == dir {
            assert_eq!(g, gid, "the store folder has the members' group");
        }
    }
}

/// Start `thamdinh serve` as the service account and wait until the members can connect.
fn start_server(guard: &mut Throwaway, dir: &Path, uid: u32, gid: u32) -> u32 {
    let child = Command::new(BIN)
        .args(["--store"])
        .arg(dir)
        .args(["serve", "--idle-exit", "0"])
        .current_dir("/")
        .uid(uid)
        .gid(gid)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the server as the service account");
    let pid = guard.adopt_child(child);
    let sock = dir.join("thamdinh.sock");
    let deadline = Instant::now() + Duration::from_secs(15);
    while !std::fs::symlink_metadata(&sock).is_ok_and(|m| m.mode() & 0o777 == 0o660) {
        assert!(
            Instant::now() < deadline,
            "the server did not come up: {}",
            std::fs::read_to_string(dir.join("server.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    pid
}

/// `sh -c SCRIPT sh PATH` as `uid`/`gid` succeeds.
fn sh_as(uid: u32, gid: u32, script: &str, path: &Path) -> bool {
    Command::new("sh")
        .args(["-c", script, "sh"])
        .arg(path)
        .current_dir("/")
        .uid(uid)
        .gid(gid)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run sh")
        .success()
}

#[test]
fn setup_shared_refuses_without_root_and_changes_nothing() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("store");
    for (lang, says) in [
        ("en", "must run as root"),
        ("vi", "phải chạy bằng quyền root"),
    ] {
        let mut cmd = Command::new(BIN);
        cmd.args(["--lang", lang, "setup-shared"])
            .arg(&dir)
            .args(["--group", "tdnogroup", "--service-user", "tdnouser"])
            .current_dir("/");
        if is_root() {
            // As an account that is not root: nobody.
            cmd.uid(65534).gid(65534);
        }
        let out = cmd.output().expect("run thamdinh");
        assert!(!out.status.success(), "{}", text(&out));
        assert!(text(&out).contains(says), "{}", text(&out));
    }
    assert!(!dir.exists());
    assert!(uzers::get_group_by_name("tdnogroup").is_none());
    assert!(uzers::get_user_by_name("tdnouser").is_none());
}

/// A store this process owns, made in a temporary folder.
fn own_store() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("store");
    drop(store::Store::create(&dir).expect("create a store"));
    (tmp, dir)
}

#[test]
fn doctor_names_a_store_folder_others_can_write() {
    let (_tmp, dir) = own_store();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o770)).expect("chmod");
    let out = root_cli(&["--store", dir.to_str().expect("utf-8"), "doctor"]);
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(
        said.contains(&format!(
            "error: {} can be written by its group or by everyone (mode 0770)",
            dir.display()
        )),
        "{said}"
    );
    assert!(
        said.contains("not started: the store refuses to open"),
        "{said}"
    );
    assert!(!dir.join("thamdinh.sock").exists(), "no server was started");
    // In Vietnamese too.
    let out = Command::new(BIN)
        .args(["--store"])
        .arg(&dir)
        .arg("doctor")
        .output()
        .expect("run thamdinh");
    assert!(
        text(&out).contains("lỗi: ") && text(&out).contains("(quyền 0770)"),
        "{}",
        text(&out)
    );
}

#[test]
fn doctor_names_a_link_in_the_store() {
    let (tmp, dir) = own_store();
    let target = tmp.path().join("elsewhere");
    std::fs::write(&target, "").expect("write");
    std::os::unix::fs::symlink(&target, dir.join("server.log")).expect("symlink");
    let out = root_cli(&["--store", dir.to_str().expect("utf-8"), "doctor"]);
    let said = text(&out);
    assert!(!out.status.success(), "{said}");
    assert!(
        said.contains(&format!(
            "error: {} is a symbolic link",
            dir.join("server.log").display()
        )),
        "{said}"
    );
    // The store folder itself reached through a link.
    let link = tmp.path().join("link");
    std::os::unix::fs::symlink(&dir, &link).expect("symlink");
    let out = root_cli(&["--store", link.to_str().expect("utf-8"), "doctor"]);
    assert!(
        text(&out).contains(&format!("error: {} is a symbolic link", link.display())),
        "{}",
        text(&out)
    );
    assert_eq!(std::fs::read_to_string(&target).expect("read"), "");
}

#[test]
#[cfg_attr(
    not(thamdinh_root),
    ignore = "needs root to create users (.ci/run runs as root)"
)]
fn a_shared_store_is_written_by_its_service_account_only() {
    assert!(is_root(), "built as root, run as another user");
    let mut guard = Throwaway::new();
    let (svc, grp) = (guard.unique_name("s"), guard.unique_name("g"));
    let (lead, member) = (guard.unique_name("l"), guard.unique_name("m"));
    // Made by setup-shared; removed by the guard whatever happens.
    guard.adopt_user(&svc);
    guard.adopt_group(&grp);
    let (lead_uid, _) = guard.user(&lead);
    let (member_uid, _) = guard.user(&member);
    let dir = base(&mut guard).join("srv").join("2024");
    let d = dir.to_str().expect("utf-8");

    let out = root_cli(&[
        "setup-shared",
        d,
        "--group",
        &grp,
        "--service-user",
        &svc,
        "--lead",
        &lead,
        "--year",
        "2024",
    ]);
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    for step in [
        format!("created the group {grp}"),
        format!("created the service account {svc}"),
        "created an empty store".to_string(),
        format!("added {lead} to the group {grp}"),
        format!("{lead} opened 2024 and is the store's first lead"),
        format!("sudo usermod -aG {grp} NAME"),
    ] {
        assert!(said.contains(&step), "missing \"{step}\":\n{said}");
    }
    let (uid, gid) = (uid_of(&svc), gid_of(&grp));
    let service = uzers::get_user_by_uid(uid).expect("service account");
    assert!(
        ["/usr/sbin/nologin", "/sbin/nologin", "/bin/false"]
            .iter()
            .any(|s| service.shell() == Path::new(s)),
        "the service account has a login shell: {}",
        service.shell().display()
    );
    assert!(
        !service.home_dir().exists(),
        "the service account has no home"
    );
    // The server started for the lead is gone, with its socket.
    assert!(!dir.join("thamdinh.sock").exists());
    assert_service_layout(&dir, uid, gid);

    let server = start_server(&mut guard, &dir, uid, gid);
    assert_service_layout(&dir, uid, gid);

    // The lead (in the group) adds a member; the member reads.
    let out = cli_as(
        lead_uid,
        gid,
        &dir,
        &["member", "add", &member, "--role", "appraiser"],
    );
    assert!(out.status.success(), "{}", text(&out));
    let out = cli_as(member_uid, gid, &dir, &["member", "list"]);
    let list = text(&out);
    assert!(out.status.success(), "{list}");
    assert!(
        list.lines()
            .any(|l| l.split_whitespace().eq([lead.as_str(), "lead"])),
        "{list}"
    );
    assert!(
        list.lines()
            .any(|l| l.split_whitespace().eq([member.as_str(), "appraiser"])),
        "{list}"
    );
    let out = cli_as(member_uid, gid, &dir, &["doctor"]);
    let doc = text(&out);
    assert!(out.status.success(), "{doc}");
    for line in [
        format!("owner {svc}, group {grp}, mode 2750: shared with the group {grp}"),
        format!("runs as {svc} (the store's owner)"),
        format!("{member} — appraiser"),
        format!("{svc}:{grp} 0660; you ({member}) can connect through the group {grp}"),
    ] {
        assert!(doc.contains(&line), "missing \"{line}\":\n{doc}");
    }
    assert!(!doc.contains("error:"), "{doc}");

    // The member can write nothing in the store, nor read its private folders.
    for (p, _, _, _, is_dir) in layout(&dir) {
        if p.file_name().is_some_and(|n| n == "thamdinh.sock") {
            continue; // connecting is what the socket is for
        }
        assert!(
            !sh_as(member_uid, gid, "test -w \"$1\"", &p),
            "{} is writable by a member",
            p.display()
        );
        if is_dir {
            assert!(
                !sh_as(member_uid, gid, ": > \"$1/probe\"", &p),
                "a member created a file in {}",
                p.display()
            );
        } else {
            assert!(
                !sh_as(member_uid, gid, ": >> \"$1\"", &p),
                "a member opened {} for writing",
                p.display()
            );
        }
    }
    assert!(!sh_as(member_uid, gid, "ls \"$1\"", &dir.join("journal")));
    assert!(!sh_as(member_uid, gid, "ls \"$1\"", &dir.join("sled")));

    // Again, with the server running: nothing changes.
    let before: Vec<_> = layout(&dir)
        .into_iter()
        .filter(|(p, ..)| p.parent() == Some(dir.as_path()) || p == &dir)
        .collect();
    let out = root_cli(&[
        "setup-shared",
        d,
        "--group",
        &grp,
        "--service-user",
        &svc,
        "--lead",
        &lead,
        "--year",
        "2024",
    ]);
    let again = text(&out);
    assert!(out.status.success(), "{again}");
    for line in [
        format!("the group {grp} exists"),
        format!("the service account {svc} exists"),
        format!("already belong to {svc}:{grp} with the right modes"),
        format!("(process {server}) is serving the store: left running"),
        format!("{lead} already leads the store"),
    ] {
        assert!(again.contains(&line), "missing \"{line}\":\n{again}");
    }
    assert!(
        !again.contains('✓'),
        "a second run changed something:\n{again}"
    );
    let after: Vec<_> = layout(&dir)
        .into_iter()
        .filter(|(p, ..)| p.parent() == Some(dir.as_path()) || p == &dir)
        .collect();
    assert_eq!(before, after);
    guard.stop(server);
    assert!(!dir.join("thamdinh.sock").exists());
}

#[test]
#[cfg_attr(
    not(thamdinh_root),
    ignore = "needs root to create users (.ci/run runs as root)"
)]
fn an_old_group_writable_store_is_refused_until_taken_over() {
    assert!(is_root(), "built as root, run as another user");
    let mut guard = Throwaway::new();
    let (svc, grp, lead) = (
        guard.unique_name("s"),
        guard.unique_name("g"),
        guard.unique_name("l"),
    );
    guard.adopt_user(&svc);
    let gid = guard.group(&grp);
    let (lead_uid, lead_gid) = guard.user(&lead);
    let dir = base(&mut guard).join("2024");
    std::fs::create_dir(&dir).expect("mkdir");
    std::os::unix::fs::chown(&dir, Some(lead_uid), Some(lead_gid)).expect("chown");
    // The lead makes the store, then it is opened to the group as "setup A" used to.
    let out = cli_as(lead_uid, lead_gid, &dir, &["init", "--year", "2024"]);
    assert!(out.status.success(), "{}", text(&out));
    run_ok(Command::new("chgrp").args(["-R", &grp]).arg(&dir));
    run_ok(Command::new("chmod").args(["-R", "g+rwX"]).arg(&dir));
    run_ok(Command::new("chmod").arg("2770").arg(&dir));

    let out = cli_as(lead_uid, gid, &dir, &["member", "list"]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("can be written by its group or by everyone"),
        "{}",
        text(&out)
    );
    let out = cli_as(lead_uid, gid, &dir, &["doctor"]);
    let doc = text(&out);
    assert!(!out.status.success(), "{doc}");
    assert!(
        doc.contains(&format!(
            "error: {} can be written by its group or by everyone (mode 2770)",
            dir.display()
        )),
        "{doc}"
    );
    assert!(
        doc.contains("not started: the store refuses to open"),
        "{doc}"
    );

    let out = root_cli(&[
        "setup-shared",
        dir.to_str().expect("utf-8"),
        "--group",
        &grp,
        "--service-user",
        &svc,
    ]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains(&format!("{}: {lead_uid}:{gid} 2770 → ", dir.display())),
        "{}",
        text(&out)
    );
    let uid = uid_of(&svc);
    assert_service_layout(&dir, uid, gid);
    let server = start_server(&mut guard, &dir, uid, gid);
    // The record is kept: the lead is still its lead, now through the service's server.
    let out = cli_as(lead_uid, gid, &dir, &["member", "list"]);
    assert!(
        text(&out)
            .lines()
            .any(|l| l.split_whitespace().eq([lead.as_str(), "lead"])),
        "{}",
        text(&out)
    );
    let out = cli_as(lead_uid, gid, &dir, &["verify"]);
    assert!(out.status.success(), "{}", text(&out));
    guard.stop(server);
}

#[test]
#[cfg_attr(
    not(thamdinh_root),
    ignore = "needs root to run setup-shared (.ci/run runs as root)"
)]
fn setup_shared_refuses_links_and_foreign_folders_and_changes_nothing() {
    assert!(is_root(), "built as root, run as another user");
    let mut guard = Throwaway::new();
    let (svc, grp) = (guard.unique_name("s"), guard.unique_name("g"));
    // Never made (every case is refused first); removed should one be.
    guard.adopt_user(&svc);
    guard.adopt_group(&grp);
    let base = base(&mut guard);
    let refused = |dir: &Path, says: &str| {
        let out = root_cli(&[
            "setup-shared",
            dir.to_str().expect("utf-8"),
            "--group",
            &grp,
            "--service-user",
            &svc,
        ]);
        let said = text(&out);
        assert!(!out.status.success(), "{said}");
        assert!(said.contains("nothing was changed in"), "{said}");
        assert!(said.contains(says), "missing \"{says}\":\n{said}");
    };

    // The store folder is a link.
    let real = base.join("real");
    drop(store::Store::create(&real).expect("store"));
    let link = base.join("link");
    std::os::unix::fs::symlink(&real, &link).expect("symlink");
    refused(&link, &format!("{} is a symbolic link", link.display()));
    // A folder on the way is a link.
    refused(
        &link.join("inner"),
        &format!(
            "{} is a symbolic link: use the store's real path",
            link.display()
        ),
    );
    // A folder on the way anyone can write, without the sticky bit.
    let open = base.join("open");
    std::fs::create_dir(&open).expect("mkdir");
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).expect("chmod");
    refused(&open.join("store"), "without the sticky bit");
    // A folder that is not a store and not empty.
    let full = base.join("full");
    std::fs::create_dir(&full).expect("mkdir");
    std::fs::write(full.join("notes.txt"), "x").expect("write");
    refused(&full, "is not empty and holds no store (notes.txt)");
    // Entries that are not a store's.
    std::fs::write(real.join("notes.txt"), "x").expect("write");
    refused(
        &real,
        "holds entries that are not part of a store (notes.txt)",
    );
    std::fs::remove_file(real.join("notes.txt")).expect("rm");
    // A link and a hard link inside the store.
    let victim = base.join("victim");
    std::fs::write(&victim, "precious").expect("write");
    std::os::unix::fs::symlink(&victim, real.join("journal").join("evil")).expect("symlink");
    std::fs::hard_link(&victim, real.join("server.log")).expect("hard link");
    refused(
        &real,
        &format!(
            "{} is a symbolic link",
            real.join("journal").join("evil").display()
        ),
    );
    refused(&real, "(a hard link)");
    // With --install-unit, a store the service could not see.
    let out = root_cli(&[
        "setup-shared",
        real.to_str().expect("utf-8"),
        "--group",
        &grp,
        "--service-user",
        &svc,
        "--install-unit",
        "--unit-dir",
        base.join("units").to_str().expect("utf-8"),
    ]);
    if ["/tmp", "/var/tmp", "/home", "/root", "/run/user"]
        .iter()
        .any(|h| real.starts_with(h))
    {
        assert!(
            text(&out).contains("which the systemd service cannot see"),
            "{}",
            text(&out)
        );
    }
    assert!(!out.status.success(), "{}", text(&out));

    // Nothing was changed: no account, no group, the files as they were.
    assert!(uzers::get_user_by_name(&svc).is_none());
    assert!(uzers::get_group_by_name(&grp).is_none());
    let victim_meta = std::fs::metadata(&victim).expect("victim");
    assert_eq!(victim_meta.uid(), 0);
    assert_eq!(std::fs::read_to_string(&victim).expect("read"), "precious");
    assert_eq!(
        std::fs::metadata(&real).expect("store").mode() & 0o7777,
        0o700
    );
    assert!(!base.join("units").exists());
}

#[test]
#[cfg_attr(
    not(thamdinh_root),
    ignore = "needs root to run setup-shared (.ci/run runs as root)"
)]
fn the_unit_is_written_once_and_systemd_accepts_it() {
    assert!(is_root(), "built as root, run as another user");
    let mut guard = Throwaway::new();
    let (svc, grp) = (guard.unique_name("s"), guard.unique_name("g"));
    guard.adopt_user(&svc);
    guard.adopt_group(&grp);
    // A store where a systemd service can see it: under the build's own folder.
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("shared-unit-{}", std::process::id()));
    std::fs::create_dir_all(&root).expect("mkdir");
    guard.adopt_path(&root);
    std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let dir = root.join("par-2024");
    let units = root.join("units");
    let run = || {
        root_cli(&[
            "setup-shared",
            dir.to_str().expect("utf-8"),
            "--group",
            &grp,
            "--service-user",
            &svc,
            "--install-unit",
            "--unit-dir",
            units.to_str().expect("utf-8"),
        ])
    };
    let hidden = ["/tmp", "/var/tmp", "/home", "/root", "/run/user"]
        .iter()
        .any(|h| dir.starts_with(h) || Path::new(BIN).starts_with(h));
    let out = run();
    if hidden {
        // This checkout is where a hardened service cannot see it: refused, nothing made.
        assert!(!out.status.success(), "{}", text(&out));
        assert!(text(&out).contains("cannot see"), "{}", text(&out));
        return;
    }
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    let instance = format!(
        "thamdinh@{}.service",
        dir.strip_prefix("/")
            .expect("absolute")
            .to_str()
            .expect("utf-8")
            .replace('-', "\\x2d")
            .replace('/', "-")
    );
    assert!(
        said.contains(&format!("systemctl enable --now '{instance}'"))
            || said.contains(&format!("systemctl enable --now {instance}")),
        "{said}"
    );
    let unit = units.join("thamdinh@.service");
    let written = std::fs::read_to_string(&unit).expect("the unit");
    assert!(written.contains(&format!("\nUser={svc}\n")), "{written}");
    let exe = std::fs::canonicalize(BIN).expect("exe");
    assert!(
        written.contains(&format!(
            "\nExecStart={} --store %f serve --idle-exit 0\n",
            exe.display()
        )),
        "{written}"
    );
    assert_eq!(
        std::fs::metadata(&unit).expect("unit").mode() & 0o777,
        0o644
    );
    // Second run: the same file, not rewritten.
    let out = run();
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("is up to date"), "{}", text(&out));
    // systemd's own check, where it is installed.
    let escaped = Command::new("systemd-escape")
        .arg("--path")
        .arg(&dir)
        .output();
    if let Ok(e) = escaped
        && e.status.success()
    {
        let name = format!(
            "thamdinh@{}.service",
            String::from_utf8_lossy(&e.stdout).trim()
        );
        assert_eq!(name, instance, "the instance name is systemd-escape's");
        std::os::unix::fs::symlink("thamdinh@.service", units.join(&name)).expect("symlink");
        let verify = Command::new("systemd-analyze")
            .arg("verify")
            .arg(units.join(&name))
            .output();
        match verify {
            Ok(v) => assert!(
                v.status.success() && v.stderr.is_empty(),
                "systemd-analyze verify: {}",
                text(&v)
            ),
            Err(e) => eprintln!("systemd-analyze not run: {e}"),
        }
    }
}
