//! Phone numbers: E.164 normalisation, the 10-digit North American form and
//! the country a number belongs to. Normalisation reads national prefixes
//! with libphonenumber's rules in every build ([`super::national`]); the client
//! build has no number plans otherwise: a compact table of common countries
//! names a number's country. The worker build (feature `worker`) answers
//! [`country_of`] from libphonenumber's number ranges instead
//! ([`super::ranges`]).

#[cfg(not(edgetext_no_national_rules))]
use super::national;
use crate::{Error, Result};

/// Countries `default_country` accepts: ISO 3166 alpha-2 code, calling code,
/// then `/` and the national trunk prefix when there is one. The calling
/// codes are prefix-free, so the first match on an E.164 number is the
/// longest. US and CA come first and share `1`. Each reads national prefixes
/// as its calling code's main region does (CA as the US; the differential
/// test's national forms check it), so the rules of [`national`] serve
/// national numbers too.
const COUNTRIES: &str = "US1/1 CA1/1 GB44/0 IE353/0 FR33/0 DE49/0 ES34 IT39 PT351 NL31/0 BE32/0 CH41/0 \
AT43/0 SE46/0 NO47 DK45 FI358/0 PL48 CZ420 GR30 RO40/0 HU36/06 UA380/0 RU7/8 TR90/0 IL972/0 AE971/0 \
SA966/0 EG20/0 ZA27/0 NG234/0 KE254/0 IN91/0 PK92/0 BD880/0 CN86/0 HK852 TW886/0 JP81/0 KR82/0 SG65 \
MY60/0 TH66/0 VN84/0 ID62/0 PH63/0 AU61/0 NZ64/0 MX52 BR55/0 AR54/0 CL56 CO57/0 PE51/0";

/// The +1 area codes of Canada and of the other non-US members of the North
/// American plan, each followed by its country, and a bitmap of the US ones
/// (hex, bit `area - 200` counted from the last digit's lowest bit), as libphonenumber places them
/// (printed by `tests/fixtures/numbering/nanp.py`, checked by `tests/phone/ranges.rs`).
#[cfg(any(not(feature = "worker"), test))]
const NANP_AREAS: &str = "204CA 226CA 236CA 249CA 250CA 257CA 263CA 289CA 306CA 343CA 354CA 365CA 367CA 368CA \
382CA 403CA 416CA 418CA 428CA 431CA 437CA 438CA 450CA 468CA 474CA 506CA 514CA 519CA 548CA 579CA 581CA 584CA 587CA \
600CA 604CA 613CA 622CA 633CA 639CA 647CA 672CA 683CA 705CA 709CA 742CA 753CA 778CA 780CA 782CA 807CA 819CA 825CA \
867CA 873CA 879CA 902CA 905CA 942CA 242BS 246BB 264AI 268AG 284VG 340VI 345KY 441BM 473GD 649TC 658JM 664MS 670MP \
671GU 684AS 721SX 758LC 767DM 784VC 787PR 809DO 829DO 849DO 868TT 869KN 876JM 939PR";
#[cfg(any(not(feature = "worker"), test))]
const US_AREAS: &str = "00279cbc0095bab74f21ff7db001006147dfc5b9cbd437f57f000628fe2d2418965df1ff1de0024740287b0c6310f49fd7ee\
001652fcdea081387fff7b7bf00011c9618401ad0d438af7f6000610021b03cc2b5efbff7be0000a95685179018cbb9ff7ee";

/// Calling codes shared by several countries (besides +1): the code alone
/// does not name the country (`+44` is also Jersey, Guernsey and the Isle of
/// Man; `+7` also Kazakhstan; `+39` also the Vatican; `+47` Svalbard; `+358`
/// Åland; `+61` Christmas and Cocos Islands).
#[cfg(any(not(feature = "worker"), test))]
const SHARED_CODES: [&str; 10] = ["7", "39", "44", "47", "61", "212", "262", "290", "358", "590"];

