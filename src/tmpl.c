/* tmpl.c - template files and the per-thread PCRE2 match context. */
#include "tmpl.h"

#include <ctype.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

/* Bounds on one match attempt: generous for real articles, small enough
 * that a pathological pattern or a 50 MB line of digits cannot hang a run. */
#define RX_MATCH_LIMIT 1000000
#define RX_DEPTH_LIMIT 10000
#define RX_HEAP_LIMIT_KB 20000
#define RX_JIT_STACK_MIN (32 * 1024)
#define RX_JIT_STACK_MAX (1024 * 1024)

/* A JIT stack serves one thread at a time: each thread has its own. */
static _Thread_local pcre2_match_context *rx_ctx;
static _Thread_local pcre2_jit_stack *rx_jit_stack;
/* The same, for searches whose start is bounded (the offset limit, set
 * per search, is an error for patterns not compiled to take one). */
static _Thread_local pcre2_match_context *rx_limit_ctx;

pcre2_match_context *rx_context(void)
{
    if (rx_ctx)
        return rx_ctx;
    rx_ctx = pcre2_match_context_create(NULL);
    if (!rx_ctx)
        die("out of memory creating a PCRE2 match context");
    pcre2_set_match_limit(rx_ctx, RX_MATCH_LIMIT);
    pcre2_set_depth_limit(rx_ctx, RX_DEPTH_LIMIT);
    pcre2_set_heap_limit(rx_ctx, RX_HEAP_LIMIT_KB);
    rx_jit_stack = pcre2_jit_stack_create(RX_JIT_STACK_MIN, RX_JIT_STACK_MAX, NULL);
    if (rx_jit_stack)
        pcre2_jit_stack_assign(rx_ctx, NULL, rx_jit_stack);
    return rx_ctx;
}

static pcre2_match_context *rx_limit_context(void)
{
    if (!rx_limit_ctx && !(rx_limit_ctx = pcre2_match_context_copy(rx_context())))
        die("out of memory creating a PCRE2 match context");
    return rx_limit_ctx;
}

void rx_cleanup(void)
{
    pcre2_match_context_free(rx_limit_ctx);
    rx_limit_ctx = NULL;
    pcre2_match_context_free(rx_ctx);
    pcre2_jit_stack_free(rx_jit_stack);
    rx_ctx = NULL;
    rx_jit_stack = NULL;
}

/* JIT-compile @p re (NULL is fine) and return it. JIT is an optimisation:
 * without it (e.g. unsupported CPU) we still match. LOCSTAT_NO_JIT turns
 * it off for memcheck, which cannot see that the JIT's 16-byte reads past
 * a subject's end are safe. */
static pcre2_code *rx_jit(pcre2_code *re)
{
    if (re && !getenv("LOCSTAT_NO_JIT"))
        pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    return re;
}

/* What rx_match returns for pcre2_match's @p rc. */
static int rx_result(int rc, pcre2_match_data *md)
{
    /* a match with more groups than @p md holds is still a match (of
     * which md keeps the groups that fit): a staff pattern's parentheses
     * must not silently turn a rule off */
    if (rc == 0)
        rc = (int)pcre2_get_ovector_count(md);
    if (rc < 0 && rc != PCRE2_ERROR_NOMATCH) {
        static atomic_int warned;
        if (atomic_fetch_add(&warned, 1) == 0) {
            PCRE2_UCHAR msg[256];
            pcre2_get_error_message(rc, msg, sizeof(msg));
            warning("pattern match abandoned: %s", (char *)msg);
        }
    }
    return rc;
}

int rx_match(const pcre2_code *re, const char *subject, size_t len, size_t start,
             uint32_t options, pcre2_match_data *md)
{
    /* Subjects are valid UTF-8 by construction (text.c decodes and checks
     * every article), and checking on each call would be quadratic. */
    return rx_result(pcre2_match(re, (PCRE2_SPTR)subject, len, start,
                                 options | PCRE2_NO_UTF_CHECK, md, rx_context()),
                     md);
}

