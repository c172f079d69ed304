//! The wasm layer in a real JS engine (Node and headless Chromium, through
//! `wasm-pack test`): values cross the boundary as the contract says, errors
//! are `Error` objects with a stable `code`, and the Client's async methods
//! do their requests, waits, timeouts and retries from Rust, on the engine's
//! own `fetch` or the one given, reaching the provider emulator when one is
//! running (`EDGETEXT_EMULATOR_URL` at build time).

use super::*;
use js_sys::{Array, Function, Object, Reflect, JSON};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

fn get(v: &JsValue, k: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(k)).unwrap()
}

fn obj(json: &str) -> JsValue {
    JSON::parse(json).unwrap()
}

/// `{ fetch }` whose function answers each call with the next of `answers`
/// (`[status, body, retryAfter?]`, or `"hang"` to wait for the abort), and
/// records each request's method, URL and body in `log`.
fn scripted(answers: &str) -> (JsValue, Array) {
    let log = Array::new();
    let f = Function::new_with_args(
        "answers, log, url, init",
        "const a = answers.shift(); \
         log.push({ method: init.method, url, body: init.body, headers: init.headers, at: Date.now() }); \
         if (a === 'hang') return new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(init.signal.reason))); \
         if (a === 'refused') { const e = new TypeError('fetch failed'); e.cause = { code: 'ECONNREFUSED' }; return Promise.reject(e); } \
         return Promise.resolve(new Response(a[1], { status: a[0], headers: a[2] ? { 'retry-after': a[2] } : {} }));",
    );
    let bound = f.bind2(&JsValue::NULL, &obj(answers), &log);
    let options = Object::new();
    Reflect::set(&options, &"fetch".into(), &bound).unwrap();
    (options.into(), log)
}

