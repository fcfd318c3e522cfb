#include "clean.h"

#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "cpu.h"
#include "json.h"
#include "langid.h"
#include "normalize.h"
#include "page.h"
#include "patterns.h"
#include "promo.h"
#include "scan.h"
#include "template.h"
#include "utf8.h"

/* What the rules find out about a line from its bytes alone, and from
 * what stays the same while one record is cleaned (its title and site, the
 * template memory, the patterns): a later pass, which sees the same line
 * again, takes the facts over instead of working them out again (see
 * cleaner_record). Each is made on first use; known says which are. */
enum {
	KNOWN_BASE = 1,         /* is_kept, base_rule, base_pattern */
	KNOWN_EDGE = 2,         /* edge_rule, edge_pattern */
	KNOWN_MENU_WORDS = 4,   /* menu_words */
	KNOWN_WORDS = 8,        /* words */
	KNOWN_INTERFACE = 16,   /* interface_words */
	KNOWN_CHROME = 32,      /* chrome */
	KNOWN_PAGE_INTERFACE = 64, /* page_interface */
};

/* A paragraph of more words than this is no interface text. */
enum { INTERFACE_WORDS = 60 };

struct line_facts {
	const struct pattern *base_pattern; /* the pattern of base_rule RULE_PATTERN */
	const struct pattern *edge_pattern; /* an edge pattern that matches, or NULL */
	unsigned char known;
	signed char base_rule;   /* the rules that hold anywhere (or a pattern), or -1 */
	signed char edge_rule;   /* the edge rules but menu words, or -1 */
	bool is_kept;            /* a keep pattern protects it */
	bool menu_words;         /* rule_menu_words */
	unsigned char words;     /* its words, up to INTERFACE_WORDS + 1 */
	bool interface_words;    /* rule_interface_words */
	bool chrome;             /* page_is_chrome */
	bool page_interface;     /* page_is_interface */
};

/* What split_lines finds in a line's bytes on its way (clean_line.bytes):
 * what spares the rules a look of their own at most lines. */
enum {
	HAS_MARK = 1,  /* '|' or a byte C2 or E2: a separator of rule_menu may stand */
	HAS_E2 = 2,    /* a byte E2: a bullet of rule_ticker may stand */
	HAS_DIGIT = 4, /* an ASCII digit */
	HAS_HIGH = 8,  /* a byte of 0x80 or above: not all ASCII */
};

struct clean_line {
	size_t off, len;
	unsigned char bytes;     /* HAS_MARK, HAS_E2, HAS_DIGIT, HAS_HIGH (split_lines) */
	bool is_paragraph_start; /* a blank line came before it */
	int rule;                /* the rule that removed it, or -1 */
	bool is_kept;            /* a keep pattern protects it */
	const struct pattern *pattern; /* the user pattern that removed it */
	struct line_facts f;
	uint64_t query;          /* its template key, while the base is worked out */
};

static void split_init(void);

void cleaner_init(struct cleaner *c, struct stats *stats, struct writer *explain)
{
	memset(c, 0, sizeof *c);
	split_init();
	c->stats = stats;
	c->explain = explain;
}

static bool on(const struct cleaner *c, enum rule r)
{
	return !c->is_disabled[r];
}

/* Rules that hold wherever the line stands, in the order they are tried
 * (the template memory's verdict, of keys key and query, last). */
static int anywhere_rule(struct cleaner *c, const struct rule_context *ctx,
			 const struct template_query *q, const struct clean_line *l, const char *s,
			 char iso[11])
{
	size_t n = l->len;
	if (on(c, RULE_TITLE_REPEAT) && rule_title_repeat(ctx, s, n, &c->fold))
		return RULE_TITLE_REPEAT;
	if (on(c, RULE_TICKER) && rule_ticker_hint(s, n, &c->fold, l->bytes & HAS_E2))
		return RULE_TICKER;
	/* every separator starts with a byte of HAS_MARK */
	if (on(c, RULE_MENU) && (l->bytes & HAS_MARK) && rule_menu(s, n))
		return RULE_MENU;
	/* a date starts with a digit, whichever its form */
	if (on(c, RULE_DATE_PRINT) && n && s[0] >= '0' && s[0] <= '9' &&
	    rule_date_print(s, n, iso, &c->fold))
		return RULE_DATE_PRINT;
	if (q && template_query_is_template(q, l->query, s, n))
		return RULE_TEMPLATE;
	return -1;
}

/* Adds the line s[start..end) (not empty) to lines. */
static inline void add_line(struct clean_line **lines, size_t *cap, size_t *count, size_t start,
			    size_t end, bool paragraph, unsigned bytes)
{
	if (*count == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*lines = xrealloc(*lines, *cap * sizeof **lines);
	}
	/* Field by field: the facts need only say that none is known. */
	struct clean_line *l = &(*lines)[(*count)++];
	l->off = start;
	l->len = end - start;
	l->is_paragraph_start = paragraph;
	l->rule = -1;
	l->is_kept = false;
	l->pattern = NULL;
	l->f.known = 0;
	l->bytes = (unsigned char)bytes;
}

/* The byte classes of add_line, of one byte. */
static inline unsigned byte_classes(unsigned char c)
{
	return (c == '|' || c == 0xC2 || c == 0xE2 ? HAS_MARK : 0) | (c == 0xE2 ? HAS_E2 : 0) |
	       (c >= '0' && c <= '9' ? HAS_DIGIT : 0) | (c >= 0x80 ? HAS_HIGH : 0);
}

/* Where split_lines is in its text. */
struct splitter {
	struct clean_line **lines;
	size_t *cap;
	size_t count;
	size_t start;    /* of the line going on */
	bool paragraph;  /* the line going on starts a paragraph */
	bool irregular;  /* a blank line is the first, or follows another */
	unsigned bytes;  /* the classes of the line going on, so far */
};

/* The classes (HAS_*) of the bytes in range, from the masks of a block. */
static inline unsigned classes_in(uint64_t range, uint64_t marks, uint64_t e2s, uint64_t digits,
				  uint64_t highs)
{
	return (marks & range ? HAS_MARK : 0) | (e2s & range ? HAS_E2 : 0) |
	       (digits & range ? HAS_DIGIT : 0) | (highs & range ? HAS_HIGH : 0);
}

/* Takes the block of bytes from i (64 or fewer), of the masks given (a
 * bit a byte, those past the block clear): the line breaks one by one,
 * and the classes of the bytes before each. */
