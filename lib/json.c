#include "json.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "utf8.h"

struct scanner {
	const unsigned char *s;
	size_t n;
	size_t i;
	const char *message;
	size_t where;
};

static bool fail(struct scanner *sc, const char *message)
{
	if (!sc->message) {
		sc->message = message;
		sc->where = sc->i;
	}
	return false;
}

static void skip_space(struct scanner *sc)
{
	while (sc->i < sc->n) {
		unsigned char c = sc->s[sc->i];
		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			return;
		sc->i++;
	}
}

static int hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static bool read_hex4(struct scanner *sc, unsigned *out)
{
	if (sc->n - sc->i < 4)
		return fail(sc, "truncated \\u escape");
	unsigned v = 0;
	for (int k = 0; k < 4; k++) {
		int h = hex_value(sc->s[sc->i + (size_t)k]);
		if (h < 0)
			return fail(sc, "invalid \\u escape");
		v = v << 4 | (unsigned)h;
	}
	sc->i += 4;
	*out = v;
	return true;
}

/* Finds the next byte in a string that needs a closer look: a quote, a
 * backslash, a control character or a non-ASCII byte. One signed compare
 * catches both of the last two, since bytes >= 0x80 are negative. */
static size_t next_special(const unsigned char *s, size_t i, size_t n)
{
#ifdef __SSE2__
	const __m128i quote = _mm_set1_epi8('"');
	const __m128i backslash = _mm_set1_epi8('\\');
	const __m128i space = _mm_set1_epi8(0x20);
	while (i + 16 <= n) {
		__m128i v = _mm_loadu_si128((const __m128i *)(s + i));
		__m128i m = _mm_or_si128(
			_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
			_mm_cmplt_epi8(v, space));
		int mask = _mm_movemask_epi8(m);
		if (mask)
			return i + (size_t)__builtin_ctz((unsigned)mask);
		i += 16;
	}
#endif
	while (i < n) {
		unsigned char c = s[i];
		if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80)
			return i;
		i++;
	}
	return n;
}

#ifdef __SSE2__
/* The bytes of a 16-byte block in [lo, hi], 0x80 <= lo <= hi <= 0xFF, as
 * a mask. Compares are signed: 0x80 is the least byte, 0xFF the greatest
 * of those. */
static inline unsigned bytes_within(__m128i v, unsigned char lo, unsigned char hi)
{
	/* (hi 0xFF: below 0 is what is wanted) */
	__m128i in = _mm_cmplt_epi8(v, _mm_set1_epi8((char)(hi + 1)));
	if (lo > 0x80) /* (0x80: nothing is below it) */
		in = _mm_and_si128(in, _mm_cmpgt_epi8(v, _mm_set1_epi8((char)(lo - 1))));
	return (unsigned)_mm_movemask_epi8(in);
}

static inline unsigned bytes_equal(__m128i v, unsigned char c)
{
	return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8((char)c)));
}

/* Whether \c is an escape of one letter (not \u). */
static inline bool is_letter_escape(unsigned char c)
{
	return c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' || c == 'n' || c == 'r' ||
	       c == 't';
}

/* The fast way through a string from i, 16 bytes at a time: printable
 * ASCII, UTF-8 that utf8_decode takes, and the escapes of one letter.
 * Returns true at the closing quote (*at past it); else false, with *at
 * where scan_string's loop goes on a character at a time: at a \u escape
 * or anything it may fail on, or near the end of the input. Before *at
 * every character is one that loop takes, and it would have stopped at
 * none of them.
 *
 * UTF-8 is checked on bit masks of a block's bytes: each lead byte owes
 * the bytes after it as continuation bytes (C2-DF one, E0-EF two, F0-F4
 * three), and a block is valid when the bytes owed are exactly its
 * continuation bytes, it holds no byte that starts nothing (C0, C1, F5
 * and above), and the second byte after E0, ED, F0 and F4 is in their
 * narrower ranges (no overlong forms, surrogates, nor code points past
 * U+10FFFF). What a block's last bytes owe is carried to the next. */
