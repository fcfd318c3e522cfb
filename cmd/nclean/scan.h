#ifndef NCLEAN_SCAN_H
#define NCLEAN_SCAN_H

/* Byte scans that nclean runs over every line of every record: 16 bytes at
 * a time where SSE2 is there (every x86-64), a byte at a time elsewhere.
 * Each returns exactly what its plain loop would. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* The offset of the first byte at or after i that is a or b, or n. */
static inline size_t scan_find2(const char *str, size_t i, size_t n, char a, char b)
{
	const unsigned char *s = (const unsigned char *)str;
#ifdef __SSE2__
	const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b);
	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(s + i));
		unsigned mask = (unsigned)_mm_movemask_epi8(
			_mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)));
		if (mask)
			return i + (size_t)__builtin_ctz(mask);
	}
#endif
	for (; i < n; i++)
		if (s[i] == (unsigned char)a || s[i] == (unsigned char)b)
			return i;
	return n;
}

/* The offset of the first byte c at or after i, or n: memchr, inlined
 * for the lines of some tens of bytes it mostly looks through. The last
 * block ends at n, and the bytes before i drop out of it. */
static inline size_t scan_find(const char *str, size_t i, size_t n, char c)
{
	const unsigned char *s = (const unsigned char *)str;
	if (i >= n)
		return n;
#ifdef __SSE2__
	if (n >= 16) {
		const __m128i vc = _mm_set1_epi8(c);
		for (;;) {
			size_t at = i + 16 <= n ? i : n - 16;
			unsigned mask = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
				_mm_loadu_si128((const __m128i *)(const void *)(s + at)), vc));
			mask &= 0xFFFFu << (i - at);
			if (mask)
				return at + (size_t)__builtin_ctz(mask);
			if (at + 16 >= n)
				return n;
			i = at + 16;
		}
	}
#endif
	for (; i < n; i++)
		if (s[i] == (unsigned char)c)
			return i;
	return n;
}

/* 0x80 in each byte of w that is zero, 0 in the others (exactly: no
 * borrow runs from one byte into the next). */
static inline uint64_t scan_zero_bytes(uint64_t w)
{
	const uint64_t low7 = 0x7F7F7F7F7F7F7F7Fu;
	return ~(((w & low7) + low7) | w | low7);
}

/* The offset of the first of two spaces in a row at or after i, or n.
 * Blocks overlap by one byte, so that every pair is inside one of them;
 * the last one ends at n, and pairs before i drop out of it. */
static inline size_t scan_find_double_space(const char *str, size_t i, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	if (i >= n)
		return n;
#ifdef __SSE2__
	if (n - i >= 16) {
		const __m128i sp = _mm_set1_epi8(' ');
		for (;;) {
			size_t at = i + 16 <= n ? i : n - 16;
			unsigned mask = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
				_mm_loadu_si128((const __m128i *)(const void *)(s + at)), sp));
			mask &= (mask >> 1) & (0xFFFFu << (i - at)); /* bit j: a pair at at + j */
			if (mask)
				return at + (size_t)__builtin_ctz(mask);
			if (at + 16 >= n)
				return n;
			i = at + 15;
		}
	}
#endif
	if (n - i >= 8) {
		for (;;) {
			size_t at = i + 8 <= n ? i : n - 8;
			uint64_t w;
			memcpy(&w, s + at, 8);
			uint64_t z = scan_zero_bytes(w ^ 0x2020202020202020u);
			/* 0x80 in byte j: a pair at at + j; bytes before i drop out */
			uint64_t pairs = z & (z >> 8) & (~(uint64_t)0 << (8 * (i - at)));
			if (pairs)
				return at + (size_t)__builtin_ctzll(pairs) / 8;
			if (at + 8 >= n)
				return n;
			i = at + 7;
		}
	}
	for (; i + 1 < n; i++)
		if (s[i] == ' ' && s[i + 1] == ' ')
			return i;
	return n;
}

/* Whether s[0..n) holds a byte from lo to hi (ASCII). The last block of
 * 16 ends at n. */
static inline bool scan_has_range(const char *str, size_t n, char lo, char hi)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
#ifdef __SSE2__
	if (n >= 16) {
		/* signed compares: bytes of 0x80 and above are negative, below lo */
		const __m128i below = _mm_set1_epi8((char)(lo - 1)), above = _mm_set1_epi8((char)(hi + 1));
		for (;; i += 16) {
			if (i + 16 > n)
				i = n - 16;
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
			if (_mm_movemask_epi8(_mm_and_si128(_mm_cmpgt_epi8(v, below), _mm_cmplt_epi8(v, above))))
				return true;
			if (i + 16 >= n)
				return false;
		}
	}
