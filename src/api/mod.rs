//! The machine interface beyond plans: the OpenAPI document and its reference page
//! (`openapi.rs`, `docs.rs`), API tokens for machines (`tokens.rs`, their staff page in
//! `token_pages.rs`, personal tokens on the account in `personal_pages.rs`, what both share in `token_view.rs`), reading rounds and writing an institution's updates through the same
//! policy and monitoring code as the forms (`rounds.rs`, `rounds_json.rs`).

pub mod docs;
pub mod evidence;
pub mod imports;
pub mod openapi;
pub mod personal_pages;
pub mod rounds;
pub mod rounds_json;
pub mod token_pages;
pub mod token_view;
pub mod tokens;
