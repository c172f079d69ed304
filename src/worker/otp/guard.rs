//! The OTP guard of the worker (`/v1/otp/send`, `/v1/otp/verify`): every
//! decision, as a pure function of the stored state, the settings, the
//! request, the time and random bytes. The worker classifies the number
//! once ([`guard_classify`]) and refuses what needs no state
//! ([`guard_admit`]); the Durable Object loads the entries
//! [`guard_call_keys`] names, calls [`guard_decide_call`], and stores what
//! it returns (`store.rs`). [`guard_decide`] is the three in one.
//!
//! Stored entries (JSON text under each key):
//! - `n:<E.164>`: the number's sends (time, id, requesting network), its
//!   live codes (hashed; at most one per requesting network, so that one
//!   network's sends never replace another's code) and its checks in the
//!   window, per address bucket and in all;
//! - `a:<bucket>`: an address bucket's send and check times ([`address_buckets`]);
//! - `c:<ISO>` (or `c:+<calling code>` for a number of no country) and `g`:
//!   sends per country and in all, per fixed hour.
//!
//! A refused request changes nothing: every limit is checked before any
//! count is written. Every verify that is not refused is counted, whatever
//! the number's state, and what a check answers an untrusted caller depends
//! only on the code and on the checks counted, never on whether the number
//! has a code: the route is no oracle of who is logging in.

use crate::core::codec::{from_json, from_json_checked, to_json};
use crate::core::encode::{hex, unhex};
use crate::client::{
    generate_code, is_code, render_template, VerifyReason, CODE_LENGTHS, CODE_TTL_SECONDS, DEFAULT_CODE_LENGTH, DEFAULT_CODE_TTL_SECONDS,
    DEFAULT_OTP_TEMPLATE,
};
use crate::contract::{sign_assertion, OtpBody, OtpResponse, OtpSendRequest, OtpVerifyRequest, OTP_MAX_BODY};
use crate::phone::ranges::{classify_number, NumberRange, NumberType};
use crate::worker::otp::buckets::{address_buckets, AddressBuckets};
use crate::worker::otp::route::OtpAction;
use crate::{secret_eq, ErrorCode, Random};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use crate::worker::keyed::Keyed;

const HOUR_MS: u64 = 3_600_000;
const CODE_DOMAIN: &[u8] = b"edgetext-otp-worker-v1";

/// Which number ranges the guard sends to (`OTP_ALLOWED_COUNTRIES`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowedCountries {
    /// `*`: every country's ranges (never the non-geographic codes).
    pub every_country: bool,
    /// ISO 3166 alpha-2 codes; a territory is its own country (`JE`, not `GB`).
    pub countries: Vec<String>,
    /// Non-geographic calling codes listed as `+881`: numbers of no country
    /// are sent to only under a code listed so, even with `*`.
    pub calling_codes: Vec<u16>,
}

impl AllowedCountries {
    /// Reads `*`, ISO codes and `+<non-geographic calling code>`, comma-separated.
    fn parse(list: &str) -> Result<AllowedCountries, String> {
        let mut out = AllowedCountries::default();
        for c in list.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            if c == "*" {
                out.every_country = true;
            } else if let Some(code) = c.strip_prefix('+') {
                match code.parse::<u16>() {
                    Ok(n) if code.len() <= 3 && code.bytes().all(|b| b.is_ascii_digit()) && crate::phone::ranges::is_non_geographic(n) => out.calling_codes.push(n),
                    _ => return Err("OTP_ALLOWED_COUNTRIES lists a +code that is not a non-geographic calling code (+800, +808, +870, +878, +881, +882, +883, +888, +979): list countries by their ISO code".into()),
                }
            } else if c.len() == 2 && c.bytes().all(|b| b.is_ascii_alphabetic()) {
                out.countries.push(c.to_ascii_uppercase());
            } else {
                return Err("OTP_ALLOWED_COUNTRIES must list ISO 3166 alpha-2 codes (US,CA,GB), * for every country, and +881-style non-geographic calling codes".into());
            }
        }
        Ok(out)
    }

    /// Whether nothing is allowed (the variable is unset or empty).
    pub fn is_empty(&self) -> bool {
        !self.every_country && self.countries.is_empty() && self.calling_codes.is_empty()
    }

    /// Whether codes go to numbers of `range`.
    pub fn allows(&self, range: &NumberRange) -> bool {
        match range.country {
            Some(c) => self.every_country || self.countries.iter().any(|a| a == c),
            None => self.calling_codes.contains(&range.calling_code),
        }
    }
}

/// The guard's settings, read from the worker's `OTP_*` variables.
#[derive(Debug, Clone, PartialEq)]
pub struct GuardSettings {
    /// `OTP_SECRET`, at least 32 bytes: keys code hashes and assertions.
    pub secret: Vec<u8>,
    /// `OTP_ALLOWED_COUNTRIES` (required): ISO codes, `*`, `+881`-style codes.
    pub countries: AllowedCountries,
    /// `OTP_SENDS_PAUSED=true`: the kill switch; no code is sent.
    pub paused: bool,
    /// Every limit and text, as `OTP_DEFAULTS` shows them.
    pub limits: GuardLimits,
}

/// Reads the whole number `name` between `min` and `max`, `default` when unset.
fn whole(var: &dyn Fn(&str) -> Option<String>, name: &str, default: u64, min: u64, max: u64) -> Result<u64, String> {
    match var(name) {
        None => Ok(default),
        Some(v) => v.parse::<u64>().ok().filter(|n| (min..=max).contains(n)).ok_or(format!("{name} must be a whole number from {min} to {max}")),
    }
}

