#include "decoder.h"
#include "reader.h"

#define UNIT_WITH_CODECS
#include "unit.h"

/* Reads everything with reader_read into out; false on an error. */
static bool read_all(struct reader *r, struct buf *out)
{
	char chunk[70000];
	ssize_t k;
	while ((k = reader_read(r, chunk, sizeof chunk)) > 0)
		buf_add(out, chunk, (size_t)k);
	return k == 0;
}

/* Reads everything with reader_getline, putting back the newlines;
 * returns getline's last result (0 at a clean end, -1 on an error). */
static int read_lines(struct reader *r, struct buf *out, size_t *lines)
{
	const char *line;
	size_t len;
	bool has_newline;
	int rc;
	*lines = 0;
	while ((rc = reader_getline(r, &line, &len, &has_newline)) > 0) {
		buf_add(out, line, len);
		if (has_newline)
			buf_addc(out, '\n');
		++*lines;
	}
	return rc;
}

static struct reader *open_path(const char *path)
{
	char err[512] = "";
	struct reader *r = reader_open(path, err, sizeof err);
	CHECK(r != NULL, "%s should open (%s)", path ? path : "stdin", err);
	return r;
}

/* Writes p[0..n) to a temporary file and reads it all back into out with
 * reader_read; returns whether that succeeded, with the error message (of
 * open or of read) in message. */
static bool read_back(const void *p, size_t n, struct buf *out, struct buf *message)
{
	char *path = unit_temp_file(p, n);
	char err[512] = "";
	struct reader *r = reader_open(path, err, sizeof err);
	bool ok = false;
	if (!r) {
		buf_adds(message, err);
	} else {
		ok = read_all(r, out);
		if (!ok)
			buf_adds(message, reader_error(r));
		reader_close(r);
	}
	unlink(path);
	free(path);
	return ok;
}

/* 1.5 MB of text, more than a read chunk even compressed, and that text
 * compressed in every format: made once, shared by the tests below. */
enum { SIZE = 3 << 19 };
static char *sample;
static struct buf compressed[UNIT_CODECS];

/* The name of the compression decoder_sniff finds, or NULL for none. */
static const char *sniff(const unsigned char *p, size_t n)
{
	enum decoder_kind kind = decoder_sniff(p, n);
	return kind == DECODER_NONE ? NULL : decoder_name(kind);
}

static void make_sample(void)
{
	if (sample)
		return;
	sample = xmalloc(SIZE);
	unit_fill_text(sample, SIZE);
	for (int c = 0; c < UNIT_CODECS; c++)
		unit_compress((enum unit_codec)c, sample, SIZE, &compressed[c]);
}

static void test_compressed_equals_plain(void)
{
	make_sample();
	for (int c = -1; c < UNIT_CODECS; c++) {
		const char *name = c < 0 ? "none" : unit_codec_name((enum unit_codec)c);
		struct buf file = {0};
		if (c < 0)
			buf_add(&file, sample, SIZE);
		else
			buf_add(&file, compressed[c].data, compressed[c].len);
		char *path = unit_temp_file(file.data, file.len);
		struct reader *r = open_path(path);
		if (r) {
			CHECK_CSTR(reader_compression(r), name, "the compression should be detected from the magic number");
			CHECK(reader_raw_size(r) == (int64_t)file.len, "%s: the raw size should be the file size", name);
			struct buf out = {0};
			CHECK(read_all(r, &out), "%s: reading should succeed (%s)", name, reader_error(r));
			CHECK(out.len == SIZE && memcmp(out.data, sample, SIZE) == 0,
			      "%s: reader_read should give back the original 1.5 MB (got %zu bytes)", name, out.len);
			CHECK_EQ_U64(reader_raw_offset(r), file.len, "%s: every raw byte should have been consumed", name);
			char c1;
			CHECK(reader_read(r, &c1, 1) == 0, "%s: reading past the end should keep giving 0", name);
			reader_close(r);
			buf_free(&out);
		}
		r = open_path(path);
		if (r) {
			struct buf out = {0};
			size_t lines;
			CHECK(read_lines(r, &out, &lines) == 0, "%s: getline should end cleanly", name);
			CHECK(out.len == SIZE && memcmp(out.data, sample, SIZE) == 0,
			      "%s: the lines should add up to the original bytes", name);
			reader_close(r);
			buf_free(&out);
		}
		unlink(path);
		free(path);
		buf_free(&file);
	}
}

