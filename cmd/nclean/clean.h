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
struct template_memory;
struct patterns;
struct paragraph;
struct langid_result;

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
	const struct template_memory *template; /* or NULL */
	struct patterns *patterns; /* the user's, or NULL */
	uint64_t site;    /* the record's site, for the template memory */
	bool has_site;
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
	struct paragraph *paragraphs; /* the kept paragraphs, for foreign edges */
	size_t paragraph_cap;
	struct langid_result *langid; /* made on first use */
};

/* Prepares a cleaner; stats and explain outlive it. */
void cleaner_init(struct cleaner *c, struct stats *stats, struct writer *explain);
/* Appends the normalised text of the record to out. */
void cleaner_normalize(struct cleaner *c, struct record *r, struct buf *out);
/* Cleans the record's text (and title) in place, starting from its
 * normalised text when that was made already (else NULL); returns false
 * only when a write to the explain output failed (errno in writer_errno).
 * With a template memory, lines that are template in c->site go. */
bool cleaner_record(struct cleaner *c, struct record *r, const struct buf *normalized);
/* Adds the per-rule counts to the stats and frees the cleaner. */
void cleaner_finish(struct cleaner *c);

#endif
