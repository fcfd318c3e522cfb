#include "promo.h"

#include <ctype.h>
#include <string.h>

#include "rules.h"

static bool starts_with(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);
	return n >= k && memcmp(s, prefix, k) == 0;
}

static bool ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);
	return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

static bool in_list(const char *s, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == n && memcmp(s, *list, n) == 0)
			return true;
	return false;
}

/* s folded into f, without the spaces and colons at its ends. */
static void folded(const char *s, size_t n, struct buf *f, const char **p, size_t *len)
{
	buf_clear(f);
	rule_fold(s, n, f);
	*p = f->data ? f->data : "";
	*len = f->len;
	while (*len && strchr(" :", (*p)[*len - 1]))
		(*len)--;
	while (*len && strchr(" :", (*p)[0])) {
		(*p)++;
		(*len)--;
	}
}

bool promo_caption(const char *s, size_t n, struct buf *scratch)
{
	static const char *const credit_words[] = {"(image:", "(images:", "(photo:", "(photos:",
						   "(picture:", "(pic:", "(credit:", "(foto:",
						   "(bild:", "(video:", NULL};
	static const char *const credit_ends[] = {"(getty images)", "/getty images", "| getty images",
						  "(afp)", "(reuters)", "(epa)", NULL};
	static const char *const credit_starts[] = {"photo:", "image:", "picture:", "foto:", "bild:",
						    "photo by ", "image by ", "image credit",
						    "photo credit", NULL};
	if (!n || rule_word_count(s, n) > 30)
		return false;
	const char *p;
	size_t len;
	folded(s, n, scratch, &p, &len);
	if (len && p[len - 1] == ')') {
		/* "... (Image: GETTY)": the last parenthesis opens with a credit word */
		const char *open = NULL;
		for (size_t i = len; i-- > 0;)
			if (p[i] == '(') {
				open = p + i;
				break;
			}
		for (const char *const *w = credit_words; open && *w; w++)
			if (starts_with(open, len - (size_t)(open - p), *w))
				return true;
	}
	for (const char *const *w = credit_ends; *w; w++)
		if (ends_with(p, len, *w))
			return true;
	for (const char *const *w = credit_starts; *w; w++)
		if (starts_with(p, len, *w))
			return true;
	return false;
}

bool promo_heading(const char *s, size_t n, struct buf *scratch)
{
	static const char *const headings[] = {
		/* en */ "related", "related articles", "related stories", "related posts",
		"related content", "related news", "related coverage", "read more", "see more",
		"see also", "also read", "read also", "don't miss", "don\xE2\x80\x99t miss",
		"recommended", "recommended for you", "recommended stories", "you may also like",
		"you might also like", "most read", "most popular", "most viewed", "trending",
		"trending now", "popular now", "top stories", "latest news", "more stories",
		"more news", "advertisement", "sponsored", "sponsored content",
		/* de */ "weitere artikel", "mehr zum thema", "lesen sie auch",
		"das k\xC3\xB6nnte sie auch interessieren", "auch interessant",
		/* fr */ "lire aussi", "\xC3\xA0 lire aussi", "sur le m\xC3\xAAme sujet",
		/* es */ "leer m\xC3\xA1s", "te puede interesar", "noticias relacionadas",
		/* it */ "leggi anche", "articoli correlati",
		/* pt */ "leia tamb\xC3\xA9m", "veja tamb\xC3\xA9m",
		/* nl */ "lees ook", "gerelateerde artikelen",
		/* tr */ "ilgili haberler", "bunlar da ilginizi \xC3\xA7" "ekebilir", NULL};
	if (!n || n > 80)
		return false;
	const char *p;
	size_t len;
	folded(s, n, scratch, &p, &len);
	return in_list(p, len, headings);
}

bool promo_line(const char *s, size_t n, struct buf *scratch)
{
	static const char *const leads[] = {
		"read more", "see more", "also read", "read also", "watch", "listen", "related",
		"more", "lesen sie auch", "lire aussi", "leer tambi\xC3\xA9n", "leia tamb\xC3\xA9m",
		"leggi anche", "ayr\xC4\xB1" "ca okuyun", NULL};
	if (!n || n > 300)
		return false;
	buf_clear(scratch);
	rule_fold(s, n, scratch);
	const char *p = scratch->data ? scratch->data : "";
	for (const char *const *l = leads; *l; l++) {
		size_t k = strlen(*l);
		if (!starts_with(p, scratch->len, *l))
			continue;
		/* a separator, then a headline */
		size_t i = k;
		while (i < scratch->len && p[i] == ' ')
			i++;
		bool separator = false;
		if (i < scratch->len && strchr(":|-", p[i])) {
			separator = true;
			i++;
		} else if (starts_with(p + i, scratch->len - i, "\xE2\x80\x93") ||
			   starts_with(p + i, scratch->len - i, "\xE2\x80\x94")) {
			separator = true;
			i += 3;
		}
		while (i < scratch->len && p[i] == ' ')
			i++;
		if (separator && i < scratch->len)
			return true;
	}
	return false;
}
