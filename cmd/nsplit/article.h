#ifndef NSPLIT_ARTICLE_H
#define NSPLIT_ARTICLE_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* Turning one member's bytes into records: plain-text articles, HTML
 * pages, mail and Usenet posts, Reuters-21578 SGML. */

enum { ARTICLE_MAX_FIELDS = 16 };

struct article_field {
	const char *key;
	const char *value; /* UTF-8 text, or JSON when is_json */
	size_t len;
	bool is_json;
};

/* One record to write, less the id and source that split adds. */
struct article {
	struct article_field fields[ARTICLE_MAX_FIELDS];
	size_t count;
	char sub[64]; /* tells records of one member apart ("" for the only one) */
};

/* What a parser calls back into: decode bytes to UTF-8 (counting how),
 * write a record, and skip one with a reason. */
struct article_sink {
	const char *(*decode)(void *ctx, const char *s, size_t n, const char *declared,
			      size_t *out_len);
	void (*emit)(void *ctx, const struct article *a);
	void (*skip)(void *ctx, const char *sub, const char *reason);
	void *ctx;
};

/* Adds a field; fields past ARTICLE_MAX_FIELDS are dropped. */
void article_add(struct article *a, const char *key, const char *value, size_t len,
		 bool is_json);

/* Returns whether s[0..n) holds only white space (or nothing). */
bool article_is_blank(const char *s, size_t n);
/* Replaces CR LF with LF in place; returns the new length. */
size_t article_crlf_to_lf(char *s, size_t n);

/* A plain-text article (UTF-8, LF line ends): the first non-blank line is
 * the title when it is at most 150 characters, does not end in . : ; or ,
 * and a blank line and more text follow it; the rest is the text, kept as
 * it is. */
void article_text(const char *s, size_t n, struct article *a);

/* Returns whether the first bytes look like an HTML document. */
bool article_is_html(const char *s, size_t n);
/* Finds the charset an HTML page declares in its first 4 KiB (<meta
 * charset> or http-equiv Content-Type); lowercased into name, or NULL. */
const char *article_html_charset(const char *s, size_t n, char *name, size_t name_size);
/* An HTML page: title from <title> (entities decoded, white space folded,
 * kept in title_buf), the page itself in "html", and an empty "text". */
void article_html(const char *s, size_t n, struct article *a, struct buf *title_buf);

/* Mail and Usenet posts: an mbox (messages after "From " lines) or a single
 * message with RFC 822 headers. Subject, Date, From, Newsgroups and
 * Message-ID become title, date, author, newsgroups and message_id; the
 * body becomes text. Returns the number of records written. */
size_t article_mail(const char *s, size_t n, const struct article_sink *sink);

/* Reuters-21578 SGML: one record per <REUTERS> element, with title, date,
 * dateline, topics, places and the body as text. Returns the number of
 * records written. */
size_t article_reuters(const char *s, size_t n, const struct article_sink *sink);

#endif
