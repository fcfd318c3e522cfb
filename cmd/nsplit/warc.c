#include "warc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "charset.h"

enum { MAX_HEADER_LINE = 64 * 1024 };

bool warc_sniff(const char *s, size_t n)
{
	return n >= 5 && memcmp(s, "WARC/", 5) == 0;
}

static void copy_value(struct buf *out, const char *v, size_t n)
{
	while (n && isspace((unsigned char)*v)) {
		v++;
		n--;
	}
	while (n && isspace((unsigned char)v[n - 1]))
		n--;
	buf_clear(out);
	buf_add(out, v, n);
}

static bool is_header(const char *line, size_t len, const char *name, const char **v,
		      size_t *vl)
{
	size_t k = strlen(name);
	if (len <= k || strncasecmp(line, name, k) != 0 || line[k] != ':')
		return false;
	*v = line + k + 1;
	*vl = len - k - 1;
	return true;
}

int warc_next(struct stream *s, struct warc_record *r, uint64_t max,
	      bool (*type_wanted)(const char *type), char *err, size_t err_size)
{
	const char *line;
	size_t len;
	int rc;
	/* Records are separated by two CR LFs; tolerate more or fewer. */
	uint64_t line_start;
	do {
		line_start = s->offset;
		rc = stream_getline(s, &line, &len, MAX_HEADER_LINE);
		if (rc <= 0) {
			if (rc < 0)
				snprintf(err, err_size, "read error or overlong line before a record");
			return rc;
		}
	} while (len == 0);
	if (len < 6 || memcmp(line, "WARC/", 5) != 0) {
		snprintf(err, err_size, "expected a WARC/ version line at byte %llu",
			 (unsigned long long)line_start);
		return -1;
	}
	snprintf(r->version, sizeof r->version, "%.*s", (int)(len - 5 < 15 ? len - 5 : 15),
		 line + 5);
	r->type[0] = '\0';
	r->length = UINT64_MAX;
	r->is_too_large = false;
	buf_clear(&r->uri);
	buf_clear(&r->date);
	buf_clear(&r->record_id);
	buf_clear(&r->content_type);
	buf_clear(&r->block);
	for (;;) {
		rc = stream_getline(s, &line, &len, MAX_HEADER_LINE);
		if (rc <= 0) {
			snprintf(err, err_size, "truncated WARC header");
			return -1;
		}
		if (len == 0)
			break;
		const char *v;
		size_t vl;
		if (is_header(line, len, "WARC-Type", &v, &vl)) {
			struct buf t = {0};
			copy_value(&t, v, vl);
			size_t k = 0;
			for (; k < t.len && k + 1 < sizeof r->type; k++)
				r->type[k] = (char)tolower((unsigned char)t.data[k]);
			r->type[k] = '\0';
			buf_free(&t);
		} else if (is_header(line, len, "WARC-Target-URI", &v, &vl)) {
			copy_value(&r->uri, v, vl);
			/* WARC 1.0 examples wrap the URI in angle brackets. */
			if (r->uri.len >= 2 && r->uri.data[0] == '<' &&
			    r->uri.data[r->uri.len - 1] == '>') {
				memmove(r->uri.data, r->uri.data + 1, r->uri.len - 2);
				r->uri.len -= 2;
				r->uri.data[r->uri.len] = '\0';
			}
		} else if (is_header(line, len, "WARC-Date", &v, &vl)) {
			copy_value(&r->date, v, vl);
		} else if (is_header(line, len, "WARC-Record-ID", &v, &vl)) {
			copy_value(&r->record_id, v, vl);
		} else if (is_header(line, len, "Content-Type", &v, &vl)) {
			copy_value(&r->content_type, v, vl);
		} else if (is_header(line, len, "Content-Length", &v, &vl)) {
			struct buf t = {0};
			copy_value(&t, v, vl);
			char *end;
			unsigned long long n = strtoull(t.data ? t.data : "", &end, 10);
			bool ok = t.len && *end == '\0';
			buf_free(&t);
			if (!ok) {
				snprintf(err, err_size, "invalid Content-Length");
				return -1;
			}
			r->length = n;
		}
	}
	if (r->length == UINT64_MAX) {
		snprintf(err, err_size, "WARC record without Content-Length");
		return -1;
	}
	bool wanted = type_wanted(r->type);
	if (wanted && r->length <= max) {
		if (stream_read(s, &r->block, r->length) != r->length) {
			snprintf(err, err_size, "truncated WARC record (%llu of %llu bytes)",
				 (unsigned long long)r->block.len, (unsigned long long)r->length);
			return -1;
		}
	} else {
		r->is_too_large = wanted;
		if (stream_skip(s, r->length) != r->length) {
			snprintf(err, err_size, "truncated WARC record");
			return -1;
		}
	}
	return 1;
}

void warc_record_free(struct warc_record *r)
{
	buf_free(&r->uri);
	buf_free(&r->date);
	buf_free(&r->record_id);
	buf_free(&r->content_type);
	buf_free(&r->block);
}

