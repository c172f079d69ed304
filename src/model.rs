//! The values that cross the API: configuration, messages, requests,
//! receipts, tickets, verifications and statuses. Each is a serde type; in
//! JavaScript they are plain objects with camelCase keys.

use crate::{check_otp_secret, Error, RawJson, Result, SegmentInfo};
use core::fmt;
use serde::{Deserialize, Serialize};

/// One of the four supported providers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum ProviderKind {
    /// TextLink (`textlink`): SMS through an Android phone, with native OTP.
    #[serde(rename = "textlink")]
    TextLink,
    /// Teklink ChatServ (`teklink`): North American SMS.
    Teklink,
    /// Phone Relay (`relay`): a self-hosted relay for SMS, WhatsApp, Telegram, e-mail and more.
    Relay,
    /// Klink CX (`klink`): omnichannel messages to a contact.
    Klink,
}

impl ProviderKind {
    /// Every provider, in the contract's order.
    pub const ALL: [ProviderKind; 4] = [ProviderKind::TextLink, ProviderKind::Teklink, ProviderKind::Relay, ProviderKind::Klink];

    /// The provider's name as used in the API (`"textlink"`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::TextLink => "textlink",
            ProviderKind::Teklink => "teklink",
            ProviderKind::Relay => "relay",
            ProviderKind::Klink => "klink",
        }
    }

    /// Parses a provider name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == name)
    }

    /// The documented base URL, or `None` where there is none (the relay is self-hosted).
    pub fn default_base_url(self) -> Option<&'static str> {
        match self {
            ProviderKind::TextLink => Some("https://textlinksms.com"),
            ProviderKind::Teklink => Some("https://sms.theteklink.com"),
            ProviderKind::Relay => None,
            ProviderKind::Klink => Some("https://apigw.klinkcx.com"),
        }
    }
}

impl fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

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

/// Settings for signed one-time codes, as given.
#[derive(Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct OtpSettings {
    /// The HMAC key (at least 32 bytes).
    pub secret: String,
    /// Digits in a code (4–10, default 6).
    #[serde(default)]
    pub length: Option<u8>,
    /// How long a code lives (default 600 s).
    #[serde(default)]
    pub ttl_seconds: Option<u64>,
    /// The message text; `{code}`, `{service}` and `{minutes}` are filled in.
    #[serde(default)]
    pub template: Option<String>,
}

/// Settings for signed one-time codes, validated.
#[derive(Clone, PartialEq)]
pub struct OtpConfig {
    /// The HMAC key (at least 32 bytes).
    pub secret: String,
    /// Digits in a code (4–10, default 6).
    pub length: u8,
    /// How long a code lives (default 600 s).
    pub ttl_seconds: u64,
    /// The message text; `{code}`, `{service}` and `{minutes}` are filled in.
    pub template: String,
}

/// The default one-time-code message.
pub const DEFAULT_OTP_TEMPLATE: &str = "Your {service} code is {code}. It expires in {minutes} minutes.";

/// `new Client(config)` as given: every field of every provider, each
/// optional here; [`Config::new`] checks which the provider takes.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct ClientConfig {
    /// Which provider to talk to.
    pub provider: ProviderKind,
    /// The provider's bearer token.
    #[serde(default)]
    pub api_key: Option<String>,
    /// The provider's base URL.
    #[serde(default)]
    pub base_url: Option<String>,
    /// Per HTTP attempt, in ms.
    #[serde(default)]
    pub timeout_ms: Option<u32>,
    /// Retries that cannot cause a second delivery.
    #[serde(default)]
    pub max_retries: Option<u32>,
    /// Signed one-time codes.
    #[serde(default)]
    pub otp: Option<OtpSettings>,
    /// An edgetext worker for `sendCode` / `verifyCode`.
    #[serde(default)]
    pub otp_url: Option<String>,
    /// An edgetext worker for `status()`.
    #[serde(default)]
    pub status_url: Option<String>,
    /// Bearer token for `status_url`.
    #[serde(default)]
    pub status_token: Option<String>,
    /// teklink: the sending channel.
    #[serde(default)]
    pub channel_id: Option<String>,
    /// teklink: the sender name.
    #[serde(default)]
    pub from_name: Option<String>,
    /// teklink: where the token goes.
    #[serde(default)]
    pub auth: Option<TeklinkAuth>,
    /// relay: the phone device identifier.
    #[serde(default)]
    pub phone_id: Option<String>,
    /// relay: the default channel.
    #[serde(default)]
    pub channel: Option<RelayChannel>,
    /// relay: the default `source`.
    #[serde(default)]
    pub source: Option<String>,
    /// textlink: the default SIM card.
    #[serde(default)]
    pub sim_card_id: Option<u32>,
}

