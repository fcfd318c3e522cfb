#include "template.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <utf8proc.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
/* The hashes run on every line of every record: inlined, not called in
 * the shared library (the same functions, the same values). */
#define XXH_INLINE_ALL
#include <xxhash.h>

#include "ascii.h"
#include "buf.h"
#include "cpu.h"
#include "diag.h"
#include "normalize.h"
#include "rules.h"
#include "scan.h"
#include "utf8.h"

struct template_entry {
	uint64_t key;   /* 0: an empty slot */
	uint32_t count; /* records that held the line */
	/* in sites: the first site's fingerprint, 0 once a second is seen;
	 * in by_site, where no lookup needs the site: the round of the last
	 * record counted (template_commit), 0 for none */
	uint32_t tag;
};

/* A line is keyed by at least this many bytes: shorter ones ("1.", "X")
 * say nothing of a template. */
enum { MIN_KEY = 4, MULTI_SITE = 0 };

static void keys_init(void);

/* A table's slots, zeroed. They come straight from the system, in huge
 * pages where it gives them: every record's lines hit the tables at
 * random places, and with 4 KiB pages a large table costs a page fault
 * for each page first touched and a TLB miss on most lookups. */
static struct template_entry *slots_alloc(size_t cap)
{
	size_t size = cap * sizeof(struct template_entry);
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("out of memory (%zu bytes for the template memory)", size);
#ifdef MADV_HUGEPAGE
	(void)madvise(p, size, MADV_HUGEPAGE); /* a hint: without it, small pages */
#endif
	return p;
}

static void slots_free(struct template_entry *slots, size_t cap)
{
	if (slots)
		munmap(slots, cap * sizeof *slots);
}

static void table_init(struct template_table *t, size_t cap)
{
	t->slots = slots_alloc(cap);
	t->count = 0;
	t->cap = cap;
	t->floor = 0;
}

/* The slot where key would be without collisions. */
static inline size_t table_home(const struct template_table *t, uint64_t key)
{
	return (size_t)(key ^ (key >> 29)) & (t->cap - 1);
}

/* The slot of key: where it is, or the empty slot where it would go. */
static size_t table_find(const struct template_table *t, uint64_t key)
{
	size_t mask = t->cap - 1, i = table_home(t, key);
	while (t->slots[i].key && t->slots[i].key != key)
		i = (i + 1) & mask;
	return i;
}

/* Puts e into the empty slot i. */
static void table_put(struct template_table *t, size_t i, struct template_entry e)
{
	t->slots[i] = e;
	t->count++;
}

/* Forgets the entries of the lowest counts until at most half the table
 * is used: those counted at most floor times, floor raised one at a time
 * until that is so. The counts say where floor ends (one pass over them),
 * then the entries go and those after them move back, in place: a pass
 * that starts after an empty slot and puts each entry in the first empty
 * slot from its home, which is where table_find looks for it. */
static void table_evict(struct template_table *t)
{
	enum { SPAN = 64 }; /* counts told apart by one pass */
	size_t mask = t->cap - 1;
	size_t kept = t->count;
	uint32_t floor = t->floor;
	for (bool first = true; kept > t->cap / 2; first = false) {
		/* at[k]: the entries that go when floor is raised k + 1 times
		 * and not before; in the first pass at[0] takes those counted
		 * floor times or fewer as well (made since the last eviction,
		 * they may be under floor) */
		size_t at[SPAN] = {0}, under = 0;
		for (size_t i = 0; i < t->cap; i++) {
			uint32_t c = t->slots[i].count;
			if (!t->slots[i].key)
				continue;
			if (c <= floor)
				under++;
			else if (c - floor <= SPAN)
				at[c - floor - 1]++;
		}
		if (first)
			at[0] += under;
		for (size_t k = 0; k < SPAN && kept > t->cap / 2; k++) {
			kept -= at[k];
			floor++;
		}
	}
	t->floor = floor;
	t->evictions++;
	for (size_t i = 0; i < t->cap; i++)
		if (t->slots[i].key && t->slots[i].count <= floor)
			t->slots[i] = (struct template_entry){0, 0, 0};
	t->count = kept;
	size_t empty = 0;
	while (t->slots[empty].key) /* there is one: the table is never full */
		empty++;
	for (size_t k = 1; k <= t->cap; k++) {
		size_t i = (empty + k) & mask;
		if (!t->slots[i].key)
			continue;
		struct template_entry e = t->slots[i];
		t->slots[i] = (struct template_entry){0, 0, 0};
		size_t j = table_home(t, e.key);
		while (t->slots[j].key)
			j = (j + 1) & mask;
		t->slots[j] = e;
	}
}

