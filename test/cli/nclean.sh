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
	# A text that changes (a tab, of the same length as its space) and one
	# that does not, as its producer escaped it: the members after them
	# stay as they were.
	printf '%s\n' '{"id":"b","text":"A tab\there, r\u00e9sum\u00e9.","title":"After \/ text","n":[1,{"a":"x"}]}' \
		'{"id":"c","text":"Caf\u00e9 text \/ as it was.","z":{"y":"\u00e9"}}' >"$WORK/two.jsonl"
	"$P" "$WORK/two.jsonl" >"$WORK/out"
	assertEquals "the members after a changed text, and an unchanged text, verbatim" \
		'{"id":"b","text":"A tab here, résumé.","title":"After \/ text","n":[1,{"a":"x"}],"clean":{"flag":"short"}}
{"id":"c","text":"Caf\u00e9 text \/ as it was.","z":{"y":"\u00e9"},"clean":{"flag":"short"}}' "$(cat "$WORK/out")"
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
	"$P" --disable cookie --disable close-button --disable foreign-language "$WORK/seeds.jsonl" >"$WORK/out"
	assertTrue "the cookie banner stays" "jq -r .text '$WORK/out' | grep -qF 'çerez'"
	"$P" --disable no-such-rule "$WORK/seeds.jsonl" >/dev/null 2>"$WORK/err"
	assertEquals "an unknown rule is a usage error" 2 $?
	assertEquals "--list-rules" "title-repeat menu ticker date-print share close-button cookie attribution template foreign-language outside-article comments pattern" "$("$P" --list-rules | tr '\n' ' ' | sed 's/ $//')"
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
	"$P" --full-page always "$DATA/pages/aeb-note100yen.jsonl" >"$WORK/out"
	assertTrue "always: the Japanese article stays" "gold_kept '$WORK/out' '$DATA/pages/aeb-note100yen.gold.txt'"
	assertFalse "always: its sidebar goes" "jq -r .text '$WORK/out' | grep -qF '本日の人気記事一覧'"
	"$P" --full-page sometimes "$DATA/pages/aeb-jpost.jsonl" >/dev/null 2>"$WORK/err"
	assertEquals "a bad value is a usage error" 2 $?
	assertFalse "the corpora's articles are no full pages" \
		"'$P' '$WORK/seeds.jsonl' | jq -e 'select(.clean.page)' | grep -q ."
}

test_auto_mode_knows_interfaces_in_other_scripts() {
	# A Japanese blog page: its menu is サイトマップ, プライバシーポリシー,
	# お問い合わせ and "Home ›", with the arrow.
	"$P" "$DATA/pages/aeb-note100yen.jsonl" >"$WORK/out"
	assertEquals "auto: the Japanese page is found" '"article"' "$(jq .clean.page "$WORK/out")"
	assertTrue "auto: its article stays" "gold_kept '$WORK/out' '$DATA/pages/aeb-note100yen.gold.txt'"
	assertFalse "auto: its sidebar goes" "jq -r .text '$WORK/out' | grep -qF '本日の人気記事一覧'"
	# A Russian page whose only interface words wear signs: "≡ Меню",
	# "Главная »".
	local menu body
	menu=$(printf '%s\n' '≡ Меню' 'Главная »' Спорт Политика Экономика Культура Общество Наука \
		Здоровье Путешествия Происшествия Технологии)
	body='Правительство утвердило новый план развития транспорта, который предусматривает строительство дорог и мостов в десяти регионах страны до конца следующего года.'
	jq -nc --arg t "$menu"$'\n\n'"$body"$'\n\n'"$body"$'\n\n'"$menu" '{id: "ru", text: $t}' >"$WORK/ru.jsonl"
	"$P" "$WORK/ru.jsonl" >"$WORK/out"
	assertEquals "auto: the Russian page is found" '"article"' "$(jq .clean.page "$WORK/out")"
	assertFalse "auto: its menu goes" "jq -r .text '$WORK/out' | grep -qF 'Путешествия'"
	assertTrue "auto: its article stays" "jq -r .text '$WORK/out' | grep -qF 'строительство дорог'"
}

