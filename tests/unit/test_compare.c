/* test_compare.c - the rules of a comparison cell (doc/comparison.md).
 *
 * Each test builds a small run by hand (articles, their localities and
 * figures with their indicators) and checks the cells cmp_build() makes.
 * Stated parts and other places' figures never reach a cell because they
 * get no indicator: test_indicate.c covers those.
 */
#include "testlib.h"

#include "compare.h"

static ind_rules *ir;

static int setup(void **state)
{
    (void)state;
    return ind_rules_load(&ir, test_templates()) ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    ind_rules_free(ir);
    return 0;
}

/* A run being built: localities first, then articles and their figures. */
typedef struct {
    run_set set;
    cmp_matrix m;
} fixture;

static void add_locality(fixture *x, const char *name, const char *code)
{
    run_locality *l;
    ALLOC_GROW(x->set.loc, x->set.nloc + 1, x->set.loc_alloc);
    l = &x->set.loc[x->set.nloc++];
    memset(l, 0, sizeof(*l));
    l->name = xstrdup(name);
    l->code = xstrdup(code);
    l->path = xstrdup(name);
    l->found = 1;
}

static void add_article(fixture *x, const char *name, int locality, const char *date)
{
    run_article *a;
    ALLOC_GROW(x->set.v, x->set.n + 1, x->set.alloc);
    a = &x->set.v[x->set.n++];
    memset(a, 0, sizeof(*a));
    a->name = xstrdup(name);
    a->path = xstrdup(name);
    a->date = date ? xstrdup(date) : NULL;
    a->locality = locality;
    a->loc.name = xstrdup(x->set.loc[locality].name);
    a->loc.code = xstrdup(x->set.loc[locality].code);
    a->loc.path = xstrdup(x->set.loc[locality].path);
}

/* A figure of the last article: "elderly.served", 1318, "名", "" (period), ... */
static ls_figure *add_figure(fixture *x, const char *id, double value, const char *unit,
                             const char *period, ls_status status, ls_qualifier q)
{
    run_article *a = &x->set.v[x->set.n - 1];
    ls_figure *f;
    char surface[64];
    ALLOC_GROW(a->figs.v, a->figs.n + 1, a->figs.alloc);
    f = &a->figs.v[a->figs.n++];
    memset(f, 0, sizeof(*f));
    f->value = value;
    snprintf(f->unit, sizeof(f->unit), "%s", unit);
    snprintf(f->period, sizeof(f->period), "%s", period);
    f->status = status;
    f->qualifier = q;
    f->ind = ind_find(ir, id) + 1;
    assert_true(f->ind > 0);
    snprintf(surface, sizeof(surface), "%g%s", value, unit);
    f->surface = xstrdup(surface);
    f->indicator = xstrdup(id);
    f->sentence = ls_shared_new(surface, strlen(surface));
    return f;
}

static const cmp_cell *cell(const fixture *x, const char *id, const char *unit, const char *code)
{
    for (size_t i = 0; i < x->m.ncells; i++) {
        const cmp_cell *c = &x->m.cells[i];
        const cmp_row *r = &x->m.rows[c->row];
        if (!strcmp(ind_get(ir, (size_t)r->ind)->id, id) && !strcmp(r->unit, unit) &&
            !strcmp(x->set.loc[x->m.cols[c->col]].code, code))
            return c;
    }
    return NULL;
}

static size_t refs_with(const fixture *x, const cmp_cell *c, cmp_role role)
{
    size_t n = 0;
    for (size_t i = 0; i < c->nref; i++)
        n += x->m.refs[c->ref + i].role == role;
    return n;
}

static void release(fixture *x)
{
    cmp_release(&x->m);
    run_set_release(&x->set);
}

