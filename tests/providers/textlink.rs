//! TextLink on the wire: send-sms, send-code, verify-code and the contact tag.

use crate::common::*;
use crate::{RELAY, TEXTLINK};
use edgetext::{ErrorCode, Method, TransportError};

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
    assert_eq!((v.valid, v.reason.as_ref().map(edgetext::client::VerifyReason::as_str)), (false, Some("Invalid code")));
    let v = run(c.verify_code(r#"{"to":"+11234567890","code":"000000"}"#)).unwrap();
    assert_eq!((v.valid, v.reason.as_ref().map(edgetext::client::VerifyReason::as_str)), (false, Some("Code expired")));

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
fn textlink_refuses_what_its_document_requires_before_sending() {
    // send-sms: phone_number* and text* (the message body).
    for (msg, code, says) in [
        (r#"{"to":"+12125551212","text":""}"#, ErrorCode::InvalidInput, "message.text must not be empty"),
        (r#"{"to":"","text":"hi"}"#, ErrorCode::InvalidPhone, ""),
        (r#"{"text":"hi"}"#, ErrorCode::InvalidInput, "message.to is required"),
    ] {
        let (c, fake) = client(TEXTLINK, vec![]);
        let e = run(c.send(msg)).unwrap_err();
        assert_eq!((e.code, e.provider), (code, Some("textlink")), "{msg}: {e}");
        assert!(e.message.starts_with(says), "{msg}: {}", e.message);
        assert!(fake.requests().is_empty(), "{msg}");
    }
    // send-code and verify-code: phone_number*.
    let (c, fake) = client(TEXTLINK, vec![]);
    assert_eq!(run(c.send_code(r#"{"serviceName":"Tribal"}"#)).unwrap_err().code, ErrorCode::InvalidInput);
    assert_eq!(run(c.verify_code(r#"{"code":"123456"}"#)).unwrap_err().code, ErrorCode::InvalidInput);
    assert_eq!(run(c.update_contact_tag(r#"{"to":"12","tag":"VIP"}"#)).unwrap_err().code, ErrorCode::InvalidPhone);
    assert!(fake.requests().is_empty());
}
