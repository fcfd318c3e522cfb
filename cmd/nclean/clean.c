#include "clean.h"

#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "json.h"
#include "langid.h"
#include "normalize.h"
#include "page.h"
#include "patterns.h"
#include "template.h"
#include "utf8.h"

struct clean_line {
	size_t off, len;
	bool is_paragraph_start; /* a blank line came before it */
	int rule;                /* the rule that removed it, or -1 */
	bool is_kept;            /* a keep pattern protects it */
	const struct pattern *pattern; /* the user pattern that removed it */
};

void cleaner_init(struct cleaner *c, struct stats *stats, struct writer *explain)
{
	memset(c, 0, sizeof *c);
	c->stats = stats;
	c->explain = explain;
}

static bool on(const struct cleaner *c, enum rule r)
{
	return !c->is_disabled[r];
}

/* The edge rules, in the order they are tried. A row of capitalised
 * words is no menu when the next line goes on with its sentence (a wrapped
 * paragraph starting "The U.S. Agriculture Department"). */
static int edge_rule(const struct cleaner *c, const char *s, size_t n, bool is_continued)
{
	if (on(c, RULE_MENU) && !is_continued && rule_menu_words(s, n))
		return RULE_MENU;
	if (on(c, RULE_SHARE) && rule_share(s, n))
		return RULE_SHARE;
	if (on(c, RULE_CLOSE_BUTTON) && rule_close_button(s, n))
		return RULE_CLOSE_BUTTON;
	if (on(c, RULE_COOKIE) && rule_cookie(s, n))
		return RULE_COOKIE;
	if (on(c, RULE_ATTRIBUTION) && rule_attribution(s, n))
		return RULE_ATTRIBUTION;
	return -1;
}

/* Rules that hold wherever the line stands. */
static int anywhere_rule(const struct cleaner *c, const struct rule_context *ctx, const char *s,
			 size_t n, char iso[11])
{
	if (on(c, RULE_TITLE_REPEAT) && rule_title_repeat(ctx, s, n))
		return RULE_TITLE_REPEAT;
	if (on(c, RULE_TICKER) && rule_ticker(s, n))
		return RULE_TICKER;
	if (on(c, RULE_MENU) && rule_menu(s, n))
		return RULE_MENU;
	if (on(c, RULE_DATE_PRINT) && rule_date_print(s, n, iso))
		return RULE_DATE_PRINT;
	if (c->template && c->has_site && on(c, RULE_TEMPLATE) &&
	    template_is_template(c->template, c->site, s, n))
		return RULE_TEMPLATE;
	return -1;
}

static size_t split_lines(const char *s, size_t n, struct clean_line **lines, size_t *cap)
{
	size_t count = 0, i = 0;
	bool paragraph = true;
	while (i < n) {
		const char *nl = memchr(s + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - s) : n;
		if (e == i) {
			paragraph = true;
		} else {
			if (count == *cap) {
				*cap = *cap ? *cap * 2 : 64;
				*lines = xrealloc(*lines, *cap * sizeof **lines);
			}
			(*lines)[count++] = (struct clean_line){i, e - i, paragraph, -1, false, NULL};
			paragraph = false;
		}
		i = e + 1;
	}
	return count;
}

/* Whether line i's sentence goes on in the next kept line of its
 * paragraph: that line starts in lower case, or line i has no closing
 * punctuation and the next is a long line that is no menu itself (Reuters
 * breaks lines inside names: "U.S. Trade Representative Clayton"). */
static bool is_continued(const char *text, const struct clean_line *lines, size_t count, size_t i)
{
	size_t j = i + 1;
	while (j < count && lines[j].rule >= 0 && !lines[j].is_paragraph_start)
		j++;
	if (j >= count || lines[j].is_paragraph_start)
		return false;
	const char *next = text + lines[j].off;
	uint32_t cp;
	if (utf8_decode(next, lines[j].len, &cp) && utf8proc_islower((utf8proc_int32_t)cp))
		return true;
	char last = text[lines[i].off + lines[i].len - 1];
	return !strchr(".!?:;\"", last) && lines[j].len >= 40 && !rule_menu_words(next, lines[j].len);
}

