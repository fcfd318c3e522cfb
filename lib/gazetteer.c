#include "gazetteer.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* Names live in one hash table keyed by a 64-bit FNV-1a hash of their
 * folded bytes, their bytes in one buffer to confirm a hit. Two Bloom
 * filters keep the text's words away from the table: one of the names'
 * first words, tried at each word start, and one of the whole names,
 * tried at each place a name could end. A word that starts no name costs
 * one hash over its bytes and two bits; a table of a million names is
 * touched only where a name may be. */

/* A name: its bytes, bytes.data[off..off + len), and its values. */
struct entry {
	uint32_t off, len;
	uint32_t vals;  /* index + 1 into vals */
};

/* A name added: its hash, its bytes (in bytes already: those of a name
 * added before stay there unused) and its value. */
struct pending {
	uint64_t hash;
	uint32_t off, len, value;
};

struct val {
	uint32_t value, next; /* next: index + 1 of the next value, 0 at the end */
};

struct gazetteer {
	struct buf bytes;
	/* The table: a slot's hash (0: empty) and the index of its name in
	 * names. The hashes alone are probed: 8 bytes a slot keep the table
	 * of a million names within a large cache. */
	uint64_t *hashes;
	uint32_t *slot_names;
	size_t cap, used;
	struct entry *names;    /* in the order added, used of them */
	uint64_t *first_hashes; /* each name's first word's hash, likewise */
	size_t names_cap;
	struct val *vals;
	size_t val_count, val_cap;
	size_t max_len, max_words;
	/* Names added and not yet in the table: put there in one go, at the
	 * first match or count after an add, with the slots of the names
	 * ahead on their way into the cache (a table of a million names is
	 * larger than the caches: one name at a time, each would wait). */
	struct pending *pending;
	size_t pending_count, pending_cap;
	/* built at the first match after an add */
	uint64_t *first_words, *whole_names;
	size_t bloom_bits; /* a power of two */
	bool ready;
};

enum { FNV_OFFSET = 0, FNV_PRIME = 1 };
static const uint64_t fnv[2] = {0xCBF29CE484222325ull, 0x100000001B3ull};

static inline uint64_t step(uint64_t h, unsigned char c)
{
	return (h ^ c) * fnv[FNV_PRIME];
}

/* A slot for a hash: FNV-1a's bits are mixed first, or names that differ
 * in their last letters would crowd together. */
static inline size_t slot_of(uint64_t h, size_t cap)
{
	h ^= h >> 33;
	h *= 0xFF51AFD7ED558CCDull;
	h ^= h >> 33;
	return (size_t)h & (cap - 1);
}

/* A hash is never 0 in the table: 0 marks an empty slot. */
static inline uint64_t nonzero(uint64_t h)
{
	return h ? h : 1;
}

struct gazetteer *gazetteer_new(void)
{
	return xcalloc(1, sizeof(struct gazetteer));
}

void gazetteer_free(struct gazetteer *g)
{
	if (!g)
		return;
	buf_free(&g->bytes);
	free(g->hashes);
	free(g->slot_names);
	free(g->names);
	free(g->first_hashes);
	free(g->vals);
	free(g->pending);
	free(g->first_words);
	free(g->whole_names);
	free(g);
}

static struct entry *find(const struct gazetteer *g, uint64_t h, const char *s, size_t n)
{
	for (size_t i = slot_of(h, g->cap); g->hashes[i]; i = (i + 1) & (g->cap - 1)) {
		if (g->hashes[i] != h)
			continue;
		struct entry *e = &g->names[g->slot_names[i]];
		if (e->len == n && memcmp(g->bytes.data + e->off, s, n) == 0)
			return e;
	}
	return NULL;
}

/* Puts the name of index name, of hash h, in the table at its slot. */
static void put(uint64_t *hashes, uint32_t *slot_names, size_t cap, uint64_t h, uint32_t name)
{
	size_t i = slot_of(h, cap);
	while (hashes[i])
		i = (i + 1) & (cap - 1);
	hashes[i] = h;
	slot_names[i] = name;
}

/* Puts the name bytes.data[off..off + n), of hash h, with value in the
 * table (room for it made by the caller). */
