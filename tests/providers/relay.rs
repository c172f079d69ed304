//! Phone Relay on the wire: every channel, its rules, idempotent retries, status and reads.

use crate::common::*;
use crate::RELAY;
use edgetext::{ErrorCode, Method, TransportError};

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
fn relay_refuses_what_its_document_requires_before_sending() {
    // text* on every channel; subject for email; bot_token for tg_bot; to for sms, wa, tg and email.
    for (msg, says) in [
        (r#"{"to":"+15551234567","text":""}"#, "message.text must not be empty"),
        (r#"{"channel":"notify","title":"Alert","text":""}"#, "message.text must not be empty"),
        (r#"{"channel":"email","to":"me@example.com","subject":"","text":"x"}"#, "message.subject is required for the email channel"),
        (r#"{"channel":"tg_bot","to":"123456789","botToken":"","text":"x"}"#, "message.botToken is required for the tg_bot channel"),
        (r#"{"channel":"tg_bot","text":"x"}"#, "message.botToken is required for the tg_bot channel"),
        (r#"{"channel":"wa","text":"x"}"#, "message.to is required for the wa channel"),
        (r#"{"channel":"tg","text":"x"}"#, "message.to is required for the tg channel"),
        (r#"{"channel":"email","subject":"Hi","text":"x"}"#, "message.to is required for the email channel"),
        (r#"{"to":"+15551234567","text":"x","idempotencyKey":""}"#, "message.idempotencyKey must not be empty"),
    ] {
        let (c, fake) = client(RELAY, vec![]);
        let e = run(c.send(msg)).unwrap_err();
        assert_eq!((e.code, e.message.as_str(), e.provider), (ErrorCode::InvalidInput, says, Some("relay")), "{msg}");
        assert!(fake.requests().is_empty(), "{msg}");
    }
    // No stricter than the document: tg_bot does not list `to` as required.
    let (c, fake) = client(RELAY, vec![ok(202, &fixture("relay/send.response.json"))]);
    let r = run(c.send(r#"{"channel":"tg_bot","botToken":"bot-tok","text":"hello","idempotencyKey":"k-bot"}"#)).unwrap();
    assert_eq!(fake.last_body(), r#"{"phone_id":"phone_main","channel":"tg_bot","text":"hello","idempotency_key":"k-bot","bot_token":"bot-tok"}"#);
    assert_eq!(r.to, "");
    // Nor does it forbid a `to` on notify, a title or subject off notify and
    // email, a bot token off tg_bot, or a long idempotency key: passed on.
    let long_key = "k".repeat(300);
    for (msg, body) in [
        (
            r#"{"channel":"notify","to":"me","title":"Alert","text":"hello","idempotencyKey":"k-1"}"#.to_string(),
            r#"{"phone_id":"phone_main","channel":"notify","to":"me","text":"hello","idempotency_key":"k-1","title":"Alert"}"#.to_string(),
        ),
        (
            r#"{"to":"+15551234567","subject":"S","title":"T","botToken":"b","text":"hello","idempotencyKey":"k-2"}"#.to_string(),
            r#"{"phone_id":"phone_main","channel":"sms","to":"+15551234567","text":"hello","idempotency_key":"k-2","subject":"S","title":"T","bot_token":"b"}"#.to_string(),
        ),
        (
            format!(r#"{{"to":"+15551234567","text":"hello","idempotencyKey":"{long_key}"}}"#),
            format!(r#"{{"phone_id":"phone_main","channel":"sms","to":"+15551234567","text":"hello","idempotency_key":"{long_key}"}}"#),
        ),
    ] {
        let (c, fake) = client(RELAY, vec![ok(202, &fixture("relay/send.response.json"))]);
        run(c.send(&msg)).unwrap();
        assert_eq!(fake.last_body(), body, "{msg}");
    }
}