/// Defines each numeric limit of the guard once: its field (camelCased, its
/// name in `OTP_DEFAULTS`), its variable, its default and its range.
macro_rules! guard_limits {
    ($($(#[$attr:meta])* $field:ident: $ty:ty = $var:literal, default $default:expr, from $min:expr, to $max:expr;)*) => {
        /// The limits and texts of [`GuardSettings`] (no secret), as
        /// `OTP_DEFAULTS` shows them to JavaScript.
        #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
        #[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
        #[serde(rename_all = "camelCase")]
        pub struct GuardLimits {
            $($(#[$attr])* pub $field: $ty,)*
            /// `OTP_ALLOWED_NUMBER_TYPES` (default `mobile,fixed_line_or_mobile`).
            #[cfg_attr(target_arch = "wasm32", tsify(type = "string[]"))]
            pub allowed_number_types: Vec<NumberType>,
            /// `OTP_SERVICE_NAME` ("verification").
            pub service_name: String,
            /// `OTP_TEMPLATE`, with `{code}` and optionally `{service}`, `{minutes}`.
            pub template: String,
        }

        impl GuardLimits {
            /// The numeric limits from their variables, in the order above, around the texts given.
            fn read(var: &dyn Fn(&str) -> Option<String>, allowed_number_types: Vec<NumberType>, service_name: String, template: String) -> Result<GuardLimits, String> {
                Ok(GuardLimits { $($field: whole(var, $var, u64::from($default), u64::from($min), u64::from($max))? as $ty,)* allowed_number_types, service_name, template })
            }
        }
    };
}

guard_limits! {
    /// `OTP_TTL_SECONDS` (600): how long a code lives.
    ttl_seconds: u64 = "OTP_TTL_SECONDS", default DEFAULT_CODE_TTL_SECONDS, from *CODE_TTL_SECONDS.start(), to *CODE_TTL_SECONDS.end();
    /// `OTP_CODE_LENGTH` (6).
    code_length: u8 = "OTP_CODE_LENGTH", default DEFAULT_CODE_LENGTH, from *CODE_LENGTHS.start(), to *CODE_LENGTHS.end();
    /// `OTP_MAX_CHECKS` (5 per window): checks of one number from one IPv4 address or IPv6 /64.
    max_checks: u32 = "OTP_MAX_CHECKS", default 5u8, from 1u8, to 20u8;
    /// `OTP_MAX_CHECKS_PER_IPV6_48` (10 per window): checks of one number from one IPv6 /48
    /// (`maxChecksPerIpv6Net48` in JavaScript).
    #[serde(rename = "maxChecksPerIpv6Net48")]
    max_checks_per_ipv6_48: u32 = "OTP_MAX_CHECKS_PER_IPV6_48", default 10u8, from 1u8, to 100u8;
    /// `OTP_MAX_CHECKS_PER_NUMBER` (20 per window): checks of one number from all addresses.
    max_checks_per_number: u32 = "OTP_MAX_CHECKS_PER_NUMBER", default 20u8, from 1u8, to 100u8;
    /// `OTP_SENDS_PER_NUMBER` (10 per window): codes sent to one number, asked from anywhere.
    sends_per_number: u32 = "OTP_SENDS_PER_NUMBER", default 10u8, from 1u8, to 1000u32;
    /// `OTP_SENDS_PER_NUMBER_PER_NETWORK` (3 per window): codes sent to one
    /// number asked from one network (an IPv4 address or an IPv6 /48).
    sends_per_number_per_network: u32 = "OTP_SENDS_PER_NUMBER_PER_NETWORK", default 3u8, from 1u8, to 1000u32;
    /// `OTP_SENDS_PER_IP` (10 per window): per IPv4 address or IPv6 /64.
    sends_per_ip: u32 = "OTP_SENDS_PER_IP", default 10u8, from 1u8, to 100_000u32;
    /// `OTP_SENDS_PER_IPV6_48` (30 per window): per IPv6 /48 (`sendsPerIpv6Net48` in JavaScript).
    #[serde(rename = "sendsPerIpv6Net48")]
    sends_per_ipv6_48: u32 = "OTP_SENDS_PER_IPV6_48", default 30u8, from 1u8, to 100_000u32;
    /// `OTP_VERIFIES_PER_IP` (30 per window): verifies from one address or /64, of any number.
    verifies_per_ip: u32 = "OTP_VERIFIES_PER_IP", default 30u8, from 1u8, to 100_000u32;
    /// `OTP_VERIFIES_PER_IPV6_48` (100 per window): verifies from one IPv6 /48
    /// (`verifiesPerIpv6Net48` in JavaScript).
    #[serde(rename = "verifiesPerIpv6Net48")]
    verifies_per_ipv6_48: u32 = "OTP_VERIFIES_PER_IPV6_48", default 100u8, from 1u8, to 100_000u32;
    /// `OTP_WINDOW_SECONDS` (3600): the sliding window of the limits above.
    window_seconds: u64 = "OTP_WINDOW_SECONDS", default 3600u32, from 60u8, to 86_400u32;
    /// `OTP_SENDS_PER_COUNTRY_PER_HOUR` (200).
    sends_per_country_per_hour: u32 = "OTP_SENDS_PER_COUNTRY_PER_HOUR", default 200u8, from 1u8, to 10_000_000u32;
    /// `OTP_MAX_SENDS_PER_HOUR` (1000): every send of the worker.
    max_sends_per_hour: u32 = "OTP_MAX_SENDS_PER_HOUR", default 1000u32, from 1u8, to 10_000_000u32;
}

impl GuardSettings {
    /// Reads the settings from `OTP_*` variables (`get(name)`); the error
    /// names the variable that is missing or malformed, never its value.
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<GuardSettings, String> {
        Self::read_env(&get)
    }

    fn read_env(get: &dyn Fn(&str) -> Option<String>) -> Result<GuardSettings, String> {
        let var = |name: &str| get(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let secret = get("OTP_SECRET").unwrap_or_default().into_bytes();
        if secret.len() < crate::client::MIN_OTP_SECRET_BYTES {
            return Err(format!("OTP_SECRET must be set to at least {} bytes", crate::client::MIN_OTP_SECRET_BYTES));
        }
        let countries = AllowedCountries::parse(&var("OTP_ALLOWED_COUNTRIES").unwrap_or_default())?;
        if var("OTP_MAX_CHECKS_PER_CODE").is_some() {
            // Renamed when checks became counted per number and window: refused rather than ignored.
            return Err("OTP_MAX_CHECKS_PER_CODE is now OTP_MAX_CHECKS_PER_NUMBER (checks of one number per window)".into());
        }
        let number_types = match var("OTP_ALLOWED_NUMBER_TYPES") {
            None => vec![NumberType::Mobile, NumberType::FixedLineOrMobile],
            Some(list) => list
                .split(',')
                .filter(|t| !t.trim().is_empty())
                .map(|t| NumberType::parse(t).ok_or("OTP_ALLOWED_NUMBER_TYPES must list number types (mobile, fixed_line_or_mobile, fixed_line, …)".to_string()))
                .collect::<Result<_, _>>()?,
        };
        let template = var("OTP_TEMPLATE").unwrap_or_else(|| DEFAULT_OTP_TEMPLATE.into());
        if !crate::client::otp::has_placeholder(&template, "{code}") {
            return Err("OTP_TEMPLATE must contain {code}".into());
        }
        let paused = match var("OTP_SENDS_PAUSED").as_deref() {
            None | Some("false") | Some("0") => false,
            Some("true") | Some("1") => true,
            Some(_) => return Err("OTP_SENDS_PAUSED must be true or false".into()),
        };
        let service_name = var("OTP_SERVICE_NAME").unwrap_or_else(|| "verification".into());
        let limits = GuardLimits::read(&var, number_types, service_name, template)?;
        Ok(GuardSettings { secret, countries, paused, limits })
    }

    fn window_ms(&self) -> u64 {
        self.limits.window_seconds * 1000
    }
}

/// What the guard is asked to do. `to` is already normalised (E.164).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "camelCase")]
pub enum GuardRequest {
    /// Make and hand out a code for `to`, asked from `address`.
    Send {
        /// The number.
        to: String,
        /// The client's address (`CF-Connecting-IP` or a trusted `clientAddress`).
        address: String,
    },
    /// Check `code` for `to`, from `address`.
    Verify {
        /// The number.
        to: String,
        /// The code as typed.
        code: String,
        /// The client's address.
        address: String,
        /// Whether the caller holds `OTP_SERVER_TOKEN`: only then does a
        /// check that is not valid say why (`no_code`, `mismatch`, `spent`,
        /// `expired`); anyone else hears `invalid`.
        #[serde(default)]
        trusted: bool,
    },
    /// The provider certainly did not take send `id`: uncount it.
    Refund {
        /// The number, as [`GuardAnswer::Send`] gave it.
        to: String,
        /// The address the send was counted for.
        address: String,
        /// The send's id, from [`GuardAnswer::Send`].
        id: String,
    },
}

/// A refusal: nothing was sent, counted or stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Refusal {
    /// 400, 403, 429 or 503.
    pub status: u16,
    /// `rate_limited`, `country_not_allowed`, `number_not_allowed`, `sends_paused`, `invalid_phone`.
    pub error: &'static str,
    /// What was refused and why (never a code or a secret).
    pub message: String,
    /// Seconds to wait (`Retry-After`), for 429 and 503.
    pub retry_after: Option<u64>,
}

/// The guard's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum GuardAnswer {
    /// Send `text` to `to` now; on a failure where the provider certainly
    /// did not take it, ask [`GuardRequest::Refund`] with `id`.
    #[serde(rename_all = "camelCase")]
    Send {
        /// The number (libphonenumber's E.164 form).
        to: String,
        /// The message, with the code in it.
        text: String,
        /// This send's id.
        id: String,
        /// When the code expires (ms since the epoch).
        expires_at: u64,
        /// The code (in `text`), to keep out of any error message.
        code: String,
    },
    /// The outcome of a check.
    #[serde(rename_all = "camelCase")]
    Checked {
        /// Whether the code was right.
        valid: bool,
        /// `null` when valid; `too_many_attempts`; else `invalid`, or for a
        /// trusted caller `mismatch`, `expired`, `spent` or `no_code`.
        reason: Option<VerifyReason>,
        /// The signed statement that `to` was verified (see [`sign_assertion`]).
        assertion: Option<String>,
    },
    /// The refund was taken (or there was nothing to refund).
    Refunded,
    /// Refused.
    Refused(Refusal),
}

/// A sliding log of times (ms), oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Log(Vec<u64>);

impl Log {
    fn prune(&mut self, now: u64, window: u64) {
        self.0.retain(|&t| t + window > now);
    }
    /// How many times are in the window.
    fn live(&self, now: u64, window: u64) -> usize {
        self.0.iter().filter(|&&t| t + window > now).count()
    }
    /// Seconds until one more fits under `limit`, or `None` if it fits now.
    fn wait(&self, now: u64, window: u64, limit: u32) -> Option<u64> {
        let live: Vec<u64> = self.0.iter().copied().filter(|&t| t + window > now).collect();
        if live.len() < limit as usize {
            return None;
        }
        let oldest_that_counts = live[live.len() - limit as usize];
        Some((oldest_that_counts + window - now).div_ceil(1000).max(1))
    }
}

/// A fixed-hour counter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Hourly {
    hour: u64,
    count: u32,
}

impl Hourly {
    fn current(self, now: u64) -> u32 {
        if self.hour == now / HOUR_MS {
            self.count
        } else {
            0
        }
    }
    fn wait(self, now: u64, limit: u32) -> Option<u64> {
        (self.current(now) >= limit).then(|| ((now / HOUR_MS + 1) * HOUR_MS - now).div_ceil(1000).max(1))
    }
    fn add(self, now: u64, n: i64) -> Hourly {
        let count = (self.current(now) as i64 + n).max(0) as u32;
        Hourly { hour: now / HOUR_MS, count }
    }
}

/// A code sent to a number.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct LiveCode {
    id: String,
    /// The network that asked for it: only that network's next send replaces it.
    net: String,
    salt: String,
    hash: String,
    expires_at: u64,
    spent: bool,
    /// The ceiling counted for this send (a country or `+<calling code>`), for a refund.
    country: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct NumberState {
    /// Send times, ids and requesting networks.
    sends: Vec<(u64, String, String)>,
    /// The codes sent, at most one per requesting network.
    codes: Vec<LiveCode>,
    /// Check times per address bucket (IPv4 address, IPv6 /64 and /48); a
    /// list, not a map: a few buckets, and a map's removal code weighs 4 KB of wasm.
    checks: Vec<(String, Log)>,
    /// Check times from every address.
    total: Log,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct AddressState {
    /// Send times, with each send's id (for a refund).
    sends: Vec<(u64, String)>,
    checks: Log,
}

/// The stored entries a request needs, by key; `None` where nothing is stored.
pub type GuardEntries = Keyed<Option<String>>;

/// One entry to store: its JSON text and when it can be forgotten (ms),
/// taken from the state it was written from (nothing is read back).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GuardWrite {
    /// The entry's JSON text.
    pub text: String,
    /// When it can be forgotten (ms), as [`guard_forget_at`] reads it from `text`.
    pub forget_at: u64,
}

/// What the Durable Object must store after a decision: each key's new
/// entry, or `None` to delete it. Empty for every refusal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GuardWrites(pub Keyed<Option<GuardWrite>>);

impl GuardWrites {
    fn put(&mut self, key: String, entry: &impl Stored, window: u64) {
        self.0.insert(key, Some(GuardWrite { text: to_json(entry), forget_at: entry.forget_at(window) }));
    }
}

/// A stored entry's state, and when it can be forgotten given the window (ms).
trait Stored: Serialize {
    fn forget_at(&self, window: u64) -> u64;
}

/// A number's once its sends and checks have left the window and its codes have expired.
impl Stored for NumberState {
    fn forget_at(&self, window: u64) -> u64 {
        let sends = self.sends.iter().map(|(t, ..)| t + window).max().unwrap_or(0);
        let checks = self.total.0.iter().chain(self.checks.iter().flat_map(|(_, l)| l.0.iter())).map(|t| t + window).max().unwrap_or(0);
        let codes = self.codes.iter().map(|c| c.expires_at).max().unwrap_or(0);
        sends.max(checks).max(codes)
    }
}

/// An address's once its sends and checks have left the window.
impl Stored for AddressState {
    fn forget_at(&self, window: u64) -> u64 {
        self.sends.iter().map(|(t, _)| *t).chain(self.checks.0.iter().copied()).max().unwrap_or(0) + window
    }
}

/// An hourly counter's at the end of its hour.
impl Stored for Hourly {
    fn forget_at(&self, _: u64) -> u64 {
        (self.hour + 1) * HOUR_MS
    }
}

/// The result of [`guard_decide`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GuardDecision {
    /// The answer.
    pub answer: GuardAnswer,
    /// What to store.
    pub writes: GuardWrites,
    /// When the stored entries written here can all be forgotten (ms), for the object's alarm.
    pub forget_at: Option<u64>,
}

fn number_key(to: &str) -> String {
    format!("n:{to}")
}

/// What the per-country ceiling counts a range under: its country, or
/// `+<calling code>` for a non-geographic one.
fn ceiling_of(range: &NumberRange) -> String {
    range.country.map_or_else(|| format!("+{}", range.calling_code), str::to_owned)
}

/// The buckets of `address`; what is not an address shares one `unknown` bucket.
fn buckets(address: &str) -> AddressBuckets {
    address_buckets(address).unwrap_or_else(|| AddressBuckets { host: "unknown".into(), site: None })
}

/// The stored keys of the address buckets, each with whether it is an IPv6 /48.
fn address_keys(b: &AddressBuckets) -> Vec<(String, bool)> {
    let mut v = vec![(format!("a:{}", b.host), false)];
    v.extend(b.site.as_ref().map(|s| (format!("a:{s}"), true)));
    v
}

/// A guard request as the object takes it: its number already in the one
/// form the guard keys it by (E.164 as libphonenumber writes it, else as
/// given) and the per-country ceiling it counts under (a country, or
/// `+<calling code>`; `None` for a number of no range). The worker
/// classifies the number once ([`guard_classify`]) and the object never
/// again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuardCall {
    /// The request, its `to` canonical.
    pub request: GuardRequest,
    /// The ceiling of the number's range.
    pub ceiling: Option<String>,
}

