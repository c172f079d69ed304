//! Phone numbers: E.164 normalisation, the NANP national form and the
//! country of a number.
// Native suites: the wasm layer has its own, in src/wasm/tests.rs.
#![cfg(not(target_arch = "wasm32"))]

use edgetext::phone::{country_of, nanp_national, normalize_phone};
use edgetext::ErrorCode;

fn ok(input: &str, country: Option<&str>) -> String {
    normalize_phone(input, country).unwrap_or_else(|e| panic!("{input:?} ({country:?}): {e}"))
}

fn phone_err(input: &str, country: Option<&str>) -> String {
    let e = normalize_phone(input, country).expect_err(input);
    assert_eq!(e.code, ErrorCode::InvalidPhone, "{input:?}: {e}");
    e.message
}

#[test]
fn accepts_e164_as_is() {
    assert_eq!(ok("+12125551212", None), "+12125551212");
    assert_eq!(ok("+442079460958", None), "+442079460958");
    assert_eq!(ok("  +442079460958\t", None), "+442079460958");
}

#[test]
fn accepts_punctuated_international() {
    assert_eq!(ok("+1 (212) 555-1212", None), "+12125551212");
    assert_eq!(ok("+1.212.555.1212", None), "+12125551212");
    assert_eq!(ok("+44 20 7946 0958", Some("US")), "+442079460958");
    assert_eq!(ok("+49 (30) 1234-5678", None), "+493012345678");
}

#[test]
fn accepts_national_with_default_country() {
    assert_eq!(ok("212.555.1212", Some("US")), "+12125551212");
    assert_eq!(ok("(212) 555-1212", Some("us")), "+12125551212");
    assert_eq!(ok("1 212 555 1212", Some("US")), "+12125551212");
    assert_eq!(ok("416 555 0123", Some("CA")), "+14165550123");
}

#[test]
fn accepts_00_international_prefix() {
    assert_eq!(ok("00 44 20 7946 0958", None), "+442079460958");
    assert_eq!(ok("0033 1 23 45 67 89", Some("GB")), "+33123456789");
    assert_eq!(ok("011 44 20 7946 0958", Some("US")), "+442079460958");
}

#[test]
fn drops_the_trunk_prefix() {
    assert_eq!(ok("020 7946 0958", Some("GB")), "+442079460958");
    assert_eq!(ok("020 7946 0958", Some(" gb ")), "+442079460958");
    assert_eq!(ok("01 23 45 67 89", Some("FR")), "+33123456789");
    assert_eq!(ok("030 12345678", Some("DE")), "+493012345678");
    assert_eq!(ok("8 (916) 123-45-67", Some("RU")), "+79161234567");
    assert_eq!(ok("916 123 45 67", Some("RU")), "+79161234567");
    assert_eq!(ok("06 1 234 5678", Some("HU")), "+3612345678");
    assert_eq!(ok("090-1234-5678", Some("JP")), "+819012345678");
    assert_eq!(ok("0412 345 678", Some("AU")), "+61412345678");
}

#[test]
fn keeps_leading_digits_where_there_is_no_trunk_prefix() {
    // Italy dials its leading 0 even from abroad.
    assert_eq!(ok("06 1234 5678", Some("IT")), "+390612345678");
    assert_eq!(ok("612 34 56 78", Some("ES")), "+34612345678");
    assert_eq!(ok("9123 4567", Some("SG")), "+6591234567");
    // A Russian number that merely starts with 8 is not a trunk prefix.
    assert_eq!(ok("800 123 45 67", Some("RU")), "+78001234567");
}

