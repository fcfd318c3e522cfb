/* nsplit's member parsers (text, HTML, mail, Reuters SGML, WARC with
 * HTTP) on arbitrary bytes: no crash, and every text field handed out is
 * valid UTF-8. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "charset.h"
#include "date.h"
#include "stream.h"
#include "utf8.h"
#include "warc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct buf decoded;

static const char *decode(void *ctx, const char *s, size_t n, const char *declared,
			  size_t *out_len)
{
	(void)ctx;
	size_t replaced;
	buf_clear(&decoded);
	charset_to_utf8(s, n, declared, &decoded, &replaced);
	*out_len = decoded.len;
	return decoded.data ? decoded.data : "";
}

/* nsplit writes text fields without validating them again: every one must
 * be valid UTF-8 already. */
static void emit(void *ctx, const struct article *a)
{
	size_t *sum = ctx;
	for (size_t i = 0; i < a->count; i++) {
		for (size_t k = 0; k < a->fields[i].len; k++)
			*sum += (unsigned char)a->fields[i].value[k]; /* touch every byte */
		if (!a->fields[i].is_json && !utf8_is_valid(a->fields[i].value, a->fields[i].len))
			abort();
	}
}

static void skip(void *ctx, const char *sub, const char *reason)
{
	(void)ctx;
	(void)sub;
	(void)reason;
}

struct source {
	const uint8_t *p;
	size_t left;
};

static ssize_t source_read(void *ctx, void *dst, size_t n)
{
	struct source *s = ctx;
	size_t k = n < s->left ? n : s->left;
	memcpy(dst, s->p, k);
	s->p += k;
	s->left -= k;
	return (ssize_t)k;
}

static bool any_type(const char *type)
{
	(void)type;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	size_t sum = 0;
	struct article_sink sink = {decode, emit, skip, &sum};
	/* As nsplit does: decode first, then parse the text or the page. */
	size_t n;
	const char *d = decode(NULL, s, size, NULL, &n);
	struct buf text = {0};
	buf_add(&text, d, n);
	text.len = article_crlf_to_lf(text.data, text.len);
	struct article a = {0};
	article_text(text.data, text.len, &a);
	emit(&sum, &a);
	struct buf title = {0};
	if (article_is_html(text.data, text.len)) {
		struct article h = {0};
		char cs[64];
		article_html_charset(s, size, cs, sizeof cs);
		article_html(text.data, text.len, &h, &title);
		emit(&sum, &h);
	}
	buf_free(&text);
	article_mail(s, size, &sink);
	article_reuters(s, size, &sink);
	char iso[40];
	date_from_rfc2822(s, size, iso);
	date_from_reuters(s, size, iso);
	date_from_iso(s, size, iso);

	struct source src = {data, size};
	struct stream st;
	stream_init(&st, source_read, &src, "", 0);
	struct warc_record r = {0};
	struct http_response h = {0};
	char err[256];
	for (int i = 0; i < 64 && warc_next(&st, &r, 1 << 20, any_type, err, sizeof err) > 0; i++)
		if (r.block.len)
			http_parse_response(r.block.data, r.block.len, 1 << 20, &h);
	http_parse_response(s, size, 1 << 20, &h);
	warc_record_free(&r);
	http_response_free(&h);
	stream_free(&st);
	buf_free(&title);
	return 0;
}
