//! Phone numbers. [`normalize_phone`] writes a number in E.164,
//! [`nanp_national`] as the ten digits of a North American number, and
//! [`country_of`] names its country. The worker build adds [`ranges`]:
//! libphonenumber's number ranges, the country and type of the range a
//! number is in, for the OTP guard's allow-lists.
//!
//! May import: `core`. Never a provider, the client or the worker.

pub(crate) mod national;
mod normalize;
pub(crate) mod pattern;
#[cfg(feature = "worker")]
pub mod ranges;

pub use normalize::{country_of, nanp_national, normalize_phone};
