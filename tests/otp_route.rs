//! The worker's OTP routes around the guard, as pure functions: path,
//! method, CORS, body size, who is trusted, the settings, which client may
//! send the codes, and the answer, refund and redaction after the provider.
#![cfg(not(target_arch = "wasm32"))]
// The worker build's API: the client build (--no-default-features) has none of it.
#![cfg(feature = "worker")]

use edgetext::{
    decide, otp_after_provider, otp_client_refusal, otp_client_unavailable, otp_cors, Decision, ErrorCode, GuardAnswer, GuardRequest, SendOutcome,
    WorkerRequest, WorkerResponse, WorkerSettings,
};

const NOW: u64 = 1_771_700_000_000;
const SECRET: &str = "otp-secret-for-tests-at-least-32-bytes";

fn settings() -> WorkerSettings {
    let vars = [
        ("OTP_SECRET", SECRET),
        ("OTP_ALLOWED_COUNTRIES", "US,GB"),
        ("OTP_API_KEY", "relay-api-key-1234"),
        ("OTP_CORS_ORIGINS", "https://app.example/, https://other.example"),
    ];
    WorkerSettings {
        api_token: Some("reader-token".into()),
        otp_vars: vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        otp_bound: true,
        ..Default::default()
    }
}

fn run_with(s: &WorkerSettings, method: &str, path: &str, h: &[(&str, &str)], body: Option<&str>) -> Decision {
    let headers: Vec<(String, String)> = h.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    decide(&WorkerRequest { method, path, query: "", headers: &headers, body: body.map(str::as_bytes) }, s, NOW)
}

fn run(method: &str, path: &str, h: &[(&str, &str)], body: Option<&str>) -> Decision {
    run_with(&settings(), method, path, h, body)
}

fn response(d: Decision) -> WorkerResponse {
    match d {
        Decision::Respond { response } => response,
        other => panic!("not an answer: {other:?}"),
    }
}

fn header<'a>(r: &'a WorkerResponse, name: &str) -> Option<&'a str> {
    r.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn error_of(r: &WorkerResponse) -> String {
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    v["error"].as_str().unwrap_or_default().to_owned()
}

#[test]
fn only_the_two_routes_exist_and_only_post_reads_a_body() {
    for path in ["/v1/otp/other", "/v1/otp/send/x", "/v1/otp", "/v1/otp/", "/v1/otp/%ZZ", "/v1/otp//send"] {
        let r = response(run("POST", path, &[], Some("{}")));
        assert_eq!((r.status, error_of(&r).as_str()), (404, "not_found"), "{path}");
    }
    // An encoded name is the same route.
    assert!(matches!(run("POST", "/v1/otp/s%65nd", &[], None), Decision::NeedBody { limit: 2048 }));
    assert_eq!(run("POST", "/v1/otp/verify", &[], None), Decision::NeedBody { limit: 2048 });
    let get = response(run("GET", "/v1/otp/send", &[], None));
    assert_eq!((get.status, header(&get, "allow")), (405, Some("POST, OPTIONS")));
    assert_eq!(error_of(&get), "method_not_allowed");
    let pre = response(run("OPTIONS", "/v1/otp/send", &[("origin", "https://app.example")], None));
    assert_eq!((pre.status, pre.body.as_str()), (204, ""));
    assert_eq!(header(&pre, "access-control-allow-methods"), Some("POST"));
    assert!(header(&pre, "access-control-allow-headers").unwrap().contains("content-type"));
    assert_eq!(header(&pre, "access-control-allow-origin"), Some("https://app.example"));
}

