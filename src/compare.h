/*
 * compare.h - the comparison matrix: indicators by localities.
 *
 * cmp_build() turns a run's figures, each with its indicator (indicate.h),
 * into cells by the rules of the comparison (doc/comparison.md): only done
 * figures; per-day figures only in daily rows and never in the others; one
 * unit class a cell; within a locality a repeated statement (same value,
 * range and unit) counted once; then by the row's kind, a sum (total), a
 * sum within the latest article (level, daily), the largest figure of the
 * latest article (size, rate) or the range (standard). Each cell records
 * the figures it used and those it left out. The workbook and the exports
 * render this one matrix; they decide nothing about it.
 */
#ifndef LS_COMPARE_H
#define LS_COMPARE_H

#include "indicate.h"
#include "run.h"

/** How a cell came from its figures: its visible mark. */
typedef enum {
    CMP_ONE,    /**< one figure */
    CMP_SUM,    /**< figures added up (合计) */
    CMP_LATEST, /**< chosen among figures, or from the latest article (取最新) */
    CMP_RANGE,  /**< lowest to highest (区间) */
} cmp_mark;

/** Why a figure is listed with a cell. */
typedef enum {
    CMP_USED,   /**< makes the cell's value */
    CMP_REPEAT, /**< the same statement again: counted once */
    CMP_OLDER,  /**< from an article older than the latest, for a level, size or rate */
    CMP_SMALLER /**< a smaller figure of the latest article, for a size or rate */
} cmp_role;

/** A figure of a cell: set->v[art].figs.v[fig]. */
typedef struct {
    uint32_t art, fig;
    cmp_role role;
} cmp_ref;

/** A row: an indicator in one unit class. */
typedef struct {
    int ind;        /**< catalogue row (0-based) */
    char unit[24];  /**< the class's unit, which the cell shows (人, 个, 元) */
} cmp_row;

/** A filled cell. */
typedef struct {
    size_t row, col;
    double value, value_max;
    int has_max;
    ls_qualifier q;
    cmp_mark mark;
    size_t nused;     /**< eligible figures it used, after repeats */
    size_t narticles; /**< articles they came from */
    size_t ref, nref; /**< its figures: refs[ref .. ref + nref), used ones first */
} cmp_cell;

typedef struct {
    const ind_rules *rules;
    cmp_row *rows;    /**< catalogue order, a row only when some cell is filled */
    size_t nrows;
    size_t *cols;     /**< locality indices (run_set.loc), by level, then code */
    size_t ncols;
    cmp_cell *cells;  /**< by row, then column */
    size_t ncells;
    cmp_ref *refs;
    size_t nrefs;
} cmp_matrix;

/** Build the matrix of @p set. @p rules must outlive it. */
void cmp_build(cmp_matrix *m, const run_set *set, const ind_rules *rules);

/** The cell of (@p row, @p col), or NULL when it is empty. */
const cmp_cell *cmp_cell_at(const cmp_matrix *m, size_t row, size_t col);

/** Level name of a locality's code ("province" .. "community"), or "". */
const char *cmp_level_id(const char *code);

/** An article's publication date as YYYY-MM-DD, or "" when unknown. */
const char *cmp_article_date(const run_article *a);

/** Free what @p m owns; accepts a zeroed matrix. */
void cmp_release(cmp_matrix *m);

#endif
