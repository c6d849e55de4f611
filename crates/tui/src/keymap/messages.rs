//! Problems in keymap files: what went wrong and where (file, line, context, key, actions), and
//! the message for the user in Vietnamese or English, saying what is used instead.

use std::fmt;

use crate::action::{Action, Context};
use crate::key::KeyParseError;
use l10n::Lang;

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
    /// `mouse = …` that is not `true` or `false`.
    BadMouse {
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
            ErrorKind::BadMouse { value } => {
                if vi {
                    format!(
                        "{loc}: mouse = {value} không hợp lệ; hãy viết mouse = false (không dùng \
                         chuột) hoặc mouse = true; chuột vẫn bật."
                    )
                } else {
                    format!(
                        "{loc}: mouse = {value} is not valid; write mouse = false (no mouse) or \
                         mouse = true; the mouse stays on."
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
