//! TextLink (`textlink.txt`): `POST /api/send-sms`, `/api/send-code`,
//! `/api/verify-code` and `/api/update-contect-tag` (spelt so by TextLink).
//!
//! May import what `providers` may (its `mod.rs`): never `worker` or `wasm_bindgen`.

#[cfg(feature = "worker")]
pub mod webhook;

use super::{only_for, parse_ok, request, required, uuid_v4, Ctx, PreparedSend, Retry, Sent};
use crate::core::codec::{self, opt_bool, opt_str};
use crate::client::otp::{ttl_error, CODE_TTL_SECONDS, DEFAULT_CODE_TTL_SECONDS};
use crate::client::{CodeMode, CodeRequest, CodeTicket, Config, Prepared, SendStatus, Verification, VerifyReason};
use crate::phone::normalize_phone;
use crate::{segments, Error, HttpRequest, HttpResponse, Method, Result};
use serde::{Deserialize, Serialize};

/// TextLink's own fields of `new Client(config)`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct TextLinkConfig {
    /// The default SIM card.
    #[serde(default)]
    pub sim_card_id: Option<u32>,
}

impl TextLinkConfig {
    /// Reads its fields from the caller's config object, each on its own
    /// (apart from the other providers' readers: a client compiles its own alone).
    #[inline(never)]
    pub(crate) fn read(config: &impl codec::Fields) -> Result<TextLinkConfig, String> {
        Ok(TextLinkConfig { sim_card_id: config.get("simCardId")? })
    }
}

/// The recipient field of a TextLink message.
pub(crate) const RECIPIENT: Option<&str> = Some("to");

/// A TextLink message.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct TextLinkMessage {
    /// The recipient's phone number.
    pub to: String,
    /// The text.
    pub text: String,
    /// The SIM card to send from (default: the config's).
    #[serde(default)]
    pub sim_card_id: Option<u32>,
    /// Your id for the message (default: a fresh UUID), the receipt's `id`.
    #[serde(default)]
    pub custom_id: Option<String>,
}

/// `updateContactTag(request)` (textlink).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct ContactTagRequest {
    /// The contact's phone number.
    pub to: String,
    /// The new tag.
    pub tag: String,
}

/// The body of `POST /api/send-sms`, in the document's order.
#[derive(Serialize)]
struct SendSms<'a> {
    phone_number: &'a str,
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    sim_card_id: Option<u32>,
    custom_id: &'a str,
}

/// `POST /api/send-sms`. The SDK always sends a `custom_id` (a fresh UUID
/// unless the caller gave one): it is the only handle TextLink's webhooks
/// give back, so it is the receipt's id.
#[inline(never)]
pub(crate) fn send(cfg: &Config, own: &TextLinkConfig, m: TextLinkMessage, ctx: &Ctx) -> Result<PreparedSend> {
    let to = normalize_phone(&m.to, None)?;
    required(&m.text, "text")?;
    let custom_id = m.custom_id.unwrap_or_else(|| uuid_v4(ctx.rng));
    let body = SendSms { phone_number: &to, text: &m.text, sim_card_id: m.sim_card_id.or(own.sim_card_id), custom_id: &custom_id };
    Ok(PreparedSend {
        request: request(cfg, Method::Post, "/api/send-sms", Some(&body)),
        retry: Retry::Unsafe,
        segments: segments(&m.text),
        to,
        id: Some(custom_id),
        idempotency_key: None,
        read: read_send,
    })
}

#[derive(Deserialize)]
struct SendAnswer {
    #[serde(default, deserialize_with = "opt_bool")]
    queued: Option<bool>,
}

/// `{ok: true}` is sent; `{ok: true, queued: true}` is queued.
#[inline(never)]
fn read_send(cfg: &Config, resp: &HttpResponse) -> Result<Sent> {
    let a: SendAnswer = parse_ok(cfg, resp, true)?;
    Ok(Sent::status(if a.queued == Some(true) { SendStatus::Queued } else { SendStatus::Sent }))
}

