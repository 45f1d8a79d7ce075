/* labels.c - templates/labels.tsv. */
#include "labels.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmpl.h"

/* characters Excel refuses in a sheet name */
static const char *sheet_name_chars = "[]:*?/\\";

ls_error labels_load(labels *l, const char *tdir)
{
    tmpl_file tf;
    ls_error err = tmpl_load(&tf, tdir, "labels.tsv", 3);
    memset(l, 0, sizeof(*l));
    if (err)
        return tmpl_release(&tf), err;
    l->v = xcalloc(tf.nrows + 1, sizeof(*l->v));
    for (size_t i = 0; i < tf.nrows; i++) {
        tmpl_row *row = &tf.rows[i];
        for (size_t k = 0; k < l->n; k++)
            if (!strcmp(l->v[k].key, row->field[0])) {
                err = tmpl_error(&tf, row, "label '%s' is defined twice", row->field[0]);
                goto out;
            }
        if (!strncmp(row->field[0], "sheet.", 6))
            for (int f = 1; f <= 2; f++)
                if (strpbrk(row->field[f], sheet_name_chars) ||
                    utf8_count(row->field[f], strlen(row->field[f])) > 31) {
                    err = tmpl_error(&tf, row, "sheet name '%s' is over 31 characters or holds one of %s",
                                     row->field[f], sheet_name_chars);
                    goto out;
                }
        l->v[l->n].key = xstrdup(row->field[0]);
        l->v[l->n].zh = xstrdup(row->field[1]);
        l->v[l->n].en = xstrdup(row->field[2]);
        l->n++;
    }
out:
    tmpl_release(&tf);
    return err;
}

static const label *find(const labels *l, const char *key)
{
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->v[i].key, key))
            return &l->v[i];
    return NULL;
}

const char *labels_get(const labels *l, const char *key, int english)
{
    const label *x = find(l, key);
    return x ? (english ? x->en : x->zh) : key;
}

int labels_is(const labels *l, const char *key, const char *text)
{
    const label *x = find(l, key);
    return x && text && (!strcmp(x->zh, text) || !strcmp(x->en, text));
}

/* The key of a category's sheet: sheet. and the category's CSV id. */
static void category_key(ls_category c, char *key, size_t size)
{
    snprintf(key, size, "sheet.%s", ls_category_id(c));
}

const char *labels_category(const labels *l, ls_category c, int english)
{
    char key[32];
    const label *x;
    category_key(c, key, sizeof(key));
    x = find(l, key);
    return x ? (english ? x->en : x->zh) : ls_category_id(c);
}

ls_category labels_category_named(const labels *l, const char *text)
{
    for (int c = 0; c < CAT_MAX; c++) {
        char key[32];
        category_key((ls_category)c, key, sizeof(key));
        if (labels_is(l, key, text))
            return (ls_category)c;
    }
    return CAT_MAX;
}

void labels_release(labels *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].key);
        free(l->v[i].zh);
        free(l->v[i].en);
    }
    free(l->v);
    memset(l, 0, sizeof(*l));
}