/// Classifies `request`'s number, once: the call for the object, and the range for [`guard_admit`].
pub fn guard_classify(request: &GuardRequest) -> (GuardCall, Option<NumberRange>) {
    let mut request = request.clone();
    let (GuardRequest::Send { to, .. } | GuardRequest::Verify { to, .. } | GuardRequest::Refund { to, .. }) = &mut request;
    let range = classify_number(to);
    if let Some(r) = &range {
        to.clone_from(&r.e164);
    }
    let ceiling = range.as_ref().map(ceiling_of);
    (GuardCall { request, ceiling }, range)
}

/// The refusals that need no stored state, decided before the object is
/// asked: a send while sends are paused (503), to a number of no range, of
/// a type or a country not allowed (403). `None` when the object is to be asked.
pub fn guard_admit(s: &GuardSettings, call: &GuardCall, range: Option<&NumberRange>) -> Option<GuardAnswer> {
    if !matches!(call.request, GuardRequest::Send { .. }) {
        return None;
    }
    let refused = |status, error, message: String, retry_after| Some(GuardAnswer::Refused(Refusal { status, error, message, retry_after }));
    if s.paused {
        return refused(503, "sends_paused", "sending codes is paused (OTP_SENDS_PAUSED)".into(), Some(600));
    }
    let Some(range) = range else {
        return refused(403, "number_not_allowed", "this number is not a valid number of any range".into(), None);
    };
    if !s.limits.allowed_number_types.contains(&range.kind) {
        return refused(403, "number_not_allowed", format!("codes are not sent to {} numbers here (OTP_ALLOWED_NUMBER_TYPES)", range.kind.as_str()), None);
    }
    if s.countries.is_empty() {
        return refused(403, "country_not_allowed", "OTP_ALLOWED_COUNTRIES is not set: this worker sends codes to no country".into(), None);
    }
    if !s.countries.allows(range) {
        let ceiling = ceiling_of(range);
        let what = if range.country.is_some() { ceiling } else { format!("non-geographic {ceiling}") };
        return refused(403, "country_not_allowed", format!("codes are not sent to {what} numbers here (OTP_ALLOWED_COUNTRIES)"), None);
    }
    None
}

