//! Signed one-time codes. The input is `code \n recipient \n token` (missing
//! parts are empty). Checks: check_code and token_expiry never panic on any
//! token; a token signed for (recipient, code) is Valid before its expiry,
//! Expired after it, and a Mismatch for another code or recipient.
#![no_main]
use edgetext::client::{check_code, sign_code, token_expiry, CodeCheck};
use libfuzzer_sys::fuzz_target;

const SECRET: &[u8] = b"fuzz-secret-that-is-32-bytes-long!!";
const NOW: u64 = 1_767_225_600_000;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = core::str::from_utf8(data) else { return };
    let mut parts = text.splitn(3, '\n');
    let (code, recipient, token) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));

    // Any token at all.
    let _ = token_expiry(token);
    let _ = check_code(SECRET, recipient, code, token, NOW);

    // A real token for these inputs.
    let nonce = [data.len() as u8; 16];
    let signed = sign_code(SECRET, recipient, code, NOW + 600_000, &nonce);
    assert_eq!(token_expiry(&signed), Some(NOW + 600_000));
    let valid_code = (4..=10).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit());
    let expect = if valid_code { CodeCheck::Valid } else { CodeCheck::Mismatch };
    assert_eq!(check_code(SECRET, recipient, code, &signed, NOW), expect);
    if valid_code {
        assert_eq!(check_code(SECRET, recipient, code, &signed, NOW + 600_000), CodeCheck::Expired);
        let other = if code.starts_with('0') { code.replacen('0', "1", 1) } else { format!("0{}", &code[1..]) };
        assert_eq!(check_code(SECRET, recipient, &other, &signed, NOW), CodeCheck::Mismatch);
        let elsewhere = format!("{recipient}0");
        assert_eq!(check_code(SECRET, &elsewhere, code, &signed, NOW), CodeCheck::Mismatch);
    }
});
