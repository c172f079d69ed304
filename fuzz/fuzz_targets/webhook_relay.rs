//! Phone Relay callbacks: the first byte picks where the token is (bearer
//! header, x-callback-token header, or only in the body), the rest is the body.
#![no_main]
use libfuzzer_sys::fuzz_target;
include!("common.rs");

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else { return };
    let headers: Vec<(String, String)> = match pick % 4 {
        0 => vec![("authorization".into(), "Bearer relay-token".into())],
        1 => vec![("x-callback-token".into(), "relay-token".into())],
        2 => vec![("Authorization".into(), "bearer wrong".into())],
        _ => vec![],
    };
    check("relay", None, None, &headers, body);
});
