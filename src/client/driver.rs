//! The client: validates a call, prepares its request and hands back a
//! [`Call`] to drive. [`Client::run`] drives one to the end through the
//! platform's [`Transport`]: natively a Rust transport, in the wasm the
//! global `fetch` (`src/wasm/platform.rs`); `Client`'s methods in JavaScript
//! feed their calls from promise continuations instead ([`Client::feed`]).

use super::call::{worker_ok, Outcome, Prepared};
use super::operation::{Operation, OperationName};
use super::otp::{length_error, render_template, ttl_error, CODE_LENGTHS, CODE_TTL_SECONDS};
use crate::providers::{klink, relay, teklink, textlink, Ctx, PreparedSend, Retry};
use crate::client::{generate_code, sign_code, Call, CodeMode, CodeRequest, CodeTicket, Config, MessageStatus, RequestRecord, SendReceipt, Step, Verification, VerifyReason, VerifyRequest};
use crate::contract::{DeliveryStatus, OtpAnswer, OtpSendRequest, OtpVerifyRequest, StatusAnswer};
use crate::phone::nanp_national;
use crate::providers::{Message, ProviderConfig, ProviderKind};
use crate::providers::relay::RelayMessage;
use crate::{Clock, CodeStore, Error, ErrorCode, HttpRequest, HttpResponse, Method, Random, RawJson, Result, Transport, TransportError};
use std::sync::Arc;

/// A client for one provider. `P` tells the time and gives random bytes;
/// to use [`Client::run`] and the async methods it must also be a
/// [`Transport`] and a [`CodeStore`].
pub struct Client<P> {
    cfg: Arc<Config>,
    platform: P,
    on_request: Option<RequestHook>,
    /// The signed-code checks of each token, one at a time.
    pub(super) tokens: super::signed::TokenQueue,
}

/// `config.onRequest`: called once per HTTP attempt.
type RequestHook = Box<dyn Fn(&RequestRecord)>;

impl<P: Clock + Random> Client<P> {
    /// A client for a validated configuration.
    pub fn new(cfg: Config, platform: P) -> Self {
        Client { cfg: Arc::new(cfg), platform, on_request: None, tokens: Default::default() }
    }

    /// The same client, calling `hook` once per HTTP attempt
    /// (`config.onRequest` in JavaScript).
    pub fn on_request(mut self, hook: impl Fn(&RequestRecord) + 'static) -> Self {
        self.on_request = Some(Box::new(hook));
        self
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    /// The platform.
    pub fn platform(&self) -> &P {
        &self.platform
    }

    fn provider(&self) -> &'static str {
        self.cfg.provider.as_str()
    }

    /// Starts an operation: validates its argument and prepares its request,
    /// a call typed by what it gives; bad input is the error, and no request.
    pub fn start(&self, op: Operation) -> Result<Started> {
        let name = op.name();
        let cfg = &self.cfg;
        let extra = |req: Result<HttpRequest>| self.started(name, self.needs_key(name).and(req).map(super::raw)).map(Started::Raw);
        match op {
            Operation::Send(m) => self.start_send(m).map(Started::Send),
            Operation::SendCode(r) => self.start_code(r).map(Started::Code),
            Operation::VerifyCode(r) if self.checks_signed() => Ok(Started::CheckSigned(r)),
            Operation::VerifyCode(r) => self.start_verify(r).map(Started::Verify),
            Operation::Status(id) => self.start_status(&id).map(Started::Status),
            // Setting a tag twice is harmless, so it retries like a read.
            Operation::UpdateContactTag(r) => extra(self.only(ProviderKind::TextLink, name).and_then(|()| textlink::update_contact_tag(cfg, r))),
            Operation::ListMessages(o) => extra(self.only(ProviderKind::Relay, name).and_then(|()| relay::list_messages(cfg, o))),
            Operation::Health => extra(self.only(ProviderKind::Relay, name).map(|()| relay::health(cfg))),
            Operation::InboundQuery(f) => extra(match &cfg.provider_config {
                ProviderConfig::Relay(own) => relay::inbound_query(cfg, own, f),
                _ => Err(self.not_here(ProviderKind::Relay, name)),
            }),
            Operation::ListCallbacks => extra(self.only(ProviderKind::Relay, name).map(|()| relay::list_callbacks(cfg))),
            Operation::RegisterCallback(c) => extra(self.only(ProviderKind::Relay, name).and_then(|()| relay::register_callback(cfg, c))),
            Operation::DeleteCallback(r) => extra(self.only(ProviderKind::Relay, name).and_then(|()| relay::delete_callback(cfg, r))),
        }
    }

