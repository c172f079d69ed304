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
mod address;
#[cfg(feature = "worker")]
mod guard;
#[cfg(feature = "worker")]
mod webhook;
#[cfg(feature = "worker")]
mod inbound_raw;
#[cfg(feature = "worker")]
mod inbound_route;
#[cfg(feature = "worker")]
mod otp_route;
#[cfg(feature = "worker")]
mod inbound_status;
#[cfg(feature = "worker")]
mod inbound_outbox;

#[cfg(feature = "worker")]
pub use address::*;
#[cfg(feature = "worker")]
pub use guard::*;
#[cfg(feature = "worker")]
pub use webhook::*;
#[cfg(feature = "worker")]
pub use inbound_route::*;
#[cfg(feature = "worker")]
pub use otp_route::*;
#[cfg(feature = "worker")]
pub use inbound_status::*;
#[cfg(feature = "worker")]
pub use inbound_outbox::*;

#[cfg(target_arch = "wasm32")]
mod wasm;
