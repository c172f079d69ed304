//! Failover across providers that never sends one message twice: the next
//! provider is tried only when the previous one certainly did not take it.

use crate::{
    CodeStore, ConversationState, Error, ErrorCode, KlinkMessage, Message, ProviderKind, Random, RelayChannel, RelayMessage,
    Result, SendReceipt, TeklinkMessage, TextLinkMessage, Transport,
};
use crate::{Client, Clock};
use serde::{Deserialize, Serialize};
use std::rc::Rc;

/// Whether a failed send may go on to the next provider.
///
/// Yes only when this provider certainly did not take the message and
/// another may: it refused it (`unauthorized`, `provider_rejected`,
/// `provider_unavailable`: a 503 before accepting), the request never left
/// (`network`), it is still rate limited after its retries, it cannot
/// address the recipient (`invalid_phone`) or has no such operation.
/// Never after `outcome_unknown` (nor a read's `timeout`): the message may
/// be on its way. Never for the caller's own mistakes (`invalid_input`,
/// `invalid_config`) or a policy of the caller's worker
/// (`country_not_allowed`, `number_not_allowed`): another provider would
/// not make them right, and would bypass the policy. (`invalid_assertion`
/// and `wasm_unavailable` are never a send's.)
pub fn may_fail_over(code: ErrorCode) -> bool {
    match code {
        ErrorCode::Unauthorized
        | ErrorCode::RateLimited
        | ErrorCode::ProviderRejected
        | ErrorCode::ProviderUnavailable
        | ErrorCode::Network
        | ErrorCode::InvalidPhone
        | ErrorCode::Unsupported => true,
        ErrorCode::OutcomeUnknown
        | ErrorCode::Timeout
        | ErrorCode::InvalidInput
        | ErrorCode::InvalidConfig
        | ErrorCode::CountryNotAllowed
        | ErrorCode::NumberNotAllowed
        | ErrorCode::InvalidAssertion
        | ErrorCode::WasmUnavailable => false,
    }
}

/// A message for `Failover.send`: `to` and `text`, and any provider's own
/// fields. Each provider gets the common fields and only its own.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct FailoverMessage {
    /// The recipient (every provider but klink).
    #[serde(default)]
    pub to: Option<String>,
    /// The text (teklink: or `templateId`).
    #[serde(default)]
    pub text: Option<String>,
    /// klink: the contact's UUID.
    #[serde(default)]
    pub contact_id: Option<String>,
    /// klink: the message type.
    #[serde(default)]
    pub message_type: Option<String>,
    /// textlink: the SIM card.
    #[serde(default)]
    pub sim_card_id: Option<u32>,
    /// textlink: your id for the message.
    #[serde(default)]
    pub custom_id: Option<String>,
    /// teklink: a template instead of a text.
    #[serde(default)]
    pub template_id: Option<String>,
    /// teklink: open or close the conversation.
    #[serde(default)]
    pub conversation_state: Option<ConversationState>,
    /// teklink: the sender name.
    #[serde(default)]
    pub from_name: Option<String>,
    /// teklink: refuse a duplicate within this many minutes.
    #[serde(default)]
    pub duplicate_send_reject_timeout_minutes: Option<u32>,
    /// teklink: send even to an opted-out contact.
    #[serde(default)]
    pub force_send: Option<bool>,
    /// teklink: delay the send.
    #[serde(default)]
    pub send_delay_seconds: Option<u32>,
    /// relay: the channel.
    #[serde(default)]
    pub channel: Option<RelayChannel>,
    /// relay: the subject (email, notify).
    #[serde(default)]
    pub subject: Option<String>,
    /// relay: the title (notify).
    #[serde(default)]
    pub title: Option<String>,
    /// relay: the bot's token (tg_bot).
    #[serde(default)]
    pub bot_token: Option<String>,
    /// relay: the `source` tag.
    #[serde(default)]
    pub source: Option<String>,
    /// relay: its de-duplication key.
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