#[derive(Serialize)]
struct SendCode<'a> {
    phone_number: &'a str,
    service_name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    sim_card_id: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    custom_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expiration_time: Option<u64>,
}

/// `POST /api/send-code` with `expiration_time` in milliseconds; the
/// ticket's expiry counts from the answer.
pub(crate) fn send_code(cfg: &Config, own: &TextLinkConfig, r: CodeRequest) -> Result<Prepared<CodeTicket>> {
    only_for(r.contact_id.is_some(), "contactId", "textlink", "")?;
    only_for(r.length.is_some(), "length", "textlink", ": TextLink chooses the code's length")?;
    let to = normalize_phone(r.to.as_deref().ok_or_else(|| Error::input("request.to is required"))?, None)?;
    let service = r.service_name.ok_or_else(|| Error::input("request.serviceName is required"))?;
    if r.ttl_seconds.is_some_and(|t| !CODE_TTL_SECONDS.contains(&t)) {
        return Err(Error::input(ttl_error("request.ttlSeconds")));
    }
    let body = SendCode {
        phone_number: &to,
        service_name: &service,
        sim_card_id: r.sim_card_id.or(own.sim_card_id),
        custom_id: r.custom_id.as_deref(),
        expiration_time: r.ttl_seconds.map(|t| t * 1000),
    };
    let ttl_ms = r.ttl_seconds.unwrap_or(DEFAULT_CODE_TTL_SECONDS) * 1000;
    let request = request(cfg, Method::Post, "/api/send-code", Some(&body));
    Ok(Prepared::new(request, Some(Retry::Unsafe), None, move |cfg, resp, now_ms| {
        parse_ok::<super::Any>(cfg, resp, true)?;
        Ok(CodeTicket { provider: cfg.provider, to, mode: CodeMode::Provider, expires_at_ms: now_ms + ttl_ms, token: None })
    }))
}

#[derive(Serialize)]
struct VerifyCode<'a> {
    phone_number: &'a str,
    code: &'a str,
}

/// `POST /api/verify-code`.
pub(crate) fn verify_code(cfg: &Config, to: &str, code: &str) -> Prepared<Verification> {
    let request = request(cfg, Method::Post, "/api/verify-code", Some(&VerifyCode { phone_number: to, code }));
    Prepared::new(request, None, None, |cfg, resp, _| read_verify(cfg, resp))
}

#[derive(Deserialize)]
struct VerifyAnswer {
    #[serde(default, deserialize_with = "opt_bool")]
    ok: Option<bool>,
    #[serde(default, deserialize_with = "opt_str")]
    message: Option<String>,
}

/// `{ok: true}` is valid; `{ok: false, message}` (with any 2xx or 4xx other
/// than 401/403/429) is a wrong code, reported with TextLink's message.
#[inline(never)]
fn read_verify(cfg: &Config, resp: &HttpResponse) -> Result<Verification> {
    let wrong_code_status = (200..300).contains(&resp.status) || (matches!(resp.status, 400..=499) && !matches!(resp.status, 401 | 403 | 429));
    if wrong_code_status {
        if let Ok(VerifyAnswer { ok: Some(false), message }) = codec::from_json(&resp.body) {
            return Ok(Verification::refused(message.map_or(VerifyReason::Mismatch, |m| VerifyReason::Provider(super::redact(&m, cfg)))));
        }
    }
    parse_ok::<super::Any>(cfg, resp, false)?;
    Ok(Verification::valid())
}

#[derive(Serialize)]
struct ContactTag<'a> {
    phone_number: &'a str,
    tag: &'a str,
}

/// `POST /api/update-contect-tag`.
pub(crate) fn update_contact_tag(cfg: &Config, r: ContactTagRequest) -> Result<HttpRequest> {
    let to = normalize_phone(&r.to, None)?;
    Ok(request(cfg, Method::Post, "/api/update-contect-tag", Some(&ContactTag { phone_number: &to, tag: &r.tag })))
}
