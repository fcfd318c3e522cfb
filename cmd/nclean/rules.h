#ifndef NCLEAN_RULES_H
#define NCLEAN_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* The boilerplate rules: each says whether one line of a normalised text
 * is site chrome, by its content alone. Rules marked as edge rules apply
 * only while peeling lines off the start and the end of a text, so that
 * the same words inside the article stay. */

enum rule {
	RULE_TITLE_REPEAT,
	RULE_MENU,
	RULE_TICKER,
	RULE_DATE_PRINT,
	RULE_SHARE,
	RULE_CLOSE_BUTTON,
	RULE_COOKIE,
	RULE_ATTRIBUTION,
	RULE_TEMPLATE,        /* a line of the site's template (template memory) */
	RULE_FOREIGN,         /* an edge paragraph of interface text in another language */
	RULE_OUTSIDE_ARTICLE, /* full pages only: a line outside the article's block */
	RULE_COMMENTS,        /* full pages only: the comment section after it */
	RULE_PATTERN,         /* a pattern of the user's (--patterns) */
	RULE_COUNT,
};

/* Returns the name of a rule ("title-repeat", ...). */
const char *rule_name(enum rule r);
/* Returns the rule of that name, or RULE_COUNT if there is none. */
enum rule rule_by_name(const char *name);

/* Appends s lowercased (simple case mapping) to out. */
void rule_fold(const char *s, size_t n, struct buf *out);
/* Appends the letters and digits of s, lowercased, to out: what two
 * lines that differ in punctuation and spacing have in common. */
void rule_key(const char *s, size_t n, struct buf *out);

/* Returns the number of words (runs between spaces and line breaks). */
size_t rule_word_count(const char *s, size_t n);

/* A line that several rules look at, with what they share: its folded
 * form and its words, made on first use. */
struct rule_line {
	const char *s;
	size_t n;
	struct buf *folded; /* the caller's working memory, for this line only */
	bool is_folded;
	size_t words; /* SIZE_MAX until counted */
};

/* Starts a line s[0..n), folded into scratch when a rule needs it. */
void rule_line_init(struct rule_line *l, const char *s, size_t n, struct buf *scratch);

/* What a rule may look at besides the line. */
struct rule_context {
	const char *title; /* the record's title, or NULL */
	size_t title_len;
	const char *site;  /* the site split off the title, or NULL */
	size_t site_len;
	const char *page_title; /* the title, or else the text's first line */
	size_t page_title_len;
	const char *title_key; /* rule_key of the title, set by rule_context_keys */
	size_t title_key_len;
	const char *whole_key; /* and of the title with its site, or NULL */
	size_t whole_key_len;
};

/* Sets the context's keys, made into title_key and whole_key (which must
 * outlive their use), from its title and site. */
void rule_context_keys(struct rule_context *c, struct buf *title_key, struct buf *whole_key);

/* Whether a line is a repeat of the title (with or without the site);
 * scratch is working memory. */
bool rule_title_repeat(const struct rule_context *c, const char *s, size_t n,
		       struct buf *scratch);
/* Whether a line is a link list: three or more short segments between
 * » • | · › or ▪, or a breadcrumb starting with » or ›. */
bool rule_menu(const char *s, size_t n);
/* Whether a line is a row of menu words: 4 to 14 words, nearly all
 * capitalised, no sentence punctuation (an edge rule). */
bool rule_menu_words(const char *s, size_t n);
/* Whether a line is a news ticker ("LAST MINUTE : a • b • c"). */
bool rule_ticker(const char *s, size_t n, struct buf *scratch);
/* The same, told whether the line holds a byte E2 (may_bullet): a bullet
 * starts with one. */
bool rule_ticker_hint(const char *s, size_t n, struct buf *scratch, bool may_bullet);
/* Whether a line is a date with only print or share words after it
 * ("27/12/2021 Yazdır"); sets iso (10 bytes + NUL) to the date. */
bool rule_date_print(const char *s, size_t n, char iso[11], struct buf *scratch);
/* Whether a line holds only share, print, follow or subscribe words (an
 * edge rule). */
bool rule_share(struct rule_line *l);
/* Whether a line is a close button left over ("X", "Close", "Kapat"). */
bool rule_close_button(struct rule_line *l);
/* Whether a line is part of a cookie or consent banner, in any of en, tr,
 * de, fr, es, it, pt, nl, ru, ar (an edge rule). */
bool rule_cookie(struct rule_line *l);
/* Whether a line is an attribution or copyright line ("Read original
 * article here.", "Source: … | Ahval", "© 2021 …") (an edge rule). */
bool rule_attribution(struct rule_line *l);

/* Whether a paragraph reads as a site's interface text: it speaks of
 * cookies, privacy, subscribing, signing in, apps, clicking, accepting or
 * advertising (in any of 12 languages), or holds a copyright sign. A
 * signature's e-mail address is no interface. */
bool rule_interface_words(const char *s, size_t n, struct buf *scratch);

/* Splits a site suffix off a title ("… – Ahval"): returns the length of
 * the title without it and sets *site and *site_len, or returns n when
 * there is no confident split. text, url and source back the split. */
size_t rule_split_title(const char *title, size_t n, const char *text, size_t text_len,
			const char *url, const char *source, const char **site, size_t *site_len);

#endif
