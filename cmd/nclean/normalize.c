#include "normalize.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "chars.h"
#include "mojibake.h"
#include "scan.h"
#include "utf8.h"

static const struct {
	const char *name; /* without & and ; */
	size_t len;
	uint32_t cp;
} entities[] = {
#define E(name, cp) {name, sizeof name - 1, cp}
	E("amp", '&'), E("lt", '<'), E("gt", '>'), E("quot", '"'), E("apos", '\''),
	E("nbsp", 0xA0), E("ndash", 0x2013), E("mdash", 0x2014), E("hellip", 0x2026),
	E("lsquo", 0x2018), E("rsquo", 0x2019), E("ldquo", 0x201C), E("rdquo", 0x201D),
	E("laquo", 0xAB), E("raquo", 0xBB), E("copy", 0xA9), E("reg", 0xAE), E("trade", 0x2122),
	E("euro", 0x20AC), E("pound", 0xA3), E("middot", 0xB7), E("bull", 0x2022),
	E("deg", 0xB0), E("shy", 0xAD), E("zwnj", 0x200C), E("zwj", 0x200D),
#undef E
};

/* Elements whose tags may stand in scraped text; anything else that looks
 * like a tag ("a < b > c") is text. Tags after which a line ends break. */
static const struct {
	const char *name;
	unsigned char len;
	bool breaks;
} tags[] = {
	{"a", 1, false}, {"abbr", 4, false}, {"article", 7, false}, {"aside", 5, false},
	{"b", 1, false}, {"blockquote", 10, true}, {"br", 2, true}, {"caption", 7, false},
	{"cite", 4, false}, {"code", 4, false}, {"div", 3, true}, {"em", 2, false},
	{"figcaption", 10, false}, {"figure", 6, false}, {"font", 4, false},
	{"footer", 6, false}, {"h1", 2, true}, {"h2", 2, true}, {"h3", 2, true},
	{"h4", 2, true}, {"h5", 2, true}, {"h6", 2, true}, {"header", 6, false},
	{"hr", 2, true}, {"i", 1, false}, {"iframe", 6, false}, {"img", 3, false},
	{"li", 2, true}, {"nav", 3, false}, {"ol", 2, false}, {"p", 1, true},
	{"section", 7, false}, {"small", 5, false}, {"span", 4, false}, {"strong", 6, false},
	{"sub", 3, false}, {"sup", 3, false}, {"table", 5, false}, {"tbody", 5, false},
	{"td", 2, false}, {"th", 2, false}, {"thead", 5, false}, {"tr", 2, true},
	{"u", 1, false}, {"ul", 2, false},
};
enum { LONGEST_TAG = 10 };