#[test]
fn a_normalised_number_normalises_to_itself() {
    // Found by the phone fuzz target: a second trunk 8 after the dropped one
    // was kept, and "+788528161125" then normalised to "+78528161125". With
    // libphonenumber's rules no 8 is read off: 11 digits would be left, not
    // a possible length in Russia (libphonenumber: +7888528161125 too).
    assert_eq!(ok("888528161125", Some("RU")), "+7888528161125");
    assert_eq!(ok("+7888528161125", None), "+7888528161125");
    assert_eq!(ok("+788528161125", None), "+78528161125");
    // Also found by it: "+81" and more trunk zeros than a fixed count of
    // readings read off, which the second normalisation went on reading.
    let zeros = ok("+810000000000000000000001(1000(001(1", Some("RU"));
    assert_eq!(normalize_phone(&zeros, None).as_deref(), Ok(zeros.as_str()));
    let zeros = ok("+810000-00000000000000001(10000001(1", None);
    assert_eq!(normalize_phone(&zeros, None).as_deref(), Ok(zeros.as_str()));
    let inputs = ["888528161125", "8 (916) 123-45-67", "800 123 45 67", "88001234567", "1 212 555 1212", "11 212 555 1212",
        "020 7946 0958", "0020 7946 0958", "44 07400 123456", "06 06 123 4567", "0606123456", "06 1234 5678", "00 1234 5678"];
    for country in ["US", "CA", "GB", "DE", "FR", "HU", "IT", "ES", "RU", "JP", "AU"] {
        for input in inputs {
            if let Ok(e164) = normalize_phone(input, Some(country)) {
                assert_eq!(normalize_phone(&e164, None).as_deref(), Ok(e164.as_str()), "{input:?} with {country}");
            }
        }
    }
}

#[test]
fn bracketed_trunk_zero_in_international_form() {
    assert_eq!(ok("+44 (0)20 7946 0958", None), "+442079460958");
    assert_eq!(ok("0044 (0) 20 7946 0958", None), "+442079460958");
}

#[test]
fn nanp_area_code_and_exchange_must_start_2_to_9() {
    let nanp_err = |input: &str| {
        let e = nanp_national(input).expect_err(input);
        assert_eq!(e.code, ErrorCode::InvalidPhone, "{input:?}: {e}");
        e.message
    };
    assert!(nanp_err("+1 012 555 1212").contains("area code"));
    assert!(nanp_err("+1 112 555 1212").contains("area code"));
    assert!(nanp_err("+1 212 055 1212").contains("exchange"));
    assert!(nanp_err("+1 212 155 1212").contains("exchange"));
    assert!(nanp_err("112 555 1212").contains("area code"));
    // E.164 checks only the length of +1 numbers: the providers' documents
    // use +11234567890 and +15551234567 in their examples.
    assert_eq!(ok("+1 123 456 7890", None), "+11234567890");
    assert_eq!(ok("+1 555 123 4567", None), "+15551234567");
    assert!(phone_err("+1 212 555 121", None).contains("10 digits"));
    assert!(phone_err("+1 212 555 12120", None).contains("10 digits"));
}

#[test]
fn too_short_and_too_long() {
    assert!(phone_err("+44 1234", None).contains("too short"));
    assert!(phone_err("+4412345", None).contains("too short"));
    assert_eq!(ok("+44123456", None), "+44123456");
    assert_eq!(ok("+441234567890123", None), "+441234567890123");
    assert!(phone_err("+4412345678901234", None).contains("too long"));
}

#[test]
fn country_code_cannot_start_with_0() {
    assert!(phone_err("+0442079460958", None).contains("0"));
    assert!(phone_err("000442079460958", None).contains("0"));
}

#[test]
fn letters_and_other_characters_are_refused() {
    assert!(phone_err("+1 212 FLOWERS", None).contains("'F'"));
    assert!(phone_err("212-555-1212 x12", Some("US")).contains("'x'"));
    assert!(phone_err("+1 212/555 1212", None).contains("'/'"));
    assert!(phone_err("++12125551212", None).contains("'+'"));
    assert!(phone_err("1+2125551212", Some("US")).contains("'+'"));
}

#[test]
fn empty_and_plus_alone() {
    assert!(phone_err("", None).contains("empty"));
    assert!(phone_err("   ", Some("US")).contains("empty"));
    assert!(phone_err("+", None).contains("no digits"));
    assert!(phone_err("( - )", Some("US")).contains("no digits"));
}

