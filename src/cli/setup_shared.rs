//! `thamdinh setup-shared DIR --group G --service-user U` (docs/SHARED_STORE.md): make DIR a
//! store that one service account owns and alone writes, served to the members' group through
//! its socket. Run as root. Everything is checked before anything is changed, and every step is
//! idempotent: run again, it changes nothing that is already right.
//!
//! 1. Checks: the path (no symbolic link on the way, no folder on the way another account could
//!    write without the sticky bit, with `--install-unit` not hidden from the service by its
//!    hardening), DIR (a folder, empty or holding a store and nothing else; no link, hard link,
//!    device or FIFO inside), and that no process of another account has the store open.
//! 2. The members' group and the service account, created if missing.
//! 3. DIR: created if missing, an empty store created in it if it holds none; then everything in
//!    it is given to the service account: DIR `U:G` mode 2750, folders 0700, files 0600,
//!    `server.pid` 0644; a stale socket and pid file are removed. Never through a link: each
//!    entry is opened relative to its folder's descriptor with `O_NOFOLLOW` and changed through
//!    that descriptor; the result is checked again.
//! 4. `--install-unit`: the systemd unit `thamdinh@.service` (docs/systemd/), filled in.
//! 5. `--lead NAME --year YEAR`: NAME joins the group and runs `thamdinh init` as themselves,
//!    through a server run as the service account, so the store's first event names them (the
//!    server knows who connects from the kernel, never from a flag).

use std::ffi::{CString, OsStr};
use std::io::Write;
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, FileTypeExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Component, Path, PathBuf};
use std::process::{Child, Command, ExitCode, Output, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use rustix::fs::{AtFlags, FileType, Mode, OFlags};
use rustix::io::Errno;
use rustix::process::{Gid, Uid};

use domain::limits::is_user_name;
use l10n::Lang;
use net::server::paths;
use store::{LockProbe, Store};
use uzers::os::unix::UserExt;

/// A text with values in the user's language: `say!(lang, "… {x} …", "… {x} …")`.
macro_rules! say {
    ($lang:expr, $vi:literal, $en:literal $(,)?) => {
        match $lang {
            Lang::Vi => format!($vi),
            Lang::En => format!($en),
        }
    };
}

/// The unit file, filled in by [`unit_text`].
const UNIT_TEMPLATE: &str = include_str!("../../docs/systemd/thamdinh@.service");
/// The unit's file name in the unit folder.
const UNIT_FILE: &str = "thamdinh@.service";
/// Shells for an account nobody logs in to, the first that exists.
const NOLOGIN: [&str; 3] = ["/usr/sbin/nologin", "/sbin/nologin", "/bin/false"];
/// Folders deeper than this below DIR are refused (a store is three levels deep).
const MAX_DEPTH: usize = 8;
/// How long a server started for `--lead` has to come up, and to stop.
const SERVER_WAIT: Duration = Duration::from_secs(15);

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The store folder: created if missing; a store already there is taken over.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// The members' group: who may reach the store's server (created if missing).
    #[arg(long, value_name = "GROUP")]
    pub group: String,
    /// The service account that owns the store and runs its server (created if missing: a
    /// system account with no login shell and no home).
    #[arg(long, value_name = "USER")]
    pub service_user: String,
    /// Install the systemd unit thamdinh@.service (docs/systemd/) and print how to start it.
    #[arg(long)]
    pub install_unit: bool,
    /// Where the unit is written.
    #[arg(
        long,
        value_name = "DIR",
        default_value = "/etc/systemd/system",
        hide = true
    )]
    pub unit_dir: PathBuf,
    /// The store's first lead, an OS user: added to GROUP, then `thamdinh init --year YEAR` is
    /// run as them (so the record says who opened the store).
    #[arg(long, value_name = "USER", requires = "year")]
    pub lead: Option<String>,
    /// With --lead: the assessment year the lead opens.
    #[arg(long, value_name = "YEAR", requires = "lead")]
    pub year: Option<u16>,
    /// With --lead: the framework file (default: the bundled one); the lead must be able to read it.
    #[arg(long, value_name = "FILE", requires = "lead", requires = "units")]
    pub framework: Option<PathBuf>,
    /// With --lead: the units file (default: the bundled one); the lead must be able to read it.
    #[arg(long, value_name = "FILE", requires = "lead")]
    pub units: Option<PathBuf>,
}

/// An OS account as setup-shared needs it.
#[derive(Clone, Debug)]
struct Account {
    name: String,
    uid: u32,
    gid: u32,
    home: PathBuf,
}

fn account(name: &str) -> Option<Account> {
    uzers::get_user_by_name(name).map(|u| Account {
        name: name.to_string(),
        uid: u.uid(),
        gid: u.primary_group_id(),
        home: u.home_dir().to_path_buf(),
    })
}

fn group_gid(name: &str) -> Option<u32> {
    uzers::get_group_by_name(name).map(|g| g.gid())
}

/// "name (uid N)", or "uid N".
pub(crate) fn who(uid: u32) -> String {
    match uzers::get_user_by_uid(uid) {
        Some(u) => format!("{} (uid {uid})", u.name().to_string_lossy()),
        None => format!("uid {uid}"),
    }
}

/// The effective uid of a process, from `/proc/PID/status`; `None` when it cannot be read
/// (the process is gone, or `/proc` hides other accounts' processes).
pub(crate) fn process_uid(pid: u32) -> Option<u32> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("Uid:"))?;
    line.split_whitespace().nth(2)?.parse().ok()
}

pub(crate) use net::server::paths::service_unit as unit_instance;

/// A word for a shell: quoted when it holds anything but plain characters.
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-@:=+,".contains(&b))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

fn not_root(lang: Lang) -> String {
    say!(
        lang,
        "setup-shared phải chạy bằng quyền root (nó tạo nhóm và tài khoản dịch vụ, và giao mọi tệp của kho cho tài khoản đó). Hãy chạy: sudo thamdinh setup-shared THƯ_MỤC --group NHÓM --service-user TÀI_KHOẢN",
        "setup-shared must run as root (it creates the group and the service account, and hands every file of the store to that account). Run: sudo thamdinh setup-shared DIR --group GROUP --service-user USER",
    )
}

