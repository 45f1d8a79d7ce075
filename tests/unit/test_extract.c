/* test_extract.c - figures from phrases, table-driven.
 *
 * None of these phrases comes from the seeds: they are written the way
 * county and district reports elsewhere put things. Each expectation is
 * "value[~max]|unit|qualifier[|period][|planned]", figures separated by
 * ";", and "" for a phrase with no figure at all.
 */
#include "testlib.h"

#include "extract.h"
#include "text.h"

static num_table *nt;
static text_rules *tr;
static extract_rules *er;

static int setup(void **state)
{
    (void)state;
    if (num_table_load(&nt, test_templates()) || text_rules_load(&tr, test_templates()) ||
        extract_rules_load(&er, test_templates(), nt))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    extract_rules_free(er);
    text_rules_free(tr);
    num_table_free(nt);
    return 0;
}

static const struct {
    const char *text, *expect;
} cases[] = {
    /* Arabic integers, decimals, separators, full-width digits */
    { "全县建成村级养老服务站45个。", "45|个|exact" },
    { "今年以来累计接待来访群众1,286人次。", "1286|人次|exact" },
    { "全区户籍人口12,345,678人。", "12345678|人|exact" },
    { "老年人健康管理率达到71.5%。", "71.5|%|exact" },
    { "发放助残补贴０．５万元。", "5000|元|exact" },
    { "新增托育机构１２家。", "12|家|exact" },
    { "开展上门巡诊３６０次，服务群众８６０人次。", "360|次|exact;860|人次|exact" },
    { "覆盖率提高到98.6%以上。", "98.6|%|over" },
    /* magnitude folding for every unit */
    { "发放高龄津贴1.35亿元。", "135000000|元|exact" },
    { "带动就业2.3万人。", "23000|人|exact" },
    { "全年接待游客3.8万人次。", "38000|人次|exact" },
    { "改造农村危房1.1万户。", "11000|户|exact" },
    { "收集群众意见建议1.6万条。", "16000|条|exact" },
    { "发放宣传资料2万余份。", "20000|份|over" },
    { "受益群众5千余人。", "5000|人|over" },
    { "拨付资金3千万元。", "30000000|元|exact" },
    { "累计投入资金5600万元。", "56000000|元|exact" },
    { "为困难群众减免费用86.4万元。", "864000|元|exact" },
    /* Chinese numerals */
    { "组建三支巡河护河队伍。", "3|支|exact" },
    { "打造五个示范点。", "5|个|exact" },
    { "设立两个服务窗口。", "2|个|exact" },
    { "开设十二个特色课堂。", "12|个|exact" },
    { "举办二十场招聘会。", "20|场|exact" },
    { "组织三十余名医生下乡。", "30|名|over" },
    { "建立四十多个调解室。", "40|个|over" },
    { "发放一百二十份问卷。", "120|份|exact" },
    { "慰问二千六百户困难家庭。", "2600|户|exact" },
    { "投入两万三千元用于场地改造。", "23000|元|exact" },
    { "接待群众一万余人次。", "10000|人次|over" },
    { "培育廿个志愿服务品牌。", "20|个|exact" },
    { "全镇有兩個日間照料中心。", "2|个|exact" },
    { "服务对象達三萬人次。", "30000|人次|exact" },
    { "覆盖十大类民生事项。", "10|类|exact" },
    { "梳理出八类重点人群。", "8|类|exact" },
    { "涉及二十余类服务项目。", "20|类|over" },
    { "完成五项重点工作任务。", "5|项|exact" },
    /* the magnitude after 余/多: 180余万元 is 1.8 million and more */
    { "累计投入资金180余万元。", "1800000|元|over" },
    { "带动村民增收30多万元。", "300000|元|over" },
    { "服务群众2万余人次。", "20000|人次|over" },
    /* a bare magnitude with 余/多 is a count: 百余名, 千余人, 万余人次 */
    { "组织百余名志愿者参加清扫。", "100|名|over" },
    { "吸引千余人次到场观看。", "1000|人次|over" },
    { "惠及群众万余人。", "10000|人|over" },
    { "发放慰问品千多份。", "1000|份|over" },
    /* approximate spans */
    { "每个小组配备两三个网格员。", "2~3|个|exact" },
    { "每户可节省六七千元。", "6000~7000|元|exact" },
    { "每场参加的老人有三四十人。", "30~40|人|exact" },
    { "日均接待七八百人次。", "700~800|人次|exact|日" },
    /* percentages */
    { "满意度达百分之九十八。", "98|%|exact" },
    { "入住率提升至百分之六十五。", "65|%|exact" },
    { "九成以上的村建有卫生室。", "90|%|over" },
    { "八成居民参与了垃圾分类。", "80|%|exact" },
    /* a digit after 成 is its tenth; 几 after a number is "and more" */
    { "六成二的受访家庭表示满意。", "62|%|exact" },
    { "食堂每天供应二十几种菜。", "20|种|over|日" },
    { "驿站配备了十几个储物柜。", "10|个|over" },
    /* 块钱 is 元; 种 counts kinds, 种植 does not */
    { "一份套餐只要8块钱。", "8|元|exact" },
    { "提供三种助浴方式。", "3|种|exact" },
    { "全村种植果树200棵。", "" },
    /* a number in 万 with no measure word counts people where a word
     * for people stands right before it or right after it */
    { "全县60岁以上户籍老年人口达21.4万。", "214000|人|exact" },
    { "注册志愿者人数超过12万,", "120000|人|over" },
    { "全区2.6万职工参加了培训。", "26000|人|exact" },
    { "老人们一年在食堂吃掉1.2万。", "" },
    { "建成绿地3万平方米。", "" },
    /* a vague count is no figure, unless 余 makes it a bound */
    { "招聘会吸引上万余人入场。", "10000|人|over" },
    { "上千名群众前来观看。", "" },
    /* after a qualifier of the spec (近, 超…) and before a measure word it
     * is one too: 近千人 is 1000, under */
    { "近千人参与了活动。", "1000|人|under" },
    { "直播吸引超万人次观看。", "10000|人次|over" },
    { "这座古桥近百年来屹立不倒。", "" },
    /* a bare 百, 千 or 万 counts before a counter of people, and is a word
     * before anything else */
    { "为百名困难老人送去慰问品。", "100|名|exact" },
    { "组织千位医生下乡义诊。", "1000|位|exact" },
    { "把温暖送进千家万户。", "" },
    { "这家百年老店每天供餐。", "" },
    /* 家 before 长 is 家长 (parents), except in 长者 (elders) */
    { "全市建成430多家长者食堂。", "430|家|over" },
    { "300多家长参加了活动。", "" },
    /* a period after the counted noun, in the figure's clause */
    { "如今有260多名老人每天到食堂用餐。", "260|名|over|日" },
    { "共有80名老人参加,每天下午活动。", "80|名|exact" },
    { "对高龄老人提供助餐补贴4元/天。", "4|元|exact|日" },
    { "一天两顿饭只需花12元。", "12|元|exact|日" },
    { "低保对象月人均补差260元。", "260|元|exact|月" },
    { "签约覆盖率为45.3%。", "45.3|%|exact" },
    { "参保率超过95%。", "95|%|over" },
    /* qualifiers before the number */
    { "约300名志愿者参与活动。", "300|名|about" },
    { "大约2000人参加了义诊。", "2000|人|about" },
    { "近500户家庭受益。", "500|户|under" },
    { "将近80名党员报到。", "80|名|under" },
    { "超过1200人次接受培训。", "1200|人次|over" },
    { "超3000户完成改造。", "3000|户|over" },
    { "逾百分之七十的村设有食堂。", "70|%|over" },
    { "不到20个社区尚未达标。", "20|个|under" },
    { "不足10%的老人使用智能设备。", "10|%|under" },
    { "参与人数多达600人。", "600|人|over" },
    { "每个班次人数不超过30人。", "30|人|under" },
    /* qualifiers after the number or the measure word */
    { "发放物资价值8000余元。", "8000|元|over" },
    { "走访困难家庭300多户。", "300|户|over" },
    { "招募志愿者50来人。", "50|人|about" },
    { "每天服务100人以上。", "100|人|over|日" },
    { "每场活动持续2小时左右。", "2|小时|about" },
    { "覆盖居民1万人左右。", "10000|人|about" },
    { "惠及群众5000人之多。", "5000|人|over" },
    { "城镇登记失业率控制在3.5%以内。", "3.5|%|under" },
    { "每班幼儿控制在20人以下。", "20|人|under" },
    /* ranges */
    { "每组由3人至5人组成。", "3~5|人|exact" },
    { "每个网格配备2至3名网格员。", "2~3|名|exact" },
    { "每次课程安排40到50分钟的互动，参加者10-15人。", "10~15|人|exact" },
    { "补贴标准为每月300～500元。", "300~500|元|exact|月" },
    { "每期培训20~30人。", "20~30|人|exact" },
    /* periods */
    { "社区食堂每日供餐约300人。", "300|人|about|日" },
    { "助餐点日均服务80余人次。", "80|人次|over|日" },
    { "每天接送学生120名。", "120|名|exact|日" },
    { "每周开展义诊2次。", "" },
    { "每月组织主题党日活动1次，全年累计12次。", "12|次|exact" },
    { "每年投入资金50万元。", "500000|元|exact|年" },
    { "年均培训农民工3000人次。", "3000|人次|exact|年" },
    { "月均受理诉求400余件。", "400|件|over|月" },
    { "周均开展活动3场。", "3|场|exact|周" },
    { "今年以来，共接待来访群众260人次。", "260|人次|exact" },
    /* the period word a clause opens with, several words before the figure */
    { "每天为辖区老年人提供午餐近300份。", "300|份|under|日" },
    { "每月为80岁以上老人补贴餐费50元。", "50|元|exact|月" },
    /* planned targets */
    { "计划年内新建老年食堂8个。", "8|个|exact||planned" },
    { "力争培训家政服务人员500人。", "500|人|exact||planned" },
    { "预计带动就业1200人。", "1200|人|exact||planned" },
    { "目标建成示范社区20个。", "20|个|exact||planned" },
    { "年底前完成改造任务150户。", "150|户|exact||planned" },
    { "明年将新增托位300个。", "300|个|exact||planned" },
    { "还将建设儿童之家10所。", "10|所|exact||planned" },
    { "拟在6月底前招聘社工40名。", "40|名|exact||planned" },
    /* a plan word after the figure: its noun will do it, or it is a target */
    { "20家用人单位将提供岗位。", "20|家|exact||planned" },
    { "目前还有3家正在筹建中。", "3|家|exact||planned" },
    { "完成120户目标任务的95%。", "120|户|exact||planned;95|%|exact" },
    /* the share of a target met is a result, though 目标 stands before it */
    { "全年完成目标任务的87.5%。", "87.5|%|exact" },
    { "明年春季招聘会将在县城广场举办12场。", "12|场|exact||planned" },
    /* 将 before its object is no plan: 将120份物资送到老人家中 */
    { "志愿者将120份物资送到老人家中。", "120|份|exact" },
    { "已完成改造80户，还将继续完成120户。", "80|户|exact;120|户|exact||planned" },
    { "该县将新建就业驿站10个。", "10|个|exact||planned" },
    /* a plan that opens the sentence covers its clauses */
    { "下一步，全县将再建设长者食堂6个。", "6|个|exact||planned" },
    { "今后，每年为老人免费体检一次，覆盖5000人。", "5000|人|exact||planned" },
    { "去年新建驿站8个，下一步再建10个。", "8|个|exact;10|个|exact||planned" },
    /* the measure word right after the number; 个 before 小时 is filler */
    { "累计服务时长1200个小时。", "1200|小时|exact" },
    { "开展志愿服务320小时。", "320|小时|exact" },
    { "开设9个兴趣班。", "9|个|exact" },
    { "配发图书2000余册。", "2000|册|over" },
    { "捐赠书籍800册(套)。", "800|册|exact" },
    { "新增床位150张。", "150|张|exact" },
    { "建成幸福院12所。", "12|所|exact" },
    { "设立便民服务点30处。", "30|处|exact" },
    { "开展培训16期。", "16|期|exact" },
    { "上门服务480件次。", "480|件次|exact" },
    { "举办讲座24场次。", "24|场次|exact" },
    { "开展巡查6轮次。", "6|轮次|exact" },
    { "开设课程90节。", "90|节|exact" },
    { "慰问老党员60位。", "60|位|exact" },
    { "改造活动室15间。", "15|间|exact" },
    { "配备轮椅40台。", "40|台|exact" },
    { "购置助餐车3辆。", "3|辆|exact" },
    { "新建公厕4座。", "4|座|exact" },
    { "发放爱心餐券600套。", "600|套|exact" },
    { "办结群众诉求1350件。", "1350|件|exact" },
    { "组建服务队伍11支。", "11|支|exact" },
    { "走访独居老人96户次。", "96|户次|exact" },
    { "提供就业岗位2600个。", "2600|个|exact" },
    { "参与企业42家。", "42|家|exact" },
    { "更换路灯300余盏。", "300|盏|over" },
    { "发放创业担保贷款45笔、金额1200万元。", "45|笔|exact;12000000|元|exact" },
    /* percentage points: the measure word is 百分点, 个 is filler */
    { "签约率同比提高3.5个百分点。", "3.5|百分点|exact" },
    { "满意度较上年上升2百分点。", "2|百分点|exact" },
    /* several figures in one sentence; a figure written twice is two */
    { "设立服务站3个，配备社工12名，服务群众1500人次。",
      "3|个|exact;12|名|exact;1500|人次|exact" },
    { "全街道共有党员860名，其中在职党员320名。", "860|名|exact;320|名|exact" },
    { "60岁以上老人1800人，占总人口的21%。", "1800|人|exact;21|%|exact" },
    { "新建社区食堂5个，目前已有5个投入运营。", "5|个|exact;5|个|exact" },
    /* per-person amounts */
    { "为12名困难党员每人发放慰问金800元。", "12|名|exact;800|元|exact" },
    /* dates and times are not figures */
    { "2024年3月15日，社区开展了健康讲座。", "" },
    { "活动于10月8日上午9:30开始。", "" },
    { "截至2023年12月底，工作全面完成。", "" },
    { "发布时间：2022-06-18 08:45:12", "" },
    { "6月下旬，街道组织了培训。", "" },
    { "今年3月，全市启动专项行动。", "" },
    { "工作将于12月底前完成。", "" },
    { "2023.11.02 社区新闻", "" },
    /* the age of one person */
    { "今年92岁的王大爷笑着说。", "" },
    { "78岁的独居老人李奶奶住在三楼。", "" },
    /* schedules */
    { "医生每3周到村里坐诊1次。", "" },
    { "网格员每月一访，及时了解情况。", "" },
    { "每两周开展1次上门服务。", "" },
    /* ordinals and list markers */
    { "这是第一次举办这样的活动。", "" },
    { "第3批示范点名单公布。", "" },
    { "第二十届运动会在县城举行。", "" },
    /* slogans and programme labels in quotes */
    { "推行“一站式”服务。", "" },
    { "打造“15分钟便民生活圈”。", "" },
    { "落实“三会一课”制度。", "" },
    { "开展“四进”活动，覆盖全县。", "" },
    { "创建“五星”支部。", "" },
    /* 一 meaning "a" */
    { "成立一支志愿服务队。", "" },
    { "开展新一轮排查。", "" },
    { "做到不落一人。", "" },
    { "为每一位老人建立档案。", "" },
    /* vague counts, idioms, durations */
    { "几十个志愿者赶来帮忙。", "" },
    { "数百名群众自发参与。", "" },
    { "上千人次参加了活动。", "" },
    { "关系千家万户的切身利益。", "" },
    { "步行15分钟即可到达。", "" },
    /* round the clock is a schedule; hours that end the clause are counted */
    { "开通24小时服务热线。", "" },
    { "实行7×24小时值守。", "" },
    { "群众诉求24小时内响应。", "" },
    { "志愿者全年累计服务24小时。", "24|小时|exact" },
    /* codes and URLs */
    { "详情见www.example.gov.cn/2024/123人", "" },
    { "型号为A300的设备运行良好。", "" },
    { "安装5G基站后信号良好。", "" },
    /* numbers without a measure word */
    { "拨打12345热线反映问题。", "" },
    { "三是加强宣传引导。", "" },
    { "一老一小是民生大事。", "" },
    /* words that only look like measure words */
    { "3个月内完成整改。", "" },
    { "元旦期间开展慰问。", "" },
    /* traditional script and pinyin annotations */
    { "社區(qū)開展活動12場(chǎng)次。", "12|场次|exact" },
    { "累計服務1.5萬(wàn)人次。", "15000|人次|exact" },
    { "為老人提供送餐服務300餘次。", "300|次|over" },
    { "發放補貼3.2萬元。", "32000|元|exact" },
    { "成立誌願服務隊8支。", "8|支|exact" },
};

