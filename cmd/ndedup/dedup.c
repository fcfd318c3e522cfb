#include "dedup.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <xxhash.h>

#include "ascii.h"
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

void dedup_kept_signature(const uint32_t *sig, unsigned k, uint16_t *out)
{
	for (unsigned i = 0; i < k; i++)
		out[i] = (uint16_t)sig[i];
}

double dedup_similarity(const uint16_t *a, const uint16_t *b, unsigned k)
{
	unsigned same = 0;
	for (unsigned i = 0; i < k; i++)
		same += a[i] == b[i];
	return (double)same / k;
}

const struct dedup_params dedup_defaults = {5, 128, 32, 4, 0.5, 0x6e64656475703031ull};

/* ---- the index ---- */

struct exact_slot {
	uint64_t lo, hi;
	uint32_t rec; /* UINT32_MAX: empty */
};

/* A record's entry for one band: 32 bits of the band's hash (a collision
 * only makes a candidate, which is verified) and the record. */
struct band_slot {
	uint32_t key;
	uint32_t rec; /* UINT32_MAX: empty */
};

struct band_table {
	struct band_slot *slots;
	size_t cap, used;
};

struct dedup_index {
	struct dedup_params p;
	struct buf ids;       /* the ids, NUL-terminated, one after the other */
	size_t *id_off;
	uint32_t *id_len;
	uint16_t *sigs;       /* k per record: the low 16 bits of each value */
	uint16_t *query_sig;  /* the same of the signature looked up */
	bool *has_sig;
	uint32_t *seen;       /* per record: the query that last looked at it */
	uint32_t query;
	uint32_t count, cap;
	struct exact_slot *exact;
	size_t exact_cap, exact_used;
	/* One table a band: each doubles on its own, so that a doubling
	 * holds one band's old slots beside the new, not all of them. */
	struct band_table *bands;
};

struct dedup_index *dedup_index_new(const struct dedup_params *p)
{
	struct dedup_index *x = xcalloc(1, sizeof *x);
	x->p = *p;
	x->query_sig = xcalloc(p->hashes ? p->hashes : 1, sizeof *x->query_sig);
	return x;
}

void dedup_index_free(struct dedup_index *x)
{
	if (!x)
		return;
	buf_free(&x->ids);
	free(x->id_off);
	free(x->id_len);
	free(x->sigs);
	free(x->query_sig);
	free(x->has_sig);
	free(x->seen);
	free(x->exact);
	if (x->bands)
		for (unsigned b = 0; b < x->p.bands; b++)
			free(x->bands[b].slots);
	free(x->bands);
	free(x);
}

static struct exact_slot *exact_slot(struct exact_slot *t, size_t cap, struct dedup_key k)
{
	size_t i = (size_t)k.lo & (cap - 1);
	while (t[i].rec != UINT32_MAX && (t[i].lo != k.lo || t[i].hi != k.hi))
		i = (i + 1) & (cap - 1);
	return &t[i];
}

/* The growth of the index, one rule for doing it and for foreseeing it
 * (dedup_index_bytes_with): an array of records doubles when it is full,
 * a hash table when one more entry would fill it past half. */
static size_t array_cap_for(size_t cap, size_t count)
{
	return count < cap ? cap : cap ? cap * 2 : 1024;
}

static size_t table_cap_for(size_t cap, size_t used)
{
	return (used + 1) * 2 <= cap ? cap : cap ? cap * 2 : 1024;
}

static void exact_grow(struct dedup_index *x)
{
	size_t cap = table_cap_for(x->exact_cap, x->exact_used);
	struct exact_slot *t = xmalloc(cap * sizeof *t);
	for (size_t i = 0; i < cap; i++)
		t[i].rec = UINT32_MAX;
	for (size_t i = 0; i < x->exact_cap; i++)
		if (x->exact[i].rec != UINT32_MAX)
			*exact_slot(t, cap, (struct dedup_key){x->exact[i].lo, x->exact[i].hi}) =
				x->exact[i];
	free(x->exact);
	x->exact = t;
	x->exact_cap = cap;
}

/* A band's key: a hash of its rows' low 16 bits (what the index keeps of
 * a signature, so that a loaded index makes the same keys); sig16 holds
 * the low 16 bits of a signature's values. */
static uint32_t band_key(const struct dedup_params *p, const uint16_t *sig16, unsigned band)
{
	uint64_t k = XXH3_64bits_withSeed(sig16 + (size_t)band * p->rows,
					  p->rows * sizeof *sig16, band);
	return (uint32_t)(k ^ (k >> 32));
}

/* Where a band key's run starts in a table of cap slots. */
static size_t band_home(uint32_t key, size_t cap)
{
	return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 29) & (cap - 1);
}

static void band_insert(struct band_slot *t, size_t cap, uint32_t key, uint32_t rec)
{
	size_t i = band_home(key, cap);
	while (t[i].rec != UINT32_MAX)
		i = (i + 1) & (cap - 1);
	t[i] = (struct band_slot){key, rec};
}

static void band_grow(struct band_table *t)
{
	size_t cap = table_cap_for(t->cap, t->used);
	struct band_slot *slots = xmalloc(cap * sizeof *slots);
	for (size_t i = 0; i < cap; i++)
		slots[i].rec = UINT32_MAX;
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i].rec != UINT32_MAX)
			band_insert(slots, cap, t->slots[i].key, t->slots[i].rec);
	free(t->slots);
	t->slots = slots;
	t->cap = cap;
}

