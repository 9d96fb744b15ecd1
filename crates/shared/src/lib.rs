//! Types and rules that both sides of Pforte compile: the browser (WASM) and the server.
//!
//! Nothing here touches a database, the clock or the network.

pub mod error;
pub mod i18n;
pub mod identifier;
pub mod next;
pub mod password;
pub mod strength;
pub mod text;
pub mod time;
pub mod types;

pub use error::AppError;
pub use i18n::{Lang, Msg};
