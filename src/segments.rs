//! SMS segment counting: GSM-7 (160 per message, 153 per part) and UCS-2
//! (70 per message, 67 per part), never splitting an escape pair or a
//! surrogate pair across parts.

/// The encoding a text is sent in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// The GSM 03.38 default alphabet, 7 bits per character.
    Gsm7,
    /// UCS-2 (UTF-16 code units), 16 bits per unit.
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// Septets a character takes in GSM-7, or `None` when it has no GSM-7 form.
fn gsm_units(c: char) -> Option<u32> {
    if GSM_BASIC.contains(c) {
        Some(1)
    } else if GSM_EXTENDED.contains(c) {
        Some(2)
    } else {
        None
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
    let gsm: Option<Vec<u32>> = text.chars().map(gsm_units).collect();
    let (encoding, sizes, single, multi) = match gsm {
        Some(sizes) => (Encoding::Gsm7, sizes, 160, 153),
        None => (Encoding::Ucs2, text.chars().map(|c| c.len_utf16() as u32).collect(), 70, 67),
    };
    let units: u32 = sizes.iter().sum();
    if units <= single {
        let count = u32::from(units > 0);
        return SegmentInfo { encoding, count, units, per_segment: single, remaining: single - units };
    }
    // Pack characters whole: a pair that does not fit moves to the next part.
    let (mut count, mut used) = (1u32, 0u32);
    for size in sizes {
        if used + size > multi {
            count += 1;
            used = 0;
        }
        used += size;
    }
    SegmentInfo { encoding, count, units, per_segment: multi, remaining: multi - used }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(t: &str) -> (Encoding, u32, u32, u32, u32) {
        let s = segments(t);
        (s.encoding, s.count, s.units, s.per_segment, s.remaining)
    }

    #[test]
    fn gsm7_boundaries() {
        assert_eq!(seg(""), (Encoding::Gsm7, 0, 0, 160, 160));
        assert_eq!(seg(&"a".repeat(160)), (Encoding::Gsm7, 1, 160, 160, 0));
        assert_eq!(seg(&"a".repeat(161)), (Encoding::Gsm7, 2, 161, 153, 145));
        assert_eq!(seg(&"a".repeat(306)), (Encoding::Gsm7, 2, 306, 153, 0));
        assert_eq!(seg(&"a".repeat(307)), (Encoding::Gsm7, 3, 307, 153, 152));
    }

    #[test]
    fn extension_characters_count_two_and_never_split() {
        assert_eq!(seg("€"), (Encoding::Gsm7, 1, 2, 160, 158));
        assert_eq!(seg(&"{".repeat(80)), (Encoding::Gsm7, 1, 160, 160, 0));
        // 152 plain + "€" (2) + 7 = 161 units: the pair does not fit in the
        // one septet left of part 1, so it opens part 2.
        let t = format!("{}€{}", "a".repeat(152), "b".repeat(7));
        assert_eq!(seg(&t), (Encoding::Gsm7, 2, 161, 153, 144));
        // 153 + 153 exactly with an escape straddling: needs a third part.
        let t = format!("{}€{}", "a".repeat(152), "b".repeat(152));
        assert_eq!(seg(&t), (Encoding::Gsm7, 3, 306, 153, 152));
    }

    #[test]
    fn ucs2_boundaries_and_surrogates() {
        assert_eq!(seg(&"ж".repeat(70)), (Encoding::Ucs2, 1, 70, 70, 0));
        assert_eq!(seg(&"ж".repeat(71)), (Encoding::Ucs2, 2, 71, 67, 63));
        assert_eq!(seg(&"ж".repeat(134)), (Encoding::Ucs2, 2, 134, 67, 0));
        // 66 units + an emoji (2 units) cannot share part 1's last unit.
        let t = format!("{}😀{}", "ж".repeat(66), "ж".repeat(3));
        assert_eq!(seg(&t), (Encoding::Ucs2, 2, 71, 67, 62));
        assert_eq!(seg("😀"), (Encoding::Ucs2, 1, 2, 70, 68));
    }

    #[test]
    fn alphabet_edges() {
        assert_eq!(segments("Ça va? ¡Sì! Δ@£$¥ §¿ äöñüà ÄÖÑÜ ÆæßÉ ØøÅå").encoding, Encoding::Gsm7);
        assert_eq!(segments("ç").encoding, Encoding::Ucs2, "lower-case ç is not GSM-7");
        assert_eq!(segments("`").encoding, Encoding::Ucs2);
        assert_eq!(segments("hello 你好").encoding, Encoding::Ucs2);
        assert_eq!(seg("[]"), (Encoding::Gsm7, 1, 4, 160, 156));
        assert_eq!(seg("a\u{c}b").2, 4, "form feed is an extension character");
    }
}
