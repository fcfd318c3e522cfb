#include "diag.h"

#include <signal.h>

#include "status.h"
#include "unit.h"

static void test_progname(void)
{
	CHECK_CSTR(diag_progname(), "newsutils", "the program name should default to newsutils");
	diag_init("/usr/local/bin/nsplit");
	CHECK_CSTR(diag_progname(), "nsplit", "diag_init should keep the last component of a path");
	diag_init("test_diag");
	CHECK_CSTR(diag_progname(), "test_diag", "diag_init should keep a bare name");
}

static void test_strerror(void)
{
	CHECK_CSTR(diag_strerror(ENOENT), "no such file or directory", "ENOENT should be lowercased");
	CHECK_CSTR(diag_strerror(EACCES), "permission denied", "EACCES should be lowercased");
	CHECK_CSTR(diag_strerror(EIO), "input/output error", "EIO should be lowercased");
	CHECK_CSTR(diag_strerror(ENOSPC), "no space left on device", "ENOSPC should be lowercased");
	const char *unknown = diag_strerror(123456);
	CHECK(unknown[0] >= 'a' && unknown[0] <= 'z' && strstr(unknown, "123456"),
	      "an unknown errno should still be lowercased and give its number, not \"%s\"", unknown);
	CHECK(strcmp(diag_strerror(0), "") != 0, "errno 0 should give some text");
}

static void test_messages(void)
{
	struct buf err = {0};
	unit_capture_begin();
	warn("plain %d", 1);
	warn_at("file.jsonl", 12, "at %s", "line");
	warn_at("file.jsonl", 0, "no line");
	report("an error");
	report_at("<stdin>", 3, "an error at %d", 3);
	diag_set_quiet(true);
	warn("hidden");
	warn_at("file.jsonl", 1, "hidden");
	report("shown when quiet");
	report_at("f", 2, "shown when quiet");
	diag_set_quiet(false);
	unit_capture_end(&err);
	CHECK_BUF(err,
		  "test_diag: plain 1\n"
		  "test_diag: file.jsonl:12: at line\n"
		  "test_diag: file.jsonl: no line\n"
		  "test_diag: an error\n"
		  "test_diag: <stdin>:3: an error at 3\n"
		  "test_diag: shown when quiet\n"
		  "test_diag: f:2: shown when quiet\n",
		  "messages should be \"tool: where: what\", warnings hidden when quiet, errors not");
	buf_free(&err);
}

/* Captured messages are kept as they would be printed, and printed by
 * diag_emit; a thread that does not capture still prints. */
static void test_capture(void)
{
	struct buf err = {0}, kept = {0};
	unit_capture_begin();
	warn("before");
	diag_capture(&kept);
	warn("plain %d", 1);
	warn_at("file.jsonl", 12, "at %s", "line");
	report_at("file.jsonl", 0, "no line");
	diag_set_quiet(true);
	warn("hidden");
	report("shown when quiet");
	diag_set_quiet(false);
	diag_capture(NULL);
	warn("after");
	diag_emit(kept.data, kept.len);
	unit_capture_end(&err);
	CHECK_BUF(kept,
		  "test_diag: plain 1\n"
		  "test_diag: file.jsonl:12: at line\n"
		  "test_diag: file.jsonl: no line\n"
		  "test_diag: shown when quiet\n",
		  "captured messages should be as printed, warnings hidden when quiet");
	CHECK_BUF(err,
		  "test_diag: before\n"
		  "test_diag: after\n"
		  "test_diag: plain 1\n"
		  "test_diag: file.jsonl:12: at line\n"
		  "test_diag: file.jsonl: no line\n"
		  "test_diag: shown when quiet\n",
		  "only messages not captured should be printed, then what diag_emit prints");
	buf_free(&err);
	buf_free(&kept);
}

static void call_die_captured(void *p)
{
	diag_capture(p);
	die("boom %d", 7);
}

static void call_die(void *p)
{
	const char *tracked = p;
	if (tracked)
		diag_track_temp(tracked);
	die("boom %d", 42);
}

static void test_die(void)
{
	struct buf err = {0};
	int status = unit_fork(call_die, NULL, &err);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == STATUS_FAILURE, "die should exit with status 1");
	CHECK_BUF(err, "test_diag: boom 42\n", "die should print one \"tool: message\" line");
	buf_free(&err);

	char *path = unit_temp_file("partial", 7);
	status = unit_fork(call_die, path, &err);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == STATUS_FAILURE, "die should exit 1 with a tracked file");
	CHECK(!unit_exists(path), "die should remove the tracked temporary file");
	unlink(path);
	free(path);
	buf_free(&err);
}

