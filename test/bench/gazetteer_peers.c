/* Bench driver: the people tagger's matcher (lib/gazetteer) against a
 * peer, Hyperscan, with the same names over the same texts. Built when
 * pkg-config finds libhs (Debian libhyperscan-dev).
 *
 * usage: gazetteer_peers GAZETTEER.tsv FILE...
 *
 * Reads the gazetteer's names (TSV: a label, then a name and its aliases;
 * blank lines and lines from # skipped), folds each with fold_text as
 * ntag does, and puts them in a gazetteer and, each name once, in a
 * Hyperscan database of literals. Reads the records' texts and folds
 * them, once. Then times the matching alone over the folded texts, three
 * times each, and keeps the median:
 *   - gazetteer_match;
 *   - hs_scan, each raw match (every end of every name found) kept when
 *     it starts a word and ends one as gazetteer_match's do, and of
 *     those, the longest from the leftmost start, none overlapping: the
 *     matches gazetteer_match reports.
 * Prints one line of key=value figures:
 *
 *   names=N folded_bytes=N gazetteer_build_s=S gazetteer_peak_rss_mib=M
 *   hs_compile_s=S hs_db_mb=M hs_peak_rss_mib=M gazetteer_mb_per_s=R
 *   hs_mb_per_s=R hs_raw_matches=N matches=N agree=yes|no
 *
 * MB is 10^6 bytes of folded text; peak RSS (MiB) is the process's after each
 * build (the second includes the first). Exits 1 when the two do not
 * find the same matches (their number and a hash of their places). */

#include <hs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "buf.h"
#include "diag.h"
#include "fold.h"
#include "gazetteer.h"
#include "jsonl.h"
#include "record.h"
#include "stats.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double peak_rss_mib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_maxrss / 1024.0;
}

/* Byte strings one after another: names, or folded texts. */
struct strings {
	struct buf bytes;
	size_t *off, *len;
	size_t n, cap;
};

static void strings_add(struct strings *s, const char *p, size_t n)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1024;
		s->off = xrealloc(s->off, s->cap * sizeof *s->off);
		s->len = xrealloc(s->len, s->cap * sizeof *s->len);
	}
	s->off[s->n] = s->bytes.len;
	s->len[s->n++] = n;
	buf_add(&s->bytes, p, n);
}

static const char *string_at(const struct strings *s, size_t i)
{
	return s->bytes.data + s->off[i];
}

/* The names of the TSV gazetteer at path, folded and trimmed of spaces
 * (as gazetteer_add trims them); names that fold to nothing left out. */
static void load_names(const char *path, struct strings *names)
{
	FILE *f = fopen(path, "r");
	if (!f)
		die("%s: cannot open", path);
	struct fold folded = {0};
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	while ((got = getline(&line, &cap, f)) >= 0) {
		size_t n = (size_t)got;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		char *at = line, *end = line + n;
		while (at < end && (*at == ' ' || *at == '\t'))
			at++;
		if (at == end || *at == '#')
			continue;
		char *field = memchr(at, '\t', (size_t)(end - at));
		while (field) { /* past the label: each name */
			char *name = field + 1;
			field = memchr(name, '\t', (size_t)(end - name));
			size_t len = (size_t)((field ? field : end) - name);
			fold_text(name, len, &folded);
			const char *s = folded.text.data;
			size_t k = folded.text.len;
			while (k && s[0] == ' ')
				s++, k--;
			while (k && s[k - 1] == ' ')
				k--;
			if (k)
				strings_add(names, s, k);
		}
	}
	free(line);
	fclose(f);
	fold_free(&folded);
}

static void load_texts(char **files, size_t count, struct strings *texts)
{
	struct stats stats;
	stats_init(&stats, "gazetteer_peers");
	struct jsonl j;
	struct fold f = {0};
	jsonl_open(&j, files, count, &stats, NULL);
	struct record *r;
	while ((r = jsonl_next(&j))) {
		const char *text;
		size_t n;
		if (!record_get_string(r, "text", &text, &n))
			continue;
		fold_text(text, n, &f);
		strings_add(texts, f.text.data, f.text.len);
	}
	if (j.had_error)
		die("an input could not be read");
	jsonl_close(&j);
	stats_free(&stats);
	fold_free(&f);
}

