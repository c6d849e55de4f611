//! Keymaps (SPEC W8): load, validate and merge keymap files, and resolve key presses to
//! [`Action`](crate::Action)s. `parse` reads one file into a layer with file/line errors,
//! `resolve` merges the layers and says what a key means, `messages` words the problems in
//! Vietnamese and English.
//!
//! # Files
//! Action-first TOML, one table per [`Context`](crate::Context) (see `keymaps/default.toml`):
//! ```toml
//! lang = "vi"          # the language of the `desc` texts below: "vi" (default) or "en"
//! [workbench]
//! next-diff = { keys = ["n", "Ctrl-n"], desc = "Chênh lệch tiếp theo" }
//! ```
//! The first key of an action is the one the hint bar shows. Key syntax: see [`crate::key`].
//!
//! # Layers
//! The embedded default comes first, then a preset (`keymaps/vim.toml`), then the user's file.
//! A layer replaces the keys of the actions it names (in that context) and nothing else. When a
//! layer gives an action a key that another action had in the same context — or a key that is a
//! prefix or extension of one of its sequences — the other action loses that key; if that leaves
//! it with no key at all, a warning says so ([`ErrorKind::Unbound`]).
//!
//! # Descriptions
//! Every action has a built-in description in Vietnamese and English (`Action::description`). A
//! file's `desc` replaces it for the language the file declares with `lang` (Vietnamese if
//! absent); the other language keeps the built-in text (or an earlier layer's `desc` in it).
//!
//! # Resolution
//! A context's own bindings come first; a `global` binding applies in every context
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

mod messages;
mod parse;
mod resolve;

pub use messages::{EntryProblem, ErrorKind, KeymapError};
pub use resolve::{Binding, KeyBuffer, Keymap, Resolution};

use std::path::{Path, PathBuf};

use parse::parse_layer;

/// The embedded default keymap.
pub const DEFAULT_TOML: &str = include_str!("../../../../keymaps/default.toml");
/// How the default keymap is named in messages.
pub const DEFAULT_FILE: &str = "keymaps/default.toml";
/// Bundled presets: (name, file name for messages, text).
pub const PRESETS: &[(&str, &str, &str)] = &[(
    "vim",
    "keymaps/vim.toml",
    include_str!("../../../../keymaps/vim.toml"),
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
    use crate::action::{Action, Context, InPalette};
    use crate::key::Key;
    use l10n::Lang;

    fn key(s: &str) -> Key {
        Key::parse(s).unwrap()
    }

    fn user(text: &str) -> (Keymap, Vec<KeymapError>) {
        load(Some((text, "user.toml")), None)
    }

    #[test]
    fn default_and_presets_are_clean() {
        // Clean: no unknown context or action, every action in a context it belongs to.
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
    fn every_action_is_bound_in_default_toml_or_palette_only() {
        let km = Keymap::default();
        for a in Action::all() {
            let bound = Context::ALL
                .iter()
                .any(|&c| km.bindings(c, Lang::Vi).iter().any(|b| b.action == a));
            if a.palette() == InPalette::Only {
                assert!(!bound, "{} is palette-only but has a default key", a.name());
            } else {
                assert!(
                    bound,
                    "{} has no default key and is not palette-only",
                    a.name()
                );
            }
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
    fn a_user_file_can_leave_the_mouse_to_the_terminal() {
        assert!(load(None, None).0.mouse(), "on by default");
        assert!(load(None, preset("vim")).0.mouse());
        let (km, problems) = load(Some(("mouse = false\n", "u.toml")), None);
        assert!(problems.is_empty(), "{problems:?}");
        assert!(!km.mouse());
        // Not a boolean: named, and the mouse stays on.
        let (km, problems) = load(Some(("mouse = \"no\"\n", "u.toml")), None);
        assert!(km.mouse());
        assert_eq!(problems.len(), 1, "{problems:?}");
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
            vim.resolve(Context::Workbench, &[], key("F8")),
            Resolution::Unbound,
            "F8 clears filters elsewhere: no other meaning in a unit"
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
