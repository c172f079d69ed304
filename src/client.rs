//! The client: validates a call, prepares its request and hands back a
//! [`Call`] to drive. [`Client::run`] drives one with a [`Transport`]; the
//! JavaScript package drives the same machine with `fetch`.

use crate::call::{Finish, Outcome};
use crate::json::{Fields, JsonObject};
use crate::providers::{klink, relay, teklink, textlink, Ctx, Retry};
use crate::{
    check_code, generate_code, nanp_national, sign_code, Call, Clock, CodeTicket, Config, Error, HttpRequest, Method,
    MessageStatus, ProviderKind, Random, Result, SendReceipt, Step, Transport, Verification,
};

/// Every client operation (the contract's method names in JavaScript).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// `send(message)`.
    Send,
    /// `sendCode(request)`.
    SendCode,
    /// `verifyCode(request)`.
    VerifyCode,
    /// `status(id)`; the argument is the id itself.
    Status,
    /// textlink `updateContactTag(request)`.
    UpdateContactTag,
    /// relay `listMessages(options)`.
    ListMessages,
    /// relay `health()`.
    Health,
    /// relay `inboundQuery(filter)`.
    InboundQuery,
    /// relay `listCallbacks()`.
    ListCallbacks,
    /// relay `registerCallback(callback)`.
    RegisterCallback,
    /// relay `deleteCallback(request)`.
    DeleteCallback,
}

const OPERATIONS: [(Operation, &str); 11] = [
    (Operation::Send, "send"),
    (Operation::SendCode, "sendCode"),
    (Operation::VerifyCode, "verifyCode"),
    (Operation::Status, "status"),
    (Operation::UpdateContactTag, "updateContactTag"),
    (Operation::ListMessages, "listMessages"),
    (Operation::Health, "health"),
    (Operation::InboundQuery, "inboundQuery"),
    (Operation::ListCallbacks, "listCallbacks"),
    (Operation::RegisterCallback, "registerCallback"),
    (Operation::DeleteCallback, "deleteCallback"),
];

impl Operation {
    /// The JavaScript method name (`"sendCode"`, …).
    pub fn name(self) -> &'static str {
        OPERATIONS.iter().find(|(o, _)| *o == self).map_or("", |(_, n)| n)
    }

    /// The operation of a JavaScript method name.
    pub fn from_name(name: &str) -> Option<Operation> {
        OPERATIONS.iter().find(|(_, n)| *n == name).map(|(o, _)| *o)
    }
}

/// A client for one provider. `P` tells the time and gives random bytes;
/// to use [`Client::run`] and the async methods it must also be a [`Transport`].
///
/// Every argument object is given as JSON text (the form it arrives in from
/// JavaScript); unknown fields are refused, never dropped.
pub struct Client<P> {
    cfg: Config,
    platform: P,
}

impl<P: Clock + Random> Client<P> {
    /// A client for a validated configuration.
    pub fn new(cfg: Config, platform: P) -> Self {
        Client { cfg, platform }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.cfg
    }

