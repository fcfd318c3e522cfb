#include "mojibake.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "charset.h"
#include "utf8.h"

/* The code pages a character can be encoded back into, as a bit set.
 * latin-1 needs no bit of its own: every character it decodes a byte to,
 * cp1252 read sloppily encodes back into the same byte. */
enum { CP1252 = 1, CP1254 = 2, ALL_PAGES = CP1252 | CP1254 };

/* Double mojibake takes two rounds, triple three; more is not seen. */
enum { MAX_ROUNDS = 3 };

/* Whether the UTF-8 at s[i], a byte C3-C5, is a lead character (U+00C2-
 * U+00F4: C3 82-B4; Ğ ğ İ: C4 9E 9F B0; Ş: C5 9E) followed by what a
 * continuation character begins with: C2 for U+0080-U+00BF, C5 C6 CB E2
 * for the cp1252 punctuation (Œ œ Š š Ÿ Ž ž, ƒ, ˆ ˜, € ‚ „ … † ‡ ‰ ‹ ‘ ’ “
 * ” • – — ™ ›). */
static bool pair_at(const unsigned char *s, size_t i, size_t n)
{
	if (n - i < 4)
		return false;
	unsigned char b = s[i + 1];
	bool lead;
	if (s[i] == 0xC3)
		lead = b >= 0x82 && b <= 0xB4;
	else if (s[i] == 0xC4)
		lead = b == 0x9E || b == 0x9F || b == 0xB0;
	else
		lead = b == 0x9E;
	if (!lead)
		return false;
	unsigned char c = s[i + 2];
	return c == 0xC2 || c == 0xC5 || c == 0xC6 || c == 0xCB || c == 0xE2;
}

/* Returns the offset of the first lead character followed by a
 * continuation character, or n. Only bytes C3-C5 stop the scan, 16 at a
 * time: text without them (ASCII, Cyrillic, Greek, CJK) never leaves the
 * loop. */
static size_t find_pair(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
#ifdef __SSE2__
	const __m128i base = _mm_set1_epi8((char)0xC3), two = _mm_set1_epi8(2);
	/* A pair's third byte starts a continuation character: C2, C5, C6, CB
	 * or E2. Correct text in Latin script has C3-C5 at every other letter
	 * (Turkish "ç", "ş", "ı"), seldom followed by one of those. */
	const __m128i c2 = _mm_set1_epi8((char)0xC2), c5 = _mm_set1_epi8((char)0xC5),
		      c6 = _mm_set1_epi8((char)0xC6), cb = _mm_set1_epi8((char)0xCB),
		      e2 = _mm_set1_epi8((char)0xE2);
	for (; i + 18 <= n; i += 16) {
		__m128i v = _mm_sub_epi8(_mm_loadu_si128((const __m128i *)(s + i)), base);
		unsigned mask = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(v, two), v));
		if (!mask)
			continue;
		__m128i t = _mm_loadu_si128((const __m128i *)(s + i + 2));
		__m128i third = _mm_or_si128(
			_mm_or_si128(_mm_cmpeq_epi8(t, c2), _mm_cmpeq_epi8(t, c5)),
			_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(t, c6), _mm_cmpeq_epi8(t, cb)),
				     _mm_cmpeq_epi8(t, e2)));
		mask &= (unsigned)_mm_movemask_epi8(third);
		for (; mask; mask &= mask - 1) {
			size_t j = i + (size_t)__builtin_ctz(mask);
			if (pair_at(s, j, n))
				return j;
		}
	}
	for (; i + 16 <= n; i += 16) {
		/* Bytes C3-C5 become 0-2 after subtracting C3, every other byte
		 * something larger (unsigned). */
		__m128i v = _mm_sub_epi8(_mm_loadu_si128((const __m128i *)(s + i)), base);
		unsigned mask = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(v, two), v));
		for (; mask; mask &= mask - 1) {
			size_t j = i + (size_t)__builtin_ctz(mask);
			if (pair_at(s, j, n))
				return j;
		}
	}
