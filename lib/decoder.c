#include "decoder.h"

#include <bzlib.h>
#include <ctype.h>
#include <lz4frame.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "buf.h"

enum { INPUT = 256 * 1024 };

struct decoder {
	enum decoder_kind kind;
	ssize_t (*read)(void *, void *, size_t);
	void *ctx;
	unsigned char *in;
	size_t in_pos, in_len;
	bool is_input_done;  /* read returned 0 */
	bool is_in_stream;   /* a member has started and not ended */
	bool is_failed;
	bool is_done;
	char error[160];
	z_stream z;
	bz_stream bz;
	lzma_stream xz;
	ZSTD_DStream *zstd;
	LZ4F_dctx *lz4;
};

/* A skippable frame (RFC 8878 3.1.2; pzstd writes one before every frame,
 * and lz4 frames allow them too): magic 0x184D2A50-5F, little-endian. */
static bool is_skippable(const unsigned char *p, size_t n)
{
	return n >= 4 && (p[0] & 0xF0) == 0x50 && memcmp(p + 1, "\x2a\x4d\x18", 3) == 0;
}

enum decoder_kind decoder_sniff(const unsigned char *p, size_t n)
{
	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return DECODER_GZIP;
	if (n >= 3 && memcmp(p, "BZh", 3) == 0)
		return DECODER_BZIP2;
	if (n >= 6 && memcmp(p, "\xfd" "7zXZ\0", 6) == 0)
		return DECODER_XZ;
	if (n >= 4 && (memcmp(p, "\x28\xb5\x2f\xfd", 4) == 0 || is_skippable(p, n)))
		return DECODER_ZSTD;
	if (n >= 4 && memcmp(p, "\x04\x22\x4d\x18", 4) == 0)
		return DECODER_LZ4;
	return DECODER_NONE;
}

const char *decoder_name(enum decoder_kind kind)
{
	static const char *const names[] = {"none", "gzip", "bzip2", "xz", "zstd", "lz4"};
	return names[kind];
}

static void set_error(struct decoder *d, const char *fmt, const char *detail)
{
	/* Library texts as messages are written: lowercase, no "ERROR_". */
	char text[96] = "";
	if (detail) {
		if (strncmp(detail, "ERROR_", 6) == 0)
			detail += 6;
		size_t k = 0;
		for (; detail[k] && k + 1 < sizeof text; k++)
			text[k] = detail[k] == '_' ? ' ' : (char)tolower((unsigned char)detail[k]);
		text[k] = '\0';
	}
	snprintf(d->error, sizeof d->error, fmt, decoder_name(d->kind), text);
	d->is_failed = true;
}

/* (Re)starts the state for a new member. */
static bool start_member(struct decoder *d)
{
	switch (d->kind) {
	case DECODER_GZIP:
		inflateEnd(&d->z);
		memset(&d->z, 0, sizeof d->z);
		if (inflateInit2(&d->z, 15 + 16) != Z_OK)
			return false;
		break;
	case DECODER_BZIP2:
		BZ2_bzDecompressEnd(&d->bz);
		memset(&d->bz, 0, sizeof d->bz);
		if (BZ2_bzDecompressInit(&d->bz, 0, 0) != BZ_OK)
			return false;
		break;
	case DECODER_XZ:
		lzma_end(&d->xz);
		memset(&d->xz, 0, sizeof d->xz);
		if (lzma_stream_decoder(&d->xz, UINT64_MAX, 0) != LZMA_OK)
			return false;
		break;
	case DECODER_ZSTD:
		ZSTD_initDStream(d->zstd);
		break;
	case DECODER_LZ4:
		LZ4F_resetDecompressionContext(d->lz4);
		break;
	default:
		break;
	}
	return true;
}

struct decoder *decoder_new(enum decoder_kind kind, ssize_t (*read)(void *, void *, size_t),
			    void *ctx)
{
	struct decoder *d = xcalloc(1, sizeof *d);
	d->kind = kind;
	d->read = read;
	d->ctx = ctx;
	d->in = xmalloc(INPUT);
	if (kind == DECODER_ZSTD)
		d->zstd = ZSTD_createDStream();
	if (kind == DECODER_LZ4 && LZ4F_isError(LZ4F_createDecompressionContext(&d->lz4, LZ4F_VERSION)))
		d->lz4 = NULL;
	bool ok = (kind != DECODER_ZSTD || d->zstd) && (kind != DECODER_LZ4 || d->lz4);
	if (!ok || !start_member(d))
		set_error(d, "cannot start the %s decoder%s", NULL);
	return d;
}

/* Makes compressed input available; false when there is none left. */
static bool refill(struct decoder *d)
{
	if (d->in_pos < d->in_len)
		return true;
	if (d->is_input_done)
		return false;
	ssize_t k = d->read(d->ctx, d->in, INPUT);
	if (k < 0) {
		set_error(d, "read error in %s input%s", NULL);
		return false;
	}
	if (k == 0) {
		d->is_input_done = true;
		return false;
	}
	d->in_pos = 0;
	d->in_len = (size_t)k;
	return true;
}

/* Runs the codec once; returns bytes produced, sets *ended at a member's
 * end, and -1 on corrupt data. */
