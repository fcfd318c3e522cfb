#!/usr/bin/env bash
# ndedup's own suite: exact and near duplicates, marking and dropping,
# clusters, --key, the seeds (five different stories), bad options, the
# index from run to run (damaged, foreign, built otherwise, kill -9), keep
# policies, --mem.

DATA=$(cd "$(dirname "${BASH_SOURCE[0]}")/../data" && pwd)

oneTimeSetUp() {
	P="$NEWSUTILS_BIN/ndedup"
	WORK=$(mktemp -d)
	local a b
	a=$(tail -n +3 "$DATA/articles/bbc-business-001.txt")
	b=$(tail -n +3 "$DATA/articles/bbc-politics-010.txt")
	# r1 an article; r2 the same, shouted and respaced; r3 the same with its
	# last paragraph dropped and a footer; r4 another article; r5 r1 with
	# its figures changed; r6 empty; r7 and r8 empty too.
	jq -cn --arg a "$a" --arg b "$b" '
		def lastpara_dropped: split("\n\n") | .[:-1] | join("\n\n");
		{id: "r1", url: "u1", text: $a},
		{id: "r2", url: "u2", text: ($a | ascii_upcase | gsub("\\. "; " .  "))},
		{id: "r3", url: "u1", text: (($a | lastpara_dropped) + "\n\nRead more on our site.")},
		{id: "r4", url: "u4", text: $b},
		{id: "r5", url: "u5", text: ($a | gsub("76%"; "67%") | gsub("1.13bn"; "3.11bn"))},
		{id: "r6", url: "u6", text: ""},
		{id: "r7", url: "u7", text: "  "}
	' >"$WORK/in.jsonl"
}

oneTimeTearDown() {
	rm -rf "$WORK"
}

test_exact_and_near_duplicates_are_marked() {
	"$P" --stats="$WORK/s" "$WORK/in.jsonl" >"$WORK/out"
	assertEquals "every record written" 7 "$(wc -l <"$WORK/out")"
	assertEquals "case, spacing and punctuation do not matter" '{"of":"r1","sim":1,"cluster":"r1"}' \
		"$(jq -c 'select(.id == "r2") | .dup' "$WORK/out")"
	local sim
	sim=$(jq -r 'select(.id == "r3") | .dup.sim' "$WORK/out")
	assertEquals "a paragraph dropped and a footer: a near duplicate of r1" r1 "$(jq -r 'select(.id == "r3") | .dup.of' "$WORK/out")"
	assertTrue "whose similarity is below 1 and above the threshold ($sim)" "awk 'BEGIN { exit !($sim < 1 && $sim >= 0.5) }'"
	assertEquals "another article is kept" null "$(jq -c 'select(.id == "r4") | .dup' "$WORK/out")"
	assertEquals "figures matter for the exact key" false "$(jq 'select(.id == "r5") | .dup.sim == 1' "$WORK/out")"
	assertEquals "empty texts are never duplicates" 'null null' "$(jq -c 'select(.id == "r6" or .id == "r7") | .dup' "$WORK/out" | paste -sd ' ')"
	assertEquals "counted" '{"kept":4,"exact_duplicates":1,"near_duplicates":2,"empty":2}' \
		"$(jq -c '{kept, exact_duplicates, near_duplicates, empty}' "$WORK/s")"
	"$P" "$WORK/out" | cmp -s - "$WORK/out"
	assertTrue "marking again gives the same marks" $?
}

test_drop_exact_key_and_clusters() {
	"$P" --drop --clusters "$WORK/c" --stats="$WORK/s" "$WORK/in.jsonl" >"$WORK/out"
	assertEquals "--drop writes the kept records" "r1 r4 r6 r7" "$(jq -r .id "$WORK/out" | paste -sd ' ')"
	assertEquals "and counts the others" 3 "$(jq .dropped "$WORK/s")"
	assertEquals "--clusters lists each cluster with its duplicates" '{"cluster":"r1","size":4,"ids":["r1","r2","r3","r5"]}' "$(cat "$WORK/c")"
	"$P" --exact "$WORK/in.jsonl" >"$WORK/out"
	assertEquals "--exact: only the exact copy" "r2" "$(jq -r 'select(.dup) | .id' "$WORK/out" | paste -sd ' ')"
	"$P" --key url "$WORK/in.jsonl" >"$WORK/out"
	assertEquals "--key url: the same url" '{"of":"r1","sim":1,"cluster":"r1"}' "$(jq -c 'select(.id == "r3") | .dup' "$WORK/out")"
	assertEquals "and nothing else" 1 "$(jq -c 'select(.dup)' "$WORK/out" | wc -l)"
}

