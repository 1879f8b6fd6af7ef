//! Setting text: fonts and shaping (`fonts`), hyphenation, optimal-fit line
//! breaking and justification (`linebreak`).

pub mod fonts;
pub mod linebreak;
