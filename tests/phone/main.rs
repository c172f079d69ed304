//! Phone numbers (`src/phone/`): normalisation, and the number ranges of the
//! worker build checked against libphonenumber's own answers.
// Native suites: the wasm layer has its own, in src/wasm/tests.rs.
#![cfg(not(target_arch = "wasm32"))]

mod normalize;
#[cfg(feature = "worker")]
mod ranges;
