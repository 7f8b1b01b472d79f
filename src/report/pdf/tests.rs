use super::layout::{Layout, Mark, Op};
use super::*;
use crate::analytics::charts::DataTable;
use crate::report::blocks::{Block, blocks};

fn report() -> Report {
    let plan = crate::plan::format::parse_plan_json(include_str!(
        "../../../tests/fixtures/plans/sample.plan.json"
    ))
    .expect("plan");
    let snap = crate::snapshot::sample::sample_round(1, 1, &plan, 2024);
    let narrative = super::super::Narrative::default();
    super::super::build(&snap, &[], &narrative, "проект".into(), false, &|s| {
        s.to_string()
    })
}

fn texts(ops: &[Op]) -> String {
    ops.iter()
        .filter_map(|o| match o {
            Op::Text { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_cyrillic_word_wider_than_its_cell_renders_whole_without_panicking() {
    // The shape that panicked in genpdf: a capitalised word wider than a table cell with
    // words after it, many rows so the table crosses pages.
    let word = "ЗДРАВНООБРАЗОВАТЕЛНИШШШЖЖЖЮЮЮМММ";
    let mut report = report();
    let table = &mut report.annexes[0];
    let cols = table.headers.len();
    table.rows = (0..80)
        .map(|i| {
            (0..cols)
                .map(|c| format!("{word}{} {i} ред", word.repeat(c % 2 + 1)))
                .collect()
        })
        .collect();
    report.introduction = vec![format!("{word}{word}{word}{word}{word}{word} край")];
    let pdf = render(&report).expect("renders");
    assert!(pdf.starts_with(b"%PDF"));
}

#[test]
fn a_long_table_repeats_its_header_on_every_page_and_never_ends_a_page_with_it() {
    let m = text::Metrics::new().expect("fonts");
    let table = DataTable {
        caption: "Дълга таблица".into(),
        headers: vec!["Заглавие на колона".into(), "Стойност".into()],
        rows: (0..300)
            .map(|i| vec![format!("Ред {i}"), i.to_string()])
            .collect(),
    };
    let blocks = vec![
        Block::Paragraph(vec![super::super::blocks::Run::plain("Текст.")]),
        Block::Table(table),
    ];
    let l = Layout::run(&m, &blocks, "Община · 2024 г.".into(), Vec::new());
    assert!(l.pages.len() >= 3, "{} pages", l.pages.len());
    for (n, page) in l.pages.iter().enumerate() {
        let content: Vec<String> = page
            .iter()
            .filter(|p| {
                !matches!(
                    p.mark,
                    Mark::Artifact(krilla::tagging::ArtifactType::Layout)
                )
            })
            .map(|p| texts(&p.ops))
            .collect();
        let header = content
            .iter()
            .position(|t| t.contains("Заглавие на колона"))
            .unwrap_or_else(|| panic!("page {} has the header", n + 1));
        assert!(
            content[header + 1..].iter().any(|t| t.starts_with("Ред")),
            "page {} has rows after its header",
            n + 1
        );
    }
}

#[test]
fn a_header_taller_than_a_page_is_set_once_over_pages_and_the_table_ends() {
    // The fuzzer's out-of-memory input (tests/fixtures/fuzz/report-pdf-out-of-memory.debug.txt,
    // the Report it built): eight narrow columns whose headers hold hundreds of
    // words made a header taller than a page, and every new page repeated it with no room
    // left for a row, adding pages until memory ran out.
    let m = text::Metrics::new().expect("fonts");
    let long = "здравно образователни кампании ".repeat(120);
    let table = DataTable {
        caption: "Таблица с дълги заглавия".into(),
        headers: (0..8).map(|i| format!("{i} {long}")).collect(),
        rows: (0..40)
            .map(|i| (0..9).map(|c| format!("Ред {i} клетка {c}")).collect())
            .collect(),
    };
    let blocks = vec![Block::Table(table)];
    let l = Layout::run(&m, &blocks, "Община · 2024 г.".into(), Vec::new());
    assert!(l.pages.len() < 40, "{} pages", l.pages.len());
    let all: String = l
        .pages
        .iter()
        .flatten()
        .map(|p| texts(&p.ops))
        .collect::<Vec<_>>()
        .join(" ");
    for i in 0..40 {
        assert!(all.contains(&format!("Ред {i} ")), "row {i} is laid out");
    }
    // Set once: the header's first cell starts once, on the first page.
    assert_eq!(all.matches("0 здравно").count(), 1);
}

#[test]
fn a_caption_stays_on_the_page_of_its_chart() {
    let m = text::Metrics::new().expect("fonts");
    let r = report();
    let all = blocks(&r);
    let l = Layout::run(&m, &all, "Община · 2024 г.".into(), Vec::new());
    let mut seen = 0;
    for page in &l.pages {
        for (i, p) in page.iter().enumerate() {
            if texts(&p.ops).starts_with("Фигура") {
                seen += 1;
                assert!(
                    page[i + 1..]
                        .iter()
                        .any(|q| matches!(q.mark, Mark::Other { .. })),
                    "the chart follows its caption on the same page"
                );
            }
        }
    }
    assert!(seen >= 2, "{seen} figures");
}

#[test]
fn the_report_passes_krillas_pdf_ua_1_checks() {
    let m = text::Metrics::new().expect("fonts");
    let r = report();
    let layout = Layout::run(&m, &blocks(&r), "Община · 2024 г.".into(), vec![1; 20]);
    write(&r.document(), &layout, true).expect("PDF/UA-1");
}

#[test]
fn the_pdf_is_tagged_with_title_language_and_outline() {
    let pdf = render(&report()).expect("pdf");
    let doc = lopdf::Document::load_mem(&pdf).expect("lopdf reads it");
    let catalog = doc.catalog().expect("catalog");
    assert!(catalog.get(b"StructTreeRoot").is_ok(), "a structure tree");
    assert!(catalog.get(b"Outlines").is_ok(), "bookmarks");
    let lang = catalog
        .get(b"Lang")
        .and_then(lopdf::Object::as_str)
        .expect("Lang");
    assert_eq!(lang, b"bg");
    let marked = catalog
        .get(b"MarkInfo")
        .and_then(|o| match o {
            lopdf::Object::Reference(id) => doc.get_dictionary(*id),
            o => o.as_dict(),
        })
        .and_then(|d| d.get(b"Marked"))
        .and_then(lopdf::Object::as_bool)
        .expect("MarkInfo");
    assert!(marked);
}
