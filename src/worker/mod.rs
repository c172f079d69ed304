//! The worker (feature `worker`): the edge worker's decisions, as pure
//! functions the runtime (`pkg-template/worker.mjs`, `otp.mjs`) carries out
//! against D1, the Queue and the Durable Object. The request router and the
//! worker's settings ([`decide`], [`WorkerSettings`]), the webhook route
//! ([`parse_webhook`]), message statuses built from events ([`statuses`]'s
//! precedence), the forwarding outbox and retention ([`scheduled_plan`]) and
//! the one-time-code routes with their guard ([`otp`]).
//!
//! May import: every other part of the crate but `wasm`. Nothing outside
//! the worker (and its bindings in `wasm/worker/`) imports it.

pub mod otp;
mod outbox;
mod route;
pub mod statuses;
mod webhooks;

pub use outbox::{
    forward_delivery, forward_retry_delay_seconds, retention_start, scheduled_plan, ForwardDelivery, ScheduledPlan, DEFAULT_RETENTION_DAYS,
    FORWARD_LEASE_MS, OUTBOX_BATCH,
};
pub use route::{
    bearer_authorized, decide, events_answer, status_answer, storage_unavailable, Decision, StoredEvent, WorkerRequest, WorkerResponse,
    WorkerSettings,
};
pub use webhooks::{parse_webhook, refuse_expired_events, WebhookSecrets, MAX_WEBHOOK_BODY};
