#ifndef NEWSUTILS_WRITER_H
#define NEWSUTILS_WRITER_H

#include <stdbool.h>
#include <stddef.h>

/* Buffered output to stdout or to a file written atomically (a temporary
 * file beside it, renamed into place by writer_close; through a symbolic
 * link, beside its target), compressed when the file name ends in .gz or
 * .zst. Devices and FIFOs are written in place (and compressed by their
 * name too). */
struct writer;

/* Opens path for writing (NULL or "-" for stdout). Returns NULL with a
 * message in err on failure. */
struct writer *writer_open(const char *path, char *err, size_t err_size);
/* Writes n bytes; returns 0, or -1 with writer_errno set. */
int writer_write(struct writer *w, const void *p, size_t n);
/* Flushes, finishes the compressed stream, syncs and renames the temporary
 * file into place, and frees w; returns 0, or -1 with *err_out set to the
 * errno of the failure (the temporary file is then removed). */
int writer_close(struct writer *w, int *err_out);
/* Discards the output: removes the temporary file and frees w. */
void writer_abort(struct writer *w);
/* Returns the name to show in messages. */
const char *writer_name(const struct writer *w);
/* Returns the errno of the last failed write. */
int writer_errno(const struct writer *w);
/* Returns the compression chosen from the name ("none", "gzip", "zstd"). */
const char *writer_compression(const struct writer *w);

#endif