/* Failing cases are all listed before the test fails. */
static int failures;
#define case_fail(...)                                                              \
    do {                                                                            \
        print_error(__VA_ARGS__);                                                   \
        print_error("\n");                                                          \
        failures++;                                                                 \
        return;                                                                     \
    } while (0)

/* Compare a figure with one expectation. */
static void check(size_t i, const ls_figure *f, const char *exp)
{
    char buf[128], *fields[6] = { 0 };
    int n = 0;
    double v, vmax = 0;
    char *tilde;

    snprintf(buf, sizeof(buf), "%s", exp);
    for (char *p = buf; n < 6;) {
        fields[n++] = p;
        p = strchr(p, '|');
        if (!p)
            break;
        *p++ = '\0';
    }
    tilde = strchr(fields[0], '~');
    if (tilde) {
        *tilde = '\0';
        vmax = strtod(tilde + 1, NULL);
    }
    v = strtod(fields[0], NULL);
    if (fabs(f->value - v) > 1e-6 * (v > 1 ? v : 1))
        case_fail("case %zu '%s': value %.9g, want %.9g", i, cases[i].text, f->value, v);
    if ((vmax > 0) != (f->has_max != 0) || (vmax > 0 && fabs(f->value_max - vmax) > 1e-6))
        case_fail("case %zu '%s': value_max %.9g (%d), want %.9g", i, cases[i].text, f->value_max,
                 f->has_max, vmax);
    if (strcmp(f->unit, fields[1]))
        case_fail("case %zu '%s': unit '%s', want '%s'", i, cases[i].text, f->unit, fields[1]);
    if (strcmp(ls_qualifier_id(f->qualifier), fields[2]))
        case_fail("case %zu '%s': qualifier %s, want %s", i, cases[i].text,
                 ls_qualifier_id(f->qualifier), fields[2]);
    if (strcmp(f->period, fields[3] ? fields[3] : ""))
        case_fail("case %zu '%s': period '%s', want '%s'", i, cases[i].text, f->period,
                 fields[3] ? fields[3] : "");
    if (strcmp(ls_status_id(f->status), fields[4] && *fields[4] ? fields[4] : "done"))
        case_fail("case %zu '%s': status %s", i, cases[i].text, ls_status_id(f->status));
}

