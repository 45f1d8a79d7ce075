/* test_locality.c - resolving an article's locality with the real gazetteer. */
#include "testlib.h"

#include "locality.h"

static gazetteer *gaz;
static text_rules *tr;

static int setup(void **state)
{
    (void)state;
    return gaz_load(&gaz, test_templates()) == LS_OK &&
                   text_rules_load(&tr, test_templates()) == LS_OK
               ? 0
               : -1;
}

static int teardown(void **state)
{
    (void)state;
    gaz_free(gaz);
    text_rules_free(tr);
    return 0;
}

static void expect(const char *title, const char *body, const char *code, const char *name)
{
    loc_result r;
    loc_resolve_text(gaz, title, body, &r);
    if (strcmp(r.code, code) || (name && strcmp(r.name, name)))
        fail_msg("'%s' / '%s': got %s %s (%s), want %s %s", title ? title : "",
                 body ? body : "", r.name, r.code, r.note ? r.note : "", name ? name : "", code);
    loc_release(&r);
}

static void test_loaded(void **state)
{
    (void)state;
    assert_true(gaz_size(gaz) > 150000);
}

/* 渤海街道 exists in three counties: the ancestors mentioned decide. */
static void test_ambiguous_street(void **state)
{
    loc_result r;
    (void)state;
    expect("渤海街道开展敬老活动", "兴隆台区渤海街道组织志愿者入户走访。", "211103003", "渤海街道");
    expect("渤海街道开展敬老活动", "葫芦岛市南票区渤海街道组织志愿者入户走访。", "211402003",
           "渤海街道");
    /* with nothing to choose by, no guess: review with the candidates */
    loc_resolve_text(gaz, "渤海街道开展敬老活动", "街道组织志愿者入户走访。", &r);
    assert_false(r.found);
    assert_string_equal(r.code, "");
    assert_string_equal(r.name, "未识别");
    assert_non_null(r.candidates);
    assert_non_null(strstr(r.candidates, "211103003"));
    assert_non_null(strstr(r.candidates, "211402003"));
    assert_non_null(strstr(r.candidates, "222403001"));
    loc_release(&r);
}

static void test_short_forms(void **state)
{
    (void)state;
    expect("汉中：老旧小区改造提速", "今年以来，汉中持续推进城市更新。", "6107", "汉中市");
    expect(NULL, "乾安持续推进居家养老服务，乾安县民政局介绍。", "220723", "乾安县");
    /* the short form of a county inside a longer name is not a mention */
    expect(NULL, "黑龙江省哈尔滨市南岗区开展活动。", "230103", "南岗区");
}

/* An article may name only its community. */
static void test_community_only(void **state)
{
    (void)state;
    expect("杨桃墩社区：邻里互助暖人心", "社区组织志愿者为老人理发。", "441402006007",
           "杨桃墩社区");
    /* a common community name settled by its street and district */
    expect("景园社区：为民办实事", "兴隆台区渤海街道景园社区开展活动。", "211103003001",
           "景园社区");
}

/* Two counties: the title decides; without a title, their common city. */
static void test_two_counties(void **state)
{
    (void)state;
    expect("乾安县：打造幸福食堂", "乾安县与前郭尔罗斯蒙古族自治县联合开展培训。", "220723",
           "乾安县");
    expect(NULL, "吉林省松原市乾安县与前郭尔罗斯蒙古族自治县联合开展培训，乾安县和前郭尔罗斯蒙古族自治县共派出100人。",
           "2207", "松原市");
}

/* A name written right after another lies under it: the community of
 * that name elsewhere is not meant; with none under it, the street is. */
static void test_chain(void **state)
{
    (void)state;
    expect("幸福社区：小食堂大民生", "长春市宽城区团山街道幸福社区建成老年食堂1个。", "220103008",
           "团山街道");
    /* the street of that name in another province is not meant either */
    expect(NULL, "宽城区团山街道划分网格32个。", "220103008", "团山街道");
    /* the gazetteer lists some places by their whole path */
    expect("济源市天坛街道：办好民生实事", "济源市天坛街道新建食堂3个。", "419001004", NULL);
}

/* Before the title's colon stands the article's place. */
static void test_title_head(void **state)
{
    loc_result r;
    (void)state;
    expect("涿鹿县：打造幸福社区", "全县新建食堂3个。", "130731", "涿鹿县");
    /* without a colon, a settled title place still beats a namesake one */
    expect("乾安县开展幸福社区建设", "全县新建食堂3个。", "220723", "乾安县");
    /* a deeper place that tells which namesake is meant settles the
     * title's place, not its own */
    expect("旧县镇：精准服务暖民心", "新建旧县镇社区居家养老服务中心1个。", "110119104", "旧县镇");
    /* a head with many namesakes and nothing to tell which: review it,
     * rather than take what ordinary words look like (整合资源: 资源县) */
    loc_resolve_text(gaz, "永兴镇：精准服务暖民心", "整合资源，推动共同富裕，新建食堂3个。", &r);
    assert_false(r.found);
    assert_string_equal(r.name, "未识别");
    assert_non_null(r.candidates);
    assert_non_null(strstr(r.candidates, "永兴镇"));
    loc_release(&r);
}

static void test_no_locality(void **state)
{
    loc_result r;
    (void)state;
    loc_resolve_text(gaz, "社区开展活动", "志愿者为老人送去温暖。", &r);
    assert_false(r.found);
    assert_string_equal(r.name, "未识别");
    assert_string_equal(r.code, "");
    assert_non_null(r.note);
    assert_null(r.candidates);
    loc_release(&r);
}

