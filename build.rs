//! Turns libphonenumber's metadata (`src/phone/numbering_ranges.tsv`, written by
//! `scripts/numbering-ranges.py`) into matchers at build time, so that no
//! pattern is compiled when a number is read: each pattern, parsed here by
//! `regex-syntax`, becomes a small program for the backtracking matcher of
//! `src/phone/pattern.rs` (the instructions are described there).
//!
//! Two files go to `OUT_DIR`:
//! - `national.rs` (every build, so kept small): per calling code, the rule
//!   of its main region that reads a national prefix (libphonenumber's
//!   national prefix for parsing, transform rule and possible lengths). What
//!   only a valid number needs is kept: `regex-automata`'s DFAs of the
//!   patterns decide here where a valid number can start with what a rule
//!   reads (Russia's 8 800 …) and what of the whole-number pattern the rule
//!   then needs; where none can, a trunk 0 is a bit in a table.
//! - `ranges.rs` (read by the worker build): every region's type patterns and
//!   lengths, and the leading digits that pick a region of a shared code.

use regex_automata::dfa::{dense, Automaton, StartKind};
use regex_automata::util::{primitives::StateID, syntax};
use regex_automata::{nfa::thompson, Anchored, Input, MatchKind};
use regex_syntax::hir::{Class, Hir, HirKind, Look};
use std::collections::{BTreeMap, HashSet};
use std::fmt::Write;

const TSV: &str = "src/phone/numbering_ranges.tsv";

// The matcher, for its opcodes.
#[allow(dead_code)]
#[path = "src/phone/pattern.rs"]
mod pattern;
use pattern::{ALT, ANY, CLASS, END, SAVE, SPLIT};

/// One line of the TSV.
struct Row<'a> {
    id: &'a str,
    code: u16,
    leading: &'a str,
    prefix: &'a str,
    transform: &'a str,
    /// `(lengths, pattern)` per type, in the TSV's order.
    descs: Vec<Option<(u32, &'a str)>>,
    local_only: u32,
}

/// Lengths `7,9,10` as bits.
fn lengths(list: &str) -> u32 {
    list.split(',').filter(|n| !n.is_empty()).fold(0, |bits, n| {
        let n: u32 = n.parse().expect("a length");
        assert!(n < 32, "length {n}");
        bits | 1 << n
    })
}

fn rows(text: &str) -> Vec<Row<'_>> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .map(|line| {
            let c: Vec<&str> = line.split('\t').collect();
            assert_eq!(c.len(), 17, "{line}");
            let descs = c[5..16].iter().map(|cell| cell.split_once('/').map(|(l, p)| (lengths(l), p))).collect();
            Row {
                id: c[0],
                code: c[1].parse().expect("a calling code"),
                leading: c[2],
                prefix: c[3],
                transform: c[4],
                descs,
                local_only: lengths(c[16]),
            }
        })
        .collect()
}

fn parse(pattern: &str) -> Hir {
    regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
        .unwrap_or_else(|e| panic!("{pattern}: {e}"))
}

/// A number of the programs: one byte under 128, else two (15 bits, high
/// first).
fn number(n: usize) -> Vec<u8> {
    match n {
        0..0x80 => vec![n as u8],
        0x80..0x8000 => vec![0x80 | (n >> 8) as u8, n as u8],
        _ => panic!("a program part of {n} bytes"),
    }
}

/// `body`, or else what follows it: `SPLIT` over it (the body preferred).
fn optional(body: Vec<u8>) -> Vec<u8> {
    [vec![SPLIT], number(body.len()), body].concat()
}

