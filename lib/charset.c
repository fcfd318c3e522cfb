#include "charset.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "utf8.h"

/* Bytes 0x80-0xFF of the Windows code pages as Unicode; 0 where the code
 * page defines nothing. Tables, not iconv: a third of a large archive can
 * be cp1252, and iconv_open per member showed in profiles. */
static const uint16_t cp1252_high[128] = {
	0x20AC, 0x0000, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x0000, 0x017D, 0x0000,
	0x0000, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x0000, 0x017E, 0x0178,
	0x00A0, 0x00A1, 0x00A2, 0x00A3, 0x00A4, 0x00A5, 0x00A6, 0x00A7,
	0x00A8, 0x00A9, 0x00AA, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x00AF,
	0x00B0, 0x00B1, 0x00B2, 0x00B3, 0x00B4, 0x00B5, 0x00B6, 0x00B7,
	0x00B8, 0x00B9, 0x00BA, 0x00BB, 0x00BC, 0x00BD, 0x00BE, 0x00BF,
	0x00C0, 0x00C1, 0x00C2, 0x00C3, 0x00C4, 0x00C5, 0x00C6, 0x00C7,
	0x00C8, 0x00C9, 0x00CA, 0x00CB, 0x00CC, 0x00CD, 0x00CE, 0x00CF,
	0x00D0, 0x00D1, 0x00D2, 0x00D3, 0x00D4, 0x00D5, 0x00D6, 0x00D7,
	0x00D8, 0x00D9, 0x00DA, 0x00DB, 0x00DC, 0x00DD, 0x00DE, 0x00DF,
	0x00E0, 0x00E1, 0x00E2, 0x00E3, 0x00E4, 0x00E5, 0x00E6, 0x00E7,
	0x00E8, 0x00E9, 0x00EA, 0x00EB, 0x00EC, 0x00ED, 0x00EE, 0x00EF,
	0x00F0, 0x00F1, 0x00F2, 0x00F3, 0x00F4, 0x00F5, 0x00F6, 0x00F7,
	0x00F8, 0x00F9, 0x00FA, 0x00FB, 0x00FC, 0x00FD, 0x00FE, 0x00FF,
};

static const uint16_t cp1254_high[128] = {
	0x20AC, 0x0000, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x0000, 0x0000, 0x0000,
	0x0000, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x0000, 0x0000, 0x0178,
	0x00A0, 0x00A1, 0x00A2, 0x00A3, 0x00A4, 0x00A5, 0x00A6, 0x00A7,
	0x00A8, 0x00A9, 0x00AA, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x00AF,
	0x00B0, 0x00B1, 0x00B2, 0x00B3, 0x00B4, 0x00B5, 0x00B6, 0x00B7,
	0x00B8, 0x00B9, 0x00BA, 0x00BB, 0x00BC, 0x00BD, 0x00BE, 0x00BF,
	0x00C0, 0x00C1, 0x00C2, 0x00C3, 0x00C4, 0x00C5, 0x00C6, 0x00C7,
	0x00C8, 0x00C9, 0x00CA, 0x00CB, 0x00CC, 0x00CD, 0x00CE, 0x00CF,
	0x011E, 0x00D1, 0x00D2, 0x00D3, 0x00D4, 0x00D5, 0x00D6, 0x00D7,
	0x00D8, 0x00D9, 0x00DA, 0x00DB, 0x00DC, 0x0130, 0x015E, 0x00DF,
	0x00E0, 0x00E1, 0x00E2, 0x00E3, 0x00E4, 0x00E5, 0x00E6, 0x00E7,
	0x00E8, 0x00E9, 0x00EA, 0x00EB, 0x00EC, 0x00ED, 0x00EE, 0x00EF,
	0x011F, 0x00F1, 0x00F2, 0x00F3, 0x00F4, 0x00F5, 0x00F6, 0x00F7,
	0x00F8, 0x00F9, 0x00FA, 0x00FB, 0x00FC, 0x0131, 0x015F, 0x00FF,
};

const uint16_t *charset_high_table(const char *name)
{
	if (strcmp(name, "cp1252") == 0)
		return cp1252_high;
	if (strcmp(name, "cp1254") == 0)
		return cp1254_high;
	return NULL;
}

/* Converts a single-byte code page (latin-1 when table is NULL); false if a
 * byte is undefined in it. */
