#ifndef NEWSUTILS_DECODER_H
#define NEWSUTILS_DECODER_H

#include <stddef.h>
#include <sys/types.h>

/* Streaming decompression of the allowed formats (gzip, bzip2, xz, zstd,
 * lz4 frames), concatenated members included. Done here rather than by
 * libarchive's filters so that a truncated or damaged file still gives
 * every byte before the damage, and so that nothing else (uuencode, an
 * external program) can ever be run. */

enum decoder_kind {
	DECODER_NONE,
	DECODER_GZIP,
	DECODER_BZIP2,
	DECODER_XZ,
	DECODER_ZSTD,
	DECODER_LZ4,
};

struct decoder;

/* Returns the format whose magic number starts p[0..n), or DECODER_NONE. */
enum decoder_kind decoder_sniff(const unsigned char *p, size_t n);
/* Returns the name of a kind ("none", "gzip", ...). */
const char *decoder_name(enum decoder_kind kind);
/* Starts a decoder that pulls compressed bytes from read(ctx, buf, n),
 * which returns a count, 0 at the end, or -1 (with its own message). */
struct decoder *decoder_new(enum decoder_kind kind, ssize_t (*read)(void *, void *, size_t),
			    void *ctx);
/* Decodes up to n bytes into dst: returns the count, 0 at the clean end of
 * the data, or -1 once everything before a damage was returned, with the
 * reason in decoder_error ("truncated gzip input", ...). */
ssize_t decoder_read(struct decoder *d, void *dst, size_t n);
/* Returns why the last decoder_read failed. */
const char *decoder_error(const struct decoder *d);
/* Frees the decoder. */
void decoder_free(struct decoder *d);

#endif
