//! The client's operations: each one's name and argument, read from any
//! serde deserializer (a JavaScript value, JSON text).

use crate::providers::relay::{DeleteCallbackRequest, InboundCallback, InboundFilter, ListOptions};
use crate::providers::textlink::ContactTagRequest;
use crate::providers::{Message, ProviderKind};
use crate::Result;
use serde::{Deserialize, Deserializer, Serialize};

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

/// The name of a client operation: its method in JavaScript (`"sendCode"`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum OperationName {
    /// `send`.
    Send,
    /// `sendCode`.
    SendCode,
    /// `verifyCode`.
    VerifyCode,
    /// `status`.
    Status,
    /// `updateContactTag` (textlink).
    UpdateContactTag,
    /// `listMessages` (relay).
    ListMessages,
    /// `health` (relay).
    Health,
    /// `inboundQuery` (relay).
    InboundQuery,
    /// `listCallbacks` (relay).
    ListCallbacks,
    /// `registerCallback` (relay).
    RegisterCallback,
    /// `deleteCallback` (relay).
    DeleteCallback,
}

impl OperationName {
    /// Every operation, in the contract's order.
    pub const ALL: [OperationName; 11] = [
        OperationName::Send,
        OperationName::SendCode,
        OperationName::VerifyCode,
        OperationName::Status,
        OperationName::UpdateContactTag,
        OperationName::ListMessages,
        OperationName::Health,
        OperationName::InboundQuery,
        OperationName::ListCallbacks,
        OperationName::RegisterCallback,
        OperationName::DeleteCallback,
    ];

    /// The JavaScript method name.
    pub fn as_str(self) -> &'static str {
        match self {
            OperationName::Send => "send",
            OperationName::SendCode => "sendCode",
            OperationName::VerifyCode => "verifyCode",
            OperationName::Status => "status",
            OperationName::UpdateContactTag => "updateContactTag",
            OperationName::ListMessages => "listMessages",
            OperationName::Health => "health",
            OperationName::InboundQuery => "inboundQuery",
            OperationName::ListCallbacks => "listCallbacks",
            OperationName::RegisterCallback => "registerCallback",
            OperationName::DeleteCallback => "deleteCallback",
        }
    }

    /// The operation a JavaScript method name names.
    pub fn parse(name: &str) -> Option<OperationName> {
        Self::ALL.into_iter().find(|o| o.as_str() == name)
    }
}

impl Serialize for OperationName {
    fn serialize<S: serde::Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl Operation {
    /// Reads the argument of the operation `name` for a `provider` client
    /// from any serde deserializer: `invalid_input` naming the bad field.
    pub fn read<'de, D: Deserializer<'de>>(name: OperationName, provider: ProviderKind, arg: D) -> Result<Operation> {
        use OperationName as N;
        let what = match name {
            N::Send => "message",
            N::SendCode | N::VerifyCode | N::UpdateContactTag | N::DeleteCallback => "request",
            N::ListMessages => "options",
            N::InboundQuery => "filter",
            N::RegisterCallback => "callback",
            N::Status => "id",
            // These take no argument; whatever was given is skipped.
            N::Health | N::ListCallbacks => {
                let _ = serde::de::IgnoredAny::deserialize(arg);
                return Ok(if name == N::Health { Operation::Health } else { Operation::ListCallbacks });
            }
        };
        crate::core::codec::read(arg, |d| {
            Ok(match name {
                N::Send => Operation::Send(Message::deserialize_for(provider, d)?),
                N::SendCode => Operation::SendCode(crate::core::codec::de::<CodeRequest, _>(d)?),
                N::VerifyCode => Operation::VerifyCode(crate::core::codec::de::<VerifyRequest, _>(d)?),
                N::Status => Operation::Status(crate::core::codec::de::<String, _>(d)?),
                N::UpdateContactTag => Operation::UpdateContactTag(crate::core::codec::de::<ContactTagRequest, _>(d)?),
                N::ListMessages => Operation::ListMessages(crate::core::codec::de::<ListOptions, _>(d)?),
                N::InboundQuery => Operation::InboundQuery(crate::core::codec::de::<InboundFilter, _>(d)?),
                N::RegisterCallback => Operation::RegisterCallback(crate::core::codec::de::<InboundCallback, _>(d)?),
                _ => Operation::DeleteCallback(crate::core::codec::de::<DeleteCallbackRequest, _>(d)?),
            })
        })
        .map_err(|why| crate::client::input_error(what, provider, &why))
    }

    /// [`Operation::read`] from JSON text and the operation's JavaScript
    /// name: `unsupported` for a name that is no operation.
    ///
    /// ```
    /// use edgetext::client::{Operation, OperationName};
    /// use edgetext::providers::ProviderKind;
    /// use edgetext::ErrorCode;
    /// let op = Operation::from_json("send", ProviderKind::TextLink, r#"{"to":"+12125551212","text":"hi"}"#).unwrap();
    /// assert_eq!(op.name(), OperationName::Send);
    /// let e = Operation::from_json("send", ProviderKind::TextLink, r#"{"to":"+12125551212","text":"hi","channel":"sms"}"#).unwrap_err();
    /// assert_eq!(e.code, ErrorCode::InvalidInput);
    /// assert!(e.message.contains("channel"), "{}", e.message);
    /// ```
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_json(name: &str, provider: ProviderKind, text: &str) -> Result<Operation> {
        let op = OperationName::parse(name).ok_or_else(|| crate::Error::unsupported(format!("there is no operation named \"{name}\"")))?;
        let mut de = serde_json::Deserializer::from_str(text);
        let read = Operation::read(op, provider, &mut de)?;
        de.end().map_err(|e| crate::Error::input(format!("{name}: {e}")))?;
        Ok(read)
    }

    /// The operation's name.
    pub fn name(&self) -> OperationName {
        match self {
            Operation::Send(_) => OperationName::Send,
            Operation::SendCode(_) => OperationName::SendCode,
            Operation::VerifyCode(_) => OperationName::VerifyCode,
            Operation::Status(_) => OperationName::Status,
            Operation::UpdateContactTag(_) => OperationName::UpdateContactTag,
            Operation::ListMessages(_) => OperationName::ListMessages,
            Operation::Health => OperationName::Health,
            Operation::InboundQuery(_) => OperationName::InboundQuery,
            Operation::ListCallbacks => OperationName::ListCallbacks,
            Operation::RegisterCallback(_) => OperationName::RegisterCallback,
            Operation::DeleteCallback(_) => OperationName::DeleteCallback,
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
