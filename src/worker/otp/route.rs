//! The worker's one-time-code routes, `/v1/otp/send` and `/v1/otp/verify`,
//! around the guard: the path, method, CORS, cross-site refusals, body
//! type and size, caller and settings before it; which client sends the
//! codes; and the answer and refund after the provider was asked. The
//! runtime only reads the body, calls the Durable Object and makes the send.

use crate::core::encode::percent_decode;
use crate::worker::route::{bearer_matches, BodyRoute, Decision, Head, WorkerRequest, WorkerResponse, WorkerSettings};
use crate::contract::{OtpResponse, OTP_MAX_BODY};
use crate::worker::otp::guard::{otp_after_send, otp_request, GuardAnswer, GuardRequest, GuardSettings, OtpCaller};
use crate::ErrorCode;

/// The two OTP routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OtpAction {
    /// `POST /v1/otp/send`.
    Send,
    /// `POST /v1/otp/verify`.
    Verify,
}

impl From<OtpResponse> for WorkerResponse {
    fn from(r: OtpResponse) -> Self {
        let response = WorkerResponse::json(r.status, &r.body);
        match r.retry_after {
            Some(s) => response.with_header("retry-after", &s.to_string()),
            None => response,
        }
    }
}

impl WorkerSettings {
    /// The guard's settings from the `OTP_*` variables.
    pub fn guard(&self) -> Result<GuardSettings, OtpResponse> {
        let server = self.otp_vars.get("OTP_SERVER_TOKEN").map(String::as_str);
        if server.is_some() && server == self.api_token.as_deref() {
            return Err(not_configured("OTP_SERVER_TOKEN must not be EDGETEXT_API_TOKEN: give the app's server a token of its own".into()));
        }
        GuardSettings::from_env(|k| self.otp_vars.get(k).cloned()).map_err(not_configured)
    }

    /// Every secret the worker holds that is long enough to find in a text.
    fn secrets(&self) -> impl Iterator<Item = &str> {
        let s = &self.secrets;
        [&s.textlink, &s.teklink, &s.relay, &s.klink, &self.api_token, &self.forward_secret]
            .into_iter()
            .filter_map(|v| v.as_deref())
            .chain(["OTP_API_KEY", "OTP_SECRET", "OTP_SERVER_TOKEN"].into_iter().filter_map(|k| self.otp_vars.get(k).map(String::as_str)))
            .filter(|v| v.len() >= 4)
    }

    /// `text` with every secret of the worker replaced by `[redacted]`.
    pub fn redact(&self, text: &str) -> String {
        self.secrets().fold(text.to_owned(), |t, s| t.replace(s, "[redacted]"))
    }
}

fn not_configured(message: String) -> OtpResponse {
    OtpResponse::error(503, "otp_not_configured", message, None)
}

/// Whether `OTP_CORS_ORIGINS` (comma-separated origins, or `*`) lists `origin`.
fn origin_listed(origin: &str, origins: Option<&str>) -> bool {
    let mut allowed = origins.unwrap_or("").split(',').map(|o| o.trim().trim_end_matches('/')).filter(|o| !o.is_empty());
    allowed.any(|o| o == "*" || o == origin)
}