#[wasm_bindgen_test]
fn segments_cross_as_a_plain_object() {
    let s = segments("€ hello");
    assert_eq!(JSON::stringify(&s).unwrap(), r#"{"encoding":"GSM-7","count":1,"units":8,"perSegment":160,"remaining":152}"#);
    assert!(Object::get_prototype_of(&s) == Object::get_prototype_of(&Object::new()), "a plain object, not a Map");
}

#[wasm_bindgen_test]
fn errors_are_error_objects_with_a_code() {
    let err = normalize_phone("+1 212 555 12x2", None).unwrap_err();
    assert!(err.is_instance_of::<js_sys::Error>());
    assert_eq!(get(&err, "code"), "invalid_phone");
    assert_eq!(get(&err, "name"), "EdgetextError");
    assert_eq!(get(&err, "httpStatus"), JsValue::NULL);
    let err = JsClient::new(obj(r#"{"provider":"textlink","apiKey":"k","bogus":true}"#), JsValue::UNDEFINED).err().unwrap();
    assert_eq!(get(&err, "code"), "invalid_config");
    assert_eq!(get(&err, "message"), "config.bogus is not a field");
    let err = JsClient::new(obj(r#"{"provider":"textlink","apiKey":"k","timeoutMs":"soon"}"#), JsValue::UNDEFINED).err().unwrap();
    assert!(get(&err, "message").as_string().unwrap().starts_with("config.timeoutMs: invalid type"));
    let err = JsClient::new(obj(r#"{"provider":"relay","apiKey":"k","baseUrl":"http://x","phoneId":"p","otp":{"secret":"0123456789abcdef0123456789abcdef","colour":1}}"#), JsValue::UNDEFINED).err().unwrap();
    assert_eq!(get(&err, "message"), "config.otp.colour is not a field");
    // Each field is read on its own, with serde's words for a wrong value.
    for (config, message) in [
        (r#"{"provider":"textlink","apiKey":"k","timeoutMs":"soon"}"#, r#"config.timeoutMs: invalid type: string "soon", expected a whole number"#),
        (r#"{"provider":"textlink","apiKey":"k","maxRetries":1.5}"#, "config.maxRetries: invalid type: floating point `1.5`, expected a whole number"),
        (r#"{"provider":"textlink","apiKey":7}"#, "config.apiKey: invalid type: integer `7`, expected a string"),
        (r#"{"provider":"textlink","apiKey":"k","timeoutMs":-1}"#, "config.timeoutMs: invalid value: integer `-1`, expected a whole number"),
        (r#"{"provider":"textlink","apiKey":"k","timeoutMs":1e21}"#, "config.timeoutMs: invalid type: floating point `1e+21`, expected a whole number"),
        (r#"{"provider":"textlink","apiKey":"k","otp":7}"#, "config.otp: invalid type: integer `7`, expected struct OtpSettings"),
        (r#"{"provider":"textlink","apiKey":"k","auth":{}}"#, "config.auth is not a field for textlink (it is teklink's)"),
        (r#"{"provider":"teklink","apiKey":"k","channelId":"c","auth":{}}"#, "config.auth: invalid type: map, expected enum TeklinkAuth"),
        (r#"{"provider":"fax","apiKey":"k"}"#, "config.provider: unknown variant `fax`, expected one of `textlink`, `teklink`, `relay`, `klink`"),
        (r#"{"apiKey":"k"}"#, "config.provider is required"),
        (r#"{"provider":"textlink","apiKey":"k","otp":"x"}"#, r#"config.otp: invalid type: string "x", expected struct OtpSettings"#),
        (r#"{"provider":"textlink","apiKey":"k","otp":[]}"#, "config.otp: invalid type: sequence, expected struct OtpSettings"),
        (r#"{"provider":"textlink","apiKey":"k","otp":{}}"#, "config.otp.secret is required"),
        (r#"{"provider":"textlink","apiKey":"k","otp":{"secret":"0123456789abcdef0123456789abcdef","length":true}}"#, "config.otp.length: invalid type: boolean `true`, expected a whole number"),
        (r#"{"provider":"textlink","apiKey":"k","simCardId":"one"}"#, r#"config.simCardId: invalid type: string "one", expected a whole number"#),
        (r#"{"provider":"relay","apiKey":"k","baseUrl":"http://x","phoneId":"p","channel":"fax"}"#, "config.channel: unknown variant `fax`, expected one of `sms`, `wa`, `tg`, `notify`, `email`, `tg_bot`, `pchat`"),
    ] {
        let err = JsClient::new(obj(config), JsValue::UNDEFINED).err().unwrap();
        assert_eq!((get(&err, "code"), get(&err, "message")), (JsValue::from("invalid_config"), JsValue::from(message)), "{config}");
    }
    let options: js_sys::Object = obj(r#"{"defaultCountry":"GB"}"#).unchecked_into();
    assert_eq!(normalize_phone("020 7946 0958", Some(options)).unwrap(), "+442079460958");
}

#[wasm_bindgen_test]
fn an_errors_details_are_what_its_serialize_writes() {
    let mut full = crate::Error::new(crate::ErrorCode::RateLimited, "slow down").with_provider("klink").retryable(true);
    full.http_status = Some(429);
    full.provider_message = Some("too many \"requests\"".into());
    full.retry_after_seconds = Some(30);
    for e in [full, crate::Error::config("config.apiKey is required")] {
        let written = convert::details(&e);
        let serialized = convert::to_js(&e).unwrap();
        assert_eq!(JSON::stringify(&written).unwrap(), JSON::stringify(&serialized).unwrap());
    }
}

#[wasm_bindgen_test]
async fn bad_input_is_refused_before_any_request() {
    let (options, log) = scripted("[]");
    let c = JsClient::new(obj(r#"{"provider":"textlink","apiKey":"k"}"#), options).unwrap();
    for (message, code, says) in [
        (r#"{"to":"+12125551212","text":5}"#, "invalid_input", "message.text: invalid type"),
        (r#"{"to":"+12125551212","text":"x","idempotencyKey":"k"}"#, "invalid_input", "message.idempotencyKey is not a field for textlink"),
        (r#"{"to":"+44 20","text":"x"}"#, "invalid_phone", ""),
    ] {
        let err = JsFuture::from(c.send(obj(message))).await.unwrap_err();
        assert_eq!(get(&err, "code"), code, "{message}");
        assert!(get(&err, "message").as_string().unwrap().starts_with(says), "{message}: {:?}", get(&err, "message"));
    }
    assert_eq!(log.length(), 0);
}

#[wasm_bindgen_test]
async fn a_send_waits_out_retry_after_and_keeps_its_body() {
    let (options, log) = scripted(r#"[[429, "{\"ok\":false,\"message\":\"slow\"}", "1"], [200, "{\"ok\":true,\"queued\":true}"]]"#);
    let c = JsClient::new(obj(r#"{"provider":"textlink","apiKey":"tl-key","maxRetries":1}"#), options).unwrap();
    let receipt = JsFuture::from(c.send(obj(r#"{"to":"+12125551212","text":"hi","customId":"c-1"}"#))).await.unwrap();
    assert_eq!(get(&receipt, "id"), "c-1");
    assert_eq!(get(&receipt, "status"), "queued");
    assert_eq!(get(&get(&receipt, "raw"), "queued"), JsValue::TRUE);
    assert_eq!(log.length(), 2);
    let (first, second) = (log.get(0), log.get(1));
    assert_eq!(get(&first, "url"), "https://textlinksms.com/api/send-sms");
    assert_eq!(get(&first, "body"), r#"{"phone_number":"+12125551212","text":"hi","custom_id":"c-1"}"#);
    assert_eq!(get(&second, "body"), get(&first, "body"));
    let waited = get(&second, "at").as_f64().unwrap() - get(&first, "at").as_f64().unwrap();
    assert!(waited >= 990.0, "Retry-After: 1 waited {waited} ms");
}

#[wasm_bindgen_test]
async fn each_receipt_has_its_own_raw_answer() {
    // An answer is parsed once and read several times; the receipt's `raw`
    // leaves the wasm, so a second identical answer must not share it.
    let answer = r#"[200, "{\"ok\":true,\"queued\":true}"]"#;
    let (options, log) = scripted(&format!("[{answer}, {answer}]"));
    let c = JsClient::new(obj(r#"{"provider":"textlink","apiKey":"k"}"#), options).unwrap();
    let first = JsFuture::from(c.send(obj(r#"{"to":"+12125551212","text":"hi"}"#))).await.unwrap();
    Reflect::set(&get(&first, "raw"), &"queued".into(), &"changed by the caller".into()).unwrap();
    let second = JsFuture::from(c.send(obj(r#"{"to":"+12125551212","text":"hi"}"#))).await.unwrap();
    assert_eq!(get(&second, "status"), "queued");
    assert_eq!(JSON::stringify(&get(&second, "raw")).unwrap(), r#"{"ok":true,"queued":true}"#);
    assert!(get(&first, "raw") != get(&second, "raw"));
    // The request's headers go to fetch as a plain object.
    let headers = get(&log.get(0), "headers");
    assert_eq!(get(&headers, "Authorization"), "Bearer k");
    assert_eq!(get(&headers, "Content-Type"), "application/json");
}

#[wasm_bindgen_test]
async fn a_send_past_its_timeout_is_outcome_unknown_and_not_resent() {
    let (options, log) = scripted(r#"["hang", [200, "{\"ok\":true}"]]"#);
    let c = JsClient::new(obj(r#"{"provider":"textlink","apiKey":"k","timeoutMs":50}"#), options).unwrap();
    let err = JsFuture::from(c.send(obj(r#"{"to":"+12125551212","text":"hi"}"#))).await.unwrap_err();
    assert_eq!(get(&err, "code"), "outcome_unknown");
    assert_eq!(get(&err, "retryable"), JsValue::FALSE);
    assert_eq!(log.length(), 1, "a send that may have arrived is never sent again");

    // A refused connection certainly sent nothing: it is retried.
    let (options, log) = scripted(r#"["refused", [200, "{\"ok\":true}"]]"#);
    let c = JsClient::new(obj(r#"{"provider":"textlink","apiKey":"k"}"#), options).unwrap();
    JsFuture::from(c.send(obj(r#"{"to":"+12125551212","text":"hi"}"#))).await.unwrap();
    assert_eq!(log.length(), 2);
}

#[wasm_bindgen_test]
async fn a_read_past_its_timeout_is_retried_then_timeout() {
    let (options, log) = scripted(r#"["hang", "hang"]"#);
    let c = JsClient::new(obj(r#"{"provider":"relay","apiKey":"k","baseUrl":"http://relay.test","phoneId":"p","timeoutMs":30,"maxRetries":1}"#), options).unwrap();
    let err = JsFuture::from(c.status(JsValue::from_str("msg_1"))).await.unwrap_err();
    assert_eq!(get(&err, "code"), "timeout");
    assert_eq!(log.length(), 2);
}

#[wasm_bindgen_test]
async fn signed_codes_count_checks_in_the_store() {
    let (options, log) = scripted(r#"[[202, "{\"success\":true,\"message_id\":\"m1\",\"status\":\"queued\"}"]]"#);
    let config = obj(r#"{"provider":"relay","apiKey":"k","baseUrl":"http://relay.test","phoneId":"p","otp":{"secret":"0123456789abcdef0123456789abcdef","template":"{code}"}}"#);
    Reflect::set(&get(&config, "otp"), &"store".into(), &JsValue::from(store::memory_store())).unwrap();
    let c = JsClient::new(config, options).unwrap();
    let ticket = JsFuture::from(c.send_code(obj(r#"{"to":"+15551234567","serviceName":"Acme"}"#))).await.unwrap();
    let code = JSON::parse(&get(&log.get(0), "body").as_string().unwrap()).map(|b| get(&b, "text")).unwrap();
    let request = Object::new();
    Reflect::set(&request, &"to".into(), &"+15551234567".into()).unwrap();
    Reflect::set(&request, &"code".into(), &code).unwrap();
    Reflect::set(&request, &"token".into(), &get(&ticket, "token")).unwrap();
    let first = JsFuture::from(c.verify_code(request.clone().into())).await.unwrap();
    assert_eq!(get(&first, "valid"), JsValue::TRUE);
    let again = JsFuture::from(c.verify_code(request.into())).await.unwrap();
    assert_eq!(get(&again, "reason"), "spent");
}

#[wasm_bindgen_test]
async fn sends_through_the_emulator_with_the_engines_fetch() {
    let Some(base) = option_env!("EDGETEXT_EMULATOR_URL") else { return };
    let cfg = format!(r#"{{"provider":"relay","apiKey":"test-relay-key","baseUrl":"{base}/relay","phoneId":"phone_main"}}"#);
    let client = JsClient::new(obj(&cfg), JsValue::UNDEFINED).unwrap();
    let receipt = JsFuture::from(client.send(obj(r#"{"to":"+15551234567","text":"from wasm"}"#))).await.unwrap();
    let id = get(&receipt, "id").as_string().unwrap();
    assert!(id.starts_with("msg_"), "{id}");
    let status = JsFuture::from(client.status(JsValue::from_str(&id))).await.unwrap();
    assert_eq!(get(&status, "id"), id.as_str());
    let wrong = JsClient::new(obj(&cfg.replace("test-relay-key", "nope")), JsValue::UNDEFINED).unwrap();
    let err = JsFuture::from(wrong.health()).await.unwrap_err();
    assert_eq!(get(&err, "code"), "unauthorized");
    let _ = JsFuture::from(js_sys::Promise::resolve(&JsValue::NULL)).await;
}

#[wasm_bindgen_test]
async fn worker_mode_verify_returns_the_workers_assertion() {
    let valid = r#"{\"ok\":true,\"valid\":true,\"reason\":null,\"assertion\":\"a1.payload.mac\"}"#;
    let wrong = r#"{\"ok\":true,\"valid\":false,\"reason\":\"mismatch\"}"#;
    let (options, log) = scripted(&format!(r#"[[200, "{valid}"], [200, "{wrong}"]]"#));
    let c = JsClient::new(obj(r#"{"provider":"relay","otpUrl":"https://otp.example"}"#), options).unwrap();
    let v = JsFuture::from(c.verify_code(obj(r#"{"to":"+447700900123","code":"012345"}"#))).await.unwrap();
    assert_eq!(JSON::stringify(&v).unwrap(), r#"{"valid":true,"reason":null,"assertion":"a1.payload.mac"}"#);
    assert_eq!(get(&log.get(0), "url"), "https://otp.example/v1/otp/verify");
    let v = JsFuture::from(c.verify_code(obj(r#"{"to":"+447700900123","code":"111111"}"#))).await.unwrap();
    assert_eq!(JSON::stringify(&v).unwrap(), r#"{"valid":false,"reason":"mismatch","assertion":null}"#);
}

#[wasm_bindgen_test]
fn a_store_that_cannot_count_atomically_is_refused() {
    let config = obj(r#"{"provider":"relay","apiKey":"k","baseUrl":"http://relay.test","phoneId":"p","otp":{"secret":"0123456789abcdef0123456789abcdef"}}"#);
    let kv = Function::new_no_args("return { get() { return null; }, put() {} };").call0(&JsValue::NULL).unwrap();
    Reflect::set(&get(&config, "otp"), &"store".into(), &kv).unwrap();
    let err = JsClient::new(config, JsValue::UNDEFINED).err().unwrap();
    assert_eq!(get(&err, "code"), "invalid_config");
    let message = get(&err, "message").as_string().unwrap();
    assert!(message.starts_with("config.otp.store must have an incr(key, ttlSeconds) method"), "{message}");
    assert!(message.contains("Workers KV"), "{message}");
}

#[wasm_bindgen_test]
fn memory_store_counts_in_one_step() {
    let s = store::memory_store();
    assert_eq!((s.incr("a", 60.0), s.incr("a", 60.0), s.incr("b", 60.0), s.incr("a", 60.0)), (1.0, 2.0, 1.0, 3.0));
}

#[wasm_bindgen_test]
async fn a_path_is_a_base_url_where_there_is_a_location() {
    let (options, log) = scripted(r#"[[200, "{\"ok\":true}"]]"#);
    let location = get(&js_sys::global(), "location");
    let made = JsClient::new(obj(r#"{"provider":"textlink","apiKey":"k","baseUrl":"/proxy/textlink/","statusUrl":"/hooks"}"#), options);
    if location.is_undefined() {
        // Node, Workers: nothing to resolve a path against.
        let err = made.err().unwrap();
        assert_eq!(get(&err, "code"), "invalid_config");
        let message = get(&err, "message").as_string().unwrap();
        assert!(message.starts_with("config.baseUrl must be a full http(s) URL here"), "{message}");
        return;
    }
    // A page: the path is resolved against the page's location.
    let c = made.unwrap();
    JsFuture::from(c.send(obj(r#"{"to":"+12125551212","text":"hi"}"#))).await.unwrap();
    let origin = get(&location, "origin").as_string().unwrap();
    assert!(origin.starts_with("http"), "{origin}");
    assert_eq!(get(&log.get(0), "url"), format!("{origin}/proxy/textlink/api/send-sms").as_str());
    // Only a path: another scheme, or a protocol-relative URL, is still refused.
    for base in ["proxy/textlink", "//evil.example/x", "ftp://x"] {
        let err = JsClient::new(obj(&format!(r#"{{"provider":"textlink","apiKey":"k","baseUrl":"{base}"}}"#)), JsValue::UNDEFINED).err().unwrap();
        assert_eq!(get(&err, "message"), "config.baseUrl must be an http(s) URL", "{base}");
    }
}

#[wasm_bindgen_test]
async fn a_failover_refuses_what_no_provider_can_send_before_any_request() {
    let (options, log) = scripted(r#"[[200, "{\"ok\":true}"]]"#);
    let clients = Array::of2(
        &obj(r#"{"provider":"textlink","apiKey":"k"}"#),
        &obj(r#"{"provider":"relay","apiKey":"k","baseUrl":"http://relay.test","phoneId":"p"}"#),
    );
    let f = failover::JsFailover::new(clients.into(), options).unwrap();
    let err = f.send(obj(r#"{"to":"+12125551212","text":""}"#)).await.unwrap_err();
    assert_eq!(get(&err, "code"), "invalid_input");
    assert_eq!(JSON::stringify(&get(&err, "attempts")).unwrap(), r#"[{"provider":"textlink","error":"invalid_input"},{"provider":"relay","error":"invalid_input"}]"#);
    let err = f.send(obj(r#"{"to":"+12125551212","text":"x","forceSend":"yes"}"#)).await.unwrap_err();
    assert!(get(&err, "message").as_string().unwrap().starts_with("message.forceSend: invalid type"), "{:?}", get(&err, "message"));
    let err = f.send(obj(r#"{"to":"+12125551212","text":"x","colour":"red"}"#)).await.unwrap_err();
    assert_eq!(get(&err, "message"), "message.colour is not a field");
    assert_eq!(log.length(), 0);
    let r = f.send(obj(r#"{"to":"+12125551212","text":"hi","idempotencyKey":"k-1"}"#)).await.unwrap();
    assert_eq!(get(&r, "provider"), "textlink");
    let body = get(&log.get(0), "body").as_string().unwrap();
    assert!(body.starts_with(r#"{"phone_number":"+12125551212","text":"hi","custom_id":""#), "TextLink gets only its own fields: {body}");
}

#[wasm_bindgen_test]
fn config_fields_belong_to_their_provider() {
    let err = JsClient::new(obj(r#"{"provider":"textlink","apiKey":"k","channelId":"c"}"#), JsValue::UNDEFINED).err().unwrap();
    assert_eq!(get(&err, "message"), "config.channelId is not a field for textlink (it is teklink's)");
    let err = JsClient::new(obj(r#"{"provider":"teklink","apiKey":"k"}"#), JsValue::UNDEFINED).err().unwrap();
    assert_eq!(get(&err, "message"), "config.channelId is required");
    let err = JsClient::new(obj(r#"{"provider":"relay","apiKey":"k","baseUrl":"http://x","phoneId":"p","channel":"fax"}"#), JsValue::UNDEFINED).err().unwrap();
    assert!(get(&err, "message").as_string().unwrap().starts_with("config.channel: unknown variant `fax`"), "{:?}", get(&err, "message"));
}

#[wasm_bindgen_test]
fn a_float_in_an_error_reads_as_serde_prints_it() {
    use serde::de::{Error as _, Unexpected};
    // serde's own text: Rust's `{}`, with `.0` on a finite number without a point.
    let serde_text = |n: f64| {
        let digits = n.to_string();
        let point = if n.is_finite() && !digits.contains('.') { ".0" } else { "" };
        format!("Error: invalid type: floating point `{digits}{point}`, expected a string")
    };
    let floats = [
        0.0, -0.0, 5.0, -5.0, 0.5, 1.5e-7, 1e-6, 1e-7, -2.5e-300, 123456.789, 1e20, 1e21, 1.7976931348623157e308,
        5e-324, 9007199254740993.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 0.1 + 0.2,
    ];
    for n in floats {
        let e = serde_wasm_bindgen::Error::invalid_type(Unexpected::Float(n), &"a string");
        assert_eq!(e.to_string(), serde_text(n), "{n:e}");
        let e = serde_wasm_bindgen::Error::invalid_value(Unexpected::Float(n), &"a string");
        assert_eq!(e.to_string(), serde_text(n).replacen("invalid type", "invalid value", 1), "{n:e}");
    }
    let e = serde_wasm_bindgen::Error::invalid_type(Unexpected::Str("a\"b"), &"a number");
    assert_eq!(e.to_string(), "Error: invalid type: string \"a\\\"b\", expected a number");
}

#[wasm_bindgen_test]
async fn a_send_started_from_fetch_or_on_request_runs_beside_the_first() {
    // `fetch` and `onRequest` are the caller's code, run while a call is
    // between its continuations: a send they start has its own slot.
    let holder = Object::new();
    let fetch = Function::new_with_args(
        "holder, url, init",
        "holder.fetched = (holder.fetched || 0) + 1; \
         if (holder.fetched === 1) holder.fromFetch = holder.client.send({ to: '+12125551212', text: 'from fetch' }); \
         return Promise.resolve(new Response(JSON.stringify({ ok: true, sent: JSON.parse(init.body).text })));",
    )
    .bind1(&JsValue::NULL, &holder);
    let hook = Function::new_with_args(
        "holder, record",
        "holder.records = (holder.records || 0) + 1; \
         if (holder.records === 1) holder.fromHook = holder.client.send({ to: '+12125551212', text: 'from onRequest' });",
    )
    .bind1(&JsValue::NULL, &holder);
    let config = obj(r#"{"provider":"textlink","apiKey":"k"}"#);
    Reflect::set(&config, &"onRequest".into(), &hook).unwrap();
    let options = Object::new();
    Reflect::set(&options, &"fetch".into(), &fetch).unwrap();
    let client = JsValue::from(JsClient::new(config, options.into()).unwrap());
    Reflect::set(&holder, &"client".into(), &client).unwrap();
    let send: Function = get(&client, "send").unchecked_into();
    let first = send.call1(&client, &obj(r#"{"to":"+12125551212","text":"first"}"#)).unwrap();
    let sent = |receipt: &JsValue| get(&get(receipt, "raw"), "sent");
    assert_eq!(sent(&JsFuture::from(Promise::from(first)).await.unwrap()), "first");
    assert_eq!(sent(&JsFuture::from(Promise::from(get(&holder, "fromFetch"))).await.unwrap()), "from fetch");
    assert_eq!(sent(&JsFuture::from(Promise::from(get(&holder, "fromHook"))).await.unwrap()), "from onRequest");
    assert_eq!(get(&holder, "fetched"), 3);
    assert_eq!(get(&holder, "records"), 3);
}

#[wasm_bindgen_test]
fn the_core_writes_json_text_as_serde_wasm_bindgen_and_stringify_do() {
    use serde::Serialize;
    use std::collections::BTreeMap;
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    enum Kind {
        Plain,
        Wrapped(u8),
        Pair(i8, bool),
        Named { at: u16 },
    }
    #[derive(Serialize)]
    struct Unit;
    #[derive(Serialize)]
    struct Wrap(String);
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Body<'a> {
        phone_number: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        sim_card_id: Option<u32>,
        absent: Option<u64>,
        text: String,
        flag: bool,
        small: i32,
        big: u64,
        neg: i64,
        half: f64,
        whole: f64,
        huge: f64,
        nan: f64,
        letter: char,
        kinds: Vec<Kind>,
        tuple: (u8, &'a str),
        unit: Unit,
        wrap: Wrap,
        map: BTreeMap<String, Option<i16>>,
        empty: Vec<u8>,
    }
    let body = Body {
        phone_number: "+12125551212",
        sim_card_id: None,
        absent: None,
        text: "a\"b\\c\n\r\t\u{8}\u{c}\u{1}\u{1f}\u{7f}\u{2028}é😀/".into(),
        flag: true,
        small: -7,
        big: 9_007_199_254_740_991,
        neg: -9_007_199_254_740_991,
        half: 0.5,
        whole: 3.0,
        huge: 1e21,
        nan: f64::NAN,
        letter: 'ü',
        kinds: vec![Kind::Plain, Kind::Wrapped(2), Kind::Pair(-1, false), Kind::Named { at: 9 }],
        tuple: (1, "x"),
        unit: Unit,
        wrap: Wrap("w".into()),
        map: [("k".to_string(), Some(-3)), ("n".to_string(), None)].into_iter().collect(),
        empty: vec![],
    };
    let written = crate::wasm::text::to_text(&body).unwrap();
    let by_swb = body.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap();
    let stringified = JSON::stringify(&by_swb).unwrap().as_string().unwrap();
    assert_eq!(written, stringified);
    let with_some = Body { sim_card_id: Some(4_000_000_000), ..body };
    assert!(crate::wasm::text::to_text(&with_some).unwrap().contains(r#""simCardId":4000000000,"absent":null"#));
    let keyed: BTreeMap<u8, u8> = [(1, 2)].into_iter().collect();
    assert!(crate::wasm::text::to_text(&keyed).is_err());
}

#[wasm_bindgen_test]
fn field_reads_objects_arrays_and_answers_and_writes_them_back() {
    use crate::wasm::field::Field;
    use serde::{Deserialize, Serialize};
    #[derive(Deserialize, Debug, PartialEq)]
    #[serde(rename_all = "camelCase")]
    struct Answer {
        id: String,
        count: Option<u32>,
        items: Vec<Item>,
        tag: Wrapped,
    }
    #[derive(Deserialize, Debug, PartialEq)]
    struct Item {
        n: i64,
        f: f64,
    }
    #[derive(Deserialize, Debug, PartialEq)]
    struct Wrapped(String);
    #[derive(Deserialize, Debug, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Strict {
        to: String,
        limit: Option<u8>,
    }
    let text = r#"{"id":"m1","extra":{"deep":[[[{"x":1}]]]},"items":[{"n":-2,"f":1.5},{"n":3,"f":4}],"tag":"t","count":null}"#;
    let read = Answer::deserialize(Field(obj(text))).unwrap();
    assert_eq!(read, Answer { id: "m1".into(), count: None, items: vec![Item { n: -2, f: 1.5 }, Item { n: 3, f: 4.0 }], tag: Wrapped("t".into()) });
    // A key set to `undefined` is absent. A struct reads only the keys it
    // names; a caller's argument (Checked) has an unknown one refused by name.
    let given = obj(r#"{"to":"+1"}"#);
    Reflect::set(&given, &"limit".into(), &JsValue::UNDEFINED).unwrap();
    assert_eq!(Strict::deserialize(Field(given)).unwrap(), Strict { to: "+1".into(), limit: None });
    let unknown = || obj(r#"{"to":"+1","color":1}"#);
    assert_eq!(Strict::deserialize(Field(unknown())).unwrap(), Strict { to: "+1".into(), limit: None });
    let err = Strict::deserialize(crate::wasm::field::Checked(unknown())).unwrap_err();
    assert_eq!(err.0, "unknown field `color`, expected `to` or `limit`");
    let err = Strict::deserialize(crate::wasm::field::Checked(obj(r#"{"to":5}"#))).unwrap_err();
    assert_eq!(err.0, "invalid type: integer `5`, expected a string");
    let err = Strict::deserialize(Field(obj(r#"{"limit":1}"#))).unwrap_err();
    assert_eq!(err.0, "missing field `to`");
    let err = Strict::deserialize(Field(obj(r#"{"to":"+1","limit":300}"#))).unwrap_err();
    assert_eq!(err.0, "invalid value: integer `300`, expected u8");
    let err = Strict::deserialize(Field(obj("[1]"))).unwrap_err();
    assert_eq!(err.0, "invalid type: sequence, expected struct Strict");
    // Written back: the same JSON as `JSON.stringify` of the value.
    let value = obj(r#"{"a":[1,-2,2.5,"s",true,null,{}],"b":{"c":"d"},"e":1e21}"#);
    #[derive(Serialize)]
    struct Kept(Field);
    let written = crate::wasm::text::to_text(&Kept(Field(value.clone()))).unwrap();
    assert_eq!(written, JSON::stringify(&value).unwrap().as_string().unwrap());
}

#[wasm_bindgen_test]
fn results_written_by_hand_are_what_their_serialize_writes() {
    // access.rs writes receipts and statuses field by field; their derived
    // Serialize (through serde-wasm-bindgen and JSON.stringify, the path it
    // replaced) is the contract it must keep, field for field and in order.
    use crate::client::{MessageStatus, SendReceipt, SendStatus};
    use crate::contract::DeliveryStatus;
    use crate::providers::ProviderKind;
    use crate::RawJson;
    use serde::Serialize;
    fn same<T: Serialize + access::Written>(value: &T) {
        let by_hand = JSON::stringify(&access::write(value)).unwrap().as_string().unwrap();
        let by_serde = value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap();
        assert_eq!(by_hand, JSON::stringify(&by_serde).unwrap().as_string().unwrap());
    }
    let receipt = SendReceipt {
        provider: ProviderKind::Relay,
        id: Some("m\"1".into()),
        status: SendStatus::Queued,
        duplicate: true,
        to: "+12125551212".into(),
        segments: crate::segments("héllo ☃"),
        idempotency_key: Some("order-17".into()),
        raw: RawJson(r#"{"ok":true,"n":[1,2.5]}"#.into()),
    };
    same(&receipt);
    same(&SendReceipt { id: None, status: SendStatus::Sent, duplicate: false, idempotency_key: None, raw: RawJson(String::new()), ..receipt.clone() });
    same(&SendReceipt { raw: RawJson("not json".into()), ..receipt });
    let status = MessageStatus {
        id: "msg_1".into(),
        provider: ProviderKind::TextLink,
        status: DeliveryStatus::Delivered,
        error: None,
        created_at: Some("2026-12-02T10:00:00Z".into()),
        delivered_at: None,
        raw: RawJson(r#"{"status":"delivered"}"#.into()),
    };
    same(&status);
    same(&MessageStatus { error: Some("30008".into()), raw: RawJson(String::new()), ..status });
}

#[wasm_bindgen_test]
fn a_webhook_body_is_stored_without_its_secret_as_the_native_reader_stores_it() {
    // The native RawObject (src/providers/webhook.rs) reads and refuses the
    // same bodies; numbers are written as JSON.stringify writes them.
    use crate::core::codec::object_without;
    let body = r#"{"z":1,"secret":"s","a":{"b":[1,2.50,"x"]},"secret":"t"}"#;
    assert_eq!(object_without(body, "secret").unwrap(), r#"{"z":1,"a":{"b":[1,2.5,"x"]}}"#);
    assert_eq!(object_without(r#"{"a":1}"#, "secret").unwrap(), r#"{"a":1}"#);
    assert_eq!(object_without("[1]", "secret").unwrap_err(), "invalid type: sequence, expected a JSON object");
    assert_eq!(object_without(r#""s""#, "secret").unwrap_err(), r#"invalid type: string "s", expected a JSON object"#);
    // field.rs's word for null, as in every other value it reads (serde_json says "null").
    assert_eq!(object_without("null", "secret").unwrap_err(), "invalid type: unit value, expected a JSON object");
    assert_eq!(object_without("{", "secret").unwrap_err(), "not JSON");
}
