#include "template.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#include <xxhash.h>

#include "buf.h"
#include "diag.h"
#include "rules.h"
#include "utf8.h"

struct template_entry {
	uint64_t key;   /* 0: an empty slot */
	uint32_t count; /* records that held the line */
	uint32_t site;  /* in sites: the first site's fingerprint, 0 once a second is seen */
};

/* A line is keyed by at least this many bytes: shorter ones ("1.", "X")
 * say nothing of a template. */
enum { MIN_KEY = 4, MULTI_SITE = 0 };

static void table_init(struct template_table *t, size_t cap)
{
	t->slots = xcalloc(cap, sizeof *t->slots);
	t->count = 0;
	t->cap = cap;
	t->floor = 0;
}

static struct template_entry *table_slot(const struct template_table *t, uint64_t key)
{
	size_t mask = t->cap - 1, i = (size_t)(key ^ (key >> 29)) & mask;
	while (t->slots[i].key && t->slots[i].key != key)
		i = (i + 1) & mask;
	return &t->slots[i];
}

/* Forgets the entries of the lowest counts until at most half the table
 * is used. */
static void table_evict(struct template_table *t)
{
	while (t->count > t->cap / 2) {
		t->floor++;
		struct template_entry *old = t->slots;
		t->slots = xcalloc(t->cap, sizeof *t->slots);
		t->count = 0;
		for (size_t i = 0; i < t->cap; i++)
			if (old[i].key && old[i].count > t->floor) {
				*table_slot(t, old[i].key) = old[i];
				t->count++;
			}
		free(old);
	}
}

/* Counts one more record holding key (of site fingerprint site). */
static void table_add(struct template_table *t, uint64_t key, uint32_t site)
{
	struct template_entry *e = table_slot(t, key);
	if (e->key) {
		if (e->count < UINT32_MAX)
			e->count++;
		if (e->site != site)
			e->site = MULTI_SITE;
		return;
	}
	if ((t->count + 1) * 4 > t->cap * 3) {
		table_evict(t);
		e = table_slot(t, key);
	}
	*e = (struct template_entry){key, 1, site};
	t->count++;
}

void template_init(struct template_memory *t, size_t capacity, unsigned min_records)
{
	memset(t, 0, sizeof *t);
	size_t cap = 1024;
	while (cap < capacity && cap < SIZE_MAX / 2 / sizeof(struct template_entry))
		cap *= 2;
	table_init(&t->by_site, cap);
	table_init(&t->sites, cap);
	t->capacity = cap;
	t->min_records = min_records ? min_records : 1;
}

void template_free(struct template_memory *t)
{
	free(t->by_site.slots);
	free(t->sites.slots);
	idset_free(&t->texts);
	free(t->keys);
	memset(t, 0, sizeof *t);
}

size_t template_bytes(size_t capacity)
{
	size_t cap = 1024;
	while (cap < capacity && cap < SIZE_MAX / 2 / sizeof(struct template_entry))
		cap *= 2;
	/* two tables, a third while one is rebuilt, and the text set (a table
	 * of 8-byte slots at most half full) */
	return 3 * cap * sizeof(struct template_entry) + 2 * cap * sizeof(uint64_t);
}

uint64_t template_site(const char *name, size_t n)
{
	return XXH3_64bits(name, n);
}

/* What each byte becomes in a line's key: ASCII letters lowercased,
 * digits and bytes of 0x80 and above as they are, the rest 0 (dropped). */
