#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#define XXH_STATIC_LINKING_ONLY /* XXH3_state_t on the stack */
#include <xxhash.h>

#include "buf.h"
#include "diag.h"

/* Format version 3, little-endian throughout (version 1 kept each
 * signature value whole, 4 bytes; version 2 their low 16 bits, and no
 * band keys):
 *
 *   header (64 bytes)
 *     0  "NDEDUPIX"
 *     8  u32 version (3)
 *    12  u32 flags: 1 signatures kept (near mode), 2 keyed by a field
 *    16  u32 shingle, u32 hashes, u32 bands
 *    28  u32 length of the key field's name
 *    32  u64 seed of the hash functions
 *    40  u64 records
 *    48  u32 rows
 *    52  12 bytes of zeros (reserved)
 *   the key field's name
 *   each record, in the order it was kept:
 *     u64 key lo, u64 key hi, u32 id length, u8 1 if a signature follows,
 *     the id, the kept signature (hashes / 2 bytes: each value's low 4
 *     bits, the first of two in the low half of a byte)
 *   band keys: for each band, a u32 for each record with a signature, in
 *     the order of the records
 *   trailer: "NDEDUPND", u64 XXH3-64 of every byte before the trailer
 */

#define MAGIC "NDEDUPIX"
#define END_MAGIC "NDEDUPND"
enum { VERSION = 3, HEADER = 64, FLAG_NEAR = 1, FLAG_KEY = 2 };

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t get32(const unsigned char *p)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++)
		v |= (uint32_t)p[i] << (8 * i);
	return v;
}

static uint64_t get64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* ---- reading ---------------------------------------------------------- */

struct reader {
	FILE *f;
	XXH3_state_t hash;
	bool io_error;
};

/* Reads n bytes into p, hashing them; false at the end of the file or on
 * a read error (io_error). */
static bool get(struct reader *r, void *p, size_t n)
{
	if (fread(p, 1, n, r->f) != n) {
		r->io_error = ferror(r->f) != 0;
		return false;
	}
	XXH3_64bits_update(&r->hash, p, n);
	return true;
}

/* Sets why and returns status. */
static enum store_status fail(char *why, size_t why_len, enum store_status status,
			      const char *what)
{
	snprintf(why, why_len, "%s", what);
	return status;
}

/* A short read: a read error, or what, damage. */
static enum store_status short_read(const struct reader *r, char *why, size_t why_len,
				    const char *what)
{
	if (r->io_error)
		return fail(why, why_len, STORE_IO, strerror(errno));
	return fail(why, why_len, STORE_DAMAGED, what);
}

enum store_status store_read(FILE *f, uint64_t size, const struct store_setup *setup,
			     struct dedup_index *x, char *why, size_t why_len)
{
	struct reader r = {.f = f};
	XXH3_64bits_reset(&r.hash);
	unsigned char h[HEADER];
	size_t got = fread(h, 1, HEADER, f);
	if (ferror(f))
		return fail(why, why_len, STORE_IO, strerror(errno));
	if (got < 8 || memcmp(h, MAGIC, 8) != 0)
		return fail(why, why_len, STORE_NOT_INDEX, "not an ndedup index");
	if (got < HEADER)
		return fail(why, why_len, STORE_DAMAGED, "cut short in its header");
	XXH3_64bits_update(&r.hash, h, HEADER);
	uint32_t version = get32(h + 8);
	if (version != VERSION) {
		snprintf(why, why_len,
			 "an ndedup index of format version %" PRIu32 "; this ndedup reads version %d",
			 version, VERSION);
		return STORE_VERSION;
	}
	uint32_t flags = get32(h + 12), shingle = get32(h + 16), hashes = get32(h + 20),
		 bands = get32(h + 24), key_len = get32(h + 28);
	uint64_t seed = get64(h + 32), count = get64(h + 40);
	uint32_t rows = get32(h + 48);
	for (int i = 52; i < HEADER; i++)
		if (h[i])
			return fail(why, why_len, STORE_DAMAGED, "reserved header bytes are not zero");
	/* No length read from the file may pass its end: a damaged one must
	 * not make ndedup allocate what it claims. */
	if ((flags & ~(uint32_t)(FLAG_NEAR | FLAG_KEY)) || key_len > 4096 || count > UINT32_MAX ||
	    count > size / 21 || !hashes || hashes > 4096 || hashes % 16 || !bands || !rows ||
	    rows > DEDUP_MAX_ROWS || (uint64_t)bands * rows > hashes || !shingle)
		return fail(why, why_len, STORE_DAMAGED, "its header makes no sense");
	char key[4097];
	if (!get(&r, key, key_len))
		return short_read(&r, why, why_len, "cut short in its header");
	key[key_len] = '\0';
	if (memchr(key, '\0', key_len) || ((flags & FLAG_KEY) != 0) != (key_len != 0))
		return fail(why, why_len, STORE_DAMAGED, "its key field makes no sense");

