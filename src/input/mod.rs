//! Reading what the author wrote: the manifest (JSON with spans and
//! duplicate-key checks), the inline markup of its prose, dates, data files
//! (CSV and spreadsheets), boundary sets for maps and batch templates. Nothing here evaluates a value or decides whether
//! the briefing as a whole is valid; that is `resolve`'s job.

pub mod boundaries;
pub mod convert;
pub mod data;
pub mod date;
pub mod limits;
pub mod manifest;
pub mod markdown;
pub mod markup;
pub mod projection;
pub mod records;
pub mod sheet;
pub mod stream;
pub mod template;
pub mod typography;
pub mod x;
