//! The client's operations: each one's name and argument, read from any
//! serde deserializer (a JavaScript value, JSON text).

use crate::providers::relay::{DeleteCallbackRequest, InboundCallback, InboundFilter, ListOptions};
use crate::providers::textlink::ContactTagRequest;
use crate::providers::{Message, ProviderKind};
use crate::{Error, Result};
use serde::{Deserialize, Deserializer};

/// One client operation with its argument (the contract's method names in JavaScript).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Operation {
    /// `send(message)`.
    Send(Message),
    /// `sendCode(request)`.
    SendCode(CodeRequest),
    /// `verifyCode(request)`.
    VerifyCode(VerifyRequest),
    /// `status(id)`.
    Status(String),
    /// textlink `updateContactTag(request)`.
    UpdateContactTag(ContactTagRequest),
    /// relay `listMessages(options)`.
    ListMessages(ListOptions),
    /// relay `health()`.
    Health,
    /// relay `inboundQuery(filter)`.
    InboundQuery(InboundFilter),
    /// relay `listCallbacks()`.
    ListCallbacks,
    /// relay `registerCallback(callback)`.
    RegisterCallback(InboundCallback),
    /// relay `deleteCallback(request)`.
    DeleteCallback(DeleteCallbackRequest),
}

impl Operation {
    /// Reads the argument of the operation named `name` (its JavaScript
    /// method name) for a `provider` client from any serde deserializer:
    /// `invalid_input` naming the bad field, `unsupported` for another name.
    pub fn read<'de, D: Deserializer<'de>>(name: &str, provider: ProviderKind, arg: D) -> Result<Operation> {
        let what = match name {
            "send" => "message",
            "sendCode" | "verifyCode" | "updateContactTag" | "deleteCallback" => "request",
            "listMessages" => "options",
            "inboundQuery" => "filter",
            "registerCallback" => "callback",
            "status" => "id",
            // These take no argument; whatever was given is skipped.
            "health" | "listCallbacks" => {
                let _ = serde::de::IgnoredAny::deserialize(arg);
                return Ok(if name == "health" { Operation::Health } else { Operation::ListCallbacks });
            }
            _ => return Err(Error::unsupported(format!("there is no operation named \"{name}\""))),
        };
        crate::core::codec::read(arg, |d| {
            Ok(match name {
                "send" => Operation::Send(Message::deserialize_for(provider, d)?),
                "sendCode" => Operation::SendCode(crate::core::codec::de::<CodeRequest, _>(d)?),
                "verifyCode" => Operation::VerifyCode(crate::core::codec::de::<VerifyRequest, _>(d)?),
                "status" => Operation::Status(crate::core::codec::de::<String, _>(d)?),
                "updateContactTag" => Operation::UpdateContactTag(crate::core::codec::de::<ContactTagRequest, _>(d)?),
                "listMessages" => Operation::ListMessages(crate::core::codec::de::<ListOptions, _>(d)?),
                "inboundQuery" => Operation::InboundQuery(crate::core::codec::de::<InboundFilter, _>(d)?),
                "registerCallback" => Operation::RegisterCallback(crate::core::codec::de::<InboundCallback, _>(d)?),
                _ => Operation::DeleteCallback(crate::core::codec::de::<DeleteCallbackRequest, _>(d)?),
            })
        })
        .map_err(|why| crate::client::input_error(what, provider, &why))
    }

    /// [`Operation::read`] from JSON text.
    ///
    /// ```
    /// use edgetext::client::Operation;
    /// use edgetext::providers::ProviderKind;
    /// use edgetext::ErrorCode;
    /// let op = Operation::from_json("send", ProviderKind::TextLink, r#"{"to":"+12125551212","text":"hi"}"#).unwrap();
    /// assert_eq!(op.name(), "send");
    /// let e = Operation::from_json("send", ProviderKind::TextLink, r#"{"to":"+12125551212","text":"hi","channel":"sms"}"#).unwrap_err();
    /// assert_eq!(e.code, ErrorCode::InvalidInput);
    /// assert!(e.message.contains("channel"), "{}", e.message);
    /// ```
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_json(name: &str, provider: ProviderKind, text: &str) -> Result<Operation> {
        let mut de = serde_json::Deserializer::from_str(text);
        let op = Operation::read(name, provider, &mut de)?;
        de.end().map_err(|e| Error::input(format!("{name}: {e}")))?;
        Ok(op)
    }

    /// The JavaScript method name (`"sendCode"`, …).
    pub fn name(&self) -> &'static str {
        match self {
            Operation::Send(_) => "send",
            Operation::SendCode(_) => "sendCode",
            Operation::VerifyCode(_) => "verifyCode",
            Operation::Status(_) => "status",
            Operation::UpdateContactTag(_) => "updateContactTag",
            Operation::ListMessages(_) => "listMessages",
            Operation::Health => "health",
            Operation::InboundQuery(_) => "inboundQuery",
            Operation::ListCallbacks => "listCallbacks",
            Operation::RegisterCallback(_) => "registerCallback",
            Operation::DeleteCallback(_) => "deleteCallback",
        }
    }
}

/// `sendCode(request)`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct CodeRequest {
    /// The recipient (klink: or `contact_id`).
    #[serde(default)]
    pub to: Option<String>,
    /// klink: the contact's UUID.
    #[serde(default)]
    pub contact_id: Option<String>,
    /// Named in the message.
    #[serde(default)]
    pub service_name: Option<String>,
    /// Digits, 4–10 (signed codes).
    #[serde(default)]
    pub length: Option<u8>,
    /// Lifetime in seconds.
    #[serde(default)]
    pub ttl_seconds: Option<u64>,
    /// textlink: your id.
    #[serde(default)]
    pub custom_id: Option<String>,
    /// textlink: the SIM card.
    #[serde(default)]
    pub sim_card_id: Option<u32>,
}

/// `verifyCode(request)`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct VerifyRequest {
    /// The recipient (klink: or `contact_id`).
    #[serde(default)]
    pub to: Option<String>,
    /// klink: the contact's UUID.
    #[serde(default)]
    pub contact_id: Option<String>,
    /// The code the user typed.
    pub code: String,
    /// The ticket's token (signed codes); `null` as a ticket without one has it.
    #[serde(default)]
    #[cfg_attr(target_arch = "wasm32", tsify(type = "string | null | undefined"))]
    pub token: Option<String>,
}
