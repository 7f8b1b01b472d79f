//! Tests of the HTML reader.
use super::*;
use crate::import::budget::ReadLimits;

fn html(text: &str) -> Document {
    read_html(text, &mut ReadBudget::new("t.html", ReadLimits::DEFAULT)).expect("reads")
}

fn over(text: &str) -> Option<Limit> {
    match read_html(text, &mut ReadBudget::new("t.html", ReadLimits::DEFAULT)) {
        Err(ImportError::OverBudget { which, .. }) => Some(which),
        _ => None,
    }
}

#[test]
fn five_thousand_nested_tables_are_refused_by_depth_not_by_the_stack() {
    let page = format!(
        "<html><body>{}x{}</body></html>",
        "<table><tr><td>".repeat(5000),
        "</td></tr></table>".repeat(5000)
    );
    assert_eq!(over(&page), Some(Limit::Depth));
}

#[test]
fn a_hundred_thousand_nested_divs_are_refused_at_once() {
    let page = format!("{}x{}", "<div>".repeat(100_000), "</div>".repeat(100_000));
    let started = std::time::Instant::now();
    assert_eq!(over(&page), Some(Limit::Depth));
    assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
}

#[test]
fn unclosed_paragraphs_cells_and_closed_divs_are_not_nesting() {
    let many_p = "<p>абзац".repeat(5000);
    let rows = "<tr><td>а<td>б".repeat(2000);
    let divs = "<div><b>x</b></div>".repeat(5000);
    let d = html(&format!(
        "<html><body>{many_p}<table>{rows}</table>{divs}<!-- <div><div> --><script>if (a<b) {{ '<div>' }}</script></body></html>"
    ));
    assert!(d.blocks.len() > 5000);
    let nested = format!("{}x{}", "<div>".repeat(200), "</div>".repeat(200));
    assert!(over(&nested).is_none(), "200 levels are within the limit");
}

fn table(d: &Document) -> &Table {
    d.blocks
        .iter()
        .find_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
        .expect("a table")
}

#[test]
fn headings_paragraphs_and_list_items_become_blocks() {
    let d = html(
        "<!DOCTYPE html><html><head><title>x</title><style>p{}</style></head><body>\
         <h1>План за   действие</h1><p>Община <b>Пловдив</b><br>2022</p><ul><li>едно</li><li>две</li></ul></body></html>",
    );
    let texts: Vec<String> = d
        .blocks
        .iter()
        .map(|b| match b {
            Block::Heading { level, text, .. } => format!("h{level} {text}"),
            Block::Paragraph { text, .. } => text.clone(),
            Block::Table(_) => "table".into(),
        })
        .collect();
    assert_eq!(
        texts,
        vec!["h1 План за действие", "Община Пловдив\n2022", "едно", "две"]
    );
}

#[test]
fn colspan_and_rowspan_shadows_keep_the_grid() {
    let d = html(
        "<table><tr><th rowspan=2>Цели</th><th colspan=2>Финансиране</th><th rowspan=2>Индикатори</th></tr>\
         <tr><th>Средства</th><th>Източник</th></tr>\
         <tr><td><p>а</p><p>б</p></td><td>1</td><td>ОБ<br>ДБ</td><td><table><tr><td>x</td><td>y</td></tr></table></td></tr></table>",
    );
    let t = table(&d);
    assert_eq!(t.rows.len(), 3);
    assert_eq!(t.rows[0].cells[1].col_span, 2);
    let second: Vec<(bool, String)> = t.rows[1]
        .cells
        .iter()
        .map(|c| (c.merged_from_above, c.joined()))
        .collect();
    assert_eq!(
        second,
        vec![
            (true, String::new()),
            (false, "Средства".into()),
            (false, "Източник".into()),
            (true, String::new())
        ]
    );
    let third: Vec<Vec<String>> = t.rows[2].cells.iter().map(|c| c.lines.clone()).collect();
    assert_eq!(
        third,
        vec![
            vec!["а".to_string(), "б".into()],
            vec!["1".into()],
            vec!["ОБ".into(), "ДБ".into()],
            vec!["x".into(), "y".into()]
        ]
    );
    assert_eq!(t.rows[2].at.describe_bg(), "таблица 1, ред 3 от таблицата");
}

#[test]
fn absurd_spans_are_capped() {
    let d = html(
        "<table><tr><td rowspan=999999999 colspan=99999>a</td></tr><tr><td>b</td></tr></table>",
    );
    let t = table(&d);
    assert_eq!(t.rows[0].cells[0].col_span, MAX_COLSPAN);
    assert!(t.rows[1].cells[0].merged_from_above);
}
