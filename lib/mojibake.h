#ifndef NEWSUTILS_MOJIBAKE_H
#define NEWSUTILS_MOJIBAKE_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* Repairing mojibake: UTF-8 text that was decoded as cp1252, cp1254
 * (Turkish) or latin-1 and encoded to UTF-8 again, so that "İstanbul"
 * reads "Ä°stanbul", "é" reads "Ã©" and "’" reads "â€™". Each character of
 * the original became a group: a lead character (what the code page makes
 * of the UTF-8 lead byte: U+00C2-U+00F4, or cp1254's Ğ ğ İ Ş) followed by
 * one to three continuation characters (U+0080-U+00BF, or cp1252's
 * punctuation and letters at 0x80-0x9F such as € ’ “ ™ Š). Repairing
 * encodes the groups back into the bytes of the code page, which are the
 * original UTF-8. U+0080-U+009F stand for their own byte, as latin-1 and
 * sloppy cp1252 decoders make them (latin-1 needs nothing else: cp1252
 * encodes every other character of it to the same byte).
 *
 * A run is a stretch of adjacent groups. A line (split on '\n') whose
 * non-ASCII characters all fall into runs of one code page is repaired
 * whole if that lowers its badness; other lines, which mix correct text
 * and mojibake (as pages pasted together from two sources do), run by run,
 * each on its own evidence. The badness counts the groups that look like
 * mojibake (a capital such as Ã, Â, Ä° or a small â directly followed by
 * a symbol or a C1 control, where correct text has a letter) and what is
 * implausible: letters of two scripts side by side, combining marks on no
 * letter, unassigned and private-use characters. Correct text that merely
 * happens to encode to UTF-8 ("café »" would read "caf頻", Turkish
 * "KOBİ’ler" "KOBݒler") gains badness from a repair and is left alone. Up
 * to three rounds repair double and triple mojibake. */

/* Returns whether s[0..n) may hold mojibake: whether a lead character is
 * directly followed by a continuation character somewhere. In UTF-8 those
 * begin with C3 82-B4, C4 9E, C4 9F, C4 B0 or C5 9E, then with C2, C5, C6,
 * CB or E2, so one scan for bytes C3-C5, 16 at a time, answers for ASCII
 * and for most correct text in any script. False means that
 * mojibake_repair would copy s unchanged. */
bool mojibake_possible(const char *s, size_t n);

/* Appends s[0..n), UTF-8, to out with its mojibake repaired, and returns
 * the number of lines (split on '\n') it changed: 0 means that out
 * received s unchanged. A line that is not valid UTF-8 is copied as it
 * is. Thread-safe. */
size_t mojibake_repair(const char *s, size_t n, struct buf *out);

#endif
