//! What each subcommand does: read inputs, call the library, report
//! problems, write outputs. Every failure ends as an [`Error`], which
//! `main` prints and turns into the exit code (see `--help`).

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use briefing::ProduceError;
use briefing::diag::{self, Diagnostic, Sources};
use briefing::export::output;
use briefing::export::summary::Style;
use briefing::input::data::{Files, Folder, Parsed};
use briefing::input::manifest::{Manifest, Paper};
use briefing::text::fonts::Fonts;
use briefing::{Envelope, Loaded, Options, Timings};
use clap::CommandFactory;

use crate::cli::args::{BatchArgs, BuildArgs, Cli, Command, DiagnosticFormat, EmailArgs, PaperArg, StyleArgs};
use crate::cli::error::Error;

/// Runs one command; `Err` carries the exit code.
pub fn run(command: Command, format: DiagnosticFormat) -> Result<(), Error> {
    let report = Reporter::new(format);
    match command {
        Command::Build(mut args) => {
            args.manifest = chosen_manifest(args.manifest.take(), args.builtin, "building");
            build(&Fonts::new(), &args, &report)
        }
        Command::Batch(args) => batch(&Fonts::new(), &args, &report),
        Command::Check { manifest, builtin, data_root, each, area } => {
            let manifest = chosen_manifest(manifest, builtin, "checking");
            let template = Areas { each, names: area };
            check(&Fonts::new(), manifest.as_deref(), data_root.as_deref(), &template, &report)
        }
        Command::Init { dir } => init(&dir),
        Command::Markdown { manifest, output } => markdown(&manifest, &output, &report),
        Command::Schema => {
            let schema = schemars::schema_for!(Manifest);
            let text = serde_json::to_string_pretty(&schema).map_err(|e| Error::Io(e.to_string()))?;
            print(format!("{text}\n").as_bytes())
        }
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "briefing", &mut out);
            print(&out)
        }
        Command::Man => {
            let mut out = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut out)
                .map_err(|e| Error::Io(format!("cannot write the man page: {e}")))?;
            print(&out)
        }
    }
}

/// Writes to standard output; a reader that closed the pipe early (`| head`) is not an error.
fn print(bytes: &[u8]) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::Io(format!("cannot write to standard output: {e}"))),
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
        match input {
            Some(input) => self.report_text(diags, input, &input.text),
            None => eprint!("{}", diag::render(diags, &Sources::default(), self.format, self.color)),
        }
    }

    /// Prints `diags` about `input` as it reads with `text`: its own text,
    /// or the template filled in for one area of a batch.
    fn report_text(&self, diags: &[Diagnostic], input: &Input, text: &str) {
        if diags.is_empty() {
            return;
        }
        let mut sources = input.files.sources();
        sources.add(&input.name, text);
        eprint!("{}", diag::render(diags, &sources, self.format, self.color));
    }
}

/// A manifest's display name, its text, and where its data files come from.
struct Input {
    name: String,
    text: String,
    files: Recording,
}

/// The largest data file whose text is kept for snippets in diagnostics,
/// and the most kept in all: an archive of many small files is not held.
const KEPT_FOR_SNIPPETS: u64 = 1 << 20;
const KEPT_IN_ALL: u64 = 16 << 20;

/// Data files read through `inner`, their text kept so that diagnostics can
/// show the offending row.
struct Recording {
    inner: Box<dyn Files>,
    /// Behind a mutex: a batch reads through one `Recording` from every thread.
    seen: Mutex<Sources>,
    /// Spreadsheets parsed once for every briefing of a batch.
    parsed: Parsed,
    /// Bytes of streamed files kept for snippets so far.
    kept: std::sync::atomic::AtomicU64,
}

impl Files for Recording {
    fn read(&self, name: &str) -> Result<String, String> {
        self.record(name, self.inner.read(name)?)
    }

    fn read_in(&self, name: &str, encoding: &'static encoding_rs::Encoding) -> Result<String, String> {
        self.record(name, self.inner.read_in(name, encoding)?)
    }

    /// Spreadsheets are binary: there is no text to show in a snippet, so
    /// their bytes are passed on unrecorded.
    fn read_bytes(&self, name: &str) -> Result<Vec<u8>, String> {
        self.inner.read_bytes(name)
    }

