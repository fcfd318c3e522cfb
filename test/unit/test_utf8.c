#include "utf8.h"

#include "unit.h"

#define VALID(lit) utf8_is_valid("" lit, sizeof(lit) - 1)

static void test_empty(void)
{
	CHECK(utf8_is_valid("", 0), "the empty string should be valid UTF-8");
	CHECK_EQ_SIZE(utf8_valid_prefix("", 0), 0, "the empty string should have an empty prefix");
	uint32_t cp = 7;
	CHECK_EQ_SIZE(utf8_decode("", 0, &cp), 0, "decoding nothing should fail");
	CHECK_EQ_SIZE(utf8_count("", 0), 0, "the empty string should have no code points");
	struct buf out = {0};
	CHECK_EQ_SIZE(utf8_append_sanitized(&out, "", 0), 0, "sanitizing nothing should replace nothing");
	CHECK_EQ_SIZE(out.len, 0, "sanitizing nothing should append nothing");
	buf_free(&out);
}

static void test_valid(void)
{
	CHECK(VALID("plain ASCII"), "ASCII should be valid");
	CHECK(VALID("a\0b"), "a NUL byte should be valid UTF-8 (U+0000)");
	CHECK(VALID("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"), "2-, 3- and 4-byte sequences should be valid");
	CHECK(VALID("\xC2\x80"), "U+0080, the smallest 2-byte sequence, should be valid");
	CHECK(VALID("\xE0\xA0\x80"), "U+0800, the smallest 3-byte sequence, should be valid");
	CHECK(VALID("\xED\x9F\xBF"), "U+D7FF, just below the surrogates, should be valid");
	CHECK(VALID("\xEE\x80\x80"), "U+E000, just above the surrogates, should be valid");
	CHECK(VALID("\xEF\xBF\xBF"), "U+FFFF should be valid");
	CHECK(VALID("\xF0\x90\x80\x80"), "U+10000, the smallest 4-byte sequence, should be valid");
	CHECK(VALID("\xF4\x8F\xBF\xBF"), "U+10FFFF, the last code point, should be valid");
	CHECK(VALID("line\r\nnext\r\n"), "CRLF should be valid");
}

static void test_invalid(void)
{
	CHECK(!VALID("\x80"), "a lone continuation byte should be invalid");
	CHECK(!VALID("\xC0\x80"), "an overlong NUL (C0 80) should be invalid");
	CHECK(!VALID("\xC1\xBF"), "an overlong 2-byte form should be invalid");
	CHECK(!VALID("\xE0\x80\x80"), "an overlong 3-byte form should be invalid");
	CHECK(!VALID("\xE0\x9F\xBF"), "the largest overlong 3-byte form should be invalid");
	CHECK(!VALID("\xF0\x80\x80\x80"), "an overlong 4-byte form should be invalid");
	CHECK(!VALID("\xF0\x8F\xBF\xBF"), "the largest overlong 4-byte form should be invalid");
	CHECK(!VALID("\xED\xA0\x80"), "a UTF-8-encoded high surrogate (U+D800) should be invalid");
	CHECK(!VALID("\xED\xBF\xBF"), "a UTF-8-encoded low surrogate (U+DFFF) should be invalid");
	CHECK(!VALID("\xED\xA0\xBD\xED\xB8\x80"), "a CESU-8 surrogate pair should be invalid");
	CHECK(!VALID("\xF4\x90\x80\x80"), "U+110000, past the last code point, should be invalid");
	CHECK(!VALID("\xF5\x80\x80\x80"), "lead byte F5 should be invalid");
	CHECK(!VALID("\xFE"), "byte FE should be invalid");
	CHECK(!VALID("\xFF"), "byte FF should be invalid");
	CHECK(!VALID("\xC3"), "a 2-byte sequence cut after its lead should be invalid");
	CHECK(!VALID("\xE2\x82"), "a 3-byte sequence cut short should be invalid");
	CHECK(!VALID("\xF0\x9F\x98"), "a 4-byte sequence cut short should be invalid");
	CHECK(!VALID("\xE2\x82x"), "a 3-byte sequence interrupted by ASCII should be invalid");
	CHECK(!VALID("\xC3\xA9\xA9"), "a stray continuation after a good sequence should be invalid");
}

