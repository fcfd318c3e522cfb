#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clean.h"
#include "cli.h"
#include "diag.h"
#include "jsonl.h"
#include "progress.h"
#include "status.h"
#include "patterns.h"
#include "template.h"

enum {
	OPT_EXPLAIN = 256,
	OPT_DISABLE,
	OPT_LIST_RULES,
	OPT_FULL_PAGE,
	OPT_SITE_FIELD,
	OPT_TEMPLATE_WINDOW,
	OPT_TEMPLATE_MIN,
	OPT_TEMPLATE_MEMORY,
	OPT_PATTERNS,
};

static const struct cli_option options[] = {
	{"explain", 0, "FILE", "write each removed line, its record id and rule, to FILE", OPT_EXPLAIN},
	{"disable", 'd', "RULE", "switch a rule off (repeatable; see --list-rules)", OPT_DISABLE},
	{"list-rules", 0, NULL, "list the rules and exit", OPT_LIST_RULES},
	{"patterns", 'p', "FILE", "remove (or keep) lines by the patterns in FILE (repeatable)",
	 OPT_PATTERNS},
	{"full-page", 0, "WHEN", "look for the article's block in full-page text: auto, always, never",
	 OPT_FULL_PAGE},
	{"site-field", 0, "FIELD", "the field naming a record's site (default: from url or source)",
	 OPT_SITE_FIELD},
	{"template-window", 0, "N", "records looked ahead by the template memory; 0: off (1000)",
	 OPT_TEMPLATE_WINDOW},
	{"template-min", 0, "N", "records of a site holding a line that make it template (5)",
	 OPT_TEMPLATE_MIN},
	{"template-memory", 0, "SIZE", "memory for the template memory's counts (32M)",
	 OPT_TEMPLATE_MEMORY},
	{NULL, 0, NULL, NULL, 0},
};

struct args {
	const char *explain;
	bool is_disabled[RULE_COUNT];
	enum full_page full_page;
	const char *site_field;
	uint64_t window, min_records, memory;
	struct patterns patterns;
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
	case OPT_SITE_FIELD: a->site_field = arg; break;
	case OPT_PATTERNS: patterns_load(&a->patterns, arg); break;
	case OPT_TEMPLATE_WINDOW:
		a->window = cli_parse_uint("--template-window", arg, 0, 10000000);
		break;
	case OPT_TEMPLATE_MIN:
		a->min_records = cli_parse_uint("--template-min", arg, 2, UINT32_MAX);
		break;
	case OPT_TEMPLATE_MEMORY:
		a->memory = cli_parse_size("--template-memory", arg);
		if (a->memory < template_bytes(0))
			die_usage("--template-memory must be %zuK or more", template_bytes(0) >> 10);
		break;
	case OPT_LIST_RULES:
		for (int r = 0; r < RULE_COUNT; r++)
			printf("%s\n", rule_name((enum rule)r));
		diag_close_stdout();
		exit(STATUS_OK);
	}
}

/* The window gives records out early when they hold more than this. */
#define WINDOW_BYTES ((size_t)64 << 20)

/* A record waiting in the template memory's window. */
struct pending {
	struct buf line; /* the record as it came in */
	struct buf text; /* its normalised text */
	uint64_t site;
	bool has_site;
};

struct window {
	struct pending *slots;
	size_t head, count, cap;
	size_t bytes;
	struct template_memory memory;
};

/* Cleans a record and writes it. */
static void emit(struct cleaner *c, struct record *r, const struct buf *normalized,
		 struct writer *out, struct buf *line)
{
	if (!cleaner_record(c, r, normalized))
		die_write(writer_name(c->explain), writer_errno(c->explain));
	buf_clear(line);
	record_serialize(r, line);
	cli_write(out, line->data, line->len);
}

