/*
 * correct.h - corrections staff make to figures, kept across reruns.
 *
 * libxlsxwriter cannot read a workbook back, so corrections live in a
 * plain text file staff edit (by default corrections.tsv beside the
 * articles). One correction per line, TAB-separated:
 *
 *   exclude   ARTICLE  SURFACE  N
 *   category  ARTICLE  SURFACE  N  CATEGORY     (elderly, children, …)
 *   value     ARTICLE  SURFACE  N  VALUE        (a plain number: 27300)
 *   unit      ARTICLE  SURFACE  N  UNIT
 *   indicator ARTICLE  SURFACE  N  TEXT
 *   add       ARTICLE  SURFACE  -  VALUE  UNIT  CATEGORY  INDICATOR
 *
 * SURFACE is the figure as written (the CSV's surface column) and N which
 * occurrence of it in the article (1 for the first), so a correction still
 * finds its figure when other articles are added or the templates change.
 * Each applied correction is shown on its figure; one that no longer
 * matches goes to the review sheet.
 */
#ifndef LS_CORRECT_H
#define LS_CORRECT_H

#include "run.h"

typedef enum { FIX_EXCLUDE, FIX_CATEGORY, FIX_VALUE, FIX_UNIT, FIX_INDICATOR, FIX_ADD } fix_kind;

typedef struct {
    fix_kind kind;
    char *article, *surface, *arg;
    int occurrence;
    double value;
    char *unit, *indicator;
    ls_category category;
    int line;
    int applied;
} correction;

typedef struct {
    char *path;
    correction *v;
    size_t n, alloc;
    char **bad;  /**< "file:line: problem" for lines that could not be read */
    size_t nbad, bad_alloc;
} corrections;

/**
 * Read @p path into @p c. A missing file means no corrections. A line that
 * cannot be read is reported (file:line) and kept in c->bad for the review
 * sheet; the run goes on.
 */
void corrections_load(corrections *c, const char *path);

/** Apply @p c to @p set; mark which corrections applied. */
void corrections_apply(corrections *c, run_set *set);

void corrections_release(corrections *c);

#endif
