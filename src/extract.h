/*
 * extract.h - finding figures in a normalised article.
 *
 * One pattern, built at load time from templates (numerals, units,
 * qualifiers), finds every candidate "qualifier? number range? measure
 * word qualifier?" in a single pass; exclusion patterns (dates, schedules,
 * ordinals, quoted labels ...) then drop what is not a figure. For each
 * figure the stage fills value, range, unit, qualifier, period, status,
 * indicator, surface, sentence and file offset; the category is left to
 * classify.
 */
#ifndef LS_EXTRACT_H
#define LS_EXTRACT_H

#include "locstat.h"
#include "number.h"
#include "text.h"
#include "util.h"

typedef struct extract_rules extract_rules;

/**
 * Load units.tsv, qualifiers.tsv, periods.tsv, status.tsv, exclude.tsv and
 * words.tsv from @p tdir and build the figure pattern. @p nt must outlive
 * the rules. Prints its own message on failure.
 */
ls_error extract_rules_load(extract_rules **out, const char *tdir, const num_table *nt);
/** Free rules; accepts NULL and half-built rules. */
void extract_rules_free(extract_rules *r);
/**
 * A copy of @p r for another thread: it shares @p r's rules (which must
 * outlive it) and has its own match data. Free it with extract_rules_free().
 */
extract_rules *extract_rules_fork(const extract_rules *r);

/** A growable list of figures; the list owns the figures' strings. */
typedef struct {
    ls_figure *v;
    size_t n, alloc;
    text_context *ctx; /**< ctx[i]: v[i]'s clause and sentence, while the
                            article's stages run (extract fills it); or NULL */
    size_t ctx_alloc;
    char *pool;        /**< the strings figure_list_pack() moved, or NULL */
    int stored;        /**< v and its strings are a block of a store (store.h),
                            which frees them; not the heap's */
} figure_list;

void figure_list_release(figure_list *l);
/** Free the list's ctx once the stages that read it have run. */
void figure_list_drop_context(figure_list *l);
/**
 * Give back the room the list kept to grow, and move its figures' strings
 * (what each counts, its surface, its sentence and place, once for the
 * figures that share them) into one block: a run keeps every article's
 * figures to its end, and a string of its own costs each figure a heap
 * chunk's header and rounding. With @p st the block, figures and strings
 * both, is taken from the store; without it, or when the store is full,
 * the list owns it on the heap. Strings set later (a correction) are the
 * figure's own again; packing twice is harmless.
 */
struct store;
void figure_list_pack(figure_list *l, struct store *st);
/** Room for one more figure at the end, zeroed; a stored list moves to the heap first. */
ls_figure *figure_list_push(figure_list *l);

/** Append the figures of @p doc, in text order, to @p out. */
void extract_figures(const extract_rules *r, const text_doc *doc, figure_list *out);

#endif