/* Whether line i is a piece of a sentence broken over lines: a word of a
 * link on a line of its own ("gazetesi,\nFenerbahçe\nKulübü'nün ...") or
 * the end of a wrapped sentence ("said."): it starts with punctuation,
 * the line before ends in a comma or a dash (or, in the same paragraph, a
 * lower-case letter), or the line after starts in lower case or with
 * punctuation. Such a line recurs because the word does, and is the
 * article's. */
static bool inside_sentence(const char *text, const struct clean_line *lines, size_t count,
			    size_t i)
{
	/* A comma counts across a blank line: scraped text breaks a sentence
	 * into paragraphs around its links. */
	uint32_t cp;
	if (i > 0) {
		const char *prev = text + lines[i - 1].off;
		size_t n = lines[i - 1].len, k = n;
		while (k > 0 && ((unsigned char)prev[k - 1] & 0xC0) == 0x80)
			k--;
		if (strchr(",;-", prev[n - 1]) || strchr(",;:'.)", text[lines[i].off]) ||
		    (!lines[i].is_paragraph_start && k > 0 &&
		     utf8_decode(prev + k - 1, n - k + 1, &cp) && utf8proc_islower((utf8proc_int32_t)cp)))
			return true;
	}
	if (i + 1 < count) {
		const char *next = text + lines[i + 1].off;
		if (strchr(",;:'.)", next[0]) ||
		    (utf8_decode(next, lines[i + 1].len, &cp) && utf8proc_islower((utf8proc_int32_t)cp)))
			return true;
	}
	return false;
}

static bool has_digit(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] >= '0' && s[i] <= '9')
			return true;
	return false;
}

/* Whether line i is the label of a block in a table: a few words between
 * lines with figures ("Revs 10.0 mln vs 7.6 mln\nYear\nShr 5 cts"). */
static bool inside_table(const char *text, const struct clean_line *lines, size_t count,
			 size_t i)
{
	return i > 0 && i + 1 < count && rule_word_count(text + lines[i].off, lines[i].len) <= 3 &&
	       has_digit(text + lines[i - 1].off, lines[i - 1].len) &&
	       has_digit(text + lines[i + 1].off, lines[i + 1].len);
}

/* Tries the edge rules on line i; returns whether peeling goes on past it
 * (it was removed, now or by an earlier rule). */
static bool peel(const struct cleaner *c, const char *text, struct clean_line *lines, size_t count,
		 size_t i)
{
	if (lines[i].rule < 0 && !lines[i].is_kept) {
		lines[i].rule = edge_rule(c, text + lines[i].off, lines[i].len,
					  is_continued(text, lines, count, i));
		if (lines[i].rule < 0 && c->patterns && on(c, RULE_PATTERN) &&
		    (lines[i].pattern = patterns_match(c->patterns, text + lines[i].off,
						       lines[i].len, false, true)))
			lines[i].rule = RULE_PATTERN;
	}
	return lines[i].rule >= 0;
}

/* Adds an explanation of a removed line to c->explained. */
static void explain(struct cleaner *c, struct record *r, const struct clean_line *l,
		    const char *text)
{
	int rule = l->rule;
	const char *s = text + l->off;
	size_t n = l->len;
	long id = record_find(r, "id");
	buf_adds(&c->explained, "{\"id\":");
	buf_add(&c->explained, r->line + r->members[id].val_off, r->members[id].val_len);
	buf_adds(&c->explained, ",\"rule\":");
	json_append_utf8(&c->explained, rule_name((enum rule)rule), strlen(rule_name((enum rule)rule)));
	if (l->pattern) {
		buf_adds(&c->explained, ",\"pattern\":");
		json_append_string(&c->explained, l->pattern->where, strlen(l->pattern->where));
	}
	buf_adds(&c->explained, ",\"text\":");
	json_append_utf8(&c->explained, s, n);
	buf_adds(&c->explained, "}\n");
}

/* Copies the string field key into out (NUL-terminated); false if absent. */
static bool field(struct record *r, const char *key, struct buf *out)
{
	const char *s;
	size_t n;
	buf_clear(out);
	if (!record_get_string(r, key, &s, &n))
		return false;
	buf_add(out, s, n);
	return true;
}

/* A paragraph of kept lines: [first, end) in lines. */
struct paragraph {
	size_t first, end;
};