/// The keys [`guard_decide_call`] reads for `call` (load them all, missing ones as `None`).
pub fn guard_call_keys(call: &GuardCall) -> Vec<String> {
    let mut keys = vec!["g".to_string()];
    let (GuardRequest::Send { to, address } | GuardRequest::Verify { to, address, .. } | GuardRequest::Refund { to, address, .. }) = &call.request;
    keys.push(number_key(to));
    keys.extend(address_keys(&buckets(address)).into_iter().map(|(k, _)| k));
    if let Some(c) = &call.ceiling {
        keys.push(format!("c:{c}"));
    }
    keys
}

/// The keys [`guard_decide`] reads for `request` (load them all, missing ones as `None`).
pub fn guard_keys(request: &GuardRequest) -> Vec<String> {
    guard_call_keys(&guard_classify(request).0)
}

fn load<T: for<'de> Deserialize<'de> + Default>(entries: &GuardEntries, key: &str) -> T {
    // An entry that does not read (written by another version) counts as empty.
    entries.get(key).and_then(|v| v.as_deref()).and_then(|t| from_json(t).ok()).unwrap_or_default()
}

fn refuse(status: u16, error: &'static str, message: String, retry_after: Option<u64>) -> GuardDecision {
    GuardDecision { answer: GuardAnswer::Refused(Refusal { status, error, message, retry_after }), writes: GuardWrites::default(), forget_at: None }
}