/// A validated client configuration.
///
/// Its `Debug` form never shows the API key or the OTP secret.
#[derive(Clone, PartialEq)]
pub struct Config {
    /// Which provider to talk to.
    pub provider: ProviderKind,
    /// The bearer token for the provider; empty for a client that has only
    /// [`Config::otp_url`] (then every provider operation is `invalid_config`).
    pub api_key: String,
    /// The provider's base URL, without a trailing slash.
    pub base_url: String,
    /// Time limit of one HTTP attempt.
    pub timeout_ms: u32,
    /// How many times a failed call may be retried (when that is safe).
    pub max_retries: u32,
    /// Signed one-time codes, when configured.
    pub otp: Option<OtpConfig>,
    /// Base URL of an edgetext worker whose `/v1/otp/send` and `/v1/otp/verify`
    /// serve `sendCode` and `verifyCode` (worker mode: no key or secret here).
    pub otp_url: Option<String>,
    /// Base URL of an edgetext worker that answers `status()` for providers without a status endpoint.
    pub status_url: Option<String>,
    /// Bearer token for `status_url` (the worker's `EDGETEXT_API_TOKEN`); the provider key is never sent there.
    pub status_token: Option<String>,
    /// teklink: the sending channel.
    pub channel_id: Option<String>,
    /// teklink: the sender name shown in the portal.
    pub from_name: Option<String>,
    /// teklink: where the token goes.
    pub auth: TeklinkAuth,
    /// relay: the phone device identifier.
    pub phone_id: Option<String>,
    /// relay: the default channel (`sms`).
    pub channel: RelayChannel,
    /// relay: the default `source`.
    pub source: Option<String>,
    /// textlink: the default SIM card.
    pub sim_card_id: Option<u32>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("provider", &self.provider)
            .field("api_key", &"[redacted]")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

fn url_field(value: Option<String>, field: &str) -> Result<Option<String>> {
    let Some(v) = value else { return Ok(None) };
    let trimmed = v.trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"))
        .unwrap_or("");
    if rest.is_empty() || rest.starts_with('/') || trimmed.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::config(format!("{field} must be an http(s) URL")));
    }
    Ok(Some(trimmed.to_string()))
}

impl Config {
    /// Reads and validates a configuration object given as JSON text.
    ///
    /// ```
    /// let cfg = edgetext::Config::from_json(r#"{"provider":"textlink","apiKey":"k"}"#).unwrap();
    /// assert_eq!(cfg.base_url, "https://textlinksms.com");
    /// let err = edgetext::Config::from_json(r#"{"provider":"teklink","apiKey":"k"}"#).unwrap_err();
    /// assert_eq!(err.message, "config.channelId is required");
    /// ```
    pub fn from_json(text: &str) -> Result<Config> {
        let given = crate::core::codec::from_json::<ClientConfig>(text).map_err(|e| Error::config(field_error("config", None, &e)))?;
        Config::new(given)
    }

