#include "tags.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>
#include <xxhash.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "cpu.h"
#include "hash.h"
#include "idset.h"
#include "json.h"
#include "url.h"
#include "utf8.h"

int taggers_parse(const char *list, const char **bad, size_t *bad_len)
{
	static const struct {
		const char *name;
		int bit;
	} names[] = {{"lang", TAG_LANG},
		     {"quality", TAG_QUALITY},
		     {"outlet", TAG_OUTLET},
		     {"places", TAG_PLACES},
		     {"paragraphs", TAG_PARAGRAPHS | TAG_LANG},
		     {"people", TAG_PEOPLE},
		     {"dates", TAG_DATES},
		     {"quotes", TAG_QUOTES | TAG_PEOPLE},
		     {"all", TAGGERS_ALL}};
	int on = 0;
	for (const char *p = list;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		bool known = false;
		for (size_t i = 0; i < sizeof names / sizeof *names; i++)
			if (strlen(names[i].name) == len && memcmp(names[i].name, p, len) == 0) {
				on |= names[i].bit;
				known = true;
			}
		if (!known) {
			*bad = p;
			*bad_len = len;
			return -1;
		}
		if (!end)
			return on;
		p = end + 1;
	}
}

void tags_init(struct tags *t, unsigned on)
{
	memset(t, 0, sizeof *t);
	t->on = on;
	langid_init(&t->langid);
}

void tags_begin(struct tags *t)
{
	t->folded = false;
	t->listed = false;
}

void tags_fold(struct tags *t, const char *text, size_t n)
{
	if (!t->folded)
		fold_text(text, n, &t->fold);
	t->folded = true;
}

void tags_capitals(struct tags *t, const char *text, size_t n)
{
	tags_fold(t, text, n);
	if (!t->listed)
		gazetteer_capitals(&t->fold, &t->capitals);
	t->listed = true;
}

void tags_free(struct tags *t)
{
	langid_free(&t->langid);
	free(t->spans);
	buf_free(&t->outlet);
	span_groups_free(&t->countries);
	free(t->found);
	idmap_free(&t->found_index);
	free(t->mentions);
	span_groups_free(&t->dates);
	free(t->quotes);
	buf_free(&t->names);
	gazetteer_words_free(&t->capitals);
	fold_free(&t->fold);
	buf_free(&t->scratch);
	free(t->words);
	free(t->ngram_slots);
	idset_free(&t->lines_seen);
	memset(t, 0, sizeof *t);
}

/* ---- language ---------------------------------------------------------- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* The end of the paragraph that starts at i: the end of its last
 * non-blank line, before a blank line or the end of the text. */
static size_t paragraph_end(const char *s, size_t i, size_t n)
{
	size_t end = i;
	for (size_t line = i; line < n;) {
		const char *nl = memchr(s + line, '\n', n - line);
		size_t e = nl ? (size_t)(nl - s) : n, trimmed = e;
		while (trimmed > line && is_blank(s[trimmed - 1]))
			trimmed--;
		if (trimmed == line)
			break; /* a blank line */
		end = trimmed;
		line = e + 1;
	}
	return end;
}

static void add_span(struct tags *t, size_t start, size_t end, const char *lang)
{
	if (t->n_spans && strcmp(t->spans[t->n_spans - 1].lang, lang) == 0) {
		t->spans[t->n_spans - 1].end = end;
		return;
	}
	if (t->n_spans == t->cap_spans) {
		t->cap_spans = t->cap_spans ? t->cap_spans * 2 : 16;
		t->spans = xrealloc(t->spans, t->cap_spans * sizeof *t->spans);
	}
	struct lang_span *s = &t->spans[t->n_spans++];
	s->start = start;
	s->end = end;
	memcpy(s->lang, lang, sizeof s->lang);
}

/* The sample tag_lang reads, from a text of more than WHOLE bytes:
 * WINDOWS windows of about WINDOW bytes, cut at spaces, at evenly spaced
 * places of the text, read by CLD2 as one text. Each window stands for
 * an equal share of the bytes, so the language with most windows is, most
 * likely, the language of most of the bytes, as with the whole text: a
 * banner a quarter of the text long is a quarter of the sample. CLD2
 * reads some 30 ns a byte here, and takes some two microseconds a call:
 * one call over 160 bytes is what keeps the tagger cheap. (Windows of 48
 * bytes were right for as many of 45,444 news documents of known
 * language, 99.82%, and took an eighth longer; of 32, 99.74%. Reading the
 * two middle windows first, and the other two only when CLD2 is less
 * than 98% sure, would be a quarter faster; but CLD2 is 98% sure that one
 * German window and one Turkish window are German, and a text three
 * quarters Turkish would then be German.) */
enum { WINDOWS = 4, WINDOW = 40, WHOLE = 288 };

void tag_lang(struct tags *t, const char *text, size_t n)
{
	t->n_spans = 0;
	const char *sample = text;
	size_t len = n;
	if (n > WHOLE) {
		buf_clear(&t->scratch);
		for (size_t w = 0; w < WINDOWS; w++) {
			size_t at = n * (2 * w + 1) / (2 * WINDOWS) - WINDOW / 2;
			size_t from = at, to = at + WINDOW;
			while (from < to && text[from] != ' ' && text[from] != '\n')
				from++;
			while (to > from && text[to] != ' ' && text[to] != '\n')
				to--;
			if (to <= from) {
				/* no two spaces: a script written without them
				 * (Thai, Chinese) is cut between code points */
				from = at;
				to = at + WINDOW;
				while (from < to && ((unsigned char)text[from] & 0xC0) == 0x80)
					from++;
				while (to > from && ((unsigned char)text[to] & 0xC0) == 0x80)
					to--;
			}
			if (to > from) {
				buf_add(&t->scratch, text + from, to - from);
				buf_addc(&t->scratch, '\n');
			}
		}
		sample = t->scratch.data ? t->scratch.data : "";
		len = t->scratch.len;
	}
	int percent = 0;
	bool reliable = false;
	const char *code = langid_detect_short(sample, len, &percent, &reliable);
	memcpy(t->lang, code, strlen(code) + 1);
	t->lang_score = percent / 100.0;
	t->lang_reliable = reliable;
}

