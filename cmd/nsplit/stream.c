#include "stream.h"

#include <stdlib.h>
#include <string.h>

enum { CHUNK = 256 * 1024 };

void stream_init(struct stream *s, ssize_t (*read)(void *, void *, size_t), void *ctx,
		 const void *prefix, size_t n)
{
	memset(s, 0, sizeof *s);
	s->read = read;
	s->ctx = ctx;
	s->cap = n > CHUNK ? n : CHUNK;
	s->data = xmalloc(s->cap);
	memcpy(s->data, prefix, n);
	s->end = n;
}

/* Reads more bytes after end; false at the end of data or on error. */
static bool fill(struct stream *s)
{
	if (s->is_eof || s->is_failed)
		return false;
	if (s->start > 0 && s->start == s->end)
		s->start = s->end = 0;
	if (s->cap - s->end < CHUNK / 4) {
		if (s->start > 0) {
			memmove(s->data, s->data + s->start, s->end - s->start);
			s->end -= s->start;
			s->start = 0;
		}
		if (s->cap - s->end < CHUNK / 4) {
			s->cap *= 2;
			s->data = xrealloc(s->data, s->cap);
		}
	}
	ssize_t k = s->read(s->ctx, s->data + s->end, s->cap - s->end);
	if (k < 0) {
		s->is_failed = true;
		return false;
	}
	if (k == 0) {
		s->is_eof = true;
		return false;
	}
	s->end += (size_t)k;
	return true;
}

int stream_getline(struct stream *s, const char **line, size_t *len, size_t max)
{
	size_t scanned = 0;
	for (;;) {
		char *nl = memchr(s->data + s->start + scanned, '\n', s->end - s->start - scanned);
		if (nl) {
			size_t l = (size_t)(nl - (s->data + s->start));
			*line = s->data + s->start;
			*len = l && (*line)[l - 1] == '\r' ? l - 1 : l;
			s->start += l + 1;
			s->offset += l + 1;
			return 1;
		}
		scanned = s->end - s->start;
		if (scanned > max)
			return -1;
		if (!fill(s)) {
			if (s->is_failed)
				return -1;
			if (s->end == s->start)
				return 0;
			*line = s->data + s->start;
			*len = s->end - s->start;
			s->offset += *len;
			s->start = s->end;
			return 1;
		}
	}
}

/* Consumes up to n bytes, appending them to out unless it is NULL. */
static uint64_t take(struct stream *s, struct buf *out, uint64_t n)
{
	uint64_t done = 0;
	while (done < n) {
		if (s->start == s->end && !fill(s))
			break;
		size_t k = s->end - s->start;
		if (k > n - done)
			k = (size_t)(n - done);
		if (out)
			buf_add(out, s->data + s->start, k);
		s->start += k;
		done += k;
	}
	s->offset += done;
	return done;
}

uint64_t stream_read(struct stream *s, struct buf *out, uint64_t n)
{
	return take(s, out, n);
}

uint64_t stream_skip(struct stream *s, uint64_t n)
{
	return take(s, NULL, n);
}

void stream_free(struct stream *s)
{
	free(s->data);
	memset(s, 0, sizeof *s);
}
