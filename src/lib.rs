//! edgetext: send SMS and chat messages, one-time codes and read delivery
//! status through four messaging providers, from any JavaScript runtime.
//!
//! The crate is a sans-IO core: provider adapters turn calls into plain
//! [`HttpRequest`]s and parse plain [`HttpResponse`]s; a small [`Transport`]
//! trait does the only I/O. Clock and randomness are passed in. The
//! `wasm` module (built only for `wasm32`) exposes the core to JavaScript.
#![deny(missing_docs)]

mod codec;
mod error;
mod http;
mod otp;
mod phone;
mod segments;

pub use codec::RawJson;
pub use error::{Error, ErrorCode, Result};
pub use http::{Clock, HttpRequest, HttpResponse, Method, Random, Transport, TransportError};
pub use otp::*;
pub use phone::*;
pub use segments::*;
mod call;
mod client;
mod failover;
// The webhook parser's JSON until it moves to serde (src/webhook.rs).
#[cfg(feature = "worker")]
#[allow(dead_code)]
mod json;
mod model;
mod providers;
mod time;
#[cfg(feature = "worker")]
mod webhook;

pub use call::{Call, Outcome, Step, MAX_RETRY_AFTER_SECONDS};
pub use client::{Client, CodeStore, Operation, TokenState, MAX_CHECKS_PER_TOKEN};
pub use failover::*;
pub use model::*;
pub use time::{iso8601, parse_iso8601};
#[cfg(feature = "worker")]
pub use webhook::*;

#[cfg(target_arch = "wasm32")]
mod wasm;
