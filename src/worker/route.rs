//! The worker's request handler as a pure function: (method, path, query,
//! headers, body, settings, now) → a [`Decision`] the runtime carries out
//! against D1 and the Queue. Routing, credentials, percent-decoding and
//! every refusal are decided here; only a storage failure (which the runtime
//! meets while carrying a decision out) answers 5xx.

use crate::core::codec::{self, RawJson};
use crate::core::encode::percent_decode;
use crate::worker::statuses::{StatusRow, StatusUpdate};
use crate::secret_eq;
use crate::providers::webhook::{reject, Rejection, WebhookRequest};
use crate::worker::{parse_webhook, WebhookSecrets, MAX_WEBHOOK_BODY};
use crate::client::MessageStatus;
use crate::contract::{EventKind, InboundEvent};
use crate::providers::ProviderKind;
use crate::{iso8601, parse_iso8601};
use serde::Serialize;

/// What the worker reads from its environment (never logged or echoed).
#[derive(Clone, Default)]
pub struct WorkerSettings {
    /// The four providers' webhook secrets.
    pub secrets: WebhookSecrets,
    /// `EDGETEXT_API_TOKEN`: guards the `/v1` reads.
    pub api_token: Option<String>,
    /// `FORWARD_URL`: where new events are forwarded.
    pub forward_url: Option<String>,
    /// `FORWARD_SECRET`: `whsec_<base64>`, the forwarding signature key.
    pub forward_secret: Option<String>,
    /// `EVENT_RETENTION_DAYS` as set (default 30).
    pub retention_days: Option<String>,
    /// The `OTP_*` variables as set (the OTP routes' settings, `OTP_SECRET` and `OTP_API_KEY` among them).
    pub otp_vars: crate::worker::keyed::Keyed<String>,
    /// Whether the `EdgetextOtp` Durable Object is bound (`EDGETEXT_OTP`).
    pub otp_bound: bool,
    /// Whether the forwarding Queue is bound (`FORWARD_QUEUE`).
    pub queue_bound: bool,
}

/// One request to the worker, as plain data.
pub struct WorkerRequest<'a> {
    /// The method (`GET`, `POST`, …).
    pub method: &'a str,
    /// The path as sent, still percent-encoded.
    pub path: &'a str,
    /// The query string, without the `?`.
    pub query: &'a str,
    /// Header names and values.
    pub headers: &'a [(String, String)],
    /// The body, once read: `None` until a [`Decision::NeedBody`] asked for it.
    /// A body longer than the limit may be cut at limit + 1 bytes.
    pub body: Option<&'a [u8]>,
}

impl WorkerRequest<'_> {
    /// Whether its `Content-Length` says the body is longer than `limit`.
    pub(crate) fn declares_more_than(&self, limit: usize) -> bool {
        let declared = crate::core::http::find_header(self.headers, "content-length").and_then(|v| v.trim().parse::<u64>().ok());
        declared.is_some_and(|n| n > limit as u64)
    }
}

/// An answer, as plain data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkerResponse {
    /// The HTTP status.
    pub status: u16,
    /// Header names and values.
    pub headers: Vec<(String, String)>,
    /// The body (JSON text).
    pub body: String,
}

#[derive(Serialize)]
struct Refusal<'a> {
    ok: bool,
    error: &'a str,
}

#[derive(Serialize)]
struct Accepted {
    ok: bool,
    events: usize,
}

#[derive(Serialize)]
struct EventList {
    ok: bool,
    events: Vec<RawJson>,
}

impl WorkerResponse {
    /// A JSON answer.
    pub fn json<T: Serialize>(status: u16, value: &T) -> Self {
        Self::json_text(status, codec::to_json(value))
    }

    /// An answer of JSON text.
    pub fn json_text(status: u16, body: String) -> Self {
        WorkerResponse {
            status,
            headers: vec![("content-type".into(), "application/json; charset=utf-8".into()), ("cache-control".into(), "no-store".into())],
            body,
        }
    }

    /// `{ "ok": false, "error": … }`.
    pub fn error(status: u16, error: &str) -> Self {
        Self::json(status, &Refusal { ok: false, error })
    }

    pub(crate) fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }
}

impl From<Rejection> for WorkerResponse {
    fn from(r: Rejection) -> Self {
        WorkerResponse::error(r.status, &r.error)
    }
}