    /// A small file's text is kept for snippets as it streams by; a large
    /// one (an archive's month) is passed on unkept, and its diagnostics
    /// show no snippet.
    fn open(&self, name: &str) -> Result<Box<dyn std::io::Read + Send>, String> {
        use std::io::Read;
        let mut stream = self.inner.open(name)?;
        let mut head = Vec::new();
        (&mut stream)
            .take(KEPT_FOR_SNIPPETS + 1)
            .read_to_end(&mut head)
            .map_err(|e| briefing::input::stream::describe(&e))?;
        let size = head.len() as u64;
        if size <= KEPT_FOR_SNIPPETS {
            let kept = self.kept.fetch_add(size, std::sync::atomic::Ordering::Relaxed) + size;
            if let (true, Ok(text)) = (kept <= KEPT_IN_ALL, std::str::from_utf8(&head)) {
                self.record(name, text.to_string())?;
            }
            return Ok(Box::new(std::io::Cursor::new(head)));
        }
        Ok(Box::new(std::io::Cursor::new(head).chain(stream)))
    }

    fn glob(&self, pattern: &str) -> Result<Vec<String>, String> {
        self.inner.glob(pattern)
    }

    fn display(&self, name: &str) -> String {
        self.inner.display(name)
    }

    fn parsed(&self) -> Option<&Parsed> {
        Some(&self.parsed)
    }
}

impl Recording {
    /// Keeps a file's text for snippets, and passes it on.
    fn record(&self, name: &str, text: String) -> Result<String, String> {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner).add(self.inner.display(name), text.clone());
        Ok(text)
    }

    /// The files read so far, for snippets.
    fn sources(&self) -> Sources {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    fn new(inner: Box<dyn Files>) -> Self {
        Recording { inner, seen: Mutex::default(), parsed: Parsed::default(), kept: Default::default() }
    }
}