static inline void split_block(struct splitter *sp, size_t i, uint64_t breaks, uint64_t marks,
			       uint64_t e2s, uint64_t digits, uint64_t highs)
{
	/* most blocks of prose have none of the bytes: then no class is
	 * looked at */
	uint64_t any = marks | digits | highs;
	uint64_t from = ~(uint64_t)0; /* the bits of the line going on */
	for (; breaks; breaks &= breaks - 1) {
		unsigned b = (unsigned)__builtin_ctzll(breaks);
		uint64_t range = from & ((UINT64_C(1) << b) - 1); /* below bit b */
		size_t e = i + b;
		if (e == sp->start) {
			sp->irregular |= sp->paragraph;
			sp->paragraph = true;
		} else {
			if (any & range)
				sp->bytes |= classes_in(range, marks, e2s, digits, highs);
			add_line(sp->lines, sp->cap, &sp->count, sp->start, e, sp->paragraph,
				 sp->bytes);
			sp->paragraph = false;
		}
		sp->bytes = 0;
		sp->start = e + 1;
		from = b == 63 ? 0 : ~(uint64_t)0 << (b + 1);
	}
	if (any & from)
		sp->bytes |= classes_in(from, marks, e2s, digits, highs);
}

/* Takes s[i..n) a byte at a time. */
static void split_bytes(struct splitter *sp, const char *s, size_t i, size_t n)
{
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c != '\n') {
			sp->bytes |= byte_classes(c);
			continue;
		}
		if (i == sp->start) {
			sp->irregular |= sp->paragraph;
			sp->paragraph = true;
		} else {
			add_line(sp->lines, sp->cap, &sp->count, sp->start, i, sp->paragraph,
				 sp->bytes);
			sp->paragraph = false;
		}
		sp->bytes = 0;
		sp->start = i + 1;
	}
}

#ifdef __SSE2__
/* Takes s[i..n) 16 bytes at a time, while 16 are left; returns where it
 * stopped. */
static size_t split_sse2(struct splitter *sp, const char *s, size_t i, size_t n)
{
	const __m128i nl = _mm_set1_epi8('\n'), pipe = _mm_set1_epi8('|'),
		      c2 = _mm_set1_epi8((char)0xC2), e2 = _mm_set1_epi8((char)0xE2),
		      before_0 = _mm_set1_epi8('0' - 1), after_9 = _mm_set1_epi8('9' + 1);
	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		unsigned breaks = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl));
		__m128i is_e2 = _mm_cmpeq_epi8(v, e2);
		unsigned e2s = (unsigned)_mm_movemask_epi8(is_e2);
		unsigned marks = (unsigned)_mm_movemask_epi8(
			_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, pipe), _mm_cmpeq_epi8(v, c2)), is_e2));
		unsigned digits = (unsigned)_mm_movemask_epi8(
			_mm_and_si128(_mm_cmpgt_epi8(v, before_0), _mm_cmplt_epi8(v, after_9)));
		unsigned highs = (unsigned)_mm_movemask_epi8(v);
		split_block(sp, i, breaks, marks, e2s, digits, highs);
	}
	return i;
}
#endif

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_SPLIT_AVX512 1

/* Takes s[i..n) 64 bytes at a time, while 64 are left; returns where it
 * stopped. */
__attribute__((target("avx512f,avx512bw"))) static size_t
split_avx512(struct splitter *sp, const char *s, size_t i, size_t n)
{
	const __m512i nl = _mm512_set1_epi8('\n'), pipe = _mm512_set1_epi8('|'),
		      c2 = _mm512_set1_epi8((char)0xC2), e2 = _mm512_set1_epi8((char)0xE2),
		      zero = _mm512_set1_epi8('0'), nine = _mm512_set1_epi8(9);
	for (; i + 64 <= n; i += 64) {
		__m512i v = _mm512_loadu_si512((const void *)(s + i));
		uint64_t e2s = _mm512_cmpeq_epi8_mask(v, e2);
		uint64_t marks = e2s | _mm512_cmpeq_epi8_mask(v, pipe) | _mm512_cmpeq_epi8_mask(v, c2);
		uint64_t digits = _mm512_cmple_epu8_mask(_mm512_sub_epi8(v, zero), nine);
		uint64_t highs = _mm512_movepi8_mask(v);
		split_block(sp, i, _mm512_cmpeq_epi8_mask(v, nl), marks, e2s, digits, highs);
	}
	return i;
}

static bool use_split_avx512;

static void split_init(void)
{
	use_split_avx512 = cpu_has(CPU_AVX512BW);
}
#else
static void split_init(void)
{
}
#endif

/* The non-blank lines of s[0..n), with what add_line notes of their bytes:
 * 64 or 16 bytes are looked at at once, as the machine can, and the line
 * breaks taken from the mask one by one. *canonical says whether s is its
 * lines joined by one line break, or two where a paragraph starts (as
 * normalize_text makes text): no blank line at either end, and none after
 * another. */
static size_t split_lines(const char *s, size_t n, struct clean_line **lines, size_t *cap,
			  bool *canonical)
{
	struct splitter sp = {.lines = lines, .cap = cap, .paragraph = true};
	size_t i = 0;
#ifdef HAVE_SPLIT_AVX512
	if (use_split_avx512)
		i = split_avx512(&sp, s, i, n);
#endif
#ifdef __SSE2__
	i = split_sse2(&sp, s, i, n);
#endif
	split_bytes(&sp, s, i, n);
	if (sp.start < n)
		add_line(lines, cap, &sp.count, sp.start, n, sp.paragraph, sp.bytes);
	*canonical = !sp.irregular && (n == 0 || s[n - 1] != '\n');
	return sp.count;
}

/* Makes c->lines the lines the last pass kept, in the text it wrote (see
 * clean_pass): each where c->carry_at says, the first one starting a
 * paragraph; returns how many. */
static size_t keep_lines(struct cleaner *c)
{
	struct clean_line *lines = c->lines;
	size_t k = 0;
	for (size_t i = 0; i < c->line_count; i++) {
		if (lines[i].rule >= 0)
			continue;
		struct clean_line *l = &lines[k]; /* k <= i */
		*l = lines[i];
		l->off = c->carry_at[k].start;
		l->is_paragraph_start = k == 0 || l->is_paragraph_start;
		l->rule = -1;
		l->is_kept = false;
		l->pattern = NULL;
		k++;
	}
	return k;
}

/* Whether line i's sentence goes on in the next kept line of its
 * paragraph: that line starts in lower case, or line i has no closing
 * punctuation and the next is a long line that is no menu itself (Reuters
 * breaks lines inside names: "U.S. Trade Representative Clayton"). */
static bool menu_words(const char *text, struct clean_line *l)
{
	if (!(l->f.known & KNOWN_MENU_WORDS)) {
		l->f.menu_words = rule_menu_words(text + l->off, l->len);
		l->f.known |= KNOWN_MENU_WORDS;
	}
	return l->f.menu_words;
}

