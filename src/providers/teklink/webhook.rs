//! Teklink's webhooks (worker build). Its payload is not published: the
//! common field names are mapped (`webhooks.md`) and anything else is kept in
//! `raw`. The credential is the last segment of the webhook's URL
//! (`/webhooks/teklink/{secret}`), the value of [`SECRET_VAR`].

use crate::contract::{DeliveryStatus, EventKind, InboundEvent};
use crate::core::codec::RawJson;
use crate::providers::webhook::{body_event_id, event, event_id, id, object_text, read, reject, Id, Rejection, WebhookRequest};
use crate::providers::ProviderKind;
use crate::secret_eq;
use serde::Deserialize;

/// The worker's variable that holds the URL's secret segment.
pub const SECRET_VAR: &str = "TEKLINK_WEBHOOK_SECRET";

/// Checks the secret path segment of a Teklink webhook and reads its events.
pub(crate) fn receive(req: &WebhookRequest, secret: &str, now_ms: u64) -> Result<Vec<InboundEvent>, Rejection> {
    if !req.path_secret.is_some_and(|p| secret_eq(p, secret)) {
        return Err(reject(401, "bad credentials"));
    }
    teklink(object_text(req.body)?, now_ms)
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
        e.status = DeliveryStatus::known(b.status.as_deref().unwrap_or(""));
    }
    Ok(vec![e])
}

