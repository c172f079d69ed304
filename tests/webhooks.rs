//! Every provider's webhooks: good and bad credentials, redeliveries, and
//! malformed or hostile bodies, all through the pure parser.
// Native suites: the wasm layer has its own, in src/wasm/tests.rs.
#![cfg(not(target_arch = "wasm32"))]
// The worker build's API: the client build (--no-default-features) has none of it.
#![cfg(feature = "worker")]

mod common;
use common::fixture;
use edgetext::{hmac_hex, parse_webhook, EventKind, InboundEvent, Rejection, WebhookRequest, WebhookSecrets};

const NOW: u64 = 1_771_700_000_000; // 2026-02-21T18:53:20Z

fn secrets() -> WebhookSecrets {
    WebhookSecrets {
        textlink: Some("tl-hook-secret".into()),
        teklink: Some("tek-path-secret".into()),
        relay: Some("relay-token".into()),
        klink: Some("klink-signing-secret".into()),
    }
}

fn post(provider: &str, path_secret: Option<&str>, hint: Option<&str>, headers: &[(&str, &str)], body: &[u8]) -> Result<Vec<InboundEvent>, Rejection> {
    let headers: Vec<(String, String)> = headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let req = WebhookRequest { provider, path_secret, event_hint: hint, headers: &headers, body };
    parse_webhook(&req, &secrets(), NOW)
}

fn status(r: Result<Vec<InboundEvent>, Rejection>) -> u16 {
    match r {
        Ok(_) => 200,
        Err(e) => e.status,
    }
}

fn klink_post(body: &str) -> Result<Vec<InboundEvent>, Rejection> {
    let sig = hmac_hex(b"klink-signing-secret", body.as_bytes());
    post("klink", None, None, &[("X-Signature", &sig)], body.as_bytes())
}

