//! Phone numbers. [`normalize_phone`] writes a number in E.164,
//! [`nanp_national`] as the ten digits of a North American number, and
//! [`country_of`] names its country. The worker build adds [`ranges`]:
//! libphonenumber's number ranges, the country and type of the range a
//! number is in, for the OTP guard's allow-lists.
//!
//! May import: `core`. Never a provider, the client or the worker.

// `--cfg edgetext_no_national_rules` builds the client without the
// national-prefix rules, for bench/phone-rules-size.mjs to weigh them; no
// shipped build sets it.
#[cfg_attr(edgetext_no_national_rules, allow(dead_code))]
pub(crate) mod national;
mod normalize;
#[cfg_attr(edgetext_no_national_rules, allow(dead_code))]
pub(crate) mod pattern;
#[cfg(feature = "worker")]
pub mod ranges;

pub use normalize::{country_of, nanp_national, normalize_phone};
