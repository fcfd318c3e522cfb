#include "page.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <utf8proc.h>

#include "chars.h"
#include "rules.h"
#include "scan.h"
#include "utf8.h"

/* How far (in lines) and how strong (a share of the best run's score) a
 * second run of prose must be to join the article. */
#define PAGE_REACH 20
#define PAGE_SHARE 0.5
/* What must follow a repeated title, in words of prose, for the article
 * to start there. */
#define PAGE_AFTER_TITLE 100

/* What page detection needs to know of a line. */
struct features {
	size_t words;      /* runs of letters, digits and marks */
	size_t cjk;        /* Han, kana and Hangul characters: a word is about two */
	size_t cased;      /* words starting with a cased letter */
	size_t lower;      /* of those, the ones starting in lower case */
	size_t digits;     /* words made of digits only */
	size_t punct;      /* sentence punctuation . , ; : ! ? and CJK forms */
	bool ends_closed;  /* the line ends with closing punctuation */
};

static bool is_cjk(uint32_t cp)
{
	return (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x3400 && cp <= 0x9FFF) ||
	       (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0xF900 && cp <= 0xFAFF);
}

static bool is_sentence_punct(uint32_t cp)
{
	return cp == '.' || cp == ',' || cp == ';' || cp == ':' || cp == '!' || cp == '?' ||
	       cp == 0x3002 || cp == 0x3001 || cp == 0xFF0C || cp == 0xFF1B || cp == 0xFF01 ||
	       cp == 0xFF1F;
}

/* Closing punctuation of a sentence, or of a quotation that ends one. A
 * line ending in ":" or ")" is a heading or a teaser with a count. */
static bool is_closing(uint32_t cp)
{
	return cp == '.' || cp == '!' || cp == '?' || cp == '"' || cp == 0x201D ||
	       cp == 0x2019 || cp == 0x00BB || cp == 0x2026 || cp == 0x3002 || cp == 0xFF01 ||
	       cp == 0xFF1F || cp == 0x300D || cp == 0x300F;
}

/* What an ASCII byte is, for measure: bits of the C locale's classes. */
enum { A_WORD = 1, A_UPPER = 2, A_LOWER = 4, A_DIGIT = 8 };

static const unsigned char *ascii_classes(void)
{
	static unsigned char table[128];
	static bool ready;
	if (!ready) {
		for (int c = 0; c < 128; c++)
			table[c] = (unsigned char)((isalnum(c) || c == '_' ? A_WORD : 0) |
						   (isupper(c) ? A_UPPER : 0) |
						   (islower(c) ? A_LOWER : 0) | (isdigit(c) ? A_DIGIT : 0));
		ready = true;
	}
	return table;
}

/* Measures the line into f; stops, with f->words past max_words and the
 * rest of f unfinished, once it has more words than that. */
static void measure(const char *s, size_t n, struct features *f, size_t max_words)
{
	const unsigned char *classes = ascii_classes();
	memset(f, 0, sizeof *f);
	bool in_word = false, word_digits = true;
	uint32_t last = 0;
	size_t i = 0;
	while (i < n) {
		uint32_t cp = (unsigned char)s[i];
		size_t k = 1;
		bool word_char;
		int letter_case = 0; /* 1 upper or title, -1 lower, 0 uncased */
		bool digit = false;
		if (cp < 0x80) {
			unsigned char cls = classes[cp];
			word_char = cls & A_WORD;
			if (cls & A_UPPER)
				letter_case = 1;
			else if (cls & A_LOWER)
				letter_case = -1;
			digit = cls & A_DIGIT;
		} else {
			k = chars_decode(s + i, n - i, &cp);
			if (!k) {
				k = 1;
				cp = 0xFFFD;
			}
			utf8proc_category_t cat = chars_category(cp);
			word_char = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO) ||
				    cat == UTF8PROC_CATEGORY_PC;
			if (cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LT)
				letter_case = 1;
			else if (cat == UTF8PROC_CATEGORY_LL)
				letter_case = -1;
			f->cjk += is_cjk(cp);
		}
		if (word_char && !in_word) {
			if (++f->words > max_words)
				return;
			word_digits = true;
			if (letter_case) {
				f->cased++;
				f->lower += letter_case < 0;
			}
		}
		if (word_char)
			word_digits = word_digits && digit;
		if (!word_char && in_word)
			f->digits += word_digits;
		in_word = word_char;
		f->punct += is_sentence_punct(cp);
		if (cp != ' ')
			last = cp;
		i += k;
	}
	if (in_word)
		f->digits += word_digits;
	f->ends_closed = is_closing(last);
}

