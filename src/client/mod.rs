//! The client: one provider account, its operations and what they answer.
//! [`Client`] validates a call and hands back a [`Call`] (the retry rules)
//! to drive; [`Client::run`] drives it through the platform's transport.
//! Here too: the configuration ([`Config`]), the results ([`SendReceipt`],
//! [`CodeTicket`], [`Verification`], [`MessageStatus`], [`RequestRecord`]),
//! one-time codes signed here ([`sign_code`], [`check_code`]) and counted
//! in the store ([`TokenCheck`]), and [`Failover`] across clients.
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
mod signed;

pub use call::{Call, Outcome, Step, MAX_RETRY_AFTER_SECONDS};
pub(crate) use call::{raw, Prepared};
pub use config::{ClientConfig, CommonConfig, Config, OtpConfig, OtpSettings};
pub(crate) use config::{field_error, input_error};
pub use driver::{Client, Started};
pub use failover::{may_fail_over, Attempt, Failover, FailoverError, FailoverMessage, FailoverReceipt, FailoverSend, FailoverStep};
pub use operation::{CodeRequest, Operation, OperationName, VerifyRequest};
pub use otp::{
    check_code, check_otp_secret, generate_code, is_code, render_template, sign_code, token_expiry, CodeCheck, CODE_LENGTHS, CODE_TTL_SECONDS,
    DEFAULT_CODE_LENGTH, DEFAULT_CODE_TTL_SECONDS, DEFAULT_OTP_TEMPLATE, MIN_OTP_SECRET_BYTES,
};
pub use signed::{TokenCheck, TokenStep, D1_INCR, D1_SCHEMA, D1_SWEEP, MAX_TOKEN_CHECKS};
pub use results::{CodeMode, CodeTicket, MessageStatus, RequestRecord, SendReceipt, SendStatus, Verification, VerifyReason, REQUEST_ID_HEADERS};
