#include "reader.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "decoder.h"
#include "diag.h"

enum { CHUNK = 1 << 20, SNIFF = 8, SLOTS = 4, SLOT_SIZE = 1 << 20 };

/* Decompression on a thread of its own, ahead of the reader: inflate was
 * most of nsplit's time, and with it on another core the two overlap. A
 * ring of SLOTS blocks; the bytes come out exactly as without it. */
struct pipeline {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t filled, emptied;
	char *data[SLOTS];
	ssize_t len[SLOTS];   /* bytes, 0 at the end, -1 on an error */
	size_t head, count;   /* the oldest filled slot, how many are filled */
	size_t offset;        /* bytes of the head slot already handed out */
	bool is_stopping;
};

struct reader {
	int fd;
	bool owns_fd;
	bool is_regular;
	char *name;
	enum decoder_kind kind;
	struct decoder *decoder; /* NULL when the input is not compressed */
	struct pipeline *pipeline; /* decoding ahead on a thread, or NULL */
	unsigned char sniffed[SNIFF];
	size_t sniffed_len, sniffed_pos;
	atomic_uint_least64_t raw_offset; /* the decoding thread adds to it */
	int64_t raw_size;
	bool is_eof;
	bool is_raw_failed;      /* reading the file failed; error says why */
	/* line buffer: bytes [start, end) are read but not yet returned */
	char *lines;
	size_t start, end, cap;
	char error[256];
};

static ssize_t read_fd(struct reader *r, void *dst, size_t n)
{
	for (;;) {
		ssize_t k = read(r->fd, dst, n);
		if (k >= 0) {
			atomic_fetch_add_explicit(&r->raw_offset, (uint64_t)k, memory_order_relaxed);
			return k;
		}
		if (errno != EINTR) {
			/* This may run on the decoding thread: strerror_r, not the
			 * shared buffer of diag_strerror. */
			char text[128];
			const char *m = strerror_r(errno, text, sizeof text);
			snprintf(r->error, sizeof r->error, "%s", m);
			diag_lowercase_first(r->error);
			r->is_raw_failed = true;
			return -1;
		}
	}
}

/* Reads the raw input, first handing back the bytes sniffed at open. */
static ssize_t read_raw(void *ctx, void *dst, size_t n)
{
	struct reader *r = ctx;
	if (r->sniffed_pos < r->sniffed_len) {
		size_t k = r->sniffed_len - r->sniffed_pos;
		if (k > n)
			k = n;
		memcpy(dst, r->sniffed + r->sniffed_pos, k);
		r->sniffed_pos += k;
		return (ssize_t)k;
	}
	return read_fd(r, dst, n);
}

static void *pipeline_run(void *arg)
{
	struct reader *r = arg;
	struct pipeline *p = r->pipeline;
	/* Cancellation (by reader_close) may only end the thread in read(). */
	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
	for (;;) {
		pthread_mutex_lock(&p->lock);
		while (p->count == SLOTS && !p->is_stopping)
			pthread_cond_wait(&p->emptied, &p->lock);
		bool stop = p->is_stopping;
		size_t slot = (p->head + p->count) % SLOTS;
		pthread_mutex_unlock(&p->lock);
		if (stop)
			return NULL;
		pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
		ssize_t k = decoder_read(r->decoder, p->data[slot], SLOT_SIZE);
		pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
		pthread_mutex_lock(&p->lock);
		p->len[slot] = k;
		p->count++;
		pthread_cond_signal(&p->filled);
		pthread_mutex_unlock(&p->lock);
		if (k <= 0)
			return NULL;
	}
}

/* Whether this process may use more than one processor (taskset, Slurm
 * and cgroups limits included). */
static bool has_spare_cpu(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof set, &set) == 0)
		return CPU_COUNT(&set) > 1;
	return sysconf(_SC_NPROCESSORS_ONLN) > 1;
}

