#ifndef NEWSUTILS_IDSET_H
#define NEWSUTILS_IDSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A set of 64-bit keys (hashes), open addressing, grown as needed. */
struct idset {
	uint64_t *slots; /* 0 marks an empty slot; key 0 is stored as 1 */
	size_t count, cap;
};

/* Adds key; returns false if it was there already. */
bool idset_add(struct idset *set, uint64_t key);
/* The slot where the search for key starts in a table of cap slots (a
 * power of two). */
static inline size_t idset_home(size_t cap, uint64_t key)
{
	return (size_t)(key ? key : 1) & (cap - 1); /* key 0 is stored as 1 */
}
/* Starts loading the slot where key would be added. */
static inline void idset_prefetch(const struct idset *set, uint64_t key)
{
	if (set->cap)
		__builtin_prefetch(&set->slots[idset_home(set->cap, key)]);
}
/* Empties the set; a large table is freed rather than cleared. */
void idset_clear(struct idset *set);
/* Frees the set's memory; it may be used again after. */
void idset_free(struct idset *set);

#endif
