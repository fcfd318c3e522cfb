#include "mojibake.h"

#include <pthread.h>

#include "unit.h"

/* The fixtures are UTF-8; "\xC2\x9D" and the like are C1 controls (U+009D),
 * what latin-1 and sloppy cp1252 decoders make of bytes 0x80-0x9F. A string
 * is split after such an escape where a hex digit follows. Mojibake made
 * with Python: text.encode("utf-8") decoded byte by byte as the code page
 * (undefined bytes as the C1 control of the same number). */

/* Repairs the literal in and checks the text and the number of lines. */
#define REPAIRS(in, want, lines, ...)                                              \
	do {                                                                       \
		struct buf out_ = {0};                                             \
		size_t n_ = mojibake_repair("" in, sizeof(in) - 1, &out_);          \
		CHECK_BUF(out_, want, __VA_ARGS__);                                \
		CHECK_EQ_SIZE(n_, lines, __VA_ARGS__);                             \
		buf_free(&out_);                                                   \
	} while (0)

/* Correct text: must come back byte for byte, with 0 lines repaired. */
#define KEEPS(text) REPAIRS(text, text, 0, "correct text should be kept: %s", text)

#define POSSIBLE(lit) mojibake_possible("" lit, sizeof(lit) - 1)

static void test_empty(void)
{
	CHECK(!mojibake_possible("", 0), "the empty string holds no mojibake");
	struct buf out = {0};
	CHECK_EQ_SIZE(mojibake_repair("", 0, &out), 0, "nothing to repair in nothing");
	CHECK_EQ_SIZE(out.len, 0, "repairing nothing should append nothing");
	buf_free(&out);
	KEEPS("\n");
	KEEPS("\n\n\n");
}

static void test_ascii(void)
{
	CHECK(!POSSIBLE("Plain ASCII text, 100% safe.\n"), "ASCII holds no mojibake");
	KEEPS("Plain ASCII text, with a line\nand a second one\r\nand a third without newline");
	KEEPS("a\0b\0c");
}

/* mojibake_possible looks for a lead character followed by a continuation
 * character, 16 bytes at a time and then byte by byte. */
static void test_precheck(void)
{
	CHECK(POSSIBLE("caf\xC3\x83\xC2\xA9"), "\"cafÃ©\" (é) is possible mojibake");
	CHECK(POSSIBLE("Ä°stanbul"), "\"Ä°\" (İ) is possible mojibake");
	CHECK(POSSIBLE("ÅŸ"), "\"ÅŸ\" (ş) is possible mojibake");
	CHECK(POSSIBLE("itâ€™s"), "\"â€™\" (’) is possible mojibake");
	CHECK(POSSIBLE("ĞŸÑ€"), "cp1254's \"ĞŸ\" (П) is possible mojibake");
	CHECK(POSSIBLE("ğŸ˜€"), "cp1254's \"ğŸ\" (an emoji) is possible mojibake");
	CHECK(POSSIBLE("Şž"), "cp1254's Ş as a lead is possible mojibake");
	CHECK(POSSIBLE("ÆŒ"), "\"ÆŒ\" is possible mojibake");
	CHECK(POSSIBLE("Ã\xC2\x89"), "latin-1's \"Ã\\x89\" (É) is possible mojibake");
	/* Past the 16-byte blocks, and on their edges. */
	CHECK(POSSIBLE("0123456789abcdefghijklmnopqrstuvwxyz Ã©"), "a pair after 32 bytes");
	CHECK(POSSIBLE("0123456789abcdÃ©xyz"), "a pair across a 16-byte boundary");
	CHECK(POSSIBLE("0123456789abcdefÃ©"), "a pair in the tail after a block");
	CHECK(!POSSIBLE("0123456789abcdefghijklmnopqrstuvwxyz Ã"), "a lead alone at the end");
	CHECK(!POSSIBLE("Ã"), "a lead alone");

	CHECK(!POSSIBLE("İstanbul’da şiddetli yağmur, Boğaziçi Köprüsü’nde trafik"),
	      "correct Turkish with no capital before a quote takes the fast path");
	CHECK(!POSSIBLE("Für mehr Transparenz – schließlich ÄRGER ÜBER STRAßE"),
	      "correct German takes the fast path");
	CHECK(!POSSIBLE("Привет, мир! Съешь же ещё этих мягких французских булок."),
	      "Russian takes the fast path");
	CHECK(!POSSIBLE("Καλημέρα κόσμε, ξεσκεπάζω την ψυχοφθόρα βδελυγμία."),
	      "Greek takes the fast path");
	CHECK(!POSSIBLE("日本語のテキスト、iPhoneのiOSを改造する。"), "Japanese takes the fast path");
	CHECK(!POSSIBLE("SÃO PAULO, NAÏVE, ÅR, ÄRGER"), "capitals before letters take the fast path");
	CHECK(POSSIBLE("KOBİ’ler"), "a Turkish capital before a quote does look possible");
}

