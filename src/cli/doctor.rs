//! `thamdinh doctor` (SPEC I7): what the program sees — terminal, colour level, SSH and
//! tmux/screen, keymap files and their problems, the store, its server and the user's role.
//! Exits with failure when something needs fixing (a bad keymap, an unreachable server).

use std::io::IsTerminal;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use unicode_width::UnicodeWidthStr;

use api::Workbench;
use l10n::Lang;
use net::client::{ClientError, ConnectOptions, RemoteWorkbench};
use net::server::paths;
use store::AccessProblem;
use tui::keymap::{check_file, user_file};

use super::open::store_dir;
use super::setup_shared::{process_uid, unit_instance, who};

/// How many colours the workbench will use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColourLevel {
    /// `NO_COLOR` or a dumb terminal: bold and reverse only.
    Monochrome,
    Basic16,
    Ansi256,
    TrueColor,
}

/// The colour level the environment asks for, and why. 256 colours unless told otherwise
/// (SPEC W12).
pub fn colour_level(env: &dyn Fn(&str) -> Option<String>, lang: Lang) -> (ColourLevel, String) {
    if let Some(v) = env("NO_COLOR").filter(|v| !v.is_empty()) {
        return (ColourLevel::Monochrome, format!("NO_COLOR={v}"));
    }
    let term = env("TERM").unwrap_or_default();
    if term.is_empty() || term == "dumb" {
        return (ColourLevel::Monochrome, format!("TERM={term}"));
    }
    if let Some(ct) = env("COLORTERM")
        && matches!(ct.to_ascii_lowercase().as_str(), "truecolor" | "24bit")
    {
        return (ColourLevel::TrueColor, format!("COLORTERM={ct}"));
    }
    if term.contains("256color") {
        return (ColourLevel::Ansi256, format!("TERM={term}"));
    }
    let base = term.split('-').next().unwrap_or_default();
    if matches!(
        base,
        "linux" | "screen" | "tmux" | "vt100" | "vt220" | "ansi" | "xterm" | "rxvt" | "cons25"
    ) && !term.contains("color")
        || term.ends_with("-16color")
    {
        return (ColourLevel::Basic16, format!("TERM={term}"));
    }
    (
        ColourLevel::Ansi256,
        format!("TERM={term} ({})", lang.pick("mặc định", "default")),
    )
}

/// SSH session: the client address when known.
pub fn ssh(env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    if let Some(c) = env("SSH_CONNECTION").or_else(|| env("SSH_CLIENT")) {
        return Some(c.split_whitespace().next().unwrap_or_default().to_string());
    }
    env("SSH_TTY").map(|_| String::new())
}

/// tmux or screen, from their variables or TERM.
pub fn multiplexer(env: &dyn Fn(&str) -> Option<String>) -> Option<&'static str> {
    if env("TMUX").is_some_and(|v| !v.is_empty()) {
        return Some("tmux");
    }
    if env("STY").is_some_and(|v| !v.is_empty()) {
        return Some("screen");
    }
    let term = env("TERM").unwrap_or_default();
    if term.starts_with("tmux") {
        Some("tmux")
    } else if term.starts_with("screen") {
        Some("screen/tmux")
    } else {
        None
    }
}

fn duration(d: Duration, lang: Lang) -> String {
    let s = d.as_secs();
    let (h, m, sec) = (s / 3600, (s % 3600) / 60, s % 60);
    match (lang, h, m) {
        (Lang::Vi, 0, 0) => format!("{sec} giây"),
        (Lang::Vi, 0, _) => format!("{m} phút {sec} giây"),
        (Lang::Vi, _, _) => format!("{h} giờ {m} phút"),
        (Lang::En, 0, 0) => format!("{sec} s"),
        (Lang::En, 0, _) => format!("{m} min {sec} s"),
        (Lang::En, _, _) => format!("{h} h {m} min"),
    }
}

fn colour_name(c: ColourLevel, lang: Lang) -> &'static str {
    match c {
        ColourLevel::Monochrome => lang.pick("đơn sắc (đậm/đảo màu)", "monochrome (bold/reverse)"),
        ColourLevel::Basic16 => lang.pick("16 màu", "16 colours"),
        ColourLevel::Ansi256 => lang.pick("256 màu", "256 colours"),
        ColourLevel::TrueColor => lang.pick("màu 24-bit", "24-bit colour"),
    }
}

