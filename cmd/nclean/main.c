#include <ctype.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clean.h"
#include "cli.h"
#include "diag.h"
#include "jsonl.h"
#include "progress.h"
#include "status.h"
#include "patterns.h"
#include "template.h"
#include "url.h"

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

/* A record waiting in the template memory's window, in one block of
 * memory of its own, freed when it leaves: the window holds what its
 * records hold, never the most that a slot ever held. */
struct pending {
	char *block;     /* members, keys, line, text */
	const struct json_member *members; /* where its members are in line */
	size_t member_count;
	const uint64_t *keys; /* its lines' template keys, or NULL */
	size_t key_count;
	const char *line; /* the record as it came in */
	size_t line_len;
	struct cleaner_input in; /* its normalised text */
	uint64_t site;
	bool has_site;
};

struct window {
	struct pending *slots;
	size_t head, count, cap;
	size_t bytes;
	struct template_memory memory;
	struct record record; /* the record leaving the window */
	struct buf text;      /* the normalised text of the record coming in */
	uint64_t *keys;       /* and its lines' template keys */
	unsigned char *wide;  /* and which of its lines have more than 8 words */
	size_t key_cap;
};

/* How much of the next record's text is loaded ahead. */
#define PREFETCH_BYTES ((size_t)16 << 10)

/* Output is gathered in pieces of this size, which the writer takes as
 * they are, without copying them into its buffer. */
#define OUTPUT_PIECE ((size_t)1 << 20)

/* Cleans a record and adds it to the output gathered in line. */
static void emit(struct cleaner *c, struct record *r, const struct cleaner_input *in,
		 struct writer *out, struct buf *line)
{
	if (!cleaner_record(c, r, in))
		die_write(writer_name(c->explain), writer_errno(c->explain));
	record_serialize(r, line);
	if (line->len >= OUTPUT_PIECE) {
		cli_write(out, line->data, line->len);
		buf_clear(line);
	}
}

/* Cleans and writes the oldest record of the window. */
static void pop(struct window *w, struct cleaner *c, struct writer *out, struct buf *line)
{
	struct pending *p = &w->slots[w->head];
	/* It parsed when it came in: where its members are is known. */
	record_parse_trusted(&w->record, p->line, p->line_len, p->members, p->member_count);
	c->site = p->site;
	c->has_site = p->has_site;
	emit(c, &w->record, &p->in, out, line);
	c->has_site = false;
	w->bytes -= p->line_len + p->in.normalized_len;
	free(p->block);
	p->block = NULL;
	w->head = (w->head + 1) % w->cap;
	w->count--;
	/* The next record to leave was written a window ago, and left the
	 * caches since: its text starts on its way back now. */
	if (w->count) {
		const struct pending *next = &w->slots[w->head];
		size_t n = next->in.normalized_len < PREFETCH_BYTES ? next->in.normalized_len
								     : PREFETCH_BYTES;
		for (size_t i = 0; i < n; i += 64)
			__builtin_prefetch(next->in.normalized + i);
		__builtin_prefetch(next->members);
		__builtin_prefetch(next->keys);
	}
}

/* Puts record r, of normalised text w->text (and, with a site, template
 * keys w->keys), into slot p. The keys are kept when they take a quarter
 * of the text's bytes at most (lines of 32 bytes on average): they spare
 * hashing every line again, and a text of many short lines would make the
 * window hold far more than its records.
 *
 * When the text as it came in is not its normalised text (raw_differs),
 * the record is written with the cleaned text, never with that one: the
 * window keeps the record with "" for the value of its text member (of
 * index text), which spares copying and holding most of its bytes. */