/* Counts one more record holding key (of site fingerprint site). */
static void table_add(struct template_table *t, uint64_t key, uint32_t site)
{
	size_t i = table_find(t, key);
	struct template_entry *e = &t->slots[i];
	if (e->key) {
		if (e->count < UINT32_MAX)
			e->count++;
		if (e->tag != site)
			e->tag = MULTI_SITE;
		return;
	}
	if ((t->count + 1) * 4 > t->cap * 3) {
		table_evict(t);
		i = table_find(t, key);
	}
	table_put(t, i, (struct template_entry){key, 1, site});
}

/* Counts one more record, of round, holding key (in by_site); with once,
 * unless that record counted it already. Returns its count, 0 when that
 * record had counted it. */
static uint32_t table_count(struct template_table *t, uint64_t key, uint32_t round, bool once)
{
	size_t i = table_find(t, key);
	struct template_entry *e = &t->slots[i];
	if (e->key) {
		if (once && e->tag == round)
			return 0;
		if (e->count < UINT32_MAX)
			e->count++;
		e->tag = round;
		return e->count;
	}
	if ((t->count + 1) * 4 > t->cap * 3) {
		table_evict(t);
		i = table_find(t, key);
	}
	table_put(t, i, (struct template_entry){key, 1, round});
	return 1;
}

/* The filter of by_site's keys counted min_records times or more: the
 * word of a key, from bits 24 and up, and the four bits it sets there,
 * from its low 24 (its keys are mixed, site_line_key). */
static inline size_t candidate_word(const struct template_memory *t, uint64_t key)
{
	return (size_t)(key >> 24) & (t->candidate_words - 1);
}

static inline uint64_t candidate_bits(uint64_t key)
{
	return (uint64_t)1 << (key & 63) | (uint64_t)1 << (key >> 6 & 63) |
	       (uint64_t)1 << (key >> 12 & 63) | (uint64_t)1 << (key >> 18 & 63);
}

static inline void candidate_add(struct template_memory *t, uint64_t key)
{
	t->candidates[candidate_word(t, key)] |= candidate_bits(key);
}

/* Whether key may be counted min_records times or more in by_site: false
 * when it is not. */
static inline bool candidate_may_be(const struct template_memory *t, uint64_t key)
{
	uint64_t bits = candidate_bits(key);
	return (t->candidates[candidate_word(t, key)] & bits) == bits;
}

/* Makes the filter anew from by_site, after entries were forgotten. */
static void candidates_rebuild(struct template_memory *t)
{
	memset(t->candidates, 0, t->candidate_words * sizeof *t->candidates);
	for (size_t i = 0; i < t->by_site.cap; i++) {
		const struct template_entry *e = &t->by_site.slots[i];
		if (e->key && e->count >= t->min_records)
			candidate_add(t, e->key);
	}
}

/* The entry of key, or an empty one. */
static const struct template_entry *table_entry(const struct template_table *t, uint64_t key)
{
	return &t->slots[table_find(t, key)];
}

void template_init(struct template_memory *t, size_t capacity, unsigned min_records)
{
	keys_init();
	memset(t, 0, sizeof *t);
	size_t cap = 1024;
	while (cap < capacity && cap < SIZE_MAX / 2 / sizeof(struct template_entry))
		cap *= 2;
	table_init(&t->by_site, cap);
	table_init(&t->sites, cap);
	t->candidate_words = cap / 16; /* four bits an entry */
	t->candidates = xcalloc(t->candidate_words, sizeof *t->candidates);
	t->capacity = cap;
	t->min_records = min_records ? min_records : 1;
}

