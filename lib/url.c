#include "url.h"

#include <string.h>

void url_host(const char *url, size_t n, const char **host, size_t *len)
{
	const char *p = memmem(url, n, "://", 3);
	size_t i = p ? (size_t)(p - url) + 3 : 0, e = i;
	while (e < n && !strchr("/:?#", url[e]))
		e++;
	*host = url + i;
	*len = e - i;
}
