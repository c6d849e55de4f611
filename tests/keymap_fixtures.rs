//! Keymap files in `tests/fixtures/keymaps/`: every `good_*.toml` (and the bundled default and
//! presets) must check clean; every other `X.toml` must give exactly the English messages in
//! `X.expected`, one per line. Set `BLESS=1` to rewrite the `.expected` files after a deliberate
//! change of wording, then review the diff.

use std::path::{Path, PathBuf};

use l10n::Lang;
use tui::keymap::{self, ErrorKind, Resolution, check, check_file, load};
use tui::{Action, Context, Key};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/keymaps")
}

fn toml_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

fn name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

#[test]
fn bundled_keymaps_check_clean() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in ["keymaps/default.toml", "keymaps/vim.toml"] {
        let problems = check_file(&root.join(file)).unwrap();
        assert!(problems.is_empty(), "{file}: {problems:#?}");
    }
    // The embedded copy is the file in the repository.
    let on_disk = std::fs::read_to_string(root.join("keymaps/default.toml")).unwrap();
    assert_eq!(on_disk, keymap::DEFAULT_TOML);
}

#[test]
fn every_fixture_gives_its_expected_messages() {
    let bless = std::env::var_os("BLESS").is_some();
    let mut bad = 0;
    for path in toml_files() {
        let file = name(&path);
        let text = std::fs::read_to_string(&path).unwrap();
        let got: Vec<String> = check(&text, &file)
            .iter()
            .map(|e| e.message(Lang::En))
            .collect();
        if file.starts_with("good_") {
            assert!(
                got.is_empty(),
                "{file} should be clean:\n{}",
                got.join("\n")
            );
            continue;
        }
        bad += 1;
        assert!(!got.is_empty(), "{file} should have problems");
        let expected_path = path.with_extension("expected");
        if bless {
            std::fs::write(&expected_path, got.join("\n") + "\n").unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|_| panic!("missing {}", name(&expected_path)));
        let want: Vec<&str> = want.lines().collect();
        assert_eq!(got, want, "{file}");
    }
    assert!(bad >= 14, "one bad fixture per problem kind");
}

#[test]
fn every_problem_kind_has_a_fixture() {
    let mut kinds: Vec<String> = Vec::new();
    for path in toml_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        for e in check(&text, &name(&path)) {
            let k = format!("{:?}", e.kind);
            let k = k.split([' ', '{', '(']).next().unwrap().to_string();
            if !kinds.contains(&k) {
                kinds.push(k);
            }
        }
    }
    kinds.sort();
    let mut want = vec![
        "BadEntry",
        "BadKey",
        "BadLang",
        "BadMouse",
        "Duplicate",
        "NoDesc",
        "NoKeys",
        "Reserved",
        "SectionNotATable",
        "Shadow",
        "Syntax",
        "Unbound",
        "UnknownAction",
        "UnknownContext",
        "UnknownField",
        "WrongContext",
    ];
    want.sort();
    assert_eq!(kinds, want);
}

#[test]
fn messages_exist_in_vietnamese_too() {
    for path in toml_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let file = name(&path);
        for e in check(&text, &file) {
            let vi = e.message(Lang::Vi);
            assert!(vi.starts_with(&file), "{vi}");
            assert_ne!(vi, e.message(Lang::En));
        }
    }
}

#[test]
fn a_bad_user_file_loads_with_defaults_and_warnings() {
    let text = std::fs::read_to_string(fixtures().join("duplicate.toml")).unwrap();
    let (km, problems) = load(Some((&text, "duplicate.toml")), None);
    assert_eq!(problems.len(), 2);
    assert!(problems.iter().all(|p| p.kind == ErrorKind::Duplicate));
    let r = |ctx, k: &str| km.resolve(ctx, &[], Key::parse(k).unwrap());
    // Both colliding entries were skipped: the defaults stand.
    assert_eq!(
        r(Context::Workbench, "a"),
        Resolution::Action(Action::Agree)
    );
    assert_eq!(
        r(Context::Workbench, "n"),
        Resolution::Action(Action::NextDiff)
    );
    assert_eq!(r(Context::Global, "F10"), Resolution::Action(Action::Quit));
    assert_eq!(r(Context::Global, "F1"), Resolution::Action(Action::Help));
}