void template_free(struct template_memory *t)
{
	slots_free(t->by_site.slots, t->by_site.cap);
	slots_free(t->sites.slots, t->sites.cap);
	free(t->candidates);
	idset_free(&t->texts);
	free(t->pairs);
	memset(t, 0, sizeof *t);
}

size_t template_bytes(size_t capacity)
{
	size_t cap = 1024;
	while (cap < capacity && cap < SIZE_MAX / 2 / sizeof(struct template_entry))
		cap *= 2;
	/* two tables (evictions work in place), the text set (a table of
	 * 8-byte slots at most half full) and the filter (half a byte an
	 * entry) */
	return 2 * cap * sizeof(struct template_entry) + 2 * cap * sizeof(uint64_t) + cap / 2;
}

uint64_t template_site(const char *name, size_t n)
{
	return XXH3_64bits(name, n);
}

/* What each byte becomes in a line's key: ASCII letters lowercased,
 * digits and bytes of 0x80 and above as they are, the rest 0 (dropped).
 * Filled by keys_init. */
static unsigned char key_byte[256];

/* A line's key being made: its key bytes gathered in chunk, hashed 512
 * at a time once there are more (XXH3's streaming gives what one call on
 * them all would). */
struct key_maker {
	unsigned char chunk[512];
	size_t fill, total;
	bool streaming;
	XXH3_state_t st;
};

static inline void key_start(struct key_maker *k)
{
	k->fill = k->total = 0;
	k->streaming = false;
}

/* Hands the key bytes gathered to the hash. */
static inline void key_flush(struct key_maker *k)
{
	if (!k->streaming) {
		XXH3_64bits_reset(&k->st);
		k->streaming = true;
	}
	XXH3_64bits_update(&k->st, k->chunk, k->fill);
	k->total += k->fill;
	k->fill = 0;
}

/* Writes the key bytes of s[0..n) at out; returns how many. A byte at a
 * time, without a branch on what it is (a table gives the key byte, 0 for
 * none), four to a round. */
static size_t compact_bytes(const char *s, size_t n, unsigned char *out)
{
	size_t fill = 0, i = 0;
	for (; i + 4 <= n; i += 4) {
		unsigned char a = key_byte[(unsigned char)s[i]];
		unsigned char b = key_byte[(unsigned char)s[i + 1]];
		unsigned char c = key_byte[(unsigned char)s[i + 2]];
		unsigned char d = key_byte[(unsigned char)s[i + 3]];
		out[fill] = a;
		fill += a != 0;
		out[fill] = b;
		fill += b != 0;
		out[fill] = c;
		fill += c != 0;
		out[fill] = d;
		fill += d != 0;
	}
	for (; i < n; i++) {
		unsigned char a = key_byte[(unsigned char)s[i]];
		out[fill] = a;
		fill += a != 0;
	}
	return fill;
}

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_SSSE3_KEYS 1

/* For each set of eight bits, where the bytes it keeps go: their places,
 * then 0x80 (a zero byte). */
static unsigned char keep_shuffle[256][16];

/* The key bytes of the 16 bytes at s, those of the positions in take (a
 * bit each), written at out (which takes 16 bytes past them); returns
 * how many. */