/* The matches found: how many, and a sum of a hash of each one's text
 * and place, the same whatever the order they are found in. */
struct found {
	uint64_t count, sum, raw;
	size_t text;
};

static void add_match(struct found *r, size_t start, size_t end)
{
	uint64_t x = ((uint64_t)r->text << 40) ^ ((uint64_t)start << 20) ^ end;
	x *= 0x9E3779B97F4A7C15ull;
	r->count++;
	r->sum += x ^ x >> 29;
}

static void gazetteer_found(void *ctx, const struct gazetteer_match *m)
{
	add_match(ctx, m->start, m->end);
}

static void run_gazetteer(const struct gazetteer *g, const struct strings *texts, struct found *r)
{
	for (r->text = 0; r->text < texts->n; r->text++) {
		struct fold f = {0};
		f.text.data = (char *)string_at(texts, r->text);
		f.text.len = texts->len[r->text];
		gazetteer_match(g, &f, gazetteer_found, r);
	}
}

/* Hyperscan's raw matches of one text, kept where gazetteer_match could
 * report them: from a word start, to the text's end, a byte of no word,
 * or after a name's last byte of no word ("inc." before a word). */
struct span {
	uint32_t start, end;
};

struct raw {
	const unsigned char *t;
	size_t n;
	const uint32_t *lens; /* of each name, by id */
	struct span *s;
	size_t count, cap;
	uint64_t seen;
};

static int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
		    void *ctx)
{
	(void)from, (void)flags;
	struct raw *r = ctx;
	r->seen++;
	size_t end = (size_t)to, start = end - r->lens[id];
	const unsigned char *t = r->t;
	if (!fold_is_word_byte(t[start]) || (start > 0 && fold_is_word_byte(t[start - 1])))
		return 0;
	if (end < r->n && fold_is_word_byte(t[end]) && fold_is_word_byte(t[end - 1]))
		return 0;
	if (r->count == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 256;
		r->s = xrealloc(r->s, r->cap * sizeof *r->s);
	}
	r->s[r->count++] = (struct span){(uint32_t)start, (uint32_t)end};
	return 0;
}

static int leftmost_longest(const void *a, const void *b)
{
	const struct span *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end > y->end ? -1 : x->end < y->end;
}

static void run_hyperscan(const hs_database_t *db, hs_scratch_t *scratch, const uint32_t *lens,
			  const struct strings *texts, struct found *r)
{
	struct raw raw = {.lens = lens};
	for (r->text = 0; r->text < texts->n; r->text++) {
		raw.t = (const unsigned char *)string_at(texts, r->text);
		raw.n = texts->len[r->text];
		raw.count = 0;
		if (raw.n > UINT32_MAX)
			die("a text of 4 GB or more");
		if (raw.n && hs_scan(db, (const char *)raw.t, (unsigned)raw.n, 0, scratch, on_match,
				     &raw) != HS_SUCCESS)
			die("hs_scan failed");
		qsort(raw.s, raw.count, sizeof *raw.s, leftmost_longest);
		size_t scan = 0;
		for (size_t k = 0; k < raw.count; k++)
			if (raw.s[k].start >= scan) { /* the longest from there */
				add_match(r, raw.s[k].start, raw.s[k].end);
				scan = raw.s[k].end;
			}
	}
	r->raw = raw.seen;
	free(raw.s);
}

static const struct strings *sorting;

static int by_bytes(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	size_t li = sorting->len[i], lj = sorting->len[j];
	int c = memcmp(string_at(sorting, i), string_at(sorting, j), li < lj ? li : lj);
	return c ? c : (li > lj) - (li < lj);
}

