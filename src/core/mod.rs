//! The core: what every other part of the crate stands on. The one error
//! type and its classification, HTTP as plain data, the platform's traits
//! (transport, clock, randomness, code store), JSON text through serde (the
//! lenient field readers among it), the byte encodings, the constant-time
//! compare of secrets, RFC 3339 time and the search of a text in another.
//!
//! May not import: anything of the crate outside `core/`. No provider, no
//! worker, no `wasm_bindgen`.

pub(crate) mod codec;
pub(crate) mod encode;
mod error;
pub(crate) mod http;
mod platform;
mod secret;
pub(crate) mod text;
pub(crate) mod time;

pub use codec::RawJson;
pub use error::{Error, ErrorCode, Result};
pub use http::{HttpRequest, HttpResponse, Method};
pub use platform::{Clock, CodeStore, Random, Transport, TransportError};
pub use secret::secret_eq;
pub use time::{iso8601, parse_iso8601};
