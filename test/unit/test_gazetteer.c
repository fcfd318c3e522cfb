#include "gazetteer.h"

#include <string.h>

#include "fold.h"
#include "unit.h"

/* The matches gazetteer_match reports, as start, end and first value. */
struct seen {
	size_t count;
	size_t start[512], end[512];
	uint32_t value[512];
};

static void note(void *ctx, const struct gazetteer_match *m)
{
	struct seen *s = ctx;
	if (s->count < 512) {
		s->start[s->count] = m->start;
		s->end[s->count] = m->end;
		s->value[s->count] = m->first;
	}
	s->count++;
}

static bool is_word(unsigned char c)
{
	return fold_is_word_byte(c);
}

/* The matches by the letter of gazetteer.h, the slow way: from each word
 * start (a capital's, with capitalised; left to right, past the last
 * match), the longest of names[] that the folded text holds there and
 * that ends where a word does. */
static void naive(const struct fold *f, bool capitalised, const char *const *names,
		  size_t name_count, struct seen *s)
{
	const char *t = f->text.data;
	size_t n = f->text.len;
	s->count = 0;
	for (size_t i = 0; i < n;) {
		if (!is_word((unsigned char)t[i]) || (i > 0 && is_word((unsigned char)t[i - 1])) ||
		    (capitalised && !f->upper[i])) {
			i++;
			continue;
		}
		size_t best = 0, best_name = 0;
		for (size_t k = 0; k < name_count; k++) {
			size_t len = strlen(names[k]), end = i + len;
			if (len > best && end <= n && memcmp(t + i, names[k], len) == 0 &&
			    (end == n || !is_word((unsigned char)t[end]) ||
			     !is_word((unsigned char)t[end - 1]))) {
				best = len;
				best_name = k;
			}
		}
		if (!best) {
			i++;
			continue;
		}
		note(s, &(struct gazetteer_match){i, i + best, (uint32_t)best_name, 0});
		i += best;
	}
}

static uint64_t rng = 0x2545F4914F6CDD1Dull;

static unsigned roll(unsigned below)
{
	return (unsigned)(unit_random(&rng) % below);
}

/* Texts of words and names, of every length up to a few hundred bytes
 * (words cut by the 16- and 64-byte blocks the matcher reads, words
 * longer than a block, texts that end in a name), folded, against the
 * slow matcher, from every word and from capitals only. */
static void test_matches_as_the_definition_says(void)
{
	static const char *const words[] = {
		"a", "ab", "abc", "abcdefgh", "abcdefghi", "internationalisation",
		/* longer than the 64-byte blocks words are found in */
		"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
		/* words that end in a name, and a capital inside a word:
		 * neither starts a word, in a block or after one */
		"banana", "xNATO", "abcdefghijklmnopqrstuvwxyzNato",
		/* a name whose last word is a name too */
		"Jens Stoltenberg",
		"cavusoglu", "\xd0\xbc\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0", "yahoo", "inc", "7",
		"2020", "x1", "zz",
		"stoltenberg", "jens", "nato", "ilham", "aliyev", "president",
		/* capitals, which fold to the names' small letters */
		"Stoltenberg", "Jens", "NATO", "Ilham", "Aliyev", "\xC3\x87" "avu\xC5\x9Fo\xC4\x9Flu", "ABC",
		"\xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0",
	};
	static const char *const seps[] = {" ", ", ", ". ", "-", "! ", "\n", "'", " (", ") "};
	static const char *const names[] = {
		"jens stoltenberg", "nato", "ilham aliyev", "president ilham aliyev", "yahoo!",
		"inc.", "abcdefghi abc", "internationalisation", "abc", "cavusoglu",
		"\xd0\xbc\xd0\xbe\xd1\x81\xd0\xba\xd0\xb2\xd0\xb0 nato",
		"x1-2020", "zz zz zz", "a", "stoltenberg", "abcdefgh abcdefgh abcdefgh",
	};
	enum { NAMES = sizeof names / sizeof *names, WORDS = sizeof words / sizeof *words };
	struct gazetteer *g = gazetteer_new();
	for (size_t k = 0; k < NAMES; k++)
		gazetteer_add(g, names[k], strlen(names[k]), (uint32_t)k);
	CHECK_EQ_SIZE(gazetteer_size(g), NAMES, "every name is in");
	struct fold f = {0};
	struct gazetteer_words capitals = {0}, listed = {0};
	static struct seen want, got;
	size_t differ = 0, matched = 0, capital_matches = 0;
	for (int round = 0; round < 3000; round++) {
		char text[1024];
		size_t len = 0, target = roll(300);
		while (len < target) {
			const char *w = roll(4) ? words[roll(WORDS)] : names[roll(NAMES)];
			const char *sep = seps[roll(sizeof seps / sizeof *seps)];
			if (len + strlen(w) + strlen(sep) + 1 >= sizeof text)
				break;
			memcpy(text + len, w, strlen(w));
			len += strlen(w);
			if (len < target || roll(2)) {
				memcpy(text + len, sep, strlen(sep));
				len += strlen(sep);
			}
		}
		fold_text(text, len, &f);
		/* every word by gazetteer_match and by gazetteer_match_every,
		 * which lists the capitalised words; capitals over that list,
		 * and over the list of gazetteer_capitals */
		for (int way = 0; way < 4; way++) {
			bool capitalised = way >= 2;
			naive(&f, capitalised, names, NAMES, &want);
			got.count = 0;
			if (way == 0) {
				gazetteer_match(g, &f, note, &got);
			} else if (way == 1) {
				gazetteer_match_every(g, &f, note, &got, &capitals);
			} else if (way == 2) {
				gazetteer_match_listed(g, &f, &capitals, note, &got);
			} else {
				gazetteer_capitals(&f, &listed);
				gazetteer_match_listed(g, &f, &listed, note, &got);
			}
			bool same = want.count == got.count;
			for (size_t k = 0; same && k < want.count && k < 512; k++)
				same = want.start[k] == got.start[k] && want.end[k] == got.end[k] &&
				       want.value[k] == got.value[k];
			if (!same && differ++ < 3)
				fprintf(stderr, "  '%.*s' (way %d): %zu matches, the definition %zu\n",
					(int)len, text, way, got.count, want.count);
			matched += want.count;
			capital_matches += capitalised ? want.count : 0;
		}
	}
	CHECK_EQ_SIZE(differ, 0, "the matcher finds what the definition does");
	CHECK(matched > 3000 && capital_matches > 1000,
	      "the texts hold names (%zu matches, %zu of capitals)", matched, capital_matches);
	gazetteer_words_free(&capitals);
	gazetteer_words_free(&listed);
	fold_free(&f);
	gazetteer_free(g);
}

