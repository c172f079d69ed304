//! Every provider operation on the wire, byte for byte, and back.
// Native suites: the wasm layer has its own, in src/wasm/tests.rs.
#![cfg(not(target_arch = "wasm32"))]

mod common;
use common::*;
use edgetext::{ErrorCode, Method, TransportError};

const TEXTLINK: &str = r#"{"provider":"textlink","apiKey":"tl-secret-key"}"#;
const RELAY: &str = r#"{"provider":"relay","apiKey":"relay-secret-key","baseUrl":"http://127.0.0.1:5110/","phoneId":"phone_main"}"#;
const KLINK: &str = r#"{"provider":"klink","apiKey":"kpt_secret"}"#;
const TEKLINK: &str = r#"{"provider":"teklink","apiKey":"tek-secret-token","channelId":"chan-42"}"#;

#[test]
fn textlink_send_sms_on_the_wire() {
    let (c, fake) = client(TEXTLINK, vec![ok(200, &fixture("textlink/send-sms.response.json"))]);
    let r = run(c.send(r#"{"to":"+1 (212) 555-1212","text":"Hello from edgetext"}"#)).unwrap();
    let req = &fake.requests()[0];
    assert_eq!(req.method, Method::Post);
    assert_eq!(req.url, "https://textlinksms.com/api/send-sms");
    assert_eq!(req.header("authorization"), Some("Bearer tl-secret-key"));
    assert_eq!(req.header("content-type"), Some("application/json"));
    assert_eq!(req.body.as_deref(), Some(fixture("textlink/send-sms.request.json").as_str()));
    assert_eq!(r.id.as_deref(), Some("0b30557a-9fc4-490e-b358-7da2c7ec1136"));
    assert_eq!(r.status.as_str(), "queued");
    assert_eq!(r.to, "+12125551212");
    assert_eq!(r.segments.count, 1);
    assert_eq!(r.raw.as_str(), fixture("textlink/send-sms.response.json"));
    let json = js(&r);
    assert!(json.starts_with(r#"{"provider":"textlink","id":"0b30557a-9fc4-490e-b358-7da2c7ec1136","status":"queued","duplicate":false,"to":"+12125551212","segments":{"encoding":"GSM-7","count":1"#), "{json}");
}

#[test]
fn textlink_send_options_and_plain_ok_is_sent() {
    let (c, fake) = client(TEXTLINK, vec![ok(200, r#"{"ok":true}"#)]);
    let r = run(c.send(r#"{"to":"+381611231234","text":"Dummy message text...","simCardId":7,"customId":"order-42"}"#)).unwrap();
    assert_eq!(fake.last_body(), fixture("textlink/send-sms-options.request.json"));
    assert_eq!((r.id.as_deref(), r.status.as_str()), (Some("order-42"), "sent"));
}

#[test]
fn textlink_refuses_fields_of_other_providers_without_sending() {
    for msg in [
        r#"{"to":"+12125551212","text":"x","templateId":"t"}"#,
        r#"{"to":"+12125551212","text":"x","idempotencyKey":"k"}"#,
        r#"{"to":"+12125551212","text":"x","colour":"red"}"#,
        r#"{"to":"+12125551212"}"#,
        r#"{"to":"+12125551212","text":5}"#,
        r#"["not","an","object"]"#,
    ] {
        let (c, fake) = client(TEXTLINK, vec![]);
        let e = run(c.send(msg)).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput, "{msg}: {e}");
        assert!(fake.requests().is_empty());
    }
    let (c, fake) = client(TEXTLINK, vec![]);
    let e = run(c.send(r#"{"to":"12125551212x","text":"x"}"#)).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidPhone);
    assert!(fake.requests().is_empty());
}

#[test]
fn textlink_5xx_is_not_retried() {
    let (c, fake) = client(TEXTLINK, vec![ok(500, r#"{"ok":false,"message":"boom"}"#), ok(200, r#"{"ok":true}"#)]);
    let e = run(c.send(r#"{"to":"+12125551212","text":"hi"}"#)).unwrap_err();
    assert_eq!(e.code, ErrorCode::OutcomeUnknown);
    assert!(!e.retryable);
    assert_eq!(e.http_status, Some(500));
    assert_eq!(fake.requests().len(), 1);

    let (c, fake) = client(TEXTLINK, vec![ok(503, "Service Unavailable"), ok(200, r#"{"ok":true}"#)]);
    let e = run(c.send(r#"{"to":"+12125551212","text":"hi"}"#)).unwrap_err();
    assert_eq!((e.code, e.retryable), (ErrorCode::ProviderUnavailable, true));
    assert_eq!(fake.requests().len(), 1);
}

#[test]
fn textlink_timeout_and_drop_are_outcome_unknown_without_retry() {
    for failure in [TransportError::Timeout, TransportError::Dropped("ECONNRESET".into())] {
        let (c, fake) = client(TEXTLINK, vec![Err(failure), ok(200, r#"{"ok":true}"#)]);
        let e = run(c.send(r#"{"to":"+12125551212","text":"hi"}"#)).unwrap_err();
        assert_eq!(e.code, ErrorCode::OutcomeUnknown);
        assert_eq!(fake.requests().len(), 1);
    }
}

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
fn textlink_codes_are_checked_by_textlink() {
    let (c, fake) = client(TEXTLINK, vec![ok(200, &fixture("textlink/send-code.response.json"))]);
    let t = run(c.send_code(r#"{"to":"+11234567890","serviceName":"Tribal","customId":"otp-1","ttlSeconds":300}"#)).unwrap();
    let req = &fake.requests()[0];
    assert_eq!(req.url, "https://textlinksms.com/api/send-code");
    assert_eq!(req.body.as_deref(), Some(fixture("textlink/send-code.request.json").as_str()));
    assert_eq!((t.mode.as_str(), t.token.as_deref(), t.expires_at_ms), ("provider", None, NOW + 300_000));
    assert_eq!(
        js(&t),
        r#"{"provider":"textlink","to":"+11234567890","mode":"provider","expiresAt":"2026-01-01T00:05:00.000Z","token":null}"#,
        "the code TextLink returns never comes back"
    );

    let (c, fake) = client(TEXTLINK, vec![ok(200, r#"{"ok":true}"#), ok(200, r#"{"ok":false,"message":"Invalid code"}"#), ok(400, r#"{"ok":false,"message":"Code expired"}"#)]);
    let v = run(c.verify_code(r#"{"to":"+11234567890","code":"123456"}"#)).unwrap();
    assert_eq!(fake.requests()[0].url, "https://textlinksms.com/api/verify-code");
    assert_eq!(fake.last_body(), fixture("textlink/verify-code.request.json"));
    assert!(v.valid);
    let v = run(c.verify_code(r#"{"to":"+11234567890","code":"000000"}"#)).unwrap();
    assert_eq!((v.valid, v.reason.as_deref()), (false, Some("Invalid code")));
    let v = run(c.verify_code(r#"{"to":"+11234567890","code":"000000"}"#)).unwrap();
    assert_eq!((v.valid, v.reason.as_deref()), (false, Some("Code expired")));

    let (c, fake) = client(TEXTLINK, vec![]);
    assert_eq!(run(c.send_code(r#"{"to":"+11234567890","serviceName":"x","length":8}"#)).unwrap_err().code, ErrorCode::InvalidInput);
    assert!(fake.requests().is_empty());
}

#[test]
fn textlink_update_contact_tag() {
    let (c, fake) = client(TEXTLINK, vec![ok(200, r#"{"ok":true}"#)]);
    let raw = run(c.update_contact_tag(r#"{"to":"+11234567890","tag":"VIP"}"#)).unwrap();
    assert_eq!(raw, r#"{"ok":true}"#);
    assert_eq!(fake.requests()[0].url, "https://textlinksms.com/api/update-contect-tag");
    assert_eq!(fake.last_body(), fixture("textlink/update-contect-tag.request.json"));
    let (c, _) = client(RELAY, vec![]);
    assert_eq!(run(c.update_contact_tag(r#"{"to":"+11234567890","tag":"VIP"}"#)).unwrap_err().code, ErrorCode::Unsupported);
}

#[test]
fn teklink_template_send_on_the_wire() {
    let (c, fake) = client(TEKLINK, vec![ok(201, &fixture("teklink/send.response.json"))]);
    let r = run(c.send(r#"{"to":"+1 212 555 1212","templateId":"1e3fa777-17bf-4400-ba80-81e6ba524734","conversationState":"closed"}"#)).unwrap();
    let req = &fake.requests()[0];
    assert_eq!(req.url, "https://sms.theteklink.com/api/v1/channels/chan-42/messages");
    assert_eq!(req.header("accept"), Some("application/json"));
    assert_eq!(req.header("content-type"), Some("application/json"));
    assert_eq!(req.header("authorization"), Some("Bearer tek-secret-token"));
    assert_eq!(req.body.as_deref(), Some(fixture("teklink/template.request.json").as_str()));
    assert_eq!((r.id, r.status.as_str(), r.to.as_str()), (None, "sent", "2125551212"));
}

#[test]
fn teklink_body_auth_with_every_field() {
    let cfg = r#"{"provider":"teklink","apiKey":"tek-secret-token","channelId":"chan-42","auth":"body","fromName":"Automated"}"#;
    let (c, fake) = client(cfg, vec![ok(201, &fixture("teklink/send.response.json"))]);
    run(c.send(r#"{"to":"(212) 555-1212","text":"Your table is ready","conversationState":"open","fromName":"Front Desk","duplicateSendRejectTimeoutMinutes":30,"forceSend":true,"sendDelaySeconds":5}"#)).unwrap();
    let req = &fake.requests()[0];
    assert_eq!(req.header("authorization"), None);
    assert_eq!(req.body.as_deref(), Some(fixture("teklink/all-fields-body-auth.request.json").as_str()));
}

#[test]
fn teklink_refuses_non_nanp_numbers_before_sending() {
    for to in ["+442079460958", "+33 1 23 45 67 89", "212555121", "+1 012 555 1212"] {
        let (c, fake) = client(TEKLINK, vec![]);
        let e = run(c.send(&format!(r#"{{"to":"{to}","text":"hi"}}"#))).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidPhone, "{to}");
        assert_eq!(e.provider, Some("teklink"));
        assert!(fake.requests().is_empty());
    }
    let (c, fake) = client(TEKLINK, vec![]);
    assert_eq!(run(c.send(r#"{"to":"2125551212","text":"a","templateId":"t"}"#)).unwrap_err().code, ErrorCode::InvalidInput);
    assert_eq!(run(c.send(r#"{"to":"2125551212"}"#)).unwrap_err().code, ErrorCode::InvalidInput);
    assert_eq!(run(c.send(r#"{"to":"2125551212","text":"a","conversationState":"ajar"}"#)).unwrap_err().code, ErrorCode::InvalidInput);
    assert!(fake.requests().is_empty());
}

#[test]
fn relay_every_channel_on_the_wire() {
    let cases = [
        (r#"{"to":"+1 555 123 4567","text":"hello","source":"my-app","idempotencyKey":"my-unique-id-001"}"#, "relay/sms.request.json"),
        (r#"{"channel":"wa","to":"+15551234567","text":"hello","idempotencyKey":"k-wa"}"#, "relay/wa.request.json"),
        (r#"{"channel":"tg","to":"@name","text":"hello","idempotencyKey":"k-tg"}"#, "relay/tg.request.json"),
        (r#"{"channel":"tg","to":"123456789","text":"hello","idempotencyKey":"k-tg-id"}"#, "relay/tg-chat-id.request.json"),
        (r#"{"channel":"notify","title":"Alert","text":"hello","idempotencyKey":"k-notify"}"#, "relay/notify.request.json"),
        (r#"{"channel":"email","to":"me@example.com","subject":"Hi","text":"hello","idempotencyKey":"k-email"}"#, "relay/email.request.json"),
        (r#"{"channel":"tg_bot","to":"123456789","botToken":"bot-tok","text":"hello","idempotencyKey":"k-bot"}"#, "relay/tg_bot.request.json"),
        (r#"{"channel":"pchat","to":"room-7","text":"hello","idempotencyKey":"k-pchat"}"#, "relay/pchat.request.json"),
    ];
    for (msg, fx) in cases {
        let (c, fake) = client(RELAY, vec![ok(202, &fixture("relay/send.response.json"))]);
        let r = run(c.send(msg)).unwrap();
        let req = &fake.requests()[0];
        assert_eq!((req.method, req.url.as_str()), (Method::Post, "http://127.0.0.1:5110/api/v1/messages"));
        assert_eq!(req.header("authorization"), Some("Bearer relay-secret-key"));
        assert_eq!(req.body.as_deref(), Some(fixture(fx).as_str()), "{fx}");
        assert_eq!((r.id.as_deref(), r.status.as_str(), r.duplicate), (Some("msg_8f2a"), "queued", false));
    }
}

#[test]
fn relay_channel_rules() {
    let bad = [
        r#"{"channel":"sms","text":"x"}"#,
        r#"{"channel":"email","to":"me@example.com","text":"x"}"#,
        r#"{"channel":"email","to":"not-an-address","subject":"s","text":"x"}"#,
        r#"{"channel":"tg","to":"","text":"x"}"#,
        r#"{"channel":"tg","to":"@a b","text":"x"}"#,
        r#"{"channel":"tg_bot","to":"123","text":"x"}"#,
        r#"{"channel":"sms","to":"+15551234567","text":"x","botToken":"t"}"#,
        r#"{"channel":"notify","to":"+15551234567","text":"x"}"#,
        r#"{"channel":"sms","to":"+15551234567","text":"x","title":"t"}"#,
        r#"{"channel":"fax","to":"+15551234567","text":"x"}"#,
        r#"{"to":"+15551234567","text":"x","customId":"c"}"#,
    ];
    for msg in bad {
        let (c, fake) = client(RELAY, vec![]);
        let e = run(c.send(msg)).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput, "{msg}: {e}");
        assert!(fake.requests().is_empty());
    }
}

#[test]
fn relay_retries_with_the_same_key_and_reports_the_duplicate() {
    let (c, fake) = client(RELAY, vec![
        ok(500, r#"{"success":false,"error":"db hiccup"}"#),
        Err(TransportError::Dropped("ECONNRESET".into())),
        ok(200, &fixture("relay/send-duplicate.response.json")),
    ]);
    let c = TestClient(edgetext::client::Client::new(edgetext::client::Config { max_retries: 3, ..c.config().clone() }, fake.clone()));
    let r = run(c.send(r#"{"to":"+15551234567","text":"hello"}"#)).unwrap();
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 3);
    assert!(reqs.iter().all(|q| q.body == reqs[0].body), "every attempt carries the same idempotency_key");
    assert!(reqs[0].body.as_deref().unwrap().contains(r#""idempotency_key":"0b30557a-9fc4-490e-b358-7da2c7ec1136""#));
    assert_eq!((r.id.as_deref(), r.duplicate), (Some("msg_8f2a"), true));
    assert_eq!(r.idempotency_key.as_deref(), Some("0b30557a-9fc4-490e-b358-7da2c7ec1136"));

    let (c, _) = client(RELAY, vec![Err(TransportError::Timeout); 3]);
    let e = run(c.send(r#"{"to":"+15551234567","text":"hello","idempotencyKey":"abc"}"#)).unwrap_err();
    assert_eq!((e.code, e.retryable), (ErrorCode::OutcomeUnknown, true));
    assert!(e.message.contains("\"abc\""), "{}", e.message);
}

#[test]
fn relay_status_and_reads() {
    let (c, fake) = client(RELAY, vec![ok(503, ""), ok(200, &fixture("relay/status.response.json"))]);
    let s = run(c.status("msg_8f2a")).unwrap();
    assert_eq!(fake.requests()[1].url, "http://127.0.0.1:5110/api/v1/messages/msg_8f2a");
    assert_eq!(fake.requests()[1].method, Method::Get);
    assert_eq!((s.status.as_str(), s.error.as_deref()), ("failed", Some("SIM not ready")));
    assert_eq!(s.created_at.as_deref(), Some("2026-02-17T19:40:00+00:00"));
    assert_eq!(s.delivered_at, None);

    let (c, fake) = client(RELAY, vec![ok(404, r#"{"success":false,"error":"not found"}"#)]);
    assert_eq!(run(c.status("msg_nope")).unwrap_err().code, ErrorCode::ProviderRejected);
    assert_eq!(fake.requests().len(), 1, "a 404 is not retried");

    let (c, _) = client(RELAY, vec![Err(TransportError::Timeout); 3]);
    assert_eq!(run(c.status("msg_1")).unwrap_err().code, ErrorCode::Timeout);

    let answers = vec![
        ok(200, r#"{"success":true,"messages":[]}"#),
        ok(200, r#"{"ok":true}"#),
        ok(200, r#"{"success":true,"count":0}"#),
        ok(200, r#"{"success":true,"callbacks":[]}"#),
        ok(200, r#"{"success":true}"#),
        ok(200, r#"{"success":true,"deleted":1}"#),
    ];
    let (c, fake) = client(RELAY, answers);
    run(c.list_messages(r#"{"limit":20}"#)).unwrap();
    run(c.health()).unwrap();
    run(c.inbound_query(r#"{"range":"7d","channels":["sms","wa","tg"],"eventTypes":["call","missed","answered"],"tags":["vip","support"],"tagMode":"any","sourceContains":"+1555","minDurationSec":10,"hasResponse":true,"sort":"slowest","limit":200}"#)).unwrap();
    run(c.list_callbacks()).unwrap();
    run(c.register_callback(r#"{"callbackUrl":"https://example.com/inbound-hook","channels":["sms","wa"],"sourceFilter":"+1555","eventTypes":["call","missed","answered"],"keywordFilter":"support","minDurationSec":5,"maxDurationSec":900,"callbackToken":"secret-token","active":true}"#)).unwrap();
    run(c.delete_callback(r#"{"callbackUrl":"https://example.com/inbound-hook"}"#)).unwrap();
    let r = fake.requests();
    let lines: Vec<String> = r.iter().map(|q| format!("{} {}", q.method.as_str(), q.url)).collect();
    assert_eq!(lines, [
        "GET http://127.0.0.1:5110/api/v1/messages?limit=20",
        "GET http://127.0.0.1:5110/health",
        "POST http://127.0.0.1:5110/api/v1/webchat/inbound/query",
        "GET http://127.0.0.1:5110/api/v1/webchat/callbacks/inbound",
        "POST http://127.0.0.1:5110/api/v1/webchat/callbacks/inbound",
        "DELETE http://127.0.0.1:5110/api/v1/webchat/callbacks/inbound",
    ]);
    assert_eq!(r[2].body.as_deref(), Some(fixture("relay/inbound-query.request.json").as_str()));
    assert_eq!(r[4].body.as_deref(), Some(fixture("relay/register-callback.request.json").as_str()));
    assert_eq!(r[5].body.as_deref(), Some(r#"{"callback_url":"https://example.com/inbound-hook"}"#));
    assert!(r.iter().all(|q| q.header("authorization") == Some("Bearer relay-secret-key")));
    let (c, _) = client(RELAY, vec![]);
    assert_eq!(run(c.inbound_query(r#"{"tagMode":"some"}"#)).unwrap_err().code, ErrorCode::InvalidInput);
    assert_eq!(run(c.register_callback(r#"{"callbackUrl":"ftp://x"}"#)).unwrap_err().code, ErrorCode::InvalidInput);
}

#[test]
fn klink_send_on_the_wire() {
    let (c, fake) = client(KLINK, vec![ok(200, &fixture("klink/send.response.json"))]);
    let r = run(c.send(r#"{"contactId":"81D8F399-E4D3-4FD4-A8EC-61BB3C3DC8C4","text":"It is your message."}"#)).unwrap();
    let req = &fake.requests()[0];
    assert_eq!(req.url, "https://apigw.klinkcx.com/api/v1/messages/send");
    assert_eq!(req.header("authorization"), Some("Bearer kpt_secret"));
    assert_eq!(req.body.as_deref(), Some(fixture("klink/send.request.json").as_str()));
    assert_eq!(r.id.as_deref(), Some("0b01ac59-81b4-436f-9b36-8ad40e0761f7"));
    assert_eq!((r.status.as_str(), r.to.as_str()), ("sent", "81d8f399-e4d3-4fd4-a8ec-61bb3c3dc8c4"));

    let (c, fake) = client(KLINK, vec![]);
    for msg in [r#"{"to":"+12125551212","text":"x"}"#, r#"{"contactId":"nope","text":"x"}"#, r#"{"contactId":"81d8f399-e4d3-4fd4-a8ec-61bb3c3dc8c4","text":"x","messageType":"Te xt"}"#] {
        assert_eq!(run(c.send(msg)).unwrap_err().code, ErrorCode::InvalidInput, "{msg}");
    }
    assert!(fake.requests().is_empty());
    let (c, _) = client(KLINK, vec![ok(200, r#"{"status":400,"message":"contact not found"}"#)]);
    let e = run(c.send(r#"{"contactId":"81d8f399-e4d3-4fd4-a8ec-61bb3c3dc8c4","text":"x"}"#)).unwrap_err();
    assert_eq!((e.code, e.provider_message.as_deref()), (ErrorCode::ProviderRejected, Some("contact not found")));
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
        (r#"{"provider":"textlink","apiKey":"k","timeoutMs":"fast"}"#, "config.timeoutMs: invalid type: string \"fast\", expected a whole number"),
        (r#"{"provider":"textlink","apiKey":"k","channelId":"c"}"#, "config.channelId is not a field for textlink"),
        (r#"{"provider":"klink","apiKey":"k","otp":{"secret":"short"}}"#, "32 bytes"),
        (r#"{"provider":"klink","apiKey":"k","otp":{"secret":"0123456789abcdef0123456789abcdef","template":"no code"}}"#, "{code}"),
        (r#"{"provider":"teklink","apiKey":"k","channelId":"c","auth":"query"}"#, "config.auth"),
        (r#"{"provider":"relay","apiKey":"k","baseUrl":"http://x","phoneId":"p","channel":"fax"}"#, "config.channel: unknown variant `fax`"),
    ];
    for (cfg, want) in cases {
        let e = edgetext::client::Config::from_json(cfg).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidConfig, "{cfg}");
        assert!(e.message.contains(want), "{cfg}: {}", e.message);
    }
    let e = edgetext::client::Config::from_json(r#"{"provider":"textlink","apiKey":"k","bogus":1}"#).unwrap_err();
    assert!(!e.message.contains("\"k\""));
}
