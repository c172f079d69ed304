//! The OTP guard's decisions (src/worker/otp/guard.rs), each attack of issues 11
//! and 21 as a plain state-machine run: state is carried between calls as the
//! Durable Object would store it.
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
            match v {
                Some(w) => {
                    // The time a write carries is the one its stored text reads as.
                    assert_eq!(guard_forget_at(s, &k, &w.text), Some(w.forget_at), "{k}");
                    self.0.insert(k, w.text);
                }
                None => { self.0.remove(&k); }
            }
        }
        d.answer
    }
    fn send(&mut self, s: &GuardSettings, to: &str, address: &str, now: u64) -> GuardAnswer {
        self.run(s, GuardRequest::Send { to: to.into(), address: address.into() }, now)
    }
    /// A verify from a browser (no `OTP_SERVER_TOKEN`).
    fn verify(&mut self, s: &GuardSettings, to: &str, code: &str, address: &str, now: u64) -> GuardAnswer {
        self.run(s, GuardRequest::Verify { to: to.into(), code: code.into(), address: address.into(), trusted: false }, now)
    }
    /// A verify from the app's server (`OTP_SERVER_TOKEN`), which hears why a code is not valid.
    fn server_verify(&mut self, s: &GuardSettings, to: &str, code: &str, address: &str, now: u64) -> GuardAnswer {
        self.run(s, GuardRequest::Verify { to: to.into(), code: code.into(), address: address.into(), trusted: true }, now)
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
    assert_eq!(reason(&st.server_verify(&s, GB, &code, "1.2.3.4", T0 + 3000)), Some("spent"));
    assert_eq!(reason(&st.verify(&s, GB, &code, "1.2.3.4", T0 + 3000)), Some("invalid"), "a browser hears one reason");
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
        assert_eq!(reason(&st.server_verify(&s, GB, wrong, "6.6.6.6", T0 + 1)), Some("mismatch"));
    }
    assert_eq!(reason(&st.verify(&s, GB, &code, "6.6.6.6", T0 + 2)), Some("too_many_attempts"), "the attacker's 6th");
    assert_eq!(reason(&st.verify(&s, GB, &code, "9.9.9.9", T0 + 3)), None, "the victim still verifies");
}

#[test]
fn a_number_takes_twenty_checks_per_window_from_all_addresses() {
    let s = settings(&[]);
    let mut st = Store::default();
    let code = code_of(&st.send(&s, GB, "9.9.9.9", T0));
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for i in 0..20 {
        assert_eq!(reason(&st.server_verify(&s, GB, wrong, &format!("10.0.0.{}", i / 5), T0 + 1)), Some("mismatch"));
    }
    assert_eq!(reason(&st.verify(&s, GB, &code, "10.0.9.9", T0 + 2)), Some("too_many_attempts"));
    // A new code does not bring new checks within the window (that would tell a prober a code was sent) …
    let code = code_of(&st.send(&s, GB, "9.9.9.9", T0 + 3));
    assert_eq!(reason(&st.verify(&s, GB, &code, "9.9.9.9", T0 + 4)), Some("too_many_attempts"));
    // … and once the first checks have left the window, the number takes checks again.
    let code = code_of(&st.send(&s, GB, "9.9.9.9", T0 + 3_600_001));
    assert_eq!(reason(&st.verify(&s, GB, &code, "9.9.9.9", T0 + 3_600_002)), None);
}