static void insert(struct gazetteer *g, uint64_t h, uint32_t off, uint32_t n, uint32_t value)
{
	const char *name = g->bytes.data + off;
	struct entry *e = find(g, h, name, n);
	if (!e) {
		if (g->used == g->names_cap) {
			g->names_cap = g->names_cap ? g->names_cap * 2 : 256;
			g->names = xrealloc(g->names, g->names_cap * sizeof *g->names);
			g->first_hashes = xrealloc(g->first_hashes,
						   g->names_cap * sizeof *g->first_hashes);
		}
		put(g->hashes, g->slot_names, g->cap, h, (uint32_t)g->used);
		e = &g->names[g->used];
		*e = (struct entry){off, n, 0};
		/* the first word's hash, for the filter build makes */
		uint64_t first = fnv[FNV_OFFSET];
		for (size_t i = 0; i < n && fold_is_word_byte((unsigned char)name[i]); i++)
			first = step(first, (unsigned char)name[i]);
		g->first_hashes[g->used++] = nonzero(first);
	}
	/* the value just added to this name again (aliases of one entry come
	 * together); a repeat further back is left for the caller, as a
	 * long list of values is never walked here */
	if (e->vals && g->vals[e->vals - 1].value == value)
		return;
	if (g->val_count == g->val_cap) {
		g->val_cap = g->val_cap ? g->val_cap * 2 : 256;
		g->vals = xrealloc(g->vals, g->val_cap * sizeof *g->vals);
	}
	g->vals[g->val_count] = (struct val){value, e->vals};
	e->vals = (uint32_t)++g->val_count;
}

/* Puts the names added since the last time in the table. */
static void flush(struct gazetteer *g)
{
	if (!g->pending_count)
		return;
	/* room for them all (at most half the slots used): the table grows
	 * once, not once for each doubling */
	size_t cap = g->cap ? g->cap : 256;
	while ((g->used + g->pending_count) * 2 > cap)
		cap *= 2;
	if (cap != g->cap) {
		uint64_t *hashes = xcalloc(cap, sizeof *hashes);
		uint32_t *slot_names = xmalloc(cap * sizeof *slot_names);
		for (size_t i = 0; i < g->cap; i++)
			if (g->hashes[i])
				put(hashes, slot_names, cap, g->hashes[i], g->slot_names[i]);
		free(g->hashes);
		free(g->slot_names);
		g->hashes = hashes;
		g->slot_names = slot_names;
		g->cap = cap;
	}
	enum { AHEAD = 16 };
	for (size_t i = 0; i < g->pending_count; i++) {
		if (i + AHEAD < g->pending_count)
			__builtin_prefetch(&g->hashes[slot_of(g->pending[i + AHEAD].hash, g->cap)]);
		const struct pending *p = &g->pending[i];
		insert(g, p->hash, p->off, p->len, p->value);
	}
	g->pending_count = 0;
}

void gazetteer_add(struct gazetteer *g, const char *folded, size_t n, uint32_t value)
{
	/* leading and trailing spaces are no part of a name */
	while (n && folded[0] == ' ') {
		folded++;
		n--;
	}
	while (n && folded[n - 1] == ' ')
		n--;
	/* names and their bytes are counted in 32 bits */
	if (!n || n > UINT32_MAX || g->bytes.len > UINT32_MAX - n ||
	    g->used + g->pending_count >= UINT32_MAX)
		return;
	uint64_t h = fnv[FNV_OFFSET];
	for (size_t i = 0; i < n; i++)
		h = step(h, (unsigned char)folded[i]);
	if (g->pending_count == g->pending_cap) {
		g->pending_cap = g->pending_cap ? g->pending_cap * 2 : 256;
		g->pending = xrealloc(g->pending, g->pending_cap * sizeof *g->pending);
	}
	g->pending[g->pending_count++] =
		(struct pending){nonzero(h), (uint32_t)g->bytes.len, (uint32_t)n, value};
	buf_add(&g->bytes, folded, n);
	if (n > g->max_len)
		g->max_len = n;
	size_t words = 0;
	for (size_t i = 0; i < n; i++)
		words += fold_is_word_byte((unsigned char)folded[i]) &&
			 (i == 0 || !fold_is_word_byte((unsigned char)folded[i - 1]));
	if (words > g->max_words)
		g->max_words = words;
	g->ready = false;
}

size_t gazetteer_size(const struct gazetteer *gc)
{
	struct gazetteer *g = (struct gazetteer *)gc; /* the names added put in */
	flush(g);
	return g->used;
}

