//! Phone Relay (`phone-relay.txt`): `POST /api/v1/messages` on seven
//! channels, message status and listing, health, inbound queries and
//! inbound-callback registration.
//!
//! The relay de-duplicates by `idempotency_key`, so every send carries one
//! (a fresh UUID unless the caller gives one) and any transient failure is
//! retried with the same key.
//!
//! May import what `providers` may (its `mod.rs`): never `worker` or `wasm_bindgen`.

#[cfg(feature = "worker")]
pub mod webhook;

use super::{parse_ok, request, required, uuid_v4, Ctx, PreparedSend, ProviderKind, Retry, Sent};
use crate::core::encode::path_segment;
use crate::core::codec::{opt_bool, opt_str};
use crate::client::{Config, MessageStatus, Prepared, SendStatus};
use crate::contract::DeliveryStatus;
use crate::phone::normalize_phone;
use crate::{segments, Error, ErrorCode, HttpRequest, HttpResponse, Method, RawJson, Result};
use serde::{Deserialize, Serialize};

/// A Phone Relay channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum RelayChannel {
    /// SMS.
    Sms,
    /// WhatsApp.
    Wa,
    /// Telegram, as the phone's user.
    Tg,
    /// A notification on the relay's phone.
    Notify,
    /// E-mail.
    Email,
    /// Telegram, through a bot.
    TgBot,
    /// The relay's private chat.
    Pchat,
}

impl RelayChannel {
    /// The channel's name on the wire (`"sms"`, `"tg_bot"`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            RelayChannel::Sms => "sms",
            RelayChannel::Wa => "wa",
            RelayChannel::Tg => "tg",
            RelayChannel::Notify => "notify",
            RelayChannel::Email => "email",
            RelayChannel::TgBot => "tg_bot",
            RelayChannel::Pchat => "pchat",
        }
    }
}

/// Phone Relay's own fields of `new Client(config)`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct RelayConfig {
    /// The phone device identifier (`phone_id`): required.
    #[serde(default)]
    pub phone_id: Option<String>,
    /// The default channel (default `"sms"`).
    #[serde(default)]
    pub channel: Option<RelayChannel>,
    /// The default `source`.
    #[serde(default)]
    pub source: Option<String>,
}

impl RelayConfig {
    /// Reads its fields from the caller's config object, each on its own
    /// (apart from the other providers' readers: a client compiles its own alone).
    #[inline(never)]
    pub(crate) fn read(config: &impl crate::core::codec::Fields) -> core::result::Result<RelayConfig, String> {
        Ok(RelayConfig { phone_id: config.get("phoneId")?, channel: config.get("channel")?, source: config.get("source")? })
    }

    /// Checks its fields: `phoneId` is required.
    pub(crate) fn check(&self, keyless: bool) -> Result<()> {
        super::required_setting(self.phone_id.as_deref(), "phoneId", keyless)
    }

    /// The channel of a message that names none.
    pub(crate) fn channel(&self) -> RelayChannel {
        self.channel.unwrap_or(RelayChannel::Sms)
    }
}

/// The recipient field of a relay message: none for every channel (notify has none).
pub(crate) const RECIPIENT: Option<&str> = None;

/// A Phone Relay message.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct RelayMessage {
    /// The recipient: a phone number (sms, wa), `@username` or chat id (tg,
    /// tg_bot), an e-mail address (email), none (notify).
    #[serde(default)]
    pub to: Option<String>,
    /// The text.
    pub text: String,
    /// The channel (default: the config's).
    #[serde(default)]
    pub channel: Option<RelayChannel>,
    /// email and notify: the subject.
    #[serde(default)]
    pub subject: Option<String>,
    /// notify: the title.
    #[serde(default)]
    pub title: Option<String>,
    /// tg_bot: the bot's token.
    #[serde(default)]
    pub bot_token: Option<String>,
    /// The `source` tag (default: the config's).
    #[serde(default)]
    pub source: Option<String>,
    /// The relay's de-duplication key (default: a fresh UUID).
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

