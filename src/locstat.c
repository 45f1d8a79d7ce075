/* locstat.c - identifiers of the shared enums. */
#include "locstat.h"

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

void ls_figure_release(ls_figure *f)
{
    free(f->indicator);
    free(f->surface);
    free(f->sentence);
    free(f->place);
    free(f->correction);
    memset(f, 0, sizeof(*f));
}
