//! `onRequest`: one record per HTTP attempt, in order, with where the
//! request went and how it ended, and never a key, code, token or text.
#![cfg(not(target_arch = "wasm32"))]

use crate::common::*;
use edgetext::client::{Client, Config, RequestRecord};
use edgetext::TransportError;
use std::cell::RefCell;
use std::rc::Rc;

type Log = Rc<RefCell<Vec<RequestRecord>>>;

fn logged(config: &str, answers: Vec<Answer>) -> (TestClient, Fake, Log) {
    let fake = Fake::new(answers);
    let log: Log = Rc::default();
    let sink = Rc::clone(&log);
    let c = Client::new(Config::from_json(config).unwrap(), fake.clone()).on_request(move |r| sink.borrow_mut().push(r.clone()));
    (TestClient(c), fake, log)
}

const SECRET: &str = "otp-secret-for-the-request-log-0123456789";
const TEXT: &str = "Confidential text 7f3a";

#[test]
fn one_record_per_attempt_with_the_retried_attempts_own_error() {
    let cfg = r#"{"provider":"textlink","apiKey":"tl-secret-key"}"#;
    let answers = vec![with_header(429, "retry-after", "2", "{}"), with_header(200, "x-request-id", "req-81", r#"{"ok":true}"#)];
    let (c, fake, log) = logged(cfg, answers);
    run(c.send(r#"{"to":"+12125551212","text":"hello"}"#)).unwrap();
    let json = js(&*log.borrow());
    assert_eq!(
        json,
        concat!(
            r#"[{"provider":"textlink","operation":"send","attempt":1,"method":"POST","url":"https://textlinksms.com/api/send-sms","status":429,"durationMs":0,"outcome":"rate_limited","requestId":null},"#,
            r#"{"provider":"textlink","operation":"send","attempt":2,"method":"POST","url":"https://textlinksms.com/api/send-sms","status":200,"durationMs":0,"outcome":"ok","requestId":"req-81"}]"#
        )
    );
    assert_eq!(fake.requests().len(), 2);
}

#[test]
fn failures_without_an_answer_and_final_errors() {
    let cfg = r#"{"provider":"relay","apiKey":"relay-secret-key","baseUrl":"https://relay.example","phoneId":"p1","maxRetries":1}"#;
    let (c, _, log) = logged(cfg, vec![Err(TransportError::NotSent("ECONNREFUSED".into())), Err(TransportError::Timeout)]);
    run(c.status("msg_1")).unwrap_err();
    let got: Vec<(u32, Option<u16>, &str)> = log.borrow().iter().map(|r| (r.attempt, r.status, r.outcome)).collect();
    assert_eq!(got, [(1, None, "network"), (2, None, "timeout")]);
    assert_eq!(log.borrow()[0].url, "https://relay.example/api/v1/messages/msg_1");
    // A refused key: one attempt, its error.
    let (c, _, log) = logged(cfg, vec![ok(401, r#"{"success":false,"error":"bad key"}"#)]);
    run(c.send(r#"{"to":"+12125551212","text":"x"}"#)).unwrap_err();
    assert_eq!(log.borrow().iter().map(|r| (r.status, r.outcome)).collect::<Vec<_>>(), [(Some(401), "unauthorized")]);
    // Nothing sent, nothing logged.
    let (c, _, log) = logged(cfg, vec![]);
    run(c.send(r#"{"to":"+1212","text":"x"}"#)).unwrap_err();
    assert!(log.borrow().is_empty());
}

#[test]
fn urls_lose_user_info_queries_and_the_key() {
    let cfg = r#"{"provider":"relay","apiKey":"relay-secret-key","baseUrl":"https://user:pa55@relay.example/relay-secret-key/x","phoneId":"p1"}"#;
    let (c, _, log) = logged(cfg, vec![ok(200, r#"{"success":true,"messages":[]}"#)]);
    run(c.list_messages(r#"{"limit":20}"#)).unwrap();
    assert_eq!(log.borrow()[0].url, "https://relay.example/[redacted]/x/api/v1/messages");
}

/// Every operation of every provider, each way a key, code, token or text
/// travels: none of them reaches a record.
#[test]
fn no_record_holds_a_key_a_code_a_token_or_the_text() {
    let mut records = Vec::new();
    let mut attempts = 0;
    let mut secrets: Vec<String> = vec![TEXT.into(), SECRET.into(), "callback-token-55".into(), "worker-token-9".into(), "bot-token-3".into()];
    let mut keep = |log: &Log, fake: &Fake| {
        records.extend(log.borrow().iter().cloned());
        attempts += fake.requests().len();
    };

    // textlink: send, provider codes (the code comes back in the answer), verify, tag.
    let cfg = r#"{"provider":"textlink","apiKey":"tl-secret-key","statusUrl":"https://hooks.example","statusToken":"worker-token-9"}"#;
    let answers = vec![
        ok(200, r#"{"ok":true}"#),
        ok(200, r#"{"ok":true,"code":"918273"}"#),
        ok(200, r#"{"ok":true}"#),
        ok(200, r#"{"ok":true}"#),
        ok(200, r#"{"id":"m1","provider":"textlink","status":"sent"}"#),
    ];
    let (c, fake, log) = logged(cfg, answers);
    run(c.send(&format!(r#"{{"to":"+12125551212","text":"{TEXT}"}}"#))).unwrap();
    run(c.send_code(r#"{"to":"+12125551212","serviceName":"Acme"}"#)).unwrap();
    run(c.verify_code(r#"{"to":"+12125551212","code":"918273"}"#)).unwrap();
    run(c.update_contact_tag(r#"{"to":"+12125551212","tag":"VIP"}"#)).unwrap();
    run(c.status("m1")).unwrap();
    secrets.extend(["tl-secret-key".into(), "918273".into()]);
    keep(&log, &fake);

    // teklink with the key in the body, and signed codes.
    let cfg = format!(r#"{{"provider":"teklink","apiKey":"tek-secret-token","channelId":"chan-42","auth":"body","otp":{{"secret":"{SECRET}"}}}}"#);
    let tek_ok = r#"{"success":true,"message":"Message sent","data":[]}"#;
    let (c, fake, log) = logged(&cfg, vec![ok(201, tek_ok), ok(201, tek_ok)]);
    run(c.send(&format!(r#"{{"to":"2125551212","text":"{TEXT}"}}"#))).unwrap();
    let ticket = run(c.send_code(r#"{"to":"2125551212","serviceName":"Acme"}"#)).unwrap();
    let body = fake.last_body();
    let code = body.split(|ch: char| !ch.is_ascii_digit()).find(|d| d.len() == 6).unwrap().to_string();
    secrets.extend(["tek-secret-token".into(), code, ticket.token.clone().unwrap()]);
    keep(&log, &fake);

    // relay: every operation, a tg_bot send with its token.
    let cfg = r#"{"provider":"relay","apiKey":"relay-secret-key","baseUrl":"https://relay.example","phoneId":"p1"}"#;
    let answers = vec![
        ok(202, r#"{"success":true,"message_id":"msg_1","status":"queued"}"#),
        ok(202, r#"{"success":true,"message_id":"msg_2","status":"sent"}"#),
        ok(200, &fixture("relay/status.response.json")),
        ok(200, r#"{"success":true,"messages":[]}"#),
        ok(200, r#"{"ok":true}"#),
        ok(200, r#"{"success":true}"#),
        ok(200, r#"{"success":true,"callbacks":[]}"#),
        ok(200, r#"{"success":true}"#),
        ok(200, r#"{"success":true,"deleted":1}"#),
    ];
    let (c, fake, log) = logged(cfg, answers);
    run(c.send(&format!(r#"{{"to":"+12125551212","text":"{TEXT}"}}"#))).unwrap();
    run(c.send(&format!(r#"{{"to":"12345","text":"{TEXT}","channel":"tg_bot","botToken":"bot-token-3"}}"#))).unwrap();
    run(c.status("msg_8f2a")).unwrap();
    run(c.list_messages(r#"{"limit":5}"#)).unwrap();
    run(c.health()).unwrap();
    run(c.inbound_query(r#"{"sourceContains":"+1555"}"#)).unwrap();
    run(c.list_callbacks()).unwrap();
    run(c.register_callback(r#"{"callbackUrl":"https://example.com/hook","callbackToken":"callback-token-55"}"#)).unwrap();
    run(c.delete_callback(r#"{"callbackUrl":"https://example.com/hook"}"#)).unwrap();
    secrets.push("relay-secret-key".into());
    keep(&log, &fake);

    // klink, and the OTP worker (config.otpUrl) for codes.
    let cfg = r#"{"provider":"klink","apiKey":"kpt_secret","otpUrl":"https://otp.example"}"#;
    let answers = vec![ok(200, &fixture("klink/send.response.json")), ok(200, &fixture("otp-worker/send.response.json")), ok(200, &fixture("otp-worker/verify-valid.response.json"))];
    let (c, fake, log) = logged(cfg, answers);
    run(c.send(&format!(r#"{{"contactId":"81d8f399-e4d3-4fd4-a8ec-61bb3c3dc8c4","text":"{TEXT}"}}"#))).unwrap();
    run(c.send_code(r#"{"to":"+447700900123"}"#)).unwrap();
    run(c.verify_code(r#"{"to":"+447700900123","code":"564738"}"#)).unwrap();
    secrets.extend(["kpt_secret".into(), "564738".into()]);
    keep(&log, &fake);

    assert_eq!(records.len(), attempts, "one record per HTTP attempt");
    let ops: std::collections::BTreeSet<&str> = records.iter().map(|r| r.operation.as_str()).collect();
    assert_eq!(ops.len(), 11, "every operation: {ops:?}");
    assert!(records.iter().all(|r| r.outcome == "ok"), "{records:?}");
    let json = js(&records);
    for s in &secrets {
        assert!(!json.contains(s.as_str()), "{s} is in the request log: {json}");
    }
}
