#include "normalize.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "mojibake.h"
#include "utf8.h"

static const struct {
	const char *name; /* without & and ; */
	uint32_t cp;
} entities[] = {
	{"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''},
	{"nbsp", 0xA0}, {"ndash", 0x2013}, {"mdash", 0x2014}, {"hellip", 0x2026},
	{"lsquo", 0x2018}, {"rsquo", 0x2019}, {"ldquo", 0x201C}, {"rdquo", 0x201D},
	{"laquo", 0xAB}, {"raquo", 0xBB}, {"copy", 0xA9}, {"reg", 0xAE}, {"trade", 0x2122},
	{"euro", 0x20AC}, {"pound", 0xA3}, {"middot", 0xB7}, {"bull", 0x2022},
	{"deg", 0xB0}, {"shy", 0xAD}, {"zwnj", 0x200C}, {"zwj", 0x200D},
};

/* Elements whose tags may stand in scraped text; anything else that looks
 * like a tag ("a < b > c") is text. */
static const char *const tags[] = {
	"a", "abbr", "article", "aside", "b", "blockquote", "br", "caption", "cite", "code",
	"div", "em", "figcaption", "figure", "font", "footer", "h1", "h2", "h3", "h4", "h5",
	"h6", "header", "hr", "i", "iframe", "img", "li", "nav", "ol", "p", "section", "small",
	"span", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
};

/* Tags after which a line ends. */
static bool is_breaking(const char *name, size_t n)
{
	static const char *const breaking[] = {"br", "p", "div", "li", "h1", "h2", "h3",
					       "h4", "h5", "h6", "tr", "blockquote", "hr"};
	for (size_t i = 0; i < sizeof breaking / sizeof *breaking; i++)
		if (strlen(breaking[i]) == n && strncasecmp(name, breaking[i], n) == 0)
			return true;
	return false;
}

/* If s[i] starts a tag of a known element, returns its length (0 if not)
 * and whether it ends a line. */
static size_t tag_at(const char *s, size_t n, size_t i, bool *breaks)
{
	size_t j = i + 1;
	if (j < n && s[j] == '/')
		j++;
	size_t name = j;
	while (j < n && isalnum((unsigned char)s[j]))
		j++;
	size_t name_len = j - name;
	if (!name_len || j >= n || !(s[j] == '>' || s[j] == ' ' || s[j] == '/' || s[j] == '\n'))
		return 0;
	bool known = false;
	for (size_t k = 0; k < sizeof tags / sizeof *tags && !known; k++)
		known = strlen(tags[k]) == name_len && strncasecmp(s + name, tags[k], name_len) == 0;
	if (!known)
		return 0;
	const char *end = memchr(s + j, '>', n - j < 2048 ? n - j : 2048);
	if (!end)
		return 0;
	*breaks = is_breaking(s + name, name_len);
	return (size_t)(end - s) + 1 - i;
}

/* If s[i] starts an entity, appends what it stands for and returns its
 * length; 0 if it is not one. */
static size_t entity_at(const char *s, size_t n, size_t i, struct buf *out)
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
			if (strlen(entities[k].name) == body_len &&
			    memcmp(entities[k].name, body, body_len) == 0)
				cp = entities[k].cp;
		if (!cp)
			return 0;
	}
	char enc[4];
	buf_add(out, enc, utf8_encode(cp, enc));
	return len;
}

/* Step 1: entities and tags; returns whether there were any. */
static bool decode_markup(const char *s, size_t n, struct buf *out)
{
	bool changed = false;
	size_t i = 0;
	while (i < n) {
		size_t j = i;
		while (j < n && s[j] != '&' && s[j] != '<')
			j++;
		buf_add(out, s + i, j - i);
		i = j;
		if (i >= n)
			break;
		size_t k;
		bool breaks = false;
		if (s[i] == '&' && (k = entity_at(s, n, i, out)) > 0) {
			i += k;
			changed = true;
		} else if (s[i] == '<' && (k = tag_at(s, n, i, &breaks)) > 0) {
			if (breaks)
				buf_addc(out, '\n');
			i += k;
			changed = true;
		} else {
			buf_add(out, s + i, 1);
			i++;
		}
	}
	return changed;
}