#[test]
fn the_body_limit_holds_whether_declared_or_read() {
    let declared = response(run("POST", "/v1/otp/send", &[("content-length", "2049")], None));
    assert_eq!((declared.status, error_of(&declared).as_str()), (413, "invalid_input"));
    assert!(matches!(run("POST", "/v1/otp/send", &[("content-length", "2048")], None), Decision::NeedBody { .. }));
    let long = format!(r#"{{"to":"+12125550100","serviceName":"{}"}}"#, "x".repeat(2048));
    assert_eq!(response(run("POST", "/v1/otp/send", &[], Some(&long))).status, 413, "a body cut at limit + 1 bytes");
}

#[test]
fn cors_only_for_listed_origins_on_every_answer() {
    assert!(otp_cors(&[("origin".into(), "https://evil.example".into())], Some("https://app.example")).is_empty());
    assert!(otp_cors(&[], Some("*")).is_empty(), "no Origin, no CORS headers");
    assert!(otp_cors(&[("origin".into(), "https://app.example".into())], None).is_empty(), "not configured: none");
    assert!(otp_cors(&[("origin".into(), "https://app.example.evil".into())], Some("https://app.example")).is_empty());
    let any = otp_cors(&[("Origin".into(), "https://x.example".into())], Some(" * "));
    assert!(any.contains(&("access-control-allow-origin".into(), "https://x.example".into())));
    assert!(any.contains(&("access-control-expose-headers".into(), "retry-after".into())));
    // Refusals carry them too, so that a browser can read why.
    let refused = response(run("POST", "/v1/otp/send", &[("origin", "https://other.example")], Some(r#"{"to":5}"#)));
    assert_eq!((refused.status, header(&refused, "access-control-allow-origin")), (400, Some("https://other.example")));
    let evil = response(run("POST", "/v1/otp/send", &[("origin", "https://evil.example")], Some(r#"{"to":5}"#)));
    assert_eq!(header(&evil, "access-control-allow-origin"), None);
    match run("POST", "/v1/otp/send", &[("origin", "https://app.example")], Some(r#"{"to":"+1 212 555 0100"}"#)) {
        Decision::Otp { cors, .. } => assert!(cors.contains(&("access-control-allow-origin".into(), "https://app.example".into()))),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_good_request_goes_to_the_guard_with_its_keys() {
    let d = run("POST", "/v1/otp/send", &[("cf-connecting-ip", "203.0.113.9")], Some(r#"{"to":"+1 (212) 555-0100","serviceName":"Acme"}"#));
    let Decision::Otp { request, keys, cors } = d else { panic!("{d:?}") };
    assert_eq!(request, GuardRequest::Send { to: "+12125550100".into(), address: "203.0.113.9".into() });
    assert!(keys.contains(&"g".to_string()) && keys.iter().any(|k| k == "n:+12125550100"), "{keys:?}");
    assert!(cors.is_empty());
}

#[test]
fn only_the_api_token_makes_client_address_count() {
    let verify = |auth: Option<&str>| {
        let mut h = vec![("cf-connecting-ip", "203.0.113.9")];
        if let Some(a) = auth {
            h.push(("authorization", a));
        }
        match run("POST", "/v1/otp/verify", &h, Some(r#"{"to":"+12125550100","code":"123456","clientAddress":"198.51.100.7"}"#)) {
            Decision::Otp { request: GuardRequest::Verify { address, .. }, .. } => address,
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(verify(Some("Bearer reader-token")), "198.51.100.7");
    assert_eq!(verify(Some("bearer reader-token")), "198.51.100.7", "the scheme's case is not significant, as on the reads");
    assert_eq!(verify(Some("Bearer reader-tokeN")), "203.0.113.9");
    assert_eq!(verify(Some("reader-token")), "203.0.113.9");
    assert_eq!(verify(None), "203.0.113.9");
    let mut open = settings();
    open.api_token = None;
    let h = [("cf-connecting-ip", "203.0.113.9"), ("authorization", "Bearer ")];
    match run_with(&open, "POST", "/v1/otp/verify", &h, Some(r#"{"to":"+12125550100","code":"1","clientAddress":"198.51.100.7"}"#)) {
        Decision::Otp { request: GuardRequest::Verify { address, .. }, .. } => assert_eq!(address, "203.0.113.9", "no token set: nobody is trusted"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn settings_and_binding_problems_are_503_naming_the_setting_not_its_value() {
    let mut unbound = settings();
    unbound.otp_bound = false;
    let r = response(run_with(&unbound, "POST", "/v1/otp/send", &[], Some(r#"{"to":"+12125550100"}"#)));
    assert_eq!((r.status, error_of(&r).as_str()), (503, "otp_not_configured"));
    assert!(r.body.contains("EDGETEXT_OTP"));
    let mut short = settings();
    short.otp_vars.insert("OTP_SECRET".into(), "short-secret".into());
    let r = response(run_with(&short, "POST", "/v1/otp/send", &[], Some(r#"{"to":"+12125550100"}"#)));
    assert_eq!((r.status, error_of(&r).as_str()), (503, "otp_not_configured"));
    assert!(r.body.contains("OTP_SECRET") && !r.body.contains("short-secret"), "{}", r.body);
    assert_eq!(response(run_with(&short, "POST", "/v1/otp/send", &[], Some(r#"{"to":5}"#))).status, 400, "bad input is still a 400");
}

#[test]
fn klink_and_worker_mode_clients_cannot_send_the_codes() {
    assert!(otp_client_refusal(Some("klink"), false).unwrap().contains("klink"));
    assert!(otp_client_refusal(Some("relay"), true).unwrap().contains("otpUrl"));
    assert_eq!(otp_client_refusal(Some("relay"), false), None);
    assert_eq!(otp_client_refusal(Some("textlink"), false), None);
    let r = otp_client_unavailable(&settings(), "the OTP client: bad key relay-api-key-1234");
    assert_eq!((r.status, error_of(&r).as_str()), (503, "otp_not_configured"));
    assert!(!r.body.contains("relay-api-key-1234") && r.body.contains("[redacted]"), "{}", r.body);
}

fn sent() -> GuardAnswer {
    GuardAnswer::Send { to: "+12125550100".into(), text: "Your code is 482913".into(), id: "send-1".into(), expires_at: NOW + 600_000, code: "482913".into() }
}

fn asked() -> GuardRequest {
    GuardRequest::Send { to: "+12125550100".into(), address: "203.0.113.9".into() }
}

#[test]
fn after_the_provider_a_refund_only_when_it_certainly_did_not_take_it() {
    let (ok, refund) = otp_after_provider(&settings(), &asked(), &sent(), SendOutcome::Sent { provider: "relay" });
    assert_eq!((ok.status, refund), (200, None));
    assert!(ok.body.contains(r#""provider":"relay""#) && !ok.body.contains("482913"), "{}", ok.body);
    let failed = |code| otp_after_provider(&settings(), &asked(), &sent(), SendOutcome::Failed { code, message: "it failed" });
    let expected = GuardRequest::Refund { to: "+12125550100".into(), address: "203.0.113.9".into(), id: "send-1".into() };
    for code in [ErrorCode::ProviderUnavailable, ErrorCode::Network, ErrorCode::RateLimited, ErrorCode::Unauthorized, ErrorCode::ProviderRejected] {
        let (r, refund) = failed(code);
        assert_eq!((r.status, error_of(&r)), (502, code.as_str().to_owned()));
        assert_eq!(refund.as_ref(), Some(&expected), "{code:?}");
    }
    for code in [ErrorCode::OutcomeUnknown, ErrorCode::Timeout] {
        let (r, refund) = failed(code);
        assert_eq!((r.status, refund), (502, None), "{code:?}: the message may have gone out");
    }
    let (r, refund) = failed(ErrorCode::InvalidConfig);
    assert_eq!((r.status, error_of(&r).as_str(), refund.is_some()), (503, "otp_not_configured", true));
    let (r, _) = failed(ErrorCode::InvalidPhone);
    assert_eq!(r.status, 400);
}

#[test]
fn secrets_and_the_code_never_reach_the_answer() {
    let mut s = settings();
    s.secrets.relay = Some("relay-callback-token".into());
    s.forward_secret = Some("whsec_abcdefgh".into());
    s.otp_vars.insert("OTP_API_KEY".into(), "abc".into());
    let message = format!("bad key relay-api-key-1234 abc, {SECRET}, relay-callback-token, whsec_abcdefgh, reader-token, code 482913");
    let (r, _) = otp_after_provider(&s, &asked(), &sent(), SendOutcome::Failed { code: ErrorCode::Unauthorized, message: &message });
    for secret in [SECRET, "relay-callback-token", "whsec_abcdefgh", "reader-token", "482913"] {
        assert!(!r.body.contains(secret), "{secret} in {}", r.body);
    }
    assert!(r.body.contains("abc,"), "a value under 4 bytes is not searched for: {}", r.body);
    assert_eq!(s.redact("no secret here"), "no secret here");
}