static void pipeline_free(struct pipeline *p)
{
	for (size_t i = 0; i < SLOTS; i++)
		free(p->data[i]);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->filled);
	pthread_cond_destroy(&p->emptied);
	free(p);
}

static void pipeline_start(struct reader *r)
{
	struct pipeline *p = xcalloc(1, sizeof *p);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->filled, NULL);
	pthread_cond_init(&p->emptied, NULL);
	for (size_t i = 0; i < SLOTS; i++)
		p->data[i] = xmalloc(SLOT_SIZE);
	r->pipeline = p;
	if (pthread_create(&p->thread, NULL, pipeline_run, r) != 0) {
		/* No thread: decode on the caller's, as on one processor. */
		pipeline_free(p);
		r->pipeline = NULL;
	}
}

static ssize_t pipeline_read(struct reader *r, void *dst, size_t n)
{
	struct pipeline *p = r->pipeline;
	pthread_mutex_lock(&p->lock);
	while (p->count == 0)
		pthread_cond_wait(&p->filled, &p->lock);
	size_t slot = p->head;
	ssize_t len = p->len[slot];
	pthread_mutex_unlock(&p->lock);
	if (len <= 0) {
		if (len < 0 && !r->is_raw_failed)
			snprintf(r->error, sizeof r->error, "%s", decoder_error(r->decoder));
		return len; /* the end or the error stays in the ring */
	}
	size_t k = (size_t)len - p->offset;
	if (k > n)
		k = n;
	memcpy(dst, p->data[slot] + p->offset, k);
	p->offset += k;
	if (p->offset == (size_t)len) {
		p->offset = 0;
		pthread_mutex_lock(&p->lock);
		p->head = (p->head + 1) % SLOTS;
		p->count--;
		pthread_cond_signal(&p->emptied);
		pthread_mutex_unlock(&p->lock);
	}
	return (ssize_t)k;
}

static void pipeline_stop(struct reader *r)
{
	struct pipeline *p = r->pipeline;
	if (!p)
		return;
	pthread_mutex_lock(&p->lock);
	p->is_stopping = true;
	pthread_cond_broadcast(&p->emptied);
	pthread_mutex_unlock(&p->lock);
	/* A thread blocked reading a pipe that is never closed still ends. */
	pthread_cancel(p->thread);
	pthread_join(p->thread, NULL);
	pipeline_free(p);
	r->pipeline = NULL;
}

struct reader *reader_open(const char *path, char *err, size_t err_size)
{
	struct reader *r = xcalloc(1, sizeof *r);
	r->raw_size = -1;
	if (!path || strcmp(path, "-") == 0) {
		r->fd = STDIN_FILENO;
		r->name = xstrdup("<stdin>");
	} else {
		r->fd = open(path, O_RDONLY | O_CLOEXEC);
		r->name = xstrdup(path);
		if (r->fd < 0) {
			snprintf(err, err_size, "%s: %s", path, diag_strerror(errno));
			reader_close(r);
			return NULL;
		}
		r->owns_fd = true;
	}
	struct stat st;
	if (fstat(r->fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			snprintf(err, err_size, "%s: is a directory", r->name);
			reader_close(r);
			return NULL;
		}
		if (S_ISREG(st.st_mode)) {
			r->raw_size = st.st_size;
			r->is_regular = lseek(r->fd, 0, SEEK_CUR) == 0;
		}
	}
	/* Sniff the magic number; a pipe may give it in pieces. */
	while (r->sniffed_len < SNIFF) {
		ssize_t k = read_fd(r, r->sniffed + r->sniffed_len, SNIFF - r->sniffed_len);
		if (k < 0) {
			snprintf(err, err_size, "%s: %s", r->name, r->error);
			reader_close(r);
			return NULL;
		}
		if (k == 0)
			break;
		r->sniffed_len += (size_t)k;
	}
	r->kind = decoder_sniff(r->sniffed, r->sniffed_len);
	if (r->kind != DECODER_NONE) {
		r->decoder = decoder_new(r->kind, read_raw, r);
		r->is_regular = false;
		/* A thread pays for itself on inputs of some size: not on a
		 * directory of small .gz files. */
		if (has_spare_cpu() && (r->raw_size < 0 || r->raw_size > SLOT_SIZE))
			pipeline_start(r);
	}
	return r;
}

