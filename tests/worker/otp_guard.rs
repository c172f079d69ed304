//! The OTP guard's decisions (src/worker/otp/guard.rs), each attack of issue 11 as a
//! plain state-machine run: state is carried between calls as the Durable
//! Object would store it.
// Native suites: the wasm layer has its own, in src/wasm/tests.rs.
#![cfg(not(target_arch = "wasm32"))]
#![cfg(feature = "worker")]

use edgetext::client::VerifyReason;
use edgetext::phone::ranges::NumberType;
use edgetext::contract::verify_otp_assertion;
use edgetext::worker::otp::buckets::*;
use edgetext::worker::otp::guard::*;
use edgetext::*;

const SECRET: &str = "0123456789abcdef0123456789abcdef";
const T0: u64 = 1_800_000_000_000;
const JE: &str = "+447797123456";
const GB: &str = "+447400123456";

fn settings(extra: &[(&str, &str)]) -> GuardSettings {
    let mut vars = vec![("OTP_SECRET", SECRET), ("OTP_ALLOWED_COUNTRIES", "GB,US,JE")];
    vars.extend_from_slice(extra);
    GuardSettings::from_env(|k| vars.iter().rev().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())).unwrap()
}

/// The Durable Object's storage, and the guard run on it.
#[derive(Default)]
struct Store(std::collections::BTreeMap<String, String>, u64);

impl Store {
    fn run(&mut self, s: &GuardSettings, req: GuardRequest, now: u64) -> GuardAnswer {
        let entries: GuardEntries = guard_keys(&req).into_iter().map(|k| { let v = self.0.get(&k).cloned(); (k, v) }).collect();
        self.1 += 1;
        let d = guard_decide(s, &req, &entries, now, &SeededRandom::new([self.1 as u8; 32]));
        if matches!(d.answer, GuardAnswer::Refused(_)) {
            assert!(d.writes.0.is_empty(), "a refusal wrote {:?}", d.writes);
        }
        for (k, v) in d.writes.0 {
            match v { Some(v) => { self.0.insert(k, v); } None => { self.0.remove(&k); } }
        }
        d.answer
    }
    fn send(&mut self, s: &GuardSettings, to: &str, address: &str, now: u64) -> GuardAnswer {
        self.run(s, GuardRequest::Send { to: to.into(), address: address.into() }, now)
    }
    fn verify(&mut self, s: &GuardSettings, to: &str, code: &str, address: &str, now: u64) -> GuardAnswer {
        self.run(s, GuardRequest::Verify { to: to.into(), code: code.into(), address: address.into() }, now)
    }
}

fn code_of(a: &GuardAnswer) -> String {
    match a { GuardAnswer::Send { text, .. } => text.chars().filter(char::is_ascii_digit).take(6).collect(), other => panic!("not sent: {other:?}") }
}
fn refused(a: &GuardAnswer) -> (u16, &'static str, Option<u64>) {
    match a { GuardAnswer::Refused(r) => (r.status, r.error, r.retry_after), other => panic!("not refused: {other:?}") }
}
fn reason(a: &GuardAnswer) -> Option<&str> {
    match a { GuardAnswer::Checked { reason, .. } => reason.as_ref().map(VerifyReason::as_str), other => panic!("not a check: {other:?}") }
}

#[test]
fn a_code_verifies_once_with_an_assertion_then_is_spent() {
    let s = settings(&[]);
    let mut st = Store::default();
    let code = code_of(&st.send(&s, GB, "1.2.3.4", T0));
    let a = st.verify(&s, GB, &code, "1.2.3.4", T0 + 1000);
    let GuardAnswer::Checked { valid: true, assertion: Some(assertion), .. } = a else { panic!("{a:?}") };
    let v = verify_otp_assertion(&assertion, SECRET.as_bytes(), "+44 7400 123456", 300, T0 + 2000).unwrap();
    assert_eq!((v.to.as_str(), v.verified_at), (GB, T0 + 1000));
    assert_eq!(reason(&st.verify(&s, GB, &code, "1.2.3.4", T0 + 3000)), Some("spent"));
    for (to, secret, now) in [("+447400123457", SECRET, T0 + 2000), (GB, "another secret of at least 32 bytes!!", T0 + 2000), (GB, SECRET, T0 + 302_000)] {
        let e = verify_otp_assertion(&assertion, secret.as_bytes(), to, 300, now).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidAssertion);
    }
    let mut tampered = assertion.clone().into_bytes();
    tampered[5] ^= 1;
    assert!(verify_otp_assertion(&String::from_utf8(tampered).unwrap(), SECRET.as_bytes(), GB, 300, T0 + 2000).is_err());
}

