//! `briefing` turns a JSON manifest into a finished PDF briefing.
//!
//! The pipeline runs one way, one folder per stage, with plain data between
//! them:
//!
//! ```text
//! input     JSON text, CSV files -> Manifest (permissive serde tree), data
//! analyse   Manifest + data      -> Analysis (series; `{officers.latest}` -> "30,390")
//! resolve   Manifest + Analysis  -> Briefing (typed, every string parsed and checked)
//! compose   Briefing             -> Document (numbered headings, styled spans, references)
//! layout    Document + text      -> frame::Layout (pages of positioned items)
//! export    Layout               -> PDF bytes, SVG/PNG figures, summary; written atomically
//! ```
//!
//! `resolve` alone decides whether the input is valid; every stage after it
//! cannot fail on anything the author wrote. `text` sets type (shaping,
//! hyphenation, line breaking) for layout, and `diag` carries located
//! problems back to the user.

// Diagnostics travel on the cold error path only; boxing them everywhere
// would add noise for no measurable gain.
#![allow(clippy::result_large_err)]

pub mod analyse;
pub mod compose;
pub mod diag;
pub mod export;
pub mod frame;
pub mod input;
pub mod layout;
pub mod resolve;
pub mod text;

use std::time::{Duration, Instant};

use diag::Diagnostic;
use export::{pdf, preview};
use input::data::{Embedded, Files};
use input::manifest::{self, Paper};
use text::fonts::Fonts;
use text::linebreak::{Hyphenator, Typesetter};

/// The London briefing compiled into the binary, used when no manifest is given.
pub const BUILTIN_MANIFEST: &str = include_str!("../data/london-2018/briefing.json");
/// The name diagnostics use for the built-in manifest.
pub const BUILTIN_NAME: &str = "<built-in>/data/london-2018/briefing.json";

/// The built-in briefing's data files, compiled in so `build` works anywhere.
pub const BUILTIN_FILES: Embedded = Embedded {
    folder: "<built-in>/data/london-2018",
    files: &[
        ("briefing.md", include_str!("../data/london-2018/briefing.md")),
        ("met-officers.csv", include_str!("../data/london-2018/met-officers.csv")),
        ("london-population.csv", include_str!("../data/london-2018/london-population.csv")),
        ("london-homicides.csv", include_str!("../data/london-2018/london-homicides.csv")),
        ("violence-by-borough.csv", include_str!("../data/london-2018/violence-by-borough.csv")),
        ("borough-population.csv", include_str!("../data/london-2018/borough-population.csv")),
        ("weapons-possession-offences.csv", include_str!("../data/london-2018/weapons-possession-offences.csv")),
    ],
};

/// Choices made on the command line, validated before any work starts.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Overrides the manifest's paper size.
    pub paper: Option<Paper>,
    /// Seconds since the epoch for the PDF dates (from `SOURCE_DATE_EPOCH`);
    /// otherwise the manifest's date is used. The clock is never read.
    pub source_date_epoch: Option<i64>,
    /// Charts in greys and strong dash patterns, for black-and-white printing.
    pub gray: bool,
    /// Overrides the manifest's protective marking.
    pub marking: Option<String>,
    /// Overrides the manifest's page budget (`pages`).
    pub pages: Option<usize>,
}

/// A manifest that parsed, its data analysed and the whole resolved into a
/// typed briefing, with any warnings found on the way.
pub struct Loaded {
    pub briefing: resolve::Briefing,
    pub warnings: Vec<Diagnostic>,
    /// Time spent parsing (`load`) and analysing; the caller adds the rest.
    pub timings: Timings,
}

/// Wall time of each pipeline stage, for `--timings`: reading and parsing
/// the manifest (load), reading data and computing values (analyse),
/// composing and laying out pages (layout), writing PDF bytes (render),
/// and saving the file (write). The clock never reaches the PDF.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    pub load: Duration,
    pub analyse: Duration,
    pub layout: Duration,
    pub render: Duration,
    pub write: Duration,
}

