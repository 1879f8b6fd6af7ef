//! Command-line definitions (clap derive). Only the shape of the interface
//! lives here, documented once: `--help`, the man page and the shell
//! completions are all generated from it. `main.rs` turns it into work.

use std::path::PathBuf;

use briefing::export::email::Mailbox;
use clap::{Args, Parser, Subcommand, ValueEnum};

/// Turn a JSON manifest and its CSV data into a finished PDF briefing.
///
/// Every figure is computed from the data, every quote and figure is cited,
/// and the same input always gives the same PDF.
#[derive(Debug, Parser)]
#[command(name = "briefing", version, about, long_about, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// How problems are printed: `human` shows the offending line of the file, `short` one line per problem for editors and CI, e.g. `--diagnostic-format short`.
    #[arg(long, global = true, value_enum, default_value_t = DiagnosticFormat::Human, value_name = "FORMAT")]
    pub diagnostic_format: DiagnosticFormat,
}

/// Shown after `--help` (and in the man page): examples and the exit-code contract.
const AFTER_HELP: &str = "Examples:
  briefing build                      render ./briefing.json (or, if there is none, the built-in London briefing) to briefing.pdf
  briefing init my-briefing           start your own from a copy of it
  briefing check my-briefing/briefing.json

Exit codes:
  0  success (warnings may have been printed)
  1  problems in the input files, or a PDF over --max-size
  2  usage errors (a bad option or argument)
  3  I/O failures (a file could not be read or written)
A reader closing standard output early (briefing schema | head) is not an error.";

/// `--diagnostic-format`: see [`briefing::diag::Format`].
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DiagnosticFormat {
    Human,
    Short,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render a manifest to PDF.
    ///
    /// Without MANIFEST, renders `briefing.json` in the current folder, or
    /// the built-in London briefing when there is none. The PDF is
    /// written to a temporary file and renamed into place, so a failed build
    /// never leaves a partial file or replaces a good one.
    #[command(
        after_help = "Examples:\n  briefing build\n  briefing build my-briefing/briefing.json -o my-briefing.pdf --summary md\n  briefing build my-briefing/briefing.json --gray --marking \"OFFICIAL-SENSITIVE\" --max-size 2MB\n  briefing build my-briefing/briefing.json -o my-briefing.pdf --eml --to \"Committee <committee@example.org>\""
    )]
    Build(BuildArgs),
    /// Render one briefing per area (borough, force...) from a template, in parallel.
    ///
    /// Each distinct value of SERIES.COLUMN becomes a briefing: `{area}` in
    /// the template's strings (prose, titles, highlights, `where` filters) is
    /// replaced by the value. A failing area reports its problems and the
    /// rest are still written; the exit code is 1 if any failed.
    #[command(
        after_help = "Example:\n  briefing batch data/borough/briefing.json --each borough.area_name --data-root data -o boroughs/"
    )]
    Batch(BatchArgs),
    /// Validate a manifest, read its data and evaluate every figure; report every problem and write no PDF.
    ///
    /// Without MANIFEST, checks `briefing.json` in the current folder, or the
    /// built-in London briefing when there is none. A batch template (a
    /// manifest that writes `{area}`) is checked for every area the batch
    /// would build, each problem reported once with the areas it affects.
    /// Exits 0 when there are no errors (warnings are allowed), 1 otherwise.
    #[command(after_help = "Example:\n  briefing check my-briefing/briefing.json")]
    Check {
        /// The manifest (JSON) to check, e.g. `my-briefing/briefing.json`; without it, `briefing.json` in the current folder.
        manifest: Option<PathBuf>,
        /// Check the built-in London briefing even if the current folder has a `briefing.json`, e.g. `--builtin`.
        #[arg(long, conflicts_with = "manifest")]
        builtin: bool,
        /// The folder data files may be read from, if wider than the manifest's own, e.g. `--data-root data`.
        #[arg(long, value_name = "DIR")]
        data_root: Option<PathBuf>,
        /// For a batch template: the areas come from this column of this series' file, as in `batch --each` (default: the series whose `where` has `"COLUMN": "{area}"`), e.g. `--each borough.area_name`.
        #[arg(long, value_name = "SERIES.COLUMN")]
        each: Option<String>,
        /// For a batch template: check only this area (repeat for more), e.g. `--area Camden`.
        #[arg(long, value_name = "NAME")]
        area: Vec<String>,
    },
    /// Create a folder with a ready-to-edit manifest and its data files (a copy of the London briefing).
    ///
    /// Existing files are never overwritten: the command stops if any of
    /// them is already there.
    #[command(
        after_help = "Example:\n  briefing init my-briefing && briefing build my-briefing/briefing.json -o my-briefing.pdf"
    )]
    Init {
        /// The folder to create or fill, e.g. `my-briefing`.
        dir: PathBuf,
    },
    /// Move a manifest's prose into a Markdown file, beside a new manifest that names it.
    ///
    /// The summary points and sections become Markdown (OUTPUT with `.md`),
    /// one sentence a line; charts and tables move to the manifest's
    /// `figures` and are placed in the text by id. The new manifest builds
    /// to the same briefing. Existing files are never overwritten.
    #[command(after_help = "Example:\n  briefing markdown my-briefing/briefing.json -o my-briefing/text.json")]
    Markdown {
        /// The manifest (JSON) whose prose moves, e.g. `my-briefing/briefing.json`.
        manifest: PathBuf,
        /// The new manifest, in the same folder so that its data paths still hold, e.g. `-o my-briefing/text.json`.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Print the JSON Schema of manifest format 1, for editors' completion and checks.
    ///
    /// Point a manifest at it with `"$schema": "briefing.schema.json"`.
    #[command(after_help = "Example:\n  briefing schema > briefing.schema.json")]
    Schema,
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  briefing completions bash > /etc/bash_completion.d/briefing\n  briefing completions zsh > ~/.zfunc/_briefing"
    )]
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), generated from this help.
    #[command(after_help = "Example:\n  briefing man > briefing.1 && man ./briefing.1")]
    Man,
}

