#include "people.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "gazetteer.h"
#include "hash.h"
#include "idset.h"
#include "json.h"
#include "record.h"
#include "status.h"
#include "tags.h"
#include "utf8.h"

struct entity {
	unsigned char label; /* LABEL_* */
	uint32_t label_name; /* into people.labels, NUL-terminated */
	uint32_t canonical;  /* into people.text, NUL-terminated */
	uint32_t canonical_len;
};

struct people {
	struct gazetteer *names; /* folded name -> entity */
	struct entity *e;
	size_t n, cap;
	struct buf text;         /* the canonical names */
	struct buf labels;       /* the labels, each once */
};

/* ---- loading ------------------------------------------------------------ */

static _Noreturn void bad_line(const char *path, uint64_t line, const char *why)
{
	report_at(path, line, "%s", why);
	exit(STATUS_USAGE);
}

/* Where the label is in p->labels, added the first time. */
static uint32_t label_of(struct people *p, const char *label, size_t n)
{
	for (size_t off = 0; off < p->labels.len; off += strlen(p->labels.data + off) + 1)
		if (strlen(p->labels.data + off) == n && memcmp(p->labels.data + off, label, n) == 0)
			return (uint32_t)off;
	uint32_t off = (uint32_t)p->labels.len;
	buf_add(&p->labels, label, n);
	buf_addc(&p->labels, '\0');
	return off;
}

/* Whether an entity of a canonical name of n bytes fits: their bytes
 * and their number are counted in 32 bits. */
static bool entity_fits(const struct people *p, size_t n)
{
	return p->text.len <= UINT32_MAX - 1 && n <= UINT32_MAX - 1 - p->text.len &&
	       p->n < UINT32_MAX - 1;
}

static uint32_t add_entity(struct people *p, const char *label, size_t label_len,
			   const char *canonical, size_t n)
{
	uint32_t label_name = label_of(p, label, label_len);
	/* the same entity on the lines before (patterns of one id) is one */
	for (size_t i = p->n; i-- > 0 && i + 8 >= p->n;) {
		const struct entity *e = &p->e[i];
		const char *c = p->text.data + e->canonical;
		if (e->label_name == label_name && e->canonical_len == n && memcmp(c, canonical, n) == 0)
			return (uint32_t)i;
	}
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 256;
		p->e = xrealloc(p->e, p->cap * sizeof *p->e);
	}
	struct entity *e = &p->e[p->n];
	e->label = label_len == 6 && memcmp(label, "PERSON", 6) == 0 ? LABEL_PERSON
		   : label_len == 3 && memcmp(label, "ORG", 3) == 0 ? LABEL_ORG
								     : LABEL_OTHER;
	e->label_name = label_name;
	e->canonical = (uint32_t)p->text.len;
	e->canonical_len = (uint32_t)n;
	buf_add(&p->text, canonical, n);
	buf_addc(&p->text, '\0');
	return (uint32_t)p->n++;
}

/* What a file says when the names it adds no longer fit. */
#define FULL "more names than ntag holds: 4 GiB of names, and of canonical names, at most"

/* Adds the name of entity; false when the gazetteer is full. */
static bool add_name(struct people *p, struct fold *folded, const char *name, size_t n,
		     uint32_t entity)
{
	fold_text(name, n, folded);
	return gazetteer_add(p->names, folded->text.data, folded->text.len, entity);
}