/* The bytes a line of chrome neither starts nor ends with (strchr finds
 * the NUL too). */
static bool is_bad_start(char c)
{
	return c == '>' || c == '|' || c == ':' || c == '\0';
}

static bool is_bad_end(char c)
{
	return c == '.' || c == '!' || c == '?' || c == ';' || c == ',' || c == ':' || c == '"' ||
	       c == ')' || c == '\0';
}

bool page_may_be_chrome(const char *s, size_t n)
{
	/* Four spaces make five words or more. */
	return n && n <= 80 && !is_bad_start(s[0]) && !is_bad_end(s[n - 1]) &&
	       scan_count_spaces(s, n, 4) < 4;
}

bool page_is_chrome(const char *s, size_t n)
{
	if (!page_may_be_chrome(s, n))
		return false;
	struct features f;
	measure(s, n, &f, 4);
	if (f.words == 0 || f.words > 4 || f.digits * 2 >= f.words)
		return false;
	return !f.ends_closed;
}

/* Whether the character starting at s[i] (of the n bytes of s) is a
 * letter or a digit; *k is its length. */
static bool is_alnum_at(const char *s, size_t n, size_t i, size_t *k)
{
	uint32_t cp;
	*k = chars_decode(s + i, n - i, &cp);
	if (!*k) {
		*k = 1;
		return false;
	}
	utf8proc_category_t cat = chars_category(cp);
	return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_NO;
}

/* Trims s[0..*n) to its first and last letter or digit: the arrows,
 * bullets and signs a menu item wears ("Home \u203A", "\u2261 Menu").
 * ASCII bytes are told by their class, the rest decoded. */
static const char *trim_signs(const char *s, size_t *n)
{
	size_t a = 0, b = *n, k;
	while (a < b) {
		unsigned char c = (unsigned char)s[a];
		if (c < 0x80 ? isalnum(c) : is_alnum_at(s, b, a, &k))
			break;
		a += c < 0x80 ? 1 : k;
	}
	while (b > a) {
		unsigned char c = (unsigned char)s[b - 1];
		if (c < 0x80) {
			if (isalnum(c))
				break;
			b--;
			continue;
		}
		size_t start = b - 1;
		while (start > a && ((unsigned char)s[start] & 0xC0) == 0x80)
			start--;
		if (is_alnum_at(s, b, start, &k))
			break;
		b = start;
	}
	*n = b - a;
	return s + a;
}

/* The slot of an ASCII word s[0..n) (n > 0) in page_is_interface's
 * filter: of its length and its first and last bytes, lowercased. */
static size_t filter_slot(const char *s, size_t n)
{
	unsigned first = (unsigned char)s[0] | 0x20, last = (unsigned char)s[n - 1] | 0x20;
	return (n * 97 + first * 31 + last) & 1023;
}

