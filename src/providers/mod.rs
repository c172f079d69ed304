//! One file per provider. Each turns a call into an [`HttpRequest`] and a
//! response back into a result; none does I/O.

pub(crate) mod klink;
pub(crate) mod relay;
pub(crate) mod teklink;
pub(crate) mod textlink;

use crate::json::{self, Fields};
use crate::{Config, Error, ErrorCode, HttpRequest, HttpResponse, Method, Random, Result, SegmentInfo};
use crate::json::Object;

/// Everything a request builder may need besides the call's own fields.
pub(crate) struct Ctx<'a> {
    pub now_ms: u64,
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

/// A send ready to go, with what the receipt needs to know about it.
pub(crate) struct PreparedSend {
    pub request: HttpRequest,
    pub retry: Retry,
    pub to: String,
    pub id: Option<String>,
    pub idempotency_key: Option<String>,
    pub segments: SegmentInfo,
}

/// A JSON request with the provider's bearer token.
pub(crate) fn request(cfg: &Config, method: Method, path: &str, body: Option<String>) -> HttpRequest {
    let mut headers = Vec::with_capacity(3);
    headers.push(("Authorization".to_string(), format!("Bearer {}", cfg.api_key)));
    if body.is_some() {
        headers.push(("Content-Type".to_string(), "application/json".to_string()));
    }
    HttpRequest { method, url: format!("{}{}", cfg.base_url, path), headers, body }
}

/// Percent-encodes one URL path segment (RFC 3986 unreserved characters stay).
pub(crate) fn path_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A random (version 4) UUID.
pub(crate) fn uuid_v4(rng: &dyn Random) -> String {
    let mut b = [0u8; 16];
    rng.fill(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// Whether `s` is a UUID in its canonical 8-4-4-4-12 hexadecimal form.
pub(crate) fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Removes the API key from text that came back from a provider.
pub(crate) fn redact(text: &str, cfg: &Config) -> String {
    if cfg.api_key.len() >= 4 && text.contains(&cfg.api_key) {
        text.replace(&cfg.api_key, "[redacted]")
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

/// The explanation a provider put in an error body, under any of the names they use.
pub(crate) fn provider_message(body: &str) -> Option<String> {
    let obj = json::parse_object(body)?;
    ["message", "error", "detail"]
        .iter()
        .find_map(|k| json::get_str(&obj, k))
        .map(|s| s.chars().take(500).collect())
}

/// Checks an answer and parses its JSON object: non-2xx becomes the matching
/// error; a 2xx body that says `ok: false` / `success: false` is
/// `provider_rejected`; a 2xx body that cannot be read is `outcome_unknown`
/// for sends (the provider did answer success) and `provider_rejected` for reads.
pub(crate) fn parse_ok(cfg: &Config, resp: &HttpResponse, is_send: bool) -> Result<Object> {
    if !(200..300).contains(&resp.status) {
        return Err(http_error(cfg, resp));
    }
    let provider = cfg.provider.as_str();
    let Some(obj) = json::parse_object(&resp.body) else {
        let code = if is_send { ErrorCode::OutcomeUnknown } else { ErrorCode::ProviderRejected };
        let mut e = Error::new(
            code,
            format!("{provider} answered HTTP {} with a body that is not a JSON object", resp.status),
        )
        .with_provider(provider);
        e.http_status = Some(resp.status);
        return Err(e);
    };
    if json::get_bool(&obj, "ok") == Some(false) || json::get_bool(&obj, "success") == Some(false) {
        let mut e = http_error(cfg, resp);
        e.code = ErrorCode::ProviderRejected;
        return Err(e);
    }
    Ok(obj)
}

/// The message's `to`, required.
pub(crate) fn take_to(f: &mut Fields) -> Result<String> {
    f.string("to")?.ok_or_else(|| Error::input("message.to is required"))
}

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

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(path_segment("msg_1a/../x y"), "msg_1a%2F..%2Fx%20y");
    }
}
