#ifndef NEWSUTILS_PROGRESS_H
#define NEWSUTILS_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

/* A one-line progress report on stderr, redrawn a few times a second:
 * records, MB/s and, when the input size is known, percent done. */
struct progress {
	bool is_enabled;
	bool is_tty;
	double started, last;
	bool drawn;
};

/* Enables the report when mode is 1, disables it when 0, and when -1
 * enables it only if stderr is a terminal. */
void progress_init(struct progress *p, int mode);
/* Redraws the line if enough time has passed; total 0 means unknown. */
void progress_update(struct progress *p, uint64_t records, uint64_t bytes, uint64_t done,
		     uint64_t total);
/* Erases the line so that later messages start on a clean line. */
void progress_end(struct progress *p);

#endif