pub fn run(store: Option<PathBuf>, lang: Lang, a: Args) -> anyhow::Result<ExitCode> {
    if !rustix::process::geteuid().is_root() {
        bail!(not_root(lang));
    }
    if let Some(s) = &store
        && s != &a.dir
    {
        let (s, d) = (s.display(), a.dir.display());
        bail!(say!(
            lang,
            "--store {s} và THƯ_MỤC {d} khác nhau: setup-shared chỉ dùng THƯ_MỤC; hãy bỏ --store.",
            "--store {s} and DIR {d} differ: setup-shared only uses DIR; leave out --store.",
        ));
    }
    check_names(&a, lang)?;
    let dir = clean_path(&a.dir, lang)?;
    let d = dir.display().to_string();

    // 1. Check everything before changing anything.
    let service = account(&a.service_user);
    let mut refusals = check_path(&dir, service.as_ref(), Some(&a.group), a.install_unit, lang);
    if let Some(s) = &service
        && s.uid == 0
    {
        let n = &s.name;
        refusals.push(say!(
            lang,
            "{n} là tài khoản root: kho phải thuộc một tài khoản dịch vụ riêng. Hãy chọn tên khác cho --service-user (ví dụ thamdinh).",
            "{n} is the root account: the store must belong to a dedicated service account. Choose another --service-user (e.g. thamdinh).",
        ));
    }
    let lead = a
        .lead
        .as_ref()
        .map(|name| check_lead(name, service.as_ref(), lang, &mut refusals));
    let unit = if a.install_unit {
        match plan_unit(&a.unit_dir, &a.service_user, lang) {
            Ok(plan) => Some(plan),
            Err(why) => {
                refusals.extend(why);
                None
            }
        }
    } else {
        None
    };
    let state = inspect_dir(&dir, lang, &mut refusals)?;
    let mut serving = Serving::Nobody;
    let mut guard = None;
    if state == DirState::Store {
        match who_serves(&dir, service.as_ref(), lang)? {
            Ok((s, g)) => {
                serving = s;
                guard = g;
            }
            Err(why) => refusals.push(why),
        }
    }
    if state == DirState::Store {
        let target = Target {
            uid: service.as_ref().map_or(u32::MAX, |s| s.uid),
            gid: group_gid(&a.group).unwrap_or(u32::MAX),
            serving: serving.is_service(),
        };
        let scan = fix_store(&dir, &target, false, lang)?;
        refusals.extend(scan.refusals);
    }
    if !refusals.is_empty() {
        let mut msg = say!(
            lang,
            "không thay đổi gì ở {d}:",
            "nothing was changed in {d}:"
        );
        for r in &refusals {
            msg.push_str("\n  - ");
            msg.push_str(r);
        }
        bail!(msg);
    }
    println!("{}", say!(lang, "Kho dùng chung {d}:", "Shared store {d}:"));
    if let Serving::Service { pid } = serving {
        let u = &a.service_user;
        already(say!(
            lang,
            "máy chủ của {u} (tiến trình {pid}) đang phục vụ kho: để nguyên nó, cùng socket và server.pid của nó",
            "the server of {u} (process {pid}) is serving the store: left running, with its socket and server.pid",
        ));
    }

    // 2. The group and the service account.
    let gid = ensure_group(&a.group, lang)?;
    let service = ensure_service_user(&a.service_user, lang)?;

    // 3. The folder and the store in it.
    if state == DirState::Missing {
        // Missing folders on the way: root's, 0755 (whatever the umask), so that the service
        // account and the members can pass through.
        let mut missing: Vec<&Path> = dir
            .ancestors()
            .skip(1)
            .take_while(|p| std::fs::symlink_metadata(p).is_err())
            .collect();
        missing.reverse();
        for p in missing {
            std::fs::DirBuilder::new()
                .mode(0o755)
                .create(p)
                .and_then(|()| std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)))
                .with_context(|| p.display().to_string())?;
            let ps = p.display();
            done(say!(
                lang,
                "đã tạo thư mục {ps} (root, 0755)",
                "created the folder {ps} (root, 0755)"
            ));
        }
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(&dir)
            .with_context(|| d.clone())?;
        done(say!(lang, "đã tạo thư mục {d}", "created the folder {d}"));
    }
    if state != DirState::Store {
        // Root's while the empty store is made in it; handed over below.
        let fd = open_dir(&dir).with_context(|| d.clone())?;
        rustix::fs::fchown(&fd, Some(Uid::ROOT), Some(Gid::ROOT)).with_context(|| d.clone())?;
        rustix::fs::fchmod(&fd, Mode::from_raw_mode(0o700)).with_context(|| d.clone())?;
        drop(Store::create(&dir).map_err(|e| anyhow!(e.message(lang)))?);
        done(say!(
            lang,
            "đã tạo một kho trống (chưa có năm đánh giá, chưa có thành viên)",
            "created an empty store (no assessment year, no members yet)",
        ));
        if let LockProbe::Free(g) = Store::probe_lock(&dir) {
            guard = Some(g);
        }
    }
    let target = Target {
        uid: service.uid,
        gid,
        serving: serving.is_service(),
    };
    let fixed = fix_store(&dir, &target, true, lang)?;
    report_fix(&fixed, &service.name, &a.group, lang);
    let check = fix_store(&dir, &target, false, lang)?;
    if !check.changes.is_empty() || !check.refusals.is_empty() {
        let left: Vec<String> = check.changes.into_iter().chain(check.refusals).collect();
        bail!(
            "{}\n  - {}",
            say!(
                lang,
                "sau khi sửa, kho {d} vẫn chưa đúng:",
                "after the fix, store {d} is still not right:"
            ),
            left.join("\n  - ")
        );
    }
    // Members cannot start a server in a folder they cannot write: the service does.
    drop(guard);

    // 4. The systemd unit.
    let instance = unit_instance(&dir);
    if let Some(plan) = &unit {
        install_unit(&a.unit_dir, plan, &service.name, &instance, lang)?;
    }

    // 5. The first lead.
    if let (Some(lead), Some(year)) = (lead.flatten(), a.year) {
        first_lead(
            &dir,
            &service,
            gid,
            &a.group,
            &lead,
            year,
            (a.framework.as_deref(), a.units.as_deref()),
            &serving,
            lang,
        )?;
    }

    next_steps(&dir, &a, &instance, lang);
    Ok(ExitCode::SUCCESS)
}

fn done(what: String) {
    println!("  ✓ {what}");
}

fn already(what: String) {
    println!("  · {what}");
}

/// Group, user and lead names as `useradd` allows them (nothing else reaches a command line).
fn check_names(a: &Args, lang: Lang) -> anyhow::Result<()> {
    let names = [Some(&a.group), Some(&a.service_user), a.lead.as_ref()];
    for name in names.into_iter().flatten() {
        if !is_user_name(name) {
            let n = text::one_line(name);
            bail!(say!(
                lang,
                "\"{n}\" không phải là tên tài khoản hoặc nhóm hợp lệ: chỉ dùng chữ cái ASCII, chữ số, '.', '_', '-', không bắt đầu bằng '-'.",
                "\"{n}\" is not a valid account or group name: use ASCII letters, digits, '.', '_', '-', not starting with '-'.",
            ));
        }
    }
    if a.group == a.service_user {
        let g = &a.group;
        bail!(say!(
            lang,
            "nhóm thành viên và tài khoản dịch vụ cùng tên \"{g}\": hãy đặt tên khác nhau (ví dụ --group thamdinh-members --service-user thamdinh).",
            "the members' group and the service account are both called \"{g}\": give them different names (e.g. --group thamdinh-members --service-user thamdinh).",
        ));
    }
    Ok(())
}

/// DIR as an absolute path without `.` or `..`.
fn clean_path(dir: &Path, lang: Lang) -> anyhow::Result<PathBuf> {
    let abs = std::path::absolute(dir).with_context(|| dir.display().to_string())?;
    if abs.components().any(|c| c == Component::ParentDir) {
        let d = dir.display();
        bail!(say!(
            lang,
            "{d}: hãy dùng đường dẫn không có \"..\".",
            "{d}: use a path without \"..\".",
        ));
    }
    let clean: PathBuf = abs.components().collect();
    if clean.parent().is_none() {
        bail!(say!(
            lang,
            "không thể dùng / làm thư mục kho.",
            "/ cannot be a store folder."
        ));
    }
    Ok(clean)
}

