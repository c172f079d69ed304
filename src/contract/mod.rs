//! The contract: what travels over HTTP between the client, the worker and
//! the app, both ends of each in one place. The unified inbound event the
//! worker stores, serves and forwards ([`InboundEvent`], its
//! [`DeliveryStatus`]); the Standard Webhooks signature of those forwards
//! ([`WebhookKey`], [`verify_webhook`]); the verification assertion the
//! worker signs and the app's server checks ([`verify_otp_assertion`]); the
//! worker's own API, `/v1/otp` and `/v1/status` ([`OtpSendRequest`],
//! [`OtpResponse`], [`OtpAnswer`], [`StatusAnswer`]).
//!
//! May import: `core`, `phone`, `providers` (the provider's name) and the
//! client's signed-code rules. Never `worker` and never `wasm_bindgen`.

mod assertion;
mod event;
mod standard_webhooks;
mod worker_api;

pub use assertion::{sign_assertion, verify_otp_assertion, VerifiedNumber};
pub use event::{DeliveryStatus, EventKind, InboundEvent};
pub use standard_webhooks::{verify_webhook, WebhookHeaders, WebhookKey, WEBHOOK_SECRET_PREFIX};
pub use worker_api::{OtpAnswer, OtpBody, OtpResponse, OtpSendRequest, OtpVerifyRequest, StatusAnswer, OTP_MAX_BODY};
pub(crate) use worker_api::WorkerError;