/// The CORS headers for a request whose `Origin` `OTP_CORS_ORIGINS` lists
/// (comma-separated origins, or `*`); none for any other request.
pub fn otp_cors(headers: &[(String, String)], origins: Option<&str>) -> Vec<(String, String)> {
    let Some(origin) = crate::core::http::find_header(headers, "origin") else { return Vec::new() };
    if !origin_listed(origin, origins) {
        return Vec::new();
    }
    [("access-control-allow-origin", origin), ("access-control-expose-headers", "retry-after"), ("vary", "origin")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// The refusal of a `POST` a web page could have made its visitor's browser
/// send, or `None`: an `Origin` that is neither `OTP_CORS_ORIGINS`'s nor the
/// worker's own (the `Host` asked for, or what the browser's
/// `Sec-Fetch-Site: same-origin` says), or `Sec-Fetch-Site: cross-site`
/// without such an origin, is a 403; a body that is not declared
/// `application/json` (parameters allowed) is a 415, so that no cross-site
/// "simple" request (a form, `text/plain`) reaches the guard: a browser
/// sends `application/json` to another origin only after a preflight, which
/// only the listed origins pass. A server sends no `Origin` and passes.
pub fn otp_cross_site(headers: &[(String, String)], origins: Option<&str>) -> Option<OtpResponse> {
    let header = |name| crate::core::http::find_header(headers, name).map(str::trim);
    let fetch_site = |site: &str| header("sec-fetch-site").is_some_and(|v| v.eq_ignore_ascii_case(site));
    // Web content can set neither Host nor Sec-Fetch-Site: only a browser's own page matches them.
    let own = |origin: &str| {
        let authority = origin.split_once("://").map(|(_, a)| a);
        fetch_site("same-origin") || matches!((authority, header("host")), (Some(a), Some(h)) if !h.is_empty() && a.eq_ignore_ascii_case(h))
    };
    let allowed = header("origin").map(|o| origin_listed(o, origins) || own(o));
    let cross_site = fetch_site("cross-site");
    if allowed == Some(false) || (cross_site && allowed != Some(true)) {
        let message = "this origin may not call the OTP routes: list it in OTP_CORS_ORIGINS";
        return Some(OtpResponse::error(403, "origin_not_allowed", message, None));
    }
    let media_type = header("content-type").map(|v| v.split(';').next().unwrap_or("").trim());
    if !media_type.is_some_and(|m| m.eq_ignore_ascii_case("application/json")) {
        return Some(OtpResponse::error(415, "invalid_input", "the body must be sent as Content-Type: application/json", None));
    }
    None
}

/// Routes a request to `/v1/otp/…` (`raw`: the path segments after `v1`,
/// still encoded) up to its body.
pub(crate) fn otp_head(req: &WorkerRequest, raw: &[&str], settings: &WorkerSettings) -> Head {
    let cors = otp_cors(req.headers, settings.otp_vars.get("OTP_CORS_ORIGINS").map(String::as_str));
    let with_cors = |mut response: WorkerResponse| {
        response.headers.extend(cors.iter().cloned());
        Head::Decided(Decision::Respond { response })
    };
    let answer = |r: OtpResponse| with_cors(r.into());
    let action = match raw {
        [_, a] => percent_decode(a, false),
        _ => None,
    };
    let action = match action.as_deref() {
        Some("send") => OtpAction::Send,
        Some("verify") => OtpAction::Verify,
        _ => return answer(OtpResponse::error(404, "not_found", "the OTP routes are /v1/otp/send and /v1/otp/verify", None)),
    };
    match req.method {
        "POST" => {}
        "OPTIONS" => {
            let preflight = WorkerResponse { status: 204, headers: Vec::new(), body: String::new() }
                .with_header("access-control-allow-methods", "POST")
                .with_header("access-control-allow-headers", "content-type, accept, authorization")
                .with_header("access-control-max-age", "600");
            return with_cors(preflight);
        }
        _ => {
            let refusal = WorkerResponse::from(OtpResponse::error(405, "method_not_allowed", "use POST", None)).with_header("allow", "POST, OPTIONS");
            return with_cors(refusal);
        }
    }
    if let Some(refusal) = otp_cross_site(req.headers, settings.otp_vars.get("OTP_CORS_ORIGINS").map(String::as_str)) {
        return answer(refusal);
    }
    if !settings.otp_bound {
        return answer(not_configured("bind the EdgetextOtp Durable Object as EDGETEXT_OTP".into()));
    }
    if req.declares_more_than(OTP_MAX_BODY) {
        return answer(OtpResponse::too_large());
    }
    // otp_request refuses a body read past the limit.
    Head::NeedBody { limit: OTP_MAX_BODY, route: BodyRoute::Otp { action, cors } }
}

/// Decides an OTP request once its `body` is read.
pub(crate) fn otp_body(action: OtpAction, cors: Vec<(String, String)>, req: &WorkerRequest, body: &[u8], settings: &WorkerSettings) -> Decision {
    let caller = OtpCaller {
        address: crate::core::http::find_header(req.headers, "cf-connecting-ip").unwrap_or(""),
        // OTP trust is its own token: the events reader's EDGETEXT_API_TOKEN grants none.
        trusted: bearer_matches(crate::core::http::find_header(req.headers, "authorization"), settings.otp_vars.get("OTP_SERVER_TOKEN").map(String::as_str)),
    };
    // Bad input is a 400 even where the settings are not.
    match otp_request(action, body, &caller).and_then(|r| settings.guard().map(|_| r)) {
        Ok(request) => Decision::Otp { request, cors },
        Err(r) => {
            let mut response = WorkerResponse::from(r);
            response.headers.extend(cors);
            Decision::Respond { response }
        }
    }
}

/// Why a `Client` config cannot send the worker's codes, if it cannot:
/// Klink addresses contacts, not numbers, and a client in worker mode
/// (`otpUrl`) would send through a worker, maybe this one.
pub fn otp_client_refusal(provider: Option<&str>, has_otp_url: bool) -> Option<&'static str> {
    if provider == Some("klink") {
        Some("klink addresses contacts, not phone numbers: choose textlink, teklink or relay for OTP_PROVIDER")
    } else if has_otp_url {
        Some("the OTP client must send through a provider, not through otpUrl")
    } else {
        None
    }
}

/// The 503 when the client that sends codes cannot be made (`reason` is
/// redacted here).
pub fn otp_client_unavailable(settings: &WorkerSettings, reason: &str) -> WorkerResponse {
    not_configured(settings.redact(reason)).into()
}

/// What came of asking the provider to send a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendOutcome<'a> {
    /// It took the message.
    Sent {
        /// The provider's name, from the receipt.
        provider: &'a str,
    },
    /// The send failed with this code and message.
    Failed {
        /// The error's code; anything thrown without a known code is `provider_unavailable`.
        code: ErrorCode,
        /// The error's message (secrets and the code are removed from it here).
        message: &'a str,
    },
}

/// The answer after the provider was asked to send `sent` (the guard's
/// answer to `request`), and the refund to ask the guard for when the
/// provider certainly did not take it.
pub fn otp_after_provider(settings: &WorkerSettings, request: &GuardRequest, sent: &GuardAnswer, outcome: SendOutcome<'_>) -> (WorkerResponse, Option<GuardRequest>) {
    let (provider, error, message) = match outcome {
        SendOutcome::Sent { provider } => (provider, None, String::new()),
        SendOutcome::Failed { code, message } => ("", Some(code), settings.redact(message)),
    };
    let (response, refund) = otp_after_send(sent, provider, error, &message);
    let refund = match (refund, request, sent) {
        (true, GuardRequest::Send { address, .. }, GuardAnswer::Send { to, id, .. }) => Some(GuardRequest::Refund { to: to.clone(), address: address.clone(), id: id.clone() }),
        _ => None,
    };
    (response.into(), refund)
}
