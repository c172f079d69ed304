//! Teklink ChatServ on the wire: text and template sends, body auth, North American numbers only.

use crate::common::*;
use crate::TEKLINK;
use edgetext::ErrorCode;

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
    assert_eq!(run(c.send(r#"{"to":"2125551212"}"#)).unwrap_err().code, ErrorCode::InvalidInput);
    assert_eq!(run(c.send(r#"{"to":"2125551212","text":"a","conversationState":"ajar"}"#)).unwrap_err().code, ErrorCode::InvalidInput);
    assert!(fake.requests().is_empty());
}

#[test]
fn teklink_refuses_what_its_document_requires_before_sending() {
    // template_id or message_text, at least one, not empty; a 10-digit number.
    for (msg, says) in [
        (r#"{"to":"2125551212","text":""}"#, "message.text or message.templateId is required"),
        (r#"{"to":"2125551212","templateId":""}"#, "message.templateId must not be empty"),
        (r#"{"to":"2125551212","text":"","templateId":""}"#, "message.templateId must not be empty"),
    ] {
        let (c, fake) = client(TEKLINK, vec![]);
        let e = run(c.send(msg)).unwrap_err();
        assert_eq!((e.code, e.message.as_str(), e.provider), (ErrorCode::InvalidInput, says, Some("teklink")), "{msg}");
        assert!(fake.requests().is_empty(), "{msg}");
    }
    // An empty text beside a template is no text: the template goes alone.
    let (c, fake) = client(TEKLINK, vec![ok(201, &fixture("teklink/send.response.json"))]);
    run(c.send(r#"{"to":"2125551212","text":"","templateId":"1e3fa777-17bf-4400-ba80-81e6ba524734","conversationState":"closed"}"#)).unwrap();
    assert_eq!(fake.last_body(), fixture("teklink/template.request.json"));
    // "You must include either template_id or message_text": both is not refused.
    let (c, fake) = client(TEKLINK, vec![ok(201, &fixture("teklink/send.response.json"))]);
    run(c.send(r#"{"to":"2125551212","text":"hi","templateId":"t-1"}"#)).unwrap();
    assert_eq!(fake.last_body(), r#"{"to_telephone_number":"2125551212","template_id":"t-1","message_text":"hi"}"#);
}