    /// Validates a configuration: required fields, URLs, ranges, and no
    /// field of another provider.
    pub fn new(c: ClientConfig) -> Result<Config> {
        let provider = c.provider;
        let p = provider.as_str();
        let otp_url = url_field(c.otp_url, "config.otpUrl")?;
        // With otpUrl alone (a browser), the client only sends and checks
        // codes through the worker: no key, and the provider's own fields may go.
        let keyless = otp_url.is_some() && c.api_key.is_none();
        let api_key = match c.api_key {
            Some(k) if !k.trim().is_empty() => k,
            _ if keyless => String::new(),
            _ => return Err(Error::config("config.apiKey is required")),
        };
        if api_key.chars().any(|ch| ch.is_control() || ch == ' ') {
            return Err(Error::config("config.apiKey contains spaces or control characters"));
        }
        let base_url = match url_field(c.base_url, "config.baseUrl")? {
            Some(u) => u,
            None if keyless => provider.default_base_url().unwrap_or_default().to_string(),
            None => provider
                .default_base_url()
                .ok_or_else(|| Error::config(format!("config.baseUrl is required for {p}")))?
                .to_string(),
        };
        let timeout_ms = c.timeout_ms.unwrap_or(10_000);
        if !(1..=600_000).contains(&timeout_ms) {
            return Err(Error::config("config.timeoutMs must be from 1 to 600000"));
        }
        let max_retries = c.max_retries.unwrap_or(2);
        if max_retries > 10 {
            return Err(Error::config("config.maxRetries must be from 0 to 10"));
        }
        let status_url = url_field(c.status_url, "config.statusUrl")?;
        let otp = c.otp.map(OtpSettings::validate).transpose()?;
        if otp.is_some() && otp_url.is_some() {
            return Err(Error::config(
                "give config.otp (codes signed here) or config.otpUrl (codes kept by a worker), not both",
            ));
        }

        let foreign = |field: &str, given: bool, owner: ProviderKind| -> Result<()> {
            if given && provider != owner {
                return Err(Error::config(format!("config.{field} is not a field for {p} (it is {owner}'s)")));
            }
            Ok(())
        };
        foreign("channelId", c.channel_id.is_some(), ProviderKind::Teklink)?;
        foreign("fromName", c.from_name.is_some(), ProviderKind::Teklink)?;
        foreign("auth", c.auth.is_some(), ProviderKind::Teklink)?;
        foreign("phoneId", c.phone_id.is_some(), ProviderKind::Relay)?;
        foreign("channel", c.channel.is_some(), ProviderKind::Relay)?;
        foreign("source", c.source.is_some(), ProviderKind::Relay)?;
        foreign("simCardId", c.sim_card_id.is_some(), ProviderKind::TextLink)?;
        let required = |field: &str, v: Option<String>| -> Result<Option<String>> {
            match v {
                Some(s) if !s.is_empty() => Ok(Some(s)),
                _ if keyless => Ok(None),
                _ => Err(Error::config(format!("config.{field} is required"))),
            }
        };
        let channel_id = if provider == ProviderKind::Teklink { required("channelId", c.channel_id)? } else { None };
        let phone_id = if provider == ProviderKind::Relay { required("phoneId", c.phone_id)? } else { None };
        Ok(Config {
            provider,
            api_key,
            base_url,
            timeout_ms,
            max_retries,
            otp,
            otp_url,
            status_url,
            status_token: c.status_token,
            channel_id,
            from_name: c.from_name,
            auth: c.auth.unwrap_or_default(),
            phone_id,
            channel: c.channel.unwrap_or(RelayChannel::Sms),
            source: c.source,
            sim_card_id: c.sim_card_id,
        })
    }
}

impl OtpSettings {
    fn validate(self) -> Result<OtpConfig> {
        check_otp_secret(self.secret.as_bytes())?;
        let length = self.length.unwrap_or(6);
        if !(4..=10).contains(&length) {
            return Err(Error::config("config.otp.length must be from 4 to 10"));
        }
        let ttl_seconds = self.ttl_seconds.unwrap_or(600);
        if !(1..=86_400).contains(&ttl_seconds) {
            return Err(Error::config("config.otp.ttlSeconds must be from 1 to 86400"));
        }
        let template = self.template.unwrap_or_else(|| DEFAULT_OTP_TEMPLATE.into());
        if !template.contains("{code}") {
            return Err(Error::config("config.otp.template must contain {code}"));
        }
        Ok(OtpConfig { secret: self.secret, length, ttl_seconds, template })
    }
}

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

