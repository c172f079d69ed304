//! Searches of one text in another, byte by byte. std's `&str` patterns
//! (`contains`, `split_once`, `replace` with a text) run the Two-Way
//! searcher, about 3.5 KB of the core wasm; the texts searched here are
//! short (error messages, a URL, a provider's explanation), so a plain
//! scan does, with the same results.

/// Where `needle` first occurs in `hay`; at 0 for an empty one.
pub(crate) fn find(hay: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.as_bytes().windows(needle.len()).position(|w| w == needle.as_bytes())
}

/// Where `needle` last occurs in `hay`; at the end for an empty one.
pub(crate) fn rfind(hay: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return Some(hay.len());
    }
    hay.as_bytes().windows(needle.len()).rposition(|w| w == needle.as_bytes())
}

/// Whether `needle` occurs in `hay`.
pub(crate) fn contains(hay: &str, needle: &str) -> bool {
    find(hay, needle).is_some()
}

/// Whether `c` occurs in `hay`: an ASCII character by its byte (which no
/// other character's UTF-8 holds), any other by its UTF-8.
pub(crate) fn has_char(hay: &str, c: char) -> bool {
    match u8::try_from(c) {
        Ok(b) if b.is_ascii() => hay.as_bytes().contains(&b),
        _ => contains(hay, c.encode_utf8(&mut [0; 4])),
    }
}

/// `hay` around the first `needle`, as `str::split_once`. A match of
/// whole UTF-8 text starts and ends on character boundaries.
pub(crate) fn split_once<'a>(hay: &'a str, needle: &str) -> Option<(&'a str, &'a str)> {
    let at = find(hay, needle)?;
    Some((hay.get(..at)?, hay.get(at + needle.len()..)?))
}

/// `hay` with its first `limit` occurrences of a non-empty `from` replaced
/// by `to`, as `str::replacen` (`usize::MAX`: every one, as `str::replace`).
pub(crate) fn replacen(hay: &str, from: &str, to: &str, limit: usize) -> String {
    let mut out = String::with_capacity(hay.len());
    let mut rest = hay;
    let mut left = limit;
    while left > 0 {
        let Some((before, after)) = split_once(rest, from) else { break };
        out.push_str(before);
        out.push_str(to);
        rest = after;
        left -= 1;
    }
    out.push_str(rest);
    out
}

/// Writes `s` quoted as `{:?}` writes a text (`"` and `\` escaped, control
/// and unprintable characters as escapes), from `char::escape_debug`, which
/// differs only in also escaping `'`: no formatter of `str` is linked.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))] // the wasm's field.rs alone; tested here
pub(crate) fn write_quoted(out: &mut impl core::fmt::Write, s: &str) -> core::fmt::Result {
    out.write_char('"')?;
    for c in s.chars() {
        if c == '\'' {
            out.write_char(c)?;
        } else {
            write!(out, "{}", c.escape_debug())?;
        }
    }
    out.write_char('"')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_as_debug() {
        for s in ["it's", "a\"b\\c", "tab\there\nnew\r\0", "\u{7f}\u{1b}", "\u{301}accent first", "e\u{301}", "zero\u{200b}width", "\u{feff}bom", "😀 €", "\u{10ffff}"] {
            let mut quoted = String::new();
            write_quoted(&mut quoted, s).unwrap();
            assert_eq!(quoted, format!("{s:?}"));
        }
    }

    #[test]
    fn as_std_does() {
        let texts = ["", "a", "expected u8", "config: missing field `x` at line 1", "ab: cd: ef", "€: é: €", "keykeyke"];
        let needles = [": ", "key", "€", "expected struct", " at line ", "é", "x"];
        for hay in texts {
            for needle in needles {
                assert_eq!(find(hay, needle), hay.find(needle), "{hay:?} {needle:?}");
                assert_eq!(rfind(hay, needle), hay.rfind(needle), "{hay:?} {needle:?}");
                assert_eq!(split_once(hay, needle), hay.split_once(needle), "{hay:?} {needle:?}");
                assert_eq!(replacen(hay, needle, "[r]", 1), hay.replacen(needle, "[r]", 1), "{hay:?} {needle:?}");
                assert_eq!(replacen(hay, needle, "[r]", usize::MAX), hay.replace(needle, "[r]"), "{hay:?} {needle:?}");
            }
            for c in ['a', ':', '€', 'é', '@'] {
                assert_eq!(has_char(hay, c), hay.contains(c), "{hay:?} {c:?}");
            }
            assert_eq!(find(hay, ""), hay.find(""));
            let mut quoted = String::new();
            write_quoted(&mut quoted, hay).unwrap();
            assert_eq!(quoted, format!("{hay:?}"));
            assert_eq!(rfind(hay, ""), hay.rfind(""));
        }
    }
}
