/* locality.c - gazetteer and locality resolution. */
#include "locality.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "tmpl.h"

#define MAX_NAME_CHARS 16
/* a ring of at least MAX_NAME_CHARS + 1 entries, a power of two */
#define RING_SIZE 32
#define RING_MASK (RING_SIZE - 1)
#define MAX_MENTIONS 4096
/* A name with more namesakes than this says nothing about the place. */
#define MAX_CANDIDATES 512
#define NONE ((uint32_t)-1)

/* 20 bytes: start-up time on a cold machine is mostly page faults, so the
 * 171k nodes hold offsets into the mapped file, not pointers. */
typedef struct {
    uint32_t line;       /* offset of the line (its code) in the mapping */
    uint32_t parent;
    uint32_t next_same;  /* next node with the same name */
    uint32_t next_alias; /* next node with the same short form */
    uint8_t code_len, name_len, level;
} node;

#define NODE_CODE(g, i) ((g)->map + (g)->n[i].line)
#define NODE_NAME(g, i) ((g)->map + (g)->n[i].line + (g)->n[i].code_len + 1)

/* Open addressing: slot -> first node index, keyed by a string. */
typedef struct {
    uint32_t *slot;
    size_t mask;
} strtab;

struct gazetteer {
    const char *map; /* regions.tsv, mapped read-only */
    size_t map_len;
    node *n;
    size_t nn;
    strtab by_name, by_code, by_alias;
    char **aliases;       /* short forms */
    uint32_t *alias_head; /* first node of each short form's chain */
    size_t naliases;
    uint32_t *enders; /* sorted last code points of names */
    size_t nenders;
    /* one bit per BMP code point: does a name end with it, does a short
     * form begin with it? Tested before the pair filters, as most
     * characters of a text do neither. */
    uint8_t ender_bits[65536 / 8];
    uint8_t alias_first_bits[65536 / 8];
    /* Bloom-like filters on character pairs, so that the scan hashes a
     * substring only where a name can begin and end or a short form begin. */
    uint8_t *pair_end;   /* bit set: the last two characters of a name */
    uint8_t *pair_start; /* bit set: the first two characters of a short form */
    uint8_t *pair_begin; /* bit set: the first two characters of a name */
    double w_title, w_source, w_body, w_alias, descend;
    char *unknown;
    /* words by which a story names its own division (全市, 我县), each
     * with the name ending of the divisions it stands for */
    struct self_word {
        char *ending, *word;
    } *self;
    size_t nself;
};

static const char *st_key(const gazetteer *g, int kind, uint32_t i, size_t *len)
{
    if (kind == 0)
        return *len = g->n[i].name_len, NODE_NAME(g, i);
    if (kind == 1)
        return *len = g->n[i].code_len, NODE_CODE(g, i);
    return *len = strlen(g->aliases[i]), g->aliases[i];
}

/* The slot holding key s (kind 0 names, 1 codes, 2 aliases), or the empty
 * slot where it would go. */
static size_t st_find(const strtab *t, const gazetteer *g, int kind, const char *s, size_t len)
{
    size_t h = (size_t)XXH3_64bits(s, len) & t->mask;
    for (;; h = (h + 1) & t->mask) {
        uint32_t i = t->slot[h];
        const char *k;
        size_t klen;
        if (i == NONE)
            return h;
        k = st_key(g, kind, i, &klen);
        if (klen == len && !memcmp(k, s, len))
            return h;
    }
}

/* A table for @p n keys at most 2/3 full. */
static void st_init(strtab *t, size_t n)
{
    size_t size = 16;
    while (size * 2 < n * 3)
        size *= 2;
    t->slot = xmalloc(size * sizeof(uint32_t));
    memset(t->slot, 0xFF, size * sizeof(uint32_t));
    t->mask = size - 1;
}

static void st_free(strtab *t)
{
    free(t->slot);
}

void gaz_free(gazetteer *g)
{
    if (!g)
        return;
    if (g->map)
        munmap((void *)g->map, g->map_len);
    free(g->n);
    st_free(&g->by_name);
    st_free(&g->by_code);
    st_free(&g->by_alias);
    for (size_t i = 0; i < g->naliases; i++)
        free(g->aliases[i]);
    free(g->aliases);
    free(g->alias_head);
    free(g->enders);
    free(g->pair_end);
    free(g->pair_start);
    free(g->pair_begin);
    free(g->unknown);
    for (size_t i = 0; i < g->nself; i++) {
        free(g->self[i].ending);
        free(g->self[i].word);
    }
    free(g->self);
    free(g);
}

size_t gaz_size(const gazetteer *g)
{
    return g->nn;
}

/* The last two code points of s[0..len) (a is 0 for a one-character name). */
static void last_two(const char *s, size_t len, uint32_t *a, uint32_t *b)
{
    size_t p = utf8_prev(s, len);
    *b = utf8_decode(s + p, NULL);
    *a = p ? utf8_decode(s + utf8_prev(s, p), NULL) : 0;
}

static int u32cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* The gazetteer is mapped read-only and parsed in place: names and codes
 * are (pointer, length) pairs into the mapping, so loading 171k lines
 * copies nothing and writes nothing into them. */
