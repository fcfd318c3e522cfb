#!/usr/bin/env bash
# ntag's own suite: the language of the seeds (an English article under a
# Turkish cookie banner is English, the banner a Turkish span), countries
# with code-point offsets on non-ASCII text, the outlet from each of its
# places, quality signals, --taggers, --keep and --drop with their errors,
# bad input, and a second run that changes nothing.

DATA=$(cd "$(dirname "${BASH_SOURCE[0]}")/../data" && pwd)

oneTimeSetUp() {
	P="$NEWSUTILS_BIN/ntag"
	WORK=$(mktemp -d)
	"$NEWSUTILS_BIN/nsplit" "$DATA/seeds" >"$WORK/seeds.jsonl"
}

test_the_seeds_are_english_and_the_banner_is_a_turkish_span() {
	"$P" "$WORK/seeds.jsonl" >"$WORK/out"
	assertEquals "five records, all English" "en en en en en" \
		"$(jq -r .lang "$WORK/out" | tr '\n' ' ' | sed 's/ $//')"
	assertEquals "the tag says the same" "en en en en en" \
		"$(jq -r .tags.lang.code "$WORK/out" | tr '\n' ' ' | sed 's/ $//')"
	assertEquals "no spans by default" "null" "$(jq -c '.tags.lang.spans' "$WORK/out" | sort -u)"
	# the seed with the cookie banner: an English span, then a Turkish one
	"$P" -t paragraphs "$WORK/seeds.jsonl" >"$WORK/out"
	assertEquals "the whole text says English too" "en en en en en" \
		"$(jq -r .lang "$WORK/out" | tr '\n' ' ' | sed 's/ $//')"
	local spans
	spans=$(jq -c 'select(.text | test("çerez")) | [.tags.lang.spans[][2]]' "$WORK/out")
	assertEquals "English, then the Turkish banner" '["en","tr"]' "$spans"
	assertEquals "the Turkish span is the banner" "tr" \
		"$(jq -r 'select(.text | test("çerez")) | .tags.lang.spans[1] as [$s, $e] |
			.text | explode | .[$s:$e] | implode | select(test("^Bu web sitesi|çerez")) | "tr"' "$WORK/out" | head -n 1)"
}

test_countries_with_counts_and_code_point_offsets() {
	"$P" -t places "$WORK/seeds.jsonl" >"$WORK/out"
	local first
	first=$(sed -n 2p "$WORK/out")
	assertEquals "Turkey, Azerbaijan and Armenia in the NATO story" "AM AZ TR" \
		"$(printf '%s\n' "$first" | jq -r '[.tags.countries[].code] | map(select(. == "TR" or . == "AZ" or . == "AM")) | sort | join(" ")')"
	# every span of every country is a name of it, cut by code points
	assertEquals "the spans of AZ are its names" "Azerbaijan Azerbaijani Azerbaijanis Azeri Baku" \
		"$(jq -r '.text as $t | .tags.countries[] | select(.code == "AZ") | .spans[] as [$s, $e] |
			$t | explode | .[$s:$e] | implode' "$WORK/out" | sed "s/’s$//" | sort -u | tr '\n' ' ' | sed 's/ $//')"
	# offsets are code points: non-ASCII before a name does not shift it
	# shellcheck disable=SC1112 # the typographic apostrophe is the point
	printf '%s\n' '{"id":"x","text":"Çavuşoğlu’nun ziyareti: Türkiye ve Azərbaycan, ŞİMDİ Almanya."}' |
		"$P" -t places >"$WORK/x"
	assertEquals "Türkiye, Azərbaycan and Almanya found where they are" "Türkiye|Azərbaycan|Almanya" \
		"$(jq -r '.text as $t | [.tags.countries[] | .spans[0] as [$s, $e] | $t | explode | .[$s:$e] | implode] | join("|")' "$WORK/x")"
	assertEquals "with their codes" "TR AZ DE" "$(jq -r '[.tags.countries[].code] | join(" ")' "$WORK/x")"
}

