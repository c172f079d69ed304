//! HTTP requests and responses as plain data: the only thing the core hands
//! to a transport, and the only thing it gets back.

use core::future::Future;

/// An HTTP method the providers use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "UPPERCASE")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `DELETE`
    Delete,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

/// A request ready to be sent: method, absolute URL, headers and JSON body.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpRequest {
    /// The method.
    pub method: Method,
    /// The absolute URL.
    pub url: String,
    /// Header names and values, in the order they are sent.
    pub headers: Vec<(String, String)>,
    /// The JSON body, if any.
    pub body: Option<String>,
}

impl HttpRequest {
    /// The value of a header, looked up without regard to case.
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

/// What came back: status, headers and the body as text.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpResponse {
    /// The HTTP status code.
    pub status: u16,
    /// Header names and values.
    pub headers: Vec<(String, String)>,
    /// The body as text (empty when there was none).
    pub body: String,
}

impl HttpResponse {
    /// The value of a header, looked up without regard to case.
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

pub(crate) fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Why a request produced no response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// The request certainly never reached the server (DNS failure, connection refused).
    NotSent(String),
    /// The connection failed after the request may have been sent.
    Dropped(String),
    /// No answer within the attempt's time limit.
    Timeout,
}

/// The one piece of I/O: sending a request and waiting.
///
/// In JavaScript this is the global `fetch` with an `AbortController`
/// timeout; in tests it is a scripted fake.
pub trait Transport {
    /// Sends `request`, giving up after `timeout_ms` milliseconds.
    fn fetch(
        &self,
        request: &HttpRequest,
        timeout_ms: u32,
    ) -> impl Future<Output = Result<HttpResponse, TransportError>>;

    /// Waits `ms` milliseconds (used between retries).
    fn sleep(&self, ms: u64) -> impl Future<Output = ()>;
}

/// The current time, passed in so that the core stays deterministic.
pub trait Clock {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> u64;
}

/// A source of cryptographically secure random bytes.
pub trait Random {
    /// Fills `buf` with random bytes.
    fn fill(&self, buf: &mut [u8]);
}
