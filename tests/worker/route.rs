//! The worker's decisions as pure functions: routing and credentials,
//! malformed paths, event ids that ignore the time of arrival, status
//! folding, the outbox and retention schedule, and Standard Webhooks
//! signatures (checked against the specification's own example).
// Native suites: the wasm layer has its own, in src/wasm/tests.rs.
#![cfg(not(target_arch = "wasm32"))]

use crate::common::fixture;
use edgetext::contract::{verify_webhook, DeliveryStatus, InboundEvent, WebhookHeaders, WebhookKey};
use edgetext::providers::webhook::WebhookRequest;
use edgetext::providers::ProviderKind;
use edgetext::worker::{decide, forward_delivery, forward_retry_delay_seconds, parse_webhook, retention_start, scheduled_plan, status_answer, DEFAULT_RETENTION_DAYS, Decision, FORWARD_LEASE_MS, WebhookSecrets, WorkerRequest, WorkerSettings};
use edgetext::worker::statuses::{status_precedence, StatusRow, StatusUpdate};

const NOW: u64 = 1_771_700_000_000; // 2026-02-21T18:53:20Z
const DAY: u64 = 86_400_000;
const FORWARD_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn settings() -> WorkerSettings {
    WorkerSettings {
        secrets: WebhookSecrets {
            textlink: Some("tl-hook-secret".into()),
            teklink: Some("tek-path-secret".into()),
            relay: Some("relay-token".into()),
            klink: Some("klink-signing-secret".into()),
        },
        api_token: Some("reader-token".into()),
        forward_url: Some("http://127.0.0.1:9/hook".into()),
        forward_secret: Some(FORWARD_SECRET.into()),
        // The TextLink fixtures are of May 2025, nine months before NOW: a
        // webhook older than the retention period is refused.
        retention_days: Some("3650".into()),
        ..Default::default()
    }
}

