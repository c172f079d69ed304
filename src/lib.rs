//! edgetext: send SMS and chat messages, one-time codes and read delivery
//! status through four messaging providers, from any JavaScript runtime.
//!
//! The crate is a sans-IO core: provider adapters turn calls into plain
//! [`HttpRequest`]s and parse plain [`HttpResponse`]s; a small [`Transport`]
//! trait does the only I/O. Clock and randomness are passed in.
//!
//! # The map
//!
//! Each folder is one audience; its `mod.rs` says what it may import.
//!
//! | path | what lives there | who sees it |
//! |---|---|---|
//! | `core/` (re-exported here) | [`Error`] and [`ErrorCode`] with its classification, HTTP as plain data, the platform traits ([`Transport`], [`Clock`], [`Random`], [`CodeStore`]), JSON, encodings, time | everyone; imports nothing of the crate |
//! | [`phone`] | E.164 normalisation; [`phone::ranges`] (worker build): libphonenumber's number ranges | everyone |
//! | [`segments()`] | GSM-7 / UCS-2 segment counting | everyone |
//! | [`providers`] | one folder per provider: its message, extras and config types, its recipient rule, the requests it builds and the answers it parses; `webhook.rs` (worker build): its webhook | the client and the worker |
//! | [`contract`] | what travels over HTTP between client, worker and app: the unified event, the worker's `/v1` bodies, Standard Webhooks, the verification assertion | the client, the worker and the app |
//! | [`client`] | `Client`, its operations, `Call` (the retry rules), configuration, results, signed codes, failover | the app |
//! | `worker` (feature `worker`) | the edge worker's decisions: routes, webhooks, statuses, the outbox, the OTP routes and guard | the worker's runtime |
//! | `wasm` (`wasm32` only) | the JavaScript API: classes, conversions, the platform, the worker's bindings | JavaScript |
#![deny(missing_docs)]

mod core;
mod segments;

pub mod client;
pub mod contract;
pub mod phone;
pub mod providers;
#[cfg(feature = "worker")]
pub mod worker;

#[cfg(target_arch = "wasm32")]
mod wasm;

// The core's vocabulary, used by every area.
pub use crate::core::{
    iso8601, parse_iso8601, secret_eq, Clock, CodeStore, Error, ErrorCode, HttpRequest, HttpResponse, Method, Random, RawJson, Result,
    Transport, TransportError,
};
// SMS segment counting.
pub use segments::{segments, Encoding, SegmentInfo};
