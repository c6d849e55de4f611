use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = thamdinh::cli::Cli::parse();
    match thamdinh::cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("thamdinh: {e:#}");
            ExitCode::FAILURE
        }
    }
}