#else
	/* Eight ASCII bytes at a time. */
	for (; i + 8 <= n; i += 8) {
		uint64_t word;
		memcpy(&word, s + i, 8);
		if (!(word & 0x8080808080808080u))
			continue;
		for (size_t j = i; j < i + 8; j++)
			if (s[j] >= 0xC3 && s[j] <= 0xC5 && pair_at(s, j, n))
				return j;
	}
#endif
	for (; i < n; i++)
		if (s[i] >= 0xC3 && s[i] <= 0xC5 && pair_at(s, i, n))
			return i;
	return n;
}

bool mojibake_possible(const char *s, size_t n)
{
	return find_pair(s, n) < n;
}

/* The way back from a character to the byte the code pages decode to it,
 * and the code pages that do. No character has two bytes: cp1254 only
 * replaces some characters of cp1252. The characters are U+0080-U+00FF,
 * cp1252's letters and cp1254's Turkish ones below U+0300, and cp1252's
 * punctuation at U+2000-U+21FF, so two small tables index them directly.
 * U+0080-U+009F stand for their own byte in every code page, as latin-1
 * and the sloppy decoders that keep the bytes cp1252 leaves undefined make
 * them. Built once from the tables of charset.c. */
struct slot {
	uint8_t byte;
	uint8_t pages;
};
static struct slot letters[0x300 - 0xA0], punctuation[0x200];
static pthread_once_t slots_once = PTHREAD_ONCE_INIT;

static void add_code_page(const uint16_t *table, uint8_t page)
{
	for (unsigned byte = 0x80; byte <= 0xFF; byte++) {
		uint16_t cp = table[byte - 0x80];
		struct slot *slot;
		if (cp >= 0xA0 && cp < 0x300)
			slot = &letters[cp - 0xA0];
		else if (cp >= 0x2000 && cp < 0x2200)
			slot = &punctuation[cp - 0x2000];
		else
			continue; /* undefined (0): the byte reads as a C1 control */
		slot->byte = (uint8_t)byte;
		slot->pages |= page;
	}
}

static void build_slots(void)
{
	add_code_page(charset_high_table("cp1252"), CP1252);
	add_code_page(charset_high_table("cp1254"), CP1254);
}

/* Returns the code pages that have cp, and its byte in them in *byte (an
 * ASCII character is its own byte in all); 0 if none has it. */
static unsigned encode_cp(uint32_t cp, unsigned char *byte)
{
	const struct slot *slot;
	*byte = 0;
	if (cp < 0xA0) {
		*byte = (unsigned char)cp;
		return ALL_PAGES;
	}
	if (cp < 0x300)
		slot = &letters[cp - 0xA0];
	else if (cp >= 0x2000 && cp < 0x2200)
		slot = &punctuation[cp - 0x2000];
	else
		return 0;
	*byte = slot->byte;
	return slot->pages;
}

/* A group: the characters the code pages made of one UTF-8 sequence, a
 * lead character and 1-3 continuation characters. If one starts at c[i],
 * returns its length and puts its bytes in bytes[] and its code pages in
 * *pages; else returns 0. */
static size_t group_at(const uint32_t *c, size_t i, size_t n, unsigned char bytes[4],
		       unsigned *pages)
{
	if (c[i] < 0xC2)
		return 0;
	unsigned p = encode_cp(c[i], &bytes[0]);
	if (!p || bytes[0] < 0xC2 || bytes[0] > 0xF4)
		return 0;
	size_t k = bytes[0] < 0xE0 ? 2 : bytes[0] < 0xF0 ? 3 : 4;
	if (n - i < k)
		return 0;
	for (size_t j = 1; j < k; j++) {
		p &= encode_cp(c[i + j], &bytes[j]);
		if (!p || bytes[j] < 0x80 || bytes[j] > 0xBF)
			return 0;
	}
	/* The lead byte limits the second byte (no overlong forms, no
	 * surrogates, nothing past U+10FFFF). */
	uint32_t cp;
	if (utf8_decode((const char *)bytes, k, &cp) != k)
		return 0;
	*pages = p;
	return k;
}

