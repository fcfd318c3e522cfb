#ifndef NCLEAN_CHARS_H
#define NCLEAN_CHARS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <utf8proc.h>

#include "utf8.h"

/* What utf8proc says of a code point, from tables for the code points
 * below U+0800 (Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic: most
 * letters of text that is not ASCII), made from utf8proc itself on first
 * use; above, utf8proc is asked. The same values, without a call and a
 * walk through utf8proc's tables for each character. */

enum { CHARS_TABLE = 0x800 };

struct chars_tables {
	bool ready;
	unsigned char category[CHARS_TABLE]; /* utf8proc_category */
	bool nfc_quick[CHARS_TABLE]; /* combining class 0, no composition exclusion */
	uint32_t lower[CHARS_TABLE];  /* utf8proc_tolower */
};

extern struct chars_tables chars_tables;
void chars_init(void);

static inline const struct chars_tables *chars(void)
{
	if (!chars_tables.ready)
		chars_init();
	return &chars_tables;
}

static inline utf8proc_category_t chars_category(uint32_t cp)
{
	if (cp < CHARS_TABLE)
		return (utf8proc_category_t)chars()->category[cp];
	return utf8proc_category((utf8proc_int32_t)cp);
}

static inline uint32_t chars_lower(uint32_t cp)
{
	if (cp < CHARS_TABLE)
		return chars()->lower[cp];
	return (uint32_t)utf8proc_tolower((utf8proc_int32_t)cp);
}

/* utf8_decode, with the two-byte sequences (U+0080-U+07FF) done here. */
static inline size_t chars_decode(const char *str, size_t n, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	if (n >= 2 && s[0] >= 0xC2 && s[0] < 0xE0 && (s[1] & 0xC0) == 0x80) {
		*cp = ((s[0] & 0x1Fu) << 6) | (s[1] & 0x3Fu);
		return 2;
	}
	return utf8_decode(str, n, cp);
}

#endif
