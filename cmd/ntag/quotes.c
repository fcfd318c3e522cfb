#include "quotes.h"

#include <stdlib.h>
#include <string.h>

#include "tags.h"
#include "utf8.h"

/* Verbs that say who spoke, as they stand in news copy. */
static const char *const cues[] = {
	"said", "says", "told", "added", "adds", "stated", "noted", "asked", "stressed",
	"warned", "explained", "wrote", "insisted", "declared", "underlined", "emphasized",
	"emphasised", "continued", "replied", "tweeted", "argued", "claimed", "announced",
	"remarked", "pointed", "urged", "noting", "adding", "saying", "stressing", "warning",
	"explaining", "telling", "asking",
};

static const char *const pronouns[] = {"he", "she"};

static bool word_in(const char *s, size_t n, const char *const *list, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (strlen(list[i]) == n && memcmp(list[i], s, n) == 0)
			return true;
	return false;
}

/* The length of the letter at s[i] (a byte of a word: ASCII letters,
 * hyphens and apostrophes, and characters outside ASCII but for the
 * punctuation news copy uses: quotes, dashes, no-break spaces); 0 when
 * s[i] is none. */
static size_t letter_at(const char *s, size_t i, size_t to)
{
	unsigned char c = (unsigned char)s[i];
	if (c < 0x80)
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '\'';
	if (c == 0xE2 && i + 2 < to && (unsigned char)s[i + 1] == 0x80)
		return 0; /* U+2000..U+203F: dashes, quotes, ellipsis */
	if (c == 0xC2 && i + 1 < to &&
	    ((unsigned char)s[i + 1] == 0xA0 || (unsigned char)s[i + 1] == 0xAB ||
	     (unsigned char)s[i + 1] == 0xBB))
		return 0;
	size_t k = 1;
	while (i + k < to && ((unsigned char)s[i + k] & 0xC0) == 0x80)
		k++;
	return k;
}

/* A word of the text: bytes [start, end). */
struct word {
	size_t start, end;
};

/* The words of s[from..to), at most max of them, into w. */
static size_t words_in(const char *s, size_t from, size_t to, struct word *w, size_t max)
{
	size_t count = 0;
	for (size_t i = from; i < to && count < max;) {
		size_t k;
		while (i < to && !letter_at(s, i, to)) /* a whole character at a time */
			for (i++; i < to && ((unsigned char)s[i] & 0xC0) == 0x80;)
				i++;
		size_t start = i;
		while (i < to && (k = letter_at(s, i, to)))
			i += k;
		if (i > start)
			w[count++] = (struct word){start, i};
	}
	return count;
}

/* Whether the word starts with a capital (ASCII, or a non-ASCII letter
 * whose lowercase differs). */
static bool capitalised(const char *s, const struct word *w)
{
	unsigned char c = (unsigned char)s[w->start];
	if (c < 0x80)
		return c >= 'A' && c <= 'Z';
	uint32_t cp;
	size_t k = utf8_decode(s + w->start, w->end - w->start, &cp);
	return k && ((cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) || cp == 0x130 || cp == 0x15E ||
		     cp == 0x11E || cp == 0x160 || cp == 0x17D || (cp >= 0x410 && cp <= 0x42F));
}

