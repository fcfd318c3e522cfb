#include "jsonl.h"

#include "diag.h"
#define UNIT_WITH_CODECS
#include "unit.h"

/* Reads every record of files into ids (one "id\n" per record) with
 * stderr collected in messages; returns whether jsonl saw an error. */
static bool read_stream(char **files, size_t count, struct stats *stats, struct writer *rejects,
			struct buf *ids, struct buf *messages)
{
	struct jsonl j;
	unit_capture_begin();
	jsonl_open(&j, files, count, stats, rejects);
	struct record *r;
	while ((r = jsonl_next(&j))) {
		const char *id, *text;
		size_t id_len, text_len;
		if (record_get_string(r, "id", &id, &id_len) && record_get_string(r, "text", &text, &text_len))
			buf_add(ids, id, id_len);
		else
			buf_adds(ids, "(record without id or text)");
		buf_addc(ids, '\n');
	}
	bool had_error = j.had_error;
	CHECK(jsonl_next(&j) == NULL, "jsonl_next should keep returning NULL at the end");
	jsonl_close(&j);
	unit_capture_end(messages);
	return had_error;
}

/* The summary line of stats, as --stats writes it. */
static void stats_line(const struct stats *s, struct buf *out)
{
	char *path = unit_temp_file("", 0);
	FILE *f = fopen(path, "w");
	stats_write(s, f);
	fclose(f);
	unit_read_file(path, out);
	unlink(path);
	free(path);
}

#define MIXED                                                          \
	"{\"id\":\"1\",\"text\":\"one\"}\n"                            \
	"\n"                                                           \
	"  \t\r\n"                                                     \
	"{\"id\":\"2\",\"text\":\"two\"}\r\n"                          \
	"{\"id\":\"3\",\"text\":\"bad\",}\n"                           \
	"{\"text\":\"no id\"}\n"                                       \
	"{\"id\":4,\"text\":\"numeric id\"}\n"                         \
	"{\"id\":\"5\"}\n"                                             \
	"{\"id\":\"6\",\"text\":null}\n"                               \
	"[1,2]\n"                                                      \
	"{\"id\":\"7\",\"text\":\"caf\xE9\"}\n"                        \
	"{\"id\":\"8\",\"text\":\"a\\u0000b\"}\n"                      \
	"{\"id\":\"9\",\"text\":\"cut"

#define MIXED_REJECTS                                                  \
	"{\"id\":\"3\",\"text\":\"bad\",}\n"                           \
	"{\"text\":\"no id\"}\n"                                       \
	"{\"id\":4,\"text\":\"numeric id\"}\n"                         \
	"{\"id\":\"5\"}\n"                                             \
	"{\"id\":\"6\",\"text\":null}\n"                               \
	"[1,2]\n"                                                      \
	"{\"id\":\"7\",\"text\":\"caf\xE9\"}\n"                        \
	"{\"id\":\"9\",\"text\":\"cut"