test_names_that_are_not_places() {
	printf '%s\n' \
		'{"id":"a","text":"We ate turkey in New Mexico with Latin American friends; us too."}' \
		'{"id":"b","text":"The US and the UK met in Washington. Us and Uk are not codes."}' |
		"$P" -t places >"$WORK/out"
	assertEquals "a bird, a state and a region are no country" "" \
		"$(sed -n 1p "$WORK/out" | jq -r '[.tags.countries[].code] | join(" ")')"
	assertEquals "short names only in capitals" "US GB" \
		"$(sed -n 2p "$WORK/out" | jq -r '[.tags.countries[] | "\(.code)"] | join(" ")')"
	assertEquals "each once" "1 1" \
		"$(sed -n 2p "$WORK/out" | jq -r '[.tags.countries[].count] | map(tostring) | join(" ")')"
}

test_the_outlet_from_each_place_it_can_be() {
	printf '%s\n' \
		'{"id":"1","site":"Ahval","title":"A title - Other","text":"x"}' \
		'{"id":"2","title":"Turkey says very proud – Ahval","text":"x"}' \
		'{"id":"3","text":"Body.\n\nSource: Turkey says very proud | Ahval"}' \
		'{"id":"4","text":"ANKARA (AA) - Turkey said on Monday."}' \
		'{"id":"5","text":"Body text.\n Reuter"}' \
		'{"id":"6","url":"https://www.hurriyetdailynews.com/a-story-1","text":"x"}' \
		'{"id":"7","title":"No suffix here","text":"Nothing to go by."}' |
		"$P" -t outlet >"$WORK/out"
	assertEquals "site, title, credit, dateline, sign-off, url, none" \
		"Ahval/site Ahval/title Ahval/credit AA/dateline Reuters/credit hurriyetdailynews.com/url -" \
		"$(jq -r 'if .tags.outlet then "\(.tags.outlet.name)/\(.tags.outlet.from)" else "-" end' "$WORK/out" | tr '\n' ' ' | sed 's/ $//')"

	# The title's suffix is what follows its last separator, of any kind.
	printf '%s\n' \
		'{"id":"1","title":"Markets | Hurriyet Daily News","text":"x"}' \
		'{"id":"2","title":"Talks in Sochi — Duvar English","text":"x"}' \
		'{"id":"3","title":"Erdoğan - Putin talks | Ahval","text":"x"}' \
		'{"id":"4","title":"Talks | Erdoğan – Putin - Ahval","text":"x"}' \
		'{"id":"5","title":"Ahval | talks in sochi","text":"x"}' \
		'{"id":"6","title":"Up-to-date -Ahval","text":"x"}' |
		"$P" -t outlet >"$WORK/out"
	assertEquals "after the last of | – — -; none when that is no name" \
		"Hurriyet Daily News|Duvar English|Ahval|Ahval|-|-" \
		"$(jq -r '.tags.outlet.name // "-"' "$WORK/out" | tr '\n' '|' | sed 's/|$//')"
}

test_quality_signals() {
	jq -cn '{id: "q", text: "One two three four.\nOne two three four.\nA line without end\n\n#tag ... 2024 2025"}' |
		"$P" -t quality >"$WORK/out"
	local q
	# 74 characters in lines, 19 of them the repeated line; 8 digits in 78
	# code points; "three four." twice holds 20 of the words' 62 characters;
	# 13 words of 16 have a letter ("...", "2024" and "2025" none)
	q=$(jq -c '.tags.quality | {words, lines, end_punct, dup_line_frac, top_2gram_frac, digit_ratio, symbol_ratio, mean_word_length, alpha_words}' "$WORK/out")
	assertEquals "counted" \
		'{"words":16,"lines":4,"end_punct":0.5,"dup_line_frac":0.2568,"top_2gram_frac":0.3226,"digit_ratio":0.1026,"symbol_ratio":0.125,"mean_word_length":3.875,"alpha_words":0.8125}' "$q"
	assertEquals "nothing but quality" '["quality"]' "$(jq -c '.tags | keys' "$WORK/out")"
	assertEquals "and no lang without the lang tagger" "null" "$(jq -c .lang "$WORK/out")"
}

test_quality_words_are_the_same_wherever_they_stand() {
	# "runs far" twice (7 of the 26 characters of the words, twice): once
	# before a line break, once at the very end of the text; "Red fox"
	# before a line break and before a space. A word is its bytes, not
	# what follows it.
	jq -cn '{id: "w", text: "Red fox\nRed fox runs far\nruns far"}' | "$P" -t quality >"$WORK/out"
	assertEquals "the repeated bigrams are found" '{"words":8,"top_2gram_frac":0.5385}' \
		"$(jq -c '.tags.quality | {words, top_2gram_frac}' "$WORK/out")"
}

