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
    // One entry, kept as long as the token lives (120 s).
    let store = fake.store.borrow();
    let entries: Vec<_> = store.as_ref().unwrap().values().cloned().collect();
    assert_eq!(entries, vec![(r#"{"checks":1,"spent":true}"#.to_string(), 120)]);
    assert!(!store.as_ref().unwrap().keys().any(|k| k.contains(&code) || token.contains(k.trim_start_matches("edgetext:otp:"))));
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
