//! One folder per provider: `<name>/mod.rs` holds its message, extras and
//! config types, its recipient rule, the requests it builds and the answers
//! it parses (none does I/O); `<name>/webhook.rs` (worker build) its webhook:
//! payload types, credential, the name of its secret's variable and the
//! event mapping. Here: [`ProviderKind`], [`Message`], what every provider's
//! requests and answers share, and (worker build) what their webhooks share
//! ([`webhook`]).
//!
//! May import: `core`, `phone`, `segments`, `contract` (the unified event)
//! and the client's configuration and results. Never `worker` and never
//! `wasm_bindgen`.

pub mod klink;
pub mod relay;
pub mod teklink;
pub mod textlink;
#[cfg(feature = "worker")]
pub mod webhook;

use crate::core::codec::{self, opt_bool, opt_str};
use crate::client::{Config, SendStatus};
use core::fmt;
use klink::{KlinkConfig, KlinkMessage};
use relay::{RelayConfig, RelayMessage};
use teklink::{TeklinkConfig, TeklinkMessage};
use textlink::{TextLinkConfig, TextLinkMessage};
use crate::{Error, ErrorCode, HttpRequest, HttpResponse, Method, Random, Result, SegmentInfo};
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

/// A message seed: reads `provider`'s message type.
#[derive(Clone, Copy)]
pub(crate) struct MessageOf(pub ProviderKind);

impl<'de> serde::de::DeserializeSeed<'de> for MessageOf {
    type Value = Message;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> core::result::Result<Message, D::Error> {
        Message::deserialize_for(self.0, d)
    }
}

impl ProviderKind {
    /// The fields of this provider's message (`send(message)`), as its type names them.
    pub(crate) fn message_fields(self) -> &'static [&'static str] {
        codec::field_names(MessageOf(self))
    }

    /// The field of its message that addresses the recipient, when every
    /// message needs one (the relay's notify channel has none).
    pub(crate) fn recipient_field(self) -> Option<&'static str> {
        match self {
            ProviderKind::TextLink => textlink::RECIPIENT,
            ProviderKind::Teklink => teklink::RECIPIENT,
            ProviderKind::Relay => relay::RECIPIENT,
            ProviderKind::Klink => klink::RECIPIENT,
        }
    }

    /// Its own fields of `new Client(config)`, as its config type names them.
    pub(crate) fn config_fields(self) -> &'static [&'static str] {
        use core::marker::PhantomData as Of;
        match self {
            ProviderKind::TextLink => codec::field_names(Of::<TextLinkConfig>),
            ProviderKind::Teklink => codec::field_names(Of::<TeklinkConfig>),
            ProviderKind::Relay => codec::field_names(Of::<RelayConfig>),
            ProviderKind::Klink => codec::field_names(Of::<KlinkConfig>),
        }
    }
}

/// A provider with its own fields of `new Client(config)`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ProviderConfig {
    /// TextLink's.
    TextLink(TextLinkConfig),
    /// Teklink's.
    Teklink(TeklinkConfig),
    /// Phone Relay's.
    Relay(RelayConfig),
    /// Klink CX's.
    Klink(KlinkConfig),
}

impl ProviderConfig {
    /// The provider.
    pub fn provider(&self) -> ProviderKind {
        match self {
            ProviderConfig::TextLink(_) => ProviderKind::TextLink,
            ProviderConfig::Teklink(_) => ProviderKind::Teklink,
            ProviderConfig::Relay(_) => ProviderKind::Relay,
            ProviderConfig::Klink(_) => ProviderKind::Klink,
        }
    }

    /// Reads `provider`'s own fields from the caller's config object.
    pub(crate) fn read(provider: ProviderKind, config: &impl codec::Fields) -> core::result::Result<ProviderConfig, String> {
        Ok(match provider {
            ProviderKind::TextLink => ProviderConfig::TextLink(TextLinkConfig::read(config)?),
            ProviderKind::Teklink => ProviderConfig::Teklink(TeklinkConfig::read(config)?),
            ProviderKind::Relay => ProviderConfig::Relay(RelayConfig::read(config)?),
            ProviderKind::Klink => ProviderConfig::Klink(KlinkConfig {}),
        })
    }