/* Turkish mojibake through cp1254 (what a Turkish Windows makes) and
 * cp1252; a line of TTC-3600. */
static void test_turkish(void)
{
	REPAIRS("TekirdaÄŸâ€™Ä±n Hayrabolu ilÃ§esinde yaÅŸayan Serap GÃ¼rel ve Sinan GÃ¼rel Ã§iftinin",
		"Tekirdağ’ın Hayrabolu ilçesinde yaşayan Serap Gürel ve Sinan Gürel çiftinin", 1,
		"Turkish via cp1252 and cp1254 (the same for these letters)");
	REPAIRS("Ä°stanbulâ€™da ÅŸiddetli yaÄŸmur: BoÄŸaziÃ§i KÃ¶prÃ¼sÃ¼â€™nde trafik durdu. "
		"ÅžÄ°ÅžLÄ°, IÄžDIR, Ã‡ANAKKALE",
		"İstanbul’da şiddetli yağmur: Boğaziçi Köprüsü’nde trafik durdu. ŞİŞLİ, IĞDIR, "
		"ÇANAKKALE",
		1, "Turkish via cp1252: Ş and Ğ are \"Åž\" and \"Äž\"");
	REPAIRS("Ä°stanbulâ€™da ÅŸiddetli yaÄŸmur: BoÄŸaziÃ§i KÃ¶prÃ¼sÃ¼â€™nde trafik durdu. "
		"Å\xC2\x9EÄ°Å\xC2\x9ELÄ°, IÄ\xC2\x9E" "DIR, Ã‡ANAKKALE",
		"İstanbul’da şiddetli yağmur: Boğaziçi Köprüsü’nde trafik durdu. ŞİŞLİ, IĞDIR, "
		"ÇANAKKALE",
		1, "Turkish via cp1254, which leaves 0x9E undefined");
	REPAIRS("â€œAÄ°LELER SEVGÄ°LERÄ°NÄ°N KOÅ\xC2\x9EULSUZ OLDUÄ\xC2\x9EUNU GÃ–STERMELÄ°â€\xC2\x9D",
		"“AİLELER SEVGİLERİNİN KOŞULSUZ OLDUĞUNU GÖSTERMELİ”", 1,
		"a TTC-3600 headline in capitals via cp1254");
	REPAIRS("Ä°stanbul", "İstanbul", 1, "the example of the brief");
}

