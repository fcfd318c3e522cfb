#include "langid.h"

#include <sys/mman.h>

#include "unit.h"

/* One paragraph of news in each language, the same story. */
static const char EN[] =
	"The government announced on Tuesday that it would increase spending on schools and "
	"hospitals next year, after months of pressure from opposition parties and trade unions. "
	"Ministers said the extra money would come from higher taxes on large companies.";
static const char TR[] =
	"H\xC3\xBCk\xC3\xBCmet, \xC3\xB6n\xC3\xBCm\xC3\xBCzdeki y\xC4\xB1l okullar ve hastaneler "
	"i\xC3\xA7in yap\xC4\xB1lan harcamalar\xC4\xB1 art\xC4\xB1raca\xC4\x9F\xC4\xB1n\xC4\xB1 "
	"sal\xC4\xB1 g\xC3\xBCn\xC3\xBC a\xC3\xA7\xC4\xB1klad\xC4\xB1. Bakanlar, ek "
	"kayna\xC4\x9F\xC4\xB1n b\xC3\xBCy\xC3\xBCk \xC5\x9Firketlerden al\xC4\xB1nacak "
	"vergilerle kar\xC5\x9F\xC4\xB1lanaca\xC4\x9F\xC4\xB1n\xC4\xB1 s\xC3\xB6yledi ve "
	"muhalefet partilerinin ele\xC5\x9Ftirilerine yan\xC4\xB1t verdi.";
static const char DE[] =
	"Die Regierung hat am Dienstag angek\xC3\xBCndigt, im kommenden Jahr mehr Geld f\xC3\xBCr "
	"Schulen und Krankenh\xC3\xA4user auszugeben. Die Minister erkl\xC3\xA4rten, dass die "
	"zus\xC3\xA4tzlichen Mittel aus h\xC3\xB6heren Steuern f\xC3\xBCr gro\xC3\x9F"
	"e Unternehmen stammen sollen.";
static const char FR[] =
	"Le gouvernement a annonc\xC3\xA9 mardi qu'il augmenterait l'ann\xC3\xA9" "e prochaine les "
	"d\xC3\xA9penses consacr\xC3\xA9" "es aux \xC3\xA9" "coles et aux h\xC3\xB4pitaux. Les "
	"ministres ont d\xC3\xA9" "clar\xC3\xA9 que cet argent suppl\xC3\xA9mentaire proviendrait "
	"d'imp\xC3\xB4ts plus \xC3\xA9lev\xC3\xA9s sur les grandes entreprises.";