static void test_concatenated_members(void)
{
	for (int c = 0; c < UNIT_CODECS; c++) {
		const char *name = unit_codec_name((enum unit_codec)c);
		struct buf file = {0}, out = {0}, message = {0};
		unit_compress((enum unit_codec)c, "one\n", 4, &file);
		unit_compress((enum unit_codec)c, "", 0, &file);
		unit_compress((enum unit_codec)c, "two\r\n", 5, &file);
		CHECK(read_back(file.data, file.len, &out, &message), "%s: three members should read (%s)",
		      name, message.data ? message.data : "");
		CHECK_BUF(out, "one\ntwo\r\n", "%s: concatenated members should read as one stream", name);
		buf_free(&file);
		buf_free(&out);
		buf_free(&message);
	}
}

static void test_empty_compressed(void)
{
	for (int c = 0; c < UNIT_CODECS; c++) {
		const char *name = unit_codec_name((enum unit_codec)c);
		struct buf file = {0};
		unit_compress((enum unit_codec)c, "", 0, &file);
		char *path = unit_temp_file(file.data, file.len);
		struct reader *r = open_path(path);
		if (r) {
			CHECK_CSTR(reader_compression(r), name, "an empty %s file should be detected", name);
			const char *line;
			size_t len;
			bool nl;
			CHECK(reader_getline(r, &line, &len, &nl) == 0,
			      "%s of nothing should read as no lines, like an empty plain file (%s)", name,
			      reader_error(r));
			reader_close(r);
		}
		unlink(path);
		free(path);
		buf_free(&file);
	}
}

static void test_padding_and_garbage(void)
{
	struct buf file = {0}, out = {0}, message = {0};
	unit_compress(UNIT_GZIP, "data\n", 5, &file);
	size_t member = file.len;
	buf_reserve(&file, 10240);
	memset(file.data + file.len, 0, 10240);
	file.len += 10240;
	CHECK(read_back(file.data, file.len, &out, &message), "zero padding after a gzip member should be allowed (%s)",
	      message.data ? message.data : "");
	CHECK_BUF(out, "data\n", "zero padding should add nothing");
	buf_clear(&out);
	buf_clear(&message);

	file.len = member;
	buf_adds(&file, "garbage after the member\n");
	CHECK(!read_back(file.data, file.len, &out, &message), "garbage after a gzip member should be an error");
	CHECK_BUF(out, "data\n", "the data before the garbage should still be read");
	CHECK(message.data && strstr(message.data, "garbage"), "the error should name the trailing garbage, not \"%s\"",
	      message.data ? message.data : "");
	buf_free(&file);
	buf_free(&out);
	buf_free(&message);
}

static void close_stalled_pipe(void *p)
{
	const struct buf *gz = p;
	int fds[2];
	if (pipe(fds) < 0)
		_exit(3);
	alarm(20); /* a hang fails the test instead of the suite */
	/* The start of a gzip stream, less than a pipe holds, and a writer
	 * that never closes its end. */
	if (write(fds[1], gz->data, 16384) != 16384)
		_exit(3);
	dup2(fds[0], STDIN_FILENO);
	close(fds[0]);
	char err[256];
	struct reader *r = reader_open("-", err, sizeof err);
	if (!r)
		_exit(4);
	usleep(100000); /* let any decoding ahead reach the stalled read */
	reader_close(r);
	_exit(0);
}

