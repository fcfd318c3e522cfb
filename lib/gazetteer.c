#include "gazetteer.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* Nodes are numbers; node 0 is the root. The root's children are a table
 * of 256; every other edge is an entry of one open-addressing hash table
 * keyed by (node, byte). A node that ends a name has a value list: an
 * index into vals, whose entries chain to the next value of the name. */

struct edge {
	uint64_t key; /* node << 8 | byte, + 1 (0: empty) */
	uint32_t child;
};

struct val {
	uint32_t value, next; /* next: index + 1 of the next value, 0 at the end */
};

struct gazetteer {
	uint32_t root[256];  /* child + 1, 0: none */
	struct edge *edges;
	size_t edge_cap, edge_used;
	uint32_t nodes;
	uint32_t *node_vals; /* per node: index + 1 into vals, 0: not a name's end */
	size_t node_cap;
	struct val *vals;
	size_t val_count, val_cap;
	size_t names;
};

struct gazetteer *gazetteer_new(void)
{
	struct gazetteer *g = xcalloc(1, sizeof *g);
	g->nodes = 1;
	g->node_cap = 1024;
	g->node_vals = xcalloc(g->node_cap, sizeof *g->node_vals);
	return g;
}

void gazetteer_free(struct gazetteer *g)
{
	if (!g)
		return;
	free(g->edges);
	free(g->node_vals);
	free(g->vals);
	free(g);
}

static inline uint64_t edge_hash(uint64_t key)
{
	key *= 0x9E3779B97F4A7C15ull;
	return key ^ (key >> 29);
}

static inline uint32_t child_of(const struct gazetteer *g, uint32_t node, unsigned char c)
{
	if (node == 0)
		return g->root[c] ? g->root[c] - 1 : 0;
	if (!g->edge_cap)
		return 0;
	uint64_t key = ((uint64_t)node << 8 | c) + 1;
	for (size_t i = edge_hash(key) & (g->edge_cap - 1); g->edges[i].key;
	     i = (i + 1) & (g->edge_cap - 1))
		if (g->edges[i].key == key)
			return g->edges[i].child;
	return 0;
}

static void edge_put(struct edge *t, size_t cap, uint64_t key, uint32_t child)
{
	size_t i = edge_hash(key) & (cap - 1);
	while (t[i].key)
		i = (i + 1) & (cap - 1);
	t[i] = (struct edge){key, child};
}

static uint32_t new_node(struct gazetteer *g)
{
	if (g->nodes == g->node_cap) {
		g->node_vals = xrealloc(g->node_vals, g->node_cap * 2 * sizeof *g->node_vals);
		memset(g->node_vals + g->node_cap, 0, g->node_cap * sizeof *g->node_vals);
		g->node_cap *= 2;
	}
	return g->nodes++;
}

static uint32_t add_child(struct gazetteer *g, uint32_t node, unsigned char c)
{
	uint32_t child = new_node(g);
	if (node == 0) {
		g->root[c] = child + 1;
		return child;
	}
	if ((g->edge_used + 1) * 2 > g->edge_cap) {
		size_t cap = g->edge_cap ? g->edge_cap * 2 : 1024;
		struct edge *t = xcalloc(cap, sizeof *t);
		for (size_t i = 0; i < g->edge_cap; i++)
			if (g->edges[i].key)
				edge_put(t, cap, g->edges[i].key, g->edges[i].child);
		free(g->edges);
		g->edges = t;
		g->edge_cap = cap;
	}
	edge_put(g->edges, g->edge_cap, ((uint64_t)node << 8 | c) + 1, child);
	g->edge_used++;
	return child;
}

void gazetteer_add(struct gazetteer *g, const char *folded, size_t n, uint32_t value)
{
	/* leading and trailing spaces are no part of a name */
	while (n && folded[0] == ' ') {
		folded++;
		n--;
	}
	while (n && folded[n - 1] == ' ')
		n--;
	if (!n)
		return;
	uint32_t node = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)folded[i];
		uint32_t child = child_of(g, node, c);
		node = child ? child : add_child(g, node, c);
	}
	for (uint32_t v = g->node_vals[node]; v; v = g->vals[v - 1].next)
		if (g->vals[v - 1].value == value)
			return;
	if (g->val_count == g->val_cap) {
		g->val_cap = g->val_cap ? g->val_cap * 2 : 256;
		g->vals = xrealloc(g->vals, g->val_cap * sizeof *g->vals);
	}
	if (!g->node_vals[node])
		g->names++;
	g->vals[g->val_count] = (struct val){value, g->node_vals[node]};
	g->node_vals[node] = (uint32_t)++g->val_count;
}

size_t gazetteer_size(const struct gazetteer *g)
{
	return g->names;
}

void gazetteer_match(const struct gazetteer *g, const struct fold *f, bool capitalised,
		     void (*found)(void *ctx, const struct gazetteer_match *m), void *ctx)
{
	const unsigned char *t = (const unsigned char *)f->text.data;
	size_t n = f->text.len;
	for (size_t i = 0; i < n;) {
		if (capitalised) {
			/* capitals are few: jump from one to the next */
			const unsigned char *up = memchr(f->upper + i, 1, n - i);
			if (!up)
				break;
			i = (size_t)(up - f->upper);
		}
		/* a word start: not inside a word */
		if (!fold_is_word_byte(t[i]) || (i > 0 && fold_is_word_byte(t[i - 1]))) {
			i++;
			continue;
		}
		uint32_t node = 0, best_vals = 0;
		size_t best_end = 0;
		for (size_t j = i; j < n; j++) {
			node = child_of(g, node, t[j]);
			if (!node)
				break;
			if (g->node_vals[node] && (j + 1 == n || !fold_is_word_byte(t[j + 1]) ||
						   !fold_is_word_byte(t[j]))) {
				best_vals = g->node_vals[node];
				best_end = j + 1;
			}
		}
		if (!best_vals) {
			i++;
			continue;
		}
		struct gazetteer_match m = {i, best_end, g->vals[best_vals - 1].value, best_vals};
		found(ctx, &m);
		i = best_end;
	}
}

size_t gazetteer_values(const struct gazetteer *g, uint32_t values, uint32_t *out, size_t max)
{
	size_t count = 0;
	for (uint32_t v = values; v; v = g->vals[v - 1].next) {
		if (count < max)
			out[count] = g->vals[v - 1].value;
		count++;
	}
	return count;
}
