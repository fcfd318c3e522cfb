#!/usr/bin/env bash
# nclean's own suite: the seeds' chrome goes and their sentences stay,
# idempotence, the never-empty rule, rules switched off, bad records.

# The seeds' typographic quotes are test data, not shell quoting mistakes.
# shellcheck disable=SC1112

DATA=$(cd "$(dirname "${BASH_SOURCE[0]}")/../data" && pwd)

oneTimeSetUp() {
	P="$NEWSUTILS_BIN/nclean"
	WORK=$(mktemp -d)
	"$NEWSUTILS_BIN/nsplit" "$DATA/seeds" >"$WORK/seeds.jsonl"
	"$P" --explain "$WORK/explain.jsonl" --stats="$WORK/stats" "$WORK/seeds.jsonl" >"$WORK/clean.jsonl"
}

oneTimeTearDown() {
	rm -rf "$WORK"
}

test_the_seeds_chrome_is_gone() {
	local leftover
	for leftover in 'Read original article here' 'LAST MINUTE' 'Yazdır' 'çerez' 'Source: ' \
		'Make my homepage' 'Mainpage Photo Gallery' 'News World Latest News'; do
		assertFalse "'$leftover' should be gone" "jq -r .text '$WORK/clean.jsonl' | grep -qF '$leftover'"
	done
	assertEquals "a lone X is gone" 0 "$(jq -r .text "$WORK/clean.jsonl" | grep -cx 'X')"
	assertEquals "the title is not repeated in the text" 0 \
		"$(jq -r 'select(.title == "Turkey urges NATO to back Azerbaijan’s unity") | .text' "$WORK/clean.jsonl" | grep -cx 'Turkey urges NATO to back Azerbaijan’s unity')"
	assertEquals "the site suffix is split off" '["Turkey says very proud of Azerbaijan’s victories against Armenia","Ahval"]' \
		"$(jq -c 'select(.site) | [.title, .site]' "$WORK/clean.jsonl")"
	assertEquals "the print line's date goes into date" '"2021-12-27"' \
		"$(jq -c 'select(.source | contains("002_")) | .date' "$WORK/clean.jsonl")"
}