static void test_mixed_lines(void)
{
	static const char mixed[] = MIXED;
	char *path = unit_temp_file(mixed, sizeof mixed - 1);
	char *rejects_path = unit_temp_path(".rejects");
	char err[512];
	struct writer *rejects = writer_open(rejects_path, err, sizeof err);
	REQUIRE(rejects != NULL, "the rejects output should open (%s)", err);
	struct stats stats;
	stats_init(&stats, "test");
	struct buf ids = {0}, messages = {0};
	bool had_error = read_stream(&path, 1, &stats, rejects, &ids, &messages);
	int close_err;
	CHECK(writer_close(rejects, &close_err) == 0, "the rejects output should close");

	CHECK_BUF(ids, "1\n2\n8\n", "only the good records should come out, CRLF and \\u0000 ones included");
	CHECK(had_error, "rejected lines should set had_error");
	CHECK_EQ_U64(stats_get(&stats, NULL, "records_in"), 11, "every non-blank line should count as a record in");
	CHECK_EQ_U64(stats_get(&stats, NULL, "rejected"), 8, "8 lines should be rejected");
	CHECK_EQ_U64(stats_get(&stats, "rejected_reasons", "invalid-json"), 3,
		     "a trailing comma, an array and invalid UTF-8 should be invalid-json");
	CHECK_EQ_U64(stats_get(&stats, "rejected_reasons", "missing-id"), 2,
		     "no id and a numeric id should be missing-id");
	CHECK_EQ_U64(stats_get(&stats, "rejected_reasons", "missing-text"), 2,
		     "no text and a null text should be missing-text");
	CHECK_EQ_U64(stats_get(&stats, "rejected_reasons", "truncated"), 1,
		     "the cut last line should be truncated");
	struct buf summary = {0};
	stats_line(&stats, &summary);
	CHECK_BUF(summary, "{\"tool\":\"test\",\"records_in\":11,\"rejected\":8,\"rejected_reasons\":"
			   "{\"invalid-json\":3,\"missing-id\":2,\"missing-text\":2,\"truncated\":1}}\n",
		  "the stats summary should list the counts in order of first use");

	struct buf got = {0};
	CHECK(unit_read_file(rejects_path, &got), "the rejects file should exist");
	CHECK_BUF(got, MIXED_REJECTS, "the rejects output should get the rejected lines verbatim, "
				      "the cut one without a newline added");

	struct buf want = {0};
	buf_printf(&want, "test_jsonl: %s:5: invalid record: expected a string key in object at byte 24\n", path);
	CHECK(strstr(messages.data, want.data) != NULL, "the message for line 5 should say where and why, in:\n%s",
	      messages.data);
	buf_clear(&want);
	buf_printf(&want, "test_jsonl: %s:6: record has no string \"id\"\n", path);
	CHECK(strstr(messages.data, want.data) != NULL, "the message for line 6 should name the missing id");
	buf_clear(&want);
	buf_printf(&want, "test_jsonl: %s:9: record has no string \"text\"\n", path);
	CHECK(strstr(messages.data, want.data) != NULL, "the message for line 9 should name the missing text");
	buf_clear(&want);
	buf_printf(&want, "test_jsonl: %s:11: invalid record: invalid UTF-8 in string", path);
	CHECK(strstr(messages.data, want.data) != NULL, "the message for line 11 should name invalid UTF-8");
	buf_clear(&want);
	buf_printf(&want, "test_jsonl: %s:13: truncated record at the end of the input (no newline; "
			  "unterminated string at byte 22)\n", path);
	CHECK(strstr(messages.data, want.data) != NULL, "the message for the cut line should say truncated");
	size_t lines = 0;
	for (size_t i = 0; i < messages.len; i++)
		lines += messages.data[i] == '\n';
	CHECK_EQ_SIZE(lines, 8, "there should be one message per rejected line");

	buf_free(&want);
	buf_free(&got);
	buf_free(&summary);
	buf_free(&ids);
	buf_free(&messages);
	stats_free(&stats);
	unit_remove_temp_path(rejects_path);
	unlink(path);
	free(path);
}

static void test_last_line_without_newline(void)
{
	static const char text[] = "{\"id\":\"a\",\"text\":\"x\"}\n{\"id\":\"b\",\"text\":\"y\"}";
	char *path = unit_temp_file(text, sizeof text - 1);
	struct stats stats;
	stats_init(&stats, "test");
	struct buf ids = {0}, messages = {0};
	bool had_error = read_stream(&path, 1, &stats, NULL, &ids, &messages);
	CHECK_BUF(ids, "a\nb\n", "a valid last line without a newline should be accepted");
	CHECK(!had_error, "a valid last line without a newline should not be an error");
	CHECK_EQ_SIZE(messages.len, 0, "a clean input should print nothing");
	CHECK_EQ_U64(stats_get(&stats, NULL, "rejected"), 0, "nothing should be rejected");
	CHECK_EQ_U64(stats_get(&stats, NULL, "records_in"), 2, "both records should be counted");
	buf_free(&ids);
	buf_free(&messages);
	stats_free(&stats);
	unlink(path);
	free(path);
}

