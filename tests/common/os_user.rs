//! Second OS accounts for the identity and attack tests (SPEC R5, S5). Creating them needs root;
//! tests that use them are reported ignored, with the reason, when not built as root. Every
//! account, group, process and folder a test makes is removed when its guard is dropped, also
//! when the test fails.

use std::process::Command;

/// Run a system command; panic with its error output if it fails.
pub fn run_ok(cmd: &mut Command) {
    let out = cmd.output().expect("run a system command");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A second OS account, in a group of its own, removed with its group when dropped.
pub struct Account {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
    /// Its group's name (the group a shared store is given, docs/SHARED_STORE.md).
    pub group: String,
    _guard: Throwaway,
}

/// A new throwaway account (see [`Account`]); needs root.
pub fn other_account(tag: &str) -> Account {
    let mut guard = Throwaway::new();
    let name = guard.unique_name(tag);
    let (uid, gid) = guard.user(&name);
    let group = uzers::get_group_by_gid(gid)
        .map(|g| g.name().to_string_lossy().into_owned())
        .expect("its group");
    Account {
        name,
        uid,
        gid,
        group,
        _guard: guard,
    }
}

/// Are we root (able to create the user and run commands as it)?
pub fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// OS users, groups, processes and folders a test made, removed when dropped — also when the
/// test fails: processes first (SIGTERM, then SIGKILL after a while; and a server that a folder's
/// `server.pid` names, which a command of the test started), then folders, users and groups.
/// Only what was registered here is touched.
#[derive(Default)]
pub struct Throwaway {
    users: Vec<String>,
    groups: Vec<String>,
    paths: Vec<std::path::PathBuf>,
    children: Vec<std::process::Child>,
}

impl Throwaway {
    pub fn new() -> Throwaway {
        Throwaway::default()
    }

    /// A name no account or group has: `td` + `tag` + this process's id + a counter (at most
    /// 32 characters, as `useradd` requires).
    pub fn unique_name(&self, tag: &str) -> String {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        loop {
            let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let name = format!("td{tag}{}x{n}", std::process::id());
            assert!(name.len() <= 32, "{name}");
            if uzers::get_user_by_name(&name).is_none() && uzers::get_group_by_name(&name).is_none()
            {
                return name;
            }
        }
    }

    /// Remove this user when dropped (made by the program under test, or about to be).
    pub fn adopt_user(&mut self, name: &str) {
        self.users.push(name.to_string());
        // `useradd` on most systems also makes a group of the same name.
        self.groups.push(name.to_string());
    }

    /// Remove this group when dropped.
    pub fn adopt_group(&mut self, name: &str) {
        self.groups.push(name.to_string());
    }

    /// Remove this folder (and everything in it) when dropped.
    pub fn adopt_path(&mut self, path: &std::path::Path) {
        self.paths.push(path.to_path_buf());
    }

    /// Stop this process (SIGTERM) when dropped, if it still runs.
    pub fn adopt_child(&mut self, child: std::process::Child) -> u32 {
        let pid = child.id();
        self.children.push(child);
        pid
    }

    /// A new group; its gid.
    pub fn group(&mut self, name: &str) -> u32 {
        self.adopt_group(name);
        run_ok(Command::new("groupadd").arg(name));
        uzers::get_group_by_name(name)
            .expect("group just made")
            .gid()
    }

    /// A new user with no home and no login shell, in its own new group; (uid, gid).
    pub fn user(&mut self, name: &str) -> (u32, u32) {
        self.adopt_user(name);
        run_ok(Command::new("useradd").args(["-M", "-U", "-s", "/usr/sbin/nologin", name]));
        let u = uzers::get_user_by_name(name).expect("user just made");
        (u.uid(), u.primary_group_id())
    }

    /// Stop one process this guard holds (SIGTERM) and wait for it, at most 15 s.
    pub fn stop(&mut self, pid: u32) {
        if let Some(i) = self.children.iter().position(|c| c.id() == pid) {
            let child = self.children.remove(i);
            stop_child(child);
        }
    }
}

fn stop_child(mut child: std::process::Child) {
    let pid = rustix::process::Pid::from_child(&child);
    let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while std::time::Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}

impl Drop for Throwaway {
    fn drop(&mut self) {
        for child in std::mem::take(&mut self.children) {
            stop_child(child);
        }
        // A server a command of the test started (its pid in a store folder it made).
        for path in &self.paths {
            for pid_file in walk_pid_files(path) {
                // Only a thamdinh server: a stale pid may belong to another process by now.
                let pid = std::fs::read_to_string(&pid_file)
                    .ok()
                    .and_then(|s| s.trim().parse::<i32>().ok())
                    .filter(|p| {
                        std::fs::read(format!("/proc/{p}/cmdline")).is_ok_and(|c| {
                            let c = String::from_utf8_lossy(&c);
                            c.contains("thamdinh") && c.contains("serve")
                        })
                    })
                    .and_then(rustix::process::Pid::from_raw);
                if let Some(pid) = pid {
                    let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
                    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
                    while std::time::Instant::now() < deadline && pid_file.exists() {
                        std::thread::sleep(std::time::Duration::from_millis(20));
                    }
                }
            }
        }
        for path in std::mem::take(&mut self.paths) {
            let _ = std::fs::remove_dir_all(&path);
        }
        for user in std::mem::take(&mut self.users) {
            if uzers::get_user_by_name(&user).is_some() {
                let out = Command::new("userdel").arg(&user).output();
                if !out.as_ref().is_ok_and(|o| o.status.success()) {
                    eprintln!("could not remove the test user {user}: {out:?}");
                }
            }
        }
        for group in std::mem::take(&mut self.groups) {
            if uzers::get_group_by_name(&group).is_some() {
                let out = Command::new("groupdel").arg(&group).output();
                if !out.as_ref().is_ok_and(|o| o.status.success()) {
                    eprintln!("could not remove the test group {group}: {out:?}");
                }
            }
        }
    }
}

/// `server.pid` files in `dir` and in the folders directly in it.
fn walk_pid_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut look = vec![dir.to_path_buf()];
    if let Ok(entries) = std::fs::read_dir(dir) {
        look.extend(entries.filter_map(Result::ok).map(|e| e.path()));
    }
    for d in look {
        let p = d.join("server.pid");
        if std::fs::symlink_metadata(&p).is_ok_and(|m| m.is_file()) {
            out.push(p);
        }
    }
    out
}
