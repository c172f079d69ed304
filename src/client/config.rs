//! `new Client(config)`: the configuration as given ([`ClientConfig`]) and
//! as validated ([`Config`]), with the signed codes' settings; and the
//! wording of a value that did not deserialise as the field it is about.

use crate::client::otp::{check_otp_secret, length_error, ttl_error, CODE_LENGTHS, CODE_TTL_SECONDS, DEFAULT_CODE_LENGTH, DEFAULT_CODE_TTL_SECONDS, DEFAULT_OTP_TEMPLATE};
use crate::providers::relay::RelayChannel;
use crate::providers::teklink::TeklinkAuth;
use crate::providers::ProviderKind;
use crate::{Error, Result};
use core::fmt;
use serde::Deserialize;

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
    /// let cfg = edgetext::client::Config::from_json(r#"{"provider":"textlink","apiKey":"k"}"#).unwrap();
    /// assert_eq!(cfg.base_url, "https://textlinksms.com");
    /// let err = edgetext::client::Config::from_json(r#"{"provider":"teklink","apiKey":"k"}"#).unwrap_err();
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
        let length = self.length.unwrap_or(DEFAULT_CODE_LENGTH);
        if !CODE_LENGTHS.contains(&length) {
            return Err(Error::config(length_error("config.otp.length")));
        }
        let ttl_seconds = self.ttl_seconds.unwrap_or(DEFAULT_CODE_TTL_SECONDS);
        if !CODE_TTL_SECONDS.contains(&ttl_seconds) {
            return Err(Error::config(ttl_error("config.otp.ttlSeconds")));
        }
        let template = self.template.unwrap_or_else(|| DEFAULT_OTP_TEMPLATE.into());
        if !template.contains("{code}") {
            return Err(Error::config("config.otp.template must contain {code}"));
        }
        Ok(OtpConfig { secret: self.secret, length, ttl_seconds, template })
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