fn limited(wait: u64, message: String) -> GuardDecision {
    refuse(429, "rate_limited", message, Some(wait))
}

/// HMAC-SHA256 of a code for a number, salted (`code_hash` in stored state).
fn code_hash(secret: &[u8], salt: &[u8], to: &str, code: &str) -> [u8; 32] {
    let mut m = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    m.update(CODE_DOMAIN);
    m.update(salt);
    m.update(&[0]);
    m.update(to.as_bytes());
    m.update(&[0]);
    m.update(code.as_bytes());
    m.finalize().into_bytes().into()
}

fn bytes<const N: usize>(rng: &impl Random) -> [u8; N] {
    let mut b = [0u8; N];
    rng.fill(&mut b);
    b
}

/// Decides `request` on the loaded `entries` at `now` (ms since the epoch):
/// [`guard_classify`], [`guard_admit`] and [`guard_decide_call`] in one.
/// `rng` makes codes, salts and ids. See the module docs.
pub fn guard_decide(
    settings: &GuardSettings,
    request: &GuardRequest,
    entries: &GuardEntries,
    now: u64,
    rng: &impl Random,
) -> GuardDecision {
    let (call, range) = guard_classify(request);
    match guard_admit(settings, &call, range.as_ref()) {
        Some(answer) => GuardDecision { answer, writes: GuardWrites::default(), forget_at: None },
        None => guard_decide_call(settings, &call, entries, now, rng),
    }
}

/// Decides an admitted `call` on the loaded `entries` at `now`: the limits
/// that need counted state, and the counts. The number is not classified again.
pub fn guard_decide_call(settings: &GuardSettings, call: &GuardCall, entries: &GuardEntries, now: u64, rng: &impl Random) -> GuardDecision {
    match (&call.request, &call.ceiling) {
        (GuardRequest::Send { to, address }, Some(ceiling)) => decide_send(settings, to, ceiling, address, entries, now, rng),
        // An admitted send always has a ceiling.
        (GuardRequest::Send { .. }, None) => refuse(403, "number_not_allowed", "this number is not a valid number of any range".into(), None),
        (GuardRequest::Verify { to, code, address, trusted }, _) => decide_verify(settings, to, code, address, *trusted, entries, now, rng),
        (GuardRequest::Refund { to, id, .. }, _) => decide_refund(to, id, entries, now, settings.window_ms()),
    }
}

