#include "stats.h"

#include "json.h"
#include "unit.h"

/* The summary line of s, as stats_write writes it. */
static void summary(const struct stats *s, struct buf *out)
{
	char *path = unit_temp_file("", 0);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL && stats_write(s, f) == 0, "stats_write should succeed");
	if (f)
		fclose(f);
	unit_read_file(path, out);
	unlink(path);
	free(path);
}

/* Checks that the line (without its newline) is one JSON object. */
static void check_parses(const struct buf *line)
{
	struct json_member *m = NULL;
	size_t count = 0, cap = 0;
	struct json_error err = {0, NULL};
	CHECK(line->len > 0 && line->data[line->len - 1] == '\n', "the summary should end in a newline");
	CHECK(json_scan_object(line->data, line->len - 1, &m, &count, &cap, &err),
	      "the summary should be valid JSON (%s)", err.message ? err.message : "");
	free(m);
}

static void test_empty(void)
{
	struct stats s;
	stats_init(&s, "ntool");
	struct buf out = {0};
	summary(&s, &out);
	CHECK_BUF(out, "{\"tool\":\"ntool\"}\n", "no counters should give just the tool");
	check_parses(&out);
	CHECK_EQ_U64(stats_get(&s, NULL, "anything"), 0, "a counter never added to should be 0");
	CHECK_EQ_U64(stats_get(&s, "group", "anything"), 0, "a grouped counter never added to should be 0");
	buf_free(&out);
	stats_free(&s);
}

static void test_order_and_groups(void)
{
	struct stats s;
	stats_init(&s, "ntool");
	stats_add(&s, NULL, "records_in", 3);
	stats_add(&s, "rejected_reasons", "truncated", 1);
	stats_add(&s, NULL, "rejected", 1);
	stats_add(&s, "skipped", "too-small", 2);
	stats_add(&s, "rejected_reasons", "invalid-json", 4);
	stats_add(&s, NULL, "records_in", 5);
	stats_add(&s, "rejected_reasons", "truncated", 1);
	stats_add(&s, NULL, "written", 0);
	stats_add(&s, "skipped", "records_in", 9);
	CHECK_EQ_U64(stats_get(&s, NULL, "records_in"), 8, "adds to one counter should sum");
	CHECK_EQ_U64(stats_get(&s, "skipped", "records_in"), 9,
		     "a grouped counter should be apart from the top-level one of the same name");
	CHECK_EQ_U64(stats_get(&s, "rejected_reasons", "truncated"), 2, "adds to a grouped counter should sum");
	CHECK_EQ_U64(stats_get(&s, "no-such-group", "truncated"), 0, "a counter of another group should not be found");
	struct buf out = {0};
	summary(&s, &out);
	CHECK_BUF(out, "{\"tool\":\"ntool\",\"records_in\":8,\"rejected\":1,\"written\":0,"
		       "\"rejected_reasons\":{\"truncated\":2,\"invalid-json\":4},"
		       "\"skipped\":{\"too-small\":2,\"records_in\":9}}\n",
		  "top-level counters should come first, then each group, all in order of first use");
	check_parses(&out);
	buf_free(&out);
	stats_free(&s);
}

static void test_escaping_and_big_values(void)
{
	struct stats s;
	stats_init(&s, "t\"ool");
	stats_add(&s, NULL, "we\"ird\\key\n", 1);
	stats_add(&s, "gr\"oup", "k", UINT64_MAX);
	struct buf out = {0};
	summary(&s, &out);
	CHECK_BUF(out, "{\"tool\":\"t\\\"ool\",\"we\\\"ird\\\\key\\n\":1,\"gr\\\"oup\":{\"k\":18446744073709551615}}\n",
		  "names should be escaped as JSON strings and values printed in full");
	check_parses(&out);
	buf_free(&out);
	stats_free(&s);
}

