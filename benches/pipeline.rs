//! In-process benchmark of the pipeline (`cargo bench --bench pipeline`).
//!
//! Three measurements, each the median of repeated runs in one process
//! with the fonts parsed once (as `batch` does):
//! - the built-in London briefing, stage by stage;
//! - synthetic briefings of about 1, 10, 100 and 1,000 pages, to show that
//!   cost per page stays flat as a briefing grows;
//! - the PDF size of the built-in briefing.
//!
//! Whole-process timings, the borough batch and peak memory come from
//! `benches/run.sh`, which also runs this. Results: `benches/RESULTS.md`.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use briefing::input::data::Files;
use briefing::text::fonts::Fonts;
use briefing::{Options, Timings};

/// Data files held in memory.
struct Memory(Vec<(String, String)>);

impl Files for Memory {
    fn read(&self, name: &str) -> Result<String, String> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, t)| t.clone()).ok_or_else(|| format!("no file {name}"))
    }
    fn display(&self, name: &str) -> String {
        name.to_string()
    }
}

/// One full run: every stage timed, and the PDF's size and page count.
fn run(fonts: &Fonts, name: &str, src: &str, files: &dyn Files) -> (Timings, usize, usize) {
    let options = Options { source_date_epoch: Some(0), ..Options::default() };
    let loaded = briefing::load(name, src, fonts, files).unwrap_or_else(|d| panic!("{name}: {d:?}"));
    let mut t = loaded.timings;
    let (rendered, pdf) = briefing::produce(&loaded, fonts, &options, &mut t).unwrap();
    // Writing is measured by run.sh on the real binary; here only the bytes count.
    (t, pdf.len(), rendered.layout.pages.len())
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A briefing of `sections` sections, each about one page: a heading, three
/// paragraphs of varied prose with computed values and citations, and a
/// line chart every other section with a table every fourth.
fn synthetic(sections: usize) -> (String, Memory) {
    const WORDS: &[&str] = &[
        "officers",
        "London",
        "recorded",
        "violence",
        "borough",
        "funding",
        "strength",
        "population",
        "the",
        "of",
        "and",
        "in",
        "a",
        "to",
        "was",
        "per",
        "since",
        "against",
        "increase",
        "Metropolitan",
        "neighbourhood",
        "policing",
        "resources",
        "assessment",
        "performance",
        "figures",
        "published",
        "government",
        "reduction",
        "between",
        "residents",
        "comparison",
        "inspectorate",
        "establishment",
    ];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut word = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        WORDS[(seed % WORDS.len() as u64) as usize]
    };
    let mut csv = String::from("year,n\n");
    for y in 1990..2024 {
        let _ = writeln!(csv, "{y},{}", 30_000 + (y * 37) % 900);
    }
    let mut out = String::from(
        r#"{"format": 1, "title": "Synthetic briefing", "date": "2018-06-27",
  "sources": {"s": {"publisher": "Home Office", "title": "Police workforce", "url": "https://www.gov.uk/"}},
  "data": {"n": {"file": "n.csv", "x": "year", "y": "n", "label": "Officers", "unit": "FTE", "source": "s"}},
  "sections": ["#,
    );
    for i in 0..sections {
        let _ = write!(out, r#"{}{{"heading": "Section {i}", "blocks": ["#, if i == 0 { "" } else { "," });
        for p in 0..3 {
            let words: Vec<&str> = (0..110).map(|_| word()).collect();
            let _ = write!(
                out,
                r#"{}{{"text": "{} There were {{n.latest:.0}} officers in {{n.latest_x}} [@s]."}}"#,
                if p == 0 { "" } else { "," },
                words.join(" ")
            );
        }
        if i % 2 == 0 {
            let _ = write!(
                out,
                r#",{{"chart": {{"kind": "line", "series": ["n"], "title": "Officers, {{n.first_x}} to {{n.latest_x}}", "alt": "Officers by year.", "height": 120}}}}"#
            );
        }
        if i % 4 == 3 {
            let _ = write!(out, r#",{{"table": {{"series": ["n"], "caption": "Officers by year"}}}}"#);
        }
        out.push_str("]}");
    }
    out.push_str("], \"chart_data\": false}");
    (out, Memory(vec![("n.csv".into(), csv)]))
}

fn main() {
    let fonts = Fonts::new();
    let runs = 30;

    println!("## Built-in briefing, in process (median of {runs})\n");
    let builtin = briefing::BUILTIN_FILES;
    let (_, size, pages) = run(&fonts, "builtin", briefing::BUILTIN_MANIFEST, &builtin);
    let all: Vec<Timings> = (0..runs).map(|_| run(&fonts, "builtin", briefing::BUILTIN_MANIFEST, &builtin).0).collect();
    println!("| stage | median ms |\n|---|---:|");
    for (i, (stage, _)) in Timings::default().stages().iter().enumerate().take(4) {
        println!("| {stage} | {:.2} |", ms(median(all.iter().map(|t| t.stages()[i].1).collect())));
    }
    println!("| **per document** | **{:.2}** |", ms(median(all.iter().map(Timings::total).collect())));
    println!("\nPDF: {pages} pages, {size} bytes\n");

    // The built-in briefing's prose is Markdown: what reading it costs on
    // top of the JSON (parsing with pulldown-cmark into located inlines).
    let md = builtin.read("briefing.md").unwrap();
    let parses: Vec<Duration> = (0..200)
        .map(|_| {
            let start = Instant::now();
            let prose = briefing::input::markdown::parse("briefing.md", &md).unwrap();
            std::hint::black_box(prose);
            start.elapsed()
        })
        .collect();
    println!("Markdown text: {} bytes parsed in {:.3} ms (median of 200)\n", md.len(), ms(median(parses)));

    println!("## Scaling with synthetic briefings (median of 5)\n");
    println!("| sections | pages | PDF KB | total ms | ms per page |\n|---:|---:|---:|---:|---:|");
    for sections in [1, 10, 100, 1000] {
        let (src, files) = synthetic(sections);
        let mut times = Vec::new();
        let (mut size, mut pages) = (0, 0);
        for _ in 0..if sections >= 1000 { 3 } else { 5 } {
            let start = Instant::now();
            let (_, s, p) = run(&fonts, "synthetic", &src, &files);
            times.push(start.elapsed());
            (size, pages) = (s, p);
        }
        let total = median(times);
        println!(
            "| {sections} | {pages} | {:.0} | {:.1} | {:.2} |",
            size as f64 / 1000.0,
            ms(total),
            ms(total) / pages as f64
        );
    }
}