/// The program of `hir`, with its capture groups when `groups`. Jumps are
/// relative, so a program is the concatenation of its parts'. Numbers are
/// digits only, so a class is reduced to its digits.
fn compile(hir: &Hir, groups: bool) -> Vec<u8> {
    match hir.kind() {
        HirKind::Empty => vec![],
        HirKind::Literal(lit) => lit
            .0
            .iter()
            .map(|b| {
                assert!(b.is_ascii_digit(), "literal {b}");
                b - b'0'
            })
            .collect(),
        HirKind::Class(class) => {
            let mut mask = 0u16;
            let mut add = |lo: u32, hi: u32| {
                for d in lo.max(u32::from(b'0'))..=hi.min(u32::from(b'9')) {
                    mask |= 1 << (d - u32::from(b'0'));
                }
            };
            match class {
                Class::Bytes(c) => c.iter().for_each(|r| add(r.start().into(), r.end().into())),
                Class::Unicode(c) => c.iter().for_each(|r| add(r.start().into(), r.end().into())),
            }
            match mask {
                0x3ff => vec![ANY],
                m if m.count_ones() == 1 => vec![m.trailing_zeros() as u8],
                m => vec![CLASS | (m >> 8) as u8, m as u8],
            }
        }
        HirKind::Look(Look::End) => vec![END],
        HirKind::Look(look) => panic!("unsupported assertion {look:?}"),
        HirKind::Repetition(rep) => {
            assert!(rep.greedy, "lazy repetition");
            let max = rep.max.expect("a bounded repetition (the metadata has no other)");
            let sub = compile(&rep.sub, groups);
            // x{n,m}: n times x, then x(x(…)?)? for the m - n optional ones.
            let optionals = (rep.min..max).fold(vec![], |tail, _| optional([&sub[..], &tail].concat()));
            [sub.repeat(rep.min as usize), optionals].concat()
        }
        HirKind::Capture(cap) if groups => {
            let slot = u8::try_from(2 * (cap.index - 1)).expect("few groups");
            [vec![SAVE, slot], compile(&cap.sub, groups), vec![SAVE, slot + 1]].concat()
        }
        HirKind::Capture(cap) => compile(&cap.sub, groups),
        HirKind::Concat(items) => items.iter().flat_map(|h| compile(h, groups)).collect(),
        HirKind::Alternation(branches) => {
            // a|b|c: ALT, then each branch's length and program.
            let body: Vec<u8> = branches.iter().flat_map(|b| {
                let branch = compile(b, groups);
                [number(branch.len()), branch].concat()
            }).collect();
            [vec![ALT], number(body.len()), body].concat()
        }
    }
}

/// The program of `pattern`, each distinct one written once as a static.
struct Programs {
    names: BTreeMap<Vec<u8>, String>,
    code: String,
}

impl Programs {
    /// The name of `pattern`'s program, which ends with `END` when the
    /// pattern must match a whole number.
    fn get(&mut self, pattern: &str, whole: bool) -> String {
        let mut program = compile(&parse(pattern), false);
        if whole {
            program.push(END);
        }
        let next = self.names.len();
        let name = self.names.entry(program.clone()).or_insert_with(|| format!("P{next}")).clone();
        if next < self.names.len() {
            let bytes: String = program.iter().map(|b| format!("\\x{b:02x}")).collect();
            writeln!(self.code, "static {name}: &[u8] = b\"{bytes}\";").unwrap();
        }
        name
    }
}

fn dfa(pattern: &str) -> dense::DFA<Vec<u32>> {
    dense::Builder::new()
        .configure(dense::Config::new().start_kind(StartKind::Anchored).match_kind(MatchKind::All))
        .syntax(syntax::Config::new().unicode(false).utf8(false))
        .thompson(thompson::Config::new().utf8(false))
        .build(pattern)
        .unwrap_or_else(|e| panic!("{pattern}: {e}"))
}

/// Whether a number whose start the national prefix pattern reads (one
/// digit or more) can match `valid`: a walk of both automata side by side
/// over every digit string.
fn prefix_meets(prefix: &str, valid: &str) -> bool {
    let (p, v) = (dfa(prefix), dfa(valid));
    let start = |d: &dense::DFA<Vec<u32>>| d.start_state_forward(&Input::new("").anchored(Anchored::Yes)).expect("a start state");
    let mut seen: HashSet<(StateID, StateID, u8, bool)> = HashSet::new();
    let mut todo = vec![(start(&p), start(&v), 0u8, false)];
    while let Some(at @ (ps, vs, depth, read)) = todo.pop() {
        if !seen.insert(at) || v.is_dead_state(vs) || (!read && p.is_dead_state(ps)) {
            continue;
        }
        // Matches show one byte late: after `depth` digits, one ending at `depth - 1`.
        let read_here = read || depth > 0 && p.is_match_state(p.next_eoi_state(ps));
        if read_here && v.is_match_state(v.next_eoi_state(vs)) {
            return true;
        }
        for b in b'0'..=b'9' {
            let next = p.next_state(ps, b);
            todo.push((next, v.next_state(vs, b), (depth + 1).min(2), read || depth > 0 && p.is_match_state(next)));
        }
    }
    false
}

/// Every string of `pattern` when they are few and short (a trunk prefix,
/// a carrier code), else `None`.
fn strings(pattern: &str) -> Option<Vec<Vec<u8>>> {
    let longest = parse(pattern).properties().maximum_len().filter(|&n| n <= 6)?;
    let d = dfa(pattern);
    let start = d.start_state_forward(&Input::new("").anchored(Anchored::Yes)).expect("a start state");
    let mut found = Vec::new();
    let mut todo = vec![(start, Vec::new())];
    while let Some((state, digits)) = todo.pop() {
        if d.is_match_state(d.next_eoi_state(state)) {
            found.push(digits.clone());
        }
        if digits.len() < longest {
            for b in b'0'..=b'9' {
                let next = d.next_state(state, b);
                if !d.is_dead_state(next) {
                    todo.push((next, [&digits[..], &[b]].concat()));
                }
            }
        }
    }
    Some(found)
}

