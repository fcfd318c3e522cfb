#ifndef NEWSUTILS_JSON_H
#define NEWSUTILS_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* A strict RFC 8259 scanner that validates a whole value and remembers
 * where the top-level members of an object are, so that records can be
 * rewritten with every member they do not touch kept byte for byte. */

enum json_type {
	JSON_NULL,
	JSON_FALSE,
	JSON_TRUE,
	JSON_NUMBER,
	JSON_STRING,
	JSON_ARRAY,
	JSON_OBJECT,
};

/* One top-level member: offsets into the scanned text. Key spans exclude
 * the quotes; value spans of strings include them. */
struct json_member {
	size_t key_off, key_len;
	size_t val_off, val_len;
	enum json_type type;
	bool key_has_escape;
	bool val_has_escape;
};

/* Where scanning failed and why (a static string). */
struct json_error {
	size_t offset;
	const char *message;
};

/* Nesting deeper than this is rejected rather than risking the stack. */
enum { JSON_MAX_DEPTH = 512 };

/* Scans s[0..n) as one JSON object surrounded by optional white space.
 * On success fills members (grown with xrealloc; *count and *cap updated)
 * and returns true; otherwise fills err and returns false. */
bool json_scan_object(const char *s, size_t n, struct json_member **members,
		      size_t *count, size_t *cap, struct json_error *err);

/* Appends the decoded content of a scanned string (without its quotes) to
 * out. The input must have passed json_scan_object. */
void json_unescape(const char *s, size_t n, struct buf *out);

/* Appends s[0..n) as a quoted JSON string: compact escapes, non-ASCII kept
 * as raw UTF-8, invalid UTF-8 replaced by U+FFFD. Returns the number of
 * bytes replaced (0 for valid input). */
size_t json_append_string(struct buf *out, const char *s, size_t n);
/* Like json_append_string for s already known to be valid UTF-8 (as text
 * that went through charset_to_utf8 is): one pass instead of two. */
void json_append_utf8(struct buf *out, const char *s, size_t n);

#endif
