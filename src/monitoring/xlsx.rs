//! The XLSX template per institution and round.