pcre2_code *rx_any_of(const char *const *src, pcre2_code *const *re, size_t n, uint32_t options)
{
    strbuf pat = STRBUF_INIT;
    pcre2_code *any = NULL;
    int errcode;
    PCRE2_SIZE erroff;

    if (n < 2)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        uint32_t backrefs = 0, names = 0;
        pcre2_pattern_info(re[i], PCRE2_INFO_BACKREFMAX, &backrefs);
        pcre2_pattern_info(re[i], PCRE2_INFO_NAMECOUNT, &names);
        if (backrefs || names || strstr(src[i], "(*")) {
            sb_release(&pat);
            return NULL;
        }
        sb_addf(&pat, "%s(?:%s)", i ? "|" : "", src[i]);
    }
    /* each part compiled on its own, so the whole does too; should it
     * not, the parts are asked one by one */
    any = pcre2_compile((PCRE2_SPTR)pat.buf, pat.len, PCRE2_UTF | options, &errcode, &erroff, NULL);
    sb_release(&pat);
    return rx_jit(any);
}

/* Learned per BMP code point: bit k, pattern k can begin a match there;
 * KNOWN, the bits are set. */
#define RX_KNOWN (UINT64_C(1) << 63)
#define RX_MAX_FILTERED 63
#define RX_CODE_POINTS 0x10000
/* Longer texts are not listed; longer runs go to PCRE2's own scan. */
#define RX_PLACES_MAX (256 * 1024)
#define RX_RUN_BYTES 64

struct rx_starts {
    size_t n;
    pcre2_code **re;       /* the caller's patterns (not owned) */
    pcre2_code **anchored; /* a twin per filtered pattern, else NULL */
    pcre2_code **runner;   /* another, to try a run of places in one search */
    pcre2_code **learner;  /* the caller's first-character pattern, else NULL */
    uint64_t filtered;     /* bit k: pattern k has a twin */
    uint64_t jit;          /* bit k: and the JIT compiled it */
    int *needs;            /* a byte every match of pattern k holds, or -1 */
    _Atomic uint64_t *learned;
};

/* Is the unanchored search of @p re the same as anchored attempts at each
 * character, and (unless @p told, the caller naming its first
 * characters) can a match begin at one place whatever precedes it? */
static int filterable(const char *src, const pcre2_code *re, int told)
{
    uint32_t behind = 1, minlen = 0, opts = 0;
    if (pcre2_pattern_info(re, PCRE2_INFO_MAXLOOKBEHIND, &behind) || (behind && !told) ||
        pcre2_pattern_info(re, PCRE2_INFO_MINLENGTH, &minlen) || !minlen ||
        pcre2_pattern_info(re, PCRE2_INFO_ALLOPTIONS, &opts) || (opts & PCRE2_ANCHORED))
        return 0;
    return !strstr(src, "\\G") && !strstr(src, "(*");
}

/* @p src compiled as @p like was, with @p extra options, JIT-compiled. */
static pcre2_code *compile_like(const char *src, const pcre2_code *like, uint32_t extra)
{
    uint32_t opts = 0;
    int errcode;
    PCRE2_SIZE erroff;
    pcre2_code *re;
    if (pcre2_pattern_info(like, PCRE2_INFO_ARGOPTIONS, &opts))
        return NULL;
    re = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED, opts | extra, &errcode, &erroff,
                       NULL);
    return rx_jit(re);
}

