//! Number ranges (worker build only): the country and the type of the range
//! an E.164 number belongs to, from Google's libphonenumber metadata (the
//! `phonenumber` crate carries it, version in Cargo.lock), not from the
//! calling code alone. `+44 7624 …` is the Isle of Man (`IM`), not `GB`;
//! `+7 7…` is Kazakhstan (`KZ`), not `RU`; `+39 06 698…` is the Vatican.
//!
//! The OTP guard sends only to numbers whose range is valid and whose type
//! its `OTP_ALLOWED_NUMBER_TYPES` lists ([`NumberType`]); the differential
//! test `tests/numbering.rs` compares every answer here with libphonenumber's
//! own on its example numbers.

use phonenumber::metadata::{Database, Descriptor, DATABASE};
use phonenumber::{Metadata, Type};
use regex::Regex;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Mutex;

/// The type of a number range, as libphonenumber names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberType {
    /// A landline.
    FixedLine,
    /// A mobile phone.
    Mobile,
    /// A range where fixed and mobile numbers cannot be told apart (`+1`).
    FixedLineOrMobile,
    /// Free to the caller.
    TollFree,
    /// Charged above the normal rate, often to the caller's benefit of the number's owner.
    PremiumRate,
    /// The cost is shared between caller and called.
    SharedCost,
    /// A personal number, routed on to another phone.
    PersonalNumber,
    /// Voice over IP.
    Voip,
    /// A pager.
    Pager,
    /// A company's universal access number.
    Uan,
    /// Voicemail access.
    Voicemail,
    /// A range libphonenumber knows no type for.
    Unknown,
}

impl NumberType {
    /// Every type, in declaration order.
    pub const ALL: [NumberType; 12] = [
        NumberType::FixedLine,
        NumberType::Mobile,
        NumberType::FixedLineOrMobile,
        NumberType::TollFree,
        NumberType::PremiumRate,
        NumberType::SharedCost,
        NumberType::PersonalNumber,
        NumberType::Voip,
        NumberType::Pager,
        NumberType::Uan,
        NumberType::Voicemail,
        NumberType::Unknown,
    ];

    /// The name used in `OTP_ALLOWED_NUMBER_TYPES` (`"mobile"`, `"premium_rate"`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            NumberType::FixedLine => "fixed_line",
            NumberType::Mobile => "mobile",
            NumberType::FixedLineOrMobile => "fixed_line_or_mobile",
            NumberType::TollFree => "toll_free",
            NumberType::PremiumRate => "premium_rate",
            NumberType::SharedCost => "shared_cost",
            NumberType::PersonalNumber => "personal_number",
            NumberType::Voip => "voip",
            NumberType::Pager => "pager",
            NumberType::Uan => "uan",
            NumberType::Voicemail => "voicemail",
            NumberType::Unknown => "unknown",
        }
    }

    /// The type named `name` (see [`NumberType::as_str`]), case-insensitive.
    pub fn parse(name: &str) -> Option<NumberType> {
        NumberType::ALL.into_iter().find(|t| t.as_str().eq_ignore_ascii_case(name.trim()))
    }
}

/// What libphonenumber's metadata says about a valid number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberRange {
    /// The number as libphonenumber writes it in E.164 (a trunk prefix
    /// written after the country code removed): the one key of the number.
    pub e164: String,
    /// ISO 3166 alpha-2 region of the range (`"IM"`, `"KZ"`, …); `None` for
    /// the non-geographic calling codes (`+800`, `+882`, …).
    pub country: Option<&'static str>,
    /// The range's type.
    pub kind: NumberType,
}

/// Every two-letter uppercase code, so that a region id can be answered as a
/// `&'static str`.
static TWO_LETTERS: [[u8; 2]; 676] = {
    let mut all = [[0u8; 2]; 676];
    let mut i = 0;
    while i < 676 {
        all[i] = [b'A' + (i / 26) as u8, b'A' + (i % 26) as u8];
        i += 1;
    }
    all
};

fn static_iso(code: &str) -> Option<&'static str> {
    let b = code.as_bytes();
    if b.len() != 2 || !b.iter().all(u8::is_ascii_uppercase) {
        return None;
    }
    let pair = &TWO_LETTERS[(b[0] - b'A') as usize * 26 + (b[1] - b'A') as usize];
    core::str::from_utf8(pair).ok()
}

/// Compiled patterns, anchored as libphonenumber uses them, by pattern text.
static PATTERNS: Mutex<Option<HashMap<String, Regex>>> = Mutex::new(None);

/// Whether `pattern` matches all of `text` (`whole`) or a start of it.
fn matches(pattern: &str, text: &str, whole: bool) -> bool {
    // Google writes patterns across lines; whitespace in them means nothing.
    let pattern: String = pattern.chars().filter(|c| !c.is_whitespace()).collect();
    let key = if whole { format!("^(?:{pattern})$") } else { format!("^(?:{pattern})") };
    // Google's patterns all compile; one that did not would match nothing.
    compiled(key).is_some_and(|re| re.is_match(text))
}

/// libphonenumber's `isNumberMatchingDesc`: a length the range allows and the whole pattern.
fn fits(desc: Option<&Descriptor>, national: &str) -> bool {
    desc.is_some_and(|d| {
        (d.possible_length().is_empty() || d.possible_length().contains(&(national.len() as u16)))
            && matches(d.national_number().as_str(), national, true)
    })
}

