#ifndef NCLEAN_TEMPLATE_H
#define NCLEAN_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idset.h"

/* Template memory: a line that recurs in many different records of the
 * same site is part of the site's template (a footer, a "Related" heading,
 * a newsletter box), not of the article.
 *
 * Lines are counted by a key: their ASCII letters and digits lowercased and
 * every other byte of 0x80 and above, so that case, spacing and punctuation
 * do not matter. Each record counts a line once, and a record whose whole
 * text was counted before (an exact copy) counts nothing. A line is
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
 * of whole-text hashes is emptied when it reaches capacity entries. */

struct template_table {
	struct template_entry *slots;
	size_t count, cap;
	uint32_t floor; /* entries counted at most this often were forgotten */
};

struct template_memory {
	struct template_table by_site; /* (site, line) -> records holding it */
	struct template_table sites;   /* line -> first site (or several) */
	struct idset texts;            /* whole texts counted */
	size_t capacity;
	unsigned min_records;
	uint64_t *keys; /* one record's line keys */
	size_t key_cap;
};

/* Prepares a memory of capacity entries per table (a power of two of at
 * least 1024 is used) that calls a line template at min_records records. */
void template_init(struct template_memory *t, size_t capacity, unsigned min_records);
void template_free(struct template_memory *t);

/* The site's key, from its name (a host, a directory). */
uint64_t template_site(const char *name, size_t n);

/* Counts the lines of one record of site. */
void template_add(struct template_memory *t, uint64_t site, const char *text, size_t n);

/* Whether the line s[0..n) is template in site. */
bool template_is_template(const struct template_memory *t, uint64_t site, const char *s,
			  size_t n);

/* Bytes the memory holds at most: the two tables and the text set. */
size_t template_bytes(size_t capacity);

#endif