rx_starts *rx_starts_new(const char *const *src, const char *const *first, pcre2_code *const *re,
                         size_t n)
{
    rx_starts *st = xcalloc(1, sizeof(*st));
    st->n = n;
    st->re = xcalloc(n + 1, sizeof(*st->re));
    memcpy(st->re, re, n * sizeof(*re));
    st->anchored = xcalloc(n + 1, sizeof(*st->anchored));
    st->runner = xcalloc(n + 1, sizeof(*st->runner));
    st->learner = xcalloc(n + 1, sizeof(*st->learner));
    st->needs = xcalloc(n + 1, sizeof(*st->needs));
    for (size_t k = 0; k < n && k < RX_MAX_FILTERED; k++) {
        uint32_t type = 0, unit = 0;
        const char *told = first ? first[k] : NULL;
        if (!filterable(src[k], re[k], told != NULL))
            continue;
        if (told && !(st->learner[k] = compile_like(told, re[k], PCRE2_ANCHORED)))
            continue;
        /* without start optimisations: they would look for the byte a
         * match needs at every attempt (rx_places_find does, once) */
        st->anchored[k] = compile_like(src[k], re[k], PCRE2_ANCHORED | PCRE2_NO_START_OPTIMIZE);
        if (!st->anchored[k])
            continue;
        st->filtered |= UINT64_C(1) << k;
        {
            size_t jit = 0, jit2 = 0;
            st->runner[k] = compile_like(src[k], re[k], PCRE2_USE_OFFSET_LIMIT | PCRE2_NO_START_OPTIMIZE);
            if (!pcre2_pattern_info(st->anchored[k], PCRE2_INFO_JITSIZE, &jit) && jit &&
                st->runner[k] && !pcre2_pattern_info(st->runner[k], PCRE2_INFO_JITSIZE, &jit2) &&
                jit2)
                st->jit |= UINT64_C(1) << k;
        }
        st->needs[k] = -1;
        if (!pcre2_pattern_info(re[k], PCRE2_INFO_LASTCODETYPE, &type) && type == 1 &&
            !pcre2_pattern_info(re[k], PCRE2_INFO_LASTCODEUNIT, &unit) && unit < 0x100)
            st->needs[k] = (int)unit;
    }
    if (st->filtered)
        st->learned = xcalloc(RX_CODE_POINTS, sizeof(*st->learned));
    return st;
}

void rx_starts_free(rx_starts *st)
{
    if (!st)
        return;
    for (size_t k = 0; k < st->n; k++) {
        pcre2_code_free(st->anchored[k]);
        pcre2_code_free(st->runner[k]);
        pcre2_code_free(st->learner[k]);
    }
    free(st->anchored);
    free(st->runner);
    free(st->learner);
    free(st->needs);
    free(st->re);
    free((void *)st->learned);
    free(st);
}

int rx_starts_filtered(const rx_starts *st, size_t k)
{
    return k < st->n && st->anchored[k] != NULL;
}

/* Which filtered patterns can begin a match at code point @p cp: each one
 * that matches it, or runs out of text still matching (a partial match).
 * Deterministic, so threads that learn the same code point at once store
 * the same bits. */
static uint64_t learn(const rx_starts *st, uint32_t cp, pcre2_match_data *md)
{
    uint64_t bits = st->learned[cp];
    char one[4];
    int len;

    if (bits & RX_KNOWN)
        return bits;
    bits = RX_KNOWN;
    len = utf8_encode(cp, one);
    for (size_t k = 0; k < st->n && k < RX_MAX_FILTERED; k++) {
        int rc;
        if (!st->anchored[k])
            continue;
        rc = pcre2_match(st->learner[k] ? st->learner[k] : st->anchored[k], (PCRE2_SPTR)one,
                         (size_t)len, 0,
                         PCRE2_PARTIAL_HARD | PCRE2_NO_UTF_CHECK, md, rx_context());
        if (rc != PCRE2_ERROR_NOMATCH) /* a match, a partial one, or a limit: may begin */
            bits |= UINT64_C(1) << k;
    }
    atomic_store_explicit(&((rx_starts *)st)->learned[cp], bits, memory_order_relaxed);
    return bits;
}