/// What the user gets in colour, in plain words, and what to do when the terminal says it has
/// fewer colours than the workbench uses (TERM=screen: 16, the workbench 256).
fn colour_advice(
    level: ColourLevel,
    why: &str,
    used: tui::theme::ColorLevel,
    term: &str,
    lang: Lang,
) -> String {
    use tui::theme::ColorLevel as Ui;
    let ui = match used {
        Ui::Mono => ColourLevel::Monochrome,
        Ui::Ansi16 => ColourLevel::Basic16,
        Ui::Ansi256 => ColourLevel::Ansi256,
    };
    let rank = |c: ColourLevel| match c {
        ColourLevel::Monochrome => 0,
        ColourLevel::Basic16 => 1,
        ColourLevel::Ansi256 => 2,
        ColourLevel::TrueColor => 3,
    };
    let shows = colour_name(ui, lang);
    if rank(ui) <= rank(level) {
        return match lang {
            Lang::Vi => format!("giao diện hiện {shows} ({why}); đổi bằng --theme mono|16|256"),
            Lang::En => {
                format!("the workbench shows {shows} ({why}); change with --theme mono|16|256")
            }
        };
    }
    // What TERM reports: its terminfo entry says 8 colours for screen and the Linux console (16
    // with the bright ones), so the basic palette is named by its range.
    let has = match level {
        ColourLevel::Basic16 => lang.pick("màu cơ bản (8–16 màu)", "the basic colours (8–16)"),
        other => colour_name(other, lang),
    };
    let base = term.split('-').next().unwrap_or(term);
    match lang {
        Lang::Vi => format!(
            "giao diện hiện {shows}, nhưng {why} chỉ báo {has}. Nếu màu hiện sai hoặc khó đọc: chạy với --theme 16, hoặc đặt TERM={base}-256color nếu terminal của bạn có 256 màu (hầu hết đều có)"
        ),
        Lang::En => format!(
            "the workbench shows {shows}, but {why} reports only {has}. If colours look wrong: run with --theme 16, or set TERM={base}-256color if your terminal has 256 colours (most do)"
        ),
    }
}

