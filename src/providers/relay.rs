//! Phone Relay (`phone-relay.txt`): `POST /api/v1/messages` on seven
//! channels, message status and listing, health, inbound queries and
//! inbound-callback registration.
//!
//! The relay de-duplicates by `idempotency_key`, so every send carries one
//! (a fresh UUID unless the caller gives one) and any transient failure is
//! retried with the same key.

use super::{parse_ok, path_segment, request, uuid_v4, Ctx, PreparedSend, Retry};
use crate::json::{self, string_array, Fields, JsonObject};
use crate::{normalize_phone, normalize_status, segments, Config, Error, HttpRequest, HttpResponse, MessageStatus, Method, Result};
use crate::json::Value;

const CHANNELS: [&str; 7] = ["sms", "wa", "tg", "notify", "email", "tg_bot", "pchat"];

/// Checks a channel name.
pub(crate) fn check_channel(c: &str) -> Result<()> {
    if CHANNELS.contains(&c) {
        Ok(())
    } else {
        Err(Error::input(format!("channel must be one of {}, not \"{c}\"", CHANNELS.join(", "))))
    }
}

/// Normalises a recipient for a channel: E.164 for sms/wa, `@username` for
/// tg, an e-mail address for email, a chat id for tg_bot, as given for pchat.
pub(crate) fn recipient(channel: &str, to: &str) -> Result<String> {
    let to = to.trim();
    match channel {
        "sms" | "wa" => normalize_phone(to, None),
        "tg" => {
            let name = to.strip_prefix('@').unwrap_or(to);
            let ok = (5..=32).contains(&name.len())
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && name.as_bytes()[0].is_ascii_alphabetic();
            if ok {
                Ok(format!("@{name}"))
            } else {
                Err(Error::input("message.to must be a Telegram username such as @name (5-32 letters, digits or _)"))
            }
        }
        "email" => {
            let ok = match to.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                        && !domain.contains('@')
                        && !to.chars().any(|c| c.is_whitespace() || c.is_control())
                }
                None => false,
            };
            if ok {
                Ok(to.to_string())
            } else {
                Err(Error::input("message.to must be an e-mail address for the email channel"))
            }
        }
        "tg_bot" => {
            let digits = to.strip_prefix('-').unwrap_or(to);
            if (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())) || to.starts_with('@') {
                Ok(to.to_string())
            } else {
                Err(Error::input("message.to must be a Telegram chat id for the tg_bot channel"))
            }
        }
        _ if to.is_empty() => Err(Error::input("message.to is empty")),
        _ => Ok(to.to_string()),
    }
}

