//! The matcher of libphonenumber's number patterns, compiled by build.rs
//! into programs (so nothing is compiled when a number is read). A program
//! is a sequence of instructions over the digits of a number, run from its
//! first byte; running past its last byte is a match:
//!
//! - `0`–`9`: that digit; `ANY`: any digit; `CLASS + hi` then `lo`: a digit
//!   of the 10-bit mask (`hi` its top two bits, `lo` the others);
//! - `ALT n`, then the alternatives, each its length and its instructions,
//!   `n` bytes in all: each alternative in turn, followed by what follows
//!   the last one;
//! - `SPLIT n`: go on with the next instruction, and if that fails `n` bytes
//!   further (an optional part, preferred; repetitions are nested ones);
//! - `SAVE n`: note the position in slot `n` (group `n / 2 + 1`, start or end);
//! - `END`: the end of the number.
//!
//! An `n` or a length is one byte under 128, else two (15 bits, high byte
//! first). Matching backtracks in the order Java's and Python's engines do,
//! so the first match (leftmost-first) and its groups are theirs.

// The opcodes (build.rs writes them too); 0 to 9 are the digits.
pub(crate) const ANY: u8 = 10;
pub(crate) const SPLIT: u8 = 12;
pub(crate) const ALT: u8 = 13;
pub(crate) const SAVE: u8 = 14;
pub(crate) const END: u8 = 15;
// 16 to 19.
pub(crate) const CLASS: u8 = 16;

/// The end of the alternative being run and where the program goes on
/// after it, then the same for the alternations around it.
struct After<'a> {
    end: usize,
    then: usize,
    outer: Option<&'a After<'a>>,
}

/// The number at `p[i]` (one byte, or two when the first is 128 or more),
/// and where what follows it starts.
pub(crate) fn number(p: &[u8], i: usize) -> (usize, usize) {
    let byte = |i: usize| usize::from(p.get(i).copied().unwrap_or_default());
    match byte(i) {
        high @ 0x80.. => ((high & 0x7f) << 8 | byte(i + 1), i + 2),
        short => (short, i + 1),
    }
}

/// Runs `p` from `pc` on `text` from `at`: where the first match ends.
/// `after` says where the alternatives being run go on; `slots` are the
/// groups' starts and ends.
fn run(p: &[u8], mut pc: usize, mut after: Option<&After>, text: &[u8], mut at: usize, slots: &mut [usize; 4]) -> Option<usize> {
    loop {
        if let Some(a) = after.filter(|a| a.end == pc) {
            (pc, after) = (a.then, a.outer);
            continue;
        }
        let Some(&op) = p.get(pc) else {
            return Some(at);
        };
        let (n, next) = number(p, pc + 1);
        match op {
            ALT => {
                let (then, mut from) = (next + n, next);
                while from < then {
                    let (len, start) = number(p, from);
                    from = start + len;
                    if let Some(end) = run(p, start, Some(&After { end: from, then, outer: after }), text, at, slots) {
                        return Some(end);
                    }
                }
                return None;
            }
            SPLIT => {
                if let Some(end) = run(p, next, after, text, at, slots) {
                    return Some(end);
                }
                pc = next + n;
            }
            SAVE => {
                let slot = slots.get_mut(n & 3)?;
                let before = std::mem::replace(slot, at);
                let end = run(p, next, after, text, at, slots);
                if end.is_none() {
                    slots[n & 3] = before;
                }
                return end;
            }
            END if at == text.len() => pc += 1,
            END => return None,
            _ => {
                let mask = match op {
                    CLASS.. => usize::from(op & 3) << 8 | usize::from(p.get(pc + 1).copied()?),
                    ANY => 0x3ff,
                    digit => 1 << digit,
                };
                let digit = text.get(at)?.wrapping_sub(b'0');
                if digit > 9 || mask >> digit & 1 == 0 {
                    return None;
                }
                at += 1;
                pc += if op >= CLASS { 2 } else { 1 };
            }
        }
    }
}

/// Whether `program`, which ends with `END`, matches `digits`.
pub(crate) fn whole(program: &[u8], digits: &[u8]) -> bool {
    at_start(program, digits, 0).is_some()
}

/// The first match of `program` at the start of `digits` (Java's `lookingAt`):
/// where it ends, and the span of group `group` (from 1) if it took part.
pub(crate) fn at_start(program: &[u8], digits: &[u8], group: usize) -> Option<(usize, Option<(usize, usize)>)> {
    let mut slots = [usize::MAX; 4];
    let end = run(program, 0, None, digits, 0, &mut slots)?;
    let span = match group.checked_sub(1).and_then(|g| slots.get(2 * g..)) {
        Some(&[from, to, ..]) if to != usize::MAX => Some((from, to)),
        _ => None,
    };
    Some((end, span))
}
