#include "rules.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <utf8proc.h>

#include "buf.h"
#include "utf8.h"

static const char *const names[RULE_COUNT] = {
	"title-repeat", "menu", "ticker", "date-print", "share", "close-button", "cookie",
	"attribution", "template", "foreign-language", "outside-article", "comments",
	"pattern",
};

const char *rule_name(enum rule r)
{
	return names[r];
}

enum rule rule_by_name(const char *name)
{
	for (int r = 0; r < RULE_COUNT; r++)
		if (strcmp(names[r], name) == 0)
			return (enum rule)r;
	return RULE_COUNT;
}

/* Appends s lowercased (simple case mapping) to out; with only_alnum,
 * only its letters and digits: what two lines that differ in punctuation
 * and spacing have in common. */
static void lower(const char *s, size_t n, bool only_alnum, struct buf *out)
{
	buf_reserve(out, n + 4);
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x80) {
			if (!only_alnum || isalnum(c))
				out->data[out->len++] = (char)tolower(c);
			i++;
			continue;
		}
		buf_reserve(out, n - i + 4);
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (!k) {
			i++;
			continue;
		}
		utf8proc_category_t cat = utf8proc_category((utf8proc_int32_t)cp);
		if (!only_alnum || (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
		    cat == UTF8PROC_CATEGORY_ND) {
			char enc[4];
			buf_add(out, enc,
				utf8_encode((uint32_t)utf8proc_tolower((utf8proc_int32_t)cp), enc));
		}
		i += k;
	}
	out->data[out->len] = '\0';
}

static void fold(const char *s, size_t n, struct buf *out)
{
	lower(s, n, false, out);
}

void rule_fold(const char *s, size_t n, struct buf *out)
{
	fold(s, n, out);
}


static void key(const char *s, size_t n, struct buf *out)
{
	lower(s, n, true, out);
}

void rule_key(const char *s, size_t n, struct buf *out)
{
	key(s, n, out);
}

static bool starts_with(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);
	return n >= k && memcmp(s, prefix, k) == 0;
}

static bool contains(const char *s, size_t n, const char *needle)
{
	return memmem(s, n, needle, strlen(needle)) != NULL;
}

static bool contains_any(const char *s, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (contains(s, n, *list))
			return true;
	return false;
}

size_t rule_word_count(const char *s, size_t n)
{
	size_t words = 0;
	bool in = false;
	for (size_t i = 0; i < n; i++) {
		bool space = s[i] == ' ' || s[i] == '\n';
		words += !space && !in;
		in = !space;
	}
	return words;
}

bool rule_title_repeat(const struct rule_context *c, const char *s, size_t n)
{
	if (!c->title || !c->title_len)
		return false;
	/* Lengths far apart cannot be the same title: skip the keys. */
	size_t whole = c->title_len + (c->site ? c->site_len + 8 : 0);
	if (n * 2 < c->title_len || n > whole * 2 + 16)
		return false;
	struct buf line = {0}, title = {0};
	key(s, n, &line);
	key(c->title, c->title_len, &title);
	bool same = line.len && line.len == title.len && memcmp(line.data, title.data, line.len) == 0;
	if (!same && c->site && line.len > title.len && title.len) {
		/* The title with its site suffix: "… – Ahval". */
		key(c->site, c->site_len, &title);
		same = line.len == title.len && memcmp(line.data, title.data, line.len) == 0;
	}
	buf_free(&line);
	buf_free(&title);
	return same;
}

/* Separators of link lists, as UTF-8, with their lengths. */
static const struct {
	const char *bytes;
	size_t len;
} separators[] = {{"\xC2\xBB", 2}, {"\xE2\x80\xA2", 3}, {"|", 1}, {"\xC2\xB7", 2},
		  {"\xE2\x80\xBA", 3}, {"\xE2\x96\xAA", 3}, {"\xE2\x96\xBA", 3}};