static bool is_continued(const char *text, struct clean_line *lines, size_t count, size_t i)
{
	size_t j = i + 1;
	while (j < count && lines[j].rule >= 0 && !lines[j].is_paragraph_start)
		j++;
	if (j >= count || lines[j].is_paragraph_start)
		return false;
	const char *next = text + lines[j].off;
	uint32_t cp;
	if (utf8_decode(next, lines[j].len, &cp) && utf8proc_islower((utf8proc_int32_t)cp))
		return true;
	char last = text[lines[i].off + lines[i].len - 1];
	return !strchr(".!?:;\"", last) && lines[j].len >= 40 && !menu_words(text, &lines[j]);
}

/* Whether line i is a piece of a sentence broken over lines: a word of a
 * link on a line of its own ("gazetesi,\nFenerbahçe\nKulübü'nün ...") or
 * the end of a wrapped sentence ("said."): it starts with punctuation,
 * the line before ends in a comma or a dash (or, in the same paragraph, a
 * lower-case letter), or the line after starts in lower case or with
 * punctuation. Such a line recurs because the word does, and is the
 * article's. */
static bool inside_sentence(const char *text, const struct clean_line *lines, size_t count,
			    size_t i)
{
	/* A comma counts across a blank line: scraped text breaks a sentence
	 * into paragraphs around its links. */
	uint32_t cp;
	if (i > 0) {
		const char *prev = text + lines[i - 1].off;
		size_t n = lines[i - 1].len, k = n;
		while (k > 0 && ((unsigned char)prev[k - 1] & 0xC0) == 0x80)
			k--;
		if (strchr(",;-", prev[n - 1]) || strchr(",;:'.)", text[lines[i].off]) ||
		    (!lines[i].is_paragraph_start && k > 0 &&
		     utf8_decode(prev + k - 1, n - k + 1, &cp) && utf8proc_islower((utf8proc_int32_t)cp)))
			return true;
	}
	if (i + 1 < count) {
		const char *next = text + lines[i + 1].off;
		if (strchr(",;:'.)", next[0]) ||
		    (utf8_decode(next, lines[i + 1].len, &cp) && utf8proc_islower((utf8proc_int32_t)cp)))
			return true;
	}
	return false;
}

/* Whether line i is the label of a block in a table: a few words between
 * lines with figures ("Revs 10.0 mln vs 7.6 mln\nYear\nShr 5 cts"). */
static bool inside_table(const char *text, const struct clean_line *lines, size_t count,
			 size_t i)
{
	return i > 0 && i + 1 < count && scan_words(text + lines[i].off, lines[i].len, 4) <= 3 &&
	       (lines[i - 1].bytes & HAS_DIGIT) && (lines[i + 1].bytes & HAS_DIGIT);
}

/* The edge rules on line i, in the order they are tried, or a pattern of
 * the edges: a row of capitalised words is no menu when the next line
 * goes on with its sentence (a wrapped paragraph starting "The U.S.
 * Agriculture Department"). */
static int edge_rule(struct cleaner *c, const char *text, struct clean_line *lines, size_t count,
		     size_t i, const struct pattern **pattern)
{
	struct clean_line *l = &lines[i];
	const char *s = text + l->off;
	if (on(c, RULE_MENU) && menu_words(text, l) && !is_continued(text, lines, count, i))
		return RULE_MENU;
	if (!(l->f.known & KNOWN_EDGE)) {
		struct rule_line rl;
		rule_line_init(&rl, s, l->len, &c->fold);
		int rule = -1;
		if (on(c, RULE_SHARE) && rule_share(&rl))
			rule = RULE_SHARE;
		else if (on(c, RULE_CLOSE_BUTTON) && rule_close_button(&rl))
			rule = RULE_CLOSE_BUTTON;
		else if (on(c, RULE_COOKIE) && rule_cookie(&rl))
			rule = RULE_COOKIE;
		else if (on(c, RULE_ATTRIBUTION) && rule_attribution(&rl))
			rule = RULE_ATTRIBUTION;
		l->f.edge_rule = (signed char)rule;
		l->f.edge_pattern = NULL;
		if (rule < 0 && c->patterns && on(c, RULE_PATTERN))
			l->f.edge_pattern = patterns_match(c->patterns, s, l->len, false, true);
		l->f.known |= KNOWN_EDGE;
	}
	if (l->f.edge_rule >= 0)
		return l->f.edge_rule;
	*pattern = l->f.edge_pattern;
	return *pattern ? RULE_PATTERN : -1;
}

/* Tries the edge rules on line i; returns whether peeling goes on past it
 * (it was removed, now or by an earlier rule). */
static bool peel(struct cleaner *c, const char *text, struct clean_line *lines, size_t count,
		 size_t i)
{
	if (lines[i].rule < 0 && !lines[i].is_kept)
		lines[i].rule = edge_rule(c, text, lines, count, i, &lines[i].pattern);
	return lines[i].rule >= 0;
}

/* Adds an explanation of a removed line to c->explained. */
static void explain(struct cleaner *c, struct record *r, const struct clean_line *l,
		    const char *text)
{
	int rule = l->rule;
	const char *s = text + l->off;
	size_t n = l->len;
	long id = record_find(r, "id");
	buf_adds(&c->explained, "{\"id\":");
	buf_add(&c->explained, r->line + r->members[id].val_off, r->members[id].val_len);
	buf_adds(&c->explained, ",\"rule\":");
	json_append_utf8(&c->explained, rule_name((enum rule)rule), strlen(rule_name((enum rule)rule)));
	if (l->pattern) {
		buf_adds(&c->explained, ",\"pattern\":");
		json_append_string(&c->explained, l->pattern->where, strlen(l->pattern->where));
	}
	buf_adds(&c->explained, ",\"text\":");
	json_append_utf8(&c->explained, s, n);
	buf_adds(&c->explained, "}\n");
}

/* Copies the string field key into out (NUL-terminated); false if absent. */
static bool field(struct record *r, const char *key, struct buf *out)
{
	const char *s;
	size_t n;
	buf_clear(out);
	if (!record_get_string(r, key, &s, &n))
		return false;
	buf_add(out, s, n);
	return true;
}

/* A paragraph of kept lines: [first, end) in lines. */
struct paragraph {
	size_t first, end;
};

