#ifndef NEWSUTILS_RECORD_H
#define NEWSUTILS_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "json.h"

/* One JSON Lines record: a parsed view of a line that hands out unescaped
 * string fields, takes replacements and additions, and writes every member
 * it was not asked to change back byte for byte, in order. */

struct record_edit {
	char *key;
	size_t key_len;
	struct buf value; /* raw JSON text of the new value */
	const char *text; /* or, when not NULL, UTF-8 text to write as a string */
	size_t text_len;
	bool is_removed;
	size_t member;    /* index of the member it replaces, or SIZE_MAX if new */
};

struct record {
	const char *line; /* not owned; valid until the next parse */
	size_t len;
	struct json_member *members;
	size_t count, cap;
	struct buf *decoded; /* per member, unescaped string values */
	size_t decoded_cap;
	struct record_edit *edits;
	size_t edit_count, edit_cap;
};

/* Parses line[0..len) (without its newline) as a record. The line must stay
 * valid while the record is used. Returns false with err filled if the line
 * is not a JSON object. */
bool record_parse(struct record *r, const char *line, size_t len, struct json_error *err);
/* Makes r a record of line[0..len), which an earlier record_parse found to
 * have the count members given (copied, as offsets into a copy of that
 * line): what record_parse would give, without scanning the line again. */
void record_parse_trusted(struct record *r, const char *line, size_t len,
			  const struct json_member *members, size_t count);
/* Returns the index of the member named key (the last, if repeated), or -1. */
long record_find(struct record *r, const char *key);
/* Looks up key as a string: true and *s, *n set (NUL-safe, valid until the
 * next parse) if present and a string; false otherwise. */
bool record_get_string(struct record *r, const char *key, const char **s, size_t *n);
/* Returns the JSON type of key, or -1 if absent. */
int record_type(struct record *r, const char *key);
/* Sets key to the string s[0..n), replacing it in place or adding it at the end. */
void record_set_string(struct record *r, const char *key, const char *s, size_t n);
/* record_set_string for s known to be valid UTF-8 (one pass, not two). */
void record_set_utf8(struct record *r, const char *key, const char *s, size_t n);
/* record_set_utf8 without a copy: s is read when the record is
 * serialised, and must stay as it is until then. */
void record_set_utf8_ref(struct record *r, const char *key, const char *s, size_t n);
/* Sets key to a raw JSON value (which must be valid JSON). */
void record_set_raw(struct record *r, const char *key, const char *json, size_t n);
/* Removes key from the output, if present. */
void record_remove(struct record *r, const char *key);
/* Returns whether any set or remove has been made since the parse. */
bool record_is_modified(const struct record *r);
/* Appends the record and a newline to out: the original line unchanged if
 * nothing was modified, otherwise compact with untouched members verbatim. */
void record_serialize(const struct record *r, struct buf *out);
/* Frees everything the record holds. */
void record_free(struct record *r);

#endif
