#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "cli.h"
#include "dates.h"
#include "diag.h"
#include "expr.h"
#include "jsonl.h"
#include "people.h"
#include "progress.h"
#include "quotes.h"
#include "status.h"
#include "tags.h"

enum {
	OPT_TAGGERS = 256,
	OPT_KEEP,
	OPT_DROP,
	OPT_GAZETTEER,
	OPT_JOBS,
};

static const struct cli_option options[] = {
	{"taggers", 't', "LIST",
	 "taggers to run (lang,outlet,places); also quality, paragraphs, people, dates, quotes, all",
	 OPT_TAGGERS},
	{"keep", 0, "EXPR", "write only the records for which EXPR holds (lang=en)", OPT_KEEP},
	{"drop", 0, "EXPR", "leave out the records for which EXPR holds (words<50)", OPT_DROP},
	{"gazetteer", 'g', "FILE", "people and organisations to find (turns on the people tagger)",
	 OPT_GAZETTEER},
	{"jobs", 'j', "N", "threads to tag with (default: the cores this process may use)", OPT_JOBS},
	{NULL, 0, NULL, NULL, 0},
};

struct args {
	int taggers;
	bool taggers_given; /* -t: else the defaults, and what --keep and --drop read */
	/* the expressions as given; parsed once every option is known */
	const char **keep, **drop;
	size_t n_keep, n_drop;
	const char **gazetteers;
	size_t n_gazetteers;
	unsigned jobs; /* 0: batch_cores() */
};

static void on_option(void *ctx, int id, const char *arg)
{
	struct args *a = ctx;
	switch (id) {
	case OPT_TAGGERS: {
		const char *bad;
		size_t bad_len;
		a->taggers = taggers_parse(arg, &bad, &bad_len);
		a->taggers_given = true;
		if (a->taggers < 0)
			die_usage("--taggers: no tagger '%.*s' (lang, quality, outlet, places, paragraphs, people, "
				  "dates, quotes, all)",
				  (int)bad_len, bad);
		break;
	}
	case OPT_KEEP: cli_list_add(&a->keep, &a->n_keep, arg); break;
	case OPT_DROP: cli_list_add(&a->drop, &a->n_drop, arg); break;
	case OPT_GAZETTEER: cli_list_add(&a->gazetteers, &a->n_gazetteers, arg); break;
	case OPT_JOBS: a->jobs = (unsigned)cli_parse_uint("--jobs", arg, 1, 1024); break;
	}
}

/* Parses the expressions src[0..n) of option over the taggers readable;
 * adds the taggers they read to *on. */
static struct expr **parse_all(const char *option, const char **src, size_t n,
			       unsigned readable, unsigned *on)
{
	struct expr **out = xcalloc(n ? n : 1, sizeof *out);
	for (size_t i = 0; i < n; i++) {
		char err[512];
		out[i] = expr_parse(src[i], readable, err, sizeof err);
		if (!out[i])
			die_usage("%s %s", option, err);
		*on |= expr_taggers(out[i]);
	}
	return out;
}

/* What every thread tags with, read only. */
struct run {
	unsigned on;
	const struct people *people;
	struct expr **keep;
	size_t n_keep;
	struct expr **drop;
	size_t n_drop;
};

struct worker {
	const struct run *run;
	struct tags tags;
	struct buf json;
};

static void *worker_start(void *arg)
{
	struct worker *w = xcalloc(1, sizeof *w);
	w->run = arg;
	tags_init(&w->tags, w->run->on);
	return w;
}

static void worker_finish(void *state)
{
	struct worker *w = state;
	tags_free(&w->tags);
	buf_free(&w->json);
	free(w);
}