void tag_paragraphs(struct tags *t, const char *text, size_t n)
{
	t->n_spans = 0;
	memcpy(t->lang, "un", 3);
	t->lang_score = 0;
	t->lang_reliable = false;
	struct langid_result *r = &t->langid;
	if (!langid_detect(text, n, r))
		return;
	memcpy(t->lang, r->lang, sizeof t->lang);
	t->lang_score = r->score;
	t->lang_reliable = r->reliable;
	/* Paragraphs (separated by blank lines) each take the language that
	 * has most of their bytes in CLD2's runs (a run it could not tell
	 * counts only when there is no other); neighbours of one language
	 * make one span. */
	size_t cp = 0, at = 0, run = 0;
	for (size_t i = 0; i < n;) {
		while (i < n && is_blank(text[i]))
			i++;
		if (i >= n)
			break;
		size_t end = paragraph_end(text, i, n);
		while (run < r->n_spans && r->spans[run].offset + r->spans[run].length <= i)
			run++;
		const char *best = "un";
		size_t best_bytes = 0;
		for (size_t k = run; k < r->n_spans && r->spans[k].offset < end; k++) {
			size_t bytes = 0;
			for (size_t m = run; m < r->n_spans && r->spans[m].offset < end; m++)
				if (strcmp(r->spans[m].lang, r->spans[k].lang) == 0) {
					size_t from = r->spans[m].offset > i ? r->spans[m].offset : i;
					size_t to = r->spans[m].offset + r->spans[m].length;
					bytes += (to > end ? end : to) - from;
				}
			bool known = strcmp(r->spans[k].lang, "un") != 0;
			bool best_known = strcmp(best, "un") != 0;
			if ((known && !best_known) || (known == best_known && bytes > best_bytes)) {
				best = r->spans[k].lang;
				best_bytes = bytes;
			}
		}
		cp += utf8_count(text + at, i - at);
		size_t start_cp = cp;
		cp += utf8_count(text + i, end - i);
		at = end;
		add_span(t, start_cp, cp, best);
		i = end;
	}
}

/* ---- quality signals ---------------------------------------------------- */

/* Character classes for the quality signals: ASCII by table, the rest by
 * utf8proc, below 0x3000 made once. */
enum {
	C_SPACE = 1, C_NEWLINE = 2, C_LETTER = 4, C_DIGIT = 8, C_SYMBOL = 16, C_DOT = 32,
	C_CLOSE = 64, /* closing quotes and brackets: a sentence may end before them */
	C_END = 128,  /* . ! ? … */
};

enum { CLASSES_CACHED = 0x3000 };
static unsigned char *classes;
static pthread_once_t classes_once = PTHREAD_ONCE_INIT;

static unsigned char class_of_cp(uint32_t cp)
{
	switch (cp) {
	case '\n': return C_NEWLINE;
	case ' ': case '\t': case '\r': case '\f': case '\v': return C_SPACE;
	case '#': return C_SYMBOL;
	case '.': return C_DOT | C_END;
	case '!': case '?': return C_END;
	case 0x2026: return C_SYMBOL | C_END;
	case '"': case '\'': case ')': case ']': case 0x201D: case 0x2019: case 0xBB:
	case 0x203A: return C_CLOSE;
	}
	if (cp >= '0' && cp <= '9')
		return C_DIGIT;
	utf8proc_category_t c = utf8proc_category((utf8proc_int32_t)cp);
	if (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO)
		return C_LETTER;
	if (c == UTF8PROC_CATEGORY_ZS)
		return C_SPACE;
	return 0;
}

static void classes_init(void)
{
	classes = xmalloc(CLASSES_CACHED);
	for (uint32_t cp = 0; cp < CLASSES_CACHED; cp++)
		classes[cp] = class_of_cp(cp);
}

/* A slot of the n-gram counts: its generation says whether it is in use
 * in this count, so that the table is not cleared for each. */
struct ngram_slot {
	uint64_t key;
	uint32_t count, gen;
};

struct word {
	uint64_t hash;
	uint32_t chars;
};

/* The n-gram key of words w[0..n). */
static uint64_t ngram_key(const struct word *w, unsigned n)
{
	uint64_t key = 0;
	for (unsigned j = 0; j < n; j++)
		key = (key ^ w[j].hash) * 0x9E3779B97F4A7C15ull;
	return key;
}

/* Where key's probe starts in a table of cap slots. */
static inline size_t ngram_home(uint64_t key, size_t cap)
{
	return (size_t)(key >> 40) & (cap - 1);
}

/* The slot of key in generation g: its own, or the empty one it takes. */
static size_t ngram_probe(const struct ngram_slot *slots, size_t cap, uint32_t g, uint64_t key)
{
	size_t h = ngram_home(key, cap);
	while (slots[h].gen == g && slots[h].key != key)
		h = (h + 1) & (cap - 1);
	return h;
}

/* Counts key in generation g; returns its slot. Whether the key is new,
 * or repeated, is as likely as not: no branch depends on it. */
static inline size_t count_key(struct ngram_slot *slots, size_t cap, uint32_t g, uint64_t key)
{
	size_t h = ngram_probe(slots, cap, g, key);
	uint32_t times = slots[h].gen == g ? slots[h].count : 0;
	slots[h] = (struct ngram_slot){key, times + 1, g};
	return h;
}

/* Marks in repeated[] whether the n-gram at i, counted in slot h,
 * repeats; returns the characters it holds, all its occurrences, if it
 * does, or 0. */
static inline uint64_t mark_repeat(const struct ngram_slot *slots, size_t h, const struct word *w,
				   size_t i, unsigned n, unsigned char *repeated)
{
	uint32_t times = slots[h].count;
	unsigned rep = times > 1;
	repeated[i] |= (unsigned char)(rep << (n - 2));
	uint32_t chars = 0;
	for (unsigned j = 0; j < n; j++)
		chars += w[i + j].chars;
	return rep ? (uint64_t)times * chars : 0;
}

