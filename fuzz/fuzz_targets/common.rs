// Shared by the webhook targets (included with `include!`): runs
// parse_webhook with the secrets the fixtures use and checks what it answers.
use edgetext::providers::webhook::WebhookRequest;
use edgetext::providers::ProviderKind;
use edgetext::worker::{parse_webhook, WebhookSecrets};

#[allow(dead_code)]
const NOW: u64 = 1_767_225_600_000;

fn secrets() -> WebhookSecrets {
    WebhookSecrets {
        textlink: Some("tl-hook-secret".into()),
        teklink: Some("tek-path-secret".into()),
        relay: Some("relay-token".into()),
        klink: Some("klink-signing-secret".into()),
    }
}

/// Never a 5xx; every accepted event serialises and has a stable id.
fn check(provider: &str, path_secret: Option<&str>, hint: Option<&str>, headers: &[(String, String)], body: &[u8]) {
    let Some(kind) = ProviderKind::parse(provider) else { return };
    let req = WebhookRequest { provider: kind, path_secret, event_hint: hint, headers, body };
    match parse_webhook(&req, &secrets(), NOW) {
        Ok(events) => {
            for e in &events {
                assert!(e.id.starts_with("evt_") && e.id.len() == 36, "{:?}", e.id);
                assert_eq!(e.provider.as_str(), provider);
                let json = e.to_json();
                assert!(json.starts_with('{') && json.ends_with('}'));
                let _ = e.status_rank();
            }
            // Same request, same ids: a redelivery is recognised.
            let again = parse_webhook(&req, &secrets(), NOW).expect("same input, same answer");
            assert_eq!(events.iter().map(|e| &e.id).collect::<Vec<_>>(), again.iter().map(|e| &e.id).collect::<Vec<_>>());
        }
        Err(r) => assert!(matches!(r.status, 400 | 401 | 404 | 413), "status {} for {:?}", r.status, r.error),
    }
}