/* A name at the very end of a text, where less than a block is left to
 * read, and one whose first word is longer than the eight bytes hashed at
 * once. */
static void test_names_at_the_end_and_long_first_words(void)
{
	struct gazetteer *g = gazetteer_new();
	gazetteer_add(g, "ab", 2, 1);
	gazetteer_add(g, "internationalisation board", 26, 2);
	struct fold f = {0};
	struct seen s = {0};
	for (size_t pad = 0; pad < 40; pad++) {
		char text[128];
		memset(text, ' ', pad);
		memcpy(text + pad, "ab", 2);
		fold_text(text, pad + 2, &f);
		s.count = 0;
		gazetteer_match(g, &f, note, &s);
		CHECK(s.count == 1 && s.start[0] == pad && s.end[0] == pad + 2,
		      "a name that ends the text, after %zu spaces", pad);
	}
	const char *t = "the internationalisation board met; internationalisation boards did not";
	fold_text(t, strlen(t), &f);
	s.count = 0;
	gazetteer_match(g, &f, note, &s);
	CHECK(s.count == 1 && s.start[0] == 4 && s.end[0] == 30 && s.value[0] == 2,
	      "a name of a long first word, and not inside a longer word");
	fold_free(&f);
	gazetteer_free(g);
}

/* A gazetteer that is full says so, keeps what it had, and takes what
 * still fits (the limit lowered from 4 GiB of names to 18 bytes). */
static void test_a_full_gazetteer_says_so(void)
{
	struct gazetteer *g = gazetteer_new();
	gazetteer_limit(g, 18);
	CHECK(gazetteer_add(g, "jens stoltenberg", 16, 1), "16 bytes of names fit in 18");
	CHECK(gazetteer_add(g, "   ", 3, 2), "a name of nothing is no error");
	CHECK(!gazetteer_add(g, "nato", 4, 3), "4 more bytes do not fit");
	CHECK(gazetteer_add(g, "un", 2, 4), "2 more do, to the limit");
	CHECK(!gazetteer_add(g, "x", 1, 5), "and then not one more");
	CHECK_EQ_SIZE(gazetteer_size(g), 2, "the names that fitted are there");
	struct fold f = {0};
	struct seen s = {0};
	const char *text = "NATO and Jens Stoltenberg at the UN";
	fold_text(text, strlen(text), &f);
	gazetteer_match(g, &f, note, &s);
	CHECK(s.count == 2 && s.value[0] == 1 && s.value[1] == 4, "and found, the others not");
	fold_free(&f);
	gazetteer_free(g);
}

UNIT_MAIN(UNIT_TEST(test_matches_as_the_definition_says),
	  UNIT_TEST(test_names_at_the_end_and_long_first_words),
	  UNIT_TEST(test_a_full_gazetteer_says_so))
