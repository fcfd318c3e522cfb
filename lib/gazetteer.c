#include "gazetteer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "buf.h"
#include "cpu.h"
#include "hash.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* Names live in one hash table keyed by a 64-bit FNV-1a hash of their
 * folded bytes, their bytes in one buffer to confirm a hit. Two Bloom
 * filters keep the text's words away from the table: one of the names'
 * first words, tried at each word start, and one of the whole names,
 * tried at each place a name could end (in a byte some name ends in). A
 * word that starts no name costs its share of a look at 64 bytes of text
 * at once, a multiply for each 8 of its bytes, and two bits of a filter
 * sized for the first words that differ, small enough to stay near the
 * core; a table of a million names is touched only where a name may be. */

/* A name in bytes: this head, then its bytes. The head holds the
 * name's values, the last one added in first and the list in vals only
 * when there are more: a match finds the value in the lines it confirms
 * the name in, one miss after the table's. Heads are read and written
 * with memcpy: they fall at any byte. */
struct head {
	uint32_t len;
	uint32_t vals;  /* index + 1 into vals of all the values; 0: first alone */
	uint32_t first; /* the last value added */
};

static inline struct head head_at(const struct buf *bytes, uint32_t at)
{
	struct head h;
	memcpy(&h, bytes->data + at, sizeof h);
	return h;
}

/* A name added: its hash, its first word's, and where it is in bytes
 * (a name added before stays there unused). */
struct pending {
	uint64_t hash, first_hash; /* the name's, and its first word's (hash_run) */
	uint32_t at;               /* its head */
};

struct val {
	uint32_t value, next; /* next: index + 1 of the next value, 0 at the end */
};

