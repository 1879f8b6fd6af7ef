//! The `briefing` binary: parse arguments, run one command, report, exit.

use std::path::Path;
use std::process::ExitCode;

use briefing::diag::Diagnostic;
use briefing::fonts::Fonts;
use briefing::manifest::Paper;
use briefing::{Options, output};
use clap::Parser;

mod cli;
use cli::{Cli, Command, PaperArg};

/// Exit codes, as documented in `--help` and the README.
const INPUT_ERROR: u8 = 1;
const IO_ERROR: u8 = 3;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let fonts = Fonts::new();
    let result = match cli.command {
        Command::Build { manifest, output, paper } => build(&fonts, manifest.as_deref(), &output, paper),
        Command::Check { manifest } => check(&fonts, manifest.as_deref()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => ExitCode::from(code),
    }
}

/// Reads the manifest (or the built-in one) and returns its display name and text.
fn read_manifest(path: Option<&Path>) -> Result<(String, String), u8> {
    let Some(path) = path else {
        return Ok((briefing::BUILTIN_NAME.to_string(), briefing::BUILTIN_MANIFEST.to_string()));
    };
    let name = path.display().to_string();
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Ok((name, text)),
            Err(e) => {
                let offset = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(&e.into_bytes()[..offset]).into_owned();
                let position = briefing::diag::line_col(&text, offset);
                report(&[Diagnostic::error(&name, "the file is not valid UTF-8")
                    .at(Some(position))
                    .hint("save the manifest as UTF-8 text")]);
                Err(INPUT_ERROR)
            }
        },
        Err(e) => {
            eprintln!("error: cannot read {name}: {e}");
            Err(IO_ERROR)
        }
    }
}

fn report(diags: &[Diagnostic]) {
    for d in diags {
        eprintln!("{d}");
    }
}

fn summary(diags: &[Diagnostic]) -> String {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!("{}, {}", plural(errors, "error"), plural(warnings, "warning"))
}

fn build(fonts: &Fonts, manifest: Option<&Path>, out: &Path, paper: Option<PaperArg>) -> Result<(), u8> {
    if let Some(input) = manifest
        && same_file(input, out)
    {
        eprintln!("error: the output {} is the input manifest; choose another file with -o", out.display());
        return Err(INPUT_ERROR);
    }
    let (name, src) = read_manifest(manifest)?;
    let loaded = briefing::load(&name, &src, fonts).map_err(|diags| {
        report(&diags);
        eprintln!("build failed: {}; no PDF written", summary(&diags));
        INPUT_ERROR
    })?;
    report(&loaded.warnings);
    let options = Options {
        paper: paper.map(|p| match p {
            PaperArg::A4 => Paper::A4,
            PaperArg::Letter => Paper::Letter,
        }),
        source_date_epoch: source_date_epoch()?,
    };
    let bytes = briefing::build(&loaded.manifest, fonts, &options).map_err(|e| {
        eprintln!("error: {e}");
        IO_ERROR
    })?;
    output::write_atomic(out, &bytes).map_err(|e| {
        eprintln!("error: cannot write {}: {e}", out.display());
        IO_ERROR
    })?;
    eprintln!("wrote {} ({} bytes)", out.display(), bytes.len());
    Ok(())
}

fn check(fonts: &Fonts, manifest: Option<&Path>) -> Result<(), u8> {
    let (name, src) = read_manifest(manifest)?;
    let diags = match briefing::load(&name, &src, fonts) {
        Ok(loaded) => loaded.warnings,
        Err(diags) => diags,
    };
    report(&diags);
    eprintln!("{name}: {}", summary(&diags));
    if briefing::diag::has_errors(&diags) { Err(INPUT_ERROR) } else { Ok(()) }
}

/// `SOURCE_DATE_EPOCH` (reproducible-builds.org) if set; a bad value is a usage error.
fn source_date_epoch() -> Result<Option<i64>, u8> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.trim().is_empty() => v.trim().parse().map(Some).map_err(|_| {
            eprintln!("error: SOURCE_DATE_EPOCH must be a whole number of seconds, not `{v}`");
            2
        }),
        _ => Ok(None),
    }
}

/// True when both paths name the same existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
