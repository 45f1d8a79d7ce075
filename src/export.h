/*
 * export.h - the figures as CSV and JSON, for other tools.
 *
 * The CSV is a contract (scoring and staff's own tools read it): UTF-8,
 * one row per figure, articles in name order, figures in text order, with
 * exactly the columns of EXPORT_CSV_HEADER. JSON carries the same fields
 * under "figures", plus one record per article under "articles".
 * Both are written atomically (outfile.h).
 */
#ifndef LS_EXPORT_H
#define LS_EXPORT_H

#include "run.h"

#define EXPORT_CSV_HEADER                                                                  \
    "article,locality,locality_code,category,indicator,value,value_max,unit,qualifier,"   \
    "period,status,surface,sentence,offset"

/** Write the CSV to @p path. Prints its own message on failure. */
ls_error export_csv(const run_set *set, const char *path);
/** Write the JSON to @p path. Prints its own message on failure. */
ls_error export_json(const run_set *set, const char *path);

#endif
