/* state.c - the manifest of articles and figures between runs. */
#include "state.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "outfile.h"

#define STATE_MAGIC "# locstat state 2"
/* version 1 had no end line: read, but its end cannot be checked */
#define STATE_MAGIC_1 "# locstat state 1"

char *state_path_for(const char *report)
{
    size_t n = strlen(report);
    if (n > 5 && !strcmp(report + n - 5, ".xlsx"))
        n -= 5;
    return xstrfmt("%.*s.state.tsv", (int)n, report);
}

static void article_release(state_article *a)
{
    free(a->name);
    free(a->figs);
    free(a->vals);
    free(a->fgen);
    free(a->fkind);
}

static void add_figure(state_article *a, uint64_t where, uint64_t what, int gen, char kind)
{
    if (a->nfigs + 1 > a->falloc) {
        a->falloc = a->falloc ? a->falloc * 2 : 16;
        a->figs = xrealloc(a->figs, a->falloc * sizeof(*a->figs));
        a->vals = xrealloc(a->vals, a->falloc * sizeof(*a->vals));
        a->fgen = xrealloc(a->fgen, a->falloc * sizeof(*a->fgen));
        a->fkind = xrealloc(a->fkind, a->falloc);
    }
    a->figs[a->nfigs] = where;
    a->vals[a->nfigs] = what;
    a->fgen[a->nfigs] = gen;
    a->fkind[a->nfigs] = kind;
    a->nfigs++;
}

void state_release(state *st)
{
    for (size_t i = 0; i < st->n; i++)
        article_release(&st->v[i]);
    free(st->v);
    memset(st, 0, sizeof(*st));
}

/* Lookups by name go through an index sorted by name, built once per
 * update: a corpus of 100k articles must not cost 100k^2 comparisons. */
static size_t *name_index;
static size_t name_index_n;
static const state *name_index_of;

static int by_name(const void *a, const void *b)
{
    return strcmp(name_index_of->v[*(const size_t *)a].name, name_index_of->v[*(const size_t *)b].name);
}

static void index_names(const state *st)
{
    free(name_index);
    name_index = xmalloc((st->n + 1) * sizeof(*name_index));
    for (size_t i = 0; i < st->n; i++)
        name_index[i] = i;
    name_index_of = st;
    name_index_n = st->n;
    qsort(name_index, st->n, sizeof(*name_index), by_name);
}

/* An article of the state as it was indexed (entries added since are new
 * names, so they are never looked for). */
