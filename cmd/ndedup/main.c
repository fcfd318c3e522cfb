#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dedup.h"
#include "diag.h"
#include "idset.h"
#include "json.h"
#include "jsonl.h"
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
	OPT_THRESHOLD,
	OPT_LEVEL,
	OPT_INDEX,
};

static const struct cli_option options[] = {
	{"drop", 0, NULL, "write only the records kept, not the duplicates", OPT_DROP},
	{"key", 'k', "FIELD", "duplicates are records with the same FIELD (exact only)", OPT_KEY},
	{"exact", 0, NULL, "exact duplicates only (no MinHash)", OPT_EXACT},
	{"clusters", 0, "FILE", "write each cluster (kept id and duplicate ids) to FILE",
	 OPT_CLUSTERS},
	{"shingle", 0, "N", "words per shingle (5)", OPT_SHINGLE},
	{"hashes", 0, "K", "MinHash functions (128)", OPT_HASHES},
	{"bands", 0, "B", "LSH bands; K/B rows each (32)", OPT_BANDS},
	{"threshold", 0, "T", "estimated Jaccard a near duplicate needs (0.5)", OPT_THRESHOLD},
	{"level", 0, "LEVEL", "document (default) or paragraph: remove paragraphs seen before",
	 OPT_LEVEL},
	{"index", 0, "FILE", "deduplicate against the records FILE holds, then add the kept ones",
	 OPT_INDEX},
	{NULL, 0, NULL, NULL, 0},
};

struct args {
	const char *key, *clusters, *index;
	bool drop, exact_only, paragraphs;
	struct dedup_params params;
};

static void on_option(void *ctx, int id, const char *arg)
{
	struct args *a = ctx;
	switch (id) {
	case OPT_KEY: a->key = arg; break;
	case OPT_DROP: a->drop = true; break;
	case OPT_CLUSTERS: a->clusters = arg; break;
	case OPT_INDEX: a->index = arg; break;
	case OPT_EXACT: a->exact_only = true; break;
	case OPT_SHINGLE: a->params.shingle = (unsigned)cli_parse_uint("--shingle", arg, 1, 64); break;
	case OPT_HASHES: a->params.hashes = (unsigned)cli_parse_uint("--hashes", arg, 1, 4096); break;
	case OPT_BANDS: a->params.bands = (unsigned)cli_parse_uint("--bands", arg, 1, 4096); break;
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

/* A duplicate found: the record it duplicates, for --clusters. */
struct member {
	uint32_t of;
	size_t id_off, id_len; /* into the members' id arena */
};

static int by_cluster(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	if (x->of != y->of)
		return x->of < y->of ? -1 : 1;
	return x->id_off < y->id_off ? -1 : x->id_off > y->id_off;
}

int main(int argc, char **argv)
{
	struct args args = {0};
	args.params = (struct dedup_params){5, 128, 32, 0, 0.5, 0x6e64656475703031ull};
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
	if (p->hashes % p->bands)
		die_usage("--bands must divide --hashes (%u)", p->hashes);
	p->rows = p->hashes / p->bands;
	bool near = !args.exact_only && !args.key;
	if (args.index && args.paragraphs)
		die_usage("--index works at --level document only");

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
	uint32_t *sig = xmalloc(p->hashes * sizeof *sig);
	struct buf norm = {0}, line = {0}, json = {0}, member_ids = {0};
	struct member *members = NULL;
	size_t member_count = 0, member_cap = 0;

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
		bool has_sig = false;
		if (has_key && words) {
			of = dedup_index_exact(index, key);
			if (of != UINT32_MAX) {
				stats_add(&stats, NULL, "exact_duplicates", 1);
			} else if (near && words >= NEAR_MIN_WORDS) {
				dedup_signature(&hasher, norm.data, norm.len, sig);
				has_sig = true;
				of = dedup_index_near(index, sig, &sim);
				if (of != UINT32_MAX)
					stats_add(&stats, NULL, "near_duplicates", 1);
			}
		}
		if (of == UINT32_MAX) {
			/* Kept: a text without words or key is never a duplicate,
			 * and is not indexed. */
			if (has_key && words)
				dedup_index_add(index, id, id_len, key, sig, has_sig);
			stats_add(&stats, NULL, "kept", 1);
			if (record_type(r, "dup") >= 0)
				record_remove(r, "dup"); /* a mark from an earlier run */
		} else {
			if (clusters) {
				if (member_count == member_cap) {
					member_cap = member_cap ? member_cap * 2 : 256;
					members = xrealloc(members, member_cap * sizeof *members);
				}
				members[member_count++] =
					(struct member){of, member_ids.len, id_len};
				buf_add(&member_ids, id, id_len);
			}
			if (args.drop) {
				stats_add(&stats, NULL, "dropped", 1);
				goto next;
			}
			size_t of_len;
			const char *of_id = dedup_index_id(index, of, &of_len);
			buf_clear(&json);
			buf_adds(&json, "{\"of\":");
			json_append_string(&json, of_id, of_len);
			buf_printf(&json, ",\"sim\":%.3f,\"cluster\":", sim);
			json_append_string(&json, of_id, of_len);
			buf_addc(&json, '}');
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
		/* One line a cluster with duplicates, in the order of the kept
		 * records: {"cluster":id,"size":n,"ids":[kept, dup, ...]}. */
		qsort(members, member_count, sizeof *members, by_cluster);
		for (size_t i = 0; i < member_count;) {
			size_t j = i, of_len;
			const char *of_id = dedup_index_id(index, members[i].of, &of_len);
			while (j < member_count && members[j].of == members[i].of)
				j++;
			buf_clear(&json);
			buf_adds(&json, "{\"cluster\":");
			json_append_string(&json, of_id, of_len);
			buf_printf(&json, ",\"size\":%zu,\"ids\":[", j - i + 1);
			json_append_string(&json, of_id, of_len);
			for (size_t k = i; k < j; k++) {
				buf_addc(&json, ',');
				json_append_string(&json, member_ids.data + members[k].id_off,
						   members[k].id_len);
			}
			buf_adds(&json, "]}\n");
			cli_write(clusters, json.data, json.len);
			i = j;
		}
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
	free(members);
	buf_free(&norm);
	buf_free(&line);
	buf_free(&json);
	buf_free(&member_ids);
	buf_free(&text_out);
	idset_free(&paragraphs);
	diag_close_stdout();
	return had_error ? STATUS_FAILURE : STATUS_OK;
}