static void test_german_french_spanish(void)
{
	REPAIRS("Die Gewerkschaft GPA-djp lanciert den \"All-in-Rechner\" und findet, dass die "
		"Vertragsform auf die FÃ¼hrungsebene beschrÃ¤nkt gehÃ¶rt.",
		"Die Gewerkschaft GPA-djp lanciert den \"All-in-Rechner\" und findet, dass die "
		"Vertragsform auf die Führungsebene beschränkt gehört.",
		1, "German via cp1252 (10kGNAD)");
	REPAIRS("Wien â\xC2\x80\xC2\x93 Die Gewerkschaft sieht Handlungsbedarf bei sogenannten "
		"All-in-VertrÃ¤gen. SchlieÃ\xC2\x9F" "lich sei ein All-in-Gehalt oft nur auf den "
		"ersten Blick von Vorteil.",
		"Wien – Die Gewerkschaft sieht Handlungsbedarf bei sogenannten All-in-Verträgen. "
		"Schließlich sei ein All-in-Gehalt oft nur auf den ersten Blick von Vorteil.",
		1, "German via latin-1, whose C1 controls stand for bytes 0x80-0x9F");
	REPAIRS("FÃ¼r mehr Transparenz â€“ Ã„RGER ÃœBER STRAÃŸE",
		"Für mehr Transparenz – ÄRGER ÜBER STRAßE", 1, "German capitals via cp1252");
	REPAIRS("Lâ€™Ã©tÃ© dernier, le cÅ“ur de la Â«Â\xC2\xA0" "fÃªteÂ\xC2\xA0Â» Ã©tait "
		"Ã\xC2\xA0 NoÃ«l ; Ã‡a a Ã©tÃ© un succÃ¨s. Ã‰COLE",
		"L’été dernier, le cœur de la «\xC2\xA0" "fête\xC2\xA0» était à Noël ; Ça a été "
		"un succès. ÉCOLE",
		1, "French via cp1252, with no-break spaces");
	REPAIRS("OÃ¹ Ãªtes-vous allÃ©s ? Ã\xC2\x80 BesanÃ§on, prÃ¨s de lâ\xC2\x80\xC2\x99HÃ´tel "
		"de Ville.",
		"Où êtes-vous allés ? À Besançon, près de l’Hôtel de Ville.", 1,
		"French via latin-1");
	REPAIRS("Â¿DÃ³nde estÃ¡ el niÃ±o? Â¡MaÃ±ana serÃ¡ otro dÃ\xC2\xAD" "a! AÃ±o, pingÃ¼ino, "
		"ESPAÃ‘A",
		"¿Dónde está el niño? ¡Mañana será otro día! Año, pingüino, ESPAÑA", 1,
		"Spanish via cp1252, í with its soft hyphen");
	REPAIRS("cafÃ©", "café", 1, "the shortest case");
}

static void test_punctuation(void)
{
	REPAIRS("â€œQuotedâ€\xC2\x9D text â€” itâ€™s hereâ€¦ â€˜singleâ€™ â€“ dash â€¢ bullet "
		"â‚¬5 â„¢",
		"“Quoted” text — it’s here… ‘single’ – dash • bullet €5 ™", 1,
		"typographic punctuation via cp1252 (” ends in 0x9D, which it leaves undefined)");
	REPAIRS("â\xC2\x80\xC2\x9CQuotedâ\xC2\x80\xC2\x9D itâ\xC2\x80\xC2\x99s hereâ\xC2\x80¦",
		"“Quoted” it’s here…", 1, "typographic punctuation via latin-1");
	REPAIRS("NPCÂ´s and 20Â°C, Â£5, Â©\xC2\xA0" "2020", "NPC´s and 20°C, £5, ©\xC2\xA0" "2020",
		1, "latin-1 symbols via cp1252");
}

static void test_other_scripts(void)
{
	REPAIRS("ÐŸÑ€Ð¸Ð²ÐµÑ‚, Ð¼Ð¸Ñ€! Ð¡ÑŠÐµÑˆÑŒ Ð¶Ðµ ÐµÑ‰Ñ‘ Ñ\xC2\x8DÑ‚Ð¸Ñ… Ð¼Ñ\xC2\x8FÐ³ÐºÐ¸Ñ… "
		"Ñ„Ñ€Ð°Ð½Ñ†ÑƒÐ·Ñ\xC2\x81ÐºÐ¸Ñ… Ð±ÑƒÐ»Ð¾Ðº.",
		"Привет, мир! Съешь же ещё этих мягких французских булок.", 1,
		"Russian via cp1252");
	REPAIRS("ĞŸÑ€Ğ¸Ğ²ĞµÑ‚, Ğ¼Ğ¸Ñ€!", "Привет, мир!", 1, "Russian via cp1254");
	REPAIRS("ÎšÎ±Î»Î·Î¼Î\xC2\xADÏ\xC2\x81Î± ÎºÏŒÏƒÎ¼Îµ, Î¾ÎµÏƒÎºÎµÏ€Î¬Î¶Ï‰ Ï„Î·Î½ "
		"ÏˆÏ…Ï‡Î¿Ï†Î¸ÏŒÏ\xC2\x81Î± Î²Î´ÎµÎ»Ï…Î³Î¼Î¯Î±.",
		"Καλημέρα κόσμε, ξεσκεπάζω την ψυχοφθόρα βδελυγμία.", 1, "Greek via cp1252");
	REPAIRS("æ—¥æœ¬èªžã\xC2\x81®ãƒ†ã‚\xC2\xADã‚¹ãƒˆã€\xC2\x81iPhoneã\xC2\x81®iOSã‚’æ”¹é€\xC2\xA0"
		"ã\xC2\x81™ã‚‹ã€‚",
		"日本語のテキスト、iPhoneのiOSを改造する。", 1,
		"Japanese with Latin words via cp1252");
	REPAIRS("Ù…Ø±Ø\xC2\xADØ¨Ø§ Ø¨Ø§Ù„Ø¹Ø§Ù„Ù…", "مرحبا بالعالم", 1, "Arabic via cp1252");
	REPAIRS("Great news ðŸ˜€ðŸ‘\xC2\x8D â¬‡ï¸\xC2\x8F", "Great news 😀👍 ⬇️", 1,
		"emoji (and a variation selector) via cp1252");
	REPAIRS("Great news ğŸ˜€ğŸ‘\xC2\x8D", "Great news 😀👍", 1, "emoji via cp1254");
}

