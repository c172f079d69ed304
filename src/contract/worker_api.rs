//! The edgetext worker's own HTTP API, both ends in one place: the bodies
//! of `POST /v1/otp/send` and `/v1/otp/verify` (the client writes them, the
//! worker reads them), the worker's answers to them (the worker writes
//! [`OtpResponse`], the client reads any of them as an [`OtpAnswer`]), and the
//! answer to `GET /v1/status/{provider}/{id}` (the worker writes a
//! [`MessageStatus`](crate::client::MessageStatus), the client reads it as a
//! [`StatusAnswer`]). The readers on the client's side are lenient: a field
//! of another type is taken as absent.

use crate::client::VerifyReason;
use crate::core::codec::{opt_bool, opt_str, opt_u64};
use serde::{Deserialize, Serialize};

/// The body of `POST /v1/otp/send`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OtpSendRequest {
    /// The number (E.164).
    pub to: String,
    /// Accepted for the `Client`'s worker mode and ignored: the text names
    /// the worker's own `OTP_SERVICE_NAME`, never the caller's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    /// The user's address, from a trusted caller (a server with
    /// `OTP_SERVER_TOKEN` speaking for its user); ignored from anyone else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_address: Option<String>,
}

/// The body of `POST /v1/otp/verify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OtpVerifyRequest {
    /// The number (E.164).
    pub to: String,
    /// The code as typed.
    pub code: String,
    /// The user's address, from a trusted caller (a server with
    /// `OTP_SERVER_TOKEN` speaking for its user); ignored from anyone else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_address: Option<String>,
}

/// Largest body of an OTP route, in bytes (413 beyond, while streaming).
pub const OTP_MAX_BODY: usize = 2048;

/// An answer of the OTP routes: status, JSON body and `Retry-After`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OtpResponse {
    /// The HTTP status.
    pub status: u16,
    /// The JSON body.
    pub body: OtpBody,
    /// `Retry-After`, in seconds.
    pub retry_after: Option<u64>,
}

impl OtpResponse {
    /// An error answer.
    pub fn error(status: u16, error: &str, message: impl Into<String>, retry_after: Option<u64>) -> OtpResponse {
        OtpResponse { status, body: OtpBody::Error { ok: false, error: error.into(), message: message.into(), retry_after }, retry_after }
    }

    /// The 413 for a body over [`OTP_MAX_BODY`].
    pub fn too_large() -> OtpResponse {
        OtpResponse::error(413, "invalid_input", format!("the body is larger than {OTP_MAX_BODY} bytes"), None)
    }
}

/// The JSON bodies of the OTP routes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum OtpBody {
    /// `{ ok: false, error, message, retryAfter? }`.
    #[serde(rename_all = "camelCase")]
    Error {
        /// Always false.
        ok: bool,
        /// The error code.
        error: String,
        /// What went wrong.
        message: String,
        /// Seconds to wait, as in `Retry-After`.
        #[serde(skip_serializing_if = "Option::is_none")]
        retry_after: Option<u64>,
    },
    /// `{ ok: true, to, provider, expiresAt }` after a send.
    #[serde(rename_all = "camelCase")]
    Sent {
        /// Always true.
        ok: bool,
        /// The number.
        to: String,
        /// The provider that took the code.
        provider: String,
        /// ISO 8601.
        expires_at: String,
    },
    /// `{ ok: true, valid, reason, assertion? }` after a check.
    Checked {
        /// Always true.
        ok: bool,
        /// Whether the code was right.
        valid: bool,
        /// Why not.
        reason: Option<VerifyReason>,
        /// The signed statement, when valid.
        #[serde(skip_serializing_if = "Option::is_none")]
        assertion: Option<String>,
    },
}

/// An edgetext worker's answer read for its error only (`{ ok: false,
/// error, message, retryAfter? }`, [`OtpAnswer`]'s fields of the same
/// names): what the client reads of a failed call's answer, on every path
/// (a status through `statusUrl` too), with no reader of the other fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WorkerError {
    /// `false` on an error.
    #[serde(default, deserialize_with = "opt_bool")]
    pub ok: Option<bool>,
    /// The error's code.
    #[serde(default, deserialize_with = "opt_str")]
    pub error: Option<String>,
    /// What went wrong.
    #[serde(default, deserialize_with = "opt_str")]
    pub message: Option<String>,
    /// Seconds to wait, as in `Retry-After`.
    #[serde(default, deserialize_with = "opt_u64")]
    pub retry_after: Option<u64>,
}

/// Any answer of `/v1/otp/*`, success or not, as the client reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OtpAnswer {
    /// `true` on success, `false` on an error.
    #[serde(default, deserialize_with = "opt_bool")]
    pub ok: Option<bool>,
    /// The error's code.
    #[serde(default, deserialize_with = "opt_str")]
    pub error: Option<String>,
    /// What went wrong.
    #[serde(default, deserialize_with = "opt_str")]
    pub message: Option<String>,
    /// Seconds to wait, as in `Retry-After`.
    #[serde(default, deserialize_with = "opt_u64")]
    pub retry_after: Option<u64>,
    /// After a send: when the code expires (ISO 8601).
    #[serde(default, deserialize_with = "opt_str")]
    pub expires_at: Option<String>,
    /// After a send: the provider that took the code.
    #[serde(default, deserialize_with = "opt_str")]
    pub provider: Option<String>,
    /// After a check: whether the code was right.
    #[serde(default, deserialize_with = "opt_bool")]
    pub valid: Option<bool>,
    /// After a check: why not.
    #[serde(default, deserialize_with = "opt_str")]
    pub reason: Option<String>,
    /// After a valid check: the worker's signed statement.
    #[serde(default, deserialize_with = "opt_str")]
    pub assertion: Option<String>,
}

/// The answer of `GET /v1/status/{provider}/{id}`, as the client reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusAnswer {
    /// The message id.
    #[serde(default, deserialize_with = "opt_str")]
    pub id: Option<String>,
    /// The provider.
    #[serde(default, deserialize_with = "opt_str")]
    pub provider: Option<String>,
    /// The status word.
    #[serde(default, deserialize_with = "opt_str")]
    pub status: Option<String>,
    /// The provider's error text.
    #[serde(default, deserialize_with = "opt_str")]
    pub error: Option<String>,
    /// When the first event came (RFC 3339).
    #[serde(default, deserialize_with = "opt_str")]
    pub created_at: Option<String>,
    /// When it was delivered (RFC 3339).
    #[serde(default, deserialize_with = "opt_str")]
    pub delivered_at: Option<String>,
}
