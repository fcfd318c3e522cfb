#include "expr.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"

enum field_kind { STRING, NUMBER, LIST };

enum field {
	F_LANG, F_LANG_SCORE, F_OUTLET, F_COUNTRIES, F_WORDS, F_CHARS, F_LINES,
	F_MEAN_WORD_LENGTH, F_ALPHA_WORDS, F_END_PUNCT, F_SYMBOL_RATIO, F_DIGIT_RATIO,
	F_DUP_LINE_FRAC, F_TOP_2GRAM, F_TOP_3GRAM, F_TOP_4GRAM, F_PEOPLE, F_ORGS
};

static const struct {
	const char *name;
	enum field_kind kind;
	unsigned tagger;
} fields[] = {
	[F_LANG] = {"lang", STRING, TAG_LANG},
	[F_LANG_SCORE] = {"lang_score", NUMBER, TAG_LANG},
	[F_OUTLET] = {"outlet", STRING, TAG_OUTLET},
	[F_COUNTRIES] = {"countries", LIST, TAG_PLACES},
	[F_WORDS] = {"words", NUMBER, TAG_QUALITY},
	[F_CHARS] = {"chars", NUMBER, TAG_QUALITY},
	[F_LINES] = {"lines", NUMBER, TAG_QUALITY},
	[F_MEAN_WORD_LENGTH] = {"mean_word_length", NUMBER, TAG_QUALITY},
	[F_ALPHA_WORDS] = {"alpha_words", NUMBER, TAG_QUALITY},
	[F_END_PUNCT] = {"end_punct", NUMBER, TAG_QUALITY},
	[F_SYMBOL_RATIO] = {"symbol_ratio", NUMBER, TAG_QUALITY},
	[F_DIGIT_RATIO] = {"digit_ratio", NUMBER, TAG_QUALITY},
	[F_DUP_LINE_FRAC] = {"dup_line_frac", NUMBER, TAG_QUALITY},
	[F_TOP_2GRAM] = {"top_2gram_frac", NUMBER, TAG_QUALITY},
	[F_TOP_3GRAM] = {"top_3gram_frac", NUMBER, TAG_QUALITY},
	[F_TOP_4GRAM] = {"top_4gram_frac", NUMBER, TAG_QUALITY},
	[F_PEOPLE] = {"people", LIST, TAG_PEOPLE},
	[F_ORGS] = {"orgs", LIST, TAG_PEOPLE},
};

enum op { EQ, NE, LT, LE, GT, GE, HAS, HAS_NOT };
enum node_kind { N_AND, N_OR, N_NOT, N_CMP };

struct expr {
	enum node_kind kind;
	struct expr *a, *b;
	enum field field;
	enum op op;
	double number;
	char *value;
};

struct parser {
	const char *src, *p;
	unsigned on;
	char *err;
	size_t err_len;
	bool failed;
};

static void fail(struct parser *ps, const char *what)
{
	if (ps->failed)
		return;
	ps->failed = true;
	snprintf(ps->err, ps->err_len, "'%s': %s at character %zu", ps->src, what,
		 (size_t)(ps->p - ps->src) + 1);
}

static void skip_space(struct parser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t')
		ps->p++;
}

/* Whether the next token is the keyword kw (a whole word). */
static bool keyword(struct parser *ps, const char *kw)
{
	skip_space(ps);
	size_t n = strlen(kw);
	if (strncmp(ps->p, kw, n) != 0 || isalnum((unsigned char)ps->p[n]) || ps->p[n] == '_')
		return false;
	ps->p += n;
	return true;
}

static bool symbol(struct parser *ps, const char *sym)
{
	skip_space(ps);
	size_t n = strlen(sym);
	if (strncmp(ps->p, sym, n) != 0)
		return false;
	ps->p += n;
	return true;
}

static struct expr *node(enum node_kind kind, struct expr *a, struct expr *b)
{
	struct expr *e = xcalloc(1, sizeof *e);
	e->kind = kind;
	e->a = a;
	e->b = b;
	return e;
}

static bool value_char(char c)
{
	return isalnum((unsigned char)c) || (c && strchr("._-:/+", c)) || (unsigned char)c >= 0x80;
}

static struct expr *parse_or(struct parser *ps);

