//! planmon: monitoring of municipal action plans for the integration of Roma and other
//! vulnerable groups, from import of the adopted plan to the annual report.

pub mod dates;
pub mod import;
pub mod money;
pub mod plan;
