/* Bench driver: the record library's scan rate.
 *
 * usage: scan FILE...
 *
 * Reads the JSON Lines files as one stream with jsonl_open/jsonl_next (the
 * way every filter reads its input), looks up "text" in every record with
 * record_get_string, and prints one line of key=value figures:
 *
 *   bytes=N records=N rejected=N text_bytes=N seconds=S mb_per_s=R
 *
 * where bytes counts the (decompressed) JSONL bytes scanned, text_bytes the
 * lengths of the unescaped texts (printed so the lookups cannot be
 * optimised away) and MB is 10^6 bytes. Writes no records. Exits 1 if an
 * input could not be read or a line was rejected. */

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "diag.h"
#include "jsonl.h"
#include "record.h"
#include "stats.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	diag_init("scan");
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fprintf(argc < 2 ? stderr : stdout, "usage: scan FILE...\n");
		return argc < 2 ? 2 : 0;
	}

	struct stats stats;
	stats_init(&stats, "scan");
	struct jsonl j;
	uint64_t records = 0, text_bytes = 0;

	double t0 = now();
	jsonl_open(&j, argv + 1, (size_t)(argc - 1), &stats, NULL);
	struct record *r;
	while ((r = jsonl_next(&j))) {
		const char *text;
		size_t n;
		if (record_get_string(r, "text", &text, &n))
			text_bytes += n;
		records++;
	}
	uint64_t bytes = j.bytes;
	bool had_error = j.had_error;
	jsonl_close(&j);
	double seconds = now() - t0;

	uint64_t rejected = stats_get(&stats, NULL, "rejected");
	stats_free(&stats);
	printf("bytes=%llu records=%llu rejected=%llu text_bytes=%llu seconds=%.6f "
	       "mb_per_s=%.1f\n",
	       (unsigned long long)bytes, (unsigned long long)records,
	       (unsigned long long)rejected, (unsigned long long)text_bytes, seconds,
	       seconds > 0 ? (double)bytes / 1e6 / seconds : 0.0);
	if (fflush(stdout) != 0 || ferror(stdout))
		return 1;
	return had_error ? 1 : 0;
}
