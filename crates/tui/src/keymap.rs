//! Keymaps (SPEC W8): load, validate and merge keymap files, and resolve key presses to
//! [`Action`]s.
//!
//! # Files
//! Action-first TOML, one table per [`Context`] (see `keymaps/default.toml`):
//! ```toml
//! lang = "vi"          # the language of the `desc` texts below: "vi" (default) or "en"
//! [workbench]
//! next-diff = { keys = ["n", "F8"], desc = "Chênh lệch tiếp theo" }
//! ```
//! The first key of an action is the one the hint bar shows. Key syntax: see [`super::key`].
//!
//! # Layers
//! The embedded default comes first, then a preset (`keymaps/vim.toml`), then the user's file.
//! A layer replaces the keys of the actions it names (in that context) and nothing else. When a
//! layer gives an action a key that another action had in the same context — or a key that is a
//! prefix or extension of one of its sequences — the other action loses that key; if that leaves
//! it with no key at all, a warning says so ([`ErrorKind::Unbound`]).
//!
//! # Descriptions
//! Every action has a built-in description in Vietnamese and English ([`Action::description`]).
//! A file's `desc` replaces it for the language the file declares with `lang` (Vietnamese if
//! absent); the other language keeps the built-in text (or an earlier layer's `desc` in it).
//!
//! # Resolution
//! A context's own bindings come first; a [`Context::Global`] binding applies in every context
//! that does not bind the same first key (a context binding shadows a global one on purpose: it
//! is how `Esc` means "cancel" in the editor). In text-input contexts (palette, editor, score
//! input) printable keys and editing keys belong to the text: global bindings on them do not
//! apply there, and binding them in those contexts is an error ([`ErrorKind::Reserved`]).
//!
//! # Errors
//! Problems are reported per entry and never stop the program: an entry with a problem is
//! skipped (the keys from the layers below stay), except a missing `desc`, which is reported but
//! the keys still apply with the built-in description. Within one file, one key on two actions of
//! a context, and a key that is a prefix of another sequence in the context, are errors and both
//! entries are skipped. The same key in a context and in `global` is not an error.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::action::{Action, Context};
use super::key::{Key, KeyParseError, display_sequence, parse_sequence};
use l10n::Lang;

/// The embedded default keymap.
pub const DEFAULT_TOML: &str = include_str!("../../../keymaps/default.toml");
/// How the default keymap is named in messages.
pub const DEFAULT_FILE: &str = "keymaps/default.toml";
/// Bundled presets: (name, file name for messages, text).
pub const PRESETS: &[(&str, &str, &str)] = &[(
    "vim",
    "keymaps/vim.toml",
    include_str!("../../../keymaps/vim.toml"),
)];

/// A bundled preset by name: (text, file name for messages).
pub fn preset(name: &str) -> Option<(&'static str, &'static str)> {
    PRESETS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, file, text)| (*text, *file))
}

/// Where the user's keymap file is looked for: `$XDG_CONFIG_HOME/thamdinh/keymap.toml`
/// (usually `~/.config/thamdinh/keymap.toml`).
pub fn user_file() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|d| d.config_dir().join("thamdinh").join("keymap.toml"))
}

/// What a key press means in a context.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    Action(Action),
    /// The keys so far are the start of a sequence: keep them and wait for the next key.
    Pending,
    /// Nothing is bound: in a text-input context the key is text.
    Unbound,
}

/// One line of the help screen or hint bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    /// On-screen forms, first key first: "F5", "d", "g g".
    pub keys: Vec<String>,
    pub action: Action,
    pub desc: String,
}

/// Why a binding in a keymap file was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// Not valid TOML; nothing from the file is used.
    Syntax {
        message: String,
    },
    /// A table that is no context.
    UnknownContext,
    /// A context given as something other than a table.
    SectionNotATable,
    UnknownAction {
        suggestion: Option<String>,
    },
    /// The action exists but not in this context.
    WrongContext,
    BadEntry {
        problem: EntryProblem,
    },
    UnknownField {
        field: String,
    },
    BadKey {
        reason: KeyParseError,
    },
    /// `keys` missing or empty.
    NoKeys,
    /// `desc` missing or empty (the keys still apply).
    NoDesc,
    BadLang {
        value: String,
    },
    /// One key on two actions of one context.
    Duplicate,
    /// `key` (first action) is a prefix of `sequence` (second action).
    Shadow {
        sequence: String,
    },
    /// The key is needed for typing in a text-input context.
    Reserved,
    /// After this file took `key` for the first action, the second has no key left.
    Unbound,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryProblem {
    NotATable,
    KeysNotStrings,
    DescNotString,
}

/// One problem in a keymap file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeymapError {
    pub file: String,
    /// 1-based; 0 when unknown.
    pub line: usize,
    /// The table name as written, when the problem is inside one.
    pub context: Option<String>,
    /// The key as written in the file, when one is involved.
    pub key: Option<String>,
    /// The action named by the entry (empty when the problem is not about an action) and, for
    /// duplicates, shadows and lost keys, the other action.
    pub actions: (String, Option<String>),
    pub kind: ErrorKind,
}