fn headers(h: &[(&str, &str)]) -> Vec<(String, String)> {
    h.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn run(method: &str, target: &str, h: &[(&str, &str)], body: Option<&[u8]>) -> Decision {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let headers = headers(h);
    decide(&WorkerRequest { method, path, query, headers: &headers, body }, &settings(), NOW)
}

fn status_of(d: &Decision) -> u16 {
    match d {
        Decision::Respond { response } => response.status,
        Decision::Store { response, .. } => response.status,
        Decision::NeedBody { .. } => 100,
        _ => 0,
    }
}

fn relay(body: &str, now: u64) -> Vec<InboundEvent> {
    let h = headers(&[("authorization", "Bearer relay-token")]);
    let req = WebhookRequest { provider: ProviderKind::Relay, path_secret: None, event_hint: None, headers: &h, body: body.as_bytes() };
    parse_webhook(&req, &settings().secrets, now).unwrap()
}

#[test]
fn malformed_paths_and_percent_encoding_are_4xx() {
    let tek = br#"{"text":"hi"}"#;
    assert_eq!(status_of(&run("POST", "/webhooks/teklink/%E0%A4%A", &[], Some(tek))), 400, "cut escape");
    assert_eq!(status_of(&run("POST", "/webhooks/teklink/%E0%A4", &[], Some(tek))), 400, "not UTF-8");
    assert_eq!(status_of(&run("GET", "/v1/status/%ZZ", &[("authorization", "Bearer reader-token")], None)), 400);
    assert_eq!(status_of(&run("GET", "/v1/status/relay/%", &[("authorization", "Bearer reader-token")], None)), 400);
    assert_eq!(status_of(&run("GET", "/v1/events?since=%ZZ", &[("authorization", "Bearer reader-token")], None)), 400);
    assert_eq!(status_of(&run("POST", "/webhooks//textlink", &[], None)), 404);
    assert_eq!(status_of(&run("POST", "/webhooks/twilio", &[], None)), 404);
    assert_eq!(status_of(&run("POST", "/webhooks/textlink/extra", &[], None)), 404);
    assert_eq!(status_of(&run("POST", "/webhooks/teklink/tek-path-secret/extra", &[], None)), 404);
    assert_eq!(status_of(&run("GET", "/webhooks/textlink", &[], None)), 405);
    assert_eq!(status_of(&run("POST", "/webhooks/textlink", &[("content-length", "70000")], None)), 413);
    assert!(matches!(run("GET", "/", &[], None), Decision::Fallback { response } if response.status == 404));
    assert!(matches!(run("GET", "/v1/other", &[], None), Decision::Fallback { .. }));
    // The OTP routes have their own suite (tests/worker/otp_route.rs).
    assert!(matches!(run("POST", "/v1/otp/send/x", &[], None), Decision::Respond { response } if response.status == 404));
    // The secret path segment is percent-decoded before it is compared.
    assert_eq!(status_of(&run("POST", "/webhooks/teklink/tek%2Dpath%2Dsecret", &[], Some(tek))), 200);
}

#[test]
fn the_body_is_read_only_for_a_webhook_route_that_exists() {
    assert_eq!(run("POST", "/webhooks/textlink", &[], None), Decision::NeedBody { limit: 64 * 1024 });
    assert_eq!(run("POST", "/webhooks/teklink/x", &[], None), Decision::NeedBody { limit: 64 * 1024 });
    let big = vec![b' '; 64 * 1024 + 1];
    assert_eq!(status_of(&run("POST", "/webhooks/teklink/tek-path-secret", &[], Some(&big))), 413);
}

#[test]
fn reads_need_the_bearer_scheme() {
    let read = |auth: &str| status_of(&run("GET", "/v1/events", &[("authorization", auth)], None));
    assert_eq!(run("GET", "/v1/events", &[("authorization", "Bearer reader-token")], None), Decision::ReadEvents { limit: 50, since: None });
    assert_eq!(read("bearer reader-token"), 0, "the scheme's case is not significant");
    assert_eq!(read("reader-token"), 401, "the bare token is refused");
    assert_eq!(read("Bearer  reader-token"), 401);
    assert_eq!(read("Basic reader-token"), 401);
    assert_eq!(read("Bearer reader-tokeN"), 401);
    assert_eq!(status_of(&run("GET", "/v1/events", &[], None)), 401);
    let mut open = settings();
    open.api_token = None;
    let h = headers(&[("authorization", "Bearer ")]);
    let req = WorkerRequest { method: "GET", path: "/v1/events", query: "", headers: &h, body: None };
    assert_eq!(status_of(&decide(&req, &open, NOW)), 401, "no token configured: reads are closed");
    assert_eq!(status_of(&run("POST", "/v1/events", &[("authorization", "Bearer reader-token")], None)), 405);
}

#[test]
fn read_routes_and_their_parameters() {
    let auth = [("authorization", "Bearer reader-token")];
    assert_eq!(
        run("GET", "/v1/status/relay/msg-42", &auth, None),
        Decision::ReadStatus { provider: ProviderKind::Relay, message_id: "msg-42".into() }
    );
    assert_eq!(run("GET", "/v1/status/relay/msg%2042", &auth, None), Decision::ReadStatus { provider: ProviderKind::Relay, message_id: "msg 42".into() });
    // The contract's one status route names the provider: /v1/status/{id} is none.
    assert_eq!(status_of(&run("GET", "/v1/status/msg-42", &auth, None)), 404);
    assert_eq!(status_of(&run("GET", "/v1/status/twilio/msg-42", &auth, None)), 404);
    assert_eq!(
        run("GET", "/v1/events?limit=900&since=2026-01-01T00:00:00%2B01:00", &auth, None),
        Decision::ReadEvents { limit: 500, since: Some("2025-12-31T23:00:00.000Z".into()) }
    );
    assert_eq!(status_of(&run("GET", "/v1/events?limit=0", &auth, None)), 400);
    assert_eq!(status_of(&run("GET", "/v1/events?limit=ten", &auth, None)), 400);
    assert_eq!(status_of(&run("GET", "/v1/events?since=yesterday", &auth, None)), 400);

    let row = |provider: &str| StatusRow {
        provider: edgetext::providers::ProviderKind::parse(provider).unwrap(),
        message_id: "msg-42".into(),
        status: edgetext::contract::DeliveryStatus::Sent,
        error: None,
        created_at: Some("2026-02-21T09:15:00.000Z".into()),
        delivered_at: None,
        last_event: r#"{"id":"evt_1"}"#.into(),
    };
    assert_eq!(status_answer(vec![]).status, 404);
    let one = status_answer(vec![row("relay")]);
    assert_eq!(one.status, 200);
    assert_eq!(
        one.body,
        r#"{"id":"msg-42","provider":"relay","status":"sent","error":null,"createdAt":"2026-02-21T09:15:00.000Z","deliveredAt":null,"raw":{"id":"evt_1"}}"#
    );
}

#[test]
fn a_webhook_becomes_stored_events_with_their_status_moves() {
    let body = fixture("webhooks/textlink-failed.json");
    let Decision::Store { events, forward, due_if_unqueued, response } = run("POST", "/webhooks/textlink?event=failed", &[], Some(body.as_bytes())) else {
        panic!("stored")
    };
    assert!(forward);
    assert_eq!(due_if_unqueued, NOW);
    assert_eq!((response.status, response.body.as_str()), (200, r#"{"ok":true,"events":1}"#));
    let e = &events[0];
    assert_eq!((e.provider.as_str(), e.kind.as_str(), e.message_id.as_deref(), e.received_at), ("textlink", "message.failed", Some("order-42"), NOW));
    assert_eq!(e.forward_due, Some(NOW + FORWARD_LEASE_MS), "stored leased to the Queue; the outbox takes over if it fails");
    let s = e.status.as_ref().unwrap();
    assert_eq!((s.status.as_str(), s.error.as_deref()), ("failed", Some("SIM card has no signal")));
    assert!(!e.body.contains("tl-hook-secret"));
    assert!(e.body.starts_with(&format!(r#"{{"id":"{}","provider":"textlink","type":"message.failed""#, e.id)));

    let mut quiet = settings();
    quiet.forward_url = None;
    let h = headers(&[]);
    let req = WorkerRequest { method: "POST", path: "/webhooks/textlink", query: "event=failed", headers: &h, body: Some(body.as_bytes()) };
    let Decision::Store { events, forward, .. } = decide(&req, &quiet, NOW) else { panic!("stored") };
    assert!(!forward);
    assert_eq!(events[0].forward_due, None, "nothing to forward without FORWARD_URL");

    let contact = fixture("webhooks/klink-contact-create.json");
    let sig = edgetext::providers::klink::webhook::hmac_hex(b"klink-signing-secret", contact.as_bytes());
    assert_eq!(status_of(&run("POST", "/webhooks/klink", &[("x-signature", &sig)], Some(contact.as_bytes()))), 200);
}

#[test]
fn event_ids_never_depend_on_the_time_of_arrival() {
    // A relay callback without created_at, delivered three times over an hour.
    let body = fixture("webhooks/relay-message.json").replace(r#","created_at":"2026-02-21T09:15:00+00:00""#, "");
    assert!(!body.contains("created_at"));
    let ids: Vec<String> = [NOW, NOW + 60_000, NOW + 3_600_000].iter().map(|&t| relay(&body, t)[0].id.clone()).collect();
    assert!(ids.iter().all(|i| *i == ids[0]), "{ids:?}");
    // Without its message id too: the body's hash.
    let bare = body.replace(r#","message_id":"in_77""#, "");
    let a = relay(&bare, NOW)[0].id.clone();
    assert_eq!(a, relay(&bare, NOW + 1)[0].id);
    assert_ne!(a, relay(&bare.replace("need help", "need help!"), NOW)[0].id);
    assert_ne!(a, ids[0]);

    let tl = fixture("webhooks/textlink-received.json").replace(r#","timestamp":1748455363370"#, "");
    let tl_id = |now: u64| run_at("/webhooks/textlink", &tl, now);
    assert_eq!(tl_id(NOW), tl_id(NOW + 5_000));

    let tek = fixture("webhooks/teklink-inbound.json").replace(r#","id":"tk-991""#, "");
    let tek_id = |now: u64| run_at("/webhooks/teklink/tek-path-secret", &tek, now);
    assert_eq!(tek_id(NOW), tek_id(NOW + 5_000));
}

fn run_at(path: &str, body: &str, now: u64) -> String {
    let h = headers(&[]);
    let req = WorkerRequest { method: "POST", path, query: "", headers: &h, body: Some(body.as_bytes()) };
    match decide(&req, &settings(), now) {
        Decision::Store { events, .. } => events[0].id.clone(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn statuses_move_by_rank_then_time_and_never_back() {
    let event = |status: &'static str, at: u64| {
        let mut e = relay(&fixture("webhooks/relay-message.json"), NOW)[0].clone();
        e.message_id = Some("msg-42".into());
        e.status = DeliveryStatus::known(status);
        e.occurred_at_ms = at;
        e
    };
    // The worker moves a stored status only to an event of strictly greater precedence.
    let update = |status, at| StatusUpdate::of(&event(status, at)).unwrap();
    let sent = update("sent", NOW);
    let failed = update("failed", NOW + 10);
    assert!(failed.precedence > sent.precedence, "failed outranks sent");
    assert_eq!(failed.status.as_str(), "failed");
    // A delivered report that happened before the failure (a replay of an old one) changes nothing.
    assert!(update("delivered", NOW + 5).precedence <= failed.precedence);
    assert!(update("failed", NOW + 10).precedence <= failed.precedence, "an equal event changes nothing");
    assert!(update("sent", NOW + 99).precedence <= failed.precedence, "a late sent never overwrites failed");
    // Equal rank: the later event wins.
    let delivered = update("delivered", NOW + 20);
    assert!(delivered.precedence > failed.precedence);
    assert_eq!((delivered.status.as_str(), delivered.delivered_at.is_some()), ("delivered", true));
    assert!(status_precedence(&event("queued", NOW + 999_999)) < status_precedence(&event("sending", NOW)));
    let mut no_message = event("sent", NOW);
    no_message.message_id = None;
    assert_eq!(status_precedence(&no_message), None);
    assert!(status_precedence(&event("delivered", 9_999_999_999_999)).unwrap() < 9_007_199_254_740_992, "exact in a JS number");
}

#[test]
fn the_scheduled_run_keeps_retention_and_the_outbox() {
    let mut defaults = settings();
    defaults.retention_days = None;
    let plan = scheduled_plan(&defaults, NOW);
    assert_eq!(plan.delete_before, Some(NOW - u64::from(DEFAULT_RETENTION_DAYS) * DAY));
    assert_eq!((plan.due_by, plan.lease_until, plan.warning), (Some(NOW), NOW + FORWARD_LEASE_MS, None));
    let mut s = settings();
    s.retention_days = Some("7".into());
    assert_eq!(scheduled_plan(&s, NOW).delete_before, Some(NOW - 7 * DAY));
    for bad in ["0", "-1", "seven", "1.5", "99999999"] {
        s.retention_days = Some(bad.into());
        let p = scheduled_plan(&s, NOW);
        assert_eq!(p.delete_before, None, "{bad}: nothing deleted on a malformed setting");
        assert!(p.warning.unwrap().contains("EVENT_RETENTION_DAYS"));
    }
    s.forward_url = None;
    assert_eq!(scheduled_plan(&s, NOW).due_by, None);
    let delays: Vec<u32> = (0..12).map(forward_retry_delay_seconds).collect();
    assert_eq!(delays, [1, 1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
    assert_eq!(forward_retry_delay_seconds(u32::MAX), 300);
    assert!(FORWARD_LEASE_MS / 1000 > u64::from((1..=10).map(forward_retry_delay_seconds).sum::<u32>()), "the Queue's retries end before the lease");
}

#[test]
fn standard_webhooks_signatures_match_the_specification_example() {
    // The example of the Standard Webhooks specification and its libraries' tests.
    let key = WebhookKey::parse(FORWARD_SECRET).unwrap();
    let body = br#"{"test": 2432232314}"#;
    let sig = key.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1_614_265_330, body);
    assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    let h = WebhookHeaders { id: Some("msg_p5jXN8AQM9LWM0D4loKWxJek"), timestamp: Some("1614265330"), signature: Some(&sig) };
    let now = 1_614_265_330;
    assert!(verify_webhook(body, h, FORWARD_SECRET, now + 299, 300));
    assert!(verify_webhook(body, h, "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", now, 300), "the prefix may be left out");
    assert!(!verify_webhook(body, h, FORWARD_SECRET, now + 301, 300), "too old");
    assert!(!verify_webhook(body, h, FORWARD_SECRET, now - 301, 300), "too far ahead");
    assert!(!verify_webhook(b"{\"test\": 2432232315}", h, FORWARD_SECRET, now, 300));
    assert!(!verify_webhook(body, WebhookHeaders { id: Some("msg_other"), ..h }, FORWARD_SECRET, now, 300));
    assert!(!verify_webhook(body, WebhookHeaders { timestamp: Some("1614265331"), ..h }, FORWARD_SECRET, now, 300));
    assert!(!verify_webhook(body, WebhookHeaders { signature: None, ..h }, FORWARD_SECRET, now, 300));
    assert!(!verify_webhook(body, WebhookHeaders { timestamp: Some("+1614265330"), ..h }, FORWARD_SECRET, now, 300));
    assert!(!verify_webhook(body, h, "whsec_aGVsbG8gd29ybGQ=", now, 300), "another key");
    // Several signatures, space-separated, as during a key rotation.
    let both = format!("v1,bm90IGl0 v1a,whatever {sig}");
    assert!(verify_webhook(body, WebhookHeaders { signature: Some(&both), ..h }, FORWARD_SECRET, now, 300));
    assert!(!verify_webhook(body, WebhookHeaders { signature: Some("v1,bm90IGl0 v2,x"), ..h }, FORWARD_SECRET, now, 300));
}

#[test]
fn an_empty_or_malformed_secret_never_verifies() {
    let empty_key_sig = {
        use hmac::{Hmac, Mac};
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(b"").unwrap();
        mac.update(b"id.1.{}");
        format!("v1,{}", <base64ct::Base64 as base64ct::Encoding>::encode_string(&mac.finalize().into_bytes()))
    };
    let h = WebhookHeaders { id: Some("id"), timestamp: Some("1"), signature: Some(&empty_key_sig) };
    for secret in ["", "whsec_", "   ", "whsec_!!!", "whsec_===="] {
        assert!(!verify_webhook(b"{}", h, secret, 1, 300), "{secret:?}");
    }
    assert!(WebhookKey::parse("").is_none());
    assert!(WebhookKey::parse_prefixed("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_none(), "FORWARD_SECRET must be in whsec_ form");
}

#[test]
fn forwarded_deliveries_carry_the_three_headers() {
    let body = r#"{"id":"evt_1","provider":"relay"}"#;
    let d = forward_delivery(&settings(), "evt_1", body, NOW + 999).unwrap();
    assert_eq!(d.url, "http://127.0.0.1:9/hook");
    let get = |name: &str| d.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    assert_eq!(get("webhook-id"), Some("evt_1"));
    assert_eq!(get("webhook-timestamp"), Some("1771700000"));
    let h = WebhookHeaders { id: get("webhook-id"), timestamp: get("webhook-timestamp"), signature: get("webhook-signature") };
    assert!(verify_webhook(body.as_bytes(), h, FORWARD_SECRET, NOW / 1000, 300));
    let mut s = settings();
    s.forward_secret = Some("fwd-secret".into());
    assert!(forward_delivery(&s, "evt_1", body, NOW).is_err(), "a secret not in whsec_ form signs nothing");
    s.forward_secret = None;
    assert!(forward_delivery(&s, "evt_1", body, NOW).is_err());
}

/// Issue 21 item 10: a signed event whose own time is before the retention
/// period is refused, for every provider whose events carry a time; the
/// review's replay of a Klink event after its record was deleted is one.
#[test]
fn an_event_older_than_the_retention_period_is_refused() {
    let mut s = settings();
    s.retention_days = Some("30".into());
    let at = |ms: u64| edgetext::iso8601(ms);
    let post = |s: &WorkerSettings, provider: &str, body: &str, now: u64| {
        let sig = edgetext::providers::klink::webhook::hmac_hex(b"klink-signing-secret", body.as_bytes());
        let h = match provider {
            "klink" => headers(&[("x-signature", &sig)]),
            "relay" => headers(&[("authorization", "Bearer relay-token")]),
            _ => headers(&[]),
        };
        let path = format!("/webhooks/{provider}");
        decide(&WorkerRequest { method: "POST", path: &path, query: "", headers: &h, body: Some(body.as_bytes()) }, s, now)
    };
    let klink = |ms: u64| format!(r#"{{"event":"message.delivered","timestamp":"{}","data":{{"id":"k-1","message":"hi"}}}}"#, at(ms));
    let relay = |ms: u64| format!(r#"{{"event_type":"status","message_id":"m-1","status":"delivered","created_at":"{}"}}"#, at(ms));
    let textlink = |ms: u64| format!(r#"{{"secret":"tl-hook-secret","phone_number":"+11234567890","text":"hi","timestamp":{ms},"received":true}}"#);
    for (provider, body) in [("klink", klink(NOW - 31 * DAY)), ("relay", relay(NOW - 31 * DAY)), ("textlink", textlink(NOW - 31 * DAY))] {
        match post(&s, provider, &body, NOW) {
            Decision::Respond { response } => {
                assert_eq!(response.status, 400, "{provider}");
                assert!(response.body.contains("EVENT_RETENTION_DAYS"), "{}", response.body);
            }
            other => panic!("{provider}: {other:?}"),
        }
        let recent = body.replace(&at(NOW - 31 * DAY), &at(NOW - 29 * DAY)).replace(&(NOW - 31 * DAY).to_string(), &(NOW - 29 * DAY).to_string());
        assert!(matches!(post(&s, provider, &recent, NOW), Decision::Store { .. }), "{provider} within retention");
    }
    // The replay: stored on day 0, deleted once the retention has passed,
    // delivered again then: refused, not stored again as new.
    let body = klink(NOW);
    let Decision::Store { events, .. } = post(&s, "klink", &body, NOW) else { panic!("stored") };
    let deleted_from = scheduled_plan(&s, NOW + 30 * DAY + 1).delete_before.unwrap();
    assert!(events[0].received_at < deleted_from, "deleted by then");
    assert_eq!(status_of(&post(&s, "klink", &body, NOW + 30 * DAY + 1)), 400, "and refused when replayed");
    // An event dated after its arrival (a provider's clock ahead) is kept
    // until its own time leaves the retention period: never deleted while a
    // replay would still be taken.
    let ahead = klink(NOW + 3_600_000);
    let Decision::Store { events, .. } = post(&s, "klink", &ahead, NOW) else { panic!("stored") };
    assert_eq!(events[0].received_at, NOW + 3_600_000);
    for later in [NOW + 30 * DAY + 1, NOW + 30 * DAY + 3_600_000] {
        let stored = events[0].received_at >= scheduled_plan(&s, later).delete_before.unwrap();
        let taken = matches!(post(&s, "klink", &ahead, later), Decision::Store { .. });
        assert!(stored || !taken, "at {later}: deleted, yet a replay is taken");
    }
    // Events without a time of their own (Teklink's) are timed at arrival; a
    // malformed EVENT_RETENTION_DAYS deletes nothing, so refuses nothing.
    assert!(matches!(post(&s, "teklink/tek-path-secret", r#"{"text":"hi"}"#, NOW), Decision::Store { .. }));
    s.retention_days = Some("seven".into());
    assert_eq!(retention_start(&s, NOW), None);
    assert!(matches!(post(&s, "klink", &klink(NOW - 400 * DAY), NOW), Decision::Store { .. }));
}