static const unsigned char key_byte[256] = {
	['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
	['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
	['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e', ['F'] = 'f', ['G'] = 'g',
	['H'] = 'h', ['I'] = 'i', ['J'] = 'j', ['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n',
	['O'] = 'o', ['P'] = 'p', ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't', ['U'] = 'u',
	['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y', ['Z'] = 'z',
	['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e', ['f'] = 'f', ['g'] = 'g',
	['h'] = 'h', ['i'] = 'i', ['j'] = 'j', ['k'] = 'k', ['l'] = 'l', ['m'] = 'm', ['n'] = 'n',
	['o'] = 'o', ['p'] = 'p', ['q'] = 'q', ['r'] = 'r', ['s'] = 's', ['t'] = 't', ['u'] = 'u',
	['v'] = 'v', ['w'] = 'w', ['x'] = 'x', ['y'] = 'y', ['z'] = 'z',
#define HIGH16(b) [b] = b, [b + 1] = b + 1, [b + 2] = b + 2, [b + 3] = b + 3, [b + 4] = b + 4, \
		  [b + 5] = b + 5, [b + 6] = b + 6, [b + 7] = b + 7, [b + 8] = b + 8,         \
		  [b + 9] = b + 9, [b + 10] = b + 10, [b + 11] = b + 11, [b + 12] = b + 12,   \
		  [b + 13] = b + 13, [b + 14] = b + 14, [b + 15] = b + 15
	HIGH16(0x80), HIGH16(0x90), HIGH16(0xA0), HIGH16(0xB0),
	HIGH16(0xC0), HIGH16(0xD0), HIGH16(0xE0), HIGH16(0xF0),
#undef HIGH16
};

/* The key of a line, or 0 when it has fewer than MIN_KEY bytes: ASCII
 * letters and digits lowercased, bytes of 0x80 and above as they are. */
static uint64_t line_key(const char *s, size_t n)
{
	unsigned char chunk[512];
	size_t fill = 0, total = 0;
	XXH3_state_t *st = NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = key_byte[(unsigned char)s[i]];
		chunk[fill] = c;
		fill += c != 0;
		if (fill == sizeof chunk) {
			if (!st) {
				st = XXH3_createState();
				if (!st)
					die("out of memory");
				XXH3_64bits_reset(st);
			}
			XXH3_64bits_update(st, chunk, fill);
			total += fill;
			fill = 0;
		}
	}
	total += fill;
	uint64_t h = 0;
	if (total >= MIN_KEY) {
		if (st) {
			XXH3_64bits_update(st, chunk, fill);
			h = XXH3_64bits_digest(st);
		} else {
			h = XXH3_64bits(chunk, fill);
		}
		h += !h; /* a key of 0 would be an empty slot */
	}
	if (st)
		XXH3_freeState(st);
	return h;
}

static uint64_t site_line_key(uint64_t site, uint64_t line)
{
	uint64_t k = XXH3_64bits_withSeed(&line, sizeof line, site);
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

static int compare_keys(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

void template_add(struct template_memory *t, uint64_t site, const char *text, size_t n)
{
	if (!idset_add(&t->texts, XXH3_64bits_withSeed(text, n, site)))
		return; /* an exact copy says nothing of the template */
	if (t->texts.count >= t->capacity)
		idset_clear(&t->texts);
	size_t count = 0;
	for (size_t i = 0; i < n;) {
		const char *nl = memchr(text + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - text) : n;
		uint64_t k = line_key(text + i, e - i);
		if (k) {
			if (count == t->key_cap) {
				t->key_cap = t->key_cap ? t->key_cap * 2 : 64;
				t->keys = xrealloc(t->keys, t->key_cap * sizeof *t->keys);
			}
			t->keys[count++] = k;
		}
		i = e + 1;
	}
	qsort(t->keys, count, sizeof *t->keys, compare_keys);
	uint32_t f = fingerprint(site);
	table_add(&t->by_site, site_total_key(site), f);
	for (size_t i = 0; i < count; i++) {
		if (i > 0 && t->keys[i] == t->keys[i - 1])
			continue;
		table_add(&t->by_site, site_line_key(site, t->keys[i]), f);
		table_add(&t->sites, t->keys[i], f);
	}
}

bool template_is_template(const struct template_memory *t, uint64_t site, const char *s,
			  size_t n)
{
	uint64_t k = line_key(s, n);
	if (!k)
		return false;
	const struct template_entry *e = table_slot(&t->by_site, site_line_key(site, k));
	if (!e->key || e->count < t->min_records)
		return false;
	/* A line in 5% of the site's records or more: a label of a table, a
	 * sign-off word recur in fewer. */
	const struct template_entry *total = table_slot(&t->by_site, site_total_key(site));
	if (total->key && (uint64_t)e->count * 20 < total->count)
		return false;
	/* A line starting in lower case is the end of a sentence. */
	uint32_t cp;
	if (utf8_decode(s, n, &cp) && utf8proc_islower((utf8proc_int32_t)cp))
		return false;
	if (rule_word_count(s, n) <= 8)
		return true;
	e = table_slot(&t->sites, k);
	return !e->key || e->site != MULTI_SITE;
}