impl Timings {
    /// Stage names and times, in pipeline order.
    pub fn stages(&self) -> [(&'static str, Duration); 5] {
        [
            ("load", self.load),
            ("analyse", self.analyse),
            ("layout", self.layout),
            ("render", self.render),
            ("write", self.write),
        ]
    }

    pub fn total(&self) -> Duration {
        self.stages().iter().map(|(_, d)| *d).sum()
    }

    /// Adds another briefing's times (for a batch total).
    pub fn add(&mut self, other: &Timings) {
        self.load += other.load;
        self.analyse += other.analyse;
        self.layout += other.layout;
        self.render += other.render;
        self.write += other.write;
    }
}

/// Parses and validates manifest text, reads its data through `files` and
/// evaluates every computed value; `file` names the manifest in diagnostics.
/// On failure, returns every problem found (errors and warnings).
pub fn load(file: &str, src: &str, fonts: &Fonts, files: &dyn Files) -> Result<Loaded, Vec<Diagnostic>> {
    let start = Instant::now();
    let manifest = manifest::parse(file, src)?;
    let parsed = Instant::now();
    let (analysis, mut diags) = analyse::analyse(file, src, &manifest, files);
    let covers = |c| fonts.covers(c);
    let text = match &manifest.text {
        Some(name) => match input::markdown::read(file, src, name, files, &covers) {
            Ok(text) => Some(text),
            Err(more) => {
                diags.extend(more);
                return Err(diags);
            }
        },
        None => None,
    };
    let md = text.as_ref().map(|(file, src, prose)| resolve::MarkdownText { file: file.clone(), src, prose });
    let resolved = resolve::resolve(file, src, &manifest, &analysis, md, &covers);
    let resolved = match resolved {
        Ok(resolved) if !diag::has_errors(&diags) => resolved,
        Ok(resolved) => {
            diags.extend(resolved.warnings);
            return Err(diags);
        }
        Err(more) => {
            diags.extend(more);
            return Err(diags);
        }
    };
    diags.extend(resolved.warnings);
    let timings = Timings { load: parsed - start, analyse: parsed.elapsed(), ..Timings::default() };
    Ok(Loaded { briefing: resolved.briefing, warnings: diags, timings })
}

/// A briefing composed and laid out, ready for any exporter.
pub struct Rendered {
    /// The document as laid out: without the chart-data appendix when the
    /// page budget left it out.
    pub document: compose::Document,
    pub layout: frame::Layout,
    /// How the layout was fitted to the page budget.
    pub fit: layout::Fit,
}

/// Composes and lays out a loaded manifest.
pub fn render(loaded: &Loaded, fonts: &Fonts, options: &Options) -> Rendered {
    let mut document = compose::compose(&loaded.briefing);
    if let Some(paper) = options.paper {
        document.paper = paper;
    }
    if let Some(marking) = &options.marking {
        document.marking = Some(marking.clone()).filter(|s| !s.trim().is_empty());
    }
    for block in &mut document.blocks {
        if let compose::Block::Figure(f) = block {
            f.graphic.set_gray(options.gray);
        }
    }
    let hyphenator = Hyphenator::for_language(&document.lang);
    let typesetter = Typesetter::new(fonts, &hyphenator);
    let budget = options.pages.or(loaded.briefing.pages);
    let (layout, fit) = layout::fit(&document, &typesetter, budget);
    if fit.appendix_left_out
        && let Some(start) = document.appendix.take()
    {
        document.blocks.truncate(start);
    }
    Rendered { document, layout, fit }
}

/// Warnings about the page budget of a rendered briefing: the appendix left
/// out to keep to it, or a briefing that still does not fit. `file` and
/// `src` name and hold the manifest, to point at its `pages` when the
/// budget is the manifest's rather than `--pages`.
pub fn fit_warnings(file: &str, src: &str, rendered: &Rendered, options: &Options) -> Vec<Diagnostic> {
    let fit = &rendered.fit;
    let Some(budget) = fit.budget else { return Vec::new() };
    let (setting, at) = match options.pages {
        Some(_) => (format!("--pages {budget}"), None),
        None => (format!("`pages` ({budget})"), diag::locate(src, &[diag::key("pages")])),
    };
    let located = |d: Diagnostic| match at {
        Some(_) => d.at(at).path("$.pages"),
        None => d,
    };
    let plural = |n: usize| if n == 1 { format!("{n} page") } else { format!("{n} pages") };
    let mut warnings = Vec::new();
    if fit.appendix_left_out {
        warnings.push(located(
            Diagnostic::warning(
                file,
                format!(
                    "the chart-data appendix is left out to keep to {setting}; each figure's data is still attached to the PDF as CSV"
                ),
            )
            .hint("allow more pages to print the appendix, or set `\"chart_data\": false` to leave it out on purpose"),
        ));
    }
    if fit.over_budget() {
        let largest: Vec<String> =
            fit.largest.iter().map(|(name, pages)| format!("{name} ({pages:.1} pages)")).collect();
        warnings.push(located(
            Diagnostic::warning(
                file,
                format!(
                    "the briefing takes {}, over the budget of {} set by {setting}; the largest: {}",
                    plural(fit.pages),
                    plural(budget),
                    largest.join(", ")
                ),
            )
            .hint("shorten the largest part, give its charts a smaller `height` (or none, so that they may shrink), or allow more pages"),
        ));
    }
    warnings
}

/// A figure exported for slides and email: file stem, SVG text and PNG bytes.
pub struct FigureFile {
    pub name: String,
    pub svg: String,
    pub png: Vec<u8>,
}

/// Every figure of a rendered briefing as SVG and PNG, the same width as on the page.
pub fn figure_files(rendered: &Rendered, fonts: &Fonts, lang: &str) -> Result<Vec<FigureFile>, String> {
    let hyphenator = Hyphenator::for_language(lang);
    let ts = Typesetter::new(fonts, &hyphenator);
    let width = rendered.layout.width - 2.0 * layout::MARGIN_X;
    let mut files = Vec::new();
    for block in &rendered.document.blocks {
        let compose::Block::Figure(f) = block else { continue };
        let (items, height) = layout::figure_items(f, &ts, width);
        let alt: String = f.alt.iter().map(|s| s.text.as_str()).collect();
        files.push(FigureFile {
            name: format!("figure-{}", f.number),
            svg: preview::svg(&items, width, height, fonts, &f.plain_title, &alt),
            png: preview::png(&items, width, height, fonts)?,
        });
    }
    Ok(files)
}

/// Renders a loaded manifest to PDF bytes.
pub fn build(loaded: &Loaded, fonts: &Fonts, options: &Options) -> Result<Vec<u8>, ProduceError> {
    produce(loaded, fonts, options, &mut Timings::default()).map(|(_, bytes)| bytes)
}

/// Why a loaded briefing gave no PDF.
#[derive(Debug)]
pub enum ProduceError {
    /// It laid out to more pages than [`input::limits::PAGES`]: a problem
    /// with the input, found before the pages are written.
    Pages(usize),
    Pdf(pdf::PdfError),
}

impl std::fmt::Display for ProduceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProduceError::Pages(n) => write!(
                f,
                "the briefing runs to {} pages, over the limit of {} pages for one briefing; is a long series shown as a table, or text repeated?",
                input::limits::thousands(*n as u64),
                input::limits::thousands(input::limits::PAGES as u64)
            ),
            ProduceError::Pdf(e) => write!(f, "{e}"),
        }
    }
}