static state_article *find(state *st, const char *name)
{
    size_t lo = 0, hi = name_index_n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(st->v[name_index[mid]].name, name);
        if (!c)
            return &st->v[name_index[mid]];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static const char hexdigit[] = "0123456789abcdef";

/* An F line, as "F\t%016x\t%016x\t%d\t%c\n" would write it: there is one
 * per figure (25 million at a million articles), and printf took most of
 * the time of saving. Returns its length. */
static size_t format_figure(char *out, uint64_t where, uint64_t what, int gen, char kind)
{
    char *p = out;
    *p++ = 'F';
    *p++ = '\t';
    for (int i = 15; i >= 0; i--, where >>= 4)
        p[i] = hexdigit[where & 15];
    p += 16;
    *p++ = '\t';
    for (int i = 15; i >= 0; i--, what >>= 4)
        p[i] = hexdigit[what & 15];
    p += 16;
    *p++ = '\t';
    p += snprintf(p, 16, "%d", gen);
    *p++ = '\t';
    *p++ = kind;
    *p++ = '\n';
    return (size_t)(p - out);
}

/* 16 lowercase hex digits at @p s into *v; 0 when they are not. */
static int parse_hex16(const char *s, uint64_t *v)
{
    uint64_t x = 0;
    for (int i = 0; i < 16; i++) {
        int d = hex_digit((unsigned char)s[i]);
        if (d < 0)
            return 0;
        x = x << 4 | (uint64_t)d;
    }
    *v = x;
    return 1;
}

/* An F line as format_figure writes it, p[0..len) without its newline,
 * into @p a; 0 when it is in any other form (the general parser decides). */
static int parse_figure(state_article *a, const char *p, size_t len)
{
    uint64_t where, what;
    int gen = 0;
    size_t i = 36;
    if (len < 39 || p[0] != 'F' || p[1] != '\t' || p[18] != '\t' || p[35] != '\t' ||
        !parse_hex16(p + 2, &where) || !parse_hex16(p + 19, &what))
        return 0;
    for (; i < len && p[i] >= '0' && p[i] <= '9' && i < 45; i++)
        gen = gen * 10 + (p[i] - '0');
    if (i == 36 || i != len - 2 || p[i] != '\t' || p[len - 1] == '\t' || (p[36] == '0' && i > 37))
        return 0;
    add_figure(a, where, what, gen, p[len - 1]);
    return 1;
}

/* Is @p name among the articles of @p set (sorted by name)? */
static int in_set(const run_set *set, const char *name)
{
    size_t lo = 0, hi = set->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(set->v[mid].name, name);
        if (!c)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/*
 * Format, one record per line, TAB-separated:
 *   # locstat state 1
 *   G  generation  time
 *   A  name  hash  first_seen  last_changed  added  changed  removed
 *   F  figure-key  value-key  generation  N|C|-   (figures of the article above)
 */
/* Parse one state file; -1 on any line that is not a state line, with the
 * line number in *bad_line (0: cut short, its end line missing). */
static int parse_state(state *st, char *data, size_t len, int *bad_line)
{
    char *p, *end;
    size_t alloc = 0;
    int line = 0, v1 = 0, ended = 0;
    state_article *cur = NULL;

    for (p = data, end = data + len; p < end;) {
        char *eol = memchr(p, '\n', (size_t)(end - p));
        char *f[8];
        int nf = 0;
        line++;
        if (!eol)
            eol = end;
        *eol = '\0';
        if (line == 1 && strcmp(p, STATE_MAGIC) && !(v1 = !strcmp(p, STATE_MAGIC_1)))
            goto bad;
        if (cur && !ended && parse_figure(cur, p, (size_t)(eol - p))) {
            p = eol + 1; /* the common line, without splitting it */
            continue;
        }
        if (*p && *p != '#') {
            for (char *q = p; nf < 8;) {
                f[nf++] = q;
                q = strchr(q, '\t');
                if (!q)
                    break;
                *q++ = '\0';
            }
            if (ended) {
                goto bad; /* nothing follows the end line */
            } else if (!strcmp(f[0], "W") && nf == 2 && strlen(f[1]) == 32) {
                memcpy(st->workbook, f[1], 33);
            } else if (!strcmp(f[0], "G") && nf == 3) {
                st->generation = atoi(f[1]);
                st->generation_time = strtoll(f[2], NULL, 10);
            } else if (!strcmp(f[0], "A") && nf == 8 && strlen(f[2]) == 32) {
                ALLOC_GROW(st->v, st->n + 1, alloc);
                cur = &st->v[st->n++];
                memset(cur, 0, sizeof(*cur));
                cur->name = xstrdup(f[1]);
                memcpy(cur->hash, f[2], 33);
                cur->first_seen = strtoll(f[3], NULL, 10);
                cur->last_changed = strtoll(f[4], NULL, 10);
                cur->gen_added = atoi(f[5]);
                cur->gen_changed = atoi(f[6]);
                cur->gen_removed = atoi(f[7]);
            } else if (!strcmp(f[0], "F") && nf == 5 && cur) {
                add_figure(cur, strtoull(f[1], NULL, 16), strtoull(f[2], NULL, 16), atoi(f[3]),
                           f[4][0]);
            } else if (!strcmp(f[0], "E") && nf == 2 && strtoull(f[1], NULL, 10) == st->n) {
                ended = 1;
            } else {
                goto bad;
            }
        }
        p = eol + 1;
    }
    st->alloc = alloc;
    if (!line || (!v1 && !ended)) {
        *bad_line = 0;
        return -1;
    }
    return 0;
bad:
    *bad_line = line;
    return -1;
}

/* 0 read (or missing: a first run), -1 unreadable or corrupt, with the
 * reason in @p why. */
static int load_one(state *st, const char *path, strbuf *why, int *missing)
{
    char *data = NULL;
    size_t len;
    int bad = 0;

    memset(st, 0, sizeof(*st));
    *missing = 0;
    if (read_file(path, &data, &len) != LS_OK) {
        if (errno == ENOENT) {
            *missing = 1;
            return 0;
        }
        sb_addf(why, "cannot read '%s': %s", path, strerror(errno));
        return -1;
    }
    if (parse_state(st, data, len, &bad)) {
        if (bad)
            sb_addf(why, "%s:%d: not a locstat state line", path, bad);
        else
            sb_addf(why, "'%s' is cut short (its end line is missing)", path);
        free(data);
        state_release(st);
        return -1;
    }
    free(data);
    return 0;
}

void state_file_hash(const char *path, char hex[33])
{
    if (hash_file_hex(path, hex) != LS_OK)
        hex[0] = '\0';
}

int state_load(state *st, const char *path, char **notice)
{
    strbuf why = STRBUF_INIT;
    char *bak = xstrfmt("%s.bak", path);
    int missing, bak_missing, rc = 0;

    *notice = NULL;
    if (load_one(st, path, &why, &missing) == 0 && !missing)
        goto out;
    if (!missing || access(bak, F_OK) == 0) {
        /* corrupt, or lost between writing the backup and the new file:
         * the backup holds the history (first seen, last changed) */
        strbuf bwhy = STRBUF_INIT;
        if (missing)
            sb_addf(&why, "'%s' is missing", path);
        if (load_one(st, bak, &bwhy, &bak_missing) == 0 && !bak_missing) {
            *notice = xstrfmt("%s%srestored from '%s'", why.buf, why.len ? "; " : "", bak);
            rc = 1;
        } else if (!missing) {
            *notice = xstrfmt("%s; %s; starting afresh", why.buf,
                              bwhy.len ? bwhy.buf : "no backup");
            rc = -1;
        }
        sb_release(&bwhy);
        if (*notice)
            error("state: %s", *notice); /* seen even under -q */
    }
out:
    sb_release(&why);
    free(bak);
    return rc;
}

/* @p part[0..n) joined by the unit separator (0x1F). */
static void join(strbuf *sb, const char *const *part, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (i)
            sb_addch(sb, 0x1f);
        sb_addstr(sb, part[i]);
    }
}

/* Keys of the figures of an article: which each is (its surface and how
 * many figures with that surface come before it, as corrections name
 * figures; an edit to the sentence around it does not make it another
 * figure) and what it says (value, unit, qualifier, category, indicator …).
 * One pass with a table of surface counts: articles may hold many figures. */
static void article_keys(const run_article *a, uint64_t *where, uint64_t *what)
{
    size_t size = 16, mask;
    uint64_t *keys;
    uint32_t *counts;
    strbuf sb = STRBUF_INIT;

    while (size < a->figs.n * 2)
        size *= 2;
    mask = size - 1;
    keys = xcalloc(size, sizeof(*keys));
    counts = xcalloc(size, sizeof(*counts));
    for (size_t k = 0; k < a->figs.n; k++) {
        const ls_figure *f = &a->figs.v[k];
        uint64_t hs = XXH3_64bits(f->surface, strlen(f->surface)) | 1; /* 0 marks empty */
        size_t h = (size_t)hs & mask;
        char v[48], vm[48];

        while (keys[h] && keys[h] != hs)
            h = (h + 1) & mask;
        keys[h] = hs;
        /* the bytes hashed are those of the state's first format, joined
         * by hand: printf for each of 25 million figures was a run's
         * slowest serial step */
        sb.len = 0;
        format_decimal((double)counts[h]++, v, sizeof(v));
        join(&sb, (const char *const[]){ f->surface, v }, 2);
        where[k] = XXH3_64bits(sb.buf, sb.len);
        sb.len = 0;
        format_decimal(f->value, v, sizeof(v));
        format_decimal(f->has_max ? f->value_max : 0, vm, sizeof(vm));
        join(&sb,
             (const char *const[]){ v, vm, f->unit, ls_qualifier_id(f->qualifier), f->period,
                                    ls_status_id(f->status), ls_category_id(f->category),
                                    f->indicator },
             8);
        what[k] = XXH3_64bits(sb.buf, sb.len);
    }
    sb_release(&sb);
    free(keys);
    free(counts);
}

static const uint64_t *sort_ctx;
static int by_key(const void *a, const void *b)
{
    uint64_t x = sort_ctx[*(const size_t *)a], y = sort_ctx[*(const size_t *)b];
    return x < y ? -1 : x > y;
}

int state_update(state *st, run_set *set, time_t now)
{
    int changed = 0, gen = st->generation + 1;
    unsigned char *seen = xcalloc(st->n + 1, 1);

    index_names(st);

    /* first pass: has anything changed at all? */
    for (size_t i = 0; i < set->n; i++) {
        const run_article *a = &set->v[i];
        state_article *old = find(st, a->name);
        if (old)
            seen[old - st->v] = 1; /* an unreadable article is not removed */
        if (a->err)
            continue;
        if (!old || old->gen_removed || strcmp(old->hash, a->hash))
            changed = 1;
    }
    for (size_t i = 0; i < st->n; i++)
        if (!seen[i] && !st->v[i].gen_removed)
            changed = 1; /* removed since the last run */
    /* Figures can change without their article: new templates, corrections. */
    for (size_t i = 0; i < set->n && !changed; i++) {
        const run_article *a = &set->v[i];
        state_article *old = find(st, a->name);
        uint64_t *where, *what;
        if (a->err || !old)
            continue;
        if (old->nfigs != a->figs.n) {
            changed = 1;
            break;
        }
        where = xmalloc((a->figs.n + 1) * sizeof(*where));
        what = xmalloc((a->figs.n + 1) * sizeof(*what));
        article_keys(a, where, what);
        for (size_t k = 0; k < a->figs.n && !changed; k++)
            changed = old->figs[k] != where[k] || old->vals[k] != what[k];
        free(where);
        free(what);
    }
    if (changed) {
        st->generation = gen;
        st->generation_time = (long long)now;
    }
    gen = st->generation;

    /* second pass: marks for the workbook, and the new state */
    for (size_t i = 0; i < set->n; i++) {
        run_article *a = &set->v[i];
        state_article *old = find(st, a->name);
        if (a->err)
            continue;
        if (!old) {
            ALLOC_GROW(st->v, st->n + 1, st->alloc);
            old = &st->v[st->n++];
            memset(old, 0, sizeof(*old));
            old->name = xstrdup(a->name);
            memcpy(old->hash, a->hash, 33);
            old->first_seen = old->last_changed = (long long)now;
            old->gen_added = gen;
        } else if (old->gen_removed) { /* back again */
            old->gen_removed = 0;
            old->gen_added = gen;
            old->first_seen = old->last_changed = (long long)now;
            memcpy(old->hash, a->hash, 33);
        } else if (strcmp(old->hash, a->hash)) {
            memcpy(old->hash, a->hash, 33);
            old->last_changed = (long long)now;
            old->gen_changed = gen;
        }
        a->change = old->gen_added == gen ? CHANGE_NEW : old->gen_changed == gen ? CHANGE_CHANGED
                                                                                  : CHANGE_NONE;
        a->first_seen = old->first_seen;
        a->last_changed = old->last_changed;

        /* figures: new where their key is unknown, changed where it says
         * something else; each remembers the generation of its last mark,
         * so an unchanged rerun shows the same marks */
        {
            state_article next;
            uint64_t *where = xmalloc((a->figs.n + 1) * sizeof(*where));
            uint64_t *what = xmalloc((a->figs.n + 1) * sizeof(*what));
            uint64_t *sorted = xmalloc((old->nfigs + 1) * sizeof(*sorted));
            size_t *order = xmalloc((old->nfigs + 1) * sizeof(*order));

            memset(&next, 0, sizeof(next));
            article_keys(a, where, what);
            /* the old keys, sorted, to find each figure in log time */
            for (size_t j = 0; j < old->nfigs; j++)
                order[j] = j;
            sort_ctx = old->figs;
            qsort(order, old->nfigs, sizeof(*order), by_key);
            for (size_t j = 0; j < old->nfigs; j++)
                sorted[j] = old->figs[order[j]];
            for (size_t k = 0; k < a->figs.n; k++) {
                ls_figure *f = &a->figs.v[k];
                size_t lo = 0, hi = old->nfigs, j = old->nfigs;
                int fg;
                char kind;
                while (lo < hi) {
                    size_t mid = (lo + hi) / 2;
                    if (sorted[mid] < where[k])
                        lo = mid + 1;
                    else
                        hi = mid;
                }
                if (lo < old->nfigs && sorted[lo] == where[k])
                    j = order[lo];
                if (j == old->nfigs || a->change == CHANGE_NEW)
                    fg = gen, kind = 'N';
                else if (old->vals[j] != what[k])
                    fg = gen, kind = 'C';
                else
                    fg = old->fgen[j], kind = old->fkind[j];
                add_figure(&next, where[k], what[k], fg, kind);
                f->change = fg != gen ? CHANGE_NONE : kind == 'N' ? CHANGE_NEW
                                                    : kind == 'C' ? CHANGE_CHANGED : CHANGE_NONE;
            }
            free(where);
            free(what);
            free(sorted);
            free(order);
            free(old->figs);
            free(old->vals);
            free(old->fgen);
            free(old->fkind);
            old->figs = next.figs;
            old->vals = next.vals;
            old->fgen = next.fgen;
            old->fkind = next.fkind;
            old->nfigs = next.nfigs;
            old->falloc = next.falloc;
        }
    }
    /* what was removed in this generation is listed until the next one */
    for (size_t i = 0; i < st->n; i++) {
        state_article *old = &st->v[i];
        int present = in_set(set, old->name);
        if (!present && !old->gen_removed)
            old->gen_removed = gen;
        if (old->gen_removed == gen) {
            ALLOC_GROW(set->removed, set->nremoved + 1, set->removed_alloc);
            set->removed[set->nremoved++] = xstrdup(old->name);
        }
    }
    /* forget what was removed before this generation */
    {
        size_t k = 0;
        for (size_t i = 0; i < st->n; i++) {
            if (st->v[i].gen_removed && st->v[i].gen_removed != gen)
                article_release(&st->v[i]);
            else
                st->v[k++] = st->v[i];
        }
        st->n = k;
    }
    set->generation = gen;
    set->generation_time = st->generation_time;
    free(seen);
    free(name_index);
    name_index = NULL;
    name_index_n = 0;
    return changed;
}

ls_error state_save(const state *st, const char *path)
{
    outfile of;
    /* the previous state stays beside it: a corrupt one is restored from it */
    ls_error err = outfile_backup(path);
    if (err)
        return err;
    err = outfile_open(&of, path, 1);
    if (err)
        return err;
    fprintf(of.fp, STATE_MAGIC "\n# written by locstat; do not edit (corrections go in corrections.tsv)\n");
    fprintf(of.fp, "G\t%d\t%lld\n", st->generation, st->generation_time);
    if (st->workbook[0])
        fprintf(of.fp, "W\t%s\n", st->workbook);
    for (size_t i = 0; i < st->n; i++) {
        const state_article *a = &st->v[i];
        fprintf(of.fp, "A\t%s\t%s\t%lld\t%lld\t%d\t%d\t%d\n", a->name, a->hash, a->first_seen,
                a->last_changed, a->gen_added, a->gen_changed, a->gen_removed);
        for (size_t k = 0; k < a->nfigs; k++) {
            char line[64];
            size_t n = format_figure(line, a->figs[k], a->vals[k], a->fgen[k], a->fkind[k]);
            fwrite(line, 1, n, of.fp);
        }
    }
    fprintf(of.fp, "E\t%zu\n", st->n);
    return outfile_commit(&of);
}
