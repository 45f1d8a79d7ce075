/*
 * indicate.h - which comparison indicator a figure reports.
 *
 * The catalogue (templates/indicators.tsv) lists the comparison's rows:
 * a stable id, a label, a kind that says how a cell combines figures, the
 * units a figure must carry, and what the row counts. Words that name what
 * a row counts (templates/indicator_words.tsv) are found once per article
 * in one pattern pass, as classify does for categories; a figure's
 * indicator is the row whose words weigh most in the text around it,
 * nearer text counting more: the counted noun, the figure's own stretch of
 * its clause, the clause, the sentence, the section heading
 * (templates/indicate.tsv). The figure's category breaks ties between
 * rows that count the same thing for different groups.
 *
 * A figure gets no indicator when its unit or period does not fit any row,
 * when the words say nothing clear or its noun names a thing no row counts
 * (工作人员), when it is a stated part of another figure of the same row
 * (其中, the pieces before 共计), when a title restates a body figure in
 * rounder words, when it is about a wider place than the article's (全市
 * in a county's story), or when it is the population or rate of a place
 * inside the locality (a housing estate, a community in a street's story).
 */
#ifndef LS_INDICATE_H
#define LS_INDICATE_H

#include "locality.h"
#include "locstat.h"
#include "text.h"
#include "util.h"

/** How a comparison cell combines its figures (spec/comparison.md). */
typedef enum {
    KIND_TOTAL,    /**< the sum, across all the locality's articles */
    KIND_LEVEL,    /**< the sum within the latest article */
    KIND_DAILY,    /**< per-day figures, as level */
    KIND_SIZE,     /**< the largest figure of the latest article */
    KIND_RATE,     /**< as size */
    KIND_STANDARD, /**< the range, lowest to highest, across all articles */
    KIND_MAX
} ind_kind;

/** Stable id of a kind ("total", ...), as in the catalogue and the CSV. */
const char *ind_kind_id(ind_kind k);

/** One row of the catalogue. */
typedef struct {
    char *id;     /**< elderly.meal_points */
    char *label;  /**< 老年助餐点数 */
    char *counts; /**< what it counts, or "" */
    ind_kind kind;
    char **units; /**< the units a figure must carry */
    size_t nunits;
    ls_category cat; /**< the id's category part; general is CAT_OTHER */
    int own;         /**< describes the place it is stated for, as a size
                          does (indicate.tsv "own"): a place inside the
                          locality keeps it */
    int group;       /**< serves one group (indicate.tsv "group"): takes a
                          figure of its own category, or one whose noun
                          names it outright */
} ind_def;

typedef struct ind_rules ind_rules;

/**
 * Load indicators.tsv, indicator_words.tsv and indicate.tsv from @p tdir.
 * Prints "file:line: problem" and returns LS_ERR_TEMPLATE on a bad line.
 */
ls_error ind_rules_load(ind_rules **out, const char *tdir);
/** Free rules; accepts NULL and half-built rules. */
void ind_rules_free(ind_rules *r);
/** A copy for another thread: shares @p r (which must outlive it), owns its match data. */
ind_rules *ind_rules_fork(const ind_rules *r);

/** Number of catalogue rows. */
size_t ind_count(const ind_rules *r);
/** Catalogue row @p i (0-based). */
const ind_def *ind_get(const ind_rules *r, size_t i);
/** The 0-based row of @p id, or -1. */
int ind_find(const ind_rules *r, const char *id);

/** Number of unit classes (spec: one unit class a cell). */
size_t ind_class_count(const ind_rules *r);
/** Name of unit class @p c, which is also the unit a cell shows ("人"). */
const char *ind_class_name(const ind_rules *r, size_t c);
/** The class of @p unit; a unit no class lists is a class of its own, -1. */
int ind_class_of(const ind_rules *r, const char *unit);

/**
 * Set the indicator (ls_figure.ind) of figures v[0..n) found in @p doc,
 * an article about @p loc. Call after classify_figures(): the category
 * breaks ties. @p ctx, when not NULL, holds their clauses and sentences.
 */
void ind_assign(const ind_rules *r, const text_doc *doc, const loc_result *loc, ls_figure *v,
                size_t n, const text_context *ctx);

#endif
