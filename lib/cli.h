#ifndef NEWSUTILS_CLI_H
#define NEWSUTILS_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stats.h"
#include "writer.h"

/* The shared front end of every program: one option parser with the common
 * options, --help generated from the option table, --version with the
 * linked library versions, and the --stats summary. Like diag, it may exit. */

#define NEWSUTILS_VERSION "0.1.0"

/* The common options a program can take, as bits of cli_spec.common. */
enum {
	CLI_OUTPUT = 1 << 0,   /* -o FILE */
	CLI_STATS = 1 << 1,    /* --stats[=FILE] */
	CLI_REJECTS = 1 << 2,  /* --rejects FILE */
	CLI_PROGRESS = 1 << 3, /* --progress / --no-progress */
	CLI_VERBOSE = 1 << 4,  /* -v, --verbose */
};

struct cli_option {
	const char *name;     /* long name; NULL ends the table */
	int short_name;       /* 0 when there is none */
	const char *arg_name; /* NULL when the option takes no argument */
	const char *help;     /* one line for --help */
	int id;               /* handed back to the program's on_option */
};

struct cli_spec {
	const char *name;
	const char *summary;             /* one line: what the program does */
	const struct cli_option *options;
	unsigned common;                 /* CLI_* bits */
	/* Called for each program option in command-line order; it checks the
	 * argument and calls die_usage when it is wrong. */
	void (*on_option)(void *ctx, int id, const char *arg);
};

struct cli {
	const struct cli_spec *spec;
	const char *output;   /* -o, NULL for stdout */
	const char *stats;    /* "-" for stderr, a path, or NULL when off */
	const char *rejects;  /* NULL when off */
	bool is_quiet;
	bool is_verbose;
	int progress;         /* -1 auto, 0 never, 1 always */
	char **files;         /* the operands; none means stdin */
	size_t file_count;
};

/* Parses argv, handing the program's options to spec->on_option with ctx;
 * handles -h, -V and usage errors itself (exits 0 or 2). */
void cli_parse(struct cli *cli, const struct cli_spec *spec, void *ctx, int argc, char **argv);

/* Parses a byte size such as 512, 64K, 10M or 2G; dies with a usage error
 * naming option on anything else. */
uint64_t cli_parse_size(const char *option, const char *arg);
/* Parses a whole number in [min, max]; dies with a usage error otherwise. */
uint64_t cli_parse_uint(const char *option, const char *arg, uint64_t min, uint64_t max);
/* Appends arg to the list *list of *n arguments (an option given again
 * and again: --include, -g); the list is the caller's to free. */
void cli_list_add(const char ***list, size_t *n, const char *arg);

/* Opens an output (NULL or "-" for stdout) or dies. */
struct writer *cli_open_output(const char *path);
/* Writes to w or dies (quietly by SIGPIPE when the reader went away). */
void cli_write(struct writer *w, const void *p, size_t n);
/* Closes w or dies. */
void cli_close_output(struct writer *w);
/* Writes the --stats summary where the command line asked for it, or dies. */
void cli_write_stats(const struct cli *cli, const struct stats *s);

#endif
