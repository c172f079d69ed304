//! The wasm layer in a real JS engine (Node and headless Chromium, through
//! `wasm-pack test`): values cross the boundary as the contract says, errors
//! are `Error` objects with a stable `code`, and a call driven by the
//! engine's own `fetch` reaches the provider emulator when one is running
//! (`EDGETEXT_EMULATOR_URL` at build time).

use super::*;
use js_sys::{Object, Reflect, JSON};
use wasm_bindgen_test::*;


fn get(v: &JsValue, k: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(k)).unwrap()
}

fn obj(json: &str) -> JsValue {
    JSON::parse(json).unwrap()
}

#[wasm_bindgen_test]
fn segments_cross_as_a_plain_object() {
    let s = segments("€ hello");
    assert_eq!(JSON::stringify(&s).unwrap(), r#"{"encoding":"GSM-7","count":1,"units":8,"perSegment":160,"remaining":152}"#);
    assert!(Object::get_prototype_of(&s) == Object::get_prototype_of(&Object::new()), "a plain object, not a Map");
}

#[wasm_bindgen_test]
fn errors_are_error_objects_with_a_code() {
    let err = normalize_phone("+1 212 555 12x2", JsValue::UNDEFINED).unwrap_err();
    assert!(err.is_instance_of::<js_sys::Error>());
    assert_eq!(get(&err, "code"), "invalid_phone");
    assert_eq!(get(&err, "name"), "EdgetextError");
    assert_eq!(get(&err, "httpStatus"), JsValue::NULL);
    let err = RawClient::new(obj(r#"{"provider":"textlink","apiKey":"k","bogus":true}"#)).err().unwrap();
    assert_eq!(get(&err, "code"), "invalid_config");
    assert!(get(&err, "message").as_string().unwrap().contains("config.bogus"));
    assert_eq!(normalize_phone("020 7946 0958", obj(r#"{"defaultCountry":"GB"}"#)).unwrap(), "+442079460958");
}

#[wasm_bindgen_test]
fn a_call_is_driven_by_its_answers() {
    let client = RawClient::new(obj(r#"{"provider":"textlink","apiKey":"tl-key","maxRetries":1}"#)).unwrap();
    let mut call = client.start("send", obj(r#"{"to":"+12125551212","text":"hi","customId":"c-1"}"#)).unwrap();
    let step = call.next();
    assert_eq!(get(&step, "url"), "https://textlinksms.com/api/send-sms");
    assert_eq!(get(&step, "body"), r#"{"phone_number":"+12125551212","text":"hi","custom_id":"c-1"}"#);
    assert_eq!(get(&step, "delayMs").as_f64(), Some(0.0));
    call.respond(429, Some("1".into()), r#"{"ok":false,"message":"slow"}"#.into(), 0.0);
    assert_eq!(get(&call.next(), "delayMs").as_f64(), Some(1000.0), "Retry-After honoured");
    call.respond(200, None, r#"{"ok":true,"queued":true}"#.into(), 0.0);
    assert!(call.next().is_undefined());
    let receipt = call.result().unwrap();
    assert_eq!(get(&receipt, "id"), "c-1");
    assert_eq!(get(&receipt, "status"), "queued");
    assert_eq!(get(&get(&receipt, "raw"), "queued"), JsValue::TRUE);

    let mut call = client.start("send", obj(r#"{"to":"+12125551212","text":"hi"}"#)).unwrap();
    call.fail(false, Some("ECONNRESET".into()), "socket hang up".into(), 0.0);
    let err = call.result().unwrap_err();
    assert_eq!(get(&err, "code"), "outcome_unknown");
    assert_eq!(get(&err, "retryable"), JsValue::FALSE);

    let call = client.start("send", obj(r#"{"to":"+44 20","text":"hi"}"#)).unwrap();
    assert!(call.next().is_undefined(), "bad input sends nothing");
    assert_eq!(get(&call.result().unwrap_err(), "code"), "invalid_phone");
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(url: &str, init: &JsValue) -> js_sys::Promise;
}

/// Drives a call with the engine's own `fetch`, as the package's driver does.
async fn drive(mut call: RawCall) -> Result<JsValue, JsValue> {
    loop {
        let step = call.next();
        if step.is_undefined() {
            return call.result();
        }
        let init = Object::new();
        Reflect::set(&init, &"method".into(), &get(&step, "method")).unwrap();
        Reflect::set(&init, &"headers".into(), &get(&step, "headers")).unwrap();
        let body = get(&step, "body");
        if !body.is_null() {
            Reflect::set(&init, &"body".into(), &body).unwrap();
        }
        let url = get(&step, "url").as_string().unwrap();
        let resp = wasm_bindgen_futures::JsFuture::from(global_fetch(&url, &init)).await?;
        let status = get(&resp, "status").as_f64().unwrap() as u16;
        let text_fn: js_sys::Function = get(&resp, "text").into();
        let text = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(text_fn.call0(&resp)?)).await?;
        call.respond(status, None, text.as_string().unwrap(), js_sys::Date::now());
    }
}

#[wasm_bindgen_test]
async fn sends_through_the_emulator_with_the_engines_fetch() {
    let Some(base) = option_env!("EDGETEXT_EMULATOR_URL") else { return };
    let cfg = format!(r#"{{"provider":"relay","apiKey":"test-relay-key","baseUrl":"{base}/relay","phoneId":"phone_main"}}"#);
    let client = RawClient::new(obj(&cfg)).unwrap();
    let receipt = drive(client.start("send", obj(r#"{"to":"+15551234567","text":"from wasm"}"#)).unwrap()).await.unwrap();
    let id = get(&receipt, "id").as_string().unwrap();
    assert!(id.starts_with("msg_"), "{id}");
    let status = drive(client.start("status", JsValue::from_str(&id)).unwrap()).await.unwrap();
    assert_eq!(get(&status, "id"), id.as_str());
    let wrong = RawClient::new(obj(&cfg.replace("test-relay-key", "nope"))).unwrap();
    let err = drive(wrong.start("health", JsValue::UNDEFINED).unwrap()).await.unwrap_err();
    assert_eq!(get(&err, "code"), "unauthorized");
}