/// `(iso, calling code, trunk prefix)` for every row of [`COUNTRIES`].
fn countries() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    COUNTRIES.split(' ').map(|r| {
        let (iso, rest) = r.split_at_checked(2).unwrap_or((r, ""));
        let (cc, trunk) = rest.split_once('/').unwrap_or((rest, ""));
        (iso, cc, trunk)
    })
}

/// The digits of `input`, and whether it began with `+`. Spaces, dots,
/// dashes and parentheses are ignored; anything else is refused.
fn digits(input: &str) -> Result<(bool, String)> {
    let s = input.trim();
    let (plus, rest) = match s.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let mut out = String::with_capacity(rest.len());
    for c in rest.chars() {
        match c {
            '0'..='9' => out.push(c),
            '.' | '-' | '(' | ')' => {}
            c if c.is_whitespace() => {}
            _ => return Err(Error::phone(format!("phone number contains '{c}'"))),
        }
    }
    if out.is_empty() {
        let what = if s.is_empty() {
            "phone number is empty"
        } else {
            "phone number has no digits"
        };
        return Err(Error::phone(what));
    }
    Ok((plus, out))
}

/// Checks international digits (country code first, no `+`) against E.164.
/// For `+1` only the length is checked here: the providers' own examples use
/// numbers such as +11234567890, which only the stricter [`nanp_national`]
/// (for a provider that sends to North America alone) refuses.
fn check_e164(d: &str) -> Result<()> {
    let b = d.as_bytes();
    // "00" or "011" alone leaves no digits (found by fuzz/phone).
    let msg = if b.is_empty() {
        "phone number has no digits after the international prefix"
    } else if b[0] == b'0' {
        "a country code cannot start with 0"
    } else if b[0] == b'1' && b.len() != 11 {
        "a +1 number needs exactly 10 digits after the 1 (area code and number)"
    } else if b.len() < 8 {
        "phone number is too short: E.164 needs 8 to 15 digits with the country code"
    } else if b.len() > 15 {
        "phone number is too long: E.164 allows at most 15 digits"
    } else {
        return Ok(());
    };
    Err(Error::phone(msg))
}

/// Whether national digits typed for a country with calling code `cc` in
/// fact start with that code: without the trunk prefix a national number
/// would carry (`44 7400 123456` for GB), or, where the country has none,
/// too long to be a national number (`39 06 1234 5678`; `393 123 4567` is an
/// Italian mobile).
fn written_with_code(d: &str, cc: &str, trunk: &str) -> bool {
    match d.strip_prefix(cc) {
        Some(rest) if !trunk.is_empty() => !d.starts_with(trunk) && rest.len() >= 7,
        Some(_) => d.len() > 10,
        None => false,
    }
}

/// International digits (country code first) as libphonenumber writes them:
/// a national prefix written after the country code read off with the
/// rules of the code's main region (`+44 07400 …`, `+44 (0)20 …`,
/// `+54 11 15 …`), again while one is left, so that the result normalises to
/// itself. Italy, which dials its leading 0 from abroad too, has none.
// Kept out of normalize_phone where it reads prefixes: 16 B less gzip.
#[cfg_attr(not(edgetext_no_national_rules), inline(never))]
#[cfg_attr(edgetext_no_national_rules, allow(unused_mut))]
fn without_trunk(mut intl: String) -> String {
    // Read until a reading changes nothing (Japan's `(000[2569]\d{4,6})$`
    // writes the number again as it was), so that the result reads as
    // itself: a fixed bound stopped "+81" and 20 trunk zeros half-way.
    // Every reading but a short local form's shortens the digits, so their
    // count bounds a cycle of transforms, which the metadata does not have.
    #[cfg(not(edgetext_no_national_rules))]
    for _ in 0..intl.len() {
        match national::read_prefix(&intl) {
            Some(read) if read != intl => intl = read,
            _ => break,
        }
    }
    intl
}

