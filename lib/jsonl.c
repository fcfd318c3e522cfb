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

/* Opens the next input; false when there is none left. */
static bool next_input(struct jsonl *j)
{
	for (;;) {
		if (j->in) {
			j->raw_done += reader_raw_offset(j->in);
			reader_close(j->in);
			j->in = NULL;
		}
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

static void reject(struct jsonl *j, const char *reason, const char *line, size_t len,
		   bool has_newline)
{
	j->had_error = true;
	stats_add(j->stats, NULL, "rejected", 1);
	stats_add(j->stats, "rejected_reasons", reason, 1);
	if (j->rejects) {
		if (writer_write(j->rejects, line, len) < 0 ||
		    (has_newline && writer_write(j->rejects, "\n", 1) < 0))
			die_write(writer_name(j->rejects), writer_errno(j->rejects));
	}
}

static bool has_string(struct record *r, const char *key)
{
	return record_type(r, key) == JSON_STRING;
}

struct record *jsonl_next(struct jsonl *j)
{
	for (;;) {
		if (!j->in && !next_input(j))
			return NULL;
		const char *line;
		size_t len;
		bool has_newline;
		int rc = reader_getline(j->in, &line, &len, &has_newline);
		if (rc < 0) {
			report_at(reader_name(j->in), j->line + 1, "read error: %s",
				 reader_error(j->in));
			stats_add(j->stats, NULL, "inputs_failed", 1);
			j->had_error = true;
			if (!next_input(j))
				return NULL;
			continue;
		}
		if (rc == 0) {
			if (!next_input(j))
				return NULL;
			continue;
		}
		j->line++;
		j->bytes += len + has_newline;
		/* Blank lines separate nothing in JSON Lines; pass over them. */
		size_t k = 0;
		while (k < len && (line[k] == ' ' || line[k] == '\t' || line[k] == '\r'))
			k++;
		if (k == len)
			continue;
		stats_add(j->stats, NULL, "records_in", 1);
		struct json_error err;
		const char *name = reader_name(j->in);
		if (!record_parse(&j->record, line, len, &err)) {
			if (!has_newline) {
				report_at(name, j->line, "truncated record at the end of the input "
					 "(no newline; %s at byte %zu)", err.message, err.offset + 1);
				reject(j, "truncated", line, len, has_newline);
			} else {
				report_at(name, j->line, "invalid record: %s at byte %zu",
					 err.message, err.offset + 1);
				reject(j, "invalid-json", line, len, has_newline);
			}
			continue;
		}
		if (!has_string(&j->record, "id")) {
			report_at(name, j->line, "record has no string \"id\"");
			reject(j, "missing-id", line, len, has_newline);
			continue;
		}
		if (!has_string(&j->record, "text")) {
			report_at(name, j->line, "record has no string \"text\"");
			reject(j, "missing-text", line, len, has_newline);
			continue;
		}
		return &j->record;
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