test_paragraph_level_removes_paragraphs_seen_before() {
	local bg='Relations between the two countries have been tense since 1991, when the war began over the region.'
	jq -cn --arg bg "$bg" '
		{id: "p1", text: ("The first story starts with its own news, told in a sentence of its own.\n\n" + $bg)},
		{id: "p2", text: ("A second story with other news, told in a long sentence here.\n\n" + ($bg | ascii_upcase) + "\n\nShort line")},
		{id: "p3", text: ($bg + "\n\nShort line")}
	' >"$WORK/p.jsonl"
	"$P" --level paragraph --stats="$WORK/s" "$WORK/p.jsonl" >"$WORK/out"
	assertEquals "the first keeps the background paragraph" 2 "$(jq -r 'select(.id == "p1") | .text' "$WORK/out" | grep -c .)"
	assertEquals "the second loses it, and keeps the rest" \
		"$(printf 'A second story with other news, told in a long sentence here.\n\nShort line')" "$(jq -r 'select(.id == "p2") | .text' "$WORK/out")"
	assertEquals "marked with the number removed" '{"paragraphs":1}' "$(jq -c 'select(.id == "p2") | .dup' "$WORK/out")"
	assertEquals "short lines are never repeats" "Short line" "$(jq -r 'select(.id == "p3") | .text' "$WORK/out")"
	assertEquals "counted" 2 "$(jq .paragraphs_removed "$WORK/s")"
	jq -cn '{id: "q1", text: "One paragraph of eight words or more in it."}, {id: "q2", text: "One paragraph of eight words or more in it!"}' |
		"$P" --level paragraph --drop >"$WORK/out"
	assertEquals "--drop drops a record of repeats only" q1 "$(jq -r .id "$WORK/out")"
	"$P" --level sentence "$WORK/p.jsonl" >/dev/null 2>&1
	assertEquals "an unknown level is a usage error" 2 $?
}

test_the_seeds_are_five_different_stories() {
	"$NEWSUTILS_BIN/nsplit" "$DATA/seeds" | "$NEWSUTILS_BIN/nclean" | "$P" --stats="$WORK/s" >"$WORK/out"
	assertEquals "five records" 5 "$(wc -l <"$WORK/out")"
	assertEquals "none is a duplicate" 5 "$(jq .kept "$WORK/s")"
}

test_bad_options_are_usage_errors() {
	"$P" --bands 40 --rows 4 "$WORK/in.jsonl" >/dev/null 2>"$WORK/err"
	assertEquals "bands x rows above the hashes" 2 $?
	"$P" --hashes 100 "$WORK/in.jsonl" >/dev/null 2>"$WORK/err"
	assertEquals "hashes not a multiple of 16" 2 $?
	"$P" --rows 17 "$WORK/in.jsonl" >/dev/null 2>"$WORK/err"
	assertEquals "more rows than a band takes" 2 $?
	"$P" --threshold 1.5 "$WORK/in.jsonl" >/dev/null 2>"$WORK/err"
	assertEquals "a threshold above 1" 2 $?
	assertTrue "one usage line" "grep -q '^usage: ndedup: --threshold' '$WORK/err'"
}

