//! The `briefing` binary: parse arguments, run one command, exit with its code.

use std::process::ExitCode;

use clap::Parser;

mod cli;

// Layout and PDF writing make millions of small allocations (a glyph, a PDF
// operator); glibc's malloc and free were a quarter of all instructions.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::args::Cli::parse();
    match cli::run::run(cli.command, cli.diagnostic_format) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            error.print();
            error.exit_code()
        }
    }
}
