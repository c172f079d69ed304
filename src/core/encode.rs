//! The byte encodings the crate reads and writes, one of each: lower-case
//! hex, unpadded base64url, strict percent-decoding and the percent-encoding
//! of one URL path segment.

use base64ct::{Base64UrlUnpadded, Encoding};

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    s
}

/// The value of one hex digit (either case).
#[cfg_attr(not(feature = "worker"), allow(dead_code))] // the worker build's alone
fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The bytes of hex text (either case), `None` for an odd length or a
/// character that is not a hex digit.
#[cfg_attr(not(feature = "worker"), allow(dead_code))] // the worker build's alone
pub(crate) fn unhex(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    if !b.len().is_multiple_of(2) {
        return None;
    }
    b.chunks(2).map(|pair| Some(hex_digit(pair[0])? << 4 | hex_digit(pair[1])?)).collect()
}

/// Unpadded base64url of `bytes`.
pub(crate) fn b64url(bytes: &[u8]) -> String {
    Base64UrlUnpadded::encode_string(bytes)
}

/// Bytes of unpadded base64url text (canonical: no stray trailing bits),
/// `None` if it is not such text.
pub(crate) fn b64url_decode(text: &str) -> Option<Vec<u8>> {
    Base64UrlUnpadded::decode_vec(text).ok()
}

/// Strict percent-decoding (`+` as a space when `form`); `None` for a
/// malformed escape or bytes that are not UTF-8.
#[cfg_attr(not(feature = "worker"), allow(dead_code))] // the worker build's alone
pub(crate) fn percent_decode(s: &str, form: bool) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hi = bytes.get(i + 1).copied().and_then(hex_digit)?;
                let lo = bytes.get(i + 2).copied().and_then(hex_digit)?;
                out.push(hi << 4 | lo);
                i += 3;
            }
            b'+' if form => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// Percent-encodes one URL path segment (RFC 3986 unreserved characters stay).
pub(crate) fn path_segment(s: &str) -> String {
    const RESERVED: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    percent_encoding::utf8_percent_encode(s, RESERVED).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_matches_rfc_4648_vectors() {
        for (raw, text) in [("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy")] {
            assert_eq!(b64url(raw.as_bytes()), text);
            assert_eq!(b64url_decode(text).as_deref(), Some(raw.as_bytes()));
        }
        assert_eq!(b64url(&[0xfb, 0xff, 0xbf]), "-_-_", "the URL alphabet");
        for bad in ["Zg=", "Z", "Zh", "Zm9", "Zm9v+", "Zm/v", "Zm9\u{e9}"] {
            assert_eq!(b64url_decode(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn percent_decoding_is_strict() {
        assert_eq!(percent_decode("a+b%20c", true).as_deref(), Some("a b c"));
        assert_eq!(percent_decode("a+b", false).as_deref(), Some("a+b"));
        for bad in ["%", "%2", "%zz", "%ff"] {
            assert_eq!(percent_decode(bad, false), None, "{bad:?}");
        }
    }

    #[test]
    fn hex_round_trips_and_refuses_what_is_not_hex() {
        assert_eq!(hex(&[0x00, 0x9f, 0xff]), "009fff");
        assert_eq!(unhex("009FfF"), Some(vec![0x00, 0x9f, 0xff]));
        for bad in ["0", "0g", "+f", "é0"] {
            assert_eq!(unhex(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(path_segment("msg_1a/../x y"), "msg_1a%2F..%2Fx%20y");
    }
}
