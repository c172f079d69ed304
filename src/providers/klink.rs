//! Klink CX (`klink-cx.txt`): `POST /api/v1/messages/send` to a contact.

use super::{is_uuid, parse_ok, request, Ctx, PreparedSend, Retry};
use crate::json::{Fields, JsonObject};
use crate::{iso8601, segments, Config, Error, HttpResponse, Method, Result};
use crate::json::Value;

/// The message types Klink documents for a text send.
const DEFAULT_TYPE: &str = "text";

/// Builds the send: `{contactId, messageType, message, createdAt}`.
pub(crate) fn send(cfg: &Config, mut f: Fields, ctx: &Ctx) -> Result<PreparedSend> {
    if f.string("to")?.is_some() {
        return Err(Error::input("klink addresses a contact: give message.contactId instead of message.to"));
    }
    let contact = recipient(&f.required_string("contactId")?)?;
    let text = f.required_string("text")?;
    let kind = f.string("messageType")?.unwrap_or_else(|| DEFAULT_TYPE.into());
    if kind.is_empty() || !kind.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
        return Err(Error::input("message.messageType must be a lower-case word such as \"text\""));
    }
    f.finish("for klink")?;
    let b = JsonObject::new()
        .str("contactId", &contact)
        .str("messageType", &kind)
        .str("message", &text)
        .str("createdAt", &iso8601(ctx.now_ms))
        .finish();
    Ok(PreparedSend {
        request: request(cfg, Method::Post, "/api/v1/messages/send", Some(b)),
        retry: Retry::Unsafe,
        segments: segments(&text),
        to: contact,
        id: None,
        idempotency_key: None,
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

/// `200 {"status":200,"message":"Message sent successfully","data":{"id":…}}`.
pub(crate) fn parse_send(cfg: &Config, resp: &HttpResponse) -> Result<Option<String>> {
    let obj = parse_ok(cfg, resp, true)?;
    if let Some(Value::Number(n)) = obj.get("status") {
        let s = crate::json::number_f64(n);
        if !(200.0..300.0).contains(&s) {
            let mut e = super::http_error(cfg, resp);
            e.code = crate::ErrorCode::ProviderRejected;
            return Err(e);
        }
    }
    let id = match obj.get("data") {
        Some(Value::Object(d)) => crate::json::get_str(d, "id").map(str::to_string),
        _ => None,
    };
    Ok(id)
}
