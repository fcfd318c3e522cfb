#ifndef NTAG_PEOPLE_H
#define NTAG_PEOPLE_H

#include <stddef.h>

#include "buf.h"
#include "fold.h"

/* People and organisations: names from the user's gazetteer files, and
 * people named after a title ("Foreign Minister Mevlüt Çavuşoğlu"),
 * whose surname alone then counts for them too ("Çavuşoğlu said").
 *
 * A gazetteer file is either lines of tab-separated fields,
 *
 *   # a comment
 *   PERSON<TAB>Mevlüt Çavuşoğlu<TAB>Cavusoglu<TAB>Mevlut Cavusoglu
 *   ORG<TAB>North Atlantic Treaty Organization<TAB>NATO
 *
 * a label, the canonical name and its aliases; or spaCy EntityRuler
 * patterns, one JSON object a line, {"label": "PERSON", "pattern":
 * "Jens Stoltenberg", "id": "Jens Stoltenberg"}, where pattern is a phrase
 * or a list of tokens {"LOWER"|"TEXT"|"ORTH": "word"}, and id, when there
 * is one, is the canonical name. PERSON names go to tags.people, ORG to
 * tags.orgs, any other label to tags.entities. */

struct people;

/* Loads the files (none: titled names only); a line it cannot use is an
 * error "ntag: file:line: why", exit status 2. */
struct people *people_load(const char *const *files, size_t n);
void people_free(struct people *p);

struct tags;
/* Finds the names in the text, whose folding t->fold holds after
 * tag_places or is made here. */
void tag_people(struct tags *t, const struct people *p, const char *text, size_t n);

#endif
