#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dedup.h"
#include "diag.h"
#include "idset.h"
#include "json.h"
#include "jsonl.h"
#include "keep.h"
#include "progress.h"
#include "status.h"
#include "store.h"

enum {
	OPT_KEY = 256,
	OPT_DROP,
	OPT_CLUSTERS,
	OPT_EXACT,
	OPT_SHINGLE,
	OPT_HASHES,
	OPT_BANDS,
	OPT_ROWS,
	OPT_THRESHOLD,
	OPT_LEVEL,
	OPT_INDEX,
	OPT_KEEP,
	OPT_MEM,
};

static const struct cli_option options[] = {
	{"drop", 0, NULL, "write only the records kept, not the duplicates", OPT_DROP},
	{"key", 'k', "FIELD", "duplicates are records with the same FIELD (exact only)", OPT_KEY},
	{"exact", 0, NULL, "exact duplicates only (no MinHash)", OPT_EXACT},
	{"clusters", 0, "FILE", "write each cluster (kept id and duplicate ids) to FILE",
	 OPT_CLUSTERS},
	{"shingle", 0, "N", "words per shingle (5)", OPT_SHINGLE},
	{"hashes", 0, "K", "MinHash functions (128)", OPT_HASHES},
	{"bands", 0, "B", "LSH bands (8)", OPT_BANDS},
	{"rows", 0, "R", "hash values a band (2); B x R at most K", OPT_ROWS},
	{"threshold", 0, "T", "estimated Jaccard a near duplicate needs (0.5)", OPT_THRESHOLD},
	{"level", 0, "LEVEL", "document (default) or paragraph: remove paragraphs seen before",
	 OPT_LEVEL},
	{"index", 0, "FILE", "deduplicate against the records FILE holds, then add the kept ones",
	 OPT_INDEX},
	{"keep", 0, "POLICY", "first (default), longest, earliest or sources:FILE", OPT_KEEP},
	{"mem", 0, "SIZE", "index at most SIZE bytes (64M, 2G); later records are not added",
	 OPT_MEM},
	{NULL, 0, NULL, NULL, 0},
};

struct args {
	const char *key, *clusters, *index;
	bool drop, exact_only, paragraphs;
	struct dedup_params params;
	enum keep_policy keep;
	struct keep_sources sources;
	uint64_t mem; /* 0: no cap */
};

static void on_option(void *ctx, int id, const char *arg)
{
	struct args *a = ctx;
	switch (id) {
	case OPT_KEY: a->key = arg; break;
	case OPT_DROP: a->drop = true; break;
	case OPT_CLUSTERS: a->clusters = arg; break;
	case OPT_INDEX: a->index = arg; break;
	case OPT_MEM: a->mem = cli_parse_size("--mem", arg); break;
	case OPT_KEEP:
		keep_sources_free(&a->sources);
		a->keep = keep_parse(arg, &a->sources);
		break;
	case OPT_EXACT: a->exact_only = true; break;
	case OPT_SHINGLE: a->params.shingle = (unsigned)cli_parse_uint("--shingle", arg, 1, 64); break;
	case OPT_HASHES: a->params.hashes = (unsigned)cli_parse_uint("--hashes", arg, 16, 4096); break;
	case OPT_BANDS: a->params.bands = (unsigned)cli_parse_uint("--bands", arg, 1, 4096); break;
	case OPT_ROWS:
		a->params.rows = (unsigned)cli_parse_uint("--rows", arg, 1, DEDUP_MAX_ROWS);
		break;
	case OPT_LEVEL:
		if (strcmp(arg, "paragraph") == 0)
			a->paragraphs = true;
		else if (strcmp(arg, "document") != 0)
			die_usage("--level takes document or paragraph, not '%s'", arg);
		break;
	case OPT_THRESHOLD: {
		char *end;
		double t = strtod(arg, &end);
		if (*end || end == arg || !(t > 0 && t <= 1))
			die_usage("--threshold takes a number in (0, 1], not '%s'", arg);
		a->params.threshold = t;
		break;
	}
	}
}

/* Texts of fewer words than this are compared exactly only: a short
 * notice ("Qtly div five cts vs five cts prior Pay July 15") shares most
 * of its few shingles with every other notice of its kind. */
