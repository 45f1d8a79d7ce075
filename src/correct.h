/*
 * correct.h - corrections staff make, kept across reruns.
 *
 * Staff correct in the workbook (its 人工更正 columns) or in a text file
 * beside the articles, by default corrections.tsv. The file is the
 * durable, reviewable record: edits read from a saved workbook are
 * appended to it as lines. One correction per line, TAB-separated:
 *
 *   exclude   ARTICLE  SURFACE  N
 *   category  ARTICLE  SURFACE  N  CATEGORY     (elderly, children, …)
 *   value     ARTICLE  SURFACE  N  VALUE        (a plain number: 27300)
 *   unit      ARTICLE  SURFACE  N  UNIT
 *   indicator ARTICLE  SURFACE  N  TEXT
 *   add       ARTICLE  SURFACE  -  VALUE  UNIT  CATEGORY  INDICATOR
 *   place     ARTICLE  PLACE                    (a division code, or a
 *                                                full name held once)
 *
 * SURFACE is the figure as written (the CSV's surface column) and N which
 * occurrence of it in the article (1 for the first, counted before any
 * correction), so a correction still finds its figure when other articles
 * are added or the templates change. The file may be UTF-8 (with or
 * without BOM), UTF-16 with BOM or GB18030, with CRLF line ends; it is
 * written back as UTF-8 with a BOM, which Excel and WPS open correctly.
 * Each applied correction is shown on its figure; one that no longer
 * matches goes to the review sheet.
 */
#ifndef LS_CORRECT_H
#define LS_CORRECT_H

#include "run.h"

typedef enum {
    FIX_EXCLUDE,
    FIX_CATEGORY,
    FIX_VALUE,
    FIX_UNIT,
    FIX_INDICATOR,
    FIX_ADD,
    FIX_PLACE,
    FIX_MAX
} fix_kind;

/** The action words of the file, by fix_kind. */
const char *fix_name(fix_kind k);

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
    char *text;           /**< the file as read, in UTF-8, to write back whole */
    size_t text_len;
    const char *encoding; /**< as read: "UTF-8", "UTF-16LE" …; NULL when missing */
    int unreadable;       /**< the file is there but could not be read: never rewritten */
    int nlines;           /**< lines the file had */
    size_t nfile;         /**< corrections v[0..nfile) came from the file, the rest are new */
    correction *v;
    size_t n, alloc;
    char **bad;  /**< "file:line" of each line that could not be read */
    size_t nbad, bad_alloc;
} corrections;

/**
 * Read @p path into @p c. A missing file means no corrections. A line that
 * cannot be read is reported (file:line) and kept in c->bad for the review
 * sheet; the run goes on.
 */
void corrections_load(corrections *c, const char *path);

/**
 * Add the correction of fields @p f[0..nf) (as a line of the file has
 * them) unless the same correction is already the last word on its
 * figure. Returns 1 when added, 0 when already there, -1 when the fields
 * do not make a correction (the reason in @p why).
 */
int corrections_add(corrections *c, char *const *f, int nf, strbuf *why);

/**
 * Write the corrections added since corrections_load() to the file, after
 * its lines, as UTF-8 with a BOM. The previous file is kept as FILE.bak.
 * Nothing is written when nothing was added, nor over a file that could
 * not be read (LS_ERR_IO: staff's lines are never lost). Prints its own
 * message.
 */
ls_error corrections_save(corrections *c);

/**
 * Apply @p c to @p set, in the file's order: number each figure's
 * occurrence (ls_figure.nth), then change figures and places (resolved
 * with @p g). Marks which corrections applied.
 */
void corrections_apply(corrections *c, run_set *set, const gazetteer *g);

/** Free what @p c holds; safe on a zeroed or half-loaded one. */
void corrections_release(corrections *c);

#endif
