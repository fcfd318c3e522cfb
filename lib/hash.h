#ifndef NEWSUTILS_HASH_H
#define NEWSUTILS_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Mixes the bytes s[0..n) into the hash h, 8 at a time: a multiply for
 * each 8, where FNV-1a takes one a byte. The last 0 to 7 bytes go in as
 * the low bytes of a word whose top byte is their number. readable bytes
 * from s may be read (readable >= n): where 8 can be, the last part is
 * loaded whole and masked. Words of a text are hashed with it, whole
 * (ntag's quality tagger, the gazetteer's first words). */
static inline uint64_t hash_run(uint64_t h, const char *s, size_t n, size_t readable)
{
	const uint64_t k = 0x9E3779B97F4A7C15ull;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t x;
		memcpy(&x, s + i, 8);
		h = (h ^ x) * k;
		h ^= h >> 32;
	}
	size_t rest = n - i;
	uint64_t x;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (i + 8 <= readable) {
		/* Most words are shorter than 8 bytes: one load of 8, the
		 * bytes past the word masked off. Copying a word's few bytes
		 * into x and reading it whole waited for the copy each time. */
		memcpy(&x, s + i, 8);
		x = (x & (((uint64_t)1 << (8 * rest)) - 1)) | (uint64_t)rest << 56;
	} else
#endif
	{
		x = (uint64_t)rest << 56;
		memcpy(&x, s + i, rest);
	}
	h = (h ^ x) * k;
	return h ^ h >> 32;
}

#endif