/* Counts the n-grams of words w[0..words) in slots[0..cap) as generation
 * g (no slot of the table is of g): those at the positions at[0..count),
 * with slot_of[k] to keep the slot of the one at at[k] between the two
 * passes. Marks in repeated[] where a repeated n-gram starts, and returns
 * the most characters one repeated n-gram holds, all its occurrences.
 * With at NULL (a text of 2^31 words or more, whose positions and slots
 * 32 bits do not hold), every position that starts with a repeated
 * (n-1)-gram (all for n = 2) is counted, and its slot looked up again. */
static uint64_t count_ngrams(struct ngram_slot *slots, size_t cap, uint32_t g,
			     const struct word *w, size_t words, unsigned n, const uint32_t *at,
			     size_t count, uint32_t *slot_of, unsigned char *repeated)
{
	uint64_t best = 0;
	if (!at) {
		unsigned bit = n > 2 ? 1u << (n - 3) : 0;
		for (size_t i = 0; i + n <= words; i++)
			if (!bit || (repeated[i] & bit))
				count_key(slots, cap, g, ngram_key(w + i, n));
		for (size_t i = 0; i + n <= words; i++) {
			if (bit && !(repeated[i] & bit))
				continue;
			size_t h = ngram_probe(slots, cap, g, ngram_key(w + i, n));
			uint64_t held = mark_repeat(slots, h, w, i, n, repeated);
			best = held > best ? held : best;
		}
		return best;
	}
	/* A table larger than the caches near the core (a very long text's)
	 * has its slots loaded some n-grams ahead. */
	enum { AHEAD = 16, SMALL_TABLE = 1 << 16 };
	size_t k = 0;
	if (cap > SMALL_TABLE)
		for (; k + AHEAD < count; k++) {
			__builtin_prefetch(&slots[ngram_home(ngram_key(w + at[k + AHEAD], n), cap)]);
			slot_of[k] = (uint32_t)count_key(slots, cap, g, ngram_key(w + at[k], n));
		}
	for (; k < count; k++)
		slot_of[k] = (uint32_t)count_key(slots, cap, g, ngram_key(w + at[k], n));
	for (k = 0; k < count; k++) {
		uint64_t held = mark_repeat(slots, slot_of[k], w, at[k], n, repeated);
		best = held > best ? held : best;
	}
	return best;
}

/* The end of the run of ASCII letters in text[i..n). */
static size_t ascii_letters_end(const char *text, size_t i, size_t n)
{
#ifdef __SSE2__
	/* a letter is a byte whose v | 0x20 is 'a' + 0 to 25: the offset
	 * moved down by 128 for a signed compare */
	const __m128i case_bit = _mm_set1_epi8(0x20), a = _mm_set1_epi8('a' - 128),
		      last = _mm_set1_epi8(-128 + 25);
	while (i + 16 <= n) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(text + i));
		__m128i off = _mm_sub_epi8(_mm_or_si128(v, case_bit), a);
		unsigned other = (unsigned)_mm_movemask_epi8(_mm_cmpgt_epi8(off, last));
		if (other)
			return i + (size_t)__builtin_ctz(other);
		i += 16;
	}
#endif
	while (i < n && (unsigned char)text[i] < 0x80 && classes[(unsigned char)text[i]] == C_LETTER)
		i++;
	return i;
}

/* Where tag_quality is in its text, and what it has counted. A word is a
 * run of code points that are neither spaces nor line breaks; its hash
 * is that of its bytes (hash_run), taken when it ends. */
struct quality_scan {
	struct tags *t;
	const char *text;
	size_t n;
	size_t words; /* in t->words */
	uint64_t digits, symbols, alpha_words, word_chars, cps;
	uint64_t line_chars, dup_chars, punct, lines;
	/* the word going on */
	bool in_word, alpha;
	size_t word_start;      /* its first byte */
	uint64_t word_cps;      /* cps where it starts */
	unsigned last;          /* the class of its last code point but closing ones */
	unsigned dots;          /* dots in a row, up to 2 */
	/* the line going on */
	bool line_has_words;
	uint64_t line_hash, line_start, line_end;
	unsigned word_end;      /* last of its last word */
};

/* Ends the word going on at byte i, where cps code points are behind. */
static inline void end_word(struct quality_scan *s, size_t i)
{
	struct tags *t = s->t;
	if (s->words == t->cap_words) {
		t->cap_words = t->cap_words ? t->cap_words * 2 : 1024;
		t->words = xrealloc(t->words, t->cap_words * sizeof *t->words);
	}
	uint64_t h = hash_run(0xCBF29CE484222325ull, s->text + s->word_start, i - s->word_start,
			      s->n - s->word_start);
	uint32_t chars = (uint32_t)(s->cps - s->word_cps);
	t->words[s->words++] = (struct word){h, chars};
	s->word_chars += chars;
	s->alpha_words += s->alpha;
	s->line_hash = (s->line_hash ^ h) * 0x100000001B3ull;
	s->line_end = s->cps;
	s->word_end = s->last;
	s->in_word = false;
}

/* Ends the line going on. */
static inline void end_line(struct quality_scan *s)
{
	s->lines++;
	uint64_t lc = s->line_end - s->line_start;
	s->line_chars += lc;
	if (!idset_add(&s->t->lines_seen, s->line_hash))
		s->dup_chars += lc;
	s->punct += (s->word_end & C_END) != 0;
	s->line_has_words = false;
	s->line_hash = 0;
}

/* Starts a word at byte i. */
static inline void start_word(struct quality_scan *s, size_t i)
{
	s->in_word = true;
	s->alpha = false;
	s->word_start = i;
	s->word_cps = s->cps;
	s->last = 0;
	if (!s->line_has_words) {
		s->line_has_words = true;
		s->line_start = s->cps;
	}
}

/* Reads code points from byte i until byte stop (or a little past it, to
 * the end of a code point or of a run of ASCII letters); returns where it
 * stopped. */