static ls_error load_regions(gazetteer *g, const char *tdir)
{
    char *path = xstrfmt("%s/regions.tsv", tdir);
    size_t alloc = 0, nparents = 0;
    const char *p, *end;
    int line = 0, fd = open(path, O_RDONLY);
    struct stat st;

    if (fd < 0 || fstat(fd, &st) < 0) {
        error("cannot read gazetteer '%s': %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        free(path);
        return LS_ERR_IO;
    }
    g->map_len = (size_t)st.st_size;
    g->map = g->map_len ? mmap(NULL, g->map_len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0)
                        : NULL;
    close(fd);
    if (g->map == MAP_FAILED) {
        g->map = NULL;
        error("cannot map gazetteer '%s': %s", path, strerror(errno));
        free(path);
        return LS_ERR_IO;
    }
    /* a line is at least 16 bytes: reserve once, touch only what is used */
    alloc = g->map_len / 16 + 16;
    g->n = xmalloc(alloc * sizeof(*g->n));
    {
        /* names are matched as pattern subjects without UTF checks */
        size_t bad, ok = utf8_check(g->map, g->map_len, &bad);
        if (ok < g->map_len) {
            size_t l = 1;
            for (size_t i = 0; i < ok; i++)
                l += g->map[i] == '\n';
            error("%s:%zu: not valid UTF-8", path, l);
            free(path);
            return LS_ERR_TEMPLATE;
        }
    }
    for (p = g->map, end = g->map ? g->map + g->map_len : NULL; p < end;) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        const char *f[4] = { NULL }, *fe[4] = { NULL };
        int nf = 0;
        line++;
        if (!eol)
            eol = end;
        if (p < eol && *p != '#') {
            const char *q = p;
            while (nf < 4) {
                const char *tab = memchr(q, '\t', (size_t)(eol - q));
                f[nf] = q;
                fe[nf] = tab ? tab : eol;
                nf++;
                if (!tab)
                    break;
                q = tab + 1;
            }
            if (nf < 3 || fe[2] - f[2] != 1 || f[2][0] < '1' || f[2][0] > '5' ||
                fe[0] - f[0] > 32 || fe[1] - f[1] > 255 || f[0] - g->map > (ptrdiff_t)UINT32_MAX - 1) {
                error("%s:%d: expected code, name, level (1-5) and parent code", path, line);
                free(path);
                return LS_ERR_TEMPLATE;
            }
            ALLOC_GROW(g->n, g->nn + 1, alloc);
            g->n[g->nn] = (node){ (uint32_t)(f[0] - g->map), NONE, NONE, NONE,
                                  (uint8_t)(fe[0] - f[0]), (uint8_t)(fe[1] - f[1]),
                                  (uint8_t)(f[2][0] - '0') };
            if (f[1] != fe[0] + 1) {
                error("%s:%d: fields must be separated by one TAB", path, line);
                free(path);
                return LS_ERR_TEMPLATE;
            }
            if (g->n[g->nn].level < 5)
                nparents++;
            /* until every code is known, parent holds the parent code's
             * offset in the mapping, and next_same its length */
            if (nf > 3 && fe[3] > f[3]) {
                g->n[g->nn].parent = (uint32_t)(f[3] - g->map);
                g->n[g->nn].next_same = (uint32_t)(fe[3] - f[3]);
            }
            g->nn++;
        }
        p = eol + 1;
    }
    free(path);

    /* communities are nobody's parent: only levels 1-4 need a code table */
    st_init(&g->by_code, nparents);
    st_init(&g->by_name, g->nn);
    for (size_t i = 0; i < g->nn; i++) {
        size_t h;
        if (g->n[i].level == 5)
            continue;
        h = st_find(&g->by_code, g, 1, NODE_CODE(g, i), g->n[i].code_len);
        if (g->by_code.slot[h] == NONE)
            g->by_code.slot[h] = (uint32_t)i;
    }
    for (size_t i = 0; i < g->nn; i++) {
        size_t h;
        if (g->n[i].parent != NONE) {
            h = st_find(&g->by_code, g, 1, g->map + g->n[i].parent, g->n[i].next_same);
            g->n[i].parent = g->by_code.slot[h];
        }
        h = st_find(&g->by_name, g, 0, NODE_NAME(g, i), g->n[i].name_len);
        g->n[i].next_same = g->by_name.slot[h];
        g->by_name.slot[h] = (uint32_t)i;
    }
    /* every walk up the tree ends: a parent sits above its child (this
     * also rules out a division being its own ancestor) */
    for (size_t i = 0; i < g->nn; i++) {
        uint32_t up = g->n[i].parent;
        if (up != NONE && g->n[up].level >= g->n[i].level) {
            error("%s/regions.tsv: '%.*s' (level %d) has parent '%.*s' at level %d, not above it",
                  tdir, g->n[i].code_len, NODE_CODE(g, i), g->n[i].level, g->n[up].code_len,
                  NODE_CODE(g, up), g->n[up].level);
            return LS_ERR_TEMPLATE;
        }
    }
    return LS_OK;
}

static int is_word(const char *const *words, size_t n, const char *s, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(words[i]) == len && !memcmp(words[i], s, len))
            return 1;
    return 0;
}

