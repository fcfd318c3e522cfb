#include "article.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "charset.h"
#include "date.h"
#include "json.h"
#include "utf8.h"

void article_add(struct article *a, const char *key, const char *value, size_t len,
		 bool is_json)
{
	if (a->count < ARTICLE_MAX_FIELDS)
		a->fields[a->count++] = (struct article_field){key, value, len, is_json};
}

size_t article_crlf_to_lf(char *s, size_t n)
{
	char *cr = memchr(s, '\r', n);
	if (!cr)
		return n;
	size_t w = (size_t)(cr - s);
	for (size_t r = w; r < n; r++) {
		if (s[r] == '\r' && r + 1 < n && s[r + 1] == '\n')
			continue;
		s[w++] = s[r];
	}
	return w;
}

bool article_is_blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			return false;
	return true;
}

/* Returns the end of the line starting at i (the index of '\n' or n). */
static size_t line_end(const char *s, size_t n, size_t i)
{
	const char *nl = memchr(s + i, '\n', n - i);
	return nl ? (size_t)(nl - s) : n;
}

static void trim(const char **s, size_t *n)
{
	while (*n && isspace((unsigned char)(*s)[0])) {
		(*s)++;
		(*n)--;
	}
	while (*n && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

void article_text(const char *s, size_t n, struct article *a)
{
	size_t i = 0;
	while (i < n) {
		size_t e = line_end(s, n, i);
		if (!article_is_blank(s + i, e - i))
			break;
		i = e + 1;
	}
	if (i < n) {
		size_t e = line_end(s, n, i);
		const char *title = s + i;
		size_t title_len = e - i;
		trim(&title, &title_len);
		size_t next = e + 1;
		size_t next_end = next < n ? line_end(s, n, next) : n;
		bool blank_follows = next < n && article_is_blank(s + next, next_end - next);
		size_t body = next;
		while (body < n) {
			size_t be = line_end(s, n, body);
			if (!article_is_blank(s + body, be - body))
				break;
			body = be + 1;
		}
		char last = title[title_len - 1];
		if (blank_follows && body < n && utf8_count(title, title_len) <= 150 &&
		    !strchr(".:;,", last)) {
			article_add(a, "title", title, title_len, false);
			article_add(a, "text", s + body, n - body, false);
			return;
		}
	}
	article_add(a, "text", s, n, false);
}

bool article_is_html(const char *s, size_t n)
{
	size_t i = 0;
	if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	size_t left = n - i;
	static const char *const starts[] = {"<!doctype html", "<html", "<head", "<!--"};
	for (size_t k = 0; k < sizeof starts / sizeof *starts; k++) {
		size_t len = strlen(starts[k]);
		if (left >= len && strncasecmp(s + i, starts[k], len) == 0)
			return k < 3 || (left > 4 && memmem(s + i, left < 4096 ? left : 4096,
							   "<html", 5) != NULL);
	}
	return false;
}

const char *article_html_charset(const char *s, size_t n, char *name, size_t name_size)
{
	/* <meta charset="x"> and <meta http-equiv content="text/html; charset=x">
	 * alike: the charset= part of the first meta tag that has one. */
	size_t limit = n < 4096 ? n : 4096;
	for (size_t i = 0; i + 5 < limit; i++) {
		if (s[i] != '<' || strncasecmp(s + i + 1, "meta", 4) != 0)
			continue;
		const char *end = memchr(s + i, '>', limit - i);
		if (!end)
			return NULL;
		size_t len = (size_t)(end - (s + i));
		if (charset_from_content_type(s + i, len, name, name_size))
			return name;
		i += len;
	}
	return NULL;
}

/* Appends s with the SGML/HTML entities decoded that news archives use:
 * &amp; &lt; &gt; &quot; &apos; &nbsp; and numeric ones. Numeric references
 * to control characters (Reuters' &#2; &#3; &#5; markers) are dropped. */
static void add_decoded(struct buf *out, const char *s, size_t n)
{
	static const struct {
		const char *name;
		const char *text;
	} named[] = {{"amp;", "&"}, {"lt;", "<"}, {"gt;", ">"}, {"quot;", "\""},
		     {"apos;", "'"}, {"nbsp;", "\xC2\xA0"}, {"#39;", "'"}};
	size_t i = 0;
	while (i < n) {
		const char *amp = memchr(s + i, '&', n - i);
		size_t run = amp ? (size_t)(amp - (s + i)) : n - i;
		buf_add(out, s + i, run);
		i += run;
		if (i >= n)
			break;
		i++;
		bool done = false;
		for (size_t k = 0; k < sizeof named / sizeof *named && !done; k++) {
			size_t len = strlen(named[k].name);
			if (n - i >= len && memcmp(s + i, named[k].name, len) == 0) {
				buf_adds(out, named[k].text);
				i += len;
				done = true;
			}
		}
		if (!done && i < n && s[i] == '#') {
			size_t j = i + 1;
			int base = 10;
			if (j < n && (s[j] == 'x' || s[j] == 'X')) {
				base = 16;
				j++;
			}
			unsigned long cp = 0;
			size_t start = j;
			while (j < n && j - start < 7 &&
			       (base == 16 ? isxdigit((unsigned char)s[j]) : isdigit((unsigned char)s[j]))) {
				int d = isdigit((unsigned char)s[j]) ? s[j] - '0'
								    : (tolower((unsigned char)s[j]) - 'a' + 10);
				cp = cp * (unsigned long)base + (unsigned long)d;
				j++;
			}
			if (j > start && j < n && s[j] == ';') {
				i = j + 1;
				done = true;
				bool is_control = cp < 0x20 && cp != '\t' && cp != '\n';
				bool is_scalar = cp < 0x110000 && (cp < 0xD800 || cp > 0xDFFF);
				if (!is_control && is_scalar && cp != 0) {
					char enc[4];
					buf_add(out, enc, utf8_encode((uint32_t)cp, enc));
				}
			}
		}
		if (!done)
			buf_addc(out, '&');
	}
}

/* Appends s with runs of white space folded to one space, trimmed. */
static void add_folded(struct buf *out, const char *s, size_t n)
{
	bool space = false;
	size_t start = out->len;
	for (size_t i = 0; i < n; i++) {
		if (isspace((unsigned char)s[i])) {
			space = true;
			continue;
		}
		if (space && out->len > start)
			buf_addc(out, ' ');
		space = false;
		buf_addc(out, s[i]);
	}
}

/* Finds the content of the first <tag ...>...</tag> in s[0..n), case
 * insensitively; returns false if there is none. */
static bool element(const char *s, size_t n, const char *tag, const char **content,
		    size_t *len)
{
	size_t tl = strlen(tag);
	for (size_t i = 0; i + tl + 2 <= n; i++) {
		if (s[i] != '<' || strncasecmp(s + i + 1, tag, tl) != 0 ||
		    (s[i + 1 + tl] != '>' && !isspace((unsigned char)s[i + 1 + tl])))
			continue;
		const char *open_end = memchr(s + i, '>', n - i);
		if (!open_end)
			return false;
		size_t c = (size_t)(open_end - s) + 1;
		for (size_t j = c; j + tl + 3 <= n; j++) {
			if (s[j] == '<' && s[j + 1] == '/' && strncasecmp(s + j + 2, tag, tl) == 0 &&
			    s[j + 2 + tl] == '>') {
				*content = s + c;
				*len = j - c;
				return true;
			}
		}
		return false;
	}
	return false;
}

void article_html(const char *s, size_t n, struct article *a, struct buf *title_buf)
{
	const char *title;
	size_t title_len;
	buf_clear(title_buf);
	if (element(s, n, "title", &title, &title_len)) {
		struct buf raw = {0};
		add_decoded(&raw, title, title_len);
		add_folded(title_buf, raw.data ? raw.data : "", raw.len);
		buf_free(&raw);
		if (title_buf->len)
			article_add(a, "title", title_buf->data, title_buf->len, false);
	}
	article_add(a, "text", "", 0, false);
	article_add(a, "html", s, n, false);
}

/* Mail. */

/* Looks up a header in the block s[0..n) and appends its unfolded value. */
static bool header(const char *s, size_t n, const char *name, struct buf *out)
{
	size_t nl = strlen(name);
	size_t i = 0;
	while (i < n) {
		size_t e = line_end(s, n, i);
		if (e - i > nl && strncasecmp(s + i, name, nl) == 0 && s[i + nl] == ':') {
			buf_clear(out);
			struct buf raw = {0};
			buf_add(&raw, s + i + nl + 1, e - i - nl - 1);
			/* Continuation lines start with white space. */
			while (e + 1 < n && (s[e + 1] == ' ' || s[e + 1] == '\t')) {
				size_t ce = line_end(s, n, e + 1);
				buf_add(&raw, s + e + 1, ce - e - 1);
				e = ce;
			}
			add_folded(out, raw.data, raw.len);
			buf_free(&raw);
			return true;
		}
		i = e + 1;
	}
	return false;
}

/* Returns whether s starts with an RFC 822 header line ("Name: value").
 * Continuation lines at the very top are passed over: the 20 Newsgroups
 * "bydate" release removed Path: headers but left their folded tails. */
static bool starts_with_header(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i = line_end(s, n, i) + 1;
	while (i < n && s[i] > ' ' && s[i] < 127 && s[i] != ':')
		i++;
	return i > 0 && i < n && s[i] == ':';
}

static void mail_message(const char *raw, size_t raw_n, const struct article_sink *sink,
			 const char *sub, size_t *count)
{
	/* The charset comes from the raw header block, before decoding. */
	char cs_name[64];
	const char *declared = NULL;
	const char *hdr_end = memmem(raw, raw_n, "\n\n", 2);
	const char *crlf_end = memmem(raw, raw_n, "\r\n\r\n", 4);
	if (!hdr_end || (crlf_end && crlf_end < hdr_end))
		hdr_end = crlf_end;
	size_t hdr_len = hdr_end ? (size_t)(hdr_end - raw) : raw_n;
	struct buf v = {0};
	if (header(raw, hdr_len, "Content-Type", &v))
		declared = charset_from_content_type(v.data, v.len, cs_name, sizeof cs_name);
	size_t n;
	char *s = (char *)sink->decode(sink->ctx, raw, raw_n, declared, &n);
	n = article_crlf_to_lf(s, n);

	const char *sep = memmem(s, n, "\n\n", 2);
	size_t headers_len = sep ? (size_t)(sep - s) : n;
	size_t body = sep ? headers_len + 2 : n;
	struct article a = {0};
	snprintf(a.sub, sizeof a.sub, "%s", sub);
	struct buf title = {0}, date = {0}, author = {0}, groups = {0}, mid = {0};
	char iso[40];
	if (header(s, headers_len, "Subject", &title) && title.len)
		article_add(&a, "title", title.data, title.len, false);
	if (header(s, headers_len, "Date", &date) && date_from_rfc2822(date.data, date.len, iso))
		article_add(&a, "date", iso, strlen(iso), false);
	if (header(s, headers_len, "From", &author) && author.len)
		article_add(&a, "author", author.data, author.len, false);
	if (header(s, headers_len, "Newsgroups", &groups) && groups.len)
		article_add(&a, "newsgroups", groups.data, groups.len, false);
	if (header(s, headers_len, "Message-ID", &mid) && mid.len)
		article_add(&a, "message_id", mid.data, mid.len, false);
	article_add(&a, "text", s + body, n - body, false);
	if (article_is_blank(s + body, n - body)) {
		sink->skip(sink->ctx, sub, "empty");
	} else {
		sink->emit(sink->ctx, &a);
		(*count)++;
	}
	buf_free(&title);
	buf_free(&date);
	buf_free(&author);
	buf_free(&groups);
	buf_free(&mid);
	buf_free(&v);
}

size_t article_mail(const char *s, size_t n, const struct article_sink *sink)
{
	size_t count = 0;
	if (n >= 5 && memcmp(s, "From ", 5) == 0) {
		/* mbox: a message starts at each "From " line at a line start. */
		size_t ordinal = 0, i = 0;
		while (i < n) {
			size_t start = line_end(s, n, i) + 1;
			size_t next = n;
			if (start < n) {
				const char *hit = memmem(s + start, n - start, "\nFrom ", 6);
				if (hit)
					next = (size_t)(hit - s) + 1;
			}
			char sub[32];
			snprintf(sub, sizeof sub, "%zu", ++ordinal);
			/* The blank line before a "From " line belongs to the separator. */
			size_t end = next;
			if (end < n && end - start >= 2 && s[end - 1] == '\n' && s[end - 2] == '\n')
				end--;
			if (start < end)
				mail_message(s + start, end - start, sink, sub, &count);
			i = next;
		}
		return count;
	}
	if (!starts_with_header(s, n)) {
		sink->skip(sink->ctx, "", "not-mail");
		return 0;
	}
	mail_message(s, n, sink, "", &count);
	return count;
}

/* Reuters-21578. */

/* Appends the <D> items of a Reuters list element as a JSON array. */
static void d_list(const char *s, size_t n, struct buf *json)
{
	buf_clear(json);
	buf_addc(json, '[');
	size_t i = 0;
	bool first = true;
	const char *item;
	size_t len;
	while (i < n && element(s + i, n - i, "D", &item, &len)) {
		if (!first)
			buf_addc(json, ',');
		first = false;
		struct buf text = {0};
		add_decoded(&text, item, len);
		json_append_string(json, text.data ? text.data : "", text.len);
		buf_free(&text);
		i = (size_t)(item - s) + len + 4;
	}
	buf_addc(json, ']');
}

/* Returns the value of attribute name in the start tag s[0..n). */
static bool attribute(const char *s, size_t n, const char *name, const char **v, size_t *len)
{
	size_t nl = strlen(name);
	for (size_t i = 0; i + nl + 2 < n; i++) {
		if (strncmp(s + i, name, nl) == 0 && s[i + nl] == '=' && s[i + nl + 1] == '"' &&
		    (i == 0 || isspace((unsigned char)s[i - 1]))) {
			const char *start = s + i + nl + 2;
			const char *end = memchr(start, '"', n - (size_t)(start - s));
			if (!end)
				return false;
			*v = start;
			*len = (size_t)(end - start);
			return true;
		}
	}
	return false;
}

/* Appends s with every tag removed (for TYPE="UNPROC" texts). */
static void add_untagged(struct buf *out, const char *s, size_t n)
{
	struct buf tmp = {0};
	size_t i = 0;
	while (i < n) {
		const char *lt = memchr(s + i, '<', n - i);
		size_t run = lt ? (size_t)(lt - (s + i)) : n - i;
		buf_add(&tmp, s + i, run);
		i += run;
		if (i >= n)
			break;
		const char *gt = memchr(s + i, '>', n - i);
		i = gt ? (size_t)(gt - s) + 1 : n;
	}
	add_decoded(out, tmp.data ? tmp.data : "", tmp.len);
	buf_free(&tmp);
}

size_t article_reuters(const char *raw, size_t raw_n, const struct article_sink *sink)
{
	size_t n;
	char *s = (char *)sink->decode(sink->ctx, raw, raw_n, NULL, &n);
	n = article_crlf_to_lf(s, n);
	size_t count = 0, ordinal = 0, i = 0;
	struct buf title = {0}, dateline = {0}, body = {0}, topics = {0}, places = {0};
	for (;;) {
		const char *start = memmem(s + i, n - i, "<REUTERS", 8);
		if (!start)
			break;
		const char *end = memmem(start, n - (size_t)(start - s), "</REUTERS>", 10);
		size_t len = end ? (size_t)(end - start) : n - (size_t)(start - s);
		i = (size_t)(start - s) + len + (end ? 10 : 0);
		ordinal++;

		struct article a = {0};
		const char *tag_end = memchr(start, '>', len);
		const char *v;
		size_t vl;
		if (tag_end && attribute(start, (size_t)(tag_end - start), "NEWID", &v, &vl) &&
		    vl < 32)
			snprintf(a.sub, sizeof a.sub, "%.*s", (int)vl, v);
		else
			snprintf(a.sub, sizeof a.sub, "%zu", ordinal);

		buf_clear(&title);
		buf_clear(&dateline);
		buf_clear(&body);
		char iso[40];
		if (element(start, len, "TITLE", &v, &vl)) {
			struct buf t = {0};
			add_decoded(&t, v, vl);
			add_folded(&title, t.data ? t.data : "", t.len);
			buf_free(&t);
			if (title.len)
				article_add(&a, "title", title.data, title.len, false);
		}
		if (element(start, len, "DATE", &v, &vl) && date_from_reuters(v, vl, iso))
			article_add(&a, "date", iso, strlen(iso), false);
		if (element(start, len, "DATELINE", &v, &vl)) {
			struct buf t = {0};
			add_decoded(&t, v, vl);
			add_folded(&dateline, t.data ? t.data : "", t.len);
			buf_free(&t);
			/* "SALVADOR, Feb 26 -": the dash only joins it to the body. */
			while (dateline.len && (dateline.data[dateline.len - 1] == '-' ||
						dateline.data[dateline.len - 1] == ' '))
				dateline.len--;
			if (dateline.len)
				article_add(&a, "dateline", dateline.data, dateline.len, false);
		}
		if (element(start, len, "TOPICS", &v, &vl)) {
			d_list(v, vl, &topics);
			article_add(&a, "topics", topics.data, topics.len, true);
		}
		if (element(start, len, "PLACES", &v, &vl)) {
			d_list(v, vl, &places);
			article_add(&a, "places", places.data, places.len, true);
		}
		if (element(start, len, "BODY", &v, &vl))
			add_decoded(&body, v, vl);
		else if (element(start, len, "TEXT", &v, &vl) &&
			 !element(v, vl, "TITLE", &(const char *){0}, &(size_t){0}))
			add_untagged(&body, v, vl); /* TYPE="UNPROC": no inner markup */
		article_add(&a, "text", body.data ? body.data : "", body.len, false);
		if (article_is_blank(body.data ? body.data : "", body.len)) {
			sink->skip(sink->ctx, a.sub, "empty");
		} else {
			sink->emit(sink->ctx, &a);
			count++;
		}
	}
	if (!ordinal)
		sink->skip(sink->ctx, "", "not-reuters");
	buf_free(&title);
	buf_free(&dateline);
	buf_free(&body);
	buf_free(&topics);
	buf_free(&places);
	return count;
}
