#include "json.h"

#include "unit.h"
#include "utf8.h"

/* Scans s[0..n) into a private member array; the error message, or NULL. */
static const char *scan(const char *s, size_t n, size_t *offset)
{
	struct json_member *members = NULL;
	size_t count = 0, cap = 0;
	struct json_error err = {0, NULL};
	bool ok = json_scan_object(s, n, &members, &count, &cap, &err);
	free(members);
	if (offset)
		*offset = err.offset;
	if (ok)
		return NULL;
	return err.message ? err.message : "(failed without a message)";
}

#define ACCEPTS(lit, why) \
	CHECK(scan("" lit, sizeof(lit) - 1, NULL) == NULL, "%s should be accepted: %s", #lit, why)

/* Checks that lit is rejected with a message containing part. */
#define REJECTS(lit, part, why)                                                           \
	do {                                                                              \
		const char *msg_ = scan("" lit, sizeof(lit) - 1, NULL);                   \
		CHECK(msg_ != NULL, "%s should be rejected: %s", #lit, why);              \
		if (msg_)                                                                 \
			CHECK(strstr(msg_, part) != NULL,                                 \
			      "%s should be rejected with \"%s\", not \"%s\"", #lit, part, msg_); \
	} while (0)

static void test_valid_objects(void)
{
	ACCEPTS("{}", "the empty object");
	ACCEPTS(" \t\r\n{ \t\r\n} \r\n", "white space, CRLF included, around and inside");
	ACCEPTS("{\"a\":1}", "one member");
	ACCEPTS("{\"\":\"\"}", "an empty key and an empty string");
	ACCEPTS("{\"n\":[0,-0,1,-1,0.5,-12.25,1e10,1E+10,2e-3,0.0e0,123456789012345678901234567890]}",
		"every number form");
	ACCEPTS("{\"t\":true,\"f\":false,\"z\":null}", "the three literals");
	ACCEPTS("{\"a\":[],\"b\":{},\"c\":[[],{}],\"d\":{\"e\":[1,{\"f\":null}]}}", "nested values");
	ACCEPTS("{\"s\":\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u0041 \\u00e9 \\uFFFF\"}", "every escape");
	ACCEPTS("{\"s\":\"\\ud83d\\ude00\"}", "a valid surrogate pair");
	ACCEPTS("{\"s\":\"\\uDBFF\\uDFFF\"}", "the last surrogate pair, in capitals");
	ACCEPTS("{\"s\":\"\\u0000\"}", "an escaped NUL");
	ACCEPTS("{\"s\":\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"}", "raw UTF-8");
	ACCEPTS("{\"s\":\"\x7F\"}", "DEL, which JSON does not ask to escape");
	ACCEPTS("{\"caf\xC3\xA9\":1}", "a UTF-8 key");
	ACCEPTS("{\"a\":1,\"a\":2}", "duplicate keys (the scanner does not judge them)");
}

static void test_invalid_objects(void)
{
	REJECTS("", "empty", "an empty line");
	REJECTS(" \r\n", "empty", "white space alone");
	REJECTS("[]", "not a JSON object", "an array");
	REJECTS("\"x\"", "not a JSON object", "a string");
	REJECTS("1", "not a JSON object", "a number");
	REJECTS("null", "not a JSON object", "null");
	REJECTS("{", "unterminated object", "a lone brace");
	REJECTS("{\"a\":1", "unterminated object", "an object cut after a value");
	REJECTS("{\"a\":1,", "unterminated object", "an object cut after a comma");
	REJECTS("{\"a\"", "expected ':'", "an object cut after a key");
	REJECTS("{\"a\":", "expected a value", "an object cut after a colon");
	REJECTS("{\"a\":\"abc", "unterminated string", "a string without its closing quote");
	REJECTS("{\"a\":\"abc\\", "unterminated string", "a string cut after a backslash");
	REJECTS("{\"a\":1,}", "expected a string key", "a trailing comma in an object");
	REJECTS("{\"a\":[1,]}", "expected a value", "a trailing comma in an array");
	REJECTS("{,}", "expected a string key", "a lone comma");
	REJECTS("{\"a\":1 \"b\":2}", "expected ',' or '}'", "a missing comma");
	REJECTS("{\"a\":[1 2]}", "expected ',' or ']'", "a missing comma in an array");
	REJECTS("{\"a\":[1", "unterminated array", "an array cut short");
	REJECTS("{a:1}", "expected a string key", "an unquoted key");
	REJECTS("{'a':1}", "expected a string key", "a single-quoted key");
	REJECTS("{1:1}", "expected a string key", "a number as key");
	REJECTS("{\"a\":01}", "expected ',' or '}'", "a leading zero");
	REJECTS("{\"a\":-01}", "expected ',' or '}'", "a negative leading zero");
	REJECTS("{\"a\":+1}", "expected a value", "a plus sign");
	REJECTS("{\"a\":.5}", "expected a value", "a fraction without an integer part");
	REJECTS("{\"a\":1.}", "invalid number", "a point without digits");
	REJECTS("{\"a\":1e}", "invalid number", "an exponent without digits");
	REJECTS("{\"a\":1e+}", "invalid number", "an exponent sign without digits");
	REJECTS("{\"a\":-}", "invalid number", "a lone minus");
	REJECTS("{\"a\":-", "truncated number", "a minus at the end");
	REJECTS("{\"a\":NaN}", "expected a value", "NaN");
	REJECTS("{\"a\":Infinity}", "expected a value", "Infinity");
	REJECTS("{\"a\":0x10}", "expected ',' or '}'", "a hexadecimal number");
	REJECTS("{\"a\":tru}", "invalid literal", "a truncated literal");
	REJECTS("{\"a\":True}", "expected a value", "a capitalised literal");
	REJECTS("{\"a\":nul", "invalid literal", "a literal cut at the end");
	REJECTS("{\"a\":\"\\x\"}", "invalid escape", "an unknown escape");
	REJECTS("{\"a\":\"\\a\"}", "invalid escape", "\\a, which C has and JSON has not");
	REJECTS("{\"a\":\"\\U0041\"}", "invalid escape", "a capital \\U");
	REJECTS("{\"a\":\"\\'\"}", "invalid escape", "an escaped single quote");
	REJECTS("{\"a\":\"\\u12\"}", "invalid \\u escape", "a short \\u escape");
	REJECTS("{\"a\":\"\\u12", "truncated \\u escape", "a \\u escape cut at the end");
	REJECTS("{\"a\":\"\\u12g4\"}", "invalid \\u escape", "a \\u escape with a non-hex digit");
	REJECTS("{\"a\":\"\\ud800\"}", "lone high surrogate", "a lone high surrogate");
	REJECTS("{\"a\":\"\\udbff x\"}", "lone high surrogate", "a high surrogate followed by text");
	REJECTS("{\"a\":\"\\udc00\"}", "lone low surrogate", "a lone low surrogate");
	REJECTS("{\"a\":\"\\udfff\"}", "lone low surrogate", "the last low surrogate alone");
	REJECTS("{\"a\":\"\\ud800\\u0041\"}", "lone high surrogate", "a high surrogate and a non-surrogate");
	REJECTS("{\"a\":\"\\ud800\\ud800\"}", "lone high surrogate", "two high surrogates");
	REJECTS("{\"a\":\"\\udc00\\ud800\"}", "lone low surrogate", "a pair in the wrong order");
	REJECTS("{\"a\":\"\\ud800\\u", "truncated \\u escape", "a pair cut in the second escape");
	REJECTS("{\"\\ud800\":1}", "lone high surrogate", "a lone surrogate in a key");
}

static void test_control_characters(void)
{
	REJECTS("{\"a\":\"x\ty\"}", "control character", "a raw tab in a string");
	REJECTS("{\"a\":\"x\ny\"}", "control character", "a raw newline in a string");
	REJECTS("{\"a\":\"x\ry\"}", "control character", "a raw CR in a string");
	REJECTS("{\"a\":\"x\x1Fy\"}", "control character", "a raw U+001F in a string");
	REJECTS("{\"a\":\"x\0y\"}", "control character", "a raw NUL byte in a string");
	REJECTS("{\"a\0\":1}", "control character", "a raw NUL byte in a key");
	/* Past the first 16 bytes the scanner looks at whole vectors. */
	REJECTS("{\"a\":\"0123456789abcdefghij\x01k\"}", "control character",
		"a control character beyond the first vector");
	REJECTS("{\"a\":1}\0", "trailing characters", "a NUL byte after the object");
	REJECTS("\0{}", "not a JSON object", "a NUL byte before the object");
	REJECTS("{\"a\":\0}", "expected a value", "a NUL byte as a value");
}

static void test_invalid_utf8(void)
{
	REJECTS("{\"a\":\"\xC0\x80\"}", "invalid UTF-8", "an overlong NUL");
	REJECTS("{\"a\":\"\xE0\x80\xAF\"}", "invalid UTF-8", "an overlong slash");
	REJECTS("{\"a\":\"\xF0\x82\x82\xAC\"}", "invalid UTF-8", "an overlong euro sign");
	REJECTS("{\"a\":\"\xED\xA0\x80\"}", "invalid UTF-8", "a UTF-8-encoded high surrogate");
	REJECTS("{\"a\":\"\xED\xBF\xBF\"}", "invalid UTF-8", "a UTF-8-encoded low surrogate");
	REJECTS("{\"a\":\"\xF4\x90\x80\x80\"}", "invalid UTF-8", "a code point past U+10FFFF");
	REJECTS("{\"a\":\"\xF8\x88\x80\x80\x80\"}", "invalid UTF-8", "a 5-byte sequence");
	REJECTS("{\"a\":\"\xE2\x82\"}", "invalid UTF-8", "a truncated sequence before the quote");
	REJECTS("{\"a\":\"\xE2\x82", "invalid UTF-8", "a sequence truncated at the end of the line");
	REJECTS("{\"a\":\"\x80\"}", "invalid UTF-8", "a lone continuation byte");
	REJECTS("{\"a\":\"\xFF\"}", "invalid UTF-8", "byte FF");
	REJECTS("{\"\xE9t\xE9\":1}", "invalid UTF-8", "a latin-1 key");
	REJECTS("{\"a\":1,\xC3\xA9:2}", "expected a string key", "a bare UTF-8 key");
}

/* Where a string's content c[0..n) (no closing quote in it) stops being
 * one JSON takes, a character at a time as the standard reads: the offset
 * of the first control character or invalid UTF-8 sequence, with *what
 * the message's words, or n when there is none. */
static size_t reference_stop(const char *c, size_t n, const char **what)
{
	for (size_t i = 0; i < n;) {
		unsigned char b = (unsigned char)c[i];
		if (b == '\\') {
			i += c[i + 1] == 'u' ? 6 : 2;
		} else if (b < 0x20) {
			*what = "control character";
			return i;
		} else if (b < 0x80) {
			i++;
		} else {
			uint32_t cp;
			size_t k = utf8_decode(c + i, n - i, &cp);
			if (!k) {
				*what = "invalid UTF-8";
				return i;
			}
			i += k;
		}
	}
	return n;
}

static void test_strings_checked_in_blocks(void)
{
	/* Strings of random pieces, valid and not, long enough to cross the
	 * scanner's 16-byte blocks at every offset: each is taken
	 * or refused, with the message and offset, as the reference says. */
	static const char *const good[] = {"a", "The ", "0123456789", "\xC3\xA7", "\xC4\xB1",
					   "\xE2\x80\x99", "\xE0\xA4\x95", "\xED\x9F\xBF",
					   "\xF0\x9F\x98\x80", "\xF4\x8F\xBF\xBF", "\\n", "\\\"",
					   "\\\\", "\\u00e9", "\\ud83d\\ude00", "\xEF\xBB\xBF"};
	static const char *const bad[] = {"\x80", "\xBF", "\xC0\x80", "\xC1\xBF", "\xE0\x80\xAF",
					  "\xE0\x9F\xBF", "\xED\xA0\x80", "\xF0\x8F\xBF\xBF",
					  "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xFF", "\xE2\x82",
					  "\xF0\x9F\x98", "\xC3", "\x01", "\x1F"};
	uint32_t x = 2463534242u;
	size_t wrong = 0, taken = 0, refused = 0;
	for (int round = 0; round < 20000; round++) {
		struct buf content = {0}, line = {0};
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		size_t count = 1 + x % 120;
		bool with_bad = x >> 8 & 1;
		size_t bad_at = (x >> 9) % count;
		for (size_t k = 0; k < count; k++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			/* mostly plain letters, as in text, so that long runs
			 * take whole blocks */
			const char *piece = x % 4 ? "abcdefg " : good[x >> 2 & 15];
			if (with_bad && k == bad_at)
				piece = bad[x >> 6 & 15];
			buf_adds(&content, piece);
		}
		const char *what = NULL;
		size_t stop = reference_stop(content.data, content.len, &what);
		buf_adds(&line, "{\"a\":\"");
		buf_add(&line, content.data, content.len);
		buf_adds(&line, "\",\"b\":1}");
		size_t offset = 0;
		const char *msg = scan(line.data, line.len, &offset);
		if (stop == content.len) {
			wrong += msg != NULL;
			taken++;
		} else {
			wrong += !msg || !strstr(msg, what) || offset != 6 + stop;
			refused++;
		}
		buf_free(&content);
		buf_free(&line);
	}
	CHECK_EQ_SIZE(wrong, 0, "random strings should be taken or refused as the reference says "
				"(%zu taken, %zu refused)", taken, refused);
	CHECK(taken > 5000 && refused > 5000, "both kinds should be tried (%zu taken, %zu refused)",
	      taken, refused);
}

static void test_trailing_garbage(void)
{
	REJECTS("{} x", "trailing characters", "a word after the object");
	REJECTS("{}{}", "trailing characters", "two objects on a line");
	REJECTS("{},", "trailing characters", "a comma after the object");
	REJECTS("{}}", "trailing characters", "a second closing brace");
	size_t offset = 0;
	scan("{\"a\":1} x", 9, &offset);
	CHECK_EQ_SIZE(offset, 8, "the error offset should point at the trailing character");
	scan("{\"a\":1,}", 8, &offset);
	CHECK_EQ_SIZE(offset, 7, "the error offset should point at the '}' after the comma");
	scan("{\"a\":\"\\q\"}", 10, &offset);
	CHECK_EQ_SIZE(offset, 7, "the error offset should point at the bad escape letter");
}

/* Builds {"a": + depth-1 opening arrays + closing ones + } : depth levels. */
static char *nested_arrays(size_t depth, size_t *n)
{
	size_t arrays = depth - 1;
	*n = 5 + 2 * arrays + 1;
	char *s = xmalloc(*n);
	memcpy(s, "{\"a\":", 5);
	memset(s + 5, '[', arrays);
	memset(s + 5 + arrays, ']', arrays);
	s[*n - 1] = '}';
	return s;
}

static void test_depth(void)
{
	size_t n, offset;
	char *s = nested_arrays(JSON_MAX_DEPTH, &n);
	CHECK(scan(s, n, NULL) == NULL, "nesting of exactly JSON_MAX_DEPTH levels should be accepted");
	free(s);
	s = nested_arrays(JSON_MAX_DEPTH + 1, &n);
	const char *msg = scan(s, n, &offset);
	CHECK(msg && strstr(msg, "nesting too deep"),
	      "nesting of JSON_MAX_DEPTH + 1 levels should be rejected as too deep");
	free(s);

	/* A million unclosed brackets: rejected, not a stack overflow. */
	size_t deep = 1000000;
	s = xmalloc(deep + 5);
	memcpy(s, "{\"a\":", 5);
	memset(s + 5, '[', deep);
	msg = scan(s, deep + 5, NULL);
	CHECK(msg && strstr(msg, "nesting too deep"), "a million open arrays should be rejected as too deep");
	struct buf objects = {0};
	for (size_t i = 0; i < 100000; i++)
		buf_adds(&objects, "{\"a\":");
	msg = scan(objects.data, objects.len, NULL);
	CHECK(msg && strstr(msg, "nesting too deep"), "100000 nested objects should be rejected as too deep");
	buf_free(&objects);
	free(s);
}

static void test_member_spans(void)
{
	static const char text[] = " { \"id\" : \"x1\" ,\"n\":-1.5e3,\"arr\":[1,{\"b\":2}],\"o\":{},"
				   "\"t\":true,\"f\":false,\"z\":null, \"e\\\"k\":\"v\\n\" }\r\n";
	struct json_member *m = NULL;
	size_t count = 0, cap = 0;
	struct json_error err = {0, NULL};
	REQUIRE(json_scan_object(text, sizeof text - 1, &m, &count, &cap, &err),
		"the member-span sample should scan");
	REQUIRE(count == 8, "only the 8 top-level members should be listed, not nested ones (got %zu)", count);
	static const struct {
		const char *key, *val;
		enum json_type type;
		bool key_esc, val_esc;
	} want[] = {
		{"id", "\"x1\"", JSON_STRING, false, false},
		{"n", "-1.5e3", JSON_NUMBER, false, false},
		{"arr", "[1,{\"b\":2}]", JSON_ARRAY, false, false},
		{"o", "{}", JSON_OBJECT, false, false},
		{"t", "true", JSON_TRUE, false, false},
		{"f", "false", JSON_FALSE, false, false},
		{"z", "null", JSON_NULL, false, false},
		{"e\\\"k", "\"v\\n\"", JSON_STRING, true, true},
	};
	for (size_t i = 0; i < count; i++) {
		CHECK_STR(text + m[i].key_off, m[i].key_len, want[i].key, strlen(want[i].key),
			  "member %zu's key span should be the raw key without quotes", i);
		CHECK_STR(text + m[i].val_off, m[i].val_len, want[i].val, strlen(want[i].val),
			  "member %zu's value span should be the raw value", i);
		CHECK_EQ_SIZE(m[i].type, want[i].type, "member %zu should have the right type", i);
		CHECK(m[i].key_has_escape == want[i].key_esc && m[i].val_has_escape == want[i].val_esc,
		      "member %zu should say whether its key and value hold escapes", i);
	}

	/* The array is reused: a second scan starts the count again and grows it. */
	struct buf many = {0};
	buf_addc(&many, '{');
	for (int i = 0; i < 100; i++)
		buf_printf(&many, "%s\"k%d\":%d", i ? "," : "", i, i);
	buf_addc(&many, '}');
	REQUIRE(json_scan_object(many.data, many.len, &m, &count, &cap, &err),
		"an object of 100 members should scan");
	CHECK_EQ_SIZE(count, 100, "all 100 members should be listed");
	CHECK(cap >= 100, "the capacity should have grown to hold them");
	CHECK_LIT(many.data + m[99].key_off, m[99].key_len, "k99", "the last member should be k99");
	CHECK(!json_scan_object("{\"a\":1,}", 8, &m, &count, &cap, &err),
	      "a trailing comma should be rejected with a reused array");
	REQUIRE(json_scan_object("{}", 2, &m, &count, &cap, &err), "{} should scan with a reused array");
	CHECK_EQ_SIZE(count, 0, "the empty object should have no members even with a reused array");
	buf_free(&many);
	free(m);
}

/* Unescapes the content of a JSON string literal (without quotes). */
#define CHECK_UNESCAPE(escaped, expected, why)                          \
	do {                                                            \
		struct buf out_ = {0};                                  \
		json_unescape("" escaped, sizeof(escaped) - 1, &out_);  \
		CHECK_BUF(out_, expected, "%s should unescape: %s", #escaped, why); \
		buf_free(&out_);                                        \
	} while (0)

static void test_unescape(void)
{
	CHECK_UNESCAPE("", "", "the empty string");
	CHECK_UNESCAPE("plain", "plain", "text without escapes");
	CHECK_UNESCAPE("\\\"\\\\\\/\\b\\f\\n\\r\\t", "\"\\/\b\f\n\r\t", "the short escapes");
	CHECK_UNESCAPE("\\u0041\\u00e9\\u20AC", "A\xC3\xA9\xE2\x82\xAC", "\\u escapes of 1, 2 and 3 bytes");
	CHECK_UNESCAPE("\\ud83d\\ude00", "\xF0\x9F\x98\x80", "a surrogate pair");
	CHECK_UNESCAPE("\\uDBFF\\uDFFF", "\xF4\x8F\xBF\xBF", "the last surrogate pair");
	CHECK_UNESCAPE("a\\u0000b", "a\0b", "an escaped NUL, kept");
	CHECK_UNESCAPE("caf\xC3\xA9\\n", "caf\xC3\xA9\n", "raw UTF-8 before an escape");
	CHECK_UNESCAPE("x\\\\", "x\\", "an escaped backslash at the end");
}

/* Appends s with json_append_string, checks the result scans as a value
 * and unescapes back to s; returns the replacement count. */
static void check_round_trip(const char *s, size_t n, const char *what)
{
	struct buf q = {0};
	buf_adds(&q, "{\"k\":");
	size_t replaced = json_append_string(&q, s, n);
	buf_addc(&q, '}');
	CHECK_EQ_SIZE(replaced, 0, "%s: valid UTF-8 should need no replacement", what);
	size_t offset = 0;
	const char *msg = scan(q.data, q.len, &offset);
	CHECK(msg == NULL, "%s: the escaped string should scan (%s at %zu)", what, msg ? msg : "",
	      offset);
	struct buf back = {0};
	json_unescape(q.data + 6, q.len - 8, &back);
	CHECK_STR(back.data, back.len, s, n, "%s: unescaping should give back the original bytes", what);
	buf_free(&back);
	buf_free(&q);
}

static void test_round_trip(void)
{
	char all_ascii[128];
	for (int i = 0; i < 128; i++)
		all_ascii[i] = (char)i;
	check_round_trip(all_ascii, sizeof all_ascii, "every ASCII byte, NUL included");
	check_round_trip("", 0, "the empty string");
	static const char utf8[] = "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF \"q\" \\ /";
	check_round_trip(utf8, sizeof utf8 - 1, "UTF-8 with quotes and backslashes");
	static const char crlf[] = "line one\r\nline two\r\n";
	check_round_trip(crlf, sizeof crlf - 1, "CRLF text");
}

#define CHECK_QUOTE(raw, expected, expected_replaced, why)                                 \
	do {                                                                               \
		struct buf q_ = {0};                                                       \
		size_t r_ = json_append_string(&q_, "" raw, sizeof(raw) - 1);              \
		CHECK_BUF(q_, expected, "%s should be quoted as %s: %s", #raw, #expected, why); \
		CHECK_EQ_SIZE(r_, expected_replaced, "%s: %s: replacement count", #raw, why); \
		buf_free(&q_);                                                             \
	} while (0)

static void test_append_string(void)
{
	CHECK_QUOTE("", "\"\"", 0, "the empty string");
	CHECK_QUOTE("a\"b\\c/d", "\"a\\\"b\\\\c/d\"", 0, "quote and backslash escaped, slash not");
	CHECK_QUOTE("\n\t\r\b\f", "\"\\n\\t\\r\\b\\f\"", 0, "the short escapes");
	CHECK_QUOTE("\0\x01\x1F", "\"\\u0000\\u0001\\u001f\"", 0, "other controls as \\u00XX");
	CHECK_QUOTE("\x0B\x1B", "\"\\u000b\\u001b\"", 0, "vertical tab and escape as \\u00XX");
	CHECK_QUOTE("\x7F", "\"\x7F\"", 0, "DEL kept raw");
	CHECK_QUOTE("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"", 0,
		    "non-ASCII kept as raw UTF-8");
	CHECK_QUOTE("a\xFF" "b", "\"a\xEF\xBF\xBD" "b\"", 1, "a bad byte replaced by U+FFFD");
	CHECK_QUOTE("\xE9t\xE9", "\"\xEF\xBF\xBDt\xEF\xBF\xBD\"", 2, "two latin-1 bytes, two replacements");
	CHECK_QUOTE("\xC0\x80", "\"\xEF\xBF\xBD\"", 2, "an overlong NUL: one U+FFFD for two bytes");
	CHECK_QUOTE("\xED\xA0\x80x", "\"\xEF\xBF\xBDx\"", 3, "an encoded surrogate: one U+FFFD for three bytes");
	CHECK_QUOTE("\xF4\x90\x80\x80", "\"\xEF\xBF\xBD\"", 4, "a code point past U+10FFFF: four bytes");
	CHECK_QUOTE("ab\xE2\x82", "\"ab\xEF\xBF\xBD\"", 2, "a sequence truncated at the end: two bytes");
	/* Past 16 bytes the vector loop finds the special bytes. */
	CHECK_QUOTE("0123456789abcdefghij\"klmnopqrstuvwxyz\x01",
		    "\"0123456789abcdefghij\\\"klmnopqrstuvwxyz\\u0001\"", 0,
		    "special bytes beyond the first vector");
	CHECK_QUOTE("0123456789abcdef\xC3\xA9\xFF", "\"0123456789abcdef\xC3\xA9\xEF\xBF\xBD\"", 1,
		    "non-ASCII beyond the first vector");

	struct buf q = {0};
	buf_adds(&q, "prefix");
	json_append_string(&q, "x", 1);
	CHECK_BUF(q, "prefix\"x\"", "json_append_string should append after what is there");
	buf_free(&q);
}

/* The escaping JSON asks for, one byte at a time, as the reference for
 * the vectorised writers; s must be valid UTF-8. */
static void reference_quote(const char *s, size_t n, struct buf *out)
{
	buf_addc(out, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': buf_adds(out, "\\\""); break;
		case '\\': buf_adds(out, "\\\\"); break;
		case '\n': buf_adds(out, "\\n"); break;
		case '\t': buf_adds(out, "\\t"); break;
		case '\r': buf_adds(out, "\\r"); break;
		case '\b': buf_adds(out, "\\b"); break;
		case '\f': buf_adds(out, "\\f"); break;
		default:
			if (c < 0x20)
				buf_printf(out, "\\u%04x", c);
			else
				buf_addc(out, (char)c);
		}
	}
	buf_addc(out, '"');
}

static void test_append_utf8(void)
{
	struct buf q = {0};
	json_append_utf8(&q, "", 0);
	CHECK_BUF(q, "\"\"", "json_append_utf8 of nothing should be the empty string");
	buf_clear(&q);
	buf_adds(&q, "k:");
	json_append_utf8(&q, "a\"b\\c\n\x01\x7F\xC3\xA9", 10);
	CHECK_BUF(q, "k:\"a\\\"b\\\\c\\n\\u0001\x7F\xC3\xA9\"",
		  "json_append_utf8 should escape like json_append_string and append");
	buf_free(&q);

	/* Random valid UTF-8 from pieces that need every kind of escape, in
	 * runs that cross the 16-byte vectors at every offset: in the
	 * first half of the rounds every piece is as likely, in the second
	 * half one in 16 needs an escape, as in news text, so that long runs
	 * of plain text go the fast way between them. */
	static const char *const pieces[] = {"a", "bc", "\"", "\\", "\n", "\r\n", "\t", "\x01", "\x1F",
					     "\x7F", " ", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80",
					     "0123456789abcdef", "\0"};
	static const unsigned char plain[] = {0, 1, 9, 10, 11, 12, 13, 14};
	uint32_t x = 88172645u;
	size_t mismatches = 0, string_mismatches = 0, unescape_mismatches = 0;
	for (int round = 0; round < 3000; round++) {
		struct buf text = {0}, want = {0}, got = {0}, got_string = {0}, back = {0};
		bool sparse = round >= 1500;
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		size_t count = x % (sparse ? 200 : 60);
		for (size_t k = 0; k < count; k++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			size_t piece = sparse && x % 16 ? plain[x >> 4 & 7] : x % 16;
			const char *p = pieces[piece];
			buf_add(&text, p, piece == 15 ? 1 : strlen(p));
		}
		reference_quote(text.data ? text.data : "", text.len, &want);
		buf_adds(&got, "prefix");
		json_append_utf8(&got, text.data ? text.data : "", text.len);
		mismatches += got.len != want.len + 6 || memcmp(got.data + 6, want.data, want.len) != 0;
		json_append_string(&got_string, text.data ? text.data : "", text.len);
		string_mismatches += got_string.len != want.len || memcmp(got_string.data, want.data, want.len) != 0;
		json_unescape(got_string.data + 1, got_string.len - 2, &back);
		unescape_mismatches += back.len != text.len || (text.len && memcmp(back.data, text.data, text.len) != 0);
		buf_free(&back);
		buf_free(&text);
		buf_free(&want);
		buf_free(&got);
		buf_free(&got_string);
	}
	CHECK_EQ_SIZE(mismatches, 0, "json_append_utf8 should escape 3000 random strings as the reference does");
	CHECK_EQ_SIZE(string_mismatches, 0, "json_append_string should escape 3000 random strings as the reference does");
	CHECK_EQ_SIZE(unescape_mismatches, 0, "json_unescape should give back 3000 random strings escaped");

	/* Every byte escaped, 6 bytes out for 1 in: the buffer must keep up. */
	enum { CONTROLS = 100000 };
	char *controls = xmalloc(CONTROLS);
	for (size_t i = 0; i < CONTROLS; i++)
		controls[i] = (char)(i % 0x20 == '\n' ? 1 : i % 0x20);
	struct buf want = {0};
	reference_quote(controls, CONTROLS, &want);
	json_append_utf8(&q, controls, CONTROLS);
	CHECK(q.len == want.len && memcmp(q.data, want.data, q.len) == 0 && q.data[q.len] == '\0',
	      "100000 control characters should each be escaped, the buffer growing sixfold");
	buf_free(&q);
	buf_free(&want);
	free(controls);
}

static void test_huge(void)
{
	enum { HUGE = 8 << 20 };
	char *s = xmalloc(HUGE);
	for (size_t i = 0; i < HUGE; i++)
		s[i] = i % 1000 == 999 ? '"' : i % 777 == 0 ? '\n' : (char)('a' + i % 26);
	check_round_trip(s, HUGE, "an 8 MB string with quotes and newlines");
	struct buf a = {0}, b = {0};
	json_append_string(&a, s, HUGE);
	json_append_utf8(&b, s, HUGE);
	CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0,
	      "json_append_utf8 and json_append_string should agree on 8 MB of valid text");
	buf_free(&a);
	buf_free(&b);

	struct buf line = {0};
	buf_adds(&line, "{\"id\":\"1\",\"text\":");
	json_append_string(&line, s, HUGE);
	buf_adds(&line, ",\"n\":1}");
	struct json_member *m = NULL;
	size_t count = 0, cap = 0;
	struct json_error err;
	CHECK(json_scan_object(line.data, line.len, &m, &count, &cap, &err),
	      "an 8 MB record should scan");
	CHECK_EQ_SIZE(count, 3, "an 8 MB record should have its 3 members");
	line.data[line.len - 9] = '\x01'; /* the last byte of the string */
	CHECK(!json_scan_object(line.data, line.len, &m, &count, &cap, &err),
	      "a control character at the end of an 8 MB string should be found");
	free(m);
	buf_free(&line);
	free(s);
}

UNIT_MAIN(UNIT_TEST(test_valid_objects), UNIT_TEST(test_invalid_objects),
	  UNIT_TEST(test_control_characters), UNIT_TEST(test_invalid_utf8),
	  UNIT_TEST(test_strings_checked_in_blocks),
	  UNIT_TEST(test_trailing_garbage), UNIT_TEST(test_depth), UNIT_TEST(test_member_spans),
	  UNIT_TEST(test_unescape), UNIT_TEST(test_round_trip), UNIT_TEST(test_append_string),
	  UNIT_TEST(test_append_utf8),
	  UNIT_TEST(test_huge))