/* Tags the records of b, and writes those kept. */
static void worker_tag(void *state, struct batch *b)
{
	struct worker *w = state;
	const struct run *run = w->run;
	unsigned on = run->on;
	struct tags *tags = &w->tags;
	struct stats *stats = batch_stats(b);
	struct record *r;
	while ((r = batch_next(b))) {
		tags_begin(tags);
		const char *text;
		size_t n;
		record_get_string(r, "text", &text, &n);
		if (on & TAG_PARAGRAPHS)
			tag_paragraphs(tags, text, n);
		else if (on & TAG_LANG)
			tag_lang(tags, text, n);
		if (on & TAG_QUALITY)
			tag_quality(tags, text, n);
		if (on & TAG_OUTLET)
			tag_outlet(tags, r, text, n);
		/* people first: their walk over every word lists the
		 * capitalised ones for places and dates */
		if (on & TAG_PEOPLE)
			tag_people(tags, run->people, text, n);
		if (on & TAG_PLACES)
			tag_places(tags, text, n);
		if (on & TAG_DATES)
			tag_dates(tags, r, text, n);
		if (on & TAG_QUOTES)
			tag_quotes(tags, text, n);
		bool wanted = true;
		for (size_t i = 0; i < run->n_keep && wanted; i++)
			wanted = expr_eval(run->keep[i], tags);
		for (size_t i = 0; i < run->n_drop && wanted; i++)
			wanted = !expr_eval(run->drop[i], tags);
		if (on & TAG_LANG)
			stats_add(stats, "languages", tags->lang, 1);
		if (!wanted) {
			stats_add(stats, NULL, "dropped", 1);
			continue;
		}
		if (on & TAG_LANG)
			record_set_string(r, "lang", tags->lang, strlen(tags->lang));
		tags_json(tags, text, &w->json);
		record_set_raw(r, "tags", w->json.data, w->json.len);
		record_serialize(r, batch_out(b));
	}
}

int main(int argc, char **argv)
{
	/* CLD2 allocates and frees a few hundred kilobytes on every call:
	 * kept by malloc rather than given back to the system and faulted in
	 * again each time, they cost nothing (the lang tagger runs twice as
	 * fast). */
#ifdef M_TRIM_THRESHOLD
	mallopt(M_MMAP_THRESHOLD, 4 << 20);
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
	struct args args = {.taggers = TAGGERS_DEFAULT};
	static const struct cli_spec spec = {
		.name = "ntag",
		.summary = "Tag records: the language of the text and of its paragraphs, quality\n"
			   "signals, the outlet, the countries, people, organisations, dates and\n"
			   "quotes; keep or drop records by tag.",
		.options = options,
		.common = CLI_OUTPUT | CLI_STATS | CLI_REJECTS | CLI_PROGRESS,
		.on_option = on_option,
	};
	struct cli cli;
	cli_parse(&cli, &spec, &args, argc, argv);
	unsigned on = (unsigned)args.taggers;
	if (args.n_gazetteers)
		on |= TAG_PEOPLE;
	/* Without -t, an expression over the quality signals turns their
	 * tagger on (--keep 'words>=50' alone does what it says); with -t,
	 * the list given is the list run. */
	unsigned readable = args.taggers_given ? on : on | TAG_QUALITY;
	struct expr **keep = parse_all("--keep", args.keep, args.n_keep, readable, &on);
	struct expr **drop = parse_all("--drop", args.drop, args.n_drop, readable, &on);

	struct stats stats;
	stats_init(&stats, "ntag");
	static const char *const order[] = {"records_in", "records_out", "rejected", "dropped"};
	for (size_t i = 0; i < sizeof order / sizeof *order; i++)
		stats_add(&stats, NULL, order[i], 0);
	struct writer *out = cli_open_output(cli.output);
	struct writer *rejects = cli.rejects ? cli_open_output(cli.rejects) : NULL;
	struct progress progress;
	progress_init(&progress, cli.progress);

	struct people *people = on & TAG_PEOPLE ? people_load(args.gazetteers, args.n_gazetteers) : NULL;
	struct run run = {on, people, keep, args.n_keep, drop, args.n_drop};
	unsigned jobs = args.jobs ? args.jobs : batch_cores();
	struct batch_job job = {
		.threads = jobs,
		.files = cli.files,
		.file_count = cli.file_count,
		.stats = &stats,
		.out = out,
		.rejects = rejects,
		.progress = &progress,
		.start = worker_start,
		.work = worker_tag,
		.finish = worker_finish,
		.arg = &run,
	};
	bool had_error = batch_run(&job);
	progress_end(&progress);
	stats_add(&stats, NULL, "records_out", stats_get(&stats, NULL, "records_in") -
						  stats_get(&stats, NULL, "rejected") -
						  stats_get(&stats, NULL, "dropped"));
	cli_close_output(out);
	if (rejects)
		cli_close_output(rejects);
	cli_write_stats(&cli, &stats);
	stats_free(&stats);
	people_free(people);
	free(args.gazetteers);
	for (size_t i = 0; i < args.n_keep; i++)
		expr_free(keep[i]);
	for (size_t i = 0; i < args.n_drop; i++)
		expr_free(drop[i]);
	free(keep);
	free(drop);
	free(args.keep);
	free(args.drop);
	diag_close_stdout();
	return had_error ? STATUS_FAILURE : STATUS_OK;
}