test_a_wrapped_line_ending_in_share_makes_no_page() {
	# Wire copy: a table of short lines, and paragraphs hard-wrapped so
	# that a line holds the one word "share". That word is no menu item.
	local table para
	table=$(for k in $(seq 1 12); do echo "Net loss region $k"; done)
	para=$'The company said it expects earnings for the full year to be about 1.20 dlrs\nper\nshare'
	jq -nc --arg t "$table"$'\n\n'"$para"$'\n\n'"$para"$'\n\nShare\n\nReuter' '{id: "wire", text: $t}' >"$WORK/wire.jsonl"
	"$P" "$WORK/wire.jsonl" >"$WORK/out"
	assertEquals "no page found" null "$(jq .clean.page "$WORK/out")"
	assertEquals "every table line stays" 12 "$(jq -r .text "$WORK/out" | grep -c '^Net loss region')"
}

test_interface_text_in_another_language_goes_from_the_edges() {
	"$P" --disable cookie --disable close-button --explain "$WORK/ex.jsonl" "$WORK/seeds.jsonl" >/dev/null
	assertEquals "the seed's Turkish cookie banner goes by its language" 5 \
		"$(jq -r 'select(.rule == "foreign-language") | .text' "$WORK/ex.jsonl" | grep -c 'erez\|^X$\|reklam\|İnternet sitemizin')"
	local banner='Melden Sie sich jetzt für unseren Newsletter an und erhalten Sie täglich die wichtigsten Nachrichten direkt in Ihr Postfach.'
	local body
	body=$(tail -n +3 "$DATA/articles/bbc-business-001.txt" | jq -Rs .)
	printf '{"id":"en","text":%s}\n' "$(jq -n --argjson b "$body" --arg x "$banner" '$b + "\n\n" + $x')" >"$WORK/en.jsonl"
	"$P" --explain "$WORK/ex.jsonl" "$WORK/en.jsonl" >"$WORK/out"
	assertEquals "a German newsletter box under an English article goes" "foreign-language" "$(jq -r .rule "$WORK/ex.jsonl")"
	assertFalse "and only it" "jq -r .text '$WORK/out' | grep -qF 'Newsletter'"
	assertTrue "the article's last paragraph stays" "jq -r .text '$WORK/out' | grep -qF 'TimeWarner'"
	# The same box in the article's own language stays: it may be the
	# article's own words, and the rules for known boilerplate are elsewhere.
	printf '{"id":"de","text":%s}\n' "$(jq -n --arg x "$banner" '"Die Bundesregierung hat am Mittwoch in Berlin einen neuen Haushaltsplan vorgelegt, der deutlich höhere Ausgaben für Bildung, Forschung und die Sanierung von Schulen vorsieht. Der Finanzminister sagte, die Schuldenbremse werde trotzdem eingehalten, weil die Steuereinnahmen stärker gestiegen seien als erwartet. Die Opposition kritisierte den Entwurf als unsolide und verlangte Einsparungen bei den Subventionen für Unternehmen. Die Länder forderten mehr Geld für die Kommunen.\n\n" + $x')" >"$WORK/de.jsonl"
	"$P" "$WORK/de.jsonl" | jq -r .text | grep -qF 'Newsletter'
	assertTrue "a German box under a German article stays" $?
	"$P" --disable foreign-language "$WORK/en.jsonl" | jq -r .text | grep -qF 'Newsletter'
	assertTrue "--disable foreign-language keeps it" $?
}

