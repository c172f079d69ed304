//! The worker (`src/worker/`, feature `worker`): the router and its reads,
//! the outbox and statuses, every provider's webhook, the OTP routes and
//! the guard's state machine. The worker under workerd is tested in
//! `tests/workerd/` (node --test).
// Native suites: the wasm layer has its own, in src/wasm/tests.rs.
#![cfg(not(target_arch = "wasm32"))]
#![cfg(feature = "worker")]

#[path = "../common/mod.rs"]
mod common;
mod otp_guard;
mod otp_route;
mod route;
mod task;
mod webhooks;
