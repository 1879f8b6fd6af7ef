//! Writes a police.uk-style street-level crime archive for tests and
//! benchmarks: a folder per month, one CSV per force
//! (`2024-01/2024-01-metropolitan-street.csv`) with the real header, one
//! row per crime or anti-social behaviour incident (whose `Crime ID` and
//! outcome are empty), and whole months left out as some forces' archives
//! have them. Deterministic: the same arguments give the same bytes, and
//! the generator returns what it wrote, counted as it wrote it, for tests
//! to compare with what the tool reads.
//!
//! Shared by `tests/` and `benches/` (included with `#[path]`).

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

/// The header of police.uk street-level files, as published.
pub const HEADER: &str = "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,LSOA name,Crime type,Last outcome category,Context";

/// Crime types with roughly their share of the Met's street-level rows (per mille).
pub const CRIME_TYPES: [(&str, u32); 14] = [
    ("Anti-social behaviour", 190),
    ("Bicycle theft", 20),
    ("Burglary", 60),
    ("Criminal damage and arson", 55),
    ("Drugs", 40),
    ("Other crime", 15),
    ("Other theft", 130),
    ("Possession of weapons", 10),
    ("Public order", 55),
    ("Robbery", 30),
    ("Shoplifting", 50),
    ("Theft from the person", 45),
    ("Vehicle crime", 80),
    ("Violence and sexual offences", 220),
];

const OUTCOMES: [&str; 5] = [
    "Investigation complete; no suspect identified",
    "Unable to prosecute suspect",
    "Under investigation",
    "Status update unavailable",
    "Awaiting court outcome",
];

const BOROUGHS: [&str; 8] =
    ["Westminster", "Camden", "Croydon", "Barnet", "Lambeth", "Southwark", "Newham", "Richmond upon Thames"];

/// What to write.
pub struct Archive<'a> {
    /// The force's file-name slug, e.g. `metropolitan`.
    pub force: &'a str,
    /// `Falls within` and `Reported by`.
    pub force_name: &'a str,
    /// The first month, as `(year, month)`.
    pub start: (i32, u32),
    /// How many months from `start` the archive spans (missing ones included).
    pub months: u32,
    /// Rows in each month's file (varied by up to ±5% from month to month).
    pub rows: usize,
    /// Months of the span with no file, as `(year, month)`.
    pub missing: &'a [(i32, u32)],
}

/// Counts written: by month (`YYYY-MM`) and crime type.
pub type Counts = BTreeMap<String, BTreeMap<String, u64>>;

/// A small, fast deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

impl Archive<'_> {
    /// Writes the archive under `root` and returns the counts written.
    pub fn write(&self, root: &Path) -> Counts {
        let mut counts = Counts::new();
        let mut rng = Rng(0x5eed ^ self.rows as u64);
        let total: u32 = CRIME_TYPES.iter().map(|c| c.1).sum();
        for i in 0..self.months {
            let index = self.start.0 * 12 + self.start.1 as i32 - 1 + i as i32;
            let (year, month) = (index.div_euclid(12), index.rem_euclid(12) as u32 + 1);
            let tag = format!("{year:04}-{month:02}");
            // Every month draws from the generator, written or not, so a
            // missing month leaves the others' rows unchanged.
            let rows = self.rows - self.rows / 20 + rng.below((self.rows / 10).max(1) as u64) as usize;
            let written = !self.missing.contains(&(year, month));
            let mut out = Vec::with_capacity(rows * 260);
            writeln!(out, "{HEADER}").unwrap();
            let month_counts = counts.entry(tag.clone()).or_default();
            for _ in 0..rows {
                let mut pick = rng.below(total as u64) as u32;
                let (crime, _) = *CRIME_TYPES
                    .iter()
                    .find(|(_, share)| {
                        let hit = pick < *share;
                        pick = pick.saturating_sub(*share);
                        hit
                    })
                    .unwrap_or(&CRIME_TYPES[0]);
                *month_counts.entry(crime.to_string()).or_default() += 1;
                let asb = crime == "Anti-social behaviour";
                let id = if asb {
                    String::new()
                } else {
                    format!("{:016x}{:016x}{:016x}{:016x}", rng.next(), rng.next(), rng.next(), rng.next())
                };
                let outcome = if asb { "" } else { OUTCOMES[rng.below(OUTCOMES.len() as u64) as usize] };
                let borough = BOROUGHS[rng.below(BOROUGHS.len() as u64) as usize];
                let lsoa = rng.below(200);
                let lon = -0.5 + rng.below(700_000) as f64 / 1_000_000.0;
                let lat = 51.28 + rng.below(420_000) as f64 / 1_000_000.0;
                writeln!(
                    out,
                    "{id},{tag},{force},{force},{lon:.6},{lat:.6},On or near {street} Street,E01{code:06},{borough} {lsoa:03}{letter},{crime},{outcome},",
                    force = self.force_name,
                    street = ["High", "Church", "Station", "Park", "Victoria", "Green"][rng.below(6) as usize],
                    code = 1000 + lsoa * 7,
                    letter = (b'A' + rng.below(5) as u8) as char,
                )
                .unwrap();
            }
            if !written {
                counts.remove(&tag);
                continue;
            }
            let dir = root.join(&tag);
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join(format!("{tag}-{}-street.csv", self.force)), out).unwrap();
        }
        counts
    }
}
