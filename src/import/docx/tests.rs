//! Tests of the DOCX reader.
use super::*;

fn doc(body: &str) -> Document {
    let xml = format!(
        r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    let styles = HashMap::from([("Heading2".to_string(), 2u8)]);
    parse(&xml, &styles, Numbering::default()).expect("valid xml")
}

fn parse(
    xml: &str,
    styles: &HashMap<String, u8>,
    numbering: Numbering,
) -> Result<Document, ReadFailure> {
    let mut budget = ReadBudget::new("t.docx", crate::import::budget::ReadLimits::DEFAULT);
    parse_document(xml.as_bytes(), styles, numbering, &mut budget)
}

fn cell_lines(d: &Document) -> Vec<Vec<Vec<String>>> {
    d.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
        .flat_map(|t| t.rows.iter())
        .map(|r| r.cells.iter().map(|c| c.lines.clone()).collect())
        .collect()
}

#[test]
fn heading_styles_and_paragraphs_become_blocks() {
    let d = doc(
        r#"<w:p><w:pPr><w:pStyle w:val="Heading2"/></w:pPr><w:r><w:t>Приоритет 1</w:t></w:r></w:p>
           <w:p><w:r><w:t xml:space="preserve">Текст  &amp; </w:t></w:r><w:r><w:t>още</w:t></w:r></w:p>
           <w:p/>"#,
    );
    assert_eq!(
        d.blocks,
        vec![
            Block::Heading {
                level: 2,
                text: "Приоритет 1".into(),
                at: Location::line(1)
            },
            Block::Paragraph {
                text: "Текст & още".into(),
                at: Location::line(2)
            },
        ]
    );
}

#[test]
fn merges_breaks_and_nested_tables_are_kept() {
    let d = doc(r#"<w:tbl>
          <w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>Цели</w:t></w:r></w:p></w:tc>
                <w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>Финансиране</w:t></w:r></w:p></w:tc></w:tr>
          <w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>
                <w:tc><w:p><w:r><w:t>ред 1</w:t><w:br/><w:t>ред 2</w:t></w:r></w:p></w:tc>
                <w:tc><w:tbl><w:tr><w:tc><w:p><w:r><w:t>вложен</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p/></w:tc></w:tr>
        </w:tbl>"#);
    let Some(Block::Table(t)) = d.blocks.first() else {
        panic!("a table: {d:?}");
    };
    assert_eq!(t.rows.len(), 2);
    assert_eq!(t.rows[0].cells[1].col_span, 2);
    assert!(!t.rows[0].cells[0].merged_from_above);
    assert!(t.rows[1].cells[0].merged_from_above);
    assert_eq!(t.rows[1].at.row, Some(2));
    assert_eq!(
        cell_lines(&d)[1],
        vec![
            Vec::<String>::new(),
            vec!["ред 1".to_string(), "ред 2".to_string()],
            vec!["вложен".to_string()]
        ]
    );
}

#[test]
fn simple_numbering_is_rendered_and_deleted_text_is_dropped() {
    let numbering = Numbering::parse(
        r#"<w:numbering xmlns:w="w"><w:abstractNum w:abstractNumId="7"><w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl><w:lvl w:ilvl="1"><w:numFmt w:val="bullet"/><w:lvlText w:val="o"/></w:lvl></w:abstractNum><w:num w:numId="3"><w:abstractNumId w:val="7"/></w:num></w:numbering>"#,
    );
    let item = |level: u8, text: &str| {
        format!(
            r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="3"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r><w:del><w:r><w:delText>изтрито</w:delText></w:r></w:del></w:p>"#
        )
    };
    let xml = format!(
        r#"<w:document xmlns:w="w"><w:body>{}{}{}</w:body></w:document>"#,
        item(0, "Първо"),
        item(1, "Подточка"),
        item(0, "Второ")
    );
    let d = parse(&xml, &HashMap::new(), numbering).expect("valid");
    let texts: Vec<String> = d
        .blocks
        .iter()
        .map(|b| match b {
            Block::Paragraph { text, .. } => text.clone(),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(texts, vec!["1. Първо", "• Подточка", "2. Второ"]);
}

#[test]
fn broken_xml_is_an_error_not_a_panic() {
    let r = parse(
        "<w:document><w:body><w:p>",
        &HashMap::new(),
        Numbering::default(),
    );
    // An unclosed document ends at EOF; a mismatched tag is an error.
    assert!(r.is_ok());
    let r = parse("<a></b>", &HashMap::new(), Numbering::default());
    assert!(r.is_err());
}
