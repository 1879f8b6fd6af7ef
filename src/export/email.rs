//! An email draft (RFC 5322, MIME): the plain-text summary as its body and
//! the PDF attached, marked `X-Unsent: 1` so that Outlook and Thunderbird
//! open it ready to edit and send.
//!
//! Its bytes are as deterministic as the PDF's. mail-builder would read the
//! clock and random numbers for a missing `Date`, `Message-ID` or MIME
//! boundary, so all three are always given: the date is the briefing's
//! (manifest or `SOURCE_DATE_EPOCH`), and the Message-ID and boundary are
//! derived from a hash of everything else in the message.

use std::fmt;

use email_address::EmailAddress;
use mail_builder::MessageBuilder;
use mail_builder::headers::address::Address;
use mail_builder::headers::content_type::ContentType;
use mail_builder::headers::message_id::MessageId;
use mail_builder::headers::raw::Raw;
use mail_builder::mime::{BodyPart, MimePart};

/// One address with an optional display name: `jo@example.org` or
/// `Jo Bloggs <jo@example.org>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    pub name: Option<String>,
    pub address: String,
}

/// Why an address given on the command line cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressError(String);

impl fmt::Display for AddressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for AddressError {}

impl Mailbox {
    /// Reads a comma-separated list of addresses, each `addr@example.org` or
    /// `Name <addr@example.org>`; a display name holding a comma is quoted
    /// (`"Bloggs, Jo" <jo@example.org>`).
    ///
    /// The address must be ASCII with a dotted domain: the draft goes to
    /// people elsewhere, so `jo@localhost` is a typing slip, and an
    /// internationalised domain is written in its `xn--` form.
    pub fn parse_list(text: &str) -> Result<Vec<Mailbox>, AddressError> {
        let items: Vec<&str> = split_list(text).into_iter().map(str::trim).collect();
        if items.iter().all(|item| item.is_empty()) {
            return Err(AddressError("no address given; write e.g. jo@example.org".to_string()));
        }
        let several = items.len() > 1;
        let parse = |item: &str| {
            // "Bloggs, Jo <jo@example.org>" was split at its comma.
            let hint = if several && !item.contains('@') {
                "a display name with a comma goes in quotes: \"Bloggs, Jo\" <jo@example.org>"
            } else {
                "write e.g. jo@example.org or \"Jo Bloggs <jo@example.org>\""
            };
            Mailbox::parse(item, hint)
        };
        items.into_iter().filter(|item| !item.is_empty()).map(parse).collect()
    }

    fn parse(text: &str, hint: &str) -> Result<Mailbox, AddressError> {
        if let Some(c) = text.chars().find(|c| c.is_control()) {
            return Err(AddressError(format!(
                "`{}` contains a control character (U+{:04X})",
                text.escape_debug(),
                c as u32
            )));
        }
        let options = email_address::Options::default().with_required_tld().without_domain_literal();
        let parsed = EmailAddress::parse_with_options(text, options)
            .map_err(|e| AddressError(format!("`{text}` is not an email address ({}); {hint}", reason(&e))))?;
        let address = parsed.email();
        let (local, domain) = address.rsplit_once('@').unwrap_or(("", address));
        if !local.is_ascii() {
            return Err(AddressError(format!(
                "`{address}` has letters outside ASCII before the @, which many mail servers refuse"
            )));
        }
        if !domain.is_ascii() {
            return Err(AddressError(format!(
                "`{address}` has a domain outside ASCII; write it in its xn-- form (IDNA), as mail servers need"
            )));
        }
        let name = unquote(parsed.display_part().trim());
        Ok(Mailbox { name: Some(name).filter(|n| !n.is_empty()), address: address.to_string() })
    }
}

/// email_address's messages end in a full stop and start with a capital; ours sit mid-sentence.
fn reason(e: &email_address::Error) -> String {
    let text = e.to_string();
    let text = text.trim_end_matches('.');
    let mut chars = text.chars();
    chars.next().map(|c| c.to_lowercase().chain(chars).collect()).unwrap_or_default()
}

/// Splits at commas outside double quotes and angle brackets.
fn split_list(text: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let (mut start, mut quoted, mut angled, mut escaped) = (0, false, false, false);
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '<' if !quoted => angled = true,
            '>' if !quoted => angled = false,
            ',' if !quoted && !angled => {
                items.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&text[start..]);
    items
}

/// A display name without its surrounding quotes and escapes; mail-builder
/// quotes or encodes it again as the header needs.
fn unquote(name: &str) -> String {
    match name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
        Some(inner) => {
            let mut out = String::new();
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                out.push(if c == '\\' { chars.next().unwrap_or(c) } else { c });
            }
            out
        }
        None => name.to_string(),
    }
}

/// Everything a draft holds.
pub struct Draft<'a> {
    /// The subject: the briefing's title unless the user gave another.
    pub subject: &'a str,
    /// The sender; a draft without one is sent from the mail client's account.
    pub from: Option<&'a Mailbox>,
    pub to: &'a [Mailbox],
    /// Seconds since the Unix epoch, the same instant as the PDF's dates.
    pub date: i64,
    /// The plain-text body.
    pub body: &'a str,
    /// The body's language (`en-GB`), for screen readers and spelling checkers.
    pub lang: &'a str,
    /// The attachment's file name, e.g. `briefing.pdf`.
    pub file_name: &'a str,
    pub pdf: &'a [u8],
}

