#include "jsonl.h"

#include <errno.h>
#include <string.h>

#include "diag.h"

void jsonl_open(struct jsonl *j, char **files, size_t file_count, struct stats *stats,
		struct writer *rejects)
{
	memset(j, 0, sizeof *j);
	j->files = files;
	j->file_count = file_count;
	j->stats = stats;
	j->rejects = rejects;
}

static void close_input(struct jsonl *j)
{
	j->raw_done += reader_raw_offset(j->in);
	reader_close(j->in);
	j->in = NULL;
}

bool jsonl_open_next(struct jsonl *j)
{
	for (;;) {
		if (j->in)
			close_input(j);
		if (j->next_file >= (j->file_count ? j->file_count : 1))
			return false;
		const char *path = j->file_count ? j->files[j->next_file] : "-";
		j->next_file++;
		char err[512];
		j->in = reader_open(path, err, sizeof err);
		j->line = 0;
		if (j->in)
			return true;
		report("%s", err);
		stats_add(j->stats, NULL, "inputs_failed", 1);
		j->had_error = true;
	}
}

static void reject(struct jsonl_sink *k, const char *reason, const char *line, size_t len,
		   bool has_newline)
{
	k->had_error = true;
	stats_add(k->stats, NULL, "rejected", 1);
	stats_add(k->stats, "rejected_reasons", reason, 1);
	if (k->rejects_buf) {
		buf_add(k->rejects_buf, line, len);
		if (has_newline)
			buf_addc(k->rejects_buf, '\n');
	} else if (k->rejects) {
		if (writer_write(k->rejects, line, len) < 0 ||
		    (has_newline && writer_write(k->rejects, "\n", 1) < 0))
			die_write(writer_name(k->rejects), writer_errno(k->rejects));
	}
}

static bool has_string(struct record *r, const char *key)
{
	return record_type(r, key) == JSON_STRING;
}

struct record *jsonl_record(struct record *r, const char *name, uint64_t line_no,
			    const char *line, size_t len, bool has_newline, struct jsonl_sink *k)
{
	stats_add(k->stats, NULL, "records_in", 1);
	struct json_error err;
	if (!record_parse(r, line, len, &err)) {
		if (!has_newline) {
			report_at(name, line_no, "truncated record at the end of the input "
				 "(no newline; %s at byte %zu)", err.message, err.offset + 1);
			reject(k, "truncated", line, len, has_newline);
		} else {
			report_at(name, line_no, "invalid record: %s at byte %zu", err.message,
				 err.offset + 1);
			reject(k, "invalid-json", line, len, has_newline);
		}
		return NULL;
	}
	if (!has_string(r, "id")) {
		report_at(name, line_no, "record has no string \"id\"");
		reject(k, "missing-id", line, len, has_newline);
		return NULL;
	}
	if (!has_string(r, "text")) {
		report_at(name, line_no, "record has no string \"text\"");
		reject(k, "missing-text", line, len, has_newline);
		return NULL;
	}
	return r;
}

/* Whether a line holds only spaces, tabs and CRs (or nothing): JSON
 * Lines readers pass over it. */
static bool is_blank(const char *line, size_t len)
{
	size_t k = 0;
	while (k < len && (line[k] == ' ' || line[k] == '\t' || line[k] == '\r'))
		k++;
	return k == len;
}

int jsonl_line(struct jsonl *j, const char **line, size_t *len, bool *has_newline)
{
	if (!j->in)
		return 0;
	for (;;) {
		int rc = reader_getline(j->in, line, len, has_newline);
		if (rc < 0) {
			report_at(reader_name(j->in), j->line + 1, "read error: %s",
				 reader_error(j->in));
			stats_add(j->stats, NULL, "inputs_failed", 1);
			j->had_error = true;
		}
		if (rc <= 0) {
			close_input(j);
			return 0;
		}
		j->line++;
		j->bytes += *len + *has_newline;
		/* Blank lines separate nothing in JSON Lines; pass over them. */
		if (!is_blank(*line, *len))
			return 1;
	}
}

struct record *jsonl_next(struct jsonl *j)
{
	for (;;) {
		if (!j->in && !jsonl_open_next(j))
			return NULL;
		const char *line;
		size_t len;
		bool has_newline;
		if (!jsonl_line(j, &line, &len, &has_newline))
			continue;
		struct jsonl_sink sink = {j->stats, j->rejects, NULL, false};
		struct record *r = jsonl_record(&j->record, reader_name(j->in), j->line, line, len,
						has_newline, &sink);
		j->had_error |= sink.had_error;
		if (r)
			return r;
	}
}

const char *jsonl_name(const struct jsonl *j)
{
	return j->in ? reader_name(j->in) : "<stdin>";
}

uint64_t jsonl_raw_offset(const struct jsonl *j)
{
	return j->raw_done + (j->in ? reader_raw_offset(j->in) : 0);
}

void jsonl_close(struct jsonl *j)
{
	if (j->in)
		reader_close(j->in);
	record_free(&j->record);
	memset(j, 0, sizeof *j);
}
