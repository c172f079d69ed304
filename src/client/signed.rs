//! A signed code checked against the store (`verifyCode` in signed mode):
//! the rule, as a small state machine whose only I/O is the store's atomic
//! increment ([`TokenCheck`]); the queue that lets the checks of one token in
//! this process go one at a time ([`TokenQueue`]); and the SQL of
//! `d1Store(db)`, a store on Cloudflare D1.
//!
//! Per token, two counters live in the store, each under a key derived from
//! the token (never the code): the checks made, and the checks that found the
//! right code. A check is counted first; the sixth and later are
//! `too_many_attempts` whatever the code. A counted check with the right code
//! then claims the token: the first claim verifies, any later one is `spent`.
//! Both are increments the store performs in one step, so a thousand checks
//! at once, in one process or many, count at most five and verify at most once.

use super::otp::{check_code, token_expiry, CodeCheck};
use super::{Client, Verification, VerifyReason, VerifyRequest};
use crate::core::encode::b64url;
use crate::{Clock, CodeStore, Error, ErrorCode, Random, Result};
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

/// Checks per signed token: the sixth is `too_many_attempts`, even with the right code.
pub const MAX_TOKEN_CHECKS: u64 = 5;

/// One check of a signed code: what to ask the store next, until the answer.
///
/// ```
/// use edgetext::client::{sign_code, TokenCheck, TokenStep};
/// let secret = b"0123456789abcdef0123456789abcdef";
/// let token = sign_code(secret, "+15551234567", "123456", 60_000, &[7; 16]);
/// let mut check = TokenCheck::new(secret, "+15551234567", "123456", &token, 0);
/// let TokenStep::Incr { key, .. } = check.step() else { panic!() };
/// assert!(key.starts_with("edgetext-otp:"));
/// check.feed(1); // the first check of this token
/// check.feed(1); // and the first to claim it
/// assert!(matches!(check.step(), TokenStep::Done(v) if v.valid));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct TokenCheck {
    check: CodeCheck,
    stage: Stage,
}

#[derive(Debug, Clone, PartialEq)]
struct TokenKeys {
    checks: String,
    claims: String,
    ttl_seconds: u64,
}

#[derive(Debug, Clone, PartialEq)]
enum Stage {
    Count(TokenKeys),
    Claim(TokenKeys),
    Done(Verification),
}

/// What a [`TokenCheck`] needs next.
#[derive(Debug, PartialEq)]
pub enum TokenStep<'a> {
    /// Increment the count under `key` in the store (which then lives
    /// `ttl_seconds`, if it is new) and [`TokenCheck::feed`] the new count.
    Incr {
        /// The store key.
        key: &'a str,
        /// Its time to live: until the token expires, at least 60 s.
        ttl_seconds: u64,
    },
    /// The answer.
    Done(&'a Verification),
}

impl TokenCheck {
    /// Starts checking `code` for `recipient` (already normalised) against
    /// `token` at `now_ms`. A malformed token and an expired one (whose MAC
    /// verified: the right code, too late; it can never verify) are answered
    /// at once and counted nowhere; any other check goes to the store.
    pub fn new(secret: &[u8], recipient: &str, code: &str, token: &str, now_ms: u64) -> TokenCheck {
        let check = check_code(secret, recipient, code, token, now_ms);
        let stage = match (check, token_keys(token, now_ms)) {
            (CodeCheck::Malformed, _) | (_, None) => Stage::Done(Verification::refused(VerifyReason::MalformedToken)),
            (CodeCheck::Expired, _) => Stage::Done(Verification::refused(VerifyReason::Expired)),
            (_, Some(keys)) => Stage::Count(keys),
        };
        TokenCheck { check, stage }
    }