static void test_empty_inputs(void)
{
	char *files[2] = {unit_temp_file("", 0), unit_temp_file("\n\r\n \n", 5)};
	struct stats stats;
	stats_init(&stats, "test");
	struct buf ids = {0}, messages = {0};
	bool had_error = read_stream(files, 2, &stats, NULL, &ids, &messages);
	CHECK_EQ_SIZE(ids.len, 0, "empty and blank inputs should give no records");
	CHECK(!had_error, "empty and blank inputs should not be errors");
	CHECK_EQ_SIZE(messages.len, 0, "empty and blank inputs should print nothing");
	CHECK_EQ_SIZE(stats.count, 0, "empty and blank inputs should count nothing");
	for (int i = 0; i < 2; i++) {
		unlink(files[i]);
		free(files[i]);
	}
	buf_free(&ids);
	buf_free(&messages);
	stats_free(&stats);
}

static void test_several_files_as_one_stream(void)
{
	static const char a[] = "{\"id\":\"a1\",\"text\":\"\"}\n{\"id\":\"a2\",\"text\":\"\"}\n";
	static const char b[] = "{\"id\":\"b1\",\"text\":\"\"}\n{\"id\":\"b2\",\"text\":\"\"}\nnot json\n";
	static const char c[] = "{\"id\":\"c1\",\"text\":\"\"}\r\n";
	struct buf gz = {0};
	unit_compress(UNIT_GZIP, b, sizeof b - 1, &gz);
	char *missing = unit_temp_path(".missing");
	char *files[] = {unit_temp_file(a, sizeof a - 1), missing, unit_temp_file("", 0),
			 unit_temp_file(gz.data, gz.len), unit_temp_file(c, sizeof c - 1)};
	struct stats stats;
	stats_init(&stats, "test");
	struct buf ids = {0}, messages = {0};

	struct jsonl j;
	unit_capture_begin();
	jsonl_open(&j, files, 5, &stats, NULL);
	struct record *r;
	bool names_ok = true;
	while ((r = jsonl_next(&j))) {
		const char *id;
		size_t n;
		record_get_string(r, "id", &id, &n);
		buf_add(&ids, id, n);
		buf_addc(&ids, '\n');
		const char *expected = files[id[0] == 'a' ? 0 : id[0] == 'b' ? 3 : 4];
		names_ok &= strcmp(jsonl_name(&j), expected) == 0;
	}
	uint64_t raw = jsonl_raw_offset(&j);
	bool had_error = j.had_error;
	jsonl_close(&j);
	unit_capture_end(&messages);

	CHECK_BUF(ids, "a1\na2\nb1\nb2\nc1\n", "the files should be read in order as one stream, gzip included");
	CHECK(names_ok, "jsonl_name should name the file each record came from");
	CHECK(had_error, "a missing file should set had_error");
	CHECK_EQ_U64(stats_get(&stats, NULL, "inputs_failed"), 1, "the missing file should be counted");
	CHECK_EQ_U64(stats_get(&stats, NULL, "records_in"), 6, "6 records should be counted in");
	CHECK_EQ_U64(stats_get(&stats, "rejected_reasons", "invalid-json"), 1, "the bad line should be counted");
	CHECK_EQ_U64(raw, (sizeof a - 1) + gz.len + (sizeof c - 1),
		     "jsonl_raw_offset should add up the raw bytes of every input");
	struct buf want = {0};
	buf_printf(&want, "test_jsonl: %s: no such file or directory\n", missing);
	CHECK(strstr(messages.data, want.data) != NULL, "the missing file should be named, in:\n%s", messages.data);
	buf_clear(&want);
	buf_printf(&want, "test_jsonl: %s:3: invalid record: ", files[3]);
	CHECK(strstr(messages.data, want.data) != NULL,
	      "line numbers should start again in each file (line 3 of the gzip file)");
	buf_free(&want);
	for (size_t i = 0; i < 5; i++) {
		unlink(files[i]);
		if (files[i] != missing)
			free(files[i]);
	}
	unit_remove_temp_path(missing);
	buf_free(&gz);
	buf_free(&ids);
	buf_free(&messages);
	stats_free(&stats);
}