/// Under these, the service cannot see the store (ProtectHome=yes, PrivateTmp=yes).
const HIDDEN_FROM_SERVICE: [&str; 5] = ["/home", "/root", "/run/user", "/tmp", "/var/tmp"];

/// What is wrong with the folders leading to DIR (refusals, in `lang`).
fn check_path(
    dir: &Path,
    service: Option<&Account>,
    group: Option<&str>,
    unit: bool,
    lang: Lang,
) -> Vec<String> {
    let mut out = Vec::new();
    let d = dir.display().to_string();
    if unit {
        if let Some(h) = HIDDEN_FROM_SERVICE.iter().find(|h| dir.starts_with(h)) {
            out.push(say!(
                lang,
                "{d} nằm trong {h}, nơi dịch vụ systemd không thấy (ProtectHome/PrivateTmp): hãy đặt kho ở nơi khác, ví dụ /srv/thamdinh/2024.",
                "{d} is under {h}, which the systemd service cannot see (ProtectHome/PrivateTmp): put the store elsewhere, e.g. /srv/thamdinh/2024.",
            ));
        }
        let plain = dir.to_str().is_some_and(|s| {
            s.chars()
                .all(|c| !c.is_whitespace() && !c.is_control() && c != '%' && c != '\\')
        });
        if !plain {
            out.push(say!(
                lang,
                "đường dẫn {d} có khoảng trắng hoặc ký tự đặc biệt, không ghi được vào unit systemd: hãy chọn đường dẫn đơn giản hơn.",
                "the path {d} holds spaces or special characters that a systemd unit cannot carry: choose a plainer path.",
            ));
        }
    }
    let service_uid = service.map(|s| s.uid);
    let mut at = PathBuf::from("/");
    let parents: Vec<Component> = dir
        .parent()
        .map_or_else(Vec::new, |p| p.components().collect());
    for c in parents {
        if c != Component::RootDir {
            at.push(c);
        }
        let p = at.display().to_string();
        let meta = match std::fs::symlink_metadata(&at) {
            Ok(m) => m,
            // Created by setup-shared, root's and 0755.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => break,
            Err(e) => {
                out.push(format!("{p}: {e}"));
                break;
            }
        };
        if meta.file_type().is_symlink() {
            let real = std::fs::canonicalize(&at)
                .map(|r| r.join(dir.strip_prefix(&at).unwrap_or(Path::new(""))))
                .map(|r| r.display().to_string())
                .unwrap_or_else(|_| "?".into());
            out.push(say!(
                lang,
                "{p} là một liên kết tượng trưng: hãy dùng đường dẫn thật của kho ({real}).",
                "{p} is a symbolic link: use the store's real path ({real}).",
            ));
            break;
        }
        if !meta.is_dir() {
            out.push(say!(
                lang,
                "{p} không phải là thư mục.",
                "{p} is not a folder."
            ));
            break;
        }
        let owner = meta.uid();
        if owner != 0 && Some(owner) != service_uid {
            let o = who(owner);
            out.push(say!(
                lang,
                "{p} thuộc tài khoản {o}, người đó có thể đổi tên hoặc thay thư mục kho. Hãy giao nó cho root (sudo chown root: {p}) hoặc đặt kho ở nơi khác.",
                "{p} belongs to {o}, who could rename or replace the store folder. Give it to root (sudo chown root: {p}) or put the store elsewhere.",
            ));
        }
        let mode = meta.mode() & 0o7777;
        let enters = |uid: Option<u32>, gids: &[u32]| {
            if uid == Some(owner) {
                mode & 0o100 != 0
            } else if gids.contains(&meta.gid()) {
                mode & 0o010 != 0
            } else {
                mode & 0o001 != 0
            }
        };
        let service_groups = service.map(groups_of).unwrap_or_default();
        let group_gid = group.and_then(group_gid);
        let members_groups: Vec<u32> = group_gid.into_iter().collect();
        if !enters(service_uid, &service_groups) || !enters(None, &members_groups) {
            out.push(say!(
                lang,
                "{p} (quyền {mode:04o}) không cho tài khoản dịch vụ hoặc các thành viên đi qua, nên họ không tới được kho: hãy cho phép (sudo chmod o+x {p}) hoặc đặt kho ở nơi khác.",
                "{p} (mode {mode:04o}) does not let the service account or the members pass through, so they could not reach the store: allow it (sudo chmod o+x {p}) or put the store elsewhere.",
            ));
        }
        if mode & 0o022 != 0 && mode & 0o1000 == 0 {
            out.push(say!(
                lang,
                "{p} cho phép nhóm hoặc mọi người ghi (quyền {mode:04o}) mà không có bit sticky: họ có thể đổi tên hoặc thay thư mục kho. Hãy bỏ quyền ghi (sudo chmod go-w {p}) hoặc đặt kho ở nơi khác.",
                "{p} can be written by its group or by everyone (mode {mode:04o}) without the sticky bit: they could rename or replace the store folder. Remove their write access (sudo chmod go-w {p}) or put the store elsewhere.",
            ));
        }
    }
    out
}

/// What DIR holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DirState {
    Missing,
    Empty,
    Store,
}

/// Names a store folder holds: the store's and its server's files. Anything else means DIR is
/// not only a store, and nothing in it is handed over.
fn is_store_entry(name: &[u8]) -> bool {
    matches!(
        name,
        b"journal"
            | b"sled"
            | b"store.lock"
            | b"server.log"
            | b"server.log.1"
            | b"server.pid"
            | b"thamdinh.sock"
            | b"journal.migrating"
            | b".restoring"
    ) || name.starts_with(b".server.pid.")
        || name.starts_with(b"sled.damaged-")
        || name.starts_with(b"sled.layout2-")
}

fn inspect_dir(dir: &Path, lang: Lang, refusals: &mut Vec<String>) -> anyhow::Result<DirState> {
    let d = dir.display().to_string();
    let meta = match std::fs::symlink_metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(DirState::Missing),
        Err(e) => bail!("{d}: {e}"),
    };
    if meta.file_type().is_symlink() {
        refusals.push(say!(
            lang,
            "{d} là một liên kết tượng trưng: hãy dùng đường dẫn thật của thư mục (readlink -f {d}).",
            "{d} is a symbolic link: use the folder's real path (readlink -f {d}).",
        ));
        return Ok(DirState::Missing);
    }
    if !meta.is_dir() {
        refusals.push(say!(
            lang,
            "{d} đã có nhưng không phải là thư mục.",
            "{d} exists and is not a folder."
        ));
        return Ok(DirState::Missing);
    }
    let mut names: Vec<Vec<u8>> = std::fs::read_dir(dir)
        .with_context(|| d.clone())?
        .filter_map(Result::ok)
        .map(|e| e.file_name().as_bytes().to_vec())
        .collect();
    names.sort();
    let is_store = Store::exists(dir);
    let foreign: Vec<String> = names
        .iter()
        .filter(|n| !is_store || !is_store_entry(n))
        .take(5)
        .map(|n| text::one_line(&String::from_utf8_lossy(n)).into_owned())
        .collect();
    if !foreign.is_empty() {
        let list = foreign.join(", ");
        refusals.push(if is_store {
            say!(
                lang,
                "{d} có những mục không thuộc kho ({list}): setup-shared giao mọi thứ trong thư mục cho tài khoản dịch vụ, nên hãy chuyển chúng đi nơi khác trước.",
                "{d} holds entries that are not part of a store ({list}): setup-shared hands everything in the folder to the service account, so move them elsewhere first.",
            )
        } else {
            say!(
                lang,
                "{d} không trống và không chứa kho nào ({list}): hãy chọn một thư mục mới hoặc trống.",
                "{d} is not empty and holds no store ({list}): choose a new or empty folder.",
            )
        });
    }
    Ok(if is_store {
        DirState::Store
    } else {
        DirState::Empty
    })
}