static ssize_t step(struct decoder *d, unsigned char *dst, size_t n, bool *ended)
{
	size_t avail = d->in_len - d->in_pos;
	const unsigned char *src = d->in + d->in_pos;
	*ended = false;
	if (n > UINT32_MAX)
		n = UINT32_MAX;
	switch (d->kind) {
	case DECODER_GZIP: {
		d->z.next_in = (unsigned char *)(uintptr_t)src;
		d->z.avail_in = (unsigned)avail;
		d->z.next_out = dst;
		d->z.avail_out = (unsigned)n;
		int rc = inflate(&d->z, Z_NO_FLUSH);
		d->in_pos += avail - d->z.avail_in;
		if (rc == Z_STREAM_END)
			*ended = true;
		else if (rc != Z_OK && rc != Z_BUF_ERROR) {
			set_error(d, "corrupt %s data: %s", d->z.msg ? d->z.msg : "invalid data");
		}
		/* What was decoded before the damage is handed out too. */
		return (ssize_t)(n - d->z.avail_out);
	}
	case DECODER_BZIP2: {
		d->bz.next_in = (char *)(uintptr_t)src;
		d->bz.avail_in = (unsigned)avail;
		d->bz.next_out = (char *)dst;
		d->bz.avail_out = (unsigned)n;
		int rc = BZ2_bzDecompress(&d->bz);
		d->in_pos += avail - d->bz.avail_in;
		if (rc == BZ_STREAM_END)
			*ended = true;
		else if (rc != BZ_OK)
			set_error(d, "corrupt %s data%s", NULL);
		return (ssize_t)(n - d->bz.avail_out);
	}
	case DECODER_XZ: {
		d->xz.next_in = src;
		d->xz.avail_in = avail;
		d->xz.next_out = dst;
		d->xz.avail_out = n;
		lzma_ret rc = lzma_code(&d->xz, LZMA_RUN);
		d->in_pos += avail - d->xz.avail_in;
		if (rc == LZMA_STREAM_END)
			*ended = true;
		else if (rc != LZMA_OK && rc != LZMA_BUF_ERROR)
			set_error(d, "corrupt %s data%s", NULL);
		return (ssize_t)(n - d->xz.avail_out);
	}
	case DECODER_ZSTD: {
		ZSTD_inBuffer in = {src, avail, 0};
		ZSTD_outBuffer out = {dst, n, 0};
		size_t rc = ZSTD_decompressStream(d->zstd, &out, &in);
		d->in_pos += in.pos;
		if (ZSTD_isError(rc))
			set_error(d, "corrupt %s data: %s", ZSTD_getErrorName(rc));
		*ended = !ZSTD_isError(rc) && rc == 0;
		return (ssize_t)out.pos;
	}
	case DECODER_LZ4: {
		size_t out_size = n, in_size = avail;
		size_t rc = LZ4F_decompress(d->lz4, dst, &out_size, src, &in_size, NULL);
		d->in_pos += in_size;
		if (LZ4F_isError(rc))
			set_error(d, "corrupt %s data: %s", LZ4F_getErrorName(rc));
		*ended = !LZ4F_isError(rc) && rc == 0;
		return (ssize_t)out_size;
	}
	default:
		return -1;
	}
}

ssize_t decoder_read(struct decoder *d, void *dst, size_t n)
{
	size_t produced = 0;
	unsigned char *out = dst;
	while (produced < n && !d->is_failed && !d->is_done) {
		if (!refill(d)) {
			if (d->is_failed)
				break;
			/* The input ended: cleanly only between members. */
			if (d->is_in_stream)
				set_error(d, "truncated %s input%s", NULL);
			else
				d->is_done = true;
			break;
		}
		if (!d->is_in_stream) {
			/* A new member must start with the magic number again; zero
			 * padding after the last one (tape blocks) is allowed. */
			size_t avail = d->in_len - d->in_pos;
			const unsigned char *p = d->in + d->in_pos;
			if (p[0] == 0) {
				size_t z = 0;
				while (z < avail && p[z] == 0)
					z++;
				d->in_pos += z;
				continue;
			}
			if (decoder_sniff(p, avail) != d->kind && !is_skippable(p, avail) &&
			    avail >= 6) {
				set_error(d, "trailing garbage after %s data%s", NULL);
				break;
			}
			if (!start_member(d)) {
				set_error(d, "cannot restart the %s decoder%s", NULL);
				break;
			}
			d->is_in_stream = true;
		}
		bool ended;
		ssize_t k = step(d, out + produced, n - produced, &ended);
		if (k < 0)
			break;
		produced += (size_t)k;
		if (d->is_failed)
			break;
		if (ended)
			d->is_in_stream = false;
	}
	/* Everything decoded is handed out before the error is. */
	if (produced)
		return (ssize_t)produced;
	return d->is_failed ? -1 : 0;
}

const char *decoder_error(const struct decoder *d)
{
	return d->error;
}

void decoder_free(struct decoder *d)
{
	if (!d)
		return;
	switch (d->kind) {
	case DECODER_GZIP: inflateEnd(&d->z); break;
	case DECODER_BZIP2: BZ2_bzDecompressEnd(&d->bz); break;
	case DECODER_XZ: lzma_end(&d->xz); break;
	case DECODER_ZSTD: ZSTD_freeDStream(d->zstd); break;
	case DECODER_LZ4: LZ4F_freeDecompressionContext(d->lz4); break;
	default: break;
	}
	free(d->in);
	free(d);
}