test_quality_does_not_depend_on_where_the_text_falls() {
	# ASCII text is read 64 bytes at a time, text with other characters
	# code point by code point. The same text with a no-break space for
	# each space (one code point each, so every count stays) goes the
	# second way; shifted by 0 to 64 line breaks, its words, dots, quotes
	# and line ends fall everywhere in the blocks. (The dot ending "so.."
	# is 65 bytes before that of ".dotfile": in one shift a block of no
	# dot stands between them.)
	local text='It ended so..
and there the story stopped: no one wrote it down, not one word
.dotfile is a word
He said "the plan works." The plan works... or not....
She said: "It is over."
#economy #news 2024-11-26: 12,500 units, up 3%.
The plan works... or not....
	the cat sat on the mat and the cat sat on the mat (twice)]
Wait... what?! Yes! İstanbul şehri, Straße -- done…
the cat sat on the mat and then the dog sat on the cat'"'"'s mat
The plan works... or not....'
	local k
	for k in $(seq 0 64); do
		jq -cn --arg t "$text" --argjson k "$k" \
			'("\n" * $k // "") as $p | {id: "a\($k)", text: ($p + $t)}, {id: "b\($k)", text: ($p + ($t | gsub(" "; "\u00a0")))}'
	done | "$P" -t quality | jq -c '.tags.quality | del(.chars, .digit_ratio)' >"$WORK/q"
	assertEquals "one result for every text, shifted or not, with either space" 1 "$(sort -u "$WORK/q" | wc -l)"
	assertTrue "with repeated lines and n-grams" \
		"head -n 1 '$WORK/q' | jq -e '.dup_line_frac > 0 and .top_4gram_frac > 0 and .symbol_ratio > 0'"
}

test_quality_of_a_text_does_not_depend_on_the_texts_before_it() {
	# The n-gram counts share one table between records, sized for the
	# longest text so far: a short text after a long one (whose n-grams
	# are still in the table) must count as it does alone. The long text
	# (35,000 words, a table larger than the caches near the core, whose
	# slots are loaded ahead) holds "the cat", "the cat sat" and "the cat
	# sat on" 5,000 times each: 6, 9 and 11 of every 19 characters of its
	# words.
	local short='{"id":"s","text":"the cat sat on the mat and the cat sat on the rug and the dog sat"}'
	printf '%s\n' "$short" | "$P" -t quality | jq -c .tags.quality >"$WORK/alone"
	{
		jq -cn '{id: "l", text: ([range(5000)] | map("the cat sat on the mat w\(. % 7)") | join(" "))}'
		printf '%s\n' "$short" "$short"
	} | "$P" -t quality >"$WORK/all"
	assertEquals "the long text's n-grams" '{"words":35000,"top_2gram_frac":0.3158,"top_3gram_frac":0.4737,"top_4gram_frac":0.5789}' \
		"$(jq -c 'select(.id == "l") | .tags.quality | {words, top_2gram_frac, top_3gram_frac, top_4gram_frac}' "$WORK/all")"
	jq -c 'select(.id == "s") | .tags.quality' "$WORK/all" >"$WORK/after"
	assertEquals "the same quality after a long text, twice" \
		"$(cat "$WORK/alone" "$WORK/alone")" "$(cat "$WORK/after")"
	assertTrue "the short text has repeated n-grams" \
		"jq -e '.top_2gram_frac > 0 and .top_3gram_frac > 0 and .top_4gram_frac > 0' '$WORK/alone'"
}

