//! One client operation as a sans-IO state machine.
//!
//! A [`Call`] says what to do next ([`Call::step`]): send this request,
//! perhaps after a wait, or stop with this result. Whoever does the I/O
//! feeds the outcome back ([`Call::feed`]). The retry rules live here, so
//! the JavaScript loop and the native async driver behave identically.

use crate::core::codec;
use crate::providers::{self, klink, relay, teklink, textlink, PreparedSend, Retry};
use crate::client::{OperationName, CodeTicket, Config, MessageStatus, SendReceipt, SendStatus, Verification, VerifyReason};
use crate::contract::{DeliveryStatus, OtpAnswer, StatusAnswer};
use crate::providers::ProviderKind;
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
    /// The call is over.
    Done(&'a Result<Outcome>),
}

/// What a finished call produced; it serialises as the value it holds.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(untagged)]
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

/// How to read the final answer.
pub(crate) enum Finish {
    /// A send: its receipt.
    Receipt(PreparedMeta),
    /// A send that carried a signed code: the ticket made before sending.
    SignedCode(CodeTicket),
    /// TextLink's own code endpoint.
    ProviderCode(CodeTicket),
    /// TextLink's verify endpoint.
    ProviderVerify,
    /// The relay's status endpoint.
    RelayStatus(String),
    /// An edgetext worker's status endpoint.
    WorkerStatus(String),
    /// An edgetext worker's `/v1/otp/send`: the ticket made before sending.
    WorkerCode(CodeTicket),
    /// An edgetext worker's `/v1/otp/verify`.
    WorkerVerify,
    /// Any JSON answer, passed through.
    Raw,
}

impl Finish {
    fn is_worker(&self) -> bool {
        matches!(self, Finish::WorkerCode(_) | Finish::WorkerVerify)
    }
}

/// What the receipt needs to know about a prepared send.
pub(crate) struct PreparedMeta {
    pub to: String,
    pub id: Option<String>,
    pub idempotency_key: Option<String>,
    pub segments: crate::SegmentInfo,
}

impl PreparedSend {
    pub(crate) fn split(self) -> (HttpRequest, Option<Retry>, PreparedMeta) {
        let meta = PreparedMeta { to: self.to, id: self.id, idempotency_key: self.idempotency_key, segments: self.segments };
        (self.request, Some(self.retry), meta)
    }
}

/// One operation in flight.
pub struct Call {
    /// The client's configuration, shared: a call never copies it.
    cfg: Arc<Config>,
    request: HttpRequest,
    /// `None` for reads (retried on any transient failure).
    retry: Option<Retry>,
    /// The relay's idempotency key, named in errors so a caller can retry safely.
    key: Option<String>,
    attempt: u32,
    delay_ms: u64,
    finish: Finish,
    result: Option<Result<Outcome>>,
    /// The operation, for the request log.
    operation: OperationName,
    /// The error of the last attempt, when the call goes on with another.
    retried: Option<ErrorCode>,
}

/// A request ready to go: how its failures may be retried, the key named in
/// its errors, and how its answer is read.
pub(crate) struct Prepared {
    request: HttpRequest,
    retry: Option<Retry>,
    key: Option<String>,
    finish: Finish,
}

impl Prepared {
    pub(crate) fn new(request: HttpRequest, retry: Option<Retry>, key: Option<String>, finish: Finish) -> Prepared {
        Prepared { request, retry, key, finish }
    }
}

impl Call {
    pub(crate) fn fetch(cfg: &Arc<Config>, operation: OperationName, p: Prepared) -> Call {
        let Prepared { request, retry, key, finish } = p;
        Call { cfg: Arc::clone(cfg), request, retry, key, attempt: 0, delay_ms: 0, finish, result: None, operation, retried: None }
    }

