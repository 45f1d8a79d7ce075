/*
 * locstat.h - the data every stage shares: categories, figures, articles.
 *
 * Data flows one way: corpus reads bytes, text normalises them into a
 * text_doc, locality resolves the place, extract finds figures, classify
 * sorts them, and report/export write what the run collected. Each struct
 * is owned by the stage that creates it and freed by its *_release().
 */
#ifndef LOCSTAT_H
#define LOCSTAT_H

#include <stddef.h>
#include <stdint.h>

#define LOCSTAT_VERSION "0.1.0"

typedef enum {
    CAT_ELDERLY,
    CAT_CHILDREN,
    CAT_EMPLOYMENT,
    CAT_HEALTH,
    CAT_GOVERNANCE,
    CAT_OTHER,
    CAT_MAX
} ls_category;

typedef enum { QUAL_EXACT, QUAL_OVER, QUAL_ABOUT, QUAL_UNDER, QUAL_MAX } ls_qualifier;
typedef enum { STATUS_DONE, STATUS_PLANNED } ls_status;

/** Stable identifiers used in the CSV contract. */
const char *ls_category_id(ls_category c);
/** Parse a category id; returns CAT_MAX when unknown. */
ls_category ls_category_parse(const char *id);
const char *ls_qualifier_id(ls_qualifier q);
/** Parse a qualifier id; returns QUAL_MAX when unknown. */
ls_qualifier ls_qualifier_parse(const char *id);
const char *ls_status_id(ls_status s);

/**
 * One statistical figure found in an article. A run keeps every figure
 * to its end (25 million at a million articles): the fields are ordered
 * and the small ones narrowed so that one takes 128 bytes.
 */
typedef struct {
    double value;
    double value_max;     /**< upper end of a range; valid when has_max */
    char *indicator;      /**< what is counted, short noun phrase */
    char *surface;        /**< the figure as written in the article */
    char *sentence;       /**< its sentence, normalised; shared (ls_shared_new) */
    char *place;          /**< a place inside the locality its sentence names, or
                               NULL; shared like the sentence */
    char *correction;     /**< where the staff corrections applied to it are
                               written ("corrections.tsv:3"), or NULL */
    size_t start, end;    /**< byte span in the normalised text */
    size_t offset;        /**< byte offset of the figure in the article file */
    int ind;              /**< its comparison indicator: 1 + catalogue row, 0 none (indicate.h) */
    int nth;              /**< which occurrence of its surface in its article, from 1 */
    char unit[24];        /**< simplified measure word, e.g. "人次", "元", "%" */
    char period[8];       /**< "", "日", "周", "月" or "年" */
    ls_qualifier qualifier : 8;
    ls_status status : 8;
    ls_category category : 8;
    unsigned char has_max;
    unsigned char change; /**< new or changed since the previous run (run.h) */
    unsigned char fixed;  /**< which corrections applied: 1 << fix_kind (correct.h) */
    unsigned char pooled; /**< which of its strings live in its list's pool
                               (FIG_POOL_*, figure_list_pack) and are not its own */
} ls_figure;

/** The strings of a figure that figure_list_pack() moves into one block. */
enum {
    FIG_POOL_INDICATOR = 1,
    FIG_POOL_SURFACE = 2,
    FIG_POOL_SENTENCE = 4,
    FIG_POOL_PLACE = 8,
};

/** Free the strings @p f owns (not those in its list's pool) and clear it. */
void ls_figure_release(ls_figure *f);
/** Give @p f a copy of @p s as what it counts, freeing the one it owned. */
void ls_figure_set_indicator(ls_figure *f, const char *s);

/*
 * Strings that the figures of one sentence share (their sentence, their
 * place): most sentences hold more than one figure, and the sentences are
 * most of a run's memory. Reference counts are not atomic: the figures of
 * an article are made and freed by one thread at a time.
 */
/** A shared copy of s[0..len) with one reference. */
char *ls_shared_new(const char *s, size_t len);
/** Another reference to @p s (NULL stays NULL). */
char *ls_shared_ref(char *s);
/** Drop a reference; the last one frees. Accepts NULL. */
void ls_shared_unref(char *s);

#endif
