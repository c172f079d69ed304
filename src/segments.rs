//! SMS segment counting: GSM-7 (160 per message, 153 per part) and UCS-2
//! (70 per message, 67 per part), never splitting an escape pair or a
//! surrogate pair across parts.

/// The encoding a text is sent in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum Encoding {
    /// The GSM 03.38 default alphabet, 7 bits per character.
    #[serde(rename = "GSM-7")]
    Gsm7,
    /// UCS-2 (UTF-16 code units), 16 bits per unit.
    #[serde(rename = "UCS-2")]
    Ucs2,
}

impl Encoding {
    /// `"GSM-7"` or `"UCS-2"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Gsm7 => "GSM-7",
            Encoding::Ucs2 => "UCS-2",
        }
    }
}

/// How a text splits into SMS segments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(missing_as_null))]
pub struct SegmentInfo {
    /// The encoding.
    pub encoding: Encoding,
    /// Number of segments (0 for an empty text).
    pub count: u32,
    /// Total units: septets for GSM-7 (extension characters count 2), UTF-16 units for UCS-2.
    pub units: u32,
    /// Units per segment: 160/70 for a single segment, 153/67 when split.
    pub per_segment: u32,
    /// Units still free in the last segment (what a live counter shows).
    pub remaining: u32,
}

/// The GSM 03.38 basic character set, in table order.
const GSM_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// The extension table: each is sent as ESC + character (2 septets).
const GSM_EXTENDED: &str = "\u{c}^{}\\[~]|€";

/// Units `c` takes: septets in GSM-7 (`None` when it has no GSM-7 form),
/// UTF-16 code units in UCS-2.
fn units_of(c: char, encoding: Encoding) -> Option<u32> {
    match encoding {
        Encoding::Ucs2 => Some(c.len_utf16() as u32),
        // The common case, without scanning the table.
        _ if c.is_ascii_alphanumeric() || c == ' ' => Some(1),
        _ if crate::core::text::has_char(GSM_BASIC, c) => Some(1),
        _ if crate::core::text::has_char(GSM_EXTENDED, c) => Some(2),
        _ => None,
    }
}

/// Counts the segments of `text`.
///
/// ```
/// let s = edgetext::segments("hello");
/// assert_eq!((s.encoding.as_str(), s.count, s.units, s.remaining), ("GSM-7", 1, 5, 155));
/// let s = edgetext::segments("👋 hi");
/// assert_eq!((s.encoding.as_str(), s.count, s.units), ("UCS-2", 1, 5));
/// ```
pub fn segments(text: &str) -> SegmentInfo {
    let (encoding, single, multi) = if text.chars().all(|c| units_of(c, Encoding::Gsm7).is_some()) {
        (Encoding::Gsm7, 160, 153)
    } else {
        (Encoding::Ucs2, 70, 67)
    };
    let size = |c| units_of(c, encoding).unwrap_or(1);
    let units: u32 = text.chars().map(size).sum();
    if units <= single {
        let count = u32::from(units > 0);
        return SegmentInfo {
            encoding,
            count,
            units,
            per_segment: single,
            remaining: single - units,
        };
    }
    // Pack characters whole: a pair that does not fit moves to the next part.
    let (mut count, mut used) = (1, 0);
    for size in text.chars().map(size) {
        if used + size > multi {
            count += 1;
            used = 0;
        }
        used += size;
    }
    SegmentInfo {
        encoding,
        count,
        units,
        per_segment: multi,
        remaining: multi - used,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_fast_path_agrees_with_the_table() {
        for c in (0u8..128).map(char::from).filter(|c| c.is_ascii_alphanumeric() || *c == ' ') {
            assert!(GSM_BASIC.contains(c), "{c:?} is not in the GSM basic table");
        }
    }
}
