//! Differential test of number classification against libphonenumber's own
//! verdicts (tests/fixtures/numbering/examples.tsv, written by the Python port
//! of libphonenumber at the metadata version edgetext builds in).
// Native suites: the wasm layer has its own, in src/wasm/tests.rs.
#![cfg(not(target_arch = "wasm32"))]
#![cfg(feature = "worker")]

use edgetext::phone::{country_of, normalize_phone};
use edgetext::phone::ranges::{classify_number, NumberType};

struct Row {
    e164: &'static str,
    region: Option<&'static str>,
    kind: &'static str,
    valid: bool,
}

fn rows() -> Vec<Row> {
    include_str!("../fixtures/numbering/examples.tsv")
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Row { e164: f[0], region: Some(f[1]).filter(|r| *r != "-" && *r != "001"), kind: f[2], valid: f[3] == "1" }
        })
        .collect()
}

const DEFAULT_ALLOWED: [NumberType; 2] = [NumberType::Mobile, NumberType::FixedLineOrMobile];

#[test]
fn every_number_has_libphonenumbers_validity_country_and_type() {
    let rows = rows();
    assert!(rows.len() > 6000, "{} rows", rows.len());
    let mut wrong = Vec::new();
    for r in &rows {
        let got = classify_number(r.e164);
        let same = match got {
            None => !r.valid,
            Some(ref range) => r.valid && range.country == r.region && range.kind.as_str() == r.kind,
        };
        if !same {
            wrong.push(format!("{} libphonenumber {:?} {} valid={} edgetext {:?}", r.e164, r.region, r.kind, r.valid, got));
        }
    }
    assert!(wrong.is_empty(), "{} of {} differ:\n{}", wrong.len(), rows.len(), wrong[..wrong.len().min(40)].join("\n"));
}

#[test]
fn no_valid_number_is_named_another_country_and_no_costly_type_passes_the_default() {
    let (mut checked, mut refused) = (0, 0);
    for r in rows().iter().filter(|r| r.valid) {
        checked += 1;
        let range = classify_number(r.e164).expect("valid");
        assert_eq!(range.country, r.region, "{}", r.e164);
        assert_eq!(country_of(r.e164), r.region, "country_of {}", r.e164);
        let costly = ["premium_rate", "shared_cost", "personal_number", "toll_free", "uan", "voicemail"].contains(&r.kind);
        if costly {
            refused += 1;
            assert!(!DEFAULT_ALLOWED.contains(&range.kind), "{} is {} yet allowed", r.e164, r.kind);
        }
    }
    assert!(checked > 4000 && refused > 1000, "{checked} valid, {refused} costly");
}

#[test]
fn the_issues_numbers() {
    let c = |n: &str| classify_number(n).map(|r| (r.country, r.kind));
    assert_eq!(classify_number("+4407400123456").map(|r| r.e164).as_deref(), Some("+447400123456"));
    assert_eq!(c("+447624123456"), Some((Some("IM"), NumberType::Mobile)));
    assert_eq!(c("+447797123456"), Some((Some("JE"), NumberType::Mobile)));
    assert_eq!(c("+447781123456"), Some((Some("GG"), NumberType::Mobile)));
    assert_eq!(c("+77012345678").map(|r| r.0), Some(Some("KZ")));
    assert_eq!(c("+19005551234").map(|r| r.1), Some(NumberType::PremiumRate));
    assert_eq!(c("+449011234567").map(|r| r.1), Some(NumberType::PremiumRate));
    assert_eq!(c("+10125551234"), None);
    assert_eq!(c("+390612345678").map(|r| r.0), Some(Some("IT")));
    assert_eq!(c("+390669812345").map(|r| r.0), Some(Some("VA")));
    assert_eq!(c("+800"), None, "too short");
    assert_eq!(c("447624123456"), None, "no +");
    assert_eq!(c("+44762412345x"), None);
}

#[test]
fn normalised_variants_of_one_number_classify_alike() {
    for (input, country) in [
        ("+44 07400 123456", None),
        ("44 7400 123456", Some("GB")),
        ("07400 123456", Some("GB")),
        ("+44 (0)7400 123456", None),
    ] {
        let e164 = normalize_phone(input, country).unwrap();
        assert_eq!(e164, "+447400123456", "{input}");
        assert_eq!(classify_number(&e164).map(|r| r.country), Some(Some("GB")));
    }
    assert_eq!(normalize_phone("+39 (0)6 1234 5678", None).unwrap(), "+390612345678");
    assert_eq!(classify_number("+390612345678").map(|r| r.kind), Some(NumberType::FixedLine));
}

#[test]
fn type_names_round_trip() {
    for t in NumberType::ALL {
        assert_eq!(NumberType::parse(t.as_str()), Some(t));
        assert_eq!(NumberType::parse(&t.as_str().to_uppercase()), Some(t));
    }
    assert_eq!(NumberType::parse("premium"), None);
}

/// One number, one string: for every valid input of the normalisation corpus
/// (tests/fixtures/numbering/normalize.tsv), the range's E.164, the worker's
/// key for the number, is the string normalize_phone writes, which the
/// client build writes too (tests/phone.rs).
#[test]
fn the_ranges_key_a_number_by_the_string_normalize_phone_writes() {
    let mut checked = 0;
    for line in include_str!("../fixtures/numbering/normalize.tsv").lines() {
        let f: Vec<&str> = line.split('\t').collect();
        let e164 = normalize_phone(f[0], Some(f[1]).filter(|c| *c != "-")).unwrap_or_else(|e| panic!("{line}: {e}"));
        let range = classify_number(&e164).unwrap_or_else(|| panic!("{line}: {e164} has no range"));
        assert_eq!((range.e164.as_str(), e164.as_str()), (f[2], f[2]), "{line}");
        checked += 1;
    }
    assert!(checked > 14_000, "{checked}");
}
