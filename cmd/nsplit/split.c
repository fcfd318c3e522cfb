#include "split.h"

#include <archive.h>
#include <archive_entry.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "article.h"
#include "charset.h"
#include "cli.h"
#include "date.h"
#include "decoder.h"
#include "diag.h"
#include "json.h"
#include "reader.h"
#include "status.h"
#include "stream.h"
#include "utf8.h"
#include "warc.h"

enum { BLOCK = 64 * 1024, SNIFF = 64 * 1024 };

/* Helpers. */

/* The record id: 20 hex digits of XXH3-128 over the input name, member
 * path and sub-record key, and the repeat counts when either is not 0. */
static void make_id(char out[21], const char *input, uint64_t input_occurrence,
		   const char *member, const char *sub, uint64_t occurrence)
{
	/* One buffer and one hash call: this runs once per record. */
	char stack[512];
	size_t a = strlen(input) + 1, b = strlen(member ? member : "") + 1, c = strlen(sub) + 1;
	size_t n = a + b + c + (input_occurrence || occurrence ? 16 : 0);
	char *key = n <= sizeof stack ? stack : xmalloc(n);
	memcpy(key, input, a);
	memcpy(key + a, member ? member : "", b);
	memcpy(key + a + b, sub, c);
	/* Repeat counts change the id only when there is a repeat, so that the
	 * ids of ordinary runs do not depend on them. */
	if (input_occurrence || occurrence) {
		/* Little-endian whatever the machine, so that ids are too. */
		for (int i = 0; i < 8; i++) {
			key[a + b + c + i] = (char)(input_occurrence >> (8 * i));
			key[a + b + c + 8 + i] = (char)(occurrence >> (8 * i));
		}
	}
	XXH128_hash_t h = XXH3_128bits(key, n);
	if (key != stack)
		free(key);
	static const char hex[] = "0123456789abcdef";
	for (int i = 0; i < 16; i++)
		out[i] = hex[(h.high64 >> (60 - 4 * i)) & 15];
	for (int i = 0; i < 4; i++)
		out[16 + i] = hex[(h.low64 >> (60 - 4 * i)) & 15];
	out[20] = '\0';
}

