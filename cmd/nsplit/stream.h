#ifndef NSPLIT_STREAM_H
#define NSPLIT_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"

/* A buffered byte source over a read callback (a libarchive entry), with
 * bytes that were already read handed back first: what the WARC parser
 * reads record by record, however large the file. */
struct stream {
	ssize_t (*read)(void *ctx, void *dst, size_t n); /* -1 on error */
	void *ctx;
	char *data;
	size_t start, end, cap;
	bool is_eof;
	bool is_failed;
	uint64_t offset; /* bytes consumed by the parser so far */
};

/* Starts a stream whose first bytes are prefix[0..n) (copied). */
void stream_init(struct stream *s, ssize_t (*read)(void *, void *, size_t), void *ctx,
		 const void *prefix, size_t n);
/* Returns the next line without its LF or CR LF; 1 found, 0 end of data,
 * -1 read error or a line longer than max. */
int stream_getline(struct stream *s, const char **line, size_t *len, size_t max);
/* Appends up to n bytes to out, fewer only at the end of the data; returns
 * the count appended. */
uint64_t stream_read(struct stream *s, struct buf *out, uint64_t n);
/* Skips n bytes; returns the count skipped. */
uint64_t stream_skip(struct stream *s, uint64_t n);
/* Frees the buffer. */
void stream_free(struct stream *s);

#endif