impl KeymapError {
    /// The message for the user, naming file, line, context, key and actions.
    pub fn message(&self, lang: Lang) -> String {
        let loc = if self.line > 0 {
            format!("{}:{}", self.file, self.line)
        } else {
            self.file.clone()
        };
        let ctx = self.context.as_deref().unwrap_or("");
        let at = if ctx.is_empty() {
            loc.clone()
        } else {
            format!("{loc}: [{ctx}]")
        };
        let a = self.actions.0.as_str();
        let b = self.actions.1.as_deref().unwrap_or("");
        let key = self.key.as_deref().unwrap_or("");
        let vi = lang == Lang::Vi;
        let keep = if vi {
            "giữ nguyên phím mặc định"
        } else {
            "the default keys stay"
        };
        match &self.kind {
            ErrorKind::Syntax { message } => {
                if vi {
                    format!(
                        "{loc}: tệp không đúng cú pháp TOML: {message}. Hãy sửa cú pháp; trước \
                         khi sửa, toàn bộ tệp này không được dùng."
                    )
                } else {
                    format!(
                        "{loc}: this is not valid TOML: {message}. Fix the syntax; until then \
                         nothing in this file is used."
                    )
                }
            }
            ErrorKind::UnknownContext => {
                let list = context_list();
                if vi {
                    format!(
                        "{loc}: không có mục [{ctx}]; hãy dùng một trong các mục {list}. Mục \
                         này bị bỏ qua."
                    )
                } else {
                    format!(
                        "{loc}: there is no section [{ctx}]; use one of {list}. This section is \
                         ignored."
                    )
                }
            }
            ErrorKind::SectionNotATable => {
                if vi {
                    format!("{loc}: \"{ctx}\" phải là một mục, ví dụ [{ctx}]; dòng này bị bỏ qua.")
                } else {
                    format!(
                        "{loc}: \"{ctx}\" must be a section, e.g. [{ctx}]; this line is ignored."
                    )
                }
            }
            ErrorKind::UnknownAction { suggestion } => {
                let hint = match (suggestion, vi) {
                    (Some(s), true) => format!(" (có phải \"{s}\"?)"),
                    (Some(s), false) => format!(" (did you mean \"{s}\"?)"),
                    (None, _) => String::new(),
                };
                if vi {
                    format!("{at} không có thao tác \"{a}\"{hint}; dòng này bị bỏ qua.")
                } else {
                    format!("{at} unknown action \"{a}\"{hint}; this entry is ignored.")
                }
            }
            ErrorKind::WrongContext => {
                let places = Action::parse(a)
                    .map(|act| {
                        act.contexts()
                            .iter()
                            .map(|c| format!("[{}]", c.name()))
                            .collect::<Vec<_>>()
                            .join(if vi { " hoặc " } else { " or " })
                    })
                    .unwrap_or_default();
                if vi {
                    format!(
                        "{at} thao tác \"{a}\" không dùng được ở mục này; hãy chuyển sang \
                         {places}; {keep}."
                    )
                } else {
                    format!("{at} action \"{a}\" does not work here; move it to {places}; {keep}.")
                }
            }
            ErrorKind::BadEntry { problem } => {
                let what = match (problem, vi) {
                    (EntryProblem::NotATable, true) => {
                        format!("hãy viết dạng {a} = {{ keys = [\"…\"], desc = \"…\" }}")
                    }
                    (EntryProblem::NotATable, false) => {
                        format!("write it as {a} = {{ keys = [\"…\"], desc = \"…\" }}")
                    }
                    (EntryProblem::KeysNotStrings, true) => {
                        "keys phải là danh sách chuỗi, ví dụ keys = [\"F5\", \"d\"]".to_string()
                    }
                    (EntryProblem::KeysNotStrings, false) => {
                        "keys must be a list of strings, e.g. keys = [\"F5\", \"d\"]".to_string()
                    }
                    (EntryProblem::DescNotString, true) => {
                        "desc phải là một chuỗi trong dấu ngoặc kép".to_string()
                    }
                    (EntryProblem::DescNotString, false) => {
                        "desc must be a string in quotes".to_string()
                    }
                };
                format!("{at} {a}: {what}; {keep}.")
            }
            ErrorKind::UnknownField { field } => {
                if vi {
                    format!(
                        "{at} {a}: trường \"{field}\" không hợp lệ (chỉ có keys và desc); {keep}."
                    )
                } else {
                    format!(
                        "{at} {a}: unknown field \"{field}\" (only keys and desc are allowed); \
                         {keep}."
                    )
                }
            }
            ErrorKind::BadKey { reason } => {
                let reason = reason.message(lang);
                if vi {
                    format!("{at} {a}: không đọc được phím \"{key}\": {reason}; {keep}.")
                } else {
                    format!("{at} {a}: cannot read the key \"{key}\": {reason}; {keep}.")
                }
            }
            ErrorKind::NoKeys => {
                if vi {
                    format!(
                        "{at} {a}: chưa có phím nào; hãy viết keys = [\"…\"] với ít nhất một \
                         phím; {keep}."
                    )
                } else {
                    format!(
                        "{at} {a}: no keys given; write keys = [\"…\"] with at least one key; \
                         {keep}."
                    )
                }
            }
            ErrorKind::NoDesc => {
                if vi {
                    format!(
                        "{at} {a}: thiếu mô tả; hãy thêm desc = \"…\" (mỗi phím cần có mô tả); \
                         tạm thời dùng mô tả có sẵn."
                    )
                } else {
                    format!(
                        "{at} {a}: no description; add desc = \"…\" (every binding needs one); \
                         the built-in description is shown meanwhile."
                    )
                }
            }
            ErrorKind::BadLang { value } => {
                if vi {
                    format!(
                        "{loc}: lang = {value} không phải ngôn ngữ hợp lệ; hãy dùng \"vi\" hoặc \
                         \"en\"; các mô tả được hiểu là tiếng Việt."
                    )
                } else {
                    format!(
                        "{loc}: lang = {value} is not a language; use \"vi\" or \"en\"; the \
                         descriptions are read as Vietnamese."
                    )
                }
            }
            ErrorKind::Duplicate => {
                if vi {
                    format!(
                        "{at} phím \"{key}\" được gán cho cả {a} và {b}; hãy chỉ gán cho một \
                         thao tác; giữ nguyên phím mặc định cho cả hai."
                    )
                } else {
                    format!(
                        "{at} key \"{key}\" is bound to both {a} and {b}; keep it on one of \
                         them; the default keys stay for both."
                    )
                }
            }
            ErrorKind::Shadow { sequence } => {
                if vi {
                    format!(
                        "{at} phím \"{key}\" ({a}) che mất tổ hợp \"{sequence}\" ({b}), khiến \
                         tổ hợp này không bao giờ gõ được; hãy đổi một trong hai; giữ nguyên \
                         phím mặc định cho cả hai."
                    )
                } else {
                    format!(
                        "{at} key \"{key}\" ({a}) hides the sequence \"{sequence}\" ({b}), which \
                         could never be typed; change one of them; the default keys stay for \
                         both."
                    )
                }
            }
            ErrorKind::Reserved => {
                if vi {
                    format!(
                        "{at} {a}: phím \"{key}\" dùng để gõ chữ ở đây; hãy dùng phím chức năng \
                         hoặc phím có Ctrl- hay Alt-; {keep}."
                    )
                } else {
                    format!(
                        "{at} {a}: key \"{key}\" is needed for typing text here; use a function \
                         key or a key with Ctrl- or Alt-; {keep}."
                    )
                }
            }
            ErrorKind::Unbound => {
                if vi {
                    format!(
                        "{at} phím \"{key}\" giờ dùng cho {a}, nên {b} không còn phím nào; hãy \
                         gán cho {b} một phím khác trong tệp này."
                    )
                } else {
                    format!(
                        "{at} key \"{key}\" now runs {a}, which leaves {b} with no key; give {b} \
                         another key in this file."
                    )
                }
            }
        }
    }
}