static bool valid_label(const char *s, size_t n)
{
	if (!n || n > 32)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

/* A line of tab-separated fields: label, canonical name, aliases. */
static void load_tsv_line(struct people *p, const char *path, uint64_t number, char *s, size_t n,
			  struct fold *folded)
{
	char *tab = memchr(s, '\t', n);
	if (!tab)
		bad_line(path, number, "a line is a label, a tab, a name and tab-separated aliases");
	size_t label_len = (size_t)(tab - s);
	if (!valid_label(s, label_len))
		bad_line(path, number, "a label is capital letters, digits and _ (PERSON, ORG)");
	const char *f = tab + 1, *end = s + n;
	uint32_t entity = UINT32_MAX;
	while (f <= end) {
		const char *next = memchr(f, '\t', (size_t)(end - f));
		size_t len = next ? (size_t)(next - f) : (size_t)(end - f);
		while (len && (f[0] == ' '))
			f++, len--;
		while (len && f[len - 1] == ' ')
			len--;
		if (!len) {
			bad_line(path, number, "an empty name");
		}
		if (entity == UINT32_MAX) {
			if (!entity_fits(p, len))
				bad_line(path, number, FULL);
			entity = add_entity(p, s, label_len, f, len);
		}
		if (!add_name(p, folded, f, len, entity))
			bad_line(path, number, FULL);
		if (!next)
			break;
		f = next + 1;
	}
}

/* The words of an EntityRuler token pattern, [{"LOWER": "jens"}, ...],
 * joined by spaces into out; false when it asks for more than words. */
static bool token_words(const char *s, size_t n, struct buf *out)
{
	struct json_member *m = NULL;
	size_t count = 0, cap = 0;
	bool ok = true;
	size_t i = 1; /* after '[' */
	while (ok && i < n) {
		while (i < n && strchr(" \t\r\n,", s[i]))
			i++;
		if (i >= n || s[i] == ']')
			break;
		if (s[i] != '{') {
			ok = false;
			break;
		}
		/* the object's end, strings read over */
		size_t j = i;
		bool in_string = false;
		int depth = 0;
		for (; j < n; j++) {
			if (in_string) {
				if (s[j] == '\\')
					j++;
				else if (s[j] == '"')
					in_string = false;
			} else if (s[j] == '"') {
				in_string = true;
			} else if (s[j] == '{') {
				depth++;
			} else if (s[j] == '}' && --depth == 0) {
				break;
			}
		}
		struct json_error err;
		count = 0;
		if (j >= n || !json_scan_object(s + i, j + 1 - i, &m, &count, &cap, &err) ||
		    count != 1 || m[0].type != JSON_STRING) {
			ok = false;
			break;
		}
		const char *key = s + i + m[0].key_off;
		size_t key_len = m[0].key_len;
		if (!((key_len == 5 && memcmp(key, "LOWER", 5) == 0) ||
		      (key_len == 4 && memcmp(key, "TEXT", 4) == 0) ||
		      (key_len == 4 && memcmp(key, "ORTH", 4) == 0))) {
			ok = false;
			break;
		}
		if (out->len)
			buf_addc(out, ' ');
		json_unescape(s + i + m[0].val_off + 1, m[0].val_len - 2, out);
		i = j + 1;
	}
	free(m);
	return ok && out->len;
}

static void load_json_line(struct people *p, const char *path, uint64_t number, const char *s,
			   size_t n, struct fold *folded)
{
	struct record r = {0};
	struct json_error err;
	if (!record_parse(&r, s, n, &err)) {
		record_free(&r);
		bad_line(path, number, "not a JSON object");
	}
	const char *label, *id = NULL, *pattern;
	size_t label_len, id_len = 0, pattern_len;
	if (!record_get_string(&r, "label", &label, &label_len) || !valid_label(label, label_len)) {
		record_free(&r);
		bad_line(path, number, "an EntityRuler pattern needs a label of capital letters");
	}
	struct buf words = {0};
	long at = record_find(&r, "pattern");
	if (at >= 0 && r.members[at].type == JSON_STRING) {
		record_get_string(&r, "pattern", &pattern, &pattern_len);
		buf_add(&words, pattern, pattern_len);
	} else if (at < 0 || r.members[at].type != JSON_ARRAY ||
		   !token_words(s + r.members[at].val_off, r.members[at].val_len, &words)) {
		buf_free(&words);
		record_free(&r);
		bad_line(path, number,
			 "a pattern is a phrase or a list of tokens {\"LOWER\"|\"TEXT\"|\"ORTH\": word}");
	}
	if (!words.len) {
		buf_free(&words);
		record_free(&r);
		bad_line(path, number, "an empty pattern");
	}
	if (record_type(&r, "id") == JSON_STRING)
		record_get_string(&r, "id", &id, &id_len);
	/* label and id are copied before the record is freed */
	struct buf canonical = {0};
	if (id && id_len)
		buf_add(&canonical, id, id_len);
	else
		buf_add(&canonical, words.data, words.len);
	struct buf label_copy = {0};
	buf_add(&label_copy, label, label_len);
	if (!entity_fits(p, canonical.len))
		bad_line(path, number, FULL);
	uint32_t entity = add_entity(p, label_copy.data, label_copy.len, canonical.data,
				     canonical.len);
	if (!add_name(p, folded, words.data, words.len, entity) ||
	    (id && id_len && !add_name(p, folded, canonical.data, canonical.len, entity)))
		bad_line(path, number, FULL);
	buf_free(&label_copy);
	buf_free(&canonical);
	buf_free(&words);
	record_free(&r);
}

struct people *people_load(const char *const *files, size_t count)
{
	struct people *p = xcalloc(1, sizeof *p);
	p->names = gazetteer_new();
	struct fold folded = {0};
	for (size_t k = 0; k < count; k++) {
		const char *path = files[k];
		FILE *f = fopen(path, "r");
		if (!f) {
			report("%s: %s", path, strerror(errno));
			exit(STATUS_USAGE);
		}
		char *line = NULL;
		size_t cap = 0;
		ssize_t got;
		uint64_t number = 0;
		while ((got = getline(&line, &cap, f)) >= 0) {
			number++;
			size_t n = (size_t)got;
			while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
				n--;
			size_t i = 0;
			while (i < n && (line[i] == ' ' || line[i] == '\t'))
				i++;
			if (i == n || line[i] == '#')
				continue;
			if (memchr(line, '\0', n) || !utf8_is_valid(line, n))
				bad_line(path, number, "not UTF-8 text");
			if (line[i] == '{')
				load_json_line(p, path, number, line + i, n - i, &folded);
			else
				load_tsv_line(p, path, number, line + i, n - i, &folded);
		}
		if (ferror(f)) {
			report("%s: %s", path, strerror(errno));
			exit(STATUS_FAILURE);
		}
		free(line);
		fclose(f);
	}
	fold_free(&folded);
	gazetteer_prepare(p->names); /* before the threads match it */
	return p;
}

void people_free(struct people *p)
{
	if (!p)
		return;
	free(p->e);
	buf_free(&p->text);
	buf_free(&p->labels);
	gazetteer_free(p->names);
	free(p);
}

/* ---- titles --------------------------------------------------------------- */

/* Words that, capitalised before a name, say it is a person's. */
static const char *const title_words[] = {
	"President", "Presidents", "Vice President", "Prime Minister", "Deputy Prime Minister",
	"Foreign Minister", "Defence Minister", "Defense Minister", "Interior Minister",
	"Finance Minister", "Health Minister", "Justice Minister", "Minister",
	"Secretary-General", "Secretary General", "Secretary of State", "Secretary",
	"Chancellor", "King", "Queen", "Prince", "Princess", "Pope", "Sheikh", "Emir",
	"Senator", "Sen.", "Representative", "Rep.", "Governor", "Gov.", "Mayor",
	"Ambassador", "Envoy", "General", "Gen.", "Admiral", "Colonel", "Col.", "Commander",
	"Spokesman", "Spokeswoman", "Spokesperson", "Chairman", "Chairwoman", "Chair",
	"Chief Executive", "CEO", "Director", "Judge", "Justice", "Professor", "Prof.",
	"Dr.", "Mr.", "Mrs.", "Ms.", "Mr", "Mrs", "Ms", "Dr", "Speaker", "Leader",
	"Cumhurbaşkanı", "Başbakan", "Dışişleri Bakanı", "Bakan", "Bundeskanzler",
	"Bundeskanzlerin", "Präsident", "Président", "Presidente",
};

static struct gazetteer *titles;
static pthread_once_t titles_once = PTHREAD_ONCE_INIT;

static void titles_init(void)
{
	titles = gazetteer_new();
	struct buf folded = {0};
	for (size_t i = 0; i < sizeof title_words / sizeof *title_words; i++) {
		buf_clear(&folded);
		fold_append(title_words[i], strlen(title_words[i]), &folded);
		gazetteer_add(titles, folded.data, folded.len, 0);
	}
	buf_free(&folded);
	gazetteer_prepare(titles);
}

/* ---- tagging ---------------------------------------------------------------- */

/* A name looked for among the record's: same_name() compares found one
 * with it. */
struct name_key {
	const struct tags *t;
	unsigned char label;
	const char *label_name, *name;
	size_t n;
};

static bool same_name(const void *ctx, uint32_t i)
{
	const struct name_key *k = ctx;
	const struct found_name *f = &k->t->found[i];
	return f->label == k->label && f->name_len == k->n &&
	       memcmp(k->t->names.data + f->name_off, k->name, k->n) == 0 &&
	       (k->label != LABEL_OTHER ||
		strcmp(k->t->names.data + f->label_off, k->label_name) == 0);
}

/* The record's names: each (label, name) once, in t->found, found by a
 * hash of both (a long text names many). */
static uint32_t found_name(struct tags *t, unsigned char label, const char *label_name,
			   const char *name, size_t n)
{
	uint64_t h = hash_run(label, name, n, n);
	if (label == LABEL_OTHER)
		h = hash_run(h, label_name, strlen(label_name), strlen(label_name));
	struct name_key key = {t, label, label_name, name, n};
	uint32_t i = idmap_find(&t->found_index, h, same_name, &key);
	if (i != UINT32_MAX)
		return i;
	idmap_add(&t->found_index, h, (uint32_t)t->n_found);
	if (t->n_found == t->cap_found) {
		t->cap_found = t->cap_found ? t->cap_found * 2 : 16;
		t->found = xrealloc(t->found, t->cap_found * sizeof *t->found);
	}
	struct found_name *f = &t->found[t->n_found];
	f->label = label;
	f->count = 0;
	f->label_off = t->names.len;
	buf_add(&t->names, label_name, strlen(label_name) + 1);
	f->name_off = t->names.len;
	f->name_len = n;
	buf_add(&t->names, name, n);
	return (uint32_t)t->n_found++;
}

struct match_ctx {
	struct tags *t;
	const struct people *p;
	struct utf8_cursor cur;
	struct gazetteer *surnames;
	const char *text;
	/* The mentions found are apart, and in two runs, each in the order
	 * of their starts: [0, sorted), and the ones added after. Known
	 * names, titled names and surnames each come in text order. */
	size_t sorted;
};

static int by_start(const void *a, const void *b)
{
	const struct mention *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

static void add_mention(struct match_ctx *c, uint32_t name, size_t start, size_t end)
{
	struct tags *t = c->t;
	if (t->n_mentions > c->sorted && start < t->mentions[t->n_mentions - 1].start) {
		/* out of order: the mentions so far become the first run */
		qsort(t->mentions, t->n_mentions, sizeof *t->mentions, by_start);
		c->sorted = t->n_mentions;
	}
	if (t->n_mentions == t->cap_mentions) {
		t->cap_mentions = t->cap_mentions ? t->cap_mentions * 2 : 32;
		t->mentions = xrealloc(t->mentions, t->cap_mentions * sizeof *t->mentions);
	}
	t->mentions[t->n_mentions++] = (struct mention){name, start, end};
}

/* Whether [start, end) overlaps one of the mentions m[from, to), in the
 * order of their starts and apart: of those that start before end, the
 * last ends last. */
static bool overlaps(const struct mention *m, size_t from, size_t to, size_t start, size_t end)
{
	size_t after = mentions_from(m, from, to, end);
	return after > from && m[after - 1].end > start;
}

/* Whether [start, end) (code points) overlaps a mention found before. */
static bool taken(const struct match_ctx *c, size_t start, size_t end)
{
	const struct tags *t = c->t;
	return overlaps(t->mentions, 0, c->sorted, start, end) ||
	       overlaps(t->mentions, c->sorted, t->n_mentions, start, end);
}

static void add_surname(struct match_ctx *c, size_t start, size_t end, uint32_t name);

static void found_known(void *ctx, const struct gazetteer_match *m)
{
	struct match_ctx *c = ctx;
	struct tags *t = c->t;
	const struct fold *f = &t->fold;
	/* A short name (UN, AA) in capitals only: "un" is a word too. */
	if (!fold_short_in_capitals(f, m->start, m->end))
		return;
	/* A name of several entries (an alias they share) names none. */
	if (m->values)
		return;
	const struct entity *e = &c->p->e[m->first];
	const char *canonical = c->p->text.data + e->canonical;
	uint32_t name = found_name(t, e->label, c->p->labels.data + e->label_name, canonical,
				   e->canonical_len);
	add_mention(c, name, f->from[m->start], f->from[m->end]);
	if (e->label == LABEL_PERSON)
		add_surname(c, m->start, m->end, name);
}

/* After a title ending at folded byte i: one to four capitalised words,
 * the name; returns its end (folded bytes), or i when there is none. */
static size_t name_after(const struct fold *f, size_t i, size_t *start)
{
	const unsigned char *s = (const unsigned char *)f->text.data;
	size_t n = f->text.len, words = 0, end = i;
	size_t j = i;
	while (words < 4) {
		size_t k = j;
		if (k >= n || s[k] != ' ')
			break;
		k++;
		if (k >= n || !fold_is_word_byte(s[k]) || !f->upper[k])
			break;
		size_t w = k;
		while (w < n && (fold_is_word_byte(s[w]) ||
				 ((s[w] == '-' || s[w] == '\'') && w + 1 < n && fold_is_word_byte(s[w + 1]) &&
				  f->upper[w + 1])))
			w++;
		if (!words)
			*start = k;
		words++;
		end = w;
		j = w;
	}
	return words ? end : i;
}

/* Words that end a title's phrase as an institution, not a person:
 * "General Assembly", "Security Council". */
static bool institution(const char *s, size_t n)
{
	static const char *const words[] = {
		"assembly", "council", "court", "committee", "office", "ministry", "department",
		"staff", "directorate", "agency", "party", "union", "administration", "government",
		"secretariat", "command", "headquarters", "house", "palace", "square", "street",
	};
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (strlen(words[i]) == n && memcmp(words[i], s, n) == 0)
			return true;
	return false;
}

static void found_title(void *ctx, const struct gazetteer_match *m)
{
	struct match_ctx *c = ctx;
	struct tags *t = c->t;
	const struct fold *f = &t->fold;
	if (!f->upper[m->start])
		return;
	size_t start = 0, end = name_after(f, m->end, &start);
	if (end == m->end)
		return;
	/* no word of the name may be an institution's */
	for (size_t w = start; w < end;) {
		size_t e = w;
		while (e < end && f->text.data[e] != ' ')
			e++;
		if (institution(f->text.data + w, e - w))
			return;
		w = e + 1;
	}
	size_t cs = f->from[start], ce = f->from[end];
	if (taken(c, cs, ce))
		return;
	size_t bs = utf8_cursor_byte(&c->cur, cs), be = utf8_cursor_byte(&c->cur, ce);
	uint32_t name = found_name(t, LABEL_PERSON, "PERSON", c->text + bs, be - bs);
	add_mention(c, name, cs, ce);
	add_surname(c, start, end, name);
}

/* A person named in more than one word at [start, end) (folded bytes):
 * the last word, alone, names them too ("Stoltenberg said"). */
static void add_surname(struct match_ctx *c, size_t start, size_t end, uint32_t name)
{
	const char *s = c->t->fold.text.data;
	size_t last = end;
	while (last > start && s[last - 1] != ' ')
		last--;
	if (last == start || end - last < 2)
		return;
	if (!c->surnames)
		c->surnames = gazetteer_new();
	gazetteer_add(c->surnames, s + last, end - last, name);
}

static void found_surname(void *ctx, const struct gazetteer_match *m)
{
	struct match_ctx *c = ctx;
	struct tags *t = c->t;
	if (m->values)
		return; /* two people of one surname: neither */
	size_t cs = t->fold.from[m->start], ce = t->fold.from[m->end];
	if (taken(c, cs, ce))
		return;
	add_mention(c, m->first, cs, ce);
}

void tag_people(struct tags *t, const struct people *p, const char *text, size_t n)
{
	pthread_once(&titles_once, titles_init);
	t->n_found = 0;
	idmap_clear(&t->found_index);
	t->n_mentions = 0;
	buf_clear(&t->names);
	struct match_ctx c = {.t = t, .p = p, .cur = {text, n, 0, 0}, .text = text};
	/* one walk over the words finds the known names and lists the
	 * capitalised words, where titles and surnames are then looked for */
	if (p && gazetteer_size(p->names)) {
		tags_fold(t, text, n);
		gazetteer_match_every(p->names, &t->fold, found_known, &c, &t->capitals);
		t->listed = true;
	} else {
		tags_capitals(t, text, n);
	}
	gazetteer_match_listed(titles, &t->fold, &t->capitals, found_title, &c);
	if (c.surnames) {
		gazetteer_match_listed(c.surnames, &t->fold, &t->capitals, found_surname, &c);
		gazetteer_free(c.surnames);
	}
	if (t->n_mentions) /* qsort takes no null array, even empty */
		qsort(t->mentions, t->n_mentions, sizeof *t->mentions, by_start);
	/* names in the order of their first mention */
	for (size_t i = 0; i < t->n_found; i++)
		t->found[i].first = SIZE_MAX;
	for (size_t i = 0; i < t->n_mentions; i++) {
		struct found_name *f = &t->found[t->mentions[i].name];
		f->count++;
		if (f->first == SIZE_MAX)
			f->first = i;
	}
}
