#include "decoder.h"

#define UNIT_WITH_CODECS
#include "unit.h"

/* A compressed input in memory, handed out at most step bytes at a time
 * so that member boundaries fall at every position of a read. */
struct source {
	const char *data;
	size_t len, pos, step;
	bool fails;
};

static ssize_t source_read(void *ctx, void *dst, size_t n)
{
	struct source *s = ctx;
	if (s->fails)
		return -1;
	size_t k = s->len - s->pos;
	if (k > n)
		k = n;
	if (k > s->step)
		k = s->step;
	memcpy(dst, s->data + s->pos, k);
	s->pos += k;
	return (ssize_t)k;
}

static const enum decoder_kind kinds[UNIT_CODECS] = {
	[UNIT_GZIP] = DECODER_GZIP, [UNIT_BZIP2] = DECODER_BZIP2, [UNIT_XZ] = DECODER_XZ,
	[UNIT_ZSTD] = DECODER_ZSTD, [UNIT_LZ4] = DECODER_LZ4,
};

/* Decodes data[0..len) fed step bytes at a time, out_step bytes out at a
 * time; returns the last decoder_read result (0 clean end, -1 error). */
static int decode(enum unit_codec c, const char *data, size_t len, size_t step, size_t out_step,
		  struct buf *out, struct buf *message)
{
	struct source s = {data, len, 0, step, false};
	struct decoder *d = decoder_new(kinds[c], source_read, &s);
	char chunk[65536];
	ssize_t k;
	size_t guard = 0;
	while ((k = decoder_read(d, chunk, out_step < sizeof chunk ? out_step : sizeof chunk)) > 0) {
		buf_add(out, chunk, (size_t)k);
		if (++guard > 100000000)
			break;
	}
	if (k < 0 && message)
		buf_adds(message, decoder_error(d));
	CHECK(decoder_read(d, chunk, sizeof chunk) == k, "%s: decoder_read should keep giving its last result",
	      unit_codec_name(c));
	decoder_free(d);
	return (int)k;
}

static void test_sniff_and_names(void)
{
	CHECK(decoder_sniff((const unsigned char *)"\x1f\x8b", 2) == DECODER_GZIP, "1F 8B should be gzip");
	CHECK(decoder_sniff((const unsigned char *)"BZh", 3) == DECODER_BZIP2, "BZh should be bzip2");
	CHECK(decoder_sniff((const unsigned char *)"\xfd" "7zXZ\0", 6) == DECODER_XZ, "FD 7zXZ 00 should be xz");
	CHECK(decoder_sniff((const unsigned char *)"\x28\xb5\x2f\xfd", 4) == DECODER_ZSTD, "28 B5 2F FD should be zstd");
	CHECK(decoder_sniff((const unsigned char *)"\x04\x22\x4d\x18", 4) == DECODER_LZ4, "04 22 4D 18 should be lz4");
	CHECK(decoder_sniff((const unsigned char *)"\x28\xb5\x2f", 3) == DECODER_NONE, "a cut zstd magic should be none");
	CHECK(decoder_sniff((const unsigned char *)"", 0) == DECODER_NONE, "no bytes should be none");
	static const char *const names[] = {"none", "gzip", "bzip2", "xz", "zstd", "lz4"};
	for (int k = DECODER_NONE; k <= DECODER_LZ4; k++)
		CHECK_CSTR(decoder_name((enum decoder_kind)k), names[k], "kind %d should be named %s", k, names[k]);
}

