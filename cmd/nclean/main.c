#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clean.h"
#include "cli.h"
#include "diag.h"
#include "jsonl.h"
#include "progress.h"
#include "status.h"

enum {
	OPT_EXPLAIN = 256,
	OPT_DISABLE,
	OPT_LIST_RULES,
	OPT_FULL_PAGE,
};

static const struct cli_option options[] = {
	{"explain", 0, "FILE", "write each removed line, its record id and rule, to FILE", OPT_EXPLAIN},
	{"disable", 'd', "RULE", "switch a rule off (repeatable; see --list-rules)", OPT_DISABLE},
	{"list-rules", 0, NULL, "list the rules and exit", OPT_LIST_RULES},
	{"full-page", 0, "WHEN", "look for the article's block in full-page text: auto, always, never",
	 OPT_FULL_PAGE},
	{NULL, 0, NULL, NULL, 0},
};

struct args {
	const char *explain;
	bool is_disabled[RULE_COUNT];
	enum full_page full_page;
};

static void on_option(void *ctx, int id, const char *arg)
{
	struct args *a = ctx;
	switch (id) {
	case OPT_EXPLAIN: a->explain = arg; break;
	case OPT_DISABLE: {
		enum rule r = rule_by_name(arg);
		if (r == RULE_COUNT)
			die_usage("no rule '%s' (see --list-rules)", arg);
		a->is_disabled[r] = true;
		break;
	}
	case OPT_FULL_PAGE:
		if (strcmp(arg, "auto") == 0)
			a->full_page = FULL_PAGE_AUTO;
		else if (strcmp(arg, "always") == 0)
			a->full_page = FULL_PAGE_ALWAYS;
		else if (strcmp(arg, "never") == 0)
			a->full_page = FULL_PAGE_NEVER;
		else
			die_usage("--full-page takes auto, always or never, not '%s'", arg);
		break;
	case OPT_LIST_RULES:
		for (int r = 0; r < RULE_COUNT; r++)
			printf("%s\n", rule_name((enum rule)r));
		diag_close_stdout();
		exit(STATUS_OK);
	}
}

int main(int argc, char **argv)
{
	struct args args = {0};
	static const struct cli_spec spec = {
		.name = "nclean",
		.summary = "Clean the text of JSON Lines records: normalise it and remove site\n"
			   "chrome (menus, tickers, share lines, cookie banners, credits).",
		.options = options,
		.common = CLI_OUTPUT | CLI_STATS | CLI_REJECTS | CLI_PROGRESS,
		.on_option = on_option,
	};
	struct cli cli;
	cli_parse(&cli, &spec, &args, argc, argv);

	struct stats stats;
	stats_init(&stats, "nclean");
	static const char *const order[] = {"records_in", "records_out", "rejected"};
	for (size_t i = 0; i < sizeof order / sizeof *order; i++)
		stats_add(&stats, NULL, order[i], 0);
	struct writer *out = cli_open_output(cli.output);
	struct writer *rejects = cli.rejects ? cli_open_output(cli.rejects) : NULL;
	struct writer *explain = args.explain ? cli_open_output(args.explain) : NULL;
	struct cleaner cleaner;
	cleaner_init(&cleaner, &stats, explain);
	memcpy(cleaner.is_disabled, args.is_disabled, sizeof args.is_disabled);
	cleaner.full_page = args.full_page;
	struct progress progress;
	progress_init(&progress, cli.progress);

	struct jsonl in;
	jsonl_open(&in, cli.files, cli.file_count, &stats, rejects);
	struct buf line = {0};
	uint64_t records = 0;
	struct record *r;
	while ((r = jsonl_next(&in))) {
		if (!cleaner_record(&cleaner, r))
			die_write(writer_name(explain), writer_errno(explain));
		buf_clear(&line);
		record_serialize(r, &line);
		cli_write(out, line.data, line.len);
		records++;
		progress_update(&progress, records, in.bytes, jsonl_raw_offset(&in), 0);
	}
	progress_end(&progress);
	stats_add(&stats, NULL, "records_out", records);
	cleaner_finish(&cleaner);
	bool had_error = in.had_error;
	jsonl_close(&in);
	buf_free(&line);
	cli_close_output(out);
	if (rejects)
		cli_close_output(rejects);
	if (explain)
		cli_close_output(explain);
	cli_write_stats(&cli, &stats);
	stats_free(&stats);
	diag_close_stdout();
	return had_error ? STATUS_FAILURE : STATUS_OK;
}
