#ifndef NEWSUTILS_TEST_UNIT_H
#define NEWSUTILS_TEST_UNIT_H

/* The unit-test harness: checks that say what should be true, a table of
 * test functions run in order, and one summary line per file
 * ("test_json: 42 passed, 0 failed", counting checks). A failed check
 * prints "file:line: test: what should be true" on stderr and the test
 * goes on; REQUIRE returns from the test instead, for checks whose failure
 * would make the rest crash. Each test file ends with UNIT_MAIN(...).
 * Header-only so that the Makefile links each test with the library alone. */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"

struct unit_test {
	const char *name;
	void (*run)(void);
	const char *disabled_because; /* NULL when the test runs */
};

#define UNIT_TEST(fn) {#fn, fn, NULL}
/* A test that shows a reported library bug: compiled, listed, not run. */
#define UNIT_DISABLED(fn, why) {#fn, fn, why}

static inline size_t unit_strlen(const char *s)
{
	return s ? strlen(s) : 0;
}

static unsigned long unit_passed, unit_failed;
static const char *unit_current = "";
static FILE *unit_real_stderr; /* while stderr is captured */

/* Prints up to 160 bytes of p[0..n) with anything unprintable as \xNN. */
static inline void unit_print_bytes(FILE *f, const char *p, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n && i < 160; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c >= 0x20 && c < 0x7F)
			fputc(c, f);
		else
			fprintf(f, "\\x%02X", c);
	}
	fputc('"', f);
	if (n > 160)
		fprintf(f, "... (%zu bytes)", n);
}

/* Where failures are reported: the real stderr even during a capture. */
static inline FILE *unit_err(void)
{
	return unit_real_stderr ? unit_real_stderr : stderr;
}

static inline void unit_vfail(const char *file, int line, const char *fmt, va_list ap)
{
	unit_failed++;
	fflush(stdout);
	FILE *out = unit_err();
	fprintf(out, "%s:%d: %s: ", file, line, unit_current);
	vfprintf(out, fmt, ap);
}

__attribute__((format(printf, 4, 5)))
static inline bool unit_check(bool ok, const char *file, int line, const char *fmt, ...)
{
	if (ok) {
		unit_passed++;
		return true;
	}
	va_list ap;
	va_start(ap, fmt);
	unit_vfail(file, line, fmt, ap);
	va_end(ap);
	fputc('\n', unit_err());
	return false;
}

__attribute__((format(printf, 5, 6)))
static inline bool unit_check_u64(uint64_t actual, uint64_t expected, const char *file, int line,
				  const char *fmt, ...)
{
	if (actual == expected) {
		unit_passed++;
		return true;
	}
	va_list ap;
	va_start(ap, fmt);
	unit_vfail(file, line, fmt, ap);
	va_end(ap);
	fprintf(unit_err(), " (got %llu, expected %llu)\n", (unsigned long long)actual,
		(unsigned long long)expected);
	return false;
}

__attribute__((format(printf, 7, 8)))
static inline bool unit_check_str(const char *actual, size_t actual_len, const char *expected,
				  size_t expected_len, const char *file, int line,
				  const char *fmt, ...)
{
	if (actual_len == expected_len &&
	    (expected_len == 0 || (actual && memcmp(actual, expected, expected_len) == 0))) {
		unit_passed++;
		return true;
	}
	va_list ap;
	va_start(ap, fmt);
	unit_vfail(file, line, fmt, ap);
	va_end(ap);
	fputs("\n    got      ", unit_err());
	if (actual)
		unit_print_bytes(unit_err(), actual, actual_len);
	else
		fputs("NULL", unit_err());
	fputs("\n    expected ", unit_err());
	unit_print_bytes(unit_err(), expected, expected_len);
	fputc('\n', unit_err());
	return false;
}

#define CHECK(cond, ...) unit_check((cond) ? true : false, __FILE__, __LINE__, __VA_ARGS__)
#define CHECK_EQ_SIZE(actual, expected, ...) \
	unit_check_u64((uint64_t)(actual), (uint64_t)(expected), __FILE__, __LINE__, __VA_ARGS__)
