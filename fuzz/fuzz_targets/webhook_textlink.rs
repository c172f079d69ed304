//! TextLink webhooks: the first byte picks the `?event=` hint, the rest is the
//! body (the secret travels inside it, so seeds carry "tl-hook-secret").
#![no_main]
use libfuzzer_sys::fuzz_target;
include!("common.rs");

const HINTS: &[&str] = &["sent", "failed", "received", "tag", "bogus"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else { return };
    let hint = HINTS.get(pick as usize % (HINTS.len() + 1)).copied();
    check("textlink", None, hint, &[], body);
});
