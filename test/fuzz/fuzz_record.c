/* The JSON record scanner and rewriter: no input crashes it; an accepted
 * record is written back unchanged byte for byte, and an edited one is
 * still a record that parses. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct record r, again;
	struct json_error err;
	const char *line = (const char *)data;
	if (!record_parse(&r, line, size, &err))
		return 0;
	struct buf out = {0};
	record_serialize(&r, &out);
	if (out.len != size + 1 || memcmp(out.data, line, size) != 0)
		abort(); /* an untouched record must pass through as it was */
	const char *s;
	size_t n;
	if (record_get_string(&r, "text", &s, &n))
		record_set_string(&r, "text", s, n / 2);
	record_set_raw(&r, "tags", "{\"k\":[1,2]}", 11);
	record_remove(&r, "id");
	buf_clear(&out);
	record_serialize(&r, &out);
	if (!record_parse(&again, out.data, out.len - 1, &err))
		abort(); /* an edited record must still be valid JSON */
	buf_free(&out);
	return 0;
}
