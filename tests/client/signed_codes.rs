//! One-time codes signed by the SDK, through a real send.
// Native suites: the wasm layer has its own, in src/wasm/tests.rs.
#![cfg(not(target_arch = "wasm32"))]

use crate::common::*;
use edgetext::ErrorCode;

const SECRET: &str = "0123456789abcdef0123456789abcdef-test";
fn relay_cfg(secret: &str) -> String {
    format!(r#"{{"provider":"relay","apiKey":"k","baseUrl":"http://127.0.0.1:5110","phoneId":"phone_main","otp":{{"secret":"{secret}","ttlSeconds":120,"template":"{{service}} code {{code}} ({{minutes}} min)"}}}}"#)
}

/// Sends a code and digs it out of the text that went over the wire.
fn send_code(cfg: &str) -> (TestClient, Fake, edgetext::client::CodeTicket, String) {
    let (c, fake) = client(cfg, vec![ok(202, r#"{"success":true,"message_id":"msg_1","status":"queued"}"#)]);
    with_store(&fake);
    let t = run(c.send_code(r#"{"to":"+1 555 123 4567","serviceName":"Acme","length":8}"#)).unwrap();
    let body = fake.last_body();
    let start = body.find("Acme code ").unwrap() + "Acme code ".len();
    let code = body[start..start + 8].to_string();
    assert!(body.contains(&format!("Acme code {code} (2 min)")), "{body}");
    (c, fake, t, code)
}

fn verify(c: &TestClient, to: &str, code: &str, token: &str) -> (bool, Option<String>) {
    let v = run(c.verify_code(&format!(r#"{{"to":"{to}","code":"{code}","token":"{token}"}}"#))).unwrap();
    (v.valid, v.reason.as_ref().map(|r| r.as_str().to_string()))
}

fn with_store(fake: &Fake) {
    *fake.store.borrow_mut() = Some(Default::default());
}

#[test]
fn a_signed_code_round_trips_and_never_leaks() {
    let (c, _fake, t, code) = send_code(&relay_cfg(SECRET));
    assert_eq!((t.mode.as_str(), t.to.as_str(), t.expires_at_ms), ("signed", "+15551234567", NOW + 120_000));
    let token = t.token.clone().unwrap();
    assert!(!token.contains(&code));
    assert!(!js(&t).contains(&code));
    assert_eq!(verify(&c, "(555) 123-4567".replace("(", "+1 (").as_str(), &code, &token), (true, None));
}

#[test]
fn a_verified_token_is_spent_and_replays_are_refused() {
    let (c, fake, t, code) = send_code(&relay_cfg(SECRET));
    let token = t.token.unwrap();
    assert_eq!(verify(&c, "+15551234567", &code, &token), (true, None));
    for _ in 0..3 {
        assert_eq!(verify(&c, "+15551234567", &code, &token), (false, Some("spent".into())));
    }
    // Two counts, each kept as long as the token lives (120 s): 4 checks, 4 claims of the right code.
    let store = fake.store.borrow();
    let mut entries: Vec<_> = store.as_ref().unwrap().iter().map(|(k, v)| (k.ends_with(":claims"), *v)).collect();
    entries.sort();
    assert_eq!(entries, vec![(false, (4, 120)), (true, (4, 120))]);
    assert!(!store.as_ref().unwrap().keys().any(|k| k.contains(&code) || token.contains(k.trim_start_matches("edgetext-otp:").trim_end_matches(":claims"))));
}

#[test]
fn five_checks_per_token_then_even_the_right_code_is_refused() {
    let (c, _fake, t, code) = send_code(&relay_cfg(SECRET));
    let token = t.token.unwrap();
    let wrong = if code.starts_with('1') { code.replacen('1', "2", 1) } else { format!("1{}", &code[1..]) };
    for _ in 0..5 {
        assert_eq!(verify(&c, "+15551234567", &wrong, &token), (false, Some("mismatch".into())));
    }
    assert_eq!(verify(&c, "+15551234567", &code, &token), (false, Some("too_many_attempts".into())));
    // A second token for the same number has its own budget.
    let (c2, fake2) = client(&relay_cfg(SECRET), vec![ok(202, r#"{"success":true,"message_id":"msg_2","status":"queued"}"#)]);
    *fake2.store.borrow_mut() = Some(Default::default());
    let t2 = run(c2.send_code(r#"{"to":"+1 555 123 4567","serviceName":"Acme","length":8}"#)).unwrap();
    assert_eq!(verify(&c2, "+15551234567", &wrong, &t2.token.unwrap()), (false, Some("mismatch".into())));
}

#[test]
fn signed_verification_needs_a_store() {
    let (c, fake, t, code) = send_code(&relay_cfg(SECRET));
    *fake.store.borrow_mut() = None;
    let e = run(c.verify_code(&format!(r#"{{"to":"+15551234567","code":"{code}","token":"{}"}}"#, t.token.unwrap()))).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidConfig);
    assert!(e.message.contains("config.otp.store"), "{}", e.message);
}

#[test]
fn wrong_expired_other_number_tampered_and_other_secret_are_refused() {
    let (c, fake, t, code) = send_code(&relay_cfg(SECRET));
    let token = t.token.unwrap();
    let wrong = if code.starts_with('1') { code.replacen('1', "2", 1) } else { format!("1{}", &code[1..]) };
    assert_eq!(verify(&c, "+15551234567", &wrong, &token), (false, Some("mismatch".into())));
    assert_eq!(verify(&c, "+15551234568", &code, &token), (false, Some("mismatch".into())));
    let mut tampered = token.clone().into_bytes();
    let i = tampered.len() / 2;
    tampered[i] = if tampered[i] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    assert!(!verify(&c, "+15551234567", &code, &tampered).0, "{token} -> {tampered}");
    assert_eq!(verify(&c, "+15551234567", &code, "garbage"), (false, Some("malformed_token".into())));
    let v = run(c.verify_code(r#"{"to":"+15551234567","code":"12345678"}"#)).unwrap();
    assert_eq!(v.reason.as_ref().map(edgetext::client::VerifyReason::as_str), Some("malformed_token"));

    let (other, other_fake) = client(&relay_cfg("another-secret-of-at-least-32-bytes!!"), vec![]);
    with_store(&other_fake);
    assert_eq!(verify(&other, "+15551234567", &code, &token), (false, Some("mismatch".into())));

    fake.now.set(NOW + 120_000);
    assert_eq!(verify(&c, "+15551234567", &code, &token), (false, Some("expired".into())));
}

#[test]
fn signed_codes_need_a_secret_and_valid_input_before_anything_is_sent() {
    let (c, fake) = client(r#"{"provider":"relay","apiKey":"k","baseUrl":"http://x","phoneId":"p"}"#, vec![]);
    assert_eq!(run(c.send_code(r#"{"to":"+15551234567","serviceName":"Acme"}"#)).unwrap_err().code, ErrorCode::InvalidConfig);
    let (c, _) = client(&relay_cfg(SECRET), vec![]);
    for req in [
        r#"{"to":"+15551234567"}"#,
        r#"{"to":"+15551234567","serviceName":"A","length":3}"#,
        r#"{"to":"+15551234567","serviceName":"A","length":11}"#,
        r#"{"to":"+15551234567","serviceName":"A","customId":"x"}"#,
        r#"{"to":"555","serviceName":"A"}"#,
    ] {
        let e = run(c.send_code(req)).unwrap_err();
        assert!(matches!(e.code, ErrorCode::InvalidInput | ErrorCode::InvalidPhone), "{req}");
    }
    assert!(fake.requests().is_empty());
}

#[test]
fn klink_and_teklink_sign_codes_for_their_own_recipients() {
    let cfg = format!(r#"{{"provider":"klink","apiKey":"k","otp":{{"secret":"{SECRET}"}}}}"#);
    let (c, fake) = client(&cfg, vec![ok(200, r#"{"status":200,"message":"ok","data":{"id":"m"}}"#)]);
    with_store(&fake);
    let t = run(c.send_code(r#"{"contactId":"81d8f399-e4d3-4fd4-a8ec-61bb3c3dc8c4","serviceName":"Acme"}"#)).unwrap();
    let body = fake.last_body();
    assert!(body.contains("Your Acme code is "), "{body}");
    let code: String = body.split("code is ").nth(1).unwrap().chars().take(6).collect();
    let v = run(c.verify_code(&format!(r#"{{"contactId":"81d8f399-e4d3-4fd4-a8ec-61bb3c3dc8c4","code":"{code}","token":"{}"}}"#, t.token.unwrap()))).unwrap();
    assert!(v.valid);

    let cfg = format!(r#"{{"provider":"teklink","apiKey":"k","channelId":"c","otp":{{"secret":"{SECRET}"}}}}"#);
    let (c, fake) = client(&cfg, vec![ok(201, r#"{"success":true,"message":"Message sent","data":[]}"#)]);
    with_store(&fake);
    let t = run(c.send_code(r#"{"to":"+1 212 555 1212","serviceName":"Acme"}"#)).unwrap();
    assert_eq!(t.to, "2125551212");
    let body = fake.last_body();
    let code: String = body.split("code is ").nth(1).unwrap().chars().take(6).collect();
    let v = run(c.verify_code(&format!(r#"{{"to":"212-555-1212","code":"{code}","token":"{}"}}"#, t.token.unwrap()))).unwrap();
    assert!(v.valid);
}

/// The store's rule on its own: every check goes through the store's atomic
/// increment, so its answers follow from the counts alone.
mod rule {
    use edgetext::client::{sign_code, TokenCheck, TokenStep, VerifyReason};
    use std::collections::HashMap;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";
    const TO: &str = "+15551234567";

    /// Runs a check against `store` (counts by key), returning its reason and the keys it incremented.
    fn run_check(store: &mut HashMap<String, u64>, code: &str, token: &str, now: u64) -> (Option<&'static str>, Vec<String>) {
        let mut check = TokenCheck::new(KEY, TO, code, token, now);
        let mut touched = Vec::new();
        loop {
            match check.step() {
                TokenStep::Incr { key, ttl_seconds } => {
                    assert!(ttl_seconds >= 60);
                    touched.push(key.to_string());
                    let n = store.entry(key.to_string()).or_default();
                    *n += 1;
                    let n = *n;
                    check.feed(n);
                }
                TokenStep::Done(v) => {
                    assert_eq!(v.valid, v.reason.is_none());
                    let reason = v.reason.as_ref().map(|r| match r {
                        VerifyReason::Mismatch => "mismatch",
                        VerifyReason::Expired => "expired",
                        VerifyReason::MalformedToken => "malformed_token",
                        VerifyReason::Spent => "spent",
                        VerifyReason::TooManyAttempts => "too_many_attempts",
                        other => panic!("{other:?}"),
                    });
                    return (reason, touched);
                }
            }
        }
    }

    #[test]
    fn five_counted_checks_then_too_many_even_with_the_right_code() {
        let token = sign_code(KEY, TO, "123456", 600_000, &[1; 16]);
        let mut store = HashMap::new();
        for _ in 0..5 {
            assert_eq!(run_check(&mut store, "000000", &token, 0).0, Some("mismatch"));
        }
        let (reason, touched) = run_check(&mut store, "123456", &token, 0);
        assert_eq!(reason, Some("too_many_attempts"));
        assert_eq!(touched.len(), 1, "the right code past the limit never claims the token");
        assert_eq!(store.values().copied().collect::<Vec<_>>(), vec![6]);
    }

    #[test]
    fn the_first_claim_verifies_and_every_later_one_is_spent() {
        let token = sign_code(KEY, TO, "123456", 600_000, &[2; 16]);
        let mut store = HashMap::new();
        let (reason, touched) = run_check(&mut store, "123456", &token, 0);
        assert_eq!(reason, None);
        assert_eq!(touched.len(), 2);
        assert!(touched[1].ends_with(":claims") && touched[1].starts_with(&touched[0]));
        assert_eq!(run_check(&mut store, "123456", &token, 0).0, Some("spent"));
        assert_eq!(run_check(&mut store, "000000", &token, 0).0, Some("mismatch"));
    }

    #[test]
    fn a_malformed_or_expired_token_is_answered_without_the_store() {
        let token = sign_code(KEY, TO, "123456", 600_000, &[3; 16]);
        let mut store = HashMap::new();
        assert_eq!(run_check(&mut store, "123456", "v1.nope.nope", 0), (Some("malformed_token"), vec![]));
        // The right code too late: it can never verify, whatever the store holds.
        assert_eq!(run_check(&mut store, "123456", &token, 600_000), (Some("expired"), vec![]));
        assert!(store.is_empty());
        // A wrong code on an expired token says nothing about the expiry, and is counted.
        assert_eq!(run_check(&mut store, "654321", &token, 600_000).0, Some("mismatch"));
        assert_eq!(store.len(), 1);
    }

    #[test]
    fn a_check_told_the_token_is_used_up_asks_nothing() {
        let token = sign_code(KEY, TO, "123456", 600_000, &[4; 16]);
        let mut check = TokenCheck::new(KEY, TO, "123456", &token, 0);
        assert!(check.token_key().is_some() && !check.exhausted());
        check.known_exhausted();
        assert!(check.exhausted() && check.token_key().is_none());
        assert_eq!(check.into_verification().and_then(|v| v.reason), Some(VerifyReason::TooManyAttempts));
    }
}