test_the_index_carries_the_records_kept_from_run_to_run() {
	rm -f "$WORK/idx"
	"$P" --index "$WORK/idx" --stats="$WORK/s" "$WORK/in.jsonl" >/dev/null
	assertEquals "the first run starts from nothing" 0 $?
	assertTrue "and leaves an index" "[ -s '$WORK/idx' ]"
	assertEquals "of the records kept that have text (r1, r4)" 2 "$(jq .index_records "$WORK/s")"
	# The next night: r4 again under another id, and a new story.
	jq -c 'select(.id == "r4") | .id = "n1"' "$WORK/in.jsonl" >"$WORK/night2.jsonl"
	jq -c 'select(.id == "r1") | .id = "n2" | .text = (.text | split("\n\n") | reverse | join("\n\n"))' \
		"$WORK/in.jsonl" >>"$WORK/night2.jsonl"
	jq -cn --arg t "$(tail -n +3 "$DATA/articles/bbc-tech-005.txt")" '{id: "n3", text: $t}' \
		>>"$WORK/night2.jsonl"
	"$P" --index "$WORK/idx" --stats="$WORK/s" "$WORK/night2.jsonl" >"$WORK/out"
	assertEquals "a record seen last night is a duplicate of it" r4 \
		"$(jq -r 'select(.id == "n1") | .dup.of' "$WORK/out")"
	assertEquals "a near copy too" r1 "$(jq -r 'select(.id == "n2") | .dup.of' "$WORK/out")"
	assertEquals "the index had two" 2 "$(jq .index_records_before "$WORK/s")"
	assertEquals "the new story is kept" null "$(jq -c 'select(.id == "n3") | .dup' "$WORK/out")"
	"$P" --index "$WORK/idx" --stats="$WORK/s" </dev/null >/dev/null
	assertEquals "and holds what both nights kept" "$((2 + $(jq -s '[.[] | select(.dup == null)] | length' "$WORK/out")))" \
		"$(jq .index_records "$WORK/s")"
	assertFalse "no temporary file is left" "[ -e '$WORK/idx.ndedup-tmp' ]"
}

test_an_index_not_ours_damaged_or_of_another_version_is_refused_and_kept() {
	rm -f "$WORK/idx"
	"$P" --index "$WORK/idx" "$WORK/in.jsonl" >/dev/null
	local size
	size=$(stat -c %s "$WORK/idx")
	echo 'a shopping list' >"$WORK/bad"
	"$P" --index "$WORK/bad" "$WORK/in.jsonl" >"$WORK/out" 2>"$WORK/err"
	assertEquals "a file not ours: an error" 1 $?
	assertEquals "that says so" "ndedup: $WORK/bad: not an ndedup index" "$(cat "$WORK/err")"
	assertEquals "and the file is left as it was" 'a shopping list' "$(cat "$WORK/bad")"
	assertEquals "no record is written against it" 0 "$(wc -l <"$WORK/out")"
	head -c $((size - 20)) "$WORK/idx" >"$WORK/cut"
	"$P" --index "$WORK/cut" "$WORK/in.jsonl" >/dev/null 2>"$WORK/err"
	assertEquals "a file cut short: an error" 1 $?
	assertTrue "that says so ($(cat "$WORK/err"))" "grep -q 'damaged ndedup index: cut short' '$WORK/err'"
	assertEquals "and the file is left as it was" $((size - 20)) "$(stat -c %s "$WORK/cut")"
	cp "$WORK/idx" "$WORK/flip"
	printf 'Z' | dd of="$WORK/flip" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
	"$P" --index "$WORK/flip" "$WORK/in.jsonl" >/dev/null 2>"$WORK/err"
	assertEquals "a byte changed: an error" 1 $?
	assertTrue "that says so ($(cat "$WORK/err"))" "grep -q 'damaged ndedup index' '$WORK/err'"
	cp "$WORK/idx" "$WORK/hdr"
	printf '\003' | dd of="$WORK/hdr" bs=1 seek=16 conv=notrunc 2>/dev/null
	"$P" --index "$WORK/hdr" "$WORK/in.jsonl" >/dev/null 2>"$WORK/err"
	assertEquals "a header damaged to other settings is damage, not a usage error" 1 $?
	assertTrue "($(cat "$WORK/err"))" "grep -q 'checksum does not match' '$WORK/err'"
	cp "$WORK/idx" "$WORK/v9"
	printf '\011' | dd of="$WORK/v9" bs=1 seek=8 conv=notrunc 2>/dev/null
	"$P" --index "$WORK/v9" "$WORK/in.jsonl" >/dev/null 2>"$WORK/err"
	assertEquals "another format version: an error" 1 $?
	assertTrue "that names both ($(cat "$WORK/err"))" "grep -q 'format version 9; this ndedup reads version 3' '$WORK/err'"
}