static const char RU[] =
	"\xD0\x9F\xD1\x80\xD0\xB0\xD0\xB2\xD0\xB8\xD1\x82\xD0\xB5\xD0\xBB\xD1\x8C\xD1\x81\xD1\x82"
	"\xD0\xB2\xD0\xBE \xD0\xB2\xD0\xBE \xD0\xB2\xD1\x82\xD0\xBE\xD1\x80\xD0\xBD\xD0\xB8\xD0\xBA "
	"\xD0\xBE\xD0\xB1\xD1\x8A\xD1\x8F\xD0\xB2\xD0\xB8\xD0\xBB\xD0\xBE, \xD1\x87\xD1\x82\xD0\xBE "
	"\xD0\xB2 \xD1\x81\xD0\xBB\xD0\xB5\xD0\xB4\xD1\x83\xD1\x8E\xD1\x89\xD0\xB5\xD0\xBC "
	"\xD0\xB3\xD0\xBE\xD0\xB4\xD1\x83 \xD1\x83\xD0\xB2\xD0\xB5\xD0\xBB\xD0\xB8\xD1\x87\xD0\xB8"
	"\xD1\x82 \xD1\x80\xD0\xB0\xD1\x81\xD1\x85\xD0\xBE\xD0\xB4\xD1\x8B \xD0\xBD\xD0\xB0 "
	"\xD1\x88\xD0\xBA\xD0\xBE\xD0\xBB\xD1\x8B \xD0\xB8 \xD0\xB1\xD0\xBE\xD0\xBB\xD1\x8C\xD0\xBD"
	"\xD0\xB8\xD1\x86\xD1\x8B. \xD0\x9C\xD0\xB8\xD0\xBD\xD0\xB8\xD1\x81\xD1\x82\xD1\x80\xD1\x8B "
	"\xD0\xB7\xD0\xB0\xD1\x8F\xD0\xB2\xD0\xB8\xD0\xBB\xD0\xB8, \xD1\x87\xD1\x82\xD0\xBE "
	"\xD0\xB4\xD0\xBE\xD0\xBF\xD0\xBE\xD0\xBB\xD0\xBD\xD0\xB8\xD1\x82\xD0\xB5\xD0\xBB\xD1\x8C"
	"\xD0\xBD\xD1\x8B\xD0\xB5 \xD1\x81\xD1\x80\xD0\xB5\xD0\xB4\xD1\x81\xD1\x82\xD0\xB2\xD0\xB0 "
	"\xD0\xB1\xD1\x83\xD0\xB4\xD1\x83\xD1\x82 \xD0\xBF\xD0\xBE\xD0\xBB\xD1\x83\xD1\x87\xD0\xB5"
	"\xD0\xBD\xD1\x8B \xD0\xB7\xD0\xB0 \xD1\x81\xD1\x87\xD1\x91\xD1\x82 \xD0\xBF\xD0\xBE\xD0\xB2"
	"\xD1\x8B\xD1\x88\xD0\xB5\xD0\xBD\xD0\xB8\xD1\x8F \xD0\xBD\xD0\xB0\xD0\xBB\xD0\xBE\xD0\xB3"
	"\xD0\xBE\xD0\xB2 \xD0\xB4\xD0\xBB\xD1\x8F \xD0\xBA\xD1\x80\xD1\x83\xD0\xBF\xD0\xBD\xD1\x8B"
	"\xD1\x85 \xD0\xBA\xD0\xBE\xD0\xBC\xD0\xBF\xD0\xB0\xD0\xBD\xD0\xB8\xD0\xB9.";
static const char AR[] =
	"\xD8\xA3\xD8\xB9\xD9\x84\xD9\x86\xD8\xAA \xD8\xA7\xD9\x84\xD8\xAD\xD9\x83\xD9\x88\xD9\x85"
	"\xD8\xA9 \xD9\x8A\xD9\x88\xD9\x85 \xD8\xA7\xD9\x84\xD8\xAB\xD9\x84\xD8\xA7\xD8\xAB\xD8\xA7"
	"\xD8\xA1 \xD8\xA3\xD9\x86\xD9\x87\xD8\xA7 \xD8\xB3\xD8\xAA\xD8\xB2\xD9\x8A\xD8\xAF "
	"\xD8\xA7\xD9\x84\xD8\xA5\xD9\x86\xD9\x81\xD8\xA7\xD9\x82 \xD8\xB9\xD9\x84\xD9\x89 "
	"\xD8\xA7\xD9\x84\xD9\x85\xD8\xAF\xD8\xA7\xD8\xB1\xD8\xB3 \xD9\x88\xD8\xA7\xD9\x84\xD9\x85"
	"\xD8\xB3\xD8\xAA\xD8\xB4\xD9\x81\xD9\x8A\xD8\xA7\xD8\xAA \xD9\x81\xD9\x8A "
	"\xD8\xA7\xD9\x84\xD8\xB9\xD8\xA7\xD9\x85 \xD8\xA7\xD9\x84\xD9\x85\xD9\x82\xD8\xA8\xD9\x84. "
	"\xD9\x88\xD9\x82\xD8\xA7\xD9\x84 \xD8\xA7\xD9\x84\xD9\x88\xD8\xB2\xD8\xB1\xD8\xA7\xD8\xA1 "
	"\xD8\xA5\xD9\x86 \xD8\xA7\xD9\x84\xD8\xA3\xD9\x85\xD9\x88\xD8\xA7\xD9\x84 "
	"\xD8\xA7\xD9\x84\xD8\xA5\xD8\xB6\xD8\xA7\xD9\x81\xD9\x8A\xD8\xA9 \xD8\xB3\xD8\xAA\xD8\xA3"
	"\xD8\xAA\xD9\x8A \xD9\x85\xD9\x86 \xD8\xB1\xD9\x81\xD8\xB9 \xD8\xA7\xD9\x84\xD8\xB6\xD8\xB1"
	"\xD8\xA7\xD8\xA6\xD8\xA8 \xD8\xB9\xD9\x84\xD9\x89 \xD8\xA7\xD9\x84\xD8\xB4\xD8\xB1\xD9\x83"
	"\xD8\xA7\xD8\xAA \xD8\xA7\xD9\x84\xD9\x83\xD8\xA8\xD8\xB1\xD9\x89.";
