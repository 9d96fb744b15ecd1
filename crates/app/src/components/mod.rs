//! Building blocks the pages share.

pub mod alert;
pub mod field;