static void run_case(size_t i)
{
    text_doc doc;
    strbuf why = STRBUF_INIT;
    figure_list figs = { 0 };
    char exp[512], *save = NULL, *one;
    size_t k = 0;
    int before = failures;

    if (text_read(&doc, tr, cases[i].text, strlen(cases[i].text), &why) != LS_OK) {
        print_error("case %zu '%s': %s\n", i, cases[i].text, why.buf);
        failures++;
        goto out;
    }
    extract_figures(er, &doc, &figs);
    snprintf(exp, sizeof(exp), "%s", cases[i].expect);
    for (one = strtok_r(exp, ";", &save); one && failures == before;
         one = strtok_r(NULL, ";", &save), k++) {
        if (k >= figs.n) {
            print_error("case %zu '%s': %zu figures, want more\n", i, cases[i].text, figs.n);
            failures++;
            break;
        }
        check(i, &figs.v[k], one);
    }
    if (failures == before && k != figs.n) {
        print_error("case %zu '%s': %zu figures (extra '%s'), want %zu\n", i, cases[i].text,
                    figs.n, figs.v[k].surface, k);
        failures++;
    }
out:
    figure_list_release(&figs);
    text_release(&doc);
    sb_release(&why);
}

static void test_table(void **state)
{
    size_t n = sizeof(cases) / sizeof(*cases);
    (void)state;
    assert_true(n >= 150);
    failures = 0;
    for (size_t i = 0; i < n; i++)
        run_case(i);
    if (failures)
        fail_msg("%d of %zu phrases wrong", failures, n);
}

