//! `new Client(config)`: the configuration as given ([`ClientConfig`]: the
//! common fields and the provider's own, whose types and rules live in the
//! provider's folder) and as validated ([`Config`]), with the signed codes'
//! settings; and the wording of a value that did not deserialise as the
//! field it is about.

use crate::client::otp::{check_otp_secret, length_error, ttl_error, CODE_LENGTHS, CODE_TTL_SECONDS, DEFAULT_CODE_LENGTH, DEFAULT_CODE_TTL_SECONDS, DEFAULT_OTP_TEMPLATE};
use crate::core::codec::Fields;
use crate::core::text;
use crate::providers::{ProviderConfig, ProviderKind};
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

/// The fields of `new Client(config)` that every provider has, as given.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct CommonConfig {
    /// Which provider to talk to.
    pub provider: ProviderKind,
    /// The provider's bearer token.
    #[serde(default)]
    pub api_key: Option<String>,
    /// The provider's base URL; in a page, a path (`/proxy/textlink`) is
    /// resolved against the page's location.
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
}

/// `new Client(config)` as given: the fields every client has, and the
/// provider's own (each provider's config type, in its folder).
#[derive(Clone)]
pub struct ClientConfig {
    /// The fields every client has.
    pub common: CommonConfig,
    /// The provider's own fields.
    pub provider: ProviderConfig,
}

impl ClientConfig {
    /// Reads a config object: the common fields, then the provider's own;
    /// a field of another provider, or of none, is `invalid_config` naming it.
    /// `taken` are keys the caller has read itself (`onRequest`,
    /// `otp.store`: functions and objects of the JavaScript API).
    ///
    /// Each field is read on its own ([`Fields::get`]), in the order of
    /// [`CommonConfig`]'s declaration.
    pub(crate) fn read<F: Fields>(config: &F, taken: &[&str]) -> Result<ClientConfig> {
        let bad = |why: String| Error::config(field_error("config", None, &why));
        let keys = config.keys();
        let provider = config.get::<ProviderKind>("provider").map_err(bad)?;
        // Filled in place, field by field: an error drops it whole.
        let mut common = CommonConfig {
            provider: ProviderKind::TextLink,
            api_key: None,
            base_url: None,
            timeout_ms: None,
            max_retries: None,
            otp: None,
            otp_url: None,
            status_url: None,
            status_token: None,
        };
        common.api_key = config.get("apiKey").map_err(bad)?;
        common.base_url = config.get("baseUrl").map_err(bad)?;
        common.timeout_ms = config.get("timeoutMs").map_err(bad)?;
        common.max_retries = config.get("maxRetries").map_err(bad)?;
        if let Some(otp) = config.object("otp", "struct OtpSettings").map_err(bad)? {
            common.otp = Some(OtpSettings::read(&otp, taken)?);
        }
        common.otp_url = config.get("otpUrl").map_err(bad)?;
        common.status_url = config.get("statusUrl").map_err(bad)?;
        common.status_token = config.get("statusToken").map_err(bad)?;
        let Some(p) = provider else { return Err(Error::config("config.provider is required")) };
        common.provider = p;
        let common_fields = crate::core::codec::field_names(core::marker::PhantomData::<CommonConfig>);
        let own = p.config_fields();
        let field = |k: &&String| !common_fields.contains(&k.as_str()) && !own.contains(&k.as_str()) && !taken.contains(&k.as_str());
        if let Some(key) = keys.iter().find(field) {
            return Err(not_a_field(key, p));
        }
        let provider = ProviderConfig::read(p, config).map_err(bad)?;
        Ok(ClientConfig { common, provider })
    }
}

// `config.otp`'s reading and checks apart (inline(never)): a client
// without it, the worker's own among them, does not compile them on first use.
/// The error of a config key that is not `p`'s field, naming the provider whose it is.
#[cold]
#[inline(never)]
fn not_a_field(key: &str, p: ProviderKind) -> Error {
    Error::config(match ProviderKind::ALL.into_iter().find(|q| q.config_fields().contains(&key)) {
        Some(owner) => format!("config.{key} is not a field for {p} (it is {owner}'s)"),
        None => format!("config.{key} is not a field"),
    })
}

