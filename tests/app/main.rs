//! One integration test binary: every feature's tests against the real router, on SQLite or,
//! when `TEST_DATABASE_URL` is set, on PostgreSQL.

mod accounts;
mod amendments;
mod annual_report;
mod audit;
mod audit_together;
mod cache;
mod cli;
mod helpers;
mod hostile;
mod hostile_files;
mod import_access;
mod import_formats;
mod import_fuzz;
mod import_names;
mod import_pdf;
mod import_seeds;
mod import_template;
mod import_web;
mod monitoring_pages;
mod monitoring_security;
mod monitoring_store;
mod monitoring_web;
mod monitoring_xlsx;
mod opendata;
mod plan_pages;
mod plan_store;
mod plans_api;
mod policy_web;
mod progress_pages;
mod report_workflow;
mod rollup;
mod round_snapshots;
mod search;
mod security;
mod territory;