static size_t scan_code_points(struct quality_scan *s, size_t i, size_t stop)
{
	const char *text = s->text;
	size_t n = s->n;
	while (i < stop) {
		unsigned cls;
		size_t k = 1;
		uint32_t cp;
		unsigned char c = (unsigned char)text[i];
		if (c < 0x80) {
			cls = classes[c];
		} else {
			k = utf8_decode(text + i, n - i, &cp);
			if (!k) {
				k = 1;
				cp = 0xFFFD;
			}
			cls = cp < CLASSES_CACHED ? classes[cp] : class_of_cp(cp);
		}
		if (cls & (C_SPACE | C_NEWLINE)) {
			if (s->in_word)
				end_word(s, i);
			if ((cls & C_NEWLINE) && s->line_has_words)
				end_line(s);
			s->cps++;
			i += k;
			s->dots = 0;
			continue;
		}
		if (!s->in_word)
			start_word(s, i);
		if (cls == C_LETTER && k == 1) {
			/* a run of ASCII letters, the common case, at once */
			size_t j = ascii_letters_end(text, i + 1, n);
			s->cps += j - i;
			s->alpha = true;
			s->dots = 0;
			s->last = C_LETTER;
			i = j;
			continue;
		}
		s->cps++;
		s->alpha = s->alpha || (cls & C_LETTER);
		s->digits += (cls & C_DIGIT) != 0;
		s->symbols += (cls & C_SYMBOL) != 0;
		if (cls & C_DOT) {
			if (++s->dots == 3) {
				s->symbols++;
				s->dots = 0;
			}
		} else {
			s->dots = 0;
		}
		if (!(cls & C_CLOSE))
			s->last = cls;
		i += k;
	}
	return i;
}

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_QUALITY_AVX512 1

/* The classes of the ASCII bytes, for vpermb. */
static unsigned char ascii_classes[128];

/* Takes the bytes in part of the block at i into the word going on: a
 * letter among them, and the class of the last that is no closing mark. */
__attribute__((target("avx512f,avx512bw,avx512vbmi,popcnt"))) static inline void
word_part(struct quality_scan *s, size_t i, uint64_t part, uint64_t letter, uint64_t open)
{
	s->alpha = s->alpha || (letter & part);
	if (open & part) {
		unsigned at = 63 - (unsigned)__builtin_clzll(open & part);
		s->last = ascii_classes[(unsigned char)s->text[i + at]];
	}
}

/* Reads the 64 bytes from i, all ASCII, at once: their classes from the
 * table, the words' starts and ends and the line breaks from the masks,
 * in order. */
__attribute__((target("avx512f,avx512bw,avx512vbmi,popcnt"))) static void
scan_ascii_block(struct quality_scan *s, size_t i, __m512i v)
{
	const __m512i lo = _mm512_loadu_si512((const void *)ascii_classes),
		      hi = _mm512_loadu_si512((const void *)(ascii_classes + 64));
	__m512i cls = _mm512_permutex2var_epi8(lo, v, hi);
	uint64_t blank = _mm512_test_epi8_mask(cls, _mm512_set1_epi8(C_SPACE | C_NEWLINE));
	uint64_t newline = _mm512_test_epi8_mask(cls, _mm512_set1_epi8(C_NEWLINE));
	uint64_t letter = _mm512_test_epi8_mask(cls, _mm512_set1_epi8(C_LETTER));
	uint64_t dot = _mm512_test_epi8_mask(cls, _mm512_set1_epi8(C_DOT));
	uint64_t open = ~_mm512_test_epi8_mask(cls, _mm512_set1_epi8((char)C_CLOSE));
	s->digits += (uint64_t)__builtin_popcountll(
		_mm512_test_epi8_mask(cls, _mm512_set1_epi8(C_DIGIT)));
	s->symbols += (uint64_t)__builtin_popcountll(
		_mm512_test_epi8_mask(cls, _mm512_set1_epi8(C_SYMBOL)));
	/* dots in a row: each third a symbol; a row may go on from the block
	 * before, and into the next */
	if (!(dot & 1))
		s->dots = 0;
	for (uint64_t m = dot; m;) {
		unsigned from = (unsigned)__builtin_ctzll(m);
		uint64_t after = ~(m >> from);
		unsigned len = after ? (unsigned)__builtin_ctzll(after) : 64 - from;
		s->dots += len;
		s->symbols += s->dots / 3;
		s->dots %= 3;
		if (from + len >= 64)
			break;
		s->dots = 0;
		m &= ~(uint64_t)0 << (from + len);
	}
	/* where a word starts or ends, and the line breaks */
	uint64_t before = blank << 1 | !s->in_word;
	uint64_t events = (blank ^ before) | newline;
	uint64_t base = s->cps - i;  /* cps at byte b of the block: base + i + b */
	size_t from = 0;             /* the word's first byte in the block */
	for (; events; events &= events - 1) {
		unsigned b = (unsigned)__builtin_ctzll(events);
		if (!(blank >> b & 1)) {
			s->cps = base + i + b;
			start_word(s, i + b);
			from = b;
			continue;
		}
		if (s->in_word) {
			word_part(s, i, (((uint64_t)1 << b) - 1) & (~(uint64_t)0 << from), letter, open);
			s->cps = base + i + b;
			end_word(s, i + b);
		}
		if ((newline >> b & 1) && s->line_has_words)
			end_line(s);
	}
	if (s->in_word)
		word_part(s, i, ~(uint64_t)0 << from, letter, open);
	s->cps = base + i + 64;
}

/* Reads the text 64 bytes at a time where they are all ASCII, else code
 * point by code point. */
__attribute__((target("avx512f,avx512bw,avx512vbmi,popcnt"))) static void
scan_avx512(struct quality_scan *s)
{
	size_t i = 0;
	while (i + 64 <= s->n) {
		__m512i v = _mm512_loadu_si512((const void *)(s->text + i));
		if (_mm512_movepi8_mask(v)) {
			i = scan_code_points(s, i, i + 64);
			continue;
		}
		scan_ascii_block(s, i, v);
		i += 64;
	}
	scan_code_points(s, i, s->n);
}

static bool use_quality_avx512;
#endif

static void classes_ready(void)
{
	classes_init();
#ifdef HAVE_QUALITY_AVX512
	memcpy(ascii_classes, classes, sizeof ascii_classes);
	use_quality_avx512 = cpu_has(CPU_AVX512VBMI);
#endif
}

