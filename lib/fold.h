#ifndef NEWSUTILS_FOLD_H
#define NEWSUTILS_FOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Folding for matching names: letters lowercased (Unicode case folding),
 * marks stripped after compatibility decomposition (ç → c, ş → s, ğ → g,
 * é → e, ﬁ → fi), and the Turkish dotted and dotless i (İ, ı) both made i,
 * so that "ÇAVUŞOĞLU", "Çavuşoğlu" and "cavusoglu" fold alike.
 * Punctuation, symbols and spaces outside ASCII fold to their ASCII kin
 * (’ to ', “ to ", – to -, … to ...) or to a space, so that words end at
 * them; format characters (soft hyphens, joiners) fold to nothing. Text
 * that is not valid UTF-8 folds byte by byte into spaces. */

/* A folded text with the way back: for each byte of text, the index of the
 * code point of the input it came from. */
struct fold {
	struct buf text;
	uint32_t *from; /* text.len entries, and one more: the input's length in code points */
	unsigned char *upper; /* for each byte of text, 1 if it came from an uppercase letter */
	size_t cap;
};

/* Folds s[0..n) into f (reusing its memory). */
void fold_text(const char *s, size_t n, struct fold *f);
void fold_free(struct fold *f);

/* Whether the folded bytes [start, end) of f read as a name: more than
 * three letters, or all of them capitals ("un" is a word, "UN" a name). */
bool fold_short_in_capitals(const struct fold *f, size_t start, size_t end);

/* Appends the folding of s[0..n) to out (no way back). */
void fold_append(const char *s, size_t n, struct buf *out);

/* Whether folded byte c belongs to a word: an ASCII letter or digit, or a
 * byte of a non-ASCII character (a letter of another script). */
static inline int fold_is_word_byte(unsigned char c)
{
	return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
}

#endif
