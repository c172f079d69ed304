//! The worker's protocol: each handler (a request, a Queue batch, a
//! scheduled run) is a [`Task`] that answers one [`Effect`] at a time and
//! is given the [`Outcome`] of each; the runtime carries the effects out
//! against D1, the Queue, the guard object, the provider client and
//! `fetch`, and knows nothing else. The order of the steps, every SQL text
//! and what counts as delivered are here. No I/O: `tests/worker/` drives the
//! tasks with made-up outcomes.
//!
//! A task is an `async` block awaiting its effects: [`Task::next`] polls it
//! once per outcome, and it stops at each effect it asks for.

use crate::providers::ProviderKind;
use crate::worker::otp::guard::{guard_admit, guard_classify, otp_answer, GuardAnswer, GuardCall, GuardRequest};
use crate::worker::otp::route::{otp_after_provider, otp_client_unavailable, SendOutcome};
use crate::worker::otp::store::{GuardReply, SqlValue};
use crate::worker::outbox::{forward_delivery, forward_retry_delay_seconds, scheduled_plan};
use crate::worker::route::{decide_body, decide_head, events_answer, status_answer, storage_unavailable, Decision, Head, StoredEvent, WorkerRequest, WorkerResponse, WorkerSettings};
use crate::worker::statuses::StatusRow;
use crate::ErrorCode;
use core::cell::{Cell, RefCell};
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use serde::Serialize;
use std::rc::Rc;

/// One SQL statement and its values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statement {
    /// The SQL text, with `?N` placeholders.
    pub sql: &'static str,
    /// The values, in placeholder order.
    pub binds: Vec<SqlValue>,
}

/// What the Queue carries: a stored event's id and its JSON text, forwarded byte for byte.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForwardMessage {
    /// The event id.
    pub id: String,
    /// The event as stored.
    pub body: String,
}

/// How loud a log line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    /// `console.warn`.
    Warn,
    /// `console.error`.
    Error,
}

impl LogLevel {
    /// Its name, the `console` method's.
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Warn => "warn",
            LogLevel::Error => "error",
        }
    }
}

/// What a task asks of the runtime next.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Effect {
    /// Read at most `limit` + 1 bytes of the request's body ([`Outcome::Body`]).
    ReadBody {
        /// The largest body accepted.
        limit: usize,
    },
    /// Run the statements as one D1 batch (one transaction): [`Outcome::Changes`].
    Batch {
        /// The statements.
        statements: Vec<Statement>,
    },
    /// Run one D1 statement and give its rows as lists of column values: [`Outcome::Rows`].
    Query {
        /// The statement.
        statement: Statement,
    },
    /// Give the client that sends one-time codes, if the app gave one
    /// (`createWorker({ otp: { client } })`): [`Outcome::Client`].
    OtpClient,
    /// Ask the guard object (`EDGETEXT_OTP`, the object named `guard`): [`Outcome::Guard`].
    CallGuard {
        /// What it is asked.
        call: GuardCall,
    },
    /// Send `text` to `to` through the OTP client: [`Outcome::Sent`].
    Send {
        /// The number.
        to: String,
        /// The text.
        text: String,
    },
    /// Hand the messages to `FORWARD_QUEUE` in one `sendBatch`: [`Outcome::Done`].
    Enqueue {
        /// The messages' bodies.
        messages: Vec<ForwardMessage>,
    },
    /// POST `body` to `url` and give the status: [`Outcome::Status`].
    Fetch {
        /// The URL.
        url: String,
        /// The headers.
        headers: Vec<(String, String)>,
        /// The body.
        body: String,
    },
    /// Acknowledge message `index` of the Queue batch.
    Ack {
        /// Its place in the batch.
        index: usize,
    },
    /// Hand message `index` back to the Queue, to come again after
    /// `delay_seconds` (the app's `retryDelaySeconds(attempts)` when given).
    #[serde(rename_all = "camelCase")]
    Retry {
        /// Its place in the batch.
        index: usize,
        /// Its attempts so far.
        attempts: u32,
        /// The delay.
        delay_seconds: u32,
    },
    /// Write a line to the log (never a secret).
    Log {
        /// How loud.
        level: LogLevel,
        /// The line.
        message: String,
    },
    /// The task's last effect: answer this.
    Respond {
        /// The answer.
        response: WorkerResponse,
    },
    /// The task's last effect: the app's `fallback` answers, else `response`.
    Fallback {
        /// The answer without a fallback.
        response: WorkerResponse,
    },
    /// The task's last effect, for a Queue batch or a scheduled run.
    Done,
}

