/*
 * classify.h - sorting figures into categories by whom they serve.
 *
 * Keywords (templates/categories.tsv) are found once per article in one
 * pattern pass. A figure's category is the one whose keywords weigh most
 * in the text around it, nearer text counting more: the indicator, the
 * clause, the sentence, the paragraph, the section heading above it, the
 * title and the whole article, each with a weight from
 * templates/classify.tsv. Below the threshold, or tied, it is "other".
 */
#ifndef LS_CLASSIFY_H
#define LS_CLASSIFY_H

#include "extract.h"
#include "locstat.h"
#include "text.h"
#include "util.h"

typedef struct classify_rules classify_rules;

/** Load categories.tsv and classify.tsv. Prints its own message on failure. */
ls_error classify_rules_load(classify_rules **out, const char *tdir);
/** Free rules; accepts NULL and half-built rules. */
void classify_rules_free(classify_rules *r);
/**
 * A copy of @p r for another thread: it shares @p r's keywords and pattern
 * (which must outlive it) and has its own match data.
 */
classify_rules *classify_rules_fork(const classify_rules *r);

/**
 * Set the category of figures v[0..n) found in @p doc; @p ctx, when not
 * NULL, holds their clauses and sentences (extract's figure_list.ctx).
 */
void classify_figures(const classify_rules *r, const text_doc *doc, ls_figure *v, size_t n,
                      const text_context *ctx);

/** Category of a bare phrase (no context), for tests and corrections. */
ls_category classify_phrase(const classify_rules *r, const char *text);

#endif