    /// The call of a prepared request; an error names the provider.
    fn started<O>(&self, name: OperationName, prepared: Result<Prepared<O>>) -> Result<Call<O>> {
        match prepared {
            Ok(p) => Ok(Call::new(&self.cfg, name, p)),
            Err(e) => Err(e.with_provider(self.provider())),
        }
    }

    /// Starts a send.
    pub fn start_send(&self, message: Message) -> Result<Call<SendReceipt>> {
        let prepared = self.needs_key(OperationName::Send).and_then(|()| self.prepare_send(message));
        self.started(OperationName::Send, prepared.map(PreparedSend::receipt))
    }

    /// Starts a code's send: through the worker (`otpUrl`), TextLink's own
    /// code endpoint, or a code signed here and sent as a message.
    pub fn start_code(&self, request: CodeRequest) -> Result<Call<CodeTicket>> {
        let prepared = match self.cfg.otp_url.as_deref() {
            Some(base) => self.prepare_worker_code(base, request),
            None => self.needs_key(OperationName::SendCode).and_then(|()| self.prepare_code(request)),
        };
        self.started(OperationName::SendCode, prepared)
    }

    /// Starts a code's check by the worker (`otpUrl`) or by TextLink; a
    /// signed code is checked with the store ([`Client::verify_code`]).
    pub fn start_verify(&self, request: VerifyRequest) -> Result<Call<Verification>> {
        let prepared = match self.cfg.otp_url.as_deref() {
            Some(base) => self.prepare_worker_verify(base, request),
            None => self.needs_key(OperationName::VerifyCode).and_then(|()| self.prepare_provider_verify(request)),
        };
        self.started(OperationName::VerifyCode, prepared)
    }

    /// Starts a status read.
    pub fn start_status(&self, id: &str) -> Result<Call<MessageStatus>> {
        let prepared = self.needs_key(OperationName::Status).and_then(|()| self.prepare_status(id));
        self.started(OperationName::Status, prepared)
    }

    /// A keyless client (only `otpUrl`) has no provider operation.
    fn needs_key(&self, op: OperationName) -> Result<()> {
        if self.cfg.api_key.is_empty() {
            return Err(Error::config(format!(
                "config.apiKey is required for {}: without it the client only has config.otpUrl, for sendCode and verifyCode",
                op.as_str()
            )));
        }
        Ok(())
    }

    /// A plain text to `to` as this client's provider's message (to a
    /// Klink contact id, for Klink).
    fn text_message(&self, to: String, text: String) -> Message {
        match self.cfg.provider {
            ProviderKind::Klink => Message::Klink(crate::providers::klink::KlinkMessage { contact_id: to, text, message_type: None }),
            ProviderKind::Relay => Message::Relay(RelayMessage { to: Some(to), text, ..Default::default() }),
            ProviderKind::TextLink => Message::TextLink(crate::providers::textlink::TextLinkMessage { to, text, ..Default::default() }),
            ProviderKind::Teklink => Message::Teklink(crate::providers::teklink::TeklinkMessage { to, text: Some(text), ..Default::default() }),
        }
    }

    /// Starts the send of a plain `text` to `to`: the request and the
    /// errors of [`Client::start_send`] with the provider's message of just
    /// those two fields, and no receipt (the call gives `()` once the
    /// provider took the message).
    pub fn start_text(&self, to: String, text: String) -> Result<Call<()>> {
        let prepared = self.needs_key(OperationName::Send).and_then(|()| self.prepare_send(self.text_message(to, text)));
        self.started(OperationName::Send, prepared.map(|send| send.once_taken(())))
    }

