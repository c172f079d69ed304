//! The matcher of libphonenumber's number patterns, compiled by build.rs
//! into programs (so nothing is compiled when a number is read). A program
//! is a sequence of instructions over the digits of a number, run from its
//! first byte; running past its last byte is a match:
//!
//! - `0`–`9`: that digit; `ANY`: any digit; `CLASS lo hi`: a digit of the
//!   16-bit mask;
//! - `SPLIT n`: go on with the next instruction, and if that fails `n` bytes
//!   further (alternatives and repetitions, the preferred one first);
//! - `JUMP n`: go on `n` bytes further;
//! - `SAVE n`: note the position in slot `n` (group `n / 2 + 1`, start or end);
//! - `END`: the end of the number.
//!
//! An `n` is one byte under 128, else two (15 bits, high byte first); jumps
//! only go forward (the patterns repeat nothing without a bound). Matching
//! backtracks in the order Java's and Python's engines do, so the first
//! match (leftmost-first) and its groups are theirs.

// The opcodes (build.rs writes them too); 0 to 9 are the digits.
pub(crate) const ANY: u8 = 10;
pub(crate) const CLASS: u8 = 11;
pub(crate) const SPLIT: u8 = 12;
pub(crate) const JUMP: u8 = 13;
pub(crate) const SAVE: u8 = 14;
pub(crate) const END: u8 = 15;

/// Runs `p` from `pc` on `text` from `at`: where the first match ends.
/// `slots` are the groups' starts and ends.
fn run(p: &[u8], mut pc: usize, text: &[u8], mut at: usize, slots: &mut [usize; 4]) -> Option<usize> {
    loop {
        let Some(&op) = p.get(pc) else {
            return Some(at);
        };
        let arg = |i: usize| usize::from(p.get(pc + i).copied().unwrap_or_default());
        // The skip of a SPLIT or JUMP, and where the next instruction starts.
        let (skip, next) = match arg(1) {
            high @ 0x80.. => ((high & 0x7f) << 8 | arg(2), pc + 3),
            short => (short, pc + 2),
        };
        match op {
            SPLIT => {
                if let Some(end) = run(p, next, text, at, slots) {
                    return Some(end);
                }
                pc = next + skip;
            }
            JUMP => pc = next + skip,
            SAVE => {
                let slot = slots.get_mut(arg(1))?;
                let before = std::mem::replace(slot, at);
                let end = run(p, pc + 2, text, at, slots);
                if end.is_none() {
                    slots[arg(1) & 3] = before;
                }
                return end;
            }
            END if at == text.len() => pc += 1,
            END => return None,
            _ => {
                let mask = match op {
                    CLASS => arg(2) << 8 | arg(1),
                    ANY => 0x3ff,
                    digit => 1 << digit,
                };
                let digit = text.get(at)?.wrapping_sub(b'0');
                if digit > 9 || mask >> digit & 1 == 0 {
                    return None;
                }
                at += 1;
                pc += if op == CLASS { 3 } else { 1 };
            }
        }
    }
}

/// Whether `program`, which ends with `END`, matches `digits`.
pub(crate) fn whole(program: &[u8], digits: &[u8]) -> bool {
    run(program, 0, digits, 0, &mut [usize::MAX; 4]).is_some()
}

/// The first match of `program` at the start of `digits` (Java's `lookingAt`):
/// where it ends, and the span of group `group` (from 1) if it took part.
pub(crate) fn at_start(program: &[u8], digits: &[u8], group: usize) -> Option<(usize, Option<(usize, usize)>)> {
    let mut slots = [usize::MAX; 4];
    let end = run(program, 0, digits, 0, &mut slots)?;
    let span = match group.checked_sub(1).and_then(|g| slots.get(2 * g..)) {
        Some(&[from, to, ..]) if to != usize::MAX => Some((from, to)),
        _ => None,
    };
    Some((end, span))
}