/// Options of `briefing build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The manifest (JSON) to render, e.g. `my-briefing/briefing.json`; data files are read relative to its folder. Without it, `briefing.json` in the current folder, else the built-in briefing.
    pub manifest: Option<PathBuf>,
    /// Render the built-in London briefing even if the current folder has a `briefing.json`, e.g. `--builtin`.
    #[arg(long, conflicts_with = "manifest")]
    pub builtin: bool,
    /// Where to write the PDF, e.g. `-o london.pdf`.
    #[arg(short, long, default_value = "briefing.pdf")]
    pub output: PathBuf,
    /// The folder data files may be read from, if wider than the manifest's own, e.g. `--data-root data`.
    #[arg(long, value_name = "DIR")]
    pub data_root: Option<PathBuf>,
    #[command(flatten)]
    pub style: StyleArgs,
    /// Also write every figure as SVG and PNG (figure-1.svg, figure-1.png, ...) into DIR for slides and email, e.g. `--charts charts/`.
    #[arg(long, value_name = "DIR")]
    pub charts: Option<PathBuf>,
    /// Also write a summary for an email body beside the PDF (`txt` or `md`), or print it as plain text (`-`), e.g. `--summary md`.
    #[arg(long, value_name = "FORMAT", value_parser = ["txt", "md", "-"])]
    pub summary: Option<String>,
    /// Warn and exit 1 when the PDF is larger than SIZE (bytes, or with KB or MB), e.g. `--max-size 2MB` for an email attachment budget.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_size: Option<u64>,
    /// Keep running and rebuild whenever the manifest or its data files change; problems are printed and watching goes on, e.g. `--watch`.
    #[arg(long)]
    pub watch: bool,
    /// Print the time each pipeline stage took (load, analyse, layout, render, write) to standard error, e.g. `--timings`.
    #[arg(long)]
    pub timings: bool,
    #[command(flatten)]
    pub email: EmailArgs,
}

/// How a briefing looks, shared by `build` and `batch`.
#[derive(Debug, Args)]
pub struct StyleArgs {
    /// Paper size, overriding the manifest's `paper`, e.g. `--paper letter`.
    #[arg(long, value_enum)]
    pub paper: Option<PaperArg>,
    /// Use a grey palette and stronger dash patterns in charts, for black-and-white printing, e.g. `--gray`.
    #[arg(long)]
    pub gray: bool,
    /// Protective marking for the header and footer, overriding the manifest's, e.g. `--marking "OFFICIAL-SENSITIVE"`.
    #[arg(long, value_name = "TEXT")]
    pub marking: Option<String>,
    /// Fit the briefing in at most N pages, overriding the manifest's `pages`: charts without a set height are drawn shorter, then the chart-data appendix is left out (the data stays attached); a warning says when it cannot fit, e.g. `--pages 2`.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub pages: Option<u16>,
}

/// An email draft beside each PDF, shared by `build` and `batch`.
#[derive(Debug, Args)]
pub struct EmailArgs {
    /// Also write an email draft beside the PDF (`out.eml`): the plain-text summary as its body and the PDF attached, opened as a new message by Outlook and Thunderbird, e.g. `--eml`.
    #[arg(long)]
    pub eml: bool,
    /// Address the draft to ADDRESS (repeat, or separate with commas; `Name <addr@example.org>` gives a display name), e.g. `--to team@example.org`.
    #[arg(long, value_name = "ADDRESS", requires = "eml", value_parser = parse_addresses)]
    pub to: Vec<Vec<Mailbox>>,
    /// The draft's subject instead of the briefing's title (in `batch`, `{area}` becomes the area), e.g. `--subject "Briefing for Thursday's committee"`.
    #[arg(long, value_name = "TEXT", requires = "eml", value_parser = parse_subject)]
    pub subject: Option<String>,
    /// The draft's sender (without it, the mail client sends from its own account), e.g. `--from research@example.org`.
    #[arg(long, value_name = "ADDRESS", requires = "eml", value_parser = parse_address)]
    pub from: Option<Mailbox>,
}

