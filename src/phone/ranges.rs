//! Number ranges (worker build only): the country and the type of the range
//! an E.164 number belongs to, from Google's libphonenumber metadata
//! (`src/phone/numbering_ranges.tsv`, written from it by
//! `scripts/numbering-ranges.py`; the version is its first line), not from
//! the calling code alone. build.rs compiles the patterns into programs of
//! `src/phone/pattern.rs`, so nothing is compiled when a number is read. The
//! rules are libphonenumber's own: whole-number pattern matches with the
//! possible lengths, the region of a shared calling code by leading digits
//! or by range, and a trunk prefix written after the country code read as
//! its parser does (`src/phone/national.rs`). `+44 7624 …` is the Isle of
//! Man (`IM`), not `GB`; `+7 7…` is Kazakhstan (`KZ`), not `RU`;
//! `+39 06 698…` is the Vatican.
//!
//! The OTP guard sends only to numbers whose range is valid and whose type
//! its `OTP_ALLOWED_NUMBER_TYPES` lists ([`NumberType`]); the differential
//! test `tests/phone/ranges.rs` compares every answer here with libphonenumber's
//! own on its example numbers.

use crate::phone::national;
use crate::phone::pattern;
use serde::{Deserialize, Serialize};

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
    /// The calling code (`44` for `+447400123456`, `881` for a satellite number).
    pub calling_code: u16,
    /// The range's type.
    pub kind: NumberType,
}

/// One type's range: its possible lengths (bit n: n digits; none: any the
/// region has) and pattern.
struct Desc {
    lengths: u32,
    pattern: &'static [u8],
}

/// One region's metadata, as a line of `numbering_ranges.tsv` gives it,
/// with its patterns compiled by build.rs.
struct Ranges {
    id: &'static str,
    code: u16,
    leading: Option<&'static [u8]>,
    /// general, premium_rate, toll_free, shared_cost, voip, personal_number,
    /// pager, uan, voicemail, fixed_line, mobile.
    descs: [Option<Desc>; 11],
}

include!(concat!(env!("OUT_DIR"), "/ranges.rs"));

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

/// libphonenumber's `isNumberMatchingDesc`: a length the range allows and the whole pattern.
fn fits(desc: &Option<Desc>, national: &str) -> bool {
    desc.as_ref().is_some_and(|d| {
        let len = national.len();
        (d.lengths == 0 || len < 32 && d.lengths >> len & 1 == 1) && pattern::whole(d.pattern, national.as_bytes())
    })
}

/// libphonenumber's `getNumberTypeHelper`: the first type whose range holds the number.
fn type_in(region: &Ranges, national: &str) -> NumberType {
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

/// The region holding `national` among those of `code` (libphonenumber's
/// `getRegionCodeForNumberFromRegionList`).
fn region_of(code: u16, national: &str) -> Option<&'static Ranges> {
    let mut of_code = RANGES.iter().filter(|r| r.code == code).peekable();
    let first = of_code.next()?;
    if of_code.peek().is_none() {
        return Some(first);
    }
    std::iter::once(first).chain(of_code).find(|r| match r.leading {
        Some(lead) => pattern::at_start(lead, national.as_bytes(), 0).is_some(),
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
        RANGES.iter().find(|r| r.code == code).map(|r| (r, &digits[n..]))
    })?;
    // The trunk prefix is read with the code's main region, as the parser does.
    let code = digits.len() - national.len();
    let digits = national::read_prefix(digits).unwrap_or_else(|| digits.to_owned());
    let national = &digits[code..];
    let region = region_of(main.code, national)?;
    let kind = type_in(region, national);
    if kind == NumberType::Unknown {
        return None;
    }
    let country = (region.id != "001").then_some(region.id);
    Some(NumberRange { e164: format!("+{}{national}", main.code), country, calling_code: main.code, kind })
}

/// Whether `code` is a non-geographic calling code: one whose numbers belong
/// to no country (`+800`, `+808`, `+870`, `+878`, `+881`, `+882`, `+883`,
/// `+888`, `+979`).
///
/// ```
/// use edgetext::phone::ranges::is_non_geographic;
/// assert!(is_non_geographic(881) && !is_non_geographic(44) && !is_non_geographic(999));
/// ```
pub fn is_non_geographic(code: u16) -> bool {
    RANGES.iter().any(|r| r.code == code && r.id == "001")
}