	/* Built otherwise: its keys or signatures mean something else. That
	 * is said once the file is known to be whole (a damaged header is
	 * damage, not other settings); its records are then not loaded. */
	const struct dedup_params *p = &setup->params;
	bool near = flags & FLAG_NEAR;
	const char *want_key = setup->key ? setup->key : "";
	char other[256] = "";
	if (strcmp(key, want_key) != 0) {
		if (key_len)
			snprintf(other, sizeof other, "was built with --key %.64s: run with it", key);
		else
			snprintf(other, sizeof other,
				 "was built from the text, not a field: run without --key");
	} else if (near != setup->near) {
		snprintf(other, sizeof other, "was built %s: run %s --exact",
			 near ? "with near duplicates" : "for exact duplicates only",
			 near ? "without" : "with");
	} else if (near && (shingle != p->shingle || hashes != p->hashes || bands != p->bands ||
			    rows != p->rows || seed != p->seed)) {
		snprintf(other, sizeof other,
			 "was built with --shingle %" PRIu32 " --hashes %" PRIu32 " --bands %" PRIu32
			 " --rows %" PRIu32 ": run with those",
			 shingle, hashes, bands, rows);
	}

	enum store_status status = STORE_OK;
	struct buf id = {0};
	size_t sig_bytes = dedup_kept_bytes(hashes);
	uint8_t *sig = xmalloc(sig_bytes);
	uint64_t signed_records = 0;
	for (uint64_t i = 0; i < count && status == STORE_OK; i++) {
		unsigned char rec[21];
		if (!get(&r, rec, sizeof rec)) {
			status = short_read(&r, why, why_len, "cut short (a record is missing)");
			break;
		}
		struct dedup_key k = {get64(rec), get64(rec + 8)};
		uint32_t id_len = get32(rec + 16);
		bool has_sig = rec[20] == 1;
		if (rec[20] > 1 || (has_sig && !near) || id_len > (1u << 30) || id_len > size) {
			status = fail(why, why_len, STORE_DAMAGED, "a record makes no sense");
			break;
		}
		buf_clear(&id);
		buf_reserve(&id, id_len);
		if (!get(&r, id.data, id_len) || (has_sig && !get(&r, sig, sig_bytes))) {
			status = short_read(&r, why, why_len, "cut short (a record is missing)");
			break;
		}
		signed_records += has_sig;
		if (other[0])
			continue;
		if (dedup_index_exact(x, k) != UINT32_MAX)
			status = fail(why, why_len, STORE_DAMAGED, "a key is there twice");
		else
			dedup_index_add_kept(x, id.data ? id.data : "", id_len, k, has_sig ? sig : NULL);
	}
	buf_free(&id);
	free(sig);
	/* The band keys, band after band, of the records with a signature. */
	for (uint32_t b = 0; b < bands && signed_records && status == STORE_OK; b++) {
		uint32_t rec = 0;
		for (uint64_t i = 0; i < signed_records; i++) {
			unsigned char v[4];
			if (!get(&r, v, sizeof v)) {
				status = short_read(&r, why, why_len, "cut short (band keys are missing)");
				break;
			}
			if (other[0])
				continue;
			while (!dedup_index_sig(x, rec))
				rec++; /* there are signed_records with one */
			dedup_index_add_band(x, b, get32(v), rec++);
		}
	}
	if (status != STORE_OK)
		return status;
	uint64_t sum = XXH3_64bits_digest(&r.hash);
	unsigned char t[17];
	size_t tail = fread(t, 1, sizeof t, f);
	if (ferror(f))
		return fail(why, why_len, STORE_IO, strerror(errno));
	if (tail < 16)
		return fail(why, why_len, STORE_DAMAGED, "cut short (its trailer is missing)");
	if (tail > 16)
		return fail(why, why_len, STORE_DAMAGED, "bytes after its trailer");
	if (memcmp(t, END_MAGIC, 8) != 0 || get64(t + 8) != sum)
		return fail(why, why_len, STORE_DAMAGED, "its checksum does not match");
	if (other[0])
		return fail(why, why_len, STORE_OTHER, other);
	return STORE_OK;
}

bool store_load(const char *path, const struct store_setup *setup, struct dedup_index *x)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		if (errno == ENOENT)
			return false; /* the first run: everything is new */
		die("%s: %s", path, strerror(errno));
	}
	struct stat st;
	uint64_t size = fstat(fileno(f), &st) == 0 && st.st_size > 0 ? (uint64_t)st.st_size
								    : UINT64_MAX;
	char why[320];
	enum store_status status = store_read(f, size, setup, x, why, sizeof why);
	fclose(f);
	switch (status) {
	case STORE_OK:
		return true;
	case STORE_DAMAGED:
		die("%s: damaged ndedup index: %s", path, why);
	case STORE_OTHER:
		die_usage("%s %s", path, why);
	case STORE_NOT_INDEX:
	case STORE_VERSION:
	case STORE_IO:
		break;
	}
	die("%s: %s", path, why);
}

