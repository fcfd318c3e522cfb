/* The decompressors: damaged or hostile input of every allowed kind ends
 * in data or an error, never a crash or a hang. The first byte picks the
 * kind so that the fuzzer reaches each decoder. */
#include <stdint.h>
#include <string.h>

#include "decoder.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct source {
	const uint8_t *p;
	size_t left;
};

static ssize_t source_read(void *ctx, void *dst, size_t n)
{
	struct source *s = ctx;
	/* Small pieces, to exercise members split across reads. */
	size_t k = n < 97 ? n : 97;
	if (k > s->left)
		k = s->left;
	memcpy(dst, s->p, k);
	s->p += k;
	s->left -= k;
	return (ssize_t)k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	enum decoder_kind kind = (enum decoder_kind)(1 + data[0] % 5);
	struct source src = {data + 1, size - 1};
	struct decoder *d = decoder_new(kind, source_read, &src);
	static char out[1 << 16];
	uint64_t total = 0;
	ssize_t k;
	while ((k = decoder_read(d, out, sizeof out)) > 0 && total < (64u << 20))
		total += (uint64_t)k;
	decoder_free(d);
	return 0;
}
