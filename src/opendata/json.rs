//! JSON: the dataset's metadata and its records as objects keyed by column name, with numbers
//! as numbers, money as exact decimal text and lists as arrays.

use super::{Cell, Table};
use crate::money::{Currency, Money};
use serde::Serialize;
use serde_json::{Map, Value};

/// What a JSON download says about itself.
#[derive(Debug, Serialize)]
pub struct Meta<'a> {
    pub dataset: &'a str,
    pub title: &'a str,
    pub licence: &'a str,
    pub licence_url: &'a str,
    /// The plan the file is limited to, when it is.
    pub plan_id: Option<i64>,
    pub modified: &'a str,
    pub columns: &'a [&'a str],
}

pub fn value(cell: &Cell) -> Value {
    match cell {
        Cell::Empty => Value::Null,
        Cell::Text(s) => Value::String(s.clone()),
        Cell::List(items) => Value::Array(items.iter().cloned().map(Value::String).collect()),
        Cell::Int(n) => Value::from(*n),
        Cell::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        Cell::Bool(b) => Value::Bool(*b),
        Cell::Money(minor) => Value::String(Money::new(*minor, Currency::Bgn).to_decimal_string()),
    }
}

/// The records of a table as JSON objects.
pub fn records(table: &Table) -> Vec<Value> {
    table
        .rows
        .iter()
        .map(|row| {
            let obj: Map<String, Value> = table
                .columns()
                .iter()
                .zip(row)
                .map(|(c, cell)| ((*c).to_string(), value(cell)))
                .collect();
            Value::Object(obj)
        })
        .collect()
}

pub fn write(meta: &Meta<'_>, table: &Table) -> Result<Vec<u8>, serde_json::Error> {
    let mut doc = serde_json::to_value(meta)?;
    if let Value::Object(map) = &mut doc {
        map.insert("records".into(), Value::Array(records(table)));
    }
    serde_json::to_vec_pretty(&doc)
}
