//! Reporting pages.