test_cookie_banners_in_capitals_and_other_scripts_go() {
	# Banners whose cookie word folds to the list's only through a
	# capital (Ç, İ, К) or a look-alike (the Kelvin sign for K): a
	# shortcut that looked only for the list's bytes would keep them.
	local body banner
	body=$(tail -n +3 "$DATA/articles/bbc-business-001.txt" | jq -Rs .)
	for banner in 'WE USE COOKİES. BY CONTINUING TO BROWSE YOU ACCEPT OUR POLICY.' \
		'ÇEREZ POLİTİKASI: SİTEMİZİ KULLANARAK ÇEREZLERE İZİN VERMİŞ OLURSUNUZ.' \
		'МЫ ИСПОЛЬЗУЕМ КУКИ. ПОЛИТИКА КОНФИДЕНЦИАЛЬНОСТИ.' \
		'This site uses COO'$'\xe2\x84\xaa''IES; by browsing on you accept them.'; do
		printf '{"id":"c","text":%s}\n' "$(jq -n --argjson b "$body" --arg x "$banner" '$b + "\n\n" + $x')"
	done >"$WORK/cookies.jsonl"
	"$P" --stats="$WORK/s" "$WORK/cookies.jsonl" >"$WORK/out"
	assertEquals "all four banners go by the cookie rule" 4 "$(jq .removed_by_rule.cookie "$WORK/s")"
	assertEquals "and nothing else" 4 "$(jq .lines_removed "$WORK/s")"
}

test_mojibake_is_repaired_and_correct_text_left_alone() {
	"$P" --stats="$WORK/s" "$DATA/mojibake.jsonl" >"$WORK/out"
	assertEquals "every text is what it should be" "" \
		"$(jq -r 'select(.text != .expect) | .id' "$WORK/out")"
	assertEquals "four records repaired: cp1252, cp1254, latin-1, twice" 4 "$(jq .mojibake_repaired "$WORK/s")"
	assertEquals "the correct ones untouched" 3 \
		"$(jq -r 'select(.id | test("correct|look-alikes")) | .id' "$WORK/out" | wc -l)"
	"$P" "$WORK/out" | cmp -s - "$WORK/out"
	assertTrue "cleaning twice changes nothing" $?
}

test_user_patterns_remove_and_keep_lines() {
	cat >"$WORK/pat.txt" <<-'EOF'
		# the site's boxes, and a byline to keep
		contains Kişisel verilerinizi
		line Follow .* on (Twitter|X)
		edge line [0-9]+ (views|okunma)

		keep contains read original article
	EOF
	printf '%s\n' '{"id":"p","text":"12 Views\n\nThe body of the article says something true about the world today, at length.\n\nFollow Ahval on Twitter\n\nKİŞİSEL VERİLERİNİZİ koruyoruz: kişisel verilerinizi işliyoruz.\n\nAnother paragraph ends with 12 Views\n\nRead original article here."}' >"$WORK/p.jsonl"
	"$P" -p "$WORK/pat.txt" --explain "$WORK/ex.jsonl" "$WORK/p.jsonl" >"$WORK/out"
	assertEquals "removed by which pattern" "pat.txt:4 12 Views|pat.txt:3 Follow Ahval on Twitter|pat.txt:2 KİŞİSEL VERİLERİNİZİ koruyoruz: kişisel verilerinizi işliyoruz." \
		"$(jq -r '(.pattern | sub(".*/"; "")) + " " + .text' "$WORK/ex.jsonl" | paste -sd '|')"
	assertTrue "an edge pattern keeps the same words inside" "jq -r .text '$WORK/out' | grep -qx 'Another paragraph ends with 12 Views'"
	assertTrue "a keep pattern beats the attribution rule" "jq -r .text '$WORK/out' | grep -qx 'Read original article here.'"
	"$P" -p "$WORK/pat.txt" --disable pattern "$WORK/p.jsonl" | jq -r .text | grep -qx 'Follow Ahval on Twitter'
	assertTrue "--disable pattern switches them off" $?
	printf 'line (unclosed\n' >"$WORK/bad.txt"
	"$P" -p "$WORK/bad.txt" "$WORK/p.jsonl" >/dev/null 2>"$WORK/err"
	assertEquals "a bad regex is a usage error" 2 $?
	assertEquals "named by file and line" "nclean: $WORK/bad.txt:1: bad regular expression: Unmatched ( or \\(" "$(cat "$WORK/err")"
	printf '# fine\nremove this\n' >"$WORK/bad.txt"
	"$P" -p "$WORK/bad.txt" "$WORK/p.jsonl" >/dev/null 2>"$WORK/err"
	assertEquals "an unknown kind too" 2 $?
	assertTrue "on its line" "grep -qF 'bad.txt:2: expected' '$WORK/err'"
	"$P" -p "$WORK/nonexistent" "$WORK/p.jsonl" >/dev/null 2>&1
	assertEquals "a missing file too" 2 $?
}

