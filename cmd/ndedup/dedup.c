#include "dedup.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <xxhash.h>

#include "ascii.h"
#include "diag.h"
#include "utf8.h"

size_t dedup_normalize(const char *s, size_t n, struct buf *out)
{
	size_t words = 0, start = out->len;
	bool in_word = false;
	buf_reserve(out, n + 4);
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		bool letter;
		if (c < 0x80) {
			/* a run of ASCII at once: no call, no buffer check (the
			 * output of n bytes never outgrows n + 4) */
			char *w = out->data + out->len;
			do {
				unsigned char m = ascii_word_byte[c];
				if (m) {
					if (!in_word) {
						if ((size_t)(w - out->data) > start)
							*w++ = ' ';
						words++;
						in_word = true;
					}
					*w++ = (char)m;
				} else {
					in_word = false;
				}
				i++;
			} while (i < n && (c = (unsigned char)s[i]) < 0x80);
			out->len = (size_t)(w - out->data);
			continue;
		} else {
			uint32_t cp;
			size_t k = utf8_decode(s + i, n - i, &cp);
			if (!k) { /* not UTF-8: a separator */
				i++;
				in_word = false;
				continue;
			}
			utf8proc_category_t cat = utf8proc_category((utf8proc_int32_t)cp);
			letter = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
				 cat == UTF8PROC_CATEGORY_ND ||
				 (in_word && cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME);
			if (letter) {
				if (!in_word && out->len > start)
					buf_addc(out, ' ');
				char enc[4];
				buf_add(out, enc,
					utf8_encode((uint32_t)utf8proc_tolower((utf8proc_int32_t)cp), enc));
				buf_reserve(out, n - i + 4);
			}
			i += k;
		}
		words += letter && !in_word;
		in_word = letter;
	}
	out->data[out->len] = '\0';
	return words;
}

struct dedup_key dedup_exact_key(const char *normalized, size_t n)
{
	XXH128_hash_t h = XXH3_128bits(normalized, n);
	return (struct dedup_key){h.low64, h.high64};
}

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

void dedup_hasher_init(struct dedup_hasher *h, const struct dedup_params *p)
{
	h->p = *p;
	h->a = xmalloc(p->hashes * sizeof *h->a);
	h->b = xmalloc(p->hashes * sizeof *h->b);
	uint64_t state = p->seed;
	for (unsigned i = 0; i < p->hashes; i++) {
		h->a[i] = splitmix64(&state) | 1;
		h->b[i] = splitmix64(&state);
	}
}

void dedup_hasher_free(struct dedup_hasher *h)
{
	free(h->a);
	free(h->b);
}

/* Folds one shingle hash into the signature. Most of ndedup's time is
 * here: the loop is built for AVX-512 and AVX2 as well as the baseline,
 * and the processor picks (the same values on each). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
__attribute__((target_clones("arch=x86-64-v4", "avx2", "default"), optimize("tree-vectorize")))
#endif
static void fold_shingle(const struct dedup_hasher *h, uint64_t x, uint32_t *restrict sig)
{
	const uint64_t *restrict a = h->a, *restrict b = h->b;
	unsigned k = h->p.hashes;
	for (unsigned i = 0; i < k; i++) {
		uint32_t v = (uint32_t)((a[i] * x + b[i]) >> 32);
		sig[i] = v < sig[i] ? v : sig[i];
	}
}

size_t dedup_signature(const struct dedup_hasher *h, const char *normalized, size_t n,
		       uint32_t *sig)
{
	for (unsigned i = 0; i < h->p.hashes; i++)
		sig[i] = UINT32_MAX;
	if (!n)
		return 0;
	/* Word starts; a shingle is the bytes from the start of its first word
	 * to the end of its last (words are one space apart). */
	size_t cap = 64, count = 0;
	size_t *starts = xmalloc(cap * sizeof *starts);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || normalized[i - 1] == ' ') {
			if (count == cap) {
				cap *= 2;
				starts = xrealloc(starts, cap * sizeof *starts);
			}
			starts[count++] = i;
		}
	unsigned w = h->p.shingle;
	size_t shingles = 0;
	if (count <= w) {
		fold_shingle(h, XXH3_64bits(normalized, n), sig);
		shingles = 1;
	} else {
		for (size_t i = 0; i + w <= count; i++) {
			size_t end = i + w < count ? starts[i + w] - 1 : n;
			fold_shingle(h, XXH3_64bits(normalized + starts[i], end - starts[i]), sig);
			shingles++;
		}
	}
	free(starts);
	return shingles;
}

