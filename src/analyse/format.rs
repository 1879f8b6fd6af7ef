//! en-GB number and date formatting, in one place.
//!
//! When a briefing's text says `{officers.latest:.0}` or
//! `{per_1000.change_pct:+.1%}`, the computed value is written out here, so
//! every figure in a document follows the same house style: comma thousands
//! separators, a true minus sign (U+2212), `£700m` / `£1.2bn` scaling, and
//! dates written "31 March 2018" rather than "2018-03-31".
//!
//! Numbers are rounded as decimal text, not as binary floats: the value is
//! first written in its shortest round-trip form (what a human typed into the
//! CSV, e.g. `1.005`) and that text is rounded half away from zero. So 1.005
//! at two decimals is "1.01", as the reader of the data would expect, even
//! though the nearest f64 is slightly below 1.005. Scaling to k/m/bn moves the
//! decimal point in that text for the same reason, so no division error creeps
//! in.
//!
//! Nothing here panics: NaN is "n/a", infinities are "∞" and "−∞", and
//! 1e308 is written out in full.

use crate::input::x::MONTHS;

/// The true minus sign; a hyphen-minus looks wrong next to typeset figures.
const MINUS: char = '\u{2212}';

/// The largest `.N` a spec may ask for; more is false precision in a briefing.
const MAX_DECIMALS: usize = 6;

/// Shown with every spec error so the writer can see what is accepted.
const EXAMPLES: &str = "formats look like `.1`, `+.0%`, `£m`, `£.1bn`";

/// A parsed format spec, the part after `:` in `{series.stat:SPEC}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Spec {
    /// Leading `+`: always show a sign (+ or −), except on a value that rounds to zero.
    pub sign: bool,
    /// `£` or `€` prefix, placed after the sign: "−£5m".
    pub currency: Option<char>,
    /// `.N`: exactly N decimals (0..=6). `None` picks decimals by magnitude.
    pub decimals: Option<usize>,
    pub suffix: Suffix,
}

/// What follows the number, and the scaling that goes with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Suffix {
    #[default]
    None,
    /// `%`: the value is already in percent; only the sign is appended.
    Percent,
    /// `k`: thousands.
    Thousand,
    /// `m`: millions.
    Million,
    /// `bn`: billions.
    Billion,
}

impl Suffix {
    /// The text written after the number.
    fn text(self) -> &'static str {
        match self {
            Suffix::None => "",
            Suffix::Percent => "%",
            Suffix::Thousand => "k",
            Suffix::Million => "m",
            Suffix::Billion => "bn",
        }
    }

    /// How many places the decimal point moves left before formatting.
    pub fn shift(self) -> usize {
        match self {
            Suffix::None | Suffix::Percent => 0,
            Suffix::Thousand => 3,
            Suffix::Million => 6,
            Suffix::Billion => 9,
        }
    }
}

/// Parses SPEC. Grammar: `[+][£|€][.N][%|k|m|bn]` (all parts optional; "" is the default spec).
///
/// Errors are one-line messages suitable for a diagnostic.
pub fn parse_spec(s: &str) -> Result<Spec, String> {
    let unknown = || format!("unknown format `{s}`; {EXAMPLES}");
    let mut spec = Spec::default();
    let mut rest = s;

    if let Some(r) = rest.strip_prefix('+') {
        spec.sign = true;
        rest = r;
    }
    if let Some(c) = rest.chars().next().filter(|c| matches!(c, '£' | '€')) {
        spec.currency = Some(c);
        rest = &rest[c.len_utf8()..];
    }
    if let Some(r) = rest.strip_prefix('.') {
        let len = r.bytes().take_while(u8::is_ascii_digit).count();
        let (digits, r) = r.split_at(len);
        if digits.is_empty() {
            return Err(unknown());
        }
        spec.decimals = Some(parse_decimals(s, digits)?);
        rest = r;
    }
    spec.suffix = match rest {
        "" => Suffix::None,
        "%" => Suffix::Percent,
        "k" => Suffix::Thousand,
        "m" => Suffix::Million,
        "bn" => Suffix::Billion,
        _ => return Err(unknown()),
    };
    Ok(spec)
}

/// The N of `.N`, given its (non-empty) run of digits; at most [`MAX_DECIMALS`].
fn parse_decimals(spec: &str, digits: &str) -> Result<usize, String> {
    // A run of digits too long for usize is certainly too many decimals.
    match digits.parse::<usize>() {
        Ok(n) if n <= MAX_DECIMALS => Ok(n),
        _ => Err(format!("format `{spec}` asks for {digits} decimals; at most {MAX_DECIMALS} are allowed")),
    }
}

