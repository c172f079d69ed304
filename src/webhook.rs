//! Inbound webhooks, as pure functions: (provider, headers, raw body,
//! secrets, now) → authenticated unified events, or a rejection with the
//! HTTP status to answer. No I/O, so every payload kind is tested natively.
//!
//! Credentials are checked before anything else that can be checked without
//! the body, and every secret is compared in constant time. Each event gets
//! an id derived from what identifies it at the provider, so a redelivery
//! yields the same id and is stored once.

use crate::json::{self, JsonObject};
use crate::{iso8601, parse_iso8601};
use hmac::{Hmac, Mac};
use crate::json::{Object, Value};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The largest body a webhook accepts (64 KiB).
pub const MAX_WEBHOOK_BODY: usize = 64 * 1024;

/// The secrets a worker holds (each `None` when not set: that provider is refused).
#[derive(Clone, Default)]
pub struct WebhookSecrets {
    /// `TEXTLINK_WEBHOOK_SECRET`: the `secret` field TextLink puts in each body.
    pub textlink: Option<String>,
    /// `TEKLINK_WEBHOOK_SECRET`: the last segment of Teklink's webhook URL.
    pub teklink: Option<String>,
    /// `RELAY_CALLBACK_TOKEN`: the `callback_token` registered with the relay.
    pub relay: Option<String>,
    /// `KLINK_WEBHOOK_SECRET`: the key of Klink's `x-signature` HMAC.
    pub klink: Option<String>,
}

/// One inbound HTTP request, as plain data.
pub struct WebhookRequest<'a> {
    /// The provider named in the path (`/webhooks/{provider}`).
    pub provider: &'a str,
    /// Teklink: the secret path segment (`/webhooks/teklink/{secret}`).
    pub path_secret: Option<&'a str>,
    /// TextLink: which of its four webhooks this URL is for (`?event=sent|failed|received|tag`).
    pub event_hint: Option<&'a str>,
    /// Header names and values.
    pub headers: &'a [(String, String)],
    /// The raw body.
    pub body: &'a [u8],
}

/// Why a webhook request was refused, with the HTTP status to answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// 400, 401, 404 or 413 — never 5xx.
    pub status: u16,
    /// What was wrong (never a secret).
    pub error: String,
}

fn reject(status: u16, error: impl Into<String>) -> Rejection {
    Rejection { status, error: error.into() }
}

/// One unified inbound event (the shape in `webhooks.md`).
#[derive(Debug, Clone, PartialEq)]
pub struct InboundEvent {
    /// Stable id: the same provider event always gets the same id.
    pub id: String,
    /// The provider.
    pub provider: &'static str,
    /// `message.received`, `message.sent`, `message.failed`, `message.status`,
    /// `contact.tag_changed`, `call.missed`, `call.answered` or `call`.
    pub kind: &'static str,
    /// Sender.
    pub from: Option<String>,
    /// Recipient.
    pub to: Option<String>,
    /// Message text.
    pub text: Option<String>,
    /// Channel (`sms`, `wa`, …).
    pub channel: Option<String>,
    /// The id of the outbound message this event is about.
    pub message_id: Option<String>,
    /// The message's status after this event.
    pub status: Option<&'static str>,
    /// The provider's error text, for failures.
    pub error: Option<String>,
    /// The contact's new tag.
    pub tag: Option<String>,
    /// When it happened, ms since the epoch.
    pub occurred_at_ms: u64,
    /// The body, as JSON text, with any secret field removed.
    pub raw: String,
}

impl InboundEvent {
    /// The event as the JSON object stored and served by the worker.
    pub fn to_json(&self) -> String {
        JsonObject::new()
            .str("id", &self.id)
            .str("provider", self.provider)
            .str("type", self.kind)
            .str_or_null("from", self.from.as_deref())
            .str_or_null("to", self.to.as_deref())
            .str_or_null("text", self.text.as_deref())
            .str_or_null("channel", self.channel.as_deref())
            .str_or_null("messageId", self.message_id.as_deref())
            .str_or_null("status", self.status)
            .str_or_null("error", self.error.as_deref())
            .str_or_null("tag", self.tag.as_deref())
            .str("occurredAt", &iso8601(self.occurred_at_ms))
            .raw("raw", &self.raw)
            .finish()
    }

