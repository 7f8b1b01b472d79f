//! A chart as a PNG picture (for the DOCX), rasterised by resvg from the same SVG as the
//! pages, with the bundled fonts.

use super::pdf::text::{BOLD, REGULAR};
use crate::analytics::charts::{Chart, ChartSvg};
use askama::Template;
use std::sync::{Arc, LazyLock};

/// The fonts for chart pictures, loaded once.
static FONT_DB: LazyLock<Arc<resvg::usvg::fontdb::Database>> = LazyLock::new(|| {
    let mut db = resvg::usvg::fontdb::Database::new();
    db.load_font_data(REGULAR.to_vec());
    db.load_font_data(BOLD.to_vec());
    Arc::new(db)
});

/// A chart as a PNG picture at twice its nominal size.
pub fn chart_png(chart: &Chart) -> Result<Vec<u8>, String> {
    let svg = ChartSvg {
        chart,
        width: "720",
    }
    .render()
    .map_err(|e| e.to_string())?;
    let opt = resvg::usvg::Options {
        font_family: "DejaVu Sans".into(),
        fontdb: FONT_DB.clone(),
        ..resvg::usvg::Options::default()
    };
    let tree = resvg::usvg::Tree::from_str(&svg, &opt).map_err(|e| e.to_string())?;
    let scale = 2.0;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(scale)
        .ok_or("празна диаграма")?;
    let mut pixmap =
        resvg::tiny_skia::Pixmap::new(size.width(), size.height()).ok_or("празна диаграма")?;
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().map_err(|e| e.to_string())
}
