//! The one error type of edgetext, with the stable codes JavaScript sees.

use core::fmt;
use serde::Serialize;

/// A stable, machine-readable classification of a failure.
///
/// The string form ([`ErrorCode::as_str`]) is what JavaScript reads as
/// `error.code`; it never changes between releases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum ErrorCode {
    /// Bad constructor options (`invalid_config`).
    InvalidConfig,
    /// Bad call arguments; no request was sent (`invalid_input`).
    InvalidInput,
    /// A phone number that cannot be used; no request was sent (`invalid_phone`).
    InvalidPhone,
    /// The provider answered 401 or 403 (`unauthorized`).
    Unauthorized,
    /// The provider answered 429 (`rate_limited`).
    RateLimited,
    /// Another 4xx, or a 2xx body that says it failed (`provider_rejected`).
    ProviderRejected,
    /// A 5xx where the provider certainly did not take the message (`provider_unavailable`).
    ProviderUnavailable,
    /// The message may or may not have gone out (`outcome_unknown`).
    OutcomeUnknown,
    /// The request never left this machine (`network`).
    Network,
    /// A read timed out (`timeout`).
    Timeout,
    /// The provider has no such operation, or it is not configured (`unsupported`).
    Unsupported,
    /// An edgetext worker refused to send a code to a number of a country its
    /// `OTP_ALLOWED_COUNTRIES` does not list (`country_not_allowed`).
    CountryNotAllowed,
    /// An edgetext worker refused to send a code to a number that is invalid
    /// or of a type its `OTP_ALLOWED_NUMBER_TYPES` does not list
    /// (`number_not_allowed`).
    NumberNotAllowed,
    /// A verification assertion that does not hold: tampered, expired, for
    /// another number or signed with another secret (`invalid_assertion`).
    InvalidAssertion,
    /// The package's WebAssembly file could not be fetched, so nothing can
    /// run; thrown by the JavaScript entry that loads it (`wasm_unavailable`).
    WasmUnavailable,
}

impl ErrorCode {
    /// The stable string used as `error.code` in JavaScript.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidConfig => "invalid_config",
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::InvalidPhone => "invalid_phone",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::ProviderRejected => "provider_rejected",
            ErrorCode::ProviderUnavailable => "provider_unavailable",
            ErrorCode::OutcomeUnknown => "outcome_unknown",
            ErrorCode::Network => "network",
            ErrorCode::Timeout => "timeout",
            ErrorCode::Unsupported => "unsupported",
            ErrorCode::CountryNotAllowed => "country_not_allowed",
            ErrorCode::NumberNotAllowed => "number_not_allowed",
            ErrorCode::InvalidAssertion => "invalid_assertion",
            ErrorCode::WasmUnavailable => "wasm_unavailable",
        }
    }

    /// Whether a failure of this kind may pass when the same call is made
    /// again later (`rate_limited`, `provider_unavailable`, `network`,
    /// `timeout`): how an edgetext worker's error, known only by its code,
    /// is marked retryable.
    pub fn retryable(self) -> bool {
        matches!(self, ErrorCode::RateLimited | ErrorCode::ProviderUnavailable | ErrorCode::Network | ErrorCode::Timeout)
    }

    /// Whether a send that failed so was certainly not taken by the provider:
    /// it refused it (`unauthorized`, `provider_rejected`,
    /// `provider_unavailable`: a 503 before accepting), it was still rate
    /// limited, the request never left (`network`), or it was never made
    /// (`invalid_input`, `invalid_phone`, `invalid_config`, `unsupported`).
    /// Never after `outcome_unknown` or `timeout`: the message may be on its
    /// way. `country_not_allowed`, `number_not_allowed` and
    /// `invalid_assertion` are an edgetext worker's refusals, not a
    /// provider's answer, and say nothing here. What a worker refunds a
    /// send for; failover also needs [`ErrorCode::callers_fault`] to be false.
    pub fn certainly_not_taken(self) -> bool {
        match self {
            ErrorCode::InvalidInput
            | ErrorCode::InvalidPhone
            | ErrorCode::InvalidConfig
            | ErrorCode::Unsupported
            | ErrorCode::Unauthorized
            | ErrorCode::ProviderRejected
            | ErrorCode::ProviderUnavailable
            | ErrorCode::Network
            | ErrorCode::RateLimited
            | ErrorCode::WasmUnavailable => true,
            ErrorCode::OutcomeUnknown
            | ErrorCode::Timeout
            | ErrorCode::CountryNotAllowed
            | ErrorCode::NumberNotAllowed
            | ErrorCode::InvalidAssertion => false,
        }
    }

    /// Whether the caller must change something before the call can
    /// succeed anywhere: its input (`invalid_input`), its configuration
    /// (`invalid_config`), the policy of its own worker
    /// (`country_not_allowed`, `number_not_allowed`), its assertion
    /// (`invalid_assertion`) or its bundling (`wasm_unavailable`). Another provider would not make these right,
    /// and would bypass the policy.
    pub fn callers_fault(self) -> bool {
        matches!(
            self,
            ErrorCode::InvalidInput
                | ErrorCode::InvalidConfig
                | ErrorCode::CountryNotAllowed
                | ErrorCode::NumberNotAllowed
                | ErrorCode::InvalidAssertion
                | ErrorCode::WasmUnavailable
        )
    }

    /// The code whose [`ErrorCode::as_str`] is `s`.
    pub fn parse(s: &str) -> Option<ErrorCode> {
        use ErrorCode::*;
        [
            InvalidConfig, InvalidInput, InvalidPhone, Unauthorized, RateLimited, ProviderRejected,
            ProviderUnavailable, OutcomeUnknown, Network, Timeout, Unsupported, CountryNotAllowed,
            NumberNotAllowed, InvalidAssertion, WasmUnavailable,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }
}

/// Every failure edgetext reports.
///
/// Messages never contain an API key or a one-time code.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Error {
    /// What kind of failure this is.
    pub code: ErrorCode,
    /// A human-readable explanation.
    #[serde(skip)]
    pub message: String,
    /// The provider involved (`"textlink"`, …), when there is one.
    pub provider: Option<&'static str>,
    /// The HTTP status the provider answered, when it answered.
    pub http_status: Option<u16>,
    /// Whether the same call may safely be made again.
    pub retryable: bool,
    /// The provider's own explanation, as it gave it.
    pub provider_message: Option<String>,
    /// Seconds the provider asked us to wait (`Retry-After`), when given.
    pub retry_after_seconds: Option<u64>,
}

impl Error {
    /// A new error with the given code and message and nothing else set.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
            provider: None,
            http_status: None,
            retryable: false,
            provider_message: None,
            retry_after_seconds: None,
        }
    }

    /// An `invalid_config` error naming the offending field.
    pub fn config(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::InvalidConfig, message)
    }

    /// An `invalid_input` error.
    pub fn input(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::InvalidInput, message)
    }

    /// An `invalid_phone` error.
    pub fn phone(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::InvalidPhone, message)
    }

    /// An `unsupported` error.
    pub fn unsupported(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::Unsupported, message)
    }

    /// The same error, attributed to a provider.
    pub fn with_provider(mut self, provider: &'static str) -> Self {
        self.provider = Some(provider);
        self
    }

    /// The same error, marked as safe (or not) to retry.
    pub fn retryable(mut self, retryable: bool) -> Self {
        self.retryable = retryable;
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for Error {}

/// The crate-wide result type.
pub type Result<T, E = Error> = core::result::Result<T, E>;
