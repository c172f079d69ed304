//! Failover: the decision on every error code, and sends through scripted
//! providers where the first one fails each way it can.
#![cfg(not(target_arch = "wasm32"))]

use crate::common::*;
use edgetext::client::{may_fail_over, Client, Config, Failover, FailoverMessage};
use edgetext::providers::ProviderKind;
use edgetext::{ErrorCode, TransportError};
use std::rc::Rc;

const TEXTLINK: &str = r#"{"provider":"textlink","apiKey":"tl-secret-key","maxRetries":2}"#;
const TEKLINK: &str = r#"{"provider":"teklink","apiKey":"tek-secret-token","channelId":"chan-42"}"#;
const RELAY: &str = r#"{"provider":"relay","apiKey":"relay-secret-key","baseUrl":"http://127.0.0.1:5110","phoneId":"phone_main"}"#;
const KLINK: &str = r#"{"provider":"klink","apiKey":"kpt_secret"}"#;
const RELAY_OK: &str = r#"{"success":true,"message_id":"msg_7","status":"queued","idempotency_key":"k"}"#;
const CONTACT: &str = "81d8f399-e4d3-4fd4-a8ec-61bb3c3dc8c4";

/// Every code, with whether a send that failed with it may go to the next provider.
const DECISIONS: [(&str, bool); 15] = [
    ("invalid_config", false),
    ("invalid_input", false),
    ("invalid_phone", true),
    ("unauthorized", true),
    ("rate_limited", true),
    ("provider_rejected", true),
    ("provider_unavailable", true),
    ("outcome_unknown", false),
    ("network", true),
    ("timeout", false),
    ("unsupported", true),
    ("country_not_allowed", false),
    ("number_not_allowed", false),
    ("invalid_assertion", false),
    ("wasm_unavailable", false),
];

#[test]
fn the_decision_on_every_error_code() {
    for (name, next) in DECISIONS {
        let code = ErrorCode::parse(name).unwrap_or_else(|| panic!("{name} is no longer a code"));
        assert_eq!(may_fail_over(code), next, "{name}");
    }
    // The table above lists every code there is: a new one must be decided here too.
    let known: Vec<&str> = DECISIONS.iter().map(|(n, _)| *n).collect();
    let source = include_str!("../../src/core/error.rs");
    let listed = source.matches("=> \"").count();
    assert_eq!(listed, known.len(), "error.rs has {listed} codes, the table {}", known.len());
}

fn failover(configs: &[(&str, Vec<Answer>)]) -> (Failover<Fake>, Vec<Fake>) {
    let mut clients = Vec::new();
    let mut fakes = Vec::new();
    for (config, answers) in configs {
        let fake = Fake::new(answers.clone());
        clients.push(Rc::new(Client::new(Config::from_json(config).unwrap(), fake.clone())));
        fakes.push(fake);
    }
    (Failover::new(clients).unwrap(), fakes)
}

fn message(json: &str) -> FailoverMessage {
    FailoverMessage::from_json(json).unwrap()
}

fn sent(fakes: &[Fake]) -> Vec<usize> {
    fakes.iter().map(|f| f.requests().len()).collect()
}

fn attempts(list: &[edgetext::client::Attempt]) -> Vec<(&'static str, Option<&'static str>)> {
    list.iter().map(|a| (a.provider.as_str(), a.error.map(ErrorCode::as_str))).collect()
}

const HELLO: &str = r#"{"to":"+12125551212","text":"hello"}"#;