#[test]
fn national_number_without_country_is_refused() {
    let m = phone_err("020 7946 0958", None);
    assert!(m.contains("country"), "{m}");
    assert!(phone_err("2125551212", None).contains("country"));
}

#[test]
fn unknown_default_country_is_invalid_input() {
    for c in ["XX", "", "USA", "u"] {
        let e = normalize_phone("020 7946 0958", Some(c)).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput, "{c:?}: {e}");
    }
}

#[test]
fn every_listed_default_country_is_known() {
    let list = "US CA GB IE FR DE ES IT PT NL BE CH AT SE NO DK FI PL CZ GR RO HU UA RU TR IL AE SA EG ZA NG KE IN PK BD CN \
                HK TW JP KR SG MY TH VN ID PH AU NZ MX BR AR CL CO PE";
    for c in list.split(' ') {
        let e164 = normalize_phone("+442079460958", Some(c)).unwrap_or_else(|e| panic!("{c}: {e}"));
        assert_eq!(e164, "+442079460958");
    }
}

#[test]
fn nanp_national_accepts_the_usual_forms() {
    for input in [
        "+12125551212",
        "+1 (212) 555-1212",
        "12125551212",
        "1-212-555-1212",
        "2125551212",
        "(212) 555.1212",
    ] {
        assert_eq!(nanp_national(input).unwrap(), "2125551212", "{input}");
    }
    assert_eq!(nanp_national("+1 416 555 0123").unwrap(), "4165550123");
}

#[test]
fn nanp_national_refuses_other_countries() {
    for input in ["+442079460958", "00442079460958", "011442079460958"] {
        let e = nanp_national(input).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidPhone);
        assert!(
            e.message.contains("+442079460958") && e.message.contains("+1"),
            "{}",
            e.message
        );
    }
}

#[test]
fn nanp_national_refuses_bad_numbers() {
    for input in [
        "212555121",
        "312125551212",
        "0125551212",
        "2120551212",
        "",
        "+",
        "212 555 CALL",
    ] {
        assert_eq!(
            nanp_national(input).unwrap_err().code,
            ErrorCode::InvalidPhone,
            "{input:?}"
        );
    }
}

#[test]
fn country_of_north_america() {
    assert_eq!(country_of("+14165550123"), Some("CA"));
    assert_eq!(country_of("+16045550123"), Some("CA"));
    assert_eq!(country_of("+12125551212"), Some("US"));
    assert_eq!(country_of("+13105550123"), Some("US"));
    assert_eq!(country_of("+18765550123"), Some("JM"));
    assert_eq!(country_of("+17875550123"), Some("PR"));
    assert_eq!(country_of("+18095550123"), Some("DO"));
}

#[test]
fn country_of_other_calling_codes() {
    assert_eq!(country_of("+919876543210"), Some("IN"));
    assert_eq!(country_of("+353851234567"), Some("IE"));
    assert_eq!(country_of("+33123456789"), Some("FR"));
    assert_eq!(country_of("+8613812345678"), Some("CN"));
    assert_eq!(country_of("+85291234567"), Some("HK"));
    assert_eq!(country_of("+886912345678"), Some("TW"));
    assert_eq!(country_of("+5511912345678"), Some("BR"));
}

/// A calling code several countries share names the country of the range
/// with the worker's metadata, and none in the client build: never the
/// code's main country for a territory's number.
#[test]
fn country_of_shared_calling_codes() {
    let worker = cfg!(feature = "worker");
    for (n, range) in [
        ("+442079460958", "GB"),
        ("+447624123456", "IM"),
        ("+447797123456", "JE"),
        ("+447781123456", "GG"),
        ("+79161234567", "RU"),
        ("+77012345678", "KZ"),
        ("+390669812345", "VA"),
        ("+4779023456", "SJ"),
        ("+358181234567", "AX"),
        ("+61891621234", "CC"),
        ("+61891641234", "CX"),
    ] {
        assert_eq!(country_of(n), worker.then_some(range), "{n}");
    }
}

