//! Failover across providers that never sends one message twice: the next
//! provider is tried only when the previous one certainly did not take it.

use crate::client::{field_error, Call, Client, SendReceipt};
use crate::core::codec::Fields;
use crate::providers::{Message, MessageOf, ProviderKind};
use crate::{Clock, CodeStore, Error, ErrorCode, Random, Result, Transport};
use serde::Serialize;
use std::rc::Rc;

/// Whether a failed send may go on to the next provider: only when this
/// provider certainly did not take the message
/// ([`ErrorCode::certainly_not_taken`]) and the failure is not the caller's
/// own ([`ErrorCode::callers_fault`]), which another provider would not make
/// right (or would let bypass the policy of the caller's worker). So yes
/// after `unauthorized`, `rate_limited`, `provider_rejected`,
/// `provider_unavailable`, `network`, `invalid_phone` and `unsupported`;
/// never after `outcome_unknown` or `timeout`: the message may be on its way.
pub fn may_fail_over(code: ErrorCode) -> bool {
    code.certainly_not_taken() && !code.callers_fault()
}

/// A message for `Failover.send`: one object with `to`, `text` and any
/// provider's own fields. It is read once for each provider, as that
/// provider's message type (in its folder) from only the fields it has, so
/// each provider gets the common fields and only its own, and a field added to
/// one provider's message is a field of the failover's message too.
#[derive(Debug, Clone, PartialEq)]
pub struct FailoverMessage {
    /// Each provider's message, or why the message is none for it.
    messages: Vec<(ProviderKind, Result<Message>)>,
}

impl FailoverMessage {
    /// Reads a message object: `invalid_input` naming a field that no
    /// provider has or a value of the wrong type. A provider whose message
    /// lacks a field it requires is not an error here: that provider
    /// cannot take it, and the failover skips it.
    #[cfg_attr(all(target_arch = "wasm32", not(feature = "full")), allow(dead_code))] // the on-demand module's alone
    pub(crate) fn read(message: &impl Fields) -> Result<FailoverMessage> {
        let keys = message.keys();
        if let Some(key) = keys.iter().find(|k| !ProviderKind::ALL.into_iter().any(|p| p.message_fields().contains(&k.as_str()))) {
            return Err(Error::input(format!("message.{key} is not a field")));
        }
        let mut messages = Vec::with_capacity(ProviderKind::ALL.len());
        for p in ProviderKind::ALL {
            let read = match p.recipient_field() {
                Some(field) if !keys.iter().any(|k| k == field) => Err(Error::phone(format!("{p} needs message.{field} to address the recipient"))),
                _ => match message.read(p.message_fields(), MessageOf(p)) {
                    Ok(m) => Ok(m),
                    Err(why) if why.contains("missing field `") => Err(Error::input(field_error("message", Some(p), &why))),
                    Err(why) => return Err(Error::input(field_error("message", None, &why))),
                },
            };
            messages.push((p, read));
        }
        Ok(FailoverMessage { messages })
    }

