#include "progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "diag.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_init(struct progress *p, int mode)
{
	p->is_tty = isatty(STDERR_FILENO);
	p->is_enabled = mode == 1 || (mode == -1 && p->is_tty);
	p->started = p->last = now();
	p->drawn = false;
}

void progress_update(struct progress *p, uint64_t records, uint64_t bytes, uint64_t done,
		     uint64_t total)
{
	if (!p->is_enabled)
		return;
	double t = now();
	if (t - p->last < (p->is_tty ? 0.25 : 1.0))
		return;
	p->last = t;
	double rate = (double)bytes / 1e6 / (t - p->started > 1e-9 ? t - p->started : 1e-9);
	/* On a terminal the line is redrawn in place; in a log, asked for with
	 * --progress, it becomes one plain line a second. */
	const char *start = p->is_tty ? "\r" : "";
	const char *end = p->is_tty ? "\033[K" : "\n";
	if (total)
		fprintf(stderr, "%s%s: %llu records, %.1f MB/s, %.0f%%%s", start,
			diag_progname(), (unsigned long long)records, rate,
			100.0 * (double)done / (double)total, end);
	else
		fprintf(stderr, "%s%s: %llu records, %.1f MB/s%s", start, diag_progname(),
			(unsigned long long)records, rate, end);
	p->drawn = true;
	diag_note_progress(p->is_tty);
}

void progress_end(struct progress *p)
{
	if (p->drawn && p->is_tty)
		fputs("\r\033[K", stderr);
	p->drawn = false;
	diag_note_progress(false);
}
