#!/usr/bin/env bash
# Cuts the bundled DejaVu Sans fonts down to the scripts a Bulgarian report can contain, so the
# PDF (which embeds its fonts whole) stays small. Run once when the fonts change; needs
# fonttools (`pip install fonttools`). The glyph names, hinting and cmap are kept, so text is
# still searchable and copyable in the PDF.
#
#   scripts/subset-fonts.sh ORIGINAL_DIR   # DejaVuSans.ttf and DejaVuSans-Bold.ttf from the
#                                          # DejaVu release; writes assets/fonts/
set -euo pipefail
src=${1:?the folder with the original DejaVuSans.ttf and DejaVuSans-Bold.ttf}
out="$(dirname "$0")/../assets/fonts"
# Basic Latin, Latin-1, Latin Extended-A/B (Romani, Turkish), Greek, Cyrillic and its
# supplement, general punctuation, super/subscripts, currency, letterlike (№), number forms,
# arrows, mathematical operators, geometric shapes and bullets used by charts and lists.
unicodes="U+0020-007E,U+00A0-024F,U+0370-03FF,U+0400-052F,U+2000-206F,U+2070-209F,U+20A0-20CF,U+2100-218F,U+2190-21FF,U+2200-22FF,U+25A0-25FF,U+FFFD"
for f in DejaVuSans DejaVuSans-Bold; do
    pyftsubset "$src/$f.ttf" --unicodes="$unicodes" --layout-features='*' --no-hinting \
        --name-IDs='*' --name-languages='*' --name-legacy --output-file="$out/$f.ttf"
done
ls -l "$out"
