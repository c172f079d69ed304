//! The OTP guard (src/worker/otp/guard.rs) driven by a script of requests decoded from
//! the input: sends, verifies and refunds for a few numbers and addresses,
//! the clock moving forward. State is carried between steps as the Durable
//! Object would store it. Checks: no step panics; a refusal writes nothing;
//! a verify writes only its number's and its address's entries; a browser's
//! verify answers no reason but `invalid` and `too_many_attempts`; a number
//! never verifies twice per code sent; no answer holds the code but a send's.
#![no_main]
use edgetext::worker::otp::guard::{guard_decide, guard_keys, GuardAnswer, GuardEntries, GuardRequest, GuardSettings, SeededRandom};
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;

const NUMBERS: [&str; 6] = ["+447400123456", "+447797123456", "+12015550123", "+19005551234", "+4407400123456", "+77012345678"];
const ADDRESSES: [&str; 8] = ["1.2.3.4", "::ffff:1.2.3.4", "2001:db8:1:2::1", "2001:db8:1:3::1", "1::2::3", "", "5.6.7.8", "2001:db8:9::"];

fuzz_target!(|data: &[u8]| {
    let settings = GuardSettings::from_env(|k| match k {
        "OTP_SECRET" => Some("fuzz-secret-that-is-32-bytes-long!!".into()),
        "OTP_ALLOWED_COUNTRIES" => Some("GB,US".into()),
        "OTP_SENDS_PER_COUNTRY_PER_HOUR" => Some("7".into()),
        "OTP_MAX_SENDS_PER_HOUR" => Some("9".into()),
        _ => None,
    })
    .expect("settings");
    let mut store: BTreeMap<String, String> = BTreeMap::new();
    let mut now = 1_800_000_000_000u64;
    let mut codes: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut verified: Vec<String> = Vec::new();
    for (i, step) in data.chunks(3).enumerate() {
        let [op, a, b] = [step[0], *step.get(1).unwrap_or(&0), *step.get(2).unwrap_or(&0)];
        now += u64::from(b) * 7_000;
        let to = NUMBERS[a as usize % NUMBERS.len()].to_string();
        let address = ADDRESSES[(a >> 3) as usize % ADDRESSES.len()].to_string();
        let req = match op % 4 {
            0 => GuardRequest::Send { to: to.clone(), address },
            1 | 2 => {
                let code = match codes.get(&to) {
                    Some((code, _)) if op % 4 == 1 => code.clone(),
                    _ => format!("{:06}", u32::from(op) * 3917 + u32::from(b)),
                };
                GuardRequest::Verify { to: to.clone(), code, address, trusted: op & 0x40 != 0 }
            }
            _ => GuardRequest::Refund { to: to.clone(), id: codes.get(&to).map(|c| c.1.clone()).unwrap_or_default(), address },
        };
        let entries: GuardEntries = guard_keys(&req).into_iter().map(|k| { let v = store.get(&k).cloned(); (k, v) }).collect();
        let d = guard_decide(&settings, &req, &entries, now, &SeededRandom::new([i as u8; 32]));
        match &d.answer {
            GuardAnswer::Refused(r) => {
                assert!(d.writes.0.is_empty(), "refusal wrote");
                assert!(matches!(r.status, 400 | 403 | 429 | 503));
            }
            GuardAnswer::Send { to, code, id, text, .. } => {
                assert!(text.contains(code.as_str()));
                codes.insert(to.clone(), (code.clone(), id.clone()));
                verified.retain(|n| n != to);
            }
            GuardAnswer::Checked { valid, reason, assertion } => {
                assert!(d.writes.0.keys().all(|k| k.starts_with("n:") || k.starts_with("a:")), "a verify wrote {:?}", d.writes.0.keys().collect::<Vec<_>>());
                if let GuardRequest::Verify { trusted: false, .. } = &req {
                    assert!(reason.as_ref().is_none_or(|r| matches!(r.as_str(), "invalid" | "too_many_attempts")), "a browser heard {reason:?}");
                }
                if *valid {
                    let GuardRequest::Verify { to, .. } = &req else { unreachable!() };
                    let key = edgetext::phone::ranges::classify_number(to).map(|r| r.e164).unwrap_or(to.clone());
                    assert!(!verified.contains(&key), "a code verified twice");
                    verified.push(key);
                    assert!(assertion.is_some() && reason.is_none());
                }
            }
            GuardAnswer::Refunded => {}
        }
        for (k, v) in d.writes.0 {
            match v {
                Some(w) => { store.insert(k, w.text); }
                None => { store.remove(&k); }
            }
        }
    }
});