struct gazetteer {
	struct buf bytes; /* the names, each after its head */
	size_t name_bytes; /* of them, the names' own */
	/* The table: a slot's hash (0: empty) and where its name's head is
	 * in bytes. The hashes alone are probed: 8 bytes a slot keep the
	 * table of a million names within a large cache. */
	uint64_t *hashes;
	uint32_t *slot_heads;
	size_t cap, used;
	uint64_t *first_hashes; /* each name's first word's hash, in the order added */
	size_t names_cap;
	struct val *vals;
	size_t val_count, val_cap;
	size_t max_len, max_words;
	/* of the names added, each word that ends inside one: the hash of
	 * the name's bytes up to there (a name added twice counts twice) */
	uint64_t *prefix_hashes;
	size_t prefix_count, prefix_cap;
	size_t byte_limit; /* the most bytes of names held, 4 GiB at most */
	bool ends[256]; /* the last bytes of names */
	/* Names added and not yet in the table: put there in one go, at the
	 * first match or count after an add, with the slots of the names
	 * ahead on their way into the cache (a table of a million names is
	 * larger than the caches: one name at a time, each would wait). */
	struct pending *pending;
	size_t pending_count, pending_cap;
	/* built at the first match after an add; prefixes holds the names'
	 * beginnings that end a word inside them ("united" and "united
	 * states" of "united states of america") */
	uint64_t *first_words, *whole_names, *prefixes;
	size_t first_bits, bloom_bits, prefix_bits; /* their sizes, powers of two */
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

/* Zeroed memory for the table and the large filters, in 2 MiB pages
 * where the system gives them: they are read at random, and a million
 * names' table in 4 KiB pages takes a fault for each page as it fills,
 * and a miss of the TLB at most lookups (about 2% of ntag -g). */
static void *huge_calloc(size_t n, size_t size)
{
	enum { HUGE = 2u << 20 };
	size_t bytes;
	void *p = NULL;
	if (__builtin_mul_overflow(n, size, &bytes) || bytes < HUGE ||
	    posix_memalign(&p, HUGE, bytes) != 0)
		return xcalloc(n, size);
#ifdef MADV_HUGEPAGE
	madvise(p, bytes, MADV_HUGEPAGE); /* a hint: without it, small pages */
#endif
	return memset(p, 0, bytes);
}

struct gazetteer *gazetteer_new(void)
{
	struct gazetteer *g = xcalloc(1, sizeof(struct gazetteer));
	g->byte_limit = UINT32_MAX;
	return g;
}

void gazetteer_free(struct gazetteer *g)
{
	if (!g)
		return;
	buf_free(&g->bytes);
	free(g->hashes);
	free(g->slot_heads);
	free(g->first_hashes);
	free(g->vals);
	free(g->pending);
	free(g->prefix_hashes);
	free(g->first_words);
	free(g->whole_names);
	free(g->prefixes);
	free(g);
}

/* Where the head of the name s[0..n), of hash h, is in bytes, or
 * UINT32_MAX when it is not in the table. */
static uint32_t find(const struct gazetteer *g, uint64_t h, const char *s, size_t n)
{
	for (size_t i = slot_of(h, g->cap); g->hashes[i]; i = (i + 1) & (g->cap - 1)) {
		if (g->hashes[i] != h)
			continue;
		uint32_t at = g->slot_heads[i];
		if (head_at(&g->bytes, at).len == n &&
		    memcmp(g->bytes.data + at + sizeof(struct head), s, n) == 0)
			return at;
	}
	return UINT32_MAX;
}

/* Puts the name whose head is at at, of hash h, in the table at its slot. */
static void put(uint64_t *hashes, uint32_t *slot_heads, size_t cap, uint64_t h, uint32_t at)
{
	size_t i = slot_of(h, cap);
	while (hashes[i])
		i = (i + 1) & (cap - 1);
	hashes[i] = h;
	slot_heads[i] = at;
}

/* Puts value before the list of values next (index + 1; 0: none);
 * returns its index + 1. */
static uint32_t add_val(struct gazetteer *g, uint32_t value, uint32_t next)
{
	if (g->val_count == g->val_cap) {
		g->val_cap = g->val_cap ? g->val_cap * 2 : 256;
		g->vals = xrealloc(g->vals, g->val_cap * sizeof *g->vals);
	}
	g->vals[g->val_count] = (struct val){value, next};
	return (uint32_t)++g->val_count;
}

/* Puts the name added p in the table (room for it made by the caller),
 * or its value with the same name there. */
static void insert(struct gazetteer *g, const struct pending *p)
{
	struct head added = head_at(&g->bytes, p->at);
	uint32_t at = find(g, p->hash, g->bytes.data + p->at + sizeof added, added.len);
	if (at == UINT32_MAX) {
		if (g->used == g->names_cap) {
			g->names_cap = g->names_cap ? g->names_cap * 2 : 256;
			g->first_hashes = xrealloc(g->first_hashes,
						   g->names_cap * sizeof *g->first_hashes);
		}
		put(g->hashes, g->slot_heads, g->cap, p->hash, p->at);
		g->first_hashes[g->used++] = p->first_hash; /* for the filter build makes */
		return;
	}
	/* the value just added to this name again (aliases of one entry come
	 * together); a repeat further back is left for the caller, as a
	 * long list of values is never walked here */
	struct head e = head_at(&g->bytes, at);
	if (e.first == added.first)
		return;
	if (!e.vals) /* a second value: the list starts with the first */
		e.vals = add_val(g, e.first, 0);
	e.vals = add_val(g, added.first, e.vals);
	e.first = added.first;
	memcpy(g->bytes.data + at, &e, sizeof e);
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
		uint64_t *hashes = huge_calloc(cap, sizeof *hashes);
		uint32_t *slot_heads = huge_calloc(cap, sizeof *slot_heads);
		for (size_t i = 0; i < g->cap; i++)
			if (g->hashes[i])
				put(hashes, slot_heads, cap, g->hashes[i], g->slot_heads[i]);
		free(g->hashes);
		free(g->slot_heads);
		g->hashes = hashes;
		g->slot_heads = slot_heads;
		g->cap = cap;
	}
	enum { AHEAD = 16 };
	for (size_t i = 0; i < g->pending_count; i++) {
		/* A name that is in the table already (an alias of many) is
		 * compared with the name there: its head and bytes are loaded
		 * once the slot that says where they are is in. */
		if (i + AHEAD < g->pending_count) {
			size_t slot = slot_of(g->pending[i + AHEAD].hash, g->cap);
			__builtin_prefetch(&g->hashes[slot]);
			__builtin_prefetch(&g->slot_heads[slot], 1);
		}
		if (i + AHEAD / 2 < g->pending_count) {
			const struct pending *p = &g->pending[i + AHEAD / 2];
			size_t slot = slot_of(p->hash, g->cap);
			if (g->hashes[slot] == p->hash)
				__builtin_prefetch(g->bytes.data + g->slot_heads[slot], 1);
		}
		insert(g, &g->pending[i]);
	}
	/* 24 bytes a name, not kept for the adds (if any) to come */
	free(g->pending);
	g->pending = NULL;
	g->pending_count = g->pending_cap = 0;
}

