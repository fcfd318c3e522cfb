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