/// What came of an effect, given to [`Task::next`].
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Nothing to say: the first call, and after a log, an ack or a retry.
    None,
    /// The body read.
    Body(Vec<u8>),
    /// A batch's changed-row counts, one per statement, or why it failed.
    Changes(Result<Vec<u64>, String>),
    /// A query's rows, or why it failed.
    Rows(Result<Vec<Vec<SqlValue>>, String>),
    /// The OTP client is ready, or why none can be made.
    Client(Result<(), String>),
    /// The guard object's reply, or why the object failed.
    Guard(Result<GuardReply, String>),
    /// The provider took the message (its name), or the error's code (when
    /// it carried a known one) and message.
    Sent(Result<String, (Option<ErrorCode>, String)>),
    /// Done, or why not.
    Done(Result<(), String>),
    /// The HTTP status answered; `None` when the request failed.
    Status(Option<u16>),
}

struct Io {
    asked: RefCell<Option<Effect>>,
    given: RefCell<Option<Outcome>>,
    now: Cell<u64>,
}

/// Asks for one effect and waits for its outcome.
struct Ask<'a> {
    io: &'a Io,
    effect: Option<Effect>,
}

impl Future for Ask<'_> {
    type Output = Outcome;
    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Outcome> {
        if let Some(effect) = self.effect.take() {
            *self.io.asked.borrow_mut() = Some(effect);
            return Poll::Pending;
        }
        match self.io.given.borrow_mut().take() {
            Some(outcome) => Poll::Ready(outcome),
            None => Poll::Pending,
        }
    }
}

impl Io {
    fn ask(&self, effect: Effect) -> Ask<'_> {
        Ask { io: self, effect: Some(effect) }
    }
    async fn log(&self, level: LogLevel, message: String) {
        self.ask(Effect::Log { level, message }).await;
    }
    async fn batch(&self, statements: Vec<Statement>) -> Result<Vec<u64>, String> {
        match self.ask(Effect::Batch { statements }).await {
            Outcome::Changes(r) => r,
            _ => Err("no batch result".into()),
        }
    }
    async fn query(&self, statement: Statement) -> Result<Vec<Vec<SqlValue>>, String> {
        match self.ask(Effect::Query { statement }).await {
            Outcome::Rows(r) => r,
            _ => Err("no query result".into()),
        }
    }
    async fn enqueue(&self, messages: Vec<ForwardMessage>) -> Result<(), String> {
        match self.ask(Effect::Enqueue { messages }).await {
            Outcome::Done(r) => r,
            _ => Err("no queue result".into()),
        }
    }
    async fn guard(&self, call: GuardCall) -> Option<GuardReply> {
        let error = match self.ask(Effect::CallGuard { call }).await {
            Outcome::Guard(Ok(reply)) => return Some(reply),
            Outcome::Guard(Err(error)) => error,
            _ => "no answer".into(),
        };
        self.log(LogLevel::Error, format!("the EdgetextOtp object failed: {error}")).await;
        None
    }
}

/// One handler's run: call [`next`](Task::next) with [`Outcome::None`]
/// first, then with the outcome of each effect it answers, until it answers
/// [`Effect::Respond`], [`Effect::Fallback`] or [`Effect::Done`].
pub struct Task {
    io: Rc<Io>,
    run: Option<Pin<Box<dyn Future<Output = Effect>>>>,
    started: bool,
}

