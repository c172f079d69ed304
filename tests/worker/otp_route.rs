//! The worker's OTP routes around the guard, as pure functions: path,
//! method, CORS, cross-site refusals, body type and size, who is trusted,
//! the settings, which client may send the codes, and the answer, refund and
//! redaction after the provider.
#![cfg(not(target_arch = "wasm32"))]

use edgetext::worker::{decide, Decision, WorkerRequest, WorkerResponse, WorkerSettings};
use edgetext::worker::otp::guard::{guard_keys, GuardAnswer, GuardRequest};
use edgetext::worker::otp::route::{otp_after_provider, otp_client_refusal, otp_client_unavailable, otp_cors, otp_cross_site, SendOutcome};
use edgetext::ErrorCode;

const NOW: u64 = 1_771_700_000_000;
const SECRET: &str = "otp-secret-for-tests-at-least-32-bytes";

fn settings() -> WorkerSettings {
    let vars = [
        ("OTP_SECRET", SECRET),
        ("OTP_ALLOWED_COUNTRIES", "US,GB"),
        ("OTP_API_KEY", "relay-api-key-1234"),
        ("OTP_CORS_ORIGINS", "https://app.example/, https://other.example"),
        ("OTP_SERVER_TOKEN", "otp-server-token"),
    ];
    WorkerSettings {
        api_token: Some("reader-token".into()),
        otp_vars: vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        otp_bound: true,
        ..Default::default()
    }
}

/// A request as a server sends it: `Content-Type: application/json` unless `h` names another.
fn run_with(s: &WorkerSettings, method: &str, path: &str, h: &[(&str, &str)], body: Option<&str>) -> Decision {
    let mut headers: Vec<(String, String)> = h.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    if !headers.iter().any(|(k, _)| k == "content-type") {
        headers.push(("content-type".into(), "application/json".into()));
    }
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
    let Decision::Otp { request, cors } = d else { panic!("{d:?}") };
    assert_eq!(request, GuardRequest::Send { to: "+12125550100".into(), address: "203.0.113.9".into() });
    let keys = guard_keys(&request);
    assert!(keys.contains(&"g".to_string()) && keys.iter().any(|k| k == "n:+12125550100"), "{keys:?}");
    assert!(cors.is_empty());
}

