#!/usr/bin/env bash
# nsplit's own suite: every archive format and compression, directories,
# WARC, mail and Reuters, encodings, skips, damaged input, sharding, ids.

DATA=$(cd "$(dirname "${BASH_SOURCE[0]}")/../data" && pwd)

oneTimeSetUp() {
	P="$NEWSUTILS_BIN/nsplit"
	WORK=$(mktemp -d)
	chmod 755 "$WORK"
	# The member set every format is checked against: the seeds and the
	# other articles, under their directory names.
	SET="$WORK/set"
	mkdir -p "$SET"
	cp -r "$DATA/seeds" "$DATA/articles" "$SET/"
	(cd "$SET" && find . -type f | sed 's|^\./||' | LC_ALL=C sort) >"$WORK/members"
	(cd "$SET" && bsdtar -cf "$WORK/set.tar" -T "$WORK/members")
	"$P" --name set <"$WORK/set.tar" >"$WORK/set.jsonl"
	texts "$WORK/set.jsonl" >"$WORK/set.texts"
}

oneTimeTearDown() {
	chmod -R u+rwx "$WORK" 2>/dev/null
	rm -rf "$WORK"
}

# texts FILE: the title and text of every record, sorted: what must not
# depend on the container.
texts() {
	jq -c '[.title, .text]' "$1" | LC_ALL=C sort
}

stat_of() { # stat_of STATSFILE JQPATH
	jq -r "$2 // 0" "$1"
}

test_every_archive_format_gives_the_same_records() {
	local fmt
	for fmt in pax ustar gnutar cpio newc zip 7zip iso9660 xar; do
		(cd "$SET" && bsdtar --format "$fmt" -cf "$WORK/set.$fmt" -T "$WORK/members") 2>"$WORK/err" || {
			fail "bsdtar could not write $fmt: $(cat "$WORK/err")"
			continue
		}
		local status
		"$P" --stats="$WORK/stats" "$WORK/set.$fmt" >"$WORK/out" 2>"$WORK/err"
		status=$?
		assertEquals "$fmt exits 0 ($(cat "$WORK/err"))" 0 "$status"
		assertEquals "$fmt gives the records of the tar" "$(cat "$WORK/set.texts")" "$(texts "$WORK/out")"
		assertEquals "$fmt: records = members listed by bsdtar -tf less skipped" \
			"$(bsdtar -tf "$WORK/set.$fmt" | wc -l)" \
			"$(($(stat_of "$WORK/stats" .records_out) + $(stat_of "$WORK/stats" .skipped)))"
	done
}

test_every_compression_gives_the_same_records() {
	local z
	for z in gzip bzip2 xz zstd lz4; do
		$z -c <"$WORK/set.tar" >"$WORK/set.tar.$z"
		"$P" --name set <"$WORK/set.tar.$z" >"$WORK/out"
		assertEquals "$z exits 0" 0 $?
		assertTrue ".tar.$z on stdin gives exactly the .tar output" "cmp -s '$WORK/set.jsonl' '$WORK/out'"
		"$P" "$WORK/set.tar.$z" >"$WORK/out"
		assertEquals ".tar.$z as a file gives the same records" "$(cat "$WORK/set.texts")" "$(texts "$WORK/out")"
	done
}

