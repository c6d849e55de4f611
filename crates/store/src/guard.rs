//! sled 0.34 panics on some damaged files instead of returning an error (an index out of
//! bounds while it recovers a `db` cut short, "cannot find pid" on the first read of a tree
//! whose pages were lost). A panic there is what an unreadable state is: [`catch`] turns it
//! into an error the store handles like any other (the state set aside and rebuilt from the
//! journal, `verify` naming it, `rebuild` setting it aside), and keeps it off the terminal.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// Set while this thread runs [`catch`]: the panic is told to the caller, not printed.
    static QUIET: Cell<bool> = const { Cell::new(false) };
    /// The message of the last panic caught on this thread.
    static CAUGHT: RefCell<Option<String>> = const { RefCell::new(None) };
}

static HOOK: Once = Once::new();

/// Wrap the panic hook in place once: panics inside [`catch`] are kept for its caller; every
/// other panic goes to the hook there was (the server's writes it to its log).
fn install() {
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if QUIET.with(Cell::get) {
                let at = info
                    .location()
                    .map(|l| format!(" at {}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                let msg = format!("{}{at}", payload(info.payload()));
                CAUGHT.with(|c| *c.borrow_mut() = Some(msg));
            } else {
                previous(info);
            }
        }));
    });
}

/// The text of a panic's payload.
fn payload(p: &(dyn Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "a panic without a message".into()
    }
}

/// Run `f` (something that reads sled), turning a panic into `Err` with its message.
pub(crate) fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    install();
    let was = QUIET.with(|q| q.replace(true));
    let r = panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    r.map_err(|p| {
        CAUGHT
            .with(|c| c.borrow_mut().take())
            .unwrap_or_else(|| payload(&*p))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_an_error_with_its_message() {
        let r: Result<(), String> = catch(|| panic!("index out of bounds: the len is 3"));
        let e = r.unwrap_err();
        assert!(
            e.starts_with("index out of bounds: the len is 3 at "),
            "{e}"
        );
        assert!(e.contains("guard.rs"), "{e}");
        assert_eq!(catch(|| 7), Ok(7));
    }
}