/// One event to store, with every value the runtime binds into D1.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredEvent {
    /// The event id (primary key: a redelivery is stored once).
    pub id: String,
    /// The provider.
    pub provider: ProviderKind,
    /// The event type.
    #[serde(rename = "type")]
    pub kind: EventKind,
    /// The message the event is about.
    pub message_id: Option<String>,
    /// The event's time (RFC 3339).
    pub occurred_at: String,
    /// The time of arrival (ms), or the event's own time if later: what retention counts from.
    pub received_at: u64,
    /// The event as JSON text: stored, served and forwarded byte for byte.
    pub body: String,
    /// When the outbox sends it, if forwarding is configured (ms).
    pub forward_due: Option<u64>,
    /// The status it moves, applied only if its row is new (see `inbound_status`).
    pub status: Option<StatusUpdate>,
}

impl StoredEvent {
    fn new(e: &InboundEvent, now_ms: u64, forward_due: Option<u64>) -> Self {
        StoredEvent {
            id: e.id.clone(),
            provider: e.provider,
            kind: e.kind,
            message_id: e.message_id.clone(),
            occurred_at: iso8601(e.occurred_at_ms),
            // Never before the event's own time: a row is then kept until its
            // event is older than the retention period, when a replay is refused.
            received_at: now_ms.max(e.occurred_at_ms),
            body: e.to_json(),
            forward_due,
            status: e.message_id.as_ref().and_then(|_| StatusUpdate::of(e)),
        }
    }
}

/// What the runtime does with a request.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Decision {
    /// Answer this and do nothing else.
    Respond {
        /// The answer.
        response: WorkerResponse,
    },
    /// Read the body (at most `limit` + 1 bytes) and decide again with it.
    NeedBody {
        /// The largest body accepted.
        limit: usize,
    },
    /// Store the events (each once, with its status move, in one batch),
    /// enqueue the new ones when `forward` is set, then answer `response`;
    /// a storage failure answers [`storage_unavailable`] instead.
    #[serde(rename_all = "camelCase")]
    Store {
        /// The events.
        events: Vec<StoredEvent>,
        /// Whether new events go to the forwarding Queue.
        forward: bool,
        /// The `forward_due` to set on new events the Queue refused, so that
        /// the next scheduled run sends them.
        due_if_unqueued: u64,
        /// The answer once stored.
        response: WorkerResponse,
    },
    /// Read the status row of `provider`'s `message_id` and answer [`status_answer`].
    #[serde(rename_all = "camelCase")]
    ReadStatus {
        /// The provider.
        provider: ProviderKind,
        /// The provider's message id.
        message_id: String,
    },
    /// Read the newest `limit` events (occurred after `since`) and answer [`events_answer`].
    ReadEvents {
        /// 1 to 500.
        limit: u32,
        /// An RFC 3339 time as stored, or none.
        since: Option<String>,
    },
    /// A one-time-code request, read and checked: for a send, the client
    /// that sends codes and the refusals that need no state, then the guard
    /// (the Durable Object), then the provider; every answer carries the
    /// `cors` headers.
    Otp {
        /// What the guard is asked.
        request: crate::worker::otp::guard::GuardRequest,
        /// CORS headers for every answer to the request.
        cors: Vec<(String, String)>,
    },
    /// Not a route of the worker: the app's `fallback` answers, else `response` (404).
    Fallback {
        /// The answer without a fallback.
        response: WorkerResponse,
    },
}

fn fallback() -> Decision {
    Decision::Fallback { response: WorkerResponse::error(404, "not found") }
}

fn respond(response: WorkerResponse) -> Decision {
    Decision::Respond { response }
}

fn refuse(status: u16, error: &str) -> Decision {
    respond(WorkerResponse::error(status, error))
}

/// The answer when storage fails: 503, so that the provider delivers again.
pub fn storage_unavailable() -> WorkerResponse {
    WorkerResponse::error(503, "storage unavailable, retry later").with_header("retry-after", "5")
}

/// The answer to a status read, from the rows found (at most one: the
/// provider and the message id are the table's key).
pub fn status_answer(rows: Vec<StatusRow>) -> WorkerResponse {
    match rows.into_iter().next() {
        None => WorkerResponse::error(404, "no events seen for this message"),
        Some(row) => WorkerResponse::json(200, &MessageStatus::from(row)),
    }
}