impl Task {
    fn new<F: Future<Output = Effect> + 'static>(now: u64, body: impl FnOnce(Rc<Io>) -> F) -> Task {
        let io = Rc::new(Io { asked: RefCell::new(None), given: RefCell::new(None), now: Cell::new(now) });
        let run = Box::pin(body(io.clone()));
        Task { io, run: Some(run), started: false }
    }

    /// The next effect, given the outcome of the last one and the time now
    /// (ms; the first call keeps the time the task was made for, such as a
    /// scheduled run's).
    pub fn next(&mut self, outcome: Outcome, now: u64) -> Effect {
        let Some(run) = self.run.as_mut() else { return Effect::Done };
        *self.io.given.borrow_mut() = Some(outcome);
        if core::mem::replace(&mut self.started, true) {
            self.io.now.set(now);
        }
        match run.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(last) => {
                self.run = None;
                last
            }
            Poll::Pending => self.io.asked.borrow_mut().take().unwrap_or(Effect::Done),
        }
    }

    /// The task of one request (the body is read when the route needs it).
    pub fn request(request: OwnedRequest, settings: impl Into<Rc<WorkerSettings>>, now: u64) -> Task {
        let settings = settings.into();
        Task::new(now, move |io| handle_request(io, request, settings))
    }

    /// The task of a Queue batch: forward each message, acknowledge the
    /// delivered ones and hand the others back.
    pub fn queue(messages: Vec<QueuedMessage>, settings: impl Into<Rc<WorkerSettings>>, now: u64) -> Task {
        let settings = settings.into();
        Task::new(now, move |io| handle_queue(io, messages, settings))
    }

    /// The task of a scheduled run: retention, then the outbox.
    pub fn scheduled(settings: impl Into<Rc<WorkerSettings>>, now: u64) -> Task {
        let settings = settings.into();
        Task::new(now, move |io| handle_scheduled(io, settings))
    }
}

/// A request, owned (the task outlives the runtime's call).
#[derive(Debug, Clone, Default)]
pub struct OwnedRequest {
    /// The method.
    pub method: String,
    /// The path, still percent-encoded.
    pub path: String,
    /// The query string, without the `?`.
    pub query: String,
    /// Header names and values.
    pub headers: Vec<(String, String)>,
}

/// One message of a Queue batch.
#[derive(Debug, Clone, Default)]
pub struct QueuedMessage {
    /// The event id it carries.
    pub id: String,
    /// The event's JSON text.
    pub body: String,
    /// Its delivery attempts so far.
    pub attempts: u32,
}

const INSERT_EVENT: &str =
    "INSERT OR IGNORE INTO events (id, provider, type, message_id, occurred_at, received_at, body, forward_due) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
// Runs in the same batch (one transaction) right after INSERT_EVENT: changes()
// is 1 only when that event's row is new, so a redelivery moves nothing.
const MOVE_STATUS: &str = "INSERT INTO statuses (provider, message_id, status, precedence, error, created_at, delivered_at, updated_at, received_at, last_event)
  SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6, ?8, ?9 WHERE changes() = 1
  ON CONFLICT (provider, message_id) DO UPDATE SET
    status = excluded.status, precedence = excluded.precedence, error = excluded.error,
    delivered_at = COALESCE(excluded.delivered_at, statuses.delivered_at),
    updated_at = excluded.updated_at, received_at = excluded.received_at, last_event = excluded.last_event
  WHERE excluded.precedence > statuses.precedence";
const SET_DUE: &str = "UPDATE events SET forward_due = ?2 WHERE id = ?1 AND forward_due IS NOT NULL";
const FORWARDED: &str = "UPDATE events SET forward_due = NULL WHERE id = ?1";
const READ_STATUS: &str = "SELECT provider, message_id, status, error, created_at, delivered_at, last_event FROM statuses WHERE provider = ?1 AND message_id = ?2";
const READ_EVENTS_SINCE: &str = "SELECT body FROM events WHERE occurred_at > ?1 ORDER BY received_at DESC, occurred_at DESC LIMIT ?2";
const READ_EVENTS: &str = "SELECT body FROM events ORDER BY received_at DESC, occurred_at DESC LIMIT ?1";
const DELETE_EVENTS: &str = "DELETE FROM events WHERE received_at < ?1";
const DELETE_STATUSES: &str = "DELETE FROM statuses WHERE received_at < ?1";
const DUE_EVENTS: &str = "SELECT id, body FROM events WHERE forward_due IS NOT NULL AND forward_due <= ?1 ORDER BY forward_due LIMIT ?2";

