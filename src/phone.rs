//! Phone numbers: E.164 normalisation, North American national form, and
//! the country of a number. A compact table covers the countries named
//! below; numbers already in international form work for every country.

use crate::{Error, Result};

/// (ISO 3166 alpha-2, calling code, national trunk prefix to drop).
const COUNTRIES: &[(&str, &str, &str)] = &[
    ("US", "1", ""), ("CA", "1", ""), ("RU", "7", "8"), ("EG", "20", "0"), ("ZA", "27", "0"),
    ("GR", "30", ""), ("NL", "31", "0"), ("BE", "32", "0"), ("FR", "33", "0"), ("ES", "34", ""),
    ("HU", "36", "06"), ("IT", "39", ""), ("RO", "40", "0"), ("CH", "41", "0"), ("AT", "43", "0"),
    ("GB", "44", "0"), ("DK", "45", ""), ("SE", "46", "0"), ("NO", "47", ""), ("PL", "48", ""),
    ("DE", "49", "0"), ("PE", "51", "0"), ("MX", "52", ""), ("AR", "54", "0"), ("BR", "55", "0"),
    ("CL", "56", ""), ("CO", "57", "0"), ("MY", "60", "0"), ("AU", "61", "0"), ("ID", "62", "0"),
    ("PH", "63", "0"), ("NZ", "64", "0"), ("SG", "65", ""), ("TH", "66", "0"), ("JP", "81", "0"),
    ("KR", "82", "0"), ("VN", "84", "0"), ("CN", "86", "0"), ("TR", "90", "0"), ("IN", "91", "0"),
    ("PK", "92", "0"), ("NG", "234", "0"), ("KE", "254", "0"), ("PT", "351", ""), ("IE", "353", "0"),
    ("FI", "358", "0"), ("UA", "380", "0"), ("CZ", "420", ""), ("HK", "852", ""), ("BD", "880", "0"),
    ("TW", "886", "0"), ("AE", "971", "0"), ("IL", "972", "0"), ("SA", "966", "0"),
];

/// Canadian area codes (every other +1 number is taken as US).
const CA_AREAS: &[u16] = &[
    204, 226, 236, 249, 250, 257, 263, 289, 306, 343, 354, 365, 367, 368, 382, 403, 416, 418, 428, 431,
    437, 438, 450, 460, 468, 474, 506, 514, 519, 548, 579, 581, 584, 587, 604, 613, 639, 647, 672, 683,
    705, 709, 742, 753, 778, 780, 782, 807, 819, 825, 867, 873, 879, 902, 905,
];

/// The digits of `input` after checking its characters: digits, spaces,
/// dots, dashes and brackets, with at most one leading `+`. Returns the
/// digits and whether a `+` led them.
fn digits(input: &str) -> Result<(String, bool)> {
    let t = input.trim();
    let (plus, rest) = match t.strip_prefix('+') {
        Some(r) => (true, r),
        None => (false, t),
    };
    let mut out = String::with_capacity(rest.len());
    for c in rest.chars() {
        match c {
            '0'..='9' => out.push(c),
            ' ' | '.' | '-' | '(' | ')' => {}
            _ => return Err(Error::phone(format!("phone number {t:?} contains {c:?}"))),
        }
    }
    if out.is_empty() {
        return Err(Error::phone("phone number is empty"));
    }
    Ok((out, plus))
}

fn check_e164(d: &str, input: &str) -> Result<String> {
    if !(8..=15).contains(&d.len()) || d.starts_with('0') {
        return Err(Error::phone(format!("{input:?} is not a valid international number (8 to 15 digits after +)")));
    }
    // +1 numbers have exactly 10 digits after the country code. The stricter
    // area-code rule lives in `nanp_national`: providers' own examples use
    // numbers such as +11234567890 that only a North American carrier refuses.
    if d.starts_with('1') && d.len() != 11 {
        return Err(Error::phone(format!("{input:?} is not a valid North American number (+1 and 10 digits)")));
    }
    Ok(format!("+{d}"))
}

/// Normalises a number to E.164 (`+12125551212`).
///
/// Accepts international form (`+1 (212) 555-1212`, `00 44 20 7946 0958`),
/// or a national number with `default_country` (`020 7946 0958` with `"GB"`).
///
/// ```
/// assert_eq!(edgetext::normalize_phone("+1 (212) 555-1212", None).unwrap(), "+12125551212");
/// assert_eq!(edgetext::normalize_phone("020 7946 0958", Some("gb")).unwrap(), "+442079460958");
/// assert_eq!(edgetext::normalize_phone("555-1212x", None).unwrap_err().code.as_str(), "invalid_phone");
/// ```
pub fn normalize_phone(input: &str, default_country: Option<&str>) -> Result<String> {
    let (d, plus) = digits(input)?;
    if plus {
        return check_e164(&d, input);
    }
    if let Some(intl) = d.strip_prefix("00") {
        return check_e164(intl, input);
    }
    let Some(country) = default_country else {
        return Err(Error::phone(format!(
            "{input:?} has no country code: write it as +<country code><number> or pass defaultCountry"
        )));
    };
    let iso = country.to_ascii_uppercase();
    let (_, cc, trunk) = COUNTRIES
        .iter()
        .find(|(c, _, _)| *c == iso)
        .ok_or_else(|| Error::input(format!("defaultCountry {country:?} is not a country edgetext knows")))?;
    let national = if *cc == "1" && d.len() == 11 && d.starts_with('1') {
        &d[1..]
    } else if !trunk.is_empty() && d.starts_with(trunk) {
        &d[trunk.len()..]
    } else {
        &d
    };
    check_e164(&format!("{cc}{national}"), input)
}

