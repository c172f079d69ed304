//! The platform the core is given, as traits: the one piece of I/O (a
//! [`Transport`]), the time ([`Clock`]), randomness ([`Random`]) and the
//! signed-code store ([`CodeStore`]). In JavaScript they are `fetch`,
//! `Date.now()`, `crypto.getRandomValues()` and `config.otp.store`
//! (`src/wasm/platform.rs`); in tests, scripted fakes.

use super::http::{HttpRequest, HttpResponse};
use core::future::Future;

/// Why a request produced no response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// The request certainly never reached the server (DNS failure, connection refused).
    NotSent(String),
    /// The connection failed after the request may have been sent.
    Dropped(String),
    /// No answer within the attempt's time limit.
    Timeout,
}

/// The one piece of I/O: sending a request and waiting.
///
/// In JavaScript this is the global `fetch` with an `AbortController`
/// timeout; in tests it is a scripted fake.
pub trait Transport {
    /// Sends `request`, giving up after `timeout_ms` milliseconds.
    fn fetch(
        &self,
        request: &HttpRequest,
        timeout_ms: u32,
    ) -> impl Future<Output = Result<HttpResponse, TransportError>>;

    /// Waits `ms` milliseconds (used between retries).
    fn sleep(&self, ms: u64) -> impl Future<Output = ()>;
}

/// The current time, passed in so that the core stays deterministic.
pub trait Clock {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> u64;
}

/// A source of cryptographically secure random bytes.
pub trait Random {
    /// Fills `buf` with random bytes.
    fn fill(&self, buf: &mut [u8]);
}

/// Where signed-code check counts are kept: the Workers KV shape (`get`,
/// `put` with a time to live). In JavaScript it is `config.otp.store`.
pub trait CodeStore {
    /// Whether a store was given (signed `verifyCode` needs one).
    fn has_store(&self) -> bool;
    /// The value under `key`, if any.
    fn get(&self, key: &str) -> impl Future<Output = core::result::Result<Option<String>, String>>;
    /// Stores `value` under `key` for `ttl_seconds`.
    fn put(&self, key: &str, value: &str, ttl_seconds: u64) -> impl Future<Output = core::result::Result<(), String>>;
}