static void test_valid_prefix(void)
{
	CHECK_EQ_SIZE(utf8_valid_prefix("ab\xC3\xA9\xE2\x82", 6), 4,
		      "the valid prefix should stop before a truncated sequence");
	/* Long enough for the 16-byte vector loop, with the bad byte in the
	 * middle of a block and then at its last position. */
	char text[64];
	memset(text, 'a', sizeof text);
	text[37] = (char)0xFF;
	CHECK_EQ_SIZE(utf8_valid_prefix(text, sizeof text), 37,
		      "the valid prefix should end at an invalid byte inside a vector block");
	text[37] = 'a';
	text[63] = (char)0xC3;
	CHECK_EQ_SIZE(utf8_valid_prefix(text, sizeof text), 63,
		      "a lead byte at the very end should end the prefix");
	CHECK_EQ_SIZE(utf8_valid_prefix(text, 63), 63,
		      "the prefix should not look past n");
}

static void test_decode(void)
{
	uint32_t cp = 0;
	CHECK_EQ_SIZE(utf8_decode("\xE2\x82\xAC", 3, &cp), 3, "the euro sign should decode as 3 bytes");
	CHECK_EQ_SIZE(cp, 0x20AC, "the euro sign should decode to U+20AC");
	CHECK_EQ_SIZE(utf8_decode("\xF4\x8F\xBF\xBF", 4, &cp), 4, "U+10FFFF should decode as 4 bytes");
	CHECK_EQ_SIZE(cp, 0x10FFFF, "F4 8F BF BF should decode to U+10FFFF");
	CHECK_EQ_SIZE(utf8_decode("\xE2\x82\xAC", 2, &cp), 0,
		      "a sequence longer than n should not decode");
	CHECK_EQ_SIZE(utf8_decode("\0", 1, &cp), 1, "a NUL byte should decode as 1 byte");
	CHECK_EQ_SIZE(cp, 0, "a NUL byte should decode to U+0000");
}

static void test_encode_round_trip(void)
{
	size_t bad = 0, checked = 0;
	for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		char enc[4];
		size_t n = utf8_encode(cp, enc);
		size_t expected = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
		uint32_t back = 0xFFFFFFFF;
		if (n != expected || !utf8_is_valid(enc, n) || utf8_decode(enc, n, &back) != n ||
		    back != cp || utf8_count(enc, n) != 1)
			bad++;
		checked++;
	}
	CHECK_EQ_SIZE(checked, 0x110000 - 0x800, "every scalar value should have been tried");
	CHECK_EQ_SIZE(bad, 0, "every scalar value should encode to its shortest form and decode back");
}

static void test_count(void)
{
	CHECK_EQ_SIZE(utf8_count("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\0", 11), 5,
		      "1-, 2-, 3- and 4-byte sequences and a NUL should count as 5 code points");
}

static void test_sanitize(void)
{
	struct buf out = {0};
	CHECK_EQ_SIZE(utf8_append_sanitized(&out, "ok \xC3\xA9\0", 6), 0,
		      "valid UTF-8 with a NUL should need no replacement");
	CHECK_BUF(out, "ok \xC3\xA9\0", "valid UTF-8 should be copied unchanged");
	buf_clear(&out);

	CHECK_EQ_SIZE(utf8_append_sanitized(&out, "a\xFF" "b", 3), 1, "one bad byte should be one replacement");
	CHECK_BUF(out, "a\xEF\xBF\xBD" "b", "a bad byte should become U+FFFD");
	buf_clear(&out);

	CHECK_EQ_SIZE(utf8_append_sanitized(&out, "\xE2\x82x", 3), 2,
		      "a truncated sequence should count its two bytes");
	CHECK_BUF(out, "\xEF\xBF\xBDx", "a truncated sequence should become one U+FFFD");
	buf_clear(&out);

	CHECK_EQ_SIZE(utf8_append_sanitized(&out, "\xF0\x9F\x98", 3), 3,
		      "a sequence cut at the end of the input should count its three bytes");
	CHECK_BUF(out, "\xEF\xBF\xBD", "a sequence cut at the end should become U+FFFD");
	buf_clear(&out);

	CHECK_EQ_SIZE(utf8_append_sanitized(&out, "\xC3\xE2\x82\xAC", 4), 1,
		      "a lead byte followed by a new sequence should count one byte");
	CHECK_BUF(out, "\xEF\xBF\xBD\xE2\x82\xAC", "the sequence after a bad lead byte should be kept");
	buf_clear(&out);

	static const char mixed[] = "\xC0\x80|\xED\xA0\x80|\xF4\x90\x80\x80";
	size_t replaced = utf8_append_sanitized(&out, mixed, sizeof mixed - 1);
	CHECK(replaced >= 3, "an overlong, a surrogate and a code point past U+10FFFF should each be replaced");
	CHECK(utf8_is_valid(out.data, out.len), "the sanitized text should be valid UTF-8");
	CHECK(memchr(out.data, '|', out.len) && out.data[out.len - 1] == '\xBD',
	      "the ASCII between bad sequences should survive");
	buf_free(&out);
}

