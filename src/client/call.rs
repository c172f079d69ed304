//! One client operation as a sans-IO state machine.
//!
//! A [`Call`] says what to do next ([`Call::step`]): send this request,
//! perhaps after a wait, or stop with this result. Whoever does the I/O
//! feeds the outcome back ([`Call::feed`]). The retry rules live here, so
//! the JavaScript loop and the native async driver behave identically.

use crate::core::codec;
use crate::providers::{self, PreparedSend, Retry};
use crate::client::{OperationName, CodeTicket, Config, MessageStatus, SendReceipt, Verification};
use crate::contract::{OtpAnswer, WorkerError};
use crate::{Error, ErrorCode, HttpRequest, HttpResponse, Random, RawJson, Result, TransportError};
use std::sync::Arc;

/// The longest `Retry-After` the client waits for by itself; a longer one is
/// handed back to the caller as a `rate_limited` error.
pub const MAX_RETRY_AFTER_SECONDS: u64 = 60;

/// What a call wants next.
#[derive(Debug)]
pub enum Step<'a> {
    /// Send `request` after waiting `delay_ms`, giving up after `timeout_ms`.
    Fetch {
        /// The request, the same on every attempt.
        request: &'a HttpRequest,
        /// Time limit of this attempt.
        timeout_ms: u32,
        /// Wait this long first (0 on the first attempt).
        delay_ms: u64,
    },
    /// The call is over: [`Call::into_result`] gives its result.
    Done,
}

/// What [`Client::run`](crate::client::Client::run) produced: the typed
/// result of the operation it was given.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Outcome {
    /// `send`.
    Receipt(SendReceipt),
    /// `sendCode`.
    Ticket(CodeTicket),
    /// `verifyCode`.
    Verification(Verification),
    /// `status`.
    Status(MessageStatus),
    /// The provider's JSON answer, unchanged (provider extras).
    Raw(RawJson),
}

/// Reads an operation's final answer (not a 429 or a 5xx) into its result,
/// given the time it came: made with the request by the code that built it.
type Read<O> = Box<dyn FnOnce(&Config, &HttpResponse, u64) -> Result<O>>;

/// A request ready to go: how its failures may be retried, the key named in
/// its errors, and how its answer is read into an `O`.
pub(crate) struct Prepared<O> {
    request: HttpRequest,
    retry: Option<Retry>,
    key: Option<String>,
    /// An edgetext worker's answer: its JSON errors are read, on a 5xx too.
    worker: bool,
    read: Read<O>,
}

impl<O> Prepared<O> {
    /// A request to the provider; `retry` is `None` for reads.
    pub(crate) fn new(
        request: HttpRequest,
        retry: Option<Retry>,
        key: Option<String>,
        read: impl FnOnce(&Config, &HttpResponse, u64) -> Result<O> + 'static,
    ) -> Prepared<O> {
        Prepared { request, retry, key, worker: false, read: Box::new(read) }
    }

    /// The same request, to an edgetext worker (`config.otpUrl`) whose JSON
    /// errors are read.
    pub(crate) fn worker_answers(mut self) -> Prepared<O> {
        self.worker = true;
        self
    }
}

/// A read whose answer is passed through as JSON (the provider extras).
pub(crate) fn raw(request: HttpRequest) -> Prepared<RawJson> {
    Prepared::new(request, None, None, |cfg, resp, _| {
        providers::parse_ok::<providers::Any>(cfg, resp, false)?;
        Ok(RawJson(providers::redact(&resp.body, cfg)))
    })
}

impl PreparedSend {
    /// The send, read into its receipt.
    pub(crate) fn receipt(self) -> Prepared<SendReceipt> {
        let PreparedSend { request, retry, to, id, idempotency_key, segments, read } = self;
        Prepared::new(request, Some(retry), idempotency_key.clone(), move |cfg, resp, _| {
            let sent = read(cfg, resp)?;
            Ok(SendReceipt {
                provider: cfg.provider,
                id: sent.id.or(id),
                status: sent.status,
                duplicate: sent.duplicate,
                to,
                segments,
                idempotency_key,
                raw: RawJson(providers::redact(&resp.body, cfg)),
            })
        })
    }

