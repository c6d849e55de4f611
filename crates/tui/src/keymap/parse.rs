//! Reading one keymap file into a layer: its language, the accepted entries in file order, and
//! every problem with its file and line. Collisions inside the file are found here; the layers
//! are merged in `resolve`.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::messages::{EntryProblem, ErrorKind, KeymapError};
use super::resolve::reserved;
use crate::action::{Action, Context};
use crate::key::{Key, parse_sequence};
use l10n::Lang;

/// One key of an entry: the parsed sequence, as written, and its line.
#[derive(Clone, Debug)]
pub(super) struct KeyAt {
    pub(super) seq: Vec<Key>,
    pub(super) raw: String,
    pub(super) line: usize,
}

/// One accepted `action = { keys, desc }` of a file.
#[derive(Clone, Debug)]
pub(super) struct LayerEntry {
    pub(super) ctx: Context,
    pub(super) ctx_raw: String,
    pub(super) action: Action,
    pub(super) keys: Vec<KeyAt>,
    pub(super) desc: Option<String>,
}

/// A parsed file: its accepted entries in file order and its problems.
#[derive(Debug)]
pub(super) struct Layer {
    pub(super) lang: Lang,
    /// `mouse = false` (or `true`) at the top of the file: whether the workbench takes the mouse.
    pub(super) mouse: Option<bool>,
    pub(super) entries: Vec<LayerEntry>,
    pub(super) errors: Vec<KeymapError>,
}

fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The closest action name, for "did you mean" (a third of the name's letters may differ, at
/// least two).
fn suggest(name: &str) -> Option<String> {
    let limit = (name.chars().count() / 3).max(2);
    Action::all()
        .map(|a| (strsim::levenshtein(name, a.name()), a.name()))
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
                    mouse: None,
                    entries: Vec::new(),
                    errors: self.errors,
                };
            }
        };
        let mut lang = Lang::Vi;
        let mut mouse = None;
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
            if name == "mouse" {
                match v.get_ref() {
                    DeValue::Boolean(b) => mouse = Some(*b),
                    _ => self.error(
                        v.span().start,
                        None,
                        None,
                        ("", None),
                        ErrorKind::BadMouse {
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
            mouse,
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

pub(super) fn parse_layer(text: &str, file: &str) -> Layer {
    Parser {
        text,
        file,
        errors: Vec::new(),
    }
    .parse()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_for_misspelt_actions() {
        assert_eq!(suggest("nxt-diff").as_deref(), Some("next-diff"));
        assert_eq!(suggest("toggle-dif").as_deref(), Some("toggle-diffs"));
        assert_eq!(suggest("completely-else"), None);
    }
}