static bool dechunk(const char *s, size_t n, struct buf *out, uint64_t max)
{
	size_t i = 0;
	while (i < n) {
		char *end;
		unsigned long long size = strtoull(s + i, &end, 16);
		if (end == s + i)
			return false;
		const char *nl = memchr(s + i, '\n', n - i);
		if (!nl)
			return false;
		i = (size_t)(nl - s) + 1;
		if (size == 0)
			return true;
		if (size > n - i || out->len + size > max)
			return false;
		buf_add(out, s + i, (size_t)size);
		i += (size_t)size;
		if (i < n && s[i] == '\r')
			i++;
		if (i < n && s[i] == '\n')
			i++;
	}
	return true;
}

static bool inflate_body(const char *s, size_t n, struct buf *out, uint64_t max, bool is_gzip)
{
	z_stream z = {0};
	/* 15+32 detects gzip or zlib headers; raw deflate needs -15. */
	if (inflateInit2(&z, is_gzip ? 15 + 32 : -15) != Z_OK)
		return false;
	z.next_in = (unsigned char *)(uintptr_t)s;
	z.avail_in = n > UINT32_MAX ? UINT32_MAX : (unsigned)n;
	int rc = Z_OK;
	while (rc == Z_OK) {
		buf_reserve(out, 64 * 1024);
		z.next_out = (unsigned char *)out->data + out->len;
		z.avail_out = (unsigned)(out->cap - out->len - 1);
		size_t before = z.avail_out;
		rc = inflate(&z, Z_NO_FLUSH);
		out->len += before - z.avail_out;
		if (out->len > max)
			rc = Z_MEM_ERROR;
		if (rc == Z_BUF_ERROR && z.avail_in == 0)
			break; /* truncated: keep what was inflated */
	}
	inflateEnd(&z);
	out->data[out->len] = '\0';
	return rc == Z_STREAM_END || rc == Z_BUF_ERROR;
}

void http_media_type(const char *value, size_t n, char *out, size_t out_size)
{
	size_t k = 0;
	while (k < n && k + 1 < out_size && value[k] != ';' && !isspace((unsigned char)value[k])) {
		out[k] = (char)tolower((unsigned char)value[k]);
		k++;
	}
	out[k] = '\0';
}

bool http_parse_response(const char *block, size_t n, uint64_t max, struct http_response *h)
{
	h->status = 0;
	h->charset[0] = h->mime[0] = '\0';
	buf_clear(&h->date);
	buf_clear(&h->body);
	if (n < 12 || strncmp(block, "HTTP/", 5) != 0)
		return false;
	const char *sp = memchr(block, ' ', n < 16 ? n : 16);
	if (!sp)
		return false;
	h->status = atoi(sp + 1);
	bool chunked = false, gzip = false, deflate = false;
	size_t i = 0;
	for (;;) {
		const char *nl = memchr(block + i, '\n', n - i);
		if (!nl)
			return false;
		size_t e = (size_t)(nl - block);
		size_t len = e - i;
		if (len && block[e - 1] == '\r')
			len--;
		const char *line = block + i;
		i = e + 1;
		if (len == 0)
			break;
		const char *v;
		size_t vl;
		struct buf t = {0};
		if (is_header(line, len, "Content-Type", &v, &vl)) {
			copy_value(&t, v, vl);
			charset_from_content_type(t.data, t.len, h->charset, sizeof h->charset);
			http_media_type(t.data, t.len, h->mime, sizeof h->mime);
		} else if (is_header(line, len, "Transfer-Encoding", &v, &vl)) {
			copy_value(&t, v, vl);
			chunked = t.len && strcasestr(t.data, "chunked");
		} else if (is_header(line, len, "Content-Encoding", &v, &vl)) {
			copy_value(&t, v, vl);
			gzip = t.len && (strcasestr(t.data, "gzip") || strcasestr(t.data, "x-gzip"));
			deflate = t.len && strcasestr(t.data, "deflate");
		} else if (is_header(line, len, "Date", &v, &vl)) {
			copy_value(&h->date, v, vl);
		}
		buf_free(&t);
	}
	const char *body = block + i;
	size_t body_len = n - i;
	struct buf dechunked = {0};
	if (chunked && dechunk(body, body_len, &dechunked, max)) {
		body = dechunked.data ? dechunked.data : "";
		body_len = dechunked.len;
	}
	bool really_gzip = body_len >= 2 && (unsigned char)body[0] == 0x1f &&
			   (unsigned char)body[1] == 0x8b;
	bool really_zlib = body_len >= 2 && ((unsigned char)body[0] & 0x0f) == 8 &&
			   (((unsigned char)body[0] << 8) | (unsigned char)body[1]) % 31 == 0;
	bool raw_deflate = deflate && !really_gzip && !really_zlib && body_len &&
			   !isprint((unsigned char)body[0]);
	bool compressed = (gzip && really_gzip) || (deflate && (really_gzip || really_zlib)) ||
			  raw_deflate;
	if (!compressed ||
	    !inflate_body(body, body_len, &h->body, max, really_gzip || really_zlib)) {
		buf_clear(&h->body);
		buf_add(&h->body, body, body_len);
	}
	buf_free(&dechunked);
	return true;
}

void http_response_free(struct http_response *h)
{
	buf_free(&h->date);
	buf_free(&h->body);
}
