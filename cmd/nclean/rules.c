#include "rules.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <utf8proc.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "ascii.h"
#include "buf.h"
#include "chars.h"
#include "scan.h"
#include "utf8.h"

static const char *const names[RULE_COUNT] = {
	"title-repeat", "menu", "ticker", "date-print", "share", "close-button", "cookie",
	"attribution", "template", "foreign-language", "outside-article", "comments",
	"pattern",
};

const char *rule_name(enum rule r)
{
	return names[r];
}

enum rule rule_by_name(const char *name)
{
	for (int r = 0; r < RULE_COUNT; r++)
		if (strcmp(names[r], name) == 0)
			return (enum rule)r;
	return RULE_COUNT;
}

/* ASCII case and letters as the C locale has them (nclean never sets
 * another): tables instead of calls. */
static inline bool is_alnum_ascii(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

static inline unsigned char lower_ascii(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 0x20) : c;
}

/* Eight ASCII bytes lowercased at once: 0x20 added to each of 'A'-'Z'. */
static inline uint64_t lower8(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
	uint64_t at_least_a = w + (0x80 - 'A') * ones; /* bytes < 0x80: no carry out */
	uint64_t past_z = w + (0x80 - 'Z' - 1) * ones;
	return w | ((at_least_a & ~past_z & high) >> 2);
}

/* Appends s lowercased (simple case mapping) to out; with only_alnum,
 * only its letters and digits: what two lines that differ in punctuation
 * and spacing have in common. */
static void lower(const char *s, size_t n, bool only_alnum, struct buf *out)
{
	buf_reserve(out, n + 4);
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (i + 8 <= n) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if (!(w & 0x8080808080808080u)) {
				if (!only_alnum) {
					w = lower8(w);
					memcpy(out->data + out->len, &w, 8);
					out->len += 8;
				} else {
					/* without a branch on what each byte is */
					char *o = out->data;
					size_t len = out->len;
					for (int k = 0; k < 8; k++) {
						unsigned char b = ascii_word_byte[(unsigned char)s[i + k]];
						o[len] = (char)b;
						len += b != 0;
					}
					out->len = len;
				}
				i += 8;
				continue;
			}
		}
		if (c < 0x80) {
			if (!only_alnum || is_alnum_ascii(c))
				out->data[out->len++] = (char)lower_ascii(c);
			i++;
			continue;
		}
		buf_reserve(out, n - i + 4);
		uint32_t cp;
		size_t k = chars_decode(s + i, n - i, &cp);
		if (!k) {
			i++;
			continue;
		}
		if (!only_alnum) {
			out->len += utf8_encode(chars_lower(cp), out->data + out->len);
		} else {
			utf8proc_category_t cat = chars_category(cp);
			if ((cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
			    cat == UTF8PROC_CATEGORY_ND)
				out->len += utf8_encode(chars_lower(cp), out->data + out->len);
		}
		i += k;
	}
	out->data[out->len] = '\0';
}

static void fold(const char *s, size_t n, struct buf *out)
{
	lower(s, n, false, out);
}

void rule_fold(const char *s, size_t n, struct buf *out)
{
	fold(s, n, out);
}


static void key(const char *s, size_t n, struct buf *out)
{
	lower(s, n, true, out);
}

void rule_key(const char *s, size_t n, struct buf *out)
{
	key(s, n, out);
}

void rule_line_init(struct rule_line *l, const char *s, size_t n, struct buf *scratch)
{
	l->s = s;
	l->n = n;
	l->folded = scratch;
	l->is_folded = false;
	l->words = SIZE_MAX;
}

/* The line folded (made on first use), NUL-terminated. */
static const char *line_fold(struct rule_line *l, size_t *len)
{
	if (!l->is_folded) {
		buf_clear(l->folded);
		fold(l->s, l->n, l->folded);
		l->is_folded = true;
	}
	*len = l->folded->len;
	return l->folded->data ? l->folded->data : "";
}

/* The line's words, counted up to LINE_WORDS: no rule on a rule_line asks
 * whether it has more (a paragraph at an edge is not counted through). */
enum { LINE_WORDS = 26 };

static size_t line_words(struct rule_line *l)
{
	if (l->words == SIZE_MAX)
		l->words = scan_words(l->s, l->n, LINE_WORDS);
	return l->words;
}

static bool starts_with(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);
	return n >= k && memcmp(s, prefix, k) == 0;
}

/* A word of a list, with its length. */
struct word {
	const char *s;
	size_t n;
};
#define W(text) {text, sizeof text - 1}

/* A list of words looked for anywhere in a line, with the pairs of bytes
 * they start with (every word has two), a bit each: a word is compared
 * only where its first two bytes stand. When the words start with four
 * bytes or fewer, those are looked for 16 bytes at a time. */