    /// What to do next.
    pub fn step(&self) -> TokenStep<'_> {
        match &self.stage {
            Stage::Count(k) => TokenStep::Incr { key: &k.checks, ttl_seconds: k.ttl_seconds },
            Stage::Claim(k) => TokenStep::Incr { key: &k.claims, ttl_seconds: k.ttl_seconds },
            Stage::Done(v) => TokenStep::Done(v),
        }
    }

    /// Feeds the count the store answered to the last [`TokenStep::Incr`].
    pub fn feed(&mut self, count: u64) {
        self.stage = match &self.stage {
            Stage::Count(_) if count > MAX_TOKEN_CHECKS => Stage::Done(Verification::refused(VerifyReason::TooManyAttempts)),
            Stage::Count(keys) if self.check == CodeCheck::Valid => Stage::Claim(keys.clone()),
            Stage::Count(_) => Stage::Done(Verification::refused(VerifyReason::Mismatch)),
            Stage::Claim(_) if count == 1 => Stage::Done(Verification::valid()),
            Stage::Claim(_) => Stage::Done(Verification::refused(VerifyReason::Spent)),
            Stage::Done(_) => return,
        };
    }

    /// The key the checks of this token are counted under, while the check
    /// still needs the store; `None` once it is answered.
    pub fn token_key(&self) -> Option<&str> {
        match &self.stage {
            Stage::Count(k) | Stage::Claim(k) => Some(&k.checks),
            Stage::Done(_) => None,
        }
    }

    /// Whether the store said this token has had all its checks (a count
    /// past [`MAX_TOKEN_CHECKS`]): every later check of it is refused too,
    /// since counts only grow.
    pub fn exhausted(&self) -> bool {
        matches!(&self.stage, Stage::Done(v) if v.reason == Some(VerifyReason::TooManyAttempts))
    }

    /// Answers `too_many_attempts` without the store, for a token that an
    /// earlier check of this process found [`TokenCheck::exhausted`].
    pub fn known_exhausted(&mut self) {
        if matches!(self.stage, Stage::Count(_)) {
            self.stage = Stage::Done(Verification::refused(VerifyReason::TooManyAttempts));
        }
    }

    /// The answer, once [`TokenCheck::step`] is `Done`.
    pub fn into_verification(self) -> Option<Verification> {
        match self.stage {
            Stage::Done(v) => Some(v),
            _ => None,
        }
    }
}

/// The store keys of a well-formed token (`"edgetext-otp:"` and base64url of
/// SHA-256 of the token, for its checks; the same and `":claims"` for its
/// right codes) and their time to live at `now_ms`: until the token expires,
/// at least 60 s.
fn token_keys(token: &str, now_ms: u64) -> Option<TokenKeys> {
    use sha2::Digest;
    let expiry = token_expiry(token)?;
    let checks = format!("edgetext-otp:{}", b64url(&sha2::Sha256::digest(token.as_bytes())));
    let claims = format!("{checks}:claims");
    Some(TokenKeys { checks, claims, ttl_seconds: (expiry.saturating_sub(now_ms) / 1000).max(60) })
}

/// The checks of each token in this process, one at a time, in the order
/// they came. While a token has checks waiting, the queue also remembers
/// whether the store said the token is used up, so that a burst of checks
/// asks the store only until then.
#[derive(Default)]
pub(crate) struct TokenQueue {
    lines: RefCell<Vec<Line>>,
}

struct Line {
    key: String,
    waiting: VecDeque<Rc<RefCell<Ticket>>>,
    exhausted: bool,
}

#[derive(Default)]
struct Ticket {
    granted: bool,
    gone: bool,
    waker: Option<Waker>,
}

