#include "record.h"

#include "unit.h"
#include "utf8.h"

#define PARSE(r, lit) record_parse((r), "" lit, sizeof(lit) - 1, NULL)

/* Serializes r into a fresh buffer. */
static struct buf serialized(const struct record *r)
{
	struct buf out = {0};
	record_serialize(r, &out);
	return out;
}

/* Checks that the serialized record parses again and is valid UTF-8. */
static void check_reparses(const struct buf *out, const char *what)
{
	struct record again = {0};
	struct json_error err = {0, NULL};
	CHECK(out->len > 0 && out->data[out->len - 1] == '\n', "%s: the output should end in a newline", what);
	CHECK(record_parse(&again, out->data, out->len - 1, &err),
	      "%s: the output should parse as a record (%s)", what, err.message ? err.message : "");
	CHECK(utf8_is_valid(out->data, out->len), "%s: the output should be valid UTF-8", what);
	record_free(&again);
}

static void test_unmodified_is_verbatim(void)
{
#define ODD_LINE " {\"id\" : \"a\",\t\"text\":\"x\\u00e9\\/\" ,\"n\": [1, 2 ] ,\"e\":1.50E+3}  \r"
	static const char line[] = ODD_LINE;
	struct record r = {0};
	REQUIRE(record_parse(&r, line, sizeof line - 1, NULL), "a record with odd white space should parse");
	CHECK(!record_is_modified(&r), "a freshly parsed record should not be modified");
	struct buf out = serialized(&r);
	CHECK_LIT(out.data, out.len, ODD_LINE "\n",
		  "an unmodified record should be written byte for byte, CR and spaces included");
	buf_free(&out);
	record_free(&r);
}

static void test_get_string(void)
{
	struct record r = {0};
	REQUIRE(PARSE(&r, "{\"id\":\"plain\",\"text\":\"a\\nb \\u00e9\\ud83d\\ude00\",\"n\":5,\"z\":null}"),
		"the sample record should parse");
	const char *s = NULL;
	size_t n = 0;
	REQUIRE(record_get_string(&r, "id", &s, &n), "a string field should be found");
	CHECK_LIT(s, n, "plain", "a string without escapes should be handed out as it is");
	REQUIRE(record_get_string(&r, "text", &s, &n), "an escaped string field should be found");
	CHECK_LIT(s, n, "a\nb \xC3\xA9\xF0\x9F\x98\x80", "an escaped string should be unescaped");
	REQUIRE(record_get_string(&r, "text", &s, &n), "a string should be found a second time");
	CHECK_LIT(s, n, "a\nb \xC3\xA9\xF0\x9F\x98\x80", "the second lookup should give the same text");
	CHECK(!record_get_string(&r, "n", &s, &n), "a number should not be handed out as a string");
	CHECK(!record_get_string(&r, "z", &s, &n), "null should not be handed out as a string");
	CHECK(!record_get_string(&r, "missing", &s, &n), "an absent key should not be found");
	CHECK(!record_get_string(&r, "", &s, &n), "the empty key should not be found when absent");
	CHECK_EQ_SIZE(record_type(&r, "n"), JSON_NUMBER, "record_type should say number");
	CHECK_EQ_SIZE(record_type(&r, "z"), JSON_NULL, "record_type should say null");
	CHECK_EQ_SIZE(record_type(&r, "id"), JSON_STRING, "record_type should say string");
	CHECK(record_type(&r, "missing") == -1, "record_type of an absent key should be -1");
	CHECK(record_find(&r, "n") == 2, "record_find should give the member index");
	CHECK(record_find(&r, "N") == -1, "record_find should be case-sensitive");
	CHECK(record_find(&r, "te") == -1, "record_find should not match a prefix");
	record_free(&r);
}

