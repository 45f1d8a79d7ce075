/* locstat.c - identifiers of the shared enums; the figure's shared strings. */
#include "locstat.h"
#include "util.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static const char *const cat_ids[CAT_MAX] = {
    "elderly", "children", "employment", "health", "governance", "other",
};
static const char *const qual_ids[QUAL_MAX] = { "exact", "over", "about", "under" };

const char *ls_category_id(ls_category c)
{
    return (unsigned)c < CAT_MAX ? cat_ids[c] : "other";
}

ls_category ls_category_parse(const char *id)
{
    for (int i = 0; i < CAT_MAX; i++)
        if (!strcmp(id, cat_ids[i]))
            return (ls_category)i;
    return CAT_MAX;
}

const char *ls_qualifier_id(ls_qualifier q)
{
    return (unsigned)q < QUAL_MAX ? qual_ids[q] : "exact";
}

ls_qualifier ls_qualifier_parse(const char *id)
{
    for (int i = 0; i < QUAL_MAX; i++)
        if (!strcmp(id, qual_ids[i]))
            return (ls_qualifier)i;
    return QUAL_MAX;
}

const char *ls_status_id(ls_status s)
{
    return s == STATUS_PLANNED ? "planned" : "done";
}

/* locstat.h says what a figure costs; a field added must say so too */
_Static_assert(sizeof(void *) != 8 || sizeof(ls_figure) == 128, "ls_figure is 128 bytes");

void ls_figure_release(ls_figure *f)
{
    if (!(f->pooled & FIG_POOL_INDICATOR))
        free(f->indicator);
    if (!(f->pooled & FIG_POOL_SURFACE))
        free(f->surface);
    if (!(f->pooled & FIG_POOL_SENTENCE))
        ls_shared_unref(f->sentence);
    if (!(f->pooled & FIG_POOL_PLACE))
        ls_shared_unref(f->place);
    free(f->correction);
    memset(f, 0, sizeof(*f));
}

void ls_figure_set_indicator(ls_figure *f, const char *s)
{
    if (!(f->pooled & FIG_POOL_INDICATOR))
        free(f->indicator);
    f->indicator = xstrdup(s);
    f->pooled &= ~(unsigned)FIG_POOL_INDICATOR;
}

typedef struct {
    size_t refs;
    char s[];
} shared;

char *ls_shared_new(const char *s, size_t len)
{
    shared *p = xmalloc(sizeof(*p) + len + 1);
    p->refs = 1;
    memcpy(p->s, s, len);
    p->s[len] = '\0';
    return p->s;
}

char *ls_shared_ref(char *s)
{
    if (s)
        ((shared *)(void *)(s - offsetof(shared, s)))->refs++;
    return s;
}

void ls_shared_unref(char *s)
{
    shared *p;
    if (!s)
        return;
    p = (shared *)(void *)(s - offsetof(shared, s));
    if (--p->refs == 0)
        free(p);
}
