#ifndef NTAG_EXPR_H
#define NTAG_EXPR_H

#include <stdbool.h>
#include <stddef.h>

#include "tags.h"

/* ntag's filter expressions (--keep, --drop), over a record's tags:
 *
 *   expr  := or
 *   or    := and { ("||" | "or") and }
 *   and   := unary { ("&&" | "and" | ",") unary }
 *   unary := ("!" | "not") unary | "(" expr ")" | field op value
 *   op    := "=" | "!=" | "<" | "<=" | ">" | ">=" | "~" | "!~"
 *
 * Fields: lang, outlet (strings: = and != compare without regard to ASCII
 * case, ~ and !~ look for a part); countries (a list: = and ~ ask whether
 * it holds a code, != and !~ whether it does not, <, >, ... compare its
 * length); lang_score and the quality signals (numbers). A value is a
 * word of letters, digits and . _ - : / + or a string in quotes. */

struct expr;

/* Parses src; on an error returns NULL with a message in err naming the
 * place. Fields of taggers not in `on` are errors. */
struct expr *expr_parse(const char *src, unsigned on, char *err, size_t err_len);
bool expr_eval(const struct expr *e, const struct tags *t);
/* The taggers whose fields e reads (TAG_ bits). */
unsigned expr_taggers(const struct expr *e);
void expr_free(struct expr *e);

#endif