__attribute__((target("ssse3,popcnt"))) static inline size_t compact16(const char *s,
									unsigned take,
									unsigned char *out)
{
	const __m128i before_a = _mm_set1_epi8('A' - 1), after_z = _mm_set1_epi8('Z' + 1),
		      before_la = _mm_set1_epi8('a' - 1), after_lz = _mm_set1_epi8('z' + 1),
		      before_0 = _mm_set1_epi8('0' - 1), after_9 = _mm_set1_epi8('9' + 1),
		      zero = _mm_setzero_si128(), case_bit = _mm_set1_epi8(0x20),
		      eight = _mm_set1_epi8(8);
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
	/* signed compares: bytes of 0x80 and above are negative, and kept */
	__m128i upper = _mm_and_si128(_mm_cmpgt_epi8(v, before_a), _mm_cmplt_epi8(v, after_z));
	__m128i lower = _mm_and_si128(_mm_cmpgt_epi8(v, before_la), _mm_cmplt_epi8(v, after_lz));
	__m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, before_0), _mm_cmplt_epi8(v, after_9));
	__m128i keep = _mm_or_si128(_mm_or_si128(upper, lower),
				    _mm_or_si128(digit, _mm_cmplt_epi8(v, zero)));
	__m128i bytes = _mm_or_si128(v, _mm_and_si128(upper, case_bit));
	unsigned mask = (unsigned)_mm_movemask_epi8(keep) & take;
	unsigned lo = mask & 0xFF, hi = mask >> 8;
	__m128i a = _mm_shuffle_epi8(
		bytes, _mm_loadu_si128((const __m128i *)(const void *)keep_shuffle[lo]));
	_mm_storeu_si128((__m128i *)(void *)out, a);
	size_t fill = (size_t)__builtin_popcount(lo);
	__m128i b = _mm_shuffle_epi8(
		bytes,
		_mm_add_epi8(_mm_loadu_si128((const __m128i *)(const void *)keep_shuffle[hi]), eight));
	_mm_storeu_si128((__m128i *)(void *)(out + fill), b);
	return fill + (size_t)__builtin_popcount(hi);
}

/* compact_bytes with SSSE3 (every x86-64 processor since 2006, checked
 * when the program starts): 16 bytes are classified and lowercased at
 * once, and the bytes kept of each half are moved together by a
 * shuffle; out takes 16 bytes past what is written. */
__attribute__((target("ssse3,popcnt"))) static size_t compact_ssse3(const char *s, size_t n,
								      unsigned char *out)
{
	size_t fill = 0, i = 0;
	for (; i + 16 <= n; i += 16)
		fill += compact16(s + i, 0xFFFFu, out + fill);
	if (i < n && n >= 16) /* the last block ends at n; the bytes taken before drop out */
		return fill + compact16(s + n - 16, 0xFFFFu << (i - (n - 16)) & 0xFFFFu, out + fill);
	return fill + compact_bytes(s + i, n - i, out + fill);
}

/* compact_bytes with AVX-512 (VBMI2: Ice Lake, Zen 4 and later, checked
 * when the program starts): 64 bytes at once, the bytes kept moved
 * together by one compress; out takes 64 bytes past what is written. */
/* Of the 64 bytes v, those of the positions in `in`: which are key bytes
 * (the mask returned), and *bytes, v with ASCII capitals lowercased. */
__attribute__((target("avx512f,avx512bw,avx512vbmi2,popcnt"))) static inline __mmask64
key_bytes64(__m512i v, __mmask64 in, __m512i *bytes)
{
	const __m512i a = _mm512_set1_epi8('A'), la = _mm512_set1_epi8('a'),
		      zero = _mm512_set1_epi8('0'), letters = _mm512_set1_epi8(26),
		      digits = _mm512_set1_epi8(10), case_bit = _mm512_set1_epi8(0x20);
	__mmask64 upper = _mm512_cmplt_epu8_mask(_mm512_sub_epi8(v, a), letters);
	__mmask64 lower = _mm512_cmplt_epu8_mask(_mm512_sub_epi8(v, la), letters);
	__mmask64 digit = _mm512_cmplt_epu8_mask(_mm512_sub_epi8(v, zero), digits);
	*bytes = _mm512_or_si512(v, _mm512_maskz_mov_epi8(upper, case_bit));
	return (upper | lower | digit | _mm512_movepi8_mask(v)) & in;
}

