#ifndef NEWSUTILS_GAZETTEER_H
#define NEWSUTILS_GAZETTEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fold.h"

/* A set of names, each with a value, matched in folded text (lib/fold) on
 * word boundaries: a trie walked from each word start, the longest name
 * that ends on a word boundary winning, matches never overlapping. A name
 * may carry several values (one name of two countries). */

struct gazetteer;

struct gazetteer *gazetteer_new(void);
void gazetteer_free(struct gazetteer *g);

/* Adds the name (folded by the caller, see fold_append) with value. A
 * name that folds to nothing is ignored. Adding the same name and value
 * twice adds it once. */
void gazetteer_add(struct gazetteer *g, const char *folded, size_t n, uint32_t value);
/* Names in the gazetteer. */
size_t gazetteer_size(const struct gazetteer *g);

struct gazetteer_match {
	size_t start, end; /* bytes of the folded text */
	uint32_t first;    /* the first value; gazetteer_values gives the others */
	uint32_t values;   /* a handle for gazetteer_values */
};

/* Calls found for each match in the folded text f, in order. With
 * capitalised, only names whose first letter is a capital in the text
 * are looked for (proper nouns; most words are skipped at once). */
void gazetteer_match(const struct gazetteer *g, const struct fold *f, bool capitalised,
		     void (*found)(void *ctx, const struct gazetteer_match *m), void *ctx);

/* The values of a match: writes up to max into out, returns how many the
 * name has. */
size_t gazetteer_values(const struct gazetteer *g, uint32_t values, uint32_t *out, size_t max);

#endif