/// Reads the manifest (or the built-in one); data files are read relative to
/// its folder, and may not leave `data_root` (by default that same folder).
fn read_manifest(path: Option<&Path>, data_root: Option<&Path>, report: &Reporter) -> Result<Input, Error> {
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
    // Read no further than the limit: a manifest of gigabytes is refused, not loaded.
    let limit = briefing::input::limits::MANIFEST_BYTES as u64;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| std::io::Read::read_to_end(&mut std::io::Read::take(file, limit + 1), &mut bytes))
        .map_err(|e| Error::Io(format!("cannot read {name}: {e}")))?;
    if bytes.len() as u64 > limit {
        let size = std::fs::metadata(path).map_or(bytes.len() as u64, |m| m.len());
        report.report(&[briefing::input::manifest::too_large(&name, size)], None);
        return Err(Error::Input(String::new()));
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let valid = String::from_utf8_lossy(&e.into_bytes()[..offset]).into_owned();
        let position = briefing::diag::line_col(&valid, offset);
        let diag = Diagnostic::error(&name, "the file is not valid UTF-8")
            .at(Some(position))
            .hint("save the manifest as UTF-8 text");
        report.report(&[diag], None);
        Error::Input(String::new())
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

fn load(input: &Input, fonts: &Fonts, report: &Reporter) -> Result<Loaded, Error> {
    let loaded = briefing::load(&input.name, &input.text, fonts, &input.files).map_err(|diags| {
        report.report(&diags, Some(input));
        Error::Input(format!("build failed: {}; no PDF written", count(&diags)))
    })?;
    report.report(&loaded.warnings, Some(input));
    Ok(loaded)
}

fn options(args: &StyleArgs, fonts: &Fonts) -> Result<Options, Error> {
    if let Some(marking) = &args.marking
        && let Some(c) = marking.chars().find(|c| !fonts.covers(*c))
    {
        return Err(Error::Usage(format!(
            "--marking: the character `{c}` (U+{:04X}) is not in the bundled fonts",
            c as u32
        )));
    }
    Ok(Options {
        paper: args.paper.map(|p| match p {
            PaperArg::A4 => Paper::A4,
            PaperArg::Letter => Paper::Letter,
        }),
        source_date_epoch: source_date_epoch()?,
        gray: args.gray,
        marking: args.marking.clone(),
        pages: args.pages.map(usize::from),
    })
}

fn build(fonts: &Fonts, args: &BuildArgs, report: &Reporter) -> Result<(), Error> {
    if let Some(input) = &args.manifest
        && same_file(input, &args.output)
    {
        return Err(Error::Usage(format!(
            "the output {} is the input manifest; choose another file with -o",
            args.output.display()
        )));
    }
    if args.email.eml && email_path(&args.output) == args.output {
        return Err(Error::Usage(format!(
            "the PDF and the email draft would both be written to {}; name the PDF with -o out.pdf",
            args.output.display()
        )));
    }
    let options = options(&args.style, fonts)?;
    if args.watch {
        return watch(fonts, args, &options, report);
    }
    build_once(fonts, args, &options, report)
}

/// One build: the PDF, then the email draft, summary and chart files if asked for.
fn build_once(fonts: &Fonts, args: &BuildArgs, options: &Options, report: &Reporter) -> Result<(), Error> {
    let start = Instant::now();
    let input = read_manifest(args.manifest.as_deref(), args.data_root.as_deref(), report)?;
    let read = start.elapsed();
    let loaded = load(&input, fonts, report)?;
    let mut timings = loaded.timings;
    timings.load += read;
    // Rendered once, for the PDF and for the summary and chart files.
    let (rendered, bytes) = briefing::produce(&loaded, fonts, options, &mut timings).map_err(|e| match e {
        ProduceError::Pages(_) => Error::Input(format!("{}: error: {e}\nbuild failed; no PDF written", input.name)),
        ProduceError::Pdf(_) => Error::Io(format!("{e}")),
    })?;
    report.report(&briefing::fit_warnings(&input.name, &input.text, &rendered, options), Some(&input));
    let start = Instant::now();
    write(&args.output, &bytes)?;
    timings.write = start.elapsed();
    eprintln!("wrote {} ({} bytes)", args.output.display(), bytes.len());
    if let Some(envelope) = envelope(&args.email) {
        let start = Instant::now();
        let path = email_path(&args.output);
        let eml = briefing::to_email(&rendered, options, &envelope, &bytes, &attachment_name(&args.output));
        write(&path, &eml)?;
        timings.write += start.elapsed();
        eprintln!("wrote {} ({} bytes)", path.display(), eml.len());
    }
    if args.timings {
        print_timings(&timings, 1);
    }
    if let Some(format) = &args.summary {
        write_summary(&rendered, format, &args.output)?;
    }
    if let Some(dir) = &args.charts {
        write_charts(fonts, &rendered, &loaded.briefing.lang, dir)?;
    }
    match args.max_size {
        Some(max) if bytes.len() as u64 > max => Err(Error::Input(format!(
            "warning: {} is {} bytes, over the --max-size budget of {max} bytes; it may be refused as an email attachment",
            args.output.display(),
            bytes.len()
        ))),
        _ => Ok(()),
    }
}

/// The email draft asked for with `--eml`, if any.
fn envelope(args: &EmailArgs) -> Option<Envelope> {
    args.eml.then(|| Envelope {
        from: args.from.clone(),
        to: args.to.iter().flatten().cloned().collect(),
        subject: args.subject.clone(),
    })
}

/// The email draft is written beside the PDF: `out.pdf` -> `out.eml`.
fn email_path(pdf: &Path) -> PathBuf {
    pdf.with_extension("eml")
}

/// The PDF's name as the recipient sees it: its file name, ending in `.pdf`
/// even if the file on disk does not, so that mail clients open it as one.
fn attachment_name(pdf: &Path) -> String {
    let name = pdf.file_name().map_or_else(|| "briefing".into(), |n| n.to_string_lossy().into_owned());
    if name.to_ascii_lowercase().ends_with(".pdf") { name } else { format!("{name}.pdf") }
}

/// `--timings`: each stage's wall time (summed over `briefings`) on standard error.
fn print_timings(timings: &Timings, briefings: usize) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let per = if briefings > 1 { format!(" over {briefings} briefings") } else { String::new() };
    eprintln!("timings{per}:");
    for (stage, time) in timings.stages() {
        eprintln!("  {stage:<8} {:>9.2} ms", ms(time));
    }
    eprintln!("  {:<8} {:>9.2} ms", "total", ms(timings.total()));
}

