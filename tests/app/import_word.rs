//! Plans typed in Word as Word writes them: numbers that Word draws from its lists rather than
//! from the text (measure codes in an auto-numbered column, headings numbered by their style,
//! lists continued from one table to the next), and rows that start right of the others
//! (`w:gridBefore`).

use planmon::import::ImportOptions;
use planmon::import::load::import_bytes;
use planmon::plan::Plan;

fn zip_of(files: &[(&str, String)]) -> Vec<u8> {
    use std::io::Write;
    let mut out = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut out);
    for (name, data) in files {
        z.start_file(*name, zip::write::SimpleFileOptions::default())
            .expect("zip entry");
        z.write_all(data.as_bytes()).expect("zip write");
    }
    z.finish().expect("zip finish");
    out.into_inner()
}

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

/// One multilevel list as Word's chapter numbering: "1." for the priorities' headings (by
/// their style), "1.1." for the measures under them.
fn numbering() -> String {
    format!(
        r#"<w:numbering {W}><w:abstractNum w:abstractNumId="0">
          <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
          <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2."/></w:lvl>
        </w:abstractNum>
        <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
        <w:num w:numId="2"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#
    )
}

fn styles() -> String {
    format!(
        r#"<w:styles {W}>
          <w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
        </w:styles>"#
    )
}

fn para(text: &str) -> String {
    format!(r#"<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#)
}

fn heading(text: &str) -> String {
    format!(r#"<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#)
}

fn cell(text: &str) -> String {
    format!("<w:tc>{}</w:tc>", para(text))
}

/// A cell holding only an empty paragraph of the measures' level: Word draws "1.1." in it.
fn numbered_cell() -> String {
    r#"<w:tc><w:p><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="2"/></w:numPr></w:pPr></w:p></w:tc>"#
        .to_string()
}

fn table(rows: &[String]) -> String {
    let header = ["№", "Мярка", "Отговорна институция", "Срок", "Индикатор"]
        .iter()
        .map(|h| cell(h))
        .collect::<String>();
    format!(
        r#"<w:tbl><w:tblGrid>{}</w:tblGrid><w:tr>{header}</w:tr>{}</w:tbl>"#,
        r#"<w:gridCol w:w="800"/>"#.repeat(5),
        rows.concat()
    )
}

fn measure(text: &str, who: &str) -> String {
    format!(
        "<w:tr>{}{}{}{}{}</w:tr>",
        numbered_cell(),
        cell(text),
        cell(who),
        cell("2023-2025"),
        cell("Брой участници")
    )
}

fn word_plan(body: &str) -> Vec<u8> {
    let document = format!(r#"<w:document {W}><w:body>{body}</w:body></w:document>"#);
    zip_of(&[
        ("[Content_Types].xml", "<Types/>".to_string()),
        ("word/document.xml", document),
        ("word/styles.xml", styles()),
        ("word/numbering.xml", numbering()),
    ])
}

fn import(bytes: &[u8]) -> Plan {
    import_bytes("plan.docx", bytes, &ImportOptions::default())
        .unwrap_or_else(|e| panic!("imports: {e}"))
        .plan
        .expect("a plan")
}

fn codes_and_texts(plan: &Plan) -> Vec<(String, String, String)> {
    plan.priorities
        .iter()
        .flat_map(|p| {
            p.objectives
                .iter()
                .flat_map(|o| o.measures.iter())
                .map(move |m| (p, m))
        })
        .map(|(p, m)| {
            (
                p.title.clone(),
                m.code.clone().unwrap_or_default(),
                m.headline(),
            )
        })
        .collect()
}

#[test]
fn measure_codes_word_draws_from_its_list_are_the_measures_codes_under_numbered_headings() {
    let body = [
        para("План за действие на Община Тестово за периода 2023-2025 г."),
        heading("Образование"),
        table(&[
            measure("Занимания по български език", "Община Тестово"),
            measure("Кампания за записване в детска градина", "РУО"),
        ]),
        heading("Здравеопазване"),
        table(&[measure("Профилактични прегледи", "РЗИ")]),
    ]
    .concat();
    let plan = import(&word_plan(&body));
    let got = codes_and_texts(&plan);
    let titles: Vec<&str> = got.iter().map(|(p, _, _)| p.as_str()).collect();
    assert!(
        titles[0].contains("Образование") && titles[2].contains("Здравеопазване"),
        "{got:?}"
    );
    let codes: Vec<&str> = got.iter().map(|(_, c, _)| c.as_str()).collect();
    assert_eq!(codes, ["1.1.", "1.2.", "2.1."], "{got:?}");
}

#[test]
fn a_row_that_starts_right_of_the_others_keeps_its_cells_under_their_columns() {
    // The second measure's row leaves the code column out (w:gridBefore) and starts at "Мярка".
    let shifted = format!(
        "<w:tr><w:trPr><w:gridBefore w:val=\"1\"/></w:trPr>{}{}{}{}</w:tr>",
        cell("Кампания за записване в детска градина"),
        cell("РУО"),
        cell("2024"),
        cell("Брой записани деца")
    );
    let body = [
        para("План за действие на Община Тестово за периода 2023-2025 г."),
        heading("Образование"),
        table(&[
            measure("Занимания по български език", "Община Тестово"),
            shifted,
        ]),
    ]
    .concat();
    let plan = import(&word_plan(&body));
    let measures: Vec<_> = plan.measures().collect();
    assert_eq!(measures.len(), 2, "{measures:#?}");
    let second = measures[1];
    assert_eq!(second.headline(), "Кампания за записване в детска градина");
    assert_eq!(second.institutions, ["РУО"], "{second:#?}");
    let period = second.period.as_ref().expect("a period");
    assert_eq!(period.text, "2024", "{second:#?}");
    assert_eq!(
        second.indicators[0].name, "Брой записани деца",
        "{second:#?}"
    );
    assert_eq!(second.code, None, "{second:#?}");
}