static void test_members_at_every_boundary(void)
{
	static const char *const parts[] = {"first member\n", "", "second\r\nmember\0with NUL\n", "x"};
	static const size_t lens[] = {13, 0, 25, 1};
	for (int c = 0; c < UNIT_CODECS; c++) {
		struct buf file = {0}, want = {0};
		for (size_t i = 0; i < 4; i++) {
			unit_compress((enum unit_codec)c, parts[i], lens[i], &file);
			buf_add(&want, parts[i], lens[i]);
		}
		static const size_t steps[] = {1, 2, 3, 5, 7, 4096};
		for (size_t i = 0; i < sizeof steps / sizeof *steps; i++) {
			struct buf out = {0}, message = {0};
			int rc = decode((enum unit_codec)c, file.data, file.len, steps[i], 3, &out, &message);
			CHECK(rc == 0, "%s fed %zu bytes at a time should end cleanly (%s)", unit_codec_name((enum unit_codec)c),
			      steps[i], message.data ? message.data : "");
			CHECK_STR(out.data, out.len, want.data, want.len, "%s fed %zu bytes at a time should decode every member",
				  unit_codec_name((enum unit_codec)c), steps[i]);
			buf_free(&out);
			buf_free(&message);
		}
		buf_free(&file);
		buf_free(&want);
	}
}

static void test_every_cut(void)
{
	for (int c = 0; c < UNIT_CODECS; c++) {
		const char *name = unit_codec_name((enum unit_codec)c);
		struct buf file = {0};
		unit_compress((enum unit_codec)c, "hello, world\n", 13, &file);
		size_t first = file.len;
		unit_compress((enum unit_codec)c, "again\n", 6, &file);
		size_t wrong_end = 0, not_prefix = 0;
		for (size_t cut = 1; cut < file.len; cut++) {
			for (size_t step = 1; step <= 4096; step *= 4096) {
				struct buf out = {0};
				int rc = decode((enum unit_codec)c, file.data, cut, step, 4096, &out, NULL);
				/* Only a cut between the two members is a clean end. */
				wrong_end += (rc == 0) != (cut == first);
				not_prefix += out.len > 19 || memcmp(out.data ? out.data : "", "hello, world\nagain\n", out.len) != 0;
				buf_free(&out);
			}
		}
		CHECK_EQ_SIZE(wrong_end, 0, "%s cut anywhere but between members should be an error", name);
		CHECK_EQ_SIZE(not_prefix, 0, "%s cut anywhere should only give bytes of the original", name);
		buf_free(&file);
	}
}

static void test_cut_keeps_what_came_before(void)
{
	enum { SIZE = 1 << 20 };
	char *text = xmalloc(SIZE);
	unit_fill_text(text, SIZE);
	for (int c = 0; c < UNIT_CODECS; c++) {
		const char *name = unit_codec_name((enum unit_codec)c);
		struct buf file = {0}, out = {0}, message = {0};
		unit_compress((enum unit_codec)c, text, SIZE, &file);
		int rc = decode((enum unit_codec)c, file.data, file.len * 3 / 4, 65536, 65536, &out, &message);
		CHECK(rc == -1, "%s cut at three quarters should be an error", name);
		char want[64];
		snprintf(want, sizeof want, "truncated %s input", name);
		CHECK_CSTR(message.data, want, "%s cut at three quarters should say truncated", name);
		CHECK(out.len >= SIZE / 4 && out.len < SIZE && memcmp(out.data, text, out.len) == 0,
		      "%s cut at three quarters should first give a good part of what came before (got %zu)", name,
		      out.len);
		buf_free(&file);
		buf_free(&out);
		buf_free(&message);
	}
	free(text);
}

static void test_garbage_and_padding(void)
{
	for (int c = 0; c < UNIT_CODECS; c++) {
		const char *name = unit_codec_name((enum unit_codec)c);
		struct buf file = {0}, out = {0}, message = {0};
		unit_compress((enum unit_codec)c, "data\n", 5, &file);
		size_t member = file.len;
		static const char zeros[1000];
		buf_add(&file, zeros, sizeof zeros);
		CHECK(decode((enum unit_codec)c, file.data, file.len, 4096, 4096, &out, &message) == 0,
		      "%s: zero padding after the last member should end cleanly (%s)", name,
		      message.data ? message.data : "");
		CHECK_BUF(out, "data\n", "%s: zero padding should add nothing", name);
		buf_clear(&out);
		buf_clear(&message);

		file.len = member;
		buf_adds(&file, "{\"not\":\"compressed\"}\n");
		CHECK(decode((enum unit_codec)c, file.data, file.len, 4096, 4096, &out, &message) == -1,
		      "%s: plain text after the data should be an error", name);
		CHECK_BUF(out, "data\n", "%s: the data before the garbage should come out", name);
		CHECK(message.data && strstr(message.data, "trailing garbage"),
		      "%s: the error should name the trailing garbage, not \"%s\"", name,
		      message.data ? message.data : "");
		buf_clear(&out);
		buf_clear(&message);
		CHECK(decode((enum unit_codec)c, file.data, file.len, 1, 4096, &out, &message) == -1,
		      "%s: garbage fed a byte at a time should still be an error", name);
		buf_free(&file);
		buf_free(&out);
		buf_free(&message);
	}
}