test_an_index_built_otherwise_is_a_usage_error() {
	rm -f "$WORK/idx"
	"$P" --index "$WORK/idx" "$WORK/in.jsonl" >/dev/null
	"$P" --index "$WORK/idx" --shingle 3 "$WORK/in.jsonl" >/dev/null 2>"$WORK/err"
	assertEquals "other MinHash settings" 2 $?
	assertTrue "named ($(cat "$WORK/err"))" "grep -q 'built with --shingle 5 --hashes 128 --bands 8 --rows 2' '$WORK/err'"
	"$P" --index "$WORK/idx" --rows 3 "$WORK/in.jsonl" >/dev/null 2>"$WORK/err"
	assertEquals "other rows a band" 2 $?
	"$P" --index "$WORK/idx" --key url "$WORK/in.jsonl" >/dev/null 2>"$WORK/err"
	assertEquals "a key field instead of the text" 2 $?
	"$P" --index "$WORK/idx" --exact "$WORK/in.jsonl" >/dev/null 2>"$WORK/err"
	assertEquals "exact mode against a near index" 2 $?
	"$P" --index "$WORK/idx" --level paragraph "$WORK/in.jsonl" >/dev/null 2>"$WORK/err"
	assertEquals "the paragraph level" 2 $?
}

test_keep_policies_choose_which_copy_stays() {
	# k1 first, k2 the same story with a longer ending, k3 an exact copy of
	# k1 dated earliest, k4 another story.
	local a b
	a=$(tail -n +3 "$DATA/articles/bbc-business-001.txt")
	b=$(tail -n +3 "$DATA/articles/bbc-politics-010.txt")
	jq -cn --arg a "$a" --arg b "$b" '
		{id: "k1", url: "https://www.example.com/1", date: "2004-12-20", text: $a},
		{id: "k2", url: "https://news.bbc.co.uk/2", date: "2004-12-21T09:00:00Z",
		 text: ($a + "\n\nMore on this story in our business section, with figures from the company and its rivals.")},
		{id: "k3", url: "https://mirror.example.org/3", date: "2004-12-19", text: $a},
		{id: "k4", url: "https://www.example.com/4", text: $b}
	' >"$WORK/keep.jsonl"
	"$P" --keep first "$WORK/keep.jsonl" | jq -r 'select(.dup == null) | .id' >"$WORK/kept"
	assertEquals "first: the first of each" "k1 k4" "$(echo $(cat "$WORK/kept"))"
	"$P" --keep longest --stats="$WORK/s" "$WORK/keep.jsonl" >"$WORK/out"
	assertEquals "longest: the longest text" "k2 k4" "$(echo $(jq -r 'select(.dup == null) | .id' "$WORK/out"))"
	assertEquals "the others are its copies" "k2 k2" "$(echo $(jq -r 'select(.dup) | .dup.of' "$WORK/out"))"
	assertEquals "in input order" "k1 k2 k3 k4" "$(echo $(jq -r .id "$WORK/out"))"
	assertEquals "copies count against the record kept: both are near copies of it" "0 2" \
		"$(jq '[.exact_duplicates, .near_duplicates] | map(tostring) | join(" ")' -r "$WORK/s")"
	"$P" --keep earliest "$WORK/keep.jsonl" >"$WORK/out"
	assertEquals "earliest: the earliest date" "k3 k4" "$(echo $(jq -r 'select(.dup == null) | .id' "$WORK/out"))"
	printf '# preferred outlets\nbbc.co.uk\n\nexample.org\n' >"$WORK/sources"
	"$P" --keep "sources:$WORK/sources" --drop "$WORK/keep.jsonl" >"$WORK/out"
	assertEquals "sources: the first listed, then the unlisted" "k2 k4" "$(echo $(jq -r .id "$WORK/out"))"
	# With an index, tonight's copies of a story kept last night stay copies.
	rm -f "$WORK/idx"
	"$P" --keep longest --index "$WORK/idx" "$WORK/keep.jsonl" >/dev/null
	jq -c 'select(.id == "k1") | .id = "k5"' "$WORK/keep.jsonl" >"$WORK/night2.jsonl"
	"$P" --keep longest --index "$WORK/idx" "$WORK/night2.jsonl" >"$WORK/out"
	assertEquals "the index names the record kept" k2 "$(jq -r .dup.of "$WORK/out")"
	printf 'a b\n' >"$WORK/badsources"
	"$P" --keep "sources:$WORK/badsources" "$WORK/keep.jsonl" >/dev/null 2>"$WORK/err"
	assertEquals "a bad sources file: a usage error" 2 $?
	assertTrue "at its line ($(cat "$WORK/err"))" "grep -q '^ndedup: $WORK/badsources:1: ' '$WORK/err'"
	"$P" --keep biggest "$WORK/keep.jsonl" >/dev/null 2>&1
	assertEquals "an unknown policy: a usage error" 2 $?
}