struct word_set {
	const struct word *words; /* ends with {NULL, 0} */
	bool ready;
	unsigned char firsts[4];
	size_t first_count; /* 0 when there are more than four */
	uint64_t pairs[65536 / 64];
};

static void word_set_init(struct word_set *set)
{
	set->first_count = 0;
	bool many = false;
	for (const struct word *w = set->words; w->s; w++) {
		unsigned char b = (unsigned char)w->s[0];
		unsigned pair = (unsigned)b << 8 | (unsigned char)w->s[1];
		set->pairs[pair / 64] |= (uint64_t)1 << (pair % 64);
		bool seen = false;
		for (size_t k = 0; k < set->first_count; k++)
			seen |= set->firsts[k] == b;
		if (!seen && set->first_count < 4)
			set->firsts[set->first_count++] = b;
		else if (!seen)
			many = true;
	}
	if (many)
		set->first_count = 0;
	set->ready = true;
}

/* Whether a word of the set starts at i (i + 1 < n). */
static inline bool word_at(const struct word_set *set, const unsigned char *s, size_t n, size_t i)
{
	unsigned pair = (unsigned)s[i] << 8 | s[i + 1];
	if (!(set->pairs[pair / 64] >> (pair % 64) & 1))
		return false;
	for (const struct word *w = set->words; w->s; w++)
		if (w->n <= n - i && memcmp(s + i, w->s, w->n) == 0)
			return true;
	return false;
}

static bool contains_any(const char *str, size_t n, struct word_set *set)
{
	if (!set->ready)
		word_set_init(set);
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
#ifdef __SSE2__
	if (set->first_count) {
		/* the first bytes, repeated to four */
		const unsigned char *f = set->firsts;
		size_t m = set->first_count;
		const __m128i f0 = _mm_set1_epi8((char)f[0]), f1 = _mm_set1_epi8((char)f[1 % m]),
			      f2 = _mm_set1_epi8((char)f[2 % m]), f3 = _mm_set1_epi8((char)f[3 % m]);
		for (; i + 17 <= n; i += 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
			unsigned mask = (unsigned)_mm_movemask_epi8(
				_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, f0), _mm_cmpeq_epi8(v, f1)),
					     _mm_or_si128(_mm_cmpeq_epi8(v, f2), _mm_cmpeq_epi8(v, f3))));
			for (; mask; mask &= mask - 1)
				if (word_at(set, s, n, i + (size_t)__builtin_ctz(mask)))
					return true;
		}
	}
#endif
	for (; i + 1 < n; i++)
		if (word_at(set, s, n, i))
			return true;
	return false;
}

static bool in_list(const char *w, size_t n, const struct word *list)
{
	for (; list->s; list++)
		if (list->n == n && memcmp(list->s, w, n) == 0)
			return true;
	return false;
}

size_t rule_word_count(const char *s, size_t n)
{
	return scan_words(s, n, SIZE_MAX);
}

void rule_context_keys(struct rule_context *c, struct buf *title_key, struct buf *whole_key)
{
	buf_clear(title_key);
	buf_clear(whole_key);
	c->title_key = c->whole_key = NULL;
	c->title_key_len = c->whole_key_len = 0;
	if (!c->title || !c->title_len)
		return;
	key(c->title, c->title_len, title_key);
	c->title_key = title_key->data;
	c->title_key_len = title_key->len;
	if (c->site) {
		/* The title with its site suffix: "… – Ahval". */
		buf_add(whole_key, title_key->data, title_key->len);
		key(c->site, c->site_len, whole_key);
		c->whole_key = whole_key->data;
		c->whole_key_len = whole_key->len;
	}
}

bool rule_title_repeat(const struct rule_context *c, const char *s, size_t n, struct buf *scratch)
{
	if (!c->title || !c->title_len)
		return false;
	/* Lengths far apart cannot be the same title: skip the keys. */
	size_t whole = c->title_len + (c->site ? c->site_len + 8 : 0);
	if (n * 2 < c->title_len || n > whole * 2 + 16)
		return false;
	buf_clear(scratch);
	key(s, n, scratch);
	size_t len = scratch->len;
	bool same = len && len == c->title_key_len && memcmp(scratch->data, c->title_key, len) == 0;
	if (!same && c->site && len > c->title_key_len && c->title_key_len)
		same = len == c->whole_key_len && memcmp(scratch->data, c->whole_key, len) == 0;
	return same;
}

/* Separators of link lists: » (C2 BB), • (E2 80 A2), |, · (C2 B7),
 * › (E2 80 BA), ▪ (E2 96 AA), ► (E2 96 BA). */