bool page_is_interface(const char *s, size_t n, struct buf *scratch)
{
	/* The words of a site's interface, in the languages of the cookie
	 * rule and a few more, folded as rule_fold folds: menus, accounts,
	 * search, legal pages, sharing and printing, the boxes of links to
	 * other stories, and advertising labels. A line is one of them when
	 * it is the word, less the signs at its edges. English words that
	 * end many a hard-wrapped line of prose ("... per" / "share") are
	 * not among them. */
	static const char *const words[] = {
		/* en */
		"home", "menu", "search", "login", "log in", "logout", "log out", "sign in",
		"sign up", "register", "subscribe", "contact", "contact us", "about", "about us",
		"privacy", "privacy policy", "privacy notice", "terms", "terms of use",
		"terms of service", "terms & conditions", "terms and conditions", "cookie policy",
		"sitemap", "site map", "rss", "newsletter", "advertise", "advertisement",
		"back to top", "skip to content", "skip to main content", "share this",
		"share this story", "share this article", "read more", "related articles",
		"related stories", "related posts",
		"recommended stories", "you may also like", "most popular", "most read",
		"about the author", "leave a reply", "leave a comment",
		"facebook", "twitter", "instagram", "youtube", "linkedin", "whatsapp", "pinterest",
		/* de */
		"impressum", "datenschutz", "kontakt", "suche", "anmelden", "startseite",
		"men\xC3\xBC", "teilen", "drucken", "anzeige", "werbung", "mehr zum thema",
		/* fr */
		"accueil", "connexion", "rechercher", "mentions l\xC3\xA9gales", "partager",
		"imprimer", "publicit\xC3\xA9", "plan du site", "lire aussi", "\xC3\xA0 lire aussi",
		/* es, it, pt */
		"inicio", "buscar", "contacto", "men\xC3\xBA", "compartir", "imprimir",
		"publicidad", "aviso legal", "mapa del sitio", "iniciar sesi\xC3\xB3n",
		"cerca", "contatti", "condividi", "pubblicit\xC3\xA0", "accedi",
		"chi siamo", "in\xC3\xAD" "cio", "p\xC3\xA1gina inicial", "pesquisar", "contato",
		"compartilhar", "publicidade",
		/* nl, pl */
		"zoeken", "inloggen", "szukaj", "zaloguj", "udost\xC4\x99pnij",
		/* tr */
		"anasayfa", "ana sayfa", "giri\xC5\x9F", "ileti\xC5\x9Fim", "arama",
		"k\xC3\xBCnye", "payla\xC5\x9F", "yazd\xC4\xB1r", "hakk\xC4\xB1m\xC4\xB1zda",
		/* ru: поиск, главная, контакты, меню, войти, регистрация, рубрики,
		 * свежие записи, реклама, поделиться, перейти к контенту */
		"\xD0\xBF\xD0\xBE\xD0\xB8\xD1\x81\xD0\xBA",
		"\xD0\xB3\xD0\xBB\xD0\xB0\xD0\xB2\xD0\xBD\xD0\xB0\xD1\x8F",
		"\xD0\xBA\xD0\xBE\xD0\xBD\xD1\x82\xD0\xB0\xD0\xBA\xD1\x82\xD1\x8B",
		"\xD0\xBC\xD0\xB5\xD0\xBD\xD1\x8E",
		"\xD0\xB2\xD0\xBE\xD0\xB9\xD1\x82\xD0\xB8",
		"\xD1\x80\xD0\xB5\xD0\xB3\xD0\xB8\xD1\x81\xD1\x82\xD1\x80\xD0\xB0\xD1\x86\xD0\xB8\xD1\x8F",
		"\xD1\x80\xD1\x83\xD0\xB1\xD1\x80\xD0\xB8\xD0\xBA\xD0\xB8",
		"\xD1\x81\xD0\xB2\xD0\xB5\xD0\xB6\xD0\xB8\xD0\xB5 \xD0\xB7\xD0\xB0\xD0\xBF\xD0\xB8\xD1\x81\xD0\xB8",
		"\xD1\x80\xD0\xB5\xD0\xBA\xD0\xBB\xD0\xB0\xD0\xBC\xD0\xB0",
		"\xD0\xBF\xD0\xBE\xD0\xB4\xD0\xB5\xD0\xBB\xD0\xB8\xD1\x82\xD1\x8C\xD1\x81\xD1\x8F",
		"\xD0\xBF\xD0\xB5\xD1\x80\xD0\xB5\xD0\xB9\xD1\x82\xD0\xB8 \xD0\xBA \xD0\xBA\xD0\xBE\xD0\xBD\xD1\x82\xD0\xB5\xD0\xBD\xD1\x82\xD1\x83",
		/* ja: ホーム, ログイン, 検索, メニュー, サイトマップ, プライバシーポリシー, お問い合わせ, 免責事項, 関連記事, 新着記事, 人気記事, カテゴリー */
		"\xE3\x83\x9B\xE3\x83\xBC\xE3\x83\xA0",
		"\xE3\x83\xAD\xE3\x82\xB0\xE3\x82\xA4\xE3\x83\xB3", "\xE6\xA4\x9C\xE7\xB4\xA2",
		"\xE3\x83\xA1\xE3\x83\x8B\xE3\x83\xA5\xE3\x83\xBC",
		"\xE3\x82\xB5\xE3\x82\xA4\xE3\x83\x88\xE3\x83\x9E\xE3\x83\x83\xE3\x83\x97",
		"\xE3\x83\x97\xE3\x83\xA9\xE3\x82\xA4\xE3\x83\x90\xE3\x82\xB7\xE3\x83\xBC\xE3\x83\x9D\xE3\x83\xAA\xE3\x82\xB7\xE3\x83\xBC",
		"\xE3\x81\x8A\xE5\x95\x8F\xE3\x81\x84\xE5\x90\x88\xE3\x82\x8F\xE3\x81\x9B",
		"\xE5\x85\x8D\xE8\xB2\xAC\xE4\xBA\x8B\xE9\xA0\x85",
		"\xE9\x96\xA2\xE9\x80\xA3\xE8\xA8\x98\xE4\xBA\x8B",
		"\xE6\x96\xB0\xE7\x9D\x80\xE8\xA8\x98\xE4\xBA\x8B",
		"\xE4\xBA\xBA\xE6\xB0\x97\xE8\xA8\x98\xE4\xBA\x8B",
		"\xE3\x82\xAB\xE3\x83\x86\xE3\x82\xB4\xE3\x83\xAA\xE3\x83\xBC",
		/* zh: 首页, 首頁, 登录, 登入, 注册, 搜索, 关于我们, 關於我們, 联系我们, 聯絡我們, 隐私政策, 网站地图, 相关文章, 分享, 返回顶部 */
		"\xE9\xA6\x96\xE9\xA1\xB5", "\xE9\xA6\x96\xE9\xA0\x81", "\xE7\x99\xBB\xE5\xBD\x95",
		"\xE7\x99\xBB\xE5\x85\xA5", "\xE6\xB3\xA8\xE5\x86\x8C", "\xE6\x90\x9C\xE7\xB4\xA2",
		"\xE5\x85\xB3\xE4\xBA\x8E\xE6\x88\x91\xE4\xBB\xAC",
		"\xE9\x97\x9C\xE6\x96\xBC\xE6\x88\x91\xE5\x80\x91",
		"\xE8\x81\x94\xE7\xB3\xBB\xE6\x88\x91\xE4\xBB\xAC",
		"\xE8\x81\xAF\xE7\xB5\xA1\xE6\x88\x91\xE5\x80\x91",
		"\xE9\x9A\x90\xE7\xA7\x81\xE6\x94\xBF\xE7\xAD\x96",
		"\xE7\xBD\x91\xE7\xAB\x99\xE5\x9C\xB0\xE5\x9B\xBE",
		"\xE7\x9B\xB8\xE5\x85\xB3\xE6\x96\x87\xE7\xAB\xA0", "\xE5\x88\x86\xE4\xBA\xAB",
		"\xE8\xBF\x94\xE5\x9B\x9E\xE9\xA1\xB6\xE9\x83\xA8",
		/* ko: 홈, 로그인, 회원가입, 검색, 인쇄하기, 목록, 뒤로가기, 이용약관, 개인정보처리방침 */
		"\xED\x99\x88", "\xEB\xA1\x9C\xEA\xB7\xB8\xEC\x9D\xB8",
		"\xED\x9A\x8C\xEC\x9B\x90\xEA\xB0\x80\xEC\x9E\x85", "\xEA\xB2\x80\xEC\x83\x89",
		"\xEC\x9D\xB8\xEC\x87\x84\xED\x95\x98\xEA\xB8\xB0", "\xEB\xAA\xA9\xEB\xA1\x9D",
		"\xEB\x92\xA4\xEB\xA1\x9C\xEA\xB0\x80\xEA\xB8\xB0",
		"\xEC\x9D\xB4\xEC\x9A\xA9\xEC\x95\xBD\xEA\xB4\x80",
		"\xEA\xB0\x9C\xEC\x9D\xB8\xEC\xA0\x95\xEB\xB3\xB4\xEC\xB2\x98\xEB\xA6\xAC\xEB\xB0\xA9\xEC\xB9\xA8",
		NULL};
	enum { WORDS = sizeof words / sizeof *words - 1, LONGEST = 40 };
	static size_t lens[WORDS];
	/* The words by length, in order: those of length len are
	 * order[k][by_len[k][len]..by_len[k][len + 1]), with k 0 for the
	 * ASCII words and 1 for all of them. */
	static unsigned char by_len[2][LONGEST + 2], order[2][WORDS];
	/* A filter of the ASCII words' lengths, first and last bytes: most
	 * lines are ruled out by it at once. */
	static uint64_t filter[16];
	static bool ready;
	if (!ready) {
		for (size_t w = 0; w < WORDS; w++) {
			lens[w] = strlen(words[w]);
			size_t h = filter_slot(words[w], lens[w]);
			filter[h / 64] |= (uint64_t)1 << (h % 64);
		}
		for (int all = 0; all < 2; all++) {
			size_t k = 0;
			for (size_t len = 0; len <= LONGEST; len++) {
				by_len[all][len] = (unsigned char)k;
				for (size_t w = 0; w < WORDS; w++) {
					bool take = lens[w] == len;
					for (size_t b = 0; b < lens[w] && take && !all; b++)
						take = (unsigned char)words[w][b] < 0x80;
					if (take)
						order[all][k++] = (unsigned char)w;
				}
			}
			by_len[all][LONGEST + 1] = (unsigned char)k;
		}
		ready = true;
	}
	_Static_assert(WORDS < 256, "word indexes are bytes");
	if (n && (!isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[n - 1])))
		s = trim_signs(s, &n);
	if (!n || n > LONGEST)
		return false; /* no word is empty */
	/* An ASCII line folds to its bytes lowercased, as long as it is: only
	 * an ASCII word of its length can be it. */
	if (scan_skip_ascii(s, 0, n) == n) {
		size_t h = filter_slot(s, n);
		if (!(filter[h / 64] >> (h % 64) & 1))
			return false;
		char first = (char)tolower((unsigned char)s[0]);
		for (size_t k = by_len[0][n]; k < by_len[0][n + 1]; k++) {
			const char *w = words[order[0][k]];
			if (w[0] != first)
				continue;
			size_t b = 1;
			while (b < n && w[b] == (char)tolower((unsigned char)s[b]))
				b++;
			if (b == n)
				return true;
		}
		return false;
	}
	const char *f = NULL;
	size_t len = 0;
	{
		buf_clear(scratch);
		rule_fold(s, n, scratch);
		f = scratch->data;
		len = scratch->len;
	}
	if (len > LONGEST)
		return false;
	for (size_t k = by_len[1][len]; k < by_len[1][len + 1]; k++)
		if (memcmp(f, words[order[1][k]], len) == 0)
			return true;
	return false;
}