    /// Checks what the provider requires (`invalid_config` naming the field);
    /// a `keyless` client (only `otpUrl`) never sends through it and may leave it out.
    pub(crate) fn check(&self, keyless: bool) -> Result<()> {
        match self {
            ProviderConfig::Teklink(c) => c.check(keyless),
            ProviderConfig::Relay(c) => c.check(keyless),
            ProviderConfig::TextLink(_) | ProviderConfig::Klink(_) => Ok(()),
        }
    }
}

/// Everything a request builder may need besides the call's own fields.
pub(crate) struct Ctx<'a> {
    /// Read only by a request that carries the time (Klink's `createdAt`):
    /// each read is a `Date.now()` in the wasm.
    pub clock: &'a dyn crate::Clock,
    pub rng: &'a dyn Random,
}

/// Which retries are safe for a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Retry {
    /// A send that a second attempt could deliver twice: retried only when
    /// the provider certainly did not take it (429, or the request never left).
    Unsafe,
    /// A read, or a send the provider de-duplicates: any transient failure.
    Safe,
}

/// A send ready to go, with what the receipt needs to know about it and
/// the provider's reader of its answer.
pub(crate) struct PreparedSend {
    pub request: HttpRequest,
    pub retry: Retry,
    pub to: String,
    pub id: Option<String>,
    pub idempotency_key: Option<String>,
    pub segments: SegmentInfo,
    pub read: fn(&Config, &HttpResponse) -> Result<Sent>,
}

/// What a provider's answer to a send says.
pub(crate) struct Sent {
    /// The message's id, when the answer gives one.
    pub id: Option<String>,
    pub status: SendStatus,
    /// The provider recognised the idempotency key (relay).
    pub duplicate: bool,
}

impl Sent {
    /// Only a status: no id, not a duplicate.
    pub(crate) fn status(status: SendStatus) -> Sent {
        Sent { id: None, status, duplicate: false }
    }
}

/// A JSON request with the provider's bearer token.
pub(crate) fn request<B: Serialize>(cfg: &Config, method: Method, path: &str, body: Option<&B>) -> HttpRequest {
    let body = body.map(codec::to_json);
    let mut headers = Vec::with_capacity(2);
    headers.push(("Authorization".to_string(), bearer(&cfg.api_key)));
    if body.is_some() {
        headers.push(("Content-Type".to_string(), "application/json".to_string()));
    }
    // Joined by a push, as `bearer`'s.
    let mut url = cfg.base_url.clone();
    url.push_str(path);
    HttpRequest { method, url, headers, body }
}

/// `Bearer {token}`, joined by a push: `format!` goes through the
/// formatting machinery, on every request.
pub(crate) fn bearer(token: &str) -> String {
    let mut value = String::from("Bearer ");
    value.push_str(token);
    value
}

/// A random (version 4) UUID.
pub(crate) fn uuid_v4(rng: &dyn Random) -> String {
    let mut b = [0u8; 16];
    rng.fill(&mut b);
    // Written into a buffer: `to_string` goes through the formatting machinery.
    uuid::Builder::from_random_bytes(b).into_uuid().hyphenated().encode_lower(&mut uuid::Uuid::encode_buffer()).to_string()
}

/// Whether `s` is a UUID in its canonical 8-4-4-4-12 hexadecimal form.
pub(crate) fn is_uuid(s: &str) -> bool {
    s.len() == 36 && uuid::Uuid::try_parse(s).is_ok()
}

/// Removes the API key from text that came back from a provider.
pub(crate) fn redact(text: &str, cfg: &Config) -> String {
    if cfg.api_key.len() >= 4 && crate::core::text::contains(text, &cfg.api_key) {
        crate::core::text::replacen(text, &cfg.api_key, "[redacted]", usize::MAX)
    } else {
        text.to_string()
    }
}

/// The error for a non-2xx answer that the retry loop handed back
/// (401/403 and other 4xx), with the provider's explanation.
pub(crate) fn http_error(cfg: &Config, resp: &HttpResponse) -> Error {
    let provider = cfg.provider.as_str();
    let message = provider_message(&resp.body).map(|m| redact(&m, cfg));
    let (code, what) = match resp.status {
        401 | 403 => (ErrorCode::Unauthorized, "refused the credentials"),
        _ => (ErrorCode::ProviderRejected, "rejected the request"),
    };
    let mut text = format!("{provider} {what} (HTTP {})", resp.status);
    if let Some(m) = &message {
        text.push_str(": ");
        text.push_str(m);
    }
    let mut e = Error::new(code, text).with_provider(provider);
    e.http_status = Some(resp.status);
    e.provider_message = message;
    e
}

