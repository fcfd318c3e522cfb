#ifndef NCLEAN_PAGE_H
#define NCLEAN_PAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* Full-page text: what an HTML-to-text converter gives for a whole web
 * page, the article somewhere among menus, link lists, teasers, footers
 * and comments. Line rules alone cannot find the article there; these
 * functions find its block of prose. */

/* One non-blank line of the text. */
struct page_line {
	const char *s;
	size_t n;
	double score; /* set by page_find_article */
	bool keep;    /* set by page_find_article: a line of the article */
	bool after_title; /* the title stood just before it (see page_repeats_title) */
};

/* Whether a line is short chrome: 1 to 4 words, no closing punctuation,
 * not mostly numbers (not quoted mail, not a heading ending in ':'). */
bool page_is_chrome(const char *s, size_t n);
/* Whether a line passes the cheap tests of page_is_chrome (its length, its
 * first and last bytes, its spaces): a line that does not is no chrome. */
bool page_may_be_chrome(const char *s, size_t n);
/* Whether a line is one of the words of a site's interface ("Home",
 * "Login", ...), in any of the languages the cookie rule knows; scratch is
 * working memory. */
bool page_is_interface(const char *s, size_t n, struct buf *scratch);
/* Returns whether counts of chrome lines and of those that are interface
 * words make count lines a full page (see page_is_full_page). */
bool page_counts_full_page(size_t count, size_t chrome, size_t interface);

/* Whether the lines look like a full page rather than an article: at
 * least 10 short chrome lines (1 to 4 words, no closing punctuation, not
 * mostly numbers, not quoted mail), making up at least 30% of the lines,
 * and at least two lines that are words of a site's interface ("Home",
 * "Login", "Privacy Policy", "Impressum", "Anasayfa", ...). Lists, tables
 * and wire reports have the short lines but not the interface words. */
bool page_is_full_page(const struct page_line *lines, size_t count, struct buf *scratch);

/* Whether a line repeats a page's title: the same letters and digits, or
 * the start of a title that has a site name after it ("Title | Site"). */
bool page_repeats_title(const char *title, size_t title_len, const char *s, size_t n,
			struct buf *scratch);

/* Finds the article's lines and sets their keep: each line scores by
 * whether it reads as prose (its length in words, closing punctuation,
 * a share of words in lower case); the article is the run of lines with
 * the largest total, where a run of non-prose lines costs more the longer
 * it is and a prose line standing alone between non-prose lines (a
 * teaser) counts half; runs nearly as strong close before or after it
 * join it (an article split by a box). When the title is repeated inside
 * the run (after_title), the article starts there if a good hundred
 * words of prose follow (what comes before is a row of teasers). A comment section ("Comments",
 * "34 responses to ...", "Leave a Reply") ends it: *comments is the line
 * where that starts, or count. Returns false when no line reads as prose. */
bool page_find_article(struct page_line *lines, size_t count, size_t *comments,
		       struct buf *scratch);

#endif
