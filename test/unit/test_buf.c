#include "buf.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "unit.h"

static void test_empty_buffer(void)
{
	struct buf b = {0};
	buf_clear(&b);
	CHECK(b.data == NULL && b.len == 0, "clearing a never-used buffer should leave it empty");
	buf_add(&b, "", 0);
	REQUIRE(b.data != NULL, "adding nothing should still give a NUL-terminated buffer");
	CHECK_EQ_SIZE(b.len, 0, "adding nothing should keep the length 0");
	CHECK(b.data[0] == '\0', "an empty buffer should hold the empty string");
	buf_free(&b);
	CHECK(b.data == NULL && b.len == 0 && b.cap == 0, "buf_free should reset the buffer");
}

static void test_add_keeps_nul_bytes(void)
{
	struct buf b = {0};
	buf_add(&b, "a\0b", 3);
	buf_addc(&b, '\0');
	buf_adds(&b, "cd");
	CHECK_BUF(b, "a\0b\0cd", "NUL bytes should be kept and counted in the length");
	CHECK(b.data[b.len] == '\0', "the data should stay NUL-terminated past its length");
	buf_free(&b);
}

static void test_printf(void)
{
	struct buf b = {0};
	buf_printf(&b, "%s", "");
	CHECK_BUF(b, "", "printing nothing should add nothing");
	buf_printf(&b, "%d-%s", 42, "x");
	char long_arg[300];
	memset(long_arg, 'z', sizeof long_arg - 1);
	long_arg[sizeof long_arg - 1] = '\0';
	buf_printf(&b, "[%s]", long_arg);
	CHECK_EQ_SIZE(b.len, 4 + 2 + 299, "buf_printf should append text longer than the first allocation");
	CHECK(memcmp(b.data, "42-x[zz", 7) == 0, "buf_printf should append after what is there");
	CHECK(b.data[b.len - 1] == ']' && b.data[b.len] == '\0',
	      "buf_printf should end with the formatted text and a terminator");
	buf_free(&b);
}

static void test_clear_keeps_memory(void)
{
	struct buf b = {0};
	buf_adds(&b, "hello");
	char *data = b.data;
	size_t cap = b.cap;
	buf_clear(&b);
	CHECK(b.len == 0 && b.data == data && b.cap == cap, "buf_clear should keep the memory");
	CHECK(b.data[0] == '\0', "a cleared buffer should hold the empty string");
	buf_adds(&b, "x");
	CHECK_BUF(b, "x", "a cleared buffer should be reusable");
	buf_free(&b);
	buf_adds(&b, "again");
	CHECK_BUF(b, "again", "a freed buffer should be reusable");
	buf_free(&b);
}

static void test_reserve(void)
{
	struct buf b = {0};
	buf_adds(&b, "abc");
	buf_reserve(&b, 1000);
	CHECK(b.cap >= b.len + 1000 + 1, "buf_reserve should make room for the bytes and the terminator");
	char *data = b.data;
	for (int i = 0; i < 1000; i++)
		buf_addc(&b, 'x');
	CHECK(b.data == data, "adding what was reserved should not move the data");
	CHECK_EQ_SIZE(b.len, 1003, "every added byte should be counted");
	buf_reserve(&b, 0);
	CHECK(b.data == data, "reserving nothing should not move the data");
	buf_free(&b);
}

static void test_huge(void)
{
	enum { HUGE = 9 << 20 };
	char *big = xmalloc(HUGE);
	for (size_t i = 0; i < HUGE; i++)
		big[i] = (char)('a' + i % 26);
	struct buf b = {0};
	buf_add(&b, big, HUGE);
	CHECK_EQ_SIZE(b.len, HUGE, "a 9 MB add should be kept whole");
	CHECK(memcmp(b.data, big, HUGE) == 0 && b.data[HUGE] == '\0',
	      "a 9 MB add should be copied byte for byte and terminated");
	buf_clear(&b);
	for (size_t i = 0; i < HUGE; i += 4096)
		buf_add(&b, big + i, 4096 < HUGE - i ? 4096 : HUGE - i);
	CHECK(b.len == HUGE && memcmp(b.data, big, HUGE) == 0,
	      "9 MB added in small pieces should equal the whole");
	buf_free(&b);
	free(big);
}

