#ifndef NEWSUTILS_READER_H
#define NEWSUTILS_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A byte stream from a path or stdin, decompressed transparently when its
 * first bytes show gzip, bzip2, xz, zstd or lz4 (lib/decoder), and split
 * into lines. A damaged compressed input gives every byte before the
 * damage, then an error. */
struct reader;

/* Opens path ("-" or NULL for stdin, shown as "<stdin>"). Returns NULL and
 * writes a message to err (of size err_size) on failure. */
struct reader *reader_open(const char *path, char *err, size_t err_size);
/* Reads up to n decompressed bytes; returns the count, 0 at the end, or -1
 * on error (see reader_error). */
ssize_t reader_read(struct reader *r, void *dst, size_t n);
/* Reads the next line, of any length: returns 1 with *line (valid until the
 * next call, NUL-safe, without its '\n') and *has_newline set, 0 at the end
 * of input, or -1 on a read error. */
int reader_getline(struct reader *r, const char **line, size_t *len, bool *has_newline);
/* Returns whether the stream is a plain regular file, so that it can seek. */
bool reader_is_seekable(const struct reader *r);
/* Seeks a seekable stream like lseek; returns the new offset or -1. */
int64_t reader_seek(struct reader *r, int64_t offset, int whence);
/* Returns the name to show in messages ("<stdin>" for standard input). */
const char *reader_name(const struct reader *r);
/* Returns the last error message. */
const char *reader_error(const struct reader *r);
/* Returns the compression detected ("none", "gzip", ...). */
const char *reader_compression(const struct reader *r);
/* Returns how many raw (still compressed) bytes have been consumed. */
uint64_t reader_raw_offset(const struct reader *r);
/* Returns the size of the input file, or -1 when it is not a regular file. */
int64_t reader_raw_size(const struct reader *r);
/* Closes the stream and frees it. */
void reader_close(struct reader *r);

#endif
