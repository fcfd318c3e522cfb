#ifndef NCLEAN_CLEAN_H
#define NCLEAN_CLEAN_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "normalize.h"
#include "record.h"
#include "rules.h"
#include "stats.h"
#include "writer.h"

struct clean_line;
struct line_facts;
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

/* A paragraph's language as CLD2 gave it (see foreign_edges). */
enum { SHORT_LANG_MEMO = 8 };
struct short_lang_memo {
	struct buf text;
	const char *lang;
	bool reliable;
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
	struct buf text, out, out2, title, line, json;
	struct buf normalized;         /* the text normalised here, when not given */
	struct buf fold;               /* the rules' working memory */
	struct buf title_key, whole_key; /* the rule context's keys */
	struct buf url, source;        /* fields for splitting the title */
	struct buf site_field;         /* a site split off by an earlier run */
	struct normalize_work norm;
	struct buf explained; /* the record's explanations, written if they hold */
	struct clean_line *lines; /* the lines of the record being cleaned */
	size_t line_count, line_cap;
	struct normalize_line *block; /* a paragraph of them (stays_normalized) */
	size_t block_cap;
	struct line_facts *carry; /* the facts of the lines a pass kept, in order */
	struct normalize_span *carry_at; /* and where they are in what it wrote */
	size_t carry_count, carry_cap;
	struct page_line *page; /* the kept lines, when looking for the article */
	size_t *page_index;     /* their index in lines */
	size_t page_cap;
	struct paragraph *paragraphs; /* the kept paragraphs, for foreign edges */
	size_t paragraph_cap;
	struct langid_result *langid; /* made on first use */
	/* What CLD2 said of this record's texts, for its later passes: */
	struct buf body;       /* the rest of the text it was given last */
	bool has_body_lang;    /* langid holds what it said of body */
	struct short_lang_memo short_langs[SHORT_LANG_MEMO]; /* paragraphs */
	size_t short_lang_count;
};

/* Prepares a cleaner; stats and explain outlive it. */
void cleaner_init(struct cleaner *c, struct stats *stats, struct writer *explain);
/* What is known of a record before it is cleaned. */
struct cleaner_input {
	const char *normalized; /* its normalised text */
	size_t normalized_len;
	size_t raw_len;         /* the length of its text as it came in */
	bool raw_differs;       /* that text is not the normalised text: the
				 * record may no longer hold it (see push) */
	const uint64_t *keys;   /* the template keys in the record's site of the */
	size_t key_count;       /* normalised text's non-empty lines, or NULL */
};

/* Appends the normalised text of the record to out (c->norm.spans are
 * its lines then); returns the length of the text as it came in. */
size_t cleaner_normalize(struct cleaner *c, struct record *r, struct buf *out);
/* cleaner_normalize without counting it in the stats: *repaired says
 * whether mojibake_repaired is to be counted. */
size_t cleaner_normalize_text(struct cleaner *c, struct record *r, struct buf *out,
			      bool *repaired);
/* Cleans the record's text (and title) in place, starting from what is
 * known of it (or NULL); returns false only when a write to the explain
 * output failed (errno in writer_errno). With a template memory, lines
 * that are template in c->site go. The record's new text is in the
 * cleaner's memory or in, which must stay as they are until the record
 * is serialised. */
bool cleaner_record(struct cleaner *c, struct record *r, const struct cleaner_input *in);
/* Adds the per-rule counts to the stats and frees the cleaner. */
void cleaner_finish(struct cleaner *c);

#endif