/* isalnum of the C locale, which nclean runs in, without a call. */
static inline bool is_alnum_ascii(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* If s[i] starts a tag of a known element, returns its length (0 if not)
 * and whether it ends a line. Names are ASCII letters and digits, compared
 * without case. */
/* How far past a '<' or '&' that starts no markup tag_at and entity_at
 * look: what comes later cannot make it markup. */
enum { NAME_REACH = 16, TAG_REACH = 16 + 2048, ENTITY_REACH = 12 };

/* The known names by length, and their first two bytes: scraped text has
 * many a '<' that starts no known tag (Reuters' SGML, "<AMERICAN EXPRESS
 * CO>"), ruled out by those before the name is read. */
static struct {
	bool ready;
	unsigned char by_len[LONGEST_TAG + 2], order[sizeof tags / sizeof *tags];
	uint32_t firsts[LONGEST_TAG + 1]; /* bit c - 'a' for a first letter c */
	/* for a first letter, bit k of the second byte's class: a letter
	 * (0-25), a digit (26-35), or what ends a name of one letter (36) */
	uint64_t seconds[26];
} tag_names;

enum { ENDS_NAME = 36 };

static void tag_names_init(void)
{
	size_t k = 0;
	for (size_t len = 0; len <= LONGEST_TAG; len++) {
		tag_names.by_len[len] = (unsigned char)k;
		for (size_t t = 0; t < sizeof tags / sizeof *tags; t++)
			if (tags[t].len == len) {
				tag_names.order[k++] = (unsigned char)t;
				tag_names.firsts[len] |= (uint32_t)1 << (tags[t].name[0] - 'a');
				unsigned char c = (unsigned char)tags[t].name[1];
				unsigned cls = len == 1 ? (unsigned)ENDS_NAME : c >= 'a' ? (unsigned)(c - 'a') : 26u + (unsigned)(c - '0');
				tag_names.seconds[tags[t].name[0] - 'a'] |= (uint64_t)1 << cls;
			}
	}
	tag_names.by_len[LONGEST_TAG + 1] = (unsigned char)k;
	tag_names.ready = true;
}

/* Whether s[name..] may start a known name, by its first two bytes (names
 * are ASCII letters and digits, and | 0x20 makes letters small). */
static inline bool may_be_name(const char *s, size_t n, size_t name)
{
	if (name + 1 >= n)
		return false; /* no room for a name and what ends it */
	unsigned char first = (unsigned char)s[name] | 0x20, c = (unsigned char)s[name + 1];
	if (first < 'a' || first > 'z')
		return false;
	unsigned cls;
	if (c >= '0' && c <= '9')
		cls = 26u + (c - '0');
	else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
		cls = (c | 0x20) - 'a';
	else if (c == '>' || c == ' ' || c == '/' || c == '\n')
		cls = ENDS_NAME;
	else
		return false;
	return tag_names.seconds[first - 'a'] >> cls & 1;
}

static size_t tag_at(const char *s, size_t n, size_t i, bool *breaks, size_t *reach)
{
	*reach = NAME_REACH;
	size_t j = i + 1;
	if (j < n && s[j] == '/')
		j++;
	size_t name = j;
	if (!may_be_name(s, n, name))
		return 0;
	unsigned char first = (unsigned char)s[name] | 0x20;
	/* A name longer than any known one is no tag, whatever follows it. */
	while (j < n && j - name <= LONGEST_TAG && is_alnum_ascii((unsigned char)s[j]))
		j++;
	size_t name_len = j - name;
	if (!name_len || name_len > LONGEST_TAG || j >= n ||
	    !(s[j] == '>' || s[j] == ' ' || s[j] == '/' || s[j] == '\n'))
		return 0;
	if (!(tag_names.firsts[name_len] >> (first - 'a') & 1))
		return 0;
	char lower[LONGEST_TAG];
	for (size_t k = 0; k < name_len; k++)
		lower[k] = (char)((unsigned char)s[name + k] | 0x20);
	size_t known = SIZE_MAX;
	for (size_t k = tag_names.by_len[name_len];
	     k < tag_names.by_len[name_len + 1] && known == SIZE_MAX; k++)
		if (memcmp(tags[tag_names.order[k]].name, lower, name_len) == 0)
			known = tag_names.order[k];
	if (known == SIZE_MAX)
		return 0;
	const char *end = memchr(s + j, '>', n - j < 2048 ? n - j : 2048);
	if (!end) {
		*reach = TAG_REACH;
		return 0;
	}
	*breaks = tags[known].breaks;
	return (size_t)(end - s) + 1 - i;
}

/* If s[i] starts an entity, sets *cp to what it stands for and returns its
 * length; 0 if it is not one. */
static size_t entity_at(const char *s, size_t n, size_t i, uint32_t *out)
{
	const char *semi = memchr(s + i, ';', n - i < 12 ? n - i : 12);
	if (!semi)
		return 0;
	size_t len = (size_t)(semi - (s + i)) + 1;
	const char *body = s + i + 1;
	size_t body_len = len - 2;
	uint32_t cp = 0;
	if (body_len >= 2 && body[0] == '#') {
		bool hex = body[1] == 'x' || body[1] == 'X';
		char digits[12];
		size_t d = body_len - 1 - hex;
		if (d == 0 || d >= sizeof digits)
			return 0;
		memcpy(digits, body + 1 + hex, d);
		digits[d] = '\0';
		char *end;
		unsigned long v = strtoul(digits, &end, hex ? 16 : 10);
		if (*end || v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
			return 0;
		cp = (uint32_t)v;
	} else {
		for (size_t k = 0; k < sizeof entities / sizeof *entities && !cp; k++)
			if (entities[k].len == body_len &&
			    memcmp(entities[k].name, body, body_len) == 0)
				cp = entities[k].cp;
		if (!cp)
			return 0;
	}
	*out = cp;
	return len;
}

/* Whether s[i], a '&' or a '<', starts markup; *reach says how far past
 * i that was looked into when it does not. */
static bool markup_at(const char *s, size_t n, size_t i, size_t *reach)
{
	uint32_t cp;
	bool breaks;
	*reach = ENTITY_REACH;
	if (s[i] == '&')
		return entity_at(s, n, i, &cp) > 0;
	*reach = NAME_REACH;
	size_t name = i + 1 < n && s[i + 1] == '/' ? i + 2 : i + 1;
	return may_be_name(s, n, name) && tag_at(s, n, i, &breaks, reach) > 0;
}

/* The offset of the first entity or known tag at or after i, or n: text
 * without one goes through step 1 unchanged. */
static size_t next_markup(const char *s, size_t n, size_t i)
{
	for (;; i++) {
		i = scan_find2(s, i, n, '&', '<');
		if (i >= n)
			return n;
		size_t reach;
		if (markup_at(s, n, i, &reach))
			return i;
	}
}

/* A '&' or '<' that starts no markup, copied to out: it may start some
 * there if what follows within its reach changes. */
struct candidate {
	size_t from, to; /* where it is in s and in out */
	size_t reach;
};

/* Notes a candidate (in the list for its reach). */
static void note_candidate(struct normalize_work *w, size_t from, size_t to, size_t reach)
{
	struct candidate_list *l = reach > NAME_REACH ? &w->far : &w->near;
	/* Candidates come in order: when even the last one's reach ends
	 * before this one, no change to come can reach any of them. */
	if (l->count && l->items[l->count - 1].from + l->items[l->count - 1].reach <= from)
		l->count = 0;
	if (l->count == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->items = xrealloc(l->items, l->cap * sizeof *l->items);
	}
	l->items[l->count++] = (struct candidate){from, to, reach};
}

/* Adds an offset of out to look at again. */
static void flag(struct normalize_work *w, size_t at)
{
	if (w->flag_count == w->flag_cap) {
		w->flag_cap = w->flag_cap ? w->flag_cap * 2 : 64;
		w->flags = xrealloc(w->flags, w->flag_cap * sizeof *w->flags);
	}
	w->flags[w->flag_count++] = at;
}

/* s changes at d: the candidates whose reach takes in d are flagged, and
 * dropped, with those whose reach ends before it (later changes come
 * later still). The two lists are each in order: merged, so that the
 * flags stay in order too (every one flagged before is before them, and
 * every one after, after). */
static void changed_at(struct normalize_work *w, size_t d)
{
	const struct candidate *a = w->near.items, *b = w->far.items;
	size_t na = w->near.count, nb = w->far.count, i = 0, j = 0;
	while (i < na || j < nb) {
		const struct candidate *c = j == nb || (i < na && a[i].to < b[j].to) ? &a[i++] : &b[j++];
		if (c->from + c->reach > d)
			flag(w, c->to);
	}
	w->near.count = w->far.count = 0;
}

/* Step 1: entities and tags, from the first one, at, on; s[0..at) holds
 * none and is copied as it is. Then w->flags are the offsets of out, in
 * order, where markup can stand now (all others start none): the '&' and
 * '<' that decoding made, and those copied that a change is within the
 * reach of. out must be empty. */
static void decode_markup(const char *s, size_t n, size_t at, struct buf *out,
			  struct normalize_work *w)
{
	/* Nothing grows (an entity is longer than what it stands for, a tag
	 * than a line break): written through a pointer, with room for s. */
	buf_reserve(out, n);
	char *const base = out->data, *o = base + out->len;
	memcpy(o, s, at);
	o += at;
	w->flag_count = 0;
	w->near.count = w->far.count = 0;
	/* The candidates before at that its change may reach. */
	size_t i = at > TAG_REACH ? at - TAG_REACH : 0;
	for (;; i++) {
		i = scan_find2(s, i, at, '&', '<');
		if (i >= at)
			break;
		size_t reach;
		if (!markup_at(s, n, i, &reach)) /* none is, before at */
			note_candidate(w, i, i, reach);
	}
	i = at;
	while (i < n) {
		size_t j = scan_find2(s, i, n, '&', '<');
		memcpy(o, s + i, j - i);
		o += j - i;
		i = j;
		if (i >= n)
			break;
		size_t k, reach = ENTITY_REACH;
		bool breaks = false;
		uint32_t cp;
		if (s[i] == '&') {
			k = entity_at(s, n, i, &cp);
		} else {
			size_t name = i + 1 < n && s[i + 1] == '/' ? i + 2 : i + 1;
			reach = NAME_REACH;
			k = may_be_name(s, n, name) ? tag_at(s, n, i, &breaks, &reach) : 0;
		}
		if (!k) {
			note_candidate(w, i, (size_t)(o - base), reach);
			*o++ = s[i++];
			continue;
		}
		changed_at(w, i);
		if (s[i] == '&') {
			if (cp == '&' || cp == '<')
				flag(w, (size_t)(o - base));
			o += utf8_encode(cp, o);
		} else if (breaks) {
			*o++ = '\n';
		}
		i += k;
	}
	out->len = (size_t)(o - base);
	out->data[out->len] = '\0';
}

/* The first offset of w->flags that starts markup in s, or n. */
static size_t next_flagged_markup(const char *s, size_t n, const struct normalize_work *w)
{
	for (size_t f = 0; f < w->flag_count; f++) {
		size_t reach;
		if (markup_at(s, n, w->flags[f], &reach))
			return w->flags[f];
	}
	return n;
}

/* Whether s is certainly in NFC already, so that the costly pass can be
 * skipped: true when no code point is a combining mark (class not 0), a
 * composition exclusion (singletons such as U+212B) or a Hangul jamo. A
 * run of such starters decomposes and recomposes to itself. */
static bool is_nfc(const char *s, size_t n)
{
	size_t i = 0;
	for (;;) {
		i = scan_skip_below_300(s, i, n);
		if (i >= n)
			return true;
		uint32_t cp;
		size_t k = chars_decode(s + i, n - i, &cp);
		if (!k)
			return false;
		if (cp >= CHARS_TABLE) {
			const utf8proc_property_t *p = utf8proc_get_property((utf8proc_int32_t)cp);
			if (p->combining_class || p->comp_exclusion || (cp >= 0x1100 && cp <= 0x11FF))
				return false;
		} else if (cp >= 0x300 && !chars()->nfc_quick[cp]) {
			return false;
		}
		i += k;
	}
}

/* What step 3 makes of the code point cp: '\n', ' ', nothing (-1), or
 * itself (0). */
static int map_code_point(uint32_t cp)
{
	if (cp == 0x2028 || cp == 0x2029)
		return '\n';
	if (cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F || cp == 0x205F ||
	    cp == 0x3000 || cp == 0x1680)
		return ' ';
	if (cp == 0xAD || (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF ||
	    (cp >= 0x80 && cp <= 0x9F))
		return -1; /* invisible: dropped */
	return 0;
}

/* The offset of the first byte that step 3 changes, or n when it would
 * copy s as it is: printable ASCII, '\n' and the non-ASCII characters it
 * keeps go through. */
static size_t map_first_change(const char *s, size_t n)
{
	size_t i = 0;
	for (;;) {
		i = scan_skip_unmapped(s, i, n);
		if (i >= n || (unsigned char)s[i] < 0x80)
			return i;
		uint32_t cp;
		size_t k = chars_decode(s + i, n - i, &cp);
		if (!k || map_code_point(cp))
			return i;
		i += k;
	}
}

/* Step 3: characters, from the first that changes, at, on. Spaces of every
 * kind become ' ', invisible ones go, line breaks become '\n'. Returns
 * whether a character went (what was on its two sides now meets). */
static bool map_characters(const char *s, size_t n, size_t at, struct buf *out)
{
	bool dropped = false;
	/* Nothing grows: written through a pointer, with room for all of s. */
	buf_reserve(out, n);
	char *const base = out->data, *w = base + out->len;
	memcpy(w, s, at);
	w += at;
	size_t i = at;
	while (i < n) {
		/* Plain printable ASCII, line breaks and the characters kept
		 * as they are, most of any text, go over in runs. */
		size_t run = scan_skip_unmapped(s, i, n);
		if (run > i) {
			memcpy(w, s + i, run - i);
			w += run - i;
			i = run;
			continue;
		}
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			i++;
			if (c == '\r') {
				if (i < n && s[i] == '\n')
					i++;
				*w++ = '\n';
			} else if (c == '\t' || c == '\v' || c == '\f') {
				*w++ = ' ';
			} else if ((c == '\n' || c >= 0x20) && c != 0x7F) {
				*w++ = (char)c;
			} else {
				dropped = true;
			}
			continue;
		}
		uint32_t cp;
		size_t k = chars_decode(s + i, n - i, &cp);
		if (!k) { /* the input is valid UTF-8; be safe all the same */
			i++;
			dropped = true;
			continue;
		}
		int to = map_code_point(cp);
		if (to > 0) {
			*w++ = (char)to;
		} else if (to == 0) {
			memcpy(w, s + i, k);
			w += k;
		} else {
			dropped = true;
		}
		i += k;
	}
	out->len = (size_t)(w - base);
	out->data[out->len] = '\0';
	return dropped;
}

/* Whether a paragraph was hard-wrapped at a fixed width (Reuters, Usenet):
 * three or more lines (two when the first is indented), every one but the
 * last 40 to 90 characters long (the first of three or more may be
 * shorter). Quoted mail (> or |>) is never joined. */
/* How many spaces in s[0..n) follow a space: what folding runs of spaces
 * to one takes away. */
static size_t count_pairs(const char *s, size_t n)
{
	size_t pairs = 0;
	for (size_t i = scan_find_double_space(s, 0, n); i < n; i = scan_find_double_space(s, i, n)) {
		size_t j = i + 1;
		while (j < n && s[j] == ' ')
			j++;
		pairs += j - i - 1;
		i = j;
	}
	return pairs;
}

static bool is_wrapped(const struct normalize_line *l, size_t count)
{
	/* An indented first line is the wire format's paragraph mark: then
	 * two lines are evidence enough. */
	if (count < (l[0].indent >= 2 ? 2u : 3u))
		return false;
	size_t checked = 0;
	for (size_t i = 0; i < count; i++) {
		const char *p = l[i].p + l[i].indent;
		if (p[0] == '>' || (p[0] == '|' && l[i].n - l[i].indent > 1 && p[1] == '>'))
			return false;
		if (i + 1 == count)
			continue;
		/* The first line may be short: a dateline stood before it -- but
		 * not when it is the only one checked ("Record April Three" and
		 * the sign-off " Reuter"). Widths are in characters, as the
		 * wrapping was, with runs of spaces counted once: the line comes
		 * out folded, and a second run must decide as the first did. */
		size_t len = l[i].is_ascii ? l[i].n - l[i].indent
					   : utf8_count(l[i].p + l[i].indent, l[i].n - l[i].indent);
		if (l[i].has_pair) /* else there is no run to count */
			len -= count_pairs(l[i].p + l[i].indent, l[i].n - l[i].indent);
		if ((i > 0 || count == 2) && len < 40)
			return false;
		if (len > 90)
			return false;
		checked++;
	}
	return checked >= (l[0].indent >= 2 ? 1u : 2u);
}

/* Writes the line p[0..n) (no leading or trailing space) at w with runs
 * of spaces folded to one; returns the end of what it wrote. */
static char *add_folded(char *w, const char *p, size_t n)
{
	size_t i = 0;
	for (;;) {
		/* Most lines have no run of spaces: copied whole. */
		size_t run = scan_find_double_space(p, i, n);
		memcpy(w, p + i, run - i);
		w += run - i;
		if (run >= n)
			return w;
		*w++ = ' ';
		i = run + 2;
		while (i < n && p[i] == ' ')
			i++;
	}
}

/* Notes a line of the text made, [start, end) in out. */
static void end_span(struct normalize_work *wk, size_t start, size_t end)
{
	if (wk->span_count == wk->span_cap) {
		wk->span_cap = wk->span_cap ? wk->span_cap * 2 : 64;
		wk->spans = xrealloc(wk->spans, wk->span_cap * sizeof *wk->spans);
	}
	wk->spans[wk->span_count++] = (struct normalize_span){start, end};
}

/* Step 4: lines and paragraphs. The text is written through a pointer:
 * it never grows but by the first separator, when out held text before. */
static void assemble(const char *s, size_t n, struct buf *out, struct normalize_work *wk)
{
	buf_reserve(out, n + 2);
	char *const base = out->data, *w = base + out->len;
	size_t count = 0;
	/* The text's lines: the one being written starts at line_start, and
	 * the text written so far ends at line_end. */
	size_t line_start = out->len, line_end = out->len;
	wk->span_count = 0;
	size_t i = 0;
	bool pending_break = false; /* a blank line before the next block */
	while (i <= n) {
		/* Gather a block of non-blank lines. */
		count = 0;
		while (i < n) {
			bool pair, ascii;
			size_t e = scan_line(s, i, n, &pair, &ascii);
			struct normalize_line l = {s + i, e - i, 0, pair, false, ascii};
			while (l.indent < l.n && l.p[l.indent] == ' ')
				l.indent++;
			while (l.n > l.indent && l.p[l.n - 1] == ' ')
				l.n--;
			l.is_trimmed = l.n < e - i;
			/* the pair may be the indent's: only the rest counts */
			if (l.has_pair && l.indent >= 2)
				l.has_pair = scan_has_double_space(l.p + l.indent, l.n - l.indent);
			i = e + 1;
			if (l.n == l.indent) {
				if (count)
					break;
				pending_break = w > base;
				continue;
			}
			if (count == wk->line_cap) {
				wk->line_cap = wk->line_cap ? wk->line_cap * 2 : 32;
				wk->lines = xrealloc(wk->lines, wk->line_cap * sizeof *wk->lines);
			}
			wk->lines[count++] = l;
		}
		if (!count)
			break;
		const struct normalize_line *lines = wk->lines;
		/* An indented line starts a paragraph (Reuters); each paragraph is
		 * judged on its own, so that a second run sees the same units. */
		size_t start = 0;
		while (start < count) {
			size_t end = start + 1;
			while (end < count && lines[end].indent < 2)
				end++;
			bool wrapped = is_wrapped(lines + start, end - start);
			/* A paragraph whose lines come out as they are (no spaces to
			 * fold or trim, no indent but the first line's) is copied
			 * whole, its line breaks made spaces when it is wrapped. */
			bool whole = true;
			for (size_t k = start; k < end && whole; k++)
				whole = !lines[k].has_pair && !lines[k].is_trimmed &&
					(k == start || !lines[k].indent);
			if (whole) {
				if (w > base) {
					if (start == 0 && !pending_break) {
						*w++ = '\n';
					} else {
						*w++ = '\n';
						*w++ = '\n';
					}
					if (line_end > line_start)
						end_span(wk, line_start, line_end);
					line_start = (size_t)(w - base);
				}
				const char *from = lines[start].p + lines[start].indent;
				const char *to = lines[end - 1].p + lines[end - 1].n;
				memcpy(w, from, (size_t)(to - from));
				for (size_t k = start; k + 1 < end; k++) {
					/* the line break after line k */
					size_t at = (size_t)(w - base) + (size_t)(lines[k].p + lines[k].n - from);
					if (wrapped) {
						base[at] = ' ';
					} else {
						end_span(wk, line_start, at);
						line_start = at + 1;
					}
				}
				w += to - from;
				line_end = (size_t)(w - base);
				start = end;
				continue;
			}
			for (size_t k = start; k < end; k++) {
				if (w > base) {
					if (k == 0 && !pending_break) {
						*w++ = '\n';
					} else if (k == 0 || k == start) {
						*w++ = '\n';
						*w++ = '\n';
					} else if (wrapped) {
						*w++ = ' ';
					} else {
						*w++ = '\n';
					}
					if (w[-1] == '\n') { /* a new line of the text */
						if (line_end > line_start)
							end_span(wk, line_start, line_end);
						line_start = (size_t)(w - base);
					}
				}
				const char *p = lines[k].p + lines[k].indent;
				size_t len = lines[k].n - lines[k].indent;
				if (lines[k].has_pair) {
					w = add_folded(w, p, len);
				} else {
					memcpy(w, p, len);
					w += len;
				}
				line_end = (size_t)(w - base);
			}
			start = end;
		}
		pending_break = true;
		if (i > n)
			break;
	}
	if (line_end > line_start)
		end_span(wk, line_start, line_end);
	out->len = (size_t)(w - base);
	out->data[out->len] = '\0';
}

/* Each step hands the next a text, s[0..n): its input when it changes
 * nothing (most texts have no markup, no mojibake, nothing to map), else
 * a buffer of w's that it filled. */
static size_t normalize_depth(const char *s, size_t n, struct buf *out, struct normalize_work *w,
			      int depth);

size_t normalize_text(const char *s, size_t n, struct buf *out, struct normalize_work *w)
{
	return normalize_depth(s, n, out, w, 0);
}

static size_t normalize_depth(const char *s, size_t n, struct buf *out, struct normalize_work *w,
			      int depth)
{
	if (!tag_names.ready)
		tag_names_init();
	const char *cur = s;
	size_t len = n;
	/* Printable ASCII but '&' and '<', and line breaks, is all that most
	 * text holds: nothing for steps 1 to 3. One scan says so; where it
	 * stops, the others start, as long as cur is still s. */
	size_t clean = scan_skip_clean(cur, 0, len);
	if (clean == len) {
		assemble(cur, len, out, w);
		return 0;
	}
	/* Scraped text is often escaped twice (&lt;span&gt;&amp;#65279;): decode
	 * until nothing changes (up to five rounds), so that a second run finds
	 * nothing to do. */
	struct buf *bufs[2] = {&w->a, &w->b};
	int next = 0;
	size_t at = next_markup(cur, len, clean);
	for (int round = 0; at < len && round < 5; round++) {
		buf_clear(bufs[next]);
		decode_markup(cur, len, at, bufs[next], w);
		cur = bufs[next]->data;
		len = bufs[next]->len;
		clean = 0;
		next ^= 1;
		/* what decoding left is looked at where it may have made some */
		at = next_flagged_markup(cur, len, w);
	}
	/* Mojibake is repaired before characters are mapped: its groups hold
	 * no-break spaces and C1 controls that mapping would change. (A pair
	 * starts with a byte of 0x80 or above: none is before clean.) */
	size_t repaired = 0;
	if (mojibake_possible(cur + clean, len - clean)) {
		buf_clear(bufs[next]);
		repaired = mojibake_repair(cur, len, bufs[next]);
		if (repaired) {
			cur = bufs[next]->data;
			len = bufs[next]->len;
			clean = 0;
			next ^= 1;
		}
	}
	if (!is_nfc(cur + clean, len - clean)) {
		utf8proc_uint8_t *nfc = NULL;
		utf8proc_ssize_t k = utf8proc_map((const utf8proc_uint8_t *)cur, (utf8proc_ssize_t)len,
						  &nfc, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
		if (k >= 0) {
			buf_clear(&w->nfc);
			buf_add(&w->nfc, nfc, (size_t)k);
			free(nfc);
			cur = w->nfc.data;
			len = w->nfc.len;
			clean = 0;
		}
	}
	at = clean + map_first_change(cur + clean, len - clean);
	if (at < len) {
		buf_clear(bufs[next]);
		bool dropped = map_characters(cur, len, at, bufs[next]);
		cur = bufs[next]->data;
		len = bufs[next]->len;
		/* Removing a control character can join the halves of a tag or
		 * an entity ("</P\x19 LOCES>", "&\0amp;"): then normalise the
		 * result once more, so that a second run finds none. */
		if (dropped && depth < 2 && next_markup(cur, len, 0) < len) {
			struct buf again = {0};
			buf_add(&again, cur, len);
			size_t repaired_again = normalize_depth(again.data, again.len, out, w, depth + 1);
			buf_free(&again);
			return repaired + repaired_again;
		}
		/* Removing a control character can join the halves of a group
		 * of mojibake ("Ã\0¼"): then normalise the result once more,
		 * so that a second run has nothing left to repair. */
		if (depth < 2 && mojibake_possible(cur, len)) {
			struct buf probe = {0};
			if (mojibake_repair(cur, len, &probe)) {
				size_t again = normalize_depth(probe.data, probe.len, out, w, depth + 1);
				buf_free(&probe);
				return repaired + again;
			}
			buf_free(&probe);
		}
	}
	assemble(cur, len, out, w);
	return repaired;
}

bool normalize_keeps_characters(const char *s, size_t n, bool of_lines)
{
	if (!tag_names.ready)
		tag_names_init();
	if (scan_skip_clean(s, 0, n) == n)
		return true;
	if (next_markup(s, n, 0) < n || mojibake_possible(s, n))
		return false;
	/* NFC composes only neighbours, and the characters mapped are mapped
	 * one by one: lines each of which went through both, joined by line
	 * breaks, go through both as they are. */
	return of_lines || (is_nfc(s, n) && map_first_change(s, n) == n);
}

void normalize_lines(const char *s, size_t n, struct buf *out, struct normalize_work *w)
{
	assemble(s, n, out, w);
}

bool normalize_joins(const struct normalize_line *lines, size_t count)
{
	return is_wrapped(lines, count);
}

void normalize_work_free(struct normalize_work *w)
{
	buf_free(&w->a);
	buf_free(&w->b);
	buf_free(&w->nfc);
	free(w->lines);
	free(w->spans);
	free(w->near.items);
	free(w->far.items);
	free(w->flags);
	memset(w, 0, sizeof *w);
}
