#ifndef NTAG_TAGS_H
#define NTAG_TAGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "fold.h"
#include "gazetteer.h"
#include "idset.h"
#include "langid.h"
#include "record.h"

/* ntag's taggers. Each reads the record and its text and fills its part
 * of struct tags; tags_json writes the tags object. Offsets are in code
 * points of the text. */

enum tagger {
	TAG_LANG = 1 << 0,
	TAG_QUALITY = 1 << 1,
	TAG_OUTLET = 1 << 2,
	TAG_PLACES = 1 << 3,
	TAG_PARAGRAPHS = 1 << 4, /* lang over the whole text, and each paragraph's */
	TAG_PEOPLE = 1 << 5,     /* people and organisations */
	TAG_DATES = 1 << 6,
	TAG_QUOTES = 1 << 7,
};

/* The taggers on by default: the cheap ones, for ntag's speed target of
 * 150 MB/s a core of news articles (these three run at about that, CLD2
 * taking some three fifths of their time). Off: quality, whose words and
 * n-grams add three fifths to the defaults' time (an expression over its
 * signals turns it on); paragraphs, whose CLD2 pass over the whole text
 * costs six times the rest together; people, which wants the user's
 * gazetteer (-g turns it on); dates and quotes. */
#define TAGGERS_DEFAULT (TAG_LANG | TAG_OUTLET | TAG_PLACES)
#define TAGGERS_ALL (TAGGERS_DEFAULT | TAG_QUALITY | TAG_PARAGRAPHS | TAG_PEOPLE | TAG_DATES | TAG_QUOTES)

enum { LABEL_PERSON, LABEL_ORG, LABEL_OTHER };

/* A name the people tagger found in the record, once for all its mentions. */
struct found_name {
	unsigned char label;
	size_t label_off;          /* into tags.names, NUL-terminated */
	size_t name_off, name_len; /* into tags.names */
	uint32_t count;
	size_t first;              /* its first mention */
};


struct found_quote {
	size_t start, end;             /* the words quoted, code points */
	int name;                      /* the speaker in tags.found, or -1 */
	size_t speaker_off, speaker_len; /* else the speaker as written (bytes of the text) */
	const char *cue;               /* the verb, or NULL */
	bool pronoun;                  /* "he said" */
};

struct mention {
	uint32_t name; /* into tags.found */
	size_t start, end;
};

/* The first of the mentions m[from, to), in the order of their starts,
 * that starts at or after at (found by halving); to when none does. */
size_t mentions_from(const struct mention *m, size_t from, size_t to, size_t at);

/* Parses a comma-separated list of tagger names; returns the bits, or -1
 * naming the one it does not know in *bad (and its length). */
int taggers_parse(const char *list, const char **bad, size_t *bad_len);

struct lang_span {
	size_t start, end; /* code points */
	char lang[4];
};

struct quality {
	uint64_t words, chars, lines;
	double mean_word_length, alpha_words, end_punct, symbol_ratio, digit_ratio,
		dup_line_frac, top_ngram_frac[3]; /* 2-, 3- and 4-grams */
};

struct word;
struct ngram_slot;

/* Values found in a text, each once with the count of its mentions, and
 * the mentions as code-point spans: the countries and the dates. */
struct span_group {
	char key[16];
	uint32_t count;
};

struct span_groups {
	struct span_group *items;
	size_t n, cap;
	struct idmap index; /* a hash of each key to its group */
	size_t *spans; /* (group, start, end) a mention, in the order added */
	size_t n_spans, cap_spans;
};

void span_groups_clear(struct span_groups *g);
void span_groups_free(struct span_groups *g);
/* Adds a mention [start, end) of key (at most 15 bytes). */
void span_groups_add(struct span_groups *g, const char *key, size_t start, size_t end);
/* Puts the mentions in text order, and the groups in the order of their
 * first mention: after the last add (the groups are renumbered). */
void span_groups_sort(struct span_groups *g);
/* Whether key was found, without regard to ASCII case. */
bool span_groups_has(const struct span_groups *g, const char *key);
/* Appends [{"<name>":key,"count":n,"spans":[[s,e],...]},...]. */
void span_groups_json(const struct span_groups *g, const char *name, struct buf *out);


struct tags {
	unsigned on;
	/* lang */
	struct langid_result langid;
	char lang[4];
	double lang_score;
	bool lang_reliable;
	struct lang_span *spans;
	size_t n_spans, cap_spans;
	/* quality */
	struct quality q;
	/* outlet */
	struct buf outlet;
	const char *outlet_from; /* "site", "title", "credit", "dateline", "url"; NULL: none */
	/* places */
	struct span_groups countries; /* keyed by ISO 3166-1 code */
	/* people */
	struct found_name *found;
	size_t n_found, cap_found;
	struct idmap found_index; /* a hash of each name and its label to it */
	struct mention *mentions;
	size_t n_mentions, cap_mentions;
	struct buf names;
	/* the record's text folded, and its capitalised words listed, by the
	 * first tagger that needs them (since tags_begin) */
	bool folded, listed;
	struct gazetteer_words capitals;
	/* dates */
	struct span_groups dates; /* keyed by ISO 8601 date */
	/* quotes */
	struct found_quote *quotes;
	size_t n_quotes, cap_quotes;
	/* scratch */
	struct fold fold;
	struct buf scratch;
	struct word *words;
	size_t cap_words;
	struct ngram_slot *ngram_slots;
	size_t ngram_cap;
	uint32_t ngram_gen;
	struct idset lines_seen;
};

void tags_init(struct tags *t, unsigned on);
void tags_free(struct tags *t);
/* Starts the next record: what the taggers share of a text (its folding,
 * its capitalised words) is made again for it. */
void tags_begin(struct tags *t);
/* Folds the record's text into t->fold unless it has been since
 * tags_begin. */
void tags_fold(struct tags *t, const char *text, size_t n);
/* tags_fold, and the capitalised words of the folded text listed into
 * t->capitals, once for the record. */
void tags_capitals(struct tags *t, const char *text, size_t n);

/* Tags one record whose text is text[0..n). tag_lang decides the
 * language from a sample; tag_paragraphs from the whole text, with each
 * paragraph's. */
void tag_lang(struct tags *t, const char *text, size_t n);
void tag_paragraphs(struct tags *t, const char *text, size_t n);
void tag_quality(struct tags *t, const char *text, size_t n);
void tag_outlet(struct tags *t, struct record *r, const char *text, size_t n);
/* Places: over the capitalised words (tags_capitals), listed by
 * tag_people when it ran first for the record. */
void tag_places(struct tags *t, const char *text, size_t n);

/* Writes the tags object of the taggers that are on into out; text is
 * the record's text, which the tags were made of. */
void tags_json(const struct tags *t, const char *text, struct buf *out);

#endif