/* Whether a member path passes the --include and --exclude patterns. */
static bool is_name_wanted(const struct split_options *opt, const char *path)
{
	for (size_t i = 0; i < opt->exclude_count; i++)
		if (fnmatch(opt->excludes[i], path, 0) == 0)
			return false;
	if (!opt->include_count)
		return true;
	for (size_t i = 0; i < opt->include_count; i++)
		if (fnmatch(opt->includes[i], path, 0) == 0)
			return true;
	return false;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

/* The name of the unit for messages: "input: member" or "input". */
static const char *where(struct split *s, const char *sub)
{
	buf_clear(&s->scratch);
	buf_adds(&s->scratch, s->input);
	if (s->member) {
		buf_adds(&s->scratch, ": ");
		buf_adds(&s->scratch, s->member);
	}
	if (sub && *sub)
		buf_printf(&s->scratch, "#%s", sub);
	return s->scratch.data;
}

static void skip(struct split *s, const char *sub, const char *reason)
{
	stats_add(&s->stats, NULL, "skipped", 1);
	stats_add(&s->stats, "skipped_reasons", reason, 1);
	if (s->opt.is_verbose)
		warn("%s: skipped: %s", where(s, sub), reason);
}

static void fail_unit(struct split *s, const char *what)
{
	report("%s: %s", where(s, NULL), what);
	stats_add(&s->stats, NULL, "errors", 1);
	s->had_error = true;
}

static void show_progress(struct split *s)
{
	uint64_t done = s->raw_done + (s->reader ? reader_raw_offset(s->reader) : 0);
	progress_update(&s->progress, s->records, done, done, s->raw_total);
}

/* Writing records. */

/* Field values come from decode(), so they are valid UTF-8; keys are ours. */
static void add_field(struct buf *line, const char *key, const char *v, size_t n, bool is_json)
{
	buf_addc(line, ',');
	json_append_utf8(line, key, strlen(key));
	buf_addc(line, ':');
	if (is_json)
		buf_add(line, v, n);
	else
		json_append_utf8(line, v, n);
}

static void emit(void *ctx, const struct article *a)
{
	struct split *s = ctx;
	/* The same member (or sub-record) twice in one input, as tar allows,
	 * still gets an id of its own. */
	XXH64_hash_t key = XXH3_64bits_withSeed(s->member ? s->member : "",
						strlen(s->member ? s->member : ""),
						XXH3_64bits(a->sub, strlen(a->sub)));
	uint64_t occurrence = 0;
	while (!idset_add(&s->units_seen, key + occurrence * 0x9E3779B97F4A7C15ull))
		occurrence++;
	char id[21];
	make_id(id, s->input, s->input_occurrence, s->member, a->sub, occurrence);

	buf_clear(&s->source);
	buf_adds(&s->source, s->input);
	if (s->member) {
		buf_addc(&s->source, ':');
		buf_adds(&s->source, s->member);
	}
	if (a->sub[0])
		buf_printf(&s->source, "#%s", a->sub);

	struct buf *line = &s->line;
	buf_clear(line);
	buf_adds(line, "{\"id\":\"");
	buf_adds(line, id);
	buf_addc(line, '"');
	/* Names from the file system or an archive may be in any encoding. */
	buf_adds(line, ",\"source\":");
	json_append_string(line, s->source.data, s->source.len);
	for (size_t i = 0; i < a->count; i++)
		add_field(line, a->fields[i].key, a->fields[i].value, a->fields[i].len,
			  a->fields[i].is_json);
	buf_adds(line, "}\n");

	size_t shard = s->out_count > 1 ? (size_t)(XXH3_64bits(id, 20) % s->out_count) : 0;
	cli_write(s->outs[shard], line->data, line->len);
	s->records++;
}

static void skip_cb(void *ctx, const char *sub, const char *reason)
{
	skip(ctx, sub, reason);
}

/* Decodes to UTF-8 into s->decoded, counting conversions. */
static const char *decode(void *ctx, const char *p, size_t n, const char *declared,
			  size_t *out_len)
{
	struct split *s = ctx;
	const unsigned char *u = (const unsigned char *)p;
	bool is_utf16 = n >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF));
	if (!is_utf16) {
		/* Valid UTF-8, the common case, is used where it lies (less a BOM);
		 * the caller owns those bytes and may edit them in place. */
		size_t bom = n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
		if (utf8_is_valid(p + bom, n - bom)) {
			*out_len = n - bom;
			return p + bom;
		}
	}
	size_t replaced;
	buf_clear(&s->decoded);
	const char *used = charset_to_utf8(p, n, declared, &s->decoded, &replaced);
	if (strcmp(used, "utf-8") != 0)
		stats_add(&s->stats, "converted_from", used, 1);
	if (replaced) {
		stats_add(&s->stats, NULL, "invalid_bytes_replaced", replaced);
		if (s->opt.is_verbose)
			warn("%s: %zu invalid UTF-8 bytes replaced by U+FFFD", where(s, NULL),
			     replaced);
	}
	*out_len = s->decoded.len;
	return s->decoded.data ? s->decoded.data : "";
}

/* One unit of content. */

