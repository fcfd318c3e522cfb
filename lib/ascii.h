#ifndef NEWSUTILS_ASCII_H
#define NEWSUTILS_ASCII_H

/* ASCII classes by table, as the C locale has them (no call, no locale). */

/* What an ASCII byte (below 0x80) is in a word key: letters lowercased,
 * digits as they are, 0 for everything else. */
extern const unsigned char ascii_word_byte[128];

#endif