    pub(crate) fn done(cfg: &Arc<Config>, operation: OperationName, result: Result<Outcome>) -> Call {
        let request = HttpRequest { method: crate::Method::Get, url: String::new(), headers: vec![], body: None };
        Call { cfg: Arc::clone(cfg), request, retry: None, key: None, attempt: 0, delay_ms: 0, finish: Finish::Raw, result: Some(result), operation, retried: None }
    }

    /// What to do next.
    pub fn step(&self) -> Step<'_> {
        match &self.result {
            Some(r) => Step::Done(r),
            None => Step::Fetch { request: &self.request, timeout_ms: self.cfg.timeout_ms, delay_ms: self.delay_ms },
        }
    }

    /// The result, once [`Call::step`] says `Done`.
    pub fn into_result(self) -> Option<Result<Outcome>> {
        self.result
    }

    fn provider(&self) -> &'static str {
        self.cfg.provider.as_str()
    }

    /// The operation.
    pub fn operation(&self) -> OperationName {
        self.operation
    }

    /// The error code of the last attempt fed: `None` when it succeeded.
    pub fn last_error(&self) -> Option<ErrorCode> {
        match &self.result {
            Some(Ok(_)) => None,
            Some(Err(e)) => Some(e.code),
            None => self.retried,
        }
    }

    /// Feeds the outcome of the last fetch; `now_ms` and `rng` serve the
    /// retry wait (`Retry-After` dates, jittered backoff).
    pub fn feed(&mut self, outcome: Result<HttpResponse, TransportError>, now_ms: u64, rng: &dyn Random) {
        if self.result.is_some() {
            return;
        }
        // A worker's own JSON error on a 5xx (a provider failure behind it, a
        // missing setting) is final: it is read rather than guessed at.
        let outcome = match outcome {
            Ok(resp) if resp.status != 429 && (resp.status < 500 || (self.finish.is_worker() && worker_error_body(&resp).is_some())) => {
                self.result = Some(self.finish(&resp, now_ms));
                return;
            }
            other => other,
        };
        let (err, safe, wait) = self.failure(outcome, now_ms);
        if !safe || self.attempt >= self.cfg.max_retries {
            self.result = Some(Err(err));
            return;
        }
        self.delay_ms = wait.unwrap_or_else(|| backoff_ms(self.attempt, rng));
        self.attempt += 1;
        self.retried = Some(err.code);
    }

    /// A failed attempt: its error, whether it may be retried, and the wait
    /// the answer asked for. Apart from `feed`, so that a call that succeeds
    /// never has this compiled (the wasm is compiled lazily, a function at a time).
    #[inline(never)]
    fn failure(&self, outcome: Result<HttpResponse, TransportError>, now_ms: u64) -> (Error, bool, Option<u64>) {
        let op_safe = self.retry != Some(Retry::Unsafe);
        match outcome {
            Ok(resp) if resp.status == 429 => {
                let worker = self.finish.is_worker();
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

    /// Reads a final (non-429, non-5xx) answer.
    fn finish(&mut self, resp: &HttpResponse, now_ms: u64) -> Result<Outcome> {
        let cfg = &self.cfg;
        match core::mem::replace(&mut self.finish, Finish::Raw) {
            Finish::Receipt(meta) => receipt(cfg, meta, resp).map(Outcome::Receipt),
            Finish::SignedCode(ticket) => {
                receipt_status(cfg, resp)?;
                Ok(Outcome::Ticket(ticket))
            }
            Finish::ProviderCode(mut ticket) => {
                providers::parse_ok::<providers::Any>(cfg, resp, true)?;
                ticket.expires_at_ms += now_ms;
                Ok(Outcome::Ticket(ticket))
            }
            Finish::ProviderVerify => textlink::parse_verify(cfg, resp).map(Outcome::Verification),
            Finish::RelayStatus(id) => relay::parse_status(cfg, &id, resp).map(Outcome::Status),
            Finish::WorkerStatus(id) => {
                let a: StatusAnswer = providers::parse_ok(cfg, resp, false)?;
                Ok(Outcome::Status(MessageStatus {
                    id: a.id.unwrap_or(id),
                    provider: a.provider.as_deref().and_then(ProviderKind::parse).unwrap_or(cfg.provider),
                    status: DeliveryStatus::parse(a.status.as_deref().unwrap_or("")),
                    error: a.error,
                    created_at: a.created_at,
                    delivered_at: a.delivered_at,
                    raw: RawJson(resp.body.clone()),
                }))
            }
            Finish::WorkerCode(mut ticket) => {
                let a: OtpAnswer = worker_ok(cfg, resp)?;
                let Some(at) = a.expires_at.as_deref().and_then(crate::parse_iso8601) else {
                    let mut e = Error::new(
                        ErrorCode::OutcomeUnknown,
                        "the OTP worker (config.otpUrl) answered success without expiresAt; the code may or may not have been sent",
                    );
                    e.http_status = Some(resp.status);
                    return Err(e.with_provider(cfg.provider.as_str()));
                };
                ticket.expires_at_ms = at;
                if let Some(p) = a.provider.as_deref().and_then(ProviderKind::parse) {
                    ticket.provider = p;
                }
                Ok(Outcome::Ticket(ticket))
            }
            Finish::WorkerVerify => {
                let a: OtpAnswer = worker_ok(cfg, resp)?;
                let Some(valid) = a.valid else {
                    let mut e = Error::new(ErrorCode::ProviderRejected, "the OTP worker (config.otpUrl) answered without valid");
                    e.http_status = Some(resp.status);
                    return Err(e.with_provider(cfg.provider.as_str()));
                };
                Ok(Outcome::Verification(if valid {
                    Verification::asserted(a.assertion)
                } else {
                    Verification::refused(a.reason.as_deref().map_or(VerifyReason::Mismatch, VerifyReason::parse))
                }))
            }
            Finish::Raw => {
                providers::parse_ok::<providers::Any>(cfg, resp, false)?;
                Ok(Outcome::Raw(RawJson(providers::redact(&resp.body, cfg))))
            }
        }
    }
}

/// The id, status and duplicate flag of a send's answer.
fn receipt_status(cfg: &Config, resp: &HttpResponse) -> Result<(Option<String>, SendStatus, bool)> {
    Ok(match cfg.provider {
        ProviderKind::TextLink => (None, textlink::send_status(cfg, resp)?, false),
        ProviderKind::Teklink => (None, teklink::send_status(cfg, resp)?, false),
        ProviderKind::Klink => (klink::parse_send(cfg, resp)?, SendStatus::Sent, false),
        ProviderKind::Relay => {
            let (id, status, dup) = relay::parse_send(cfg, resp)?;
            (Some(id), status, dup)
        }
    })
}

#[inline(never)]
fn receipt(cfg: &Config, meta: PreparedMeta, resp: &HttpResponse) -> Result<SendReceipt> {
    let (id, status, duplicate) = receipt_status(cfg, resp)?;
    Ok(SendReceipt {
        provider: cfg.provider,
        id: id.or(meta.id),
        status,
        duplicate,
        to: meta.to,
        segments: meta.segments,
        idempotency_key: meta.idempotency_key,
        raw: RawJson(providers::redact(&resp.body, cfg)),
    })
}

/// The `{ ok: false, error, message }` object an edgetext worker answers with.
fn worker_error_body(resp: &HttpResponse) -> Option<OtpAnswer> {
    codec::from_json::<OtpAnswer>(&resp.body).ok().filter(|a| a.ok == Some(false) && a.error.is_some())
}

/// The `retryAfter` (seconds) of a worker's JSON answer.
fn worker_retry_after(resp: &HttpResponse) -> Option<u64> {
    worker_error_body(resp)?.retry_after
}

/// A 2xx `{ ok: true, … }` answer of a worker, or its error.
#[inline(never)]
fn worker_ok(cfg: &Config, resp: &HttpResponse) -> Result<OtpAnswer> {
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
