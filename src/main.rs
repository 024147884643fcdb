//! The `versnelling` command line: parses arguments and calls into the library (`cli`).

use std::process::ExitCode;

use clap::Parser;
use versnelling::cli::{self, args::Cli};

fn main() -> ExitCode {
    versnelling::init_process();
    let cli = Cli::parse();
    match cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