/* The kept paragraphs' bounds, in order, into c->paragraphs. */
static size_t kept_paragraphs(struct cleaner *c, const struct clean_line *lines, size_t count)
{
	size_t n = 0;
	for (size_t i = 0; i < count; i++) {
		if (lines[i].rule >= 0)
			continue;
		if (n == 0 || lines[i].is_paragraph_start || c->paragraphs[n - 1].end != i) {
			if (n == c->paragraph_cap) {
				c->paragraph_cap = c->paragraph_cap ? c->paragraph_cap * 2 : 16;
				c->paragraphs = xrealloc(c->paragraphs,
							 c->paragraph_cap * sizeof *c->paragraphs);
			}
			c->paragraphs[n++] = (struct paragraph){i, i + 1};
		} else {
			c->paragraphs[n - 1].end = i + 1;
		}
	}
	return n;
}

/* Whether paragraph p is short interface text: 4 to 60 words, with
 * interface words. A paragraph's lines are joined by single line breaks,
 * which end words and which no interface word holds: its words are its
 * lines' words, and it has interface words when a line has. */
static bool is_interface(struct cleaner *c, const char *text, struct clean_line *lines,
			 struct paragraph p)
{
	size_t words = 0;
	for (size_t i = p.first; i < p.end && words <= INTERFACE_WORDS; i++) {
		struct line_facts *f = &lines[i].f;
		if (!(f->known & KNOWN_WORDS)) {
			f->words = (unsigned char)scan_words(text + lines[i].off, lines[i].len,
							     INTERFACE_WORDS + 1);
			f->known |= KNOWN_WORDS;
		}
		words += f->words;
	}
	if (words < 4 || words > INTERFACE_WORDS)
		return false;
	for (size_t i = p.first; i < p.end; i++) {
		struct line_facts *f = &lines[i].f;
		if (!(f->known & KNOWN_INTERFACE)) {
			f->interface_words = rule_interface_words(text + lines[i].off, lines[i].len,
								  &c->fold);
			f->known |= KNOWN_INTERFACE;
		}
		if (f->interface_words)
			return true;
	}
	return false;
}

/* The bytes of paragraph p, from its first line's start to its last
 * line's end. */
static size_t paragraph_bytes(const struct clean_line *lines, struct paragraph p)
{
	return lines[p.end - 1].off + lines[p.end - 1].len - lines[p.first].off;
}

/* The paragraph's language, for foreign_edges. */
struct short_lang {
	const char *lang;
	bool reliable;
};

/* The language of paragraph p. A later pass over the same record often
 * asks again of the same paragraph: CLD2, which always answers the same
 * of the same bytes, is asked once (c->short_langs, per record). */
static struct short_lang paragraph_lang(struct cleaner *c, const char *text,
					const struct clean_line *lines, struct paragraph p)
{
	const char *s = text + lines[p.first].off;
	size_t len = paragraph_bytes(lines, p);
	for (size_t k = 0; k < c->short_lang_count; k++) {
		const struct short_lang_memo *m = &c->short_langs[k];
		if (m->text.len == len && memcmp(m->text.data, s, len) == 0)
			return (struct short_lang){m->lang, m->reliable};
	}
	struct short_lang r = {NULL, false};
	r.lang = langid_detect_short(s, len, NULL, &r.reliable);
	if (c->short_lang_count < SHORT_LANG_MEMO) {
		struct short_lang_memo *m = &c->short_langs[c->short_lang_count++];
		buf_clear(&m->text);
		buf_add(&m->text, s, len);
		m->lang = r.lang;
		m->reliable = r.reliable;
	}
	return r;
}

/* Whether peeling foreign paragraphs stops at one of this language
 * whatever the language of the rest. */
static bool stops_anyway(struct short_lang l)
{
	return !l.reliable || strcmp(l.lang, "un") == 0;
}

/* Removes interface paragraphs at the start and the end (up to three on
 * each side) that are, reliably, in another language than the rest of the
 * text, itself reliably in one language: a Turkish banner under an
 * English article. CLD2 runs only when such a paragraph is there, and on
 * the rest only when the first paragraph on a side is reliably in some
 * language (else nothing goes, whatever the rest is in). */
static void foreign_edges(struct cleaner *c, const char *text, struct clean_line *lines,
			  size_t count)
{
	if (!on(c, RULE_FOREIGN))
		return;
	size_t n = kept_paragraphs(c, lines, count);
	if (n < 2)
		return;
	/* The rest must be the article: 400 bytes at least, and twice the
	 * candidates (below). Candidates are whole edge paragraphs, so that
	 * a text too short for the smaller edge to go is let be at once,
	 * before any paragraph is looked at closely. */
	size_t total = 0;
	for (size_t k = 0; k < n; k++)
		total += paragraph_bytes(lines, c->paragraphs[k]);
	size_t first_len = paragraph_bytes(lines, c->paragraphs[0]);
	size_t last_len = paragraph_bytes(lines, c->paragraphs[n - 1]);
	size_t least = first_len < last_len ? first_len : last_len;
	if (total < 400 + least || total < 3 * least)
		return;
	size_t head = 0, tail = 0; /* candidates at the start and at the end */
	while (head < 3 && head < n - 1 && is_interface(c, text, lines, c->paragraphs[head]))
		head++;
	while (tail < 3 && head + tail < n - 1 &&
	       is_interface(c, text, lines, c->paragraphs[n - 1 - tail]))
		tail++;
	if (!head && !tail)
		return;
	/* The language of the rest, from its first 512 bytes or so. */
	size_t rest = 0, edges = 0;
	for (size_t k = 0; k < n; k++)
		*(k < head || k >= n - tail ? &edges : &rest) +=
			paragraph_bytes(lines, c->paragraphs[k]);
	if (rest < 400 || rest < 2 * edges)
		return;
	struct short_lang first[2] = {{NULL, false}, {NULL, false}};
	bool any = false;
	for (int side = 0; side < 2; side++) {
		if (!(side ? tail : head))
			continue;
		first[side] = paragraph_lang(c, text, lines, c->paragraphs[side ? n - 1 : 0]);
		if (stops_anyway(first[side]))
			continue;
		/* A side whose first paragraph of the rest is prose (no
		 * interface text) reliably in the edge's language keeps its
		 * edge: it is not foreign to the text it stands by. Most
		 * candidates are prose that happens to hold an interface word
		 * ("agreed", "terms of"): this short look spares CLD2 the rest.
		 * (A banner of more paragraphs than are candidates goes on in
		 * interface text: that is let through to the whole rest.) */
		struct paragraph next_p = c->paragraphs[side ? n - 1 - tail : head];
		if (!is_interface(c, text, lines, next_p)) {
			struct short_lang next = paragraph_lang(c, text, lines, next_p);
			if (!stops_anyway(next) && strcmp(next.lang, first[side].lang) == 0) {
				first[side].reliable = false;
				continue;
			}
		}
		any = true;
	}
	if (!any)
		return;
	struct buf *body = &c->json;
	buf_clear(body);
	for (size_t k = head; k < n - tail && body->len < 512; k++) {
		struct paragraph p = c->paragraphs[k];
		buf_add(body, text + lines[p.first].off, paragraph_bytes(lines, p));
		buf_addc(body, '\n');
	}
	if (!c->langid) {
		c->langid = xcalloc(1, sizeof *c->langid);
		langid_init(c->langid);
	}
	/* A later pass often has the same rest: CLD2 answers the same. */
	if (!c->has_body_lang || c->body.len != body->len ||
	    memcmp(c->body.data, body->data, body->len) != 0) {
		if (!langid_detect(body->data, body->len, c->langid))
			return; /* CLD2 failed (out of memory): asked again next time */
		buf_clear(&c->body);
		buf_add(&c->body, body->data, body->len);
		c->has_body_lang = true;
	}
	if (!c->langid->reliable || strcmp(c->langid->lang, "un") == 0)
		return;
	for (int side = 0; side < 2; side++) {
		size_t m = side ? tail : head;
		for (size_t k = 0; k < m; k++) {
			struct paragraph p = c->paragraphs[side ? n - 1 - k : k];
			struct short_lang l = k ? paragraph_lang(c, text, lines, p) : first[side];
			if (stops_anyway(l) || strcmp(l.lang, c->langid->lang) == 0)
				break; /* peeling stops at the first paragraph that stays */
			for (size_t i = p.first; i < p.end; i++)
				if (lines[i].rule < 0 && !lines[i].is_kept)
					lines[i].rule = RULE_FOREIGN;
		}
	}
}