void dedup_kept_signature(const uint32_t *sig, unsigned k, uint8_t *out)
{
	for (unsigned i = 0; i + 1 < k; i += 2)
		out[i / 2] = (uint8_t)((sig[i] & 15) | (sig[i + 1] & 15) << 4);
}

double dedup_similarity(const uint8_t *a, const uint8_t *b, unsigned k)
{
	/* The values that differ: the nibbles of a ^ b that are not zero,
	 * 16 at a time (k is a multiple of 16). */
	unsigned differ = 0;
	for (size_t i = 0; i < dedup_kept_bytes(k); i += 8) {
		uint64_t x, y;
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		uint64_t d = x ^ y;
		d |= d >> 1;
		d |= d >> 2;
		differ += (unsigned)__builtin_popcountll(d & 0x1111111111111111ull);
	}
	double same = (double)(k - differ) / k;
	double est = (same - 1.0 / 16) / (1 - 1.0 / 16);
	return est < 0 ? 0 : est;
}

uint32_t dedup_band_key(const struct dedup_params *p, const uint32_t *sig, unsigned band)
{
	unsigned char bytes[4 * DEDUP_MAX_ROWS];
	const uint32_t *v = sig + (size_t)band * p->rows;
	for (unsigned i = 0; i < p->rows; i++)
		for (int j = 0; j < 4; j++)
			bytes[4 * i + (unsigned)j] = (unsigned char)(v[i] >> (8 * j));
	uint64_t k = XXH3_64bits_withSeed(bytes, 4 * (size_t)p->rows, band);
	return (uint32_t)(k ^ (k >> 32));
}

const struct dedup_params dedup_defaults = {5, 128, 8, 2, 0.5, 0x6e64656475703031ull};

/* ---- the index ----
 *
 * Built for a budget of bytes per record (docs/man/ndedup.1, MEMORY):
 * per record, its exact key (16 bytes), its kept signature (k/2 bytes),
 * a bit, and its id front-coded; and in each hash table (exact, and one a
 * band) an 8-byte slot at a load between 0.7 and 0.875. */

/* A slot of an open-addressing table: a 32-bit key and the record + 1
 * (0: empty, so that a new table is calloc's zero pages). */
struct slot {
	uint32_t key, rec1;
};

struct table {
	struct slot *s;
	size_t cap, used;
};

/* The growth of the index, one rule for doing it and for foreseeing it
 * (dedup_index_bytes_with): a table grows by a quarter when one more
 * entry would fill it past 7/8 (so its load stays between 0.7 and
 * 0.875); an array of records doubles when it is full (only what it
 * holds is ever touched, and so resident). */
static size_t table_cap_for(size_t cap, size_t used)
{
	if ((used + 1) * 8 <= cap * 7)
		return cap;
	return cap < 1024 ? 1024 : cap + cap / 4;
}

static size_t array_cap_for(size_t cap, size_t count)
{
	return count < cap ? cap : cap ? cap * 2 : 1024;
}

/* Where a key's run starts: keys are hashes, and the map keeps their
 * order, so that a table grows by one pass over the old slots writing
 * the new ones nearly in order. */
static size_t table_home(uint32_t key, size_t cap)
{
	return (size_t)(((uint64_t)key * cap) >> 32);
}

static void table_put(struct slot *s, size_t cap, uint32_t key, uint32_t rec1)
{
	size_t i = table_home(key, cap);
	while (s[i].rec1)
		i = i + 1 == cap ? 0 : i + 1;
	s[i] = (struct slot){key, rec1};
}

static void table_add(struct table *t, uint32_t key, uint32_t rec)
{
	size_t cap = table_cap_for(t->cap, t->used);
	if (cap != t->cap) {
		struct slot *s = xcalloc(cap, sizeof *s);
		for (size_t i = 0; i < t->cap; i++)
			if (t->s[i].rec1)
				table_put(s, cap, t->s[i].key, t->s[i].rec1);
		free(t->s);
		t->s = s;
		t->cap = cap;
	}
	table_put(t->s, t->cap, key, rec + 1);
	t->used++;
}

/* The records a query has compared: a small set, emptied after each. */
struct checked {
	uint32_t *s;
	size_t cap, used;
};

