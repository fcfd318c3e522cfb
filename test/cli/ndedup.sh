#!/usr/bin/env bash
# ndedup's own suite: exact and near duplicates, marking and dropping,
# clusters, --key, the seeds (five different stories), bad options.

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
	"$P" --bands 5 "$WORK/in.jsonl" >/dev/null 2>"$WORK/err"
	assertEquals "bands that do not divide the hashes" 2 $?
	"$P" --threshold 1.5 "$WORK/in.jsonl" >/dev/null 2>"$WORK/err"
	assertEquals "a threshold above 1" 2 $?
	assertTrue "one usage line" "grep -q '^usage: ndedup: --threshold' '$WORK/err'"
}

# shellcheck disable=SC1091
. /usr/share/shunit2/shunit2
