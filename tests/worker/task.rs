//! The worker's protocol (src/worker/task.rs), driven with made-up effect
//! outcomes: the order of the steps, the SQL each step runs, what counts as
//! delivered, and the refusals made before the guard object is asked; and
//! the guard object's SQLite storage (src/worker/otp/store.rs) on a
//! stand-in for `ctx.storage.sql`.
#![cfg(not(target_arch = "wasm32"))]

use crate::common::fixture;
use edgetext::worker::otp::guard::{GuardAnswer, GuardCall, GuardRequest, GuardSettings, SeededRandom};
use edgetext::worker::otp::store::{guard_run, guard_sweep, GuardReply, GuardSql, SqlValue, GUARD_SCHEMA};
use edgetext::worker::task::{Effect, LogLevel, Outcome, OwnedRequest, QueuedMessage, Task};
use edgetext::worker::{WebhookSecrets, WorkerResponse, WorkerSettings};
use edgetext::ErrorCode;
use std::collections::BTreeMap;

const NOW: u64 = 1_771_700_000_000;
const SECRET: &str = "otp-secret-for-tests-at-least-32-bytes";
const FORWARD_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn settings() -> WorkerSettings {
    let vars = [("OTP_SECRET", SECRET), ("OTP_ALLOWED_COUNTRIES", "US,GB"), ("OTP_PROVIDER", "relay")];
    WorkerSettings {
        secrets: WebhookSecrets { teklink: Some("tek-path-secret".into()), textlink: Some("tl-hook-secret".into()), ..Default::default() },
        api_token: Some("reader-token".into()),
        forward_url: Some("http://127.0.0.1:9/hook".into()),
        forward_secret: Some(FORWARD_SECRET.into()),
        retention_days: Some("3650".into()),
        otp_vars: vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        otp_bound: true,
        queue_bound: true,
    }
}

fn request(method: &str, path: &str, headers: &[(&str, &str)]) -> OwnedRequest {
    let (path, query) = path.split_once('?').unwrap_or((path, ""));
    OwnedRequest {
        method: method.into(),
        path: path.into(),
        query: query.into(),
        headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
    }
}

/// Runs `task`, answering each effect with `answer`; every effect in order.
fn drive(mut task: Task, mut answer: impl FnMut(&Effect) -> Outcome) -> Vec<Effect> {
    let mut seen = Vec::new();
    let mut outcome = Outcome::None;
    for _ in 0..100 {
        let effect = task.next(outcome, NOW);
        let last = matches!(effect, Effect::Respond { .. } | Effect::Fallback { .. } | Effect::Done);
        outcome = answer(&effect);
        seen.push(effect);
        if last {
            return seen;
        }
    }
    panic!("the task did not end: {seen:?}");
}

fn response(effects: &[Effect]) -> &WorkerResponse {
    match effects.last() {
        Some(Effect::Respond { response }) => response,
        other => panic!("not an answer: {other:?}"),
    }
}

fn kinds(effects: &[Effect]) -> Vec<&'static str> {
    effects
        .iter()
        .map(|e| match e {
            Effect::ReadBody { .. } => "readBody",
            Effect::Batch { .. } => "batch",
            Effect::Query { .. } => "query",
            Effect::OtpClient => "otpClient",
            Effect::CallGuard { .. } => "callGuard",
            Effect::Send { .. } => "send",
            Effect::Enqueue { .. } => "enqueue",
            Effect::Fetch { .. } => "fetch",
            Effect::Ack { .. } => "ack",
            Effect::Retry { .. } => "retry",
            Effect::Log { .. } => "log",
            Effect::Respond { .. } => "respond",
            Effect::Fallback { .. } => "fallback",
            Effect::Done => "done",
        })
        .collect()
}

fn teklink_hook() -> Task {
    Task::request(request("POST", "/webhooks/teklink/tek-path-secret", &[]), settings(), NOW)
}