/// What became of one area of a batch.
struct Outcome {
    area: String,
    file: PathBuf,
    /// The template with the area filled in: diagnostics quote its lines.
    text: String,
    result: Result<(usize, Timings), Failure>,
    warnings: Vec<Diagnostic>,
}

/// Why an area's briefing was not written.
enum Failure {
    /// Problems in the template or data for this area.
    Input(Vec<Diagnostic>),
    /// The PDF could not be made or saved.
    Other(String),
}

/// `briefing batch`: one briefing per value of `--each`, made in parallel
/// with the fonts shared. Problems are reported per area after all are done,
/// in the order of the data, so output does not depend on thread timing.
fn batch(fonts: &Fonts, args: &BatchArgs, report: &Reporter) -> Result<(), Error> {
    let started = Instant::now();
    let options = options(&args.style, fonts)?;
    let envelope = envelope(&args.email);
    let input = read_manifest(Some(&args.template), args.data_root.as_deref(), report)?;
    let fail = |diags: &[Diagnostic]| {
        report.report(diags, Some(&input));
        Error::Input(format!("batch failed: {}; no PDF written", count(diags)))
    };
    let template = briefing::input::manifest::parse(&input.name, &input.text).map_err(|d| fail(&d))?;
    let Some(each) = args.each.clone().or_else(|| briefing::input::template::each_of(&template)) else {
        return Err(fail(&[briefing::input::template::no_areas(&input.name, &input.text)]));
    };
    let areas = briefing::input::template::areas(&input.name, &input.text, &template, &each, &input.files)
        .map_err(|d| fail(&[d]))?;
    let mut named: BTreeMap<String, &str> = BTreeMap::new();
    let mut jobs = Vec::with_capacity(areas.len());
    for area in &areas {
        let slug = briefing::input::template::slug(area);
        if let Some(other) = named.insert(slug.clone(), area) {
            return Err(Error::Input(format!("`{other}` and `{area}` would both be written to {slug}.pdf")));
        }
        jobs.push((area.as_str(), args.output.join(format!("{slug}.pdf"))));
    }
    std::fs::create_dir_all(&args.output)
        .map_err(|e| Error::Io(format!("cannot create {}: {e}", args.output.display())))?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.map_or(0, usize::from))
        .build()
        .map_err(|e| Error::Io(format!("cannot start worker threads: {e}")))?;
    let bar = progress_bar(jobs.len() as u64, args.quiet);
    let outcomes: Vec<Outcome> = pool.install(|| {
        use rayon::prelude::*;
        jobs.into_par_iter()
            .map(|(area, file)| {
                let outcome = batch_one(fonts, &input, area, file, &options, envelope.as_ref());
                bar.inc(1);
                outcome
            })
            .collect()
    });
    bar.finish_and_clear();

    // Each problem once, with the areas it appears in: a mistake in the
    // template shows in every area, and 32 copies of it would hide the
    // one area whose data is at fault.
    let checked: Vec<(String, String, Vec<Diagnostic>)> = outcomes
        .iter()
        .map(|o| {
            let mut diags = match &o.result {
                Err(Failure::Input(diags)) => diags.clone(),
                _ => Vec::new(),
            };
            diags.extend(o.warnings.iter().cloned());
            (o.area.clone(), o.text.clone(), diags)
        })
        .collect();
    for (i, diag) in grouped(&checked, outcomes.len()) {
        report.report_text(std::slice::from_ref(&diag), &input, &checked[i].1);
    }
    let mut failed = 0;
    let mut total = Timings::default();
    for outcome in &outcomes {
        match &outcome.result {
            Ok((_, timings)) => total.add(timings),
            Err(failure) => {
                failed += 1;
                eprintln!("{}: failed, {} not written", outcome.area, outcome.file.display());
                if let Failure::Other(message) = failure {
                    eprintln!("error: {message}");
                }
            }
        }
    }
    if args.timings {
        print_timings(&total, outcomes.len() - failed);
    }
    if !args.quiet {
        let bytes: usize = outcomes.iter().filter_map(|o| o.result.as_ref().ok()).map(|r| r.0).sum();
        eprintln!(
            "{} briefings, {failed} failed, {:.2} s; {} KB written to {}",
            outcomes.len(),
            started.elapsed().as_secs_f64(),
            bytes.div_ceil(1000),
            args.output.display()
        );
    }
    // Each failure and the summary line are printed above.
    if failed > 0 { Err(Error::Input(String::new())) } else { Ok(()) }
}