void gazetteer_limit(struct gazetteer *g, size_t bytes)
{
	g->byte_limit = bytes < UINT32_MAX ? bytes : UINT32_MAX;
}

bool gazetteer_add(struct gazetteer *g, const char *folded, size_t n, uint32_t value)
{
	/* leading and trailing spaces are no part of a name */
	while (n && folded[0] == ' ') {
		folded++;
		n--;
	}
	while (n && folded[n - 1] == ' ')
		n--;
	if (!n)
		return true; /* nothing to add */
	/* names and their bytes, each name's head with them, are counted in
	 * 32 bits */
	size_t limit = g->byte_limit;
	if (n > limit || g->name_bytes > limit - n ||
	    g->bytes.len + sizeof(struct head) + n > UINT32_MAX ||
	    g->used + g->pending_count >= UINT32_MAX)
		return false;
	/* one pass: the name's hash, its words, the length of the first,
	 * and the hash of each beginning of it that ends a word inside it */
	uint64_t h = fnv[FNV_OFFSET];
	size_t words = 0, first = SIZE_MAX;
	bool in_word = false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)folded[i];
		bool is_word = fold_is_word_byte(c);
		if (in_word && !is_word) { /* a word ended at i - 1, inside the name */
			if (first == SIZE_MAX)
				first = i;
			if (g->prefix_count == g->prefix_cap) {
				g->prefix_cap = g->prefix_cap ? g->prefix_cap * 2 : 256;
				g->prefix_hashes = xrealloc(g->prefix_hashes,
							    g->prefix_cap * sizeof *g->prefix_hashes);
			}
			g->prefix_hashes[g->prefix_count++] = nonzero(h);
		}
		words += is_word && !in_word;
		in_word = is_word;
		h = step(h, c);
	}
	if (first == SIZE_MAX) /* no word ends inside the name: it is one word */
		first = n;
	if (!fold_is_word_byte((unsigned char)folded[0]))
		first = 0; /* no word begins the name: no text's word starts it */
	if (g->pending_count == g->pending_cap) {
		g->pending_cap = g->pending_cap ? g->pending_cap * 2 : 256;
		g->pending = xrealloc(g->pending, g->pending_cap * sizeof *g->pending);
	}
	g->pending[g->pending_count++] =
		(struct pending){nonzero(h), hash_run(0, folded, first, n), (uint32_t)g->bytes.len};
	struct head head = {(uint32_t)n, 0, value};
	buf_add(&g->bytes, (const char *)&head, sizeof head);
	buf_add(&g->bytes, folded, n);
	g->name_bytes += n;
	if (n > g->max_len)
		g->max_len = n;
	g->ends[(unsigned char)folded[n - 1]] = true;
	if (words > g->max_words)
		g->max_words = words;
	g->ready = false;
	return true;
}

size_t gazetteer_size(const struct gazetteer *gc)
{
	struct gazetteer *g = (struct gazetteer *)gc; /* the names added put in */
	flush(g);
	return g->used;
}

/* Two bits of a blocked Bloom filter from one hash: both in one block
 * of 512 bits, one cache line, so that a test costs one miss. */
static inline void block_set(uint64_t *block, unsigned x, unsigned y)
{
	block[x / 64] |= 1ull << (x % 64);
	block[y / 64] |= 1ull << (y % 64);
}

static inline bool block_has(const uint64_t *block, unsigned x, unsigned y)
{
	return (block[x / 64] >> (x % 64) & 1) && (block[y / 64] >> (y % 64) & 1);
}

/* The whole names' filter: the block from the hash mixed (FNV-1a's low
 * bits are weak), the two bits from its top. */
static inline size_t bloom_block(uint64_t h, size_t bits)
{
	return (size_t)(slot_of(h, bits / 512)) * 8;
}

static inline void bloom_set(uint64_t *b, size_t bits, uint64_t h)
{
	block_set(b + bloom_block(h, bits), (unsigned)(h >> 32) & 511, (unsigned)(h >> 48) & 511);
}