static void test_damaged_gzip_input(void)
{
	struct buf text = {0}, gz = {0};
	for (int i = 0; i < 20000; i++)
		buf_printf(&text, "{\"id\":\"%d\",\"text\":\"record number %d, some words to fill it\"}\n", i, i * 7919);
	unit_compress(UNIT_GZIP, text.data, text.len, &gz);
	static const char after[] = "{\"id\":\"after\",\"text\":\"\"}\n";
	char *files[] = {unit_temp_file(gz.data, gz.len / 2), unit_temp_file(after, sizeof after - 1)};
	struct stats stats;
	stats_init(&stats, "test");
	struct buf ids = {0}, messages = {0};
	bool had_error = read_stream(files, 2, &stats, NULL, &ids, &messages);
	CHECK(had_error, "a cut gzip input should set had_error");
	CHECK_EQ_U64(stats_get(&stats, NULL, "inputs_failed"), 1, "a cut gzip input should count as a failed input");
	CHECK_EQ_U64(stats_get(&stats, NULL, "rejected"), 0,
		     "the line cut by the damage should not be rejected as a record");
	CHECK(ids.len > 0 && strncmp(ids.data, "0\n1\n2\n", 6) == 0, "the records before the cut should come out");
	CHECK(ids.len > 6 && strcmp(ids.data + ids.len - 6, "after\n") == 0,
	      "the stream should go on with the next file");
	CHECK(strstr(messages.data, "read error: truncated gzip input") != NULL,
	      "the message should say the gzip input is truncated, in:\n%s", messages.data);
	for (int i = 0; i < 2; i++) {
		unlink(files[i]);
		free(files[i]);
	}
	buf_free(&text);
	buf_free(&gz);
	buf_free(&ids);
	buf_free(&messages);
	stats_free(&stats);
}

static void test_huge_lines(void)
{
	enum { HUGE = 8 << 20 };
	struct buf text = {0};
	buf_adds(&text, "{\"id\":\"big\",\"text\":\"");
	size_t start = text.len;
	buf_reserve(&text, HUGE + 64);
	memset(text.data + text.len, 'w', HUGE);
	text.len += HUGE;
	buf_adds(&text, "\"}\n{\"id\":\"bad\",\"text\":\"");
	size_t bad_start = text.len - strlen("{\"id\":\"bad\",\"text\":\"");
	buf_reserve(&text, HUGE + 64);
	memset(text.data + text.len, 'v', HUGE);
	text.len += HUGE;
	buf_adds(&text, "\"\x01}\n{\"id\":\"small\",\"text\":\"s\"}\n");
	char *path = unit_temp_file(text.data, text.len);
	char *rejects_path = unit_temp_path(".rejects");
	char err[512];
	struct writer *rejects = writer_open(rejects_path, err, sizeof err);
	REQUIRE(rejects != NULL, "the rejects output should open");

	struct stats stats;
	stats_init(&stats, "test");
	struct jsonl j;
	struct buf messages = {0};
	unit_capture_begin();
	jsonl_open(&j, &path, 1, &stats, rejects);
	struct record *r = jsonl_next(&j);
	size_t big_len = 0;
	bool big_ok = false;
	if (r) {
		const char *s;
		big_ok = record_get_string(r, "text", &s, &big_len) &&
			 memcmp(s, text.data + start, big_len) == 0;
	}
	r = jsonl_next(&j);
	struct buf small_id = {0}; /* copied: the line dies with the stream */
	const char *s;
	size_t n;
	if (r && record_get_string(r, "id", &s, &n))
		buf_add(&small_id, s, n);
	CHECK(jsonl_next(&j) == NULL, "there should be no fourth record");
	jsonl_close(&j);
	unit_capture_end(&messages);
	int close_err;
	writer_close(rejects, &close_err);

	CHECK(big_ok && big_len == HUGE, "an 8 MB record should come out whole (got %zu bytes)", big_len);
	CHECK_BUF(small_id, "small", "the record after two 8 MB lines should come out");
	buf_free(&small_id);
	CHECK_EQ_U64(stats_get(&stats, "rejected_reasons", "invalid-json"), 1, "the bad 8 MB line should be rejected");
	struct buf got = {0};
	unit_read_file(rejects_path, &got);
	size_t bad_len = strlen("{\"id\":\"bad\",\"text\":\"") + HUGE + 4;
	CHECK(got.len == bad_len && memcmp(got.data, text.data + bad_start, bad_len) == 0,
	      "the rejected 8 MB line should be copied verbatim (got %zu bytes, expected %zu)", got.len, bad_len);
	buf_free(&got);
	buf_free(&messages);
	buf_free(&text);
	stats_free(&stats);
	unit_remove_temp_path(rejects_path);
	unlink(path);
	free(path);
}