uint32_t dedup_index_add(struct dedup_index *x, const char *id, size_t id_len,
			 struct dedup_key key, const uint32_t *sig, bool has_sig)
{
	if (x->count == x->cap) {
		x->cap = array_cap_for(x->cap, x->count);
		x->id_off = xrealloc(x->id_off, x->cap * sizeof *x->id_off);
		x->id_len = xrealloc(x->id_len, x->cap * sizeof *x->id_len);
		x->sigs = xrealloc(x->sigs, (size_t)x->cap * x->p.hashes * sizeof *x->sigs);
		x->has_sig = xrealloc(x->has_sig, x->cap * sizeof *x->has_sig);
		x->seen = xrealloc(x->seen, x->cap * sizeof *x->seen);
	}
	uint32_t rec = x->count++;
	x->id_off[rec] = x->ids.len;
	x->id_len[rec] = (uint32_t)id_len;
	buf_add(&x->ids, id, id_len);
	buf_addc(&x->ids, '\0');
	x->has_sig[rec] = has_sig;
	x->seen[rec] = 0;
	uint16_t *kept = x->sigs + (size_t)rec * x->p.hashes;
	if (has_sig)
		dedup_kept_signature(sig, x->p.hashes, kept);
	if (table_cap_for(x->exact_cap, x->exact_used) != x->exact_cap)
		exact_grow(x);
	struct exact_slot *e = exact_slot(x->exact, x->exact_cap, key);
	if (e->rec == UINT32_MAX) {
		*e = (struct exact_slot){key.lo, key.hi, rec};
		x->exact_used++;
	}
	if (has_sig) {
		if (!x->bands)
			x->bands = xcalloc(x->p.bands, sizeof *x->bands);
		for (unsigned b = 0; b < x->p.bands; b++) {
			struct band_table *t = &x->bands[b];
			if (table_cap_for(t->cap, t->used) != t->cap)
				band_grow(t);
			band_insert(t->slots, t->cap, band_key(&x->p, kept, b), rec);
			t->used++;
		}
	}
	return rec;
}

uint32_t dedup_index_exact(const struct dedup_index *x, struct dedup_key key)
{
	if (!x->exact_cap)
		return UINT32_MAX;
	return exact_slot(x->exact, x->exact_cap, key)->rec;
}

uint32_t dedup_index_near(const struct dedup_index *xc, const uint32_t *sig, double *sim)
{
	struct dedup_index *x = (struct dedup_index *)xc; /* the seen stamps only */
	uint32_t best = UINT32_MAX;
	double best_sim = 0;
	if (!x->bands)
		return UINT32_MAX;
	if (++x->query == 0) { /* the stamps wrapped: start them again */
		memset(x->seen, 0, x->count * sizeof *x->seen);
		x->query = 1;
	}
	uint16_t *q = x->query_sig;
	dedup_kept_signature(sig, x->p.hashes, q);
	for (unsigned b = 0; b < x->p.bands; b++) {
		uint32_t key = band_key(&x->p, q, b);
		const struct band_table *t = &x->bands[b];
		size_t i = band_home(key, t->cap);
		for (; t->slots[i].rec != UINT32_MAX; i = (i + 1) & (t->cap - 1)) {
			uint32_t rec = t->slots[i].rec;
			if (t->slots[i].key != key || x->seen[rec] == x->query)
				continue;
			x->seen[rec] = x->query;
			/* Verify: a shared band alone makes no duplicate. */
			double s = dedup_similarity(q, x->sigs + (size_t)rec * x->p.hashes,
						    x->p.hashes);
			if (s >= x->p.threshold && (s > best_sim || (s == best_sim && rec < best))) {
				best = rec;
				best_sim = s;
			}
		}
	}
	*sim = best_sim;
	return best;
}

const char *dedup_index_id(const struct dedup_index *x, uint32_t i, size_t *len)
{
	/* Ids may hold NUL bytes (\u0000): their length is kept. */
	*len = x->id_len[i];
	return x->ids.data + x->id_off[i];
}

uint32_t dedup_index_count(const struct dedup_index *x)
{
	return x->count;
}

const uint16_t *dedup_index_sig(const struct dedup_index *x, uint32_t i)
{
	return x->has_sig[i] ? x->sigs + (size_t)i * x->p.hashes : NULL;
}

void dedup_index_keys(const struct dedup_index *x, struct dedup_key *keys)
{
	/* Every record has its own entry in the exact table: a record is
	 * added only when no record before had its key. */
	for (size_t i = 0; i < x->exact_cap; i++)
		if (x->exact[i].rec != UINT32_MAX)
			keys[x->exact[i].rec] = (struct dedup_key){x->exact[i].lo, x->exact[i].hi};
}

void dedup_index_set_id(struct dedup_index *x, uint32_t i, const char *id, size_t id_len)
{
	x->id_off[i] = x->ids.len;
	x->id_len[i] = (uint32_t)id_len;
	buf_add(&x->ids, id, id_len);
	buf_addc(&x->ids, '\0');
}

size_t dedup_index_bytes_with(const struct dedup_index *x, size_t id_len, bool has_sig, bool add)
{
	size_t cap = x->cap, ids = x->ids.cap, exact = x->exact_cap;
	/* the band tables hold the same number of entries: one is all */
	size_t band_cap = x->bands ? x->bands[0].cap : 0;
	if (add) {
		cap = array_cap_for(cap, x->count);
		ids = buf_capacity_for(&x->ids, id_len + 1); /* the id and its NUL */
		exact = table_cap_for(exact, x->exact_used);
		if (has_sig)
			band_cap = table_cap_for(band_cap, x->bands ? x->bands[0].used : 0);
	}
	size_t per_record = sizeof *x->id_off + sizeof *x->id_len + sizeof *x->has_sig +
			    sizeof *x->seen + (size_t)x->p.hashes * sizeof *x->sigs;
	return cap * per_record + ids + exact * sizeof *x->exact +
	       band_cap * x->p.bands * sizeof(struct band_slot);
}