bool page_is_full_page(const struct page_line *lines, size_t count, struct buf *scratch)
{
	size_t chrome = 0, interface = 0, short_lines = 0;
	for (size_t i = 0; i < count; i++)
		short_lines += lines[i].n <= 80;
	if (short_lines < 10) /* most articles: no need to look closer */
		return false;
	for (size_t i = 0; i < count; i++) {
		if (!page_is_chrome(lines[i].s, lines[i].n))
			continue;
		chrome++;
		interface += page_is_interface(lines[i].s, lines[i].n, scratch);
	}
	return page_counts_full_page(count, chrome, interface);
}

bool page_counts_full_page(size_t count, size_t chrome, size_t interface)
{
	return chrome >= 10 && ((chrome * 10 >= count * 3 && interface >= 2) ||
				(chrome * 10 >= count * 4 && interface >= 1) || interface >= 4);
}

/* The score of a line: its length in words when it reads as prose, a
 * cost when it does not. Prose has at least 35% of its cased words in
 * lower case (menus and headlines are in Title Case) and either closes
 * its sentence or is long and punctuated. */
static double line_score(const char *s, size_t n)
{
	struct features f;
	measure(s, n, &f, SIZE_MAX);
	double units = (double)f.words + (double)f.cjk / 2;
	/* Case says nothing of Chinese, Japanese or Korean text, and the few
	 * Latin names in it are capitalised. German capitalises its nouns:
	 * its prose has a third of its words in lower case, menus fewer. */
	bool prose = f.cjk >= 10 ||
		     (f.cased >= 3 ? f.lower * 20 >= f.cased * 7 : f.cjk > 0);
	if (prose && f.ends_closed && units >= 8)
		return units;
	if (prose && f.punct >= 1 && units >= 20)
		return units * 0.7;
	return -(3 + 0.3 * (units < 10 ? units : 10));
}

