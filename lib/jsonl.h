#ifndef NEWSUTILS_JSONL_H
#define NEWSUTILS_JSONL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "reader.h"
#include "record.h"
#include "stats.h"
#include "writer.h"

/* A stream of records from several JSON Lines inputs read as one. Lines
 * that are not records (invalid JSON or UTF-8, not an object, no string
 * "id" or "text", truncated at the end) are reported as "file:line: why",
 * counted in the stats and copied verbatim to the rejects output; the
 * stream goes on. */
struct jsonl {
	char **files;
	size_t file_count, next_file;
	struct reader *in;
	uint64_t line;
	struct stats *stats;
	struct writer *rejects; /* may be NULL */
	struct record record;
	bool had_error;         /* an input failed or a line was rejected */
	uint64_t bytes;         /* bytes of lines read so far */
	uint64_t raw_done;      /* compressed bytes of inputs already closed */
};

/* Starts reading files (none: stdin). stats and rejects outlive j. */
void jsonl_open(struct jsonl *j, char **files, size_t file_count, struct stats *stats,
		struct writer *rejects);
/* Returns the next record, or NULL at the end of the last input. */
struct record *jsonl_next(struct jsonl *j);
/* Returns the name of the input being read. */
const char *jsonl_name(const struct jsonl *j);
/* Returns the compressed bytes consumed so far over all inputs. */
uint64_t jsonl_raw_offset(const struct jsonl *j);
/* Frees everything; rejects is left open for the caller to close. */
void jsonl_close(struct jsonl *j);

#endif
