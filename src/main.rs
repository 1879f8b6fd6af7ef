//! The `briefing` binary: parse arguments, run one command, report, exit.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use briefing::data::{Files, Folder};
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
        Command::Build { manifest, output, paper, data_root, charts } => {
            build(&fonts, manifest.as_deref(), data_root.as_deref(), &output, paper, charts.as_deref())
        }
        Command::Check { manifest, data_root } => check(&fonts, manifest.as_deref(), data_root.as_deref()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => ExitCode::from(code),
    }
}

/// A manifest's display name, its text, and where its data files come from.
struct Input {
    name: String,
    text: String,
    files: Box<dyn Files>,
}

/// Reads the manifest (or the built-in one); data files are read relative to
/// its folder, and may not leave `data_root` (by default that same folder).
fn read_manifest(path: Option<&Path>, data_root: Option<&Path>) -> Result<Input, u8> {
    let Some(path) = path else {
        return Ok(Input {
            name: briefing::BUILTIN_NAME.to_string(),
            text: briefing::BUILTIN_MANIFEST.to_string(),
            files: Box::new(briefing::BUILTIN_FILES),
        });
    };
    let base = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let folder = Folder { root: data_root.map_or_else(|| base.clone(), Path::to_path_buf), base };
    let (name, text) = read_text(path)?;
    Ok(Input { name, text, files: Box::new(folder) })
}

fn read_text(path: &Path) -> Result<(String, String), u8> {
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

fn build(
    fonts: &Fonts,
    manifest: Option<&Path>,
    data_root: Option<&Path>,
    out: &Path,
    paper: Option<PaperArg>,
    charts: Option<&Path>,
) -> Result<(), u8> {
    if let Some(input) = manifest
        && same_file(input, out)
    {
        eprintln!("error: the output {} is the input manifest; choose another file with -o", out.display());
        return Err(INPUT_ERROR);
    }
    let input = read_manifest(manifest, data_root)?;
    let loaded = briefing::load(&input.name, &input.text, fonts, input.files.as_ref()).map_err(|diags| {
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
    let bytes = briefing::build(&loaded, fonts, &options).map_err(|e| {
        eprintln!("error: {e}");
        IO_ERROR
    })?;
    output::write_atomic(out, &bytes).map_err(|e| {
        eprintln!("error: cannot write {}: {e}", out.display());
        IO_ERROR
    })?;
    eprintln!("wrote {} ({} bytes)", out.display(), bytes.len());
    if let Some(dir) = charts {
        write_charts(fonts, &loaded, &options, dir)?;
    }
    Ok(())
}

/// Writes each figure as SVG and PNG into `dir`.
fn write_charts(fonts: &Fonts, loaded: &briefing::Loaded, options: &Options, dir: &Path) -> Result<(), u8> {
    let io_error = |what: &Path, e: &dyn std::fmt::Display| {
        eprintln!("error: cannot write {}: {e}", what.display());
        IO_ERROR
    };
    std::fs::create_dir_all(dir).map_err(|e| io_error(dir, &e))?;
    let rendered = briefing::render(loaded, fonts, options);
    let files = briefing::figure_files(&rendered, fonts, &loaded.manifest.lang).map_err(|e| io_error(dir, &e))?;
    for file in &files {
        let svg = dir.join(format!("{}.svg", file.name));
        output::write_atomic(&svg, file.svg.as_bytes()).map_err(|e| io_error(&svg, &e))?;
        let png = dir.join(format!("{}.png", file.name));
        output::write_atomic(&png, &file.png).map_err(|e| io_error(&png, &e))?;
    }
    eprintln!("wrote {} figures as SVG and PNG to {}", files.len(), dir.display());
    Ok(())
}

fn check(fonts: &Fonts, manifest: Option<&Path>, data_root: Option<&Path>) -> Result<(), u8> {
    let input = read_manifest(manifest, data_root)?;
    let name = input.name.clone();
    let diags = match briefing::load(&input.name, &input.text, fonts, input.files.as_ref()) {
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