static void test_allocators(void)
{
	void *p = xmalloc(0);
	CHECK(p != NULL, "xmalloc(0) should return a pointer that can be freed");
	free(p);
	unsigned char *z = xcalloc(64, 4);
	size_t zeros = 0;
	for (size_t i = 0; i < 256; i++)
		zeros += z[i] == 0;
	CHECK_EQ_SIZE(zeros, 256, "xcalloc should zero the memory");
	z[255] = 7;
	z = xrealloc(z, 1 << 20);
	CHECK(z[255] == 7, "xrealloc should keep the contents");
	free(z);
	char *s = xstrndup("a\0bc", 3);
	CHECK(memcmp(s, "a\0b", 4) == 0, "xstrndup should copy n bytes, NULs included, and terminate");
	free(s);
	s = xstrdup("");
	CHECK(s[0] == '\0', "xstrdup of the empty string should be the empty string");
	free(s);
}

/* Checks buf_add_g4 against printf's "%.4g" for v. */
static int g4_differs(double v)
{
	char want[64];
	snprintf(want, sizeof want, "%.4g", v);
	struct buf b = {0};
	buf_add_g4(&b, v);
	int differs = strcmp(b.data, want) != 0;
	if (differs)
		fprintf(stderr, "buf_add_g4(%.17g): '%s', printf: '%s'\n", v, b.data, want);
	buf_free(&b);
	return differs;
}

static void test_add_g4_writes_what_printf_writes(void)
{
	static const double cases[] = {
		0.0, -0.0, 1, -1, 0.5, 0.25, 0.125, 0.0625, 0.03125, 0.015625, 0.0078125,
		0.00015625, 1e-4, 9.9999e-5, 0.00099995, 0.001, 0.1, 0.09999999999999999,
		9.9995, 9.99949, 99.995, 999.95, 9999.4, 9999.5, 9999.6, 10000, 12345.6,
		1.0 / 3, 2.0 / 3, 5.25, 12, 100, 4.5678, 0.30000000000000004, 1e300, 1e-300,
		-2.5e-7, 4.94e-324};
	int bad = 0;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		bad += g4_differs(cases[i]);
	/* the ratios the quality signals are made of, and spread-out doubles */
	for (int num = 0; num <= 400; num++)
		for (int den = 1; den <= 400; den++)
			bad += g4_differs((double)num / den);
	uint64_t seed = 0x9E3779B97F4A7C15ull;
	for (int i = 0; i < 200000; i++) {
		seed = seed * 6364136223846793005ull + 1442695040888963407ull;
		double unit = (double)(seed >> 11) / 9007199254740992.0;
		bad += g4_differs(unit * pow(10, (int)(seed % 14) - 7));
	}
	CHECK_EQ_SIZE((size_t)bad, 0, "buf_add_g4 should write what printf's %%.4g writes");
	double nan_inf[] = {NAN, INFINITY, -INFINITY};
	for (size_t i = 0; i < 3; i++)
		CHECK(!g4_differs(nan_inf[i]), "NaN and infinities should be written as printf writes them");
}

static void test_add_uint(void)
{
	struct buf b = {0};
	buf_add_uint(&b, 0);
	buf_addc(&b, ' ');
	buf_add_uint(&b, 42);
	buf_addc(&b, ' ');
	buf_add_uint(&b, UINT64_MAX);
	CHECK_BUF(b, "0 42 18446744073709551615", "buf_add_uint should write decimal digits");
	buf_free(&b);
}

UNIT_MAIN(UNIT_TEST(test_empty_buffer), UNIT_TEST(test_add_keeps_nul_bytes),
	  UNIT_TEST(test_printf), UNIT_TEST(test_clear_keeps_memory), UNIT_TEST(test_reserve),
	  UNIT_TEST(test_huge), UNIT_TEST(test_allocators),
	  UNIT_TEST(test_add_g4_writes_what_printf_writes), UNIT_TEST(test_add_uint))
