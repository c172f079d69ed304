//! Teklink webhooks: the right secret in the path (odd first byte) or a wrong
//! one (even), the rest is the body.
#![no_main]
use libfuzzer_sys::fuzz_target;
include!("common.rs");

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else { return };
    let path = if pick & 1 == 1 { Some("tek-path-secret") } else if pick & 2 == 2 { None } else { Some("tek-path-secreT") };
    check("teklink", path, None, &[], body);
});