/// An English ordinal for a rank: "1st", "2nd", "3rd", "4th", "11th", "22nd".
pub fn ordinal(n: u64) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// Formats a number en-GB style, as described in the module docs and [`Spec`].
///
/// Without `.N`, decimals follow magnitude (after k/m/bn scaling): none from
/// 100 up, one from 1 up, two below 1; trailing zeros are then dropped, so
/// 16.0 is "16" and 0.50 is "0.5". With `.N` exactly N decimals are shown
/// (a `decimals` above 6 set directly on a `Spec` is treated as 6).
pub fn number(value: f64, spec: &Spec) -> String {
    if value.is_nan() {
        return "n/a".to_string();
    }
    let body = if value.is_infinite() { "∞".to_string() } else { magnitude(value.abs(), spec) };
    // A value that rounds to zero is neither positive nor negative to the reader.
    let is_zero = value.is_finite() && !body.bytes().any(|b| matches!(b, b'1'..=b'9'));
    let sign = if is_zero {
        None
    } else if value < 0.0 {
        Some(MINUS)
    } else if spec.sign {
        Some('+')
    } else {
        None
    };
    let mut out: String = sign.into_iter().chain(spec.currency).collect();
    out.push_str(&body);
    out.push_str(spec.suffix.text());
    out
}

/// The digits of a finite, non-negative value, scaled, rounded and grouped: "1,234.5".
fn magnitude(abs: f64, spec: &Spec) -> String {
    let (int, frac) = decimal_parts(abs);
    let (int, frac) = shift_left(&int, &frac, spec.suffix.shift());
    let decimals = match spec.decimals {
        Some(n) => n.min(MAX_DECIMALS),
        None => default_decimals(&int),
    };
    let (int, mut frac) = round_half_away(&int, &frac, decimals);
    if spec.decimals.is_none() {
        frac.truncate(frac.trim_end_matches('0').len());
    }
    if frac.is_empty() { group(&int) } else { format!("{}.{frac}", group(&int)) }
}

/// Integer and fraction digits of the shortest text that reads back as `abs`.
/// Rust's `Display` for f64 never uses exponent notation, so this is plain digits.
fn decimal_parts(abs: f64) -> (String, String) {
    let text = format!("{abs}");
    match text.split_once('.') {
        Some((int, frac)) => (int.to_string(), frac.to_string()),
        None => (text, String::new()),
    }
}

/// Divides by 10^places by moving the decimal point, so scaling is exact.
fn shift_left(int: &str, frac: &str, places: usize) -> (String, String) {
    if places == 0 {
        return (int.to_string(), frac.to_string());
    }
    let digits = format!("{int}{frac}");
    match int.len().checked_sub(places) {
        Some(point) if point > 0 => (digits[..point].to_string(), digits[point..].to_string()),
        _ => {
            let zeros = "0".repeat(places - int.len());
            ("0".to_string(), format!("{zeros}{digits}"))
        }
    }
}

/// Decimals when the spec gives none: fewer as the number grows, since
/// "30,390.2" says no more than "30,390" but "0.25" needs both places.
fn default_decimals(int: &str) -> usize {
    // `int` has no leading zeros, so its length is its order of magnitude.
    if int.len() >= 3 {
        0
    } else if int != "0" {
        1
    } else {
        2
    }
}

/// Rounds the decimal `int.frac` to `decimals` places, half away from zero
/// (the digits are a magnitude, so rounding up is away from zero).
fn round_half_away(int: &str, frac: &str, decimals: usize) -> (String, String) {
    if frac.len() <= decimals {
        return (int.to_string(), format!("{frac:0<decimals$}"));
    }
    let round_up = frac.as_bytes()[decimals] >= b'5';
    let mut digits: Vec<u8> = int.bytes().chain(frac[..decimals].bytes()).collect();
    if round_up {
        increment(&mut digits);
    }
    let point = digits.len() - decimals;
    let text = |d: &[u8]| d.iter().copied().map(char::from).collect::<String>();
    (text(&digits[..point]), text(&digits[point..]))
}

/// Adds one to a string of ASCII digits, growing it on carry out ("99" -> "100").
fn increment(digits: &mut Vec<u8>) {
    for d in digits.iter_mut().rev() {
        if *d == b'9' {
            *d = b'0';
        } else {
            *d += 1;
            return;
        }
    }
    digits.insert(0, b'1');
}

