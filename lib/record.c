#include "record.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Forgets the edits; their keys stay allocated for the next record, which
 * mostly sets the same members again. */
static void reset_edits(struct record *r)
{
	for (size_t i = 0; i < r->edit_count; i++) {
		buf_clear(&r->edits[i].value);
		r->edits[i].text = NULL;
	}
	r->edit_count = 0;
}

/* Makes room for the decoded values of r's members, none decoded yet. */
static void reset_decoded(struct record *r)
{
	if (r->decoded_cap < r->count) {
		r->decoded = xrealloc(r->decoded, r->count * sizeof *r->decoded);
		memset(r->decoded + r->decoded_cap, 0,
		       (r->count - r->decoded_cap) * sizeof *r->decoded);
		r->decoded_cap = r->count;
	}
	for (size_t i = 0; i < r->count; i++)
		r->decoded[i].len = SIZE_MAX; /* not decoded yet */
}

bool record_parse(struct record *r, const char *line, size_t len, struct json_error *err)
{
	reset_edits(r);
	r->line = line;
	r->len = len;
	if (!json_scan_object(line, len, &r->members, &r->count, &r->cap, err)) {
		r->count = 0;
		return false;
	}
	reset_decoded(r);
	return true;
}

void record_parse_trusted(struct record *r, const char *line, size_t len,
			  const struct json_member *members, size_t count)
{
	reset_edits(r);
	r->line = line;
	r->len = len;
	if (r->cap < count) {
		r->cap = count;
		r->members = xrealloc(r->members, count * sizeof *r->members);
	}
	if (count)
		memcpy(r->members, members, count * sizeof *members);
	r->count = count;
	reset_decoded(r);
}

static bool key_equals(const struct record *r, const struct json_member *m, const char *key,
		       size_t key_len)
{
	const char *k = r->line + m->key_off;
	if (!m->key_has_escape)
		return m->key_len == key_len && memcmp(k, key, key_len) == 0;
	struct buf tmp = {0};
	json_unescape(k, m->key_len, &tmp);
	bool eq = tmp.len == key_len && memcmp(tmp.data, key, key_len) == 0;
	buf_free(&tmp);
	return eq;
}

long record_find(struct record *r, const char *key)
{
	size_t key_len = strlen(key);
	for (size_t i = r->count; i-- > 0;)
		if (key_equals(r, &r->members[i], key, key_len))
			return (long)i;
	return -1;
}

int record_type(struct record *r, const char *key)
{
	long i = record_find(r, key);
	return i < 0 ? -1 : (int)r->members[i].type;
}

bool record_get_string(struct record *r, const char *key, const char **s, size_t *n)
{
	long i = record_find(r, key);
	if (i < 0 || r->members[i].type != JSON_STRING)
		return false;
	const struct json_member *m = &r->members[i];
	const char *raw = r->line + m->val_off + 1;
	size_t raw_len = m->val_len - 2;
	if (!m->val_has_escape) {
		*s = raw;
		*n = raw_len;
		return true;
	}
	struct buf *d = &r->decoded[i];
	if (d->len == SIZE_MAX) {
		d->len = 0;
		json_unescape(raw, raw_len, d);
	}
	*s = d->data ? d->data : "";
	*n = d->len;
	return true;
}

static struct record_edit *edit_for(struct record *r, const char *key)
{
	size_t key_len = strlen(key);
	for (size_t i = 0; i < r->edit_count; i++)
		if (r->edits[i].key_len == key_len && memcmp(r->edits[i].key, key, key_len) == 0)
			return &r->edits[i];
	if (r->edit_count == r->edit_cap) {
		size_t cap = r->edit_cap ? r->edit_cap * 2 : 8;
		r->edits = xrealloc(r->edits, cap * sizeof *r->edits);
		memset(r->edits + r->edit_cap, 0, (cap - r->edit_cap) * sizeof *r->edits);
		r->edit_cap = cap;
	}
	struct record_edit *e = &r->edits[r->edit_count++];
	if (!e->key || e->key_len != key_len || memcmp(e->key, key, key_len) != 0) {
		free(e->key);
		e->key = xstrndup(key, key_len);
		e->key_len = key_len;
	}
	e->is_removed = false;
	e->text = NULL;
	buf_clear(&e->value);
	long m = record_find(r, key);
	e->member = m < 0 ? SIZE_MAX : (size_t)m;
	return e;
}

void record_set_string(struct record *r, const char *key, const char *s, size_t n)
{
	struct record_edit *e = edit_for(r, key);
	e->is_removed = false;
	e->text = NULL;
	buf_clear(&e->value);
	json_append_string(&e->value, s, n);
}