__attribute__((target("avx512f,avx512bw,avx512vbmi2,popcnt"))) static size_t
compact_avx512(const char *s, size_t n, unsigned char *out)
{
	size_t fill = 0;
	for (size_t i = 0; i < n; i += 64) {
		/* the last block is loaded in part: the rest reads as 0, dropped */
		__mmask64 in = n - i >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << (n - i)) - 1;
		__m512i bytes;
		__mmask64 keep = key_bytes64(_mm512_maskz_loadu_epi8(in, s + i), in, &bytes);
		_mm512_storeu_si512((void *)(out + fill), _mm512_maskz_compress_epi8(keep, bytes));
		fill += (size_t)__builtin_popcountll(keep);
	}
	return fill;
}

/* The key of a line of 64 bytes or fewer (most are) with AVX-512, and
 * whether a line with a key has more than eight words (is_wide), from one
 * load: what template_line_key and is_wide give, without a pass each. */
__attribute__((target("avx512f,avx512bw,avx512vbmi2,popcnt"))) static uint64_t
short_key_avx512(const char *s, size_t n, bool *wide)
{
	const __m512i space = _mm512_set1_epi8(' '), nl = _mm512_set1_epi8('\n');
	__mmask64 in = n >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << n) - 1;
	__m512i v = _mm512_maskz_loadu_epi8(in, s), bytes;
	__mmask64 keep = key_bytes64(v, in, &bytes);
	/* a word starts at a byte that is no space after one that is (or
	 * at the start), as scan_words counts them */
	__mmask64 word = ~(_mm512_cmpeq_epi8_mask(v, space) | _mm512_cmpeq_epi8_mask(v, nl)) & in;
	size_t fill = (size_t)__builtin_popcountll(keep);
	*wide = fill >= MIN_KEY && __builtin_popcountll(word & ~(word << 1)) > 8;
	if (fill < MIN_KEY)
		return 0;
	unsigned char kept[64];
	_mm512_storeu_si512((void *)kept, _mm512_maskz_compress_epi8(keep, bytes));
	uint64_t h = XXH3_64bits(kept, fill);
	return h + !h; /* as key_end */
}
#endif

/* Which compact_ variant runs, decided once. */
static bool use_ssse3, use_avx512;

static void keys_init(void)
{
	for (unsigned b = 0; b < 256; b++)
		key_byte[b] = b < 128 ? ascii_word_byte[b] : (unsigned char)b;
#ifdef HAVE_SSSE3_KEYS
	use_ssse3 = cpu_has(CPU_SSSE3);
	use_avx512 = use_ssse3 && cpu_has(CPU_AVX512VBMI2);
	for (unsigned m = 0; m < 256; m++) {
		unsigned k = 0;
		for (unsigned b = 0; b < 8; b++)
			if (m >> b & 1)
				keep_shuffle[m][k++] = (unsigned char)b;
		for (; k < 16; k++)
			keep_shuffle[m][k] = 0x80;
	}
#endif
}

/* Adds the key bytes of s[0..n). */
static inline void key_add(struct key_maker *k, const char *s, size_t n)
{
	/* at most this much at once: the chunk keeps room for 16 bytes more */
	enum { STEP = sizeof k->chunk - 128 };
	size_t i = 0;
	while (i < n) {
		size_t take = n - i < STEP ? n - i : STEP;
		if (k->fill + take + 64 > sizeof k->chunk)
			key_flush(k);
#ifdef HAVE_SSSE3_KEYS
		if (use_avx512)
			k->fill += compact_avx512(s + i, take, k->chunk + k->fill);
		else if (use_ssse3)
			k->fill += compact_ssse3(s + i, take, k->chunk + k->fill);
		else
#endif
			k->fill += compact_bytes(s + i, take, k->chunk + k->fill);
		i += take;
	}
}

/* The key of the bytes added, or 0 when there are fewer than MIN_KEY. */
static inline uint64_t key_end(struct key_maker *k)
{
	if (k->total + k->fill < MIN_KEY)
		return 0;
	uint64_t h;
	if (k->streaming) {
		XXH3_64bits_update(&k->st, k->chunk, k->fill);
		h = XXH3_64bits_digest(&k->st);
	} else {
		h = XXH3_64bits(k->chunk, k->fill);
	}
	return h + !h; /* a key of 0 would be an empty slot */
}

