#include "utf8.h"

#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

size_t utf8_decode(const char *str, size_t n, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	if (n == 0)
		return 0;
	unsigned c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c < 0xC2)
		return 0; /* continuation byte or overlong 2-byte lead */
	if (c < 0xE0) {
		if (n < 2 || (s[1] & 0xC0) != 0x80)
			return 0;
		*cp = ((c & 0x1Fu) << 6) | (s[1] & 0x3Fu);
		return 2;
	}
	if (c < 0xF0) {
		if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		if (c == 0xE0 && s[1] < 0xA0)
			return 0; /* overlong */
		if (c == 0xED && s[1] >= 0xA0)
			return 0; /* surrogate */
		*cp = ((c & 0x0Fu) << 12) | ((s[1] & 0x3Fu) << 6) | (s[2] & 0x3Fu);
		return 3;
	}
	if (c < 0xF5) {
		if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
		    (s[3] & 0xC0) != 0x80)
			return 0;
		if (c == 0xF0 && s[1] < 0x90)
			return 0; /* overlong */
		if (c == 0xF4 && s[1] >= 0x90)
			return 0; /* past U+10FFFF */
		*cp = ((c & 0x07u) << 18) | ((s[1] & 0x3Fu) << 12) |
		      ((s[2] & 0x3Fu) << 6) | (s[3] & 0x3Fu);
		return 4;
	}
	return 0;
}

size_t utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Skips the ASCII run starting at i; most news text is mostly ASCII. */
static size_t skip_ascii(const unsigned char *s, size_t i, size_t n)
{
#ifdef __SSE2__
	while (i + 16 <= n) {
		__m128i v = _mm_loadu_si128((const __m128i *)(s + i));
		int mask = _mm_movemask_epi8(v);
		if (mask)
			return i + (size_t)__builtin_ctz((unsigned)mask);
		i += 16;
	}
#endif
	while (i < n && s[i] < 0x80)
		i++;
	return i;
}

size_t utf8_valid_prefix(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	for (;;) {
		i = skip_ascii(s, i, n);
		if (i >= n)
			return n;
		uint32_t cp;
		size_t k = utf8_decode(str + i, n - i, &cp);
		if (!k)
			return i;
		i += k;
	}
}

bool utf8_is_valid(const char *s, size_t n)
{
	return utf8_valid_prefix(s, n) == n;
}

size_t utf8_sanitize(const char *s, size_t n, void (*emit)(void *ctx, const char *p, size_t k),
		     void *ctx)
{
	size_t replaced = 0, i = 0;
	while (i < n) {
		size_t good = utf8_valid_prefix(s + i, n - i);
		if (good)
			emit(ctx, s + i, good);
		i += good;
		if (i < n) {
			size_t bad = i;
			emit(ctx, "\xEF\xBF\xBD", 3);
			/* One U+FFFD for the bad byte and the continuation bytes
			 * that follow it, so that a damaged character stays one. */
			i++;
			while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
				i++;
			replaced += i - bad;
		}
	}
	return replaced;
}

static void add_to_buf(void *ctx, const char *p, size_t k)
{
	buf_add(ctx, p, k);
}

size_t utf8_append_sanitized(struct buf *out, const char *s, size_t n)
{
	buf_reserve(out, n);
	return utf8_sanitize(s, n, add_to_buf, out);
}

size_t utf8_count(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	/* Every byte but the continuation bytes (10xxxxxx) starts a code
	 * point: count those eight at a time, from bit 7 set and bit 6 clear. */
	size_t continuation = 0, i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		uint64_t bits = (w & ~(w << 1) & 0x8080808080808080u) >> 7; /* 0 or 1 a byte */
		continuation += (size_t)((bits * 0x0101010101010101u) >> 56);
	}
	for (; i < n; i++)
		continuation += (s[i] & 0xC0) == 0x80;
	return n - continuation;
}

size_t utf8_cursor_cp(struct utf8_cursor *c, size_t byte)
{
	if (byte > c->n)
		byte = c->n;
	if (byte >= c->byte)
		c->cp += utf8_count(c->s + c->byte, byte - c->byte);
	else if (byte < c->byte - byte) /* nearer the start: count from there */
		c->cp = utf8_count(c->s, byte);
	else
		c->cp -= utf8_count(c->s + byte, c->byte - byte);
	c->byte = byte;
	return c->cp;
}

size_t utf8_cursor_byte(struct utf8_cursor *c, size_t cp)
{
	if (cp < c->cp) {
		if (cp < c->cp - cp) { /* nearer the start: walk on from there */
			c->byte = 0;
			c->cp = 0;
		} else {
			while (c->cp > cp) { /* back to the byte that starts each code point */
				c->byte--;
				while (c->byte > 0 && ((unsigned char)c->s[c->byte] & 0xC0) == 0x80)
					c->byte--;
				c->cp--;
			}
			return c->byte;
		}
	}
	while (c->cp < cp && c->byte < c->n) {
		c->byte++;
		while (c->byte < c->n && ((unsigned char)c->s[c->byte] & 0xC0) == 0x80)
			c->byte++;
		c->cp++;
	}
	return c->byte;
}