/// Inserts a comma every three digits from the right: "30390" -> "30,390".
fn group(int: &str) -> String {
    let mut out = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A value as plain text for a data file (a chart's attached CSV): the
/// shortest decimal form within a part in 10^10 of it. That drops the
/// noise binary arithmetic leaves in sums and ratios (31127.690000000002
/// is 31127.69, 3537.9999999999995 is 3538) and keeps every digit data
/// is published with. No grouping, a hyphen-minus, no exponent.
pub fn plain(value: f64) -> String {
    if !value.is_finite() {
        return String::new();
    }
    let close = |text: &str| text.parse::<f64>().is_ok_and(|v| (v - value).abs() <= value.abs() * 1e-10);
    let text = (0..=17).map(|d| format!("{value:.d$}")).find(|t| close(t)).unwrap_or_else(|| value.to_string());
    if text.trim_start_matches('-').chars().all(|c| c == '0' || c == '.') { "0".to_string() } else { text }
}

/// A series label with its unit in brackets, unless the label already
/// says it: "Officers (FTE)" stays as it is with the unit "FTE", and
/// "Homicide victims" needs no "(victims)".
pub fn with_unit(label: &str, unit: &str) -> String {
    let unit = unit.trim();
    let words = |s: &str| {
        s.to_lowercase()
            .split(|c: char| !c.is_alphanumeric() && c != '%' && c != '£')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let (label_words, unit_words) = (words(label), words(unit));
    let said = !unit_words.is_empty() && label_words.windows(unit_words.len()).any(|w| w == unit_words.as_slice());
    if unit.is_empty() || said { label.to_string() } else { format!("{label} ({unit})") }
}

/// Formats an x value of a series as a reader expects:
/// "2018-03-31" -> "31 March 2018"; "2018-06" -> "June 2018"; "2018" -> "2018".
///
/// Financial years such as "2016/17" are already in reader form, and
/// categories such as "Croydon" are names, so both pass through unchanged.
pub fn x_label(x: &str) -> String {
    date(x)
}

/// A date "YYYY-MM-DD" / "YYYY-MM" / "YYYY" as readers see it: "31 March 2018",
/// "June 2018", "2018". Anything that is not a valid date of those forms
/// (month 1-12, day within the month, leap years counted) is returned unchanged.
pub fn date(s: &str) -> String {
    parse_date(s).unwrap_or_else(|| s.to_string())
}

/// The reader's form of `s` if it is a valid date, else `None`.
fn parse_date(s: &str) -> Option<String> {
    let parts: Vec<&str> = s.split('-').collect();
    match parts.as_slice() {
        [y] => year(y).map(|_| y.to_string()),
        [y, m] => {
            year(y)?;
            Some(format!("{} {y}", month_name(month(m)?)?))
        }
        [y, m, d] => {
            let (yn, mn) = (year(y)?, month(m)?);
            let dn = day(d, yn, mn)?;
            Some(format!("{dn} {} {y}", month_name(mn)?))
        }
        _ => None,
    }
}

/// Exactly `width` ASCII digits, as a number.
fn fixed_digits(s: &str, width: usize) -> Option<u32> {
    if s.len() == width && s.bytes().all(|b| b.is_ascii_digit()) { s.parse().ok() } else { None }
}

fn year(s: &str) -> Option<u32> {
    fixed_digits(s, 4)
}

fn month(s: &str) -> Option<u32> {
    fixed_digits(s, 2).filter(|m| (1..=12).contains(m))
}

fn day(s: &str, year: u32, month: u32) -> Option<u32> {
    fixed_digits(s, 2).filter(|d| (1..=days_in_month(year, month)).contains(d))
}

fn month_name(month: u32) -> Option<&'static str> {
    MONTHS.get(usize::try_from(month).ok()?.checked_sub(1)?).copied()
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Gregorian leap years: every fourth year, except centuries not divisible by 400.
fn is_leap(year: u32) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals() {
        let got: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 32, 101, 111].map(ordinal).into();
        assert_eq!(
            got,
            ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd", "32nd", "101st", "111th"]
        );
    }

    /// Formats with a spec given as text, as a manifest would write it.
    fn f(value: f64, spec: &str) -> String {
        number(value, &parse_spec(spec).expect("test spec parses"))
    }

    #[test]
    fn grouping() {
        assert_eq!(f(0.0, ""), "0");
        assert_eq!(f(999.0, ""), "999");
        assert_eq!(f(1000.0, ""), "1,000");
        assert_eq!(f(30390.23, ""), "30,390");
        assert_eq!(f(1234567.891, ".2"), "1,234,567.89");
        assert_eq!(f(100000.0, ""), "100,000");
        assert_eq!(f(999999.5, ".0"), "1,000,000");
    }

    #[test]
    fn negatives_use_a_true_minus() {
        assert_eq!(f(-20.0, ""), "\u{2212}20");
        assert_eq!(f(-12345.6, ".1"), "−12,345.6");
        assert!(!f(-5.0, "").contains('-'));
        assert_eq!(f(-0.5, ".0"), "−1");
    }

    #[test]
    fn values_rounding_to_zero_have_no_sign() {
        assert_eq!(f(-0.04, ".1"), "0.0");
        assert_eq!(f(0.04, "+.1"), "0.0");
        assert_eq!(f(-0.0, ""), "0");
        assert_eq!(f(0.0, "+"), "0");
        assert_eq!(f(-0.004, "+.2%"), "0.00%");
        assert_eq!(f(-0.001, ""), "0");
    }

    #[test]
    fn plus_sign() {
        assert_eq!(f(3.25, "+.1%"), "+3.3%");
        assert_eq!(f(-3.25, "+.1%"), "−3.3%");
        assert_eq!(f(12.0, "+"), "+12");
        assert_eq!(f(5_000_000.0, "+£m"), "+£5m");
    }

    #[test]
    fn percent_takes_the_value_as_given() {
        assert_eq!(f(12.5, "%"), "12.5%");
        assert_eq!(f(45.5, "%"), "45.5%");
        assert_eq!(f(150.0, ".0%"), "150%");
    }

    #[test]
    fn currency_and_scaling() {
        assert_eq!(f(700_000_000.0, "£m"), "£700m");
        assert_eq!(f(-700_000_000.0, "£m"), "−£700m");
        assert_eq!(f(1.2e9, "£.1bn"), "£1.2bn");
        assert_eq!(f(2500.0, "£k"), "£2.5k");
        assert_eq!(f(1_500_000_000_000.0, "€bn"), "€1,500bn");
        assert_eq!(f(1_234_000.0, "m"), "1.2m");
        assert_eq!(f(500.0, "k"), "0.5k");
        assert_eq!(f(1_005_000.0, "£.2m"), "£1.01m");
    }

    #[test]
    fn default_decimals_follow_magnitude() {
        assert_eq!(f(16.0, ""), "16");
        assert_eq!(f(3.33, ""), "3.3");
        assert_eq!(f(0.25, ""), "0.25");
        assert_eq!(f(129.7, ""), "130");
        assert_eq!(f(0.5, ""), "0.5");
        assert_eq!(f(99.97, ""), "100");
        assert_eq!(f(0.999, ""), "1");
        assert_eq!(f(0.001, ""), "0");
    }

    #[test]
    fn explicit_decimals_are_exact() {
        assert_eq!(f(16.0, ".0"), "16");
        assert_eq!(f(16.0, ".1"), "16.0");
        assert_eq!(f(1.23456, ".3"), "1.235");
        assert_eq!(f(2.0, ".3"), "2.000");
        assert_eq!(f(0.1, ".6"), "0.100000");
    }

    #[test]
    fn rounding_is_half_away_from_zero_on_the_decimal_text() {
        assert_eq!(f(2.5, ".0"), "3");
        assert_eq!(f(-2.5, ".0"), "−3");
        assert_eq!(f(2.25, ".1"), "2.3");
        assert_eq!(f(0.125, ".2"), "0.13");
        // The f64 nearest 1.005 is just below it, but the data said 1.005.
        assert_eq!(f(1.005, ".2"), "1.01");
        assert_eq!(f(2.675, ".2"), "2.68");
        assert_eq!(f(9.995, ".2"), "10.00");
    }

    #[test]
    fn extremes_never_panic() {
        let big = f(1e308, "");
        assert!(big.starts_with("100,000,"));
        assert_eq!(big.bytes().filter(u8::is_ascii_digit).count(), 309);
        assert_eq!(f(f64::NAN, "+£.1m"), "n/a");
        assert_eq!(f(f64::INFINITY, ""), "∞");
        assert_eq!(f(f64::NEG_INFINITY, "£m"), "−£∞m");
        assert_eq!(f(f64::INFINITY, "+%"), "+∞%");
        assert_eq!(f(5e-324, ".6"), "0.000000");
        let specs = ["", "+.6", "£bn", "€.0k", "%", "+.3m"];
        for value in [f64::MAX, f64::MIN, f64::MIN_POSITIVE, -1e-300, 1e21, 0.1 + 0.2] {
            for spec in specs {
                assert!(!f(value, spec).is_empty());
            }
        }
        let wild = Spec { decimals: Some(usize::MAX), ..Spec::default() };
        assert_eq!(number(1.5, &wild), "1.500000");
    }

    #[test]
    fn parse_spec_accepts_the_grammar() {
        assert_eq!(parse_spec(""), Ok(Spec::default()));
        assert_eq!(parse_spec(".1").map(|s| s.decimals), Ok(Some(1)));
        assert_eq!(parse_spec("+.0"), Ok(Spec { sign: true, decimals: Some(0), ..Spec::default() }));
        assert_eq!(
            parse_spec("+.0%"),
            Ok(Spec { sign: true, decimals: Some(0), suffix: Suffix::Percent, ..Spec::default() })
        );
        assert_eq!(parse_spec("£m"), Ok(Spec { currency: Some('£'), suffix: Suffix::Million, ..Spec::default() }));
        assert_eq!(
            parse_spec("£.1bn"),
            Ok(Spec { currency: Some('£'), decimals: Some(1), suffix: Suffix::Billion, ..Spec::default() })
        );
        assert_eq!(parse_spec("k").map(|s| s.suffix), Ok(Suffix::Thousand));
        assert_eq!(parse_spec("+€.6k").map(|s| s.currency), Ok(Some('€')));
    }

    #[test]
    fn parse_spec_rejects_everything_else() {
        for bad in [".x", "..1", ".7", ".10", "%%", "$m", "+-", ".", "m+", "£+", "M", " .1"] {
            assert!(parse_spec(bad).is_err(), "{bad:?} should be rejected");
        }
        assert!(parse_spec("£").is_ok());
        assert_eq!(
            parse_spec(".x"),
            Err("unknown format `.x`; formats look like `.1`, `+.0%`, `£m`, `£.1bn`".to_string())
        );
        let long = parse_spec(".99999999999999999999999").unwrap_err();
        assert!(long.contains("at most 6"), "{long}");
        assert!(!parse_spec(".7").unwrap_err().contains('\n'));
    }

    #[test]
    fn dates() {
        assert_eq!(date("2018-03-31"), "31 March 2018");
        assert_eq!(date("2018-06-01"), "1 June 2018");
        assert_eq!(date("2018-06"), "June 2018");
        assert_eq!(date("2018"), "2018");
        assert_eq!(date("2020-02-29"), "29 February 2020");
        assert_eq!(date("2000-02-29"), "29 February 2000");
        assert_eq!(date("2019-02-29"), "2019-02-29");
        assert_eq!(date("1900-02-29"), "1900-02-29");
        assert_eq!(date("2018-04-31"), "2018-04-31");
        assert_eq!(date("2018-13"), "2018-13");
        assert_eq!(date("2018-00"), "2018-00");
        assert_eq!(date("2018-06-00"), "2018-06-00");
        assert_eq!(date("2018-6-1"), "2018-6-1");
        assert_eq!(date("18"), "18");
        assert_eq!(date("2018-12-31-1"), "2018-12-31-1");
        assert_eq!(date(""), "");
    }

    #[test]
    fn x_labels() {
        assert_eq!(x_label("2018-03-31"), "31 March 2018");
        assert_eq!(x_label("2018-06"), "June 2018");
        assert_eq!(x_label("2018"), "2018");
        assert_eq!(x_label("2016/17"), "2016/17");
        assert_eq!(x_label("Croydon"), "Croydon");
        assert_eq!(x_label("Q1 2018"), "Q1 2018");
    }

    #[test]
    fn plain_values_drop_floating_point_noise_and_keep_real_digits() {
        assert_eq!(plain(31127.690000000002), "31127.69");
        assert_eq!(plain(3537.9999999999995), "3538");
        assert_eq!(plain(0.1 + 0.2), "0.3");
        assert_eq!(plain(30390.0), "30390");
        assert_eq!(plain(-2.5), "-2.5");
        assert_eq!(plain(3.4567891234), "3.4567891234");
        assert_eq!(plain(0.000123), "0.000123");
        assert_eq!(plain(-0.0), "0");
        // A sum of many inputs with two decimals prints with two.
        let sum: f64 = (0..1000).map(|i| 0.01 * f64::from(i % 7) + 12.34).sum();
        assert_eq!(plain(sum), "12369.97");
    }

    #[test]
    fn a_unit_is_added_once() {
        assert_eq!(with_unit("Met police officers (FTE)", "FTE"), "Met police officers (FTE)");
        assert_eq!(with_unit("Homicide victims", "victims"), "Homicide victims");
        assert_eq!(with_unit("Officers", "FTE"), "Officers (FTE)");
        assert_eq!(with_unit("Victims of crime", "vict"), "Victims of crime (vict)");
        assert_eq!(with_unit("Spending", ""), "Spending");
        assert_eq!(with_unit("Share of offences", "%"), "Share of offences (%)");
    }
}