    /// The rank of this event's status, so a late `sent` never overwrites
    /// `failed`: queued 1, sending 2, sent 3, delivered/failed 4; 0 when the
    /// event says nothing about an outbound message.
    pub fn status_rank(&self) -> u8 {
        match (self.message_id.as_ref(), self.status) {
            (Some(_), Some(s)) => status_rank(s),
            _ => 0,
        }
    }
}

/// The rank of a status word (see [`InboundEvent::status_rank`]).
pub fn status_rank(status: &str) -> u8 {
    match status {
        "queued" => 1,
        "sending" => 2,
        "sent" => 3,
        "delivered" | "failed" => 4,
        _ => 0,
    }
}

/// Compares two secrets in constant time (for equal lengths; a length
/// mismatch returns at once, which reveals only the length).
pub fn secret_eq(a: &str, b: &str) -> bool {
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// Lower-case hex of HMAC-SHA256(key, message).
pub fn hmac_hex(key: &[u8], message: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(message);
    hex(&mac.finalize().into_bytes())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect()
}

fn header<'a>(req: &'a WebhookRequest, name: &str) -> Option<&'a str> {
    crate::http::find_header(req.headers, name)
}

/// A stable id from the parts that identify an event at its provider.
fn event_id(provider: &str, parts: &[&str]) -> String {
    let mut h = Sha256::new();
    h.update(provider.as_bytes());
    for p in parts {
        h.update([0u8]);
        h.update(p.as_bytes());
    }
    format!("evt_{}", hex(&h.finalize()[..16]))
}

/// Earliest and latest timestamps believed (2001-01-01 and now + 1 day).
const EARLIEST_MS: u64 = 978_307_200_000;
const FUTURE_SLACK_MS: u64 = 86_400_000;

fn check_time(ms: u64, now_ms: u64) -> Result<u64, Rejection> {
    if ms < EARLIEST_MS || ms > now_ms.saturating_add(FUTURE_SLACK_MS) {
        return Err(reject(400, "timestamp is out of range"));
    }
    Ok(ms)
}

/// Authenticates and normalises one webhook request.
///
/// ```
/// use edgetext::{parse_webhook, WebhookRequest, WebhookSecrets};
/// let secrets = WebhookSecrets { textlink: Some("s3cret".into()), ..Default::default() };
/// let body = br#"{"secret":"s3cret","phone_number":"+11234567890","text":"Working!","timestamp":1748455363370,"received":true,"sent":false}"#;
/// let req = WebhookRequest { provider: "textlink", path_secret: None, event_hint: None, headers: &[], body };
/// let events = parse_webhook(&req, &secrets, 1_748_455_400_000).unwrap();
/// assert_eq!(events[0].kind, "message.received");
/// assert!(!events[0].raw.contains("s3cret"));
/// ```
pub fn parse_webhook(req: &WebhookRequest, secrets: &WebhookSecrets, now_ms: u64) -> Result<Vec<InboundEvent>, Rejection> {
    let secret = match req.provider {
        "textlink" => &secrets.textlink,
        "teklink" => &secrets.teklink,
        "relay" => &secrets.relay,
        "klink" => &secrets.klink,
        _ => return Err(reject(404, "unknown provider")),
    };
    let Some(secret) = secret.as_deref().filter(|s| !s.is_empty()) else {
        return Err(reject(401, format!("no webhook secret is configured for {}", req.provider)));
    };
    if req.body.len() > MAX_WEBHOOK_BODY {
        return Err(reject(413, "body is larger than 64 KiB"));
    }
    // Credentials that do not need the body come first.
    match req.provider {
        "teklink" if !req.path_secret.is_some_and(|p| secret_eq(p, secret)) => {
            return Err(reject(401, "bad credentials"));
        }
        "klink" => {
            let sig = header(req, "x-signature").and_then(|s| unhex(s.trim()));
            let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
            mac.update(req.body);
            if !sig.is_some_and(|s| mac.verify_slice(&s).is_ok()) {
                return Err(reject(401, "bad signature"));
            }
        }
        _ => {}
    }
    let relay_header_token = if req.provider == "relay" {
        header(req, "authorization")
            .and_then(|a| a.strip_prefix("Bearer ").or_else(|| a.strip_prefix("bearer ")))
            .or_else(|| header(req, "x-callback-token"))
    } else {
        None
    };
    let text = core::str::from_utf8(req.body).map_err(|_| reject(400, "body is not UTF-8"))?;
    let obj = match json::parse_or_why(text) {
        Ok(Value::Object(o)) => o,
        Ok(_) => return Err(reject(400, "body is not a JSON object")),
        Err(_) if req.provider == "textlink" || (req.provider == "relay" && relay_header_token.is_none()) => {
            return Err(reject(401, "bad credentials"))
        }
        Err(why) => return Err(reject(400, why)),
    };
    match req.provider {
        "textlink" => {
            if !json::get_str(&obj, "secret").is_some_and(|s| secret_eq(s, secret)) {
                return Err(reject(401, "bad credentials"));
            }
            textlink(req, obj, now_ms)
        }
        "relay" => {
            let token = relay_header_token.or_else(|| json::get_str(&obj, "callback_token"));
            if !token.is_some_and(|t| secret_eq(t, secret)) {
                return Err(reject(401, "bad credentials"));
            }
            relay(obj, now_ms)
        }
        "klink" => klink(obj, now_ms),
        _ => teklink(obj, now_ms),
    }
}

