#include "batch.h"

#include <pthread.h>
#include <sched.h> /* sched_getaffinity: the build defines _GNU_SOURCE */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "diag.h"
#include "jsonl.h"

/* A batch is full at this many bytes of lines or this many lines, and
 * each thread has this many batches in flight: enough to keep the
 * workers busy while the oldest is written. */
enum { BATCH_BYTES = 1 << 20, BATCH_LINES = 4096, PER_THREAD = 3 };

struct line_ref {
	size_t offset, len;
	uint64_t no;
	bool has_newline;
};

enum state { FREE, QUEUED, DONE };

struct batch {
	enum state state;
	/* one thread, no batches: the stream itself */
	struct jsonl *in;
	const struct batch_job *job;
	uint64_t records; /* given out by batch_next */
	/* the lines, from one input */
	char *name;
	struct buf lines;
	struct line_ref *refs;
	size_t n, cap, next;
	uint64_t bytes;
	/* what became of them */
	struct record record;
	struct buf out, rejects, messages;
	struct stats own;
	struct stats *stats; /* own, or the run's with one thread */
	bool had_error;
};

struct record *batch_next(struct batch *b)
{
	if (b->in) {
		struct writer *out = b->job->out;
		if (b->out.len >= 1 << 16) {
			cli_write(out, b->out.data, b->out.len);
			buf_clear(&b->out);
		}
		if (b->job->progress)
			progress_update(b->job->progress, b->records, b->in->bytes,
					jsonl_raw_offset(b->in), 0);
		struct record *r = jsonl_next(b->in);
		b->records += r != NULL;
		return r;
	}
	while (b->next < b->n) {
		const struct line_ref *l = &b->refs[b->next++];
		struct jsonl_sink sink = {b->stats, NULL, &b->rejects, false};
		struct record *r = jsonl_record(&b->record, b->name, l->no, b->lines.data + l->offset,
						l->len, l->has_newline, &sink);
		b->had_error |= sink.had_error;
		if (r) {
			b->records++;
			return r;
		}
	}
	return NULL;
}

struct buf *batch_out(struct batch *b)
{
	return &b->out;
}

struct stats *batch_stats(struct batch *b)
{
	return b->stats;
}

unsigned batch_cores(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) != 0)
		return 1;
	int n = CPU_COUNT(&set);
	return n > 0 ? (unsigned)n : 1;
}

static bool run_alone(const struct batch_job *job)
{
	struct jsonl in;
	jsonl_open(&in, job->files, job->file_count, job->stats, job->rejects);
	struct batch b = {.in = &in, .job = job, .stats = job->stats};
	void *state = job->start(job->arg);
	job->work(state, &b);
	job->finish(state);
	cli_write(job->out, b.out.data, b.out.len);
	buf_free(&b.out);
	bool had_error = in.had_error;
	jsonl_close(&in);
	return had_error;
}

/* ---- several threads ---------------------------------------------------- */

struct run {
	const struct batch_job *job;
	pthread_mutex_t lock;
	pthread_cond_t queued, done;
	struct batch *slots;
	size_t n_slots;
	/* batches by number: the next to fill, to take, to write */
	uint64_t filled, taken, written;
	bool is_over;
	/* what the reader reports (a failed open, a read error), between
	 * the batches it comes after and before */
	struct buf events;
	struct stats event_stats;
	uint64_t records;
};

static struct batch *slot(struct run *run, uint64_t seq)
{
	return &run->slots[seq % run->n_slots];
}

static void *worker(void *arg)
{
	struct run *run = arg;
	void *state = run->job->start(run->job->arg);
	pthread_mutex_lock(&run->lock);
	for (;;) {
		while (run->taken == run->filled && !run->is_over)
			pthread_cond_wait(&run->queued, &run->lock);
		if (run->taken == run->filled)
			break;
		struct batch *b = slot(run, run->taken++);
		pthread_mutex_unlock(&run->lock);
		diag_capture(&b->messages);
		run->job->work(state, b);
		diag_capture(NULL);
		pthread_mutex_lock(&run->lock);
		b->state = DONE;
		pthread_cond_broadcast(&run->done);
	}
	pthread_mutex_unlock(&run->lock);
	run->job->finish(state);
	return NULL;
}

static void clear(struct batch *b)
{
	/* a batch of one huge line gives its memory back */
	if (b->lines.cap > 4 * BATCH_BYTES)
		buf_free(&b->lines);
	if (b->out.cap > 4 * BATCH_BYTES)
		buf_free(&b->out);
	if (b->rejects.cap > 4 * BATCH_BYTES)
		buf_free(&b->rejects);
	buf_clear(&b->lines);
	buf_clear(&b->out);
	buf_clear(&b->rejects);
	buf_clear(&b->messages);
	stats_free(&b->own);
	stats_init(&b->own, b->own.tool);
	free(b->name);
	b->name = NULL;
	b->n = b->next = 0;
	b->bytes = b->records = 0;
	b->had_error = false;
	b->state = FREE;
}

/* Writes the oldest batch, once it is done. */
static bool write_oldest(struct run *run)
{
	const struct batch_job *job = run->job;
	struct batch *b = slot(run, run->written);
	pthread_mutex_lock(&run->lock);
	while (b->state != DONE)
		pthread_cond_wait(&run->done, &run->lock);
	pthread_mutex_unlock(&run->lock);
	diag_emit(b->messages.data, b->messages.len);
	stats_merge(job->stats, &b->own);
	if (job->rejects && b->rejects.len)
		cli_write(job->rejects, b->rejects.data, b->rejects.len);
	if (b->out.len)
		cli_write(job->out, b->out.data, b->out.len);
	run->records += b->records;
	bool had_error = b->had_error;
	clear(b);
	run->written++;
	return had_error;
}