static void test_many_counters(void)
{
	struct stats s;
	stats_init(&s, "t");
	char key[32];
	for (int i = 0; i < 100; i++) {
		snprintf(key, sizeof key, "k%d", i);
		stats_add(&s, i % 2 ? "odd" : NULL, key, (uint64_t)i);
	}
	CHECK_EQ_SIZE(s.count, 100, "100 different counters should be kept");
	CHECK_EQ_U64(stats_get(&s, "odd", "k99"), 99, "the last counter should be found after growing");
	struct buf out = {0};
	summary(&s, &out);
	check_parses(&out);
	CHECK(strstr(out.data, "\"k98\":98,\"odd\":{\"k1\":1,") != NULL,
	      "the top-level counters should end before the group starts");
	buf_free(&out);
	stats_free(&s);
	CHECK(s.count == 0 && s.counters == NULL, "stats_free should leave the stats empty");
	stats_init(&s, "again");
	stats_add(&s, NULL, "x", 1);
	CHECK_EQ_U64(stats_get(&s, NULL, "x"), 1, "stats should be reusable after stats_free");
	stats_free(&s);
}

static void test_write_error(void)
{
	FILE *f = fopen("/dev/full", "w");
	if (!f)
		return; /* not Linux */
	struct stats s;
	stats_init(&s, "t");
	stats_add(&s, NULL, "x", 1);
	CHECK(stats_write(&s, f) == -1, "writing the stats to a full device should fail");
	fclose(f);
	stats_free(&s);
}

/* Counts of the parts of a run, merged in order, give the summary of the
 * whole run counted at once: the same values, the keys in the same order. */
static void test_merge(void)
{
	static const struct {
		const char *group, *key;
	} adds[] = {
		{NULL, "records_in"}, {"languages", "en"}, {NULL, "rejected"}, {"languages", "tr"},
		{"rejected_reasons", "invalid-json"}, {"languages", "en"}, {NULL, "records_in"},
		{"languages", "de"}, {NULL, "dropped"}, {"rejected_reasons", "missing-id"},
		{"languages", "tr"}, {NULL, "records_in"},
	};
	size_t n = sizeof adds / sizeof *adds;
	struct buf whole_line = {0}, merged_line = {0};
	struct stats whole;
	stats_init(&whole, "t");
	stats_add(&whole, NULL, "records_out", 0);
	for (size_t i = 0; i < n; i++)
		stats_add(&whole, adds[i].group, adds[i].key, i + 1);
	summary(&whole, &whole_line);
	for (size_t cut = 0; cut <= n; cut++) {
		struct stats merged, part[2];
		stats_init(&merged, "t");
		stats_add(&merged, NULL, "records_out", 0);
		for (size_t p = 0; p < 2; p++)
			stats_init(&part[p], "t");
		for (size_t i = 0; i < n; i++)
			stats_add(&part[i >= cut], adds[i].group, adds[i].key, i + 1);
		for (size_t p = 0; p < 2; p++)
			stats_merge(&merged, &part[p]);
		buf_clear(&merged_line);
		summary(&merged, &merged_line);
		CHECK(merged_line.len == whole_line.len &&
			      memcmp(merged_line.data, whole_line.data, whole_line.len) == 0,
		      "two parts cut at %zu, merged, should give the whole summary:\n%.*s\n%.*s", cut,
		      (int)merged_line.len, merged_line.data, (int)whole_line.len, whole_line.data);
		for (size_t p = 0; p < 2; p++)
			stats_free(&part[p]);
		stats_free(&merged);
	}
	buf_free(&whole_line);
	buf_free(&merged_line);
	stats_free(&whole);
}

UNIT_MAIN(UNIT_TEST(test_empty), UNIT_TEST(test_merge), UNIT_TEST(test_order_and_groups),
	  UNIT_TEST(test_escaping_and_big_values), UNIT_TEST(test_many_counters),
	  UNIT_TEST(test_write_error))