/* Adds rec; false when it was there. */
static bool checked_add(struct checked *c, uint32_t rec)
{
	if ((c->used + 1) * 2 > c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		uint32_t *s = xcalloc(cap, sizeof *s);
		for (size_t i = 0; i < c->cap; i++)
			if (c->s[i]) {
				size_t j = (c->s[i] * 0x9E3779B1u) & (cap - 1);
				while (s[j])
					j = (j + 1) & (cap - 1);
				s[j] = c->s[i];
			}
		free(c->s);
		c->s = s;
		c->cap = cap;
	}
	uint32_t v = rec + 1;
	size_t j = (v * 0x9E3779B1u) & (c->cap - 1);
	for (; c->s[j]; j = (j + 1) & (c->cap - 1))
		if (c->s[j] == v)
			return false;
	c->s[j] = v;
	c->used++;
	return true;
}

static void checked_clear(struct checked *c)
{
	if (!c->used)
		return;
	if (c->cap > 1024) { /* a query of many candidates: not kept for all */
		free(c->s);
		*c = (struct checked){0};
		return;
	}
	memset(c->s, 0, c->cap * sizeof *c->s);
	c->used = 0;
}

/* Ids are coded in blocks of ID_BLOCK records, each id as the length of
 * the prefix it shares with the one before (0 for the first of a block),
 * then the rest: a run of lowercase hex digits two to a byte, and the
 * bytes after it as they are (varint, varint, varint, bytes, bytes).
 * nsplit's ids (20 hex digits) take 13 bytes; ids of one site (urls)
 * share most of their bytes with the one before. */
enum { ID_BLOCK = 16 };

#define INDEX_MAX_RECORDS (UINT32_C(1) << 31)

/* Ids that a keep policy set: record + 1 -> where in renamed_ids. */
struct renamed {
	uint32_t rec1, len;
	size_t off;
};

struct dedup_index {
	struct dedup_params p;
	size_t sig_bytes;
	uint32_t count, cap;
	struct dedup_key *keys; /* per record */
	uint8_t *sigs;          /* per record, sig_bytes */
	uint64_t *has_sig;      /* a bit per record */
	struct buf ids;         /* front-coded */
	uint64_t *id_blocks;    /* where each block starts in ids */
	struct buf last_id, id_scratch;
	struct renamed *renamed;
	size_t renamed_cap, renamed_used;
	struct buf renamed_ids;
	struct table exact;     /* key: the exact key's low 32 bits */
	struct table *bands;    /* one a band, each growing on its own */
	uint8_t *query_sig;
	struct checked checked;
};

struct dedup_index *dedup_index_new(const struct dedup_params *p)
{
	struct dedup_index *x = xcalloc(1, sizeof *x);
	x->p = *p;
	x->sig_bytes = dedup_kept_bytes(p->hashes);
	x->query_sig = xcalloc(x->sig_bytes ? x->sig_bytes : 1, 1);
	return x;
}

void dedup_index_free(struct dedup_index *x)
{
	if (!x)
		return;
	free(x->keys);
	free(x->sigs);
	free(x->has_sig);
	buf_free(&x->ids);
	free(x->id_blocks);
	buf_free(&x->last_id);
	buf_free(&x->id_scratch);
	free(x->renamed);
	buf_free(&x->renamed_ids);
	free(x->exact.s);
	if (x->bands)
		for (unsigned b = 0; b < x->p.bands; b++)
			free(x->bands[b].s);
	free(x->bands);
	free(x->query_sig);
	free(x->checked.s);
	free(x);
}

static void put_varint(struct buf *b, size_t v)
{
	while (v >= 0x80) {
		buf_addc(b, (char)(v | 0x80));
		v >>= 7;
	}
	buf_addc(b, (char)v);
}

static size_t get_varint(const unsigned char **p)
{
	size_t v = 0;
	for (unsigned shift = 0;; shift += 7) {
		unsigned char c = *(*p)++;
		v |= (size_t)(c & 0x7F) << shift;
		if (!(c & 0x80))
			return v;
	}
}