#[test]
fn address_buckets_ipv4_mapped_ipv6_48_and_invalid() {
    let s = settings(&[("OTP_SENDS_PER_NUMBER", "1000"), ("OTP_SENDS_PER_NUMBER_PER_NETWORK", "1000")]);
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

/// Issue 21 item 6: a browser hears `invalid` whatever the state (no code,
/// wrong, not a code, expired, spent); the app's server hears why; and
/// every verify counts in the address's window, the review's 60 probes of
/// numbers without a code included.
#[test]
fn a_verify_is_no_oracle_and_always_counted() {
    let s = settings(&[]);
    let mut st = Store::default();
    let mut answers = vec![("no code", st.verify(&s, GB, "123456", "1.2.3.1", T0), st.server_verify(&s, GB, "123456", "1.2.3.9", T0))];
    let code = code_of(&st.send(&s, GB, "1.2.3.4", T0));
    let wrong = if code == "000000" { "111111" } else { "000000" };
    answers.push(("wrong", st.verify(&s, GB, wrong, "1.2.3.2", T0 + 1), st.server_verify(&s, GB, wrong, "1.2.3.9", T0 + 1)));
    answers.push(("not a code", st.verify(&s, GB, "12ab56", "1.2.3.2", T0 + 2), st.server_verify(&s, GB, "12ab56", "1.2.3.9", T0 + 2)));
    answers.push(("expired", st.verify(&s, GB, &code, "1.2.3.3", T0 + 600_000), st.server_verify(&s, GB, &code, "1.2.3.9", T0 + 600_000)));
    let code = code_of(&st.send(&s, GB, "1.2.3.4", T0 + 600_001));
    assert_eq!(reason(&st.verify(&s, GB, &code, "1.2.3.4", T0 + 600_002)), None);
    answers.push(("spent", st.verify(&s, GB, &code, "1.2.3.5", T0 + 600_003), st.server_verify(&s, GB, &code, "1.2.3.9", T0 + 600_003)));
    let told: Vec<(&str, Option<&str>, Option<&str>)> = answers.iter().map(|(what, browser, server)| (*what, reason(browser), reason(server))).collect();
    assert_eq!(told, vec![
        ("no code", Some("invalid"), Some("no_code")),
        ("wrong", Some("invalid"), Some("mismatch")),
        ("not a code", Some("invalid"), Some("mismatch")),
        ("expired", Some("invalid"), Some("expired")),
        ("spent", Some("invalid"), Some("spent")),
    ]);
    // 60 probes of numbers without a code from one address: the window (30) counts each.
    let mut probes = Store::default();
    let limited = (0..60u64).filter(|i| matches!(probes.verify(&s, &format!("+4474001{:05}", i), "123456", "192.0.2.60", T0 + i), GuardAnswer::Refused(_))).count();
    assert_eq!(limited, 30);
    // From an IPv6 /48, each /64 has 30, and the /48 100 in all: every probe
    // writes, so no network may make the object store without bound.
    let limited = (0..150u64).filter(|i| {
        let address = format!("2001:db8:48:{:x}::1", i / 30);
        matches!(probes.verify(&s, &format!("+4474002{:05}", i), "123456", &address, T0 + i), GuardAnswer::Refused(_))
    });
    assert_eq!(limited.count(), 50);
}

/// Issue 21 item 6: `too_many_attempts` comes after the same checks whether
/// the number has a code or not, so it tells nothing either.
#[test]
fn too_many_attempts_does_not_tell_a_code_from_none() {
    let s = settings(&[]);
    let mut st = Store::default();
    let with_code = "+447400123457";
    code_of(&st.send(&s, with_code, "1.2.3.4", T0));
    let run = |st: &mut Store, to: &str| (0..7).map(|i| reason(&st.verify(&s, to, "000000", "6.6.6.6", T0 + 1 + i)).map(str::to_owned)).collect::<Vec<_>>();
    let with = run(&mut st, with_code);
    let without = run(&mut st, GB);
    assert_eq!(with, without);
    assert_eq!(with[4..], [Some("invalid".to_string()), Some("too_many_attempts".to_string()), Some("too_many_attempts".to_string())]);
}

#[test]
fn expiry_and_settings_errors() {
    let s = settings(&[]);
    let mut st = Store::default();
    let code = code_of(&st.send(&s, GB, "1.2.3.4", T0));
    assert_eq!(reason(&st.server_verify(&s, GB, &code, "1.2.3.4", T0 + 600_000)), Some("expired"));
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
        (d.ttl_seconds, d.code_length, d.max_checks, d.max_checks_per_ipv6_48, d.max_checks_per_number, d.sends_per_ip, d.sends_per_ipv6_48),
        (600, 6, 5, 10, 20, 10, 30)
    );
    assert_eq!((d.sends_per_number, d.sends_per_number_per_network, d.verifies_per_ipv6_48), (10, 3, 100));
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
            // The number keeps its checks for the window after the last one.
            "a:4:1.2.3.4" | "n:+447400123456" => T0 + 5_000 + 3_600_000,
            _ => T0 + 3_600_000,
        };
        assert_eq!(at, expected, "{k}");
    }
    assert_eq!(guard_forget_at(&s, "forget", "{}"), None);
}

