/*
 * report.h - the workbook policy staff open.
 *
 * Sheets, in order: overview (one row per locality), comparison (canonical
 * indicators x localities, each filled cell with its evidence as a comment
 * and a link to its row), one sheet per category, sources, review, notes.
 * Labels come from templates/labels.tsv, comparison rows from
 * templates/indicators.tsv. The same input gives the same bytes: the
 * document's created time is pinned (SOURCE_DATE_EPOCH, else the newest
 * article's modification time) and everything is written in a fixed order.
 * The file is written atomically (outfile.h).
 */
#ifndef LS_REPORT_H
#define LS_REPORT_H

#include <time.h>

#include "compare.h"
#include "correct.h"
#include "run.h"

/** Something about the run itself staff should see on the review sheet. */
typedef struct {
    const char *key;  /**< its kind, a label key (review.workbook) */
    const char *text; /**< what happened, naming the file */
} report_notice;

typedef struct {
    int english;      /**< --lang en */
    time_t created;   /**< document created time */
    const corrections *fixes; /**< staff corrections, for the review sheet; may be NULL */
    size_t max_rows;  /**< most figures a category sheet lists; the CSV has all */
    const report_notice *notices; /**< ended by a NULL key; may be NULL */
    int jobs;         /**< sheets written side by side on this many threads;
                           0 or 1: one after another. The bytes are the same */
} report_options;

/**
 * Write the workbook for @p set to @p path, reading labels and indicators
 * from @p tdir. Prints its own message; returns LS_OK, LS_ERR_TEMPLATE,
 * LS_ERR_IO or LS_ERR_XLSX. An existing file at @p path is replaced only
 * when the new one is complete.
 */
ls_error report_write(const run_set *set, const cmp_matrix *cmp, const char *tdir,
                      const char *path, const report_options *opt);

#endif
