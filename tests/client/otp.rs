//! Signed one-time codes: the token format, every way a check can fail, and
//! unbiased code generation.
// Native suites: the wasm layer has its own, in src/wasm/tests.rs.
#![cfg(not(target_arch = "wasm32"))]

use base64ct::{Base64UrlUnpadded, Encoding};
use edgetext::client::{check_code, check_otp_secret, generate_code, sign_code, token_expiry, CodeCheck, VerifyReason, MIN_OTP_SECRET_BYTES};
use edgetext::{ErrorCode, Random};
use std::cell::Cell;

const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef-test";
const OTHER_SECRET: &[u8] = b"another-secret-of-at-least-32-bytes!!";
const TO: &str = "+15551234567";
const CODE: &str = "9080";
const EXPIRY: u64 = 1_700_000_120_000;
const NOW: u64 = EXPIRY - 120_000;
const NONCE: [u8; 16] = [0xA5; 16];
const B64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn token() -> String {
    sign_code(SECRET, TO, CODE, EXPIRY, &NONCE)
}

fn check(code: &str, token: &str) -> CodeCheck {
    check_code(SECRET, TO, code, token, NOW)
}

/// Returns the given bytes in order, then repeats the last one.
struct Seq(Vec<u8>, Cell<usize>);

impl Seq {
    fn new(bytes: &[u8]) -> Self {
        Seq(bytes.to_vec(), Cell::new(0))
    }
}

impl Random for Seq {
    fn fill(&self, buf: &mut [u8]) {
        for b in buf {
            let i = self.1.get();
            *b = self.0[i.min(self.0.len() - 1)];
            self.1.set(i + 1);
        }
    }
}

/// SplitMix64: a deterministic PRNG for the distribution check.
struct SplitMix(Cell<u64>);