static ls_error load_places(gazetteer *g, const char *tdir)
{
    tmpl_file tf;
    ls_error err = tmpl_load(&tf, tdir, "places.tsv", 2);
    pcre2_match_data *md = pcre2_match_data_create(4, NULL);
    size_t aalloc = 0, falloc = 0, nwords = 0, salloc = 0;
    const char **words = NULL; /* short forms that are ordinary words */

    g->w_title = 3, g->w_source = 2, g->w_body = 1, g->w_alias = 0.5, g->descend = 0.6;
    if (err)
        goto out;
    words = xcalloc(tf.nrows + 1, sizeof(*words));
    for (size_t i = 0; i < tf.nrows; i++)
        if (!strcmp(tf.rows[i].field[0], "word"))
            words[nwords++] = tf.rows[i].field[1];
    for (size_t i = 0; i < tf.nrows && !err; i++) {
        tmpl_row *row = &tf.rows[i];
        if (!strcmp(row->field[0], "word")) {
            continue; /* read above, before any short form is made */
        } else if (!strcmp(row->field[0], "unknown")) {
            free(g->unknown);
            g->unknown = xstrdup(row->field[1]);
        } else if (!strcmp(row->field[0], "self") && row->nfield >= 3) {
            for (int f = 2; f < row->nfield; f++) {
                ALLOC_GROW(g->self, g->nself + 1, salloc);
                g->self[g->nself].ending = xstrdup(row->field[1]);
                g->self[g->nself++].word = xstrdup(row->field[f]);
            }
        } else if (!strcmp(row->field[0], "descend")) {
            g->descend = strtod(row->field[1], NULL);
        } else if (!strcmp(row->field[0], "weight") && row->nfield >= 3) {
            double w = strtod(row->field[2], NULL);
            if (!strcmp(row->field[1], "title"))
                g->w_title = w;
            else if (!strcmp(row->field[1], "source"))
                g->w_source = w;
            else if (!strcmp(row->field[1], "body"))
                g->w_body = w;
            else if (!strcmp(row->field[1], "alias"))
                g->w_alias = w;
            else
                err = tmpl_error(&tf, row, "unknown weight '%s'", row->field[1]);
        } else if (!strcmp(row->field[0], "alias") && row->nfield >= 3) {
            int level = atoi(row->field[1]);
            pcre2_code *re = tmpl_regex(&tf, row, NULL, row->field[2], 0);
            if (!re) {
                err = LS_ERR_REGEX;
                break;
            }
            for (size_t k = 0; k < g->nn; k++) {
                node *nd = &g->n[k];
                PCRE2_SIZE *ov;
                size_t h;
                if (nd->level != level ||
                    rx_match(re, NODE_NAME(g, k), nd->name_len, 0, 0, md) < 2)
                    continue;
                ov = pcre2_get_ovector_pointer(md);
                /* the scan looks short forms up at 2 to 4 characters */
                if (ov[2] == PCRE2_UNSET || utf8_count(NODE_NAME(g, k) + ov[2], ov[3] - ov[2]) < 2 ||
                    is_word(words, nwords, NODE_NAME(g, k) + ov[2], ov[3] - ov[2]))
                    continue;
                ALLOC_GROW(g->aliases, g->naliases + 1, aalloc);
                ALLOC_GROW(g->alias_head, g->naliases + 1, falloc);
                if (!g->by_alias.slot)
                    st_init(&g->by_alias, 8192);
                h = st_find(&g->by_alias, g, 2, NODE_NAME(g, k) + ov[2], ov[3] - ov[2]);
                if (g->by_alias.slot[h] == NONE) {
                    if (g->naliases * 2 >= g->by_alias.mask) {
                        err = tmpl_error(&tf, row, "more short forms than the table holds");
                        break;
                    }
                    g->aliases[g->naliases] = xstrndup(NODE_NAME(g, k) + ov[2], ov[3] - ov[2]);
                    g->alias_head[g->naliases] = NONE;
                    g->by_alias.slot[h] = (uint32_t)g->naliases++;
                }
                nd->next_alias = g->alias_head[g->by_alias.slot[h]];
                g->alias_head[g->by_alias.slot[h]] = (uint32_t)k;
            }
            pcre2_code_free(re);
        } else {
            err = tmpl_error(&tf, row, "unknown entry '%s'", row->field[0]);
        }
    }
    if (!g->unknown)
        g->unknown = xstrdup("未识别");
out:
    free(words);
    pcre2_match_data_free(md);
    tmpl_release(&tf);
    return err;
}

ls_error gaz_load(gazetteer **out, const char *tdir)
{
    gazetteer *g = xcalloc(1, sizeof(*g));
    size_t ealloc = 0;
    ls_error err;

    if ((err = load_regions(g, tdir)) || (err = load_places(g, tdir)))
        goto fail;
    g->pair_end = xcalloc(PAIR_FILTER_BYTES, 1);
    g->pair_start = xcalloc(PAIR_FILTER_BYTES, 1);
    g->pair_begin = xcalloc(PAIR_FILTER_BYTES, 1);
    for (size_t i = 0; i < g->nn; i++) {
        uint32_t a, b;
        int n;
        const char *nm = NODE_NAME(g, i);
        if (!g->n[i].name_len)
            continue;
        last_two(nm, g->n[i].name_len, &a, &b);
        pair_set(g->pair_end, a, b);
        a = utf8_decode(nm, &n);
        b = (size_t)n < g->n[i].name_len ? utf8_decode(nm + n, NULL) : 0;
        pair_set(g->pair_begin, a, b);
    }
    for (size_t i = 0; i < g->naliases; i++) {
        int n;
        uint32_t a = utf8_decode(g->aliases[i], &n);
        uint32_t b = g->aliases[i][n] ? utf8_decode(g->aliases[i] + n, NULL) : 0;
        pair_set(g->pair_start, a, b);
        if (a < 65536)
            g->alias_first_bits[a >> 3] |= (uint8_t)(1u << (a & 7));
    }
    /* the characters names end with (区, 县, 道 ...): a few dozen */
    for (size_t i = 0; i < g->nn; i++) {
        const char *nm = NODE_NAME(g, i);
        size_t l = g->n[i].name_len, at;
        uint32_t cp;
        if (!l)
            continue;
        cp = utf8_decode(nm + utf8_prev(nm, l), NULL);
        if (g->nenders && g->enders[g->nenders - 1] == cp)
            continue; /* names of one level mostly end alike */
        for (at = 0; at < g->nenders && g->enders[at] < cp; at++)
            ;
        if (at < g->nenders && g->enders[at] == cp)
            continue;
        ALLOC_GROW(g->enders, g->nenders + 1, ealloc);
        memmove(g->enders + at + 1, g->enders + at, (g->nenders - at) * sizeof(uint32_t));
        g->enders[at] = cp;
        g->nenders++;
        if (cp < 65536)
            g->ender_bits[cp >> 3] |= (uint8_t)(1u << (cp & 7));
    }
    *out = g;
    return LS_OK;
fail:
    gaz_free(g);
    *out = NULL;
    return err;
}

