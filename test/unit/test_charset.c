#include "charset.h"

#include <iconv.h>

#include "unit.h"
#include "utf8.h"

/* Converts the literal in with charset_to_utf8 and checks the encoding it
 * was read as, the UTF-8 out and the replacement count. */
#define CHECK_CONVERT(in, declared, want_name, want_out, want_replaced, why)                      \
	do {                                                                                      \
		struct buf out_ = {0};                                                            \
		size_t replaced_ = 99;                                                            \
		const char *name_ = charset_to_utf8("" in, sizeof(in) - 1, declared, &out_, &replaced_); \
		CHECK_CSTR(name_, want_name, "%s should be read as %s: %s", #in, want_name, why);    \
		CHECK_BUF(out_, want_out, "%s should convert to %s: %s", #in, #want_out, why);     \
		CHECK_EQ_SIZE(replaced_, want_replaced, "%s: replacements: %s", #in, why);          \
		buf_free(&out_);                                                                  \
	} while (0)

static void test_utf8(void)
{
	CHECK_CONVERT("", NULL, "utf-8", "", 0, "the empty text");
	CHECK_CONVERT("plain ASCII\r\n", NULL, "utf-8", "plain ASCII\r\n", 0, "ASCII with CRLF");
	CHECK_CONVERT("caf\xC3\xA9 \xE2\x80\x9Cq\xE2\x80\x9D \xF0\x9F\x98\x80", NULL, "utf-8",
		      "caf\xC3\xA9 \xE2\x80\x9Cq\xE2\x80\x9D \xF0\x9F\x98\x80", 0, "valid UTF-8 passes through");
	CHECK_CONVERT("a\0b", NULL, "utf-8", "a\0b", 0, "a NUL byte passes through");
	CHECK_CONVERT("caf\xC3\xA9", "iso-8859-1", "utf-8", "caf\xC3\xA9", 0,
		      "valid UTF-8 wins over a declared single-byte charset");
	CHECK_CONVERT("\xEF\xBB\xBFhello", NULL, "utf-8", "hello", 0, "a UTF-8 BOM is dropped");
	CHECK_CONVERT("\xEF\xBB\xBF", NULL, "utf-8", "", 0, "a lone UTF-8 BOM gives nothing");
	CHECK_CONVERT("caf\xC3\xA9 na\xC3\xAFve \xE2\x82\xAC \xFF", NULL, "utf-8",
		      "caf\xC3\xA9 na\xC3\xAFve \xE2\x82\xAC \xEF\xBF\xBD", 1,
		      "mostly UTF-8 with one stray byte stays UTF-8");
	CHECK_CONVERT("\xEF\xBB\xBF\xC3\xA9\xC3\xA8 \x80", NULL, "utf-8", "\xC3\xA9\xC3\xA8 \xEF\xBF\xBD", 1,
		      "a BOM and mostly UTF-8 with a stray continuation byte");
}

static void test_utf16(void)
{
	CHECK_CONVERT("\xFF\xFEh\0i\0\xE9\0", NULL, "utf-16le", "hi\xC3\xA9", 0, "UTF-16LE with its BOM");
	CHECK_CONVERT("\xFE\xFF\0h\0i\0\xE9", NULL, "utf-16be", "hi\xC3\xA9", 0, "UTF-16BE with its BOM");
	CHECK_CONVERT("\xFF\xFE=\xD8\0\xDE\r\0\n\0", NULL, "utf-16le", "\xF0\x9F\x98\x80\r\n", 0,
		      "a UTF-16LE surrogate pair and CRLF");
	CHECK_CONVERT("\xFF\xFE", NULL, "utf-16le", "", 0, "a lone UTF-16LE BOM");
	CHECK_CONVERT("\xFF\xFEh\0i\0", "iso-8859-1", "utf-16le", "hi", 0, "a BOM wins over a declared charset");

	/* A truncated file (odd length) and an unpaired surrogate are still
	 * UTF-16: the damage becomes U+FFFD, counted in bytes. */
	CHECK_CONVERT("\xFF\xFEh\0i", NULL, "utf-16le", "h\xEF\xBF\xBD", 1,
		      "an odd last byte is replaced");
	CHECK_CONVERT("\xFF\xFEh\0\x00\xD8i\0", NULL, "utf-16le", "h\xEF\xBF\xBDi", 2,
		      "an unpaired high surrogate is replaced");
	CHECK_CONVERT("\xFE\xFF\xDC\x00\0i", NULL, "utf-16be", "\xEF\xBF\xBDi", 2,
		      "an unpaired low surrogate is replaced");
}

static void test_single_byte_guesses(void)
{
	CHECK_CONVERT("\x93quoted\x94 \x85 \x80", NULL, "cp1252",
		      "\xE2\x80\x9Cquoted\xE2\x80\x9D \xE2\x80\xA6 \xE2\x82\xAC", 0,
		      "cp1252 smart quotes, ellipsis and euro");
	CHECK_CONVERT("caf\xE9 cr\xE8me br\xFBl\xE9" "e", NULL, "cp1252", "caf\xC3\xA9 cr\xC3\xA8me br\xC3\xBBl\xC3\xA9" "e", 0,
		      "French in a Western code page");
	CHECK_CONVERT("\xDDstanbul \xFE" "ehir \xF0", NULL, "cp1254", "\xC4\xB0stanbul \xC5\x9F" "ehir \xC4\x9F", 0,
		      "Turkish letters guessed as cp1254");
	CHECK_CONVERT("G\xFCzel \xE7ocuk \xF6\xF0retmen", NULL, "cp1254",
		      "G\xC3\xBCzel \xC3\xA7ocuk \xC3\xB6\xC4\x9Fretmen", 0,
		      "Turkish with letters shared with cp1252 and one only Turkish uses");
	CHECK_CONVERT("caf\xE9 \x81", NULL, "latin-1", "caf\xC3\xA9 \xC2\x81", 0,
		      "0x81, undefined in cp1252, means latin-1");
	CHECK_CONVERT("\x9D" "abc", NULL, "latin-1", "\xC2\x9D" "abc", 0, "0x9D, undefined in cp1252, means latin-1");

	CHECK_CSTR(charset_guess("abc", 3), "cp1252", "ASCII should guess cp1252");
	CHECK_CSTR(charset_guess("", 0), "cp1252", "nothing should guess cp1252");
	CHECK_CSTR(charset_guess("\x8D", 1), "latin-1", "a cp1252 hole should guess latin-1");
	CHECK_CSTR(charset_guess("\xFD", 1), "cp1254", "dotless i alone should guess cp1254");
	CHECK_CSTR(charset_guess("\xE9\xE8\xE0\xE7\xE9\xE8\xE0\xE7\xFD", 9), "cp1252",
		   "one Turkish-only letter among 9 high letters should not be enough for cp1254");
}

static void test_declared(void)
{
	CHECK_CONVERT("\x93x\x94", "iso-8859-1", "cp1252", "\xE2\x80\x9Cx\xE2\x80\x9D", 0,
		      "declared iso-8859-1 is read as cp1252 (WHATWG)");
	CHECK_CONVERT("\x93x\x94", "us-ascii", "cp1252", "\xE2\x80\x9Cx\xE2\x80\x9D", 0,
		      "declared us-ascii is read as cp1252 (WHATWG)");
	CHECK_CONVERT("\xFD\xE9", "iso-8859-9", "cp1254", "\xC4\xB1\xC3\xA9", 0,
		      "declared iso-8859-9 is read as cp1254 (WHATWG)");
	CHECK_CONVERT("\xF0\xD2\xC9\xD7\xC5\xD4", "koi8-r", "koi8-r",
		      "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82", 0, "a declared KOI8-R is used");
	CHECK_CONVERT("caf\xE9", "utf-8", "cp1252", "caf\xC3\xA9", 0, "a wrong utf-8 declaration falls back to the guess");
	CHECK_CONVERT("caf\xE9", "x-no-such-charset", "cp1252", "caf\xC3\xA9", 0,
		      "an unknown declared charset falls back to the guess");
	CHECK_CONVERT("\x93" "abc\x81", "iso-8859-1", "latin-1", "\xC2\x93" "abc\xC2\x81", 0,
		      "bytes cp1252 cannot read fall back to the guess, without leftovers of the try");

	struct buf out = {0};
	buf_adds(&out, "kept:");
	size_t replaced = 7;
	charset_to_utf8("\x93q\x94", 3, NULL, &out, &replaced);
	CHECK_BUF(out, "kept:\xE2\x80\x9Cq\xE2\x80\x9D", "charset_to_utf8 should append to what out holds");
	CHECK_EQ_SIZE(replaced, 0, "replaced should be reset on each call");
	buf_free(&out);
}

/* Converts one byte with the C library's iconv; false where the code page
 * leaves the byte undefined. */
static bool iconv_byte(const char *code_page, unsigned char c, struct buf *out)
{
	iconv_t cd = iconv_open("UTF-8", code_page);
	if (cd == (iconv_t)-1)
		return false;
	char in[1] = {(char)c}, dst[8];
	char *ip = in, *op = dst;
	size_t in_left = 1, out_left = sizeof dst;
	bool ok = iconv(cd, &ip, &in_left, &op, &out_left) != (size_t)-1 && in_left == 0;
	iconv_close(cd);
	if (ok)
		buf_add(out, dst, (size_t)(op - dst));
	return ok;
}

static void test_code_pages_agree_with_iconv(void)
{
	static const struct {
		const char *label, *name, *iconv_name;
	} pages[] = {{"windows-1252", "cp1252", "CP1252"}, {"windows-1254", "cp1254", "CP1254"}};
	for (size_t p = 0; p < 2; p++) {
		size_t differ = 0, undefined = 0;
		for (unsigned c = 0x80; c <= 0xFF; c++) {
			struct buf want = {0}, got = {0};
			buf_addc(&want, 'x');
			bool defined = iconv_byte(pages[p].iconv_name, (unsigned char)c, &want);
			char in[2] = {'x', (char)c};
			size_t replaced;
			const char *name = charset_to_utf8(in, 2, pages[p].label, &got, &replaced);
			if (defined)
				differ += strcmp(name, pages[p].name) != 0 || got.len != want.len ||
					  memcmp(got.data, want.data, got.len) != 0;
			else
				differ += strcmp(name, pages[p].name) == 0;
			undefined += !defined;
			buf_free(&want);
			buf_free(&got);
		}
		CHECK_EQ_SIZE(differ, 0, "%s: every byte 0x80-0xFF should convert as iconv's %s does",
			      pages[p].name, pages[p].iconv_name);
		CHECK(undefined >= 4 && undefined <= 8, "%s: iconv should leave a few bytes undefined (%zu)",
		      pages[p].name, undefined);
	}
}

static void test_never_invalid_output(void)
{
	static const char *const declared[] = {NULL, "utf-8", "iso-8859-1", "koi8-r", "shift_jis",
					       "utf-16", "x-unknown", "iso-8859-9"};
	uint32_t x = 2463534242u;
	size_t bad = 0;
	for (int i = 0; i < 2000; i++) {
		char in[97];
		size_t n = (size_t)i % sizeof in;
		for (size_t k = 0; k < n; k++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			in[k] = (char)x;
		}
		struct buf out = {0};
		size_t replaced;
		const char *name = charset_to_utf8(in, n, declared[i % 8], &out, &replaced);
		if (!name || !utf8_is_valid(out.data, out.len))
			bad++;
		buf_free(&out);
	}
	CHECK_EQ_SIZE(bad, 0, "random bytes under any declaration should always give valid UTF-8");
}

#define CHECK_CONTENT_TYPE(value, want, why)                                                        \
	do {                                                                                        \
		char name_[64] = "unchanged";                                                       \
		const char *got_ = charset_from_content_type("" value, sizeof(value) - 1, name_, sizeof name_); \
		if (want)                                                                           \
			CHECK(got_ == name_ && strcmp(name_, want ? want : "") == 0,                 \
			      "%s should give charset \"%s\", not \"%s\": %s", #value, want ? want : "", \
			      got_ ? got_ : "(none)", why);                                        \
		else                                                                                \
			CHECK(got_ == NULL, "%s should give no charset: %s", #value, why);          \
	} while (0)

static void test_content_type(void)
{
	const char *none = NULL;
	CHECK_CONTENT_TYPE("text/html; charset=EUC-JP", "euc-jp", "the HTTP form, lowercased");
	CHECK_CONTENT_TYPE("text/html;charset=utf-8", "utf-8", "no space after the semicolon");
	CHECK_CONTENT_TYPE("text/html; Charset = \"ISO-8859-1\"", "iso-8859-1", "spaces and double quotes");
	CHECK_CONTENT_TYPE("text/html; CHARSET='windows-1254'; foo=bar", "windows-1254", "single quotes, more parameters");
	CHECK_CONTENT_TYPE("<meta charset=\"Shift_JIS\">", "shift_jis", "an HTML5 meta");
	CHECK_CONTENT_TYPE("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=iso-8859-9\">",
			   "iso-8859-9", "an HTML4 meta");
	CHECK_CONTENT_TYPE("text/plain; charset=utf-8\r\n", "utf-8", "a CRLF after the value");
	CHECK_CONTENT_TYPE("text/html", none, "no charset parameter");
	CHECK_CONTENT_TYPE("", none, "an empty value");
	CHECK_CONTENT_TYPE("text/html; charset=", none, "an empty charset");
	CHECK_CONTENT_TYPE("text/html; charset=\"\"", none, "an empty quoted charset");
	CHECK_CONTENT_TYPE("text/html; charset", none, "charset without a value");
	CHECK_CONTENT_TYPE("text/html; charsetx=utf-8", none, "a longer parameter name");
	CHECK_CONTENT_TYPE("charset utf-8; charset=koi8-r", "koi8-r", "a first occurrence without '='");

	char name[64];
	const char *got = charset_from_content_type("charset=utf-8XYZ", 13, name, sizeof name);
	CHECK(got && strcmp(got, "utf-8") == 0, "the value should end at n, not at a NUL");
	got = charset_from_content_type("charset=utf-8\0junk", 18, name, sizeof name);
	CHECK(got && strcmp(got, "utf-8") == 0, "a NUL byte should end the name");
}

/* A charset name longer than name_size is no name at all: cut, it could be
 * another charset ("iso-8859-15" in 11 bytes would be "iso-8859-1"). */
static void test_content_type_too_long(void)
{
	char name[11];
	const char *got = charset_from_content_type("charset=iso-8859-15", 19, name, sizeof name);
	CHECK(got == NULL, "a charset name that does not fit should give no charset, not \"%s\"", got ? got : "");
}

UNIT_MAIN(UNIT_TEST(test_utf8), UNIT_TEST(test_utf16), UNIT_TEST(test_single_byte_guesses),
	  UNIT_TEST(test_declared), UNIT_TEST(test_code_pages_agree_with_iconv),
	  UNIT_TEST(test_never_invalid_output), UNIT_TEST(test_content_type),
	  UNIT_TEST(test_content_type_too_long))
