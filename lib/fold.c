#include "fold.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "utf8.h"

/* The folding of each code point below CACHED, made once: Latin, Greek,
 * Cyrillic and the other alphabets news is written in. Above it (CJK,
 * Hangul, ...) a code point folds to itself, but for the few blocks
 * utf8proc is asked about. */
enum { CACHED = 0x3000, MAX_FOLD = 12 };

struct folded {
	unsigned char len, upper;
	char s[MAX_FOLD];
};

static struct folded *table;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

/* Folds cp by utf8proc into out; returns the bytes written. */
static size_t fold_slow(uint32_t cp, char out[MAX_FOLD])
{
	if (cp == 0x130 || cp == 0x131) { /* İ ı */
		out[0] = 'i';
		return 1;
	}
	/* Punctuation, symbols and spaces outside ASCII fold to their ASCII
	 * kin, or to a space: a word ends at them ("Çavuşoğlu’s"). */
	utf8proc_category_t cat = utf8proc_category((utf8proc_int32_t)cp);
	if (cat == UTF8PROC_CATEGORY_CF)
		return 0; /* soft hyphens, joiners: inside words, they go */
	if (cat >= UTF8PROC_CATEGORY_PC) {
		switch (cp) {
		case 0x2018: case 0x2019: case 0x201B: case 0x2032: case 0x02BC:
			out[0] = '\'';
			return 1;
		case 0x201C: case 0x201D: case 0x201E: case 0x2033: case 0xAB: case 0xBB:
			out[0] = '"';
			return 1;
		case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015:
		case 0x2212:
			out[0] = '-';
			return 1;
		case 0x2026:
			memcpy(out, "...", 3);
			return 3;
		}
		out[0] = ' ';
		return 1;
	}
	utf8proc_int32_t cps[8];
	utf8proc_ssize_t k = utf8proc_decompose_char(
		(utf8proc_int32_t)cp, cps, 8,
		UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK,
		NULL);
	size_t len = 0;
	if (k < 0 || k > 8) {
		return utf8_encode(cp, out);
	}
	for (utf8proc_ssize_t i = 0; i < k; i++) {
		uint32_t c = (uint32_t)cps[i];
		if (c == 0x131)
			c = 'i';
		if (len + 4 > MAX_FOLD)
			break;
		len += utf8_encode(c, out + len);
	}
	return len;
}

static unsigned char is_upper(uint32_t cp)
{
	utf8proc_category_t c = utf8proc_category((utf8proc_int32_t)cp);
	return c == UTF8PROC_CATEGORY_LU || c == UTF8PROC_CATEGORY_LT;
}

static void table_init(void)
{
	table = xcalloc(CACHED, sizeof *table);
	for (uint32_t cp = 0; cp < CACHED; cp++) {
		if (cp >= 0xD800 && cp < 0xE000)
			continue;
		if (cp < 0x80) {
			table[cp].len = 1;
			table[cp].s[0] = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
			table[cp].upper = cp >= 'A' && cp <= 'Z';
			continue;
		}
		table[cp].len = (unsigned char)fold_slow(cp, table[cp].s);
		table[cp].upper = is_upper(cp);
	}
}

/* Blocks above CACHED whose characters fold to others: fullwidth and
 * halfwidth forms, alphabetic presentation forms, Latin Extended-D/E. */
static int folds_above(uint32_t cp)
{
	return (cp >= 0xA640 && cp < 0xA800) || (cp >= 0xAB30 && cp < 0xAB70) ||
	       (cp >= 0xFB00 && cp < 0xFB50) || (cp >= 0xFF00 && cp < 0xFFF0) ||
	       (cp >= 0x1D400 && cp < 0x1D800);
}

static size_t fold_cp(uint32_t cp, const char *orig, size_t orig_len, char out[MAX_FOLD],
		      unsigned char *upper)
{
	if (cp < CACHED) {
		memcpy(out, table[cp].s, table[cp].len);
		*upper = table[cp].upper;
		return table[cp].len;
	}
	*upper = is_upper(cp);
	if (folds_above(cp) ||
	    utf8proc_category((utf8proc_int32_t)cp) >= UTF8PROC_CATEGORY_PC)
		return fold_slow(cp, out);
	memcpy(out, orig, orig_len);
	return orig_len;
}