/// The 10-digit North American national number (`2125551212`), for a
/// provider that takes only those. Any number outside +1 is `invalid_phone`.
pub fn nanp_national(input: &str) -> Result<String> {
    let (d, plus) = digits(input)?;
    let full = match (plus, d.len()) {
        (false, 10) => format!("1{d}"),
        (false, 11) if d.starts_with('1') => d,
        (true, _) => d,
        _ => return Err(Error::phone(format!("{input:?} is not a 10-digit North American number"))),
    };
    if !full.starts_with('1') {
        return Err(Error::phone(format!("{input:?} is not a North American (+1) number; this provider only sends to +1")));
    }
    let e164 = check_e164(&full, input)?;
    let b = e164.as_bytes();
    if b[2] < b'2' || b[5] < b'2' {
        return Err(Error::phone(format!("{input:?} is not a valid North American number: area code and exchange start with 2-9")));
    }
    Ok(e164[2..].to_string())
}

/// The ISO 3166 alpha-2 country of an E.164 number, when the table knows
/// its calling code (+1 is told apart by Canadian area codes, else `US`).
pub fn country_of(e164: &str) -> Option<&'static str> {
    let d = e164.strip_prefix('+')?;
    if let Some(n) = d.strip_prefix('1') {
        let area: u16 = n.get(..3)?.parse().ok()?;
        return Some(if CA_AREAS.binary_search(&area).is_ok() { "CA" } else { "US" });
    }
    COUNTRIES
        .iter()
        .filter(|(_, cc, _)| d.starts_with(cc))
        .max_by_key(|(_, cc, _)| cc.len())
        .map(|(iso, _, _)| *iso)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_forms() {
        for (input, country, want) in [
            ("+12125551212", None, "+12125551212"),
            ("+1 (212) 555-1212", None, "+12125551212"),
            ("212.555.1212", Some("US"), "+12125551212"),
            ("1 212 555 1212", Some("us"), "+12125551212"),
            ("00 44 20 7946 0958", None, "+442079460958"),
            ("020 7946 0958", Some("GB"), "+442079460958"),
            ("06 12 34 56 78", Some("FR"), "+33612345678"),
            ("8 912 345 67 89", Some("RU"), "+79123456789"),
            ("06 1234 5678", Some("IT"), "+390612345678"),
            ("  +49 30 123456  ", None, "+4930123456"),
        ] {
            assert_eq!(normalize_phone(input, country).unwrap(), want, "{input}");
        }
    }

    #[test]
    fn refused_forms() {
        for (input, country) in [
            ("", None), ("+", None), ("abc", None), ("+1 212 555 12x2", None), ("2125551212", None),
            ("+1 212 555 121", None), ("+1 212 555 12123", None),
            ("+1234567", None), ("+1234567890123456", None), ("+0441234567", None), ("++12125551212", None),
        ] {
            assert_eq!(normalize_phone(input, country).unwrap_err().code.as_str(), "invalid_phone", "{input}");
        }
        assert_eq!(normalize_phone("2125551212", Some("XX")).unwrap_err().code.as_str(), "invalid_input");
    }

    #[test]
    fn north_american_national_form() {
        assert_eq!(nanp_national("+1 (212) 555-1212").unwrap(), "2125551212");
        assert_eq!(nanp_national("12125551212").unwrap(), "2125551212");
        assert_eq!(nanp_national("212-555-1212").unwrap(), "2125551212");
        assert_eq!(normalize_phone("+1 123 456 7890", None).unwrap(), "+11234567890", "documentation numbers pass E.164");
        for bad in ["+442079460958", "212555121", "+1 112 555 1212", "+1 212 155 1212", "+1 012 555 1212", "22125551212", "call me"] {
            assert_eq!(nanp_national(bad).unwrap_err().code.as_str(), "invalid_phone", "{bad}");
        }
    }

    #[test]
    fn countries() {
        assert_eq!(country_of("+14165551212"), Some("CA"));
        assert_eq!(country_of("+12125551212"), Some("US"));
        assert_eq!(country_of("+442079460958"), Some("GB"));
        assert_eq!(country_of("+919876543210"), Some("IN"));
        assert_eq!(country_of("+3530861234567"), Some("IE"));
        assert_eq!(country_of("+79123456789"), Some("RU"));
        assert_eq!(country_of("+9991234567"), None);
        assert!(CA_AREAS.windows(2).all(|w| w[0] < w[1]), "sorted for binary search");
    }
}