/// Reads optional typed fields, refusing wrong types with 400.
struct Body {
    obj: Object,
}

impl Body {
    fn str(&self, key: &str) -> Result<Option<String>, Rejection> {
        match self.obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(reject(400, format!("{key} must be a string"))),
        }
    }

    /// A string, or a number written as a string (ids are sometimes numeric).
    fn id(&self, key: &str) -> Result<Option<String>, Rejection> {
        match self.obj.get(key) {
            Some(Value::Number(n)) => Ok(Some(n.clone())),
            _ => self.str(key),
        }
    }

    fn bool(&self, key: &str) -> Result<Option<bool>, Rejection> {
        match self.obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(reject(400, format!("{key} must be a boolean"))),
        }
    }

    fn num(&self, key: &str) -> Result<Option<f64>, Rejection> {
        match self.obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => Ok(Some(json::number_f64(n))),
            Some(_) => Err(reject(400, format!("{key} must be a number"))),
        }
    }

    fn first_str(&self, keys: &[&str]) -> Result<Option<String>, Rejection> {
        for k in keys {
            if let Some(v) = self.id(k)? {
                return Ok(Some(v));
            }
        }
        Ok(None)
    }

    /// The body as JSON text without the given (secret) fields.
    fn raw_without(mut self, secret_keys: &[&str]) -> String {
        for k in secret_keys {
            self.obj.remove(k);
        }
        self.obj.to_json()
    }
}

fn ms_field(b: &Body, key: &str, now_ms: u64) -> Result<u64, Rejection> {
    match b.num(key)? {
        None => Ok(now_ms),
        Some(t) if t.is_finite() && t >= 0.0 && t.fract() == 0.0 && t < 1e15 => check_time(t as u64, now_ms),
        Some(_) => Err(reject(400, "timestamp is out of range")),
    }
}

fn event(provider: &'static str, kind: &'static str, id: String, occurred_at_ms: u64, raw: String) -> InboundEvent {
    InboundEvent {
        id,
        provider,
        kind,
        from: None,
        to: None,
        text: None,
        channel: None,
        message_id: None,
        status: None,
        error: None,
        tag: None,
        occurred_at_ms,
        raw,
    }
}