/// Whether a number that `branch` holds, with one of `strings` at its start,
/// is kept by the rule's "was the number valid as written" check (what is
/// left has a possible length and is not a number of `general`), and
/// whether one is read (what is left is one): a walk of both automata over
/// every number after each string, side by side with and without it.
fn kept_and_read(strings: &[Vec<u8>], branch: &str, general: &dense::DFA<Vec<u32>>, lengths: u32) -> (bool, bool) {
    let (b, g) = (dfa(branch), general);
    let start = |d: &dense::DFA<Vec<u32>>| d.start_state_forward(&Input::new("").anchored(Anchored::Yes)).expect("a start state");
    let possible = |len: usize| len > (31 - lengths.leading_zeros()) as usize || lengths >> len & 1 == 1;
    let (mut kept, mut read) = (false, false);
    for s in strings.iter().filter(|s| !s.is_empty()) {
        let written = s.iter().fold(start(&b), |state, &d| b.next_state(state, d));
        let mut seen = HashSet::new();
        let mut todo = vec![(written, start(g), 0usize)];
        while let Some(at @ (with, without, len)) = todo.pop() {
            if !seen.insert(at) || b.is_dead_state(with) {
                continue;
            }
            if b.is_match_state(b.next_eoi_state(with)) && possible(len) {
                match g.is_match_state(g.next_eoi_state(without)) {
                    true => read = true,
                    false => kept = true,
                }
            }
            if len + s.len() < 17 {
                todo.extend((b'0'..=b'9').map(|d| (b.next_state(with, d), g.next_state(without, d), len + 1)));
            }
        }
    }
    (kept, read)
}

/// What the rule's "was the number valid as written" check needs so that a
/// valid number is read as libphonenumber reads it: libphonenumber keeps a
/// number that the whole-number pattern `general` holds when what is left
/// would not be one (and has a possible length, `lengths`, bit n).
///
/// Only a valid number matters (one of the type patterns of the code's
/// regions, `valid`'s branches): when the prefix reads none, nothing; for a
/// prefix pattern of a few strings and no transform, the branches of
/// `valid` whose numbers are all kept, when every branch's numbers are all
/// kept or all read, to be matched alone (`false`); else `general`, matched
/// before and after as libphonenumber does (`true`).
fn general_needed(prefix: &str, transform: &str, general: &str, valid: &[Hir], lengths: u32) -> Option<(Hir, bool)> {
    let any_valid = Hir::alternation(valid.to_vec()).to_string();
    if !prefix_meets(prefix, &any_valid) {
        return None;
    }
    let whole = Some((parse(general), true));
    let Some(strings) = strings(prefix).filter(|_| transform.is_empty()) else {
        return whole;
    };
    let g = dfa(general);
    let mut kept = Vec::new();
    for branch in valid {
        match kept_and_read(&strings, &branch.to_string(), &g, lengths) {
            (true, true) => return whole,
            (true, false) => kept.push(branch.clone()),
            (false, _) => {}
        }
    }
    (!kept.is_empty()).then(|| (Hir::alternation(kept), false))
}

/// The top-level branches of every type pattern of the regions of `code`:
/// every valid number of the code is in one.
fn valid_branches(rows: &[Row], code: u16) -> Vec<Hir> {
    let patterns = rows.iter().filter(|r| r.code == code).flat_map(|r| r.descs[1..].iter().flatten().map(|(_, p)| parse(p)));
    patterns
        .flat_map(|hir| match hir.kind() {
            HirKind::Alternation(branches) => branches.clone(),
            _ => vec![hir],
        })
        .collect()
}

fn option(name: Option<String>) -> String {
    name.map_or("None".into(), |n| format!("Some({n})"))
}

/// `268${1}` → `(1, "268")`: the rules all put digits before the last group
/// of their pattern (`prefix`), the one whose absence means "no transform";
/// `(0, "")` for none.
fn transform<'a>(rule: &'a str, prefix: &str) -> (u8, &'a str) {
    let groups = parse(prefix).properties().explicit_captures_len();
    assert!(groups <= 2, "{prefix}: src/phone/pattern.rs keeps two groups");
    if rule.is_empty() {
        return (0, "");
    }
    let (digits, group) = rule.split_once("${").expect("a group reference");
    let group: usize = group.strip_suffix('}').and_then(|g| g.parse().ok()).expect("${n} last");
    assert!(digits.bytes().all(|b| b.is_ascii_digit()) && group == groups, "{rule} for {prefix}");
    // So a reading of no digit is one that changes nothing (src/phone/national.rs).
    assert!(shortest_in_group(&parse(prefix), group as u32) > Some(0), "{prefix}: group {group} can be empty");
    (group as u8, digits)
}