#[test]
fn the_good_user_file_changes_what_it_names() {
    let text = std::fs::read_to_string(fixtures().join("good_user_en.toml")).unwrap();
    let (vim_text, vim_file) = keymap::preset("vim").unwrap();
    let (km, problems) = load(
        Some((&text, "good_user_en.toml")),
        Some((vim_text, vim_file)),
    );
    assert!(problems.is_empty(), "{problems:#?}");
    let k = |s: &str| Key::parse(s).unwrap();
    let r = |ctx, s: &str| km.resolve(ctx, &[], k(s));
    assert_eq!(
        r(Context::Workbench, "y"),
        Resolution::Action(Action::Agree)
    );
    assert_eq!(
        r(Context::Workbench, "J"),
        Resolution::Action(Action::NextDiff)
    );
    // From the vim preset, under the user file.
    assert_eq!(
        r(Context::Workbench, "j"),
        Resolution::Action(Action::MoveDown)
    );
    assert_eq!(r(Context::Workbench, "g"), Resolution::Pending);
    assert_eq!(
        km.resolve(Context::Workbench, &[k("g")], k("e")),
        Resolution::Action(Action::Bottom)
    );
    assert_eq!(
        r(Context::Editor, "Ctrl-q"),
        Resolution::Action(Action::Quit)
    );
    assert_eq!(r(Context::Workbench, "q"), Resolution::Unbound);
    assert_eq!(
        km.description(Context::Global, Action::Quit, Lang::En),
        "Leave"
    );
    assert_eq!(
        km.description(Context::Global, Action::Quit, Lang::Vi),
        "Thoát"
    );
}

/// Issue 14: a function key means one thing on every screen (the table in docs/KEYS.md). Each
/// function key of the default and vim keymaps is bound, wherever it is bound, to one meaning.
#[test]
fn a_function_key_means_the_same_on_every_screen() {
    use Action as A;
    let meaning = |key: &str| -> Option<&'static [Action]> {
        Some(match key {
            "F1" => &[A::Help],
            "F2" => &[A::SetScore, A::Save],
            "F3" => &[A::History],
            "F4" => &[A::FilterRegion],
            "Shift-F4" => &[A::FilterAppraiser],
            "F5" => &[A::FilterStatus, A::ToggleDiffs],
            "Shift-F5" => &[A::FilterArea],
            "F6" => &[A::SortNext],
            "Shift-F6" => &[A::SortReverse],
            "F7" => &[A::Queue],
            "F8" => &[A::ClearFilters],
            "F9" => &[A::Ranking],
            "Shift-F9" => &[A::Sipas],
            "F10" => &[A::Quit],
            "F12" => &[A::Explain],
            _ => return None,
        })
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let vim = std::fs::read_to_string(root.join("keymaps/vim.toml")).unwrap();
    for (name, km) in [
        ("default", load(None, None).0),
        ("vim", load(None, Some((vim.as_str(), "vim.toml"))).0),
    ] {
        let mut seen = 0;
        for ctx in Context::ALL {
            for b in km.bindings(ctx, Lang::En) {
                for k in &b.keys {
                    let is_fkey = k
                        .trim_start_matches("Shift-")
                        .strip_prefix('F')
                        .is_some_and(|n| n.parse::<u8>().is_ok());
                    if !is_fkey {
                        continue;
                    }
                    seen += 1;
                    let allowed = meaning(k)
                        .unwrap_or_else(|| panic!("{name}: {k} has no meaning in the table"));
                    assert!(
                        allowed.contains(&b.action),
                        "{name}: {k} is {} in [{}], not {allowed:?}",
                        b.action.name(),
                        ctx.name()
                    );
                }
            }
        }
        assert!(seen > 20, "{name}: only {seen} function keys seen");
    }
}
