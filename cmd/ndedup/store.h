#ifndef NDEDUP_STORE_H
#define NDEDUP_STORE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "dedup.h"

/* The index file of --index: the records kept by earlier runs, so that a
 * run deduplicates against everything seen before (docs/format.md,
 * "ndedup index"). */

/* What an index was built with: its records are comparable with a run's
 * only when these are the same. */
struct store_setup {
	struct dedup_params params; /* shingle, hashes, bands, seed */
	const char *key;            /* --key FIELD, or NULL: the normalised text */
	bool near;                  /* signatures kept (not --exact, not --key) */
};

/* What reading an index came to. */
enum store_status {
	STORE_OK,
	STORE_NOT_INDEX, /* no ndedup index at all */
	STORE_VERSION,   /* an index of another format version */
	STORE_DAMAGED,   /* cut short, damaged, or bytes after its end */
	STORE_OTHER,     /* whole, but built with other settings */
	STORE_IO,        /* a read error */
};

/* Reads an index of size bytes (UINT64_MAX: not known) from f into x
 * (new, empty), checking it as store_load says, without printing or
 * exiting: anything but STORE_OK comes with why[0..why_len) filled, and x
 * then holds whatever was read before the trouble (free it). */
enum store_status store_read(FILE *f, uint64_t size, const struct store_setup *setup,
			     struct dedup_index *x, char *why, size_t why_len);

/* Loads the index at path into x (new, empty), after checking that it was
 * built with *setup; a file that does not exist is an empty index (false,
 * nothing loaded). Exits with a message naming the file when it is not an
 * index, is damaged or cut short, is of another format version, or was
 * built otherwise (status 2 for that last one: the command line must
 * change). Returns true when a file was loaded. */
bool store_load(const char *path, const struct store_setup *setup, struct dedup_index *x);

/* Writes x to path so that a crash at any moment leaves either the file
 * that was there or the new one, whole: a temporary file beside it
 * (path + ".ndedup-tmp"), flushed to disk, then renamed over path, and the
 * directory flushed. Exits with a message on failure; path is then as it
 * was. */
void store_save(const char *path, const struct store_setup *setup, const struct dedup_index *x);

#endif