/* Binary content: a NUL byte (outside UTF-16 text) or a known binary magic. */
static bool is_binary(const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;
	if (n >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
		return false;
	static const struct {
		const char *magic;
		size_t len;
	} magics[] = {{"%PDF-", 5}, {"\x89PNG", 4}, {"\xFF\xD8\xFF", 3}, {"GIF8", 4},
		      {"PK\x03\x04", 4}, {"\x7F" "ELF", 4}, {"RIFF", 4}, {"OggS", 4}};
	for (size_t i = 0; i < sizeof magics / sizeof *magics; i++)
		if (n >= magics[i].len && memcmp(p, magics[i].magic, magics[i].len) == 0)
			return true;
	if (decoder_sniff(u, n) != DECODER_NONE)
		return true;
	return memchr(p, '\0', n < 8192 ? n : 8192) != NULL;
}

static void process_content(struct split *s, const char *p, size_t n, enum split_format format)
{
	struct article_sink sink = {decode, emit, skip_cb, s};
	if (format == FORMAT_MAIL || format == FORMAT_REUTERS) {
		size_t records = format == FORMAT_MAIL ? article_mail(p, n, &sink)
						       : article_reuters(p, n, &sink);
		if (records)
			stats_add(&s->stats, "formats", format == FORMAT_MAIL ? "mail" : "reuters",
				  records);
		return;
	}
	struct article a = {0};
	if (format == FORMAT_HTML || (format == FORMAT_AUTO && article_is_html(p, n))) {
		char cs[64];
		const char *declared = article_html_charset(p, n, cs, sizeof cs);
		size_t len;
		char *text = (char *)decode(s, p, n, declared, &len);
		len = article_crlf_to_lf(text, len);
		article_html(text, len, &a, &s->title);
		stats_add(&s->stats, "formats", "html", 1);
	} else {
		size_t len;
		char *text = (char *)decode(s, p, n, NULL, &len);
		len = article_crlf_to_lf(text, len);
		article_text(text, len, &a);
		stats_add(&s->stats, "formats", "text", 1);
	}
	emit(s, &a);
}

/* Entry data. */

static const char *lower_first(const char *msg, struct buf *out)
{
	buf_clear(out);
	buf_adds(out, msg ? msg : "unknown error");
	diag_lowercase_first(out->data);
	return out->data;
}

/* Where an entry's bytes come from: libarchive, through a decoder when the
 * member is itself compressed (a .warc.gz or .html.gz in a tar). */
struct entry_source {
	struct archive *archive;
	int64_t left;       /* bytes the entry declares still to come, or -1 */
	const char *prefix; /* bytes read before the decoder was started */
	size_t prefix_len, prefix_pos;
	struct decoder *decoder;
	bool is_archive_failed;
};

static ssize_t entry_raw_read(void *ctx, void *dst, size_t n)
{
	struct entry_source *src = ctx;
	if (src->prefix_pos < src->prefix_len) {
		size_t k = src->prefix_len - src->prefix_pos;
		if (k > n)
			k = n;
		memcpy(dst, src->prefix + src->prefix_pos, k);
		src->prefix_pos += k;
		return (ssize_t)k;
	}
	/* Never past the size the entry declares: libarchive 3.6's xar reader
	 * hands back stale bytes of earlier members after an entry's own. */
	if (src->left == 0)
		return 0;
	if (src->left > 0 && (uint64_t)src->left < n)
		n = (size_t)src->left;
	la_ssize_t k = archive_read_data(src->archive, dst, n);
	if (k < 0) {
		src->is_archive_failed = true;
		return -1;
	}
	if (src->left > 0)
		src->left -= k;
	return (ssize_t)k;
}

static ssize_t entry_read(void *ctx, void *dst, size_t n)
{
	struct entry_source *src = ctx;
	return src->decoder ? decoder_read(src->decoder, dst, n) : entry_raw_read(src, dst, n);
}

/* Why reading an entry failed: the archive's or the member's compression. */
static const char *entry_error(struct entry_source *src, struct buf *msg)
{
	if (src->decoder && !src->is_archive_failed)
		return decoder_error(src->decoder);
	return lower_first(archive_error_string(src->archive), msg);
}

/* ---- WARC ------------------------------------------------------------ */

static bool warc_type_wanted(const char *type)
{
	return strcmp(type, "response") == 0 || strcmp(type, "resource") == 0;
}

static bool is_html_mime(const char *mime)
{
	return strcmp(mime, "text/html") == 0 || strcmp(mime, "application/xhtml+xml") == 0;
}

static void warc_record(struct split *s, struct warc_record *r, uint64_t ordinal)
{
	struct article a = {0};
	if (r->record_id.len && r->record_id.len < sizeof a.sub - 2) {
		const char *rid = r->record_id.data;
		size_t len = r->record_id.len;
		if (len >= 2 && rid[0] == '<' && rid[len - 1] == '>') {
			rid++;
			len -= 2;
		}
		snprintf(a.sub, sizeof a.sub, "%.*s", (int)len, rid);
	} else {
		snprintf(a.sub, sizeof a.sub, "%llu", (unsigned long long)ordinal);
	}
	if (!warc_type_wanted(r->type)) {
		char reason[48];
		snprintf(reason, sizeof reason, "warc-%s", r->type[0] ? r->type : "untyped");
		skip(s, a.sub, reason);
		return;
	}
	if (r->is_too_large) {
		skip(s, a.sub, "too-large");
		return;
	}
	struct http_response h = {0};
	const char *body = r->block.data ? r->block.data : "";
	size_t body_len = r->block.len;
	char mime[128] = "", charset[64] = "";
	bool is_http = strncasecmp(r->content_type.data ? r->content_type.data : "",
				   "application/http", 16) == 0;
	if (is_http) {
		if (!http_parse_response(body, body_len, s->opt.max_size, &h)) {
			skip(s, a.sub, "not-http");
			http_response_free(&h);
			return;
		}
		if (h.status < 200 || h.status > 299) {
			skip(s, a.sub, "http-status");
			http_response_free(&h);
			return;
		}
		body = h.body.data ? h.body.data : "";
		body_len = h.body.len;
		snprintf(mime, sizeof mime, "%s", h.mime);
		snprintf(charset, sizeof charset, "%s", h.charset);
	} else if (r->content_type.len) {
		http_media_type(r->content_type.data, r->content_type.len, mime, sizeof mime);
		charset_from_content_type(r->content_type.data, r->content_type.len, charset,
					  sizeof charset);
	}
	if (article_is_blank(body, body_len)) {
		skip(s, a.sub, "empty");
	} else if (is_binary(body, body_len) ||
		   (mime[0] && strncmp(mime, "text/", 5) != 0 && !is_html_mime(mime))) {
		skip(s, a.sub, "not-text");
	} else {
		char date[40];
		bool has_date = (r->date.len && date_from_iso(r->date.data, r->date.len, date)) ||
				(h.date.len && date_from_rfc2822(h.date.data, h.date.len, date));
		if (r->uri.len)
			article_add(&a, "url", r->uri.data, r->uri.len, false);
		if (has_date)
			article_add(&a, "date", date, strlen(date), false);
		else
			stats_add(&s->stats, NULL, "warc_dates_unreadable", 1);
		bool html = is_html_mime(mime) || (!mime[0] && article_is_html(body, body_len));
		if (html && !charset[0])
			article_html_charset(body, body_len, charset, sizeof charset);
		size_t len;
		char *text = (char *)decode(s, body, body_len, charset[0] ? charset : NULL, &len);
		len = article_crlf_to_lf(text, len);
		if (html) {
			/* url and date first, then title, text and html. */
			struct article page = {0};
			article_html(text, len, &page, &s->title);
			for (size_t i = 0; i < page.count; i++)
				article_add(&a, page.fields[i].key, page.fields[i].value,
					    page.fields[i].len, page.fields[i].is_json);
			stats_add(&s->stats, "formats", "warc-html", 1);
		} else {
			article_add(&a, "text", text, len, false);
			stats_add(&s->stats, "formats", "warc-text", 1);
		}
		emit(s, &a);
	}
	http_response_free(&h);
}

/* Reads a WARC file from the current archive entry, whose first bytes
 * (already read) are prefix. */
static bool split_warc(struct split *s, struct entry_source *src, const char *prefix, size_t n)
{
	struct stream st;
	stream_init(&st, entry_read, src, prefix, n);
	struct warc_record r = {0};
	char err[256];
	uint64_t ordinal = 0;
	bool ok = true;
	for (;;) {
		int rc = warc_next(&st, &r, s->opt.max_size, warc_type_wanted, err, sizeof err);
		if (rc == 0)
			break;
		if (rc < 0) {
			if (st.is_failed) {
				struct buf msg = {0};
				snprintf(err, sizeof err, "%s", entry_error(src, &msg));
				buf_free(&msg);
			}
			fail_unit(s, err);
			ok = false;
			break;
		}
		stats_add(&s->stats, NULL, "warc_records", 1);
		warc_record(s, &r, ++ordinal);
		show_progress(s);
	}
	warc_record_free(&r);
	stream_free(&st);
	return ok;
}

/* Archives. */

/* The name a member goes by for its format: without a compression suffix,
 * since a compressed member is read decompressed ("page.html.gz"). */
static enum split_format format_for(struct split *s, const char *name)
{
	if (s->opt.format != FORMAT_AUTO)
		return s->opt.format;
	if (!name)
		return FORMAT_AUTO;
	static const char *const packed[] = {".gz", ".bz2", ".xz", ".zst", ".lz4"};
	size_t n = strlen(name);
	for (size_t i = 0; i < sizeof packed / sizeof *packed; i++)
		if (has_suffix(name, packed[i])) {
			n -= strlen(packed[i]);
			break;
		}
	static const char *const html[] = {".html", ".htm", ".xhtml"};
	for (size_t i = 0; i < sizeof html / sizeof *html; i++) {
		size_t k = strlen(html[i]);
		if (n >= k && strncasecmp(name + n - k, html[i], k) == 0)
			return FORMAT_HTML;
	}
	return FORMAT_AUTO;
}

/* Reads the entry's data into s->data, up to limit bytes in all. Returns
 * false on a read error. */
static bool read_entry(struct split *s, struct entry_source *src, uint64_t limit)
{
	for (;;) {
		if (s->data.len >= limit)
			return true;
		buf_reserve(&s->data, BLOCK);
		size_t room = s->data.cap - s->data.len - 1;
		if (room > limit - s->data.len)
			room = (size_t)(limit - s->data.len);
		ssize_t k = entry_read(src, s->data.data + s->data.len, room);
		if (k < 0)
			return false;
		if (k == 0)
			return true;
		s->data.len += (size_t)k;
		s->data.data[s->data.len] = '\0';
	}
}

/* What became of an entry. */
enum entry_result {
	ENTRY_DONE,       /* written or skipped; go on */
	ENTRY_STOPPED,    /* the archive cannot go on; the error was reported */
	ENTRY_READ_ERROR, /* its data could not be read; the caller reports why */
};

/* A member that could not be read whole (its own compression damaged, or
 * a corrupt entry in a zip): reported and counted, and the archive goes on
 * unless the damage is in the archive's input itself. */
static enum entry_result member_failed(struct split *s, struct entry_source *src)
{
	if (s->input_damaged && *s->input_damaged)
		return ENTRY_READ_ERROR;
	struct buf msg = {0};
	fail_unit(s, entry_error(src, &msg));
	buf_free(&msg);
	skip(s, NULL, "corrupt");
	return ENTRY_DONE;
}

static enum entry_result read_member(struct split *s, struct entry_source *src,
				     const char *name, bool is_known_large)
{
	buf_clear(&s->data);
	if (!read_entry(s, src, SNIFF))
		return member_failed(s, src);
	enum decoder_kind kind = decoder_sniff((const unsigned char *)s->data.data, s->data.len);
	if (kind != DECODER_NONE) {
		buf_clear(&s->prefix);
		buf_add(&s->prefix, s->data.data, s->data.len);
		src->prefix = s->prefix.data;
		src->prefix_len = s->prefix.len;
		src->decoder = decoder_new(kind, entry_raw_read, src);
		/* The stored size says nothing of the decompressed one. */
		is_known_large = false;
		stats_add(&s->stats, "members_decompressed", decoder_name(kind), 1);
		buf_clear(&s->data);
		if (!read_entry(s, src, SNIFF))
			return member_failed(s, src);
	}
	enum split_format format = format_for(s, name);
	/* Sniffed before any size check: a WARC file is read record by record,
	 * however large. */
	if (format == FORMAT_WARC || (format == FORMAT_AUTO && warc_sniff(s->data.data, s->data.len))) {
		if (!warc_sniff(s->data.data ? s->data.data : "", s->data.len)) {
			skip(s, NULL, "not-warc");
			return ENTRY_DONE;
		}
		/* A malformed WARC member ends that member, not the archive. */
		if (!split_warc(s, src, s->data.data, s->data.len) && src->is_archive_failed)
			return ENTRY_STOPPED;
		return ENTRY_DONE;
	}
	if (is_known_large) {
		skip(s, NULL, "too-large");
		return ENTRY_DONE;
	}
	/* One byte past the limit tells too large from just large enough. */
	uint64_t limit = s->opt.max_size == UINT64_MAX ? UINT64_MAX : s->opt.max_size + 1;
	if (s->data.len == SNIFF && !read_entry(s, src, limit))
		return member_failed(s, src);
	const char *p = s->data.data ? s->data.data : "";
	size_t n = s->data.len;
	if (n > s->opt.max_size)
		skip(s, NULL, "too-large");
	else if (n == 0 || article_is_blank(p, n))
		skip(s, NULL, "empty");
	else if (n < s->opt.min_size)
		skip(s, NULL, "too-small");
	else if (is_binary(p, n))
		skip(s, NULL, "binary");
	else
		process_content(s, p, n, format);
	return ENTRY_DONE;
}

/* Handles the current entry. */
static enum entry_result split_entry(struct split *s, struct archive *a,
				     struct archive_entry *e, bool is_plain,
				     const char *walk_name)
{
	s->members++;
	const char *match_name = is_plain ? walk_name : s->member;
	if (!is_plain && archive_entry_filetype(e) != AE_IFREG) {
		skip(s, NULL, archive_entry_filetype(e) == AE_IFDIR ? "directory" : "not-a-file");
		return ENTRY_DONE;
	}
	if (match_name && !is_name_wanted(&s->opt, match_name)) {
		skip(s, NULL, "excluded");
		return ENTRY_DONE;
	}
	bool is_known_large = archive_entry_size_is_set(e) &&
			      (uint64_t)archive_entry_size(e) > s->opt.max_size;
	struct entry_source src = {.archive = a, .left = -1};
	if (!is_plain && archive_entry_size_is_set(e))
		src.left = archive_entry_size(e);
	/* A file operand goes by its own name (the input's) for its format. */
	const char *name = is_plain ? (walk_name ? walk_name : s->input) : s->member;
	enum entry_result result = read_member(s, &src, name, is_known_large);
	decoder_free(src.decoder);
	return result;
}

static void enable_formats(struct archive *a)
{
	/* An allow-list: mtree is left out because it opens the files an
	 * archive names on this machine; WARC is parsed by nsplit itself; no
	 * filter is enabled, since lib/reader decompresses. */
	archive_read_support_format_7zip(a);
	archive_read_support_format_ar(a);
	archive_read_support_format_cab(a);
	archive_read_support_format_cpio(a);
	archive_read_support_format_empty(a);
	archive_read_support_format_iso9660(a);
	archive_read_support_format_lha(a);
	archive_read_support_format_rar(a);
	archive_read_support_format_rar5(a);
	archive_read_support_format_tar(a);
	archive_read_support_format_xar(a);
	archive_read_support_format_zip(a);
	archive_read_support_format_raw(a);
}

/* libarchive reads the input through lib/reader. */
struct input {
	struct reader *reader;
	char *block;
	bool is_damaged; /* the reader failed: libarchive saw the end there */
};

/* A read error (a truncated or corrupt compressed file) is shown to
 * libarchive as the end of the data, so that it hands out every member
 * before the damage instead of failing in its format bidding; the error is
 * reported once libarchive is done. */
static la_ssize_t input_read(struct archive *a, void *ctx, const void **block)
{
	(void)a;
	struct input *in = ctx;
	*block = in->block;
	if (in->is_damaged)
		return 0;
	ssize_t k = reader_read(in->reader, in->block, BLOCK);
	if (k < 0) {
		in->is_damaged = true;
		return 0;
	}
	return k;
}

static la_int64_t input_seek(struct archive *a, void *ctx, la_int64_t offset, int whence)
{
	struct input *in = ctx;
	int64_t pos = reader_seek(in->reader, offset, whence);
	if (pos < 0) {
		archive_set_error(a, errno, "cannot seek");
		return ARCHIVE_FATAL;
	}
	return pos;
}

static la_int64_t input_skip(struct archive *a, void *ctx, la_int64_t request)
{
	(void)a;
	struct input *in = ctx;
	if (!reader_is_seekable(in->reader) || request <= 0)
		return 0; /* libarchive then reads through */
	int64_t here = reader_seek(in->reader, 0, SEEK_CUR);
	int64_t size = reader_raw_size(in->reader);
	if (here < 0 || size < 0)
		return 0;
	int64_t target = here + request > size ? size : here + request;
	return reader_seek(in->reader, target, SEEK_SET) < 0 ? 0 : target - here;
}

/* Splits one file or stdin (path NULL). walk_name is the path relative to a
 * directory operand, for the patterns, or NULL for an operand itself. */
static void split_file(struct split *s, const char *path, const char *display,
		       const char *walk_name)
{
	s->input = display;
	s->member = NULL;
	idset_clear(&s->units_seen);
	s->input_occurrence = 0;
	while (!idset_add(&s->inputs_seen,
			  XXH3_64bits_withSeed(display, strlen(display), s->input_occurrence)))
		s->input_occurrence++;
	stats_add(&s->stats, NULL, "inputs", 1);

	char err[512];
	struct input in = {reader_open(path, err, sizeof err), NULL, false};
	s->input_damaged = &in.is_damaged;
	if (!in.reader) {
		report("%s", err);
		stats_add(&s->stats, NULL, "errors", 1);
		s->had_error = true;
		return;
	}
	in.block = xmalloc(BLOCK);
	s->reader = in.reader;
	struct archive *a = archive_read_new();
	enable_formats(a);
	archive_read_set_callback_data(a, &in);
	archive_read_set_read_callback(a, input_read);
	archive_read_set_skip_callback(a, input_skip);
	if (reader_is_seekable(in.reader))
		archive_read_set_seek_callback(a, input_seek);
	struct buf msg = {0};
	int rc = archive_read_open1(a);
	struct archive_entry *e;
	uint64_t entries = 0;
	bool is_reported = false;
	while (rc == ARCHIVE_OK || rc == ARCHIVE_WARN) {
		s->member = NULL; /* damage between members belongs to none */
		rc = archive_read_next_header(a, &e);
		if (rc == ARCHIVE_EOF)
			break;
		if (rc == ARCHIVE_WARN) {
			warn("%s: %s", where(s, NULL), lower_first(archive_error_string(a), &msg));
		} else if (rc != ARCHIVE_OK) {
			break;
		}
		entries++;
		bool is_plain = archive_format(a) == ARCHIVE_FORMAT_RAW;
		if (is_plain) {
			s->member = NULL;
		} else {
			/* The stored name when it is UTF-8 already: libarchive's
			 * conversion goes through wide characters, name by name. */
			const char *raw = archive_entry_pathname(e);
			const char *name = raw && utf8_is_valid(raw, strlen(raw))
						   ? raw
						   : archive_entry_pathname_utf8(e);
			s->member = name ? name : raw ? raw : "";
		}
		enum entry_result result = split_entry(s, a, e, is_plain, walk_name);
		if (result != ENTRY_DONE) {
			rc = ARCHIVE_FATAL;
			is_reported = result == ENTRY_STOPPED;
			break;
		}
		show_progress(s);
	}
	if (is_reported) {
		/* split_entry said what went wrong */
	} else if (in.is_damaged) {
		/* The cause, not what libarchive made of the early end. */
		fail_unit(s, reader_error(in.reader));
	} else if (rc != ARCHIVE_EOF) {
		fail_unit(s, lower_first(archive_error_string(a), &msg));
	} else if (entries == 0) {
		s->members++;
		skip(s, NULL, "empty");
	}
	s->raw_done += reader_raw_offset(in.reader);
	s->reader = NULL;
	s->input_damaged = NULL;
	archive_read_free(a);
	reader_close(in.reader);
	free(in.block);
	buf_free(&msg);
	s->member = NULL;
}

static int compare_names(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Walks a directory in name order, so that runs are reproducible. */
static void split_dir(struct split *s, const char *dir, const char *rel)
{
	DIR *d = opendir(dir);
	if (!d) {
		report("%s: cannot read directory: %s", dir, diag_strerror(errno));
		stats_add(&s->stats, NULL, "errors", 1);
		s->had_error = true;
		return;
	}
	char **names = NULL;
	size_t count = 0, cap = 0;
	struct dirent *ent;
	while ((ent = readdir(d))) {
		if (strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0)
			continue;
		if (count == cap) {
			cap = cap ? cap * 2 : 64;
			names = xrealloc(names, cap * sizeof *names);
		}
		names[count++] = xstrdup(ent->d_name);
	}
	closedir(d);
	qsort(names, count, sizeof *names, compare_names);
	struct buf path = {0}, sub = {0};
	for (size_t i = 0; i < count; i++) {
		buf_clear(&path);
		buf_printf(&path, "%s%s%s", dir, has_suffix(dir, "/") ? "" : "/", names[i]);
		buf_clear(&sub);
		buf_printf(&sub, "%s%s%s", rel ? rel : "", rel ? "/" : "", names[i]);
		struct stat st, lst;
		if (lstat(path.data, &lst) < 0 || stat(path.data, &st) < 0) {
			report("%s: %s", path.data, diag_strerror(errno));
			stats_add(&s->stats, NULL, "errors", 1);
			s->had_error = true;
		} else if (S_ISDIR(st.st_mode)) {
			/* Following links to directories could loop; name them instead. */
			if (S_ISLNK(lst.st_mode)) {
				s->input = path.data;
				skip(s, NULL, "directory-link");
			} else {
				split_dir(s, path.data, sub.data);
			}
		} else if (S_ISREG(st.st_mode)) {
			split_file(s, path.data, path.data, sub.data);
		} else {
			s->input = path.data;
			skip(s, NULL, "not-a-file");
		}
		free(names[i]);
	}
	free(names);
	buf_free(&path);
	buf_free(&sub);
}

void split_path(struct split *s, const char *path)
{
	if (strcmp(path, "-") == 0) {
		split_file(s, NULL, s->opt.stdin_name, NULL);
		return;
	}
	struct stat st;
	if (stat(path, &st) < 0) {
		report("%s: %s", path, diag_strerror(errno));
		stats_add(&s->stats, NULL, "errors", 1);
		s->had_error = true;
		return;
	}
	if (S_ISDIR(st.st_mode))
		split_dir(s, path, NULL);
	else
		split_file(s, path, path, NULL);
}

void split_plan(struct split *s, const char *path)
{
	struct stat st;
	if (strcmp(path, "-") != 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode))
		s->raw_total += (uint64_t)st.st_size;
}

void split_init(struct split *s, const struct split_options *opt)
{
	memset(s, 0, sizeof *s);
	s->opt = *opt;
	stats_init(&s->stats, "nsplit");
	/* Fix the order of the summary's main counters. */
	static const char *const order[] = {"inputs", "members", "records_out", "skipped",
					    "errors"};
	for (size_t i = 0; i < sizeof order / sizeof *order; i++)
		stats_add(&s->stats, NULL, order[i], 0);
	progress_init(&s->progress, opt->progress);
	s->out_count = opt->shards ? opt->shards : 1;
	s->outs = xcalloc(s->out_count, sizeof *s->outs);
	if (!opt->shards) {
		s->outs[0] = cli_open_output(opt->output);
		return;
	}
	struct buf name = {0};
	for (size_t i = 0; i < s->out_count; i++) {
		buf_clear(&name);
		buf_printf(&name, opt->output, (int)i);
		s->outs[i] = cli_open_output(name.data);
	}
	buf_free(&name);
}

int split_finish(struct split *s)
{
	progress_end(&s->progress);
	stats_add(&s->stats, NULL, "members", s->members);
	stats_add(&s->stats, NULL, "records_out", s->records);
	for (size_t i = 0; i < s->out_count; i++)
		cli_close_output(s->outs[i]);
	free(s->outs);
	int status = s->had_error ? STATUS_FAILURE : STATUS_OK;
	s->outs = NULL;
	idset_free(&s->units_seen);
	idset_free(&s->inputs_seen);
	buf_free(&s->data);
	buf_free(&s->prefix);
	buf_free(&s->decoded);
	buf_free(&s->line);
	buf_free(&s->title);
	buf_free(&s->source);
	buf_free(&s->scratch);
	return status;
}