/// The state of each bucket of `address` (its /64 or IPv4, and its IPv6
/// /48 when it has one), with its key and whether it is the /48.
fn address_states(b: &AddressBuckets, entries: &GuardEntries) -> Vec<(String, bool, AddressState)> {
    address_keys(b).into_iter().map(|(k, site)| {
        let st: AddressState = load(entries, &k);
        (k, site, st)
    }).collect()
}

#[allow(clippy::too_many_arguments)]
fn decide_send(s: &GuardSettings, to: &str, ceiling: &str, address: &str, entries: &GuardEntries, now: u64, rng: &impl Random) -> GuardDecision {
    let window = s.window_ms();
    let b = buckets(address);
    let addresses = address_states(&b, entries);
    for (_, site, st) in &addresses {
        let limit = if *site { s.limits.sends_per_ipv6_48 } else { s.limits.sends_per_ip };
        if let Some(w) = Log(st.sends.iter().map(|x| x.0).collect()).wait(now, window, limit) {
            let what = if *site { "this IPv6 /48" } else { "this address" };
            return limited(w, format!("too many codes were asked for from {what}: at most {limit} per {} s", s.limits.window_seconds));
        }
    }
    let nkey = number_key(to);
    let mut number: NumberState = load(entries, &nkey);
    number.sends.retain(|(t, ..)| t + window > now);
    let net = b.network();
    let from_net = Log(number.sends.iter().filter(|x| x.2 == net).map(|x| x.0).collect());
    if let Some(w) = from_net.wait(now, window, s.limits.sends_per_number_per_network) {
        let n = s.limits.sends_per_number_per_network;
        return limited(w, format!("{n} codes for this number were asked for from this network (an IPv4 address or IPv6 /48) in the last {} s", s.limits.window_seconds));
    }
    if let Some(w) = Log(number.sends.iter().map(|x| x.0).collect()).wait(now, window, s.limits.sends_per_number) {
        return limited(w, format!("this number was sent {} codes in the last {} s", s.limits.sends_per_number, s.limits.window_seconds));
    }
    let ckey = format!("c:{ceiling}");
    let country: Hourly = load(entries, &ckey);
    if let Some(w) = country.wait(now, s.limits.sends_per_country_per_hour) {
        return limited(w, format!("too many codes were sent to this country or calling code this hour (OTP_SENDS_PER_COUNTRY_PER_HOUR {})", s.limits.sends_per_country_per_hour));
    }
    let global: Hourly = load(entries, "g");
    if let Some(w) = global.wait(now, s.limits.max_sends_per_hour) {
        return limited(w, format!("this worker sent its {} codes for this hour (OTP_MAX_SENDS_PER_HOUR)", s.limits.max_sends_per_hour));
    }
    // Every limit passed: count everywhere, and make the code.
    let code = generate_code(rng, s.limits.code_length).expect("OTP_CODE_LENGTH is 4 to 10");
    let salt: [u8; 16] = bytes(rng);
    let id = hex(&bytes::<12>(rng));
    let expires_at = now + s.limits.ttl_seconds * 1000;
    number.sends.push((now, id.clone(), net.to_owned()));
    // This network's new code replaces its old one, never another network's.
    number.codes.retain(|c| c.net != net && c.expires_at + window > now);
    number.codes.push(LiveCode {
        id: id.clone(),
        net: net.to_owned(),
        salt: hex(&salt),
        hash: hex(&code_hash(&s.secret, &salt, to, &code)),
        expires_at,
        spent: false,
        country: Some(ceiling.to_owned()),
    });
    let mut writes = GuardWrites::default();
    writes.put(nkey, &number, window);
    for (k, _, mut st) in addresses {
        st.sends.retain(|(t, _)| t + window > now);
        st.checks.prune(now, window);
        st.sends.push((now, id.clone()));
        writes.put(k, &st, window);
    }
    writes.put(ckey, &country.add(now, 1), window);
    writes.put("g".into(), &global.add(now, 1), window);
    let text = render_template(&s.limits.template, &s.limits.service_name, s.limits.ttl_seconds, &code);
    let forget_at = Some((now + window).max(expires_at).max((now / HOUR_MS + 1) * HOUR_MS));
    GuardDecision { answer: GuardAnswer::Send { to: to.into(), text, id, expires_at, code }, writes, forget_at }
}