bool rule_menu(const char *s, size_t n)
{
	if (starts_with(s, n, "\xC2\xBB") || starts_with(s, n, "\xE2\x80\xBA"))
		return rule_word_count(s, n) <= 15;
	size_t seps = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c != '|' && c != 0xC2 && c != 0xE2)
			continue;
		for (size_t j = 0; j < sizeof separators / sizeof *separators; j++) {
			size_t k = separators[j].len;
			if (n - i >= k && memcmp(s + i, separators[j].bytes, k) == 0) {
				seps++;
				i += k - 1;
				break;
			}
		}
	}
	if (seps < 2)
		return false;
	/* Short segments: a menu, not a sentence with a few bullets. */
	return rule_word_count(s, n) <= 6 * (seps + 1);
}

bool rule_menu_words(const char *s, size_t n)
{
	size_t words = rule_word_count(s, n);
	if (words < 4 || words > 14 || memchr(s, ',', n) || memmem(s, n, ". ", 2) ||
	    memmem(s, n, ": ", 2))
		return false;
	char last = s[n - 1];
	if (strchr(".!?:;\"", last))
		return false;
	/* Table rows ("SEP7 1624 UP 13") and the last line of a dividend
	 * notice ("Record March 13") are no menus. */
	size_t with_digits = 0;
	bool in_digit_word = false;
	for (size_t k = 0; k < n; k++) {
		if (s[k] == ' ')
			in_digit_word = false;
		else if (isdigit((unsigned char)s[k]) && !in_digit_word) {
			with_digits++;
			in_digit_word = true;
		}
	}
	if (with_digits > 0)
		return false;
	size_t capital = 0, i = 0;
	bool at_word = true;
	while (i < n) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (!k)
			return false;
		if (cp == ' ') {
			at_word = true;
		} else if (at_word) {
			at_word = false;
			capital += utf8proc_isupper((utf8proc_int32_t)cp) ||
				   (cp < 0x80 && !isalpha((int)cp));
		}
		i += k;
	}
	/* Title Case, as menus are; all-caps lines are wire copy and table
	 * headers ("OPEN HIGH LOW CLOSE"), and need three real words. */
	size_t alpha_words = 0, lower = 0;
	for (size_t k = 0; k < n; k++) {
		if ((k == 0 || s[k - 1] == ' ') && ((unsigned char)s[k] >= 0x80 || isalpha((unsigned char)s[k])))
			alpha_words++;
		lower += islower((unsigned char)s[k]) != 0;
	}
	return alpha_words >= 3 && lower > 0 && capital * 100 >= words * 85;
}

bool rule_ticker(const char *s, size_t n)
{
	static const char *const heads[] = {"last minute", "breaking news", "breaking",
					    "son dakika", "eilmeldung", "derni\xC3\xA8re minute",
					    "\xC3\xBAltima hora", "ultim'ora", "ultima ora", NULL};
	bool ticker = false;
	struct buf f = {0};
	if (n && strchr("lLbBsSeEdDuU\xC3", s[0]))
		fold(s, n < 64 ? n : 64, &f);
	for (const char *const *h = heads; *h && !ticker; h++) {
		size_t k = strlen(*h);
		if (f.len > k && memcmp(f.data, *h, k) == 0) {
			size_t j = k;
			while (j < f.len && f.data[j] == ' ')
				j++;
			ticker = j < f.len && strchr(":|-", f.data[j]);
		}
	}
	buf_free(&f);
	if (ticker)
		return true;
	size_t bullets = 0;
	for (const char *p = s; (p = memmem(p, n - (size_t)(p - s), "\xE2\x80\xA2", 3)); p += 3)
		bullets++;
	return bullets >= 3 && rule_word_count(s, n) >= 20;
}