fn textlink(req: &WebhookRequest, obj: Object, now_ms: u64) -> Result<Vec<InboundEvent>, Rejection> {
    let b = Body { obj };
    let phone = b.str("phone_number")?;
    let text = b.str("text")?;
    let tag = b.str("tag")?;
    let custom_id = b.id("custom_id")?;
    let (sent, received, failed) = (b.bool("sent")?, b.bool("received")?, b.bool("failed")?);
    b.bool("portal")?;
    b.str("name")?;
    let error = b.first_str(&["error", "reason", "message", "error_message"])?;
    let at = ms_field(&b, "timestamp", now_ms)?;
    let kind = match req.event_hint {
        Some("received") => "message.received",
        Some("sent") => "message.sent",
        Some("failed") => "message.failed",
        Some("tag") => "contact.tag_changed",
        Some(_) => return Err(reject(400, "event must be received, sent, failed or tag")),
        None if tag.is_some() => "contact.tag_changed",
        None if received == Some(true) => "message.received",
        None if failed == Some(true) => "message.failed",
        None if sent == Some(true) => "message.sent",
        None => return Err(reject(400, "cannot tell which TextLink webhook this is: add ?event= to its URL")),
    };
    if phone.is_none() {
        return Err(reject(400, "phone_number is required"));
    }
    let id = event_id(
        "textlink",
        &[kind, phone.as_deref().unwrap_or(""), &at.to_string(), custom_id.as_deref().unwrap_or(""), text.as_deref().unwrap_or(""), tag.as_deref().unwrap_or("")],
    );
    let raw = b.raw_without(&["secret"]);
    let mut e = event("textlink", kind, id, at, raw);
    e.channel = Some("sms".into());
    e.text = text;
    match kind {
        "message.received" => e.from = phone,
        "contact.tag_changed" => {
            e.from = phone;
            e.tag = tag;
            e.channel = None;
        }
        _ => {
            e.to = phone;
            e.message_id = custom_id;
            if kind == "message.failed" {
                e.status = Some("failed");
                e.error = Some(error.unwrap_or_else(|| "TextLink reported the message as failed".into()));
            } else {
                e.status = Some("sent");
            }
        }
    }
    Ok(vec![e])
}

fn relay(obj: Object, now_ms: u64) -> Result<Vec<InboundEvent>, Rejection> {
    let b = Body { obj };
    let kind_word = b.str("event_type")?;
    let channel = b.str("channel")?;
    let source = b.first_str(&["source", "from"])?;
    let dest = b.first_str(&["destination", "to"])?;
    let text = b.str("text")?;
    let message_id = b.first_str(&["message_id", "id"])?;
    let status = b.str("status")?;
    let error = b.str("last_error")?;
    let duration = b.num("duration_sec")?;
    let at = match b.str("created_at")?.or(b.str("timestamp")?) {
        Some(t) => check_time(parse_iso8601(&t).ok_or_else(|| reject(400, "created_at is not an RFC 3339 time"))?, now_ms)?,
        None => now_ms,
    };
    let kind = match kind_word.as_deref() {
        Some("missed") => "call.missed",
        Some("answered") => "call.answered",
        Some("call") => "call",
        Some("status") => "message.status",
        Some("message") | None if status.is_some() && message_id.is_some() && text.is_none() => "message.status",
        Some("message") | None => "message.received",
        Some(_) => return Err(reject(400, "event_type must be message, status, call, missed or answered")),
    };
    if kind == "message.received" && source.is_none() {
        return Err(reject(400, "source is required"));
    }
    let id = event_id(
        "relay",
        &[kind, message_id.as_deref().unwrap_or(""), status.as_deref().unwrap_or(""), source.as_deref().unwrap_or(""), &at.to_string(), text.as_deref().unwrap_or(""), &duration.map(|d| (d as i64).to_string()).unwrap_or_default()],
    );
    let raw = b.raw_without(&["callback_token"]);
    let mut e = event("relay", kind, id, at, raw);
    e.from = source;
    e.to = dest;
    e.text = text;
    e.channel = channel;
    e.message_id = message_id;
    if kind == "message.status" {
        e.status = Some(crate::normalize_status(status.as_deref().unwrap_or(""))).filter(|s| *s != "unknown");
        e.error = error;
    }
    Ok(vec![e])
}