# Twelve articles of site a.example with its footer (and a story that
# b.example republished in six of them), a line in only four, and six
# copies of one article of site c.example.
template_records() {
	local i story='The ministers of the two countries met in the capital on Tuesday to sign a trade agreement negotiated for three years.'
	for i in 00 01 02 03 04 05 06 07 08 09 10 11; do
		local text="Article $i begins with its own first sentence about event number $i.\\n\\nIt goes on with a second paragraph, different in every article ($i)."
		case $i in 02 | 04 | 06 | 08 | 10 | 11) text="$text\\n\\n$story" ;; esac
		case $i in 00 | 01 | 02 | 03) text="$text\\n\\nWeekend edition out now" ;; esac
		printf '{"id":"a%s","url":"https://www.a.example/news/%s","text":"%s\\n\\nHarbour Street Media Group, 12 Harbour Street, Exampletown"}\n' "$i" "$i" "$text"
	done
	printf '{"id":"b00","url":"https://b.example/x","text":"A report of its own.\\n\\n%s"}\n' "$story"
	for i in 0 1 2 3 4 5; do
		printf '{"id":"c%s","url":"https://c.example/same","text":"One article, word for word.\\n\\nFooter of site c on every copy"}\n' "$i"
	done
}

test_template_memory_removes_a_sites_recurring_lines_from_the_first_on() {
	template_records >"$WORK/t.jsonl"
	"$P" --explain "$WORK/ex.jsonl" "$WORK/t.jsonl" >"$WORK/out"
	assertEquals "the footer goes from all twelve, the first ones too" \
		"a00 a01 a02 a03 a04 a05 a06 a07 a08 a09 a10 a11" \
		"$(jq -r 'select(.rule == "template") | .id' "$WORK/ex.jsonl" | tr '\n' ' ' | sed 's/ $//')"
	assertEquals "nothing else goes" 12 "$(wc -l <"$WORK/ex.jsonl")"
	assertEquals "the republished story stays" 7 "$(grep -c 'The ministers of the two countries' "$WORK/out")"
	assertEquals "a line of four records stays" 4 "$(grep -c 'Weekend edition out now' "$WORK/out")"
	assertEquals "copies of one text count once" 6 "$(grep -c 'Footer of site c' "$WORK/out")"
	"$P" "$WORK/out" | cmp -s - "$WORK/out"
	assertTrue "cleaning twice changes nothing" $?
	"$P" --template-window 0 "$WORK/t.jsonl" | grep -c 'Harbour Street Media' >"$WORK/n"
	assertEquals "--template-window 0 switches it off" 12 "$(cat "$WORK/n")"
	"$P" --disable template "$WORK/t.jsonl" | cmp -s - <("$P" --template-window 0 "$WORK/t.jsonl")
	assertTrue "as does --disable template" $?
}

