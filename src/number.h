/*
 * number.h - the number grammar: Arabic and Chinese numerals to values.
 *
 * Reads "759", "1,234", "63.296", "1.2万", "3千", "二千六百", "三十", "十",
 * "两万三千", "廿", spans such as "两三" (2-3) and "六七千" (6000-7000), and
 * positional digits such as "二〇二三". The numeral characters and their
 * values come from templates/numerals.tsv.
 */
#ifndef LS_NUMBER_H
#define LS_NUMBER_H

#include <stddef.h>

#include "util.h"

typedef struct num_table num_table;

/** Load templates/numerals.tsv. Prints its own message on failure. */
ls_error num_table_load(num_table **out, const char *tdir);
/** Free a table; accepts NULL. */
void num_table_free(num_table *t);

/**
 * Characters of a pattern character class (without brackets) matching
 * Chinese numerals that may start a number (digits, 十, 廿, 卅), or any
 * numeral character when @p any is set.
 */
const char *num_class(const num_table *t, int any);

typedef struct {
    double value;
    double value_max; /**< for spans such as 两三 */
    int has_max;
    int word;         /**< a numeral flagged noalone, standing on its own */
} num_value;

/**
 * Parse s[0..len) as a whole number. Returns 0 and fills @p out, or -1 if
 * the text is not a number this grammar reads.
 */
int num_parse(const num_table *t, const char *s, size_t len, num_value *out);

/**
 * Value of s[0..len) when it is one magnitude character alone (百, 千, 万,
 * 亿), as in 百余名 or 万余人; returns -1 otherwise. num_parse() rejects
 * these, since on their own they are words (千家万户).
 */
int num_magnitude(const num_table *t, const char *s, size_t len, double *value);

#endif