/// A progress bar on standard error, drawn only on a terminal and without `--quiet`.
fn progress_bar(len: u64, quiet: bool) -> indicatif::ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} briefings {elapsed}") {
        bar.set_style(style);
    }
    bar
}

/// Makes one area's briefing (and email draft) from the template; never
/// prints (it runs on a worker thread).
fn batch_one(
    fonts: &Fonts,
    input: &Input,
    area: &str,
    file: PathBuf,
    options: &Options,
    envelope: Option<&Envelope>,
) -> Outcome {
    let start = Instant::now();
    let text = briefing::input::template::substitute(&input.text, area);
    let read = start.elapsed();
    let loaded = briefing::load(&input.name, &text, fonts, &input.files);
    let mut outcome = Outcome {
        area: area.to_string(),
        file,
        text,
        result: Err(Failure::Other(String::new())),
        warnings: Vec::new(),
    };
    let loaded = match loaded {
        Ok(loaded) => loaded,
        Err(diags) => {
            outcome.result = Err(Failure::Input(diags));
            return outcome;
        }
    };
    outcome.warnings = loaded.warnings.clone();
    let mut timings = loaded.timings;
    timings.load += read;
    outcome.result = briefing::produce(&loaded, fonts, options, &mut timings)
        .map_err(|e| Failure::Other(e.to_string()))
        .and_then(|(rendered, bytes)| {
            outcome.warnings.extend(briefing::fit_warnings(&input.name, &outcome.text, &rendered, options));
            let start = Instant::now();
            let save = |path: &Path, bytes: &[u8]| {
                output::write_atomic(path, bytes)
                    .map_err(|e| Failure::Other(format!("cannot write {}: {e}", path.display())))
            };
            // The email first: a failure is reported as "the PDF not written", which then holds.
            let mut written = bytes.len();
            if let Some(envelope) = envelope {
                let subject =
                    envelope.subject.as_ref().map(|s| s.replace(briefing::input::template::PLACEHOLDER, area));
                let envelope = Envelope { subject, ..envelope.clone() };
                let eml = briefing::to_email(&rendered, options, &envelope, &bytes, &attachment_name(&outcome.file));
                save(&email_path(&outcome.file), &eml)?;
                written += eml.len();
            }
            save(&outcome.file, &bytes)?;
            timings.write = start.elapsed();
            Ok((written, timings))
        });
    outcome
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    output::write_atomic(path, bytes).map_err(|e| Error::Io(format!("cannot write {}: {e}", path.display())))
}

/// The email summary: beside the PDF (`txt`, `md`) or on standard output (`-`).
fn write_summary(rendered: &briefing::Rendered, format: &str, pdf: &Path) -> Result<(), Error> {
    let style = if format == "md" { Style::Markdown } else { Style::Text };
    let text = briefing::export::summary::summary(&rendered.document, style);
    if format == "-" {
        return print(text.as_bytes());
    }
    let path = pdf.with_extension(format);
    write(&path, text.as_bytes())?;
    eprintln!("wrote {}", path.display());
    Ok(())
}

/// Writes each figure as SVG and PNG into `dir`.
fn write_charts(fonts: &Fonts, rendered: &briefing::Rendered, lang: &str, dir: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::Io(format!("cannot create {}: {e}", dir.display())))?;
    let files = briefing::figure_files(rendered, fonts, lang)
        .map_err(|e| Error::Io(format!("cannot draw the figures: {e}")))?;
    for file in &files {
        write(&dir.join(format!("{}.svg", file.name)), file.svg.as_bytes())?;
        write(&dir.join(format!("{}.png", file.name)), &file.png)?;
    }
    eprintln!("wrote {} figures as SVG and PNG to {}", files.len(), dir.display());
    Ok(())
}

