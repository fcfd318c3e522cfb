#include "url.h"

#include <string.h>
#include <strings.h>

void url_host(const char *url, size_t n, const char **host, size_t *len)
{
	const char *p = memmem(url, n, "://", 3);
	size_t i = p ? (size_t)(p - url) + 3 : 0, e = i;
	while (e < n && !strchr("/:?#", url[e]))
		e++;
	*host = url + i;
	*len = e - i;
}

void url_site_host(const char *url, size_t n, const char **host, size_t *len)
{
	url_host(url, n, host, len);
	if (*len > 4 && strncasecmp(*host, "www.", 4) == 0) {
		*host += 4;
		*len -= 4;
	}
}