/* For the codes CLD2 spells otherwise: Hebrew ("iw") and Traditional
 * Chinese ("zh-Hant"). */
static const char HE[] =
	"\xD7\x94\xD7\x9E\xD7\x9E\xD7\xA9\xD7\x9C\xD7\x94 \xD7\x94\xD7\x95\xD7\x93\xD7\x99\xD7\xA2"
	"\xD7\x94 \xD7\x91\xD7\x99\xD7\x95\xD7\x9D \xD7\xA9\xD7\x9C\xD7\x99\xD7\xA9\xD7\x99 \xD7\x9B"
	"\xD7\x99 \xD7\xAA\xD7\x92\xD7\x93\xD7\x99\xD7\x9C \xD7\x91\xD7\xA9\xD7\xA0\xD7\x94 \xD7\x94"
	"\xD7\x91\xD7\x90\xD7\x94 \xD7\x90\xD7\xAA \xD7\x94\xD7\x94\xD7\x95\xD7\xA6\xD7\x90\xD7\x95"
	"\xD7\xAA \xD7\xA2\xD7\x9C \xD7\x91\xD7\xAA\xD7\x99 \xD7\xA1\xD7\xA4\xD7\xA8 \xD7\x95\xD7\x91"
	"\xD7\xAA\xD7\x99 \xD7\x97\xD7\x95\xD7\x9C\xD7\x99\xD7\x9D. \xD7\x94\xD7\xA9\xD7\xA8\xD7\x99"
	"\xD7\x9D \xD7\x90\xD7\x9E\xD7\xA8\xD7\x95 \xD7\x9B\xD7\x99 \xD7\x94\xD7\x9B\xD7\xA1\xD7\xA3 "
	"\xD7\x94\xD7\xA0\xD7\x95\xD7\xA1\xD7\xA3 \xD7\x99\xD7\x92\xD7\x99\xD7\xA2 \xD7\x9E\xD7\x94"
	"\xD7\xA2\xD7\x9C\xD7\x90\xD7\xAA \xD7\x94\xD7\x9E\xD7\xA1\xD7\x99\xD7\x9D \xD7\xA2\xD7\x9C "
	"\xD7\x97\xD7\x91\xD7\xA8\xD7\x95\xD7\xAA \xD7\x92\xD7\x93\xD7\x95\xD7\x9C\xD7\x95\xD7\xAA.";
static const char ZH_HANT[] =
	"\xE6\x94\xBF\xE5\xBA\x9C\xE9\x80\xB1\xE4\xBA\x8C\xE5\xAE\xA3\xE5\xB8\x83\xEF\xBC\x8C\xE6\x98"
	"\x8E\xE5\xB9\xB4\xE5\xB0\x87\xE5\xA2\x9E\xE5\x8A\xA0\xE5\xAD\xB8\xE6\xA0\xA1\xE5\x92\x8C\xE9"
	"\x86\xAB\xE9\x99\xA2\xE7\x9A\x84\xE6\x94\xAF\xE5\x87\xBA\xE3\x80\x82\xE9\x83\xA8\xE9\x95\xB7"
	"\xE5\x80\x91\xE8\xA1\xA8\xE7\xA4\xBA\xEF\xBC\x8C\xE9\xA1\x8D\xE5\xA4\x96\xE7\x9A\x84\xE8\xB3"
	"\x87\xE9\x87\x91\xE5\xB0\x87\xE4\xBE\x86\xE8\x87\xAA\xE5\xB0\x8D\xE5\xA4\xA7\xE5\x9E\x8B\xE4"
	"\xBC\x81\xE6\xA5\xAD\xE5\xBE\xB5\xE6\x94\xB6\xE6\x9B\xB4\xE9\xAB\x98\xE7\x9A\x84\xE7\xA8\x85"
	"\xE3\x80\x82";