/// The fields every provider's answer may carry, each read leniently.
#[derive(Deserialize, Default)]
pub(crate) struct Answer {
    #[serde(default, deserialize_with = "opt_bool")]
    ok: Option<bool>,
    #[serde(default, deserialize_with = "opt_bool")]
    success: Option<bool>,
    #[serde(default, deserialize_with = "opt_str")]
    message: Option<String>,
    #[serde(default, deserialize_with = "opt_str")]
    error: Option<String>,
    #[serde(default, deserialize_with = "opt_str")]
    detail: Option<String>,
}

impl Answer {
    /// The explanation, under any of the names providers use.
    pub(crate) fn explanation(&self) -> Option<String> {
        [&self.message, &self.error, &self.detail]
            .into_iter()
            .find_map(|m| m.as_deref())
            .map(|s| s.chars().take(500).collect())
    }

    /// The body says it failed (`ok: false` / `success: false`).
    pub(crate) fn says_failed(&self) -> bool {
        self.ok == Some(false) || self.success == Some(false)
    }
}

/// The explanation a provider put in an error body, under any of the names they use.
pub(crate) fn provider_message(body: &str) -> Option<String> {
    codec::from_json::<Answer>(body).ok()?.explanation()
}

/// Checks an answer and reads it as `T`: non-2xx becomes the matching
/// error; a 2xx body that says `ok: false` / `success: false` is
/// `provider_rejected`; a 2xx body that cannot be read is `outcome_unknown`
/// for sends (the provider did answer success) and `provider_rejected` for reads.
#[inline(never)]
pub(crate) fn parse_ok<T: serde::de::DeserializeOwned>(cfg: &Config, resp: &HttpResponse, is_send: bool) -> Result<T> {
    if !(200..300).contains(&resp.status) {
        return Err(http_error(cfg, resp));
    }
    let provider = cfg.provider.as_str();
    let unreadable = || {
        let code = if is_send { ErrorCode::OutcomeUnknown } else { ErrorCode::ProviderRejected };
        let mut e = Error::new(code, format!("{provider} answered HTTP {} with a body that is not the JSON object it documents", resp.status))
            .with_provider(provider);
        e.http_status = Some(resp.status);
        e
    };
    let answer = codec::from_json::<Answer>(&resp.body).map_err(|_| unreadable())?;
    if answer.says_failed() {
        let mut e = http_error(cfg, resp);
        e.code = ErrorCode::ProviderRejected;
        return Err(e);
    }
    codec::from_json::<T>(&resp.body).map_err(|_| unreadable())
}

/// Refuses an empty `message.{field}` that the provider's document requires
/// (`invalid_input` naming it), before any request.
pub(crate) fn required(value: &str, field: &str) -> Result<()> {
    if value.is_empty() {
        return Err(Error::input(format!("message.{field} must not be empty")));
    }
    Ok(())
}

/// Refuses a missing or empty `config.{field}` that the provider requires
/// (`invalid_config`), except for a `keyless` client (only `otpUrl`), which
/// never sends through the provider itself.
pub(crate) fn required_setting(value: Option<&str>, field: &str, keyless: bool) -> Result<()> {
    if value.is_none_or(str::is_empty) && !keyless {
        return Err(Error::config(format!("config.{field} is required")));
    }
    Ok(())
}

/// Refuses a field that `provider` does not have (`invalid_input`).
pub(crate) fn only_for(given: bool, field: &str, provider: &str, what: &str) -> Result<()> {
    if given {
        return Err(Error::input(format!("request.{field} is not a field for {provider}{what}")));
    }
    Ok(())
}

/// An answer whose fields do not matter.
#[derive(Deserialize)]
pub(crate) struct Any {}

#[cfg(test)]
mod tests {
    use super::*;

    struct Counter;
    impl Random for Counter {
        fn fill(&self, buf: &mut [u8]) {
            for (i, b) in buf.iter_mut().enumerate() {
                *b = i as u8 * 17;
            }
        }
    }

    #[test]
    fn uuid_is_version_4() {
        let u = uuid_v4(&Counter);
        assert!(is_uuid(&u), "{u}");
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
        assert!(!is_uuid("81d8f399-e4d3-4fd4-a8ec-61bb3c3dc8c"));
        assert!(is_uuid("81d8f399-e4d3-4fd4-a8ec-61bb3c3dc8c4"));
    }
}