/* ---- resolution ---- */

typedef struct {
    uint32_t first;  /* first candidate node */
    int alias;       /* candidates chained by next_alias */
    double weight;
    int in_title;
    uint32_t best;   /* resolved node or NONE */
    int ambiguous;
    int after;       /* the full name written right before it (长春市宽城区), or -1 */
} mention;

typedef struct {
    mention *v;
    size_t n, alloc;
} mention_list;

static uint32_t name_first(const gazetteer *g, const char *s, size_t len)
{
    size_t h = st_find(&g->by_name, g, 0, s, len);
    return g->by_name.slot[h];
}

static uint32_t alias_first(const gazetteer *g, const char *s, size_t len)
{
    size_t h;
    if (!g->by_alias.slot)
        return NONE;
    h = st_find(&g->by_alias, g, 2, s, len);
    if (g->by_alias.slot[h] == NONE)
        return NONE;
    return g->alias_head[g->by_alias.slot[h]];
}

static int is_ender(const gazetteer *g, uint32_t cp)
{
    if (cp < 65536)
        return g->ender_bits[cp >> 3] & (1u << (cp & 7));
    return g->nenders && bsearch(&cp, g->enders, g->nenders, sizeof(uint32_t), u32cmp) != NULL;
}

/* Might a short form begin with cp? (No false "no".) */
static int may_begin_alias(const gazetteer *g, uint32_t cp)
{
    return cp >= 65536 || (g->alias_first_bits[cp >> 3] & (1u << (cp & 7)));
}

static int add_mention(mention_list *l, uint32_t first, int alias, double w, int title, int after)
{
    if (l->n >= MAX_MENTIONS)
        return -1;
    ALLOC_GROW(l->v, l->n + 1, l->alloc);
    l->v[l->n] = (mention){ first, alias, w, title, NONE, 0, after };
    return (int)l->n++;
}

/* Is node c below node p? */
static int is_under(const gazetteer *g, uint32_t c, uint32_t p)
{
    for (uint32_t a = g->n[c].parent; a != NONE; a = g->n[a].parent)
        if (a == p)
            return 1;
    return 0;
}

/*
 * Districts have no short form of their own (和平, 新城 are words), but
 * right after the short form of their city one reads as the district:
 * 上海普陀, 武汉硚口. Returns the end of a district name of one to three
 * characters at s[at..] whose name with 区 lies under a candidate of the
 * short form @p city, or 0.
 */
static size_t district_after(const gazetteer *g, const char *s, size_t len, size_t at,
                             uint32_t city)
{
    size_t e = at, best = 0;
    for (int c = 0; c < 3 && e < len; c++) {
        char buf[16];
        uint32_t d;
        int n;
        if (utf8_decode(s + e, &n) < 0x4E00 || e + (size_t)n - at + 3 > sizeof(buf))
            break;
        e += (size_t)n;
        if (c == 0)
            continue; /* one character is too little to tell */
        memcpy(buf, s + at, e - at);
        memcpy(buf + (e - at), "区", 3);
        d = name_first(g, buf, e - at + 3);
        for (; d != NONE && !best; d = g->n[d].next_same)
            for (uint32_t k = city; k != NONE && !best; k = g->n[k].next_alias)
                if (is_under(g, d, k))
                    best = e;
    }
    return best;
}

/* Find names in s[0..len): full names ending at an "ender" character,
 * longest first; then short forms where no full name was found. */
