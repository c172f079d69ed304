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

/// Where signed-code checks are counted: one atomic operation, an increment
/// that the store performs in one step (never a read followed by a write), so
/// that concurrent checks are each counted. In JavaScript it is
/// `config.otp.store`: `memoryStore()`, `d1Store(db)` or any object with an
/// `incr(key, ttlSeconds)` method.
pub trait CodeStore {
    /// Whether a store was given (signed `verifyCode` needs one).
    fn has_store(&self) -> bool;
    /// Adds one to the count under `key` and answers the new count: 1 when
    /// the key was absent or its time had run out, and then it lives
    /// `ttl_seconds` from now.
    fn incr(&self, key: &str, ttl_seconds: u64) -> impl Future<Output = core::result::Result<u64, String>>;
}