#endif
	for (; i < n; i++)
		if (s[i] >= (unsigned char)lo && s[i] <= (unsigned char)hi)
			return true;
	return false;
}

/* Whether s[0..n) holds any of the bytes a, b and c. A line of 16 bytes
 * or more is looked at in blocks of 16, the last one ending at n. */
static inline bool scan_has3(const char *str, size_t n, char a, char b, char c)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
#ifdef __SSE2__
	if (n >= 16) {
		const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b), vc = _mm_set1_epi8(c);
		for (;; i += 16) {
			if (i + 16 > n)
				i = n - 16;
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
			__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)),
						 _mm_cmpeq_epi8(v, vc));
			if (_mm_movemask_epi8(m))
				return true;
			if (i + 16 >= n)
				return false;
		}
	}
#endif
	for (; i < n; i++)
		if (s[i] == (unsigned char)a || s[i] == (unsigned char)b || s[i] == (unsigned char)c)
			return true;
	return false;
}

/* The offset of the first of the bytes a, b and c at or after i, or n. */
static inline size_t scan_find3(const char *str, size_t i, size_t n, char a, char b, char c)
{
	const unsigned char *s = (const unsigned char *)str;
#ifdef __SSE2__
	const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b), vc = _mm_set1_epi8(c);
	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		unsigned mask = (unsigned)_mm_movemask_epi8(_mm_or_si128(
			_mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)), _mm_cmpeq_epi8(v, vc)));
		if (mask)
			return i + (size_t)__builtin_ctz(mask);
	}
#endif
	for (; i < n; i++)
		if (s[i] == (unsigned char)a || s[i] == (unsigned char)b || s[i] == (unsigned char)c)
			return i;
	return n;
}

/* The offset of the first byte of 0x80 or above at or after i, or n. */
static inline size_t scan_skip_ascii(const char *str, size_t i, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
#ifdef __SSE2__
	for (; i + 16 <= n; i += 16) {
		unsigned mask = (unsigned)_mm_movemask_epi8(_mm_loadu_si128((const __m128i *)(s + i)));
		if (mask)
			return i + (size_t)__builtin_ctz(mask);
	}
#endif
	while (i < n && s[i] < 0x80)
		i++;
	return i;
}

/* The offset of the first byte at or after i that is not printable ASCII
 * (0x20-0x7E) or '\n', or n. */
static inline size_t scan_skip_plain(const char *str, size_t i, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
#ifdef __SSE2__
	/* Signed compares: bytes of 0x80 and above are negative. */
	const __m128i low = _mm_set1_epi8(0x1F), high = _mm_set1_epi8(0x7F),
		      nl = _mm_set1_epi8('\n');
	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(s + i));
		__m128i ok = _mm_or_si128(_mm_and_si128(_mm_cmpgt_epi8(v, low), _mm_cmplt_epi8(v, high)),
					  _mm_cmpeq_epi8(v, nl));
		unsigned mask = (unsigned)_mm_movemask_epi8(ok) ^ 0xFFFFu;
		if (mask)
			return i + (size_t)__builtin_ctz(mask);
	}
#endif
	while (i < n && ((s[i] >= 0x20 && s[i] < 0x7F) || s[i] == '\n'))
		i++;
	return i;
}


/* The offset of the first byte at or after i that may start a code point
 * of U+0300 or above (a lead byte of 0xCC or above), or n. Below U+0300
 * every character is a starter that no NFC composition excludes. */
static inline size_t scan_skip_below_300(const char *str, size_t i, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
#ifdef __SSE2__
	const __m128i top = _mm_set1_epi8((char)0xCB);
	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(s + i));
		/* v <= 0xCB, unsigned: max(v, 0xCB) is 0xCB */
		__m128i ok = _mm_cmpeq_epi8(_mm_max_epu8(v, top), top);
		unsigned mask = (unsigned)_mm_movemask_epi8(ok) ^ 0xFFFFu;
		if (mask)
			return i + (size_t)__builtin_ctz(mask);
	}
#endif
	while (i < n && s[i] <= 0xCB)
		i++;
	return i;
}

/* The offset of the first byte at or after i that is neither printable
 * ASCII, '\n', nor a byte of 0x80 and above that cannot start one of the
 * characters the normaliser maps (U+0080-U+00AD: lead 0xC2; U+1680: 0xE1;
 * U+2000-U+2060: 0xE2; U+3000: 0xE3; U+FEFF: 0xEF), or n. Text in UTF-8
 * stops only there, at the start of a character. */
