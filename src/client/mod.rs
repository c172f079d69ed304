//! The client: one provider account, its operations and what they answer.
//! [`Client`] validates a call and hands back a [`Call`] (the retry rules)
//! to drive; [`Client::run`] drives it through the platform's transport.
//! Here too: the configuration ([`Config`]), the results ([`SendReceipt`],
//! [`CodeTicket`], [`Verification`], [`MessageStatus`], [`RequestRecord`]),
//! one-time codes signed here ([`sign_code`], [`check_code`]) and
//! [`Failover`] across clients.
//!
//! May import: `core`, `phone`, `segments`, `providers`, `contract`. Never
//! `worker` (the worker uses the client, not the other way round) and never
//! `wasm_bindgen`.

mod call;
mod config;
mod driver;
mod failover;
mod operation;
pub(crate) mod otp;
mod results;

pub use call::{Call, Outcome, Step, MAX_RETRY_AFTER_SECONDS};
pub use config::{ClientConfig, Config, OtpConfig, OtpSettings};
pub(crate) use config::{field_error, input_error};
pub use driver::Client;
pub use failover::{may_fail_over, Attempt, Failover, FailoverError, FailoverMessage, FailoverReceipt};
pub use operation::{CodeRequest, Operation, OperationName, VerifyRequest};
pub use otp::{
    check_code, check_otp_secret, generate_code, is_code, next_token_state, render_template, sign_code, token_expiry, token_store_key,
    CodeCheck, TokenState, TokenStep, CODE_LENGTHS, CODE_TTL_SECONDS, DEFAULT_CODE_LENGTH, DEFAULT_CODE_TTL_SECONDS, DEFAULT_OTP_TEMPLATE,
    MAX_TOKEN_CHECKS, MIN_OTP_SECRET_BYTES,
};
pub use results::{CodeMode, CodeTicket, MessageStatus, RequestRecord, SendReceipt, SendStatus, Verification, VerifyReason, REQUEST_ID_HEADERS};
