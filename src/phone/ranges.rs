//! Number ranges (worker build only): the country and the type of the range
//! an E.164 number belongs to, from Google's libphonenumber metadata
//! (`src/numbering_ranges.tsv`, written from it by
//! `scripts/numbering-ranges.py`; the version is its first line), not from
//! the calling code alone. The rules are libphonenumber's own: whole-number
//! pattern matches with the possible lengths, the region of a shared calling
//! code by leading digits or by range, and a trunk prefix written after the
//! country code stripped as its parser does. `+44 7624 …` is the Isle of Man (`IM`), not `GB`;
//! `+7 7…` is Kazakhstan (`KZ`), not `RU`; `+39 06 698…` is the Vatican.
//!
//! The OTP guard sends only to numbers whose range is valid and whose type
//! its `OTP_ALLOWED_NUMBER_TYPES` lists ([`NumberType`]); the differential
//! test `tests/numbering.rs` compares every answer here with libphonenumber's
//! own on its example numbers.

use regex_lite::Regex;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

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

/// One type's range: its possible lengths (empty: any the region has) and pattern.
struct Desc {
    lengths: Vec<u16>,
    pattern: &'static str,
}

/// One region's metadata, as a line of `numbering_ranges.tsv` gives it.
struct Region {
    id: &'static str,
    code: u16,
    leading_digits: Option<&'static str>,
    prefix_for_parsing: Option<&'static str>,
    transform: Option<&'static str>,
    /// general, premium_rate, toll_free, shared_cost, voip, personal_number,
    /// pager, uan, voicemail, fixed_line, mobile.
    descs: [Option<Desc>; 11],
}

const GENERAL: usize = 0;
const FIXED_LINE: usize = 9;
const MOBILE: usize = 10;
/// The types after the general one, in libphonenumber's order of testing.
const TESTED: [(usize, NumberType); 8] = [
    (1, NumberType::PremiumRate),
    (2, NumberType::TollFree),
    (3, NumberType::SharedCost),
    (4, NumberType::Voip),
    (5, NumberType::PersonalNumber),
    (6, NumberType::Pager),
    (7, NumberType::Uan),
    (8, NumberType::Voicemail),
];

/// The regions, in each calling code's order (main region first), read once.
fn regions() -> &'static [Region] {
    static REGIONS: OnceLock<Vec<Region>> = OnceLock::new();
    REGIONS.get_or_init(|| {
        let text: &'static str = include_str!("numbering_ranges.tsv");
        let some = |c: &'static str| Some(c).filter(|c| !c.is_empty());
        let desc = |cell: &'static str| -> Option<Desc> {
            let (lengths, pattern) = cell.split_once('/')?;
            Some(Desc { lengths: lengths.split(',').filter_map(|n| n.parse().ok()).collect(), pattern })
        };
        text.lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|line| {
                let c: Vec<&'static str> = line.split('\t').collect();
                let descs: Vec<Option<Desc>> = c.get(5..16)?.iter().map(|cell| desc(cell)).collect();
                Some(Region {
                    id: c[0],
                    code: c[1].parse().ok()?,
                    leading_digits: some(c[2]),
                    prefix_for_parsing: some(c[3]),
                    transform: some(c[4]),
                    descs: descs.try_into().ok()?,
                })
            })
            .collect()
    })
}

/// Compiled patterns, anchored as libphonenumber uses them, by pattern text.
static PATTERNS: Mutex<Option<HashMap<String, Regex>>> = Mutex::new(None);

/// Whether `pattern` matches all of `text` (`whole`) or a start of it.
fn matches(pattern: &str, text: &str, whole: bool) -> bool {
    let key = if whole { format!("^(?:{pattern})$") } else { format!("^(?:{pattern})") };
    // Google's patterns all compile; one that did not would match nothing.
    compiled(key).is_some_and(|re| re.is_match(text))
}

/// libphonenumber's `isNumberMatchingDesc`: a length the range allows and the whole pattern.
fn fits(desc: &Option<Desc>, national: &str) -> bool {
    desc.as_ref().is_some_and(|d| {
        (d.lengths.is_empty() || d.lengths.contains(&(national.len() as u16))) && matches(d.pattern, national, true)
    })
}

/// libphonenumber's `getNumberTypeHelper`: the first type whose range holds the number.
fn type_in(region: &Region, national: &str) -> NumberType {
    let d = &region.descs;
    if !fits(&d[GENERAL], national) {
        return NumberType::Unknown;
    }
    if let Some((_, kind)) = TESTED.iter().find(|(i, _)| fits(&d[*i], national)) {
        return *kind;
    }
    let same = match (&d[FIXED_LINE], &d[MOBILE]) {
        (Some(f), Some(m)) => f.pattern == m.pattern,
        _ => false,
    };
    let mobile = fits(&d[MOBILE], national);
    if fits(&d[FIXED_LINE], national) {
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
/// was valid with it and is not without, or what is left is too short.
fn strip_national_prefix(region: &Region, national: &str) -> String {
    let keep = || national.to_owned();
    let Some(prefix) = region.prefix_for_parsing else { return keep() };
    let Some(re) = compiled(format!("^(?:{prefix})")) else { return keep() };
    let Some(caps) = re.captures(national) else { return keep() };
    let Some(general) = region.descs[GENERAL].as_ref() else { return keep() };
    let viable = matches(general.pattern, national, true);
    let last_group = caps.len() > 1 && caps.get(caps.len() - 1).is_some();
    let stripped = match region.transform {
        Some(rule) if last_group => re.replace(national, rule).into_owned(),
        _ => national[caps.get(0).map_or(0, |m| m.end())..].to_owned(),
    };
    if viable && !matches(general.pattern, &stripped, true) {
        return keep();
    }
    match general.lengths.first() {
        Some(&min) if (stripped.len() as u16) < min => keep(),
        _ => stripped,
    }
}

/// The region holding `national` among those of `code` (libphonenumber's
/// `getRegionCodeForNumberFromRegionList`).
fn region_of(code: u16, national: &str) -> Option<&'static Region> {
    let of_code: Vec<&'static Region> = regions().iter().filter(|r| r.code == code).collect();
    if of_code.len() == 1 {
        return Some(of_code[0]);
    }
    of_code.into_iter().find(|r| match r.leading_digits {
        Some(lead) => matches(lead, national, false),
        None => type_in(r, national) != NumberType::Unknown,
    })
}

/// The range of an E.164 number (`+` and 8 to 15 digits), or `None` when
/// libphonenumber calls it invalid (no range of any region holds it:
/// `+1 012 555 1234`, a number too long or too short for its range).
///
/// ```
/// use edgetext::phone::ranges::{classify_number, NumberType};
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
    let (main, national) = (1..=3).find_map(|n| {
        let code: u16 = digits[..n].parse().ok()?;
        regions().iter().find(|r| r.code == code).map(|r| (r, &digits[n..]))
    })?;
    // The trunk prefix is read with the code's main region, as the parser does.
    let national = strip_national_prefix(main, national);
    let region = region_of(main.code, &national)?;
    let kind = type_in(region, &national);
    if kind == NumberType::Unknown {
        return None;
    }
    Some(NumberRange { e164: format!("+{}{national}", main.code), country: static_iso(region.id), kind })
}
