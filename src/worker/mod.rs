//! The worker (feature `worker`): everything the edge worker does, as a
//! sans-IO core. Each request, Queue batch and scheduled run is a
//! [`task::Task`] that answers the effects to carry out (D1 statements,
//! Queue sends, the guard object, the OTP client, `fetch`, the answer) one
//! at a time; the runtime (`pkg-template/worker.mjs`) only executes them.
//! Here: the protocol and its SQL ([`task`]), the variables it reads
//! ([`WorkerVars`]), the router and the worker's settings ([`decide`],
//! [`WorkerSettings`]), the webhook route
//! ([`parse_webhook`]), statuses built from events ([`statuses`]'s
//! precedence), the forwarding outbox and retention ([`scheduled_plan`]),
//! and the one-time-code routes with their guard and its storage ([`otp`]).
//!
//! May import: every other part of the crate but `wasm` (no JavaScript
//! type appears here). Nothing outside the worker (and its bindings in
//! `wasm/worker/`) imports it.

mod env;
pub mod keyed;
pub mod otp;
mod outbox;
mod route;
pub mod statuses;
pub mod task;
mod webhooks;

pub use env::WorkerVars;
pub use outbox::{
    forward_delivery, forward_retry_delay_seconds, retention_start, scheduled_plan, ForwardDelivery, ScheduledPlan, DEFAULT_RETENTION_DAYS,
    FORWARD_LEASE_MS, OUTBOX_BATCH,
};
pub use route::{
    bearer_authorized, decide, decide_body, decide_head, events_answer, status_answer, storage_unavailable, BodyRoute, Decision, Head, StoredEvent, WorkerRequest, WorkerResponse,
    WorkerSettings,
};
pub use webhooks::{parse_webhook, refuse_expired_events, WebhookSecrets, MAX_WEBHOOK_BODY};
