//! Line breaks that would split one thing, checked on the laid-out lines of
//! whole briefings: a computed value, a financial year, an amount, a day
//! and its month, a number and its unit, a citation; and web addresses that
//! break only after a `/` or before a `.`, never inside their host.

mod common;

use briefing::input::data::Folder;
use briefing::text::fonts::Fonts;
use serde_json::json;

/// Things a line may not end inside.
const WHOLE: [&str; 7] = ["2013/14", "£700m", "31 March", "20 per cent", "[1, 2]", "£1.2 billion", "2010–11"];

/// The laid-out lines of a manifest whose files are in `dir`.
fn lines(src: &str, dir: &std::path::Path) -> Vec<String> {
    let fonts = Fonts::new();
    let files = Folder::new(dir.to_path_buf());
    let loaded = briefing::load("t.json", src, &fonts, &files).unwrap_or_else(|d| panic!("{d:#?}"));
    common::frame_lines(&briefing::render(&loaded, &fonts, &briefing::Options::default()).layout)
}

/// Each pair of consecutive lines where one of `whole` starts at the end of
/// the first and goes on at the start of the second.
fn splits<'a>(lines: &'a [String], whole: &[&'a str]) -> Vec<(&'a str, &'a str, &'a str)> {
    let mut found = Vec::new();
    for pair in lines.windows(2) {
        for w in whole {
            for (k, _) in w.char_indices().skip(1) {
                let (head, tail) = w.split_at(k);
                if pair[0].ends_with(head.trim_end()) && pair[1].starts_with(tail.trim_start()) {
                    found.push((*w, pair[0].as_str(), pair[1].as_str()));
                }
            }
        }
    }
    found
}

#[test]
fn no_line_ends_inside_a_value_a_year_an_amount_a_date_or_a_citation() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("spend.csv"), "year,spend\n2011/12,3400\n2012/13,3300\n2013/14,3200\n").unwrap();
    let filler = "Spending by the force fell sharply over the period while the population grew";
    let words: Vec<&str> = filler.split(' ').collect();
    // The same sentence after 0 to 13 words and at three measures (body
    // text, a quote, a list item), so each thing lands at a line's end somewhere.
    let mut blocks = Vec::new();
    let mut charts = Vec::new();
    for k in 0..words.len() {
        let prefix = words[..k].join(" ");
        let sentence = format!(
            "{prefix} in {{spend.latest_x}} the Met spent £700m, down 20 per cent by 31 March, £1.2 billion in 2010–11 [@a; @b]."
        );
        blocks.push(json!({"text": sentence}));
        // Quotes are printed as written, so the year is written out.
        let quoted = sentence.replace(" [@a; @b]", "").replace("{spend.latest_x}", "2013/14");
        blocks.push(json!({"quote": {"text": quoted, "speaker": "A Member", "role": "Member", "source": "a"}}));
        charts.push(json!({"chart": {"kind": "line", "series": ["spend"],
            "title": format!("{prefix} spending fell to £{{spend.latest}}m in {{spend.latest_x}}"),
            "subtitle": format!("{prefix} net revenue spending, {{spend.first_x}} to {{spend.latest_x}}"),
            "alt": "Line chart."}}));
    }
    let manifest = json!({
        "format": 1, "title": "Breaks", "date": "2018-06-27", "chart_data": false,
        "sources": {"a": {"publisher": "P", "title": "A"}, "b": {"publisher": "P", "title": "B"}},
        "data": {"spend": {"file": "spend.csv", "x": "year", "y": "spend", "label": "Spending", "source": "a"}},
        "summary": blocks.iter().take(6).filter_map(|b| b.get("text").cloned()).collect::<Vec<_>>(),
        "sections": [{"heading": "Text", "blocks": blocks}, {"heading": "Charts", "blocks": charts}]
    });
    let lines = lines(&manifest.to_string(), dir.path());
    // The test means something only if the values do reach line ends: each
    // appears intact many times, and its first part ends some line.
    for w in WHOLE {
        let intact = lines.iter().filter(|l| l.contains(w)).count();
        assert!(intact >= words.len(), "`{w}` appears intact on only {intact} lines");
    }
    let found = splits(&lines, &WHOLE);
    assert!(found.is_empty(), "split across lines: {found:#?}");
}