/* The kept paragraphs' bounds, in order, into c->paragraphs. */
static size_t kept_paragraphs(struct cleaner *c, const struct clean_line *lines, size_t count)
{
	size_t n = 0;
	for (size_t i = 0; i < count; i++) {
		if (lines[i].rule >= 0)
			continue;
		if (n == 0 || lines[i].is_paragraph_start || c->paragraphs[n - 1].end != i) {
			if (n == c->paragraph_cap) {
				c->paragraph_cap = c->paragraph_cap ? c->paragraph_cap * 2 : 16;
				c->paragraphs = xrealloc(c->paragraphs,
							 c->paragraph_cap * sizeof *c->paragraphs);
			}
			c->paragraphs[n++] = (struct paragraph){i, i + 1};
		} else {
			c->paragraphs[n - 1].end = i + 1;
		}
	}
	return n;
}

/* Whether paragraph p is short interface text: 4 to 60 words, with
 * interface words. */
static bool is_interface(const char *text, const struct clean_line *lines, struct paragraph p)
{
	const char *s = text + lines[p.first].off;
	size_t n = lines[p.end - 1].off + lines[p.end - 1].len - lines[p.first].off;
	size_t words = rule_word_count(s, n);
	return words >= 4 && words <= 60 && rule_interface_words(s, n);
}

/* Removes interface paragraphs at the start and the end (up to three on
 * each side) that are, reliably, in another language than the rest of the
 * text, itself reliably in one language: a Turkish banner under an
 * English article. CLD2 runs only when such a paragraph is there. */
static void foreign_edges(struct cleaner *c, const char *text, struct clean_line *lines,
			  size_t count)
{
	if (!on(c, RULE_FOREIGN))
		return;
	size_t n = kept_paragraphs(c, lines, count);
	if (n < 2)
		return;
	size_t head = 0, tail = 0; /* candidates at the start and at the end */
	while (head < 3 && head < n - 1 && is_interface(text, lines, c->paragraphs[head]))
		head++;
	while (tail < 3 && head + tail < n - 1 &&
	       is_interface(text, lines, c->paragraphs[n - 1 - tail]))
		tail++;
	if (!head && !tail)
		return;
	/* The language of the rest, from up to 4 KiB of it. The rest must be
	 * the article: 400 bytes at least, and twice the candidates. */
	size_t rest = 0, edges = 0;
	for (size_t k = 0; k < n; k++) {
		struct paragraph p = c->paragraphs[k];
		size_t len = lines[p.end - 1].off + lines[p.end - 1].len - lines[p.first].off;
		*(k < head || k >= n - tail ? &edges : &rest) += len;
	}
	if (rest < 400 || rest < 2 * edges)
		return;
	struct buf *body = &c->json;
	buf_clear(body);
	for (size_t k = head; k < n - tail && body->len < 4096; k++) {
		struct paragraph p = c->paragraphs[k];
		buf_add(body, text + lines[p.first].off,
			lines[p.end - 1].off + lines[p.end - 1].len - lines[p.first].off);
		buf_addc(body, '\n');
	}
	if (!c->langid) {
		c->langid = xcalloc(1, sizeof *c->langid);
		langid_init(c->langid);
	}
	if (!langid_detect(body->data, body->len, c->langid) || !c->langid->reliable ||
	    strcmp(c->langid->lang, "un") == 0)
		return;
	for (int side = 0; side < 2; side++) {
		size_t m = side ? tail : head;
		for (size_t k = 0; k < m; k++) {
			struct paragraph p = c->paragraphs[side ? n - 1 - k : k];
			const char *s = text + lines[p.first].off;
			size_t len = lines[p.end - 1].off + lines[p.end - 1].len - lines[p.first].off;
			bool reliable = false;
			const char *lang = langid_detect_short(s, len, NULL, &reliable);
			if (!reliable || strcmp(lang, "un") == 0 || strcmp(lang, c->langid->lang) == 0)
				break; /* peeling stops at the first paragraph that stays */
			for (size_t i = p.first; i < p.end; i++)
				if (lines[i].rule < 0 && !lines[i].is_kept)
					lines[i].rule = RULE_FOREIGN;
		}
	}
}