/* Whether line l is chrome (page_is_chrome). */
static bool is_chrome(const char *text, struct clean_line *l)
{
	struct line_facts *f = &l->f;
	if (!(f->known & KNOWN_CHROME)) {
		f->chrome = page_is_chrome(text + l->off, l->len);
		f->known |= KNOWN_CHROME;
	}
	return f->chrome;
}

/* Whether line l is one of the words of an interface (page_is_interface). */
static bool is_interface_line(struct cleaner *c, const char *text, struct clean_line *l)
{
	struct line_facts *f = &l->f;
	if (!(f->known & KNOWN_PAGE_INTERFACE)) {
		f->page_interface = page_is_interface(text + l->off, l->len, &c->fold);
		f->known |= KNOWN_PAGE_INTERFACE;
	}
	return f->page_interface;
}

/* Whether the lines look like a full page (page_is_full_page), from the
 * lines' facts. That takes ten chrome lines at least, and one at least
 * that is an interface word: when too few lines pass the cheap tests of
 * chrome, or none of those is an interface word, the answer is no without
 * looking closer. With keep_scratch, the line page_is_full_page would have
 * looked up last with page_is_interface (the last chrome line of 40 bytes
 * or fewer) is left folded in c->line, as it leaves it there. */
static bool is_full_page(struct cleaner *c, const char *text, struct clean_line *lines,
			 size_t count, bool keep_scratch)
{
	size_t short_lines = 0;
	for (size_t i = 0; i < count; i++)
		short_lines += lines[i].len <= 80;
	if (short_lines < 10) /* most articles: no need to look closer */
		return false;
	/* An interface word (of 40 bytes at most) that may be chrome first:
	 * seldom there, and quicker to rule out than chrome. */
	bool maybe_interface = false;
	for (size_t i = 0; i < count && !maybe_interface; i++) {
		struct clean_line *l = &lines[i];
		maybe_interface = l->len <= 40 && is_interface_line(c, text, l) &&
				  ((l->f.known & KNOWN_CHROME)
					   ? l->f.chrome
					   : page_may_be_chrome(text + l->off, l->len));
	}
	size_t maybe = 0;
	for (size_t i = 0; i < count && maybe_interface && maybe < 10; i++) {
		struct clean_line *l = &lines[i];
		maybe += (l->f.known & KNOWN_CHROME) ? l->f.chrome
						      : page_may_be_chrome(text + l->off, l->len);
	}
	size_t chrome = 0, interface = 0, last = SIZE_MAX;
	if (maybe < 10 || !maybe_interface) {
		for (size_t i = count; keep_scratch && last == SIZE_MAX && i-- > 0;)
			if (lines[i].len <= 40 && is_chrome(text, &lines[i]))
				last = i;
	} else {
		for (size_t i = 0; i < count; i++) {
			if (!is_chrome(text, &lines[i]))
				continue;
			chrome++;
			interface += is_interface_line(c, text, &lines[i]);
			if (lines[i].len <= 40)
				last = i;
		}
	}
	if (last != SIZE_MAX && keep_scratch) {
		buf_clear(&c->line);
		rule_fold(text + lines[last].off, lines[last].len, &c->line);
	}
	return page_counts_full_page(count, chrome, interface);
}

/* On a full page, marks the lines outside the article's block (and its
 * comment section) as removed; returns whether the text was a full page. */
static bool find_article(struct cleaner *c, const struct rule_context *ctx, const char *text,
			 struct clean_line *lines, size_t count)
{
	if (c->full_page == FULL_PAGE_NEVER ||
	    (!on(c, RULE_OUTSIDE_ARTICLE) && !on(c, RULE_COMMENTS)))
		return false;
	if (c->page_cap < count) {
		c->page_cap = count;
		c->page = xrealloc(c->page, count * sizeof *c->page);
		c->page_index = xrealloc(c->page_index, count * sizeof *c->page_index);
	}
	/* c->line holds the title, compared at the end, when there is one */
	if (c->full_page == FULL_PAGE_AUTO && !is_full_page(c, text, lines, count, ctx->title))
		return false;
	/* The article is looked for among the lines the rules kept. */
	size_t kept = 0;
	bool after_title = false;
	for (size_t i = 0; i < count; i++) {
		if (lines[i].rule == RULE_TITLE_REPEAT ||
		    (page_repeats_title(ctx->page_title, ctx->page_title_len,
					text + lines[i].off, lines[i].len, &c->line) &&
		     (i > 0 || ctx->title))) {
			after_title = true;
			if (lines[i].rule >= 0)
				continue;
		}
		if (lines[i].rule < 0) {
			c->page[kept] = (struct page_line){text + lines[i].off, lines[i].len, 0,
							   false, after_title};
			c->page_index[kept++] = i;
			after_title = false;
		}
	}
	size_t comments;
	if (!page_find_article(c->page, kept, &comments, &c->line))
		return true;
	/* Inside the article, what the page put between its paragraphs:
	 * captions and credits, links to other stories, and boxes of them
	 * (a heading, then lines up to the next line of prose). */
	bool in_box = false;
	for (size_t k = 0; k < kept; k++) {
		if (!c->page[k].keep)
			continue;
		const char *s = c->page[k].s;
		size_t n = c->page[k].n;
		if (in_box && c->page[k].score > 0)
			in_box = false;
		if (promo_heading(s, n, &c->line))
			in_box = true;
		if (in_box || promo_caption(s, n, &c->line) || promo_line(s, n, &c->line))
			c->page[k].keep = false;
	}
	for (size_t k = 0; k < kept; k++) {
		struct clean_line *l = &lines[c->page_index[k]];
		if (l->is_kept)
			continue;
		if (k >= comments && on(c, RULE_COMMENTS))
			l->rule = RULE_COMMENTS;
		else if (!c->page[k].keep && on(c, RULE_OUTSIDE_ARTICLE))
			l->rule = RULE_OUTSIDE_ARTICLE;
	}
	return true;
}