static void test_close_early(void)
{
	make_sample();
	/* A big compressed file closed after a few bytes: the decoding
	 * that may run ahead has to stop and free everything. */
	for (int c = 0; c < UNIT_CODECS; c++) {
		char *path = unit_temp_file(compressed[c].data, compressed[c].len);
		struct reader *r = open_path(path);
		if (r) {
			char chunk[1000];
			CHECK(reader_read(r, chunk, sizeof chunk) == (ssize_t)sizeof chunk &&
			      memcmp(chunk, sample, sizeof chunk) == 0,
			      "%s: the first bytes should read", unit_codec_name((enum unit_codec)c));
			reader_close(r);
		}
		r = open_path(path);
		reader_close(r); /* not read at all */
		unlink(path);
		free(path);
	}
	struct buf err = {0};
	int status = unit_fork(close_stalled_pipe, &compressed[UNIT_GZIP], &err);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "closing a reader whose pipe stalls mid-stream should return (status %d)", status);
	buf_free(&err);
}

static void test_truncated(void)
{
	make_sample();
	for (int c = 0; c < UNIT_CODECS; c++) {
		const char *name = unit_codec_name((enum unit_codec)c);
		struct buf file = {0}, out = {0}, message = {0};
		buf_add(&file, compressed[c].data, compressed[c].len);
		CHECK(!read_back(file.data, file.len / 2, &out, &message), "%s cut in half should fail to read", name);
		CHECK(message.data && strstr(message.data, "truncated"), "%s cut in half should say truncated, not \"%s\"",
		      name, message.data ? message.data : "");
		CHECK(out.len > 0 && out.len < SIZE && memcmp(out.data, sample, out.len) == 0,
		      "%s cut in half should first give the bytes before the cut (got %zu)", name, out.len);
		buf_clear(&out);
		buf_clear(&message);

		CHECK(!read_back(file.data, 6, &out, &message), "%s cut inside its header should fail to read", name);
		CHECK_EQ_SIZE(out.len, 0, "%s cut inside its header should give no bytes", name);
		buf_clear(&out);
		buf_clear(&message);

		CHECK(!read_back(file.data, file.len - 1, &out, &message), "%s without its last byte should fail", name);
		buf_clear(&out);
		buf_clear(&message);

		for (size_t k = file.len / 3; k < file.len / 3 + 64; k++)
			file.data[k] ^= 0x55;
		CHECK(!read_back(file.data, file.len, &out, &message), "%s with damaged bytes should fail to read", name);
		CHECK(message.len > 0, "%s with damaged bytes should say why", name);
		buf_free(&file);
		buf_free(&out);
		buf_free(&message);
	}
	free(sample);
	sample = NULL;
	for (int c = 0; c < UNIT_CODECS; c++)
		buf_free(&compressed[c]);
}

static void test_sniff(void)
{
	const unsigned char *u = (const unsigned char *)"\x1f\x8b\x08";
	CHECK_CSTR(sniff(u, 3), "gzip", "1F 8B should be gzip");
	CHECK(sniff(u, 1) == NULL, "one byte of a gzip magic should be nothing");
	CHECK_CSTR(sniff((const unsigned char *)"BZh9", 4), "bzip2", "BZh should be bzip2");
	CHECK_CSTR(sniff((const unsigned char *)"\xfd" "7zXZ\0\0", 6), "xz",
		   "FD 7zXZ 00 should be xz");
	CHECK(sniff((const unsigned char *)"\xfd" "7zXZ", 5) == NULL,
	      "a cut xz magic should be nothing");
	CHECK_CSTR(sniff((const unsigned char *)"\x28\xb5\x2f\xfd", 4), "zstd",
		   "28 B5 2F FD should be zstd");
	CHECK_CSTR(sniff((const unsigned char *)"\x04\x22\x4d\x18", 4), "lz4",
		   "04 22 4D 18 should be lz4");
	CHECK(sniff((const unsigned char *)"{\"id\"", 5) == NULL, "JSON should be nothing");
	CHECK(sniff((const unsigned char *)"", 0) == NULL, "no bytes should be nothing");
}

