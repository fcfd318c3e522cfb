#ifndef NEWSUTILS_CHARSET_H
#define NEWSUTILS_CHARSET_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Turning member bytes into UTF-8: a byte-order mark, a declared charset,
 * or else a documented guess between the single-byte code pages that news
 * archives hold in practice (cp1252, cp1254, latin-1). */

/* Appends s[0..n) to out as UTF-8 and returns the name of the encoding it
 * was read as: "utf-8" when it was valid already (a UTF-8 BOM is dropped),
 * "utf-16le"/"utf-16be" for text with that BOM (unpaired surrogates and an
 * odd last byte replaced), the declared charset when
 * one is given (as in an HTTP or meta header) and it converts cleanly, else
 * the guess of charset_guess. Never returns invalid UTF-8: bytes that no
 * encoding explains become U+FFFD, counted in *replaced. */
const char *charset_to_utf8(const char *s, size_t n, const char *declared, struct buf *out,
			    size_t *replaced);

/* Guesses the single-byte encoding of s (which is not valid UTF-8):
 * "cp1254" when the letters that only Turkish uses in that code page
 * (ğ ı ş İ Ş Ğ at 0xF0 0xFD 0xFE 0xDD 0xDE 0xD0) make up at least a quarter
 * of the bytes 0xC0-0xFF, "latin-1" when bytes 0x80-0x9F hold one that cp1252
 * leaves undefined, "cp1252" otherwise. */
const char *charset_guess(const char *s, size_t n);

/* Returns the table charset_to_utf8 reads bytes 0x80-0xFF of "cp1252" or
 * "cp1254" with (Unicode code points, 0 where the code page defines
 * nothing), or NULL for any other name. For mojibake, which runs it
 * backwards. */
const uint16_t *charset_high_table(const char *name);

/* Extracts a charset name from a Content-Type value or an HTML <meta>
 * ("text/html; charset=EUC-JP"): copies it lowercased into name and returns
 * name, or returns NULL if there is none. */
const char *charset_from_content_type(const char *value, size_t n, char *name,
				      size_t name_size);

#endif