/* How many lines ahead the template keys are made: their entries are on
 * their way into the cache by the time the rules look them up. */
enum { KEYS_AHEAD = 16 };

/* Makes line i's template key, unless its base is known already: from
 * the keys made before, or from its bytes; its entry starts loading. */
static void line_keys(const struct template_query *q, const char *text, struct clean_line *l,
		      const uint64_t *keys, size_t i)
{
	if (!(l->f.known & KNOWN_BASE)) {
		if (keys) {
			l->query = keys[i];
			template_query_prefetch(q, l->query);
		} else {
			l->query = template_query_key(q, template_line_key(text + l->off, l->len));
		}
	}
}

/* One pass: applies the rules to normalised text and writes what is kept
 * to out, or sets *same when that is the text itself (nothing is written
 * then); counts and explains what it removed. Returns the number removed.
 * With carry, text is the text of the pass before less what it removed,
 * and its kept lines' facts are c->carry. Else, with before, the text of
 * the pass before less what it removed (c->carry_at says where its lines
 * are), and text that text normalised again: a line of text that stands
 * in before as it is, where it is, takes over its facts. */
static size_t clean_pass(struct cleaner *c, struct record *r, const struct rule_context *ctx,
			 const char *text, size_t text_len, bool carry, const char *before,
			 const struct cleaner_input *in, struct buf *out, bool *same,
			 uint64_t *by_rule, char found[11], bool *is_page)
{
	bool canonical = true;
	size_t count;
	if (carry) {
		/* The text is the lines the pass before kept, joined as it joined
		 * them: they are those lines, where it wrote them, with what they
		 * had (their facts are those it set aside in c->carry). */
		count = keep_lines(c);
	} else {
		count = split_lines(text, text_len, &c->lines, &c->line_cap, &canonical);
	}
	c->line_count = count;
	struct clean_line *lines = c->lines;
	if (!carry && before) {
		/* Normalising again mostly joins some lines of a paragraph into
		 * one, with a space for the line break: the other lines keep
		 * their place. Facts are the line's bytes': they go over where the
		 * bytes are the same. */
		for (size_t i = 0, k = 0; i < count && k < c->carry_count; i++) {
			while (k < c->carry_count && c->carry_at[k].start < lines[i].off)
				k++;
			if (k < c->carry_count && c->carry_at[k].start == lines[i].off &&
			    c->carry_at[k].end - c->carry_at[k].start == lines[i].len &&
			    memcmp(before + lines[i].off, text + lines[i].off, lines[i].len) == 0)
				lines[i].f = c->carry[k];
		}
	}
	/* The first pass has the template keys of its lines when the window
	 * kept them. */
	const uint64_t *keys = in && in->keys && in->key_count == count ? in->keys : NULL;
	struct template_query query, *q = NULL;
	if (c->template && c->has_site && on(c, RULE_TEMPLATE)) {
		q = &query;
		template_query_init(q, c->template, c->site);
		for (size_t i = 0; i < count && i < KEYS_AHEAD; i++)
			line_keys(q, text, &lines[i], keys, i);
	}
	char iso[11];
	for (size_t i = 0; i < count; i++) {
		struct clean_line *l = &lines[i];
		const char *s = text + l->off;
		if (q && i + KEYS_AHEAD < count)
			line_keys(q, text, &lines[i + KEYS_AHEAD], keys, i + KEYS_AHEAD);
		bool has_iso = false;
		if (!(l->f.known & KNOWN_BASE)) {
			l->f.is_kept = c->patterns && patterns_match(c->patterns, s, l->len, true, false);
			int rule = -1;
			const struct pattern *pattern = NULL;
			if (!l->f.is_kept) {
				rule = anywhere_rule(c, ctx, q, l, s, iso);
				has_iso = rule == RULE_DATE_PRINT;
				if (rule < 0 && c->patterns && on(c, RULE_PATTERN) &&
				    (pattern = patterns_match(c->patterns, s, l->len, false, false)))
					rule = RULE_PATTERN;
			}
			l->f.base_rule = (signed char)rule;
			l->f.base_pattern = pattern;
			/* A date's line goes: no pass after this one sees it. */
			l->f.known |= rule == RULE_DATE_PRINT ? 0 : KNOWN_BASE;
		}
		if (l->f.is_kept) {
			l->is_kept = true;
			continue;
		}
		l->rule = l->f.base_rule;
		l->pattern = l->f.base_pattern;
		if (has_iso && !found[0])
			memcpy(found, iso, 11);
		if (l->rule == RULE_TEMPLATE && (inside_sentence(text, lines, count, i) ||
						 inside_table(text, lines, count, i)))
			l->rule = -1;
	}
	/* Peel the edges: chrome sits before and after the article. */
	for (size_t i = 0; i < count && peel(c, text, lines, count, i); i++)
		;
	for (size_t i = count; i-- > 0 && peel(c, text, lines, count, i);)
		;
	foreign_edges(c, text, lines, count);
	/* Only the first pass looks for the article in a full page: later
	 * passes, and later runs, have the article already. */
	if (!*is_page && !c->has_article)
		*is_page = find_article(c, ctx, text, lines, count);
	size_t removed = 0, kept = 0;
	for (size_t i = 0; i < count; i++)
		removed += lines[i].rule >= 0;
	/* Text that loses no line comes out as it went in, when it is in the
	 * form the lines are joined in: then it is not copied (*same). */
	*same = !removed && canonical;
	if (*same)
		return 0;
	removed = 0;
	/* The lines kept, each after one line break, or two where it starts a
	 * paragraph: written through a pointer, with room for all of them. */
	size_t room = 0;
	for (size_t i = 0; i < count; i++)
		if (lines[i].rule < 0)
			room += lines[i].len + 2;
	buf_clear(out);
	buf_reserve(out, room);
	if (c->carry_cap < count) {
		c->carry_cap = count;
		c->carry = xrealloc(c->carry, count * sizeof *c->carry);
		c->carry_at = xrealloc(c->carry_at, count * sizeof *c->carry_at);
	}
	char *const base = out->data;
	char *w = base;
	for (size_t i = 0; i < count; i++) {
		if (lines[i].rule >= 0) {
			removed++;
			by_rule[lines[i].rule]++;
			if (c->explain)
				explain(c, r, &lines[i], text);
			continue;
		}
		if (w > base) {
			*w++ = '\n';
			if (lines[i].is_paragraph_start)
				*w++ = '\n';
		}
		memcpy(w, text + lines[i].off, lines[i].len);
		c->carry_at[kept] = (struct normalize_span){(size_t)(w - base),
							    (size_t)(w - base) + lines[i].len};
		w += lines[i].len;
		c->carry[kept++] = lines[i].f;
	}
	out->len = (size_t)(w - base);
	base[out->len] = '\0';
	c->carry_count = kept;
	return removed;
}