/* Whether s is certainly in NFC already, so that the costly pass can be
 * skipped: true when no code point is a combining mark (class not 0), a
 * composition exclusion (singletons such as U+212B) or a Hangul jamo. A
 * run of such starters decomposes and recomposes to itself. */
static bool is_nfc(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (!k)
			return false;
		if (cp >= 0x300) {
			const utf8proc_property_t *p = utf8proc_get_property((utf8proc_int32_t)cp);
			if (p->combining_class || p->comp_exclusion || (cp >= 0x1100 && cp <= 0x11FF))
				return false;
		}
		i += k;
	}
	return true;
}

/* Step 3: characters. Spaces of every kind become ' ', invisible ones go,
 * line breaks become '\n'. */
static void map_characters(const char *s, size_t n, struct buf *out)
{
	buf_reserve(out, n);
	size_t i = 0;
	while (i < n) {
		/* Plain printable ASCII, most of any text, goes over in runs. */
		size_t run = i;
		while (run < n && (unsigned char)s[run] >= 0x20 && (unsigned char)s[run] < 0x7F)
			run++;
		if (run > i) {
			buf_add(out, s + i, run - i);
			i = run;
			continue;
		}
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			i++;
			if (c == '\r') {
				if (i < n && s[i] == '\n')
					i++;
				buf_addc(out, '\n');
			} else if (c == '\t' || c == '\v' || c == '\f') {
				buf_addc(out, ' ');
			} else if (c == '\n' || c >= 0x20) {
				if (c != 0x7F)
					buf_addc(out, (char)c);
			}
			continue;
		}
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (!k) { /* the input is valid UTF-8; be safe all the same */
			i++;
			continue;
		}
		if (cp == 0x2028 || cp == 0x2029)
			buf_addc(out, '\n');
		else if (cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F ||
			 cp == 0x205F || cp == 0x3000 || cp == 0x1680)
			buf_addc(out, ' ');
		else if (cp == 0xAD || (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 ||
			 cp == 0xFEFF || (cp >= 0x80 && cp <= 0x9F))
			; /* invisible: dropped */
		else
			buf_add(out, s + i, k);
		i += k;
	}
}

struct line {
	const char *p;
	size_t n;      /* without trailing spaces */
	size_t indent; /* leading spaces */
};

/* Whether a paragraph was hard-wrapped at a fixed width (Reuters, Usenet):
 * three or more lines (two when the first is indented), every one but the
 * last 40 to 90 characters long (the first of three or more may be
 * shorter). Quoted mail (> or |>) is never joined. */
static bool is_wrapped(const struct line *l, size_t count)
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
		 * wrapping was. */
		size_t len = utf8_count(l[i].p + l[i].indent, l[i].n - l[i].indent);
		if ((i > 0 || count == 2) && len < 40)
			return false;
		if (len > 90)
			return false;
		checked++;
	}
	return checked >= (l[0].indent >= 2 ? 1u : 2u);
}

/* Appends a line with runs of spaces folded and no leading space. */
static void add_folded(struct buf *out, const char *p, size_t n)
{
	/* Most lines have no run of spaces: copy them whole. */
	if (n && p[0] != ' ' && !memmem(p, n, "  ", 2)) {
		if (out->len && out->data[out->len - 1] != '\n' && out->data[out->len - 1] != ' ')
			buf_addc(out, ' ');
		buf_add(out, p, n);
		return;
	}
	size_t i = 0;
	while (i < n) {
		while (i < n && p[i] == ' ')
			i++;
		if (i >= n)
			break;
		const char *sp = memchr(p + i, ' ', n - i);
		size_t e = sp ? (size_t)(sp - p) : n;
		if (out->len && out->data[out->len - 1] != '\n' && out->data[out->len - 1] != ' ')
			buf_addc(out, ' ');
		buf_add(out, p + i, e - i);
		i = e;
	}
}

