#include "patterns.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "rules.h"
#include "status.h"

/* Reports a bad pattern file line and exits as a usage error does: the
 * command line named a file that cannot be used. */
_Noreturn static void bad(const char *path, uint64_t line, const char *what)
{
	report_at(path, line, "%s", what);
	exit(STATUS_USAGE);
}

static bool take_word(char **s, const char *word)
{
	size_t n = strlen(word);
	if (strncmp(*s, word, n) != 0 || ((*s)[n] != ' ' && (*s)[n] != '\t'))
		return false;
	*s += n;
	while (**s == ' ' || **s == '\t')
		(*s)++;
	return true;
}

static void add(struct patterns *p, const char *path, uint64_t number, char *s)
{
	struct pattern pt = {0};
	pt.is_keep = take_word(&s, "keep");
	pt.is_edge = take_word(&s, "edge");
	if (pt.is_keep && pt.is_edge)
		bad(path, number, "a pattern is either keep or edge, not both");
	if (take_word(&s, "line"))
		pt.kind = PATTERN_LINE;
	else if (take_word(&s, "contains"))
		pt.kind = PATTERN_CONTAINS;
	else
		bad(path, number, "expected 'line REGEX' or 'contains TEXT' (after 'keep' or 'edge')");
	if (!*s)
		bad(path, number, "the pattern is empty");
	if (pt.kind == PATTERN_LINE) {
		/* The regex must match the whole line. */
		struct buf whole = {0};
		buf_adds(&whole, "^(");
		buf_adds(&whole, s);
		buf_adds(&whole, ")$");
		int err = regcomp(&pt.re, whole.data, REG_EXTENDED | REG_ICASE | REG_NOSUB);
		buf_free(&whole);
		if (err) {
			char msg[256];
			regerror(err, &pt.re, msg, sizeof msg);
			struct buf text = {0};
			buf_adds(&text, "bad regular expression: ");
			buf_adds(&text, msg);
			bad(path, number, text.data);
		}
	} else {
		struct buf f = {0};
		rule_fold(s, strlen(s), &f);
		pt.text = f.data;
		pt.text_len = f.len;
	}
	struct buf where = {0};
	buf_adds(&where, path);
	char num[32];
	snprintf(num, sizeof num, ":%llu", (unsigned long long)number);
	buf_adds(&where, num);
	pt.where = where.data;
	if (p->count == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 8;
		p->list = xrealloc(p->list, p->cap * sizeof *p->list);
	}
	p->list[p->count++] = pt;
	p->has_keep |= pt.is_keep;
	p->has_edge |= pt.is_edge;
	p->has_anywhere |= !pt.is_keep && !pt.is_edge;
}

void patterns_load(struct patterns *p, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		int err = errno;
		die_usage("cannot read %s: %s", path, diag_strerror(err));
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	uint64_t number = 0;
	while ((n = getline(&line, &cap, f)) >= 0) {
		number++;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' ' ||
				 line[n - 1] == '\t'))
			line[--n] = '\0';
		if ((size_t)n != strlen(line))
			bad(path, number, "a NUL byte in the line");
		char *s = line;
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s && *s != '#')
			add(p, path, number, s);
	}
	bool failed = ferror(f);
	int err = errno;
	free(line);
	fclose(f);
	if (failed)
		die_usage("cannot read %s: %s", path, diag_strerror(err));
}

void patterns_free(struct patterns *p)
{
	for (size_t i = 0; i < p->count; i++) {
		if (p->list[i].kind == PATTERN_LINE)
			regfree(&p->list[i].re);
		free(p->list[i].text);
		free(p->list[i].where);
	}
	free(p->list);
	buf_free(&p->line);
	buf_free(&p->folded);
	memset(p, 0, sizeof *p);
}

const struct pattern *patterns_match(struct patterns *p, const char *s, size_t n, bool keep,
				     bool edge)
{
	if (keep ? !p->has_keep : edge ? !p->has_edge : !p->has_anywhere)
		return NULL;
	bool have_line = false, have_folded = false;
	for (size_t i = 0; i < p->count; i++) {
		const struct pattern *pt = &p->list[i];
		if (pt->is_keep != keep || (!keep && pt->is_edge != edge))
			continue;
		if (pt->kind == PATTERN_LINE) {
			if (!have_line) { /* regexec wants a C string */
				buf_clear(&p->line);
				buf_add(&p->line, s, n);
				have_line = true;
			}
			if (regexec(&pt->re, p->line.data ? p->line.data : "", 0, NULL, 0) == 0)
				return pt;
		} else {
			if (!have_folded) {
				buf_clear(&p->folded);
				rule_fold(s, n, &p->folded);
				have_folded = true;
			}
			if (p->folded.len >= pt->text_len &&
			    memmem(p->folded.data, p->folded.len, pt->text, pt->text_len))
				return pt;
		}
	}
	return NULL;
}
