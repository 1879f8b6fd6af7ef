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

/// Median build time over `runs` and the PDF's size.
fn measure(fonts: &Fonts, src: &str, files: &Memory, runs: usize) -> (Duration, usize) {
    let options = Options { source_date_epoch: Some(0), ..Options::default() };
    let mut times = Vec::with_capacity(runs);
    let mut size = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let loaded = briefing::load("bench.json", src, fonts, files).unwrap_or_else(|d| panic!("{d:?}"));
        let (_, pdf) = briefing::produce(&loaded, fonts, &options, &mut Timings::default()).unwrap();
        times.push(start.elapsed());
        size = pdf.len();
    }
    times.sort();
    (times[runs / 2], size)
}

fn main() {
    let fonts = Fonts::new();
    let runs = 41;
    println!(
        "| boundary set | areas | appendix | build without map | with map | map adds | PDF without | with map | map adds |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for set in ["london-boroughs", "police-force-areas", "local-authorities"] {
        let areas = boundaries::shipped(set).map_or(0, |b| b.areas.len());
        for appendix in [true, false] {
            let (plain_src, plain_files) = briefing(set, false, appendix);
            let (map_src, map_files) = briefing(set, true, appendix);
            // Warm up both, then measure them in turn.
            measure(&fonts, &plain_src, &plain_files, 3);
            measure(&fonts, &map_src, &map_files, 3);
            let (t0, s0) = measure(&fonts, &plain_src, &plain_files, runs);
            let (t1, s1) = measure(&fonts, &map_src, &map_files, runs);
            let ms = |d: Duration| d.as_secs_f64() * 1000.0;
            let kb = |b: usize| b as f64 / 1024.0;
            println!(
                "| `{set}` | {areas} | {} | {:.2} ms | {:.2} ms | {:.2} ms | {:.1} KB | {:.1} KB | {:.1} KB |",
                if appendix { "yes" } else { "no" },
                ms(t0),
                ms(t1),
                ms(t1) - ms(t0),
                kb(s0),
                kb(s1),
                kb(s1) - kb(s0)
            );
        }
    }
}