/// The answer to an events read, from the stored events' JSON texts.
pub fn events_answer(bodies: Vec<String>) -> WorkerResponse {
    WorkerResponse::json(200, &EventList { ok: true, events: bodies.into_iter().map(RawJson).collect() })
}

/// The value of `name` in a query string (the first one), decoded.
fn query_param(query: &str, name: &str) -> Result<Option<String>, Rejection> {
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let k = percent_decode(k, true).ok_or_else(|| reject(400, "malformed percent-encoding in the query"))?;
        if k == name {
            return percent_decode(v, true).map(Some).ok_or_else(|| reject(400, "malformed percent-encoding in the query"));
        }
    }
    Ok(None)
}

/// Whether the request carries `Authorization: Bearer <EDGETEXT_API_TOKEN>`
/// (the scheme is required; its case is not significant, per RFC 9110).
pub fn bearer_authorized(headers: &[(String, String)], token: Option<&str>) -> bool {
    bearer_matches(crate::core::http::find_header(headers, "authorization"), token)
}

/// Whether an `Authorization` value is `Bearer <token>`, for a token that is set.
pub(crate) fn bearer_matches(value: Option<&str>, token: Option<&str>) -> bool {
    let (Some(token), Some(value)) = (token.filter(|t| !t.is_empty()), value) else { return false };
    let given = crate::core::http::bearer_token(value);
    given.is_some_and(|g| secret_eq(g, token))
}

/// A route whose decision waits for the body: what was read of the
/// request before it, carried to [`decide_body`] so that nothing is read
/// or decided twice.
#[derive(Debug, Clone, PartialEq)]
pub enum BodyRoute {
    /// A webhook of `provider`.
    Webhook {
        /// The provider.
        provider: ProviderKind,
        /// Teklink's secret path segment, decoded.
        path_secret: Option<String>,
    },
    /// An OTP route, with the CORS headers of every answer to it.
    Otp {
        /// Which route.
        action: crate::worker::otp::route::OtpAction,
        /// CORS headers for every answer to the request.
        cors: Vec<(String, String)>,
    },
}

/// The first decision on a request, made without its body.
#[derive(Debug, Clone, PartialEq)]
pub enum Head {
    /// Decided: the body is not needed.
    Decided(Decision),
    /// Read at most `limit` + 1 bytes of the body and finish with [`decide_body`].
    NeedBody {
        /// The largest body accepted.
        limit: usize,
        /// The route, as read so far.
        route: BodyRoute,
    },
}

/// Decides what to do with one request to the worker: [`decide_head`],
/// then [`decide_body`] when the body is given, else [`Decision::NeedBody`].
pub fn decide(req: &WorkerRequest, settings: &WorkerSettings, now_ms: u64) -> Decision {
    match (decide_head(req, settings), req.body) {
        (Head::Decided(d), _) => d,
        (Head::NeedBody { route, .. }, Some(body)) => decide_body(route, req, body, settings, now_ms),
        (Head::NeedBody { limit, .. }, None) => Decision::NeedBody { limit },
    }
}

/// Routes a request without reading its body (`req.body` is not looked at).
// webhook_head, webhook_body and v1 stay out of the router's code
// (inline(never)): V8 compiles a function whole on its first call, and a
// one-time code's first request runs none of them.
pub fn decide_head(req: &WorkerRequest, settings: &WorkerSettings) -> Head {
    let Some(rest) = req.path.strip_prefix('/') else { return Head::Decided(fallback()) };
    let raw: Vec<&str> = rest.split('/').collect();
    match raw[0] {
        "webhooks" => webhook_head(req, &raw[1..]).unwrap_or_else(|r| Head::Decided(respond(r.into()))),
        "v1" if raw.get(1) == Some(&"otp") => crate::worker::otp::route::otp_head(req, &raw[1..], settings),
        "v1" => Head::Decided(v1(req, &raw[1..], settings).unwrap_or_else(|r| respond(r.into()))),
        _ => Head::Decided(fallback()),
    }
}

/// The decision on a routed request once its `body` is read.
pub fn decide_body(route: BodyRoute, req: &WorkerRequest, body: &[u8], settings: &WorkerSettings, now_ms: u64) -> Decision {
    match route {
        BodyRoute::Webhook { provider, path_secret } => {
            webhook_body(req, provider, path_secret.as_deref(), body, settings, now_ms).unwrap_or_else(|r| respond(r.into()))
        }
        BodyRoute::Otp { action, cors } => crate::worker::otp::route::otp_body(action, cors, req, body, settings),
    }
}

