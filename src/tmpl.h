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

/** Release the calling thread's match context; for leak-free exits. */
void rx_cleanup(void);

/** Escape @p s for use as a literal inside a pattern. */
void rx_quote(strbuf *out, const char *s);

#endif