/// Who has the store open.
#[derive(Debug)]
enum Serving {
    Nobody,
    /// A server of the service account (setup-shared was run before): left running, its socket
    /// and pid file untouched.
    Service {
        pid: u32,
    },
}

impl Serving {
    fn is_service(&self) -> bool {
        matches!(self, Serving::Service { .. })
    }
}

/// Whether some process has the store open: nobody (the lock is kept while the store is
/// fixed), the service account's server, or another process (a refusal, with how to stop it).
#[allow(clippy::type_complexity)]
fn who_serves(
    dir: &Path,
    service: Option<&Account>,
    lang: Lang,
) -> anyhow::Result<Result<(Serving, Option<std::fs::File>), String>> {
    let d = dir.display().to_string();
    // Trying the lock creates the lock file when there is none: then nothing can hold it.
    if !dir.join("store.lock").exists() && dir.join("journal").exists() {
        return Ok(Ok((Serving::Nobody, None)));
    }
    match Store::probe_lock(dir) {
        LockProbe::Free(guard) => Ok(Ok((Serving::Nobody, Some(guard)))),
        LockProbe::Unknown(e) => bail!("{d}/store.lock: {e}"),
        LockProbe::Held => {
            let pid = paths::read_pid(dir)
                .filter(|p| paths::process_alive(*p))
                .or_else(|| paths::lock_holder(dir).map(|h| h.pid));
            let uid = pid.and_then(process_uid);
            if let (Some(pid), Some(uid), Some(s)) = (pid, uid, service)
                && uid == s.uid
            {
                return Ok(Ok((Serving::Service { pid }, None)));
            }
            let by = match (pid, uid) {
                (Some(pid), Some(uid)) => {
                    let w = who(uid);
                    say!(lang, "tiến trình {pid} của {w}", "process {pid} of {w}")
                }
                (Some(pid), None) => say!(lang, "tiến trình {pid}", "process {pid}"),
                _ => say!(lang, "một tiến trình khác", "another process"),
            };
            let k = pid.map_or_else(|| "kill PID".to_string(), |p| format!("kill {p}"));
            Ok(Err(say!(
                lang,
                "kho {d} đang được {by} mở: hãy dừng nó trước ({k}, hoặc systemctl stop nếu là một dịch vụ) rồi chạy lại setup-shared.",
                "store {d} is open in {by}: stop it first ({k}, or systemctl stop if it is a service), then run setup-shared again.",
            )))
        }
    }
}

/// The lead named by `--lead`: an existing account, not root, not the service account.
/// `None` inside: refused (the reason is added to `refusals`).
fn check_lead(
    name: &str,
    service: Option<&Account>,
    lang: Lang,
    refusals: &mut Vec<String>,
) -> Option<Account> {
    let Some(lead) = account(name) else {
        refusals.push(say!(
            lang,
            "không có tài khoản {name} trên máy này: --lead là tài khoản hệ điều hành của trưởng nhóm.",
            "there is no account {name} on this machine: --lead is the lead's OS account.",
        ));
        return None;
    };
    if lead.uid == 0 || service.is_some_and(|s| s.uid == lead.uid) {
        refusals.push(say!(
            lang,
            "{name} không thể là trưởng nhóm: hãy dùng tài khoản của một người (không phải root hay tài khoản dịch vụ).",
            "{name} cannot be the lead: use a person's account (not root or the service account).",
        ));
        return None;
    }
    Some(lead)
}

/// Run a system tool; its error output becomes the error.
fn run_tool(cmd: &mut Command, lang: Lang) -> anyhow::Result<()> {
    let shown = format!("{cmd:?}").replace('"', "");
    let out = cmd.output().map_err(|e| {
        anyhow!(say!(
            lang,
            "không chạy được {shown}: {e}",
            "cannot run {shown}: {e}"
        ))
    })?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr).trim().to_string();
        bail!(say!(
            lang,
            "{shown} thất bại: {err}",
            "{shown} failed: {err}"
        ));
    }
    Ok(())
}

fn ensure_group(name: &str, lang: Lang) -> anyhow::Result<u32> {
    if let Some(gid) = group_gid(name) {
        already(say!(
            lang,
            "nhóm {name} đã có (gid {gid})",
            "the group {name} exists (gid {gid})"
        ));
        return Ok(gid);
    }
    run_tool(Command::new("groupadd").arg(name), lang)?;
    let gid = group_gid(name).ok_or_else(|| anyhow!("groupadd {name}: ?"))?;
    done(say!(
        lang,
        "đã tạo nhóm {name} (gid {gid})",
        "created the group {name} (gid {gid})"
    ));
    Ok(gid)
}

fn ensure_service_user(name: &str, lang: Lang) -> anyhow::Result<Account> {
    if let Some(a) = account(name) {
        let uid = a.uid;
        already(say!(
            lang,
            "tài khoản dịch vụ {name} đã có (uid {uid})",
            "the service account {name} exists (uid {uid})"
        ));
        let shell = uzers::get_user_by_uid(uid)
            .map(|u| u.shell().to_path_buf())
            .unwrap_or_default();
        if !NOLOGIN.iter().any(|s| shell == Path::new(s)) {
            let sh = shell.display();
            println!(
                "    {}",
                say!(
                    lang,
                    "lưu ý: {name} có shell đăng nhập {sh}; tài khoản dịch vụ không cần đăng nhập (sudo usermod -s /usr/sbin/nologin {name}).",
                    "note: {name} has the login shell {sh}; a service account needs no login (sudo usermod -s /usr/sbin/nologin {name}).",
                )
            );
        }
        return Ok(a);
    }
    let shell = NOLOGIN
        .iter()
        .find(|s| Path::new(s).exists())
        .unwrap_or(&NOLOGIN[0]);
    run_tool(
        Command::new("useradd").args(["--system", "--no-create-home", "--shell", shell, name]),
        lang,
    )?;
    let a = account(name).ok_or_else(|| anyhow!("useradd {name}: ?"))?;
    let uid = a.uid;
    done(say!(
        lang,
        "đã tạo tài khoản dịch vụ {name} (uid {uid}, hệ thống, không shell đăng nhập, không thư mục nhà)",
        "created the service account {name} (uid {uid}, system, no login shell, no home)",
    ));
    Ok(a)
}