void tag_quality(struct tags *t, const char *text, size_t n)
{
	pthread_once(&classes_once, classes_ready);
	struct quality *q = &t->q;
	memset(q, 0, sizeof *q);
	idset_clear(&t->lines_seen);
	struct quality_scan s = {.t = t, .text = text, .n = n};
#ifdef HAVE_QUALITY_AVX512
	if (use_quality_avx512)
		scan_avx512(&s);
	else
#endif
		scan_code_points(&s, 0, n);
	/* the end of the text ends the last line */
	if (s.in_word)
		end_word(&s, n);
	if (s.line_has_words)
		end_line(&s);
	struct word *w = t->words;
	size_t words = s.words;
	uint64_t word_chars = s.word_chars;
	q->words = words;
	q->lines = s.lines;
	q->chars = s.cps;
	q->mean_word_length = words ? (double)word_chars / (double)words : 0;
	q->alpha_words = words ? (double)s.alpha_words / (double)words : 0;
	q->symbol_ratio = words ? (double)s.symbols / (double)words : 0;
	q->digit_ratio = q->chars ? (double)s.digits / (double)q->chars : 0;
	q->end_punct = q->lines ? (double)s.punct / (double)q->lines : 0;
	q->dup_line_frac = s.line_chars ? (double)s.dup_chars / (double)s.line_chars : 0;
	if (!word_chars || words < 2)
		return;
	/* the n-gram table, and a byte a word for where repeats start */
	size_t slots_cap = 64;
	while (slots_cap < words * 2)
		slots_cap *= 2;
	if (slots_cap > t->ngram_cap) {
		free(t->ngram_slots);
		t->ngram_slots = xcalloc(slots_cap, sizeof *t->ngram_slots);
		t->ngram_cap = slots_cap;
		t->ngram_gen = 0;
	}
	/* Three counts, each a generation of its own: when the generations
	 * would wrap, the whole table is cleared and they start again. */
	if (t->ngram_gen > UINT32_MAX - 3) {
		memset(t->ngram_slots, 0, t->ngram_cap * sizeof *t->ngram_slots);
		t->ngram_gen = 0;
	}
	/* where repeats start; the positions of the n-grams counted, and
	 * their slots, in 32 bits while they hold them */
	bool narrow = slots_cap <= (size_t)UINT32_MAX + 1;
	buf_clear(&t->scratch);
	size_t at_off = (words + 3) & ~(size_t)3;
	buf_reserve(&t->scratch, at_off + (narrow ? 2 * words * sizeof(uint32_t) : 0));
	unsigned char *repeated = (unsigned char *)t->scratch.data;
	uint32_t *at = narrow ? (uint32_t *)(void *)(t->scratch.data + at_off) : NULL;
	uint32_t *slot_of = narrow ? at + words : NULL;
	memset(repeated, 0, words);
	for (unsigned size = 2; size <= 4 && size <= words; size++) {
		/* A repeated n-gram starts with a repeated (n-1)-gram: only
		 * those places are counted past the 2-grams. */
		size_t count = 0;
		if (narrow) {
			unsigned char bit = size > 2 ? (unsigned char)(1u << (size - 3)) : 0;
			for (size_t i = 0; i + size <= words; i++) {
				at[count] = (uint32_t)i;
				count += !bit || (repeated[i] & bit);
			}
		}
		/* Only as many slots as the text needs: the table is as large
		 * as the longest text's, and a short text spread over all of it
		 * would miss the cache on every n-gram. */
		uint64_t best = count_ngrams(t->ngram_slots, slots_cap, ++t->ngram_gen, w, words,
					     size, at, count, slot_of, repeated);
		double frac = (double)best / (double)word_chars;
		q->top_ngram_frac[size - 2] = frac > 1 ? 1 : frac;
	}
}

/* ---- outlet ------------------------------------------------------------- */

static void set_outlet(struct tags *t, const char *s, size_t n, const char *from)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '.'))
		n--;
	buf_clear(&t->outlet);
	buf_add(&t->outlet, s, n);
	t->outlet_from = from;
}

/* Whether s[0..n) can be an outlet's name: 1 to 5 words, the first
 * capitalised or a digit, no sentence punctuation. */
static bool outlet_like(const char *s, size_t n)
{
	if (!n || n > 60)
		return false;
	unsigned words = 1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == ' ')
			words++;
		if (strchr(",;:!?\"", s[i]))
			return false;
	}
	if (words > 5)
		return false;
	uint32_t cp;
	if (!utf8_decode(s, n, &cp))
		return false;
	return (cp >= '0' && cp <= '9') ||
	       utf8proc_category((utf8proc_int32_t)cp) == UTF8PROC_CATEGORY_LU;
}

/* The length of the separator " - ", " – ", " — " or " | " at s[p], or 0. */
static size_t title_separator(const char *s, size_t n, size_t p)
{
	if (p + 3 <= n && (s[p + 1] == '|' || s[p + 1] == '-') && s[p + 2] == ' ')
		return 3;
	if (p + 5 <= n && memcmp(s + p + 1, "\xE2\x80", 2) == 0 &&
	    (s[p + 3] == '\x93' || s[p + 3] == '\x94') && s[p + 4] == ' ')
		return 5;
	return 0;
}

/* The title's suffix after its last separator (title_separator). */
static bool title_suffix(const char *s, size_t n, const char **out, size_t *out_len)
{
	for (const char *p = s + n; (p = memrchr(s, ' ', (size_t)(p - s)));) {
		size_t k = title_separator(s, n, (size_t)(p - s));
		if (k) {
			*out = p + k;
			*out_len = (size_t)(s + n - *out);
			return outlet_like(*out, *out_len);
		}
	}
	return false;
}

/* A credit line among the last lines: "Source: ... | Outlet", "Source:
 * Outlet", "(AA)", or the wire's sign-off "Reuter". */