ssize_t reader_read(struct reader *r, void *dst, size_t n)
{
	if (r->is_eof)
		return 0;
	ssize_t k;
	if (r->pipeline) {
		k = pipeline_read(r, dst, n);
	} else if (r->decoder) {
		k = decoder_read(r->decoder, dst, n);
		if (k < 0 && !r->is_raw_failed)
			snprintf(r->error, sizeof r->error, "%s", decoder_error(r->decoder));
	} else {
		k = read_raw(r, dst, n);
	}
	if (k == 0)
		r->is_eof = true;
	return k;
}

bool reader_is_seekable(const struct reader *r)
{
	return r->is_regular;
}

int64_t reader_seek(struct reader *r, int64_t offset, int whence)
{
	if (!r->is_regular)
		return -1;
	if (whence == SEEK_CUR) {
		/* Sniffed bytes not yet handed out, and bytes in the line buffer
		 * not yet returned as lines, are still ahead of us. */
		offset += (int64_t)atomic_load_explicit(&r->raw_offset, memory_order_relaxed) -
			  (int64_t)(r->sniffed_len - r->sniffed_pos) - (int64_t)(r->end - r->start);
		whence = SEEK_SET;
	}
	off_t pos = lseek(r->fd, (off_t)offset, whence);
	if (pos < 0)
		return -1;
	r->sniffed_pos = r->sniffed_len;
	r->start = r->end = 0; /* buffered lines belong to the old offset */
	r->is_eof = false;
	atomic_store_explicit(&r->raw_offset, (uint64_t)pos, memory_order_relaxed);
	return pos;
}

int reader_getline(struct reader *r, const char **line, size_t *len, bool *has_newline)
{
	size_t scanned = r->start;
	for (;;) {
		/* Before the first read lines is NULL, which memchr must not see. */
		char *nl = r->end > scanned ? memchr(r->lines + scanned, '\n', r->end - scanned) : NULL;
		if (nl) {
			*line = r->lines + r->start;
			*len = (size_t)(nl - (r->lines + r->start));
			*has_newline = true;
			r->start = (size_t)(nl - r->lines) + 1;
			return 1;
		}
		scanned = r->end;
		/* Move the partial line to the front, grow if it fills the buffer. */
		if (r->start > 0) {
			memmove(r->lines, r->lines + r->start, r->end - r->start);
			r->end -= r->start;
			scanned -= r->start;
			r->start = 0;
		}
		if (r->cap - r->end < CHUNK) {
			r->cap = r->cap ? r->cap * 2 : 4 * (size_t)CHUNK;
			r->lines = xrealloc(r->lines, r->cap);
		}
		ssize_t k = reader_read(r, r->lines + r->end, r->cap - r->end);
		if (k < 0)
			return -1;
		if (k == 0) {
			if (r->end == r->start)
				return 0;
			*line = r->lines + r->start;
			*len = r->end - r->start;
			*has_newline = false;
			r->start = r->end;
			return 1;
		}
		r->end += (size_t)k;
	}
}

const char *reader_name(const struct reader *r)
{
	return r->name;
}

const char *reader_error(const struct reader *r)
{
	return r->error;
}

const char *reader_compression(const struct reader *r)
{
	return decoder_name(r->kind);
}

uint64_t reader_raw_offset(const struct reader *r)
{
	return atomic_load_explicit(&r->raw_offset, memory_order_relaxed);
}

int64_t reader_raw_size(const struct reader *r)
{
	return r->raw_size;
}

void reader_close(struct reader *r)
{
	if (!r)
		return;
	pipeline_stop(r);
	decoder_free(r->decoder);
	if (r->owns_fd)
		close(r->fd);
	free(r->lines);
	free(r->name);
	free(r);
}