#define NEAR_MIN_WORDS 30

/* Paragraphs of fewer words than this are never called repeats: a
 * sign-off or a dateline recurs without being republished text. */
#define PARAGRAPH_MIN_WORDS 8

/* The paragraph level: removes from the record's text each paragraph
 * (blank-line separated) whose normalised form an earlier record had, and
 * marks the record with the number removed. Returns false when --drop
 * asks to drop it (every paragraph was a repeat). */
static bool dedup_paragraphs(struct record *r, struct idset *seen, bool drop, struct stats *stats,
			     struct buf *norm, struct buf *text, struct buf *json)
{
	const char *s;
	size_t n;
	record_get_string(r, "text", &s, &n);
	buf_clear(text);
	size_t removed = 0, kept = 0;
	for (size_t i = 0; i < n;) {
		const char *end = memmem(s + i, n - i, "\n\n", 2);
		size_t e = end ? (size_t)(end - s) : n;
		buf_clear(norm);
		size_t words = dedup_normalize(s + i, e - i, norm);
		bool repeat = false;
		if (words >= PARAGRAPH_MIN_WORDS) {
			struct dedup_key k = dedup_exact_key(norm->data, norm->len);
			repeat = !idset_add(seen, k.lo ? k.lo : 1);
		}
		if (repeat) {
			removed++;
		} else if (e > i) {
			if (kept++)
				buf_adds(text, "\n\n");
			buf_add(text, s + i, e - i);
		}
		i = e;
		while (i < n && s[i] == '\n')
			i++;
	}
	if (!removed) {
		if (record_type(r, "dup") >= 0)
			record_remove(r, "dup");
		return true;
	}
	stats_add(stats, NULL, "paragraphs_removed", removed);
	if (!kept) {
		stats_add(stats, NULL, "all_paragraphs_repeated", 1);
		if (drop) {
			stats_add(stats, NULL, "dropped", 1);
			return false;
		}
	}
	record_set_string(r, "text", text->data ? text->data : "", text->len);
	buf_clear(json);
	buf_printf(json, "{\"paragraphs\":%zu}", removed);
	record_set_raw(r, "dup", json->data, json->len);
	return true;
}

/* Whether the index may take one more record under --mem. The first time
 * it may not, says so once: from then on records are compared with the
 * index but not added to it (counted as not_indexed). */
static bool room(const struct args *a, const struct dedup_index *index, size_t id_len,
		 bool has_sig, uint64_t record, bool *full, struct stats *stats)
{
	if (!a->mem)
		return true;
	if (!*full && dedup_index_bytes_with(index, id_len, has_sig, true) <= a->mem)
		return true;
	if (!*full) {
		*full = true;
		warn("the index reached --mem at record %" PRIu64 " (%" PRIu32
		     " records); later records are compared with it but not added",
		     record, dedup_index_count(index));
	}
	stats_add(stats, NULL, "not_indexed", 1);
	return false;
}

/* A duplicate found: the record it duplicates, for --clusters. */
struct member {
	uint32_t of;
	size_t id_off, id_len; /* into the members' id arena */
};

/* The duplicates found, for --clusters. */
struct members {
	struct member *items;
	size_t count, cap;
	struct buf ids;
};

/* Notes that the record of id[0..id_len) duplicates index record of. */
static void members_add(struct members *m, uint32_t of, const char *id, size_t id_len)
{
	if (m->count == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 256;
		m->items = xrealloc(m->items, m->cap * sizeof *m->items);
	}
	m->items[m->count++] = (struct member){of, m->ids.len, id_len};
	buf_add(&m->ids, id, id_len);
}

static void members_free(struct members *m)
{
	free(m->items);
	buf_free(&m->ids);
}

static int by_cluster(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	if (x->of != y->of)
		return x->of < y->of ? -1 : 1;
	return x->id_off < y->id_off ? -1 : x->id_off > y->id_off;
}

/* Writes one line a cluster with duplicates, in the order of the kept
 * records: {"cluster":id,"size":n,"ids":[kept, dup, ...]}. */