/// Decoded path segments; a trailing slash is allowed, an empty segment is not a route.
fn segments(raw: &[&str]) -> Result<Option<Vec<String>>, Rejection> {
    let raw = match raw.split_last() {
        Some((last, init)) if last.is_empty() && !init.is_empty() => init,
        _ => raw,
    };
    let mut out = Vec::with_capacity(raw.len());
    for s in raw {
        if s.is_empty() {
            return Ok(None);
        }
        out.push(percent_decode(s, false).ok_or_else(|| reject(400, "malformed percent-encoding in the path"))?);
    }
    Ok(Some(out))
}

fn not_found() -> Rejection {
    reject(404, "unknown webhook route")
}

#[inline(never)]
fn webhook_head(req: &WorkerRequest, raw: &[&str]) -> Result<Head, Rejection> {
    let segs = segments(raw)?.ok_or_else(not_found)?;
    let (provider, path_secret) = match segs.as_slice() {
        [p] => (ProviderKind::parse(p).ok_or_else(not_found)?, None),
        [p, secret] if p == "teklink" => (ProviderKind::Teklink, Some(secret.clone())),
        _ => return Err(not_found()),
    };
    if req.method != "POST" {
        return Ok(Head::Decided(respond(WorkerResponse::error(405, "use POST").with_header("allow", "POST"))));
    }
    if req.declares_more_than(MAX_WEBHOOK_BODY) {
        return Err(reject(413, "body is larger than 64 KiB"));
    }
    Ok(Head::NeedBody { limit: MAX_WEBHOOK_BODY, route: BodyRoute::Webhook { provider, path_secret } })
}

#[inline(never)]
fn webhook_body(req: &WorkerRequest, provider: ProviderKind, path_secret: Option<&str>, body: &[u8], settings: &WorkerSettings, now_ms: u64) -> Result<Decision, Rejection> {
    let hint = query_param(req.query, "event")?;
    let input = WebhookRequest { provider, path_secret, event_hint: hint.as_deref(), headers: req.headers, body };
    let events = parse_webhook(&input, &settings.secrets, now_ms)?;
    crate::worker::refuse_expired_events(&events, settings, now_ms)?;
    let response = WorkerResponse::json(200, &Accepted { ok: true, events: events.len() });
    if events.is_empty() {
        return Ok(respond(response));
    }
    let forward = settings.forward_url.is_some();
    let due = forward.then_some(now_ms + crate::worker::FORWARD_LEASE_MS);
    let events = events.iter().map(|e| StoredEvent::new(e, now_ms, due)).collect();
    Ok(Decision::Store { events, forward, due_if_unqueued: now_ms, response })
}

#[inline(never)]
fn v1(req: &WorkerRequest, raw: &[&str], settings: &WorkerSettings) -> Result<Decision, Rejection> {
    match raw.first().copied() {
        Some("status" | "events") => {}
        _ => return Ok(fallback()),
    }
    let segs = segments(raw)?.ok_or_else(|| reject(404, "not found"))?;
    let route = match segs.as_slice() {
        [s, provider, id] if s == "status" => {
            let p = ProviderKind::parse(provider).ok_or_else(|| reject(404, "unknown provider"))?;
            Decision::ReadStatus { provider: p, message_id: id.clone() }
        }
        [s] if s == "events" => Decision::ReadEvents { limit: 50, since: None },
        _ => return Err(reject(404, "not found")),
    };
    if req.method != "GET" {
        return Ok(respond(WorkerResponse::error(405, "use GET").with_header("allow", "GET")));
    }
    if !bearer_authorized(req.headers, settings.api_token.as_deref()) {
        return Ok(refuse(401, "bad or missing bearer token"));
    }
    if let Decision::ReadEvents { .. } = route {
        let limit = match query_param(req.query, "limit")? {
            None => 50,
            Some(l) => l.trim().parse::<u64>().ok().filter(|n| *n >= 1).ok_or_else(|| reject(400, "limit must be a whole number from 1"))?.min(500) as u32,
        };
        let since = match query_param(req.query, "since")? {
            None => None,
            Some(s) => Some(iso8601(parse_iso8601(&s).ok_or_else(|| reject(400, "since must be an ISO 8601 time"))?)),
        };
        return Ok(Decision::ReadEvents { limit, since });
    }
    Ok(route)
}
