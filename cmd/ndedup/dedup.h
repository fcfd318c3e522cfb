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

/* MinHash parameters: k hash functions over word shingles of w words;
 * bands of rows values each (the first bands x rows of the k) find the
 * candidates, and all k values verify them. */
struct dedup_params {
	unsigned shingle;   /* words per shingle */
	unsigned hashes;    /* k: a multiple of 16 */
	unsigned bands, rows; /* bands * rows <= k; rows <= DEDUP_MAX_ROWS */
	double threshold;   /* estimated Jaccard a candidate needs */
	uint64_t seed;
};

enum { DEDUP_MAX_ROWS = 16 };

/* ndedup's defaults: word 5-grams, 128 hash functions, 8 bands of 2 rows,
 * a threshold of 0.5, and the fixed seed of the functions (which an index
 * records). */
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

/* What the index keeps of a signature (b-bit MinHash, b = 4): each
 * value's low 4 bits, two to a byte, into out[0..k/2). */
static inline size_t dedup_kept_bytes(unsigned k)
{
	return k / 2;
}
void dedup_kept_signature(const uint32_t *sig, unsigned k, uint8_t *out);

/* The estimate of the Jaccard similarity of two texts from their kept
 * signatures: the share of equal values, less the 1 in 16 at which two
 * different minima agree in their low 4 bits, scaled back to [0, 1]. */
double dedup_similarity(const uint8_t *a, const uint8_t *b, unsigned k);

/* The key of LSH band `band` of a signature: an XXH3 hash of its rows'
 * whole values (little-endian). */
uint32_t dedup_band_key(const struct dedup_params *p, const uint32_t *sig, unsigned band);

/* The index of kept records: exact keys, kept signatures, ids, and the
 * band tables. */
struct dedup_index;

struct dedup_index *dedup_index_new(const struct dedup_params *p);
void dedup_index_free(struct dedup_index *x);

/* Adds a kept record; returns its number. id is copied. */
uint32_t dedup_index_add(struct dedup_index *x, const char *id, size_t id_len,
			 struct dedup_key key, const uint32_t *sig, bool has_sig);
/* The same from what an index file holds: the kept signature (or NULL),
 * with no band entries; dedup_index_add_band adds those. */
uint32_t dedup_index_add_kept(struct dedup_index *x, const char *id, size_t id_len,
			      struct dedup_key key, const uint8_t *kept);
void dedup_index_add_band(struct dedup_index *x, unsigned band, uint32_t key, uint32_t rec);
/* The kept record with this exact key, or UINT32_MAX. */
uint32_t dedup_index_exact(const struct dedup_index *x, struct dedup_key key);
/* The most similar kept record whose estimated similarity reaches the
 * threshold, among those sharing a band with sig; UINT32_MAX if none.
 * Ties go to the earliest record. */
uint32_t dedup_index_near(struct dedup_index *x, const uint32_t *sig, double *sim);
/* Makes id the id of kept record i (a keep policy chose another record
 * of its cluster). */
void dedup_index_set_id(struct dedup_index *x, uint32_t i, const char *id, size_t id_len);
/* The id of kept record i, valid until the next call. */
const char *dedup_index_id(const struct dedup_index *x, uint32_t i, size_t *len);
/* Kept records so far. */
uint32_t dedup_index_count(const struct dedup_index *x);
/* The exact key of kept record i. */
struct dedup_key dedup_index_key(const struct dedup_index *x, uint32_t i);
/* The kept signature of record i, or NULL when it has none (a text too
 * short for near duplicates, or exact mode). */
const uint8_t *dedup_index_sig(const struct dedup_index *x, uint32_t i);
/* The keys of band `band` into keys[rec], for the records that have a
 * signature (the others' are left as they are). */
void dedup_index_band_keys(const struct dedup_index *x, unsigned band, uint32_t *keys);
/* The bytes the index holds: what its per-record arrays and ids hold,
 * and its tables' capacities; with add, once a record with an id of
 * id_len bytes (and a signature, with has_sig) is added. */
size_t dedup_index_bytes_with(const struct dedup_index *x, size_t id_len, bool has_sig, bool add);

#endif