/// `listMessages(options)` (relay).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct ListOptions {
    /// How many (1–1000, default 50).
    #[serde(default)]
    pub limit: Option<u32>,
}

/// `inboundQuery(filter)` (relay); `phone_id` defaults to the client's.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[allow(missing_docs)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct InboundFilter {
    #[serde(default)]
    pub phone_id: Option<String>,
    #[serde(default)]
    pub range: Option<String>,
    #[serde(default)]
    pub channels: Option<Vec<String>>,
    #[serde(default)]
    pub event_types: Option<Vec<String>>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    #[serde(default)]
    pub tag_mode: Option<TagMode>,
    #[serde(default)]
    pub source_contains: Option<String>,
    #[serde(default)]
    pub min_duration_sec: Option<u32>,
    #[serde(default)]
    pub has_response: Option<bool>,
    #[serde(default)]
    pub sort: Option<String>,
    #[serde(default)]
    pub limit: Option<u32>,
}

/// How an inbound query matches tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum TagMode {
    /// Any of the tags.
    Any,
    /// All of them.
    All,
}

/// `registerCallback(callback)` (relay).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[allow(missing_docs)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct InboundCallback {
    pub callback_url: String,
    #[serde(default)]
    pub channels: Option<Vec<String>>,
    #[serde(default)]
    pub source_filter: Option<String>,
    #[serde(default)]
    pub event_types: Option<Vec<String>>,
    #[serde(default)]
    pub keyword_filter: Option<String>,
    #[serde(default)]
    pub min_duration_sec: Option<u32>,
    #[serde(default)]
    pub max_duration_sec: Option<u32>,
    #[serde(default)]
    pub callback_token: Option<String>,
    #[serde(default)]
    pub active: Option<bool>,
}

/// `deleteCallback(request)` (relay).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct DeleteCallbackRequest {
    /// The registered callback URL.
    pub callback_url: String,
}

/// Normalises a recipient for a channel: E.164 for sms/wa, an e-mail address
/// for email; tg (`@name`, as the document shows, or any handle), tg_bot (a
/// chat id) and pchat as given, for the relay to judge.
pub(crate) fn recipient(channel: RelayChannel, to: &str) -> Result<String> {
    let to = to.trim();
    if matches!(channel, RelayChannel::Sms | RelayChannel::Wa) {
        return normalize_phone(to, None);
    }
    if to.is_empty() || to.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::input(format!("message.to must be a non-empty {} recipient without spaces", channel.as_str())));
    }
    match channel {
        RelayChannel::Email => {
            let ok = match to.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty() && domain.as_bytes().contains(&b'.') && !domain.starts_with('.') && !domain.ends_with('.') && !domain.as_bytes().contains(&b'@')
                }
                None => false,
            };
            if ok {
                Ok(to.to_string())
            } else {
                Err(Error::input("message.to must be an e-mail address for the email channel"))
            }
        }
        _ => Ok(to.to_string()),
    }
}

/// The body of a send, in the document's order.
#[derive(Serialize)]
struct Send<'a> {
    phone_id: &'a str,
    channel: RelayChannel,
    #[serde(skip_serializing_if = "Option::is_none")]
    to: Option<&'a str>,
    text: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    idempotency_key: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bot_token: Option<&'a str>,
}