static bool is_upper(uint32_t cp)
{
	if (cp < 0x80)
		return cp >= 'A' && cp <= 'Z';
	return utf8proc_isupper((utf8proc_int32_t)cp);
}

static bool is_lower(uint32_t cp)
{
	if (cp < 0x80)
		return cp >= 'a' && cp <= 'z';
	return utf8proc_islower((utf8proc_int32_t)cp);
}

/* Whether a continuation byte stands for punctuation that correct text
 * puts right after a letter: closing quotes and apostrophes (Turkish
 * "KOBİ’ler", German "Spaß“", "Maß«"), ellipsis, dashes, no-break space
 * (French "café »"), acute accent used as an apostrophe; or for the C1
 * control of the same byte, as cp1252 text read as latin-1 has them. */
static bool follows_letters(unsigned char byte)
{
	switch (byte) {
	case 0x85: case 0x8B: case 0x91: case 0x92: case 0x93: case 0x94: case 0x96:
	case 0x97: case 0x9B: case 0xA0: case 0xAB: case 0xB4: case 0xBB:
		return true;
	}
	return false;
}

/* Whether a continuation byte stands for what follows letters within a
 * word: soft hyphen, middle dot, and cp1252's Š š Ž ž (Czech "KŘÍŽ",
 * "TÉŽ", "VÝŠE"). Not Œ œ Ÿ ƒ: "Ëœ" is double mojibake of "˜". */
static bool inside_words(unsigned char byte)
{
	switch (byte) {
	case 0x8A: case 0x8E: case 0x9A: case 0x9E: case 0xAD: case 0xB7:
		return true;
	}
	return false;
}

/* Whether a continuation byte stands for what ends a word: the marks of
 * brands ("NESTLÉ®", "NESCAFÉ™") and footnotes ("É¹"). Romanian "și" is
 * "È™i". */
static bool ends_words(unsigned char byte)
{
	return byte == 0xAE || byte == 0x99 || byte == 0xB9 || byte == 0xB2 || byte == 0xB3;
}

/* Whether two continuation bytes stand for two characters that correct
 * text puts after a word: French spacing ("voilà »", "café —"), an
 * ellipsis or a dash before a closing quote, nested closing quotes. Few
 * pairs: Vietnamese and Korean mojibake is full of pairs such as "»…"
 * ("ễ") and "›”" ("월"). */
static bool follow_words(unsigned char first, unsigned char second)
{
	switch (first) {
	case 0xA0: case 0x85: case 0x92: case 0x94: case 0x96: case 0x97:
		break;
	default:
		return false;
	}
	switch (second) {
	case 0xA0: case 0xBB: case 0xAB: case 0x94: case 0x92: case 0x85: case 0x96:
	case 0x97: case 0x9B: case 0x8B:
		return true;
	}
	return false;
}

/* Returns 1 if the group of k characters at c[i] (of n) looks like
 * mojibake, 0 if correct text could hold it:
 * - Ã × and the leads of 4-byte sequences are directly followed by such a
 *   character in mojibake only (Ã©, ×©, ðŸ), and so are Â by a latin-1
 *   symbol (Â£, Â°, Â\u00A0) and â unless it ends a word (â€™, but
 *   Turkish "hâlâ »");
 * - Ä Å Î Ï Ð Ñ Ø Ù Ğ are too, and Â by cp1252 punctuation, unless they
 *   end a word in capitals (Finnish "JÄÄ”", Swedish "PÅ…", Turkish
 *   "EDEBÎ»", "ZEKÂ”", "DAĞ’DA") and punctuation follows them;
 * - any other lead (the capitals of German, French, Turkish, Czech, and
 *   ß) may also be followed by what follows letters inside words, or ends
 *   words; the small letters that lead 3-byte sequences by what follows
 *   words (above). Either counts when a capital comes right after a small
 *   letter (Romanian "È›" in "naÈ›ional"). */
