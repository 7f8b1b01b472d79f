//! Importing a plan from the document it was adopted as: readers turn each file format into the
//! neutral [`document::Document`]; the recogniser turns a document into a draft plan (pure, no
//! database); the caller then saves it. See issue 4 and docs/ARCHITECTURE.md.

pub mod document;
