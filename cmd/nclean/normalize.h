#ifndef NCLEAN_NORMALIZE_H
#define NCLEAN_NORMALIZE_H

#include <stddef.h>

#include "buf.h"

/* Text normalisation, the first step of nclean: its result is the same
 * when applied twice. */

/* Appends the normalised form of valid UTF-8 s[0..n) to out:
 * HTML entities decoded and stray tags of known HTML elements removed
 * (<br> and </p> become line breaks); mojibake repaired (lib/mojibake.h;
 * the number of lines repaired is returned); Unicode NFC (skipped when the text is
 * ASCII); CR LF and CR to LF, U+2028/U+2029 to LF; tabs, no-break and other
 * wide spaces to a space; zero-width characters, soft hyphens, BOMs and
 * other control characters removed; hard-wrapped lines joined back into
 * paragraphs where a block of lines was wrapped at a fixed width; runs of
 * spaces folded, lines trimmed, runs of blank lines to one, and the text
 * trimmed of blank lines at both ends. scratch is working memory. */
size_t normalize_text(const char *s, size_t n, struct buf *out, struct buf *scratch);

#endif