test_ar_archives_are_read() {
	# ar keeps base names only, so it holds the seeds alone, under
	# names short enough for bsdtar's ar writer.
	mkdir -p "$WORK/ar"
	local f i=0
	for f in "$SET"/seeds/*.txt; do
		cp "$f" "$WORK/ar/seed$i.txt"
		i=$((i + 1))
	done
	(cd "$WORK/ar" && bsdtar --format arsvr4 -cf "$WORK/seeds.a" seed*.txt)
	"$P" "$WORK/seeds.a" >"$WORK/out"
	assertEquals "ar exits 0" 0 $?
	assertEquals "five seeds" "$(grep -c 'seeds/' "$WORK/members")" "$(wc -l <"$WORK/out")"
	assertEquals "their texts" "$(jq -c 'select(.source|contains("seeds/"))|[.title,.text]' "$WORK/set.jsonl" | LC_ALL=C sort)" "$(texts "$WORK/out")"
}

test_a_directory_gives_the_same_records_as_its_tar() {
	"$P" "$SET" >"$WORK/dir.jsonl"
	assertEquals "a directory exits 0" 0 $?
	assertEquals "same records as the tar" "$(cat "$WORK/set.texts")" "$(texts "$WORK/dir.jsonl")"
	assertEquals "sources are the paths walked, in name order" \
		"$(sed "s|^|$SET/|" "$WORK/members")" "$(jq -r .source "$WORK/dir.jsonl")"
}

test_plain_and_compressed_single_files() {
	local f="$DATA/articles/bbc-tech-005.txt"
	gzip -c "$f" >"$WORK/article.txt.gz"
	"$P" "$WORK/article.txt.gz" >"$WORK/out"
	assertEquals "a .gz file is one record" 1 "$(wc -l <"$WORK/out")"
	assertEquals "its title is the first line" "Technology gets the creative bug" "$(jq -r .title "$WORK/out")"
	assertEquals "the source is the file, no member" "$WORK/article.txt.gz" "$(jq -r .source "$WORK/out")"
	assertEquals "the text is the rest, kept as it is" "$(tail -n +3 "$f")" "$(jq -r .text "$WORK/out")"
}

test_ids_are_unique_short_and_stable() {
	assertEquals "ids are 20 hex digits" 0 "$(jq -r .id "$WORK/set.jsonl" | grep -cvE '^[0-9a-f]{20}$')"
	assertEquals "ids are unique" "$(wc -l <"$WORK/set.jsonl")" "$(jq -r .id "$WORK/set.jsonl" | sort -u | wc -l)"
	# A member twice in one tar, and one input given twice, still get ids of their own.
	cp "$WORK/set.tar" "$WORK/twice.tar"
	(cd "$SET" && bsdtar -rf "$WORK/twice.tar" seeds/000_69e6b02ef7fc11ca.txt)
	"$P" "$WORK/twice.tar" "$WORK/twice.tar" >"$WORK/out"
	local n
	n=$(wc -l <"$WORK/out")
	assertEquals "every record of the run has its own id" "$n" "$(jq -r .id "$WORK/out" | sort -u | wc -l)"
	"$P" "$WORK/twice.tar" "$WORK/twice.tar" >"$WORK/again"
	assertTrue "and they are the same on a rerun" "cmp -s '$WORK/out' '$WORK/again'"
}

test_encodings_are_detected_converted_and_counted() {
	mkdir -p "$WORK/enc"
	printf 'Smart quotes\n\n\223Hello\224 \226 caf\351.\n' >"$WORK/enc/cp1252.txt"
	printf 'Haber\n\n\335stanbul\47da ya\360mur ve \376im\376ek var, \375s\375 d\374\376t\374.\n' >"$WORK/enc/cp1254.txt"
	printf 'Latin\n\nA control \201 byte and \351t\351.\n' >"$WORK/enc/latin1.txt"
	printf '\377\376T\0i\0t\0l\0e\0\n\0\n\0B\0o\0d\0y\0 \0\344\0\n\0' >"$WORK/enc/utf16le.txt"
	printf '\357\273\277Title\r\n\r\nBody line one.\r\nBody \303\251 two.\r\n' >"$WORK/enc/bom-crlf.txt"
	"$P" --stats="$WORK/stats" "$WORK/enc" >"$WORK/out" 2>"$WORK/err"
	assertEquals "exits 0" 0 $?
	assertEquals "cp1252" '“Hello” – café.' "$(jq -r 'select(.source|endswith("cp1252.txt")).text' "$WORK/out" | head -n 1)"
	assertEquals "cp1254" "İstanbul'da yağmur ve şimşek var, ısı düştü." "$(jq -r 'select(.source|endswith("cp1254.txt")).text' "$WORK/out" | head -n 1)"
	assertEquals "latin-1 where cp1252 has a hole" "A control $(printf '\302\201') byte and été." "$(jq -r 'select(.source|endswith("latin1.txt")).text' "$WORK/out" | head -n 1)"
	assertEquals "UTF-16 with a BOM" "Body ä" "$(jq -r 'select(.source|endswith("utf16le.txt")).text' "$WORK/out" | head -n 1)"
	assertEquals "BOM dropped, CRLF to LF" '["Title","Body line one.\nBody é two.\n"]' "$(jq -c 'select(.source|endswith("bom-crlf.txt"))|[.title,.text]' "$WORK/out")"
	assertEquals "conversions are counted" '{"cp1252":1,"cp1254":1,"latin-1":1,"utf-16le":1}' "$(jq -c '.converted_from' "$WORK/stats" | jq -c 'to_entries|sort_by(.key)|from_entries')"
	assertTrue "the output is valid UTF-8" "iconv -f UTF-8 -t UTF-8 '$WORK/out' >/dev/null"
}

test_mostly_utf8_with_a_stray_byte_stays_utf8() {
	printf 'Title\n\nCaf\303\251 cr\303\250me br\303\273l\303\251e \377 na\303\257ve.\n' >"$WORK/stray.txt"
	"$P" --stats="$WORK/stats" "$WORK/stray.txt" >"$WORK/out"
	assertEquals "good characters kept, the bad byte replaced" "Café crème brûlée $(printf '\357\277\275') naïve." "$(jq -r .text "$WORK/out" | head -n 1)"
	assertEquals "the replacement is counted" 1 "$(stat_of "$WORK/stats" .invalid_bytes_replaced)"
}

test_skips_are_counted_named_and_never_silent() {
	mkdir -p "$WORK/skip"
	: >"$WORK/skip/empty.txt"
	printf ' \n\t\n' >"$WORK/skip/blank.txt"
	printf '\211PNG\r\n\032\nxxxx' >"$WORK/skip/image.txt"
	printf 'with a\0NUL byte\n' >"$WORK/skip/nul.txt"
	printf 'tiny\n' >"$WORK/skip/tiny.txt"
	head -c 3000 /dev/urandom | base64 >"$WORK/skip/big.txt"
	printf 'Ok\n\nA fine article of some length.\n' >"$WORK/skip/ok.txt"
	(cd "$WORK/skip" && bsdtar -cf ../skip.tar big.txt blank.txt empty.txt image.txt nul.txt ok.txt tiny.txt)
	"$P" -v --min-size 10 --max-size 2K --stats="$WORK/stats" "$WORK/skip.tar" >"$WORK/out" 2>"$WORK/err"
	assertEquals "skips are not errors" 0 $?
	assertEquals "one record" 1 "$(wc -l <"$WORK/out")"
	assertEquals "reasons" '{"binary":2,"empty":2,"too-large":1,"too-small":1}' \
		"$(jq -c '.skipped_reasons|to_entries|sort_by(.key)|from_entries' "$WORK/stats")"
	assertTrue "--verbose names each skipped member" "grep -q '^nsplit: $WORK/skip.tar: nul.txt: skipped: binary$' '$WORK/err'"
	assertEquals "--verbose: one line per skip" 6 "$(wc -l <"$WORK/err")"
}

test_include_and_exclude_patterns() {
	"$P" --include 'seeds/*' --exclude '*002_*' --stats="$WORK/stats" "$WORK/set.tar" >"$WORK/out"
	assertEquals "four seeds" 4 "$(wc -l <"$WORK/out")"
	assertEquals "the rest is counted as excluded" 7 "$(stat_of "$WORK/stats" '.skipped_reasons.excluded')"
	"$P" -i '*.txt' -i '*.sgm' "$SET" >"$WORK/out2"
	assertEquals "patterns apply to paths in a directory walk" 11 "$(wc -l <"$WORK/out2")"
}

test_decompression_bomb_is_bounded_by_max_size() {
	# Text, not zeros: zeros would be an empty tar.
	yes 'boom' | head -c 300M | gzip -1 >"$WORK/bomb.gz"
	local rss
	rss=$( { /usr/bin/time -f '%M' "$P" --max-size 1M --stats="$WORK/stats" "$WORK/bomb.gz" >"$WORK/out"; } 2>&1 | tail -n 1)
	assertEquals "skipped as too large" 1 "$(stat_of "$WORK/stats" '.skipped_reasons."too-large"')"
	assertFalse "nothing written" "[ -s '$WORK/out' ]"
	[ -x /usr/bin/time ] && assertTrue "memory stays bounded (${rss} KiB)" "[ '$rss' -lt 65536 ]"
}

test_the_largest_max_size_means_no_limit() {
	"$P" --max-size 18446744073709551615 "$WORK/set.tar" >"$WORK/out"
	assertEquals "exits 0" 0 $?
	assertEquals "every record" "$(wc -l <"$WORK/set.jsonl")" "$(wc -l <"$WORK/out")"
}

test_a_100MB_member_is_one_record() {
	{ echo "A very long article"; echo; yes 'All work and no play makes a long record.' | head -c 100M; } >"$WORK/long.txt"
	(cd "$WORK" && bsdtar -czf long.tar.gz long.txt)
	"$P" "$WORK/long.tar.gz" >"$WORK/out"
	assertEquals "exits 0" 0 $?
	assertEquals "one record" 1 "$(wc -l <"$WORK/out")"
	assertEquals "the whole text is there" 104857600 "$(jq -j .text "$WORK/out" | wc -c)"
	rm -f "$WORK/long.txt" "$WORK/long.tar.gz" "$WORK/out"
}

test_truncated_archive_keeps_what_came_before() {
	bsdtar -czf "$WORK/full.tar.gz" -C "$SET" -T "$WORK/members"
	local size
	size=$(wc -c <"$WORK/full.tar.gz")
	head -c $((size * 2 / 3)) "$WORK/full.tar.gz" >"$WORK/cut.tar.gz"
	"$P" --stats="$WORK/stats" "$WORK/cut.tar.gz" >"$WORK/out" 2>"$WORK/err"
	assertEquals "a truncated archive exits 1" 1 $?
	assertTrue "the message names the archive" "grep -q '^nsplit: $WORK/cut.tar.gz: ' '$WORK/err'"
	local got
	got=$(wc -l <"$WORK/out")
	assertTrue "the records before the damage are written ($got)" "[ $got -ge 5 ]"
	assertEquals "they are the first ones of the full archive" "$(head -n "$got" "$WORK/set.jsonl" | jq -c '[.title,.text]')" "$(jq -c '[.title,.text]' "$WORK/out")"
	assertEquals "the error is counted" 1 "$(stat_of "$WORK/stats" .errors)"
}

test_corrupt_zip_member_is_an_error_and_the_others_are_kept() {
	(cd "$SET" && bsdtar --format zip -cf "$WORK/c.zip" -T "$WORK/members")
	# Overwrite bytes in the middle of the fourth member's compressed data.
	local name off
	read -r name off < <(python3 -c 'import zipfile,sys; z=zipfile.ZipFile(sys.argv[1]); i=z.infolist()[3]; print(i.filename, i.header_offset + 30 + len(i.filename) + 40)' "$WORK/c.zip")
	printf 'CORRUPTCORRUPT' | dd of="$WORK/c.zip" bs=1 seek="$off" conv=notrunc 2>/dev/null
	"$P" --stats="$WORK/stats" "$WORK/c.zip" >"$WORK/out" 2>"$WORK/err"
	assertEquals "a corrupt member exits 1" 1 $?
	assertTrue "the message names the archive and member" "grep -q '^nsplit: $WORK/c.zip: $name: ' '$WORK/err'"
	assertEquals "one message" 1 "$(wc -l <"$WORK/err")"
	assertEquals "every other member is written" "$(($(wc -l <"$WORK/members") - 1))" "$(wc -l <"$WORK/out")"
	assertEquals "the corrupt one is counted" 1 "$(stat_of "$WORK/stats" .skipped_reasons.corrupt)"
}

test_corrupt_input_of_many_keeps_going() {
	printf 'this is not gzip' | cat <(printf '\037\213') - >"$WORK/bad.gz"
	"$P" "$WORK/bad.gz" "$DATA/articles/bbc-business-001.txt" >"$WORK/out" 2>"$WORK/err"
	assertEquals "exits 1" 1 $?
	assertTrue "the bad input is named" "grep -q '^nsplit: $WORK/bad.gz: ' '$WORK/err'"
	assertEquals "the next input is still read" 1 "$(wc -l <"$WORK/out")"
}

test_unreadable_directory_is_an_error() {
	mkdir -p "$WORK/locked/inner" "$WORK/open"
	cp "$DATA/articles/bbc-business-001.txt" "$WORK/open/"
	cp "$DATA/articles/bbc-business-001.txt" "$WORK/locked/inner/"
	chmod 000 "$WORK/locked/inner"
	local run=()
	# Root reads every directory: drop to nobody to see the error path.
	if [ "$(id -u)" -eq 0 ]; then
		command -v setpriv >/dev/null || startSkipping
		run=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
	fi
	"${run[@]}" "$P" "$WORK/locked" "$WORK/open" >"$WORK/out" 2>"$WORK/err"
	assertEquals "exits 1" 1 $?
	assertTrue "says which directory" "grep -q \"^nsplit: $WORK/locked/inner: cannot read directory: permission denied\" '$WORK/err'"
	assertEquals "the readable one is still split" 1 "$(wc -l <"$WORK/out")"
	chmod 755 "$WORK/locked/inner"
}

test_empty_archive_and_empty_input() {
	bsdtar -cf "$WORK/empty.tar" -T /dev/null
	"$P" --stats="$WORK/stats" "$WORK/empty.tar" >"$WORK/out"
	assertEquals "an empty archive exits 0" 0 $?
	assertFalse "and writes nothing" "[ -s '$WORK/out' ]"
	"$P" --stats="$WORK/stats" </dev/null >"$WORK/out"
	assertEquals "empty stdin exits 0" 0 $?
	assertEquals "and is counted as empty" 1 "$(stat_of "$WORK/stats" .skipped_reasons.empty)"
}

test_sharded_output_is_stable_and_complete() {
	"$P" --shards 4 -o "$WORK/shard-%02d.jsonl.gz" --name set <"$WORK/set.tar"
	assertEquals "exits 0" 0 $?
	assertEquals "four shards" 4 "$(find "$WORK" -maxdepth 1 -name 'shard-*.jsonl.gz' | wc -l)"
	assertEquals "together they hold every record" "$(LC_ALL=C sort "$WORK/set.jsonl")" "$(zcat "$WORK"/shard-*.jsonl.gz | LC_ALL=C sort)"
	local first
	first=$(zcat "$WORK/shard-00.jsonl.gz" | md5sum)
	"$P" --shards 4 -o "$WORK/shard-%02d.jsonl.gz" --name set <"$WORK/set.tar"
	assertEquals "a rerun places records the same way" "$first" "$(zcat "$WORK/shard-00.jsonl.gz" | md5sum)"
	"$P" --shards 4 -o "$WORK/shard.jsonl" "$WORK/set.tar" 2>"$WORK/err"
	assertEquals "a name without %d is a usage error" 2 $?
	"$P" --shards 4 -o "$WORK/%s-%d.jsonl" "$WORK/set.tar" 2>"$WORK/err"
	assertEquals "a name with another conversion is a usage error" 2 $?
}

test_bad_option_values_are_usage_errors() {
	local args
	for args in "--format nope" "--max-size 12Q" "--shards 0" "--min-size 2M --max-size 1M" \
		"--shards 3 -o $WORK/x-%070d.jsonl"; do
		# shellcheck disable=SC2086 # word splitting wanted
		"$P" $args "$WORK/set.tar" >/dev/null 2>"$WORK/err"
		assertEquals "'$args' exits 2" 2 $?
		assertEquals "'$args' gives one usage line" 1 "$(wc -l <"$WORK/err")"
	done
}

# make_warc FILE: a WARC 1.0 file with a warcinfo, a request, an HTML
# response (chunked, gzip-encoded, windows-1252), a 404, an image, and a
# text resource.
make_warc() {
	python3 - "$1" <<'PY'
import gzip, sys
def record(kind, headers, block):
    h = [b"WARC/1.0", b"WARC-Type: " + kind] + headers + [b"Content-Length: %d" % len(block)]
    return b"\r\n".join(h) + b"\r\n\r\n" + block + b"\r\n\r\n"
def http(status, headers, body):
    return b"HTTP/1.1 " + status + b"\r\n" + b"".join(h + b"\r\n" for h in headers) + b"\r\n" + body
page = "<html><head><title>Caf\u00e9 &amp; news</title></head><body><p>\u201cQuoted\u201d text.</p></body></html>".encode("cp1252")
packed = gzip.compress(page, mtime=0)
chunked = b"%x\r\n" % 10 + packed[:10] + b"\r\n" + b"%x\r\n" % (len(packed) - 10) + packed[10:] + b"\r\n0\r\n\r\n"
out = b""
out += record(b"warcinfo", [b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000000>", b"Content-Type: application/warc-fields"], b"software: test\r\n")
out += record(b"request", [b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>", b"WARC-Target-URI: http://example.org/a", b"Content-Type: application/http;msgtype=request"], b"GET /a HTTP/1.1\r\n\r\n")
out += record(b"response", [b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000002>", b"WARC-Target-URI: http://example.org/a", b"WARC-Date: 2020-08-08T16:54:17Z", b"Content-Type: application/http;msgtype=response"],
              http(b"200 OK", [b"Content-Type: text/html; charset=windows-1252", b"Transfer-Encoding: chunked", b"Content-Encoding: gzip"], chunked))
out += record(b"response", [b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000003>", b"WARC-Target-URI: http://example.org/missing", b"WARC-Date: 2020-08-08T16:54:18Z", b"Content-Type: application/http;msgtype=response"],
              http(b"404 Not Found", [b"Content-Type: text/html"], b"<html>gone</html>"))
out += record(b"response", [b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000004>", b"WARC-Target-URI: http://example.org/i.png", b"WARC-Date: 2020-08-08T16:54:19Z", b"Content-Type: application/http;msgtype=response"],
              http(b"200 OK", [b"Content-Type: image/png"], b"\x89PNG\r\n\x1a\n...."))
out += record(b"resource", [b"WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000005>", b"WARC-Target-URI: file:///notes.txt", b"WARC-Date: 2021-12-27T10:00:00Z", b"Content-Type: text/plain"], b"Plain notes.\n")
open(sys.argv[1], "wb").write(out)
PY
}

test_warc_records_become_records_with_url_and_date() {
	make_warc "$WORK/t.warc"
	# Per-record gzip, as crawlers write it.
	python3 -c '
import gzip, re, sys
data = open(sys.argv[1], "rb").read()
parts = [p for p in re.split(rb"(?=WARC/1\.0\r\n)", data) if p]
open(sys.argv[2], "wb").write(b"".join(gzip.compress(p, mtime=0) for p in parts))' "$WORK/t.warc" "$WORK/t.warc.gz"
	"$P" --stats="$WORK/stats" "$WORK/t.warc.gz" >"$WORK/out" 2>"$WORK/err"
	assertEquals "exits 0" 0 $?
	assertEquals "two records: the page and the text resource" 2 "$(wc -l <"$WORK/out")"
	assertEquals "url, date, title from the page, HTML unpacked and converted" \
		'["http://example.org/a","2020-08-08T16:54:17Z","Café & news","","<html><head><title>Café &amp; news</title></head><body><p>“Quoted” text.</p></body></html>"]' \
		"$(head -n 1 "$WORK/out" | jq -c '[.url,.date,.title,.text,.html]')"
	assertEquals "the source names the WARC record" "$WORK/t.warc.gz#urn:uuid:00000000-0000-0000-0000-000000000002" "$(head -n 1 "$WORK/out" | jq -r .source)"
	assertEquals "a text resource keeps its text" '["file:///notes.txt","Plain notes.\n"]' "$(tail -n 1 "$WORK/out" | jq -c '[.url,.text]')"
	assertEquals "the rest is counted by reason" '{"http-status":1,"not-text":1,"warc-request":1,"warc-warcinfo":1}' \
		"$(jq -c '.skipped_reasons|to_entries|sort_by(.key)|from_entries' "$WORK/stats")"
	"$P" "$WORK/t.warc" >"$WORK/plain"
	assertEquals "an uncompressed WARC gives the same records" "$(jq -c 'del(.id,.source)' "$WORK/out")" "$(jq -c 'del(.id,.source)' "$WORK/plain")"
}

test_truncated_warc_keeps_earlier_records() {
	make_warc "$WORK/t.warc"
	# The last record is a 13-byte block and the 4-byte separator.
	head -c -10 "$WORK/t.warc" >"$WORK/cut.warc"
	"$P" "$WORK/cut.warc" >"$WORK/out" 2>"$WORK/err"
	assertEquals "a cut block exits 1" 1 $?
	assertEquals "and says how much is missing" "nsplit: $WORK/cut.warc: truncated WARC record (7 of 13 bytes)" "$(cat "$WORK/err")"
	assertEquals "the page before it is written" 1 "$(wc -l <"$WORK/out")"
	head -c -30 "$WORK/t.warc" >"$WORK/cut.warc"
	"$P" "$WORK/cut.warc" >"$WORK/out" 2>"$WORK/err"
	assertEquals "a cut header exits 1" 1 $?
	assertEquals "and says so" "nsplit: $WORK/cut.warc: truncated WARC header" "$(cat "$WORK/err")"
}

test_malformed_warc_member_does_not_end_the_archive() {
	mkdir -p "$WORK/wt"
	printf 'WARC/1.0\r\nWARC-Type: resource\r\n\r\nno length\r\n' >"$WORK/wt/a-bad.warc"
	cp "$DATA/articles/bbc-business-001.txt" "$WORK/wt/b.txt"
	(cd "$WORK/wt" && bsdtar -cf ../wt.tar a-bad.warc b.txt)
	"$P" "$WORK/wt.tar" >"$WORK/out" 2>"$WORK/err"
	assertEquals "exits 1" 1 $?
	assertEquals "says what is wrong" "nsplit: $WORK/wt.tar: a-bad.warc: WARC record without Content-Length" "$(cat "$WORK/err")"
	assertEquals "the member after it is written" 1 "$(wc -l <"$WORK/out")"
}

test_warc_written_by_bsdtar_is_read() {
	(cd "$SET" && bsdtar --format warc -cf "$WORK/set.warc" -T "$WORK/members")
	"$P" "$WORK/set.warc" >"$WORK/out"
	assertEquals "exits 0" 0 $?
	assertEquals "one record per file" "$(wc -l <"$WORK/members")" "$(wc -l <"$WORK/out")"
}

test_compressed_members_are_read_decompressed() {
	mkdir -p "$WORK/packed"
	printf '<html><head><title>Packed page</title></head><body>x</body></html>' | gzip -c >"$WORK/packed/page.html.gz"
	make_warc "$WORK/inner.warc"
	xz -c "$WORK/inner.warc" >"$WORK/packed/crawl.warc.xz"
	printf 'Plain\n\nText.\n' | zstd -q -c >"$WORK/packed/note.txt.zst"
	gzip -c "$DATA/articles/bbc-tech-005.txt" | head -c 500 >"$WORK/packed/cut.txt.gz"
	(cd "$WORK/packed" && bsdtar -cf ../packed.tar crawl.warc.xz cut.txt.gz note.txt.zst page.html.gz)
	"$P" --max-size 1K --stats="$WORK/stats" "$WORK/packed.tar" >"$WORK/out" 2>"$WORK/err"
	assertEquals "a damaged member makes the exit status 1" 1 $?
	assertEquals "and is named" "nsplit: $WORK/packed.tar: cut.txt.gz: truncated gzip input" "$(cat "$WORK/err")"
	assertEquals "a WARC member over --max-size is still read record by record, then the rest" \
		'["crawl.warc.xz","Café & news"]
["crawl.warc.xz",null]
["note.txt.zst","Plain"]
["page.html.gz","Packed page"]' "$(jq -c '[(.source|sub(".*packed.tar:";"")|sub("#.*";"")), .title]' "$WORK/out")"
	assertEquals "decompressed members are counted" '{"gzip":2,"xz":1,"zstd":1}' \
		"$(jq -c '.members_decompressed|to_entries|sort_by(.key)|from_entries' "$WORK/stats")"
	assertEquals "the damaged one is skipped as corrupt" 1 "$(stat_of "$WORK/stats" .skipped_reasons.corrupt)"
}

test_an_html_file_operand_is_read_as_html() {
	printf '<p>A fragment</p>\n<title>T</title>\n' >"$WORK/frag.html"
	"$P" "$WORK/frag.html" >"$WORK/out"
	assertEquals "the name says HTML" '["T",""]' "$(jq -c '[.title,.text]' "$WORK/out")"
}

test_mail_format_reads_usenet_posts_and_mbox() {
	"$P" -f mail "$DATA/newsgroups" >"$WORK/out"
	assertEquals "two posts" 2 "$(wc -l <"$WORK/out")"
	assertEquals "headers become fields" \
		'["Re: [soc.motss, et al.] \"Princeton axes matching funds for Boy Scouts\"","1993-04-05T18:01:16Z","strom@Watson.Ibm.Com (Rob Strom)","alt.atheism,soc.motss,rec.scouting","<1993Apr05.180116.43346@watson.ibm.com>"]' \
		"$(head -n 1 "$WORK/out" | jq -c '[.title,.date,.author,.newsgroups,.message_id]')"
	assertEquals "the body is the text" "The XDM on Solaris 2.1 *WAS* broke. Since two weeks, Sun distributes" "$(tail -n 1 "$WORK/out" | jq -r .text | head -n 1)"
	printf 'From a@b Mon Jan  1 00:00:00 2001\nSubject: One\nDate: 1 Jan 2001 10:00:00 +0100\n\nFirst body.\n\nFrom c@d Mon Jan  1 00:00:00 2001\nSubject: Two\nDate: Tue, 6 Apr 93 21:04:35 EDT\n\nSecond body.\n' >"$WORK/box.mbox"
	"$P" -f mail "$WORK/box.mbox" >"$WORK/out"
	assertEquals "an mbox gives one record per message; named zones have offsets" '["One","2001-01-01T10:00:00+01:00","First body.\n"]
["Two","1993-04-06T21:04:35-04:00","Second body.\n"]' "$(jq -c '[.title,.date,.text]' "$WORK/out")"
	assertEquals "messages are told apart in the source" "$WORK/box.mbox#2" "$(tail -n 1 "$WORK/out" | jq -r .source)"
	# The bydate release of 20 Newsgroups left folded Path: tails on top.
	printf ' cs.utexas.edu!news\nFrom: x@y\nSubject: Orphan\n\nBody.\n' >"$WORK/orphan"
	"$P" -f mail "$WORK/orphan" >"$WORK/out"
	assertEquals "a leading continuation line is passed over" '["Orphan","Body.\n"]' "$(jq -c '[.title,.text]' "$WORK/out")"
}

test_reuters_format_reads_sgml_records() {
	"$P" -f reuters --stats="$WORK/stats" "$DATA/reuters-excerpt.sgm" >"$WORK/out"
	assertEquals "exits 0" 0 $?
	assertEquals "first record" '["BAHIA COCOA REVIEW","1987-02-26T15:01:01.79","SALVADOR, Feb 26",["cocoa"],["el-salvador","usa","uruguay"]]' \
		"$(head -n 1 "$WORK/out" | jq -c '[.title,.date,.dateline,.topics,.places]')"
	assertEquals "the source carries NEWID" "$DATA/reuters-excerpt.sgm#1" "$(head -n 1 "$WORK/out" | jq -r .source)"
	assertTrue "entities are decoded and markers dropped" "! grep -q '&#' '$WORK/out' && ! grep -q '&lt;' '$WORK/out'"
	assertEquals "the BRIEF record has no body and is counted" 1 "$(stat_of "$WORK/stats" .skipped_reasons.empty)"
	assertEquals "the UNPROC record keeps its text" 3 "$(wc -l <"$WORK/out")"
}

# shellcheck disable=SC1091
. /usr/share/shunit2/shunit2