    fn provider(&self) -> &'static str {
        self.cfg.provider.as_str()
    }

    /// Starts an operation: validates `arg` and prepares its request. Bad
    /// input gives a call that is already done, with the error, and no request.
    pub fn start(&self, op: Operation, arg: &str) -> Call {
        match self.prepare(op, arg) {
            Ok(call) => call,
            Err(e) => Call::done(&self.cfg, Err(e.with_provider(self.provider()))),
        }
    }

    fn prepare(&self, op: Operation, arg: &str) -> Result<Call> {
        let cfg = &self.cfg;
        let fields = |what| Fields::parse(arg, what);
        let read = |req: HttpRequest| Call::fetch(cfg, req, None, None, Finish::Raw);
        if let Some(base) = cfg.otp_url.as_deref() {
            match op {
                Operation::SendCode => return self.prepare_worker_code(base, fields("request")?),
                Operation::VerifyCode => return self.prepare_worker_verify(base, fields("request")?),
                _ => {}
            }
        }
        if cfg.api_key.is_empty() {
            return Err(Error::config(format!(
                "config.apiKey is required for {}: without it the client only has config.otpUrl, for sendCode and verifyCode",
                op.name()
            )));
        }
        Ok(match op {
            Operation::Send => {
                let (req, retry, meta) = self.prepare_send(fields("message")?)?.split();
                let key = meta.idempotency_key.clone();
                Call::fetch(cfg, req, retry, key, Finish::Receipt(meta))
            }
            Operation::SendCode => return self.prepare_code(fields("request")?),
            Operation::VerifyCode => return self.prepare_verify(fields("request")?),
            Operation::Status => return self.prepare_status(arg),
            Operation::UpdateContactTag => {
                self.only(ProviderKind::TextLink, "updateContactTag")?;
                // Setting a tag twice is harmless, so it retries like a read.
                read(textlink::update_contact_tag(cfg, fields("request")?)?)
            }
            Operation::ListMessages => {
                self.only(ProviderKind::Relay, "listMessages")?;
                read(relay::list_messages(cfg, fields("options")?)?)
            }
            Operation::Health => {
                self.only(ProviderKind::Relay, "health")?;
                read(relay::health(cfg))
            }
            Operation::InboundQuery => {
                self.only(ProviderKind::Relay, "inboundQuery")?;
                read(relay::inbound_query(cfg, fields("filter")?)?)
            }
            Operation::ListCallbacks => {
                self.only(ProviderKind::Relay, "listCallbacks")?;
                read(relay::list_callbacks(cfg))
            }
            Operation::RegisterCallback => {
                self.only(ProviderKind::Relay, "registerCallback")?;
                read(relay::register_callback(cfg, fields("callback")?)?)
            }
            Operation::DeleteCallback => {
                self.only(ProviderKind::Relay, "deleteCallback")?;
                read(relay::delete_callback(cfg, fields("request")?)?)
            }
        })
    }

    fn prepare_send(&self, f: Fields) -> Result<crate::providers::PreparedSend> {
        let ctx = Ctx { now_ms: self.platform.now_ms(), rng: &self.platform };
        match self.cfg.provider {
            ProviderKind::TextLink => textlink::send(&self.cfg, f, &ctx),
            ProviderKind::Teklink => teklink::send(&self.cfg, f, &ctx),
            ProviderKind::Relay => relay::send(&self.cfg, f, &ctx),
            ProviderKind::Klink => klink::send(&self.cfg, f, &ctx),
        }
    }

    /// TextLink's own code endpoint, or a code signed here and sent as a message.
    fn prepare_code(&self, mut f: Fields) -> Result<Call> {
        let cfg = &self.cfg;
        let p = self.provider();
        if cfg.provider == ProviderKind::TextLink {
            let cr = textlink::send_code(cfg, f)?;
            // The expiry counts from the answer; `finish` adds the time then.
            let ticket = CodeTicket { provider: cfg.provider, to: cr.to, mode: "provider", expires_at_ms: cr.ttl_seconds * 1000, token: None };
            return Ok(Call::fetch(cfg, cr.request, Some(Retry::Unsafe), None, Finish::ProviderCode(ticket)));
        }
        let otp = self.otp_config()?;
        let to = self.take_recipient_field(&mut f)?;
        let service = f.required_string("serviceName")?;
        let length = match f.uint("length", 10)? {
            Some(l) if l < 4 => return Err(Error::input("request.length must be from 4 to 10")),
            Some(l) => l as u8,
            None => otp.length,
        };
        let ttl = match f.uint("ttlSeconds", 86_400)? {
            Some(0) => return Err(Error::input("request.ttlSeconds must be at least 1")),
            Some(t) => t,
            None => otp.ttl_seconds,
        };
        f.finish(&format!("for {p} (signed codes)"))?;
        let recipient = self.recipient(&to)?;
        let code = generate_code(&self.platform, length)?;
        let text = otp
            .template
            .replace("{service}", &service)
            .replace("{minutes}", &ttl.div_ceil(60).to_string())
            .replace("{code}", &code);
        let address = if cfg.provider == ProviderKind::Klink { "contactId" } else { "to" };
        let message = JsonObject::new().str(address, &to).str("text", &text).finish();
        let (req, retry, meta) = self.prepare_send(Fields::parse(&message, "message")?)?.split();
        let mut nonce = [0u8; 16];
        self.platform.fill(&mut nonce);
        let expires = self.platform.now_ms() + ttl * 1000;
        let token = sign_code(otp.secret.as_bytes(), &recipient, &code, expires, &nonce);
        let ticket = CodeTicket { provider: cfg.provider, to: recipient, mode: "signed", expires_at_ms: expires, token: Some(token) };
        Ok(Call::fetch(cfg, req, retry, meta.idempotency_key, Finish::SignedCode(ticket)))
    }

    fn prepare_verify(&self, mut f: Fields) -> Result<Call> {
        let cfg = &self.cfg;
        let to = self.take_recipient_field(&mut f)?;
        let code = f.required_string("code")?;
        let token = f.string("token")?;
        f.finish("of verifyCode")?;
        if cfg.provider == ProviderKind::TextLink {
            if token.is_some() {
                return Err(Error::input("request.token is not used by textlink, which checks codes itself"));
            }
            let to = crate::normalize_phone(&to, None)?;
            return Ok(Call::fetch(cfg, textlink::verify_code(cfg, &to, code.trim()), None, None, Finish::ProviderVerify));
        }
        let otp = self.otp_config()?;
        let recipient = self.recipient(&to)?;
        let check = match token {
            None => crate::CodeCheck::Malformed,
            Some(t) => check_code(otp.secret.as_bytes(), &recipient, code.trim(), &t, self.platform.now_ms()),
        };
        let v = Verification { valid: check.reason().is_none(), reason: check.reason().map(str::to_string) };
        Ok(Call::done(cfg, Ok(Outcome::Verification(v))))
    }

    /// `POST {otpUrl}/v1/otp/send`: the worker makes, keeps and sends the code.
    fn prepare_worker_code(&self, base: &str, mut f: Fields) -> Result<Call> {
        let to = f.required_string("to")?;
        let service = f.string("serviceName")?;
        f.finish("for sendCode through the worker (config.otpUrl), which sets the code's length and lifetime")?;
        let to = crate::normalize_phone(&to, None)?;
        let body = JsonObject::new().str("to", &to).opt_str("serviceName", service.as_deref()).finish();
        let req = worker_request(base, "/v1/otp/send", body);
        let ticket = CodeTicket { provider: self.cfg.provider, to, mode: "worker", expires_at_ms: 0, token: None };
        Ok(Call::fetch(&self.cfg, req, Some(Retry::Unsafe), None, Finish::WorkerCode(ticket)))
    }

    /// `POST {otpUrl}/v1/otp/verify`: the worker checks the code and counts the check.
    fn prepare_worker_verify(&self, base: &str, mut f: Fields) -> Result<Call> {
        let to = f.required_string("to")?;
        let code = f.required_string("code")?;
        if f.string("token")?.is_some() {
            return Err(Error::input("request.token is not used through the worker (config.otpUrl), which keeps the code itself"));
        }
        f.finish("of verifyCode through the worker (config.otpUrl)")?;
        let to = crate::normalize_phone(&to, None)?;
        let body = JsonObject::new().str("to", &to).str("code", code.trim()).finish();
        Ok(Call::fetch(&self.cfg, worker_request(base, "/v1/otp/verify", body), None, None, Finish::WorkerVerify))
    }

    fn prepare_status(&self, id: &str) -> Result<Call> {
        let cfg = &self.cfg;
        let p = self.provider();
        if id.trim().is_empty() || id.len() > 200 {
            return Err(Error::input("status id must be 1 to 200 characters"));
        }
        if cfg.provider == ProviderKind::Relay {
            return Ok(Call::fetch(cfg, relay::status(cfg, id), None, None, Finish::RelayStatus(id.into())));
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
        let url = format!("{base}/v1/status/{}", crate::providers::path_segment(id));
        let req = HttpRequest { method: Method::Get, url, headers, body: None };
        Ok(Call::fetch(cfg, req, None, None, Finish::WorkerStatus(id.into())))
    }

    fn otp_config(&self) -> Result<&crate::OtpConfig> {
        self.cfg.otp.as_ref().ok_or_else(|| {
            Error::config(format!(
                "config.otp.secret is required for one-time codes on {} (they are signed by the SDK)",
                self.provider()
            ))
        })
    }

    /// `to`, or klink's `contactId` (klink accepts either name).
    fn take_recipient_field(&self, f: &mut Fields) -> Result<String> {
        if self.cfg.provider == ProviderKind::Klink {
            if let Some(c) = f.string("contactId")? {
                if f.string("to")?.is_some() {
                    return Err(Error::input("give request.contactId or request.to, not both"));
                }
                return Ok(c);
            }
        }
        f.required_string("to")
    }

    /// A recipient normalised the way `send` normalises it.
    fn recipient(&self, to: &str) -> Result<String> {
        match self.cfg.provider {
            ProviderKind::TextLink => crate::normalize_phone(to, None),
            ProviderKind::Teklink => nanp_national(to),
            ProviderKind::Relay => relay::recipient(&self.cfg.channel, to),
            ProviderKind::Klink => klink::recipient(to),
        }
    }

    fn only(&self, provider: ProviderKind, op: &str) -> Result<()> {
        if self.cfg.provider == provider {
            Ok(())
        } else {
            Err(Error::unsupported(format!("{op} is a {} operation; this client is for {}", provider.as_str(), self.provider())))
        }
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

impl<P: Clock + Random + Transport> Client<P> {
    /// Runs an operation to the end through the transport.
    pub async fn run(&self, op: Operation, arg: &str) -> Result<Outcome> {
        let mut call = self.start(op, arg);
        loop {
            let (request, timeout_ms) = match call.step() {
                Step::Done(_) => break,
                Step::Fetch { request, timeout_ms, delay_ms } => {
                    if delay_ms > 0 {
                        self.platform.sleep(delay_ms).await;
                    }
                    (request.clone(), timeout_ms)
                }
            };
            let outcome = self.platform.fetch(&request, timeout_ms).await;
            call.feed(outcome, self.platform.now_ms(), &self.platform);
        }
        call.into_result().expect("a finished call has a result")
    }

    /// Sends a message.
    pub async fn send(&self, message: &str) -> Result<SendReceipt> {
        match self.run(Operation::Send, message).await? {
            Outcome::Receipt(r) => Ok(r),
            _ => unreachable!("send gives its own outcome"),
        }
    }

    /// Sends a one-time code (the code itself is never returned).
    pub async fn send_code(&self, request: &str) -> Result<CodeTicket> {
        match self.run(Operation::SendCode, request).await? {
            Outcome::Ticket(t) => Ok(t),
            _ => unreachable!("sendCode gives its own outcome"),
        }
    }

    /// Checks a code; a wrong code is `valid: false`, never an error.
    pub async fn verify_code(&self, request: &str) -> Result<Verification> {
        match self.run(Operation::VerifyCode, request).await? {
            Outcome::Verification(v) => Ok(v),
            _ => unreachable!("verifyCode gives its own outcome"),
        }
    }

    /// Reads a message's status.
    pub async fn status(&self, id: &str) -> Result<MessageStatus> {
        match self.run(Operation::Status, id).await? {
            Outcome::Status(s) => Ok(s),
            _ => unreachable!("status gives its own outcome"),
        }
    }

    async fn raw(&self, op: Operation, arg: &str) -> Result<String> {
        self.run(op, arg).await.map(|o| o.to_json())
    }

    /// textlink: sets a contact's tag; TextLink's JSON answer.
    pub async fn update_contact_tag(&self, request: &str) -> Result<String> {
        self.raw(Operation::UpdateContactTag, request).await
    }

    /// relay: the newest messages; the relay's JSON answer.
    pub async fn list_messages(&self, options: &str) -> Result<String> {
        self.raw(Operation::ListMessages, options).await
    }

    /// relay: `GET /health`; the relay's JSON answer.
    pub async fn health(&self) -> Result<String> {
        self.raw(Operation::Health, "{}").await
    }

    /// relay: the inbound report for a filter; the relay's JSON answer.
    pub async fn inbound_query(&self, filter: &str) -> Result<String> {
        self.raw(Operation::InboundQuery, filter).await
    }

    /// relay: the registered inbound callbacks; the relay's JSON answer.
    pub async fn list_callbacks(&self) -> Result<String> {
        self.raw(Operation::ListCallbacks, "{}").await
    }

    /// relay: registers an inbound callback; the relay's JSON answer.
    pub async fn register_callback(&self, callback: &str) -> Result<String> {
        self.raw(Operation::RegisterCallback, callback).await
    }

    /// relay: removes an inbound callback by its URL; the relay's JSON answer.
    pub async fn delete_callback(&self, request: &str) -> Result<String> {
        self.raw(Operation::DeleteCallback, request).await
    }
}