static inline bool bloom_has(const uint64_t *b, size_t bits, uint64_t h)
{
	return block_has(b + bloom_block(h, bits), (unsigned)(h >> 32) & 511,
			 (unsigned)(h >> 48) & 511);
}

/* The first words' filter: a hash_run is used as it is (its low bits
 * hold its high bits too): the block from the low bits, the two bits
 * from the top ones. */
static inline size_t first_block(size_t bits, uint64_t h)
{
	return (size_t)(h & (bits / 512 - 1)) * 8;
}

static inline void first_set(uint64_t *b, size_t bits, uint64_t h)
{
	block_set(b + first_block(bits, h), (unsigned)(h >> 45) & 511, (unsigned)(h >> 54) & 511);
}

static inline bool first_has(const uint64_t *b, size_t bits, uint64_t h)
{
	return block_has(b + first_block(bits, h), (unsigned)(h >> 45) & 511,
			 (unsigned)(h >> 54) & 511);
}

/* The bits of a filter of 16 bits an item for count items (a power of
 * two): one word in a thousand passes by chance. */
static size_t bloom_size(size_t count)
{
	size_t bits = 4096;
	while (bits / 16 < count)
		bits *= 2;
	return bits;
}

/* How many of hashes[0..n) differ, estimated by linear counting: each
 * sets a bit of a bitmap of at least 8 bits for each, and the share of
 * bits left clear, z, says n' = -m ln z (within a few per cent). */
static size_t distinct_estimate(const uint64_t *hashes, size_t n)
{
	size_t m = 4096;
	while (m / 8 < n)
		m *= 2;
	uint64_t *map = xcalloc(m / 64, sizeof *map);
	for (size_t i = 0; i < n; i++) {
		size_t b = slot_of(hashes[i], m);
		map[b / 64] |= 1ull << (b % 64);
	}
	size_t set = 0;
	for (size_t i = 0; i < m / 64; i++)
		set += (size_t)__builtin_popcountll(map[i]);
	free(map);
	return (size_t)(-(double)m * log((double)(m - set) / (double)m)) + 1;
}

/* The filters. The first words' is sized for the first words that
 * differ: far fewer than the names (a million names have some hundred
 * thousand), and tried at every word of the text, it then stays in a
 * cache near the core. */
static void build(struct gazetteer *g)
{
	flush(g);
	free(g->first_words);
	free(g->whole_names);
	free(g->prefixes);
	/* the beginnings of names that end a word inside them, by the hash
	 * a match has there, as gazetteer_add noted them; the blocks of those
	 * ahead load while one is set */
	g->prefix_bits = bloom_size(g->prefix_count);
	g->prefixes = huge_calloc(g->prefix_bits / 64, sizeof *g->prefixes);
	enum { AHEAD = 16 };
	for (size_t i = 0; i < g->prefix_count; i++) {
		if (i + AHEAD < g->prefix_count)
			__builtin_prefetch(g->prefixes + bloom_block(g->prefix_hashes[i + AHEAD],
								     g->prefix_bits),
					   1);
		bloom_set(g->prefixes, g->prefix_bits, g->prefix_hashes[i]);
	}
	g->bloom_bits = bloom_size(g->used);
	g->first_bits = bloom_size(distinct_estimate(g->first_hashes, g->used));
	g->first_words = huge_calloc(g->first_bits / 64, sizeof *g->first_words);
	g->whole_names = huge_calloc(g->bloom_bits / 64, sizeof *g->whole_names);
	for (size_t i = 0; i < g->cap; i++)
		if (g->hashes[i])
			bloom_set(g->whole_names, g->bloom_bits, g->hashes[i]);
	for (size_t i = 0; i < g->used; i++)
		first_set(g->first_words, g->first_bits, g->first_hashes[i]);
	g->ready = true;
}

#ifdef __SSE2__
/* A bit for each of the 16 bytes at s that belongs to a word
 * (fold_is_word_byte). */