/* The key of a line, or 0 when it has fewer than MIN_KEY bytes: ASCII
 * letters and digits lowercased, bytes of 0x80 and above as they are. */
uint64_t template_line_key(const char *s, size_t n)
{
#ifdef HAVE_SSSE3_KEYS
	if (use_avx512 && n <= 64) {
		bool wide;
		return short_key_avx512(s, n, &wide);
	}
#endif
	struct key_maker k;
	key_start(&k);
	key_add(&k, s, n);
	return key_end(&k);
}

static uint64_t site_line_key(uint64_t site, uint64_t line)
{
	/* MurmurHash3's finaliser of the two: one to one for each site (a
	 * xor, then steps that each are), and far cheaper than a hash call */
	uint64_t k = line ^ site;
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	k *= 0xc4ceb9fe1a85ec53ULL;
	k ^= k >> 33;
	return k ? k : 1;
}

/* The key under which a site's records are counted. */
static uint64_t site_total_key(uint64_t site)
{
	return site_line_key(site, 0);
}

static uint32_t fingerprint(uint64_t site)
{
	uint32_t f = (uint32_t)(site ^ (site >> 32));
	return f == MULTI_SITE ? 1 : f;
}

/* A line's key and its key in a site, and whether the line has more than
 * eight words (only then is its key counted in sites: template_query_is_
 * template asks whether other sites hold a line only of such lines). */
struct key_pair {
	uint64_t key, site_key;
	bool wide;
};

/* Sorts pairs[0..n) by key in ascending order, with tmp of n pairs: runs
 * of 8 by insertion, then merged two by two (a record has some tens of
 * lines); a radix sort, 11 bits a pass, for the thousands of a long text. */
static void sort_pairs(struct key_pair *pairs, size_t n, struct key_pair *tmp)
{
	enum { RUN = 8, RADIX_FROM = 2048 };
	struct key_pair *from = pairs, *to = tmp;
	if (n < RADIX_FROM) {
		for (size_t lo = 0; lo < n; lo += RUN) {
			size_t hi = lo + RUN < n ? lo + RUN : n;
			for (size_t i = lo + 1; i < hi; i++) {
				struct key_pair k = pairs[i];
				size_t j = i;
				for (; j > lo && pairs[j - 1].key > k.key; j--)
					pairs[j] = pairs[j - 1];
				pairs[j] = k;
			}
		}
		for (size_t width = RUN; width < n; width *= 2) {
			for (size_t lo = 0; lo < n; lo += 2 * width) {
				size_t mid = lo + width < n ? lo + width : n;
				size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
				size_t a = lo, b = mid, o = lo;
				while (a < mid && b < hi)
					to[o++] = from[b].key < from[a].key ? from[b++] : from[a++];
				while (a < mid)
					to[o++] = from[a++];
				while (b < hi)
					to[o++] = from[b++];
			}
			struct key_pair *t = from;
			from = to;
			to = t;
		}
	} else {
		for (unsigned shift = 0; shift < 64; shift += 11) {
			size_t count[2048] = {0};
			for (size_t i = 0; i < n; i++)
				count[(from[i].key >> shift) & 2047]++;
			size_t sum = 0;
			for (size_t d = 0; d < 2048; d++) {
				size_t c = count[d];
				count[d] = sum;
				sum += c;
			}
			for (size_t i = 0; i < n; i++)
				to[count[(from[i].key >> shift) & 2047]++] = from[i];
			struct key_pair *t = from;
			from = to;
			to = t;
		}
	}
	if (from != pairs)
		memcpy(pairs, from, n * sizeof *pairs);
}

/* Starts loading the slot where key is looked for: the tables are far
 * larger than the caches, and a record's keys are known before they are
 * counted or looked up. */
static void prefetch_slot(const struct template_table *t, uint64_t key)
{
	__builtin_prefetch(&t->slots[table_home(t, key)]);
}