/* The bar for "arbitrarily long": a record of at least 100 MB read
 * through the stream, its text handed out whole, edited and written back. */
static void test_100mb_record(void)
{
	enum { CHUNK = 1 << 20, CHUNKS = 100 };
	char *path = unit_temp_path(".jsonl");
	FILE *f = fopen(path, "wb");
	REQUIRE(f != NULL, "the temporary file should open");
	char *chunk = xmalloc(CHUNK);
	for (size_t i = 0; i < CHUNK; i++)
		chunk[i] = (char)('a' + i % 26);
	memcpy(chunk + 1000, "\\n", 2); /* an escape in every chunk */
	fputs("{\"id\":\"long\",\"text\":\"", f);
	for (int i = 0; i < CHUNKS; i++)
		fwrite(chunk, 1, CHUNK, f);
	fputs("\",\"n\":1}\n", f);
	REQUIRE(fclose(f) == 0, "the temporary file should be written");

	struct stats stats;
	stats_init(&stats, "test");
	struct jsonl j;
	jsonl_open(&j, &path, 1, &stats, NULL);
	struct record *r = jsonl_next(&j);
	REQUIRE(r != NULL, "a 100 MB record should be read");
	const char *s;
	size_t n = 0;
	CHECK(record_get_string(r, "text", &s, &n), "its text should be a string");
	CHECK_EQ_SIZE(n, (size_t)CHUNKS * (CHUNK - 1), "the text should be whole, each \\n one byte");
	CHECK(n > 2000 && s[1000] == '\n' && s[1001] == chunk[1002],
	      "the escape should be decoded in place");
	record_set_string(r, "text", s, n / 2);
	struct buf out = {0};
	record_serialize(r, &out);
	CHECK(out.len > (size_t)CHUNKS * CHUNK / 2 && out.data[out.len - 1] == '\n' &&
		      memcmp(out.data + out.len - 8, ",\"n\":1}\n", 8) == 0,
	      "the edited record should be written with its other members after it");
	CHECK(jsonl_next(&j) == NULL, "there should be one record");
	jsonl_close(&j);
	buf_free(&out);
	free(chunk);
	stats_free(&stats);
	unit_remove_temp_path(path);
}

static void test_stdin(void)
{
	static const char text[] = "{\"id\":\"in\",\"text\":\"t\"}\n{\"id\":\"x\"}\n";
	char *path = unit_temp_file(text, sizeof text - 1);
	int saved = dup(STDIN_FILENO);
	int fd = open(path, O_RDONLY);
	dup2(fd, STDIN_FILENO);
	close(fd);
	struct stats stats;
	stats_init(&stats, "test");
	struct jsonl j;
	struct buf messages = {0};
	unit_capture_begin();
	jsonl_open(&j, NULL, 0, &stats, NULL);
	struct record *r = jsonl_next(&j);
	bool named = strcmp(jsonl_name(&j), "<stdin>") == 0;
	bool rest_empty = jsonl_next(&j) == NULL;
	jsonl_close(&j);
	unit_capture_end(&messages);
	dup2(saved, STDIN_FILENO);
	close(saved);
	CHECK(r != NULL, "no files should mean reading stdin");
	CHECK(named, "stdin should be named <stdin>");
	CHECK(rest_empty, "stdin should have one good record");
	CHECK(strstr(messages.data, "test_jsonl: <stdin>:2: record has no string \"text\"") != NULL,
	      "messages about stdin should name <stdin>, in:\n%s", messages.data);
	buf_free(&messages);
	stats_free(&stats);
	unlink(path);
	free(path);
}

static void setup(void)
{
	diag_init("/some/dir/test_jsonl");
}

UNIT_MAIN(UNIT_TEST(setup), UNIT_TEST(test_mixed_lines), UNIT_TEST(test_last_line_without_newline),
	  UNIT_TEST(test_empty_inputs), UNIT_TEST(test_several_files_as_one_stream),
	  UNIT_TEST(test_damaged_gzip_input), UNIT_TEST(test_huge_lines), UNIT_TEST(test_100mb_record),
	  UNIT_TEST(test_stdin))
