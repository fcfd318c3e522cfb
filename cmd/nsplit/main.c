#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "buf.h"
#include "cli.h"
#include "diag.h"
#include "split.h"

enum {
	OPT_FORMAT = 256,
	OPT_MAX_SIZE,
	OPT_MIN_SIZE,
	OPT_INCLUDE,
	OPT_EXCLUDE,
	OPT_NAME,
	OPT_SHARDS,
};

static const struct cli_option options[] = {
	{"format", 'f', "FORMAT", "auto, text, html, warc, mail or reuters (default auto)", OPT_FORMAT},
	{"include", 'i', "GLOB", "only members whose path matches GLOB (repeatable)", OPT_INCLUDE},
	{"exclude", 'x', "GLOB", "skip members whose path matches GLOB (repeatable)", OPT_EXCLUDE},
	{"max-size", 0, "SIZE", "skip members larger than SIZE (default 256M)", OPT_MAX_SIZE},
	{"min-size", 0, "SIZE", "skip members smaller than SIZE (default 0)", OPT_MIN_SIZE},
	{"name", 0, "NAME", "the name standard input goes by in source and ids", OPT_NAME},
	{"shards", 0, "N", "write N outputs, by hash of id; -o names them with %d", OPT_SHARDS},
	{NULL, 0, NULL, NULL, 0},
};

static void on_option(void *ctx, int id, const char *arg)
{
	struct split_options *opt = ctx;
	switch (id) {
	case OPT_FORMAT: {
		static const char *const names[] = {"auto", "text", "html", "warc", "mail", "reuters"};
		static const enum split_format formats[] = {FORMAT_AUTO, FORMAT_TEXT, FORMAT_HTML,
							    FORMAT_WARC, FORMAT_MAIL, FORMAT_REUTERS};
		for (size_t i = 0; i < sizeof names / sizeof *names; i++)
			if (strcmp(arg, names[i]) == 0) {
				opt->format = formats[i];
				return;
			}
		die_usage("unknown format '%s' (auto, text, html, warc, mail, reuters)", arg);
	}
	case OPT_MAX_SIZE: opt->max_size = cli_parse_size("--max-size", arg); break;
	case OPT_MIN_SIZE: opt->min_size = cli_parse_size("--min-size", arg); break;
	case OPT_INCLUDE: cli_list_add(&opt->includes, &opt->include_count, arg); break;
	case OPT_EXCLUDE: cli_list_add(&opt->excludes, &opt->exclude_count, arg); break;
	case OPT_NAME: opt->stdin_name = arg; break;
	case OPT_SHARDS: opt->shards = (unsigned)cli_parse_uint("--shards", arg, 1, 4096); break;
	}
}

/* The -o name of sharded output must hold one %d (with an optional 0 flag
 * and a one-digit width), and no other conversion: it is a printf format. */
static bool is_shard_pattern(const char *p)
{
	int conversions = 0;
	for (; *p; p++) {
		if (*p != '%')
			continue;
		if (p[1] == '%') {
			p++;
			continue;
		}
		p++;
		if (*p == '0')
			p++;
		/* A width of one digit at most: wider helps no one, and a name
		 * stays short enough to be sure of. */
		if (*p >= '1' && *p <= '9')
			p++;
		if (*p != 'd')
			return false;
		conversions++;
	}
	return conversions == 1;
}

int main(int argc, char **argv)
{
	struct split_options opt = {
		.format = FORMAT_AUTO,
		.max_size = 256ull << 20,
		.stdin_name = "<stdin>",
	};
	static const struct cli_spec spec = {
		.name = "nsplit",
		.summary = "Split archives of news articles (tar, zip, 7z, cpio, ar, ISO, WARC,\n"
			   "plain or compressed files, directories) into JSON Lines records.",
		.options = options,
		.common = CLI_OUTPUT | CLI_STATS | CLI_PROGRESS | CLI_VERBOSE,
		.on_option = on_option,
	};
	struct cli cli;
	cli_parse(&cli, &spec, &opt, argc, argv);
	opt.output = cli.output;
	opt.is_verbose = cli.is_verbose;
	opt.progress = cli.progress;
	if (opt.shards) {
		if (!opt.output)
			die_usage("--shards needs -o with a %%d pattern, such as 'out-%%03d.jsonl.gz'");
		if (!is_shard_pattern(opt.output))
			die_usage("-o '%s' must hold exactly one %%d when --shards is given", opt.output);
		/* Every shard is an open file until the end: fail now, not halfway. */
		struct rlimit files;
		if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY &&
		    opt.shards + 32 > files.rlim_cur)
			die_usage("--shards %u needs more open files than the limit of %llu (ulimit -n)",
				  opt.shards, (unsigned long long)files.rlim_cur);
	}
	if (opt.min_size > opt.max_size)
		die_usage("--min-size is larger than --max-size");

	struct split split;
	split_init(&split, &opt);
	for (size_t i = 0; i < cli.file_count; i++)
		split_plan(&split, cli.files[i]);
	if (cli.file_count == 0)
		split_path(&split, "-");
	for (size_t i = 0; i < cli.file_count; i++)
		split_path(&split, cli.files[i]);
	int status = split_finish(&split);
	cli_write_stats(&cli, &split.stats);
	stats_free(&split.stats);
	free(opt.includes);
	free(opt.excludes);
	diag_close_stdout();
	return status;
}