#[test]
fn a_503_before_accepting_goes_to_the_next_provider() {
    let (f, fakes) = failover(&[(TEXTLINK, vec![ok(503, r#"{"ok":false}"#)]), (RELAY, vec![ok(202, RELAY_OK)])]);
    let r = run(f.send(&message(HELLO))).unwrap();
    assert_eq!(r.receipt.provider, ProviderKind::Relay);
    assert_eq!(r.receipt.id.as_deref(), Some("msg_7"));
    assert_eq!(attempts(&r.attempts), [("textlink", Some("provider_unavailable")), ("relay", None)]);
    assert_eq!(sent(&fakes), [1, 1]);
    let json = js(&r);
    assert!(json.starts_with(r#"{"provider":"relay","id":"msg_7","status":"queued""#), "{json}");
    assert!(json.ends_with(r#""attempts":[{"provider":"textlink","error":"provider_unavailable"},{"provider":"relay","error":null}]}"#), "{json}");
}

#[test]
fn after_the_request_may_have_arrived_nothing_goes_to_the_next_provider() {
    for (answer, what) in [
        (ok(500, r#"{"ok":false}"#), "a 500"),
        (ok(502, ""), "a 502"),
        (Err(TransportError::Dropped("ECONNRESET".into())), "a dropped connection"),
        (Err(TransportError::Timeout), "a timeout"),
        (ok(200, "<html>"), "a 2xx that is not the documented JSON"),
    ] {
        let (f, fakes) = failover(&[(TEXTLINK, vec![answer]), (RELAY, vec![ok(202, RELAY_OK)])]);
        let e = run(f.send(&message(HELLO))).unwrap_err();
        assert_eq!(e.error.code, ErrorCode::OutcomeUnknown, "{what}: {}", e.error);
        assert_eq!(attempts(&e.attempts), [("textlink", Some("outcome_unknown"))], "{what}");
        assert_eq!(sent(&fakes), [1, 0], "{what}: the second provider received nothing");
    }
}

#[test]
fn unreachable_before_the_request_left_goes_on_after_the_retries() {
    let refused = || Err(TransportError::NotSent("ECONNREFUSED".into()));
    let (f, fakes) = failover(&[(TEXTLINK, vec![refused(), refused(), refused()]), (RELAY, vec![ok(202, RELAY_OK)])]);
    let r = run(f.send(&message(HELLO))).unwrap();
    assert_eq!(attempts(&r.attempts), [("textlink", Some("network")), ("relay", None)]);
    assert_eq!(sent(&fakes), [3, 1]);
}

#[test]
fn rate_limited_past_the_retries_goes_on() {
    let limited = || with_header(429, "retry-after", "1", r#"{"ok":false}"#);
    let (f, fakes) = failover(&[(TEXTLINK, vec![limited(), limited(), limited()]), (RELAY, vec![ok(202, RELAY_OK)])]);
    let r = run(f.send(&message(HELLO))).unwrap();
    assert_eq!(attempts(&r.attempts), [("textlink", Some("rate_limited")), ("relay", None)]);
    assert_eq!(sent(&fakes), [3, 1]);
    // A Retry-After longer than the client waits for: handed on at once.
    let (f, fakes) = failover(&[(TEXTLINK, vec![with_header(429, "retry-after", "3600", "{}")]), (RELAY, vec![ok(202, RELAY_OK)])]);
    run(f.send(&message(HELLO))).unwrap();
    assert_eq!(sent(&fakes), [1, 1]);
}

#[test]
fn a_refusal_goes_on() {
    for (answer, code) in [(ok(401, r#"{"ok":false,"message":"bad key"}"#), "unauthorized"), (ok(400, r#"{"ok":false}"#), "provider_rejected"), (ok(200, r#"{"ok":false}"#), "provider_rejected")] {
        let (f, fakes) = failover(&[(TEXTLINK, vec![answer]), (RELAY, vec![ok(202, RELAY_OK)])]);
        let r = run(f.send(&message(HELLO))).unwrap();
        assert_eq!(attempts(&r.attempts), [("textlink", Some(code)), ("relay", None)]);
        assert_eq!(sent(&fakes), [1, 1]);
    }
}

#[test]
fn a_number_teklink_cannot_address_goes_to_the_relay_without_a_request() {
    let (f, fakes) = failover(&[(TEKLINK, vec![]), (RELAY, vec![ok(202, RELAY_OK)])]);
    let r = run(f.send(&message(r#"{"to":"+44 7911 123456","text":"hello"}"#))).unwrap();
    assert_eq!(attempts(&r.attempts), [("teklink", Some("invalid_phone")), ("relay", None)]);
    assert_eq!(sent(&fakes), [0, 1]);
    assert!(fakes[1].last_body().contains(r#""to":"+447911123456""#), "{}", fakes[1].last_body());
}

#[test]
fn klink_needs_a_contact_id_and_the_others_a_to() {
    let klink_ok = r#"{"success":true,"data":{"id":"k1"}}"#;
    let (f, fakes) = failover(&[(KLINK, vec![]), (RELAY, vec![ok(202, RELAY_OK)])]);
    let r = run(f.send(&message(HELLO))).unwrap();
    assert_eq!(attempts(&r.attempts), [("klink", Some("invalid_phone")), ("relay", None)]);
    assert_eq!(sent(&fakes), [0, 1]);
    let (f, fakes) = failover(&[(TEXTLINK, vec![]), (KLINK, vec![ok(200, klink_ok)])]);
    let r = run(f.send(&message(&format!(r#"{{"contactId":"{CONTACT}","text":"hello"}}"#)))).unwrap();
    assert_eq!(attempts(&r.attempts), [("textlink", Some("invalid_phone")), ("klink", None)]);
    assert_eq!(sent(&fakes), [0, 1]);
}

#[test]
fn a_message_no_provider_can_send_reaches_none() {
    // No text, an empty text, no recipient at all: every provider refuses it
    // locally, so none gets a request, and no provider is to blame.
    for msg in [r#"{"to":"+12125551212"}"#, r#"{"to":"+12125551212","text":""}"#, r#"{"text":"hello"}"#] {
        let (f, fakes) = failover(&[(TEXTLINK, vec![]), (RELAY, vec![ok(202, RELAY_OK)])]);
        let e = run(f.send(&message(msg))).unwrap_err();
        assert_eq!((e.error.code, e.error.provider), (ErrorCode::InvalidInput, None), "{msg}: {}", e.error);
        assert!(e.error.message.starts_with("no provider of this Failover can send this message (textlink: "), "{}", e.error.message);
        assert_eq!(attempts(&e.attempts).len(), 2, "{msg}");
        assert_eq!(sent(&fakes), [0, 0], "{msg}");
    }
    let (f, fakes) = failover(&[(TEXTLINK, vec![]), (RELAY, vec![])]);
    let e = run(f.send(&message(r#"{"to":"+12125551212","text":""}"#))).unwrap_err();
    assert_eq!(attempts(&e.attempts), [("textlink", Some("invalid_input")), ("relay", Some("invalid_input"))]);
    assert!(e.error.message.contains("textlink: message.text must not be empty; relay: message.text must not be empty"), "{}", e.error.message);
    assert_eq!(sent(&fakes), [0, 0]);
    // A number only Teklink could have taken, on a Teklink-only failover.
    let (f, fakes) = failover(&[(TEKLINK, vec![])]);
    let e = run(f.send(&message(r#"{"to":"+44 7911 123456","text":"hello"}"#))).unwrap_err();
    assert_eq!((e.error.code, attempts(&e.attempts)), (ErrorCode::InvalidInput, vec![("teklink", Some("invalid_phone"))]));
    assert_eq!(sent(&fakes), [0]);
    // Every provider failing over: the last error, and every attempt.
    let (f, fakes) = failover(&[(TEXTLINK, vec![ok(503, "{}")]), (RELAY, vec![ok(401, r#"{"success":false}"#)])]);
    let e = run(f.send(&message(HELLO))).unwrap_err();
    assert_eq!(e.error.code, ErrorCode::Unauthorized);
    assert_eq!(attempts(&e.attempts), [("textlink", Some("provider_unavailable")), ("relay", Some("unauthorized"))]);
    assert_eq!(sent(&fakes), [1, 1]);
}

#[test]
fn what_only_one_provider_cannot_take_skips_it_without_a_request() {
    // A template and no text: TextLink needs a text, Teklink takes the template.
    let (f, fakes) = failover(&[(TEXTLINK, vec![]), (TEKLINK, vec![ok(201, r#"{"success":true,"message":"Message sent","data":[]}"#)])]);
    let r = run(f.send(&message(r#"{"to":"+1 212 555 1212","templateId":"1e3fa777-17bf-4400-ba80-81e6ba524734"}"#))).unwrap();
    assert_eq!(attempts(&r.attempts), [("textlink", Some("invalid_input")), ("teklink", None)]);
    assert_eq!(sent(&fakes), [0, 1]);
    assert_eq!(fakes[1].last_body(), r#"{"to_telephone_number":"2125551212","template_id":"1e3fa777-17bf-4400-ba80-81e6ba524734"}"#);
    // An e-mail without its subject: the relay cannot take it; TextLink failing
    // after its request, the error is TextLink's, and the relay got nothing.
    let (f, fakes) = failover(&[(TEXTLINK, vec![ok(503, "{}")]), (RELAY, vec![])]);
    let e = run(f.send(&message(r#"{"to":"+12125551212","text":"hello","channel":"email"}"#))).unwrap_err();
    assert_eq!((e.error.code, e.error.provider), (ErrorCode::ProviderUnavailable, Some("textlink")));
    assert_eq!(attempts(&e.attempts), [("textlink", Some("provider_unavailable")), ("relay", Some("invalid_input"))]);
    assert_eq!(sent(&fakes), [1, 0]);
}

#[test]
fn a_client_that_cannot_send_at_all_stops_the_failover_before_any_request() {
    let keyless = r#"{"provider":"relay","otpUrl":"https://otp.example"}"#;
    let (f, fakes) = failover(&[(TEXTLINK, vec![ok(200, r#"{"ok":true}"#)]), (keyless, vec![])]);
    let e = run(f.send(&message(HELLO))).unwrap_err();
    assert_eq!((e.error.code, e.error.provider), (ErrorCode::InvalidConfig, Some("relay")));
    assert!(e.attempts.is_empty());
    assert_eq!(sent(&fakes), [0, 0]);
}

#[test]
fn each_provider_gets_the_common_fields_and_only_its_own() {
    let m = message(
        r#"{"to":"+12125551212","text":"hello","simCardId":3,"customId":"order-1","fromName":"Acme","forceSend":true,"channel":"sms","source":"shop","idempotencyKey":"key-1","contactId":"81d8f399-e4d3-4fd4-a8ec-61bb3c3dc8c4","messageType":"text"}"#,
    );
    let (f, fakes) = failover(&[
        (TEXTLINK, vec![ok(503, "{}")]),
        (TEKLINK, vec![ok(503, "{}")]),
        (KLINK, vec![ok(503, "{}")]),
        (RELAY, vec![ok(202, RELAY_OK)]),
    ]);
    let r = run(f.send(&m)).unwrap();
    assert_eq!(r.attempts.len(), 4);
    let bodies: Vec<String> = fakes.iter().map(|f| f.last_body()).collect();
    assert_eq!(bodies[0], r#"{"phone_number":"+12125551212","text":"hello","sim_card_id":3,"custom_id":"order-1"}"#);
    assert_eq!(bodies[1], r#"{"to_telephone_number":"2125551212","message_text":"hello","from_name":"Acme","force_send":true}"#);
    assert!(bodies[2].starts_with(&format!(r#"{{"contactId":"{CONTACT}","messageType":"text","message":"hello""#)), "{}", bodies[2]);
    assert_eq!(bodies[3], r#"{"phone_id":"phone_main","channel":"sms","to":"+12125551212","text":"hello","source":"shop","idempotency_key":"key-1"}"#);
}

#[test]
fn a_message_is_read_once_with_every_providers_fields() {
    let e = FailoverMessage::from_json(r#"{"to":"+12125551212","text":"x","colour":"red"}"#).unwrap_err();
    assert_eq!((e.code, e.message.as_str()), (ErrorCode::InvalidInput, "message.colour is not a field"));
    let e = FailoverMessage::from_json(r#"{"to":"+12125551212","text":"x","forceSend":"yes"}"#).unwrap_err();
    assert!(e.message.starts_with("message.forceSend: invalid type"), "{}", e.message);
    let no_clients: Vec<Rc<Client<Fake>>> = vec![];
    assert_eq!(Failover::new(no_clients).err().map(|e| e.code), Some(ErrorCode::InvalidConfig));
}