/// `--to`: one or more addresses.
fn parse_addresses(s: &str) -> Result<Vec<Mailbox>, String> {
    Mailbox::parse_list(s).map_err(|e| e.to_string())
}

/// `--from`: exactly one address.
fn parse_address(s: &str) -> Result<Mailbox, String> {
    let mut list = parse_addresses(s)?;
    match (list.pop(), list.is_empty()) {
        (Some(one), true) => Ok(one),
        _ => Err("give one sender address".to_string()),
    }
}

/// `--subject`: one line of text.
fn parse_subject(s: &str) -> Result<String, String> {
    if s.trim().is_empty() {
        return Err("the subject is empty; leave --subject out to use the briefing's title".to_string());
    }
    if s.chars().any(char::is_control) {
        return Err("the subject must be one line, without control characters".to_string());
    }
    Ok(s.trim().to_string())
}

/// Options of `briefing batch`.
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// The template manifest (JSON), which writes `{area}` wherever the value belongs, e.g. `data/borough/briefing.json`.
    pub template: PathBuf,
    /// Make one briefing per distinct value of this column of this series' file (default: the series whose `where` has `"COLUMN": "{area}"`), e.g. `--each borough.area_name`.
    #[arg(long, value_name = "SERIES.COLUMN")]
    pub each: Option<String>,
    /// The folder to write the PDFs into (created if missing), one per value, named from it (`croydon.pdf`), e.g. `-o boroughs/`.
    #[arg(short, long, value_name = "DIR", default_value = "briefings")]
    pub output: PathBuf,
    /// The folder data files may be read from, if wider than the template's own, e.g. `--data-root data`.
    #[arg(long, value_name = "DIR")]
    pub data_root: Option<PathBuf>,
    #[command(flatten)]
    pub style: StyleArgs,
    /// Number of briefings made at once (default: one per core), e.g. `--jobs 1`.
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Print no progress bar and no summary line, only problems, e.g. `--quiet`.
    #[arg(short, long)]
    pub quiet: bool,
    /// Print the time each pipeline stage took, summed over all briefings, to standard error, e.g. `--timings`.
    #[arg(long)]
    pub timings: bool,
    #[command(flatten)]
    pub email: EmailArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PaperArg {
    A4,
    Letter,
}

/// Reads `2MB`, `500KB`, `80kB` or a plain number of bytes (1 KB = 1,000 bytes, as mail systems count).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim().to_ascii_uppercase();
    let (number, unit) = match t.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => (&t[..i], t[i..].trim()),
        None => (t.as_str(), ""),
    };
    let multiplier = match unit {
        "" | "B" => 1.0,
        "KB" | "K" => 1e3,
        "MB" | "M" => 1e6,
        "GB" | "G" => 1e9,
        _ => return Err(format!("unknown unit `{unit}`; write e.g. 2MB, 500KB or 80000")),
    };
    let value: f64 =
        number.trim().parse().map_err(|_| format!("`{s}` is not a size; write e.g. 2MB, 500KB or 80000"))?;
    if !value.is_finite() || value <= 0.0 {
        return Err(format!("`{s}` is not a positive size"));
    }
    Ok((value * multiplier).round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("2MB"), Ok(2_000_000));
        assert_eq!(parse_size("80kB"), Ok(80_000));
        assert_eq!(parse_size("1.5 mb"), Ok(1_500_000));
        assert_eq!(parse_size("80000"), Ok(80_000));
        assert!(parse_size("2 parsecs").is_err());
        assert!(parse_size("-1MB").is_err());
        assert!(parse_size("MB").is_err());
    }

    #[test]
    fn every_argument_has_full_sentence_help() {
        let cli = Cli::command();
        cli.clone().debug_assert();
        for sub in cli.get_subcommands() {
            // clap drops the full stop of a one-line summary; the sentence is still there.
            let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
            assert!(about.len() > 15 && about.starts_with(char::is_uppercase), "`{}` help: {about:?}", sub.get_name());
            assert!(
                sub.get_after_help().is_some_and(|h| h.to_string().contains("briefing")),
                "`{}` has no example",
                sub.get_name()
            );
            for arg in sub.get_arguments().filter(|a| a.get_id() != "help") {
                let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
                assert!(
                    help.len() > 20 && help.starts_with(char::is_uppercase),
                    "`{} {}` help: {help:?}",
                    sub.get_name(),
                    arg.get_id()
                );
            }
        }
    }
}