/* On a full page, marks the lines outside the article's block (and its
 * comment section) as removed; returns whether the text was a full page. */
static bool find_article(struct cleaner *c, const struct rule_context *ctx, const char *text,
			 struct clean_line *lines, size_t count)
{
	if (c->full_page == FULL_PAGE_NEVER ||
	    (!on(c, RULE_OUTSIDE_ARTICLE) && !on(c, RULE_COMMENTS)))
		return false;
	if (c->page_cap < count) {
		c->page_cap = count;
		c->page = xrealloc(c->page, count * sizeof *c->page);
		c->page_index = xrealloc(c->page_index, count * sizeof *c->page_index);
	}
	for (size_t i = 0; i < count; i++)
		c->page[i] = (struct page_line){text + lines[i].off, lines[i].len, 0, false, false};
	if (c->full_page == FULL_PAGE_AUTO && !page_is_full_page(c->page, count, &c->line))
		return false;
	/* The article is looked for among the lines the rules kept. */
	size_t kept = 0;
	bool after_title = false;
	for (size_t i = 0; i < count; i++) {
		if (lines[i].rule == RULE_TITLE_REPEAT ||
		    (page_repeats_title(ctx->page_title, ctx->page_title_len,
					text + lines[i].off, lines[i].len, &c->line) &&
		     (i > 0 || ctx->title))) {
			after_title = true;
			if (lines[i].rule >= 0)
				continue;
		}
		if (lines[i].rule < 0) {
			c->page[kept] = (struct page_line){text + lines[i].off, lines[i].len, 0,
							   false, after_title};
			c->page_index[kept++] = i;
			after_title = false;
		}
	}
	size_t comments;
	if (!page_find_article(c->page, kept, &comments, &c->line))
		return true;
	for (size_t k = 0; k < kept; k++) {
		struct clean_line *l = &lines[c->page_index[k]];
		if (l->is_kept)
			continue;
		if (k >= comments && on(c, RULE_COMMENTS))
			l->rule = RULE_COMMENTS;
		else if (!c->page[k].keep && on(c, RULE_OUTSIDE_ARTICLE))
			l->rule = RULE_OUTSIDE_ARTICLE;
	}
	return true;
}

/* One pass: applies the rules to normalised text and writes what is kept
 * to out; counts and explains what it removed. Returns the number removed. */
static size_t clean_pass(struct cleaner *c, struct record *r, const struct rule_context *ctx,
			 const char *text, size_t text_len, struct buf *out, uint64_t *by_rule,
			 char found[11], bool *is_page)
{
	size_t count = split_lines(text, text_len, &c->lines, &c->line_cap);
	struct clean_line *lines = c->lines;
	char iso[11];
	for (size_t i = 0; i < count; i++) {
		const char *s = text + lines[i].off;
		if (c->patterns && patterns_match(c->patterns, s, lines[i].len, true, false)) {
			lines[i].is_kept = true;
			continue;
		}
		lines[i].rule = anywhere_rule(c, ctx, s, lines[i].len, iso);
		if (lines[i].rule < 0 && c->patterns && on(c, RULE_PATTERN) &&
		    (lines[i].pattern = patterns_match(c->patterns, s, lines[i].len, false, false)))
			lines[i].rule = RULE_PATTERN;
		if (lines[i].rule == RULE_DATE_PRINT && !found[0])
			memcpy(found, iso, 11);
		if (lines[i].rule == RULE_TEMPLATE && (inside_sentence(text, lines, count, i) ||
						       inside_table(text, lines, count, i)))
			lines[i].rule = -1;
	}
	/* Peel the edges: chrome sits before and after the article. */
	for (size_t i = 0; i < count && peel(c, text, lines, count, i); i++)
		;
	for (size_t i = count; i-- > 0 && peel(c, text, lines, count, i);)
		;
	foreign_edges(c, text, lines, count);
	/* Only the first pass looks for the article in a full page: later
	 * passes, and later runs, have the article already. */
	if (!*is_page && !c->has_article)
		*is_page = find_article(c, ctx, text, lines, count);
	buf_clear(out);
	size_t removed = 0;
	for (size_t i = 0; i < count; i++) {
		if (lines[i].rule >= 0) {
			removed++;
			by_rule[lines[i].rule]++;
			if (c->explain)
				explain(c, r, &lines[i], text);
			continue;
		}
		if (out->len)
			buf_adds(out, lines[i].is_paragraph_start ? "\n\n" : "\n");
		buf_add(out, text + lines[i].off, lines[i].len);
	}
	return removed;
}