static bool credit_line(struct tags *t, const char *text, size_t n)
{
	size_t e = n;
	for (int lines = 0; lines < 4 && e > 0; lines++) {
		while (e > 0 && (text[e - 1] == '\n' || text[e - 1] == ' ' || text[e - 1] == '\r'))
			e--;
		const char *nl = e ? memrchr(text, '\n', e) : NULL;
		size_t s = nl ? (size_t)(nl - text) + 1 : 0;
		const char *l = text + s;
		size_t len = e - s;
		while (len && (*l == ' ' || *l == '\t')) {
			l++;
			len--;
		}
		if (len > 8 && (memcmp(l, "Source:", 7) == 0 || memcmp(l, "SOURCE:", 7) == 0)) {
			const char *bar = NULL;
			for (const char *p = l; (p = memchr(p, '|', (size_t)(l + len - p))); p++)
				bar = p;
			const char *name = bar ? bar + 1 : l + 7;
			size_t name_len = (size_t)(l + len - name);
			while (name_len && *name == ' ')
				name++, name_len--;
			if (outlet_like(name, name_len)) {
				set_outlet(t, name, name_len, "credit");
				return true;
			}
		}
		if (len >= 4 && len <= 24 && l[0] == '(' && l[len - 1] == ')' &&
		    outlet_like(l + 1, len - 2)) {
			set_outlet(t, l + 1, len - 2, "credit");
			return true;
		}
		if ((len == 6 && memcmp(l, "Reuter", 6) == 0) ||
		    (len == 7 && memcmp(l, "Reuters", 7) == 0)) {
			set_outlet(t, "Reuters", 7, "credit");
			return true;
		}
		e = s;
	}
	return false;
}

/* A dateline at the start: "ANKARA (AA) -", "WASHINGTON, Oct 5 (Reuters) -". */
static bool dateline(struct tags *t, const char *text, size_t n)
{
	size_t limit = n < 200 ? n : 200;
	const char *open = memchr(text, '(', limit);
	if (!open || open == text)
		return false;
	const char *close = memchr(open, ')', limit - (size_t)(open - text));
	if (!close || close - open < 2 || close - open > 30)
		return false;
	/* the city before it is in capitals */
	size_t caps = 0;
	for (const char *p = text; p < open && *p != ','; p++)
		if (*p >= 'A' && *p <= 'Z')
			caps++;
		else if (*p >= 'a' && *p <= 'z')
			return false;
	const char *after = close + 1;
	size_t rest = n - (size_t)(after - text);
	if (caps < 2 || rest < 2 || after[0] != ' ')
		return false;
	if (after[1] != '-' && (rest < 4 || memcmp(after + 1, "\xE2\x80", 2) != 0))
		return false;
	if (!outlet_like(open + 1, (size_t)(close - open - 1)))
		return false;
	set_outlet(t, open + 1, (size_t)(close - open - 1), "dateline");
	return true;
}

void tag_outlet(struct tags *t, struct record *r, const char *text, size_t n)
{
	t->outlet_from = NULL;
	buf_clear(&t->outlet);
	const char *v;
	size_t len;
	if (record_get_string(r, "site", &v, &len) && len) {
		set_outlet(t, v, len, "site");
		return;
	}
	const char *suffix;
	if (record_get_string(r, "title", &v, &len) && title_suffix(v, len, &suffix, &len)) {
		set_outlet(t, suffix, len, "title");
		return;
	}
	if (credit_line(t, text, n) || dateline(t, text, n))
		return;
	if (record_get_string(r, "url", &v, &len) && len) {
		const char *host;
		size_t host_len;
		url_site_host(v, len, &host, &host_len);
		if (host_len) {
			set_outlet(t, host, host_len, "url");
			return;
		}
	}
}

/* ---- places ------------------------------------------------------------- */

#include "countries.inc"

enum { NO_COUNTRY = UINT32_MAX };

static struct gazetteer *countries;
static char (*country_codes)[3];
static size_t n_country_codes;
static pthread_once_t countries_once = PTHREAD_ONCE_INIT;

static void countries_init(void)
{
	countries = gazetteer_new();
	size_t n = sizeof country_names / sizeof *country_names;
	country_codes = xcalloc(n, sizeof *country_codes);
	struct buf folded = {0};
	for (size_t i = 0; i < n; i++) {
		const char *e = country_names[i];
		const char *tab = strchr(e, '\t');
		uint32_t value = NO_COUNTRY;
		if (e[0] != '-') {
			size_t c = 0;
			while (c < n_country_codes && memcmp(country_codes[c], e, 2) != 0)
				c++;
			if (c == n_country_codes)
				memcpy(country_codes[n_country_codes++], e, 2);
			value = (uint32_t)c;
		}
		buf_clear(&folded);
		fold_append(tab + 1, strlen(tab + 1), &folded);
		gazetteer_add(countries, folded.data, folded.len, value);
	}
	buf_free(&folded);
	gazetteer_prepare(countries);
}

static void found_place(void *ctx, const struct gazetteer_match *m)
{
	struct tags *t = ctx;
	const struct fold *f = &t->fold;
	/* A name is a proper noun: capitalised; a short one (US, UK, UAE) in
	 * capitals throughout. */
	if (!f->upper[m->start] || !fold_short_in_capitals(f, m->start, m->end))
		return;
	uint32_t values[8];
	size_t n = gazetteer_values(countries, m, values, 8);
	if (n > 8)
		n = 8;
	for (size_t i = 0; i < n; i++) {
		bool again = false; /* a name and code given twice, far apart */
		for (size_t j = 0; j < i; j++)
			again = again || values[j] == values[i];
		if (values[i] != NO_COUNTRY && !again)
			span_groups_add(&t->countries, country_codes[values[i]], f->from[m->start],
					f->from[m->end]);
	}
}

void tag_places(struct tags *t, const char *text, size_t n)
{
	pthread_once(&countries_once, countries_init);
	span_groups_clear(&t->countries);
	tags_capitals(t, text, n);
	gazetteer_match_listed(countries, &t->fold, &t->capitals, found_place, t);
}

/* ---- groups of spans ------------------------------------------------------ */

void span_groups_clear(struct span_groups *g)
{
	g->n = 0;
	g->n_spans = 0;
	idmap_clear(&g->index);
}

void span_groups_free(struct span_groups *g)
{
	free(g->items);
	free(g->spans);
	idmap_free(&g->index);
	memset(g, 0, sizeof *g);
}

struct group_key {
	const struct span_groups *g;
	const char *key;
};

static bool same_group(const void *ctx, uint32_t i)
{
	const struct group_key *k = ctx;
	return strcmp(k->g->items[i].key, k->key) == 0;
}