/* Share, print and follow words, folded; and words that may go with them. */
static const char *const share_words[] = {
	"share", "print", "email", "e-mail", "tweet", "facebook", "twitter", "whatsapp",
	"linkedin", "pinterest", "reddit", "telegram", "subscribe", "follow", "comment",
	"comments", "homepage", "favorites", "favourites", "archive", "yazd\xC4\xB1r",
	"payla\xC5\x9F", "abone", "takip", "drucken", "teilen", "imprimer", "partager",
	"compartir", "imprimir", "condividi", "stampa", "delen", "afdrukken",
	"\xD0\xBF\xD0\xBE\xD0\xB4\xD0\xB5\xD0\xBB\xD0\xB8\xD1\x82\xD1\x8C\xD1\x81\xD1\x8F",
	"\xD0\xBF\xD0\xB5\xD1\x87\xD0\xB0\xD1\x82\xD1\x8C", "website", "newsletter", NULL};
static const char *const filler_words[] = {"us", "on", "to", "my", "our", "your", "add",
					   "make", "this",
					   "article", "page", "the", "a", "et", "ol", "via",
					   "now", "here", "link", "copy", "save", "mail", "news",
					   "and", "or", "&", NULL};

static bool in_list(const char *w, size_t n, const char *const *list)
{
	for (; *list; list++)
		if (strlen(*list) == n && memcmp(*list, w, n) == 0)
			return true;
	return false;
}

/* Whether every word of folded f is a share word or filler, and at least
 * one a share word. */
static bool all_share_words(const char *f, size_t n, size_t max_words)
{
	size_t i = 0, words = 0, share = 0;
	while (i < n) {
		while (i < n && (f[i] == ' ' || strchr("\xC2\xBB|:,./-()[]", f[i]) != NULL))
			i++;
		size_t start = i;
		while (i < n && f[i] != ' ' && !strchr("|:,/()[]", f[i]))
			i++;
		if (i == start)
			continue;
		if (++words > max_words)
			return false;
		const char *w = f + start;
		size_t wl = i - start;
		while (wl && (w[wl - 1] == '.' || w[wl - 1] == '!'))
			wl--;
		if (in_list(w, wl, share_words))
			share++;
		else if (!in_list(w, wl, filler_words))
			return false;
	}
	return share > 0;
}

bool rule_share(const char *s, size_t n)
{
	if (rule_word_count(s, n) > 8)
		return false;
	struct buf f = {0};
	fold(s, n, &f);
	bool share = all_share_words(f.data, f.len, 8);
	buf_free(&f);
	return share;
}

/* Reads d digits at s[*i]; -1 if there are not that many. */
static int digits(const char *s, size_t n, size_t *i, int d)
{
	int v = 0;
	for (int k = 0; k < d; k++, (*i)++) {
		if (*i >= n || !isdigit((unsigned char)s[*i]))
			return -1;
		v = v * 10 + (s[*i] - '0');
	}
	return v;
}

bool rule_date_print(const char *s, size_t n, char iso[11])
{
	size_t i = 0;
	int day, month, year;
	if (n >= 10 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
	    isdigit((unsigned char)s[2]) && isdigit((unsigned char)s[3]) && s[4] == '-') {
		year = digits(s, n, &i, 4);
		i++;
		month = digits(s, n, &i, 2);
		if (i >= n || s[i] != '-')
			return false;
		i++;
		day = digits(s, n, &i, 2);
	} else {
		day = digits(s, n, &i, 2);
		if (day < 0 || i >= n || !strchr("/.-", s[i]))
			return false;
		char sep = s[i++];
		month = digits(s, n, &i, 2);
		if (month < 0 || i >= n || s[i] != sep)
			return false;
		i++;
		year = digits(s, n, &i, 4);
	}
	if (day < 1 || day > 31 || month < 1 || month > 12 || year < 1900 || year > 2100)
		return false;
	/* An optional time, then nothing but print or share words. */
	while (i < n && s[i] == ' ')
		i++;
	if (i + 5 <= n && isdigit((unsigned char)s[i]) && isdigit((unsigned char)s[i + 1]) &&
	    s[i + 2] == ':') {
		i += 5;
		if (i + 3 <= n && s[i] == ':')
			i += 3;
	}
	if (i < n) {
		struct buf f = {0};
		fold(s + i, n - i, &f);
		bool rest = all_share_words(f.data, f.len, 3);
		buf_free(&f);
		if (!rest)
			return false;
	}
	iso[0] = (char)('0' + year / 1000);
	iso[1] = (char)('0' + year / 100 % 10);
	iso[2] = (char)('0' + year / 10 % 10);
	iso[3] = (char)('0' + year % 10);
	iso[4] = '-';
	iso[5] = (char)('0' + month / 10);
	iso[6] = (char)('0' + month % 10);
	iso[7] = '-';
	iso[8] = (char)('0' + day / 10);
	iso[9] = (char)('0' + day % 10);
	iso[10] = '\0';
	return true;
}

