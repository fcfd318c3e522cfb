#include "cli.h"

#include "diag.h"
#include "status.h"
#include "unit.h"

static void test_parse_size(void)
{
	static const struct {
		const char *arg;
		uint64_t value;
	} cases[] = {
		{"0", 0},
		{"512", 512},
		{"007", 7},
		{"64K", 64 << 10},
		{"64k", 64 << 10},
		{"10M", 10 << 20},
		{"10m", 10 << 20},
		{"2G", 2ull << 30},
		{"1T", 1ull << 40},
		{"5KB", 5 << 10},
		{"5kb", 5 << 10},
		{"5B", 5},
		{"5b", 5},
		{"256M", 256 << 20},
		{"18446744073709551615", UINT64_MAX},
		{"16777215T", 16777215ull << 40},
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		CHECK_EQ_U64(cli_parse_size("--max-size", cases[i].arg), cases[i].value,
			     "cli_parse_size(\"%s\") should be %llu", cases[i].arg,
			     (unsigned long long)cases[i].value);
}

static void test_parse_uint(void)
{
	CHECK_EQ_U64(cli_parse_uint("--shards", "1", 1, 65536), 1, "the minimum should be accepted");
	CHECK_EQ_U64(cli_parse_uint("--shards", "65536", 1, 65536), 65536, "the maximum should be accepted");
	CHECK_EQ_U64(cli_parse_uint("--n", "0", 0, 10), 0, "0 should be accepted when it is the minimum");
	CHECK_EQ_U64(cli_parse_uint("--n", "0042", 0, 100), 42, "leading zeros should be accepted");
	CHECK_EQ_U64(cli_parse_uint("--n", "18446744073709551615", 0, UINT64_MAX), UINT64_MAX,
		     "the largest 64-bit number should be accepted when allowed");
}

struct parse_call {
	bool is_size;
	const char *arg;
	uint64_t min, max;
};

static void call_parser(void *p)
{
	const struct parse_call *c = p;
	if (c->is_size)
		cli_parse_size("--max-size", c->arg);
	else
		cli_parse_uint("--shards", c->arg, c->min, c->max);
}

/* Checks that the call exits with the usage status and one usage line. */
static void check_usage_error(bool is_size, const char *arg, uint64_t min, uint64_t max)
{
	struct parse_call c = {is_size, arg, min, max};
	struct buf err = {0};
	int status = unit_fork(call_parser, &c, &err);
	const char *shown = arg ? arg : "(NULL)";
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == STATUS_USAGE,
	      "%s '%s' should exit with status 2", is_size ? "cli_parse_size" : "cli_parse_uint", shown);
	struct buf want = {0};
	if (is_size)
		buf_printf(&want, "usage: test_cli: --max-size needs a size such as 64M, not '%s' "
				  "(try 'test_cli --help')\n", arg ? arg : "");
	else
		buf_printf(&want, "usage: test_cli: --shards needs a whole number from %llu to %llu, not '%s' "
				  "(try 'test_cli --help')\n",
			   (unsigned long long)min, (unsigned long long)max, arg ? arg : "");
	CHECK_STR(err.data, err.len, want.data, want.len, "'%s' should give exactly one usage line", shown);
	buf_free(&want);
	buf_free(&err);
}

static void test_parse_size_errors(void)
{
	static const char *const bad[] = {"",     "x",   "-1",   "+1",  " 1",   "1 ",  "1.5M",
					  "1KiB", "1MM", "1Q",   "K",   "0x10", "1e3", "16777216T",
					  "18446744073709551616", "99999999999999999999999"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		check_usage_error(true, bad[i], 0, 0);
	check_usage_error(true, NULL, 0, 0);
}

static void test_parse_uint_errors(void)
{
	check_usage_error(false, "0", 1, 65536);
	check_usage_error(false, "65537", 1, 65536);
	check_usage_error(false, "-1", 1, 65536);
	check_usage_error(false, "1x", 1, 65536);
	check_usage_error(false, "", 1, 65536);
	check_usage_error(false, "0x10", 0, 65536);
	check_usage_error(false, "1e3", 0, 65536);
	check_usage_error(false, "4K", 0, 65536);
	check_usage_error(false, " 5", 0, 65536);
	check_usage_error(false, "18446744073709551616", 0, UINT64_MAX);
	check_usage_error(false, NULL, 1, 2);
}

static void setup(void)
{
	diag_init("test_cli");
}

UNIT_MAIN(UNIT_TEST(setup), UNIT_TEST(test_parse_size), UNIT_TEST(test_parse_uint),
	  UNIT_TEST(test_parse_size_errors), UNIT_TEST(test_parse_uint_errors))