impl FailoverMessage {
    /// Reads a message from JSON text: `invalid_input` naming the bad field.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_json(text: &str) -> Result<FailoverMessage> {
        let mut de = serde_json::Deserializer::from_str(text);
        crate::codec::read(&mut de, |d| FailoverMessage::deserialize(d))
            .map_err(|why| Error::input(crate::model::field_error("message", None, &why)))
    }

    /// `provider`'s message: the common fields and that provider's own.
    /// `invalid_phone` when it has no recipient the provider addresses
    /// (klink takes `contactId`, the others `to`).
    pub fn for_provider(&self, provider: ProviderKind) -> Result<Message> {
        let m = self.clone();
        let text = || m.text.clone().ok_or_else(|| Error::input("message.text is required"));
        let to = |given: Option<String>, field: &str| {
            given.ok_or_else(|| Error::phone(format!("{provider} needs message.{field} to address the recipient")))
        };
        Ok(match provider {
            ProviderKind::TextLink => Message::TextLink(TextLinkMessage {
                to: to(m.to.clone(), "to")?,
                text: text()?,
                sim_card_id: m.sim_card_id,
                custom_id: m.custom_id,
            }),
            ProviderKind::Teklink => Message::Teklink(TeklinkMessage {
                to: to(m.to.clone(), "to")?,
                text: m.text.clone(),
                template_id: m.template_id,
                conversation_state: m.conversation_state,
                from_name: m.from_name,
                duplicate_send_reject_timeout_minutes: m.duplicate_send_reject_timeout_minutes,
                force_send: m.force_send,
                send_delay_seconds: m.send_delay_seconds,
            }),
            ProviderKind::Relay => Message::Relay(RelayMessage {
                to: m.to.clone(),
                text: text()?,
                channel: m.channel,
                subject: m.subject,
                title: m.title,
                bot_token: m.bot_token,
                source: m.source,
                idempotency_key: m.idempotency_key,
            }),
            ProviderKind::Klink => Message::Klink(KlinkMessage {
                contact_id: to(m.contact_id.clone(), "contactId")?,
                text: text()?,
                message_type: m.message_type,
            }),
        })
    }
}

/// One provider a failover send tried, and how it failed (`null`: it took the message).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct Attempt {
    /// The provider.
    pub provider: ProviderKind,
    /// Its error's code; `null` for the provider that took the message.
    #[cfg_attr(target_arch = "wasm32", tsify(type = "ErrorCode | null"))]
    pub error: Option<ErrorCode>,
}

/// The receipt of a failover send: the accepting provider's, plus every provider tried.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct FailoverReceipt {
    /// The accepting provider's receipt.
    #[serde(flatten)]
    pub receipt: SendReceipt,
    /// In order; the last one took the message.
    pub attempts: Vec<Attempt>,
}

/// A failover send that did not go out: the last provider's error (the
/// first one that may not be failed over) and every provider tried.
#[derive(Debug, Clone, PartialEq)]
pub struct FailoverError {
    /// The error that ended it.
    pub error: Error,
    /// In order; the last one gave `error`.
    pub attempts: Vec<Attempt>,
}

/// Sends through the first of its clients that takes a message, moving on
/// only as [`may_fail_over`] allows.
pub struct Failover<P> {
    clients: Vec<Rc<Client<P>>>,
}

impl<P: Clock + Random + Transport + CodeStore> Failover<P> {
    /// A failover over `clients`, tried in order (`invalid_config` without any).
    pub fn new(clients: Vec<Rc<Client<P>>>) -> Result<Failover<P>> {
        if clients.is_empty() {
            return Err(Error::config("a Failover needs at least one client or config"));
        }
        Ok(Failover { clients })
    }

    /// The clients, in order.
    pub fn clients(&self) -> &[Rc<Client<P>>] {
        &self.clients
    }

    /// Sends `message` through the first provider that takes it.
    pub async fn send(&self, message: &FailoverMessage) -> core::result::Result<FailoverReceipt, FailoverError> {
        let mut attempts = Vec::new();
        let mut last = Error::config("a Failover needs at least one client or config");
        for client in &self.clients {
            let provider = client.config().provider;
            let sent = match message.for_provider(provider) {
                Ok(m) => client.send(m).await,
                Err(e) => Err(e.with_provider(provider.as_str())),
            };
            let error = sent.as_ref().err().map(|e| e.code);
            attempts.push(Attempt { provider, error });
            match sent {
                Ok(receipt) => return Ok(FailoverReceipt { receipt, attempts }),
                Err(e) => {
                    last = e;
                    if !may_fail_over(last.code) {
                        break;
                    }
                }
            }
        }
        Err(FailoverError { error: last, attempts })
    }
}
