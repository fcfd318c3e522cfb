#ifndef NCLEAN_CLEAN_H
#define NCLEAN_CLEAN_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "record.h"
#include "rules.h"
#include "stats.h"
#include "writer.h"

struct clean_line;
struct page_line;

/* When the article is looked for as a block of prose in full-page text. */
enum full_page {
	FULL_PAGE_AUTO,   /* when the text looks like a whole web page */
	FULL_PAGE_ALWAYS, /* every text is a whole page */
	FULL_PAGE_NEVER,
};

/* nclean's core: one record at a time, normalisation then the rules. */
struct cleaner {
	bool is_disabled[RULE_COUNT];
	enum full_page full_page;
	bool has_article; /* the record's text is the article of a full page already */
	struct stats *stats;
	struct writer *explain; /* where removed lines are explained, or NULL */
	uint64_t removed[RULE_COUNT];
	struct buf text, scratch, out, title, line, json;
	struct buf explained; /* the record's explanations, written if they hold */
	struct clean_line *lines; /* the lines of the record being cleaned */
	size_t line_cap;
	struct page_line *page; /* the kept lines, when looking for the article */
	size_t *page_index;     /* their index in lines */
	size_t page_cap;
};

/* Prepares a cleaner; stats and explain outlive it. */
void cleaner_init(struct cleaner *c, struct stats *stats, struct writer *explain);
/* Cleans the record's text (and title) in place; returns false only when a
 * write to the explain output failed (errno in writer_errno). */
bool cleaner_record(struct cleaner *c, struct record *r);
/* Adds the per-rule counts to the stats and frees the cleaner. */
void cleaner_finish(struct cleaner *c);

#endif