static unsigned group_weight(const uint32_t *c, size_t i, size_t k, size_t n,
			     const unsigned char bytes[4])
{
	uint32_t lead = c[i], prev = i ? c[i - 1] : 0;
	if (k == 4 || lead == 0xC3 || lead == 0xD7 || (lead == 0xC2 && bytes[1] >= 0xA0) ||
	    (lead == 0xE2 && !is_upper(prev) && !is_lower(prev)))
		return 1;
	if (k == 3)
		return !follow_words(bytes[1], bytes[2]);
	switch (lead) {
	case 0xC2: case 0xC4: case 0xC5: case 0xCE: case 0xCF: case 0xD0: case 0xD1: case 0xD8:
	case 0xD9: case 0x11E:
		return !is_upper(prev) || !follows_letters(bytes[1]);
	}
	bool ends_word = i + 2 >= n || !is_lower(c[i + 2]);
	if (!follows_letters(bytes[1]) && !inside_words(bytes[1]) &&
	    !(ends_words(bytes[1]) && ends_word))
		return 1;
	return is_upper(lead) && is_lower(prev);
}

/* Coarse scripts of letters: a letter next to a letter of another script
 * is what a wrong repair of correct text makes ("café »" read back as
 * "caf頻", "KOBİ’ler" as "KOBݒler"). */
enum {
	SCRIPT_NONE, /* not a letter */
	SCRIPT_INHERITED, /* a combining mark that goes on any letter */
	SCRIPT_LATIN,
	SCRIPT_GREEK,
	SCRIPT_CYRILLIC,
	SCRIPT_ARMENIAN,
	SCRIPT_HEBREW,
	SCRIPT_ARABIC,
	SCRIPT_CJK, /* Han, kana, Hangul and fullwidth forms, written together */
	SCRIPT_BLOCK /* + (cp >> 7): one per 128-character block */
};

/* What the badness needs to know of a character. */
struct traits {
	unsigned script;
	bool mark; /* combining */
	bool rare; /* private use or unassigned: no correct text has it */
};

/* Whether cp is a combining mark of no script: the diacritics that go on
 * any letter, variation selectors (the emoji form of "⬇️"), the marks for
 * symbols. A mark of a script (Hebrew points, the NKo tones that "ß²" read
 * as UTF-8 gives) has the script. */
static bool inherited(uint32_t cp)
{
	return (cp >= 0x300 && cp < 0x370) || (cp >= 0x1AB0 && cp < 0x1B00) ||
	       (cp >= 0x1DC0 && cp < 0x1E00) || (cp >= 0x20D0 && cp < 0x2100) ||
	       (cp >= 0xFE00 && cp < 0xFE10) || (cp >= 0xFE20 && cp < 0xFE30) ||
	       (cp >= 0xE0100 && cp < 0xE01F0);
}

/* The script of a letter, a script's mark or a digit other than ASCII. */
static unsigned script_by_range(uint32_t cp)
{
	if (cp < 0x370 || (cp >= 0x1D00 && cp < 0x1DC0) || (cp >= 0x1E00 && cp < 0x1F00) ||
	    (cp >= 0x2C60 && cp < 0x2C80) || (cp >= 0xA720 && cp < 0xA800) ||
	    (cp >= 0xAB30 && cp < 0xAB70) || (cp >= 0xFB00 && cp < 0xFB07))
		return SCRIPT_LATIN;
	if (cp < 0x400 || (cp >= 0x1F00 && cp < 0x2000))
		return SCRIPT_GREEK;
	if (cp < 0x530 || (cp >= 0x1C80 && cp < 0x1C90) || (cp >= 0x2DE0 && cp < 0x2E00) ||
	    (cp >= 0xA640 && cp < 0xA6A0))
		return SCRIPT_CYRILLIC;
	if (cp < 0x590 || (cp >= 0xFB13 && cp < 0xFB18))
		return SCRIPT_ARMENIAN;
	if (cp < 0x600 || (cp >= 0xFB1D && cp < 0xFB50))
		return SCRIPT_HEBREW;
	if (cp < 0x700 || (cp >= 0x750 && cp < 0x780) || (cp >= 0x870 && cp < 0x900) ||
	    (cp >= 0xFB50 && cp < 0xFE00) || (cp >= 0xFE70 && cp < 0xFF00))
		return SCRIPT_ARABIC;
	if ((cp >= 0x1100 && cp < 0x1200) || (cp >= 0x2E80 && cp < 0xA000) ||
	    (cp >= 0xA960 && cp < 0xA980) || (cp >= 0xAC00 && cp < 0xD800) ||
	    (cp >= 0xF900 && cp < 0xFB00) || (cp >= 0xFF00 && cp < 0xFFF0) || cp >= 0x20000)
		return SCRIPT_CJK;
	return SCRIPT_BLOCK + (cp >> 7);
}

