#include <string.h>

#include "fold.h"
#include "gazetteer.h"

#include "unit.h"

static void check_fold(const char *in, const char *want)
{
	struct buf out = {0};
	fold_append(in, strlen(in), &out);
	CHECK_STR(out.data, out.len, want, strlen(want), "folding '%s'", in);
	buf_free(&out);
}

static void test_folding(void)
{
	check_fold("Çavuşoğlu", "cavusoglu");
	check_fold("ÇAVUŞOĞLU", "cavusoglu");
	check_fold("İSTANBUL ıstanbul", "istanbul istanbul");
	check_fold("Erdoğan's Türkiye", "erdogan's turkiye");
	check_fold("Straße ﬁnal", "strasse final");
	check_fold("Ελλάδα", "ελλαδα");
	check_fold("Москва", "москва");
	check_fold("東京", "東京");
	check_fold("ＡＢＣ", "abc");
	check_fold("Çavuşoğlu’s “Türkiye” – …", "cavusoglu's \"turkiye\" - ...");
	check_fold("so\u00ADft\u00A0space 🙂", "soft space  ");
	check_fold("", "");
}

static void test_the_way_back(void)
{
	/* ß folds to two bytes, ç to one, 東 stays three: each byte of the
	 * folded text names the code point it came from */
	const char *in = "aßç東b";
	struct fold f = {0};
	fold_text(in, strlen(in), &f);
	CHECK_LIT(f.text.data, f.text.len, "assc東b", "the folded text");
	static const uint32_t want[] = {0, 1, 1, 2, 3, 3, 3, 4, 5};
	for (size_t i = 0; i <= f.text.len; i++)
		CHECK_EQ_SIZE(f.from[i], want[i], "byte %zu should come from code point %u", i,
			      (unsigned)want[i]);
	/* short names read as names only in capitals */
	fold_text("UN un Un Ankara", 15, &f);
	CHECK(fold_short_in_capitals(&f, 0, 2), "UN is a name");
	CHECK(!fold_short_in_capitals(&f, 3, 5), "un is not");
	CHECK(!fold_short_in_capitals(&f, 6, 8), "nor Un");
	CHECK(fold_short_in_capitals(&f, 9, 15), "a longer name need not be in capitals");
	/* bytes that are not UTF-8 fold to a space each */
	fold_text("a\xff" "b", 3, &f);
	CHECK_LIT(f.text.data, f.text.len, "a b", "a bad byte folds to a space");
	CHECK_EQ_SIZE(f.from[3], 3, "and counts as one code point");
	fold_free(&f);
}

struct found {
	char got[512];
};

static void note(void *ctx, const struct gazetteer_match *m)
{
	struct found *f = ctx;
	size_t len = strlen(f->got);
	snprintf(f->got + len, sizeof f->got - len, "%zu-%zu:%u ", m->start, m->end,
		 (unsigned)m->first);
}

static void add(struct gazetteer *g, const char *name, uint32_t value)
{
	struct buf b = {0};
	fold_append(name, strlen(name), &b);
	gazetteer_add(g, b.data, b.len, value);
	buf_free(&b);
}

static const char *run(const struct gazetteer *g, const char *text, struct found *out)
{
	struct fold f = {0};
	fold_text(text, strlen(text), &f);
	out->got[0] = '\0';
	gazetteer_match(g, &f, note, out);
	fold_free(&f);
	return out->got;
}

/* Long texts of ASCII runs of every length and other characters, folded
 * whole, against each character folded alone: the runs of ASCII go 16
 * bytes at a time, and every byte must say the same. */