/* Surface as written, offset into the bytes, sentence as evidence. */
/* Read @p text as an article and extract its figures. */
static void read_and_extract(const char *text, text_doc *doc, figure_list *figs)
{
    strbuf why = STRBUF_INIT;
    memset(figs, 0, sizeof(*figs));
    assert_int_equal(text_read(doc, tr, text, strlen(text), &why), LS_OK);
    extract_figures(er, doc, figs);
    sb_release(&why);
}

static void test_evidence(void **state)
{
    const char *text = "標題\n全鎮共有養老院3所(suǒ)，床位120張。\n";
    text_doc doc;
    figure_list figs;
    (void)state;

    read_and_extract(text, &doc, &figs);
    assert_int_equal(figs.n, 2);
    assert_string_equal(figs.v[0].surface, "3所(suǒ)");
    assert_int_equal(figs.v[0].offset, (size_t)(strstr(text, "3所") - text));
    assert_string_equal(figs.v[1].surface, "120張");
    assert_int_equal(figs.v[1].offset, (size_t)(strstr(text, "120") - text));
    assert_string_equal(figs.v[1].unit, "张");
    assert_non_null(strstr(figs.v[1].sentence, "床位120张"));
    assert_string_equal(figs.v[1].indicator, "床位");
    figure_list_release(&figs);
    text_release(&doc);
}