static void test_crlf_and_nul_lines(void)
{
	static const char text[] = "a\r\n\r\nb\0c\r\n\nlast\r";
	char *path = unit_temp_file(text, sizeof text - 1);
	struct reader *r = open_path(path);
	if (r) {
		static const struct {
			const char *s;
			size_t n;
			bool nl;
		} want[] = {{"a\r", 2, true}, {"\r", 1, true}, {"b\0c\r", 4, true}, {"", 0, true}, {"last\r", 5, false}};
		for (size_t i = 0; i < 5; i++) {
			const char *line = NULL;
			size_t len = 0;
			bool nl = !want[i].nl;
			CHECK(reader_getline(r, &line, &len, &nl) == 1, "line %zu should be read", i + 1);
			CHECK_STR(line, len, want[i].s, want[i].n,
				  "line %zu should keep its CR and NUL bytes, without the newline", i + 1);
			CHECK(nl == want[i].nl, "line %zu should say whether it ended in a newline", i + 1);
		}
		const char *line;
		size_t len;
		bool nl;
		CHECK(reader_getline(r, &line, &len, &nl) == 0, "after the last line getline should say end");
		CHECK(reader_getline(r, &line, &len, &nl) == 0, "getline should keep saying end");
		reader_close(r);
	}
	unlink(path);
	free(path);
}

static void test_empty_file(void)
{
	char *path = unit_temp_file("", 0);
	struct reader *r = open_path(path);
	if (r) {
		CHECK_CSTR(reader_compression(r), "none", "an empty file should not be compressed");
		const char *line;
		size_t len;
		bool nl;
		CHECK(reader_getline(r, &line, &len, &nl) == 0, "an empty file should have no lines");
		char c;
		CHECK(reader_read(r, &c, 1) == 0, "an empty file should read nothing");
		CHECK(reader_raw_size(r) == 0, "an empty file should have raw size 0");
		reader_close(r);
	}
	unlink(path);
	free(path);

	path = unit_temp_file("\n", 1);
	r = open_path(path);
	if (r) {
		const char *line;
		size_t len = 9;
		bool nl = false;
		CHECK(reader_getline(r, &line, &len, &nl) == 1 && len == 0 && nl,
		      "a lone newline should be one empty line");
		CHECK(reader_getline(r, &line, &len, &nl) == 0, "a lone newline should be only one line");
		reader_close(r);
	}
	unlink(path);
	free(path);

	/* Shorter than the 8 bytes sniffed at open. */
	path = unit_temp_file("ab\ncd", 5);
	r = open_path(path);
	if (r) {
		struct buf out = {0};
		size_t lines;
		CHECK(read_lines(r, &out, &lines) == 0 && lines == 2, "a 5-byte file should give its 2 lines");
		CHECK_BUF(out, "ab\ncd", "a file shorter than the sniffed bytes should read whole");
		buf_free(&out);
		reader_close(r);
	}
	unlink(path);
	free(path);
}

static void test_huge_line(void)
{
	enum { HUGE = 9 << 20 };
	struct buf text = {0};
	buf_reserve(&text, HUGE + 16);
	for (size_t i = 0; i < HUGE; i++)
		text.data[i] = (char)('a' + i % 26);
	text.len = HUGE;
	buf_adds(&text, "\r\nshort\n");
	struct buf gz = {0};
	unit_compress(UNIT_GZIP, text.data, text.len, &gz);
	const struct buf *inputs[] = {&text, &gz};
	for (size_t i = 0; i < 2; i++) {
		char *path = unit_temp_file(inputs[i]->data, inputs[i]->len);
		struct reader *r = open_path(path);
		if (r) {
			const char *line = NULL;
			size_t len = 0;
			bool nl = false;
			CHECK(reader_getline(r, &line, &len, &nl) == 1, "a 9 MB line should be read");
			CHECK(len == HUGE + 1 && nl && memcmp(line, text.data, len) == 0,
			      "a 9 MB line should come back whole, CR kept (%s)", reader_compression(r));
			CHECK(reader_getline(r, &line, &len, &nl) == 1, "the line after 9 MB should be read");
			CHECK_LIT(line, len, "short", "the line after 9 MB should be intact");
			reader_close(r);
		}
		unlink(path);
		free(path);
	}
	buf_free(&gz);
	buf_free(&text);
}