test_keep_and_drop() {
	printf '%s\n' \
		'{"id":"en","text":"The foreign minister of Azerbaijan said on Monday that talks with Armenia would continue next week in Moscow."}' \
		'{"id":"tr","text":"Dışişleri Bakanı Mevlüt Çavuşoğlu, Azerbaycan ile Ermenistan arasındaki görüşmelerin gelecek hafta Moskova da süreceğini söyledi."}' \
		'{"id":"de","text":"Der Außenminister sagte am Montag, die Gespräche mit Frankreich würden nächste Woche in Paris fortgesetzt."}' \
		>"$WORK/in"
	assertEquals "lang=en" "en" "$("$P" --keep 'lang=en' "$WORK/in" | jq -r .id)"
	assertEquals "countries~AZ" "en tr" "$("$P" --keep 'countries~AZ' "$WORK/in" | jq -r .id | tr '\n' ' ' | sed 's/ $//')"
	assertEquals "and, or, not" "tr de" \
		"$("$P" --keep '(lang=tr || lang=de) and not countries~US' "$WORK/in" | jq -r .id | tr '\n' ' ' | sed 's/ $//')"
	assertEquals "--drop" "tr de" "$("$P" --drop 'lang = "en"' "$WORK/in" | jq -r .id | tr '\n' ' ' | sed 's/ $//')"
	assertEquals "words>=18, two --keep" "en" \
		"$("$P" --keep 'words>=18' --keep 'countries>=2' "$WORK/in" | jq -r .id | tr '\n' ' ' | sed 's/ $//')"
	"$P" --keep 'lang=en' --stats="$WORK/s" "$WORK/in" >/dev/null
	assertEquals "dropped records are counted" '{"records_in":3,"records_out":1,"dropped":2}' \
		"$(jq -c '{records_in, records_out, dropped}' "$WORK/s")"
	local e
	for e in 'lang' 'words>=many' 'lang<en' 'colour=red' 'lang=en and' '(lang=en' 'words~3' 'lang="en'; do
		"$P" --keep "$e" "$WORK/in" >/dev/null 2>"$WORK/err"
		assertEquals "'$e' is a usage error" 2 $?
		assertTrue "'$e' is named ($(cat "$WORK/err"))" "grep -q \"^usage: ntag: --keep '\" '$WORK/err'"
	done
	"$P" -t quality --keep 'lang=en' "$WORK/in" >/dev/null 2>"$WORK/err"
	assertEquals "a field of a tagger that is off" 2 $?
	"$P" -t lang,colour "$WORK/in" >/dev/null 2>"$WORK/err"
	assertEquals "a tagger ntag does not know" 2 $?
	assertTrue "named" "grep -q \"no tagger 'colour'\" '$WORK/err'"
}

test_languages_written_without_spaces() {
	# Long enough to be sampled, with no two spaces in any window: the
	# windows are cut between code points, not left out.
	python3 -c '
import json
print(json.dumps({"id": "zh", "text": "中华人民共和国是位于东亚的社会主义国家，首都北京。它是世界上人口最多的国家之一，拥有悠久的历史和丰富的文化。" * 4}))
print(json.dumps({"id": "th", "text": "ประเทศไทยเป็นประเทศในเอเชียตะวันออกเฉียงใต้ มีกรุงเทพมหานครเป็นเมืองหลวงและเมืองที่ใหญ่ที่สุดของประเทศ" * 3}))
' | "$P" -t lang >"$WORK/out"
	assertEquals "Chinese and Thai" "zh th" "$(jq -r .lang "$WORK/out" | tr '\n' ' ' | sed 's/ $//')"
}

test_the_default_taggers_and_what_an_expression_turns_on() {
	printf '%s\n' \
		'{"id":"long","url":"https://www.aa.com.tr/en/x","text":"The foreign minister of Azerbaijan said on Monday that talks with Armenia would continue next week in Moscow."}' \
		'{"id":"short","text":"Talks with Armenia go on."}' >"$WORK/in"
	assertEquals "lang, outlet and places by default" '["countries","lang","outlet"]' \
		"$("$P" "$WORK/in" | head -1 | jq -c '.tags | keys')"
	# without -t, an expression over a quality signal turns quality on
	local status
	"$P" --keep 'words>=18' "$WORK/in" >"$WORK/out" 2>"$WORK/err"
	status=$?
	assertEquals "--keep on words runs ($(cat "$WORK/err"))" 0 "$status"
	assertEquals "and keeps the long one, with its quality" "long 18" \
		"$(jq -r '"\(.id) \(.tags.quality.words)"' "$WORK/out")"
	assertEquals "--drop likewise" "short" "$("$P" --drop 'lang=en and words>=18' "$WORK/in" | jq -r .id)"
	# with -t, the list given is the list run
	"$P" -t lang,places --keep 'words>=18' "$WORK/in" >/dev/null 2>"$WORK/err"
	assertEquals "-t without quality: a usage error" 2 $?
	assertTrue "named ($(cat "$WORK/err"))" "grep -q 'a field of a tagger --taggers leaves out' '$WORK/err'"
	assertEquals "-t all has quality" 18 "$("$P" -t all "$WORK/in" | head -1 | jq .tags.quality.words)"
}

