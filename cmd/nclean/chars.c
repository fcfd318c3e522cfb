#include "chars.h"

struct chars_tables chars_tables;

void chars_init(void)
{
	for (uint32_t cp = 0; cp < CHARS_TABLE; cp++) {
		const utf8proc_property_t *p = utf8proc_get_property((utf8proc_int32_t)cp);
		chars_tables.category[cp] = (unsigned char)utf8proc_category((utf8proc_int32_t)cp);
		chars_tables.nfc_quick[cp] = !p->combining_class && !p->comp_exclusion;
		chars_tables.lower[cp] = (uint32_t)utf8proc_tolower((utf8proc_int32_t)cp);
	}
	chars_tables.ready = true;
}
