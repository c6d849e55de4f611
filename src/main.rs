use std::process::ExitCode;

/// mimalloc instead of glibc's malloc: the server's large commands (a 200,000-row import, a
/// verify, a backup) allocate and free millions of small values; glibc spent about 40 % of an
/// import in malloc and free and kept the freed memory in its arenas afterwards, while mimalloc
/// is faster at this pattern and returns freed memory to the system (SPEC P5, P6).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Behave like other Unix tools when the reader of our output goes away (`thamdinh audit | head`):
    // end quietly instead of panicking on a failed write to stdout.
    // SAFETY: called before any other thread exists; SIG_DFL is a valid disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    // `--help` and clap's messages in the language of the command line (--lang, else vi).
    let cli = thamdinh::cli::parse();
    // A store's files are private to the account that owns it (docs/SHARED_STORE.md): commands
    // that may create them (init, demo, restore, rebuild, serve, …) make everything 0600/0700
    // whatever the umask. Files a user asked for elsewhere (an export, a report, a template,
    // sample data, a keymap, from the workbench) keep the user's umask; a server the workbench
    // starts is a `serve` process of its own.
    use thamdinh::cli::Cmd;
    if !matches!(
        cli.command,
        None | Some(
            Cmd::Export(_) | Cmd::Report(_) | Cmd::Template(_) | Cmd::Sample(_) | Cmd::Keys(_)
        )
    ) {
        net::server::private_umask();
    }
    match thamdinh::cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            // Messages quote file contents and names as written: shown inert on the terminal.
            eprintln!("thamdinh: {}", text::inert(&format!("{e:#}")));
            ExitCode::FAILURE
        }
    }
}
