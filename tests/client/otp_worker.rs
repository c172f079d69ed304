//! Worker mode (`config.otpUrl`): `sendCode` and `verifyCode` through an
//! edgetext worker's `/v1/otp/*` routes, the requests on the wire, how its
//! answers and refusals are read, and a client without an API key.
// Native suites: the wasm layer has its own, in src/wasm/tests.rs.
#![cfg(not(target_arch = "wasm32"))]


use crate::common::*;
use edgetext::client::{Config, VerifyReason};
use edgetext::ErrorCode;

const KEYLESS: &str = r#"{"provider":"relay","otpUrl":"https://otp.example/"}"#;
const TO: &str = "+44 7700 900123";

fn send_code(config: &str, answers: Vec<Answer>) -> (Result<edgetext::client::CodeTicket, edgetext::Error>, Fake) {
    let (c, fake) = client(config, answers);
    (run(c.send_code(&format!(r#"{{"to":"{TO}","serviceName":"Acme"}}"#))), fake)
}

#[test]
fn send_code_goes_to_the_worker_without_a_key() {
    let (t, fake) = send_code(KEYLESS, vec![ok(200, &fixture("otp-worker/send.response.json"))]);
    let t = t.unwrap();
    let req = &fake.requests()[0];
    assert_eq!((req.method.as_str(), req.url.as_str()), ("POST", "https://otp.example/v1/otp/send"));
    assert_eq!(req.body.as_deref(), Some(fixture("otp-worker/send.request.json").as_str()));
    assert_eq!(header(req, "content-type"), Some("application/json"));
    assert_eq!(header(req, "authorization"), None, "no key goes to the worker");
    assert_eq!(
        js(&t),
        r#"{"provider":"relay","to":"+447700900123","mode":"worker","expiresAt":"2026-01-01T00:10:00.000Z","token":null}"#
    );
}

#[test]
fn verify_code_goes_to_the_worker() {
    let (c, fake) = client(
        KEYLESS,
        vec![ok(200, &fixture("otp-worker/verify-valid.response.json")), ok(200, &fixture("otp-worker/verify-too-many.response.json"))],
    );
    let v = run(c.verify_code(&format!(r#"{{"to":"{TO}","code":" 012345 "}}"#))).unwrap();
    assert_eq!(fake.requests()[0].url, "https://otp.example/v1/otp/verify");
    assert_eq!(fake.last_body(), fixture("otp-worker/verify.request.json"));
    assert_eq!((v.valid, &v.reason), (true, &None));
    // The worker's proof comes back, for the app's server to check with verifyOtpAssertion.
    let proof = "a1.AAABm3baqAABAgMEBQYHCAkKCwwNDg8QKzQ0NzcwMDkwMDEyMw.y-Tk52QvwseekZOYo6wo_enfhc1IlaqybuxCIAa67KI";
    assert!(fixture("otp-worker/verify-valid.response.json").contains(proof));
    assert_eq!(v.assertion.as_deref(), Some(proof));
    assert!(js(&v).ends_with(&format!(r#""assertion":"{proof}"}}"#)), "{}", js(&v));
    let v = run(c.verify_code(&format!(r#"{{"to":"{TO}","code":"012345"}}"#))).unwrap();
    assert_eq!((v.valid, v.reason.as_ref().map(VerifyReason::as_str)), (false, Some("too_many_attempts")));
    assert_eq!(v.assertion, None);
    assert_eq!(js(&v), r#"{"valid":false,"reason":"too_many_attempts","assertion":null}"#);
}

/// Issue 21 item 6: the worker answers a browser one reason for every code
/// that is not valid; the client reads it as the typed `Invalid`.
#[test]
fn the_workers_one_reason_for_a_browser_is_read_as_invalid() {
    let (c, _) = client(KEYLESS, vec![ok(200, &fixture("otp-worker/verify-invalid.response.json"))]);
    let v = run(c.verify_code(&format!(r#"{{"to":"{TO}","code":"012345"}}"#))).unwrap();
    assert_eq!((v.valid, v.reason.as_ref()), (false, Some(&VerifyReason::Invalid)));
    assert_eq!(v.reason.as_ref().map(VerifyReason::as_str), Some("invalid"));
}

#[test]
fn bad_input_never_reaches_the_worker() {
    let (c, fake) = client(KEYLESS, vec![]);
    let e = run(c.send_code(&format!(r#"{{"to":"{TO}","serviceName":"Acme","length":8}}"#))).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(e.message.contains("request.length is not a field for sendCode through the worker"), "{}", e.message);
    assert_eq!(run(c.send_code(r#"{"to":"020 7946 0958"}"#)).unwrap_err().code, ErrorCode::InvalidPhone);
    assert_eq!(run(c.send_code(r#"{"serviceName":"Acme"}"#)).unwrap_err().code, ErrorCode::InvalidInput);
    let e = run(c.verify_code(&format!(r#"{{"to":"{TO}","code":"1234","token":"v1.x.y"}}"#))).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert_eq!(run(c.verify_code(&format!(r#"{{"to":"{TO}","code":1234}}"#))).unwrap_err().code, ErrorCode::InvalidInput);
    assert!(fake.requests().is_empty());
}

#[test]
fn a_keyless_client_refuses_every_provider_operation_naming_api_key() {
    let (c, fake) = client(KEYLESS, vec![]);
    for e in [
        run(c.send(r#"{"to":"+447700900123","text":"hi"}"#)).unwrap_err(),
        run(c.status("msg_1")).unwrap_err(),
        run(c.health()).unwrap_err(),
    ] {
        assert_eq!(e.code, ErrorCode::InvalidConfig, "{}", e.message);
        assert!(e.message.starts_with("config.apiKey is required for "), "{}", e.message);
        assert!(e.message.contains("config.otpUrl"), "{}", e.message);
    }
    assert!(fake.requests().is_empty());
    // Without otpUrl the key is required as before; the relay's own fields may go only when keyless.
    assert_eq!(Config::from_json(r#"{"provider":"relay"}"#).unwrap_err().message, "config.apiKey is required");
    assert!(Config::from_json(r#"{"provider":"teklink","otpUrl":"https://otp.example"}"#).is_ok());
    let e = Config::from_json(r#"{"provider":"relay","apiKey":"k","otpUrl":"https://otp.example"}"#).unwrap_err();
    assert_eq!(e.message, "config.baseUrl is required for relay");
    let e = Config::from_json(r#"{"provider":"relay","otpUrl":"ftp://otp.example"}"#).unwrap_err();
    assert_eq!((e.code, e.message.as_str()), (ErrorCode::InvalidConfig, "config.otpUrl must be an http(s) URL"));
    let e = Config::from_json(r#"{"provider":"relay","otpUrl":"https://otp.example","otp":{"secret":"0123456789abcdef0123456789abcdef"}}"#).unwrap_err();
    assert!(e.message.contains("not both"), "{}", e.message);
    let e = Config::from_json(r#"{"provider":"relay","otpUrl":"https://otp.example","bogus":1}"#).unwrap_err();
    assert_eq!(e.message, "config.bogus is not a field");
}

#[test]
fn with_a_key_too_codes_go_to_the_worker_and_sends_to_the_provider() {
    let cfg = r#"{"provider":"relay","apiKey":"relay-key-1","baseUrl":"https://relay.example","phoneId":"p1","otpUrl":"https://otp.example"}"#;
    let (c, fake) = client(cfg, vec![ok(200, &fixture("otp-worker/send.response.json")), ok(200, &fixture("relay/send.response.json"))]);
    run(c.send_code(&format!(r#"{{"to":"{TO}"}}"#))).unwrap();
    run(c.send(r#"{"to":"+447700900123","text":"hi"}"#)).unwrap();
    let reqs = fake.requests();
    assert_eq!(reqs[0].url, "https://otp.example/v1/otp/send");
    assert_eq!(header(&reqs[0], "authorization"), None, "the provider key never goes to the worker");
    assert!(reqs[1].url.starts_with("https://relay.example/"));
}

#[test]
fn a_long_limit_is_rate_limited_with_retry_after_and_not_waited_for() {
    let (t, fake) = send_code(KEYLESS, vec![with_header(429, "Retry-After", "1800", &fixture("otp-worker/limited.response.json"))]);
    let e = t.unwrap_err();
    assert_eq!((e.code, e.retryable, e.retry_after_seconds, e.http_status), (ErrorCode::RateLimited, true, Some(1800), Some(429)));
    assert!(e.message.contains("5 codes in the last 3600 s"), "{}", e.message);
    assert_eq!(fake.requests().len(), 1);
    assert!(fake.slept.borrow().is_empty());
    // Without the header, the JSON retryAfter counts.
    let (t, _) = send_code(KEYLESS, vec![ok(429, &fixture("otp-worker/limited.response.json"))]);
    assert_eq!(t.unwrap_err().retry_after_seconds, Some(1800));
}

#[test]
fn a_short_limit_is_waited_for_then_sent_again() {
    let (t, fake) = send_code(
        KEYLESS,
        vec![
            with_header(429, "Retry-After", "2", r#"{"ok":false,"error":"rate_limited","retryAfter":2}"#),
            ok(200, &fixture("otp-worker/send.response.json")),
        ],
    );
    assert_eq!(t.unwrap().mode.as_str(), "worker");
    assert_eq!(fake.requests().len(), 2);
    assert_eq!(*fake.slept.borrow(), vec![2000]);
}

#[test]
fn a_refused_country_has_its_own_code() {
    let (t, fake) = send_code(KEYLESS, vec![ok(403, &fixture("otp-worker/country.response.json"))]);
    let e = t.unwrap_err();
    assert_eq!((e.code, e.http_status, e.retryable), (ErrorCode::CountryNotAllowed, Some(403), false));
    assert_eq!(e.code.as_str(), "country_not_allowed");
    assert!(e.message.contains("OTP_ALLOWED_COUNTRIES"), "{}", e.message);
    assert_eq!(fake.requests().len(), 1);
}

#[test]
fn a_provider_failure_behind_the_worker_keeps_its_code_and_is_not_resent() {
    let (t, fake) = send_code(KEYLESS, vec![ok(502, &fixture("otp-worker/provider-failed.response.json"))]);
    let e = t.unwrap_err();
    assert_eq!((e.code, e.http_status, e.retryable), (ErrorCode::ProviderUnavailable, Some(502), true));
    assert_eq!(fake.requests().len(), 1);
    // A 5xx that is not the worker's own answer (a proxy in front): the code may have gone out.
    let (t, fake) = send_code(KEYLESS, vec![ok(502, "<html>Bad gateway</html>")]);
    assert_eq!(t.unwrap_err().code, ErrorCode::OutcomeUnknown);
    assert_eq!(fake.requests().len(), 1);
    // No OTP routes there at all.
    let (t, _) = send_code(KEYLESS, vec![ok(404, r#"{"ok":false,"error":"not found"}"#)]);
    assert_eq!(t.unwrap_err().code, ErrorCode::Unsupported);
    // Success without the expiry is not a ticket.
    let (t, _) = send_code(KEYLESS, vec![ok(200, r#"{"ok":true}"#)]);
    assert_eq!(t.unwrap_err().code, ErrorCode::OutcomeUnknown);
}

#[test]
fn every_error_code_parses_back() {
    for c in ["invalid_config", "invalid_input", "invalid_phone", "unauthorized", "rate_limited", "provider_rejected",
        "provider_unavailable", "outcome_unknown", "network", "timeout", "unsupported", "country_not_allowed"]
    {
        assert_eq!(ErrorCode::parse(c).map(ErrorCode::as_str), Some(c));
    }
    assert_eq!(ErrorCode::parse("otp_not_configured"), None);
}

/// The worker sends its codes with `start_text`: the same request as a
/// `send` of `{ to, text }` for each provider that can send them.
#[test]
fn start_text_is_a_send_of_to_and_text() {
    let configs = [
        r#"{"provider":"textlink","apiKey":"tl-key"}"#,
        r#"{"provider":"teklink","apiKey":"tek-key","channelId":"chan-1"}"#,
        r#"{"provider":"relay","apiKey":"relay-key","baseUrl":"http://127.0.0.1:5110","phoneId":"phone_main"}"#,
    ];
    for config in configs {
        let (by_text, _) = client(config, vec![]);
        let call = by_text.start_text("+12025550123".into(), "Your code is 123456".into()).unwrap();
        let (by_send, fake) = client(config, vec![ok(200, "{}")]);
        let _ = run(by_send.send(r#"{"to":"+12025550123","text":"Your code is 123456"}"#));
        assert_eq!(call.request(), &fake.requests()[0], "{config}");
    }
    let (relay, _) = client(configs[2], vec![]);
    let e = relay.start_text(String::new(), "hi".into()).map(drop).unwrap_err();
    let (by_send, _) = client(configs[2], vec![]);
    assert_eq!(e, run(by_send.send(r#"{"to":"","text":"hi"}"#)).unwrap_err());
    // The answer is read as a send's: taken, or the same error.
    let taken = r#"{"success":true,"message_id":"msg_7","status":"queued","idempotency_key":"k"}"#;
    let refused = r#"{"success":false,"error":"invalid_phone","message":"no such number"}"#;
    for answer in [ok(200, taken), ok(400, refused), ok(401, "{}")] {
        let (relay, fake) = client(configs[2], vec![]);
        let mut call = relay.start_text("+12025550123".into(), "Your code is 123456".into()).unwrap();
        call.feed(answer.clone(), 0, &fake);
        let (by_send, _) = client(configs[2], vec![answer]);
        let sent = run(by_send.send(r#"{"to":"+12025550123","text":"Your code is 123456"}"#));
        assert_eq!(call.into_result().unwrap(), sent.map(drop));
    }
}
