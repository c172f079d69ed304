//! What the client's operations answer: receipts, tickets, verifications,
//! statuses, and the record of each HTTP attempt. Each is a serde type; in
//! JavaScript they are plain objects with camelCase keys.

use crate::client::{Config, OperationName};
use crate::contract::DeliveryStatus;
use crate::providers::ProviderKind;
use crate::{RawJson, SegmentInfo};
use serde::{Deserialize, Serialize};

/// A send's status as the provider answered it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum SendStatus {
    /// Accepted, not sent yet.
    Queued,
    /// Sent.
    Sent,
}

impl SendStatus {
    /// `"queued"` or `"sent"`.
    pub fn as_str(self) -> &'static str {
        match self {
            SendStatus::Queued => "queued",
            SendStatus::Sent => "sent",
        }
    }
}

/// What a provider answered to a send.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct SendReceipt {
    /// Which provider took it.
    pub provider: ProviderKind,
    /// The message id to ask `status()` about (`None` for teklink, which returns none).
    pub id: Option<String>,
    /// As the provider answered.
    pub status: SendStatus,
    /// The relay recognised a repeated idempotency key.
    pub duplicate: bool,
    /// The normalised recipient.
    pub to: String,
    /// How the text was counted.
    pub segments: SegmentInfo,
    /// The relay's idempotency key, when one was sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
    /// The provider's JSON body, unchanged.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "unknown"))]
    pub raw: RawJson,
}

/// Who keeps and checks a one-time code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum CodeMode {
    /// The provider (TextLink) makes and checks the code.
    Provider,
    /// The SDK signed it: the ticket's token checks it.
    Signed,
    /// An edgetext worker (`otpUrl`) keeps and checks it.
    Worker,
}

impl CodeMode {
    /// `"provider"`, `"signed"` or `"worker"`.
    pub fn as_str(self) -> &'static str {
        match self {
            CodeMode::Provider => "provider",
            CodeMode::Signed => "signed",
            CodeMode::Worker => "worker",
        }
    }
}

/// Proof that a code was sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct CodeTicket {
    /// Which provider sent it.
    pub provider: ProviderKind,
    /// The normalised recipient.
    pub to: String,
    /// Who checks the code.
    pub mode: CodeMode,
    /// When the code stops working (RFC 3339).
    #[serde(rename = "expiresAt", serialize_with = "crate::core::time::serialize_ms")]
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string"))]
    pub expires_at_ms: u64,
    /// The signed token (`None` in provider and worker mode).
    pub token: Option<String>,
}

/// The answer to `verifyCode`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Verification {
    /// Whether the code is right.
    pub valid: bool,
    /// `None` when valid; else `"mismatch"`, `"expired"`, `"malformed_token"`,
    /// `"spent"`, `"too_many_attempts"`, the provider's message, or (worker
    /// mode) `"invalid"`.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string | null"))]
    pub reason: Option<VerifyReason>,
    /// Worker mode (`otpUrl`), when valid: the worker's signed statement that
    /// the number was verified, for the app's server to check with
    /// `verifyOtpAssertion`; `null` otherwise.
    pub assertion: Option<String>,
}

impl Verification {
    /// A right code.
    pub fn valid() -> Self {
        Verification { valid: true, reason: None, assertion: None }
    }

    /// A right code, checked by an edgetext worker that signed `assertion`.
    pub fn asserted(assertion: Option<String>) -> Self {
        Verification { valid: true, reason: None, assertion }
    }

    /// A refused code, with why.
    pub fn refused(reason: VerifyReason) -> Self {
        Verification { valid: false, reason: Some(reason), assertion: None }
    }
}

/// Why a code was refused (a [`Verification`]'s `reason`); in JavaScript,
/// the word of each variant, or the provider's own message.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyReason {
    /// A wrong code, another recipient, or a token signed with another secret (`mismatch`).
    Mismatch,
    /// The code's time is up (`expired`).
    Expired,
    /// The token is not an edgetext token (`malformed_token`).
    MalformedToken,
    /// The code verified once already (`spent`).
    Spent,
    /// Too many checks of this code (`too_many_attempts`).
    TooManyAttempts,
    /// An edgetext worker holds no live code for the number (`no_code`;
    /// only a trusted server hears it).
    NoCode,
    /// An edgetext worker's one answer to a browser for every code that is
    /// not valid, whatever the reason (`invalid`), so that the route tells
    /// nobody whether a number has a live code.
    Invalid,
    /// A provider that checks its own codes (TextLink) refused it, in its words.
    Provider(String),
}