/* What a single figure counts, from the phrase around it. */
static void test_indicator(void **state)
{
    static const struct {
        const char *text, *indicator;
    } phrases[] = {
        /* a long phrase is cut after its last lead word */
        { "下一步，全县计划年底前再建成社区老年食堂10个。", "社区老年食堂" },
        /* an age threshold is part of the group counted (spec: 60岁以上420人) */
        { "为2万余名65岁以上老年人建立健康档案。", "65岁以上老年人" },
        /* cut short, an age threshold stays whole, another number goes */
        { "辖区60周岁以上老年人占常住人口的三成。", "60周岁以上老年人占常住人口的" },
        /* the verb linking the phrase to its figure is not what is counted */
        { "全县家庭医生签约率达到63.3%。", "全县家庭医生签约率" },
        /* nor is a postposition after a range, or 在 before it */
        { "零工市场日工资普遍在150元至200元之间。", "零工市场日工资普遍" },
    };
    (void)state;
    for (size_t i = 0; i < sizeof(phrases) / sizeof(*phrases); i++) {
        char *text = xstrfmt("标题\n%s\n", phrases[i].text);
        text_doc doc;
        figure_list figs;
        read_and_extract(text, &doc, &figs);
        assert_int_equal(figs.n, 1);
        assert_string_equal(figs.v[0].indicator, phrases[i].indicator);
        figure_list_release(&figs);
        text_release(&doc);
        free(text);
    }
}

