#!/usr/bin/env bash
# The shared command-line contract (PRODUCT §3), run once for every program:
# help, version, usage errors, stdin and several files as one stream,
# atomic and compressed -o, quiet | head, /dev/full, --stats, determinism.
# PROG names the program; NEWSUTILS_BIN is where it is.

DATA=$(cd "$(dirname "${BASH_SOURCE[0]}")/../data" && pwd)

oneTimeSetUp() {
	P="$NEWSUTILS_BIN/$PROG"
	WORK=$(mktemp -d)
	# A valid input for the program and a second one, and one large enough
	# that a closed pipe is noticed while writing.
	case "$PROG" in
	nsplit)
		IN1="$DATA/articles/bbc-business-001.txt"
		IN2="$DATA/articles/bbc-politics-010.txt"
		BIG="$WORK/big.txt"
		{ echo "A big article"; echo; for _ in $(seq 20000); do cat "$IN1"; done; } >"$BIG"
		;;
	*)
		"$NEWSUTILS_BIN/nsplit" "$DATA/sample.tar.gz" >"$WORK/in1.jsonl"
		"$NEWSUTILS_BIN/nsplit" "$DATA/articles" >"$WORK/in2.jsonl"
		IN1="$WORK/in1.jsonl"
		IN2="$WORK/in2.jsonl"
		BIG="$WORK/big.jsonl"
		for _ in $(seq 2000); do cat "$IN1"; done >"$BIG"
		;;
	esac
}

oneTimeTearDown() {
	rm -rf "$WORK"
}

test_help_goes_to_stdout_and_exits_0() {
	for flag in --help -h; do
		"$P" "$flag" >"$WORK/out" 2>"$WORK/err"
		assertEquals "$flag exits 0" 0 $?
		assertEquals "$flag starts with the usage line" "usage: $PROG [options] [file ...]" "$(head -n 1 "$WORK/out")"
		assertFalse "$flag writes nothing to stderr" "[ -s '$WORK/err' ]"
	done
}

test_version_names_the_libraries() {
	"$P" --version >"$WORK/out" 2>"$WORK/err"
	assertEquals "--version exits 0" 0 $?
	assertTrue "first line is '$PROG (newsutils) VERSION'" "head -n 1 '$WORK/out' | grep -Eq '^$PROG \(newsutils\) [0-9]+\.[0-9]+\.[0-9]+$'"
	assertTrue "--version lists libarchive" "grep -q '^libarchive ' '$WORK/out'"
	assertTrue "--version lists zlib" "grep -q '^zlib ' '$WORK/out'"
	assertEquals "-V is --version" "$(cat "$WORK/out")" "$("$P" -V)"
}

test_unknown_option_is_one_usage_line_and_exit_2() {
	"$P" --no-such-option "$IN1" >"$WORK/out" 2>"$WORK/err"
	assertEquals "an unknown option exits 2" 2 $?
	assertEquals "stderr is one line" 1 "$(wc -l <"$WORK/err")"
	assertTrue "the line starts with usage:" "grep -q '^usage: $PROG: unknown option' '$WORK/err'"
	assertFalse "nothing is written to stdout" "[ -s '$WORK/out' ]"
}

test_missing_option_argument_exits_2() {
	"$P" -o >"$WORK/out" 2>"$WORK/err"
	assertEquals "-o without a file exits 2" 2 $?
	assertTrue "says the option needs an argument" "grep -q \"^usage: $PROG: option '-o' needs an argument\" '$WORK/err'"
}

test_missing_file_is_exit_1_with_its_name() {
	"$P" /nonexistent/input >"$WORK/out" 2>"$WORK/err"
	assertEquals "a missing file exits 1" 1 $?
	assertEquals "the message names the file, lowercase" \
		"$PROG: /nonexistent/input: no such file or directory" "$(cat "$WORK/err")"
}

