//! Standard Webhooks (standardwebhooks.com) signatures, as the worker
//! forwards events and as any consumer checks them: `webhook-id`,
//! `webhook-timestamp` (Unix seconds) and `webhook-signature`
//! (`v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, several
//! space-separated), keyed by a `whsec_<base64>` secret.

use base64ct::{Base64, Encoding};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The prefix of a Standard Webhooks secret.
pub const WEBHOOK_SECRET_PREFIX: &str = "whsec_";

/// A Standard Webhooks signing key: the bytes of a `whsec_<base64>` secret.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookKey(Vec<u8>);

impl core::fmt::Debug for WebhookKey {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        f.write_str("WebhookKey(..)")
    }
}

impl WebhookKey {
    /// Reads a `whsec_<base64>` secret (the prefix may be left out, as the
    /// Standard Webhooks libraries allow). `None` when it is empty or not
    /// base64: such a secret never signs nor verifies anything.
    pub fn parse(secret: &str) -> Option<Self> {
        let b64 = secret.trim().strip_prefix(WEBHOOK_SECRET_PREFIX).unwrap_or(secret.trim());
        Base64::decode_vec(b64).ok().filter(|k| !k.is_empty()).map(WebhookKey)
    }

    /// Reads a secret that must carry the `whsec_` prefix (the worker's `FORWARD_SECRET`).
    pub fn parse_prefixed(secret: &str) -> Option<Self> {
        secret.trim().starts_with(WEBHOOK_SECRET_PREFIX).then(|| Self::parse(secret)).flatten()
    }

    fn mac(&self, id: &str, timestamp: &str, body: &[u8]) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.as_bytes());
        mac.update(b".");
        mac.update(body);
        mac
    }

    /// The `webhook-signature` value for one delivery: `v1,<base64>`.
    pub fn sign(&self, id: &str, unix_seconds: u64, body: &[u8]) -> String {
        let tag = self.mac(id, &unix_seconds.to_string(), body).finalize().into_bytes();
        format!("v1,{}", Base64::encode_string(&tag))
    }
}

/// The three headers of a delivery, as received (any may be missing).
#[derive(Debug, Clone, Copy, Default)]
pub struct WebhookHeaders<'a> {
    /// `webhook-id`.
    pub id: Option<&'a str>,
    /// `webhook-timestamp`: Unix seconds.
    pub timestamp: Option<&'a str>,
    /// `webhook-signature`: space-separated `v1,<base64>` entries.
    pub signature: Option<&'a str>,
}

/// Checks a Standard Webhooks delivery: some `v1` signature must match the
/// HMAC of `<id>.<timestamp>.<body>` under `secret` (constant-time compare)
/// and the timestamp be within `tolerance_seconds` of `now_seconds` either
/// way. An empty or malformed secret never verifies.
///
/// ```
/// use edgetext::contract::{verify_webhook, WebhookHeaders, WebhookKey};
/// let key = WebhookKey::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
/// let sig = key.sign("msg_1", 1_700_000_000, b"{}");
/// let h = WebhookHeaders { id: Some("msg_1"), timestamp: Some("1700000000"), signature: Some(&sig) };
/// assert!(verify_webhook(b"{}", h, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", 1_700_000_100, 300));
/// assert!(!verify_webhook(b"{}", h, "", 1_700_000_100, 300));
/// ```
pub fn verify_webhook(body: &[u8], headers: WebhookHeaders, secret: &str, now_seconds: u64, tolerance_seconds: u64) -> bool {
    let (Some(key), Some(id), Some(ts), Some(sigs)) = (WebhookKey::parse(secret), headers.id, headers.timestamp, headers.signature) else {
        return false;
    };
    let Some(t) = ts.trim().parse::<u64>().ok().filter(|_| ts.trim().bytes().all(|b| b.is_ascii_digit())) else {
        return false;
    };
    if t.abs_diff(now_seconds) > tolerance_seconds {
        return false;
    }
    sigs.split(' ').filter_map(|s| s.strip_prefix("v1,")).filter_map(|b64| Base64::decode_vec(b64).ok()).any(|tag| {
        key.mac(id, ts.trim(), body).verify_slice(&tag).is_ok()
    })
}
