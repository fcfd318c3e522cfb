#ifndef NDEDUP_DEDUP_H
#define NDEDUP_DEDUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* ndedup's core: the normalised form of a text, its exact key, its MinHash
 * signature and the index of the records kept so far. */

/* Appends the words of s to out, one space between them: letters
 * lowercased (Unicode simple case mapping), digits and combining marks
 * kept; punctuation, symbols and white space separate words and are
 * dropped. So case, spacing and punctuation do not matter; numbers do
 * (wire notices differ only in them: "Qtly div 36 cts vs 33 cts").
 * Returns the number of words. */
size_t dedup_normalize(const char *s, size_t n, struct buf *out);

/* The exact key: XXH3-128 of the normalised text. */
struct dedup_key {
	uint64_t lo, hi;
};
struct dedup_key dedup_exact_key(const char *normalized, size_t n);

/* MinHash parameters: k hash functions over word shingles of w words,
 * banded into bands x rows for candidates (bands * rows == k). */
struct dedup_params {
	unsigned shingle;   /* words per shingle */
	unsigned hashes;    /* k */
	unsigned bands, rows;
	double threshold;   /* estimated Jaccard a candidate needs */
	uint64_t seed;
};

/* ndedup's defaults: word 5-grams, 128 hash functions in 32 bands of 4
 * rows, a threshold of 0.5, and the fixed seed of the functions (which an
 * index records). */
extern const struct dedup_params dedup_defaults;

/* The hash functions: h_i(x) = (a_i x + b_i) >> 32 over the 64-bit XXH3
 * hash x of a shingle, with a_i odd and a_i, b_i drawn by splitmix64 from
 * the seed: k universal permutations in one multiply-add each, a loop the
 * compiler vectorises. */
struct dedup_hasher {
	struct dedup_params p;
	uint64_t *a, *b;
};

void dedup_hasher_init(struct dedup_hasher *h, const struct dedup_params *p);
void dedup_hasher_free(struct dedup_hasher *h);

/* Fills sig[0..k) with the MinHash signature of the normalised text (its
 * word shingles; a text of fewer words than a shingle is one shingle).
 * Returns the number of shingles (0 for an empty text). */
size_t dedup_signature(const struct dedup_hasher *h, const char *normalized, size_t n,
		       uint32_t *sig);

/* What the index keeps of a signature: each value's low 16 bits (two
 * different values agree there once in 65,536), into out[0..k). */
void dedup_kept_signature(const uint32_t *sig, unsigned k, uint16_t *out);

/* The share of equal positions of two kept signatures: the estimate of
 * the Jaccard similarity of their shingle sets. */
double dedup_similarity(const uint16_t *a, const uint16_t *b, unsigned k);

/* The index of kept records: exact keys, signatures, LSH buckets. */
struct dedup_index;

struct dedup_index *dedup_index_new(const struct dedup_params *p);
void dedup_index_free(struct dedup_index *x);

/* Adds a kept record; returns its number. id is copied. */
uint32_t dedup_index_add(struct dedup_index *x, const char *id, size_t id_len,
			 struct dedup_key key, const uint32_t *sig, bool has_sig);
/* The kept record with this exact key, or UINT32_MAX. */
uint32_t dedup_index_exact(const struct dedup_index *x, struct dedup_key key);
/* The most similar kept record whose estimated similarity reaches the
 * threshold, among those sharing a band with sig; UINT32_MAX if none.
 * Ties go to the earliest record. */
uint32_t dedup_index_near(const struct dedup_index *x, const uint32_t *sig, double *sim);
/* Makes id the id of kept record i (a keep policy chose another record
 * of its cluster). */
void dedup_index_set_id(struct dedup_index *x, uint32_t i, const char *id, size_t id_len);
/* The id of kept record i. */
const char *dedup_index_id(const struct dedup_index *x, uint32_t i, size_t *len);
/* Kept records so far. */
uint32_t dedup_index_count(const struct dedup_index *x);
/* The signature of kept record i (its values' low 16 bits), or NULL when
 * it has none (a text too short for near duplicates, or exact mode). */
const uint16_t *dedup_index_sig(const struct dedup_index *x, uint32_t i);
/* The bytes the index holds (its arrays' and tables' capacities), or with
 * add, would hold once a record with an id of id_len bytes (and a
 * signature, with has_sig) is added. A table that grows holds its old
 * slots too for a moment. */
size_t dedup_index_bytes_with(const struct dedup_index *x, size_t id_len, bool has_sig, bool add);
/* The exact keys of the kept records into keys[0..count). */
void dedup_index_keys(const struct dedup_index *x, struct dedup_key *keys);

#endif
