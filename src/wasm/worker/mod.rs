//! The worker's bindings (worker build only): [`WorkerTask`], the protocol
//! of `src/worker/task.rs` for `worker.mjs`'s executor (an effect out, its
//! result in), and the guard object's steps ([`otp`]). The environment is
//! read once per task, here.
//!
//! May import: `worker` and the rest of `wasm`; only `wasm/mod.rs` imports it.

mod otp;

use crate::wasm::prop;
use crate::worker::otp::guard::{GuardAnswer, GuardCall, GuardRequest};
use crate::worker::otp::store::{GuardReply, SqlValue};
use crate::worker::task::{Effect, ForwardMessage, OwnedRequest, Outcome, QueuedMessage, Statement, Task};
use crate::worker::{WorkerResponse, WorkerSettings, WorkerVars};
use crate::client::{Call, Step};
use crate::HttpResponse;
use js_sys::Reflect;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_WORKER_TYPES: &'static str = r#"
/** A request as the executor hands it over. */
export interface WorkerRequestInput { method: string; path: string; query: string; headers: [string, string][] }
/** A Queue message as the executor hands it over. */
export interface QueuedMessageInput { id: string; body: string; attempts: number }
/** An answer as plain data. */
export interface WorkerResponseData { status: number; headers: [string, string][]; body: string }
/** One SQL statement and its values. */
export interface StatementData { sql: string; binds: (string | number | null)[] }
/** What a task asks of the runtime next (see src/worker/task.rs). */
export type WorkerEffect =
  | { kind: "readBody"; limit: number }
  | { kind: "batch"; statements: StatementData[] }
  | { kind: "query"; statement: StatementData }
  | { kind: "otpClient" }
  | { kind: "callGuard"; call: unknown }
  | { kind: "send"; to: string; text: string; client: { send(message: { to: string; text: string }): Promise<{ provider: string }> } }
  | { kind: "request"; method: string; url: string; headers: Record<string, string>; body?: string; timeoutMs: number; delayMs: number }
  | { kind: "enqueue"; messages: { id: string; body: string }[] }
  | { kind: "fetch"; url: string; headers: [string, string][]; body: string }
  | { kind: "ack"; index: number }
  | { kind: "retry"; index: number; attempts: number; delaySeconds: number }
  | { kind: "log"; level: "warn" | "error"; message: string }
  | { kind: "respond"; response: WorkerResponseData }
  | { kind: "fallback"; response: WorkerResponseData }
  | { kind: "done" };
/** What the guard object does after a call or its alarm. */
export interface GuardRunData { reply: unknown; setAlarm: number | null }
"#;

/// A variable as text: wrangler's `[vars]` may also give numbers and booleans.
fn var_text(v: &JsValue) -> Option<String> {
    v.as_string().or_else(|| v.as_f64().map(|n| n.to_string())).or_else(|| v.as_bool().map(|b| b.to_string())).filter(|s| !s.is_empty())
}

/// The worker's settings from its `env`: each variable of [`WorkerVars`]
/// read once, and whether the guard object and the Queue are bound.
pub(crate) fn settings(env: &JsValue) -> WorkerSettings {
    let vars = WorkerVars::read(&|name| var_text(&prop(env, name)));
    let otp = prop(env, "EDGETEXT_OTP");
    let otp_bound = otp.is_object() && prop(&otp, "idFromName").is_function();
    WorkerSettings::from_vars(vars, otp_bound, prop(env, "FORWARD_QUEUE").is_object())
}

fn time(now_ms: f64) -> u64 {
    now_ms.max(0.0) as u64
}

/// `[[name, value], …]` as pairs of text.
fn pairs(v: &JsValue) -> Vec<(String, String)> {
    let pair = |h: JsValue| {
        let h: js_sys::Array = h.unchecked_into();
        (h.get(0).as_string().unwrap_or_default(), h.get(1).as_string().unwrap_or_default())
    };
    v.clone().dyn_into::<js_sys::Array>().map(|a| a.iter().map(pair).collect()).unwrap_or_default()
}