bool rule_close_button(const char *s, size_t n)
{
	static const char *const buttons[] = {
		"x", "\xC3\x97", "\xE2\x9C\x95", "\xE2\x9C\x96", "close", "kapat",
		"schlie\xC3\x9F" "en", "fermer", "cerrar", "chiudi", "fechar", "sluiten",
		"\xD0\xB7\xD0\xB0\xD0\xBA\xD1\x80\xD1\x8B\xD1\x82\xD1\x8C", "ok", "tamam",
		"accept", "kabul et", "akzeptieren", "accepter", "aceptar", "accetta", "aceitar",
		"accepteren", "got it", NULL};
	if (n > 24)
		return false;
	struct buf f = {0};
	fold(s, n, &f);
	while (f.len && strchr(".!", f.data[f.len - 1]))
		f.len--;
	bool button = in_list(f.data ? f.data : "", f.len, buttons);
	buf_free(&f);
	return button;
}

bool rule_cookie(const char *s, size_t n)
{
	static const char *const cookie[] = {
		"cookie", "\xC3\xA7" "erez", "\xD0\xBA\xD1\x83\xD0\xBA\xD0\xB8",
		"\xD9\x83\xD9\x88\xD9\x83\xD9\x8A\xD8\xB2",
		"\xD9\x85\xD9\x84\xD9\x81\xD8\xA7\xD8\xAA \xD8\xAA\xD8\xB9\xD8\xB1\xD9\x8A\xD9\x81",
		NULL};
	static const char *const consent[] = {
		"consent", "accept", "privacy", "policy", "use", "kullan", "izin", "politika",
		"gizlilik", "datenschutz", "zustimm", "einwillig", "akzept", "verwend",
		"consentement", "confidentialit", "utilis", "acept", "consentimiento",
		"privacidad", "utiliz", "accett", "consenso", "aceit", "consentimento",
		"privacidade", "toestemming", "accepteer", "gebruik",
		"\xD1\x81\xD0\xBE\xD0\xB3\xD0\xBB\xD0\xB0",
		"\xD0\xBF\xD0\xBE\xD0\xBB\xD0\xB8\xD1\x82\xD0\xB8\xD0\xBA",
		"\xD9\x85\xD9\x88\xD8\xA7\xD9\x81\xD9\x82", "\xD8\xB3\xD9\x8A\xD8\xA7\xD8\xB3\xD8\xA9",
		NULL};
	struct buf f = {0};
	fold(s, n, &f);
	bool banner = contains_any(f.data ? f.data : "", f.len, cookie) &&
		      contains_any(f.data ? f.data : "", f.len, consent);
	buf_free(&f);
	return banner;
}

