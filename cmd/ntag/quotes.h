#ifndef NTAG_QUOTES_H
#define NTAG_QUOTES_H

#include <stddef.h>

struct tags;

/* Direct quotes, in typographic (“…”, „…“, «…») or ASCII ("…") marks, of
 * four words or more, with their speaker and cue verb: "…," Çavuşoğlu
 * said; "…," said Çavuşoğlu; Erdoğan said: "…"; "…," he said, the pronoun
 * taken for the last named speaker unless someone else was named since.
 * A speaker the people tagger found gets its canonical name. Runs after
 * tag_people. */
void tag_quotes(struct tags *t, const char *text, size_t n);

#endif
