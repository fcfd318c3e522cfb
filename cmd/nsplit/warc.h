#ifndef NSPLIT_WARC_H
#define NSPLIT_WARC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "stream.h"

/* WARC (ISO 28500, versions 0.18 to 1.1) read record by record. */

struct warc_record {
	char version[16];
	char type[32];        /* WARC-Type, lowercased */
	struct buf uri;       /* WARC-Target-URI */
	struct buf date;      /* WARC-Date as written */
	struct buf record_id; /* WARC-Record-ID */
	struct buf content_type;
	uint64_t length;      /* Content-Length */
	struct buf block;     /* the content block, when it was read */
	bool is_too_large;    /* longer than the limit: skipped, not read */
};

/* Returns whether data starts like a WARC file. */
bool warc_sniff(const char *s, size_t n);

/* Reads the next record; its block is read when type_wanted says so and it
 * is at most max bytes. Returns 1 for a record, 0 at the end, -1 on a
 * malformed file with a message in err. */
int warc_next(struct stream *s, struct warc_record *r, uint64_t max,
	      bool (*type_wanted)(const char *type), char *err, size_t err_size);

/* Frees the record's buffers. */
void warc_record_free(struct warc_record *r);

/* An HTTP response inside a response record. */
struct http_response {
	int status;
	char charset[64];  /* from Content-Type, "" if none */
	char mime[128];    /* Content-Type without parameters, lowercased */
	struct buf date;   /* the Date header */
	struct buf body;   /* de-chunked and, if gzip/deflate, inflated */
};

/* Parses block as an HTTP response, undoing chunked transfer encoding and
 * gzip or deflate content encoding (only when the bytes really are
 * compressed: some crawls decoded them and kept the header). The body is
 * bounded by max. Returns false when block is not an HTTP response. */
bool http_parse_response(const char *block, size_t n, uint64_t max, struct http_response *h);

/* Copies the media type of a Content-Type value ("text/html; charset=x"
 * gives "text/html"), lowercased, into out. */
void http_media_type(const char *value, size_t n, char *out, size_t out_size);

/* Frees the response's buffers. */
void http_response_free(struct http_response *h);

#endif