/// Builds the send, checking each channel's required fields.
#[inline(never)]
pub(crate) fn send(cfg: &Config, own: &RelayConfig, m: RelayMessage, ctx: &Ctx) -> Result<PreparedSend> {
    use RelayChannel::*;
    let ch = m.channel.unwrap_or(own.channel());
    let key = match m.idempotency_key {
        // An empty key would make every retry of every message one message.
        Some(k) if k.is_empty() => return Err(Error::input("message.idempotencyKey must not be empty")),
        Some(k) => k,
        None => uuid_v4(ctx.rng),
    };
    // The document requires a bot token for tg_bot, a subject for email and
    // `to` for sms, wa, tg and email; it forbids none of them elsewhere, so
    // they are passed on for the relay to judge.
    if ch == TgBot && m.bot_token.as_deref().is_none_or(str::is_empty) {
        return Err(Error::input("message.botToken is required for the tg_bot channel"));
    }
    if ch == Email && m.subject.as_deref().is_none_or(str::is_empty) {
        return Err(Error::input("message.subject is required for the email channel"));
    }
    let to = match (ch, m.to) {
        (Notify | Pchat | TgBot, None) => None,
        (_, None) => return Err(Error::input(format!("message.to is required for the {} channel", ch.as_str()))),
        (_, Some(t)) => Some(recipient(ch, &t)?),
    };
    required(&m.text, "text")?;
    let body = Send {
        phone_id: own.phone_id.as_deref().unwrap_or_default(),
        channel: ch,
        to: to.as_deref(),
        text: &m.text,
        source: m.source.as_deref().or(own.source.as_deref()),
        idempotency_key: &key,
        subject: m.subject.as_deref(),
        title: m.title.as_deref(),
        bot_token: m.bot_token.as_deref(),
    };
    Ok(PreparedSend {
        request: request(cfg, Method::Post, "/api/v1/messages", Some(&body)),
        retry: Retry::Safe,
        segments: segments(&m.text),
        to: to.unwrap_or_default(),
        id: None,
        idempotency_key: Some(key),
        read: read_send,
    })
}

#[derive(Deserialize)]
struct SendAnswer {
    #[serde(default, deserialize_with = "opt_str")]
    message_id: Option<String>,
    #[serde(default, deserialize_with = "opt_str")]
    status: Option<String>,
    #[serde(default, deserialize_with = "opt_bool")]
    duplicate: Option<bool>,
}

/// What a send answered: the message id, its status, and whether the relay
/// recognised the idempotency key.
#[inline(never)]
fn read_send(cfg: &Config, resp: &HttpResponse) -> Result<Sent> {
    let a: SendAnswer = parse_ok(cfg, resp, true)?;
    let id = a.message_id.ok_or_else(|| {
        Error::new(ErrorCode::OutcomeUnknown, "relay accepted the message but sent no message_id").with_provider("relay")
    })?;
    let status = if a.status.as_deref() == Some("sent") { SendStatus::Sent } else { SendStatus::Queued };
    Ok(Sent { id: Some(id), status, duplicate: a.duplicate == Some(true) })
}

/// `GET /api/v1/messages/{id}`.
pub(crate) fn status(cfg: &Config, id: &str) -> Prepared<MessageStatus> {
    let request = request::<()>(cfg, Method::Get, &format!("/api/v1/messages/{}", path_segment(id)), None);
    let id = id.to_string();
    Prepared::new(request, None, None, move |cfg, resp, _| read_status(cfg, &id, resp))
}

#[derive(Deserialize)]
struct StatusAnswer {
    message: Option<StatusMessage>,
}

#[derive(Deserialize)]
struct StatusMessage {
    #[serde(default, deserialize_with = "opt_str")]
    message_id: Option<String>,
    #[serde(default, deserialize_with = "opt_str")]
    status: Option<String>,
    #[serde(default, deserialize_with = "opt_str")]
    last_error: Option<String>,
    #[serde(default, deserialize_with = "opt_str")]
    created_at: Option<String>,
    #[serde(default, deserialize_with = "opt_str")]
    delivered_at: Option<String>,
}

/// Reads `{success, message: {message_id, status, last_error, created_at, delivered_at}}`.
#[inline(never)]
fn read_status(cfg: &Config, id: &str, resp: &HttpResponse) -> Result<MessageStatus> {
    let a: StatusAnswer = parse_ok(cfg, resp, false)?;
    let m = a.message.ok_or_else(|| {
        Error::new(ErrorCode::ProviderRejected, "relay's status answer has no message object").with_provider("relay")
    })?;
    Ok(MessageStatus {
        id: m.message_id.unwrap_or_else(|| id.to_string()),
        provider: ProviderKind::Relay,
        status: DeliveryStatus::parse(m.status.as_deref().unwrap_or("")),
        error: m.last_error,
        created_at: m.created_at,
        delivered_at: m.delivered_at,
        raw: RawJson(super::redact(&resp.body, cfg)),
    })
}

