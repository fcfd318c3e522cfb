#ifndef NEWSUTILS_STATS_H
#define NEWSUTILS_STATS_H

#include <stdint.h>
#include <stdio.h>

/* The counters behind --stats: every record read is either written or
 * counted here with its reason, and the summary is one JSON object. */

struct stats_counter {
	char *group; /* NULL for a top-level counter */
	char *key;
	uint64_t value;
};

struct stats {
	const char *tool;
	struct stats_counter *counters; /* in order of first use */
	size_t count, cap;
};

/* Starts empty counters for tool. */
void stats_init(struct stats *s, const char *tool);
/* Adds n to the counter key of group (NULL group: top level). Counters
 * appear in the summary in the order they were first added to. */
void stats_add(struct stats *s, const char *group, const char *key, uint64_t n);
/* Adds every counter of src to dst, those dst lacks in src's order: the
 * counts of a part of the input added in input order make the same
 * summary as counting it all in one. */
void stats_merge(struct stats *dst, const struct stats *src);
/* Returns the value of a counter (0 if never added to). */
uint64_t stats_get(const struct stats *s, const char *group, const char *key);
/* Writes the summary as one line of JSON to f; returns 0 or -1 on error. */
int stats_write(const struct stats *s, FILE *f);
/* Frees the counters. */
void stats_free(struct stats *s);

#endif
