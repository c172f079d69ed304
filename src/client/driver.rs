//! The client: validates a call, prepares its request and hands back a
//! [`Call`] to drive. [`Client::run`] drives one to the end through the
//! platform's [`Transport`]: natively a Rust transport, in the wasm the
//! global `fetch` (`src/wasm/platform.rs`); `Client`'s methods in JavaScript
//! feed their calls from promise continuations instead ([`Client::feed`]).

use super::call::{Finish, Outcome, Prepared};
use super::operation::{Operation, OperationName};
use super::otp::{length_error, render_template, ttl_error, CODE_LENGTHS, CODE_TTL_SECONDS};
use crate::providers::{klink, relay, teklink, textlink, Ctx, Retry};
use crate::client::{generate_code, sign_code, Call, CodeMode, CodeRequest, CodeTicket, Config, MessageStatus, RequestRecord, SendReceipt, Step, Verification, VerifyRequest};
use crate::contract::{OtpSendRequest, OtpVerifyRequest};
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

    /// Starts an operation: validates its argument and prepares its request.
    /// Bad input gives a call that is already done, with the error, and no request.
    pub fn start(&self, op: Operation) -> Call {
        let operation = op.name();
        match self.prepare(op) {
            Ok(prepared) => Call::fetch(&self.cfg, operation, prepared),
            Err(e) => Call::done(&self.cfg, operation, Err(e.with_provider(self.provider()))),
        }
    }

    fn prepare(&self, op: Operation) -> Result<Prepared> {
        let cfg = &self.cfg;
        let read = |req: HttpRequest| Prepared::new(req, None, None, Finish::Raw);
        if let Some(base) = cfg.otp_url.as_deref() {
            match op {
                Operation::SendCode(r) => return self.prepare_worker_code(base, r),
                Operation::VerifyCode(r) => return self.prepare_worker_verify(base, r),
                _ => {}
            }
        }
        self.needs_key(op.name())?;
        Ok(match op {
            Operation::Send(m) => {
                let (req, retry, meta) = self.prepare_send(m)?.split();
                let key = meta.idempotency_key.clone();
                Prepared::new(req, retry, key, Finish::Receipt(meta))
            }
            Operation::SendCode(r) => return self.prepare_code(r),
            Operation::VerifyCode(r) => return self.prepare_provider_verify(r),
            Operation::Status(id) => return self.prepare_status(&id),
            Operation::UpdateContactTag(r) => {
                self.only(ProviderKind::TextLink, "updateContactTag")?;
                // Setting a tag twice is harmless, so it retries like a read.
                read(textlink::update_contact_tag(cfg, r)?)
            }
            Operation::ListMessages(o) => {
                self.only(ProviderKind::Relay, "listMessages")?;
                read(relay::list_messages(cfg, o)?)
            }
            Operation::Health => {
                self.only(ProviderKind::Relay, "health")?;
                read(relay::health(cfg))
            }
            Operation::InboundQuery(f) => {
                let ProviderConfig::Relay(own) = &cfg.provider_config else {
                    return Err(self.not_here(ProviderKind::Relay, "inboundQuery"));
                };
                read(relay::inbound_query(cfg, own, f)?)
            }
            Operation::ListCallbacks => {
                self.only(ProviderKind::Relay, "listCallbacks")?;
                read(relay::list_callbacks(cfg))
            }
            Operation::RegisterCallback(c) => {
                self.only(ProviderKind::Relay, "registerCallback")?;
                read(relay::register_callback(cfg, c)?)
            }
            Operation::DeleteCallback(r) => {
                self.only(ProviderKind::Relay, "deleteCallback")?;
                read(relay::delete_callback(cfg, r)?)
            }
        })
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

    /// Checks `message` as [`Client::send`] would before its request, and
    /// sends nothing: the error `send` would give without a request
    /// (`invalid_input`, `invalid_phone`, `invalid_config`), or `Ok`.
    pub fn check_send(&self, message: &Message) -> Result<()> {
        self.needs_key(OperationName::Send)?;
        self.prepare_send(message.clone()).map(drop)
    }

    #[inline(never)]
    fn prepare_send(&self, m: Message) -> Result<crate::providers::PreparedSend> {
        let ctx = Ctx { now_ms: self.platform.now_ms(), rng: &self.platform };
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
    fn prepare_code(&self, r: CodeRequest) -> Result<Prepared> {
        let cfg = &self.cfg;
        let p = self.provider();
        if let ProviderConfig::TextLink(own) = &cfg.provider_config {
            let cr = textlink::send_code(cfg, own, r)?;
            // The expiry counts from the answer; `finish` adds the time then.
            let ticket = CodeTicket { provider: cfg.provider, to: cr.to, mode: CodeMode::Provider, expires_at_ms: cr.ttl_seconds * 1000, token: None };
            return Ok(Prepared::new(cr.request, Some(Retry::Unsafe), None, Finish::ProviderCode(ticket)));
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
        let message = match cfg.provider {
            ProviderKind::Klink => Message::Klink(crate::providers::klink::KlinkMessage { contact_id: to, text, message_type: None }),
            ProviderKind::Relay => Message::Relay(RelayMessage { to: Some(to), text, ..Default::default() }),
            _ => Message::Teklink(crate::providers::teklink::TeklinkMessage { to, text: Some(text), ..Default::default() }),
        };
        let (req, retry, meta) = self.prepare_send(message)?.split();
        let mut nonce = [0u8; 16];
        self.platform.fill(&mut nonce);
        let expires = self.platform.now_ms() + ttl * 1000;
        let token = sign_code(otp.secret.as_bytes(), &recipient, &code, expires, &nonce);
        let ticket = CodeTicket { provider: cfg.provider, to: recipient, mode: CodeMode::Signed, expires_at_ms: expires, token: Some(token) };
        Ok(Prepared::new(req, retry, meta.idempotency_key, Finish::SignedCode(ticket)))
    }

    /// TextLink checks its own codes; signed codes are checked by
    /// [`Client::verify_code`] itself, with the store.
    #[inline(never)]
    fn prepare_provider_verify(&self, r: VerifyRequest) -> Result<Prepared> {
        let cfg = &self.cfg;
        if cfg.provider != ProviderKind::TextLink {
            return Err(Error::unsupported("signed codes are checked by Client::verify_code, which keeps their counts in the store"));
        }
        crate::providers::only_for(r.token.is_some(), "token", "textlink", ", which checks codes itself")?;
        crate::providers::only_for(r.contact_id.is_some(), "contactId", "textlink", "")?;
        let to = crate::phone::normalize_phone(r.to.as_deref().ok_or_else(|| Error::input("request.to is required"))?, None)?;
        Ok(Prepared::new(textlink::verify_code(cfg, &to, r.code.trim()), None, None, Finish::ProviderVerify))
    }

    /// `POST {otpUrl}/v1/otp/send`: the worker makes, keeps and sends the code.
    #[inline(never)]
    fn prepare_worker_code(&self, base: &str, r: CodeRequest) -> Result<Prepared> {
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
        let ticket = CodeTicket { provider: self.cfg.provider, to: body.to, mode: CodeMode::Worker, expires_at_ms: 0, token: None };
        Ok(Prepared::new(req, Some(Retry::Unsafe), None, Finish::WorkerCode(ticket)))
    }

    /// `POST {otpUrl}/v1/otp/verify`: the worker checks the code and counts the check.
    #[inline(never)]
    fn prepare_worker_verify(&self, base: &str, r: VerifyRequest) -> Result<Prepared> {
        let why = " through the worker (config.otpUrl), which keeps the code itself";
        crate::providers::only_for(r.token.is_some(), "token", "verifyCode", why)?;
        crate::providers::only_for(r.contact_id.is_some(), "contactId", "verifyCode", why)?;
        let to = crate::phone::normalize_phone(r.to.as_deref().ok_or_else(|| Error::input("request.to is required"))?, None)?;
        let body = OtpVerifyRequest { to, code: r.code.trim().to_string(), client_address: None };
        Ok(Prepared::new(worker_request(base, "/v1/otp/verify", crate::core::codec::to_json(&body)), None, None, Finish::WorkerVerify))
    }

    #[inline(never)]
    fn prepare_status(&self, id: &str) -> Result<Prepared> {
        let cfg = &self.cfg;
        let p = self.provider();
        if id.trim().is_empty() || id.len() > 200 {
            return Err(Error::input("status id must be 1 to 200 characters"));
        }
        if cfg.provider == ProviderKind::Relay {
            return Ok(Prepared::new(relay::status(cfg, id), None, None, Finish::RelayStatus(id.into())));
        }
        let Some(base) = &cfg.status_url else {
            return Err(Error::unsupported(format!(
                "{p} has no status endpoint: set config.statusUrl to an edgetext worker that receives {p}'s webhooks"
            )));
        };
        let mut headers = vec![("Accept".to_string(), "application/json".to_string())];
        if let Some(t) = &cfg.status_token {
            headers.push(("Authorization".to_string(), format!("Bearer {t}")));
        }
        let url = format!("{base}/v1/status/{p}/{}", crate::core::encode::path_segment(id));
        let req = HttpRequest { method: Method::Get, url, headers, body: None };
        Ok(Prepared::new(req, None, None, Finish::WorkerStatus(id.into())))
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

    fn only(&self, provider: ProviderKind, op: &str) -> Result<()> {
        if self.cfg.provider == provider {
            Ok(())
        } else {
            Err(self.not_here(provider, op))
        }
    }

    fn not_here(&self, provider: ProviderKind, op: &str) -> Error {
        Error::unsupported(format!("{op} is a {} operation; this client is for {}", provider.as_str(), self.provider()))
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

impl<P: Clock + Random> Client<P> {
    /// Whether `op` is a check of a signed code, which [`Client::run`] does
    /// with the store rather than as one [`Call`].
    pub fn checks_signed(&self, op: &Operation) -> bool {
        matches!(op, Operation::VerifyCode(_)) && self.cfg.otp_url.is_none() && self.cfg.provider != ProviderKind::TextLink
    }

    /// Feeds `call` the outcome of its `attempt`th fetch (from 1), sent at
    /// `started_ms`, and reports the attempt to `config.onRequest`: what
    /// [`Client::drive`] does after each fetch, for a driver of its own
    /// (the wasm's promise continuations).
    pub fn feed(&self, call: &mut Call, attempt: u32, started_ms: u64, outcome: core::result::Result<HttpResponse, TransportError>) {
        let now = self.platform.now_ms();
        // Read before `feed` takes the answer; the outcome is known after.
        let mut record = self.on_request.as_ref().and_then(|_| match call.step() {
            Step::Fetch { request, .. } => {
                Some(RequestRecord::new(&self.cfg, call.operation(), attempt, request, &outcome, now.saturating_sub(started_ms)))
            }
            Step::Done(_) => None,
        });
        call.feed(outcome, now, &self.platform);
        if let (Some(hook), Some(r)) = (&self.on_request, record.as_mut()) {
            r.outcome = call.last_error().map_or("ok", ErrorCode::as_str);
            hook(r);
        }
    }
}

impl<P: Clock + Random + Transport + CodeStore> Client<P> {
    /// Runs an operation to the end through the transport.
    pub async fn run(&self, op: Operation) -> Result<Outcome> {
        if self.checks_signed(&op) {
            let Operation::VerifyCode(r) = op else { unreachable!("checks_signed is only true of verifyCode") };
            return self.verify_signed(r).await.map(Outcome::Verification).map_err(|e| e.with_provider(self.provider()));
        }
        self.drive(self.start(op)).await
    }

    /// Drives a started call: waits, fetches, feeds, until it is done.
    pub async fn drive(&self, mut call: Call) -> Result<Outcome> {
        let mut attempt = 0;
        while let Step::Fetch { delay_ms, .. } = call.step() {
            if delay_ms > 0 {
                self.platform.sleep(delay_ms).await;
            }
            let started = self.platform.now_ms();
            let outcome = match call.step() {
                Step::Fetch { request, timeout_ms, .. } => self.platform.fetch(request, timeout_ms).await,
                Step::Done(_) => break,
            };
            attempt += 1;
            self.feed(&mut call, attempt, started, outcome);
        }
        call.into_result().unwrap_or_else(|| Err(Error::input("the call ended without a result")))
    }

    /// Sends a message.
    pub async fn send(&self, message: Message) -> Result<SendReceipt> {
        match self.run(Operation::Send(message)).await? {
            Outcome::Receipt(r) => Ok(r),
            _ => Err(Error::input("send gave another outcome")),
        }
    }

    /// Sends a one-time code (the code itself is never returned).
    pub async fn send_code(&self, request: CodeRequest) -> Result<CodeTicket> {
        match self.run(Operation::SendCode(request)).await? {
            Outcome::Ticket(t) => Ok(t),
            _ => Err(Error::input("sendCode gave another outcome")),
        }
    }

    /// Checks a code; a wrong code is `valid: false`, never an error.
    pub async fn verify_code(&self, request: VerifyRequest) -> Result<Verification> {
        match self.run(Operation::VerifyCode(request)).await? {
            Outcome::Verification(v) => Ok(v),
            _ => Err(Error::input("verifyCode gave another outcome")),
        }
    }

    /// Reads a message's status.
    pub async fn status(&self, id: &str) -> Result<MessageStatus> {
        match self.run(Operation::Status(id.to_string())).await? {
            Outcome::Status(s) => Ok(s),
            _ => Err(Error::input("status gave another outcome")),
        }
    }

    /// Runs a provider extra; its JSON answer.
    pub async fn extra(&self, op: Operation) -> Result<RawJson> {
        match self.run(op).await? {
            Outcome::Raw(r) => Ok(r),
            _ => Err(Error::input("a provider extra gave another outcome")),
        }
    }
}
