//! Verification assertions: the worker's signed statement that a number was
//! verified, which the app's server checks with [`verify_otp_assertion`]
//! (`verifyOtpAssertion` in JavaScript) instead of trusting a browser's word.
//!
//! Format: `a1.<payload>.<mac>`, both base64url without padding; payload =
//! verification time (8 bytes, big-endian ms since the epoch) ‖ id (16 random
//! bytes) ‖ the number in E.164 (UTF-8, the rest); mac = HMAC-SHA256(OTP_SECRET,
//! `"edgetext-otp-assertion-v1"` ‖ payload). The domain string is used by
//! nothing else, so no code hash or signed token can pass for an assertion.

use crate::core::encode::{b64url, b64url_decode, hex};
use crate::phone::normalize_phone;
use crate::{Error, ErrorCode, Result};
use hmac::{Hmac, Mac};
use sha2::Sha256;

const DOMAIN: &[u8] = b"edgetext-otp-assertion-v1";
const HEAD: usize = 8 + 16;
/// How far in the future an assertion's time may be (clock skew), in ms.
const SKEW_MS: u64 = 60_000;

/// What a valid assertion states.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifiedNumber {
    /// The number that was verified (E.164).
    pub to: String,
    /// When, in ms since the epoch.
    pub verified_at: u64,
    /// The assertion's unique id (32 hex digits): store it to accept each once.
    pub id: String,
}

fn mac(secret: &[u8], payload: &[u8]) -> Hmac<Sha256> {
    let mut m = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    m.update(DOMAIN);
    m.update(payload);
    m
}

/// Signs "`to` was verified at `verified_at_ms`", with the unique id `id`.
pub fn sign_assertion(secret: &[u8], to: &str, verified_at_ms: u64, id: &[u8; 16]) -> String {
    let mut payload = Vec::with_capacity(HEAD + to.len());
    payload.extend_from_slice(&verified_at_ms.to_be_bytes());
    payload.extend_from_slice(id);
    payload.extend_from_slice(to.as_bytes());
    let tag = mac(secret, &payload).finalize().into_bytes();
    format!("a1.{}.{}", b64url(&payload), b64url(&tag))
}

fn invalid(why: &str) -> Error {
    Error::new(ErrorCode::InvalidAssertion, format!("the verification assertion {why}"))
}

/// Checks `assertion` for the number `to` (normalised here) with `secret`
/// (`OTP_SECRET`, at least 32 bytes, else `invalid_config`) at `now_ms`:
/// `invalid_assertion` when it is malformed, tampered, signed with another
/// secret, for another number, older than `max_age_seconds`, or from more
/// than a minute in the future. The MAC is compared in constant time and
/// checked first.
///
/// ```
/// use edgetext::contract::{sign_assertion, verify_otp_assertion};
/// let secret = [7u8; 32];
/// let a = sign_assertion(&secret, "+447400123456", 1_000_000, &[1; 16]);
/// let v = verify_otp_assertion(&a, &secret, "+44 7400 123456", 300, 1_010_000).unwrap();
/// assert_eq!(v.to, "+447400123456");
/// assert!(verify_otp_assertion(&a, &secret, "+447400123457", 300, 1_010_000).is_err());
/// assert!(verify_otp_assertion(&a, &secret, "+447400123456", 300, 1_400_000).is_err());
/// ```
pub fn verify_otp_assertion(assertion: &str, secret: &[u8], to: &str, max_age_seconds: u64, now_ms: u64) -> Result<VerifiedNumber> {
    crate::client::check_otp_secret(secret)?;
    let mut parts = assertion.trim().split('.');
    let (v, p, m) = (parts.next(), parts.next(), parts.next());
    if v != Some("a1") || parts.next().is_some() {
        return Err(invalid("is not an edgetext assertion"));
    }
    let payload = p.and_then(b64url_decode).filter(|p| p.len() > HEAD).ok_or_else(|| invalid("is not an edgetext assertion"))?;
    let tag = m.and_then(b64url_decode).filter(|t| t.len() == 32).ok_or_else(|| invalid("is not an edgetext assertion"))?;
    if mac(secret, &payload).verify_slice(&tag).is_err() {
        return Err(invalid("was not signed with this secret, or was changed"));
    }
    let verified_at = u64::from_be_bytes(payload[..8].try_into().expect("8 bytes"));
    let number = core::str::from_utf8(&payload[HEAD..]).map_err(|_| invalid("is not an edgetext assertion"))?;
    let wanted = normalize_phone(to, None).map_err(|_| invalid("cannot be checked against a number that is not one"))?;
    if number != wanted {
        return Err(invalid("is for another number"));
    }
    if verified_at > now_ms + SKEW_MS {
        return Err(invalid("is dated in the future"));
    }
    if now_ms - verified_at.min(now_ms) > max_age_seconds.saturating_mul(1000) {
        return Err(invalid(&format!("is older than {max_age_seconds} s")));
    }
    let id = hex(&payload[8..HEAD]);
    Ok(VerifiedNumber { to: wanted, verified_at, id })
}
