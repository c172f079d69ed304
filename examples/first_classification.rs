//! The CPU of the first number classification in a fresh process, the
//! native counterpart of a fresh worker isolate's first OTP decision: each
//! run is a new process that times its first `classify_number` (and then a
//! second, warm one). Prints the median, minimum and maximum of the runs.
//!
//! `cargo run --release --example first_classification [runs]`

use std::process::Command;
use std::time::Instant;

/// One number per shape of the work: a shared calling code decided by
/// leading digits (`+44` Isle of Man), one decided by range (`+7`
/// Kazakhstan), a trunk prefix after the code, and a plain mobile.
const NUMBERS: [&str; 4] = ["+447624123456", "+77012345678", "+4407400123456", "+33612345678"];

fn child(number: &str) {
    let t = Instant::now();
    let first = edgetext::phone::ranges::classify_number(number);
    let cold = t.elapsed();
    let t = Instant::now();
    let again = edgetext::phone::ranges::classify_number(number);
    let warm = t.elapsed();
    assert!(first.is_some() && first == again, "{number}: {first:?}");
    println!("{} {}", cold.as_nanos(), warm.as_nanos());
}

fn main() {
    let mut args = std::env::args().skip(1);
    if let (Some(flag), Some(number)) = (args.next(), args.next()) {
        if flag == "--child" {
            return child(&number);
        }
    }
    let runs: usize = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(21);
    let me = std::env::current_exe().expect("own path");
    println!("first classification in a fresh process, {runs} runs each (µs): median, min, max; then a second call's median");
    for number in NUMBERS {
        let (mut cold, mut warm): (Vec<f64>, Vec<f64>) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            let out = Command::new(&me).args(["--child", number]).output().expect("child runs");
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            let text = String::from_utf8(out.stdout).expect("utf-8");
            let mut ns = text.split_whitespace().map(|n| n.parse::<f64>().expect("nanoseconds") / 1000.0);
            cold.push(ns.next().expect("cold"));
            warm.push(ns.next().expect("warm"));
        }
        cold.sort_by(f64::total_cmp);
        warm.sort_by(f64::total_cmp);
        println!(
            "{number:>16}: {:>9.1} {:>9.1} {:>9.1}   warm {:>7.1}",
            cold[runs / 2],
            cold[0],
            cold[runs - 1],
            warm[runs / 2]
        );
    }
}