/* How far ahead the slots are loaded, in keys. */
enum { AHEAD = 16 };

/* Whether the line s[0..n) has more than eight words. */
static inline bool is_wide(const char *s, size_t n)
{
	return scan_words(s, n, 9) > 8; /* rule_word_count, up to 9 */
}

/* template_line_key of s[0..n), and in *wide whether the line has a key
 * and is_wide: from one load where AVX-512 makes the key. */
static uint64_t key_and_width(const char *s, size_t n, bool *wide)
{
#ifdef HAVE_SSSE3_KEYS
	if (use_avx512 && n <= 64)
		return short_key_avx512(s, n, wide);
#endif
	uint64_t key = template_line_key(s, n);
	*wide = key && is_wide(s, n);
	return key;
}

void template_span_keys(const char *text, const struct normalize_span *spans, size_t count,
			uint64_t site, uint64_t *keys, uint64_t *site_keys, unsigned char *wide)
{
	for (size_t i = 0; i < count; i++) {
		const char *s = text + spans[i].start;
		size_t n = spans[i].end - spans[i].start;
		bool is_wide_line;
		keys[i] = key_and_width(s, n, &is_wide_line);
		site_keys[i] = keys[i] ? site_line_key(site, keys[i]) : 0;
		wide[i] = is_wide_line;
	}
}

void template_prepare(struct template_memory *t, uint64_t site, const uint64_t *keys,
		      const uint64_t *site_keys, const unsigned char *wide, size_t key_count)
{
	t->prepared_site = site;
	/* A copy is told by its lines' keys, as lines are compared: 8 bytes
	 * a line to hash, not the line's bytes. */
	t->prepared_hash = XXH3_64bits_withSeed(keys, key_count * sizeof *keys, site);
	idset_prefetch(&t->texts, t->prepared_hash);
	/* pairs[pair_cap..) is room for the sort */
	if (t->pair_cap < key_count) {
		t->pair_cap = key_count;
		t->pairs = xrealloc(t->pairs, 2 * t->pair_cap * sizeof *t->pairs);
	}
	size_t count = 0;
	/* a key of 1 in the site may stand for two keys (site_line_key) */
	bool plain = site_total_key(site) != 1;
	for (size_t i = 0; i < key_count; i++)
		if (keys[i]) { /* lines too short to count have none */
			t->pairs[count++] = (struct key_pair){keys[i], site_keys[i], wide[i] != 0};
			plain &= site_keys[i] != 1;
		}
	/* A record counts each of its lines once, and in the order of their
	 * keys: that order decides which entries a table that fills up in the
	 * middle of it forgets. Far from full, no order makes a difference
	 * (where a key lands is nothing a lookup sees): the lines are counted
	 * in their order, and a repeat is known by its entry in by_site, which
	 * the record counted already (its tag). Two lines have the same key in
	 * the site when they have the same key: site_line_key is one to one
	 * but where it gives 1 (0 made 1), which goes the long way. */
	t->prepared_sorted = !plain || (t->by_site.count + count + 1) * 4 > t->by_site.cap * 3 ||
			     (t->sites.count + count) * 4 > t->sites.cap * 3;
	if (t->prepared_sorted) {
		sort_pairs(t->pairs, count, t->pairs + t->pair_cap);
		size_t unique = 0;
		for (size_t i = 0; i < count; i++)
			if (i == 0 || t->pairs[i].key != t->pairs[i - 1].key)
				t->pairs[unique++] = t->pairs[i];
		count = unique;
	}
	for (size_t i = 0; i < count; i++) {
		prefetch_slot(&t->by_site, t->pairs[i].site_key);
		if (t->pairs[i].wide)
			prefetch_slot(&t->sites, t->pairs[i].key);
	}
	t->prepared = count;
}