/// Issue 21 item 4, the review's attack: four /64s of one /48, five wrong
/// checks each. The /48 takes 10 of the number's 20 checks, so the owner's
/// right code still verifies from the owner's address.
#[test]
fn one_ipv6_48_cannot_kill_the_owners_code() {
    let s = settings(&[]);
    let mut st = Store::default();
    let code = code_of(&st.send(&s, GB, "198.51.100.44", T0));
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let mut told = Vec::new();
    for net in 1..=4 {
        for _ in 0..5 {
            told.push(reason(&st.verify(&s, GB, wrong, &format!("2001:db8:66:{net}::1"), T0 + 1)).unwrap().to_owned());
        }
    }
    assert_eq!(told.iter().filter(|r| *r == "invalid").count(), 10, "{told:?}");
    assert!(told[10..].iter().all(|r| r == "too_many_attempts"), "{told:?}");
    // Another /48 and an IPv4 address each still have checks of their own.
    assert_eq!(reason(&st.verify(&s, GB, wrong, "2001:db8:67::1", T0 + 2)), Some("invalid"));
    assert_eq!(reason(&st.verify(&s, GB, &code, "198.51.100.44", T0 + 3)), None, "the owner verifies");
}

/// Issue 21 item 4: one network's resends neither use up the number's
/// sends for its owner nor replace the owner's code.
#[test]
fn one_networks_sends_neither_use_up_nor_replace_the_owners() {
    let s = settings(&[]);
    let mut st = Store::default();
    let owner = code_of(&st.send(&s, GB, "198.51.100.44", T0));
    let attacker: Vec<_> = (1..=5).map(|net| st.send(&s, GB, &format!("2001:db8:66:{net}::1"), T0 + net)).collect();
    assert!(attacker[..3].iter().all(|a| matches!(a, GuardAnswer::Send { .. })));
    for a in &attacker[3..] {
        let (status, _, retry) = refused(a);
        assert_eq!(status, 429);
        assert!(retry.unwrap() > 3500);
    }
    // An IPv4 address is a network of its own: another one is not held back by the first.
    for i in 0..3 {
        code_of(&st.send(&s, GB, "203.0.113.5", T0 + 10 + i));
    }
    assert_eq!(refused(&st.send(&s, GB, "203.0.113.5", T0 + 20)).0, 429);
    // The owner's code, asked for first, still verifies; and the owner may ask again.
    assert_eq!(reason(&st.verify(&s, GB, &owner, "198.51.100.44", T0 + 30)), None);
    let again = code_of(&st.send(&s, GB, "198.51.100.44", T0 + 31));
    assert_eq!(reason(&st.verify(&s, GB, &again, "198.51.100.44", T0 + 32)), None);
    // The overall ceiling (10) holds whatever the networks: 3 + 3 + 2 sent, two more, then none.
    code_of(&st.send(&s, GB, "203.0.113.6", T0 + 40));
    code_of(&st.send(&s, GB, "203.0.113.6", T0 + 41));
    assert_eq!(refused(&st.send(&s, GB, "203.0.113.7", T0 + 42)).0, 429);
}

/// Each network's send replaces only its own code; a valid check spends every code of the number.
#[test]
fn codes_are_kept_per_network_and_spent_together() {
    let s = settings(&[]);
    let mut st = Store::default();
    let first = code_of(&st.send(&s, GB, "198.51.100.1", T0));
    let second = code_of(&st.send(&s, GB, "198.51.100.1", T0 + 1));
    let other = code_of(&st.send(&s, GB, "198.51.100.2", T0 + 2));
    if first != second && first != other {
        assert_eq!(reason(&st.server_verify(&s, GB, &first, "198.51.100.9", T0 + 3)), Some("mismatch"), "replaced by its network's next");
    }
    assert_eq!(reason(&st.verify(&s, GB, &other, "198.51.100.1", T0 + 4)), None, "any live code verifies, from any address");
    assert_eq!(reason(&st.server_verify(&s, GB, &second, "198.51.100.1", T0 + 5)), Some("spent"), "the number is verified: no other code is");
}