/// Who the store's files must belong to.
struct Target {
    uid: u32,
    gid: u32,
    /// The service's server is running: its socket and pid file are left alone.
    serving: bool,
}

/// What a pass over the store found or did.
#[derive(Default, Debug)]
struct Pass {
    /// Entries examined (DIR included).
    entries: usize,
    /// Owner or mode changes (made, or to be made when not applying), one line each.
    changes: Vec<String>,
    /// Stale server files removed (or to be removed).
    removed: Vec<String>,
    /// What stops setup-shared.
    refusals: Vec<String>,
}

fn open_dir(dir: &Path) -> rustix::io::Result<OwnedFd> {
    rustix::fs::open(
        dir,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )
}

/// The mode `name` must have at `depth` (1 = directly in DIR).
fn wanted_mode(kind: FileType, depth: usize, name: &[u8]) -> u32 {
    match kind {
        FileType::Directory => 0o700,
        _ if depth == 1 && name == b"server.pid" => 0o644,
        _ => 0o600,
    }
}

/// Check (`apply` false) or fix (`apply` true) who owns the store and its modes. Every change
/// goes through a descriptor opened without following links.
fn fix_store(dir: &Path, t: &Target, apply: bool, lang: Lang) -> anyhow::Result<Pass> {
    let d = dir.display().to_string();
    let mut pass = Pass::default();
    let fd = open_dir(dir).with_context(|| d.clone())?;
    let st = rustix::fs::fstat(&fd).with_context(|| d.clone())?;
    pass.entries += 1;
    let mode = st.st_mode & 0o7777;
    let right = st.st_uid == t.uid && st.st_gid == t.gid && mode == 0o2750;
    if !right {
        let (u, g) = (st.st_uid, st.st_gid);
        pass.changes.push(format!(
            "{d}: {u}:{g} {mode:04o} → {}:{} 2750",
            t.uid, t.gid
        ));
    }
    if apply && !right {
        // The service account's alone while its files are handed over: nobody else can add
        // an entry meanwhile (a group-writable store of the old layout).
        rustix::fs::fchown(&fd, Some(Uid::from_raw(t.uid)), Some(Gid::from_raw(t.gid)))
            .with_context(|| d.clone())?;
        rustix::fs::fchmod(&fd, Mode::from_raw_mode(0o700)).with_context(|| d.clone())?;
    }
    walk(&fd, dir, 1, st.st_dev, t, apply, lang, &mut pass)?;
    if apply && !right {
        rustix::fs::fchmod(&fd, Mode::from_raw_mode(0o2750)).with_context(|| d.clone())?;
    }
    Ok(pass)
}

#[allow(clippy::too_many_arguments)]
fn walk(
    dirfd: &OwnedFd,
    path: &Path,
    depth: usize,
    dev: u64,
    t: &Target,
    apply: bool,
    lang: Lang,
    pass: &mut Pass,
) -> anyhow::Result<()> {
    let here = path.display().to_string();
    let mut names: Vec<CString> = Vec::new();
    for entry in rustix::fs::Dir::read_from(dirfd).with_context(|| here.clone())? {
        let entry = entry.with_context(|| here.clone())?;
        let name = entry.file_name();
        if name != c"." && name != c".." {
            names.push(name.to_owned());
        }
    }
    names.sort();
    for name in names {
        let bytes = name.to_bytes();
        let p = path.join(OsStr::from_bytes(bytes));
        let ps = p.display().to_string();
        let st = match rustix::fs::statat(dirfd, name.as_c_str(), AtFlags::SYMLINK_NOFOLLOW) {
            Ok(s) => s,
            Err(Errno::NOENT) => continue,
            Err(e) => return Err(anyhow!(e)).context(ps),
        };
        pass.entries += 1;
        let kind = FileType::from_raw_mode(st.st_mode);
        let top = depth == 1;
        let stale_server_file = top
            && !t.serving
            && (bytes == b"thamdinh.sock"
                || bytes == b"server.pid"
                || bytes.starts_with(b".server.pid."));
        match kind {
            FileType::Symlink => pass.refusals.push(say!(
                lang,
                "{ps} là một liên kết tượng trưng: một kho không có liên kết nào. Hãy xóa nó (sudo rm {ps}) rồi chạy lại.",
                "{ps} is a symbolic link: a store holds none. Remove it (sudo rm {ps}) and run again.",
            )),
            FileType::Socket | FileType::RegularFile if stale_server_file => {
                if apply {
                    rustix::fs::unlinkat(dirfd, name.as_c_str(), AtFlags::empty())
                        .with_context(|| ps.clone())?;
                }
                pass.removed.push(ps);
            }
            FileType::Socket if top && bytes == b"thamdinh.sock" => {
                // The running server's socket: its own business (0660, the folder's group).
            }
            _ if st.st_dev != dev => pass.refusals.push(say!(
                lang,
                "{ps} nằm trên một hệ thống tệp khác (một điểm gắn kết trong kho): hãy gỡ nó ra rồi chạy lại.",
                "{ps} is on another file system (a mount inside the store): unmount it and run again.",
            )),
            FileType::RegularFile if st.st_nlink > 1 => pass.refusals.push(say!(
                lang,
                "{ps} còn có tên khác ở nơi khác (một liên kết cứng): đổi chủ nó sẽ đổi chủ cả tệp kia. Hãy xóa liên kết (sudo rm {ps}) hoặc thay bằng một bản sao.",
                "{ps} has another name elsewhere (a hard link): changing its owner would change the other file's too. Remove the link (sudo rm {ps}) or replace it with a copy.",
            )),
            FileType::RegularFile | FileType::Directory => {
                if kind == FileType::Directory && depth >= MAX_DEPTH {
                    pass.refusals.push(say!(
                        lang,
                        "{ps} nằm quá sâu cho một kho: hãy kiểm tra thư mục này.",
                        "{ps} is too deep for a store: look at this folder.",
                    ));
                    continue;
                }
                let flags = if kind == FileType::Directory {
                    OFlags::RDONLY | OFlags::DIRECTORY
                } else {
                    OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY
                };
                let fd = rustix::fs::openat(
                    dirfd,
                    name.as_c_str(),
                    flags | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                    Mode::empty(),
                )
                .with_context(|| ps.clone())?;
                let now = rustix::fs::fstat(&fd).with_context(|| ps.clone())?;
                if now.st_ino != st.st_ino || now.st_dev != st.st_dev {
                    pass.refusals.push(say!(
                        lang,
                        "{ps} đã bị thay đổi trong lúc kiểm tra: hãy chạy lại.",
                        "{ps} changed while it was being checked: run again.",
                    ));
                    continue;
                }
                let want = wanted_mode(kind, depth, bytes);
                let mode = now.st_mode & 0o7777;
                if now.st_uid != t.uid || now.st_gid != t.gid || mode != want {
                    let (u, g) = (now.st_uid, now.st_gid);
                    pass.changes
                        .push(format!("{ps}: {u}:{g} {mode:04o} → {}:{} {want:04o}", t.uid, t.gid));
                    if apply {
                        rustix::fs::fchown(
                            &fd,
                            Some(Uid::from_raw(t.uid)),
                            Some(Gid::from_raw(t.gid)),
                        )
                        .with_context(|| ps.clone())?;
                        rustix::fs::fchmod(&fd, Mode::from_raw_mode(want))
                            .with_context(|| ps.clone())?;
                    }
                }
                if kind == FileType::Directory {
                    walk(&fd, &p, depth + 1, dev, t, apply, lang, pass)?;
                }
            }
            _ => pass.refusals.push(say!(
                lang,
                "{ps} là một tệp đặc biệt (thiết bị, FIFO hoặc socket) không thuộc kho: hãy xóa nó rồi chạy lại.",
                "{ps} is a special file (device, FIFO or socket) that is not part of a store: remove it and run again.",
            )),
        }
    }
    Ok(())
}

