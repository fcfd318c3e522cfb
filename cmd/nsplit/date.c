#include "date.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun",
				     "jul", "aug", "sep", "oct", "nov", "dec"};

static int month_number(const char *s, size_t n)
{
	if (n < 3)
		return 0;
	for (int i = 0; i < 12; i++)
		if (strncasecmp(s, months[i], 3) == 0)
			return i + 1;
	return 0;
}

static bool valid_day(int year, int month, int day)
{
	static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (month < 1 || month > 12 || day < 1 || day > days[month - 1])
		return false;
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return !(month == 2 && day == 29 && !leap);
}

/* Reads a run of digits (at most max) at *i; -1 if there is none. */
static long digits(const char *s, size_t n, size_t *i, int max)
{
	long v = 0;
	int k = 0;
	while (*i < n && k < max && isdigit((unsigned char)s[*i])) {
		v = v * 10 + (s[*i] - '0');
		(*i)++;
		k++;
	}
	return k ? v : -1;
}

static void skip_spaces(const char *s, size_t n, size_t *i)
{
	while (*i < n && (s[*i] == ' ' || s[*i] == '\t' || s[*i] == ','))
		(*i)++;
}

static bool read_time(const char *s, size_t n, size_t *i, int *h, int *m, int *sec)
{
	*h = (int)digits(s, n, i, 2);
	if (*h < 0 || *i >= n || s[*i] != ':')
		return false;
	(*i)++;
	*m = (int)digits(s, n, i, 2);
	if (*m < 0)
		return false;
	*sec = 0;
	if (*i < n && s[*i] == ':') {
		(*i)++;
		*sec = (int)digits(s, n, i, 2);
		if (*sec < 0)
			return false;
	}
	return *h < 24 && *m < 60 && *sec <= 60;
}

bool date_from_rfc2822(const char *s, size_t n, char out[40])
{
	size_t i = 0;
	skip_spaces(s, n, &i);
	/* An optional weekday: letters followed by a comma or space. */
	if (i < n && isalpha((unsigned char)s[i])) {
		while (i < n && isalpha((unsigned char)s[i]))
			i++;
		skip_spaces(s, n, &i);
	}
	long day = digits(s, n, &i, 2);
	skip_spaces(s, n, &i);
	if (i < n && s[i] == '-')
		i++;
	int month = month_number(s + i, n - i);
	if (day < 0 || !month)
		return false;
	while (i < n && isalpha((unsigned char)s[i]))
		i++;
	if (i < n && s[i] == '-')
		i++;
	skip_spaces(s, n, &i);
	size_t year_start = i;
	long year = digits(s, n, &i, 4);
	if (year < 0)
		return false;
	if (i - year_start == 2)
		year += year < 50 ? 2000 : 1900; /* RFC 2822 §4.3 */
	skip_spaces(s, n, &i);
	int h, m, sec;
	if (!read_time(s, n, &i, &h, &m, &sec) || !valid_day((int)year, month, (int)day))
		return false;
	skip_spaces(s, n, &i);
	char zone[8] = "";
	if (i < n && (s[i] == '+' || s[i] == '-')) {
		size_t z = i + 1;
		long off = digits(s, n, &z, 4);
		if (off < 0 || z - i != 5 || off % 100 >= 60)
			return false;
		snprintf(zone, sizeof zone, "%c%02u:%02u", s[i], (unsigned char)(off / 100),
			 (unsigned char)(off % 100));
		if (off == 0)
			strcpy(zone, "Z");
	} else if (i + 2 <= n && (strncasecmp(s + i, "GMT", 3) == 0 ||
				  strncasecmp(s + i, "UT", 2) == 0 || s[i] == 'Z')) {
		strcpy(zone, "Z");
	} else if (i + 3 <= n) {
		/* The North American zones RFC 2822 §4.3 names; others (military
		 * letters, local names) say nothing reliable and are left out. */
		static const struct {
			const char *name;
			const char *offset;
		} zones[] = {{"EST", "-05:00"}, {"EDT", "-04:00"}, {"CST", "-06:00"},
			     {"CDT", "-05:00"}, {"MST", "-07:00"}, {"MDT", "-06:00"},
			     {"PST", "-08:00"}, {"PDT", "-07:00"}};
		for (size_t k = 0; k < sizeof zones / sizeof *zones; k++)
			if (strncasecmp(s + i, zones[k].name, 3) == 0 &&
			    (i + 3 == n || !isalpha((unsigned char)s[i + 3])))
				strcpy(zone, zones[k].offset);
	}
	snprintf(out, 40, "%04u-%02u-%02uT%02u:%02u:%02u%s", (unsigned short)year,
		 (unsigned char)month, (unsigned char)day, (unsigned char)h, (unsigned char)m,
		 (unsigned char)sec, zone);
	return true;
}