# Records of 40 made-up words each, ids g<from>.. (enough for an index of
# several megabytes, which takes a while to write).
made_up() {
	awk -v from="$1" -v n="$2" 'BEGIN {
		srand(from)
		for (i = from; i < from + n; i++) {
			s = ""
			for (j = 0; j < 40; j++)
				s = s sprintf("w%d ", int(rand() * 100000))
			printf "{\"id\":\"g%d\",\"text\":\"%s\"}\n", i, s
		}
	}'
}

# Records whose ids come in the shapes the index codes differently: nsplit's
# 20 hex digits, hex with a suffix, odd and uppercase hex, urls of one site
# (long shared prefixes), non-ASCII, a NUL, an empty id; then a copy of each.
odd_ids() {
	python3 - "$1" <<'PY'
import json, random, sys
r = random.Random(7)
ids = []
for i in range(90):
    kind = i % 9
    h = "%020x" % r.getrandbits(80)
    ids.append([h, h + "-%d" % i, h[:7], h.upper(), "abc" + h[:5] + "Z",
                "https://example.com/news/2021/%d/story-%d" % (i % 3, i),
                "çavuşoğlu-%d" % i, "nul\u0000%d" % i, ""][kind])
ids[-1] = ""
out = []
for i, id_ in enumerate(ids):
    words = " ".join("w%d" % r.randrange(10**6) for _ in range(40))
    out.append({"id": id_, "text": words})
copies = [{"id": "copy-%d" % i, "text": o["text"]} for i, o in enumerate(out)]
with open(sys.argv[1] + ".orig", "w") as f:
    f.writelines(json.dumps(o) + "\n" for o in out)
with open(sys.argv[1] + ".copies", "w") as f:
    f.writelines(json.dumps(o) + "\n" for o in copies)
PY
}

test_a_copy_names_the_id_of_the_record_it_copies_whatever_its_shape() {
	odd_ids "$WORK/ids"
	local want
	want=$(jq -c .id "$WORK/ids.orig")
	cat "$WORK/ids.orig" "$WORK/ids.copies" | "$P" >"$WORK/out"
	assertEquals "in one stream" "$want" "$(jq -c 'select(.dup) | .dup.of' "$WORK/out")"
	rm -f "$WORK/idx"
	"$P" --index "$WORK/idx" "$WORK/ids.orig" >/dev/null
	"$P" --index "$WORK/idx" "$WORK/ids.copies" >"$WORK/out"
	assertEquals "through the index" "$want" "$(jq -c 'select(.dup) | .dup.of' "$WORK/out")"
	# the longer originals come second: the policy renames each cluster
	jq -c '.text += " more"' "$WORK/ids.orig" >"$WORK/ids.longer"
	cat "$WORK/ids.copies" "$WORK/ids.longer" | "$P" --keep longest --index "$WORK/idx2" >"$WORK/out"
	assertEquals "renamed by a keep policy" "$want" "$(jq -c 'select(.dup) | .dup.of' "$WORK/out")"
	"$P" --index "$WORK/idx2" "$WORK/ids.orig" >"$WORK/out"
	assertEquals "and so in the index" "$want" "$(jq -c 'select(.dup) | .dup.of' "$WORK/out")"
}

