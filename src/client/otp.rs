//! One-time codes signed by the SDK, for providers that cannot check codes
//! themselves. The code is stored nowhere: the caller keeps a token that
//! binds the recipient, an expiry and a nonce, and a MAC over them and the
//! code; only the checks of each token are counted, in the store
//! (`signed.rs`).
//!
//! Token format: `v1.<payload>.<mac>`, both base64url without padding.
//! `payload` = expiry (8 bytes, big-endian ms since the epoch) ‖ nonce
//! (16 bytes) ‖ recipient (UTF-8, the rest). `mac` = HMAC-SHA256(secret,
//! `"edgetext-otp-v1"` ‖ payload ‖ 0x00 ‖ code). The fixed-width head makes
//! the payload unambiguous, and codes are digits only, so the 0x00 separator
//! cannot be forged from either side. The code is never in the token.
//!
//! [`check_code`] decides in this order: a token that does not parse is
//! [`CodeCheck::Malformed`]; a code that is not 4 to 10 ASCII digits, a MAC
//! that fails (wrong code, tampered token, other secret) or another recipient
//! is [`CodeCheck::Mismatch`]; only a token whose MAC verifies can be
//! [`CodeCheck::Expired`] (at or after its expiry), so an expired token says
//! nothing about a wrong code.

