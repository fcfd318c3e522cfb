#include "writer.h"

#include "diag.h"
#define UNIT_WITH_CODECS
#include "unit.h"

static struct writer *open_path(const char *path)
{
	char err[512] = "";
	struct writer *w = writer_open(path, err, sizeof err);
	CHECK(w != NULL, "%s should open for writing (%s)", path ? path : "stdout", err);
	return w;
}

/* Writes p[0..n) in pieces of 1, 7, 1000, 300 KB (more than the writer's
 * buffer) and the rest, so that every path of writer_write is taken. */
static void write_in_pieces(struct writer *w, const char *p, size_t n)
{
	static const size_t pieces[] = {1, 7, 1000, 300 * 1024, 1, 64 * 1024};
	size_t i = 0, k = 0;
	while (i < n) {
		size_t len = pieces[k++ % (sizeof pieces / sizeof *pieces)];
		if (len > n - i)
			len = n - i;
		CHECK(writer_write(w, p + i, len) == 0, "writing %zu bytes should succeed", len);
		i += len;
	}
}

static void test_atomic_plain(void)
{
	char *path = unit_temp_path(".jsonl");
	struct writer *w = open_path(path);
	REQUIRE(w != NULL, "the writer should open");
	CHECK_CSTR(writer_name(w), path, "the writer should be shown by its final path");
	CHECK_CSTR(writer_compression(w), "none", "a plain name should not compress");
	CHECK(writer_write(w, "line\r\n\0x", 8) == 0, "a write should succeed");
	CHECK(!unit_exists(path), "nothing should be at the final path before writer_close");
	CHECK_EQ_SIZE(unit_count_siblings(path), 1, "exactly one temporary file should exist while writing");
	int err = -1;
	CHECK(writer_close(w, &err) == 0, "writer_close should succeed");
	CHECK_EQ_SIZE(err, 0, "a successful close should report errno 0");
	CHECK(unit_exists(path), "the file should be at the final path after writer_close");
	CHECK_EQ_SIZE(unit_count_siblings(path), 1, "the temporary file should be gone after writer_close");
	struct buf got = {0};
	CHECK(unit_read_file(path, &got), "the output should be readable");
	CHECK_BUF(got, "line\r\n\0x", "the output should hold exactly the bytes written, CR and NUL kept");
	struct stat st;
	mode_t mask = umask(0);
	umask(mask);
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == (0666 & ~mask),
	      "the output should get the mode a plain open gives (0666 & ~umask), not mkstemp's 0600");
	buf_free(&got);
	unit_remove_temp_path(path);
}

static void test_replaces_existing_file(void)
{
	char *path = unit_temp_path(".txt");
	int fd = open(path, O_WRONLY | O_CREAT, 0644);
	CHECK(fd >= 0 && write(fd, "old\n", 4) == 4, "the old file should be made");
	close(fd);
	struct writer *w = open_path(path);
	REQUIRE(w != NULL, "the writer should open over an existing file");
	CHECK(writer_write(w, "new\n", 4) == 0, "a write should succeed");
	struct buf got = {0};
	unit_read_file(path, &got);
	CHECK_BUF(got, "old\n", "the old file should be untouched until writer_close");
	int err;
	CHECK(writer_close(w, &err) == 0, "writer_close should succeed");
	buf_clear(&got);
	unit_read_file(path, &got);
	CHECK_BUF(got, "new\n", "writer_close should replace the old file");
	buf_free(&got);
	unit_remove_temp_path(path);
}

static void test_empty_output(void)
{
	static const char *const suffixes[] = {".txt", ".gz", ".zst"};
	for (size_t i = 0; i < 3; i++) {
		char *path = unit_temp_path(suffixes[i]);
		struct writer *w = open_path(path);
		if (w) {
			int err;
			CHECK(writer_close(w, &err) == 0, "%s: closing without writing should succeed", suffixes[i]);
			struct buf file = {0}, out = {0};
			CHECK(unit_read_file(path, &file), "%s: an empty output should still be created", suffixes[i]);
			bool ok = i == 0 ? true : i == 1 ? unit_gunzip(file.data, file.len, &out)
						 : unit_unzstd(file.data, file.len, &out);
			CHECK(ok && out.len == 0 && (i > 0 || file.len == 0),
			      "%s: an empty output should decompress to nothing", suffixes[i]);
			CHECK(i == 0 || file.len > 0, "%s: an empty compressed output should still be a valid stream",
			      suffixes[i]);
			buf_free(&file);
			buf_free(&out);
		}
		unit_remove_temp_path(path);
	}
}

