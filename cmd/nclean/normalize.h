#ifndef NCLEAN_NORMALIZE_H
#define NCLEAN_NORMALIZE_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* A line of a block being assembled (working memory of normalize_text). */
struct normalize_line {
	const char *p;
	size_t n;      /* without trailing spaces */
	size_t indent; /* leading spaces */
	bool has_pair; /* two spaces in a row may be in it past the indent (false: none is) */
	bool is_trimmed; /* n is less than the line: it ended in spaces */
	bool is_ascii;   /* no byte of 0x80 or above (false: there may be) */
};

/* A line of normalised text. */
struct normalize_span {
	size_t start, end;
};

/* Working memory of markup decoding (normalize.c). */
struct candidate;
struct candidate_list {
	struct candidate *items;
	size_t count, cap;
};

/* Working memory of normalize_text, kept from one call to the next. */
struct normalize_work {
	struct buf a, b, nfc;
	struct normalize_line *lines;
	size_t line_cap;
	/* The lines of the last text made, [start, end) in out, in order:
	 * all of its lines but the blank ones. */
	struct normalize_span *spans;
	size_t span_count, span_cap;
	struct candidate_list near, far; /* markup decoding */
	size_t *flags;
	size_t flag_count, flag_cap;
};

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
 * trimmed of blank lines at both ends. out must not hold s. */
size_t normalize_text(const char *s, size_t n, struct buf *out, struct normalize_work *w);
/* Whether the steps of normalize_text before the lines (markup, mojibake,
 * NFC, characters) leave s[0..n) as it is. With of_lines, s is lines of
 * text that normalize_text made, joined by line breaks: the steps that
 * look at no more than a character and its neighbours are not run again
 * (markup may span lines, and mojibake repair weighs the whole text). */
bool normalize_keeps_characters(const char *s, size_t n, bool of_lines);
/* normalize_text of text that normalize_keeps_characters: only its last
 * step, lines and paragraphs. */
void normalize_lines(const char *s, size_t n, struct buf *out, struct normalize_work *w);
/* Whether normalize_text joins a paragraph of these lines (hard-wrapped). */
bool normalize_joins(const struct normalize_line *lines, size_t count);
/* Frees the working memory; w may be used again after. */
void normalize_work_free(struct normalize_work *w);

#endif