test_template_memory_compares_lines_by_their_letters_and_digits() {
	# Site a: a footer that three records give as it is and three past 64
	# bytes, with dashes (a line is keyed one way up to 64 bytes, another
	# past them: the keys must agree), and a line of twelve words that
	# site b holds too. Site c: six copies of one text, which differ only
	# in case and punctuation.
	local i footer copy wide='We all met at the big old red barn on the hill.'
	{
		for i in 0 1 2 3 4 5; do
			footer='Harbour Street Media Group'
			case $i in 3 | 4 | 5) footer="$footer ------------------------------------------" ;; esac
			printf '{"id":"a%s","url":"https://a.example/%s","text":"Story %s opens with a line of its own about event %s.\\n\\n%s\\n\\n%s"}\n' \
				"$i" "$i" "$i" "$i" "$wide" "$footer"
		done
		printf '{"id":"b0","url":"https://b.example/0","text":"A story of site b.\\n\\n%s"}\n' "$wide"
		for i in 0 1 2 3 4 5; do
			copy='One article, word for word.'
			case $i in
			1) copy='ONE ARTICLE - WORD FOR WORD' ;;
			2) copy='One article; word for word!' ;;
			3) copy='one article: word for word' ;;
			4) copy='One Article, Word For Word...' ;;
			esac
			printf '{"id":"c%s","url":"https://c.example/same","text":"%s\\n\\nFooter of site c on every copy"}\n' "$i" "$copy"
		done
	} >"$WORK/k.jsonl"
	"$P" --explain "$WORK/k.ex" "$WORK/k.jsonl" >"$WORK/k.out"
	assertEquals "the footer goes from all six, in either form" "a0 a1 a2 a3 a4 a5" \
		"$(jq -r 'select(.rule == "template") | .id' "$WORK/k.ex" | tr '\n' ' ' | sed 's/ $//')"
	assertEquals "the line that site b holds too stays" 7 "$(grep -c 'big old red barn' "$WORK/k.out")"
	assertEquals "copies that differ in case and punctuation count once" 6 \
		"$(grep -c 'Footer of site c' "$WORK/k.out")"
	assertEquals "nothing else goes" 6 "$(wc -l <"$WORK/k.ex")"
}

test_template_memory_window_site_field_and_memory_bound() {
	template_records >"$WORK/t.jsonl"
	# A window of 3: a record leaves it when 3 more are in; the first ones
	# have seen too few copies of the footer by then.
	"$P" --template-window 3 "$WORK/t.jsonl" >"$WORK/out"
	assertEquals "with a short window the first footers stay" "a00 a01" \
		"$(jq -r 'select(.text | contains("Harbour Street")) | .id' "$WORK/out" | tr '\n' ' ' | sed 's/ $//')"
	"$P" --template-min 13 "$WORK/t.jsonl" | grep -c 'Harbour Street Media' >"$WORK/n"
	assertEquals "--template-min above the count keeps it" 12 "$(cat "$WORK/n")"
	# The site from a field: every record in one site, so the story is in
	# seven records of it (and in more than 5% of them).
	jq -c '. + {outlet: "one"}' "$WORK/t.jsonl" | "$P" --site-field outlet | grep -c 'The ministers of the two' >"$WORK/n"
	assertEquals "--site-field: one site, the story is its template" 0 "$(cat "$WORK/n")"
	# Many records of unique lines around the footer, in the least memory:
	# the tables forget lines seen once, never the footer.
	local i
	for i in $(seq 1 3000); do
		printf '{"id":"m%s","url":"https://m.example/%s","text":"Unique line %s of many, alpha %s.\\nAnother unique line %s, beta.\\nMaple Lane Press footer line"}\n' "$i" "$i" "$i" "$i" "$i"
	done >"$WORK/many.jsonl"
	"$P" --template-memory 64K --stats="$WORK/s" "$WORK/many.jsonl" >"$WORK/out"
	assertEquals "in 64K the footer goes from all" 0 "$(grep -c 'Maple Lane Press' "$WORK/out")"
	assertEquals "and nothing else" 3000 "$(jq .removed_by_rule.template "$WORK/s")"
	"$P" --template-memory 1K "$WORK/many.jsonl" >/dev/null 2>"$WORK/err"
	assertEquals "too little memory is a usage error" 2 $?
}

