//! The Client's operations beyond `send` and `status` (one-time codes, the
//! provider extras), in the on-demand module (feature `full`): the core's
//! Client hands them here on their first call (`ondemand.rs`).

use super::JsClient;
use crate::client::OperationName;
use js_sys::Promise;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(js_class = Client)]
impl JsClient {
    /// Sends a one-time code; resolves to its ticket (never the code).
    #[wasm_bindgen(js_name = sendCode)]
    pub fn send_code(&self, request: JsValue) -> Promise {
        self.spawn(OperationName::SendCode, request)
    }

    /// Checks a code; a wrong code resolves to `{ valid: false, reason }`.
    #[wasm_bindgen(js_name = verifyCode)]
    pub fn verify_code(&self, request: JsValue) -> Promise {
        self.spawn(OperationName::VerifyCode, request)
    }

    /// textlink: sets a contact's tag.
    #[wasm_bindgen(js_name = updateContactTag)]
    pub fn update_contact_tag(&self, request: JsValue) -> Promise {
        self.spawn(OperationName::UpdateContactTag, request)
    }

    /// relay: the newest messages.
    #[wasm_bindgen(js_name = listMessages)]
    pub fn list_messages(&self, options: JsValue) -> Promise {
        self.spawn(OperationName::ListMessages, options)
    }

    /// relay: `GET /health`.
    pub fn health(&self) -> Promise {
        self.spawn(OperationName::Health, JsValue::UNDEFINED)
    }

    /// relay: the inbound report for a filter.
    #[wasm_bindgen(js_name = inboundQuery)]
    pub fn inbound_query(&self, filter: JsValue) -> Promise {
        self.spawn(OperationName::InboundQuery, filter)
    }

    /// relay: the registered inbound callbacks.
    #[wasm_bindgen(js_name = listCallbacks)]
    pub fn list_callbacks(&self) -> Promise {
        self.spawn(OperationName::ListCallbacks, JsValue::UNDEFINED)
    }

    /// relay: registers an inbound callback.
    #[wasm_bindgen(js_name = registerCallback)]
    pub fn register_callback(&self, callback: JsValue) -> Promise {
        self.spawn(OperationName::RegisterCallback, callback)
    }

    /// relay: removes an inbound callback by its URL.
    #[wasm_bindgen(js_name = deleteCallback)]
    pub fn delete_callback(&self, request: JsValue) -> Promise {
        self.spawn(OperationName::DeleteCallback, request)
    }
}