static void test_many_lines_across_chunks(void)
{
	/* 300000 lines of 0 to 40 bytes: line ends fall on every position of
	 * the 1 MB chunks. */
	struct buf text = {0};
	for (size_t i = 0; i < 300000; i++) {
		for (size_t k = 0; k < i % 41; k++)
			buf_addc(&text, (char)('a' + (i + k) % 26));
		buf_addc(&text, '\n');
	}
	char *path = unit_temp_file(text.data, text.len);
	struct reader *r = open_path(path);
	if (r) {
		size_t bad = 0, count = 0;
		const char *line;
		size_t len;
		bool nl;
		while (reader_getline(r, &line, &len, &nl) == 1) {
			bool ok = nl && len == count % 41;
			for (size_t k = 0; ok && k < len; k++)
				ok = line[k] == (char)('a' + (count + k) % 26);
			bad += !ok;
			count++;
		}
		CHECK_EQ_SIZE(count, 300000, "every line should be read");
		CHECK_EQ_SIZE(bad, 0, "every line should be intact");
		reader_close(r);
	}
	unlink(path);
	free(path);
	buf_free(&text);
}

static void test_open_errors(void)
{
	char err[512] = "";
	struct reader *r = reader_open("/tmp", err, sizeof err);
	CHECK(r == NULL, "a directory should not open");
	CHECK_CSTR(err, "/tmp: is a directory", "opening a directory should say so");
	reader_close(r);

	char *dir = unit_temp_path("");
	struct buf missing = {0};
	buf_printf(&missing, "%s-missing", dir); /* never created */
	err[0] = '\0';
	r = reader_open(missing.data, err, sizeof err);
	CHECK(r == NULL, "a missing file should not open");
	buf_adds(&missing, ": no such file or directory");
	CHECK_CSTR(err, missing.data, "a missing file should say \"path: no such file or directory\"");
	buf_free(&missing);
	unit_remove_temp_path(dir);

	char small[8];
	r = reader_open("/nonexistent/dir/file", small, sizeof small);
	CHECK(r == NULL && strlen(small) < sizeof small, "a short message buffer should be respected");
}

static void test_stdin(void)
{
	char *path = unit_temp_file("from stdin\r\n", 12);
	int saved = dup(STDIN_FILENO);
	int fd = open(path, O_RDONLY);
	dup2(fd, STDIN_FILENO);
	close(fd);
	struct reader *r = open_path("-");
	if (r) {
		CHECK_CSTR(reader_name(r), "<stdin>", "standard input should be shown as <stdin>");
		const char *line;
		size_t len;
		bool nl;
		CHECK(reader_getline(r, &line, &len, &nl) == 1, "a line should be read from stdin");
		CHECK_LIT(line, len, "from stdin\r", "stdin should be read like a file, CR kept");
		reader_close(r);
	}
	CHECK(fcntl(STDIN_FILENO, F_GETFD) != -1, "closing a stdin reader should leave fd 0 open");
	r = open_path(NULL);
	if (r) {
		CHECK_CSTR(reader_name(r), "<stdin>", "a NULL path should be standard input");
		reader_close(r);
	}

	/* A pipe: no size, no seeking, and gzip still detected. */
	struct buf gz = {0};
	unit_compress(UNIT_GZIP, "piped\n", 6, &gz);
	int fds[2];
	if (pipe(fds) == 0) {
		CHECK(write(fds[1], gz.data, gz.len) == (ssize_t)gz.len, "the pipe should take the test data");
		close(fds[1]);
		dup2(fds[0], STDIN_FILENO);
		close(fds[0]);
		r = open_path("-");
		if (r) {
			CHECK(reader_raw_size(r) == -1, "a pipe should have no size");
			CHECK(!reader_is_seekable(r), "a pipe should not be seekable");
			CHECK_CSTR(reader_compression(r), "gzip", "gzip on a pipe should be detected");
			struct buf out = {0};
			CHECK(read_all(r, &out), "gzip on a pipe should read");
			CHECK_BUF(out, "piped\n", "gzip on a pipe should decompress");
			buf_free(&out);
			reader_close(r);
		}
	}
	buf_free(&gz);
	dup2(saved, STDIN_FILENO);
	close(saved);
	unlink(path);
	free(path);

	path = unit_temp_file("x", 1);
	r = open_path(path);
	if (r) {
		CHECK_CSTR(reader_name(r), path, "a file should be shown by its path");
		reader_close(r);
	}
	unlink(path);
	free(path);
}