/// Issue 21 item 5: a number of no country is counted under its calling
/// code, and `*` leaves the non-geographic codes out unless listed.
#[test]
fn non_geographic_ranges_have_a_ceiling_and_are_listed_explicitly() {
    let every = settings(&[("OTP_ALLOWED_COUNTRIES", "*"), ("OTP_SENDS_PER_COUNTRY_PER_HOUR", "2")]);
    let mut st = Store::default();
    for to in ["+881012345678", "+870312345678"] {
        assert_eq!(refused(&st.send(&every, to, "1.2.3.4", T0)).1, "country_not_allowed", "{to}");
    }
    code_of(&st.send(&every, "+33612345678", "1.2.3.4", T0));
    let listed = settings(&[("OTP_ALLOWED_COUNTRIES", "US, +881"), ("OTP_SENDS_PER_COUNTRY_PER_HOUR", "2")]);
    let mut st = Store::default();
    code_of(&st.send(&listed, "+881012345678", "1.1.1.1", T0));
    code_of(&st.send(&listed, "+8816123456789", "1.1.1.2", T0));
    assert_eq!(refused(&st.send(&listed, "+881712345678", "1.1.1.3", T0)), (429, "rate_limited", Some(3600 - (T0 % 3_600_000) / 1000)));
    assert!(st.0.contains_key("c:+881"), "{:?}", st.0.keys());
    assert_eq!(refused(&st.send(&listed, "+870312345678", "1.1.1.4", T0)).1, "country_not_allowed");
    code_of(&st.send(&listed, "+12015550123", "1.1.1.5", T0));
    assert_eq!(refused(&st.send(&listed, "+33612345678", "1.1.1.6", T0)).1, "country_not_allowed", "a country is listed by its ISO code");
    // A refund gives the calling code's count back.
    let GuardAnswer::Send { id, to, .. } = st.send(&listed, "+12015550124", "1.1.1.7", T0) else { panic!() };
    assert_eq!(st.run(&listed, GuardRequest::Refund { to, id, address: "1.1.1.7".into() }, T0 + 1), GuardAnswer::Refunded);
    let mut sat = Store::default();
    let GuardAnswer::Send { id, to, .. } = sat.send(&listed, "+881012345678", "1.1.1.1", T0) else { panic!() };
    sat.run(&listed, GuardRequest::Refund { to, id, address: "1.1.1.1".into() }, T0 + 1);
    assert_eq!(sat.0.get("c:+881").map(String::as_str), Some(format!(r#"{{"hour":{},"count":0}}"#, T0 / 3_600_000).as_str()));
}

#[test]
fn the_settings_name_what_is_wrong_never_the_value() {
    let read = |extra: &[(&str, &str)]| {
        let mut vars = vec![("OTP_SECRET", SECRET), ("OTP_ALLOWED_COUNTRIES", "GB")];
        vars.extend_from_slice(extra);
        GuardSettings::from_env(|k| vars.iter().rev().find(|(n, _)| *n == k).map(|(_, v)| v.to_string()))
    };
    let err = read(&[("OTP_ALLOWED_COUNTRIES", "GB,+44")]).unwrap_err();
    assert!(err.contains("non-geographic") && !err.contains("+44"), "{err}");
    assert!(read(&[("OTP_ALLOWED_COUNTRIES", "GB,+8812")]).is_err());
    assert!(read(&[("OTP_ALLOWED_COUNTRIES", "GB,001")]).is_err());
    let ok = read(&[("OTP_ALLOWED_COUNTRIES", " *, +881 ,+870,gb")]).unwrap();
    assert_eq!((ok.countries.every_country, ok.countries.calling_codes.clone(), ok.countries.countries.clone()), (true, vec![881, 870], vec!["GB".to_string()]));
    let err = read(&[("OTP_MAX_CHECKS_PER_CODE", "20")]).unwrap_err();
    assert!(err.contains("OTP_MAX_CHECKS_PER_NUMBER"), "a renamed setting is refused, never silently ignored: {err}");
    for (var, bad) in [("OTP_MAX_CHECKS_PER_IPV6_48", "0"), ("OTP_MAX_CHECKS_PER_NUMBER", "101"), ("OTP_SENDS_PER_NUMBER_PER_NETWORK", "x")] {
        let err = read(&[(var, bad)]).unwrap_err();
        assert!(err.starts_with(var), "{err}");
    }
}

/// An IPv4 address is its own bucket only as std reads it: four octets of
/// 0 to 255 without leading zeros; anything else is std's to read or refuse.
#[test]
fn address_buckets_read_ipv4_as_std_does() {
    for text in ["1.2.3.4", "0.0.0.0", "255.255.255.255", " 10.0.0.1 ", "::ffff:1.2.3.4", "2001:db8::1"] {
        let std_host = match text.trim().parse::<std::net::IpAddr>().unwrap() {
            std::net::IpAddr::V4(v4) => format!("4:{v4}"),
            std::net::IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or_else(|| address_buckets(text).unwrap().host, |v4| format!("4:{v4}")),
        };
        assert_eq!(address_buckets(text).unwrap().host, std_host, "{text}");
    }
    for text in ["01.2.3.4", "1.2.3.04", "00.1.2.3", "256.1.1.1", "1.2.3", "1.2.3.4.5", "1..3.4", "+1.2.3.4", "1.2.3.4a", "", "1.2.3.-4", "١.2.3.4"] {
        assert_eq!(address_buckets(text), None, "{text}");
        assert!(text.parse::<std::net::IpAddr>().is_err(), "{text}");
    }
}
