//! Klink CX on the wire: a send to a contact.

use crate::common::*;
use crate::KLINK;
use edgetext::ErrorCode;

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
    for msg in [r#"{"to":"+12125551212","text":"x"}"#, r#"{"contactId":"nope","text":"x"}"#, r#"{"contactId":"81d8f399-e4d3-4fd4-a8ec-61bb3c3dc8c4","text":"x","messageType":""}"#] {
        assert_eq!(run(c.send(msg)).unwrap_err().code, ErrorCode::InvalidInput, "{msg}");
    }
    assert!(fake.requests().is_empty());
    let (c, _) = client(KLINK, vec![ok(200, r#"{"status":400,"message":"contact not found"}"#)]);
    let e = run(c.send(r#"{"contactId":"81d8f399-e4d3-4fd4-a8ec-61bb3c3dc8c4","text":"x"}"#)).unwrap_err();
    assert_eq!((e.code, e.provider_message.as_deref()), (ErrorCode::ProviderRejected, Some("contact not found")));
}

#[test]
fn klink_refuses_an_empty_message_and_a_contact_that_is_no_uuid_before_sending() {
    for (msg, says) in [
        (r#"{"contactId":"81d8f399-e4d3-4fd4-a8ec-61bb3c3dc8c4","text":""}"#, "message.text must not be empty"),
        (r#"{"contactId":"","text":"x"}"#, "contactId must be a UUID"),
        (r#"{"contactId":"81d8f399e4d34fd4a8ec61bb3c3dc8c4","text":"x"}"#, "contactId must be a UUID"),
        (r#"{"text":"x"}"#, "message.contactId is required"),
        (r#"{"contactId":"81d8f399-e4d3-4fd4-a8ec-61bb3c3dc8c4","text":"x","messageType":""}"#, "message.messageType must not be empty"),
    ] {
        let (c, fake) = client(KLINK, vec![]);
        let e = run(c.send(msg)).unwrap_err();
        assert_eq!((e.code, e.provider), (ErrorCode::InvalidInput, Some("klink")), "{msg}");
        assert!(e.message.starts_with(says), "{msg}: {}", e.message);
        assert!(fake.requests().is_empty(), "{msg}");
    }
}

#[test]
fn klink_passes_on_a_message_type_its_document_does_not_list() {
    // The document shows "text" and names no other: any other type is Klink's to judge.
    let (c, fake) = client(KLINK, vec![ok(200, &fixture("klink/send.response.json"))]);
    run(c.send(r#"{"contactId":"81d8f399-e4d3-4fd4-a8ec-61bb3c3dc8c4","text":"x","messageType":"Image"}"#)).unwrap();
    assert!(fake.last_body().starts_with(r#"{"contactId":"81d8f399-e4d3-4fd4-a8ec-61bb3c3dc8c4","messageType":"Image","message":"x","#), "{}", fake.last_body());
}