static void test_nul_in_string(void)
{
	struct record r = {0};
	REQUIRE(PARSE(&r, "{\"text\":\"a\\u0000b\\u0000\",\"\":\"\"}"), "a record with \\u0000 should parse");
	const char *s = NULL;
	size_t n = 0;
	REQUIRE(record_get_string(&r, "text", &s, &n), "the string with NULs should be found");
	CHECK_LIT(s, n, "a\0b\0", "an escaped NUL should come back with the full length");
	REQUIRE(record_get_string(&r, "", &s, &n), "the empty key should be found");
	CHECK_EQ_SIZE(n, 0, "the empty string should have length 0");

	record_set_string(&r, "copy", "x\0y", 3);
	struct buf out = serialized(&r);
	CHECK_BUF(out, "{\"text\":\"a\\u0000b\\u0000\",\"\":\"\",\"copy\":\"x\\u0000y\"}\n",
		  "a NUL set into a string should be written as \\u0000");
	buf_free(&out);
	record_free(&r);
}

static void test_set_string_in_place(void)
{
	struct record r = {0};
	REQUIRE(PARSE(&r, "{ \"a\" : 1 , \"text\" : \"old\" , \"z\":true }"), "the sample should parse");
	record_set_string(&r, "text", "new \"q\" \\ \n", 11);
	CHECK(record_is_modified(&r), "a set should mark the record modified");
	struct buf out = serialized(&r);
	CHECK_BUF(out, "{\"a\":1,\"text\":\"new \\\"q\\\" \\\\ \\n\",\"z\":true}\n",
		  "a replaced value should stay in its place, escaped, the others verbatim");
	check_reparses(&out, "set in place");
	buf_free(&out);

	/* Setting the same key again replaces the first edit. */
	record_set_string(&r, "text", "second", 6);
	out = serialized(&r);
	CHECK_BUF(out, "{\"a\":1,\"text\":\"second\",\"z\":true}\n", "the last set should win");
	buf_free(&out);
	record_free(&r);
}

static void test_new_keys_appended(void)
{
	struct record r = {0};
	REQUIRE(PARSE(&r, "{\"id\":\"1\",\"text\":\"t\"}"), "the sample should parse");
	record_set_string(&r, "lang", "tr", 2);
	record_set_raw(&r, "score", "0.5", 3);
	record_set_string(&r, "we\"ird\\key\n", "v", 1);
	record_set_raw(&r, "id", "7", 1);
	struct buf out = serialized(&r);
	CHECK_BUF(out, "{\"id\":7,\"text\":\"t\",\"lang\":\"tr\",\"score\":0.5,\"we\\\"ird\\\\key\\n\":\"v\"}\n",
		  "new keys should be appended in the order they were set, with escaped names");
	check_reparses(&out, "appended keys");
	buf_free(&out);

	buf_adds(&out, "before;");
	record_serialize(&r, &out);
	CHECK(strncmp(out.data, "before;{\"id\":7", 14) == 0, "record_serialize should append to out");
	buf_free(&out);
	record_free(&r);
}

static void test_remove(void)
{
	struct record r = {0};
	REQUIRE(PARSE(&r, "{\"a\":1,\"text\":\"t\",\"z\":[true]}"), "the sample should parse");
	record_remove(&r, "a");
	record_remove(&r, "absent");
	struct buf out = serialized(&r);
	CHECK_BUF(out, "{\"text\":\"t\",\"z\":[true]}\n", "a removed member should be left out");
	check_reparses(&out, "remove first");
	buf_free(&out);

	record_remove(&r, "text");
	record_remove(&r, "z");
	out = serialized(&r);
	CHECK_BUF(out, "{}\n", "removing every member should leave the empty object");
	buf_free(&out);

	record_set_string(&r, "text", "back", 4);
	record_set_string(&r, "new", "n", 1);
	record_remove(&r, "new");
	out = serialized(&r);
	CHECK_BUF(out, "{\"text\":\"back\"}\n",
		  "a key set after its removal should come back in place; a new key removed should not appear");
	buf_free(&out);

	REQUIRE(PARSE(&r, "{\"a\":1}"), "a second record should parse");
	CHECK(!record_is_modified(&r), "a new parse should forget the edits of the last record");
	record_remove(&r, "absent");
	CHECK(record_is_modified(&r), "removing an absent key still counts as a modification");
	out = serialized(&r);
	CHECK_BUF(out, "{\"a\":1}\n", "removing an absent key should change nothing in the output");
	buf_free(&out);
	record_free(&r);
}

