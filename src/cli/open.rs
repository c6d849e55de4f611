//! Finding and opening the store, and who the user is.

use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};

use std::sync::Arc;

use api::Workbench;
use l10n::Lang;
use net::client::connect_or_start;

/// `<data dir>/thamdinh/store`, e.g. `~/.local/share/thamdinh/store`.
pub fn default_store_dir() -> anyhow::Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("vn", "", "thamdinh").ok_or_else(|| {
        anyhow!("cannot find a home directory for the default store; pass --store DIR")
    })?;
    Ok(dirs.data_dir().join("store"))
}

pub(crate) fn data_dir() -> anyhow::Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("vn", "", "thamdinh")
        .ok_or_else(|| anyhow!("cannot find a home directory; pass --store DIR"))?;
    Ok(dirs.data_dir().to_path_buf())
}

/// The OS user running this process. Identity is never taken from a flag or a variable.
pub fn os_user() -> anyhow::Result<String> {
    let uid = uzers::get_current_uid();
    uzers::get_user_by_uid(uid)
        .map(|u| u.name().to_string_lossy().into_owned())
        .with_context(|| format!("user id {uid} has no entry in the system user database"))
}

pub(crate) fn store_dir(store: Option<PathBuf>, lang: Lang) -> anyhow::Result<PathBuf> {
    match store {
        Some(p) if p.as_os_str() == DEMO => {
            let dir = demo_store_dir()?;
            if !store::Store::exists(&dir) {
                anyhow::bail!(match lang {
                    Lang::Vi => format!(
                        "kho minh họa chưa được tạo ({}). Chạy `thamdinh demo` một lần: lệnh đó tạo kho minh họa và mở bàn làm việc trên đó; sau đó --store demo dùng được cho mọi lệnh.",
                        dir.display()
                    ),
                    Lang::En => format!(
                        "the demo store has not been built yet ({}). Run `thamdinh demo` once: it builds the demo store and opens the workbench on it; --store demo then works with every command.",
                        dir.display()
                    ),
                });
            }
            Ok(dir)
        }
        Some(p) => Ok(p),
        None => default_store_dir(),
    }
}

/// `--store demo` names the demo store (a folder called `demo` here is `./demo`).
pub(crate) const DEMO: &str = "demo";

/// `<data dir>/thamdinh/demo`: the store `thamdinh demo` builds and opens.
pub(crate) fn demo_store_dir() -> anyhow::Result<PathBuf> {
    Ok(data_dir()?.join("demo"))
}

/// Open an existing store: connect to its server (starting one if none runs). The server
/// identifies the user from the socket; nothing here can claim another identity.
pub fn open_workbench(dir: &Path, lang: Lang) -> anyhow::Result<Arc<dyn Workbench>> {
    let wb = connect_or_start(dir).map_err(|e| {
        let mut msg = e.message(lang);
        if let Some(hint) = demo_hint(dir, &e, lang) {
            msg.push(' ');
            msg.push_str(&hint);
        }
        anyhow!(msg)
    })?;
    Ok(Arc::new(wb))
}

/// When the default store does not exist but the demo store does, a newcomer who has just run
/// `thamdinh demo` is most likely looking for it: say how to name it.
fn demo_hint(dir: &Path, e: &net::client::ClientError, lang: Lang) -> Option<String> {
    if !matches!(e, net::client::ClientError::NotAStore { .. }) {
        return None;
    }
    if default_store_dir().ok()?.as_path() != dir {
        return None;
    }
    let demo = demo_store_dir().ok()?;
    store::Store::exists(&demo).then(|| {
        lang.pick(
            "Kho minh họa mà `thamdinh demo` mở thì có: thêm --store demo vào lệnh (ví dụ: \
             thamdinh --store demo audit --unit 44 --item 1.3.1).",
            "The demo store that `thamdinh demo` opens is there: add --store demo to the command \
             (e.g. thamdinh --store demo audit --unit 44 --item 1.3.1).",
        )
        .to_string()
    })
}

/// The year to work on: the one given, or the store's only/latest year.
pub(crate) fn pick_year(
    wb: &dyn api::Workbench,
    year: Option<u16>,
    lang: Lang,
) -> anyhow::Result<u16> {
    if let Some(y) = year {
        return Ok(y);
    }
    let years = wb.years().map_err(|e| anyhow!(e.message(lang)))?;
    years.last().copied().ok_or_else(|| {
        anyhow!(lang.pick(
            "kho chưa có năm đánh giá nào; tạo bằng: thamdinh init --year NĂM",
            "the store has no assessment year yet; create one with: thamdinh init --year YEAR",
        ))
    })
}

/// Read with `read` at one seal: the seal is read before and after, and the read is done again
/// (a few times) if a change was committed meanwhile, so what a report shows is exactly the
/// store at the seal it prints.
pub(crate) fn at_one_seal<T>(
    wb: &dyn api::Workbench,
    lang: Lang,
    mut read: impl FnMut() -> anyhow::Result<T>,
) -> anyhow::Result<(T, domain::Seal)> {
    let mut tries = 0;
    loop {
        let before = wb.seal().map_err(engine_err(lang))?;
        let value = read()?;
        let after = wb.seal().map_err(engine_err(lang))?;
        tries += 1;
        if before == after || tries >= 5 {
            return Ok((value, after));
        }
    }
}

/// Turn an engine error into a message in the user's language.
pub(crate) fn engine_err(lang: Lang) -> impl Fn(api::WorkbenchError) -> anyhow::Error {
    move |e| anyhow!(e.message(lang))
}