/// Which outcome the last effect gives.
#[derive(Clone, Copy)]
enum Awaiting {
    Nothing,
    Body,
    Changes,
    Rows,
    Client,
    Guard,
    Sent,
    /// The answer to the core client's request (its send's attempt).
    Answer,
    Done,
    Status,
}

/// One handler's run (a request, a Queue batch, a scheduled run): `next`
/// answers the next effect for the executor, given the last one's result.
#[wasm_bindgen]
pub struct WorkerTask {
    task: Task,
    settings: Rc<WorkerSettings>,
    awaiting: Awaiting,
    sender: Option<otp::Sender>,
    /// The core client's send in flight.
    call: Option<Call<()>>,
}

/// Why it failed: the `message` of what the executor caught (`{ failed }`).
fn failure(result: &JsValue) -> Option<String> {
    let failed = prop(result, "failed");
    if !result.is_object() || failed.is_undefined() {
        return None;
    }
    Some(prop(&failed, "message").as_string().or_else(|| failed.as_string()).unwrap_or_else(|| "failed".into()))
}

/// The items of an array result, or why there are none.
fn items(result: &JsValue) -> Result<js_sys::Array, String> {
    if let Some(error) = failure(result) {
        return Err(error);
    }
    result.clone().dyn_into::<js_sys::Array>().map_err(|_| "not a list".to_string())
}

fn sql_value(v: JsValue) -> SqlValue {
    match (v.as_string(), v.as_f64()) {
        (Some(s), _) => SqlValue::Text(s),
        (_, Some(n)) => SqlValue::Number(n),
        _ => SqlValue::Null,
    }
}

/// Rows as lists of column values (`[[value, …], …]`).
#[inline(never)]
pub(crate) fn rows(result: &JsValue) -> Result<Vec<Vec<SqlValue>>, String> {
    let row = |r: JsValue| r.dyn_into::<js_sys::Array>().map(|r| r.iter().map(sql_value).collect()).unwrap_or_default();
    Ok(items(result)?.iter().map(row).collect())
}

#[inline(never)]
fn changes(result: &JsValue) -> Result<Vec<u64>, String> {
    Ok(items(result)?.iter().map(|n| n.as_f64().unwrap_or(0.0) as u64).collect())
}

fn text(v: &JsValue, key: &str) -> String {
    prop(v, key).as_string().unwrap_or_default()
}

/// The guard object's reply, as `GuardReply` serialised it.
fn guard_reply(result: &JsValue) -> Result<GuardReply, String> {
    if let Some(error) = failure(result) {
        return Err(error);
    }
    let answer = prop(result, "answer");
    if answer.is_object() {
        let status = prop(&answer, "status").as_f64().unwrap_or(0.0) as u16;
        return Ok(GuardReply::Answer { answer: WorkerResponse { status, headers: pairs(&prop(&answer, "headers")), body: text(&answer, "body") } });
    }
    match prop(result, "kind").as_string().as_deref() {
        Some("send") => Ok(GuardReply::Counted(GuardAnswer::Send {
            to: text(result, "to"),
            text: text(result, "text"),
            id: text(result, "id"),
            expires_at: prop(result, "expiresAt").as_f64().unwrap_or(0.0) as u64,
            code: text(result, "code"),
        })),
        Some("refunded") => Ok(GuardReply::Counted(GuardAnswer::Refunded)),
        _ => Err("not a guard reply".into()),
    }
}

#[wasm_bindgen]
impl WorkerTask {
    fn with(settings: WorkerSettings, start: impl FnOnce(Rc<WorkerSettings>) -> Task) -> WorkerTask {
        let settings = Rc::new(settings);
        WorkerTask { task: start(settings.clone()), settings, awaiting: Awaiting::Nothing, sender: None, call: None }
    }