static void write_clusters(struct writer *w, struct members *m, const struct dedup_index *index,
			   struct buf *json)
{
	qsort(m->items, m->count, sizeof *m->items, by_cluster);
	for (size_t i = 0; i < m->count;) {
		size_t j = i, of_len;
		const char *of_id = dedup_index_id(index, m->items[i].of, &of_len);
		while (j < m->count && m->items[j].of == m->items[i].of)
			j++;
		buf_clear(json);
		buf_adds(json, "{\"cluster\":");
		json_append_string(json, of_id, of_len);
		buf_printf(json, ",\"size\":%zu,\"ids\":[", j - i + 1);
		json_append_string(json, of_id, of_len);
		for (size_t k = i; k < j; k++) {
			buf_addc(json, ',');
			json_append_string(json, m->ids.data + m->items[k].id_off, m->items[k].id_len);
		}
		buf_adds(json, "]}\n");
		cli_write(w, json->data, json->len);
		i = j;
	}
}

/* The mark of a duplicate of the record of_id[0..of_len), into json:
 * {"of":id,"sim":0.912,"cluster":id}. */
static void dup_mark(struct buf *json, const char *of_id, size_t of_len, double sim)
{
	buf_clear(json);
	buf_adds(json, "{\"of\":");
	json_append_string(json, of_id, of_len);
	buf_printf(json, ",\"sim\":%.3f,\"cluster\":", sim);
	json_append_string(json, of_id, of_len);
	buf_addc(json, '}');
}

/* With a keep policy other than first, records are held until the input
 * ends: which record of a cluster is kept is known only then. */
struct held {
	size_t line_off, line_len; /* the record, serialised, in the arena */
	size_t id_off, id_len;
	size_t date_off, date_len; /* date_len 0: none */
	size_t sig_off;            /* into sigs, or SIZE_MAX: none */
	uint32_t rep;              /* its cluster: the index record it matched, or UINT32_MAX */
	uint32_t source_rank;
	bool is_rep;               /* it is that index record, kept when it came */
	bool exact;                /* it has rep's exact key */
	double sim;                /* to rep */
	size_t text_len;
	struct dedup_key key;
};

struct held_set {
	struct held *items;
	size_t count, cap;
	struct buf arena;
	uint8_t *sigs;             /* kept signatures (dedup_kept_signature) */
	size_t sig_count, sig_cap; /* in bytes */
};

static void held_free(struct held_set *h)
{
	free(h->items);
	buf_free(&h->arena);
	free(h->sigs);
}

static void hold(struct held_set *h, struct record *r, const struct args *a, uint32_t rep,
		 bool is_rep, bool exact, double sim, struct dedup_key key, const uint32_t *sig,
		 unsigned k, size_t text_len)
{
	if (h->count == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 1024;
		h->items = xrealloc(h->items, h->cap * sizeof *h->items);
	}
	struct held *x = &h->items[h->count++];
	memset(x, 0, sizeof *x);
	x->rep = rep;
	x->is_rep = is_rep;
	x->exact = exact;
	x->sim = sim;
	x->key = key;
	x->text_len = text_len;
	const char *v;
	size_t n;
	x->id_off = h->arena.len;
	if (record_get_string(r, "id", &v, &n)) {
		buf_add(&h->arena, v, n);
		x->id_len = n;
	}
	x->date_off = h->arena.len;
	if (a->keep == KEEP_EARLIEST && record_get_string(r, "date", &v, &n) && n) {
		buf_add(&h->arena, v, n);
		x->date_len = n;
	}
	x->source_rank = a->keep == KEEP_SOURCES ? keep_source_rank(&a->sources, r) : 0;
	x->sig_off = SIZE_MAX;
	if (sig) {
		size_t bytes = dedup_kept_bytes(k);
		if (h->sig_count + bytes > h->sig_cap) {
			h->sig_cap = h->sig_cap ? h->sig_cap * 2 : bytes * 1024;
			h->sigs = xrealloc(h->sigs, h->sig_cap);
		}
		x->sig_off = h->sig_count;
		dedup_kept_signature(sig, k, h->sigs + h->sig_count);
		h->sig_count += bytes;
	}
	if (record_type(r, "dup") >= 0)
		record_remove(r, "dup"); /* a mark from an earlier run */
	x->line_off = h->arena.len;
	record_serialize(r, &h->arena);
	x->line_len = h->arena.len - x->line_off;
}

