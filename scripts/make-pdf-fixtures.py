#!/usr/bin/env python3
"""Builds the PDF and office-format fixtures in tests/fixtures/import/ from the seed DOCX fixtures.

Each seed DOCX (written by scripts/make-fixtures.py) is laid out on other pages and converted
by LibreOffice, the way a municipality saves its plan from Word:

  SEED.a4-landscape.pdf     A4 landscape, the table's own column widths
  SEED.a4-portrait.pdf      A4 portrait, the table squeezed to the text width (narrow cells,
                            long words broken inside them)
  SEED.letter-landscape.pdf Letter landscape
  SEED.letter-equal.pdf     Letter portrait, every column the same width
  SEED.pdftotext.txt        `pdftotext` of the A4 landscape PDF
  SEED.pdftotext-layout.txt `pdftotext -layout` of the same
  SEED.odt, SEED.rtf, SEED.doc  the DOCX saved as OpenDocument text, RTF and Word 97-2003

and each seed HTML fixture (SEED.html, the tables as the DOCX has them, no style of its own) is
printed by another generator, headless Chromium, on a page set by CSS @page (margins 2 cm top
and bottom, 1.5 cm at the sides; the browser's default font, ruled tables as wide as their
text needs, rows broken across pages; untagged, so the file stays small):

  SEED.chromium-a4-landscape.pdf  A4 landscape
  SEED.chromium-a4-portrait.pdf   A4 portrait in 10 pt, long words broken inside narrow cells
                                  (overflow-wrap: anywhere) so the tables fit the page's
                                  width: without it Chromium cuts off what runs past the edge

and, so that the reader is not tuned to one font or one generator's layout:

  SEED.dejavu-a4-landscape.pdf    the DOCX with its fonts set to DejaVu Sans (wider than the
  SEED.dejavu-a4-portrait.pdf     Liberation Serif of the others), A4 landscape and portrait
                                  (fit), exported as tagged PDF/A-2 (marked content, as Word's
                                  "Save as PDF" writes by default)
  SEED.weasyprint-a4-landscape.pdf  the HTML printed by a third generator, WeasyPrint (from
  SEED.weasyprint-a4-portrait.pdf   PyPI), 9 pt DejaVu Sans, ruled collapsed borders
  shapes/SHAPE.weasyprint.pdf     every table shape's HTML printed by WeasyPrint, A4 landscape

Run: python3 scripts/make-pdf-fixtures.py   (needs libreoffice-writer-nogui, chromium and
     poppler-utils)
     python3 scripts/make-pdf-fixtures.py fonts       (only the DejaVu tagged PDF/A ones)
     python3 scripts/make-pdf-fixtures.py weasyprint  (only the WeasyPrint ones; needs
                                                       `pip install weasyprint`)
     python3 scripts/make-pdf-fixtures.py text      (only the pdftotext fixtures, from the PDFs)
     python3 scripts/make-pdf-fixtures.py chromium  (only the Chromium PDFs)
     python3 scripts/make-pdf-fixtures.py shapes    (the other table shapes' DOCX and PDFs,
                                                     from their HTML in shapes/)
The outputs are committed, so the tests need neither.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEEDS = ["plovdiv-2022-2024", "kazanlak-2021-2023"]
OUT = os.path.join(ROOT, "tests", "fixtures", "import")

# (name, page width, page height in twips, landscape, column widths: "own" | "fit" | "equal")
LAYOUTS = [
    ("a4-landscape", 16838, 11906, True, "own"),
    ("a4-portrait", 11906, 16838, False, "fit"),
    ("letter-landscape", 15840, 12240, True, "own"),
    ("letter-equal", 12240, 15840, False, "equal"),
]
MARGINS = 1134 + 567

# (name, CSS @page size, more CSS) of the Chromium prints of the HTML fixtures.
CHROMIUM_LAYOUTS = [
    ("chromium-a4-landscape", "A4 landscape", ""),
    ("chromium-a4-portrait", "A4 portrait",
     "body { font-size: 10pt; } td, th { overflow-wrap: anywhere; }"),
]


def relayout(xml, width, height, landscape, widths):
    orient = ' w:orient="landscape"' if landscape else ""
    xml = re.sub(r'<w:pgSz [^>]*/>', f'<w:pgSz w:w="{width}" w:h="{height}"{orient}/>', xml)
    text_width = width - MARGINS

    def grid(m):
        cols = [int(w) for w in re.findall(r'w:w="(\d+)"', m.group(0))]
        total = sum(cols) or 1
        if widths == "equal":
            new = [text_width // len(cols)] * len(cols)
        elif widths == "fit":
            new = [c * text_width // total for c in cols]
        else:
            new = cols
        return "<w:tblGrid>" + "".join(f'<w:gridCol w:w="{w}"/>' for w in new) + "</w:tblGrid>", new

    out = []
    pos = 0
    for table in re.finditer(r'<w:tbl>.*?</w:tbl>', xml, flags=re.S):
        out.append(xml[pos:table.start()])
        t = table.group(0)
        g = re.search(r'<w:tblGrid>.*?</w:tblGrid>', t, flags=re.S)
        if g:
            new_grid, cols = grid(g)
            t = t[:g.start()] + new_grid + t[g.end():]
            t = re.sub(r'<w:tblW w:w="\d+"', f'<w:tblW w:w="{sum(cols)}"', t)

            def cell(m):
                body = m.group(0)
                span = re.search(r'<w:gridSpan w:val="(\d+)"', body)
                return body, int(span.group(1)) if span else 1

            # Each cell's width follows the grid columns it covers.
            rows = []
            for row in re.finditer(r'<w:tr>.*?</w:tr>', t, flags=re.S):
                r = row.group(0)
                col = 0
                pieces = []
                last = 0
                for c in re.finditer(r'<w:tc>.*?</w:tc>', r, flags=re.S):
                    body, span = cell(c)
                    w = sum(cols[col:col + span])
                    col += span
                    body = re.sub(r'<w:tcW w:w="\d+"', f'<w:tcW w:w="{w}"', body)
                    pieces.append(r[last:c.start()] + body)
                    last = c.end()
                pieces.append(r[last:])
                rows.append((row.start(), row.end(), "".join(pieces)))
            rebuilt = []
            last = 0
            for s, e, r in rows:
                rebuilt.append(t[last:s] + r)
                last = e
            rebuilt.append(t[last:])
            t = "".join(rebuilt)
        out.append(t)
        pos = table.end()
    out.append(xml[pos:])
    return "".join(out)


def write_docx(src, dst, transform):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                data = transform(data.decode("utf-8")).encode("utf-8")
            zout.writestr(item, data)


def convert(path, target, outdir):
    subprocess.run(
        ["soffice", "--headless", "--convert-to", target, "--outdir", outdir, path],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def pdftotext():
    for seed in SEEDS:
        pdf = os.path.join(OUT, f"{seed}.a4-landscape.pdf")
        for suffix, args in [("pdftotext", []), ("pdftotext-layout", ["-layout"])]:
            subprocess.run(
                ["pdftotext", *args, "-enc", "UTF-8", pdf, os.path.join(OUT, f"{seed}.{suffix}.txt")],
                check=True,
            )


# The other table shapes (tests/fixtures/import/shapes/): their HTML saved as DOCX, and the
# DOCX on A4 pages with the columns fitted to the text width, printed to PDF.
SHAPES = ["flat-table-priority-rows", "grouped-financing-header", "numbered-area-headings"]
DOCX_ONLY = "labelled-paragraphs-without-a-table"
SHAPE_LAYOUTS = [("a4-landscape", 16838, 11906, True), ("a4-portrait", 11906, 16838, False)]


def shapes():
    out = os.path.join(OUT, "shapes")
    tmp = tempfile.mkdtemp()
    try:
        convert(os.path.join(out, f"{DOCX_ONLY}.html"), "docx:MS Word 2007 XML", tmp)
        shutil.copy(os.path.join(tmp, f"{DOCX_ONLY}.docx"), out)
        for shape in SHAPES:
            convert(os.path.join(out, f"{shape}.html"), "docx:MS Word 2007 XML", tmp)
            shutil.copy(os.path.join(tmp, f"{shape}.docx"), out)
            for name, w, h, landscape in SHAPE_LAYOUTS:
                docx = os.path.join(tmp, f"{shape}.{name}.docx")
                src = os.path.join(out, f"{shape}.docx")
                write_docx(src, docx, lambda x: relayout(x, w, h, landscape, "fit"))
                convert(docx, "pdf", tmp)
                shutil.copy(os.path.join(tmp, f"{shape}.{name}.pdf"), out)
    finally:
        shutil.rmtree(tmp)


def chromium():
    tmp = tempfile.mkdtemp()
    try:
        for seed in SEEDS:
            with open(os.path.join(OUT, f"{seed}.html"), encoding="utf-8") as f:
                page = f.read()
            for name, size, extra in CHROMIUM_LAYOUTS:
                css = f"<style>@page {{ size: {size}; margin: 2cm 1.5cm; }} {extra}</style>"
                src = os.path.join(tmp, f"{seed}.{name}.html")
                with open(src, "w", encoding="utf-8") as f:
                    f.write(page.replace("<head>", "<head>" + css, 1))
                subprocess.run(
                    ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                     "--no-pdf-header-footer", "--disable-pdf-tagging",
                     "--print-to-pdf=" + os.path.join(OUT, f"{seed}.{name}.pdf"),
                     "file://" + src],
                    check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )
    finally:
        shutil.rmtree(tmp)


# The DOCX on other fonts, exported as tagged PDF/A-2 (LibreOffice's filter options as JSON).
FONT_LAYOUTS = [("dejavu-a4-landscape", "a4-landscape"), ("dejavu-a4-portrait", "a4-portrait")]
TAGGED_PDF_A = (
    'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"},'
    '"SelectPdfVersion":{"type":"long","value":"2"}}'
)


def fonts():
    tmp = tempfile.mkdtemp()
    try:
        for seed in SEEDS:
            src = os.path.join(OUT, f"{seed}.docx")
            for name, base in FONT_LAYOUTS:
                _, w, h, landscape, widths = next(l for l in LAYOUTS if l[0] == base)
                docx = os.path.join(tmp, f"{seed}.{name}.docx")
                with zipfile.ZipFile(src) as zin, zipfile.ZipFile(docx, "w", zipfile.ZIP_DEFLATED) as zout:
                    for item in zin.infolist():
                        data = zin.read(item.filename)
                        if item.filename.startswith("word/") and item.filename.endswith(".xml"):
                            text = data.decode("utf-8")
                            if item.filename == "word/document.xml":
                                text = relayout(text, w, h, landscape, widths)
                            for family in ["Liberation Serif", "Liberation Sans"]:
                                text = text.replace(family, "DejaVu Sans")
                            data = text.encode("utf-8")
                        zout.writestr(item, data)
                convert(docx, TAGGED_PDF_A, tmp)
                shutil.copy(os.path.join(tmp, f"{seed}.{name}.pdf"), OUT)
    finally:
        shutil.rmtree(tmp)


WEASYPRINT_CSS = """@page {{ size: {size}; margin: 1.5cm }}
body {{ font-family: 'DejaVu Sans', sans-serif; font-size: 9pt }}
table {{ border-collapse: collapse; width: 100% }}
td, th {{ border: 0.5pt solid black; padding: 2pt; vertical-align: top }}"""


def weasyprint():
    import weasyprint as wp

    def write(src, dst, size):
        css = wp.CSS(string=WEASYPRINT_CSS.format(size=size))
        wp.HTML(src).write_pdf(dst, stylesheets=[css])

    for seed in SEEDS:
        for name, size in [("a4-landscape", "A4 landscape"), ("a4-portrait", "A4 portrait")]:
            write(os.path.join(OUT, f"{seed}.html"), os.path.join(OUT, f"{seed}.weasyprint-{name}.pdf"), size)
    shapes_dir = os.path.join(OUT, "shapes")
    for html in sorted(os.listdir(shapes_dir)):
        if html.endswith(".html"):
            shape = html[: -len(".html")]
            write(os.path.join(shapes_dir, html), os.path.join(shapes_dir, f"{shape}.weasyprint.pdf"), "A4 landscape")


def main():
    if sys.argv[1:] == ["fonts"]:
        fonts()
        return
    if sys.argv[1:] == ["weasyprint"]:
        weasyprint()
        return
    if sys.argv[1:] == ["text"]:
        pdftotext()
        return
    if sys.argv[1:] == ["shapes"]:
        shapes()
        return
    if sys.argv[1:] == ["chromium"]:
        chromium()
        return
    tmp = tempfile.mkdtemp()
    try:
        for seed in SEEDS:
            src = os.path.join(OUT, f"{seed}.docx")
            for name, w, h, landscape, widths in LAYOUTS:
                docx = os.path.join(tmp, f"{seed}.{name}.docx")
                write_docx(src, docx, lambda x: relayout(x, w, h, landscape, widths))
                convert(docx, "pdf", tmp)
                shutil.copy(os.path.join(tmp, f"{seed}.{name}.pdf"), OUT)
            for ext, target in [("odt", "odt"), ("rtf", "rtf"), ("doc", "doc:MS Word 97")]:
                convert(src, target, tmp)
                shutil.copy(os.path.join(tmp, f"{seed}.{ext}"), OUT)
        pdftotext()
    finally:
        shutil.rmtree(tmp)
    chromium()


if __name__ == "__main__":
    main()