    /// The send, giving `done` once the provider took it: a code signed
    /// here gives its ticket, the worker's own code send nothing (no receipt
    /// is made, so none of its code runs).
    pub(crate) fn once_taken<O: 'static>(self, done: O) -> Prepared<O> {
        let PreparedSend { request, retry, idempotency_key, read, .. } = self;
        Prepared::new(request, Some(retry), idempotency_key, move |cfg, resp, _| {
            read(cfg, resp)?;
            Ok(done)
        })
    }
}

/// The attempts of one call: the retry rules, apart from what the answer is
/// read into (the same code for every operation).
struct Attempts {
    /// The client's configuration, shared: a call never copies it.
    cfg: Arc<Config>,
    request: HttpRequest,
    /// `None` for reads (retried on any transient failure).
    retry: Option<Retry>,
    /// The relay's idempotency key, named in errors so a caller can retry safely.
    key: Option<String>,
    worker: bool,
    attempt: u32,
    delay_ms: u64,
    /// The operation, for the request log.
    operation: OperationName,
    /// The error of the last attempt, when the call goes on with another.
    retried: Option<ErrorCode>,
}

/// One operation in flight; `O` is what it gives ([`SendReceipt`],
/// [`CodeTicket`], [`Verification`], [`MessageStatus`], [`RawJson`]).
pub struct Call<O> {
    attempts: Attempts,
    /// Taken when the final answer is read.
    read: Option<Read<O>>,
    result: Option<Result<O>>,
}

impl<O> Call<O> {
    pub(crate) fn new(cfg: &Arc<Config>, operation: OperationName, p: Prepared<O>) -> Call<O> {
        let Prepared { request, retry, key, worker, read } = p;
        let attempts = Attempts { cfg: Arc::clone(cfg), request, retry, key, worker, attempt: 0, delay_ms: 0, operation, retried: None };
        Call { attempts, read: Some(read), result: None }
    }

    /// What to do next.
    pub fn step(&self) -> Step<'_> {
        match &self.result {
            Some(_) => Step::Done,
            None => Step::Fetch { request: &self.attempts.request, timeout_ms: self.attempts.cfg.timeout_ms, delay_ms: self.attempts.delay_ms },
        }
    }

    /// The request, the same on every attempt.
    pub fn request(&self) -> &HttpRequest {
        &self.attempts.request
    }

    /// The result, once [`Call::step`] says `Done`.
    pub fn into_result(self) -> Option<Result<O>> {
        self.result
    }

    /// The operation.
    pub fn operation(&self) -> OperationName {
        self.attempts.operation
    }

    /// The error code of the last attempt fed: `None` when it succeeded.
    pub fn last_error(&self) -> Option<ErrorCode> {
        match &self.result {
            Some(Ok(_)) => None,
            Some(Err(e)) => Some(e.code),
            None => self.attempts.retried,
        }
    }

    /// Feeds the outcome of the last fetch; `now_ms` and `rng` serve the
    /// retry wait (`Retry-After` dates, jittered backoff).
    pub fn feed(&mut self, outcome: Result<HttpResponse, TransportError>, now_ms: u64, rng: &dyn Random) {
        if self.result.is_some() {
            return;
        }
        self.result = match self.attempts.feed(outcome, now_ms, rng) {
            Some(Ok(answer)) => self.read.take().map(|read| read(&self.attempts.cfg, &answer, now_ms)),
            Some(Err(e)) => Some(Err(e)),
            None => None,
        };
    }
}