static void scan(const gazetteer *g, const char *s, size_t len, double w, int title,
                 mention_list *out)
{
    /* the last MAX_NAME_CHARS + 1 characters, oldest first: where each
     * starts and what it is, in a ring (k-th: [(first + k) & RING_MASK]) */
    size_t at[RING_SIZE];
    uint32_t ch[RING_SIZE];
    size_t first_slot = 0, ns = 0, covered = 0;
    int last = -1; /* the last full name, which ends at covered */
    /* names written one after another (济源市天坛街道) start at chain_at;
     * the first of them is mention chain_first */
    size_t chain_at = 0;
    int chain_first = -1;
    unsigned char *cov = xcalloc(len + 1, 1);
    /* where each full name starts, for a short form written before it */
    struct { size_t at; int m; } *full = NULL;
    size_t nfull = 0, full_alloc = 0;

    for (size_t i = 0; i < len;) {
        int n;
        uint32_t cp = utf8_decode(s + i, &n);
        size_t endp = i + (size_t)n;
        /* remember the last MAX_NAME_CHARS + 1 characters */
        if (ns == MAX_NAME_CHARS + 1)
            first_slot = (first_slot + 1) & RING_MASK, ns--;
        at[(first_slot + ns) & RING_MASK] = i;
        ch[(first_slot + ns) & RING_MASK] = cp;
        ns++;
        /* one bit test for the last character rejects most places, the
         * pair filter most of the rest */
        if (cp >= 0x4E00 && is_ender(g, cp) &&
            pair_test(g->pair_end, ns > 1 ? ch[(first_slot + ns - 2) & RING_MASK] : 0, cp)) {
            for (size_t k = 0; k + 1 < ns; k++) {
                size_t a = at[(first_slot + k) & RING_MASK];
                uint32_t first;
                /* a name may also span the chain before it: the gazetteer
                 * lists some places by their whole path */
                int whole = chain_first >= 0 && a == chain_at && a < covered;
                if ((a < covered && !whole) ||
                    !pair_test(g->pair_begin, ch[(first_slot + k) & RING_MASK],
                               ch[(first_slot + k + 1) & RING_MASK]))
                    continue;
                first = name_first(g, s + a, endp - a);
                if (first != NONE) {
                    int after = last >= 0 && a == covered ? last : -1;
                    if (whole)
                        out->n = (size_t)chain_first; /* the parts give way */
                    last = add_mention(out, first, 0, w, title, after);
                    if (last >= 0) {
                        ALLOC_GROW(full, nfull + 1, full_alloc);
                        full[nfull].at = a;
                        full[nfull++].m = last;
                    }
                    if (after < 0) {
                        chain_at = a;
                        chain_first = last;
                    }
                    memset(cov + a, 1, endp - a);
                    covered = endp;
                    break;
                }
            }
        }
        i = endp;
    }
    /* short forms, 2 to 4 characters, outside full names */
    for (size_t i = 0; i < len;) {
        size_t e = i, found = 0;
        int taken = 0, n1;
        uint32_t c1 = utf8_decode(s + i, &n1);
        if (c1 < 0x4E00 || !may_begin_alias(g, c1) || i + (size_t)n1 >= len ||
            !pair_test(g->pair_start, c1, utf8_decode(s + i + n1, NULL))) {
            i += (size_t)n1;
            continue;
        }
        for (int c = 0; c < 4 && e < len; c++) {
            e += (size_t)utf8_len((unsigned char)s[e]);
            if (c >= 1)
                found = cov[i] || cov[e - 1] ? found : (alias_first(g, s + i, e - i) != NONE ? e : found);
        }
        if (found) {
            uint32_t first = alias_first(g, s + i, found - i);
            int m = add_mention(out, first, 1, w * g->w_alias, title, -1);
            /* not where a full name was read already (武汉硚口区) */
            size_t dend = m >= 0 && found < len && !cov[found] ? district_after(g, s, len, found, first) : 0;
            i = found;
            taken = 1;
            /* 廊坊开发区: a full name right after a short form is
             * written after that place, as after a full name */
            for (size_t k = 0; m >= 0 && found < len && cov[found] && k < nfull; k++)
                if (full[k].at == found && out->v[full[k].m].after < 0)
                    out->v[full[k].m].after = m;
            if (dend) { /* 上海普陀: the district of the city just named */
                char buf[4 * MAX_NAME_CHARS];
                size_t dl = dend - found;
                memcpy(buf, s + found, dl);
                memcpy(buf + dl, "区", 3);
                add_mention(out, name_first(g, buf, dl + 3), 0, w, title, m);
                i = dend;
            }
        }
        if (!taken)
            i += (size_t)utf8_len((unsigned char)s[i]);
    }
    free(cov);
    free(full);
}

static uint32_t next_cand(const gazetteer *g, const mention *m, uint32_t i)
{
    return m->alias ? g->n[i].next_alias : g->n[i].next_same;
}

typedef struct {
    uint32_t node;
    uint32_t groups; /* how many distinct names have it as a candidate */
} candref;

static int candref_cmp(const void *a, const void *b)
{
    uint32_t x = ((const candref *)a)->node, y = ((const candref *)b)->node;
    return x < y ? -1 : x > y;
}

#define MAX_CHAIN_PARENTS 8
/* mention.in_title of a name before the title's colon */
#define TITLE_HEAD 2

/* Where the article writes a name right after another whose place is
 * settled (宽城区团山街道幸福社区: 团山街道 before 幸福社区), those places,
 * at most MAX_CHAIN_PARENTS. A parent left ambiguous (高新区, one of many)
 * says nothing. */
static size_t chain_parents(const mention_list *l, size_t i, uint32_t *out)
{
    const mention *m = &l->v[i];
    size_t n = 0;
    for (size_t j = i; j < l->n && n < MAX_CHAIN_PARENTS; j++) {
        const mention *o = &l->v[j], *p;
        size_t k;
        if (o->first != m->first || o->alias != m->alias || o->after < 0)
            continue;
        p = &l->v[o->after];
        if (p->best == NONE || p->ambiguous || p->first == m->first)
            continue;
        for (k = 0; k < n && out[k] != p->best; k++)
            ;
        if (k == n)
            out[n++] = p->best;
    }
    return n;
}

/* Among the candidates of the name led by mention i that lie under every
 * place in within[0..nw), pick the one with the most ancestors that the
 * article also names. */
static void choose(const gazetteer *g, mention *m, const candref *cands, size_t nc,
                   const uint32_t *within, size_t nw)
{
    int best = -1, ties = 0;
    size_t k = 0;

    m->best = NONE;
    m->ambiguous = 0;
    for (uint32_t c = m->first; c != NONE && k < MAX_CANDIDATES; c = next_cand(g, m, c), k++) {
        int support = 0;
        size_t w;
        for (w = 0; w < nw && is_under(g, c, within[w]); w++)
            ;
        if (w < nw)
            continue;
        for (uint32_t a = g->n[c].parent; a != NONE; a = g->n[a].parent) {
            candref key = { a, 0 }, *hit;
            uint32_t own = 0;
            hit = nc ? bsearch(&key, cands, nc, sizeof(*cands), candref_cmp) : NULL;
            if (!hit)
                continue;
            /* a name that is also its own ancestor's (吉林市 in 吉林省)
             * does not support itself */
            for (uint32_t o = m->first; o != NONE && !own; o = next_cand(g, m, o))
                own = o == a;
            support += hit->groups > own;
        }
        if (support > best) {
            best = support;
            m->best = c;
            ties = 1;
        } else if (support == best) {
            ties++;
        }
    }
    if (ties > 1) {
        m->ambiguous = 1;
        if (best == 0)
            m->best = NONE; /* nothing to choose by: no guess shown as fact */
    }
}