/* Two bits of a blocked Bloom filter from one hash: both in one block
 * of 512 bits, one cache line, so that a test costs one miss. */
static inline size_t bloom_block(uint64_t h, size_t bits)
{
	return (size_t)(slot_of(h, bits / 512)) * 8;
}

static inline void bloom_set(uint64_t *b, size_t bits, uint64_t h)
{
	uint64_t *block = b + bloom_block(h, bits);
	unsigned x = (unsigned)(h >> 32) & 511, y = (unsigned)(h >> 48) & 511;
	block[x / 64] |= 1ull << (x % 64);
	block[y / 64] |= 1ull << (y % 64);
}

static inline bool bloom_has(const uint64_t *b, size_t bits, uint64_t h)
{
	const uint64_t *block = b + bloom_block(h, bits);
	unsigned x = (unsigned)(h >> 32) & 511, y = (unsigned)(h >> 48) & 511;
	return (block[x / 64] >> (x % 64) & 1) && (block[y / 64] >> (y % 64) & 1);
}

/* 16 bits a name in each filter: one word in a thousand passes by chance. */
static void build(struct gazetteer *g)
{
	flush(g);
	free(g->first_words);
	free(g->whole_names);
	size_t bits = 4096;
	while (bits < g->used * 16)
		bits *= 2;
	g->bloom_bits = bits;
	g->first_words = xcalloc(bits / 64, sizeof *g->first_words);
	g->whole_names = xcalloc(bits / 64, sizeof *g->whole_names);
	for (size_t i = 0; i < g->cap; i++)
		if (g->hashes[i])
			bloom_set(g->whole_names, bits, g->hashes[i]);
	for (size_t i = 0; i < g->used; i++)
		bloom_set(g->first_words, bits, g->first_hashes[i]);
	g->ready = true;
}

void gazetteer_match(const struct gazetteer *gc, const struct fold *f, bool capitalised,
		     void (*found)(void *ctx, const struct gazetteer_match *m), void *ctx)
{
	struct gazetteer *g = (struct gazetteer *)gc; /* the table and filters, built once */
	if (!g->ready)
		build(g);
	if (!g->used)
		return;
	const unsigned char *t = (const unsigned char *)f->text.data;
	size_t n = f->text.len, bits = g->bloom_bits;
	for (size_t i = 0; i < n;) {
		if (capitalised) {
			/* capitals are few: jump from one to the next */
			const unsigned char *up = memchr(f->upper + i, 1, n - i);
			if (!up)
				break;
			i = (size_t)(up - f->upper);
		}
		/* a word start: not inside a word */
		if (!fold_is_word_byte(t[i]) || (i > 0 && fold_is_word_byte(t[i - 1]))) {
			i++;
			continue;
		}
		uint64_t h = fnv[FNV_OFFSET];
		size_t word_end = i;
		while (word_end < n && fold_is_word_byte(t[word_end]))
			h = step(h, t[word_end++]);
		if (!bloom_has(g->first_words, bits, nonzero(h))) {
			i = word_end;
			continue;
		}
		/* the longest name from i that ends where a word does */
		const struct entry *best = NULL;
		size_t best_end = 0;
		h = fnv[FNV_OFFSET];
		size_t limit = n - i < g->max_len ? n : i + g->max_len, words = 0;
		for (size_t j = i; j < limit; j++) {
			h = step(h, t[j]);
			size_t end = j + 1;
			if (end < n && fold_is_word_byte(t[end]) && fold_is_word_byte(t[j]))
				continue; /* inside a word */
			if (fold_is_word_byte(t[j]) && ++words > g->max_words)
				break; /* longer than any name */
			uint64_t hn = nonzero(h);
			if (!bloom_has(g->whole_names, bits, hn))
				continue;
			const struct entry *e = find(g, hn, (const char *)t + i, end - i);
			if (e) {
				best = e;
				best_end = end;
			}
		}
		if (!best) {
			i = word_end;
			continue;
		}
		struct gazetteer_match m = {i, best_end, g->vals[best->vals - 1].value, best->vals};
		found(ctx, &m);
		i = best_end;
	}
}

size_t gazetteer_values(const struct gazetteer *g, uint32_t values, uint32_t *out, size_t max)
{
	size_t count = 0;
	for (uint32_t v = values; v && count <= max; v = g->vals[v - 1].next) {
		if (count < max)
			out[count] = g->vals[v - 1].value;
		count++;
	}
	return count;
}