/// Rebuilds whenever the manifest or a file in its folder changes, until interrupted.
fn watch(fonts: &Fonts, args: &BuildArgs, options: &Options, report: &Reporter) -> Result<(), Error> {
    use notify::{RecursiveMode, Watcher};
    let Some(manifest) = &args.manifest else {
        return Err(Error::Usage("--watch needs a MANIFEST to watch; the built-in briefing never changes".to_string()));
    };
    let folder = args.data_root.clone().unwrap_or_else(|| manifest_folder(manifest));
    let (tx, rx) = std::sync::mpsc::channel();
    let mut watcher = notify::recommended_watcher(tx).map_err(|e| Error::Io(format!("cannot watch files: {e}")))?;
    watcher
        .watch(&folder, RecursiveMode::Recursive)
        .map_err(|e| Error::Io(format!("cannot watch {}: {e}", folder.display())))?;
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
    !name.starts_with(".briefing-")
        && path != output
        && matches!(ext, "json" | "csv" | "md" | "gz" | "ods" | "xlsx" | "xls")
}

/// The manifest a command works on when none is named: `briefing.json` in
/// the current folder (as cargo and typst work on the project they are run
/// in), else the built-in briefing. Says which on standard error, so that
/// a build of the wrong one is noticed.
fn chosen_manifest(given: Option<PathBuf>, builtin: bool, verb: &str) -> Option<PathBuf> {
    if given.is_some() {
        return given;
    }
    let here = Path::new("briefing.json");
    if !builtin && here.is_file() {
        eprintln!("{verb} briefing.json in this folder (`--builtin` for the built-in London briefing)");
        return Some(here.to_path_buf());
    }
    let why = if builtin { "" } else { " (no briefing.json in this folder)" };
    eprintln!("{verb} the built-in London briefing{why}");
    None
}

/// Which areas `check` runs a batch template over: `--each`, `--area`.
struct Areas {
    each: Option<String>,
    names: Vec<String>,
}

fn check(
    fonts: &Fonts,
    manifest: Option<&Path>,
    data_root: Option<&Path>,
    areas: &Areas,
    report: &Reporter,
) -> Result<(), Error> {
    let input = read_manifest(manifest, data_root, report)?;
    if input.text.contains(briefing::input::template::PLACEHOLDER) || areas.each.is_some() || !areas.names.is_empty() {
        return check_template(fonts, &input, areas, report);
    }
    let diags = match briefing::load(&input.name, &input.text, fonts, &input.files) {
        // A page budget is checked by laying the briefing out; nothing is written.
        Ok(loaded) if loaded.briefing.pages.is_some() => {
            let options = Options::default();
            let rendered = briefing::render(&loaded, fonts, &options);
            let fit = briefing::fit_warnings(&input.name, &input.text, &rendered, &options);
            loaded.warnings.into_iter().chain(fit).collect()
        }
        Ok(loaded) => loaded.warnings,
        Err(diags) => diags,
    };
    report.report(&diags, Some(&input));
    let summary = format!("{}: {}", input.name, count(&diags));
    if briefing::diag::has_errors(&diags) {
        return Err(Error::Input(summary));
    }
    eprintln!("{summary}");
    Ok(())
}

