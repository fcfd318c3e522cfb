#ifndef NEWSUTILS_GAZETTEER_H
#define NEWSUTILS_GAZETTEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fold.h"

/* A set of names, each with a value, matched in folded text (lib/fold) on
 * word boundaries: the longest name from a word start that ends where a
 * word does wins, and matches never overlap. A name may carry several
 * values (one name of two countries). Names are kept in a hash table with
 * their bytes; Bloom filters of the names' first words and of the whole
 * names keep most words of a text from touching it, so that a gazetteer
 * of a million names costs little more than one of a thousand. Names
 * added go into the table, and the filters are made, at the first match
 * (or count) after an add: a gazetteer is filled, then matched, by one
 * thread. */

struct gazetteer;

struct gazetteer *gazetteer_new(void);
void gazetteer_free(struct gazetteer *g);

/* Adds the name (folded by the caller, see fold_append) with value. A
 * name that folds to nothing is ignored. Adding the same name and value
 * twice in a row adds it once; further apart, twice. Returns false, and
 * adds nothing, when the gazetteer is full: its names' bytes, and 12
 * more for each name, are counted in 32 bits (4 GiB in all, and 2^32
 * names, at most). */
bool gazetteer_add(struct gazetteer *g, const char *folded, size_t n, uint32_t value);
/* Lowers the most bytes of names g holds (4 GiB) to bytes: adds past it
 * fail as they would past 4 GiB. */
void gazetteer_limit(struct gazetteer *g, size_t bytes);
/* Builds the table and filters now, as the first match after an add
 * would: a gazetteer matched in several threads at once is prepared
 * first, and not added to while they match. */
void gazetteer_prepare(struct gazetteer *g);
/* Names in the gazetteer. */
size_t gazetteer_size(const struct gazetteer *g);

struct gazetteer_match {
	size_t start, end; /* bytes of the folded text */
	uint32_t first;    /* the first value; gazetteer_values gives the others */
	uint32_t values;   /* 0: first is the name's only value */
};

/* Calls found for each match in the folded text f, in order. Names
 * whose first letter is a capital in the text alone (proper nouns) are
 * matched over the capitalised words listed (gazetteer_capitals,
 * gazetteer_match_listed). */
void gazetteer_match(const struct gazetteer *g, const struct fold *f,
		     void (*found)(void *ctx, const struct gazetteer_match *m), void *ctx);

/* A word of a folded text: where it starts and ends, and its hash. */
struct gazetteer_word {
	size_t start, end;
	uint64_t hash;
};

/* Words of a text kept to match gazetteers against again. */
struct gazetteer_words {
	struct gazetteer_word *w;
	size_t count, cap;
};

void gazetteer_words_free(struct gazetteer_words *words);

/* gazetteer_match, which also lists the capitalised words of f into
 * capitals when it is not NULL (what was there is dropped). Words are
 * looked at 64 bytes at a time. */
void gazetteer_match_every(const struct gazetteer *g, const struct fold *f,
			   void (*found)(void *ctx, const struct gazetteer_match *m), void *ctx,
			   struct gazetteer_words *capitals);

/* Lists the capitalised words of f into capitals (what was there is
 * dropped), as gazetteer_match_every does: with no gazetteer to match
 * every word against, capitals are found faster on their own. */
void gazetteer_capitals(const struct fold *f, struct gazetteer_words *capitals);

/* gazetteer_match over the capitalised words of f alone, as
 * gazetteer_match_every or gazetteer_capitals listed them: they are not
 * looked for again. */
void gazetteer_match_listed(const struct gazetteer *g, const struct fold *f,
			    const struct gazetteer_words *words,
			    void (*found)(void *ctx, const struct gazetteer_match *m), void *ctx);

/* The values of a match: writes up to max into out; returns how many it
 * wrote, or max + 1 when the name has more. */
size_t gazetteer_values(const struct gazetteer *g, const struct gazetteer_match *m, uint32_t *out,
			size_t max);

#endif
