//! What a map costs (`cargo bench --bench maps`): the same short briefing
//! built with and without one map, for each shipped boundary set, in one
//! process with the fonts parsed once. Reports the median build time of
//! each (parse, analyse, resolve, lay out, write the PDF in memory), the
//! difference, and the PDF sizes. Results: `benches/RESULTS.md`.

use std::time::{Duration, Instant};

use briefing::input::boundaries;
use briefing::input::data::Files;
use briefing::text::fonts::Fonts;
use briefing::{Options, Timings};

// The allocator the `briefing` binary uses, so a build here costs what it
// costs there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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

/// A short briefing with a column chart, and with a map of `set` when
/// `map` is set; `appendix` keeps the "Chart data" appendix, where the map
/// adds a table of every area. The series gives every area a value.
fn briefing(set: &str, map: bool, appendix: bool) -> (String, Memory) {
    let areas = boundaries::shipped(set).expect("a shipped set").areas;
    let csv: String = std::iter::once("area,value\n".to_string())
        .chain(areas.iter().enumerate().map(|(i, a)| format!("{},{}\n", a.code, 1.0 + ((i * 37) % 101) as f64 / 10.0)))
        .collect();
    let figure = if map {
        r#", {"map": {"series": ["rate"], "boundaries": "SET", "title": "Rates differ by area", "alt": "Areas shaded by rate.", "labels": [], "format": ".1"}}"#
            .replace("SET", set)
    } else {
        String::new()
    };
    let src = format!(
        r#"{{"format": 1, "title": "What a map costs", "date": "2020-06-01", "chart_data": {appendix},
  "sources": {{"s": {{"publisher": "P", "title": "Figures"}}}},
  "data": {{"rate": {{"file": "v.csv", "x": "area", "y": "value", "label": "Offences per 1,000 residents", "source": "s"}},
           "years": {{"file": "y.csv", "x": "year", "y": "n", "label": "Offences", "source": "s"}}}},
  "sections": [{{"heading": "Rates", "blocks": [
    {{"text": "The rate was {{years.latest:.0}} in {{years.latest_x}} [@s]."}},
    {{"chart": {{"kind": "column", "series": ["years"], "title": "Offences rose", "alt": "Columns rising."}}}}{figure}
  ]}}]}}"#
    );
    let years = "year,n\n2015,10\n2016,12\n2017,15\n2018,14\n2019,18\n".to_string();
    (src, Memory(vec![("v.csv".into(), csv), ("y.csv".into(), years)]))
}

/// One build's time and the PDF's size.
fn build(fonts: &Fonts, src: &str, files: &Memory) -> (Duration, usize) {
    let options = Options { source_date_epoch: Some(0), ..Options::default() };
    let start = Instant::now();
    let loaded = briefing::load("bench.json", src, fonts, files).unwrap_or_else(|d| panic!("{d:?}"));
    let (_, pdf) = briefing::produce(&loaded, fonts, &options, &mut Timings::default()).unwrap();
    (start.elapsed(), pdf.len())
}

/// The middle of `values`.
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Arguments: boundary set names to measure (all when none); `--runs N`
/// (41 unless given; fewer under callgrind); `--map` or `--plain` to build
/// only the briefing with the map or only the one without, and
/// `--appendix` or `--no-appendix` for only one of those (for counting
/// instructions with callgrind, one variant at a time). Cargo's own
/// `--bench` flag is ignored.
fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let mut runs = 41;
    let mut only: Vec<String> = Vec::new();
    let (mut plain, mut mapped) = (true, true);
    let mut appendices = vec![true, false];
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => runs = args.next().and_then(|n| n.parse().ok()).expect("--runs takes a number"),
            "--map" => plain = false,
            "--plain" => mapped = false,
            "--appendix" => appendices = vec![true],
            "--no-appendix" => appendices = vec![false],
            _ => only.push(arg),
        }
    }
    let fonts = Fonts::new();
    println!(
        "| boundary set | areas | appendix | build without map | with map | map adds | PDF without | with map | map adds |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for set in ["london-boroughs", "police-force-areas", "local-authorities"] {
        if !only.is_empty() && !only.iter().any(|o| o == set) {
            continue;
        }
        let areas = boundaries::shipped(set).map_or(0, |b| b.areas.len());
        for &appendix in &appendices {
            let (plain_src, plain_files) = briefing(set, false, appendix);
            let (map_src, map_files) = briefing(set, true, appendix);
            // Builds alternate, plain then map, so a slow spell on a shared
            // machine falls on both; "map adds" is the median of each
            // pair's difference. The first three pairs warm up.
            let ms = |d: Duration| d.as_secs_f64() * 1000.0;
            let (mut t0, mut t1, mut adds) = (Vec::new(), Vec::new(), Vec::new());
            let (mut s0, mut s1) = (0, 0);
            for run in 0..runs + 3 {
                let a = plain.then(|| build(&fonts, &plain_src, &plain_files));
                let b = mapped.then(|| build(&fonts, &map_src, &map_files));
                if run < 3 {
                    continue;
                }
                if let Some((t, s)) = a {
                    t0.push(ms(t));
                    s0 = s;
                }
                if let Some((t, s)) = b {
                    t1.push(ms(t));
                    s1 = s;
                }
                if let (Some((a, _)), Some((b, _))) = (a, b) {
                    adds.push(ms(b) - ms(a));
                }
            }
            let show = |v: Vec<f64>| if v.is_empty() { "–".to_string() } else { format!("{:.2} ms", median(v)) };
            let kb = |b: usize| b as f64 / 1024.0;
            println!(
                "| `{set}` | {areas} | {} | {} | {} | {} | {:.1} KB | {:.1} KB | {:.1} KB |",
                if appendix { "yes" } else { "no" },
                show(t0),
                show(t1),
                show(adds),
                kb(s0),
                kb(s1),
                kb(s1) - kb(s0)
            );
        }
    }
}