/* A batch to fill: the next, once it is written. */
static struct batch *next_free(struct run *run, bool *had_error)
{
	while (run->filled - run->written >= run->n_slots)
		*had_error |= write_oldest(run);
	return slot(run, run->filled);
}

/* Hands the batch being filled on to the workers. One of no lines (the
 * reader's messages alone, or nothing) goes too: the workers take every
 * batch in turn, and it is done at once. */
static void hand_on(struct run *run, struct batch *b)
{
	pthread_mutex_lock(&run->lock);
	b->state = QUEUED;
	run->filled++;
	pthread_cond_signal(&run->queued);
	pthread_mutex_unlock(&run->lock);
}

/* The reader's messages and counts so far (a failed open, a read error:
 * at the end of an input, when the batch b being filled is empty), as a
 * batch of no lines in b's place; returns the batch to fill next. */
static struct batch *hand_on_events(struct run *run, struct batch *b, bool *had_error)
{
	if (!run->events.len && !run->event_stats.count)
		return b;
	buf_add(&b->messages, run->events.data, run->events.len);
	stats_merge(&b->own, &run->event_stats);
	buf_clear(&run->events);
	stats_free(&run->event_stats);
	stats_init(&run->event_stats, run->job->stats->tool);
	hand_on(run, b);
	return next_free(run, had_error);
}

static void add_line(struct batch *b, const char *line, size_t len, bool has_newline,
		     uint64_t no)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 256;
		b->refs = xrealloc(b->refs, b->cap * sizeof *b->refs);
	}
	b->refs[b->n++] = (struct line_ref){b->lines.len, len, no, has_newline};
	buf_add(&b->lines, line, len);
	b->bytes += len + has_newline;
}

static bool run_threads(const struct batch_job *job)
{
	struct run run = {.job = job, .n_slots = PER_THREAD * (size_t)job->threads};
	pthread_mutex_init(&run.lock, NULL);
	pthread_cond_init(&run.queued, NULL);
	pthread_cond_init(&run.done, NULL);
	run.slots = xcalloc(run.n_slots, sizeof *run.slots);
	for (size_t i = 0; i < run.n_slots; i++) {
		stats_init(&run.slots[i].own, job->stats->tool);
		run.slots[i].stats = &run.slots[i].own;
	}
	stats_init(&run.event_stats, job->stats->tool);
	pthread_t *threads = xcalloc(job->threads, sizeof *threads);
	for (unsigned i = 0; i < job->threads; i++)
		if (pthread_create(&threads[i], NULL, worker, &run) != 0)
			die("cannot start a thread");

	/* The reader's messages and counts are held back (the run's
	 * counters are added to only as batches are written) and handed on
	 * in their place among the batches. */
	struct jsonl in;
	jsonl_open(&in, job->files, job->file_count, &run.event_stats, NULL);
	bool had_error = false;
	struct batch *b = next_free(&run, &had_error);
	diag_capture(&run.events);
	for (;;) {
		if (!in.in) {
			bool more = jsonl_open_next(&in);
			b = hand_on_events(&run, b, &had_error);
			if (!more)
				break;
		}
		const char *line;
		size_t len;
		bool has_newline;
		if (!jsonl_line(&in, &line, &len, &has_newline)) {
			hand_on(&run, b); /* a batch holds lines of one input */
			b = next_free(&run, &had_error);
			b = hand_on_events(&run, b, &had_error);
			continue;
		}
		if (!b->name)
			b->name = xstrdup(jsonl_name(&in));
		add_line(b, line, len, has_newline, in.line);
		if (b->bytes >= BATCH_BYTES || b->n >= BATCH_LINES) {
			hand_on(&run, b);
			b = next_free(&run, &had_error);
		}
		if (job->progress)
			progress_update(job->progress, run.records, in.bytes, jsonl_raw_offset(&in), 0);
	}
	diag_capture(NULL);
	hand_on(&run, b);
	while (run.written < run.filled)
		had_error |= write_oldest(&run);
	pthread_mutex_lock(&run.lock);
	run.is_over = true;
	pthread_cond_broadcast(&run.queued);
	pthread_mutex_unlock(&run.lock);
	for (unsigned i = 0; i < job->threads; i++)
		pthread_join(threads[i], NULL);
	had_error |= in.had_error;

	jsonl_close(&in);
	for (size_t i = 0; i < run.n_slots; i++) {
		struct batch *s = &run.slots[i];
		clear(s);
		buf_free(&s->lines);
		buf_free(&s->out);
		buf_free(&s->rejects);
		buf_free(&s->messages);
		stats_free(&s->own);
		record_free(&s->record);
		free(s->refs);
	}
	free(run.slots);
	free(threads);
	buf_free(&run.events);
	stats_free(&run.event_stats);
	pthread_mutex_destroy(&run.lock);
	pthread_cond_destroy(&run.queued);
	pthread_cond_destroy(&run.done);
	return had_error;
}

bool batch_run(const struct batch_job *job)
{
	return job->threads <= 1 ? run_alone(job) : run_threads(job);
}