/* The start of a real article, BBC News business/001 (bbc-news corpus). */
static const char ARTICLE[] =
	"Ad sales boost Time Warner profit\n\n"
	"Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn (\xC2\xA3" "600m) for "
	"the three months to December, from $639m year-earlier.\n\n"
	"The firm, which is now one of the biggest investors in Google, benefited from sales of "
	"high-speed internet connections and higher advert sales. TimeWarner said fourth quarter "
	"sales rose 2% to $11.1bn from $10.9bn. Its profits were buoyed by one-off gains which "
	"offset a profit dip at Warner Bros, and less users for AOL.\n\n"
	"Time Warner said on Friday that it now owns 8% of search-engine Google. But its own "
	"internet business, AOL, had has mixed fortunes. It lost 464,000 subscribers in the fourth "
	"quarter profits were lower than in the preceding three quarters. However, the company said "
	"AOL's underlying profit before exceptional items rose 8% on the back of stronger internet "
	"advertising revenues. It hopes to increase subscribers by offering the online service free "
	"to TimeWarner internet customers and will try to sign up AOL's existing customers for "
	"high-speed broadband. TimeWarner also has to restate 2000 and 2003 results following a "
	"probe by the US Securities Exchange Commission (SEC), which is close to concluding.\n\n";

/* A Turkish cookie banner, as scraped pages carry them. */
static const char BANNER[] =
	"Bu web sitesi, size en iyi deneyimi sunmak ve site trafi\xC4\x9Fini analiz etmek i\xC3\xA7in "
	"\xC3\xA7" "erezler kullanmaktad\xC4\xB1r. Sitemizi kullanmaya devam ederek \xC3\xA7" "erez "
	"politikam\xC4\xB1z\xC4\xB1 kabul etmi\xC5\x9F olursunuz. Ki\xC5\x9Fisel verileriniz, 6698 "
	"say\xC4\xB1l\xC4\xB1 Ki\xC5\x9Fisel Verilerin Korunmas\xC4\xB1 Kanunu kapsam\xC4\xB1nda "
	"i\xC5\x9Flenmektedir. \xC3\x87" "erezleri taray\xC4\xB1" "c\xC4\xB1 ayarlar\xC4\xB1n\xC4\xB1z"
	"dan diledi\xC4\x9Finiz zaman devre d\xC4\xB1\xC5\x9F\xC4\xB1 b\xC4\xB1rakabilir veya "
	"silebilirsiniz. Daha fazla bilgi i\xC3\xA7in gizlilik politikam\xC4\xB1z\xC4\xB1 ve "
	"\xC3\xA7" "erez ayd\xC4\xB1nlatma metnimizi inceleyebilirsiniz.\n";

#define LIT(s) (s), (sizeof(s) - 1)

/* Checks that r's spans cover [0, n) in order, with valid codes and no two
 * neighbours in the same language. */
static void check_spans(const struct langid_result *r, size_t n, const char *what)
{
	size_t at = 0;
	bool ok = true;
	for (size_t i = 0; i < r->n_spans && ok; i++) {
		const struct langid_span *s = &r->spans[i];
		size_t len = strlen(s->lang);
		ok = s->offset == at && s->length > 0 && (len == 2 || len == 3) &&
		     (i == 0 || strcmp(s->lang, r->spans[i - 1].lang) != 0);
		at = s->offset + s->length;
	}
	CHECK(ok && at == n, "the spans of %s should cover its %zu bytes in order, one run per language",
	      what, n);
}

/* The span holding byte offset, or NULL. */
static const struct langid_span *span_at(const struct langid_result *r, size_t offset)
{
	for (size_t i = 0; i < r->n_spans; i++)
		if (offset >= r->spans[i].offset && offset - r->spans[i].offset < r->spans[i].length)
			return &r->spans[i];
	return NULL;
}