/// `GET /api/v1/messages?limit=N`.
pub(crate) fn list_messages(cfg: &Config, o: ListOptions) -> Result<HttpRequest> {
    let limit = o.limit.unwrap_or(50);
    if !(1..=1000).contains(&limit) {
        return Err(Error::input("options.limit must be from 1 to 1000"));
    }
    Ok(request::<()>(cfg, Method::Get, &format!("/api/v1/messages?limit={limit}"), None))
}

/// `GET /health`.
pub(crate) fn health(cfg: &Config) -> HttpRequest {
    request::<()>(cfg, Method::Get, "/health", None)
}

const INBOUND_PATH: &str = "/api/v1/webchat/inbound/query";
const CALLBACKS_PATH: &str = "/api/v1/webchat/callbacks/inbound";

/// The relay's inbound query body: the filter's fields in snake_case.
#[derive(Serialize)]
struct InboundQuery<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    phone_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    range: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    channels: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    event_types: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tags: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tag_mode: Option<TagMode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_contains: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    min_duration_sec: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    has_response: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sort: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    limit: Option<u32>,
}

/// `POST /api/v1/webchat/inbound/query` (`phone_id` defaults to the config's).
pub(crate) fn inbound_query(cfg: &Config, own: &RelayConfig, f: InboundFilter) -> Result<HttpRequest> {
    let body = InboundQuery {
        phone_id: f.phone_id.as_deref().or(own.phone_id.as_deref()),
        range: f.range.as_deref(),
        channels: f.channels.as_deref(),
        event_types: f.event_types.as_deref(),
        tags: f.tags.as_deref(),
        tag_mode: f.tag_mode,
        source_contains: f.source_contains.as_deref(),
        min_duration_sec: f.min_duration_sec,
        has_response: f.has_response,
        sort: f.sort.as_deref(),
        limit: f.limit,
    };
    Ok(request(cfg, Method::Post, INBOUND_PATH, Some(&body)))
}

/// `GET /api/v1/webchat/callbacks/inbound`.
pub(crate) fn list_callbacks(cfg: &Config) -> HttpRequest {
    request::<()>(cfg, Method::Get, CALLBACKS_PATH, None)
}

/// The relay's callback registration body, in the document's order.
#[derive(Serialize)]
struct Callback<'a> {
    callback_url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    channels: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_filter: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    event_types: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    keyword_filter: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    min_duration_sec: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_duration_sec: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    callback_token: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    active: Option<bool>,
}

fn check_url(url: &str) -> Result<()> {
    if url.starts_with("https://") || url.starts_with("http://") {
        Ok(())
    } else {
        Err(Error::input("callback.callbackUrl must be an http(s) URL"))
    }
}

/// `POST /api/v1/webchat/callbacks/inbound`.
pub(crate) fn register_callback(cfg: &Config, c: InboundCallback) -> Result<HttpRequest> {
    check_url(&c.callback_url)?;
    let body = Callback {
        callback_url: &c.callback_url,
        channels: c.channels.as_deref(),
        source_filter: c.source_filter.as_deref(),
        event_types: c.event_types.as_deref(),
        keyword_filter: c.keyword_filter.as_deref(),
        min_duration_sec: c.min_duration_sec,
        max_duration_sec: c.max_duration_sec,
        callback_token: c.callback_token.as_deref(),
        active: c.active,
    };
    Ok(request(cfg, Method::Post, CALLBACKS_PATH, Some(&body)))
}

#[derive(Serialize)]
struct DeleteCallback<'a> {
    callback_url: &'a str,
}

/// `DELETE /api/v1/webchat/callbacks/inbound` with `{"callback_url": …}`
/// (the relay's document names the method but not its body; this is ours).
pub(crate) fn delete_callback(cfg: &Config, r: DeleteCallbackRequest) -> Result<HttpRequest> {
    Ok(request(cfg, Method::Delete, CALLBACKS_PATH, Some(&DeleteCallback { callback_url: &r.callback_url })))
}