/* The same statement in the lead and the body counts once: 2000, not 4000. */
static void test_repeat_once(void **state)
{
    fixture x;
    const cmp_cell *c;
    (void)state;
    memset(&x, 0, sizeof(x));
    add_locality(&x, "甲县", "360702");
    add_article(&x, "a.txt", 0, NULL);
    add_figure(&x, "governance.party_members", 2000, "名", "", STATUS_DONE, QUAL_OVER);
    add_figure(&x, "governance.party_members", 2000, "名", "", STATUS_DONE, QUAL_OVER);
    add_article(&x, "b.txt", 0, NULL);
    add_figure(&x, "elderly.served", 120, "人", "", STATUS_DONE, QUAL_EXACT);
    add_article(&x, "c.txt", 0, NULL);
    add_figure(&x, "elderly.served", 120, "人", "", STATUS_DONE, QUAL_EXACT);
    add_figure(&x, "elderly.served", 80, "名", "", STATUS_DONE, QUAL_EXACT);
    cmp_build(&x.m, &x.set, ir);
    c = cell(&x, "governance.party_members", "人", "360702");
    assert_non_null(c);
    assert_double_equal(c->value, 2000);
    assert_int_equal(c->nused, 1);
    assert_int_equal(refs_with(&x, c, CMP_REPEAT), 1);
    assert_int_equal(c->q, QUAL_OVER);
    /* a total across articles: 120 once, 80 added */
    c = cell(&x, "elderly.served", "人", "360702");
    assert_non_null(c);
    assert_double_equal(c->value, 200);
    assert_int_equal(c->nused, 2);
    assert_int_equal(c->narticles, 2);
    assert_int_equal(c->mark, CMP_SUM);
    release(&x);
}

/* People and households never add: one row per unit class. */
static void test_one_unit_class(void **state)
{
    fixture x;
    const cmp_cell *c;
    (void)state;
    memset(&x, 0, sizeof(x));
    add_locality(&x, "乙街道", "360702004");
    add_article(&x, "a.txt", 0, NULL);
    add_figure(&x, "elderly.served", 300, "人", "", STATUS_DONE, QUAL_EXACT);
    add_figure(&x, "elderly.served", 20, "位", "", STATUS_DONE, QUAL_EXACT);
    add_figure(&x, "elderly.served", 150, "户", "", STATUS_DONE, QUAL_EXACT);
    cmp_build(&x.m, &x.set, ir);
    assert_int_equal(x.m.nrows, 2);
    c = cell(&x, "elderly.served", "人", "360702004");
    assert_non_null(c);
    assert_double_equal(c->value, 320);
    c = cell(&x, "elderly.served", "户", "360702004");
    assert_non_null(c);
    assert_double_equal(c->value, 150);
    /* the row in 人 comes before the one in 户, as the catalogue lists them */
    assert_string_equal(x.m.rows[0].unit, "人");
    release(&x);
}

/* Per-meal subsidies are a range, never a sum. */
static void test_standard_range(void **state)
{
    fixture x;
    const cmp_cell *c;
    ls_figure *f;
    (void)state;
    memset(&x, 0, sizeof(x));
    add_locality(&x, "丙区", "360703");
    add_article(&x, "a.txt", 0, NULL);
    add_figure(&x, "elderly.standard", 3, "元", "", STATUS_DONE, QUAL_EXACT);
    add_figure(&x, "elderly.standard", 5, "元", "", STATUS_DONE, QUAL_EXACT);
    add_article(&x, "b.txt", 0, "2023-01-05");
    add_figure(&x, "elderly.standard", 4, "元", "月", STATUS_DONE, QUAL_EXACT);
    f = add_figure(&x, "employment.wage", 150, "元", "日", STATUS_DONE, QUAL_EXACT);
    f->value_max = 200;
    f->has_max = 1;
    cmp_build(&x.m, &x.set, ir);
    c = cell(&x, "elderly.standard", "元", "360703");
    assert_non_null(c);
    assert_double_equal(c->value, 3);
    assert_true(c->has_max);
    assert_double_equal(c->value_max, 5);
    assert_int_equal(c->mark, CMP_RANGE);
    assert_int_equal(c->nused, 3);
    c = cell(&x, "employment.wage", "元", "360703");
    assert_non_null(c);
    assert_double_equal(c->value, 150);
    assert_double_equal(c->value_max, 200);
    release(&x);
}

/* A daily figure never goes into a total, a total never into a daily row;
 * a monthly figure goes into neither; plans are not results. */
static void test_periods_and_plans(void **state)
{
    fixture x;
    const cmp_cell *c;
    (void)state;
    memset(&x, 0, sizeof(x));
    add_locality(&x, "丁镇", "360703101");
    add_article(&x, "a.txt", 0, NULL);
    add_figure(&x, "elderly.meals_daily", 150, "份", "日", STATUS_DONE, QUAL_EXACT);
    add_figure(&x, "elderly.meals_daily", 90, "份", "日", STATUS_DONE, QUAL_EXACT);
    add_figure(&x, "elderly.meals_daily", 60, "份", "", STATUS_DONE, QUAL_EXACT);
    add_figure(&x, "elderly.meals", 2500, "份", "月", STATUS_DONE, QUAL_EXACT);
    add_figure(&x, "elderly.meals", 36000, "份", "", STATUS_DONE, QUAL_EXACT);
    add_figure(&x, "elderly.meal_points", 8, "个", "", STATUS_PLANNED, QUAL_EXACT);
    cmp_build(&x.m, &x.set, ir);
    c = cell(&x, "elderly.meals_daily", "份", "360703101");
    assert_non_null(c);
    assert_double_equal(c->value, 240); /* breakfast and lunch of one day add up */
    c = cell(&x, "elderly.meals", "份", "360703101");
    assert_non_null(c);
    assert_double_equal(c->value, 36000);
    assert_int_equal(c->nused, 1);
    assert_null(cell(&x, "elderly.meal_points", "个", "360703101"));
    release(&x);
}

