/* number.c - Arabic and Chinese numerals to values. */
#include "number.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tmpl.h"

enum num_kind { NK_NONE, NK_DIGIT, NK_UNIT, NK_BIG, NK_TENS };

typedef struct {
    uint32_t cp;
    enum num_kind kind;
    double value;
    int noalone;
} numeral;

struct num_table {
    numeral *n;
    size_t nn;
    char *start_class; /* characters that may begin a Chinese number */
    char *any_class;
};

void num_table_free(num_table *t)
{
    if (!t)
        return;
    free(t->n);
    free(t->start_class);
    free(t->any_class);
    free(t);
}

ls_error num_table_load(num_table **out, const char *tdir)
{
    num_table *t = xcalloc(1, sizeof(*t));
    tmpl_file tf;
    strbuf start = STRBUF_INIT, any = STRBUF_INIT;
    ls_error err = tmpl_load(&tf, tdir, "numerals.tsv", 3);

    if (err)
        goto fail;
    t->n = xcalloc(tf.nrows, sizeof(*t->n));
    for (size_t i = 0; i < tf.nrows; i++) {
        tmpl_row *row = &tf.rows[i];
        numeral *nm = &t->n[t->nn];
        int len;
        char *end;

        nm->cp = utf8_decode(row->field[0], &len);
        if (row->field[0][len] != '\0') {
            err = tmpl_error(&tf, row, "'%s' is not a single character", row->field[0]);
            goto fail;
        }
        for (size_t k = 0; k < t->nn; k++)
            if (t->n[k].cp == nm->cp) {
                err = tmpl_error(&tf, row, "numeral '%s' is listed twice", row->field[0]);
                goto fail;
            }
        if (!strcmp(row->field[1], "digit"))
            nm->kind = NK_DIGIT;
        else if (!strcmp(row->field[1], "unit"))
            nm->kind = NK_UNIT;
        else if (!strcmp(row->field[1], "big"))
            nm->kind = NK_BIG;
        else if (!strcmp(row->field[1], "tens"))
            nm->kind = NK_TENS;
        else {
            err = tmpl_error(&tf, row, "unknown numeral kind '%s'", row->field[1]);
            goto fail;
        }
        nm->value = strtod(row->field[2], &end);
        if (*end || end == row->field[2]) {
            err = tmpl_error(&tf, row, "'%s' is not a number", row->field[2]);
            goto fail;
        }
        nm->noalone = row->nfield > 3 && strstr(row->field[3], "noalone") != NULL;
        sb_addstr(&any, row->field[0]);
        if ((nm->kind == NK_DIGIT && nm->value > 0) || nm->kind == NK_TENS ||
            (nm->kind == NK_UNIT && nm->value == 10))
            sb_addstr(&start, row->field[0]);
        t->nn++;
    }
    t->start_class = sb_detach(&start, NULL);
    t->any_class = sb_detach(&any, NULL);
    tmpl_release(&tf);
    *out = t;
    return LS_OK;
fail:
    sb_release(&start);
    sb_release(&any);
    tmpl_release(&tf);
    num_table_free(t);
    *out = NULL;
    return err;
}

const char *num_class(const num_table *t, int any)
{
    return any ? t->any_class : t->start_class;
}

static const numeral *lookup(const num_table *t, uint32_t cp)
{
    for (size_t i = 0; i < t->nn; i++)
        if (t->n[i].cp == cp)
            return &t->n[i];
    return NULL;
}

#define MAX_CHARS 32

/* Parse a sequence of numerals (already looked up) as one value. */
static int parse_cn(const numeral *const *nm, size_t n, double *out)
{
    double total = 0, section = 0, pend = -1;
    double last_unit = 0;
    size_t digits = 0, units = 0;

    for (size_t i = 0; i < n; i++)
        if (nm[i]->kind == NK_DIGIT)
            digits++;
        else
            units++;
    /* positional digits: 二〇二三 */
    if (units == 0 && digits > 1) {
        double v = 0;
        for (size_t i = 0; i < n; i++)
            v = v * 10 + nm[i]->value;
        *out = v;
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        const numeral *c = nm[i];
        switch (c->kind) {
        case NK_DIGIT:
            if (pend >= 0 && c->value != 0 && pend != 0)
                return -1; /* two digits in a row inside a composed number */
            pend = c->value;
            break;
        case NK_UNIT:
            if (pend < 0) {
                if (i > 0 && nm[i - 1]->kind != NK_BIG && !(nm[i - 1]->kind == NK_DIGIT))
                    return -1;
                pend = 1; /* 十 = 一十 */
            }
            section += pend * c->value;
            last_unit = c->value;
            pend = -1;
            break;
        case NK_TENS:
            section += c->value;
            last_unit = 10;
            pend = -1;
            break;
        case NK_BIG:
            if (pend < 0 && section == 0 && total == 0)
                return -1;
            if (c->value >= 1e8) {
                total = (total + section + (pend > 0 ? pend : 0)) * c->value;
            } else {
                total += (section + (pend > 0 ? pend : 0)) * c->value;
            }
            section = 0;
            pend = -1;
            last_unit = 0;
            break;
        default:
            return -1;
        }
    }
    if (pend > 0) {
        /* 三千五 = 3500: a lone digit after 百/千 is the next place down */
        if (last_unit >= 100 && n >= 2 && nm[n - 2]->kind == NK_UNIT)
            section += pend * last_unit / 10;
        else
            section += pend;
    }
    *out = total + section;
    return 0;
}