void template_commit(struct template_memory *t)
{
	uint64_t site = t->prepared_site;
	if (!idset_add(&t->texts, t->prepared_hash))
		return; /* a copy says nothing of the template */
	if (t->texts.count >= t->capacity)
		idset_clear(&t->texts);
	if (++t->round == 0) { /* once in 2^32 records: the tags start anew */
		for (size_t i = 0; i < t->by_site.cap; i++)
			t->by_site.slots[i].tag = 0;
		t->round = 1;
	}
	uint32_t round = t->round;
	size_t count = t->prepared;
	bool once = !t->prepared_sorted;
	const struct key_pair *pairs = t->pairs;
	uint32_t f = fingerprint(site);
	size_t evictions = t->by_site.evictions;
	unsigned min = t->min_records;
	if (table_count(&t->by_site, site_total_key(site), round, false) == min)
		candidate_add(t, site_total_key(site));
	for (size_t i = 0; i < count; i++) {
		/* again, for the entries that left the cache since, or a table
		 * that was made anew when it was full */
		if (i + AHEAD < count) {
			prefetch_slot(&t->by_site, pairs[i + AHEAD].site_key);
			if (pairs[i + AHEAD].wide)
				prefetch_slot(&t->sites, pairs[i + AHEAD].key);
		}
		uint32_t c = table_count(&t->by_site, pairs[i].site_key, round, once);
		if (!c)
			continue; /* a repeat of a line counted */
		if (c == min)
			candidate_add(t, pairs[i].site_key);
		if (pairs[i].wide)
			table_add(&t->sites, pairs[i].key, f);
	}
	if (t->by_site.evictions != evictions)
		candidates_rebuild(t);
}

void template_add(struct template_memory *t, uint64_t site, const char *text, size_t n)
{
	/* the non-empty lines, then their keys as nclean makes them */
	struct normalize_span *spans = NULL;
	size_t count = 0, cap = 0;
	for (size_t i = 0; i < n;) {
		const char *nl = memchr(text + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - text) : n;
		if (e > i) {
			if (count == cap) {
				cap = cap ? cap * 2 : 64;
				spans = xrealloc(spans, cap * sizeof *spans);
			}
			spans[count++] = (struct normalize_span){i, e};
		}
		i = e + 1;
	}
	uint64_t *keys = xmalloc(2 * (count ? count : 1) * sizeof *keys);
	unsigned char *wide = xmalloc(count ? count : 1);
	template_span_keys(text, spans, count, site, keys, keys + count, wide);
	template_prepare(t, site, keys, keys + count, wide, count);
	template_commit(t);
	free(spans);
	free(keys);
	free(wide);
}

void template_query_init(struct template_query *q, const struct template_memory *t,
			 uint64_t site)
{
	q->t = t;
	q->site = site;
	const struct template_entry *total = table_entry(&t->by_site, site_total_key(site));
	q->total = total->key ? total->count : 0;
}

uint64_t template_query_key(const struct template_query *q, uint64_t line_key)
{
	if (!line_key)
		return 0;
	uint64_t k = site_line_key(q->site, line_key);
	template_query_prefetch(q, k);
	return k;
}

void template_query_prefetch(const struct template_query *q, uint64_t query_key)
{
	__builtin_prefetch(&q->t->candidates[candidate_word(q->t, query_key)]);
}

bool template_query_is_template(const struct template_query *q, uint64_t query_key,
				const char *s, size_t n)
{
	const struct template_memory *t = q->t;
	if (!query_key)
		return false; /* a line too short to count */
	if (!candidate_may_be(t, query_key))
		return false; /* counted fewer than min_records times */
	const struct template_entry *e = table_entry(&t->by_site, query_key);
	if (!e->key || e->count < t->min_records)
		return false;
	/* A line in 5% of the site's records or more: a label of a table, a
	 * sign-off word recur in fewer. */
	if ((uint64_t)e->count * 20 < q->total)
		return false;
	/* A line starting in lower case is the end of a sentence. */
	uint32_t cp;
	if (utf8_decode(s, n, &cp) && utf8proc_islower((utf8proc_int32_t)cp))
		return false;
	if (!is_wide(s, n))
		return true;
	e = table_entry(&t->sites, template_line_key(s, n));
	return !e->key || e->tag != MULTI_SITE;
}