/* Cleans and writes the oldest record of the window. */
static void pop(struct window *w, struct cleaner *c, struct writer *out, struct buf *line)
{
	struct pending *p = &w->slots[w->head];
	struct record r = {0};
	struct json_error err;
	if (!record_parse(&r, p->line.data, p->line.len, &err))
		die("a record changed in memory"); /* it parsed when it came in */
	c->site = p->site;
	c->has_site = p->has_site;
	emit(c, &r, &p->text, out, line);
	c->has_site = false;
	record_free(&r);
	w->bytes -= p->line.len + p->text.len;
	w->head = (w->head + 1) % w->cap;
	w->count--;
}

/* The record's site into out: the field named, or the host of its url
 * (without "www."), or the directory of its source. */
static bool record_site(struct record *r, const char *field, struct buf *out)
{
	const char *s;
	size_t n;
	buf_clear(out);
	if (field) {
		if (!record_get_string(r, field, &s, &n) || !n)
			return false;
		buf_add(out, s, n);
		return true;
	}
	if (record_get_string(r, "url", &s, &n) && n) {
		const char *host = memmem(s, n, "://", 3);
		size_t i = host ? (size_t)(host - s) + 3 : 0, e = i;
		while (e < n && !strchr("/:?#", s[e]))
			e++;
		if (e - i > 4 && strncasecmp(s + i, "www.", 4) == 0)
			i += 4;
		for (size_t k = i; k < e; k++)
			buf_addc(out, (char)tolower((unsigned char)s[k]));
		if (out->len)
			return true;
	}
	if (record_get_string(r, "source", &s, &n) && n) {
		size_t e = n;
		while (e > 0 && s[e - 1] != '/')
			e--;
		if (e == 0) /* a file in the current directory, or an archive's top */
			while (e < n && s[e] != ':')
				e++;
		buf_add(out, s, e);
		return true;
	}
	return false;
}

int main(int argc, char **argv)
{
	struct args args = {0};
	args.window = 1000;
	args.min_records = 5;
	args.memory = (uint64_t)32 << 20;
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
	if (args.patterns.count)
		cleaner.patterns = &args.patterns;
	struct progress progress;
	progress_init(&progress, cli.progress);

	struct jsonl in;
	jsonl_open(&in, cli.files, cli.file_count, &stats, rejects);
	struct window w = {0};
	if (args.window) {
		size_t capacity = 1024;
		while (template_bytes(capacity * 2) <= args.memory)
			capacity *= 2;
		template_init(&w.memory, capacity, (unsigned)args.min_records);
		w.cap = args.window;
		w.slots = xcalloc(w.cap, sizeof *w.slots);
		cleaner.template = &w.memory;
	}
	struct buf line = {0}, site = {0};
	uint64_t records = 0;
	struct record *r;
	while ((r = jsonl_next(&in))) {
		if (!args.window) {
			emit(&cleaner, r, NULL, out, &line);
		} else {
			/* Count the record's lines now; clean it when it leaves the
			 * window, with what the records after it said. */
			while (w.count == w.cap || w.bytes > WINDOW_BYTES)
				pop(&w, &cleaner, out, &line);
			struct pending *p = &w.slots[(w.head + w.count++) % w.cap];
			buf_clear(&p->line);
			buf_add(&p->line, r->line, r->len);
			buf_clear(&p->text);
			cleaner_normalize(&cleaner, r, &p->text);
			p->has_site = record_site(r, args.site_field, &site);
			if (p->has_site) {
				p->site = template_site(site.data ? site.data : "", site.len);
				template_add(&w.memory, p->site, p->text.data ? p->text.data : "",
					     p->text.len);
			}
			w.bytes += p->line.len + p->text.len;
		}
		records++;
		progress_update(&progress, records, in.bytes, jsonl_raw_offset(&in), 0);
	}
	while (w.count)
		pop(&w, &cleaner, out, &line);
	progress_end(&progress);
	stats_add(&stats, NULL, "records_out", records);
	cleaner_finish(&cleaner);
	bool had_error = in.had_error;
	jsonl_close(&in);
	buf_free(&line);
	buf_free(&site);
	if (args.window) {
		for (size_t i = 0; i < w.cap; i++) {
			buf_free(&w.slots[i].line);
			buf_free(&w.slots[i].text);
		}
		free(w.slots);
		template_free(&w.memory);
	}
	patterns_free(&args.patterns);
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