    /// Checks `message` as [`Client::send`] would before its request, and
    /// sends nothing: the error `send` would give without a request
    /// (`invalid_input`, `invalid_phone`, `invalid_config`), or `Ok`.
    pub fn check_send(&self, message: &Message) -> Result<()> {
        self.needs_key(OperationName::Send)?;
        self.prepare_send(message.clone()).map(drop)
    }

    #[inline(never)]
    fn prepare_send(&self, m: Message) -> Result<crate::providers::PreparedSend> {
        let ctx = Ctx { clock: &self.platform, rng: &self.platform };
        let cfg = &self.cfg;
        match (m, &cfg.provider_config) {
            (Message::TextLink(m), ProviderConfig::TextLink(own)) => textlink::send(cfg, own, m, &ctx),
            (Message::Teklink(m), ProviderConfig::Teklink(own)) => teklink::send(cfg, own, m, &ctx),
            (Message::Relay(m), ProviderConfig::Relay(own)) => relay::send(cfg, own, m, &ctx),
            (Message::Klink(m), ProviderConfig::Klink(_)) => klink::send(cfg, m, &ctx),
            (m, _) => Err(Error::input(format!("a {} message was given to a {} client", m.provider(), cfg.provider))),
        }
    }

    /// TextLink's own code endpoint, or a code signed here and sent as a message.
    #[inline(never)]
    fn prepare_code(&self, r: CodeRequest) -> Result<Prepared<CodeTicket>> {
        let cfg = &self.cfg;
        let p = self.provider();
        if let ProviderConfig::TextLink(own) = &cfg.provider_config {
            return textlink::send_code(cfg, own, r);
        }
        let otp = self.otp_config()?;
        let not_here = |given: bool, field: &str| crate::providers::only_for(given, field, p, " (signed codes)");
        not_here(r.custom_id.is_some(), "customId")?;
        not_here(r.sim_card_id.is_some(), "simCardId")?;
        let to = self.recipient_field(r.to, r.contact_id)?;
        let service = r.service_name.ok_or_else(|| Error::input("request.serviceName is required"))?;
        let length = match r.length {
            Some(l) if !CODE_LENGTHS.contains(&l) => return Err(Error::input(length_error("request.length"))),
            Some(l) => l,
            None => otp.length,
        };
        let ttl = match r.ttl_seconds {
            Some(t) if !CODE_TTL_SECONDS.contains(&t) => return Err(Error::input(ttl_error("request.ttlSeconds"))),
            Some(t) => t,
            None => otp.ttl_seconds,
        };
        let recipient = self.recipient(&to)?;
        let code = generate_code(&self.platform, length)?;
        let text = render_template(&otp.template, &service, ttl, &code);
        let send = self.prepare_send(self.text_message(to, text))?;
        let mut nonce = [0u8; 16];
        self.platform.fill(&mut nonce);
        let expires = self.platform.now_ms() + ttl * 1000;
        let token = sign_code(otp.secret.as_bytes(), &recipient, &code, expires, &nonce);
        let ticket = CodeTicket { provider: cfg.provider, to: recipient, mode: CodeMode::Signed, expires_at_ms: expires, token: Some(token) };
        Ok(send.once_taken(ticket))
    }

    /// TextLink checks its own codes; signed codes are checked by
    /// [`Client::verify_code`] itself, with the store.
    #[inline(never)]
    fn prepare_provider_verify(&self, r: VerifyRequest) -> Result<Prepared<Verification>> {
        let cfg = &self.cfg;
        if cfg.provider != ProviderKind::TextLink {
            return Err(Error::unsupported("signed codes are checked by Client::verify_code, which keeps their counts in the store"));
        }
        crate::providers::only_for(r.token.is_some(), "token", "textlink", ", which checks codes itself")?;
        crate::providers::only_for(r.contact_id.is_some(), "contactId", "textlink", "")?;
        let to = crate::phone::normalize_phone(r.to.as_deref().ok_or_else(|| Error::input("request.to is required"))?, None)?;
        Ok(textlink::verify_code(cfg, &to, r.code.trim()))
    }