static int hex_value(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static void add_id(struct dedup_index *x, uint32_t rec, const char *id, size_t id_len)
{
	size_t shared = 0;
	if (rec % ID_BLOCK == 0) {
		x->id_blocks[rec / ID_BLOCK] = x->ids.len;
	} else {
		size_t n = x->last_id.len < id_len ? x->last_id.len : id_len;
		while (shared < n && x->last_id.data[shared] == id[shared])
			shared++;
	}
	const char *rest = id + shared;
	size_t rest_len = id_len - shared, hex = 0;
	while (hex + 1 < rest_len && hex_value(rest[hex]) >= 0 && hex_value(rest[hex + 1]) >= 0)
		hex += 2;
	put_varint(&x->ids, shared);
	put_varint(&x->ids, hex / 2);
	put_varint(&x->ids, rest_len - hex);
	for (size_t i = 0; i < hex; i += 2)
		buf_addc(&x->ids, (char)(hex_value(rest[i]) << 4 | hex_value(rest[i + 1])));
	buf_add(&x->ids, rest + hex, rest_len - hex);
	buf_clear(&x->last_id);
	buf_add(&x->last_id, id, id_len);
}

uint32_t dedup_index_add_kept(struct dedup_index *x, const char *id, size_t id_len,
			      struct dedup_key key, const uint8_t *kept)
{
	/* Record numbers, and a table's home arithmetic, stay in 32 bits. */
	if (x->count >= INDEX_MAX_RECORDS)
		die("the index holds %" PRIu32 " records, as many as it can", x->count);
	if (x->count == x->cap) {
		x->cap = (uint32_t)array_cap_for(x->cap, x->count);
		x->keys = xrealloc(x->keys, x->cap * sizeof *x->keys);
		x->sigs = xrealloc(x->sigs, (size_t)x->cap * x->sig_bytes);
		x->has_sig = xrealloc(x->has_sig, (x->cap / 64 + 1) * sizeof *x->has_sig);
		x->id_blocks = xrealloc(x->id_blocks, (x->cap / ID_BLOCK + 1) * sizeof *x->id_blocks);
	}
	uint32_t rec = x->count++;
	x->keys[rec] = key;
	if (rec % 64 == 0)
		x->has_sig[rec / 64] = 0;
	if (kept) {
		x->has_sig[rec / 64] |= 1ull << (rec % 64);
		memcpy(x->sigs + (size_t)rec * x->sig_bytes, kept, x->sig_bytes);
	}
	add_id(x, rec, id, id_len);
	table_add(&x->exact, (uint32_t)key.lo, rec);
	return rec;
}

void dedup_index_add_band(struct dedup_index *x, unsigned band, uint32_t key, uint32_t rec)
{
	if (!x->bands)
		x->bands = xcalloc(x->p.bands, sizeof *x->bands);
	table_add(&x->bands[band], key, rec);
}

uint32_t dedup_index_add(struct dedup_index *x, const char *id, size_t id_len,
			 struct dedup_key key, const uint32_t *sig, bool has_sig)
{
	uint8_t *kept = NULL;
	if (has_sig) {
		kept = x->query_sig;
		dedup_kept_signature(sig, x->p.hashes, kept);
	}
	uint32_t rec = dedup_index_add_kept(x, id, id_len, key, kept);
	if (has_sig)
		for (unsigned b = 0; b < x->p.bands; b++)
			dedup_index_add_band(x, b, dedup_band_key(&x->p, sig, b), rec);
	return rec;
}

uint32_t dedup_index_exact(const struct dedup_index *x, struct dedup_key key)
{
	const struct table *t = &x->exact;
	if (!t->cap)
		return UINT32_MAX;
	uint32_t k32 = (uint32_t)key.lo;
	for (size_t i = table_home(k32, t->cap); t->s[i].rec1; i = i + 1 == t->cap ? 0 : i + 1) {
		uint32_t rec = t->s[i].rec1 - 1;
		if (t->s[i].key == k32 && x->keys[rec].lo == key.lo && x->keys[rec].hi == key.hi)
			return rec;
	}
	return UINT32_MAX;
}

uint32_t dedup_index_near(struct dedup_index *x, const uint32_t *sig, double *sim)
{
	uint32_t best = UINT32_MAX;
	double best_sim = 0;
	*sim = 0;
	if (!x->bands)
		return UINT32_MAX;
	uint8_t *q = x->query_sig;
	dedup_kept_signature(sig, x->p.hashes, q);
	for (unsigned b = 0; b < x->p.bands; b++) {
		uint32_t key = dedup_band_key(&x->p, sig, b);
		const struct table *t = &x->bands[b];
		for (size_t i = table_home(key, t->cap); t->s[i].rec1;
		     i = i + 1 == t->cap ? 0 : i + 1) {
			uint32_t rec = t->s[i].rec1 - 1;
			if (t->s[i].key != key || !checked_add(&x->checked, rec))
				continue;
			/* Verify: a shared band alone makes no duplicate. */
			double s = dedup_similarity(q, x->sigs + (size_t)rec * x->sig_bytes,
						    x->p.hashes);
			if (s >= x->p.threshold && (s > best_sim || (s == best_sim && rec < best))) {
				best = rec;
				best_sim = s;
			}
		}
	}
	checked_clear(&x->checked);
	*sim = best_sim;
	return best;
}

static struct renamed *renamed_slot(const struct dedup_index *x, uint32_t i)
{
	size_t j = ((i + 1) * 0x9E3779B1u) & (x->renamed_cap - 1);
	while (x->renamed[j].rec1 && x->renamed[j].rec1 != i + 1)
		j = (j + 1) & (x->renamed_cap - 1);
	return &x->renamed[j];
}

void dedup_index_set_id(struct dedup_index *x, uint32_t i, const char *id, size_t id_len)
{
	if ((x->renamed_used + 1) * 2 > x->renamed_cap) {
		struct dedup_index old = {.renamed = x->renamed, .renamed_cap = x->renamed_cap};
		x->renamed_cap = x->renamed_cap ? x->renamed_cap * 2 : 64;
		x->renamed = xcalloc(x->renamed_cap, sizeof *x->renamed);
		for (size_t j = 0; j < old.renamed_cap; j++)
			if (old.renamed[j].rec1)
				*renamed_slot(x, old.renamed[j].rec1 - 1) = old.renamed[j];
		free(old.renamed);
	}
	struct renamed *r = renamed_slot(x, i);
	if (!r->rec1)
		x->renamed_used++;
	*r = (struct renamed){i + 1, (uint32_t)id_len, x->renamed_ids.len};
	buf_add(&x->renamed_ids, id, id_len);
}

const char *dedup_index_id(const struct dedup_index *xc, uint32_t i, size_t *len)
{
	struct dedup_index *x = (struct dedup_index *)xc; /* the scratch buffer only */
	if (x->renamed_used) {
		const struct renamed *r = renamed_slot(x, i);
		if (r->rec1) {
			*len = r->len;
			return x->renamed_ids.data + r->off;
		}
	}
	/* Ids may hold NUL bytes (\u0000): their length is what counts. */
	const unsigned char *p = (const unsigned char *)x->ids.data + x->id_blocks[i / ID_BLOCK];
	buf_clear(&x->id_scratch);
	buf_reserve(&x->id_scratch, 1);
	static const char digits[] = "0123456789abcdef";
	for (uint32_t j = i - i % ID_BLOCK; j <= i; j++) {
		size_t shared = get_varint(&p), pairs = get_varint(&p), rest = get_varint(&p);
		x->id_scratch.len = shared;
		buf_reserve(&x->id_scratch, 2 * pairs + rest + 1);
		char *w = x->id_scratch.data + shared;
		for (size_t k = 0; k < pairs; k++, p++) {
			*w++ = digits[*p >> 4];
			*w++ = digits[*p & 15];
		}
		memcpy(w, p, rest);
		p += rest;
		x->id_scratch.len = shared + 2 * pairs + rest;
	}
	*len = x->id_scratch.len;
	return x->id_scratch.data;
}

uint32_t dedup_index_count(const struct dedup_index *x)
{
	return x->count;
}

struct dedup_key dedup_index_key(const struct dedup_index *x, uint32_t i)
{
	return x->keys[i];
}

const uint8_t *dedup_index_sig(const struct dedup_index *x, uint32_t i)
{
	return x->has_sig[i / 64] >> (i % 64) & 1 ? x->sigs + (size_t)i * x->sig_bytes : NULL;
}

void dedup_index_band_keys(const struct dedup_index *x, unsigned band, uint32_t *keys)
{
	if (!x->bands)
		return;
	const struct table *t = &x->bands[band];
	for (size_t i = 0; i < t->cap; i++)
		if (t->s[i].rec1)
			keys[t->s[i].rec1 - 1] = t->s[i].key;
}

size_t dedup_index_bytes_with(const struct dedup_index *x, size_t id_len, bool has_sig, bool add)
{
	size_t count = x->count, ids = x->ids.len + x->renamed_ids.len;
	size_t exact = x->exact.cap;
	/* the band tables hold the same number of entries: one is all */
	size_t band_cap = x->bands ? x->bands[0].cap : 0;
	if (add) {
		count++;
		ids += id_len + 3 * sizeof(size_t); /* at most: the id and three varints */
		exact = table_cap_for(exact, x->exact.used);
		if (has_sig)
			band_cap = table_cap_for(band_cap, x->bands ? x->bands[0].used : 0);
	}
	/* a record without a signature leaves its place in sigs untouched */
	size_t signed_records = x->bands ? x->bands[0].used : 0;
	if (add && has_sig)
		signed_records++;
	return count * sizeof *x->keys + signed_records * x->sig_bytes + count / 8 +
	       (count / ID_BLOCK + 1) * sizeof *x->id_blocks + ids +
	       (exact + band_cap * x->p.bands) * sizeof(struct slot) +
	       x->renamed_cap * sizeof *x->renamed;
}
