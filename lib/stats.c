#include "stats.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"

void stats_init(struct stats *s, const char *tool)
{
	memset(s, 0, sizeof *s);
	s->tool = tool;
}

static int same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static struct stats_counter *find(const struct stats *s, const char *group, const char *key)
{
	/* the first byte before the whole key: a run adds to its counters
	 * for every record */
	for (size_t i = 0; i < s->count; i++)
		if (s->counters[i].key[0] == key[0] && same(s->counters[i].group, group) &&
		    strcmp(s->counters[i].key, key) == 0)
			return &s->counters[i];
	return NULL;
}

void stats_add(struct stats *s, const char *group, const char *key, uint64_t n)
{
	struct stats_counter *c = find(s, group, key);
	if (!c) {
		if (s->count == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 16;
			s->counters = xrealloc(s->counters, s->cap * sizeof *s->counters);
		}
		c = &s->counters[s->count++];
		c->group = group ? xstrdup(group) : NULL;
		c->key = xstrdup(key);
		c->value = 0;
	}
	c->value += n;
}

void stats_merge(struct stats *dst, const struct stats *src)
{
	for (size_t i = 0; i < src->count; i++)
		stats_add(dst, src->counters[i].group, src->counters[i].key, src->counters[i].value);
}

uint64_t stats_get(const struct stats *s, const char *group, const char *key)
{
	const struct stats_counter *c = find(s, group, key);
	return c ? c->value : 0;
}

int stats_write(const struct stats *s, FILE *f)
{
	struct buf out = {0};
	buf_adds(&out, "{\"tool\":");
	json_append_string(&out, s->tool, strlen(s->tool));
	/* Top-level counters first, then each group as an object. */
	for (size_t i = 0; i < s->count; i++) {
		const struct stats_counter *c = &s->counters[i];
		if (c->group)
			continue;
		buf_addc(&out, ',');
		json_append_string(&out, c->key, strlen(c->key));
		buf_printf(&out, ":%llu", (unsigned long long)c->value);
	}
	for (size_t i = 0; i < s->count; i++) {
		const char *group = s->counters[i].group;
		bool seen = false;
		for (size_t j = 0; j < i && group; j++)
			seen |= same(s->counters[j].group, group);
		if (!group || seen)
			continue;
		buf_addc(&out, ',');
		json_append_string(&out, group, strlen(group));
		buf_adds(&out, ":{");
		bool first = true;
		for (size_t j = i; j < s->count; j++) {
			const struct stats_counter *c = &s->counters[j];
			if (!same(c->group, group))
				continue;
			if (!first)
				buf_addc(&out, ',');
			first = false;
			json_append_string(&out, c->key, strlen(c->key));
			buf_printf(&out, ":%llu", (unsigned long long)c->value);
		}
		buf_addc(&out, '}');
	}
	buf_adds(&out, "}\n");
	size_t len = out.len;
	size_t k = fwrite(out.data, 1, len, f);
	buf_free(&out);
	return k == len && fflush(f) == 0 ? 0 : -1;
}

void stats_free(struct stats *s)
{
	for (size_t i = 0; i < s->count; i++) {
		free(s->counters[i].group);
		free(s->counters[i].key);
	}
	free(s->counters);
	memset(s, 0, sizeof *s);
}
