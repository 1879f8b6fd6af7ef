//! Turning a laid-out frame into files: the PDF (`pdf`), SVG and PNG chart
//! previews (`preview`), the plain-text or Markdown summary (`summary`), an
//! email draft with the PDF attached (`email`), and writing any of them
//! atomically (`output`).

pub mod email;
pub mod output;
pub mod pdf;
pub mod preview;
pub mod summary;