static bool convert_single_byte(const char *s, size_t n, const uint16_t *table, struct buf *out)
{
	size_t start = out->len;
	buf_reserve(out, n * 3);
	char *w = out->data + out->len;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			*w++ = (char)c;
			continue;
		}
		uint32_t cp = table ? table[c - 0x80] : c;
		if (!cp) {
			out->len = start;
			out->data[start] = '\0';
			return false;
		}
		w += utf8_encode(cp, w);
	}
	out->len = (size_t)(w - out->data);
	out->data[out->len] = '\0';
	return true;
}

/* Converts with iconv; returns false (out unchanged) if the charset is
 * unknown or the bytes are not valid in it. */
static bool convert(const char *s, size_t n, const char *from, struct buf *out)
{
	iconv_t cd = iconv_open("UTF-8", from);
	if (cd == (iconv_t)-1)
		return false;
	size_t start = out->len;
	char *in = (char *)s;
	size_t in_left = n;
	bool ok = true;
	while (in_left) {
		buf_reserve(out, in_left * 2 + 16);
		char *dst = out->data + out->len;
		size_t dst_left = out->cap - out->len - 1;
		size_t rc = iconv(cd, &in, &in_left, &dst, &dst_left);
		out->len = (size_t)(dst - out->data);
		if (rc == (size_t)-1 && errno != E2BIG) {
			ok = false;
			break;
		}
	}
	/* Flush: some converters (cp1255, cp1258) hold a letter back while
	 * they wait for a combining mark that may follow it. */
	if (ok) {
		buf_reserve(out, 16);
		char *dst = out->data + out->len;
		size_t dst_left = out->cap - out->len - 1;
		if (iconv(cd, NULL, NULL, &dst, &dst_left) == (size_t)-1)
			ok = false;
		out->len = (size_t)(dst - out->data);
	}
	iconv_close(cd);
	/* iconv may let through bytes it maps to nothing valid; trust only UTF-8. */
	if (ok && !utf8_is_valid(out->data + start, out->len - start))
		ok = false;
	if (!ok)
		out->len = start;
	if (out->data)
		out->data[out->len] = '\0';
	return ok;
}

const char *charset_guess(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t turkish = 0, high_letters = 0;
	bool has_cp1252_hole = false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (c < 0x80)
			continue;
		switch (c) {
		case 0xD0: case 0xDD: case 0xDE: case 0xF0: case 0xFD: case 0xFE:
			turkish++;
			break;
		case 0x81: case 0x8D: case 0x8F: case 0x90: case 0x9D:
			has_cp1252_hole = true;
			break;
		}
		if (c >= 0xC0)
			high_letters++;
	}
	/* In Western text ð ý þ Ð Ý Þ are rare (Icelandic, Faroese); in Turkish
	 * text ğ ı ş are among the commonest non-ASCII letters. */
	if (turkish && turkish * 4 >= high_letters)
		return "cp1254";
	if (has_cp1252_hole)
		return "latin-1";
	return "cp1252";
}

/* Converts from a code page nsplit names ("cp1252", "cp1254", "latin-1")
 * by table, or any other charset iconv knows. */
static bool convert_named(const char *s, size_t n, const char *name, struct buf *out)
{
	if (strcmp(name, "cp1252") == 0)
		return convert_single_byte(s, n, cp1252_high, out);
	if (strcmp(name, "cp1254") == 0)
		return convert_single_byte(s, n, cp1254_high, out);
	if (strcmp(name, "latin-1") == 0)
		return convert_single_byte(s, n, NULL, out);
	return convert(s, n, name, out);
}

/* Whether valid multi-byte UTF-8 sequences outnumber the invalid bytes. */
static bool mostly_utf8(const char *s, size_t n)
{
	size_t good = 0, bad = 0, i = 0;
	while (i < n) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (k) {
			good++;
			i += k;
		} else {
			bad++;
			i++;
		}
	}
	return good > bad;
}

/* UTF-16 after its byte-order mark. Unpaired surrogates and an odd last
 * byte become U+FFFD; returns how many bytes were replaced. */
