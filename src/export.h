/*
 * export.h - the figures as CSV and JSON, for other tools.
 *
 * The CSV is a contract (scoring and staff's own tools read it): UTF-8,
 * one row per figure, articles in name order, figures in text order, with
 * exactly the columns of EXPORT_CSV_HEADER (indicator_id, appended, is
 * the figure's comparison row). JSON carries the same fields under
 * "figures", one record per article under "articles" and the comparison's
 * cells under "comparison"; --compare-csv writes the cells alone.
 * Both are written atomically (outfile.h).
 */
#ifndef LS_EXPORT_H
#define LS_EXPORT_H

#include "compare.h"
#include "run.h"

#define EXPORT_CSV_HEADER                                                                  \
    "article,locality,locality_code,category,indicator,value,value_max,unit,qualifier,"   \
    "period,status,surface,sentence,offset,indicator_id"

#define EXPORT_COMPARE_HEADER                                                              \
    "locality,locality_code,level,indicator_id,indicator,kind,unit,value,value_max,"     \
    "qualifier,figures,articles"

/**
 * Write the figures CSV to @p path; @p rules name their indicators. It needs
 * no comparison, so it may be written while one is built. Prints its own
 * message on failure.
 */
ls_error export_csv(const run_set *set, const ind_rules *rules, const char *path);
/** Write the JSON (figures, articles, the comparison) to @p path. Prints its own message on failure. */
ls_error export_json(const run_set *set, const cmp_matrix *m, const char *path);
/**
 * Write the comparison's filled cells to @p path, one per row, as
 * EXPORT_COMPARE_HEADER says. Prints its own message on failure.
 */
ls_error export_compare_csv(const run_set *set, const cmp_matrix *m, const char *path);

#endif