impl VerifyReason {
    /// The reason as JavaScript reads it (`"mismatch"`, …, or the provider's message).
    pub fn as_str(&self) -> &str {
        match self {
            VerifyReason::Mismatch => "mismatch",
            VerifyReason::Expired => "expired",
            VerifyReason::MalformedToken => "malformed_token",
            VerifyReason::Spent => "spent",
            VerifyReason::TooManyAttempts => "too_many_attempts",
            VerifyReason::NoCode => "no_code",
            VerifyReason::Invalid => "invalid",
            VerifyReason::Provider(message) => message,
        }
    }

    /// The reason a word stands for: one of edgetext's, else a provider's message.
    pub fn parse(word: &str) -> VerifyReason {
        match word {
            "mismatch" => VerifyReason::Mismatch,
            "expired" => VerifyReason::Expired,
            "malformed_token" => VerifyReason::MalformedToken,
            "spent" => VerifyReason::Spent,
            "too_many_attempts" => VerifyReason::TooManyAttempts,
            "no_code" => VerifyReason::NoCode,
            "invalid" => VerifyReason::Invalid,
            other => VerifyReason::Provider(other.to_string()),
        }
    }
}

impl Serialize for VerifyReason {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// Where a message is on its way, as `status()` answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct MessageStatus {
    /// The message id.
    pub id: String,
    /// The provider.
    pub provider: ProviderKind,
    /// Its status.
    pub status: DeliveryStatus,
    /// The provider's error text, when it failed.
    pub error: Option<String>,
    /// When the message was created (RFC 3339), when known.
    pub created_at: Option<String>,
    /// When it was delivered (RFC 3339), when known.
    pub delivered_at: Option<String>,
    /// The JSON the status was read from, unchanged.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "unknown"))]
    pub raw: RawJson,
}

/// The response headers a provider's request id is read from, in order
/// (`RequestRecord.requestId`).
pub const REQUEST_ID_HEADERS: [&str; 3] = ["x-request-id", "request-id", "cf-ray"];

/// One HTTP attempt, as `config.onRequest(record)` sees it. It holds no
/// API key, code, token or message text: only where the request went and
/// how it ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct RequestRecord {
    /// The client's provider.
    pub provider: ProviderKind,
    /// The client method (`"send"`, `"status"`, …).
    #[cfg_attr(target_arch = "wasm32", tsify(type = "OperationName"))]
    pub operation: OperationName,
    /// 1 for the first attempt, 2 for the first retry, …
    pub attempt: u32,
    /// The HTTP method.
    pub method: crate::Method,
    /// The URL without its user info, query or fragment.
    pub url: String,
    /// The HTTP status, when an answer came.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "number | null"))]
    pub status: Option<u16>,
    /// From sending to the answer (or the failure), in ms.
    pub duration_ms: u32,
    /// `"ok"`, or the error code this attempt ended with (a retried
    /// attempt's own, such as `rate_limited`).
    #[cfg_attr(target_arch = "wasm32", tsify(type = "\"ok\" | ErrorCode"))]
    pub outcome: &'static str,
    /// The provider's request id (`x-request-id`, `request-id` or `cf-ray`
    /// answer header), when it sent one.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string | null"))]
    pub request_id: Option<String>,
}

impl RequestRecord {
    /// The record of one attempt of `operation` with `request`, which
    /// ended with `answer` after `duration_ms`; its `outcome` is `"ok"`
    /// until the caller sets the error the attempt ended with.
    pub fn new(
        cfg: &Config,
        operation: OperationName,
        attempt: u32,
        request: &crate::HttpRequest,
        answer: &core::result::Result<crate::HttpResponse, crate::TransportError>,
        duration_ms: u64,
    ) -> RequestRecord {
        let answer = answer.as_ref().ok();
        let request_id = answer.and_then(|a| REQUEST_ID_HEADERS.into_iter().find_map(|h| a.header(h)));
        RequestRecord {
            provider: cfg.provider,
            operation,
            attempt,
            method: request.method,
            url: log_url(&request.url, cfg),
            status: answer.map(|a| a.status),
            duration_ms: u32::try_from(duration_ms).unwrap_or(u32::MAX),
            outcome: "ok",
            request_id: request_id.map(|id| id.chars().take(200).collect()),
        }
    }
}

/// A URL fit for a log: no user info, query or fragment, and never the key.
fn log_url(url: &str, cfg: &Config) -> String {
    let url = url.split(['?', '#']).next().unwrap_or_default();
    let (scheme, rest) = crate::core::text::split_once(url, "://").unwrap_or(("", url));
    let (host, path) = rest.split_at_checked(rest.find('/').unwrap_or(rest.len())).unwrap_or((rest, ""));
    let host = host.rsplit('@').next().unwrap_or_default();
    crate::providers::redact(&format!("{scheme}://{host}{path}"), cfg)
}