/* Whether held record a is to be kept rather than b (a came first). */
static bool better(const struct held_set *h, enum keep_policy keep, const struct held *a,
		   const struct held *b)
{
	switch (keep) {
	case KEEP_LONGEST:
		return a->text_len >= b->text_len;
	case KEEP_EARLIEST: {
		if (!a->date_len || !b->date_len)
			return a->date_len || !b->date_len;
		size_t n = a->date_len < b->date_len ? a->date_len : b->date_len;
		int c = memcmp(h->arena.data + a->date_off, h->arena.data + b->date_off, n);
		/* "2021-12-27" before "2021-12-27T10:00" */
		return c < 0 || (c == 0 && a->date_len <= b->date_len);
	}
	case KEEP_SOURCES:
		return a->source_rank <= b->source_rank;
	case KEEP_FIRST:
		break;
	}
	return true;
}

/* Decides each cluster's kept record, writes the held records in input
 * order with their marks (or drops the copies), renames the index's
 * records after the records kept, and notes the clusters' members.
 * Returns the records written. */
static uint64_t settle(struct held_set *h, const struct args *a, struct dedup_index *index,
		       uint32_t loaded, struct writer *out, struct stats *stats,
		       struct members *members, struct buf *json)
{
	uint32_t reps = dedup_index_count(index);
	size_t *keeper = xmalloc((reps ? reps : 1) * sizeof *keeper);
	for (uint32_t i = 0; i < reps; i++)
		keeper[i] = SIZE_MAX;
	for (size_t i = 0; i < h->count; i++) {
		const struct held *x = &h->items[i];
		if (x->rep == UINT32_MAX || x->rep < loaded)
			continue; /* alone, or a copy of a record written before */
		size_t *k = &keeper[x->rep];
		if (*k == SIZE_MAX || !better(h, a->keep, &h->items[*k], x))
			*k = i;
	}
	for (uint32_t i = loaded; i < reps; i++)
		if (keeper[i] != SIZE_MAX) {
			const struct held *x = &h->items[keeper[i]];
			if (!x->is_rep)
				dedup_index_set_id(index, i, h->arena.data + x->id_off, x->id_len);
		}
	uint64_t written = 0;
	struct buf line = {0};
	unsigned k = a->params.hashes;
	for (size_t i = 0; i < h->count; i++) {
		const struct held *x = &h->items[i];
		const struct held *kept = NULL;
		double sim = x->sim;
		bool exact = x->exact;
		if (x->rep != UINT32_MAX && x->rep >= loaded && keeper[x->rep] != i) {
			kept = &h->items[keeper[x->rep]];
			exact = x->key.lo == kept->key.lo && x->key.hi == kept->key.hi;
			if (exact)
				sim = 1;
			else if (x->sig_off != SIZE_MAX && kept->sig_off != SIZE_MAX)
				sim = dedup_similarity(h->sigs + x->sig_off, h->sigs + kept->sig_off, k);
		}
		bool is_copy = kept || (x->rep != UINT32_MAX && x->rep < loaded && !x->is_rep);
		if (!is_copy) {
			stats_add(stats, NULL, "kept", 1);
		} else {
			stats_add(stats, NULL, exact ? "exact_duplicates" : "near_duplicates", 1);
			size_t of_len;
			const char *of_id = dedup_index_id(index, x->rep, &of_len);
			if (members)
				members_add(members, x->rep, h->arena.data + x->id_off, x->id_len);
			if (a->drop) {
				stats_add(stats, NULL, "dropped", 1);
				continue;
			}
			dup_mark(json, of_id, of_len, sim);
			/* the record with its mark: parsed again from the arena */
			struct record r = {0};
			struct json_error err;
			buf_clear(&line);
			if (record_parse(&r, h->arena.data + x->line_off, x->line_len - 1, &err)) {
				record_set_raw(&r, "dup", json->data, json->len);
				record_serialize(&r, &line);
			}
			record_free(&r);
			cli_write(out, line.data, line.len);
			written++;
			continue;
		}
		cli_write(out, h->arena.data + x->line_off, x->line_len);
		written++;
	}
	buf_free(&line);
	free(keeper);
	return written;
}

