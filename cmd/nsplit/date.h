#ifndef NSPLIT_DATE_H
#define NSPLIT_DATE_H

#include <stdbool.h>
#include <stddef.h>

/* Dates as archives write them, normalised to ISO 8601. Each returns false
 * (out untouched) when the input is not a valid date of that form. */

/* RFC 2822 / RFC 1036 mail and HTTP dates: "Mon, 05 Apr 93 18:01:16 GMT",
 * "5 Apr 1993 18:01:16 -0500" → "1993-04-05T18:01:16Z" / "…-05:00". */
bool date_from_rfc2822(const char *s, size_t n, char out[40]);
/* Reuters-21578: "26-FEB-1987 15:01:01.79" → "1987-02-26T15:01:01.79". */
bool date_from_reuters(const char *s, size_t n, char out[40]);
/* An ISO 8601 date or date-time as WARC-Date has it ("2020-08-08T16:54:17Z"),
 * checked field by field and copied. */
bool date_from_iso(const char *s, size_t n, char out[40]);

#endif
