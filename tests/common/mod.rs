//! A scripted platform for native tests: canned answers in order, every
//! request recorded, a settable clock, deterministic "random" bytes, and
//! sleeps that only advance the clock.
#![allow(dead_code)]

use edgetext::{Client, Clock, Config, HttpRequest, HttpResponse, Random, Transport, TransportError};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

pub type Answer = Result<HttpResponse, TransportError>;

#[derive(Clone, Default)]
pub struct Fake {
    pub answers: Rc<RefCell<VecDeque<Answer>>>,
    pub requests: Rc<RefCell<Vec<HttpRequest>>>,
    pub now: Rc<Cell<u64>>,
    pub slept: Rc<RefCell<Vec<u64>>>,
    pub counter: Rc<Cell<u8>>,
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

pub fn client(config: &str, answers: Vec<Answer>) -> (Client<Fake>, Fake) {
    let fake = Fake::new(answers);
    let cfg = Config::from_json(config).expect("config");
    (Client::new(cfg, fake.clone()), fake)
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
