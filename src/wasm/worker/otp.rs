//! The guard object's steps (worker build), which `EdgetextOtp` in
//! `worker.mjs` runs against its SQLite storage, and the client that sends
//! the worker's codes.

use super::{object, response_js, settings, sql_js};
use crate::contract::OtpResponse;
use crate::wasm::convert::to_js;
use crate::client::{Client, ClientConfig, Config};
use crate::wasm::convert::JsObject;
use crate::wasm::platform::JsPlatform;
use crate::wasm::{prop, JsClient};
use crate::worker::otp::guard::{otp_answer, GuardAnswer, GuardCall, GuardRequest, SeededRandom};
use crate::worker::otp::store::{guard_run, guard_sweep, GuardReply, GuardRun, GuardSql, SqlValue, GUARD_SCHEMA};
use crate::worker::WorkerResponse;
use js_sys::Reflect;
use wasm_bindgen::prelude::*;

/// The defaults of the OTP_* settings (`OTP_DEFAULTS`).
#[wasm_bindgen(js_name = otpDefaults, skip_typescript)]
pub fn otp_defaults() -> JsValue {
    to_js(&crate::worker::otp::guard::guard_defaults()).unwrap_or(JsValue::NULL)
}

/// The statements that make the guard object's table and index.
#[wasm_bindgen(js_name = guardSchema)]
pub fn guard_schema() -> Vec<String> {
    GUARD_SCHEMA.iter().map(|s| s.to_string()).collect()
}

/// `exec(sql, binds)`: `ctx.storage.sql.exec(sql, ...binds)`'s rows as lists of values.
struct JsSql<'a>(&'a js_sys::Function);

impl GuardSql for JsSql<'_> {
    fn rows(&mut self, sql: &str, binds: &[SqlValue]) -> Result<Vec<Vec<SqlValue>>, String> {
        let binds: js_sys::Array = binds.iter().map(sql_js).collect();
        let rows = self.0.call2(&JsValue::NULL, &JsValue::from_str(sql), &binds).map_err(|e| prop(&e, "message").as_string().unwrap_or_default())?;
        super::rows(&rows)
    }
}

/// A [`GuardRun`] as `GuardRunData`, its reply in its serde form (the
/// worker's `guard_reply` reads it back), written field by field.
fn run_out(run: Result<GuardRun, String>) -> Result<JsValue, JsValue> {
    let run = run.map_err(|e| js_sys::Error::new(&e))?;
    let reply = match &run.reply {
        None => JsValue::NULL,
        Some(GuardReply::Answer { answer }) => object(&[("answer", response_js(answer))]),
        Some(GuardReply::Counted(GuardAnswer::Send { to, text, id, expires_at, code })) => object(&[
            ("kind", "send".into()),
            ("to", to.into()),
            ("text", text.into()),
            ("id", id.into()),
            ("expiresAt", (*expires_at as f64).into()),
            ("code", code.into()),
        ]),
        Some(GuardReply::Counted(GuardAnswer::Refunded)) => object(&[("kind", "refunded".into())]),
        // A check or a refusal is an answer (`GuardReply::from` makes it one).
        Some(GuardReply::Counted(other)) => object(&[("answer", response_js(&WorkerResponse::from(otp_answer(other))))]),
    };
    Ok(object(&[("reply", reply), ("setAlarm", run.set_alarm.map_or(JsValue::NULL, |a| (a as f64).into()))]))
}

/// Runs a guard call (`call`, as the worker sent it) in the object: loads
/// its entries, decides, stores. `alarm` is the alarm set (ms or null);
/// `seed` 32 random bytes. Throws when storage fails.
#[wasm_bindgen(js_name = guardRun, unchecked_return_type = "GuardRunData")]
pub fn guard_run_js(call: JsValue, env: JsValue, now_ms: f64, seed: &[u8], alarm: Option<f64>, exec: &js_sys::Function) -> Result<JsValue, JsValue> {
    let answer = |r: OtpResponse| run_out(Ok(GuardRun { reply: Some(GuardReply::Answer { answer: WorkerResponse::from(r) }), set_alarm: None }));
    let s = match settings(&env).guard() {
        Ok(s) => s,
        Err(r) => return answer(r),
    };
    let (Some(request), Ok(seed)) = (guard_request(&prop(&call, "request")), <[u8; 32]>::try_from(seed)) else {
        return answer(OtpResponse::error(400, "invalid_input", "not a guard request", None));
    };
    let call = GuardCall { request, ceiling: prop(&call, "ceiling").as_string() };
    let now = now_ms.max(0.0) as u64;
    run_out(guard_run(&s, &call, &mut JsSql(exec), now, &SeededRandom::new(seed), alarm.map(|a| a as u64)))
}

