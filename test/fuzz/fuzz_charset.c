/* Encoding detection and conversion: whatever the bytes, the result is
 * valid UTF-8. */
#include <stdint.h>
#include <stdlib.h>

#include "charset.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const declared[] = {NULL, "utf-8", "iso-8859-9", "euc-jp", "nonsense"};
	const char *s = (const char *)data;
	struct buf out = {0};
	size_t replaced;
	charset_to_utf8(s, size, declared[size % 5], &out, &replaced);
	if (!utf8_is_valid(out.data ? out.data : "", out.len))
		abort();
	char name[64];
	charset_from_content_type(s, size, name, sizeof name);
	buf_free(&out);
	return 0;
}