/*
 * Settle each name: among its candidates, the one with the most ancestors
 * that the article also names wins. Work is per distinct name, and "also
 * names" is a binary search in the candidates of all names, so an article
 * repeating one common name thousands of times costs no more than once.
 *
 * Then a name written right after a settled place must lie under it, or
 * under that place's parent. When no candidate does, the place is not in
 * the gazetteer where the article puts it, and it stands for the place it
 * is written in rather than for a namesake in another county.
 */
static void settle(const gazetteer *g, mention_list *l)
{
    candref *cands = NULL;
    size_t nc = 0, alloc = 0;
    size_t *lead = xmalloc((l->n ? l->n : 1) * sizeof(*lead));

    /* the first mention of each distinct name stands for all of them */
    for (size_t i = 0; i < l->n; i++) {
        mention *m = &l->v[i];
        size_t j, k = 0;
        for (j = 0; j < i; j++)
            if (l->v[j].first == m->first && l->v[j].alias == m->alias)
                break;
        lead[i] = j;
        if (j < i)
            continue;
        for (uint32_t c = m->first; c != NONE && k < MAX_CANDIDATES; c = next_cand(g, m, c), k++) {
            ALLOC_GROW(cands, nc + 1, alloc);
            cands[nc].node = c;
            cands[nc].groups = 1;
            nc++;
        }
    }
    if (nc) {
        size_t k = 0;
        qsort(cands, nc, sizeof(*cands), candref_cmp);
        for (size_t i = 0; i < nc; i++) {
            if (k && cands[k - 1].node == cands[i].node)
                cands[k - 1].groups++;
            else
                cands[k++] = cands[i];
        }
        nc = k;
    }
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < l->n; i++) {
            mention *m = &l->v[i];
            if (lead[i] < i) { /* settled under its first mention */
                m->best = l->v[lead[i]].best;
                m->ambiguous = l->v[lead[i]].ambiguous;
            } else if (pass == 0) {
                choose(g, m, cands, nc, NULL, 0);
            } else {
                uint32_t within[MAX_CHAIN_PARENTS];
                size_t nw = chain_parents(l, i, within), w;
                for (w = 0; w < nw && m->best != NONE && is_under(g, m->best, within[w]); w++)
                    ;
                if (nw && w < nw) {
                    uint32_t given = within[0];
                    choose(g, m, cands, nc, within, nw);
                    if (m->best == NONE && !m->ambiguous) {
                        /* divisions move between the districts of one
                         * city: one level up (南票区渤海街道, listed in 连山区) */
                        for (w = 0; w < nw; w++)
                            if (g->n[within[w]].parent != NONE)
                                within[w] = g->n[within[w]].parent;
                        choose(g, m, cands, nc, within, nw);
                    }
                    if (m->best == NONE && !m->ambiguous)
                        m->best = given; /* not listed there: the place it is in */
                }
            }
        }
    }
    free(lead);
    free(cands);
}

typedef struct {
    uint32_t node;
    double mass, direct;
} massrec;

static size_t mass_index(massrec **v, size_t *n, size_t *alloc, uint32_t nd)
{
    for (size_t i = 0; i < *n; i++)
        if ((*v)[i].node == nd)
            return i;
    ALLOC_GROW(*v, *n + 1, *alloc);
    (*v)[*n] = (massrec){ nd, 0, 0 };
    return (*n)++;
}

static void fill_result(const gazetteer *g, uint32_t nd, loc_result *out)
{
    uint32_t chain[8];
    int depth = 0;
    strbuf sb = STRBUF_INIT;

    out->found = 1;
    out->node = nd;
    out->name = xstrndup(NODE_NAME(g, nd), g->n[nd].name_len);
    /* a code that starts with '-' marks a place outside the division
     * table (Taiwan, Hong Kong, Macau): its name, and no code */
    out->code = NODE_CODE(g, nd)[0] == '-' ? xstrdup("")
                                           : xstrndup(NODE_CODE(g, nd), g->n[nd].code_len);
    out->level = g->n[nd].level;
    for (uint32_t a = nd; a != NONE && depth < 8; a = g->n[a].parent)
        chain[depth++] = a;
    while (depth-- > 0) {
        sb_add(&sb, NODE_NAME(g, chain[depth]), g->n[chain[depth]].name_len);
        if (depth)
            sb_addch(&sb, ' ');
    }
    out->path = sb_detach(&sb, NULL);
}

static void candidates_of(const gazetteer *g, const mention *m, loc_result *out)
{
    strbuf sb = STRBUF_INIT;
    int k = 0;
    for (uint32_t c = m->first; c != NONE && k < LOC_MAX_CANDIDATES; c = next_cand(g, m, c), k++) {
        loc_result tmp;
        memset(&tmp, 0, sizeof(tmp));
        fill_result(g, c, &tmp);
        sb_addf(&sb, "%s%s %s", k ? "; " : "", tmp.path, tmp.code);
        out->choices[out->nchoices++] = xstrfmt("%s %s", tmp.name, tmp.code);
        loc_release(&tmp);
    }
    out->candidates = sb_detach(&sb, NULL);
}

/* The candidate of m that is nd or holds it, or NONE. */
static uint32_t holder(const gazetteer *g, uint32_t nd, const mention *m)
{
    size_t k = 0;
    for (uint32_t c = m->first; c != NONE && k < MAX_CANDIDATES; c = next_cand(g, m, c), k++)
        if (c == nd || is_under(g, nd, c))
            return c;
    return NONE;
}