    /// `POST {otpUrl}/v1/otp/send`: the worker makes, keeps and sends the code.
    #[inline(never)]
    fn prepare_worker_code(&self, base: &str, r: CodeRequest) -> Result<Prepared<CodeTicket>> {
        let fixed = " through the worker (config.otpUrl), which sets the code's length and lifetime";
        let not_here = |given: bool, field: &str| crate::providers::only_for(given, field, "sendCode", fixed);
        not_here(r.length.is_some(), "length")?;
        not_here(r.ttl_seconds.is_some(), "ttlSeconds")?;
        not_here(r.custom_id.is_some(), "customId")?;
        not_here(r.sim_card_id.is_some(), "simCardId")?;
        not_here(r.contact_id.is_some(), "contactId")?;
        let to = crate::phone::normalize_phone(r.to.as_deref().ok_or_else(|| Error::input("request.to is required"))?, None)?;
        let body = OtpSendRequest { to, service_name: r.service_name, client_address: None };
        let req = worker_request(base, "/v1/otp/send", crate::core::codec::to_json(&body));
        let to = body.to;
        Ok(Prepared::new(req, Some(Retry::Unsafe), None, move |cfg, resp, _| {
            let a: OtpAnswer = worker_ok(cfg, resp)?;
            let Some(expires_at_ms) = a.expires_at.as_deref().and_then(crate::parse_iso8601) else {
                let mut e = Error::new(
                    ErrorCode::OutcomeUnknown,
                    "the OTP worker (config.otpUrl) answered success without expiresAt; the code may or may not have been sent",
                );
                e.http_status = Some(resp.status);
                return Err(e.with_provider(cfg.provider.as_str()));
            };
            let provider = a.provider.as_deref().and_then(ProviderKind::parse).unwrap_or(cfg.provider);
            Ok(CodeTicket { provider, to, mode: CodeMode::Worker, expires_at_ms, token: None })
        })
        .worker_answers())
    }

    /// `POST {otpUrl}/v1/otp/verify`: the worker checks the code and counts the check.
    #[inline(never)]
    fn prepare_worker_verify(&self, base: &str, r: VerifyRequest) -> Result<Prepared<Verification>> {
        let why = " through the worker (config.otpUrl), which keeps the code itself";
        crate::providers::only_for(r.token.is_some(), "token", "verifyCode", why)?;
        crate::providers::only_for(r.contact_id.is_some(), "contactId", "verifyCode", why)?;
        let to = crate::phone::normalize_phone(r.to.as_deref().ok_or_else(|| Error::input("request.to is required"))?, None)?;
        let body = OtpVerifyRequest { to, code: r.code.trim().to_string(), client_address: None };
        let req = worker_request(base, "/v1/otp/verify", crate::core::codec::to_json(&body));
        Ok(Prepared::new(req, None, None, |cfg, resp, _| {
            let a: OtpAnswer = worker_ok(cfg, resp)?;
            let Some(valid) = a.valid else {
                let mut e = Error::new(ErrorCode::ProviderRejected, "the OTP worker (config.otpUrl) answered without valid");
                e.http_status = Some(resp.status);
                return Err(e.with_provider(cfg.provider.as_str()));
            };
            Ok(if valid {
                Verification::asserted(a.assertion)
            } else {
                Verification::refused(a.reason.as_deref().map_or(VerifyReason::Mismatch, VerifyReason::parse))
            })
        })
        .worker_answers())
    }

