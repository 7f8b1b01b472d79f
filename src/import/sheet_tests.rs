//! Tests of the spreadsheet and CSV reader.

use super::*;
use crate::import::budget::ReadLimits;

fn budget() -> ReadBudget {
    ReadBudget::new("t", ReadLimits::DEFAULT)
}

fn only_table(d: &Document) -> &Table {
    match d.blocks.as_slice() {
        [Block::Table(t)] => t,
        other => panic!("one table expected: {other:?}"),
    }
}

#[test]
fn csv_with_semicolons_and_quoted_line_breaks_is_one_table() {
    let d = read_csv(
        "a.csv",
        "Мерки;Срок;Отговорна институция\n\"Ремонт\nна училище\";2023;Община, РУО\n;;\n\"\"\n",
        &mut budget(),
    )
    .expect("reads");
    let t = only_table(&d);
    assert_eq!(t.rows.len(), 2);
    assert_eq!(t.rows[1].cells[0].lines, vec!["Ремонт", "на училище"]);
    assert_eq!(t.rows[1].cells[2].joined(), "Община, РУО");
    assert_eq!(t.rows[1].at.line, Some(2));
}

#[test]
fn the_delimiter_is_sniffed() {
    assert_eq!(sniff_delimiter("a,b,c\n1,2,3\n"), b',');
    assert_eq!(sniff_delimiter("a;b;c\n1,5;2;3\n"), b';');
    assert_eq!(sniff_delimiter("a\tb\tc\n1\t2\t3\n"), b'\t');
}

#[test]
fn merged_regions_become_spans_and_shadows() {
    let cells = SparseSheet::from([
        ((0, 0), "Финансиране".to_string()),
        ((0, 2), "Индикатори".to_string()),
        ((1, 2), "x".to_string()),
    ]);
    let merges = [Dimensions::new((0, 0), (1, 1))];
    let tables = sheet_tables("План", 1, &cells, &merges, &mut budget()).expect("within");
    let Some(Block::Table(t)) = tables.first() else {
        panic!("a table");
    };
    assert_eq!(t.rows.len(), 2);
    assert_eq!(t.rows[0].cells.len(), 2);
    assert_eq!(t.rows[0].cells[0].col_span, 2);
    assert!(t.rows[1].cells[0].merged_from_above);
    assert_eq!(t.rows[1].at.describe_bg(), "лист „План“, ред 2");
}

#[test]
fn cells_far_apart_make_two_small_tables_not_a_dense_grid() {
    let cells = SparseSheet::from([
        ((0, 0), "A1".to_string()),
        ((1_048_575, 16_383), "XFD1048576".to_string()),
    ]);
    let mut b = budget();
    let tables = sheet_tables("Лист", 1, &cells, &[], &mut b).expect("within");
    assert_eq!(tables.len(), 2);
    let Some(Block::Table(last)) = tables.last() else {
        panic!("a table");
    };
    assert_eq!(last.rows[0].cells.len(), 16_384);
    assert_eq!(last.rows[0].cells[16_383].joined(), "XFD1048576");
    assert_eq!(last.rows[0].at.line, Some(1_048_576));
}

#[test]
fn a_row_per_cell_each_far_right_is_stopped_by_the_cell_limit() {
    let cells: SparseSheet = (0..1000u32)
        .map(|r| ((r * 2, 16_383), "x".to_string()))
        .collect();
    let e = sheet_tables("Лист", 1, &cells, &[], &mut budget()).expect_err("over");
    assert!(
        matches!(
            e,
            ImportError::OverBudget {
                which: Limit::Cells,
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn a_merge_over_a_million_rows_is_stopped_by_the_row_limit() {
    let cells = SparseSheet::from([((0, 0), "a".to_string())]);
    let merges = [Dimensions::new((0, 0), (1_048_575, 3))];
    let e = sheet_tables("Лист", 1, &cells, &merges, &mut budget()).expect_err("over");
    assert!(
        matches!(
            e,
            ImportError::OverBudget {
                which: Limit::Rows,
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn a_million_csv_rows_stop_at_the_row_limit() {
    let text = "a;b;c\n".repeat(1_000_000);
    let e = read_csv("big.csv", &text, &mut budget()).expect_err("over");
    assert!(
        matches!(
            e,
            ImportError::OverBudget {
                which: Limit::Rows,
                ..
            }
        ),
        "{e}"
    );
}
