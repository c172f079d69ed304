//! Inbound webhooks, as pure functions: (provider, headers, raw body,
//! secrets, now) → authenticated unified events, or a rejection with the
//! HTTP status to answer. No I/O, so every payload kind is tested natively.
//!
//! Credentials are checked before anything else that can be checked without
//! the body, and every secret is compared in constant time. Each payload is
//! read through a serde type of its own (`webhooks.md`). Each event gets an
//! id derived from what identifies it at the provider (its ids and times),
//! or from a hash of the body where the provider gives neither, never from
//! the time of arrival: a redelivery yields the same id and is stored once.

use crate::core::codec::{self, RawJson};
use crate::core::encode::{hex, unhex};
use crate::inbound_raw::RawObject;
use crate::contract::{EventKind, InboundEvent};
use crate::providers::ProviderKind;
use crate::{parse_iso8601, secret_eq};
use hmac::{Hmac, Mac};
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// The largest body a webhook accepts (64 KiB).
pub const MAX_WEBHOOK_BODY: usize = 64 * 1024;

/// The deepest nesting of objects and arrays a webhook body may have.
pub const MAX_WEBHOOK_DEPTH: usize = 64;

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

impl WebhookSecrets {
    /// The secret of `provider`, when it is set and not empty.
    pub fn of(&self, provider: ProviderKind) -> Option<&str> {
        let s = match provider {
            ProviderKind::TextLink => &self.textlink,
            ProviderKind::Teklink => &self.teklink,
            ProviderKind::Relay => &self.relay,
            ProviderKind::Klink => &self.klink,
        };
        s.as_deref().filter(|s| !s.is_empty())
    }
}

/// One inbound HTTP request, as plain data.
pub struct WebhookRequest<'a> {
    /// The provider named in the path (`/webhooks/{provider}`).
    pub provider: &'a str,
    /// Teklink: the secret path segment (`/webhooks/teklink/{secret}`), percent-decoded.
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
    /// 400, 401, 404, 405 or 413 — never 5xx.
    pub status: u16,
    /// What was wrong (never a secret).
    pub error: String,
}

pub(crate) fn reject(status: u16, error: impl Into<String>) -> Rejection {
    Rejection { status, error: error.into() }
}

impl InboundEvent {
    /// The event as the JSON object stored, served and forwarded by the worker.
    pub fn to_json(&self) -> String {
        codec::to_json(self)
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

/// Lower-case hex of HMAC-SHA256(key, message).
pub fn hmac_hex(key: &[u8], message: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(message);
    hex(&mac.finalize().into_bytes())
}

fn header<'a>(req: &'a WebhookRequest, name: &str) -> Option<&'a str> {
    crate::core::http::find_header(req.headers, name)
}

/// A stable id from the parts that identify an event at its provider.
fn event_id(provider: ProviderKind, parts: &[&str]) -> String {
    let mut h = Sha256::new();
    h.update(provider.as_str().as_bytes());
    for p in parts {
        h.update([0u8]);
        h.update(p.as_bytes());
    }
    format!("evt_{}", hex(&h.finalize()[..16]))
}

