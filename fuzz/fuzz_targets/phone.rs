//! normalize_phone / nanp_national / country_of on any text. The first byte
//! picks the default country (or none); the rest is the number as typed.
//! Checks: no panic; a normalised number is `+` and 2..=15 digits, normalises
//! to itself again, and country_of never panics on it.
#![no_main]
use edgetext::phone::{country_of, nanp_national, normalize_phone};
use libfuzzer_sys::fuzz_target;

const COUNTRIES: &[&str] = &["US", "CA", "GB", "DE", "FR", "HU", "IT", "ES", "RU", "gb", " us ", "XX", ""];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let Ok(input) = core::str::from_utf8(rest) else { return };
    let country = COUNTRIES.get(pick as usize % (COUNTRIES.len() + 1)).copied();
    if let Ok(e164) = normalize_phone(input, country) {
        let digits = &e164[1..];
        assert!(e164.starts_with('+') && digits.bytes().all(|b| b.is_ascii_digit()), "{e164:?}");
        assert!((2..=15).contains(&digits.len()), "{e164:?}");
        assert_eq!(normalize_phone(&e164, None).as_deref(), Ok(e164.as_str()), "not idempotent");
        let _ = country_of(&e164);
    }
    if let Ok(national) = nanp_national(input) {
        assert!(national.len() == 10 && national.bytes().all(|b| b.is_ascii_digit()), "{national:?}");
    }
    let _ = country_of(input);
});