static void test_path(void **state)
{
    loc_result r;
    (void)state;
    loc_resolve_text(gaz, "兴隆台区渤海街道景园社区", NULL, &r);
    assert_true(r.found);
    assert_string_equal(r.path, "辽宁省 盘锦市 兴隆台区 渤海街道 景园社区");
    assert_int_equal(r.level, 5);
    loc_release(&r);
}

/* The page's furniture above a headline that names no place says where
 * the site or section is: a district named there outweighs the one
 * community its story mentions once. */
static void test_kicker(void **state)
{
    static const struct {
        const char *page, *code;
    } pages[] = {
        { "东湖区\n老年大学新学期开课\n发布时间:2021-3-8 来源:区融媒体中心\n"
          "老年大学在民巷社区举办开学典礼,开设课程30门。\n", "360102" },
        { "老年大学新学期开课\n发布时间:2021-3-8\n"
          "老年大学在南昌市东湖区滕王阁街道民巷社区举办开学典礼,开设课程30门。\n",
          "360102002001" },
    };
    (void)state;
    for (size_t i = 0; i < sizeof(pages) / sizeof(*pages); i++) {
        text_doc doc;
        strbuf why = STRBUF_INIT;
        loc_result r;
        assert_int_equal(text_read(&doc, tr, pages[i].page, strlen(pages[i].page), &why), LS_OK);
        loc_resolve(gaz, &doc, &r);
        assert_string_equal(r.code, pages[i].code);
        loc_release(&r);
        text_release(&doc);
        sb_release(&why);
    }
}

/* Places outside the division table keep their names and get no code,
 * never a mainland namesake's: 林口 in a story set in 桃园市. */
static void test_outside(void **state)
{
    loc_result r;
    (void)state;
    loc_resolve_text(gaz, "桃园市龟山区推动社区健康营造", "龟山区各里陆续加入,林口的医院提供支援。", &r);
    assert_true(r.found);
    assert_string_equal(r.code, "");
    assert_string_equal(r.name, "龟山区");
    assert_string_equal(r.path, "台湾省 桃园市 龟山区");
    loc_release(&r);
    expect("香港特别行政区油尖旺区长者中心开幕", NULL, "", "油尖旺区");
    /* the mainland namesake stays itself where nothing says otherwise */
    expect("牡丹江市林口县新建养老服务站", NULL, "231025", "林口县");
}

/* A district's name without 区 reads as the district right after the short
 * form of its city, and nowhere else. */
static void test_city_district(void **state)
{
    (void)state;
    expect("上海普陀:社区助餐点开张", NULL, "310107", "普陀区");
    expect("福州鼓楼新建长者食堂", NULL, "350102", "鼓楼区");
    expect("上海和平饭店开展志愿服务", NULL, "31", "上海市");
    expect("鼓楼新建长者食堂", "福州市民政局介绍。", "3501", "福州市");
}

/* A zone named right after its city's short form is looked for in that
 * city; one the gazetteer does not list there is the city itself, never
 * a namesake elsewhere (开发区 is a street in eleven other places). */
static void test_city_zone(void **state)
{
    (void)state;
    expect("廊坊开发区：社区养老驿站开门", "开发区新建养老驿站3个。", "1310", "廊坊市");
    expect("哈尔滨综合保税区：就业服务进园区", NULL, "2301", "哈尔滨市");
}

/* A street and a community that each have namesakes name one place as a
 * pair: the community of that name under a street of that name. */
static void test_street_community_pair(void **state)
{
    (void)state;
    expect("城关街道新风社区：织密为老服务网", NULL, "210283001002", "新风社区");
    expect(NULL, "城关街道新风社区新建助餐点2个。", "210283001002", "新风社区");
}

/* 全市 and 我市 are the story's own city: a city's story that visits one
 * community stays the city's, and a county-level city's 全市 is that city,
 * not the prefecture above it. */
static void test_self_reference(void **state)
{
    (void)state;
    expect(NULL,
           "长春市召开助餐现场会。会议在宽城区团山街道幸福社区举行，幸福社区食堂每天供餐。"
           "长春市民政局介绍，全市建成食堂300个，全市老人受益，我市老年人口占比上升。",
           "2201", "长春市");
    /* without the self references the same story is the community's */
    expect(NULL,
           "长春市召开助餐现场会。会议在宽城区团山街道幸福社区举行，幸福社区食堂每天供餐。"
           "长春市民政局介绍，食堂建成300个，老人受益，老年人口占比上升。",
           "220103008", NULL);
    expect(NULL,
           "吉林市桦甸市召开助餐现场会，桦甸市民政局介绍，全市建成食堂30个，全市老人受益。",
           "220282", "桦甸市");
    /* 全社区 is the community's, not a district's (区) */
    expect(NULL, "宽城区团山街道幸福社区开展活动，全社区300户参加，宽城区民政局到场。",
           "220103008", NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loaded),
        cmocka_unit_test(test_ambiguous_street),
        cmocka_unit_test(test_short_forms),
        cmocka_unit_test(test_community_only),
        cmocka_unit_test(test_two_counties),
        cmocka_unit_test(test_chain),
        cmocka_unit_test(test_title_head),
        cmocka_unit_test(test_no_locality),
        cmocka_unit_test(test_path),
        cmocka_unit_test(test_kicker),
        cmocka_unit_test(test_outside),
        cmocka_unit_test(test_city_district),
        cmocka_unit_test(test_city_zone),
        cmocka_unit_test(test_street_community_pair),
        cmocka_unit_test(test_self_reference),
    };
    return cmocka_run_group_tests_name("locality", tests, setup, teardown);
}