test_mem_caps_the_index_and_says_so() {
	made_up 0 6000 >"$WORK/m.jsonl"
	head -n 50 "$WORK/m.jsonl" | sed 's/"id":"g/"id":"early-g/' >>"$WORK/m.jsonl"
	sed -n '5951,6000p' "$WORK/m.jsonl" | sed 's/"id":"g/"id":"late-g/' >>"$WORK/m.jsonl"
	"$P" --mem 600K --stats="$WORK/s" "$WORK/m.jsonl" >"$WORK/out" 2>"$WORK/err"
	assertEquals "a full index is no error" 0 $?
	assertTrue "it is said once ($(cat "$WORK/err"))" \
		"[ \$(grep -c 'the index reached --mem at record' '$WORK/err') -eq 1 ]"
	assertEquals "copies of records indexed before it filled are found" 50 \
		"$(jq -r 'select(.dup) | .id' "$WORK/out" | grep -c '^early-')"
	assertEquals "copies of records that came after are not" 0 \
		"$(jq -r 'select(.dup) | .id' "$WORK/out" | grep -c '^late-')"
	assertTrue "the records not added are counted" "[ $(jq .not_indexed "$WORK/s") -gt 0 ]"
	assertEquals "every record is written" 6100 "$(wc -l <"$WORK/out")"
	"$P" --mem 10K "$WORK/m.jsonl" >/dev/null 2>&1
	assertEquals "a cap below the first tables is a usage error" 2 $?
	rm -f "$WORK/idx"
	"$P" --index "$WORK/idx" "$WORK/m.jsonl" >/dev/null
	"$P" --index "$WORK/idx" --mem 512K </dev/null >/dev/null 2>"$WORK/err"
	assertEquals "an index larger than --mem: an error" 1 $?
	assertTrue "that says so ($(cat "$WORK/err"))" "grep -q 'more than --mem' '$WORK/err'"
}

test_kill_9_at_any_moment_leaves_the_old_index_or_the_new_one() {
	made_up 0 20000 >"$WORK/n1.jsonl"
	made_up 20000 20000 >"$WORK/n2.jsonl"
	rm -f "$WORK/idx"
	"$P" --index "$WORK/idx" "$WORK/n1.jsonl" >/dev/null
	cp "$WORK/idx" "$WORK/old"
	"$P" --index "$WORK/idx" "$WORK/n2.jsonl" >/dev/null
	cp "$WORK/idx" "$WORK/new"
	assertFalse "the second night changes the index" "cmp -s '$WORK/old' '$WORK/new'"
	local trial pid delay old=0 new=0 in_write=0
	for trial in 1 2 3 4 5 6 7 8 9 10 11 12; do
		cp "$WORK/old" "$WORK/idx"
		"$P" --index "$WORK/idx" "$WORK/n2.jsonl" >/dev/null 2>&1 &
		pid=$!
		if ((trial <= 4)); then
			# while it writes the new index: its temporary file is there
			while [ ! -e "$WORK/idx.ndedup-tmp" ] && kill -0 $pid 2>/dev/null; do :; done
			[ -e "$WORK/idx.ndedup-tmp" ] && in_write=$((in_write + 1))
		else
			delay=$(awk -v t="$trial" 'BEGIN { printf "%.2f", (t - 4) * 0.12 }')
			sleep "$delay"
		fi
		kill -9 $pid 2>/dev/null
		wait $pid 2>/dev/null
		if cmp -s "$WORK/idx" "$WORK/old"; then
			old=$((old + 1))
		elif cmp -s "$WORK/idx" "$WORK/new"; then
			new=$((new + 1))
		else
			fail "trial $trial: the index is neither the old one nor the new one"
		fi
		local status
		"$P" --index "$WORK/idx" </dev/null >/dev/null 2>"$WORK/err"
		status=$?
		assertEquals "trial $trial: the index loads ($(cat "$WORK/err"))" 0 "$status"
	done
	assertEquals "every trial left one of the two" 12 $((old + new))
	assertTrue "some kills came while the new index was written ($in_write)" "[ $in_write -gt 0 ]"
	# A run after a kill writes over the temporary file the kill left.
	"$P" --index "$WORK/idx" "$WORK/n2.jsonl" >/dev/null
	assertEquals "a run after a kill completes" 0 $?
	assertFalse "and leaves no temporary file" "[ -e '$WORK/idx.ndedup-tmp' ]"
}

# shellcheck disable=SC1091
. /usr/share/shunit2/shunit2
