#ifndef NTAG_DATES_H
#define NTAG_DATES_H

#include <stddef.h>

#include "record.h"

struct tags;

/* Dates in the text, as ISO 8601: "Sept. 27, 2020", "27 Eylül 2020",
 * "5. Oktober 2020", "Oct. 5" and weekdays ("on Saturday") and
 * "yesterday" relative to the record's date, "27/12/2021" (day first),
 * "2021-12-27", "September 2020" (a month). A day without a year, and no
 * record date to give it one, is "--10-05". */
void tag_dates(struct tags *t, struct record *r, const char *text, size_t n);

#endif