static size_t utf16_to_utf8(const unsigned char *p, size_t n, bool is_le, struct buf *out)
{
	size_t replaced = 0;
	buf_reserve(out, n / 2 * 3 + 4);
	for (size_t i = 0; i + 1 < n; i += 2) {
		uint32_t unit = is_le ? (uint32_t)(p[i] | p[i + 1] << 8) : (uint32_t)(p[i] << 8 | p[i + 1]);
		uint32_t cp = unit;
		if (unit >= 0xD800 && unit <= 0xDBFF && i + 3 < n) {
			uint32_t lo = is_le ? (uint32_t)(p[i + 2] | p[i + 3] << 8)
					    : (uint32_t)(p[i + 2] << 8 | p[i + 3]);
			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				cp = 0x10000 + ((unit - 0xD800) << 10) + (lo - 0xDC00);
				i += 2;
			}
		}
		if (cp >= 0xD800 && cp <= 0xDFFF) {
			cp = 0xFFFD;
			replaced += 2;
		}
		char enc[4];
		buf_add(out, enc, utf8_encode(cp, enc));
	}
	if (n % 2) {
		buf_add(out, "\xEF\xBF\xBD", 3);
		replaced++;
	}
	return replaced;
}

/* Browsers read these labels as the Windows code pages (WHATWG Encoding
 * standard), and so did the people who wrote the pages. */
static const char *whatwg_alias(const char *label)
{
	static const char *const cp1252[] = {"iso-8859-1", "iso8859-1", "latin1", "latin-1",
					     "l1", "us-ascii", "ascii", "windows-1252",
					     "cp1252", "x-cp1252"};
	static const char *const cp1254[] = {"iso-8859-9", "iso8859-9", "latin5", "l5",
					     "windows-1254", "cp1254", "x-cp1254"};
	for (size_t i = 0; i < sizeof cp1252 / sizeof *cp1252; i++)
		if (strcmp(label, cp1252[i]) == 0)
			return "cp1252";
	for (size_t i = 0; i < sizeof cp1254 / sizeof *cp1254; i++)
		if (strcmp(label, cp1254[i]) == 0)
			return "cp1254";
	return NULL;
}

const char *charset_to_utf8(const char *s, size_t n, const char *declared, struct buf *out,
			    size_t *replaced)
{
	const unsigned char *u = (const unsigned char *)s;
	*replaced = 0;
	if (n >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
		bool is_le = u[0] == 0xFF;
		*replaced = utf16_to_utf8(u + 2, n - 2, is_le, out);
		return is_le ? "utf-16le" : "utf-16be";
	}
	if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
		s += 3;
		n -= 3;
	}
	if (utf8_is_valid(s, n)) {
		buf_add(out, s, n);
		return "utf-8";
	}
	/* Text that is mostly UTF-8 with a few damaged bytes stays UTF-8: read
	 * as a code page, every good character in it would turn to mojibake. */
	if (mostly_utf8(s, n)) {
		*replaced = utf8_append_sanitized(out, s, n);
		return "utf-8";
	}
	/* A declared charset names the encoding when it converts cleanly;
	 * declarations of UTF-8 or ASCII over bytes that are neither are wrong,
	 * so fall through to the guess. */
	if (declared) {
		const char *whatwg = whatwg_alias(declared);
		if (whatwg && convert_named(s, n, whatwg, out))
			return whatwg;
		if (!whatwg && strcmp(declared, "utf-8") != 0 && strcmp(declared, "utf8") != 0 &&
		    convert(s, n, declared, out))
			return declared;
	}
	const char *guess = charset_guess(s, n);
	if (convert_named(s, n, guess, out))
		return guess;
	if (convert_named(s, n, "latin-1", out))
		return "latin-1";
	*replaced = utf8_append_sanitized(out, s, n);
	return "utf-8";
}

const char *charset_from_content_type(const char *value, size_t n, char *name,
				      size_t name_size)
{
	static const char key[] = "charset";
	for (size_t i = 0; i + sizeof key - 1 <= n; i++) {
		if (strncasecmp(value + i, key, sizeof key - 1) != 0)
			continue;
		size_t j = i + sizeof key - 1;
		while (j < n && value[j] == ' ')
			j++;
		if (j >= n || value[j] != '=')
			continue;
		j++;
		while (j < n && (value[j] == ' ' || value[j] == '"' || value[j] == '\''))
			j++;
		size_t k = 0;
		while (j < n && (isalnum((unsigned char)value[j]) || value[j] == '-' ||
				 value[j] == '_' || value[j] == ':' || value[j] == '.')) {
			/* A cut name can be another charset ("iso-8859-1" from
			 * "iso-8859-15"): none is better than a wrong one. */
			if (k + 1 >= name_size)
				return NULL;
			name[k++] = (char)tolower((unsigned char)value[j++]);
		}
		if (!k)
			return NULL;
		name[k] = '\0';
		return name;
	}
	return NULL;
}