static void check_paragraph(const char *text, size_t n, const char *expected)
{
	struct langid_result r;
	langid_init(&r);
	REQUIRE(langid_detect(text, n, &r), "detecting the %s paragraph should succeed", expected);
	CHECK_CSTR(r.lang, expected, "the %s paragraph should be %s", expected, expected);
	CHECK(r.reliable, "the %s paragraph should be reliably %s", expected, expected);
	CHECK(r.score > 0.9, "the %s paragraph should be all %s (score %.2f)", expected, expected,
	      r.score);
	CHECK_CSTR(r.top[0].lang, expected, "CLD2's top language should be %s too", expected);
	check_spans(&r, n, expected);
	langid_free(&r);

	int percent = -1;
	bool reliable = false;
	const char *lang = langid_detect_short(text, n, &percent, &reliable);
	CHECK_CSTR(lang, expected, "the %s paragraph alone should be %s", expected, expected);
	CHECK(reliable && percent >= 80, "and reliably so (%d%%)", percent);
}

static void test_paragraphs(void)
{
	check_paragraph(LIT(EN), "en");
	check_paragraph(LIT(TR), "tr");
	check_paragraph(LIT(DE), "de");
	check_paragraph(LIT(FR), "fr");
	check_paragraph(LIT(RU), "ru");
	check_paragraph(LIT(AR), "ar");
}

static void test_codes_are_iso_639_1(void)
{
	check_paragraph(LIT(HE), "he");
	check_paragraph(LIT(ZH_HANT), "zh");
}

/* An English article with a Turkish cookie banner after it (or before it)
 * that makes up 25-30 % of the bytes: CLD2's summary would say Turkish. */
static void test_foreign_banner_does_not_change_the_document(void)
{
	size_t a = sizeof ARTICLE - 1, b = sizeof BANNER - 1;
	CHECK(b * 100 >= 25 * (a + b) && b * 100 <= 30 * (a + b),
	      "the fixture's banner should be 25-30 %% of the bytes (%zu of %zu)", b, a + b);
	struct buf doc = {0};
	buf_add(&doc, ARTICLE, a);
	buf_add(&doc, BANNER, b);

	struct langid_result r;
	langid_init(&r);
	REQUIRE(langid_detect(doc.data, doc.len, &r), "detecting the article should succeed");
	CHECK_CSTR(r.lang, "en", "the article with a Turkish banner after it should be English");
	CHECK(r.reliable, "and reliably so");
	CHECK(r.score > 0.6 && r.score < 0.8, "with about 70 %% of the bytes (score %.2f)", r.score);
	CHECK(strcmp(r.top[1].lang, "tr") == 0 && r.top[1].percent >= 17,
	      "CLD2 should see the banner as Turkish, over the 17 %% where its summary flips "
	      "(got %s %d%%)", r.top[1].lang, r.top[1].percent);
	check_spans(&r, doc.len, "the article");
	const struct langid_span *s = span_at(&r, a + b / 2);
	REQUIRE(s, "the middle of the banner should be in a span");
	CHECK_CSTR(s->lang, "tr", "the banner's span should be Turkish");
	CHECK(s->offset + 32 >= a && s->offset <= a + 32 && s->offset + s->length == doc.len,
	      "the Turkish span should start near the banner (%zu, banner at %zu) and end with it",
	      s->offset, a);
	s = span_at(&r, a / 2);
	CHECK(s && strcmp(s->lang, "en") == 0, "the article's own text should be in an English span");

	/* The banner first: the same answer. */
	buf_clear(&doc);
	buf_add(&doc, BANNER, b);
	buf_add(&doc, ARTICLE, a);
	REQUIRE(langid_detect(doc.data, doc.len, &r), "detecting the article should succeed");
	CHECK_CSTR(r.lang, "en", "the article with a Turkish banner before it should be English");
	s = span_at(&r, b / 2);
	CHECK(s && strcmp(s->lang, "tr") == 0, "the banner before the article should be a Turkish span");
	check_spans(&r, doc.len, "the article");
	langid_free(&r);
	buf_free(&doc);
}