/// libphonenumber's `getNumberTypeHelper`: the first type whose range holds the number.
fn type_in(meta: &Metadata, national: &str) -> NumberType {
    let d = meta.descriptors();
    if !fits(Some(d.general()), national) {
        return NumberType::Unknown;
    }
    for (t, kind) in [
        (Type::PremiumRate, NumberType::PremiumRate),
        (Type::TollFree, NumberType::TollFree),
        (Type::SharedCost, NumberType::SharedCost),
        (Type::Voip, NumberType::Voip),
        (Type::PersonalNumber, NumberType::PersonalNumber),
        (Type::Pager, NumberType::Pager),
        (Type::Uan, NumberType::Uan),
        (Type::Voicemail, NumberType::Voicemail),
    ] {
        if fits(d.get(t), national) {
            return kind;
        }
    }
    let same = match (d.fixed_line(), d.mobile()) {
        (Some(f), Some(m)) => f.national_number().as_str() == m.national_number().as_str(),
        _ => false,
    };
    let mobile = fits(d.mobile(), national);
    if fits(d.fixed_line(), national) {
        if same || mobile {
            NumberType::FixedLineOrMobile
        } else {
            NumberType::FixedLine
        }
    } else if !same && mobile {
        NumberType::Mobile
    } else {
        NumberType::Unknown
    }
}

/// The compiled pattern `key` (already anchored), from the cache.
fn compiled(key: String) -> Option<Regex> {
    let mut cache = PATTERNS.lock().unwrap_or_else(|e| e.into_inner());
    let cache = cache.get_or_insert_with(HashMap::new);
    if let Some(re) = cache.get(&key) {
        return Some(re.clone());
    }
    let re = Regex::new(&key).ok()?;
    cache.insert(key, re.clone());
    Some(re)
}

/// libphonenumber's `maybeStripNationalPrefixAndCarrierCode` as its parser
/// applies it to a number given with its country code: `+44 07400 …` and
/// `+241 0 60 …` lose the trunk prefix written after it, unless the number
/// was valid with it and is not without.
fn strip_national_prefix(meta: &Metadata, national: &str) -> String {
    let Some(prefix) = meta.national_prefix_for_parsing() else { return national.to_owned() };
    let pattern: String = prefix.as_str().chars().filter(|c| !c.is_whitespace()).collect();
    let Some(re) = compiled(format!("^(?:{pattern})")) else { return national.to_owned() };
    let Some(caps) = re.captures(national) else { return national.to_owned() };
    let general = meta.descriptors().general().national_number().as_str();
    let viable = matches(general, national, true);
    let rule = meta.national_prefix_transform_rule().filter(|r| !r.is_empty());
    let last_group = caps.len() > 1 && caps.get(caps.len() - 1).is_some();
    let stripped = match rule {
        Some(rule) if last_group => {
            let mut rule_text = String::new();
            let mut chars = rule.chars().peekable();
            while let Some(c) = chars.next() {
                rule_text.push(c);
                if c == '$' {
                    rule_text.push('{');
                    while let Some(d) = chars.next_if(char::is_ascii_digit) {
                        rule_text.push(d);
                    }
                    rule_text.push('}');
                }
            }
            re.replace(national, rule_text.as_str()).into_owned()
        }
        _ => national[caps.get(0).map_or(0, |m| m.end())..].to_owned(),
    };
    if viable && !matches(general, &stripped, true) {
        return national.to_owned();
    }
    // The parser keeps the prefix when what is left is too short to be a number.
    let lengths = meta.descriptors().general().possible_length();
    match lengths.first() {
        Some(&min) if (stripped.len() as u16) < min => national.to_owned(),
        _ => stripped,
    }
}

/// The metadata of the region holding `national` among those of `code`
/// (libphonenumber's `getRegionCodeForNumberFromRegionList`).
fn region_of(code: u16, national: &str) -> Option<&'static Metadata> {
    let db: &'static Database = &DATABASE;
    let regions = db.region(&code)?;
    if regions.len() == 1 {
        return match regions[0] {
            "001" => db.by_code(&code)?.into_iter().next(),
            id => db.by_id(id),
        };
    }
    regions.into_iter().filter_map(|id| db.by_id(id)).find(|meta| match meta.leading_digits() {
        Some(lead) => matches(lead.as_str(), national, false),
        None => type_in(meta, national) != NumberType::Unknown,
    })
}

/// The range of an E.164 number (`+` and 8 to 15 digits), or `None` when
/// libphonenumber calls it invalid (no range of any region holds it:
/// `+1 012 555 1234`, a number too long or too short for its range).
///
/// ```
/// use edgetext::{classify_number, NumberType};
/// let man = classify_number("+447624123456").unwrap();
/// assert_eq!((man.country, man.kind), (Some("IM"), NumberType::Mobile));
/// assert_eq!(classify_number("+19005551234").unwrap().kind, NumberType::PremiumRate);
/// assert_eq!(classify_number("+10125551234"), None);
/// ```
pub fn classify_number(e164: &str) -> Option<NumberRange> {
    let digits = e164.strip_prefix('+')?;
    if !(4..=17).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.starts_with('0') {
        return None;
    }
    // Calling codes are prefix-free: at most one of 1 to 3 leading digits is one.
    let (code, national) = (1..=3).find_map(|n| {
        let code: u16 = digits[..n].parse().ok()?;
        DATABASE.region(&code).map(|_| (code, &digits[n..]))
    })?;
    // The trunk prefix is read with the code's main region, as the parser does.
    let main = DATABASE.by_code(&code)?.into_iter().find(|m| m.is_main_country_for_code()).or_else(|| DATABASE.by_code(&code)?.into_iter().next())?;
    let national = strip_national_prefix(main, national);
    let meta = region_of(code, &national)?;
    let kind = type_in(meta, &national);
    if kind == NumberType::Unknown {
        return None;
    }
    Some(NumberRange { e164: format!("+{code}{national}"), country: static_iso(meta.id()), kind })
}