fn report_fix(pass: &Pass, user: &str, group: &str, lang: Lang) {
    const SHOWN: usize = 8;
    let n = pass.entries;
    if pass.changes.is_empty() {
        already(say!(
            lang,
            "cả {n} mục của kho đã thuộc {user}:{group} với đúng quyền (thư mục kho 2750, thư mục 0700, tệp 0600)",
            "all {n} entries of the store already belong to {user}:{group} with the right modes (store folder 2750, folders 0700, files 0600)",
        ));
    } else {
        let c = pass.changes.len();
        done(say!(
            lang,
            "đã giao {c}/{n} mục cho {user}:{group} và đặt quyền (thư mục kho 2750, thư mục 0700, tệp 0600):",
            "handed {c}/{n} entries to {user}:{group} and set their modes (store folder 2750, folders 0700, files 0600):",
        ));
        for line in pass.changes.iter().take(SHOWN) {
            println!("      {line}");
        }
        if c > SHOWN {
            let more = c - SHOWN;
            println!(
                "      {}",
                say!(lang, "… và {more} mục khác", "… and {more} more")
            );
        }
    }
    for r in &pass.removed {
        done(say!(
            lang,
            "đã xóa {r} (của một máy chủ không còn chạy)",
            "removed {r} (left by a server that no longer runs)"
        ));
    }
}

/// The unit file with the service account and this program filled in.
fn unit_text(user: &str, exe: &Path) -> String {
    UNIT_TEMPLATE
        .replace("@USER@", user)
        .replace("@THAMDINH@", &exe.display().to_string())
}

/// The `User=` line of an installed unit.
fn unit_user(text: &str) -> Option<&str> {
    text.lines()
        .find_map(|l| l.trim().strip_prefix("User="))
        .map(str::trim)
}

/// Refusals for running `exe` from a unit: hidden by the hardening, or replaceable by another
/// account than root.
fn check_program(exe: &Path, lang: Lang) -> Vec<String> {
    let mut out = Vec::new();
    let e = exe.display().to_string();
    let install = say!(
        lang,
        "hãy cài chương trình vào chỗ của root rồi chạy lại từ đó: sudo install -m 0755 {e} /usr/local/bin/thamdinh && sudo /usr/local/bin/thamdinh setup-shared …",
        "install the program where only root writes and run it from there: sudo install -m 0755 {e} /usr/local/bin/thamdinh && sudo /usr/local/bin/thamdinh setup-shared …",
    );
    if HIDDEN_FROM_SERVICE.iter().any(|h| exe.starts_with(h)) {
        out.push(say!(
            lang,
            "dịch vụ không thấy chương trình {e} (ProtectHome/PrivateTmp): {install}",
            "the service cannot see the program {e} (ProtectHome/PrivateTmp): {install}",
        ));
    }
    let plain = exe.to_str().is_some_and(|s| {
        s.chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && c != '%' && c != '\\')
    });
    if !plain {
        out.push(say!(
            lang,
            "đường dẫn chương trình {e} có ký tự mà unit systemd không mang được: {install}",
            "the program's path {e} holds characters a systemd unit cannot carry: {install}",
        ));
    }
    for p in exe.ancestors() {
        let Ok(m) = std::fs::symlink_metadata(p) else {
            continue;
        };
        if m.uid() != 0 || (m.mode() & 0o022 != 0 && m.mode() & 0o1000 == 0) {
            let ps = p.display();
            out.push(say!(
                lang,
                "{ps} không phải chỉ root ghi được, nên một tài khoản khác có thể thay chương trình mà dịch vụ chạy: {install}",
                "{ps} is not writable by root alone, so another account could replace the program the service runs: {install}",
            ));
            break;
        }
    }
    out
}

/// The unit to install: where, its text, the program it runs, and whether the file already
/// holds exactly this.
struct UnitPlan {
    path: PathBuf,
    text: String,
    exe: PathBuf,
    current: bool,
}

/// What installing the unit would do, or why it cannot be (checked before anything changes).
fn plan_unit(unit_dir: &Path, user: &str, lang: Lang) -> Result<UnitPlan, Vec<String>> {
    let exe = std::env::current_exe()
        .and_then(std::fs::canonicalize)
        .map_err(|e| vec![format!("current_exe: {e}")])?;
    let problems = check_program(&exe, lang);
    if !problems.is_empty() {
        return Err(problems);
    }
    let path = unit_dir.join(UNIT_FILE);
    let p = path.display().to_string();
    let text = unit_text(user, &exe);
    let current = match std::fs::read_to_string(&path) {
        Ok(old) if old == text => true,
        Ok(old) => {
            if let Some(other) = unit_user(&old)
                && other != user
            {
                return Err(vec![say!(
                    lang,
                    "{p} đã có và chạy máy chủ bằng tài khoản {other}, không phải {user}: mọi kho dùng chung trên máy này dùng một tài khoản dịch vụ. Hãy dùng --service-user {other}, hoặc tự viết unit riêng.",
                    "{p} exists and runs servers as {other}, not {user}: every shared store on this machine uses one service account. Use --service-user {other}, or write a unit of your own.",
                )]);
            }
            false
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
        Err(e) => return Err(vec![format!("{p}: {e}")]),
    };
    Ok(UnitPlan {
        path,
        text,
        exe,
        current,
    })
}

/// Write the unit (a new file renamed into place, 0644) unless it is already so.
fn install_unit(
    unit_dir: &Path,
    plan: &UnitPlan,
    user: &str,
    instance: &str,
    lang: Lang,
) -> anyhow::Result<()> {
    let p = plan.path.display().to_string();
    if plan.current {
        already(say!(
            lang,
            "unit {p} đã đúng; máy chủ của kho này là {instance}",
            "the unit {p} is up to date; this store's server is {instance}"
        ));
        return Ok(());
    }
    std::fs::create_dir_all(unit_dir).with_context(|| unit_dir.display().to_string())?;
    let tmp = unit_dir.join(format!(".{UNIT_FILE}.{}", std::process::id()));
    let written = (|| -> std::io::Result<()> {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&tmp)?;
        f.set_permissions(std::fs::Permissions::from_mode(0o644))?;
        f.write_all(plan.text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, &plan.path)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e).context(p);
    }
    let e = plan.exe.display();
    done(say!(
        lang,
        "đã ghi unit systemd {p} (chạy bằng tài khoản {user}, chương trình {e}); máy chủ của kho này là {instance}",
        "wrote the systemd unit {p} (runs as {user}, program {e}); this store's server is {instance}",
    ));
    reload_systemd(lang);
    Ok(())
}