#[test]
fn one_address_cannot_lock_a_victim_out() {
    let s = settings(&[]);
    let mut st = Store::default();
    let code = code_of(&st.send(&s, GB, "9.9.9.9", T0));
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        assert_eq!(reason(&st.verify(&s, GB, wrong, "6.6.6.6", T0 + 1)), Some("mismatch"));
    }
    assert_eq!(reason(&st.verify(&s, GB, &code, "6.6.6.6", T0 + 2)), Some("too_many_attempts"), "the attacker's 6th");
    assert_eq!(reason(&st.verify(&s, GB, &code, "9.9.9.9", T0 + 3)), None, "the victim still verifies");
}

#[test]
fn a_code_dies_after_twenty_checks_from_all_addresses() {
    let s = settings(&[]);
    let mut st = Store::default();
    let code = code_of(&st.send(&s, GB, "9.9.9.9", T0));
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for i in 0..20 {
        assert_eq!(reason(&st.verify(&s, GB, wrong, &format!("10.0.0.{}", i / 5), T0 + 1)), Some("mismatch"));
    }
    assert_eq!(reason(&st.verify(&s, GB, &code, "10.0.9.9", T0 + 2)), Some("too_many_attempts"));
}

#[test]
fn address_buckets_ipv4_mapped_ipv6_48_and_invalid() {
    let s = settings(&[("OTP_SENDS_PER_NUMBER", "1000")]);
    let mut st = Store::default();
    // Two mapped addresses are two IPv4 budgets, and count with plain IPv4.
    for i in 0..10 {
        code_of(&st.send(&s, GB, if i % 2 == 0 { "::ffff:1.2.3.4" } else { "1.2.3.4" }, T0 + i));
    }
    assert_eq!(refused(&st.send(&s, GB, "::ffff:1.2.3.4", T0 + 20)).0, 429);
    code_of(&st.send(&s, GB, "::ffff:5.6.7.8", T0 + 21));
    // A /48 is one budget of 30 however many /64s it spans.
    for i in 0..30 {
        code_of(&st.send(&s, GB, &format!("2001:db8:1:{i:x}::1"), T0 + 100 + i));
    }
    let (status, error, retry) = refused(&st.send(&s, GB, "2001:db8:1:ffff::1", T0 + 200));
    assert_eq!((status, error), (429, "rate_limited"));
    assert!(retry.unwrap() > 3000);
    assert_eq!(address_buckets("1::2::3"), None);
    assert_eq!(address_buckets("::ffff:5.6.7.8").unwrap().host, "4:5.6.7.8");
}

#[test]
fn allow_lists_read_the_range_not_the_calling_code() {
    let s = settings(&[("OTP_ALLOWED_COUNTRIES", "GB")]);
    let mut st = Store::default();
    for (to, error) in [
        (JE, "country_not_allowed"),
        ("+447624123456", "country_not_allowed"),
        ("+449011234567", "number_not_allowed"),
        ("+10125551234", "number_not_allowed"),
        ("+447000123456", "number_not_allowed"),
    ] {
        assert_eq!(refused(&st.send(&s, to, "1.2.3.4", T0)).1, error, "{to}");
    }
    assert!(st.0.is_empty(), "nothing stored for refusals");
    code_of(&st.send(&s, GB, "1.2.3.4", T0));
    let us = settings(&[("OTP_ALLOWED_COUNTRIES", "US")]);
    assert_eq!(refused(&st.send(&us, "+19005551234", "1.2.3.4", T0)).1, "number_not_allowed");
}

#[test]
fn country_global_ceilings_and_kill_switch() {
    let s = settings(&[("OTP_SENDS_PER_COUNTRY_PER_HOUR", "3"), ("OTP_MAX_SENDS_PER_HOUR", "4")]);
    let mut st = Store::default();
    for i in 0..3 {
        code_of(&st.send(&s, &format!("+4474001234{i:02}"), &format!("1.1.1.{i}"), T0));
    }
    assert_eq!(refused(&st.send(&s, "+447400123499", "2.2.2.2", T0)), (429, "rate_limited", Some(3600 - (T0 % 3_600_000) / 1000)));
    code_of(&st.send(&s, "+12015550123", "3.3.3.3", T0));
    assert_eq!(refused(&st.send(&s, "+12015550124", "4.4.4.4", T0)).0, 429, "the global ceiling");
    code_of(&st.send(&s, "+12015550124", "4.4.4.4", T0 + 3_600_000));
    let paused = settings(&[("OTP_SENDS_PAUSED", "true")]);
    assert_eq!(refused(&st.send(&paused, GB, "5.5.5.5", T0)).0, 503);
}

