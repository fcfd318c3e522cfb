#ifndef NEWSUTILS_BATCH_H
#define NEWSUTILS_BATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "progress.h"
#include "record.h"
#include "stats.h"
#include "writer.h"

/* The records of JSON Lines inputs, worked on by several threads (-j):
 * the calling thread reads the lines in batches of about a megabyte and
 * hands them to worker threads; what each batch gives (its output, its
 * rejected lines, its messages, its counters) is written in the order of
 * the input, so that the output, the rejects, stderr and --stats are the
 * same, byte for byte, whatever the number of threads. The lines are
 * checked, reported, counted and kept as jsonl_next does. With one
 * thread, the calling thread does the work as the lines are read. */

struct batch;

/* In a worker: the batch's next record, NULL at its end. */
struct record *batch_next(struct batch *b);
/* The batch's output: the worker appends to it; it is written in order. */
struct buf *batch_out(struct batch *b);
/* The batch's counters: added to the run's in input order. */
struct stats *batch_stats(struct batch *b);

struct batch_job {
	unsigned threads;           /* workers; 0 and 1 both mean none besides the caller */
	char **files;               /* none: stdin */
	size_t file_count;
	struct stats *stats;        /* the run's counters */
	struct writer *out;
	struct writer *rejects;     /* may be NULL */
	struct progress *progress;  /* may be NULL */
	/* A worker's state, made in its thread before its first batch
	 * (start), used for each batch (work) and freed (finish). */
	void *(*start)(void *arg);
	void (*work)(void *state, struct batch *b);
	void (*finish)(void *state);
	void *arg;
};

/* Runs job over every record of its inputs; returns true when an input
 * failed or a line was rejected. Output errors are fatal (cli_write). */
bool batch_run(const struct batch_job *job);

/* The cores this process may run on (its CPU affinity), at least 1: the
 * default number of threads. */
unsigned batch_cores(void);

#endif