static struct expr *parse_cmp(struct parser *ps)
{
	skip_space(ps);
	const char *start = ps->p;
	while (isalnum((unsigned char)*ps->p) || *ps->p == '_')
		ps->p++;
	size_t len = (size_t)(ps->p - start);
	if (!len) {
		fail(ps, *ps->p ? "a field name is wanted" : "the expression ends too soon");
		return NULL;
	}
	size_t f = 0;
	while (f < sizeof fields / sizeof *fields &&
	       (strlen(fields[f].name) != len || memcmp(fields[f].name, start, len) != 0))
		f++;
	if (f == sizeof fields / sizeof *fields) {
		ps->p = start;
		fail(ps, "not a field (lang, lang_score, outlet, countries, words, chars, lines, "
			 "mean_word_length, alpha_words, end_punct, symbol_ratio, digit_ratio, "
			 "dup_line_frac, top_2gram_frac, top_3gram_frac, top_4gram_frac, people, orgs)");
		return NULL;
	}
	if (!(fields[f].tagger & ps->on)) {
		ps->p = start;
		fail(ps, "a field of a tagger --taggers leaves out");
		return NULL;
	}
	static const struct {
		const char *sym;
		enum op op;
	} ops[] = {{"!=", NE}, {"!~", HAS_NOT}, {"<=", LE}, {">=", GE}, {"=", EQ},
		   {"<", LT},  {">", GT},       {"~", HAS}};
	skip_space(ps);
	const char *op_at = ps->p;
	size_t o = 0;
	while (o < sizeof ops / sizeof *ops && !symbol(ps, ops[o].sym))
		o++;
	if (o == sizeof ops / sizeof *ops) {
		fail(ps, "an operator (= != < <= > >= ~ !~) is wanted");
		return NULL;
	}
	skip_space(ps);
	const char *value_at = ps->p;
	struct buf v = {0};
	if (*ps->p == '"' || *ps->p == '\'') {
		char q = *ps->p++;
		const char *end = strchr(ps->p, q);
		if (!end) {
			fail(ps, "the quoted value is not closed");
			return NULL;
		}
		buf_add(&v, ps->p, (size_t)(end - ps->p));
		ps->p = end + 1;
	} else {
		const char *vs = ps->p;
		while (value_char(*ps->p))
			ps->p++;
		if (ps->p == vs) {
			fail(ps, "a value is wanted");
			return NULL;
		}
		buf_add(&v, vs, (size_t)(ps->p - vs));
	}
	buf_addc(&v, '\0');
	struct expr *e = node(N_CMP, NULL, NULL);
	e->field = (enum field)f;
	e->op = ops[o].op;
	e->value = v.data;
	enum op op = e->op;
	bool ordered = op == LT || op == LE || op == GT || op == GE;
	if (fields[f].kind == NUMBER || (fields[f].kind == LIST && ordered)) {
		char *end;
		e->number = strtod(e->value, &end);
		if (*end || end == e->value) {
			expr_free(e);
			ps->p = value_at;
			fail(ps, "a number is wanted");
			return NULL;
		}
		if (fields[f].kind == NUMBER && (op == HAS || op == HAS_NOT)) {
			expr_free(e);
			ps->p = op_at;
			fail(ps, "~ and !~ take a string field");
			return NULL;
		}
	} else if (fields[f].kind == STRING && ordered) {
		expr_free(e);
		ps->p = op_at;
		fail(ps, "< > <= >= take a number field");
		return NULL;
	}
	return e;
}

static struct expr *parse_unary(struct parser *ps)
{
	if (symbol(ps, "!") ) {
		if (*ps->p == '=' || *ps->p == '~') {
			ps->p--;
			fail(ps, "a field name is wanted");
			return NULL;
		}
		struct expr *a = parse_unary(ps);
		return a ? node(N_NOT, a, NULL) : NULL;
	}
	if (keyword(ps, "not")) {
		struct expr *a = parse_unary(ps);
		return a ? node(N_NOT, a, NULL) : NULL;
	}
	if (symbol(ps, "(")) {
		struct expr *e = parse_or(ps);
		if (e && !symbol(ps, ")")) {
			fail(ps, "a ')' is wanted");
			expr_free(e);
			return NULL;
		}
		return e;
	}
	return parse_cmp(ps);
}

static struct expr *parse_and(struct parser *ps)
{
	struct expr *e = parse_unary(ps);
	while (e && (symbol(ps, "&&") || symbol(ps, ",") || keyword(ps, "and"))) {
		struct expr *b = parse_unary(ps);
		if (!b) {
			expr_free(e);
			return NULL;
		}
		e = node(N_AND, e, b);
	}
	return e;
}

static struct expr *parse_or(struct parser *ps)
{
	struct expr *e = parse_and(ps);
	while (e && (symbol(ps, "||") || keyword(ps, "or"))) {
		struct expr *b = parse_and(ps);
		if (!b) {
			expr_free(e);
			return NULL;
		}
		e = node(N_OR, e, b);
	}
	return e;
}