#[test]
fn a_refund_uncounts_the_send_everywhere() {
    let s = settings(&[("OTP_SENDS_PER_NUMBER", "1")]);
    let mut st = Store::default();
    let GuardAnswer::Send { id, to, .. } = st.send(&s, GB, "1.2.3.4", T0) else { panic!() };
    assert_eq!(refused(&st.send(&s, GB, "1.2.3.4", T0 + 1)).0, 429);
    assert_eq!(st.run(&s, GuardRequest::Refund { to, id, address: "1.2.3.4".into() }, T0 + 2), GuardAnswer::Refunded);
    code_of(&st.send(&s, GB, "1.2.3.4", T0 + 3));
}

#[test]
fn a_verify_without_a_code_writes_nothing() {
    let s = settings(&[]);
    let mut st = Store::default();
    assert_eq!(reason(&st.verify(&s, GB, "123456", "1.2.3.4", T0)), Some("no_code"));
    assert!(st.0.is_empty());
}

#[test]
fn expiry_and_settings_errors() {
    let s = settings(&[]);
    let mut st = Store::default();
    let code = code_of(&st.send(&s, GB, "1.2.3.4", T0));
    assert_eq!(reason(&st.verify(&s, GB, &code, "1.2.3.4", T0 + 600_000)), Some("expired"));
    let err = GuardSettings::from_env(|k| (k == "OTP_SECRET").then(|| "short".to_string())).unwrap_err();
    assert!(err.contains("OTP_SECRET") && !err.contains("short"));
    let err = GuardSettings::from_env(|k| match k { "OTP_SECRET" => Some(SECRET.into()), "OTP_ALLOWED_NUMBER_TYPES" => Some("premium".into()), _ => None }).unwrap_err();
    assert!(err.contains("OTP_ALLOWED_NUMBER_TYPES"));
}

/// The assertion in the worker-mode fixture is a real one (secret
/// `otp-secret-for-tests-at-least-32-bytes`, 2026-01-01T00:00:00Z).
#[test]
fn the_fixture_assertion_verifies() {
    let text = include_str!("../fixtures/otp-worker/verify-valid.response.json");
    let assertion = text.split("\"assertion\":\"").nth(1).unwrap().split('"').next().unwrap();
    let secret = b"otp-secret-for-tests-at-least-32-bytes";
    let v = verify_otp_assertion(assertion, secret, "+44 7700 900123", 300, 1_767_225_600_000 + 1_000).unwrap();
    assert_eq!(v.id, "0102030405060708090a0b0c0d0e0f10");
    let wrong = verify_otp_assertion(assertion, b"otp-secret-for-tests-at-least-32-bytez", "+447700900123", 300, 1_767_225_600_000).unwrap_err();
    assert_eq!(wrong.code, ErrorCode::InvalidAssertion);
}

#[test]
fn the_defaults_are_the_documented_ones() {
    let d = guard_defaults();
    assert_eq!(
        (d.ttl_seconds, d.code_length, d.max_checks, d.max_checks_per_code, d.sends_per_number, d.sends_per_ip, d.sends_per_ipv6_48),
        (600, 6, 5, 20, 5, 10, 30)
    );
    assert_eq!((d.verifies_per_ip, d.window_seconds, d.sends_per_country_per_hour, d.max_sends_per_hour), (30, 3600, 200, 1000));
    assert_eq!(d.allowed_number_types, vec![NumberType::Mobile, NumberType::FixedLineOrMobile]);
}

/// A trunk prefix the client's normaliser does not know (Gabon's 0) still
/// gives the number one key: the guard keys numbers by libphonenumber's form.
#[test]
fn a_number_has_one_budget_in_every_spelling() {
    let s = settings(&[("OTP_ALLOWED_COUNTRIES", "GA"), ("OTP_SENDS_PER_NUMBER", "2")]);
    let mut st = Store::default();
    code_of(&st.send(&s, "+241060312341", "1.1.1.1", T0));
    code_of(&st.send(&s, "+24160312341", "1.1.1.2", T0));
    assert_eq!(refused(&st.send(&s, "+241060312341", "1.1.1.3", T0)).0, 429);
    assert_eq!(refused(&st.send(&s, "+24160312341", "1.1.1.4", T0)).0, 429);
}

#[test]
fn every_entry_is_forgotten_once_its_windows_are_over() {
    let s = settings(&[]);
    let mut st = Store::default();
    let code = code_of(&st.send(&s, GB, "2001:db8::1", T0));
    st.verify(&s, GB, &code, "1.2.3.4", T0 + 5_000);
    assert_eq!(st.0.len(), 6, "{:?}", st.0.keys());
    for (k, v) in &st.0 {
        let at = guard_forget_at(&s, k, v).unwrap();
        let expected = match k.as_str() {
            "g" | "c:GB" => (T0 / 3_600_000 + 1) * 3_600_000,
            "a:4:1.2.3.4" => T0 + 5_000 + 3_600_000,
            _ => T0 + 3_600_000,
        };
        assert_eq!(at, expected, "{k}");
    }
    assert_eq!(guard_forget_at(&s, "forget", "{}"), None);
}
