//! SMS segment counting: GSM-7 and UCS-2 limits, escape and surrogate pairs
//! that must not straddle two parts, and the exact GSM 03.38 alphabet.
// Native suites: the wasm layer has its own, in src/wasm/tests.rs.
#![cfg(not(target_arch = "wasm32"))]

use edgetext::{segments, Encoding};

/// (encoding, count, units, per_segment, remaining)
fn seg(t: &str) -> (Encoding, u32, u32, u32, u32) {
    let s = segments(t);
    (s.encoding, s.count, s.units, s.per_segment, s.remaining)
}

#[test]
fn empty_text_is_zero_segments() {
    assert_eq!(seg(""), (Encoding::Gsm7, 0, 0, 160, 160));
}

#[test]
fn encoding_names() {
    assert_eq!(Encoding::Gsm7.as_str(), "GSM-7");
    assert_eq!(Encoding::Ucs2.as_str(), "UCS-2");
}

#[test]
fn gsm7_single_segment_boundary() {
    assert_eq!(seg("a"), (Encoding::Gsm7, 1, 1, 160, 159));
    assert_eq!(seg(&"a".repeat(160)), (Encoding::Gsm7, 1, 160, 160, 0));
    assert_eq!(seg(&"a".repeat(161)), (Encoding::Gsm7, 2, 161, 153, 145));
}

#[test]
fn gsm7_multipart_boundary() {
    assert_eq!(seg(&"a".repeat(306)), (Encoding::Gsm7, 2, 306, 153, 0));
    assert_eq!(seg(&"a".repeat(307)), (Encoding::Gsm7, 3, 307, 153, 152));
    assert_eq!(seg(&"a".repeat(459)), (Encoding::Gsm7, 3, 459, 153, 0));
}

#[test]
fn euro_sign_is_an_escape_pair() {
    assert_eq!(seg("€"), (Encoding::Gsm7, 1, 2, 160, 158));
    assert_eq!(seg("10 €"), (Encoding::Gsm7, 1, 5, 160, 155));
    assert_eq!(seg(&"€".repeat(80)), (Encoding::Gsm7, 1, 160, 160, 0));
    // 76 pairs fill 152 septets of part 1; the 77th cannot use the last one.
    assert_eq!(seg(&"€".repeat(81)), (Encoding::Gsm7, 2, 162, 153, 143));
}

#[test]
fn every_extension_character_counts_two() {
    for c in ['^', '{', '}', '\\', '[', '~', ']', '|', '€', '\u{c}'] {
        assert_eq!(
            seg(&c.to_string()),
            (Encoding::Gsm7, 1, 2, 160, 158),
            "{c:?}"
        );
    }
}

#[test]
fn escape_pair_never_straddles_the_153_boundary() {
    // 152 plain + "€": the pair cannot use the one septet left in part 1.
    let t = format!("{}€{}", "a".repeat(152), "b".repeat(7));
    assert_eq!(seg(&t), (Encoding::Gsm7, 2, 161, 153, 144));
    // 306 units would fit two full parts, but the straddling pair needs a third.
    let t = format!("{}€{}", "a".repeat(152), "b".repeat(152));
    assert_eq!(seg(&t), (Encoding::Gsm7, 3, 306, 153, 152));
    // A pair that ends exactly on the boundary fits.
    let t = format!("{}€{}", "a".repeat(151), "b".repeat(10));
    assert_eq!(seg(&t), (Encoding::Gsm7, 2, 163, 153, 143));
}

#[test]
fn ucs2_single_segment_boundary() {
    assert_eq!(seg(&"ж".repeat(70)), (Encoding::Ucs2, 1, 70, 70, 0));
    assert_eq!(seg(&"ж".repeat(71)), (Encoding::Ucs2, 2, 71, 67, 63));
}

#[test]
fn ucs2_multipart_boundary() {
    assert_eq!(seg(&"ж".repeat(134)), (Encoding::Ucs2, 2, 134, 67, 0));
    assert_eq!(seg(&"ж".repeat(135)), (Encoding::Ucs2, 3, 135, 67, 66));
}

#[test]
fn emoji_is_two_units() {
    assert_eq!(seg("😀"), (Encoding::Ucs2, 1, 2, 70, 68));
    assert_eq!(seg(&"😀".repeat(35)), (Encoding::Ucs2, 1, 70, 70, 0));
    // 33 emoji fill 66 units of part 1; the 34th cannot use the last one.
    assert_eq!(seg(&"😀".repeat(36)), (Encoding::Ucs2, 2, 72, 67, 61));
}

#[test]
fn surrogate_pair_never_straddles_the_67_boundary() {
    let t = format!("{}😀{}", "ж".repeat(66), "ж".repeat(3));
    assert_eq!(seg(&t), (Encoding::Ucs2, 2, 71, 67, 62));
    // Emoji ending exactly on the boundary.
    let t = format!("{}😀{}", "ж".repeat(65), "ж".repeat(4));
    assert_eq!(seg(&t), (Encoding::Ucs2, 2, 71, 67, 63));
}

#[test]
fn one_non_gsm_character_switches_the_whole_text_to_ucs2() {
    assert_eq!(seg(&"a".repeat(100)).0, Encoding::Gsm7);
    let t = format!("{}😀", "a".repeat(100));
    assert_eq!(seg(&t), (Encoding::Ucs2, 2, 102, 67, 32));
    assert_eq!(seg("hello 你好"), (Encoding::Ucs2, 1, 8, 70, 62));
    // Extension characters are one UTF-16 unit in UCS-2, not two.
    assert_eq!(seg("€ ж"), (Encoding::Ucs2, 1, 3, 70, 67));
}

#[test]
fn whole_gsm_basic_table_is_one_septet_each() {
    let basic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡\
                 ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    assert_eq!(basic.chars().count(), 127);
    assert_eq!(seg(basic), (Encoding::Gsm7, 1, 127, 160, 33));
}

#[test]
fn near_misses_are_not_gsm7() {
    for t in [
        "ç", "`", "á", "í", "ó", "ú", "À", "ê", "’", "“", "\t", "\u{a0}", "\u{1b}",
    ] {
        assert_eq!(seg(t).0, Encoding::Ucs2, "{t:?}");
    }
}
