//! What each subcommand does: read inputs, call the library, report
//! problems, write outputs. Every failure ends here as an exit code (see
//! `--help`): 1 input problems, 2 usage, 3 I/O.

use std::cell::RefCell;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use briefing::data::{Files, Folder};
use briefing::diag::{self, Diagnostic, Sources};
use briefing::fonts::Fonts;
use briefing::manifest::{Manifest, Paper};
use briefing::summary::Style;
use briefing::{Loaded, Options, output};
use clap::CommandFactory;

use crate::cli::{BuildArgs, Cli, Command, DiagnosticFormat, PaperArg};

const INPUT_ERROR: u8 = 1;
const USAGE_ERROR: u8 = 2;
const IO_ERROR: u8 = 3;

/// Runs one command; `Err` carries the exit code.
pub fn run(command: Command, format: DiagnosticFormat) -> Result<(), u8> {
    let report = Reporter::new(format);
    match command {
        Command::Build(args) => build(&Fonts::new(), &args, &report),
        Command::Check { manifest, data_root } => {
            check(&Fonts::new(), manifest.as_deref(), data_root.as_deref(), &report)
        }
        Command::Init { dir } => init(&dir),
        Command::Schema => {
            let schema = schemars::schema_for!(Manifest);
            let text = serde_json::to_string_pretty(&schema).map_err(|_| IO_ERROR)?;
            print(format!("{text}\n").as_bytes())
        }
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "briefing", &mut out);
            print(&out)
        }
        Command::Man => {
            let mut out = Vec::new();
            clap_mangen::Man::new(Cli::command()).render(&mut out).map_err(|_| IO_ERROR)?;
            print(&out)
        }
    }
}

/// Writes to standard output; a reader that closed the pipe early (`| head`) is not an error.
fn print(bytes: &[u8]) -> Result<(), u8> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => {
            eprintln!("error: cannot write to standard output: {e}");
            Err(IO_ERROR)
        }
    }
}

/// Prints diagnostics in the chosen format, in colour only on a terminal
/// and never when `NO_COLOR` is set (no-color.org).
struct Reporter {
    format: diag::Format,
    color: bool,
}

impl Reporter {
    fn new(format: DiagnosticFormat) -> Self {
        let format = match format {
            DiagnosticFormat::Human => diag::Format::Human,
            DiagnosticFormat::Short => diag::Format::Short,
        };
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Reporter { format, color: std::io::stderr().is_terminal() && !no_color }
    }

    /// Prints `diags`, with snippets from the manifest and the data files `input` read.
    fn report(&self, diags: &[Diagnostic], input: Option<&Input>) {
        let mut sources = Sources::default();
        if let Some(input) = input {
            sources = input.files.seen.borrow().clone();
            sources.add(&input.name, &input.text);
        }
        eprint!("{}", diag::render(diags, &sources, self.format, self.color));
    }
}

/// A manifest's display name, its text, and where its data files come from.
struct Input {
    name: String,
    text: String,
    files: Recording,
}

/// Data files read through `inner`, their text kept so that diagnostics can
/// show the offending row.
struct Recording {
    inner: Box<dyn Files>,
    seen: RefCell<Sources>,
}

impl Files for Recording {
    fn read(&self, name: &str) -> Result<String, String> {
        let text = self.inner.read(name)?;
        self.seen.borrow_mut().add(self.inner.display(name), text.clone());
        Ok(text)
    }

    fn display(&self, name: &str) -> String {
        self.inner.display(name)
    }
}

impl Recording {
    fn new(inner: Box<dyn Files>) -> Self {
        Recording { inner, seen: RefCell::default() }
    }
}

/// Reads the manifest (or the built-in one); data files are read relative to
/// its folder, and may not leave `data_root` (by default that same folder).
fn read_manifest(path: Option<&Path>, data_root: Option<&Path>, report: &Reporter) -> Result<Input, u8> {
    let Some(path) = path else {
        return Ok(Input {
            name: briefing::BUILTIN_NAME.to_string(),
            text: briefing::BUILTIN_MANIFEST.to_string(),
            files: Recording::new(Box::new(briefing::BUILTIN_FILES)),
        });
    };
    let base = manifest_folder(path);
    let folder = Folder { root: data_root.map_or_else(|| base.clone(), Path::to_path_buf), base };
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        eprintln!("error: cannot read {name}: {e}");
        IO_ERROR
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let valid = String::from_utf8_lossy(&e.into_bytes()[..offset]).into_owned();
        let position = briefing::diag::line_col(&valid, offset);
        let diag = Diagnostic::error(&name, "the file is not valid UTF-8")
            .at(Some(position))
            .hint("save the manifest as UTF-8 text");
        report.report(&[diag], None);
        INPUT_ERROR
    })?;
    Ok(Input { name, text, files: Recording::new(Box::new(folder)) })
}

