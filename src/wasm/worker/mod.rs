//! The worker's bindings (worker build only): its decisions for
//! `worker.mjs` — plain values in, plain values out; the JS binds them to D1
//! and the Queue — and the OTP guard's steps for `otp.mjs` ([`otp`]).

mod otp;

use crate::wasm::convert::{from_js, to_js};
use crate::worker::{WebhookSecrets, WorkerRequest, WorkerResponse, WorkerSettings};
use crate::worker::statuses::StatusRow;
use crate::providers::{klink, relay, teklink, textlink};
use js_sys::Reflect;
use serde::Deserialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_WORKER_TYPES: &'static str = r#"
/** A request as the worker hands it over. */
export interface WorkerRequestInput { method: string; path: string; query: string; headers: [string, string][] }
/** An answer as plain data. */
export interface WorkerResponseData { status: number; headers: [string, string][]; body: string }
/** One event to store, with the values bound into D1. */
export interface StoredEventData {
  id: string; provider: ProviderName; type: string; messageId: string | null; occurredAt: string;
  receivedAt: number; body: string; forwardDue: number | null;
  status: { status: string; precedence: number; error: string | null; at: string; deliveredAt: string | null } | null;
}
/** What the worker does with a request. */
export type WorkerDecision =
  | { kind: "respond"; response: WorkerResponseData }
  | { kind: "needBody"; limit: number }
  | { kind: "store"; events: StoredEventData[]; forward: boolean; dueIfUnqueued: number; response: WorkerResponseData }
  | { kind: "readStatus"; provider: ProviderName; messageId: string }
  | { kind: "readEvents"; limit: number; since: string | null }
  | { kind: "otp"; request: { action: "send" | "verify" | "refund" } & Record<string, string | boolean>; keys: string[]; cors: [string, string][] }
  | { kind: "fallback"; response: WorkerResponseData };
/** What one scheduled run does. */
export interface ScheduledPlanData { deleteBefore: number | null; dueBy: number | null; leaseUntil: number; batch: number; warning: string | null }
/** A signed forwarding POST, or why it cannot be sent now. */
export type ForwardDeliveryData = { ok: true; url: string; headers: [string, string][] } | { ok: false; error: string };
"#;

/// A variable as text: wrangler's `[vars]` may also give numbers and booleans.
fn var_text(v: &JsValue) -> Option<String> {
    v.as_string().or_else(|| v.as_f64().map(|n| n.to_string())).or_else(|| v.as_bool().map(|b| b.to_string())).filter(|s| !s.is_empty())
}

fn env_str(env: &JsValue, key: &str) -> Option<String> {
    var_text(&Reflect::get(env, &JsValue::from_str(key)).ok()?)
}

/// The worker's settings from its `env` (bindings and variables).
pub(crate) fn settings(env: &JsValue) -> WorkerSettings {
    let mut otp_vars = std::collections::BTreeMap::new();
    if env.is_object() {
        for entry in js_sys::Object::entries(env.unchecked_ref()).iter() {
            let pair: js_sys::Array = entry.unchecked_into();
            if let (Some(k), Some(v)) = (pair.get(0).as_string().filter(|k| k.starts_with("OTP_")), var_text(&pair.get(1))) {
                otp_vars.insert(k, v);
            }
        }
    }
    let otp = Reflect::get(env, &JsValue::from_str("EDGETEXT_OTP")).unwrap_or(JsValue::UNDEFINED);
    let otp_bound = otp.is_object() && Reflect::get(&otp, &JsValue::from_str("idFromName")).is_ok_and(|f| f.is_function());
    WorkerSettings {
        otp_vars,
        otp_bound,
        secrets: WebhookSecrets {
            textlink: env_str(env, textlink::webhook::SECRET_VAR),
            teklink: env_str(env, teklink::webhook::SECRET_VAR),
            relay: env_str(env, relay::webhook::SECRET_VAR),
            klink: env_str(env, klink::webhook::SECRET_VAR),
        },
        api_token: env_str(env, "EDGETEXT_API_TOKEN"),
        forward_url: env_str(env, "FORWARD_URL"),
        forward_secret: env_str(env, "FORWARD_SECRET"),
        retention_days: env_str(env, "EVENT_RETENTION_DAYS"),
    }
}