static void grow(struct fold *f, size_t need)
{
	if (need <= f->cap)
		return;
	size_t cap = f->cap ? f->cap : 256;
	while (cap < need)
		cap *= 2;
	f->from = xrealloc(f->from, cap * sizeof *f->from);
	f->upper = xrealloc(f->upper, cap);
	f->cap = cap;
}

void fold_text(const char *s, size_t n, struct fold *f)
{
	pthread_once(&table_once, table_init);
	buf_clear(&f->text);
	/* ASCII folds byte for byte; a character that folds longer makes
	 * room for itself and the rest. */
	buf_reserve(&f->text, n + 1);
	grow(f, n + 1);
	size_t w = 0;
	uint32_t index = 0;
	for (size_t i = 0; i < n; index++) {
#ifdef __SSE2__
		/* Runs of ASCII, most of most texts, 16 bytes at a time: each
		 * byte one code point, capitals lowercased and noted. */
		while (i + 16 <= n) {
			const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
			if (_mm_movemask_epi8(v))
				break;
			const __m128i up = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('A' - 1)),
							 _mm_cmplt_epi8(v, _mm_set1_epi8('Z' + 1)));
			_mm_storeu_si128((__m128i *)(void *)(f->text.data + w),
					 _mm_or_si128(v, _mm_and_si128(up, _mm_set1_epi8(0x20))));
			_mm_storeu_si128((__m128i *)(void *)(f->upper + w),
					 _mm_and_si128(up, _mm_set1_epi8(1)));
			const __m128i from = _mm_add_epi32(_mm_set1_epi32((int)index),
							   _mm_setr_epi32(0, 1, 2, 3));
			for (int k = 0; k < 4; k++)
				_mm_storeu_si128((__m128i *)(void *)(f->from + w + 4 * k),
						 _mm_add_epi32(from, _mm_set1_epi32(4 * k)));
			w += 16;
			i += 16;
			index += 16;
		}
		if (i >= n)
			break;
#endif
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			bool up = c >= 'A' && c <= 'Z';
			f->text.data[w] = (char)(up ? c + 32 : c);
			f->upper[w] = up;
			f->from[w++] = index;
			i++;
			continue;
		}
		char out[MAX_FOLD];
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp), len;
		unsigned char up = 0;
		if (!k) {
			k = 1;
			out[0] = ' ';
			len = 1;
		} else {
			len = fold_cp(cp, s + i, k, out, &up);
		}
		if (len > k) {
			f->text.len = w;
			buf_reserve(&f->text, len + (n - i - k) + 1);
			grow(f, w + len + (n - i - k) + 1);
		}
		memcpy(f->text.data + w, out, len);
		for (size_t j = 0; j < len; j++) {
			f->from[w + j] = index;
			f->upper[w + j] = up;
		}
		w += len;
		i += k;
	}
	f->text.len = w;
	f->from[w] = index;
	f->upper[w] = 0;
	f->text.data[w] = '\0';
}

void fold_free(struct fold *f)
{
	buf_free(&f->text);
	free(f->from);
	free(f->upper);
	memset(f, 0, sizeof *f);
}

bool fold_short_in_capitals(const struct fold *f, size_t start, size_t end)
{
	size_t letters = 0;
	bool all_caps = true;
	for (size_t i = start; i < end; i++)
		if (fold_is_word_byte((unsigned char)f->text.data[i])) {
			letters++;
			all_caps = all_caps && f->upper[i];
		}
	return letters > 3 || all_caps;
}

void fold_append(const char *s, size_t n, struct buf *out)
{
	struct fold f = {0};
	fold_text(s, n, &f);
	buf_add(out, f.text.data, f.text.len);
	fold_free(&f);
}
