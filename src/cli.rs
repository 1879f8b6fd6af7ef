//! Command-line definitions (clap derive). Only the shape of the interface
//! lives here; `main.rs` turns it into work.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Turn a JSON manifest and its data into a finished PDF briefing.
///
/// Exit codes: 0 success, 1 problems in the input files, 2 usage errors,
/// 3 I/O failures (a file could not be read or written).
#[derive(Debug, Parser)]
#[command(name = "briefing", version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render a manifest to PDF.
    ///
    /// Without MANIFEST, renders the built-in London briefing.
    /// Example: `briefing build data/london-2018/briefing.json -o london.pdf`
    Build {
        /// The manifest (JSON) to render; paths inside it are relative to its folder.
        manifest: Option<PathBuf>,
        /// Where to write the PDF. The file is replaced only if the build succeeds.
        #[arg(short, long, default_value = "briefing.pdf")]
        output: PathBuf,
        /// Paper size, overriding the manifest's `paper`.
        #[arg(long, value_enum)]
        paper: Option<PaperArg>,
        /// Folder that data files may be read from (default: the manifest's folder).
        /// Example: `--data-root data` lets data/london-latest/briefing.json read ../london-2018/*.csv
        #[arg(long, value_name = "DIR")]
        data_root: Option<PathBuf>,
        /// Also write every figure as SVG and PNG (figure-1.svg, figure-1.png, ...) into DIR,
        /// for slides and email bodies. The folder is created if needed.
        /// Example: `briefing build --charts charts/`
        #[arg(long, value_name = "DIR")]
        charts: Option<PathBuf>,
    },
    /// Validate a manifest, read its data and evaluate every figure; report every problem, write no PDF.
    ///
    /// Without MANIFEST, checks the built-in London briefing.
    /// Example: `briefing check my-briefing/briefing.json`
    Check {
        /// The manifest (JSON) to check.
        manifest: Option<PathBuf>,
        /// Folder that data files may be read from (default: the manifest's folder).
        #[arg(long, value_name = "DIR")]
        data_root: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PaperArg {
    A4,
    Letter,
}
