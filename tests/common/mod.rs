//! Helpers shared by the integration tests.
//!
//! `.ci/run` sets `BRIEFING_TEST_PDF_DIR` and checks every PDF the tests
//! leave there with qpdf, pdftotext and mutool, so each test that writes a
//! PDF hands it to [`keep_pdf`].

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Copies a PDF a test produced into `$BRIEFING_TEST_PDF_DIR`, if set, under
/// a name unique across test binaries and threads.
#[allow(dead_code)] // not every test binary writes PDFs from bytes
pub fn keep_pdf(path: &Path) {
    let bytes = std::fs::read(path).unwrap();
    keep_pdf_bytes(path.file_stem().and_then(|s| s.to_str()).unwrap_or("out"), &bytes);
}

/// As [`keep_pdf`], for a PDF held in memory; `name` says where it came from.
#[allow(dead_code)]
pub fn keep_pdf_bytes(name: &str, bytes: &[u8]) {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    let Some(dir) = std::env::var_os("BRIEFING_TEST_PDF_DIR") else { return };
    let dir = Path::new(&dir);
    std::fs::create_dir_all(dir).unwrap();
    let n = COUNT.fetch_add(1, Ordering::Relaxed);
    let exe = std::env::current_exe().unwrap();
    let binary = exe.file_stem().and_then(|s| s.to_str()).unwrap_or("test");
    let safe: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
    std::fs::write(dir.join(format!("{binary}-{}-{n}-{safe}.pdf", std::process::id())), bytes).unwrap();
}