    /// Reads a message from JSON text: `invalid_input` naming the bad field.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_json(text: &str) -> Result<FailoverMessage> {
        FailoverMessage::read(&crate::core::codec::JsonObject::parse(text, "message").map_err(Error::input)?)
    }

    /// `provider`'s message: the common fields and that provider's own;
    /// `invalid_phone` when it lacks the field that addresses that
    /// provider's recipient, `invalid_input` when it lacks another it requires.
    pub fn for_provider(&self, provider: ProviderKind) -> Result<Message> {
        self.messages
            .iter()
            .find(|(p, _)| *p == provider)
            .map_or_else(|| Err(Error::unsupported(format!("{provider} has no failover message"))), |(_, m)| m.clone())
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

/// A client of a failover (by its place in the list), with its provider's
/// message or why it cannot take it.
type Checked<P> = (usize, Rc<Client<P>>, Result<Message>);

/// Sends through the first of its clients that takes a message, moving on
/// only as [`may_fail_over`] allows.
pub struct Failover<P> {
    clients: Vec<Rc<Client<P>>>,
}

/// A failover send under way, without I/O: [`FailoverSend::step`] says
/// which client's send to drive, [`FailoverSend::sent`] takes its result.
pub struct FailoverSend<P> {
    /// The clients not tried yet, in order.
    left: std::vec::IntoIter<Checked<P>>,
    attempts: Vec<Attempt>,
    /// The last provider that could not take the message, before any request.
    refused: Option<Error>,
    /// The last send that failed.
    failed: Option<Error>,
}

/// What a failover send wants next.
pub enum FailoverStep<P> {
    /// Drive `call` with `client` (the failover's `at`th), then hand its
    /// result to [`FailoverSend::sent`].
    Send {
        /// The client's place in the failover's list.
        at: usize,
        /// The client.
        client: Rc<Client<P>>,
        /// Its send of its provider's message.
        call: Call<SendReceipt>,
    },
    /// The failover is over.
    Done(core::result::Result<FailoverReceipt, FailoverError>),
}

impl<P: Clock + Random> Failover<P> {
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

    /// Starts sending `message` through the first provider that takes it.
    /// Before any request, each provider checks its message as its `send`
    /// would: a provider that cannot take it is skipped, and a message that
    /// none can take is an `invalid_input` that reaches none of them.
    pub fn start(&self, message: &FailoverMessage) -> core::result::Result<FailoverSend<P>, FailoverError> {
        let checked = self.check(message)?;
        let attempts = Vec::with_capacity(checked.len());
        Ok(FailoverSend { left: checked.into_iter(), attempts, refused: None, failed: None })
    }
    /// Each client with its provider's message as its `send` would accept it,
    /// or why it would not (`invalid_input`, `invalid_phone`), before any
    /// request. A client that cannot send at all (`invalid_config`) ends the
    /// failover here, and so does a message that no client can take.
    fn check(&self, message: &FailoverMessage) -> core::result::Result<Vec<Checked<P>>, FailoverError> {
        let mut checked = Vec::with_capacity(self.clients.len());
        for (at, client) in self.clients.iter().enumerate() {
            let provider = client.config().provider;
            let local = message.for_provider(provider).and_then(|m| client.check_send(&m).map(|()| m)).map_err(|e| e.with_provider(provider.as_str()));
            match local {
                Err(e) if !matches!(e.code, ErrorCode::InvalidInput | ErrorCode::InvalidPhone) => {
                    return Err(FailoverError { error: e, attempts: Vec::new() });
                }
                local => checked.push((at, Rc::clone(client), local)),
            }
        }
        if checked.iter().any(|(_, _, m)| m.is_ok()) {
            return Ok(checked);
        }
        let mut why = String::from("no provider of this Failover can send this message (");
        let mut attempts = Vec::with_capacity(checked.len());
        for (provider, e) in checked.into_iter().filter_map(|(_, c, m)| m.err().map(|e| (c.config().provider, e))) {
            if !attempts.is_empty() {
                why.push_str("; ");
            }
            why.push_str(&format!("{provider}: {}", e.message));
            attempts.push(Attempt { provider, error: Some(e.code) });
        }
        why.push(')');
        Err(FailoverError { error: Error::input(why), attempts })
    }
}

impl<P: Clock + Random + Transport + CodeStore> Failover<P> {
    /// Sends `message` through the first provider that takes it ([`Failover::start`]).
    pub async fn send(&self, message: &FailoverMessage) -> core::result::Result<FailoverReceipt, FailoverError> {
        let mut run = self.start(message)?;
        loop {
            match run.step() {
                FailoverStep::Send { client, call, .. } => {
                    if let Some(end) = run.sent(client.config().provider, client.drive(call).await) {
                        return end;
                    }
                }
                FailoverStep::Done(end) => return end,
            }
        }
    }
}

impl<P: Clock + Random> FailoverSend<P> {
    /// The next provider's send, or the end: every provider tried, or one
    /// failed in a way that may not be failed over.
    pub fn step(&mut self) -> FailoverStep<P> {
        while let Some((at, client, message)) = self.left.next() {
            let provider = client.config().provider;
            let started = match message {
                Ok(m) => client.start_send(m),
                Err(e) => {
                    self.attempts.push(Attempt { provider, error: Some(e.code) });
                    self.refused = Some(e);
                    continue;
                }
            };
            match started {
                Ok(call) => return FailoverStep::Send { at, client, call },
                Err(e) => {
                    if let Some(end) = self.sent(provider, Err(e)) {
                        return FailoverStep::Done(end);
                    }
                }
            }
        }
        FailoverStep::Done(Err(self.end()))
    }

    /// The result of the send [`FailoverSend::step`] gave, through
    /// `provider`: the end of the failover, or `None` when it goes on with
    /// the next provider.
    pub fn sent(&mut self, provider: ProviderKind, result: Result<SendReceipt>) -> Option<core::result::Result<FailoverReceipt, FailoverError>> {
        match result {
            Ok(receipt) => {
                self.attempts.push(Attempt { provider, error: None });
                Some(Ok(FailoverReceipt { receipt, attempts: core::mem::take(&mut self.attempts) }))
            }
            Err(e) => {
                self.attempts.push(Attempt { provider, error: Some(e.code) });
                let stop = !may_fail_over(e.code);
                self.failed = Some(e);
                stop.then(|| Err(self.end()))
            }
        }
    }

    /// The error that ends a failover no provider took the message in.
    fn end(&mut self) -> FailoverError {
        let error = self.failed.take().or(self.refused.take()).unwrap_or_else(|| Error::config("a Failover needs at least one client or config"));
        FailoverError { error, attempts: core::mem::take(&mut self.attempts) }
    }
}
