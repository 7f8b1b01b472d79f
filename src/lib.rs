//! planmon: monitoring of municipal action plans for the integration of Roma and other
//! vulnerable groups, from import of the adopted plan to the annual report.

pub mod account;
pub mod amend;
pub mod analytics;
pub mod api;
pub mod audit;
pub mod backup;
pub mod cli;
pub mod config;
pub mod dates;
pub mod db;
pub mod demo;
pub mod files;
pub mod forms;
pub mod generate;
pub mod heavy;
pub mod i18n;
pub mod import;
pub mod levels;
pub mod mail;
pub mod money;
pub mod monitoring;
pub mod opendata;
pub mod overview;
pub mod plan;
pub mod policy;
pub mod registry;
pub mod report;
pub mod rollup;
pub mod search;
pub mod server;
pub mod snapshot;
pub mod territory;
pub mod token;
pub mod web;
pub mod work;