impl fmt::Display for KeymapError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for KeymapError {}

fn context_list() -> String {
    Context::ALL
        .iter()
        .map(|c| format!("[{}]", c.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Keys that belong to the text in a text-input context.
fn reserved(ctx: Context, key: &Key) -> bool {
    if !ctx.is_text_input() {
        return false;
    }
    if key.is_printable() {
        return true;
    }
    if key.mods != KeyModifiers::NONE {
        return false;
    }
    let line_editing = matches!(
        key.code,
        KeyCode::Backspace
            | KeyCode::Delete
            | KeyCode::Left
            | KeyCode::Right
            | KeyCode::Home
            | KeyCode::End
    );
    match ctx {
        Context::Editor => {
            line_editing
                || matches!(
                    key.code,
                    KeyCode::Enter
                        | KeyCode::Up
                        | KeyCode::Down
                        | KeyCode::PageUp
                        | KeyCode::PageDown
                        | KeyCode::Tab
                )
        }
        _ => line_editing,
    }
}

/// Two sequences cannot both be bound in one context when equal or one starts the other.
fn conflicts(a: &[Key], b: &[Key]) -> bool {
    a.starts_with(b) || b.starts_with(a)
}

// ---------------------------------------------------------------------------------------------
// Parsing one file into a layer.

/// One key of an entry: the parsed sequence, as written, and its line.
#[derive(Clone, Debug)]
struct KeyAt {
    seq: Vec<Key>,
    raw: String,
    line: usize,
}

/// One accepted `action = { keys, desc }` of a file.
#[derive(Clone, Debug)]
struct LayerEntry {
    ctx: Context,
    ctx_raw: String,
    action: Action,
    keys: Vec<KeyAt>,
    desc: Option<String>,
}

/// A parsed file: its accepted entries in file order and its problems.
#[derive(Debug)]
struct Layer {
    lang: Lang,
    entries: Vec<LayerEntry>,
    errors: Vec<KeymapError>,
}

fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Levenshtein distance, for "did you mean".
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

fn suggest(name: &str) -> Option<String> {
    let limit = (name.chars().count() / 3).max(2);
    Action::all()
        .map(|a| (distance(name, a.name()), a.name()))
        .filter(|&(d, _)| d <= limit)
        .min()
        .map(|(_, n)| n.to_string())
}

type Item<'a, 'i> = (
    &'a Spanned<std::borrow::Cow<'i, str>>,
    &'a Spanned<DeValue<'i>>,
);

fn sorted_items<'a, 'i>(table: &'a DeTable<'i>) -> Vec<Item<'a, 'i>> {
    let mut items: Vec<Item<'a, 'i>> = table.iter().collect();
    items.sort_by_key(|(k, _)| k.span().start);
    items
}

struct Parser<'t> {
    text: &'t str,
    file: &'t str,
    errors: Vec<KeymapError>,
}

impl Parser<'_> {
    fn error(
        &mut self,
        offset: usize,
        context: Option<&str>,
        key: Option<&str>,
        actions: (&str, Option<&str>),
        kind: ErrorKind,
    ) {
        self.errors.push(KeymapError {
            file: self.file.to_string(),
            line: line_of(self.text, offset),
            context: context.map(str::to_string),
            key: key.map(str::to_string),
            actions: (actions.0.to_string(), actions.1.map(str::to_string)),
            kind,
        });
    }

    fn parse(mut self) -> Layer {
        let doc = match DeTable::parse(self.text) {
            Ok(doc) => doc,
            Err(e) => {
                let offset = e.span().map(|s| s.start).unwrap_or(0);
                let message = e.message().trim().to_string();
                self.error(
                    offset,
                    None,
                    None,
                    ("", None),
                    ErrorKind::Syntax { message },
                );
                return Layer {
                    lang: Lang::Vi,
                    entries: Vec::new(),
                    errors: self.errors,
                };
            }
        };
        let mut lang = Lang::Vi;
        let mut entries = Vec::new();
        for (k, v) in sorted_items(doc.get_ref()) {
            let name: &str = k.get_ref();
            let at = k.span().start;
            if name == "lang" {
                match v.get_ref() {
                    DeValue::String(s) => match Lang::parse(s) {
                        Some(l) => lang = l,
                        None => self.error(
                            v.span().start,
                            None,
                            None,
                            ("", None),
                            ErrorKind::BadLang {
                                value: format!("\"{s}\""),
                            },
                        ),
                    },
                    _ => self.error(
                        v.span().start,
                        None,
                        None,
                        ("", None),
                        ErrorKind::BadLang {
                            value: self.text[v.span()].to_string(),
                        },
                    ),
                }
                continue;
            }
            let Some(ctx) = Context::parse(name) else {
                self.error(at, Some(name), None, ("", None), ErrorKind::UnknownContext);
                continue;
            };
            let DeValue::Table(table) = v.get_ref() else {
                self.error(
                    at,
                    Some(name),
                    None,
                    ("", None),
                    ErrorKind::SectionNotATable,
                );
                continue;
            };
            for (ak, av) in sorted_items(table) {
                if let Some(entry) = self.entry(ctx, name, ak, av) {
                    entries.push(entry);
                }
            }
        }
        let entries = self.reject_collisions(entries);
        self.errors.sort_by_key(|e| e.line);
        Layer {
            lang,
            entries,
            errors: self.errors,
        }
    }

    /// Check one entry on its own; `None` when it must be skipped.
    fn entry(
        &mut self,
        ctx: Context,
        ctx_raw: &str,
        ak: &Spanned<std::borrow::Cow<'_, str>>,
        av: &Spanned<DeValue<'_>>,
    ) -> Option<LayerEntry> {
        let name: &str = ak.get_ref();
        let at = ak.span().start;
        let c = Some(ctx_raw);
        let Some(action) = Action::parse(name) else {
            let suggestion = suggest(name);
            self.error(
                at,
                c,
                None,
                (name, None),
                ErrorKind::UnknownAction { suggestion },
            );
            return None;
        };
        if !action.valid_in(ctx) {
            self.error(at, c, None, (name, None), ErrorKind::WrongContext);
            return None;
        }
        let DeValue::Table(fields) = av.get_ref() else {
            self.error(
                at,
                c,
                None,
                (name, None),
                ErrorKind::BadEntry {
                    problem: EntryProblem::NotATable,
                },
            );
            return None;
        };
        let mut ok = true;
        let mut keys_value = None;
        let mut desc_value = None;
        for (fk, fv) in sorted_items(fields) {
            match fk.get_ref().as_ref() {
                "keys" => keys_value = Some(fv),
                "desc" => desc_value = Some(fv),
                other => {
                    let kind = ErrorKind::UnknownField {
                        field: other.to_string(),
                    };
                    self.error(fk.span().start, c, None, (name, None), kind);
                    ok = false;
                }
            }
        }
        let mut keys: Vec<KeyAt> = Vec::new();
        match keys_value.map(|v| (v, v.get_ref())) {
            None => {
                self.error(at, c, None, (name, None), ErrorKind::NoKeys);
                ok = false;
            }
            Some((_, DeValue::Array(items))) if items.is_empty() => {
                self.error(at, c, None, (name, None), ErrorKind::NoKeys);
                ok = false;
            }
            Some((_, DeValue::Array(items))) => {
                for item in items.iter() {
                    let offset = item.span().start;
                    let DeValue::String(raw) = item.get_ref() else {
                        let kind = ErrorKind::BadEntry {
                            problem: EntryProblem::KeysNotStrings,
                        };
                        self.error(offset, c, None, (name, None), kind);
                        ok = false;
                        continue;
                    };
                    match parse_sequence(raw) {
                        Err((_, reason)) => {
                            let kind = ErrorKind::BadKey { reason };
                            self.error(offset, c, Some(raw), (name, None), kind);
                            ok = false;
                        }
                        Ok(seq) if reserved(ctx, &seq[0]) => {
                            self.error(offset, c, Some(raw), (name, None), ErrorKind::Reserved);
                            ok = false;
                        }
                        Ok(seq) => {
                            if !keys.iter().any(|k| k.seq == seq) {
                                keys.push(KeyAt {
                                    seq,
                                    raw: raw.to_string(),
                                    line: line_of(self.text, offset),
                                });
                            }
                        }
                    }
                }
            }
            Some((v, _)) => {
                let kind = ErrorKind::BadEntry {
                    problem: EntryProblem::KeysNotStrings,
                };
                self.error(v.span().start, c, None, (name, None), kind);
                ok = false;
            }
        }
        let desc = match desc_value.map(|v| (v, v.get_ref())) {
            Some((_, DeValue::String(s))) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Some((v, DeValue::String(_))) => {
                self.error(v.span().start, c, None, (name, None), ErrorKind::NoDesc);
                None
            }
            None => {
                self.error(at, c, None, (name, None), ErrorKind::NoDesc);
                None
            }
            Some((v, _)) => {
                let kind = ErrorKind::BadEntry {
                    problem: EntryProblem::DescNotString,
                };
                self.error(v.span().start, c, None, (name, None), kind);
                ok = false;
                None
            }
        };
        ok.then(|| LayerEntry {
            ctx,
            ctx_raw: ctx_raw.to_string(),
            action,
            keys,
            desc,
        })
    }

    /// Within one context of the file, a key on two actions, or a key that starts another
    /// sequence, makes both entries skipped.
    fn reject_collisions(&mut self, entries: Vec<LayerEntry>) -> Vec<LayerEntry> {
        let mut rejected = vec![false; entries.len()];
        for i in 0..entries.len() {
            for j in 0..=i {
                let (a, b) = (&entries[j], &entries[i]);
                if a.ctx != b.ctx {
                    continue;
                }
                for (ki, kb) in b.keys.iter().enumerate() {
                    // Within one entry compare each pair once.
                    let earlier = if i == j { &a.keys[..ki] } else { &a.keys[..] };
                    for ka in earlier {
                        let (kind, key, first, second, line) = if ka.seq == kb.seq {
                            (ErrorKind::Duplicate, &kb.raw, a, b, kb.line)
                        } else if kb.seq.starts_with(&ka.seq) {
                            let kind = ErrorKind::Shadow {
                                sequence: kb.raw.clone(),
                            };
                            (kind, &ka.raw, a, b, kb.line)
                        } else if ka.seq.starts_with(&kb.seq) {
                            let kind = ErrorKind::Shadow {
                                sequence: ka.raw.clone(),
                            };
                            (kind, &kb.raw, b, a, kb.line)
                        } else {
                            continue;
                        };
                        self.errors.push(KeymapError {
                            file: self.file.to_string(),
                            line,
                            context: Some(b.ctx_raw.clone()),
                            key: Some(key.clone()),
                            actions: (
                                first.action.name().to_string(),
                                Some(second.action.name().to_string()),
                            ),
                            kind,
                        });
                        rejected[i] = true;
                        rejected[j] = true;
                    }
                }
            }
        }
        entries
            .into_iter()
            .zip(rejected)
            .filter(|(_, r)| !r)
            .map(|(e, _)| e)
            .collect()
    }
}

fn parse_layer(text: &str, file: &str) -> Layer {
    Parser {
        text,
        file,
        errors: Vec::new(),
    }
    .parse()
}

// ---------------------------------------------------------------------------------------------
// The merged keymap.

#[derive(Clone, Debug)]
struct Bound {
    action: Action,
    keys: Vec<Vec<Key>>,
    desc_vi: Option<String>,
    desc_en: Option<String>,
}

impl Bound {
    fn desc(&self, lang: Lang) -> String {
        let own = match lang {
            Lang::Vi => &self.desc_vi,
            Lang::En => &self.desc_en,
        };
        own.clone()
            .unwrap_or_else(|| self.action.description(lang).to_string())
    }
}

#[derive(Clone, Debug, Default)]
struct ContextMap {
    bound: Vec<Bound>,
    exact: HashMap<Vec<Key>, Action>,
    prefixes: HashSet<Vec<Key>>,
    first_keys: HashSet<Key>,
}

impl ContextMap {
    fn rebuild(&mut self) {
        self.exact.clear();
        self.prefixes.clear();
        self.first_keys.clear();
        self.bound.sort_by_key(|b| b.action);
        for b in &self.bound {
            for seq in &b.keys {
                self.exact.insert(seq.clone(), b.action);
                for n in 1..seq.len() {
                    self.prefixes.insert(seq[..n].to_vec());
                }
                if let Some(k) = seq.first() {
                    self.first_keys.insert(*k);
                }
            }
        }
    }

    fn get(&self, action: Action) -> Option<&Bound> {
        self.bound
            .iter()
            .find(|b| b.action == action && !b.keys.is_empty())
    }
}

/// The live keymap: default, preset and user layers merged.
#[derive(Clone, Debug)]
pub struct Keymap {
    maps: Vec<ContextMap>,
}

impl Default for Keymap {
    /// The embedded default keymap.
    fn default() -> Keymap {
        load(None, None).0
    }
}

impl Keymap {
    fn empty() -> Keymap {
        Keymap {
            maps: vec![ContextMap::default(); Context::ALL.len()],
        }
    }

    fn map(&self, ctx: Context) -> &ContextMap {
        &self.maps[ctx as usize]
    }

    /// Merge a layer on top; returns warnings about actions left without keys.
    fn apply(&mut self, layer: &Layer, file: &str) -> Vec<KeymapError> {
        let mut warnings = Vec::new();
        let named: HashSet<(Context, Action)> =
            layer.entries.iter().map(|e| (e.ctx, e.action)).collect();
        for e in &layer.entries {
            let map = &mut self.maps[e.ctx as usize];
            for other in map.bound.iter_mut().filter(|b| b.action != e.action) {
                let had = !other.keys.is_empty();
                let mut taken: Option<&KeyAt> = None;
                other
                    .keys
                    .retain(|seq| match e.keys.iter().find(|k| conflicts(&k.seq, seq)) {
                        Some(k) => {
                            taken.get_or_insert(k);
                            false
                        }
                        None => true,
                    });
                if let Some(k) = taken
                    && had
                    && other.keys.is_empty()
                    && !named.contains(&(e.ctx, other.action))
                {
                    warnings.push(KeymapError {
                        file: file.to_string(),
                        line: k.line,
                        context: Some(e.ctx_raw.clone()),
                        key: Some(k.raw.clone()),
                        actions: (
                            e.action.name().to_string(),
                            Some(other.action.name().to_string()),
                        ),
                        kind: ErrorKind::Unbound,
                    });
                }
            }
            let keys: Vec<Vec<Key>> = e.keys.iter().map(|k| k.seq.clone()).collect();
            let slot = match map.bound.iter().position(|b| b.action == e.action) {
                Some(i) => i,
                None => {
                    map.bound.push(Bound {
                        action: e.action,
                        keys: Vec::new(),
                        desc_vi: None,
                        desc_en: None,
                    });
                    map.bound.len() - 1
                }
            };
            let b = &mut map.bound[slot];
            b.keys = keys;
            if let Some(d) = &e.desc {
                match layer.lang {
                    Lang::Vi => b.desc_vi = Some(d.clone()),
                    Lang::En => b.desc_en = Some(d.clone()),
                }
            }
        }
        for m in &mut self.maps {
            m.rebuild();
        }
        warnings
    }

    /// What `key`, pressed after the `pending` keys of an unfinished sequence, means in `ctx`.
    /// On `Pending` keep the keys and wait; on `Action` or `Unbound` clear them (see
    /// [`KeyBuffer`], which does this bookkeeping).
    pub fn resolve(&self, ctx: Context, pending: &[Key], key: impl Into<Key>) -> Resolution {
        let mut seq = pending.to_vec();
        seq.push(key.into());
        let own = self.map(ctx);
        if let Some(&a) = own.exact.get(&seq) {
            return Resolution::Action(a);
        }
        if own.prefixes.contains(&seq) {
            return Resolution::Pending;
        }
        if ctx == Context::Global || !self.global_reaches(ctx, &seq[0]) {
            return Resolution::Unbound;
        }
        let global = self.map(Context::Global);
        if let Some(&a) = global.exact.get(&seq) {
            Resolution::Action(a)
        } else if global.prefixes.contains(&seq) {
            Resolution::Pending
        } else {
            Resolution::Unbound
        }
    }

    /// Does a global binding starting with `first` apply in `ctx`?
    fn global_reaches(&self, ctx: Context, first: &Key) -> bool {
        ctx == Context::Global
            || (!self.map(ctx).first_keys.contains(first) && !reserved(ctx, first))
    }

    /// The context's own bindings (not the global ones), in action order, for the help screen.
    pub fn bindings(&self, ctx: Context, lang: Lang) -> Vec<Binding> {
        self.map(ctx)
            .bound
            .iter()
            .filter(|b| !b.keys.is_empty())
            .map(|b| Binding {
                keys: b.keys.iter().map(|s| display_sequence(s)).collect(),
                action: b.action,
                desc: b.desc(lang),
            })
            .collect()
    }

    /// Everything that works in `ctx`: its own bindings, then the global ones with the keys
    /// that still reach them there. For the hint bar and a context's help page.
    pub fn active_bindings(&self, ctx: Context, lang: Lang) -> Vec<Binding> {
        let mut out = self.bindings(ctx, lang);
        if ctx == Context::Global {
            return out;
        }
        for b in &self.map(Context::Global).bound {
            let keys: Vec<String> = b
                .keys
                .iter()
                .filter(|s| s.first().is_some_and(|k| self.global_reaches(ctx, k)))
                .map(|s| display_sequence(s))
                .collect();
            if !keys.is_empty() {
                out.push(Binding {
                    keys,
                    action: b.action,
                    desc: b.desc(lang),
                });
            }
        }
        out
    }

    /// The key to show for `action` in `ctx` (its first key, e.g. "F5"), from the context or a
    /// reachable global binding.
    pub fn hint(&self, ctx: Context, action: Action) -> Option<String> {
        if let Some(b) = self.map(ctx).get(action) {
            return b.keys.first().map(|s| display_sequence(s));
        }
        self.map(Context::Global).get(action).and_then(|b| {
            b.keys
                .iter()
                .find(|s| s.first().is_some_and(|k| self.global_reaches(ctx, k)))
                .map(|s| display_sequence(s))
        })
    }

    /// The description of `action` as bound in `ctx` (or globally), else the built-in one.
    pub fn description(&self, ctx: Context, action: Action, lang: Lang) -> String {
        self.map(ctx)
            .get(action)
            .or_else(|| self.map(Context::Global).get(action))
            .map(|b| b.desc(lang))
            .unwrap_or_else(|| action.description(lang).to_string())
    }
}

/// Keys typed so far of an unfinished sequence ("g" of "g g"), and the bookkeeping around
/// [`Keymap::resolve`]. When a sequence breaks off, the new key is tried on its own.
#[derive(Clone, Debug, Default)]
pub struct KeyBuffer {
    pending: Vec<Key>,
}

impl KeyBuffer {
    pub fn feed(&mut self, keymap: &Keymap, ctx: Context, key: impl Into<Key>) -> Resolution {
        let key = key.into();
        let mut r = keymap.resolve(ctx, &self.pending, key);
        if r == Resolution::Unbound && !self.pending.is_empty() {
            self.pending.clear();
            r = keymap.resolve(ctx, &[], key);
        }
        match r {
            Resolution::Pending => self.pending.push(key),
            _ => self.pending.clear(),
        }
        r
    }

    pub fn pending(&self) -> &[Key] {
        &self.pending
    }

    /// For the hint bar while a sequence is unfinished: "g".
    pub fn pending_display(&self) -> String {
        display_sequence(&self.pending)
    }

    pub fn clear(&mut self) {
        self.pending.clear();
    }
}

/// Build the live keymap: the embedded default, then a preset, then the user's file, each as
/// (text, file name). Problems never stop loading: bad entries keep the keys from the layers
/// below, and every problem is returned for the UI to show.
pub fn load(
    user: Option<(&str, &str)>,
    preset: Option<(&str, &str)>,
) -> (Keymap, Vec<KeymapError>) {
    let mut keymap = Keymap::empty();
    let mut problems = Vec::new();
    for (text, file) in [Some((DEFAULT_TOML, DEFAULT_FILE)), preset, user]
        .into_iter()
        .flatten()
    {
        let layer = parse_layer(text, file);
        let warnings = keymap.apply(&layer, file);
        problems.extend(layer.errors);
        problems.extend(warnings);
    }
    (keymap, problems)
}

/// Check a keymap file as it would be loaded on top of the default keymap. Empty when clean.
pub fn check(text: &str, file: &str) -> Vec<KeymapError> {
    let layer = parse_layer(text, file);
    let mut base = Keymap::empty();
    base.apply(&parse_layer(DEFAULT_TOML, DEFAULT_FILE), DEFAULT_FILE);
    let warnings = base.apply(&layer, file);
    let mut problems = layer.errors;
    problems.extend(warnings);
    problems.sort_by_key(|e| e.line);
    problems
}

/// [`check`] a file on disk (`thamdinh keys check FILE`).
pub fn check_file(path: &Path) -> Result<Vec<KeymapError>, std::io::Error> {
    let text = std::fs::read_to_string(path)?;
    Ok(check(&text, &path.display().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyEvent;

    fn key(s: &str) -> Key {
        Key::parse(s).unwrap()
    }

    fn user(text: &str) -> (Keymap, Vec<KeymapError>) {
        load(Some((text, "user.toml")), None)
    }

    #[test]
    fn default_and_presets_are_clean() {
        assert_eq!(check(DEFAULT_TOML, DEFAULT_FILE), vec![]);
        for (name, file, text) in PRESETS {
            assert_eq!(check(text, file), vec![], "preset {name}");
            let (_, problems) = load(None, Some((text, file)));
            assert_eq!(problems, vec![], "preset {name}");
        }
        assert!(preset("vim").is_some());
        assert!(preset("emacs").is_none());
    }

    #[test]
    fn every_action_has_a_default_key_somewhere() {
        let km = Keymap::default();
        for a in Action::all() {
            let bound = Context::ALL
                .iter()
                .any(|&c| km.bindings(c, Lang::Vi).iter().any(|b| b.action == a));
            assert!(bound, "{} has no default key", a.name());
        }
    }

    #[test]
    fn every_function_key_has_a_letter_alternative() {
        let km = Keymap::default();
        for ctx in [
            Context::Global,
            Context::Overview,
            Context::Workbench,
            Context::Walk,
            Context::Queue,
        ] {
            for b in km.bindings(ctx, Lang::Vi) {
                if b.keys.iter().any(|k| k.starts_with('F') && k.len() > 1) {
                    assert!(
                        b.keys.iter().any(|k| k.chars().count() == 1),
                        "{:?} in {:?}: {:?}",
                        b.action,
                        ctx,
                        b.keys
                    );
                }
            }
        }
    }

    #[test]
    fn resolves_context_then_global() {
        let km = Keymap::default();
        let r = |ctx, k: &str| km.resolve(ctx, &[], key(k));
        assert_eq!(
            r(Context::Workbench, "F5"),
            Resolution::Action(Action::ToggleDiffs)
        );
        assert_eq!(
            r(Context::Workbench, "d"),
            Resolution::Action(Action::ToggleDiffs)
        );
        assert_eq!(r(Context::Workbench, "q"), Resolution::Action(Action::Quit));
        assert_eq!(
            r(Context::Overview, "F5"),
            Resolution::Action(Action::FilterStatus)
        );
        // Lower-case letters are free in the overview so typing a name jumps to the unit.
        assert_eq!(r(Context::Overview, "s"), Resolution::Unbound);
        assert_eq!(r(Context::Overview, "F3"), Resolution::Unbound);
        // Esc is `back` globally but `cancel` in the editor.
        assert_eq!(
            r(Context::Overview, "Esc"),
            Resolution::Action(Action::Back)
        );
        assert_eq!(
            r(Context::Editor, "Esc"),
            Resolution::Action(Action::Cancel)
        );
        // Printable global keys are text in text-input contexts; F-keys still work.
        assert_eq!(r(Context::Editor, "q"), Resolution::Unbound);
        assert_eq!(r(Context::Palette, "?"), Resolution::Unbound);
        assert_eq!(r(Context::Editor, "F10"), Resolution::Action(Action::Quit));
        assert_eq!(r(Context::Editor, "F2"), Resolution::Action(Action::Save));
        // A context binding shadows the global one: Ctrl-P moves up inside the palette.
        assert_eq!(
            r(Context::Overview, "Ctrl-p"),
            Resolution::Action(Action::OpenPalette)
        );
        assert_eq!(
            r(Context::Palette, "Ctrl-p"),
            Resolution::Action(Action::MoveUp)
        );
        // Editing keys are text in the palette even if bound globally.
        let (km2, problems) = load(
            Some((
                "[global]\nredraw = { keys = [\"Left\"], desc = \"x\" }\n",
                "u.toml",
            )),
            None,
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            km2.resolve(Context::Overview, &[], key("Left")),
            Resolution::Action(Action::Redraw)
        );
        assert_eq!(
            km2.resolve(Context::Palette, &[], key("Left")),
            Resolution::Unbound
        );
        // Terminal events resolve like file keys.
        let ev = KeyEvent::new(KeyCode::Char('D'), KeyModifiers::SHIFT);
        assert_eq!(
            km.resolve(Context::Overview, &[], ev),
            Resolution::Action(Action::SortReverse)
        );
    }

    #[test]
    fn sequences_wait_for_the_next_key() {
        let (vim, _) = load(None, preset("vim"));
        let g = key("g");
        assert_eq!(vim.resolve(Context::Workbench, &[], g), Resolution::Pending);
        assert_eq!(
            vim.resolve(Context::Workbench, &[g], g),
            Resolution::Action(Action::Top)
        );
        assert_eq!(
            vim.resolve(Context::Workbench, &[g], key("x")),
            Resolution::Unbound
        );
        // A key buffer retries a broken-off sequence's last key on its own.
        let mut buf = KeyBuffer::default();
        assert_eq!(buf.feed(&vim, Context::Workbench, g), Resolution::Pending);
        assert_eq!(buf.pending_display(), "g");
        assert_eq!(
            buf.feed(&vim, Context::Workbench, key("j")),
            Resolution::Action(Action::MoveDown)
        );
        assert!(buf.pending().is_empty());
        buf.feed(&vim, Context::Workbench, g);
        assert_eq!(
            buf.feed(&vim, Context::Workbench, g),
            Resolution::Action(Action::Top)
        );
    }

    #[test]
    fn vim_preset_overrides_on_top_of_default() {
        let (vim, _) = load(None, preset("vim"));
        let r = |k: &str| vim.resolve(Context::Workbench, &[], key(k));
        assert_eq!(r("j"), Resolution::Action(Action::MoveDown));
        assert_eq!(r("h"), Resolution::Action(Action::Collapse));
        assert_eq!(r("H"), Resolution::Action(Action::History));
        assert_eq!(r("N"), Resolution::Action(Action::PrevDiff));
        assert_eq!(
            r("p"),
            Resolution::Unbound,
            "the preset replaced prev-diff's keys"
        );
        assert_eq!(r("Down"), Resolution::Action(Action::MoveDown));
        assert_eq!(
            r("F5"),
            Resolution::Action(Action::ToggleDiffs),
            "untouched"
        );
    }

    #[test]
    fn user_file_overrides_only_what_it_names() {
        let (km, problems) = user(
            "lang = \"en\"\n[workbench]\nagree = { keys = [\"y\"], desc = \"Accept\" }\n\
             toggle-diffs = { keys = [\"F5\", \"Z\"], desc = \"Diffs only\" }\n",
        );
        assert_eq!(problems, vec![]);
        let r = |k: &str| km.resolve(Context::Workbench, &[], key(k));
        assert_eq!(r("y"), Resolution::Action(Action::Agree));
        assert_eq!(r("a"), Resolution::Unbound);
        assert_eq!(r("Z"), Resolution::Action(Action::ToggleDiffs));
        assert_eq!(r("d"), Resolution::Unbound);
        assert_eq!(r("n"), Resolution::Action(Action::NextDiff));
        // Walk mode still has the default agree key.
        assert_eq!(
            km.resolve(Context::Walk, &[], key("a")),
            Resolution::Action(Action::Agree)
        );
        // The file's desc is English; Vietnamese keeps the default's text.
        assert_eq!(
            km.description(Context::Workbench, Action::Agree, Lang::En),
            "Accept"
        );
        assert_eq!(
            km.description(Context::Workbench, Action::Agree, Lang::Vi),
            "Đồng ý với điểm tự chấm"
        );
    }

    #[test]
    fn a_taken_key_leaves_the_other_action() {
        let (km, problems) = user("[workbench]\nagree = { keys = [\"d\"], desc = \"Đồng ý\" }\n");
        assert_eq!(problems, vec![]);
        let r = |k: &str| km.resolve(Context::Workbench, &[], key(k));
        assert_eq!(r("d"), Resolution::Action(Action::Agree));
        assert_eq!(r("F5"), Resolution::Action(Action::ToggleDiffs));
        assert_eq!(
            km.hint(Context::Workbench, Action::ToggleDiffs).as_deref(),
            Some("F5")
        );
    }

    #[test]
    fn a_bad_user_entry_keeps_the_defaults() {
        let (km, problems) = user(
            "[workbench]\nnext-diff = { keys = [\"Ctrl-Foo\"], desc = \"x\" }\n\
             prev-diff = { keys = [\"N\"], desc = \"Trước\" }\n",
        );
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, 2);
        let r = |k: &str| km.resolve(Context::Workbench, &[], key(k));
        assert_eq!(r("n"), Resolution::Action(Action::NextDiff));
        assert_eq!(r("N"), Resolution::Action(Action::PrevDiff));
        // Broken TOML: everything stays default.
        let (km, problems) = user("[workbench\n");
        assert!(matches!(problems[0].kind, ErrorKind::Syntax { .. }));
        assert_eq!(
            km.resolve(Context::Workbench, &[], key("n")),
            Resolution::Action(Action::NextDiff)
        );
    }

    #[test]
    fn help_and_hints_come_from_the_live_keymap() {
        let km = Keymap::default();
        assert_eq!(
            km.hint(Context::Workbench, Action::ToggleDiffs).as_deref(),
            Some("F5")
        );
        assert_eq!(
            km.hint(Context::Workbench, Action::Quit).as_deref(),
            Some("F10")
        );
        assert_eq!(km.hint(Context::Workbench, Action::Save), None);
        assert_eq!(
            km.hint(Context::Editor, Action::Save).as_deref(),
            Some("F2")
        );
        // '?' is text in the palette: the hint for help there is F1.
        assert_eq!(
            km.hint(Context::Palette, Action::Help).as_deref(),
            Some("F1")
        );
        let b = km.bindings(Context::Workbench, Lang::En);
        let diffs = b.iter().find(|b| b.action == Action::NextDiff).unwrap();
        assert_eq!(diffs.keys, vec!["F8", "n"]);
        assert_eq!(diffs.desc, "Next difference");
        let vi = km.bindings(Context::Workbench, Lang::Vi);
        let diffs = vi.iter().find(|b| b.action == Action::NextDiff).unwrap();
        assert_eq!(diffs.desc, "Chênh lệch tiếp theo");
        // Active bindings of the editor: its own, plus global ones not typed as text.
        let active = km.active_bindings(Context::Editor, Lang::En);
        let help = active.iter().find(|b| b.action == Action::Help).unwrap();
        assert_eq!(help.keys, vec!["F1"]);
        assert!(
            !active.iter().any(|b| b.action == Action::Back),
            "Esc is cancel here"
        );
        let (user_km, _) = user("[workbench]\nnext-diff = { keys = [\"j\"], desc = \"Sau\" }\n");
        assert_eq!(
            user_km
                .hint(Context::Workbench, Action::NextDiff)
                .as_deref(),
            Some("j")
        );
    }

    #[test]
    fn check_reports_line_key_and_both_actions() {
        let text = "[overview]\nsort-next = { keys = [\"s\"], desc = \"a\" }\n\
                    open = { keys = [\"s\"], desc = \"b\" }\n";
        let problems = check(text, "k.toml");
        assert_eq!(problems.len(), 1);
        let p = &problems[0];
        assert_eq!(p.line, 3);
        assert_eq!(p.key.as_deref(), Some("s"));
        assert_eq!(p.actions, ("sort-next".into(), Some("open".into())));
        assert_eq!(p.kind, ErrorKind::Duplicate);
        assert!(
            p.message(Lang::Vi)
                .starts_with("k.toml:3: [overview] phím \"s\"")
        );
        assert_eq!(p.to_string(), p.message(Lang::En));
    }

    #[test]
    fn suggestions_for_misspelt_actions() {
        assert_eq!(suggest("nxt-diff").as_deref(), Some("next-diff"));
        assert_eq!(suggest("toggle-dif").as_deref(), Some("toggle-diffs"));
        assert_eq!(suggest("completely-else"), None);
    }

    #[test]
    fn check_file_reads_from_disk() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k.toml");
        std::fs::write(&path, "[nowhere]\n").unwrap();
        let problems = check_file(&path).unwrap();
        assert_eq!(problems.len(), 1);
        assert!(problems[0].file.ends_with("k.toml"));
        assert!(check_file(&dir.path().join("missing.toml")).is_err());
    }
}