use crate::client::VerifyReason;
use crate::core::encode::{b64url, b64url_decode};
use crate::{Error, Random, Result};
use core::ops::RangeInclusive;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Minimum length of `otp.secret` (and of a worker's `OTP_SECRET`), in bytes.
pub const MIN_OTP_SECRET_BYTES: usize = 32;

/// Digits in a one-time code: `config.otp.length`, a request's `length`,
/// a worker's `OTP_CODE_LENGTH`; and what a typed code may be at all.
pub const CODE_LENGTHS: RangeInclusive<u8> = 4..=10;

/// Digits in a code when none is set.
pub const DEFAULT_CODE_LENGTH: u8 = 6;

/// A code's lifetime in seconds: `config.otp.ttlSeconds`, a request's
/// `ttlSeconds`, a worker's `OTP_TTL_SECONDS`.
pub const CODE_TTL_SECONDS: RangeInclusive<u64> = 1..=86_400;

/// A code's lifetime when none is set, in seconds.
pub const DEFAULT_CODE_TTL_SECONDS: u64 = 600;

/// The default one-time-code message (`config.otp.template`, a worker's `OTP_TEMPLATE`).
pub const DEFAULT_OTP_TEMPLATE: &str = "Your {service} code is {code}. It expires in {minutes} minutes.";

/// "`field` must be from 4 to 10": the error of a length out of [`CODE_LENGTHS`].
pub(crate) fn length_error(field: &str) -> String {
    must_be(field, u64::from(*CODE_LENGTHS.start()), u64::from(*CODE_LENGTHS.end()))
}

/// "`field` must be from 1 to 86400": the error of a lifetime out of [`CODE_TTL_SECONDS`].
pub(crate) fn ttl_error(field: &str) -> String {
    must_be(field, *CODE_TTL_SECONDS.start(), *CODE_TTL_SECONDS.end())
}

fn must_be(field: &str, low: u64, high: u64) -> String {
    format!("{field} must be from {low} to {high}")
}

/// Whether `code` can be a code at all: [`CODE_LENGTHS`] ASCII digits.
pub fn is_code(code: &str) -> bool {
    u8::try_from(code.len()).is_ok_and(|n| CODE_LENGTHS.contains(&n)) && code.bytes().all(|b| b.is_ascii_digit())
}

/// A code's message: `template` with `{service}`, `{minutes}` (the lifetime,
/// rounded up) and `{code}` filled in, in that order.
pub fn render_template(template: &str, service: &str, ttl_seconds: u64, code: &str) -> String {
    let text = fill(template, "{service}", service);
    let text = fill(&text, "{minutes}", &ttl_seconds.div_ceil(60).to_string());
    fill(&text, "{code}", code)
}

/// `text.replace(placeholder, value)` for a placeholder that starts with its
/// only `{`: every match starts at a `{`, so each `{` is tried in turn. No
/// substring searcher is compiled (the worker's first code compiles it otherwise).
fn fill(text: &str, placeholder: &str, value: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.bytes().position(|b| b == b'{') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        match rest.strip_prefix(placeholder) {
            Some(after) => {
                out.push_str(value);
                rest = after;
            }
            None => {
                out.push('{');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether `text` holds `placeholder` (one that starts with its only `{`),
/// as [`fill`] finds it.
#[cfg(any(test, feature = "worker"))]
pub(crate) fn has_placeholder(text: &str, placeholder: &str) -> bool {
    text.bytes().enumerate().any(|(at, b)| b == b'{' && text[at..].starts_with(placeholder))
}

const DOMAIN: &[u8] = b"edgetext-otp-v1";
const HEAD: usize = 8 + 16;

/// Refuses (`invalid_config`) a secret shorter than [`MIN_OTP_SECRET_BYTES`].
pub fn check_otp_secret(secret: &[u8]) -> Result<()> {
    if secret.len() < MIN_OTP_SECRET_BYTES {
        return Err(Error::config(format!(
            "config.otp.secret must be at least {MIN_OTP_SECRET_BYTES} bytes"
        )));
    }
    Ok(())
}

/// A uniformly random numeric code of `length` digits (4 to 10, else
/// `invalid_input`); leading zeros allowed. Bytes of 250 and above are
/// rejected so that no digit is more likely than another.
pub fn generate_code(rng: &impl Random, length: u8) -> Result<String> {
    if !CODE_LENGTHS.contains(&length) {
        return Err(Error::input(length_error("code length")));
    }
    let n = length as usize;
    let mut code = String::with_capacity(n);
    let mut buf = [0u8; 16];
    while code.len() < n {
        rng.fill(&mut buf);
        for b in buf {
            if b < 250 && code.len() < n {
                code.push(char::from(b'0' + b % 10));
            }
        }
    }
    Ok(code)
}

fn mac(secret: &[u8], payload: &[u8], code: &str) -> Hmac<Sha256> {
    let mut m = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    m.update(DOMAIN);
    m.update(payload);
    m.update(&[0]);
    m.update(code.as_bytes());
    m
}

/// Signs `code` for `recipient`, valid until `expires_at_ms` (exclusive), and
/// returns the token (see the module docs for its format).
pub fn sign_code(
    secret: &[u8],
    recipient: &str,
    code: &str,
    expires_at_ms: u64,
    nonce: &[u8; 16],
) -> String {
    let mut payload = Vec::with_capacity(HEAD + recipient.len());
    payload.extend_from_slice(&expires_at_ms.to_be_bytes());
    payload.extend_from_slice(nonce);
    payload.extend_from_slice(recipient.as_bytes());
    let tag = mac(secret, &payload, code).finalize().into_bytes();
    format!("v1.{}.{}", b64url(&payload), b64url(&tag))
}

/// The outcome of checking a code against a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeCheck {
    /// The code is right, for this recipient, in time.
    Valid,
    /// Wrong code, another recipient, or a token signed with another secret.
    Mismatch,
    /// The code was right but its time is up.
    Expired,
    /// The token is not an edgetext token.
    Malformed,
}

impl CodeCheck {
    /// `None` when valid; else `mismatch`, `expired` or `malformed_token`.
    pub fn reason(&self) -> Option<VerifyReason> {
        match self {
            CodeCheck::Valid => None,
            CodeCheck::Mismatch => Some(VerifyReason::Mismatch),
            CodeCheck::Expired => Some(VerifyReason::Expired),
            CodeCheck::Malformed => Some(VerifyReason::MalformedToken),
        }
    }
}

/// Splits a token into (expiry, payload, mac), or `None` if it is not one.
fn decode(token: &str) -> Option<(u64, Vec<u8>, Vec<u8>)> {
    let mut parts = token.split('.');
    let (v, p, m) = (parts.next()?, parts.next()?, parts.next()?);
    if v != "v1" || parts.next().is_some() {
        return None;
    }
    let payload = b64url_decode(p)?;
    let tag = b64url_decode(m)?;
    core::str::from_utf8(payload.get(HEAD..)?).ok()?;
    if tag.len() != 32 {
        return None;
    }
    let expiry = u64::from_be_bytes(payload[..8].try_into().ok()?);
    Some((expiry, payload, tag))
}

/// The expiry (ms since the epoch) of a well-formed token, without checking
/// its MAC; `None` if it is malformed.
pub fn token_expiry(token: &str) -> Option<u64> {
    decode(token).map(|t| t.0)
}

/// Checks `code` for `recipient` (already normalised) against `token` at
/// `now_ms`. The MAC is compared in constant time and checked before the
/// expiry; see the module docs for the order of outcomes.
pub fn check_code(
    secret: &[u8],
    recipient: &str,
    code: &str,
    token: &str,
    now_ms: u64,
) -> CodeCheck {
    let Some((expiry, payload, tag)) = decode(token) else {
        return CodeCheck::Malformed;
    };
    if !is_code(code) {
        return CodeCheck::Mismatch;
    }
    // The MAC covers the token's payload exactly as signed, so any change to
    // it fails; the recipient inside must then be the one asked about.
    if mac(secret, &payload, code).verify_slice(&tag).is_err()
        || &payload[HEAD..] != recipient.as_bytes()
    {
        return CodeCheck::Mismatch;
    }
    if now_ms >= expiry {
        return CodeCheck::Expired;
    }
    CodeCheck::Valid
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same text as the chained `str::replace` it stands for, service
    /// names and templates with stray, nested and repeated braces included.
    #[test]
    fn render_template_is_the_chained_replace() {
        let templates = ["{code} is your {service} code, {minutes} min", "{{code}}{code", "{service}{service}{", "", "no placeholder", "{c{code}ode}", "ä{code}é{minutes}"];
        let services = ["Acme", "{code}", "{minutes}{", "", "{{service}}"];
        for t in templates {
            for s in services {
                let chained = t.replace("{service}", s).replace("{minutes}", "2").replace("{code}", "123456");
                assert_eq!(render_template(t, s, 120, "123456"), chained, "{t:?} {s:?}");
                assert_eq!(has_placeholder(t, "{code}"), t.contains("{code}"), "{t:?}");
            }
        }
    }
}