static void test_two_equal_halves_are_not_reliable(void)
{
	struct buf doc = {0};
	buf_add(&doc, LIT(EN));
	buf_addc(&doc, '\n');
	buf_add(&doc, LIT(TR));
	struct langid_result r;
	langid_init(&r);
	REQUIRE(langid_detect(doc.data, doc.len, &r), "detecting two halves should succeed");
	CHECK(strcmp(r.lang, "en") == 0 || strcmp(r.lang, "tr") == 0,
	      "half English, half Turkish should be one of the two (got %s)", r.lang);
	CHECK(!r.reliable, "but not reliably (score %.2f)", r.score);
	CHECK(r.score < 0.66, "with a score that says so (%.2f)", r.score);
	check_spans(&r, doc.len, "the halves");
	langid_free(&r);
	buf_free(&doc);
}

static void test_empty_and_short(void)
{
	struct langid_result r;
	langid_init(&r);
	CHECK(langid_detect("", 0, &r), "empty input should succeed");
	CHECK_CSTR(r.lang, "un", "empty input should be unknown");
	CHECK(!r.reliable && r.score == 0 && r.n_spans == 0, "with no score and no spans");
	CHECK(langid_detect(NULL, 0, &r), "no input at all should succeed too");
	CHECK_CSTR(r.lang, "un", "and be unknown");
	int percent = 7;
	bool reliable = true;
	CHECK_CSTR(langid_detect_short("", 0, &percent, &reliable), "un",
		   "an empty paragraph should be unknown");
	CHECK(percent == 0 && !reliable, "with 0 %% and not reliably");

	REQUIRE(langid_detect(LIT("   ,;  12 345 --- "), &r), "punctuation should succeed");
	CHECK_CSTR(r.lang, "un", "punctuation and digits should be unknown");
	check_spans(&r, sizeof "   ,;  12 345 --- " - 1, "punctuation");

	/* Too short for a chunk in a language: CLD2's top language. */
	REQUIRE(langid_detect(LIT("Accept all cookies"), &r), "three words should succeed");
	CHECK_CSTR(r.lang, "en", "three English words should be English");
	CHECK_CSTR(langid_detect_short(LIT("Accept all cookies"), NULL, NULL), "en",
		   "and so for the paragraph detector");
	CHECK_CSTR(langid_detect_short(LIT("T\xC3\xBCm \xC3\xA7" "erezleri kabul et"), NULL, NULL),
		   "tr", "four Turkish words should be Turkish");
	langid_free(&r);
}

/* Invalid UTF-8 and the code points CLD2 refuses are read as spaces. */
static void test_invalid_utf8(void)
{
	struct langid_result r;
	langid_init(&r);
	/* A C1 control for an apostrophe (cp1252 0x92 decoded as latin-1), a
	 * NUL, a lone continuation byte, a cut sequence, an FF byte. */
	static const char dirty[] =
		"The government\xC2\x92s plan\0 was announced on Tuesday \x80 and ministers said the "
		"extra money would come from higher taxes on large companies \xE2\x82 and banks, "
		"after months of pressure from opposition parties and trade unions.\xFF";
	REQUIRE(langid_detect(LIT(dirty), &r), "text with invalid bytes should succeed");
	CHECK_CSTR(r.lang, "en", "English with invalid bytes in it should still be English");
	check_spans(&r, sizeof dirty - 1, "the dirty text");
	CHECK_CSTR(langid_detect_short(LIT(dirty), NULL, NULL), "en",
		   "and so for the paragraph detector");

	/* Bytes of every value, in a fixed pseudo-random order. */
	enum { N = 1 << 16 };
	char *noise = xmalloc(N);
	uint32_t x = 1;
	for (size_t i = 0; i < N; i++) {
		x = x * 1103515245u + 12345u;
		noise[i] = (char)(x >> 24);
	}
	CHECK(langid_detect(noise, N, &r), "random bytes should not fail");
	check_spans(&r, N, "random bytes");
	const char *lang = langid_detect_short(noise, N, NULL, NULL);
	CHECK(lang && strlen(lang) >= 2, "random bytes should give some code to the paragraph detector");
	for (size_t n = 0; n < 64; n++) /* every short cut, for the end-of-buffer cases */
		langid_detect(noise + 1000, n, &r);
	free(noise);
	langid_free(&r);
}