#[allow(clippy::too_many_arguments)]
fn decide_verify(s: &GuardSettings, to: &str, code: &str, address: &str, trusted: bool, entries: &GuardEntries, now: u64, rng: &impl Random) -> GuardDecision {
    let window = s.window_ms();
    let b = buckets(address);
    let addresses = address_states(&b, entries);
    for (_, site, st) in &addresses {
        let limit = if *site { s.limits.verifies_per_ipv6_48 } else { s.limits.verifies_per_ip };
        if let Some(w) = st.checks.wait(now, window, limit) {
            let what = if *site { "this IPv6 /48" } else { "this address" };
            return limited(w, format!("too many codes were checked from {what}: at most {limit} per {} s", s.limits.window_seconds));
        }
    }
    // Past the address's windows, every verify counts in them, whatever it finds.
    let mut writes = GuardWrites::default();
    for (k, _, mut st) in addresses {
        st.checks.prune(now, window);
        st.sends.retain(|(t, _)| t + window > now);
        st.checks.0.push(now);
        writes.put(k, &st, window);
    }
    let checked = |valid: bool, reason: Option<VerifyReason>, assertion: Option<String>| GuardAnswer::Checked { valid, reason, assertion };

    let nkey = number_key(to);
    let mut number: NumberState = load(entries, &nkey);
    number.checks.iter_mut().for_each(|(_, l)| l.prune(now, window));
    number.checks.retain(|(_, l)| !l.0.is_empty());
    number.total.prune(now, window);
    number.sends.retain(|(t, ..)| t + window > now);
    number.codes.retain(|c| c.expires_at + window > now);
    // The checks of the number counted for this address: its own (IPv4 or
    // /64) and its /48's, each under its limit, and everyone's.
    let mut counted = vec![(b.host.clone(), s.limits.max_checks)];
    counted.extend(b.site.clone().map(|k| (k, s.limits.max_checks_per_ipv6_48)));
    let spent_all = counted.iter().any(|(k, limit)| number.checks.iter().any(|(b, l)| b == k && l.live(now, window) >= *limit as usize))
        || number.total.live(now, window) >= s.limits.max_checks_per_number as usize;
    if spent_all {
        return GuardDecision { answer: checked(false, Some(VerifyReason::TooManyAttempts), None), writes, forget_at: Some(now + window) };
    }
    // A code that is not 4 to 10 digits cannot be any code: not valid, and not a check.
    let well_formed = is_code(code);
    let mut valid = false;
    if well_formed {
        for (k, _) in counted {
            match number.checks.iter_mut().find(|(b, _)| *b == k) {
                Some((_, l)) => l.0.push(now),
                None => number.checks.push((k, Log(vec![now]))),
            }
        }
        number.total.0.push(now);
        for live in number.codes.iter().filter(|c| !c.spent && now < c.expires_at) {
            let salt = unhex(&live.salt).unwrap_or_default();
            // Every live code is compared, so the time taken does not say which matched.
            valid |= secret_eq(&hex(&code_hash(&s.secret, &salt, to, code)), &live.hash);
        }
    }
    let assertion = valid.then(|| {
        // The number is verified: no other code of it verifies after this one.
        number.codes.iter_mut().for_each(|c| c.spent = true);
        sign_assertion(&s.secret, to, now, &bytes::<16>(rng))
    });
    let reason = match () {
        _ if valid => None,
        _ if !trusted => Some(VerifyReason::Invalid),
        _ if number.codes.iter().any(|c| !c.spent && now < c.expires_at) => Some(VerifyReason::Mismatch),
        _ if number.codes.iter().any(|c| c.spent) => Some(VerifyReason::Spent),
        _ if !number.codes.is_empty() => Some(VerifyReason::Expired),
        _ => Some(VerifyReason::NoCode),
    };
    let codes_until = number.codes.iter().map(|c| c.expires_at).max().unwrap_or(0);
    if well_formed {
        writes.put(nkey, &number, window);
    }
    GuardDecision { answer: checked(valid, reason, assertion), writes, forget_at: Some((now + window).max(codes_until)) }
}

fn decide_refund(to: &str, id: &str, entries: &GuardEntries, now: u64, window: u64) -> GuardDecision {
    let nkey = number_key(to);
    let mut number: NumberState = load(entries, &nkey);
    let before = number.sends.len();
    number.sends.retain(|(_, i, _)| i != id);
    let mut writes = GuardWrites::default();
    if number.sends.len() != before {
        let country = number.codes.iter().position(|c| c.id == id).map(|i| number.codes.remove(i)).and_then(|c| c.country);
        writes.put(nkey, &number, window);
        let global: Hourly = load(entries, "g");
        writes.put("g".into(), &global.add(now, -1), window);
        if let Some(c) = country {
            let k = format!("c:{c}");
            let hourly: Hourly = load(entries, &k);
            writes.put(k, &hourly.add(now, -1), window);
        }
        // The address entries are refunded by the id they recorded.
        for (k, v) in entries.iter().filter(|(k, _)| k.starts_with("a:")) {
            let Some(mut st) = v.as_deref().and_then(|t| from_json::<AddressState>(t).ok()) else { continue };
            let before = st.sends.len();
            st.sends.retain(|(_, i)| i != id);
            if st.sends.len() != before {
                writes.put(k.clone(), &st, window);
            }
        }
    }
    GuardDecision { answer: GuardAnswer::Refunded, writes, forget_at: None }
}

/// A [`Random`] from 32 seed bytes (from `crypto.getRandomValues`): SHA-256
/// of the seed and a counter, block after block.
pub struct SeededRandom {
    seed: [u8; 32],
    counter: core::cell::Cell<u64>,
}

impl SeededRandom {
    /// A generator expanding `seed`.
    pub fn new(seed: [u8; 32]) -> Self {
        SeededRandom { seed, counter: core::cell::Cell::new(0) }
    }
}

impl Random for SeededRandom {
    fn fill(&self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(32) {
            let n = self.counter.get();
            self.counter.set(n + 1);
            let block = Sha256::new().chain_update(self.seed).chain_update(n.to_be_bytes()).finalize();
            chunk.copy_from_slice(&block[..chunk.len()]);
        }
    }
}

/// What the worker knows of an OTP request besides its body.
#[derive(Debug, Clone, Default)]
pub struct OtpCaller<'a> {
    /// `CF-Connecting-IP`.
    pub address: &'a str,
    /// Whether it carries `Authorization: Bearer OTP_SERVER_TOKEN`: a
    /// server speaking for its user, whose `clientAddress` is believed and
    /// who hears why a check is not valid.
    pub trusted: bool,
}