static bool string_run(const unsigned char *s, size_t i, size_t n, size_t *at, bool *has_escape)
{
	const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'),
		      space = _mm_set1_epi8(0x20);
	size_t good = i;   /* all before it checked, and a character starts there */
	uint32_t owed = 0; /* continuation bytes owed to the next block, from its bit 0 */
	unsigned after_e0 = 0, after_ed = 0, after_f0 = 0, after_f4 = 0; /* its bit 0 follows one */
	while (i + 16 <= n) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		unsigned high = (unsigned)_mm_movemask_epi8(v);
		unsigned special = (unsigned)_mm_movemask_epi8(_mm_or_si128(
					   _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
					   _mm_cmplt_epi8(v, space))) &
				   ~high;
		/* the bytes before the first special one are the string's */
		uint32_t range = special ? (1u << __builtin_ctz(special)) - 1 : 0xFFFFu;
		if (high | owed) {
			unsigned cont = bytes_within(v, 0x80, 0xBF);
			unsigned lead2 = bytes_within(v, 0xC2, 0xDF);
			unsigned lead3 = bytes_within(v, 0xE0, 0xEF);
			unsigned lead4 = bytes_within(v, 0xF0, 0xF4);
			unsigned bad = bytes_within(v, 0xC0, 0xC1) | bytes_within(v, 0xF5, 0xFF);
			unsigned below_a0 = bytes_within(v, 0x80, 0x9F);
			unsigned below_90 = bytes_within(v, 0x80, 0x8F);
			unsigned e0 = bytes_equal(v, 0xE0), ed = bytes_equal(v, 0xED);
			unsigned f0 = bytes_equal(v, 0xF0), f4 = bytes_equal(v, 0xF4);
			uint32_t need = owed | lead2 << 1 | lead3 << 1 | lead3 << 2 | lead4 << 1 |
					lead4 << 2 | lead4 << 3;
			uint32_t after = ((e0 << 1 | after_e0) & below_a0) |
					 ((ed << 1 | after_ed) & cont & ~below_a0) |
					 ((f0 << 1 | after_f0) & below_90) |
					 ((f4 << 1 | after_f4) & cont & ~below_90);
			uint32_t wrong = ((need ^ cont) | bad | after) & range;
			if (special)
				wrong |= need & ~range; /* a character cut short */
			if (wrong) {
				*at = good;
				return false;
			}
			owed = need >> 16;
			after_e0 = e0 >> 15;
			after_ed = ed >> 15;
			after_f0 = f0 >> 15;
			after_f4 = f4 >> 15;
		}
		if (!special) {
			i += 16;
			if (!owed)
				good = i;
			continue;
		}
		size_t j = i + (size_t)__builtin_ctz(special);
		if (s[j] == '"') {
			*at = j + 1;
			return true;
		}
		if (s[j] == '\\' && j + 1 < n && is_letter_escape(s[j + 1])) {
			*has_escape = true;
			i = good = j + 2;
			continue;
		}
		*at = j;
		return false;
	}
	*at = good;
	return false;
}
#endif

/* Scans a string whose opening quote is at sc->i: as much as it can the
 * fast way (string_run), the rest a character at a time. */
static bool scan_string(struct scanner *sc, bool *has_escape)
{
	sc->i++;
	*has_escape = false;
	for (;;) {
#ifdef __SSE2__
		if (string_run(sc->s, sc->i, sc->n, &sc->i, has_escape))
			return true;
#endif
		sc->i = next_special(sc->s, sc->i, sc->n);
		if (sc->i >= sc->n)
			return fail(sc, "unterminated string");
		unsigned char c = sc->s[sc->i];
		if (c == '"') {
			sc->i++;
			return true;
		}
		if (c == '\\') {
			*has_escape = true;
			if (++sc->i >= sc->n)
				return fail(sc, "unterminated string");
			c = sc->s[sc->i++];
			switch (c) {
			case '"': case '\\': case '/': case 'b':
			case 'f': case 'n': case 'r': case 't':
				break;
			case 'u': {
				unsigned u;
				if (!read_hex4(sc, &u))
					return false;
				if (u >= 0xDC00 && u <= 0xDFFF)
					return fail(sc, "lone low surrogate in \\u escape");
				if (u >= 0xD800 && u <= 0xDBFF) {
					unsigned lo;
					if (sc->n - sc->i < 2 || sc->s[sc->i] != '\\' ||
					    sc->s[sc->i + 1] != 'u')
						return fail(sc, "lone high surrogate in \\u escape");
					sc->i += 2;
					if (!read_hex4(sc, &lo))
						return false;
					if (lo < 0xDC00 || lo > 0xDFFF)
						return fail(sc, "lone high surrogate in \\u escape");
				}
				break;
			}
			default:
				sc->i--;
				return fail(sc, "invalid escape in string");
			}
			continue;
		}
		if (c < 0x20)
			return fail(sc, "control character in string");
		/* Non-ASCII text (Turkish, Cyrillic) alternates letters of both
		 * kinds: stay in this loop until a run of ASCII long enough for
		 * the vector search to pay. */
		size_t ascii_run = 0;
		while (sc->i < sc->n && ascii_run < 16) {
			c = sc->s[sc->i];
			if (c < 0x80) {
				if (c == '"' || c == '\\' || c < 0x20)
					break;
				sc->i++;
				ascii_run++;
				continue;
			}
			/* Two-byte sequences (U+0080-U+07FF: accented Latin, Greek,
			 * Cyrillic, Arabic) are checked here, the rest by utf8_decode. */
			if (c >= 0xC2 && c < 0xE0 && sc->n - sc->i >= 2 &&
			    (sc->s[sc->i + 1] & 0xC0) == 0x80) {
				sc->i += 2;
				ascii_run = 0;
				continue;
			}
			uint32_t cp;
			size_t k = utf8_decode((const char *)sc->s + sc->i, sc->n - sc->i, &cp);
			if (!k)
				return fail(sc, "invalid UTF-8 in string");
			sc->i += k;
			ascii_run = 0;
		}
	}
}