static void test_double_mojibake(void)
{
	REPAIRS("MÃƒÂ¼llerÃ¢â‚¬â„¢s cafÃƒÂ©", "Müller’s café", 1, "double mojibake via cp1252");
	REPAIRS("MÃƒÆ’Ã‚Â¼llerÃƒÂ¢Ã¢â€šÂ¬Ã¢â€žÂ¢s cafÃƒÆ’Ã‚Â©", "Müller’s café", 1,
		"triple mojibake via cp1252");
	REPAIRS("Ã…Â\xC2\x9EiÃ…Å¸liÃ¢â‚¬â„¢de aÃ„Å¸Ã„Â±r hasar", "Şişli’de ağır hasar", 1,
		"double mojibake via cp1254");
	REPAIRS("genau den gleichenscheiÃƒÅ¸ fehler bekommen", "genau den gleichenscheiß fehler bekommen",
		1, "double mojibake seen on a real page");
}

/* A line that mixes correct text and mojibake is repaired run by run. */
static void test_mixed_lines(void)
{
	REPAIRS("Çünkü onun onurlu duruÅŸu, eÄŸitime hizmet aÅŸkÄ±, ülke sevdasÄ±yla çarpan yüreÄŸi",
		"Çünkü onun onurlu duruşu, eğitime hizmet aşkı, ülke sevdasıyla çarpan yüreği", 1,
		"Turkish with some letters right and some mojibake (a Lingua test sentence)");
	REPAIRS("A különbözÅ‘ fellépÅ‘k, együttesek teljesen véletlenszerÅ±en kerültek be",
		"A különböző fellépők, együttesek teljesen véletlenszerűen kerültek be", 1,
		"Hungarian ő ű as mojibake among correct é ü");
	REPAIRS("Bringe AjadhiÂ´s Brief ans Ziel. Du kannst während", "Bringe Ajadhi´s Brief ans "
		"Ziel. Du kannst während", 1, "a web page's mojibake next to correct German");
	REPAIRS("ï¿½nca a fost şi prima", "\xEF\xBF\xBDnca a fost şi prima", 1,
		"mojibake of U+FFFD next to correct Romanian");
	REPAIRS("Carré\xC2\x92nin café\xC2\xA0» et cafÃ©", "Carré\xC2\x92nin café\xC2\xA0» et café", 1,
		"only the run that is mojibake changes");
	/* Every non-ASCII character of this line is in a group, so it could be
	 * read as UTF-8 whole, but "é »" would become "頻". */
	REPAIRS("café\xC2\xA0» et cafÃ© Ã©tÃ©", "café\xC2\xA0» et café été", 1,
		"a run that only happens to encode to UTF-8 stays, in a line of mojibake");
}

static void test_lines(void)
{
	REPAIRS("first Ã©\nsecond ok\nthird Ã¼\n", "first é\nsecond ok\nthird ü\n", 2,
		"each line on its own, the count is of lines changed");
	REPAIRS("ok\r\ncafÃ©\r\n", "ok\r\ncafé\r\n", 1, "CRLF lines");
	REPAIRS("no newline at the end: cafÃ©", "no newline at the end: café", 1,
		"a last line without newline");
	REPAIRS("\n\ncafÃ©\n\n", "\n\ncafé\n\n", 1, "empty lines around");
	REPAIRS("Ã©\nÃ©", "é\né", 2, "two short lines");
}