fn manifest_folder(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn count(diags: &[Diagnostic]) -> String {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!("{}, {}", plural(errors, "error"), plural(warnings, "warning"))
}

fn load(input: &Input, fonts: &Fonts, report: &Reporter) -> Result<Loaded, u8> {
    let loaded = briefing::load(&input.name, &input.text, fonts, &input.files).map_err(|diags| {
        report.report(&diags, Some(input));
        eprintln!("build failed: {}; no PDF written", count(&diags));
        INPUT_ERROR
    })?;
    report.report(&loaded.warnings, Some(input));
    Ok(loaded)
}

fn options(args: &BuildArgs, fonts: &Fonts) -> Result<Options, u8> {
    if let Some(marking) = &args.marking
        && let Some(c) = marking.chars().find(|c| !fonts.covers(*c))
    {
        eprintln!("error: --marking: the character `{c}` (U+{:04X}) is not in the bundled fonts", c as u32);
        return Err(USAGE_ERROR);
    }
    Ok(Options {
        paper: args.paper.map(|p| match p {
            PaperArg::A4 => Paper::A4,
            PaperArg::Letter => Paper::Letter,
        }),
        source_date_epoch: source_date_epoch()?,
        gray: args.gray,
        marking: args.marking.clone(),
    })
}

fn build(fonts: &Fonts, args: &BuildArgs, report: &Reporter) -> Result<(), u8> {
    if let Some(input) = &args.manifest
        && same_file(input, &args.output)
    {
        eprintln!("error: the output {} is the input manifest; choose another file with -o", args.output.display());
        return Err(USAGE_ERROR);
    }
    let options = options(args, fonts)?;
    if args.watch {
        return watch(fonts, args, &options, report);
    }
    build_once(fonts, args, &options, report)
}

/// One build: the PDF, then the summary and chart files if asked for.
fn build_once(fonts: &Fonts, args: &BuildArgs, options: &Options, report: &Reporter) -> Result<(), u8> {
    let input = read_manifest(args.manifest.as_deref(), args.data_root.as_deref(), report)?;
    let loaded = load(&input, fonts, report)?;
    // Rendered once, for the PDF and for the summary and chart files.
    let rendered = briefing::render(&loaded, fonts, options);
    let bytes = briefing::to_pdf(&rendered, &loaded.manifest, fonts, options).map_err(|e| {
        eprintln!("error: {e}");
        IO_ERROR
    })?;
    write(&args.output, &bytes)?;
    eprintln!("wrote {} ({} bytes)", args.output.display(), bytes.len());
    if let Some(format) = &args.summary {
        write_summary(&rendered, format, &args.output)?;
    }
    if let Some(dir) = &args.charts {
        write_charts(fonts, &rendered, &loaded.manifest.lang, dir)?;
    }
    match args.max_size {
        Some(max) if bytes.len() as u64 > max => {
            eprintln!(
                "warning: {} is {} bytes, over the --max-size budget of {max} bytes; it may be refused as an email attachment",
                args.output.display(),
                bytes.len()
            );
            Err(INPUT_ERROR)
        }
        _ => Ok(()),
    }
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), u8> {
    output::write_atomic(path, bytes).map_err(|e| {
        eprintln!("error: cannot write {}: {e}", path.display());
        IO_ERROR
    })
}

/// The email summary: beside the PDF (`txt`, `md`) or on standard output (`-`).
fn write_summary(rendered: &briefing::Rendered, format: &str, pdf: &Path) -> Result<(), u8> {
    let style = if format == "md" { Style::Markdown } else { Style::Text };
    let text = briefing::summary::summary(&rendered.document, style);
    if format == "-" {
        return print(text.as_bytes());
    }
    let path = pdf.with_extension(format);
    write(&path, text.as_bytes())?;
    eprintln!("wrote {}", path.display());
    Ok(())
}

/// Writes each figure as SVG and PNG into `dir`.
fn write_charts(fonts: &Fonts, rendered: &briefing::Rendered, lang: &str, dir: &Path) -> Result<(), u8> {
    std::fs::create_dir_all(dir).map_err(|e| {
        eprintln!("error: cannot create {}: {e}", dir.display());
        IO_ERROR
    })?;
    let files = briefing::figure_files(rendered, fonts, lang).map_err(|e| {
        eprintln!("error: cannot draw the figures: {e}");
        IO_ERROR
    })?;
    for file in &files {
        write(&dir.join(format!("{}.svg", file.name)), file.svg.as_bytes())?;
        write(&dir.join(format!("{}.png", file.name)), &file.png)?;
    }
    eprintln!("wrote {} figures as SVG and PNG to {}", files.len(), dir.display());
    Ok(())
}

/// Rebuilds whenever the manifest or a file in its folder changes, until interrupted.
fn watch(fonts: &Fonts, args: &BuildArgs, options: &Options, report: &Reporter) -> Result<(), u8> {
    use notify::{RecursiveMode, Watcher};
    let Some(manifest) = &args.manifest else {
        eprintln!("error: --watch needs a MANIFEST to watch; the built-in briefing never changes");
        return Err(USAGE_ERROR);
    };
    let folder = args.data_root.clone().unwrap_or_else(|| manifest_folder(manifest));
    let (tx, rx) = std::sync::mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx).map_err(|e| {
        eprintln!("error: cannot watch files: {e}");
        IO_ERROR
    })?;
    watcher.watch(&folder, RecursiveMode::Recursive).map_err(|e| {
        eprintln!("error: cannot watch {}: {e}", folder.display());
        IO_ERROR
    })?;
    let output = args.output.canonicalize().unwrap_or_else(|_| args.output.clone());
    loop {
        // Problems are reported by the build itself; watching goes on.
        let _ = build_once(fonts, args, options, report);
        eprintln!("watching {} for changes (Ctrl-C to stop)", folder.display());
        loop {
            let Ok(event) = rx.recv() else { return Ok(()) };
            // Our own outputs (the PDF, temporary files, charts) do not count as changes.
            let relevant = event.is_ok_and(|e| {
                e.kind.is_modify() || e.kind.is_create() || e.kind.is_remove()
            } && e.paths.iter().any(|p| is_input(p, &output)));
            if relevant {
                break;
            }
        }
        // Editors save in several steps: let them finish, then drop the echoes.
        std::thread::sleep(Duration::from_millis(150));
        while rx.try_recv().is_ok() {}
    }
}