static int parse_arabic(const num_table *t, const char *s, size_t len, double *out)
{
    char buf[64];
    size_t k = 0, i = 0;
    int seen_digit = 0, seen_dot = 0;
    double v, mult = 1;
    char *end;

    for (; i < len; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            seen_digit = 1;
        } else if (c == ',' && seen_digit && !seen_dot) {
            continue; /* thousands separator */
        } else if (c == '.' && seen_digit && !seen_dot && i + 1 < len && s[i + 1] >= '0' &&
                   s[i + 1] <= '9') {
            seen_dot = 1;
        } else {
            break;
        }
        if (k + 1 >= sizeof(buf))
            return -1;
        buf[k++] = c;
    }
    if (!seen_digit)
        return -1;
    buf[k] = '\0';
    v = strtod(buf, &end);
    if (*end)
        return -1;
    /* magnitude words after the digits: 1.2万, 3千, 2千万 */
    while (i < len) {
        int n;
        const numeral *nm = lookup(t, utf8_decode(s + i, &n));
        if (!nm || (nm->kind != NK_UNIT && nm->kind != NK_BIG))
            return -1;
        mult *= nm->value;
        i += (size_t)n;
    }
    *out = v * mult;
    return 0;
}

int num_parse(const num_table *t, const char *s, size_t len, num_value *out)
{
    const numeral *nm[MAX_CHARS];
    size_t n = 0;

    memset(out, 0, sizeof(*out));
    if (len == 0)
        return -1;
    if (s[0] >= '0' && s[0] <= '9')
        return parse_arabic(t, s, len, &out->value);

    for (size_t i = 0; i < len;) {
        int k;
        const numeral *c = lookup(t, utf8_decode(s + i, &k));
        if (!c || n == MAX_CHARS)
            return -1;
        nm[n++] = c;
        i += (size_t)k;
    }
    if (n == 1 && nm[0]->noalone) {
        out->value = nm[0]->value;
        out->word = 1;
        return 0;
    }
    if (nm[0]->kind == NK_BIG || (nm[0]->kind == NK_UNIT && nm[0]->value != 10))
        return -1; /* 千家万户: a magnitude on its own is a word */

    /* spans: two neighbouring non-zero digits, 两三 / 六七千 / 三四十 */
    for (size_t i = 0; i + 1 < n; i++) {
        if (nm[i]->kind == NK_DIGIT && nm[i + 1]->kind == NK_DIGIT && nm[i]->value > 0 &&
            nm[i + 1]->value == (nm[i]->value == 2 ? 3 : nm[i]->value + 1) &&
            (i + 2 == n || nm[i + 2]->kind != NK_DIGIT) && (i == 0 || nm[i - 1]->kind != NK_DIGIT)) {
            const numeral *lo[MAX_CHARS], *hi[MAX_CHARS];
            size_t m = 0;
            for (size_t j = 0; j < n; j++) {
                if (j == i + 1)
                    continue;
                lo[m] = nm[j];
                hi[m] = j == i ? nm[i + 1] : nm[j];
                m++;
            }
            if (parse_cn(lo, m, &out->value) || parse_cn(hi, m, &out->value_max))
                return -1;
            out->has_max = 1;
            return 0;
        }
    }
    if (parse_cn(nm, n, &out->value))
        return -1;
    if (!isfinite(out->value))
        return -1;
    return 0;
}

int num_magnitude(const num_table *t, const char *s, size_t len, double *value)
{
    int n;
    const numeral *nm = len ? lookup(t, utf8_decode(s, &n)) : NULL;
    if (!nm || (size_t)n != len || (nm->kind != NK_UNIT && nm->kind != NK_BIG) || nm->value < 100)
        return -1;
    *value = nm->value;
    return 0;
}