fn text(s: impl Into<String>) -> SqlValue {
    SqlValue::Text(s.into())
}
fn number(n: impl Into<f64>) -> SqlValue {
    SqlValue::Number(n.into())
}
fn opt_text(s: Option<impl Into<String>>) -> SqlValue {
    s.map_or(SqlValue::Null, text)
}
fn ms(t: u64) -> SqlValue {
    SqlValue::Number(t as f64)
}

fn insert_event(e: &StoredEvent) -> Statement {
    let binds = vec![
        text(e.id.as_str()),
        text(e.provider.as_str()),
        text(e.kind.as_str()),
        opt_text(e.message_id.as_deref()),
        text(e.occurred_at.as_str()),
        ms(e.received_at),
        text(e.body.as_str()),
        e.forward_due.map_or(SqlValue::Null, ms),
    ];
    Statement { sql: INSERT_EVENT, binds }
}

fn move_status(e: &StoredEvent) -> Option<Statement> {
    let s = e.status.as_ref()?;
    let binds = vec![
        text(e.provider.as_str()),
        opt_text(e.message_id.as_deref()),
        text(s.status.as_str()),
        ms(s.precedence),
        opt_text(s.error.as_deref()),
        text(s.at.as_str()),
        opt_text(s.delivered_at.as_deref()),
        ms(e.received_at),
        text(e.body.as_str()),
    ];
    Some(Statement { sql: MOVE_STATUS, binds })
}

fn set_due(id: &str, due: u64) -> Statement {
    Statement { sql: SET_DUE, binds: vec![text(id), ms(due)] }
}

fn storage_failed_line(error: &str) -> String {
    format!("storage error: {error}")
}

async fn handle_request(io: Rc<Io>, request: OwnedRequest, settings: Rc<WorkerSettings>) -> Effect {
    let req = WorkerRequest { method: &request.method, path: &request.path, query: &request.query, headers: &request.headers, body: None };
    let decision = match decide_head(&req, &settings) {
        Head::Decided(d) => d,
        Head::NeedBody { limit, route } => {
            let body = match io.ask(Effect::ReadBody { limit }).await {
                Outcome::Body(b) => b,
                _ => Vec::new(),
            };
            decide_body(route, &req, &body, &settings, io.now.get())
        }
    };
    match decision {
        Decision::Respond { response } => Effect::Respond { response },
        Decision::Fallback { response } => Effect::Fallback { response },
        // decide_body never asks for the body again.
        Decision::NeedBody { .. } => Effect::Respond { response: WorkerResponse::error(400, "the body could not be read") },
        Decision::Store { events, forward, due_if_unqueued, response } => apart(store(&io, &settings, events, forward, due_if_unqueued, response)).await,
        Decision::ReadStatus { provider, message_id } => apart(read_status(&io, provider, message_id)).await,
        Decision::ReadEvents { limit, since } => apart(read_events(&io, limit, since)).await,
        Decision::Otp { request, cors } => {
            let mut response = otp(&io, &settings, request).await;
            response.headers.extend(cors);
            Effect::Respond { response }
        }
    }
}

/// `step` behind a pointer: its code stays out of the request's own, which V8
/// compiles whole on a route's first request (the wasm is compiled lazily, a
/// function at a time), so a one-time code's first request does not compile
/// the webhooks' and the reads' steps.
#[inline(never)]
fn apart<'a>(step: impl Future<Output = Effect> + 'a) -> Pin<Box<dyn Future<Output = Effect> + 'a>> {
    Box::pin(step)
}