bool rule_menu(const char *s, size_t n)
{
	/* Every separator, and both breadcrumb marks, start with one of these
	 * bytes: most lines have none of them. */
	if (!scan_has3(s, n, '|', '\xC2', '\xE2'))
		return false;
	if (starts_with(s, n, "\xC2\xBB") || starts_with(s, n, "\xE2\x80\xBA"))
		return rule_word_count(s, n) <= 15;
	/* No separator starts another: at most one is where a first byte
	 * stands, and it is told by the bytes after it. */
	const unsigned char *u = (const unsigned char *)s;
	size_t seps = 0;
	for (size_t i = scan_find3(s, 0, n, '|', '\xC2', '\xE2'); i < n;
	     i = scan_find3(s, i, n, '|', '\xC2', '\xE2')) {
		size_t k = 0;
		if (u[i] == '|')
			k = 1;
		else if (u[i] == 0xC2)
			k = n - i >= 2 && (u[i + 1] == 0xBB || u[i + 1] == 0xB7) ? 2 : 0;
		else if (n - i >= 3 && ((u[i + 1] == 0x80 && (u[i + 2] == 0xA2 || u[i + 2] == 0xBA)) ||
					(u[i + 1] == 0x96 && (u[i + 2] == 0xAA || u[i + 2] == 0xBA))))
			k = 3;
		seps += k != 0;
		i += k ? k : 1;
	}
	if (seps < 2)
		return false;
	/* Short segments: a menu, not a sentence with a few bullets. */
	return scan_words(s, n, 6 * (seps + 1) + 1) <= 6 * (seps + 1);
}

bool rule_menu_words(const char *s, size_t n)
{
	size_t words = scan_words(s, n, 15);
	if (words < 4 || words > 14 || memchr(s, ',', n) || memmem(s, n, ". ", 2) ||
	    memmem(s, n, ": ", 2))
		return false;
	char last = s[n - 1];
	if (strchr(".!?:;\"", last))
		return false;
	/* Table rows ("SEP7 1624 UP 13") and the last line of a dividend
	 * notice ("Record March 13") are no menus. */
	size_t with_digits = 0;
	bool in_digit_word = false;
	for (size_t k = 0; k < n; k++) {
		if (s[k] == ' ')
			in_digit_word = false;
		else if (isdigit((unsigned char)s[k]) && !in_digit_word) {
			with_digits++;
			in_digit_word = true;
		}
	}
	if (with_digits > 0)
		return false;
	size_t capital = 0, i = 0;
	bool at_word = true;
	while (i < n) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (!k)
			return false;
		if (cp == ' ') {
			at_word = true;
		} else if (at_word) {
			at_word = false;
			capital += utf8proc_isupper((utf8proc_int32_t)cp) ||
				   (cp < 0x80 && !isalpha((int)cp));
		}
		i += k;
	}
	/* Title Case, as menus are; all-caps lines are wire copy and table
	 * headers ("OPEN HIGH LOW CLOSE"), and need three real words. */
	size_t alpha_words = 0, lower = 0;
	for (size_t k = 0; k < n; k++) {
		if ((k == 0 || s[k - 1] == ' ') && ((unsigned char)s[k] >= 0x80 || isalpha((unsigned char)s[k])))
			alpha_words++;
		lower += islower((unsigned char)s[k]) != 0;
	}
	return alpha_words >= 3 && lower > 0 && capital * 100 >= words * 85;
}

bool rule_ticker(const char *s, size_t n, struct buf *scratch)
{
	return rule_ticker_hint(s, n, scratch, true);
}

/* Whether a line starting with byte c may start with a head of
 * rule_ticker_hint (what strchr("lLbBsSeEdDuU\xC3", c) says: the NUL
 * too). */
static inline bool may_start_head(unsigned char c)
{
	switch (c) {
	case 'l': case 'L': case 'b': case 'B': case 's': case 'S': case 'e': case 'E':
	case 'd': case 'D': case 'u': case 'U': case 0xC3: case 0:
		return true;
	default:
		return false;
	}
}

