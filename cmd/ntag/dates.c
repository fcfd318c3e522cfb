#include "dates.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gazetteer.h"
#include "tags.h"

/* Month and weekday names, folded as fold_text folds them: a value is
 * 1..12 for a month, 101..107 for Monday..Sunday, 201 for "yesterday",
 * 202 for "today". */
static const struct {
	const char *name;
	uint32_t value;
} words[] = {
	{"january", 1}, {"jan", 1}, {"february", 2}, {"feb", 2}, {"march", 3}, {"mar", 3},
	{"april", 4}, {"apr", 4}, {"may", 5}, {"june", 6}, {"jun", 6}, {"july", 7},
	{"jul", 7}, {"august", 8}, {"aug", 8}, {"september", 9}, {"sept", 9}, {"sep", 9},
	{"october", 10}, {"oct", 10}, {"november", 11}, {"nov", 11}, {"december", 12},
	{"dec", 12},
	/* Turkish */
	{"ocak", 1}, {"subat", 2}, {"mart", 3}, {"nisan", 4}, {"mayis", 5}, {"haziran", 6},
	{"temmuz", 7}, {"agustos", 8}, {"eylul", 9}, {"ekim", 10}, {"kasim", 11}, {"aralik", 12},
	/* German (März folds to marz) */
	{"januar", 1}, {"februar", 2}, {"marz", 3}, {"mai", 5}, {"juni", 6}, {"juli", 7},
	{"oktober", 10}, {"dezember", 12},
	/* weekdays */
	{"monday", 101}, {"tuesday", 102}, {"wednesday", 103}, {"thursday", 104},
	{"friday", 105}, {"saturday", 106}, {"sunday", 107},
	{"pazartesi", 101}, {"sali", 102}, {"carsamba", 103}, {"persembe", 104}, {"cuma", 105},
	{"cumartesi", 106}, {"pazar", 107},
	{"montag", 101}, {"dienstag", 102}, {"mittwoch", 103}, {"donnerstag", 104},
	{"freitag", 105}, {"samstag", 106}, {"sonntag", 107},
};

static const struct {
	const char *name;
	uint32_t value;
} relative[] = {
	{"yesterday", 201}, {"today", 202}, {"dun", 201}, {"bugun", 202}, {"gestern", 201},
	{"heute", 202},
};

static struct gazetteer *names, *relatives;
static pthread_once_t names_once = PTHREAD_ONCE_INIT;

static void names_init(void)
{
	names = gazetteer_new();
	relatives = gazetteer_new();
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		gazetteer_add(names, words[i].name, strlen(words[i].name), words[i].value);
	for (size_t i = 0; i < sizeof relative / sizeof *relative; i++)
		gazetteer_add(relatives, relative[i].name, strlen(relative[i].name), relative[i].value);
	gazetteer_prepare(names);
	gazetteer_prepare(relatives);
}