/* The first self entry with this ending: entries are counted per ending. */
static int self_index(const gazetteer *g, const char *ending)
{
    for (size_t i = 0; i < g->nself; i++)
        if (!strcmp(g->self[i].ending, ending))
            return (int)i;
    return -1;
}

/* The self ending a division's name ends with, the longest one (社区, not
 * 区), as the index of its first entry; -1 for none. */
static int self_ending(const gazetteer *g, uint32_t nd)
{
    const char *nm = NODE_NAME(g, nd);
    size_t len = g->n[nd].name_len, best_len = 0;
    int best = -1;
    for (size_t i = 0; i < g->nself; i++) {
        size_t el = strlen(g->self[i].ending);
        if (el > best_len && el <= len && !memcmp(nm + len - el, g->self[i].ending, el)) {
            best = self_index(g, g->self[i].ending);
            best_len = el;
        }
    }
    return best;
}

/* Add the self words of s[0..len) to @p count, by ending: one pass per
 * distinct first character (全, 我, 本), not one per word. */
static void count_self(const gazetteer *g, const char *s, size_t len, size_t *count)
{
    for (size_t i = 0; s && i < g->nself; i++) {
        const char *w = g->self[i].word;
        int first = utf8_len((unsigned char)w[0]), seen = 0;
        for (size_t k = 0; k < i && !seen; k++)
            seen = !strncmp(g->self[k].word, w, (size_t)first);
        if (seen)
            continue; /* that character was scanned for */
        for (const char *p = s, *end = s + len; (p = memmem(p, (size_t)(end - p), w, (size_t)first));
             p += first)
            for (size_t k = i; k < g->nself; k++) {
                size_t wl = strlen(g->self[k].word);
                if (wl <= (size_t)(end - p) && !memcmp(p, g->self[k].word, wl))
                    count[self_index(g, g->self[k].ending)]++;
            }
    }
}

static void resolve(const gazetteer *g, const char *title, size_t tlen, const char *body,
                    size_t blen, const char *source, const char *kicker, loc_result *out)
{
    mention_list l = { NULL, 0, 0 };
    massrec *mv = NULL;
    size_t nm = 0, malloc_ = 0;
    uint32_t pick = NONE;
    const mention *ambiguous = NULL, *title_ambiguous = NULL;
    size_t *self_count = xcalloc(g->nself + 1, sizeof(*self_count));

    memset(out, 0, sizeof(*out));
    if (title) {
        /* 乾安县：打出党建组合拳: the head before the colon names the
         * article's place; what follows may name others (打造幸福社区) */
        const char *colon = memchr(title, ':', tlen);
        const char *wide = memmem(title, tlen, "：", 3);
        size_t head = colon ? (size_t)(colon - title) : tlen;
        if (wide && (size_t)(wide - title) < head)
            head = (size_t)(wide - title);
        if (head < tlen) {
            scan(g, title, head, g->w_title, TITLE_HEAD, &l);
            scan(g, title + head, tlen - head, g->w_title, 1, &l);
        } else {
            scan(g, title, tlen, g->w_title, 1, &l);
        }
    }
    if (body)
        scan(g, body, blen, g->w_body, 0, &l);
    if (source)
        scan(g, source, strlen(source), g->w_source, 0, &l);
    if (kicker)
        scan(g, kicker, strlen(kicker), g->w_source, 0, &l);
    settle(g, &l);

    /* the most specific place named in the title's head; else in the
     * whole title, and then, if the head names a place with namesakes,
     * only inside one of them */
    for (size_t i = 0; i < l.n; i++)
        if (l.v[i].in_title == TITLE_HEAD && !l.v[i].alias && l.v[i].best == NONE) {
            title_ambiguous = &l.v[i];
            break;
        }
    for (int want = TITLE_HEAD; want >= 1 && pick == NONE; want--) {
        for (size_t i = 0; i < l.n; i++) {
            const mention *m = &l.v[i];
            if (m->in_title < want || m->alias)
                continue;
            if (m->best == NONE) {
                ambiguous = ambiguous ? ambiguous : m;
                continue;
            }
            if (want < TITLE_HEAD && title_ambiguous && holder(g, m->best, title_ambiguous) == NONE)
                continue;
            if (pick == NONE || g->n[m->best].level > g->n[pick].level)
                pick = m->best;
        }
        /* a deeper place that tells which of the head's namesakes is
         * meant (旧县镇：… 旧县镇社区) settles the head's place */
        if (pick != NONE && want < TITLE_HEAD && title_ambiguous)
            pick = holder(g, pick, title_ambiguous);
    }
    /* with no place in the title settled, a title name with namesakes
     * bounds what the rest of the article can settle */
    if (pick == NONE && !title_ambiguous)
        for (size_t i = 0; i < l.n && !title_ambiguous; i++)
            if (l.v[i].in_title && !l.v[i].alias && l.v[i].best == NONE)
                title_ambiguous = &l.v[i];
    if (pick == NONE) {
        /* where the mentions concentrate: walk down while one child holds
         * most of its parent's mass */
        for (size_t i = 0; i < l.n; i++) {
            const mention *m = &l.v[i];
            if (m->best == NONE) {
                if (!ambiguous && !m->alias)
                    ambiguous = m;
                continue;
            }
            {
                size_t k = mass_index(&mv, &nm, &malloc_, m->best); /* may move mv */
                mv[k].direct += m->weight;
            }
            for (uint32_t a = m->best; a != NONE; a = g->n[a].parent) {
                size_t k = mass_index(&mv, &nm, &malloc_, a);
                mv[k].mass += m->weight;
            }
        }
        if (nm) {
            size_t cur = 0;
            count_self(g, title, tlen, self_count);
            count_self(g, body, blen, self_count);
            for (size_t i = 0; i < nm; i++)
                if (g->n[mv[i].node].parent == NONE && mv[i].mass > mv[cur].mass)
                    cur = i;
            if (g->n[mv[cur].node].parent != NONE) /* no province mentioned at all */
                for (size_t i = 0; i < nm; i++)
                    if (mv[i].mass > mv[cur].mass)
                        cur = i;
            for (;;) {
                size_t best = (size_t)-1;
                double own;
                for (size_t i = 0; i < nm; i++)
                    if (g->n[mv[i].node].parent == mv[cur].node &&
                        (best == (size_t)-1 || mv[i].mass > mv[best].mass))
                        best = i;
                if (best == (size_t)-1)
                    break;
                /* 全市 and 我市 name the story's own city: they count for
                 * the place they stop at, the deepest of that ending */
                own = mv[cur].direct;
                {
                    int e = self_ending(g, mv[cur].node);
                    if (e >= 0 && self_ending(g, mv[best].node) != e)
                        own += self_count[e] * g->w_body;
                }
                /* the child must hold most of what is mentioned below its
                 * parent, and at least as much as the parent itself: a
                 * county named eight times is not about the one community
                 * it names once */
                if (mv[best].mass < g->descend * (mv[cur].mass - mv[cur].direct) ||
                    mv[best].mass < own)
                    break;
                cur = best;
            }
            /* a place only inferred as a parent of short forms is too weak */
            if (mv[cur].mass > 0)
                pick = mv[cur].node;
            /* the title names a place that could be one of many: what
             * else the article mentions (整合资源 -> 资源县) does not tell
             * which, unless it lies inside one, which it then settles */
            if (pick != NONE && title_ambiguous)
                pick = holder(g, pick, title_ambiguous);
        }
    }
    if (pick != NONE) {
        fill_result(g, pick, out);
    } else {
        out->name = xstrdup(g->unknown);
        out->code = xstrdup("");
        out->path = xstrdup("");
        out->note = xstrdup(ambiguous ? "ambiguous place name" : "no place name found");
    }
    if (ambiguous && pick == NONE)
        candidates_of(g, ambiguous, out);
    free(self_count);
    free(mv);
    free(l.v);
}

