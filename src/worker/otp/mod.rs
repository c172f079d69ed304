//! The worker's one-time-code routes, `/v1/otp/send` and `/v1/otp/verify`:
//! the route around the guard ([`route`]: path, method, CORS, body, caller,
//! settings; which client sends; the answer and refund after the provider),
//! the guard's state machine ([`guard`]: the refusals that need no state,
//! made in the worker, then every limit, the code, the check in the
//! object), the object's SQLite storage ([`store`]) and the client address
//! buckets it counts by ([`buckets`]).
//!
//! May import: `core`, `phone`, `client` (signed-code rules), `contract`
//! and the rest of `worker`.

pub mod buckets;
pub mod guard;
pub mod route;
pub mod store;
