#ifndef NSPLIT_SPLIT_H
#define NSPLIT_SPLIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "idset.h"
#include "progress.h"
#include "reader.h"
#include "stats.h"
#include "writer.h"

/* nsplit's core: inputs (archives, plain or compressed files, directories,
 * stdin) in, one record per member out. */

enum split_format {
	FORMAT_AUTO,    /* WARC by content, HTML by name or content, else text */
	FORMAT_TEXT,
	FORMAT_HTML,
	FORMAT_WARC,
	FORMAT_MAIL,
	FORMAT_REUTERS,
};

struct split_options {
	enum split_format format;
	uint64_t max_size;        /* members larger than this are skipped */
	uint64_t min_size;        /* members smaller than this are skipped */
	const char **includes;    /* glob patterns on member paths */
	size_t include_count;
	const char **excludes;
	size_t exclude_count;
	const char *stdin_name;   /* the name standard input goes by */
	const char *output;       /* NULL: stdout; with shards, a %d pattern */
	unsigned shards;          /* 0: no sharding */
	bool is_verbose;
	int progress;             /* as progress_init's mode */
};

struct split {
	struct split_options opt;
	struct stats stats;
	struct progress progress;
	struct writer **outs;
	size_t out_count;
	bool had_error;
	uint64_t records;               /* written; added to the stats at the end */
	uint64_t members;               /* examined; likewise */
	uint64_t raw_done, raw_total;   /* for the progress line */
	/* the unit being read */
	const char *input;              /* display name of the input */
	const char *member;             /* member path, NULL for a plain file */
	struct reader *reader;          /* the input being read */
	const bool *input_damaged;      /* whether that input's data broke off */
	struct idset units_seen;        /* member keys within the current input */
	struct idset inputs_seen;       /* input names within the run */
	uint64_t input_occurrence;      /* >0 when the same input is read again */
	struct buf data, prefix, decoded, line, title, source, scratch;
};

/* Prepares a run; opens the outputs (dies if they cannot be created). */
void split_init(struct split *s, const struct split_options *opt);
/* Adds a file's size to the progress total (before the run). */
void split_plan(struct split *s, const char *path);
/* Splits one command-line operand: "-" for stdin, a directory, or a file. */
void split_path(struct split *s, const char *path);
/* Closes the outputs and frees the run; returns the exit status. */
int split_finish(struct split *s);


#endif
