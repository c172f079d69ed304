//! The guard object's storage: one SQLite table of the guard's entries
//! (the Durable Object's `ctx.storage.sql`), each row with the time it can
//! be forgotten and an index on that time, so that the alarm deletes what
//! is over with one statement and wakes again at the earliest `forget_at`
//! left, instead of listing every entry. Every SQL text of the object is here;
//! the object only runs the statements ([`GuardSql`]) and sets the alarm.

use crate::worker::otp::guard::{guard_call_keys, guard_decide_call, GuardAnswer, GuardCall, GuardEntries, GuardSettings, GuardWrite};
use crate::Random;
use serde::Serialize;

/// The statements that make the table and its index (run when the object starts).
pub const GUARD_SCHEMA: [&str; 2] = [
    "CREATE TABLE IF NOT EXISTS otp_entries (key TEXT PRIMARY KEY, value TEXT NOT NULL, forget_at INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE INDEX IF NOT EXISTS otp_entries_forget_at ON otp_entries (forget_at)",
];
const UPSERT: &str =
    "INSERT INTO otp_entries (key, value, forget_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, forget_at = excluded.forget_at";
const DELETE: &str = "DELETE FROM otp_entries WHERE key = ?";
const SWEEP: &str = "DELETE FROM otp_entries WHERE forget_at <= ?";
const NEXT: &str = "SELECT MIN(forget_at) FROM otp_entries";

/// A value bound into a statement or read from a row.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum SqlValue {
    /// TEXT.
    Text(String),
    /// INTEGER or REAL (times in ms fit a JavaScript number exactly).
    Number(f64),
    /// NULL.
    Null,
}

/// Runs one statement with its binds and gives its rows, each a list of
/// column values (`sql.exec(query, ...binds).raw().toArray()`).
pub trait GuardSql {
    /// The rows, or why the statement failed.
    fn rows(&mut self, sql: &str, binds: &[SqlValue]) -> Result<Vec<Vec<SqlValue>>, String>;
}

/// What the object answers the worker for one call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum GuardReply {
    /// A send the guard counted (make it now), or the refund it took.
    Counted(GuardAnswer),
    /// The answer to give: a check, or a refusal of counted state.
    Answer {
        /// The guard's answer.
        answer: crate::worker::WorkerResponse,
    },
}

impl From<GuardAnswer> for GuardReply {
    fn from(a: GuardAnswer) -> Self {
        match a {
            GuardAnswer::Send { .. } | GuardAnswer::Refunded => GuardReply::Counted(a),
            other => GuardReply::Answer { answer: crate::worker::otp::guard::otp_answer(&other).into() },
        }
    }
}

/// The outcome of one call or sweep in the object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardRun {
    /// The answer for the worker (`None` for a sweep).
    pub reply: Option<GuardReply>,
    /// The alarm to set (ms), when one is needed earlier than the one set.
    pub set_alarm: Option<u64>,
}

// Pushed piece by piece: `join` (and `concat`, which buckets.rs avoids too)
// would be 1 KB of generic code a fresh isolate's first send compiles for this alone.
fn load_sql(n: usize) -> String {
    let mut sql = String::from("SELECT key, value FROM otp_entries WHERE key IN (");
    for i in 0..n {
        sql.push_str(if i == 0 { "?" } else { ", ?" });
    }
    sql.push(')');
    sql
}

/// Runs `call` on the stored entries: loads those it needs, decides, and
/// writes each changed entry with its `forget_at`. `alarm` is the alarm
/// already set (ms), if any. The statements run without a wait between
/// them, so no other call of the object interleaves.
pub fn guard_run(s: &GuardSettings, call: &GuardCall, sql: &mut impl GuardSql, now: u64, rng: &impl Random, alarm: Option<u64>) -> Result<GuardRun, String> {
    let binds: Vec<SqlValue> = guard_call_keys(call).into_iter().map(SqlValue::Text).collect();
    let mut entries = GuardEntries::new();
    for row in sql.rows(&load_sql(binds.len()), &binds)? {
        if let [SqlValue::Text(k), SqlValue::Text(v)] = row.as_slice() {
            entries.insert(k.clone(), Some(v.clone()));
        }
    }
    let decision = guard_decide_call(s, call, &entries, now, rng);
    let mut wake: Option<u64> = None;
    for (key, write) in decision.writes.0 {
        match write {
            Some(GuardWrite { text, forget_at: at }) => {
                wake = Some(wake.map_or(at, |w| w.min(at)));
                sql.rows(UPSERT, &[SqlValue::Text(key), SqlValue::Text(text), SqlValue::Number(at as f64)])?;
            }
            None => {
                sql.rows(DELETE, &[SqlValue::Text(key)])?;
            }
        }
    }
    let set_alarm = wake.filter(|w| alarm.is_none_or(|a| a > *w));
    Ok(GuardRun { reply: Some(decision.answer.into()), set_alarm })
}

/// The alarm: deletes every entry that can be forgotten at `now` (by the
/// index) and gives the next alarm, the earliest `forget_at` left.
pub fn guard_sweep(sql: &mut impl GuardSql, now: u64) -> Result<GuardRun, String> {
    sql.rows(SWEEP, &[SqlValue::Number(now as f64)])?;
    let next = sql.rows(NEXT, &[])?.into_iter().next().and_then(|row| match row.first() {
        Some(SqlValue::Number(n)) => Some(*n as u64),
        _ => None,
    });
    Ok(GuardRun { reply: None, set_alarm: next })
}
