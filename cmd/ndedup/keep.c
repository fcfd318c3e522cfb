#include "keep.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "diag.h"
#include "status.h"
#include "url.h"

static void load_sources(const char *path, struct keep_sources *s)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		report("%s: %s", path, strerror(errno));
		exit(STATUS_USAGE);
	}
	char *line = NULL;
	size_t cap = 0, cap_entries = 0;
	ssize_t k;
	uint64_t number = 0;
	while ((k = getline(&line, &cap, f)) >= 0) {
		number++;
		size_t n = (size_t)k;
		while (n && strchr("\r\n \t", line[n - 1]))
			n--;
		size_t i = 0;
		while (i < n && strchr(" \t", line[i]))
			i++;
		if (i == n || line[i] == '#')
			continue;
		if (memchr(line + i, '\0', n - i) || memchr(line + i, ' ', n - i)) {
			report_at(path, number, "an entry is a site, a host or a source prefix, "
						"without spaces");
			exit(STATUS_USAGE);
		}
		if (s->count == cap_entries) {
			cap_entries = cap_entries ? cap_entries * 2 : 16;
			s->entries = xrealloc(s->entries, cap_entries * sizeof *s->entries);
		}
		char *e = xmalloc(n - i + 1);
		memcpy(e, line + i, n - i);
		e[n - i] = '\0';
		s->entries[s->count++] = e;
	}
	if (ferror(f)) {
		report("%s: %s", path, strerror(errno));
		exit(STATUS_USAGE);
	}
	free(line);
	fclose(f);
	if (!s->count) {
		report("%s: no entries", path);
		exit(STATUS_USAGE);
	}
}

enum keep_policy keep_parse(const char *arg, struct keep_sources *sources)
{
	if (strcmp(arg, "first") == 0)
		return KEEP_FIRST;
	if (strcmp(arg, "longest") == 0)
		return KEEP_LONGEST;
	if (strcmp(arg, "earliest") == 0)
		return KEEP_EARLIEST;
	if (strncmp(arg, "sources:", 8) == 0 && arg[8]) {
		load_sources(arg + 8, sources);
		return KEEP_SOURCES;
	}
	die_usage("--keep takes first, longest, earliest or sources:FILE, not '%s'", arg);
}

void keep_sources_free(struct keep_sources *s)
{
	for (size_t i = 0; i < s->count; i++)
		free(s->entries[i]);
	free(s->entries);
	s->entries = NULL;
	s->count = 0;
}

uint32_t keep_source_rank(const struct keep_sources *sources, struct record *r)
{
	const char *site = NULL, *url = NULL, *source = NULL, *host = NULL;
	size_t site_len = 0, url_len = 0, source_len = 0, host_len = 0;
	if (!record_get_string(r, "site", &site, &site_len))
		site = NULL;
	if (record_get_string(r, "url", &url, &url_len))
		url_host(url, url_len, &host, &host_len);
	if (!record_get_string(r, "source", &source, &source_len))
		source = NULL;
	for (size_t i = 0; i < sources->count; i++) {
		const char *e = sources->entries[i];
		size_t n = strlen(e);
		if (site && site_len == n && strncasecmp(site, e, n) == 0)
			return (uint32_t)i;
		if (host && (host_len == n || (host_len > n && host[host_len - n - 1] == '.')) &&
		    strncasecmp(host + host_len - n, e, n) == 0)
			return (uint32_t)i;
		if (source && source_len >= n && memcmp(source, e, n) == 0)
			return (uint32_t)i;
	}
	return (uint32_t)sources->count;
}