#[test]
fn reference_urls_keep_their_host_on_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let urls = [
        "https://www.gov.uk/government/statistics/police-workforce-england-and-wales-31-march-2018",
        "https://www.ons.gov.uk/peoplepopulationandcommunity/populationandmigration/populationestimates/datasets/populationestimatesforukenglandandwalesscotlandandnorthernireland",
        "https://assets.publishing.service.gov.uk/government/uploads/system/uploads/attachment_data/file/1093587/open-data-table-police-workforce-270722.ods",
        "https://www.london.gov.uk/press-releases/mayoral/met-police-numbers-at-lowest-per-head-in-20-years",
    ];
    let mut sources = serde_json::Map::new();
    let mut cites = Vec::new();
    // Titles of different lengths put each address at different places in its entry.
    for (i, url) in urls.iter().enumerate() {
        for k in 0..6 {
            let id = format!("s{i}-{k}");
            let title = "Police workforce tables ".repeat(k + 1);
            sources.insert(
                id.clone(),
                json!({"publisher": "Home Office", "title": title.trim(), "date": "2018-07-19", "url": url}),
            );
            cites.push(format!("[@{id}]"));
        }
    }
    let manifest = json!({
        "format": 1, "title": "Addresses", "date": "2018-06-27",
        "sources": sources,
        "sections": [{"heading": "Text", "blocks": [{"text": cites.join(" ")}]}]
    });
    let lines = lines(&manifest.to_string(), dir.path());
    let mut checked = 0;
    for (i, line) in lines.iter().enumerate() {
        let Some(start) = line.find("https://") else { continue };
        let first = &line[start..];
        let url = urls.iter().find(|u| u.starts_with(first)).unwrap_or_else(|| panic!("not an address: {line:?}"));
        let host = &url[..url[8..].find('/').unwrap() + 9];
        assert!(first.len() >= host.len(), "the host of {url} is split: {first:?}");
        // The address's lines, until they make it whole.
        let mut parts = vec![first];
        while parts.concat().len() < url.len() {
            parts.push(&lines[i + parts.len()]);
        }
        assert_eq!(parts.concat(), *url);
        for pair in parts.windows(2) {
            checked += 1;
            assert!(
                pair[0].ends_with('/') || pair[1].starts_with(['.', '-', '_', '?', '#', '&', '=']),
                "{url} broken between {pair:?}"
            );
        }
    }
    assert!(checked >= 10, "only {checked} breaks inside addresses were checked");
}

#[test]
fn the_examples_split_nothing() {
    let fonts = Fonts::new();
    let mut cases = vec![(briefing::BUILTIN_NAME.to_string(), briefing::BUILTIN_MANIFEST.to_string(), None)];
    for name in ["london-latest", "west-midlands"] {
        let path = format!("data/{name}/briefing.json");
        cases.push((path.clone(), std::fs::read_to_string(&path).unwrap(), Some(name)));
    }
    for (name, src, folder) in cases {
        let loaded = match folder {
            None => briefing::load(&name, &src, &fonts, &briefing::BUILTIN_FILES),
            Some(f) => {
                briefing::load(&name, &src, &fonts, &Folder { base: format!("data/{f}").into(), root: "data".into() })
            }
        }
        .unwrap_or_else(|d| panic!("{name}: {d:#?}"));
        let lines = common::frame_lines(&briefing::render(&loaded, &fonts, &briefing::Options::default()).layout);
        let found = splits(&lines, &WHOLE);
        assert!(found.is_empty(), "{name}: {found:#?}");
    }
}