/* A line that opens a comment section. */
static bool is_comment_marker(const char *s, size_t n, struct buf *scratch)
{
	static const char *const heads[] = {
		"comment", "comments", "response", "responses", "replies", "reactions",
		"leave a reply", "leave a comment", "post a comment", "add a comment",
		"add your comment", "join the discussion", "comments are closed",
		"comments are closed.", "kommentar", "kommentare", "yorum", "yorumlar",
		"commentaire", "commentaires", "comentario", "comentarios", "commenti", "reacties",
		"\xD0\xBA\xD0\xBE\xD0\xBC\xD0\xBC\xD0\xB5\xD0\xBD\xD1\x82\xD0\xB0\xD1\x80\xD0\xB8\xD0\xB8",
		NULL};
	static const char *const words[] = {
		"comments", "kommentare", "yorumlar", "commentaires", "comentarios", "commenti",
		"reacties", "responses", "replies", NULL};
	if (n > 120)
		return false;
	buf_clear(scratch);
	rule_fold(s, n, scratch);
	char *f = scratch->data ? scratch->data : (char *)"";
	size_t len = scratch->len;
	/* "12 Comments", "Comments (3)", "[ 167 comments ]" */
	while (len && strchr(" :[](){}0123456789", f[len - 1]))
		len--;
	size_t start = 0;
	while (start < len && strchr(" :[](){}0123456789", f[start]))
		start++;
	for (const char *const *h = heads; *h; h++)
		if (len - start == strlen(*h) && memcmp(f + start, *h, len - start) == 0)
			return true;
	/* "34 responses to “Title”" */
	static const char *const counted[] = {"responses to ", "comments to ", "comments on ",
					      "replies to ", "thoughts on ", NULL};
	for (const char *const *c = counted; *c && start > 0; c++)
		if (len - start > strlen(*c) && memcmp(f + start, *c, strlen(*c)) == 0)
			return true;
	if (scan_words(s, n, 6) > 5)
		return false;
	for (const char *const *w = words; *w; w++) {
		const char *p = memmem(f, scratch->len, *w, strlen(*w));
		size_t k = strlen(*w);
		if (p && (p == f || !isalnum((unsigned char)p[-1])) &&
		    (p + k == f + scratch->len || !isalnum((unsigned char)p[k])))
			return true;
	}
	return false;
}

