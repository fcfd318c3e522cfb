/* ndedup's index reader on any bytes: no input crashes it or makes it
 * allocate more than the input could hold, every refusal says why, and a
 * second read of the same bytes says the same. Each input is read with
 * ndedup's defaults, with --exact and with --key url. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dedup.h"
#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum store_status read_once(const uint8_t *data, size_t size,
				   const struct store_setup *setup, uint32_t *count)
{
	FILE *f = fmemopen((void *)(uintptr_t)data, size, "rb");
	if (!f)
		return STORE_IO; /* fmemopen refuses size 0 on some systems */
	struct dedup_index *x = dedup_index_new(&setup->params);
	char why[320];
	enum store_status status = store_read(f, size, setup, x, why, sizeof why);
	fclose(f);
	if (status != STORE_OK && !why[0])
		abort(); /* every refusal says why */
	*count = dedup_index_count(x);
	dedup_index_free(x);
	return status;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct store_setup setups[] = {
		{dedup_defaults, NULL, true},   /* the defaults */
		{dedup_defaults, NULL, false},  /* --exact */
		{dedup_defaults, "url", false}, /* --key url */
	};
	for (size_t i = 0; i < sizeof setups / sizeof *setups; i++) {
		uint32_t first, second;
		enum store_status a = read_once(data, size, &setups[i], &first);
		enum store_status b = read_once(data, size, &setups[i], &second);
		if (a != b || (a == STORE_OK && first != second))
			abort(); /* the same bytes, another answer */
	}
	return 0;
}
