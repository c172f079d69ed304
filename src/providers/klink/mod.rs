//! Klink CX (`klink-cx.txt`): `POST /api/v1/messages/send` to a contact.
//!
//! May import what `providers` may (its `mod.rs`): never `worker` or `wasm_bindgen`.

#[cfg(feature = "worker")]
pub mod webhook;

use super::{is_uuid, parse_ok, request, required, Ctx, PreparedSend, Retry, Sent};
use crate::core::codec::{opt_str, opt_u64};
use crate::client::{Config, SendStatus};
use crate::{iso8601, segments, Error, ErrorCode, HttpResponse, Method, Result};
use serde::{Deserialize, Serialize};

/// Klink CX's own fields of `new Client(config)`: none.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct KlinkConfig {}

/// The recipient field of a Klink message.
pub(crate) const RECIPIENT: Option<&str> = Some("contactId");

/// A Klink CX message, to a contact.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct KlinkMessage {
    /// The contact's UUID.
    pub contact_id: String,
    /// The text.
    pub text: String,
    /// The message type (default `"text"`).
    #[serde(default)]
    pub message_type: Option<String>,
}

/// The message type of a text send when none is given.
const DEFAULT_TYPE: &str = "text";

/// The body of a send, in the document's order.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Send<'a> {
    contact_id: &'a str,
    message_type: &'a str,
    message: &'a str,
    created_at: &'a str,
}

/// Builds the send: `{contactId, messageType, message, createdAt}`.
#[inline(never)]
pub(crate) fn send(cfg: &Config, m: KlinkMessage, ctx: &Ctx) -> Result<PreparedSend> {
    let contact = recipient(&m.contact_id)?;
    required(&m.text, "text")?;
    let kind = m.message_type.as_deref().unwrap_or(DEFAULT_TYPE);
    required(kind, "messageType")?;
    let now = iso8601(ctx.clock.now_ms());
    let body = Send { contact_id: &contact, message_type: kind, message: &m.text, created_at: &now };
    Ok(PreparedSend {
        request: request(cfg, Method::Post, "/api/v1/messages/send", Some(&body)),
        retry: Retry::Unsafe,
        segments: segments(&m.text),
        to: contact,
        id: None,
        idempotency_key: None,
        read: read_send,
    })
}

/// Checks a contact id (a UUID), lower-cased.
pub(crate) fn recipient(contact: &str) -> Result<String> {
    let c = contact.trim().to_ascii_lowercase();
    if !is_uuid(&c) {
        return Err(Error::input("contactId must be a UUID such as 81d8f399-e4d3-4fd4-a8ec-61bb3c3dc8c4"));
    }
    Ok(c)
}

#[derive(Deserialize)]
struct SendAnswer {
    #[serde(default, deserialize_with = "opt_u64")]
    status: Option<u64>,
    #[serde(default)]
    data: Option<SendData>,
}

#[derive(Deserialize)]
struct SendData {
    #[serde(default, deserialize_with = "opt_str")]
    id: Option<String>,
}

/// `200 {"status":200,"message":"Message sent successfully","data":{"id":…}}`.
#[inline(never)]
fn read_send(cfg: &Config, resp: &HttpResponse) -> Result<Sent> {
    let a: SendAnswer = parse_ok(cfg, resp, true)?;
    if a.status.is_some_and(|s| !(200..300).contains(&s)) {
        let mut e = super::http_error(cfg, resp);
        e.code = ErrorCode::ProviderRejected;
        return Err(e);
    }
    Ok(Sent { id: a.data.and_then(|d| d.id), status: SendStatus::Sent, duplicate: false })
}