static void test_compressed(void)
{
	enum { SIZE = 3 << 20 };
	char *text = xmalloc(SIZE);
	unit_fill_text(text, SIZE);
	static const char *const suffixes[] = {".jsonl.gz", ".jsonl.zst"};
	static const char *const names[] = {"gzip", "zstd"};
	for (size_t i = 0; i < 2; i++) {
		char *path = unit_temp_path(suffixes[i]);
		struct writer *w = open_path(path);
		if (w) {
			CHECK_CSTR(writer_compression(w), names[i], "the compression should follow the name");
			write_in_pieces(w, text, SIZE);
			/* One record larger than the buffer goes straight through. */
			CHECK(writer_write(w, text, SIZE) == 0, "%s: a 3 MB write should succeed", names[i]);
			CHECK(!unit_exists(path), "%s: nothing should be at the final path before close", names[i]);
			int err;
			CHECK(writer_close(w, &err) == 0, "%s: writer_close should succeed", names[i]);
			CHECK_EQ_SIZE(unit_count_siblings(path), 1, "%s: no temporary file should be left", names[i]);
			struct buf file = {0}, out = {0};
			CHECK(unit_read_file(path, &file), "%s: the output should exist", names[i]);
			bool ok = i == 0 ? unit_gunzip(file.data, file.len, &out)
					 : unit_unzstd(file.data, file.len, &out);
			CHECK(ok, "%s: the output should decompress", names[i]);
			CHECK(out.len == 2 * (size_t)SIZE && memcmp(out.data, text, SIZE) == 0 &&
			      memcmp(out.data + SIZE, text, SIZE) == 0,
			      "%s: the output should decompress to the input (got %zu bytes)", names[i], out.len);
			CHECK(file.len < out.len, "%s: the output should be smaller than the input", names[i]);
			buf_free(&file);
			buf_free(&out);
		}
		unit_remove_temp_path(path);
	}
	free(text);
}

static void test_huge_record(void)
{
	enum { HUGE = 9 << 20 };
	char *line = xmalloc(HUGE);
	memset(line, 'x', HUGE - 1);
	line[HUGE - 1] = '\n';
	char *path = unit_temp_path(".txt");
	struct writer *w = open_path(path);
	if (w) {
		CHECK(writer_write(w, "a", 1) == 0, "a small write should succeed");
		CHECK(writer_write(w, line, HUGE) == 0, "a 9 MB write should succeed");
		CHECK(writer_write(w, "z", 1) == 0, "a small write after a huge one should succeed");
		int err;
		CHECK(writer_close(w, &err) == 0, "writer_close should succeed");
		struct buf got = {0};
		unit_read_file(path, &got);
		CHECK(got.len == HUGE + 2 && got.data[0] == 'a' && memcmp(got.data + 1, line, HUGE) == 0 &&
		      got.data[HUGE + 1] == 'z', "the 9 MB record should be written in order between the small ones");
		buf_free(&got);
	}
	unit_remove_temp_path(path);
	free(line);
}

static void test_abort(void)
{
	static const char *const suffixes[] = {".txt", ".gz", ".zst"};
	for (size_t i = 0; i < 3; i++) {
		char *path = unit_temp_path(suffixes[i]);
		struct writer *w = open_path(path);
		if (w) {
			CHECK(writer_write(w, "discard me\n", 11) == 0, "a write should succeed");
			writer_abort(w);
			CHECK(!unit_exists(path), "%s: writer_abort should leave no file at the final path", suffixes[i]);
			CHECK_EQ_SIZE(unit_count_siblings(path), 0, "%s: writer_abort should remove the temporary file",
				      suffixes[i]);
		}
		unit_remove_temp_path(path);
	}
}

static void test_open_error(void)
{
	char *dir = unit_temp_path("");
	struct buf path = {0};
	buf_printf(&path, "%s-missing/out.jsonl", dir);
	char err[512] = "";
	struct writer *w = writer_open(path.data, err, sizeof err);
	CHECK(w == NULL, "a path in a missing directory should not open");
	buf_adds(&path, ": cannot create: no such file or directory");
	CHECK_CSTR(err, path.data, "the message should name the path and the reason");
	buf_free(&path);
	unit_remove_temp_path(dir);
}

static void test_stdout(void)
{
	char *path = unit_temp_file("", 0);
	fflush(stdout);
	int saved = dup(STDOUT_FILENO);
	int fd = open(path, O_WRONLY);
	dup2(fd, STDOUT_FILENO);
	close(fd);
	struct writer *w = writer_open("-", NULL, 0);
	int err = -1, rc = -1;
	bool named = false;
	if (w) {
		named = strcmp(writer_name(w), "<stdout>") == 0;
		writer_write(w, "to stdout\n", 10);
		rc = writer_close(w, &err);
	}
	dup2(saved, STDOUT_FILENO);
	close(saved);
	CHECK(w != NULL, "\"-\" should open standard output");
	CHECK(named, "standard output should be shown as <stdout>");
	CHECK(rc == 0 && err == 0, "closing a stdout writer should succeed");
	CHECK(fcntl(STDOUT_FILENO, F_GETFD) != -1, "closing a stdout writer should leave fd 1 open");
	struct buf got = {0};
	unit_read_file(path, &got);
	CHECK_BUF(got, "to stdout\n", "the bytes should reach standard output");
	buf_free(&got);
	unlink(path);
	free(path);
}

