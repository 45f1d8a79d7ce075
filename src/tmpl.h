/*
 * tmpl.h - reading the editable template files and compiling their patterns.
 *
 * A template is UTF-8 text: one record per line, fields separated by TABs,
 * blank lines and lines starting with '#' ignored. Every stage reads its own
 * templates through this module so that a malformed line is always reported
 * the same way: "templates/units.tsv:12: ..." and, for a pattern,
 * "templates/exclude.tsv:7:14: missing closing parenthesis".
 *
 * Patterns are compiled once, JIT-compiled, and shared by all threads; each
 * thread matches with its own match context, whose match, depth and heap
 * limits bound the work any pattern may do on hostile input.
 */
#ifndef LS_TMPL_H
#define LS_TMPL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "util.h"

/** One record of a template file. Fields point into the file's buffer. */
typedef struct {
    char **field;
    int nfield;
    int line; /**< 1-based line number, for messages */
} tmpl_row;

/** A loaded template file. Owns its buffer and rows. */
typedef struct {
    char *path;
    char *data;
    tmpl_row *rows;
    size_t nrows, alloc;
} tmpl_file;

/**
 * Load @p name from the templates directory @p dir into @p tf.
 * Rows with fewer than @p min_fields fields are an error naming file and line.
 * Prints its own message; returns LS_OK, LS_ERR_IO or LS_ERR_TEMPLATE.
 * @p tf is initialised even on failure, so tmpl_release() is always safe.
 */
ls_error tmpl_load(tmpl_file *tf, const char *dir, const char *name, int min_fields);

/** Free everything @p tf owns; accepts a zeroed or half-loaded file. */
void tmpl_release(tmpl_file *tf);

/** Report "file:line: message" for @p row and return LS_ERR_TEMPLATE. */
ls_error tmpl_error(const tmpl_file *tf, const tmpl_row *row, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/**
 * Compile @p pattern (UTF mode plus @p flags) and JIT it. On failure prints
 * "file:line:offset: message" using @p tf and @p row (which may be NULL for
 * patterns built in code, then @p what names it) and returns NULL.
 */
pcre2_code *tmpl_regex(const tmpl_file *tf, const tmpl_row *row, const char *what,
                       const char *pattern, uint32_t flags);

/** The calling thread's match context (limits and JIT stack). Never NULL. */
pcre2_match_context *rx_context(void);

/**
 * Run @p re on subject[0..len) from @p start. Returns the pcre2_match()
 * result: > 0 on a match (also when @p md is too small for every group:
 * it then keeps those that fit), PCRE2_ERROR_NOMATCH, or another negative
 * code (a limit was hit), which callers treat as "no match here" after a
 * warning. PCRE2_ANCHORED in @p options leaves the JIT for PCRE2's
 * interpreter: for a pattern asked often at one place, compile it anchored.
 */
int rx_match(const pcre2_code *re, const char *subject, size_t len, size_t start,
             uint32_t options, pcre2_match_data *md);

/**
 * The patterns @p src[0..n) (compiled as @p re) as one alternation, for
 * asking whether any of them matches with one call instead of one each.
 * It matches exactly where one of them does. NULL when there are fewer
 * than two, or when one could not keep its meaning inside it: back
 * references and named groups (their numbers and names change) or
 * backtracking verbs such as (*COMMIT) (one would stop the others).
 * @p options are added to the compile options, as given to tmpl_regex()
 * for the parts: PCRE2_ANCHORED for an alternation asked at one place.
 */
pcre2_code *rx_any_of(const char *const *src, pcre2_code *const *re, size_t n, uint32_t options);

/**
 * Which characters can begin a match, for patterns scanned over whole
 * texts. PCRE2's own first-byte filter is little help in Chinese, where
 * most Han characters share a few lead bytes: a pattern that starts with
 * 第 is tried at nearly every character. An rx_starts learns, for each BMP
 * code point met, which of its patterns can begin a match there (a
 * partial match of the pattern against that one character), once per
 * run and for all threads. A scan then tries each pattern, anchored, only
 * where it can begin, and finds exactly the matches an unanchored
 * rx_match() would.
 *
 * A pattern whose match can depend on what precedes it (a lookbehind,
 * \b, \A), that can match an empty string, that uses \G or a
 * backtracking verb, or past the 63rd, is asked unanchored as before;
 * one with a lookbehind can still be filtered if its caller names a
 * pattern for its first character (see rx_starts_new()).
 */
typedef struct rx_starts rx_starts;

/**
 * The start filter for patterns @p src[0..n), compiled as @p re (which
 * stay the caller's, and must outlive it; the array may go). Each pattern
 * that can be filtered gets a twin compiled anchored; should one not
 * compile, that pattern is asked as before. @p first (or any of its
 * entries) may be NULL; first[k] is a pattern that the first character of
 * every match of pattern k matches (say the class of a lookahead it opens
 * with), and is what is learned from instead of pattern k itself.
 */
rx_starts *rx_starts_new(const char *const *src, const char *const *first, pcre2_code *const *re,
                         size_t n);

/** Free @p st; NULL is fine. */
void rx_starts_free(rx_starts *st);

/** Is pattern @p k of @p st asked only where it can begin (else everywhere)? */
int rx_starts_filtered(const rx_starts *st, size_t k);

/** Bytes s[a..b), every character of which can begin a match. */
typedef struct {
    uint32_t a, b;
} rx_run;

/** Where in one text each pattern of an rx_starts can begin a match. */
typedef struct {
    const char *s;
    size_t len;
    int all;       /* too long a text to list: every pattern asked as before */
    rx_run **runs; /* per pattern, ascending */
    size_t *n, *alloc;
    size_t npat;
} rx_places;

#define RX_PLACES_INIT { NULL, 0, 0, NULL, NULL, NULL, 0 }

/**
 * Find the places in s[0..len) (valid UTF-8) where the patterns of @p st
 * can begin a match, learning code points not met before with @p md.
 * Texts over 256 KiB are not listed (their patterns are asked as before),
 * which bounds what the lists can take. @p pl is reused from text to
 * text; rx_places_release() frees it.
 */
void rx_places_find(rx_places *pl, const rx_starts *st, const char *s, size_t len,
                    pcre2_match_data *md);

/** Free what @p pl holds. */
void rx_places_release(rx_places *pl);

/**
 * Pattern @p k of @p st on the text of @p pl, cut at @p end (at most its
 * length), from @p start: the same result and match data as
 * rx_match(re[k], s, end, start, 0, md).
 */
int rx_next(const rx_starts *st, const rx_places *pl, size_t k, size_t start, size_t end,
            pcre2_match_data *md);

/** Release the calling thread's match context; for leak-free exits. */
void rx_cleanup(void);

/** Escape @p s for use as a literal inside a pattern. */
void rx_quote(strbuf *out, const char *s);

#endif