static inline size_t scan_skip_unmapped(const char *str, size_t i, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
#ifdef __SSE2__
	/* Signed compares: bytes of 0x80 and above are negative. */
	const __m128i low = _mm_set1_epi8(0x1F), high = _mm_set1_epi8(0x7F),
		      nl = _mm_set1_epi8('\n'), zero = _mm_setzero_si128(),
		      c2 = _mm_set1_epi8((char)0xC2), e1 = _mm_set1_epi8((char)0xE1),
		      ef = _mm_set1_epi8((char)0xEF);
	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(s + i));
		__m128i plain = _mm_or_si128(_mm_and_si128(_mm_cmpgt_epi8(v, low), _mm_cmplt_epi8(v, high)),
					     _mm_cmpeq_epi8(v, nl));
		/* E1, E2 and E3: v - 0xE1 below 3, unsigned */
		__m128i in_e = _mm_cmpeq_epi8(_mm_min_epu8(_mm_sub_epi8(v, e1), _mm_set1_epi8(2)),
					      _mm_sub_epi8(v, e1));
		__m128i lead = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, c2), _mm_cmpeq_epi8(v, ef)),
					    in_e);
		__m128i high_ok = _mm_andnot_si128(lead, _mm_cmplt_epi8(v, zero));
		unsigned mask = (unsigned)_mm_movemask_epi8(_mm_or_si128(plain, high_ok)) ^ 0xFFFFu;
		if (mask)
			return i + (size_t)__builtin_ctz(mask);
	}
#endif
	while (i < n && ((s[i] >= 0x20 && s[i] < 0x7F) || s[i] == '\n' ||
			 (s[i] >= 0x80 && s[i] != 0xC2 && (s[i] < 0xE1 || s[i] > 0xE3) && s[i] != 0xEF)))
		i++;
	return i;
}

/* Whether the eight bytes at s hold two spaces in a row. */
static inline bool scan_double_space8(const unsigned char *s)
{
	uint64_t w;
	memcpy(&w, s, 8);
	uint64_t z = scan_zero_bytes(w ^ 0x2020202020202020u);
	return (z & (z >> 8)) != 0;
}

/* The offset of the first byte at or after i that is not printable ASCII
 * (0x20-0x7E) other than '&' and '<', nor '\n'; or n. */
static inline size_t scan_skip_clean(const char *str, size_t i, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
#ifdef __SSE2__
	/* Signed compares: bytes of 0x80 and above are negative. */
	const __m128i low = _mm_set1_epi8(0x1F), high = _mm_set1_epi8(0x7F),
		      nl = _mm_set1_epi8('\n'), amp = _mm_set1_epi8('&'), lt = _mm_set1_epi8('<');
	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		__m128i plain = _mm_and_si128(_mm_cmpgt_epi8(v, low), _mm_cmplt_epi8(v, high));
		__m128i markup = _mm_or_si128(_mm_cmpeq_epi8(v, amp), _mm_cmpeq_epi8(v, lt));
		__m128i ok = _mm_or_si128(_mm_andnot_si128(markup, plain), _mm_cmpeq_epi8(v, nl));
		unsigned mask = (unsigned)_mm_movemask_epi8(ok) ^ 0xFFFFu;
		if (mask)
			return i + (size_t)__builtin_ctz(mask);
	}
#endif
	while (i < n && (((s[i] >= 0x20 && s[i] < 0x7F) && s[i] != '&' && s[i] != '<') ||
			 s[i] == '\n'))
		i++;
	return i;
}

/* The offset of the first '\n' at or after i, or n; *pair says whether
 * two spaces in a row stand in s[i..] before it, *ascii whether all its
 * bytes there are below 0x80. */
static inline size_t scan_line(const char *str, size_t i, size_t n, bool *pair, bool *ascii)
{
	const unsigned char *s = (const unsigned char *)str;
	bool found = false, space = false; /* the byte before is a space */
	unsigned high = 0; /* bytes of 0x80 and above seen */
#ifdef __SSE2__
	const __m128i nl = _mm_set1_epi8('\n'), sp = _mm_set1_epi8(' ');
	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		unsigned lines = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl));
		unsigned spaces = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, sp));
		unsigned highs = (unsigned)_mm_movemask_epi8(v);
		if (lines) {
			unsigned before = (1u << __builtin_ctz(lines)) - 1; /* the bytes before it */
			spaces &= before;
			highs &= before;
		}
		found |= (spaces & (spaces >> 1)) != 0 || (space && (spaces & 1));
		high |= highs;
		if (lines) {
			*pair = found;
			*ascii = !high;
			return i + (size_t)__builtin_ctz(lines);
		}
		space = spaces >> 15;
	}
