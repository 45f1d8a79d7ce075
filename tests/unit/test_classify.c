/* test_classify.c - categories from context, on articles not in the seeds. */
#include "testlib.h"

#include "classify.h"
#include "extract.h"
#include "text.h"

static num_table *nt;
static text_rules *tr;
static extract_rules *er;
static classify_rules *cr;

static int setup(void **state)
{
    (void)state;
    if (num_table_load(&nt, test_templates()) || text_rules_load(&tr, test_templates()) ||
        extract_rules_load(&er, test_templates(), nt) ||
        classify_rules_load(&cr, test_templates()))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    classify_rules_free(cr);
    extract_rules_free(er);
    text_rules_free(tr);
    num_table_free(nt);
    return 0;
}

/* Categories of the figures of @p text, as "id,id,...". */
static char *categories(const char *text)
{
    text_doc doc;
    strbuf why = STRBUF_INIT, out = STRBUF_INIT;
    figure_list figs = { 0 };

    assert_int_equal(text_read(&doc, tr, text, strlen(text), &why), LS_OK);
    extract_figures(er, &doc, &figs);
    classify_figures(cr, &doc, figs.v, figs.n, figs.ctx);
    for (size_t i = 0; i < figs.n; i++)
        sb_addf(&out, "%s%s", i ? "," : "", ls_category_id(figs.v[i].category));
    figure_list_release(&figs);
    text_release(&doc);
    sb_release(&why);
    return sb_detach(&out, NULL);
}

static const struct {
    const char *text, *expect;
} cases[] = {
    { "标题\n为辖区80岁以上老人发放高龄补贴12万元。\n", "elderly" },
    /* social assistance and culture serve none of the five groups */
    { "标题\n\n民政民生工程\n\n城市低保累计保障4200人次,医疗救助累计支出360万元。\n",
      "other,other" },
    { "标题\n\n基本医疗水平提升\n\n落实文化惠民,全年送戏下乡40场、电影放映220场。\n",
      "other,other" },
    { "标题\n新建老年助餐点6个，日均服务老人300余人次。\n", "elderly,elderly" },
    { "标题\n开设四点钟课堂，辅导小学生1200人次。\n", "children" },
    { "标题\n为留守儿童发放学习用品500份。\n", "children" },
    { "标题\n举办专场招聘会8场，提供岗位1500个，达成就业意向260人。\n",
      "employment,employment,employment" },
    { "标题\n开展家政技能培训12期，培训失业人员400人次。\n", "employment,employment" },
    { "标题\n家庭医生签约服务覆盖居民3.2万人，签约率达68%。\n", "health,health" },
    { "标题\n组织医务人员开展义诊16次，为群众免费体检2000余人次。\n", "health,health" },
    { "标题\n新成立小区党支部15个，选聘楼栋长120名。\n", "governance,governance" },
    { "标题\n通过居民议事会收集群众诉求230件，解决210件。\n", "governance,governance" },
    /* a figure whose own paragraph names no group, in a story about many:
     * other; in a story about one group, that group */
    { "标题\n\n今年投入资金1.5亿元,实施民生实事十项。\n\n"
      "新建老年助餐点6个,服务老人2万人次。\n\n举办招聘会8场,提供岗位1500个。\n",
      "other,other,elderly,elderly,employment,employment" },
    { "标题\n\n社区为老人送餐上门、打扫卫生,照料独居老人。\n\n"
      "一年来服务站累计服务1.2万人次。\n",
      "elderly" },
    /* with no headings there is no section: the story's topic is not
     * counted twice against a paragraph's own words; university students
     * are no children */
    { "标题\n\n社区招募大学生志愿者86名。\n\n"
      "举办高校毕业生专场招聘会3场,提供岗位600个,达成就业意向120人。\n",
      "governance,employment,employment,employment" },
    /* an age threshold says old age only from 55 up: 18岁以上 is adults */
    { "标题\n为全镇18岁以上居民免费体检3200人。\n", "health" },
    { "标题\n为全镇65岁以上居民免费体检3200人。\n", "elderly" },
    /* 为老 (for the old) is no keyword inside 为老旧小区 */
    { "标题\n为老旧小区加装电梯,惠及居民1300余户。\n", "other" },
    /* the group served decides, not who does the work */
    { "标题\n组织200名在职党员与独居老人结对帮扶。\n", "elderly" },
    { "标题\n动员网格员86名为困境儿童上门送学。\n", "children" },
    /* a health service given to one age group is that group's */
    { "标题\n\n全县家庭医生签约率达80%。\n\n今年为1.1万名适龄儿童接种疫苗。\n",
      "health,children" },
    /* a heading sets the default for what follows it */
    { "标题\n\n守护夕阳 情暖老人心\n\n社区联合医院开展健康讲座9场，服务1100人次。\n", "elderly,elderly" },
    { "标题\n\n就业帮扶 稳岗增收\n\n今年以来共走访企业38家，推送信息600条。\n", "employment,employment" },
    /* ...unless the sentence clearly serves another group */
    { "标题\n\n银龄关爱\n\n社区还为辖区青少年开设暑期托管班3个。\n", "children" },
    /* a whole population goes to other */
    { "标题\n全村常住人口1860人，共520户。\n", "other,other" },
    /* a share is about whom the figure it is a share of is */
    { "标题\n全镇60岁以上老年人口达5200人，占户籍人口的23.6%。\n", "elderly,elderly" },
    { "标题\n辖区有留守儿童310名，约占在校学生的12%。\n", "children,children" },
    /* only within its sentence, and only when its clause opens with 占 */
    { "标题\n全镇60岁以上老年人口达5200人。占全镇户数6%的低保户共有120户。\n",
      "elderly,other,other" },
};

