//! A plain-text or Markdown summary of a briefing, ready to paste into an
//! email body: title, key figures, summary points, quotes and sources.
//!
//! It is written from the composed document, so its figures and citation
//! numbers are exactly those of the PDF.

use crate::compose::{Block, Document, Reference};
use crate::text::fonts::Face;
use crate::text::linebreak::Span;

/// Plain text, or Markdown with headings, emphasis and links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Text,
    Markdown,
}

/// Spans as text; in Markdown, bold and italic runs keep their emphasis.
fn inline(spans: &[Span], style: Style) -> String {
    let mut out = String::new();
    for span in spans {
        let text = span.text.replace('\u{a0}', " ");
        let marker = match (style, span.face) {
            (Style::Markdown, Face::SerifBold | Face::SansBold) if !text.trim().is_empty() => "**",
            (Style::Markdown, Face::SerifItalic) if !text.trim().is_empty() => "*",
            _ => "",
        };
        // Emphasis markers must hug the words, so spaces go outside them.
        let (lead, rest) = text.split_at(text.len() - text.trim_start().len());
        let (core, trail) = rest.split_at(rest.trim_end().len());
        out.push_str(&format!("{lead}{marker}{core}{marker}{trail}"));
    }
    out
}

/// The summary of `doc`.
pub fn summary(doc: &Document, style: Style) -> String {
    let md = style == Style::Markdown;
    let mut out = String::new();
    let heading = |out: &mut String, text: &str| {
        if md {
            out.push_str(&format!("\n## {text}\n\n"));
        } else {
            out.push_str(&format!("\n{text}\n{}\n\n", "-".repeat(text.chars().count())));
        }
    };
    if md {
        out.push_str(&format!("# {}\n\n", doc.title));
    } else {
        out.push_str(&format!("{}\n{}\n\n", doc.title, "=".repeat(doc.title.chars().count())));
    }
    if let Some(subtitle) = &doc.subtitle {
        out.push_str(&if md { format!("*{subtitle}*\n\n") } else { format!("{subtitle}\n\n") });
    }
    let meta: Vec<&str> =
        [Some(doc.date.as_str()), doc.author.as_deref(), doc.marking.as_deref()].into_iter().flatten().collect();
    out.push_str(&format!("{}\n", meta.join(" · ")));
    let mut quotes = Vec::new();
    let mut references: &[Reference] = &[];
    let mut after_summary_heading = false;
    for block in &doc.blocks {
        match block {
            Block::KeyFigures(figures) => {
                heading(&mut out, "Key figures");
                for kf in figures {
                    let value = if md { format!("**{}**", kf.value) } else { kf.value.clone() };
                    out.push_str(&format!("- {value} {}\n", inline(&kf.label, style)));
                }
            }
            Block::Heading { number: None, text, .. } => {
                after_summary_heading = text.iter().any(|s| s.text == "Summary");
            }
            Block::Bullets(items) if after_summary_heading => {
                heading(&mut out, "Summary");
                for item in items {
                    out.push_str(&format!("- {}\n", inline(item, style)));
                }
            }
            Block::Quote { paragraphs, attribution } => quotes.push((paragraphs, attribution)),
            Block::References(refs) => references = refs,
            _ => {}
        }
    }
    if !quotes.is_empty() {
        heading(&mut out, "Quotes");
        for (paragraphs, attribution) in quotes {
            let text: Vec<String> = paragraphs.iter().map(|p| inline(p, Style::Text)).collect();
            let attribution = inline(attribution, Style::Text);
            if md {
                out.push_str(&format!("> “{}”\n>\n> {attribution}\n\n", text.join("\n>\n> ")));
            } else {
                out.push_str(&format!("“{}”\n{attribution}\n\n", text.join("\n\n")));
            }
        }
    }
    if !references.is_empty() {
        heading(&mut out, "Sources");
        for r in references {
            let title = if md { format!("*{}*", r.title) } else { r.title.clone() };
            let date = r.date.as_deref().map(|d| format!(", {d}")).unwrap_or_default();
            let url = match (&r.url, md) {
                (Some(u), true) => format!(" <{u}>"),
                (Some(u), false) => format!(" {u}"),
                (None, _) => String::new(),
            };
            out.push_str(&format!("[{}] {}, {title}{date}.{url}\n", r.number, r.publisher));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emphasis_hugs_the_words() {
        let spans =
            [Span::new("A ", Face::Serif), Span::new("bold claim ", Face::SerifBold), Span::new("here", Face::Serif)];
        assert_eq!(inline(&spans, Style::Markdown), "A **bold claim** here");
        assert_eq!(inline(&spans, Style::Text), "A bold claim here");
    }
}