#endif
	for (; i < n && s[i] != '\n'; i++) {
		found |= space && s[i] == ' ';
		space = s[i] == ' ';
		high |= s[i] & 0x80;
	}
	*pair = found;
	*ascii = !high;
	return i;
}

/* Whether s[0..n) holds two spaces in a row. A line is looked at in
 * blocks that may overlap (a pair is inside one of them), not byte by
 * byte at its end. */
static inline bool scan_has_double_space(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	if (n < 8) {
		for (size_t i = 0; i + 1 < n; i++)
			if (s[i] == ' ' && s[i + 1] == ' ')
				return true;
		return false;
	}
#ifdef __SSE2__
	if (n >= 16) {
		const __m128i sp = _mm_set1_epi8(' ');
		for (size_t i = 0;; i += 15) {
			/* blocks of 16 that overlap by one: every pair is in one */
			if (i + 16 > n)
				i = n - 16;
			unsigned mask = (unsigned)_mm_movemask_epi8(
				_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(s + i)), sp));
			if (mask & (mask >> 1))
				return true;
			if (i + 16 >= n)
				return false;
		}
	}
#endif
	/* words of 8 that overlap by one, the last one ending at n */
	for (size_t i = 0;; i += 7) {
		if (i + 8 > n)
			i = n - 8;
		if (scan_double_space8(s + i))
			return true;
		if (i + 8 >= n)
			return false;
	}
}

/* The number of bits set in a 16-bit mask, without a call to libgcc. */
static inline unsigned scan_popcount16(unsigned x)
{
	x = x - ((x >> 1) & 0x5555u);
	x = (x & 0x3333u) + ((x >> 2) & 0x3333u);
	x = (x + (x >> 4)) & 0x0F0Fu;
	return (x + (x >> 8)) & 0x1Fu;
}

/* The number of spaces in s[0..n), counted up to limit (and at least
 * that many then). */
static inline size_t scan_count_spaces(const char *str, size_t n, size_t limit)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t spaces = 0, i = 0;
#ifdef __SSE2__
	if (n >= 16) {
		const __m128i sp = _mm_set1_epi8(' ');
		while (i < n && spaces < limit) {
			/* the last block ends at n; the bytes counted before drop out */
			size_t at = i + 16 <= n ? i : n - 16;
			unsigned mask = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
				_mm_loadu_si128((const __m128i *)(const void *)(s + at)), sp));
			spaces += scan_popcount16(mask & (0xFFFFu << (i - at)));
			i = at + 16;
		}
		return spaces;
	}
#endif
	for (; i < n && spaces < limit; i++)
		spaces += s[i] == ' ';
	return spaces;
}

/* The number of words of s[0..n): runs of bytes other than ' ' and '\n'.
 * Stops counting at limit (returns limit then). */
static inline size_t scan_words(const char *str, size_t n, size_t limit)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t words = 0;
#ifdef __SSE2__
	if (n >= 16) {
		/* A word starts where a byte that is no space follows a space (or
		 * the start): count the starts of 16 bytes at once. The last block
		 * ends at n; the bytes counted before drop out. */
		const __m128i sp = _mm_set1_epi8(' '), nl = _mm_set1_epi8('\n');
		bool in = false; /* the byte before the block is a word's */
		size_t i = 0;
		while (i < n && words < limit) {
			size_t at = i + 16 <= n ? i : n - 16;
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + at));
			unsigned space = (unsigned)_mm_movemask_epi8(
				_mm_or_si128(_mm_cmpeq_epi8(v, sp), _mm_cmpeq_epi8(v, nl)));
			unsigned shift = (unsigned)(i - at);
			unsigned word = (space ^ 0xFFFFu) >> shift;
			unsigned before_space = ((space >> shift) << 1) | (in ? 0u : 1u);
			words += scan_popcount16(word & before_space & 0xFFFFu);
			in = !(space & 0x8000u);
			i = at + 16;
		}
		return words < limit ? words : limit;
	}
#endif
	bool in = false;
	for (size_t i = 0; i < n && words < limit; i++) {
		bool space = s[i] == ' ' || s[i] == '\n';
		words += !space && !in;
		in = !space;
	}
	return words < limit ? words : limit;
}

#endif