static void test_whole_text_as_character_by_character(void)
{
	static const char *const pieces[] = {"Ankara", " ", "NATO", "\xC3\x87", "\xC4\xB0", "\xC3\x9F",
					     "e", "\xE6\x9D\xB1", "\xFF", "Stoltenberg said ", "x", "\n", "0123456789"};
	enum { PIECES = sizeof pieces / sizeof *pieces };
	uint64_t r = 88172645463325252ull;
	struct fold whole = {0}, one = {0};
	size_t wrong = 0;
	for (int round = 0; round < 500; round++) {
		char text[600];
		size_t n = 0;
		for (int k = 0; k < 40; k++) {
			const char *p = pieces[unit_random(&r) % PIECES];
			memcpy(text + n, p, strlen(p));
			n += strlen(p);
		}
		fold_text(text, n, &whole);
		size_t w = 0, cp = 0;
		bool same = true;
		for (size_t i = 0; i < n && same; cp++) {
			/* one character: a byte of ASCII or an invalid one, else its
			 * UTF-8 sequence */
			size_t k = 1;
			unsigned char c = (unsigned char)text[i];
			if (c >= 0xC0 && c != 0xFF)
				k = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
			fold_text(text + i, k, &one);
			same = w + one.text.len <= whole.text.len &&
			       memcmp(whole.text.data + w, one.text.data, one.text.len) == 0;
			for (size_t j = 0; same && j < one.text.len; j++)
				same = whole.from[w + j] == cp && whole.upper[w + j] == one.upper[j];
			w += one.text.len;
			i += k;
		}
		same = same && w == whole.text.len && whole.from[w] == cp;
		wrong += !same;
	}
	CHECK_EQ_SIZE(wrong, 0, "a text folds as its characters do, one by one");
	fold_free(&whole);
	fold_free(&one);
}

static void test_matching(void)
{
	struct gazetteer *g = gazetteer_new();
	add(g, "Turkey", 1);
	add(g, "Turkish", 1);
	add(g, "Azerbaijan", 2);
	add(g, "Mevlüt Çavuşoğlu", 3);
	add(g, "Çavuşoğlu", 4);
	add(g, "U.S.", 5);
	add(g, "Congo", 6);
	add(g, "Congo", 7);
	add(g, "Turkey", 1); /* again: one name */
	CHECK_EQ_SIZE(gazetteer_size(g), 7, "seven names");
	struct found f;
	CHECK_CSTR(run(g, "Turkey and Azerbaijan", &f), "0-6:1 11-21:2 ", "two names");
	CHECK_CSTR(run(g, "Turkeys TurkeyX xTurkey", &f), "", "only on word boundaries");
	CHECK_CSTR(run(g, "Turkey's, (Azerbaijan)", &f), "0-6:1 11-21:2 ", "punctuation bounds a word");
	CHECK_CSTR(run(g, "Mevlut Cavusoglu said", &f), "0-16:3 ", "the longest name wins");
	CHECK_CSTR(run(g, "Mr CAVUSOGLU", &f), "3-12:4 ", "case and marks do not matter");
	CHECK_CSTR(run(g, "the U.S.-Turkey ties", &f), "4-8:5 9-15:1 ", "a name ending in a dot");
	gazetteer_free(g);
}

static void values_of(void *ctx, const struct gazetteer_match *m)
{
	void **p = ctx;
	const struct gazetteer *g = p[0];
	size_t *n = p[1];
	uint32_t *vals = p[2];
	*n = gazetteer_values(g, m, vals, 4);
}

static void test_a_name_with_two_values(void)
{
	struct gazetteer *g = gazetteer_new();
	add(g, "Congo", 6);
	add(g, "Congo", 7);
	struct fold f = {0};
	fold_text("Congo", 5, &f);
	size_t n = 0;
	uint32_t vals[4] = {0};
	void *ctx[3] = {g, &n, vals};
	gazetteer_match(g, &f, values_of, ctx);
	CHECK_EQ_SIZE(n, 2, "both values of the name");
	CHECK((vals[0] == 6 && vals[1] == 7) || (vals[0] == 7 && vals[1] == 6), "6 and 7");
	fold_free(&f);
	gazetteer_free(g);
}

static void test_many_names(void)
{
	/* enough to grow the edge table many times over */
	struct gazetteer *g = gazetteer_new();
	char name[32];
	for (unsigned i = 0; i < 50000; i++) {
		snprintf(name, sizeof name, "name%u x", i);
		gazetteer_add(g, name, strlen(name), i);
	}
	CHECK_EQ_SIZE(gazetteer_size(g), 50000, "every name added");
	struct fold f = {0};
	const char *text = "a name49999 x and name7 x, name7 y";
	fold_text(text, strlen(text), &f);
	struct found out = {""};
	gazetteer_match(g, &f, note, &out);
	CHECK_CSTR(out.got, "2-13:49999 18-25:7 ", "found after growth");
	fold_free(&f);
	gazetteer_free(g);
}

UNIT_MAIN(UNIT_TEST(test_folding), UNIT_TEST(test_the_way_back),
	  UNIT_TEST(test_whole_text_as_character_by_character), UNIT_TEST(test_matching),
	  UNIT_TEST(test_a_name_with_two_values), UNIT_TEST(test_many_names))
