#include "idset.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

bool idset_add(struct idset *set, uint64_t key)
{
	if (key == 0)
		key = 1; /* 0 marks an empty slot */
	if (set->count * 2 >= set->cap) {
		size_t cap = set->cap ? set->cap * 2 : 1024;
		uint64_t *slots = xcalloc(cap, sizeof *slots);
		for (size_t i = 0; i < set->cap; i++) {
			uint64_t k = set->slots[i];
			if (!k)
				continue;
			size_t j = idset_home(cap, k);
			while (slots[j])
				j = (j + 1) & (cap - 1);
			slots[j] = k;
		}
		free(set->slots);
		set->slots = slots;
		set->cap = cap;
	}
	size_t j = idset_home(set->cap, key);
	while (set->slots[j]) {
		if (set->slots[j] == key)
			return false;
		j = (j + 1) & (set->cap - 1);
	}
	set->slots[j] = key;
	set->count++;
	return true;
}

void idset_clear(struct idset *set)
{
	/* A table grown by one large input is dropped, not cleared for every
	 * small one after it. */
	if (set->cap > 4096) {
		free(set->slots);
		set->slots = NULL;
		set->cap = 0;
	} else if (set->count) {
		memset(set->slots, 0, set->cap * sizeof *set->slots);
	}
	set->count = 0;
}

void idset_free(struct idset *set)
{
	free(set->slots);
	memset(set, 0, sizeof *set);
}

uint32_t idmap_find(const struct idmap *map, uint64_t key,
		    bool (*same)(const void *ctx, uint32_t value), const void *ctx)
{
	if (!map->cap)
		return UINT32_MAX;
	if (key == 0)
		key = 1;
	for (size_t j = idset_home(map->cap, key); map->keys[j]; j = (j + 1) & (map->cap - 1))
		if (map->keys[j] == key && same(ctx, map->values[j]))
			return map->values[j];
	return UINT32_MAX;
}

/* Puts key (not 0) and its value in the first free slot from key's. */
static void idmap_insert(uint64_t *keys, uint32_t *values, size_t cap, uint64_t key,
			 uint32_t value)
{
	size_t j = idset_home(cap, key);
	while (keys[j])
		j = (j + 1) & (cap - 1);
	keys[j] = key;
	values[j] = value;
}

void idmap_add(struct idmap *map, uint64_t key, uint32_t value)
{
	if (key == 0)
		key = 1; /* 0 marks an empty slot */
	if (map->count * 2 >= map->cap) {
		size_t cap = map->cap ? map->cap * 2 : 64;
		uint64_t *keys = xcalloc(cap, sizeof *keys);
		uint32_t *values = xcalloc(cap, sizeof *values);
		for (size_t i = 0; i < map->cap; i++)
			if (map->keys[i])
				idmap_insert(keys, values, cap, map->keys[i], map->values[i]);
		free(map->keys);
		free(map->values);
		map->keys = keys;
		map->values = values;
		map->cap = cap;
	}
	idmap_insert(map->keys, map->values, map->cap, key, value);
	map->count++;
}

void idmap_clear(struct idmap *map)
{
	if (map->cap > 4096) {
		idmap_free(map);
		return;
	}
	if (map->count)
		memset(map->keys, 0, map->cap * sizeof *map->keys);
	map->count = 0;
}

void idmap_free(struct idmap *map)
{
	free(map->keys);
	free(map->values);
	memset(map, 0, sizeof *map);
}
