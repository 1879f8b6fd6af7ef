//! `build --eml` and `batch --eml`: an email draft beside the PDF, read back
//! with mail-parser as a mail client would: the PDF attached byte for byte,
//! the summary as the body, the title as the subject, and the same bytes on
//! every build.

mod common;

use std::path::{Path, PathBuf};

use common::{briefing, stderr};
use mail_parser::{Message, MessageParser, MimeHeaders};

/// A small manifest whose title needs encoding in a header and computes a value.
const MANIFEST: &str = r#"{
  "format": 1,
  "title": "Police numbers — “lowest” in {area}: {v.latest} officers, £700m",
  "date": "2018-06-27",
  "sources": {"s": {"publisher": "P", "title": "T"}},
  "data": {"v": {"file": "v.csv", "x": "year", "y": "n", "label": "N", "source": "s", "where": {"area": "{area}"}}},
  "summary": ["{area} had {v.latest} in {v.latest_x} [@s]."],
  "sections": [{"heading": "{area}", "blocks": [{"text": "{area} had {v.latest} in {v.latest_x} [@s]."}]}]
}"#;

const DATA: &str = "area,year,n\nAlpha,2017,5\nAlpha,2018,6\nBeta,2017,7\nBeta,2018,8\n";

/// Writes the small manifest for one area (or, with `{area}` kept, the batch template) into `dir`.
fn small_manifest(dir: &Path, area: Option<&str>) -> PathBuf {
    std::fs::write(dir.join("v.csv"), DATA).unwrap();
    let text = match area {
        Some(area) => MANIFEST.replace("{area}", area),
        None => MANIFEST.to_string(),
    };
    let path = dir.join("briefing.json");
    std::fs::write(&path, text).unwrap();
    path
}

/// Builds the built-in briefing into `dir/briefing.pdf` with `--eml` and `extra`; returns the draft's bytes.
fn build_eml(dir: &Path, extra: &[&str]) -> Vec<u8> {
    let pdf = dir.join("briefing.pdf");
    let out = briefing().arg("build").arg("-o").arg(&pdf).arg("--eml").args(extra).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    common::keep_pdf(&pdf);
    std::fs::read(dir.join("briefing.eml")).unwrap()
}

fn parse(bytes: &[u8]) -> Message<'_> {
    MessageParser::default().parse(bytes).expect("the draft does not parse as a message")
}

/// The built-in briefing's title as evaluated, which is also the PDF's `/Title`.
fn builtin_title() -> String {
    let fonts = briefing::text::fonts::Fonts::new();
    let loaded =
        briefing::load(briefing::BUILTIN_NAME, briefing::BUILTIN_MANIFEST, &fonts, &briefing::BUILTIN_FILES).unwrap();
    briefing::compose::compose(&loaded.briefing).title
}

/// The message's own header lines, before the first blank line.
fn raw_headers(bytes: &[u8]) -> String {
    let text = String::from_utf8(bytes.to_vec()).expect("the draft is not 7-bit text");
    text.split("\r\n\r\n").next().unwrap().to_string()
}

