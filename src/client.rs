//! The client: build a request, send it through the transport, parse the
//! answer; retry only where a retry cannot deliver a message twice.

use crate::json::{self, Fields, JsonObject};
use crate::providers::{self, klink, relay, teklink, textlink, Ctx, PreparedSend, Retry};
use crate::{
    check_code, generate_code, nanp_national, normalize_status, sign_code, Clock, CodeTicket, Config, Error,
    ErrorCode, HttpRequest, HttpResponse, Method, MessageStatus, ProviderKind, Random, Result, SendReceipt,
    Transport, TransportError, Verification,
};

/// The longest `Retry-After` the client waits for by itself; a longer one is
/// handed back to the caller as a `rate_limited` error.
pub const MAX_RETRY_AFTER_SECONDS: u64 = 60;

/// A client for one provider, generic over the platform that does I/O, tells
/// the time and gives random bytes.
///
/// Every method takes its argument object as JSON text (the form it arrives
/// in from JavaScript) and refuses unknown fields.
pub struct Client<P> {
    cfg: Config,
    platform: P,
}

/// Whether a request may deliver a message.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    Send(Retry),
    Read,
}

impl<P: Transport + Clock + Random> Client<P> {
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

    fn ctx(&self) -> Ctx<'_> {
        Ctx { now_ms: self.platform.now_ms(), rng: &self.platform }
    }

    /// Sends a message (the contract's `send(message)`).
    pub async fn send(&self, message: &str) -> Result<SendReceipt> {
        let f = Fields::parse(message, "message")?;
        self.send_fields(f).await
    }

    async fn send_fields(&self, f: Fields) -> Result<SendReceipt> {
        let ctx = self.ctx();
        let prepared = match self.cfg.provider {
            ProviderKind::TextLink => textlink::send(&self.cfg, f, &ctx),
            ProviderKind::Teklink => teklink::send(&self.cfg, f, &ctx),
            ProviderKind::Relay => relay::send(&self.cfg, f, &ctx),
            ProviderKind::Klink => klink::send(&self.cfg, f, &ctx),
        }
        .map_err(|e| e.with_provider(self.provider()))?;
        let resp = self.execute(&prepared.request, Op::Send(prepared.retry), prepared.idempotency_key.as_deref()).await?;
        self.receipt(prepared, &resp)
    }

    fn receipt(&self, p: PreparedSend, resp: &HttpResponse) -> Result<SendReceipt> {
        let cfg = &self.cfg;
        let (id, status, duplicate) = match cfg.provider {
            ProviderKind::TextLink => (p.id, textlink::send_status(cfg, resp)?, false),
            ProviderKind::Teklink => (None, teklink::send_status(cfg, resp)?, false),
            ProviderKind::Klink => (klink::parse_send(cfg, resp)?, "sent", false),
            ProviderKind::Relay => {
                let (id, status, dup) = relay::parse_send(cfg, resp)?;
                (Some(id), status, dup)
            }
        };
        Ok(SendReceipt {
            provider: cfg.provider,
            id,
            status: status.into(),
            duplicate,
            to: p.to,
            segments: p.segments,
            idempotency_key: p.idempotency_key,
            raw: providers::redact(&resp.body, cfg),
        })
    }

    /// Sends a one-time code: through TextLink's own endpoint, or as a signed
    /// code on every other provider (the code is never returned).
    pub async fn send_code(&self, request: &str) -> Result<CodeTicket> {
        let p = self.provider();
        let mut f = Fields::parse(request, "request")?;
        if self.cfg.provider == ProviderKind::TextLink {
            let cr = textlink::send_code(&self.cfg, f).map_err(|e| e.with_provider(p))?;
            let now = self.platform.now_ms();
            let resp = self.execute(&cr.request, Op::Send(Retry::Unsafe), None).await?;
            providers::parse_ok(&self.cfg, &resp, true)?;
            return Ok(CodeTicket {
                provider: self.cfg.provider,
                to: cr.to,
                mode: "provider",
                expires_at_ms: now + cr.ttl_seconds * 1000,
                token: None,
            });
        }
        let otp = self.otp_config()?;
        let to = self.take_recipient_field(&mut f)?;
        let service = f.required_string("serviceName")?;
        let length = match f.uint("length", 10)? {
            Some(l) if l < 4 => return Err(Error::input("request.length must be from 4 to 10").with_provider(p)),
            Some(l) => l as u8,
            None => otp.length,
        };
        let ttl = match f.uint("ttlSeconds", 86_400)? {
            Some(0) => return Err(Error::input("request.ttlSeconds must be at least 1").with_provider(p)),
            Some(t) => t,
            None => otp.ttl_seconds,
        };
        f.finish(&format!("for {p} (signed codes)")).map_err(|e| e.with_provider(p))?;
        // Validate the recipient before a code exists, so bad input sends nothing.
        let recipient = self.recipient(&to)?;
        let code = generate_code(&self.platform, length)?;
        let minutes = ttl.div_ceil(60).to_string();
        let text = otp
            .template
            .replace("{service}", &service)
            .replace("{minutes}", &minutes)
            .replace("{code}", &code);
        let address = if self.cfg.provider == ProviderKind::Klink { "contactId" } else { "to" };
        let message = JsonObject::new().str(address, &to).str("text", &text).finish();
        let receipt = self.send_fields(Fields::parse(&message, "message")?).await?;
        debug_assert_eq!(receipt.to, recipient);
        let mut nonce = [0u8; 16];
        self.platform.fill(&mut nonce);
        let expires = self.platform.now_ms() + ttl * 1000;
        let token = sign_code(otp.secret.as_bytes(), &receipt.to, &code, expires, &nonce);
        Ok(CodeTicket { provider: self.cfg.provider, to: receipt.to, mode: "signed", expires_at_ms: expires, token: Some(token) })
    }

    /// Checks a code. A wrong code is `valid: false`, never an error.
    pub async fn verify_code(&self, request: &str) -> Result<Verification> {
        let p = self.provider();
        let mut f = Fields::parse(request, "request")?;
        let to = self.take_recipient_field(&mut f)?;
        let code = f.required_string("code")?;
        let token = f.string("token")?;
        f.finish("of verifyCode").map_err(|e| e.with_provider(p))?;
        if self.cfg.provider == ProviderKind::TextLink {
            if token.is_some() {
                return Err(Error::input("request.token is not used by textlink, which checks codes itself").with_provider(p));
            }
            let to = crate::normalize_phone(&to, None).map_err(|e| e.with_provider(p))?;
            let req = textlink::verify_code(&self.cfg, &to, code.trim());
            let resp = self.execute(&req, Op::Read, None).await?;
            return textlink::parse_verify(&self.cfg, &resp);
        }
        let otp = self.otp_config()?;
        let recipient = self.recipient(&to)?;
        let check = match token {
            None => crate::CodeCheck::Malformed,
            Some(t) => check_code(otp.secret.as_bytes(), &recipient, code.trim(), &t, self.platform.now_ms()),
        };
        Ok(Verification { valid: check.reason().is_none(), reason: check.reason().map(str::to_string) })
    }

    fn otp_config(&self) -> Result<&crate::OtpConfig> {
        self.cfg.otp.as_ref().ok_or_else(|| {
            Error::config(format!(
                "config.otp.secret is required for one-time codes on {} (they are signed by the SDK)",
                self.provider()
            ))
            .with_provider(self.provider())
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
        f.required_string("to").map_err(|e| e.with_provider(self.provider()))
    }

    /// A recipient normalised the way `send` normalises it.
    fn recipient(&self, to: &str) -> Result<String> {
        match self.cfg.provider {
            ProviderKind::TextLink => crate::normalize_phone(to, None),
            ProviderKind::Teklink => nanp_national(to),
            ProviderKind::Relay => relay::recipient(&self.cfg.channel, to),
            ProviderKind::Klink => klink::recipient(to),
        }
        .map_err(|e| e.with_provider(self.provider()))
    }

    /// Reads a message's status: the relay's own endpoint, or an edgetext
    /// worker at `statusUrl` for every other provider.
    pub async fn status(&self, id: &str) -> Result<MessageStatus> {
        let p = self.provider();
        if id.trim().is_empty() || id.len() > 200 {
            return Err(Error::input("status id must be 1 to 200 characters").with_provider(p));
        }
        if self.cfg.provider == ProviderKind::Relay {
            let resp = self.execute(&relay::status(&self.cfg, id), Op::Read, None).await?;
            return relay::parse_status(&self.cfg, id, &resp);
        }
        let Some(base) = &self.cfg.status_url else {
            return Err(Error::unsupported(format!(
                "{p} has no status endpoint: set config.statusUrl to an edgetext worker that receives {p}'s webhooks"
            ))
            .with_provider(p));
        };
        let mut headers = vec![("Accept".to_string(), "application/json".to_string())];
        if let Some(t) = &self.cfg.status_token {
            headers.push(("Authorization".to_string(), format!("Bearer {t}")));
        }
        let req = HttpRequest {
            method: Method::Get,
            url: format!("{base}/v1/status/{}", providers::path_segment(id)),
            headers,
            body: None,
        };
        let resp = self.execute(&req, Op::Read, None).await?;
        let obj = providers::parse_ok(&self.cfg, &resp, false)?;
        Ok(MessageStatus {
            id: json::get_str(&obj, "id").unwrap_or(id).to_string(),
            provider: json::get_str(&obj, "provider").unwrap_or(p).to_string(),
            status: normalize_status(json::get_str(&obj, "status").unwrap_or("")).into(),
            error: json::get_str(&obj, "error").map(str::to_string),
            created_at: json::get_str(&obj, "createdAt").map(str::to_string),
            delivered_at: json::get_str(&obj, "deliveredAt").map(str::to_string),
            raw: resp.body,
        })
    }

    fn only(&self, provider: ProviderKind, op: &str) -> Result<()> {
        if self.cfg.provider == provider {
            Ok(())
        } else {
            Err(Error::unsupported(format!("{op} is a {} operation; this client is for {}", provider.as_str(), self.provider()))
                .with_provider(self.provider()))
        }
    }

    /// textlink: sets a contact's tag. Returns TextLink's JSON answer.
    pub async fn update_contact_tag(&self, request: &str) -> Result<String> {
        self.only(ProviderKind::TextLink, "updateContactTag")?;
        let req = textlink::update_contact_tag(&self.cfg, Fields::parse(request, "request")?)
            .map_err(|e| e.with_provider(self.provider()))?;
        // Setting a tag twice is harmless, so it retries like a read.
        self.call(&req).await
    }

    /// relay: the newest messages (`limit`, default 50). Returns the relay's JSON answer.
    pub async fn list_messages(&self, options: &str) -> Result<String> {
        self.only(ProviderKind::Relay, "listMessages")?;
        let req = relay::list_messages(&self.cfg, Fields::parse(options, "options")?)?;
        self.call(&req).await
    }

    /// relay: `GET /health`. Returns the relay's JSON answer.
    pub async fn health(&self) -> Result<String> {
        self.only(ProviderKind::Relay, "health")?;
        self.call(&relay::health(&self.cfg)).await
    }

    /// relay: the inbound report for a filter. Returns the relay's JSON answer.
    pub async fn inbound_query(&self, filter: &str) -> Result<String> {
        self.only(ProviderKind::Relay, "inboundQuery")?;
        let req = relay::inbound_query(&self.cfg, Fields::parse(filter, "filter")?)?;
        self.call(&req).await
    }

    /// relay: the registered inbound callbacks. Returns the relay's JSON answer.
    pub async fn list_callbacks(&self) -> Result<String> {
        self.only(ProviderKind::Relay, "listCallbacks")?;
        self.call(&relay::list_callbacks(&self.cfg)).await
    }

    /// relay: registers an inbound callback. Returns the relay's JSON answer.
    pub async fn register_callback(&self, callback: &str) -> Result<String> {
        self.only(ProviderKind::Relay, "registerCallback")?;
        let req = relay::register_callback(&self.cfg, Fields::parse(callback, "callback")?)?;
        self.call(&req).await
    }

    /// relay: removes an inbound callback by its URL. Returns the relay's JSON answer.
    pub async fn delete_callback(&self, request: &str) -> Result<String> {
        self.only(ProviderKind::Relay, "deleteCallback")?;
        let req = relay::delete_callback(&self.cfg, Fields::parse(request, "request")?)?;
        self.call(&req).await
    }

    /// A call that cannot deliver a message: retried on any transient failure.
    async fn call(&self, req: &HttpRequest) -> Result<String> {
        let resp = self.execute(req, Op::Read, None).await?;
        providers::parse_ok(&self.cfg, &resp, false)?;
        Ok(providers::redact(&resp.body, &self.cfg))
    }

    /// Sends with retries. Returns any answer that is not 429 or 5xx (the
    /// caller parses 2xx and 4xx), or the error for the last failed attempt.
    async fn execute(&self, req: &HttpRequest, op: Op, key: Option<&str>) -> Result<HttpResponse> {
        let mut attempt = 0u32;
        loop {
            let outcome = self.platform.fetch(req, self.cfg.timeout_ms).await;
            let (err, safe, wait) = match outcome {
                Ok(resp) if resp.status == 429 => {
                    let after = retry_after_seconds(&resp, self.platform.now_ms());
                    let mut e = self.status_error(ErrorCode::RateLimited, &resp, "is rate limiting requests");
                    e.retryable = true;
                    e.retry_after_seconds = after;
                    let within = after.map_or(true, |s| s <= MAX_RETRY_AFTER_SECONDS);
                    (e, within, after.map(|s| s * 1000))
                }
                Ok(resp) if resp.status >= 500 => {
                    let e = match op {
                        Op::Read => self.status_error(ErrorCode::ProviderUnavailable, &resp, "is unavailable").retryable(true),
                        Op::Send(_) if resp.status == 503 => self
                            .status_error(ErrorCode::ProviderUnavailable, &resp, "is unavailable and did not take the message")
                            .retryable(true),
                        Op::Send(r) => self.unknown(
                            format!("answered HTTP {}; the message may or may not have been taken", resp.status),
                            r,
                            key,
                        ),
                    };
                    let mut e = e;
                    e.http_status = Some(resp.status);
                    (e, op != Op::Send(Retry::Unsafe), None)
                }
                Ok(resp) => return Ok(resp),
                Err(TransportError::NotSent(why)) => {
                    let e = Error::new(ErrorCode::Network, format!("could not reach {}: {why}", self.provider()))
                        .with_provider(self.provider())
                        .retryable(true);
                    (e, true, None)
                }
                Err(failure) => {
                    let what = match &failure {
                        TransportError::Timeout => format!("did not answer within {} ms", self.cfg.timeout_ms),
                        TransportError::Dropped(why) => format!("dropped the connection ({why})"),
                        TransportError::NotSent(_) => unreachable!(),
                    };
                    let e = match op {
                        Op::Read if matches!(failure, TransportError::Timeout) => {
                            Error::new(ErrorCode::Timeout, format!("{} {what}", self.provider()))
                                .with_provider(self.provider())
                                .retryable(true)
                        }
                        Op::Read => Error::new(ErrorCode::Network, format!("{} {what}", self.provider()))
                            .with_provider(self.provider())
                            .retryable(true),
                        Op::Send(r) => self.unknown(format!("{what}; the message may or may not have been sent"), r, key),
                    };
                    (e, op != Op::Send(Retry::Unsafe), None)
                }
            };
            if !safe || attempt >= self.cfg.max_retries {
                return Err(err);
            }
            let delay = wait.unwrap_or_else(|| self.backoff_ms(attempt));
            self.platform.sleep(delay).await;
            attempt += 1;
        }
    }

    fn unknown(&self, what: String, retry: Retry, key: Option<&str>) -> Error {
        let mut msg = format!("{} {what}", self.provider());
        if let (Retry::Safe, Some(k)) = (retry, key) {
            msg.push_str(&format!("; retrying with idempotencyKey {k:?} cannot deliver it twice"));
        }
        Error::new(ErrorCode::OutcomeUnknown, msg)
            .with_provider(self.provider())
            .retryable(retry == Retry::Safe)
    }

    fn status_error(&self, code: ErrorCode, resp: &HttpResponse, what: &str) -> Error {
        let message = providers::provider_message(&resp.body).map(|m| providers::redact(&m, &self.cfg));
        let mut e = Error::new(code, format!("{} {what} (HTTP {})", self.provider(), resp.status))
            .with_provider(self.provider());
        e.http_status = Some(resp.status);
        e.provider_message = message;
        e
    }

    /// Exponential backoff with jitter: 250 ms, 500 ms, 1 s … capped at 8 s,
    /// each drawn uniformly from its upper half.
    fn backoff_ms(&self, attempt: u32) -> u64 {
        let cap = (250u64 << attempt.min(5)).min(8_000);
        let mut b = [0u8; 2];
        self.platform.fill(&mut b);
        cap / 2 + u64::from(u16::from_le_bytes(b)) % (cap / 2 + 1)
    }
}

/// `Retry-After` as seconds: either delta-seconds or an HTTP date.
pub(crate) fn retry_after_seconds(resp: &HttpResponse, now_ms: u64) -> Option<u64> {
    let v = resp.header("retry-after")?.trim();
    if let Ok(s) = v.parse::<u64>() {
        return Some(s);
    }
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    let parts: Vec<&str> = v.split_whitespace().collect();
    if parts.len() != 6 || parts[5] != "GMT" {
        return None;
    }
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let month = MONTHS.iter().position(|m| *m == parts[2])? + 1;
    let iso = format!("{}-{month:02}-{:0>2}T{}Z", parts[3], parts[1], parts[4]);
    let at = crate::parse_iso8601(&iso)?;
    Some(at.saturating_sub(now_ms).div_ceil(1000))
}