/// `systemctl daemon-reload` when systemd runs this machine; said, not done, otherwise.
fn reload_systemd(lang: Lang) {
    let systemd_runs = Path::new("/run/systemd/system").is_dir();
    let has_systemctl = std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join("systemctl").is_file()));
    if !(systemd_runs && has_systemctl) {
        already(say!(
            lang,
            "systemd không chạy trên máy này: không gọi systemctl",
            "systemd does not run this machine: systemctl was not called"
        ));
        return;
    }
    match Command::new("systemctl").arg("daemon-reload").output() {
        Ok(o) if o.status.success() => done(say!(
            lang,
            "systemctl daemon-reload",
            "systemctl daemon-reload"
        )),
        Ok(o) => {
            let err = String::from_utf8_lossy(&o.stderr).trim().to_string();
            println!("  ! systemctl daemon-reload: {err}");
        }
        Err(e) => println!("  ! systemctl daemon-reload: {e}"),
    }
}

/// A command run as `who`: its groups, group and user set in the child before `exec`, with a
/// private umask and a plain environment.
fn as_account(cmd: &mut Command, who: &Account, groups: Vec<libc::gid_t>) {
    let (uid, gid) = (who.uid, who.gid);
    cmd.env_clear()
        .env(
            "PATH",
            "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        )
        .env("HOME", &who.home)
        .env("USER", &who.name)
        .env("LOGNAME", &who.name)
        .current_dir("/");
    // SAFETY: the closure runs in the child between fork and exec and only makes
    // async-signal-safe system calls (setgroups, setgid, setuid, umask) on memory allocated
    // before the fork.
    unsafe {
        cmd.pre_exec(move || {
            if libc::setgroups(groups.len(), groups.as_ptr()) != 0
                || libc::setgid(gid) != 0
                || libc::setuid(uid) != 0
            {
                return Err(std::io::Error::last_os_error());
            }
            libc::umask(0o077);
            Ok(())
        });
    }
}

/// The groups `who` is in, as the group database says now.
fn groups_of(who: &Account) -> Vec<u32> {
    uzers::get_user_groups(&who.name, who.gid)
        .map(|g| g.iter().map(|g| g.gid()).collect())
        .unwrap_or_else(|| vec![who.gid])
}

/// This program run as `who` on the store, its output captured.
fn thamdinh_as(
    who: &Account,
    groups: Vec<u32>,
    dir: &Path,
    lang: Lang,
    args: &[&OsStr],
) -> anyhow::Result<Output> {
    let exe = std::env::current_exe().context("current_exe")?;
    let mut cmd = Command::new(exe);
    cmd.arg("--lang")
        .arg(lang_code(lang))
        .arg("--store")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null());
    as_account(&mut cmd, who, groups);
    let n = &who.name;
    cmd.output().map_err(|e| {
        anyhow!(say!(
            lang,
            "không chạy được thamdinh bằng tài khoản {n}: {e}",
            "cannot run thamdinh as {n}: {e}"
        ))
    })
}

fn lang_code(lang: Lang) -> &'static str {
    lang.pick("vi", "en")
}

fn output_text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
    .trim()
    .to_string()
}

/// A server run as the service account for `--lead`, stopped (SIGTERM) when dropped.
struct TempServer {
    child: Child,
}