/// `check` on a batch template: every area the batch would build (or those
/// named with `--area`) is filled in and checked like a manifest of its
/// own. A problem found in several areas is reported once, naming them.
fn check_template(fonts: &Fonts, input: &Input, areas: &Areas, report: &Reporter) -> Result<(), Error> {
    use briefing::input::template;
    let fail = |diags: &[Diagnostic]| {
        report.report(diags, Some(input));
        Error::Input(format!("{}: {}", input.name, count(diags)))
    };
    let manifest = briefing::input::manifest::parse(&input.name, &input.text).map_err(|d| fail(&d))?;
    let names = if !areas.names.is_empty() {
        areas.names.clone()
    } else {
        let Some(each) = areas.each.clone().or_else(|| template::each_of(&manifest)) else {
            return Err(fail(&[template::no_areas(&input.name, &input.text)]));
        };
        template::areas(&input.name, &input.text, &manifest, &each, &input.files).map_err(|d| fail(&[d]))?
    };
    let checked: Vec<(String, String, Vec<Diagnostic>)> = {
        use rayon::prelude::*;
        names
            .par_iter()
            .map(|area| {
                let text = template::substitute(&input.text, area);
                let diags = match briefing::load(&input.name, &text, fonts, &input.files) {
                    Ok(loaded) => loaded.warnings,
                    Err(diags) => diags,
                };
                (area.clone(), text, diags)
            })
            .collect()
    };
    let mut all = Vec::new();
    for (i, diag) in grouped(&checked, names.len()) {
        report.report_text(std::slice::from_ref(&diag), input, &checked[i].1);
        all.push(diag);
    }
    let summary = format!("{}: {} areas checked, {}", input.name, names.len(), count(&all));
    if briefing::diag::has_errors(&all) {
        return Err(Error::Input(summary));
    }
    eprintln!("{summary}");
    Ok(())
}

/// Each distinct problem of a template's areas once, in the order first
/// found, with the areas it appears in ("(in all 32 areas)", "(in
/// Camden)"): `checked` holds each area's name, its filled-in template
/// and its diagnostics. Each comes with the index of the first area that
/// showed it, whose text its snippet is drawn from.
fn grouped(checked: &[(String, String, Vec<Diagnostic>)], total: usize) -> Vec<(usize, Diagnostic)> {
    use briefing::input::template;
    let mut problems: Vec<(usize, Diagnostic, Vec<&str>)> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for (i, (area, _, diags)) in checked.iter().enumerate() {
        for diag in diags {
            let key = template::problem_key(diag, area);
            match index.get(&key) {
                Some(&at) => problems[at].2.push(area),
                None => {
                    index.insert(key, problems.len());
                    problems.push((i, diag.clone(), vec![area]));
                }
            }
        }
    }
    problems
        .into_iter()
        .map(|(i, mut diag, found)| {
            diag.message = format!("{} ({})", diag.message, template::in_areas(&found, total));
            (i, diag)
        })
        .collect()
}

/// Writes a copy of the built-in briefing and its data into `dir`.
fn init(dir: &Path) -> Result<(), Error> {
    let mut files: Vec<(&str, &str)> = vec![("briefing.json", briefing::BUILTIN_MANIFEST)];
    files.extend(briefing::BUILTIN_FILES.files.iter().copied());
    let existing: Vec<String> =
        files.iter().map(|(name, _)| dir.join(name)).filter(|p| p.exists()).map(|p| p.display().to_string()).collect();
    if !existing.is_empty() {
        return Err(Error::Input(format!(
            "error: not overwriting existing files: {}\n  hint: choose a new or empty folder",
            existing.join(", ")
        )));
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::Io(format!("cannot create {}: {e}", dir.display())))?;
    for (name, text) in &files {
        write(&dir.join(name), text.as_bytes())?;
    }
    let manifest = dir.join("briefing.json");
    eprintln!("wrote {} and {} data files to {}", manifest.display(), files.len() - 1, dir.display());
    eprintln!("next: edit {} and run", manifest.display());
    eprintln!("  briefing build {} -o {}", manifest.display(), dir.join("briefing.pdf").display());
    Ok(())
}