/* A Hyperscan database of the names, each once; *lens their lengths by id. */
static hs_database_t *compile(const struct strings *names, uint32_t **lens)
{
	size_t *order = xmalloc((names->n + 1) * sizeof *order), d = 0;
	for (size_t i = 0; i < names->n; i++)
		order[i] = i;
	sorting = names;
	qsort(order, names->n, sizeof *order, by_bytes);
	for (size_t i = 0; i < names->n; i++)
		if (!d || by_bytes(&order[d - 1], &order[i]) != 0)
			order[d++] = order[i];
	const char **exprs = xmalloc((d + 1) * sizeof *exprs);
	unsigned *flags = xcalloc(d + 1, sizeof *flags), *ids = xmalloc((d + 1) * sizeof *ids);
	size_t *len = xmalloc((d + 1) * sizeof *len);
	*lens = xmalloc((d + 1) * sizeof **lens);
	for (size_t k = 0; k < d; k++) {
		exprs[k] = string_at(names, order[k]);
		len[k] = names->len[order[k]];
		(*lens)[k] = (uint32_t)len[k];
		ids[k] = (unsigned)k;
	}
	hs_database_t *db = NULL;
	hs_compile_error_t *err = NULL;
	if (hs_compile_lit_multi(exprs, flags, ids, len, (unsigned)d, HS_MODE_BLOCK, NULL, &db,
				 &err) != HS_SUCCESS)
		die("hs_compile_lit_multi: %s", err ? err->message : "failed");
	free(exprs);
	free(flags);
	free(ids);
	free(len);
	free(order);
	return db;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	diag_init("gazetteer_peers");
	if (argc < 3) {
		fprintf(stderr, "usage: gazetteer_peers GAZETTEER.tsv FILE...\n");
		return 2;
	}
	struct strings names = {0}, texts = {0};
	load_names(argv[1], &names);
	load_texts(argv + 2, (size_t)(argc - 2), &texts);

	double t0 = now();
	struct gazetteer *g = gazetteer_new();
	for (size_t i = 0; i < names.n; i++)
		if (!gazetteer_add(g, string_at(&names, i), names.len[i], (uint32_t)i))
			die("the gazetteer is full");
	gazetteer_size(g); /* the table and filters made */
	double gazetteer_build = now() - t0, gazetteer_rss = peak_rss_mib();

	t0 = now();
	uint32_t *lens;
	hs_database_t *db = compile(&names, &lens);
	hs_scratch_t *scratch = NULL;
	if (hs_alloc_scratch(db, &scratch) != HS_SUCCESS)
		die("hs_alloc_scratch failed");
	double hs_compile = now() - t0, hs_rss = peak_rss_mib();
	size_t db_bytes = 0;
	hs_database_size(db, &db_bytes);

	enum { RUNS = 3 };
	double gz[RUNS], hs[RUNS];
	struct found a = {0}, b = {0};
	for (int k = 0; k < RUNS; k++) {
		a = (struct found){0};
		b = (struct found){0};
		t0 = now();
		run_gazetteer(g, &texts, &a);
		gz[k] = now() - t0;
		t0 = now();
		run_hyperscan(db, scratch, lens, &texts, &b);
		hs[k] = now() - t0;
	}
	qsort(gz, RUNS, sizeof *gz, by_value);
	qsort(hs, RUNS, sizeof *hs, by_value);
	double mb = (double)texts.bytes.len / 1e6;
	bool agree = a.count == b.count && a.sum == b.sum;
	printf("names=%zu folded_bytes=%zu gazetteer_build_s=%.3f gazetteer_peak_rss_mib=%.1f "
	       "hs_compile_s=%.3f hs_db_mb=%.1f hs_peak_rss_mib=%.1f gazetteer_mb_per_s=%.1f "
	       "hs_mb_per_s=%.1f hs_raw_matches=%llu matches=%llu agree=%s\n",
	       names.n, texts.bytes.len, gazetteer_build, gazetteer_rss, hs_compile,
	       (double)db_bytes / 1e6, hs_rss, mb / gz[RUNS / 2], mb / hs[RUNS / 2],
	       (unsigned long long)b.raw, (unsigned long long)a.count, agree ? "yes" : "no");
	if (!agree)
		fprintf(stderr, "gazetteer_peers: gazetteer_match found %llu, Hyperscan %llu\n",
			(unsigned long long)a.count, (unsigned long long)b.count);
	hs_free_scratch(scratch);
	hs_free_database(db);
	free(lens);
	gazetteer_free(g);
	buf_free(&names.bytes);
	free(names.off);
	free(names.len);
	buf_free(&texts.bytes);
	free(texts.off);
	free(texts.len);
	return agree ? 0 : 1;
}