void span_groups_add(struct span_groups *g, const char *key, size_t start, size_t end)
{
	/* found by a hash of the key: a long text's many dates are not each
	 * compared with all the others */
	size_t len = strnlen(key, sizeof g->items->key - 1);
	uint64_t h = hash_run(0, key, len, len);
	size_t i = idmap_find(&g->index, h, same_group, &(struct group_key){g, key});
	if (i == UINT32_MAX) {
		if (g->n == g->cap) {
			g->cap = g->cap ? g->cap * 2 : 16;
			g->items = xrealloc(g->items, g->cap * sizeof *g->items);
		}
		i = g->n++;
		snprintf(g->items[i].key, sizeof g->items[i].key, "%s", key);
		g->items[i].count = 0;
		idmap_add(&g->index, h, (uint32_t)i);
	}
	g->items[i].count++;
	if (g->n_spans + 3 > g->cap_spans) {
		g->cap_spans = g->cap_spans ? g->cap_spans * 2 : 48;
		g->spans = xrealloc(g->spans, g->cap_spans * sizeof *g->spans);
	}
	g->spans[g->n_spans++] = i;
	g->spans[g->n_spans++] = start;
	g->spans[g->n_spans++] = end;
}

static int by_start(const void *a, const void *b)
{
	const size_t *x = a, *y = b;
	return x[1] < y[1] ? -1 : x[1] > y[1];
}

void span_groups_sort(struct span_groups *g)
{
	if (!g->n_spans) /* qsort takes no null array, even empty */
		return;
	qsort(g->spans, g->n_spans / 3, 3 * sizeof *g->spans, by_start);
	/* the groups renumbered in the order of their first mention */
	size_t *index_of = xmalloc(g->n * sizeof *index_of);
	for (size_t i = 0; i < g->n; i++)
		index_of[i] = SIZE_MAX;
	struct span_group *sorted = xmalloc(g->n * sizeof *sorted);
	size_t seen = 0;
	for (size_t i = 0; i < g->n_spans; i += 3) {
		size_t k = g->spans[i];
		if (index_of[k] == SIZE_MAX) {
			index_of[k] = seen;
			sorted[seen++] = g->items[k];
		}
		g->spans[i] = index_of[k];
	}
	memcpy(g->items, sorted, g->n * sizeof *sorted);
	free(sorted);
	free(index_of);
}

bool span_groups_has(const struct span_groups *g, const char *key)
{
	for (size_t i = 0; i < g->n; i++)
		if (strcasecmp(g->items[i].key, key) == 0)
			return true;
	return false;
}

/* A span, [start,end], after a comma unless it is the first. */
static void add_json_span(struct buf *out, bool after, size_t start, size_t end)
{
	buf_adds(out, after ? ",[" : "[");
	buf_add_uint(out, start);
	buf_addc(out, ',');
	buf_add_uint(out, end);
	buf_addc(out, ']');
}

size_t mentions_from(const struct mention *m, size_t from, size_t to, size_t at)
{
	while (from < to) {
		size_t mid = from + (to - from) / 2;
		if (m[mid].start < at)
			from = mid + 1;
		else
			to = mid;
	}
	return from;
}

/* Mentions 0..n put in order by their group, key(ctx, i) < groups, each
 * group's in the order they came (a counting sort): a long text's
 * thousands of dates or names are not each looked for among all the
 * mentions. Group k's are order[grouped_start(k) .. ends[k]). The arrays
 * are here for the few of most records, else from the heap
 * (grouped_free). The struct holds pointers into itself: not copied. */
enum { FEW_GROUPED = 64 };

struct grouped {
	size_t *ends, *order;
	size_t ends_few[FEW_GROUPED], order_few[FEW_GROUPED];
};

static void group_mentions(struct grouped *g, size_t groups, size_t n,
			   size_t (*key)(const void *ctx, size_t i), const void *ctx)
{
	g->ends = groups <= FEW_GROUPED ? g->ends_few : xmalloc(groups * sizeof *g->ends);
	g->order = n <= FEW_GROUPED ? g->order_few : xmalloc(n * sizeof *g->order);
	memset(g->ends, 0, groups * sizeof *g->ends);
	for (size_t i = 0; i < n; i++)
		g->ends[key(ctx, i)]++;
	for (size_t k = 0, sum = 0; k < groups; k++) { /* each group's start */
		size_t count = g->ends[k];
		g->ends[k] = sum;
		sum += count;
	}
	for (size_t i = 0; i < n; i++) /* moves each start to its end */
		g->order[g->ends[key(ctx, i)]++] = i;
}

static size_t grouped_start(const struct grouped *g, size_t k)
{
	return k ? g->ends[k - 1] : 0;
}

static void grouped_free(struct grouped *g)
{
	if (g->ends != g->ends_few)
		free(g->ends);
	if (g->order != g->order_few)
		free(g->order);
}

static size_t span_group_of(const void *ctx, size_t i)
{
	return ((const struct span_groups *)ctx)->spans[3 * i];
}

void span_groups_json(const struct span_groups *g, const char *name, struct buf *out)
{
	struct grouped by;
	group_mentions(&by, g->n, g->n_spans / 3, span_group_of, g);
	buf_addc(out, '[');
	for (size_t i = 0; i < g->n; i++) {
		buf_adds(out, i ? ",{\"" : "{\"");
		buf_adds(out, name);
		buf_adds(out, "\":");
		json_append_string(out, g->items[i].key, strlen(g->items[i].key));
		buf_adds(out, ",\"count\":");
		buf_add_uint(out, g->items[i].count);
		buf_adds(out, ",\"spans\":[");
		for (size_t k = grouped_start(&by, i); k < by.ends[i]; k++)
			add_json_span(out, k > grouped_start(&by, i), g->spans[3 * by.order[k] + 1],
				      g->spans[3 * by.order[k] + 2]);
		buf_adds(out, "]}");
	}
	buf_addc(out, ']');
	grouped_free(&by);
}

/* ---- output ------------------------------------------------------------- */