void record_set_utf8_ref(struct record *r, const char *key, const char *s, size_t n)
{
	struct record_edit *e = edit_for(r, key);
	e->is_removed = false;
	buf_clear(&e->value);
	e->text = s ? s : "";
	e->text_len = n;
}

void record_set_utf8(struct record *r, const char *key, const char *s, size_t n)
{
	struct record_edit *e = edit_for(r, key);
	e->is_removed = false;
	e->text = NULL;
	buf_clear(&e->value);
	json_append_utf8(&e->value, s, n);
}

void record_set_raw(struct record *r, const char *key, const char *json, size_t n)
{
	struct record_edit *e = edit_for(r, key);
	e->is_removed = false;
	e->text = NULL;
	buf_clear(&e->value);
	buf_add(&e->value, json, n);
}

void record_remove(struct record *r, const char *key)
{
	struct record_edit *e = edit_for(r, key);
	e->is_removed = true;
	e->text = NULL;
	buf_clear(&e->value);
}

bool record_is_modified(const struct record *r)
{
	return r->edit_count > 0;
}

static const struct record_edit *edit_of_member(const struct record *r, size_t member)
{
	for (size_t i = 0; i < r->edit_count; i++)
		if (r->edits[i].member == member)
			return &r->edits[i];
	return NULL;
}

/* Whether member i is an earlier duplicate of a removed key: a removal
 * stands for every occurrence, so that the key is really gone. (A set
 * replaces the last occurrence, the one readers take, and keeps the rest.) */
static bool is_shadowed(const struct record *r, size_t i)
{
	for (size_t k = 0; k < r->edit_count; k++) {
		const struct record_edit *e = &r->edits[k];
		if (e->is_removed && e->member != SIZE_MAX && e->member != i &&
		    key_equals(r, &r->members[i], e->key, e->key_len))
			return true;
	}
	return false;
}

/* The value of an edit, as JSON, appended to out. */
static void add_value(struct buf *out, const struct record_edit *e)
{
	if (e->text)
		json_append_utf8(out, e->text, e->text_len);
	else
		buf_add(out, e->value.data, e->value.len);
}

static void add_member(struct buf *out, bool *first, const char *key, size_t key_len,
		       bool key_is_raw, const char *val, size_t val_len)
{
	if (!key_is_raw) {
		if (!*first)
			buf_addc(out, ',');
		*first = false;
		json_append_string(out, key, key_len);
		buf_addc(out, ':');
		if (val_len)
			buf_add(out, val, val_len);
		return;
	}
	/* ,"key":value in one go */
	buf_reserve(out, key_len + val_len + 4);
	char *w = out->data + out->len;
	if (!*first)
		*w++ = ',';
	*first = false;
	*w++ = '"';
	memcpy(w, key, key_len);
	w += key_len;
	*w++ = '"';
	*w++ = ':';
	if (val_len)
		memcpy(w, val, val_len);
	w += val_len;
	out->len = (size_t)(w - out->data);
	out->data[out->len] = '\0';
}

void record_serialize(const struct record *r, struct buf *out)
{
	if (!r->edit_count) {
		buf_add(out, r->line, r->len);
		buf_addc(out, '\n');
		return;
	}
	bool first = true;
	buf_reserve(out, r->len + 64);
	buf_addc(out, '{');
	for (size_t i = 0; i < r->count; i++) {
		const struct json_member *m = &r->members[i];
		const struct record_edit *e = edit_of_member(r, i);
		const char *key = r->line + m->key_off;
		if (!e && is_shadowed(r, i))
			continue;
		if (!e) {
			add_member(out, &first, key, m->key_len, true, r->line + m->val_off,
				   m->val_len);
		} else if (!e->is_removed) {
			add_member(out, &first, key, m->key_len, true, NULL, 0);
			add_value(out, e);
		}
	}
	for (size_t i = 0; i < r->edit_count; i++) {
		const struct record_edit *e = &r->edits[i];
		if (e->member == SIZE_MAX && !e->is_removed) {
			add_member(out, &first, e->key, e->key_len, false, NULL, 0);
			add_value(out, e);
		}
	}
	buf_add(out, "}\n", 2);
}

void record_free(struct record *r)
{
	reset_edits(r);
	for (size_t i = 0; i < r->edit_cap; i++) {
		free(r->edits[i].key);
		buf_free(&r->edits[i].value);
	}
	free(r->edits);
	for (size_t i = 0; i < r->decoded_cap; i++)
		buf_free(&r->decoded[i]);
	free(r->decoded);
	free(r->members);
	memset(r, 0, sizeof *r);
}
