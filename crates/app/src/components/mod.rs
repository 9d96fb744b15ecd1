//! Building blocks the pages share.

pub mod alert;
pub mod card;
pub mod countdown;
pub mod field;
pub mod google;
pub mod language;
pub mod new_password;
pub mod submit;
pub mod table;
pub mod time;
pub mod token_page;
pub mod trust;