/// The draft as message bytes (CRLF line ends, 7-bit clean).
pub fn draft(d: &Draft<'_>) -> Vec<u8> {
    let digest = hash(d);
    // "=_" never occurs in base64 or quoted-printable text, so the boundary
    // cannot collide with an encoded part (RFC 2046, section 5.1.1).
    let boundary = format!("=_briefing_{digest}");
    let mut message = MessageBuilder::new().date(d.date);
    if let Some(from) = d.from {
        message = message.from(address(from));
    }
    if !d.to.is_empty() {
        message = message.to(Address::new_list(d.to.iter().map(address).collect()));
    }
    let text = MimePart::new("text/plain", BodyPart::Text(d.body.into())).language(d.lang);
    let pdf = MimePart::new(
        ContentType::new("application/pdf").attribute("name", d.file_name),
        BodyPart::Binary(d.pdf.into()),
    )
    .attachment(d.file_name);
    let mixed = ContentType::new("multipart/mixed").attribute("boundary", boundary);
    let mut bytes = Vec::new();
    message
        .subject(d.subject)
        // `.invalid` (RFC 2606): an identifier, not a host; the client sets its own on sending.
        .message_id(MessageId::new(format!("{digest}@briefing.invalid")))
        .header("X-Unsent", Raw::new("1"))
        .body(MimePart::new(mixed, vec![text, pdf]))
        .serialize(&mut bytes);
    bytes
}

fn address(mailbox: &Mailbox) -> Address<'_> {
    Address::new_address(mailbox.name.as_deref(), mailbox.address.as_str())
}

/// A hex digest of everything the message says, so that a different
/// briefing or different recipients give a different Message-ID.
fn hash(d: &Draft<'_>) -> String {
    use md5::Digest;
    let mut hasher = md5::Md5::new();
    let mailboxes = d.from.into_iter().chain(d.to);
    for mailbox in mailboxes {
        hasher.update(format!("{:?}\0{}\0", mailbox.name, mailbox.address));
    }
    for field in [d.subject, d.body, d.lang, d.file_name] {
        hasher.update(field.as_bytes());
        hasher.update([0]);
    }
    hasher.update(d.date.to_be_bytes());
    hasher.update(d.pdf);
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailbox(name: Option<&str>, address: &str) -> Mailbox {
        Mailbox { name: name.map(str::to_string), address: address.to_string() }
    }

    #[test]
    fn address_lists() {
        assert_eq!(Mailbox::parse_list("jo@example.org"), Ok(vec![mailbox(None, "jo@example.org")]));
        assert_eq!(
            Mailbox::parse_list("Jo Bloggs <jo@example.org>, al@example.gov.uk"),
            Ok(vec![mailbox(Some("Jo Bloggs"), "jo@example.org"), mailbox(None, "al@example.gov.uk")])
        );
        assert_eq!(
            Mailbox::parse_list("\"Bloggs, Jo\" <jo@example.org>,"),
            Ok(vec![mailbox(Some("Bloggs, Jo"), "jo@example.org")])
        );
        assert_eq!(
            Mailbox::parse_list("Siân Ó Súilleabháin <sian@example.org>"),
            Ok(vec![mailbox(Some("Siân Ó Súilleabháin"), "sian@example.org")])
        );
    }

    #[test]
    fn bad_addresses_say_what_is_wrong() {
        for bad in
            ["", " , ", "jo", "jo@localhost", "jo@@example.org", "Jo <jo@example.org", "jö@exämple.org", "a\nb@x.org"]
        {
            let error = Mailbox::parse_list(bad).unwrap_err().to_string();
            assert!(!error.is_empty(), "{bad:?}");
        }
        let error = Mailbox::parse_list("Bloggs, Jo <jo@example.org>").unwrap_err().to_string();
        assert!(error.contains("`Bloggs`"), "{error}");
    }

    /// Every string of up to five characters from the ones that matter to
    /// the parser: an address or an error, never a panic.
    #[test]
    fn no_text_makes_the_parser_panic() {
        let alphabet = ['a', '@', '.', '<', '>', '"', ',', '\\', ' ', 'ö'];
        let mut texts = vec![String::new()];
        for _ in 0..5 {
            texts = texts.iter().flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}"))).collect();
            for text in &texts {
                if let Ok(list) = Mailbox::parse_list(text) {
                    assert!(list.iter().all(|m| m.address.contains('@')), "{text:?}: {list:?}");
                }
            }
        }
    }

    #[test]
    fn the_boundary_and_message_id_follow_the_content() {
        let make = |pdf: &'static [u8]| Draft {
            subject: "Police numbers — “lowest” in 20 years, £700m",
            from: None,
            to: &[],
            date: 1_530_057_600,
            body: "Summary\n",
            lang: "en-GB",
            file_name: "briefing.pdf",
            pdf,
        };
        let one = draft(&make(b"%PDF-1.7 one"));
        assert_eq!(one, draft(&make(b"%PDF-1.7 one")));
        let text = String::from_utf8(one).unwrap();
        assert!(text.contains("Date: Wed, 27 Jun 2018 00:00:00 +0000\r\n"), "{text}");
        assert!(text.contains("@briefing.invalid>\r\n"), "{text}");
        assert!(text.is_ascii());
        let other = String::from_utf8(draft(&make(b"%PDF-1.7 two"))).unwrap();
        let id = |t: &str| t.lines().find(|l| l.starts_with("Message-ID:")).map(str::to_string);
        assert_ne!(id(&text), id(&other));
    }
}
