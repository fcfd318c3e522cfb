/* nclean's core on any text: no input crashes it, every record it writes
 * parses, and cleaning its output again changes nothing. The first byte
 * picks the mode (full-page detection auto/always/never, template memory
 * on or off); the rest is the text, made valid UTF-8 as the reader would. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clean.h"
#include "json.h"
#include "record.h"
#include "template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The record {"id","title","url","text"} for the text, into out. */
static void make_record(const char *text, size_t n, struct buf *out)
{
	const char *nl = memchr(text, '\n', n);
	size_t title = nl ? (size_t)(nl - text) : n;
	buf_clear(out);
	buf_adds(out, "{\"id\":\"f\",\"url\":\"https://www.a.example/x\",\"title\":");
	json_append_string(out, text, title);
	buf_adds(out, ",\"text\":");
	json_append_string(out, text, n);
	buf_addc(out, '}');
}

/* Cleans the record in line and puts the result in out; aborts if what
 * comes out does not parse. */
static void clean(struct cleaner *c, const struct buf *line, struct buf *out)
{
	static struct record r;
	struct json_error err;
	if (!record_parse(&r, line->data, line->len, &err))
		abort();
	if (!cleaner_record(c, &r, NULL))
		abort(); /* no explain output: nothing can fail to be written */
	buf_clear(out);
	record_serialize(&r, out);
	out->data[--out->len] = '\0'; /* the newline */
	static struct record check;
	if (!record_parse(&check, out->data, out->len, &err))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned mode = data[0];
	struct buf line = {0}, once = {0}, twice = {0};
	make_record((const char *)data + 1, size - 1, &line);

	struct stats stats;
	stats_init(&stats, "fuzz");
	struct cleaner c;
	cleaner_init(&c, &stats, NULL);
	c.full_page = (enum full_page)(mode % 3);
	struct template_memory t;
	bool with_template = mode & 4;
	if (with_template) {
		/* The text counted as often as makes its lines template. */
		template_init(&t, 1024, 2);
		uint64_t site = template_site("a.example", 9);
		for (int i = 0; i < 3; i++) {
			struct buf copy = {0};
			buf_add(&copy, data + 1, size - 1);
			buf_printf(&copy, "\n%d", i); /* copies of one text count once */
			template_add(&t, site, copy.data, copy.len);
			buf_free(&copy);
		}
		c.template = &t;
		c.site = site;
		c.has_site = true;
	}
	clean(&c, &line, &once);
	if (!with_template) {
		/* nclean | nclean gives the output of nclean. */
		clean(&c, &once, &twice);
		if (once.len != twice.len || memcmp(once.data, twice.data, once.len) != 0)
			abort();
	}
	cleaner_finish(&c);
	if (with_template)
		template_free(&t);
	stats_free(&stats);
	buf_free(&line);
	buf_free(&once);
	buf_free(&twice);
	return 0;
}