fn js<T: serde::Serialize>(value: &T) -> JsValue {
    to_js(value).unwrap_or(JsValue::NULL)
}

#[derive(Deserialize)]
struct RequestInput {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
}

/// Decides what to do with a request (`body` once a `needBody` decision asked for it).
#[wasm_bindgen(js_name = workerDecide, unchecked_return_type = "WorkerDecision")]
pub fn worker_decide(
    #[wasm_bindgen(unchecked_param_type = "WorkerRequestInput")] request: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Record<string, unknown>")] env: JsValue,
    now_ms: f64,
    body: Option<Vec<u8>>,
) -> JsValue {
    let decision = match from_js::<RequestInput>(request) {
        Ok(r) => {
            let req = WorkerRequest { method: &r.method, path: &r.path, query: &r.query, headers: &r.headers, body: body.as_deref() };
            crate::worker::decide(&req, &settings(&env), now_ms.max(0.0) as u64)
        }
        Err(e) => crate::worker::Decision::Respond { response: WorkerResponse::error(400, &e) },
    };
    js(&decision)
}

/// The 503 answered when storage fails.
#[wasm_bindgen(js_name = workerStorageUnavailable, unchecked_return_type = "WorkerResponseData")]
pub fn worker_storage_unavailable() -> JsValue {
    js(&crate::worker::storage_unavailable())
}

/// The answer to a status read, from the `statuses` rows found.
#[wasm_bindgen(js_name = workerStatusAnswer, unchecked_return_type = "WorkerResponseData")]
pub fn worker_status_answer(#[wasm_bindgen(unchecked_param_type = "Record<string, unknown>[]")] rows: JsValue) -> JsValue {
    match from_js::<Vec<StatusRow>>(rows) {
        Ok(rows) => js(&crate::worker::status_answer(rows)),
        Err(_) => js(&crate::worker::storage_unavailable()),
    }
}

/// The answer to an events read, from the stored events' JSON texts.
#[wasm_bindgen(js_name = workerEventsAnswer, unchecked_return_type = "WorkerResponseData")]
pub fn worker_events_answer(bodies: Vec<String>) -> JsValue {
    js(&crate::worker::events_answer(bodies))
}

/// What a scheduled run does at `nowMs` (retention and the outbox).
#[wasm_bindgen(js_name = workerScheduledPlan, unchecked_return_type = "ScheduledPlanData")]
pub fn worker_scheduled_plan(#[wasm_bindgen(unchecked_param_type = "Record<string, unknown>")] env: JsValue, now_ms: f64) -> JsValue {
    js(&crate::worker::scheduled_plan(&settings(&env), now_ms.max(0.0) as u64))
}

#[derive(serde::Serialize)]
#[serde(untagged)]
enum DeliveryAnswer<'a> {
    Ready {
        ok: bool,
        #[serde(flatten)]
        delivery: crate::worker::ForwardDelivery,
    },
    NotNow {
        ok: bool,
        error: &'a str,
    },
}

/// The signed POST that forwards a stored event, or why it cannot be sent now.
#[wasm_bindgen(js_name = workerForwardDelivery, unchecked_return_type = "ForwardDeliveryData")]
pub fn worker_forward_delivery(
    #[wasm_bindgen(unchecked_param_type = "Record<string, unknown>")] env: JsValue,
    event_id: &str,
    body: &str,
    now_ms: f64,
) -> JsValue {
    match crate::worker::forward_delivery(&settings(&env), event_id, body, now_ms.max(0.0) as u64) {
        Ok(delivery) => js(&DeliveryAnswer::Ready { ok: true, delivery }),
        Err(error) => js(&DeliveryAnswer::NotNow { ok: false, error }),
    }
}

/// Seconds before forwarding attempt `attempts + 1`.
#[wasm_bindgen(js_name = workerRetryDelay)]
pub fn worker_retry_delay(attempts: u32) -> u32 {
    crate::worker::forward_retry_delay_seconds(attempts)
}