static struct traits traits_of(uint32_t cp)
{
	struct traits t = {SCRIPT_NONE, false, false};
	if (cp < 0x80) {
		if ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z')
			t.script = SCRIPT_LATIN;
		return t;
	}
	switch (utf8proc_category((utf8proc_int32_t)cp)) {
	case UTF8PROC_CATEGORY_CO:
	case UTF8PROC_CATEGORY_CN:
		t.rare = true;
		break;
	case UTF8PROC_CATEGORY_MN:
	case UTF8PROC_CATEGORY_MC:
	case UTF8PROC_CATEGORY_ME:
		t.mark = true;
		t.script = inherited(cp) ? SCRIPT_INHERITED : script_by_range(cp);
		break;
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_ND:
		t.script = script_by_range(cp);
		break;
	default:
		break;
	}
	return t;
}

/* Whether the mark cp goes on symbols as well as letters: variation
 * selectors (the emoji form of "⬇️"), the marks for symbols. */
static bool marks_symbols(uint32_t cp)
{
	return (cp >= 0x20D0 && cp < 0x2100) || (cp >= 0xFE00 && cp < 0xFE10) ||
	       (cp >= 0xE0100 && cp < 0xE01F0);
}

/* Returns how implausible the character cp with traits t is after the
 * one with traits prev (the last that was no mark):
 * - 2 for a character no correct text holds, or a mark on no letter;
 * - 2 for a letter, mark or digit next to one of another script; but 1
 *   for Latin next to CJK, which Japanese and Chinese mix ("iPhoneの"),
 *   and 0 next to Greek (units and symbols: "μm", "λx"). */
static unsigned oddness(uint32_t cp, struct traits t, struct traits prev)
{
	if (t.rare)
		return 2;
	if (t.mark && prev.script == SCRIPT_NONE)
		return marks_symbols(cp) ? 0 : 2;
	if (t.script < SCRIPT_LATIN || prev.script < SCRIPT_LATIN || t.script == prev.script)
		return 0;
	unsigned other = t.script == SCRIPT_LATIN ? prev.script
			 : prev.script == SCRIPT_LATIN ? t.script : 0;
	return other == SCRIPT_GREEK ? 0 : other == SCRIPT_CJK ? 1 : 2;
}

/* The badness of c[0..n): 1 for each group that looks like mojibake, plus
 * what is implausible in it. Mojibake has the first, a wrong repair of
 * correct text the second. */
static unsigned badness(const uint32_t *c, size_t n)
{
	unsigned bad = 0;
	struct traits prev = {SCRIPT_NONE, false, false};
	for (size_t i = 0; i < n; i++) {
		unsigned char bytes[4];
		unsigned pages;
		size_t k = group_at(c, i, n, bytes, &pages);
		if (k)
			bad += group_weight(c, i, k, n, bytes);
		struct traits t = traits_of(c[i]);
		bad += oddness(c[i], t, prev);
		/* A mark belongs to the letter before it. */
		if (!t.mark || prev.script == SCRIPT_NONE)
			prev = t;
	}
	return bad;
}

/* A run: adjacent groups of one code page, c[start..end) of the line. */
struct run {
	size_t start, end;
	long delta; /* badness after repair minus before, over the run and
		       a character of context on each side */
	bool evidence; /* a group of its own looks like mojibake */
};