impl Drop for TempServer {
    fn drop(&mut self) {
        let pid = rustix::process::Pid::from_child(&self.child);
        let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
        let deadline = Instant::now() + SERVER_WAIT;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start the store's server as the service account and wait until members can connect.
fn start_server(dir: &Path, service: &Account, gid: u32, lang: Lang) -> anyhow::Result<TempServer> {
    let exe = std::env::current_exe().context("current_exe")?;
    let mut cmd = Command::new(exe);
    cmd.arg("--lang")
        .arg(lang_code(lang))
        .arg("--store")
        .arg(dir)
        // Stops by itself a minute after its last client, should setup-shared be killed.
        .args(["serve", "--idle-exit", "60"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let server_account = Account {
        gid,
        ..service.clone()
    };
    as_account(&mut cmd, &server_account, vec![gid]);
    let child = cmd.spawn().context("thamdinh serve")?;
    let mut server = TempServer { child };
    let pid = server.child.id();
    let sock = paths::socket_path(dir);
    let deadline = Instant::now() + SERVER_WAIT;
    loop {
        let ready = paths::read_pid(dir) == Some(pid)
            && std::fs::symlink_metadata(&sock)
                .is_ok_and(|m| m.file_type().is_socket() && m.mode() & 0o777 == 0o660);
        if ready {
            return Ok(server);
        }
        if let Ok(Some(status)) = server.child.try_wait() {
            let mut err = String::new();
            if let Some(mut e) = server.child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut e, &mut err);
            }
            let err = err.trim();
            let (d, n) = (dir.display(), &service.name);
            bail!(say!(
                lang,
                "máy chủ chạy bằng {n} cho kho {d} đã dừng ({status}): {err}",
                "the server run as {n} for store {d} stopped ({status}): {err}",
            ));
        }
        if Instant::now() >= deadline {
            let (d, s) = (dir.display(), SERVER_WAIT.as_secs());
            bail!(say!(
                lang,
                "máy chủ của kho {d} không sẵn sàng sau {s} giây; xem {d}/server.log",
                "the server of store {d} was not ready after {s} s; see {d}/server.log",
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `--lead NAME --year YEAR`: NAME in the group, then `thamdinh init` as NAME through a server
/// of the service account, unless NAME already leads the store.
#[allow(clippy::too_many_arguments)]
fn first_lead(
    dir: &Path,
    service: &Account,
    gid: u32,
    group: &str,
    lead: &Account,
    year: u16,
    files: (Option<&Path>, Option<&Path>),
    serving: &Serving,
    lang: Lang,
) -> anyhow::Result<()> {
    let n = &lead.name;
    let mut groups = groups_of(lead);
    if groups.contains(&gid) {
        already(say!(
            lang,
            "{n} đã ở trong nhóm {group}",
            "{n} is in the group {group}"
        ));
    } else {
        run_tool(Command::new("usermod").args(["-aG", group, n]), lang)?;
        done(say!(
            lang,
            "đã thêm {n} vào nhóm {group} (các phiên đang mở của {n} có nhóm này từ lần đăng nhập sau)",
            "added {n} to the group {group} ({n}'s open sessions get it at their next login)",
        ));
        groups = groups_of(lead);
        if !groups.contains(&gid) {
            groups.push(gid);
        }
    }
    let _server = match serving {
        Serving::Service { .. } => None,
        Serving::Nobody => Some(start_server(dir, service, gid, lang)?),
    };
    let list = thamdinh_as(
        lead,
        groups.clone(),
        dir,
        lang,
        &[OsStr::new("member"), OsStr::new("list")],
    )?;
    if !list.status.success() {
        let why = output_text(&list);
        bail!(say!(
            lang,
            "{n} không đọc được danh sách thành viên của kho: {why}",
            "{n} cannot read the store's member list: {why}",
        ));
    }
    let members: Vec<(String, String)> = String::from_utf8_lossy(&list.stdout)
        .lines()
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            Some((w.next()?.to_string(), w.next()?.to_string()))
        })
        .collect();
    if members.iter().any(|(u, r)| u == n && r == "lead") {
        already(say!(
            lang,
            "{n} đã là trưởng nhóm của kho",
            "{n} already leads the store"
        ));
        return Ok(());
    }
    if !members.is_empty() {
        let leads: Vec<&str> = members
            .iter()
            .filter(|(_, r)| r == "lead")
            .map(|(u, _)| u.as_str())
            .collect();
        let leads = leads.join(", ");
        let d = dir.display();
        bail!(say!(
            lang,
            "kho đã có thành viên (trưởng nhóm: {leads}), nên setup-shared không chọn trưởng nhóm nữa: một trưởng nhóm chạy `thamdinh --store {d} member add {n} --role lead`.",
            "the store already has members (leads: {leads}), so setup-shared does not choose its lead: a lead runs `thamdinh --store {d} member add {n} --role lead`.",
        ));
    }
    let year_s = year.to_string();
    let mut args: Vec<&OsStr> = vec![
        OsStr::new("init"),
        OsStr::new("--year"),
        OsStr::new(&year_s),
    ];
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (fw, us) = (files.0.map(abs), files.1.map(abs));
    if let Some(f) = &fw {
        args.push(OsStr::new("--framework"));
        args.push(f.as_os_str());
    }
    if let Some(u) = &us {
        args.push(OsStr::new("--units"));
        args.push(u.as_os_str());
    }
    let out = thamdinh_as(lead, groups, dir, lang, &args)?;
    let said = output_text(&out);
    if !out.status.success() {
        bail!(say!(
            lang,
            "thamdinh init chạy bằng {n} thất bại: {said}",
            "thamdinh init run as {n} failed: {said}",
        ));
    }
    done(say!(
        lang,
        "{n} đã mở năm {year} và là trưởng nhóm đầu tiên của kho:",
        "{n} opened {year} and is the store's first lead:",
    ));
    for line in said.lines() {
        println!("      {line}");
    }
    Ok(())
}

fn next_steps(dir: &Path, a: &Args, instance: &str, lang: Lang) {
    let d = shell_word(&dir.display().to_string());
    let unit = shell_word(instance);
    let (g, u) = (&a.group, &a.service_user);
    println!();
    println!("{}", lang.pick("Tiếp theo:", "Next:"));
    if a.install_unit {
        println!(
            "  {}",
            say!(
                lang,
                "Khởi động máy chủ (và mỗi lần máy khởi động): sudo systemctl enable --now {unit}",
                "Start the server (and at every boot): sudo systemctl enable --now {unit}",
            )
        );
    } else {
        println!(
            "  {}",
            say!(
                lang,
                "Cài unit systemd rồi khởi động máy chủ: chạy lại lệnh này với --install-unit, rồi sudo systemctl enable --now {unit}. Không có systemd: sudo -u {u} thamdinh --store {d} serve --idle-exit 0",
                "Install the systemd unit and start the server: run this command again with --install-unit, then sudo systemctl enable --now {unit}. Without systemd: sudo -u {u} thamdinh --store {d} serve --idle-exit 0",
            )
        );
    }
    if a.lead.is_none() {
        println!(
            "  {}",
            say!(
                lang,
                "Trưởng nhóm đầu tiên, nếu kho chưa có: sudo thamdinh setup-shared {d} --group {g} --service-user {u} --lead TÊN --year NĂM",
                "The first lead, if the store has none: sudo thamdinh setup-shared {d} --group {g} --service-user {u} --lead NAME --year YEAR",
            )
        );
    }
    println!(
        "  {}",
        say!(
            lang,
            "Thêm một thành viên: sudo usermod -aG {g} TÊN (người đó đăng nhập lại), rồi trưởng nhóm chạy: thamdinh --store {d} member add TÊN --role appraiser",
            "Add a member: sudo usermod -aG {g} NAME (they log in again), then a lead runs: thamdinh --store {d} member add NAME --role appraiser",
        )
    );
    println!(
        "  {}",
        say!(
            lang,
            "Bớt một thành viên: trưởng nhóm chạy thamdinh --store {d} member remove TÊN, rồi sudo gpasswd -d TÊN {g}",
            "Remove a member: a lead runs thamdinh --store {d} member remove NAME, then sudo gpasswd -d NAME {g}",
        )
    );
    println!(
        "  {}",
        say!(
            lang,
            "Kiểm tra: thamdinh --store {d} doctor",
            "Check: thamdinh --store {d} doctor"
        )
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unit_is_filled_in_and_names_its_user() {
        let text = unit_text("thamdinh", Path::new("/usr/local/bin/thamdinh"));
        assert!(text.contains("\nUser=thamdinh\n"));
        assert!(
            text.contains("\nExecStart=/usr/local/bin/thamdinh --store %f serve --idle-exit 0\n")
        );
        assert!(!text.contains("@USER@"));
        assert!(!text.contains("@THAMDINH@"));
        assert_eq!(unit_user(&text), Some("thamdinh"));
        assert!(!text.lines().any(|l| l.starts_with("PrivateUsers=")));
    }

    #[test]
    fn only_store_entries_are_taken_over() {
        for ok in [
            "journal",
            "sled",
            "store.lock",
            "server.log",
            "server.pid",
            ".server.pid.42.0",
            "thamdinh.sock",
            "sled.damaged-1700000000",
        ] {
            assert!(is_store_entry(ok.as_bytes()), "{ok}");
        }
        for no in ["etc", ".ssh", "notes.txt", "journal2"] {
            assert!(!is_store_entry(no.as_bytes()), "{no}");
        }
    }

    #[test]
    fn modes_by_place() {
        assert_eq!(wanted_mode(FileType::Directory, 1, b"journal"), 0o700);
        assert_eq!(wanted_mode(FileType::RegularFile, 1, b"server.pid"), 0o644);
        assert_eq!(wanted_mode(FileType::RegularFile, 2, b"server.pid"), 0o600);
        assert_eq!(wanted_mode(FileType::RegularFile, 1, b"store.lock"), 0o600);
    }

    #[test]
    fn shell_words_are_quoted_only_when_needed() {
        assert_eq!(shell_word("/srv/thamdinh/2024"), "/srv/thamdinh/2024");
        assert_eq!(
            shell_word("thamdinh@srv-par\\x2dindex.service"),
            "'thamdinh@srv-par\\x2dindex.service'"
        );
        assert_eq!(shell_word("it's"), "'it'\\''s'");
    }

    #[test]
    fn names_that_are_not_account_names_are_refused() {
        let a = Args {
            dir: PathBuf::from("/srv/x"),
            group: "par;rm".into(),
            service_user: "thamdinh".into(),
            install_unit: false,
            unit_dir: PathBuf::from("/etc/systemd/system"),
            lead: None,
            year: None,
            framework: None,
            units: None,
        };
        assert!(check_names(&a, Lang::En).is_err());
    }
}
