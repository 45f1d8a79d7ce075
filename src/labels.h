/*
 * labels.h - the words staff see, in the workbook's language.
 *
 * templates/labels.tsv holds key<TAB>Chinese<TAB>English per line. The
 * report writes with them, and the reader of a saved workbook recognises
 * its headers and choices by them, in either language.
 */
#ifndef LS_LABELS_H
#define LS_LABELS_H

#include "locstat.h"
#include "util.h"

typedef struct {
    char *key, *zh, *en;
} label;

typedef struct {
    label *v;
    size_t n;
} labels;

/**
 * Read @p tdir/labels.tsv into @p l. Prints file:line for a key defined
 * twice or a sheet name Excel refuses; returns LS_ERR_TEMPLATE then.
 */
ls_error labels_load(labels *l, const char *tdir);

/** The label of @p key in English or Chinese; the key itself when missing. */
const char *labels_get(const labels *l, const char *key, int english);

/** Is @p text the label of @p key in either language? */
int labels_is(const labels *l, const char *key, const char *text);

/** The sheet name of category @p c (sheet.elderly: 养老服务). */
const char *labels_category(const labels *l, ls_category c, int english);

/** The category a sheet name (养老服务, Elderly) stands for, or CAT_MAX. */
ls_category labels_category_named(const labels *l, const char *text);

/** Free what labels_load made; safe on a zeroed or half-loaded @p l. */
void labels_release(labels *l);

#endif