#[test]
fn only_the_otp_server_token_makes_client_address_count() {
    let verify = |auth: Option<&str>| {
        let mut h = vec![("cf-connecting-ip", "203.0.113.9")];
        if let Some(a) = auth {
            h.push(("authorization", a));
        }
        match run("POST", "/v1/otp/verify", &h, Some(r#"{"to":"+12125550100","code":"123456","clientAddress":"198.51.100.7"}"#)) {
            Decision::Otp { request: GuardRequest::Verify { address, trusted, .. }, .. } => (address, trusted),
            other => panic!("{other:?}"),
        }
    };
    let (trusted, untrusted) = (("198.51.100.7".to_string(), true), ("203.0.113.9".to_string(), false));
    assert_eq!(verify(Some("Bearer otp-server-token")), trusted);
    assert_eq!(verify(Some("bearer otp-server-token")), trusted, "the scheme's case is not significant, as on the reads");
    assert_eq!(verify(Some("Bearer otp-server-tokeN")), untrusted);
    assert_eq!(verify(Some("otp-server-token")), untrusted);
    assert_eq!(verify(None), untrusted);
    // Issue 21 item 7: the events reader's token grants no OTP trust.
    assert_eq!(verify(Some("Bearer reader-token")), untrusted);
    let mut open = settings();
    open.otp_vars.remove("OTP_SERVER_TOKEN");
    let h = [("cf-connecting-ip", "203.0.113.9"), ("authorization", "Bearer ")];
    match run_with(&open, "POST", "/v1/otp/verify", &h, Some(r#"{"to":"+12125550100","code":"1","clientAddress":"198.51.100.7"}"#)) {
        Decision::Otp { request: GuardRequest::Verify { address, .. }, .. } => assert_eq!(address, "203.0.113.9", "no token set: nobody is trusted"),
        other => panic!("{other:?}"),
    }
}

/// Issue 21 item 7: a server with `OTP_SERVER_TOKEN` passes its user's
/// address on sends too (a 400 before); that token reads no events.
#[test]
fn a_trusted_send_is_counted_for_its_client_address() {
    let send = |h: &[(&str, &str)], body: &str| run("POST", "/v1/otp/send", h, Some(body));
    let body = r#"{"to":"+12125550100","clientAddress":"2001:db8:5::7"}"#;
    match send(&[("cf-connecting-ip", "203.0.113.9"), ("authorization", "Bearer otp-server-token")], body) {
        Decision::Otp { request, .. } => {
            assert_eq!(request, GuardRequest::Send { to: "+12125550100".into(), address: "2001:db8:5::7".into() });
            let keys = guard_keys(&request);
            assert!(keys.contains(&"a:6:2001:db8:5::/64".to_string()) && keys.contains(&"a:6:2001:db8:5::/48".to_string()), "{keys:?}");
        }
        other => panic!("{other:?}"),
    }
    for auth in ["Bearer reader-token", "Bearer nope"] {
        match send(&[("cf-connecting-ip", "203.0.113.9"), ("authorization", auth)], body) {
            Decision::Otp { request: GuardRequest::Send { address, .. }, .. } => assert_eq!(address, "203.0.113.9", "{auth}: clientAddress ignored"),
            other => panic!("{other:?}"),
        }
    }
    let bad = response(send(&[("authorization", "Bearer otp-server-token")], r#"{"to":"+12125550100","clientAddress":"my laptop"}"#));
    assert_eq!((bad.status, error_of(&bad).as_str()), (400, "invalid_input"));
    assert!(bad.body.contains("clientAddress"));
    let events = run("GET", "/v1/events", &[("authorization", "Bearer otp-server-token")], None);
    assert_eq!(response(events).status, 401, "the OTP token reads no events");
    assert!(matches!(run("GET", "/v1/events", &[("authorization", "Bearer reader-token")], None), Decision::ReadEvents { .. }));
    // One value for both tokens would make OTP trust the reader's again: refused.
    let mut same = settings();
    same.otp_vars.insert("OTP_SERVER_TOKEN".into(), "reader-token".into());
    let r = response(run_with(&same, "POST", "/v1/otp/send", &[], Some(r#"{"to":"+12125550100"}"#)));
    assert_eq!((r.status, error_of(&r).as_str()), (503, "otp_not_configured"));
    assert!(r.body.contains("OTP_SERVER_TOKEN") && !r.body.contains("reader-token"), "{}", r.body);
}

/// Issue 21 item 3: what a web page can make its visitor's browser send is
/// refused before anything is read, counted or sent; servers and listed
/// origins pass; preflights are unchanged.
#[test]
fn cross_site_requests_are_refused_before_the_body() {
    let h = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>();
    let listed = Some("https://app.example");
    let refusal = |pairs: &[(&str, &str)]| otp_cross_site(&h(pairs), listed).map(|r| r.status);
    let json = ("content-type", "application/json");
    for forbidden in [
        vec![("content-type", "text/plain"), ("origin", "https://evil.example")],
        vec![json, ("origin", "https://evil.example")],
        vec![json, ("origin", "null")],
        vec![json, ("sec-fetch-site", "cross-site")],
        vec![json, ("Sec-Fetch-Site", "Cross-Site"), ("origin", "https://app.example.evil")],
        vec![json, ("origin", "https://evil.example"), ("host", "otp.example.com")],
    ] {
        assert_eq!(refusal(&forbidden), Some(403), "{forbidden:?}");
    }
    for not_json in [vec![("content-type", "text/plain")], vec![], vec![("content-type", "application/x-www-form-urlencoded"), ("origin", "https://app.example")], vec![("content-type", "application/jsonx")]] {
        assert_eq!(refusal(&not_json), Some(415), "{not_json:?}");
    }
    for allowed in [
        vec![json],
        vec![("content-type", "Application/JSON; charset=utf-8")],
        vec![json, ("origin", "https://app.example"), ("sec-fetch-site", "cross-site")],
        vec![json, ("origin", "https://otp.example.com"), ("host", "otp.example.com"), ("sec-fetch-site", "same-origin")],
        vec![json, ("sec-fetch-site", "same-origin")],
        vec![json, ("origin", "https://behind.a-proxy.example"), ("host", "10.0.0.1:8787"), ("sec-fetch-site", "same-origin")],
    ] {
        assert_eq!(refusal(&allowed), None, "{allowed:?}");
    }
    assert_eq!(otp_cross_site(&h(&[json, ("origin", "https://x.example")]), Some("*")).map(|r| r.status), None, "* lists every origin");
    // Through the route: refused before the body is asked for, with a clear error word.
    let evil = response(run("POST", "/v1/otp/send", &[("content-type", "text/plain"), ("origin", "https://evil.example")], None));
    assert_eq!((evil.status, error_of(&evil).as_str(), header(&evil, "access-control-allow-origin")), (403, "origin_not_allowed", None));
    let plain = response(run("POST", "/v1/otp/verify", &[("content-type", "text/plain"), ("origin", "https://app.example")], None));
    assert_eq!((plain.status, error_of(&plain).as_str(), header(&plain, "access-control-allow-origin")), (415, "invalid_input", Some("https://app.example")));
    let pre = response(run("OPTIONS", "/v1/otp/send", &[("origin", "https://evil.example"), ("content-type", "text/plain")], None));
    assert_eq!((pre.status, header(&pre, "access-control-allow-origin")), (204, None), "a preflight is answered as before");
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

/// Each route's body is read once: what it takes passes to the guard, and
/// a key it does not take is a 400 naming that key (the wasm reads alike:
/// tests/workerd/otp.test.mjs).
#[test]
fn a_body_is_read_once_and_a_key_the_route_does_not_take_is_refused_by_name() {
    let to = r#""to":"+12125550100""#;
    let taken = [
        ("send", format!("{{{to}}}")),
        ("send", format!(r#"{{{to},"serviceName":"x","clientAddress":"1.2.3.4"}}"#)),
        ("verify", format!(r#"{{{to},"code":"123456","clientAddress":"1.2.3.4"}}"#)),
    ];
    for (action, body) in taken {
        assert!(matches!(run("POST", &format!("/v1/otp/{action}"), &[], Some(&body)), Decision::Otp { .. }), "{action} {body}");
    }
    let refused = [
        ("send", format!(r#"{{{to},"length":8}}"#), Some("length")),
        ("send", format!(r#"{{{to},"code":"123456"}}"#), Some("code")),
        ("verify", format!(r#"{{{to},"code":"123456","serviceName":"x"}}"#), Some("serviceName")),
        ("verify", format!(r#"{{{to},"code":"123456","token":"x"}}"#), Some("token")),
        ("send", "{}".to_string(), None),
        ("send", "[]".to_string(), None),
        ("send", r#"{"to":5}"#.to_string(), None),
        ("verify", format!("{{{to}}}"), None),
        ("send", "{not json".to_string(), None),
    ];
    for (action, body, unknown) in refused {
        let r = response(run("POST", &format!("/v1/otp/{action}"), &[], Some(&body)));
        assert_eq!((r.status, error_of(&r).as_str()), (400, "invalid_input"), "{action} {body}");
        if let Some(key) = unknown {
            assert!(r.body.contains(&format!("unknown field `{key}`")), "{action} {body}: {}", r.body);
        }
    }
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
    let message = format!("bad key relay-api-key-1234 abc, {SECRET}, relay-callback-token, whsec_abcdefgh, reader-token, otp-server-token, code 482913");
    let (r, _) = otp_after_provider(&s, &asked(), &sent(), SendOutcome::Failed { code: ErrorCode::Unauthorized, message: &message });
    for secret in [SECRET, "relay-callback-token", "whsec_abcdefgh", "reader-token", "otp-server-token", "482913"] {
        assert!(!r.body.contains(secret), "{secret} in {}", r.body);
    }
    assert!(r.body.contains("abc,"), "a value under 4 bytes is not searched for: {}", r.body);
    assert_eq!(s.redact("no secret here"), "no secret here");
}
