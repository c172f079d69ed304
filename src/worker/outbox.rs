//! The worker's forwarding and housekeeping schedule: when a stored event is
//! due to be (re)sent, how the Queue backs off, what a delivery looks like,
//! and what retention deletes. The runtime only executes these plans.
//!
//! Every stored event that is to be forwarded carries a `forward_due` time
//! in D1 until a delivery is accepted (the outbox). It is stored already
//! leased to the Queue; when the Queue cannot take it, or its retries run
//! out, the scheduled handler finds it due and enqueues it again. So a
//! stored event is forwarded at least once, never lost.

use crate::contract::WebhookKey;
use crate::worker::route::WorkerSettings;
use serde::Serialize;

/// How long an enqueued event is left to the Queue before the scheduled
/// handler enqueues it again: longer than the Queue's own retries (10
/// attempts with [`forward_retry_delay_seconds`], about 14 minutes).
pub const FORWARD_LEASE_MS: u64 = 20 * 60 * 1000;

/// The most events one scheduled run enqueues again.
pub const OUTBOX_BATCH: u32 = 100;

/// `EVENT_RETENTION_DAYS` when it is not set.
pub const DEFAULT_RETENTION_DAYS: u32 = 30;

const DAY_MS: u64 = 86_400_000;

/// Seconds the Queue waits before forwarding attempt `attempts + 1`:
/// 1, 2, 4 … capped at 300.
pub fn forward_retry_delay_seconds(attempts: u32) -> u32 {
    1u32.checked_shl(attempts.saturating_sub(1)).unwrap_or(u32::MAX).min(300)
}

/// What one run of the scheduled handler does.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScheduledPlan {
    /// Events and statuses received before this time (ms) are deleted;
    /// `None` when `EVENT_RETENTION_DAYS` is malformed (nothing is deleted).
    pub delete_before: Option<u64>,
    /// Events whose `forward_due` is at or before this time are enqueued again
    /// (`None` when forwarding is not configured).
    pub due_by: Option<u64>,
    /// Their new `forward_due`.
    pub lease_until: u64,
    /// At most this many per run.
    pub batch: u32,
    /// A configuration problem to log (never a secret).
    pub warning: Option<String>,
}

/// The start of the retention period at `now_ms` (`EVENT_RETENTION_DAYS`
/// before it): the scheduled handler deletes what was received before it,
/// and a webhook whose event happened before it is refused. `None` when
/// `EVENT_RETENTION_DAYS` is malformed: then nothing is deleted, and so
/// nothing needs refusing.
pub fn retention_start(settings: &WorkerSettings, now_ms: u64) -> Option<u64> {
    let days = match settings.retention_days.as_deref().map(str::trim) {
        None | Some("") => DEFAULT_RETENTION_DAYS,
        Some(s) => s.parse::<u32>().ok().filter(|d| (1..=36_500).contains(d))?,
    };
    Some(now_ms.saturating_sub(u64::from(days) * DAY_MS))
}

/// The plan of a scheduled run at `now_ms`.
pub fn scheduled_plan(settings: &WorkerSettings, now_ms: u64) -> ScheduledPlan {
    let delete_before = retention_start(settings, now_ms);
    let warning = delete_before.is_none().then(|| "EVENT_RETENTION_DAYS must be a whole number of days from 1 to 36500: nothing was deleted".to_string());
    ScheduledPlan {
        delete_before,
        due_by: settings.forward_url.is_some().then_some(now_ms),
        lease_until: now_ms + FORWARD_LEASE_MS,
        batch: OUTBOX_BATCH,
        warning,
    }
}

/// One forwarding POST, signed the Standard Webhooks way.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForwardDelivery {
    /// `FORWARD_URL`.
    pub url: String,
    /// `content-type`, `webhook-id`, `webhook-timestamp`, `webhook-signature`.
    pub headers: Vec<(String, String)>,
}

/// The delivery of a stored event (its id and its JSON text as stored), or
/// why it cannot be sent now (forwarding not configured, or `FORWARD_SECRET`
/// not in `whsec_<base64>` form); the event then stays in the outbox.
pub fn forward_delivery(settings: &WorkerSettings, event_id: &str, body: &str, now_ms: u64) -> Result<ForwardDelivery, &'static str> {
    let url = settings.forward_url.as_deref().ok_or("FORWARD_URL is not set")?;
    let secret = settings.forward_secret.as_deref().ok_or("FORWARD_SECRET is not set")?;
    let key = WebhookKey::parse_prefixed(secret).ok_or("FORWARD_SECRET must be whsec_ followed by base64")?;
    let ts = now_ms / 1000;
    Ok(ForwardDelivery {
        url: url.into(),
        headers: vec![
            ("content-type".into(), "application/json".into()),
            ("webhook-id".into(), event_id.into()),
            ("webhook-timestamp".into(), ts.to_string()),
            ("webhook-signature".into(), key.sign(event_id, ts, body.as_bytes())),
        ],
    })
}