/* Runs both detectors on the text ctx placed at the very end of a page
 * whose next page is unmapped: any read past the end crashes. */
static void detect_at_page_end(void *ctx)
{
	const char *text = ctx;
	size_t n = strlen(text), page = (size_t)sysconf(_SC_PAGESIZE);
	char *map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED || mprotect(map + page, page, PROT_NONE) != 0)
		_exit(3);
	char *p = map + page - n;
	memcpy(p, text, n);
	struct langid_result r;
	langid_init(&r);
	langid_detect(p, n, &r);
	langid_detect_short(p, n, NULL, NULL);
	langid_free(&r);
	munmap(map, 2 * page);
}

/* CLD2 reads past the end of its input (here: Han letters, then one Latin
 * letter, at the end), which crashed at a page end before langid gave it a
 * padded copy. */
static void test_reads_nothing_past_the_end(void)
{
	static const char *const texts[] = {
		":\xE9\xA4\xA0\xE9\xA0\xA0\xE9\xA0\xA0m", /* found by fuzzing */
		"\xE4\xB8\xAD\xE6\x96\x87\x61", /* 中文a */
		"Hello world, this is English",
		"\xE9\xA0\xA0",
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		struct buf err = {0};
		int status = unit_fork(detect_at_page_end, (void *)(uintptr_t)texts[i], &err);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "detecting text %zu at the end of a page should read nothing past it "
		      "(status %d)", i, status);
		buf_free(&err);
	}
}

/* 10 MB of text: several paragraphs in turn, one of them Turkish. */
static void test_ten_megabytes(void)
{
	const char *parts[] = {ARTICLE, EN, "\n\n", TR, "\n\n", DE, "\n\n"};
	struct buf doc = {0};
	while (doc.len < 10u << 20)
		for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
			buf_adds(&doc, parts[i]);
	struct langid_result r;
	langid_init(&r);
	REQUIRE(langid_detect(doc.data, doc.len, &r), "10 MB of text should succeed");
	CHECK_CSTR(r.lang, "en", "mostly English text should be English");
	check_spans(&r, doc.len, "10 MB");
	CHECK(r.n_spans > 2, "and in more than one language (%zu spans)", r.n_spans);
	langid_free(&r);
	buf_free(&doc);
}

/* One result reused: the spans of the last call only, and free twice. */
static void test_reuse(void)
{
	struct langid_result r;
	langid_init(&r);
	struct buf doc = {0};
	buf_adds(&doc, ARTICLE);
	buf_adds(&doc, BANNER);
	bool ok = langid_detect(doc.data, doc.len, &r);
	buf_free(&doc);
	REQUIRE(ok, "a first detection should succeed");
	size_t first = r.n_spans;
	CHECK(first >= 2, "English and Turkish should be two spans at least (%zu)", first);
	REQUIRE(langid_detect(LIT(DE), &r), "a second detection should succeed");
	CHECK_CSTR(r.lang, "de", "the second text should be German");
	CHECK_EQ_SIZE(r.n_spans, 1, "with one span of its own, none left from the first");
	langid_free(&r);
	langid_free(&r);
	CHECK(r.spans == NULL && r.n_spans == 0, "a freed result should hold nothing");
	langid_init(&r);
	CHECK(langid_detect(LIT(FR), &r) && strcmp(r.lang, "fr") == 0,
	      "a freed and initialised result should work again");
	langid_free(&r);
	CHECK(strncmp(langid_version(), "V2", 2) == 0, "CLD2's version should be V2 (got %s)",
	      langid_version());
}

UNIT_MAIN(UNIT_TEST(test_paragraphs), UNIT_TEST(test_codes_are_iso_639_1),
	  UNIT_TEST(test_foreign_banner_does_not_change_the_document),
	  UNIT_TEST(test_two_equal_halves_are_not_reliable), UNIT_TEST(test_empty_and_short),
	  UNIT_TEST(test_invalid_utf8), UNIT_TEST(test_reads_nothing_past_the_end),
	  UNIT_TEST(test_ten_megabytes), UNIT_TEST(test_reuse))