test_every_sentence_of_the_seeds_stays() {
	# Every line of 12 words or more below the title that is not chrome,
	# no-break spaces and runs of spaces folded as nclean folds them.
	local f missing=0 line
	jq -r .text "$WORK/clean.jsonl" | tr -s ' ' >"$WORK/texts"
	for f in "$DATA"/seeds/*.txt; do
		tail -n +2 "$f" | sed 's/\xc2\xa0/ /g' | tr -s ' ' | while IFS= read -r line; do
			[ "$(wc -w <<<"$line")" -ge 12 ] || continue
			case "$line" in *çerez* | *reklam* | "LAST MINUTE"* | Source:* | »*) continue ;; esac
			grep -qF -- "${line% }" "$WORK/texts" || echo "missing: ${line:0:80}"
		done
	done >"$WORK/missing"
	missing=$(wc -l <"$WORK/missing")
	cat "$WORK/missing"
	assertEquals "no sentence should be lost" 0 "$missing"
}

test_explain_names_each_removed_line_and_its_rule() {
	assertEquals "as many explanations as lines removed" "$(jq .lines_removed "$WORK/stats")" "$(wc -l <"$WORK/explain.jsonl")"
	assertEquals "the rules used on the seeds" '{"attribution":2,"close-button":1,"cookie":4,"date-print":1,"menu":4,"ticker":1,"title-repeat":2}' \
		"$(jq -c '.removed_by_rule | to_entries | sort_by(.key) | from_entries' "$WORK/stats")"
	assertTrue "each names a record id" "jq -e 'select(.id | test(\"^[0-9a-f]{20}$\") | not)' '$WORK/explain.jsonl' >/dev/null; [ \$? -eq 4 ]"
}

test_cleaning_twice_changes_nothing() {
	"$P" "$WORK/clean.jsonl" >"$WORK/twice.jsonl"
	assertTrue "nclean | nclean is nclean" "cmp -s '$WORK/clean.jsonl' '$WORK/twice.jsonl'"
	"$NEWSUTILS_BIN/nsplit" -f reuters "$DATA/reuters-excerpt.sgm" | "$P" >"$WORK/r1.jsonl"
	"$P" "$WORK/r1.jsonl" >"$WORK/r2.jsonl"
	assertTrue "also on wrapped Reuters text" "cmp -s '$WORK/r1.jsonl' '$WORK/r2.jsonl'"
	assertEquals "whose wrapped lines are joined into paragraphs" 0 \
		"$(head -n 1 "$WORK/r1.jsonl" | jq -r .text | awk 'length > 0 && length < 40' | grep -vc 'Reuter')"
}

test_fields_it_does_not_own_pass_through() {
	printf '%s\n' '{"id":"a","x":{"k":[1, 2]},"text":"Body text of the article.\n\nRead original article here.","z":null}' >"$WORK/one.jsonl"
	"$P" "$WORK/one.jsonl" >"$WORK/out"
	assertEquals "other members verbatim, in order" '{"id":"a","x":{"k":[1, 2]},"text":"Body text of the article.","z":null,"clean":{"flag":"short"}}' "$(cat "$WORK/out")"
}

test_a_record_of_boilerplate_is_kept_and_flagged() {
	printf '%s\n' '{"id":"m","text":"Home News Sport Business Culture Contact\nShare Tweet Email Print\nSubscribe to our newsletter"}' >"$WORK/menu.jsonl"
	"$P" --stats="$WORK/s" "$WORK/menu.jsonl" >"$WORK/out"
	assertEquals "not dropped" 1 "$(wc -l <"$WORK/out")"
	assertEquals "flagged" '"mostly-boilerplate"' "$(jq .clean.flag "$WORK/out")"
	assertEquals "its text is kept" 3 "$(jq -r .text "$WORK/out" | wc -l)"
	assertEquals "and counted" 1 "$(jq '.flags["mostly-boilerplate"]' "$WORK/s")"
}

test_rules_can_be_switched_off() {
	"$P" --disable cookie --disable close-button "$WORK/seeds.jsonl" >"$WORK/out"
	assertTrue "the cookie banner stays" "jq -r .text '$WORK/out' | grep -qF 'çerez'"
	"$P" --disable no-such-rule "$WORK/seeds.jsonl" >/dev/null 2>"$WORK/err"
	assertEquals "an unknown rule is a usage error" 2 $?
	assertEquals "--list-rules" "title-repeat menu ticker date-print share close-button cookie attribution outside-article comments" "$("$P" --list-rules | tr '\n' ' ' | sed 's/ $//')"
}

# Each paragraph of the gold article (its first 40 characters) is in the
# text of the record in $1.
gold_kept() {
	local out=$1 gold=$2 para missing=0
	while IFS= read -r para; do
		[ -n "$para" ] || continue
		jq -r .text "$out" | grep -qF -- "${para:0:40}" || { echo "missing: ${para:0:40}"; missing=$((missing + 1)); }
	done <"$gold"
	return "$missing"
}

test_a_full_page_keeps_its_article_and_drops_the_rest() {
	local page
	for page in aeb-profootballtalk aeb-jpost; do
		"$P" --stats="$WORK/s" "$DATA/pages/$page.jsonl" >"$WORK/$page.out"
		assertTrue "$page: every gold paragraph stays" "gold_kept '$WORK/$page.out' '$DATA/pages/$page.gold.txt'"
		assertEquals "$page: marked as an article found in a page" '"article"' "$(jq .clean.page "$WORK/$page.out")"
		assertEquals "$page: counted" 1 "$(jq .articles_found "$WORK/s")"
		"$P" "$WORK/$page.out" | cmp -s - "$WORK/$page.out"
		assertTrue "$page: cleaning twice changes nothing" $?
	done
	local out=$WORK/aeb-profootballtalk.out
	assertFalse "the menu goes" "jq -r .text '$out' | grep -qx 'PFT Most Commented'"
	assertFalse "the comments go" "jq -r .text '$out' | grep -qF 'thelastchargersfan says:'"
	assertFalse "so do the headlines of other stories" "jq -r .text '$WORK/aeb-jpost.out' | grep -qF 'Russia: Israeli strikes on Syria wrong move'"
	assertTrue "the article is most of what is left" \
		"[ \$(jq -r .text '$out' | wc -c) -lt \$((\$(wc -c <'$DATA/pages/aeb-profootballtalk.gold.txt') * 3 / 2)) ]"
}

test_full_page_detection_can_be_forced_or_switched_off() {
	"$P" --full-page never "$DATA/pages/aeb-profootballtalk.jsonl" >"$WORK/out"
	assertTrue "never: the comments stay" "jq -r .text '$WORK/out' | grep -qF 'thelastchargersfan says:'"
	assertEquals "never: no page mark" null "$(jq .clean.page "$WORK/out")"
	"$P" --disable outside-article --disable comments "$DATA/pages/aeb-profootballtalk.jsonl" >"$WORK/out2"
	assertTrue "switching both rules off is the same" "cmp -s '$WORK/out' '$WORK/out2'"
	# A Japanese blog page: its menus have no interface words auto mode knows.
	"$P" --full-page always "$DATA/pages/aeb-note100yen.jsonl" >"$WORK/out"
	assertTrue "always: the Japanese article stays" "gold_kept '$WORK/out' '$DATA/pages/aeb-note100yen.gold.txt'"
	assertFalse "always: its sidebar goes" "jq -r .text '$WORK/out' | grep -qF '本日の人気記事一覧'"
	"$P" --full-page sometimes "$DATA/pages/aeb-jpost.jsonl" >/dev/null 2>"$WORK/err"
	assertEquals "a bad value is a usage error" 2 $?
	assertFalse "the corpora's articles are no full pages" \
		"'$P' '$WORK/seeds.jsonl' | jq -e 'select(.clean.page)' | grep -q ."
}

test_bad_records_are_reported_counted_kept_and_skipped() {
	{
		head -n 1 "$WORK/seeds.jsonl"
		echo '{"id":"no-text"}'
		echo 'not json'
		printf '{"id":"bad-utf8","text":"\377"}\n'
		head -n 2 "$WORK/seeds.jsonl" | tail -n 1
		printf '{"id":"cut","text":"tru'
	} >"$WORK/mixed.jsonl"
	"$P" --rejects "$WORK/rejects" --stats="$WORK/s" "$WORK/mixed.jsonl" >"$WORK/out" 2>"$WORK/err"
	assertEquals "exits 1" 1 $?
	assertEquals "the good records are written" 2 "$(wc -l <"$WORK/out")"
	assertEquals "the bad ones are kept verbatim" "$(sed -n '2,4p' "$WORK/mixed.jsonl"; tail -n 1 "$WORK/mixed.jsonl")" "$(cat "$WORK/rejects")"
	assertEquals "and counted by reason" '{"invalid-json":2,"missing-text":1,"truncated":1}' \
		"$(jq -c '.rejected_reasons | to_entries | sort_by(.key) | from_entries' "$WORK/s")"
	assertTrue "messages give file:line" "grep -q '^nclean: $WORK/mixed.jsonl:3: invalid record: ' '$WORK/err'"
}

# shellcheck disable=SC1091
. /usr/share/shunit2/shunit2