bool rule_attribution(const char *s, size_t n)
{
	static const char *const starts[] = {
		"read original article", "read the original", "original article", "read more",
		"source:", "kaynak:", "quelle:", "fuente:", "fonte:", "bron:",
		"\xD0\xB8\xD1\x81\xD1\x82\xD0\xBE\xD1\x87\xD0\xBD\xD0\xB8\xD0\xBA:",
		"\xD8\xA7\xD9\x84\xD9\x85\xD8\xB5\xD8\xAF\xD8\xB1:", "\xC2\xA9", "copyright", NULL};
	static const char *const reserved[] = {
		"all rights reserved", "t\xC3\xBCm haklar\xC4\xB1 sakl\xC4\xB1" "d\xC4\xB1r",
		"alle rechte vorbehalten", "tous droits r\xC3\xA9serv\xC3\xA9s",
		"todos los derechos reservados", "tutti i diritti riservati",
		"todos os direitos reservados", "alle rechten voorbehouden", NULL};
	static const char *const agencies[] = {"(aa)", "(reuters)", "(afp)", "(ap)", "(dpa)",
					       "(iha)", "(dha)", NULL};
	if (rule_word_count(s, n) > 25)
		return false;
	struct buf f = {0};
	fold(s, n, &f);
	const char *p = f.data ? f.data : "";
	bool credit = false;
	for (const char *const *st = starts; *st && !credit; st++)
		credit = starts_with(p, f.len, *st);
	credit = credit || contains_any(p, f.len, reserved) || in_list(p, f.len, agencies);
	buf_free(&f);
	return credit;
}

bool rule_interface_words(const char *s, size_t n)
{
	static const char *const words[] = {
		/* en */ "cookie", "privacy", "subscri", "newsletter", "notification", "download",
		"app store", "google play", "sign up", "sign in", "log in", "login", "register",
		"click", "accept", "agree", "terms of", "advertis",
		/* tr */ "\xC3\xA7" "erez", "gizlilik", "abone", "bildirim", "indir", "giri\xC5\x9F",
		"\xC3\xBC" "ye ol", "kabul", "t\xC4\xB1kla", "reklam",
		/* de */ "datenschutz", "abonn", "anmelden", "registrier", "klicken", "akzept",
		"werbung", "einwillig",
		/* fr */ "confidentialit", "connexion", "inscri", "cliqu", "publicit",
		/* es */ "privacidad", "suscrib", "reg\xC3\xADstr", "inicia sesi", "haz clic", "acept",
		/* it */ "iscriv", "accedi", "clicca", "accett", "pubblicit",
		/* pt */ "privacidade", "assin", "inscrev", "clique", "aceit",
		/* nl */ "inloggen", "klik", "accepteer", "advertentie",
		/* pl */ "prywatno", "subskryb", "zaloguj", "kliknij", "akceptuj",
		/* ru */ "\xD0\xBF\xD0\xBE\xD0\xB4\xD0\xBF\xD0\xB8\xD1\x81", /* подпис */
		"\xD0\xBA\xD0\xBE\xD0\xBD\xD1\x84\xD0\xB8\xD0\xB4\xD0\xB5\xD0\xBD", /* конфиден */
		"\xD0\xB2\xD0\xBE\xD0\xB9\xD1\x82\xD0\xB8", /* войти */
		"\xD1\x80\xD0\xB5\xD0\xBA\xD0\xBB\xD0\xB0\xD0\xBC", /* реклам */
		/* ar */ "\xD8\xA7\xD8\xB4\xD8\xAA\xD8\xB1\xD9\x83", /* اشترك */
		"\xD8\xA7\xD9\x84\xD8\xAE\xD8\xB5\xD9\x88\xD8\xB5\xD9\x8A\xD8\xA9", /* الخصوصية */
		"\xD8\xA5\xD8\xB9\xD9\x84\xD8\xA7\xD9\x86", /* إعلان */
		/* anywhere */ "\xC2\xA9", NULL};
	/* One pass over the text: at the start of each word, compare the
	 * words of the list that start with its byte. */
	enum { WORDS = sizeof words / sizeof *words - 1 };
	static unsigned char bucket_start[257];
	static unsigned char order[WORDS];
	static size_t lens[WORDS];
	static bool ready;
	if (!ready) {
		size_t k = 0;
		for (int b = 0; b < 256; b++) {
			bucket_start[b] = (unsigned char)k;
			for (size_t w = 0; w < WORDS; w++)
				if ((unsigned char)words[w][0] == b)
					order[k++] = (unsigned char)w;
		}
		bucket_start[256] = (unsigned char)k;
		for (size_t w = 0; w < WORDS; w++)
			lens[w] = strlen(words[w]);
		ready = true;
	}
	struct buf f = {0};
	fold(s, n, &f);
	const unsigned char *p = (const unsigned char *)(f.data ? f.data : "");
	bool found = false;
	for (size_t i = 0; i < f.len && !found; i++) {
		if (i > 0 && (isalnum(p[i - 1]) || p[i - 1] >= 0x80))
			continue; /* not the start of a word */
		for (size_t k = bucket_start[p[i]]; k < bucket_start[p[i] + 1] && !found; k++) {
			size_t w = order[k];
			found = lens[w] <= f.len - i && memcmp(p + i, words[w], lens[w]) == 0;
		}
	}
	buf_free(&f);
	return found;
}