#[test]
fn one_number_has_one_form() {
    // A trunk prefix written after the country code.
    assert_eq!(ok("+44 07400 123456", None), "+447400123456");
    assert_eq!(ok("0044 07400 123456", None), "+447400123456");
    assert_eq!(ok("+33 0 1 23 45 67 89", None), "+33123456789");
    assert_eq!(ok("+1 1 212 555 1212", None), "+12125551212");
    assert_eq!(ok("+7 8 916 123 45 67", None), "+79161234567");
    assert_eq!(ok("+7 812 123 45 67", None), "+78121234567", "an 8 area code is not a trunk prefix");
    // Italy's leading 0 is part of the number.
    assert_eq!(ok("+39 (0)6 1234 5678", None), "+390612345678");
    assert_eq!(ok("+39 06 1234 5678", None), "+390612345678");
    // The country code is never added twice.
    assert_eq!(ok("44 7400 123456", Some("GB")), "+447400123456");
    assert_eq!(ok("39 06 1234 5678", Some("IT")), "+390612345678");
    assert_eq!(ok("393 123 4567", Some("IT")), "+393931234567", "an Italian mobile starts with 3");
    assert_eq!(ok("1 212 555 1212", Some("US")), "+12125551212");
    assert_eq!(ok("7 916 123 45 67", Some("RU")), "+79161234567");
}

#[test]
fn country_of_unknown() {
    assert_eq!(country_of("+9991234567"), None);
    assert_eq!(country_of("+380501234567"), Some("UA"));
    // Serbia: not in the client's table.
    assert_eq!(country_of("+381111234567"), cfg!(feature = "worker").then_some("RS"));
    assert_eq!(country_of("442079460958"), None);
    assert_eq!(country_of("+44 20 7946 0958"), None);
    assert_eq!(country_of("+1"), None);
    assert_eq!(country_of(""), None);
}

#[test]
fn country_of_round_trips_with_default_country() {
    for (national, c) in [
        ("020 7946 0958", "GB"),
        ("06 1234 5678", "IT"),
        ("0412 345 678", "AU"),
        ("416 555 0123", "CA"),
    ] {
        // The client build cannot tell GB, IT and AU from their territories.
        let shared = ["GB", "IT", "AU"].contains(&c) && !cfg!(feature = "worker");
        assert_eq!(country_of(&ok(national, Some(c))), (!shared).then_some(c));
    }
}

#[test]
fn international_prefix_alone_is_invalid_phone_not_a_panic() {
    // Found by the fuzz/phone target: these used to index an empty string.
    assert!(phone_err("00", None).contains("no digits"));
    assert!(phone_err("0 0", Some("GB")).contains("no digits"));
    assert!(phone_err("011", Some("US")).contains("no digits"));
    assert!(phone_err("(011)", Some("CA")).contains("no digits"));
    assert!(nanp_national("011").is_err());
}

/// Every input of the differential corpus (tests/fixtures/numbering/
/// normalize.tsv: valid numbers written the ways people write them, with
/// libphonenumber's E.164 of each) normalises to libphonenumber's string, in
/// the client build and in the worker build, and that string to itself.
#[test]
fn valid_numbers_are_written_as_libphonenumber_writes_them() {
    let rows: Vec<(&str, Option<&str>, &str)> = include_str!("../fixtures/numbering/normalize.tsv")
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[0], Some(f[1]).filter(|c| *c != "-"), f[2])
        })
        .collect();
    assert!(rows.len() > 14_000, "{} rows", rows.len());
    let mut wrong = Vec::new();
    for &(input, country, want) in &rows {
        let got = normalize_phone(input, country);
        let again = got.as_deref().map(|e164| normalize_phone(e164, None));
        if got.as_deref() != Ok(want) || again.as_ref().is_ok_and(|a| a.as_deref() != Ok(want)) {
            wrong.push(format!("{input:?} ({country:?}): libphonenumber {want}, edgetext {got:?}, again {again:?}"));
        }
    }
    assert!(wrong.is_empty(), "{} of {} differ:\n{}", wrong.len(), rows.len(), wrong[..wrong.len().min(60)].join("\n"));
}
