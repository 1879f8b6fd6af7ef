//! The command line: arguments (`args`, the one definition behind help, man
//! page and completions) and what each command does (`run`).

pub mod args;
pub mod run;