#[test]
fn textlink_webhooks_of_every_kind() {
    let e = &post("textlink", None, None, &[], fixture("webhooks/textlink-received.json").as_bytes()).unwrap()[0];
    assert_eq!((e.kind.as_str(), e.from.as_deref(), e.text.as_deref()), ("message.received", Some("+11234567890"), Some("Working!")));
    assert_eq!(edgetext::iso8601(e.occurred_at_ms), "2025-05-28T18:02:43.370Z");
    assert!(!e.raw.as_str().contains("tl-hook-secret"), "the secret is never stored");
    assert!(e.to_json().contains(r#""type":"message.received""#));

    let sent = &post("textlink", None, Some("sent"), &[], fixture("webhooks/textlink-sent.json").as_bytes()).unwrap()[0];
    assert_eq!((sent.kind.as_str(), sent.message_id.as_deref(), sent.status, sent.to.as_deref()), ("message.sent", Some("order-42"), Some("sent"), Some("+11234567890")));
    // Without a hint, a sent payload is read as "sent".
    assert_eq!(post("textlink", None, None, &[], fixture("webhooks/textlink-sent.json").as_bytes()).unwrap()[0].kind, EventKind::MessageSent);

    let failed = &post("textlink", None, Some("failed"), &[], fixture("webhooks/textlink-failed.json").as_bytes()).unwrap()[0];
    assert_eq!((failed.kind.as_str(), failed.status, failed.error.as_deref()), ("message.failed", Some("failed"), Some("SIM card has no signal")));
    assert!(failed.status_rank() > sent.status_rank());

    let tag = &post("textlink", None, None, &[], fixture("webhooks/textlink-tag.json").as_bytes()).unwrap()[0];
    assert_eq!((tag.kind.as_str(), tag.tag.as_deref()), ("contact.tag_changed", Some("VIP")));
}

#[test]
fn redeliveries_get_the_same_id_and_different_events_do_not() {
    let body = fixture("webhooks/textlink-received.json");
    let a = post("textlink", None, None, &[], body.as_bytes()).unwrap();
    let b = post("textlink", None, None, &[], body.as_bytes()).unwrap();
    assert_eq!(a[0].id, b[0].id);
    let other = body.replace("Working!", "Working?");
    assert_ne!(post("textlink", None, None, &[], other.as_bytes()).unwrap()[0].id, a[0].id);
    let sent = fixture("webhooks/textlink-sent.json");
    let s1 = post("textlink", None, Some("sent"), &[], sent.as_bytes()).unwrap();
    let f1 = post("textlink", None, Some("failed"), &[], sent.as_bytes()).unwrap();
    assert_ne!(s1[0].id, f1[0].id, "sent and failed for one message are two events");
}

#[test]
fn bad_credentials_are_401() {
    let body = fixture("webhooks/textlink-received.json");
    assert_eq!(status(post("textlink", None, None, &[], body.replace("tl-hook-secret", "tl-hook-secreT").as_bytes())), 401);
    assert_eq!(status(post("textlink", None, None, &[], body.replace(r#""secret":"tl-hook-secret","#, "").as_bytes())), 401);
    assert_eq!(status(post("textlink", None, None, &[], b"not json")), 401);
    assert_eq!(status(post("teklink", Some("wrong"), None, &[], fixture("webhooks/teklink-inbound.json").as_bytes())), 401);
    assert_eq!(status(post("teklink", None, None, &[], fixture("webhooks/teklink-inbound.json").as_bytes())), 401);
    let k = fixture("webhooks/klink-inbound.json");
    assert_eq!(status(post("klink", None, None, &[], k.as_bytes())), 401);
    let forged = hmac_hex(b"other-secret", k.as_bytes());
    assert_eq!(status(post("klink", None, None, &[("x-signature", &forged)], k.as_bytes())), 401);
    let sig = hmac_hex(b"klink-signing-secret", k.as_bytes());
    assert_eq!(status(post("klink", None, None, &[("x-signature", &sig)], k.replace("Hi there", "Hi thera").as_bytes())), 401);
    assert_eq!(status(post("klink", None, None, &[("x-signature", "zz")], k.as_bytes())), 401);
    let r = fixture("webhooks/relay-message.json");
    assert_eq!(status(post("relay", None, None, &[], r.as_bytes())), 401);
    assert_eq!(status(post("relay", None, None, &[("authorization", "Bearer nope")], r.as_bytes())), 401);

    let mut none = secrets();
    none.textlink = None;
    let headers: Vec<(String, String)> = vec![];
    let req = WebhookRequest { provider: "textlink", path_secret: None, event_hint: None, headers: &headers, body: body.as_bytes() };
    assert_eq!(parse_webhook(&req, &none, NOW).unwrap_err().status, 401, "no secret configured: refused, never open");
}

#[test]
fn every_way_the_relay_token_travels() {
    let r = fixture("webhooks/relay-message.json");
    let e = &post("relay", None, None, &[("Authorization", "Bearer relay-token")], r.as_bytes()).unwrap()[0];
    assert_eq!((e.kind.as_str(), e.from.as_deref(), e.channel.as_deref(), e.text.as_deref()), ("message.received", Some("+15551234567"), Some("wa"), Some("need help")));
    assert_eq!(status(post("relay", None, None, &[("X-Callback-Token", "relay-token")], r.as_bytes())), 200);
    let e = &post("relay", None, None, &[], fixture("webhooks/relay-missed-token-in-body.json").as_bytes()).unwrap()[0];
    assert_eq!(e.kind.as_str(), "call.missed");
    assert!(!e.raw.as_str().contains("relay-token"));
    let e = &post("relay", None, None, &[("x-callback-token", "relay-token")], fixture("webhooks/relay-answered.json").as_bytes()).unwrap()[0];
    assert_eq!(e.kind.as_str(), "call.answered");
}

#[test]
fn klink_envelopes() {
    let e = &klink_post(&fixture("webhooks/klink-inbound.json")).unwrap()[0];
    assert_eq!((e.kind.as_str(), e.from.as_deref(), e.text.as_deref()), ("message.received", Some("81d8f399-e4d3-4fd4-a8ec-61bb3c3dc8c4"), Some("Hi there")));
    assert_eq!(edgetext::iso8601(e.occurred_at_ms), "2026-01-09T03:42:38.000Z");
    let e = &klink_post(&fixture("webhooks/klink-outbound.json")).unwrap()[0];
    assert_eq!((e.kind.as_str(), e.message_id.as_deref(), e.status), ("message.sent", Some("5c1f6a5e-2f5c-4b8a-9a53-8c3f0b7e6d21"), Some("sent")));
    assert!(klink_post(&fixture("webhooks/klink-contact-create.json")).unwrap().is_empty(), "acknowledged, nothing stored");
}

#[test]
fn teklink_maps_common_names() {
    let e = &post("teklink", Some("tek-path-secret"), None, &[], fixture("webhooks/teklink-inbound.json").as_bytes()).unwrap()[0];
    assert_eq!((e.kind.as_str(), e.from.as_deref(), e.to.as_deref(), e.text.as_deref()), ("message.received", Some("2125551212"), Some("6465550000"), Some("STOP")));
    let e = &post("teklink", Some("tek-path-secret"), None, &[], br#"{"message_id":"tk-1","status":"delivered"}"#).unwrap()[0];
    assert_eq!((e.kind.as_str(), e.status), ("message.status", Some("delivered")));
    assert_eq!(status(post("teklink", Some("tek-path-secret"), None, &[], br#"{"anything":{"nested":[1,2]}}"#)), 200);
}

#[test]
fn malformed_and_hostile_bodies_are_400_or_413_never_more() {
    let tek = |body: &[u8]| status(post("teklink", Some("tek-path-secret"), None, &[], body));
    assert_eq!(tek(b"not json"), 400);
    assert_eq!(tek(b"[1,2,3]"), 400);
    assert_eq!(tek(b"\"string\""), 400);
    assert_eq!(tek(b"{\"text\":\"\xff\xfe\"}"), 400, "invalid UTF-8");
    assert_eq!(tek(br#"{"from":{"a":1}}"#), 400, "wrong type");
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(tek(format!(r#"{{"x":{deep}}}"#).as_bytes()), 413);
    let deep = |n: usize| format!(r#"{{"x":{}1{}}}"#, "[".repeat(n), "]".repeat(n));
    let rejection = post("teklink", Some("tek-path-secret"), None, &[], deep(20_000).as_bytes()).unwrap_err();
    assert_eq!((rejection.status, rejection.error.as_str()), (400, "body is nested deeper than 64 levels"));
    assert_eq!(tek(deep(63).as_bytes()), 200, "63 arrays in an object: 64 levels");
    assert_eq!(tek(deep(64).as_bytes()), 400, "65 levels");
    assert_eq!(tek(&vec![b' '; 64 * 1024 + 1]), 413);

    let tl = |body: String| status(post("textlink", None, None, &[], body.as_bytes()));
    let good = fixture("webhooks/textlink-received.json");
    assert_eq!(tl(good.replace("1748455363370", "99999999999999999999")), 400, "absurd timestamp");
    assert_eq!(tl(good.replace("1748455363370", "-5")), 400);
    assert_eq!(tl(good.replace("1748455363370", "\"yesterday\"")), 400);
    assert_eq!(tl(good.replace("1748455363370", "1e300")), 400);
    assert_eq!(tl(good.replace("true", "\"yes\"")), 400);
    assert_eq!(tl(good.replace("\"+11234567890\"", "12")), 400);
    assert_eq!(tl(good.replace(r#","received":true,"sent":false"#, "")), 400, "which webhook?");
    assert_eq!(status(post("textlink", None, Some("bogus"), &[], good.as_bytes())), 400);

    let k = fixture("webhooks/klink-inbound.json");
    assert_eq!(status(klink_post(&k.replace("2026-01-09T03:42:38.000000Z", "9999-01-01T00:00:00Z"))), 400);
    assert_eq!(status(klink_post(&k.replace("2026-01-09T03:42:38.000000Z", "soon"))), 400);
    assert_eq!(status(klink_post(r#"{"event":"message.inbound","timestamp":"2026-01-09T03:42:38Z","data":[]}"#)), 400);
    assert_eq!(status(klink_post("[]")), 400);
    assert_eq!(status(post("sms-r-us", None, None, &[], b"{}")), 404);
}


#[test]
fn a_credential_counts_only_in_its_provider_s_own_field() {
    // The relay's token under TextLink's field name (and the reverse) is no
    // credential, so it can never authenticate a body that then stores it.
    let r = fixture("webhooks/relay-missed-token-in-body.json");
    assert_eq!(status(post("relay", None, None, &[], r.replace("callback_token", "secret").as_bytes())), 401);
    let t = fixture("webhooks/textlink-received.json");
    assert_eq!(status(post("textlink", None, None, &[], t.replace(r#""secret""#, r#""callback_token""#).as_bytes())), 401);
    // Every member but the credential is kept, in order.
    let e = &post("textlink", None, None, &[], t.replace(r#""timestamp""#, r#""note":{"deep":[1,2]},"timestamp""#).as_bytes()).unwrap()[0];
    assert_eq!(
        e.raw.as_str(),
        r#"{"phone_number":"+11234567890","text":"Working!","note":{"deep":[1,2]},"timestamp":1748455363370,"received":true,"sent":false}"#
    );
}