/* Working memory for the lines that need it. */
struct work {
	uint32_t *cp; /* the characters of the line */
	size_t *off;  /* where each starts in the line, and the line's end */
	size_t cp_cap, off_cap;
	struct run *runs;
	size_t runs_cap;
	uint32_t *win; /* a run with its context, repaired */
	size_t win_cap;
	struct buf bytes; /* a run encoded back */
	struct buf round[2]; /* the line after each round, in turns */
};

/* Returns p with room for need elements of size bytes. */
static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	size_t c = *cap ? *cap : 64;
	while (c < need)
		c = c > SIZE_MAX / 2 ? need : c * 2;
	if (c > SIZE_MAX / size)
		xrealloc(p, SIZE_MAX); /* too much: reported as out of memory */
	*cap = c;
	return xrealloc(p, c * size);
}

static void work_free(struct work *w)
{
	free(w->cp);
	free(w->off);
	free(w->runs);
	free(w->win);
	buf_free(&w->bytes);
	buf_free(&w->round[0]);
	buf_free(&w->round[1]);
}

/* Decodes the line s[0..n) into w->cp and w->off; returns the number of
 * characters, or SIZE_MAX if the line is not valid UTF-8. */
static size_t decode_line(struct work *w, const char *s, size_t n)
{
	w->cp = grow(w->cp, &w->cp_cap, n + 1, sizeof *w->cp);
	w->off = grow(w->off, &w->off_cap, n + 1, sizeof *w->off);
	size_t m = 0, i = 0;
	while (i < n) {
		uint32_t cp = (unsigned char)s[i];
		size_t k = 1;
		if (cp >= 0x80 && !(k = utf8_decode(s + i, n - i, &cp)))
			return SIZE_MAX;
		w->cp[m] = cp;
		w->off[m++] = i;
		i += k;
	}
	w->off[m] = n;
	return m;
}

/* Finds the runs among the m characters of the line; returns how many.
 * *whole tells whether the line is mojibake throughout: every non-ASCII
 * character in a group, one code page for all. */
static size_t find_runs(struct work *w, size_t m, bool *whole)
{
	size_t count = 0, i = 0;
	unsigned line_pages = ALL_PAGES;
	bool covered = true;
	while (i < m) {
		unsigned char bytes[4];
		unsigned pages, run_pages;
		size_t k = w->cp[i] < 0x80 ? 0 : group_at(w->cp, i, m, bytes, &run_pages);
		if (!k) {
			if (w->cp[i] >= 0x80)
				covered = false;
			i++;
			continue;
		}
		size_t start = i;
		i += k;
		while (i < m && (k = group_at(w->cp, i, m, bytes, &pages)) && (pages & run_pages)) {
			run_pages &= pages;
			i += k;
		}
		line_pages &= run_pages;
		w->runs = grow(w->runs, &w->runs_cap, count + 1, sizeof *w->runs);
		w->runs[count++] = (struct run){start, i, 0, false};
	}
	*whole = covered && line_pages;
	return count;
}

/* Appends the characters c[0..n), all of a run, encoded back into the
 * code page bytes, which are the repaired text as UTF-8. */
static void add_encoded(struct buf *out, const uint32_t *c, size_t n)
{
	buf_reserve(out, n);
	for (size_t i = 0; i < n; i++) {
		unsigned char byte = 0;
		encode_cp(c[i], &byte);
		out->data[out->len++] = (char)byte;
	}
	out->data[out->len] = '\0';
}

/* Computes what repairing the run would change in badness, over the run and
 * one character on each side (what decides whether a letter meets one of
 * another script, or a capital follows a small letter). */
static void weigh_run(struct work *w, size_t m, struct run *r)
{
	size_t a = r->start ? r->start - 1 : 0, b = r->end < m ? r->end + 1 : m;
	unsigned before = badness(w->cp + a, b - a);
	struct buf *scratch = &w->bytes;
	buf_clear(scratch);
	add_encoded(scratch, w->cp + r->start, r->end - r->start);
	w->win = grow(w->win, &w->win_cap, b - a, sizeof *w->win);
	size_t n = 0;
	if (a < r->start)
		w->win[n++] = w->cp[a];
	for (size_t i = 0; i < scratch->len;) {
		uint32_t cp;
		i += utf8_decode(scratch->data + i, scratch->len - i, &cp);
		w->win[n++] = cp;
	}
	if (b > r->end)
		w->win[n++] = w->cp[r->end];
	unsigned after = badness(w->win, n);
	r->delta = (long)after - (long)before;
	r->evidence = false;
	for (size_t i = r->start, k; i < r->end && !r->evidence; i += k) {
		unsigned char bytes[4];
		unsigned pages;
		k = group_at(w->cp, i, r->end, bytes, &pages);
		if (!k)
			break; /* cannot happen: a run is made of groups */
		r->evidence = group_weight(w->cp, i, k, m, bytes);
	}
}