/// Builds the send, checking each channel's required fields.
pub(crate) fn send(cfg: &Config, mut f: Fields, ctx: &Ctx) -> Result<PreparedSend> {
    let channel = f.string("channel")?.unwrap_or_else(|| cfg.channel.clone());
    check_channel(&channel).map_err(|e| Error::input(format!("message.{}", e.message)))?;
    let to = f.string("to")?;
    let text = f.required_string("text")?;
    let source = f.string("source")?.or_else(|| cfg.source.clone());
    let key = match f.string("idempotencyKey")? {
        Some(k) if k.is_empty() || k.len() > 200 => {
            return Err(Error::input("message.idempotencyKey must be 1 to 200 characters"))
        }
        Some(k) => k,
        None => uuid_v4(ctx.rng),
    };
    let subject = f.string("subject")?;
    let title = f.string("title")?;
    let bot_token = f.string("botToken")?;
    let ch = channel.as_str();
    if title.is_some() && ch != "notify" {
        return Err(Error::input("message.title is only for the notify channel"));
    }
    if subject.is_some() && !matches!(ch, "email" | "notify") {
        return Err(Error::input("message.subject is only for the email and notify channels"));
    }
    if bot_token.is_some() != (ch == "tg_bot") {
        return Err(Error::input(if ch == "tg_bot" {
            "message.botToken is required for the tg_bot channel"
        } else {
            "message.botToken is only for the tg_bot channel"
        }));
    }
    if ch == "email" && subject.as_deref().map_or(true, str::is_empty) {
        return Err(Error::input("message.subject is required for the email channel"));
    }
    let to = match (ch, to) {
        ("notify", Some(_)) => return Err(Error::input("the notify channel takes no message.to")),
        ("notify", None) => None,
        ("pchat", None) => None,
        (_, None) => return Err(Error::input(format!("message.to is required for the {ch} channel"))),
        (_, Some(t)) => Some(recipient(ch, &t)?),
    };
    f.finish("for relay")?;
    let b = JsonObject::new()
        .str("phone_id", cfg.phone_id.as_deref().unwrap_or_default())
        .str("channel", ch)
        .opt_str("to", to.as_deref())
        .str("text", &text)
        .opt_str("source", source.as_deref())
        .str("idempotency_key", &key)
        .opt_str("subject", subject.as_deref())
        .opt_str("title", title.as_deref())
        .opt_str("bot_token", bot_token.as_deref())
        .finish();
    Ok(PreparedSend {
        request: request(cfg, Method::Post, "/api/v1/messages", Some(b)),
        retry: Retry::Safe,
        segments: segments(&text),
        to: to.unwrap_or_default(),
        id: None,
        idempotency_key: Some(key),
    })
}

/// What a send answered: the message id, its status, and whether the relay
/// recognised the idempotency key.
pub(crate) fn parse_send(cfg: &Config, resp: &HttpResponse) -> Result<(String, &'static str, bool)> {
    let obj = parse_ok(cfg, resp, true)?;
    let id = json::get_str(&obj, "message_id").ok_or_else(|| {
        Error::new(crate::ErrorCode::OutcomeUnknown, "relay accepted the message but sent no message_id")
            .with_provider("relay")
    })?;
    let status = match json::get_str(&obj, "status") {
        Some("sent") => "sent",
        _ => "queued",
    };
    let duplicate = json::get_bool(&obj, "duplicate") == Some(true);
    Ok((id.to_string(), status, duplicate))
}

/// `GET /api/v1/messages/{id}`.
pub(crate) fn status(cfg: &Config, id: &str) -> HttpRequest {
    request(cfg, Method::Get, &format!("/api/v1/messages/{}", path_segment(id)), None)
}

/// Reads `{success, message: {message_id, status, last_error, created_at, delivered_at}}`.
pub(crate) fn parse_status(cfg: &Config, id: &str, resp: &HttpResponse) -> Result<MessageStatus> {
    let obj = parse_ok(cfg, resp, false)?;
    let Some(Value::Object(m)) = obj.get("message") else {
        return Err(Error::new(crate::ErrorCode::ProviderRejected, "relay's status answer has no message object")
            .with_provider("relay"));
    };
    Ok(MessageStatus {
        id: json::get_str(m, "message_id").unwrap_or(id).to_string(),
        provider: "relay".into(),
        status: normalize_status(json::get_str(m, "status").unwrap_or("")).into(),
        error: json::get_str(m, "last_error").map(str::to_string),
        created_at: json::get_str(m, "created_at").map(str::to_string),
        delivered_at: json::get_str(m, "delivered_at").map(str::to_string),
        raw: super::redact(&resp.body, cfg),
    })
}

/// `GET /api/v1/messages?limit=N`.
pub(crate) fn list_messages(cfg: &Config, mut f: Fields) -> Result<HttpRequest> {
    let limit = f.uint("limit", 1000)?.unwrap_or(50);
    f.finish("of listMessages")?;
    Ok(request(cfg, Method::Get, &format!("/api/v1/messages?limit={limit}"), None))
}

/// `GET /health`.
pub(crate) fn health(cfg: &Config) -> HttpRequest {
    request(cfg, Method::Get, "/health", None)
}

