#ifndef NEWSUTILS_URL_H
#define NEWSUTILS_URL_H

#include <stddef.h>

/* The host of the URL url[0..n), as it is written (no case folded): after
 * "scheme://" (or from the start when there is none), up to a port, path,
 * query or fragment. Into *host and *len (0 for none). */
void url_host(const char *url, size_t n, const char **host, size_t *len);
/* The host as url_host gives it, less a leading "www." (in any case) when
 * more follows: the name of the site. */
void url_site_host(const char *url, size_t n, const char **host, size_t *len);

#endif