bool page_repeats_title(const char *title, size_t title_len, const char *s, size_t n,
			struct buf *scratch)
{
	if (!title_len || n > title_len * 2 + 16 || n * 3 < title_len)
		return false;
	buf_clear(scratch);
	rule_key(title, title_len, scratch);
	size_t t = scratch->len;
	rule_key(s, n, scratch);
	size_t k = scratch->len - t;
	const char *a = scratch->data ? scratch->data : "";
	if (k == 0 || k > t)
		return false;
	return memcmp(a, a + t, k) == 0 && (k == t || (k >= 15 && k * 2 >= t));
}

/* The maximum-sum run of lines in [from, to), with the cost of a run of
 * non-prose lines growing with its length: a caption inside the article
 * costs little, a menu between two teasers a lot. Returns its sum. */
static double best_run(const struct page_line *lines, size_t from, size_t to, size_t *first,
		       size_t *end)
{
	double best = 0, sum = 0;
	size_t start = from, run = 0;
	*first = *end = from;
	for (size_t i = from; i < to; i++) {
		double s = lines[i].score;
		if (s > 0) {
			bool alone = (i == 0 || lines[i - 1].score < 0) &&
				     (i + 1 == to || lines[i + 1].score < 0);
			if (alone)
				s /= 2;
			run = 0;
		} else {
			run++;
			s *= (double)run;
		}
		if (sum <= 0) {
			sum = 0;
			start = i;
		}
		sum += s;
		if (sum > best) {
			best = sum;
			*first = start;
			*end = i + 1;
		}
	}
	return best;
}