#define CHECK_EQ_U64 CHECK_EQ_SIZE
/* Compares byte strings with their lengths, so NUL bytes count. */
#define CHECK_STR(actual, actual_len, expected, expected_len, ...)                   \
	unit_check_str((actual), (actual_len), (expected), (expected_len), __FILE__, \
		       __LINE__, __VA_ARGS__)
/* The same against a string literal, whose NUL bytes count too. */
#define CHECK_LIT(actual, actual_len, literal, ...) \
	CHECK_STR((actual), (actual_len), "" literal, sizeof(literal) - 1, __VA_ARGS__)
/* A struct buf against a string literal. */
#define CHECK_BUF(b, literal, ...) CHECK_LIT((b).data, (b).len, literal, __VA_ARGS__)
/* A NUL-terminated string against another. */
#define CHECK_CSTR(actual, expected, ...) \
	CHECK_STR((actual), unit_strlen(actual), (expected), strlen(expected), __VA_ARGS__)
/* Like CHECK, but ends the test when it fails. */
#define REQUIRE(cond, ...)                 \
	do {                               \
		if (!CHECK(cond, __VA_ARGS__)) \
			return;            \
	} while (0)

/* Runs the tests and prints the summary line; returns the exit status. */
static inline int unit_run(const char *source, const struct unit_test *tests, size_t count)
{
	const char *slash = strrchr(source, '/');
	const char *name = slash ? slash + 1 : source;
	size_t name_len = strlen(name);
	if (name_len > 2 && strcmp(name + name_len - 2, ".c") == 0)
		name_len -= 2;
	for (size_t i = 0; i < count; i++) {
		if (tests[i].disabled_because) {
			printf("%.*s: %s not run: %s\n", (int)name_len, name, tests[i].name,
			       tests[i].disabled_because);
			continue;
		}
		unit_current = tests[i].name;
		tests[i].run();
	}
	printf("%.*s: %lu passed, %lu failed\n", (int)name_len, name, unit_passed, unit_failed);
	fflush(stdout);
	return unit_failed ? 1 : 0;
}

#define UNIT_MAIN(...)                                                             \
	int main(void)                                                             \
	{                                                                          \
		static const struct unit_test tests[] = {__VA_ARGS__};             \
		return unit_run(__FILE__, tests, sizeof tests / sizeof tests[0]); \
	}

/* Helpers for the tests that need files and processes. */

/* Writes p[0..n) to a new file in /tmp; returns its malloc'd path. */
static inline char *unit_temp_file(const void *p, size_t n)
{
	char *path = xstrdup("/tmp/newsutils-unit-XXXXXX");
	int fd = mkstemp(path);
	if (fd < 0) {
		perror("mkstemp");
		abort();
	}
	const char *c = p;
	while (n) {
		ssize_t k = write(fd, c, n);
		if (k < 0) {
			perror("write");
			abort();
		}
		c += k;
		n -= (size_t)k;
	}
	close(fd);
	return path;
}

/* Returns a fresh path in /tmp that does not exist yet (a new directory
 * holds it, removed by unit_remove_temp_path), ending with suffix. */
static inline char *unit_temp_path(const char *suffix)
{
	char dir[] = "/tmp/newsutils-unit-XXXXXX";
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		abort();
	}
	struct buf b = {0};
	buf_printf(&b, "%s/out%s", dir, suffix);
	return b.data;
}

/* Removes the file at path if present, and the directory around it. */
static inline void unit_remove_temp_path(char *path)
{
	unlink(path);
	char *slash = strrchr(path, '/');
	*slash = '\0';
	rmdir(path);
	free(path);
}

/* Appends the whole content of path to out; returns false if unreadable. */
static inline bool unit_read_file(const char *path, struct buf *out)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	char chunk[65536];
	ssize_t k;
	while ((k = read(fd, chunk, sizeof chunk)) > 0)
		buf_add(out, chunk, (size_t)k);
	close(fd);
	return k == 0;
}

static inline bool unit_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* Counts the entries of the directory holding path, path included. */
static inline size_t unit_count_siblings(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = xstrndup(path, (size_t)(slash - path));
	size_t count = 0;
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
				count++;
		closedir(d);
	}
	free(dir);
	return count;
}