/// Writes the Markdown form of a manifest: a new manifest beside the old
/// one, and its Markdown text beside that.
fn markdown(manifest: &Path, output: &Path, report: &Reporter) -> Result<(), Error> {
    let input = read_manifest(Some(manifest), None, report)?;
    // Only a manifest that parses is converted; its problems are reported as for `check`.
    briefing::input::manifest::parse(&input.name, &input.text).map_err(|diags| {
        report.report(&diags, Some(&input));
        Error::Input(format!("{}: {}; nothing written", input.name, count(&diags)))
    })?;
    let folder = |p: &Path| manifest_folder(p).canonicalize().ok();
    if folder(manifest) != folder(output) {
        return Err(Error::Usage(format!(
            "write {} in the folder of {}, so that its data paths still hold",
            output.display(),
            manifest.display()
        )));
    }
    let md_path = output.with_extension("md");
    let existing: Vec<String> =
        [output, md_path.as_path()].iter().filter(|p| p.exists()).map(|p| p.display().to_string()).collect();
    if !existing.is_empty() {
        return Err(Error::Input(format!(
            "error: not overwriting existing files: {}\n  hint: choose another -o name",
            existing.join(", ")
        )));
    }
    let md_name = md_path.file_name().and_then(|n| n.to_str()).unwrap_or("briefing.md");
    let value: serde_json::Value =
        serde_json::from_str(&input.text).map_err(|e| Error::Input(format!("{}: {e}", input.name)))?;
    let (new_manifest, text) =
        briefing::input::convert::to_markdown(&value, md_name).map_err(|e| Error::Input(format!("error: {e}")))?;
    let json = serde_json::to_string_pretty(&new_manifest).map_err(|e| Error::Io(e.to_string()))?;
    write(&md_path, text.as_bytes())?;
    write(output, format!("{json}\n").as_bytes())?;
    eprintln!("wrote {} and {}", output.display(), md_path.display());
    eprintln!("next: briefing build {}", output.display());
    Ok(())
}

/// `SOURCE_DATE_EPOCH` (reproducible-builds.org) if set; a bad value is a usage error.
fn source_date_epoch() -> Result<Option<i64>, Error> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| Error::Usage(format!("SOURCE_DATE_EPOCH must be a whole number of seconds, not `{v}`"))),
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

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// A workbook in memory that counts how often its bytes are read.
    struct Counting {
        xlsx: Vec<u8>,
        reads: AtomicUsize,
    }

    impl Files for &'static Counting {
        fn read(&self, name: &str) -> Result<String, String> {
            Err(format!("{name} is binary"))
        }

        fn read_bytes(&self, _: &str) -> Result<Vec<u8>, String> {
            self.reads.fetch_add(1, Ordering::SeqCst);
            Ok(self.xlsx.clone())
        }

        fn display(&self, name: &str) -> String {
            name.to_string()
        }
    }

    fn areas_xlsx() -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (col, head) in ["area", "2018", "2019"].iter().enumerate() {
            sheet.write_string(0, col as u16, *head).unwrap();
        }
        for (row, area) in ["Coventry", "Solihull", "Walsall"].iter().enumerate() {
            sheet.write_string(row as u32 + 1, 0, *area).unwrap();
            sheet.write_number(row as u32 + 1, 1, row as f64).unwrap();
            sheet.write_number(row as u32 + 1, 2, row as f64 + 0.5).unwrap();
        }
        book.save_to_buffer().unwrap()
    }

    /// A batch reads through one `Recording`: however many areas (and
    /// series per area) use a spreadsheet, it is read and parsed once.
    #[test]
    fn a_batch_reads_each_spreadsheet_once() {
        let counting: &'static Counting =
            Box::leak(Box::new(Counting { xlsx: areas_xlsx(), reads: AtomicUsize::new(0) }));
        let recording = Recording::new(Box::new(counting));
        for area in ["Coventry", "Solihull", "Walsall"] {
            let src = briefing::input::template::substitute(
                r#"{"format": 1, "title": "T", "date": "2020-01-01",
                   "sources": {"s": {"publisher": "P", "title": "T"}},
                   "data": {"a": {"file": "areas.xlsx", "sheet": "Sheet1", "header": 1, "row": {"A": "{area}"}, "label": "A", "source": "s"},
                            "b": {"file": "areas.xlsx", "sheet": "Sheet1", "range": "A1:B4", "row": {"A": "{area}"}, "label": "B", "source": "s"}}}"#,
                area,
            );
            let m = briefing::input::manifest::parse("t.json", &src).unwrap();
            let (analysis, diags) = briefing::analyse::analyse("t.json", &src, &m, &recording);
            assert!(diags.is_empty(), "{area}: {diags:?}");
            assert_eq!(analysis.series["a"].points.len(), 2, "{area}");
        }
        assert_eq!(counting.reads.load(Ordering::SeqCst), 1);
    }
}
