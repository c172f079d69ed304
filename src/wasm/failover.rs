//! The `Failover` class: `new Failover([clientOrConfig, …], options)` and
//! its `send(message)`, over the core's [`crate::client::Failover`].

use super::convert::error_to_js;
use super::platform::JsPlatform;
use super::{prop, JsClient};
use crate::client::FailoverMessage;
use crate::Error;
use std::rc::Rc;
use wasm_bindgen::convert::TryFromJsValue;
use wasm_bindgen::prelude::*;

/// Sends through the first of its providers that takes a message.
#[wasm_bindgen(js_name = Failover, skip_typescript)]
pub struct JsFailover {
    inner: Rc<crate::client::Failover<JsPlatform>>,
}

/// The core client of a `Client` instance, shared; `None` for anything else.
fn shared(item: &JsValue) -> Option<Rc<crate::client::Client<JsPlatform>>> {
    let share: js_sys::Function = prop(item, "__share").dyn_into().ok()?;
    let handle = share.call0(item).ok()?;
    JsClient::try_from_js_value(handle).ok().map(|c| c.inner)
}

#[wasm_bindgen(js_class = Failover)]
impl JsFailover {
    /// `clients`: `Client`s and configs (made into clients with `options`), tried in order.
    #[wasm_bindgen(constructor)]
    pub fn new(clients: JsValue, options: JsValue) -> Result<JsFailover, JsValue> {
        if !js_sys::Array::is_array(&clients) {
            return Err(error_to_js(Error::config("new Failover(clients): clients must be an array of Clients or configs")));
        }
        let mut list = Vec::new();
        for item in js_sys::Array::from(&clients).iter() {
            list.push(match shared(&item) {
                Some(client) => client,
                None => JsClient::new(item, options.clone())?.inner,
            });
        }
        Ok(JsFailover { inner: Rc::new(crate::client::Failover::new(list).map_err(error_to_js)?) })
    }

    /// Sends `message`; resolves to the accepting provider's receipt plus
    /// `attempts`, or throws the error that ended it, with `attempts`.
    pub async fn send(&self, message: JsValue) -> Result<JsValue, JsValue> {
        if !message.is_object() || js_sys::Array::is_array(&message) {
            return Err(error_to_js(Error::input("message must be an object")));
        }
        let m = FailoverMessage::read(&super::convert::JsObject(message)).map_err(error_to_js)?;
        let failover = Rc::clone(&self.inner);
        match failover.send(&m).await {
            Ok(receipt) => super::convert::out(Ok(receipt)),
            Err(failed) => {
                let e = error_to_js(failed.error);
                let attempts = crate::wasm::convert::to_js(&failed.attempts).unwrap_or(JsValue::NULL);
                let _ = js_sys::Reflect::set(&e, &JsValue::from_str("attempts"), &attempts);
                Err(e)
            }
        }
    }
}