/// E.164 normalisation. Accepts `"+12125551212"`, `"+1 (212) 555-1212"`,
/// `"212.555.1212"` with `default_country` `Some("US")`, `"00 44 20 7946 0958"`
/// (international `00` prefix), `"020 7946 0958"` with `Some("GB")` (drops the
/// national trunk prefix 0), `"+44 (0)20 7946 0958"` and `"+44 020 7946 0958"`
/// (a trunk prefix after the country code is dropped too, so that one number
/// has one form), `"44 20 7946 0958"` with `Some("GB")` (the country code is
/// never added twice), and keeps Italy's leading 0 (`"+39 (0)6 1234 5678"` is
/// `"+390612345678"`).
///
/// What is written before the national number is read with libphonenumber's
/// rules (its metadata's national prefix for parsing and transform rule, of
/// the calling code's main region), so that a valid number is written as
/// libphonenumber writes it in E.164: a trunk prefix (`0`, `8` for RU, `06`
/// for HU, `1` for +1, none for IT, ES, …) is dropped where the number stays
/// valid without it (`"+686 031234"` is `"+68631234"`), Argentina's mobile
/// `15` becomes the `9` after the code (`"011 15-2345-6789"` with `Some("AR")`
/// and `"+54 11 15 2345 6789"` are `"+5491123456789"`), and a short local
/// form gets the digits it lacks (`"+672 12345"` is `"+672312345"`).
///
/// Spaces, dots, dashes, parentheses and one leading `+` are allowed; any
/// other character is `invalid_phone`. A national number (no `+` or `00`)
/// needs `default_country`, an ISO 3166 alpha-2 code (case-insensitive) from
/// a built-in list of common countries. With US or CA, `011` also starts an
/// international number. An unknown `default_country` is `invalid_input`.
///
/// ```
/// use edgetext::phone::normalize_phone;
/// assert_eq!(normalize_phone("+1 (212) 555-1212", None).unwrap(), "+12125551212");
/// assert_eq!(normalize_phone("020 7946 0958", Some("gb")).unwrap(), "+442079460958");
/// assert_eq!(normalize_phone("+686 031234", None).unwrap(), "+68631234");
/// assert_eq!(normalize_phone("011 15-2345-6789", Some("AR")).unwrap(), "+5491123456789");
/// ```
pub fn normalize_phone(input: &str, default_country: Option<&str>) -> Result<String> {
    let country = match default_country {
        Some(iso) => Some(
            countries()
                .find(|(c, ..)| c.eq_ignore_ascii_case(iso.trim()))
                .ok_or_else(|| Error::input(format!("default country \"{iso}\" is not supported; pass the number with + and its country code")))?,
        ),
        None => None,
    };
    let (plus, d) = digits(input)?;
    let intl = if plus {
        d
    } else if let Some(rest) = d.strip_prefix("00") {
        rest.to_owned()
    } else if let Some((_, cc, trunk)) = country {
        // 011 is the international prefix dialled from North America.
        match d.strip_prefix("011").filter(|_| cc == "1") {
            Some(rest) => rest.to_owned(),
            // "44 7400 123456" with GB: the country code is already there.
            None if written_with_code(&d, cc, trunk) => d,
            // The trunk prefix is read as after the code: "020 7946 0958"
            // with GB is +44 020 7946 0958.
            None => format!("{cc}{d}"),
        }
    } else {
        return Err(Error::phone("phone number has no country code: start it with + and the country code, or pass a default country"));
    };
    let intl = without_trunk(intl);
    check_e164(&intl)?;
    // Joined by a push: `format!` goes through the formatting machinery, on every send.
    let mut e164 = String::with_capacity(intl.len() + 1);
    e164.push('+');
    e164.push_str(&intl);
    Ok(e164)
}