/// A guard request as `GuardRequest` serialised it (the worker sent it).
fn guard_request(v: &JsValue) -> Option<GuardRequest> {
    let text = |k: &str| prop(v, k).as_string();
    let (to, address) = (text("to")?, text("address")?);
    match text("action")?.as_str() {
        "send" => Some(GuardRequest::Send { to, address }),
        "verify" => Some(GuardRequest::Verify { to, code: text("code")?, address, trusted: prop(v, "trusted").as_bool().unwrap_or(false) }),
        "refund" => Some(GuardRequest::Refund { to, address, id: text("id")? }),
        _ => None,
    }
}

/// The object's alarm at `nowMs`: deletes what is over, gives the next alarm.
#[wasm_bindgen(js_name = guardSweep, unchecked_return_type = "GuardRunData")]
pub fn guard_sweep_js(now_ms: f64, exec: &js_sys::Function) -> Result<JsValue, JsValue> {
    run_out(guard_sweep(&mut JsSql(exec), now_ms.max(0.0) as u64))
}

/// Who sends the worker's codes.
pub(super) enum Sender {
    /// The core's client, from OTP_PROVIDER, OTP_API_KEY and OTP_CLIENT: the
    /// worker's executor fetches its requests.
    Core(Client<JsPlatform>),
    /// What `createWorker({ otp: { client } })` gave (a `Client`, or one
    /// made from the config it gave): its `send` is called.
    Js(JsValue),
}

/// The client that sends the worker's codes: `given` (what
/// `createWorker({ otp: { client } })`'s function returned: a `Client`
/// or its config), else the core's from OTP_PROVIDER, OTP_API_KEY and the
/// JSON object OTP_CLIENT; or why none can be made.
pub(super) fn otp_client(worker: &crate::worker::WorkerSettings, given: JsValue) -> Result<Sender, String> {
    if given.is_object() && prop(&given, "send").is_function() {
        return Ok(Sender::Js(given));
    }
    if !(given.is_undefined() || given.is_null()) {
        if !given.is_object() {
            return Err("the OTP client must be a Client or a Client config".into());
        }
        refusal(&given)?;
        let client = JsClient::new(given, JsValue::UNDEFINED).map_err(|e| client_error(&prop(&e, "message").as_string().unwrap_or_default()))?;
        return Ok(Sender::Js(client.into()));
    }
    let provider = worker.otp_vars.get("OTP_PROVIDER").ok_or("set OTP_PROVIDER, OTP_API_KEY and OTP_CLIENT (or createWorker({ otp: { client } }))")?;
    let config = match worker.otp_vars.get("OTP_CLIENT") {
        Some(text) => js_sys::JSON::parse(text).ok().filter(|v| v.is_object() && !js_sys::Array::is_array(v)).ok_or("OTP_CLIENT must be a JSON object")?,
        None => js_sys::Object::new().into(),
    };
    let _ = Reflect::set(&config, &"provider".into(), &provider.into());
    let key = worker.otp_vars.get("OTP_API_KEY").map_or(JsValue::UNDEFINED, |k| k.into());
    let _ = Reflect::set(&config, &"apiKey".into(), &key);
    refusal(&config)?;
    let config = ClientConfig::read(&JsObject(config), &[]).and_then(Config::new).map_err(|e| client_error(&e.message))?;
    Ok(Sender::Core(Client::new(config, JsPlatform { fetch: None, store: None, request_ids: false })))
}

fn client_error(message: &str) -> String {
    format!("the OTP client: {message}")
}

/// Klink, or a client in worker mode, cannot send the worker's codes.
fn refusal(config: &JsValue) -> Result<(), String> {
    let otp_url = prop(config, "otpUrl");
    match crate::worker::otp::route::otp_client_refusal(prop(config, "provider").as_string().as_deref(), !(otp_url.is_undefined() || otp_url.is_null())) {
        Some(refusal) => Err(refusal.into()),
        None => Ok(()),
    }
}
