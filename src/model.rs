//! The values that cross the API: configuration, receipts, tickets,
//! verifications and statuses.

use crate::json::{Fields, JsonObject};
use crate::{check_otp_secret, Error, Result, SegmentInfo};
use core::fmt;

/// One of the four supported providers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderKind {
    /// TextLink (`textlink`): SMS through an Android phone, with native OTP.
    TextLink,
    /// Teklink ChatServ (`teklink`): North American SMS.
    Teklink,
    /// Phone Relay (`relay`): a self-hosted relay for SMS, WhatsApp, Telegram, e-mail and more.
    Relay,
    /// Klink CX (`klink`): omnichannel messages to a contact.
    Klink,
}

impl ProviderKind {
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
        Some(match name {
            "textlink" => ProviderKind::TextLink,
            "teklink" => ProviderKind::Teklink,
            "relay" => ProviderKind::Relay,
            "klink" => ProviderKind::Klink,
            _ => return None,
        })
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

/// Settings for signed one-time codes.
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
    /// teklink: send `api_token` in the body instead of the `Authorization` header.
    pub token_in_body: bool,
    /// relay: the phone device identifier.
    pub phone_id: Option<String>,
    /// relay: the default channel (`sms`).
    pub channel: String,
    /// relay: the default `source`.
    pub source: Option<String>,
    /// textlink: the default SIM card.
    pub sim_card_id: Option<u64>,
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
        let mut f = Fields::parse(text, "config").map_err(|e| Error::config(e.message))?;
        Self::read(&mut f).map_err(|e| Error::config(e.message))
    }

    fn read(f: &mut Fields) -> Result<Config> {
        let name = f.required_string("provider")?;
        let provider = ProviderKind::parse(&name).ok_or_else(|| {
            Error::config(format!(
                "config.provider must be \"textlink\", \"teklink\", \"relay\" or \"klink\", not \"{name}\""
            ))
        })?;
        let p = provider.as_str();
        let otp_url = url_field(f.string("otpUrl")?, "config.otpUrl")?;
        // With otpUrl alone (a browser), the client only sends and checks
        // codes through the worker: no key, and the provider's own fields may go.
        let given_key = f.string("apiKey")?;
        let keyless = otp_url.is_some() && given_key.is_none();
        let api_key = match given_key {
            Some(k) if !k.trim().is_empty() => k,
            _ if keyless => String::new(),
            _ => return Err(Error::config("config.apiKey is required")),
        };
        if api_key.chars().any(|c| c.is_control() || c == ' ') {
            return Err(Error::config("config.apiKey contains spaces or control characters"));
        }
        let base_url = match url_field(f.string("baseUrl")?, "config.baseUrl")? {
            Some(u) => u,
            None if keyless => provider.default_base_url().unwrap_or_default().to_string(),
            None => provider
                .default_base_url()
                .ok_or_else(|| Error::config(format!("config.baseUrl is required for {p}")))?
                .to_string(),
        };
        let timeout_ms = f.uint("timeoutMs", 600_000)?.unwrap_or(10_000) as u32;
        if timeout_ms == 0 {
            return Err(Error::config("config.timeoutMs must be at least 1"));
        }
        let max_retries = f.uint("maxRetries", 10)?.unwrap_or(2) as u32;
        let status_url = url_field(f.string("statusUrl")?, "config.statusUrl")?;
        let status_token = f.string("statusToken")?;
        let otp = Self::read_otp(f)?;
        if otp.is_some() && otp_url.is_some() {
            return Err(Error::config(
                "give config.otp (codes signed here) or config.otpUrl (codes kept by a worker), not both",
            ));
        }

        let is = |k: ProviderKind| provider == k;
        let mut cfg = Config {
            provider,
            api_key,
            base_url,
            timeout_ms,
            max_retries,
            otp,
            otp_url,
            status_url,
            status_token,
            channel_id: None,
            from_name: None,
            token_in_body: false,
            phone_id: None,
            channel: "sms".into(),
            source: None,
            sim_card_id: None,
        };
        if is(ProviderKind::Teklink) {
            cfg.channel_id = if keyless { f.string("channelId")? } else { Some(f.required_string("channelId")?) };
            cfg.from_name = f.string("fromName")?;
            cfg.token_in_body = match f.string("auth")?.as_deref() {
                None | Some("bearer") => false,
                Some("body") => true,
                Some(_) => return Err(Error::config("config.auth must be \"bearer\" or \"body\"")),
            };
        }
        if is(ProviderKind::Relay) {
            cfg.phone_id = if keyless { f.string("phoneId")? } else { Some(f.required_string("phoneId")?) };
            if let Some(c) = f.string("channel")? {
                crate::providers::relay::check_channel(&c).map_err(|e| Error::config(e.message))?;
                cfg.channel = c;
            }
            cfg.source = f.string("source")?;
        }
        if is(ProviderKind::TextLink) {
            cfg.sim_card_id = f.uint("simCardId", u32::MAX as u64)?;
        }
        let ctx = format!("for {p}");
        f.finish(&ctx)?;
        Ok(cfg)
    }

    fn read_otp(f: &mut Fields) -> Result<Option<OtpConfig>> {
        let Some(obj) = f.object("otp")? else { return Ok(None) };
        let mut o = Fields::from_object(obj, "config.otp");
        let secret = o.required_string("secret")?;
        check_otp_secret(secret.as_bytes())?;
        let length = o.uint("length", 10)?.unwrap_or(6) as u8;
        if length < 4 {
            return Err(Error::config("config.otp.length must be from 4 to 10"));
        }
        let ttl_seconds = o.uint("ttlSeconds", 86_400)?.unwrap_or(600);
        if ttl_seconds == 0 {
            return Err(Error::config("config.otp.ttlSeconds must be at least 1"));
        }
        let template = o.string("template")?.unwrap_or_else(|| DEFAULT_OTP_TEMPLATE.into());
        if !template.contains("{code}") {
            return Err(Error::config("config.otp.template must contain {code}"));
        }
        o.finish("of config.otp")?;
        Ok(Some(OtpConfig { secret, length, ttl_seconds, template }))
    }
}