impl Random for SplitMix {
    fn fill(&self, buf: &mut [u8]) {
        for b in buf {
            let s = self.0.get().wrapping_add(0x9E37_79B9_7F4A_7C15);
            self.0.set(s);
            let mut z = (s ^ (s >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            *b = (z ^ (z >> 31)) as u8;
        }
    }
}

/// Builds a token from raw parts, for malformed-but-plausible cases.
fn raw(payload: &[u8], mac: &[u8]) -> String {
    format!(
        "v1.{}.{}",
        Base64UrlUnpadded::encode_string(payload),
        Base64UrlUnpadded::encode_string(mac)
    )
}

fn segments(token: &str) -> (Vec<u8>, Vec<u8>) {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "{token}");
    assert_eq!(parts[0], "v1");
    (
        Base64UrlUnpadded::decode_vec(parts[1]).unwrap(),
        Base64UrlUnpadded::decode_vec(parts[2]).unwrap(),
    )
}

#[test]
fn a_signed_code_round_trips() {
    let t = token();
    assert_eq!(check(CODE, &t), CodeCheck::Valid);
    assert_eq!(CodeCheck::Valid.reason(), None);
    assert_eq!(token_expiry(&t), Some(EXPIRY));
    assert_eq!(
        check_code(SECRET, TO, CODE, &t, EXPIRY - 1),
        CodeCheck::Valid
    );
    assert_eq!(check_code(SECRET, TO, CODE, &t, 0), CodeCheck::Valid);
    for (code, to) in [
        ("0000", "x"),
        ("1234567890", "+442079460958"),
        ("00042", ""),
    ] {
        let t = sign_code(SECRET, to, code, EXPIRY, &[0; 16]);
        assert_eq!(
            check_code(SECRET, to, code, &t, NOW),
            CodeCheck::Valid,
            "{t}"
        );
    }
}

#[test]
fn the_token_has_the_documented_layout() {
    let t = token();
    assert!(t.bytes().all(|b| b == b'.' || B64URL.contains(&b)), "{t}");
    let (payload, mac) = segments(&t);
    assert_eq!(&payload[..8], &EXPIRY.to_be_bytes());
    assert_eq!(&payload[8..24], &NONCE);
    assert_eq!(&payload[24..], TO.as_bytes());
    assert_eq!(mac.len(), 32);
    // Independently recomputed MAC over the documented input.
    use hmac::{Hmac, Mac};
    let mut m = Hmac::<sha2::Sha256>::new_from_slice(SECRET).unwrap();
    m.update(b"edgetext-otp-v1");
    m.update(&payload);
    m.update(&[0]);
    m.update(CODE.as_bytes());
    assert_eq!(m.finalize().into_bytes().as_slice(), mac.as_slice());
}

#[test]
fn the_token_never_contains_the_code() {
    let t = token();
    let (payload, _) = segments(&t);
    // Neither '8' nor '9' occur in the expiry, nonce or recipient chosen above.
    assert!(!payload.contains(&b'8') && !payload.contains(&b'9'));
    assert!(!payload.windows(CODE.len()).any(|w| w == CODE.as_bytes()));
    assert!(!t.contains(CODE));
    // Another code of the same length changes only the MAC.
    let other = sign_code(SECRET, TO, "8989", EXPIRY, &NONCE);
    assert_eq!(other.len(), t.len());
    assert_eq!(
        other.rsplit_once('.').unwrap().0,
        t.rsplit_once('.').unwrap().0
    );
    assert_ne!(other, t);
}

#[test]
fn a_wrong_or_ill_formed_code_is_a_mismatch() {
    let t = token();
    for code in [
        "9081",
        "0908",
        "90800",
        "908",
        "",
        "90a0",
        " 9080",
        "9080 ",
        "９０８０",
        "12345678901",
        "-908",
    ] {
        assert_eq!(check(code, &t), CodeCheck::Mismatch, "{code:?}");
    }
    assert_eq!(CodeCheck::Mismatch.reason().as_ref().map(VerifyReason::as_str), Some("mismatch"));
}

#[test]
fn an_expired_token_is_expired_only_with_the_right_code() {
    let t = token();
    assert_eq!(check_code(SECRET, TO, CODE, &t, EXPIRY), CodeCheck::Expired);
    assert_eq!(
        check_code(SECRET, TO, CODE, &t, EXPIRY + 1),
        CodeCheck::Expired
    );
    assert_eq!(
        check_code(SECRET, TO, CODE, &t, u64::MAX),
        CodeCheck::Expired
    );
    assert_eq!(CodeCheck::Expired.reason().as_ref().map(VerifyReason::as_str), Some("expired"));
    // A wrong code, another number or another secret reveal nothing more.
    assert_eq!(
        check_code(SECRET, TO, "1111", &t, EXPIRY),
        CodeCheck::Mismatch
    );
    assert_eq!(
        check_code(SECRET, "+15551234568", CODE, &t, EXPIRY),
        CodeCheck::Mismatch
    );
    assert_eq!(
        check_code(OTHER_SECRET, TO, CODE, &t, EXPIRY),
        CodeCheck::Mismatch
    );
}

#[test]
fn a_token_for_another_number_is_a_mismatch() {
    let t = token();
    for to in [
        "+15551234568",
        "+1555123456",
        "+155512345670",
        "15551234567",
        "",
    ] {
        assert_eq!(
            check_code(SECRET, to, CODE, &t, NOW),
            CodeCheck::Mismatch,
            "{to}"
        );
    }
}

#[test]
fn another_secret_is_a_mismatch() {
    let t = token();
    assert_eq!(
        check_code(OTHER_SECRET, TO, CODE, &t, NOW),
        CodeCheck::Mismatch
    );
    let t = sign_code(OTHER_SECRET, TO, CODE, EXPIRY, &NONCE);
    assert_eq!(check(CODE, &t), CodeCheck::Mismatch);
}

#[test]
fn every_single_character_change_is_refused() {
    let t = token();
    let bytes = t.as_bytes();
    let mac_start = t.rfind('.').unwrap() + 1;
    for i in 3..bytes.len() {
        if bytes[i] == b'.' {
            continue;
        }
        for &c in B64URL.iter().filter(|&&c| c != bytes[i]) {
            let mut v = bytes.to_vec();
            v[i] = c;
            let tampered = String::from_utf8(v).unwrap();
            let r = check(CODE, &tampered);
            assert!(
                matches!(r, CodeCheck::Mismatch | CodeCheck::Malformed),
                "{tampered}: {r:?}"
            );
            if i > mac_start && i < bytes.len() - 1 {
                // A change inside the MAC decodes fine but does not verify.
                assert_eq!(r, CodeCheck::Mismatch, "{tampered}");
            }
        }
    }
}

#[test]
fn a_tampered_payload_fails_even_when_it_decodes() {
    let t = token();
    let (mut payload, mac) = segments(&t);
    // A later expiry, another nonce, another recipient: all with the old MAC.
    payload[7] ^= 1;
    assert_eq!(check(CODE, &raw(&payload, &mac)), CodeCheck::Mismatch);
    assert_eq!(token_expiry(&raw(&payload, &mac)), Some(EXPIRY ^ 1));
    payload[7] ^= 1;
    payload[8] ^= 1;
    assert_eq!(check(CODE, &raw(&payload, &mac)), CodeCheck::Mismatch);
    payload[8] ^= 1;
    payload.push(b'0');
    assert_eq!(
        check_code(SECRET, "+155512345670", CODE, &raw(&payload, &mac), NOW),
        CodeCheck::Mismatch
    );
    payload.pop();
    assert_eq!(check(CODE, &raw(&payload, &mac)), CodeCheck::Valid);
}

#[test]
fn structural_tampering_is_malformed() {
    let t = token();
    let (p, m) = t[3..].split_once('.').unwrap();
    let cases = [
        t[..t.len() - 1].to_string(),
        t[..t.len() - 2].to_string(),
        format!("v1.{p}.{}", &m[..m.len() - 4]),
        format!("{t}.x"),
        format!("{t}."),
        format!("{t}="),
        format!("{t}=="),
        format!("{t} "),
        format!(" {t}"),
        format!("{t}AAAA"),
        format!("v2.{p}.{m}"),
        format!("V1.{p}.{m}"),
        format!("v1.{p}"),
        format!("v1.{m}.{p}"),
        format!("v1..{m}"),
        format!("v1.{p}."),
        format!(".{p}.{m}"),
        format!("v1.{p}.{m}.{m}"),
        t.replace('.', ":"),
    ];
    for bad in cases {
        assert_eq!(check(CODE, &bad), CodeCheck::Malformed, "{bad}");
        assert_eq!(token_expiry(&bad), None, "{bad}");
    }
    assert_eq!(CodeCheck::Malformed.reason().as_ref().map(VerifyReason::as_str), Some("malformed_token"));
    // A payload cut on a byte boundary still parses, then fails the MAC.
    let cut = format!("v1.{}.{m}", &p[..p.len() - 1]);
    assert_eq!(check(CODE, &cut), CodeCheck::Mismatch, "{cut}");
}

#[test]
fn garbage_is_malformed() {
    let mac = [7u8; 32];
    let mut head = EXPIRY.to_be_bytes().to_vec();
    head.extend_from_slice(&NONCE);
    let mut not_utf8 = head.clone();
    not_utf8.extend_from_slice(b"+1555\xff");
    let cases = [
        String::new(),
        "v1..".into(),
        "v1.".into(),
        "v1".into(),
        "garbage".into(),
        "..".into(),
        "v1.+/+/.AAAA".into(),
        "v1.!!!!.????".into(),
        raw(&head[..23], &mac),
        raw(&[], &mac),
        raw(&not_utf8, &mac),
        raw(TO.as_bytes(), &mac),
        raw(&head, &mac[..31]),
        raw(&head, &[mac.as_slice(), &[0]].concat()),
        raw(&head, &[]),
    ];
    for bad in cases {
        assert_eq!(check(CODE, &bad), CodeCheck::Malformed, "{bad:?}");
        assert_eq!(token_expiry(&bad), None, "{bad:?}");
    }
    // Malformed wins over a bad code: the token is judged first.
    assert_eq!(check("x", "garbage"), CodeCheck::Malformed);
    // A well-formed token with a forged MAC still reports its expiry.
    assert_eq!(token_expiry(&raw(&head, &mac)), Some(EXPIRY));
    assert_eq!(check(CODE, &raw(&head, &mac)), CodeCheck::Mismatch);
}

#[test]
fn secrets_shorter_than_32_bytes_are_refused() {
    assert_eq!(MIN_OTP_SECRET_BYTES, 32);
    for s in [&b""[..], b"short", &[b'x'; 31]] {
        let e = check_otp_secret(s).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidConfig);
        assert!(
            e.message.contains("otp.secret must be at least 32 bytes"),
            "{}",
            e.message
        );
    }
    assert!(check_otp_secret(&[b'x'; 32]).is_ok());
    assert!(check_otp_secret(SECRET).is_ok());
    // Bytes, not characters: 11 three-byte characters are 33 bytes.
    assert!(check_otp_secret("€€€€€€€€€€€".as_bytes()).is_ok());
}

