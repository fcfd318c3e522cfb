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

/* An index to the items of a list kept elsewhere, by a 64-bit hash of
 * each item's key, open addressing, grown as needed: a hash may lead to
 * several items, and the caller compares their keys. */
struct idmap {
	uint64_t *keys; /* 0 marks an empty slot; key 0 is stored as 1 */
	uint32_t *values;
	size_t count, cap;
};

/* A value of key for which same(ctx, value) holds, or UINT32_MAX when
 * none does. */
uint32_t idmap_find(const struct idmap *map, uint64_t key,
		    bool (*same)(const void *ctx, uint32_t value), const void *ctx);
/* Adds value for key, beside any values key has already. */
void idmap_add(struct idmap *map, uint64_t key, uint32_t value);
/* Empties the map; a large table is freed rather than cleared. */
void idmap_clear(struct idmap *map);
void idmap_free(struct idmap *map);

#endif