/* ---- writing ---------------------------------------------------------- */

struct writer_state {
	FILE *f;
	const char *tmp, *path;
	XXH3_state_t hash;
};

static _Noreturn void write_failed(struct writer_state *w)
{
	int err = errno;
	if (w->f)
		fclose(w->f);
	unlink(w->tmp);
	diag_forget_temp(w->tmp);
	die("%s: cannot write the index (%s); it is as it was", w->path, strerror(err));
}

static void put(struct writer_state *w, const void *p, size_t n)
{
	if (n && fwrite(p, 1, n, w->f) != n)
		write_failed(w);
	XXH3_64bits_update(&w->hash, p, n);
}

/* Flushes the directory of path, so that a rename in it is on disk. */
static void sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	struct buf dir = {0};
	if (!slash)
		buf_adds(&dir, ".");
	else if (slash == path)
		buf_adds(&dir, "/");
	else
		buf_add(&dir, path, (size_t)(slash - path));
	buf_addc(&dir, '\0');
	int fd = open(dir.data, O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		/* Some file systems refuse fsync on a directory: the rename is
		 * done all the same, and the file whole. */
		(void)fsync(fd);
		close(fd);
	}
	buf_free(&dir);
}

void store_save(const char *path, const struct store_setup *setup, const struct dedup_index *x)
{
	struct buf tmp = {0};
	buf_adds(&tmp, path);
	buf_adds(&tmp, ".ndedup-tmp");
	buf_addc(&tmp, '\0');
	struct writer_state w = {.tmp = tmp.data, .path = path};
	/* A file left by a run killed while it wrote is written over; one
	 * that another ndedup is writing (it holds the lock, which the
	 * system drops with a killed process) is not. */
	int fd = open(w.tmp, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0)
		write_failed(&w);
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		die("%s: another ndedup is writing this index (%s is locked); it is as that one "
		    "leaves it",
		    path, w.tmp);
	}
	diag_track_temp(w.tmp);
	if (ftruncate(fd, 0) != 0 || !(w.f = fdopen(fd, "wb"))) {
		close(fd);
		write_failed(&w);
	}
	XXH3_64bits_reset(&w.hash);
	const struct dedup_params *p = &setup->params;
	size_t key_len = setup->key ? strlen(setup->key) : 0;
	uint32_t count = dedup_index_count(x);
	unsigned char h[HEADER] = {0};
	memcpy(h, MAGIC, 8);
	put32(h + 8, VERSION);
	put32(h + 12, (setup->near ? FLAG_NEAR : 0) | (setup->key ? FLAG_KEY : 0));
	put32(h + 16, p->shingle);
	put32(h + 20, p->hashes);
	put32(h + 24, p->bands);
	put32(h + 28, (uint32_t)key_len);
	put64(h + 32, p->seed);
	put64(h + 40, count);
	put32(h + 48, p->rows);
	put(&w, h, sizeof h);
	put(&w, setup->key ? setup->key : "", key_len);
	uint32_t signed_records = 0;
	for (uint32_t i = 0; i < count; i++) {
		size_t id_len;
		const char *id = dedup_index_id(x, i, &id_len);
		const uint8_t *sig = dedup_index_sig(x, i);
		struct dedup_key key = dedup_index_key(x, i);
		unsigned char rec[21];
		put64(rec, key.lo);
		put64(rec + 8, key.hi);
		put32(rec + 16, (uint32_t)id_len);
		rec[20] = sig != NULL;
		put(&w, rec, sizeof rec);
		put(&w, id, id_len);
		if (sig) {
			put(&w, sig, dedup_kept_bytes(p->hashes));
			signed_records++;
		}
	}
	if (signed_records) {
		/* 4 bytes a record for a moment: the band's keys in record order */
		uint32_t *keys = xmalloc((size_t)count * sizeof *keys);
		unsigned char raw[4096];
		for (uint32_t b = 0; b < p->bands; b++) {
			dedup_index_band_keys(x, b, keys);
			size_t n = 0;
			for (uint32_t i = 0; i < count; i++) {
				if (!dedup_index_sig(x, i))
					continue;
				put32(raw + n, keys[i]);
				n += 4;
				if (n == sizeof raw) {
					put(&w, raw, n);
					n = 0;
				}
			}
			put(&w, raw, n);
		}
		free(keys);
	}
	unsigned char t[16];
	memcpy(t, END_MAGIC, 8);
	put64(t + 8, XXH3_64bits_digest(&w.hash));
	if (fwrite(t, 1, sizeof t, w.f) != sizeof t || fflush(w.f) != 0 || fsync(fileno(w.f)) != 0)
		write_failed(&w);
	if (fclose(w.f) != 0) {
		w.f = NULL;
		write_failed(&w);
	}
	w.f = NULL;
	if (rename(w.tmp, path) != 0)
		write_failed(&w);
	diag_forget_temp(w.tmp);
	sync_dir(path);
	buf_free(&tmp);
}
