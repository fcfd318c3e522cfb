#ifndef NCLEAN_TEMPLATE_H
#define NCLEAN_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idset.h"

struct key_pair;

/* Template memory: a line that recurs in many different records of the
 * same site is part of the site's template (a footer, a "Related" heading,
 * a newsletter box), not of the article.
 *
 * Lines are counted by a key: their ASCII letters and digits lowercased and
 * every other byte of 0x80 and above, so that case, spacing and punctuation
 * do not matter. Each record counts a line once, and a record whose lines
 * were all counted before, in the same order (a copy, compared as lines
 * are), counts nothing. A line is
 * template in a site when at least min_records records of that site, and
 * at least 5% of the site's records, hold it -- unless it starts in lower
 * case (the end of a sentence), or it is a line of more than eight words
 * that other sites hold too: that is a story republished, which is
 * ndedup's business.
 *
 * Memory is bounded: two tables of a fixed number of 16-byte entries
 * (capacity each). When one is three quarters full, the entries with the
 * lowest counts are forgotten: a line seen once is almost always article
 * text, and a template line, seen again and again, keeps its count. The set
 * of whole-text hashes is emptied when it reaches capacity entries. The
 * filter of lines counted often enough takes half a byte an entry. */

struct template_table {
	struct template_entry *slots;
	size_t count, cap;
	uint32_t floor; /* entries counted at most this often were forgotten */
	size_t evictions; /* times entries were forgotten */
};

struct template_memory {
	struct template_table by_site; /* (site, line) -> records holding it */
	struct template_table sites;   /* line -> first site (or several) */
	struct idset texts;            /* whole texts counted */
	/* A filter of the keys in by_site counted min_records times or more:
	 * one 64-bit word a key, four bits of it set. Most lines of a record
	 * are article text, never counted that often: the filter, small
	 * enough for the cache, says so without a lookup in by_site. */
	uint64_t *candidates;
	size_t candidate_words;
	size_t capacity;
	unsigned min_records;
	struct key_pair *pairs; /* one record's line keys, with their keys in the site */
	size_t pair_cap;
	uint32_t round;          /* of the record counted last (by_site's tags) */
	size_t prepared;         /* the record prepared: its keys, */
	bool prepared_sorted;    /* sorted, without repeats (else in line order), */
	uint64_t prepared_site;  /* its site */
	uint64_t prepared_hash;  /* and the hash of its keys */
};

/* Prepares a memory of capacity entries per table (a power of two of at
 * least 1024 is used) that calls a line template at min_records records. */
void template_init(struct template_memory *t, size_t capacity, unsigned min_records);
void template_free(struct template_memory *t);

/* The site's key, from its name (a host, a directory). */
uint64_t template_site(const char *name, size_t n);

/* Counts the lines of one record of site. */
void template_add(struct template_memory *t, uint64_t site, const char *text, size_t n);
struct normalize_span;
/* The keys of the count lines spans[] of text (its non-empty lines, in
 * order) into keys[0..count), and the same in site into site_keys (the
 * keys of queries, template_query_key; 0 where keys has 0); wide[i] says
 * whether line i (with a key) has more than eight words. */
void template_span_keys(const char *text, const struct normalize_span *spans, size_t count,
			uint64_t site, uint64_t *keys, uint64_t *site_keys, unsigned char *wide);
/* template_add in two steps: the record's keys made ready, and their
 * entries on their way into the cache, without a change to the memory
 * (which may be looked up in between); then counted. The keys are those
 * of all its lines, in order: a record whose keys were all counted before
 * (a copy) counts nothing. */
void template_prepare(struct template_memory *t, uint64_t site, const uint64_t *keys,
		      const uint64_t *site_keys, const unsigned char *wide, size_t key_count);
void template_commit(struct template_memory *t);

/* The key of the line s[0..n): 0 for a line too short to count. */
uint64_t template_line_key(const char *s, size_t n);

/* The lookups of one record's lines in one site, while the memory does not
 * change. */
struct template_query {
	const struct template_memory *t;
	uint64_t site;
	uint32_t total; /* records of the site counted (0: forgotten) */
};

/* Prepares the lookups of lines of site. */
void template_query_init(struct template_query *q, const struct template_memory *t,
			 uint64_t site);
/* The key of a line (template_line_key) in the query's site, 0 for 0; what
 * its lookup reads first starts loading into the cache. */
uint64_t template_query_key(const struct template_query *q, uint64_t line_key);
/* Starts loading what the lookup of a query key made before reads first. */
void template_query_prefetch(const struct template_query *q, uint64_t query_key);
/* Whether the line s[0..n), of query key query_key, is template. */
bool template_query_is_template(const struct template_query *q, uint64_t query_key,
				const char *s, size_t n);

/* Bytes the memory holds at most: the two tables, the text set and the
 * filter. */
size_t template_bytes(size_t capacity);

#endif
