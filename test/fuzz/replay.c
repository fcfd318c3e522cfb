/* Runs a fuzz target over every file of corpus directories, without
 * libFuzzer: how `make check` replays the corpus with any compiler. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	size_t cap = 1 << 16, len = 0;
	uint8_t *data = malloc(cap);
	size_t k;
	while (data && (k = fread(data + len, 1, cap - len, f)) > 0) {
		len += k;
		if (len == cap) {
			uint8_t *bigger = realloc(data, cap *= 2);
			if (!bigger)
				free(data);
			data = bigger;
		}
	}
	fclose(f);
	if (!data)
		return -1;
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	return 0;
}

int main(int argc, char **argv)
{
	size_t count = 0;
	int failed = 0;
	for (int i = 1; i < argc; i++) {
		DIR *d = opendir(argv[i]);
		if (!d) {
			perror(argv[i]);
			return 1;
		}
		struct dirent *e;
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			size_t n = strlen(argv[i]) + strlen(e->d_name) + 2;
			char *path = malloc(n);
			if (!path)
				return 1;
			snprintf(path, n, "%s/%s", argv[i], e->d_name);
			failed |= replay_file(path) != 0;
			count++;
			free(path);
		}
		closedir(d);
	}
	const char *name = strrchr(argv[0], '/');
	printf("%s: %zu inputs replayed\n", name ? name + 1 : argv[0], count);
	return failed;
}