/* One round over the line s[0..n): puts it in out with the runs whose
 * repair lowers the badness repaired, and returns true; or returns false
 * if none does. A line that is mojibake throughout is repaired whole when
 * that lowers its badness: the runs vouch for each other, for one that
 * correct text could hold (a Hebrew "ג" is "×’", which follows a letter as
 * an apostrophe does) and for one that its context makes worse (the "の" of
 * "iPhoneのiOS" is "ã\u0081®"). But a run that gets worse with nothing
 * suspicious of its own vetoes that: it is likely correct text that only
 * happens to encode to UTF-8, in a line with real mojibake elsewhere
 * ("café »" is "caf頻" so read). Otherwise each run stands alone. */
static bool repair_once(struct work *w, const char *s, size_t n, struct buf *out)
{
	size_t m = decode_line(w, s, n);
	if (m == SIZE_MAX)
		return false;
	bool whole;
	size_t count = find_runs(w, m, &whole);
	long sum = 0;
	bool veto = false, any_better = false;
	for (size_t i = 0; i < count; i++) {
		struct run *r = &w->runs[i];
		weigh_run(w, m, r);
		sum += r->delta;
		veto |= r->delta > 0 && !r->evidence;
		any_better |= r->delta < 0;
	}
	if (!any_better)
		return false;
	bool all = whole && !veto && sum < 0;
	size_t done = 0;
	buf_clear(out);
	for (size_t i = 0; i < count; i++) {
		const struct run *r = &w->runs[i];
		if (!all && r->delta >= 0)
			continue;
		buf_add(out, s + done, w->off[r->start] - done);
		add_encoded(out, w->cp + r->start, r->end - r->start);
		done = w->off[r->end];
	}
	buf_add(out, s + done, n - done);
	return true;
}

/* Repairs the line s[0..n) in up to MAX_ROUNDS rounds and appends it to
 * out; returns whether it changed. */
static bool repair_line(struct work *w, const char *s, size_t n, struct buf *out)
{
	const char *cur = s;
	size_t len = n;
	bool changed = false;
	for (int round = 0; round < MAX_ROUNDS; round++) {
		/* Never the buffer that cur points into. */
		struct buf *next = &w->round[round & 1];
		if (!repair_once(w, cur, len, next))
			break;
		cur = next->data;
		len = next->len;
		changed = true;
		if (!mojibake_possible(cur, len))
			break;
	}
	buf_add(out, cur, len);
	return changed;
}

size_t mojibake_repair(const char *s, size_t n, struct buf *out)
{
	size_t at = find_pair(s, n);
	if (at == n) {
		buf_add(out, s, n);
		return 0;
	}
	pthread_once(&slots_once, build_slots);
	struct work w = {0};
	size_t repaired = 0, done = 0;
	buf_reserve(out, n);
	/* Only the lines with a pair in them are decoded; the text between
	 * them is copied as it is. */
	while (at < n) {
		const char *nl = memrchr(s + done, '\n', at - done);
		size_t start = nl ? (size_t)(nl - s) + 1 : done;
		nl = memchr(s + at, '\n', n - at);
		size_t end = nl ? (size_t)(nl - s) : n;
		buf_add(out, s + done, start - done);
		repaired += repair_line(&w, s + start, end - start, out);
		done = end;
		at = end + find_pair(s + end, n - end);
	}
	buf_add(out, s + done, n - done);
	work_free(&w);
	return repaired;
}
