//! What a PDF says about itself beyond its pages: the window shows the
//! title, the XMP metadata carries the evaluated title and the manifest's
//! date, and every link is described for screen readers.

mod common;

use common::briefing;
use lopdf::{Document, Object};

fn built_in() -> Document {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("b.pdf");
    briefing().args(["build", "-o"]).arg(&out).assert().success();
    common::keep_pdf(&out);
    Document::load(&out).unwrap()
}

fn utf16(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes[2..].chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
    String::from_utf16(&units).unwrap()
}

#[test]
fn the_title_shows_and_xmp_metadata_is_written() {
    let doc = built_in();
    let catalog = doc.catalog().unwrap();
    let prefs = catalog.get(b"ViewerPreferences").unwrap().as_dict().unwrap();
    assert!(prefs.get(b"DisplayDocTitle").unwrap().as_bool().unwrap());
    let xmp = doc.get_object(catalog.get(b"Metadata").unwrap().as_reference().unwrap()).unwrap();
    let stream = xmp.as_stream().unwrap();
    assert_eq!(stream.dict.get(b"Subtype").unwrap().as_name().unwrap(), b"XML");
    assert!(stream.dict.get(b"Filter").is_err(), "XMP should be readable without decompressing");
    let xml = String::from_utf8(stream.content.clone()).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(briefing::BUILTIN_MANIFEST).unwrap();
    let title = manifest["title"].as_str().unwrap();
    assert!(xml.contains(&format!("<rdf:li xml:lang=\"x-default\">{title}</rdf:li>")), "{xml}");
    // The manifest's date, never the clock.
    let date = manifest["date"].as_str().unwrap();
    assert!(xml.contains(&format!("<xmp:CreateDate>{date}T00:00:00Z</xmp:CreateDate>")), "{xml}");
    assert!(xml.contains("<rdf:li>en-GB</rdf:li>"), "{xml}");
    // It claims PDF/UA-1, and is marked as tagged.
    assert!(xml.contains("<pdfuaid:part>1</pdfuaid:part>"), "{xml}");
    let mark_info = catalog.get(b"MarkInfo").unwrap().as_dict().unwrap();
    assert!(mark_info.get(b"Marked").unwrap().as_bool().unwrap());
}

#[test]
fn every_link_is_described() {
    let doc = built_in();
    let (mut references, mut web) = (0, 0);
    for (_, id) in doc.get_pages() {
        let page = doc.get_dictionary(id).unwrap();
        let Ok(annots) = page.get(b"Annots") else { continue };
        for annot in annots.as_array().unwrap() {
            let Object::Reference(id) = annot else { panic!("a tagged PDF's annotations are objects") };
            let annot = doc.get_dictionary(*id).unwrap();
            let contents = utf16(annot.get(b"Contents").expect("a link without /Contents").as_str().unwrap());
            let action = annot.get(b"A").unwrap().as_dict().unwrap();
            if action.get(b"URI").is_ok() {
                assert!(contents.starts_with("Link to http"), "{contents}");
                web += 1;
            } else {
                // "Reference 2: Home Office, Police workforce …"
                let rest = contents.strip_prefix("Reference ").unwrap_or_else(|| panic!("{contents}"));
                let (number, text) = rest.split_once(": ").unwrap_or_else(|| panic!("{contents}"));
                assert!(number.parse::<usize>().is_ok() && text.contains(", "), "{contents}");
                references += 1;
            }
        }
    }
    assert!(references > 40 && web >= 10, "{references} citation links, {web} web links");
}
