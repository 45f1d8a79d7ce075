/*
 * run.h - one run of the pipeline over a corpus, and what it collected.
 *
 * run_rules_load() loads every template once; run_articles() takes each
 * article through text -> locality -> extract -> classify -> indicate, on as many
 * threads as asked, and keeps only what the outputs need (metadata,
 * locality, figures), so memory grows with the figures, not with the text.
 * The outputs (export.c, report.c) read a run_set; they never change it.
 */
#ifndef LS_RUN_H
#define LS_RUN_H

#include "classify.h"
#include "corpus.h"
#include "extract.h"
#include "indicate.h"
#include "locality.h"
#include "number.h"
#include "text.h"

/** Since the previous run: nothing, new, changed (state.c). */
enum { CHANGE_NONE, CHANGE_NEW, CHANGE_CHANGED };

/** What a run keeps of one article. */
typedef struct {
    char *name;      /**< file name */
    char *path;
    ls_error err;    /**< LS_OK, or why it was not processed */
    char *why;       /**< the message for err, or NULL */
    /* metadata for the sources sheet */
    char *title, *source, *reporter, *date, *warnings;
    size_t n_fffd, n_garbled;
    int truncated;
    char *garbled_sample;
    const char *encoding;
    int traditional;
    size_t chars;
    size_t bytes;
    loc_result loc;
    char *loc_fix;   /**< where a staff place correction is written, or NULL */
    figure_list figs;
    int locality;    /**< index into run_set.localities, -1 if failed */
    char hash[33];   /**< hex XXH3-128 of the file's bytes */
    char file_key[33]; /**< cache_file_key of the file as read, or "" */
    char *duplicate_of; /**< an earlier article with the same bytes, or NULL */
    int change;      /**< CHANGE_* since the previous run */
    long long first_seen, last_changed;
} run_article;

/** A locality as a column of the comparison: articles about it merge. */
typedef struct {
    char *name, *code, *path;
    int found;
    size_t articles;
    size_t figures[6];
} run_locality;

/**
 * The rules a run loads once from the templates directory. A fork
 * (run_rules_fork) shares them read-only and owns its own scratch, so
 * that each thread matches with its own.
 */
typedef struct {
    char *tdir;
    num_table *nt;
    text_rules *text;
    extract_rules *extract;
    classify_rules *classify;
    ind_rules *indicate;
    gazetteer *gaz;
    int fork;
} run_rules;

typedef struct {
    run_article *v;
    size_t n, alloc;
    run_locality *loc;
    size_t nloc, loc_alloc;
    size_t failed;
    /* from the state of previous runs */
    char **removed;  /**< articles gone in this generation */
    size_t nremoved, removed_alloc;
    int generation;
    long long generation_time;
    struct store *store; /**< where the articles' figures are kept (store.h),
                              or NULL: the heap. The set frees it. */
} run_set;

/** Load all templates from @p tdir. Prints its own message on failure. */
ls_error run_rules_load(run_rules *rr, const char *tdir);
/** Free the rules or a fork; accepts zeroed or half-loaded rules. */
void run_rules_release(run_rules *rr);
/** Make @p dst a fork of @p src for another thread; release it before @p src. */
void run_rules_fork(run_rules *dst, const run_rules *src);

/**
 * Process every entry of @p c and append them to @p set in corpus order,
 * on @p jobs threads (1: the calling thread only). A bad article is
 * recorded with its error and reported once on stderr ("cannot read
 * 'seeds/x.txt': ..."); the run goes on. Messages come out in corpus
 * order whatever the number of threads, so runs stay repeatable. With
 * @p cache (or NULL) an article whose content it holds is taken from it
 * instead of being processed, with the same result and messages, and each
 * article processed is added to it as soon as it is done.
 */
struct cache;
void run_articles(run_set *set, const run_rules *rr, const corpus *c, size_t max_bytes, int jobs,
                  struct cache *cache);

/** Process one article from memory (for tests and the fuzz target). */
void run_article_from_memory(run_set *set, const run_rules *rr, const char *name,
                             const char *data, size_t len);

/** Group articles into localities (comparison columns), in first-seen order. */
void run_group_localities(run_set *set);

/**
 * An article whose bytes are those of an earlier one (by name) is a
 * duplicate: say so once, and drop its figures so nothing counts twice.
 */
void run_mark_duplicates(run_set *set);

/**
 * Free what processing filled in @p a (metadata, place, figures) and clear
 * those fields; its name, path, hash and error stay.
 */
void run_article_clear(run_article *a);

/** Total figures over all articles. */
size_t run_figure_count(const run_set *set);

void run_set_release(run_set *set);

#endif