static bool scan_number(struct scanner *sc)
{
	const unsigned char *s = sc->s;
	size_t n = sc->n;
	if (sc->i < n && s[sc->i] == '-')
		sc->i++;
	if (sc->i >= n)
		return fail(sc, "truncated number");
	if (s[sc->i] == '0') {
		sc->i++;
	} else if (s[sc->i] >= '1' && s[sc->i] <= '9') {
		while (sc->i < n && s[sc->i] >= '0' && s[sc->i] <= '9')
			sc->i++;
	} else {
		return fail(sc, "invalid number");
	}
	if (sc->i < n && s[sc->i] == '.') {
		sc->i++;
		if (sc->i >= n || s[sc->i] < '0' || s[sc->i] > '9')
			return fail(sc, "invalid number");
		while (sc->i < n && s[sc->i] >= '0' && s[sc->i] <= '9')
			sc->i++;
	}
	if (sc->i < n && (s[sc->i] == 'e' || s[sc->i] == 'E')) {
		sc->i++;
		if (sc->i < n && (s[sc->i] == '+' || s[sc->i] == '-'))
			sc->i++;
		if (sc->i >= n || s[sc->i] < '0' || s[sc->i] > '9')
			return fail(sc, "invalid number");
		while (sc->i < n && s[sc->i] >= '0' && s[sc->i] <= '9')
			sc->i++;
	}
	return true;
}

static bool scan_literal(struct scanner *sc, const char *word, size_t len)
{
	if (sc->n - sc->i < len || memcmp(sc->s + sc->i, word, len) != 0)
		return fail(sc, "invalid literal");
	sc->i += len;
	return true;
}

static bool scan_value(struct scanner *sc, int depth, enum json_type *type,
		       bool *has_escape);

static bool scan_array(struct scanner *sc, int depth)
{
	sc->i++;
	skip_space(sc);
	if (sc->i < sc->n && sc->s[sc->i] == ']') {
		sc->i++;
		return true;
	}
	for (;;) {
		enum json_type t;
		bool esc;
		skip_space(sc);
		if (!scan_value(sc, depth + 1, &t, &esc))
			return false;
		skip_space(sc);
		if (sc->i >= sc->n)
			return fail(sc, "unterminated array");
		if (sc->s[sc->i] == ']') {
			sc->i++;
			return true;
		}
		if (sc->s[sc->i] != ',')
			return fail(sc, "expected ',' or ']' in array");
		sc->i++;
	}
}

/* Scans an object at sc->i; records its members when members is not NULL. */
static bool scan_object(struct scanner *sc, int depth, struct json_member **members,
			size_t *count, size_t *cap)
{
	sc->i++;
	skip_space(sc);
	if (sc->i < sc->n && sc->s[sc->i] == '}') {
		sc->i++;
		return true;
	}
	for (;;) {
		skip_space(sc);
		if (sc->i >= sc->n)
			return fail(sc, "unterminated object");
		if (sc->s[sc->i] != '"')
			return fail(sc, "expected a string key in object");
		struct json_member m = {0};
		m.key_off = sc->i + 1;
		if (!scan_string(sc, &m.key_has_escape))
			return false;
		m.key_len = sc->i - 1 - m.key_off;
		skip_space(sc);
		if (sc->i >= sc->n || sc->s[sc->i] != ':')
			return fail(sc, "expected ':' after key");
		sc->i++;
		skip_space(sc);
		m.val_off = sc->i;
		if (!scan_value(sc, depth + 1, &m.type, &m.val_has_escape))
			return false;
		m.val_len = sc->i - m.val_off;
		if (members) {
			if (*count == *cap) {
				*cap = *cap ? *cap * 2 : 16;
				*members = xrealloc(*members, *cap * sizeof **members);
			}
			(*members)[(*count)++] = m;
		}
		skip_space(sc);
		if (sc->i >= sc->n)
			return fail(sc, "unterminated object");
		if (sc->s[sc->i] == '}') {
			sc->i++;
			return true;
		}
		if (sc->s[sc->i] != ',')
			return fail(sc, "expected ',' or '}' in object");
		sc->i++;
	}
}

