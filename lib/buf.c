#include "buf.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

/* Out of memory is the one condition the library cannot hand back to its
 * caller in a useful way: every caller would die anyway. */
static void out_of_memory(size_t n)
{
	fprintf(stderr, "%s: out of memory (asked for %zu bytes)\n", diag_progname(), n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		out_of_memory(n);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		out_of_memory(n);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		out_of_memory(n * size);
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

size_t buf_capacity_for(const struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need < b->len)
		out_of_memory(SIZE_MAX);
	if (need <= b->cap)
		return b->cap;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	return cap;
}

void buf_reserve(struct buf *b, size_t extra)
{
	size_t cap = buf_capacity_for(b, extra);
	if (cap == b->cap)
		return;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

void buf_add(struct buf *b, const void *p, size_t n)
{
	buf_reserve(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_addc(struct buf *b, char c)
{
	buf_reserve(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void buf_clear(struct buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

void buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void buf_add_uint(struct buf *b, uint64_t v)
{
	char digits[20];
	size_t n = 0;
	do {
		digits[sizeof digits - ++n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	buf_add(b, digits + sizeof digits - n, n);
}

void buf_add_g4(struct buf *b, double v)
{
	/* %.4g writes v in style f with 3 - X decimals when its exponent X
	 * (after rounding to four digits) is -4 to 3, then drops the trailing
	 * zeros. Here: v scaled by an exact power of ten to [1000, 10000),
	 * rounded to an integer of four digits. The scaling rounds once, so
	 * the integer is right unless v lies within a hair of a tie between
	 * two: those, and the other styles, are left to printf. */
	static const double tens[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7};
	double a = fabs(v);
	if (!(a >= 1e-4 && a < 9999.5)) {
		if (v == 0) {
			buf_adds(b, signbit(v) ? "-0" : "0");
			return;
		}
		buf_printf(b, "%.4g", v);
		return;
	}
	int x = 3; /* the exponent: 10^x <= a < 10^(x + 1), 10^x as a double */
	while (x > -4 && a < tens[x + 4] / 1e4)
		x--;
	double scaled = a * tens[3 - x];
	double whole = floor(scaled), frac = scaled - whole;
	if (fabs(frac - 0.5) < 1e-6) {
		buf_printf(b, "%.4g", v);
		return;
	}
	uint64_t r = (uint64_t)whole + (frac > 0.5);
	if (r == 10000) { /* 9.9996 rounds up to 10.00 */
		r = 1000;
		x++;
	}
	if (x > 3) {
		buf_printf(b, "%.4g", v);
		return;
	}
	char out[16], *w = out;
	if (signbit(v))
		*w++ = '-';
	char d[4];
	for (int k = 3; k >= 0; k--, r /= 10)
		d[k] = (char)('0' + r % 10);
	int last = 3; /* the last digit kept: trailing zeros go */
	while (last > 0 && d[last] == '0' && last > x)
		last--;
	if (x >= 0) {
		for (int k = 0; k <= x; k++)
			*w++ = d[k];
		if (last > x) {
			*w++ = '.';
			for (int k = x + 1; k <= last; k++)
				*w++ = d[k];
		}
	} else {
		*w++ = '0';
		*w++ = '.';
		for (int k = -1; k > x; k--)
			*w++ = '0';
		for (int k = 0; k <= last; k++)
			*w++ = d[k];
	}
	buf_add(b, out, (size_t)(w - out));
}
