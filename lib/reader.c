#include "reader.h"

#include <archive.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"

enum { CHUNK = 1 << 20, SNIFF = 8 };

struct reader {
	int fd;
	bool owns_fd;
	char *name;
	const char *compression;
	struct archive *archive; /* NULL when the input is not compressed */
	unsigned char sniffed[SNIFF];
	size_t sniffed_len, sniffed_pos;
	char *raw;               /* libarchive's input chunk */
	uint64_t raw_offset;
	int64_t raw_size;
	bool at_eof;
	/* line buffer: bytes [start, end) are read but not yet returned */
	char *lines;
	size_t start, end, cap;
	char error[256];
};

void reader_allow_filters(struct archive *a)
{
	/* Each version function is NULL when libarchive was built without that
	 * library, and then the support call would fall back to a program. */
	if (archive_zlib_version())
		archive_read_support_filter_gzip(a);
	if (archive_bzlib_version())
		archive_read_support_filter_bzip2(a);
	if (archive_liblzma_version())
		archive_read_support_filter_xz(a);
	if (archive_libzstd_version())
		archive_read_support_filter_zstd(a);
	if (archive_liblz4_version())
		archive_read_support_filter_lz4(a);
}

const char *reader_sniff_compression(const unsigned char *p, size_t n)
{
	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return "gzip";
	if (n >= 3 && memcmp(p, "BZh", 3) == 0)
		return "bzip2";
	if (n >= 6 && memcmp(p, "\xfd" "7zXZ\0", 6) == 0)
		return "xz";
	if (n >= 4 && memcmp(p, "\x28\xb5\x2f\xfd", 4) == 0)
		return "zstd";
	if (n >= 4 && memcmp(p, "\x04\x22\x4d\x18", 4) == 0)
		return "lz4";
	return NULL;
}

static ssize_t read_fd(struct reader *r, void *dst, size_t n)
{
	for (;;) {
		ssize_t k = read(r->fd, dst, n);
		if (k >= 0) {
			r->raw_offset += (uint64_t)k;
			return k;
		}
		if (errno != EINTR) {
			snprintf(r->error, sizeof r->error, "%s", diag_strerror(errno));
			return -1;
		}
	}
}

/* Reads from the input, first handing back the bytes sniffed at open. */
static ssize_t read_input(struct reader *r, void *dst, size_t n)
{
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

static la_ssize_t archive_read_cb(struct archive *a, void *data, const void **block)
{
	(void)a;
	struct reader *r = data;
	ssize_t k = read_input(r, r->raw, CHUNK);
	*block = r->raw;
	if (k < 0) {
		archive_set_error(a, EIO, "%s", r->error);
		return -1;
	}
	return k;
}

static bool open_decompressor(struct reader *r)
{
	struct archive *a = archive_read_new();
	if (!a) {
		snprintf(r->error, sizeof r->error, "out of memory");
		return false;
	}
	archive_read_support_format_raw(a);
	reader_allow_filters(a);
	r->raw = xmalloc(CHUNK);
	struct archive_entry *entry;
	if (archive_read_open(a, r, NULL, archive_read_cb, NULL) != ARCHIVE_OK ||
	    archive_read_next_header(a, &entry) != ARCHIVE_OK) {
		snprintf(r->error, sizeof r->error, "%s compressed input: %s",
			 r->compression, archive_error_string(a) ? archive_error_string(a)
							        : "cannot be read");
		archive_read_free(a);
		return false;
	}
	r->archive = a;
	return true;
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
		if (S_ISREG(st.st_mode))
			r->raw_size = st.st_size;
	}
	/* Sniff the magic number; a short read of a pipe is fine, keep going
	 * until SNIFF bytes or the end. */
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
	r->compression = reader_sniff_compression(r->sniffed, r->sniffed_len);
	if (r->compression && !open_decompressor(r)) {
		snprintf(err, err_size, "%s: %s", r->name, r->error);
		reader_close(r);
		return NULL;
	}
	if (!r->compression)
		r->compression = "none";
	return r;
}

ssize_t reader_read(struct reader *r, void *dst, size_t n)
{
	if (r->at_eof)
		return 0;
	ssize_t k;
	if (r->archive) {
		k = archive_read_data(r->archive, dst, n);
		if (k < 0)
			snprintf(r->error, sizeof r->error, "%s",
				 archive_error_string(r->archive) ? archive_error_string(r->archive)
								  : "decompression failed");
	} else {
		k = read_input(r, dst, n);
	}
	if (k == 0)
		r->at_eof = true;
	return k < 0 ? -1 : k;
}

int reader_getline(struct reader *r, const char **line, size_t *len, bool *has_newline)
{
	size_t scanned = r->start;
	for (;;) {
		char *nl = memchr(r->lines + scanned, '\n', r->end - scanned);
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
	return r->compression;
}

uint64_t reader_raw_offset(const struct reader *r)
{
	return r->raw_offset;
}

int64_t reader_raw_size(const struct reader *r)
{
	return r->raw_size;
}

void reader_close(struct reader *r)
{
	if (!r)
		return;
	if (r->archive)
		archive_read_free(r->archive);
	if (r->owns_fd)
		close(r->fd);
	free(r->raw);
	free(r->lines);
	free(r->name);
	free(r);
}
