#include "writer.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "buf.h"
#include "diag.h"

enum { BUFFER = 256 * 1024 };
enum compression { PLAIN, GZIP, ZSTD };

struct writer {
	int fd;
	char *name;
	char *temp;      /* temporary path, NULL for stdout and special files */
	char *target;    /* what temp is renamed to (a link's target) */
	bool is_special; /* a device or FIFO, written in place */
	enum compression compression;
	z_stream z;
	ZSTD_CStream *zstd;
	unsigned char *buffer; /* uncompressed bytes waiting */
	size_t used;
	unsigned char *packed; /* compressed bytes waiting */
	int err;
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int write_all(struct writer *w, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t k = write(w->fd, c, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			w->err = errno;
			return -1;
		}
		c += k;
		n -= (size_t)k;
	}
	return 0;
}

static int pack_gzip(struct writer *w, const void *p, size_t n, int flush)
{
	const unsigned char *in = p;
	/* avail_in is an unsigned int: feed very large records in slices. */
	do {
		size_t slice = n > (1u << 30) ? (1u << 30) : n;
		int mode = slice < n ? Z_NO_FLUSH : flush;
		w->z.next_in = (unsigned char *)(uintptr_t)in;
		w->z.avail_in = (unsigned)slice;
		int rc;
		do {
			w->z.next_out = w->packed;
			w->z.avail_out = BUFFER;
			rc = deflate(&w->z, mode);
			if (rc == Z_STREAM_ERROR) {
				w->err = EIO;
				return -1;
			}
			if (write_all(w, w->packed, BUFFER - w->z.avail_out) < 0)
				return -1;
		} while (mode == Z_FINISH ? rc != Z_STREAM_END : w->z.avail_out == 0);
		in += slice;
		n -= slice;
	} while (n);
	return 0;
}

static int pack_zstd(struct writer *w, const void *p, size_t n, ZSTD_EndDirective mode)
{
	ZSTD_inBuffer in = {p, n, 0};
	for (;;) {
		ZSTD_outBuffer out = {w->packed, BUFFER, 0};
		size_t left = ZSTD_compressStream2(w->zstd, &out, &in, mode);
		if (ZSTD_isError(left)) {
			w->err = EIO;
			return -1;
		}
		if (write_all(w, w->packed, out.pos) < 0)
			return -1;
		if (mode == ZSTD_e_end ? left == 0 : in.pos == in.size)
			return 0;
	}
}

/* Sends the buffered bytes on, compressing them if needed. */
static int drain(struct writer *w, bool finish)
{
	int rc;
	switch (w->compression) {
	case GZIP:
		rc = pack_gzip(w, w->buffer, w->used, finish ? Z_FINISH : Z_NO_FLUSH);
		break;
	case ZSTD:
		rc = pack_zstd(w, w->buffer, w->used, finish ? ZSTD_e_end : ZSTD_e_continue);
		break;
	default:
		rc = write_all(w, w->buffer, w->used);
	}
	w->used = 0;
	return rc;
}

/* Chooses the compression by the name; false (err filled) if it cannot start. */
static bool start_compression(struct writer *w, const char *path, char *err, size_t err_size)
{
	if (ends_with(path, ".gz")) {
		w->compression = GZIP;
		if (deflateInit2(&w->z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
				 Z_DEFAULT_STRATEGY) != Z_OK) {
			w->compression = PLAIN;
			snprintf(err, err_size, "%s: cannot start gzip compression", path);
			return false;
		}
	} else if (ends_with(path, ".zst")) {
		w->compression = ZSTD;
		w->zstd = ZSTD_createCStream();
		if (!w->zstd) {
			snprintf(err, err_size, "%s: cannot start zstd compression", path);
			return false;
		}
	}
	if (w->compression != PLAIN)
		w->packed = xmalloc(BUFFER);
	return true;
}