/* Step 4: lines and paragraphs. */
static void assemble(const char *s, size_t n, struct buf *out)
{
	struct line *lines = NULL;
	size_t count = 0, cap = 0;
	size_t i = 0;
	bool pending_break = false; /* a blank line before the next block */
	while (i <= n) {
		/* Gather a block of non-blank lines. */
		count = 0;
		while (i < n) {
			const char *nl = memchr(s + i, '\n', n - i);
			size_t e = nl ? (size_t)(nl - s) : n;
			struct line l = {s + i, e - i, 0};
			while (l.indent < l.n && l.p[l.indent] == ' ')
				l.indent++;
			while (l.n > l.indent && l.p[l.n - 1] == ' ')
				l.n--;
			i = e + 1;
			if (l.n == l.indent) {
				if (count)
					break;
				pending_break = out->len > 0;
				continue;
			}
			if (count == cap) {
				cap = cap ? cap * 2 : 32;
				lines = xrealloc(lines, cap * sizeof *lines);
			}
			lines[count++] = l;
		}
		if (!count)
			break;
		/* An indented line starts a paragraph (Reuters); each paragraph is
		 * judged on its own, so that a second run sees the same units. */
		size_t start = 0;
		while (start < count) {
			size_t end = start + 1;
			while (end < count && lines[end].indent < 2)
				end++;
			bool wrapped = is_wrapped(lines + start, end - start);
			for (size_t k = start; k < end; k++) {
				if (out->len) {
					if (k == 0)
						buf_adds(out, pending_break ? "\n\n" : "\n");
					else if (k == start)
						buf_adds(out, "\n\n");
					else
						buf_addc(out, wrapped ? ' ' : '\n');
				}
				add_folded(out, lines[k].p + lines[k].indent,
					   lines[k].n - lines[k].indent);
			}
			start = end;
		}
		pending_break = true;
		if (i > n)
			break;
	}
	free(lines);
}

size_t normalize_text(const char *s, size_t n, struct buf *out, struct buf *scratch)
{
	buf_clear(scratch);
	bool changed = decode_markup(s, n, scratch);
	/* Scraped text is often escaped twice (&lt;span&gt;&amp;#65279;): decode
	 * until nothing changes, so that a second run finds nothing to do. */
	struct buf again = {0};
	for (int round = 0; changed && round < 4; round++) {
		buf_clear(&again);
		changed = decode_markup(scratch->data ? scratch->data : "", scratch->len, &again);
		struct buf t = *scratch;
		*scratch = again;
		again = t;
	}
	/* Mojibake is repaired before characters are mapped: its groups hold
	 * no-break spaces and C1 controls that mapping would change. */
	size_t repaired = 0;
	if (mojibake_possible(scratch->data ? scratch->data : "", scratch->len)) {
		buf_clear(&again);
		repaired = mojibake_repair(scratch->data, scratch->len, &again);
		if (repaired) {
			struct buf t = *scratch;
			*scratch = again;
			again = t;
		}
	}
	buf_free(&again);
	struct buf mapped = {0};
	if (is_nfc(scratch->data ? scratch->data : "", scratch->len)) {
		map_characters(scratch->data ? scratch->data : "", scratch->len, &mapped);
	} else {
		utf8proc_uint8_t *nfc = NULL;
		utf8proc_ssize_t k = utf8proc_map((const utf8proc_uint8_t *)scratch->data,
						  (utf8proc_ssize_t)scratch->len, &nfc,
						  UTF8PROC_STABLE | UTF8PROC_COMPOSE);
		if (k >= 0) {
			map_characters((const char *)nfc, (size_t)k, &mapped);
			free(nfc);
		} else {
			map_characters(scratch->data, scratch->len, &mapped);
		}
	}
	assemble(mapped.data ? mapped.data : "", mapped.len, out);
	buf_free(&mapped);
	return repaired;
}