static void test_write_error(void)
{
	int full = open("/dev/full", O_WRONLY);
	if (full < 0)
		return; /* not Linux: nothing to test with */
	fflush(stdout);
	int saved = dup(STDOUT_FILENO);
	dup2(full, STDOUT_FILENO);
	close(full);
	struct writer *w = writer_open(NULL, NULL, 0);
	int err = 0, rc = 0, later = 0, errno_after = 0;
	if (w) {
		char big[300 * 1024];
		memset(big, 'x', sizeof big);
		rc = writer_write(w, big, sizeof big); /* more than the buffer: written now */
		errno_after = writer_errno(w);
		later = writer_write(w, "x", 1);
		writer_close(w, &err);
	}
	dup2(saved, STDOUT_FILENO);
	close(saved);
	CHECK(rc == -1, "a write to a full device should fail");
	CHECK_EQ_SIZE(errno_after, ENOSPC, "writer_errno should say ENOSPC");
	CHECK(later == -1, "writes after a failure should keep failing");
	CHECK_EQ_SIZE(err, ENOSPC, "writer_close should hand back the errno of the failure");
}

/* Makes a path beside the one unit_temp_path gave (same directory). */
static char *beside(const char *path, const char *name)
{
	struct buf b = {0};
	const char *slash = strrchr(path, '/');
	buf_add(&b, path, (size_t)(slash + 1 - path));
	buf_adds(&b, name);
	return b.data;
}

static void test_through_symlink(void)
{
	char *link = unit_temp_path(".jsonl");
	char *target = beside(link, "target.jsonl");
	int fd = open(target, O_WRONLY | O_CREAT, 0644);
	CHECK(fd >= 0 && write(fd, "old\n", 4) == 4, "the link target should be made");
	close(fd);
	CHECK(symlink("target.jsonl", link) == 0, "the symbolic link should be made");
	struct writer *w = open_path(link);
	if (w) {
		CHECK_CSTR(writer_name(w), link, "the writer should be shown by the name it was given");
		CHECK(writer_write(w, "new\n", 4) == 0, "a write through a link should succeed");
		int err;
		CHECK(writer_close(w, &err) == 0, "writer_close through a link should succeed");
	}
	struct stat st;
	CHECK(lstat(link, &st) == 0 && S_ISLNK(st.st_mode), "the symbolic link should be kept");
	struct buf got = {0};
	unit_read_file(target, &got);
	CHECK_BUF(got, "new\n", "the file the link points to should be replaced");
	CHECK_EQ_SIZE(unit_count_siblings(link), 2, "only the link and its target should be left");
	buf_free(&got);
	unlink(target);
	free(target);
	unit_remove_temp_path(link);
}

static void test_fifo_written_in_place(void)
{
	char *path = unit_temp_path(".fifo");
	REQUIRE(mkfifo(path, 0600) == 0, "the FIFO should be made");
	int rd = open(path, O_RDONLY | O_NONBLOCK);
	struct writer *w = open_path(path);
	if (w) {
		CHECK(writer_write(w, "through a pipe\n", 15) == 0, "a write to a FIFO should succeed");
		int err;
		CHECK(writer_close(w, &err) == 0, "writer_close of a FIFO should succeed");
	}
	char got[64] = "";
	ssize_t k = read(rd, got, sizeof got);
	CHECK_LIT(got, k > 0 ? (size_t)k : 0, "through a pipe\n", "the bytes should go through the FIFO");
	close(rd);
	struct stat st;
	CHECK(lstat(path, &st) == 0 && S_ISFIFO(st.st_mode), "the FIFO should not be renamed over");
	CHECK_EQ_SIZE(unit_count_siblings(path), 1, "no temporary file should be made beside a FIFO");
	unit_remove_temp_path(path);
}

struct die_ctx {
	const char *path;
	struct writer *w; /* kept here so that valgrind sees it still reachable */
};

static void die_while_writing(void *p)
{
	struct die_ctx *ctx = p;
	char err[512];
	ctx->w = writer_open(ctx->path, err, sizeof err);
	if (!ctx->w)
		_exit(99);
	writer_write(ctx->w, "partial\n", 8);
	die("giving up");
}

static void test_die_removes_temporary(void)
{
	char *path = unit_temp_path(".gz");
	struct die_ctx ctx = {path, NULL};
	struct buf err = {0};
	int status = unit_fork(die_while_writing, &ctx, &err);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1, "dying while writing should exit 1");
	CHECK(!unit_exists(path), "dying while writing should leave no output");
	CHECK_EQ_SIZE(unit_count_siblings(path), 0, "dying while writing should remove the temporary file");
	buf_free(&err);
	unit_remove_temp_path(path);
}

UNIT_MAIN(UNIT_TEST(test_atomic_plain), UNIT_TEST(test_replaces_existing_file),
	  UNIT_TEST(test_empty_output), UNIT_TEST(test_compressed), UNIT_TEST(test_huge_record),
	  UNIT_TEST(test_abort), UNIT_TEST(test_open_error), UNIT_TEST(test_stdout),
	  UNIT_TEST(test_write_error), UNIT_TEST(test_through_symlink),
	  UNIT_TEST(test_fifo_written_in_place), UNIT_TEST(test_die_removes_temporary))
