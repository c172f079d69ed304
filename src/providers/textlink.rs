//! TextLink (`textlink.txt`): `POST /api/send-sms`, `/api/send-code`,
//! `/api/verify-code` and `/api/update-contect-tag` (spelt so by TextLink).

use super::{parse_ok, request, uuid_v4, Ctx, PreparedSend, Retry};
use crate::json::{self, Fields, JsonObject};
use crate::{normalize_phone, segments, Config, HttpRequest, HttpResponse, Method, Result, Verification};

/// `POST /api/send-sms`. The SDK always sends a `custom_id` (a fresh UUID
/// unless the caller gave one): it is the only handle TextLink's webhooks
/// give back, so it is the receipt's id.
pub(crate) fn send(cfg: &Config, mut f: Fields, ctx: &Ctx) -> Result<PreparedSend> {
    let to = normalize_phone(&super::take_to(&mut f)?, None)?;
    let text = f.required_string("text")?;
    let sim = f.uint("simCardId", u32::MAX as u64)?.or(cfg.sim_card_id);
    let custom_id = f.string("customId")?.unwrap_or_else(|| uuid_v4(ctx.rng));
    f.finish("for textlink")?;
    let mut b = JsonObject::new().str("phone_number", &to).str("text", &text);
    if let Some(sim) = sim {
        b = b.num("sim_card_id", sim);
    }
    let b = b.str("custom_id", &custom_id);
    Ok(PreparedSend {
        request: request(cfg, Method::Post, "/api/send-sms", Some(b.finish())),
        retry: Retry::Unsafe,
        segments: segments(&text),
        to,
        id: Some(custom_id),
        idempotency_key: None,
    })
}

/// `{ok: true}` is sent; `{ok: true, queued: true}` is queued.
pub(crate) fn send_status(cfg: &Config, resp: &HttpResponse) -> Result<&'static str> {
    let obj = parse_ok(cfg, resp, true)?;
    Ok(if json::get_bool(&obj, "queued") == Some(true) { "queued" } else { "sent" })
}

/// A provider-mode code request: `POST /api/send-code`.
pub(crate) struct CodeRequest {
    pub request: HttpRequest,
    pub to: String,
    pub ttl_seconds: u64,
}

/// `POST /api/send-code` with `expiration_time` in milliseconds.
pub(crate) fn send_code(cfg: &Config, mut f: Fields) -> Result<CodeRequest> {
    let to = normalize_phone(&super::take_to(&mut f)?, None)?;
    let service = f.required_string("serviceName")?;
    let ttl = f.uint("ttlSeconds", 86_400)?;
    let sim = f.uint("simCardId", u32::MAX as u64)?.or(cfg.sim_card_id);
    let custom_id = f.string("customId")?;
    if f.uint("length", 10)?.is_some() {
        return Err(crate::Error::input(
            "request.length is not a field for textlink: TextLink chooses the code's length",
        ));
    }
    f.finish("for textlink")?;
    let mut b = JsonObject::new().str("phone_number", &to).str("service_name", &service);
    if let Some(sim) = sim {
        b = b.num("sim_card_id", sim);
    }
    b = b.opt_str("custom_id", custom_id.as_deref());
    if let Some(t) = ttl {
        if t == 0 {
            return Err(crate::Error::input("request.ttlSeconds must be at least 1"));
        }
        b = b.num("expiration_time", t * 1000);
    }
    Ok(CodeRequest {
        request: request(cfg, Method::Post, "/api/send-code", Some(b.finish())),
        to,
        ttl_seconds: ttl.unwrap_or(600),
    })
}

/// `POST /api/verify-code`.
pub(crate) fn verify_code(cfg: &Config, to: &str, code: &str) -> HttpRequest {
    let b = JsonObject::new().str("phone_number", to).str("code", code).finish();
    request(cfg, Method::Post, "/api/verify-code", Some(b))
}

/// `{ok: true}` is valid; `{ok: false, message}` (with any 2xx or 4xx other
/// than 401/403/429) is a wrong code, reported with TextLink's message.
pub(crate) fn parse_verify(cfg: &Config, resp: &HttpResponse) -> Result<Verification> {
    if matches!(resp.status, 400..=499) && !matches!(resp.status, 401 | 403 | 429) {
        if let Some(obj) = json::parse_object(&resp.body) {
            if json::get_bool(&obj, "ok") == Some(false) {
                return Ok(rejected(cfg, &obj));
            }
        }
    }
    if (200..300).contains(&resp.status) {
        if let Some(obj) = json::parse_object(&resp.body) {
            if json::get_bool(&obj, "ok") == Some(false) {
                return Ok(rejected(cfg, &obj));
            }
        }
    }
    parse_ok(cfg, resp, false)?;
    Ok(Verification { valid: true, reason: None })
}

fn rejected(cfg: &Config, obj: &crate::json::Object) -> Verification {
    let reason = json::get_str(obj, "message").map(|m| super::redact(m, cfg));
    Verification { valid: false, reason: Some(reason.unwrap_or_else(|| "mismatch".into())) }
}

/// `POST /api/update-contect-tag`.
pub(crate) fn update_contact_tag(cfg: &Config, mut f: Fields) -> Result<HttpRequest> {
    let to = normalize_phone(&super::take_to(&mut f)?, None)?;
    let tag = f.required_string("tag")?;
    f.finish("of updateContactTag")?;
    let b = JsonObject::new().str("phone_number", &to).str("tag", &tag).finish();
    Ok(request(cfg, Method::Post, "/api/update-contect-tag", Some(b)))
}