bool rule_ticker_hint(const char *s, size_t n, struct buf *scratch, bool may_bullet)
{
	static const struct word heads[] = {
		W("last minute"), W("breaking news"), W("breaking"), W("son dakika"),
		W("eilmeldung"), W("derni\xC3\xA8re minute"), W("\xC3\xBAltima hora"),
		W("ultim'ora"), W("ultima ora"), {NULL, 0}};
	bool ticker = false;
	/* A head starts the folded line, and an ASCII byte folds to itself
	 * lowercased: two ASCII bytes that start no head rule it out. */
	bool may_start = n && may_start_head((unsigned char)s[0]);
	if (may_start && n >= 2 && (unsigned char)s[0] < 0x80 && (unsigned char)s[1] < 0x80) {
		char a = (char)lower_ascii((unsigned char)s[0]), b = (char)lower_ascii((unsigned char)s[1]);
		may_start = (a == 'l' && b == 'a') || (a == 'b' && b == 'r') || (a == 's' && b == 'o') ||
			    (a == 'e' && b == 'i') || (a == 'd' && b == 'e') || (a == 'u' && b == 'l');
	}
	if (may_start) {
		buf_clear(scratch);
		fold(s, n < 64 ? n : 64, scratch);
		const char *f = scratch->data;
		size_t len = scratch->len;
		for (const struct word *h = heads; h->s && !ticker; h++) {
			size_t k = h->n;
			if (len > k && memcmp(f, h->s, k) == 0) {
				size_t j = k;
				while (j < len && f[j] == ' ')
					j++;
				ticker = j < len && strchr(":|-", f[j]);
			}
		}
	}
	if (ticker)
		return true;
	/* Three bullets (E2 80 A2) in a line of twenty words or more. */
	if (!may_bullet || scan_find(s, 0, n, '\xE2') == n)
		return false;
	size_t bullets = 0;
	for (const char *p = s; (p = memmem(p, n - (size_t)(p - s), "\xE2\x80\xA2", 3)); p += 3)
		bullets++;
	return bullets >= 3 && scan_words(s, n, 20) >= 20;
}

/* Share, print and follow words, folded; and words that may go with them. */
static const struct word share_words[] = {
	W("share"), W("print"), W("email"), W("e-mail"), W("tweet"), W("facebook"), W("twitter"),
	W("whatsapp"), W("linkedin"), W("pinterest"), W("reddit"), W("telegram"), W("subscribe"),
	W("follow"), W("comment"), W("comments"), W("homepage"), W("favorites"), W("favourites"),
	W("archive"), W("yazd\xC4\xB1r"), W("payla\xC5\x9F"), W("abone"), W("takip"),
	W("drucken"), W("teilen"), W("imprimer"), W("partager"), W("compartir"), W("imprimir"),
	W("condividi"), W("stampa"), W("delen"), W("afdrukken"),
	W("\xD0\xBF\xD0\xBE\xD0\xB4\xD0\xB5\xD0\xBB\xD0\xB8\xD1\x82\xD1\x8C\xD1\x81\xD1\x8F"),
	W("\xD0\xBF\xD0\xB5\xD1\x87\xD0\xB0\xD1\x82\xD1\x8C"), W("website"), W("newsletter"),
	{NULL, 0}};
static const struct word filler_words[] = {
	W("us"), W("on"), W("to"), W("my"), W("our"), W("your"), W("add"), W("make"), W("this"),
	W("article"), W("page"), W("the"), W("a"), W("et"), W("ol"), W("via"), W("now"),
	W("here"), W("link"), W("copy"), W("save"), W("mail"), W("news"), W("and"), W("or"),
	W("&"), {NULL, 0}};

/* Whether every word of folded f is a share word or filler, and at least
 * one a share word. */
static bool all_share_words(const char *f, size_t n, size_t max_words)
{
	size_t i = 0, words = 0, share = 0;
	while (i < n) {
		while (i < n && (f[i] == ' ' || strchr("\xC2\xBB|:,./-()[]", f[i]) != NULL))
			i++;
		size_t start = i;
		while (i < n && f[i] != ' ' && !strchr("|:,/()[]", f[i]))
			i++;
		if (i == start)
			continue;
		if (++words > max_words)
			return false;
		const char *w = f + start;
		size_t wl = i - start;
		while (wl && (w[wl - 1] == '.' || w[wl - 1] == '!'))
			wl--;
		if (in_list(w, wl, share_words))
			share++;
		else if (!in_list(w, wl, filler_words))
			return false;
	}
	return share > 0;
}

bool rule_share(struct rule_line *l)
{
	if (line_words(l) > 8)
		return false;
	size_t len;
	const char *f = line_fold(l, &len);
	return all_share_words(f, len, 8);
}

/* Reads d digits at s[*i]; -1 if there are not that many. */
static int digits(const char *s, size_t n, size_t *i, int d)
{
	int v = 0;
	for (int k = 0; k < d; k++, (*i)++) {
		if (*i >= n || !isdigit((unsigned char)s[*i]))
			return -1;
		v = v * 10 + (s[*i] - '0');
	}
	return v;
}