/// The outcomes of a webhook's effects: the body, then `changes` for the batch, then `queue` for the Queue.
fn webhook_world(body: &'static [u8], changes: Result<Vec<u64>, String>, queue: Result<(), String>) -> impl FnMut(&Effect) -> Outcome {
    move |e| match e {
        Effect::ReadBody { limit } => {
            assert_eq!(*limit, 64 * 1024);
            Outcome::Body(body.to_vec())
        }
        Effect::Batch { statements } if statements[0].sql.starts_with("INSERT OR IGNORE INTO events") => Outcome::Changes(changes.clone()),
        Effect::Batch { .. } => Outcome::Changes(Ok(vec![1])),
        Effect::Enqueue { .. } => Outcome::Done(queue.clone()),
        _ => Outcome::None,
    }
}

#[test]
fn a_webhook_reads_its_body_stores_its_events_then_enqueues_the_new_ones() {
    let effects = drive(teklink_hook(), webhook_world(br#"{"text":"hi"}"#, Ok(vec![1]), Ok(())));
    assert_eq!(kinds(&effects), ["readBody", "batch", "enqueue", "respond"]);
    let Effect::Batch { statements } = &effects[1] else { unreachable!() };
    assert_eq!(statements.len(), 1, "an inbound message moves no status");
    assert_eq!(statements[0].binds[1], SqlValue::Text("teklink".into()));
    assert_eq!(statements[0].binds[7], SqlValue::Number((NOW + edgetext::worker::FORWARD_LEASE_MS) as f64), "stored already leased to the Queue");
    let Effect::Enqueue { messages } = &effects[2] else { unreachable!() };
    assert_eq!(messages[0].id, match &statements[0].binds[0] { SqlValue::Text(id) => id.clone(), other => panic!("{other:?}") });
    assert_eq!(response(&effects).status, 200);
}

#[test]
fn a_redelivery_is_not_enqueued_again() {
    let effects = drive(teklink_hook(), webhook_world(br#"{"text":"hi"}"#, Ok(vec![0]), Ok(())));
    assert_eq!(kinds(&effects), ["readBody", "batch", "respond"]);
    assert_eq!(response(&effects).status, 200);
}

#[test]
fn a_status_moves_in_the_same_batch_as_its_event() {
    let body = fixture("webhooks/textlink-sent.json");
    let body: &'static [u8] = Box::leak(body.into_bytes().into_boxed_slice());
    let task = Task::request(request("POST", "/webhooks/textlink", &[]), settings(), NOW);
    let effects = drive(task, webhook_world(body, Ok(vec![1, 1]), Ok(())));
    let Effect::Batch { statements } = &effects[1] else { panic!("{effects:?}") };
    assert_eq!(statements.len(), 2);
    assert!(statements[1].sql.starts_with("INSERT INTO statuses") && statements[1].sql.contains("WHERE changes() = 1"), "{}", statements[1].sql);
}

#[test]
fn a_storage_failure_is_a_503_and_a_log_line() {
    let effects = drive(teklink_hook(), webhook_world(br#"{"text":"hi"}"#, Err("D1 is down".into()), Ok(())));
    assert_eq!(kinds(&effects), ["readBody", "batch", "log", "respond"]);
    assert!(matches!(&effects[2], Effect::Log { level: LogLevel::Error, message } if message.contains("D1 is down")));
    let r = response(&effects);
    assert_eq!(r.status, 503);
    assert!(r.headers.contains(&("retry-after".into(), "5".into())));
}

#[test]
fn events_the_queue_refuses_are_due_at_once_in_the_outbox() {
    let effects = drive(teklink_hook(), webhook_world(br#"{"text":"hi"}"#, Ok(vec![1]), Err("queue full".into())));
    assert_eq!(kinds(&effects), ["readBody", "batch", "enqueue", "log", "batch", "respond"]);
    let Effect::Batch { statements } = &effects[4] else { unreachable!() };
    assert!(statements[0].sql.starts_with("UPDATE events SET forward_due"));
    assert_eq!(statements[0].binds[1], SqlValue::Number(NOW as f64));
    assert_eq!(response(&effects).status, 200, "stored: the provider need not deliver again");
    let mut unbound = settings();
    unbound.queue_bound = false;
    let task = Task::request(request("POST", "/webhooks/teklink/tek-path-secret", &[]), unbound, NOW);
    let effects = drive(task, webhook_world(br#"{"text":"hi"}"#, Ok(vec![1]), Ok(())));
    assert_eq!(kinds(&effects), ["readBody", "batch", "log", "batch", "respond"], "no FORWARD_QUEUE: straight to the outbox");
}

#[test]
fn reads_query_d1_and_answer_from_the_rows() {
    let auth = [("authorization", "Bearer reader-token")];
    let row = |v: &[&str]| v.iter().map(|s| SqlValue::Text(s.to_string())).collect::<Vec<_>>();
    let task = Task::request(request("GET", "/v1/status/relay/m-1", &auth), settings(), NOW);
    let effects = drive(task, |e| match e {
        Effect::Query { statement } => {
            assert_eq!(statement.binds, [SqlValue::Text("relay".into()), SqlValue::Text("m-1".into())]);
            let mut r = row(&["relay", "m-1", "delivered"]);
            r.extend([SqlValue::Null, SqlValue::Text("2026-02-21T18:00:00.000Z".into()), SqlValue::Null, SqlValue::Text("{}".into())]);
            Outcome::Rows(Ok(vec![r]))
        }
        _ => Outcome::None,
    });
    let r = response(&effects);
    assert_eq!(r.status, 200);
    assert!(r.body.contains(r#""status":"delivered""#), "{}", r.body);
    let task = Task::request(request("GET", "/v1/status/relay/m-2", &auth), settings(), NOW);
    assert_eq!(response(&drive(task, |_| Outcome::Rows(Ok(vec![])))).status, 404);
    let task = Task::request(request("GET", "/v1/events?limit=2", &auth), settings(), NOW);
    let effects = drive(task, |e| match e {
        Effect::Query { statement } => {
            assert_eq!(statement.binds, [SqlValue::Number(2.0)]);
            Outcome::Rows(Ok(vec![row(&[r#"{"id":"a"}"#]), row(&[r#"{"id":"b"}"#])]))
        }
        _ => Outcome::None,
    });
    assert_eq!(response(&effects).body, r#"{"ok":true,"events":[{"id":"a"},{"id":"b"}]}"#);
    let task = Task::request(request("GET", "/v1/events", &auth), settings(), NOW);
    let effects = drive(task, |e| match e {
        Effect::Query { .. } => Outcome::Rows(Err("gone".into())),
        _ => Outcome::None,
    });
    assert_eq!((kinds(&effects), response(&effects).status), (vec!["query", "log", "respond"], 503));
}

#[test]
fn routes_of_no_one_go_to_the_fallback() {
    let effects = drive(Task::request(request("GET", "/", &[]), settings(), NOW), |_| Outcome::None);
    assert!(matches!(effects.as_slice(), [Effect::Fallback { response }] if response.status == 404));
}

/// A send from a listed origin, its body read: the task and its first effect after.
fn otp_send(to: &str) -> (Task, Effect) {
    let h = [("content-type", "application/json"), ("cf-connecting-ip", "203.0.113.9"), ("origin", "https://app.example")];
    let mut s = settings();
    s.otp_vars.insert("OTP_CORS_ORIGINS".into(), "https://app.example".into());
    let mut task = Task::request(request("POST", "/v1/otp/send", &h), s, NOW);
    assert!(matches!(task.next(Outcome::None, NOW), Effect::ReadBody { limit: 2048 }));
    let first = task.next(Outcome::Body(format!(r#"{{"to":"{to}"}}"#).into_bytes()), NOW);
    (task, first)
}

/// Like `drive`, for a task `otp_send` started: its pending effect first.
fn drive_otp((mut task, mut effect): (Task, Effect), mut answer: impl FnMut(&Effect) -> Outcome) -> Vec<Effect> {
    let mut seen = Vec::new();
    for _ in 0..100 {
        let last = matches!(effect, Effect::Respond { .. } | Effect::Fallback { .. } | Effect::Done);
        let outcome = answer(&effect);
        seen.push(effect);
        if last {
            return seen;
        }
        effect = task.next(outcome, NOW);
    }
    panic!("the task did not end: {seen:?}");
}

fn guard_send_reply() -> GuardReply {
    let sent = GuardAnswer::Send { to: "+447400123456".into(), text: "Your code is 482913".into(), id: "send-1".into(), expires_at: NOW + 600_000, code: "482913".into() };
    GuardReply::Counted(sent)
}

#[test]
fn a_refused_country_is_answered_before_the_guard_object() {
    let effects = drive_otp(otp_send("+33612345678"), |e| match e {
        Effect::OtpClient => Outcome::Client(Ok(())),
        Effect::Respond { .. } => Outcome::None,
        other => panic!("the object was asked: {other:?}"),
    });
    assert_eq!(kinds(&effects), ["otpClient", "respond"]);
    let r = response(&effects);
    assert_eq!(r.status, 403);
    assert!(r.body.contains("country_not_allowed") && r.headers.contains(&("access-control-allow-origin".into(), "https://app.example".into())), "{r:?}");
    for to in ["+10125551234", "+19005551234"] {
        let effects = drive_otp(otp_send(to), |_| Outcome::Client(Ok(())));
        assert_eq!((kinds(&effects), response(&effects).status), (vec!["otpClient", "respond"], 403), "{to}: no range, or a type not allowed");
    }
    let mut paused = settings();
    paused.otp_vars.insert("OTP_SENDS_PAUSED".into(), "true".into());
    let h = [("content-type", "application/json")];
    let mut task = Task::request(request("POST", "/v1/otp/send", &h), paused, NOW);
    task.next(Outcome::None, NOW);
    assert_eq!(task.next(Outcome::Body(br#"{"to":"+447400123456"}"#.to_vec()), NOW), Effect::OtpClient);
    let Effect::Respond { response } = task.next(Outcome::Client(Ok(())), NOW) else { panic!("the object was asked") };
    assert_eq!(response.status, 503, "paused: {}", response.body);
}

#[test]
fn no_client_is_a_503_before_anything_else() {
    let effects = drive_otp(otp_send("+33612345678"), |_| Outcome::Client(Err("set OTP_PROVIDER".into())));
    assert_eq!((kinds(&effects), response(&effects).status), (vec!["otpClient", "respond"], 503));
}

#[test]
fn a_send_asks_the_guard_with_the_classified_number_then_the_provider() {
    let effects = drive_otp(otp_send("+44 7400 123456"), |e| match e {
        Effect::OtpClient => Outcome::Client(Ok(())),
        Effect::CallGuard { call } => {
            assert_eq!(call, &GuardCall { request: GuardRequest::Send { to: "+447400123456".into(), address: "203.0.113.9".into() }, ceiling: Some("GB".into()) });
            Outcome::Guard(Ok(guard_send_reply()))
        }
        Effect::Send { to, text } => {
            assert_eq!((to.as_str(), text.as_str()), ("+447400123456", "Your code is 482913"));
            Outcome::Sent(Ok("relay".into()))
        }
        _ => Outcome::None,
    });
    assert_eq!(kinds(&effects), ["otpClient", "callGuard", "send", "respond"]);
    let r = response(&effects);
    assert_eq!(r.status, 200);
    assert!(r.body.contains(r#""provider":"relay""#) && !r.body.contains("482913"), "{}", r.body);
}

#[test]
fn a_send_the_provider_certainly_did_not_take_is_refunded_under_the_same_ceiling() {
    let mut calls = Vec::new();
    let effects = drive_otp(otp_send("+447400123456"), |e| match e {
        Effect::OtpClient => Outcome::Client(Ok(())),
        Effect::CallGuard { call } => {
            calls.push(call.clone());
            Outcome::Guard(Ok(if calls.len() == 1 { guard_send_reply() } else { GuardReply::Counted(GuardAnswer::Refunded) }))
        }
        Effect::Send { .. } => Outcome::Sent(Err((Some(ErrorCode::Unauthorized), "bad key, code 482913".into()))),
        _ => Outcome::None,
    });
    assert_eq!(kinds(&effects), ["otpClient", "callGuard", "send", "callGuard", "respond"]);
    let refund = GuardRequest::Refund { to: "+447400123456".into(), address: "203.0.113.9".into(), id: "send-1".into() };
    assert_eq!(calls[1], GuardCall { request: refund, ceiling: Some("GB".into()) });
    let r = response(&effects);
    assert_eq!(r.status, 502);
    assert!(!r.body.contains("482913"));
    let effects = drive_otp(otp_send("+447400123456"), |e| match e {
        Effect::OtpClient => Outcome::Client(Ok(())),
        Effect::CallGuard { .. } => Outcome::Guard(Ok(guard_send_reply())),
        Effect::Send { .. } => Outcome::Sent(Err((Some(ErrorCode::Timeout), "timed out".into()))),
        _ => Outcome::None,
    });
    assert_eq!(kinds(&effects), ["otpClient", "callGuard", "send", "respond"], "a timeout may have gone out: no refund");
}

#[test]
fn a_failed_guard_object_is_a_503() {
    let effects = drive_otp(otp_send("+447400123456"), |e| match e {
        Effect::OtpClient => Outcome::Client(Ok(())),
        Effect::CallGuard { .. } => Outcome::Guard(Err("HTTP 500".into())),
        _ => Outcome::None,
    });
    assert_eq!(kinds(&effects), ["otpClient", "callGuard", "log", "respond"]);
    assert_eq!(response(&effects).status, 503);
}

#[test]
fn a_verify_asks_no_client_and_answers_what_the_guard_says() {
    let h = [("content-type", "application/json"), ("cf-connecting-ip", "203.0.113.9")];
    let mut task = Task::request(request("POST", "/v1/otp/verify", &h), settings(), NOW);
    assert!(matches!(task.next(Outcome::None, NOW), Effect::ReadBody { .. }));
    let Effect::CallGuard { call } = task.next(Outcome::Body(br#"{"to":"+44 7400 123456","code":"123456"}"#.to_vec()), NOW) else { panic!() };
    assert!(matches!(&call.request, GuardRequest::Verify { to, .. } if to == "+447400123456"));
    let answer = WorkerResponse::json_text(200, r#"{"ok":true,"valid":false,"reason":"invalid"}"#.into());
    let Effect::Respond { response } = task.next(Outcome::Guard(Ok(GuardReply::Answer { answer: answer.clone() })), NOW) else { panic!() };
    assert_eq!(response, answer);
}

#[test]
fn a_queue_batch_acks_what_a_2xx_took_and_retries_the_rest() {
    let messages = vec![
        QueuedMessage { id: "e1".into(), body: r#"{"id":"e1"}"#.into(), attempts: 1 },
        QueuedMessage { id: "e2".into(), body: r#"{"id":"e2"}"#.into(), attempts: 3 },
        QueuedMessage { id: "e3".into(), body: r#"{"id":"e3"}"#.into(), attempts: 1 },
    ];
    let mut statuses = vec![Outcome::Status(Some(204)), Outcome::Status(Some(500)), Outcome::Status(None)].into_iter();
    let effects = drive(Task::queue(messages, settings(), NOW), |e| match e {
        Effect::Fetch { url, headers, body } => {
            assert_eq!(url, "http://127.0.0.1:9/hook");
            assert!(headers.iter().any(|(k, _)| k == "webhook-signature") && body.starts_with(r#"{"id":"#));
            statuses.next().unwrap()
        }
        Effect::Batch { .. } => Outcome::Changes(Ok(vec![1])),
        _ => Outcome::None,
    });
    assert_eq!(kinds(&effects), ["fetch", "ack", "fetch", "retry", "fetch", "retry", "batch", "done"]);
    assert_eq!(effects[3], Effect::Retry { index: 1, attempts: 3, delay_seconds: 4 });
    let Effect::Batch { statements } = &effects[6] else { unreachable!() };
    assert_eq!((statements.len(), statements[0].sql), (1, "UPDATE events SET forward_due = NULL WHERE id = ?1"));
    let mut unsigned = settings();
    unsigned.forward_secret = Some("not-whsec".into());
    let one = vec![QueuedMessage { id: "e1".into(), body: "{}".into(), attempts: 1 }];
    let effects = drive(Task::queue(one, unsigned, NOW), |_| Outcome::None);
    assert_eq!(kinds(&effects), ["log", "retry", "done"], "no valid secret: not sent, kept");
}

#[test]
fn a_scheduled_run_deletes_past_retention_then_enqueues_the_due_events_one_by_one() {
    let due = |id: &str| vec![SqlValue::Text(id.into()), SqlValue::Text(format!(r#"{{"id":"{id}"}}"#))];
    let mut queue = vec![Ok(()), Err("refused".to_string()), Ok(())].into_iter();
    let effects = drive(Task::scheduled(settings(), NOW), |e| match e {
        Effect::Batch { .. } => Outcome::Changes(Ok(vec![0, 0])),
        Effect::Query { statement } => {
            assert!(statement.sql.contains("forward_due <= ?1"));
            assert_eq!(statement.binds, [SqlValue::Number(NOW as f64), SqlValue::Number(100.0)]);
            Outcome::Rows(Ok(vec![due("a"), due("b"), due("c")]))
        }
        Effect::Enqueue { messages } => {
            assert_eq!(messages.len(), 1);
            Outcome::Done(queue.next().unwrap())
        }
        _ => Outcome::None,
    });
    assert_eq!(kinds(&effects), ["batch", "query", "enqueue", "enqueue", "enqueue", "log", "batch", "done"]);
    let Effect::Batch { statements } = &effects[0] else { unreachable!() };
    let before = SqlValue::Number((NOW - 3650 * 86_400_000) as f64);
    assert_eq!((statements[0].sql, &statements[0].binds[0]), ("DELETE FROM events WHERE received_at < ?1", &before));
    let Effect::Batch { statements } = &effects[6] else { unreachable!() };
    let leased: Vec<_> = statements.iter().map(|s| s.binds.clone()).collect();
    let lease = SqlValue::Number((NOW + edgetext::worker::FORWARD_LEASE_MS) as f64);
    assert_eq!(leased, [vec![SqlValue::Text("a".into()), lease.clone()], vec![SqlValue::Text("c".into()), lease]], "the refused one stays due");
    // A run is planned at its scheduled time, whenever it starts.
    let mut late = Task::scheduled(settings(), NOW - 86_400_000);
    let Effect::Batch { statements } = late.next(Outcome::None, NOW) else { panic!() };
    assert_eq!(statements[0].binds[0], SqlValue::Number((NOW - 3651 * 86_400_000) as f64));
    let mut quiet = settings();
    quiet.forward_url = None;
    quiet.retention_days = Some("zero".into());
    let effects = drive(Task::scheduled(quiet, NOW), |_| Outcome::None);
    assert_eq!(kinds(&effects), ["log", "done"], "a malformed retention deletes nothing; no forwarding, no outbox");
}

/// `ctx.storage.sql` for the guard's statements: a table of (key, value, forget_at).
#[derive(Default)]
struct Table(BTreeMap<String, (String, u64)>, Vec<String>);

impl GuardSql for Table {
    fn rows(&mut self, sql: &str, binds: &[SqlValue]) -> Result<Vec<Vec<SqlValue>>, String> {
        self.1.push(sql.split_whitespace().take(2).collect::<Vec<_>>().join(" "));
        let text = |i: usize| match &binds[i] { SqlValue::Text(t) => t.clone(), other => panic!("{other:?}") };
        let num = |i: usize| match &binds[i] { SqlValue::Number(n) => *n as u64, other => panic!("{other:?}") };
        if sql.starts_with("SELECT key, value FROM otp_entries WHERE key IN (") {
            assert_eq!(sql.matches('?').count(), binds.len());
            let rows = (0..binds.len()).filter_map(|i| self.0.get(&text(i)).map(|(v, _)| vec![SqlValue::Text(text(i)), SqlValue::Text(v.clone())]));
            Ok(rows.collect())
        } else if sql.starts_with("INSERT INTO otp_entries") {
            self.0.insert(text(0), (text(1), num(2)));
            Ok(vec![])
        } else if sql == "DELETE FROM otp_entries WHERE key = ?" {
            self.0.remove(&text(0));
            Ok(vec![])
        } else if sql == "DELETE FROM otp_entries WHERE forget_at <= ?" {
            let now = num(0);
            self.0.retain(|_, (_, at)| *at > now);
            Ok(vec![])
        } else if sql == "SELECT MIN(forget_at) FROM otp_entries" {
            let min = self.0.values().map(|(_, at)| *at).min();
            Ok(vec![vec![min.map_or(SqlValue::Null, |m| SqlValue::Number(m as f64))]])
        } else {
            Err(format!("not a statement of the guard: {sql}"))
        }
    }
}

fn guard_settings() -> GuardSettings {
    GuardSettings::from_env(|k| match k {
        "OTP_SECRET" => Some(SECRET.into()),
        "OTP_ALLOWED_COUNTRIES" => Some("GB".into()),
        _ => None,
    })
    .unwrap()
}

#[test]
fn the_guard_object_keeps_each_entry_with_its_forget_at_and_sweeps_by_it() {
    assert!(GUARD_SCHEMA[0].contains("forget_at INTEGER NOT NULL") && GUARD_SCHEMA[1].contains("ON otp_entries (forget_at)"));
    let s = guard_settings();
    let mut table = Table::default();
    let send = GuardCall { request: GuardRequest::Send { to: "+447400123456".into(), address: "1.2.3.4".into() }, ceiling: Some("GB".into()) };
    let run = guard_run(&s, &send, &mut table, NOW, &SeededRandom::new([1; 32]), None).unwrap();
    assert!(matches!(run.reply, Some(GuardReply::Counted(GuardAnswer::Send { .. }))), "{run:?}");
    let keys: Vec<&str> = table.0.keys().map(String::as_str).collect();
    assert_eq!(keys, ["a:4:1.2.3.4", "c:GB", "g", "n:+447400123456"]);
    let hour_end = (NOW / 3_600_000 + 1) * 3_600_000;
    assert_eq!(table.0["g"].1, hour_end, "an hourly count goes at the end of its hour");
    assert_eq!(table.0["a:4:1.2.3.4"].1, NOW + 3_600_000, "an address's at the end of its window");
    assert_eq!(run.set_alarm, Some(NOW + 3_600_000.min(hour_end - NOW)));
    // An alarm already set earlier stays; a later one is brought forward.
    let again = GuardCall { request: GuardRequest::Send { to: "+447400123457".into(), address: "1.2.3.5".into() }, ceiling: Some("GB".into()) };
    assert_eq!(guard_run(&s, &again, &mut table, NOW + 1, &SeededRandom::new([2; 32]), Some(NOW)).unwrap().set_alarm, None);
    // The sweep deletes by forget_at alone, and wakes at the earliest left.
    table.1.clear();
    let swept = guard_sweep(&mut table, hour_end).unwrap();
    assert_eq!(table.1, ["DELETE FROM", "SELECT MIN(forget_at)"], "no listing of entries");
    assert!(!table.0.contains_key("g") && !table.0.contains_key("c:GB"));
    assert_eq!(swept.set_alarm, table.0.values().map(|(_, at)| *at).min());
    let swept = guard_sweep(&mut table, u64::MAX / 2).unwrap();
    assert_eq!((table.0.len(), swept.set_alarm), (0, None));
}

#[test]
fn a_guard_call_loads_only_its_keys_and_a_storage_failure_is_an_error() {
    let s = guard_settings();
    let mut table = Table::default();
    table.0.insert("n:+447400999999".into(), ("{}".into(), NOW + 1));
    let verify = GuardCall { request: GuardRequest::Verify { to: "+447400123456".into(), code: "123456".into(), address: "1.2.3.4".into(), trusted: true }, ceiling: Some("GB".into()) };
    let run = guard_run(&s, &verify, &mut table, NOW, &SeededRandom::new([3; 32]), None).unwrap();
    let Some(GuardReply::Answer { answer }) = run.reply else { panic!("{run:?}") };
    assert!(answer.body.contains(r#""reason":"no_code""#), "{}", answer.body);
    struct Broken;
    impl GuardSql for Broken {
        fn rows(&mut self, _: &str, _: &[SqlValue]) -> Result<Vec<Vec<SqlValue>>, String> {
            Err("SQLITE_FULL".into())
        }
    }
    assert_eq!(guard_run(&s, &verify, &mut Broken, NOW, &SeededRandom::new([3; 32]), None).unwrap_err(), "SQLITE_FULL");
}

#[test]
fn every_variable_the_worker_reads_is_listed_once_in_worker_vars() {
    use edgetext::providers::{klink, relay, teklink, textlink};
    use edgetext::worker::WorkerVars;
    let names = WorkerVars::NAMES;
    for secret in [textlink::webhook::SECRET_VAR, teklink::webhook::SECRET_VAR, relay::webhook::SECRET_VAR, klink::webhook::SECRET_VAR] {
        assert!(names.contains(&secret), "{secret}");
    }
    let asked = std::cell::RefCell::new(Vec::new());
    let _ = GuardSettings::from_env(|k| {
        asked.borrow_mut().push(k.to_string());
        (k == "OTP_SECRET").then(|| SECRET.to_string())
    });
    for k in asked.into_inner() {
        assert!(names.contains(&k.as_str()), "the guard reads {k}, which WorkerVars does not list");
    }
    let mut unique = names.to_vec();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), names.len());
    // Read once, each into its place; empty is unset.
    let vars = WorkerVars::read(&|k| match k {
        "RELAY_CALLBACK_TOKEN" => Some("relay-token".into()),
        "FORWARD_URL" => Some("http://127.0.0.1:9/hook".into()),
        "OTP_CORS_ORIGINS" => Some("*".into()),
        "OTP_TEMPLATE" => Some(String::new()),
        _ => None,
    });
    let s = WorkerSettings::from_vars(vars, true, false);
    assert_eq!((s.secrets.relay.as_deref(), s.forward_url.as_deref(), s.otp_bound, s.queue_bound), (Some("relay-token"), Some("http://127.0.0.1:9/hook"), true, false));
    assert_eq!(s.otp_vars.into_iter().collect::<Vec<_>>(), [("OTP_CORS_ORIGINS".to_string(), "*".to_string())]);
}

#[test]
fn a_request_is_routed_once_and_finished_with_its_body() {
    use edgetext::providers::ProviderKind;
    use edgetext::worker::{decide_body, decide_head, BodyRoute, Decision, Head, WorkerRequest};
    let h: Vec<(String, String)> = vec![("content-type".into(), "application/json".into())];
    let req = |method, path| WorkerRequest { method, path, query: "", headers: &h, body: None };
    let s = settings();
    let head = decide_head(&req("POST", "/webhooks/teklink/tek%2Dpath%2Dsecret"), &s);
    let route = BodyRoute::Webhook { provider: ProviderKind::Teklink, path_secret: Some("tek-path-secret".into()) };
    assert_eq!(head, Head::NeedBody { limit: 64 * 1024, route: route.clone() });
    let d = decide_body(route, &req("POST", "/webhooks/teklink/tek%2Dpath%2Dsecret"), br#"{"text":"hi"}"#, &s, NOW);
    assert!(matches!(d, Decision::Store { .. }), "{d:?}");
    assert!(matches!(decide_head(&req("GET", "/webhooks/teklink/x"), &s), Head::Decided(Decision::Respond { response }) if response.status == 405));
    let Head::NeedBody { limit: 2048, route: route @ BodyRoute::Otp { .. } } = decide_head(&req("POST", "/v1/otp/verify"), &s) else { panic!() };
    let d = decide_body(route, &req("POST", "/v1/otp/verify"), br#"{"to":"+447400123456"}"#, &s, NOW);
    assert!(matches!(d, Decision::Respond { response } if response.status == 400), "no code: a 400 without reading anything again");
}