/// Stores the events (each once, with its status move, in one batch), then
/// hands the new ones to the Queue when forwarding.
async fn store(io: &Io, settings: &WorkerSettings, events: Vec<StoredEvent>, forward: bool, due_if_unqueued: u64, response: WorkerResponse) -> Effect {
    let mut statements = Vec::with_capacity(events.len() * 2);
    let mut inserts = Vec::with_capacity(events.len());
    for e in &events {
        inserts.push(statements.len());
        statements.push(insert_event(e));
        statements.extend(move_status(e));
    }
    let changes = match io.batch(statements).await {
        Ok(c) => c,
        Err(error) => {
            io.log(LogLevel::Error, storage_failed_line(&error)).await;
            return Effect::Respond { response: storage_unavailable() };
        }
    };
    let fresh: Vec<ForwardMessage> = events
        .into_iter()
        .zip(inserts)
        .filter(|(_, at)| changes.get(*at).is_some_and(|c| *c > 0))
        .map(|(e, _)| ForwardMessage { id: e.id, body: e.body })
        .collect();
    if forward && !fresh.is_empty() {
        let queued = match settings.queue_bound {
            true => io.enqueue(fresh.clone()).await,
            false => Err("no FORWARD_QUEUE binding".into()),
        };
        if let Err(error) = queued {
            let line = format!("the forwarding queue refused {} event(s); the outbox keeps them: {error}", fresh.len());
            io.log(LogLevel::Warn, line).await;
            // If this fails too, their lease runs out and the scheduled run sends them then.
            let _ = io.batch(fresh.iter().map(|e| set_due(&e.id, due_if_unqueued)).collect()).await;
        }
    }
    Effect::Respond { response }
}

fn status_row(row: &[SqlValue]) -> Option<StatusRow> {
    let t = |i: usize| match row.get(i) {
        Some(SqlValue::Text(s)) => Some(s.clone()),
        _ => None,
    };
    Some(StatusRow {
        provider: ProviderKind::parse(&t(0)?)?,
        message_id: t(1)?,
        status: crate::contract::DeliveryStatus::parse(&t(2)?),
        error: t(3),
        created_at: t(4),
        delivered_at: t(5),
        last_event: t(6)?,
    })
}

async fn read_status(io: &Io, provider: ProviderKind, message_id: String) -> Effect {
    let rows = io.query(Statement { sql: READ_STATUS, binds: vec![text(provider.as_str()), text(message_id)] }).await;
    let response = match rows.map(|rows| rows.iter().map(|r| status_row(r)).collect::<Option<Vec<_>>>()) {
        Ok(Some(rows)) => status_answer(rows),
        Ok(None) => storage_unavailable(),
        Err(error) => {
            io.log(LogLevel::Error, storage_failed_line(&error)).await;
            storage_unavailable()
        }
    };
    Effect::Respond { response }
}

fn first_text(row: Vec<SqlValue>) -> Option<String> {
    match row.into_iter().next() {
        Some(SqlValue::Text(s)) => Some(s),
        _ => None,
    }
}

async fn read_events(io: &Io, limit: u32, since: Option<String>) -> Effect {
    let statement = match since {
        Some(since) => Statement { sql: READ_EVENTS_SINCE, binds: vec![text(since), number(limit)] },
        None => Statement { sql: READ_EVENTS, binds: vec![number(limit)] },
    };
    let response = match io.query(statement).await {
        Ok(rows) => events_answer(rows.into_iter().filter_map(first_text).collect()),
        Err(error) => {
            io.log(LogLevel::Error, storage_failed_line(&error)).await;
            storage_unavailable()
        }
    };
    Effect::Respond { response }
}

/// A one-time-code request the route read and checked: the client (for a
/// send), the refusals that need no state, the guard object, the provider,
/// and a refund when the provider certainly did not take the message.
async fn otp(io: &Io, settings: &WorkerSettings, request: GuardRequest) -> WorkerResponse {
    let guard = match settings.guard() {
        Ok(g) => g,
        Err(r) => return r.into(),
    };
    if matches!(request, GuardRequest::Send { .. }) {
        if let Outcome::Client(Err(reason)) = io.ask(Effect::OtpClient).await {
            return otp_client_unavailable(settings, &reason);
        }
    }
    let (call, range) = guard_classify(&request);
    if let Some(refusal) = guard_admit(&guard, &call, range.as_ref()) {
        return otp_answer(&refusal).into();
    }
    let ceiling = call.ceiling.clone();
    let sent = match io.guard(call).await {
        None => return storage_unavailable(),
        Some(GuardReply::Answer { answer }) => return answer,
        Some(GuardReply::Counted(sent)) => sent,
    };
    let GuardAnswer::Send { to, text, .. } = &sent else { return otp_answer(&sent).into() };
    let outcome = io.ask(Effect::Send { to: to.clone(), text: text.clone() }).await;
    let outcome = match &outcome {
        Outcome::Sent(Ok(provider)) => SendOutcome::Sent { provider },
        Outcome::Sent(Err((Some(code), message))) => SendOutcome::Failed { code: *code, message },
        _ => SendOutcome::Failed { code: ErrorCode::ProviderUnavailable, message: "the provider failed" },
    };
    let (response, refund) = otp_after_provider(settings, &request, &sent, outcome);
    if let Some(refund) = refund {
        io.guard(GuardCall { request: refund, ceiling }).await;
    }
    response
}

