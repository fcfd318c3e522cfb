#ifndef NEWSUTILS_JSONL_H
#define NEWSUTILS_JSONL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
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
/* jsonl_next in two steps, for a reader that hands lines to other
 * threads: jsonl_open_next closes the input being read, if any, and
 * opens the next that can be opened (reporting and counting those that
 * cannot); false when none is left. jsonl_line returns 1 with the next
 * line of that input that is not blank (valid until the next call), or
 * 0 when the input has ended (reporting a read error, if that is how it
 * ended) and is closed. */
bool jsonl_open_next(struct jsonl *j);
int jsonl_line(struct jsonl *j, const char **line, size_t *len, bool *has_newline);
/* Returns the name of the input being read. */
const char *jsonl_name(const struct jsonl *j);
/* Returns the compressed bytes consumed so far over all inputs. */
uint64_t jsonl_raw_offset(const struct jsonl *j);
/* Frees everything; rejects is left open for the caller to close. */
void jsonl_close(struct jsonl *j);

/* Where jsonl_record counts a line and keeps it when it is no record. */
struct jsonl_sink {
	struct stats *stats;
	struct writer *rejects; /* may be NULL */
	struct buf *rejects_buf; /* when not NULL, rejected lines go here instead */
	bool had_error;          /* set when a line was rejected */
};

/* What jsonl_next does with each line that is not blank: counts it in
 * records_in, parses it into r and returns r; or, when it is no record
 * (see struct jsonl), reports it as name:line_no, counts it, keeps it in
 * the sink's rejects and returns NULL. */
struct record *jsonl_record(struct record *r, const char *name, uint64_t line_no,
			    const char *line, size_t len, bool has_newline, struct jsonl_sink *k);

#endif