bool rule_date_print(const char *s, size_t n, char iso[11], struct buf *scratch)
{
	size_t i = 0;
	int day, month, year;
	if (n >= 10 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
	    isdigit((unsigned char)s[2]) && isdigit((unsigned char)s[3]) && s[4] == '-') {
		year = digits(s, n, &i, 4);
		i++;
		month = digits(s, n, &i, 2);
		if (i >= n || s[i] != '-')
			return false;
		i++;
		day = digits(s, n, &i, 2);
	} else {
		day = digits(s, n, &i, 2);
		if (day < 0 || i >= n || !strchr("/.-", s[i]))
			return false;
		char sep = s[i++];
		month = digits(s, n, &i, 2);
		if (month < 0 || i >= n || s[i] != sep)
			return false;
		i++;
		year = digits(s, n, &i, 4);
	}
	if (day < 1 || day > 31 || month < 1 || month > 12 || year < 1900 || year > 2100)
		return false;
	/* An optional time, then nothing but print or share words. */
	while (i < n && s[i] == ' ')
		i++;
	if (i + 5 <= n && isdigit((unsigned char)s[i]) && isdigit((unsigned char)s[i + 1]) &&
	    s[i + 2] == ':') {
		i += 5;
		if (i + 3 <= n && s[i] == ':')
			i += 3;
	}
	if (i < n) {
		buf_clear(scratch);
		fold(s + i, n - i, scratch);
		if (!all_share_words(scratch->data, scratch->len, 3))
			return false;
	}
	iso[0] = (char)('0' + year / 1000);
	iso[1] = (char)('0' + year / 100 % 10);
	iso[2] = (char)('0' + year / 10 % 10);
	iso[3] = (char)('0' + year % 10);
	iso[4] = '-';
	iso[5] = (char)('0' + month / 10);
	iso[6] = (char)('0' + month % 10);
	iso[7] = '-';
	iso[8] = (char)('0' + day / 10);
	iso[9] = (char)('0' + day % 10);
	iso[10] = '\0';
	return true;
}

bool rule_close_button(struct rule_line *l)
{
	static const struct word buttons[] = {
		W("x"), W("\xC3\x97"), W("\xE2\x9C\x95"), W("\xE2\x9C\x96"), W("close"), W("kapat"),
		W("schlie\xC3\x9F" "en"), W("fermer"), W("cerrar"), W("chiudi"), W("fechar"),
		W("sluiten"), W("\xD0\xB7\xD0\xB0\xD0\xBA\xD1\x80\xD1\x8B\xD1\x82\xD1\x8C"), W("ok"),
		W("tamam"), W("accept"), W("kabul et"), W("akzeptieren"), W("accepter"),
		W("aceptar"), W("accetta"), W("aceitar"), W("accepteren"), W("got it"), {NULL, 0}};
	if (l->n > 24)
		return false;
	size_t len;
	const char *f = line_fold(l, &len);
	while (len && strchr(".!", f[len - 1]))
		len--;
	return in_list(f, len, buttons);
}

/* Whether the line s[0..n) (valid UTF-8), once folded, may hold a word
 * of rule_cookie's first list: unfolded, it must hold "coo" or
 * "erez" in some case (no letter but these ASCII ones folds to c, o, e, r
 * or z), or a byte 0xD0 (the lead of к and К) or 0xD9 (of the Arabic
 * words' first letters, which have no case). Most lines hold none of
 * these: the fold of a long paragraph at an edge is spared. */
static bool may_name_cookies(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
#ifdef __SSE2__
	const __m128i case_bit = _mm_set1_epi8(0x20), c = _mm_set1_epi8('c'),
		      o = _mm_set1_epi8('o'), e = _mm_set1_epi8('e'), r = _mm_set1_epi8('r'),
		      z = _mm_set1_epi8('z'), d0 = _mm_set1_epi8((char)0xD0),
		      d9 = _mm_set1_epi8((char)0xD9);
	for (; i + 19 <= n; i += 16) {
		__m128i v[4];
		for (int k = 0; k < 4; k++)
			v[k] = _mm_loadu_si128((const __m128i *)(const void *)(s + i + k));
		__m128i l[4];
		for (int k = 0; k < 4; k++)
			l[k] = _mm_or_si128(v[k], case_bit);
		__m128i coo = _mm_and_si128(_mm_cmpeq_epi8(l[0], c),
					    _mm_and_si128(_mm_cmpeq_epi8(l[1], o), _mm_cmpeq_epi8(l[2], o)));
		__m128i erez = _mm_and_si128(
			_mm_and_si128(_mm_cmpeq_epi8(l[0], e), _mm_cmpeq_epi8(l[1], r)),
			_mm_and_si128(_mm_cmpeq_epi8(l[2], e), _mm_cmpeq_epi8(l[3], z)));
		__m128i lead = _mm_or_si128(_mm_cmpeq_epi8(v[0], d0), _mm_cmpeq_epi8(v[0], d9));
		if (_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(coo, erez), lead)))
			return true;
	}
#endif
	for (; i < n; i++) {
		unsigned char b = s[i];
		if (b == 0xD0 || b == 0xD9)
			return true;
		if (i + 3 <= n && (b | 0x20) == 'c' && (s[i + 1] | 0x20) == 'o' &&
		    (s[i + 2] | 0x20) == 'o')
			return true;
		if (i + 4 <= n && (b | 0x20) == 'e' && (s[i + 1] | 0x20) == 'r' &&
		    (s[i + 2] | 0x20) == 'e' && (s[i + 3] | 0x20) == 'z')
			return true;
	}
	return false;
}

