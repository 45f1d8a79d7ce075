/* tmpl.c - template files and the per-thread PCRE2 match context. */
#include "tmpl.h"

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

void rx_cleanup(void)
{
    pcre2_match_context_free(rx_ctx);
    pcre2_jit_stack_free(rx_jit_stack);
    rx_ctx = NULL;
    rx_jit_stack = NULL;
}

int rx_match(const pcre2_code *re, const char *subject, size_t len, size_t start,
             uint32_t options, pcre2_match_data *md)
{
    /* Subjects are valid UTF-8 by construction (text.c decodes and checks
     * every article), and checking on each call would be quadratic. */
    int rc = pcre2_match(re, (PCRE2_SPTR)subject, len, start, options | PCRE2_NO_UTF_CHECK, md,
                         rx_context());
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
    if (any && !getenv("LOCSTAT_NO_JIT"))
        pcre2_jit_compile(any, PCRE2_JIT_COMPLETE);
    sb_release(&pat);
    return any;
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
    /* JIT is an optimisation: without it (e.g. unsupported CPU) we still
     * match. LOCSTAT_NO_JIT turns it off for memcheck, which cannot see that
     * the JIT's 16-byte reads past a subject's end are safe. */
    if (!getenv("LOCSTAT_NO_JIT"))
        pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    return re;
}

