#ifndef NDEDUP_KEEP_H
#define NDEDUP_KEEP_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"

/* Which record of a cluster of duplicates is kept (--keep). */
enum keep_policy {
	KEEP_FIRST,    /* the first seen: output can stream */
	KEEP_LONGEST,  /* the most bytes of text */
	KEEP_EARLIEST, /* the earliest date (ISO 8601 strings compared) */
	KEEP_SOURCES,  /* the first matching entry of a priority list */
};

/* A priority list of sources: one entry a line, best first; blank lines
 * and lines starting with '#' are skipped. An entry matches a record
 * whose site is the entry, whose url's host is the entry or ends with
 * "." and the entry, or whose source starts with the entry. */
struct keep_sources {
	char **entries;
	size_t count;
};

/* Parses --keep's argument: first, longest, earliest, or sources:FILE
 * (FILE read into *sources; a line it cannot use is "ndedup: FILE:LINE:
 * why", status 2). Dies with a usage error on anything else. */
enum keep_policy keep_parse(const char *arg, struct keep_sources *sources);
void keep_sources_free(struct keep_sources *sources);

/* The rank of record r in the list: the index of the first entry that
 * matches it, or the number of entries when none does. */
uint32_t keep_source_rank(const struct keep_sources *sources, struct record *r);

#endif
