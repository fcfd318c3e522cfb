#ifndef NCLEAN_PROMO_H
#define NCLEAN_PROMO_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/* What a web page puts inside its article: photo captions and credits,
 * boxes of links to other stories. These apply only to the article found
 * in a full page (page.h), where the page's markup is gone and such lines
 * sit between the article's paragraphs. scratch is working memory. */

/* Whether a line of 30 words or fewer is a caption or a photo credit:
 * it ends with a credit in parentheses ("(Image: GETTY)", "(Photo: AP)",
 * "(Getty Images)"), or with "/ Getty Images", or starts with "Photo:",
 * "Photo by", "Image credit" and the like. */
bool promo_caption(const char *s, size_t n, struct buf *scratch);

/* Whether a line heads a box of links to other stories: "Related
 * articles", "Read more", "Don't miss", "You may also like", "Most read",
 * "Lesen Sie auch", "Lire aussi", "İlgili haberler" ... (a colon after it
 * allowed). The box is the lines after it until the next line of prose. */
bool promo_heading(const char *s, size_t n, struct buf *scratch);

/* Whether a line is a link to another story: "READ MORE: headline",
 * "Watch – headline", "Lesen Sie auch: headline". */
bool promo_line(const char *s, size_t n, struct buf *scratch);

#endif