/// What a provider answered to a send.
#[derive(Debug, Clone, PartialEq)]
pub struct SendReceipt {
    /// Which provider took it.
    pub provider: ProviderKind,
    /// The message id to ask `status()` about (`None` for teklink, which returns none).
    pub id: Option<String>,
    /// `"queued"` or `"sent"`, as the provider answered.
    pub status: String,
    /// The relay recognised a repeated idempotency key.
    pub duplicate: bool,
    /// The normalised recipient.
    pub to: String,
    /// How the text was counted.
    pub segments: SegmentInfo,
    /// The relay's idempotency key, when one was sent.
    pub idempotency_key: Option<String>,
    /// The provider's JSON body, unchanged.
    pub raw: String,
}

impl SendReceipt {
    /// The receipt as the JSON object JavaScript receives.
    pub fn to_json(&self) -> String {
        let mut o = JsonObject::new()
            .str("provider", self.provider.as_str())
            .str_or_null("id", self.id.as_deref())
            .str("status", &self.status)
            .bool("duplicate", self.duplicate)
            .str("to", &self.to)
            .raw("segments", &self.segments.to_json());
        if let Some(k) = &self.idempotency_key {
            o = o.str("idempotencyKey", k);
        }
        o.raw("raw", raw_or_null(&self.raw)).finish()
    }
}

fn raw_or_null(raw: &str) -> &str {
    if raw.trim().is_empty() {
        "null"
    } else {
        raw
    }
}

/// Proof that a code was sent.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeTicket {
    /// Which provider sent it.
    pub provider: ProviderKind,
    /// The normalised recipient.
    pub to: String,
    /// `"provider"` (the provider checks codes), `"signed"` (the token does) or
    /// `"worker"` (an edgetext worker keeps and checks the code).
    pub mode: &'static str,
    /// When the code stops working, in ms since the epoch.
    pub expires_at_ms: u64,
    /// The signed token (`None` in provider and worker mode).
    pub token: Option<String>,
}

impl CodeTicket {
    /// The ticket as the JSON object JavaScript receives.
    pub fn to_json(&self) -> String {
        JsonObject::new()
            .str("provider", self.provider.as_str())
            .str("to", &self.to)
            .str("mode", self.mode)
            .str("expiresAt", &crate::iso8601(self.expires_at_ms))
            .str_or_null("token", self.token.as_deref())
            .finish()
    }
}

/// The answer to `verifyCode`.
#[derive(Debug, Clone, PartialEq)]
pub struct Verification {
    /// Whether the code is right.
    pub valid: bool,
    /// `None` when valid; else `"mismatch"`, `"expired"`, `"malformed_token"`, the
    /// provider's message, or (worker mode) `"no_code"`, `"spent"`, `"too_many_attempts"`.
    pub reason: Option<String>,
}

impl Verification {
    /// The verification as the JSON object JavaScript receives.
    pub fn to_json(&self) -> String {
        JsonObject::new()
            .bool("valid", self.valid)
            .str_or_null("reason", self.reason.as_deref())
            .finish()
    }
}

/// Where a message is on its way.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageStatus {
    /// The message id.
    pub id: String,
    /// The provider.
    pub provider: String,
    /// `queued`, `sending`, `sent`, `delivered`, `failed`, `received` or `unknown`.
    pub status: String,
    /// The provider's error text, when it failed.
    pub error: Option<String>,
    /// When the message was created (RFC 3339), when known.
    pub created_at: Option<String>,
    /// When it was delivered (RFC 3339), when known.
    pub delivered_at: Option<String>,
    /// The JSON the status was read from, unchanged.
    pub raw: String,
}

/// The statuses a message can have.
pub const STATUSES: [&str; 7] = ["queued", "sending", "sent", "delivered", "failed", "received", "unknown"];

/// Maps a provider's status word onto one of [`STATUSES`] (`unknown` when it is none of them).
pub fn normalize_status(s: &str) -> &'static str {
    let lower = s.trim().to_ascii_lowercase();
    STATUSES.iter().find(|k| **k == lower).copied().unwrap_or("unknown")
}

impl MessageStatus {
    /// The status as the JSON object JavaScript receives.
    pub fn to_json(&self) -> String {
        JsonObject::new()
            .str("id", &self.id)
            .str("provider", &self.provider)
            .str("status", &self.status)
            .str_or_null("error", self.error.as_deref())
            .str_or_null("createdAt", self.created_at.as_deref())
            .str_or_null("deliveredAt", self.delivered_at.as_deref())
            .raw("raw", raw_or_null(&self.raw))
            .finish()
    }
}

impl SegmentInfo {
    /// The count as the JSON object JavaScript receives.
    pub fn to_json(&self) -> String {
        JsonObject::new()
            .str("encoding", self.encoding.as_str())
            .num("count", self.count.into())
            .num("units", self.units.into())
            .num("perSegment", self.per_segment.into())
            .num("remaining", self.remaining.into())
            .finish()
    }
}