static inline unsigned word_bits16(const unsigned char *s)
{
	const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
	/* signed compares: bytes of 0x80 and above are negative */
	const __m128i high = _mm_cmplt_epi8(v, _mm_setzero_si128());
	const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
					    _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
	const __m128i lower = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('a' - 1)),
					    _mm_cmplt_epi8(v, _mm_set1_epi8('z' + 1)));
	return (unsigned)_mm_movemask_epi8(_mm_or_si128(high, _mm_or_si128(digit, lower)));
}
#endif

/* The end of the word that goes on at i: the first byte from i on that
 * belongs to no word, or n. */
static inline size_t word_end(const unsigned char *t, size_t i, size_t n)
{
#ifdef __SSE2__
	for (; i + 16 <= n; i += 16) {
		unsigned outside = ~word_bits16(t + i) & 0xFFFFu;
		if (outside)
			return i + (size_t)__builtin_ctz(outside);
	}
#endif
	while (i < n && fold_is_word_byte(t[i]))
		i++;
	return i;
}

/* The next capitalised word from *from on into *w, *from moved past it;
 * false when there is none. */
static inline bool next_capitalised(const struct fold *f, size_t *from, struct gazetteer_word *w)
{
	const unsigned char *t = (const unsigned char *)f->text.data;
	size_t n = f->text.len, i = *from;
	for (;; i++) {
		/* capitals are few: jump from one to the next */
		const unsigned char *up = i < n ? memchr(f->upper + i, 1, n - i) : NULL;
		if (!up)
			return false;
		i = (size_t)(up - f->upper);
		if (fold_is_word_byte(t[i]) && !(i > 0 && fold_is_word_byte(t[i - 1])))
			break;
	}
	size_t end = word_end(t, i + 1, n);
	*w = (struct gazetteer_word){i, end, hash_run(0, (const char *)t + i, end - i, n - i)};
	*from = end;
	return true;
}

/* A place where a name from the word looked up may end, and the name's
 * hash if it does. */
struct name_end {
	size_t end;
	uint64_t hash;
};

/* The places a name from a word may end are gathered, this many at a
 * time, before they are looked up: their blocks of the whole names'
 * filter, larger than the caches near the core, load meanwhile. */
enum { ENDS_AT_ONCE = 16 };

/* Where the head is of the longest name from the word start i of the
 * folded text t[0..n) that ends where a word does, or UINT32_MAX;
 * *name_end is set to its end. */
static inline uint32_t longest_name(const struct gazetteer *g, const unsigned char *t, size_t n,
				    size_t i, size_t *name_end)
{
	uint32_t best = UINT32_MAX;
	struct name_end ends[ENDS_AT_ONCE];
	uint64_t h = fnv[FNV_OFFSET];
	size_t limit = n - i < g->max_len ? n : i + g->max_len, words = 0;
	for (size_t j = i; j < limit;) {
		size_t gathered = 0;
		for (; j < limit && gathered < ENDS_AT_ONCE; j++) {
			h = step(h, t[j]);
			size_t end = j + 1;
			if (end < n && fold_is_word_byte(t[end]) && fold_is_word_byte(t[j]))
				continue; /* inside a word */
			bool word_ends = fold_is_word_byte(t[j]);
			if (word_ends && ++words > g->max_words) {
				limit = j; /* longer than any name */
				break;
			}
			if (g->ends[t[j]]) { /* else no name ends in this byte */
				ends[gathered++] = (struct name_end){end, nonzero(h)};
				__builtin_prefetch(g->whole_names +
						   bloom_block(nonzero(h), g->bloom_bits));
			}
			/* no name goes on past a word that ends no name's
			 * beginning: the bytes after it are not looked at */
			if (word_ends && !bloom_has(g->prefixes, g->prefix_bits, nonzero(h)))
				limit = end;
		}
		for (size_t k = 0; k < gathered; k++) {
			if (!bloom_has(g->whole_names, g->bloom_bits, ends[k].hash))
				continue;
			uint32_t at = find(g, ends[k].hash, (const char *)t + i, ends[k].end - i);
			if (at != UINT32_MAX) {
				best = at;
				*name_end = ends[k].end;
			}
		}
	}
	return best;
}

/* Matches from the word w, unless it starts inside the last name found,
 * which ends at *scan: the longest name from it is reported, and *scan
 * moved to its end. Inlined in each loop over words: called for each,
 * it cost 6% of ntag -t people. */