test_mixed_good_and_missing_inputs_keep_the_good_output() {
	"$P" "$IN1" /nonexistent/input "$IN2" >"$WORK/mixed" 2>"$WORK/err"
	assertEquals "a missing file among good ones exits 1" 1 $?
	"$P" "$IN1" "$IN2" >"$WORK/good" 2>/dev/null
	assertEquals "the good inputs are all written" "$(cat "$WORK/good")" "$(cat "$WORK/mixed")"
}

test_stdin_dash_and_pipe_are_the_same() {
	"$P" <"$IN1" >"$WORK/a"
	"$P" - <"$IN1" >"$WORK/b"
	# shellcheck disable=SC2002 # a pipe, not a file, is what is tested
	cat "$IN1" | "$P" >"$WORK/c"
	assertTrue "no operand reads stdin" "[ -s '$WORK/a' ]"
	assertTrue "'-' is stdin" "cmp -s '$WORK/a' '$WORK/b'"
	assertTrue "a pipe is stdin" "cmp -s '$WORK/a' '$WORK/c'"
}

test_several_files_are_one_stream() {
	"$P" "$IN1" "$IN2" >"$WORK/both"
	if [ "$PROG" = nsplit ]; then
		{ "$P" "$IN1"; "$P" "$IN2"; } >"$WORK/each"
		assertTrue "two files give the output of each, in order" "cmp -s '$WORK/both' '$WORK/each'"
	else
		# Records flow as one stream: ndedup sees the second file's
		# copies of the first's records.
		cat "$IN1" "$IN2" | "$P" >"$WORK/each"
		assertTrue "two files give the output of their concatenation" "cmp -s '$WORK/both' '$WORK/each'"
	fi
}

test_compressed_input_is_detected_by_content() {
	for z in "gzip -c" "bzip2 -c" "xz -c" "zstd -q -c" "lz4 -q -c"; do
		$z <"$IN1" >"$WORK/input.noext"
		"$P" <"$WORK/input.noext" >"$WORK/z" 2>"$WORK/err"
		assertEquals "$z input exits 0" 0 $?
		"$P" <"$IN1" >"$WORK/plain"
		assertTrue "$z input gives the plain output" "cmp -s '$WORK/plain' '$WORK/z'"
	done
}

test_output_file_is_written_atomically() {
	"$P" "$IN1" >"$WORK/stdout"
	mkdir "$WORK/outdir"
	"$P" -o "$WORK/outdir/out.jsonl" "$IN1"
	assertEquals "-o exits 0" 0 $?
	assertTrue "-o holds what stdout would" "cmp -s '$WORK/stdout' '$WORK/outdir/out.jsonl'"
	assertEquals "no temporary file is left" "out.jsonl" "$(ls "$WORK/outdir")"
}

test_failed_runs_leave_no_temporary_file() {
	echo "old" >"$WORK/keep.jsonl"
	"$P" -o "$WORK/keep.jsonl" /nonexistent/input 2>/dev/null
	assertEquals "a missing input exits 1" 1 $?
	# The output is still replaced: what was read is written, and the
	# exit status says that something was not.
	assertFalse "no temporary file is left" "ls '$WORK' | grep -q 'keep.jsonl.tmp'"
	"$P" -o "$WORK/no/such/dir/out.jsonl" "$IN1" 2>"$WORK/err"
	assertEquals "an output that cannot be created exits 1" 1 $?
	assertTrue "the message says so" "grep -q 'cannot create' '$WORK/err'"
}