bool page_find_article(struct page_line *lines, size_t count, size_t *comments,
		       struct buf *scratch)
{
	for (size_t i = 0; i < count; i++) {
		lines[i].score = line_score(lines[i].s, lines[i].n);
		lines[i].keep = false;
	}
	size_t first, end;
	double best = best_run(lines, 0, count, &first, &end);
	*comments = count;
	if (best <= 0)
		return false;
	for (size_t i = first + 1; i < end; i++)
		if (is_comment_marker(lines[i].s, lines[i].n, scratch)) {
			end = i;
			*comments = i;
			break;
		}
	double upto = 0;
	bool at_title = false;
	for (size_t i = first + 1; i < end; i++) {
		upto += lines[i - 1].score;
		if (lines[i].after_title) {
			at_title = best - upto >= PAGE_AFTER_TITLE;
			if (at_title)
				first = i;
			break;
		}
	}
	for (size_t i = first; i < end; i++)
		lines[i].keep = true;
	/* A box ("Most read", a gallery) can split an article in two: a run
	 * nearly as strong as the best one, close before or after it, is the
	 * rest of the article. The lines between stay out. */
	size_t lo = first, hi = end;
	for (;;) {
		size_t f1 = 0, e1 = 0, f2 = 0, e2 = 0;
		double before = at_title ? 0
			: best_run(lines, lo > PAGE_REACH ? lo - PAGE_REACH : 0, lo, &f1, &e1);
		double after = *comments < count ? 0
			: best_run(lines, hi, hi + PAGE_REACH < count ? hi + PAGE_REACH : count, &f2, &e2);
		if (before >= after && before >= best * PAGE_SHARE) {
			for (size_t i = f1; i < e1; i++)
				lines[i].keep = true;
			lo = f1;
		} else if (after > before && after >= best * PAGE_SHARE) {
			for (size_t i = f2; i < e2; i++)
				lines[i].keep = true;
			hi = e2;
		} else {
			break;
		}
	}
	return true;
}
