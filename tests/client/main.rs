//! The client (`src/client/`): failover, signed codes (the token and a real
//! send), worker mode (`otpUrl`) and the request log.
// Native suites: the wasm layer has its own, in src/wasm/tests.rs.
#![cfg(not(target_arch = "wasm32"))]

#[path = "../common/mod.rs"]
mod common;
mod failover;
mod otp;
mod otp_worker;
mod request_log;
mod signed_codes;