bool date_from_reuters(const char *s, size_t n, char out[40])
{
	size_t i = 0;
	skip_spaces(s, n, &i);
	long day = digits(s, n, &i, 2);
	if (day < 0 || i >= n || s[i] != '-')
		return false;
	i++;
	int month = month_number(s + i, n - i);
	if (!month)
		return false;
	i += 3;
	if (i >= n || s[i] != '-')
		return false;
	i++;
	long year = digits(s, n, &i, 4);
	skip_spaces(s, n, &i);
	int h, m, sec;
	if (year < 0 || !read_time(s, n, &i, &h, &m, &sec) ||
	    !valid_day((int)year, month, (int)day))
		return false;
	long hundredths = -1;
	if (i < n && s[i] == '.') {
		i++;
		hundredths = digits(s, n, &i, 2);
	}
	if (hundredths >= 0)
		snprintf(out, 40, "%04u-%02u-%02uT%02u:%02u:%02u.%02u", (unsigned short)year,
			 (unsigned char)month, (unsigned char)day, (unsigned char)h,
			 (unsigned char)m, (unsigned char)sec, (unsigned char)hundredths);
	else
		snprintf(out, 40, "%04u-%02u-%02uT%02u:%02u:%02u", (unsigned short)year,
			 (unsigned char)month, (unsigned char)day, (unsigned char)h,
			 (unsigned char)m, (unsigned char)sec);
	return true;
}

bool date_from_iso(const char *s, size_t n, char out[40])
{
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\r'))
		n--;
	size_t i = 0;
	long year = digits(s, n, &i, 4);
	if (year < 0 || i != 4 || i >= n || s[i] != '-')
		return false;
	i++;
	size_t mark = i;
	long month = digits(s, n, &i, 2);
	if (month < 0 || i - mark != 2 || i >= n || s[i] != '-')
		return false;
	i++;
	mark = i;
	long day = digits(s, n, &i, 2);
	if (day < 0 || i - mark != 2 || !valid_day((int)year, (int)month, (int)day))
		return false;
	if (i < n) {
		if (s[i] != 'T' && s[i] != ' ')
			return false;
		i++;
		int h, m, sec;
		if (!read_time(s, n, &i, &h, &m, &sec))
			return false;
		if (i < n && s[i] == '.') {
			i++;
			if (digits(s, n, &i, 9) < 0)
				return false;
		}
		if (i < n && s[i] == 'Z') {
			i++;
		} else if (i < n && (s[i] == '+' || s[i] == '-')) {
			i++;
			mark = i;
			if (digits(s, n, &i, 2) < 0 || i - mark != 2)
				return false;
			if (i < n && s[i] == ':')
				i++;
			mark = i;
			if (digits(s, n, &i, 2) < 0 || i - mark != 2)
				return false;
		}
	}
	if (i != n || n >= 40)
		return false;
	memcpy(out, s, n);
	out[n] = '\0';
	if (n > 10 && out[10] == ' ')
		out[10] = 'T';
	return true;
}