/* Whether normalize_text leaves text[0..n), the lines the last pass kept
 * (still in c->lines), as it is (*keeps: its characters stay, if nothing
 * else): when its characters stay, and no run of
 * those lines joined by single line breaks reads as hard-wrapped. Its
 * lines are lines normalize_text made: with no space at either end nor
 * two in a row, and no indent, each run is one paragraph to it. */
static bool stays_normalized(struct cleaner *c, const char *text, size_t n, bool *keeps)
{
	*keeps = normalize_keeps_characters(text, n, true);
	if (!*keeps)
		return false;
	const struct clean_line *lines = c->lines;
	size_t count = c->line_count;
	struct normalize_line *block = c->block;
	size_t size = 0, at = 0; /* where the next kept line is in text */
	for (size_t i = 0; i <= count; i++) {
		if (i < count && lines[i].rule >= 0)
			continue;
		bool first = at == 0 && size == 0;
		if (i == count || (!first && lines[i].is_paragraph_start)) {
			if (size >= 3 && normalize_joins(block, size))
				return false;
			size = 0;
			if (i == count)
				break;
		}
		if (!first) /* the line break before it, one or two */
			at += lines[i].is_paragraph_start ? 2 : 1;
		if (size == c->block_cap) {
			c->block_cap = c->block_cap ? c->block_cap * 2 : 16;
			c->block = block = xrealloc(c->block, c->block_cap * sizeof *c->block);
		}
		block[size++] = (struct normalize_line){text + at, lines[i].len, 0, false, false,
							!(lines[i].bytes & HAS_HIGH)};
		at += lines[i].len;
	}
	return at == n;
}

/* Whether an earlier run found the record's article in a full page: its
 * "clean" object says "page":"article". */
static bool has_article(struct record *r)
{
	long i = record_find(r, "clean");
	if (i < 0 || r->members[i].type != JSON_OBJECT)
		return false;
	const char *v = r->line + r->members[i].val_off;
	struct json_member *m = NULL;
	size_t count = 0, cap = 0;
	struct json_error err;
	bool found = false;
	if (json_scan_object(v, r->members[i].val_len, &m, &count, &cap, &err))
		for (size_t k = 0; k < count && !found; k++)
			found = m[k].key_len == 4 && memcmp(v + m[k].key_off, "page", 4) == 0 &&
				m[k].val_len == 9 && memcmp(v + m[k].val_off, "\"article\"", 9) == 0;
	free(m);
	return found;
}

size_t cleaner_normalize_text(struct cleaner *c, struct record *r, struct buf *out,
			      bool *repaired)
{
	const char *raw;
	size_t raw_len;
	record_get_string(r, "text", &raw, &raw_len); /* jsonl checked it is there */
	*repaired = normalize_text(raw, raw_len, out, &c->norm) > 0;
	return raw_len;
}

size_t cleaner_normalize(struct cleaner *c, struct record *r, struct buf *out)
{
	bool repaired;
	size_t raw_len = cleaner_normalize_text(c, r, out, &repaired);
	if (repaired)
		stats_add(c->stats, NULL, "mojibake_repaired", 1);
	return raw_len;
}