test_output_to_devices_and_links_is_not_renamed_over() {
	"$P" -o /dev/null "$IN1"
	assertEquals "-o /dev/null exits 0" 0 $?
	assertTrue "/dev/null is still a character device" "[ -c /dev/null ]"
	mkfifo "$WORK/fifo"
	cat "$WORK/fifo" >"$WORK/from-fifo" &
	"$P" -o "$WORK/fifo" "$IN1"
	wait
	assertTrue "a FIFO is written through" "[ -p '$WORK/fifo' ] && [ -s '$WORK/from-fifo' ]"
	mkfifo "$WORK/fifo.gz"
	gzip -dc <"$WORK/fifo.gz" >"$WORK/from-fifo-gz" &
	"$P" -o "$WORK/fifo.gz" "$IN1"
	wait
	assertTrue "a FIFO named .gz gets gzip" "cmp -s '$WORK/from-fifo-gz' <('$P' '$IN1')"
	echo old >"$WORK/target.jsonl"
	ln -s target.jsonl "$WORK/link.jsonl"
	"$P" -o "$WORK/link.jsonl" "$IN1"
	assertTrue "a symbolic link stays a link" "[ -L '$WORK/link.jsonl' ]"
	assertTrue "and its target gets the output" "cmp -s '$WORK/target.jsonl' <('$P' '$IN1')"
}

test_output_is_compressed_by_extension() {
	"$P" "$IN1" >"$WORK/stdout"
	"$P" -o "$WORK/out.jsonl.gz" "$IN1"
	assertTrue ".gz output is gzip" "gzip -dc '$WORK/out.jsonl.gz' | cmp -s - '$WORK/stdout'"
	"$P" -o "$WORK/out.jsonl.zst" "$IN1"
	assertTrue ".zst output is zstd" "zstd -q -dc '$WORK/out.jsonl.zst' | cmp -s - '$WORK/stdout'"
}

test_closed_pipe_ends_quietly() {
	"$P" "$BIG" 2>"$WORK/err" | head -c 100 >/dev/null
	local status=${PIPESTATUS[0]}
	assertTrue "exit status is SIGPIPE's 141 or 0, was $status" "[ $status -eq 141 ] || [ $status -eq 0 ]"
	assertFalse "nothing on stderr" "[ -s '$WORK/err' ]"
}

test_full_disk_is_an_error() {
	[ -w /dev/full ] || startSkipping
	"$P" "$BIG" >/dev/full 2>"$WORK/err"
	assertEquals "writing to /dev/full exits 1" 1 $?
	assertTrue "the message says why" "grep -q 'write error: no space left on device' '$WORK/err'"
}

test_stats_is_json_on_stderr_or_in_a_file() {
	"$P" "$IN1" >"$WORK/plain" 2>/dev/null
	"$P" --stats "$IN1" >"$WORK/out" 2>"$WORK/err"
	assertEquals "--stats exits 0" 0 $?
	assertTrue "stdout does not change" "cmp -s '$WORK/plain' '$WORK/out'"
	assertEquals "the summary names the tool" "\"$PROG\"" "$(tail -n 1 "$WORK/err" | jq .tool)"
	"$P" --stats="$WORK/stats.json" "$IN1" >/dev/null 2>"$WORK/err"
	assertEquals "--stats=FILE writes the file" "\"$PROG\"" "$(jq .tool "$WORK/stats.json")"
	assertFalse "and nothing to stderr" "[ -s '$WORK/err' ]"
}

test_no_progress_when_stderr_is_not_a_terminal() {
	"$P" "$BIG" >/dev/null 2>"$WORK/err"
	assertFalse "stderr stays empty" "[ -s '$WORK/err' ]"
}

test_output_is_deterministic_and_parses() {
	"$P" "$IN1" "$IN2" >"$WORK/run1"
	"$P" "$IN1" "$IN2" >"$WORK/run2"
	assertTrue "two runs are byte-identical" "cmp -s '$WORK/run1' '$WORK/run2'"
	assertTrue "every line parses with jq" "jq -e . '$WORK/run1' >/dev/null"
	assertTrue "every line parses with Python's json" \
		"python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1], encoding=\"utf-8\")]' '$WORK/run1'"
}

# shellcheck disable=SC1091
. /usr/share/shunit2/shunit2
