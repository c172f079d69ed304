//! The worker's request handler (`decide`): the first byte picks the method,
//! the bytes up to the first newline are the path and query as sent, the
//! rest is the body. Never a 5xx, with or without the body read; the OTP
//! routes are configured, so a body reaches the guard's request reader.
#![no_main]
use edgetext::worker::{decide, Decision, WebhookSecrets, WorkerRequest, WorkerSettings};
use libfuzzer_sys::fuzz_target;

const NOW: u64 = 1_767_225_600_000;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else { return };
    let split = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
    let Ok(target) = std::str::from_utf8(&rest[..split]) else { return };
    let body = rest.get(split + 1..).unwrap_or(&[]);
    let method = ["GET", "POST", "PUT", "OPTIONS"][usize::from(pick) % 4];
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let headers = vec![
        ("authorization".to_string(), "Bearer reader-token".to_string()),
        ("origin".to_string(), "https://app.example".to_string()),
        ("cf-connecting-ip".to_string(), "2001:db8::1".to_string()),
        ("content-type".to_string(), "application/json".to_string()),
    ];
    let otp_vars = [("OTP_SECRET", "otp-secret-for-tests-at-least-32-bytes"), ("OTP_ALLOWED_COUNTRIES", "*"), ("OTP_CORS_ORIGINS", "https://app.example")];
    let settings = WorkerSettings {
        secrets: WebhookSecrets {
            textlink: Some("tl-hook-secret".into()),
            teklink: Some("tek-path-secret".into()),
            relay: Some("relay-token".into()),
            klink: Some("klink-signing-secret".into()),
        },
        api_token: Some("reader-token".into()),
        forward_url: Some("http://127.0.0.1:9/hook".into()),
        forward_secret: Some("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into()),
        retention_days: None,
        otp_vars: otp_vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        otp_bound: true,
        queue_bound: true,
    };
    for body in [None, Some(body)] {
        let req = WorkerRequest { method, path, query, headers: &headers, body };
        match decide(&req, &settings, NOW) {
            Decision::Respond { response } | Decision::Store { response, .. } | Decision::Fallback { response } => {
                assert!(response.status < 500, "{} for {method} {target}", response.status)
            }
            _ => {}
        }
    }
});
