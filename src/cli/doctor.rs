//! `thamdinh doctor` (SPEC I7): what the program sees — terminal, colour level, SSH and
//! tmux/screen, keymap files and their problems, the store, its server and the user's role.
//! Exits with failure when something needs fixing (a bad keymap, an unreachable server).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use unicode_width::UnicodeWidthStr;

use api::Workbench;
use l10n::Lang;
use net::client::connect_or_start;
use tui::keymap::{check_file, user_file};

use super::open::store_dir;

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
pub fn colour_level(env: &dyn Fn(&str) -> Option<String>) -> (ColourLevel, String) {
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
    (ColourLevel::Ansi256, format!("TERM={term} (default)"))
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
        "Terminal|Terminal",
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
    let (level, why) = colour_level(&env);
    let used = tui::theme::ColorLevel::from_env();
    rows.push((
        "Màu|Colours",
        format!(
            "{} ({why}); {} {} (--theme mono|16|256)",
            colour_name(level, lang),
            lang.pick("giao diện dùng", "the workbench uses"),
            used.as_str()
        ),
    ));
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
    let dir = store_dir(store)?;
    rows.push(("Kho dữ liệu|Store", dir.display().to_string()));
    match connect_or_start(&dir) {
        Ok(wb) => {
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
                        "tiến trình {}, đã chạy {}, {} phiên ({}){}",
                        w.server_pid,
                        duration(up, lang),
                        sessions.len(),
                        users.join(", "),
                        if wb.started_server() {
                            "; vừa được khởi động"
                        } else {
                            ""
                        }
                    ),
                    Lang::En => format!(
                        "process {}, up {}, {} session(s) ({}){}",
                        w.server_pid,
                        duration(up, lang),
                        sessions.len(),
                        users.join(", "),
                        if wb.started_server() {
                            "; started just now"
                        } else {
                            ""
                        }
                    ),
                },
            ));
            let role = match wb.role() {
                Ok(Some(r)) => r.as_str().to_string(),
                Ok(None) => lang.pick("không phải thành viên", "not a member").into(),
                Err(e) => e.message(lang),
            };
            rows.push(("Người dùng|User", format!("{} — {role}", wb.user())));
        }
        Err(e) => {
            problems += 1;
            rows.push(("Máy chủ|Server", e.message(lang)));
            let me = super::open::os_user().unwrap_or_else(|e| e.to_string());
            rows.push(("Người dùng|User", me));
        }
    }

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
            let (got, why) = colour_level(&env(vars));
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