impl Attempts {
    fn provider(&self) -> &'static str {
        self.cfg.provider.as_str()
    }

    /// The answer to read, the error that ends the call, or `None` when
    /// another attempt follows (after `delay_ms`).
    fn feed(&mut self, outcome: Result<HttpResponse, TransportError>, now_ms: u64, rng: &dyn Random) -> Option<Result<HttpResponse>> {
        // A worker's own JSON error on a 5xx (a provider failure behind it, a
        // missing setting) is final: it is read rather than guessed at.
        let outcome = match outcome {
            Ok(resp) if resp.status != 429 && (resp.status < 500 || (self.worker && worker_error_body(&resp).is_some())) => {
                return Some(Ok(resp));
            }
            other => other,
        };
        let (err, safe, wait) = self.failure(outcome, now_ms);
        if !safe || self.attempt >= self.cfg.max_retries {
            return Some(Err(err));
        }
        self.delay_ms = wait.unwrap_or_else(|| backoff_ms(self.attempt, rng));
        self.attempt += 1;
        self.retried = Some(err.code);
        None
    }

    /// A failed attempt: its error, whether it may be retried, and the wait
    /// the answer asked for. Apart from `feed`, so that a call that succeeds
    /// never has this compiled (the wasm is compiled lazily, a function at a time).
    #[inline(never)]
    fn failure(&self, outcome: Result<HttpResponse, TransportError>, now_ms: u64) -> (Error, bool, Option<u64>) {
        let op_safe = self.retry != Some(Retry::Unsafe);
        match outcome {
            Ok(resp) if resp.status == 429 => {
                let worker = self.worker;
                let after = retry_after_seconds(&resp, now_ms).or_else(|| worker.then(|| worker_retry_after(&resp)).flatten());
                let mut e = if worker {
                    worker_error(&self.cfg, &resp)
                } else {
                    self.status_error(ErrorCode::RateLimited, &resp, "is rate limiting requests")
                };
                e.code = ErrorCode::RateLimited;
                e.retryable = true;
                e.retry_after_seconds = after;
                let within = after.is_none_or(|s| s <= MAX_RETRY_AFTER_SECONDS);
                (e, within, after.map(|s| s * 1000))
            }
            Ok(resp) => {
                let mut e = match self.retry {
                    None => self.status_error(ErrorCode::ProviderUnavailable, &resp, "is unavailable").retryable(true),
                    Some(_) if resp.status == 503 => self
                        .status_error(ErrorCode::ProviderUnavailable, &resp, "is unavailable and did not take the message")
                        .retryable(true),
                    Some(r) => self.unknown(&format!("answered HTTP {}; the message may or may not have been taken", resp.status), r),
                };
                e.http_status = Some(resp.status);
                (e, op_safe, None)
            }
            Err(TransportError::NotSent(why)) => {
                let e = Error::new(ErrorCode::Network, format!("could not reach {}: {why}", self.provider()))
                    .with_provider(self.provider())
                    .retryable(true);
                (e, true, None)
            }
            Err(failure) => {
                let timed_out = failure == TransportError::Timeout;
                let what = match failure {
                    TransportError::Dropped(why) => format!("dropped the connection ({why})"),
                    _ => format!("did not answer within {} ms", self.cfg.timeout_ms),
                };
                let e = match self.retry {
                    None => Error::new(if timed_out { ErrorCode::Timeout } else { ErrorCode::Network }, format!("{} {what}", self.provider()))
                        .with_provider(self.provider())
                        .retryable(true),
                    Some(r) => self.unknown(&format!("{what}; the message may or may not have been sent"), r),
                };
                (e, op_safe, None)
            }
        }
    }

    fn unknown(&self, what: &str, retry: Retry) -> Error {
        let mut msg = format!("{} {what}", self.provider());
        if let (Retry::Safe, Some(k)) = (retry, &self.key) {
            msg.push_str(&format!("; retrying with idempotencyKey \"{k}\" cannot deliver it twice"));
        }
        Error::new(ErrorCode::OutcomeUnknown, msg).with_provider(self.provider()).retryable(retry == Retry::Safe)
    }

    fn status_error(&self, code: ErrorCode, resp: &HttpResponse, what: &str) -> Error {
        let message = providers::provider_message(&resp.body).map(|m| providers::redact(&m, &self.cfg));
        let mut e = Error::new(code, format!("{} {what} (HTTP {})", self.provider(), resp.status)).with_provider(self.provider());
        e.http_status = Some(resp.status);
        e.provider_message = message;
        e
    }
}

