//! Phone numbers: E.164 normalisation, the 10-digit North American form and
//! the country a number belongs to. Deliberately small: a compact table of
//! common countries, no per-country number plans.

use crate::{Error, Result};

/// Countries `default_country` accepts: ISO 3166 alpha-2 code, calling code,
/// then `/` and the national trunk prefix when there is one (dropped from
/// national numbers). The calling codes are prefix-free, so the first match
/// on an E.164 number is the longest. US and CA come first and share `1`.
const COUNTRIES: &str = "US1/1 CA1/1 GB44/0 IE353/0 FR33/0 DE49/0 ES34 IT39 PT351 NL31/0 BE32/0 CH41/0 \
AT43/0 SE46/0 NO47 DK45 FI358/0 PL48 CZ420 GR30 RO40/0 HU36/06 UA380/0 RU7/8 TR90/0 IL972/0 AE971/0 \
SA966/0 EG20/0 ZA27/0 NG234/0 KE254/0 IN91/0 PK92/0 BD880/0 CN86/0 HK852 TW886/0 JP81/0 KR82/0 SG65 \
MY60/0 TH66/0 VN84/0 ID62/0 PH63/0 AU61/0 NZ64/0 MX52 BR55/0 AR54/0 CL56 CO57/0 PE51/0";

/// Canadian area codes (geographic and non-geographic).
const CA_AREAS: &str = "204 226 236 249 250 257 263 273 289 306 343 354 365 367 368 382 403 416 418 428 431 437 \
438 450 468 474 506 514 519 548 579 581 584 587 600 604 613 622 633 639 647 672 683 705 709 742 753 778 780 782 \
807 819 825 867 873 879 902 905 942";

/// Area codes of the other non-US members of the North American plan, each followed by its country.
const NANP_AREAS: &str =
    "242BS 246BB 264AI 268AG 284VG 340VI 345KY 441BM 473GD 649TC 658JM 664MS 670MP 671GU \
684AS 721SX 758LC 767DM 784VC 787PR 809DO 829DO 849DO 868TT 869KN 876JM 939PR";

/// `(iso, calling code, trunk prefix)` for every row of [`COUNTRIES`].
fn countries() -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    COUNTRIES.split(' ').map(|r| {
        let (iso, rest) = r.split_at(2);
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
    let cleaned;
    let rest = if plus || rest.starts_with("00") {
        // "+44 (0)20 …": the bracketed trunk prefix is not dialled from abroad.
        cleaned = rest.replacen("(0)", "", 1);
        &cleaned
    } else {
        rest
    };
    let mut out = String::new();
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

/// E.164 normalisation. Accepts `"+12125551212"`, `"+1 (212) 555-1212"`,
/// `"212.555.1212"` with `default_country` `Some("US")`, `"00 44 20 7946 0958"`
/// (international `00` prefix), `"020 7946 0958"` with `Some("GB")` (drops the
/// national trunk prefix 0), and `"+44 (0)20 7946 0958"`.
///
/// Spaces, dots, dashes, parentheses and one leading `+` are allowed; any
/// other character is `invalid_phone`. A national number (no `+` or `00`)
/// needs `default_country`, an ISO 3166 alpha-2 code (case-insensitive) from
/// a built-in list of common countries; its trunk prefix (`0`, `8` for RU,
/// `06` for HU, `1` for US/CA, none for IT, ES, …) is dropped. With US or CA,
/// `011` also starts an international number. An unknown `default_country`
/// is `invalid_input`.
///
/// ```
/// use edgetext::normalize_phone;
/// assert_eq!(normalize_phone("+1 (212) 555-1212", None).unwrap(), "+12125551212");
/// assert_eq!(normalize_phone("020 7946 0958", Some("gb")).unwrap(), "+442079460958");
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
            None => {
                let national = match d.strip_prefix(trunk) {
                    Some(rest) if !trunk.is_empty() && !rest.starts_with('0') => rest,
                    _ => &d,
                };
                format!("{cc}{national}")
            }
        }
    } else {
        return Err(Error::phone("phone number has no country code: start it with + and the country code, or pass a default country"));
    };
    check_e164(&intl)?;
    Ok(format!("+{intl}"))
}

/// 10-digit North American national number (for a provider that only takes
/// NANP numbers): accepts E.164 `+1…`, 11 digits starting 1, or 10 digits, with
/// the usual punctuation. Any non-+1 number is `invalid_phone`.
///
/// ```
/// assert_eq!(edgetext::nanp_national("+1 (212) 555-1212").unwrap(), "2125551212");
/// assert!(edgetext::nanp_national("+442079460958").is_err());
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

/// ISO 3166 alpha-2 country of an E.164 number, when the calling code
/// identifies one. For `+1` the area code tells Canada and the other NANP
/// members (Caribbean, US territories with their own code) from `"US"`, the
/// default. Only the calling codes of the `default_country` list are known
/// (`+7` is `"RU"`); `None` for any other or for a malformed number.
///
/// ```
/// assert_eq!(edgetext::country_of("+14165550123"), Some("CA"));
/// assert_eq!(edgetext::country_of("+442079460958"), Some("GB"));
/// ```
pub fn country_of(e164: &str) -> Option<&'static str> {
    let d = e164
        .strip_prefix('+')
        .filter(|d| d.bytes().all(|b| b.is_ascii_digit()))?;
    if let Some(rest) = d.strip_prefix('1') {
        let area = rest.get(..3)?;
        if CA_AREAS.split(' ').any(|a| a == area) {
            return Some("CA");
        }
        return Some(
            NANP_AREAS
                .split(' ')
                .find(|r| r.starts_with(area))
                .map_or("US", |r| &r[3..]),
        );
    }
    countries()
        .find(|(_, cc, _)| d.starts_with(cc))
        .map(|(iso, ..)| iso)
}