    /// The task of a request to the worker.
    pub fn request(
        #[wasm_bindgen(unchecked_param_type = "WorkerRequestInput")] request: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Record<string, unknown>")] env: JsValue,
        now_ms: f64,
    ) -> WorkerTask {
        let request = OwnedRequest {
            method: text(&request, "method"),
            path: text(&request, "path"),
            query: text(&request, "query"),
            headers: pairs(&prop(&request, "headers")),
        };
        WorkerTask::with(settings(&env), |s| Task::request(request, s, time(now_ms)))
    }

    /// The task of a Queue batch of forwarding messages.
    pub fn queue(
        #[wasm_bindgen(unchecked_param_type = "QueuedMessageInput[]")] messages: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Record<string, unknown>")] env: JsValue,
        now_ms: f64,
    ) -> WorkerTask {
        let message = |m: JsValue| QueuedMessage { id: text(&m, "id"), body: text(&m, "body"), attempts: prop(&m, "attempts").as_f64().unwrap_or(0.0) as u32 };
        let messages = messages.dyn_into::<js_sys::Array>().map(|a| a.iter().map(message).collect()).unwrap_or_default();
        WorkerTask::with(settings(&env), |s| Task::queue(messages, s, time(now_ms)))
    }

    /// The task of a scheduled run at `nowMs`.
    pub fn scheduled(#[wasm_bindgen(unchecked_param_type = "Record<string, unknown>")] env: JsValue, now_ms: f64) -> WorkerTask {
        WorkerTask::with(settings(&env), |s| Task::scheduled(s, time(now_ms)))
    }

    /// The next effect, given what the last one gave (`undefined` first;
    /// `{ failed: error }` when it threw).
    #[wasm_bindgen(unchecked_return_type = "WorkerEffect")]
    pub fn next(&mut self, result: JsValue, now_ms: f64) -> JsValue {
        let mut outcome = match self.awaiting {
            Awaiting::Nothing => Outcome::None,
            Awaiting::Body => Outcome::Body(result.dyn_into::<js_sys::Uint8Array>().map(|b| b.to_vec()).unwrap_or_default()),
            Awaiting::Changes => Outcome::Changes(changes(&result)),
            Awaiting::Rows => Outcome::Rows(rows(&result)),
            Awaiting::Client => Outcome::Client(otp::otp_client(&self.settings, result).map(|s| self.sender = Some(s))),
            Awaiting::Guard => Outcome::Guard(guard_reply(&result)),
            Awaiting::Sent => Outcome::Sent(app_sent(&result)),
            Awaiting::Answer => match self.attempted(&result, now_ms) {
                Some(effect) => return effect,
                None => self.sent(),
            },
            Awaiting::Done => Outcome::Done(failure(&result).map_or(Ok(()), Err)),
            Awaiting::Status => Outcome::Status(result.as_f64().map(|s| s as u16)),
        };
        loop {
            let effect = self.task.next(outcome, time(now_ms));
            self.awaiting = match &effect {
                Effect::ReadBody { .. } => Awaiting::Body,
                Effect::Batch { .. } => Awaiting::Changes,
                Effect::Query { .. } => Awaiting::Rows,
                Effect::OtpClient => Awaiting::Client,
                Effect::CallGuard { .. } => Awaiting::Guard,
                Effect::Send { .. } => Awaiting::Sent,
                Effect::Enqueue { .. } => Awaiting::Done,
                Effect::Fetch { .. } => Awaiting::Status,
                _ => Awaiting::Nothing,
            };
            let Effect::Send { to, text } = effect else { return effect_js(&effect) };
            let client = match &self.sender {
                Some(otp::Sender::Js(client)) => return send_effect(client, &to, &text),
                Some(otp::Sender::Core(client)) => client,
                None => return send_effect(&JsValue::UNDEFINED, &to, &text),
            };
            match client.start_text(to, text) {
                Ok(call) => {
                    self.call = Some(call);
                    self.awaiting = Awaiting::Answer;
                    if let Some(effect) = self.request_effect() {
                        return effect;
                    }
                    outcome = self.sent();
                }
                Err(e) => outcome = Outcome::Sent(Err((Some(e.code), e.message))),
            }
        }
    }
}