/* A level is the latest article's, its parts added; a size is the latest
 * article's largest figure. Latest by date, else by name. */
static void test_latest_article(void **state)
{
    fixture x;
    const cmp_cell *c;
    (void)state;
    memset(&x, 0, sizeof(x));
    add_locality(&x, "戊县", "360704");
    add_locality(&x, "己县", "360705");
    add_article(&x, "a.txt", 0, "2024-03-01");
    add_figure(&x, "employment.markets", 10, "个", "", STATUS_DONE, QUAL_EXACT);
    add_figure(&x, "employment.markets", 110, "个", "", STATUS_DONE, QUAL_EXACT);
    add_figure(&x, "general.population", 52000, "人", "", STATUS_DONE, QUAL_EXACT);
    add_figure(&x, "general.population", 48000, "人", "", STATUS_DONE, QUAL_ABOUT);
    add_article(&x, "b.txt", 0, "2022-07-15"); /* older, though later by name */
    add_figure(&x, "employment.markets", 50, "个", "", STATUS_DONE, QUAL_EXACT);
    add_figure(&x, "general.population", 60000, "人", "", STATUS_DONE, QUAL_EXACT);
    add_article(&x, "c.txt", 1, NULL);
    add_figure(&x, "health.fd_rate", 60, "%", "", STATUS_DONE, QUAL_EXACT);
    add_article(&x, "d.txt", 1, NULL);
    add_figure(&x, "health.fd_rate", 65.5, "%", "", STATUS_DONE, QUAL_EXACT);
    add_figure(&x, "health.fd_rate", 40, "%", "", STATUS_DONE, QUAL_EXACT);
    cmp_build(&x.m, &x.set, ir);
    c = cell(&x, "employment.markets", "个", "360704");
    assert_non_null(c);
    assert_double_equal(c->value, 120);
    assert_int_equal(c->mark, CMP_SUM);
    assert_int_equal(refs_with(&x, c, CMP_OLDER), 1);
    c = cell(&x, "general.population", "人", "360704");
    assert_non_null(c);
    assert_double_equal(c->value, 52000);
    assert_int_equal(c->q, QUAL_EXACT);
    assert_int_equal(c->mark, CMP_LATEST);
    assert_int_equal(refs_with(&x, c, CMP_SMALLER), 1);
    assert_int_equal(refs_with(&x, c, CMP_OLDER), 1);
    /* no dates: the article last in name order is the latest */
    c = cell(&x, "health.fd_rate", "%", "360705");
    assert_non_null(c);
    assert_double_equal(c->value, 65.5);
    release(&x);
}

/* Columns by level, then code; places not found last. */
static void test_columns(void **state)
{
    fixture x;
    (void)state;
    memset(&x, 0, sizeof(x));
    add_locality(&x, "某社区", "360702004001");
    add_locality(&x, "未识别", "");
    add_locality(&x, "乙区", "360703");
    add_locality(&x, "甲区", "360702");
    add_locality(&x, "某街道", "360702004");
    cmp_build(&x.m, &x.set, ir);
    assert_int_equal(x.m.ncols, 5);
    assert_string_equal(x.set.loc[x.m.cols[0]].code, "360702");
    assert_string_equal(x.set.loc[x.m.cols[1]].code, "360703");
    assert_string_equal(x.set.loc[x.m.cols[2]].code, "360702004");
    assert_string_equal(x.set.loc[x.m.cols[3]].code, "360702004001");
    assert_string_equal(x.set.loc[x.m.cols[4]].code, "");
    assert_string_equal(cmp_level_id("360702004"), "street");
    assert_string_equal(cmp_level_id(""), "");
    release(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_repeat_once),
        cmocka_unit_test(test_one_unit_class),
        cmocka_unit_test(test_standard_range),
        cmocka_unit_test(test_periods_and_plans),
        cmocka_unit_test(test_latest_article),
        cmocka_unit_test(test_columns),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