static void test_escaped_keys(void)
{
	struct record r = {0};
	REQUIRE(PARSE(&r, "{\"te\\u0078t\":\"v\",\"a\\\"b\":1,\"\\u00e9\":\"e\"}"),
		"a record with escaped keys should parse");
	const char *s;
	size_t n;
	CHECK(record_get_string(&r, "text", &s, &n), "a key written with \\u escapes should be found");
	CHECK(record_find(&r, "a\"b") == 1, "a key with an escaped quote should be found");
	CHECK(record_find(&r, "\xC3\xA9") == 2, "a key with an escaped non-ASCII letter should be found");
	CHECK(record_find(&r, "te\\u0078t") == -1, "a key should not match its escaped spelling");
	record_set_string(&r, "text", "w", 1);
	record_remove(&r, "\xC3\xA9");
	struct buf out = serialized(&r);
	CHECK_BUF(out, "{\"te\\u0078t\":\"w\",\"a\\\"b\":1}\n",
		  "an escaped key should be replaced and removed in place, its spelling kept");
	buf_free(&out);
	record_free(&r);
}

static void test_duplicate_keys(void)
{
	struct record r = {0};
	REQUIRE(PARSE(&r, "{\"k\":\"first\",\"x\":0,\"k\":\"second\"}"), "duplicate keys should parse");
	const char *s;
	size_t n;
	REQUIRE(record_get_string(&r, "k", &s, &n), "a duplicated key should be found");
	CHECK_LIT(s, n, "second", "the last of duplicate keys should win");
	CHECK(record_find(&r, "k") == 2, "record_find should give the last duplicate");

	record_set_string(&r, "k", "third", 5);
	struct buf out = serialized(&r);
	struct record again = {0};
	REQUIRE(record_parse(&again, out.data, out.len - 1, NULL), "the output should parse");
	REQUIRE(record_get_string(&again, "k", &s, &n), "the set key should be in the output");
	CHECK_LIT(s, n, "third", "after a set, the key should read as the new value");
	record_free(&again);
	buf_free(&out);
	record_free(&r);
}

/* Removing a key that occurs twice removes every occurrence, so that no
 * earlier duplicate shows through; setting it replaces the last, the one
 * readers take, and keeps the others as they were. */
static void test_remove_duplicate_keys(void)
{
	struct record r = {0};
	REQUIRE(PARSE(&r, "{\"k\":\"first\",\"x\":0,\"k\":\"second\"}"), "duplicate keys should parse");
	record_remove(&r, "k");
	struct buf out = serialized(&r);
	CHECK_BUF(out, "{\"x\":0}\n", "removing a duplicated key should remove every occurrence");
	buf_free(&out);
	REQUIRE(PARSE(&r, "{\"k\":\"first\",\"x\":0,\"k\":\"second\"}"), "duplicate keys should parse");
	record_set_string(&r, "k", "third", 5);
	out = serialized(&r);
	CHECK_BUF(out, "{\"k\":\"first\",\"x\":0,\"k\":\"third\"}\n",
		  "setting a duplicated key should replace the last occurrence only");
	buf_free(&out);
	record_free(&r);
}

