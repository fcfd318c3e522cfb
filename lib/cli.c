#include "cli.h"

#include <archive.h>
#include <bzlib.h>
#include <lz4.h>
#include <lzma.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>
#include <zlib.h>
#include <zstd.h>

#include "buf.h"
#include "diag.h"
#include "status.h"

/* Ids of the common options, out of the way of the programs' own ids. */
enum {
	OPT_HELP = 1000,
	OPT_VERSION,
	OPT_OUTPUT,
	OPT_STATS,
	OPT_REJECTS,
	OPT_QUIET,
	OPT_VERBOSE,
	OPT_PROGRESS,
	OPT_NO_PROGRESS,
};

struct common_option {
	unsigned bit; /* 0: every program has it */
	struct cli_option option;
	int has_arg;
};

static const struct common_option common_options[] = {
	{CLI_OUTPUT, {"output", 'o', "FILE", "write to FILE, atomically; .gz or .zst compresses", OPT_OUTPUT}, required_argument},
	{CLI_STATS, {"stats", 0, "[=FILE]", "write a JSON summary of the counts to stderr or FILE", OPT_STATS}, optional_argument},
	{CLI_REJECTS, {"rejects", 0, "FILE", "keep input that could not be parsed, verbatim, in FILE", OPT_REJECTS}, required_argument},
	{CLI_PROGRESS, {"progress", 0, NULL, "show progress on stderr even when it is not a terminal", OPT_PROGRESS}, no_argument},
	{CLI_PROGRESS, {"no-progress", 0, NULL, "never show progress", OPT_NO_PROGRESS}, no_argument},
	{CLI_VERBOSE, {"verbose", 'v', NULL, "say what was skipped, and why", OPT_VERBOSE}, no_argument},
	{0, {"quiet", 'q', NULL, "print errors only, no warnings", OPT_QUIET}, no_argument},
	{0, {"help", 'h', NULL, "show this help and exit", OPT_HELP}, no_argument},
	{0, {"version", 'V', NULL, "show the version and the library versions, and exit", OPT_VERSION}, no_argument},
};

enum { COMMON_COUNT = sizeof common_options / sizeof common_options[0] };

static void add_help_line(struct buf *out, const struct cli_option *o)
{
	struct buf left = {0};
	if (o->short_name)
		buf_printf(&left, "  -%c, --%s", o->short_name, o->name);
	else
		buf_printf(&left, "      --%s", o->name);
	if (o->arg_name)
		buf_printf(&left, "%s%s", o->arg_name[0] == '[' ? "" : " ", o->arg_name);
	if (left.len < 30)
		buf_printf(out, "%-30s%s\n", left.data, o->help);
	else
		buf_printf(out, "%s\n%30s%s\n", left.data, "", o->help);
	buf_free(&left);
}

static _Noreturn void show_help(const struct cli_spec *spec)
{
	struct buf out = {0};
	buf_printf(&out, "usage: %s [options] [file ...]\n\n%s\n\n", spec->name, spec->summary);
	buf_adds(&out, "With no file, or when file is -, read standard input.\n\nOptions:\n");
	for (const struct cli_option *o = spec->options; o && o->name; o++)
		add_help_line(&out, o);
	for (size_t i = 0; i < COMMON_COUNT; i++)
		if (!common_options[i].bit || (spec->common & common_options[i].bit))
			add_help_line(&out, &common_options[i].option);
	buf_printf(&out, "\nExit status: 0 success, 1 failure, 2 usage error.\n"
			 "See %s(1) for the details.\n", spec->name);
	fwrite(out.data, 1, out.len, stdout);
	buf_free(&out);
	diag_close_stdout();
	exit(STATUS_OK);
}

static _Noreturn void show_version(const struct cli_spec *spec)
{
	unsigned xxh = XXH_versionNumber();
	printf("%s (newsutils) %s\n", spec->name, NEWSUTILS_VERSION);
	printf("%s\n", archive_version_details());
	/* Decompression is ours (lib/decoder), so name those libraries too. */
	printf("zlib %s\nbzip2 %s\nxz %s\nzstd %s\nlz4 %s\nxxhash %u.%u.%u\n", zlibVersion(),
	       BZ2_bzlibVersion(), lzma_version_string(), ZSTD_versionString(),
	       LZ4_versionString(), xxh / 10000, xxh / 100 % 100, xxh % 100);
	diag_close_stdout();
	exit(STATUS_OK);
}