static void test_damaged(void)
{
	enum { SIZE = 200000 };
	char *text = xmalloc(SIZE);
	unit_fill_text(text, SIZE);
	for (int c = 0; c < UNIT_CODECS; c++) {
		const char *name = unit_codec_name((enum unit_codec)c);
		struct buf file = {0}, out = {0}, message = {0};
		unit_compress((enum unit_codec)c, text, SIZE, &file);
		for (size_t k = file.len / 2; k < file.len / 2 + 16; k++)
			file.data[k] = (char)~file.data[k];
		CHECK(decode((enum unit_codec)c, file.data, file.len, 65536, 65536, &out, &message) == -1,
		      "%s with damaged bytes should be an error", name);
		CHECK(message.data && strstr(message.data, "corrupt") && strstr(message.data, name),
		      "%s: the error should say corrupt and name the format, not \"%s\"", name,
		      message.data ? message.data : "");
		buf_free(&file);
		buf_free(&out);
		buf_free(&message);
	}
	free(text);
}

/* zstd skippable frames, which pzstd writes before every frame, are
 * sniffed as zstd and passed over between frames. */
static void test_zstd_skippable_frames(void)
{
	struct buf file = {0}, out = {0}, message = {0};
	for (int i = 0; i < 2; i++) {
		buf_add(&file, "\x50\x2a\x4d\x18\x04\x00\x00\x00" "skip", 12);
		unit_compress(UNIT_ZSTD, i ? "b\n" : "a\n", 2, &file);
	}
	CHECK(decoder_sniff((const unsigned char *)file.data, 8) == DECODER_ZSTD,
	      "a skippable frame first (as pzstd writes) should be sniffed as zstd");
	CHECK(decode(UNIT_ZSTD, file.data, file.len, 4096, 4096, &out, &message) == 0,
	      "skippable frames between zstd frames should be skipped (%s)", message.data ? message.data : "");
	CHECK_BUF(out, "a\nb\n", "skippable frames should add nothing");
	buf_free(&file);
	buf_free(&out);
	buf_free(&message);
}

static void test_read_error(void)
{
	struct source s = {"", 0, 0, 1, true};
	struct decoder *d = decoder_new(DECODER_GZIP, source_read, &s);
	char chunk[16];
	CHECK(decoder_read(d, chunk, sizeof chunk) == -1, "a failing read should be an error");
	CHECK_CSTR(decoder_error(d), "read error in gzip input", "a failing read should be named");
	decoder_free(d);
	decoder_free(NULL);

	s.fails = false;
	for (int k = DECODER_GZIP; k <= DECODER_LZ4; k++) {
		s.pos = 0;
		d = decoder_new((enum decoder_kind)k, source_read, &s);
		CHECK(decoder_read(d, chunk, sizeof chunk) == 0,
		      "%s: an empty input should be a clean end", decoder_name((enum decoder_kind)k));
		decoder_free(d);
	}
}

UNIT_MAIN(UNIT_TEST(test_sniff_and_names), UNIT_TEST(test_members_at_every_boundary),
	  UNIT_TEST(test_every_cut), UNIT_TEST(test_cut_keeps_what_came_before),
	  UNIT_TEST(test_garbage_and_padding), UNIT_TEST(test_damaged), UNIT_TEST(test_read_error),
	  UNIT_TEST(test_zstd_skippable_frames))