impl OtpSettings {
    /// Reads `config.otp`, field by field; `taken` as for [`ClientConfig::read`].
    #[inline(never)]
    fn read<F: Fields>(otp: &F, taken: &[&str]) -> Result<OtpSettings> {
        let bad = |why: String| Error::config(field_error("config.otp", None, &why));
        let names = crate::core::codec::field_names(core::marker::PhantomData::<OtpSettings>);
        if let Some(key) = otp.keys().into_iter().find(|k| !names.contains(&k.as_str()) && !taken.iter().any(|t| t.strip_prefix("otp.") == Some(k))) {
            return Err(Error::config(format!("config.otp.{key} is not a field")));
        }
        let fields = || -> core::result::Result<_, String> {
            Ok((otp.get("secret")?, OtpSettings { secret: String::new(), length: otp.get("length")?, ttl_seconds: otp.get("ttlSeconds")?, template: otp.get("template")? }))
        };
        let (secret, settings) = fields().map_err(bad)?;
        let Some(secret) = secret else { return Err(Error::config("config.otp.secret is required")) };
        Ok(OtpSettings { secret, ..settings })
    }
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
    /// The provider's own fields, checked by the provider (its folder).
    pub provider_config: ProviderConfig,
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

/// An http(s) URL without its trailing slashes. A path is refused here: the
/// JavaScript layer resolves one against the page's location where there is
/// one, and hands over the absolute URL.
fn url_field(value: Option<&str>, field: &str) -> Result<Option<String>> {
    let Some(v) = value else { return Ok(None) };
    if v.starts_with('/') && !v.starts_with("//") {
        return Err(Error::config(format!(
            "{field} must be a full http(s) URL here: a path such as {v} is resolved against the page's location only where there is one (a browser)"
        )));
    }
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
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_json(text: &str) -> Result<Config> {
        let object = crate::core::codec::JsonObject::parse(text, "config").map_err(Error::config)?;
        Config::new(ClientConfig::read(&object, &[])?)
    }

    /// Validates a configuration: required fields, URLs, ranges, and what
    /// the provider requires of its own fields.
    ///
    /// Every check reads the given values where they are; they are moved
    /// into the [`Config`] only once all passed.
    pub fn new(given: ClientConfig) -> Result<Config> {
        let c = &given.common;
        let provider = c.provider;
        let p = provider.as_str();
        if given.provider.provider() != provider {
            return Err(Error::config(format!("config.provider is {p}, but the provider's fields are {}'s", given.provider.provider())));
        }
        let otp_url = url_field(c.otp_url.as_deref(), "config.otpUrl")?;
        // With otpUrl alone (a browser), the client only sends and checks
        // codes through the worker: no key, and the provider's own fields may go.
        let keyless = otp_url.is_some() && c.api_key.is_none();
        let api_key = match c.api_key.as_deref() {
            Some(k) if !k.trim().is_empty() => k,
            _ if keyless => "",
            _ => return Err(Error::config("config.apiKey is required")),
        };
        if api_key.chars().any(|ch| ch.is_control() || ch == ' ') {
            return Err(Error::config("config.apiKey contains spaces or control characters"));
        }
        let base_url = match url_field(c.base_url.as_deref(), "config.baseUrl")? {
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
        let status_url = url_field(c.status_url.as_deref(), "config.statusUrl")?;
        let otp = c.otp.as_ref().map(OtpSettings::validate).transpose()?;
        if otp.is_some() && otp_url.is_some() {
            return Err(Error::config(
                "give config.otp (codes signed here) or config.otpUrl (codes kept by a worker), not both",
            ));
        }
        given.provider.check(keyless)?;
        let api_key = api_key.to_string();
        let ClientConfig { common, provider: provider_config } = given;
        Ok(Config { provider, api_key, base_url, timeout_ms, max_retries, otp, otp_url, status_url, status_token: common.status_token, provider_config })
    }
}

impl OtpSettings {
    #[inline(never)]
    fn validate(&self) -> Result<OtpConfig> {
        check_otp_secret(self.secret.as_bytes())?;
        let length = self.length.unwrap_or(DEFAULT_CODE_LENGTH);
        if !CODE_LENGTHS.contains(&length) {
            return Err(Error::config(length_error("config.otp.length")));
        }
        let ttl_seconds = self.ttl_seconds.unwrap_or(DEFAULT_CODE_TTL_SECONDS);
        if !CODE_TTL_SECONDS.contains(&ttl_seconds) {
            return Err(Error::config(ttl_error("config.otp.ttlSeconds")));
        }
        let template = self.template.as_deref().unwrap_or(DEFAULT_OTP_TEMPLATE);
        if !text::contains(template, "{code}") {
            return Err(Error::config("config.otp.template must contain {code}"));
        }
        Ok(OtpConfig { secret: self.secret.clone(), length, ttl_seconds, template: template.to_string() })
    }
}

/// The `invalid_input` error for a value that did not deserialise.
pub(crate) fn input_error(what: &str, provider: ProviderKind, why: &str) -> Error {
    Error::input(field_error(what, Some(provider), why))
}

/// Words a deserialisation error (`"otp.colour: unknown field `colour`, …"`)
/// as the field it is about: `"config.otp.colour is not a field"`.
pub(crate) fn field_error(what: &str, provider: Option<ProviderKind>, why: &str) -> String {
    let why = text::rfind(why, " at line ").and_then(|i| why.get(..i)).unwrap_or(why);
    let (path, rest) = match text::split_once(why, ": ") {
        Some((path, rest)) if !path.as_bytes().contains(&b' ') => (format!("{what}.{path}"), rest),
        _ => (what.to_string(), why),
    };
    if path == what && rest.starts_with("invalid type") && text::contains(rest, "expected struct") {
        return format!("{what} must be an object");
    }
    let mut rest = rest.to_string();
    for unsigned in ["expected u8", "expected u32", "expected u64"] {
        rest = text::replacen(&rest, unsigned, "expected a whole number", usize::MAX);
    }
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