/// What the app's client's `send` gave: its receipt's provider, or the
/// error's code and message.
#[inline(never)]
fn app_sent(result: &JsValue) -> Result<String, (Option<crate::ErrorCode>, String)> {
    match failure(result) {
        None => prop(result, "provider").as_string().filter(|_| result.is_object()).ok_or((None, String::new())),
        Some(message) => {
            let code = prop(&prop(result, "failed"), "code").as_string().and_then(|c| crate::ErrorCode::parse(&c));
            Err((code, message))
        }
    }
}

/// A plain object of `fields`.
fn object(fields: &[(&str, JsValue)]) -> JsValue {
    let out = js_sys::Object::new();
    for (key, value) in fields {
        let _ = Reflect::set(&out, &JsValue::from_str(key), value);
    }
    out.into()
}

/// `{ kind: "send", to, text, client }`: the app's client sends.
fn send_effect(client: &JsValue, to: &str, text: &str) -> JsValue {
    object(&[("kind", "send".into()), ("to", to.into()), ("text", text.into()), ("client", client.clone())])
}

/// `{ kind, …fields }`.
fn kind(k: &str, fields: &[(&str, JsValue)]) -> JsValue {
    object(&[&[("kind", JsValue::from_str(k))], fields].concat())
}

/// An effect as `WorkerEffect`, written field by field: no serde code, and
/// V8 compiles only the writers of the effects a request asks for (those of
/// the webhooks, the reads and the Queue are apart, in [`stored_effect_js`]).
#[inline(never)]
fn effect_js(effect: &Effect) -> JsValue {
    match effect {
        Effect::ReadBody { limit } => kind("readBody", &[("limit", JsValue::from_f64(*limit as f64))]),
        Effect::OtpClient => kind("otpClient", &[]),
        Effect::CallGuard { call } => kind("callGuard", &[("call", guard_call_js(call))]),
        Effect::Respond { response } => kind("respond", &[("response", response_js(response))]),
        Effect::Fallback { response } => kind("fallback", &[("response", response_js(response))]),
        Effect::Done => kind("done", &[]),
        _ => stored_effect_js(effect),
    }
}

#[inline(never)]
fn stored_effect_js(effect: &Effect) -> JsValue {
    let number = |n: f64| JsValue::from_f64(n);
    match effect {
        Effect::Batch { statements } => kind("batch", &[("statements", statements.iter().map(statement_js).collect::<js_sys::Array>().into())]),
        Effect::Query { statement } => kind("query", &[("statement", statement_js(statement))]),
        Effect::Send { to, text } => kind("send", &[("to", to.into()), ("text", text.into())]),
        Effect::Enqueue { messages } => kind("enqueue", &[("messages", messages.iter().map(message_js).collect::<js_sys::Array>().into())]),
        Effect::Fetch { url, headers, body } => kind("fetch", &[("url", url.into()), ("headers", pairs_js(headers)), ("body", body.into())]),
        Effect::Ack { index } => kind("ack", &[("index", number(*index as f64))]),
        Effect::Retry { index, attempts, delay_seconds } => {
            kind("retry", &[("index", number(*index as f64)), ("attempts", (*attempts).into()), ("delaySeconds", (*delay_seconds).into())])
        }
        Effect::Log { level, message } => kind("log", &[("level", level.as_str().into()), ("message", message.into())]),
        _ => effect_js(effect),
    }
}

#[inline(never)]
fn statement_js(s: &Statement) -> JsValue {
    object(&[("sql", s.sql.into()), ("binds", s.binds.iter().map(sql_js).collect::<js_sys::Array>().into())])
}

#[inline(never)]
fn message_js(m: &ForwardMessage) -> JsValue {
    object(&[("id", m.id.as_str().into()), ("body", m.body.as_str().into())])
}

/// A value bound into a statement.
fn sql_js(v: &SqlValue) -> JsValue {
    match v {
        SqlValue::Text(s) => s.into(),
        SqlValue::Number(n) => (*n).into(),
        SqlValue::Null => JsValue::NULL,
    }
}