static bool lower_equals(const char *s, const struct word *w, const char *const *list,
			 size_t count)
{
	char buf[16];
	size_t n = w->end - w->start;
	if (n >= sizeof buf)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[w->start + i];
		buf[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	return word_in(buf, n, list, count);
}

/* The cue verb the word is, or NULL. */
static const char *cue_of(const char *s, const struct word *w)
{
	for (size_t k = 0; k < sizeof cues / sizeof *cues; k++)
		if (lower_equals(s, w, cues + k, 1))
			return cues[k];
	return NULL;
}

/* A quote found: content [start, end) in bytes, its speaker. */
struct quote {
	size_t start, end;
	size_t speaker_start, speaker_end; /* bytes; 0, 0: none */
	int name;                          /* index into tags.found, or -1 */
	const char *cue;
	bool pronoun;
};

/* The first person the people tagger found in [from, to) (bytes), as an
 * index into tags.found; -1 if none. The mentions are in the order of
 * their starts. */
static int person_in(const struct tags *t, struct utf8_cursor *pl, size_t from, size_t to)
{
	size_t cf = utf8_cursor_cp(pl, from), ct = utf8_cursor_cp(pl, to);
	for (size_t i = mentions_from(t->mentions, 0, t->n_mentions, cf);
	     i < t->n_mentions && t->mentions[i].start < ct; i++) {
		const struct mention *m = &t->mentions[i];
		if (m->end <= ct && t->found[m->name].label == LABEL_PERSON)
			return (int)m->name;
	}
	return -1;
}

/* The speaker that ends with word w[i - 1], right before a cue verb: a
 * pronoun (when pronoun_ok), or a person the people tagger found among
 * w[0..i), or a run of capitalised words. */
static bool speaker_before_verb(const struct tags *t, struct utf8_cursor *pl, const char *s,
				const struct word *w, size_t i, bool pronoun_ok, struct quote *q)
{
	if (pronoun_ok && lower_equals(s, &w[i - 1], pronouns, 2)) {
		q->pronoun = true;
		q->speaker_start = w[i - 1].start;
		q->speaker_end = w[i - 1].end;
		return true;
	}
	int name = person_in(t, pl, w[0].start, w[i - 1].end);
	if (name < 0 && !capitalised(s, &w[i - 1]))
		return false;
	size_t first = i - 1;
	while (first > 0 && capitalised(s, &w[first - 1]))
		first--;
	q->name = name;
	q->speaker_start = w[first].start;
	q->speaker_end = w[i - 1].end;
	return true;
}

/* The speaker in the words after a closing mark: "…," Çavuşoğlu said /
 * said Çavuşoğlu / he said. */
static bool speaker_after(const struct tags *t, struct utf8_cursor *pl, const char *s, size_t n,
			  size_t at, struct quote *q)
{
	size_t to = at;
	while (to < n && to - at < 120 && s[to] != '.' && s[to] != '\n' && s[to] != '"' &&
	       !(to + 2 < n && (memcmp(s + to, "\xE2\x80\x9C", 3) == 0)))
		to++;
	struct word w[8];
	size_t count = words_in(s, at, to, w, 8);
	for (size_t i = 0; i < count; i++) {
		const char *cue = cue_of(s, &w[i]);
		if (!cue)
			continue;
		q->cue = cue;
		/* before the verb: a name, or a pronoun right after the mark */
		if (i > 0)
			return speaker_before_verb(t, pl, s, w, i, i == 1, q);
		/* after it: said Çavuşoğlu, said Foreign Minister ... */
		if (i + 1 < count) {
			int name = person_in(t, pl, w[i + 1].start, to);
			size_t last = i + 1;
			if (name < 0 && !capitalised(s, &w[i + 1]))
				return false;
			while (last + 1 < count && capitalised(s, &w[last + 1]) &&
			       w[last + 1].start - w[last].end <= 1)
				last++;
			q->name = name;
			q->speaker_start = w[i + 1].start;
			q->speaker_end = w[last].end;
			return true;
		}
		return false;
	}
	return false;
}

/* The speaker before an opening mark: Erdoğan said: "…" / Aliyev told
 * reporters, "…". */
static bool speaker_before(const struct tags *t, struct utf8_cursor *pl, const char *s, size_t at,
			   struct quote *q)
{
	size_t k = at;
	while (k > 0 && s[k - 1] == ' ')
		k--;
	if (k == 0 || (s[k - 1] != ':' && s[k - 1] != ','))
		return false;
	size_t from = k > 160 ? k - 160 : 0;
	for (size_t j = k - 1; j > from; j--)
		if (s[j - 1] == '.' || s[j - 1] == '\n' || s[j - 1] == '"') {
			from = j;
			break;
		}
	struct word w[24];
	size_t count = words_in(s, from, k, w, 24);
	for (size_t i = count; i-- > 0;) {
		const char *cue = cue_of(s, &w[i]);
		if (!cue)
			continue;
		q->cue = cue;
		return i > 0 && speaker_before_verb(t, pl, s, w, i, true, q);
	}
	return false;
}

static size_t mark_at(const char *s, size_t n, size_t i, bool opening)
{
	if (s[i] == '"')
		return 1;
	if (i + 2 < n && (unsigned char)s[i] == 0xE2 && (unsigned char)s[i + 1] == 0x80) {
		unsigned char c = (unsigned char)s[i + 2];
		if (opening ? (c == 0x9C || c == 0x9E) : c == 0x9D)
			return 3;
	}
	if (i + 1 < n && (unsigned char)s[i] == 0xC2 &&
	    (unsigned char)s[i + 1] == (opening ? 0xAB : 0xBB))
		return 2;
	return 0;
}

/* The last speaker named before a place: by a quote, or by a person the
 * people tagger found with a cue verb in the three words after
 * ("Çavuşoğlu said Turkey was proud"). */
struct speaker {
	int name;
	size_t start, end; /* bytes */
};

/* Takes in the people tagger's persons with a cue verb after them that
 * stand before `before` (bytes), from mention *next on. */
static void indirect_speakers(const struct tags *t, struct utf8_cursor *bytes, const char *s,
			      size_t n, size_t before, size_t *next, struct speaker *last)
{
	for (; *next < t->n_mentions; ++*next) {
		const struct mention *m = &t->mentions[*next];
		if (t->found[m->name].label != LABEL_PERSON)
			continue;
		size_t start = utf8_cursor_byte(bytes, m->start), end = utf8_cursor_byte(bytes, m->end);
		if (start >= before)
			return;
		struct word w[3];
		size_t to = end + 40 < n ? end + 40 : n;
		size_t count = words_in(s, end, to, w, 3);
		for (size_t i = 0; i < count; i++)
			if (cue_of(s, &w[i])) {
				*last = (struct speaker){(int)m->name, start, end};
				break;
			}
	}
}

void tag_quotes(struct tags *t, const char *s, size_t n)
{
	t->n_quotes = 0;
	struct utf8_cursor pl = {s, n, 0, 0}, bytes = {s, n, 0, 0};
	struct speaker last = {-1, 0, 0};
	size_t next_mention = 0, last_quote_end = 0, line_end = 0;
	bool last_quote_speaker = false;
	for (size_t i = 0; i < n; i++) {
		size_t open = mark_at(s, n, i, true);
		if (!open)
			continue;
		/* the closing mark, within the paragraph */
		size_t j = i + open, close = 0;
		for (; j < n; j++) {
			if (s[j] == '\n' && j + 1 < n && s[j + 1] == '\n')
				break;
			if ((close = mark_at(s, n, j, false)))
				break;
		}
		struct quote q = {.start = i + open, .end = j, .name = -1};
		if (!close) {
			/* an opening mark the paragraph does not close: a quote to
			 * its end when a speaker and a cue stand before it */
			if (open == 1 || !speaker_before(t, &pl, s, i, &q)) {
				i = j;
				continue;
			}
			while (q.end > q.start && strchr(" '\"", s[q.end - 1]))
				q.end--;
		}
		struct word w[4];
		if (words_in(s, q.start, q.end, w, 4) < 4) { /* a word in quotes, not a quote */
			i = j + close - 1;
			continue;
		}
		if (close && !speaker_after(t, &pl, s, n, j + close, &q))
			speaker_before(t, &pl, s, i, &q);
		/* A quote without a cue that goes on from the one before, in its
		 * paragraph or opening the next, is that speaker's. */
		bool goes_on = false;
		if (!q.cue && t->n_quotes && last_quote_end) {
			size_t breaks = 0;
			for (size_t k = last_quote_end; k < i; k++)
				breaks += s[k] == '\n' && k + 1 < i && s[k + 1] == '\n';
			goes_on = breaks == 0 || (breaks == 1 && i > 0 && s[i - 1] == '\n');
		}
		indirect_speakers(t, &bytes, s, n, i, &next_mention, &last);
		if (t->n_quotes == t->cap_quotes) {
			t->cap_quotes = t->cap_quotes ? t->cap_quotes * 2 : 8;
			t->quotes = xrealloc(t->quotes, t->cap_quotes * sizeof *t->quotes);
		}
		struct found_quote *f = &t->quotes[t->n_quotes++];
		f->start = utf8_cursor_cp(&pl, q.start);
		f->end = utf8_cursor_cp(&pl, q.end);
		f->cue = q.cue;
		f->pronoun = q.pronoun;
		f->name = -1;
		f->speaker_off = f->speaker_len = 0;
		if (q.pronoun) {
			/* the last named speaker, unless another person was named
			 * since (then it is not known who) */
			if (last.end) {
				int between = person_in(t, &pl, last.end, q.speaker_start);
				if (between < 0 || between == last.name) {
					f->name = last.name;
					f->speaker_off = last.start;
					f->speaker_len = last.end - last.start;
				}
			}
		} else if (q.speaker_end) {
			f->name = q.name;
			f->speaker_off = q.speaker_start;
			f->speaker_len = q.speaker_end - q.speaker_start;
			last = (struct speaker){q.name, q.speaker_start, q.speaker_end};
		} else if (goes_on && last_quote_speaker) {
			const struct found_quote *before = &t->quotes[t->n_quotes - 2];
			f->name = before->name;
			f->speaker_off = before->speaker_off;
			f->speaker_len = before->speaker_len;
		}
		last_quote_speaker = f->name >= 0 || f->speaker_len;
		/* where this quote's sentence ends: its paragraph's end or not;
		 * the end of the line found for the quote before serves when
		 * this one is on the same line (a line of many quotes is
		 * searched once) */
		size_t e = close ? j + close : j;
		if (e > line_end) {
			const char *nl = memchr(s + e, '\n', n - e);
			line_end = nl ? (size_t)(nl - s) : n;
		}
		last_quote_end = line_end;
		i = close ? j + close - 1 : j;
	}
}
