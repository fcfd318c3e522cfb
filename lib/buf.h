#ifndef NEWSUTILS_BUF_H
#define NEWSUTILS_BUF_H

#include <stddef.h>
#include <stdint.h>

/* A growable byte buffer; data is always NUL-terminated for convenience
 * but may itself contain NUL bytes. */
struct buf {
	char *data;
	size_t len;
	size_t cap;
};

/* Makes sure at least extra more bytes fit; aborts on out-of-memory. */
void buf_reserve(struct buf *b, size_t extra);
/* The capacity buf_reserve(b, extra) would leave b with (b->cap when it
 * has room already). */
size_t buf_capacity_for(const struct buf *b, size_t extra);
/* Appends n bytes. */
void buf_add(struct buf *b, const void *p, size_t n);
/* Appends a NUL-terminated string. */
void buf_adds(struct buf *b, const char *s);
/* Appends one byte. */
void buf_addc(struct buf *b, char c);
/* Appends printf-formatted text. */
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Appends v in decimal, as printf's "%llu" writes it. */
void buf_add_uint(struct buf *b, uint64_t v);
/* Appends v as printf's "%.4g" writes it: four significant digits, with
 * trailing zeros dropped. Most numbers are written without printf (which
 * is slow), the rest, and any that would round a tie, by it. */
void buf_add_g4(struct buf *b, double v);
/* Empties the buffer, keeping its memory. */
void buf_clear(struct buf *b);
/* Frees the memory; the buffer may be reused after. */
void buf_free(struct buf *b);

/* malloc/realloc/strdup that abort with a message instead of returning NULL. */
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
void *xcalloc(size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
