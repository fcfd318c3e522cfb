#ifndef NEWSUTILS_DIAG_H
#define NEWSUTILS_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* diag is the one library module that prints and exits: every message a
 * program writes to stderr goes through here, as "tool: where: what". */

/* Sets the program name used as the prefix of every message. */
void diag_init(const char *progname);
/* Returns the program name given to diag_init. */
const char *diag_progname(void);
/* With quiet set, warnings are counted but not printed; errors still are. */
void diag_set_quiet(bool quiet);

/* Prints "tool: message" and returns. */
void warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "tool: file:line: message" (line 0 leaves it out) and returns. */
void warn_at(const char *file, uint64_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Like warn but never silenced by quiet: for errors that change the exit status. */
void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Like warn_at but never silenced by quiet. */
void report_at(const char *file, uint64_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prints "tool: message", runs the cleanups and exits with status 1. */
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints one line "usage: tool: message (try 'tool --help')" and exits 2. */
_Noreturn void die_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Handles a failed write to name: on EPIPE dies quietly by SIGPIPE, as a
 * filter in a pipeline should; otherwise dies with the error. */
_Noreturn void die_write(const char *name, int err);

/* With b set, this thread's warnings and reports are appended to b,
 * as they would be printed, instead of going to stderr (a worker's
 * messages, printed later in input order); NULL ends it. die and
 * die_usage still print at once. */
struct buf;
void diag_capture(struct buf *b);
/* Prints messages captured by diag_capture. */
void diag_emit(const char *text, size_t n);

/* Registers a path to unlink if the program dies or is interrupted before
 * diag_forget_temp is called for it (atomic output's temporary files). */
void diag_track_temp(const char *path);
/* Stops tracking path (it was renamed into place or removed). */
void diag_forget_temp(const char *path);

/* Lowercases the first letter of a library's message in place, as ours
 * are written, unless it starts an acronym ("ZIP ..."). */
void diag_lowercase_first(char *text);
/* Returns strerror(err) with its first letter lowercased, as messages
 * are written ("no such file or directory"); valid until the next call. */
const char *diag_strerror(int err);

/* Tells diag whether a progress line is on the terminal, so that the next
 * message erases it first instead of running into it. */
void diag_note_progress(bool is_drawn);

/* Checks and closes stdout: the last thing a program does before exiting. */
void diag_close_stdout(void);

#endif