/// A message for one provider.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Message {
    /// For a TextLink client.
    TextLink(TextLinkMessage),
    /// For a Teklink client.
    Teklink(TeklinkMessage),
    /// For a Phone Relay client.
    Relay(RelayMessage),
    /// For a Klink client.
    Klink(KlinkMessage),
}

impl Message {
    /// The provider this message is for.
    pub fn provider(&self) -> ProviderKind {
        match self {
            Message::TextLink(_) => ProviderKind::TextLink,
            Message::Teklink(_) => ProviderKind::Teklink,
            Message::Relay(_) => ProviderKind::Relay,
            Message::Klink(_) => ProviderKind::Klink,
        }
    }

    /// Reads `provider`'s message from a deserializer, refusing fields it does not have.
    pub fn deserialize_for<'de, D: serde::Deserializer<'de>>(provider: ProviderKind, d: D) -> core::result::Result<Message, D::Error> {
        Ok(match provider {
            ProviderKind::TextLink => Message::TextLink(crate::core::codec::de::<TextLinkMessage, _>(d)?),
            ProviderKind::Teklink => Message::Teklink(crate::core::codec::de::<TeklinkMessage, _>(d)?),
            ProviderKind::Relay => Message::Relay(crate::core::codec::de::<RelayMessage, _>(d)?),
            ProviderKind::Klink => Message::Klink(crate::core::codec::de::<KlinkMessage, _>(d)?),
        })
    }
}

/// The `invalid_input` error for a value that did not deserialise.
pub(crate) fn input_error(what: &str, provider: ProviderKind, why: &str) -> Error {
    Error::input(field_error(what, Some(provider), why))
}

/// Words a deserialisation error (`"otp.colour: unknown field `colour`, …"`)
/// as the field it is about: `"config.otp.colour is not a field"`.
pub(crate) fn field_error(what: &str, provider: Option<ProviderKind>, why: &str) -> String {
    let why = why.rfind(" at line ").map_or(why, |i| &why[..i]);
    let (path, rest) = match why.split_once(": ") {
        Some((path, rest)) if !path.contains(' ') => (format!("{what}.{path}"), rest),
        _ => (what.to_string(), why),
    };
    if path == what && rest.starts_with("invalid type") && rest.contains("expected struct") {
        return format!("{what} must be an object");
    }
    let rest = rest.replace("expected u8", "expected a whole number").replace("expected u32", "expected a whole number").replace("expected u64", "expected a whole number");
    if let Some(name) = rest.strip_prefix("missing field `").and_then(|r| r.split('`').next()) {
        return format!("{path}.{name} is required");
    }
    if let Some(name) = rest.strip_prefix("unknown field `").and_then(|r| r.split('`').next()) {
        let path = if path == what { format!("{what}.{name}") } else { path };
        return match provider {
            Some(p) => format!("{path} is not a field for {p}"),
            None => format!("{path} is not a field"),
        };
    }
    format!("{path}: {rest}")
}

/// `sendCode(request)`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct CodeRequest {
    /// The recipient (klink: or `contact_id`).
    #[serde(default)]
    pub to: Option<String>,
    /// klink: the contact's UUID.
    #[serde(default)]
    pub contact_id: Option<String>,
    /// Named in the message.
    #[serde(default)]
    pub service_name: Option<String>,
    /// Digits, 4–10 (signed codes).
    #[serde(default)]
    pub length: Option<u8>,
    /// Lifetime in seconds.
    #[serde(default)]
    pub ttl_seconds: Option<u64>,
    /// textlink: your id.
    #[serde(default)]
    pub custom_id: Option<String>,
    /// textlink: the SIM card.
    #[serde(default)]
    pub sim_card_id: Option<u32>,
}