bool rule_cookie(struct rule_line *l)
{
	static const struct word cookie[] = {
		W("cookie"), W("\xC3\xA7" "erez"), W("\xD0\xBA\xD1\x83\xD0\xBA\xD0\xB8"),
		W("\xD9\x83\xD9\x88\xD9\x83\xD9\x8A\xD8\xB2"),
		W("\xD9\x85\xD9\x84\xD9\x81\xD8\xA7\xD8\xAA \xD8\xAA\xD8\xB9\xD8\xB1\xD9\x8A\xD9\x81"),
		{NULL, 0}};
	static const struct word consent[] = {
		W("consent"), W("accept"), W("privacy"), W("policy"), W("use"), W("kullan"),
		W("izin"), W("politika"), W("gizlilik"), W("datenschutz"), W("zustimm"),
		W("einwillig"), W("akzept"), W("verwend"), W("consentement"), W("confidentialit"),
		W("utilis"), W("acept"), W("consentimiento"), W("privacidad"), W("utiliz"),
		W("accett"), W("consenso"), W("aceit"), W("consentimento"), W("privacidade"),
		W("toestemming"), W("accepteer"), W("gebruik"),
		W("\xD1\x81\xD0\xBE\xD0\xB3\xD0\xBB\xD0\xB0"),
		W("\xD0\xBF\xD0\xBE\xD0\xBB\xD0\xB8\xD1\x82\xD0\xB8\xD0\xBA"),
		W("\xD9\x85\xD9\x88\xD8\xA7\xD9\x81\xD9\x82"), W("\xD8\xB3\xD9\x8A\xD8\xA7\xD8\xB3\xD8\xA9"),
		{NULL, 0}};
	if (!l->is_folded && !may_name_cookies(l->s, l->n))
		return false;
	size_t len;
	const char *f = line_fold(l, &len);
	static struct word_set cookie_set = {cookie, false, {0}, 0, {0}},
			       consent_set = {consent, false, {0}, 0, {0}};
	return contains_any(f, len, &cookie_set) && contains_any(f, len, &consent_set);
}

bool rule_attribution(struct rule_line *l)
{
	static const struct word starts[] = {
		W("read original article"), W("read the original"), W("original article"),
		W("read more"), W("source:"), W("kaynak:"), W("quelle:"), W("fuente:"), W("fonte:"),
		W("bron:"), W("\xD0\xB8\xD1\x81\xD1\x82\xD0\xBE\xD1\x87\xD0\xBD\xD0\xB8\xD0\xBA:"),
		W("\xD8\xA7\xD9\x84\xD9\x85\xD8\xB5\xD8\xAF\xD8\xB1:"), W("\xC2\xA9"), W("copyright"),
		{NULL, 0}};
	static const struct word reserved[] = {
		W("all rights reserved"), W("t\xC3\xBCm haklar\xC4\xB1 sakl\xC4\xB1" "d\xC4\xB1r"),
		W("alle rechte vorbehalten"), W("tous droits r\xC3\xA9serv\xC3\xA9s"),
		W("todos los derechos reservados"), W("tutti i diritti riservati"),
		W("todos os direitos reservados"), W("alle rechten voorbehouden"), {NULL, 0}};
	static const struct word agencies[] = {W("(aa)"), W("(reuters)"), W("(afp)"), W("(ap)"),
					       W("(dpa)"), W("(iha)"), W("(dha)"), {NULL, 0}};
	if (line_words(l) > 25)
		return false;
	size_t len;
	const char *p = line_fold(l, &len);
	bool credit = false;
	for (const struct word *st = starts; st->s && !credit; st++)
		credit = len >= st->n && p[0] == st->s[0] && memcmp(p, st->s, st->n) == 0;
	static struct word_set reserved_set = {reserved, false, {0}, 0, {0}};
	return credit || contains_any(p, len, &reserved_set) || in_list(p, len, agencies);
}

/* Whether p[0..n) is w[0..n) (folded) once its ASCII letters are
 * lowercased. */
static inline bool equal_folded(const unsigned char *p, const char *w, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (lower_ascii(p[k]) != (unsigned char)w[k])
			return false;
	return true;
}