#[test]
fn the_pdf_is_attached_byte_for_byte_with_the_summary_as_the_body() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = build_eml(dir.path(), &["--summary", "txt"]);
    let message = parse(&bytes);

    assert_eq!(message.attachment_count(), 1);
    let pdf = message.attachment(0).unwrap();
    assert_eq!(pdf.contents(), std::fs::read(dir.path().join("briefing.pdf")).unwrap());
    assert_eq!(pdf.attachment_name(), Some("briefing.pdf"));
    let content_type = pdf.content_type().unwrap();
    assert_eq!((content_type.ctype(), content_type.subtype()), ("application", Some("pdf")));

    // One plain-text body and the PDF; no HTML alternative.
    let types: Vec<String> = message
        .parts
        .iter()
        .map(|part| {
            part.content_type().map(|t| format!("{}/{}", t.ctype(), t.subtype().unwrap_or(""))).unwrap_or_default()
        })
        .collect();
    assert_eq!(types, ["multipart/mixed", "text/plain", "application/pdf"]);
    let body = message.body_text(0).unwrap().replace("\r\n", "\n");
    assert_eq!(body, std::fs::read_to_string(dir.path().join("briefing.txt")).unwrap());

    assert_eq!(message.subject(), Some(builtin_title().as_str()));
    assert_eq!(message.header_raw("X-Unsent").map(str::trim), Some("1"));
    // Dated as the PDF is: midnight UTC of the manifest's date.
    let manifest: serde_json::Value = serde_json::from_str(briefing::BUILTIN_MANIFEST).unwrap();
    let date = manifest["date"].as_str().unwrap();
    assert_eq!(message.date().unwrap().to_rfc3339(), format!("{date}T00:00:00Z"));
    assert!(message.from().is_none() && message.to().is_none());
    // 7-bit clean, no line over the 998 characters RFC 5322 allows.
    assert!(bytes.is_ascii());
    assert!(bytes.split(|b| *b == b'\n').all(|line| line.len() <= 998));
}

#[test]
fn two_builds_give_identical_bytes() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let first = build_eml(a.path(), &["--to", "team@example.org"]);
    let second = build_eml(b.path(), &["--to", "team@example.org"]);
    assert!(first == second, "two builds of the same briefing gave different drafts");
    // Nothing derived from the clock or randomness: the Message-ID and boundary follow the content.
    let other = build_eml(b.path(), &["--to", "someone-else@example.org"]);
    let id = |bytes: &[u8]| parse(bytes).message_id().unwrap().to_string();
    assert!(id(&first).ends_with("@briefing.invalid"), "{}", id(&first));
    assert_ne!(id(&first), id(&other));
}

#[test]
fn the_date_is_the_pdfs_source_date_epoch_when_set() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("briefing.pdf");
    briefing().env("SOURCE_DATE_EPOCH", "1700000000").args(["build", "--eml", "-o"]).arg(&pdf).assert().success();
    let bytes = std::fs::read(dir.path().join("briefing.eml")).unwrap();
    assert_eq!(parse(&bytes).date().unwrap().to_rfc3339(), "2023-11-14T22:13:20Z");
}

#[test]
fn a_non_ascii_title_and_file_name_are_encoded_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = small_manifest(dir.path(), Some("Alpha"));
    let pdf = dir.path().join("Police — “lowest” £.pdf");
    let out = briefing().arg("build").arg(&manifest).arg("-o").arg(&pdf).arg("--eml").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    common::keep_pdf(&pdf);
    let bytes = std::fs::read(dir.path().join("Police — “lowest” £.eml")).unwrap();
    let headers = raw_headers(&bytes);
    assert!(headers.contains("Subject: =?utf-8?"), "RFC 2047 encoded words expected:\n{headers}");
    let message = parse(&bytes);
    assert_eq!(message.subject(), Some("Police numbers — “lowest” in Alpha: 6 officers, £700m"));
    let attachment = message.attachment(0).unwrap();
    assert_eq!(attachment.attachment_name(), Some("Police — “lowest” £.pdf"));
    assert_eq!(attachment.contents(), std::fs::read(&pdf).unwrap());
}

#[test]
fn to_subject_and_from_override_the_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = build_eml(
        dir.path(),
        &[
            "--to",
            "Jo Bloggs <jo@example.org>",
            "--to",
            "al@example.gov.uk, \"Smith, Siân\" <sian@example.org>",
            "--subject",
            "For Thursday’s committee",
            "--from",
            "Research <research@example.org>",
        ],
    );
    let message = parse(&bytes);
    let to: Vec<(Option<&str>, Option<&str>)> = message.to().unwrap().iter().map(|a| (a.name(), a.address())).collect();
    assert_eq!(
        to,
        [
            (Some("Jo Bloggs"), Some("jo@example.org")),
            (None, Some("al@example.gov.uk")),
            (Some("Smith, Siân"), Some("sian@example.org")),
        ]
    );
    assert_eq!(message.subject(), Some("For Thursday’s committee"));
    let from = message.from().unwrap().first().unwrap();
    assert_eq!((from.name(), from.address()), (Some("Research"), Some("research@example.org")));
    assert!(bytes.is_ascii());
}