static bool scan_value(struct scanner *sc, int depth, enum json_type *type,
		       bool *has_escape)
{
	*has_escape = false;
	if (depth > JSON_MAX_DEPTH)
		return fail(sc, "nesting too deep");
	if (sc->i >= sc->n)
		return fail(sc, "expected a value");
	switch (sc->s[sc->i]) {
	case '"':
		*type = JSON_STRING;
		return scan_string(sc, has_escape);
	case '{':
		*type = JSON_OBJECT;
		return scan_object(sc, depth, NULL, NULL, NULL);
	case '[':
		*type = JSON_ARRAY;
		return scan_array(sc, depth);
	case 't':
		*type = JSON_TRUE;
		return scan_literal(sc, "true", 4);
	case 'f':
		*type = JSON_FALSE;
		return scan_literal(sc, "false", 5);
	case 'n':
		*type = JSON_NULL;
		return scan_literal(sc, "null", 4);
	case '-': case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		*type = JSON_NUMBER;
		return scan_number(sc);
	default:
		return fail(sc, "expected a value");
	}
}

bool json_scan_object(const char *s, size_t n, struct json_member **members,
		      size_t *count, size_t *cap, struct json_error *err)
{
	struct scanner sc = {.s = (const unsigned char *)s, .n = n};
	*count = 0;
	skip_space(&sc);
	bool ok;
	if (sc.i >= n)
		ok = fail(&sc, "empty line");
	else if (sc.s[sc.i] != '{')
		ok = fail(&sc, "not a JSON object");
	else
		ok = scan_object(&sc, 1, members, count, cap);
	if (ok) {
		skip_space(&sc);
		if (sc.i != n)
			ok = fail(&sc, "trailing characters after the object");
	}
	if (!ok && err) {
		err->offset = sc.where;
		err->message = sc.message;
	}
	return ok;
}

/* The offset of the next backslash at or after i, or n: inline, as text
 * has one every line or so ("\n"). */
static size_t next_backslash(const unsigned char *s, size_t i, size_t n)
{
#ifdef __SSE2__
	const __m128i backslash = _mm_set1_epi8('\\');
	for (; i + 16 <= n; i += 16) {
		int mask = _mm_movemask_epi8(
			_mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(s + i)), backslash));
		if (mask)
			return i + (size_t)__builtin_ctz((unsigned)mask);
	}
#endif
	while (i < n && s[i] != '\\')
		i++;
	return i;
}

static unsigned hex4(const char *s)
{
	unsigned v = 0;
	for (int k = 0; k < 4; k++)
		v = v << 4 | (unsigned)hex_value((unsigned char)s[k]);
	return v;
}

void json_unescape(const char *s, size_t n, struct buf *out)
{
	/* Decoded text is never longer than its escaped form (\uXXXX is 6
	 * bytes for at most 3, a surrogate pair 12 for 4): one reserve, then
	 * writes through a pointer. */
	buf_reserve(out, n);
	char *w = out->data + out->len;
	size_t i = 0;
	while (i < n) {
		size_t run;
#ifdef __SSE2__
		if (i + 16 <= n) {
			/* 16 bytes copied at once, then as many kept as come before
			 * a backslash: no call for the few bytes between escapes.
			 * (w is never ahead of i: there is room for them.) */
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
			_mm_storeu_si128((__m128i *)(void *)w, v);
			unsigned mask = (unsigned)_mm_movemask_epi8(
				_mm_cmpeq_epi8(v, _mm_set1_epi8('\\')));
			if (!mask) {
				w += 16;
				i += 16;
				continue;
			}
			run = (size_t)__builtin_ctz(mask);
		} else
#endif
		{
			run = next_backslash((const unsigned char *)s, i, n) - i;
			memcpy(w, s + i, run);
		}
		w += run;
		i += run;
		if (i >= n)
			break;
		char c = s[i + 1];
		i += 2;
		switch (c) {
		case 'b': *w++ = '\b'; break;
		case 'f': *w++ = '\f'; break;
		case 'n': *w++ = '\n'; break;
		case 'r': *w++ = '\r'; break;
		case 't': *w++ = '\t'; break;
		case 'u': {
			uint32_t cp = hex4(s + i);
			i += 4;
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				uint32_t lo = hex4(s + i + 2);
				i += 6;
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			}
			w += utf8_encode(cp, w);
			break;
		}
		default: *w++ = c; break;
		}
	}
	out->len = (size_t)(w - out->data);
	out->data[out->len] = '\0';
}