test_template_memory_keeps_finding_its_lines_across_evictions() {
	# 300 records of one site, each of 100 lines of its own, the first 40
	# of them after a box line each (the template), in the least memory:
	# the tables fill up every few records and forget the lines seen
	# once, and the entries left move back to where they are looked
	# for. With a window of one the box lines reach the 5 records that
	# make them template by the fifth record; if an entry were lost, more
	# would stay.
	awk 'BEGIN {
		for (r = 0; r < 300; r++) {
			t = ""
			for (k = 0; k < 100; k++) {
				if (k < 40) t = t "Riverside Gazette box " k "\\n"
				t = t "Unique line " r " " k " of the story.\\n"
			}
			printf "{\"id\":\"e%d\",\"url\":\"https://riverside.example/%d\",\"text\":\"%s\"}\n", r, r, t
		}
	}' >"$WORK/evict.jsonl"
	"$P" --template-window 1 --template-memory 64K --stats="$WORK/s" "$WORK/evict.jsonl" >"$WORK/out"
	assertEquals "the box lines stay in the first four records only" "e0 e1 e2 e3" \
		"$(jq -r 'select(.text | contains("Riverside Gazette")) | .id' "$WORK/out" | tr '\n' ' ' | sed 's/ $//')"
	assertEquals "each of them whole" 160 "$(jq -r .text "$WORK/out" | grep -c 'Riverside Gazette')"
	assertEquals "and no line of the stories goes" 11840 "$(jq .removed_by_rule.template "$WORK/s")"
}

