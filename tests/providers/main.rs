//! Every provider operation on the wire, byte for byte, and back: one
//! module per provider; here, what every provider shares (retries, errors,
//! the 2xx body that says no, configuration).
// Native suites: the wasm layer has its own, in src/wasm/tests.rs.
#![cfg(not(target_arch = "wasm32"))]

#[path = "../common/mod.rs"]
mod common;
mod klink;
mod relay;
mod teklink;
mod textlink;

use common::*;
use edgetext::{ErrorCode, TransportError};

const TEXTLINK: &str = r#"{"provider":"textlink","apiKey":"tl-secret-key"}"#;
const RELAY: &str = r#"{"provider":"relay","apiKey":"relay-secret-key","baseUrl":"http://127.0.0.1:5110/","phoneId":"phone_main"}"#;
const KLINK: &str = r#"{"provider":"klink","apiKey":"kpt_secret"}"#;
const TEKLINK: &str = r#"{"provider":"teklink","apiKey":"tek-secret-token","channelId":"chan-42"}"#;

#[test]
fn a_request_that_never_left_is_retried_even_for_textlink() {
    let (c, fake) = client(TEXTLINK, vec![Err(TransportError::NotSent("ECONNREFUSED".into())), ok(200, r#"{"ok":true}"#)]);
    run(c.send(r#"{"to":"+12125551212","text":"hi"}"#)).unwrap();
    assert_eq!(fake.requests().len(), 2);
    let (c, _) = client(TEXTLINK, vec![Err(TransportError::NotSent("ECONNREFUSED".into())); 3]);
    let e = run(c.send(r#"{"to":"+12125551212","text":"hi"}"#)).unwrap_err();
    assert_eq!(e.code, ErrorCode::Network);
}

#[test]
fn rate_limits_honour_retry_after() {
    let (c, fake) = client(TEXTLINK, vec![with_header(429, "Retry-After", "2", r#"{"ok":false,"message":"slow down"}"#), ok(200, r#"{"ok":true}"#)]);
    run(c.send(r#"{"to":"+12125551212","text":"hi"}"#)).unwrap();
    assert_eq!(*fake.slept.borrow(), vec![2000]);
    assert_eq!(fake.requests().len(), 2);
    assert_eq!(fake.requests()[0].body, fake.requests()[1].body, "the retry is the same request");

    // An HTTP-date Retry-After, 5 s ahead of the fake clock.
    let (c, fake) = client(TEXTLINK, vec![with_header(429, "retry-after", "Thu, 01 Jan 2026 00:00:05 GMT", ""), ok(200, r#"{"ok":true}"#)]);
    run(c.send(r#"{"to":"+12125551212","text":"hi"}"#)).unwrap();
    assert_eq!(*fake.slept.borrow(), vec![5000]);

    // Too long to wait: handed back to the caller.
    let (c, fake) = client(TEXTLINK, vec![with_header(429, "Retry-After", "3600", r#"{"ok":false,"message":"daily cap"}"#)]);
    let e = run(c.send(r#"{"to":"+12125551212","text":"hi"}"#)).unwrap_err();
    assert_eq!((e.code, e.retryable, e.retry_after_seconds), (ErrorCode::RateLimited, true, Some(3600)));
    assert_eq!(e.provider_message.as_deref(), Some("daily cap"));
    assert!(fake.slept.borrow().is_empty());

    // Without Retry-After: exponential backoff, then give up after maxRetries.
    let (c, fake) = client(TEXTLINK, vec![ok(429, ""), ok(429, ""), ok(429, "")]);
    let e = run(c.send(r#"{"to":"+12125551212","text":"hi"}"#)).unwrap_err();
    assert_eq!(e.code, ErrorCode::RateLimited);
    let slept = fake.slept.borrow().clone();
    assert_eq!(slept.len(), 2);
    assert!((125..=250).contains(&slept[0]) && (250..=500).contains(&slept[1]), "{slept:?}");
}

#[test]
fn errors_never_carry_the_api_key() {
    let (c, _) = client(TEXTLINK, vec![ok(401, r#"{"ok":false,"message":"bad key tl-secret-key"}"#)]);
    let e = run(c.send(r#"{"to":"+12125551212","text":"hi"}"#)).unwrap_err();
    assert_eq!(e.code, ErrorCode::Unauthorized);
    assert!(!format!("{e:?}").contains("tl-secret-key"), "{e:?}");
    assert_eq!(e.provider_message.as_deref(), Some("bad key [redacted]"));
    let (c, _) = client(TEXTLINK, vec![ok(200, r#"{"ok":true,"echo":"tl-secret-key"}"#)]);
    let r = run(c.send(r#"{"to":"+12125551212","text":"hi"}"#)).unwrap();
    assert!(!r.raw.as_str().contains("tl-secret-key"));
    assert!(!format!("{:?}", c.config()).contains("tl-secret-key"));
}

#[test]
fn provider_says_no_in_a_2xx_body() {
    let (c, _) = client(TEXTLINK, vec![ok(200, r#"{"ok":false,"message":"Insufficient credits"}"#)]);
    let e = run(c.send(r#"{"to":"+12125551212","text":"hi"}"#)).unwrap_err();
    assert_eq!(e.code, ErrorCode::ProviderRejected);
    assert_eq!(e.provider_message.as_deref(), Some("Insufficient credits"));
    let (c, _) = client(TEXTLINK, vec![ok(400, r#"{"ok":false,"message":"Invalid phone"}"#)]);
    let e = run(c.send(r#"{"to":"+12125551212","text":"hi"}"#)).unwrap_err();
    assert_eq!((e.code, e.http_status), (ErrorCode::ProviderRejected, Some(400)));
    let (c, _) = client(TEXTLINK, vec![ok(200, "<html>")]);
    assert_eq!(run(c.send(r#"{"to":"+12125551212","text":"hi"}"#)).unwrap_err().code, ErrorCode::OutcomeUnknown);
}

#[test]
fn status_without_an_endpoint_needs_a_worker() {
    let (c, fake) = client(TEXTLINK, vec![]);
    let e = run(c.status("abc")).unwrap_err();
    assert_eq!(e.code, ErrorCode::Unsupported);
    assert!(e.message.contains("statusUrl"));
    assert!(fake.requests().is_empty());

    let cfg = r#"{"provider":"klink","apiKey":"kpt_secret","statusUrl":"https://hooks.example.com/","statusToken":"worker-token"}"#;
    let body = r#"{"id":"m1","provider":"klink","status":"delivered","error":null,"createdAt":"2026-01-01T00:00:00.000Z","deliveredAt":"2026-01-01T00:00:04.000Z","raw":{}}"#;
    let (c, fake) = client(cfg, vec![ok(200, body)]);
    let s = run(c.status("m1")).unwrap();
    let req = &fake.requests()[0];
    assert_eq!(req.url, "https://hooks.example.com/v1/status/klink/m1");
    assert_eq!(req.header("authorization"), Some("Bearer worker-token"), "the worker's token, never the provider key");
    assert_eq!((s.status.as_str(), s.delivered_at.as_deref()), ("delivered", Some("2026-01-01T00:00:04.000Z")));
}

#[test]
fn config_errors_name_the_field() {
    let cases = [
        ("null", "config must be an object"),
        (r#"{}"#, "config.provider is required"),
        (r#"{"provider":"twilio","apiKey":"k"}"#, "config.provider: unknown variant `twilio`, expected one of `textlink`"),
        (r#"{"provider":"textlink"}"#, "config.apiKey is required"),
        (r#"{"provider":"relay","apiKey":"k","phoneId":"p"}"#, "config.baseUrl is required for relay"),
        (r#"{"provider":"relay","apiKey":"k","baseUrl":"http://x"}"#, "config.phoneId is required"),
        (r#"{"provider":"textlink","apiKey":"k","baseUrl":"ftp://x"}"#, "config.baseUrl must be an http(s) URL"),
        // A path is resolved against a page's location in JavaScript; here there is none.
        (r#"{"provider":"textlink","apiKey":"k","baseUrl":"/proxy/textlink"}"#, "config.baseUrl must be a full http(s) URL here: a path such as /proxy/textlink is resolved against the page's location only where there is one"),
        (r#"{"provider":"relay","otpUrl":"/otp"}"#, "config.otpUrl must be a full http(s) URL here"),
        (r#"{"provider":"textlink","apiKey":"k","statusUrl":"/hooks"}"#, "config.statusUrl must be a full http(s) URL here"),
        (r#"{"provider":"textlink","apiKey":"k","timeoutMs":"fast"}"#, "config.timeoutMs: invalid type: string \"fast\", expected a whole number"),
        (r#"{"provider":"textlink","apiKey":"k","channelId":"c"}"#, "config.channelId is not a field for textlink"),
        (r#"{"provider":"klink","apiKey":"k","otp":{"secret":"short"}}"#, "32 bytes"),
        (r#"{"provider":"klink","apiKey":"k","otp":{"secret":"0123456789abcdef0123456789abcdef","template":"no code"}}"#, "{code}"),
        (r#"{"provider":"teklink","apiKey":"k","channelId":"c","auth":"query"}"#, "config.auth"),
        (r#"{"provider":"relay","apiKey":"k","baseUrl":"http://x","phoneId":"p","channel":"fax"}"#, "config.channel: unknown variant `fax`"),
        (r#"{"provider":"textlink","apiKey":"k","otp":"x"}"#, r#"config.otp: invalid type: string "x", expected struct OtpSettings"#),
        (r#"{"provider":"textlink","apiKey":"k","otp":{}}"#, "config.otp.secret is required"),
        (r#"{"provider":"textlink","apiKey":"k","otp":{"secret":"0123456789abcdef0123456789abcdef","colour":1}}"#, "config.otp.colour is not a field"),
        (r#"{"provider":"textlink","apiKey":"k","otp":{"secret":"0123456789abcdef0123456789abcdef","length":true}}"#, "config.otp.length: invalid type: boolean `true`, expected a whole number"),
        (r#"{"apiKey":"k","timeoutMs":-1}"#, "config.timeoutMs: invalid value: integer `-1`, expected a whole number"),
        (r#"{"provider":"textlink","apiKey":7}"#, "config.apiKey: invalid type: integer `7`, expected a string"),
        (r#"{"provider":"textlink","apiKey":"k","otp":7}"#, "config.otp: invalid type: integer `7`, expected struct OtpSettings"),
    ];
    for (cfg, want) in cases {
        let e = edgetext::client::Config::from_json(cfg).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidConfig, "{cfg}");
        assert!(e.message.contains(want), "{cfg}: {}", e.message);
    }
    let e = edgetext::client::Config::from_json(r#"{"provider":"textlink","apiKey":"k","bogus":1}"#).unwrap_err();
    assert!(!e.message.contains("\"k\""));
}