#[test]
fn bad_addresses_and_subjects_are_usage_errors_that_say_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("briefing.pdf");
    let cases: [(&[&str], &str); 7] = [
        (&["--eml", "--to", "jo"], "`jo` is not an email address"),
        (&["--eml", "--to", "jo@localhost"], "`jo@localhost` is not an email address"),
        (&["--eml", "--to", "Bloggs, Jo <jo@example.org>"], "a display name with a comma goes in quotes"),
        (&["--eml", "--to", ""], "no address given"),
        (&["--eml", "--from", "a@example.org, b@example.org"], "give one sender address"),
        (&["--to", "jo@example.org"], "--eml"),
        (&["--eml", "--subject", "two\nlines"], "the subject must be one line"),
    ];
    for (args, expected) in cases {
        let out = briefing().arg("build").arg("-o").arg(&pdf).args(args).output().unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(expected), "{args:?}: {err}");
        assert!(!pdf.exists(), "{args:?} wrote a PDF");
    }
}

#[test]
fn an_email_never_replaces_its_pdf_or_a_good_draft() {
    let dir = tempfile::tempdir().unwrap();
    // The PDF named like the draft would be overwritten by it.
    let clash = dir.path().join("out.eml");
    let out = briefing().args(["build", "--eml", "-o"]).arg(&clash).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("both be written to"), "{}", stderr(&out));
    assert!(!clash.exists());

    // A failed build leaves the previous draft as it was.
    let manifest = small_manifest(dir.path(), Some("Alpha"));
    let pdf = dir.path().join("alpha.pdf");
    briefing().arg("build").arg(&manifest).arg("-o").arg(&pdf).arg("--eml").assert().success();
    common::keep_pdf(&pdf);
    let good = std::fs::read(dir.path().join("alpha.eml")).unwrap();
    std::fs::write(&manifest, MANIFEST.replace("{area}", "Alpha").replace("{v.latest_x}", "{v.nonsense}")).unwrap();
    let out = briefing().arg("build").arg(&manifest).arg("-o").arg(&pdf).arg("--eml").output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(std::fs::read(dir.path().join("alpha.eml")).unwrap(), good);
    let names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(names.iter().all(|n| !n.starts_with(".briefing-")), "a temporary file was left: {names:?}");
}

#[test]
fn batch_writes_a_draft_beside_each_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let template = small_manifest(dir.path(), None);
    let batch = |out_dir: &Path, extra: &[&str]| {
        let out = briefing()
            .arg("batch")
            .arg(&template)
            .args(["--each", "v.area", "--eml", "--to", "team@example.org", "-o"])
            .arg(out_dir)
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
    };
    let (titled, named) = (dir.path().join("titled"), dir.path().join("named"));
    batch(&titled, &[]);
    batch(&named, &["--subject", "Figures for {area}"]);
    for (slug, area, officers) in [("alpha", "Alpha", 6), ("beta", "Beta", 8)] {
        let pdf = titled.join(format!("{slug}.pdf"));
        common::keep_pdf(&pdf);
        let bytes = std::fs::read(titled.join(format!("{slug}.eml"))).unwrap();
        let message = parse(&bytes);
        let subject = format!("Police numbers — “lowest” in {area}: {officers} officers, £700m");
        assert_eq!(message.subject(), Some(subject.as_str()));
        assert_eq!(message.to().unwrap().first().unwrap().address(), Some("team@example.org"));
        let attachment = message.attachment(0).unwrap();
        assert_eq!(attachment.attachment_name(), Some(format!("{slug}.pdf").as_str()));
        assert_eq!(attachment.contents(), std::fs::read(&pdf).unwrap());

        let bytes = std::fs::read(named.join(format!("{slug}.eml"))).unwrap();
        assert_eq!(parse(&bytes).subject(), Some(format!("Figures for {area}").as_str()));
    }
}