/* Whether an earlier run found the record's article in a full page: its
 * "clean" object says "page":"article". */
static bool has_article(struct record *r)
{
	long i = record_find(r, "clean");
	if (i < 0 || r->members[i].type != JSON_OBJECT)
		return false;
	const char *v = r->line + r->members[i].val_off;
	struct json_member *m = NULL;
	size_t count = 0, cap = 0;
	struct json_error err;
	bool found = false;
	if (json_scan_object(v, r->members[i].val_len, &m, &count, &cap, &err))
		for (size_t k = 0; k < count && !found; k++)
			found = m[k].key_len == 4 && memcmp(v + m[k].key_off, "page", 4) == 0 &&
				m[k].val_len == 9 && memcmp(v + m[k].val_off, "\"article\"", 9) == 0;
	free(m);
	return found;
}

void cleaner_normalize(struct cleaner *c, struct record *r, struct buf *out)
{
	const char *raw;
	size_t raw_len;
	record_get_string(r, "text", &raw, &raw_len); /* jsonl checked it is there */
	if (normalize_text(raw, raw_len, out, &c->scratch))
		stats_add(c->stats, NULL, "mojibake_repaired", 1);
}

bool cleaner_record(struct cleaner *c, struct record *r, const struct buf *normalized_text)
{
	c->has_article = has_article(r);
	const char *raw;
	size_t raw_len;
	record_get_string(r, "text", &raw, &raw_len); /* jsonl checked it is there */
	struct buf normalized = {0};
	if (normalized_text)
		buf_add(&normalized, normalized_text->data ? normalized_text->data : "",
			normalized_text->len);
	else
		cleaner_normalize(c, r, &normalized);

	/* The title, normalised to one line, and its site suffix. */
	struct rule_context ctx = {0};
	struct buf url = {0}, source = {0};
	bool has_title = field(r, "title", &c->line);
	buf_clear(&c->title);
	if (has_title) {
		normalize_text(c->line.data, c->line.len, &c->title, &c->scratch);
		for (size_t i = 0; i < c->title.len; i++)
			if (c->title.data[i] == '\n')
				c->title.data[i] = ' ';
	}
	bool has_url = field(r, "url", &url), has_source = field(r, "source", &source);
	const char *site = NULL;
	size_t site_len = 0, title_len = c->title.len;
	if (has_title && c->title.len && record_type(r, "site") < 0)
		title_len = rule_split_title(c->title.data, c->title.len,
					     normalized.data ? normalized.data : "", normalized.len,
					     has_url ? url.data : NULL,
					     has_source ? source.data : NULL, &site, &site_len);
	ctx.title = has_title ? c->title.data : NULL;
	/* Where the record has no title, a full page's first line is its
	 * <title>: the first line of the text as it came in. */
	ctx.page_title = ctx.title;
	ctx.page_title_len = title_len;
	if (!has_title && normalized.len) {
		const char *nl = memchr(normalized.data, '\n', normalized.len);
		ctx.page_title = normalized.data;
		ctx.page_title_len = nl ? (size_t)(nl - normalized.data) : normalized.len;
	}
	ctx.title_len = title_len;
	ctx.site = site;
	ctx.site_len = site_len;

	/* Passes until nothing changes (a removal can make a wrapped block
	 * whole, or bring a line to the edge), so that a second run of nclean
	 * has nothing left to do. */
	uint64_t by_rule[RULE_COUNT] = {0};
	char found[11] = "";
	size_t removed = 0;
	bool is_page = false;
	buf_clear(&c->explained);
	/* The first pass starts from the text normalised above; later ones
	 * normalise again, since a removal can make a wrapped block whole. */
	struct buf next = {0};
	buf_clear(&c->out);
	buf_add(&c->out, normalized.data ? normalized.data : "", normalized.len);
	for (int round = 0; round < 4; round++) {
		if (round > 0) {
			buf_clear(&c->text);
			normalize_text(c->out.data ? c->out.data : "", c->out.len, &c->text,
				       &c->scratch);
		} else {
			buf_clear(&c->text);
			buf_add(&c->text, c->out.data ? c->out.data : "", c->out.len);
		}
		size_t k = clean_pass(c, r, &ctx, c->text.data ? c->text.data : "", c->text.len,
				      &next, by_rule, found, &is_page);
		removed += k;
		bool same = next.len == c->out.len &&
			    (next.len == 0 || memcmp(next.data, c->out.data, next.len) == 0);
		struct buf t = c->out;
		c->out = next;
		next = t;
		/* Normalisation alone is idempotent: a pass that removed nothing
		 * leaves a fixpoint. */
		if (!k || same)
			break;
	}
	buf_free(&next);

	/* Never empty a good article: when the rules would take most of it,
	 * keep it normalised only, and say so. On a full page most of the text
	 * is chrome: there only an empty result is undone. */
	const char *flag = NULL;
	const char *result = c->out.data ? c->out.data : "";
	size_t result_len = c->out.len;
	size_t norm_len = normalized.len;
	if (removed &&
	    (result_len == 0 || (!is_page && norm_len >= 300 && result_len * 10 < norm_len * 3))) {
		flag = "mostly-boilerplate";
		result = normalized.data ? normalized.data : "";
		result_len = norm_len;
		removed = 0;
		is_page = false;
	} else if (rule_word_count(result, result_len) < 30) {
		flag = "short";
	}
	if (removed) {
		stats_add(c->stats, NULL, "lines_removed", removed);
		for (int i = 0; i < RULE_COUNT; i++)
			c->removed[i] += by_rule[i];
		if (c->explain && c->explained.len &&
		    writer_write(c->explain, c->explained.data, c->explained.len) < 0) {
			buf_free(&normalized);
			buf_free(&url);
			buf_free(&source);
			return false;
		}
	}
	if (result_len != raw_len || (raw_len && memcmp(result, raw, raw_len) != 0)) {
		record_set_string(r, "text", result, result_len);
		stats_add(c->stats, NULL, "texts_changed", 1);
	}
	if (site) {
		record_set_string(r, "title", c->title.data, title_len);
		record_set_string(r, "site", site, site_len);
		stats_add(c->stats, NULL, "sites_split", 1);
	} else if (has_title && (c->title.len != c->line.len ||
				 (c->line.len && memcmp(c->title.data, c->line.data, c->line.len) != 0))) {
		record_set_string(r, "title", c->title.data, c->title.len);
	}
	if (found[0] && record_type(r, "date") < 0) {
		record_set_string(r, "date", found, 10);
		stats_add(c->stats, NULL, "dates_found", 1);
	}
	if (is_page)
		stats_add(c->stats, NULL, "articles_found", 1);
	if (flag || is_page || c->has_article) {
		buf_clear(&c->json);
		buf_adds(&c->json, "{");
		if (is_page || c->has_article)
			buf_adds(&c->json, flag ? "\"page\":\"article\"," : "\"page\":\"article\"");
		if (flag) {
			buf_adds(&c->json, "\"flag\":");
			json_append_utf8(&c->json, flag, strlen(flag));
			stats_add(c->stats, "flags", flag, 1);
		}
		buf_addc(&c->json, '}');
		record_set_raw(r, "clean", c->json.data, c->json.len);
	} else if (record_type(r, "clean") >= 0) {
		record_remove(r, "clean"); /* a flag from an earlier run no longer holds */
	}
	buf_free(&normalized);
	buf_free(&url);
	buf_free(&source);
	return true;
}

void cleaner_finish(struct cleaner *c)
{
	for (int i = 0; i < RULE_COUNT; i++)
		if (c->removed[i])
			stats_add(c->stats, "removed_by_rule", rule_name((enum rule)i), c->removed[i]);
	buf_free(&c->text);
	buf_free(&c->scratch);
	buf_free(&c->out);
	buf_free(&c->title);
	buf_free(&c->line);
	buf_free(&c->json);
	buf_free(&c->explained);
	free(c->lines);
	free(c->page);
	free(c->page_index);
	free(c->paragraphs);
	if (c->langid) {
		langid_free(c->langid);
		free(c->langid);
	}
}