/* A slogan quoted once is no figure where it recurs in a heading. */
static void test_label_recurs(void **state)
{
    const char *text = "标题\n推进“建好三个中心、办好十件实事”工作。\n\n办好十件实事\n\n全年完成改造40户。\n";
    text_doc doc;
    figure_list figs;
    (void)state;

    read_and_extract(text, &doc, &figs);
    assert_int_equal(figs.n, 1);
    assert_string_equal(figs.v[0].surface, "40户");
    figure_list_release(&figs);
    text_release(&doc);
}

/* Packing moves every string into the list's block and keeps what the
 * figures of one sentence share shared; a string set afterwards is the
 * figure's own until the next pack, and the list frees either. */
static void test_pack(void **state)
{
    const char *text = "标题\n全街道建成助餐点12个，服务老人860人次。新增就业岗位300个。\n";
    text_doc doc;
    figure_list figs;
    char *was[3][3];
    (void)state;

    read_and_extract(text, &doc, &figs);
    assert_int_equal(figs.n, 3);
    /* as run.c gives the figures of a sentence their place */
    figs.v[0].place = ls_shared_new("幸福社区", strlen("幸福社区"));
    figs.v[1].place = ls_shared_ref(figs.v[0].place);
    for (size_t i = 0; i < 3; i++) {
        was[i][0] = xstrdup(figs.v[i].indicator);
        was[i][1] = xstrdup(figs.v[i].surface);
        was[i][2] = xstrdup(figs.v[i].sentence);
    }
    assert_ptr_equal(figs.v[0].sentence, figs.v[1].sentence);
    for (int round = 0; round < 2; round++) { /* a second pack is harmless */
        figure_list_pack(&figs, NULL);
        assert_non_null(figs.pool);
        for (size_t i = 0; i < 3; i++) {
            const ls_figure *f = &figs.v[i];
            assert_int_equal(f->pooled, FIG_POOL_INDICATOR | FIG_POOL_SURFACE |
                                            FIG_POOL_SENTENCE | FIG_POOL_PLACE);
            assert_string_equal(f->indicator, was[i][0]);
            assert_string_equal(f->surface, was[i][1]);
            assert_string_equal(f->sentence, was[i][2]);
            assert_true(f->indicator >= figs.pool && f->surface >= figs.pool &&
                        f->sentence >= figs.pool);
        }
        assert_ptr_equal(figs.v[0].sentence, figs.v[1].sentence);
        assert_ptr_not_equal(figs.v[1].sentence, figs.v[2].sentence);
        assert_ptr_equal(figs.v[0].place, figs.v[1].place);
        assert_string_equal(figs.v[0].place, "幸福社区");
        assert_null(figs.v[2].place);
    }
    ls_figure_set_indicator(&figs.v[1], "助老服务");
    assert_string_equal(figs.v[1].indicator, "助老服务");
    assert_int_equal(figs.v[1].pooled & FIG_POOL_INDICATOR, 0);
    assert_int_equal(figs.v[1].pooled & FIG_POOL_SURFACE, FIG_POOL_SURFACE);
    assert_string_equal(figs.v[0].indicator, was[0][0]);
    figure_list_release(&figs);
    text_release(&doc);
    for (size_t i = 0; i < 3; i++)
        for (size_t k = 0; k < 3; k++)
            free(was[i][k]);
}