/* A worker that dies says why, though it captures its messages. */
static void test_die_captured(void)
{
	struct buf err = {0}, kept = {0};
	int status = unit_fork(call_die_captured, &kept, &err);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == STATUS_FAILURE, "die should exit with status 1");
	CHECK_BUF(err, "test_diag: boom 7\n", "die should print its message though messages are captured");
	buf_free(&err);
	buf_free(&kept);
}

static void call_die_after_forget(void *p)
{
	diag_track_temp("/nonexistent/other");
	diag_track_temp(p);
	diag_forget_temp(p);
	die("done");
}

static void test_forget_temp(void)
{
	char *path = unit_temp_file("kept", 4);
	struct buf err = {0};
	int status = unit_fork(call_die_after_forget, path, &err);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == STATUS_FAILURE, "die should exit 1");
	CHECK(unit_exists(path), "a file no longer tracked should survive die");
	unlink(path);
	free(path);
	buf_free(&err);
}

static void call_die_usage(void *p)
{
	(void)p;
	die_usage("unknown option '%s'", "--frob");
}

static void test_die_usage(void)
{
	struct buf err = {0};
	int status = unit_fork(call_die_usage, NULL, &err);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == STATUS_USAGE, "die_usage should exit with status 2");
	CHECK_BUF(err, "usage: test_diag: unknown option '--frob' (try 'test_diag --help')\n",
		  "die_usage should print exactly one usage line");
	buf_free(&err);
}

static void call_die_write_epipe(void *p)
{
	(void)p;
	signal(SIGPIPE, SIG_IGN); /* as a parent might have left it */
	die_write("<stdout>", EPIPE);
}

static void call_die_write_enospc(void *p)
{
	(void)p;
	die_write("out.jsonl", ENOSPC);
}

static void test_die_write(void)
{
	struct buf err = {0};
	int status = unit_fork(call_die_write_epipe, NULL, &err);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE,
	      "a write error of EPIPE should end the program by SIGPIPE, even if it was ignored");
	CHECK_EQ_SIZE(err.len, 0, "dying by SIGPIPE should print nothing");
	buf_clear(&err);
	status = unit_fork(call_die_write_enospc, NULL, &err);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == STATUS_FAILURE, "another write error should exit 1");
	CHECK_BUF(err, "test_diag: out.jsonl: write error: no space left on device\n",
		  "a write error should name the output and the reason");
	buf_free(&err);
}

static void call_raise_term(void *p)
{
	diag_track_temp(p);
	raise(SIGTERM);
}

static void test_signal_removes_temp(void)
{
	char *path = unit_temp_file("partial", 7);
	struct buf err = {0};
	int status = unit_fork(call_raise_term, path, &err);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM,
	      "SIGTERM should still end the program by SIGTERM after the cleanup");
	CHECK(!unit_exists(path), "SIGTERM should remove the tracked temporary file");
	unlink(path);
	free(path);
	buf_free(&err);
}

static void call_close_full_stdout(void *p)
{
	(void)p;
	int full = open("/dev/full", O_WRONLY);
	if (full < 0)
		_exit(77);
	dup2(full, STDOUT_FILENO);
	fputs("lost", stdout);
	diag_close_stdout();
}

static void call_close_good_stdout(void *p)
{
	(void)p;
	int null = open("/dev/null", O_WRONLY);
	dup2(null, STDOUT_FILENO);
	fputs("kept", stdout);
	diag_close_stdout();
}

static void test_close_stdout(void)
{
	struct buf err = {0};
	int status = unit_fork(call_close_full_stdout, NULL, &err);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
		buf_free(&err);
		return; /* no /dev/full here */
	}
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == STATUS_FAILURE,
	      "a failed flush of stdout should exit 1");
	CHECK_BUF(err, "test_diag: <stdout>: write error: no space left on device\n",
		  "a failed flush of stdout should say why");
	buf_clear(&err);
	status = unit_fork(call_close_good_stdout, NULL, &err);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "closing a good stdout should return");
	CHECK_EQ_SIZE(err.len, 0, "closing a good stdout should print nothing");
	buf_free(&err);
}

UNIT_MAIN(UNIT_TEST(test_progname), UNIT_TEST(test_strerror), UNIT_TEST(test_messages),
	  UNIT_TEST(test_capture), UNIT_TEST(test_die_captured), UNIT_TEST(test_die), UNIT_TEST(test_forget_temp), UNIT_TEST(test_die_usage),
	  UNIT_TEST(test_die_write), UNIT_TEST(test_signal_removes_temp),
	  UNIT_TEST(test_close_stdout))