__attribute__((always_inline)) static inline void match_word(const struct gazetteer *g, const unsigned char *t, size_t n,
			      const struct gazetteer_word *w, size_t *scan,
			      void (*found)(void *ctx, const struct gazetteer_match *m), void *ctx)
{
	if (w->start < *scan || !first_has(g->first_words, g->first_bits, w->hash))
		return; /* inside a name found, or a word that starts none */
	size_t end = 0;
	uint32_t at = longest_name(g, t, n, w->start, &end);
	if (at == UINT32_MAX)
		return;
	struct head e = head_at(&g->bytes, at);
	struct gazetteer_match m = {w->start, end, e.first, e.vals};
	found(ctx, &m);
	*scan = end;
}

/* A bit for each of the 64 bytes t[i..i + 64) (those before n) that
 * belongs to a word. */
static inline uint64_t word_bits64_bytes(const unsigned char *t, size_t i, size_t n)
{
	uint64_t bits = 0;
	for (size_t k = 0; k < 64 && i + k < n; k++)
		bits |= (uint64_t)fold_is_word_byte(t[i + k]) << k;
	return bits;
}

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_WORD_BITS_AVX512 1

__attribute__((target("avx512f,avx512bw"))) static uint64_t word_bits64_avx512(const unsigned char *s)
{
	const __m512i v = _mm512_loadu_si512((const void *)s);
	uint64_t high = _mm512_movepi8_mask(v);
	uint64_t digit = _mm512_cmple_epu8_mask(_mm512_sub_epi8(v, _mm512_set1_epi8('0')),
						_mm512_set1_epi8(9));
	uint64_t lower = _mm512_cmple_epu8_mask(_mm512_sub_epi8(v, _mm512_set1_epi8('a')),
						_mm512_set1_epi8(25));
	return high | digit | lower;
}

#endif

/* The word bits of t[i..i + 64), as word_bits64_bytes, where 64 bytes
 * are there to read; avx512 says whether the CPU has AVX-512 BW. */
static inline uint64_t word_bits64(const unsigned char *t, size_t i, bool avx512)
{
#ifdef HAVE_WORD_BITS_AVX512
	if (avx512)
		return word_bits64_avx512(t + i);
#else
	(void)avx512;
#endif
#ifdef __SSE2__
	return (uint64_t)word_bits16(t + i) | (uint64_t)word_bits16(t + i + 16) << 16 |
	       (uint64_t)word_bits16(t + i + 32) << 32 | (uint64_t)word_bits16(t + i + 48) << 48;
#else
	return word_bits64_bytes(t, i, i + 64);
#endif
}

/* The word that starts at byte s of the 64-byte block at b of the
 * folded text t[0..n), of word bits in. */
static inline struct gazetteer_word block_word(const unsigned char *t, size_t n, size_t b,
					       uint64_t in, unsigned s)
{
	uint64_t outside = ~in >> s;
	size_t start = b + s, end;
	if (outside) /* ends in the block, or where the text does */
		end = start + (size_t)__builtin_ctzll(outside);
	else
		end = word_end(t, b + 64, n);
	return (struct gazetteer_word){start, end,
				       hash_run(0, (const char *)t + start, end - start, n - start)};
}

/* g with its table and filters, built at the first match after an add. */
static const struct gazetteer *built(const struct gazetteer *gc)
{
	struct gazetteer *g = (struct gazetteer *)gc;
	if (!g->ready)
		build(g);
	return g;
}

void gazetteer_prepare(struct gazetteer *g)
{
	built(g);
}

static void add_word(struct gazetteer_words *words, const struct gazetteer_word *w)
{
	if (words->count == words->cap) {
		words->cap = words->cap ? words->cap * 2 : 256;
		words->w = xrealloc(words->w, words->cap * sizeof *words->w);
	}
	words->w[words->count++] = *w;
}

/* Every word start of the text is looked for: the words of 64 bytes are
 * found at once from their bits, hashed, and their blocks of the first
 * words' filter on their way in before the first is tried. */