/* utf8_count, eight bytes at a time, against a byte loop: every length
 * and offset, on Chinese text, ASCII, and every byte value. */
static void test_utf8_count(void **state)
{
    char buf[300];
    const char *text = "组织759名在职党员,开展义诊18次,发放补贴4.6万元,签约率63.296%。\xF0\xA0\x80\x80";
    size_t tl = strlen(text);
    (void)state;
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = i < tl ? text[i] : (char)(i * 37 + 11);
    for (size_t from = 0; from < 9; from++)
        for (size_t len = 0; from + len <= sizeof(buf); len++) {
            size_t want = 0;
            for (size_t k = from; k < from + len; k++)
                want += ((unsigned char)buf[k] & 0xC0) != 0x80;
            assert_int_equal(utf8_count(buf + from, len), want);
        }
    assert_int_equal(utf8_count(text, tl), 41);
}

/* UTF-8 as the standard has it, a byte at a time: how much of p[0..len)
 * is valid, *bad 1 where an invalid sequence stops it (0: cut short). */
static size_t utf8_reference(const unsigned char *p, size_t len, size_t *bad)
{
    size_t i = 0;
    *bad = 0;
    while (i < len) {
        unsigned c = p[i], n, lo = 0x80, hi = 0xBF;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            n = 2;
        else if (c >= 0xE0 && c <= 0xEF)
            n = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
        else if (c >= 0xF0 && c <= 0xF4)
            n = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
        else
            return *bad = 1, i;
        if (i + n > len)
            return i;
        if (p[i + 1] < lo || p[i + 1] > hi)
            return *bad = 1, i;
        for (unsigned k = 2; k < n; k++)
            if ((p[i + k] & 0xC0) != 0x80)
                return *bad = 1, i;
        i += n;
    }
    return i;
}

/* utf8_check (ASCII eight bytes at a time, a short way for most Han
 * characters) against the standard: every two-byte string, three-byte
 * strings at each lead byte's edges, and text with bad bytes at every
 * offset. */