/* ,"key":v, v as %.4g writes it */
static void add_number(struct buf *out, const char *key, double v)
{
	buf_adds(out, ",\"");
	buf_adds(out, key);
	buf_adds(out, "\":");
	buf_add_g4(out, v);
}

/* ,"key":v */
static void add_count(struct buf *out, const char *key, uint64_t v)
{
	buf_adds(out, ",\"");
	buf_adds(out, key);
	buf_adds(out, "\":");
	buf_add_uint(out, v);
}

static size_t name_of_mention(const void *ctx, size_t i)
{
	return ((const struct tags *)ctx)->mentions[i].name;
}

void tags_json(const struct tags *t, const char *text, struct buf *out)
{
	buf_clear(out);
	buf_addc(out, '{');
	bool first = true;
	if (t->on & TAG_LANG) {
		buf_adds(out, "\"lang\":{\"code\":\"");
		buf_adds(out, t->lang);
		buf_addc(out, '"');
		add_number(out, "score", t->lang_score);
		buf_adds(out, t->lang_reliable ? ",\"reliable\":true" : ",\"reliable\":false");
		if (t->on & TAG_PARAGRAPHS) {
			buf_adds(out, ",\"spans\":[");
			for (size_t i = 0; i < t->n_spans; i++) {
				buf_adds(out, i ? ",[" : "[");
				buf_add_uint(out, t->spans[i].start);
				buf_addc(out, ',');
				buf_add_uint(out, t->spans[i].end);
				buf_adds(out, ",\"");
				buf_adds(out, t->spans[i].lang);
				buf_adds(out, "\"]");
			}
			buf_addc(out, ']');
		}
		buf_addc(out, '}');
		first = false;
	}
	if (t->on & TAG_QUALITY) {
		const struct quality *q = &t->q;
		buf_adds(out, first ? "\"quality\":{\"words\":" : ",\"quality\":{\"words\":");
		buf_add_uint(out, q->words);
		add_count(out, "chars", q->chars);
		add_count(out, "lines", q->lines);
		add_number(out, "mean_word_length", q->mean_word_length);
		add_number(out, "alpha_words", q->alpha_words);
		add_number(out, "end_punct", q->end_punct);
		add_number(out, "symbol_ratio", q->symbol_ratio);
		add_number(out, "digit_ratio", q->digit_ratio);
		add_number(out, "dup_line_frac", q->dup_line_frac);
		add_number(out, "top_2gram_frac", q->top_ngram_frac[0]);
		add_number(out, "top_3gram_frac", q->top_ngram_frac[1]);
		add_number(out, "top_4gram_frac", q->top_ngram_frac[2]);
		buf_addc(out, '}');
		first = false;
	}
	if ((t->on & TAG_OUTLET) && t->outlet_from) {
		buf_adds(out, first ? "\"outlet\":{\"name\":" : ",\"outlet\":{\"name\":");
		json_append_string(out, t->outlet.data, t->outlet.len);
		buf_adds(out, ",\"from\":\"");
		buf_adds(out, t->outlet_from);
		buf_adds(out, "\"}");
		first = false;
	}
	if (t->on & TAG_PLACES) {
		buf_adds(out, first ? "\"countries\":" : ",\"countries\":");
		span_groups_json(&t->countries, "code", out);
		first = false;
	}
	if (t->on & TAG_PEOPLE) {
		static const char *const keys[] = {"people", "orgs", "entities"};
		/* the mentions by name, each name's in text order */
		struct grouped by;
		group_mentions(&by, t->n_found, t->n_mentions, name_of_mention, t);
		for (unsigned label = LABEL_PERSON; label <= LABEL_OTHER; label++) {
			buf_adds(out, first ? "\"" : ",\"");
			buf_adds(out, keys[label]);
			buf_adds(out, "\":[");
			first = false;
			bool any = false;
			/* in the order of their first mention */
			for (size_t m = 0; m < t->n_mentions; m++) {
				const struct found_name *f = &t->found[t->mentions[m].name];
				if (f->label != label || f->first != m)
					continue;
				buf_adds(out, any ? ",{" : "{");
				any = true;
				if (label == LABEL_OTHER) {
					buf_adds(out, "\"label\":");
					json_append_string(out, t->names.data + f->label_off,
							   strlen(t->names.data + f->label_off));
					buf_addc(out, ',');
				}
				buf_adds(out, "\"name\":");
				json_append_string(out, t->names.data + f->name_off, f->name_len);
				add_count(out, "count", f->count);
				buf_adds(out, ",\"spans\":[");
				size_t x = t->mentions[m].name;
				for (size_t k = grouped_start(&by, x); k < by.ends[x]; k++)
					add_json_span(out, k > grouped_start(&by, x),
						      t->mentions[by.order[k]].start,
						      t->mentions[by.order[k]].end);
				buf_adds(out, "]}");
			}
			buf_addc(out, ']');
		}
		grouped_free(&by);
	}
	if (t->on & TAG_QUOTES) {
		buf_adds(out, first ? "\"quotes\":[" : ",\"quotes\":[");
		first = false;
		for (size_t i = 0; i < t->n_quotes; i++) {
			const struct found_quote *q = &t->quotes[i];
			buf_adds(out, i ? ",{\"span\":" : "{\"span\":");
			add_json_span(out, false, q->start, q->end);
			buf_adds(out, ",\"speaker\":");
			if (q->name >= 0) {
				const struct found_name *f = &t->found[q->name];
				json_append_string(out, t->names.data + f->name_off, f->name_len);
			} else if (q->speaker_len) {
				json_append_string(out, text + q->speaker_off, q->speaker_len);
			} else {
				buf_adds(out, "null");
			}
			buf_adds(out, ",\"cue\":");
			if (q->cue) {
				buf_addc(out, '"');
				buf_adds(out, q->cue);
				buf_addc(out, '"');
			} else {
				buf_adds(out, "null");
			}
			if (q->pronoun)
				buf_adds(out, ",\"pronoun\":true");
			buf_addc(out, '}');
		}
		buf_addc(out, ']');
	}
	if (t->on & TAG_DATES) {
		buf_adds(out, first ? "\"dates\":" : ",\"dates\":");
		span_groups_json(&t->dates, "date", out);
	}
	buf_addc(out, '}');
}
