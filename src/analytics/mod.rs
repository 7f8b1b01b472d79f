//! Progress analytics over frozen rounds: pure functions from a `RoundSnapshot` (and earlier
//! ones) to counts, indicator progress, money and reporting rates. No database here.

pub mod values;
