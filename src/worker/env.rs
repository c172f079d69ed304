//! The worker's variables, in one place: each field is named as the
//! variable it holds, read once per task (`wasm/worker/`) and turned into
//! [`WorkerSettings`]. The TypeScript `WorkerVars` of `edgetext/worker`
//! (the variables of its `WorkerEnv`; the bindings are added in
//! `worker.d.ts`) is generated from this type.

use crate::worker::{WebhookSecrets, WorkerSettings};
use serde::Serialize;

macro_rules! worker_vars {
    ($($(#[doc = $doc:literal])* $name:ident,)*) => {
        /// The variables and secrets the worker reads from `env`, each
        /// optional (`[vars]` may give numbers and booleans: they are read as text).
        #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
        #[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
        #[allow(non_snake_case)]
        pub struct WorkerVars {
            $($(#[doc = $doc])* #[serde(skip_serializing_if = "Option::is_none")] #[cfg_attr(target_arch = "wasm32", tsify(optional))] pub $name: Option<String>,)*
        }

        impl WorkerVars {
            /// Every variable's name, in the order above.
            pub const NAMES: &'static [&'static str] = &[$(stringify!($name),)*];

            /// Reads each variable once, with `get(name)` (`None` when unset or empty).
            pub fn read(get: &dyn Fn(&str) -> Option<String>) -> WorkerVars {
                let mut values = Self::NAMES.iter().map(|name| get(name).filter(|v| !v.is_empty()));
                WorkerVars { $($name: values.next().flatten(),)* }
            }

            /// The `OTP_*` variables that are set, by name.
            fn otp(&self) -> crate::worker::keyed::Keyed<String> {
                let all: &[(&str, &Option<String>)] = &[$((stringify!($name), &self.$name),)*];
                let mut otp = crate::worker::keyed::Keyed::new();
                for (k, v) in all.iter().filter(|(k, _)| k.starts_with("OTP_")) {
                    if let Some(v) = v {
                        otp.insert(k.to_string(), v.clone());
                    }
                }
                otp
            }
        }
    };
}

worker_vars! {
    /// TextLink's webhook secret (the `secret` field of each body).
    TEXTLINK_WEBHOOK_SECRET,
    /// The last path segment of Teklink's webhook URL.
    TEKLINK_WEBHOOK_SECRET,
    /// The `callback_token` registered with the relay.
    RELAY_CALLBACK_TOKEN,
    /// The key of Klink's `x-signature` HMAC.
    KLINK_WEBHOOK_SECRET,
    /// Bearer token guarding GET /v1/status/{provider}/{id} and GET /v1/events (`Authorization: Bearer …`); no OTP trust.
    EDGETEXT_API_TOKEN,
    /// Where new events are forwarded (Standard Webhooks).
    FORWARD_URL,
    /// The forwarding signature key, `whsec_<base64>` (Standard Webhooks); events wait in the outbox while it is missing or malformed.
    FORWARD_SECRET,
    /// Days events and statuses are kept, 1-36500 (default 30); enforced by the scheduled handler; a webhook whose event is older is refused (400).
    EVENT_RETENTION_DAYS,
    /// HMAC key of the stored code hashes and of verification assertions, at least 32 bytes (a secret).
    OTP_SECRET,
    /// Comma-separated ISO 3166 alpha-2 codes of number ranges (`US,CA,GB`; Jersey is `JE`) codes may be sent to, `*` for every country, and non-geographic calling codes as `+881` (never included by `*`); unset: none.
    OTP_ALLOWED_COUNTRIES,
    /// Bearer token of the app's server (a secret, not EDGETEXT_API_TOKEN): its `clientAddress` is counted, and it hears why a check is not valid.
    OTP_SERVER_TOKEN,
    /// Comma-separated range types codes may be sent to (default `mobile,fixed_line_or_mobile`).
    OTP_ALLOWED_NUMBER_TYPES,
    /// `textlink`, `teklink` or `relay`: the provider codes go through.
    OTP_PROVIDER,
    /// That provider's API key (a secret).
    OTP_API_KEY,
    /// JSON object of the client's other fields: `{"baseUrl":"…","phoneId":"…"}`.
    OTP_CLIENT,
    /// In the text as `{service}` (default "verification").
    OTP_SERVICE_NAME,
    /// The text; must contain `{code}`; `{service}` and `{minutes}` are filled in.
    OTP_TEMPLATE,
    /// Lifetime of a code in seconds, 1-86400 (default 600).
    OTP_TTL_SECONDS,
    /// Digits per code, 4-10 (default 6).
    OTP_CODE_LENGTH,
    /// Codes sent to one number per window, asked for from anywhere (default 10).
    OTP_SENDS_PER_NUMBER,
    /// Codes sent to one number per window asked for from one network: an IPv4 address or an IPv6 /48 (default 3).
    OTP_SENDS_PER_NUMBER_PER_NETWORK,
    /// Codes asked for from one IPv4 address or IPv6 /64 per window (default 10).
    OTP_SENDS_PER_IP,
    /// Codes asked for from one IPv6 /48 per window (default 30).
    OTP_SENDS_PER_IPV6_48,
    /// Checks of one number per window from one IPv4 address or IPv6 /64 (default 5).
    OTP_MAX_CHECKS,
    /// Checks of one number per window from one IPv6 /48 (default 10).
    OTP_MAX_CHECKS_PER_IPV6_48,
    /// Checks of one number per window from all addresses (default 20).
    OTP_MAX_CHECKS_PER_NUMBER,
    /// The former name of OTP_MAX_CHECKS_PER_NUMBER: while it is set, the OTP routes answer 503 otp_not_configured, naming the new one.
    OTP_MAX_CHECKS_PER_CODE,
    /// Sends to one country's ranges (or one non-geographic calling code's) per clock hour (default 200).
    OTP_SENDS_PER_COUNTRY_PER_HOUR,
    /// Sends of the whole worker per clock hour (default 1000).
    OTP_MAX_SENDS_PER_HOUR,
    /// `true`: every send answers 503 sends_paused (the kill switch).
    OTP_SENDS_PAUSED,
    /// Verifies from one IPv4 address or IPv6 /64 per window, of any number, whatever they find (default 30).
    OTP_VERIFIES_PER_IP,
    /// Verifies from one IPv6 /48 per window (default 100).
    OTP_VERIFIES_PER_IPV6_48,
    /// The sliding window of every limit, in seconds (default 3600).
    OTP_WINDOW_SECONDS,
    /// Comma-separated origins allowed to call /v1/otp/* from a browser, or `*`; unset: none (same origin only). Any other `Origin` is a 403.
    OTP_CORS_ORIGINS,
}

impl WorkerSettings {
    /// The settings from the variables read, and whether the guard object
    /// (`EDGETEXT_OTP`) and the forwarding Queue (`FORWARD_QUEUE`) are bound.
    pub fn from_vars(vars: WorkerVars, otp_bound: bool, queue_bound: bool) -> WorkerSettings {
        let otp_vars = vars.otp();
        WorkerSettings {
            secrets: WebhookSecrets {
                textlink: vars.TEXTLINK_WEBHOOK_SECRET,
                teklink: vars.TEKLINK_WEBHOOK_SECRET,
                relay: vars.RELAY_CALLBACK_TOKEN,
                klink: vars.KLINK_WEBHOOK_SECRET,
            },
            api_token: vars.EDGETEXT_API_TOKEN,
            forward_url: vars.FORWARD_URL,
            forward_secret: vars.FORWARD_SECRET,
            retention_days: vars.EVENT_RETENTION_DAYS,
            otp_vars,
            otp_bound,
            queue_bound,
        }
    }
}