static void test_utf8_check(void **state)
{
    static const unsigned char third[] = { 0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F,
                                           0xA0, 0xBF, 0xC0, 0xE4, 0xFF };
    const char *text = "组织759名在职党员,开展义诊18次 and some ASCII text here,"
                       "发放补贴4.6万元。\xF0\xA0\x80\x80\xED\x9F\xBF\xE0\xA0\x80";
    unsigned char buf[400];
    size_t tl = strlen(text), got, want, gbad, wbad;
    (void)state;
    for (unsigned a = 0; a < 256; a++)
        for (unsigned b = 0; b < 256; b++) {
            unsigned char s[4] = { (unsigned char)a, (unsigned char)b, 0, 0 };
            got = utf8_check((const char *)s, 2, &gbad);
            want = utf8_reference(s, 2, &wbad);
            assert_int_equal(got, want);
            assert_int_equal(gbad, wbad);
            if (a < 0xC0 || a > 0xF7)
                continue;
            for (size_t t = 0; t < sizeof(third); t++)
                for (size_t len = 3; len <= 4; len++) {
                    s[2] = third[t];
                    s[3] = 0x80;
                    got = utf8_check((const char *)s, len, &gbad);
                    want = utf8_reference(s, len, &wbad);
                    if (got != want || gbad != wbad)
                        fail_msg("%02x %02x %02x (%zu bytes): %zu/%zu, want %zu/%zu", a, b,
                                 third[t], len, got, gbad, want, wbad);
                }
        }
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (unsigned char)text[i % tl];
    for (size_t at = 0; at < sizeof(buf); at += 3) {
        unsigned char keep = buf[at];
        for (unsigned v = 0x7F; v <= 0xFF; v += 0x40) {
            buf[at] = (unsigned char)v;
            for (size_t from = 0; from < 9; from++) {
                size_t len = sizeof(buf) - from - (at % 7);
                got = utf8_check((const char *)buf + from, len, &gbad);
                want = utf8_reference(buf + from, len, &wbad);
                assert_int_equal(got, want);
                assert_int_equal(gbad, wbad);
            }
        }
        buf[at] = keep;
    }
    assert_int_equal(utf8_check(text, tl, &gbad), tl);
    assert_int_equal(gbad, 0);
}

/* The index the indicator's word lists are asked through: every word
 * that begins with a character, in list order, and none else. */
static void test_word_index(void **state)
{
    char *words[] = { "开展", "为", "开展了", "", "组织", "为民", "\xF0\xA0\x80\x80字", "a" };
    size_t n = sizeof(words) / sizeof(*words), nw;
    word_index wi;
    const uint32_t *w;
    (void)state;

    word_index_init(&wi, words, n);
    w = word_index_at(&wi, utf8_decode("开展活动", NULL), &nw);
    assert_int_equal(nw, 2);
    assert_int_equal(w[0], 0);
    assert_int_equal(w[1], 2);
    w = word_index_at(&wi, utf8_decode("为民服务", NULL), &nw);
    assert_int_equal(nw, 2);
    assert_int_equal(w[0], 1);
    assert_int_equal(w[1], 5);
    w = word_index_at(&wi, utf8_decode("\xF0\xA0\x80\x80", NULL), &nw);
    assert_int_equal(nw, 1);
    assert_int_equal(w[0], 6);
    assert_int_equal(wi.len[6], 7);
    w = word_index_at(&wi, 'a', &nw);
    assert_int_equal(nw, 1);
    assert_int_equal(w[0], 7);
    word_index_at(&wi, utf8_decode("服务", NULL), &nw);
    assert_int_equal(nw, 0);
    word_index_at(&wi, 0, &nw); /* the empty word begins nowhere */
    assert_int_equal(nw, 0);
    word_index_release(&wi);
    /* many first characters: the slots collide and probe on */
    {
        char *many[300], buf[300][8];
        for (int i = 0; i < 300; i++) {
            utf8_encode(0x4E00 + (uint32_t)i * 7, buf[i]);
            buf[i][3] = '\0';
            many[i] = buf[i];
        }
        word_index_init(&wi, many, 300);
        for (int i = 0; i < 300; i++) {
            w = word_index_at(&wi, 0x4E00 + (uint32_t)i * 7, &nw);
            assert_int_equal(nw, 1);
            assert_int_equal(w[0], (uint32_t)i);
        }
        word_index_at(&wi, 0x4E01, &nw);
        assert_int_equal(nw, 0);
        word_index_release(&wi);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_count),
        cmocka_unit_test(test_utf8_check),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_evidence),
        cmocka_unit_test(test_indicator),
        cmocka_unit_test(test_label_recurs),
        cmocka_unit_test(test_pack),
        cmocka_unit_test(test_word_index),
    };
    return cmocka_run_group_tests_name("extract", tests, setup, teardown);
}
