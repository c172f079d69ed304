//! A scripted platform for native tests: canned answers in order, every
//! request recorded, a settable clock, deterministic "random" bytes, and
//! sleeps that only advance the clock.
#![allow(dead_code)]

use edgetext::client::{Client, CodeTicket, Config, MessageStatus, Operation, SendReceipt, Verification};
use edgetext::{Clock, CodeStore, HttpRequest, HttpResponse, Random, RawJson, Result, Transport, TransportError};
use std::collections::HashMap;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

pub type Answer = Result<HttpResponse, TransportError>;
/// Signed-code store entries: count and time to live, by key.
pub type Store = HashMap<String, (u64, u64)>;

#[derive(Clone, Default)]
pub struct Fake {
    pub answers: Rc<RefCell<VecDeque<Answer>>>,
    pub requests: Rc<RefCell<Vec<HttpRequest>>>,
    pub now: Rc<Cell<u64>>,
    pub slept: Rc<RefCell<Vec<u64>>>,
    pub counter: Rc<Cell<u8>>,
    /// The signed-code store, with each put's time to live; `None`: no store given.
    pub store: Rc<RefCell<Option<Store>>>,
}

pub const NOW: u64 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

pub fn ok(status: u16, body: &str) -> Answer {
    Ok(HttpResponse { status, headers: vec![], body: body.to_string() })
}

pub fn with_header(status: u16, name: &str, value: &str, body: &str) -> Answer {
    Ok(HttpResponse { status, headers: vec![(name.into(), value.into())], body: body.to_string() })
}

impl Fake {
    pub fn new(answers: Vec<Answer>) -> Self {
        let f = Fake::default();
        f.now.set(NOW);
        f.answers.borrow_mut().extend(answers);
        f
    }

    pub fn requests(&self) -> Vec<HttpRequest> {
        self.requests.borrow().clone()
    }

    pub fn last_body(&self) -> String {
        self.requests.borrow().last().and_then(|r| r.body.clone()).unwrap_or_default()
    }
}

impl Transport for Fake {
    async fn fetch(&self, req: &HttpRequest, _timeout_ms: u32) -> Result<HttpResponse, TransportError> {
        self.requests.borrow_mut().push(req.clone());
        self.answers.borrow_mut().pop_front().expect("the test scripted no answer for this request")
    }

    async fn sleep(&self, ms: u64) {
        self.slept.borrow_mut().push(ms);
        self.now.set(self.now.get() + ms);
    }
}

impl Clock for Fake {
    fn now_ms(&self) -> u64 {
        self.now.get()
    }
}

impl Random for Fake {
    fn fill(&self, buf: &mut [u8]) {
        for b in buf.iter_mut() {
            let c = self.counter.get();
            *b = c.wrapping_mul(37).wrapping_add(11);
            self.counter.set(c.wrapping_add(1));
        }
    }
}

impl CodeStore for Fake {
    fn has_store(&self) -> bool {
        self.store.borrow().is_some()
    }

    async fn incr(&self, key: &str, ttl_seconds: u64) -> std::result::Result<u64, String> {
        let mut store = self.store.borrow_mut();
        let entry = store.get_or_insert_with(HashMap::new).entry(key.into()).or_insert((0, ttl_seconds));
        entry.0 += 1;
        Ok(entry.0)
    }
}

/// A client whose calls take JSON text, as JavaScript's arguments arrive.
pub struct TestClient(pub Client<Fake>);

impl std::ops::Deref for TestClient {
    type Target = Client<Fake>;
    fn deref(&self) -> &Client<Fake> {
        &self.0
    }
}

impl TestClient {
    async fn op(&self, name: &str, arg: &str) -> Result<edgetext::client::Outcome> {
        let provider = self.0.config().provider;
        let op = Operation::from_json(name, provider, arg).map_err(|e| e.with_provider(provider.as_str()))?;
        self.0.run(op).await
    }

    pub async fn send(&self, message: &str) -> Result<SendReceipt> {
        match self.op("send", message).await? {
            edgetext::client::Outcome::Receipt(r) => Ok(r),
            o => panic!("{o:?}"),
        }
    }

    pub async fn send_code(&self, request: &str) -> Result<CodeTicket> {
        match self.op("sendCode", request).await? {
            edgetext::client::Outcome::Ticket(t) => Ok(t),
            o => panic!("{o:?}"),
        }
    }

    pub async fn verify_code(&self, request: &str) -> Result<Verification> {
        match self.op("verifyCode", request).await? {
            edgetext::client::Outcome::Verification(v) => Ok(v),
            o => panic!("{o:?}"),
        }
    }

    pub async fn status(&self, id: &str) -> Result<MessageStatus> {
        self.0.status(id).await
    }

    async fn raw(&self, name: &str, arg: &str) -> Result<String> {
        match self.op(name, arg).await? {
            edgetext::client::Outcome::Raw(RawJson(r)) => Ok(r),
            o => panic!("{o:?}"),
        }
    }

    pub async fn update_contact_tag(&self, request: &str) -> Result<String> {
        self.raw("updateContactTag", request).await
    }
    pub async fn list_messages(&self, options: &str) -> Result<String> {
        self.raw("listMessages", options).await
    }
    pub async fn health(&self) -> Result<String> {
        self.raw("health", "{}").await
    }
    pub async fn inbound_query(&self, filter: &str) -> Result<String> {
        self.raw("inboundQuery", filter).await
    }
    pub async fn list_callbacks(&self) -> Result<String> {
        self.raw("listCallbacks", "{}").await
    }
    pub async fn register_callback(&self, callback: &str) -> Result<String> {
        self.raw("registerCallback", callback).await
    }
    pub async fn delete_callback(&self, request: &str) -> Result<String> {
        self.raw("deleteCallback", request).await
    }
}

pub fn client(config: &str, answers: Vec<Answer>) -> (TestClient, Fake) {
    let fake = Fake::new(answers);
    let cfg = Config::from_json(config).expect("config");
    (TestClient(Client::new(cfg, fake.clone())), fake)
}

/// A value as the JSON JavaScript receives.
pub fn js<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap()
}

pub fn run<F: std::future::Future>(f: F) -> F::Output {
    pollster::block_on(f)
}

/// A fixture file under tests/fixtures, without its trailing newline.
pub fn fixture(path: &str) -> String {
    let full = format!("{}/tests/fixtures/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}")).trim_end().to_string()
}

pub fn header<'a>(req: &'a HttpRequest, name: &str) -> Option<&'a str> {
    req.header(name)
}