void loc_resolve(const gazetteer *g, const text_doc *doc, loc_result *out)
{
    const char *title = NULL;
    size_t tlen = 0, bstart = 0;
    strbuf kicker = STRBUF_INIT;
    for (size_t i = 0; i < doc->nlines; i++) {
        const text_line *l = &doc->lines[i];
        if (l->kind == LINE_TITLE) {
            title = doc->s + l->start;
            tlen = l->end - l->start;
            bstart = l->end;
            break;
        }
        /* the page's furniture above the headline (新平县, 海峡网>福州新闻)
         * says where the site or section is: it counts as the source does */
        if (l->kind == LINE_META) {
            sb_add(&kicker, doc->s + l->start, l->end - l->start);
            sb_addch(&kicker, '\n');
        }
    }
    if (!title)
        sb_release(&kicker);
    resolve(g, title, tlen, doc->s + bstart, doc->len - bstart, doc->source,
            kicker.len ? kicker.buf : NULL, out);
    sb_release(&kicker);
}

void loc_resolve_text(const gazetteer *g, const char *title, const char *body, loc_result *out)
{
    resolve(g, title, title ? strlen(title) : 0, body, body ? strlen(body) : 0, NULL, NULL, out);
}

void loc_release(loc_result *r)
{
    free(r->name);
    free(r->code);
    free(r->path);
    free(r->candidates);
    for (size_t i = 0; i < r->nchoices; i++)
        free(r->choices[i]);
    free(r->note);
    memset(r, 0, sizeof(*r));
}

int loc_lookup(const gazetteer *g, const char *text, loc_result *out)
{
    const char *p = text;
    size_t len;
    uint32_t nd = NONE;

    memset(out, 0, sizeof(*out));
    p += strspn(p, " \t");
    /* a code, alone or as the second word of a candidate */
    for (const char *w = p; *w; w += strspn(w, " \t")) {
        size_t wl = strcspn(w, " \t");
        if (wl >= 2 && strspn(w, "0123456789") == wl) {
            for (size_t i = 0; i < g->nn && nd == NONE; i++)
                if (g->n[i].code_len == wl && !memcmp(NODE_CODE(g, i), w, wl))
                    nd = (uint32_t)i;
            if (nd == NONE)
                return -1;
            break;
        }
        w += wl;
    }
    if (nd == NONE) {
        len = strcspn(p, " \t");
        if (!len)
            return -1;
        nd = name_first(g, p, len);
        if (nd == NONE)
            return -1;
        if (g->n[nd].next_same != NONE)
            return -2;
    }
    fill_result(g, nd, out);
    return 0;
}

char *loc_place(const gazetteer *g, const loc_result *within, const char *s, size_t len)
{
    mention_list l = { NULL, 0, 0 };
    uint32_t best = NONE;

    if (!within->found)
        return NULL;
    scan(g, s, len, 1, 0, &l);
    for (size_t i = 0; i < l.n; i++) {
        if (l.v[i].alias)
            continue;
        for (uint32_t c = l.v[i].first; c != NONE; c = g->n[c].next_same) {
            uint32_t a = g->n[c].parent;
            while (a != NONE && a != within->node)
                a = g->n[a].parent;
            if (a == within->node && (best == NONE || g->n[c].level > g->n[best].level))
                best = c;
        }
    }
    free(l.v);
    return best == NONE ? NULL : xstrndup(NODE_NAME(g, best), g->n[best].name_len);
}