/// Whether a changed path is an input (the manifest or a data file), not an output.
fn is_input(path: &Path, output: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    !name.starts_with(".briefing-") && path != output && matches!(ext, "json" | "csv")
}

fn check(fonts: &Fonts, manifest: Option<&Path>, data_root: Option<&Path>, report: &Reporter) -> Result<(), u8> {
    let input = read_manifest(manifest, data_root, report)?;
    let diags = match briefing::load(&input.name, &input.text, fonts, &input.files) {
        Ok(loaded) => loaded.warnings,
        Err(diags) => diags,
    };
    report.report(&diags, Some(&input));
    eprintln!("{}: {}", input.name, count(&diags));
    if briefing::diag::has_errors(&diags) { Err(INPUT_ERROR) } else { Ok(()) }
}

/// Writes a copy of the built-in briefing and its data into `dir`.
fn init(dir: &Path) -> Result<(), u8> {
    let mut files: Vec<(&str, &str)> = vec![("briefing.json", briefing::BUILTIN_MANIFEST)];
    files.extend(briefing::BUILTIN_FILES.files.iter().copied());
    let existing: Vec<String> =
        files.iter().map(|(name, _)| dir.join(name)).filter(|p| p.exists()).map(|p| p.display().to_string()).collect();
    if !existing.is_empty() {
        eprintln!("error: not overwriting existing files: {}", existing.join(", "));
        eprintln!("  hint: choose a new or empty folder");
        return Err(INPUT_ERROR);
    }
    std::fs::create_dir_all(dir).map_err(|e| {
        eprintln!("error: cannot create {}: {e}", dir.display());
        IO_ERROR
    })?;
    for (name, text) in &files {
        write(&dir.join(name), text.as_bytes())?;
    }
    let manifest = dir.join("briefing.json");
    eprintln!("wrote {} and {} data files to {}", manifest.display(), files.len() - 1, dir.display());
    eprintln!("next: edit {} and run", manifest.display());
    eprintln!("  briefing build {} -o {}", manifest.display(), dir.join("briefing.pdf").display());
    Ok(())
}

/// `SOURCE_DATE_EPOCH` (reproducible-builds.org) if set; a bad value is a usage error.
fn source_date_epoch() -> Result<Option<i64>, u8> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.trim().is_empty() => v.trim().parse().map(Some).map_err(|_| {
            eprintln!("error: SOURCE_DATE_EPOCH must be a whole number of seconds, not `{v}`");
            USAGE_ERROR
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