static void test_huge(void)
{
	enum { HUGE = 8 << 20 };
	char *text = xmalloc(HUGE);
	for (size_t i = 0; i < HUGE; i += 4) {
		memcpy(text + i, i % 64 ? "abcd" : "\xE2\x82\xAC" "a", 4);
	}
	CHECK(utf8_is_valid(text, HUGE), "8 MB of mixed valid UTF-8 should be valid");
	text[HUGE - 2] = (char)0xC3;
	CHECK_EQ_SIZE(utf8_valid_prefix(text, HUGE), HUGE - 2,
		      "a bad byte near the end of 8 MB should be found");
	struct buf out = {0};
	CHECK_EQ_SIZE(utf8_append_sanitized(&out, text, HUGE), 1,
		      "8 MB with one bad byte should need one replacement");
	CHECK_EQ_SIZE(out.len, HUGE + 2, "one byte replaced by U+FFFD should grow the text by 2");
	buf_free(&out);
	free(text);
}

static void test_cursor(void)
{
	/* a ç ş 東 b: code points 0..4 start at bytes 0, 1, 3, 5, 8 */
	const char *s = "a\xC3\xA7\xC5\x9F\xE6\x9D\xB1" "b";
	struct utf8_cursor c = {s, strlen(s), 0, 0};
	static const size_t bytes[] = {0, 1, 3, 5, 8, 9};
	for (size_t cp = 0; cp < 6; cp++)
		CHECK_EQ_SIZE(utf8_cursor_byte(&c, cp), bytes[cp], "code point %zu", cp);
	for (size_t cp = 6; cp-- > 0;) /* backwards: from the start each time */
		CHECK_EQ_SIZE(utf8_cursor_cp(&c, bytes[cp]), cp, "byte %zu", bytes[cp]);
	CHECK_EQ_SIZE(utf8_cursor_byte(&c, 3), 5, "a byte after a code point, on one cursor");
	CHECK_EQ_SIZE(utf8_cursor_cp(&c, 8), 4, "and a code point after a byte");
	CHECK_EQ_SIZE(utf8_cursor_byte(&c, 99), 9, "past the end: the end");
}

/* Steps back and forth of every size over a text of 1- to 4-byte
 * characters: each answer is the one counted from the start, whether the
 * cursor walks back from where it is or starts again. */
static void test_cursor_steps(void)
{
	static const char *const chars[] = {"a", "\xC3\xA7", "\xE6\x9D\xB1", "\xF0\x9F\x99\x82"};
	enum { CPS = 300 };
	struct buf text = {0};
	size_t bytes[CPS + 1];
	for (size_t i = 0; i < CPS; i++) {
		bytes[i] = text.len;
		buf_adds(&text, chars[(i * 7 + i / 5) % 4]);
	}
	bytes[CPS] = text.len;
	struct utf8_cursor c = {text.data, text.len, 0, 0}, d = c;
	uint64_t x = 88172645463325252ull; /* xorshift64: the same steps each run */
	for (size_t step = 0; step < 1000; step++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		size_t cp = (size_t)(x % (CPS + 1));
		if (step % 3 == 0) { /* short steps too, where walking back is nearer */
			size_t back = (size_t)(x >> 40) % 9;
			cp = c.cp + 4 < back ? 0 : c.cp + 4 - back;
			if (cp > CPS)
				cp = CPS;
		}
		CHECK_EQ_SIZE(utf8_cursor_byte(&c, cp), bytes[cp], "code point %zu, step %zu", cp, step);
		CHECK_EQ_SIZE(utf8_cursor_cp(&d, bytes[cp]), cp, "byte %zu, step %zu", bytes[cp], step);
		if (step % 50 == 0) { /* and a step from one kind of call to the other */
			CHECK_EQ_SIZE(utf8_cursor_cp(&c, bytes[CPS - cp]), CPS - cp, "step %zu", step);
			CHECK_EQ_SIZE(utf8_cursor_byte(&d, CPS - cp), bytes[CPS - cp], "step %zu", step);
		}
	}
	buf_free(&text);
}

UNIT_MAIN(UNIT_TEST(test_empty), UNIT_TEST(test_valid), UNIT_TEST(test_invalid),
	  UNIT_TEST(test_valid_prefix), UNIT_TEST(test_decode), UNIT_TEST(test_encode_round_trip),
	  UNIT_TEST(test_count), UNIT_TEST(test_sanitize), UNIT_TEST(test_huge),
	  UNIT_TEST(test_cursor), UNIT_TEST(test_cursor_steps))
