//! segments() on any text. Checks: no panic, and the counts agree with each
//! other (units fit in count × per_segment, remaining is what is left).
#![no_main]
use edgetext::segments;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = core::str::from_utf8(data) else { return };
    let s = segments(text);
    if text.is_empty() {
        assert_eq!(s.count, 0);
        return;
    }
    assert!(s.count >= 1 && s.units >= 1);
    assert!(s.remaining <= s.per_segment);
    assert!(u64::from(s.units) <= u64::from(s.count) * u64::from(s.per_segment), "{s:?}");
});
