#include "url.h"

#include <string.h>

#include "unit.h"

/* The host url_host (or, with site, url_site_host) gives for url. */
static void check_host(const char *url, int site, const char *want)
{
	const char *host;
	size_t len;
	if (site)
		url_site_host(url, strlen(url), &host, &len);
	else
		url_host(url, strlen(url), &host, &len);
	CHECK(len == strlen(want) && memcmp(host, want, len) == 0, "the host of a URL");
	if (len != strlen(want) || memcmp(host, want, len) != 0)
		fprintf(stderr, "  %s: '%.*s', not '%s'\n", url, (int)len, host, want);
}

static void test_host(void)
{
	check_host("https://www.ahvalnews.com/turkey/x?a=1#f", 0, "www.ahvalnews.com");
	check_host("http://Example.COM:8080/path", 0, "Example.COM");
	check_host("example.org/news", 0, "example.org");
	check_host("", 0, "");
	check_host("https://", 0, "");
}

static void test_site_host_drops_www(void)
{
	check_host("https://www.ahvalnews.com/turkey/x", 1, "ahvalnews.com");
	check_host("http://WWW.Example.com/", 1, "Example.com");
	check_host("https://www./x", 1, "www.");
	check_host("https://wwwx.example/", 1, "wwwx.example");
	check_host("https://news.example.com/", 1, "news.example.com");
}

UNIT_MAIN(UNIT_TEST(test_host), UNIT_TEST(test_site_host_drops_www))