/// `verifyCode(request)`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct VerifyRequest {
    /// The recipient (klink: or `contact_id`).
    #[serde(default)]
    pub to: Option<String>,
    /// klink: the contact's UUID.
    #[serde(default)]
    pub contact_id: Option<String>,
    /// The code the user typed.
    pub code: String,
    /// The ticket's token (signed codes); `null` as a ticket without one has it.
    #[serde(default)]
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string | null | undefined"))]
    pub token: Option<String>,
}

/// A send's status as the provider answered it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum SendStatus {
    /// Accepted, not sent yet.
    Queued,
    /// Sent.
    Sent,
}

impl SendStatus {
    /// `"queued"` or `"sent"`.
    pub fn as_str(self) -> &'static str {
        match self {
            SendStatus::Queued => "queued",
            SendStatus::Sent => "sent",
        }
    }
}

/// What a provider answered to a send.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct SendReceipt {
    /// Which provider took it.
    pub provider: ProviderKind,
    /// The message id to ask `status()` about (`None` for teklink, which returns none).
    pub id: Option<String>,
    /// As the provider answered.
    pub status: SendStatus,
    /// The relay recognised a repeated idempotency key.
    pub duplicate: bool,
    /// The normalised recipient.
    pub to: String,
    /// How the text was counted.
    pub segments: SegmentInfo,
    /// The relay's idempotency key, when one was sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
    /// The provider's JSON body, unchanged.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "unknown"))]
    pub raw: RawJson,
}

/// Who keeps and checks a one-time code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum CodeMode {
    /// The provider (TextLink) makes and checks the code.
    Provider,
    /// The SDK signed it: the ticket's token checks it.
    Signed,
    /// An edgetext worker (`otpUrl`) keeps and checks it.
    Worker,
}

impl CodeMode {
    /// `"provider"`, `"signed"` or `"worker"`.
    pub fn as_str(self) -> &'static str {
        match self {
            CodeMode::Provider => "provider",
            CodeMode::Signed => "signed",
            CodeMode::Worker => "worker",
        }
    }
}

/// Proof that a code was sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct CodeTicket {
    /// Which provider sent it.
    pub provider: ProviderKind,
    /// The normalised recipient.
    pub to: String,
    /// Who checks the code.
    pub mode: CodeMode,
    /// When the code stops working (RFC 3339).
    #[serde(rename = "expiresAt", serialize_with = "crate::core::time::serialize_ms")]
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string"))]
    pub expires_at_ms: u64,
    /// The signed token (`None` in provider and worker mode).
    pub token: Option<String>,
}

/// The answer to `verifyCode`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Verification {
    /// Whether the code is right.
    pub valid: bool,
    /// `None` when valid; else `"mismatch"`, `"expired"`, `"malformed_token"`,
    /// `"spent"`, `"too_many_attempts"`, the provider's message, or (worker
    /// mode) `"no_code"`.
    pub reason: Option<String>,
}

impl Verification {
    /// A right code.
    pub fn valid() -> Self {
        Verification { valid: true, reason: None }
    }

    /// A refused code, with why.
    pub fn refused(reason: impl Into<String>) -> Self {
        Verification { valid: false, reason: Some(reason.into()) }
    }
}

/// Where a message is on its way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum DeliveryStatus {
    /// Accepted, waiting.
    Queued,
    /// Being sent.
    Sending,
    /// Sent to the network.
    Sent,
    /// Delivered to the handset.
    Delivered,
    /// Failed.
    Failed,
    /// An inbound message.
    Received,
    /// A word edgetext does not know.
    Unknown,
}

impl DeliveryStatus {
    /// Every status, in order.
    pub const ALL: [DeliveryStatus; 7] = [
        DeliveryStatus::Queued,
        DeliveryStatus::Sending,
        DeliveryStatus::Sent,
        DeliveryStatus::Delivered,
        DeliveryStatus::Failed,
        DeliveryStatus::Received,
        DeliveryStatus::Unknown,
    ];