/// `[[name, value], …]`.
fn pairs_js(pairs: &[(String, String)]) -> JsValue {
    pairs.iter().map(|(n, v)| js_sys::Array::of2(&n.into(), &v.into())).collect::<js_sys::Array>().into()
}

/// A [`WorkerResponse`] as `WorkerResponseData`.
fn response_js(r: &WorkerResponse) -> JsValue {
    object(&[("status", r.status.into()), ("headers", pairs_js(&r.headers)), ("body", r.body.as_str().into())])
}

/// A [`GuardCall`] as its serde form (`guard_request` in `otp.rs` reads it back in the object).
fn guard_call_js(call: &GuardCall) -> JsValue {
    let request = match &call.request {
        GuardRequest::Send { to, address } => object(&[("action", "send".into()), ("to", to.into()), ("address", address.into())]),
        GuardRequest::Verify { to, code, address, trusted } => {
            object(&[("action", "verify".into()), ("to", to.into()), ("code", code.into()), ("address", address.into()), ("trusted", (*trusted).into())])
        }
        GuardRequest::Refund { to, address, id } => object(&[("action", "refund".into()), ("to", to.into()), ("address", address.into()), ("id", id.into())]),
    };
    object(&[("request", request), ("ceiling", call.ceiling.as_deref().map_or(JsValue::NULL, JsValue::from_str))])
}

impl WorkerTask {
    /// The core client's next attempt as a `request` effect, or `None` when its send is over.
    fn request_effect(&self) -> Option<JsValue> {
        let Step::Fetch { request, timeout_ms, delay_ms } = self.call.as_ref()?.step() else { return None };
        let out = js_sys::Object::new();
        let set = |key: &str, value: &JsValue| {
            let _ = Reflect::set(&out, &JsValue::from_str(key), value);
        };
        set("kind", &JsValue::from_str("request"));
        set("method", &JsValue::from_str(request.method.as_str()));
        set("url", &JsValue::from_str(&request.url));
        let headers = js_sys::Object::new();
        for (name, value) in &request.headers {
            let _ = Reflect::set(&headers, &JsValue::from_str(name), &JsValue::from_str(value));
        }
        set("headers", &headers);
        set("body", &request.body.as_deref().map_or(JsValue::UNDEFINED, JsValue::from_str));
        set("timeoutMs", &JsValue::from_f64(f64::from(timeout_ms)));
        set("delayMs", &JsValue::from_f64(delay_ms as f64));
        Some(out.into())
    }

    /// Feeds the attempt's answer (`{ status, headers, body }`, or
    /// `{ failed }`) to the core client's send: the next attempt's effect, or
    /// `None` when the send is over.
    fn attempted(&mut self, result: &JsValue, now_ms: f64) -> Option<JsValue> {
        let answer = match failure(result) {
            None => Ok(HttpResponse { status: prop(result, "status").as_f64().unwrap_or(0.0) as u16, headers: pairs(&prop(result, "headers")), body: text(result, "body") }),
            Some(_) => {
                let failed = prop(result, "failed");
                let timed_out = prop(&failed, "name").as_string().as_deref() == Some("TimeoutError");
                Err(crate::wasm::platform::failure(&failed, timed_out))
            }
        };
        let Some(otp::Sender::Core(client)) = &self.sender else { return None };
        self.call.as_mut()?.feed(answer, time(now_ms), client.platform());
        self.request_effect()
    }

    /// What came of the core client's send.
    fn sent(&mut self) -> Outcome {
        let provider = match &self.sender {
            Some(otp::Sender::Core(client)) => client.config().provider.as_str(),
            _ => "",
        };
        Outcome::Sent(match self.call.take().and_then(|c| c.into_result()) {
            Some(Ok(())) => Ok(provider.to_string()),
            Some(Err(e)) => Err((Some(e.code), e.message)),
            None => Err((None, String::new())),
        })
    }
}