/* The next number of the xorshift64 sequence in *state (not 0): random
 * test inputs that are the same on every run. */
static inline uint64_t unit_random(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

/* Fills p with letters, spaces, CR, NUL bytes and newlines from a fixed
 * pseudo-random sequence: hard to compress, the same on every run. */
static inline void unit_fill_text(char *p, size_t n)
{
	uint32_t x = 12345;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		unsigned r = (x >> 16) % 100;
		p[i] = r < 2 ? '\n' : r < 3 ? '\0' : r < 4 ? '\r' : r < 14 ? ' ' : (char)('a' + r % 26);
	}
}

/* Sends what the library prints to stderr into a temporary file until
 * unit_capture_end. Only the stream is swapped (glibc lets stderr be
 * assigned), not file descriptor 2, so that a sanitizer report during a
 * capture still reaches the terminal. */
static inline void unit_capture_begin(void)
{
	fflush(stderr);
	FILE *f = tmpfile();
	if (!f) {
		perror("tmpfile");
		abort();
	}
	unit_real_stderr = stderr;
	stderr = f;
}

/* Restores stderr and appends what was written to it to out. */
static inline void unit_capture_end(struct buf *out)
{
	FILE *f = stderr;
	fflush(f);
	stderr = unit_real_stderr;
	unit_real_stderr = NULL;
	rewind(f);
	char chunk[65536];
	size_t k;
	while ((k = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(out, chunk, k);
	if (!out->data)
		buf_add(out, "", 0);
	fclose(f);
}

/* Runs fn(ctx) in a child process with its stderr collected in err_out;
 * returns the wait status. The child exits 0 if fn returns. */
static inline int unit_fork(void (*fn)(void *), void *ctx, struct buf *err_out)
{
	int fds[2];
	if (pipe(fds) < 0) {
		perror("pipe");
		abort();
	}
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		abort();
	}
	if (pid == 0) {
		close(fds[0]);
		dup2(fds[1], STDERR_FILENO);
		close(fds[1]);
		fn(ctx);
		fflush(stderr);
		_exit(0);
	}
	close(fds[1]);
	char chunk[4096];
	ssize_t k;
	while ((k = read(fds[0], chunk, sizeof chunk)) > 0 || (k < 0 && errno == EINTR))
		if (k > 0)
			buf_add(err_out, chunk, (size_t)k);
	close(fds[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			perror("waitpid");
			abort();
		}
	return status;
}


#ifdef UNIT_WITH_CODECS
/* Compressors and decompressors independent of lib/, for the tests of the
 * reader, the decoder and the writer (#define UNIT_WITH_CODECS first). */
#include <bzlib.h>
#include <lz4frame.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

enum unit_codec { UNIT_GZIP, UNIT_BZIP2, UNIT_XZ, UNIT_ZSTD, UNIT_LZ4, UNIT_CODECS };

static inline const char *unit_codec_name(enum unit_codec c)
{
	return c == UNIT_GZIP ? "gzip" : c == UNIT_BZIP2 ? "bzip2" : c == UNIT_XZ ? "xz"
	       : c == UNIT_ZSTD ? "zstd" : "lz4";
}

/* Appends p[0..n) as one gzip member, bzip2 stream, xz stream, zstd frame
 * or lz4 frame, with the checksums the command-line tools write. */
static inline void unit_compress(enum unit_codec c, const void *p, size_t n, struct buf *out)
{
	bool ok = false;
	switch (c) {
	case UNIT_GZIP: {
		z_stream z;
		memset(&z, 0, sizeof z);
		if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
			break;
		size_t bound = deflateBound(&z, (uLong)n);
		buf_reserve(out, bound);
		z.next_in = (Bytef *)(uintptr_t)p;
		z.avail_in = (uInt)n;
		z.next_out = (Bytef *)out->data + out->len;
		z.avail_out = (uInt)bound;
		ok = deflate(&z, Z_FINISH) == Z_STREAM_END;
		out->len += bound - z.avail_out;
		deflateEnd(&z);
		break;
	}
	case UNIT_BZIP2: {
		unsigned bound = (unsigned)(n + n / 100 + 600);
		buf_reserve(out, bound);
		ok = BZ2_bzBuffToBuffCompress(out->data + out->len, &bound, (char *)(uintptr_t)p,
					      (unsigned)n, 1, 0, 0) == BZ_OK;
		out->len += bound;
		break;
	}
	case UNIT_XZ: {
		size_t bound = lzma_stream_buffer_bound(n), pos = 0;
		buf_reserve(out, bound);
		ok = lzma_easy_buffer_encode(0, LZMA_CHECK_CRC64, NULL, p, n,
					     (uint8_t *)out->data + out->len, &pos, bound) == LZMA_OK;
		out->len += pos;
		break;
	}
	case UNIT_ZSTD: {
		ZSTD_CCtx *cc = ZSTD_createCCtx();
		ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1);
		size_t bound = ZSTD_compressBound(n);
		buf_reserve(out, bound);
		size_t k = ZSTD_compress2(cc, out->data + out->len, bound, p, n);
		ok = !ZSTD_isError(k);
		if (ok)
			out->len += k;
		ZSTD_freeCCtx(cc);
		break;
	}
	case UNIT_LZ4: {
		LZ4F_preferences_t prefs;
		memset(&prefs, 0, sizeof prefs);
		prefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
		size_t bound = LZ4F_compressFrameBound(n, &prefs);
		buf_reserve(out, bound);
		size_t k = LZ4F_compressFrame(out->data + out->len, bound, p, n, &prefs);
		ok = !LZ4F_isError(k);
		if (ok)
			out->len += k;
		break;
	}
	default:
		break;
	}
	if (!ok) {
		fprintf(stderr, "unit: cannot compress with %s\n", unit_codec_name(c));
		abort();
	}
	out->data[out->len] = '\0';
}

/* Appends the decompressed gzip members in p[0..n) to out; false if the
 * data is damaged or cut. */
static inline bool unit_gunzip(const void *p, size_t n, struct buf *out)
{
	const unsigned char *in = p;
	while (n) {
		z_stream z;
		memset(&z, 0, sizeof z);
		if (inflateInit2(&z, 15 + 16) != Z_OK)
			return false;
		z.next_in = (Bytef *)(uintptr_t)in;
		z.avail_in = (uInt)n;
		int rc;
		do {
			buf_reserve(out, 1 << 16);
			z.next_out = (Bytef *)out->data + out->len;
			z.avail_out = 1 << 16;
			rc = inflate(&z, Z_NO_FLUSH);
			out->len += (1 << 16) - z.avail_out;
		} while (rc == Z_OK);
		size_t used = n - z.avail_in;
		inflateEnd(&z);
		if (rc != Z_STREAM_END)
			return false;
		in += used;
		n -= used;
	}
	return true;
}

/* Appends the decompressed zstd frames in p[0..n) to out; false if damaged
 * or cut. */
static inline bool unit_unzstd(const void *p, size_t n, struct buf *out)
{
	ZSTD_DStream *d = ZSTD_createDStream();
	ZSTD_inBuffer in = {p, n, 0};
	size_t rc = 0;
	while (in.pos < in.size) {
		buf_reserve(out, 1 << 16);
		ZSTD_outBuffer o = {out->data + out->len, 1 << 16, 0};
		rc = ZSTD_decompressStream(d, &o, &in);
		out->len += o.pos;
		if (ZSTD_isError(rc))
			break;
	}
	/* Flush what is still buffered in the last frame. */
	while (!ZSTD_isError(rc) && rc != 0) {
		buf_reserve(out, 1 << 16);
		ZSTD_outBuffer o = {out->data + out->len, 1 << 16, 0};
		rc = ZSTD_decompressStream(d, &o, &in);
		out->len += o.pos;
		if (o.pos == 0)
			break;
	}
	ZSTD_freeDStream(d);
	if (out->data)
		out->data[out->len] = '\0';
	return !ZSTD_isError(rc) && rc == 0;
}
#endif

#endif