static void test_seek(void)
{
	char *path = unit_temp_file("0123456789abcdef", 16);
	struct reader *r = open_path(path);
	if (r) {
		char got[16];
		CHECK(reader_is_seekable(r), "a plain regular file should be seekable");
		CHECK(reader_read(r, got, 3) == 3 && memcmp(got, "012", 3) == 0, "the first 3 bytes should read");
		CHECK(reader_seek(r, 0, SEEK_CUR) == 3, "SEEK_CUR should count only the bytes handed out, not those sniffed");
		CHECK(reader_seek(r, 10, SEEK_SET) == 10, "SEEK_SET should go to the offset");
		CHECK(reader_read(r, got, sizeof got) == 6 && memcmp(got, "abcdef", 6) == 0,
		      "reading after a seek should start at the new offset");
		CHECK(reader_read(r, got, sizeof got) == 0, "the end should be reached");
		CHECK(reader_seek(r, -4, SEEK_END) == 12, "SEEK_END should count from the end");
		CHECK(reader_read(r, got, sizeof got) == 4 && memcmp(got, "cdef", 4) == 0,
		      "a seek after the end should read again");
		reader_close(r);
	}
	struct buf gz = {0};
	unit_compress(UNIT_GZIP, "x", 1, &gz);
	char *gz_path = unit_temp_file(gz.data, gz.len);
	r = open_path(gz_path);
	if (r) {
		CHECK(!reader_is_seekable(r), "a compressed file should not be seekable");
		CHECK(reader_seek(r, 0, SEEK_SET) == -1, "seeking a compressed file should fail");
		reader_close(r);
	}
	unlink(gz_path);
	free(gz_path);
	buf_free(&gz);
	unlink(path);
	free(path);
}

/* After reader_seek, reader_getline reads from the new offset, not from
 * lines buffered before it. */
static void test_seek_then_getline(void)
{
	char *path = unit_temp_file("one\ntwo\nthree\n", 14);
	struct reader *r = open_path(path);
	if (r) {
		const char *line;
		size_t len;
		bool nl;
		CHECK(reader_getline(r, &line, &len, &nl) == 1, "the first line should be read");
		CHECK(reader_seek(r, 0, SEEK_SET) == 0, "seeking back to 0 should work");
		CHECK(reader_getline(r, &line, &len, &nl) == 1, "a line should be read after the seek");
		CHECK_LIT(line, len, "one", "getline after a seek to 0 should give the first line again");
		reader_close(r);
	}
	unlink(path);
	free(path);
}

UNIT_MAIN(UNIT_TEST(test_compressed_equals_plain), UNIT_TEST(test_concatenated_members),
	  UNIT_TEST(test_empty_compressed), UNIT_TEST(test_padding_and_garbage),
	  UNIT_TEST(test_close_early),
	  UNIT_TEST(test_truncated), UNIT_TEST(test_sniff), UNIT_TEST(test_crlf_and_nul_lines),
	  UNIT_TEST(test_empty_file), UNIT_TEST(test_huge_line),
	  UNIT_TEST(test_many_lines_across_chunks), UNIT_TEST(test_open_errors),
	  UNIT_TEST(test_stdin), UNIT_TEST(test_seek),
	  UNIT_TEST(test_seek_then_getline))