static void push(struct window *w, struct pending *p, const struct record *r, long text,
		 bool raw_differs, size_t key_count)
{
	size_t keys_size = key_count * sizeof *w->keys;
	if (keys_size * 4 > w->text.len)
		key_count = keys_size = 0;
	size_t members_size = r->count * sizeof *r->members;
	/* the bytes of the line left out: all of text's value but "" */
	size_t cut_off = 0, cut = 0;
	if (raw_differs && text >= 0 && r->members[text].type == JSON_STRING) {
		cut_off = r->members[text].val_off;
		cut = r->members[text].val_len - 2;
	}
	size_t line_len = r->len - cut;
	p->block = xmalloc(members_size + keys_size + line_len + w->text.len);
	char *at = p->block;
	struct json_member *members = (struct json_member *)(void *)at;
	memcpy(members, r->members, members_size);
	p->members = members;
	p->member_count = r->count;
	at += members_size;
	if (keys_size)
		memcpy(at, w->keys, keys_size);
	p->keys = key_count ? (const uint64_t *)(void *)at : NULL;
	p->key_count = key_count;
	at += keys_size;
	if (cut) {
		memcpy(at, r->line, cut_off);
		memcpy(at + cut_off, "\"\"", 2);
		size_t after = cut_off + 2 + cut;
		memcpy(at + cut_off + 2, r->line + after, r->len - after);
		members[text].val_len = 2;
		members[text].val_has_escape = false;
		for (size_t k = 0; k < r->count; k++)
			if (members[k].key_off > cut_off) {
				members[k].key_off -= cut;
				members[k].val_off -= cut;
			}
	} else {
		memcpy(at, r->line, r->len);
	}
	p->line = at;
	p->line_len = line_len;
	at += line_len;
	if (w->text.len)
		memcpy(at, w->text.data, w->text.len);
	p->in.normalized = at;
	p->in.normalized_len = w->text.len;
	p->in.keys = p->keys;
	p->in.key_count = key_count;
	p->in.raw_differs = raw_differs;
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
		const char *host;
		size_t len;
		url_site_host(s, n, &host, &len);
		for (size_t k = 0; k < len; k++)
			buf_addc(out, (char)tolower((unsigned char)host[k]));
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
#if defined(M_MMAP_THRESHOLD) && defined(M_TRIM_THRESHOLD)
	/* The window takes a block for each record and frees it 1000 records
	 * later. Large records' blocks would each be mapped and unmapped,
	 * their pages faulted in and zeroed again every time: from the heap,
	 * and kept there, they are used again. */
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif

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
			 * window, with what the records after it said. Its text is
			 * normalised first, and the entries of its keys start
			 * loading while the oldest records are cleaned, before the
			 * memory counts it (as it must). */
			buf_clear(&w.text);
			bool repaired;
			size_t raw_len = cleaner_normalize_text(&cleaner, r, &w.text, &repaired);
			const char *text = w.text.data ? w.text.data : "";
			size_t key_count = 0;
			uint64_t site_key = 0;
			bool has_site = record_site(r, args.site_field, &site);
			if (has_site) {
				site_key = template_site(site.data ? site.data : "", site.len);
				/* The normalisation gave the text's lines. */
				key_count = cleaner.norm.span_count;
				if (w.key_cap < key_count) {
					w.key_cap = key_count;
					w.keys = xrealloc(w.keys, 2 * key_count * sizeof *w.keys);
					w.wide = xrealloc(w.wide, key_count);
				}
				/* w->keys: the keys of the lines in the site (for
				 * the window); after them the lines' own */
				template_span_keys(text, cleaner.norm.spans, key_count, site_key,
						   w.keys + w.key_cap, w.keys, w.wide);
				template_prepare(&w.memory, site_key, w.keys + w.key_cap, w.keys,
						 w.wide, key_count);
			}
			while (w.count == w.cap || w.bytes > WINDOW_BYTES)
				pop(&w, &cleaner, out, &line);
			if (repaired)
				stats_add(&stats, NULL, "mojibake_repaired", 1);
			if (has_site)
				template_commit(&w.memory);
			struct pending *p = &w.slots[(w.head + w.count++) % w.cap];
			p->has_site = has_site;
			p->site = site_key;
			/* Most texts change when normalised (lengths that differ
			 * say so at once). */
			const char *raw;
			size_t len;
			bool raw_differs = raw_len != w.text.len ||
					   (record_get_string(r, "text", &raw, &len) &&
					    memcmp(raw, text, len) != 0);
			push(&w, p, r, record_find(r, "text"), raw_differs, key_count);
			p->in.raw_len = raw_len;
			w.bytes += p->line_len + p->in.normalized_len;
		}
		records++;
		progress_update(&progress, records, in.bytes, jsonl_raw_offset(&in), 0);
	}
	while (w.count)
		pop(&w, &cleaner, out, &line);
	if (line.len)
		cli_write(out, line.data, line.len);
	progress_end(&progress);
	stats_add(&stats, NULL, "records_out", records);
	cleaner_finish(&cleaner);
	bool had_error = in.had_error;
	jsonl_close(&in);
	buf_free(&line);
	buf_free(&site);
	if (args.window) {
		free(w.slots);
		record_free(&w.record);
		buf_free(&w.text);
		free(w.keys);
		free(w.wide);
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