/// 10-digit North American national number (for a provider that only takes
/// NANP numbers): accepts E.164 `+1…`, 11 digits starting 1, or 10 digits, with
/// the usual punctuation. Any non-+1 number is `invalid_phone`.
///
/// ```
/// assert_eq!(edgetext::phone::nanp_national("+1 (212) 555-1212").unwrap(), "2125551212");
/// assert!(edgetext::phone::nanp_national("+442079460958").is_err());
/// ```
pub fn nanp_national(input: &str) -> Result<String> {
    let e164 = normalize_phone(input, Some("US"))?;
    match e164.strip_prefix("+1") {
        Some(national) if national.as_bytes()[0] < b'2' => Err(Error::phone("a +1 area code cannot start with 0 or 1")),
        Some(national) if national.as_bytes()[3] < b'2' => {
            Err(Error::phone("a +1 exchange (the 3 digits after the area code) cannot start with 0 or 1"))
        }
        Some(national) => Ok(national.to_owned()),
        None => Err(Error::phone(format!(
            "{e164} is not a North American (+1) number, the only kind this provider takes"
        ))),
    }
}

/// ISO 3166 alpha-2 country of an E.164 number, never another country than
/// the one of the number's range.
///
/// The worker build (feature `worker`) answers from libphonenumber's ranges
/// ([`crate::phone::ranges::classify_number`]): `+44 7624 …` is `"IM"`, `+7 7…` is `"KZ"`, and
/// an invalid number is `None`. The client build answers from the calling
/// code where it names one country, and for `+1` from the area code; for a
/// calling code several countries share (`+44`, `+7`, `+39`, …) or one it
/// does not know it answers `None`.
///
/// ```
/// assert_eq!(edgetext::phone::country_of("+14165550123"), Some("CA"));
/// assert_eq!(edgetext::phone::country_of("+33123456789"), Some("FR"));
/// ```
pub fn country_of(e164: &str) -> Option<&'static str> {
    #[cfg(feature = "worker")]
    return crate::phone::ranges::classify_number(e164).and_then(|r| r.country);
    #[cfg(not(feature = "worker"))]
    country_by_code(e164)
}

/// The client build's [`country_of`]: the calling code, or the +1 area code.
#[cfg(any(not(feature = "worker"), test))]
pub(crate) fn country_by_code(e164: &str) -> Option<&'static str> {
    let d = e164
        .strip_prefix('+')
        .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))?;
    if let Some(rest) = d.strip_prefix('1') {
        if rest.len() != 10 {
            return None;
        }
        let area = rest.get(..3)?;
        if let Some(row) = NANP_AREAS.split(' ').find(|r| r.starts_with(area)) {
            return row.get(3..);
        }
        let bit = area.parse::<usize>().ok()?.checked_sub(200)?;
        let at = US_AREAS.len().checked_sub(bit / 4 + 1)?;
        let nibble = u8::from_str_radix(US_AREAS.get(at..at + 1)?, 16).ok()?;
        return (nibble >> (bit % 4) & 1 == 1).then_some("US");
    }
    countries()
        .find(|(_, cc, _)| d.starts_with(cc))
        .filter(|(_, cc, _)| !SHARED_CODES.contains(cc))
        .map(|(iso, ..)| iso)
}

#[cfg(all(test, feature = "worker"))]
mod tests {
    /// The client build's answers against libphonenumber's, on every number of
    /// the differential fixture: the same country, or none.
    #[test]
    fn the_client_table_never_names_another_country() {
        let mut named = 0;
        for line in include_str!("../../tests/fixtures/numbering/examples.tsv").lines() {
            let f: Vec<&str> = line.split('\t').collect();
            if f[3] != "1" {
                continue;
            }
            if let Some(c) = super::country_by_code(f[0]) {
                assert_eq!(c, f[1], "{}", f[0]);
                named += 1;
            }
        }
        assert!(named > 500, "{named}");
        for area in 200..1000 {
            let n = format!("+1{area}2345678");
            if let (Some(c), Some(range)) = (super::country_by_code(&n), crate::phone::ranges::classify_number(&n)) {
                assert_eq!(Some(c), range.country, "{n}");
            }
        }
    }
}
