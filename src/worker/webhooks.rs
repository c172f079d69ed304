//! The worker's webhook route, as a pure function: (provider, headers, raw
//! body, secrets, now) → authenticated unified events, or a rejection with
//! the HTTP status to answer. No I/O, so every payload kind is tested
//! natively. Credentials are checked before anything else that can be
//! checked without the body, every secret is compared in constant time, and
//! each provider reads its own payload (`providers/<name>/webhook.rs`).

use crate::contract::InboundEvent;
use crate::providers::webhook::{reject, Rejection, WebhookRequest};
use crate::providers::{klink, relay, teklink, textlink, ProviderKind};
use crate::worker::outbox::retention_start;
use crate::worker::WorkerSettings;

/// The largest body a webhook accepts (64 KiB).
pub const MAX_WEBHOOK_BODY: usize = 64 * 1024;

/// The secrets a worker holds (each `None` when not set: that provider is refused).
#[derive(Clone, Default)]
pub struct WebhookSecrets {
    /// [`textlink::webhook::SECRET_VAR`]: the `secret` field TextLink puts in each body.
    pub textlink: Option<String>,
    /// [`teklink::webhook::SECRET_VAR`]: the last segment of Teklink's webhook URL.
    pub teklink: Option<String>,
    /// [`relay::webhook::SECRET_VAR`]: the `callback_token` registered with the relay.
    pub relay: Option<String>,
    /// [`klink::webhook::SECRET_VAR`]: the key of Klink's `x-signature` HMAC.
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

/// Authenticates and normalises one webhook request.
///
/// ```
/// use edgetext::contract::EventKind;
/// use edgetext::providers::{webhook::WebhookRequest, ProviderKind};
/// use edgetext::worker::{parse_webhook, WebhookSecrets};
/// let secrets = WebhookSecrets { textlink: Some("s3cret".into()), ..Default::default() };
/// let body = br#"{"secret":"s3cret","phone_number":"+11234567890","text":"Working!","timestamp":1748455363370,"received":true,"sent":false}"#;
/// let req = WebhookRequest { provider: ProviderKind::TextLink, path_secret: None, event_hint: None, headers: &[], body };
/// let events = parse_webhook(&req, &secrets, 1_748_455_400_000).unwrap();
/// assert_eq!(events[0].kind, EventKind::MessageReceived);
/// assert!(!events[0].raw.as_str().contains("s3cret"));
/// ```
pub fn parse_webhook(req: &WebhookRequest, secrets: &WebhookSecrets, now_ms: u64) -> Result<Vec<InboundEvent>, Rejection> {
    let provider = req.provider;
    let Some(secret) = secrets.of(provider) else {
        return Err(reject(401, format!("no webhook secret is configured for {provider}")));
    };
    if req.body.len() > MAX_WEBHOOK_BODY {
        return Err(reject(413, "body is larger than 64 KiB"));
    }
    match provider {
        ProviderKind::TextLink => textlink::webhook::receive(req, secret, now_ms),
        ProviderKind::Teklink => teklink::webhook::receive(req, secret, now_ms),
        ProviderKind::Relay => relay::webhook::receive(req, secret, now_ms),
        ProviderKind::Klink => klink::webhook::receive(req, secret, now_ms),
    }
}

/// Refuses (400) events whose own time is before the retention period:
/// their record may already be deleted, so a signed event captured once
/// would otherwise be stored and forwarded again as new. Events that carry
/// no time of their own (Teklink's, a TextLink or relay body without one)
/// are timed at their arrival and pass.
pub fn refuse_expired_events(events: &[InboundEvent], settings: &WorkerSettings, now_ms: u64) -> Result<(), Rejection> {
    match retention_start(settings, now_ms) {
        Some(start) if events.iter().any(|e| e.occurred_at_ms < start) => {
            Err(reject(400, "the event is older than EVENT_RETENTION_DAYS: refused, since its record may be gone"))
        }
        _ => Ok(()),
    }
}