    #[inline(never)]
    fn prepare_status(&self, id: &str) -> Result<Prepared<MessageStatus>> {
        let cfg = &self.cfg;
        let p = self.provider();
        if id.trim().is_empty() || id.len() > 200 {
            return Err(Error::input("status id must be 1 to 200 characters"));
        }
        if cfg.provider == ProviderKind::Relay {
            return Ok(relay::status(cfg, id));
        }
        let Some(base) = &cfg.status_url else {
            return Err(Error::unsupported(format!(
                "{p} has no status endpoint: set config.statusUrl to an edgetext worker that receives {p}'s webhooks"
            )));
        };
        let mut headers = vec![("Accept".to_string(), "application/json".to_string())];
        if let Some(t) = &cfg.status_token {
            headers.push(("Authorization".to_string(), crate::providers::bearer(t)));
        }
        let url = format!("{base}/v1/status/{p}/{}", crate::core::encode::path_segment(id));
        let req = HttpRequest { method: Method::Get, url, headers, body: None };
        let id = id.to_string();
        Ok(Prepared::new(req, None, None, move |cfg, resp, _| {
            let a: StatusAnswer = crate::providers::parse_ok(cfg, resp, false)?;
            Ok(MessageStatus {
                id: a.id.unwrap_or(id),
                provider: a.provider.as_deref().and_then(ProviderKind::parse).unwrap_or(cfg.provider),
                status: DeliveryStatus::parse(a.status.as_deref().unwrap_or("")),
                error: a.error,
                created_at: a.created_at,
                delivered_at: a.delivered_at,
                raw: RawJson(resp.body.clone()),
            })
        }))
    }

    pub(super) fn otp_config(&self) -> Result<&crate::client::OtpConfig> {
        self.cfg.otp.as_ref().ok_or_else(|| {
            Error::config(format!(
                "config.otp.secret is required for one-time codes on {} (they are signed by the SDK)",
                self.provider()
            ))
        })
    }

    /// `to`, or klink's `contactId` (klink accepts either name).
    pub(super) fn recipient_field(&self, to: Option<String>, contact_id: Option<String>) -> Result<String> {
        match (to, contact_id) {
            (Some(_), Some(_)) => Err(Error::input("give request.contactId or request.to, not both")),
            (None, Some(c)) if self.cfg.provider == ProviderKind::Klink => Ok(c),
            (None, Some(_)) => Err(Error::input(format!("request.contactId is not a field for {}", self.provider()))),
            (Some(t), None) => Ok(t),
            (None, None) => Err(Error::input("request.to is required")),
        }
    }

    /// A recipient normalised the way `send` normalises it.
    pub(super) fn recipient(&self, to: &str) -> Result<String> {
        match &self.cfg.provider_config {
            ProviderConfig::TextLink(_) => crate::phone::normalize_phone(to, None),
            ProviderConfig::Teklink(_) => nanp_national(to),
            ProviderConfig::Relay(own) => relay::recipient(own.channel(), to),
            ProviderConfig::Klink(_) => klink::recipient(to),
        }
    }

    fn only(&self, provider: ProviderKind, op: OperationName) -> Result<()> {
        if self.cfg.provider == provider {
            Ok(())
        } else {
            Err(self.not_here(provider, op))
        }
    }

    fn not_here(&self, provider: ProviderKind, op: OperationName) -> Error {
        Error::unsupported(format!("{} is a {} operation; this client is for {}", op.as_str(), provider.as_str(), self.provider()))
    }
}

/// A JSON `POST` to an edgetext worker (no provider key: the worker has its own).
fn worker_request(base: &str, path: &str, body: String) -> HttpRequest {
    let headers = vec![
        ("Content-Type".to_string(), "application/json".to_string()),
        ("Accept".to_string(), "application/json".to_string()),
    ];
    HttpRequest { method: Method::Post, url: format!("{base}{path}"), headers, body: Some(body) }
}

/// An operation started by [`Client::start`]: its call, typed by what it
/// gives, or a signed code's check, which runs with the store
/// ([`Client::verify_code`]) rather than as one call.
pub enum Started {
    /// `send`.
    Send(Call<SendReceipt>),
    /// `sendCode`.
    Code(Call<CodeTicket>),
    /// `verifyCode` by the worker or TextLink.
    Verify(Call<Verification>),
    /// `verifyCode` of a code signed here.
    CheckSigned(VerifyRequest),
    /// `status`.
    Status(Call<MessageStatus>),
    /// A provider extra: its JSON answer.
    Raw(Call<RawJson>),
}