size_t rule_split_title(const char *title, size_t n, const char *text, size_t text_len,
			const char *url, const char *source, const char **site, size_t *site_len)
{
	static const char *const seps[] = {" \xE2\x80\x93 ", " \xE2\x80\x94 ", " | ", " - ",
					   " :: ", NULL};
	const char *best = NULL;
	size_t best_len = 0;
	bool strong = false;
	for (const char *const *sep = seps; *sep; sep++) {
		size_t k = strlen(*sep);
		for (const char *p = title; (p = memmem(p, n - (size_t)(p - title), *sep, k)); p += k)
			if (!best || p > best) {
				best = p;
				best_len = k;
				strong = strcmp(*sep, " | ") == 0;
			}
	}
	if (!best)
		return n;
	const char *suffix = best + best_len;
	size_t suffix_len = n - (size_t)(suffix - title);
	size_t prefix_len = (size_t)(best - title);
	if (!suffix_len || suffix_len > 40 || rule_word_count(suffix, suffix_len) > 4 ||
	    rule_word_count(title, prefix_len) < 3)
		return n;
	uint32_t first;
	if (!utf8_decode(suffix, suffix_len, &first) ||
	    !(utf8proc_isupper((utf8proc_int32_t)first) || (first < 0x80 && isdigit((int)first))))
		return n;
	/* Confident when the site is named elsewhere in the record too, or the
	 * separator is a bar, which sites use and headlines do not (dashes are
	 * common in headlines: "Turkey – Armenia talks stall"). */
	struct buf k = {0}, hay = {0};
	key(suffix, suffix_len, &k);
	bool seen = false;
	/* In the text, only a credit line counts ("Source: … | Ahval"): a word
	 * of the suffix may stand anywhere in an article. */
	for (size_t i = 0; i < text_len && !seen && k.len;) {
		const char *nl = memchr(text + i, '\n', text_len - i);
		size_t e = nl ? (size_t)(nl - text) : text_len;
		if (e > i && rule_attribution(text + i, e - i)) {
			buf_clear(&hay);
			key(text + i, e - i, &hay);
			seen = memmem(hay.data ? hay.data : "", hay.len, k.data, k.len) != NULL;
		}
		i = e + 1;
	}
	for (const char *other = url; !seen && other; other = other == url ? source : NULL) {
		buf_clear(&hay);
		key(other, strlen(other), &hay);
		seen = k.len && memmem(hay.data ? hay.data : "", hay.len, k.data, k.len);
	}
	buf_free(&k);
	buf_free(&hay);
	if (!seen && !strong)
		return n;
	*site = suffix;
	*site_len = suffix_len;
	return prefix_len;
}
