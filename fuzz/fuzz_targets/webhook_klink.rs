//! Klink CX webhooks: the whole input is the body. It is signed with the
//! right key (so the fuzzer reaches the parser behind the HMAC check) unless
//! the body's length is a multiple of 7, which checks a forged signature.
#![no_main]
use edgetext::providers::klink::webhook::hmac_hex;
use libfuzzer_sys::fuzz_target;
include!("common.rs");

fuzz_target!(|body: &[u8]| {
    let key: &[u8] = if body.len() % 7 == 0 { b"not-the-secret" } else { b"klink-signing-secret" };
    let headers = vec![("x-signature".to_string(), hmac_hex(key, body))];
    check("klink", None, None, &headers, body);
});
