#ifndef NCLEAN_PATTERNS_H
#define NCLEAN_PATTERNS_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* User patterns, from files given with --patterns. One pattern a line:
 *
 *     # a comment; blank lines are ignored
 *     line Follow us on .*          remove a line the regex matches whole
 *     contains newsletter           remove a line that holds the text
 *     edge line [A-Z ]+             the same, only while peeling the edges
 *     keep contains Reuters         never remove a line that holds it
 *
 * "line" takes a POSIX extended regular expression matched against the
 * whole line; "contains" a plain text. Both ignore case (ASCII for the
 * regex, Unicode simple case folding for the text). "edge" and "keep" come
 * first. A keep pattern protects a line from every rule. */

enum pattern_kind { PATTERN_LINE, PATTERN_CONTAINS };

struct pattern {
	enum pattern_kind kind;
	bool is_edge, is_keep;
	regex_t re;   /* PATTERN_LINE */
	char *text;   /* PATTERN_CONTAINS: folded */
	size_t text_len;
	char *where;  /* "file:line", for --explain */
};

struct patterns {
	struct pattern *list;
	size_t count, cap;
	bool has_edge, has_keep, has_anywhere;
	struct buf line, folded; /* scratch */
};

/* Adds the patterns of a file; on a bad line, dies with a usage error
 * naming file:line. */
void patterns_load(struct patterns *p, const char *path);
void patterns_free(struct patterns *p);

/* The first pattern of the kind asked (keep, edge or anywhere) that
 * matches the line, or NULL. */
const struct pattern *patterns_match(struct patterns *p, const char *s, size_t n, bool keep,
				     bool edge);

#endif
