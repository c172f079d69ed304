//! Teklink ChatServ (`teklink-chatserv.txt`):
//! `POST /api/v1/channels/{CHANNEL_ID}/messages`, North American numbers only.
//!
//! May import what `providers` may (its `mod.rs`): never `worker` or `wasm_bindgen`.

#[cfg(feature = "worker")]
pub mod webhook;

use super::{parse_ok, required, Any, Ctx, PreparedSend, Retry, Sent};
use crate::core::codec;
use crate::core::encode::path_segment;
use crate::client::{Config, SendStatus};
use crate::phone::nanp_national;
use crate::{segments, Error, HttpRequest, HttpResponse, Method, Result};
use serde::{Deserialize, Serialize};

/// How the Teklink client sends its token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum TeklinkAuth {
    /// `Authorization: Bearer …` (the default).
    #[default]
    Bearer,
    /// `api_token` in the JSON body.
    Body,
}

/// Teklink's own fields of `new Client(config)`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct TeklinkConfig {
    /// The sending channel (`CHANNEL_ID` of the document): required.
    #[serde(default)]
    pub channel_id: Option<String>,
    /// The sender name shown in the portal.
    #[serde(default)]
    pub from_name: Option<String>,
    /// Where the token goes (default `"bearer"`).
    #[serde(default)]
    pub auth: Option<TeklinkAuth>,
}

impl TeklinkConfig {
    /// Reads its fields from the caller's config object, each on its own
    /// (apart from the other providers' readers: a client compiles its own alone).
    #[inline(never)]
    pub(crate) fn read(config: &impl codec::Fields) -> core::result::Result<TeklinkConfig, String> {
        Ok(TeklinkConfig { channel_id: config.get("channelId")?, from_name: config.get("fromName")?, auth: config.get("auth")? })
    }

    /// Checks its fields: `channelId` is required.
    pub(crate) fn check(&self, keyless: bool) -> Result<()> {
        super::required_setting(self.channel_id.as_deref(), "channelId", keyless)
    }
}

/// The recipient field of a Teklink message.
pub(crate) const RECIPIENT: Option<&str> = Some("to");

/// Teklink's `new_conversation_state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum ConversationState {
    /// Leave the conversation open.
    Open,
    /// Close it.
    Closed,
}

/// A Teklink ChatServ message: `text` or `templateId`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct TeklinkMessage {
    /// A North American phone number.
    pub to: String,
    /// The text (or give `template_id`).
    #[serde(default)]
    pub text: Option<String>,
    /// A template to send instead of a text.
    #[serde(default)]
    pub template_id: Option<String>,
    /// Open or close the conversation.
    #[serde(default)]
    pub conversation_state: Option<ConversationState>,
    /// The sender name (default: the config's).
    #[serde(default)]
    pub from_name: Option<String>,
    /// Refuse a duplicate within this many minutes.
    #[serde(default)]
    pub duplicate_send_reject_timeout_minutes: Option<u32>,
    /// Send even to an opted-out contact.
    #[serde(default)]
    pub force_send: Option<bool>,
    /// Delay the send.
    #[serde(default)]
    pub send_delay_seconds: Option<u32>,
}

/// The body of a send, in the document's order.
#[derive(Serialize)]
struct Send<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    api_token: Option<&'a str>,
    to_telephone_number: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    template_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message_text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    new_conversation_state: Option<ConversationState>,
    #[serde(skip_serializing_if = "Option::is_none")]
    from_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    duplicate_send_reject_timeout_minutes: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    force_send: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    send_delay_seconds: Option<u32>,
}

/// Builds the send. Auth is the bearer header, or `api_token` in the body
/// when the config says `auth: "body"` (then no `Authorization` header is sent).
#[inline(never)]
pub(crate) fn send(cfg: &Config, own: &TeklinkConfig, m: TeklinkMessage, _ctx: &Ctx) -> Result<PreparedSend> {
    let to = nanp_national(&m.to)?;
    if let Some(template) = &m.template_id {
        required(template, "templateId")?;
    }
    let text = m.text.filter(|t| !t.is_empty());
    if text.is_none() && m.template_id.is_none() {
        return Err(Error::input("message.text or message.templateId is required"));
    }
    let in_body = own.auth == Some(TeklinkAuth::Body);
    let body = Send {
        api_token: in_body.then_some(cfg.api_key.as_str()),
        to_telephone_number: &to,
        template_id: m.template_id.as_deref(),
        message_text: text.as_deref(),
        new_conversation_state: m.conversation_state,
        from_name: m.from_name.as_deref().or(own.from_name.as_deref()),
        duplicate_send_reject_timeout_minutes: m.duplicate_send_reject_timeout_minutes,
        force_send: m.force_send,
        send_delay_seconds: m.send_delay_seconds,
    };
    let channel = own.channel_id.as_deref().unwrap_or_default();
    let mut headers = vec![
        ("Accept".to_string(), "application/json".to_string()),
        ("Content-Type".to_string(), "application/json".to_string()),
    ];
    if !in_body {
        headers.push(("Authorization".to_string(), super::bearer(&cfg.api_key)));
    }
    let request = HttpRequest {
        method: Method::Post,
        url: format!("{}/api/v1/channels/{}/messages", cfg.base_url, path_segment(channel)),
        headers,
        body: Some(codec::to_json(&body)),
    };
    Ok(PreparedSend {
        request,
        retry: Retry::Unsafe,
        segments: segments(text.as_deref().unwrap_or("")),
        to,
        id: None,
        idempotency_key: None,
        read: read_send,
    })
}

/// `201 {"success":true,"message":"Message sent","data":[]}`: sent, no id.
#[inline(never)]
fn read_send(cfg: &Config, resp: &HttpResponse) -> Result<Sent> {
    parse_ok::<Any>(cfg, resp, true)?;
    Ok(Sent::status(SendStatus::Sent))
}