impl TokenQueue {
    /// Waits for the turn of a check of the token counted under `key`.
    pub(crate) fn turn(&self, key: &str) -> Turn<'_> {
        let ticket = Rc::new(RefCell::new(Ticket::default()));
        let mut lines = self.lines.borrow_mut();
        match lines.iter_mut().find(|l| l.key == key) {
            Some(line) => line.waiting.push_back(Rc::clone(&ticket)),
            None => {
                ticket.borrow_mut().granted = true;
                lines.push(Line { key: key.to_string(), waiting: VecDeque::new(), exhausted: false });
            }
        }
        Turn { queue: self, key: key.to_string(), ticket, taken: false }
    }

    /// Hands the token to the next check still waiting, or forgets it.
    fn release(&self, key: &str) {
        let next = {
            let mut lines = self.lines.borrow_mut();
            let Some(i) = lines.iter().position(|l| l.key == key) else { return };
            loop {
                match lines[i].waiting.pop_front() {
                    Some(t) if t.borrow().gone => continue,
                    Some(t) => {
                        let mut t = t.borrow_mut();
                        t.granted = true;
                        break t.waker.take();
                    }
                    None => {
                        lines.swap_remove(i);
                        break None;
                    }
                }
            }
        };
        if let Some(waker) = next {
            waker.wake();
        }
    }

    fn with_line<T>(&self, key: &str, f: impl FnOnce(&mut Line) -> T) -> Option<T> {
        self.lines.borrow_mut().iter_mut().find(|l| l.key == key).map(f)
    }
}

/// A check waiting for its token's turn ([`TokenQueue::turn`]).
pub(crate) struct Turn<'a> {
    queue: &'a TokenQueue,
    key: String,
    ticket: Rc<RefCell<Ticket>>,
    taken: bool,
}

impl<'a> Future for Turn<'a> {
    type Output = Held<'a>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Held<'a>> {
        let mut ticket = self.ticket.borrow_mut();
        if !ticket.granted {
            ticket.waker = Some(cx.waker().clone());
            return Poll::Pending;
        }
        drop(ticket);
        self.taken = true;
        Poll::Ready(Held { queue: self.queue, key: core::mem::take(&mut self.key) })
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        if self.taken {
            return;
        }
        // A check dropped while waiting gives up its place, or its turn.
        let granted = {
            let mut t = self.ticket.borrow_mut();
            t.gone = true;
            t.granted
        };
        if granted {
            self.queue.release(&self.key);
        }
    }
}

/// The turn of one check of a token; the next check's comes when it is dropped.
pub(crate) struct Held<'a> {
    queue: &'a TokenQueue,
    key: String,
}

impl Held<'_> {
    /// Whether an earlier check of this burst found the token used up.
    pub(crate) fn exhausted(&self) -> bool {
        self.queue.with_line(&self.key, |l| l.exhausted).unwrap_or(false)
    }

    /// Tells the checks still waiting that the token is used up.
    pub(crate) fn set_exhausted(&self) {
        self.queue.with_line(&self.key, |l| l.exhausted = true);
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        self.queue.release(&self.key);
    }
}

/// `d1Store(db)`'s table, made on the store's first increment.
pub const D1_SCHEMA: [&str; 2] = [
    "CREATE TABLE IF NOT EXISTS edgetext_otp_checks (key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires_at INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS edgetext_otp_checks_expiry ON edgetext_otp_checks (expires_at)",
];

/// `d1Store(db)`'s sweep of the counts whose time ran out, with the table
/// (`?1`: now, in ms).
pub const D1_SWEEP: &str = "DELETE FROM edgetext_otp_checks WHERE expires_at <= ?1";

/// `d1Store(db)`'s increment, one statement that SQLite performs in one step
/// (`?1`: the key, `?2`: now and `?3`: the time to live, in ms): a new or
/// expired key starts again at 1.
pub const D1_INCR: &str = "INSERT INTO edgetext_otp_checks (key, count, expires_at) VALUES (?1, 1, ?2 + ?3) \
ON CONFLICT (key) DO UPDATE SET count = CASE WHEN expires_at <= ?2 THEN 1 ELSE count + 1 END, \
expires_at = CASE WHEN expires_at <= ?2 THEN excluded.expires_at ELSE expires_at END RETURNING count";

