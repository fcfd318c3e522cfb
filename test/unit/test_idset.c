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

/* same() for the map's tests: the value wanted, or any when it is 0. */
static bool is_wanted(const void *ctx, uint32_t value)
{
	const uint32_t *wanted = ctx;
	return !*wanted || value == *wanted;
}

static uint32_t find(const struct idmap *map, uint64_t key, uint32_t wanted)
{
	return idmap_find(map, key, is_wanted, &wanted);
}

static void test_map(void)
{
	struct idmap map = {0};
	CHECK_EQ_SIZE(find(&map, 42, 0), UINT32_MAX, "an empty map should have no value");
	idmap_add(&map, 42, 7);
	idmap_add(&map, 0, 8);
	idmap_add(&map, 42, 9);
	CHECK_EQ_SIZE(find(&map, 42, 7), 7, "a key should have its first value");
	CHECK_EQ_SIZE(find(&map, 42, 9), 9, "and its second");
	CHECK_EQ_SIZE(find(&map, 42, 8), UINT32_MAX, "but not another key's");
	CHECK_EQ_SIZE(find(&map, 0, 8), 8, "key 0 should be a key like any other");
	CHECK_EQ_SIZE(find(&map, 43, 0), UINT32_MAX, "a key not added should have no value");
	CHECK_EQ_SIZE(map.count, 3, "three values should be counted");
	enum { N = 100000, CROWD = 100 };
	for (uint32_t k = 1; k <= N; k++)
		idmap_add(&map, k * 0x9E3779B97F4A7C15ull, k);
	for (uint32_t k = 1; k <= CROWD; k++) /* keys with the same low bits: one slot */
		idmap_add(&map, (uint64_t)k << 40, N + k);
	size_t right = 0;
	for (uint32_t k = 1; k <= N; k++)
		right += find(&map, k * 0x9E3779B97F4A7C15ull, 0) == k;
	for (uint32_t k = 1; k <= CROWD; k++)
		right += find(&map, (uint64_t)k << 40, 0) == N + k;
	CHECK_EQ_SIZE(right, N + CROWD, "every key should keep its value while the table grows");
	CHECK(find(&map, 42, 7) == 7 && find(&map, 42, 9) == 9, "and the first keys both theirs");
	CHECK(map.count * 2 <= map.cap, "the table should stay at most half full");
	idmap_clear(&map);
	CHECK(map.cap == 0 && map.keys == NULL, "a large table should be freed, not cleared");
	idmap_add(&map, 5, 1);
	idmap_clear(&map);
	CHECK(map.cap > 0, "a small table should be kept");
	CHECK_EQ_SIZE(find(&map, 5, 0), UINT32_MAX, "and emptied");
	idmap_add(&map, 5, 2);
	CHECK_EQ_SIZE(find(&map, 5, 0), 2, "and work again");
	idmap_free(&map);
}

UNIT_MAIN(UNIT_TEST(test_add_and_repeat), UNIT_TEST(test_growth_keeps_every_key), UNIT_TEST(test_clear),
	  UNIT_TEST(test_map))