bool rule_interface_words(const char *s, size_t n, struct buf *scratch)
{
	static const char *const words[] = {
		/* en */ "cookie", "privacy", "subscri", "newsletter", "notification", "download",
		"app store", "google play", "sign up", "sign in", "log in", "login", "register",
		"click", "accept", "agree", "terms of", "advertis",
		/* tr */ "\xC3\xA7" "erez", "gizlilik", "abone", "bildirim", "indir", "giri\xC5\x9F",
		"\xC3\xBC" "ye ol", "kabul", "t\xC4\xB1kla", "reklam",
		/* de */ "datenschutz", "abonn", "anmelden", "registrier", "klicken", "akzept",
		"werbung", "einwillig",
		/* fr */ "confidentialit", "connexion", "inscri", "cliqu", "publicit",
		/* es */ "privacidad", "suscrib", "reg\xC3\xADstr", "inicia sesi", "haz clic", "acept",
		/* it */ "iscriv", "accedi", "clicca", "accett", "pubblicit",
		/* pt */ "privacidade", "assin", "inscrev", "clique", "aceit",
		/* nl */ "inloggen", "klik", "accepteer", "advertentie",
		/* pl */ "prywatno", "subskryb", "zaloguj", "kliknij", "akceptuj",
		/* ru */ "\xD0\xBF\xD0\xBE\xD0\xB4\xD0\xBF\xD0\xB8\xD1\x81", /* подпис */
		"\xD0\xBA\xD0\xBE\xD0\xBD\xD1\x84\xD0\xB8\xD0\xB4\xD0\xB5\xD0\xBD", /* конфиден */
		"\xD0\xB2\xD0\xBE\xD0\xB9\xD1\x82\xD0\xB8", /* войти */
		"\xD1\x80\xD0\xB5\xD0\xBA\xD0\xBB\xD0\xB0\xD0\xBC", /* реклам */
		/* ar */ "\xD8\xA7\xD8\xB4\xD8\xAA\xD8\xB1\xD9\x83", /* اشترك */
		"\xD8\xA7\xD9\x84\xD8\xAE\xD8\xB5\xD9\x88\xD8\xB5\xD9\x8A\xD8\xA9", /* الخصوصية */
		"\xD8\xA5\xD8\xB9\xD9\x84\xD8\xA7\xD9\x86", /* إعلان */
		/* anywhere */ "\xC2\xA9", NULL};
	/* One pass over the text: at the start of each word, compare the
	 * words of the list that start with its byte. */
	enum { WORDS = sizeof words / sizeof *words - 1 };
	static unsigned char bucket_start[257];
	static unsigned char order[WORDS];
	static size_t lens[WORDS];
	/* The first two bytes of the words (every word has two), a bit each:
	 * most word starts are ruled out by one look. */
	static uint64_t pairs[65536 / 64];
	/* The first four bytes of the words of four bytes or more: one
	 * compare rules out most of the words that start the same. */
	static uint32_t head4[WORDS];
	static bool ready;
	if (!ready) {
		size_t k = 0;
		for (int b = 0; b < 256; b++) {
			bucket_start[b] = (unsigned char)k;
			for (size_t w = 0; w < WORDS; w++)
				if ((unsigned char)words[w][0] == b)
					order[k++] = (unsigned char)w;
		}
		bucket_start[256] = (unsigned char)k;
		for (size_t w = 0; w < WORDS; w++) {
			lens[w] = strlen(words[w]);
			if (lens[w] >= 4)
				memcpy(&head4[w], words[w], 4);
			unsigned pair = (unsigned char)words[w][0] << 8 | (unsigned char)words[w][1];
			pairs[pair / 64] |= (uint64_t)1 << (pair % 64);
		}
		ready = true;
	}
	/* The words are folded (lower case). A line of ASCII is looked at as
	 * it is, its bytes lowercased as they are compared; any other line is
	 * folded first. */
	const unsigned char *p;
	size_t len;
	if (scan_skip_ascii(s, 0, n) == n) {
		p = (const unsigned char *)s;
		len = n;
	} else {
		buf_clear(scratch);
		fold(s, n, scratch);
		p = (const unsigned char *)scratch->data;
		len = scratch->len;
	}
	/* A word of the list may start where the byte before is no letter or
	 * digit (ASCII; bytes of 0x80 and above are letters here), or at 0. */
#define TRY_WORD(at)                                                                      \
	do {                                                                              \
		size_t i_ = (at);                                                         \
		unsigned char b0_ = lower_ascii(p[i_]);                                   \
		unsigned pair = (unsigned)b0_ << 8 | lower_ascii(p[i_ + 1]);             \
		if (pairs[pair / 64] >> (pair % 64) & 1)                                  \
			for (size_t k = bucket_start[b0_]; k < bucket_start[b0_ + 1]; k++) { \
				size_t w = order[k];                                      \
				if (lens[w] > len - i_)                                   \
					continue;                                         \
				if (lens[w] >= 4) {                                       \
					uint64_t h_ = 0;                                  \
					memcpy(&h_, p + i_, 4);                           \
					if ((uint32_t)lower8(h_) != head4[w])             \
						continue;                                 \
				}                                                         \
				if (equal_folded(p + i_, words[w], lens[w]))              \
					return true;                                      \
			}                                                                 \
	} while (0)
	size_t i = 0;
	bool after_other = true; /* the byte before i is no letter or digit */
#ifdef __SSE2__
	/* 16 starts at a time: bit j of starts is position i + j */
	const __m128i zero = _mm_setzero_si128(), before_0 = _mm_set1_epi8('0' - 1),
		      after_9 = _mm_set1_epi8('9' + 1), case_bit = _mm_set1_epi8(0x20),
		      before_a = _mm_set1_epi8('a' - 1), after_z = _mm_set1_epi8('z' + 1);
	for (; i + 17 <= len; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
		__m128i folded = _mm_or_si128(v, case_bit); /* letters of either case to small */
		__m128i alnum = _mm_or_si128(
			_mm_and_si128(_mm_cmpgt_epi8(v, before_0), _mm_cmplt_epi8(v, after_9)),
			_mm_and_si128(_mm_cmpgt_epi8(folded, before_a),
				      _mm_cmplt_epi8(folded, after_z)));
		/* letters, digits and bytes of 0x80 and above (negative) */
		unsigned word = (unsigned)_mm_movemask_epi8(_mm_or_si128(alnum, _mm_cmplt_epi8(v, zero)));
		unsigned other = word ^ 0xFFFFu;
		unsigned starts = ((other << 1) | (after_other ? 1u : 0u)) & 0xFFFFu;
		after_other = other >> 15;
		while (starts) {
			TRY_WORD(i + (size_t)__builtin_ctz(starts));
			starts &= starts - 1;
		}
	}
#endif
	for (; i + 1 < len; i++) {
		if (i > 0 && (is_alnum_ascii(p[i - 1]) || p[i - 1] >= 0x80))
			continue; /* not the start of a word */
		TRY_WORD(i);
	}
#undef TRY_WORD
	(void)after_other;
	return false;
}