/// Reads an OTP route's request (`body`: the bytes read, at most
/// [`OTP_MAX_BODY`]) into a [`GuardRequest`], or the 4xx answer. A send or
/// a verify from a trusted caller is counted for its `clientAddress` (which
/// must then be an IP address); from anyone else `clientAddress` is ignored.
pub fn otp_request(action: OtpAction, body: &[u8], caller: &OtpCaller<'_>) -> Result<GuardRequest, OtpResponse> {
    let bad = |m: String| OtpResponse::error(400, "invalid_input", m, None);
    if body.len() > OTP_MAX_BODY {
        return Err(OtpResponse::too_large());
    }
    let text = core::str::from_utf8(body).map_err(|_| bad("the body must be UTF-8 JSON".into()))?;
    let too_long = |to: &str| if to.chars().count() > 64 { Err(bad("to must be at most 64 characters".into())) } else { Ok(()) };
    let phone = |to: &str| crate::phone::normalize_phone(to, None).map_err(|e| OtpResponse::error(400, e.code.as_str(), e.message, None));
    let address = |given: Option<String>| match given {
        Some(a) if caller.trusted => match address_buckets(&a) {
            Some(_) => Ok(a),
            None => Err(bad("clientAddress must be the user's IPv4 or IPv6 address".into())),
        },
        _ => Ok(caller.address.to_owned()),
    };
    match action {
        OtpAction::Send => {
            let b: OtpSendRequest = from_json_checked(text).map_err(|e| bad(format!("the body must be {{ \"to\": \"+…\" }}: {e}")))?;
            if b.service_name.is_some_and(|n| n.chars().count() > 100) {
                return Err(bad("serviceName must be at most 100 characters".into()));
            }
            too_long(&b.to)?;
            let address = address(b.client_address)?;
            Ok(GuardRequest::Send { to: phone(&b.to)?, address })
        }
        OtpAction::Verify => {
            let b: OtpVerifyRequest = from_json_checked(text).map_err(|e| bad(format!("the body must be {{ \"to\", \"code\" }}: {e}")))?;
            too_long(&b.to)?;
            if b.code.len() > 32 {
                return Err(bad("code must be at most 32 characters".into()));
            }
            let address = address(b.client_address)?;
            Ok(GuardRequest::Verify { to: phone(&b.to)?, code: b.code.trim().to_owned(), address, trusted: caller.trusted })
        }
    }
}

/// The answer for a guard decision other than a send to make.
pub fn otp_answer(answer: &GuardAnswer) -> OtpResponse {
    match answer {
        GuardAnswer::Checked { valid, reason, assertion } => OtpResponse {
            status: 200,
            body: OtpBody::Checked { ok: true, valid: *valid, reason: reason.clone(), assertion: assertion.clone() },
            retry_after: None,
        },
        GuardAnswer::Refused(r) => OtpResponse::error(r.status, r.error, r.message.clone(), r.retry_after),
        GuardAnswer::Refunded | GuardAnswer::Send { .. } => OtpResponse::error(500, "internal", "not an answer", None),
    }
}

/// The answer after the provider was asked to send a code: `error` is the
/// `EdgetextError` code of a failure (`None` on success). Also says whether
/// the send must be refunded: only when the provider certainly did not take
/// the message (never after `outcome_unknown` or `timeout`). `message` must
/// already be free of secrets; the code is removed from it here.
pub fn otp_after_send(sent: &GuardAnswer, provider: &str, error: Option<ErrorCode>, message: &str) -> (OtpResponse, bool) {
    let GuardAnswer::Send { to, code: sent_code, expires_at, .. } = sent else {
        return (otp_answer(sent), false);
    };
    let Some(code) = error else {
        let body = OtpBody::Sent { ok: true, to: to.clone(), provider: provider.into(), expires_at: crate::iso8601(*expires_at) };
        return (OtpResponse { status: 200, body, retry_after: None }, false);
    };
    use ErrorCode::*;
    let message = message.replace(sent_code.as_str(), "[redacted]");
    let refund = code.certainly_not_taken();
    let answer = match code {
        InvalidPhone | InvalidInput => OtpResponse::error(400, code.as_str(), message, None),
        InvalidConfig | Unsupported => OtpResponse::error(503, "otp_not_configured", message, None),
        _ => OtpResponse::error(502, code.as_str(), message, None),
    };
    (answer, refund)
}

/// The default limits (`OTP_DEFAULTS`).
pub fn guard_defaults() -> GuardLimits {
    let secret = "x".repeat(crate::client::MIN_OTP_SECRET_BYTES);
    GuardSettings::from_env(|k| (k == "OTP_SECRET").then(|| secret.clone())).expect("the defaults are valid").limits
}

/// When a stored entry (`value`, the JSON text stored at `key`) can be
/// forgotten (ms), as its [`GuardWrite`] said when it was written: a
/// number's once its sends and checks have left the window and its codes
/// have expired; an address's once its sends and checks have left the
/// window; an hourly counter at the end of its hour. `None` for a key the
/// guard does not write (left alone).
pub fn guard_forget_at(settings: &GuardSettings, key: &str, value: &str) -> Option<u64> {
    let window = settings.window_ms();
    if key.starts_with("n:") {
        Some(from_json::<NumberState>(value).unwrap_or_default().forget_at(window))
    } else if key.starts_with("a:") {
        Some(from_json::<AddressState>(value).unwrap_or_default().forget_at(window))
    } else if key == "g" || key.starts_with("c:") {
        Some(from_json::<Hourly>(value).unwrap_or_default().forget_at(window))
    } else {
        None
    }
}