/* ---- calendar ------------------------------------------------------------ */

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in(int y, int m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* Days since 1970-01-01 (proleptic Gregorian), and back. */
static long days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* ---- the record's date -------------------------------------------------- */

/* The record's date, YYYY-MM-DD at the start of its `date`. */
static bool record_day(struct record *r, int *y, int *m, int *d)
{
	const char *s;
	size_t n;
	if (!record_get_string(r, "date", &s, &n) || n < 10)
		return false;
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return false;
	*y = atoi(s);
	*m = (s[5] - '0') * 10 + s[6] - '0';
	*d = (s[8] - '0') * 10 + s[9] - '0';
	return *m >= 1 && *m <= 12 && *d >= 1 && *d <= days_in(*y, *m);
}

/* ---- finding ------------------------------------------------------------- */

struct dates_ctx {
	struct tags *t;
	bool has_day;
	int y, m, d; /* the record's date */
};

/* Reads a number of 1 to max_digits digits at s[*i], and an ordinal's
 * suffix after it (5th); -1 when there is none, when there are more
 * digits, or when letters run on after it. */
static int number_at(const char *s, size_t n, size_t *i, int max_digits)
{
	size_t j = *i;
	int v = 0, k = 0;
	while (j < n && s[j] >= '0' && s[j] <= '9') {
		if (++k > max_digits)
			return -1;
		v = v * 10 + (s[j] - '0');
		j++;
	}
	if (!k)
		return -1;
	if (j + 1 < n && (memcmp(s + j, "st", 2) == 0 || memcmp(s + j, "nd", 2) == 0 ||
			  memcmp(s + j, "rd", 2) == 0 || memcmp(s + j, "th", 2) == 0) &&
	    !(j + 2 < n && fold_is_word_byte((unsigned char)s[j + 2])))
		j += 2;
	else if (j < n && fold_is_word_byte((unsigned char)s[j]))
		return -1;
	*i = j;
	return v;
}

/* The year a day of the month without one falls in: the record's, or the
 * one before when that would put it more than six months after the
 * record (a story of January on events of December). */
static int guess_year(const struct dates_ctx *c, int m, int d)
{
	long day = days_from_civil(c->y, m, d), ref = days_from_civil(c->y, c->m, c->d);
	return day - ref > 183 ? c->y - 1 : c->y;
}

static void emit(struct dates_ctx *c, int y, int m, int d, size_t fs, size_t fe)
{
	const struct fold *f = &c->t->fold;
	char iso[16];
	if (m < 1 || m > 12)
		return;
	if (d && y && (d > days_in(y, m)))
		return;
	if (d && !y && d > days_in(2000, m))
		return;
	if (y && d)
		snprintf(iso, sizeof iso, "%04d-%02d-%02d", y, m, d);
	else if (y)
		snprintf(iso, sizeof iso, "%04d-%02d", y, m);
	else if (c->has_day)
		snprintf(iso, sizeof iso, "%04d-%02d-%02d", guess_year(c, m, d), m, d);
	else
		snprintf(iso, sizeof iso, "--%02d-%02d", m, d);
	span_groups_add(&c->t->dates, iso, f->from[fs], f->from[fe]);
}

static void found_name(void *ctx, const struct gazetteer_match *m)
{
	struct dates_ctx *c = ctx;
	const struct fold *f = &c->t->fold;
	const char *s = f->text.data;
	size_t n = f->text.len;
	uint32_t v = m->first;
	if (v > 100) { /* a weekday: the last one on or before the record's date */
		if (!c->has_day)
			return;
		long ref = days_from_civil(c->y, c->m, c->d);
		long dow = ((ref % 7) + 7 + 3) % 7; /* 1970-01-01 was a Thursday: 0 Monday */
		long back = (dow - (long)(v - 101) + 7) % 7;
		int y, mo, d;
		civil_from_days(ref - back, &y, &mo, &d);
		emit(c, y, mo, d, m->start, m->end);
		return;
	}
	int month = (int)v;
	size_t after = m->end;
	if (after < n && s[after] == '.')
		after++;
	/* Month D[, YYYY] */
	size_t i = after;
	if (i < n && s[i] == ' ') {
		i++;
		int d = number_at(s, n, &i, 2);
		if (d >= 1 && d <= 31) {
			size_t end = i, j = i;
			int y = 0;
			if (j + 1 < n && s[j] == ',' && s[j + 1] == ' ')
				j += 2;
			else if (j < n && s[j] == ' ')
				j++;
			else
				j = SIZE_MAX;
			if (j != SIZE_MAX) {
				size_t k = j;
				int yy = number_at(s, n, &k, 4);
				if (yy >= 1000 && k - j == 4) {
					y = yy;
					end = k;
				}
			}
			emit(c, y, month, d, m->start, end);
			return;
		}
	}
	/* D[.] Month [YYYY] */
	size_t b = m->start;
	if (b >= 2 && s[b - 1] == ' ') {
		size_t k = b - 1; /* 1 or more */
		if (s[k - 1] == '.')
			k--;
		size_t e = k;
		while (k > 0 && s[k - 1] >= '0' && s[k - 1] <= '9' && e - k < 3)
			k--;
		if (k < e && e - k <= 2 && (k == 0 || !fold_is_word_byte((unsigned char)s[k - 1]))) {
			size_t p = k;
			int d = number_at(s, n, &p, 2);
			if (d >= 1 && d <= 31) {
				size_t end = m->end, j = m->end;
				int y = 0;
				if (j < n && s[j] == ' ') {
					size_t q = j + 1;
					int yy = number_at(s, n, &q, 4);
					if (yy >= 1000 && q - j - 1 == 4) {
						y = yy;
						end = q;
					}
				}
				emit(c, y, month, d, k, end);
				return;
			}
		}
	}
	/* Month YYYY */
	i = after;
	if (i < n && s[i] == ' ') {
		i++;
		size_t j = i;
		int y = number_at(s, n, &j, 4);
		if (y >= 1000 && j - i == 4)
			emit(c, y, month, 0, m->start, j);
	}
}

static void found_relative(void *ctx, const struct gazetteer_match *m)
{
	struct dates_ctx *c = ctx;
	if (!c->has_day)
		return;
	long day = days_from_civil(c->y, c->m, c->d) - (m->first == 201 ? 1 : 0);
	int y, mo, d;
	civil_from_days(day, &y, &mo, &d);
	emit(c, y, mo, d, m->start, m->end);
}

/* 27/12/2021, 27.12.2021 (day first), 2021-12-27. */
static void numeric_dates(struct dates_ctx *c)
{
	const struct fold *f = &c->t->fold;
	const char *s = f->text.data;
	size_t n = f->text.len;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' || (i > 0 && (fold_is_word_byte((unsigned char)s[i - 1]) ||
							   s[i - 1] == '.' || s[i - 1] == '/' ||
							   s[i - 1] == '-')))
			continue;
		size_t j = i;
		int a = number_at(s, n, &j, 4);
		if (a < 0) {
			while (i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9')
				i++;
			continue;
		}
		size_t la = j - i;
		if (j >= n || (s[j] != '/' && s[j] != '.' && s[j] != '-')) {
			i = j - 1;
			continue;
		}
		char sep = s[j];
		size_t k = j + 1;
		int b = number_at(s, n, &k, 2);
		if (b < 0 || k >= n || s[k] != sep) {
			i = j - 1;
			continue;
		}
		size_t l = k + 1;
		int cc = number_at(s, n, &l, 4);
		size_t lc = l - k - 1;
		/* nothing after that reads on as a number */
		if (cc < 0 || (l < n && (s[l] == sep || s[l] == '/' ) && l + 1 < n && s[l + 1] >= '0' &&
			       s[l + 1] <= '9')) {
			i = l - 1;
			continue;
		}
		if (sep == '-' && la == 4 && lc == 2)
			emit(c, a, b, cc, i, l);
		else if (sep != '-' && la <= 2 && lc == 4 && cc >= 1000)
			emit(c, cc, b, a, i, l);
		i = l - 1;
	}
}

void tag_dates(struct tags *t, struct record *r, const char *text, size_t n)
{
	pthread_once(&names_once, names_init);
	span_groups_clear(&t->dates);
	tags_capitals(t, text, n);
	struct dates_ctx c = {.t = t};
	c.has_day = record_day(r, &c.y, &c.m, &c.d);
	gazetteer_match_listed(names, &t->fold, &t->capitals, found_name, &c);
	gazetteer_match(relatives, &t->fold, found_relative, &c);
	numeric_dates(&c);
	/* three passes found them: mentions in text order, dates by the first */
	span_groups_sort(&t->dates);
}