/* Correct text of many scripts comes back byte for byte. */
static void test_correct_text(void)
{
	KEEPS("İstanbul’da şiddetli yağmur: Boğaziçi Köprüsü’nde trafik durdu. ŞİŞLİ, IĞDIR");
	KEEPS("Für mehr Transparenz – schließlich sei ein All-in-Gehalt oft nur auf den ersten "
	      "Blick von Vorteil. ÄRGER ÜBER STRAßE");
	KEEPS("L’été dernier, le cœur de la «\xC2\xA0" "fête\xC2\xA0» était à Noël ; Ça a été "
	      "un succès. ÉCOLE");
	KEEPS("¿Dónde está el niño? ¡Mañana será otro día! Año, pingüino, ESPAÑA");
	KEEPS("“Quoted” text — it’s here… ‘single’ – dash • bullet €5 ™ ©\xC2\xA0" "2020");
	KEEPS("Привет, мир! Съешь же ещё этих мягких французских булок.");
	KEEPS("Καλημέρα κόσμε, ξεσκεπάζω την ψυχοφθόρα βδελυγμία.");
	KEEPS("مرحبا بالعالم");
	KEEPS("שלום עולם");
	KEEPS("日本語のテキスト、iPhoneのiOSを改造する。");
	KEEPS("백씨는 지난 3월 12일 오후 제주시내 모 초등학교에서");
	KEEPS("72 - 74 Nguyễn Thị Minh Khai, P.6, Q.3, Tp.");
	KEEPS("Great news 😀👍 ⬇️ ⒔ ■ ○ ─");
	KEEPS("Přihlášením k newsletteru beru na vědomí, že mé osobní údaje");
	KEEPS("A különböző fellépők, együttesek teljesen véletlenszerűen kerültek be");
	KEEPS("Wyszukując artystę widzimy związane z nim płyty");
	KEEPS("Ceea ce contează este creşterea cât mai multor pui");
}

/* Correct text that looks like mojibake: a capital ending a word before
 * punctuation, a letter before a no-break space and a guillemet. */
static void test_tricky_correct_text(void)
{
	KEEPS("SÃO PAULO, JOÃO, IRMÃS");
	KEEPS("ÄRGER, ÅR, NAÏVE, ÎLE-DE-FRANCE, ÑANDÚ, Ø");
	KEEPS("KOBİ’ler, TÜRKİYE’DE, ODTÜ’lü, KOÇ’UN, AŞ’nin, DAĞ’DA, TEKİRDAĞ’DA");
	KEEPS("TOFAŞ´ta, BOTAŞ’ın, İTÜ’ye");
	KEEPS("HÂLÂ”, ZEKÂ”, MİLLÎ’nin, EDEBÎ»");
	KEEPS("Finnish ”JÄÄ”, Swedish PÅ…, PÅ”");
	KEEPS("café\xC2\xA0» fin");
	KEEPS("voilà\xC2\xA0»");
	KEEPS("»Spaß«, „Spaß“, Maß«");
	KEEPS("NESTLÉ®, NESCAFÉ™");
	KEEPS("KŘÍŽ, VÝŠE, TÉŽ, NÍŽE");
	KEEPS("MENÜ•HABERLER•SÖZCÜ•SPOR");
	KEEPS("1,55 μm, λx, 20 µg");
	KEEPS("180 ̊C");
	/* cp1252 text read as latin-1: C1 controls where ’ “ ” were. */
	KEEPS("İTÜ\xC2\x92ye geldi");
	KEEPS("KOBİ\xC2\x92ler");
	KEEPS("KOÇ\xC2\x92UN");
	KEEPS("AŞ\xC2\x92ye");
	KEEPS("Yırtmaç\xC2\x92in \xC2\x93Uykuda\xC2\x94 adlı eseri");
	KEEPS("hâlâ\xC2\x94 dedi.");
	/* Lines of real data that pass the precheck. */
	KEEPS("e d’analphabètes du dessin, de l’humour et du débat a explosé»</span>");
	KEEPS("Nalan Yırtmaç\xC2\x92in fuarda yer alacak olan \xC2\x93Uykuda\xC2\x94 adlı eseri");
	KEEPS(" ‘CHP’NİN EKONOMİK VAATLERİ SEÇMENE İNANDIRICI GELMEDİ’ \xC2\xA0    Peki");
	KEEPS("Yoruba wó\xEF\x80\xA3n private use");
}

