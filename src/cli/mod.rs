//! The command line: arguments (`args`, the one definition behind help, man
//! page and completions) and what each command does (`run`), and how it fails (`error`).

pub mod args;
pub mod error;
pub mod run;