struct writer *writer_open(const char *path, char *err, size_t err_size)
{
	struct writer *w = xcalloc(1, sizeof *w);
	w->buffer = xmalloc(BUFFER);
	if (!path || strcmp(path, "-") == 0) {
		w->fd = STDOUT_FILENO;
		w->name = xstrdup("<stdout>");
		return w;
	}
	w->name = xstrdup(path);
	/* Only a regular file is replaced atomically: a device or a FIFO
	 * (-o /dev/null, a named pipe) is written as it is, never renamed over,
	 * and compressed by its name like any other. */
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		w->fd = open(path, O_WRONLY | O_CLOEXEC);
		if (w->fd < 0) {
			snprintf(err, err_size, "%s: cannot open: %s", path, diag_strerror(errno));
			free(w->buffer);
			free(w->name);
			free(w);
			return NULL;
		}
		w->is_special = true;
	} else {
		/* Through a symbolic link, replace the file it points to and keep
		 * the link. */
		char *real = NULL;
		struct stat lst;
		if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
			real = realpath(path, NULL);
		w->target = xstrdup(real ? real : path);
		free(real);
		struct buf temp = {0};
		buf_printf(&temp, "%s.tmp.XXXXXX", w->target);
		w->fd = mkstemp(temp.data);
		if (w->fd < 0) {
			snprintf(err, err_size, "%s: cannot create: %s", path, diag_strerror(errno));
			buf_free(&temp);
			free(w->target);
			free(w->buffer);
			free(w->name);
			free(w);
			return NULL;
		}
		w->temp = temp.data;
		diag_track_temp(w->temp);
		/* mkstemp makes the file private; give it the mode a plain open would. */
		mode_t mask = umask(0);
		umask(mask);
		fchmod(w->fd, 0666 & ~mask);
	}
	if (!start_compression(w, path, err, err_size)) {
		writer_abort(w);
		return NULL;
	}
	return w;
}

int writer_write(struct writer *w, const void *p, size_t n)
{
	if (w->err)
		return -1;
	if (w->used + n <= BUFFER) {
		memcpy(w->buffer + w->used, p, n);
		w->used += n;
		return 0;
	}
	if (drain(w, false) < 0)
		return -1;
	if (n >= BUFFER) {
		/* Large records go straight through rather than via the buffer. */
		switch (w->compression) {
		case GZIP: return pack_gzip(w, p, n, Z_NO_FLUSH);
		case ZSTD: return pack_zstd(w, p, n, ZSTD_e_continue);
		default: return write_all(w, p, n);
		}
	}
	memcpy(w->buffer, p, n);
	w->used = n;
	return 0;
}

static void release(struct writer *w)
{
	if (w->compression == GZIP)
		deflateEnd(&w->z);
	ZSTD_freeCStream(w->zstd);
	if (w->temp) {
		diag_forget_temp(w->temp);
		free(w->temp);
	}
	free(w->target);
	free(w->buffer);
	free(w->packed);
	free(w->name);
	free(w);
}

int writer_close(struct writer *w, int *err_out)
{
	int rc = w->err ? -1 : drain(w, w->compression != PLAIN);
	if (w->is_special && close(w->fd) < 0 && rc == 0) {
		w->err = errno;
		rc = -1;
	}
	if (w->temp) {
		if (rc == 0 && fsync(w->fd) < 0 && errno != EINVAL) {
			w->err = errno;
			rc = -1;
		}
		if (close(w->fd) < 0 && rc == 0) {
			w->err = errno;
			rc = -1;
		}
		if (rc == 0 && rename(w->temp, w->target) < 0) {
			w->err = errno;
			rc = -1;
		}
		if (rc < 0)
			unlink(w->temp);
	}
	*err_out = w->err;
	release(w);
	return rc;
}

void writer_abort(struct writer *w)
{
	if (w->is_special)
		close(w->fd);
	if (w->temp) {
		close(w->fd);
		unlink(w->temp);
	}
	release(w);
}

const char *writer_name(const struct writer *w)
{
	return w->name;
}

int writer_errno(const struct writer *w)
{
	return w->err;
}

const char *writer_compression(const struct writer *w)
{
	static const char *const names[] = {"none", "gzip", "zstd"};
	return names[w->compression];
}
