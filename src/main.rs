use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Behave like other Unix tools when the reader of our output goes away (`thamdinh audit | head`):
    // end quietly instead of panicking on a failed write to stdout.
    // SAFETY: called before any other thread exists; SIG_DFL is a valid disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = thamdinh::cli::Cli::parse();
    match thamdinh::cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            // Messages quote file contents and names as written: shown inert on the terminal.
            eprintln!("thamdinh: {}", text::inert(&format!("{e:#}")));
            ExitCode::FAILURE
        }
    }
}