const INBOUND_PATH: &str = "/api/v1/webchat/inbound/query";
const CALLBACKS_PATH: &str = "/api/v1/webchat/callbacks/inbound";

/// `POST /api/v1/webchat/inbound/query`, from camelCase filter fields to the
/// relay's documented snake_case ones (`phone_id` defaults to the config's).
pub(crate) fn inbound_query(cfg: &Config, mut f: Fields) -> Result<HttpRequest> {
    let phone = f.string("phoneId")?.or_else(|| cfg.phone_id.clone());
    let mut b = JsonObject::new().opt_str("phone_id", phone.as_deref());
    b = b.opt_str("range", f.string("range")?.as_deref());
    b = list(b, "channels", f.string_list("channels")?);
    b = list(b, "event_types", f.string_list("eventTypes")?);
    b = list(b, "tags", f.string_list("tags")?);
    if let Some(mode) = f.string("tagMode")? {
        if mode != "any" && mode != "all" {
            return Err(Error::input("filter.tagMode must be \"any\" or \"all\""));
        }
        b = b.str("tag_mode", &mode);
    }
    b = b.opt_str("source_contains", f.string("sourceContains")?.as_deref());
    b = num(b, "min_duration_sec", f.uint("minDurationSec", u32::MAX as u64)?);
    if let Some(v) = f.boolean("hasResponse")? {
        b = b.bool("has_response", v);
    }
    b = b.opt_str("sort", f.string("sort")?.as_deref());
    b = num(b, "limit", f.uint("limit", 10_000)?);
    f.finish("of inboundQuery")?;
    Ok(request(cfg, Method::Post, INBOUND_PATH, Some(b.finish())))
}

/// `GET /api/v1/webchat/callbacks/inbound`.
pub(crate) fn list_callbacks(cfg: &Config) -> HttpRequest {
    request(cfg, Method::Get, CALLBACKS_PATH, None)
}

/// `POST /api/v1/webchat/callbacks/inbound`.
pub(crate) fn register_callback(cfg: &Config, mut f: Fields) -> Result<HttpRequest> {
    let url = f.required_string("callbackUrl")?;
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(Error::input("callback.callbackUrl must be an http(s) URL"));
    }
    let mut b = JsonObject::new().str("callback_url", &url);
    b = list(b, "channels", f.string_list("channels")?);
    b = b.opt_str("source_filter", f.string("sourceFilter")?.as_deref());
    b = list(b, "event_types", f.string_list("eventTypes")?);
    b = b.opt_str("keyword_filter", f.string("keywordFilter")?.as_deref());
    b = num(b, "min_duration_sec", f.uint("minDurationSec", u32::MAX as u64)?);
    b = num(b, "max_duration_sec", f.uint("maxDurationSec", u32::MAX as u64)?);
    b = b.opt_str("callback_token", f.string("callbackToken")?.as_deref());
    if let Some(v) = f.boolean("active")? {
        b = b.bool("active", v);
    }
    f.finish("of registerCallback")?;
    Ok(request(cfg, Method::Post, CALLBACKS_PATH, Some(b.finish())))
}

/// `DELETE /api/v1/webchat/callbacks/inbound` with `{"callback_url": …}`
/// (the relay's document names the method but not its body; this is ours).
pub(crate) fn delete_callback(cfg: &Config, mut f: Fields) -> Result<HttpRequest> {
    let url = f.required_string("callbackUrl")?;
    f.finish("of deleteCallback")?;
    let b = JsonObject::new().str("callback_url", &url).finish();
    Ok(request(cfg, Method::Delete, CALLBACKS_PATH, Some(b)))
}

fn list(b: JsonObject, key: &str, items: Option<Vec<String>>) -> JsonObject {
    match items {
        Some(items) => b.raw(key, &string_array(&items)),
        None => b,
    }
}

fn num(b: JsonObject, key: &str, v: Option<u64>) -> JsonObject {
    match v {
        Some(v) => b.num(key, v),
        None => b,
    }
}
