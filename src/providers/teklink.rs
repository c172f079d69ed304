//! Teklink ChatServ (`teklink-chatserv.txt`):
//! `POST /api/v1/channels/{CHANNEL_ID}/messages`, North American numbers only.

use super::{parse_ok, path_segment, Ctx, PreparedSend, Retry};
use crate::json::{Fields, JsonObject};
use crate::{nanp_national, segments, Config, Error, HttpRequest, HttpResponse, Method, Result};

/// Builds the send. Auth is the bearer header, or `api_token` in the body
/// when the config says `auth: "body"` (then no `Authorization` header is sent).
pub(crate) fn send(cfg: &Config, mut f: Fields, _ctx: &Ctx) -> Result<PreparedSend> {
    let to = nanp_national(&super::take_to(&mut f)?)?;
    let text = f.string("text")?;
    let template = f.string("templateId")?;
    let state = f.string("conversationState")?;
    if let Some(s) = &state {
        if s != "open" && s != "closed" {
            return Err(Error::input("message.conversationState must be \"open\" or \"closed\""));
        }
    }
    let from_name = f.string("fromName")?.or_else(|| cfg.from_name.clone());
    let dup = f.uint("duplicateSendRejectTimeoutMinutes", u32::MAX as u64)?;
    let force = f.boolean("forceSend")?;
    let delay = f.uint("sendDelaySeconds", u32::MAX as u64)?;
    f.finish("for teklink")?;
    let text = text.filter(|t| !t.is_empty());
    match (&text, &template) {
        (None, None) => return Err(Error::input("message.text or message.templateId is required")),
        (Some(_), Some(_)) => {
            return Err(Error::input("give message.text or message.templateId, not both"))
        }
        _ => {}
    }

    let mut b = JsonObject::new();
    if cfg.token_in_body {
        b = b.str("api_token", &cfg.api_key);
    }
    b = b
        .str("to_telephone_number", &to)
        .opt_str("template_id", template.as_deref())
        .opt_str("message_text", text.as_deref())
        .opt_str("new_conversation_state", state.as_deref())
        .opt_str("from_name", from_name.as_deref());
    if let Some(d) = dup {
        b = b.num("duplicate_send_reject_timeout_minutes", d);
    }
    if let Some(v) = force {
        b = b.bool("force_send", v);
    }
    if let Some(d) = delay {
        b = b.num("send_delay_seconds", d);
    }
    let channel = cfg.channel_id.as_deref().unwrap_or_default();
    let mut headers = vec![
        ("Accept".to_string(), "application/json".to_string()),
        ("Content-Type".to_string(), "application/json".to_string()),
    ];
    if !cfg.token_in_body {
        headers.push(("Authorization".to_string(), format!("Bearer {}", cfg.api_key)));
    }
    let request = HttpRequest {
        method: Method::Post,
        url: format!("{}/api/v1/channels/{}/messages", cfg.base_url, path_segment(channel)),
        headers,
        body: Some(b.finish()),
    };
    Ok(PreparedSend {
        request,
        retry: Retry::Unsafe,
        segments: segments(text.as_deref().unwrap_or("")),
        to,
        id: None,
        idempotency_key: None,
    })
}

/// `201 {"success":true,"message":"Message sent","data":[]}`: sent, no id.
pub(crate) fn send_status(cfg: &Config, resp: &HttpResponse) -> Result<&'static str> {
    parse_ok(cfg, resp, true)?;
    Ok("sent")
}