void rx_places_find(rx_places *pl, const rx_starts *st, const char *s, size_t len,
                    pcre2_match_data *md)
{
    uint64_t use;

    if (pl->npat < st->n) {
        pl->runs = xrealloc(pl->runs, st->n * sizeof(*pl->runs));
        pl->n = xrealloc(pl->n, st->n * sizeof(*pl->n));
        pl->alloc = xrealloc(pl->alloc, st->n * sizeof(*pl->alloc));
        for (size_t k = pl->npat; k < st->n; k++) {
            pl->runs[k] = NULL;
            pl->alloc[k] = 0;
        }
        pl->npat = st->n;
    }
    for (size_t k = 0; k < st->n; k++)
        pl->n[k] = 0;
    pl->s = s;
    pl->len = len;
    pl->all = len > RX_PLACES_MAX;
    if (!st->filtered || pl->all)
        return;
    /* a pattern whose needed byte the text lacks cannot match in it; an
     * ASCII letter may be needed in either case */
    use = st->filtered;
    for (size_t k = 0; k < st->n && k < RX_MAX_FILTERED; k++) {
        int b = st->needs[k];
        if (!(use >> k & 1) || b < 0 || memchr(s, b, len))
            continue;
        if (b < 0x80 && isalpha(b) && (memchr(s, tolower(b), len) || memchr(s, toupper(b), len)))
            continue;
        use &= ~(UINT64_C(1) << k);
    }
    for (size_t i = 0; i < len;) {
        int n;
        uint32_t cp = utf8_decode(s + i, &n);
        uint64_t bits;
        if (n <= 0)
            n = 1;
        if (cp < RX_CODE_POINTS) {
            bits = atomic_load_explicit(&st->learned[cp], memory_order_relaxed);
            if (!(bits & RX_KNOWN))
                bits = learn(st, cp, md);
            bits &= use;
        } else {
            bits = use; /* outside the BMP: tried, as PCRE2 would */
        }
        while (bits) {
            size_t k = (size_t)__builtin_ctzll(bits);
            if (pl->n[k] && pl->runs[k][pl->n[k] - 1].b == i) {
                pl->runs[k][pl->n[k] - 1].b = (uint32_t)(i + (size_t)n);
            } else {
                ALLOC_GROW(pl->runs[k], pl->n[k] + 1, pl->alloc[k]);
                pl->runs[k][pl->n[k]++] = (rx_run){ (uint32_t)i, (uint32_t)(i + (size_t)n) };
            }
            bits &= bits - 1;
        }
        i += (size_t)n;
    }
}

void rx_places_release(rx_places *pl)
{
    for (size_t k = 0; k < pl->npat; k++)
        free(pl->runs[k]);
    free(pl->runs);
    free(pl->n);
    free(pl->alloc);
    memset(pl, 0, sizeof(*pl));
}

/* Pattern @p k tried at each character from @p at to @p last (a
 * character's start) in turn. Straight into the JIT where it compiled the
 * twins, the checks pcre2_match makes on the way being a quarter of what
 * an attempt cost: one anchored attempt for one place, else one search
 * whose start may not pass @p last (an offset limit), which tries a run
 * of digits in one call instead of one call a digit. */
static int attempt(const rx_starts *st, size_t k, const char *s, size_t end, size_t at,
                   size_t last, pcre2_match_data *md)
{
    int rc;
    if (!(st->jit >> k & 1)) {
        for (;; at += (size_t)utf8_len((unsigned char)s[at])) {
            rc = rx_match(st->anchored[k], s, end, at, 0, md);
            if (rc != PCRE2_ERROR_NOMATCH || at >= last)
                return rc;
        }
    }
    if (at == last)
        return rx_result(
            pcre2_jit_match(st->anchored[k], (PCRE2_SPTR)s, end, at, 0, md, rx_context()), md);
    pcre2_set_offset_limit(rx_limit_context(), last);
    rc = pcre2_jit_match(st->runner[k], (PCRE2_SPTR)s, end, at, 0, md, rx_limit_context());
    return rx_result(rc, md);
}

int rx_next(const rx_starts *st, const rx_places *pl, size_t k, size_t start, size_t end,
            pcre2_match_data *md)
{
    const rx_run *run = pl->runs[k];
    size_t lo = 0, hi = pl->n[k];

    /* mid-character starts (after an empty match) go as they always did */
    if (pl->all || !st->anchored[k] || end > pl->len ||
        (start < end && ((unsigned char)pl->s[start] & 0xC0) == 0x80))
        return rx_match(st->re[k], pl->s, end, start, 0, md);
    while (lo < hi) { /* the first run that ends after start */
        size_t mid = (lo + hi) / 2;
        if (run[mid].b <= start)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < pl->n[k] && run[lo].a < end; lo++) {
        size_t at = run[lo].a > start ? run[lo].a : start, b = run[lo].b < end ? run[lo].b : end;
        /* a long run (a line of digits) goes to PCRE2 unanchored from
         * its start, whose scan passes over a run at once where anchored
         * attempts at each character would be quadratic */
        if (b - at > RX_RUN_BYTES)
            return rx_match(st->re[k], pl->s, end, at, 0, md);
        if (at < b) {
            size_t last = b - 1;
            int rc;
            while (last > at && ((unsigned char)pl->s[last] & 0xC0) == 0x80)
                last--;
            rc = attempt(st, k, pl->s, end, at, last, md);
            if (rc != PCRE2_ERROR_NOMATCH)
                return rc;
        }
    }
    return PCRE2_ERROR_NOMATCH;
}