static void test_reuse_between_parses(void)
{
	struct record r = {0};
	const char *s;
	size_t n;
	REQUIRE(PARSE(&r, "{\"t\":\"a\\nb\"}"), "the first record should parse");
	REQUIRE(record_get_string(&r, "t", &s, &n), "t should be found in the first record");
	CHECK_LIT(s, n, "a\nb", "the first record's t should be unescaped");
	REQUIRE(PARSE(&r, "{\"t\":\"c\\td\"}"), "the second record should parse");
	REQUIRE(record_get_string(&r, "t", &s, &n), "t should be found in the second record");
	CHECK_LIT(s, n, "c\td", "the second record's t should not be the first one's, cached");

	struct buf many = {0};
	buf_addc(&many, '{');
	for (int i = 0; i < 40; i++)
		buf_printf(&many, "%s\"k%d\":\"v\\u00%02x\"", i ? "," : "", i, 0x41 + i);
	buf_addc(&many, '}');
	REQUIRE(record_parse(&r, many.data, many.len, NULL), "a record of 40 members should parse");
	REQUIRE(record_get_string(&r, "k39", &s, &n), "the 40th member should be found");
	CHECK_LIT(s, n, "vh", "the 40th member should be unescaped");

	struct json_error err = {0, NULL};
	CHECK(!record_parse(&r, "{\"a\":1,}", 8, &err), "an invalid line should not parse");
	CHECK(err.message != NULL, "a failed parse should say why");
	CHECK(record_find(&r, "a") == -1, "after a failed parse no member should be found");
	CHECK(!record_parse(&r, "", 0, &err), "an empty line should not parse");
	CHECK(!record_parse(&r, "[1]", 3, &err), "an array should not parse as a record");
	REQUIRE(PARSE(&r, "{\"t\":\"ok\"}"), "a record should parse after failures");
	CHECK(record_get_string(&r, "t", &s, &n) && n == 2, "the record after failures should be usable");
	buf_free(&many);
	record_free(&r);
	record_free(&r);
}

static void test_invalid_utf8_set(void)
{
	struct record r = {0};
	REQUIRE(PARSE(&r, "{\"text\":\"x\"}"), "the sample should parse");
	record_set_string(&r, "text", "caf\xE9 \xC0\x80 \xED\xA0\x80 ok", 15);
	struct buf out = serialized(&r);
	CHECK(utf8_is_valid(out.data, out.len), "setting invalid UTF-8 should still write valid UTF-8");
	CHECK(strstr(out.data, "\xEF\xBF\xBD") != NULL, "invalid bytes should become U+FFFD");
	check_reparses(&out, "invalid UTF-8 set");
	buf_free(&out);
	record_free(&r);
}

static void test_huge(void)
{
	enum { HUGE = 8 << 20 };
	struct buf line = {0};
	buf_adds(&line, "{\"id\":\"big\",\"text\":\"");
	size_t escapes = 0;
	for (size_t i = 0; i < HUGE / 8; i++) {
		buf_adds(&line, i % 100 ? "abcdefgh" : "abc\\nefg");
		escapes += i % 100 == 0;
	}
	buf_adds(&line, "\"}");
	struct record r = {0};
	REQUIRE(record_parse(&r, line.data, line.len, NULL), "an 8 MB record should parse");
	const char *s;
	size_t n;
	REQUIRE(record_get_string(&r, "text", &s, &n), "the 8 MB text should be found");
	CHECK_EQ_SIZE(n, HUGE - escapes, "the 8 MB text should unescape to the right length");
	char *copy = xmalloc(n);
	memcpy(copy, s, n);
	record_set_string(&r, "text", copy, n);
	record_set_string(&r, "lang", "en", 2);
	struct buf out = serialized(&r);
	CHECK_EQ_SIZE(out.len, line.len + strlen(",\"lang\":\"en\"") + 1,
		      "re-setting the same 8 MB text should give the same line plus the new key");
	CHECK(memcmp(out.data, line.data, line.len - 1) == 0,
	      "re-setting the same 8 MB text should write it as it was");
	free(copy);
	buf_free(&out);
	buf_free(&line);
	record_free(&r);
}

UNIT_MAIN(UNIT_TEST(test_unmodified_is_verbatim), UNIT_TEST(test_get_string),
	  UNIT_TEST(test_nul_in_string), UNIT_TEST(test_set_string_in_place),
	  UNIT_TEST(test_new_keys_appended), UNIT_TEST(test_remove), UNIT_TEST(test_escaped_keys),
	  UNIT_TEST(test_duplicate_keys),
	  UNIT_TEST(test_remove_duplicate_keys),
	  UNIT_TEST(test_reuse_between_parses), UNIT_TEST(test_invalid_utf8_set),
	  UNIT_TEST(test_huge))