pub fn run(store: Option<PathBuf>, lang: Lang) -> anyhow::Result<ExitCode> {
    let env = |k: &str| std::env::var(k).ok();
    let mut rows: Vec<(&str, String)> = Vec::new();
    let mut problems = 0;

    rows.push(("Chương trình|Program", net::protocol::program()));
    let term = env("TERM").unwrap_or_else(|| "-".into());
    let tty = std::io::stdout().is_terminal();
    let size = if tty {
        ratatui::crossterm::terminal::size()
            .map(|(w, h)| format!(", {w}×{h}"))
            .unwrap_or_default()
    } else {
        String::new()
    };
    rows.push((
        "Thiết bị đầu cuối|Terminal",
        format!(
            "TERM={term}{size}{}",
            if tty {
                ""
            } else {
                lang.pick(
                    " (đầu ra không phải terminal)",
                    " (output is not a terminal)",
                )
            }
        ),
    ));
    let (level, why) = colour_level(&env, lang);
    let used = tui::theme::ColorLevel::from_env();
    rows.push(("Màu|Colours", colour_advice(level, &why, used, &term, lang)));
    rows.push((
        "SSH|SSH",
        match ssh(&env) {
            Some(from) if !from.is_empty() => {
                format!("{} {from}", lang.pick("có, từ", "yes, from"))
            }
            Some(_) => lang.pick("có", "yes").into(),
            None => lang.pick("không", "no").into(),
        },
    ));
    rows.push((
        "tmux/screen|tmux/screen",
        multiplexer(&env)
            .map(str::to_string)
            .unwrap_or_else(|| lang.pick("không", "no").into()),
    ));
    match user_file() {
        Some(path) if path.exists() => match check_file(&path) {
            Ok(p) if p.is_empty() => rows.push((
                "Phím tắt|Keymap",
                format!("{} — {}", path.display(), lang.pick("hợp lệ", "valid")),
            )),
            Ok(p) => {
                problems += 1;
                rows.push((
                    "Phím tắt|Keymap",
                    format!(
                        "{} — {} {}",
                        path.display(),
                        p.len(),
                        lang.pick(
                            "lỗi (các mục lỗi dùng phím mặc định):",
                            "problem(s) (those entries keep the defaults):"
                        )
                    ),
                ));
                for e in p.iter().take(5) {
                    rows.push(("", format!("  {}", e.message(lang))));
                }
            }
            Err(e) => {
                problems += 1;
                rows.push(("Phím tắt|Keymap", format!("{}: {e}", path.display())));
            }
        },
        Some(path) => rows.push((
            "Phím tắt|Keymap",
            format!(
                "{} — {}",
                path.display(),
                lang.pick("chưa có (dùng phím mặc định)", "not present (defaults)")
            ),
        )),
        None => rows.push((
            "Phím tắt|Keymap",
            lang.pick("không tìm được thư mục cấu hình", "no config folder found")
                .into(),
        )),
    }
    let dir = store_dir(store, lang)?;
    rows.push(("Kho dữ liệu|Store", dir.display().to_string()));
    let access = examine_access(&dir, lang);
    if let Some(summary) = &access.summary {
        rows.push(("Quyền truy cập|Access", summary.clone()));
    }
    problems += push_findings(&mut rows, &access.findings, lang);
    // A store its owner would refuse to open: say so rather than start a server that stops.
    let opts = ConnectOptions {
        start_server: !access.refuses_open,
        ..ConnectOptions::default()
    };
    let mut connected = false;
    match RemoteWorkbench::connect(&dir, &opts) {
        Err(ClientError::NotRunning { .. }) if access.refuses_open => {
            problems += 1;
            rows.push((
                "Máy chủ|Server",
                lang.pick(
                    "không khởi động: kho sẽ từ chối mở cho tới khi sửa xong các lỗi quyền truy cập ở trên",
                    "not started: the store refuses to open until the access errors above are fixed",
                )
                .into(),
            ));
            let me = super::open::os_user().unwrap_or_else(|e| e.to_string());
            rows.push(("Người dùng|User", me));
        }
        Ok(wb) => {
            connected = true;
            let w = wb.welcome();
            let up = jiff::Timestamp::now()
                .duration_since(w.started)
                .unsigned_abs();
            let sessions = wb.status().map(|s| s.sessions).unwrap_or_default();
            let mut users: Vec<&str> = sessions.iter().map(|s| s.user.as_str()).collect();
            users.sort_unstable();
            users.dedup();
            rows.push((
                "Máy chủ|Server",
                match lang {
                    Lang::Vi => format!(
                        "tiến trình {}, đã chạy {}, {} phiên ({}){}{}",
                        w.server_pid,
                        duration(up, lang),
                        sessions.len(),
                        users.join(", "),
                        if wb.started_server() {
                            "; vừa được khởi động"
                        } else {
                            ""
                        },
                        server_account(access.owner, lang)
                    ),
                    Lang::En => format!(
                        "process {}, up {}, {} session(s) ({}){}{}",
                        w.server_pid,
                        duration(up, lang),
                        sessions.len(),
                        users.join(", "),
                        if wb.started_server() {
                            "; started just now"
                        } else {
                            ""
                        },
                        server_account(access.owner, lang)
                    ),
                },
            ));
            let role = match wb.role() {
                Ok(Some(r)) => r.label(lang).to_string(),
                Ok(None) => lang.pick("không phải thành viên", "not a member").into(),
                Err(e) => e.message(lang),
            };
            rows.push(("Người dùng|User", format!("{} — {role}", wb.user())));
        }
        // Root, or the store's own (service) account: a server that answered, after the client
        // checked that it runs as the store's owner, and refused them only for not being a
        // member — which they are not expected to be.
        Err(ClientError::Refused {
            refusal: net::protocol::Refusal::NotMember(_),
            ..
        }) if access
            .owner
            .is_some_and(|o| rustix::process::geteuid().as_raw() == o)
            || rustix::process::geteuid().is_root() =>
        {
            let owner = access.owner.map(who).unwrap_or_default();
            let pid = paths::read_pid(&dir).filter(|p| paths::process_alive(*p));
            let pid = pid.map_or_else(|| "?".to_string(), |p| p.to_string());
            rows.push((
                "Máy chủ|Server",
                match lang {
                    Lang::Vi => format!(
                        "tiến trình {pid}, đang trả lời; nó và socket thuộc chủ của kho \
                         ({owner}) — đúng"
                    ),
                    Lang::En => format!(
                        "process {pid}, answering; it and its socket belong to the store's \
                         owner ({owner}) — right"
                    ),
                },
            ));
            let me = super::open::os_user().unwrap_or_else(|e| e.to_string());
            rows.push((
                "Người dùng|User",
                match lang {
                    Lang::Vi => format!(
                        "{me} — không phải thành viên, và không cần là: quản trị viên và tài \
                         khoản dịch vụ không là thành viên của kho; mỗi người dùng làm việc \
                         bằng tài khoản của mình (xem docs/SHARED_STORE.md)"
                    ),
                    Lang::En => format!(
                        "{me} — not a member, and not expected to be: the administrator and the \
                         service account are never members of the store; each person works \
                         under their own account (see docs/SHARED_STORE.md)"
                    ),
                },
            ));
        }
        Err(e) => {
            problems += 1;
            rows.push(("Máy chủ|Server", e.message(lang)));
            let me = super::open::os_user().unwrap_or_else(|e| e.to_string());
            rows.push(("Người dùng|User", me));
        }
    }
    let socket = examine_socket(&dir, &access, connected, lang);
    match &socket.summary {
        Some(summary) => rows.push(("Cổng kết nối (socket)|Socket", summary.clone())),
        None if !socket.findings.is_empty() => rows.push((
            "Cổng kết nối (socket)|Socket",
            paths::socket_path(&dir).display().to_string(),
        )),
        None => {}
    }
    problems += push_findings(&mut rows, &socket.findings, lang);

    let label = |l: &str| -> String {
        let (vi, en) = l.split_once('|').unwrap_or((l, l));
        lang.pick(vi, en).to_string()
    };
    let width = rows
        .iter()
        .map(|(l, _)| label(l).width())
        .max()
        .unwrap_or(0);
    for (l, v) in &rows {
        let l = label(l);
        let pad = " ".repeat(width - l.width());
        if l.is_empty() {
            println!("{pad}  {v}");
        } else {
            println!("{l}:{pad} {v}");
        }
    }
    Ok(if problems == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// How much a finding matters: an error makes `doctor` fail; a note is only shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Severity {
    Note,
    Error,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Finding {
    pub severity: Severity,
    pub text: String,
}

impl Finding {
    fn error(text: String) -> Finding {
        Finding {
            severity: Severity::Error,
            text,
        }
    }

    fn note(text: String) -> Finding {
        Finding {
            severity: Severity::Note,
            text,
        }
    }
}

/// Add findings under the row above them; returns how many are errors.
fn push_findings(rows: &mut Vec<(&str, String)>, findings: &[Finding], lang: Lang) -> usize {
    const SHOWN: usize = 12;
    for f in findings.iter().take(SHOWN) {
        let kind = match f.severity {
            Severity::Error => lang.pick("lỗi", "error"),
            Severity::Note => lang.pick("lưu ý", "note"),
        };
        rows.push(("", format!("  {kind}: {}", f.text)));
    }
    if findings.len() > SHOWN {
        let more = findings.len() - SHOWN;
        rows.push((
            "",
            match lang {
                Lang::Vi => format!("  … và {more} mục khác"),
                Lang::En => format!("  … and {more} more"),
            },
        ));
    }
    findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count()
}

/// Who can reach the store's files, as far as this account can see.
pub(crate) struct Access {
    /// The store folder's owner, group and mode in words; `None` when there is no folder.
    pub summary: Option<String>,
    pub findings: Vec<Finding>,
    /// The store folder's owner and group, and its metadata.
    pub owner: Option<u32>,
    pub folder: Option<std::fs::Metadata>,
    /// This account owns the store and it would refuse to open it.
    pub refuses_open: bool,
}

fn group_name(gid: u32) -> String {
    uzers::get_group_by_gid(gid)
        .map(|g| g.name().to_string_lossy().into_owned())
        .unwrap_or_else(|| format!("#{gid}"))
}

fn user_name(uid: u32) -> String {
    uzers::get_user_by_uid(uid)
        .map(|u| u.name().to_string_lossy().into_owned())
        .unwrap_or_else(|| format!("#{uid}"))
}

/// ", chạy bằng tài khoản X (chủ kho)": the server is the store owner's (the client checked the
/// peer's uid, which the kernel reports, before saying hello).
fn server_account(owner: Option<u32>, lang: Lang) -> String {
    match owner {
        Some(o) => {
            let o = user_name(o);
            match lang {
                Lang::Vi => format!(", chạy bằng tài khoản {o} (chủ của kho)"),
                Lang::En => format!(", runs as {o} (the store's owner)"),
            }
        }
        None => String::new(),
    }
}

/// The store folder's layout checked with `store::access` (docs/SHARED_STORE.md). From an
/// account that does not own the store, only what it can see is reported: the files being
/// the owner's is right, and the private folders it cannot read are not problems.
pub(crate) fn examine_access(dir: &Path, lang: Lang) -> Access {
    let d = dir.display().to_string();
    let mut access = Access {
        summary: None,
        findings: Vec::new(),
        owner: None,
        folder: None,
        refuses_open: false,
    };
    let meta = match std::fs::symlink_metadata(dir) {
        Ok(m) => m,
        // No store there: the server row says so.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return access,
        Err(e) => {
            access.findings.push(Finding::note(match lang {
                Lang::Vi => format!("không kiểm tra được {d}: {e}"),
                Lang::En => format!("cannot examine {d}: {e}"),
            }));
            return access;
        }
    };
    let me = rustix::process::geteuid().as_raw();
    let owner = meta.uid();
    let mode = meta.mode() & 0o7777;
    let shared = !meta.file_type().is_symlink() && mode & 0o050 == 0o050;
    if !meta.file_type().is_symlink() {
        let (o, g) = (user_name(owner), group_name(meta.gid()));
        access.summary = Some(match (lang, shared, mode & 0o077 == 0) {
            (Lang::Vi, true, _) => {
                format!("chủ {o}, nhóm {g}, quyền {mode:04o}: dùng chung với nhóm {g}")
            }
            (Lang::En, true, _) => {
                format!("owner {o}, group {g}, mode {mode:04o}: shared with the group {g}")
            }
            (Lang::Vi, false, true) => format!("riêng của {o} (quyền {mode:04o})"),
            (Lang::En, false, true) => format!("private to {o} (mode {mode:04o})"),
            (Lang::Vi, false, false) => format!("chủ {o}, nhóm {g}, quyền {mode:04o}"),
            (Lang::En, false, false) => format!("owner {o}, group {g}, mode {mode:04o}"),
        });
        access.owner = Some(owner);
        access.folder = Some(meta.clone());
    }
    let owner_view = me == owner;
    let sees_all = owner_view || me == 0;
    let mut hidden = false;
    for p in store::access::check(dir) {
        match &p {
            // The store's files are its owner's: right, seen from another account.
            AccessProblem::OwnedByOther { owner: o, .. } if !owner_view && *o == owner => {}
            AccessProblem::OwnedByOther { path, owner: o, .. } if !owner_view => {
                let (p, o, w) = (path.display(), who(*o), who(owner));
                access.findings.push(Finding::error(match lang {
                    Lang::Vi => format!(
                        "{p} thuộc {o}, không phải chủ của kho ({w}): máy chủ sẽ từ chối mở kho. Quản trị viên sửa bằng: sudo thamdinh setup-shared {d} --group NHÓM --service-user {}",
                        user_name(owner)
                    ),
                    Lang::En => format!(
                        "{p} belongs to {o}, not to the store's owner ({w}): the server will refuse to open the store. The administrator fixes it with: sudo thamdinh setup-shared {d} --group GROUP --service-user {}",
                        user_name(owner)
                    ),
                }));
            }
            // What this account cannot read it cannot judge.
            AccessProblem::Unreadable { .. } if !sees_all => hidden = true,
            _ => {
                if owner_view && p.refuses_open() {
                    access.refuses_open = true;
                }
                access.findings.push(Finding {
                    severity: if p.refuses_open() {
                        Severity::Error
                    } else {
                        Severity::Note
                    },
                    text: p.message(lang),
                });
            }
        }
    }
    if hidden {
        let o = user_name(owner);
        access.findings.push(Finding::note(match lang {
            Lang::Vi => format!(
                "các thư mục riêng của kho chỉ {o} đọc được, nên không kiểm tra được từ tài khoản này (đúng như vậy); kiểm tra đầy đủ: sudo thamdinh --store {d} doctor"
            ),
            Lang::En => format!(
                "the store's private folders can be read by {o} only, so they are not checked from this account (as it should be); a full check: sudo thamdinh --store {d} doctor"
            ),
        }));
    }
    if shared && mode & 0o2000 == 0 {
        let g = group_name(meta.gid());
        access.findings.push(Finding::note(match lang {
            Lang::Vi => format!(
                "{d} không có bit setgid: socket của máy chủ có thể không mang nhóm {g}, và các thành viên không kết nối được. Sửa: sudo chmod g+s {d}"
            ),
            Lang::En => format!(
                "{d} lacks the setgid bit: the server's socket may not get the group {g}, and members could not connect. Fix: sudo chmod g+s {d}"
            ),
        }));
    }
    access
}

/// Whether an account in `groups` (not the owner) may use a file with `mode` and group `gid`
/// for `bits` (0o1 execute/enter, 0o2 write, 0o4 read).
pub(crate) fn allowed(mode: u32, gid: u32, groups: &[u32], bits: u32) -> bool {
    if groups.contains(&gid) {
        mode & (bits << 3) == bits << 3
    } else {
        mode & bits == bits
    }
}

/// This process's groups (effective group and supplementary groups).
fn my_groups() -> Vec<u32> {
    let mut g: Vec<u32> = rustix::process::getgroups()
        .map(|g| g.into_iter().map(|g| g.as_raw()).collect())
        .unwrap_or_default();
    g.push(rustix::process::getegid().as_raw());
    g
}

/// The socket's mode and group against the store folder's, whether the server is the store
/// owner's, and whether this account can reach the socket (and if not, why).
pub(crate) fn examine_socket(dir: &Path, access: &Access, connected: bool, lang: Lang) -> Access {
    let mut out = Access {
        summary: None,
        findings: Vec::new(),
        owner: access.owner,
        folder: None,
        refuses_open: false,
    };
    let (Some(owner), Some(folder)) = (access.owner, access.folder.as_ref()) else {
        return out;
    };
    let me = rustix::process::geteuid().as_raw();
    let sock = paths::socket_path(dir);
    let s = sock.display().to_string();
    let d = dir.display().to_string();
    let fgid = folder.gid();
    let fmode = folder.mode() & 0o7777;
    let shared = fmode & 0o050 == 0o050;
    let g = group_name(fgid);
    let groups = my_groups();
    let outsider = me != owner && me != 0;
    let enters = !outsider || allowed(fmode, fgid, &groups, 0o1);
    let socket = std::fs::symlink_metadata(&sock);
    let mut reaches = enters;
    match &socket {
        Ok(m) if !m.file_type().is_socket() => {
            reaches = false;
            out.findings.push(Finding::error(match lang {
                Lang::Vi => format!(
                    "{s} không phải là socket: hãy xóa nó (sudo rm {s}); máy chủ tạo socket mới khi khởi động."
                ),
                Lang::En => format!(
                    "{s} is not a socket: remove it (sudo rm {s}); the server makes a new one when it starts."
                ),
            }));
        }
        Ok(m) => {
            let mode = m.mode() & 0o777;
            let (so, sg) = (user_name(m.uid()), group_name(m.gid()));
            out.summary = Some(format!("{s}: {so}:{sg} {mode:04o}"));
            if m.uid() != owner {
                let (so, w) = (who(m.uid()), who(owner));
                out.findings.push(Finding::error(match lang {
                    Lang::Vi => format!(
                        "{s} thuộc {so}, không phải chủ của kho ({w}): đây không phải socket của máy chủ kho, và thamdinh không gửi gì tới nó. Hãy báo quản trị viên; họ xóa nó (sudo rm {s}) và khởi động lại dịch vụ."
                    ),
                    Lang::En => format!(
                        "{s} belongs to {so}, not to the store's owner ({w}): it is not the store's server, and thamdinh sends nothing to it. Tell the administrator; they remove it (sudo rm {s}) and restart the service."
                    ),
                }));
            }
            if shared && mode & 0o060 != 0o060 {
                out.findings.push(Finding::error(match lang {
                    Lang::Vi => format!(
                        "{s} có quyền {mode:04o}: các thành viên nhóm {g} không kết nối được. Máy chủ đặt 0660 khi khởi động: hãy khởi động lại nó (sudo systemctl restart {})",
                        unit_instance(dir)
                    ),
                    Lang::En => format!(
                        "{s} has mode {mode:04o}: members of the group {g} cannot connect. The server sets 0660 when it starts: restart it (sudo systemctl restart {})",
                        unit_instance(dir)
                    ),
                }));
            }
            if shared && m.gid() != fgid {
                out.findings.push(Finding::error(match lang {
                    Lang::Vi => format!(
                        "{s} thuộc nhóm {sg}, không phải nhóm của kho ({g}): các thành viên nhóm {g} không kết nối được. Sửa: sudo chmod g+s {d}, rồi khởi động lại máy chủ (sudo systemctl restart {})",
                        unit_instance(dir)
                    ),
                    Lang::En => format!(
                        "{s} has the group {sg}, not the store's group ({g}): members of {g} cannot connect. Fix: sudo chmod g+s {d}, then restart the server (sudo systemctl restart {})",
                        unit_instance(dir)
                    ),
                }));
            }
            if mode & 0o006 != 0 {
                out.findings.push(Finding::note(match lang {
                    Lang::Vi => format!(
                        "{s} có quyền {mode:04o}: mọi tài khoản trên máy đều kết nối được (danh sách thành viên vẫn quyết định ai làm gì). Khởi động lại máy chủ để có 0660."
                    ),
                    Lang::En => format!(
                        "{s} has mode {mode:04o}: every account on this machine can connect (the member list still decides who does what). Restart the server to get 0660."
                    ),
                }));
            }
            if outsider {
                reaches = reaches && allowed(m.mode(), m.gid(), &groups, 0o2);
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if !connected && me != owner && paths::personal_store(dir, owner) {
                let o = user_name(owner);
                out.findings.push(Finding::note(match lang {
                    Lang::Vi => format!(
                        "không có máy chủ nào chạy (chưa có {s}); đây là kho riêng của {o}: chỉ {o} khởi động được máy chủ của nó (bằng bất kỳ lệnh thamdinh nào)"
                    ),
                    Lang::En => format!(
                        "no server runs (there is no {s}); this is {o}'s personal store: only {o} can start its server (with any thamdinh command)"
                    ),
                }));
            } else if !connected && me != owner {
                let (o, u) = (user_name(owner), unit_instance(dir));
                out.findings.push(Finding::note(match lang {
                    Lang::Vi => format!(
                        "không có máy chủ nào chạy (chưa có {s}); chỉ {o} khởi động được máy chủ của kho này: quản trị viên chạy sudo systemctl start {u}"
                    ),
                    Lang::En => format!(
                        "no server runs (there is no {s}); only {o} can start this store's server: the administrator runs sudo systemctl start {u}"
                    ),
                }));
            }
        }
        // Cannot see inside the folder: said below, as not reaching it.
        Err(_) => reaches = false,
    }
    // The server process: the client checked the kernel's word for its uid when it connected;
    // otherwise ask /proc, and say nothing when /proc does not tell.
    if !connected
        && let Some(pid) = paths::read_pid(dir).filter(|p| paths::process_alive(*p))
        && let Some(uid) = process_uid(pid)
        && uid != owner
    {
        let (u, w) = (who(uid), who(owner));
        out.findings.push(Finding::error(match lang {
            Lang::Vi => format!(
                "máy chủ (tiến trình {pid}) chạy bằng {u}, không phải chủ của kho ({w}): các lệnh sẽ không tin nó. Hãy dừng nó (kill {pid}) và khởi động dịch vụ (sudo systemctl start {})",
                unit_instance(dir)
            ),
            Lang::En => format!(
                "the server (process {pid}) runs as {u}, not as the store's owner ({w}): commands will not trust it. Stop it (kill {pid}) and start the service (sudo systemctl start {})",
                unit_instance(dir)
            ),
        }));
    }
    if outsider {
        let name = user_name(me);
        let in_database = uzers::get_user_by_uid(me)
            .and_then(|u| uzers::get_user_groups(u.name(), u.primary_group_id()))
            .is_some_and(|gs| gs.iter().any(|x| x.gid() == fgid));
        let now = match lang {
            Lang::Vi => format!("bạn ({name}) kết nối được qua nhóm {g}"),
            Lang::En => format!("you ({name}) can connect through the group {g}"),
        };
        if reaches {
            if socket.is_ok() {
                out.summary = out.summary.map(|s| format!("{s}; {now}"));
            }
        } else if in_database && !groups.contains(&fgid) {
            out.findings.push(Finding::error(match lang {
                Lang::Vi => format!(
                    "bạn ({name}) đã ở trong nhóm {g}, nhưng phiên này bắt đầu trước khi được thêm: hãy đăng xuất rồi đăng nhập lại (hoặc chạy newgrp {g})."
                ),
                Lang::En => format!(
                    "you ({name}) are in the group {g}, but this session started before you were added: log out and in again (or run newgrp {g})."
                ),
            }));
        } else {
            out.findings.push(Finding::error(match lang {
                Lang::Vi => format!(
                    "bạn ({name}) không ở trong nhóm {g} của kho {d}, nên không tới được máy chủ của nó. Hãy nhờ quản trị viên: sudo usermod -aG {g} {name} (rồi đăng nhập lại), và một trưởng nhóm: thamdinh --store {d} member add {name} --role appraiser"
                ),
                Lang::En => format!(
                    "you ({name}) are not in the group {g} of store {d}, so you cannot reach its server. Ask the administrator: sudo usermod -aG {g} {name} (then log in again), and a lead: thamdinh --store {d} member add {name} --role appraiser"
                ),
            }));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
    }

    #[test]
    fn the_colour_line_says_what_the_user_gets_and_what_to_do() {
        use tui::theme::ColorLevel as Ui;
        let fewer = colour_advice(
            ColourLevel::Basic16,
            "TERM=screen",
            Ui::Ansi256,
            "screen",
            Lang::Vi,
        );
        assert!(fewer.starts_with(
            "giao diện hiện 256 màu, nhưng TERM=screen chỉ báo màu cơ bản (8–16 màu)"
        ));
        assert!(fewer.contains("--theme 16") && fewer.contains("TERM=screen-256color"));
        let same = colour_advice(
            ColourLevel::Monochrome,
            "NO_COLOR=1",
            Ui::Mono,
            "xterm",
            Lang::Vi,
        );
        assert_eq!(
            same,
            "giao diện hiện đơn sắc (đậm/đảo màu) (NO_COLOR=1); đổi bằng --theme mono|16|256"
        );
    }

    #[test]
    fn colour_level_follows_no_color_term_and_colorterm() {
        let cases: &[(&[(&str, &str)], ColourLevel)] = &[
            (
                &[("TERM", "xterm-256color"), ("NO_COLOR", "1")],
                ColourLevel::Monochrome,
            ),
            // An empty NO_COLOR does not count (no-color.org).
            (
                &[("TERM", "xterm-256color"), ("NO_COLOR", "")],
                ColourLevel::Ansi256,
            ),
            (&[("TERM", "dumb")], ColourLevel::Monochrome),
            (&[], ColourLevel::Monochrome),
            (
                &[("TERM", "xterm-256color"), ("COLORTERM", "truecolor")],
                ColourLevel::TrueColor,
            ),
            (&[("TERM", "screen-256color")], ColourLevel::Ansi256),
            (&[("TERM", "linux")], ColourLevel::Basic16),
            (&[("TERM", "screen")], ColourLevel::Basic16),
            (&[("TERM", "xterm")], ColourLevel::Basic16),
            (&[("TERM", "alacritty")], ColourLevel::Ansi256),
        ];
        for (vars, want) in cases {
            let (got, why) = colour_level(&env(vars), Lang::En);
            assert_eq!(got, *want, "{vars:?}: {why}");
        }
    }

    #[test]
    fn ssh_and_multiplexers_are_detected() {
        assert_eq!(
            ssh(&env(&[("SSH_CONNECTION", "10.0.0.5 51000 10.0.0.1 22")])),
            Some("10.0.0.5".into())
        );
        assert_eq!(ssh(&env(&[("SSH_TTY", "/dev/pts/3")])), Some(String::new()));
        assert_eq!(ssh(&env(&[])), None);
        assert_eq!(
            multiplexer(&env(&[("TMUX", "/tmp/tmux-0/default,1,0")])),
            Some("tmux")
        );
        assert_eq!(
            multiplexer(&env(&[("STY", "1234.pts-0.host")])),
            Some("screen")
        );
        assert_eq!(
            multiplexer(&env(&[("TERM", "tmux-256color")])),
            Some("tmux")
        );
        assert_eq!(multiplexer(&env(&[("TERM", "xterm")])), None);
    }

    fn chmod(p: &Path, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    /// A new store in a temporary folder, with the modes `thamdinh` gives it (its commands run
    /// with umask 077; this test process does not).
    fn new_store(tmp: &tempfile::TempDir) -> PathBuf {
        let dir = tmp.path().join("store");
        drop(store::Store::create(&dir).unwrap());
        let mut todo = vec![dir.clone()];
        while let Some(p) = todo.pop() {
            let meta = std::fs::symlink_metadata(&p).unwrap();
            if meta.is_dir() {
                chmod(&p, 0o700);
                todo.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
            } else {
                chmod(&p, 0o600);
            }
        }
        dir
    }

    #[test]
    fn the_layout_of_a_store_is_checked_and_each_problem_named() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = new_store(&tmp);
        let a = examine_access(&dir, Lang::En);
        assert_eq!(a.findings, vec![]);
        assert!(!a.refuses_open);
        assert!(a.summary.unwrap().starts_with("private to "));

        chmod(&dir, 0o2770);
        let a = examine_access(&dir, Lang::En);
        assert!(a.refuses_open);
        assert_eq!(
            a.findings,
            vec![Finding::error(format!(
                "{} can be written by its group or by everyone (mode 2770): any of them could \
                 rewrite the store. Remove their write access: chmod go-w {} (a shared store: \
                 sudo thamdinh setup-shared, see docs/SHARED_STORE.md).",
                dir.display(),
                dir.display()
            ))]
        );
        assert!(
            examine_access(&dir, Lang::Vi).findings[0]
                .text
                .contains("(quyền 2770)")
        );

        // Wider files inside a private folder are a note; the store still opens.
        chmod(&dir, 0o700);
        let db = dir.join("sled").join("db");
        chmod(&db, 0o664);
        let a = examine_access(&dir, Lang::En);
        assert!(!a.refuses_open);
        assert_eq!(a.findings.len(), 1);
        assert_eq!(a.findings[0].severity, Severity::Note);
        assert!(a.findings[0].text.contains(&db.display().to_string()));

        // A link is an error wherever it is.
        chmod(&db, 0o600);
        std::os::unix::fs::symlink("/etc/passwd", dir.join("server.log")).unwrap();
        let a = examine_access(&dir, Lang::En);
        assert!(a.refuses_open);
        assert_eq!(a.findings.len(), 1);
        assert!(a.findings[0].text.starts_with(&format!(
            "{} is a symbolic link",
            dir.join("server.log").display()
        )));
    }

    #[test]
    fn a_shared_folder_without_setgid_is_a_note() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = new_store(&tmp);
        chmod(&dir, 0o750);
        let a = examine_access(&dir, Lang::En);
        assert!(!a.refuses_open);
        assert_eq!(a.findings.len(), 1, "{:?}", a.findings);
        assert!(a.findings[0].text.contains("lacks the setgid bit"));
        assert!(a.summary.unwrap().contains("shared with the group"));
        chmod(&dir, 0o2750);
        assert_eq!(examine_access(&dir, Lang::En).findings, vec![]);
    }

    #[test]
    fn a_missing_store_is_left_to_the_server_row() {
        let tmp = tempfile::tempdir().unwrap();
        let a = examine_access(&tmp.path().join("none"), Lang::En);
        assert!(a.summary.is_none() && a.findings.is_empty());
        let s = examine_socket(&tmp.path().join("none"), &a, false, Lang::En);
        assert!(s.summary.is_none() && s.findings.is_empty());
    }

    #[test]
    fn reaching_a_file_goes_through_its_group_or_everyone() {
        // srw-rw---- thamdinh:par: members of par can connect, others cannot.
        assert!(allowed(0o660, 100, &[5, 100], 0o2));
        assert!(!allowed(0o660, 100, &[5], 0o2));
        assert!(allowed(0o666, 100, &[5], 0o2));
        // drwxr-s--- : members enter, others do not; a group without x is not entered even if
        // others may.
        assert!(allowed(0o2750, 100, &[100], 0o1));
        assert!(!allowed(0o2750, 100, &[7], 0o1));
        assert!(!allowed(0o0705, 100, &[100], 0o1));
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(Duration::from_secs(42), Lang::En), "42 s");
        assert_eq!(duration(Duration::from_secs(125), Lang::En), "2 min 5 s");
        assert_eq!(
            duration(Duration::from_secs(7260), Lang::Vi),
            "2 giờ 1 phút"
        );
    }
}