void rx_quote(strbuf *out, const char *s)
{
    for (; *s; s++) {
        if (strchr("\\^$.|?*+()[]{}-/#", *s))
            sb_addch(out, '\\');
        sb_addch(out, *s);
    }
}

void tmpl_release(tmpl_file *tf)
{
    if (!tf)
        return;
    for (size_t i = 0; i < tf->nrows; i++)
        free(tf->rows[i].field);
    free(tf->rows);
    free(tf->data);
    free(tf->path);
    memset(tf, 0, sizeof(*tf));
}

ls_error tmpl_error(const tmpl_file *tf, const tmpl_row *row, const char *fmt, ...)
{
    strbuf sb = STRBUF_INIT;
    va_list ap;
    char tmp[512];

    va_start(ap, fmt);
    vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (row)
        sb_addf(&sb, "%s:%d: %s", tf->path, row->line, tmp);
    else
        sb_addf(&sb, "%s: %s", tf->path, tmp);
    error("%s", sb.buf);
    sb_release(&sb);
    return LS_ERR_TEMPLATE;
}

ls_error tmpl_load(tmpl_file *tf, const char *dir, const char *name, int min_fields)
{
    size_t len;
    char *p, *end;
    int line = 0;

    memset(tf, 0, sizeof(*tf));
    tf->path = xstrfmt("%s/%s", dir, name);
    if (read_file(tf->path, &tf->data, &len) != LS_OK)
        return error("cannot read template '%s': %s", tf->path, strerror(errno)),
               LS_ERR_IO;
    {
        /* staff edit templates in Excel or WPS too: read as articles are
         * (UTF-8 with or without BOM, UTF-16, GB18030), so that the fields,
         * matched without UTF checks, are valid UTF-8 */
        strbuf why = STRBUF_INIT;
        const char *enc;
        char *utf8;
        if (text_decode(tf->data, len, &utf8, &len, &enc, &why)) {
            ls_error e = tmpl_error(tf, NULL, "not text in a known encoding (%s)", why.buf);
            sb_release(&why);
            return e;
        }
        sb_release(&why);
        free(tf->data);
        tf->data = utf8;
    }

    for (p = tf->data, end = tf->data + len; p < end;) {
        char *eol = memchr(p, '\n', (size_t)(end - p));
        char *next = eol ? eol + 1 : end;
        tmpl_row row = { NULL, 0, ++line };
        size_t falloc = 0;

        if (!eol)
            eol = end;
        if (eol > p && eol[-1] == '\r')
            eol--;
        *eol = '\0';
        if (*p == '\0' || *p == '#') {
            p = next;
            continue;
        }
        for (char *f = p;;) {
            char *tab = strchr(f, '\t');
            ALLOC_GROW(row.field, (size_t)row.nfield + 1, falloc);
            row.field[row.nfield++] = f;
            if (!tab)
                break;
            *tab = '\0';
            f = tab + 1;
        }
        /* trailing empty fields are not fields */
        while (row.nfield > 0 && row.field[row.nfield - 1][0] == '\0')
            row.nfield--;
        if (row.nfield < min_fields) {
            ls_error e = tmpl_error(tf, &row, "expected at least %d tab-separated fields, found %d",
                                    min_fields, row.nfield);
            free(row.field);
            return e;
        }
        ALLOC_GROW(tf->rows, tf->nrows + 1, tf->alloc);
        tf->rows[tf->nrows++] = row;
        p = next;
    }
    return LS_OK;
}

pcre2_code *tmpl_regex(const tmpl_file *tf, const tmpl_row *row, const char *what,
                       const char *pattern, uint32_t flags)
{
    int errcode;
    PCRE2_SIZE erroff;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
                                   PCRE2_UTF | flags, &errcode, &erroff, NULL);
    if (!re) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(errcode, msg, sizeof(msg));
        if (tf && row)
            error("%s:%d:%zu: %s", tf->path, row->line, (size_t)erroff, (char *)msg);
        else
            error("%s:%zu: %s", what ? what : "pattern", (size_t)erroff, (char *)msg);
        return NULL;
    }
    return rx_jit(re);
}