void gazetteer_match_every(const struct gazetteer *gc, const struct fold *f,
			   void (*found)(void *ctx, const struct gazetteer_match *m), void *ctx,
			   struct gazetteer_words *capitals)
{
	const struct gazetteer *g = built(gc);
	if (capitals)
		capitals->count = 0;
	else if (!g->used)
		return;
	bool avx512 = cpu_has(CPU_AVX512BW);
	const unsigned char *t = (const unsigned char *)f->text.data;
	size_t n = f->text.len, scan = 0;
	struct gazetteer_word words[32]; /* 64 bytes start at most 32 words */
	uint64_t before = 0; /* whether the byte before the block is a word's */
	for (size_t b = 0; b < n; b += 64) {
		uint64_t in = b + 64 <= n ? word_bits64(t, b, avx512) : word_bits64_bytes(t, b, n);
		uint64_t starts = in & ~(in << 1 | before);
		before = in >> 63;
		size_t count = 0;
		while (starts) {
			unsigned s = (unsigned)__builtin_ctzll(starts);
			starts &= starts - 1;
			struct gazetteer_word *w = &words[count++];
			*w = block_word(t, n, b, in, s);
			__builtin_prefetch(g->first_words + first_block(g->first_bits, w->hash));
			if (capitals && f->upper[w->start])
				add_word(capitals, w);
		}
		for (size_t k = 0; g->used && k < count; k++)
			match_word(g, t, n, &words[k], &scan, found, ctx);
	}
}

void gazetteer_match_listed(const struct gazetteer *gc, const struct fold *f,
			    const struct gazetteer_words *words,
			    void (*found)(void *ctx, const struct gazetteer_match *m), void *ctx)
{
	const struct gazetteer *g = built(gc);
	if (!g->used)
		return;
	const unsigned char *t = (const unsigned char *)f->text.data;
	size_t n = f->text.len, scan = 0;
	for (size_t k = 0; k < words->count; k++)
		match_word(g, t, n, &words->w[k], &scan, found, ctx);
}

#ifdef HAVE_WORD_BITS_AVX512
/* gazetteer_capitals 64 bytes at a time: a block's word starts and its
 * bytes from capitals, a bit for each. */
__attribute__((target("avx512f,avx512bw"))) static void capitals_avx512(const struct fold *f,
									 struct gazetteer_words *capitals)
{
	const unsigned char *t = (const unsigned char *)f->text.data;
	size_t n = f->text.len;
	uint64_t before = 0; /* whether the byte before the block is a word's */
	for (size_t b = 0; b < n; b += 64) {
		uint64_t in, caps = 0;
		if (b + 64 <= n) {
			in = word_bits64_avx512(t + b);
			const __m512i up = _mm512_loadu_si512((const void *)(f->upper + b));
			caps = _mm512_test_epi8_mask(up, up);
		} else {
			in = word_bits64_bytes(t, b, n);
			for (size_t k = 0; b + k < n; k++)
				caps |= (uint64_t)(f->upper[b + k] != 0) << k;
		}
		uint64_t starts = in & ~(in << 1 | before) & caps;
		before = in >> 63;
		while (starts) {
			unsigned s = (unsigned)__builtin_ctzll(starts);
			starts &= starts - 1;
			struct gazetteer_word w = block_word(t, n, b, in, s);
			add_word(capitals, &w);
		}
	}
}
#endif

void gazetteer_capitals(const struct fold *f, struct gazetteer_words *capitals)
{
	capitals->count = 0;
#ifdef HAVE_WORD_BITS_AVX512
	if (cpu_has(CPU_AVX512BW)) {
		capitals_avx512(f, capitals);
		return;
	}
#endif
	struct gazetteer_word w;
	for (size_t from = 0; next_capitalised(f, &from, &w);)
		add_word(capitals, &w);
}

void gazetteer_words_free(struct gazetteer_words *words)
{
	free(words->w);
	*words = (struct gazetteer_words){0};
}

void gazetteer_match(const struct gazetteer *g, const struct fold *f,
		     void (*found)(void *ctx, const struct gazetteer_match *m), void *ctx)
{
	gazetteer_match_every(g, f, found, ctx, NULL);
}

size_t gazetteer_values(const struct gazetteer *g, const struct gazetteer_match *m, uint32_t *out,
			size_t max)
{
	if (!m->values) {
		if (max)
			out[0] = m->first;
		return 1;
	}
	size_t count = 0;
	for (uint32_t v = m->values; v && count <= max; v = g->vals[v - 1].next) {
		if (count < max)
			out[count] = g->vals[v - 1].value;
		count++;
	}
	return count;
}
