//! The binary's one error type: how a command failed, which exit code that
//! gives (the contract in `--help`), and the message, printed in one place
//! (`main`). Problems in the user's files are printed as diagnostics before
//! the command fails; their error carries only the closing summary line.

use std::fmt;
use std::process::ExitCode;

/// Why a command failed.
#[derive(Debug)]
pub enum Error {
    /// Problems in the input (manifest, data, template): exit code 1. The
    /// message sums them up ("build failed: 2 errors, 0 warnings; no PDF
    /// written"); it may be empty when the summary was already printed.
    Input(String),
    /// A command line that asks for something impossible: exit code 2.
    Usage(String),
    /// A file or stream that cannot be read or written: exit code 3.
    Io(String),
}

impl Error {
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(match self {
            Error::Input(_) => 1,
            Error::Usage(_) => 2,
            Error::Io(_) => 3,
        })
    }

    /// Prints the error on standard error, once, at the end of the run.
    pub fn print(&self) {
        match self {
            Error::Input(summary) if summary.is_empty() => {}
            Error::Input(summary) => eprintln!("{summary}"),
            Error::Usage(message) | Error::Io(message) => eprintln!("{self}: {message}"),
        }
    }
}

impl fmt::Display for Error {
    /// The label printed before the message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("error")
    }
}