impl<P: Clock + Random> Client<P> {
    /// Whether `verifyCode` checks a code signed here, with the store,
    /// rather than asking the worker or TextLink.
    pub fn checks_signed(&self) -> bool {
        self.cfg.otp_url.is_none() && self.cfg.provider != ProviderKind::TextLink
    }

    /// Feeds `call` the outcome of its `attempt`th fetch (from 1), sent at
    /// `started_ms`, and reports the attempt to `config.onRequest`: what
    /// [`Client::drive`] does after each fetch, for a driver of its own
    /// (the wasm's promise continuations).
    pub fn feed<O>(&self, call: &mut Call<O>, attempt: u32, started_ms: u64, outcome: core::result::Result<HttpResponse, TransportError>) {
        let now = self.platform.now_ms();
        // Read before `feed` takes the answer; the outcome is known after.
        let mut record = self.on_request.as_ref().and_then(|_| match call.step() {
            Step::Fetch { request, .. } => {
                Some(RequestRecord::new(&self.cfg, call.operation(), attempt, request, &outcome, now.saturating_sub(started_ms)))
            }
            Step::Done => None,
        });
        call.feed(outcome, now, &self.platform);
        if let (Some(hook), Some(r)) = (&self.on_request, record.as_mut()) {
            r.outcome = call.last_error().map_or("ok", ErrorCode::as_str);
            hook(r);
        }
    }
}

impl<P: Clock + Random + CodeStore> Client<P> {
    /// A signed code's check, with the store; an error names the provider.
    pub async fn check_signed(&self, request: VerifyRequest) -> Result<Verification> {
        self.verify_signed(request).await.map_err(|e| e.with_provider(self.provider()))
    }
}

impl<P: Clock + Random + Transport + CodeStore> Client<P> {
    /// Runs an operation to the end through the transport.
    pub async fn run(&self, op: Operation) -> Result<Outcome> {
        Ok(match self.start(op)? {
            Started::Send(call) => Outcome::Receipt(self.drive(call).await?),
            Started::Code(call) => Outcome::Ticket(self.drive(call).await?),
            Started::Verify(call) => Outcome::Verification(self.drive(call).await?),
            Started::CheckSigned(r) => Outcome::Verification(self.check_signed(r).await?),
            Started::Status(call) => Outcome::Status(self.drive(call).await?),
            Started::Raw(call) => Outcome::Raw(self.drive(call).await?),
        })
    }

    /// Drives a started call: waits, fetches, feeds, until it is done.
    pub async fn drive<O>(&self, mut call: Call<O>) -> Result<O> {
        let mut attempt = 0;
        while let Step::Fetch { delay_ms, .. } = call.step() {
            if delay_ms > 0 {
                self.platform.sleep(delay_ms).await;
            }
            let started = self.platform.now_ms();
            let outcome = match call.step() {
                Step::Fetch { request, timeout_ms, .. } => self.platform.fetch(request, timeout_ms).await,
                Step::Done => break,
            };
            attempt += 1;
            self.feed(&mut call, attempt, started, outcome);
        }
        call.into_result().unwrap_or_else(|| Err(Error::input("the call ended without a result")))
    }

    /// Sends a message.
    pub async fn send(&self, message: Message) -> Result<SendReceipt> {
        self.drive(self.start_send(message)?).await
    }

    /// Sends a one-time code (the code itself is never returned).
    pub async fn send_code(&self, request: CodeRequest) -> Result<CodeTicket> {
        self.drive(self.start_code(request)?).await
    }

    /// Checks a code; a wrong code is `valid: false`, never an error.
    pub async fn verify_code(&self, request: VerifyRequest) -> Result<Verification> {
        if self.checks_signed() {
            return self.check_signed(request).await;
        }
        self.drive(self.start_verify(request)?).await
    }

    /// Reads a message's status.
    pub async fn status(&self, id: &str) -> Result<MessageStatus> {
        self.drive(self.start_status(id)?).await
    }
}
