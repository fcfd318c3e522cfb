#include "diag.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "status.h"

static const char *progname = "newsutils";
static bool is_quiet;
static bool is_progress_drawn;

/* Temporary output files to remove if we die: a list that the signal
 * handler only reads, so each change to it is a single pointer store. */
struct temp {
	char *path;
	struct temp *next;
};
static struct temp *volatile temps;
static volatile sig_atomic_t handlers_installed;

void diag_init(const char *name)
{
	const char *slash = strrchr(name, '/');
	progname = slash ? slash + 1 : name;
}

const char *diag_progname(void)
{
	return progname;
}

void diag_set_quiet(bool quiet)
{
	is_quiet = quiet;
}

/* Where this thread's messages go instead of stderr (diag_capture). */
static _Thread_local struct buf *captured;

void diag_capture(struct buf *b)
{
	captured = b;
}

void diag_emit(const char *text, size_t n)
{
	if (n == 0)
		return;
	if (is_progress_drawn) {
		fputs("\r\033[K", stderr);
		is_progress_drawn = false;
	}
	fwrite(text, 1, n, stderr);
}

static void vreport(const char *file, uint64_t line, const char *fmt, va_list ap)
{
	char msg[4096];
	vsnprintf(msg, sizeof msg, fmt, ap);
	/* The whole line, then one write, so that lines from concurrent
	 * programs on one terminal do not interleave mid-line. */
	struct buf own = {0}, *out = captured ? captured : &own;
	buf_adds(out, progname);
	buf_adds(out, ": ");
	if (file) {
		buf_adds(out, file);
		if (line)
			buf_printf(out, ":%llu", (unsigned long long)line);
		buf_adds(out, ": ");
	}
	buf_adds(out, msg);
	buf_addc(out, '\n');
	if (!captured) {
		diag_emit(own.data, own.len);
		buf_free(&own);
	}
}

void warn(const char *fmt, ...)
{
	if (is_quiet)
		return;
	va_list ap;
	va_start(ap, fmt);
	vreport(NULL, 0, fmt, ap);
	va_end(ap);
}

void warn_at(const char *file, uint64_t line, const char *fmt, ...)
{
	if (is_quiet)
		return;
	va_list ap;
	va_start(ap, fmt);
	vreport(file, line, fmt, ap);
	va_end(ap);
}

void report(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(NULL, 0, fmt, ap);
	va_end(ap);
}

void report_at(const char *file, uint64_t line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(file, line, fmt, ap);
	va_end(ap);
}

static void remove_temps(void)
{
	for (struct temp *t = temps; t; t = t->next)
		unlink(t->path);
}

_Noreturn void die(const char *fmt, ...)
{
	captured = NULL; /* a dying worker's message is printed */
	va_list ap;
	va_start(ap, fmt);
	vreport(NULL, 0, fmt, ap);
	va_end(ap);
	remove_temps();
	exit(STATUS_FAILURE);
}

_Noreturn void die_usage(const char *fmt, ...)
{
	/* Exactly one line, so that scripts can show it as it is. */
	char msg[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "usage: %s: %s (try '%s --help')\n", progname, msg, progname);
	remove_temps();
	exit(STATUS_USAGE);
}

_Noreturn void die_write(const char *name, int err)
{
	remove_temps();
	if (err == EPIPE) {
		/* The reader went away (| head): end as the shell expects, without
		 * noise, even if our parent left SIGPIPE ignored. */
		signal(SIGPIPE, SIG_DFL);
		raise(SIGPIPE);
	}
	fprintf(stderr, "%s: %s: write error: %s\n", progname, name, diag_strerror(err));
	exit(STATUS_FAILURE);
}

static void on_signal(int sig)
{
	remove_temps();
	signal(sig, SIG_DFL);
	raise(sig);
}

void diag_track_temp(const char *path)
{
	if (!handlers_installed) {
		handlers_installed = 1;
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		signal(SIGHUP, on_signal);
	}
	struct temp *t = xmalloc(sizeof *t);
	t->path = xstrdup(path);
	t->next = temps;
	/* The node is whole before a signal handler can see it. */
	atomic_signal_fence(memory_order_seq_cst);
	temps = t;
}

void diag_forget_temp(const char *path)
{
	for (struct temp *volatile *link = &temps; *link; link = &(*link)->next) {
		struct temp *t = *link;
		if (strcmp(t->path, path) == 0) {
			*link = t->next;
			free(t->path);
			free(t);
			return;
		}
	}
}

void diag_note_progress(bool is_drawn)
{
	is_progress_drawn = is_drawn;
}

void diag_lowercase_first(char *text)
{
	if (text[0] >= 'A' && text[0] <= 'Z' && !(text[1] >= 'A' && text[1] <= 'Z'))
		text[0] = (char)(text[0] - 'A' + 'a');
}

const char *diag_strerror(int err)
{
	static char text[256];
	snprintf(text, sizeof text, "%s", strerror(err));
	diag_lowercase_first(text);
	return text;
}

void diag_close_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout))
		die_write("<stdout>", errno ? errno : EIO);
	if (fclose(stdout) != 0)
		die_write("<stdout>", errno);
}
