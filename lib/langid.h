#ifndef NEWSUTILS_LANGID_H
#define NEWSUTILS_LANGID_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Language identification with CLD2 (libcld2), for plain UTF-8 text.
 *
 * Codes are ISO 639-1 ("en", "tr"), or, for the few languages ISO 639-1
 * has no code for, CLD2's three-letter ISO 639-2/3 code ("ceb", "haw",
 * "cnr" for Montenegrin). CLD2's own codes are normalised: "iw" → "he",
 * "jw" → "jv", "zh-Hant" → "zh" (ISO 639-1 has no script). "un" means
 * unknown: too little text, CLD2's pseudo-languages (script-only
 * "xx-Latn", joke languages) and anything else not a language.
 *
 * Input need not be valid: every byte CLD2 would refuse (invalid UTF-8,
 * and the code points CLD2 does not take in interchange text: C0 controls
 * but TAB, LF, FF and CR; DEL and C1 controls; noncharacters) is read as
 * a space, so that one stray byte does not make a whole text unknown. Byte
 * offsets always refer to the caller's input. CLD2 gets a copy of the
 * input with padding after it, as it reads a few bytes past the end of
 * what it is given (it crashed on text ending at the end of a page).
 *
 * Threads: the functions may run in several threads at once, each with its
 * own result. CLD2's tables are read-only; it does write two debug globals
 * with constants on each call (a benign race that ThreadSanitizer would
 * report). langid_version is for one thread. */

/* One run of the input in one language. */
struct langid_span {
	size_t offset, length; /* bytes of the input */
	char lang[4];          /* a code as above, "un" for a run CLD2 could not tell */
};

/* One language of CLD2's own summary. */
struct langid_share {
	char lang[4];
	int percent; /* of the letters, 0..100 */
};

struct langid_result {
	/* The document language: the language with the most bytes in the
	 * spans, spans in "un" not counted (see langid_detect). */
	char lang[4];
	double score;       /* lang's bytes / bytes of all spans in a language, 0..1 */
	bool reliable;
	size_t text_bytes;  /* letters CLD2 scored */
	/* CLD2's own top three by share of letters ("un", 0 when fewer). */
	struct langid_share top[3];
	/* The whole input in runs, in order; adjacent runs differ in lang. */
	struct langid_span *spans;
	size_t n_spans, cap_spans;
};

/* Makes r empty ("un", no spans); call once before the first use. */
void langid_init(struct langid_result *r);
/* Frees r's spans; r may be used again after langid_init. */
void langid_free(struct langid_result *r);

/* Detects the language of a document of plain text utf8[0..n) into r,
 * reusing r's span array. The document language is decided by bytes over
 * CLD2's chunks, not by CLD2's summary, which reports the second language
 * instead of English once it passes 17 % of the letters (instead of French,
 * Italian, German or Spanish at 20 %, unless it is one of those or
 * English): a foreign cookie banner under an English article must not make
 * the article foreign. Chunks CLD2 leaves unknown do not
 * count; with no chunk in a language at all (short text), lang falls back
 * to CLD2's top language (top[0]) and score to its percent.
 * reliable: CLD2 finds the text reliable, and lang has at least twice the
 * bytes of any other language.
 * Returns false, with r empty, only if CLD2 fails (out of memory) or
 * n > INT_MAX; empty input gives "un" and true. */
bool langid_detect(const char *utf8, size_t n, struct langid_result *r);

/* Detects the language of one paragraph utf8[0..n), without spans: CLD2's
 * top language by letters (not its summary, as above); when CLD2 finds
 * none, its best-effort mode answers even for a few words, never reliably.
 * Returns a static code ("un" if none or on failure). percent (0..100, the
 * share of the letters) and reliable (CLD2's judgement) may be NULL. */
const char *langid_detect_short(const char *utf8, size_t n, int *percent, bool *reliable);

/* Returns CLD2's version text, e.g. "V2.0 - 20141016". */
const char *langid_version(void);

#ifdef __cplusplus
}
#endif

#endif
