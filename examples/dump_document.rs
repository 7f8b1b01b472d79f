//! Prints the document planmon reads from a file as JSON (blocks; table cells with their lines,
//! spans and merges), for scripts/make-fixtures.py and for looking at what a reader sees.
//!
//! Usage: cargo run --example dump_document -- FILE

use anyhow::{Context, Result, bail};
use planmon::import::document::Block;
use serde_json::{Value, json};

fn main() -> Result<()> {
    let Some(file) = std::env::args().nth(1) else {
        bail!("usage: dump_document FILE");
    };
    let bytes = std::fs::read(&file).with_context(|| file.clone())?;
    let (format, doc) = planmon::import::read_document(&file, &bytes)?;
    let blocks: Vec<Value> = doc
        .blocks
        .iter()
        .map(|b| match b {
            Block::Heading { level, text, .. } => json!({"heading": level, "text": text}),
            Block::Paragraph { text, .. } => json!({"paragraph": text}),
            Block::Table(t) => json!({"table": t.rows.iter().map(|r| r.cells.iter().map(|c| json!({
                "lines": c.lines, "col_span": c.col_span, "merged_from_above": c.merged_from_above
            })).collect::<Vec<_>>()).collect::<Vec<_>>()}),
        })
        .collect();
    println!(
        "{}",
        serde_json::to_string_pretty(&json!({"format": format.code(), "blocks": blocks}))?
    );
    Ok(())
}