/// Lays out a loaded manifest and writes it as PDF bytes, recording the
/// time of both stages in `timings`; the rendering is returned too, for the
/// summary and chart files.
pub fn produce(
    loaded: &Loaded,
    fonts: &Fonts,
    options: &Options,
    timings: &mut Timings,
) -> Result<(Rendered, Vec<u8>), ProduceError> {
    let start = Instant::now();
    let rendered = render(loaded, fonts, options);
    timings.layout = start.elapsed();
    let pages = rendered.layout.pages.len();
    if pages > input::limits::PAGES {
        return Err(ProduceError::Pages(pages));
    }
    let start = Instant::now();
    let bytes = to_pdf(&rendered, fonts, options).map_err(ProduceError::Pdf)?;
    timings.render = start.elapsed();
    Ok((rendered, bytes))
}

/// Writes an already rendered briefing as PDF bytes.
pub fn to_pdf(rendered: &Rendered, fonts: &Fonts, options: &Options) -> Result<Vec<u8>, pdf::PdfError> {
    let doc = &rendered.document;
    let meta = pdf::Metadata {
        title: doc.title.clone(),
        author: doc.author.clone().unwrap_or_default(),
        subject: doc.subtitle.clone().unwrap_or_default(),
        keywords: doc.keywords.clone(),
        lang: doc.lang.clone(),
        date: date_epoch(rendered, options),
    };
    pdf::render(&rendered.layout, fonts, &meta)
}

/// The instant a briefing's files are dated (PDF metadata, email `Date`):
/// `SOURCE_DATE_EPOCH` if given, else midnight UTC of the manifest's date.
pub fn date_epoch(rendered: &Rendered, options: &Options) -> i64 {
    options.source_date_epoch.unwrap_or_else(|| manifest_epoch(&rendered.document.iso_date))
}

/// Who an email draft goes to and what its subject says, from the command line.
#[derive(Debug, Clone, Default)]
pub struct Envelope {
    pub from: Option<export::email::Mailbox>,
    pub to: Vec<export::email::Mailbox>,
    /// Replaces the briefing's title as the subject.
    pub subject: Option<String>,
}

/// An email draft of a rendered briefing: its plain-text summary as the
/// body and `pdf` attached as `file_name`, dated as the PDF is.
pub fn to_email(rendered: &Rendered, options: &Options, envelope: &Envelope, pdf: &[u8], file_name: &str) -> Vec<u8> {
    let doc = &rendered.document;
    let body = export::summary::summary(doc, export::summary::Style::Text);
    export::email::draft(&export::email::Draft {
        subject: envelope.subject.as_deref().unwrap_or(&doc.title),
        from: envelope.from.as_ref(),
        to: &envelope.to,
        date: date_epoch(rendered, options),
        body: &body,
        lang: &doc.lang,
        file_name,
        pdf,
    })
}

/// Midnight UTC at the start of a `YYYY-MM-DD` date, in seconds since the epoch.
fn manifest_epoch(date: &str) -> i64 {
    let Some((y, Some(m), Some(d))) = input::date::parse_date(date) else {
        return 0;
    };
    // Days from civil date (Howard Hinnant's algorithm), proleptic Gregorian.
    let (y, m, d) = (if m <= 2 { y - 1 } else { y } as i64, m as i64, d as i64);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe - 719_468) * 86_400
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_dates_become_epoch_seconds() {
        assert_eq!(manifest_epoch("1970-01-01"), 0);
        assert_eq!(manifest_epoch("2018-06-27"), 1_530_057_600);
        assert_eq!(manifest_epoch("2000-03-01"), 951_868_800);
    }
}
