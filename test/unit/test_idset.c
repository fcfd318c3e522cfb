#include "idset.h"

#include "unit.h"

static void test_add_and_repeat(void)
{
	struct idset set = {0};
	CHECK(idset_add(&set, 42), "a new key should be added");
	CHECK(!idset_add(&set, 42), "the same key again should be refused");
	CHECK(idset_add(&set, 0), "key 0 should be a key like any other");
	CHECK(!idset_add(&set, 0), "and be refused the second time");
	CHECK_EQ_SIZE(set.count, 2, "two keys should be counted");
	idset_free(&set);
}

static void test_growth_keeps_every_key(void)
{
	struct idset set = {0};
	enum { N = 100000 };
	size_t added = 0;
	for (uint64_t k = 1; k <= N; k++)
		added += idset_add(&set, k * 0x9E3779B97F4A7C15ull);
	CHECK_EQ_SIZE(added, N, "every distinct key should be added while the table grows");
	size_t refused = 0;
	for (uint64_t k = 1; k <= N; k++)
		refused += !idset_add(&set, k * 0x9E3779B97F4A7C15ull);
	CHECK_EQ_SIZE(refused, N, "every key should still be found after growing");
	CHECK(set.count * 2 <= set.cap, "the table should stay at most half full");
	idset_free(&set);
}

static void test_clear(void)
{
	struct idset set = {0};
	idset_add(&set, 7);
	idset_clear(&set);
	CHECK_EQ_SIZE(set.count, 0, "a cleared set should be empty");
	CHECK(idset_add(&set, 7), "a key should be new again after clearing");
	for (uint64_t k = 1; k <= 10000; k++)
		idset_add(&set, k);
	idset_clear(&set);
	CHECK(set.cap == 0 && set.slots == NULL, "a large table should be freed, not cleared");
	CHECK(idset_add(&set, 5), "and the set should work again after that");
	idset_free(&set);
}

UNIT_MAIN(UNIT_TEST(test_add_and_repeat), UNIT_TEST(test_growth_keeps_every_key), UNIT_TEST(test_clear))
