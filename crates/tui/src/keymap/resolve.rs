//! The live keymap: the layers merged (a layer's keys take over from the layers below; an action
//! left without keys is reported), and what a key press means in a context — the context's own
//! bindings, then the global ones it does not shadow; sequences that wait for their next key; and
//! keys that belong to the text in text inputs.

use std::collections::{HashMap, HashSet};

use ratatui::crossterm::event::{KeyCode, KeyModifiers};

use super::load;
use super::messages::{ErrorKind, KeymapError};
use super::parse::{KeyAt, Layer};
use crate::action::{Action, Context};
use crate::key::{Key, display_sequence};
use l10n::Lang;

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

/// Keys that belong to the text in a text-input context.
pub(super) fn reserved(ctx: Context, key: &Key) -> bool {
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
    /// Whether the workbench takes the mouse (a file's `mouse = false` says no).
    mouse: bool,
}

impl Default for Keymap {
    /// The embedded default keymap.
    fn default() -> Keymap {
        load(None, None).0
    }
}

impl Keymap {
    pub(super) fn empty() -> Keymap {
        Keymap {
            maps: vec![ContextMap::default(); Context::ALL.len()],
            mouse: true,
        }
    }

    fn map(&self, ctx: Context) -> &ContextMap {
        &self.maps[ctx as usize]
    }

    /// Merge a layer on top; returns warnings about actions left without keys.
    pub(super) fn apply(&mut self, layer: &Layer, file: &str) -> Vec<KeymapError> {
        let mut warnings = Vec::new();
        if let Some(m) = layer.mouse {
            self.mouse = m;
        }
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

    /// Whether the workbench takes the mouse: on unless a keymap file says `mouse = false`
    /// (`--no-mouse` turns it off whatever the file says).
    pub fn mouse(&self) -> bool {
        self.mouse
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

#[cfg(test)]
mod tests {
    use super::super::preset;
    use super::*;
    use ratatui::crossterm::event::KeyEvent;

    fn key(s: &str) -> Key {
        Key::parse(s).unwrap()
    }

    fn user(text: &str) -> (Keymap, Vec<KeymapError>) {
        load(Some((text, "user.toml")), None)
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
        assert_eq!(diffs.keys, vec!["n"]);
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
}