size_t rule_split_title(const char *title, size_t n, const char *text, size_t text_len,
			const char *url, const char *source, const char **site, size_t *site_len)
{
	static const char *const seps[] = {" \xE2\x80\x93 ", " \xE2\x80\x94 ", " | ", " - ",
					   " :: ", NULL};
	/* The last separator in the title: every one starts with a space. */
	const char *best = NULL;
	size_t best_len = 0;
	bool strong = false;
	for (size_t i = n; i-- > 0 && !best;) {
		if (title[i] != ' ')
			continue;
		for (const char *const *sep = seps; *sep; sep++) {
			size_t k = strlen(*sep);
			if (k <= n - i && memcmp(title + i, *sep, k) == 0) {
				best = title + i;
				best_len = k;
				strong = strcmp(*sep, " | ") == 0;
				break;
			}
		}
	}
	if (!best)
		return n;
	const char *suffix = best + best_len;
	size_t suffix_len = n - (size_t)(suffix - title);
	size_t prefix_len = (size_t)(best - title);
	if (!suffix_len || suffix_len > 40 || rule_word_count(suffix, suffix_len) > 4 ||
	    rule_word_count(title, prefix_len) < 3)
		return n;
	uint32_t first;
	if (!utf8_decode(suffix, suffix_len, &first) ||
	    !(utf8proc_isupper((utf8proc_int32_t)first) || (first < 0x80 && isdigit((int)first))))
		return n;
	/* Confident when the site is named elsewhere in the record too, or the
	 * separator is a bar, which sites use and headlines do not (dashes are
	 * common in headlines: "Turkey – Armenia talks stall"). */
	struct buf k = {0}, hay = {0}, fold_buf = {0};
	key(suffix, suffix_len, &k);
	bool seen = false;
	/* In the text, only a credit line counts ("Source: … | Ahval"): a word
	 * of the suffix may stand anywhere in an article. */
	for (size_t i = 0; i < text_len && !seen && k.len;) {
		const char *nl = memchr(text + i, '\n', text_len - i);
		size_t e = nl ? (size_t)(nl - text) : text_len;
		struct rule_line l;
		rule_line_init(&l, text + i, e - i, &fold_buf);
		if (e > i && rule_attribution(&l)) {
			buf_clear(&hay);
			key(text + i, e - i, &hay);
			seen = memmem(hay.data ? hay.data : "", hay.len, k.data, k.len) != NULL;
		}
		i = e + 1;
	}
	for (const char *other = url; !seen && other; other = other == url ? source : NULL) {
		buf_clear(&hay);
		key(other, strlen(other), &hay);
		seen = k.len && memmem(hay.data ? hay.data : "", hay.len, k.data, k.len);
	}
	buf_free(&k);
	buf_free(&hay);
	buf_free(&fold_buf);
	if (!seen && !strong)
		return n;
	*site = suffix;
	*site_len = suffix_len;
	return prefix_len;
}