/// The id of an event the provider gives neither an id nor a time for: a
/// hash of its body (without secrets), so only a byte-identical redelivery
/// has the same id.
fn body_event_id(provider: ProviderKind, kind: EventKind, raw: &str) -> String {
    event_id(provider, &[kind.as_str(), "body", &hex(&Sha256::digest(raw.as_bytes()))])
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

fn rfc3339(field: &str, text: &str, now_ms: u64) -> Result<u64, Rejection> {
    let ms = parse_iso8601(text).ok_or_else(|| reject(400, format!("{field} is not an RFC 3339 time")))?;
    check_time(ms, now_ms)
}

/// Whether objects and arrays nest at most `max` deep (strings skipped).
/// Checked on the bytes before any parse, alike natively and in the wasm.
pub(crate) fn nesting_within(body: &[u8], max: usize) -> bool {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &b in body {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > max {
                    return false;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    true
}

/// The body as the text of one JSON object, nested at most [`MAX_WEBHOOK_DEPTH`].
fn object_text(body: &[u8]) -> Result<&str, Rejection> {
    let text = core::str::from_utf8(body).map_err(|_| reject(400, "body is not UTF-8"))?;
    if !text.trim_start().starts_with('{') {
        return Err(reject(400, "body is not a JSON object"));
    }
    if !nesting_within(body, MAX_WEBHOOK_DEPTH) {
        return Err(reject(400, format!("body is nested deeper than {MAX_WEBHOOK_DEPTH} levels")));
    }
    Ok(text)
}

fn read<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, Rejection> {
    codec::from_json(text).map_err(|e| reject(400, e))
}

/// A string, or a number where an id is expected (ids are sometimes numeric).
#[derive(Debug, Clone, PartialEq)]
struct Id(String);

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Id;
            fn expecting(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_str<E>(self, v: &str) -> Result<Id, E> {
                Ok(Id(v.into()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Id, E> {
                Ok(Id(v.to_string()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Id, E> {
                Ok(Id(v.to_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Id, E> {
                if v.is_finite() && v.fract() == 0.0 && v.abs() < 9.007_199_254_740_992e15 {
                    Ok(Id((v as i64).to_string()))
                } else if v.is_finite() {
                    Ok(Id(v.to_string()))
                } else {
                    Err(E::custom("a number id must be finite"))
                }
            }
        }
        d.deserialize_any(V)
    }
}

fn id(v: Option<Id>) -> Option<String> {
    v.map(|i| i.0)
}

/// A field read only to check a credential: a string, or `None` for any
/// other value (which then fails the check), so that a body of the wrong
/// shape is refused as unauthenticated before anything in it is believed.
struct LooseStr(Option<String>);

impl<'de> Deserialize<'de> for LooseStr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LooseStr;
            fn expecting(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
                f.write_str("any value")
            }
            fn visit_str<E>(self, v: &str) -> Result<LooseStr, E> {
                Ok(LooseStr(Some(v.into())))
            }
            fn visit_bool<E>(self, _: bool) -> Result<LooseStr, E> {
                Ok(LooseStr(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<LooseStr, E> {
                Ok(LooseStr(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<LooseStr, E> {
                Ok(LooseStr(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<LooseStr, E> {
                Ok(LooseStr(None))
            }
            fn visit_unit<E>(self) -> Result<LooseStr, E> {
                Ok(LooseStr(None))
            }
            fn visit_none<E>(self) -> Result<LooseStr, E> {
                Ok(LooseStr(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<LooseStr, A::Error> {
                while a.next_element::<IgnoredAny>()?.is_some() {}
                Ok(LooseStr(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<LooseStr, A::Error> {
                while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(LooseStr(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// TextLink's credential field (`secret`), the only one it sends.
#[derive(Deserialize)]
struct TextLinkSecret {
    secret: Option<LooseStr>,
}

/// The relay's credential field when it travels in the body (`callback_token`).
#[derive(Deserialize)]
struct RelayToken {
    callback_token: Option<LooseStr>,
}

/// The name of the body field that carries a provider's credential (removed
/// from the stored `raw`), if it has one.
fn secret_field(provider: ProviderKind) -> Option<&'static str> {
    match provider {
        ProviderKind::TextLink => Some("secret"),
        ProviderKind::Relay => Some("callback_token"),
        _ => None,
    }
}

/// Reads the credential a body carries in the provider's own field; any
/// body that is not a JSON object gives none (so it is refused as 401,
/// revealing nothing about its shape).
fn body_secret(provider: ProviderKind, body: &[u8]) -> Option<String> {
    let text = object_text(body).ok()?;
    let field = match provider {
        ProviderKind::TextLink => read::<TextLinkSecret>(text).ok()?.secret,
        _ => read::<RelayToken>(text).ok()?.callback_token,
    };
    field.and_then(|s| s.0)
}

/// Authenticates and normalises one webhook request.
///
/// ```
/// use edgetext::contract::EventKind;
/// use edgetext::{parse_webhook, WebhookRequest, WebhookSecrets};
/// let secrets = WebhookSecrets { textlink: Some("s3cret".into()), ..Default::default() };
/// let body = br#"{"secret":"s3cret","phone_number":"+11234567890","text":"Working!","timestamp":1748455363370,"received":true,"sent":false}"#;
/// let req = WebhookRequest { provider: "textlink", path_secret: None, event_hint: None, headers: &[], body };
/// let events = parse_webhook(&req, &secrets, 1_748_455_400_000).unwrap();
/// assert_eq!(events[0].kind, EventKind::MessageReceived);
/// assert!(!events[0].raw.as_str().contains("s3cret"));
/// ```
pub fn parse_webhook(req: &WebhookRequest, secrets: &WebhookSecrets, now_ms: u64) -> Result<Vec<InboundEvent>, Rejection> {
    let provider = ProviderKind::parse(req.provider).ok_or_else(|| reject(404, "unknown provider"))?;
    let Some(secret) = secrets.of(provider) else {
        return Err(reject(401, format!("no webhook secret is configured for {}", req.provider)));
    };
    if req.body.len() > MAX_WEBHOOK_BODY {
        return Err(reject(413, "body is larger than 64 KiB"));
    }
    let bad = || reject(401, "bad credentials");
    match provider {
        ProviderKind::Teklink if !req.path_secret.is_some_and(|p| secret_eq(p, secret)) => return Err(bad()),
        ProviderKind::Klink => {
            let sig = header(req, "x-signature").and_then(|s| unhex(s.trim()));
            let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
            mac.update(req.body);
            if sig.is_none_or(|s| mac.verify_slice(&s).is_err()) {
                return Err(reject(401, "bad signature"));
            }
        }
        ProviderKind::Relay => {
            let from_header = header(req, "authorization")
                .and_then(crate::core::http::bearer_token)
                .or_else(|| header(req, "x-callback-token"));
            let ok = match from_header {
                Some(t) => secret_eq(t, secret),
                None => body_secret(provider, req.body).is_some_and(|t| secret_eq(&t, secret)),
            };
            if !ok {
                return Err(bad());
            }
        }
        ProviderKind::TextLink if !body_secret(provider, req.body).is_some_and(|t| secret_eq(&t, secret)) => return Err(bad()),
        _ => {}
    }
    let text = object_text(req.body)?;
    match provider {
        ProviderKind::TextLink => textlink(req.event_hint, text, now_ms),
        ProviderKind::Relay => relay(text, now_ms),
        ProviderKind::Klink => klink(text, now_ms),
        ProviderKind::Teklink => teklink(text, now_ms),
    }
}

/// The body as stored: without the member that carries the credential.
fn raw_without(text: &str, secret_key: Option<&str>) -> Result<RawJson, Rejection> {
    let obj: RawObject = read(text)?;
    Ok(RawJson(codec::to_json(&obj.without(secret_key.unwrap_or_default()))))
}

fn event(provider: ProviderKind, kind: EventKind, id: String, occurred_at_ms: u64, raw: RawJson) -> InboundEvent {
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

/// TextLink's four webhooks (`webhooks.md`).
#[derive(Deserialize)]
struct TextLinkBody {
    phone_number: Option<String>,
    text: Option<String>,
    /// Milliseconds since the epoch.
    timestamp: Option<f64>,
    sent: Option<bool>,
    received: Option<bool>,
    failed: Option<bool>,
    #[allow(dead_code)]
    portal: Option<bool>,
    custom_id: Option<Id>,
    #[allow(dead_code)]
    name: Option<String>,
    tag: Option<String>,
    error: Option<String>,
    reason: Option<String>,
    message: Option<String>,
    error_message: Option<String>,
}

fn textlink(hint: Option<&str>, text: &str, now_ms: u64) -> Result<Vec<InboundEvent>, Rejection> {
    let b: TextLinkBody = read(text)?;
    let at = match b.timestamp {
        None => None,
        Some(t) if t.is_finite() && t >= 0.0 && t.fract() == 0.0 && t < 1e15 => Some(check_time(t as u64, now_ms)?),
        Some(_) => return Err(reject(400, "timestamp is out of range")),
    };
    let kind = match hint {
        Some("received") => EventKind::MessageReceived,
        Some("sent") => EventKind::MessageSent,
        Some("failed") => EventKind::MessageFailed,
        Some("tag") => EventKind::ContactTagChanged,
        Some(_) => return Err(reject(400, "event must be received, sent, failed or tag")),
        None if b.tag.is_some() => EventKind::ContactTagChanged,
        None if b.received == Some(true) => EventKind::MessageReceived,
        None if b.failed == Some(true) => EventKind::MessageFailed,
        None if b.sent == Some(true) => EventKind::MessageSent,
        None => return Err(reject(400, "cannot tell which TextLink webhook this is: add ?event= to its URL")),
    };
    let Some(phone) = b.phone_number else {
        return Err(reject(400, "phone_number is required"));
    };
    let raw = raw_without(text, secret_field(ProviderKind::TextLink))?;
    let custom_id = id(b.custom_id);
    let id = match at {
        Some(at) => event_id(
            ProviderKind::TextLink,
            &[kind.as_str(), &phone, &at.to_string(), custom_id.as_deref().unwrap_or(""), b.text.as_deref().unwrap_or(""), b.tag.as_deref().unwrap_or("")],
        ),
        None => body_event_id(ProviderKind::TextLink, kind, raw.as_str()),
    };
    let mut e = event(ProviderKind::TextLink, kind, id, at.unwrap_or(now_ms), raw);
    e.channel = Some("sms".into());
    e.text = b.text;
    match kind {
        EventKind::MessageReceived => e.from = Some(phone),
        EventKind::ContactTagChanged => {
            e.from = Some(phone);
            e.tag = b.tag;
            e.channel = None;
        }
        _ => {
            e.to = Some(phone);
            e.message_id = custom_id;
            if kind == EventKind::MessageFailed {
                e.status = Some("failed");
                let error = b.error.or(b.reason).or(b.message).or(b.error_message);
                e.error = Some(error.unwrap_or_else(|| "TextLink reported the message as failed".into()));
            } else {
                e.status = Some("sent");
            }
        }
    }
    Ok(vec![e])
}

/// A Phone Relay callback (`webhooks.md`; field names as its API documents them).
#[derive(Deserialize)]
struct RelayBody {
    event_type: Option<String>,
    channel: Option<String>,
    source: Option<Id>,
    from: Option<Id>,
    destination: Option<Id>,
    to: Option<Id>,
    text: Option<String>,
    message_id: Option<Id>,
    id: Option<Id>,
    status: Option<String>,
    last_error: Option<String>,
    duration_sec: Option<f64>,
    created_at: Option<String>,
    timestamp: Option<String>,
}

fn relay(text: &str, now_ms: u64) -> Result<Vec<InboundEvent>, Rejection> {
    let b: RelayBody = read(text)?;
    let source = id(b.source).or(id(b.from));
    let dest = id(b.destination).or(id(b.to));
    let message_id = id(b.message_id).or(id(b.id));
    let created = b.created_at.or(b.timestamp);
    let at = created.as_deref().map(|t| rfc3339("created_at", t, now_ms)).transpose()?;
    let kind = match b.event_type.as_deref() {
        Some("missed") => EventKind::CallMissed,
        Some("answered") => EventKind::CallAnswered,
        Some("call") => EventKind::Call,
        Some("status") => EventKind::MessageStatus,
        Some("message") | None if b.status.is_some() && message_id.is_some() && b.text.is_none() => EventKind::MessageStatus,
        Some("message") | None => EventKind::MessageReceived,
        Some(_) => return Err(reject(400, "event_type must be message, status, call, missed or answered")),
    };
    if kind == EventKind::MessageReceived && source.is_none() {
        return Err(reject(400, "source is required"));
    }
    let raw = raw_without(text, secret_field(ProviderKind::Relay))?;
    let id = if message_id.is_some() || at.is_some() {
        let duration = b.duration_sec.filter(|d| d.is_finite()).map(|d| (d as i64).to_string()).unwrap_or_default();
        event_id(
            ProviderKind::Relay,
            &[
                kind.as_str(),
                message_id.as_deref().unwrap_or(""),
                b.status.as_deref().unwrap_or(""),
                source.as_deref().unwrap_or(""),
                created.as_deref().unwrap_or(""),
                b.text.as_deref().unwrap_or(""),
                &duration,
            ],
        )
    } else {
        body_event_id(ProviderKind::Relay, kind, raw.as_str())
    };
    let mut e = event(ProviderKind::Relay, kind, id, at.unwrap_or(now_ms), raw);
    e.from = source;
    e.to = dest;
    e.text = b.text;
    e.channel = b.channel;
    e.message_id = message_id;
    if kind == EventKind::MessageStatus {
        e.status = Some(crate::contract::DeliveryStatus::parse(b.status.as_deref().unwrap_or("")).as_str()).filter(|s| *s != "unknown");
        e.error = b.last_error;
    }
    Ok(vec![e])
}

/// Klink's webhook envelope (`webhooks.md`).
#[derive(Deserialize)]
struct KlinkEnvelope {
    event: Option<String>,
    timestamp: Option<String>,
    data: Option<KlinkData>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct KlinkData {
    id: Option<Id>,
    contact_id: Option<Id>,
    room_id: Option<Id>,
    message: Option<String>,
    platform: Option<String>,
    channel: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    status: Option<String>,
    error: Option<String>,
    error_message: Option<String>,
    failed_reason: Option<String>,
}

fn klink(text: &str, now_ms: u64) -> Result<Vec<InboundEvent>, Rejection> {
    let b: KlinkEnvelope = read(text)?;
    let name = b.event.ok_or_else(|| reject(400, "event is required"))?;
    let ts = b.timestamp.ok_or_else(|| reject(400, "timestamp is required"))?;
    let at = rfc3339("timestamp", &ts, now_ms)?;
    let data = b.data.ok_or_else(|| reject(400, "data must be an object"))?;
    let kind = match name.as_str() {
        "message.inbound" => EventKind::MessageReceived,
        "message.outbound" => EventKind::MessageSent,
        "message.failed" => EventKind::MessageFailed,
        "message.status" | "message.delivered" | "message.read" => EventKind::MessageStatus,
        // Other Klink events (contact.create, tickets…) are acknowledged and not stored.
        _ => return Ok(vec![]),
    };
    let message_id = id(data.id);
    let contact = id(data.contact_id).or(id(data.room_id));
    let error = data.error.or(data.error_message).or(data.failed_reason);
    let id = event_id(ProviderKind::Klink, &[&name, message_id.as_deref().unwrap_or(""), &ts, data.status.as_deref().unwrap_or("")]);
    let mut e = event(ProviderKind::Klink, kind, id, at, RawJson(text.into()));
    e.text = data.message;
    e.channel = data.platform.or(data.channel).or(data.kind);
    e.message_id = message_id;
    match kind {
        EventKind::MessageReceived => e.from = contact,
        EventKind::MessageSent => {
            e.to = contact;
            e.status = Some("sent");
        }
        EventKind::MessageFailed => {
            e.to = contact;
            e.status = Some("failed");
            e.error = error.or(Some("Klink reported the message as failed".into()));
        }
        _ => {
            e.to = contact;
            e.status = Some(match name.as_str() {
                "message.delivered" | "message.read" => "delivered",
                _ => crate::contract::DeliveryStatus::parse(data.status.as_deref().unwrap_or("")).as_str(),
            })
            .filter(|s| *s != "unknown");
            e.error = error;
        }
    }
    Ok(vec![e])
}

/// Teklink's payload is not published: the common field names are mapped
/// (`webhooks.md`) and anything else is kept in `raw`.
#[derive(Deserialize)]
struct TeklinkBody {
    from: Option<Id>,
    from_telephone_number: Option<Id>,
    to: Option<Id>,
    to_telephone_number: Option<Id>,
    message_text: Option<String>,
    text: Option<String>,
    body: Option<String>,
    id: Option<Id>,
    message_id: Option<Id>,
    status: Option<String>,
}

fn teklink(text: &str, now_ms: u64) -> Result<Vec<InboundEvent>, Rejection> {
    let b: TeklinkBody = read(text)?;
    let message_id = id(b.id).or(id(b.message_id));
    let kind = if b.status.is_some() && message_id.is_some() { EventKind::MessageStatus } else { EventKind::MessageReceived };
    let raw = RawJson(text.into());
    let key = match &message_id {
        Some(m) => event_id(ProviderKind::Teklink, &[kind.as_str(), m, b.status.as_deref().unwrap_or("")]),
        None => body_event_id(ProviderKind::Teklink, kind, raw.as_str()),
    };
    let mut e = event(ProviderKind::Teklink, kind, key, now_ms, raw);
    e.from = id(b.from).or(id(b.from_telephone_number));
    e.to = id(b.to).or(id(b.to_telephone_number));
    e.text = b.message_text.or(b.text).or(b.body);
    e.channel = Some("sms".into());
    e.message_id = message_id;
    if kind == EventKind::MessageStatus {
        e.status = Some(crate::contract::DeliveryStatus::parse(b.status.as_deref().unwrap_or("")).as_str()).filter(|s| *s != "unknown");
    }
    Ok(vec![e])
}
