// Language identification: a C interface over CLD2 (see langid.h).
// No C++ exception leaves this file: every entry point catches them all.

#include "langid.h"

#include <climits>
#include <cstdio> // compact_lang_det.h uses FILE without including it
#include <cstdlib>
#include <cstring>
#include <string>

#include <cld2/internal/compact_lang_det_impl.h> // SpanInterchangeValid
#include <cld2/public/compact_lang_det.h>

extern "C" {
#include "buf.h"
#include "utf8.h"
}

namespace {

// The code for a CLD2 language, as langid.h describes it.
const char *iso_code(CLD2::Language lang)
{
	switch (lang) {
	case CLD2::HEBREW:
		return "he"; // CLD2 says "iw", the code ISO withdrew in 1989
	case CLD2::JAVANESE:
		return "jv"; // "jw", likewise
	case CLD2::CHINESE_T:
		return "zh"; // "zh-Hant": ISO 639-1 has no script
	case CLD2::MONTENEGRIN:
		return "cnr"; // "sr-ME": ISO 639-1 has none, ISO 639-3 has cnr
	case CLD2::UNKNOWN_LANGUAGE:
	case CLD2::TG_UNKNOWN_LANGUAGE:
		return "un";
	default:
		break;
	}
	// From X_BORK_BORK_BORK on: joke languages and script-only pseudo
	// languages ("xx-Latn").
	if (static_cast<int>(lang) < 0 || lang >= CLD2::X_BORK_BORK_BORK)
		return "un";
	// Two letters (ISO 639-1) or three (ISO 639-2/3); anything else, such as
	// the numbers CLD2 gives its unused slots, is no language.
	const char *code = CLD2::LanguageCode(lang);
	size_t len = 0;
	while (len < 4 && code[len] >= 'a' && code[len] <= 'z')
		len++;
	return (len == 2 || len == 3) && code[len] == '\0' ? code : "un";
}

void set_code(char dst[4], const char *code)
{
	size_t len = strlen(code);
	memcpy(dst, code, len + 1); // at most 3 letters and the NUL, see iso_code
}

// The bytes CLD2 may read past the end of its input: GetOneScriptSpan looks
// at the character after the last one (valgrind shows it, reading one
// to four bytes past the end). A copy padded with NUL bytes, as a C string
// would end, keeps those reads inside our memory and the result
// independent of whatever follows the caller's text.
constexpr size_t kPad = 8;

// The copy, kept from one call to the next in each thread (a malloc and a
// free less a call), unless it grew past a megabyte for a long text.
thread_local std::string copy_buffer;

void release_copy()
{
	if (copy_buffer.capacity() > (1u << 20))
		std::string().swap(copy_buffer);
}

// Copies p[0..n) into *copy, padded, with each byte sequence CLD2 would
// refuse blanked to spaces, so that offsets stay those of p; returns the
// copy's bytes.
const char *cld2_text(const char *p, int n, std::string *copy)
{
	copy->reserve(static_cast<size_t>(n) + kPad);
	copy->assign(p, static_cast<size_t>(n));
	copy->append(kPad, '\0');
	char *s = &(*copy)[0];
	int pos = CLD2::SpanInterchangeValid(s, n);
	while (pos < n) {
		// A valid code point CLD2 refuses (a control, a noncharacter) is
		// blanked whole; an invalid sequence one byte at a time.
		uint32_t cp;
		size_t len = utf8_decode(s + pos, static_cast<size_t>(n - pos), &cp);
		if (len == 0)
			len = 1;
		memset(s + pos, ' ', len);
		pos += static_cast<int>(len);
		pos += CLD2::SpanInterchangeValid(s + pos, n - pos);
	}
	return s;
}

void reset(struct langid_result *r)
{
	set_code(r->lang, "un");
	r->score = 0;
	r->reliable = false;
	r->text_bytes = 0;
	for (struct langid_share &t : r->top) {
		set_code(t.lang, "un");
		t.percent = 0;
	}
	r->n_spans = 0;
}

// Appends [offset, offset + length) in code to r's spans, merged into the
// last span when it has the same language.
void add_span(struct langid_result *r, size_t offset, size_t length, const char *code)
{
	if (length == 0)
		return;
	if (r->n_spans > 0) {
		struct langid_span *last = &r->spans[r->n_spans - 1];
		if (strcmp(last->lang, code) == 0) {
			last->length = offset + length - last->offset;
			return;
		}
	}
	if (r->n_spans == r->cap_spans) {
		r->cap_spans = r->cap_spans ? 2 * r->cap_spans : 16;
		r->spans = static_cast<struct langid_span *>(
			xrealloc(r->spans, r->cap_spans * sizeof *r->spans));
	}
	struct langid_span *s = &r->spans[r->n_spans++];
	s->offset = offset;
	s->length = length;
	set_code(s->lang, code);
}

// Bytes per language over the spans. A document has a handful of
// languages, so a short array searched in order will do; the order of first
// appearance breaks ties.
struct tally {
	const char *code;
	size_t bytes;
};

bool detect(const char *utf8, size_t n, struct langid_result *r)
{
	reset(r);
	if (n == 0)
		return true;
	if (n > static_cast<size_t>(INT_MAX))
		return false;
	int len = static_cast<int>(n);
	const char *text = cld2_text(utf8, len, &copy_buffer);

	CLD2::Language lang3[3];
	int percent3[3];
	double normalized3[3];
	CLD2::ResultChunkVector chunks;
	int text_bytes = 0;
	bool reliable = false;
	// The copy is interchange-valid: the entry point that would check it
	// again (ExtDetectLanguageSummaryCheckUTF8) is not needed.
	CLD2::ExtDetectLanguageSummary(text, len, true, nullptr, 0, lang3, percent3, normalized3,
				       &chunks, &text_bytes, &reliable);
	r->text_bytes = static_cast<size_t>(text_bytes > 0 ? text_bytes : 0);

	// CLD2's top three, mapped; a language mapped twice (zh, zh-Hant) is one.
	size_t n_top = 0;
	for (int i = 0; i < 3; i++) {
		const char *code = iso_code(lang3[i]);
		if (strcmp(code, "un") == 0 || percent3[i] <= 0)
			continue;
		size_t j = 0;
		while (j < n_top && strcmp(r->top[j].lang, code) != 0)
			j++;
		if (j == n_top)
			set_code(r->top[n_top++].lang, code);
		r->top[j].percent += percent3[i];
	}

	// The spans: CLD2's chunks, clamped to the input, gaps and anything past
	// the last chunk as "un".
	size_t at = 0;
	for (const CLD2::ResultChunk &c : chunks) {
		if (c.offset < 0 || c.bytes <= 0)
			continue;
		size_t start = static_cast<size_t>(c.offset);
		size_t end = start + static_cast<size_t>(c.bytes);
		if (end > n)
			end = n;
		if (start < at)
			start = at;
		if (start >= end)
			continue;
		add_span(r, at, start - at, "un");
		add_span(r, start, end - start, iso_code(static_cast<CLD2::Language>(c.lang1)));
		at = end;
	}
	add_span(r, at, n - at, "un");

	// The document language: most bytes over the spans in a language.
	struct tally tallies[16];
	size_t n_tallies = 0, known = 0;
	for (size_t i = 0; i < r->n_spans; i++) {
		const struct langid_span &s = r->spans[i];
		if (strcmp(s.lang, "un") == 0)
			continue;
		known += s.length;
		size_t j = 0;
		while (j < n_tallies && strcmp(tallies[j].code, s.lang) != 0)
			j++;
		if (j == n_tallies) {
			if (n_tallies == sizeof tallies / sizeof tallies[0])
				continue; // a 17th language: too small to matter
			tallies[n_tallies++] = {s.lang, 0};
		}
		tallies[j].bytes += s.length;
	}
	if (known == 0) {
		// Too little text for any chunk: CLD2's top language.
		set_code(r->lang, r->top[0].lang);
		r->score = r->top[0].percent / 100.0;
		r->reliable = reliable && strcmp(r->lang, "un") != 0;
		return true;
	}
	size_t best = 0, second_bytes = 0;
	for (size_t j = 1; j < n_tallies; j++)
		if (tallies[j].bytes > tallies[best].bytes)
			best = j;
	for (size_t j = 0; j < n_tallies; j++)
		if (j != best && tallies[j].bytes > second_bytes)
			second_bytes = tallies[j].bytes;
	set_code(r->lang, tallies[best].code);
	r->score = static_cast<double>(tallies[best].bytes) / static_cast<double>(known);
	r->reliable = reliable && tallies[best].bytes >= 2 * second_bytes;
	return true;
}

// CLD2's top language by letters (not its summary, see langid_detect) in
// the given mode, or "un", for a text made interchange-valid by cld2_text.
const char *top_language(const char *text, int len, int flags, int *percent, bool *reliable)
{
	CLD2::Language lang3[3];
	int percent3[3];
	double normalized3[3];
	int text_bytes = 0;
	bool is_reliable = false;
	CLD2::ExtDetectLanguageSummary(text, len, true, nullptr, flags, lang3, percent3, normalized3,
				       nullptr, &text_bytes, &is_reliable);
	for (int i = 0; i < 3; i++) {
		const char *code = iso_code(lang3[i]);
		if (strcmp(code, "un") != 0 && percent3[i] > 0) {
			*percent = percent3[i];
			*reliable = is_reliable;
			return code;
		}
	}
	return "un";
}

const char *detect_short(const char *utf8, size_t n, int *percent, bool *reliable)
{
	if (n == 0 || n > static_cast<size_t>(INT_MAX))
		return "un";
	int len = static_cast<int>(n);
	const char *text = cld2_text(utf8, len, &copy_buffer);
	// CLD2's normal mode first, for its reliability; its best-effort mode
	// answers more short texts, but calls nearly all of them reliable.
	const char *code = top_language(text, len, 0, percent, reliable);
	if (strcmp(code, "un") == 0) {
		code = top_language(text, len, CLD2::kCLDFlagBestEffort, percent, reliable);
		*reliable = false;
	}
	return code;
}

} // namespace

extern "C" void langid_init(struct langid_result *r)
{
	r->spans = nullptr;
	r->cap_spans = 0;
	reset(r);
}

extern "C" void langid_free(struct langid_result *r)
{
	free(r->spans);
	r->spans = nullptr;
	r->cap_spans = 0;
	r->n_spans = 0;
}

extern "C" bool langid_detect(const char *utf8, size_t n, struct langid_result *r)
{
	bool ok = false;
	try {
		ok = detect(utf8, n, r);
	} catch (...) {
	}
	release_copy();
	if (!ok)
		reset(r);
	return ok;
}

extern "C" const char *langid_detect_short(const char *utf8, size_t n, int *percent,
					   bool *reliable)
{
	if (percent)
		*percent = 0;
	if (reliable)
		*reliable = false;
	int p = 0;
	bool rel = false;
	const char *code = "un";
	try {
		code = detect_short(utf8, n, &p, &rel);
	} catch (...) {
		code = "un";
		p = 0;
		rel = false;
	}
	release_copy();
	if (percent)
		*percent = p;
	if (reliable)
		*reliable = rel;
	return code;
}

extern "C" const char *langid_version(void)
{
	return CLD2::DetectLanguageVersion();
}