static void test_categories(void **state)
{
    int failures = 0;
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        char *got = categories(cases[i].text);
        if (strcmp(got, cases[i].expect)) {
            print_error("case %zu: got %s, want %s\n%s", i, got, cases[i].expect, cases[i].text);
            failures++;
        }
        free(got);
    }
    if (failures)
        fail_msg("%d cases wrong", failures);
}

static void test_phrase(void **state)
{
    (void)state;
    assert_int_equal(classify_phrase(cr, "为空巢老人上门送餐"), CAT_ELDERLY);
    assert_int_equal(classify_phrase(cr, "课后托管学生"), CAT_CHILDREN);
    assert_int_equal(classify_phrase(cr, "招聘岗位"), CAT_EMPLOYMENT);
    assert_int_equal(classify_phrase(cr, "免费体检"), CAT_HEALTH);
    assert_int_equal(classify_phrase(cr, "业主委员会"), CAT_GOVERNANCE);
    assert_int_equal(classify_phrase(cr, "道路硬化"), CAT_OTHER);
    /* old and young alike, nothing else: other */
    assert_int_equal(classify_phrase(cr, "一老一小"), CAT_OTHER);
}

/* Keywords sharing a prefix: the longest at a position counts, and words
 * with pattern characters are matched as written. */
static void test_longest_keyword(void **state)
{
    classify_rules *r = NULL;
    char *dir, *lv, path[256];
    size_t len;
    FILE *fp;
    (void)state;
    dir = write_template("categories.tsv", "elderly\t老年\t3\n"
                                           "health\t老年病\t3\n"
                                           "children\t学生\t3\n"
                                           "governance\t学生会\t3\n"
                                           "employment\tC++\t3\n"
                                           "elderly\t养老院\t3\n"
                                           "elderly\t养老金\t3\n");
    assert_int_equal(read_file("templates/classify.tsv", &lv, &len), LS_OK);
    snprintf(path, sizeof(path), "%s/classify.tsv", dir);
    fp = fopen(path, "w");
    assert_non_null(fp);
    fwrite(lv, 1, len, fp);
    fclose(fp);
    free(lv);
    assert_int_equal(classify_rules_load(&r, dir), LS_OK);
    assert_int_equal(classify_phrase(r, "老年病防治"), CAT_HEALTH);
    assert_int_equal(classify_phrase(r, "老年活动"), CAT_ELDERLY);
    assert_int_equal(classify_phrase(r, "学生会换届"), CAT_GOVERNANCE);
    assert_int_equal(classify_phrase(r, "学生托管"), CAT_CHILDREN);
    assert_int_equal(classify_phrase(r, "C++课程"), CAT_EMPLOYMENT);
    assert_int_equal(classify_phrase(r, "C+课程"), CAT_OTHER);
    assert_int_equal(classify_phrase(r, "发放养老金"), CAT_ELDERLY);
    assert_int_equal(classify_phrase(r, "养老"), CAT_OTHER);
    classify_rules_free(r);
    remove(path);
    remove_template(dir, "categories.tsv");
}

static void test_bad_template(void **state)
{
    classify_rules *r = NULL;
    char *dir;
    (void)state;
    dir = write_template("categories.tsv", "# comment\nelderly\t老人\t3\nyoung\t儿童\t3\n");
    assert_int_equal(classify_rules_load(&r, dir), LS_ERR_TEMPLATE);
    assert_null(r);
    remove_template(dir, "categories.tsv");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_categories),
        cmocka_unit_test(test_phrase),
        cmocka_unit_test(test_longest_keyword),
        cmocka_unit_test(test_bad_template),
    };
    return cmocka_run_group_tests_name("classify", tests, setup, teardown);
}