/* Finds the next byte that JSON must escape in valid UTF-8: a quote, a
 * backslash or a control character (an unsigned compare, so that UTF-8
 * bytes pass). */
static size_t next_escape(const unsigned char *s, size_t i, size_t n)
{
#ifdef __SSE2__
	const __m128i quote = _mm_set1_epi8('"');
	const __m128i backslash = _mm_set1_epi8('\\');
	const __m128i control_max = _mm_set1_epi8(0x1F);
	while (i + 16 <= n) {
		__m128i v = _mm_loadu_si128((const __m128i *)(s + i));
		__m128i m = _mm_or_si128(
			_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
			_mm_cmpeq_epi8(_mm_max_epu8(v, control_max), control_max));
		int mask = _mm_movemask_epi8(m);
		if (mask)
			return i + (size_t)__builtin_ctz((unsigned)mask);
		i += 16;
	}
#endif
	while (i < n && s[i] != '"' && s[i] != '\\' && s[i] >= 0x20)
		i++;
	return i;
}

/* Appends valid UTF-8 s[0..n) escaped, without quotes, writing through a
 * pointer: news text has a newline every line or so, and a buffer call per
 * escape was a sixth of nsplit's time. */
static void append_escaped(struct buf *out, const char *str, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	buf_reserve(out, n + 16);
	char *w = out->data + out->len;
	size_t i = 0;
	while (i < n) {
#ifdef __SSE2__
		if (i + 16 <= n) {
			/* 16 bytes copied at once (room for them and an escape),
			 * then as many kept as come before what needs escaping. */
			size_t room = out->cap - 1 - (size_t)(w - out->data);
			if (room < 16 + 6) {
				out->len = (size_t)(w - out->data);
				buf_reserve(out, 16 + 6 + (n - i) + (n - i) / 8);
				w = out->data + out->len;
			}
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
			_mm_storeu_si128((__m128i *)(void *)w, v);
			__m128i m = _mm_or_si128(
				_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
					     _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
				_mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(0x1F)), _mm_set1_epi8(0x1F)));
			unsigned mask = (unsigned)_mm_movemask_epi8(m);
			if (!mask) {
				w += 16;
				i += 16;
				continue;
			}
			size_t run = (size_t)__builtin_ctz(mask);
			w += run;
			i += run;
		} else
#endif
		{
			size_t j = next_escape(s, i, n);
			/* Room for the run and one escape (at most 6 bytes). */
			size_t room = out->cap - 1 - (size_t)(w - out->data);
			if (room < j - i + 6) {
				out->len = (size_t)(w - out->data);
				buf_reserve(out, (j - i) + 6 + (n - j) / 8);
				w = out->data + out->len;
			}
			memcpy(w, s + i, j - i);
			w += j - i;
			i = j;
		}
		if (i >= n)
			break;
		unsigned char c = s[i++];
		*w++ = '\\';
		switch (c) {
		case '"': *w++ = '"'; break;
		case '\\': *w++ = '\\'; break;
		case '\n': *w++ = 'n'; break;
		case '\t': *w++ = 't'; break;
		case '\r': *w++ = 'r'; break;
		case '\b': *w++ = 'b'; break;
		case '\f': *w++ = 'f'; break;
		default:
			*w++ = 'u';
			*w++ = '0';
			*w++ = '0';
			*w++ = hex[c >> 4];
			*w++ = hex[c & 15];
		}
	}
	out->len = (size_t)(w - out->data);
	out->data[out->len] = '\0';
}

void json_append_utf8(struct buf *out, const char *s, size_t n)
{
	buf_addc(out, '"');
	append_escaped(out, s, n);
	buf_addc(out, '"');
}

static void add_escaped(void *ctx, const char *p, size_t k)
{
	append_escaped(ctx, p, k);
}

size_t json_append_string(struct buf *out, const char *s, size_t n)
{
	buf_addc(out, '"');
	size_t replaced = utf8_sanitize(s, n, add_escaped, out);
	buf_addc(out, '"');
	return replaced;
}