fn klink(obj: Object, now_ms: u64) -> Result<Vec<InboundEvent>, Rejection> {
    let b = Body { obj };
    let name = b.str("event")?.ok_or_else(|| reject(400, "event is required"))?;
    let ts = b.str("timestamp")?.ok_or_else(|| reject(400, "timestamp is required"))?;
    let at = check_time(parse_iso8601(&ts).ok_or_else(|| reject(400, "timestamp is not an RFC 3339 time"))?, now_ms)?;
    let data = match b.obj.get("data") {
        Some(Value::Object(d)) => Body { obj: d.clone() },
        _ => return Err(reject(400, "data must be an object")),
    };
    let kind = match name.as_str() {
        "message.inbound" => "message.received",
        "message.outbound" => "message.sent",
        "message.failed" => "message.failed",
        "message.status" | "message.delivered" | "message.read" => "message.status",
        // Other Klink events (contact.create, tickets…) are acknowledged and not stored.
        _ => return Ok(vec![]),
    };
    let message_id = data.id("id")?;
    let contact = data.first_str(&["contactId", "roomId"])?;
    let text = data.str("message")?;
    let channel = data.first_str(&["platform", "channel", "type"])?;
    let status_word = data.str("status")?;
    let error = data.first_str(&["error", "errorMessage", "failedReason"])?;
    let id = event_id("klink", &[&name, message_id.as_deref().unwrap_or(""), &ts, status_word.as_deref().unwrap_or("")]);
    let raw = b.raw_without(&[]);
    let mut e = event("klink", kind, id, at, raw);
    e.text = text;
    e.channel = channel;
    e.message_id = message_id;
    match kind {
        "message.received" => e.from = contact,
        "message.sent" => {
            e.to = contact;
            e.status = Some("sent");
        }
        "message.failed" => {
            e.to = contact;
            e.status = Some("failed");
            e.error = error.or(Some("Klink reported the message as failed".into()));
        }
        _ => {
            e.to = contact;
            e.status = Some(match name.as_str() {
                "message.delivered" | "message.read" => "delivered",
                _ => crate::normalize_status(status_word.as_deref().unwrap_or("")),
            })
            .filter(|s| *s != "unknown");
            e.error = error;
        }
    }
    Ok(vec![e])
}

fn teklink(obj: Object, now_ms: u64) -> Result<Vec<InboundEvent>, Rejection> {
    let b = Body { obj };
    let from = b.first_str(&["from", "from_telephone_number"])?;
    let to = b.first_str(&["to", "to_telephone_number"])?;
    let text = b.first_str(&["message_text", "text", "body"])?;
    let message_id = b.first_str(&["id", "message_id"])?;
    let status = b.str("status")?;
    let raw = b.raw_without(&[]);
    let kind = if status.is_some() && message_id.is_some() { "message.status" } else { "message.received" };
    let id = match &message_id {
        Some(m) => event_id("teklink", &[kind, m, status.as_deref().unwrap_or("")]),
        None => event_id("teklink", &[kind, &raw]),
    };
    let mut e = event("teklink", kind, id, now_ms, raw);
    e.from = from;
    e.to = to;
    e.text = text;
    e.channel = Some("sms".into());
    e.message_id = message_id;
    if kind == "message.status" {
        e.status = Some(crate::normalize_status(status.as_deref().unwrap_or(""))).filter(|s| *s != "unknown");
    }
    Ok(vec![e])
}

/// Signs a forwarded body: `t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
pub fn sign_forwarded(secret: &str, body: &str, unix_seconds: u64) -> String {
    let mac = hmac_hex(secret.as_bytes(), format!("{unix_seconds}.{body}").as_bytes());
    format!("t={unix_seconds},v1={mac}")
}

/// Checks an `edgetext-signature` header: the MAC over `<t>.<body>` must
/// match (constant time) and `t` be within `tolerance_seconds` of now.
pub fn verify_forwarded(secret: &str, header_value: &str, body: &str, now_seconds: u64, tolerance_seconds: u64) -> bool {
    let mut t = None;
    let mut sigs = Vec::new();
    for part in header_value.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = v.parse::<u64>().ok(),
            Some(("v1", v)) => sigs.extend(unhex(v)),
            _ => {}
        }
    }
    let Some(t) = t else { return false };
    if t.abs_diff(now_seconds) > tolerance_seconds {
        return false;
    }
    sigs.iter().any(|sig| {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
        mac.update(format!("{t}.{body}").as_bytes());
        mac.verify_slice(sig).is_ok()
    })
}
