#ifndef NEWSUTILS_UTF8_H
#define NEWSUTILS_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing past
 * U+10FFFF. */

/* Returns the length of the longest valid UTF-8 prefix of s[0..n). */
size_t utf8_valid_prefix(const char *s, size_t n);
/* Returns whether s[0..n) is entirely valid UTF-8. */
bool utf8_is_valid(const char *s, size_t n);
/* Decodes one code point at s; returns its length in bytes, or 0 if the
 * bytes at s do not start a valid sequence within n. */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);
/* Encodes cp (a Unicode scalar value) into out; returns the length 1..4. */
size_t utf8_encode(uint32_t cp, char out[4]);
/* Hands s to emit in valid runs, with U+FFFD for each invalid sequence
 * (a bad byte and the continuation bytes after it); returns how many bytes
 * were replaced. */
size_t utf8_sanitize(const char *s, size_t n, void (*emit)(void *ctx, const char *p, size_t k),
		     void *ctx);
/* Appends s to out with every invalid sequence replaced by U+FFFD; returns
 * how many bytes were replaced. */
size_t utf8_append_sanitized(struct buf *out, const char *s, size_t n);
/* Returns the number of code points in valid UTF-8 s[0..n). */
size_t utf8_count(const char *s, size_t n);

/* A place in valid UTF-8 text s[0..n), as a byte offset and the number of
 * code points before it, for turning byte offsets into code points and
 * back when they come mostly in order: each call moves on from the last
 * place, forwards or back, or from the text's start when that is nearer:
 * a step costs the bytes it crosses, however long the text. Offsets are
 * at character boundaries. */
struct utf8_cursor {
	const char *s;
	size_t n, byte, cp;
};

/* The code points before byte offset byte. */
size_t utf8_cursor_cp(struct utf8_cursor *c, size_t byte);
/* The byte offset of code point cp (n past the end). */
size_t utf8_cursor_byte(struct utf8_cursor *c, size_t cp);

#endif