/// The `{ ok: false, error, message }` object an edgetext worker answers with.
fn worker_error_body(resp: &HttpResponse) -> Option<WorkerError> {
    codec::from_json::<WorkerError>(&resp.body).ok().filter(|a| a.ok == Some(false) && a.error.is_some())
}

/// The `retryAfter` (seconds) of a worker's JSON answer.
fn worker_retry_after(resp: &HttpResponse) -> Option<u64> {
    worker_error_body(resp)?.retry_after
}

/// A 2xx `{ ok: true, … }` answer of a worker, or its error.
#[inline(never)]
pub(crate) fn worker_ok(cfg: &Config, resp: &HttpResponse) -> Result<OtpAnswer> {
    match codec::from_json::<OtpAnswer>(&resp.body) {
        Ok(a) if (200..300).contains(&resp.status) && a.ok == Some(true) => Ok(a),
        _ => Err(worker_error(cfg, resp)),
    }
}

/// The error an edgetext worker's answer stands for: its `error` when that is
/// one of the stable codes (`country_not_allowed`, `rate_limited`, a provider
/// failure's own code …), else one chosen by the HTTP status.
fn worker_error(cfg: &Config, resp: &HttpResponse) -> Error {
    let body = worker_error_body(resp).unwrap_or_default();
    let given = body.error.as_deref();
    let message = body.message.as_deref().or(given);
    let code = given.and_then(ErrorCode::parse).unwrap_or(match resp.status {
        400 | 413 | 422 => ErrorCode::InvalidInput,
        401 | 403 => ErrorCode::Unauthorized,
        404 | 405 | 501 => ErrorCode::Unsupported,
        429 => ErrorCode::RateLimited,
        s if s >= 500 => ErrorCode::ProviderUnavailable,
        _ => ErrorCode::ProviderRejected,
    });
    let mut text = format!("the OTP worker (config.otpUrl) answered HTTP {}", resp.status);
    if let Some(m) = message {
        text.push_str(": ");
        text.extend(m.chars().take(300));
    }
    let mut e = Error::new(code, text).with_provider(cfg.provider.as_str()).retryable(code.retryable());
    e.http_status = Some(resp.status);
    e.provider_message = given.map(str::to_string);
    e
}

/// Exponential backoff with jitter: 250 ms, 500 ms, 1 s … capped at 8 s,
/// each drawn uniformly from its upper half.
fn backoff_ms(attempt: u32, rng: &dyn Random) -> u64 {
    let cap = (250u64 << attempt.min(5)).min(8_000);
    let mut b = [0u8; 2];
    rng.fill(&mut b);
    cap / 2 + u64::from(u16::from_le_bytes(b)) % (cap / 2 + 1)
}

/// `Retry-After` as seconds: either delta-seconds or an HTTP date.
pub(crate) fn retry_after_seconds(resp: &HttpResponse, now_ms: u64) -> Option<u64> {
    let v = resp.header("retry-after")?.trim();
    if let Ok(s) = v.parse::<u64>() {
        return Some(s);
    }
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    let parts: Vec<&str> = v.split_whitespace().collect();
    if parts.len() != 6 || parts[5] != "GMT" {
        return None;
    }
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let month = MONTHS.iter().position(|m| *m == parts[2])? + 1;
    let iso = format!("{}-{month:02}-{:0>2}T{}Z", parts[3], parts[1], parts[4]);
    let at = crate::parse_iso8601(&iso)?;
    Some(at.saturating_sub(now_ms).div_ceil(1000))
}