struct expr *expr_parse(const char *src, unsigned on, char *err, size_t err_len)
{
	struct parser ps = {src, src, on, err, err_len, false};
	struct expr *e = parse_or(&ps);
	skip_space(&ps);
	if (e && *ps.p) {
		fail(&ps, "unexpected text");
		expr_free(e);
		return NULL;
	}
	if (!e)
		fail(&ps, "not an expression");
	return e;
}

unsigned expr_taggers(const struct expr *e)
{
	if (!e)
		return 0;
	if (e->kind == N_CMP)
		return fields[e->field].tagger;
	return expr_taggers(e->a) | expr_taggers(e->b);
}

void expr_free(struct expr *e)
{
	if (!e)
		return;
	expr_free(e->a);
	expr_free(e->b);
	free(e->value);
	free(e);
}

static bool same_ascii_case(const char *a, size_t n, const char *b)
{
	return strlen(b) == n && strncasecmp(a, b, n) == 0;
}

static bool contains(const char *hay, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (strncasecmp(hay + i, needle, k) == 0)
			return true;
	return false;
}

static double number_of(const struct tags *t, enum field f)
{
	const struct quality *q = &t->q;
	switch (f) {
	case F_LANG_SCORE: return t->lang_score;
	case F_WORDS: return (double)q->words;
	case F_CHARS: return (double)q->chars;
	case F_LINES: return (double)q->lines;
	case F_MEAN_WORD_LENGTH: return q->mean_word_length;
	case F_ALPHA_WORDS: return q->alpha_words;
	case F_END_PUNCT: return q->end_punct;
	case F_SYMBOL_RATIO: return q->symbol_ratio;
	case F_DIGIT_RATIO: return q->digit_ratio;
	case F_DUP_LINE_FRAC: return q->dup_line_frac;
	case F_TOP_2GRAM: return q->top_ngram_frac[0];
	case F_TOP_3GRAM: return q->top_ngram_frac[1];
	case F_TOP_4GRAM: return q->top_ngram_frac[2];
	case F_COUNTRIES: return (double)t->countries.n;
	case F_PEOPLE:
	case F_ORGS: {
		unsigned label = f == F_PEOPLE ? LABEL_PERSON : LABEL_ORG;
		size_t n = 0;
		for (size_t i = 0; i < t->n_found; i++)
			n += t->found[i].label == label && t->found[i].count;
		return (double)n;
	}
	case F_LANG:
	case F_OUTLET: break;
	}
	return 0;
}

static bool compare(double a, enum op op, double b)
{
	switch (op) {
	case EQ: return a == b;
	case NE: return a != b;
	case LT: return a < b;
	case LE: return a <= b;
	case GT: return a > b;
	case GE: return a >= b;
	case HAS:
	case HAS_NOT: break;
	}
	return false;
}

static bool eval_cmp(const struct expr *e, const struct tags *t)
{
	enum field_kind kind = fields[e->field].kind;
	bool ordered = e->op == LT || e->op == LE || e->op == GT || e->op == GE;
	if (kind == NUMBER || (kind == LIST && ordered))
		return compare(number_of(t, e->field), e->op, e->number);
	if (kind == LIST) {
		bool has = false;
		if (e->field == F_COUNTRIES) {
			has = span_groups_has(&t->countries, e->value);
		} else {
			/* a name, without regard to ASCII case */
			unsigned label = e->field == F_PEOPLE ? LABEL_PERSON : LABEL_ORG;
			for (size_t i = 0; i < t->n_found && !has; i++)
				has = t->found[i].label == label && t->found[i].count &&
				      same_ascii_case(t->names.data + t->found[i].name_off,
						      t->found[i].name_len, e->value);
		}
		return (e->op == EQ || e->op == HAS) ? has : !has;
	}
	const char *s = t->lang;
	size_t n = strlen(t->lang);
	if (e->field == F_OUTLET) {
		s = t->outlet_from ? t->outlet.data : "";
		n = t->outlet_from ? t->outlet.len : 0;
	}
	switch (e->op) {
	case EQ: return same_ascii_case(s, n, e->value);
	case NE: return !same_ascii_case(s, n, e->value);
	case HAS: return contains(s, n, e->value);
	case HAS_NOT: return !contains(s, n, e->value);
	default: return false;
	}
}

bool expr_eval(const struct expr *e, const struct tags *t)
{
	switch (e->kind) {
	case N_AND: return expr_eval(e->a, t) && expr_eval(e->b, t);
	case N_OR: return expr_eval(e->a, t) || expr_eval(e->b, t);
	case N_NOT: return !expr_eval(e->a, t);
	case N_CMP: return eval_cmp(e, t);
	}
	return false;
}