    /// The status word (`"queued"`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Queued => "queued",
            DeliveryStatus::Sending => "sending",
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
            DeliveryStatus::Received => "received",
            DeliveryStatus::Unknown => "unknown",
        }
    }

    /// Maps a provider's status word onto a status (`Unknown` when it is none of them).
    pub fn parse(s: &str) -> DeliveryStatus {
        let lower = s.trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|k| k.as_str() == lower).unwrap_or(DeliveryStatus::Unknown)
    }
}

/// Where a message is on its way, as `status()` answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct MessageStatus {
    /// The message id.
    pub id: String,
    /// The provider.
    pub provider: ProviderKind,
    /// Its status.
    pub status: DeliveryStatus,
    /// The provider's error text, when it failed.
    pub error: Option<String>,
    /// When the message was created (RFC 3339), when known.
    pub created_at: Option<String>,
    /// When it was delivered (RFC 3339), when known.
    pub delivered_at: Option<String>,
    /// The JSON the status was read from, unchanged.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "unknown"))]
    pub raw: RawJson,
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

/// Maps a provider's status word onto one of the status words (`"unknown"` when it is none of them).
pub fn normalize_status(s: &str) -> &'static str {
    DeliveryStatus::parse(s).as_str()
}

/// The response headers a provider's request id is read from, in order
/// (`RequestRecord.requestId`).
pub(crate) const REQUEST_ID_HEADERS: [&str; 3] = ["x-request-id", "request-id", "cf-ray"];

/// One HTTP attempt, as `config.onRequest(record)` sees it. It holds no
/// API key, code, token or message text: only where the request went and
/// how it ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct RequestRecord {
    /// The client's provider.
    pub provider: ProviderKind,
    /// The client method (`"send"`, `"status"`, …).
    #[cfg_attr(target_arch = "wasm32", tsify(type = "OperationName"))]
    pub operation: &'static str,
    /// 1 for the first attempt, 2 for the first retry, …
    pub attempt: u32,
    /// The HTTP method.
    pub method: crate::Method,
    /// The URL without its user info, query or fragment.
    pub url: String,
    /// The HTTP status, when an answer came.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "number | null"))]
    pub status: Option<u16>,
    /// From sending to the answer (or the failure), in ms.
    pub duration_ms: u32,
    /// `"ok"`, or the error code this attempt ended with (a retried
    /// attempt's own, such as `rate_limited`).
    #[cfg_attr(target_arch = "wasm32", tsify(type = "\"ok\" | ErrorCode"))]
    pub outcome: &'static str,
    /// The provider's request id (`x-request-id`, `request-id` or `cf-ray`
    /// answer header), when it sent one.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string | null"))]
    pub request_id: Option<String>,
}

impl RequestRecord {
    /// The record of one attempt of `operation` with `request`, which
    /// ended with `answer` after `duration_ms`; its `outcome` is `"ok"`
    /// until the caller sets the error the attempt ended with.
    pub fn new(
        cfg: &Config,
        operation: &'static str,
        attempt: u32,
        request: &crate::HttpRequest,
        answer: &core::result::Result<crate::HttpResponse, crate::TransportError>,
        duration_ms: u64,
    ) -> RequestRecord {
        let answer = answer.as_ref().ok();
        let request_id = answer.and_then(|a| REQUEST_ID_HEADERS.into_iter().find_map(|h| a.header(h)));
        RequestRecord {
            provider: cfg.provider,
            operation,
            attempt,
            method: request.method,
            url: log_url(&request.url, cfg),
            status: answer.map(|a| a.status),
            duration_ms: u32::try_from(duration_ms).unwrap_or(u32::MAX),
            outcome: "ok",
            request_id: request_id.map(|id| id.chars().take(200).collect()),
        }
    }
}

/// A URL fit for a log: no user info, query or fragment, and never the key.
fn log_url(url: &str, cfg: &Config) -> String {
    let url = url.split(['?', '#']).next().unwrap_or_default();
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let host = host.rsplit('@').next().unwrap_or_default();
    crate::providers::redact(&format!("{scheme}://{host}{path}"), cfg)
}