test_line_classes_hold_wherever_a_line_falls() {
	# The lines are scanned in blocks of bytes, and what a line holds
	# (digits, separators) is noted on the way: of its own bytes, not
	# those of the lines around it in the block. Each of 64 sites shifts
	# its lines by one byte more: a recurring line between lines with
	# figures is a table's label and stays; between lines without (short
	# ones, with figures in the line after), it goes; a menu line goes
	# wherever it falls. The line before the label ends in a figure: one
	# ending in a small letter would keep it as a sentence's part.
	local k i pad names=(Ankara Baku Cairo Dakar Essen Faro)
	for k in $(seq 0 63); do
		pad=$(printf '%*s' "$k" '' | tr ' ' 'x')
		for i in 0 1 2 3 4 5; do
			printf '{"id":"s%s-%s","url":"https://s%s.example/%s","text":"Story %s of %s opens with a line of its own.\\n\\nRevs %s.0 mln vs 7.6\\nHarbour desk note\\nShr %s cts\\n\\nHome | World | Business | Sport\\n\\nFiled from %s.\\nHarbour desk note\\nSeen by %s.\\nIt ran to %s pages in all.\\n\\nThe story %s ends with a line of its own."}\n' \
				"$k" "$i" "$k" "$i" "$i" "$pad" "$i" "$i" "${names[$i]}" "${names[$i]}" "$i" "$i"
		done
	done >"$WORK/blocks.jsonl"
	"$P" --explain "$WORK/blocks.ex" "$WORK/blocks.jsonl" >"$WORK/out"
	assertEquals "the label of every table stays, the line between words goes" 384 \
		"$(jq -r .text "$WORK/out" | grep -c '^Harbour desk note$')"
	assertEquals "it goes after the words, in every record" 384 \
		"$(jq -r 'select(.rule == "template" and .text == "Harbour desk note") | .id' "$WORK/blocks.ex" | sort -u | wc -l)"
	assertEquals "every menu goes" 384 "$(jq -r 'select(.rule == "menu") | .id' "$WORK/blocks.ex" | sort -u | wc -l)"
	assertEquals "and nothing else" 768 "$(wc -l <"$WORK/blocks.ex")"
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

test_escapes_of_other_producers_and_empty_texts() {
	{
		# an escaped NUL, control characters and markup: valid JSON from
		# another producer
		printf '%s\n' '{"id":"s","text":"A NUL \u0000 and a bell \u0007 in a sentence.\u000d\nNext line \u003cbr\u003e here."}'
		# a tag and an entity that the controls inside them hide: they
		# go in one run, not two
		printf '%s\n' '{"id":"hidden","text":"Before </P\u0019 LOCES> after &\u0000amp; here."}'
		# a lone surrogate is no Unicode text: rejected, kept verbatim
		printf '%s\n' '{"id":"surrogate","text":"Half a pair \ud800 here."}'
		printf '%s\n' '{"id":"bad-escape","text":"a \x escape"}'
		printf '%s\n' '{"id":"empty","text":""}'
		printf '%s\n' '{"id":"blank","text":" \n\t\n "}'
		printf '%s\n' '{"id":"null","text":null}'
	} >"$WORK/esc.jsonl"
	"$P" --rejects "$WORK/esc.rejects" --stats="$WORK/esc.stats" "$WORK/esc.jsonl" >"$WORK/esc.out" 2>"$WORK/esc.err"
	assertEquals "exits 1 for the rejected ones" 1 $?
	[ -s "$WORK/esc.out" ] || cat "$WORK/esc.err" >&2 # says why, should it fail
	assertEquals "four records out" "s hidden empty blank" "$(jq -r .id "$WORK/esc.out" | paste -sd ' ')"
	assertEquals "controls go, CR LF and <br> are line breaks" \
		"$(printf 'A NUL and a bell in a sentence.\nNext line\nhere.')" "$(jq -r 'select(.id == "s") | .text' "$WORK/esc.out")"
	assertEquals "a tag and an entity joined by a control's removal are markup" \
		"$(printf 'Before\nafter & here.')" "$(jq -r 'select(.id == "hidden") | .text' "$WORK/esc.out")"
	assertEquals "empty texts stay, flagged short" '"" "short"|"" "short"' \
		"$(jq -r 'select(.id == "empty" or .id == "blank") | "\(.text | tojson) \(.clean.flag | tojson)"' "$WORK/esc.out" | paste -sd '|')"
	assertEquals "the others kept verbatim" "$(sed -n '3,4p;7p' "$WORK/esc.jsonl")" "$(cat "$WORK/esc.rejects")"
	assertEquals "and counted" '{"invalid-json":2,"missing-text":1}' \
		"$(jq -c '.rejected_reasons | to_entries | sort_by(.key) | from_entries' "$WORK/esc.stats")"
	assertTrue "each named by line" "grep -q 'esc.jsonl:3: invalid record: lone high surrogate' '$WORK/esc.err'"
	"$P" "$WORK/esc.out" | cmp -s - "$WORK/esc.out"
	assertTrue "cleaning twice changes nothing" $?
}

test_a_100_mb_record_is_cleaned_whole() {
	# 100 MB of text in one record: paragraphs of a real article, a menu
	# line at the top.
	local para
	para=$(sed -n 3p "$DATA/articles/bbc-business-001.txt" | sed 's/"/\\"/g')
	{
		printf '{"id":"big","text":"Home News Sport Business Culture Contact\\n\\n'
		yes "$para\\n\\n" | head -c 100000000 | tr -d '\n'
		printf 'The end."}\n'
	} >"$WORK/big.jsonl"
	"$P" --stats="$WORK/s" "$WORK/big.jsonl" >"$WORK/out" 2>"$WORK/err"
	assertEquals "exits 0" 0 $?
	assertEquals "one record" 1 "$(wc -l <"$WORK/out")"
	assertEquals "its menu removed" 1 "$(jq .lines_removed "$WORK/s")"
	local n end
	read -r n end < <(jq -r '"\(.text | length) \(.text[-8:])"' "$WORK/out")
	assertTrue "nearly all of its text kept ($n characters)" "[ $n -gt 95000000 ]"
	assertEquals "up to its end" "The end." "$end"
	rm -f "$WORK/big.jsonl" "$WORK/out"
}

# shellcheck disable=SC1091
. /usr/share/shunit2/shunit2