async fn handle_queue(io: Rc<Io>, messages: Vec<QueuedMessage>, settings: Rc<WorkerSettings>) -> Effect {
    let mut delivered = Vec::new();
    for (index, m) in messages.into_iter().enumerate() {
        let ok = match forward_delivery(&settings, &m.id, &m.body, io.now.get()) {
            Ok(d) => {
                let status = io.ask(Effect::Fetch { url: d.url, headers: d.headers, body: m.body }).await;
                // Any 2xx is a delivery; anything else comes again.
                matches!(status, Outcome::Status(Some(s)) if (200..300).contains(&s))
            }
            Err(error) => {
                io.log(LogLevel::Warn, format!("not forwarding: {error}")).await;
                false
            }
        };
        if ok {
            io.ask(Effect::Ack { index }).await;
            delivered.push(m.id);
        } else {
            io.ask(Effect::Retry { index, attempts: m.attempts, delay_seconds: forward_retry_delay_seconds(m.attempts) }).await;
        }
    }
    if !delivered.is_empty() {
        let marks = delivered.into_iter().map(|id| Statement { sql: FORWARDED, binds: vec![text(id)] }).collect();
        // If this fails, the outbox sends them again later: at least once.
        if let Err(error) = io.batch(marks).await {
            io.log(LogLevel::Warn, format!("could not mark forwarded events: {error}")).await;
        }
    }
    Effect::Done
}

async fn handle_scheduled(io: Rc<Io>, settings: Rc<WorkerSettings>) -> Effect {
    let plan = scheduled_plan(&settings, io.now.get());
    if let Some(warning) = plan.warning {
        io.log(LogLevel::Warn, warning).await;
    }
    if let Some(before) = plan.delete_before {
        // A failed deletion is retried by the next run; the outbox runs regardless.
        let deletes = vec![Statement { sql: DELETE_EVENTS, binds: vec![ms(before)] }, Statement { sql: DELETE_STATUSES, binds: vec![ms(before)] }];
        if let Err(error) = io.batch(deletes).await {
            io.log(LogLevel::Error, format!("retention failed, the next run tries again: {error}")).await;
        }
    }
    let (Some(due_by), true) = (plan.due_by, settings.queue_bound) else { return Effect::Done };
    let due = match io.query(Statement { sql: DUE_EVENTS, binds: vec![ms(due_by), number(plan.batch)] }).await {
        Ok(rows) => rows,
        Err(error) => {
            io.log(LogLevel::Error, storage_failed_line(&error)).await;
            return Effect::Done;
        }
    };
    let total = due.len();
    let mut sent = Vec::new();
    for row in due {
        let mut values = row.into_iter();
        let (Some(SqlValue::Text(id)), Some(SqlValue::Text(body))) = (values.next(), values.next()) else { continue };
        // One at a time: a refused one stays due for the next run.
        if io.enqueue(vec![ForwardMessage { id: id.clone(), body }]).await.is_ok() {
            sent.push(id);
        }
    }
    if sent.len() < total {
        io.log(LogLevel::Warn, format!("the forwarding queue refused {} of {total} due event(s)", total - sent.len())).await;
    }
    if !sent.is_empty() {
        if let Err(error) = io.batch(sent.iter().map(|id| set_due(id, plan.lease_until)).collect()).await {
            io.log(LogLevel::Error, storage_failed_line(&error)).await;
        }
    }
    Effect::Done
}