bool cleaner_record(struct cleaner *c, struct record *r, const struct cleaner_input *in)
{
	c->has_article = has_article(r);
	c->has_body_lang = false;
	c->short_lang_count = 0;
	struct cleaner_input made;
	if (!in) {
		buf_clear(&c->normalized);
		made.raw_len = cleaner_normalize(c, r, &c->normalized);
		made.normalized = c->normalized.data;
		made.normalized_len = c->normalized.len;
		made.keys = NULL;
		made.key_count = 0;
		made.raw_differs = false;
		in = &made;
	}
	const char *normalized = in->normalized ? in->normalized : "";
	size_t norm_len = in->normalized_len, raw_len = in->raw_len;

	/* The title, normalised to one line, and its site suffix. (c->line
	 * keeps the title as it came, unless page detection uses it, below.) */
	struct rule_context ctx = {0};
	bool has_title = field(r, "title", &c->line);
	buf_clear(&c->title);
	if (has_title) {
		normalize_text(c->line.data, c->line.len, &c->title, &c->norm);
		/* One line: line breaks (and the blank lines between
		 * paragraphs) become one space, so that a second run has
		 * nothing to fold. */
		size_t k = 0;
		for (size_t i = 0; i < c->title.len; i++) {
			char ch = c->title.data[i] == '\n' ? ' ' : c->title.data[i];
			if (ch != ' ' || (k > 0 && c->title.data[k - 1] != ' '))
				c->title.data[k++] = ch;
		}
		c->title.len = k;
		if (k)
			c->title.data[k] = '\0';
	}
	const char *site = NULL;
	size_t site_len = 0, title_len = c->title.len;
	if (has_title && c->title.len && record_type(r, "site") < 0) {
		bool has_url = field(r, "url", &c->url), has_source = field(r, "source", &c->source);
		title_len = rule_split_title(c->title.data, c->title.len, normalized, norm_len,
					     has_url ? c->url.data : NULL,
					     has_source ? c->source.data : NULL, &site, &site_len);
	}
	ctx.title = has_title ? c->title.data : NULL;
	/* Where the record has no title, a full page's first line is its
	 * <title>: the first line of the text as it came in. */
	ctx.page_title = ctx.title;
	ctx.page_title_len = title_len;
	if (!has_title && norm_len) {
		const char *nl = memchr(normalized, '\n', norm_len);
		ctx.page_title = normalized;
		ctx.page_title_len = nl ? (size_t)(nl - normalized) : norm_len;
	}
	ctx.title_len = title_len;
	ctx.site = site;
	ctx.site_len = site_len;
	/* A site split off before (by an earlier run) is the title's suffix
	 * all the same: a line "Title | Site" repeats the title. */
	if (!site && has_title && field(r, "site", &c->site_field) && c->site_field.len) {
		ctx.site = c->site_field.data;
		ctx.site_len = c->site_field.len;
	}
	rule_context_keys(&ctx, &c->title_key, &c->whole_key);

	/* Passes until nothing changes (a removal can make a wrapped block
	 * whole, or bring a line to the edge), so that a second run of nclean
	 * has nothing left to do. */
	uint64_t by_rule[RULE_COUNT] = {0};
	char found[11] = "";
	size_t removed = 0;
	bool is_page = false;
	buf_clear(&c->explained);
	/* The first pass starts from the text normalised above; later ones
	 * normalise again, since a removal can make a wrapped block whole.
	 * Most often that changes nothing: then the pass sees the lines the
	 * pass before kept, and takes over what it found out about them.
	 * Passes write to c->out and c->out2 in turns. */
	const char *prev = normalized; /* what the last pass started from */
	size_t prev_len = norm_len;
	struct buf *outs[2] = {&c->out, &c->out2};
	for (int round = 0; round < 4; round++) {
		const char *text = prev;
		size_t text_len = prev_len;
		bool carry = false;
		if (round > 0) {
			bool keeps;
			carry = stays_normalized(c, prev, prev_len, &keeps);
			if (!carry) {
				buf_clear(&c->text);
				if (keeps) /* only lines join */
					normalize_lines(prev, prev_len, &c->text, &c->norm);
				else
					normalize_text(prev, prev_len, &c->text, &c->norm);
				carry = c->text.len == prev_len &&
					memcmp(c->text.data, prev, prev_len) == 0;
				if (!carry) {
					text = c->text.data;
					text_len = c->text.len;
				}
			}
		}
		struct buf *out = outs[round & 1];
		bool as_is;
		size_t k = clean_pass(c, r, &ctx, text, text_len, carry,
				      round && !carry ? prev : NULL, round ? NULL : in, out,
				      &as_is, by_rule, found, &is_page);
		removed += k;
		if (as_is) { /* the pass's text, nothing removed */
			prev = text;
			prev_len = text_len;
			break;
		}
		bool same = out->len == prev_len &&
			    (out->len == 0 || memcmp(out->data, prev, out->len) == 0);
		prev = out->data ? out->data : "";
		prev_len = out->len;
		/* Normalisation alone is idempotent: a pass that removed nothing
		 * leaves a fixpoint. */
		if (!k || same)
			break;
	}

	/* Never empty a good article: when the rules would take most of it,
	 * keep it normalised only, and say so. On a full page most of the text
	 * is chrome: there only an empty result is undone. */
	const char *flag = NULL;
	const char *result = prev;
	size_t result_len = prev_len;
	if (removed &&
	    (result_len == 0 || (!is_page && norm_len >= 300 && result_len * 10 < norm_len * 3))) {
		flag = "mostly-boilerplate";
		result = normalized;
		result_len = norm_len;
		removed = 0;
		is_page = false;
	} else if (scan_words(result, result_len, 30) < 30) {
		flag = "short";
	}
	if (removed) {
		stats_add(c->stats, NULL, "lines_removed", removed);
		for (int i = 0; i < RULE_COUNT; i++)
			c->removed[i] += by_rule[i];
		if (c->explain && c->explained.len &&
		    writer_write(c->explain, c->explained.data, c->explained.len) < 0)
			return false;
	}
	/* Normalised text is valid UTF-8 (normalize_text drops bytes that are
	 * not), and so are its lines and the title split from it. The text as
	 * it came in is decoded again only when its length says that the
	 * result may be the same. The result is normalised text, which
	 * normalising leaves as it is: when the text as it came in was not,
	 * the result is not that text. */
	bool changed = in->raw_differs || (raw_len != SIZE_MAX && result_len != raw_len);
	if (!changed && raw_len) {
		const char *raw;
		record_get_string(r, "text", &raw, &raw_len); /* jsonl checked it is there */
		changed = result_len != raw_len || memcmp(result, raw, raw_len) != 0;
	}
	if (changed) {
		/* escaped when the record is written: the text stays until then */
		record_set_utf8_ref(r, "text", result, result_len);
		stats_add(c->stats, NULL, "texts_changed", 1);
	}
	if (site) {
		record_set_utf8(r, "title", c->title.data, title_len);
		record_set_utf8(r, "site", site, site_len);
		stats_add(c->stats, NULL, "sites_split", 1);
	} else if (has_title && (c->title.len != c->line.len ||
				 (c->line.len && memcmp(c->title.data, c->line.data, c->line.len) != 0))) {
		record_set_utf8(r, "title", c->title.data, c->title.len);
	}
	if (found[0] && record_type(r, "date") < 0) {
		record_set_utf8(r, "date", found, 10);
		stats_add(c->stats, NULL, "dates_found", 1);
	}
	if (is_page)
		stats_add(c->stats, NULL, "articles_found", 1);
	if (flag || is_page || c->has_article) {
		buf_clear(&c->json);
		buf_adds(&c->json, "{");
		if (is_page || c->has_article)
			buf_adds(&c->json, flag ? "\"page\":\"article\"," : "\"page\":\"article\"");
		if (flag) {
			buf_adds(&c->json, "\"flag\":");
			json_append_utf8(&c->json, flag, strlen(flag));
			stats_add(c->stats, "flags", flag, 1);
		}
		buf_addc(&c->json, '}');
		record_set_raw(r, "clean", c->json.data, c->json.len);
	} else if (record_type(r, "clean") >= 0) {
		record_remove(r, "clean"); /* a flag from an earlier run no longer holds */
	}
	return true;
}

void cleaner_finish(struct cleaner *c)
{
	for (int i = 0; i < RULE_COUNT; i++)
		if (c->removed[i])
			stats_add(c->stats, "removed_by_rule", rule_name((enum rule)i), c->removed[i]);
	buf_free(&c->text);
	normalize_work_free(&c->norm);
	buf_free(&c->out);
	buf_free(&c->out2);
	buf_free(&c->normalized);
	buf_free(&c->fold);
	buf_free(&c->title_key);
	buf_free(&c->whole_key);
	buf_free(&c->url);
	buf_free(&c->source);
	buf_free(&c->site_field);
	free(c->carry);
	free(c->carry_at);
	free(c->block);
	buf_free(&c->body);
	for (size_t k = 0; k < SHORT_LANG_MEMO; k++)
		buf_free(&c->short_langs[k].text);
	buf_free(&c->title);
	buf_free(&c->line);
	buf_free(&c->json);
	buf_free(&c->explained);
	free(c->lines);
	free(c->page);
	free(c->page_index);
	free(c->paragraphs);
	if (c->langid) {
		langid_free(c->langid);
		free(c->langid);
	}
}