int main(int argc, char **argv)
{
	struct args args = {0};
	args.params = dedup_defaults;
	static const struct cli_spec spec = {
		.name = "ndedup",
		.summary = "Mark or drop duplicate records: exact copies of the normalised text\n"
			   "(or of a field), and near copies by MinHash over word shingles.",
		.options = options,
		.common = CLI_OUTPUT | CLI_STATS | CLI_REJECTS | CLI_PROGRESS,
		.on_option = on_option,
	};
	struct cli cli;
	cli_parse(&cli, &spec, &args, argc, argv);
	struct dedup_params *p = &args.params;
	if (p->hashes % 16)
		die_usage("--hashes must be a multiple of 16, not %u", p->hashes);
	if ((uint64_t)p->bands * p->rows > p->hashes)
		die_usage("--bands x --rows (%u x %u) must be at most --hashes (%u)", p->bands, p->rows,
			  p->hashes);
	bool near = !args.exact_only && !args.key;
	if (args.index && args.paragraphs)
		die_usage("--index works at --level document only");
	if (args.keep != KEEP_FIRST && args.paragraphs)
		die_usage("--keep works at --level document only");

	struct stats stats;
	stats_init(&stats, "ndedup");
	static const char *const order[] = {"records_in", "records_out", "rejected", "kept",
					    "exact_duplicates", "near_duplicates"};
	for (size_t i = 0; i < sizeof order / sizeof *order; i++)
		stats_add(&stats, NULL, order[i], 0);
	struct writer *out = cli_open_output(cli.output);
	struct writer *rejects = cli.rejects ? cli_open_output(cli.rejects) : NULL;
	struct writer *clusters = args.clusters ? cli_open_output(args.clusters) : NULL;
	struct progress progress;
	progress_init(&progress, cli.progress);

	struct dedup_hasher hasher;
	dedup_hasher_init(&hasher, p);
	struct dedup_index *index = dedup_index_new(p);
	struct store_setup setup = {*p, args.key, near};
	if (args.index && store_load(args.index, &setup, index))
		stats_add(&stats, NULL, "index_records_before", dedup_index_count(index));
	/* Records of earlier runs: written then, kept whatever the policy. */
	uint32_t loaded = dedup_index_count(index);
	if (args.mem) {
		size_t first = dedup_index_bytes_with(index, 64, near, true);
		if (!loaded && args.mem < first)
			die_usage("--mem must be %zuK or more (the index's first tables)",
				  (first + 1023) >> 10);
		if (loaded && dedup_index_bytes_with(index, 0, false, false) > args.mem)
			die("%s: its %" PRIu32 " records take %zu MiB, more than --mem", args.index,
			    loaded, dedup_index_bytes_with(index, 0, false, false) >> 20);
	}
	bool index_full = false;
	struct held_set held = {0};
	uint32_t *sig = xmalloc(p->hashes * sizeof *sig);
	struct buf norm = {0}, line = {0}, json = {0};
	struct members members = {0};

	struct jsonl in;
	jsonl_open(&in, cli.files, cli.file_count, &stats, rejects);
	uint64_t records = 0, written = 0;
	struct record *r;
	struct idset paragraphs = {0};
	struct buf text_out = {0};
	while ((r = jsonl_next(&in))) {
		records++;
		if (args.paragraphs) {
			if (dedup_paragraphs(r, &paragraphs, args.drop, &stats, &norm, &text_out, &json)) {
				buf_clear(&line);
				record_serialize(r, &line);
				cli_write(out, line.data, line.len);
				written++;
			}
			progress_update(&progress, records, in.bytes, jsonl_raw_offset(&in), 0);
			continue;
		}
		const char *id, *text;
		size_t id_len, text_len;
		record_get_string(r, "id", &id, &id_len);
		record_get_string(r, "text", &text, &text_len);
		struct dedup_key key;
		size_t words = 1;
		bool has_key = true;
		buf_clear(&norm);
		if (args.key) {
			const char *v;
			size_t v_len;
			has_key = record_get_string(r, args.key, &v, &v_len);
			if (has_key)
				key = dedup_exact_key(v, v_len);
			else
				stats_add(&stats, NULL, "without_key", 1);
		} else {
			words = dedup_normalize(text, text_len, &norm);
			key = dedup_exact_key(norm.data ? norm.data : "", norm.len);
			if (!words)
				stats_add(&stats, NULL, "empty", 1);
		}
		uint32_t of = UINT32_MAX;
		double sim = 1;
		bool has_sig = false, exact = false;
		bool streaming = args.keep == KEEP_FIRST;
		if (has_key && words) {
			of = dedup_index_exact(index, key);
			exact = of != UINT32_MAX;
			if (of != UINT32_MAX) {
				if (streaming)
					stats_add(&stats, NULL, "exact_duplicates", 1);
			} else if (near && words >= NEAR_MIN_WORDS) {
				dedup_signature(&hasher, norm.data, norm.len, sig);
				has_sig = true;
				of = dedup_index_near(index, sig, &sim);
				if (of != UINT32_MAX && streaming)
					stats_add(&stats, NULL, "near_duplicates", 1);
			}
			/* A policy compares a cluster's records with the one it
			 * keeps: each needs its signature. */
			if (!streaming && !has_sig && near && words >= NEAR_MIN_WORDS) {
				dedup_signature(&hasher, norm.data, norm.len, sig);
				has_sig = true;
			}
		}
		if (!streaming) {
			uint32_t rep = of;
			if (of == UINT32_MAX && has_key && words &&
			    room(&args, index, id_len, has_sig, records, &index_full, &stats))
				rep = dedup_index_add(index, id, id_len, key, sig, has_sig);
			hold(&held, r, &args, rep, of == UINT32_MAX, exact, sim, key, has_sig ? sig : NULL,
			     p->hashes, text_len);
			goto next;
		}
		if (of == UINT32_MAX) {
			/* Kept: a text without words or key is never a duplicate,
			 * and is not indexed. */
			if (has_key && words && room(&args, index, id_len, has_sig, records, &index_full,
						      &stats))
				dedup_index_add(index, id, id_len, key, sig, has_sig);
			stats_add(&stats, NULL, "kept", 1);
			if (record_type(r, "dup") >= 0)
				record_remove(r, "dup"); /* a mark from an earlier run */
		} else {
			if (clusters)
				members_add(&members, of, id, id_len);
			if (args.drop) {
				stats_add(&stats, NULL, "dropped", 1);
				goto next;
			}
			size_t of_len;
			const char *of_id = dedup_index_id(index, of, &of_len);
			dup_mark(&json, of_id, of_len, sim);
			record_set_raw(r, "dup", json.data, json.len);
		}
		buf_clear(&line);
		record_serialize(r, &line);
		cli_write(out, line.data, line.len);
		written++;
next:
		progress_update(&progress, records, in.bytes, jsonl_raw_offset(&in), 0);
	}
	progress_end(&progress);
	if (args.keep != KEEP_FIRST)
		written += settle(&held, &args, index, loaded, out, &stats, clusters ? &members : NULL,
				  &json);
	stats_add(&stats, NULL, "records_out", written);
	if (args.index) {
		/* The output is whole first: a crash in between leaves the old
		 * index, and the next run sees these records as new again,
		 * rather than an index naming records no output holds. */
		cli_close_output(out);
		out = NULL;
		store_save(args.index, &setup, index);
		stats_add(&stats, NULL, "index_records", dedup_index_count(index));
	}
	if (clusters) {
		write_clusters(clusters, &members, index, &json);
		cli_close_output(clusters);
	}
	bool had_error = in.had_error;
	jsonl_close(&in);
	if (out)
		cli_close_output(out);
	if (rejects)
		cli_close_output(rejects);
	cli_write_stats(&cli, &stats);
	stats_free(&stats);
	dedup_index_free(index);
	dedup_hasher_free(&hasher);
	free(sig);
	members_free(&members);
	buf_free(&norm);
	buf_free(&line);
	buf_free(&json);
	buf_free(&text_out);
	idset_free(&paragraphs);
	held_free(&held);
	keep_sources_free(&args.sources);
	diag_close_stdout();
	return had_error ? STATUS_FAILURE : STATUS_OK;
}