test_bad_and_odd_input() {
	{
		printf '%s\n' '{"id":"a"}' 'not json' '{"id":"b","text":""}' \
			'{"id":"c","text":"ཀ་ཁ་ག་ང་ཅ་ཆ་ཇ་ཉ། 🙂🙂🙂 ꦲꦏ꧀ꦱꦫ"}'
		python3 -c 'import json; print(json.dumps({"id": "long", "text": ("Turkey and Azerbaijan signed a deal. " * 300000)}))'
	} >"$WORK/bad"
	"$P" --rejects "$WORK/rej" --stats="$WORK/s" "$WORK/bad" >"$WORK/out" 2>"$WORK/err"
	assertEquals "bad lines are no failure of the run" 1 $?
	assertEquals "three records tagged" "b c long" "$(jq -r .id "$WORK/out" | tr '\n' ' ' | sed 's/ $//')"
	assertEquals "two kept aside" 2 "$(wc -l <"$WORK/rej")"
	assertTrue "each said where ($(cat "$WORK/err"))" "grep -q 'ntag: .*bad:1:' '$WORK/err'"
	assertEquals "empty text: unknown" "un" "$(jq -r 'select(.id == "b") | .lang' "$WORK/out")"
	assertEquals "the long record: 600000 mentions" "300000 300000" \
		"$(jq -r 'select(.id == "long") | [.tags.countries[].count | tostring] | join(" ")' "$WORK/out")"
}

# Records in many batches of lines (a batch is at most 4096 lines), with
# bad lines, blank lines, a damaged input and one that is not there among
# them: with any number of threads, what ntag writes, rejects, says and
# counts is what one thread gives, in the same order.
test_threads_give_what_one_thread_gives() {
	awk 'BEGIN {
		split("the minister said on Monday that talks with Turkey and Germany went on in Ankara", w, " ")
		srand(7)
		for (i = 0; i < 10000; i++) {
			if (i % 1237 == 5) { printf "{\"id\":\"bad%d\",\"text\":\n", i; continue }
			if (i % 2999 == 7) { printf "{\"id\":\"none%d\"}\n", i; continue }
			if (i % 1500 == 3) { print ""; continue }
			t = "Record " i ":"
			n = 3 + int(rand() * 25)
			for (k = 0; k < n; k++)
				t = t " " w[1 + int(rand() * 14)]
			printf "{\"id\":\"r%d\",\"text\":\"%s.\"}\n", i, t
		}
	}' >"$WORK/many.jsonl"
	gzip -c "$WORK/many.jsonl" >"$WORK/many.gz"
	head -c "$(($(wc -c <"$WORK/many.gz") * 2 / 3))" "$WORK/many.gz" >"$WORK/cut.gz"
	local inputs=("$WORK/many.jsonl" "$WORK/cut.gz" "$WORK/absent.jsonl" "$WORK/many.gz")
	local j
	for j in 1 2 3 8; do
		"$P" -j "$j" -t lang,quality,places,dates --drop 'words<10' --stats="$WORK/stats.$j" \
			--rejects "$WORK/rejects.$j" "${inputs[@]}" >"$WORK/out.$j" 2>"$WORK/err.$j"
		assertEquals "-j $j: a failed input makes the status 1" 1 $?
	done
	assertEquals "every record written, rejected or dropped" true \
		"$(jq '.records_in == .records_out + .rejected + .dropped and .dropped > 0' "$WORK/stats.1")"
	assertEquals "every rejected line kept" "$(jq .rejected "$WORK/stats.1")" "$(wc -l <"$WORK/rejects.1")"
	assertEquals "one read error" 1 "$(grep -c 'cut.gz:[0-9]*: read error' "$WORK/err.1")"
	assertTrue "the read error after the cut input's bad lines" \
		"grep cut.gz '$WORK/err.1' | tail -n 1 | grep -q 'read error'"
	assertTrue "the absent input next" \
		"grep -A 1 'read error' '$WORK/err.1' | tail -n 1 | grep -q 'absent.jsonl: no such file'"
	assertEquals "records kept" 1 "$(jq -s 'map(.tags.quality.words >= 10) | all' "$WORK/out.1" | grep -c true)"
	for j in 2 3 8; do
		assertTrue "-j $j: the same output" "cmp -s '$WORK/out.1' '$WORK/out.$j'"
		assertTrue "-j $j: the same rejects" "cmp -s '$WORK/rejects.1' '$WORK/rejects.$j'"
		assertTrue "-j $j: the same messages" "cmp -s '$WORK/err.1' '$WORK/err.$j'"
		assertTrue "-j $j: the same stats" "cmp -s '$WORK/stats.1' '$WORK/stats.$j'"
	done
	"$P" -j 0 "$WORK/many.jsonl" >/dev/null 2>"$WORK/err"
	assertEquals "-j 0 is a usage error" 2 $?
	assertEquals "said in one line" 1 "$(grep -c '^usage: ntag: --jobs' "$WORK/err")"
}