impl<P: Clock + Random + CodeStore> Client<P> {
    /// A signed code: the token's MAC and expiry here, then the store's
    /// atomic counts ([`TokenCheck`]), one check of a token at a time.
    #[inline(never)]
    pub(super) async fn verify_signed(&self, r: VerifyRequest) -> Result<Verification> {
        let otp = self.otp_config()?;
        if !self.platform().has_store() {
            return Err(Error::config(
                "config.otp.store is required to verify signed codes: a store that counts checks atomically (memoryStore(), d1Store(db), or any { incr(key, ttlSeconds) })",
            ));
        }
        let to = self.recipient_field(r.to, r.contact_id)?;
        let recipient = self.recipient(&to)?;
        let Some(token) = r.token else { return Ok(Verification::refused(VerifyReason::MalformedToken)) };
        let mut check = TokenCheck::new(otp.secret.as_bytes(), &recipient, r.code.trim(), &token, self.platform().now_ms());
        let Some(key) = check.token_key().map(str::to_string) else {
            return Ok(check.into_verification().unwrap_or_else(|| Verification::refused(VerifyReason::MalformedToken)));
        };
        let turn = self.tokens.turn(&key).await;
        if turn.exhausted() {
            check.known_exhausted();
        }
        let store_error = |why: String| Error::new(ErrorCode::Network, format!("config.otp.store failed: {why}")).retryable(true);
        while let TokenStep::Incr { key, ttl_seconds } = check.step() {
            let count = self.platform().incr(key, ttl_seconds).await.map_err(store_error)?;
            check.feed(count);
        }
        if check.exhausted() {
            turn.set_exhausted();
        }
        Ok(check.into_verification().unwrap_or_else(|| Verification::refused(VerifyReason::TooManyAttempts)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::task::{RawWaker, RawWakerVTable};

    fn noop_waker() -> Waker {
        fn raw() -> RawWaker {
            RawWaker::new(core::ptr::null(), &VTABLE)
        }
        static VTABLE: RawWakerVTable = RawWakerVTable::new(|_| raw(), |_| {}, |_| {}, |_| {});
        // SAFETY: every function of the table ignores the null data pointer.
        unsafe { Waker::from_raw(raw()) }
    }

    fn poll<F: Future + Unpin>(f: &mut F) -> Poll<F::Output> {
        let waker = noop_waker();
        Pin::new(f).poll(&mut Context::from_waker(&waker))
    }

    #[test]
    fn one_check_of_a_token_at_a_time_in_order_and_a_dropped_waiter_gives_way() {
        let q = TokenQueue::default();
        let mut first = q.turn("t");
        let mut second = q.turn("t");
        let mut third = q.turn("t");
        let mut other = q.turn("u");
        let Poll::Ready(held) = poll(&mut first) else { panic!("the first check goes at once") };
        assert!(poll(&mut second).is_pending());
        assert!(poll(&mut third).is_pending());
        assert!(poll(&mut other).is_ready(), "another token does not wait");
        held.set_exhausted();
        drop(second);
        drop(held);
        let Poll::Ready(held) = poll(&mut third) else { panic!("the third goes once the first is done and the second gave up") };
        assert!(held.exhausted(), "what the first learnt reaches the checks that waited");
        drop(held);
        drop(first);
        drop(third);
        drop(other);
        assert!(q.lines.borrow().is_empty(), "nothing is kept once no check waits");
        let mut again = q.turn("t");
        let Poll::Ready(held) = poll(&mut again) else { panic!() };
        assert!(!held.exhausted(), "a new burst asks the store again");
    }

    #[test]
    fn a_waiter_dropped_after_its_turn_came_passes_it_on() {
        let q = TokenQueue::default();
        let mut first = q.turn("t");
        let second = q.turn("t");
        let mut third = q.turn("t");
        let Poll::Ready(held) = poll(&mut first) else { panic!() };
        assert!(poll(&mut third).is_pending());
        drop(held);
        drop(second);
        assert!(poll(&mut third).is_ready());
    }
}
