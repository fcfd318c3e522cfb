/* ntag's taggers on any text, and its expression parser on any line: no
 * input crashes them, reads out of bounds or makes them loop. The input's
 * first line is parsed as a --keep expression (and, if it parses,
 * evaluated on the tags); the whole input, made valid UTF-8 as every
 * record's text is, goes through every tagger and out as a tags object. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "expr.h"
#include "people.h"
#include "quotes.h"
#include "record.h"
#include "tags.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct people *people;
	if (!people)
		people = people_load(NULL, 0);
	struct buf text = {0}, json = {0};
	utf8_append_sanitized(&text, (const char *)data, size);
	buf_reserve(&text, 1);
	static const char line[] = "{\"id\":\"x\",\"date\":\"2020-10-11\",\"title\":\"A - B\",\"text\":\"\"}";
	struct record r = {0};
	struct json_error err;
	if (!record_parse(&r, line, sizeof line - 1, &err))
		abort();
	struct tags t;
	tags_init(&t, TAGGERS_ALL);
	tag_paragraphs(&t, text.data, text.len);
	tag_quality(&t, text.data, text.len);
	tag_outlet(&t, &r, text.data, text.len);
	tag_people(&t, people, text.data, text.len);
	tag_places(&t, text.data, text.len);
	tag_dates(&t, &r, text.data, text.len);
	tag_quotes(&t, text.data, text.len);
	tags_json(&t, text.data, &json);
	/* the first line as an expression */
	const char *nl = memchr(text.data, '\n', text.len);
	size_t n = nl ? (size_t)(nl - text.data) : text.len;
	char *src = malloc(n + 1);
	memcpy(src, text.data, n);
	src[n] = '\0';
	if (!memchr(src, '\0', n)) {
		char why[512];
		struct expr *e = expr_parse(src, TAGGERS_ALL, why, sizeof why);
		if (e) {
			(void)expr_eval(e, &t);
			expr_free(e);
		} else if (!why[0]) {
			abort(); /* every refusal says why */
		}
	}
	free(src);
	tags_free(&t);
	record_free(&r);
	buf_free(&text);
	buf_free(&json);
	return 0;
}
