//! Moving a briefing's prose out of JSON strings into Markdown: the
//! manifest keeps its metadata, sources, data and key figures, gains
//! `"text"` and `"figures"`, and the summary points and sections become a
//! Markdown file that builds to the same document.
//!
//! The JSON inline syntax (`*italic*`, `**bold**`, `{values}`, `[@id]`, `\`
//! escapes) is already Markdown's, so prose carries over as written; only
//! characters that mean something to Markdown but not to the JSON syntax
//! (`_`, `` ` ``, `<`, `&`, a lone `[`, a `#` or `-` starting a line) are
//! escaped. Each sentence goes on a line of its own, so that a change to
//! one sentence is a one-line diff.

use serde_json::{Map, Value};

/// The manifest with its prose replaced by `"text": md_name` and its charts
/// and tables gathered under `"figures"`, and the Markdown text. Refuses a
/// manifest that already has a `text`.
pub fn to_markdown(manifest: &Value, md_name: &str) -> Result<(Value, String), String> {
    let obj = manifest.as_object().ok_or("the manifest is not a JSON object")?;
    if obj.contains_key("text") {
        return Err("the manifest's prose is already in Markdown (it has `text`)".into());
    }
    let mut md = Markdown { out: String::new(), figures: Map::new() };
    if let Some(summary) = obj.get("summary").and_then(Value::as_array) {
        for point in summary {
            md.bullet(point.as_str().unwrap_or_default());
        }
    }
    for section in obj.get("sections").and_then(Value::as_array).into_iter().flatten() {
        md.section(section, 1);
    }
    // The new manifest keeps the author's order: `text` where the summary
    // was, `figures` where the sections were.
    let mut out = Map::new();
    let mut text_written = false;
    for (key, value) in obj {
        match key.as_str() {
            "summary" | "sections" => {
                if !text_written {
                    out.insert("text".into(), Value::String(md_name.into()));
                    text_written = true;
                }
                if key == "sections" && !md.figures.is_empty() {
                    out.insert("figures".into(), Value::Object(std::mem::take(&mut md.figures)));
                }
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    if !text_written {
        out.insert("text".into(), Value::String(md_name.into()));
    }
    if !md.figures.is_empty() {
        out.insert("figures".into(), Value::Object(md.figures));
    }
    Ok((Value::Object(out), md.out))
}

struct Markdown {
    out: String,
    figures: Map<String, Value>,
}

impl Markdown {
    fn bullet(&mut self, text: &str) {
        let lines = sentences(&prose(text));
        self.out.push_str("- ");
        self.out.push_str(&lines.join("\n  "));
        self.out.push('\n');
    }

    /// Starts a block: a blank line after whatever came before.
    fn gap(&mut self) {
        if !self.out.is_empty() {
            self.out.push('\n');
        }
    }

    fn section(&mut self, section: &Value, level: usize) {
        self.gap();
        let heading = section.get("heading").and_then(Value::as_str).unwrap_or_default();
        self.out.push_str(&format!("{} {}\n", "#".repeat(level), prose(heading).trim()));
        for block in section.get("blocks").and_then(Value::as_array).into_iter().flatten() {
            self.block(block);
        }
        for sub in section.get("sections").and_then(Value::as_array).into_iter().flatten() {
            self.section(sub, level + 1);
        }
    }

    fn block(&mut self, block: &Value) {
        self.gap();
        if let Some(text) = block.get("text").and_then(Value::as_str) {
            self.out.push_str(&sentences(&prose(text)).join("\n"));
            self.out.push('\n');
        } else if let Some(q) = block.get("quote") {
            let field = |k: &str| q.get(k).and_then(Value::as_str).unwrap_or_default();
            let paragraphs: Vec<&str> = field("text").split("\n\n").map(str::trim).filter(|p| !p.is_empty()).collect();
            for (i, p) in paragraphs.iter().enumerate() {
                if i > 0 {
                    self.out.push_str(">\n");
                }
                for line in sentences(&verbatim(&p.replace('\n', " "))) {
                    self.out.push_str(&format!("> {line}\n"));
                }
            }
            let (speaker, role, source) = (verbatim(field("speaker")), verbatim(field("role")), field("source"));
            self.out.push_str(&format!("> — {speaker}, {role} [@{source}]\n"));
        } else if let Some((kind, spec)) = ["chart", "table"].iter().find_map(|k| block.get(*k).map(|s| (*k, s))) {
            let id = self.figure_id(kind, spec);
            let mut figure = Map::new();
            figure.insert(kind.to_string(), spec.clone());
            self.figures.insert(id.clone(), Value::Object(figure));
            self.out.push_str(&format!("![](figure:{id})\n"));
        }
    }

    /// An id from the figure's first series (`officers`, `officers-table`),
    /// made unique with a number.
    fn figure_id(&self, kind: &str, spec: &Value) -> String {
        let series = spec.get("series").and_then(|s| s.get(0)).and_then(Value::as_str).unwrap_or(kind);
        let base: String =
            series.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' }).collect();
        let base = if kind == "table" { format!("{base}-table") } else { base };
        (1..)
            .map(|n| if n == 1 { base.clone() } else { format!("{base}-{n}") })
            .find(|id| !self.figures.contains_key(id))
            .unwrap_or(base)
    }
}

/// JSON prose as Markdown: the shared syntax kept, Markdown-only specials escaped.
fn prose(text: &str) -> String {
    let text = text.replace('\n', " ");
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    // Inside `{value}` or `[@citation]`: copied as written.
    let mut inside: Option<char> = None;
    while let Some(c) = chars.next() {
        if let Some(close) = inside {
            out.push(c);
            if c == close {
                inside = None;
            }
            continue;
        }
        match c {
            '\\' => match chars.next() {
                Some(e) if e.is_ascii_punctuation() => {
                    out.push('\\');
                    out.push(e);
                }
                Some(e) => out.push(e),
                None => {}
            },
            '{' => {
                out.push(c);
                inside = Some('}');
            }
            '[' if chars.peek() == Some(&'@') => {
                out.push(c);
                inside = Some(']');
            }
            '_' | '`' | '<' | '&' | '[' => {
                out.push('\\');
                out.push(c);
            }
            // `![` would start an image.
            '!' if chars.peek() == Some(&'[') => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// Verbatim text (a quote) as Markdown that reads back exactly: every
/// character Markdown or the inline syntax would interpret is escaped.
fn verbatim(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if matches!(c, '\\' | '*' | '_' | '`' | '<' | '>' | '&' | '[' | ']' | '{' | '}' | '!' | '|' | '~') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Splits Markdown prose into one line per sentence (after `.`, `?` or `!`
/// and a space, before a capital), never inside a value or citation, and
/// escapes what would otherwise start a heading, list or quote at a line's start.
fn sentences(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '{' | '[' if i == 0 || chars[i - 1] != '\\' => depth += 1,
            '}' | ']' if depth > 0 && chars[i - 1] != '\\' => depth -= 1,
            _ => {}
        }
        let ends = depth == 0
            && matches!(c, '.' | '?' | '!')
            && (i == 0 || chars[i - 1] != '\\')
            && chars.get(i + 1) == Some(&' ')
            && chars.get(i + 2).is_some_and(|n| n.is_uppercase());
        line.push(c);
        if ends {
            lines.push(std::mem::take(&mut line));
            i += 2;
            continue;
        }
        i += 1;
    }
    lines.push(line);
    lines.into_iter().map(|l| escape_line_start(l.trim())).filter(|l| !l.is_empty()).collect()
}

/// A line that Markdown would read as a heading, list item, quote or rule is escaped.
fn escape_line_start(line: &str) -> String {
    let first = line.chars().next();
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    let numbered = digits > 0 && matches!(line[digits..].chars().next(), Some('.' | ')'));
    let bullet = matches!(first, Some('-' | '+' | '*')) && line.chars().nth(1).is_none_or(char::is_whitespace);
    if matches!(first, Some('#' | '=' | '>')) || bullet || line.chars().all(|c| c == '-') {
        format!("\\{line}")
    } else if numbered {
        format!("{}\\{}", &line[..digits], &line[digits..])
    } else {
        line.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_specials_are_escaped_and_the_shared_syntax_kept() {
        assert_eq!(
            prose("a_b *it* {per_1000.latest:.1} [@ho-1] [sic] <x> & y!"),
            "a\\_b *it* {per_1000.latest:.1} [@ho-1] \\[sic] \\<x> \\& y!"
        );
        assert_eq!(prose("5 \\* 3 \\{x\\}"), "5 \\* 3 \\{x\\}");
        assert_eq!(verbatim("a *b* {c} [@d]"), "a \\*b\\* \\{c\\} \\[@d\\]");
    }

    #[test]
    fn sentences_go_on_lines_of_their_own() {
        assert_eq!(sentences("One {a.b}. Two [@x]. three. Four?"), ["One {a.b}.", "Two [@x]. three.", "Four?"]);
        assert_eq!(sentences("In 2018. 2019. - Not a list"), ["In 2018. 2019. - Not a list"]);
        assert_eq!(sentences("Ends. # Not a heading"), ["Ends. # Not a heading"]);
        assert_eq!(escape_line_start("# x"), "\\# x");
        assert_eq!(escape_line_start("2018. x"), "2018\\. x");
        assert_eq!(escape_line_start("*it* x"), "*it* x");
        assert_eq!(escape_line_start("- x"), "\\- x");
        assert_eq!(escape_line_start("-5% fall"), "-5% fall");
    }
}
