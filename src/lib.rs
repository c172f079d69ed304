//! edgetext: send SMS and chat messages, one-time codes and read delivery
//! status through four messaging providers, from any JavaScript runtime.
//!
//! The crate is a sans-IO core: provider adapters turn calls into plain
//! [`HttpRequest`]s and parse plain [`HttpResponse`]s; a small [`Transport`]
//! trait does the only I/O. Clock and randomness are passed in. The
//! `wasm` module (built only for `wasm32`) exposes the core to JavaScript.
#![deny(missing_docs)]

mod core;
pub mod client;
pub mod contract;
pub mod phone;
pub mod providers;
mod segments;

pub use crate::core::*;
pub use segments::*;

#[cfg(feature = "worker")]
pub mod worker;

#[cfg(target_arch = "wasm32")]
mod wasm;