/// The fewest digits group `index` of `hir` can read.
fn shortest_in_group(hir: &Hir, index: u32) -> Option<usize> {
    match hir.kind() {
        HirKind::Capture(cap) if cap.index == index => cap.sub.properties().minimum_len(),
        HirKind::Capture(cap) => shortest_in_group(&cap.sub, index),
        HirKind::Repetition(rep) => shortest_in_group(&rep.sub, index),
        HirKind::Concat(items) | HirKind::Alternation(items) => items.iter().find_map(|h| shortest_in_group(h, index)),
        _ => None,
    }
}

fn main() {
    println!("cargo::rerun-if-changed={TSV}");
    // The client without the national-prefix rules, built only by
    // bench/phone-rules-size.mjs (src/phone/mod.rs).
    println!("cargo::rustc-check-cfg=cfg(edgetext_no_national_rules)");
    let text = std::fs::read_to_string(TSV).expect("the metadata");
    let rows = rows(&text);
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));

    // national.rs: per calling code whose main region (its first) reads a
    // national prefix, its rule.
    let (mut zero, mut rules) = ([0u8; 125], vec![]);
    for (i, r) in rows.iter().enumerate() {
        if r.prefix.is_empty() || rows[..i].iter().any(|main| main.code == r.code) {
            continue;
        }
        let general = r.descs[0].expect("a general pattern");
        // A trunk 0 that no valid number starts with: read whatever is left,
        // which the lengths only keep when it is no valid number anyway.
        let valid = valid_branches(&rows, r.code);
        if r.prefix == "0" && r.transform.is_empty() && !prefix_meets(r.prefix, &Hir::alternation(valid.clone()).to_string()) {
            zero[usize::from(r.code / 8)] |= 1 << (r.code % 8);
            continue;
        }
        assert!(r.local_only >> (31 - general.0.leading_zeros()) == 0, "{}: a local-only length above the others", r.id);
        let lengths = general.0 & !r.local_only;
        assert!(lengths & 3 == 0 && lengths >> 18 == 0, "{}: lengths from 2 to 17", r.id);
        let (group, digits) = transform(r.transform, r.prefix);
        // Only a transform reads a group (a carrier code's is not kept).
        let prefix = compile(&parse(r.prefix), group > 0);
        let needed = general_needed(r.prefix, r.transform, general.1, &valid, lengths);
        let both = needed.as_ref().is_some_and(|(_, after)| *after);
        let group = if both { group | 0x80 } else { group };
        let whole = needed.map_or(vec![], |(hir, _)| [compile(&hir, false), vec![END]].concat());
        let general_len = u8::try_from(whole.len()).expect("a short program of kept numbers");
        // Every length above the longest is possible (src/phone/national.rs).
        let lengths = ((lengths | !0 << (32 - lengths.leading_zeros())) >> 2) as u16;
        let rule = [&[group, digits.len() as u8], digits.as_bytes(), &lengths.to_le_bytes(), &[general_len], &prefix, &whole].concat();
        rules.push([&r.code.to_le_bytes()[..], &number(rule.len()), &rule].concat());
    }
    let bytes = |b: &[u8]| b.iter().map(|b| format!("\\x{b:02x}")).collect::<String>();
    let rules = rules.concat();
    let national = format!(
        "// Generated by build.rs from {TSV}.\nstatic ZERO: &[u8; {}] = b\"{}\";\nstatic RULES: &[u8; {}] = b\"{}\";\n",
        zero.len(),
        bytes(&zero),
        rules.len(),
        bytes(&rules),
    );
    std::fs::write(out.join("national.rs"), national).expect("national.rs written");

    // ranges.rs: every region, with its patterns.
    let mut programs = Programs { names: BTreeMap::new(), code: String::new() };
    let mut ranges = String::new();
    for r in &rows {
        let descs: Vec<String> = r
            .descs
            .iter()
            .map(|d| {
                option(d.map(|(lengths, pattern)| format!("Desc {{ lengths: {lengths:#x}, pattern: {} }}", programs.get(pattern, true))))
            })
            .collect();
        let leading = option((!r.leading.is_empty()).then(|| programs.get(r.leading, false)));
        writeln!(
            ranges,
            "    Ranges {{ id: \"{}\", code: {}, leading: {leading}, descs: [{}] }},",
            r.id,
            r.code,
            descs.join(", ")
        )
        .unwrap();
    }
    let ranges = format!(
        "// Generated by build.rs from {TSV}.\n{}\nstatic RANGES: [Ranges; {}] = [\n{ranges}];\n",
        programs.code,
        rows.len()
    );
    std::fs::write(out.join("ranges.rs"), ranges).expect("ranges.rs written");
}
