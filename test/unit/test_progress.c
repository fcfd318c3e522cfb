#include "progress.h"

#include "diag.h"
#include "unit.h"

/* Pretends the last redraw was long ago, so the next update draws. */
static void age(struct progress *p)
{
	p->last -= 10.0;
	p->started -= 10.0;
}

static void test_disabled_prints_nothing(void)
{
	struct buf err = {0};
	unit_capture_begin();
	struct progress never, automatic;
	progress_init(&never, 0);
	progress_init(&automatic, -1); /* stderr is a file now, not a terminal */
	for (int i = 0; i < 3; i++) {
		age(&never);
		age(&automatic);
		progress_update(&never, 10, 1000000, 50, 100);
		progress_update(&automatic, 10, 1000000, 50, 0);
	}
	progress_end(&never);
	progress_end(&automatic);
	unit_capture_end(&err);
	CHECK(!never.is_enabled, "mode 0 should disable the report");
	CHECK(!automatic.is_enabled, "mode -1 should disable the report when stderr is not a terminal");
	CHECK_EQ_SIZE(err.len, 0, "a disabled report should print nothing");
	buf_free(&err);
}

static void test_forced_on_a_file(void)
{
	struct buf err = {0};
	unit_capture_begin();
	struct progress p;
	progress_init(&p, 1);
	progress_update(&p, 1, 100, 1, 2); /* too soon after the start: no line */
	age(&p);
	progress_update(&p, 10, 20000000, 50, 200);
	age(&p);
	progress_update(&p, 20, 40000000, 0, 0);
	progress_end(&p);
	unit_capture_end(&err);
	CHECK(p.is_enabled && !p.is_tty, "mode 1 should enable the report on a file");
	const char *first = err.data ? err.data : "";
	const char *second = strchr(first, '\n');
	CHECK(strncmp(first, "test_progress: 10 records, ", 27) == 0 && strstr(first, " MB/s, 25%\n") != NULL,
	      "a forced report should print plain lines with the percentage, not \"%s\"", first);
	CHECK(second && strncmp(second + 1, "test_progress: 20 records, ", 27) == 0 &&
	      strcmp(second + strlen(second) - 6, " MB/s\n") == 0,
	      "an unknown total should leave the percentage out");
	CHECK(!memchr(err.data, '\r', err.len) && !memchr(err.data, '\033', err.len),
	      "a report to a file should not redraw in place");
	size_t lines = 0;
	for (size_t i = 0; i < err.len; i++)
		lines += err.data[i] == '\n';
	CHECK_EQ_SIZE(lines, 2, "updates too close together should not print");
	buf_free(&err);
}

static void setup(void)
{
	diag_init("test_progress");
}

UNIT_MAIN(UNIT_TEST(setup), UNIT_TEST(test_disabled_prints_nothing), UNIT_TEST(test_forced_on_a_file))