#[test]
fn code_lengths_from_4_to_10() {
    let rng = SplitMix(Cell::new(1));
    for len in 4..=10u8 {
        let c = generate_code(&rng, len).unwrap();
        assert_eq!(c.len(), len as usize);
        assert!(c.bytes().all(|b| b.is_ascii_digit()), "{c}");
    }
    for len in [0u8, 3, 11, 255] {
        assert_eq!(
            generate_code(&rng, len).unwrap_err().code,
            ErrorCode::InvalidInput,
            "{len}"
        );
    }
}

#[test]
fn bytes_of_250_and_above_are_rejected() {
    let mut bytes = vec![255u8; 40];
    bytes.extend_from_slice(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 0]);
    assert_eq!(generate_code(&Seq::new(&bytes), 4).unwrap(), "1234");
    assert_eq!(generate_code(&Seq::new(&bytes), 10).unwrap(), "1234567890");
    let bytes = [250, 251, 254, 249, 0, 10, 245, 9];
    assert_eq!(generate_code(&Seq::new(&bytes), 4).unwrap(), "9005");
    let bytes = [0u8, 0, 0, 0];
    assert_eq!(generate_code(&Seq::new(&bytes), 6).unwrap(), "000000");
}

#[test]
fn digits_are_evenly_spread() {
    let rng = SplitMix(Cell::new(0x5EED));
    let mut counts = [0u32; 10];
    for _ in 0..1_000 {
        for b in generate_code(&rng, 10).unwrap().bytes() {
            counts[(b - b'0') as usize] += 1;
        }
    }
    assert_eq!(counts.iter().sum::<u32>(), 10_000);
    assert!(
        counts.iter().all(|&n| (800..=1200).contains(&n)),
        "{counts:?}"
    );
    // Two draws from a live generator differ.
    assert_ne!(
        generate_code(&rng, 10).unwrap(),
        generate_code(&rng, 10).unwrap()
    );
}