/* A line that is not valid UTF-8 is copied as it is; the others are still
 * repaired. */
static void test_invalid_utf8(void)
{
	REPAIRS("bad \xFF cafÃ©\ngood cafÃ©\n", "bad \xFF cafÃ©\ngood café\n", 1,
		"an invalid byte keeps its line unrepaired");
	REPAIRS("cut Ã©\xC3", "cut Ã©\xC3", 0, "a cut sequence at the end");
	REPAIRS("lone \x80 Ã©", "lone \x80 Ã©", 0, "a lone continuation byte");
	REPAIRS("Ã\x83\xC2", "Ã\x83\xC2", 0, "invalid bytes after a lead");
}

static void test_appends(void)
{
	struct buf out = {0};
	buf_adds(&out, "before|");
	CHECK_EQ_SIZE(mojibake_repair("cafÃ©", strlen("cafÃ©"), &out), 1, "one line repaired");
	CHECK_BUF(out, "before|café", "the repair should be appended");
	CHECK_EQ_SIZE(mojibake_repair("plain", 5, &out), 0, "nothing repaired");
	CHECK_BUF(out, "before|caféplain", "unchanged text should be appended too");
	buf_free(&out);
}

/* Long lines and texts: the buffers grow, the scan crosses many blocks. */
static void test_long(void)
{
	struct buf in = {0}, want = {0}, out = {0};
	for (int i = 0; i < 5000; i++) {
		buf_adds(&in, "MÃ¼ller Ä°stanbul â€œxâ€\xC2\x9D ");
		buf_adds(&want, "Müller İstanbul “x” ");
	}
	CHECK_EQ_SIZE(mojibake_repair(in.data, in.len, &out), 1, "one long line repaired");
	CHECK_STR(out.data, out.len, want.data, want.len, "a long line should be repaired");

	buf_clear(&in);
	buf_clear(&want);
	buf_clear(&out);
	for (int i = 0; i < 20000; i++) {
		buf_adds(&in, "A line of plain text that goes on for a while.\n");
		buf_adds(&want, "A line of plain text that goes on for a while.\n");
	}
	buf_adds(&in, "and at the very end, cafÃ©");
	buf_adds(&want, "and at the very end, café");
	CHECK_EQ_SIZE(mojibake_repair(in.data, in.len, &out), 1, "one line of many repaired");
	CHECK_STR(out.data, out.len, want.data, want.len,
		  "the text before the mojibake should be copied unchanged");
	buf_free(&in);
	buf_free(&want);
	buf_free(&out);
}

struct thread_job {
	const char *in, *want;
	bool ok;
};

static void *repair_many(void *arg)
{
	struct thread_job *job = arg;
	struct buf out = {0};
	job->ok = true;
	for (int i = 0; i < 200; i++) {
		buf_clear(&out);
		mojibake_repair(job->in, strlen(job->in), &out);
		job->ok &= strcmp(out.data, job->want) == 0;
	}
	buf_free(&out);
	return NULL;
}

/* The first calls race to build the tables: pthread_once. */
static void test_threads(void)
{
	pthread_t threads[4];
	struct thread_job jobs[4];
	for (int i = 0; i < 4; i++) {
		jobs[i] = (struct thread_job){"ÅŸeker ĞŸÑ€ â€™ cafÃ©", "şeker Пр ’ café", false};
		REQUIRE(pthread_create(&threads[i], NULL, repair_many, &jobs[i]) == 0,
			"pthread_create should succeed");
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(threads[i], NULL);
		CHECK(jobs[i].ok, "thread %d should repair like the others", i);
	}
}

UNIT_MAIN(UNIT_TEST(test_threads), UNIT_TEST(test_empty), UNIT_TEST(test_ascii),
	  UNIT_TEST(test_precheck), UNIT_TEST(test_turkish),
	  UNIT_TEST(test_german_french_spanish), UNIT_TEST(test_punctuation),
	  UNIT_TEST(test_other_scripts), UNIT_TEST(test_double_mojibake),
	  UNIT_TEST(test_mixed_lines), UNIT_TEST(test_lines), UNIT_TEST(test_correct_text),
	  UNIT_TEST(test_tricky_correct_text), UNIT_TEST(test_invalid_utf8),
	  UNIT_TEST(test_appends), UNIT_TEST(test_long))