void cli_parse(struct cli *cli, const struct cli_spec *spec, void *ctx, int argc, char **argv)
{
	memset(cli, 0, sizeof *cli);
	cli->spec = spec;
	cli->progress = -1;
	diag_init(spec->name);

	size_t own = 0;
	while (spec->options && spec->options[own].name)
		own++;
	struct option *longs = xcalloc(own + COMMON_COUNT + 1, sizeof *longs);
	struct buf shorts = {0};
	buf_addc(&shorts, ':'); /* report a missing argument as ':' */
	size_t n = 0;
	for (size_t i = 0; i < own; i++) {
		const struct cli_option *o = &spec->options[i];
		longs[n++] = (struct option){o->name, o->arg_name ? required_argument : no_argument,
					     NULL, o->id};
		if (o->short_name) {
			buf_addc(&shorts, (char)o->short_name);
			if (o->arg_name)
				buf_addc(&shorts, ':');
		}
	}
	for (size_t i = 0; i < COMMON_COUNT; i++) {
		const struct common_option *c = &common_options[i];
		if (c->bit && !(spec->common & c->bit))
			continue;
		longs[n++] = (struct option){c->option.name, c->has_arg, NULL, c->option.id};
		if (c->option.short_name) {
			buf_addc(&shorts, (char)c->option.short_name);
			if (c->has_arg == required_argument)
				buf_addc(&shorts, ':');
		}
	}

	opterr = 0;
	for (;;) {
		int c = getopt_long(argc, argv, shorts.data, longs, NULL);
		if (c == -1)
			break;
		/* getopt permutes argv: the argument just read is the one before
		 * optind. For a long option optopt holds its id, not a letter. */
		const char *arg = argv[optind - 1];
		bool is_short = optopt > 0 && optopt < 128 && strncmp(arg, "--", 2) != 0;
		/* Map short options onto the ids of their long forms. */
		for (size_t i = 0; i < own; i++)
			if (c == spec->options[i].short_name && c)
				c = spec->options[i].id;
		for (size_t i = 0; i < COMMON_COUNT; i++)
			if (c == common_options[i].option.short_name && c)
				c = common_options[i].option.id;
		switch (c) {
		case '?':
			if (is_short)
				die_usage("unknown option '-%c'", optopt);
			if (optopt && strchr(arg, '='))
				die_usage("option '%.*s' takes no argument", (int)(strchr(arg, '=') - arg),
					  arg);
			die_usage("unknown option '%s'", arg);
		case ':':
			if (is_short)
				die_usage("option '-%c' needs an argument", optopt);
			die_usage("option '%s' needs an argument", arg);
		case OPT_HELP:
		case OPT_VERSION:
			free(longs);
			buf_free(&shorts);
			if (c == OPT_HELP)
				show_help(spec);
			show_version(spec);
		case OPT_OUTPUT: cli->output = optarg; break;
		case OPT_STATS: cli->stats = optarg ? optarg : "-"; break;
		case OPT_REJECTS: cli->rejects = optarg; break;
		case OPT_QUIET: cli->is_quiet = true; break;
		case OPT_VERBOSE: cli->is_verbose = true; break;
		case OPT_PROGRESS: cli->progress = 1; break;
		case OPT_NO_PROGRESS: cli->progress = 0; break;
		default: spec->on_option(ctx, c, optarg); break;
		}
	}
	free(longs);
	buf_free(&shorts);
	cli->files = argv + optind;
	cli->file_count = (size_t)(argc - optind);
	diag_set_quiet(cli->is_quiet);
	if (cli->is_quiet)
		cli->progress = cli->progress == 1 ? 1 : 0;
}

uint64_t cli_parse_size(const char *option, const char *arg)
{
	char *end;
	errno = 0;
	if (!arg || arg[0] < '0' || arg[0] > '9')
		die_usage("%s needs a size such as 64M, not '%s'", option, arg ? arg : "");
	unsigned long long v = strtoull(arg, &end, 10);
	uint64_t unit = 1;
	switch (*end) {
	case 'k': case 'K': unit = 1ull << 10; end++; break;
	case 'm': case 'M': unit = 1ull << 20; end++; break;
	case 'g': case 'G': unit = 1ull << 30; end++; break;
	case 't': case 'T': unit = 1ull << 40; end++; break;
	}
	if (*end == 'B' || *end == 'b')
		end++;
	if (errno || *end || v > UINT64_MAX / unit)
		die_usage("%s needs a size such as 64M, not '%s'", option, arg);
	return v * unit;
}

void cli_list_add(const char ***list, size_t *n, const char *arg)
{
	*list = xrealloc(*list, (*n + 1) * sizeof **list);
	(*list)[(*n)++] = arg;
}

uint64_t cli_parse_uint(const char *option, const char *arg, uint64_t min, uint64_t max)
{
	char *end;
	errno = 0;
	if (!arg || arg[0] < '0' || arg[0] > '9')
		die_usage("%s needs a whole number from %llu to %llu, not '%s'", option,
			  (unsigned long long)min, (unsigned long long)max, arg ? arg : "");
	unsigned long long v = strtoull(arg, &end, 10);
	if (errno || *end || v < min || v > max)
		die_usage("%s needs a whole number from %llu to %llu, not '%s'", option,
			  (unsigned long long)min, (unsigned long long)max, arg);
	return v;
}

struct writer *cli_open_output(const char *path)
{
	char err[512];
	struct writer *w = writer_open(path, err, sizeof err);
	if (!w)
		die("%s", err);
	return w;
}

void cli_write(struct writer *w, const void *p, size_t n)
{
	if (writer_write(w, p, n) < 0)
		die_write(writer_name(w), writer_errno(w));
}

void cli_close_output(struct writer *w)
{
	char *name = xstrdup(writer_name(w));
	int err;
	if (writer_close(w, &err) < 0)
		die_write(name, err);
	free(name);
}

void cli_write_stats(const struct cli *cli, const struct stats *s)
{
	if (!cli->stats)
		return;
	if (strcmp(cli->stats, "-") == 0) {
		if (stats_write(s, stderr) < 0)
			die("<stderr>: cannot write the stats");
		return;
	}
	FILE *f = fopen(cli->stats, "w");
	if (!f)
		die("%s: %s", cli->stats, diag_strerror(errno));
	int rc = stats_write(s, f);
	if (fclose(f) != 0 || rc < 0)
		die("%s: cannot write the stats: %s", cli->stats, diag_strerror(errno));
}