test_a_long_record_of_many_people_quotes_and_dates() {
	# One line of 40000 paragraphs' worth (7 MB): 40000 titled people, each
	# named again with another title and by surname, 80000 quotes (half
	# "he added"), 40000 dates. When each mention, name and date was
	# looked for through all those found before it, this took many
	# minutes, not a second. The time limit is for a run that would not
	# end, not a measure of speed.
	python3 - >"$WORK/long" <<'PY'
import json
def name(k):
    s = ""
    for _ in range(3):
        s += "bcdfghklmnprstvz"[k % 16] + "aeiou"[k // 16 % 5]
        k //= 80
    return s.capitalize()
months = ["January", "February", "March", "April", "May", "June", "July",
          "August", "September", "October", "November", "December"]
parts = []
for k in range(40000):
    last = name(k + 7919)
    parts.append(f'President {name(k)} {last} spoke on {months[k // 28 % 12]} {k % 28 + 1}, '
                 f'{1800 + k // 336}. Minister {name(k)} {last} agreed. '
                 f'"We will keep talking to all sides this week," {last} said. '
                 '"Nothing is settled yet," he added.')
print(json.dumps({"id": "long", "text": " ".join(parts)}))
PY
	timeout 60 "$P" -t people,quotes,dates "$WORK/long" >"$WORK/out"
	assertEquals "tagged in time" 0 $?
	assertEquals "each person once, named three times" "40000 [3]" \
		"$(jq -r '[(.tags.people | length), ([.tags.people[].count] | unique)] | "\(.[0]) \(.[1])"' "$WORK/out")"
	assertEquals "every quote" 80000 "$(jq '.tags.quotes | length' "$WORK/out")"
	assertEquals "each 'he' the person just named" true \
		"$(jq '[.tags.quotes[] | select(.pronoun) | .speaker] == [.tags.people[].name]' "$WORK/out")"
	assertEquals "each date once" "40000 [1]" \
		"$(jq -r '[(.tags.dates | length), ([.tags.dates[].count] | unique)] | "\(.[0]) \(.[1])"' "$WORK/out")"
}

test_languages_of_the_full_tables() {
	# CLD2's small tables know neither Esperanto nor Somali
	printf '%s\n' \
		'{"id":"eo","text":"La urbo estas tre bela kaj la homoj tie parolas multajn lingvojn."}' \
		'{"id":"so","text":"Magaalada waa mid aad u qurux badan, dadka halkaas ku nool waxay ku hadlaan luqado badan."}' |
		"$P" -t lang >"$WORK/out"
	assertEquals "Esperanto and Somali" "eo so" "$(jq -r .lang "$WORK/out" | tr '\n' ' ' | sed 's/ $//')"
}

test_people_named_after_a_title_and_by_their_surname() {
	printf '%s\n' '{"id":"p","text":"Foreign Minister Mevlüt Çavuşoğlu met NATO Secretary-General Jens Stoltenberg. Stoltenberg said the U.N. General Assembly would meet. Çavuşoğlu’s reply came later; President Erdoğan agreed."}' |
		"$P" -t people >"$WORK/out"
	assertEquals "three people, each with their mentions" \
		"Mevlüt Çavuşoğlu:2 Jens Stoltenberg:2 Erdoğan:1" \
		"$(jq -r '[.tags.people[] | "\(.name):\(.count)"] | join(" ")' "$WORK/out")"
	assertEquals "spans in code points, the surname alone included" \
		"Mevlüt Çavuşoğlu|Çavuşoğlu|Jens Stoltenberg|Stoltenberg|Erdoğan" \
		"$(jq -r '.text as $t | [.tags.people[] | .spans[] as [$s, $e] | $t | explode | .[$s:$e] | implode] | join("|")' "$WORK/out")"
}

test_people_and_organisations_from_gazetteer_files() {
	"$NEWSUTILS_BIN/nclean" "$WORK/seeds.jsonl" >"$WORK/clean"
	"$P" -t people -g "$DATA/people.tsv" "$WORK/clean" >"$WORK/out"
	# counted by grep in the seeds: Çavuşoğlu 7, Aliyev 8, Putin 5, Stoltenberg 8
	assertEquals "every mention of the people of the file" "7 8 5 8" \
		"$(jq -s -r '[.[].tags.people[]] | group_by(.name) | map({(.[0].name): (map(.count) | add)}) | add |
			"\(.["Mevlüt Çavuşoğlu"]) \(.["Ilham Aliyev"]) \(.["Vladimir Putin"]) \(.["Jens Stoltenberg"])"' "$WORK/out")"
	assertEquals "NATO, by its canonical name" "North Atlantic Treaty Organization" \
		"$(sed -n 2p "$WORK/out" | jq -r '.tags.orgs[0].name')"
	assertEquals "people~ filters by name" "2" \
		"$("$P" -g "$DATA/people.tsv" --keep 'people~"Jens Stoltenberg" or people = "Joe Biden"' "$WORK/clean" | wc -l)"
	# EntityRuler patterns: a phrase, tokens without diacritics, another label
	printf '%s\n' '{"id":"e","text":"MEVLUT CAVUSOGLU and Mevlüt Çavuşoğlu spoke of Nagorno-Karabakh; un día."}' |
		"$P" -g "$DATA/people.jsonl" >"$WORK/out"
	assertEquals "found without case or marks" "Mevlüt Çavuşoğlu:2" \
		"$(jq -r '[.tags.people[] | "\(.name):\(.count)"] | join(" ")' "$WORK/out")"
	assertEquals "other labels as entities" "GPE Nagorno-Karabakh" \
		"$(jq -r '.tags.entities[] | "\(.label) \(.name)"' "$WORK/out")"
	# an id is the canonical name whole, a \u0000 in it too
	printf '%s\n' '{"label":"PERSON","pattern":"Jens Stoltenberg","id":"Jens\u0000S"}' >"$WORK/nul.jsonl"
	printf '%s\n' '{"id":"n","text":"Jens Stoltenberg spoke."}' | "$P" -t people -g "$WORK/nul.jsonl" >"$WORK/out"
	assertEquals "the id, NUL and all" '"Jens\u0000S"' "$(jq -c '.tags.people[0].name' "$WORK/out")"
}

test_a_name_of_two_people_names_neither() {
	printf 'PERSON\tJohn Smith\tSmith\nPERSON\tJane Smith\tSmith\n' >"$WORK/smiths.tsv"
	printf '%s\n' '{"id":"s","text":"John Smith met Jane Smith. Smith said no."}' >"$WORK/in"
	"$P" -t people -g "$WORK/smiths.tsv" "$WORK/in" >"$WORK/out"
	assertEquals "an alias of both, and a surname of both, count for neither" \
		"John Smith:1 Jane Smith:1" \
		"$(jq -r '[.tags.people[] | "\(.name):\(.count)"] | join(" ")' "$WORK/out")"
	# named after titles, without a file: the surname alone is shared
	printf '%s\n' '{"id":"t","text":"President John Smith met Senator Jane Smith. Smith said no."}' |
		"$P" -t people >"$WORK/out"
	assertEquals "a surname of both counts for neither" "John Smith:1 Jane Smith:1" \
		"$(jq -r '[.tags.people[] | "\(.name):\(.count)"] | join(" ")' "$WORK/out")"
}

test_a_bad_gazetteer_line_is_named() {
	printf 'PERSON\tJens Stoltenberg\nPERSON Jens\n' >"$WORK/bad.tsv"
	"$P" -g "$WORK/bad.tsv" </dev/null >/dev/null 2>"$WORK/err"
	assertEquals "a usage error" 2 $?
	assertTrue "file and line ($(cat "$WORK/err"))" "grep -q '^ntag: .*bad.tsv:2: ' '$WORK/err'"
	printf '%s\n' '{"label":"PERSON","pattern":[{"LOWER":"x","OP":"+"}]}' >"$WORK/bad.jsonl"
	"$P" -g "$WORK/bad.jsonl" </dev/null >/dev/null 2>"$WORK/err"
	assertEquals "a token pattern beyond words" 2 $?
	assertTrue "said ($(cat "$WORK/err"))" "grep -q 'bad.jsonl:1: a pattern is' '$WORK/err'"
	"$P" -g "$WORK/missing.tsv" </dev/null >/dev/null 2>"$WORK/err"
	assertEquals "a missing file" 2 $?
}

test_dates_in_iso_8601() {
	# 2020-10-11 was a Sunday: Saturday and yesterday are the 10th
	printf '%s\n' '{"id":"d","date":"2020-10-11","text":"On Oct. 5 the talks began; on Sept. 27, 2020 the war started. Late Saturday they met, and yesterday too. The deal of 27/12/2021 and of 2021-12-27, 5. Oktober 2020, 27 Eylül 2020, in September 2020, and May 3rd. May I? 12.5 and 1/2/3 are not dates."}' |
		"$P" -t dates >"$WORK/out"
	assertEquals "each date, its count and what it was written as" \
		'["2020-10-05",2,["Oct. 5","5. Oktober 2020"]] ["2020-09-27",2,["Sept. 27, 2020","27 Eylül 2020"]] ["2020-10-10",2,["Saturday","yesterday"]] ["2021-12-27",2,["27/12/2021","2021-12-27"]] ["2020-09",1,["September 2020"]] ["2020-05-03",1,["May 3rd"]]' \
		"$(jq -c '.text as $t | .tags.dates[] | [.date, .count, [.spans[] as [$s, $e] | $t | explode | .[$s:$e] | implode]]' "$WORK/out" | tr '\n' ' ' | sed 's/ $//')"
	printf '%s\n' '{"id":"d","text":"On Oct. 5, and on Saturday."}' | "$P" -t dates >"$WORK/out"
	assertEquals "without a record date: no year, and no weekday" '["--10-05"]' \
		"$(jq -c '[.tags.dates[].date]' "$WORK/out")"
	printf '%s\n' '{"id":"d","date":"2021-01-11","text":"Talks on Dec. 30 and Jan. 5."}' | "$P" -t dates >"$WORK/out"
	assertEquals "December in a January story is last year's" '["2020-12-30","2021-01-05"]' \
		"$(jq -c '[.tags.dates[].date]' "$WORK/out")"
}

test_quotes_with_their_speakers() {
	printf '%s\n' '{"id":"q","text":"“It is normal for NATO to call for a ceasefire,” Foreign Minister Mevlüt Çavuşoğlu said on Oct. 5.\n\n“However, everybody should be present in the solution,” he said.\n\nErdoğan said: \"Armenia must withdraw from the lands it occupies.\"\n\n\"We will return our ancient lands,\" said President Ilham Aliyev. The \"disturbing\" trend went on.\n\nPutin spoke later. \"We ask both sides to stop now,\" he said."}' |
		"$P" -t quotes -g "$DATA/people.tsv" >"$WORK/out"
	# the last "he" follows Putin, named since Aliyev spoke: not known who
	assertEquals "each quote, its speaker, cue and pronoun" \
		'["It is normal for NATO to call for a ceasefire,","Mevlüt Çavuşoğlu","said",null] ["However, everybody should be present in the solution,","Mevlüt Çavuşoğlu","said",true] ["Armenia must withdraw from the lands it occupies.","Recep Tayyip Erdoğan","said",null] ["We will return our ancient lands,","Ilham Aliyev","said",null] ["We ask both sides to stop now,",null,"said",true]' \
		"$(jq -c '.text as $t | .tags.quotes[] | . as $q | [($t | explode | .[$q.span[0]:$q.span[1]] | implode), .speaker, .cue, .pronoun]' "$WORK/out" | tr '\n' ' ' | sed 's/ $//')"
}

test_a_second_run_changes_nothing() {
	"$P" "$WORK/seeds.jsonl" >"$WORK/once"
	"$P" "$WORK/once" >"$WORK/twice"
	assertTrue "ntag | ntag = ntag" "cmp -s '$WORK/once' '$WORK/twice'"
}

# shellcheck disable=SC1091
. /usr/share/shunit2/shunit2
